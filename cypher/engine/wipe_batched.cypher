// Delete everything in batches (auto-commit transaction only; for big benchmark graphs).
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
