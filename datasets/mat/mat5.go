package mat

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Storage (data) types of Level-5 data elements (MAT-File Format, Table 1-1).
const (
	miINT8       = 1
	miUINT8      = 2
	miINT16      = 3
	miUINT16     = 4
	miINT32      = 5
	miUINT32     = 6
	miSINGLE     = 7
	miDOUBLE     = 9
	miINT64      = 12
	miUINT64     = 13
	miMATRIX     = 14
	miCOMPRESSED = 15
	miUTF8       = 16
	miUTF16      = 17
	miUTF32      = 18
)

// numericSize returns the byte size of one value of numeric storage type
// t, or 0 when t is not a numeric storage type.
func numericSize(t uint32) int {
	switch t {
	case miINT8, miUINT8:
		return 1
	case miINT16, miUINT16:
		return 2
	case miINT32, miUINT32, miSINGLE:
		return 4
	case miDOUBLE, miINT64, miUINT64:
		return 8
	}
	return 0
}

// Default limits, used where a Limits field is zero.
const (
	// DefaultMaxDecompressed caps the bytes inflated from all miCOMPRESSED
	// elements of one file: 512 MiB, so that a small zlib bomb cannot make
	// the reader hold gigabytes.
	DefaultMaxDecompressed = 1 << 29
	// DefaultMaxValues caps the numeric values and characters decoded from
	// one file: 2^26 values, 512 MiB as float64 — 21 minutes of one
	// channel at 51.2 kHz, far longer than a condition-monitoring capture.
	DefaultMaxValues = 1 << 26
	// DefaultMaxNodes caps the arrays (variables, struct fields, cell
	// elements) in one file.
	DefaultMaxNodes = 1 << 20
	// DefaultMaxDepth caps how deeply structs and cells nest.
	DefaultMaxDepth = 32
)

// Limits bound what decoding one file may cost, so that a hostile or
// corrupt file fails with an error instead of exhausting memory. A zero
// field means the corresponding Default value.
type Limits struct {
	// MaxDecompressed is the most bytes inflated from compressed
	// elements, all of them together.
	MaxDecompressed int64
	// MaxValues is the most numeric values (real and imaginary parts
	// counted separately) and characters decoded.
	MaxValues int64
	// MaxNodes is the most arrays decoded, nested ones included.
	MaxNodes int
	// MaxDepth is the deepest nesting of structs and cells; top-level
	// variables are at depth 0.
	MaxDepth int
}

