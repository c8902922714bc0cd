-- The sample's own tables: undoing the sample may lose its rows.
-- lockstep:lint-ignore=drop-table
DROP TABLE customers;
