package scanreport

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/windpm/windpm/reports/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// SCADA is the report's SCADA section: what the scan made of the --scada
// inputs it was given. The scan fills it; nil means no section.
type SCADA struct {
	// Inputs are the --scada paths as given.
	Inputs []string
	// Reference describes the reference period the temperature models
	// were fitted on ("first 14 days of each turbine's SCADA").
	Reference string
	// Density says which elevation and pressure the air density used.
	Density string
	// Notes are free text lines (a model that could not be fitted, …).
	Notes    []string
	Turbines []SCADATurbine
}

// SCADATurbine is one turbine of the SCADA section.
type SCADATurbine struct {
	Turbine         string
	Rows, CleanRows int
	// Flags counts the rows per quality flag, in the caller's order.
	Flags []FlagCount
	// LostKWh is the energy below the turbine's own curve.
	LostKWh float64
	// Curve is the power curve figure.
	Curve PowerCurve
	// Models are the temperature models, one residual trend each.
	Models []SCADAModel
	// Events are the events of the criticality counter.
	Events []SCADAEvent
	// Summary says that the measured points of the power curve and the
	// residual trends were left out (the caller's choice for a turbine
	// without events in a large fleet, so that the report does not grow
	// by a figure set per turbine): the curve figure shows the fitted
	// curve, the tables stay.
	Summary bool
}

// FlagCount is the number of rows carrying one quality flag.
type FlagCount struct {
	Name string
	Rows int
}

// SCADAModel is one normal-behaviour model of a temperature: its
// residual (measured − predicted, smoothed as the counter sees it) over
// time with its threshold.
type SCADAModel struct {
	Target string
	// RMSE is the residual RMSE on the reference period (°C).
	RMSE float64
	// Threshold is the residual above which a row is anomalous (°C).
	Threshold float64
	// Residual is drawn as a trend: Times and Values (°C, NaN where the
	// row does not count).
	Times  []time.Time
	Values []float64
	// ReferenceEnd is the end of the reference period; zero means none.
	ReferenceEnd time.Time
}

// SCADAEvent is one event of the criticality counter.
type SCADAEvent struct {
	Start, End, Opened time.Time
	// Signals are the temperatures, most anomalous first, with the
	// fraction of the event's counted rows above threshold.
	Signals   []string
	Fractions []float64
}

// PowerCurve is a power-curve figure: measured 10-minute rows as points
// (clean rows and flagged rows in two colours) and the fitted curve (bin
// means) as a line.
type PowerCurve struct {
	Title string
	// WindMS and PowerKW are the measured rows (density-normalised wind,
	// active power); Flagged, when not nil, marks the rows that carry a
	// quality flag.
	WindMS, PowerKW []float64
	Flagged         []bool
	// CurveWindMS and CurvePowerKW are the fitted curve's bins.
	CurveWindMS, CurvePowerKW []float64
}

// Bounds on the measured points drawn per power curve (ThinPowerCurve),
// in a figure file and inline in the HTML report, where an SVG circle
// costs about 110 bytes.
const (
	maxCurvePoints       = 3000
	maxInlineCurvePoints = PowerCurvePoints
)

// PowerCurvePoints is the most measured points the HTML report draws per
// power curve, and TrendPoints per trend: a caller that holds many
// turbines may thin its series to them beforehand (ThinPowerCurve) without
// changing the figures.
const (
	PowerCurvePoints = 400
	TrendPoints      = maxTrendPoints
)

