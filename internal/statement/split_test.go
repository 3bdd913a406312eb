package statement

import (
	"errors"
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   []Piece
	}{
		{"empty", "", nil},
		{"only separators and comments", " ; ;\n-- c\n; /* x */ ", nil},
		{"one without semicolon", "SELECT 1", []Piece{{"SELECT 1", 0}}},
		{"one with semicolon", "SELECT 1;", []Piece{{"SELECT 1", 0}}},
		{"two", "SELECT 1; SELECT 2;\n", []Piece{{"SELECT 1", 0}, {"SELECT 2", 10}}},
		{"comments trimmed", "-- first\nSELECT 1 -- one\n;\n/* second */ SELECT /* inner */ 2",
			[]Piece{{"SELECT 1", 9}, {"SELECT /* inner */ 2", 40}}},
		{"semicolons in strings and names", `SELECT ';', "a;b" FROM t; SELECT 2`,
			[]Piece{{`SELECT ';', "a;b" FROM t`, 0}, {"SELECT 2", 26}}},
		{"semicolon in a comment", "SELECT 1 -- ; not here\n, 2; SELECT 3",
			[]Piece{{"SELECT 1 -- ; not here\n, 2", 0}, {"SELECT 3", 28}}},
		// In Hive DDL '\'' is a quote inside a string, so the ; after it
		// does not end the statement; a Trino query would end there.
		{"hive escaped quote", `CREATE EXTERNAL TABLE t (a string) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\';' LOCATION 's3://x/'; SELECT 1`,
			[]Piece{{`CREATE EXTERNAL TABLE t (a string) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\';' LOCATION 's3://x/'`, 0}, {"SELECT 1", 103}}},
		{"hive double-quoted string", `DROP TABLE "a;b"; SHOW TABLES`,
			[]Piece{{`DROP TABLE "a;b"`, 0}, {"SHOW TABLES", 18}}},
		{"ctas is trino", `CREATE TABLE t AS SELECT 'a\'; SELECT 2`,
			[]Piece{{`CREATE TABLE t AS SELECT 'a\'`, 0}, {"SELECT 2", 31}}},
		{"hive create table", `CREATE TABLE t (a string) COMMENT 'x\'y;'; SELECT 2`,
			[]Piece{{`CREATE TABLE t (a string) COMMENT 'x\'y;'`, 0}, {"SELECT 2", 43}}},
		{"seed script", "CREATE EXTERNAL TABLE a (x int) LOCATION 's3://a/';\n\nINSERT INTO b SELECT * FROM a;\nMSCK REPAIR TABLE b",
			[]Piece{{"CREATE EXTERNAL TABLE a (x int) LOCATION 's3://a/'", 0}, {"INSERT INTO b SELECT * FROM a", 53}, {"MSCK REPAIR TABLE b", 84}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Split(tt.script)
			if err != nil {
				t.Fatalf("Split: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split(%q)\n got: %+v\nwant: %+v", tt.script, got, tt.want)
			}
			checkPieces(t, tt.script, got)
		})
	}
}

func TestSplitErrors(t *testing.T) {
	tests := []struct{ script, want string }{
		{"SELECT 1;\nSELECT 'oops", "line 2:8: unterminated string; close it with '"},
		{"SELECT 1; /* never closed", "line 1:11: unterminated /* comment; close it with */"},
		{`SELECT 1; DROP TABLE "x`, `line 1:22: unterminated string; close it with "`},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			_, err := Split(tt.script)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Split(%q) error = %v, want a *SyntaxError", tt.script, err)
			}
			if err.Error() != tt.want {
				t.Errorf("Split(%q) error\n got: %s\nwant: %s", tt.script, err, tt.want)
			}
			checkSyntaxError(t, tt.script, se)
		})
	}
}

// TestSplitThenParse checks that every piece of a script parses on its own
// and that spans relative to a piece shift to the script by its Offset.
func TestSplitThenParse(t *testing.T) {
	script := "-- nightly\nCREATE EXTERNAL TABLE s.t (a int) LOCATION 's3://b/t/';\nINSERT INTO s.t SELECT 1;\nSELECT * FROM s.t"
	pieces, err := Split(script)
	if err != nil {
		t.Fatal(err)
	}
	wantKinds := []Kind{KindDDL, KindInsert, KindQuery}
	if len(pieces) != len(wantKinds) {
		t.Fatalf("got %d pieces, want %d", len(pieces), len(wantKinds))
	}
	for i, p := range pieces {
		st, err := Parse(p.Text)
		if err != nil {
			t.Fatalf("piece %d: %v", i, err)
		}
		if st.Kind() != wantKinds[i] {
			t.Errorf("piece %d kind = %v, want %v", i, st.Kind(), wantKinds[i])
		}
		if ins, ok := st.(*Insert); ok {
			s := ins.Query
			if got := script[p.Offset+s.Start : p.Offset+s.End]; got != "SELECT 1" {
				t.Errorf("shifted query span = %q", got)
			}
		}
	}
}

// checkPieces checks that pieces lie inside the script, in order.
func checkPieces(t testing.TB, script string, pieces []Piece) {
	t.Helper()
	prev := 0
	for i, p := range pieces {
		end := p.Offset + len(p.Text)
		if p.Offset < prev || end > len(script) || p.Text == "" {
			t.Fatalf("%q: piece %d at %d..%d is out of order or bounds", script, i, p.Offset, end)
		}
		if script[p.Offset:end] != p.Text {
			t.Fatalf("%q: piece %d text %q is not the script's %q", script, i, p.Text, script[p.Offset:end])
		}
		prev = end
	}
}
