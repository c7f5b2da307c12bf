package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
)

type diagnoseOptions struct {
	capture  captureFlags
	bearing  bearingFlags
	manifest string
	band     string
	json     bool
}

func newDiagnoseCmd() *cobra.Command {
	var o diagnoseOptions
	cmd := &cobra.Command{
		Use:   "diagnose FILE...",
		Short: "Diagnose bearing faults from physics: envelope analysis, no training",
		Long: `Diagnose names the bearing fault each capture shows, from physics alone.
Three envelope spectra are read: the band the fast kurtogram chooses (or
--band LO:HI), the best kurtogram band disjoint from it, and the squared
envelope of the cepstrally pre-whitened signal. In each, for each defect
family — BPFO (outer race), BPFI (inner race), 2×BSF (ball) and FTF (cage) —
the evidence: harmonics 1..3 found within ±2 % of the kinematic frequency
(bearing slip), their deviation from it and their level in dB above the
local noise floor, the sidebands (BPFI ± 1× shaft, 2×BSF ± FTF), and for the
ball the band energy spread around 2×BSF. Each family keeps its best
spectrum.

A line counts when it clears a threshold derived from the statistics of
Gaussian noise (false-alarm probability 10⁻³ per line over the three
spectra) plus a margin measured on healthy captures (6 dB for lines, 1 dB
for band energy). Ball and cage lines that are harmonics of the cage rate an
outer-race line implies are explained by it and do not count; a ball or
cage verdict needs more than one lone line. The cage series FTF ×1..3 counts
for the ball (a ball defect is carried through the load zone once per cage
revolution; the envelope cannot tell that from a damaged cage, and ball
faults are far more common): a ball verdict on the cage series alone says
so (cage_series_only). The cage is named only when the orders give no BSF.
A family's score is the sum of
the margins of its lines (sidebands only with their carrier); the verdict
is the family of highest positive score (outer_race, inner_race, ball,
cage), or none. Between inner_race and ball the whole line sets decide:
k·BPFI ± m·shaft exactly for the race, k·2×BSF ± m·FTF with a common slip
(0–3 %) for the ball, k = 1..3, |m| ≤ 2; the one that explains more of the
spectrum's peaks, its carrier among them, gives the verdict. docs/evaluation.md has the derivation and the results on
CWRU.

The bearing comes from --bearing (catalog), --bpfo/--bpfi/--bsf/--ftf
orders, or a manifest's bearing column; the shaft speed from the file, the
manifest or --rpm.

--json prints an array with one object per channel: path, channel,
verdict, rpm, sample_rate_hz, samples (analysed: the first N, N the
largest 2·3·5-smooth length, within 1 % of the capture), band_hz [lo, hi],
band_kurtosis, band2_hz and band2_kurtosis (null without a second band),
resolution_hz, and families (ranked), each with family (BPFO, BPFI, BSF,
FTF), fault, spectrum (band, band2, whitened), score, harmonics, sidebands,
for BSF band_energy and modulation (the cage series, which counts for the
ball whenever the bearing has a BSF); a line has label, order, side (−1/+1 for
sidebands), freq_hz, expected_hz, deviation_pct, db, threshold_db, found
(null where a line could not be read) and explained_by when a found line is
a cage-rate harmonic of the BPFO line; line_sets (when the scores name
inner_race or ball) the comparison of the two hypotheses' line sets:
spectrum, peaks, verdict ("" on a tie), and for inner_race and ball lines,
explained, carrier_found, score, excess_db, strike_factor,
modulation_factor and the lines found; cage_series_only (true when the
verdict is ball and rests on the cage series alone: a damaged cage would
look the same in the envelope, and ball is named as the far more common
fault).`,
		Example: `  windpm diagnose --channel DE --bearing 6205 --manifest ../shared/data/cwru/catalog.csv
  windpm diagnose --json --channel DE --rate 12000 --bearing 6205 ../shared/data/cwru/105.mat
  windpm diagnose --rpm 1500 --bpfo 3.58 --bpfi 5.42 --bsf 2.36 --ftf 0.4 capture.wav`,
		Args: cobra.MinimumNArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && o.manifest == "" {
				return usageErrorf("diagnose: give capture files, folders or --manifest")
			}
			return runDiagnose(cmd, args, &o)
		},
	}
	o.capture.register(cmd)
	o.bearing.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.manifest, "manifest", "", "capture manifest CSV (path column plus rate, rpm, bearing, … columns)")
	fl.StringVar(&o.band, "band", "", "envelope band LO:HI in Hz (default: chosen by the fast kurtogram)")
	fl.BoolVar(&o.json, "json", false, "print a JSON array, one object per channel")
	return cmd
}

