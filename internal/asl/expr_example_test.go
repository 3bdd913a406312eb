package asl_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/weirdata/weir/internal/asl"
)

// decode reads JSON in the generic form the package works on.
func decode(s string) any {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	return v
}

// Example runs a Task state's data flow by hand: InputPath, Parameters,
// the task (here a fixed result), ResultSelector, ResultPath and
// OutputPath, in AWS's order.
func Example() {
	input := decode(`{"job":{"bucket":"raw","prefix":"2024/"},"attempt":1}`)
	ctx := decode(`{"Execution":{"Name":"run-7"}}`)
	scope := asl.Scope{Context: ctx}

	effective, _ := asl.ApplyInputPath(input, asl.MustParsePath("$.job"), scope)
	params, _ := asl.ParseTemplate(decode(`{"Path.$":"States.Format('s3://{}/{}', $.bucket, $.prefix)","Run.$":"$$.Execution.Name"}`))
	scope.Input = effective
	request, _ := params.Eval(scope)
	fmt.Println("request:", mustJSON(request))

	result := decode(`{"Objects":[{"Key":"a"},{"Key":"b"}],"RequestId":"x"}`)
	selector, _ := asl.ParseTemplate(decode(`{"Keys.$":"$.Objects[*].Key"}`))
	scope.Input = result
	selected, _ := selector.Eval(scope)

	resultPath, _ := asl.ParseReferencePath("$.listing")
	combined, _ := asl.ApplyResultPath(input, selected, resultPath, false)
	output, _ := asl.ApplyOutputPath(combined, asl.MustParsePath("$.listing.Keys"), scope)
	fmt.Println("output:", mustJSON(output))
	// Output:
	// request: {"Path":"s3://raw/2024/","Run":"run-7"}
	// output: ["a","b"]
}

// ExampleChoiceRule_Eval evaluates a Choice rule against a state's input.
func ExampleChoiceRule_Eval() {
	rule, errs := asl.ParseChoiceRule(decode(`{"And":[{"Variable":"$.State","StringEquals":"READY"},{"Variable":"$.Count","NumericGreaterThan":0}],"Next":"Query"}`), "/States/Check/Choices/0", true)
	if errs != nil {
		fmt.Println(errs)
		return
	}
	matched, err := rule.Eval(asl.Scope{Input: decode(`{"State":"READY","Count":3}`)})
	fmt.Println(matched, err, rule.Next)
	// Output: true <nil> Query
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
