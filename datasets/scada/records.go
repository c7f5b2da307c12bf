package scada

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
)

// recordReader is what the parsers need of an encoding/csv Reader.
type recordReader interface {
	Read() ([]string, error)
	FieldPos(field int) (line, column int)
}

// newRecordReader returns a reader of the records of text: plainReader
// when text holds no quote character and the delimiter is one ASCII
// byte (every staged export), else encoding/csv with lazy quotes and
// any number of fields. Both return the same records with the same line
// numbers (FuzzPlainReader); the plain one splits without copying, so
// the caller must clone what it keeps.
func newRecordReader(text []byte, comma rune) recordReader {
	if comma > 0 && comma < 0x80 && comma != '"' && comma != '\r' && comma != '\n' && bytes.IndexByte(text, '"') < 0 {
		return &plainReader{s: string(text), comma: byte(comma)}
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return cr
}

// plainReader splits text without quotes into records as encoding/csv
// does: lines end at '\n', a '\r' before it (or before the end of the
// text) is dropped, empty lines are skipped, fields are split at every
// delimiter. The fields are substrings of the text; the record slice is
// reused by the next Read.
type plainReader struct {
	s     string
	comma byte
	pos   int
	lines int // physical lines read
	line  int // line of the last record
	rec   []string
}

func (p *plainReader) Read() ([]string, error) {
	for p.pos < len(p.s) {
		rest := p.s[p.pos:]
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, p.pos = rest[:i], p.pos+i+1
		} else {
			p.pos = len(p.s)
		}
		p.lines++
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		p.line = p.lines
		p.rec = p.rec[:0]
		for {
			i := strings.IndexByte(line, p.comma)
			if i < 0 {
				p.rec = append(p.rec, line)
				return p.rec, nil
			}
			p.rec = append(p.rec, line[:i])
			line = line[i+1:]
		}
	}
	return nil, io.EOF
}

// FieldPos returns the line of the last record (every field starts on
// it); the column is that of the first field, 1.
func (p *plainReader) FieldPos(int) (line, column int) { return p.line, 1 }
