package scada

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Row is one normalised 10-minute record.
type Row struct {
	Turbine string
	Time    time.Time // start of the interval, UTC
	// Offset is the UTC offset in seconds the source stamp carried (or that
	// the mapping's zone gave it); for merged duplicates, the last row's.
	Offset int
	// Values holds one value per Table column, NaN where missing.
	Values []float64
}

// Table is the normalised SCADA data: one row per turbine and UTC stamp,
// sorted by turbine then time, plus the events of any event logs read.
type Table struct {
	Columns []Column // canonical order
	Rows    []Row
	Events  []Event // sorted by turbine, start, source line
}

// Col returns the index of c in t.Columns, or -1.
func (t *Table) Col(c Column) int {
	for i, d := range t.Columns {
		if d == c {
			return i
		}
	}
	return -1
}

// Turbines returns the turbines of t in order.
func (t *Table) Turbines() []string {
	var out []string
	for i, r := range t.Rows {
		if i == 0 || t.Rows[i-1].Turbine != r.Turbine {
			out = append(out, r.Turbine)
		}
	}
	return out
}

// Turbine returns the rows of one turbine (a sub-slice of t.Rows, in time
// order), or nil.
func (t *Table) Turbine(name string) []Row {
	lo := sort.Search(len(t.Rows), func(i int) bool { return t.Rows[i].Turbine >= name })
	hi := sort.Search(len(t.Rows), func(i int) bool { return t.Rows[i].Turbine > name })
	if lo == hi {
		return nil
	}
	return t.Rows[lo:hi]
}

// Options tunes Ingest and the Ingester.
type Options struct {
	// Mapping, when set, is used for every SCADA file; otherwise a built-in
	// mapping is chosen from each file's header.
	Mapping *Mapping
	// Interval is the nominal step between stamps; 0 means 10 minutes.
	Interval time.Duration
	// GapListed is the missing time above which a gap is listed in the
	// Report; 0 means 1 hour.
	GapListed time.Duration
	// KeepGoing makes Ingest skip a file that cannot be read or parsed
	// (listed in Report.Failed) instead of failing; it fails only when
	// every file does.
	KeepGoing bool
	// Workers is the number of files Ingest reads at once; 0 means 1. The
	// result does not depend on it. One worker is the default because two
	// were not faster on the 2-core machine where this was measured, under
	// load from other work (BenchmarkIngestTurbine, docs/scada.md).
	Workers int
}

func (o Options) interval() time.Duration {
	if o.Interval <= 0 {
		return 10 * time.Minute
	}
	return o.Interval
}

func (o Options) gapListed() time.Duration {
	if o.GapListed <= 0 {
		return time.Hour
	}
	return o.GapListed
}

// Ingester collects SCADA files and event logs and normalises them in
// Finish. Files may come in any order; one turbine may span many files.
type Ingester struct {
	opts   Options
	blocks []*block
	events []Event
	rep    Report
	seq    int
}

// block is the rows read from one SCADA file, in its own columns.
type block struct {
	cols  []Column
	rows  []rawRow
	empty []rawRow // rows with a stamp and no value: turbine and time only
}

type rawRow struct {
	turbine string
	time    time.Time
	offset  int
	seq     int // global read order: later rows win conflicts
	vals    []float64
}

// NewIngester returns an empty Ingester.
func NewIngester(opts Options) *Ingester {
	return &Ingester{opts: opts}
}

// Ingest reads every file of paths (a folder means its *.csv files,
// recursively, in lexical order), SCADA exports and event logs alike, and
// normalises them. A path may be the URL of an object or of a prefix in
// object storage (see ExpandPaths). It is IngestContext without a
// deadline.
func Ingest(paths []string, opts Options) (*Table, *Report, error) {
	return IngestContext(context.Background(), paths, opts)
}

// IngestContext is Ingest with a context for the reads from object
// storage.
func IngestContext(ctx context.Context, paths []string, opts Options) (*Table, *Report, error) {
	files, err := ExpandPathsContext(ctx, paths)
	if err != nil {
		return nil, nil, err
	}
	in := NewIngester(opts)
	if err := in.addFiles(ctx, files); err != nil {
		return nil, nil, err
	}
	t, r := in.Finish()
	return t, r, nil
}

