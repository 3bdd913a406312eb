package asl

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// validator walks a decoded definition, building the Definition and
// collecting every problem.
type validator struct {
	doc   *document
	diags []Diagnostic
	// names maps every state name in the machine, branches and item
	// processors included, to where it is defined: names are unique in
	// the whole machine.
	names map[string]string
	// scope is the variable scope being read (see assigns).
	scope *varScope
	// assigns are the variables each Assign sets, checked at the end.
	assigns []assignment
}

// varScope is the variable scope of the machine, of a Parallel branch
// or of a Map item processor; branches and processors read their
// parent's variables.
type varScope struct {
	parent *varScope
	names  map[string]bool
}

// assignment is a variable an Assign sets, where, in which scope.
type assignment struct {
	name  string
	ptr   string
	scope *varScope
}

// assign records the variables an Assign field sets and checks their
// names: Unicode identifiers of at most 80 characters, not "states",
// whole variables (not x.y).
func (v *validator) assign(raw any, ptr string) {
	m, ok := raw.(map[string]any)
	if !ok || v.scope == nil {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := strings.TrimSuffix(k, ".$")
		loc := ptr + "/" + escapePointer(k)
		switch {
		case !validVariableName(name):
			v.errorf(schemaFailed, loc, "%q is not a variable name: use letters, digits and underscores, starting with a letter or underscore (no dots: a variable is assigned whole)", name)
			continue
		case utf8.RuneCountInString(name) > 80:
			v.errorf(schemaFailed, loc, "The variable name %q is longer than 80 characters", name)
			continue
		case name == "states":
			v.errorf(schemaFailed, loc, "\"states\" is reserved (JSONata's $states); choose another variable name")
			continue
		}
		v.scope.names[name] = true
		v.assigns = append(v.assigns, assignment{name: name, ptr: loc, scope: v.scope})
	}
}

func validVariableName(s string) bool {
	for i, r := range s {
		if i == 0 && !isIDStart(r) || i > 0 && !isIDContinue(r) {
			return false
		}
	}
	return s != ""
}

// checkAssigns reports variables a branch or item processor assigns
// that an enclosing scope assigns too: Step Functions refuses them (an
// inner scope reads the outer variable and may not shadow it).
func (v *validator) checkAssigns() {
	for _, a := range v.assigns {
		for s := a.scope.parent; s != nil; s = s.parent {
			if s.names[a.name] {
				v.errorf(schemaFailed, a.ptr, "The variable %q is assigned in an enclosing scope; a Parallel branch or Map item processor may read it but not assign it (use another name)", a.name)
				break
			}
		}
	}
}

func (v *validator) errorf(code, ptr, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Severity: "ERROR", Code: code, Message: fmt.Sprintf(format, args...), Location: pointerOrRoot(ptr)})
}

func (v *validator) warnf(code, ptr, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Severity: "WARNING", Code: code, Message: fmt.Sprintf(format, args...), Location: pointerOrRoot(ptr)})
}

const schemaFailed = "SCHEMA_VALIDATION_FAILED"

// knownErrorNames are the States.* error names; others starting with
// "States." are reserved.
var knownErrorNames = map[string]bool{
	"States.ALL": true, "States.DataLimitExceeded": true, "States.HeartbeatTimeout": true, "States.Timeout": true,
	"States.TaskFailed": true, "States.Permissions": true, "States.ResultPathMatchFailure": true,
	"States.ParameterPathFailure": true, "States.BranchFailed": true, "States.NoChoiceMatched": true,
	"States.IntrinsicFailure": true, "States.ExceedToleratedFailureThreshold": true, "States.ItemReaderFailed": true,
	"States.ResultWriterFailed": true, "States.QueryEvaluationError": true, "States.Runtime": true,
}

// noDollar warns about template values that look like paths or
// intrinsics under keys that do not end in ".$" (AWS's NO_DOLLAR).
func (v *validator) noDollar(raw any, ptr string) {
	switch x := raw.(type) {
	case map[string]any:
		for k, c := range x {
			if s, ok := c.(string); ok && !strings.HasSuffix(k, ".$") && (strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$$.") || IsIntrinsic(s)) {
				v.warnf("NO_DOLLAR", ptr+"/"+escapePointer(k), "The value of '%s' looks like a JSONPath or an intrinsic function but its name does not end in '.$', so it is used as the literal string %q", k, s)
			}
			v.noDollar(c, ptr+"/"+escapePointer(k))
		}
	case []any:
		for i, c := range x {
			v.noDollar(c, ptr+"/"+strconv.Itoa(i))
		}
	}
}

