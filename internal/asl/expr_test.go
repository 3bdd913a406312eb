package asl

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The expression scripts in testdata (paths.txt, intrinsics.txt,
// templates.txt, dataflow.txt, choice.txt, errors.txt) are lists of
// one-line commands, each followed by a line "=> expectation". Lines
// starting with # are comments. The commands are:
//
//	input JSON             the value of $ for the following cases
//	context JSON           the value of $$
//	vars JSON              an object holding the variables ($name)
//	result JSON            the result ApplyResultPath sets
//	path EXPR              ParsePath(EXPR).Select
//	refpath EXPR           ParseReferencePath(EXPR).Select
//	intrinsic EXPR         ParseIntrinsic(EXPR).Eval
//	template JSON          ParseTemplate(JSON).Eval
//	rule JSON              ParseChoiceRule(JSON, "", false).Eval
//	choice JSON            ParseChoiceRule(JSON, "", true).Eval, giving Next if it matches or false
//	inputpath PATH|null    ApplyInputPath
//	outputpath PATH|null   ApplyOutputPath
//	resultpath PATH|null   ApplyResultPath of the result into the input
//	matches JSON NAME      ErrorMatches(JSON, NAME)
//
// The expectations are:
//
//	=> JSON                the value, compared as JSON (numbers by value)
//	=> ~REGEXP             the value's compact JSON matches REGEXP
//	=> parse error: TEXT   compiling fails with an error containing TEXT
//	=> error NAME: TEXT    evaluating fails with the *Error NAME whose cause
//	                       contains TEXT; NAME "notfound" is ErrPathNotFound

// exprCase is one command of an expression script with its expectation.
type exprCase struct {
	file string
	line int
	cmd  string
	arg  string
	want string
	// Scope and result in effect for the case.
	input, context, vars, result any
}

func (c exprCase) String() string { return fmt.Sprintf("%s:%d: %s %s", c.file, c.line, c.cmd, c.arg) }

var exprScripts = []string{"paths.txt", "intrinsics.txt", "templates.txt", "dataflow.txt", "choice.txt", "errors.txt"}

// readExprScripts reads the named scripts, failing tb on malformed lines.
func readExprScripts(tb testing.TB, names ...string) []exprCase {
	tb.Helper()
	var cases []exprCase
	for _, name := range names {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			tb.Fatal(err)
		}
		state := exprCase{file: name, input: map[string]any{}}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		var pending *exprCase
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimRight(sc.Text(), " \t")
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if want, ok := strings.CutPrefix(line, "=> "); ok {
				if pending == nil {
					tb.Fatalf("%s:%d: expectation without a command", name, n)
				}
				pending.want = want
				cases = append(cases, *pending)
				pending = nil
				continue
			}
			if pending != nil {
				tb.Fatalf("%s:%d: the command at line %d has no expectation", name, n, pending.line)
			}
			cmd, arg, _ := strings.Cut(line, " ")
			switch cmd {
			case "input", "context", "vars", "result":
				v, err := decodeJSON(arg)
				if err != nil {
					tb.Fatalf("%s:%d: %s: %v", name, n, cmd, err)
				}
				switch cmd {
				case "input":
					state.input = v
				case "context":
					state.context = v
				case "vars":
					state.vars = v
				case "result":
					state.result = v
				}
			case "path", "refpath", "intrinsic", "template", "rule", "choice", "inputpath", "outputpath", "resultpath", "matches":
				c := state
				c.line, c.cmd, c.arg = n, cmd, arg
				pending = &c
			default:
				tb.Fatalf("%s:%d: unknown command %q", name, n, cmd)
			}
		}
		f.Close()
		if pending != nil {
			tb.Fatalf("%s:%d: the last command has no expectation", name, pending.line)
		}
	}
	return cases
}

// scope returns the Scope of c.
func (c exprCase) scope() Scope {
	s := Scope{Input: c.input, Context: c.context}
	if vars, ok := c.vars.(map[string]any); ok {
		s.Var = func(name string) (any, bool) { v, ok := vars[name]; return v, ok }
	}
	return s
}

// errParse marks a compile-time failure in run's result.
type errParse struct{ err error }

func (e errParse) Error() string { return e.err.Error() }

