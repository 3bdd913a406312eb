-- Triggers (EventBridge rules): the trigger with its engine state as
-- JSON, the lake objects a lake source has seen, and the run history.

CREATE TABLE triggers (
	name   TEXT NOT NULL PRIMARY KEY,
	record TEXT NOT NULL CHECK (json_valid(record))
) STRICT;

CREATE TABLE trigger_objects (
	trigger TEXT NOT NULL REFERENCES triggers (name) ON DELETE CASCADE,
	key     TEXT NOT NULL,
	size    INTEGER NOT NULL,
	mtime   INTEGER NOT NULL, -- Unix nanoseconds
	pending INTEGER NOT NULL, -- 1: seen, not yet fired
	seen    INTEGER NOT NULL, -- Unix milliseconds
	PRIMARY KEY (trigger, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE trigger_runs (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	trigger TEXT NOT NULL REFERENCES triggers (name) ON DELETE CASCADE,
	record  TEXT NOT NULL
) STRICT;

CREATE INDEX trigger_runs_by_trigger ON trigger_runs (trigger, id);