// addFiles reads and parses files on Options.Workers goroutines and merges
// them in the order given, so the result does not depend on the workers.
func (in *Ingester) addFiles(ctx context.Context, files []string) error {
	workers := max(in.opts.Workers, 1)
	type result struct {
		sub *Ingester
		err error
	}
	results := make([]chan result, len(files))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	next := make(chan int)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(next)
		for i := range files {
			select {
			case next <- i:
			case <-done:
				return
			}
		}
	}()
	for range min(workers, len(files)) {
		go func() {
			for i := range next {
				name, data, err := readInput(ctx, files[i])
				if err != nil {
					results[i] <- result{err: err}
					continue
				}
				sub, err := in.parse(name, data)
				results[i] <- result{sub, err}
			}
		}()
	}
	for i := range files {
		res := <-results[i]
		if res.err != nil {
			if !in.opts.KeepGoing {
				return res.err
			}
			in.rep.Failed = append(in.rep.Failed, res.err.Error())
			continue
		}
		in.merge(res.sub)
	}
	if len(files) > 0 && len(in.rep.Failed) == len(files) {
		return fmt.Errorf("scada: every file failed; the first: %s", in.rep.Failed[0])
	}
	return nil
}

// ExpandPaths returns the files of paths: files as given, folders replaced
// by their *.csv files (recursively, lexical order). A path may also be a
// URL (see ExpandPathsContext). It is ExpandPathsContext without a
// deadline.
func ExpandPaths(paths []string) ([]string, error) {
	return ExpandPathsContext(context.Background(), paths)
}

// expandLocal is ExpandPaths for a local path.
func expandLocal(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("scada: %w", err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var out []string
	// The trailing separator makes a folder given as a symbolic link
	// walked as the folder it points to (WalkDir follows no link, the
	// root included).
	err = filepath.WalkDir(p+string(filepath.Separator), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".csv") {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scada: %w", err)
	}
	return out, nil
}

// maxExamples bounds the example lists in the Report.
const maxExamples = 10

func (in *Ingester) example(list *[]string, format string, args ...any) {
	if len(*list) < maxExamples {
		*list = append(*list, fmt.Sprintf(format, args...))
	}
}

// decode returns data as UTF-8 text and the encoding found: a UTF-8
// byte-order mark is stripped, valid UTF-8 is kept (not copied), anything
// else is read as Latin-1 (ISO 8859-1, one byte per code point). UTF-16 is
// refused.
func decode(data []byte, forced string) ([]byte, string, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, "", errors.New("UTF-16 text is not supported; save the export as UTF-8 or Latin-1")
	}
	enc := ""
	if b, ok := bytes.CutPrefix(data, []byte{0xEF, 0xBB, 0xBF}); ok {
		data, enc = b, "utf-8-bom"
	}
	forced = strings.ToLower(forced)
	latin := forced == "latin-1" || forced == "latin1" || forced == "iso-8859-1"
	if !latin {
		ascii := isASCII(data)
		if ascii || utf8.Valid(data) {
			if enc == "" {
				enc = "utf-8"
				if ascii {
					enc = "ascii"
				}
			}
			return data, enc, nil
		}
	}
	if forced == "utf-8" || forced == "utf8" {
		return nil, "", errors.New("not valid UTF-8 (the mapping says utf-8)")
	}
	out := make([]byte, 0, len(data)+len(data)/8)
	for _, c := range data {
		out = utf8.AppendRune(out, rune(c))
	}
	return out, "latin-1", nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// sniffDelimiter picks ';', ',' or tab: whichever occurs most often
// outside quotes in the first line (',' when none does).
func sniffDelimiter(text []byte) rune {
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	line := string(text)
	var n [3]int
	quoted := false
	for _, c := range line {
		switch c {
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				n[0]++
			}
		case ',':
			if !quoted {
				n[1]++
			}
		case '\t':
			if !quoted {
				n[2]++
			}
		}
	}
	best, r := 0, ','
	for i, c := range []rune{';', ',', '\t'} {
		if n[i] > best {
			best, r = n[i], c
		}
	}
	return r
}

