-- Schedules (EventBridge Scheduler) and their run history.
--
-- A schedule is stored whole as JSON in record (schedule.Definition with
-- EventBridge Scheduler's field names: ScheduleExpression, State, Target,
-- ..., and the scheduler's LastFireTime, LastRunId and Queued, which make
-- a restarted scheduler neither fire a time twice nor miss one).
--
-- schedule_runs keeps, per schedule, what became of each fire time
-- (schedule.Run as JSON in record), keyed by the fire time in Unix
-- milliseconds; a run recorded again for the same fire time (a queued
-- one that started) replaces it.

CREATE TABLE schedules (
	name   TEXT NOT NULL PRIMARY KEY,
	record TEXT NOT NULL CHECK (json_valid(record))
) STRICT;

CREATE TABLE schedule_runs (
	schedule  TEXT NOT NULL REFERENCES schedules (name) ON DELETE CASCADE,
	fire_time INTEGER NOT NULL, -- Unix milliseconds
	record    TEXT NOT NULL,
	PRIMARY KEY (schedule, fire_time)
) STRICT, WITHOUT ROWID;
