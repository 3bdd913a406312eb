package duckengine

import (
	"database/sql/driver"
	"math"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Trino's statistical functions: the normal and beta distributions, the
// Wilson score interval and the cosine similarity of sparse vectors. The
// argument checks, their order and their messages are Trino's
// (MathFunctions, WilsonInterval). Where Trino computes with a formula
// that loses precision (1 + erf(z) in the lower tail of normal_cdf,
// erfinv(2p - 1) for small p, a solver stopping at 1e-9 in
// inverse_beta_cdf), weir keeps the digits, so far tails and last digits
// can differ from Trino's.
//
// Products that are summed are converted with float64(...), which keeps
// the compiler from fusing them into one multiply-add (as it may on
// arm64): wilson_interval_* and cosine_similarity round after each
// operation, as Java does, on every platform.

// mathStatsFunctions are the Go functions, by name.
var mathStatsFunctions = map[string][]duckdb.ScalarFunc{
	"weir_normal_cdf":                {doublesFunc(normalCDF)},
	"weir_inverse_normal_cdf":        {doublesFunc(inverseNormalCDF)},
	"weir_beta_cdf":                  {doublesFunc(betaCDF)},
	"weir_inverse_beta_cdf":          {doublesFunc(inverseBetaCDF)},
	"weir_wilson_interval_lower":     {wilsonFunc(-1)},
	"weir_wilson_interval_upper":     {wilsonFunc(1)},
	"weir_cosine_similarity_entries": {&goFunc{in: []duckdb.TypeInfo{tMapEntries, tMapEntries}, out: tDouble, fn: cosineSimilarity}},
}

// tMapEntries is the type of map_entries of a map(varchar, double).
var tMapEntries = duckList(duckStruct([]string{"key", "value"}, []duckdb.TypeInfo{tVarchar, tDouble}))

// cosineSimilarityMacro passes the maps of cosine_similarity as their
// entries, in the maps' order (a Go function would get a Go map, whose
// order, and so the rounding of the sums, changes from call to call).
const cosineSimilarityMacro = `CREATE OR REPLACE MACRO weir_cosine_similarity(x, y) AS
	weir_cosine_similarity_entries(map_entries(x), map_entries(y))`

// doublesFunc is a Go function of three doubles that answers a double.
func doublesFunc(f func(x, y, z float64) (float64, error)) *goFunc {
	return &goFunc{in: []duckdb.TypeInfo{tDouble, tDouble, tDouble}, out: tDouble, fn: func(a []driver.Value) (any, error) {
		v, err := f(a[0].(float64), a[1].(float64), a[2].(float64))
		if err != nil {
			return nil, err
		}
		return v, nil
	}}
}

// normalCDF is normal_cdf(mean, sd, v), P(N < v) for N ~ N(mean, sd²).
// Trino computes 0.5 * (1 + erf(z)), which loses the lower tail's digits
// (and is 0 from about 8.3 standard deviations below the mean); erfc
// keeps them.
func normalCDF(mean, sd, v float64) (float64, error) {
	if !(sd > 0) {
		return 0, invalidArgument("standardDeviation must be > 0")
	}
	return 0.5 * math.Erfc(-(v-mean)/(sd*math.Sqrt2)), nil
}

// inverseNormalCDF is inverse_normal_cdf(mean, sd, p), the n with
// P(N < n) = p, computed as Trino does: mean + sd * √2 * erfinv(2p - 1).
func inverseNormalCDF(mean, sd, p float64) (float64, error) {
	if !(p > 0 && p < 1) {
		return 0, invalidArgument("p must be 0 > p > 1")
	}
	if !(sd > 0) {
		return 0, invalidArgument("sd must be > 0")
	}
	return mean + float64(sd*math.Sqrt2*erfinvTwoPMinusOne(p)), nil
}

// erfinvTwoPMinusOne is erfinv(2p - 1) for 0 < p < 1. From p = 1/4 up,
// 2p - 1 is exact. Below, it rounds p's digits away (and is -1, whose
// erfinv is -Infinity, below p = 2⁻⁵⁴); Go's erfcinv(2p) is computed the
// same way. There the answer is refined by Newton's method on
// ln Φ(z) = ln p, with Φ from erfc, which keeps the lower tail's digits
// (as normalCDF does), and the quantile z scaled back by 1/√2.
func erfinvTwoPMinusOne(p float64) float64 {
	w := math.Erfinv(float64(2*p) - 1)
	if p >= 0.25 {
		return w
	}
	z := math.Sqrt2 * w
	if math.IsInf(z, -1) {
		// Φ(z) ≈ φ(z)/|z|, solved for z.
		t := -2 * math.Log(p)
		z = -math.Sqrt(t - math.Log(t) - math.Log(2*math.Pi))
	}
	lnP := math.Log(p)
	for range 20 {
		cdf := 0.5 * math.Erfc(-z/math.Sqrt2)
		density := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
		step := (math.Log(cdf) - lnP) * cdf / density
		if math.IsNaN(step) || math.IsInf(step, 0) {
			break
		}
		z -= step
		if math.Abs(step) <= 1e-15*math.Abs(z) {
			break
		}
	}
	return z / math.Sqrt2
}

// betaCDF is beta_cdf(a, b, v), P(N < v) for N ~ Beta(a, b).
func betaCDF(a, b, v float64) (float64, error) {
	if err := checkBetaArgs(a, b, v, "value must be 0 >= v >= 1"); err != nil {
		return 0, err
	}
	return regularizedBeta(v, a, b), nil
}

// inverseBetaCDF is inverse_beta_cdf(a, b, p), the n with P(N < n) = p
// for N ~ Beta(a, b).
func inverseBetaCDF(a, b, p float64) (float64, error) {
	if err := checkBetaArgs(a, b, p, "p must be 0 >= p >= 1"); err != nil {
		return 0, err
	}
	return inverseRegularizedBeta(p, a, b), nil
}

// checkBetaArgs checks the arguments of beta_cdf and inverse_beta_cdf in
// Trino's order: x (v or p) in [0, 1], failing with outOfRange, then a
// and b.
func checkBetaArgs(a, b, x float64, outOfRange string) error {
	if !(x >= 0 && x <= 1) {
		return invalidArgument("%s", outOfRange)
	}
	if !(a > 0 && b > 0) {
		return invalidArgument("a, b must be > 0")
	}
	return nil
}

// betaEnds is the answer of regularizedBeta and of its inverse where
// they need no computing: both are 0 at 0 and 1 at 1 (Trino's Commons
// Math BetaDistribution answers these before it computes), and NaN for
// an infinite a or b. ok is false elsewhere.
func betaEnds(t, a, b float64) (v float64, ok bool) {
	switch {
	case t <= 0:
		return 0, true
	case t >= 1:
		return 1, true
	case math.IsInf(a, 0) || math.IsInf(b, 0):
		return math.NaN(), true
	}
	return 0, false
}

// regularizedBeta is I_x(a, b), the regularized incomplete beta function,
// for a, b > 0 (see betaEnds for x outside (0, 1)).
func regularizedBeta(x, a, b float64) float64 {
	if v, ok := betaEnds(x, a, b); ok {
		return v
	}
	if x > (a+1)/(a+b+2) {
		// The fraction converges slowly here; I_x(a, b) = 1 − I_{1−x}(b, a).
		return 1 - betaSeries(1-x, b, a)
	}
	return betaSeries(x, a, b)
}

// betaSeries is I_x(a, b) for 0 < x < 1 as x^a (1−x)^b / (a B(a, b))
// times a continued fraction, which converges quickly for
// x < (a+1)/(a+b+2) (Numerical Recipes' betacf, evaluated by the modified
// Lentz method; at worst about √max(a, b) terms).
func betaSeries(x, a, b float64) float64 {
	const (
		tiny = 1e-300 // keeps the Lentz denominators off zero
		eps  = 1e-16
	)
	front := betaFront(x, a, b)
	// c and d start as Lentz's method starts a fraction 0 + 1/(1 + ...),
	// so that the first step gives h = 1/(1 + aa₁).
	c, d := 1/tiny, 1.0
	// step applies one term, numerator aa (denominator 1), to the
	// fraction's convergents and returns the factor they changed by.
	step := func(aa float64) float64 {
		d = 1 + float64(aa*d)
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		return d * c
	}
	h := step(-(a + b) * x / (a + 1))
	maxTerms := 100 + 10*math.Sqrt(math.Max(a, b))
	for m := 1.0; m <= min(maxTerms, 1e7); m++ {
		h *= step(m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m)))
		del := step(-(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1)))
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return front * h / a
}

