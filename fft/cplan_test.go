package fft

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	godsp "github.com/mjibson/go-dsp/fft"
	"gonum.org/v1/gonum/dsp/fourier"
)

// coreAccuracyTol is the bound on the relative L2 error against the
// compensated naive DFT. A well-implemented FFT has an RMS relative error
// of order ε·√(log n) ≈ 1e-15 (Schatzman 1996); 1e-12 leaves room for
// Bluestein's extra two transforms while still catching any wrong twiddle,
// sign or index, which give errors of order 1.
const coreAccuracyTol = 1e-12

// coreAccuracySizes covers every small length, the special cases 1, 2, 3, 4,
// 5 (one pass), powers of 2, 3, 5, mixed 2·3·5-smooth lengths, direct odd
// radices 7..31, and lengths with a prime factor above maxDirectRadix
// (Bluestein), alone or times a smooth part.
var coreAccuracySizes = func() []int {
	var s []int
	for n := 1; n <= 64; n++ {
		s = append(s, n)
	}
	return append(s,
		81, 96, 97, 100, 121, 125, 127, 128, 169, 243, 256, 343, 360, 480,
		500, 512, 625, 720, 961, 1000, 1009, 1024, 1331, 2003, 2048, 2310,
		2401, 3000, 3125, 4096, 4099, 4*1013, 2*37*41,
	)
}()

// coreNaiveDFT returns Σ_j x_j·exp(sign·2πi·jk/n) with the exponent reduced
// modulo n and Neumaier-compensated sums of the products, a reference an
// order of magnitude more accurate than the FFT under test.
func coreNaiveDFT(x []complex128, sign float64) []complex128 {
	n := len(x)
	w := make([]complex128, n)
	for t := range w {
		w[t] = expi(sign, t, n)
	}
	y := make([]complex128, n)
	for k := range n {
		var re, im coreNeumaier
		t := 0
		for j := range n {
			p := x[j] * w[t]
			re.add(real(p))
			im.add(imag(p))
			t += k
			if t >= n {
				t -= n
			}
		}
		y[k] = complex(re.sum(), im.sum())
	}
	return y
}

// coreNeumaier is a compensated (Kahan–Babuška–Neumaier) running sum.
type coreNeumaier struct{ s, c float64 }

func (a *coreNeumaier) add(v float64) {
	t := a.s + v
	if math.Abs(a.s) >= math.Abs(v) {
		a.c += (a.s - t) + v
	} else {
		a.c += (v - t) + a.s
	}
	a.s = t
}

func (a *coreNeumaier) sum() float64 { return a.s + a.c }

