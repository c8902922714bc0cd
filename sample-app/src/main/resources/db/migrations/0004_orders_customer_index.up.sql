-- Builds without locking writes. Lockstep sees CONCURRENTLY and runs this file outside a
-- transaction by itself; no directive needed. Replicas waiting for the lock meanwhile poll
-- pg_try_advisory_lock and hold no snapshot, so the build is not stuck behind them.
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_email_key ON customers (lower(email));
