package fft

import (
	"math/rand/v2"
	"testing"
)

// smooth235 reports whether the prime factors of n are all 2, 3 or 5.
func smooth235(n int) bool {
	for _, f := range []int{2, 3, 5} {
		for n%f == 0 {
			n /= f
		}
	}
	return n == 1
}

// randomSmooth235 returns count distinct lengths in [lo, hi] whose prime
// factors are 2, 3 and 5, drawn with r; odd ones only if odd.
func randomSmooth235(r *rand.Rand, lo, hi, count int, odd bool) []int {
	var all []int
	for n := lo; n <= hi; n++ {
		if smooth235(n) && (!odd || n%2 == 1) {
			all = append(all, n)
		}
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all[:min(count, len(all))]
}

// TestOddRealAgainstNaiveDFT checks the split real transform of odd lengths
// (oddReal) and the odd-stride kernels of the complex passes, on both code
// paths, against the compensated naive DFT: forward of a random signal,
// and inverse of a random half spectrum against the naive inverse of its
// Hermitian extension (numpy's irfft), with the bound 1e-14. The lengths:
// odd 3^a·5^b (one or more levels of the split, radix 3 then 5, strides
// 3, 9, 15, …), odd lengths with the direct radices 7..31 next to 3 or 5,
// 2 and 4 times odd lengths (odd half length: odd strides; half length
// 2·odd: radix 2 at stride 1, then the radix-3·3 and radix-5·5 sweeps at
// strides 2 mod 4), and random 2,3,5-smooth lengths up to 3000.
func TestOddRealAgainstNaiveDFT(t *testing.T) {
	sizes := []int{
		45, 75, 81, 135, 225, 243, 375, 405, 625, 675, 729, 1125, 1215,
		2025, 2187, 3125, 3375,
		3 * 7 * 11, 5 * 7 * 13, 3 * 5 * 31, 9 * 49, 3 * 29,
		2 * 243, 2 * 675, 2 * 3125, 4 * 405, 4 * 729, 4 * 625, 4 * 1125,
	}
	r := rand.New(rand.NewPCG(11, 13))
	sizes = append(sizes, randomSmooth235(r, 46, 3000, 8, true)...)
	sizes = append(sizes, randomSmooth235(r, 46, 3000, 8, false)...)
	if !testing.Short() {
		sizes = append(sizes, 6561, 5625)
	}
	for _, n := range sizes {
		x := coreRandReal(n, uint64(n)+17)
		want := coreNaiveDFT(coreToComplex(x), -1)[:n/2+1]
		spec := coreRandComplex(n/2+1, uint64(n)+19)
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
		for _, simd := range codePaths() {
			p := newPlan(n, simd)
			got := make([]complex128, n/2+1)
			p.Forward(got, x)
			eF := coreRelErr(got, want)
			back := make([]float64, n)
			p.Inverse(back, spec)
			eI := coreRelErr(coreToComplex(back), wantInv)
			if eF > simdAccuracyTol || eI > simdAccuracyTol || eF != eF || eI != eI {
				t.Errorf("%s n=%d: relative L2 error forward %.3g, inverse %.3g > %g",
					pathName(simd), n, eF, eI, simdAccuracyTol)
			}
		}
	}
}

// TestPathsOddAndRandomSmoothSizes runs the sampled-bin check of
// TestPathsBenchmarkedSizes at large odd lengths (several levels of the
// split real transform) and at random 2,3,5-smooth lengths of the range of
// issue #5, [4096, 1048576].
func TestPathsOddAndRandomSmoothSizes(t *testing.T) {
	sizes := []int{91125, 59049, 78125, 2 * 91125}
	r := rand.New(rand.NewPCG(23, 29))
	count := 6
	if testing.Short() {
		sizes, count = sizes[:1], 2
	}
	sizes = append(sizes, randomSmooth235(r, 4096, 1048576, count, true)...)
	sizes = append(sizes, randomSmooth235(r, 4096, 1048576, count, false)...)
	for _, n := range sizes {
		checkSampledBins(t, n)
	}
}

// TestOddRealSelected checks that odd lengths with a factor 3 or 5 (from
// oddRealMin up, mixed-radix) take the split real transform, level by
// level down to a complex plan, that the complex plans there run every
// pass in assembly when the CPU allows it (including odd strides and
// stride 1), and that other odd lengths keep the complex plan.
func TestOddRealSelected(t *testing.T) {
	for _, n := range []int{91125, 59049, 78125, 45, 3 * 7 * 11, 5625} {
		for _, simd := range codePaths() {
			p := newPlan(n, simd)
			levels := 0
			for p.odd != nil {
				o := p.odd
				levels++
				if o.r*o.m != p.n || (o.r != 3 && o.r != 5) {
					t.Fatalf("n=%d: split %d·%d", p.n, o.r, o.m)
				}
				for i := range o.cp.stages {
					st := &o.cp.stages[i]
					if asm := st.kernel() != kernelGo; asm != simd && st.r <= 5 {
						t.Errorf("%s n=%d: complex plan of length %d, pass %d (radix %d, s=%d): assembly %v",
							pathName(simd), n, o.m, i, st.r, st.s, asm)
					}
				}
				p = o.sub
			}
			if levels == 0 {
				t.Errorf("%s n=%d: not split", pathName(simd), n)
			}
			if p.n >= oddRealMin && (p.n%3 == 0 || p.n%5 == 0) {
				t.Errorf("%s n=%d: split stops at length %d", pathName(simd), n, p.n)
			}
		}
	}
	for _, n := range []int{7 * 11 * 13, 4099, 3 * 4099, 27} {
		if p := NewPlan(n); p.odd != nil {
			t.Errorf("n=%d: split, want one complex plan", n)
		}
	}
}
