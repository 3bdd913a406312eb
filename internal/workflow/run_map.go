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

// mapItems runs the item processor over the items ItemsPath selects from
// the effective input, at most MaxConcurrency at once, keeping the
// results in item order.
func (s *stateRun) mapItems(ctx context.Context, effective any) (any, *failure) {
	st, x := s.st, s.x
	if st.ItemReader != nil || st.ResultWriter != nil || st.ItemBatcher != nil {
		return nil, &failure{asl.ErrNameRuntime, fmt.Sprintf("The Map state '%s' uses ItemReader, ItemBatcher or ResultWriter, which weir does not run yet; pass the items in the input (ItemsPath)", st.Name)}
	}
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
	limit, f := s.seconds(st.MaxConcurrency, effective, "MaxConcurrencyPath")
	if f != nil {
		return nil, f
	}
	if limit <= 0 || limit > x.r.opts.MaxInlineConcurrency {
		limit = x.r.opts.MaxInlineConcurrency
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
	tolerant := st.ToleratedFailureCount.Set || st.ToleratedFailurePercentage.Set

	if f := s.startChildren(ctx, "MapStateStarted", map[string]any{"length": len(list)}); f != nil {
		return nil, f
	}
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]any, len(list))
	var mu sync.Mutex
	var first *failure
	failed := 0
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, item := range list {
		select {
		case sem <- struct{}{}:
		case <-mctx.Done():
		}
		if mctx.Err() != nil {
			break
		}
		detail := map[string]any{"name": st.Name, "index": i}
		c, isNew, f := s.child(i, st.ItemProcessor, func() (any, *failure) {
			if st.ItemSelector == nil {
				return item, nil
			}
			info := map[string]any{"Index": json.Number(strconv.Itoa(i)), "Value": item}
			sc := asl.Scope{Input: effective, Context: x.contextObject(st, s.entered, s.retries, info), Var: s.sc.get}
			v, err := st.ItemSelector.Eval(sc)
			if err != nil {
				return nil, failureOf(err, asl.ErrNameParameterPathFailure)
			}
			return v, nil
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
		if isNew {
			c.event("MapIterationStarted", detail)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out, f := s.runChild(mctx, ctx, c, st.ItemProcessor, func(f *failure) (string, map[string]any) {
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
			if f == nil {
				results[i] = out
				return
			}
			if ctx.Err() != nil {
				return
			}
			failed++
			if tolerant {
				results[i] = map[string]any{"Error": f.Name, "Cause": f.Cause}
				if failed > tolCount && float64(failed)*100 > tolPct*float64(len(list)) {
					if first == nil {
						first = &failure{asl.ErrNameExceedToleratedFailure, fmt.Sprintf("The Map state '%s' had %d failed items of %d, more than it tolerates", st.Name, failed, len(list))}
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
	if first != nil {
		s.t.event("MapStateFailed", map[string]any{"error": first.Name, "cause": first.Cause})
		return nil, first
	}
	s.t.event("MapStateSucceeded", nil)
	return results, nil
}

func pathText(p asl.OptionalPath) string {
	if p.Path == nil {
		return "$"
	}
	return p.Path.String()
}
