package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	"github.com/weirdata/weir/internal/asl"
)

// startChildren records that a Parallel or Map state's attempt starts
// its branches or items (once: a resumed state has started them).
func (s *stateRun) startChildren(ctx context.Context, event string, details map[string]any) *failure {
	t := s.t
	if t.rec.Phase == PhaseChildren {
		return nil // resumed: already started
	}
	t.event(event, details)
	t.rec.Phase = PhaseChildren
	// The children's first events follow this one: it needs its id, not
	// yet its write.
	t.flush(nil)
	return nil
}

// childID names the thread of branch or item i of the state's current
// attempt (of the execution's current redrive).
func (s *stateRun) childID(i int) string {
	return fmt.Sprintf("%s/%s#%d.%d/%d", s.t.rec.ID, s.st.Name, s.x.rec.RedriveCount, s.t.rec.Attempt, i)
}

// child returns the thread of branch or item i: resumed from its record,
// or new at the machine's StartAt with input (from newInput, called only
// for a new thread).
func (s *stateRun) child(i int, machine *asl.Definition, newInput func() (any, *failure)) (c *thread, isNew bool, f *failure) {
	x := s.x
	id := s.childID(i)
	x.mu.Lock()
	rec := x.threads[id]
	x.mu.Unlock()
	if rec != nil {
		return x.thread(rec, s.t), false, nil
	}
	in, f := newInput()
	if f != nil {
		return nil, false, f
	}
	x.mu.Lock()
	prev := s.t.rec.PrevEventID
	x.mu.Unlock()
	rec = &Thread{ID: id, Parent: s.t.rec.ID, State: machine.StartAt, Phase: PhaseEnter, Input: in, PrevEventID: prev}
	return x.thread(rec, s.t), true, nil
}

// runChild runs a child thread to its end and commits the end (with
// the events in last); a child stopped because the process is stopping
// commits nothing, to be resumed.
func (s *stateRun) runChild(ctx, outer context.Context, c *thread, machine *asl.Definition, end func(f *failure) (string, map[string]any)) (any, *failure) {
	switch c.rec.Phase {
	case PhaseDone:
		return c.rec.Output, nil
	case PhaseFailed, PhaseAborted:
		return nil, &failure{c.rec.Error, c.rec.Cause}
	}
	out, f := s.x.runMachine(ctx, c, machine)
	if outer.Err() != nil {
		return nil, s.x.stopped(outer.Err())
	}
	c.rec.Input = nil // an ended thread needs only its outcome
	switch {
	case f == nil:
		c.rec.Phase, c.rec.Output = PhaseDone, out
	case ctx.Err() != nil:
		c.rec.Phase, c.rec.Error, c.rec.Cause = PhaseAborted, f.Name, f.Cause
	default:
		c.rec.Phase, c.rec.Error, c.rec.Cause = PhaseFailed, f.Name, f.Cause
	}
	if end != nil {
		if typ, details := end(f); typ != "" {
			c.event(typ, details)
		}
	}
	c.flush(nil)
	return out, f
}

// parallel runs every branch on params at once; the first failure stops
// the others and fails the state with that branch's error.
func (s *stateRun) parallel(ctx context.Context, params any) (any, *failure) {
	st, x := s.st, s.x
	if f := s.startChildren(ctx, "ParallelStateStarted", nil); f != nil {
		return nil, f
	}
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]any, len(st.Branches))
	var mu sync.Mutex
	var first *failure
	var wg sync.WaitGroup
	for i, b := range st.Branches {
		c, _, f := s.child(i, b, func() (any, *failure) { return params, nil })
		if f != nil {
			return nil, f
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, f := s.runChild(bctx, ctx, c, b, nil)
			mu.Lock()
			defer mu.Unlock()
			if f != nil {
				if first == nil && bctx.Err() == nil {
					first = f
				}
				cancel()
				return
			}
			results[i] = out
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, x.stopped(ctx.Err())
	}
	if first != nil {
		s.t.event("ParallelStateFailed", map[string]any{"error": first.Name, "cause": first.Cause})
		return nil, first
	}
	s.t.event("ParallelStateSucceeded", nil)
	return results, nil
}

