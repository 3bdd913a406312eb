-- The Glue-style catalog: databases, tables and partitions.
--
-- Times are Unix milliseconds (UTC) in INTEGER columns, NULL when unset.
-- Structured fields are JSON text: columns and partition keys are arrays of
-- {"name", "type", "comment"} with types in their Hive spelling; storage is
-- {"input_format", "output_format", "serde", "serde_parameters"};
-- parameters are objects of strings.

CREATE TABLE databases (
	name         TEXT NOT NULL PRIMARY KEY,
	description  TEXT NOT NULL,
	location_uri TEXT NOT NULL,
	parameters   TEXT NOT NULL CHECK (json_valid(parameters)),
	create_time  INTEGER
) STRICT;

CREATE TABLE tables (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	db             TEXT NOT NULL REFERENCES databases (name) ON DELETE CASCADE,
	name           TEXT NOT NULL,
	description    TEXT NOT NULL,
	table_type     TEXT NOT NULL,
	columns        TEXT NOT NULL CHECK (json_valid(columns)),
	partition_keys TEXT NOT NULL CHECK (json_valid(partition_keys)),
	location       TEXT NOT NULL,
	storage        TEXT NOT NULL CHECK (json_valid(storage)),
	parameters     TEXT NOT NULL CHECK (json_valid(parameters)),
	create_time    INTEGER,
	update_time    INTEGER,
	UNIQUE (db, name)
) STRICT;

-- A partition's id records insertion order; AUTOINCREMENT never reuses one.
-- value_key is the canonical form of value_list (see partitionKey in
-- store_catalog.go), unique within a table, so lookups by values use an
-- index.
CREATE TABLE partitions (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
	value_key   TEXT NOT NULL,
	value_list  TEXT NOT NULL CHECK (json_valid(value_list)),
	location    TEXT NOT NULL,
	parameters  TEXT NOT NULL CHECK (json_valid(parameters)),
	create_time INTEGER,
	UNIQUE (table_id, value_key)
) STRICT;

CREATE INDEX partitions_in_order ON partitions (table_id, id);

INSERT INTO databases (name, description, location_uri, parameters, create_time)
VALUES ('default', 'Default Hive database', '', '{}', CAST(unixepoch('subsec') * 1000 AS INTEGER));
