package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/models/nbm"
	"github.com/windpm/windpm/models/powercurve"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/atomicfile"
	"github.com/windpm/windpm/reports/scanreport"
)

// scadaSchemaVersion is the version of the scada table's layout
// (docs/scada.md, "The scada table").
const scadaSchemaVersion = 1

// scadaTable names the scada table (file metadata windpm.table).
const scadaTable = "scada"

func newSCADACmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scada",
		Short: "SCADA analytics: ingest exports to Parquet with quality flags, power curves",
		Long: `scada reads 10-minute SCADA exports (the La Haute Borne exports and
windpm synth files are recognised; any other export through a mapping
file), normalises them to one row per turbine and UTC stamp, flags the rows
(out of range, frozen, downtime, curtailment, icing) and fits each turbine's
power curve (IEC 61400-12-1 method of bins on density-normalised wind);
fit, score and events are the normal-behaviour models of the bearing
temperatures and their events. See docs/scada.md.`,
	}
	cmd.AddCommand(newSCADAIngestCmd(), newSCADAPowerCurveCmd(), newSCADAFitCmd(), newSCADAScoreCmd(), newSCADAEventsCmd())
	return cmd
}

// scadaAnalysisFlags are the flags of the power-curve analysis.
type scadaAnalysisFlags struct {
	elevationM float64
	mapping    string
	assets     string
	// elevationFrom says where the elevation came from, for the note.
	elevationFrom string
}

func (f *scadaAnalysisFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Float64Var(&f.elevationM, "elevation", 0, "site elevation in m above sea level, for the air pressure (standard atmosphere); default: the assets file's elevation_m, else 0 m")
	fl.StringVar(&f.mapping, "mapping", "", "YAML mapping file for exports without a built-in mapping (docs/scada.md)")
	fl.StringVar(&f.assets, "assets", "", "assets file (assets.yaml) whose elevation_m is the site elevation (docs/assets.md)")
}

func (f *scadaAnalysisFlags) options(cmd *cobra.Command) (scada.Options, powercurve.Options, error) {
	// A file that cannot be read is named on stderr and skipped; the
	// command then exits 3 (partial), or 1 when every file failed.
	so := scada.Options{KeepGoing: true}
	f.elevationFrom = "default, give --elevation or --assets"
	if cmd.Flags().Changed("elevation") {
		f.elevationFrom = "--elevation"
	} else if f.assets != "" {
		a, err := datasets.ReadAssets(f.assets)
		if err != nil {
			return so, powercurve.Options{}, err
		}
		if a.ElevationM != nil {
			f.elevationM = *a.ElevationM
			f.elevationFrom = "elevation_m of " + f.assets
		} else {
			f.elevationFrom = f.assets + " has no elevation_m; default"
		}
	}
	if f.elevationM < -500 || f.elevationM > 9000 || math.IsNaN(f.elevationM) {
		return so, powercurve.Options{}, usageErrorf("--elevation must be in [-500, 9000] m, got %g", f.elevationM)
	}
	if f.mapping != "" {
		m, err := scada.ReadMapping(f.mapping)
		if err != nil {
			return so, powercurve.Options{}, err
		}
		so.Mapping = m
	}
	return so, powercurve.Options{ElevationM: f.elevationM}, nil
}

// elevationNote says which elevation the densities use and where it came
// from (src, from scadaAnalysisFlags.elevationFrom).
func elevationNote(src string, res *powercurve.Result) string {
	s := fmt.Sprintf("air density from ambient temperature at elevation %g m (%s), pressure %.0f Pa (standard atmosphere)", res.Options.ElevationM, src, res.PressurePa)
	if !res.DensityFromTemperature {
		s = fmt.Sprintf("no ambient temperature: air density of the standard atmosphere at %g m (%s); wind speeds not density-normalised", res.Options.ElevationM, src)
	}
	return s
}

