package crawler

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
)

// classifyText runs the built-in classifiers on content.
func classifyText(t testing.TB, content string, rich bool) *FileSchema {
	t.Helper()
	in := NewInput("s3://bkt/key", int64(len(content)), "none", bytes.NewReader([]byte(content)))
	in.Rich = rich
	fs, err := DefaultRegistry().classify(in)
	if err != nil {
		t.Fatalf("classify: %v", err)
	}
	return fs
}

// columns renders a schema's columns as "name type, ...".
func columns(fs *FileSchema) string {
	var out []string
	for _, f := range fs.Columns.fields {
		out = append(out, f.key+" "+f.s.catalogType().String())
	}
	return strings.Join(out, ", ")
}

func TestClassifyJSON(t *testing.T) {
	tests := []struct {
		name, content, want string
		records             int64
	}{
		{"numbers by range", `{"a":1,"b":2147483648,"c":-2147483648,"d":1.5,"e":1e3,"f":99999999999999999999}`,
			"a int, b bigint, c int, d double, e double, f double", 1},
		{"widening across records", "{\"a\":1}\n{\"a\":5000000000}\n{\"a\":0.5}\n{\"b\":true}\n",
			"a double, b boolean", 4},
		{"conflicts become strings", "{\"a\":1,\"b\":{\"x\":1},\"c\":[1]}\n{\"a\":\"x\",\"b\":2,\"c\":{\"y\":1}}\n",
			"a string, b string, c string", 2},
		{"nulls and empty containers", `{"a":null,"b":[],"c":{},"d":[null]}`,
			"a string, b array<string>, c string, d array<string>", 1},
		{"nested", `{"User":{"Name":"x","Tags":["a"],"Geo":{"lat":1.5,"lon":2}},"list":[{"k":1},{"k":2,"v":"x"}]}`,
			"user struct<Name:string,Tags:array<string>,Geo:struct<lat:double,lon:int>>, list array<struct<k:int,v:string>>", 1},
		{"keys differing in case are one column", "{\"Id\":1}\n{\"id\":2}\n", "id int", 2},
		{"escaped keys", `{"a\u0062":1,"c\"d":2}`, `ab int, c"d int`, 1},
		{"timestamps stay strings", `{"t":"2020-05-12 09:00:00","d":"2020-05-12"}`, "t string, d string", 1},
		{"BOM and blank lines", "\xEF\xBB\xBF{\"a\":1}\n\n\n{\"a\":2}\n", "a int", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := classifyText(t, tt.content, false)
			if fs == nil || fs.Classification != "json" {
				t.Fatalf("not classified as JSON: %+v", fs)
			}
			if got := columns(fs); got != tt.want {
				t.Errorf("columns:\n got %s\nwant %s", got, tt.want)
			}
			if fs.Records != tt.records || !fs.Complete {
				t.Errorf("records = %d (complete %t), want %d", fs.Records, fs.Complete, tt.records)
			}
		})
	}
}

func TestClassifyJSONSample(t *testing.T) {
	line := `{"a":1,"s":"` + strings.Repeat("x", 100) + `"}` + "\n"
	t.Run("at most 1000 records", func(t *testing.T) {
		fs := classifyText(t, strings.Repeat(line, 1500)+`{"b":1}`+"\n", false)
		if fs.Records != sampleRecords || fs.Complete || columns(fs) != "a int, s string" {
			t.Errorf("records %d complete %t columns %s", fs.Records, fs.Complete, columns(fs))
		}
	})
	t.Run("first megabyte", func(t *testing.T) {
		big := `{"a":1,"s":"` + strings.Repeat("x", 600<<10) + `"}` + "\n"
		fs := classifyText(t, big+big+big, false)
		if fs.Records != 1 || fs.Complete {
			t.Errorf("records %d complete %t", fs.Records, fs.Complete)
		}
	})
	t.Run("a first record longer than a megabyte is read on", func(t *testing.T) {
		huge := `{"a":1,"s":"` + strings.Repeat("x", 3<<20) + `"}` + "\n"
		fs := classifyText(t, huge, false)
		if fs == nil || fs.Records != 1 {
			t.Fatalf("got %+v", fs)
		}
	})
	t.Run("a record spanning lines is a warning", func(t *testing.T) {
		fs := classifyText(t, "{\n \"a\": 1\n}\n", false)
		if fs == nil || len(fs.Warnings) != 1 || !strings.Contains(fs.Warnings[0], "spans several lines") {
			t.Fatalf("got %+v", fs)
		}
	})
	t.Run("a very wide record", func(t *testing.T) {
		// Keys are found through an index: this took a minute when they
		// were searched one by one.
		var b strings.Builder
		b.WriteString(`{"k0":1`)
		for i := 1; i < 50000; i++ {
			fmt.Fprintf(&b, `,"k%d":1`, i)
		}
		b.WriteString("}\n{\"K49999\":2}\n")
		fs := classifyText(t, b.String(), false)
		if len(fs.Columns.fields) != 50000 || fs.Records != 2 {
			t.Errorf("%d columns, %d records", len(fs.Columns.fields), fs.Records)
		}
	})
	t.Run("rich types", func(t *testing.T) {
		fs := classifyText(t, `{"a":"2020-05-12T09:00:00Z","b":"2020-05-12","c":"2020-05-12 09:00:00.123+02:00","d":"2020-05-12x","e":"2020-05-12"}`+"\n"+
			`{"e":"2020-05-12 01:02:03"}`, true)
		if got, want := columns(fs), "a timestamp, b date, c timestamp, d string, e timestamp"; got != want {
			t.Errorf("columns = %s, want %s", got, want)
		}
	})
}