// ThinPowerCurve returns pc with at most n measured points: the clean
// and the flagged rows are thinned apart, each by keeping every k-th row
// (deterministic, and it keeps the shape of the cloud), the flagged to at
// most a third of n, so that a short derating or stop stays visible
// beside a year of clean rows. The curve bins are kept.
func ThinPowerCurve(pc PowerCurve, n int) PowerCurve {
	if len(pc.WindMS) <= n {
		return pc
	}
	var clean, flagged []int
	for i := range pc.WindMS {
		if pc.Flagged != nil && pc.Flagged[i] {
			flagged = append(flagged, i)
		} else {
			clean = append(clean, i)
		}
	}
	nf := min(len(flagged), n/3)
	keep := append(everyKth(clean, n-nf), everyKth(flagged, nf)...)
	sort.Ints(keep)
	out := pc
	out.WindMS, out.PowerKW, out.Flagged = make([]float64, len(keep)), make([]float64, len(keep)), nil
	if pc.Flagged != nil {
		out.Flagged = make([]bool, len(keep))
	}
	for j, i := range keep {
		out.WindMS[j], out.PowerKW[j] = pc.WindMS[i], pc.PowerKW[i]
		if pc.Flagged != nil {
			out.Flagged[j] = pc.Flagged[i]
		}
	}
	return out
}

// everyKth keeps every k-th of idx so that at most n are left.
func everyKth(idx []int, n int) []int {
	if len(idx) <= n {
		return idx
	}
	if n <= 0 {
		return nil
	}
	step := (len(idx) + n - 1) / n
	var out []int
	for i := 0; i < len(idx); i += step {
		out = append(out, idx[i])
	}
	return out
}

// The point colours are translucent, so non-premultiplied (NRGBA):
// color.RGBA would need its components scaled by alpha.
var (
	cleanPointColor   = color.NRGBA{R: 31, G: 119, B: 180, A: 90}
	flaggedPointColor = color.NRGBA{R: 239, G: 108, B: 0, A: 170}
	curveColor        = color.RGBA{R: 29, G: 35, B: 42, A: 255}
)

// powerCurveFigure draws pc; nil and no error when there is nothing to
// draw.
func powerCurveFigure(pc PowerCurve, maxPoints int) (*plot.Plot, error) {
	if len(pc.WindMS) != len(pc.PowerKW) || (pc.Flagged != nil && len(pc.Flagged) != len(pc.WindMS)) || len(pc.CurveWindMS) != len(pc.CurvePowerKW) {
		return nil, fmt.Errorf("power curve %q: %d wind speeds, %d powers, %d flags; %d and %d curve values",
			pc.Title, len(pc.WindMS), len(pc.PowerKW), len(pc.Flagged), len(pc.CurveWindMS), len(pc.CurvePowerKW))
	}
	pc = ThinPowerCurve(pc, maxPoints)
	var clean, flagged plotter.XYs
	for i := range pc.WindMS {
		x, y := pc.WindMS[i], pc.PowerKW[i]
		if !isFinite(x) || !isFinite(y) {
			continue
		}
		if pc.Flagged != nil && pc.Flagged[i] {
			flagged = append(flagged, plotter.XY{X: x, Y: y})
		} else {
			clean = append(clean, plotter.XY{X: x, Y: y})
		}
	}
	var curve plotter.XYs
	for i, x := range pc.CurveWindMS {
		if isFinite(x) && isFinite(pc.CurvePowerKW[i]) {
			curve = append(curve, plotter.XY{X: x, Y: pc.CurvePowerKW[i]})
		}
	}
	if len(clean)+len(flagged)+len(curve) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = pc.Title
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.X.Label.Text = "normalised wind speed (m/s)"
	p.Y.Label.Text = "active power (kW)"
	p.Add(plotter.NewGrid())
	for _, s := range []struct {
		pts plotter.XYs
		c   color.Color
		lbl string
	}{{clean, cleanPointColor, "clean rows"}, {flagged, flaggedPointColor, "flagged rows"}} {
		if len(s.pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(s.pts)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color = s.c
		sc.GlyphStyle.Radius = vg.Points(1)
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(sc)
		p.Legend.Add(s.lbl, sc)
	}
	if len(curve) > 0 {
		l, err := plotter.NewLine(curve)
		if err != nil {
			return nil, err
		}
		l.Color = curveColor
		l.Width = vg.Points(1.6)
		p.Add(l)
		p.Legend.Add("fitted curve (bin means)", l)
	}
	// Bottom right: the empty corner of a power curve.
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	p.X.Label.TextStyle.Font.Size = vg.Points(9)
	p.Y.Label.TextStyle.Font.Size = vg.Points(9)
	return p, nil
}

// powerCurveSVG draws pc as an inline SVG element, "" when there is
// nothing to draw.
func powerCurveSVG(pc PowerCurve) (string, error) {
	p, err := powerCurveFigure(pc, maxInlineCurvePoints)
	if p == nil || err != nil {
		return "", err
	}
	return encodeSVG(p, trendWidth, 1.4*trendHeight)
}

// PowerCurvePlotFormats lists the file extensions WritePowerCurvePlot
// writes.
var PowerCurvePlotFormats = []string{".svg", ".png", ".pdf"}

// WritePowerCurvePlot writes the power curves as one figure to path,
// atomically, one panel per curve (two columns when there are several);
// the format follows the extension (.svg, .png or .pdf).
func WritePowerCurvePlot(path string, curves []PowerCurve) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	switch format {
	case "svg", "png", "pdf":
	default:
		return fmt.Errorf("%s: unknown figure format %q (known: %s)", path, filepath.Ext(path), strings.Join(PowerCurvePlotFormats, ", "))
	}
	var buf bytes.Buffer
	if err := EncodePowerCurvePlot(&buf, curves, format); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}