// mapItems runs the item processor over the items — from ItemsPath on
// the effective input, or read by the ItemReader — at most
// MaxConcurrency at once, keeping the results in item order. An
// ItemBatcher gives each child a batch of items; a ResultWriter writes
// the results to the lake. A distributed Map records a Map Run
// (MapRunStarted, MapRunSucceeded/MapRunFailed) where an inline Map
// records MapStateStarted, MapStateSucceeded/MapStateFailed; each
// child runs on its own thread either way.
func (s *stateRun) mapItems(ctx context.Context, effective any) (any, *failure) {
	st, x, t := s.st, s.x, s.t
	distributed := st.ProcessorMode == "DISTRIBUTED"
	defer func() { t.rec.Items = nil }() // the state's attempt is over: a retry reads again
	src := &MapItems{Source: "STATE_DATA"}
	switch {
	case st.ItemReader != nil && t.rec.Phase == PhaseChildren && t.rec.Items != nil:
		src = t.rec.Items // resumed: the items it started with
	case st.ItemReader != nil:
		var f *failure
		if src, f = s.readItems(ctx, effective); f != nil {
			return nil, f
		}
	default:
		items := effective
		if st.ItemsPath.Path != nil {
			var err error
			if items, err = st.ItemsPath.Path.Select(s.scope(effective, nil)); err != nil {
				return nil, failureOf(err, asl.ErrNameRuntime)
			}
		}
		list, ok := items.([]any)
		if !ok {
			return nil, &failure{asl.ErrNameRuntime, fmt.Sprintf("The Map state '%s' needs an array of items, but ItemsPath '%s' gave %s", st.Name, pathText(st.ItemsPath), x.encode(items))}
		}
		src.Items = list
	}
	list := src.Items
	limit, f := s.seconds(st.MaxConcurrency, effective, "MaxConcurrencyPath")
	if f != nil {
		return nil, f
	}
	most := x.r.opts.MaxInlineConcurrency
	if st.ProcessorMode == "DISTRIBUTED" {
		most = x.r.opts.MaxDistributedConcurrency
	}
	if limit <= 0 || limit > most {
		limit = most
	}
	tolCount, f := s.seconds(st.ToleratedFailureCount, effective, "ToleratedFailureCountPath")
	if f != nil {
		return nil, f
	}
	tolPct := st.ToleratedFailurePercentage.Value
	if p := st.ToleratedFailurePercentage.Path; p != nil {
		v, err := p.Select(s.scope(effective, nil))
		if err != nil {
			return nil, failureOf(err, asl.ErrNameRuntime)
		}
		n, _ := v.(json.Number)
		if tolPct, err = n.Float64(); err != nil || tolPct < 0 || tolPct > 100 {
			return nil, &failure{asl.ErrNameRuntime, fmt.Sprintf("ToleratedFailurePercentagePath '%s' gave %s, not a number from 0 to 100", p, x.encode(v))}
		}
	}
	// A distributed Map tolerates no failure unless told: a failed child
	// fails it with States.ExceedToleratedFailureThreshold, as on AWS.
	tolerant := distributed || st.ToleratedFailureCount.Set || st.ToleratedFailurePercentage.Set
	exceeded := func(failed, total int) bool {
		byCount := st.ToleratedFailureCount.Set && failed > tolCount
		byPct := st.ToleratedFailurePercentage.Set && float64(failed)*100 > tolPct*float64(total)
		return byCount || byPct || !st.ToleratedFailureCount.Set && !st.ToleratedFailurePercentage.Set && failed > 0
	}

	// select gives item i as its child sees it (ItemSelector).
	selectItem := func(i int) (any, *failure) {
		if st.ItemSelector == nil {
			return list[i], nil
		}
		info := map[string]any{"Index": json.Number(strconv.Itoa(i)), "Value": list[i], "Source": src.source(i)}
		sc := asl.Scope{Input: effective, Context: x.contextObject(st, s.t.rec.ID, s.entered, s.retries, info), Var: s.sc.get}
		v, err := st.ItemSelector.Eval(sc)
		if err != nil {
			return nil, failureOf(err, asl.ErrNameParameterPathFailure)
		}
		return v, nil
	}
	// Children: one per item, or one per batch.
	n := len(list)
	childInput := selectItem
	b, f := s.batcher(effective)
	if f != nil {
		return nil, f
	}
	if b != nil {
		selected := make([]any, len(list))
		for i := range list {
			if selected[i], f = selectItem(i); f != nil {
				return nil, f
			}
		}
		ends, err := b.split(selected)
		if err != nil {
			return nil, &failure{asl.ErrNameRuntime, fmt.Sprintf("The Map state '%s' cannot batch its items: %v", st.Name, err)}
		}
		n = len(ends)
		childInput = func(i int) (any, *failure) {
			start := 0
			if i > 0 {
				start = ends[i-1]
			}
			return b.batchInput(selected[start:ends[i]]), nil
		}
	}
	run := s.newMapRun()
	writer, f := s.resultWriter(ctx, effective, run)
	if f != nil {
		return nil, f
	}

	if st.ItemReader != nil {
		t.rec.Items = src // written with the start: a resumed Map runs these
	}
	if distributed {
		f = s.startChildren(ctx, "MapRunStarted", map[string]any{"mapRunArn": run.arn})
	} else {
		f = s.startChildren(ctx, "MapStateStarted", map[string]any{"length": n})
	}
	if f != nil {
		return nil, f
	}
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]any, n)
	outcomes := make([]childOutcome, n)
	for i := range outcomes {
		outcomes[i].status = "PENDING"
	}
	var mu sync.Mutex
	var first *failure
	failed := 0
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-mctx.Done():
		}
		if mctx.Err() != nil {
			break
		}
		detail := map[string]any{"name": st.Name, "index": i}
		var input any
		c, isNew, f := s.child(i, st.ItemProcessor, func() (any, *failure) {
			in, f := childInput(i)
			input = in
			return in, f
		})
		if f != nil {
			<-sem
			mu.Lock()
			if first == nil {
				first = f
			}
			mu.Unlock()
			cancel()
			break
		}
		c.uncounted = distributed // a child execution has its own history on AWS
		if isNew {
			c.event("MapIterationStarted", detail)
			if distributed {
				c.rec.Started = x.r.opts.Clock.Now()
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out, f := s.runChild(mctx, ctx, c, st.ItemProcessor, func(f *failure) (string, map[string]any) {
				if distributed {
					c.rec.Stopped = x.r.opts.Clock.Now()
				}
				switch {
				case f == nil:
					return "MapIterationSucceeded", detail
				case mctx.Err() != nil:
					return "MapIterationAborted", detail
				}
				return "MapIterationFailed", detail
			})
			mu.Lock()
			defer mu.Unlock()
			o := &outcomes[i]
			o.input, o.started, o.stopped = input, c.rec.Started, c.rec.Stopped
			if f == nil {
				results[i] = out
				o.status, o.output = "SUCCEEDED", out
				return
			}
			o.err, o.cause = f.Name, f.Cause
			if ctx.Err() != nil {
				return
			}
			if mctx.Err() != nil && c.rec.Phase == PhaseAborted {
				o.status = "ABORTED"
				return
			}
			o.status = "FAILED"
			failed++
			if tolerant {
				results[i] = map[string]any{"Error": f.Name, "Cause": f.Cause}
				if exceeded(failed, n) {
					if first == nil {
						first = &failure{asl.ErrNameExceedToleratedFailure, fmt.Sprintf("The Map state '%s' had %d failed items of %d, more than it tolerates", st.Name, failed, n)}
					}
					cancel()
				}
				return
			}
			if first == nil && mctx.Err() == nil {
				first = f
			}
			cancel()
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, x.stopped(ctx.Err())
	}
	var result any = results
	if writer != nil {
		for i := range outcomes {
			if outcomes[i].input == nil {
				// Ended before a restart, or never started: its input again.
				if in, f := childInput(i); f == nil {
					outcomes[i].input = in
				}
			}
		}
		if writer.export {
			out, wf := s.writeResults(ctx, writer, run, outcomes)
			if wf != nil && first == nil {
				first = wf
			}
			result = out
		} else {
			result = run.preview(writer, outcomes)
		}
	}
	if first != nil {
		if distributed {
			t.event("MapRunFailed", map[string]any{"error": first.Name, "cause": first.Cause})
		} else {
			t.event("MapStateFailed", map[string]any{"error": first.Name, "cause": first.Cause})
		}
		return nil, first
	}
	if distributed {
		t.event("MapRunSucceeded", nil)
	} else {
		t.event("MapStateSucceeded", nil)
	}
	return result, nil
}

func pathText(p asl.OptionalPath) string {
	if p.Path == nil {
		return "$"
	}
	return p.Path.String()
}