// diagnoseLine is the JSON form of one line of evidence; null stands for
// a line that could not be read (outside the band, or no local maximum).
type diagnoseLine struct {
	Label        string   `json:"label"`
	Order        int      `json:"order"`
	Side         int      `json:"side,omitempty"`
	FreqHz       *float64 `json:"freq_hz"`
	ExpectedHz   float64  `json:"expected_hz"`
	DeviationPct *float64 `json:"deviation_pct"`
	DB           *float64 `json:"db"`
	ThresholdDB  *float64 `json:"threshold_db"`
	Found        bool     `json:"found"`
	ExplainedBy  string   `json:"explained_by,omitempty"`
}

// diagnoseFamily is the JSON form of one family's evidence.
type diagnoseFamily struct {
	Family    string         `json:"family"`
	Fault     string         `json:"fault"`
	Spectrum  string         `json:"spectrum"`
	Score     float64        `json:"score"`
	Harmonics []diagnoseLine `json:"harmonics"`
	Sidebands []diagnoseLine `json:"sidebands"`
	Energy    *diagnoseLine  `json:"band_energy,omitempty"`
	// Modulation (ball only) is the cage series counted as the load-zone
	// modulation of a ball defect.
	Modulation []diagnoseLine `json:"modulation,omitempty"`
}

// diagnoseRecord is the JSON form of one diagnosed channel; its field
// names are a stable interface.
type diagnoseRecord struct {
	Path         string            `json:"path"`
	Channel      string            `json:"channel"`
	Verdict      string            `json:"verdict"`
	RPM          float64           `json:"rpm"`
	SampleRateHz float64           `json:"sample_rate_hz"`
	BandHz       [2]float64        `json:"band_hz"`
	BandKurtosis float64           `json:"band_kurtosis"`
	Band2Hz      *[2]float64       `json:"band2_hz"`
	Band2Kurt    *float64          `json:"band2_kurtosis"`
	ResolutionHz float64           `json:"resolution_hz"`
	Samples      int               `json:"samples"`
	Families     []diagnoseFamily  `json:"families"`
	LineSets     *diagnoseLineSets `json:"line_sets,omitempty"`
	// CageSeriesOnly: the ball verdict rests on the cage series alone.
	CageSeriesOnly bool `json:"cage_series_only"`
}

// diagnoseFit is the JSON form of one hypothesis's line-set fit.
type diagnoseFit struct {
	Lines        int            `json:"lines"`
	Explained    int            `json:"explained"`
	CarrierFound bool           `json:"carrier_found"`
	Score        int            `json:"score"`
	ExcessDB     float64        `json:"excess_db"`
	StrikeFactor float64        `json:"strike_factor"`
	ModFactor    float64        `json:"modulation_factor"`
	Found        []diagnoseLine `json:"found"`
}

// diagnoseLineSets is the JSON form of the comparison of the inner-race
// and ball line sets.
type diagnoseLineSets struct {
	Spectrum  string      `json:"spectrum"`
	Peaks     int         `json:"peaks"`
	Verdict   string      `json:"verdict"`
	InnerRace diagnoseFit `json:"inner_race"`
	Ball      diagnoseFit `json:"ball"`
}