func TestCSVHeaderHeuristic(t *testing.T) {
	tests := []struct {
		name, content string
		header        bool
		want          string
	}{
		{"typed data under string names", "a,b\n1,x\n", true, "a bigint, b string"},
		{"numeric first line is data", "1,2\n3,4\n", false, "col0 bigint, col1 bigint"},
		{"all strings: no header", "name,city\nann,gent\n", false, "col0 string, col1 string"},
		{"long name is not a header", strings.Repeat("n", 150) + ",b\n1,2\n", false, "col0 string, col1 string"},
		{"long last name may be a header", "a," + strings.Repeat("n", 150) + "\n1,2\n", true, "a bigint, " + strings.Repeat("n", 150) + " bigint"},
		{"empty last name", "a,b,\n1,2,\n", true, "a bigint, b bigint, col2 string"},
		{"empty middle name", "a,,c\n1,2,3\n", false, "col0 string, col1 bigint, col2 string"},
		{"duplicate names are numbered", "a,A\n1,2\n", true, "a bigint, a_2 bigint"},
		{"booleans and doubles", "f,g\ntrue,1.5\nFALSE,-2e3\n", true, "f boolean, g double"},
		{"nulls do not count", "a,b\n,1\n2,\n", true, "a bigint, b bigint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := classifyText(t, tt.content, false)
			if fs == nil || fs.Classification != "csv" {
				t.Fatalf("not CSV: %+v", fs)
			}
			if fs.Header != tt.header || columns(fs) != tt.want {
				t.Errorf("header %t columns %s; want %t %s", fs.Header, columns(fs), tt.header, tt.want)
			}
		})
	}
}

func TestCSVDelimiters(t *testing.T) {
	tests := []struct {
		name, content, delim string
		quoted               bool
	}{
		{"comma", "a,b\n1,2\n", ",", false},
		{"pipe beats comma inside values", "a|b\n1,5|x,y\n2|z\n", "|", false},
		{"tab", "a\tb\tc\n1\t2\t3\n", "\t", false},
		{"semicolon", "a;b\n1;2\n", ";", false},
		{"ctrl-A", "a\x01b\n1\x012\n", "\x01", false},
		{"quoted with delimiters and newlines inside", "a,b\n1,\"x,\ny\"\n2,\"q \"\"z\"\"\"\n", ",", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := classifyText(t, tt.content, false)
			if fs == nil || fs.Delimiter != tt.delim || fs.Quoted != tt.quoted {
				t.Errorf("got %+v", fs)
			}
		})
	}
	for _, content := range []string{"just one column\nof text\n", "a,b\n", "a,b\n1,2,3\n4\n", "\x00\x01binary"} {
		if fs := classifyText(t, content, false); fs != nil {
			t.Errorf("%q classified as %s", content, fs.Classification)
		}
	}
}