// run executes c's command, returning the value or the error.
func (c exprCase) run() (any, error) {
	s := c.scope()
	optPath := func(src string) (*Path, error) {
		if src == "null" {
			return nil, nil
		}
		p, err := ParsePath(src)
		if err != nil {
			return nil, errParse{err}
		}
		return p, nil
	}
	jsonArg := func() (any, error) {
		v, err := decodeJSON(c.arg)
		if err != nil {
			return nil, fmt.Errorf("bad JSON in the script: %v", err)
		}
		return v, nil
	}
	switch c.cmd {
	case "path", "refpath":
		parse := ParsePath
		if c.cmd == "refpath" {
			parse = ParseReferencePath
		}
		p, err := parse(c.arg)
		if err != nil {
			return nil, errParse{err}
		}
		return p.Select(s)
	case "intrinsic":
		f, err := ParseIntrinsic(c.arg)
		if err != nil {
			return nil, errParse{err}
		}
		return f.Eval(s)
	case "template":
		v, err := jsonArg()
		if err != nil {
			return nil, err
		}
		t, errs := ParseTemplate(v)
		if errs != nil {
			return nil, errParse{errors.Join(errs...)}
		}
		return t.Eval(s)
	case "rule", "choice":
		v, err := jsonArg()
		if err != nil {
			return nil, err
		}
		r, errs := ParseChoiceRule(v, "", c.cmd == "choice")
		if errs != nil {
			return nil, errParse{errors.Join(errs...)}
		}
		ok, err := r.Eval(s)
		if err != nil || !ok || c.cmd == "rule" {
			return ok, err
		}
		return r.Next, nil
	case "inputpath", "outputpath":
		p, err := optPath(c.arg)
		if err != nil {
			return nil, err
		}
		if c.cmd == "inputpath" {
			return ApplyInputPath(c.input, p, s)
		}
		return ApplyOutputPath(c.input, p, s)
	case "resultpath":
		p, err := optPath(c.arg)
		if err != nil {
			return nil, err
		}
		if p != nil && !p.IsReference() {
			return nil, errParse{fmt.Errorf("not a reference path")}
		}
		return ApplyResultPath(c.input, c.result, p, c.arg == "null")
	case "matches":
		list, name, _ := strings.Cut(c.arg, " ")
		v, err := decodeJSON(list)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, e := range v.([]any) {
			names = append(names, e.(string))
		}
		return ErrorMatches(names, name), nil
	}
	return nil, fmt.Errorf("unknown command %q", c.cmd)
}

// check compares the outcome of c with its expectation.
func (c exprCase) check(got any, err error) error {
	var pe errParse
	switch want := c.want; {
	case strings.HasPrefix(want, "parse error: "):
		text := strings.TrimPrefix(want, "parse error: ")
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), text) {
			return fmt.Errorf("want a parse error containing %q, got %s", text, describe(got, err))
		}
	case strings.HasPrefix(want, "error "):
		name, text, _ := strings.Cut(strings.TrimPrefix(want, "error "), ": ")
		if errors.As(err, &pe) || err == nil {
			return fmt.Errorf("want error %s, got %s", want, describe(got, err))
		}
		if name == "notfound" {
			if !errors.Is(err, ErrPathNotFound) || !strings.Contains(err.Error(), text) {
				return fmt.Errorf("want ErrPathNotFound containing %q, got %s", text, describe(got, err))
			}
			break
		}
		var ae *Error
		if !errors.As(err, &ae) || ae.Name != name || !strings.Contains(ae.Cause, text) {
			return fmt.Errorf("want error %s with a cause containing %q, got %s", name, text, describe(got, err))
		}
	case err != nil:
		return fmt.Errorf("want %s, got %s", want, describe(got, err))
	case strings.HasPrefix(want, "~"):
		if !regexp.MustCompile(want[1:]).MatchString(compactJSON(got)) {
			return fmt.Errorf("want a value matching %s, got %s", want[1:], compactJSON(got))
		}
	default:
		w, jerr := decodeJSON(want)
		if jerr != nil {
			return fmt.Errorf("bad expectation: %v", jerr)
		}
		if !jsonEqual(got, w) {
			return fmt.Errorf("want %s, got %s", want, compactJSON(got))
		}
	}
	return nil
}

func describe(got any, err error) string {
	if err != nil {
		return fmt.Sprintf("error %T: %v", err, err)
	}
	return compactJSON(got)
}

// TestExprScripts runs the expression scripts.
func TestExprScripts(t *testing.T) {
	for _, name := range exprScripts {
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			for _, c := range readExprScripts(t, name) {
				got, err := c.run()
				if cerr := c.check(got, err); cerr != nil {
					t.Errorf("%s: %v", c, cerr)
				}
			}
		})
	}
}
