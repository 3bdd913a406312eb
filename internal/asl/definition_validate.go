package asl

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
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

// object reads the members of one JSON object of the definition.
type object struct {
	v    *validator
	m    map[string]any
	ptr  string
	what string // "the state machine", "a Pass state", ...
}

func (o *object) at(name string) string { return o.ptr + "/" + escapePointer(name) }

func (o *object) has(name string) bool { _, ok := o.m[name]; return ok }

// only reports members not in allowed.
func (o *object) only(allowed ...string) {
	set := map[string]bool{}
	for _, a := range allowed {
		set[a] = true
	}
	for _, k := range o.v.doc.order[o.ptr] {
		if !set[k] {
			o.v.errorf(schemaFailed, o.at(k), "The field '%s' is not supported in %s; allowed fields are %s", k, o.what, strings.Join(allowed, ", "))
		}
	}
}

func (o *object) str(name string, required bool) (string, bool) {
	raw, ok := o.m[name]
	if !ok {
		if required {
			o.v.errorf(schemaFailed, o.ptr, "The field '%s' is required but was missing in %s", name, o.what)
		}
		return "", false
	}
	s, ok := raw.(string)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a STRING, not %s", name, jsonKind(raw))
		return "", false
	}
	return s, true
}

func (o *object) boolean(name string) (bool, bool) {
	raw, ok := o.m[name]
	if !ok {
		return false, false
	}
	b, ok := raw.(bool)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a BOOLEAN, not %s", name, jsonKind(raw))
		return false, false
	}
	return b, true
}

// integer reads an integer member in [min, max].
func (o *object) integer(name string, min, max int64) (int, bool) {
	raw, ok := o.m[name]
	if !ok {
		return 0, false
	}
	n, isNum := raw.(json.Number)
	i, err := strconv.ParseInt(string(n), 10, 64)
	if !isNum || err != nil {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be an INTEGER, not %s", name, jsonValueText(raw))
		return 0, false
	}
	if i < min || i > max {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be between %d and %d, not %d", name, min, max, i)
		return 0, false
	}
	return int(i), true
}

func (o *object) number(name string, min, max float64) (float64, bool) {
	raw, ok := o.m[name]
	if !ok {
		return 0, false
	}
	n, isNum := raw.(json.Number)
	f, err := n.Float64()
	if !isNum || err != nil {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a NUMBER, not %s", name, jsonValueText(raw))
		return 0, false
	}
	if f < min || f > max {
		if max == math.MaxFloat64 {
			o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be at least %g, not %g", name, min, f)
		} else {
			o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be between %g and %g, not %g", name, min, max, f)
		}
		return 0, false
	}
	return f, true
}

func (o *object) child(name, what string) (*object, bool) {
	raw, ok := o.m[name]
	if !ok {
		return nil, false
	}
	m, ok := raw.(map[string]any)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be an OBJECT, not %s", name, jsonKind(raw))
		return nil, false
	}
	return &object{v: o.v, m: m, ptr: o.at(name), what: what}, true
}

func (o *object) array(name string, required bool) ([]any, bool) {
	raw, ok := o.m[name]
	if !ok {
		if required {
			o.v.errorf(schemaFailed, o.ptr, "The field '%s' is required but was missing in %s", name, o.what)
		}
		return nil, false
	}
	a, ok := raw.([]any)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be an ARRAY, not %s", name, jsonKind(raw))
		return nil, false
	}
	return a, true
}

// path reads a path member: a JSONPath string, or null when nullable.
func (o *object) path(name string, nullable, reference bool) OptionalPath {
	raw, ok := o.m[name]
	if !ok {
		return OptionalPath{}
	}
	if raw == nil {
		if !nullable {
			o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a JSONPath string, not null", name)
		}
		return OptionalPath{Set: true, Null: true}
	}
	s, ok := raw.(string)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a JSONPath string, not %s", name, jsonKind(raw))
		return OptionalPath{Set: true}
	}
	var p *Path
	var err error
	if reference {
		p, err = ParseReferencePath(s)
	} else {
		p, err = ParsePath(s)
	}
	if err != nil {
		kind := "a valid JSONPath"
		if reference {
			kind = "a valid Reference Path (one node: no wildcards, filters or slices)"
		}
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be %s: %s", name, kind, plainError(err))
		return OptionalPath{Set: true}
	}
	return OptionalPath{Set: true, Path: p}
}

