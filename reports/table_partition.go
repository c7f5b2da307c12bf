package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/windpm/windpm/reports/atomicfile"
)

// Partition keys a PartitionedFeatureWriter accepts.
const (
	// PartitionTurbine partitions by the turbine column.
	PartitionTurbine = "turbine"
	// PartitionSensor partitions by the sensor column.
	PartitionSensor = "sensor"
	// PartitionDate partitions by the UTC calendar date of the time column
	// (YYYY-MM-DD); date is not a column of the files.
	PartitionDate = "date"
)

// HiveNull is the folder value of a partition whose key is empty or null
// (the Hive and Spark convention).
const HiveNull = "__HIVE_DEFAULT_PARTITION__"

// MaxOpenPartitions is how many partition files a PartitionedFeatureWriter
// keeps open at once; MaxBufferedRows is how many rows it buffers across
// all of them (beyond it, partition files get row groups smaller than
// RowGroupRows).
const (
	MaxOpenPartitions = 64
	MaxBufferedRows   = 16384
)

// PartitionedFeatureWriter writes a features table as a hive-partitioned
// folder, dir/turbine=WT01/date=2025-03-01/part-00000.parquet, which
// DuckDB (read_parquet('dir/**/*.parquet', hive_partitioning = true)),
// Spark, Trino and pandas/pyarrow read as one dataset.
//
// Every file has the full schema: the partition columns that are columns
// of the table (turbine, sensor) are kept in the files as well as in the
// folder names, so that each file reads on its own and the schema is the
// same as that of a single-file table; date is only in the folder names.
// Folder values are escaped as Hive does (%XX for '/', '=', '%', ':' and
// other unsafe bytes); an empty value or a null time is HiveNull.
//
// Memory is bounded whatever the number of partitions: at most
// MaxOpenPartitions partition files are open (the least recently written
// one is completed when another is needed; a later row for it starts its
// next part-NNNNN file) and at most MaxBufferedRows rows are buffered in
// all (beyond that the partition with the most buffered rows writes them
// as a row group). Rows sorted or clustered by the partition keys, as a
// scan produces them, give one file per partition.
//
// The folder is written as a whole: everything goes to a temporary sibling
// folder (.NAME.tmp-*), renamed to dir by Close; Abort or a failed Close
// removes it, and dir is left as it was. When dir already exists (it must
// then be empty or a partitioned table: only KEY=VALUE folders), Close
// moves it aside, renames the new folder into place and removes the old
// one, so a reader sees the old table or the new one, except for the
// instant between the two renames, when dir is missing.
//
// A PartitionedFeatureWriter belongs to one goroutine.
type PartitionedFeatureWriter struct {
	dir, tmp string
	schema   FeatureSchema
	fileMeta map[string]string
	by       []string

	checker  *FeatureWriter // validates rows before they choose a partition
	open     map[string]*partition
	nextPart map[string]int
	tick     int64
	buffered int
	err      error
	done     bool

	// Limits, MaxOpenPartitions, MaxBufferedRows and RowGroupRows
	// unless a test lowers them.
	maxOpen, maxBuffered, rgRows int
}

// partition is one open partition file.
type partition struct {
	w       *FeatureWriter
	lastUse int64
}

