package fft

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
)

// simdAccuracyTol is the bound of issue #5 on the relative L2 error of
// both code paths against a high-precision reference.
const simdAccuracyTol = 1e-14

// codePaths lists the code paths this machine can run: the pure-Go passes
// always, the AVX2 kernels if the build has them and the CPU supports them.
func codePaths() []bool {
	if haveSIMD {
		return []bool{false, true}
	}
	return []bool{false}
}

func pathName(simd bool) string {
	if simd {
		return "avx2"
	}
	return "purego"
}

// TestSIMDDetection checks haveSIMD against the kernel's view of the CPU
// (the avx2 and fma flags of /proc/cpuinfo), and that the purego build tag
// or another architecture turns the kernels off.
func TestSIMDDetection(t *testing.T) {
	if !simdKernels {
		if haveSIMD {
			t.Fatal("haveSIMD is true in a build without the assembly kernels")
		}
		t.Logf("pure-Go build (GOARCH=%s): assembly kernels not compiled", runtime.GOARCH)
		return
	}
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skipf("no /proc/cpuinfo to compare CPUID with: %v", err)
	}
	var flags map[string]bool
	for line := range strings.SplitSeq(string(b), "\n") {
		if name, val, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = map[string]bool{}
			for _, f := range strings.Fields(val) {
				flags[f] = true
			}
			break
		}
	}
	want := flags["avx2"] && flags["fma"]
	if haveSIMD != want {
		t.Errorf("haveSIMD = %v, /proc/cpuinfo avx2 && fma = %v", haveSIMD, want)
	}
	t.Logf("haveSIMD = %v", haveSIMD)
}

// TestSIMDKernelsSelected checks that the default plans take the assembly
// kernels when the CPU has them (every pass of these lengths, whose half
// lengths are 2,3,5-smooth: 2^a·3^b·5^c with a >= 2; 4·405, whose half
// length 2·405 starts with radix 2 at stride 1, like that of 4·78125,
// whose radix-5 passes have strides 2 mod 4; 2·91125, whose half
// length is odd, with radix-3 and radix-5 passes at stride 1 and at odd
// strides) and that simd = false never does.
func TestSIMDKernelsSelected(t *testing.T) {
	for _, n := range []int{4096, 8192, 262144, 120000, 256000, 2 * 3 * 3 * 5 * 8, 4 * 405, 2 * 91125, 4 * 78125} {
		p := NewPlan(n)
		if p.simd != haveSIMD {
			t.Errorf("n=%d: NewPlan simd = %v, want haveSIMD = %v", n, p.simd, haveSIMD)
		}
		for i := range p.cp.stages {
			st := &p.cp.stages[i]
			if got := st.kernel() != kernelGo; got != haveSIMD {
				t.Errorf("n=%d: default plan, pass %d (radix %d, s=%d): assembly kernel %v, want %v",
					n, i, st.r, st.s, got, haveSIMD)
			}
		}
		// Two passes per sweep (radix44AVX2, radix42AVX2, radix33AVX2,
		// radix55AVX2 and radix55pAVX2) wherever possible: every length
		// here but 720 (half length 4·2·3·3·5) and 182250 (odd half
		// length, odd strides) has such a pair.
		if ns, np := len(p.cp.stages), len(p.cp.passes); n != 720 && n != 182250 && haveSIMD != (np < ns) {
			t.Errorf("n=%d: default plan has %d sweeps for %d passes (haveSIMD = %v)", n, np, ns, haveSIMD)
		}
		q := newPlan(n, false)
		if ns, np := len(q.cp.stages), len(q.cp.passes); np != ns {
			t.Errorf("n=%d: pure-Go plan has %d sweeps for %d passes", n, np, ns)
		}
		for i := range q.cp.stages {
			if k := q.cp.stages[i].kernel(); k != kernelGo {
				t.Errorf("n=%d: pure-Go plan, pass %d uses kernel %d", n, i, k)
			}
		}
	}
}

// TestPathsAgainstNaiveDFT checks both code paths, real and complex,
// forward and inverse, against the compensated naive DFT at the accuracy
// sizes and random lengths, with the bound 1e-14.
func TestPathsAgainstNaiveDFT(t *testing.T) {
	sizes := append([]int{}, coreAccuracySizes...)
	r := rand.New(rand.NewPCG(5, 5))
	for range 12 {
		sizes = append(sizes, 2+r.IntN(3000))
	}
	sizes = append(sizes, 2*r.IntN(1500)+2, 8192)
	// Benchmarked lengths with radix-7, 11 and 13 passes (radix7 and
	// radixOdd after passes of 2, 3, 4 and 5), and radix 17 … 29 passes.
	sizes = append(sizes, 4368, 5808, 8820, 5500, 4*17*19, 2*23*29)
	for _, simd := range codePaths() {
		for _, n := range sizes {
			x := coreRandReal(n, uint64(n)+3)
			want := coreNaiveDFT(coreToComplex(x), -1)
			p := newPlan(n, simd)
			got := make([]complex128, n/2+1)
			p.Forward(got, x)
			if e := coreRelErr(got, want[:n/2+1]); e > simdAccuracyTol {
				t.Errorf("%s n=%d: real Forward relative L2 error %.3g > %g", pathName(simd), n, e, simdAccuracyTol)
			}
			// The inverse of X (Hermitian by construction) is x.
			back := make([]float64, n)
			p.Inverse(back, got)
			if e := coreRelErr(coreToComplex(back), coreToComplex(x)); e > simdAccuracyTol {
				t.Errorf("%s n=%d: real Inverse relative L2 error %.3g > %g", pathName(simd), n, e, simdAccuracyTol)
			}
			z := coreRandComplex(n, uint64(n)+4)
			wantZ := coreNaiveDFT(z, -1)
			cp := newCPlan(n, true, simd)
			gotZ := make([]complex128, n)
			cp.Forward(gotZ, z)
			if e := coreRelErr(gotZ, wantZ); e > simdAccuracyTol {
				t.Errorf("%s n=%d: complex Forward relative L2 error %.3g > %g", pathName(simd), n, e, simdAccuracyTol)
			}
			cp.Inverse(gotZ, gotZ)
			if e := coreRelErr(gotZ, z); e > simdAccuracyTol {
				t.Errorf("%s n=%d: complex round trip relative L2 error %.3g > %g", pathName(simd), n, e, simdAccuracyTol)
			}
		}
	}
}