func newSCADAIngestCmd() *cobra.Command {
	var (
		af     scadaAnalysisFlags
		out    string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "ingest FILES|DIRS... -o scada.parquet",
		Short: "Normalise SCADA exports to one Parquet table with quality flags and expected power",
		Long: `ingest reads SCADA exports (files, or folders of *.csv read recursively;
event logs among them are recognised and counted) and writes the scada
table: one row per turbine and UTC stamp with the canonical columns, the air
density, the density-normalised wind speed, the expected power from the
turbine's own curve, the residual, the lost energy and one boolean column
per quality flag (docs/scada.md, "The scada table"). It prints what the
normalisation fixed or found (duplicates, clock changes, rows out of order,
gaps over an hour, empty rows), and per turbine the flag counts.

--json prints {"output", "rows", "elevation_m", "density_note", "report",
"turbines"} instead: report is the ingest report (datasets/scada Report,
snake_case keys, durations in nanoseconds in the keys ending _ns, offsets
in seconds in those ending _s), turbines one object per turbine
with rows, clean_rows, flagged (per flag name), lost_energy_kwh and
curve_bins.`,
		Example: `  windpm scada ingest ../shared/data/scada/la_haute_borne/exact_2017 -o scada.parquet
  windpm scada ingest export.csv --mapping mine.yaml --elevation 350 -o scada.parquet --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("scada ingest: -o scada.parquet is required")
			}
			if !strings.EqualFold(filepath.Ext(out), ".parquet") {
				return usageErrorf("scada ingest: -o %s: the table is a .parquet file", out)
			}
			so, po, err := af.options(cmd)
			if err != nil {
				return err
			}
			tab, rep, err := scada.Ingest(args, so)
			if err != nil {
				return err
			}
			if len(tab.Rows) == 0 {
				return fmt.Errorf("scada ingest: no SCADA rows in %s", strings.Join(args, " "))
			}
			res, perr := powercurve.Analyse(tab, po)
			if err := cmd.Context().Err(); err != nil {
				return err
			}
			if err := writeSCADATable(out, tab, res, rep, po); err != nil {
				return err
			}
			if err := printIngest(cmd, af.elevationFrom, out, tab, rep, res, perr, asJSON); err != nil {
				return err
			}
			return partialInputs(cmd, rep)
		},
	}
	af.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&out, "out", "o", "", "the scada table to write (.parquet)")
	fl.BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

// scadaColumns returns the columns of the scada table for the canonical
// columns of tab, with the derived columns when res is not nil.
func scadaColumns(tab *scada.Table, res *powercurve.Result) []reports.TableColumn {
	cols := []reports.TableColumn{
		{Name: scada.ParquetTurbine, Type: "string", Dictionary: true, Role: "key",
			Doc: "Turbine id as the export writes it (or the file name for one-file-per-turbine exports)."},
		{Name: scada.ParquetTime, Type: "timestamp[us, UTC]", Role: "key",
			Doc: "Start of the 10-minute interval, UTC."},
		{Name: scada.ParquetOffset, Type: "int32", Unit: "min", Role: "key",
			Doc: "UTC offset the source stamp carried (or its mapping's zone gave it), in minutes east of UTC."},
	}
	for _, c := range tab.Columns {
		cols = append(cols, scadaSignalColumn(c.Signal, c.Stat.String()))
	}
	if res == nil {
		return cols
	}
	return append(cols, scadaAnalysisColumns()...)
}

// scadaDoc says what writes the scada table and what a row is, for
// `windpm help schema` and docs/schema.md.
const scadaDoc = "Written by windpm scada ingest: one row per turbine and 10-minute UTC stamp, sorted by turbine then time (docs/scada.md). A file has the key columns, then the signal columns of the canonical columns its exports hold, in the order below, each named {signal}_{stat} with {stat} one of avg, min, max, std; then the derived and flag columns when the power-curve analysis ran (ingest says why when it did not). The file metadata windpm.config holds the site elevation_m, and with the analysis pressure_pa, density_from_temperature and the power-curve options, and the mappings used, as JSON."

// statPlaceholder stands for the statistic in the documented names of the
// scada table's signal columns.
const statPlaceholder = "{stat}"

// scadaSchemaColumns returns the columns of the scada table of any export,
// for its documentation: the key columns, one column {signal}_{stat} per
// canonical signal standing for its avg, min, max and std columns, and the
// derived and flag columns.
func scadaSchemaColumns() []reports.TableColumn {
	cols := scadaColumns(&scada.Table{}, nil)
	for _, s := range scada.Signals() {
		cols = append(cols, scadaSignalColumn(s, statPlaceholder))
	}
	return append(cols, scadaAnalysisColumns()...)
}

// scadaSignalColumn returns the scada table's column of signal s and the
// statistic named stat (avg, min, max, std, or statPlaceholder).
func scadaSignalColumn(s scada.Signal, stat string) reports.TableColumn {
	info := s.Info()
	return reports.TableColumn{Name: info.Name + "_" + stat, Type: "double", Unit: info.Unit, Nullable: true, Role: "signal",
		Doc: fmt.Sprintf("%s, 10-minute %s (modelled on IEC 61400-25-2 %s); null when the export has no value.", capitalise(info.Doc), stat, info.IEC)}
}

// scadaAnalysisColumns returns the scada table's columns from the power
// curve analysis: the derived values, then the quality flags.
func scadaAnalysisColumns() []reports.TableColumn {
	cols := []reports.TableColumn{
		{Name: "air_density_kg_m3", Type: "double", Unit: "kg/m3", Nullable: true, Role: "derived",
			Doc: "Air density rho = p/(R0 T), IEC 61400-12-1, from ambient_temperature_avg and the standard-atmosphere pressure at the site elevation (file metadata windpm.config)."},
		{Name: "wind_speed_norm_m_s", Type: "double", Unit: "m/s", Nullable: true, Role: "derived",
			Doc: "Density-normalised wind speed Vn = wind_speed_avg (rho/1.225)^(1/3), IEC 61400-12-1."},
		{Name: "expected_power_kw", Type: "double", Unit: "kW", Nullable: true, Role: "derived",
			Doc: "The turbine's own power curve (0.5 m/s bins of Vn over its clean rows) at this row's Vn, by linear interpolation between bin means."},
		{Name: "power_residual_kw", Type: "double", Unit: "kW", Nullable: true, Role: "derived",
			Doc: "active_power_avg - expected_power_kw."},
		{Name: "lost_energy_kwh", Type: "double", Unit: "kWh", Nullable: true, Role: "derived",
			Doc: "Energy below the curve in the interval: max(expected - actual, 0) x 10 min."},
	}
	for i := range powercurve.NumFlags {
		cols = append(cols, reports.TableColumn{Name: "flag_" + powercurve.FlagName(i), Type: "boolean", Role: "flag",
			Doc: flagDocs[i]})
	}
	cols = append(cols, reports.TableColumn{Name: "clean", Type: "boolean", Role: "flag",
		Doc: "No quality flag set: the rows the power curve is fitted on."})
	return cols
}

var flagDocs = [powercurve.NumFlags]string{
	"A value lies outside its signal's physical range (docs/scada.md).",
	"Wind speed, power, ambient or a drive-train temperature repeats one value with no variation for an hour.",
	"No power (<= 0 kW) with the measured wind between cut-in (4 m/s) and cut-out (25 m/s).",
	"Power below 90 % of the turbine's reference curve, with the pitch 2 degrees above its normal angle at that wind or at rated wind, for 30 minutes: curtailment or derating.",
	"Power below the reference curve's 10th percentile at ambient <= +2 degC for 30 minutes.",
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// writeSCADATable writes tab (and res, when not nil) as the scada table.
func writeSCADATable(path string, tab *scada.Table, res *powercurve.Result, rep *scada.Report, po powercurve.Options) error {
	cols := scadaColumns(tab, res)
	cfg := map[string]any{"elevation_m": po.ElevationM}
	if res != nil {
		cfg["pressure_pa"] = res.PressurePa
		cfg["density_from_temperature"] = res.DensityFromTemperature
		cfg["options"] = res.Options
	}
	var mappings []string
	for _, f := range rep.Files {
		if f.Mapping != "" && !contains(mappings, f.Mapping) {
			mappings = append(mappings, f.Mapping)
		}
	}
	cfg["mappings"] = mappings
	cj, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	w, err := reports.NewRecordWriter(path, scadaTable, scadaSchemaVersion, cols, map[string]string{reports.MetaConfig: string(cj)})
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	for i, r := range tab.Rows {
		vals[0], vals[1], vals[2] = r.Turbine, r.Time, int32(r.Offset/60)
		k := 3
		for _, v := range r.Values {
			vals[k] = v
			k++
		}
		if res != nil {
			rr := res.Rows[i]
			for _, v := range []float64{rr.DensityKgM3, rr.WindNormMS, rr.ExpectedKW, rr.ResidualKW, rr.LostKWh} {
				vals[k] = v
				k++
			}
			for b := range powercurve.NumFlags {
				vals[k] = rr.Flags&(1<<b) != 0
				k++
			}
			vals[k] = rr.Flags == 0
		}
		if err := w.Write(vals); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// ingestTurbineJSON is one turbine of `scada ingest --json`.
type ingestTurbineJSON struct {
	Turbine   string         `json:"turbine"`
	Rows      int            `json:"rows"`
	CleanRows int            `json:"clean_rows"`
	Flagged   map[string]int `json:"flagged"`
	LostKWh   float64        `json:"lost_energy_kwh"`
	CurveBins int            `json:"curve_bins"`
}

func printIngest(cmd *cobra.Command, src, out string, tab *scada.Table, rep *scada.Report, res *powercurve.Result, perr error, asJSON bool) error {
	w := cmd.OutOrStdout()
	note := ""
	if res != nil {
		note = elevationNote(src, res)
	} else {
		note = fmt.Sprintf("no power curve or flags: %v", perr)
	}
	var turbines []ingestTurbineJSON
	if res != nil {
		for _, tu := range res.Turbines {
			j := ingestTurbineJSON{Turbine: tu.Name, Rows: tu.Rows, CleanRows: tu.CleanRows, Flagged: map[string]int{},
				LostKWh: math.Round(tu.LostKWh*10) / 10, CurveBins: len(tu.Curve)}
			for i := range powercurve.NumFlags {
				j.Flagged[powercurve.FlagName(i)] = tu.Flagged[i]
			}
			turbines = append(turbines, j)
		}
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Output     string              `json:"output"`
			Rows       int                 `json:"rows"`
			ElevationM float64             `json:"elevation_m"`
			Note       string              `json:"density_note"`
			Report     *scada.Report       `json:"report"`
			Turbines   []ingestTurbineJSON `json:"turbines"`
		}{out, len(tab.Rows), elevationOf(res), note, rep, turbines})
	}
	if err := rep.WriteText(w); err != nil {
		return err
	}
	fmt.Fprintln(w, note)
	for _, tu := range turbines {
		var parts []string
		for i := range powercurve.NumFlags {
			parts = append(parts, fmt.Sprintf("%s %d", powercurve.FlagName(i), tu.Flagged[powercurve.FlagName(i)]))
		}
		fmt.Fprintf(w, "  %s: %d rows, %d clean; flagged: %s; lost energy %.0f kWh; curve %d bins\n",
			tu.Turbine, tu.Rows, tu.CleanRows, strings.Join(parts, ", "), tu.LostKWh, tu.CurveBins)
	}
	_, err := fmt.Fprintf(w, "wrote %d rows to %s\n", len(tab.Rows), out)
	return err
}

func elevationOf(res *powercurve.Result) float64 {
	if res == nil {
		return 0
	}
	return res.Options.ElevationM
}

func newSCADAPowerCurveCmd() *cobra.Command {
	var (
		af      scadaAnalysisFlags
		turbine string
		out     string
	)
	cmd := &cobra.Command{
		Use:   "powercurve INPUT... [--turbine T] [--out curve.csv|curve.svg|curve.png|curve.pdf]",
		Short: "Each turbine's measured power curve (IEC 61400-12-1 method of bins)",
		Long: `powercurve fits each turbine's power curve on its clean rows: 0.5 m/s
bins of density-normalised wind speed (bins centred on multiples of
0.5 m/s), with the mean normalised wind, mean power, power standard
deviation (N-1) and count of each bin holding at least 3 rows. INPUT is a
scada table from 'windpm scada ingest' (.parquet) or SCADA exports (files
or folders), which are ingested first.

The CSV (to stdout, or --out FILE.csv) has the columns turbine, bin_m_s,
wind_speed_norm_m_s, power_kw, power_std_kw, count. --out FILE.svg, .png
or .pdf draws the curves instead: one panel per turbine with its
10-minute rows at their normalised wind (clean and flagged rows in two
colours) and the fitted curve.`,
		Example: `  windpm scada powercurve scada.parquet --turbine R80711
  windpm scada powercurve ../shared/data/scada/la_haute_borne/exact_2017 --out curves.csv
  windpm scada powercurve ../shared/data/scada/la_haute_borne/exact_2017 --out curves.png`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ext := strings.ToLower(filepath.Ext(out))
			if out != "" && ext != ".csv" && !contains(scanreport.PowerCurvePlotFormats, ext) {
				return usageErrorf("scada powercurve: --out %s: want a .csv, .svg, .png or .pdf file", out)
			}
			so, po, err := af.options(cmd)
			if err != nil {
				return err
			}
			tab, rep, err := scada.Load(args, so)
			if err != nil {
				return err
			}
			if turbine != "" {
				rows := tab.Turbine(turbine)
				if rows == nil {
					return fmt.Errorf("scada powercurve: no turbine %q in the input (turbines: %s)", turbine, strings.Join(tab.Turbines(), " "))
				}
				tab = &scada.Table{Columns: tab.Columns, Rows: rows}
			}
			res, err := powercurve.Analyse(tab, po)
			if err != nil {
				return err
			}
			write := func(w io.Writer) error { return writeCurveCSV(w, res) }
			if out != "" && ext != ".csv" {
				var curves []scanreport.PowerCurve
				lo := 0
				for _, tb := range tab.Turbines() {
					curves = append(curves, powerCurvePlot(tb, tab, res, lo))
					lo += len(tab.Turbine(tb))
				}
				if err := scanreport.WritePowerCurvePlot(out, curves); err != nil {
					return err
				}
			} else if out == "" {
				if err := write(cmd.OutOrStdout()); err != nil {
					return err
				}
			} else if err := atomicfile.Write(out, write); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "windpm: %s\n", elevationNote(af.elevationFrom, res))
			return partialInputs(cmd, rep)
		},
	}
	af.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&turbine, "turbine", "", "only this turbine")
	fl.StringVar(&out, "out", "", "write the curve to this .csv file instead of stdout, or draw it (.svg, .png, .pdf)")
	return cmd
}

// writeCurveCSV writes every turbine's curve bins.
func writeCurveCSV(w io.Writer, res *powercurve.Result) error {
	cw := csv.NewWriter(w)
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	if err := cw.Write([]string{"turbine", "bin_m_s", "wind_speed_norm_m_s", "power_kw", "power_std_kw", "count"}); err != nil {
		return err
	}
	for _, tu := range res.Turbines {
		for _, b := range tu.Curve {
			std := ""
			if !math.IsNaN(b.PowerStdKW) {
				std = f(b.PowerStdKW)
			}
			if err := cw.Write([]string{tu.Name, f(b.CenterMS), f(b.WindMS), f(b.PowerKW), std, strconv.Itoa(b.Count)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// parseDay reads a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 instant.
func parseDay(flag, v string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, usageErrorf("--%s %q: want a date YYYY-MM-DD or an RFC 3339 time", flag, v)
}

// referenceFlags are the reference period of a fit.
type referenceFlags struct{ from, to string }

func (f *referenceFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.from, "fit-from", "", "start of the reference period (YYYY-MM-DD, UTC, or RFC 3339)")
	cmd.Flags().StringVar(&f.to, "fit-to", "", "end of the reference period, exclusive")
}

func (f *referenceFlags) period() (time.Time, time.Time, error) {
	if f.from == "" || f.to == "" {
		return time.Time{}, time.Time{}, usageErrorf("--fit-from and --fit-to are required")
	}
	from, err := parseDay("fit-from", f.from)
	if err != nil {
		return from, from, err
	}
	to, err := parseDay("fit-to", f.to)
	if err != nil {
		return from, to, err
	}
	if !from.Before(to) {
		return from, to, usageErrorf("--fit-from %s is not before --fit-to %s", f.from, f.to)
	}
	return from, to, nil
}

// loadAnalysed reads the inputs and flags their rows.
func loadAnalysed(args []string, so scada.Options, po powercurve.Options) (*scada.Table, *powercurve.Result, *scada.Report, error) {
	tab, rep, err := scada.Load(args, so)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(tab.Rows) == 0 {
		return nil, nil, nil, fmt.Errorf("no SCADA rows in %s", strings.Join(args, " "))
	}
	res, err := powercurve.Analyse(tab, po)
	return tab, res, rep, err
}

// fitModels fits the bearing-temperature models and names what it skipped
// on stderr.
func fitModels(cmd *cobra.Command, tab *scada.Table, res *powercurve.Result, rf *referenceFlags, score bool) (*nbm.ModelSet, []nbm.TurbineResult, error) {
	from, to, err := rf.period()
	if err != nil {
		return nil, nil, err
	}
	var targets []scada.Signal
	for _, s := range nbm.Targets {
		if tab.Col(scada.Column{Signal: s, Stat: scada.Avg}) >= 0 {
			targets = append(targets, s)
		}
	}
	if len(targets) == 0 {
		return nil, nil, fmt.Errorf("the data has none of the modelled temperatures (gearbox and generator bearings)")
	}
	var set *nbm.ModelSet
	var results []nbm.TurbineResult
	var skipped []error
	if score {
		set, results, skipped, err = nbm.FitScore(tab, res.Rows, res.Options, targets, from, to, nbm.Options{})
	} else {
		set, skipped, err = nbm.FitSet(tab, res.Rows, res.Options, targets, from, to, nbm.Options{})
	}
	for _, e := range skipped {
		fmt.Fprintf(cmd.ErrOrStderr(), "windpm: not fitted: %v\n", e)
	}
	return set, results, err
}

func newSCADAFitCmd() *cobra.Command {
	var (
		af  scadaAnalysisFlags
		rf  referenceFlags
		out string
	)
	cmd := &cobra.Command{
		Use:   "fit INPUT... --fit-from DATE --fit-to DATE -o models.json",
		Short: "Fit normal-behaviour models of the bearing temperatures on a reference period",
		Long: `fit fits, per turbine, models of the gearbox and generator bearing
temperatures (gearbox_bearing1/2, generator_bearing1/2) on the reference
period's normal operation (producing, no quality flag): least squares on
power, wind, ambient and hub temperature, rotor speed, power and ambient
smoothed at several time constants and the neighbouring temperatures of
the same machine, never the target's own history. Each model's threshold is
the 99.8th percentile of its residual, smoothed over 0.5 h, on the period's
steady operation.
INPUT is a scada table (.parquet) or SCADA exports. The model file is JSON
(models/nbm ModelSet); a target missing from the data is named on stderr
and skipped.`,
		Example: `  windpm scada fit scada.parquet --fit-from 2017-08-09 --fit-to 2017-10-01 -o models.json`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("scada fit: -o models.json is required")
			}
			if _, _, err := rf.period(); err != nil {
				return err
			}
			so, po, err := af.options(cmd)
			if err != nil {
				return err
			}
			tab, res, rep, err := loadAnalysed(args, so, po)
			if err != nil {
				return err
			}
			set, _, err := fitModels(cmd, tab, res, &rf, false)
			if err != nil {
				return err
			}
			if err := atomicfile.Write(out, func(w io.Writer) error {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(set)
			}); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, m := range set.Models {
				fmt.Fprintf(w, "%s %s: %d reference rows, RMSE %.2f degC, threshold %.2f degC\n", m.Turbine, m.TargetName, m.RefRows, m.RefRMSE, m.Threshold)
			}
			if _, err := fmt.Fprintf(w, "wrote %d models to %s\n", len(set.Models), out); err != nil {
				return err
			}
			return partialInputs(cmd, rep)
		},
	}
	af.register(cmd)
	rf.register(cmd)
	cmd.Flags().StringVarP(&out, "out", "o", "", "the model file to write (JSON)")
	return cmd
}

// readModelSet reads a model file.
func readModelSet(path string) (*nbm.ModelSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	set, err := nbm.ParseModelSet(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return set, nil
}

// scoreJSON is one model's line of `scada score --json`.
type scoreJSON struct {
	Turbine   string  `json:"turbine"`
	Target    string  `json:"target"`
	Rows      int     `json:"rows"`
	RMSE      float64 `json:"rmse_degc"`
	Threshold float64 `json:"threshold_degc"`
	Above     float64 `json:"fraction_above_threshold"`
}

func newSCADAScoreCmd() *cobra.Command {
	var (
		af       scadaAnalysisFlags
		model    string
		from, to string
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:   "score INPUT... --model models.json [--from DATE] [--to DATE]",
		Short: "Residuals of the temperature models: RMSE and share above threshold per model",
		Long: `score applies a model file from 'windpm scada fit' to SCADA (a scada table
or exports) and prints, per turbine and temperature, over the normal
operation (producing, no quality flag) of [--from, --to): the rows scored,
the residual RMSE, the threshold and the fraction of rows above it. --json
prints the same as an array of {turbine, target, rows, rmse_degc,
threshold_degc, fraction_above_threshold}.`,
		Example: `  windpm scada score scada.parquet --model models.json --from 2017-10-01`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if model == "" {
				return usageErrorf("scada score: --model models.json is required")
			}
			var lo, hi time.Time
			var err error
			if from != "" {
				if lo, err = parseDay("from", from); err != nil {
					return err
				}
			}
			if to != "" {
				if hi, err = parseDay("to", to); err != nil {
					return err
				}
			}
			so, _, err := af.options(cmd)
			if err != nil {
				return err
			}
			set, err := readModelSet(model)
			if err != nil {
				return err
			}
			tab, res, rep, err := loadAnalysed(args, so, set.PowerCurve)
			if err != nil {
				return err
			}
			results, err := set.Score(tab, res.Rows)
			if err != nil {
				return err
			}
			pw := tab.Col(scada.Column{Signal: scada.ActivePower, Stat: scada.Avg})
			var lines []scoreJSON
			lo0 := 0
			for _, tb := range tab.Turbines() {
				rows := tab.Turbine(tb)
				for _, tr := range results {
					if tr.Turbine != tb {
						continue
					}
					for i, m := range tr.Models {
						l := scoreJSON{Turbine: tb, Target: m.TargetName, Threshold: m.Threshold}
						var sse float64
						above := 0
						for k, r := range rows {
							v := tr.Residuals[i][k]
							if math.IsNaN(v) || res.Rows[lo0+k].Flags != 0 || !(r.Values[pw] > 0) ||
								(!lo.IsZero() && r.Time.Before(lo)) || (!hi.IsZero() && !r.Time.Before(hi)) {
								continue
							}
							l.Rows++
							sse += v * v
							if v > m.Threshold {
								above++
							}
						}
						if l.Rows > 0 {
							l.RMSE = math.Sqrt(sse / float64(l.Rows))
							l.Above = float64(above) / float64(l.Rows)
						}
						lines = append(lines, l)
					}
				}
				lo0 += len(rows)
			}
			w := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				if err := enc.Encode(lines); err != nil {
					return err
				}
				return partialInputs(cmd, rep)
			}
			for _, l := range lines {
				fmt.Fprintf(w, "%s %s: %d rows, RMSE %.2f degC, threshold %.2f degC, %.1f %% above\n", l.Turbine, l.Target, l.Rows, l.RMSE, l.Threshold, 100*l.Above)
			}
			return partialInputs(cmd, rep)
		},
	}
	af.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&model, "model", "", "model file from 'windpm scada fit'")
	fl.StringVar(&from, "from", "", "score rows from this date (YYYY-MM-DD UTC or RFC 3339)")
	fl.StringVar(&to, "to", "", "score rows before this date")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newSCADAEventsCmd() *cobra.Command {
	var (
		af     scadaAnalysisFlags
		rf     referenceFlags
		model  string
		asJSON bool
		out    string
	)
	cmd := &cobra.Command{
		Use:   "events INPUT... (--model models.json | --fit-from DATE --fit-to DATE) [-o events.parquet]",
		Short: "Abnormal-temperature events from the criticality counter",
		Long: `events scores SCADA with the bearing-temperature models (a model file, or
models fitted on the spot on --fit-from/--fit-to) and runs the criticality
counter per turbine: on steady normal operation +1 when any model's
residual is above its threshold, -1 otherwise (not below 0); an event opens
at 12 hours net (72 rows), began where the counter last left 0 and ends
where it returns to 0. Each event names its temperatures, most anomalous
first, with the fraction of counted rows above threshold. --json prints an
array of {turbine, start, end, opened, peak, signals, fractions}; -o
writes the events table (Parquet: turbine, start, end, opened, peak_rows,
signals, fractions; docs/scada.md).`,
		Example: `  windpm scada events scada.parquet --model models.json
  windpm scada events exports/ --fit-from 2017-08-09 --fit-to 2017-10-01 --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out != "" && !strings.EqualFold(filepath.Ext(out), ".parquet") {
				return usageErrorf("scada events: -o %s: the table is a .parquet file", out)
			}
			fitting := rf.from != "" || rf.to != ""
			if (model == "") == !fitting {
				return usageErrorf("scada events: give --model or --fit-from and --fit-to")
			}
			if fitting {
				if _, _, err := rf.period(); err != nil {
					return err
				}
			}
			so, po, err := af.options(cmd)
			if err != nil {
				return err
			}
			var set *nbm.ModelSet
			if model != "" {
				if set, err = readModelSet(model); err != nil {
					return err
				}
				po = set.PowerCurve
			}
			tab, res, rep, err := loadAnalysed(args, so, po)
			if err != nil {
				return err
			}
			var results []nbm.TurbineResult
			if set == nil {
				_, results, err = fitModels(cmd, tab, res, &rf, true)
			} else {
				results, err = set.Score(tab, res.Rows)
			}
			if err != nil {
				return err
			}
			events := []nbm.Event{}
			for _, tr := range results {
				events = append(events, tr.Events...)
			}
			if out != "" {
				if err := writeEventsTable(out, events); err != nil {
					return err
				}
			}
			w := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				if err := enc.Encode(events); err != nil {
					return err
				}
				return partialInputs(cmd, rep)
			}
			for _, e := range events {
				var sig []string
				for i, n := range e.Names {
					sig = append(sig, fmt.Sprintf("%s %.0f%%", n, 100*e.Fractions[i]))
				}
				fmt.Fprintf(w, "%s %s -> %s (%.1f h, opened %s): %s\n", e.Turbine, e.Start.Format(time.RFC3339), e.End.Format(time.RFC3339),
					e.End.Sub(e.Start).Hours(), e.Opened.Format(time.RFC3339), strings.Join(sig, ", "))
			}
			if _, err := fmt.Fprintf(w, "%d events\n", len(events)); err != nil {
				return err
			}
			return partialInputs(cmd, rep)
		},
	}
	af.register(cmd)
	rf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&model, "model", "", "model file from 'windpm scada fit'")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	fl.StringVarP(&out, "out", "o", "", "also write the events table (.parquet)")
	return cmd
}

