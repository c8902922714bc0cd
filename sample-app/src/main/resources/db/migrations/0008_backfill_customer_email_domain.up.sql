-- A data migration: recorded at start, its batches run once the service is ready, a transaction
-- each, on one instance at a time (lockstep-cli jobs shows them; health's lockstep.details.jobs).
-- lockstep:batched table=customers key=id
UPDATE customers SET email_domain = split_part(email, '@', 2)
WHERE id >= ${batch.from} AND id < ${batch.to} AND email IS NOT NULL
