-- Added a release later: a column on a table that already holds data. Adding a nullable column
-- with no default only touches the catalog; its unique index is built in 0004, concurrently.
ALTER TABLE customers ADD COLUMN email text;
