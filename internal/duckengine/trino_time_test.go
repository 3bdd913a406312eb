package duckengine

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the database/sql driver
)

// functionsConn is a DuckDB connection set up as the engine's are
// (session zone UTC, integer division, weir's functions), closed when the
// test ends; for testing functions and rewrites without an engine.
func functionsConn(t testing.TB) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	for _, s := range []string{"SET TimeZone = 'UTC'", "SET integer_division = true"} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := registerFunctions(ctx, conn); err != nil {
		t.Fatal(err)
	}
	return conn
}

// randomInstants returns n millisecond-precision instants between 1990
// and 2030, half of them near month ends, where calendar arithmetic has
// its edge cases.
func randomInstants(r *rand.Rand, n int) []time.Time {
	lo := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	hi := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	out := make([]time.Time, n)
	for i := range out {
		t := time.UnixMilli(lo + r.Int63n(hi-lo)).UTC()
		if i%2 == 1 {
			// Within two days of the end of its month.
			end := time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
			t = end.Add(-time.Duration(r.Int63n(2*86400_000)) * time.Millisecond)
		}
		if i%5 == 0 {
			t = t.Truncate(24 * time.Hour)
		}
		out[i] = t
	}
	return out
}

// jodaDiff is Joda-Time's getDifferenceAsLong(b, a) for Trino's
// date_diff units in UTC, written after Joda's fields: fixed-length units
// divide the milliseconds elapsed, truncating toward zero; months (and
// quarters, by 3) and years count whole calendar units, with the
// end-of-month and 29 February adjustments of BasicMonthOfYearDateTimeField
// and BasicGJChronology.getYearDifference.
func jodaDiff(unit string, a, b time.Time) int64 {
	ms := b.UnixMilli() - a.UnixMilli()
	switch unit {
	case "millisecond":
		return ms
	case "second":
		return ms / 1000
	case "minute":
		return ms / 60_000
	case "hour":
		return ms / 3600_000
	case "day":
		return ms / 86400_000
	case "week":
		return ms / (7 * 86400_000)
	case "month":
		return jodaMonths(b, a)
	case "quarter":
		return jodaMonths(b, a) / 3
	case "year":
		return jodaYears(b, a)
	}
	panic(unit)
}

func jodaMonths(minuend, subtrahend time.Time) int64 {
	if minuend.Before(subtrahend) {
		return -jodaMonths(subtrahend, minuend)
	}
	diff := int64(minuend.Year()-subtrahend.Year())*12 + int64(minuend.Month()) - int64(subtrahend.Month())
	monthStart := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }
	if dom := minuend.Day(); dom == monthStart(minuend).AddDate(0, 1, -1).Day() && subtrahend.Day() > dom {
		subtrahend = subtrahend.AddDate(0, 0, dom-subtrahend.Day())
	}
	if minuend.Sub(monthStart(minuend)) < subtrahend.Sub(monthStart(subtrahend)) {
		diff--
	}
	return diff
}

func jodaYears(minuend, subtrahend time.Time) int64 {
	if minuend.Before(subtrahend) {
		return -jodaYears(subtrahend, minuend)
	}
	yearStart := func(t time.Time) time.Time { return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC) }
	leap := func(y int) bool { return daysIn(y) == 366 }
	minRem, subRem := minuend.Sub(yearStart(minuend)), subtrahend.Sub(yearStart(subtrahend))
	const feb29 = 59 * 24 * time.Hour
	if subRem >= feb29 {
		if leap(subtrahend.Year()) {
			if !leap(minuend.Year()) {
				subRem -= 24 * time.Hour
			}
		} else if minRem >= feb29 && leap(minuend.Year()) {
			minRem -= 24 * time.Hour
		}
	}
	diff := int64(minuend.Year() - subtrahend.Year())
	if minRem < subRem {
		diff--
	}
	return diff
}

