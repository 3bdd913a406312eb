package asl

import (
	"errors"
	"strconv"
)

// ApplyInputPath selects a state's effective input from its raw input with
// the InputPath p. A nil p stands for InputPath: null, which gives the
// empty object {}; the caller passes "$" for a missing InputPath. A path
// that selects nothing is an [*Error] named States.Runtime; s supplies the
// context object and the variables.
func ApplyInputPath(input any, p *Path, s Scope) (any, error) {
	return applyFilterPath(input, p, s)
}

// ApplyOutputPath selects a state's output from its result with the
// OutputPath p, with the same rules as [ApplyInputPath].
func ApplyOutputPath(output any, p *Path, s Scope) (any, error) {
	return applyFilterPath(output, p, s)
}

// applyFilterPath implements ApplyInputPath and ApplyOutputPath.
func applyFilterPath(v any, p *Path, s Scope) (any, error) {
	if p == nil {
		return map[string]any{}, nil
	}
	s.Input = v
	r, err := p.Select(s)
	if err != nil {
		if errors.Is(err, ErrPathNotFound) {
			return nil, newError(ErrNameRuntime, "Invalid path '%s' : No results for path: %s", p, p.Normalized())
		}
		return nil, err
	}
	return r, nil
}

// ApplyResultPath combines a state's input and its result with the
// ResultPath p. discard stands for ResultPath: null, which keeps the input
// and drops the result. A nil p or "$" gives the result itself. Any other
// path sets the result into a copy of the input, creating the objects it
// names on the way; the input is left unchanged and shares what the
// change does not touch. A path that cannot be applied (a step into a
// value that is not an object, an array index out of range, a path not
// rooted at $) is an [*Error] named States.ResultPathMatchFailure.
func ApplyResultPath(input, result any, p *Path, discard bool) (any, error) {
	if discard {
		return input, nil
	}
	if p == nil || p.IsRoot() {
		return result, nil
	}
	if p.root != rootInput || !p.definite {
		return nil, newError(ErrNameResultPathMatchFailure, "Unable to apply ResultPath '%s': a ResultPath must be a reference path into the input, starting with $", p)
	}
	out, step := setAt(input, true, p.segs, result)
	if step >= 0 {
		return nil, resultPathFailure(input, p, step)
	}
	return out, nil
}

// setAt returns a copy of cur with the node at segs replaced by result.
// present says whether cur exists; a missing object is created. On
// failure it returns the index of the step that could not be applied.
func setAt(cur any, present bool, segs []segment, result any) (any, int) {
	if len(segs) == 0 {
		return result, -1
	}
	fail := func(step int) (any, int) {
		if step >= 0 {
			step++
		}
		return nil, step
	}
	switch sg := segs[0]; sg.kind {
	case segChild:
		m, isObj := cur.(map[string]any)
		if present && !isObj {
			return nil, 0
		}
		child, ok := m[sg.name]
		v, step := setAt(child, ok, segs[1:], result)
		if step >= 0 {
			return fail(step)
		}
		out := make(map[string]any, len(m)+1)
		for k, e := range m {
			out[k] = e
		}
		out[sg.name] = v
		return out, -1
	case segIndex:
		a, isArr := cur.([]any)
		i := sg.index
		if i < 0 {
			i += len(a)
		}
		if !present || !isArr || i < 0 || i >= len(a) {
			return nil, 0
		}
		v, step := setAt(a[i], true, segs[1:], result)
		if step >= 0 {
			return fail(step)
		}
		out := append([]any{}, a...)
		out[i] = v
		return out, -1
	}
	return nil, 0
}

// resultPathFailure is the error for step step of p failing on input,
// worded as Step Functions words it: Unable to apply step "b" to input
// {"a":1}, where the input is the value the step was applied to.
func resultPathFailure(input any, p *Path, step int) error {
	at := input
	for _, sg := range p.segs[:step] {
		at, _ = stepDefinite(at, sg)
	}
	name := p.segs[step].name
	if p.segs[step].kind == segIndex {
		name = strconv.Itoa(p.segs[step].index)
	}
	return newError(ErrNameResultPathMatchFailure, "Unable to apply step %q to input %s", name, compactJSON(at))
}
