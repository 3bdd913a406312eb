-- What was sent for the task tokens of callback tasks (.waitForTaskToken):
-- SendTaskSuccess / SendTaskFailure (status SUCCEEDED or FAILED, with the
-- output or error and cause) and the last SendTaskHeartbeat. Written by
-- whichever process answers the token; read by the one running the
-- execution, which waits for it.

CREATE TABLE task_outcomes (
	token     TEXT NOT NULL PRIMARY KEY,
	execution TEXT NOT NULL,           -- the execution's ARN
	status    TEXT NOT NULL,           -- '', SUCCEEDED or FAILED
	output    TEXT,                    -- SUCCEEDED: the result, JSON
	error     TEXT NOT NULL DEFAULT '',
	cause     TEXT NOT NULL DEFAULT '',
	heartbeat INTEGER NOT NULL DEFAULT 0 -- Unix nanoseconds of the last heartbeat, 0 for none
) STRICT;

CREATE INDEX task_outcomes_by_execution ON task_outcomes (execution);
