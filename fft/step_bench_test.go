package fft_test

import (
	"bufio"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/fft"
)

// The feature step of issue #5 for one capture: stepN samples at stepRate,
// the peer of bench/fft_step_fftw.c (which documents the three parts).
const (
	stepN    = 256000
	stepRate = 25600.0
)

// stepSignal is the capture of the feature-step benchmark, computed the
// same way as signal() in bench/fft_step_fftw.c: 1.5·sin at 157 Hz, a
// 4 kHz carrier 0.4·sin modulated by 1 + cos at 37.5 Hz, and uniform
// noise in [−0.5, 0.5) from splitmix64 (seed 20261124).
func stepSignal() []float64 {
	x := make([]float64, stepN)
	s := uint64(20261124)
	for j := range x {
		s += 0x9e3779b97f4a7c15
		z := s
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		u := float64(z>>11) * 0x1p-53
		a := 2 * math.Pi * float64((157*j)%25600) / stepRate
		b := 2 * math.Pi * float64((4000*j)%25600) / stepRate
		c := 2 * math.Pi * float64((75*j)%51200) / (2 * stepRate)
		x[j] = 1.5*math.Sin(a) + 0.4*math.Sin(b)*(1+math.Cos(c)) + (u - 0.5)
	}
	return x
}

// featureStep holds what a worker builds once: the Welch estimator and the
// envelope analyser with their plans, and the output buffers.
type featureStep struct {
	welch *fft.Welch
	env   *fft.Envelope
	psd   []float64
	amp   []float64
	stats features.TimeStats
}

func newFeatureStep(tb testing.TB) *featureStep {
	w, err := fft.NewWelch(int(stepRate), stepRate, fft.WelchOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	lo, hi := features.DefaultEnvelopeBand(stepRate)
	e, err := fft.NewEnvelope(stepN, stepRate, lo, hi)
	if err != nil {
		tb.Fatal(err)
	}
	return &featureStep{welch: w, env: e, psd: make([]float64, w.Bins()), amp: make([]float64, e.Bins())}
}

// run computes the time-domain statistics, the Welch PSD and the envelope
// spectrum of x.
func (f *featureStep) run(tb testing.TB, x []float64) {
	f.stats = features.TimeDomain(x)
	if err := f.welch.Compute(f.psd, x); err != nil {
		tb.Fatal(err)
	}
	f.env.Spectrum(f.amp, x)
}

// BenchmarkFeatureStep times the feature step of issue #5 on one
// 256,000-sample capture; bench/fft_step_fftw.c times the same step in C
// with FFTW (bench/fft.sh --step runs both).
func BenchmarkFeatureStep(b *testing.B) {
	x := stepSignal()
	f := newFeatureStep(b)
	b.Run("n=256000/lib=windpm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f.run(b, x)
		}
	})
}

// TestFeatureStepAgainstC checks that bench/fft_step_fftw.c computes the
// same step as BenchmarkFeatureStep, so that the two times compare like
// with like: it builds the C program (if cc and FFTW's header are there),
// runs it with --dump, and compares the statistics, the PSD and the
// envelope spectrum to 1e-9 relative.
func TestFeatureStepAgainstC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the C peer")
	}
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler")
	}
	if _, err := os.Stat("/usr/include/fftw3.h"); err != nil {
		t.Skip("FFTW headers absent (apt-get install libfftw3-dev)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "step")
	if out, err := exec.Command(cc, "-O2", "-o", bin, "../bench/fft_step_fftw.c", "-lfftw3", "-lm").CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	dump := filepath.Join(dir, "dump.txt")
	cmd := exec.Command(bin, "--dump", dump)
	cmd.Env = append(os.Environ(), "FFTW_WISDOM=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s --dump: %v\n%s", bin, err, out)
	}
	c := readDump(t, dump)
	f := newFeatureStep(t)
	f.run(t, stepSignal())
	s := f.stats
	gotStats := []float64{s.Mean, s.Std, s.Peak, s.PeakToPeak, s.Crest, s.Kurtosis, s.Skewness,
		s.MeanAbs, s.MeanSqrtAbs, s.Shape, s.Impulse, s.Clearance}
	for _, c := range []struct {
		name      string
		got, want []float64
	}{{"stats", gotStats, c["stats"]}, {"psd", f.psd, c["psd"]}, {"env", f.amp, c["env"]}} {
		if len(c.got) != len(c.want) {
			t.Fatalf("%s: %d values, C has %d", c.name, len(c.got), len(c.want))
		}
		var num, den float64
		for i := range c.got {
			d := c.got[i] - c.want[i]
			num += d * d
			den += c.want[i] * c.want[i]
		}
		e := math.Sqrt(num / den)
		t.Logf("%s: relative L2 difference Go vs C %.3g", c.name, e)
		if !(e < 1e-9) {
			t.Errorf("%s: relative L2 difference Go vs C %.3g > 1e-9", c.name, e)
		}
	}
}

func readDump(t *testing.T, path string) map[string][]float64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		v := make([]float64, len(fields)-1)
		for i, s := range fields[1:] {
			if v[i], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		out[fields[0]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}
