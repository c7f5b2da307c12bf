package fft

import (
	"fmt"
	"math"
	"testing"
)

func TestWindowMatchesScipy(t *testing.T) {
	var ref struct {
		Cases []struct {
			Window    string
			N         int
			Symmetric bool
			W         []float64
		}
	}
	loadReference(t, "windows.json", &ref)
	for _, c := range ref.Cases {
		k, err := ParseWindow(c.Window)
		if err != nil {
			t.Fatal(err)
		}
		got := Window(make([]float64, c.N), k, c.Symmetric)
		checkClose(t, fmt.Sprintf("%s n=%d sym=%v", c.Window, c.N, c.Symmetric), got, c.W, refTol)
	}
}

func TestWindowGainAndENBW(t *testing.T) {
	// Closed forms for periodic windows (Harris 1978): coherent gain a0,
	// ENBW = (a0² + Σ_{k>0} a_k²/2)/a0² bins.
	for _, k := range []WindowKind{Rectangular, Hann, Hamming, BlackmanHarris, FlatTop} {
		w := Window(make([]float64, 1024), k, false)
		a := k.coefficients()
		cg, enbw := 1.0, 1.0
		if a != nil {
			cg = a[0]
			s := a[0] * a[0]
			for _, v := range a[1:] {
				s += v * v / 2
			}
			enbw = s / (a[0] * a[0])
		}
		if got := CoherentGain(w); math.Abs(got-cg) > 1e-13 {
			t.Errorf("%v: coherent gain %v, want %v", k, got, cg)
		}
		if got := ENBW(w); math.Abs(got-enbw) > 1e-12 {
			t.Errorf("%v: ENBW %v bins, want %v", k, got, enbw)
		}
		if got, want := ENBWHz(w, 2048), 2*enbw; math.Abs(got-want) > 1e-12 {
			t.Errorf("%v: ENBW %v Hz, want %v", k, got, want)
		}
	}
	w := Window(make([]float64, 1000), Hann, false)
	if got := ENBW(w); math.Abs(got-1.5) > 1e-12 {
		t.Errorf("Hann ENBW %v, want 1.5", got)
	}
}

func TestParseWindow(t *testing.T) {
	for _, tc := range []struct {
		name string
		want WindowKind
	}{
		{"hann", Hann}, {"Hanning", Hann}, {"rect", Rectangular}, {"boxcar", Rectangular},
		{"hamming", Hamming}, {"Blackman-Harris", BlackmanHarris}, {"flattop", FlatTop}, {" flat-top ", FlatTop},
	} {
		got, err := ParseWindow(tc.name)
		if err != nil || got != tc.want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", tc.name, got, err, tc.want)
		}
		if back, err := ParseWindow(got.String()); err != nil || back != got {
			t.Errorf("ParseWindow(%v.String()) = %v, %v", got, back, err)
		}
	}
	for _, bad := range []string{"", "kaiser", "hann2"} {
		if _, err := ParseWindow(bad); err == nil {
			t.Errorf("ParseWindow(%q): no error", bad)
		}
	}
}