// TestPathsBenchmarkedSizes checks both code paths at every size of
// BenchmarkForward, where a full naive DFT is out of reach: the relative L2
// error over 32 pseudo-random bins of the forward transform of a random
// signal, and over 32 samples of the inverse transform of a random
// Hermitian spectrum, each against a direct sum with compensated
// (Neumaier) accumulation and the exponent reduced modulo n.
func TestPathsBenchmarkedSizes(t *testing.T) {
	sizes := coreBenchSizes
	if testing.Short() {
		sizes = []int{4096, 120000, 243938, 256000}
	}
	for _, n := range sizes {
		checkSampledBins(t, n)
	}
}

// checkSampledBins is the check of TestPathsBenchmarkedSizes at length n:
// 32 bins of the forward and 32 samples of the inverse transform, both
// code paths, against compensated direct sums.
func checkSampledBins(t *testing.T, n int) {
	t.Helper()
	w := make([]complex128, n)
	for j := range w {
		w[j] = expi(-1, j, n)
	}
	x := coreRandReal(n, 31)
	spec := coreRandComplex(n/2+1, 37)
	spec[0] = complex(real(spec[0]), 0)
	if n%2 == 0 {
		spec[n/2] = complex(real(spec[n/2]), 0)
	}
	r := rand.New(rand.NewPCG(uint64(n), 41))
	bins := make([]int, 32)
	for i := range bins {
		bins[i] = r.IntN(n/2 + 1)
	}
	samples := make([]int, 32)
	for i := range samples {
		samples[i] = r.IntN(n)
	}
	wantF := make([]complex128, len(bins))
	for i, k := range bins {
		var re, im coreNeumaier
		t := 0
		for _, v := range x {
			re.add(v * real(w[t]))
			im.add(v * imag(w[t]))
			if t += k; t >= n {
				t -= n
			}
		}
		wantF[i] = complex(re.sum(), im.sum())
	}
	// x_j = (1/n)·(X_0 + Σ_(0<k<n/2) 2·Re(X_k·e^(2πijk/n)) + X_(n/2)(−1)^j).
	wantI := make([]complex128, len(samples))
	for i, j := range samples {
		var acc coreNeumaier
		acc.add(real(spec[0]))
		t := 0
		for k := 1; k < len(spec); k++ {
			if t += j; t >= n {
				t -= n
			}
			c, s := real(w[t]), -imag(w[t])
			v := real(spec[k])*c - imag(spec[k])*s
			if 2*k != n {
				v *= 2
			}
			acc.add(v)
		}
		wantI[i] = complex(acc.sum()/float64(n), 0)
	}
	for _, simd := range codePaths() {
		p := newPlan(n, simd)
		X := make([]complex128, n/2+1)
		p.Forward(X, x)
		got := make([]complex128, len(bins))
		for i, k := range bins {
			got[i] = X[k]
		}
		eF := coreRelErr(got, wantF)
		y := make([]float64, n)
		p.Inverse(y, spec)
		for i, j := range samples {
			got[i] = complex(y[j], 0)
		}
		eI := coreRelErr(got, wantI)
		t.Logf("%s n=%d: relative L2 error forward %.3g, inverse %.3g", pathName(simd), n, eF, eI)
		if eF > simdAccuracyTol || eI > simdAccuracyTol || math.IsNaN(eF+eI) {
			t.Errorf("%s n=%d: relative L2 error forward %.3g, inverse %.3g > %g",
				pathName(simd), n, eF, eI, simdAccuracyTol)
		}
	}
}

// TestPathsNoAllocs checks that both code paths transform without
// allocating.
func TestPathsNoAllocs(t *testing.T) {
	for _, simd := range codePaths() {
		for _, n := range []int{8, 4096, 4099, 18225, 2 * 18225, 120000, 256000} {
			p := newPlan(n, simd)
			x := coreRandReal(n, 1)
			X := make([]complex128, n/2+1)
			y := make([]float64, n)
			if a := testing.AllocsPerRun(3, func() { p.Forward(X, x) }); a != 0 {
				t.Errorf("%s n=%d Forward: %v allocations per call", pathName(simd), n, a)
			}
			if a := testing.AllocsPerRun(3, func() { p.Inverse(y, X) }); a != 0 {
				t.Errorf("%s n=%d Inverse: %v allocations per call", pathName(simd), n, a)
			}
		}
	}
}

// BenchmarkPaths times the real forward and inverse transforms on both code
// paths in the same run (go test -bench Paths -count 5 | benchstat -col
// /path).
func BenchmarkPaths(b *testing.B) {
	for _, n := range coreBenchSizes {
		x := coreRandReal(n, 1)
		X := make([]complex128, n/2+1)
		y := make([]float64, n)
		for _, simd := range codePaths() {
			p := newPlan(n, simd)
			b.Run(fmt.Sprintf("dir=forward/n=%d/path=%s", n, pathName(simd)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					p.Forward(X, x)
				}
			})
			b.Run(fmt.Sprintf("dir=inverse/n=%d/path=%s", n, pathName(simd)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					p.Inverse(y, X)
				}
			})
		}
	}
}
