package trigger_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/lake/laketest"
	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/schedule/scheduletest"
	"github.com/weirdata/weir/internal/trigger"
	"github.com/weirdata/weir/internal/trigger/triggertest"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// rig is an Engine over in-memory fakes, restartable over the same
// store.
type rig struct {
	t       *testing.T
	store   *triggertest.MemStore
	lake    *laketest.MemStore
	bucket  lake.Bucket
	watcher *triggertest.Watcher
	starter *triggertest.Starter
	clock   *scheduletest.Clock
	engine  *trigger.Engine
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t, store: triggertest.NewMemStore(), lake: laketest.NewMemStore(), watcher: &triggertest.Watcher{},
		starter: &triggertest.Starter{}, clock: scheduletest.NewClock(t0)}
	var err error
	if r.bucket, err = r.lake.CreateBucket(context.Background(), "raw"); err != nil {
		t.Fatal(err)
	}
	r.restart()
	return r
}

// restart replaces the Engine with a new one over the same store, as a
// restarted weir serve has.
func (r *rig) restart() {
	opts := trigger.DefaultOptions()
	opts.Store, opts.Lister, opts.Watcher, opts.Starter, opts.Clock = r.store, trigger.LakeLister(r.lake), r.watcher, r.starter, r.clock
	e, err := trigger.New(opts)
	if err != nil {
		r.t.Fatal(err)
	}
	r.engine = e
}

