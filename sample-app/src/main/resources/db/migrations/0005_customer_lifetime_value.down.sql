DROP FUNCTION customer_lifetime_value(bigint);
