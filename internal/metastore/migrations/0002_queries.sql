-- Athena-style query executions and the journal of staged writes.
--
-- An execution is stored whole as JSON in record; state and submission
-- order are columns so that listing by state is indexed. cancel_requested
-- is set by any process and read by the one running the execution, so it
-- lives outside record, which only that process writes.

CREATE TABLE query_executions (
	seq              INTEGER PRIMARY KEY AUTOINCREMENT,
	id               TEXT NOT NULL UNIQUE,
	state            TEXT NOT NULL,
	record           TEXT NOT NULL CHECK (json_valid(record)),
	cancel_requested INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX query_executions_by_state ON query_executions (state, seq);

-- A committed write whose files are still being moved into the lake; see
-- query.WriteJournal. moves is a JSON array of {"From", "To"}.
CREATE TABLE write_journal (
	query_id TEXT NOT NULL PRIMARY KEY,
	moves    TEXT NOT NULL CHECK (json_valid(moves)),
	created  INTEGER NOT NULL
) STRICT;