// NewPartitionedFeatureWriter starts a hive-partitioned features table in
// dir, partitioned by the keys in partitionBy (PartitionTurbine,
// PartitionSensor, PartitionDate, in folder order). fileMeta is as for
// NewFeatureWriter.
func NewPartitionedFeatureWriter(dir string, s FeatureSchema, fileMeta map[string]string, partitionBy []string) (*PartitionedFeatureWriter, error) {
	if len(partitionBy) == 0 {
		return nil, fmt.Errorf("%s: no partition keys", dir)
	}
	for i, k := range partitionBy {
		switch k {
		case PartitionTurbine, PartitionSensor, PartitionDate:
		default:
			return nil, fmt.Errorf("%s: unknown partition key %q (want turbine, sensor or date)", dir, k)
		}
		if slices.Contains(partitionBy[:i], k) {
			return nil, fmt.Errorf("%s: partition key %q given twice", dir, k)
		}
	}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if _, _, err := tableMetadata(&s, s.Columns(), fileMeta); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if err := checkReplaceable(dir); err != nil {
		return nil, err
	}
	dir = filepath.Clean(dir)
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, atomicfile.UnwrapPathError(err))
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("%s: %w", dir, atomicfile.UnwrapPathError(err))
	}
	return &PartitionedFeatureWriter{
		dir: dir, tmp: tmp, schema: s, fileMeta: fileMeta, by: slices.Clone(partitionBy),
		checker: &FeatureWriter{schema: s, metaInt: make([]int64, len(s.Meta)), metaFloat: make([]float64, len(s.Meta))},
		open:    make(map[string]*partition), nextPart: make(map[string]int),
		maxOpen: MaxOpenPartitions, maxBuffered: MaxBufferedRows, rgRows: RowGroupRows(&s),
	}, nil
}

// checkReplaceable refuses to replace a folder that is not a partitioned
// table: it must be absent, empty, or hold only KEY=VALUE folders.
func checkReplaceable(dir string) error {
	fi, err := os.Stat(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, atomicfile.UnwrapPathError(err))
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: exists and is not a folder", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, atomicfile.UnwrapPathError(err))
	}
	for _, e := range ents {
		if !e.IsDir() || !strings.Contains(e.Name(), "=") {
			return fmt.Errorf("%s: exists and holds %s, not only KEY=VALUE partition folders; refusing to replace it", dir, e.Name())
		}
	}
	return nil
}

// partitionDir returns the relative folder of r's partition.
func (p *PartitionedFeatureWriter) partitionDir(r *FeatureRow) string {
	parts := make([]string, len(p.by))
	for i, k := range p.by {
		var v string
		switch k {
		case PartitionTurbine:
			v = r.Turbine
		case PartitionSensor:
			v = r.Sensor
		case PartitionDate:
			if !r.Time.IsZero() {
				v = r.Time.UTC().Format("2006-01-02")
			}
		}
		parts[i] = HivePartition(k, v)
	}
	return filepath.Join(parts...)
}

// HivePartition returns the folder name of partition key=value, the value
// escaped as Hive does (HiveNull when empty).
func HivePartition(key, value string) string {
	if value == "" {
		return key + "=" + HiveNull
	}
	return key + "=" + hiveEscape(value)
}