// eventsSchemaVersion is the version of the events table's layout.
const eventsSchemaVersion = 1

// eventsTable names the events table (file metadata windpm.table).
const eventsTable = "events"

// eventsDoc says what writes the events table and what a row is, for
// `windpm help schema` and docs/schema.md.
const eventsDoc = "Written by windpm scada events -o: one row per event of the bearing-temperature normal-behaviour models, a rise of a turbine's criticality counter (over all its models) that reached 72 rows, 12 hours net of anomalous rows (docs/scada.md)."

// eventsColumns returns the columns of the events table.
func eventsColumns() []reports.TableColumn {
	return []reports.TableColumn{
		{Name: "turbine", Type: "string", Dictionary: true, Role: "key", Doc: "Turbine id."},
		{Name: "start", Type: "timestamp[us, UTC]", Role: "key", Doc: "First row of the criticality counter's rise (start of its 10-minute interval, UTC)."},
		{Name: "end", Type: "timestamp[us, UTC]", Role: "key", Doc: "Row where the counter fell back to 0, or the last row."},
		{Name: "opened", Type: "timestamp[us, UTC]", Role: "event", Doc: "Row where the counter reached 72 (12 hours net) and the event opened."},
		{Name: "peak_rows", Type: "int32", Role: "event", Doc: "Highest counter value, in 10-minute rows."},
		{Name: "signals", Type: "list<string>", Role: "event", Doc: "Modelled temperatures, most anomalous first."},
		{Name: "fractions", Type: "list<float32>", Role: "event", Doc: "Per signal, the fraction of the event's counted rows above its threshold."},
	}
}

// writeEventsTable writes the events of `scada events` as a Parquet table.
func writeEventsTable(path string, events []nbm.Event) error {
	cols := eventsColumns()
	w, err := reports.NewRecordWriter(path, eventsTable, eventsSchemaVersion, cols, nil)
	if err != nil {
		return err
	}
	for _, e := range events {
		fr := make([]float32, len(e.Fractions))
		for i, f := range e.Fractions {
			fr[i] = float32(f)
		}
		if err := w.Write([]any{e.Turbine, e.Start, e.End, e.Opened, e.Peak, append([]string{}, e.Names...), fr}); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// partialInputs names on stderr the files Ingest skipped and returns the
// exit-3 error, or nil when none was.
func partialInputs(cmd *cobra.Command, rep *scada.Report) error {
	if rep == nil || len(rep.Failed) == 0 {
		return nil
	}
	for _, f := range rep.Failed {
		fmt.Fprintf(cmd.ErrOrStderr(), "windpm: %s\n", oneLine(f))
	}
	return partialErrorf("%d of the input files failed (named above); the rest were processed", len(rep.Failed))
}
