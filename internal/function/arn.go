package function

import (
	"regexp"
	"strings"

	"github.com/weirdata/weir/internal/errs"
)

var (
	qualifierRE = regexp.MustCompile(`^(?:\$LATEST|[A-Za-z0-9_-]{1,128})$`)
	accountRE   = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE    = regexp.MustCompile(`^[a-z]{2}(?:-[a-z]+)+-[0-9]+$`)
	partitionRE = regexp.MustCompile(`^aws(?:-[a-z]+)*$`)
)

// ParseRef reads a FunctionName as Lambda's Invoke takes it: a name
// (my-function), a name with a qualifier (my-function:prod), a function
// ARN (arn:aws:lambda:us-east-1:123456789012:function:my-function, with
// or without a qualifier) or a partial ARN
// (123456789012:function:my-function). It returns the function's name and
// the qualifier, "" when none was given. Region and account are checked
// for form only: weir has one region and one account.
func ParseRef(ref string) (name, qualifier string, err error) {
	bad := func(format string, args ...any) (string, string, error) {
		return "", "", errs.Errorf("function.ParseRef", errs.Invalid, "the function %q: "+format, append([]any{ref}, args...)...)
	}
	parts := strings.Split(ref, ":")
	switch len(parts) {
	case 1, 2:
	case 3, 4:
		if !accountRE.MatchString(parts[0]) || parts[1] != "function" {
			return bad("a partial ARN is ACCOUNT:function:NAME, with a 12-digit account")
		}
		parts = parts[2:]
	case 7, 8:
		if parts[0] != "arn" || !partitionRE.MatchString(parts[1]) || parts[2] != "lambda" || parts[5] != "function" {
			return bad("a function ARN is arn:aws:lambda:REGION:ACCOUNT:function:NAME")
		}
		if !regionRE.MatchString(parts[3]) {
			return bad("%q is not a region (such as us-east-1)", parts[3])
		}
		if !accountRE.MatchString(parts[4]) {
			return bad("%q is not a 12-digit account id", parts[4])
		}
		parts = parts[6:]
	default:
		return bad("give a name, NAME:QUALIFIER, ACCOUNT:function:NAME or arn:aws:lambda:REGION:ACCOUNT:function:NAME")
	}
	if err := ValidName(parts[0]); err != nil {
		return "", "", err
	}
	if len(parts) == 2 {
		if !qualifierRE.MatchString(parts[1]) {
			return bad("the qualifier %q must be $LATEST, a version number or an alias name", parts[1])
		}
		qualifier = parts[1]
	}
	return parts[0], qualifier, nil
}

// ARN returns the function ARN of name in weir's region and account.
func ARN(name string) string {
	return "arn:aws:lambda:" + Region + ":" + Account + ":function:" + name
}

// Region and Account are what weir reports as its AWS region and account
// (the workflow registry's AWS::Region and AWS::AccountId).
const (
	Region  = "us-east-1"
	Account = "000000000000"
)
