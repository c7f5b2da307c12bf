package main

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/models"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/scanreport"
)

type reportOptions struct {
	from   []string
	out    string
	failOn string
}

func newReportCmd() *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report --from DIR... --out DIR",
		Short: "Merge the outputs of a sharded scan into one fleet report, scores and alarms table",
		Long: `Report merges what the shards of a scan wrote (windpm scan --shard K/N,
each into DIR/shards/shard=K-of-N/) into the fleet's outputs:

  OUT/scores.parquet, OUT/alarms.parquet        every shard's rows, in turbine order
  OUT/report.html, report.md, summary.json      one report of the whole fleet

The features table needs no merge: the shards of one --out write their
turbines' partitions into the same OUT/features/. The merged tables are
the ones one unsharded scan would have written, row for row.

--from takes the scan folders that hold the shards (usually one, the
shards' common --out; several when the shards wrote to different
folders). Folders and --out may be object-storage URLs (s3://bucket/scan,
gs://, azblob://, file://), as for windpm scan. Every shard 1…N must be there, scored with the same settings,
or report stops and says which is missing. A folder without shards is
taken as one whole-fleet scan (its report is written again).`,
		Example: `  for k in 1 2 3; do windpm scan --fleet fleet --out scan --shard $k/3 & done; wait
  windpm report --from scan --out scan
  windpm report --from scan --out scan --fail-on alarm      # exit 4 when an alarm is open
  windpm report --from s3://plant-results/scan --out s3://plant-results/scan`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd, &o)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&o.from, "from", nil, "scan output folders or URLs holding the shards (required)")
	fl.StringVar(&o.out, "out", "", "folder or URL for the merged tables and report (required; may be the --from folder)")
	fl.StringVar(&o.failOn, "fail-on", "", "exit with code 4 when an open alarm reaches this severity: watch, warning or alarm")
	return cmd
}

// reportPart is the derived outputs of one shard (or of a whole scan):
// the folder dir ("." or shards/shard=K-of-N) of a scan's location.
type reportPart struct {
	loc  *outLoc
	dir  string
	k, n int // 0, 0 for a whole-fleet scan
}

// name is what messages call the part.
func (p reportPart) name() string { return p.loc.dirName(p.dir) }

// findParts lists the derived outputs in the --from locations and checks
// that they make one whole fleet: every shard of one N exactly once, or a
// single whole-fleet scan.
func findParts(from []*outLoc) ([]reportPart, error) {
	var parts []reportPart
	for _, loc := range from {
		found := false
		for c, err := range loc.st.Children(loc.ctx, "shards/") {
			if err != nil {
				if errors.Is(err, store.ErrNoBucket) {
					break // no such folder: no scan there (said below)
				}
				return nil, err
			}
			var k, n int
			if !c.Dir {
				continue
			}
			if _, err := fmt.Sscanf(c.Name, "shard=%d-of-%d", &k, &n); err != nil || c.Name != fmt.Sprintf("shard=%d-of-%d", k, n) {
				continue
			}
			parts = append(parts, reportPart{loc: loc, dir: "shards/" + c.Name, k: k, n: n})
			found = true
		}
		if !found {
			ok, err := loc.exists(scanreport.DataFile)
			if err != nil && !errors.Is(err, store.ErrNoBucket) {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("%s: no scan outputs (no shards/shard=K-of-N/ and no %s): run windpm scan --out %s first", loc, scanreport.DataFile, loc)
			}
			parts = append(parts, reportPart{loc: loc, dir: "."})
		}
	}
	n := parts[0].n
	seen := map[int]string{}
	for _, p := range parts {
		if n == 0 && p.n == 0 && p.name() != parts[0].name() {
			return nil, fmt.Errorf("%s and %s are both whole-fleet scans (no shards/); report merges the shards of one scan", parts[0].name(), p.name())
		}
		if p.n != n {
			return nil, fmt.Errorf("%s and %s are not shards of one scan (a shard count of %d and %d); give the shards of one --shard K/N", parts[0].name(), p.name(), n, p.n)
		}
		if prev, dup := seen[p.k]; dup && n > 0 {
			return nil, fmt.Errorf("shard %d of %d is in both %s and %s", p.k, n, prev, p.name())
		}
		seen[p.k] = p.name()
	}
	for k := 1; k <= n; k++ {
		if _, ok := seen[k]; !ok {
			var names []string
			for _, l := range from {
				names = append(names, l.String())
			}
			return nil, fmt.Errorf("shard %d of %d has no outputs in %s: run windpm scan --shard %d/%d (or wait for it to finish)", k, n, strings.Join(names, ", "), k, n)
		}
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].k < parts[j].k })
	return parts, nil
}

