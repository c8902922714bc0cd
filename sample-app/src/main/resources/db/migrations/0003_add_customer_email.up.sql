-- Added a release later: a column on a table that already holds data.
ALTER TABLE customers ADD COLUMN email text;
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));
