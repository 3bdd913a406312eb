// Package function is weir's Lambda: user functions that state machines
// call as Task states, and that 'weir functions invoke' runs by hand.
//
// A function is a program. Its event is JSON on standard input; its
// result is the JSON it prints on standard output (nothing means null).
// It fails by printing Lambda's error object,
//
//	{"errorType": "ValidationError", "errorMessage": "no day given"}
//
// whatever its exit status: the errorType becomes the Step Functions
// error name that Retry and Catch match, and the cause is the error object
// as JSON, as AWS reports a Lambda function's error. A function that exits
// with a non-zero status without such an object crashed: it fails with
// Lambda.Unknown, as an unhandled Lambda error does, its standard error's
// last lines in the cause. A function that runs past its timeout is killed
// with its whole process group and fails with Sandbox.Timedout ("Task timed
// out after 3.00 seconds"), Lambda's own error for it; a Task state's
// TimeoutSeconds, when shorter, ends it first with States.Timeout.
// Standard error goes to weir's log, a line at a time, with the function's
// name and the request id.
//
// A Python function runs an unchanged Lambda handler module, def
// handle(event, context), through a small adapter (adapter.py) that gives
// it Lambda's context object and turns an exception into the error object.
//
// RegisterTasks plugs functions into state machines: bare Lambda ARNs
// (arn:aws:lambda:REGION:ACCOUNT:function:NAME) and the optimized
// integration arn:aws:states:::lambda:invoke.
package function