// EncodePowerCurvePlot draws the curves as one figure in format ("svg",
// "png" or "pdf") to w: panels of 6 × 4 inches, two columns when there
// are several curves.
func EncodePowerCurvePlot(w io.Writer, curves []PowerCurve, format string) error {
	if len(curves) == 0 {
		return fmt.Errorf("no power curve to draw")
	}
	cols := min(2, len(curves))
	rows := (len(curves) + cols - 1) / cols
	const panelW, panelH = 6 * vg.Inch, 4 * vg.Inch
	width, height := vg.Length(cols)*panelW, vg.Length(rows)*panelH
	plots := make([][]*plot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
	}
	for i, pc := range curves {
		p, err := powerCurveFigure(pc, maxCurvePoints)
		if err != nil {
			return err
		}
		if p == nil {
			// An empty panel still says whose it is.
			p = plot.New()
			p.Title.Text = pc.Title + ": no data"
		}
		plots[i/cols][i%cols] = p
	}
	var canvas vg.CanvasWriterTo
	switch format {
	case "svg":
		canvas = vgsvg.New(width, height)
	case "png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(96))}
	case "pdf":
		canvas = vgpdf.New(width, height)
	default:
		return fmt.Errorf("unknown figure format %q (known: svg, png, pdf)", format)
	}
	dc := draw.New(canvas)
	// A white background: PNG viewers show a transparent one as black.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(12), PadY: vg.Points(12),
		PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(6)}
	canvases := plot.Align(plots, tiles, dc)
	for r := range plots {
		for c, p := range plots[r] {
			if p != nil {
				p.Draw(canvases[r][c])
			}
		}
	}
	_, err := canvas.WriteTo(w)
	return err
}

// scadaView is the SCADA section with its figures drawn.
type scadaView struct {
	*SCADA
	Turbines []scadaTurbineView
}

type scadaTurbineView struct {
	*SCADATurbine
	Anchor    string
	Curve     figureView
	Residuals []figureView
}

func newSCADAView(s *SCADA) *scadaView {
	if s == nil {
		return nil
	}
	v := &scadaView{SCADA: s}
	for i := range s.Turbines {
		t := &s.Turbines[i]
		tv := scadaTurbineView{SCADATurbine: t, Anchor: scadaAnchor(t.Turbine)}
		tv.Curve = drawn("power curve of "+t.Turbine, func() (string, error) { return powerCurveSVG(t.Curve) })
		var opened time.Time
		if len(t.Events) > 0 {
			opened = t.Events[0].Opened
		}
		for _, m := range t.Models {
			if t.Summary {
				break
			}
			tr := Trend{Indicator: m.Target + " residual", Unit: "°C", Times: m.Times, Values: m.Values, Baseline: 0,
				Thresholds: []Threshold{{Severity: "warning", Value: m.Threshold}}, ReferenceEnd: m.ReferenceEnd, Opened: opened}
			tv.Residuals = append(tv.Residuals, drawn(tr.Indicator+" ("+tr.Unit+")", func() (string, error) { return trendSVG(tr) }))
		}
		v.Turbines = append(v.Turbines, tv)
	}
	return v
}

