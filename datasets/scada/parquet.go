package scada

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/schema"
	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/reports/pagecheck"
)

// The columns of a SCADA Parquet table (`windpm scada ingest`, see
// docs/scada.md) that ReadParquet reads back; every other column (derived
// values, quality flags) is skipped.
const (
	ParquetTurbine = "turbine"        // string
	ParquetTime    = "time"           // timestamp, UTC, start of the interval
	ParquetOffset  = "utc_offset_min" // int32, optional: the offset the source stamp carried
)

// maxParquetCells bounds rows × columns read, so that a corrupt header
// claiming billions of rows cannot exhaust memory (2^27 values: 1 GiB of
// float64).
const maxParquetCells = 1 << 27

// ReadParquet reads a SCADA table written by `windpm scada ingest` (or any
// flat Parquet file with a string turbine column, a timestamp time column
// and double columns named as canonical columns, e.g. active_power_avg)
// into a Table: rows sorted by turbine then time, missing values NaN.
// Events are not stored in the file and come back empty. A missing or
// corrupt file, a missing key column, a null key or a repeated turbine and
// stamp is an error naming the file. path may be the URL of an object in
// object storage (see ExpandPathsContext); ReadParquet is
// ReadParquetContext without a deadline.
func ReadParquet(path string) (*Table, error) {
	return ReadParquetContext(context.Background(), path)
}

// ReadParquetContext is ReadParquet with a context for a read from object
// storage.
func ReadParquetContext(ctx context.Context, path string) (*Table, error) {
	name, data, err := readInput(ctx, path)
	if err != nil {
		return nil, err
	}
	t, err := readParquet(data)
	if err != nil {
		return nil, fmt.Errorf("scada: %s: %w", name, err)
	}
	return t, nil
}

