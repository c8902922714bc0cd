-- A new column the next release reads; filled for the existing rows by 0008 in the background.
ALTER TABLE customers ADD COLUMN email_domain text;