func lineEnding(text []byte) string {
	i := bytes.IndexByte(text, '\n')
	switch {
	case i < 0:
		return "none"
	case i > 0 && text[i-1] == '\r':
		return "CRLF"
	}
	return "LF"
}

// Add reads one file: a SCADA export (mapped by the Options' mapping or a
// built-in one) or an event log (recognised by its header). name is used in
// errors and the Report. A file that fails leaves the Ingester unchanged.
func (in *Ingester) Add(name string, data []byte) error {
	sub, err := in.parse(name, data)
	if err != nil {
		return err
	}
	in.merge(sub)
	return nil
}

// parse reads one file into a fresh Ingester, so that files can be read
// concurrently and merged in order.
func (in *Ingester) parse(name string, data []byte) (*Ingester, error) {
	sub := NewIngester(in.opts)
	if err := sub.add(name, data); err != nil {
		return nil, err
	}
	return sub, nil
}

// merge adds what sub read to in; rows keep their read order after in's.
func (in *Ingester) merge(sub *Ingester) {
	r, s := &in.rep, &sub.rep
	r.RowsRead += s.RowsRead
	r.Ragged += s.Ragged
	r.NoTurbine += s.NoTurbine
	r.BadStamps += s.BadStamps
	r.EmptyRows += s.EmptyRows
	r.OutOfOrder += s.OutOfOrder
	r.BadNumbers += s.BadNumbers
	r.AmbiguousLocal += s.AmbiguousLocal
	r.NonexistentLocal += s.NonexistentLocal
	for _, l := range []struct{ dst, src *[]string }{
		{&r.RaggedLines, &s.RaggedLines}, {&r.NoTurbineLines, &s.NoTurbineLines},
		{&r.BadStampLines, &s.BadStampLines}, {&r.BadNumberExamples, &s.BadNumberExamples},
		{&r.AmbiguousLines, &s.AmbiguousLines}, {&r.NonexistentLines, &s.NonexistentLines},
	} {
		for _, e := range *l.src {
			in.example(l.dst, "%s", e)
		}
	}
	r.Files = append(r.Files, s.Files...)
	r.EventLogs = append(r.EventLogs, s.EventLogs...)
	for _, st := range s.Turbines {
		tr := in.turbine(st.Turbine)
		tr.EmptyRows += st.EmptyRows
		tr.Files = append(tr.Files, st.Files...)
	}
	for _, b := range sub.blocks {
		for i := range b.rows {
			b.rows[i].seq += in.seq
		}
	}
	in.seq += sub.seq
	in.blocks = append(in.blocks, sub.blocks...)
	in.events = append(in.events, sub.events...)
}

func (in *Ingester) add(name string, data []byte) error {
	forced := ""
	if in.opts.Mapping != nil {
		forced = in.opts.Mapping.Encoding
	}
	text, enc, err := decode(data, forced)
	if err != nil {
		return fmt.Errorf("scada: %s: %w", name, err)
	}
	fr := FileReport{Name: name, Encoding: enc, LineEnding: lineEnding(text)}
	comma := rune(0)
	if in.opts.Mapping != nil {
		if comma, err = in.opts.Mapping.delimiter(); err != nil {
			return fmt.Errorf("scada: %s: mapping: %w", name, err)
		}
	}
	if comma == 0 {
		comma = sniffDelimiter(text)
	}
	fr.Delimiter = string(comma)
	cr := newRecordReader(text, comma)
	header, err := cr.Read()
	if err == io.EOF {
		return fmt.Errorf("scada: %s: empty file", name)
	}
	if err != nil {
		return fmt.Errorf("scada: %s: header: %w", name, err)
	}
	header = trimAll(append([]string(nil), header...))
	if kind := eventKind(header); kind != "" {
		return in.addEvents(name, kind, header, cr, fr)
	}
	m := in.opts.Mapping
	if m == nil {
		if m = detectMapping(header); m == nil {
			return fmt.Errorf("scada: %s: no built-in mapping fits the header (%s); give a mapping file", name, abbreviate(header))
		}
	}
	fr.Mapping, fr.Kind = m.Name, "scada"
	return in.addSCADA(name, m, header, cr, fr)
}

