package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/models"
	"github.com/windpm/windpm/models/classifier"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/atomicfile"
	"github.com/windpm/windpm/reports/scanreport"
	"github.com/windpm/windpm/reports/scanstate"
)

type scanOptions struct {
	fleet, out, assets string
	scada              []string
	model              string
	capture            captureFlags
	jobs               int
	rebuild, rescore   bool
	failOn             string
	chunk              int
	referenceDays      int
	classes            int
	persistence        string
	shard              string
}

func newScanCmd() *cobra.Command {
	var o scanOptions
	cmd := &cobra.Command{
		Use:   "scan --fleet DIR --out DIR",
		Short: "Scan a fleet: features, scores and alarms with evidence, incrementally and crash-safe",
		Long: `Scan is the main job. It reads the captures of a fleet folder that it has
not processed yet, computes their features, scores every capture against
its sensor's baseline, follows every turbine component through an alarm
state machine, and writes:

  OUT/features/turbine=…/date=…/part-….parquet  the features table (hive-partitioned)
  OUT/scores.parquet                            one row per capture: z-scores, zone, severity
  OUT/alarms.parquet                            one row per alarm, with its evidence
  OUT/report.html, report.md, summary.json      the report

The fleet folder holds captures as <turbine>/<sensor>/<stamp>.<ext>
(stamp like 20250301T020000Z, UTC) or a manifest.csv that lists them
(with turbine, sensor and time columns), and normally assets.yaml
(--assets to name another). See docs/scan.md.

--fleet, --out and --scada may be object-storage URLs instead of folders:
s3://bucket/prefix (with ?endpoint=…&use_path_style=true for an
S3-compatible store), gs://bucket/prefix, azblob://container/prefix,
file:///folder; credentials come from each cloud's environment ('windpm
help environment', docs/storage.md).

Incremental: a capture is processed once; the state in OUT/.windpm keys
it by path, size, modification time and content hash. A run with nothing
new changes nothing. Crash-safe: work is committed in chunks, and a run
killed at any moment (even kill -9) leaves the folder as of its last
commit; the next run finishes the work. A lock stops two runs on one
folder. --rebuild starts over.

Scoring: per sensor, the captures of the first --reference-days days are
its healthy reference: per operating class (speed bins) the median and
robust scale of every key indicator, and their shrunk covariance. Every
capture gets robust z-scores, a Mahalanobis distance, its ISO 20816-21
zone and a grade (ok, watch, warning, alarm); a component raises a
severity when k of its last n captures reach it (--persistence).`,
		Example: `  windpm scan --fleet fleet --out scan
  windpm scan --fleet fleet --out scan --fail-on alarm      # exit 4 when an alarm is open (cron)
  windpm scan --fleet fleet --out scan --rebuild --reference-days 28
  windpm scan --fleet fleet --out scan --shard 2/7              # one of 7 workers; then: windpm report --from scan --out scan
  windpm scan --fleet s3://plant-data/fleet --scada s3://plant-data/scada --out s3://plant-results/scan`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScan(cmd, &o)
		},
	}
	o.capture.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.fleet, "fleet", "", "fleet folder or object-storage URL, e.g. s3://bucket/fleet (required)")
	fl.StringVar(&o.out, "out", "", "output folder or object-storage URL (required); holds the tables, the report and the scan's state")
	fl.StringVar(&o.assets, "assets", "", "assets file or object URL (default: FLEET/assets.yaml when present)")
	fl.StringVar(&o.model, "model", "", "classifier model file (windpm train): its verdict on every capture goes to the scores and the alarms' evidence")
	fl.StringSliceVar(&o.scada, "scada", nil, "SCADA exports or folders, or one scada table (.parquet): operating classes by active power at capture time instead of shaft speed")
	fl.IntVar(&o.jobs, "jobs", 0, "parallel workers (0: one per CPU)")
	fl.BoolVar(&o.rebuild, "rebuild", false, "forget the state and the outputs in OUT and scan everything again")
	fl.BoolVar(&o.rescore, "rescore", false, "score, alarm and report again from the features table, even with nothing new")
	fl.StringVar(&o.failOn, "fail-on", "", "exit with code 4 when an open alarm reaches this severity: watch, warning or alarm")
	fl.IntVar(&o.chunk, "chunk", 256, "captures per commit: at most this much work is redone after a crash")
	fl.IntVar(&o.referenceDays, "reference-days", 21, "days from each sensor's first capture that form its healthy reference period")
	fl.IntVar(&o.classes, "classes", 2, "operating classes per sensor: quantile bins of shaft speed over the reference period (1: none)")
	fl.StringVar(&o.persistence, "persistence", "3/5", "K/N: a severity is raised when K of a component's last N captures reach it")
	fl.StringVar(&o.shard, "shard", "", "K/N: scan only the turbines of shard K of N (1 + FNV-1a-64(turbine id) mod N); shards run at once on one OUT, then 'windpm report --from OUT --out OUT' merges them")
	return cmd
}