func readParquet(data []byte) (t *Table, err error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("empty file, not a Parquet file")
	}
	defer func() {
		// arrow/go's parquet reader panics on some corrupt input.
		if e := recover(); e != nil {
			t, err = nil, fmt.Errorf("corrupt Parquet file: %s", strings.Join(strings.Fields(fmt.Sprint(e)), " "))
		}
	}()
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a readable Parquet file: %s", strings.Join(strings.Fields(err.Error()), " "))
	}
	defer pf.Close()
	sc := pf.MetaData().Schema
	turbCol, timeCol, offCol := -1, -1, -1
	var timeUnit time.Duration
	t = &Table{}
	var valCols []int
	for j := range sc.NumColumns() {
		c := sc.Column(j)
		if c.MaxRepetitionLevel() != 0 {
			continue // lists are not SCADA values
		}
		name := c.Name()
		switch {
		case name == ParquetTurbine:
			if c.PhysicalType() != parquet.Types.ByteArray {
				return nil, fmt.Errorf("column %s: %s, want a string", name, c.PhysicalType())
			}
			turbCol = j
		case name == ParquetTime:
			ts, ok := c.LogicalType().(*schema.TimestampLogicalType)
			if !ok || c.PhysicalType() != parquet.Types.Int64 {
				return nil, fmt.Errorf("column %s: %s %s, want a timestamp", name, c.PhysicalType(), c.LogicalType())
			}
			switch ts.TimeUnit() {
			case schema.TimeUnitMillis:
				timeUnit = time.Millisecond
			case schema.TimeUnitMicros:
				timeUnit = time.Microsecond
			default:
				timeUnit = time.Nanosecond
			}
			timeCol = j
		case name == ParquetOffset && c.PhysicalType() == parquet.Types.Int32:
			offCol = j
		case c.PhysicalType() == parquet.Types.Double:
			col, ok := ParseColumn(name)
			if ok && col.Name() == name {
				t.Columns = append(t.Columns, col)
				valCols = append(valCols, j)
			}
		}
	}
	if turbCol < 0 || timeCol < 0 {
		return nil, fmt.Errorf("no %s or %s column: not a SCADA table", ParquetTurbine, ParquetTime)
	}
	n := pf.NumRows()
	if n < 0 || n > maxParquetCells/int64(len(valCols)+3) {
		return nil, fmt.Errorf("%d rows: too large to read", n)
	}
	for k := 1; k < len(t.Columns); k++ {
		if t.Columns[k] == t.Columns[k-1] {
			return nil, fmt.Errorf("column %s twice", t.Columns[k].Name())
		}
	}
	var rows []Row
	for rg := range pf.NumRowGroups() {
		rgr := rowGroup{pf, pf.RowGroup(rg)}
		m := int(rgr.rgr.NumRows())
		if m < 0 || int64(len(rows)+m) > n {
			return nil, fmt.Errorf("row group %d: %d rows, more than the file's %d", rg, m, n)
		}
		turbines, err := readStrings(rgr, turbCol, m)
		if err != nil {
			return nil, fmt.Errorf("row group %d: %s: %w", rg, ParquetTurbine, err)
		}
		stamps, err := readInt64s(rgr, timeCol, m)
		if err != nil {
			return nil, fmt.Errorf("row group %d: %s: %w", rg, ParquetTime, err)
		}
		var offsets []*int32
		if offCol >= 0 {
			if offsets, err = readInt32s(rgr, offCol, m); err != nil {
				return nil, fmt.Errorf("row group %d: %s: %w", rg, ParquetOffset, err)
			}
		}
		cols := make([][]float64, len(valCols))
		for k, j := range valCols {
			if cols[k], err = readFloat64s(rgr, j, m); err != nil {
				return nil, fmt.Errorf("row group %d: %s: %w", rg, t.Columns[k].Name(), err)
			}
		}
		values := make([]float64, m*len(valCols))
		for k, col := range cols {
			for i, v := range col {
				values[i*len(valCols)+k] = v
			}
		}
		for i := range m {
			if turbines[i] == nil || stamps[i] == nil {
				return nil, fmt.Errorf("row %d: null %s or %s", len(rows)+1, ParquetTurbine, ParquetTime)
			}
			at := *stamps[i]
			if at > math.MaxInt64/int64(timeUnit) || at < math.MinInt64/int64(timeUnit) {
				return nil, fmt.Errorf("row %d: time stamp out of range", len(rows)+1)
			}
			r := Row{
				Turbine: *turbines[i],
				Time:    time.Unix(0, at*int64(timeUnit)).UTC(),
				Values:  values[i*len(valCols) : (i+1)*len(valCols) : (i+1)*len(valCols)],
			}
			if offsets != nil && offsets[i] != nil {
				r.Offset = int(*offsets[i]) * 60
			}
			rows = append(rows, r)
		}
	}
	if int64(len(rows)) != n {
		return nil, fmt.Errorf("row groups hold %d rows, the file says %d", len(rows), n)
	}
	// Canonical column order, as Ingest gives it.
	order := make([]int, len(t.Columns))
	for k := range order {
		order[k] = k
	}
	sort.Slice(order, func(a, b int) bool { return t.Columns[order[a]].less(t.Columns[order[b]]) })
	sorted := make([]Column, len(order))
	for k, o := range order {
		sorted[k] = t.Columns[o]
	}
	t.Columns = sorted
	v := make([]float64, len(order))
	for i := range rows {
		for k, o := range order {
			v[k] = rows[i].Values[o]
		}
		copy(rows[i].Values, v)
	}
	sort.SliceStable(rows, func(a, b int) bool {
		if rows[a].Turbine != rows[b].Turbine {
			return rows[a].Turbine < rows[b].Turbine
		}
		return rows[a].Time.Before(rows[b].Time)
	})
	for i := 1; i < len(rows); i++ {
		if rows[i].Turbine == rows[i-1].Turbine && rows[i].Time.Equal(rows[i-1].Time) {
			return nil, fmt.Errorf("turbine %s, %s: two rows", rows[i].Turbine, rows[i].Time.Format(time.RFC3339))
		}
	}
	t.Rows = rows
	return t, nil
}

// batchReader is the ReadBatch of a typed column chunk reader.
type batchReader[T any] interface {
	HasNext() bool
	ReadBatch(batchSize int64, values []T, defLvls, repLvls []int16) (total int64, valuesRead int, err error)
}

