package workflow

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestInflightRunsAnExecutionOnce executes one execution from two
// runners that share an Inflight, as a background resume and a parent's
// nested-execution task do: its task runs once, and both see its end.
func TestInflightRunsAnExecutionOnce(t *testing.T) {
	store := NewMemStore()
	var calls atomic.Int32
	started := make(chan struct{})
	release := make(chan struct{})
	reg := NewRegistry()
	if err := reg.Register("arn:aws:lambda:us-east-1:000000000000:function:slow", TaskHandlerFunc(
		func(ctx context.Context, req *TaskRequest) (any, error) {
			if calls.Add(1) == 1 {
				close(started)
			}
			<-release
			return map[string]any{"done": true}, nil
		})); err != nil {
		t.Fatal(err)
	}
	in := NewInflight()
	a := NewRunner(Options{Store: store, Tasks: reg, Inflight: in})
	b := NewRunner(Options{Store: store, Tasks: reg, Inflight: in})
	def := `{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:slow", "End": true}}}`
	x, _, err := a.Create(context.Background(), def, map[string]any{}, ExecutionInfo{Name: "once"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]*Execution, 2)
	errs := make([]error, 2)
	for i, r := range []*Runner{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = r.Execute(context.Background(), x.ARN)
		}()
		if i == 0 {
			select {
			case <-started:
			case <-time.After(10 * time.Second):
				t.Fatal("the first Execute never ran the task")
			}
		}
	}
	time.Sleep(50 * time.Millisecond) // let the second Execute arrive
	close(release)
	wg.Wait()
	for i := range results {
		if errs[i] != nil || results[i] == nil || results[i].Status != StatusSucceeded {
			t.Errorf("Execute %d: %+v %v", i, results[i], errs[i])
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the task ran %d times", n)
	}

	// A waiting Execute gives up with its ctx.
	in2 := NewInflight()
	rel, err := in2.acquire(context.Background(), "arn")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := in2.acquire(ctx, "arn"); err == nil {
		t.Error("a second acquire did not wait")
	}
	rel()
	if rel2, err := in2.acquire(context.Background(), "arn"); err != nil {
		t.Errorf("acquire after release: %v", err)
	} else {
		rel2()
	}
}
