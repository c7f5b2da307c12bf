package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/schema"
	"github.com/windpm/windpm/reports/atomicfile"
	"github.com/windpm/windpm/reports/pagecheck"
)

// MaxRecordCells bounds the size of a table ReadRecordTable reads whole:
// rows × columns, and the list elements of a list column. Beyond it (about
// a gigabyte of Go values) the table is refused rather than read; it also
// stops a corrupt file whose header claims billions of rows from
// exhausting memory.
const MaxRecordCells = 1 << 25

// RecordTable is a record table read whole into memory (the scores and
// alarms of a scan, for tests and for merging shards).
type RecordTable struct {
	// Name is the file metadata windpm.table ("" when absent).
	Name string
	// Columns describes every column: the file's windpm.columns, or,
	// when absent, derived from the Parquet schema (unit, doc and role
	// from the Arrow schema's field metadata when present).
	Columns []TableColumn
	// Meta is the file's key-value metadata, without the serialized Arrow
	// schema.
	Meta map[string]string
	// Rows holds the rows in file order; each value has the Go type
	// RecordWriter.Write takes for its column (int32 for int32, int64 for
	// int64, time.Time in UTC for timestamps, a non-nil slice for a
	// non-null list) and nulls are nil.
	Rows [][]any
}

// Column returns the index of the named column, -1 if absent.
func (t *RecordTable) Column(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// ReadRecordTable reads the record table at path: a file written by
// RecordWriter, or any flat Parquet file whose columns have the logical
// types of TableColumn.Type (string, timestamp[us, UTC], int32, int64,
// double, boolean, list<string>, list<float32>). A missing, empty,
// truncated or corrupt file, or a column of another type, is an error
// naming the file and the problem.
func ReadRecordTable(path string) (t *RecordTable, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: is a folder, not a Parquet file", path)
	}
	return ReadRecordTableFrom(path, f, fi.Size())
}

// ReadRecordTableFrom is ReadRecordTable on the size bytes of r (an
// object in a bucket, read by ranged requests), which messages call path.
func ReadRecordTableFrom(path string, r io.ReaderAt, size int64) (t *RecordTable, err error) {
	if size == 0 {
		return nil, fmt.Errorf("%s: empty file, not a Parquet file", path)
	}
	defer func() {
		// arrow/go's parquet reader panics on some corrupt input.
		if e := recover(); e != nil {
			t, err = nil, fmt.Errorf("%s: corrupt Parquet file: %s", path, oneLine(fmt.Sprint(e)))
		}
	}()
	pf, err := file.NewParquetReader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %s", path, oneLine(err.Error()))
	}
	t, err = readRecordTable(pf)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, oneLine(err.Error()))
	}
	return t, nil
}

// oneLine joins the lines of a message, so that an error is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// recordLeaf is how a column is laid out in the file: its kind and, for a
// list, whether the list and its elements are optional.
type recordLeaf struct {
	kind     recordKind
	nullable bool // an optional column (or list)
	elemOpt  bool // a list with optional elements
	maxDef   int16
	maxRep   int16
}

func readRecordTable(pf *file.Reader) (*RecordTable, error) {
	md := pf.MetaData()
	t := &RecordTable{Meta: make(map[string]string)}
	arrowSchema := ""
	for _, e := range md.KeyValueMetadata() {
		if e.Value == nil {
			continue
		}
		if e.Key == "ARROW:schema" {
			arrowSchema = *e.Value
			continue
		}
		t.Meta[e.Key] = *e.Value
	}
	t.Name = t.Meta[MetaTable]
	cols, leaves, err := recordColumnsFromSchema(md.Schema)
	if err != nil {
		return nil, err
	}
	if cj, ok := t.Meta[MetaColumns]; ok {
		var mc []TableColumn
		if err := json.Unmarshal([]byte(cj), &mc); err != nil {
			return nil, fmt.Errorf("file metadata %s: %w", MetaColumns, err)
		}
		if len(mc) != len(cols) {
			return nil, fmt.Errorf("file metadata %s lists %d columns, the file has %d", MetaColumns, len(mc), len(cols))
		}
		for i, c := range mc {
			if c.Name != cols[i].Name || c.Type != cols[i].Type || c.Nullable != cols[i].Nullable {
				return nil, fmt.Errorf("file metadata %s: column %d is %s, the file's is %s", MetaColumns, i+1, describe(&c), describe(&cols[i]))
			}
		}
		cols = mc
	} else {
		decorateFromArrow(cols, arrowSchema)
	}
	t.Columns = cols

	total := md.NumRows
	if total < 0 || total > MaxRecordCells/int64(len(cols)) {
		return nil, fmt.Errorf("%d rows × %d columns: too large to read whole (at most %d values)", total, len(cols), MaxRecordCells)
	}
	var sum int64
	for rg := range pf.NumRowGroups() {
		n := pf.MetaData().RowGroup(rg).NumRows()
		if n < 0 || n > total-sum {
			return nil, fmt.Errorf("row group %d: %d rows, more than the file's %d", rg, n, total)
		}
		sum += n
	}
	if sum != total {
		return nil, fmt.Errorf("row groups hold %d rows, the file says %d", sum, total)
	}
	t.Rows = make([][]any, 0, total)
	for rg := range pf.NumRowGroups() {
		rgr := pf.RowGroup(rg)
		rows := int(rgr.NumRows())
		cells := make([]any, rows*len(cols))
		for j := range cols {
			cr, err := pagecheck.ColumnReader(pf, rgr, j)
			if err != nil {
				return nil, fmt.Errorf("row group %d: column %s: %w", rg, cols[j].Name, err)
			}
			vals, err := readRecordColumn(cr, &leaves[j], rows)
			if err != nil {
				return nil, fmt.Errorf("row group %d: column %s: %w", rg, cols[j].Name, err)
			}
			for i, v := range vals {
				cells[i*len(cols)+j] = v
			}
		}
		for i := range rows {
			t.Rows = append(t.Rows, cells[i*len(cols):(i+1)*len(cols):(i+1)*len(cols)])
		}
	}
	return t, nil
}

