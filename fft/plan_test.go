package fft

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	godsp "github.com/mjibson/go-dsp/fft"
	"gonum.org/v1/gonum/dsp/fourier"
)

func coreRandReal(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 13))
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

func coreToComplex(x []float64) []complex128 {
	z := make([]complex128, len(x))
	for i, v := range x {
		z[i] = complex(v, 0)
	}
	return z
}

func TestPlanAgainstNaiveDFT(t *testing.T) {
	for _, n := range coreAccuracySizes {
		x := coreRandReal(n, uint64(n))
		want := coreNaiveDFT(coreToComplex(x), -1)[:n/2+1]
		p := NewPlan(n)
		if p.Len() != n {
			t.Fatalf("Len() = %d, want %d", p.Len(), n)
		}
		got := make([]complex128, n/2+1)
		p.Forward(got, x)
		if e := coreRelErr(got, want); e > coreAccuracyTol {
			t.Errorf("n=%d: Forward relative L2 error %.3g > %g", n, e, coreAccuracyTol)
		}
		// Inverse against the naive inverse of the Hermitian-extended
		// spectrum of a random half spectrum with real DC (and Nyquist).
		spec := coreRandComplex(n/2+1, uint64(n)+1)
		spec[0] = complex(real(spec[0]), 0)
		if n%2 == 0 {
			spec[n/2] = complex(real(spec[n/2]), 0)
		}
		full := make([]complex128, n)
		copy(full, spec)
		for k := 1; k < len(spec); k++ {
			full[n-k] = conj(spec[k])
		}
		wantInv := coreNaiveDFT(full, 1)
		for i := range wantInv {
			wantInv[i] /= complex(float64(n), 0)
		}
		back := make([]float64, n)
		p.Inverse(back, spec)
		if e := coreRelErr(coreToComplex(back), wantInv); e > coreAccuracyTol {
			t.Errorf("n=%d: Inverse relative L2 error %.3g > %g", n, e, coreAccuracyTol)
		}
	}
}

// coreSplitmix returns n doubles in [−1, 1) from splitmix64 started at
// state seed, bit for bit as gen_numpy.py makes them.
func coreSplitmix(seed uint64, n int) []float64 {
	x := make([]float64, n)
	s := seed
	for i := range x {
		s += 0x9E3779B97F4A7C15
		z := s
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		z ^= z >> 31
		x[i] = 2*float64(z>>11)*0x1p-53 - 1
	}
	return x
}

func coreReadTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fft", name))
	if err != nil {
		t.Fatalf("reference data (regenerate with /usr/bin/python3 fft/testdata/fft/gen_numpy.py): %v", err)
	}
	return b
}

// TestPlanMatchesNumpy compares with numpy.fft.rfft and numpy.fft.irfft
// values kept in testdata/fft (see gen_numpy.py there).
func TestPlanMatchesNumpy(t *testing.T) {
	le := binary.LittleEndian
	for _, n := range []int{1, 2, 7, 1000, 4096, 4099, 120000} {
		b := coreReadTestdata(t, fmt.Sprintf("rfft_%d.bin", n))
		if len(b) < 24 || int(le.Uint64(b)) != n {
			t.Fatalf("rfft_%d.bin: bad header", n)
		}
		seed, count := le.Uint64(b[8:]), int(le.Uint64(b[16:]))
		if len(b) != 24+24*count {
			t.Fatalf("rfft_%d.bin: %d bytes for %d records", n, len(b), count)
		}
		got := make([]complex128, n/2+1)
		NewPlan(n).Forward(got, coreSplitmix(seed, n))
		sel := make([]complex128, count)
		want := make([]complex128, count)
		for i := range count {
			r := b[24+24*i:]
			k := int(le.Uint64(r))
			want[i] = complex(math.Float64frombits(le.Uint64(r[8:])), math.Float64frombits(le.Uint64(r[16:])))
			sel[i] = got[k]
		}
		if e := coreRelErr(sel, want); e > coreAccuracyTol {
			t.Errorf("n=%d: rfft vs numpy relative L2 %.3g > %g", n, e, coreAccuracyTol)
		}
	}
	for _, n := range []int{1, 2, 7, 1000, 4099} {
		b := coreReadTestdata(t, fmt.Sprintf("irfft_%d.bin", n))
		if len(b) != 16+8*n || int(le.Uint64(b)) != n {
			t.Fatalf("irfft_%d.bin: bad size or header", n)
		}
		u := coreSplitmix(le.Uint64(b[8:]), 2*(n/2+1))
		spec := make([]complex128, n/2+1)
		for k := range spec {
			// Imaginary parts of DC and Nyquist are non-zero on purpose.
			spec[k] = complex(u[2*k], u[2*k+1])
		}
		got := make([]float64, n)
		NewPlan(n).Inverse(got, spec)
		want := make([]complex128, n)
		for j := range want {
			want[j] = complex(math.Float64frombits(le.Uint64(b[16+8*j:])), 0)
		}
		if e := coreRelErr(coreToComplex(got), want); e > coreAccuracyTol {
			t.Errorf("n=%d: irfft vs numpy relative L2 %.3g > %g", n, e, coreAccuracyTol)
		}
	}
}