// scadaAnchor is the HTML id of a turbine's SCADA subsection: "scada-"
// and the turbine with AnchorID's encoding.
func scadaAnchor(turbine string) string {
	return "scada-" + strings.TrimPrefix(AnchorID(turbine), "alarm-")
}

// checkSCADA returns the first inconsistency of s that would make its
// figures wrong: series of different lengths.
func checkSCADA(s *SCADA) error {
	if s == nil {
		return nil
	}
	for _, t := range s.Turbines {
		c := t.Curve
		if len(c.WindMS) != len(c.PowerKW) || (c.Flagged != nil && len(c.Flagged) != len(c.WindMS)) || len(c.CurveWindMS) != len(c.CurvePowerKW) {
			return fmt.Errorf("scan report: SCADA %s: power curve series of different lengths", t.Turbine)
		}
		for _, m := range t.Models {
			if len(m.Times) != len(m.Values) {
				return fmt.Errorf("scan report: SCADA %s %s: %d times and %d residuals", t.Turbine, m.Target, len(m.Times), len(m.Values))
			}
		}
		for _, e := range t.Events {
			if len(e.Signals) != len(e.Fractions) {
				return fmt.Errorf("scan report: SCADA %s: event at %s has %d signals and %d fractions", t.Turbine, e.Start.Format(time.RFC3339), len(e.Signals), len(e.Fractions))
			}
		}
	}
	return nil
}

// eventSignals writes an event's signals with their fractions
// ("gearbox_bearing1_temperature 93 %, …").
func eventSignals(e SCADAEvent) string {
	parts := make([]string, len(e.Signals))
	for i, s := range e.Signals {
		parts[i] = fmt.Sprintf("%s %.0f %%", s, 100*e.Fractions[i])
	}
	return strings.Join(parts, ", ")
}

// hours writes the length of [a, b] in hours to one decimal.
func hours(a, b time.Time) string { return fmt.Sprintf("%.1f h", b.Sub(a).Hours()) }

// writeSCADAMarkdown writes the SCADA section of report.md.
func writeSCADAMarkdown(p func(string, ...any), s *SCADA) {
	if s == nil {
		return
	}
	p("## SCADA\n\n")
	p("| | |\n|---|---|\n")
	p("| Inputs | %s |\n", mdText(orDash(strings.Join(s.Inputs, " "))))
	p("| Temperature models fitted on | %s |\n", mdText(orDash(s.Reference)))
	p("| Air density | %s |\n\n", mdText(orDash(s.Density)))
	for _, n := range s.Notes {
		p("- %s\n", mdText(n))
	}
	if len(s.Notes) > 0 {
		p("\n")
	}
	for _, t := range s.Turbines {
		p("### %s\n\n", mdText(t.Turbine))
		var fl []string
		for _, f := range t.Flags {
			fl = append(fl, fmt.Sprintf("%s %d", f.Name, f.Rows))
		}
		p("%d rows, %d clean; flagged: %s; lost energy %.0f kWh; power curve %d bins.\n\n", t.Rows, t.CleanRows, mdText(orDash(strings.Join(fl, ", "))), t.LostKWh, len(t.Curve.CurveWindMS))
		if len(t.Models) > 0 {
			p("| Temperature model | Reference RMSE (°C) | Threshold (°C) |\n|---|---:|---:|\n")
			for _, m := range t.Models {
				p("| %s | %s | %s |\n", mdText(m.Target), formatNum(m.RMSE), formatNum(m.Threshold))
			}
			p("\n")
		}
		if len(t.Events) == 0 {
			p("No temperature event.\n\n")
			continue
		}
		p("| Event start | Opened | End | Length | Signals |\n|---|---|---|---:|---|\n")
		for _, e := range t.Events {
			p("| %s | %s | %s | %s | %s |\n", mdTime(e.Start), mdTime(e.Opened), mdTime(e.End), hours(e.Start, e.End), mdText(eventSignals(e)))
		}
		p("\n")
	}
}