// withDefaults returns l with zero fields set to the defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxDecompressed <= 0 {
		l.MaxDecompressed = DefaultMaxDecompressed
	}
	if l.MaxValues <= 0 {
		l.MaxValues = DefaultMaxValues
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// Options control Decode. The zero value (or a nil *Options) decodes
// everything within the default limits.
type Options struct {
	// Limits bound the cost of decoding.
	Limits Limits
	// Select, when not nil, is asked before the data of every numeric or
	// logical array is decoded, with the array's Path, class and
	// dimensions. When it returns false the data is skipped without
	// being converted: the Var keeps its header, Real and Imag stay nil
	// and Skipped is "not selected".
	Select func(path string, class Class, dims []int) bool
}

// Errors that callers may test for with errors.Is.
var (
	// ErrV73 is returned for MATLAB v7.3 files, which are HDF5 files.
	ErrV73 = errors.New("MATLAB v7.3 MAT-file (HDF5) is not supported; re-save it in MATLAB with save(file, '-v7') or in Octave with save -v7")
	// ErrV4 is returned for MATLAB v4 (Level 4) files.
	ErrV4 = errors.New("MATLAB v4 MAT-file (or not a MAT-file) is not supported; re-save it in MATLAB with save(file, '-v7')")
	// ErrTruncated is wrapped by every error about data that ends before
	// its declared size.
	ErrTruncated = errors.New("truncated")
	// ErrLimit is wrapped by every error about a Limits bound.
	ErrLimit = errors.New("limit exceeded")
)

// Error is a problem with one variable of a MAT-file.
type Error struct {
	// Var is the variable's path ("X105_DE_time", "bearing.gs"), or
	// "#N (byte OFF)" when the problem comes before its name.
	Var string
	Err error
}

// Error returns "variable NAME: problem".
func (e *Error) Error() string { return "variable " + e.Var + ": " + e.Err.Error() }

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

// ReadFile decodes the MAT-file called name.
func ReadFile(name string, opts *Options) (*File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return Decode(f, st.Size(), opts)
}

// hdf5Signature starts an HDF5 superblock; v7.3 MAT-files put it at 512.
var hdf5Signature = []byte("\x89HDF\r\n\x1a\n")

// Decode decodes the Level-5 MAT-file held in the first size bytes of r.
// Every declared size is checked against the bytes left in the enclosing
// element before anything is allocated; data from compressed elements is
// read through a reader capped by opts.Limits, and buffers grow with data
// actually read. Errors about one variable are *Error values.
func Decode(r io.ReaderAt, size int64, opts *Options) (*File, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	d := &decoder{opts: o, lim: o.Limits.withDefaults()}
	d.budget = d.lim.MaxDecompressed

	if size < 128 {
		head := make([]byte, min(max(size, 0), 4))
		if _, err := r.ReadAt(head, 0); err == nil && len(head) == 4 && bytes.IndexByte(head, 0) >= 0 {
			return nil, ErrV4
		}
		return nil, fmt.Errorf("not a MAT-file: %d bytes, shorter than the 128-byte Level-5 header", size)
	}
	hdr := make([]byte, 128)
	if _, err := r.ReadAt(hdr, 0); err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	if bytes.HasPrefix(hdr, []byte("MATLAB 7.3 MAT-file")) || bytes.HasPrefix(hdr, hdf5Signature) {
		return nil, ErrV73
	}
	if size >= 512+8 {
		sig := make([]byte, 8)
		if _, err := r.ReadAt(sig, 512); err == nil && bytes.Equal(sig, hdf5Signature) {
			return nil, ErrV73
		}
	}
	if bytes.IndexByte(hdr[:4], 0) >= 0 {
		return nil, ErrV4
	}
	switch string(hdr[126:128]) {
	case "IM":
		d.order = binary.LittleEndian
	case "MI":
		d.order = binary.BigEndian
	default:
		return nil, fmt.Errorf("not a Level-5 MAT-file: endian indicator %q at byte 126, want \"IM\" or \"MI\"", hdr[126:128])
	}
	switch v := d.order.Uint16(hdr[124:126]); v {
	case 0x0100:
	case 0x0200:
		return nil, ErrV73
	default:
		return nil, fmt.Errorf("unsupported MAT-file version 0x%04x (want 0x0100)", v)
	}
	f := &File{
		Header:    strings.TrimRight(string(hdr[:116]), " \x00"),
		ByteOrder: d.order,
	}

	off := int64(128)
	for idx := 1; size-off >= 8; idx++ {
		label := fmt.Sprintf("#%d (byte %d)", idx, off)
		var tag [8]byte
		if _, err := r.ReadAt(tag[:], off); err != nil {
			return nil, &Error{Var: label, Err: fmt.Errorf("reading element tag: %w", err)}
		}
		typ := d.order.Uint32(tag[0:4])
		n := int64(d.order.Uint32(tag[4:8]))
		if typ>>16 != 0 {
			return nil, &Error{Var: label, Err: fmt.Errorf("small data element of type %d at top level, want miMATRIX or miCOMPRESSED", typ&0xffff)}
		}
		left := size - off - 8
		if n > left {
			if typ == miMATRIX {
				label = d.peekName(io.NewSectionReader(r, off+8, left), left, true, label)
			} else if typ == miCOMPRESSED {
				label = d.peekCompressedName(io.NewSectionReader(r, off+8, left), label)
			}
			return nil, &Error{Var: label, Err: fmt.Errorf("%w: element declares %d bytes, the file has %d left", ErrTruncated, n, left)}
		}
		sec := io.NewSectionReader(r, off+8, n)
		var (
			v   *Var
			err error
		)
		switch typ {
		case miMATRIX:
			v, err = d.matrix(&src{r: sec, left: n, trusted: true}, label, "", "", 0)
			off += 8 + n
			if pad := (8 - n%8) % 8; off+pad <= size {
				off += pad
			}
		case miCOMPRESSED:
			v, err = d.compressed(sec, label)
			off += 8 + n
		default:
			return nil, &Error{Var: label, Err: fmt.Errorf("element of type %d at top level, want miMATRIX (14) or miCOMPRESSED (15)", typ)}
		}
		if err != nil {
			return nil, err
		}
		f.Vars = append(f.Vars, v)
	}
	return f, nil
}

// decoder holds the state of one Decode call.
type decoder struct {
	order   binary.ByteOrder
	opts    Options
	lim     Limits
	budget  int64 // decompressed bytes left
	nvalues int64 // values and characters decoded so far
	nodes   int   // arrays decoded so far
	buf     []byte
}

// src reads the content of one element.
type src struct {
	r    io.Reader
	left int64 // bytes left in the element
	// trusted is true when left is backed by bytes present in the file
	// (uncompressed data), so that buffers may be allocated up front.
	trusted bool
}

// read fills p from s.
func (s *src) read(p []byte) error {
	if int64(len(p)) > s.left {
		return fmt.Errorf("%w: %d bytes needed, %d left in the element", ErrTruncated, len(p), s.left)
	}
	n, err := io.ReadFull(s.r, p)
	s.left -= int64(n)
	return readErr(err)
}

// readErr maps an error from an underlying reader to a decoding error.
func readErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: data ends early", ErrTruncated)
	case errors.Is(err, ErrLimit):
		return err
	}
	return fmt.Errorf("reading data: %w", err)
}

