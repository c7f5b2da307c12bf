package fft

import (
	"math"
	"testing"
)

// TestPeakFinderTones checks the K largest peaks of a Hann spectrum of
// three tones between bins: bins, order, interpolated frequency and
// amplitude against the known tones.
func TestPeakFinderTones(t *testing.T) {
	const n, rate = 4096, 4096.0 // 1 Hz bins
	tones := []struct{ f, a float64 }{{100.3, 1.0}, {250.5, 0.5}, {400.8, 0.25}}
	x := make([]float64, n)
	for i := range x {
		for _, tn := range tones {
			x[i] += tn.a * math.Sin(2*math.Pi*tn.f*float64(i)/rate)
		}
	}
	a, _ := NewAmplitudeSpectrum(n, Hann)
	spec := make([]float64, a.Bins())
	a.Compute(spec, x)
	pf, err := NewPeakFinder(3, 5, Hann)
	if err != nil {
		t.Fatal(err)
	}
	peaks := pf.Find(make([]Peak, 0, 3), spec)
	if len(peaks) != 3 {
		t.Fatalf("found %d peaks, want 3: %+v", len(peaks), peaks)
	}
	for i, p := range peaks {
		want := tones[i]
		f := BinFrequency(0, n, rate) + p.Pos*rate/n
		if math.Abs(f-want.f) > 0.002 {
			t.Errorf("peak %d at %.4f Hz, want %.4f Hz", i, f, want.f)
		}
		if math.Abs(p.Amp-want.a)/want.a > 0.001 {
			t.Errorf("peak %d amplitude %.5f, want %.5f (±0.1 %%)", i, p.Amp, want.a)
		}
		t.Logf("peak %d: bin %d, %.4f Hz, amplitude %.5f (tone %.1f Hz, %.3f)", i, p.Bin, f, p.Amp, want.f, want.a)
	}
	if n := testing.AllocsPerRun(5, func() { peaks = pf.Find(peaks, spec) }); n != 0 {
		t.Errorf("Find allocates %v times per call", n)
	}
}

func TestPeakFinderRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		spec    []float64
		k, dist int
		bins    []int
	}{
		{"edges are not peaks", []float64{9, 1, 2, 1, 8}, 5, 1, []int{2}},
		{"min distance drops the lower neighbour", []float64{0, 5, 0, 4, 0, 3, 0}, 5, 3, []int{1, 5}},
		{"k limits the count", []float64{0, 5, 0, 4, 0, 3, 0}, 2, 1, []int{1, 3}},
		{"plateau counts once", []float64{0, 2, 2, 2, 0}, 5, 1, []int{1}},
		{"empty", nil, 3, 1, nil},
		{"flat", []float64{1, 1, 1, 1}, 3, 1, nil},
	} {
		pf, _ := NewPeakFinder(tc.k, tc.dist, Hann)
		got := pf.Find(nil, tc.spec)
		if len(got) != len(tc.bins) {
			t.Errorf("%s: %+v, want bins %v", tc.name, got, tc.bins)
			continue
		}
		for i := range got {
			if got[i].Bin != tc.bins[i] {
				t.Errorf("%s: %+v, want bins %v", tc.name, got, tc.bins)
			}
		}
	}
	// A tone centred on a bin: equal neighbours at G(1) = 0.5 for Hann.
	pf, _ := NewPeakFinder(1, 1, Hann)
	if pos, amp := pf.interpolate(0.5, 1, 0.5); pos != 0 || amp != 1 {
		t.Errorf("centred: %v, %v", pos, amp)
	}
	// Half-way between bins: equal bins at G(½) = 0.8488 (−1.42 dB).
	g := pf.lobe(0.5)
	if math.Abs(20*math.Log10(g)+1.4236) > 1e-3 {
		t.Errorf("Hann scalloping loss %.4f dB, want −1.4236", 20*math.Log10(g))
	}
	if pos, amp := pf.interpolate(0.1, g, g); math.Abs(pos-0.5) > 1e-12 || math.Abs(amp-1) > 1e-12 {
		t.Errorf("half-bin: %v, %v", pos, amp)
	}
	if _, err := NewPeakFinder(0, 1, Hann); err == nil {
		t.Error("k = 0: no error")
	}
	if _, err := NewPeakFinder(1, 0, Hann); err == nil {
		t.Error("distance 0: no error")
	}
	if _, err := NewPeakFinder(1, 1, WindowKind(-1)); err == nil {
		t.Error("bad window: no error")
	}
}

// FuzzPeakFinder feeds arbitrary spectra: no panic, at most k peaks, each
// a local maximum with its offset within half a bin and an amplitude no
// lower than its bin's but for the flat-top window's 0.01 dB ripple.
func FuzzPeakFinder(f *testing.F) {
	f.Add([]byte{0, 5, 0, 4, 0, 3, 0}, uint8(3), uint8(1), uint8(0))
	f.Add([]byte{9, 1, 2, 1, 8}, uint8(5), uint8(2), uint8(4))
	f.Add([]byte{}, uint8(1), uint8(1), uint8(1))
	f.Add([]byte(" 0100"), uint8(3), uint8(1), uint8(24)) // flat-top ripple: G(d) > 1
	f.Fuzz(func(t *testing.T, data []byte, k, dist, win uint8) {
		spec := make([]float64, len(data))
		for i, b := range data {
			spec[i] = float64(b) / 16
		}
		pf, err := NewPeakFinder(int(k), int(dist), WindowKind(win%5))
		if err != nil {
			return
		}
		peaks := pf.Find(nil, spec)
		if len(peaks) > int(k) {
			t.Fatalf("%d peaks, k = %d", len(peaks), k)
		}
		for _, p := range peaks {
			if p.Bin < 1 || p.Bin >= len(spec)-1 || spec[p.Bin] <= spec[p.Bin-1] || spec[p.Bin] < spec[p.Bin+1] {
				t.Fatalf("peak %+v is not a local maximum of %v", p, spec)
			}
			if math.Abs(p.Pos-float64(p.Bin)) > 0.5 || math.IsNaN(p.Amp) || math.IsInf(p.Amp, 0) || p.Amp < spec[p.Bin]*(1-2e-3) {
				t.Fatalf("peak %+v: bad interpolation on %v", p, spec)
			}
		}
	})
}