// intOrPath reads N and NPath, which exclude each other.
func (o *object) intOrPath(name string, min, max int64) IntOrPath {
	if o.has(name) && o.has(name+"Path") {
		o.v.errorf(schemaFailed, o.ptr, "The fields '%s' and '%sPath' exclude each other in %s; use one", name, name, o.what)
		return IntOrPath{}
	}
	if o.has(name + "Path") {
		p := o.path(name+"Path", false, true)
		return IntOrPath{Set: p.Path != nil, Path: p.Path}
	}
	n, ok := o.integer(name, min, max)
	return IntOrPath{Set: ok, Value: n}
}

func (o *object) template(name string) *Template {
	raw, ok := o.m[name]
	if !ok {
		return nil
	}
	if _, isObj := raw.(map[string]any); !isObj {
		if name == "Parameters" || name == "ItemSelector" || name == "ResultSelector" || name == "Assign" {
			o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be an OBJECT, not %s", name, jsonKind(raw))
			return nil
		}
	}
	t, errs := ParseTemplate(raw)
	for _, err := range errs {
		o.v.fieldError(o.at(name), err)
	}
	o.v.noDollar(raw, o.at(name))
	return t
}

// fieldError records an error from the expression parsers, placed at its
// pointer within base.
func (v *validator) fieldError(base string, err error) {
	var fe *FieldError
	if errors.As(err, &fe) {
		loc := fe.Pointer
		if !strings.HasPrefix(loc, base) {
			loc = base + loc
		}
		v.errorf(schemaFailed, strings.TrimSuffix(loc, "/"), "%s", fe.Msg)
		return
	}
	v.errorf(schemaFailed, base, "%s", plainError(err))
}

