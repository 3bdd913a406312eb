// Package asl implements the Amazon States Language: definitions, their
// validation, and the expression layer the interpreter evaluates.
//
// The expression layer is pure: it reads JSON values and returns new ones,
// and never does I/O. JSON values are the generic form that encoding/json
// produces when decoding with UseNumber: map[string]any, []any, string,
// json.Number, bool and nil. Values passed in are treated as immutable; values
// returned may share structure with them, so callers must not mutate either.
// [Path] is a compiled JSONPath as ASL uses it ($, $$ and $name roots),
// [Intrinsic] a compiled intrinsic function call such as States.Format,
// [Template] a compiled payload template (Parameters, ResultSelector,
// ItemSelector, Assign), and [ChoiceRule] a compiled Choice rule.
// [ApplyInputPath], [ApplyResultPath] and [ApplyOutputPath] implement the data
// flow between a state's input and output with AWS's null, "$" and
// missing-path semantics. Runtime failures are [*Error] values carrying the
// Step Functions error name that Retry and Catch match with [ErrorMatches];
// static problems are [*FieldError] values locating the problem by JSON
// pointer.
//
// # Query languages
//
// Every state is written in JSONPath, the default QueryLanguage. JSONata
// (QueryLanguage: JSONata, at the top or per state) is refused by the
// validator with UNSUPPORTED_FEATURE for now. Its seam is [Expression]:
// whatever computes a value from a [Scope] — a path, an intrinsic, a
// template today; a JSONata expression ({% ... %}, with $states.input,
// $states.result, $states.context and the variables) tomorrow. A JSONata
// state replaces the JSONPath fields by Arguments, Output, Condition and
// Items, which will compile to Expressions evaluated at the same points
// of the data flow (Arguments where Parameters is, Output where
// ResultSelector, ResultPath and OutputPath are, Condition where a Choice
// rule is), so the interpreter does not change shape.
package asl