// betaFront is x^a (1−x)^b / B(a, b) for 0 < x < 1. When a and b are
// both large, the logarithms of its factors are large and nearly cancel
// near the mode; there it is written about the mode, as TOMS 708's brcomp
// does: with n = a+b, s = xn/a − 1 and t = (1−x)n/b − 1 (so that
// as + bt = 0), it is √(ab/2πn) · exp(−a·r(s) − b·r(t) − δ(a) − δ(b) +
// δ(n)), where r(z) = z − ln(1+z) and δ is stirlingDelta.
func betaFront(x, a, b float64) float64 {
	if min(a, b) < 10 {
		return math.Exp(float64(a*math.Log(x)) + float64(b*math.Log1p(-x)) - logBeta(a, b))
	}
	n, y := a+b, 1-x
	// λ = a − nx = ny − b, from x when the mode a/n is below ½, else
	// from y.
	lambda := a - float64(n*x)
	if a > b {
		lambda = float64(n*y) - b
	}
	// r(z) is z − ln(1+z); far from 0, 1+z is taken as the ratio it is,
	// which keeps its digits as x or y goes to 0.
	r := func(z, ratio float64) float64 {
		if math.Abs(z) > 0.6 {
			return z - math.Log(ratio)
		}
		return z - math.Log1p(z)
	}
	u := r(-lambda/a, x/(a/n))
	v := r(lambda/b, y/(b/n))
	return math.Sqrt(a*b/(2*math.Pi*n)) * math.Exp(-(float64(a*u)+float64(b*v))-stirlingDelta(a)-stirlingDelta(b)+stirlingDelta(n))
}

