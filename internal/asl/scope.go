package asl

// Scope is what paths, intrinsic functions, templates and Choice rules read:
// the state's effective input ($), the context object ($$) and the
// variables visible to the state ($name).
type Scope struct {
	// Input is the value of $.
	Input any
	// Context is the value of $$, the context object.
	Context any
	// Var returns the value of the variable name, and whether it is
	// defined. A nil Var means no variables are defined.
	Var func(name string) (any, bool)
}
