// Package workflow runs Amazon States Language state machines: it
// interprets an asl.Definition state by state with Step Functions'
// semantics (the JSONPath data flow, Retry with backoff, Catch, Choice,
// Wait, Parallel branches and Map iterations with bounded concurrency,
// timeouts, the 256 KiB payload limit, variables) and records the
// execution's history in Step Functions' event types.
//
// Task states run through a Registry of TaskHandlers, which the
// application fills with the built-in integrations (Athena queries,
// Glue crawlers, nested executions) and user functions; workflow itself
// knows none of them. Time comes from a Clock: the system clock, or a
// VirtualClock on which Wait states and retry intervals take no time.
package workflow