// trimAll trims every string of s and clones it (it may be a substring
// of a whole file, which the reports must not keep alive).
func trimAll(s []string) []string {
	for i := range s {
		s[i] = strings.Clone(strings.TrimSpace(s[i]))
	}
	return s
}

func abbreviate(h []string) string {
	if len(h) > 6 {
		return strings.Join(h[:6], ",") + ",…"
	}
	return strings.Join(h, ",")
}

// missingTokens are cell texts that mean "no value" in common exports.
var missingTokens = map[string]bool{"na": true, "n/a": true, "#n/a": true, "null": true, "none": true, "-": true, "nan": true}

func (in *Ingester) addSCADA(name string, m *Mapping, header []string, cr recordReader, fr FileReport) error {
	idx := make(map[string]int, len(header))
	for i, h := range header {
		if _, dup := idx[h]; !dup {
			idx[h] = i
			continue
		}
		if _, mapped := m.Columns[h]; mapped || h == m.TimeColumn || h == m.TurbineColumn {
			return fmt.Errorf("scada: %s: header names column %q twice", name, h)
		}
	}
	tcol, ok := idx[m.TimeColumn]
	if !ok {
		return fmt.Errorf("scada: %s: time column %q not in the header", name, m.TimeColumn)
	}
	turbCol := -1
	if m.TurbineColumn != "" {
		if turbCol, ok = idx[m.TurbineColumn]; !ok {
			return fmt.Errorf("scada: %s: turbine column %q not in the header", name, m.TurbineColumn)
		}
	}
	loc, err := loadZone(m.TimeZone)
	if err != nil {
		return fmt.Errorf("scada: %s: mapping: %w", name, err)
	}
	fileTurbine := m.Turbine
	if m.TurbineFromFile {
		base := filepath.Base(name)
		fileTurbine = strings.TrimSuffix(base, filepath.Ext(base))
	}
	statusAt := -1
	sp := &stampParser{layout: m.TimeLayout, loc: loc}
	ignore := make(map[string]bool, len(m.Ignore))
	for _, s := range m.Ignore {
		ignore[s] = true
	}
	b := &block{}
	var src []int
	for i, h := range header {
		if i == tcol || i == turbCol || idx[h] != i {
			continue
		}
		cn, mapped := m.Columns[h]
		if !mapped {
			if !ignore[h] {
				fr.Unmapped = append(fr.Unmapped, h)
			}
			continue
		}
		c, ok := ParseColumn(cn)
		if !ok {
			return fmt.Errorf("scada: %s: mapping: unknown canonical column %q", name, cn)
		}
		b.cols = append(b.cols, c)
		src = append(src, i)
	}
	if len(b.cols) == 0 {
		return fmt.Errorf("scada: %s: no column of the header is mapped", name)
	}
	// Canonical order, so that Finish can keep the value slices as they are
	// when every file has the same columns.
	order := make([]int, len(b.cols))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return b.cols[order[i]].less(b.cols[order[j]]) })
	cols, srcs := make([]Column, len(order)), make([]int, len(order))
	for k, i := range order {
		cols[k], srcs[k] = b.cols[i], src[i]
	}
	b.cols, src = cols, srcs
	if len(m.StatusCodes) > 0 {
		for j, c := range b.cols {
			if c.Signal == Status {
				statusAt = j
			}
		}
	}
	scale := 0.0
	if m.RoundDecimals != nil {
		scale = math.Pow(10, float64(*m.RoundDecimals))
	}
	type key struct{ turbine, wall string }
	seenWall := map[key]bool{}
	names := map[string]string{}
	lastTime := map[string]time.Time{}
	turbines := map[string]bool{}
	r := &in.rep
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			// With LazyQuotes and no field count, encoding/csv has no error
			// left to report; keep the check for safety.
			return fmt.Errorf("scada: %s: %w", name, err)
		}
		fr.Rows++
		r.RowsRead++
		if len(rec) != len(header) {
			r.Ragged++
			in.example(&r.RaggedLines, "%s:%d: %d fields, header has %d", name, line, len(rec), len(header))
			continue
		}
		turbine := fileTurbine
		if turbCol >= 0 {
			// One copy per name: rec's fields may be substrings of the
			// whole file.
			t := strings.TrimSpace(rec[turbCol])
			if v, ok := names[t]; ok {
				turbine = v
			} else {
				turbine = strings.Clone(t)
				names[turbine] = turbine
			}
		}
		if turbine == "" {
			r.NoTurbine++
			in.example(&r.NoTurbineLines, "%s:%d", name, line)
			continue
		}
		t, alt, off, kind, err := sp.parse(rec[tcol])
		if err != nil {
			r.BadStamps++
			in.example(&r.BadStampLines, "%s:%d: %v", name, line, err)
			continue
		}
		switch kind {
		case stampAmbiguous:
			// The first occurrence of a repeated wall clock in a file is the
			// first pass (summer time), a second one the second pass.
			k := key{turbine, strings.TrimSpace(rec[tcol])}
			if seenWall[k] {
				t = alt
				_, off = t.In(loc).Zone()
			}
			seenWall[k] = true
			r.AmbiguousLocal++
			in.example(&r.AmbiguousLines, "%s:%d: %s read as %s", name, line, rec[tcol], t.Format(time.RFC3339))
		case stampNonexistent:
			r.NonexistentLocal++
			in.example(&r.NonexistentLines, "%s:%d: %s read as %s", name, line, rec[tcol], t.Format(time.RFC3339))
		}
		vals := make([]float64, len(src))
		empty := true
		for j, i := range src {
			var v float64
			var bad bool
			if j == statusAt {
				if code, ok := m.StatusCodes[strings.TrimSpace(rec[i])]; ok {
					v = code
				} else {
					v, bad = parseValue(rec[i])
				}
			} else {
				v, bad = parseValue(rec[i])
			}
			if bad {
				r.BadNumbers++
				in.example(&r.BadNumberExamples, "%s:%d: %s=%q", name, line, header[i], rec[i])
			}
			if scale != 0 && !math.IsNaN(v) && !roundsToItself(rec[i], *m.RoundDecimals) {
				if w := math.Round(v*scale) / scale; !math.IsInf(w, 0) {
					v = w
				}
			}
			if !math.IsNaN(v) {
				empty = false
			}
			vals[j] = v
		}
		turbines[turbine] = true
		if last, ok := lastTime[turbine]; ok && t.Before(last) {
			r.OutOfOrder++
		}
		lastTime[turbine] = t
		if empty {
			r.EmptyRows++
			in.turbine(turbine).EmptyRows++
			b.empty = append(b.empty, rawRow{turbine: turbine, time: t})
			continue
		}
		in.seq++
		b.rows = append(b.rows, rawRow{turbine: turbine, time: t, offset: off, seq: in.seq, vals: vals})
	}
	for tb := range turbines {
		fr.Turbines = append(fr.Turbines, tb)
		tr := in.turbine(tb)
		tr.Files = append(tr.Files, name)
	}
	sort.Strings(fr.Turbines)
	in.blocks = append(in.blocks, b)
	r.Files = append(r.Files, fr)
	return nil
}