// bytes returns the next n bytes of s; memory grows with the data read
// unless s is trusted.
func (s *src) bytes(n int64) ([]byte, error) {
	if n > s.left {
		return nil, fmt.Errorf("%w: element declares %d bytes, %d left", ErrTruncated, n, s.left)
	}
	if s.trusted || n <= 1<<16 {
		b := make([]byte, n)
		return b, s.read(b)
	}
	var bb bytes.Buffer
	got, err := io.CopyN(&bb, s.r, n)
	s.left -= got
	if err != nil {
		return nil, readErr(err)
	}
	return bb.Bytes(), nil
}

// skip discards the next n bytes of s.
func (s *src) skip(n int64) error {
	if n > s.left {
		return fmt.Errorf("%w: element declares %d bytes, %d left", ErrTruncated, n, s.left)
	}
	if n == 0 {
		return nil
	}
	if sk, ok := s.r.(io.Seeker); ok && s.trusted {
		_, err := sk.Seek(n, io.SeekCurrent)
		s.left -= n
		return readErr(err)
	}
	got, err := io.CopyN(io.Discard, s.r, n)
	s.left -= got
	return readErr(err)
}

// pad skips the padding after a data element of n bytes, as far as the
// enclosing element allows.
func (s *src) pad(n int64) error {
	return s.skip(min((8-n%8)%8, s.left))
}

// tag reads a data element tag. For the small data element form (size in
// the upper 16 bits of the first word) the data comes back in small;
// otherwise the caller reads n bytes of data.
func (d *decoder) tag(s *src) (typ uint32, n int64, small []byte, err error) {
	var b [8]byte
	if err := s.read(b[:]); err != nil {
		return 0, 0, nil, err
	}
	w := d.order.Uint32(b[0:4])
	if w>>16 != 0 {
		typ, n = w&0xffff, int64(w>>16)
		if n > 4 {
			return 0, 0, nil, fmt.Errorf("small data element declares %d bytes, at most 4 fit", n)
		}
		return typ, n, append([]byte(nil), b[4:4+n]...), nil
	}
	typ, n = w, int64(d.order.Uint32(b[4:8]))
	if n > s.left {
		return 0, 0, nil, fmt.Errorf("%w: element of type %d declares %d bytes, %d left", ErrTruncated, typ, n, s.left)
	}
	return typ, n, nil, nil
}

