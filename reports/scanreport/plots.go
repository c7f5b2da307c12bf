package scanreport

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/windpm/windpm/reports"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Figure sizes. A trend is half a printed page wide (two side by side), a
// spectrum the full width.
const (
	trendWidth     = 5.5 * vg.Inch
	trendHeight    = 2.6 * vg.Inch
	spectrumWidth  = 11 * vg.Inch
	spectrumHeight = 3.8 * vg.Inch
)

// maxTrendPoints bounds the points drawn per trend: about one per pixel
// column of a trend figure on a large screen. Longer histories are
// thinned to the minimum and maximum of each bucket (see minMaxBuckets),
// which keeps every excursion visible.
const maxTrendPoints = 2000

// severityColors are the colours of the severities in the figures; the
// HTML uses the same hues (see the CSS in html.go).
var severityColors = map[string]color.RGBA{
	"ok":      {R: 46, G: 125, B: 50, A: 255},
	"watch":   {R: 201, G: 160, B: 0, A: 255},
	"warning": {R: 239, G: 108, B: 0, A: 255},
	"alarm":   {R: 198, G: 40, B: 40, A: 255},
}

var (
	valueColor    = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	baselineColor = color.RGBA{R: 110, G: 110, B: 110, A: 255}
)

// trendSVG draws t as an SVG figure. It returns "" and no error when the
// trend has no finite value to draw.
func trendSVG(t Trend) (string, error) {
	if len(t.Times) != len(t.Values) {
		return "", fmt.Errorf("trend %q: %d times and %d values", t.Indicator, len(t.Times), len(t.Values))
	}
	xs := make([]float64, len(t.Times))
	ys := t.Values
	for i, tm := range t.Times {
		xs[i] = unixSeconds(tm)
	}
	if !sort.Float64sAreSorted(xs) {
		// The line joins points in time order whatever order they came in
		// (a stable sort keeps equal times as given).
		idx := make([]int, len(xs))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
		sx, sy := make([]float64, len(xs)), make([]float64, len(xs))
		for i, j := range idx {
			sx[i], sy[i] = xs[j], ys[j]
		}
		xs, ys = sx, sy
	}
	finite := 0
	xMin, xMax := math.Inf(1), math.Inf(-1)
	yMin, yMax := math.Inf(1), math.Inf(-1)
	for i := range xs {
		if v := ys[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			finite++
			xMin, xMax = math.Min(xMin, xs[i]), math.Max(xMax, xs[i])
			yMin, yMax = math.Min(yMin, v), math.Max(yMax, v)
		}
	}
	if finite == 0 {
		return "", nil
	}
	for _, m := range []time.Time{t.ReferenceEnd, t.Opened} {
		if !m.IsZero() {
			x := unixSeconds(m)
			xMin, xMax = math.Min(xMin, x), math.Max(xMax, x)
		}
	}
	if isFinite(t.Baseline) {
		yMin, yMax = math.Min(yMin, t.Baseline), math.Max(yMax, t.Baseline)
	}
	for _, th := range t.Thresholds {
		if isFinite(th.Value) {
			yMin, yMax = math.Min(yMin, th.Value), math.Max(yMax, th.Value)
		}
	}
	if xMax == xMin {
		xMin, xMax = xMin-43200, xMax+43200 // one capture: half a day either side
	}
	// A little room either side so that the first and last points do not
	// sit on the frame.
	xPad := 0.02 * (xMax - xMin)
	xMin, xMax = xMin-xPad, xMax+xPad
	pad := 0.06 * (yMax - yMin)
	if pad == 0 {
		pad = math.Max(0.5, 0.1*math.Abs(yMax))
	}

	p := plot.New()
	p.Title.Text = t.Indicator
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.Y.Label.Text = t.Unit
	p.X.Min, p.X.Max = xMin, xMax
	p.Y.Min, p.Y.Max = yMin-pad, yMax+pad
	p.X.Tick.Marker = timeTicks{}
	p.Add(plotter.NewGrid())

	for _, seg := range finiteRuns(xs, ys, maxTrendPoints) {
		if len(seg) == 1 {
			sc, err := plotter.NewScatter(seg)
			if err != nil {
				return "", err
			}
			sc.GlyphStyle.Color = valueColor
			sc.GlyphStyle.Radius = vg.Points(1.5)
			sc.GlyphStyle.Shape = draw.CircleGlyph{}
			p.Add(sc)
			continue
		}
		l, err := plotter.NewLine(seg)
		if err != nil {
			return "", err
		}
		l.Color = valueColor
		l.Width = vg.Points(1)
		p.Add(l)
	}
	hline := func(y float64, c color.Color, dashed bool) error {
		l, err := plotter.NewLine(plotter.XYs{{X: xMin, Y: y}, {X: xMax, Y: y}})
		if err != nil {
			return err
		}
		l.Color = c
		l.Width = vg.Points(0.9)
		if dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		}
		p.Add(l)
		return nil
	}
	if isFinite(t.Baseline) {
		if err := hline(t.Baseline, baselineColor, false); err != nil {
			return "", err
		}
	}
	for _, th := range t.Thresholds {
		if !isFinite(th.Value) {
			continue
		}
		if err := hline(th.Value, severityColors[th.Severity], true); err != nil {
			return "", err
		}
	}
	vline := func(m time.Time, c color.Color, dashes []vg.Length) error {
		if m.IsZero() {
			return nil
		}
		x := unixSeconds(m)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: p.Y.Max}})
		if err != nil {
			return err
		}
		l.Color = c
		l.Width = vg.Points(1)
		l.Dashes = dashes
		p.Add(l)
		return nil
	}
	if err := vline(t.ReferenceEnd, baselineColor, []vg.Length{vg.Points(1), vg.Points(2)}); err != nil {
		return "", err
	}
	if err := vline(t.Opened, severityColors["alarm"], nil); err != nil {
		return "", err
	}
	// The legend is one line of HTML above the trends (the same for every
	// figure), which leaves the small figures to the data.
	return encodeSVG(p, trendWidth, trendHeight)
}

