package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/reports"
)

type featuresOptions struct {
	capture   captureFlags
	bearing   bearingFlags
	teeth     int
	manifest  string
	assets    string
	out       string
	partition string
	segmentS  float64
	resample  float64
	envBand   string
	jobs      int
	spectra   bool
}

func newFeaturesCmd() *cobra.Command {
	var o featuresOptions
	cmd := &cobra.Command{
		Use:   "features INPUT... -o OUT.parquet",
		Short: "Compute the feature table of captures (Parquet), in parallel and streaming",
		Long: `Features computes feature set v2 for every channel of every capture (one
row each, or one per --segment window) and writes the table as Parquet:
time-domain statistics, Welch spectral features, ISO 20816-21 velocity and
acceleration RMS with the evaluation zone, order amplitudes, bearing
envelope lines (band chosen by the fast kurtogram) and gear-mesh features.
'windpm help schema' lists every column with its unit and formula.

INPUT may be capture files, folders (recursive) or manifests; --manifest
names one explicitly. Every extra manifest column passes through to the
table. Kinematics come from --assets (per turbine and sensor), from flags
(--bearing or --bpfo…, --teeth; they win), or from the manifest's bearing
column (a catalog name); features that need what is not known are null.

Bad files are skipped and named on stderr (exit code 3); the output is
written atomically, so an interrupted run leaves no partial table. The
rows come out in input order whatever --jobs.`,
		Example: `  windpm features --manifest ../shared/data/cwru/catalog.csv --channel DE -o cwru.parquet
  windpm features --segment 1 --resample 12000 --channel DE ../shared/data/cwru -o cwru-1s.parquet
  windpm features --assets fleet/assets.yaml --partition turbine,date fleet/manifest.csv -o features/`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFeatures(cmd, args, &o)
		},
	}
	o.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&o.out, "out", "o", "", "output Parquet file, or folder with --partition (required)")
	fl.StringVar(&o.partition, "partition", "", "write a hive-partitioned folder by these keys: turbine, date, or turbine,date")
	fl.BoolVar(&o.spectra, "spectra", false, "add the Welch PSD (1 Hz bins, signal unit²/Hz) as a list<float32> column psd; all captures must share one rate (see --resample)")
	return cmd
}

// register adds the flags that say how captures become feature rows;
// predict shares them.
func (o *featuresOptions) register(cmd *cobra.Command) {
	o.capture.register(cmd)
	o.bearing.register(cmd)
	fl := cmd.Flags()
	fl.IntVar(&o.teeth, "teeth", 0, "teeth of the gear on the reference shaft, for gear-mesh features (wins over --assets)")
	fl.StringVar(&o.manifest, "manifest", "", "capture manifest CSV")
	fl.StringVar(&o.assets, "assets", "", "assets file (assets.yaml) with each sensor's bearing, gear and ISO group")
	fl.Float64Var(&o.segmentS, "segment", 0, "cut captures into windows of this many seconds, one row each (default: one row per capture)")
	fl.Float64Var(&o.resample, "resample", 0, "resample every capture to this rate in Hz first (anti-aliased)")
	fl.StringVar(&o.envBand, "envelope-band", "", "fixed envelope band LO:HI in Hz (default: chosen by the fast kurtogram)")
	fl.IntVar(&o.jobs, "jobs", 0, "parallel workers (0: one per CPU)")
}

// kinematicsSource resolves what is known of the machine behind a capture:
// flags win over the assets file, which wins over the manifest's bearing
// column.
type kinematicsSource struct {
	assets      *datasets.Assets
	flagBearing *features.DefectOrders
	flagTeeth   int
	warn        func(string)
	warned      map[string]bool
}