// parseValue reads one cell: empty or a missing token is NaN; a decimal
// comma is accepted when there is no point; text that is not a finite
// number is NaN and bad.
func parseValue(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return math.NaN(), false
	}
	v, err := parseFloat(s)
	if err == nil {
		if math.IsNaN(v) {
			return v, false // "NaN" written by the export: missing
		}
		if math.IsInf(v, 0) {
			return math.NaN(), true
		}
		return v, false
	}
	if missingTokens[strings.ToLower(s)] {
		return math.NaN(), false
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		if v, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
			return v, false
		}
	}
	return math.NaN(), true
}

func (in *Ingester) turbine(name string) *TurbineReport {
	for i := range in.rep.Turbines {
		if in.rep.Turbines[i].Turbine == name {
			return &in.rep.Turbines[i]
		}
	}
	in.rep.Turbines = append(in.rep.Turbines, TurbineReport{Turbine: name})
	return &in.rep.Turbines[len(in.rep.Turbines)-1]
}

// Finish normalises everything added: columns unified in canonical order,
// rows sorted by turbine and UTC time, rows with the same turbine and
// stamp merged (missing fields filled from either; on conflicting values
// the row read later wins), then gaps, off-grid stamps and clock changes
// found. The Ingester must not be used afterwards.
func (in *Ingester) Finish() (*Table, *Report) {
	r := &in.rep
	interval := in.opts.interval()
	r.Interval = interval
	r.GapListed = in.opts.gapListed()
	colSet := map[Column]bool{}
	for _, b := range in.blocks {
		for _, c := range b.cols {
			colSet[c] = true
		}
	}
	t := &Table{}
	for c := range colSet {
		t.Columns = append(t.Columns, c)
	}
	sort.Slice(t.Columns, func(i, j int) bool { return t.Columns[i].less(t.Columns[j]) })
	pos := make(map[Column]int, len(t.Columns))
	for i, c := range t.Columns {
		pos[c] = i
	}
	n := 0
	for _, b := range in.blocks {
		n += len(b.rows)
	}
	all := make([]rawRow, 0, n)
	for _, b := range in.blocks {
		perm := make([]int, len(b.cols))
		identity := len(b.cols) == len(t.Columns)
		for j, c := range b.cols {
			perm[j] = pos[c]
			identity = identity && perm[j] == j
		}
		if identity {
			all = append(all, b.rows...)
			b.rows = nil
			continue
		}
		for _, rr := range b.rows {
			v := make([]float64, len(t.Columns))
			for i := range v {
				v[i] = math.NaN()
			}
			for j, x := range rr.vals {
				v[perm[j]] = x
			}
			rr.vals = v
			all = append(all, rr)
		}
		b.rows = nil
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.turbine != b.turbine {
			return a.turbine < b.turbine
		}
		if !a.time.Equal(b.time) {
			return a.time.Before(b.time)
		}
		return a.seq < b.seq
	})
	t.Rows = make([]Row, 0, len(all))
	for _, rr := range all {
		n := len(t.Rows)
		if n > 0 && t.Rows[n-1].Turbine == rr.turbine && t.Rows[n-1].Time.Equal(rr.time) {
			prev := &t.Rows[n-1]
			differ := false
			for i, x := range rr.vals {
				p := prev.Values[i]
				switch {
				case math.IsNaN(x):
					if !math.IsNaN(p) {
						differ = true
					}
				case math.IsNaN(p):
					prev.Values[i], differ = x, true
				case p != x:
					prev.Values[i], differ = x, true
					r.ConflictingFields++
				}
			}
			prev.Offset = rr.offset
			r.Duplicates++
			in.turbine(rr.turbine).Duplicates++
			if differ {
				r.DuplicatesDiffering++
				in.example(&r.DuplicateExamples, "%s %s", rr.turbine, rr.time.Format(time.RFC3339))
			}
			continue
		}
		t.Rows = append(t.Rows, Row{Turbine: rr.turbine, Time: rr.time, Offset: rr.offset, Values: rr.vals})
	}
	r.RowsKept = len(t.Rows)
	in.scan(t, interval)
	in.emptyRuns(interval)
	sort.Slice(r.Turbines, func(i, j int) bool { return r.Turbines[i].Turbine < r.Turbines[j].Turbine })
	for i := range r.Turbines {
		sort.Strings(r.Turbines[i].Files)
	}
	sort.SliceStable(in.events, func(i, j int) bool {
		a, b := in.events[i], in.events[j]
		if a.Turbine != b.Turbine {
			return a.Turbine < b.Turbine
		}
		return a.Start.Before(b.Start)
	})
	t.Events = in.events
	in.blocks, in.events = nil, nil
	return t, r
}

