CREATE TABLE book (id bigint PRIMARY KEY, title text NOT NULL);
INSERT INTO book (id, title) VALUES (1, 'Migrations before anything');
