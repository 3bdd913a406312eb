package asl

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected results of testdata scripts")

// validateRecord is one record of testdata/validate.txt.
type validateRecord struct {
	name, definition, want string
}

func readValidateScript(t testing.TB, path string) (header string, recs []validateRecord) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(data), "\n=== ")
	header = parts[0]
	for _, p := range parts[1:] {
		name, body, _ := strings.Cut(p, "\n")
		def, want, ok := strings.Cut(body, "\n---\n")
		if !ok {
			if strings.HasPrefix(body, "---\n") { // an empty definition
				def, want, ok = "", strings.TrimPrefix(body, "---\n"), true
			}
		}
		if !ok {
			t.Fatalf("%s: record %q has no --- line", path, name)
		}
		recs = append(recs, validateRecord{name: name, definition: def, want: strings.TrimSpace(want)})
	}
	return header, recs
}

func renderDiagnostics(diags []Diagnostic) string {
	if len(diags) == 0 {
		return "ok"
	}
	var b strings.Builder
	for i, d := range diags {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// TestValidateScripts runs testdata/validate.txt: every problem of each
// definition, in order, worded as users will read them.
func TestValidateScripts(t *testing.T) {
	path := filepath.Join("testdata", "validate.txt")
	header, recs := readValidateScript(t, path)
	var out strings.Builder
	out.WriteString(header)
	for _, r := range recs {
		_, diags := Validate([]byte(r.definition))
		got := renderDiagnostics(diags)
		if !*update && got != r.want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", r.name, got, r.want)
		}
		out.WriteString("\n=== " + r.name + "\n")
		if r.definition != "" {
			out.WriteString(r.definition + "\n")
		}
		out.WriteString("---\n" + got + "\n")
	}
	if *update {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestParseBuildsTheModel(t *testing.T) {
	def, err := Parse([]byte(`{"StartAt": "T", "TimeoutSeconds": 300, "States": {
		"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "C",
		      "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2}],
		      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "F"}]},
		"C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "W"}], "Default": "S"},
		"W": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "S"},
		"S": {"Type": "Succeed"},
		"F": {"Type": "Fail", "Error": "Failed", "CausePath": "States.Format('bad {}', $.error.Cause)"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if def.StartAt != "T" || def.TimeoutSeconds != 300 || strings.Join(def.Names, ",") != "T,C,W,S,F" {
		t.Fatalf("definition: %+v", def)
	}
	task := def.States["T"]
	if task.Next != "C" || len(task.Retry) != 1 || task.Retry[0].MaxAttempts != 2 || task.Retry[0].IntervalSeconds != 1 ||
		task.Retry[0].BackoffRate != 2 || task.Retry[0].JitterStrategy != "NONE" {
		t.Errorf("retry defaults: %+v", task.Retry)
	}
	if len(task.Catch) != 1 || task.Catch[0].Next != "F" || task.Catch[0].ResultPath.Path == nil {
		t.Errorf("catch: %+v", task.Catch)
	}
	if c := def.States["C"]; len(c.Choices) != 1 || c.Choices[0].Next != "W" || c.Default != "S" {
		t.Errorf("choice: %+v", c)
	}
	if w := def.States["W"]; w.Seconds.Path == nil {
		t.Errorf("wait: %+v", w)
	}
	if f := def.States["F"]; f.Error != "Failed" || f.CausePath.Intrinsic == nil {
		t.Errorf("fail: %+v", f)
	}
}

func TestParseReturnsValidationError(t *testing.T) {
	_, err := Parse([]byte(`{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}`))
	ve, ok := err.(*ValidationError)
	if !ok || len(ve.Diagnostics) != 2 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "needs 'Next'") || !strings.Contains(err.Error(), "2 problems") {
		t.Errorf("message: %v", err)
	}
}

// FuzzParse: any bytes give a definition or diagnostics, never a panic;
// a definition that parses has every transition inside it.
func FuzzParse(f *testing.F) {
	_, recs := readValidateScript(f, filepath.Join("testdata", "validate.txt"))
	for _, r := range recs {
		f.Add(r.definition)
	}
	f.Fuzz(func(t *testing.T, src string) {
		def, diags := Validate([]byte(src))
		if def == nil {
			for _, d := range diags {
				if d.Severity == "ERROR" {
					return
				}
			}
			t.Fatalf("no definition and no error for %q", src)
		}
		var check func(d *Definition)
		check = func(d *Definition) {
			if _, ok := d.States[d.StartAt]; !ok {
				t.Fatalf("StartAt %q missing in %q", d.StartAt, src)
			}
			for _, s := range d.States {
				if s.Next != "" {
					if _, ok := d.States[s.Next]; !ok {
						t.Fatalf("Next %q missing in %q", s.Next, src)
					}
				}
				for _, b := range s.Branches {
					check(b)
				}
				if s.ItemProcessor != nil {
					check(s.ItemProcessor)
				}
			}
		}
		check(def)
	})
}
