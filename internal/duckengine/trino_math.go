package duckengine

import (
	"fmt"
	"strings"
)

// Math functions of Trino. DuckDB raises errors where Trino's (Java's)
// math returns NaN or an infinity (ln(0), sqrt(-1)), has no NaN checks in
// greatest/least and answers NULL for an integer modulo by zero; these
// are macros with Trino's answers. Type names for typeof are Go.
var mathFunctions = functionSet{
	rules: map[string]funcRule{
		"nan":          rename("weir_nan"),
		"infinity":     rename("weir_infinity"),
		"e":            rename("weir_e"),
		"is_nan":       rename("isnan"),
		"is_finite":    rename("isfinite"),
		"is_infinite":  rename("isinf"),
		"ln":           rename("weir_ln"),
		"log2":         rename("weir_log2"),
		"log10":        rename("weir_log10"),
		"log":          byArity(map[int]string{2: "weir_log"}),
		"sqrt":         rename("weir_sqrt"),
		"cbrt":         rename("weir_cbrt"),
		"mod":          rename("weir_mod"),
		"truncate":     rename("trunc"),
		"rand":         randRule,
		"random":       randRule,
		"bitwise_and":  rename("weir_bitwise_and"),
		"bitwise_or":   rename("weir_bitwise_or"),
		"bitwise_xor":  rename("weir_bitwise_xor"),
		"bitwise_not":  rename("weir_bitwise_not"),
		"bit_count":    rename("weir_bit_count"),
		"width_bucket": widthBucketRule,
		"typeof":       rename("weir_typeof"),
		"greatest":     variadicRule("weir_greatest"),
		"least":        variadicRule("weir_least"),

		"normal_cdf":            rename("weir_normal_cdf"),
		"inverse_normal_cdf":    rename("weir_inverse_normal_cdf"),
		"beta_cdf":              rename("weir_beta_cdf"),
		"inverse_beta_cdf":      rename("weir_inverse_beta_cdf"),
		"wilson_interval_lower": rename("weir_wilson_interval_lower"),
		"wilson_interval_upper": rename("weir_wilson_interval_upper"),
		"cosine_similarity":     rename("weir_cosine_similarity"),
	},
	macros: append([]string{
		`CREATE OR REPLACE MACRO weir_nan() AS CAST('NaN' AS DOUBLE)`,
		`CREATE OR REPLACE MACRO weir_infinity() AS CAST('Infinity' AS DOUBLE)`,
		`CREATE OR REPLACE MACRO weir_e() AS exp(1)`,
		// Java's Math.log and Math.sqrt: NaN below zero, -Infinity at zero.
		`CREATE OR REPLACE MACRO weir_ln(x) AS CASE WHEN x < 0 THEN CAST('NaN' AS DOUBLE) WHEN x = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE ln(x) END`,
		`CREATE OR REPLACE MACRO weir_log2(x) AS CASE WHEN x < 0 THEN CAST('NaN' AS DOUBLE) WHEN x = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE log2(x) END`,
		`CREATE OR REPLACE MACRO weir_log10(x) AS CASE WHEN x < 0 THEN CAST('NaN' AS DOUBLE) WHEN x = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE log10(x) END`,
		`CREATE OR REPLACE MACRO weir_sqrt(x) AS CASE WHEN x < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(x) END`,
		// log(b, x) = ln(x) / ln(b) in double arithmetic, where x / 0 is
		// an infinity or NaN (DuckDB's "/" gives NULL).
		`CREATE OR REPLACE MACRO weir_fdivide(n, d) AS CASE WHEN d = 0 THEN (CASE WHEN isnan(n) OR n = 0 THEN CAST('NaN' AS DOUBLE) WHEN (n > 0) = (CAST(d AS VARCHAR) NOT LIKE '-%') THEN CAST('Infinity' AS DOUBLE) ELSE CAST('-Infinity' AS DOUBLE) END) ELSE CAST(n AS DOUBLE) / CAST(d AS DOUBLE) END`,
		`CREATE OR REPLACE MACRO weir_log(b, x) AS weir_fdivide(weir_ln(x), weir_ln(b))`,
		// mod: integers and decimals fail on a zero divisor; doubles give
		// NaN, as DuckDB's mod does.
		`CREATE OR REPLACE MACRO weir_mod(a, b) AS CASE WHEN b = 0 AND typeof(a) NOT IN ('DOUBLE', 'FLOAT') AND typeof(b) NOT IN ('DOUBLE', 'FLOAT') THEN error('DIVISION_BY_ZERO: Division by zero') ELSE mod(a, b) END`,
		`CREATE OR REPLACE MACRO weir_bitwise_and(a, b) AS CAST(a AS BIGINT) & CAST(b AS BIGINT)`,
		`CREATE OR REPLACE MACRO weir_bitwise_or(a, b) AS CAST(a AS BIGINT) | CAST(b AS BIGINT)`,
		`CREATE OR REPLACE MACRO weir_bitwise_xor(a, b) AS xor(CAST(a AS BIGINT), CAST(b AS BIGINT))`,
		`CREATE OR REPLACE MACRO weir_bitwise_not(a) AS ~CAST(a AS BIGINT)`,
		`CREATE OR REPLACE MACRO weir_typeof(x) AS weir_trino_type(typeof(x))`,
		// weir_is_nan_any(x) is true for a NaN double or real, false for
		// any other value of any type.
		`CREATE OR REPLACE MACRO weir_is_nan_any(x) AS (typeof(x) IN ('DOUBLE', 'FLOAT') AND lower(CAST(x AS VARCHAR)) IN ('nan', '-nan'))`,
		cosineSimilarityMacro,
	}, greatestLeastMacros()...),
	udfs: mergeFuncs(mathGoFunctions, mathStatsFunctions),
}