func TestClassifyParquet(t *testing.T) {
	// Written by weir's CTAS (DuckDB's Parquet writer).
	data, err := os.ReadFile("testdata/types.parquet")
	if err != nil {
		t.Fatal(err)
	}
	fs := classifyText(t, string(data), false)
	if fs == nil || fs.Classification != "parquet" {
		t.Fatalf("got %+v", fs)
	}
	want := "ti tinyint, si smallint, i int, bi bigint, r float, d double, dec decimal(10,2), s string, b boolean, dt date, ts timestamp, " +
		"arr array<int>, m map<string,double>, st struct<x:int,y:string>, arrst array<struct<z:int>>, bin binary"
	if got := columns(fs); got != want {
		t.Errorf("columns:\n got %s\nwant %s", got, want)
	}
	if fs.Records != 1 {
		t.Errorf("records = %d", fs.Records)
	}
	// Corruptions are errors that say what is wrong, never panics.
	for name, bad := range map[string]string{
		"no footer magic": string(data[:len(data)-1]),
		"footer too long": string(data[:len(data)-8]) + "\xff\xff\xff\x7fPAR1",
		"garbled footer":  string(data[:len(data)-200]) + strings.Repeat("\xee", 192) + string(data[len(data)-8:]),
	} {
		in := NewInput("k", int64(len(bad)), "none", bytes.NewReader([]byte(bad)))
		if _, _, err := classifyParquet(in); err == nil || !strings.Contains(err.Error(), "Parquet") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		glob  string
		match []string
		miss  []string
	}{
		{"*.csv", []string{"a.csv"}, []string{"d/a.csv", "a.json"}},
		{"**.csv", []string{"a.csv", "d/e/a.csv"}, []string{"a.csvx"}},
		{"departments/**", []string{"departments/a", "departments/x/y"}, []string{"dept/a"}},
		{"2015/01/{[!0],0[8-9]}**", []string{"2015/01/10/a", "2015/01/08/a"}, []string{"2015/01/01/a"}},
		{"file?.txt", []string{"file1.txt"}, []string{"file10.txt"}},
		{`a\*b`, []string{"a*b"}, []string{"axb"}},
	}
	for _, tt := range tests {
		re, err := compileGlob(tt.glob)
		if err != nil {
			t.Fatalf("%s: %v", tt.glob, err)
		}
		for _, m := range tt.match {
			if !re.MatchString(m) {
				t.Errorf("%s does not match %s", tt.glob, m)
			}
		}
		for _, m := range tt.miss {
			if re.MatchString(m) {
				t.Errorf("%s matches %s", tt.glob, m)
			}
		}
	}
	for _, bad := range []string{"", "[abc", "{a,{b}}", "a}", `a\`} {
		if _, err := compileGlob(bad); err == nil {
			t.Errorf("%q compiled", bad)
		}
	}
}

func TestStateTransitions(t *testing.T) {
	tests := []struct {
		from State
		ev   Event
		to   State
		err  error
	}{
		{StateReady, EventStart, StateRunning, nil},
		{StateRunning, EventStart, StateRunning, ErrCrawlerRunning},
		{StateStopping, EventStart, StateStopping, ErrCrawlerRunning},
		{StateRunning, EventStop, StateStopping, nil},
		{StateReady, EventStop, StateReady, ErrCrawlerNotRunning},
		{StateStopping, EventStop, StateStopping, ErrCrawlerStopping},
		{StateRunning, EventFinish, StateReady, nil},
		{StateStopping, EventFinish, StateReady, nil},
		{StateReady, EventFinish, StateReady, ErrInvalidTransition},
	}
	for _, tt := range tests {
		got, err := tt.from.Apply(tt.ev)
		if got != tt.to || (tt.err == nil) != (err == nil) || (tt.err != nil && !strings.Contains(err.Error(), strings.SplitN(tt.err.Error(), ":", 2)[0])) {
			t.Errorf("%s --%s--> %s, %v; want %s, %v", tt.from, tt.ev, got, err, tt.to, tt.err)
		}
	}
}

// FuzzInfer checks JSON and CSV inference on arbitrary input: never a
// panic, and whatever is classified yields storable column types that
// the catalog reads back.
func FuzzInfer(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[{"c":"x"}],"d":{"e":null}}`,
		"{\"a\":1}\n{\"a\":1.5,\"b\":true}\n",
		"a,b\n1,\"x,y\"\n",
		"a\tb\n1\t2\n",
		"{\"a\":[[[[1]]]]}",
		`{"a":"2020-05-12T09:00:00Z"}`,
		"x|y|z\n1|2|3\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, rich bool) {
		for _, c := range []ClassifierFunc{classifyJSON, classifyCSV} {
			in := NewInput("k", int64(len(data)), "none", bytes.NewReader(data))
			in.Rich = rich
			fs, ok, err := c(in)
			if err != nil || !ok {
				continue
			}
			for _, f := range fs.Columns.fields {
				typ := f.s.catalogType()
				if !typ.IsStorable() {
					t.Fatalf("column %q has type %s, which a table cannot store", f.key, typ)
				}
				back, err := catalog.ParseType(typ.String())
				if err != nil || !back.Equal(typ) {
					t.Fatalf("column %q: type %s does not read back: %v", f.key, typ, err)
				}
			}
		}
	})
}

func TestCSVSampleBounds(t *testing.T) {
	// Long lines: the first read holds fewer than two; the classifier
	// reads on.
	long := strings.Repeat("x", 40<<10)
	fs := classifyText(t, "a,b\n"+long+",1\n"+long+",2\n", false)
	if fs == nil || fs.Records != 2 || !fs.Header {
		t.Fatalf("got %+v", fs)
	}
	// More than 1,000 records: the sample stops there.
	fs = classifyText(t, "a,b\n"+strings.Repeat("1,2\n", 5000)+"x,y\n", false)
	if fs == nil || fs.Records != sampleRecords || fs.Complete || columns(fs) != "a bigint, b bigint" {
		t.Fatalf("got %+v", fs)
	}
	// Lines of 2 KB: the first megabyte ends before 1,000 records.
	row := strings.Repeat("y", 2000) + ",1\n"
	fs = classifyText(t, "a,b\n"+strings.Repeat(row, 1000), false)
	if fs == nil || fs.Records != int64((sampleBytes-4)/len(row)) || fs.Complete {
		t.Fatalf("got records %d, complete %t", fs.Records, fs.Complete)
	}
}