// describe names a column's name, type and nullability for an error.
func describe(c *TableColumn) string {
	s := c.Name + " " + c.Type
	if c.Nullable {
		s += " nullable"
	}
	return s
}

// recordColumnsFromSchema derives the columns of a flat Parquet schema:
// each top-level field a primitive of a known logical type or a
// three-level LIST of strings or floats.
func recordColumnsFromSchema(s *schema.Schema) ([]TableColumn, []recordLeaf, error) {
	root := s.Root()
	n := root.NumFields()
	if n == 0 {
		return nil, nil, errors.New("no columns")
	}
	if s.NumColumns() != n {
		return nil, nil, fmt.Errorf("%d leaf columns under %d fields: nested columns other than lists are not supported", s.NumColumns(), n)
	}
	cols := make([]TableColumn, n)
	leaves := make([]recordLeaf, n)
	for i := range n {
		f := root.Field(i)
		var typ string
		var leaf recordLeaf
		var err error
		switch f.RepetitionType() {
		case parquet.Repetitions.Optional:
			leaf.nullable = true
		case parquet.Repetitions.Required:
		default:
			return nil, nil, fmt.Errorf("column %s: repeated fields are not supported", f.Name())
		}
		switch f := f.(type) {
		case *schema.PrimitiveNode:
			typ, err = primitiveType(f)
		case *schema.GroupNode:
			typ, leaf.elemOpt, err = listType(f)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("column %s: %w", f.Name(), err)
		}
		leaf.kind = recordKinds[typ]
		d := s.Column(i)
		leaf.maxDef, leaf.maxRep = d.MaxDefinitionLevel(), d.MaxRepetitionLevel()
		cols[i] = TableColumn{Name: f.Name(), Type: typ, Nullable: leaf.nullable}
		leaves[i] = leaf
	}
	return cols, leaves, nil
}

// primitiveType returns the TableColumn.Type of a flat column.
func primitiveType(n *schema.PrimitiveNode) (string, error) {
	lt := n.LogicalType()
	none := lt == nil || lt.Equals(schema.NoLogicalType{})
	switch n.PhysicalType() {
	case parquet.Types.ByteArray:
		if _, ok := lt.(schema.StringLogicalType); ok {
			return "string", nil
		}
	case parquet.Types.Int32:
		if it, ok := lt.(*schema.IntLogicalType); none || (ok && it.BitWidth() == 32 && it.IsSigned()) {
			return "int32", nil
		}
	case parquet.Types.Int64:
		if it, ok := lt.(*schema.IntLogicalType); none || (ok && it.BitWidth() == 64 && it.IsSigned()) {
			return "int64", nil
		}
		if ts, ok := lt.(*schema.TimestampLogicalType); ok && ts.IsAdjustedToUTC() && ts.TimeUnit() == schema.TimeUnitMicros {
			return "timestamp[us, UTC]", nil
		}
	case parquet.Types.Double:
		if none {
			return "double", nil
		}
	case parquet.Types.Boolean:
		if none {
			return TypeBoolean, nil
		}
	}
	t := n.PhysicalType().String()
	if !none {
		t += " (" + lt.String() + ")"
	}
	return "", fmt.Errorf("type %s is not supported", t)
}