// scanSettings are the options that shape the derived outputs (the
// exported fields, which their fingerprint covers) and what the run needs
// besides.
type scanSettings struct {
	ReferenceDays int                `json:"reference_days"`
	Classes       int                `json:"classes"`
	Alarm         models.AlarmConfig `json:"alarm"`
	Thresholds    models.Thresholds  `json:"thresholds"`
	Indicators    []string           `json:"indicators"`
	// SCADA identifies the SCADA inputs (path, size, modification time).
	SCADA []string `json:"scada,omitempty"`
	// Model is the classifier's fingerprint.
	Model string `json:"model,omitempty"`

	failOn     models.Severity // -1: no --fail-on
	scadaPaths []string
	model      *classifier.Model
	bind       []int // model feature j is features column bind[j]
	assets     *datasets.Assets
	opts       datasets.Options
	kin        *kinematicsSource
	schema     reports.FeatureSchema
	// out is the output location (--out).
	out *outLoc
	// shard is this run's shard (shardK of shardN; 0 of 0: the whole
	// fleet).
	shardK, shardN int
}

// shardName names the run's shard in the state and the outputs
// ("shard=2-of-7"), "" for the whole fleet.
func (s *scanSettings) shardName() string {
	if s.shardN == 0 {
		return ""
	}
	return fmt.Sprintf("shard=%d-of-%d", s.shardK, s.shardN)
}

// owns reports whether the run scans turbine id.
func (s *scanSettings) owns(id string) bool {
	return s.shardN == 0 || datasets.ShardOf(id, s.shardN) == s.shardK
}

// ownsKey is owns for a turbine partition name (turbine=<escaped id>).
func (s *scanSettings) ownsKey(key string) bool {
	v, ok := strings.CutPrefix(key, reports.PartitionTurbine+"=")
	if !ok {
		return false
	}
	id, err := reports.HiveUnescape(v)
	return err == nil && s.owns(id)
}

func (o *scanOptions) settings() (*scanSettings, error) {
	if o.fleet == "" || o.out == "" {
		return nil, usageErrorf("scan: --fleet and --out are required")
	}
	var shardK, shardN int
	if o.shard != "" {
		var err error
		if shardK, shardN, err = datasets.ParseShard(o.shard); err != nil {
			return nil, usageErrorf("--shard: %v", err)
		}
	}
	if o.jobs < 0 {
		return nil, usageErrorf("--jobs must be >= 0, got %d", o.jobs)
	}
	if o.jobs == 0 {
		o.jobs = runtime.GOMAXPROCS(0)
	}
	if o.chunk < 1 {
		return nil, usageErrorf("--chunk must be >= 1, got %d", o.chunk)
	}
	if o.referenceDays < 1 {
		return nil, usageErrorf("--reference-days must be >= 1, got %d", o.referenceDays)
	}
	if o.classes < 1 || o.classes > 10 {
		return nil, usageErrorf("--classes must be in [1, 10], got %d", o.classes)
	}
	s := &scanSettings{ReferenceDays: o.referenceDays, Classes: o.classes, Thresholds: models.DefaultThresholds(),
		shardK: shardK, shardN: shardN}
	var k, n int
	if _, err := fmt.Sscanf(o.persistence, "%d/%d", &k, &n); err != nil || fmt.Sprintf("%d/%d", k, n) != o.persistence {
		return nil, usageErrorf("--persistence %q: want K/N, e.g. 3/5", o.persistence)
	}
	s.Alarm = models.AlarmConfig{K: k, N: n, ClearAfter: 2 * n}
	if err := s.Alarm.Validate(); err != nil {
		return nil, usageErrorf("--persistence: %v", err)
	}
	s.failOn = -1
	if o.failOn != "" {
		sev, err := models.ParseSeverity(o.failOn)
		if err != nil || sev == models.OK {
			return nil, usageErrorf("--fail-on %q: want watch, warning or alarm", o.failOn)
		}
		s.failOn = sev
	}
	return s, nil
}

