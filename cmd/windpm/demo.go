package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/synth"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/atomicfile"
)

type demoOptions struct {
	out      string
	seed     int64
	jobs     int
	turbines int
	days     int
}

func newDemoCmd() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Synthesize a small fleet with seeded faults and show what windpm finds",
		Long: `Demo synthesizes a fleet (by default 6 turbines × 3 sensors × 60 days,
one capture per sensor per day, with an outer-race fault growing on WT01's
gearbox bearing and a damaged gear tooth on WT02), then reads every
capture back and prints, per turbine and sensor, how RMS and kurtosis moved
from the first week to the last capture and the largest line of the last
capture's envelope spectrum, named by the kinematic line it sits on, next
to the ground truth. Figures of the faulty and a healthy sensor go to
OUT/figures.

The fleet is the same as 'windpm synth --turbines 6 --days 60' makes; its
ground truth is OUT/truth.json.`,
		Example: `  windpm demo
  windpm demo --out /tmp/windpm-demo --days 14`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd, &o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.out, "out", "windpm-demo", "output folder")
	fl.Int64Var(&o.seed, "seed", 1, "random seed of the synthetic fleet")
	fl.IntVar(&o.jobs, "jobs", 0, "captures generated in parallel (0: one per CPU)")
	fl.IntVar(&o.turbines, "turbines", 6, "number of turbines")
	fl.IntVar(&o.days, "days", 60, "number of days")
	return cmd
}

// demoEnvelopeMaxHz bounds the envelope lines the demo looks at: above the
// third harmonic of every defect frequency of the synthetic drivetrain.
const demoEnvelopeMaxHz = 1000

// demoLineDB is how far above the local median of the envelope spectrum
// a line must stand to be shown. Envelope-spectrum amplitudes of noise
// are about Rayleigh-distributed (median 1.18σ), so the largest of ~5000
// noise bins exceeds the median by about 11 dB, and 15 dB with a
// probability below 1e-5.
const demoLineDB = 15

// sensorSummary gathers what the demo shows of one turbine × sensor.
type sensorSummary struct {
	turbine, sensor string
	firstRMS        []float64 // first-week values
	firstKurt       []float64
	last            *datasets.Capture
	lastStats       features.TimeStats
	lastDay         string
}