// listType returns the type of a three-level LIST column (list, repeated
// group, element) of strings or floats and whether its elements are
// optional.
func listType(g *schema.GroupNode) (string, bool, error) {
	_, isList := g.LogicalType().(schema.ListLogicalType)
	if !isList || g.NumFields() != 1 {
		return "", false, errors.New("a group that is not a LIST: nested columns are not supported")
	}
	rg, ok := g.Field(0).(*schema.GroupNode)
	if !ok || rg.RepetitionType() != parquet.Repetitions.Repeated || rg.NumFields() != 1 {
		return "", false, errors.New("a LIST not in the three-level layout")
	}
	e, ok := rg.Field(0).(*schema.PrimitiveNode)
	if !ok || e.RepetitionType() == parquet.Repetitions.Repeated {
		return "", false, errors.New("a LIST of nested elements")
	}
	opt := e.RepetitionType() == parquet.Repetitions.Optional
	if lt := e.LogicalType(); e.PhysicalType() == parquet.Types.Float && (lt == nil || lt.Equals(schema.NoLogicalType{})) {
		return "list<float32>", opt, nil
	}
	t, err := primitiveType(e)
	if err != nil {
		return "", false, fmt.Errorf("list element: %w", err)
	}
	if t != "string" {
		return "", false, fmt.Errorf("list of %s is not supported", t)
	}
	return TypeListString, opt, nil
}

// decorateFromArrow copies role, unit and doc from the field metadata of
// the serialized Arrow schema (as RecordWriter and pyarrow write it) into
// cols. It is decoration only: a schema that does not decode is ignored.
func decorateFromArrow(cols []TableColumn, encoded string) {
	if encoded == "" {
		return
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return
	}
	r, err := ipc.NewReader(bytes.NewReader(raw))
	if err != nil {
		return
	}
	defer r.Release()
	for _, f := range r.Schema().Fields() {
		for i := range cols {
			if cols[i].Name != f.Name {
				continue
			}
			if v, ok := f.Metadata.GetValue("role"); ok {
				cols[i].Role = v
			}
			if v, ok := f.Metadata.GetValue("unit"); ok {
				cols[i].Unit = v
			}
			if v, ok := f.Metadata.GetValue("doc"); ok {
				cols[i].Doc = v
			}
		}
	}
}

// batchReader is the ReadBatch of arrow/go's typed column chunk readers.
type batchReader[T any] interface {
	HasNext() bool
	ReadBatch(batchSize int64, values []T, defLvls, repLvls []int16) (int64, int, error)
	Err() error
}

// readLeaf reads a whole column chunk: its levels (rows of them for a flat
// column; until the chunk ends for a list, at most MaxRecordCells) and its
// non-null values, converted by conv.
func readLeaf[T, V any](cr batchReader[T], leaf *recordLeaf, rows int, conv func(T) V) (vals []V, def, rep []int16, err error) {
	batch := 4096
	if leaf.maxRep == 0 {
		batch = max(1, min(batch, rows))
	}
	buf := make([]T, batch)
	var defBuf, repBuf []int16
	if leaf.maxDef > 0 {
		defBuf = make([]int16, batch)
	}
	if leaf.maxRep > 0 {
		repBuf = make([]int16, batch)
	}
	levels := 0
	for cr.HasNext() {
		want := batch
		if leaf.maxRep == 0 {
			want = min(batch, rows-levels)
			if want <= 0 {
				break
			}
		} else if levels > MaxRecordCells {
			return nil, nil, nil, fmt.Errorf("more than %d list elements", MaxRecordCells)
		}
		var d, r []int16
		if leaf.maxDef > 0 {
			d = defBuf[:want]
		}
		if leaf.maxRep > 0 {
			r = repBuf[:want]
		}
		total, nv, err := cr.ReadBatch(int64(want), buf[:want], d, r)
		if err != nil {
			return nil, nil, nil, err
		}
		if total < 0 || total > int64(want) || nv < 0 || nv > int(total) {
			return nil, nil, nil, fmt.Errorf("reader returned %d levels and %d values for %d", total, nv, want)
		}
		if total == 0 {
			break
		}
		for _, v := range buf[:nv] {
			vals = append(vals, conv(v))
		}
		if d != nil {
			def = append(def, d[:total]...)
		}
		if r != nil {
			rep = append(rep, r[:total]...)
		}
		levels += int(total)
	}
	if err := cr.Err(); err != nil {
		return nil, nil, nil, err
	}
	return vals, def, rep, nil
}