// readColumn reads the m values of a flat column, nil where null. It
// reads in batches and grows its buffers with what it decodes, so that a
// corrupt header claiming many rows costs nothing until the values are
// there.
func readColumn[T any](cr batchReader[T], maxDef int16, m int) ([]*T, error) {
	const batch = 8192
	var vals []T
	var def []int16
	buf := make([]T, batch)
	dbuf := make([]int16, batch)
	got := 0
	for got < m && cr.HasNext() {
		want := min(batch, m-got)
		var d []int16
		if maxDef > 0 {
			d = dbuf[:want]
		}
		total, n, err := cr.ReadBatch(int64(want), buf[:want], d, nil)
		if err != nil {
			return nil, err
		}
		if total <= 0 || total > int64(want) || n < 0 || n > int(total) {
			break
		}
		vals = append(vals, buf[:n]...)
		if d != nil {
			def = append(def, d[:total]...)
		}
		got += int(total)
	}
	if got != m {
		return nil, fmt.Errorf("%d values, the row group has %d rows", got, m)
	}
	out := make([]*T, m)
	k := 0
	for i := range m {
		if def != nil && def[i] != maxDef {
			continue
		}
		if k >= len(vals) {
			return nil, fmt.Errorf("fewer values than non-null levels")
		}
		out[i] = &vals[k]
		k++
	}
	if k != len(vals) {
		return nil, fmt.Errorf("%d values for %d non-null levels", len(vals), k)
	}
	return out, nil
}

// rowGroup is a row group of a scada table being read.
type rowGroup struct {
	pf  *file.Reader
	rgr *file.RowGroupReader
}

// chunk returns a reader of column j whose pages are checked before
// arrow/go decodes them (reports/pagecheck: a damaged page must be an
// error, not a hang).
func chunk(rgr rowGroup, j int) (file.ColumnChunkReader, int16, error) {
	cr, err := pagecheck.ColumnReader(rgr.pf, rgr.rgr, j)
	if err != nil {
		return nil, 0, err
	}
	return cr, cr.Descriptor().MaxDefinitionLevel(), nil
}

func readStrings(rgr rowGroup, j, m int) ([]*string, error) {
	cr, maxDef, err := chunk(rgr, j)
	if err != nil {
		return nil, err
	}
	br, ok := cr.(*file.ByteArrayColumnChunkReader)
	if !ok {
		return nil, fmt.Errorf("not a string column")
	}
	raw, err := readColumn[parquet.ByteArray](br, maxDef, m)
	if err != nil {
		return nil, err
	}
	out := make([]*string, m)
	for i, b := range raw {
		if b != nil {
			s := string(*b) // copied: the bytes point into the page buffer
			out[i] = &s
		}
	}
	return out, nil
}

func readInt64s(rgr rowGroup, j, m int) ([]*int64, error) {
	cr, maxDef, err := chunk(rgr, j)
	if err != nil {
		return nil, err
	}
	ir, ok := cr.(*file.Int64ColumnChunkReader)
	if !ok {
		return nil, fmt.Errorf("not an int64 column")
	}
	return readColumn[int64](ir, maxDef, m)
}

func readInt32s(rgr rowGroup, j, m int) ([]*int32, error) {
	cr, maxDef, err := chunk(rgr, j)
	if err != nil {
		return nil, err
	}
	ir, ok := cr.(*file.Int32ColumnChunkReader)
	if !ok {
		return nil, fmt.Errorf("not an int32 column")
	}
	return readColumn[int32](ir, maxDef, m)
}

func readFloat64s(rgr rowGroup, j, m int) ([]float64, error) {
	cr, maxDef, err := chunk(rgr, j)
	if err != nil {
		return nil, err
	}
	fr, ok := cr.(*file.Float64ColumnChunkReader)
	if !ok {
		return nil, fmt.Errorf("not a double column")
	}
	raw, err := readColumn[float64](fr, maxDef, m)
	if err != nil {
		return nil, err
	}
	out := make([]float64, m)
	for i, v := range raw {
		out[i] = math.NaN()
		if v != nil {
			out[i] = *v
		}
	}
	return out, nil
}

// Load reads SCADA for a consumer such as the scan: one scada table
// (a single path ending in .parquet, read by ReadParquet; the Report is
// then nil) or exports and folders (Ingest). Mixing a table with exports
// is an error. Paths may be URLs (see ExpandPathsContext); Load is
// LoadContext without a deadline.
func Load(paths []string, opts Options) (*Table, *Report, error) {
	return LoadContext(context.Background(), paths, opts)
}

// LoadContext is Load with a context for the reads from object storage.
func LoadContext(ctx context.Context, paths []string, opts Options) (*Table, *Report, error) {
	if len(paths) == 1 && IsParquet(paths[0]) {
		t, err := ReadParquetContext(ctx, paths[0])
		return t, nil, err
	}
	for _, p := range paths {
		if IsParquet(p) {
			return nil, nil, fmt.Errorf("scada: %s: give one scada table (.parquet) or SCADA exports, not both", store.DisplayURL(p))
		}
	}
	return IngestContext(ctx, paths, opts)
}