func runDemo(cmd *cobra.Command, o *demoOptions) error {
	if o.turbines < 2 || o.turbines > 99 {
		return usageErrorf("demo: --turbines must be in [2, 99], got %d", o.turbines)
	}
	if o.days < 4 || o.days > 366 {
		return usageErrorf("demo: --days must be in [4, 366], got %d", o.days)
	}
	if o.jobs < 0 {
		return usageErrorf("demo: --jobs must be >= 0, got %d", o.jobs)
	}
	ctx := cmd.Context()
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("%s: %w", o.out, atomicfile.UnwrapPathError(err))
	}

	cfg := synth.DemoConfig()
	cfg.Seed, cfg.Jobs, cfg.Turbines, cfg.Days = o.seed, o.jobs, o.turbines, o.days
	cfg.Faults = synth.DefaultFaults(o.turbines, o.days)
	fmt.Fprintf(stdout, "windpm demo: synthesizing %d turbines × 3 sensors × %d days into %s\n", cfg.Turbines, cfg.Days, o.out)
	start := time.Now()
	progress, clearProgress := progressLine(stderr, "synthesizing", "captures")
	truth, err := synth.Generate(ctx, cfg, o.out, progress)
	if err != nil {
		clearProgress()
		return err
	}
	fmt.Fprintf(stdout, "  %d captures and %d SCADA rows in %.1f s\n", truth.Captures, truth.SCADARows, time.Since(start).Seconds())

	fleetDir := filepath.Join(o.out, "fleet")
	assets, err := datasets.ReadAssets(filepath.Join(fleetDir, "assets.yaml"))
	if err != nil {
		return err
	}
	manifest, err := datasets.ReadManifest(filepath.Join(fleetDir, "manifest.csv"))
	if err != nil {
		return err
	}

	// Read every capture back through the readers, one at a time; keep
	// the statistics and only the last capture of each sensor.
	start = time.Now()
	var order []string
	groups := map[string]*sensorSummary{}
	progress, clearProgress = progressLine(stderr, "reading back", "captures")
	for i, e := range manifest.Entries {
		if err := ctx.Err(); err != nil {
			clearProgress()
			return err
		}
		caps, err := e.Read(datasets.Options{})
		if err != nil {
			clearProgress()
			return err
		}
		key := e.Turbine + "/" + e.Sensor
		g := groups[key]
		if g == nil {
			g = &sensorSummary{turbine: e.Turbine, sensor: e.Sensor}
			groups[key] = g
			order = append(order, key)
		}
		st := features.TimeDomain(caps[0].Samples)
		if e.Time.Sub(cfg.Start) < 7*24*time.Hour {
			g.firstRMS = append(g.firstRMS, st.RMS)
			g.firstKurt = append(g.firstKurt, st.Kurtosis)
		}
		g.last, g.lastStats, g.lastDay = &caps[0], st, e.Time.Format("2006-01-02")
		if progress != nil {
			progress(i+1, len(manifest.Entries))
		}
	}
	sort.Strings(order)
	fmt.Fprintf(stdout, "  read back %d captures in %.1f s\n\n", len(manifest.Entries), time.Since(start).Seconds())

	truthOf := map[string]synth.TruthFault{}
	for _, f := range truth.Faults {
		truthOf[f.Turbine+"/"+f.Sensor] = f
	}
	figDir := filepath.Join(o.out, "figures")
	if err := os.MkdirAll(figDir, 0o755); err != nil {
		return fmt.Errorf("%s: %w", figDir, atomicfile.UnwrapPathError(err))
	}
	var figures []string

	fmt.Fprintf(stdout, "Last capture of every sensor (%s), against its first week:\n\n", groups[order[0]].lastDay)
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "TURBINE\tSENSOR\tRMS g (week 1 → last)\tKURTOSIS (week 1 → last)\tENVELOPE LINE ≥ 15 dB\tGEAR SER\tGROUND TRUTH")
	for _, key := range order {
		g := groups[key]
		sensor := assets.Sensor(g.turbine, g.sensor)
		lines := kinematicLines(sensor, g.last.RPM)
		spec, err := features.ComputeSpectrum(g.last.Samples, g.last.RateHz, features.SpectrumOptions{Envelope: true})
		if err != nil {
			return fmt.Errorf("%s: %w", g.last.Path, err)
		}
		line := "—"
		// Above the demodulation bandwidth the envelope spectrum holds
		// nothing but the filter's skirts.
		maxHz := math.Min(demoEnvelopeMaxHz, spec.HiHz-spec.LoHz)
		if pk := spec.Peaks(1, 1, maxHz); len(pk) == 1 {
			floor := spec.LocalNoiseFloor(pk[0].FreqHz, 50)
			if db := 20 * math.Log10(pk[0].Amplitude/floor); db >= demoLineDB {
				line = fmt.Sprintf("%.1f Hz +%.0f dB", pk[0].FreqHz, db)
				if l, ok := features.NearestLine(lines, pk[0].FreqHz, 2*spec.FreqHz[1], 0.02); ok {
					line += " ≈ " + l.Label
				}
			}
		}
		ser := "—"
		var plain *features.Spectrum // for gear sensors: the table's SER and the mesh figure
		if sensor != nil && sensor.Gear != nil && sensor.Gear.Teeth > 0 {
			if plain, err = features.ComputeSpectrum(g.last.Samples, g.last.RateHz, features.SpectrumOptions{}); err != nil {
				return fmt.Errorf("%s: %w", g.last.Path, err)
			}
			shaftHz := g.last.RPM / 60
			ser = fmt.Sprintf("%.2f", plain.SidebandEnergyRatio(float64(sensor.Gear.Teeth)*shaftHz, shaftHz, 3, 0.02))
		}
		tf, faulty := truthOf[key]
		truthText := "healthy"
		if faulty {
			truthText = fmt.Sprintf("%s from day %d", tf.Kind, tf.StartDay)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.3g → %.3g\t%.2f → %.2f\t%s\t%s\t%s\n", g.turbine, g.sensor,
			median(g.firstRMS), g.lastStats.RMS, median(g.firstKurt), g.lastStats.Kurtosis, line, ser, truthText)

		// Figures: every faulty sensor, and the same sensor of the last
		// (healthy) turbine for comparison.
		if faulty || (g.turbine == synth.TurbineID(cfg.Turbines-1) && g.sensor == "gbx_hss") {
			var mesh *features.Spectrum
			if faulty && tf.Kind == synth.GearTooth {
				mesh = plain
			}
			paths, err := demoFigures(figDir, g, spec, mesh, lines, sensor)
			if err != nil {
				return err
			}
			figures = append(figures, paths...)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nFigures (spectra with the kinematic lines of each sensor marked):")
	for _, f := range figures {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	faulty := groups[synth.TurbineID(0)+"/gbx_hss"].last
	fmt.Fprintf(stdout, "\nGround truth: %s\nNext: windpm inspect %s\n      windpm spectrum --envelope --bpfo %g --rpm %g --out env.svg %s\n",
		filepath.Join(o.out, "truth.json"), faulty.Path, truthSensorBPFO(truth, "gbx_hss"), faulty.RPM, faulty.Path)
	return nil
}

// kinematicLines returns the lines a sensor's assets entry gives at rpm:
// shaft harmonics, bearing defect lines and, with gear data, the mesh and
// its sidebands.
func kinematicLines(s *datasets.Sensor, rpm float64) []features.Line {
	lines := features.ShaftLines(rpm, 3)
	if s == nil || rpm <= 0 {
		return lines
	}
	if s.Bearing != nil && s.Bearing.Orders != nil {
		o := s.Bearing.Orders
		lines = append(lines, features.DefectLines(features.DefectOrders{BPFO: o.BPFO, BPFI: o.BPFI, BSF: o.BSF, FTF: o.FTF}, rpm, 3)...)
	}
	if s.Gear != nil && s.Gear.Teeth > 0 {
		lines = append(lines, features.GearLines(s.Gear.Teeth, rpm, 2, 3)...)
	}
	return lines
}

// demoFigures draws the envelope spectrum of a sensor's last capture and,
// when mesh (its plain spectrum) is given, the part around the gear mesh.
func demoFigures(dir string, g *sensorSummary, env, mesh *features.Spectrum, lines []features.Line, s *datasets.Sensor) ([]string, error) {
	var markers []reports.Marker
	for _, l := range lines {
		if !strings.HasPrefix(l.Family, "GMF") {
			markers = append(markers, reports.Marker{Label: l.Label, FreqHz: l.FreqHz})
		}
	}
	name := fmt.Sprintf("%s-%s", g.turbine, g.sensor)
	envPath := filepath.Join(dir, name+"-envelope.svg")
	err := reports.WriteSpectrumPlot(envPath, reports.SpectrumPlot{
		Title:     fmt.Sprintf("%s %s %s — envelope spectrum (band %g–%g Hz), %.0f rpm", g.turbine, g.sensor, g.lastDay, env.LoHz, env.HiHz, g.last.RPM),
		FreqHz:    env.FreqHz,
		Amplitude: env.Amplitude,
		YLabel:    "envelope amplitude (g)",
		MaxHz:     500,
		Markers:   markers,
	})
	if err != nil {
		return nil, err
	}
	paths := []string{envPath}
	if mesh != nil && s != nil && s.Gear != nil {
		gmf := float64(s.Gear.Teeth) * g.last.RPM / 60
		var gm []reports.Marker
		for _, l := range features.GearLines(s.Gear.Teeth, g.last.RPM, 1, 4) {
			gm = append(gm, reports.Marker{Label: l.Label, FreqHz: l.FreqHz})
		}
		p := filepath.Join(dir, name+"-mesh.svg")
		err = reports.WriteSpectrumPlot(p, reports.SpectrumPlot{
			Title:     fmt.Sprintf("%s %s %s — spectrum around the gear mesh, %.0f rpm", g.turbine, g.sensor, g.lastDay, g.last.RPM),
			FreqHz:    mesh.FreqHz,
			Amplitude: mesh.Amplitude,
			YLabel:    "amplitude (g)",
			MinHz:     gmf - 6*g.last.RPM/60,
			MaxHz:     gmf + 6*g.last.RPM/60,
			Markers:   gm,
		})
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// truthSensorBPFO returns the BPFO order of a sensor in the ground truth.
func truthSensorBPFO(t *synth.Truth, sensor string) float64 {
	for _, s := range t.Sensors {
		if s.ID == sensor {
			return s.BPFO
		}
	}
	return 0
}

// median returns the median of x (NaN-free), 0 for an empty slice.
func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