func (r *rig) put(keys ...string) {
	r.t.Helper()
	for _, k := range keys {
		if _, err := r.bucket.Put(context.Background(), k, strings.NewReader("data-"+k)); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *rig) create(name, on string, batch trigger.Batch) {
	r.t.Helper()
	src, err := trigger.ParseSource(on)
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.engine.Create(context.Background(), &trigger.Trigger{Name: name, Source: src,
		Target: schedule.Target{Kind: schedule.TargetStateMachine, Name: "etl"}, Batch: batch}); err != nil {
		r.t.Fatal(err)
	}
}

// poll advances the clock by d and polls once; it returns how many
// firings the poll made.
func (r *rig) poll(d time.Duration) int {
	r.t.Helper()
	r.clock.Advance(d)
	fired, err := r.engine.Poll(context.Background(), trigger.PollOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	return len(fired)
}

// keys returns the object keys passed to the i-th start.
func (r *rig) keys(i int) []string {
	r.t.Helper()
	f := r.starter.Fires()[i]
	var ev struct {
		DetailType string `json:"detail-type"`
		Detail     struct {
			Objects []struct{ Key string }
		}
	}
	if err := json.Unmarshal([]byte(f.Input), &ev); err != nil {
		r.t.Fatal(err)
	}
	if ev.DetailType != "Object Created" {
		r.t.Errorf("detail-type %q", ev.DetailType)
	}
	var keys []string
	for _, o := range ev.Detail.Objects {
		keys = append(keys, o.Key)
	}
	return keys
}

func TestLakeDebounce(t *testing.T) {
	r := newRig(t)
	r.put("in/old.json", "other/x.json")
	r.create("landing", "lake:s3://raw/in/", trigger.Batch{Debounce: trigger.Duration(10 * time.Second)})
	if n := r.poll(time.Second); n != 0 {
		t.Fatalf("objects present at creation fired %d times", n)
	}
	r.put("in/a.json")
	r.poll(time.Second)
	r.put("in/b.json", "other/y.json")
	if n := r.poll(5 * time.Second); n != 0 {
		t.Fatalf("fired %d times before the quiet period", n)
	}
	if n := r.poll(9 * time.Second); n != 0 {
		t.Fatalf("fired %d times 9s after the last arrival", n)
	}
	if n := r.poll(time.Second); n != 1 {
		t.Fatalf("fired %d times 10s after the last arrival, want 1", n)
	}
	if got := strings.Join(r.keys(0), ","); got != "in/a.json,in/b.json" {
		t.Errorf("keys = %s", got)
	}
	if n := r.poll(time.Minute); n != 0 {
		t.Errorf("fired again without arrivals: %d", n)
	}
	// An overwritten object arrives again.
	r.put("in/a.json_")
	r.put("in/a.json")
	r.poll(time.Second)
	if n := r.poll(10 * time.Second); n != 1 {
		t.Fatalf("overwrite fired %d times, want 1", n)
	}
	if got := strings.Join(r.keys(1), ","); got != "in/a.json,in/a.json_" {
		t.Errorf("keys = %s", got)
	}
	runs, _ := r.engine.History(context.Background(), "landing", 0)
	if len(runs) != 2 || runs[0].Status != trigger.RunStarted || runs[0].RunID != "run-2" || runs[1].Objects != 2 {
		t.Errorf("history = %+v", runs)
	}
}

func TestLakeBatchSizeAndMaxWait(t *testing.T) {
	r := newRig(t)
	r.create("landing", "lake:s3://raw/in/", trigger.Batch{Debounce: trigger.Duration(10 * time.Second), Size: 3, MaxWait: trigger.Duration(30 * time.Second)})
	r.put("in/1", "in/2", "in/3", "in/4", "in/5", "in/6", "in/7")
	if n := r.poll(time.Second); n != 2 {
		t.Fatalf("7 objects with batch size 3 fired %d times at once, want 2", n)
	}
	if len(r.keys(0)) != 3 || len(r.keys(1)) != 3 {
		t.Errorf("batches %v %v", r.keys(0), r.keys(1))
	}
	if n := r.poll(10 * time.Second); n != 1 || strings.Join(r.keys(2), ",") != "in/7" {
		t.Fatalf("the seventh object fired %d times after the quiet period, want 1", n)
	}
}

func TestLakeMaxWait(t *testing.T) {
	r := newRig(t)
	r.create("landing", "lake:s3://raw/in/", trigger.Batch{Debounce: trigger.Duration(10 * time.Second), MaxWait: trigger.Duration(30 * time.Second)})
	// Arrivals every 5s keep the quiet period from coming: the batch
	// fires when its oldest object has waited 30s.
	fires := 0
	for i := range 7 {
		r.put(fmt.Sprintf("in/s%d", i))
		n := r.poll(5 * time.Second)
		if n > 0 && i != 6 {
			t.Fatalf("fired after %ds, want after 30s", 5*(i+1))
		}
		fires += n
	}
	if fires != 1 || len(r.keys(0)) != 7 {
		t.Fatalf("fired %d times (keys %v), want once with all 7 objects", fires, r.keys(0))
	}
}

func TestLakeRestartNoDoubleFiringAndDowntimeArrivalsFireOnce(t *testing.T) {
	r := newRig(t)
	r.create("landing", "lake:s3://raw/in/", trigger.Batch{Debounce: trigger.Duration(10 * time.Second)})
	r.put("in/a")
	r.poll(time.Second)
	r.restart() // pending objects are durable
	if n := r.poll(10 * time.Second); n != 1 {
		t.Fatalf("pending batch after restart fired %d times, want 1", n)
	}
	r.restart()
	if n := r.poll(time.Minute); n != 0 {
		t.Fatalf("fired objects fired again after restart: %d", n)
	}
	// Objects land while no engine runs.
	r.put("in/b", "in/c")
	r.clock.Advance(time.Hour)
	r.restart()
	if n := r.poll(time.Second); n != 0 {
		t.Fatalf("downtime arrivals fired before their quiet period: %d", n)
	}
	if n := r.poll(10 * time.Second); n != 1 {
		t.Fatalf("downtime arrivals fired %d times, want 1", n)
	}
	if got := strings.Join(r.keys(1), ","); got != "in/b,in/c" {
		t.Errorf("keys = %s", got)
	}
	if n := r.poll(time.Minute); n != 0 {
		t.Errorf("fired again: %d", n)
	}
}

func TestDisabledTriggerDoesNotFire(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.create("landing", "lake:s3://raw/in/", trigger.Batch{Debounce: trigger.Duration(time.Second)})
	if _, err := r.engine.Disable(ctx, "landing"); err != nil {
		t.Fatal(err)
	}
	r.put("in/a")
	if n := r.poll(time.Minute); n != 0 {
		t.Fatalf("disabled trigger fired %d times", n)
	}
	if _, err := r.engine.Enable(ctx, "landing"); err != nil {
		t.Fatal(err)
	}
	if n := r.poll(time.Minute); n != 0 {
		t.Fatalf("objects landed while disabled fired %d times after enable", n)
	}
	r.put("in/b")
	r.poll(time.Second)
	if n := r.poll(time.Second); n != 1 {
		t.Fatalf("enabled trigger fired %d times, want 1", n)
	}
}

func TestStateChangeEventsFireOnce(t *testing.T) {
	r := newRig(t)
	w := r.watcher
	early := w.Add(trigger.SourceExecution, "etl", "RUNNING")
	w.Add(trigger.SourceExecution, "etl", "FAILED") // before the trigger: never fires
	r.create("etl-failed", "execution:etl:FAILED,TIMED_OUT", trigger.Batch{})
	r.create("any-query", "query:SUCCEEDED", trigger.Batch{})
	r.create("raw-crawled", "crawler:raw:SUCCEEDED", trigger.Batch{})
	if n := r.poll(time.Second); n != 0 {
		t.Fatalf("fired %d times with nothing new", n)
	}
	w.End(early, "FAILED")
	w.Add(trigger.SourceExecution, "other", "FAILED")
	ok := w.Add(trigger.SourceExecution, "etl", "RUNNING")
	q := w.Add(trigger.SourceQuery, "db", "QUEUED")
	w.Crawl("raw", "crawl-1", "SUCCEEDED")
	if n := r.poll(time.Second); n != 2 {
		t.Fatalf("fired %d times, want 2 (etl FAILED, raw crawled)", n)
	}
	w.End(ok, "SUCCEEDED")
	w.End(q, "SUCCEEDED")
	r.restart()
	if n := r.poll(time.Second); n != 1 {
		t.Fatalf("fired %d times, want 1 (the query)", n)
	}
	r.restart()
	if n := r.poll(time.Second); n != 0 {
		t.Fatalf("events fired again after restart: %d", n)
	}
	w.Crawl("raw", "crawl-2", "FAILED")
	w.Add(trigger.SourceExecution, "etl", "TIMED_OUT")
	if n := r.poll(time.Second); n != 1 {
		t.Fatalf("fired %d times, want 1 (TIMED_OUT)", n)
	}
	fires := r.starter.Fires()
	for i := 1; i < len(fires); i++ {
		if fires[i].Trigger == fires[i-1].Trigger && !fires[i].FireTime.After(fires[i-1].FireTime) {
			t.Errorf("fire times of %s do not increase", fires[i].Trigger)
		}
	}
	var ev trigger.Event
	if err := json.Unmarshal([]byte(fires[0].Input), &ev); err != nil || ev.Version != "0" || ev.ID == "" || ev.Detail["status"] != "FAILED" {
		t.Errorf("event %s: %v", fires[0].Input, err)
	}
}

func TestStartFailureIsRecorded(t *testing.T) {
	r := newRig(t)
	r.create("landing", "lake:s3://raw/in/", trigger.Batch{Debounce: trigger.Duration(time.Second)})
	r.starter.Fail(errors.New("state machine etl does not exist"))
	r.put("in/a")
	r.poll(time.Second)
	r.poll(time.Second)
	r.starter.Fail(nil)
	if n := r.poll(time.Minute); n != 0 {
		t.Errorf("a failed batch was retried: %d", n)
	}
	runs, _ := r.engine.History(context.Background(), "landing", 0)
	if len(runs) != 1 || runs[0].Status != trigger.RunFailed || !strings.Contains(runs[0].Reason, "does not exist") {
		t.Errorf("history = %+v", runs)
	}
}

func TestInputTemplate(t *testing.T) {
	r := newRig(t)
	src, _ := trigger.ParseSource("lake:s3://raw/in/")
	_, err := r.engine.Create(context.Background(), &trigger.Trigger{Name: "tpl", Source: src,
		Target: schedule.Target{Kind: schedule.TargetStateMachine, Name: "etl"},
		Input:  `{"rule": "<aws.events.rule-name>", "event": <aws.events.event.json>, "at": "<aws.events.event.ingestion-time>"}`,
		Batch:  trigger.Batch{Debounce: trigger.Duration(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	r.put("in/a")
	r.poll(time.Second)
	r.poll(time.Second)
	var in struct {
		Rule  string
		Event trigger.Event
		At    string
	}
	if err := json.Unmarshal([]byte(r.starter.Fires()[0].Input), &in); err != nil {
		t.Fatal(err)
	}
	if in.Rule != "tpl" || in.Event.DetailType != "Object Created" || in.At == "" {
		t.Errorf("input = %+v", in)
	}
	bad := &trigger.Trigger{Name: "bad", Source: src, Target: schedule.Target{Kind: schedule.TargetStateMachine, Name: "etl"}, Input: `{"e": "<aws.events.event.json>"`}
	if _, err := r.engine.Create(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("bad template: %v", err)
	}
}

// TestFunctionTargetGetsTheEvent: a function target without --input is
// invoked with the event itself, as EventBridge invokes a Lambda target.
func TestFunctionTargetGetsTheEvent(t *testing.T) {
	r := newRig(t)
	src, _ := trigger.ParseSource("lake:s3://raw/in/")
	_, err := r.engine.Create(context.Background(), &trigger.Trigger{Name: "fn", Source: src,
		Target: schedule.Target{Kind: schedule.TargetFunction, Name: "load"},
		Batch:  trigger.Batch{Debounce: trigger.Duration(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	r.put("in/a")
	r.poll(time.Second)
	r.poll(time.Second)
	fires := r.starter.Fires()
	if len(fires) != 1 {
		t.Fatalf("%d fires", len(fires))
	}
	var ev trigger.Event
	if err := json.Unmarshal([]byte(fires[0].Input), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.DetailType != "Object Created" || !strings.Contains(fires[0].Input, "in/a") {
		t.Errorf("input = %s", fires[0].Input)
	}
}

func TestRunPollsOnItsInterval(t *testing.T) {
	r := newRig(t)
	r.create("landing", "lake:s3://raw/in/", trigger.Batch{Debounce: trigger.Duration(2 * time.Second)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.engine.Run(ctx) }()
	r.clock.AwaitTimer(t, t0.Add(time.Second))
	r.put("in/a")
	for i := 1; i <= 4; i++ {
		r.clock.Advance(time.Second)
		r.clock.AwaitTimer(t, t0.Add(time.Duration(i+1)*time.Second))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(r.starter.Fires()); n != 1 {
		t.Errorf("Run fired %d times, want 1", n)
	}
}
