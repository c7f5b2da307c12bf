package fft

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	godsp "github.com/mjibson/go-dsp/fft"
	"gonum.org/v1/gonum/dsp/fourier"
)

// coreBenchSizes are the real-FFT lengths of BenchmarkForward and
// BenchmarkInverse: powers of two from 4096 to 1,048,576, then lengths met
// in practice (120000: 10 s at 12 kHz; 243938 = 2·23·5303 and the prime
// 262139 exercise Bluestein; 256000 = 2^11·5^3 exercises radix 5).
var coreBenchSizes = []int{
	4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576,
	120000, 243938, 256000, 262139,
}

// benchSizes, if set (go test -bench Forward ./fft -args -fft.sizes
// 59049,91125), replaces coreBenchSizes in BenchmarkForward and
// BenchmarkInverse; bench/fft.py passes its --sizes here.
var benchSizes = flag.String("fft.sizes", "", "comma-separated lengths for BenchmarkForward and BenchmarkInverse (default: the standard set)")

// realBenchSizes returns the lengths of BenchmarkForward and
// BenchmarkInverse.
func realBenchSizes(b *testing.B) []int {
	if *benchSizes == "" {
		return coreBenchSizes
	}
	var sizes []int
	for _, f := range strings.Split(*benchSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("-fft.sizes: bad length %q", f)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// skipSlowGonum skips gonum at lengths with a prime factor above 10000:
// its FFTPACK port treats a prime factor p with an O(n·p) pass, and one
// transform of the prime 262139 took 81 s on the benchmark machine.
func skipSlowGonum(b *testing.B, n int) {
	p := 1
	for f := 2; f*f <= n; f++ {
		for n%f == 0 {
			p, n = f, n/f
		}
	}
	p = max(p, n)
	if p > 10000 {
		b.Skipf("gonum: prime factor %d makes one call take minutes", p)
	}
}

func coreBenchSignal(n int) []float64 {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

// timeCPU runs f in b.Loop on a locked OS thread and reports, next to the
// wall time, the thread's CPU time per call (cpu-ns/op; fft_fftw.c reports
// the same for FFTW), which on a busy machine counts only the time the
// call ran (bench/fft.py --metric cpu).
func timeCPU(b *testing.B, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t0, ok := threadCPU()
	calls := 0
	for b.Loop() {
		f()
		calls++
	}
	if t1, ok1 := threadCPU(); ok && ok1 && calls > 0 {
		b.ReportMetric(float64(t1-t0)/float64(calls), "cpu-ns/op")
	}
}

// BenchmarkForward times the real forward transform (numpy.fft.rfft
// convention) of windpm and of the peers gonum (dsp/fourier, plan reused)
// and go-dsp (fft.FFTReal, which allocates and returns all n bins; run with
// one worker so that every library is single-threaded). Compare with
// benchstat -col /lib.
func BenchmarkForward(b *testing.B) {
	godsp.SetWorkerPoolSize(1)
	for _, n := range realBenchSizes(b) {
		x := coreBenchSignal(n)
		b.Run(fmt.Sprintf("n=%d/lib=windpm", n), func(b *testing.B) {
			p := NewPlan(n)
			dst := make([]complex128, n/2+1)
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			timeCPU(b, func() { p.Forward(dst, x) })
		})
		b.Run(fmt.Sprintf("n=%d/lib=gonum", n), func(b *testing.B) {
			skipSlowGonum(b, n)
			p := fourier.NewFFT(n)
			dst := make([]complex128, n/2+1)
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			for b.Loop() {
				p.Coefficients(dst, x)
			}
		})
		b.Run(fmt.Sprintf("n=%d/lib=godsp", n), func(b *testing.B) {
			godsp.FFTReal(x) // builds go-dsp's cached factors outside the timing
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			for b.Loop() {
				godsp.FFTReal(x)
			}
		})
	}
}

// BenchmarkInverse times the real inverse transform (numpy.fft.irfft
// convention, 1/n included) of windpm and of the peers: gonum's Sequence
// (unnormalised, plan reused) and go-dsp's IFFT of the full Hermitian
// spectrum (go-dsp has no half-spectrum inverse; it allocates).
func BenchmarkInverse(b *testing.B) {
	godsp.SetWorkerPoolSize(1)
	for _, n := range realBenchSizes(b) {
		x := coreBenchSignal(n)
		spec := make([]complex128, n/2+1)
		NewPlan(n).Forward(spec, x)
		b.Run(fmt.Sprintf("n=%d/lib=windpm", n), func(b *testing.B) {
			p := NewPlan(n)
			dst := make([]float64, n)
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			timeCPU(b, func() { p.Inverse(dst, spec) })
		})
		b.Run(fmt.Sprintf("n=%d/lib=gonum", n), func(b *testing.B) {
			skipSlowGonum(b, n)
			p := fourier.NewFFT(n)
			dst := make([]float64, n)
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			for b.Loop() {
				p.Sequence(dst, spec)
			}
		})
		b.Run(fmt.Sprintf("n=%d/lib=godsp", n), func(b *testing.B) {
			full := make([]complex128, n)
			copy(full, spec)
			for k := 1; k < len(spec); k++ {
				full[n-k] = conj(spec[k])
			}
			godsp.IFFT(full)
			b.SetBytes(int64(8 * n))
			b.ReportAllocs()
			for b.Loop() {
				godsp.IFFT(full)
			}
		})
	}
}

// BenchmarkCPlanForward times the complex forward transform alone.
func BenchmarkCPlanForward(b *testing.B) {
	for _, n := range []int{4096, 65536, 262144, 262139} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			p := NewCPlan(n)
			x := make([]complex128, n)
			for i, v := range coreBenchSignal(n) {
				x[i] = complex(v, -v)
			}
			dst := make([]complex128, n)
			b.SetBytes(int64(16 * n))
			b.ReportAllocs()
			for b.Loop() {
				p.Forward(dst, x)
			}
		})
	}
}
