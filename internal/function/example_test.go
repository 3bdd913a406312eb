package function_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/function/functiontest"
)

// A function reads its event on standard input and prints its result;
// it fails by printing Lambda's error object.
func ExampleService_Invoke() {
	opts := function.DefaultOptions()
	opts.Store = functiontest.NewMemStore()
	s, _ := function.New(opts)
	ctx := context.Background()
	s.Create(ctx, function.NewFunction("double", `read -r n; echo $((n * 2))`))
	s.Create(ctx, function.NewFunction("picky", `echo '{"errorType": "NotANumber", "errorMessage": "give me a number"}'`))

	inv, _ := s.Invoke(ctx, "double", 21)
	fmt.Println(inv.Payload)

	_, err := s.Invoke(ctx, "picky", "x")
	var fe *function.Error
	if errors.As(err, &fe) {
		fmt.Println(fe.Name, fe.Object["errorMessage"])
	}
	// Output:
	// 42
	// NotANumber give me a number
}