func TestPlanRoundTripAndParseval(t *testing.T) {
	for _, n := range []int{1, 2, 3, 16, 1000, 4099, 120000, 243938, 262139} {
		p := NewPlan(n)
		x := coreRandReal(n, 21)
		X := make([]complex128, n/2+1)
		p.Forward(X, x)
		back := make([]float64, n)
		p.Inverse(back, X)
		if e := coreRelErr(coreToComplex(back), coreToComplex(x)); e > coreAccuracyTol {
			t.Errorf("n=%d: round trip relative error %.3g > %g", n, e, coreAccuracyTol)
		}
		// Parseval for a real sequence: Σx² = (1/n)·(|X_0|² + 2·Σ|X_k|²
		// + |X_(n/2)|² for even n), bins 0 < k < n/2 standing for their
		// conjugate partners.
		var ex, eX float64
		for _, v := range x {
			ex += v * v
		}
		for k, v := range X {
			w := 2.0
			if k == 0 || (n%2 == 0 && k == n/2) {
				w = 1
			}
			eX += w * (real(v)*real(v) + imag(v)*imag(v))
		}
		if d := math.Abs(ex-eX/float64(n)) / ex; d > coreAccuracyTol {
			t.Errorf("n=%d: Parseval relative mismatch %.3g > %g", n, d, coreAccuracyTol)
		}
	}
}

// TestPlanLargeSampledBins checks large lengths, beyond the reach of a full
// naive DFT, bin by bin: 24 pseudo-random bins against compensated direct
// sums with the exponent reduced modulo n.
func TestPlanLargeSampledBins(t *testing.T) {
	sizes := []int{120000, 243938, 262139, 1 << 20}
	if testing.Short() {
		sizes = sizes[:3]
	}
	for _, n := range sizes {
		x := coreRandReal(n, 29)
		X := make([]complex128, n/2+1)
		NewPlan(n).Forward(X, x)
		r := rand.New(rand.NewPCG(uint64(n), 3))
		var got, want []complex128
		for range 24 {
			k := r.IntN(n/2 + 1)
			var re, im coreNeumaier
			for j, v := range x {
				s, c := math.Sincos(2 * math.Pi * float64(int64(j)*int64(k)%int64(n)) / float64(n))
				re.add(v * c)
				im.add(-v * s)
			}
			got = append(got, X[k])
			want = append(want, complex(re.sum(), im.sum()))
		}
		e := coreRelErr(got, want)
		t.Logf("n=%d: sampled bins relative L2 error %.3g", n, e)
		if e > coreAccuracyTol {
			t.Errorf("n=%d: sampled bins relative L2 error %.3g > %g", n, e, coreAccuracyTol)
		}
	}
}

// TestPlanTone checks a closed form: x_j = A·cos(2π·f·j/n + φ) with integer
// f, 0 < f < n/2, has X_f = (A·n/2)·e^(iφ) and no other non-zero bin.
func TestPlanTone(t *testing.T) {
	for _, c := range []struct {
		n, f   int
		a, phi float64
	}{
		{64, 5, 1, 0}, {1000, 50, 2.5, 0.3}, {4099, 1234, 0.7, -1.1},
		{120000, 2917, 3, 2}, {262139, 77777, 1, 1},
	} {
		x := make([]float64, c.n)
		for j := range x {
			x[j] = c.a * math.Cos(2*math.Pi*float64((j*c.f)%c.n)/float64(c.n)+c.phi)
		}
		X := make([]complex128, c.n/2+1)
		NewPlan(c.n).Forward(X, x)
		want := make([]complex128, len(X))
		s, co := math.Sincos(c.phi)
		want[c.f] = complex(c.a*float64(c.n)/2*co, c.a*float64(c.n)/2*s)
		if e := coreRelErr(X, want); e > coreAccuracyTol {
			t.Errorf("n=%d f=%d: tone spectrum relative L2 error %.3g > %g", c.n, c.f, e, coreAccuracyTol)
		}
	}
}

