package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/fft"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/atomicfile"
)

type spectrumOptions struct {
	capture  captureFlags
	envelope bool
	band     string
	window   string
	minHz    float64
	maxHz    float64
	out      string
	bearing  bearingFlags
	teeth    int
}

// bearingFlags name a bearing from the catalog or by its defect orders.
type bearingFlags struct {
	name                 string
	bpfo, bpfi, bsf, ftf float64
}

func (f *bearingFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.name, "bearing", "", "bearing from the built-in catalog ("+strings.Join(features.CatalogNames(), ", ")+")")
	fl.Float64Var(&f.bpfo, "bpfo", 0, "outer-race defect order (multiple of shaft speed), instead of --bearing")
	fl.Float64Var(&f.bpfi, "bpfi", 0, "inner-race defect order (multiple of shaft speed)")
	fl.Float64Var(&f.bsf, "bsf", 0, "ball-spin order, classical (a ball defect shows at 2×BSF)")
	fl.Float64Var(&f.ftf, "ftf", 0, "cage (fundamental train) order")
}

// orders returns the defect orders the flags give, and false when they
// give none.
func (f *bearingFlags) orders() (features.DefectOrders, bool, error) {
	given := f.bpfo > 0 || f.bpfi > 0 || f.bsf > 0 || f.ftf > 0
	if f.bpfo < 0 || f.bpfi < 0 || f.bsf < 0 || f.ftf < 0 {
		return features.DefectOrders{}, false, usageErrorf("defect orders must be positive")
	}
	switch {
	case f.name != "" && given:
		return features.DefectOrders{}, false, usageErrorf("give --bearing or defect orders (--bpfo …), not both")
	case f.name != "":
		b, err := features.LookupBearing(f.name)
		if err != nil {
			return features.DefectOrders{}, false, &exitError{code: exitUsage, err: err}
		}
		return b.Orders, true, nil
	case given:
		return features.DefectOrders{BPFO: f.bpfo, BPFI: f.bpfi, BSF: f.bsf, FTF: f.ftf}, true, nil
	}
	return features.DefectOrders{}, false, nil
}