func (k *kinematicsSource) of(c *datasets.Capture) features.Kinematics {
	kin := features.Kinematics{RPM: c.RPM}
	if k.assets != nil {
		if s := k.assets.Sensor(c.Turbine, c.Sensor); s != nil {
			kin.ISOGroup = s.ISOGroup
			if s.Bearing != nil {
				if o := s.Bearing.Orders; o != nil {
					kin.Bearing = &features.DefectOrders{BPFO: o.BPFO, BPFI: o.BPFI, BSF: o.BSF, FTF: o.FTF}
				} else if s.Bearing.Name != "" {
					kin.Bearing = k.lookup(s.Bearing.Name)
				}
			}
			if s.Gear != nil {
				kin.GearTeeth, kin.GearRatio = s.Gear.Teeth, s.Gear.Ratio
			}
			for _, b := range s.Bands {
				kin.Bands = append(kin.Bands, features.NamedBand{Name: b.Name, LoHz: b.LoHz, HiHz: b.HiHz})
			}
		}
	}
	if kin.Bearing == nil && c.Bearing != "" {
		kin.Bearing = k.lookup(c.Bearing)
	}
	if k.flagBearing != nil {
		kin.Bearing = k.flagBearing
	}
	if k.flagTeeth > 0 {
		kin.GearTeeth = k.flagTeeth
	}
	return kin
}

// lookup returns a catalog bearing's orders, warning once per unknown name.
func (k *kinematicsSource) lookup(name string) *features.DefectOrders {
	b, err := features.LookupBearing(name)
	if err != nil {
		if !k.warned[name] {
			k.warned[name] = true
			k.warn(err.Error() + "; its bearing features are null")
		}
		return nil
	}
	return &b.Orders
}

// featureResult is what a worker returns for one source.
type featureResult struct {
	rows []reports.FeatureRow
	err  error
}

