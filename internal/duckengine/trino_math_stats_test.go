package duckengine

import (
	"fmt"
	"math"
	"testing"
)

// binomialTail is I_x(a, b) for whole a and b, as the probability of at
// least a successes in a+b−1 trials of probability x, summed in log space.
func binomialTail(x float64, a, b int) float64 {
	n := a + b - 1
	lnChoose := func(k int) float64 {
		v1, _ := math.Lgamma(float64(n + 1))
		v2, _ := math.Lgamma(float64(k + 1))
		v3, _ := math.Lgamma(float64(n - k + 1))
		return v1 - v2 - v3
	}
	sum := 0.0
	for j := a; j <= n; j++ {
		sum += math.Exp(lnChoose(j) + float64(j)*math.Log(x) + float64(n-j)*math.Log1p(-x))
	}
	return sum
}

func TestRegularizedBeta(t *testing.T) {
	xs := []float64{1e-9, 0.001, 0.1, 0.25, 0.5, 0.7, 0.9, 0.999}
	tests := []struct {
		name string
		a, b float64
		want func(x float64) float64
	}{
		{"uniform", 1, 1, func(x float64) float64 { return x }},
		{"a=3.5,b=1", 3.5, 1, func(x float64) float64 { return math.Pow(x, 3.5) }},
		{"a=0.2,b=1", 0.2, 1, func(x float64) float64 { return math.Pow(x, 0.2) }},
		{"a=1,b=7", 1, 7, func(x float64) float64 { return -math.Expm1(7 * math.Log1p(-x)) }},
		{"a=1,b=0.5", 1, 0.5, func(x float64) float64 { return -math.Expm1(0.5 * math.Log1p(-x)) }},
		{"arcsine", 0.5, 0.5, func(x float64) float64 { return 2 / math.Pi * math.Asin(math.Sqrt(x)) }},
		{"a=2,b=5", 2, 5, func(x float64) float64 { return binomialTail(x, 2, 5) }},
		{"a=20,b=13", 20, 13, func(x float64) float64 { return binomialTail(x, 20, 13) }},
		{"a=7,b=60", 7, 60, func(x float64) float64 { return binomialTail(x, 7, 60) }},
		{"a=45,b=40", 45, 40, func(x float64) float64 { return binomialTail(x, 45, 40) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, x := range xs {
				got, want := regularizedBeta(x, tt.a, tt.b), tt.want(x)
				if math.Abs(got-want) > 1e-13+1e-12*want {
					t.Errorf("I_%v(%v, %v) = %.17g, want %.17g", x, tt.a, tt.b, got, want)
				}
			}
		})
	}
}

func TestRegularizedBetaSymmetry(t *testing.T) {
	for _, a := range []float64{0.01, 0.5, 1, 3, 9.5, 10, 11, 250, 1e4, 1e6} {
		if got := regularizedBeta(0.5, a, a); math.Abs(got-0.5) > 1e-12 {
			t.Errorf("I_0.5(%v, %v) = %.17g, want 0.5", a, a, got)
		}
		for _, b := range []float64{0.3, 2, 17, 400} {
			for _, x := range []float64{0.01, 0.3, 0.6, 0.95} {
				sum := regularizedBeta(x, a, b) + regularizedBeta(1-x, b, a)
				if math.Abs(sum-1) > 1e-12 {
					t.Errorf("I_%v(%v, %v) + I_%v(%v, %v) = %.17g, want 1", x, a, b, 1-x, b, a, sum)
				}
			}
		}
	}
}