// plainError is err's message without the package prefix.
func plainError(err error) string {
	return strings.TrimPrefix(err.Error(), "asl: ")
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

// fieldsByType lists the fields each state type takes, besides Type,
// Comment and QueryLanguage.
var fieldsByType = map[StateType][]string{
	TypePass:    {"InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Next", "End", "Assign"},
	TypeTask:    {"InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Retry", "Catch", "Next", "End", "Assign"},
	TypeChoice:  {"InputPath", "OutputPath", "Choices", "Default", "Assign"},
	TypeWait:    {"InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Next", "End", "Assign"},
	TypeSucceed: {"InputPath", "OutputPath"},
	TypeFail:    {"Error", "ErrorPath", "Cause", "CausePath"},
	TypeParallel: {"InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Branches", "Retry", "Catch",
		"Next", "End", "Assign"},
	TypeMap: {"InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "ItemsPath", "ItemSelector",
		"ItemProcessor", "Iterator", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount",
		"ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ItemReader",
		"ItemBatcher", "ResultWriter", "Label", "Retry", "Catch", "Next", "End", "Assign"},
}

func (v *validator) state(name string, m map[string]any, ptr string) *State {
	s := &State{Name: name}
	o := &object{v: v, m: m, ptr: ptr, what: fmt.Sprintf("the state %q", name)}
	typ, ok := o.str("Type", true)
	if !ok {
		return s
	}
	s.Type = StateType(typ)
	fields, known := fieldsByType[s.Type]
	if !known {
		v.errorf(schemaFailed, o.at("Type"), "%q is not a state type; use Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map", typ)
		return s
	}
	o.what = fmt.Sprintf("a %s state", typ)
	o.only(append([]string{"Type", "Comment", "QueryLanguage"}, fields...)...)
	v.queryLanguage(o)
	s.Comment, _ = o.str("Comment", false)
	s.InputPath = o.path("InputPath", true, false)
	s.OutputPath = o.path("OutputPath", true, false)
	s.ResultPath = o.path("ResultPath", true, true)
	if s.Type != TypeMap {
		s.Parameters = o.template("Parameters")
	}
	s.ResultSelector = o.template("ResultSelector")
	s.Assign = o.template("Assign")
	v.assign(m["Assign"], o.at("Assign"))

	// Next or End, exactly one, where the type takes them.
	if hasField(fields, "Next") {
		next, hasNext := o.str("Next", false)
		end, hasEnd := o.boolean("End")
		switch {
		case hasNext && hasEnd:
			v.errorf(schemaFailed, ptr, "A %s state has either 'Next' or 'End', not both", typ)
		case hasEnd && !end:
			v.errorf(schemaFailed, o.at("End"), "'End' can only be true; to continue, give 'Next' instead")
		case !hasNext && !hasEnd && !o.has("Next") && !o.has("End"):
			v.errorf(schemaFailed, ptr, "A %s state needs 'Next' (the state that follows) or \"End\": true", typ)
		}
		s.Next, s.End = next, end
	}
	if hasField(fields, "Retry") {
		s.Retry = v.retriers(o)
		s.Catch = v.catchers(o)
	}

	switch s.Type {
	case TypePass:
		if r, ok := m["Result"]; ok {
			s.Result, s.HasResult = r, true
			if hasDollarKey(r) {
				v.warnf("PASS_RESULT_IS_STATIC", o.at("Result"), "'Result' is used as written: keys ending in '.$' are not evaluated there; use 'Parameters' to select from the input")
			}
		}
	case TypeTask:
		v.task(o, s)
	case TypeChoice:
		v.choice(o, s)
	case TypeWait:
		v.wait(o, s)
	case TypeFail:
		v.fail(o, s)
	case TypeParallel:
		branches, ok := o.array("Branches", true)
		if ok && len(branches) == 0 {
			v.errorf(schemaFailed, o.at("Branches"), "'Branches' must hold at least one branch")
		}
		for i, b := range branches {
			bm, ok := b.(map[string]any)
			bptr := fmt.Sprintf("%s/%d", o.at("Branches"), i)
			if !ok {
				v.errorf(schemaFailed, bptr, "A branch must be an OBJECT with StartAt and States, not %s", jsonKind(b))
				continue
			}
			if _, has := bm["ProcessorConfig"]; has {
				v.errorf(schemaFailed, bptr+"/ProcessorConfig", "'ProcessorConfig' belongs in a Map state's ItemProcessor, not in a Parallel branch")
			}
			s.Branches = append(s.Branches, v.machine(bm, bptr, false))
		}
	case TypeMap:
		v.mapState(o, s)
	}
	return s
}

func hasField(fields []string, f string) bool {
	for _, x := range fields {
		if x == f {
			return true
		}
	}
	return false
}

func hasDollarKey(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if strings.HasSuffix(k, ".$") || hasDollarKey(c) {
				return true
			}
		}
	case []any:
		for _, c := range x {
			if hasDollarKey(c) {
				return true
			}
		}
	}
	return false
}

func (v *validator) task(o *object, s *State) {
	if res, ok := o.str("Resource", true); ok {
		s.Resource = res
		if !strings.HasPrefix(res, "arn:") {
			v.errorf("INVALID_RESOURCE", o.at("Resource"), "The resource %q is not an ARN; a Task names what it runs with an ARN such as arn:aws:states:::lambda:invoke or arn:aws:lambda:REGION:ACCOUNT:function:NAME", res)
		}
	}
	s.TimeoutSeconds = o.intOrPath("TimeoutSeconds", 1, 99999999)
	s.HeartbeatSeconds = o.intOrPath("HeartbeatSeconds", 1, 99999999)
	if t, h := s.TimeoutSeconds, s.HeartbeatSeconds; t.Set && h.Set && t.Path == nil && h.Path == nil && h.Value >= t.Value {
		v.errorf(schemaFailed, o.at("HeartbeatSeconds"), "'HeartbeatSeconds' (%d) must be smaller than 'TimeoutSeconds' (%d)", h.Value, t.Value)
	}
	s.Credentials = o.m["Credentials"]
}

