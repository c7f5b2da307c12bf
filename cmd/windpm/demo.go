package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/synth"
	"github.com/windpm/windpm/reports/atomicfile"
	"github.com/windpm/windpm/reports/scanreport"
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
		Short: "Synthesize a small fleet with seeded faults, scan it, and show where the report is",
		Long: `Demo synthesizes a fleet (by default 6 turbines × 3 sensors × 60 days,
one capture per sensor per day, with an outer-race fault growing on WT01's
gearbox bearing from the middle day and a damaged gear tooth on WT02 from a
third of the way; the rest healthy) with its SCADA and ground truth, runs
'windpm scan' on it, and compares the alarms with the ground truth.

The fleet is what 'windpm synth --turbines 6 --days 60' makes (OUT/fleet,
OUT/scada, OUT/truth.json); the scan's output is OUT/scan, its report
OUT/scan/report.html. Run it again and the scan finds nothing new.`,
		Example: `  windpm demo
  windpm demo --out /tmp/windpm-demo --turbines 3 --days 30`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd, &o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.out, "out", "windpm-demo", "output folder")
	fl.Int64Var(&o.seed, "seed", 1, "random seed of the synthetic fleet")
	fl.IntVar(&o.jobs, "jobs", 0, "parallel workers (0: one per CPU)")
	fl.IntVar(&o.turbines, "turbines", 6, "number of turbines")
	fl.IntVar(&o.days, "days", 60, "number of days")
	return cmd
}

// demoReferenceDays returns the reference period of the demo's scan: a
// third of the days, at most the scan's default of 21, so that the faults
// (from a third and from half of the way) start after it.
func demoReferenceDays(days int) int { return max(1, min(21, days/3)) }

func runDemo(cmd *cobra.Command, o *demoOptions) error {
	if o.turbines < 2 || o.turbines > 99 {
		return usageErrorf("demo: --turbines must be in [2, 99], got %d", o.turbines)
	}
	if o.days < 24 || o.days > 366 {
		return usageErrorf("demo: --days must be in [24, 366] (the scan needs 8 reference days), got %d", o.days)
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
	clearProgress()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  %d captures and %d SCADA rows in %.1f s\n\n", truth.Captures, truth.SCADARows, time.Since(start).Seconds())

	so := &scanOptions{fleet: filepath.Join(o.out, "fleet"), out: filepath.Join(o.out, "scan"), jobs: o.jobs,
		scada: []string{filepath.Join(o.out, "scada")}, chunk: 256, referenceDays: demoReferenceDays(o.days), classes: 2, persistence: "3/5"}
	fmt.Fprintf(stdout, "windpm scan --fleet %s --scada %s --out %s --reference-days %d\n", so.fleet, so.scada[0], so.out, so.referenceDays)
	if err := runScan(cmd, so); err != nil {
		return err
	}
	return demoVerdict(stdout, truth, filepath.Join(so.fleet, "assets.yaml"), filepath.Join(so.out, "summary.json"))
}

// demoVerdict compares the scan's alarms with the ground truth and prints
// the comparison: every seeded fault should be alarmed, every healthy
// component quiet.
func demoVerdict(w io.Writer, truth *synth.Truth, assetsPath, summaryPath string) error {
	assets, err := datasets.ReadAssets(assetsPath)
	if err != nil {
		return err
	}
	sum, err := scanreport.ReadSummaryJSON(summaryPath)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nGround truth against the scan:")
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "TURBINE\tCOMPONENT\tSEEDED\tSCAN\tVERDICT")
	faulty := map[string]bool{}
	for _, f := range truth.Faults {
		comp := f.Sensor
		if s := assets.Sensor(f.Turbine, f.Sensor); s != nil && s.Component != "" {
			comp = s.Component
		}
		faulty[f.Turbine+"/"+comp] = true
		scan, verdict := "no alarm", "MISSED"
		for _, a := range sum.Alarms {
			if a.Turbine == f.Turbine && a.Component == comp && a.Opened != nil && !a.Opened.Before(f.StartTime) {
				days := a.Opened.Sub(f.StartTime).Hours() / 24
				scan = fmt.Sprintf("%s, opened %s (%.0f days after onset)", strings.ToUpper(a.Severity), a.Opened.Format(time.DateOnly), days)
				verdict = "found"
				if a.Diagnosis != "" {
					scan += ", diagnosis " + a.Diagnosis
				}
				break
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s from %s\t%s\t%s\n", f.Turbine, comp, f.Kind, f.StartTime.Format(time.DateOnly), scan, verdict)
	}
	quiet, noisy := 0, 0
	for _, c := range sum.Components {
		if faulty[c.Turbine+"/"+c.Component] {
			continue
		}
		n := 0
		for _, a := range sum.Alarms {
			if a.Turbine == c.Turbine && a.Component == c.Component {
				n++
			}
		}
		if n == 0 {
			quiet++
			continue
		}
		noisy++
		fmt.Fprintf(tw, "%s\t%s\thealthy\t%d alarm(s)\tFALSE ALARM\n", c.Turbine, c.Component, n)
	}
	fmt.Fprintf(tw, "(%d healthy components)\t\thealthy\tno alarm on %d\t%s\n", quiet+noisy, quiet, map[bool]string{true: "quiet", false: "NOT QUIET"}[noisy == 0])
	if err := tw.Flush(); err != nil {
		return err
	}
	report := filepath.Join(filepath.Dir(summaryPath), "report.html")
	fmt.Fprintf(w, "\nOpen the report: %s\nThe scan's tables: %s (features/, scores.parquet, alarms.parquet)\n", report, filepath.Dir(summaryPath))
	return nil
}
