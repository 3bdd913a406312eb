package triggertest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/trigger"
)

// RunStore checks a trigger.Store: create, get, list, update with
// objects and runs, history limit, delete, and the not-found and exists
// errors.
func RunStore(t *testing.T, newStore func(t *testing.T) trigger.Store) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	src, _ := trigger.ParseSource("lake:s3://raw/in/")
	mk := func(name string) *trigger.Trigger {
		return &trigger.Trigger{Name: name, Source: src, Target: schedule.Target{Kind: schedule.TargetStateMachine, Name: "etl"},
			State: trigger.StateEnabled, Batch: trigger.Batch{Debounce: trigger.Duration(10 * time.Second), Size: 5, MaxWait: trigger.Duration(time.Minute)},
			Created: at, Updated: at, Since: at, Generation: 1}
	}
	obj := func(key string, pending bool) trigger.Object {
		return trigger.Object{Key: key, Size: 3, ModTime: at.Add(123456789), Pending: pending, Seen: at}
	}

	t.Run("CreateGetList", func(t *testing.T) {
		s := newStore(t)
		want := mk("b")
		if err := s.CreateTrigger(ctx, want, []trigger.Object{obj("in/1", false)}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateTrigger(ctx, mk("a"), nil); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateTrigger(ctx, mk("a"), nil); !errors.Is(err, trigger.ErrTriggerExists) {
			t.Errorf("second create: %v, want ErrTriggerExists", err)
		}
		got, err := s.GetTrigger(ctx, "b")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("get = %+v\nwant %+v", got, want)
		}
		list, err := s.ListTriggers(ctx)
		if err != nil || len(list) != 2 || list[0].Name != "a" || list[1].Name != "b" {
			t.Errorf("list = %v, %v; want a, b", list, err)
		}
		objs, err := s.ListObjects(ctx, "b")
		if err != nil || !reflect.DeepEqual(objs, []trigger.Object{obj("in/1", false)}) {
			t.Errorf("objects = %+v, %v", objs, err)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.GetTrigger(ctx, "x"); !errors.Is(err, trigger.ErrTriggerNotFound) {
			t.Errorf("get: %v", err)
		}
		if err := s.UpdateTrigger(ctx, "x", nil, nil); !errors.Is(err, trigger.ErrTriggerNotFound) {
			t.Errorf("update: %v", err)
		}
		if err := s.DeleteTrigger(ctx, "x"); !errors.Is(err, trigger.ErrTriggerNotFound) {
			t.Errorf("delete: %v", err)
		}
		if _, err := s.ListTriggerRuns(ctx, "x", 0); !errors.Is(err, trigger.ErrTriggerNotFound) {
			t.Errorf("runs: %v", err)
		}
		if _, err := s.ListObjects(ctx, "x"); !errors.Is(err, trigger.ErrTriggerNotFound) {
			t.Errorf("objects: %v", err)
		}
	})

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		if err := s.CreateTrigger(ctx, mk("a"), []trigger.Object{obj("in/1", false), obj("in/2", false)}); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if err := s.UpdateTrigger(ctx, "a", &trigger.Change{Reset: true}, func(tr *trigger.Trigger) error { tr.Pending = 9; return boom }); !errors.Is(err, boom) {
			t.Fatalf("update with failing fn: %v", err)
		}
		if got, _ := s.GetTrigger(ctx, "a"); got.Pending != 0 {
			t.Errorf("a failed update changed the trigger")
		}
		if objs, _ := s.ListObjects(ctx, "a"); len(objs) != 2 {
			t.Errorf("a failed update changed the objects: %v", objs)
		}
		due := trigger.Due{FireTime: at, Event: trigger.Event{ID: "e1", DetailType: "x", Detail: map[string]any{"k": "v"}, Resources: []string{}}}
		err := s.UpdateTrigger(ctx, "a", &trigger.Change{Delete: []string{"in/1"}, Put: []trigger.Object{obj("in/2", true), obj("in/3", true)},
			Runs: []trigger.Run{{FireTime: at, Status: trigger.RunStarted, RunID: "r1", Time: at, EventID: "e1", Objects: 2, Summary: "s"}}},
			func(tr *trigger.Trigger) error {
				tr.Pending, tr.BatchStart, tr.Due, tr.Cursor = 2, at, []trigger.Due{due}, trigger.Cursor{Seq: 7, Open: []string{"q1"}, Crawl: "c"}
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetTrigger(ctx, "a")
		if got.Pending != 2 || !got.BatchStart.Equal(at) || len(got.Due) != 1 || got.Due[0].Event.ID != "e1" || got.Cursor.Seq != 7 || got.Cursor.Open[0] != "q1" {
			t.Errorf("updated trigger = %+v", got)
		}
		objs, _ := s.ListObjects(ctx, "a")
		if want := []trigger.Object{obj("in/2", true), obj("in/3", true)}; !reflect.DeepEqual(objs, want) {
			t.Errorf("objects = %+v, want %+v", objs, want)
		}
		runs, err := s.ListTriggerRuns(ctx, "a", 0)
		if err != nil || len(runs) != 1 || runs[0].RunID != "r1" || !runs[0].FireTime.Equal(at) || runs[0].Objects != 2 {
			t.Errorf("runs = %+v, %v", runs, err)
		}
		if err := s.UpdateTrigger(ctx, "a", &trigger.Change{Reset: true, Put: []trigger.Object{obj("in/9", false)}}, nil); err != nil {
			t.Fatal(err)
		}
		if objs, _ := s.ListObjects(ctx, "a"); len(objs) != 1 || objs[0].Key != "in/9" {
			t.Errorf("after reset: %+v", objs)
		}
	})

	t.Run("HistoryNewestFirstAndLimited", func(t *testing.T) {
		s := newStore(t)
		if err := s.CreateTrigger(ctx, mk("a"), nil); err != nil {
			t.Fatal(err)
		}
		var runs []trigger.Run
		for i := range trigger.HistoryLimit + 5 {
			ft := at.Add(time.Duration(i) * time.Second)
			runs = append(runs, trigger.Run{FireTime: ft, Status: trigger.RunStarted, Time: ft})
		}
		if err := s.UpdateTrigger(ctx, "a", &trigger.Change{Runs: runs[:10]}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateTrigger(ctx, "a", &trigger.Change{Runs: runs[10:]}, nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.ListTriggerRuns(ctx, "a", 0)
		if err != nil || len(got) != trigger.HistoryLimit {
			t.Fatalf("runs: %d, %v; want %d", len(got), err, trigger.HistoryLimit)
		}
		if !got[0].FireTime.Equal(runs[len(runs)-1].FireTime) {
			t.Errorf("newest run = %v, want %v", got[0].FireTime, runs[len(runs)-1].FireTime)
		}
		if got, _ := s.ListTriggerRuns(ctx, "a", 3); len(got) != 3 {
			t.Errorf("limit 3: %d runs", len(got))
		}
	})

	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		if err := s.CreateTrigger(ctx, mk("a"), []trigger.Object{obj("in/1", false)}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateTrigger(ctx, "a", &trigger.Change{Runs: []trigger.Run{{FireTime: at, Status: trigger.RunStarted, Time: at}}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteTrigger(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateTrigger(ctx, mk("a"), nil); err != nil {
			t.Fatal(err)
		}
		if runs, _ := s.ListTriggerRuns(ctx, "a", 0); len(runs) != 0 {
			t.Errorf("a re-created trigger has the old runs: %v", runs)
		}
		if objs, _ := s.ListObjects(ctx, "a"); len(objs) != 0 {
			t.Errorf("a re-created trigger has the old objects: %v", objs)
		}
	})
}