func runFeatures(cmd *cobra.Command, args []string, o *featuresOptions) error {
	if len(args) == 0 && o.manifest == "" {
		return usageErrorf("features: give capture files, folders or --manifest")
	}
	if o.out == "" {
		return usageErrorf("features: -o OUT is required")
	}
	if o.jobs < 0 {
		return usageErrorf("--jobs must be >= 0, got %d", o.jobs)
	}
	if o.jobs == 0 {
		o.jobs = runtime.GOMAXPROCS(0)
	}
	if o.teeth < 0 {
		return usageErrorf("--teeth must be positive, got %d", o.teeth)
	}
	var partitionBy []string
	if o.partition != "" {
		for _, p := range strings.Split(o.partition, ",") {
			p = strings.TrimSpace(p)
			if p != "turbine" && p != "date" {
				return usageErrorf("--partition %q: keys are turbine and date", o.partition)
			}
			partitionBy = append(partitionBy, p)
		}
	} else if strings.ToLower(filepath.Ext(o.out)) != ".parquet" {
		return usageErrorf("-o %s: a single table is a .parquet file (or give --partition for a folder)", o.out)
	}
	opts, err := o.capture.options()
	if err != nil {
		return err
	}
	var cfg features.Config
	if o.envBand != "" {
		if cfg.EnvelopeLoHz, cfg.EnvelopeHiHz, err = parseBand(o.envBand); err != nil {
			return err
		}
	}
	if _, err := features.NewPreparer(o.resample, o.segmentS); err != nil {
		return usageErrorf("%v", err)
	}
	orders, haveBearing, err := o.bearing.orders()
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	kin := &kinematicsSource{flagTeeth: o.teeth, warned: map[string]bool{},
		warn: func(s string) { fmt.Fprintf(stderr, "windpm: warning: %s\n", s) }}
	if haveBearing {
		kin.flagBearing = &orders
	}
	if o.assets != "" {
		if kin.assets, err = datasets.ReadAssets(o.assets); err != nil {
			return err
		}
		cfg.BandNames = bandNames(kin.assets)
	}

	srcs, err := datasets.Sources(args, o.manifest)
	if err != nil {
		return err
	}
	if len(srcs) == 0 {
		return fmt.Errorf("no capture files in %s", strings.Join(args, ", "))
	}
	probe, err := features.NewExtractor(cfg)
	if err != nil {
		return usageErrorf("%v", err)
	}
	metaCols := datasets.MetaColumnsOf(srcs)
	schema := reports.FeatureSchema{Features: probe.Columns(), Meta: renameClashes(metaCols, probe.Columns(), stderr)}
	psdRate := 0.0
	if o.spectra {
		if psdRate, err = spectraRate(srcs, opts, o.resample); err != nil {
			return err
		}
		psd, err := features.NewPSD(psdRate)
		if err != nil {
			return err
		}
		schema.Spectra, schema.SpectraFreqHz = true, psd.Frequencies()
		schema.SpectraDoc = fmt.Sprintf("Welch PSD, signal unit²/Hz: %g s Hann segments, half overlap, mean removed, one-sided density, at %g Hz", features.WelchSegmentSec, psdRate)
	}
	config, _ := json.Marshal(map[string]any{
		"channel": opts.Channel, "rate_hz": opts.RateHz, "rpm": opts.RPM,
		"segment_s": o.segmentS, "resample_hz": o.resample,
		"envelope_lo_hz": cfg.EnvelopeLoHz, "envelope_hi_hz": cfg.EnvelopeHiHz,
		"assets": o.assets, "component_bands": cfg.BandNames, "bearing": o.bearing.name, "teeth": o.teeth, "spectra": o.spectra,
	})
	fileMeta := map[string]string{"windpm.version": versionString(), "windpm.config": string(config)}

	var w featureWriter
	if partitionBy != nil {
		w, err = reports.NewPartitionedFeatureWriter(o.out, schema, fileMeta, partitionBy)
	} else {
		w, err = reports.NewFeatureWriter(o.out, schema, fileMeta)
	}
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			w.Abort()
		}
	}()

	start := time.Now()
	progress, clearProgress := progressLine(stderr, "features", "files")
	b := batch{stderr: stderr}
	rows := 0
	err = ordered(cmd.Context(), len(srcs), o.jobs, func() func(i int) featureResult {
		// Both were checked above with the same arguments.
		ex, _ := features.NewExtractor(cfg)
		prep, _ := features.NewPreparer(o.resample, o.segmentS)
		var psd *features.PSD
		if psdRate > 0 {
			psd, _ = features.NewPSD(psdRate)
		}
		return func(i int) featureResult {
			rows, err := featureRows(srcs[i], opts, ex, prep, psd, kin, metaCols, schema.Meta)
			return featureResult{rows, err}
		}
	}, func(i int, r featureResult) error {
		if progress != nil {
			progress(i+1, len(srcs))
		}
		if r.err != nil {
			b.fail(r.err)
			return nil
		}
		b.done++
		for j := range r.rows {
			if err := w.Write(&r.rows[j]); err != nil {
				return err
			}
		}
		rows += len(r.rows)
		return nil
	})
	clearProgress()
	if err != nil {
		return err
	}
	if b.done == 0 {
		return b.result()
	}
	if err := w.Close(); err != nil {
		return err
	}
	done = true
	fmt.Fprintf(cmd.OutOrStdout(), "features: %d rows × %d features from %d of %d files in %.1f s (%d jobs) → %s\n",
		rows, len(schema.Features), b.done, len(srcs), time.Since(start).Seconds(), o.jobs, o.out)
	return b.result()
}

// bandNames returns the names of the component bands of every sensor in
// the assets file, each once, in the order they first appear: the
// table's band_power_<name> columns.
func bandNames(a *datasets.Assets) []string {
	var names []string
	seen := map[string]bool{}
	for _, t := range a.Turbines {
		for _, s := range t.Sensors {
			for _, b := range s.Bands {
				if !seen[b.Name] {
					seen[b.Name] = true
					names = append(names, b.Name)
				}
			}
		}
	}
	return names
}

// spectraRate returns the sample rate of the table's PSD axis: the
// --resample rate, else --rate, else the rate of the first capture.
func spectraRate(srcs []datasets.Source, opts datasets.Options, resampleHz float64) (float64, error) {
	switch {
	case resampleHz > 0:
		return resampleHz, nil
	case opts.RateHz > 0:
		return opts.RateHz, nil
	}
	caps, err := srcs[0].Read(opts)
	if err != nil {
		return 0, fmt.Errorf("--spectra needs the captures' rate: %w", err)
	}
	return caps[0].RateHz, nil
}