// logBeta is ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a+b) for a, b > 0.
// Past 10, the logarithms of Γ are large and nearly cancel; there the
// difference is taken from Stirling's series instead, which keeps its
// digits (Commons Math's Beta.logBeta does the same).
func logBeta(a, b float64) float64 {
	a, b = min(a, b), max(a, b)
	lgamma := func(x float64) float64 {
		v, _ := math.Lgamma(x)
		return v
	}
	switch {
	case b < 10:
		return lgamma(a) + lgamma(b) - lgamma(a+b)
	case a < 10:
		// lnΓ(b) − lnΓ(a+b) = −a ln b − (a+b−½) ln(1+a/b) + a + δ(b) − δ(a+b)
		return lgamma(a) - float64(a*math.Log(b)) - float64((a+b-0.5)*math.Log1p(a/b)) + a +
			stirlingDelta(b) - stirlingDelta(a+b)
	}
	// ln B = ½ ln 2π − ½ ln b + (a−½) ln(a/(a+b)) − b ln(1+a/b) + δ(a) + δ(b) − δ(a+b)
	h := a / b
	return 0.5*math.Log(2*math.Pi) - 0.5*math.Log(b) + float64((a-0.5)*math.Log(h/(1+h))) - float64(b*math.Log1p(h)) +
		stirlingDelta(a) + stirlingDelta(b) - stirlingDelta(a+b)
}

// stirlingDelta is δ(x) = lnΓ(x) − ((x−½) ln x − x + ½ ln 2π) for
// x >= 10, from Stirling's series (its terms past x⁻¹³ are below 3e-17
// there).
func stirlingDelta(x float64) float64 {
	y := 1 / (x * x)
	s := 1.0 / 156
	for _, c := range []float64{-691.0 / 360360, 1.0 / 1188, -1.0 / 1680, 1.0 / 1260, -1.0 / 360, 1.0 / 12} {
		s = c + float64(s*y)
	}
	return s / x
}

