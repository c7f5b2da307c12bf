package fft

import (
	"fmt"
	"math"
	"testing"
)

func TestHilbertMatchesScipy(t *testing.T) {
	var ref struct {
		Cases []struct {
			N            int
			X, Imag, Abs []float64
		}
		Envelope struct {
			Fs    float64
			X     []float64
			Cases []struct {
				Lo, Hi             float64
				Envelope, Spectrum []float64
			}
		}
	}
	loadReference(t, "hilbert.json", &ref)
	for _, c := range ref.Cases {
		h, err := NewHilbert(c.N)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, c.N)
		h.Transform(got, c.X)
		checkClose(t, fmt.Sprintf("hilbert(n=%d).imag", c.N), got, c.Imag, refTol)
		h.Magnitude(got, c.X)
		checkClose(t, fmt.Sprintf("|hilbert(n=%d)|", c.N), got, c.Abs, refTol)
	}
	e := ref.Envelope
	for _, c := range e.Cases {
		env, err := NewEnvelope(len(e.X), e.Fs, c.Lo, c.Hi)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, len(e.X))
		env.Compute(got, e.X)
		name := fmt.Sprintf("envelope %g–%g Hz", c.Lo, c.Hi)
		checkClose(t, name, got, c.Envelope, refTol)
		spec := make([]float64, env.Bins())
		env.Spectrum(spec, e.X)
		checkClose(t, name+" spectrum", spec, c.Spectrum, refTol)
	}
}

// TestEnvelopeAM checks the physics: the envelope spectrum of an
// amplitude-modulated carrier peaks at the modulation frequency with the
// modulation amplitude.
func TestEnvelopeAM(t *testing.T) {
	const n, rate, fm, fc, depth = 12000, 12000.0, 105.0, 3000.0, 0.5
	x := make([]float64, n)
	for i := range x {
		tt := float64(i) / rate
		// An interfering low-frequency tone that the band-pass must remove.
		x[i] = (1+depth*math.Cos(2*math.Pi*fm*tt))*math.Sin(2*math.Pi*fc*tt) + 2*math.Sin(2*math.Pi*30*tt)
	}
	env, err := NewEnvelope(n, rate, 2000, 4000)
	if err != nil {
		t.Fatal(err)
	}
	spec := make([]float64, env.Bins())
	env.Spectrum(spec, x)
	k := 0
	for i := 1; i < len(spec); i++ {
		if spec[i] > spec[k] {
			k = i
		}
	}
	f := env.Frequencies(make([]float64, env.Bins()))
	if f[k] != fm {
		t.Errorf("envelope spectrum peaks at %v Hz, want %v Hz", f[k], fm)
	}
	// Hann window, tone on a bin: the amplitude reads depth exactly but for
	// the filter's ripple and edge effects.
	if math.Abs(spec[k]-depth) > 0.01 {
		t.Errorf("modulation amplitude %v, want %v", spec[k], depth)
	}
}

func TestEnvelopeErrorsAndAllocs(t *testing.T) {
	for _, tc := range []struct {
		n          int
		rate, l, h float64
	}{
		{1, 1000, 0, 0}, {1000, 0, 0, 0}, {1000, 1000, 100, 600}, {1000, 1000, 300, 200}, {10, 1000, 100, 200},
	} {
		if _, err := NewEnvelope(tc.n, tc.rate, tc.l, tc.h); err == nil {
			t.Errorf("NewEnvelope(%d, %v, %v, %v): no error", tc.n, tc.rate, tc.l, tc.h)
		}
	}
	if _, err := NewHilbert(0); err == nil {
		t.Error("NewHilbert(0): no error")
	}
	env, err := NewEnvelope(4096, 12000, 1000, 3000)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 4096)
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	y := make([]float64, 4096)
	s := make([]float64, env.Bins())
	if n := testing.AllocsPerRun(5, func() { env.Compute(y, x) }); n != 0 {
		t.Errorf("Compute allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(5, func() { env.Spectrum(s, x) }); n != 0 {
		t.Errorf("Spectrum allocates %v times per call", n)
	}
}

func BenchmarkEnvelope256k(b *testing.B) {
	const n, rate = 256000, 25600.0
	x := make([]float64, n)
	for i := range x {
		tt := float64(i) / rate
		x[i] = (1 + 0.5*math.Cos(2*math.Pi*87*tt)) * math.Sin(2*math.Pi*5000*tt)
	}
	env, err := NewEnvelope(n, rate, 3000, 8000)
	if err != nil {
		b.Fatal(err)
	}
	spec := make([]float64, env.Bins())
	b.ReportAllocs()
	b.SetBytes(8 * n)
	for b.Loop() {
		env.Spectrum(spec, x)
	}
}
