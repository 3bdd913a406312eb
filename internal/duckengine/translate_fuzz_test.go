package duckengine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/dialect"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/query/querytest"
	"github.com/weirdata/weir/internal/statement"
)

// scriptQueries returns the SQL of every query record in the script
// files, as fuzzing seeds.
func scriptQueries(tb testing.TB) []string {
	all, err := querytest.Scripts()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, text := range all {
		for _, rec := range strings.Split(text, "\n\n") {
			lines := strings.Split(strings.TrimSpace(rec), "\n")
			for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
				lines = lines[1:]
			}
			if len(lines) < 2 || !strings.HasPrefix(lines[0], "query") {
				continue
			}
			var q []string
			for _, l := range lines[1:] {
				if l == "----" {
					break
				}
				q = append(q, l)
			}
			out = append(out, strings.Join(q, "\n"))
		}
	}
	return out
}

// noTables resolves no table: the fuzzer exercises expressions.
type noTables struct{}

func (noTables) ResolveTable(context.Context, query.TableRef, query.PartitionFilter) (*query.Relation, error) {
	return nil, catalog.ErrTableNotFound
}

type countSink struct{ rows int }

func (s *countSink) Columns([]query.ResultColumn) error { return nil }
func (s *countSink) Row([]any) error                    { s.rows++; return nil }

// FuzzTranslateAndRun feeds random and mutated SQL through the translator
// and DuckDB: nothing panics, and every statement either runs or fails
// with a positioned, coded *query.Error (never an unexplained internal
// error).
func FuzzTranslateAndRun(f *testing.F) {
	for _, q := range scriptQueries(f) {
		f.Add(q)
	}
	e := openTestEngine(f, querytest.Dirs{Lake: f.TempDir(), Staging: f.TempDir(), Temp: f.TempDir()})
	tr := dialect.New()
	f.Fuzz(func(t *testing.T, in string) {
		out, offsets, err := tr.Translate(in)
		if err != nil {
			var se *statement.SyntaxError
			var qe *query.Error
			if !errors.As(err, &se) && !errors.As(err, &qe) {
				t.Fatalf("Translate(%q): unexplained error %v", in, err)
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err = e.Query(ctx, &query.Job{ID: "fuzz", SQL: out, Resolver: noTables{}}, &countSink{})
		if err == nil || ctx.Err() != nil {
			return
		}
		var qe *query.Error
		if !errors.As(err, &qe) {
			if errors.Is(err, catalog.ErrTableNotFound) {
				return
			}
			t.Fatalf("Query(%q) (translated %q): error is not a *query.Error: %v", in, out, err)
		}
		if qe.Code == "" || qe.Message == "" {
			t.Fatalf("Query(%q): error without code or message: %#v", in, qe)
		}
		if qe.Code == "GENERIC_INTERNAL_ERROR" && !strings.Contains(qe.Message, "INTERNAL") {
			t.Fatalf("Query(%q) (translated %q): unexplained internal error: %s", in, out, qe.Message)
		}
		if qe.Offset >= 0 {
			if o := offsets.Original(qe.Offset); o < 0 || o > len(in) {
				t.Fatalf("Query(%q): error offset %d maps to %d, outside the input", in, qe.Offset, o)
			}
		}
	})
}
