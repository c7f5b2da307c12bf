package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestPeakBucketsKeepsPeaks(t *testing.T) {
	n := 100000
	f := make([]float64, n)
	a := make([]float64, n)
	for i := range f {
		f[i] = float64(i) * 0.1
		a[i] = 0.01
	}
	a[12345] = 5 // a one-bin line must survive thinning
	pts := peakBuckets(f, a, 0, f[n-1], 500)
	if len(pts) != 500 {
		t.Fatalf("%d points, want 500", len(pts))
	}
	found := false
	for _, p := range pts {
		if p.Y == 5 && p.X == f[12345] {
			found = true
		}
	}
	if !found {
		t.Error("the peak at bin 12345 was lost")
	}
	// minHz and maxHz cut the series.
	if pts := peakBuckets(f, a, 0, 100, 2000); len(pts) != 1001 {
		t.Errorf("%d points up to 100 Hz, want 1001", len(pts))
	}
	if pts := peakBuckets(f, a, 50, 100, 2000); len(pts) != 501 || pts[0].X != 50 {
		t.Errorf("50–100 Hz: %d points from %g Hz, want 501 from 50 Hz", len(pts), pts[0].X)
	}
}

func TestWriteSpectrumPlot(t *testing.T) {
	dir := t.TempDir()
	f := []float64{0, 10, 20, 30, 40, 50}
	a := []float64{0, 1, 0.2, 3, 0.1, 0}
	sp := SpectrumPlot{
		Title: "test & <escape>", FreqHz: f, Amplitude: a, YLabel: "amplitude (g)",
		Markers: []Marker{{"BPFO", 30}, {"BPFO ×2", 60}, {"BPFI", 10}},
	}
	for _, ext := range []string{".svg", ".png"} {
		path := filepath.Join(dir, "s"+ext)
		if err := WriteSpectrumPlot(path, sp); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil || len(b) < 100 {
			t.Fatalf("%s: %d bytes, %v", ext, len(b), err)
		}
		if ext == ".svg" && (!bytes.Contains(b, []byte("frequency (Hz)")) || !bytes.Contains(b, []byte("BPFI"))) {
			t.Errorf("svg lacks the axis label or a marker")
		}
		if ext == ".png" && !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("png has no PNG signature")
		}
	}
	err := WriteSpectrumPlot(filepath.Join(dir, "s.bmp"), sp)
	if err == nil || !strings.Contains(err.Error(), "unknown figure format") {
		t.Errorf("bmp: err = %v", err)
	}
}

func TestEncodeSpectrumPlot(t *testing.T) {
	sp := SpectrumPlot{
		Title: "a & b", FreqHz: []float64{0, 10, 20, 30}, Amplitude: []float64{0, 1, 0.5, 2},
		YLabel: "amplitude (g)", Markers: []Marker{{"BPFO", 20}},
	}
	var buf bytes.Buffer
	if err := EncodeSpectrumPlot(&buf, sp, "svg", 6*vg.Inch, 3*vg.Inch); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	// 6 × 3 inches is 432 × 216 points.
	if !strings.Contains(svg, `width="432pt" height="216pt"`) || !strings.Contains(svg, "a &amp; b") || !strings.Contains(svg, "BPFO") {
		t.Errorf("svg lacks the size, the escaped title or the marker:\n%.400s", svg)
	}
	// The same figure written to a file is the same bytes at the file size.
	dir := t.TempDir()
	path := filepath.Join(dir, "s.svg")
	if err := WriteSpectrumPlot(path, sp); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := EncodeSpectrumPlot(&buf, sp, "svg", 10*vg.Inch, 5*vg.Inch); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, buf.Bytes()) {
		t.Error("EncodeSpectrumPlot at 10 × 5 in differs from WriteSpectrumPlot")
	}
	if err := EncodeSpectrumPlot(&buf, sp, "bmp", vg.Inch, vg.Inch); err == nil || !strings.Contains(err.Error(), "unknown figure format") {
		t.Errorf("bmp: err = %v", err)
	}
	if err := EncodeSpectrumPlot(&buf, SpectrumPlot{}, "svg", vg.Inch, vg.Inch); err == nil {
		t.Error("an empty spectrum drew without error")
	}
}