func (v *validator) choice(o *object, s *State) {
	choices, ok := o.array("Choices", true)
	if ok && len(choices) == 0 {
		v.errorf(schemaFailed, o.at("Choices"), "'Choices' must hold at least one rule")
	}
	for i, c := range choices {
		rule, errs := ParseChoiceRule(c, fmt.Sprintf("%s/%d", o.at("Choices"), i), true)
		for _, err := range errs {
			v.fieldError(fmt.Sprintf("%s/%d", o.at("Choices"), i), err)
		}
		s.Choices = append(s.Choices, rule)
		var assign *Template
		if rule != nil && rule.Assign != nil {
			var errs []error
			v.assign(rule.Assign, fmt.Sprintf("%s/%d/Assign", o.at("Choices"), i))
			assign, errs = ParseTemplate(rule.Assign)
			for _, err := range errs {
				v.fieldError(fmt.Sprintf("%s/%d/Assign", o.at("Choices"), i), err)
			}
		}
		s.ChoiceAssigns = append(s.ChoiceAssigns, assign)
	}
	s.Default, _ = o.str("Default", false)
}

func (v *validator) wait(o *object, s *State) {
	n := 0
	for _, f := range []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"} {
		if o.has(f) {
			n++
		}
	}
	if n != 1 {
		v.errorf(schemaFailed, o.ptr, "A Wait state needs exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath', not %d", n)
		return
	}
	switch {
	case o.has("Seconds"), o.has("SecondsPath"):
		s.Seconds = o.intOrPath("Seconds", 0, 99999999)
	case o.has("Timestamp"):
		if ts, ok := o.str("Timestamp", false); ok {
			t, err := ParseTimestamp(ts)
			if err != nil {
				v.errorf(schemaFailed, o.at("Timestamp"), "%v", err)
			}
			s.Timestamp, s.HasTimestamp = t, err == nil
		}
	default:
		s.TimestampPath = o.path("TimestampPath", false, true).Path
	}
}

// ParseTimestamp reads an ASL timestamp: RFC 3339 with an uppercase T,
// and Z or an offset (2016-03-14T01:59:00Z).
func ParseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || strings.ContainsAny(s, "tz") {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 timestamp such as 2016-03-14T01:59:00Z (uppercase T; Z or an offset required)", s)
	}
	return t, nil
}

func (v *validator) fail(o *object, s *State) {
	read := func(field string) (string, PathOrIntrinsic) {
		if o.has(field) && o.has(field+"Path") {
			v.errorf(schemaFailed, o.ptr, "The fields '%s' and '%sPath' exclude each other; use one", field, field)
			return "", PathOrIntrinsic{}
		}
		if o.has(field + "Path") {
			src, ok := o.str(field+"Path", false)
			if !ok {
				return "", PathOrIntrinsic{}
			}
			if IsIntrinsic(src) {
				f, err := ParseIntrinsic(src)
				if err != nil {
					v.errorf(schemaFailed, o.at(field+"Path"), "The value for the field '%sPath' must be a JSONPath or an intrinsic function: %s", field, plainError(err))
				}
				return "", PathOrIntrinsic{Intrinsic: f}
			}
			p := o.path(field+"Path", false, false)
			return "", PathOrIntrinsic{Path: p.Path}
		}
		val, _ := o.str(field, false)
		return val, PathOrIntrinsic{}
	}
	s.Error, s.ErrorPath = read("Error")
	s.Cause, s.CausePath = read("Cause")
}

