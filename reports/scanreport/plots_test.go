package scanreport

import (
	"math"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/plotter"
)

func TestMinMaxBuckets(t *testing.T) {
	n := 10000
	pts := make(plotter.XYs, n)
	for i := range pts {
		pts[i] = plotter.XY{X: float64(i), Y: math.Sin(float64(i) * 0.01)}
	}
	pts[4321].Y = 7  // a one-point spike
	pts[8765].Y = -5 // and a one-point dip
	out := minMaxBuckets(pts, 500)
	if len(out) > 1000 || len(out) < 500 {
		t.Fatalf("%d points, want 500–1000", len(out))
	}
	var spike, dip bool
	for i, p := range out {
		if i > 0 && p.X <= out[i-1].X {
			t.Fatalf("point %d at x %g after %g: order lost", i, p.X, out[i-1].X)
		}
		spike = spike || (p.X == 4321 && p.Y == 7)
		dip = dip || (p.X == 8765 && p.Y == -5)
	}
	if !spike || !dip {
		t.Errorf("spike kept %v, dip kept %v", spike, dip)
	}
	if got := minMaxBuckets(pts[:300], 500); len(got) != 300 {
		t.Errorf("a short series was thinned to %d", len(got))
	}
}

func TestFiniteRuns(t *testing.T) {
	nan := math.NaN()
	x := []float64{0, 1, 2, 3, 4, 5, 6, 7}
	y := []float64{1, 2, nan, 3, math.Inf(1), nan, 4, 5}
	runs := finiteRuns(x, y, 100)
	want := [][]float64{{0, 1}, {3}, {6, 7}}
	if len(runs) != len(want) {
		t.Fatalf("%d runs, want %d: %v", len(runs), len(want), runs)
	}
	for i, r := range runs {
		for j, p := range r {
			if p.X != want[i][j] {
				t.Errorf("run %d point %d at x %g, want %g", i, j, p.X, want[i][j])
			}
		}
	}
	// Thinning: 20,000 points in two runs come down to at most
	// maxTrendPoints in total.
	n := 20000
	x, y = make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i] = float64(i), float64(i%97)
	}
	y[n/2] = nan
	total := 0
	for _, r := range finiteRuns(x, y, maxTrendPoints) {
		total += len(r)
	}
	if total > maxTrendPoints || total < maxTrendPoints/2 {
		t.Errorf("%d points after thinning, want ≤ %d", total, maxTrendPoints)
	}
}

func TestTimeTicks(t *testing.T) {
	day := 86400.0
	t0 := float64(time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC).Unix())
	cases := []struct {
		span   float64
		format string
	}{
		{0.5 * day, "01-02 15:04"},
		{3 * day, "2006-01-02"},
		{60 * day, "2006-01-02"},
		{400 * day, "2006-01-02"},
		{3000 * day, "2006-01-02"},
	}
	for _, c := range cases {
		ticks := timeTicks{}.Ticks(t0, t0+c.span)
		if len(ticks) < 2 || len(ticks) > 5 {
			t.Errorf("span %g days: %d ticks, want 2–5", c.span/day, len(ticks))
		}
		for _, tk := range ticks {
			if tk.Value < t0 || tk.Value > t0+c.span {
				t.Errorf("span %g days: tick at %g outside the axis", c.span/day, tk.Value)
			}
			tm := time.Unix(int64(tk.Value), 0).UTC()
			if c.format == "2006-01-02" && (tm.Hour() != 0 || tm.Minute() != 0) {
				t.Errorf("span %g days: tick at %v is not at midnight", c.span/day, tm)
			}
			if tk.Label != "" && tk.Label != tm.Format(c.format) {
				t.Errorf("span %g days: label %q for %v", c.span/day, tk.Label, tm)
			}
			if tk.Value > t0+0.93*c.span && tk.Label != "" {
				t.Errorf("span %g days: a label at the right edge would run off the figure", c.span/day)
			}
		}
		if c.span > 365*day {
			for _, tk := range ticks {
				if tm := time.Unix(int64(tk.Value), 0).UTC(); tm.Day() != 1 {
					t.Errorf("span %g days: tick %v not on a month start", c.span/day, tm)
				}
			}
		}
	}
	if ticks := (timeTicks{}).Ticks(5, 5); ticks != nil {
		t.Errorf("an empty axis has ticks %v", ticks)
	}
}

func TestTrendSVG(t *testing.T) {
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	tr := Trend{Indicator: "kurtosis", Baseline: 3, Thresholds: []Threshold{{"alarm", 9}}}
	for d := 0; d < 10; d++ {
		tr.Times = append(tr.Times, start.AddDate(0, 0, d))
		tr.Values = append(tr.Values, 3+float64(d))
	}
	svg, err := trendSVG(tr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(svg, "<svg") || strings.Contains(svg, "<?xml") || !strings.HasSuffix(svg, "</svg>") {
		t.Errorf("not an inline svg element: %.80s … %.20s", svg, svg[len(svg)-20:])
	}
	if !strings.Contains(svg, "kurtosis") || !strings.Contains(svg, "stroke:#C62828") {
		t.Error("no title or no alarm threshold line")
	}
	// The same points in another order draw the same figure.
	rev := Trend{Indicator: tr.Indicator, Baseline: tr.Baseline, Thresholds: tr.Thresholds}
	for i := len(tr.Times) - 1; i >= 0; i-- {
		rev.Times = append(rev.Times, tr.Times[i])
		rev.Values = append(rev.Values, tr.Values[i])
	}
	if svg2, err := trendSVG(rev); err != nil || svg2 != svg {
		t.Errorf("a trend given newest first draws differently (%v)", err)
	}
	// No finite value: nothing to draw, no error.
	if svg, err := trendSVG(Trend{Times: tr.Times[:1], Values: []float64{math.NaN()}}); svg != "" || err != nil {
		t.Errorf("all-NaN trend: %q, %v", svg, err)
	}
	if _, err := trendSVG(Trend{Indicator: "x", Times: tr.Times, Values: tr.Values[:3]}); err == nil {
		t.Error("mismatched lengths drew")
	}
}
