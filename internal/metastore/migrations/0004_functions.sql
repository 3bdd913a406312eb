-- User functions (weir's Lambda).
--
-- A function is stored whole as JSON in record (function.Function with
-- Lambda's field names: FunctionName, Runtime, Timeout, Environment, ...).

CREATE TABLE functions (
	name   TEXT NOT NULL PRIMARY KEY,
	record TEXT NOT NULL CHECK (json_valid(record))
) STRICT;
