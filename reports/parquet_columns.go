package reports

import (
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/schema"
)

// The table is written with arrow/go's low-level parquet/file API rather
// than pqarrow: pqarrow imports arrow/flight and with it gRPC and
// protobuf, which made the windpm binary four times larger (13.9 → 54.9
// MB, measured with go build ./cmd/windpm).

// parquetSchema returns the Parquet schema of cols: flat columns, optional
// where nullable, and psd as the standard three-level LIST of optional
// float (what pyarrow and pqarrow write for list<float32>).
func parquetSchema(cols []TableColumn) (*schema.GroupNode, error) {
	fields := make(schema.FieldList, len(cols))
	for i := range cols {
		c := &cols[i]
		rep := parquet.Repetitions.Required
		if c.Nullable {
			rep = parquet.Repetitions.Optional
		}
		var n schema.Node
		var err error
		switch c.Type {
		case "string":
			n, err = schema.NewPrimitiveNodeLogical(c.Name, rep, schema.StringLogicalType{}, parquet.Types.ByteArray, -1, -1)
		case "timestamp[us, UTC]":
			n, err = schema.NewPrimitiveNodeLogical(c.Name, rep, schema.NewTimestampLogicalType(true, schema.TimeUnitMicros), parquet.Types.Int64, -1, -1)
		case "int32":
			n, err = schema.NewPrimitiveNodeLogical(c.Name, rep, schema.NewIntLogicalType(32, true), parquet.Types.Int32, -1, -1)
		case "int64":
			n, err = schema.NewPrimitiveNodeLogical(c.Name, rep, schema.NewIntLogicalType(64, true), parquet.Types.Int64, -1, -1)
		case "double":
			n, err = schema.NewPrimitiveNode(c.Name, rep, parquet.Types.Double, -1, -1)
		case "list<float32>":
			var elem schema.Node
			elem, err = schema.NewPrimitiveNode("element", parquet.Repetitions.Optional, parquet.Types.Float, -1, -1)
			if err == nil {
				n, err = schema.ListOfWithName(c.Name, elem, rep, -1)
			}
		default:
			err = fmt.Errorf("unknown type %q", c.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		fields[i] = n
	}
	return schema.NewGroupNode("schema", parquet.Repetitions.Required, fields, -1)
}

// List definition levels of psd (optional list, repeated group, optional
// element): null list, empty list, element present.
const (
	listNull    = 0
	listEmpty   = 1
	listElement = 3
)

// colBuf buffers one column of a row group: its values (non-null ones
// only, as Parquet stores them), and its definition (and, for the list,
// repetition) levels.
type colBuf struct {
	nullable bool
	def, rep []int16

	// Strings are kept in one arena per column and row group (ends[i] is
	// the end of value i): no allocation per string.
	arena []byte
	ends  []int
	ba    []parquet.ByteArray

	bools []bool
	i32   []int32
	i64   []int64
	f64   []float64
	f32   []float32
}

// level appends the definition level of a flat column.
func (b *colBuf) level(null bool) {
	if !b.nullable {
		return
	}
	if null {
		b.def = append(b.def, 0)
	} else {
		b.def = append(b.def, 1)
	}
}

func (b *colBuf) addString(v string, null bool) {
	b.level(null)
	if !null {
		b.appendString(v)
	}
}

// appendString appends a string value to the arena (its level is the
// caller's).
func (b *colBuf) appendString(v string) {
	b.arena = append(b.arena, v...)
	b.ends = append(b.ends, len(b.arena))
}

func (b *colBuf) addInt32(v int32) {
	b.level(false)
	b.i32 = append(b.i32, v)
}

func (b *colBuf) addInt64(v int64, null bool) {
	b.level(null)
	if !null {
		b.i64 = append(b.i64, v)
	}
}

func (b *colBuf) addFloat64(v float64, null bool) {
	b.level(null)
	if !null {
		b.f64 = append(b.f64, v)
	}
}

// addList appends one list value; nil is a null list.
func (b *colBuf) addList(v []float32) {
	switch {
	case v == nil:
		b.def, b.rep = append(b.def, listNull), append(b.rep, 0)
	case len(v) == 0:
		b.def, b.rep = append(b.def, listEmpty), append(b.rep, 0)
	default:
		for i := range v {
			b.def = append(b.def, listElement)
			b.rep = append(b.rep, min(int16(i), 1))
		}
		b.f32 = append(b.f32, v...)
	}
}

// write writes the buffered values to cw and empties the buffer, keeping
// its memory for the next row group.
func (b *colBuf) write(cw file.ColumnChunkWriter) error {
	var def, rep []int16
	if len(b.def) > 0 {
		def = b.def
	}
	if len(b.rep) > 0 {
		rep = b.rep
	}
	var err error
	switch cw := cw.(type) {
	case *file.ByteArrayColumnChunkWriter:
		b.ba = b.ba[:0]
		start := 0
		for _, end := range b.ends {
			b.ba = append(b.ba, b.arena[start:end:end])
			start = end
		}
		_, err = cw.WriteBatch(b.ba, def, rep)
	case *file.BooleanColumnChunkWriter:
		_, err = cw.WriteBatch(b.bools, def, rep)
	case *file.Int32ColumnChunkWriter:
		_, err = cw.WriteBatch(b.i32, def, rep)
	case *file.Int64ColumnChunkWriter:
		_, err = cw.WriteBatch(b.i64, def, rep)
	case *file.Float64ColumnChunkWriter:
		_, err = cw.WriteBatch(b.f64, def, rep)
	case *file.Float32ColumnChunkWriter:
		_, err = cw.WriteBatch(b.f32, def, rep)
	default:
		err = fmt.Errorf("unexpected column writer %T", cw)
	}
	b.def, b.rep = b.def[:0], b.rep[:0]
	// A fresh arena: the writer's statistics may keep slices of the
	// strings (min and max) until the file's footer is written.
	b.arena, b.ends = make([]byte, 0, len(b.arena)), b.ends[:0]
	b.bools, b.i32, b.i64, b.f64, b.f32 = b.bools[:0], b.i32[:0], b.i64[:0], b.f64[:0], b.f32[:0]
	return err
}

// closeParquet writes the footer, turning a panic of arrow/go's writer
// into an error.
func closeParquet(fw *file.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return fw.Close()
}

// str returns string value i of a string column read by read.
func (b *colBuf) str(i int) string {
	return string(b.ba[i])
}

// read reads a whole column chunk of a row group of rows rows into b:
// levels for every row (every list element), values for the non-null
// ones.
func (b *colBuf) read(cr file.ColumnChunkReader, rows int) error {
	// Levels: one per row for flat columns; the list column may have more
	// (one per element), so it reads until the chunk is exhausted.
	maxDef := cr.Descriptor().MaxDefinitionLevel()
	maxRep := cr.Descriptor().MaxRepetitionLevel()
	b.def, b.rep = b.def[:0], b.rep[:0]
	b.ba, b.i32, b.i64, b.f64, b.f32 = b.ba[:0], b.i32[:0], b.i64[:0], b.f64[:0], b.f32[:0]
	const batch = 4096
	for n := 0; cr.HasNext(); {
		want := batch
		if maxRep == 0 {
			want = min(batch, rows-n)
			if want <= 0 {
				break
			}
		}
		var def, rep []int16
		if maxDef > 0 {
			b.def = grow(b.def, want)
			def = b.def[len(b.def)-want:]
		}
		if maxRep > 0 {
			b.rep = grow(b.rep, want)
			rep = b.rep[len(b.rep)-want:]
		}
		var total int64
		var nv int
		var err error
		switch cr := cr.(type) {
		case *file.ByteArrayColumnChunkReader:
			b.ba = grow(b.ba, want)
			total, nv, err = cr.ReadBatch(int64(want), b.ba[len(b.ba)-want:], def, rep)
			b.ba = b.ba[:len(b.ba)-want+nv]
		case *file.Int32ColumnChunkReader:
			b.i32 = grow(b.i32, want)
			total, nv, err = cr.ReadBatch(int64(want), b.i32[len(b.i32)-want:], def, rep)
			b.i32 = b.i32[:len(b.i32)-want+nv]
		case *file.Int64ColumnChunkReader:
			b.i64 = grow(b.i64, want)
			total, nv, err = cr.ReadBatch(int64(want), b.i64[len(b.i64)-want:], def, rep)
			b.i64 = b.i64[:len(b.i64)-want+nv]
		case *file.Float64ColumnChunkReader:
			b.f64 = grow(b.f64, want)
			total, nv, err = cr.ReadBatch(int64(want), b.f64[len(b.f64)-want:], def, rep)
			b.f64 = b.f64[:len(b.f64)-want+nv]
		case *file.Float32ColumnChunkReader:
			b.f32 = grow(b.f32, want)
			total, nv, err = cr.ReadBatch(int64(want), b.f32[len(b.f32)-want:], def, rep)
			b.f32 = b.f32[:len(b.f32)-want+nv]
		default:
			return fmt.Errorf("unexpected column reader %T", cr)
		}
		if err != nil {
			return err
		}
		if maxDef > 0 {
			b.def = b.def[:len(b.def)-want+int(total)]
		}
		if maxRep > 0 {
			b.rep = b.rep[:len(b.rep)-want+int(total)]
		}
		if total == 0 {
			break
		}
		n += int(total)
	}
	if err := cr.Err(); err != nil {
		return err
	}
	// Check the counts, so that a corrupt file cannot make fill index
	// out of range.
	levels := len(b.def)
	if maxDef == 0 {
		levels = b.values()
	}
	if maxRep == 0 && levels != rows {
		return fmt.Errorf("%d values, the row group has %d rows", levels, rows)
	}
	nonNull := 0
	for _, d := range b.def {
		if d == maxDef {
			nonNull++
		} else if d < 0 || d > maxDef || (maxRep == 0 && d != 0) {
			return fmt.Errorf("definition level %d out of range", d)
		}
	}
	if maxDef > 0 && nonNull != b.values() {
		return fmt.Errorf("%d values for %d non-null levels", b.values(), nonNull)
	}
	if maxRep > 0 {
		starts := 0
		for i, rp := range b.rep {
			if b.def[i] != listNull && b.def[i] != listEmpty && b.def[i] != listElement {
				return fmt.Errorf("null list elements are not supported")
			}
			if rp == 0 {
				starts++
			} else if i == 0 || b.def[i] != listElement {
				return fmt.Errorf("malformed list levels")
			}
		}
		if starts != rows {
			return fmt.Errorf("%d lists, the row group has %d rows", starts, rows)
		}
	}
	return nil
}

// values returns the number of values read.
func (b *colBuf) values() int {
	return len(b.ba) + len(b.i32) + len(b.i64) + len(b.f64) + len(b.f32)
}

// grow extends s by n elements (not cleared).
func grow[T any](s []T, n int) []T {
	return slices.Grow(s, n)[:len(s)+n]
}
