package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
)

type inspectOptions struct {
	capture  captureFlags
	manifest string
	json     bool
	peaks    int
}

func newInspectCmd() *cobra.Command {
	var o inspectOptions
	cmd := &cobra.Command{
		Use:   "inspect FILE...",
		Short: "Show what is in capture files: channels, rate, length, rpm, levels, peaks",
		Long: `Inspect prints, for every channel of every capture file, the sample rate,
sample count, duration, shaft speed (rpm) if known, unit, mean, RMS, peak,
crest factor, kurtosis and the largest lines of the spectrum.

FILE may be a MAT, WAV or CSV capture, a folder (read recursively), or a
manifest CSV (a CSV with a "path" column). Levels are in the file's unit
and computed on the mean-removed signal; kurtosis is Pearson (normal = 3).`,
		Example: `  windpm inspect --channel DE --rate 12000 ../shared/data/cwru/105.mat
  windpm inspect --json ../shared/data/cwru/catalog.csv
  windpm inspect --rate 25600 recordings/`,
		Args: cobra.MinimumNArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && o.manifest == "" {
				return usageErrorf("inspect: give capture files, folders or --manifest")
			}
			return runInspect(cmd, args, &o)
		},
	}
	o.capture.register(cmd)
	cmd.Flags().StringVar(&o.manifest, "manifest", "", "capture manifest CSV (path column plus rate, rpm, turbine, … columns)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print a JSON array, one object per channel")
	cmd.Flags().IntVar(&o.peaks, "peaks", 5, "how many spectral peaks to list")
	return cmd
}

// inspectRecord is the JSON form of one inspected channel; its field
// names are a stable interface.
type inspectRecord struct {
	Path         string                  `json:"path"`
	Channel      string                  `json:"channel"`
	SampleRateHz float64                 `json:"sample_rate_hz"`
	Samples      int                     `json:"samples"`
	DurationS    float64                 `json:"duration_s"`
	RPM          *float64                `json:"rpm"`
	Unit         *string                 `json:"unit"`
	Turbine      string                  `json:"turbine,omitempty"`
	Sensor       string                  `json:"sensor,omitempty"`
	Time         string                  `json:"time,omitempty"`
	Mean         float64                 `json:"mean"`
	RMS          float64                 `json:"rms"`
	Peak         float64                 `json:"peak"`
	CrestFactor  float64                 `json:"crest_factor"`
	Kurtosis     float64                 `json:"kurtosis"`
	Skewness     float64                 `json:"skewness"`
	Peaks        []features.SpectralPeak `json:"peaks"`
	Meta         map[string]string       `json:"meta,omitempty"`
}

func runInspect(cmd *cobra.Command, args []string, o *inspectOptions) error {
	if o.peaks < 0 {
		return usageErrorf("--peaks must be 0 or more, got %d", o.peaks)
	}
	opts, err := o.capture.options()
	if err != nil {
		return err
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
		ov, err := features.Inspect(c.Samples, c.RateHz, o.peaks)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", c.Path, c.Channel, err)
		}
		rec := newInspectRecord(c, ov)
		if arr != nil {
			if err := arr.Add(rec); err != nil {
				return err
			}
		} else {
			printInspectText(out, rec, first)
		}
		first = false
		return nil
	})
	if err != nil {
		return err
	}
	return b.result()
}

func newInspectRecord(c *datasets.Capture, ov features.Overview) inspectRecord {
	s := ov.Stats
	rec := inspectRecord{
		Path:         c.Path,
		Channel:      c.Channel,
		SampleRateHz: c.RateHz,
		Samples:      len(c.Samples),
		DurationS:    c.Duration(),
		Turbine:      c.Turbine,
		Sensor:       c.Sensor,
		Mean:         s.Mean,
		RMS:          s.RMS,
		Peak:         s.Peak,
		CrestFactor:  s.Crest,
		Kurtosis:     s.Kurtosis,
		Skewness:     s.Skewness,
		Peaks:        ov.Peaks,
	}
	if rec.Peaks == nil {
		rec.Peaks = []features.SpectralPeak{}
	}
	if c.RPM > 0 {
		rpm := c.RPM
		rec.RPM = &rpm
	}
	if c.Unit != "" {
		unit := c.Unit
		rec.Unit = &unit
	}
	if !c.Time.IsZero() {
		rec.Time = c.Time.UTC().Format(time.RFC3339)
	}
	if len(c.Meta) > 0 {
		rec.Meta = make(map[string]string, len(c.Meta))
		for _, f := range c.Meta {
			rec.Meta[f.Name] = f.Value
		}
	}
	return rec
}

func printInspectText(w io.Writer, r inspectRecord, first bool) {
	if !first {
		fmt.Fprintln(w)
	}
	unit, u := "(not stated)", ""
	if r.Unit != nil {
		unit, u = *r.Unit, " "+*r.Unit
	}
	rpm := "(unknown)"
	if r.RPM != nil {
		rpm = fmt.Sprintf("%g (shaft %.3f Hz)", *r.RPM, *r.RPM/60)
	}
	fmt.Fprintf(w, "%s · %s\n", r.Path, r.Channel)
	if r.Turbine != "" || r.Sensor != "" {
		fmt.Fprintf(w, "  turbine/sensor  %s / %s\n", r.Turbine, r.Sensor)
	}
	if r.Time != "" {
		fmt.Fprintf(w, "  time            %s\n", r.Time)
	}
	fmt.Fprintf(w, "  sample rate     %g Hz\n", r.SampleRateHz)
	fmt.Fprintf(w, "  samples         %d (%.3f s)\n", r.Samples, r.DurationS)
	fmt.Fprintf(w, "  rpm             %s\n", rpm)
	fmt.Fprintf(w, "  unit            %s\n", unit)
	fmt.Fprintf(w, "  mean            %.5g%s\n", r.Mean, u)
	fmt.Fprintf(w, "  rms             %.5g%s\n", r.RMS, u)
	fmt.Fprintf(w, "  peak            %.5g%s (crest factor %.3g)\n", r.Peak, u, r.CrestFactor)
	fmt.Fprintf(w, "  kurtosis        %.4g (Pearson, normal = 3)\n", r.Kurtosis)
	if len(r.Peaks) > 0 {
		parts := make([]string, len(r.Peaks))
		for i, p := range r.Peaks {
			parts[i] = fmt.Sprintf("%.2f Hz %.3g%s", p.FreqHz, p.Amplitude, u)
		}
		fmt.Fprintf(w, "  largest peaks   %s\n", strings.Join(parts, ", "))
	}
	if math.IsNaN(r.Kurtosis) {
		fmt.Fprintln(w, "  note            the signal holds NaN values")
	}
}