// TestPlanAgainstPeers compares with gonum's real FFT and with go-dsp's
// FFTReal, two independent implementations.
func TestPlanAgainstPeers(t *testing.T) {
	godsp.SetWorkerPoolSize(1)
	for _, c := range []struct {
		n     int
		gonum bool // see TestCPlanAgainstPeers
	}{
		{1000, true}, {4096, true}, {4099, false}, {120000, true}, {256000, true},
		{243938, false}, {262139, false},
	} {
		n := c.n
		x := coreRandReal(n, 17)
		got := make([]complex128, n/2+1)
		NewPlan(n).Forward(got, x)
		if c.gonum {
			g := fourier.NewFFT(n).Coefficients(nil, x)
			if e := coreRelErr(got, g); e > corePeerTol {
				t.Errorf("n=%d: vs gonum relative L2 %.3g > %g", n, e, corePeerTol)
			}
		}
		d := godsp.FFTReal(x)[:n/2+1]
		if e := coreRelErr(got, d); e > corePeerTol {
			t.Errorf("n=%d: vs go-dsp relative L2 %.3g > %g", n, e, corePeerTol)
		}
	}
}

func TestPlanNoAllocs(t *testing.T) {
	for _, n := range []int{1, 2, 7, 8, 1000, 4099, 2 * 37, 256000} {
		p := NewPlan(n)
		x := coreRandReal(n, 1)
		X := make([]complex128, n/2+1)
		y := make([]float64, n)
		if a := testing.AllocsPerRun(3, func() { p.Forward(X, x) }); a != 0 {
			t.Errorf("n=%d Forward: %v allocations per call, want 0", n, a)
		}
		if a := testing.AllocsPerRun(3, func() { p.Inverse(y, X) }); a != 0 {
			t.Errorf("n=%d Inverse: %v allocations per call, want 0", n, a)
		}
	}
}

func TestPlanPanicsOnWrongLengths(t *testing.T) {
	p := NewPlan(8)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Forward short dst", func() { p.Forward(make([]complex128, 4), make([]float64, 8)) }},
		{"Forward long src", func() { p.Forward(make([]complex128, 5), make([]float64, 9)) }},
		{"Inverse short dst", func() { p.Inverse(make([]float64, 7), make([]complex128, 5)) }},
		{"Inverse long src", func() { p.Inverse(make([]float64, 8), make([]complex128, 8)) }},
		{"NewPlan(0)", func() { NewPlan(0) }},
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

// FuzzPlanRoundTrip checks Inverse(Forward(x)) = x and Parseval on inputs
// of any length the fuzzer makes: each byte is one sample in [−8, 8).
func FuzzPlanRoundTrip(f *testing.F) {
	f.Add([]byte{1})
	f.Add([]byte{0, 255, 3, 128})
	f.Add([]byte("a seed of thirty-seven bytes: Bluestein"))
	f.Add(make([]byte, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data)
		if n == 0 || n > 4096 {
			return
		}
		x := make([]float64, n)
		var ex float64
		for i, b := range data {
			x[i] = float64(int8(b)) / 16
			ex += x[i] * x[i]
		}
		p := NewPlan(n)
		X := make([]complex128, n/2+1)
		p.Forward(X, x)
		back := make([]float64, n)
		p.Inverse(back, X)
		var num float64
		for i := range x {
			d := back[i] - x[i]
			num += d * d
		}
		// Relative to the signal norm; an all-zero input must come back
		// exactly zero.
		if num > coreAccuracyTol*coreAccuracyTol*ex {
			t.Fatalf("n=%d: round trip error² %.3g for signal energy %.3g", n, num, ex)
		}
	})
}