func newSpectrumCmd() *cobra.Command {
	var o spectrumOptions
	cmd := &cobra.Command{
		Use:   "spectrum FILE",
		Short: "Write the spectrum or envelope spectrum of a capture as CSV or a plot",
		Long: `Spectrum computes the single-sided amplitude spectrum of one channel
(Hann window over the whole record, mean removed, peak scaling: a sine of
amplitude A reads A) and writes it as CSV (freq_hz,amplitude) to stdout or
to --out F.csv, or as a figure to --out F.svg, F.png or F.pdf.

--envelope computes the envelope spectrum instead: band-pass (4th-order
Butterworth, zero phase) in --band LO:HI Hz, Hilbert envelope, spectrum of
the envelope. Without --band the band is rate/8 to 3·rate/8.

With a known rpm (from the file, a manifest or --rpm) the figure marks the
shaft harmonics; with a bearing (--bearing 6205, or --bpfo/--bpfi/--bsf/--ftf
orders) also BPFO, BPFI, BSF and FTF and their harmonics; with --teeth the
gear-mesh frequency and its shaft-rate sidebands. The summary names the
line each of the largest peaks sits on.`,
		Example: `  windpm spectrum --envelope --channel DE --rate 12000 --bearing 6205 \
      --out 105-envelope.svg ../shared/data/cwru/105.mat
  windpm spectrum --channel DE --rate 12000 ../shared/data/cwru/97.mat > 97.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSpectrum(cmd, args[0], &o)
		},
	}
	o.capture.register(cmd)
	o.bearing.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&o.envelope, "envelope", false, "envelope spectrum (band-pass, Hilbert envelope, spectrum)")
	fl.StringVar(&o.band, "band", "", "envelope band LO:HI in Hz (default rate/8:3·rate/8)")
	fl.StringVar(&o.window, "window", "hann", "window: hann, hamming, blackmanharris, flattop, rectangular")
	fl.Float64Var(&o.minHz, "min-freq", 0, "lowest frequency written or plotted, Hz")
	fl.Float64Var(&o.maxHz, "max-freq", 0, "highest frequency written or plotted, Hz (default: Nyquist; 500 Hz for an envelope figure)")
	fl.IntVar(&o.teeth, "teeth", 0, "teeth of a gear on the shaft: marks the mesh frequency and its ±1..3× shaft-rate sidebands")
	fl.StringVarP(&o.out, "out", "o", "", "output file: .csv, .svg, .png or .pdf (default: CSV to stdout)")
	return cmd
}

// parseBand parses "LO:HI" in hertz.
func parseBand(s string) (lo, hi float64, err error) {
	a, b, ok := strings.Cut(s, ":")
	if ok {
		lo, err = strconv.ParseFloat(strings.TrimSpace(a), 64)
		if err == nil {
			hi, err = strconv.ParseFloat(strings.TrimSpace(b), 64)
		}
	}
	if !ok || err != nil || !(lo > 0 && hi > lo) {
		return 0, 0, usageErrorf("--band %q: want LO:HI in Hz with 0 < LO < HI, e.g. 2000:5000", s)
	}
	return lo, hi, nil
}

func runSpectrum(cmd *cobra.Command, path string, o *spectrumOptions) error {
	opts, err := o.capture.options()
	if err != nil {
		return err
	}
	var sopt features.SpectrumOptions
	sopt.Envelope = o.envelope
	if o.band != "" {
		if !o.envelope {
			return usageErrorf("--band applies to --envelope")
		}
		if sopt.LoHz, sopt.HiHz, err = parseBand(o.band); err != nil {
			return err
		}
	}
	if sopt.Window, err = fft.ParseWindow(o.window); err != nil {
		return usageErrorf("--window: %v", err)
	}
	if o.minHz < 0 || o.maxHz < 0 || (o.maxHz > 0 && o.minHz >= o.maxHz) {
		return usageErrorf("--min-freq %g and --max-freq %g: want 0 <= min < max", o.minHz, o.maxHz)
	}
	if o.teeth < 0 {
		return usageErrorf("--teeth must be positive, got %d", o.teeth)
	}
	orders, haveBearing, err := o.bearing.orders()
	if err != nil {
		return err
	}
	format := strings.ToLower(filepath.Ext(o.out))
	switch format {
	case "", ".csv", ".svg", ".png", ".pdf":
	default:
		return usageErrorf("--out %s: unknown format %q (want .csv, .svg, .png or .pdf)", o.out, format)
	}

	srcs, err := datasets.Sources([]string{path}, "")
	if err != nil {
		return err
	}
	if len(srcs) != 1 {
		return usageErrorf("spectrum takes one capture file; %s stands for %d", path, len(srcs))
	}
	caps, err := srcs[0].Read(opts)
	if err != nil {
		return err
	}
	if len(caps) != 1 {
		names := make([]string, len(caps))
		for i, c := range caps {
			names[i] = c.Channel
		}
		return usageErrorf("%s has %d channels (%s); pick one with --channel", path, len(caps), strings.Join(names, ", "))
	}
	c := &caps[0]
	spec, err := features.ComputeSpectrum(c.Samples, c.RateHz, sopt)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", path, c.Channel, err)
	}

	var lines []features.Line
	if c.RPM > 0 {
		if !spec.Envelope {
			lines = append(lines, features.ShaftLines(c.RPM, 3)...)
		}
		if haveBearing {
			lines = append(lines, features.DefectLines(orders, c.RPM, 3)...)
		}
		if o.teeth > 0 {
			lines = append(lines, features.GearLines(o.teeth, c.RPM, 2, 3)...)
		}
	} else if haveBearing || o.teeth > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "windpm: %s: no rpm known, so no kinematic markers (give --rpm)\n", path)
	}

	maxHz := o.maxHz
	if maxHz == 0 && spec.Envelope && format != ".csv" && format != "" {
		maxHz = 500
	}
	what := "spectrum"
	if spec.Envelope {
		what = fmt.Sprintf("envelope spectrum (band %g–%g Hz)", spec.LoHz, spec.HiHz)
	}
	switch format {
	case "":
		return writeSpectrumCSV(cmd.OutOrStdout(), spec, o.minHz, maxHz)
	case ".csv":
		if err := atomicfile.Write(o.out, func(w io.Writer) error { return writeSpectrumCSV(w, spec, o.minHz, maxHz) }); err != nil {
			return err
		}
	default:
		unit := c.Unit
		if unit == "" {
			unit = "file unit"
		}
		sp := reports.SpectrumPlot{
			Title:     fmt.Sprintf("%s · %s — %s", filepath.Base(path), c.Channel, what),
			FreqHz:    spec.FreqHz,
			Amplitude: spec.Amplitude,
			YLabel:    fmt.Sprintf("amplitude (%s)", unit),
			MinHz:     o.minHz,
			MaxHz:     maxHz,
		}
		if c.RPM > 0 {
			sp.Title += fmt.Sprintf(", %g rpm", c.RPM)
		}
		for _, l := range lines {
			sp.Markers = append(sp.Markers, reports.Marker{Label: l.Label, FreqHz: l.FreqHz})
		}
		if err := reports.WriteSpectrumPlot(o.out, sp); err != nil {
			return err
		}
	}
	printSpectrumSummary(cmd.OutOrStdout(), o.out, what, c, spec, lines, o.minHz, maxHz)
	return nil
}

// writeSpectrumCSV writes the spectrum as freq_hz,amplitude rows from
// minHz up to maxHz (0: all).
func writeSpectrumCSV(w io.Writer, s *features.Spectrum, minHz, maxHz float64) error {
	if _, err := fmt.Fprintln(w, "freq_hz,amplitude"); err != nil {
		return err
	}
	buf := make([]byte, 0, 64)
	for i, f := range s.FreqHz {
		if f < minHz {
			continue
		}
		if maxHz > 0 && f > maxHz {
			break
		}
		buf = strconv.AppendFloat(buf[:0], f, 'g', -1, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, s.Amplitude[i], 'g', -1, 64)
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// printSpectrumSummary tells the user what was written and where the
// largest lines are, each named by the kinematic line it sits on.
func printSpectrumSummary(w io.Writer, out, what string, c *datasets.Capture, s *features.Spectrum, lines []features.Line, minHz, maxHz float64) {
	fmt.Fprintf(w, "wrote %s: %s of %s · %s\n", out, what, c.Path, c.Channel)
	binHz := s.FreqHz[1]
	fmt.Fprintf(w, "largest peaks (resolution %.3g Hz):\n", binHz)
	for _, p := range s.Peaks(5, max(1, minHz), maxHz) {
		label := ""
		if l, ok := features.NearestLine(lines, p.FreqHz, 2*binHz, 0.02); ok {
			label = fmt.Sprintf("  ≈ %s (%.2f Hz)", l.Label, l.FreqHz)
		}
		fmt.Fprintf(w, "  %10.2f Hz  %.4g%s\n", p.FreqHz, p.Amplitude, label)
	}
}