// TestDateDiffMatchesJoda checks that DuckDB's date_sub, which weir runs
// for date_diff, counts as Joda does, on timestamps and on dates.
func TestDateDiffMatchesJoda(t *testing.T) {
	conn := functionsConn(t)
	r := rand.New(rand.NewSource(1))
	ts := randomInstants(r, 1200)
	var rows []string
	for i := 0; i+1 < len(ts); i += 2 {
		rows = append(rows, fmt.Sprintf("(TIMESTAMP '%s', TIMESTAMP '%s')", ts[i].Format("2006-01-02 15:04:05.000"), ts[i+1].Format("2006-01-02 15:04:05.000")))
	}
	values := strings.Join(rows, ", ")
	for _, unit := range []string{"millisecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year"} {
		for _, dates := range []bool{false, true} {
			if dates && !timeUnits[unit] {
				continue
			}
			cast := "a, b"
			if dates {
				cast = "CAST(a AS DATE), CAST(b AS DATE)"
			}
			q := fmt.Sprintf("SELECT a, b, date_sub('%s', %s) FROM (VALUES %s) AS t(a, b)", unit, cast, values)
			res, err := conn.QueryContext(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			bad := 0
			for res.Next() {
				var a, b time.Time
				var got int64
				if err := res.Scan(&a, &b, &got); err != nil {
					t.Fatal(err)
				}
				if dates {
					a, b = a.Truncate(24*time.Hour), b.Truncate(24*time.Hour)
				}
				if want := jodaDiff(unit, a, b); got != want && bad < 5 {
					bad++
					t.Errorf("date_diff('%s', %v, %v) (dates %v) = %d, Joda says %d", unit, a, b, dates, got, want)
				}
			}
			if err := res.Err(); err != nil {
				t.Fatal(err)
			}
			res.Close()
		}
	}
}

// TestJodaStrftimeMatchesGo checks that the strftime spelling of Joda
// patterns prints what the Go formatter prints (and so either path of
// format_datetime answers alike).
func TestJodaStrftimeMatchesGo(t *testing.T) {
	conn := functionsConn(t)
	r := rand.New(rand.NewSource(2))
	ts := randomInstants(r, 300)
	ts = append(ts, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 30, 12, 0, 0, 0, time.UTC), time.Date(2021, 1, 3, 23, 59, 59, 999e6, time.UTC))
	var rows []string
	for _, x := range ts {
		rows = append(rows, fmt.Sprintf("(TIMESTAMP '%s')", x.Format("2006-01-02 15:04:05.000")))
	}
	patterns := []string{
		"yyyy-MM-dd HH:mm:ss.SSS", "yy M d H m s", "MMM MMMM EEE EEEE a", "hh h", "D DDD ww xxxx",
		"'T''' Z ZZ ZZZ z zzzz", "SSSSSS SSSS", "yyyyMMdd'T'HHmmss", "100% d",
	}
	for _, p := range patterns {
		jp, err := compileJoda(p)
		if err != nil {
			t.Fatal(err)
		}
		conv, ok := jp.strftime()
		if !ok {
			t.Errorf("%q: no strftime spelling", p)
			continue
		}
		res, err := conn.QueryContext(context.Background(), fmt.Sprintf("SELECT x, strftime(x, %s), weir_joda_format(x, %s) FROM (VALUES %s) AS t(x)", quoteString(conv), quoteString(p), strings.Join(rows, ", ")))
		if err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		checkFormatPaths(t, res, p, jp.format)
	}
}

// checkFormatPaths reads rows (x, strftime's text, the Go function's text)
// and checks that both agree with format(x).
func checkFormatPaths(t *testing.T, res *sql.Rows, pattern string, format func(time.Time) string) {
	t.Helper()
	defer res.Close()
	for res.Next() {
		var x time.Time
		var fast, slow string
		if err := res.Scan(&x, &fast, &slow); err != nil {
			t.Fatal(err)
		}
		if fast != slow || slow != format(x) {
			t.Errorf("%q at %v: strftime %q, Go %q, want %q", pattern, x, fast, slow, format(x))
		}
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestMysqlStrftimeMatchesGo checks that date_format's two paths, strftime
// for literal formats and the Joda pattern per row for others, agree.
func TestMysqlStrftimeMatchesGo(t *testing.T) {
	conn := functionsConn(t)
	r := rand.New(rand.NewSource(3))
	var rows []string
	for _, x := range randomInstants(r, 300) {
		rows = append(rows, fmt.Sprintf("(TIMESTAMP '%s')", x.Format("2006-01-02 15:04:05.000")))
	}
	for _, f := range []string{
		"%Y-%m-%d %H:%i:%s.%f", "%a %b %c %e %j %k %l %p", "%r|%T|%W|%M|%y", "%x-%v %h %I %S", "100%% %Q '", "%d%e%Y%y%H%k",
	} {
		conv, err := mysqlToStrftime(f)
		if err != nil {
			t.Fatal(err)
		}
		jp, err := mysqlToJoda(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := conn.QueryContext(context.Background(), fmt.Sprintf("SELECT x, strftime(x, %s), weir_mysql_format(x, %s) FROM (VALUES %s) AS t(x)", quoteString(conv), quoteString(f), strings.Join(rows, ", ")))
		if err != nil {
			t.Fatalf("%q: %v", f, err)
		}
		checkFormatPaths(t, res, f, jp.format)
	}
}

// BenchmarkTimeFunctions measures weir's date functions on a million
// timestamps against DuckDB's nearest built-ins.
func BenchmarkTimeFunctions(b *testing.B) {
	conn := functionsConn(b)
	for _, bc := range []struct{ name, expr string }{
		{"builtin_date_trunc", "date_trunc('month', ts)"},
		{"weir_date_trunc", "weir_date_trunc('month', ts)"},
		{"weir_date_add_days", "weir_date_add_days('month', 1, ts)"},
		{"weir_date_add_days_date", "weir_date_add_days('month', 1, CAST(ts AS DATE))"},
		{"strftime", "strftime(ts, '%Y-%m-%d %H:%M:%S')"},
		{"weir_mysql_format", "weir_mysql_format(ts, '%Y-%m-%d %H:%i:%s')"},
		{"weir_joda_format", "weir_joda_format(ts, 'yyyy-MM-dd HH:mm:ss')"},
		{"weir_date_parse", "weir_date_parse(strftime(ts, '%Y-%m-%d %H:%M:%S'), '%Y-%m-%d %H:%M:%S', 0)"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := "SELECT count(" + bc.expr + ") FROM (SELECT TIMESTAMP '2020-01-01' + to_seconds(i) AS ts FROM range(1000000) AS r(i))"
			for i := 0; i < b.N; i++ {
				var n int64
				if err := conn.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