// spectrumSVG draws s as an SVG figure with reports.EncodeSpectrumPlot
// (the figure of windpm spectrum, at the report's size).
func spectrumSVG(s *Spectrum) (string, error) {
	sp := reports.SpectrumPlot{
		Title: s.Title, FreqHz: s.FreqHz, Amplitude: s.Amplitude, YLabel: s.YLabel,
		MinHz: s.MinHz, MaxHz: s.MaxHz,
	}
	for _, m := range s.Markers {
		sp.Markers = append(sp.Markers, reports.Marker{Label: m.Label, FreqHz: m.FreqHz})
	}
	var buf bytes.Buffer
	if err := reports.EncodeSpectrumPlot(&buf, sp, "svg", spectrumWidth, spectrumHeight); err != nil {
		return "", err
	}
	return inlineSVG(buf.String())
}

func encodeSVG(p *plot.Plot, w, h vg.Length) (string, error) {
	wt, err := p.WriterTo(w, h, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", err
	}
	return inlineSVG(buf.String())
}

// inlineSVG turns a standalone SVG document from gonum/plot into an
// element for an HTML page: the XML declaration and comment before the
// <svg> tag go. gonum/plot escapes every text it draws
// (html.EscapeString in vgsvg.FillString), so the element is safe to
// insert as it is.
func inlineSVG(doc string) (string, error) {
	i := strings.Index(doc, "<svg")
	if i < 0 {
		return "", fmt.Errorf("figure: no <svg> element in the plot output")
	}
	return strings.TrimSpace(doc[i:]), nil
}