// coreRelErr returns ‖got − want‖₂ / ‖want‖₂ (or the absolute norm if want = 0).
func coreRelErr(got, want []complex128) float64 {
	var num, den float64
	for i := range want {
		d := got[i] - want[i]
		num += real(d)*real(d) + imag(d)*imag(d)
		den += real(want[i])*real(want[i]) + imag(want[i])*imag(want[i])
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

func coreRandComplex(n int, seed uint64) []complex128 {
	r := rand.New(rand.NewPCG(seed, 7))
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(r.NormFloat64(), r.NormFloat64())
	}
	return x
}

func TestCPlanAgainstNaiveDFT(t *testing.T) {
	for _, n := range coreAccuracySizes {
		x := coreRandComplex(n, uint64(n))
		want := coreNaiveDFT(x, -1)
		wantInv := coreNaiveDFT(x, 1)
		for i := range wantInv {
			wantInv[i] /= complex(float64(n), 0)
		}
		p := NewCPlan(n)
		got := make([]complex128, n)
		p.Forward(got, x)
		if e := coreRelErr(got, want); e > coreAccuracyTol {
			t.Errorf("n=%d: Forward relative L2 error %.3g > %g", n, e, coreAccuracyTol)
		}
		p.Inverse(got, x)
		if e := coreRelErr(got, wantInv); e > coreAccuracyTol {
			t.Errorf("n=%d: Inverse relative L2 error %.3g > %g", n, e, coreAccuracyTol)
		}
	}
}

// TestBluesteinSmoothLengths runs Bluestein's algorithm on lengths the
// mixed-radix path would take, so that both paths check each other.
func TestBluesteinSmoothLengths(t *testing.T) {
	for _, n := range []int{1, 2, 3, 8, 60, 64, 1000} {
		x := coreRandComplex(n, 11)
		bl := newBluestein(n, haveSIMD)
		got := make([]complex128, n)
		want := make([]complex128, n)
		for _, inv := range []bool{false, true} {
			bl.transform(got, x, inv)
			if inv {
				NewCPlan(n).Inverse(want, x)
				scaleSlice(float64(n), want)
			} else {
				NewCPlan(n).Forward(want, x)
			}
			if e := coreRelErr(got, want); e > coreAccuracyTol {
				t.Errorf("n=%d inverse=%v: Bluestein vs mixed radix %.3g > %g", n, inv, e, coreAccuracyTol)
			}
		}
	}
}

func TestCPlanInPlace(t *testing.T) {
	// 1: no pass; 4, 7: one pass; 12: two; 120: four; 37, 74: Bluestein.
	for _, n := range []int{1, 4, 7, 12, 120, 1024, 37, 74} {
		p := NewCPlan(n)
		x := coreRandComplex(n, 3)
		for _, inv := range []bool{false, true} {
			want := make([]complex128, n)
			got := append([]complex128(nil), x...)
			if inv {
				p.Inverse(want, x)
				p.Inverse(got, got)
			} else {
				p.Forward(want, x)
				p.Forward(got, got)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("n=%d inverse=%v: in-place result differs at %d: %v vs %v", n, inv, i, got[i], want[i])
				}
			}
		}
	}
}

func TestCPlanRoundTripAndParseval(t *testing.T) {
	for _, n := range []int{1, 5, 64, 120000 / 8, 4099, 32768, 262139 / 16} {
		p := NewCPlan(n)
		x := coreRandComplex(n, 5)
		X := make([]complex128, n)
		p.Forward(X, x)
		back := make([]complex128, n)
		p.Inverse(back, X)
		if e := coreRelErr(back, x); e > coreAccuracyTol {
			t.Errorf("n=%d: round trip relative error %.3g > %g", n, e, coreAccuracyTol)
		}
		// Parseval: Σ|x|² = (1/n)·Σ|X|².
		var ex, eX float64
		for i := range x {
			ex += real(x[i])*real(x[i]) + imag(x[i])*imag(x[i])
			eX += real(X[i])*real(X[i]) + imag(X[i])*imag(X[i])
		}
		if d := math.Abs(ex-eX/float64(n)) / ex; d > coreAccuracyTol {
			t.Errorf("n=%d: Parseval relative mismatch %.3g > %g", n, d, coreAccuracyTol)
		}
	}
}

// corePeerTol bounds the disagreement with gonum and go-dsp: their own error,
// not ours, dominates (go-dsp's Bluestein chirp evaluates sin(πk²/n)
// without reducing k² modulo 2n, which costs about log10(n) digits at large
// prime n).
const corePeerTol = 1e-9

func TestCPlanAgainstPeers(t *testing.T) {
	godsp.SetWorkerPoolSize(1)
	for _, c := range []struct {
		n int
		// gonum's FFTPACK port handles a prime factor p with an O(n·p)
		// pass, so a large prime factor takes minutes; compare with it
		// only where that stays cheap.
		gonum bool
	}{
		{4096, true}, {120000, true}, {2 * 3 * 5 * 7 * 11 * 13 * 4, true},
		{243938, false}, {262139, false},
	} {
		n := c.n
		x := coreRandComplex(n, 9)
		got := make([]complex128, n)
		NewCPlan(n).Forward(got, x)
		if c.gonum {
			g := fourier.NewCmplxFFT(n).Coefficients(nil, x)
			e := coreRelErr(got, g)
			t.Logf("n=%d: vs gonum %.3g", n, e)
			if e > corePeerTol {
				t.Errorf("n=%d: vs gonum relative L2 %.3g > %g", n, e, corePeerTol)
			}
		}
		d := godsp.FFT(x)
		e := coreRelErr(got, d)
		t.Logf("n=%d: vs go-dsp %.3g", n, e)
		if e > corePeerTol {
			t.Errorf("n=%d: vs go-dsp relative L2 %.3g > %g", n, e, corePeerTol)
		}
	}
}

