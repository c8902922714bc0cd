-- PL/pgSQL with dollar quotes: the semicolons inside the body belong to the function.
CREATE FUNCTION customer_lifetime_value(p_customer_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $body$
DECLARE
    total bigint;
BEGIN
    SELECT coalesce(sum(amount_cents), 0) INTO total
    FROM orders
    WHERE customer_id = p_customer_id AND status <> 'cancelled';
    RETURN total;
END;
$body$;

COMMENT ON FUNCTION customer_lifetime_value(bigint) IS 'Sum of a customer''s orders; cancelled ones excluded.';
