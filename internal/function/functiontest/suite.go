package functiontest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/function"
)

// RunStore runs the conformance suite on stores made by newStore, one
// fresh store per subtest.
func RunStore(t *testing.T, newStore func(t *testing.T) function.Store) {
	at := time.Date(2024, 3, 1, 9, 30, 0, 123e6, time.UTC)
	sample := func(name string) *function.Function {
		f := function.NewFunction(name, `echo '{"ok": true}'`)
		f.Environment = map[string]string{"A": "1", "B": "x=y"}
		f.WorkDir, f.Description, f.Timeout = "/tmp", "a test function", 30
		f.CreateTime, f.LastModified = at, at
		return f
	}
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		py := function.NewPythonFunction("py_fn", "/src/handler.py", "handle")
		py.CreateTime, py.LastModified = at, at
		for _, f := range []*function.Function{sample("b-fn"), py} {
			if err := s.CreateFunction(ctx, f); err != nil {
				t.Fatal(err)
			}
			got, err := s.GetFunction(ctx, f.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, f) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, f)
			}
		}
		list, err := s.ListFunctions(ctx)
		if err != nil || len(list) != 2 || list[0].Name != "b-fn" || list[1].Name != "py_fn" {
			t.Errorf("ListFunctions = %v, %v; want b-fn, py_fn", list, err)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		if err := s.CreateFunction(ctx, sample("f")); err != nil {
			t.Fatal(err)
		}
		check := func(what string, err, sentinel error, kind errs.Kind) {
			t.Helper()
			if !errors.Is(err, sentinel) || !errors.Is(err, kind) {
				t.Errorf("%s: %v; want %v (%v)", what, err, sentinel, kind)
			}
		}
		check("second create", s.CreateFunction(ctx, sample("f")), function.ErrFunctionExists, errs.Exists)
		_, err := s.GetFunction(ctx, "nope")
		check("get missing", err, function.ErrFunctionNotFound, errs.NotFound)
		check("update missing", s.UpdateFunction(ctx, "nope", func(*function.Function) error { return nil }), function.ErrFunctionNotFound, errs.NotFound)
		check("delete missing", s.DeleteFunction(ctx, "nope"), function.ErrFunctionNotFound, errs.NotFound)
		if list, err := s.ListFunctions(ctx); err != nil || len(list) != 1 {
			t.Errorf("ListFunctions = %v, %v", list, err)
		}
	})
	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		if err := s.CreateFunction(ctx, sample("f")); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := s.UpdateFunction(ctx, "f", func(f *function.Function) error {
			f.Command = "changed"
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("update with a failing fn: %v", err)
		}
		if got, _ := s.GetFunction(ctx, "f"); got.Command != sample("f").Command {
			t.Errorf("a failed update changed the command to %q", got.Command)
		}
		if err := s.UpdateFunction(ctx, "f", func(f *function.Function) error {
			f.Command, f.Timeout = "cat", 9
			delete(f.Environment, "A")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetFunction(ctx, "f")
		if got.Command != "cat" || got.Timeout != 9 || len(got.Environment) != 1 {
			t.Errorf("after update: %+v", got)
		}
		if err := s.DeleteFunction(ctx, "f"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetFunction(ctx, "f"); !errors.Is(err, function.ErrFunctionNotFound) {
			t.Errorf("get after delete: %v", err)
		}
	})
	t.Run("Copies", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		f := sample("f")
		if err := s.CreateFunction(ctx, f); err != nil {
			t.Fatal(err)
		}
		f.Environment["A"] = "changed"
		got, _ := s.GetFunction(ctx, "f")
		got.Environment["B"] = "changed"
		again, _ := s.GetFunction(ctx, "f")
		if again.Environment["A"] != "1" || again.Environment["B"] != "x=y" {
			t.Errorf("the store shares its values: %v", again.Environment)
		}
	})
}
