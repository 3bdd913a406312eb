// Package schedule is weir's EventBridge Scheduler: it parses schedule
// expressions and computes when a schedule fires (pure functions: [Parse],
// [New], [Schedule.Next]), keeps schedules as [Definition] values in a
// consumer-defined [Store], and runs a [Scheduler] that fires them through
// a consumer-defined [Starter] (internal/app starts state machine
// executions, crawls and Athena queries). The Scheduler reads time from a
// [Clock], so that tests run it on a fake one (package scheduletest).
//
// Three expressions are accepted, as EventBridge Scheduler defines them:
//
//	rate(5 minutes)            every 5 minutes from the schedule's start
//	cron(0 8 ? * MON-FRI *)    minutes hours day-of-month month day-of-week year
//	at(2026-12-01T09:30:00)    once, at that wall-clock time
//
// [Parse] checks an expression and returns an [Expression]; a malformed one
// is reported as a [*SyntaxError] naming the field, the problem and the fix,
// wrapped with [errs.Invalid]. [New] builds a [Schedule] from an expression, a
// time zone and an optional start and end, and [Schedule.Next] and
// [Schedule.NextN] compute fire times.
//
// # Time zones and daylight saving time
//
// cron and at expressions are read as wall-clock times in the schedule's
// time zone (UTC unless one is given). Where the clocks change, weir does
// what EventBridge Scheduler documents:
//
//   - A cron time that does not exist because the clocks jump forward is
//     skipped: cron(30 2 * * ? *) in Europe/Brussels does not fire on the
//     last Sunday of March.
//   - A cron time that happens twice because the clocks go back fires once,
//     at its first occurrence (the earlier instant, still on summer time).
//     This holds for every minute of the repeated hour, so
//     cron(0/15 * * * ? *) fires at 02:00, 02:15, 02:30 and 02:45 summer time
//     and then at 03:00 winter time, an hour and a quarter later.
//   - rate expressions count elapsed time, not wall-clock time: rate(1 day)
//     fires every 24 hours from its start, so its local time of day moves by
//     an hour when the clocks change.
//
// EventBridge does not document an at() time that falls in a gap or an
// overlap. weir fires a time in a gap later by the length of the gap (02:30
// on the spring-forward night in Brussels fires at 03:30 summer time, the
// moment that is 02:30 by the winter clock), and a time in an overlap at its
// first occurrence, as java.time resolves local times.
//
// # Windows
//
// A recurring schedule fires only at or after its start and before its end;
// one-time schedules ignore both, as EventBridge Scheduler does. A rate
// schedule fires at start + k·interval for k = 0, 1, 2, ...; without a start
// it counts from the time the schedule was created (Spec.Created), since
// EventBridge starts such a schedule at once.
//
// Fire times have minute precision for cron and at expressions; a cron
// schedule never fires after the year 2199, the last its year field allows.
//
// # Firing
//
// [Scheduler.Run] keeps every enabled schedule's next fire time in a
// priority queue and sleeps until the earliest; at a fire time it calls
// [Starter.Start] and records a [Run] in the schedule's history. The
// overlap policy ([OverlapSkip], [OverlapAllow], [OverlapQueue]) decides
// what happens while the previous run is open; the catch-up policy
// ([CatchUpNone], [CatchUpOne], [CatchUpAll]) what happens to fire times
// missed while no scheduler ran. The last fire time handled is durable
// (Definition.LastFire), so a restarted scheduler neither fires a time
// twice nor misses one beyond the catch-up policy. [Scheduler.RunDue] does
// the same work once, for weir schedules run-due.
package schedule