// element reads a whole data element of at most max bytes (not counting
// the small-element form) and its padding.
func (d *decoder) element(s *src, what string, max int64) (uint32, []byte, error) {
	typ, n, small, err := d.tag(s)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", what, err)
	}
	if small != nil {
		return typ, small, nil
	}
	if n > max {
		return 0, nil, fmt.Errorf("%s: %d bytes, more than the %d expected", what, n, max)
	}
	b, err := s.bytes(n)
	if err == nil {
		err = s.pad(n)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", what, err)
	}
	return typ, b, nil
}

// budgetReader reads from r while the shared decompression budget lasts.
type budgetReader struct {
	r      io.Reader
	budget *int64
	limit  int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if *b.budget <= 0 {
		return 0, fmt.Errorf("%w: decompressed data exceed %d bytes (Limits.MaxDecompressed)", ErrLimit, b.limit)
	}
	if int64(len(p)) > *b.budget {
		p = p[:*b.budget]
	}
	n, err := b.r.Read(p)
	*b.budget -= int64(n)
	return n, err
}

// compressed decodes the miMATRIX inside one miCOMPRESSED element.
func (d *decoder) compressed(sec *io.SectionReader, label string) (*Var, error) {
	zr, err := zlib.NewReader(sec)
	if err != nil {
		return nil, &Error{Var: label, Err: fmt.Errorf("compressed element: %v", err)}
	}
	defer zr.Close()
	br := &budgetReader{r: zr, budget: &d.budget, limit: d.lim.MaxDecompressed}
	outer := &src{r: br, left: math.MaxInt64}
	typ, n, small, err := d.tag(outer)
	if err != nil {
		return nil, &Error{Var: label, Err: fmt.Errorf("compressed element: %w", err)}
	}
	if typ != miMATRIX || small != nil {
		return nil, &Error{Var: label, Err: fmt.Errorf("compressed element holds type %d, want miMATRIX (14)", typ)}
	}
	// n is not checked against the budget: the budget reader stops
	// inflation when the data actually read exceeds it.
	v, err := d.matrix(&src{r: br, left: n}, label, "", "", 0)
	if err != nil {
		return nil, err
	}
	// Read the stream to its end so that zlib checks its Adler-32
	// checksum, and so that data beyond the matrix (a sign of corruption)
	// is noticed.
	extra, err := io.Copy(io.Discard, br)
	if err != nil {
		return nil, &Error{Var: v.label(label), Err: fmt.Errorf("compressed element: %w", readErr(err))}
	}
	if extra > 7 {
		return nil, &Error{Var: v.label(label), Err: fmt.Errorf("compressed element holds %d bytes after its matrix (corrupt file?)", extra)}
	}
	return v, nil
}

// peekName returns the name of the matrix whose content starts in r, or
// fallback when it cannot be read. It serves error messages only.
func (d *decoder) peekName(r io.Reader, n int64, trusted bool, fallback string) string {
	s := &src{r: r, left: n, trusted: trusted}
	p := &decoder{order: d.order, lim: d.lim}
	if _, _, err := p.element(s, "flags", 16); err != nil {
		return fallback
	}
	if _, _, err := p.element(s, "dims", 1<<12); err != nil {
		return fallback
	}
	_, name, err := p.element(s, "name", 1<<12)
	if err != nil || cleanName(name) == "" {
		return fallback
	}
	return cleanName(name)
}

// peekCompressedName is peekName for a (possibly truncated) compressed
// element.
func (d *decoder) peekCompressedName(r io.Reader, fallback string) string {
	zr, err := zlib.NewReader(r)
	if err != nil {
		return fallback
	}
	defer zr.Close()
	lr := io.LimitReader(zr, 1<<16)
	var tag [8]byte
	if _, err := io.ReadFull(lr, tag[:]); err != nil || d.order.Uint32(tag[:4]) != miMATRIX {
		return fallback
	}
	return d.peekName(lr, 1<<16, false, fallback)
}