// randRule maps rand() and random() to DuckDB's random(); the bounded
// forms rand(n) and rand(m, n) are refused.
func randRule(c *funcCall) (string, error) {
	if c.nargs() != 0 {
		return "", c.notSupported("%s() with bounds is not supported; use floor(random() * n)", c.name)
	}
	return "random", nil
}

// widthBucketRule renames width_bucket(x, bound1, bound2, n); the form
// with an array of bins is refused.
func widthBucketRule(c *funcCall) (string, error) {
	if c.nargs() != 4 {
		return "", c.notSupported("width_bucket(x, bins) is not supported; use width_bucket(x, bound1, bound2, n)")
	}
	return "weir_width_bucket", nil
}

// variadicRule renames a call taking 2..maxVariadic arguments.
func variadicRule(to string) funcRule {
	return func(c *funcCall) (string, error) {
		if c.nargs() > maxVariadic {
			return "", c.notSupported("%s() of more than %d arguments is not supported; nest the calls", c.name, maxVariadic)
		}
		if c.nargs() < 2 {
			return "", nil
		}
		return to, nil
	}
}

// greatestLeastMacros define weir_greatest and weir_least: NULL when any
// argument is NULL, an error for a NaN argument, as Trino.
func greatestLeastMacros() []string {
	var out []string
	for _, fn := range []string{"greatest", "least"} {
		var overloads []string
		for n := 2; n <= maxVariadic; n++ {
			args := macroArgs(n)
			nulls := make([]string, n)
			nans := make([]string, n)
			for i, a := range args {
				nulls[i] = a + " IS NULL"
				nans[i] = "weir_is_nan_any(" + a + ")"
			}
			overloads = append(overloads, fmt.Sprintf("(%s) AS CASE WHEN %s THEN NULL WHEN %s THEN error('INVALID_FUNCTION_ARGUMENT: Invalid argument to %s(): NaN') ELSE %s(%s) END",
				macroParams(n), strings.Join(nulls, " OR "), strings.Join(nans, " OR "), fn, fn, macroParams(n)))
		}
		out = append(out, "CREATE OR REPLACE MACRO weir_"+fn+strings.Join(overloads, ", "))
	}
	return out
}