// HiveUnescape returns the partition value a folder name's value part
// stands for (the inverse of HivePartition's escaping; HiveNull is "").
func HiveUnescape(v string) (string, error) {
	if v == HiveNull {
		return "", nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			b.WriteByte(v[i])
			continue
		}
		if i+2 >= len(v) {
			return "", fmt.Errorf("partition value %q: truncated %%XX escape", v)
		}
		n, err := strconv.ParseUint(v[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("partition value %q: bad %%XX escape", v)
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), nil
}

// hiveEscape escapes a partition value as Hive's FileUtils.escapePathName
// does: control bytes and " # % ' * / : = ? \ { [ ] ^ and DEL become %XX.
func hiveEscape(v string) string {
	const unsafe = "\"#%'*/:=?\\{[]^\x7f"
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || strings.IndexByte(unsafe, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Write adds r to its partition. Errors are as for FeatureWriter.Write; an
// I/O error is final.
func (p *PartitionedFeatureWriter) Write(r *FeatureRow) error {
	if p.done {
		return fmt.Errorf("%s: write after close", p.dir)
	}
	if p.err != nil {
		return p.err
	}
	// A refused row must not create its partition's folder and file.
	if err := p.checker.check(r); err != nil {
		return fmt.Errorf("%s: row %s %s segment %d: %w", p.dir, r.Path, r.Channel, r.Segment, err)
	}
	rel := p.partitionDir(r)
	part, err := p.partition(rel)
	if err != nil {
		p.err = err
		return err
	}
	p.tick++
	part.lastUse = p.tick
	before := part.w.buffered
	if err := part.w.Write(r); err != nil {
		if part.w.err != nil {
			p.err = fmt.Errorf("%s: %w", p.dir, err)
			return p.err
		}
		return fmt.Errorf("%s: %w", p.dir, err)
	}
	p.buffered += part.w.buffered - before
	for p.buffered > p.maxBuffered {
		var big *partition
		for _, q := range p.open {
			if big == nil || q.w.buffered > big.w.buffered {
				big = q
			}
		}
		n := big.w.buffered
		if err := big.w.flush(); err != nil {
			p.err = err
			return err
		}
		p.buffered -= n
	}
	return nil
}

// partition returns the open partition file for rel, completing the least
// recently used one first when MaxOpenPartitions are open.
func (p *PartitionedFeatureWriter) partition(rel string) (*partition, error) {
	if q, ok := p.open[rel]; ok {
		return q, nil
	}
	if len(p.open) >= p.maxOpen {
		var oldRel string
		var old *partition
		for k, q := range p.open {
			if old == nil || q.lastUse < old.lastUse {
				oldRel, old = k, q
			}
		}
		if err := p.closePartition(oldRel, old); err != nil {
			return nil, err
		}
	}
	d := filepath.Join(p.tmp, rel)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", p.dir, rel, atomicfile.UnwrapPathError(err))
	}
	n := p.nextPart[rel]
	p.nextPart[rel] = n + 1
	w, err := newFeatureWriter(filepath.Join(d, fmt.Sprintf("part-%05d.parquet", n)), p.schema, p.fileMeta, p.rgRows, FeatureWriterOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.dir, err)
	}
	q := &partition{w: w}
	p.open[rel] = q
	return q, nil
}

// closePartition completes one partition file.
func (p *PartitionedFeatureWriter) closePartition(rel string, q *partition) error {
	p.buffered -= q.w.buffered
	delete(p.open, rel)
	if err := q.w.Close(); err != nil {
		return fmt.Errorf("%s: %w", p.dir, err)
	}
	return nil
}

// Close completes every partition file and renames the folder into place.
// On error nothing new is left (an older dir stays as it was).
func (p *PartitionedFeatureWriter) Close() error {
	if p.done {
		return fmt.Errorf("%s: close after close or abort", p.dir)
	}
	if p.err != nil {
		p.Abort()
		return p.err
	}
	keys := make([]string, 0, len(p.open))
	for k := range p.open {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := p.closePartition(k, p.open[k]); err != nil {
			p.Abort()
			return err
		}
	}
	p.done = true
	if err := checkReplaceable(p.dir); err != nil {
		os.RemoveAll(p.tmp)
		return err
	}
	var old string
	if _, err := os.Stat(p.dir); err == nil {
		old = p.tmp + ".old"
		if err := os.Rename(p.dir, old); err != nil {
			os.RemoveAll(p.tmp)
			return fmt.Errorf("%s: %w", p.dir, atomicfile.UnwrapPathError(err))
		}
	}
	if err := os.Rename(p.tmp, p.dir); err != nil {
		if old != "" {
			os.Rename(old, p.dir)
		}
		os.RemoveAll(p.tmp)
		return fmt.Errorf("%s: %w", p.dir, atomicfile.UnwrapPathError(err))
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("%s: removing the previous table: %w", p.dir, err)
		}
	}
	return nil
}

// Abort discards everything written: the temporary folder is removed and
// dir is left as it was. It is safe after Close (it then does nothing).
func (p *PartitionedFeatureWriter) Abort() {
	if p.done {
		return
	}
	p.done = true
	for _, q := range p.open {
		q.w.Abort()
	}
	p.open = nil
	os.RemoveAll(p.tmp)
}