func (v *validator) mapState(o *object, s *State) {
	s.ItemsPath = o.path("ItemsPath", false, false)
	switch {
	case o.has("ItemSelector") && o.has("Parameters"):
		v.errorf(schemaFailed, o.ptr, "'Parameters' is the old name of 'ItemSelector'; give one of them, not both")
	case o.has("ItemSelector"):
		s.ItemSelector = o.template("ItemSelector")
	case o.has("Parameters"):
		s.ItemSelector = o.template("Parameters")
	}
	var proc *object
	switch {
	case o.has("ItemProcessor") && o.has("Iterator"):
		v.errorf(schemaFailed, o.ptr, "'Iterator' is the old name of 'ItemProcessor'; give one of them, not both")
	case o.has("ItemProcessor"):
		proc, _ = o.child("ItemProcessor", "an item processor")
	case o.has("Iterator"):
		proc, _ = o.child("Iterator", "an item processor")
	default:
		v.errorf(schemaFailed, o.ptr, "A Map state needs 'ItemProcessor' (or the older 'Iterator'): the states that process each item")
	}
	s.ProcessorMode, s.ExecutionType = "INLINE", ""
	if proc != nil {
		if cfg, ok := proc.child("ProcessorConfig", "ProcessorConfig"); ok {
			cfg.only("Mode", "ExecutionType")
			if mode, ok := cfg.str("Mode", false); ok {
				if mode != "INLINE" && mode != "DISTRIBUTED" {
					v.errorf(schemaFailed, cfg.at("Mode"), "'Mode' must be INLINE or DISTRIBUTED, not %q", mode)
				}
				s.ProcessorMode = mode
			}
			if et, ok := cfg.str("ExecutionType", false); ok {
				if et != "STANDARD" && et != "EXPRESS" {
					v.errorf(schemaFailed, cfg.at("ExecutionType"), "'ExecutionType' must be STANDARD or EXPRESS, not %q", et)
				}
				s.ExecutionType = et
			}
		}
		s.ItemProcessor = v.machine(proc.m, proc.ptr, false)
	}
	s.MaxConcurrency = o.intOrPath("MaxConcurrency", 0, math.MaxInt32)
	s.ToleratedFailureCount = o.intOrPath("ToleratedFailureCount", 0, math.MaxInt32)
	if o.has("ToleratedFailurePercentage") && o.has("ToleratedFailurePercentagePath") {
		v.errorf(schemaFailed, o.ptr, "The fields 'ToleratedFailurePercentage' and 'ToleratedFailurePercentagePath' exclude each other; use one")
	} else if o.has("ToleratedFailurePercentagePath") {
		p := o.path("ToleratedFailurePercentagePath", false, true)
		s.ToleratedFailurePercentage = FloatOrPath{Set: p.Path != nil, Path: p.Path}
	} else if f, ok := o.number("ToleratedFailurePercentage", 0, 100); ok {
		s.ToleratedFailurePercentage = FloatOrPath{Set: true, Value: f}
	}
	if r, ok := o.child("ItemReader", "ItemReader"); ok {
		v.itemReader(r)
		s.ItemReader = r.m
	}
	if b, ok := o.child("ItemBatcher", "ItemBatcher"); ok {
		b.only("MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput")
		b.intOrPath("MaxItemsPerBatch", 1, math.MaxInt32)
		b.intOrPath("MaxInputBytesPerBatch", 1, 256*1024)
		if !b.has("MaxItemsPerBatch") && !b.has("MaxItemsPerBatchPath") && !b.has("MaxInputBytesPerBatch") && !b.has("MaxInputBytesPerBatchPath") {
			v.errorf(schemaFailed, b.ptr, "An ItemBatcher needs a limit: MaxItemsPerBatch or MaxInputBytesPerBatch (or their Path forms)")
		}
		b.template("BatchInput")
		s.ItemBatcher = b.m
	}
	if w, ok := o.child("ResultWriter", "ResultWriter"); ok {
		v.resultWriter(w)
		s.ResultWriter = w.m
	}
	s.Label, _ = o.str("Label", false)
	if s.ProcessorMode != "DISTRIBUTED" && (s.ItemReader != nil || s.ItemBatcher != nil || s.ResultWriter != nil) {
		v.errorf(schemaFailed, o.ptr, "ItemReader, ItemBatcher and ResultWriter need a distributed Map: set ItemProcessor.ProcessorConfig.Mode to DISTRIBUTED")
	}
}