func TestLogBeta(t *testing.T) {
	direct := func(a, b float64) float64 {
		la, _ := math.Lgamma(a)
		lb, _ := math.Lgamma(b)
		lab, _ := math.Lgamma(a + b)
		return la + lb - lab
	}
	for _, a := range []float64{0.5, 3, 9.99, 10, 10.5, 37, 120} {
		for _, b := range []float64{0.25, 4, 10, 12.5, 80, 150} {
			got, want := logBeta(a, b), direct(a, b)
			if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("logBeta(%v, %v) = %.17g, want %.17g", a, b, got, want)
			}
		}
	}
	// Far out, where the direct sum cancels: B(1, b) = 1/b, B(2, b) =
	// 1/(b(b+1)).
	for _, b := range []float64{1e3, 1e6, 1e9, 1e12} {
		if got, want := logBeta(1, b), -math.Log(b); math.Abs(got-want) > 1e-14*math.Abs(want) {
			t.Errorf("logBeta(1, %v) = %.17g, want %.17g", b, got, want)
		}
		if got, want := logBeta(2, b), -math.Log(b)-math.Log1p(b); math.Abs(got-want) > 1e-14*math.Abs(want) {
			t.Errorf("logBeta(2, %v) = %.17g, want %.17g", b, got, want)
		}
	}
	// B(a, a) for large a: 2^(1−2a) B(½, a) … checked through the
	// duplication formula ln B(a, a) = ln B(½, a) − (2a − 1) ln 2.
	for _, a := range []float64{15, 1e3, 1e7} {
		got, want := logBeta(a, a), logBeta(0.5, a)-(2*a-1)*math.Ln2
		if math.Abs(got-want) > 1e-13*math.Abs(want) {
			t.Errorf("logBeta(%v, %v) = %.17g, want %.17g", a, a, got, want)
		}
	}
}

func TestInverseRegularizedBeta(t *testing.T) {
	for _, a := range []float64{0.05, 0.5, 1, 2.5, 10, 75, 3000} {
		for _, b := range []float64{0.1, 1, 4, 33, 900} {
			for _, p := range []float64{1e-12, 1e-4, 0.02, 0.3, 0.5, 0.77, 0.999, 1 - 1e-9} {
				t.Run(fmt.Sprintf("a=%v,b=%v,p=%v", a, b, p), func(t *testing.T) {
					x := inverseRegularizedBeta(p, a, b)
					if x < 0 || x > 1 || math.IsNaN(x) {
						t.Fatalf("inverse = %v", x)
					}
					// x is right when p lies between I at the doubles
					// either side of it: where the CDF is steep (near 1,
					// say), no double has I_x(a, b) = p.
					below := regularizedBeta(math.Nextafter(x, 0), a, b)
					above := regularizedBeta(math.Nextafter(x, 1), a, b)
					tol := 1e-13 * math.Max(p, 1e-3)
					if p < below-tol || p > above+tol {
						t.Errorf("inverse %.17g: I_x(a, b) around it is [%.17g, %.17g], want %.17g", x, below, above, p)
					}
				})
			}
		}
	}
	for _, x := range []float64{0.001, 0.2, 0.5, 0.85} {
		p := regularizedBeta(x, 3, 4)
		if got := inverseRegularizedBeta(p, 3, 4); math.Abs(got-x) > 1e-13 {
			t.Errorf("inverse of I_%v(3, 4) = %.17g", x, got)
		}
	}
}

func TestNormalCDF(t *testing.T) {
	tests := []struct {
		name          string
		mean, sd, v   float64
		want, epsilon float64
	}{
		{"median", 0, 1, 0, 0.5, 0},
		{"1.96", 0, 1, 1.96, 0.9750021048517795, 1e-15},
		{"shifted", 10, 2, 12, 0.8413447460685429, 1e-15},
		// Φ(−10) = 7.619853024160527e-24 (Trino's 1 + erf answers 0).
		{"lower tail", 0, 1, -10, 7.619853024160527e-24, 1e-37},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalCDF(tt.mean, tt.sd, tt.v)
			if err != nil || math.Abs(got-tt.want) > tt.epsilon {
				t.Errorf("normalCDF = %.17g, %v; want %.17g", got, err, tt.want)
			}
			back, err := inverseNormalCDF(tt.mean, tt.sd, got)
			if tt.v != 0 && (err != nil || math.Abs(back-tt.v) > 1e-12*math.Abs(tt.v)) {
				t.Errorf("inverseNormalCDF(normalCDF) = %.17g, %v; want %v", back, err, tt.v)
			}
		})
	}
}