func runScan(cmd *cobra.Command, o *scanOptions) error {
	set, err := o.settings()
	if err != nil {
		return err
	}
	if set.opts, err = o.capture.options(); err != nil {
		return err
	}
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	start := time.Now()

	fleetStore, err := store.Open(cmd.Context(), o.fleet)
	if err != nil {
		return err
	}
	defer fleetStore.Close()
	fleet, err := datasets.OpenFleetStore(cmd.Context(), fleetStore)
	if err != nil {
		return err
	}
	if o.assets != "" {
		if set.assets, err = datasets.ReadAssetsAt(cmd.Context(), o.assets); err != nil {
			return err
		}
	} else if set.assets, err = fleet.ReadAssets(cmd.Context()); err != nil {
		return err
	}
	set.kin = &kinematicsSource{warned: map[string]bool{},
		warn: func(s string) { fmt.Fprintf(stderr, "windpm: warning: %s\n", s) }}
	var cfg features.Config
	if set.assets != nil {
		set.kin.assets = set.assets
		cfg.BandNames = bandNames(set.assets)
	} else {
		fmt.Fprintf(stderr, "windpm: note: no assets file (%s has no assets.yaml; --assets names one): bearing and gear features stay null\n", fleet.Dir)
	}
	probe, err := features.NewExtractor(cfg)
	if err != nil {
		return err
	}
	var metaCols []datasets.MetaColumn
	if fleet.Manifest != nil {
		metaCols = fleet.Manifest.MetaColumns
	}
	set.schema = reports.FeatureSchema{Features: probe.Columns(), Meta: renameClashes(metaCols, probe.Columns(), io.Discard)}
	for _, ind := range models.DefaultIndicators() {
		set.Indicators = append(set.Indicators, ind.Name)
	}
	stateCfg, err := scanConfig(set, cfg)
	if err != nil {
		return err
	}

	if len(o.scada) > 0 {
		// Read when the scores are made; here only identified.
		set.scadaPaths = o.scada
		files, err := scada.ExpandFiles(cmd.Context(), o.scada)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return fmt.Errorf("--scada %s: no SCADA exports found", strings.Join(o.scada, ", "))
		}
		for _, f := range files {
			set.SCADA = append(set.SCADA, fmt.Sprintf("%s %d %d", f.Name, f.Size, f.ModTime.UnixNano()))
		}
	}

	if o.model != "" {
		f, err := os.Open(o.model)
		if err != nil {
			return fmt.Errorf("%s: %w", o.model, atomicfile.UnwrapPathError(err))
		}
		set.model, err = classifier.Read(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", o.model, err)
		}
		if set.bind, err = set.model.Bind(set.schema.Features); err != nil {
			return fmt.Errorf("%s: %w", o.model, err)
		}
		sum, err := hashFile(o.model)
		if err != nil {
			return err
		}
		set.Model = sum
	}

	if v := os.Getenv("WINDPM_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return usageErrorf("WINDPM_LEASE=%q: want a duration of at least 1s, such as 2m", v)
		}
		scanstate.LeaseTime, scanstate.LeaseRenew = d, d/4
	}
	if set.out, err = openOut(cmd.Context(), o.out); err != nil {
		return err
	}
	defer set.out.st.Close()
	if err := set.out.checkScanFolder(); err != nil {
		return err
	}
	lock, err := scanstate.Acquire(cmd.Context(), set.out.st, set.shardName())
	if err != nil {
		return err
	}
	defer lock.Release()
	if lock.Stale != nil {
		fmt.Fprintf(stderr, "windpm: note: took over the lock of an earlier scan that did not finish (pid %d on %s)\n", lock.Stale.PID, lock.Stale.Host)
	}
	stateOpts := scanstate.Options{Rebuild: o.rebuild, Shard: set.shardName()}
	if set.shardN > 0 {
		stateOpts.Owns = set.ownsKey
	}
	state, err := scanstate.Open(cmd.Context(), set.out.st, stateOpts)
	if err != nil {
		return err
	}
	if len(state.RolledBack) > 0 {
		fmt.Fprintf(stderr, "windpm: note: rolled back %d file(s) of an interrupted chunk; redoing it\n", len(state.RolledBack))
	}
	if state.Config != nil && state.Config.Fingerprint != stateCfg.Fingerprint {
		return fmt.Errorf("%s was scanned with other feature settings (then: %s; now: %s); use --rebuild or another --out",
			set.out, state.Config.Description, stateCfg.Description)
	}

	b := batch{stderr: stderr}
	run, err := processCaptures(cmd, o, set, cfg, fleet, state, stateCfg, metaCols, &b)
	if err != nil {
		return err
	}
	if run.work > 0 {
		fmt.Fprintf(stdout, "scan: %d new capture(s) of %d in %s\n", run.work, run.listed, fleet.Dir)
	}
	gen, err := state.Generation()
	if err != nil {
		return err
	}
	derivedFP := set.fingerprint()
	derived := state.DerivedDir()
	made, err := set.out.exists(join(derived, "summary.json"))
	if err != nil {
		return err
	}
	if run.work == 0 && !o.rescore && state.Derived.Generation == gen && state.Derived.Fingerprint == derivedFP && made {
		fmt.Fprintf(stdout, "scan: nothing new in %s (%d captures scanned); outputs unchanged\n", fleet.Dir, run.listed)
		return scanExit(set.out, derived, set, &b)
	}
	sum, err := deriveOutputs(cmd, o, set, fleet, derived, run.failures, run.work)
	if err != nil {
		return err
	}
	if err := state.SetDerived(scanstate.Derived{Generation: gen, Fingerprint: derivedFP}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "scan: %d captures, %d scored; %d open alarm(s), %d closed; %.1f s\n",
		sum.captures, sum.scored, sum.open, sum.closed, time.Since(start).Seconds())
	for _, line := range sum.openLines {
		fmt.Fprintf(stdout, "  %s\n", line)
	}
	fmt.Fprintf(stdout, "Report: %s\n", set.out.name(join(derived, "report.html")))
	if set.shardN > 0 {
		fmt.Fprintf(stdout, "Shard %d of %d done; when every shard is: windpm report --from %s --out %s\n", set.shardK, set.shardN, o.out, o.out)
	}
	return scanExit(set.out, derived, set, &b)
}

