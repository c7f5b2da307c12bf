// Package pagecheck guards arrow/go v15's Parquet column reader against
// damaged pages: ColumnReader checks every data page's levels (and, for a
// required flat column, its values) against its header before the reader
// decodes it, because ReadBatch loops for ever, without progress or
// error, when a decoder returns fewer values than a page promises — which
// a single damaged byte can cause. Every windpm reader of Parquet files it
// did not just write goes through it.
package pagecheck

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/schema"
)

// ColumnReader returns a reader of column j of row group rgr of pf whose
// pages are checked first; a page that fails the check ends the chunk
// with an error instead of a hang.
func ColumnReader(pf *file.Reader, rgr *file.RowGroupReader, j int) (file.ColumnChunkReader, error) {
	pr, err := rgr.GetColumnPageReader(j)
	if err != nil {
		return nil, err
	}
	descr := pf.MetaData().Schema.Column(j)
	return file.NewColumnReader(descr, &checkedPages{PageReader: pr, descr: descr}, memory.DefaultAllocator, pf.BufferPool()), nil
}

// checkedPages passes the pages of a column chunk on to arrow/go's column
// reader after checking that each data page holds as many levels (and,
// for a required flat column, values) as its header says. arrow/go v15's
// ColumnChunkReader.ReadBatch loops for ever when a decoder returns no
// values while the page header promises more (column_reader.go readBatch:
// no progress, no error), which a single damaged byte in the levels can
// cause; a page that fails the check ends the chunk with an error
// instead.
type checkedPages struct {
	file.PageReader
	descr *schema.Column
	err   error
}

// Next fetches the next page, or returns false with Err set when it fails
// the check.
func (p *checkedPages) Next() bool {
	if p.err != nil || !p.PageReader.Next() {
		return false
	}
	if err := checkPage(p.PageReader.Page(), p.descr); err != nil {
		p.err = err
		return false
	}
	return true
}

// Err returns the page reader's error or the failed check.
func (p *checkedPages) Err() error {
	if p.err != nil {
		return p.err
	}
	return p.PageReader.Err()
}

// checkPage checks the levels and the values of a data page (other pages
// pass).
func checkPage(pg file.Page, descr *schema.Column) error {
	nvals := int(pg.NumValues())
	if nvals < 0 {
		return fmt.Errorf("page of %d values", nvals)
	}
	maxDef, maxRep := descr.MaxDefinitionLevel(), descr.MaxRepetitionLevel()
	data := pg.Data()
	switch pg := pg.(type) {
	case *file.DataPageV1:
		// Levels: a 4-byte length, then the RLE/bit-packed hybrid
		// (parquet-format Encodings.md).
		for _, lv := range []struct {
			max int16
			enc parquet.Encoding
		}{{maxRep, pg.RepetitionLevelEncoding()}, {maxDef, pg.DefinitionLevelEncoding()}} {
			if lv.max == 0 {
				continue
			}
			if lv.enc != parquet.Encodings.RLE {
				return fmt.Errorf("level encoding %s is not supported", lv.enc)
			}
			if len(data) < 4 {
				return errors.New("page too short for its levels")
			}
			n := int(binary.LittleEndian.Uint32(data))
			if n < 0 || n > len(data)-4 {
				return errors.New("page too short for its levels")
			}
			if hybridCount(data[4:4+n], bits.Len16(uint16(lv.max)), nvals) < nvals {
				return fmt.Errorf("fewer levels than the page's %d values", nvals)
			}
			data = data[4+n:]
		}
	case *file.DataPageV2:
		nr, nd := int(pg.RepetitionLevelByteLen()), int(pg.DefinitionLevelByteLen())
		if nr < 0 || nd < 0 || nr+nd > len(data) {
			return errors.New("page too short for its levels")
		}
		if maxRep > 0 && hybridCount(data[:nr], bits.Len16(uint16(maxRep)), nvals) < nvals {
			return fmt.Errorf("fewer repetition levels than the page's %d values", nvals)
		}
		if maxDef > 0 && hybridCount(data[nr:nr+nd], bits.Len16(uint16(maxDef)), nvals) < nvals {
			return fmt.Errorf("fewer definition levels than the page's %d values", nvals)
		}
		data = data[nr+nd:]
	default:
		return nil
	}
	if maxDef > 0 {
		// The levels drive the reader's progress; a short run of values
		// is an error of the checks after reading.
		return nil
	}
	// A required flat column: every level is a value.
	switch enc := parquet.Encoding(pg.Encoding()); enc {
	case parquet.Encodings.Plain:
		var short bool
		switch descr.PhysicalType() {
		case parquet.Types.Boolean:
			short = len(data) < (nvals+7)/8
		case parquet.Types.Int32, parquet.Types.Float:
			short = len(data)/4 < nvals
		case parquet.Types.Int64, parquet.Types.Double:
			short = len(data)/8 < nvals
		case parquet.Types.ByteArray:
			for range nvals {
				if len(data) < 4 {
					short = true
					break
				}
				n := int(binary.LittleEndian.Uint32(data))
				if n < 0 || n > len(data)-4 {
					short = true
					break
				}
				data = data[4+n:]
			}
		}
		if short {
			return fmt.Errorf("fewer values than the page's %d", nvals)
		}
	case parquet.Encodings.RLEDict, parquet.Encodings.PlainDict:
		// Indices: one byte of bit width, then the hybrid.
		if len(data) < 1 || data[0] > 32 {
			return errors.New("malformed dictionary indices")
		}
		if hybridCount(data[1:], int(data[0]), nvals) < nvals {
			return fmt.Errorf("fewer dictionary indices than the page's %d values", nvals)
		}
	case parquet.Encodings.RLE:
		if descr.PhysicalType() != parquet.Types.Boolean || len(data) < 4 {
			return fmt.Errorf("malformed %s values", enc)
		}
		n := int(binary.LittleEndian.Uint32(data))
		if n < 0 || n > len(data)-4 || hybridCount(data[4:4+n], 1, nvals) < nvals {
			return fmt.Errorf("fewer values than the page's %d", nvals)
		}
	default:
		// The delta and byte-stream-split decoders have not been checked
		// for the same loop: refused rather than risked.
		return fmt.Errorf("encoding %s of a required column is not supported", enc)
	}
	return nil
}

// hybridCount returns how many values (up to about need) the
// RLE/bit-packed hybrid stream data of the given bit width holds, counting
// only whole runs (parquet-format Encodings.md: a run header is a ULEB128
// varint, odd for bit-packed groups of 8 values, even for a repeated
// value of ceil(width/8) bytes).
func hybridCount(data []byte, width, need int) int {
	n := 0
	for len(data) > 0 && n < need {
		h, k := binary.Uvarint(data)
		if k <= 0 {
			break
		}
		data = data[k:]
		if h&1 == 1 {
			groups := h >> 1
			if width > 0 && groups > uint64(len(data)/width) {
				break // a truncated bit-packed run
			}
			data = data[int(groups)*width:]
			n += int(min(groups, uint64(need))) * 8
		} else {
			w := (width + 7) / 8
			if len(data) < w {
				break
			}
			data = data[w:]
			n += int(min(h>>1, uint64(need)))
		}
	}
	return n
}
