INSERT INTO customers (name, email) VALUES ('Ada Lovelace', 'ada@example.com'), ('Alan Turing', 'alan@example.com');
INSERT INTO orders (customer_id, amount_cents)
SELECT id, 4200 FROM customers WHERE email = 'ada@example.com';
