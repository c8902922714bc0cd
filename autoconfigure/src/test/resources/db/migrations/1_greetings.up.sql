CREATE TABLE greetings (id int PRIMARY KEY, text text NOT NULL);