// inverseRegularizedBeta is the x in [0, 1] with I_x(a, b) = p, for
// a, b > 0: Newton's method on I_x(a, b) − p, from the mean, inside a
// bracket of the root that each step narrows; a Newton step that would
// leave the bracket is replaced by bisection. p = 0 and p = 1 give 0 and
// 1, as in Trino (see betaEnds).
func inverseRegularizedBeta(p, a, b float64) float64 {
	if v, ok := betaEnds(p, a, b); ok {
		return v
	}
	lb := logBeta(a, b)
	lo, hi := 0.0, 1.0
	x := a / (a + b)
	for range 2000 {
		f := regularizedBeta(x, a, b) - p
		switch {
		case f == 0:
			return x
		case f < 0:
			lo = x
		default:
			hi = x
		}
		density := math.Exp(float64((a-1)*math.Log(x)) + float64((b-1)*math.Log1p(-x)) - lb)
		next := x - f/density
		// Stop when Newton's step is within an ulp or two (where the CDF
		// is steep, an ulp of x is many of p), before the bracket, one of
		// whose ends x now is, would turn the step into bisection.
		if math.Abs(next-x) <= 4.5e-16*x {
			return next
		}
		if !(next > lo && next < hi) {
			next = lo + (hi-lo)/2
			if next == lo || next == hi {
				return x
			}
		}
		x = next
	}
	return x
}

// wilsonFunc is wilson_interval_lower (bound -1) or wilson_interval_upper
// (bound 1) of (successes, trials, z).
func wilsonFunc(bound float64) *goFunc {
	return &goFunc{in: []duckdb.TypeInfo{tBigint, tBigint, tDouble}, out: tDouble, fn: func(a []driver.Value) (any, error) {
		successes, trials, z := argInt(a[0]), argInt(a[1]), a[2].(float64)
		switch {
		case successes < 0:
			return nil, invalidArgument("number of successes must not be negative")
		case trials <= 0:
			return nil, invalidArgument("number of trials must be positive")
		case successes > trials:
			return nil, invalidArgument("number of successes must not be larger than number of trials")
		case !(z >= 0):
			return nil, invalidArgument("z-score must not be negative")
		}
		p, n := float64(successes)/float64(trials), float64(trials)
		spread := float64(bound * z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)))
		return (p + z*z/(2*n) + spread) / (1 + z*z/n), nil
	}}
}

// cosineSimilarity is cosine_similarity(x, y) of two map(varchar, double)
// given as their entries: the sum over common keys of the products of
// their values, over the product of the maps' norms, summed in the maps'
// order as Trino does. NULL when either map holds a NULL value; NaN when
// either map is empty or all zeros (0 / 0), as in Trino.
func cosineSimilarity(a []driver.Value) (any, error) {
	x, _ := a[0].([]any)
	y, _ := a[1].([]any)
	values := func(entries []any) (keys []string, vals []float64, norm float64, ok bool) {
		for _, e := range entries {
			kv, _ := e.(map[string]any)
			v, isNum := kv["value"].(float64)
			if !isNum {
				return nil, nil, 0, false
			}
			keys, vals = append(keys, argString(kv["key"])), append(vals, v)
			norm += float64(v * v)
		}
		return keys, vals, math.Sqrt(norm), true
	}
	xKeys, xVals, xNorm, xOK := values(x)
	yKeys, yVals, yNorm, yOK := values(y)
	if !xOK || !yOK {
		return nil, nil
	}
	right := make(map[string]float64, len(yKeys))
	for i, k := range yKeys {
		right[k] = yVals[i]
	}
	dot := 0.0
	for i, k := range xKeys {
		if v, ok := right[k]; ok {
			dot += float64(xVals[i] * v)
		}
	}
	return dot / (xNorm * yNorm), nil
}