// featureWriter is what runFeatures needs of a table writer.
type featureWriter interface {
	Write(r *reports.FeatureRow) error
	Close() error
	Abort()
}

// featureRows reads one source and returns its rows: one per channel and
// segment. Every error names the file.
func featureRows(src datasets.Source, opts datasets.Options, ex *features.Extractor, prep *features.Preparer, psd *features.PSD, kin *kinematicsSource, metaCols, tableMeta []datasets.MetaColumn) ([]reports.FeatureRow, error) {
	caps, err := src.Read(opts)
	if err != nil {
		return nil, err
	}
	return captureRows(caps, ex, prep, psd, kin, metaCols, tableMeta)
}

// captureRows is featureRows on captures already read.
func captureRows(caps []datasets.Capture, ex *features.Extractor, prep *features.Preparer, psd *features.PSD, kin *kinematicsSource, metaCols, tableMeta []datasets.MetaColumn) ([]reports.FeatureRow, error) {
	var rows []reports.FeatureRow
	for ci := range caps {
		c := &caps[ci]
		segs, rate, err := prep.Prepare(c.Samples, c.RateHz)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", c.Path, c.Channel, err)
		}
		if len(segs) == 0 {
			return nil, fmt.Errorf("%s: %s: %.3f s is shorter than one %g s segment", c.Path, c.Channel, c.Duration(), prep.SegmentSeconds())
		}
		k := kin.of(c)
		meta := alignMeta(c.Meta, metaCols, tableMeta)
		for si, seg := range segs {
			values := make([]float64, len(ex.Columns()))
			in := features.Input{X: seg, RateHz: rate, Unit: c.Unit, Kin: k}
			if err := ex.Extract(values, &in); err != nil {
				return nil, fmt.Errorf("%s: %s: segment %d: %w", c.Path, c.Channel, si, err)
			}
			var spectrum []float32
			if psd != nil {
				spectrum = make([]float32, len(psd.Frequencies()))
				if err := psd.Compute(spectrum, seg, rate); err != nil {
					return nil, fmt.Errorf("%s: %s: segment %d: %w", c.Path, c.Channel, si, err)
				}
			}
			t := c.Time
			if !t.IsZero() && len(segs) > 1 {
				t = t.Add(time.Duration(float64(si*len(seg)) / rate * float64(time.Second)))
			}
			rows = append(rows, reports.FeatureRow{
				Turbine: c.Turbine, Sensor: c.Sensor, Time: t, Path: c.Path, Channel: c.Channel, Segment: si,
				Unit: c.Unit, SampleRateHz: rate, RPM: c.RPM, Samples: len(seg), Label: c.Label,
				Meta: meta, Values: values, Spectrum: spectrum,
			})
		}
	}
	return rows, nil
}

// renameClashes returns the metadata columns for the table: a manifest
// column whose name the table already uses (the CWRU catalog's samples,
// say) is renamed with the prefix manifest_, with a note on stderr.
func renameClashes(meta []datasets.MetaColumn, feats []features.Column, stderr io.Writer) []datasets.MetaColumn {
	taken := map[string]bool{}
	for _, c := range reports.FixedFeatureColumns() {
		taken[c.Name] = true
	}
	for _, c := range feats {
		taken[c.Name] = true
	}
	out := make([]datasets.MetaColumn, len(meta))
	for i, c := range meta {
		out[i] = c
		if taken[c.Name] {
			out[i].Name = "manifest_" + c.Name
			fmt.Fprintf(stderr, "windpm: note: manifest column %q is named like a table column; it is written as %q\n", c.Name, out[i].Name)
		}
	}
	return out
}

// alignMeta returns a capture's metadata in the order of the table's
// metadata columns and under their names: cols are the manifest's names,
// table the names written (see renameClashes). A column the capture lacks
// is "" (null).
func alignMeta(meta []datasets.Field, cols, table []datasets.MetaColumn) []datasets.Field {
	out := make([]datasets.Field, len(cols))
	for i, c := range cols {
		out[i].Name = table[i].Name
		for _, f := range meta {
			if f.Name == c.Name {
				out[i].Value = f.Value
				break
			}
		}
	}
	return out
}