// checkScanFolder refuses an output location that holds other things and
// no scan: --rebuild there would be harmless (it removes only the scan's
// outputs), but a typo in --out should not scatter tables in a home
// folder or over a bucket's other data.
func (l *outLoc) checkScanFolder() error {
	for _, err := range l.st.List(l.ctx, scanstate.StateDir+"/") {
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, store.ErrNoBucket) {
			return err
		}
		if err == nil {
			return nil // a scan's
		}
		break
	}
	for _, err := range l.st.Children(l.ctx, "") {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, store.ErrNoBucket) {
				return nil
			}
			return err
		}
		return fmt.Errorf("%s: not empty and not a scan's output folder; give a new or empty folder to --out", l)
	}
	return nil
}

// partitionWriterOptions are the options of a scan's partition files.
var partitionWriterOptions = reports.FeatureWriterOptions{Snappy: true, NoDocs: true, NoStats: true}

// scanConfig returns the fingerprint of what shapes the feature rows: the
// table's columns, how the partition files are written and the extraction
// settings.
func scanConfig(set *scanSettings, cfg features.Config) (scanstate.Config, error) {
	cols := set.schema.Columns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name + ":" + c.Type
	}
	desc := map[string]any{
		"schema_version": features.SchemaVersion, "columns": names, "component_bands": cfg.BandNames,
		"channel": set.opts.Channel, "rate_hz": set.opts.RateHz, "rpm": set.opts.RPM,
		"partition_files": partitionWriterOptions,
	}
	b, err := json.Marshal(desc)
	if err != nil {
		return scanstate.Config{}, err
	}
	sum := sha256.Sum256(b)
	text := fmt.Sprintf("feature set v%d, %d columns", features.SchemaVersion, len(cols))
	if set.opts.Channel != "" || set.opts.RateHz > 0 || set.opts.RPM > 0 {
		text += fmt.Sprintf(", --channel %q --rate %g --rpm %g", set.opts.Channel, set.opts.RateHz, set.opts.RPM)
	}
	return scanstate.Config{Version: scanstate.Version, Fingerprint: hex.EncodeToString(sum[:]), Description: text}, nil
}

