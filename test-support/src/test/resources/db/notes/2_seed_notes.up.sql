INSERT INTO note (id, text) VALUES (1, 'migrated once, cloned for each test');
