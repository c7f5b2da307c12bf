package reports

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/windpm/windpm/reports/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Marker is a labelled frequency drawn as a vertical line on a spectrum
// plot, such as a bearing defect frequency or one of its harmonics.
type Marker struct {
	Label  string
	FreqHz float64
}

// SpectrumPlot describes a spectrum figure: amplitude against frequency
// with optional fault-frequency markers.
type SpectrumPlot struct {
	Title string
	// FreqHz and Amplitude are the spectrum, of equal length.
	FreqHz, Amplitude []float64
	// YLabel names the amplitude axis with its unit ("amplitude (g)").
	YLabel string
	// MinHz and MaxHz limit the frequency axis; MaxHz 0 shows the
	// spectrum up to its last bin.
	MinHz, MaxHz float64
	// Markers are drawn as dashed vertical lines, coloured by their label
	// before the first space ("BPFO ×2" shares BPFO's colour).
	Markers []Marker
}

// plotBuckets is how many points a plotted spectrum keeps: about one per
// pixel column of a 1600-pixel-wide figure.
const plotBuckets = 2000

// PlotFormats lists the figure file extensions WriteSpectrumPlot writes.
var PlotFormats = []string{".svg", ".png", ".pdf"}

// WriteSpectrumPlot writes sp as a figure to path, atomically; the format
// follows the extension (.svg, .png or .pdf).
func WriteSpectrumPlot(path string, sp SpectrumPlot) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	switch format {
	case "svg", "png", "pdf":
	default:
		return fmt.Errorf("%s: unknown figure format %q (known: %s)", path, filepath.Ext(path), strings.Join(PlotFormats, ", "))
	}
	wt, err := spectrumWriterTo(sp, format, 10*vg.Inch, 5*vg.Inch)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

// EncodeSpectrumPlot draws sp as a figure of the given size in format
// ("svg", "png" or "pdf") and writes it to w, for a figure that goes into
// a larger document (an HTML report) rather than a file of its own.
func EncodeSpectrumPlot(w io.Writer, sp SpectrumPlot, format string, width, height vg.Length) error {
	switch format {
	case "svg", "png", "pdf":
	default:
		return fmt.Errorf("unknown figure format %q (known: svg, png, pdf)", format)
	}
	wt, err := spectrumWriterTo(sp, format, width, height)
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}

func spectrumWriterTo(sp SpectrumPlot, format string, width, height vg.Length) (io.WriterTo, error) {
	p, err := spectrumFigure(sp)
	if err != nil {
		return nil, err
	}
	return p.WriterTo(width, height, format)
}

// markerColors are the colours of successive marker families.
var markerColors = []color.Color{
	color.RGBA{R: 214, G: 39, B: 40, A: 255},
	color.RGBA{R: 44, G: 160, B: 44, A: 255},
	color.RGBA{R: 148, G: 103, B: 189, A: 255},
	color.RGBA{R: 255, G: 127, B: 14, A: 255},
	color.RGBA{R: 140, G: 86, B: 75, A: 255},
}

func spectrumFigure(sp SpectrumPlot) (*plot.Plot, error) {
	if len(sp.FreqHz) != len(sp.Amplitude) || len(sp.FreqHz) == 0 {
		return nil, fmt.Errorf("spectrum plot needs equal, non-empty frequency and amplitude series")
	}
	maxHz := sp.MaxHz
	if !(maxHz > 0) {
		maxHz = sp.FreqHz[len(sp.FreqHz)-1]
	}
	p := plot.New()
	p.Title.Text = sp.Title
	p.X.Label.Text = "frequency (Hz)"
	p.Y.Label.Text = sp.YLabel
	if !(sp.MinHz >= 0 && sp.MinHz < maxHz) {
		return nil, fmt.Errorf("spectrum plot: frequency range %g–%g Hz is empty", sp.MinHz, maxHz)
	}
	p.X.Min, p.X.Max = sp.MinHz, maxHz
	p.Add(plotter.NewGrid())

	pts := peakBuckets(sp.FreqHz, sp.Amplitude, sp.MinHz, maxHz, plotBuckets)
	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	line.Color = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	line.Width = vg.Points(0.8)
	p.Add(line)

	yMax := 0.0
	for _, pt := range pts {
		yMax = math.Max(yMax, pt.Y)
	}
	p.Y.Min = 0
	if yMax > 0 {
		p.Y.Max = yMax * 1.3 // room above the data for marker labels and the legend
	}
	families := map[string]color.Color{}
	for _, m := range sp.Markers {
		if m.FreqHz < sp.MinHz || m.FreqHz > maxHz {
			continue
		}
		family, _, _ := strings.Cut(m.Label, " ")
		c, ok := families[family]
		if !ok {
			c = markerColors[len(families)%len(markerColors)]
			families[family] = c
		}
		ml, err := plotter.NewLine(plotter.XYs{{X: m.FreqHz, Y: 0}, {X: m.FreqHz, Y: p.Y.Max}})
		if err != nil {
			return nil, err
		}
		ml.Color = c
		ml.Width = vg.Points(0.7)
		ml.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(ml)
		if !ok {
			p.Legend.Add(family, ml)
		}
		lbl, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    []plotter.XY{{X: m.FreqHz, Y: p.Y.Max * 0.97}},
			Labels: []string{m.Label},
		})
		if err != nil {
			return nil, err
		}
		lbl.TextStyle[0].Color = c
		lbl.TextStyle[0].Rotation = -math.Pi / 2
		lbl.TextStyle[0].XAlign = draw.XLeft
		lbl.TextStyle[0].Font.Size = vg.Points(7)
		p.Add(lbl)
	}
	p.Legend.Top = true
	return p, nil
}

// peakBuckets thins the part of a spectrum between minHz and maxHz to at
// most n points, keeping the largest amplitude of each bucket so that no
// peak disappears from the figure.
func peakBuckets(f, a []float64, minHz, maxHz float64, n int) plotter.XYs {
	start, end := 0, len(f)
	for start < end && f[start] < minHz {
		start++
	}
	for end > start && f[end-1] > maxHz {
		end--
	}
	m := end - start
	if m <= n {
		pts := make(plotter.XYs, m)
		for i := range pts {
			pts[i] = plotter.XY{X: f[start+i], Y: a[start+i]}
		}
		return pts
	}
	pts := make(plotter.XYs, 0, n)
	for b := 0; b < n; b++ {
		lo, hi := start+b*m/n, start+(b+1)*m/n
		best := lo
		for i := lo; i < hi; i++ {
			if a[i] > a[best] {
				best = i
			}
		}
		pts = append(pts, plotter.XY{X: f[best], Y: a[best]})
	}
	return pts
}