// fingerprint identifies the settings of the derived outputs.
func (s *scanSettings) fingerprint() string {
	b, _ := json.Marshal(s)
	sum := sha256.Sum256(append(b, versionString()...))
	return hex.EncodeToString(sum[:])
}

// pendingCaptures returns the captures of a turbine the state has not
// processed (indices into caps), an error for each capture whose content
// changed since, and the failures the journal records for captures still
// listed. A capture whose size or modification time changed is hashed:
// the same content is not new.
func pendingCaptures(ctx context.Context, caps []datasets.FleetCapture, state *scanstate.Turbine) (work []int, changed []error, failures []scanreport.Failure, err error) {
	for i := range caps {
		c := &caps[i]
		rec, seen := state.Captures[c.Rel]
		switch {
		case !seen:
			work = append(work, i)
			continue
		case rec.Size == c.Size && rec.ModTimeNs == c.ModTime.UnixNano():
			// Unchanged.
		default:
			data, err := c.ReadAll(ctx)
			if err != nil {
				return nil, nil, nil, err
			}
			sum := hashBytes(data)
			if sum != rec.SHA256 {
				changed = append(changed, fmt.Errorf("%s: changed since it was scanned (new content); its old rows stay; use --rebuild to rescan the fleet", c.Path))
			}
		}
		if rec.Error != "" {
			failures = append(failures, scanreport.Failure{Path: c.Rel, Error: rec.Error})
		}
	}
	return work, changed, failures, nil
}