func newDiagnoseFit(h *features.HypothesisFit) diagnoseFit {
	return diagnoseFit{Lines: h.Lines, Explained: h.Explained, CarrierFound: h.CarrierFound, Score: h.Score,
		ExcessDB: h.ExcessDB, StrikeFactor: h.StrikeFactor, ModFactor: h.ModFactor, Found: diagnoseLines(h.Found)}
}

func runDiagnose(cmd *cobra.Command, args []string, o *diagnoseOptions) error {
	opts, err := o.capture.options()
	if err != nil {
		return err
	}
	flagOrders, haveFlagOrders, err := o.bearing.orders()
	if err != nil {
		return err
	}
	var lo, hi float64
	if o.band != "" {
		if lo, hi, err = parseBand(o.band); err != nil {
			return err
		}
	}
	dg, err := features.NewDiagnoser(lo, hi)
	if err != nil {
		return usageErrorf("--band: %v", err)
	}
	srcs, err := datasets.Sources(args, o.manifest)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	first := true
	var arr *jsonArray
	if o.json {
		arr = newJSONArray(out)
		defer arr.Close()
	}
	b := batch{stderr: cmd.ErrOrStderr()}
	err = b.eachCapture(cmd.Context(), srcs, opts, func(c *datasets.Capture) error {
		orders := flagOrders
		if !haveFlagOrders {
			if c.Bearing == "" {
				return fmt.Errorf("%s: %s: no bearing known; give --bearing or defect orders (--bpfo --bpfi --bsf --ftf)", c.Path, c.Channel)
			}
			bb, err := features.LookupBearing(c.Bearing)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", c.Path, c.Channel, err)
			}
			orders = bb.Orders
		}
		if !(c.RPM > 0) {
			return fmt.Errorf("%s: %s: no shaft speed known; give --rpm", c.Path, c.Channel)
		}
		d, err := dg.Diagnose(c.Samples, c.RateHz, c.RPM, orders)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", c.Path, c.Channel, err)
		}
		rec := newDiagnoseRecord(c, &d)
		if arr != nil {
			if err := arr.Add(rec); err != nil {
				return err
			}
		} else {
			printDiagnoseText(out, &rec, first)
		}
		first = false
		return nil
	})
	if err != nil {
		return err
	}
	return b.result()
}

func newDiagnoseRecord(c *datasets.Capture, d *features.Diagnosis) diagnoseRecord {
	rec := diagnoseRecord{
		Path: c.Path, Channel: c.Channel, Verdict: d.Verdict, RPM: d.RPM, SampleRateHz: c.RateHz,
		BandHz: [2]float64{d.BandLoHz, d.BandHiHz}, BandKurtosis: finite(d.BandKurtosis), ResolutionHz: d.ResolutionHz, Samples: d.Samples,
		Families: make([]diagnoseFamily, 0, len(d.Families)), CageSeriesOnly: d.CageSeriesOnly,
	}
	if d.Band2HiHz > 0 {
		rec.Band2Hz = &[2]float64{d.Band2LoHz, d.Band2HiHz}
		k := finite(d.Band2Kurtosis)
		rec.Band2Kurt = &k
	}
	for _, f := range d.Families {
		jf := diagnoseFamily{Family: f.Family, Fault: f.Verdict, Spectrum: f.Spectrum, Score: f.Score,
			Harmonics: diagnoseLines(f.Harmonics), Sidebands: diagnoseLines(f.Sidebands)}
		if f.Energy != nil {
			jf.Energy = &diagnoseLines([]features.LineEvidence{*f.Energy})[0]
		}
		if f.Modulation != nil {
			jf.Modulation = diagnoseLines(f.Modulation)
		}
		rec.Families = append(rec.Families, jf)
	}
	if c := d.LineSets; c != nil {
		rec.LineSets = &diagnoseLineSets{Spectrum: c.Spectrum, Peaks: c.Peaks, Verdict: c.Verdict,
			InnerRace: newDiagnoseFit(&c.InnerRace), Ball: newDiagnoseFit(&c.Ball)}
	}
	return rec
}

