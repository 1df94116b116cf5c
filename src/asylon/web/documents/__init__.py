"""Documents and notes on a case: files stored by their SHA-256, served only to those who may
see the case; append-only notes."""
