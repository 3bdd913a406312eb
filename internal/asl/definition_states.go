package asl

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Validating each state type's fields, Retry and Catch.

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