func diagnoseLines(ls []features.LineEvidence) []diagnoseLine {
	out := make([]diagnoseLine, 0, len(ls))
	for _, l := range ls {
		out = append(out, diagnoseLine{
			Label: l.Label, Order: l.Order, Side: l.Side, ExpectedHz: l.ExpectedHz,
			FreqHz: nullable(l.FreqHz), DeviationPct: nullable(l.DeviationPct),
			DB: nullable(l.DB), ThresholdDB: nullable(l.ThresholdDB), Found: l.Found, ExplainedBy: l.ExplainedBy,
		})
	}
	return out
}

// nullable returns nil for NaN (JSON null), else a pointer to v.
func nullable(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// printDiagnoseText prints one channel's verdict, the ranked families and
// the lines each found.
func printDiagnoseText(w io.Writer, r *diagnoseRecord, first bool) {
	if !first {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s · %s: %s\n", r.Path, r.Channel, strings.ToUpper(r.Verdict))
	fmt.Fprintf(w, "  %g rpm, envelope band %.0f–%.0f Hz (spectral kurtosis %.3g)", r.RPM, r.BandHz[0], r.BandHz[1], r.BandKurtosis)
	if r.Band2Hz != nil && r.Band2Kurt != nil {
		fmt.Fprintf(w, ", second band %.0f–%.0f Hz (%.3g)", r.Band2Hz[0], r.Band2Hz[1], *r.Band2Kurt)
	}
	fmt.Fprintf(w, ", resolution %.3g Hz\n", r.ResolutionHz)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  FAMILY\tFAULT\tSPECTRUM\tSCORE\tEVIDENCE (line: found Hz, deviation, dB above floor / threshold; * counts)")
	for _, f := range r.Families {
		var ev []string
		lines := append(append(append([]diagnoseLine{}, f.Harmonics...), f.Sidebands...), f.Modulation...)
		for _, l := range lines {
			if l.DB == nil || l.FreqHz == nil {
				continue
			}
			mark, note := "", ""
			switch {
			case l.Found && l.ExplainedBy != "":
				note = " (= " + l.ExplainedBy + ")"
			case l.Found:
				mark = "*"
			}
			ev = append(ev, fmt.Sprintf("%s%s %.2f Hz %+.1f%% %.1f/%.1f dB%s", mark, l.Label, *l.FreqHz, *l.DeviationPct, *l.DB, *l.ThresholdDB, note))
		}
		if e := f.Energy; e != nil && e.DB != nil {
			mark := ""
			if e.Found {
				mark = "*"
			}
			ev = append(ev, fmt.Sprintf("%s%s %.1f/%.1f dB", mark, e.Label, *e.DB, *e.ThresholdDB))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%.1f\t%s\n", f.Family, f.Fault, f.Spectrum, f.Score, strings.Join(ev, ", "))
	}
	tw.Flush()
	if c := r.LineSets; c != nil {
		carrier := func(f *diagnoseFit) string {
			if f.CarrierFound {
				return "carrier found"
			}
			return "no carrier"
		}
		v := c.Verdict
		if v == "" {
			v = "tie"
		}
		fmt.Fprintf(w, "  line sets (%s, %d peaks): inner race explains %d of %d (%s), ball %d of %d (%s, slip %.1f %%, cage %.1f %%) → %s\n",
			c.Spectrum, c.Peaks, c.InnerRace.Explained, c.InnerRace.Lines, carrier(&c.InnerRace),
			c.Ball.Explained, c.Ball.Lines, carrier(&c.Ball), 100*(1-c.Ball.StrikeFactor), 100*(1-c.Ball.ModFactor), v)
	}
	if r.CageSeriesOnly {
		fmt.Fprintln(w, "  ball on the cage series alone (FTF and its harmonics, no 2×BSF line): a damaged cage would look the same; ball is named as the far more common fault")
	}
}
