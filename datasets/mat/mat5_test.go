package mat

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets/sharedtest"
)

// fixtureDir holds the fixtures written by gen.py (see its doc string).
var fixtureDir = filepath.Join("..", "testdata", "mat")

// expectedVar is one variable as gen.py describes it in expected.json.
type expectedVar struct {
	Class   string    `json:"class"`
	Dims    []int     `json:"dims"`
	Real    []float64 `json:"real"`
	Imag    []float64 `json:"imag"`
	Text    *string   `json:"text"`
	Fields  []string  `json:"fields"`
	Logical bool      `json:"logical"`
	Skipped bool      `json:"skipped"`
}

type expectedFile struct {
	ByteOrder string                 `json:"byteorder"`
	Vars      map[string]expectedVar `json:"vars"`
	Error     []string               `json:"error"`
}

func loadExpected(t testing.TB) map[string]expectedFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp map[string]expectedFile
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	return exp
}

// flatten returns every array of f by path.
func flatten(f *File) map[string]*Var {
	m := map[string]*Var{}
	var walk func([]*Var)
	walk = func(vs []*Var) {
		for _, v := range vs {
			m[v.Path] = v
			walk(v.Fields)
			walk(v.Cells)
		}
	}
	walk(f.Vars)
	return m
}

func decodeFile(t testing.TB, name string, opts *Options) (*File, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return Decode(bytes.NewReader(b), int64(len(b)), opts)
}