// finiteRuns splits the points (x[i], y[i]) into runs of consecutive
// finite values; a NaN or infinite value ends a run, so that a missing
// capture shows as a gap in the line. When there are more than maxPoints
// finite values, each run is thinned with minMaxBuckets to its share of
// maxPoints.
func finiteRuns(x, y []float64, maxPoints int) []plotter.XYs {
	var runs []plotter.XYs
	total := 0
	var cur plotter.XYs
	for i := range x {
		if !isFinite(y[i]) {
			if len(cur) > 0 {
				runs = append(runs, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: x[i], Y: y[i]})
		total++
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	if total <= maxPoints {
		return runs
	}
	for i, r := range runs {
		buckets := len(r) * (maxPoints / 2) / total
		runs[i] = minMaxBuckets(r, max(buckets, 1))
	}
	return runs
}

// minMaxBuckets thins pts to at most 2·n points: pts is cut into n
// buckets of consecutive points, and each bucket keeps its smallest and
// largest value, in their original order, so that neither a spike nor a
// dip disappears from the figure.
func minMaxBuckets(pts plotter.XYs, n int) plotter.XYs {
	if len(pts) <= 2*n {
		return pts
	}
	out := make(plotter.XYs, 0, 2*n)
	for b := 0; b < n; b++ {
		lo, hi := b*len(pts)/n, (b+1)*len(pts)/n
		iMin, iMax := lo, lo
		for i := lo; i < hi; i++ {
			if pts[i].Y < pts[iMin].Y {
				iMin = i
			}
			if pts[i].Y > pts[iMax].Y {
				iMax = i
			}
		}
		switch {
		case iMin == iMax:
			out = append(out, pts[iMin])
		case iMin < iMax:
			out = append(out, pts[iMin], pts[iMax])
		default:
			out = append(out, pts[iMax], pts[iMin])
		}
	}
	return out
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// unixSeconds is the x coordinate of a time in the trend figures.
func unixSeconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// timeTicks places the time axis ticks of a trend at round UTC times:
// hours, days or month starts, at most five labelled ticks, so that the
// labels of a half-page figure do not overlap.
type timeTicks struct{}

// Ticks implements plot.Ticker.
func (timeTicks) Ticks(min, max float64) []plot.Tick {
	const maxTicks = 5
	span := max - min
	if !(span > 0) {
		return nil
	}
	t0 := time.Unix(int64(math.Floor(min)), 0).UTC()
	in := func(t time.Time) bool { x := float64(t.Unix()); return x >= min && x <= max }
	// A tick in the last 7 % of the axis keeps its mark but not its label,
	// which would run past the figure's edge (gonum/plot sizes the margin
	// with its own font metrics; a browser may draw wider).
	label := func(x float64, s string) string {
		if x > max-0.07*span {
			return ""
		}
		return s
	}
	var ticks []plot.Tick
	// Steps under a month: multiples of a whole number of hours or days
	// counted from the Unix epoch (UTC midnight).
	const hour, day = 3600, 86400
	for _, step := range []int64{hour, 2 * hour, 3 * hour, 6 * hour, 12 * hour, day, 2 * day, 4 * day, 7 * day, 14 * day} {
		if span/float64(step) > maxTicks {
			continue
		}
		format := "2006-01-02"
		if step < day {
			format = "01-02 15:04"
		}
		for x := (int64(math.Ceil(min)) + step - 1) / step * step; float64(x) <= max; x += step {
			ticks = append(ticks, plot.Tick{Value: float64(x), Label: label(float64(x), time.Unix(x, 0).UTC().Format(format))})
		}
		return ticks
	}
	// Longer spans: the first of every k-th month.
	for _, k := range []int{1, 2, 3, 6, 12, 24, 60, 120} {
		if span/(float64(k)*30.4*day) > maxTicks {
			continue
		}
		m := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC)
		for !in(m) || (m.Year()*12+int(m.Month())-1)%k != 0 {
			m = m.AddDate(0, 1, 0)
			if float64(m.Unix()) > max {
				return ticks
			}
		}
		for ; in(m); m = m.AddDate(0, k, 0) {
			ticks = append(ticks, plot.Tick{Value: float64(m.Unix()), Label: label(float64(m.Unix()), m.Format("2006-01-02"))})
		}
		return ticks
	}
	return nil
}