// matrix decodes the content of one miMATRIX element from s: a top-level
// variable (name "" and path ""), a struct field (name is the field name,
// path its full path) or a cell element (name "", path given). label names
// the matrix in errors until its name is known.
func (d *decoder) matrix(s *src, label, name, path string, depth int) (v *Var, err error) {
	if path != "" {
		label = path
	}
	defer func() {
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				err = &Error{Var: label, Err: err}
			}
			v = nil
		}
	}()
	d.nodes++
	if d.nodes > d.lim.MaxNodes {
		return nil, fmt.Errorf("%w: more than %d arrays (Limits.MaxNodes)", ErrLimit, d.lim.MaxNodes)
	}
	if depth > d.lim.MaxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d (Limits.MaxDepth)", ErrLimit, d.lim.MaxDepth)
	}
	v = &Var{Name: name, Path: path}
	if s.left == 0 {
		// An empty element: MATLAB writes empty struct fields and cells so.
		v.Class, v.Dims = ClassDouble, []int{0, 0}
		return v, nil
	}

	typ, flags, err := d.element(s, "array flags", 16)
	if err != nil {
		return nil, err
	}
	if typ != miUINT32 || len(flags) < 4 {
		return nil, fmt.Errorf("array flags: type %d of %d bytes, want miUINT32 of 8", typ, len(flags))
	}
	w := d.order.Uint32(flags)
	v.Class = Class(w & 0xff)
	v.Complex = w&0x0800 != 0
	v.Global = w&0x0400 != 0
	v.Logical = w&0x0200 != 0
	if v.Class < ClassCell || v.Class > ClassOpaque {
		return nil, fmt.Errorf("unknown MAT class %d", uint8(v.Class))
	}

	switch v.Class {
	case ClassOpaque:
		// MATLAB objects (string, table, datetime…): name, type system,
		// class name, then opaque metadata. The name is read on a best
		// effort basis; the rest is skipped.
		if d.readName(s, v, path == "") == nil {
			label = v.label(label)
		}
		v.Dims = []int{1, 1}
		v.Skipped = "MATLAB objects (mxOPAQUE) are not supported"
		return v, s.skip(s.left)
	case ClassFunction:
		// Dimensions and name as usual, read on a best effort basis.
		if _, _, err := d.element(s, "dimensions", 4*64); err == nil && d.readName(s, v, path == "") == nil {
			label = v.label(label)
		}
		v.Dims = []int{1, 1}
		v.Skipped = "function handles are not supported"
		return v, s.skip(s.left)
	}

	typ, db, err := d.element(s, "dimensions", 4*64)
	if err != nil {
		return nil, err
	}
	// Some writers store the dimensions as miUINT32; values over 2^31-1
	// then read as negative and are rejected below.
	if (typ != miINT32 && typ != miUINT32) || len(db)%4 != 0 || len(db) < 8 {
		return nil, fmt.Errorf("dimensions: type %d of %d bytes, want miINT32 with at least 2 values", typ, len(db))
	}
	// The name comes after the dimensions; read it first so that an error
	// about the dimensions names the variable.
	if err := d.readName(s, v, path == ""); err != nil {
		return nil, err
	}
	label = v.label(label)
	v.Dims = make([]int, len(db)/4)
	numel := 1
	for i := range v.Dims {
		v.Dims[i] = int(int32(d.order.Uint32(db[4*i:])))
	}
	for _, x := range v.Dims {
		if x < 0 {
			return nil, fmt.Errorf("dimensions %s: negative", v.DimsString())
		}
		if x > 0 && numel > math.MaxInt32/x {
			return nil, fmt.Errorf("dimensions %s: more than 2^31-1 elements", v.DimsString())
		}
		numel *= x
	}

	switch {
	case v.Class.Numeric():
		if d.opts.Select != nil && !d.opts.Select(v.Path, v.Class, v.Dims) {
			v.Skipped = "not selected"
			return v, s.skip(s.left)
		}
		if numel == 0 && s.left == 0 {
			// Some writers leave out the data element of an empty array.
			v.Real = []float64{}
			return v, nil
		}
		if v.Real, err = d.values(s, numel, "real part"); err != nil {
			return nil, err
		}
		if v.Complex {
			if v.Imag, err = d.values(s, numel, "imaginary part"); err != nil {
				return nil, err
			}
		}
	case v.Class == ClassChar:
		if numel == 0 && s.left == 0 {
			return v, nil
		}
		if err := d.chars(s, v, numel); err != nil {
			return nil, err
		}
	case v.Class == ClassStruct || v.Class == ClassObject:
		if err := d.structure(s, v, numel, depth); err != nil {
			return nil, err
		}
	case v.Class == ClassCell:
		if err := d.cells(s, v, numel, depth); err != nil {
			return nil, err
		}
	case v.Class == ClassSparse:
		v.Skipped = "sparse arrays are not supported"
	default:
		v.Skipped = fmt.Sprintf("%v arrays are not supported", v.Class)
	}
	// Tolerate bytes after the last sub-element: skip to the element's end.
	return v, s.skip(s.left)
}

