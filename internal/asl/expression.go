package asl

// Expression computes a JSON value from a Scope: a Path, an Intrinsic or
// a Template (and, when JSONata comes, a JSONata expression; see the
// package documentation).
type Expression interface {
	Eval(s Scope) (any, error)
}

// Eval selects the path's value; it makes Path an Expression.
func (p *Path) Eval(s Scope) (any, error) { return p.Select(s) }

var (
	_ Expression = (*Path)(nil)
	_ Expression = (*Intrinsic)(nil)
	_ Expression = (*Template)(nil)
)
