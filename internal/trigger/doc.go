// Package trigger starts state machines, crawlers and queries when
// something happens, as EventBridge rules do: objects land under a lake
// prefix (batched and debounced, their keys passed in an S3 "Object
// Created" event), or a crawler, query or execution ends in a state.
//
// An Engine keeps triggers in a Store and, while Run runs (weir serve)
// or when Poll is called (weir triggers poll), polls each enabled
// trigger's source: a lake prefix through a Lister, the states of
// crawls, queries and executions through a Watcher. What it has seen is
// durable (the objects of a lake source, a cursor over a state-change
// source), so that a restarted Engine fires neither an event twice nor
// misses one that happened while it was stopped: those fire once on
// start. Targets start through a Starter; internal/app starts them as
// it starts the targets of schedules.
//
// A trigger is ENABLED or DISABLED (see the transition table in
// trigger.go); a disabled trigger drops what happens, and is primed
// again when enabled, as an EventBridge rule is.
package trigger