// label returns the variable's path if known, else fallback.
func (v *Var) label(fallback string) string {
	if v.Path != "" {
		return v.Path
	}
	return fallback
}

// readName reads the array name sub-element; at top level it also sets
// the path.
func (d *decoder) readName(s *src, v *Var, top bool) error {
	typ, nb, err := d.element(s, "array name", 1<<12)
	if err != nil {
		return err
	}
	if typ != miINT8 && typ != miUINT8 && typ != miUTF8 {
		return fmt.Errorf("array name: storage type %d, want miINT8", typ)
	}
	if top {
		v.Name = cleanName(nb)
		v.Path = v.Name
	}
	return nil
}

// countValues charges n values against Limits.MaxValues.
func (d *decoder) countValues(n int) error {
	d.nvalues += int64(n)
	if d.nvalues > d.lim.MaxValues {
		return fmt.Errorf("%w: more than %d values (Limits.MaxValues)", ErrLimit, d.lim.MaxValues)
	}
	return nil
}

// values reads a numeric data element of numel values and converts it to
// float64.
func (d *decoder) values(s *src, numel int, what string) ([]float64, error) {
	typ, n, small, err := d.tag(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	size := numericSize(typ)
	if size == 0 {
		return nil, fmt.Errorf("%s: unsupported storage type %d", what, typ)
	}
	if n%int64(size) != 0 || n/int64(size) != int64(numel) {
		return nil, fmt.Errorf("%s: %d bytes of storage type %d hold %g values, dimensions say %d", what, n, typ, float64(n)/float64(size), numel)
	}
	if err := d.countValues(numel); err != nil {
		return nil, err
	}
	if small != nil {
		return appendValues(make([]float64, 0, numel), small, typ, d.order), nil
	}
	c := numel
	if !s.trusted {
		c = min(numel, 1<<13)
	}
	out := make([]float64, 0, c)
	if d.buf == nil {
		d.buf = make([]byte, 1<<16)
	}
	for rest := n; rest > 0; {
		k := min(rest, int64(len(d.buf)))
		if err := s.read(d.buf[:k]); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = appendValues(out, d.buf[:k], typ, d.order)
		rest -= k
	}
	if err := s.pad(n); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// appendValues appends the values of storage type typ held in b to dst.
// len(b) is a multiple of the type's size.
func appendValues(dst []float64, b []byte, typ uint32, o binary.ByteOrder) []float64 {
	size := numericSize(typ)
	if size == 0 {
		return dst
	}
	n := len(b) / size
	dst = slices.Grow(dst, n)
	out := dst[len(dst) : len(dst)+n]
	// The concrete byte orders let the compiler inline the loads.
	le := o == binary.ByteOrder(binary.LittleEndian)
	u16 := func(i int) uint16 {
		if le {
			return binary.LittleEndian.Uint16(b[2*i:])
		}
		return binary.BigEndian.Uint16(b[2*i:])
	}
	u32 := func(i int) uint32 {
		if le {
			return binary.LittleEndian.Uint32(b[4*i:])
		}
		return binary.BigEndian.Uint32(b[4*i:])
	}
	u64 := func(i int) uint64 {
		if le {
			return binary.LittleEndian.Uint64(b[8*i:])
		}
		return binary.BigEndian.Uint64(b[8*i:])
	}
	switch typ {
	case miINT8:
		for i := range out {
			out[i] = float64(int8(b[i]))
		}
	case miUINT8:
		for i := range out {
			out[i] = float64(b[i])
		}
	case miINT16:
		for i := range out {
			out[i] = float64(int16(u16(i)))
		}
	case miUINT16:
		for i := range out {
			out[i] = float64(u16(i))
		}
	case miINT32:
		for i := range out {
			out[i] = float64(int32(u32(i)))
		}
	case miUINT32:
		for i := range out {
			out[i] = float64(u32(i))
		}
	case miSINGLE:
		for i := range out {
			out[i] = float64(math.Float32frombits(u32(i)))
		}
	case miDOUBLE:
		for i := range out {
			out[i] = math.Float64frombits(u64(i))
		}
	case miINT64:
		for i := range out {
			out[i] = float64(int64(u64(i)))
		}
	case miUINT64:
		for i := range out {
			out[i] = float64(u64(i))
		}
	}
	return dst[:len(dst)+n]
}

// chars reads the data of a char array into v.Text.
func (d *decoder) chars(s *src, v *Var, numel int) error {
	typ, b, err := d.element(s, "char data", s.left)
	if err != nil {
		return err
	}
	var width int // bytes per code unit
	switch typ {
	case miUTF8, miINT8, miUINT8:
		width = 1
	case miUTF16, miUINT16, miINT16:
		width = 2
	case miUTF32, miUINT32, miINT32:
		width = 4
	default:
		return fmt.Errorf("char data: unsupported storage type %d", typ)
	}
	if err := d.countValues(len(b) / width); err != nil {
		return err
	}
	n := len(b) / width
	if numel > n && numel-n <= 1<<12 {
		// MATLAB pads a char array with spaces; some writers leave the
		// padding out (scipy.io.loadmat pads too).
		n = numel
		if err := d.countValues(n - len(b)/width); err != nil {
			return err
		}
	}
	units := make([]uint32, n) // code units, column-major
	for i := range units {
		if i >= len(b)/width {
			units[i] = ' '
			continue
		}
		switch width {
		case 1:
			units[i] = uint32(b[i])
		case 2:
			units[i] = uint32(d.order.Uint16(b[2*i:]))
		default:
			units[i] = d.order.Uint32(b[4*i:])
		}
	}
	rows := 1
	if len(v.Dims) == 2 && v.Dims[0] > 1 && v.Dims[1] > 1 && len(units) == numel {
		rows = v.Dims[0]
	}
	cols := len(units) / rows
	lines := make([]string, rows)
	row := make([]uint32, cols)
	for i := range rows {
		for j := range cols {
			row[j] = units[i+j*rows]
		}
		lines[i] = decodeUnits(row, typ)
	}
	v.Text = strings.Join(lines, "\n")
	return nil
}

// decodeUnits turns code units of storage type typ into a string.
func decodeUnits(u []uint32, typ uint32) string {
	switch typ {
	case miUTF8, miINT8, miUINT8:
		b := make([]byte, len(u))
		for i, x := range u {
			b[i] = byte(x)
		}
		if utf8.Valid(b) {
			return string(b)
		}
		if typ == miUTF8 {
			return strings.ToValidUTF8(string(b), "\uFFFD")
		}
		r := make([]rune, len(b)) // Latin-1
		for i, x := range b {
			r[i] = rune(x)
		}
		return string(r)
	case miUTF16, miUINT16, miINT16:
		w := make([]uint16, len(u))
		for i, x := range u {
			w[i] = uint16(x)
		}
		return string(utf16.Decode(w))
	}
	r := make([]rune, len(u))
	for i, x := range u {
		r[i] = rune(x)
	}
	return string(r)
}

// structure reads the fields of a struct or object array.
func (d *decoder) structure(s *src, v *Var, numel, depth int) error {
	if v.Class == ClassObject {
		typ, cn, err := d.element(s, "class name", 1<<12)
		if err != nil {
			return err
		}
		if typ != miINT8 && typ != miUINT8 && typ != miUTF8 {
			return fmt.Errorf("class name: storage type %d, want miINT8", typ)
		}
		v.ClassName = cleanName(cn)
	}
	typ, lb, err := d.element(s, "field name length", 8)
	if err != nil {
		return err
	}
	if (typ != miINT32 && typ != miUINT32) || len(lb) != 4 {
		return fmt.Errorf("field name length: type %d of %d bytes, want one miINT32", typ, len(lb))
	}
	fl := int64(int32(d.order.Uint32(lb)))
	if fl <= 0 || fl > 1<<12 {
		return fmt.Errorf("field name length %d out of range 1..4096", fl)
	}
	typ, nb, err := d.element(s, "field names", s.left)
	if err != nil {
		return err
	}
	if (typ != miINT8 && typ != miUINT8 && typ != miUTF8) || int64(len(nb))%fl != 0 {
		return fmt.Errorf("field names: type %d of %d bytes, want miINT8 in blocks of %d", typ, len(nb), fl)
	}
	nf := len(nb) / int(fl)
	v.FieldNames = make([]string, nf)
	for i := range nf {
		v.FieldNames[i] = cleanName(nb[int64(i)*fl : int64(i+1)*fl])
	}
	// Make duplicate field names unique as scipy.io.loadmat does: the
	// k-th duplicate of name becomes "_k_name".
	seen := make(map[string]bool, nf)
	dup := 0
	for i, fn := range v.FieldNames {
		for seen[fn] {
			dup++
			fn = fmt.Sprintf("_%d_%s", dup, v.FieldNames[i])
		}
		seen[fn] = true
		v.FieldNames[i] = fn
	}
	total := int64(numel) * int64(nf)
	if err := d.checkChildren(s, total); err != nil {
		return err
	}
	for e := range numel {
		prefix := v.label("")
		if numel > 1 {
			prefix = fmt.Sprintf("%s(%d)", prefix, e+1)
		}
		for _, fn := range v.FieldNames {
			c, err := d.child(s, fn, prefix+"."+fn, depth)
			if err != nil {
				return err
			}
			v.Fields = append(v.Fields, c)
		}
	}
	return nil
}

// cells reads the elements of a cell array.
func (d *decoder) cells(s *src, v *Var, numel, depth int) error {
	if err := d.checkChildren(s, int64(numel)); err != nil {
		return err
	}
	for e := range numel {
		c, err := d.child(s, "", fmt.Sprintf("%s{%d}", v.label(""), e+1), depth)
		if err != nil {
			return err
		}
		v.Cells = append(v.Cells, c)
	}
	return nil
}

// checkChildren checks that n nested matrices can fit: each takes at least
// an 8-byte tag, and each counts against Limits.MaxNodes.
func (d *decoder) checkChildren(s *src, n int64) error {
	if n*8 > s.left {
		return fmt.Errorf("%w: %d nested arrays need at least %d bytes, %d left", ErrTruncated, n, n*8, s.left)
	}
	if int64(d.nodes)+n > int64(d.lim.MaxNodes) {
		return fmt.Errorf("%w: more than %d arrays (Limits.MaxNodes)", ErrLimit, d.lim.MaxNodes)
	}
	return nil
}

// child reads one nested miMATRIX element.
func (d *decoder) child(s *src, name, path string, depth int) (*Var, error) {
	typ, n, small, err := d.tag(s)
	if err != nil {
		return nil, &Error{Var: path, Err: err}
	}
	if typ != miMATRIX || small != nil {
		return nil, &Error{Var: path, Err: fmt.Errorf("element of type %d, want miMATRIX (14)", typ)}
	}
	sub := &src{r: s.r, left: n, trusted: s.trusted}
	c, err := d.matrix(sub, path, name, path, depth+1)
	s.left -= n - sub.left
	if err != nil {
		return nil, err
	}
	return c, s.pad(n)
}

// cleanName returns a name stored in the file as a string, cut at the
// first NUL, with control characters and invalid UTF-8 replaced by U+FFFD
// so that names are safe in one-line messages. MATLAB names are ASCII
// letters, digits and underscores, so valid names are unchanged.
func cleanName(b []byte) string {
	if k := bytes.IndexByte(b, 0); k >= 0 {
		b = b[:k]
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(string(b), "\uFFFD"))
}
