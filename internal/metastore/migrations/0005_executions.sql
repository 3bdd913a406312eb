-- State machines and their durable executions (Step Functions).
--
-- A state machine keeps its definition text as written (JSON or YAML).
-- An execution is stored whole as JSON in record (workflow.Execution);
-- status and machine are columns for listing, stop_requested is set by
-- any process and read by the one running the execution. Each committed
-- transition appends its history events and replaces the records of the
-- threads it moved (the top level, a Parallel branch, a Map item), in
-- one transaction: a process killed at any point resumes from there.

CREATE TABLE state_machines (
	name       TEXT NOT NULL PRIMARY KEY,
	definition TEXT NOT NULL,
	created    INTEGER NOT NULL,
	updated    INTEGER NOT NULL
) STRICT;

CREATE TABLE executions (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	arn            TEXT NOT NULL UNIQUE,
	machine        TEXT NOT NULL,
	status         TEXT NOT NULL,
	record         TEXT NOT NULL CHECK (json_valid(record)),
	stop_requested INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX executions_by_machine ON executions (machine, seq);
CREATE INDEX executions_by_status ON executions (status, seq);

-- Events and threads are written at every transition: their records are
-- not checked with json_valid, which costs a fifth of a transition.
-- They name their execution by its seq, shorter than its ARN.
CREATE TABLE execution_events (
	execution INTEGER NOT NULL REFERENCES executions (seq),
	id        INTEGER NOT NULL,
	record    TEXT NOT NULL,
	PRIMARY KEY (execution, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE execution_threads (
	execution INTEGER NOT NULL REFERENCES executions (seq),
	id        TEXT NOT NULL,
	record    TEXT NOT NULL,
	PRIMARY KEY (execution, id)
) STRICT, WITHOUT ROWID;
