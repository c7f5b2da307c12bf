package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets/synth"
)

func newSynthCmd() *cobra.Command {
	var (
		out      string
		turbines int
		days     int
		seed     int64
		start    string
		jobs     int
		seconds  float64
		faults   []string
		healthy  bool
	)
	cmd := &cobra.Command{
		Use:   "synth --out DIR",
		Short: "Generate a synthetic fleet with known faults and ground truth",
		Long: `synth writes a deterministic synthetic wind-turbine fleet: vibration
captures (WAV, float32, g) for sensors main_bearing, gbx_hss and generator,
one per sensor per day, 10-minute SCADA per turbine, a capture manifest, an
assets file and truth.json describing every seeded fault. The same flags
give byte-identical files whatever --jobs. See docs/synth.md.

By default WT01's gearbox high-speed bearing gets an outer-race fault from
the middle day and WT02's high-speed pinion a damaged tooth from a third of
the way; --fault replaces them, --healthy removes them.`,
		Example: `  windpm synth --out /tmp/fleet
  windpm synth --out /tmp/fleet --turbines 6 --days 60 --fault WT03/generator/inner_race@40`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("synth: --out DIR is required")
			}
			cfg := synth.DefaultConfig()
			cfg.Turbines, cfg.Days, cfg.Seed, cfg.Jobs, cfg.CaptureSeconds = turbines, days, seed, jobs, seconds
			if turbines < 1 || turbines > 999 {
				return usageErrorf("synth: --turbines must be in [1, 999], got %d", turbines)
			}
			if days < 1 || days > 3660 {
				return usageErrorf("synth: --days must be in [1, 3660], got %d", days)
			}
			if jobs < 0 {
				return usageErrorf("synth: --jobs must be >= 0, got %d", jobs)
			}
			if seconds < 0 || seconds > 600 {
				return usageErrorf("synth: --seconds must be in [0, 600], got %g", seconds)
			}
			if start != "" {
				t, err := time.Parse("2006-01-02", start)
				if err != nil {
					return usageErrorf("synth: --start %q: want a date YYYY-MM-DD", start)
				}
				cfg.Start = t
			}
			switch {
			case healthy && len(faults) > 0:
				return usageErrorf("synth: --healthy and --fault exclude each other")
			case healthy:
				cfg.Faults = nil
			case len(faults) > 0:
				cfg.Faults = nil
				for _, s := range faults {
					f, err := synth.ParseFaultSpec(s)
					if err != nil {
						return usageErrorf("synth: --fault: %v", err)
					}
					cfg.Faults = append(cfg.Faults, f)
				}
			default:
				cfg.Faults = synth.DefaultFaults(turbines, days)
			}

			if err := cfg.Validate(); err != nil {
				return usageErrorf("%v", err)
			}
			progress, clearProgress := progressLine(cmd.ErrOrStderr(), "synth", "captures")
			truth, err := synth.Generate(cmd.Context(), cfg, out, progress)
			if err != nil {
				clearProgress()
				if cmd.Context().Err() != nil {
					return cmd.Context().Err()
				}
				return fmt.Errorf("synth: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "synth: %d captures from %d turbines × %d sensors × %d days, %d SCADA rows, %d faults (%d in SCADA only) → %s (manifest %s)\n",
				truth.Captures, len(truth.Turbines), len(truth.Sensors), truth.Days, truth.SCADARows, len(truth.Faults)+len(truth.SCADAFaults), len(truth.SCADAFaults),
				out, filepath.Join(out, "fleet", "manifest.csv"))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "", "output folder (required); fleet/, scada/ and truth.json go in it")
	fl.IntVar(&turbines, "turbines", 3, "number of turbines (WT01, WT02, …)")
	fl.IntVar(&days, "days", 7, "number of days, one capture per sensor per day")
	fl.Int64Var(&seed, "seed", 1, "random seed; the same seed gives the same files")
	fl.StringVar(&start, "start", synth.DefaultStart.Format("2006-01-02"), "first day, YYYY-MM-DD (UTC)")
	fl.IntVar(&jobs, "jobs", 0, "captures generated in parallel (0: one per CPU); the output does not depend on it")
	fl.Float64Var(&seconds, "seconds", 0, "length of every capture in seconds (0: 8 s main bearing, 2 s gearbox and generator)")
	fl.StringArrayVar(&faults, "fault", nil, "seed a fault TURBINE/SENSOR/KIND@DAY (KIND: outer_race, inner_race, ball, gear_tooth); repeatable; replaces the default faults")
	fl.BoolVar(&healthy, "healthy", false, "seed no faults")
	return cmd
}