// turbineLess orders turbines as a whole-fleet scan scores them: by the
// name of their features partition folder.
func turbineLess(a, b string) bool {
	return reports.HivePartition(reports.PartitionTurbine, a) < reports.HivePartition(reports.PartitionTurbine, b)
}

func runReport(cmd *cobra.Command, o *reportOptions) error {
	if len(o.from) == 0 || o.out == "" {
		return usageErrorf("report: --from and --out are required")
	}
	failOn := models.Severity(-1)
	if o.failOn != "" {
		sev, err := models.ParseSeverity(o.failOn)
		if err != nil || sev == models.OK {
			return usageErrorf("--fail-on %q: want watch, warning or alarm", o.failOn)
		}
		failOn = sev
	}
	ctx := cmd.Context()
	var from []*outLoc
	for _, loc := range o.from {
		l, err := openOut(ctx, loc)
		if err != nil {
			return err
		}
		defer l.st.Close()
		from = append(from, l)
	}
	out, err := openOut(ctx, o.out)
	if err != nil {
		return err
	}
	defer out.st.Close()
	parts, err := findParts(from)
	if err != nil {
		return err
	}
	var reps []*scanreport.Report
	for _, p := range parts {
		r, err := p.loc.readReport(p.dir)
		if err != nil {
			return err
		}
		if len(reps) > 0 && !reflect.DeepEqual(r.Settings, reps[0].Settings) {
			return fmt.Errorf("%s was scored with other settings than %s; rescore the shards with the same flags", p.name(), parts[0].name())
		}
		reps = append(reps, r)
	}
	for _, table := range []string{"scores", "alarms"} {
		if err := mergeTable(parts, table, out, table+".parquet"); err != nil {
			return err
		}
	}
	rep := scanreport.Merge(reps, turbineLess)
	rep.Out = o.out
	if parts[0].n > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("Merged from %d shards (windpm scan --shard K/%d).", len(parts), parts[0].n))
	}
	if err := out.writeReport(".", rep); err != nil {
		return err
	}
	open := 0
	for _, a := range rep.Alarms {
		if a.Open() {
			open++
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "report: %d part(s), %d captures, %d open alarm(s), %d failed capture(s)\nReport: %s\n",
		len(parts), rep.Captures, open, len(rep.Failed), out.name("report.html"))
	return failOnExit(out, ".", failOn)
}

// mergeTable writes the rows of one table of every part to key, in
// turbine order as a whole-fleet scan writes them: each part's rows are in
// that order already and a turbine is in one part only, so the parts are
// merged row by row and memory does not grow with the tables (they grow
// with the history).
func mergeTable(parts []reportPart, table string, out *outLoc, key string) error {
	type source struct {
		name    string
		r       *reports.RecordReader
		row     []any  // the next row, nil at the end
		turbine string // its turbine
	}
	var srcs []*source
	for _, p := range parts {
		src := join(p.dir, table+".parquet")
		r, c, err := p.loc.openRecordTable(src)
		if err != nil {
			return err
		}
		defer c.Close()
		s := &source{name: p.loc.name(src), r: r}
		if len(srcs) > 0 && !reflect.DeepEqual(r.Columns, srcs[0].r.Columns) {
			return fmt.Errorf("%s: other columns than %s (shards of different windpm versions or settings)", s.name, srcs[0].name)
		}
		srcs = append(srcs, s)
	}
	first := srcs[0].r
	col := -1
	for i, c := range first.Columns {
		if c.Name == "turbine" {
			col = i
		}
	}
	if col < 0 {
		return fmt.Errorf("%s: no turbine column", srcs[0].name)
	}
	advance := func(s *source) error {
		row, err := s.r.Next()
		if err == io.EOF {
			s.row = nil
			return nil
		}
		if err != nil {
			return err
		}
		t, _ := row[col].(string)
		if s.row != nil && turbineLess(t, s.turbine) {
			return fmt.Errorf("%s: turbine %q after %q: the rows are not in turbine order, as windpm scan writes them", s.name, t, s.turbine)
		}
		s.row, s.turbine = row, t
		return nil
	}
	for _, s := range srcs {
		if err := advance(s); err != nil {
			return err
		}
	}
	w, err := out.newRecordWriter(key, table, reports.ScanTablesVersion, first.Columns, first.Meta)
	if err != nil {
		return err
	}
	defer w.Abort()
	for {
		var next *source // the part of the least turbine; the first on a tie
		for _, s := range srcs {
			if s.row != nil && (next == nil || turbineLess(s.turbine, next.turbine)) {
				next = s
			}
		}
		if next == nil {
			return w.Close()
		}
		if err := w.Write(next.row); err != nil {
			return err
		}
		if err := advance(next); err != nil {
			return err
		}
	}
}
