-- Built without blocking writes to customers.
CREATE INDEX CONCURRENTLY customers_email ON customers (email);