// emptyRuns lists the runs of rows with a stamp and no value: per
// turbine, consecutive stamps one interval apart form one run.
func (in *Ingester) emptyRuns(interval time.Duration) {
	var e []rawRow
	for _, b := range in.blocks {
		e = append(e, b.empty...)
	}
	sort.Slice(e, func(i, j int) bool {
		if e[i].turbine != e[j].turbine {
			return e[i].turbine < e[j].turbine
		}
		return e[i].time.Before(e[j].time)
	})
	r := &in.rep
	for i, x := range e {
		n := len(r.EmptyRuns)
		if i > 0 && e[i-1].turbine == x.turbine && x.time.Equal(e[i-1].time) {
			continue
		}
		if n > 0 && r.EmptyRuns[n-1].Turbine == x.turbine && x.time.Sub(r.EmptyRuns[n-1].Last) == interval {
			r.EmptyRuns[n-1].Last = x.time
			r.EmptyRuns[n-1].Stamps++
			continue
		}
		r.EmptyRuns = append(r.EmptyRuns, EmptyRun{Turbine: x.turbine, First: x.time, Last: x.time, Stamps: 1})
	}
}

// scan fills the per-turbine spans, gaps, off-grid counts and clock
// changes from the sorted, merged rows.
func (in *Ingester) scan(t *Table, interval time.Duration) {
	r := &in.rep
	for lo := 0; lo < len(t.Rows); {
		hi := lo
		for hi < len(t.Rows) && t.Rows[hi].Turbine == t.Rows[lo].Turbine {
			hi++
		}
		rows := t.Rows[lo:hi]
		tr := in.turbine(rows[0].Turbine)
		tr.Rows = len(rows)
		tr.First, tr.Last = rows[0].Time, rows[len(rows)-1].Time
		tr.Stamps = int(tr.Last.Sub(tr.First)/interval) + 1
		for i, row := range rows {
			if !row.Time.Truncate(interval).Equal(row.Time) {
				r.OffGrid++
				tr.OffGrid++
			}
			if i == 0 {
				continue
			}
			prev := rows[i-1]
			step := row.Time.Sub(prev.Time)
			if step > interval {
				missing := step - interval
				tr.Gaps++
				tr.MissingStamps += int(missing / interval)
				if missing > r.GapListed {
					r.GapsListed = append(r.GapsListed, Gap{Turbine: row.Turbine, Last: prev.Time, Next: row.Time, Missing: missing})
				}
			}
			if row.Offset != prev.Offset {
				r.ClockChanges = append(r.ClockChanges, clockChange(rows, i, interval))
			}
		}
		lo = hi
	}
}

