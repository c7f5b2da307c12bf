package fft

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestWelchMatchesScipy(t *testing.T) {
	var ref struct {
		Fs    float64
		X     []float64
		Cases []struct {
			Nperseg  int
			Noverlap *int
			Window   string
			Scaling  string
			Average  string
			Detrend  *bool
			PSD      []float64
		}
	}
	loadReference(t, "welch.json", &ref)
	for _, c := range ref.Cases {
		var opt WelchOptions
		if c.Window != "" {
			k, err := ParseWindow(c.Window)
			if err != nil {
				t.Fatal(err)
			}
			opt.Window = k
		}
		if c.Noverlap != nil {
			opt.Overlap = *c.Noverlap
			if opt.Overlap == 0 {
				opt.Overlap = NoOverlap
			}
		}
		if c.Scaling == "spectrum" {
			opt.Scaling = Power
		}
		if c.Average == "median" {
			opt.Average = Median
		}
		if c.Detrend != nil && !*c.Detrend {
			opt.Detrend = DetrendNone
		}
		w, err := NewWelch(c.Nperseg, ref.Fs, opt)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, w.Bins())
		if err := w.Compute(got, ref.X); err != nil {
			t.Fatal(err)
		}
		checkClose(t, fmt.Sprintf("%+v", opt)+fmt.Sprintf(" nperseg=%d", c.Nperseg), got, c.PSD, refTol)
	}
}

// TestWelchParseval checks that the density integrates to the variance of
// white noise, and that Power scaling shows a tone of amplitude A as A²/2.
func TestWelchParseval(t *testing.T) {
	const n, rate, sigma = 1 << 16, 1000.0, 1.5
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n)
	for i := range x {
		x[i] = 3 + sigma*r.NormFloat64()
	}
	for _, avg := range []Averaging{Mean, Median} {
		w, err := NewWelch(512, rate, WelchOptions{Average: avg})
		if err != nil {
			t.Fatal(err)
		}
		p := make([]float64, w.Bins())
		if err := w.Compute(p, x); err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, v := range p {
			s += v * rate / 512
		}
		// 255 segments of 512 with 50 % Hann overlap: the estimate's
		// relative standard error is about 1/√(255·512/1.9·…); 3 % is
		// several sigmas. Constant detrending removes the mean and a bit
		// of the lowest bins.
		if math.Abs(s-sigma*sigma)/(sigma*sigma) > 0.03 {
			t.Errorf("%v: ∫PSD = %.4f, variance %.4f", avg, s, sigma*sigma)
		}
	}
	for i := range x {
		x[i] = 2 * math.Cos(2*math.Pi*125*float64(i)/rate)
	}
	w, _ := NewWelch(1000, rate, WelchOptions{Scaling: Power})
	p := make([]float64, w.Bins())
	if err := w.Compute(p, x); err != nil {
		t.Fatal(err)
	}
	if math.Abs(p[125]-2) > 1e-9 {
		t.Errorf("tone power %v, want A²/2 = 2", p[125])
	}
}

func TestWelchAllocs(t *testing.T) {
	x := make([]float64, 10000)
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	for _, avg := range []Averaging{Mean, Median} {
		w, _ := NewWelch(256, 1000, WelchOptions{Average: avg})
		dst := make([]float64, w.Bins())
		_ = w.Compute(dst, x) // the median store grows once
		if n := testing.AllocsPerRun(5, func() { _ = w.Compute(dst, x) }); n != 0 {
			t.Errorf("%v: Compute allocates %v times per call", avg, n)
		}
	}
}

func TestWelchErrors(t *testing.T) {
	for _, tc := range []struct {
		seg  int
		rate float64
		opt  WelchOptions
	}{
		{0, 1000, WelchOptions{}},
		{256, 0, WelchOptions{}},
		{256, math.NaN(), WelchOptions{}},
		{256, 1000, WelchOptions{Overlap: 256}},
		{256, 1000, WelchOptions{Overlap: -5}},
		{256, 1000, WelchOptions{Window: 42}},
		{256, 1000, WelchOptions{Scaling: 7}},
		{256, 1000, WelchOptions{Average: 7}},
		{256, 1000, WelchOptions{Detrend: 7}},
	} {
		if _, err := NewWelch(tc.seg, tc.rate, tc.opt); err == nil {
			t.Errorf("NewWelch(%d, %v, %+v): no error", tc.seg, tc.rate, tc.opt)
		}
	}
	w, _ := NewWelch(256, 1000, WelchOptions{})
	if err := w.Compute(make([]float64, w.Bins()), make([]float64, 100)); err == nil {
		t.Error("short input: no error")
	}
}

func BenchmarkWelch256k(b *testing.B) {
	const n, rate = 256000, 25600.0
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(2*math.Pi*1234*float64(i)/rate) + 0.01*math.Cos(float64(i))
	}
	w, err := NewWelch(4096, rate, WelchOptions{})
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]float64, w.Bins())
	b.ReportAllocs()
	b.SetBytes(8 * n)
	for b.Loop() {
		_ = w.Compute(dst, x)
	}
}