// TestDecodeFixtures decodes every fixture and compares it with the
// values gen.py wrote beside it: exact equality, since every expected
// value is the float64 that the stored value converts to.
func TestDecodeFixtures(t *testing.T) {
	exp := loadExpected(t)
	names := make([]string, 0, len(exp))
	for n := range exp {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		e := exp[name]
		f, err := decodeFile(t, name, nil)
		if e.Error != nil {
			if name == "textonly.mat" { // valid file; datasets rejects it
				if err != nil {
					t.Errorf("%s: %v", name, err)
				}
				continue
			}
			if name == "bomb_z.mat" { // fails only under a lower limit (TestDecodeSentinels)
				if err != nil {
					t.Errorf("%s: %v", name, err)
				}
				continue
			}
			if err == nil {
				t.Errorf("%s: no error, want one containing %q", name, e.Error)
				continue
			}
			for _, s := range e.Error {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%s: error %q does not contain %q", name, err, s)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: error is not one line: %q", name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		wantOrder := binary.ByteOrder(binary.LittleEndian)
		if e.ByteOrder == "big" {
			wantOrder = binary.BigEndian
		}
		if f.ByteOrder != wantOrder {
			t.Errorf("%s: byte order %v, want %v", name, f.ByteOrder, wantOrder)
		}
		got := flatten(f)
		for path, w := range e.Vars {
			v := got[path]
			if v == nil {
				t.Errorf("%s: no variable %s", name, path)
				continue
			}
			if v.Class.String() != w.Class || (w.Dims != nil && !slices.Equal(v.Dims, w.Dims)) || v.Logical != w.Logical {
				t.Errorf("%s %s: %v %v logical=%v, want %s %v logical=%v", name, path, v.Class, v.Dims, v.Logical, w.Class, w.Dims, w.Logical)
			}
			if w.Skipped != (v.Skipped != "") {
				t.Errorf("%s %s: skipped %q, want skipped=%v", name, path, v.Skipped, w.Skipped)
			}
			if w.Real != nil && !slices.Equal(v.Real, w.Real) {
				t.Errorf("%s %s: real %v, want %v", name, path, head(v.Real), head(w.Real))
			}
			if w.Imag != nil && !slices.Equal(v.Imag, w.Imag) {
				t.Errorf("%s %s: imag %v, want %v", name, path, head(v.Imag), head(w.Imag))
			}
			if w.Text != nil && v.Text != *w.Text {
				t.Errorf("%s %s: text %q, want %q", name, path, v.Text, *w.Text)
			}
			if w.Fields != nil && !slices.Equal(v.FieldNames, w.Fields) {
				t.Errorf("%s %s: fields %v, want %v", name, path, v.FieldNames, w.Fields)
			}
		}
	}
}

func head(x []float64) []float64 {
	if len(x) > 6 {
		return x[:6]
	}
	return x
}

// TestDecodeSentinels checks the errors callers test with errors.Is.
func TestDecodeSentinels(t *testing.T) {
	tests := []struct {
		file string
		opts *Options
		is   error
	}{
		{"v73.mat", nil, ErrV73},
		{"v73sig.mat", nil, ErrV73},
		{"v4.mat", nil, ErrV4},
		{"truncated.mat", nil, ErrTruncated},
		{"truncated_z.mat", nil, ErrTruncated},
		{"lying_big_z.mat", nil, ErrTruncated},
		{"lying_small_z.mat", nil, ErrTruncated},
		{"lying_inner_z.mat", nil, ErrTruncated},
		{"manyfields.mat", nil, ErrTruncated},
		{"deep.mat", nil, ErrLimit},
		{"bomb_z.mat", &Options{Limits: Limits{MaxDecompressed: 1 << 20}}, ErrLimit},
		{"bomb_z.mat", &Options{Limits: Limits{MaxValues: 1 << 20}}, ErrLimit},
		{"basic.mat", &Options{Limits: Limits{MaxNodes: 10}}, ErrLimit},
		{"basic.mat", &Options{Limits: Limits{MaxValues: 100}}, ErrLimit},
		{"compressed.mat", &Options{Limits: Limits{MaxDecompressed: 1000}}, ErrLimit},
		{"deep.mat", &Options{Limits: Limits{MaxDepth: 41}}, nil},
	}
	for _, tt := range tests {
		_, err := decodeFile(t, tt.file, tt.opts)
		if !errors.Is(err, tt.is) || (tt.is == nil) != (err == nil) {
			t.Errorf("%s %+v: error %v, want %v", tt.file, tt.opts, err, tt.is)
		}
		var ve *Error
		if err != nil && errors.Is(err, ErrTruncated) && !errors.As(err, &ve) {
			t.Errorf("%s: error %v is not an *Error naming the variable", tt.file, err)
		}
	}
}

// TestDecodeSelect checks that declined arrays are skipped and that the
// arrays after them still decode.
func TestDecodeSelect(t *testing.T) {
	for _, file := range []string{"cwrulike.mat", "basic.mat", "compressed.mat"} {
		var asked []string
		f, err := decodeFile(t, file, &Options{Select: func(path string, c Class, dims []int) bool {
			asked = append(asked, path)
			return !strings.Contains(path, "_DE_") && path != "sine" && path != "bearing.gs"
		}})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		all := flatten(f)
		for _, p := range asked {
			v := all[p]
			declined := strings.Contains(p, "_DE_") || p == "sine" || p == "bearing.gs"
			if declined != (v.Skipped == "not selected") || declined != (v.Real == nil) {
				t.Errorf("%s %s: skipped %q, %d values; declined=%v", file, p, v.Skipped, len(v.Real), declined)
			}
		}
		if len(asked) == 0 {
			t.Errorf("%s: Select never called", file)
		}
	}
	f, err := decodeFile(t, "cwrulike.mat", &Options{Select: func(string, Class, []int) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	if f.Var("X001_FE_time").Dims[0] != 16 {
		t.Errorf("dims of a skipped array: %v", f.Var("X001_FE_time").Dims)
	}
}

// TestDecodeTruncations cuts the fixtures at every length: decoding must
// not panic, and must either fail with a one-line error or return a prefix
// of the variables.
func TestDecodeTruncations(t *testing.T) {
	for _, file := range []string{"basic.mat", "compressed.mat", "bigendian.mat", "bigendian_z.mat", "cwrulike.mat"} {
		b, err := os.ReadFile(filepath.Join(fixtureDir, file))
		if err != nil {
			t.Fatal(err)
		}
		full, err := Decode(bytes.NewReader(b), int64(len(b)), nil)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(b); n++ {
			f, err := Decode(bytes.NewReader(b[:n]), int64(n), nil)
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("%s cut at %d: error not one line: %q", file, n, err)
				}
				continue
			}
			if len(f.Vars) >= len(full.Vars) {
				t.Fatalf("%s cut at %d of %d: decoded all %d variables", file, n, len(b), len(f.Vars))
			}
		}
	}
}

// TestDecodeCWRU checks the quirks of the CWRU files listed in their
// README: big column vectors of miDOUBLE and an RPM stored as miUINT16.
func TestDecodeCWRU(t *testing.T) {
	path := sharedtest.Path(t, "cwru/105.mat")
	f, err := ReadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range f.Vars {
		names = append(names, v.Name)
	}
	if strings.Join(names, " ") != "X105_DE_time X105_FE_time X105_BA_time X105RPM" {
		t.Errorf("variables %v", names)
	}
	if v := f.Var("X105RPM"); v == nil || !slices.Equal(v.Real, []float64{1797}) || v.Class != ClassDouble {
		t.Errorf("X105RPM = %+v, want double 1797", v)
	}
	if v := f.Var("X105_DE_time"); v == nil || !slices.Equal(v.Dims, []int{121265, 1}) || len(v.Real) != 121265 {
		t.Errorf("X105_DE_time dims %v", v.Dims)
	}
	if !strings.HasPrefix(f.Header, "MATLAB 5.0 MAT-file, Platform: PCWIN") {
		t.Errorf("header %q", f.Header)
	}
}

// FuzzDecode decodes arbitrary bytes under tight limits; it must never
// panic, and what it returns must be consistent.
func FuzzDecode(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join(fixtureDir, "*.mat"))
	if err != nil {
		f.Fatal(err)
	}
	more, err := filepath.Glob(filepath.Join(fixtureDir, "scipy", "*.mat"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range append(seeds, more...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) <= 16<<10 {
			f.Add(b)
		}
	}
	lim := Limits{MaxDecompressed: 8 << 20, MaxValues: 1 << 20, MaxNodes: 1 << 12, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Decode(bytes.NewReader(b), int64(len(b)), &Options{Limits: lim})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error not one line: %q", err)
			}
			return
		}
		var check func([]*Var, int)
		check = func(vs []*Var, depth int) {
			for _, v := range vs {
				if depth > lim.MaxDepth {
					t.Fatalf("%s: depth %d over the limit", v.Path, depth)
				}
				if v.Class.Numeric() && v.Skipped == "" && len(v.Real) != v.Len() {
					t.Fatalf("%s: %d values for dims %v", v.Path, len(v.Real), v.Dims)
				}
				if v.Complex && v.Skipped == "" && len(v.Imag) != len(v.Real) {
					t.Fatalf("%s: %d imaginary values for %d real", v.Path, len(v.Imag), len(v.Real))
				}
				check(v.Fields, depth+1)
				check(v.Cells, depth+1)
			}
		}
		check(file.Vars, 0)
	})
}

// BenchmarkDecodeCWRU decodes all variables of a CWRU file (about 3 MB).
func BenchmarkDecodeCWRU(b *testing.B) {
	path := sharedtest.Path(b, "cwru/105.mat")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(data), int64(len(data)), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAppendValuesNaN checks that special values survive conversion.
func TestAppendValuesNaN(t *testing.T) {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:], math.Float64bits(math.Inf(-1)))
	binary.LittleEndian.PutUint64(b[8:], math.Float64bits(math.NaN()))
	got := appendValues(nil, b[:], miDOUBLE, binary.LittleEndian)
	if !math.IsInf(got[0], -1) || !math.IsNaN(got[1]) {
		t.Errorf("got %v", got)
	}
}