// clockChange describes the offset change between rows[i-1] and rows[i].
// For a backward change of s seconds (autumn), the repeated wall-clock
// window is taken as the hour-aligned UTC instant at or before rows[i]
// plus the new offset, for s seconds; rows of the window are counted by
// the offset they carry: old offset = first pass, new = second pass.
func clockChange(rows []Row, i int, interval time.Duration) ClockChange {
	prev, row := rows[i-1], rows[i]
	wall := func(r Row) time.Time { return r.Time.Add(time.Duration(r.Offset) * time.Second) }
	c := ClockChange{
		Turbine: row.Turbine, Last: prev.Time, Next: row.Time,
		OffsetBefore: prev.Offset, OffsetAfter: row.Offset,
		UTCStep: row.Time.Sub(prev.Time), WallStep: wall(row).Sub(wall(prev)),
	}
	c.MissingStamps = int(c.UTCStep/interval) - 1
	if shift := time.Duration(prev.Offset-row.Offset) * time.Second; shift > 0 {
		change := row.Time.Truncate(time.Hour)
		lo := change.Add(time.Duration(row.Offset) * time.Second)
		c.RepeatedFrom, c.RepeatedTo = lo, lo.Add(shift)
		for _, r := range rows {
			w := wall(r)
			if w.Before(c.RepeatedFrom) || !w.Before(c.RepeatedTo) {
				continue
			}
			switch r.Offset {
			case prev.Offset:
				c.FirstPass++
			case row.Offset:
				c.SecondPass++
			}
		}
	}
	return c
}