// machine reads a state machine, a Parallel branch or a Map item
// processor.
func (v *validator) machine(m map[string]any, ptr string, top bool) *Definition {
	what := "the state machine"
	if !top {
		what = "a branch"
	}
	o := &object{v: v, m: m, ptr: ptr, what: what}
	if top {
		o.only("Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage")
	} else {
		o.only("Comment", "StartAt", "States", "ProcessorConfig")
	}
	def := &Definition{States: map[string]*State{}}
	v.scope = &varScope{parent: v.scope, names: map[string]bool{}}
	defer func() { v.scope = v.scope.parent }()
	def.Comment, _ = o.str("Comment", false)
	if top {
		if ver, ok := o.str("Version", false); ok && ver != "1.0" {
			v.errorf(schemaFailed, o.at("Version"), "The only ASL version is \"1.0\", not %q", ver)
		}
		def.TimeoutSeconds, _ = o.integer("TimeoutSeconds", 1, 99999999)
		v.queryLanguage(o)
	}
	start, hasStart := o.str("StartAt", true)
	def.StartAt = start
	states, ok := o.child("States", what)
	if !ok {
		if !o.has("States") {
			v.errorf(schemaFailed, ptr, "The field 'States' is required but was missing in %s", what)
		}
		return def
	}
	if len(states.m) == 0 {
		v.errorf(schemaFailed, states.ptr, "'States' must hold at least one state")
		return def
	}
	for _, name := range v.doc.order[states.ptr] {
		sptr := states.at(name)
		v.stateName(name, sptr)
		raw := states.m[name]
		sm, ok := raw.(map[string]any)
		if !ok {
			v.errorf(schemaFailed, sptr, "A state must be an OBJECT, not %s", jsonKind(raw))
			continue
		}
		def.Names = append(def.Names, name)
		def.States[name] = v.state(name, sm, sptr)
	}
	if hasStart {
		if _, ok := def.States[start]; !ok && states.m[start] == nil {
			v.errorf("MISSING_TRANSITION_TARGET", o.at("StartAt"), "StartAt names the state %q, which %s does not have%s", start, what, suggest(start, def.Names))
		}
	}
	v.transitions(def, states.ptr)
	return def
}

func (v *validator) queryLanguage(o *object) {
	if ql, ok := o.str("QueryLanguage", false); ok {
		switch ql {
		case "JSONPath":
		case "JSONata":
			v.errorf("UNSUPPORTED_FEATURE", o.at("QueryLanguage"), "JSONata states are not supported yet; write this state with JSONPath (InputPath, Parameters, ResultSelector, ResultPath, OutputPath)")
		default:
			v.errorf(schemaFailed, o.at("QueryLanguage"), "QueryLanguage must be \"JSONPath\" or \"JSONata\", not %q", ql)
		}
	}
}

func (v *validator) stateName(name, ptr string) {
	switch {
	case name == "":
		v.errorf("INVALID_STATE_NAME", ptr, "A state name must not be empty")
	case utf8.RuneCountInString(name) > 80:
		v.errorf("INVALID_STATE_NAME", ptr, "The state name %q is %d characters long; the limit is 80", name, utf8.RuneCountInString(name))
	}
	if first, dup := v.names[name]; dup {
		v.errorf("DUPLICATE_STATE_NAME", ptr, "The state name %q is already used at %s; state names are unique in the whole machine, branches and item processors included", name, first)
		return
	}
	v.names[name] = ptr
}

// transitions checks that every transition names a state of the same
// machine, that every state is reachable from StartAt, and that the
// machine can end.
func (v *validator) transitions(def *Definition, statesPtr string) {
	target := func(name, ptr, field string) {
		if _, ok := def.States[name]; !ok {
			v.errorf("MISSING_TRANSITION_TARGET", ptr, "%s names the state %q, which is not in this %s%s", field, name, scopeName(statesPtr), suggest(name, def.Names))
		}
	}
	terminal := false
	for _, name := range def.Names {
		s := def.States[name]
		ptr := statesPtr + "/" + escapePointer(name)
		if s.Next != "" {
			target(s.Next, ptr+"/Next", "Next")
		}
		if s.Default != "" {
			target(s.Default, ptr+"/Default", "Default")
		}
		for i, c := range s.Choices {
			if c != nil && c.Next != "" {
				target(c.Next, fmt.Sprintf("%s/Choices/%d/Next", ptr, i), "Next")
			}
		}
		for i, c := range s.Catch {
			if c.Next != "" {
				target(c.Next, fmt.Sprintf("%s/Catch/%d/Next", ptr, i), "Next")
			}
		}
		if s.End || s.Type == TypeSucceed || s.Type == TypeFail {
			terminal = true
		}
	}
	if !terminal && len(def.Names) > 0 {
		v.errorf("MISSING_END_STATE", statesPtr, "No state ends this %s: give one state \"End\": true, or add a Succeed or Fail state", scopeName(statesPtr))
	}
	if _, ok := def.States[def.StartAt]; !ok {
		return
	}
	seen := map[string]bool{}
	queue := []string{def.StartAt}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		s, ok := def.States[name]
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		queue = append(queue, s.Next, s.Default)
		for _, c := range s.Choices {
			if c != nil {
				queue = append(queue, c.Next)
			}
		}
		for _, c := range s.Catch {
			queue = append(queue, c.Next)
		}
	}
	for _, name := range def.Names {
		if !seen[name] {
			v.errorf("UNREACHABLE_STATE", statesPtr+"/"+escapePointer(name), "The state %q cannot be reached from StartAt %q; remove it or make a state go to it", name, def.StartAt)
		}
	}
}

func scopeName(statesPtr string) string {
	if statesPtr == "/States" {
		return "state machine"
	}
	if strings.Contains(statesPtr, "/Branches/") && !strings.HasSuffix(strings.TrimSuffix(statesPtr, "/States"), "Iterator") &&
		!strings.HasSuffix(strings.TrimSuffix(statesPtr, "/States"), "ItemProcessor") {
		return "branch"
	}
	return "item processor"
}

// suggest returns ` (did you mean "x"?)` for a near name.
func suggest(name string, names []string) string {
	if len(name) < 3 {
		return ""
	}
	limit := 1
	if len(name) >= 5 {
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, n := range names {
		if d := editDistance(strings.ToLower(name), strings.ToLower(n)); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