func TestCPlanNoAllocs(t *testing.T) {
	for _, n := range []int{1, 4, 1024, 120, 37, 4099} {
		p := NewCPlan(n)
		x := coreRandComplex(n, 1)
		y := make([]complex128, n)
		cases := map[string]func(){
			"Forward":         func() { p.Forward(y, x) },
			"Inverse":         func() { p.Inverse(y, x) },
			"Forward/inplace": func() { p.Forward(y, y) },
			"Inverse/inplace": func() { p.Inverse(y, y) },
		}
		for name, f := range cases {
			if a := testing.AllocsPerRun(5, f); a != 0 {
				t.Errorf("n=%d %s: %v allocations per call, want 0", n, name, a)
			}
		}
	}
}

func TestCPlanPanicsOnWrongLengths(t *testing.T) {
	p := NewCPlan(8)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Forward short dst", func() { p.Forward(make([]complex128, 7), make([]complex128, 8)) }},
		{"Forward long src", func() { p.Forward(make([]complex128, 8), make([]complex128, 9)) }},
		{"Inverse short src", func() { p.Inverse(make([]complex128, 8), make([]complex128, 4)) }},
		{"NewCPlan(0)", func() { NewCPlan(0) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		})
	}
}

func TestFactorize(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
		ok   bool
	}{
		{1, "[]", true},
		{2, "[2]", true},
		{8, "[4 2]", true},
		{16, "[4 4]", true},
		{120000, "[4 4 4 3 5 5 5 5]", true},
		{7 * 31, "[7 31]", true},
		{37, "[]", false},
		{243938, "[]", false},
	} {
		r, ok := factorize(c.n)
		if got := fmt.Sprint(r); ok != c.ok || (ok && got != c.want) {
			t.Errorf("factorize(%d) = %s, %v; want %s, %v", c.n, got, ok, c.want, c.ok)
		}
	}
}

// FuzzCPlanRoundTrip checks, for any length the fuzzer makes (two bytes per
// complex sample, each in [−8, 8)), that Inverse(Forward(x)) = x and that
// the in-place transform equals the out-of-place one bit for bit.
func FuzzCPlanRoundTrip(f *testing.F) {
	f.Add([]byte{1, 2})
	f.Add([]byte("seventy-four bytes make thirty-seven samples: a Bluestein length!!!!!!!!"))
	f.Add(make([]byte, 240))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 2
		if n == 0 || n > 4096 {
			return
		}
		x := make([]complex128, n)
		var ex float64
		for i := range x {
			x[i] = complex(float64(int8(data[2*i]))/16, float64(int8(data[2*i+1]))/16)
			ex += real(x[i])*real(x[i]) + imag(x[i])*imag(x[i])
		}
		p := NewCPlan(n)
		X := make([]complex128, n)
		p.Forward(X, x)
		inPlace := append([]complex128(nil), x...)
		p.Forward(inPlace, inPlace)
		for k := range X {
			if X[k] != inPlace[k] {
				t.Fatalf("n=%d: in-place Forward differs at bin %d", n, k)
			}
		}
		back := make([]complex128, n)
		p.Inverse(back, X)
		var num float64
		for i := range x {
			d := back[i] - x[i]
			num += real(d)*real(d) + imag(d)*imag(d)
		}
		if num > coreAccuracyTol*coreAccuracyTol*ex {
			t.Fatalf("n=%d: round trip error² %.3g for signal energy %.3g", n, num, ex)
		}
	})
}
