package fft

import (
	"math"
	"testing"
)

// TestPeakFinderTones checks the K largest peaks of the spectra of three
// tones between bins through each window: bins, order, interpolated
// frequency and amplitude against the known tones.
func TestPeakFinderTones(t *testing.T) {
	const n, rate = 4096, 4096.0 // 1 Hz bins
	tones := []struct{ f, a float64 }{{100.3, 1.0}, {250.5, 0.5}, {400.8, 0.25}}
	x := make([]float64, n)
	for i := range x {
		for _, tn := range tones {
			x[i] += tn.a * math.Sin(2*math.Pi*tn.f*float64(i)/rate)
		}
	}
	for _, tc := range []struct {
		kind           WindowKind
		binTol, ampTol float64
	}{
		// Hamming's far sidelobes (−43 dB, slowly decaying) leak more
		// between the tones than Hann's.
		{Hann, 1e-5, 1e-5},
		{Hamming, 2e-3, 1e-3},
		{BlackmanHarris, 1e-5, 1e-5},
		{FlatTop, 1e-3, 1e-5},
	} {
		a, _ := NewAmplitudeSpectrum(n, tc.kind)
		spec := make([]float64, a.Bins())
		a.Compute(spec, x)
		pf, err := NewPeakFinder(3, 5, tc.kind)
		if err != nil {
			t.Fatal(err)
		}
		peaks := pf.Find(make([]Peak, 0, 3), spec)
		if len(peaks) != 3 {
			t.Fatalf("%v: found %d peaks, want 3: %+v", tc.kind, len(peaks), peaks)
		}
		for i, p := range peaks {
			want := tones[i]
			f := p.Pos * rate / n
			db, da := (f-want.f)*n/rate, (p.Amp-want.a)/want.a
			t.Logf("%v peak %d: bin %d, %.5f Hz, amplitude %.6f (tone %.1f Hz, %.3f): errors %.2g bin, %.2g relative", tc.kind, i, p.Bin, f, p.Amp, want.f, want.a, db, da)
			if math.Abs(db) > tc.binTol || math.Abs(da) > tc.ampTol {
				t.Errorf("%v peak %d: %.5f Hz, amplitude %.6f; want %.5f Hz, %.6f (tolerance %g bin, %g)", tc.kind, i, f, p.Amp, want.f, want.a, tc.binTol, tc.ampTol)
			}
		}
		if n := testing.AllocsPerRun(5, func() { peaks = pf.Find(peaks, spec) }); n != 0 {
			t.Errorf("Find allocates %v times per call", n)
		}
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