func (v *validator) retriers(o *object) []Retrier {
	arr, _ := o.array("Retry", false)
	var out []Retrier
	for i, raw := range arr {
		ptr := fmt.Sprintf("%s/%d", o.at("Retry"), i)
		m, ok := raw.(map[string]any)
		if !ok {
			v.errorf(schemaFailed, ptr, "A retrier must be an OBJECT, not %s", jsonKind(raw))
			continue
		}
		r := &object{v: v, m: m, ptr: ptr, what: "a retrier"}
		r.only("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment")
		rt := Retrier{IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0, JitterStrategy: "NONE"}
		rt.ErrorEquals = v.errorEquals(r, i == len(arr)-1)
		if n, ok := r.integer("IntervalSeconds", 1, 99999999); ok {
			rt.IntervalSeconds = n
		}
		if n, ok := r.integer("MaxAttempts", 0, 99999999); ok {
			rt.MaxAttempts = n
		}
		if f, ok := r.number("BackoffRate", 1, math.MaxFloat64); ok {
			rt.BackoffRate = f
		}
		rt.MaxDelaySeconds, _ = r.integer("MaxDelaySeconds", 1, 31622401)
		if js, ok := r.str("JitterStrategy", false); ok {
			if js != "FULL" && js != "NONE" {
				v.errorf(schemaFailed, r.at("JitterStrategy"), "'JitterStrategy' must be FULL or NONE, not %q", js)
			}
			rt.JitterStrategy = js
		}
		out = append(out, rt)
	}
	return out
}

func (v *validator) catchers(o *object) []Catcher {
	arr, _ := o.array("Catch", false)
	var out []Catcher
	for i, raw := range arr {
		ptr := fmt.Sprintf("%s/%d", o.at("Catch"), i)
		m, ok := raw.(map[string]any)
		if !ok {
			v.errorf(schemaFailed, ptr, "A catcher must be an OBJECT, not %s", jsonKind(raw))
			continue
		}
		c := &object{v: v, m: m, ptr: ptr, what: "a catcher"}
		c.only("ErrorEquals", "Next", "ResultPath", "Assign", "Comment")
		ct := Catcher{ErrorEquals: v.errorEquals(c, i == len(arr)-1)}
		ct.Next, _ = c.str("Next", true)
		ct.ResultPath = c.path("ResultPath", true, true)
		ct.Assign = c.template("Assign")
		v.assign(m["Assign"], c.at("Assign"))
		out = append(out, ct)
	}
	return out
}

// errorEquals reads ErrorEquals: non-empty; States.ALL alone and only in
// the last retrier or catcher; no unknown States.* names.
func (v *validator) errorEquals(o *object, last bool) []string {
	arr, ok := o.array("ErrorEquals", true)
	if !ok {
		return nil
	}
	if len(arr) == 0 {
		v.errorf(schemaFailed, o.at("ErrorEquals"), "'ErrorEquals' must name at least one error")
		return nil
	}
	var names []string
	for i, raw := range arr {
		name, ok := raw.(string)
		ptr := fmt.Sprintf("%s/%d", o.at("ErrorEquals"), i)
		if !ok {
			v.errorf(schemaFailed, ptr, "An error name must be a STRING, not %s", jsonKind(raw))
			continue
		}
		if strings.HasPrefix(name, "States.") && !knownErrorNames[name] {
			v.errorf(schemaFailed, ptr, "%q is not a Step Functions error name; names starting with \"States.\" are reserved (known: %s)", name, strings.Join(sortedKeys(knownErrorNames), ", "))
		}
		names = append(names, name)
	}
	for _, n := range names {
		if n == "States.ALL" {
			if len(names) > 1 {
				v.errorf(schemaFailed, o.at("ErrorEquals"), "\"States.ALL\" must be the only error name in its 'ErrorEquals'")
			}
			if !last {
				v.errorf(schemaFailed, o.at("ErrorEquals"), "A rule with \"States.ALL\" must be the last one: later rules could never match")
			}
		}
	}
	return names
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// jsonKind names a JSON value's type the way AWS's messages do.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a BOOLEAN"
	case json.Number:
		return "a NUMBER"
	case string:
		return "a STRING"
	case []any:
		return "an ARRAY"
	case map[string]any:
		return "an OBJECT"
	}
	return fmt.Sprintf("%T", v)
}

func jsonValueText(v any) string {
	if n, ok := v.(json.Number); ok {
		return string(n)
	}
	return jsonKind(v)
}