// hashBytes returns the hex SHA-256 of data.
func hashBytes(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// hashFile returns the hex SHA-256 of a file's content.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// scanResult is what a worker returns for one capture.
type scanResult struct {
	rows []reports.FeatureRow
	rec  scanstate.Capture
	err  error
}

// chunkPlan is a run of whole partitions of one turbine committed
// together.
type chunkPlan struct {
	from, to int      // indices into the turbine's work
	parts    []string // partition folders, in order
}

// planChunks cuts a turbine's work (in listing order: date, sensor, …)
// into chunks of whole turbine × date partitions holding at least size
// captures (the last one fewer). The cut depends only on the work list,
// so a run that resumes after a crash cuts the rest as the first run
// would have.
func planChunks(caps []datasets.FleetCapture, work []int, size int) []chunkPlan {
	var plans []chunkPlan
	cur := chunkPlan{}
	for k, i := range work {
		p := partitionOf(&caps[i])
		if len(cur.parts) == 0 || cur.parts[len(cur.parts)-1] != p {
			if cur.to-cur.from >= size {
				plans = append(plans, cur)
				cur = chunkPlan{from: k}
			}
			cur.parts = append(cur.parts, p)
		}
		cur.to = k + 1
	}
	if cur.to > cur.from {
		plans = append(plans, cur)
	}
	return plans
}

// partitionOf returns the features partition folder of a capture,
// relative to the output folder.
func partitionOf(c *datasets.FleetCapture) string {
	return filepath.ToSlash(filepath.Join("features",
		reports.HivePartition(reports.PartitionTurbine, c.Turbine),
		reports.HivePartition(reports.PartitionDate, c.Time.UTC().Format(time.DateOnly))))
}

func partFile(part string, seq int) string { return fmt.Sprintf("%s/part-%08d.parquet", part, seq) }

// turbineWork is one turbine's part of a run: its listing, its journal
// and the captures to process, cut into chunks.
type turbineWork struct {
	index int // in the fleet's turbines
	caps  []datasets.FleetCapture
	state *scanstate.Turbine
	work  []int
	plans []chunkPlan
	plan  int // the chunk being written
}

// scanItem is what the listing hands on: the start of a turbine (k < 0,
// with what its listing found) or capture k of its work.
type scanItem struct {
	t        *turbineWork
	k        int
	changed  []error
	failures []scanreport.Failure
}

// scanRun is what processCaptures did.
type scanRun struct {
	listed, work int
	// failures are the captures that could not be processed, in this run
	// or an earlier one, sorted by path.
	failures []scanreport.Failure
}

// processCaptures goes through the fleet turbine by turbine: it lists the
// turbine's captures, reads its journal, computes the features of the new
// captures in parallel and writes them chunk by chunk, each chunk
// committed to the turbine's journal. Memory holds the turbines being
// worked on, not the fleet.
func processCaptures(cmd *cobra.Command, o *scanOptions, set *scanSettings, cfg features.Config, fleet *datasets.Fleet,
	state *scanstate.State, stateCfg scanstate.Config, metaCols []datasets.MetaColumn, b *batch) (*scanRun, error) {
	config, _ := json.Marshal(map[string]any{"scan": true, "fleet": fleet.Dir, "component_bands": cfg.BandNames,
		"channel": set.opts.Channel, "rate_hz": set.opts.RateHz, "rpm": set.opts.RPM})
	fileMeta := map[string]string{reports.MetaToolVersion: versionString(), reports.MetaConfig: string(config)}
	run := &scanRun{}

	var (
		seq     int
		chunk   scanstate.Chunk
		w       *reports.FeatureWriter
		wPart   string
		written []string
	)
	abort := func() {
		if w != nil {
			w.Abort()
			w = nil
		}
	}
	defer abort()
	closePart := func() error {
		if w == nil {
			return nil
		}
		err := w.Close()
		w = nil
		return err
	}
	progress, clearProgress := progressLine(cmd.ErrOrStderr(), "scan", "turbines")
	defer clearProgress()

	feed := func(send func(scanItem) bool) error {
		for ti, name := range fleet.Turbines {
			if !set.owns(name) {
				continue
			}
			caps, err := fleet.Captures(name)
			if err != nil {
				return err
			}
			ts, err := state.Turbine(reports.HivePartition(reports.PartitionTurbine, name))
			if err != nil {
				return err
			}
			tw := &turbineWork{index: ti, caps: caps, state: ts}
			var it scanItem
			if tw.work, it.changed, it.failures, err = pendingCaptures(cmd.Context(), caps, ts); err != nil {
				return err
			}
			tw.plans = planChunks(caps, tw.work, o.chunk)
			it.t, it.k = tw, -1
			if !send(it) {
				return nil
			}
			for k := range tw.work {
				if !send(scanItem{t: tw, k: k}) {
					return nil
				}
			}
		}
		return nil
	}
	newWorker := func() func(scanItem) scanResult {
		ex, _ := features.NewExtractor(cfg)
		prep, _ := features.NewPreparer(0, 0)
		return func(it scanItem) scanResult {
			if it.k < 0 {
				return scanResult{}
			}
			return scanCapture(cmd.Context(), &it.t.caps[it.t.work[it.k]], set, ex, prep, metaCols)
		}
	}
	emit := func(it scanItem, r scanResult) error {
		tw := it.t
		if it.k < 0 {
			if progress != nil {
				progress(tw.index, len(fleet.Turbines))
			}
			for _, err := range it.changed {
				b.fail(err)
			}
			run.listed += len(tw.caps)
			run.work += len(tw.work)
			run.failures = append(run.failures, it.failures...)
			return nil
		}
		k := it.k
		p := &tw.plans[tw.plan]
		if k == p.from {
			files := make([]string, len(p.parts))
			for i, part := range p.parts {
				files[i] = partFile(part, tw.state.Seq+1)
			}
			var err error
			if seq, err = tw.state.Begin(files); err != nil {
				return err
			}
			chunk = scanstate.Chunk{Seq: seq}
			written = written[:0]
		}
		c := &tw.caps[tw.work[k]]
		chunk.Captures = append(chunk.Captures, r.rec)
		if r.err != nil {
			b.fail(r.err)
			run.failures = append(run.failures, scanreport.Failure{Path: c.Rel, Error: r.rec.Error})
		} else {
			b.done++
			part := partitionOf(c)
			if part != wPart || w == nil {
				if err := closePart(); err != nil {
					return err
				}
				f := partFile(part, seq)
				var err error
				// A partition file holds a turbine-day: Snappy, no column
				// docs, no statistics (see reports.FeatureWriterOptions).
				if w, err = set.out.newFeatureWriter(f, set.schema, fileMeta, partitionWriterOptions); err != nil {
					return err
				}
				wPart = part
				written = append(written, f)
			}
			for j := range r.rows {
				if err := w.Write(&r.rows[j]); err != nil {
					return err
				}
			}
		}
		if k+1 == p.to {
			if err := closePart(); err != nil {
				return err
			}
			chunk.Files = append([]string(nil), written...)
			if err := tw.state.Commit(chunk, stateCfg); err != nil {
				return err
			}
			tw.plan++
		}
		return nil
	}
	if err := orderedFeed(cmd.Context(), o.jobs, feed, newWorker, emit); err != nil {
		return nil, err
	}
	if progress != nil {
		progress(len(fleet.Turbines), len(fleet.Turbines))
	}
	sort.Slice(run.failures, func(i, j int) bool { return run.failures[i].Path < run.failures[j].Path })
	return run, nil
}

// scanCapture reads one capture of the fleet and returns its feature rows
// and its journal record.
func scanCapture(ctx context.Context, c *datasets.FleetCapture, set *scanSettings, ex *features.Extractor, prep *features.Preparer, metaCols []datasets.MetaColumn) scanResult {
	rec := scanstate.Capture{Path: c.Rel, Size: c.Size, ModTimeNs: c.ModTime.UnixNano()}
	// One read: hashed for the journal and decoded.
	data, err := c.ReadAll(ctx)
	if err != nil {
		rec.Error = oneLine(err.Error())
		return scanResult{rec: rec, err: err}
	}
	rec.SHA256 = hashBytes(data)
	caps, err := c.Source.ReadData(data, set.opts)
	var rows []reports.FeatureRow
	if err == nil {
		rows, err = captureRows(caps, ex, prep, nil, set.kin, metaCols, set.schema.Meta)
	}
	if err == nil && len(rows) > 1 {
		// A sensor's history is one signal: a file with several channels
		// needs --channel to say which one the sensor is.
		err = fmt.Errorf("%s: %d channels (%s, …); a scan reads one per capture: give --channel", c.Path, len(rows), rows[0].Channel)
	}
	if err != nil {
		rec.Error = oneLine(err.Error())
		return scanResult{rec: rec, err: err}
	}
	for i := range rows {
		// The table names captures by their place in the fleet, so that
		// it does not depend on where the fleet folder was mounted.
		rows[i].Path, rows[i].Turbine, rows[i].Sensor, rows[i].Time = c.Rel, c.Turbine, c.Sensor, c.Time
	}
	rec.Rows = len(rows)
	return scanResult{rows: rows, rec: rec}
}

// scanExit returns the run's exit: partial (3) when captures failed (the
// outputs hold the rest), else 4 when --fail-on is reached, else success.
func scanExit(out *outLoc, dir string, set *scanSettings, b *batch) error {
	report := out.name(join(dir, "report.html"))
	if b.failed > 0 {
		// The tables and the report were written whatever failed: partial.
		return partialErrorf("%s; %d capture(s) failed (listed in %s)", oneLine(b.lastErr.Error()), b.failed, report)
	}
	return failOnExit(out, dir, set.failOn)
}

// failOnExit returns exit 4 when an open alarm in the summary of the
// folder dir reaches failOn (< 0: never).
func failOnExit(out *outLoc, dir string, failOn models.Severity) error {
	if failOn < 0 {
		return nil
	}
	s, err := out.summary(dir)
	if err != nil {
		return err
	}
	if worst := worstOpenSeverity(s); worst >= failOn {
		return &exitError{code: exitFailOn, err: fmt.Errorf("--fail-on %s: an open alarm is at %s (%s)", failOn, worst, out.name(join(dir, "report.html")))}
	}
	return nil
}
