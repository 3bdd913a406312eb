package function_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/function"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestService(t *testing.T) {
	clock := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	s, _ := newService(t, func(o *function.Options) { o.Now = func() time.Time { return clock } })
	ctx := t.Context()
	if err := s.Create(ctx, function.NewFunction("fn", `echo '"v1"'`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, function.NewFunction("fn", `true`)); !errors.Is(err, function.ErrFunctionExists) || !errors.Is(err, errs.Exists) {
		t.Errorf("duplicate create: %v", err)
	}
	if err := s.Create(ctx, function.NewFunction("bad name", `true`)); !errors.Is(err, errs.Invalid) {
		t.Errorf("invalid create: %v", err)
	}
	inv, err := s.Invoke(ctx, "fn", nil)
	if err != nil || inv.Payload != "v1" {
		t.Fatalf("invoke: %v, %v", inv, err)
	}
	clock = clock.Add(time.Hour)
	if err := s.Update(ctx, "fn", func(f *function.Function) error { f.Command = `echo '"v2"'`; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, "fn", func(f *function.Function) error { f.Timeout = -1; return nil }); !errors.Is(err, errs.Invalid) {
		t.Errorf("invalid update: %v", err)
	}
	if err := s.Update(ctx, "fn", func(f *function.Function) error { f.Name = "other"; return nil }); !errors.Is(err, errs.Invalid) {
		t.Errorf("rename: %v", err)
	}
	f, err := s.Get(ctx, "fn")
	if err != nil || f.Timeout != function.DefaultTimeout || !f.LastModified.Equal(clock) || f.CreateTime.Equal(clock) {
		t.Errorf("after updates: %+v, %v", f, err)
	}
	if inv, err := s.Invoke(ctx, "fn", nil); err != nil || inv.Payload != "v2" {
		t.Errorf("invoke after update: %v, %v", inv, err)
	}
	if err := s.Delete(ctx, "fn"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invoke(ctx, "fn", nil); !errors.Is(err, function.ErrFunctionNotFound) || !errors.Is(err, errs.NotFound) {
		t.Errorf("invoke after delete: %v", err)
	}
	if err := s.Delete(ctx, "fn"); !errors.Is(err, errs.NotFound) {
		t.Errorf("second delete: %v", err)
	}
}