// readRecordColumn reads a column chunk of a row group of rows rows and
// returns one value per row (nil for null), after checking that its levels
// and values agree, so that a corrupt file cannot index out of range.
func readRecordColumn(cr file.ColumnChunkReader, leaf *recordLeaf, rows int) ([]any, error) {
	var vals []any
	var def, rep []int16
	var err error
	switch cr := cr.(type) {
	case *file.ByteArrayColumnChunkReader:
		// Copied at once: the bytes point into the page buffer.
		vals, def, rep, err = readLeaf(cr, leaf, rows, func(b parquet.ByteArray) any { return string(b) })
	case *file.Int32ColumnChunkReader:
		vals, def, rep, err = readLeaf(cr, leaf, rows, func(v int32) any { return v })
	case *file.Int64ColumnChunkReader:
		if leaf.kind == kindTimestamp {
			vals, def, rep, err = readLeaf(cr, leaf, rows, func(v int64) any { return time.UnixMicro(v).UTC() })
		} else {
			vals, def, rep, err = readLeaf(cr, leaf, rows, func(v int64) any { return v })
		}
	case *file.Float64ColumnChunkReader:
		vals, def, rep, err = readLeaf(cr, leaf, rows, func(v float64) any { return v })
	case *file.Float32ColumnChunkReader:
		vals, def, rep, err = readLeaf(cr, leaf, rows, func(v float32) any { return v })
	case *file.BooleanColumnChunkReader:
		vals, def, rep, err = readLeaf(cr, leaf, rows, func(v bool) any { return v })
	default:
		return nil, fmt.Errorf("unexpected column reader %T", cr)
	}
	if err != nil {
		return nil, err
	}
	if leaf.kind.isList() {
		return assembleLists(vals, def, rep, leaf, rows)
	}
	out := make([]any, rows)
	if leaf.maxDef == 0 {
		if len(vals) != rows {
			return nil, fmt.Errorf("%d values, the row group has %d rows", len(vals), rows)
		}
		copy(out, vals)
		return out, nil
	}
	if len(def) != rows {
		return nil, fmt.Errorf("%d values, the row group has %d rows", len(def), rows)
	}
	k := 0
	for i, d := range def {
		switch {
		case d == leaf.maxDef:
			if k >= len(vals) {
				return nil, fmt.Errorf("%d values for more non-null levels", len(vals))
			}
			out[i] = vals[k]
			k++
		case d < 0 || d > leaf.maxDef:
			return nil, fmt.Errorf("definition level %d out of range", d)
		}
	}
	if k != len(vals) {
		return nil, fmt.Errorf("%d values for %d non-null levels", len(vals), k)
	}
	return out, nil
}

// assembleLists turns the levels and element values of a list column into
// one []string or []float32 per row (nil for a null list).
func assembleLists(vals []any, def, rep []int16, leaf *recordLeaf, rows int) ([]any, error) {
	if len(def) != len(rep) {
		return nil, fmt.Errorf("%d definition and %d repetition levels", len(def), len(rep))
	}
	// Levels: the list's own (0 null when optional), then the repeated
	// group's (empty list below it), then the element's when optional
	// (null element below it).
	empty := int16(0)
	if leaf.nullable {
		empty = 1
	}
	elem := leaf.maxDef
	out := make([]any, 0, rows)
	k := 0
	for i := 0; i < len(def); {
		if rep[i] != 0 {
			return nil, errors.New("malformed list levels (a list continues across rows)")
		}
		if len(out) == rows {
			return nil, fmt.Errorf("more lists than the row group's %d rows", rows)
		}
		switch d := def[i]; {
		case d < 0 || d > elem:
			return nil, fmt.Errorf("definition level %d out of range", d)
		case d < empty:
			out = append(out, nil)
			i++
			continue
		case d == empty:
			i++
			if leaf.kind == kindListString {
				out = append(out, []string{})
			} else {
				out = append(out, []float32{})
			}
			continue
		}
		j := i
		for j < len(def) && (j == i || rep[j] == 1) {
			if def[j] != elem {
				if def[j] < 0 || def[j] > elem || (rep[j] == 1 && def[j] <= empty) {
					return nil, fmt.Errorf("definition level %d out of range", def[j])
				}
				return nil, errors.New("null list elements are not supported")
			}
			if rep[j] < 0 || rep[j] > 1 {
				return nil, fmt.Errorf("repetition level %d out of range", rep[j])
			}
			j++
		}
		n := j - i
		if k+n > len(vals) {
			return nil, fmt.Errorf("%d values for more list elements", len(vals))
		}
		if leaf.kind == kindListString {
			l := make([]string, n)
			for m := range l {
				l[m], _ = vals[k+m].(string)
			}
			out = append(out, l)
		} else {
			l := make([]float32, n)
			for m := range l {
				l[m], _ = vals[k+m].(float32)
			}
			out = append(out, l)
		}
		k += n
		i = j
	}
	if len(out) != rows {
		return nil, fmt.Errorf("%d lists, the row group has %d rows", len(out), rows)
	}
	if k != len(vals) {
		return nil, fmt.Errorf("%d values for %d list elements", len(vals), k)
	}
	return out, nil
}
