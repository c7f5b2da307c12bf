package datasets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// csvExpected is one readable fixture in testdata/csv/expected.json,
// written by testdata/csv/gen.py.
type csvExpected struct {
	Channels []string    `json:"channels"`
	RateHz   *float64    `json:"rate_hz"`
	RateTol  float64     `json:"rate_tol"`
	Time     string      `json:"time"`
	Samples  [][]float64 `json:"samples"`
}

func loadCSVExpected(t testing.TB) (map[string]csvExpected, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "csv", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Files  map[string]csvExpected `json:"files"`
		Errors map[string]string      `json:"errors"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e.Files, e.Errors
}

// TestReadCSVFixtures compares each readable CSV fixture with the values
// the generator printed (exactly: they are printed in round-trip form)
// and the rate implied by its time column (within the rounding of the
// printed times).
func TestReadCSVFixtures(t *testing.T) {
	files, _ := loadCSVExpected(t)
	if len(files) < 6 {
		t.Fatalf("only %d CSV fixtures", len(files))
	}
	for name, want := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "csv", name)
			var opts Options
			if want.RateHz == nil {
				opts.RateHz = 1234 // no time column: the rate comes from the flag
			}
			caps, err := Read(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(caps) != len(want.Channels) {
				t.Fatalf("%d captures, want %d", len(caps), len(want.Channels))
			}
			for k, c := range caps {
				if c.Channel != want.Channels[k] || c.Path != path || c.Unit != "" {
					t.Errorf("capture %d: channel %q path %q unit %q, want %q %q \"\"", k, c.Channel, c.Path, c.Unit, want.Channels[k], path)
				}
				if want.RateHz == nil {
					if c.RateHz != 1234 {
						t.Errorf("rate %v, want the flag's 1234", c.RateHz)
					}
				} else if math.Abs(c.RateHz-*want.RateHz) > want.RateTol {
					t.Errorf("rate %.9g Hz, want %.9g ± %.3g", c.RateHz, *want.RateHz, want.RateTol)
				}
				var wantTime time.Time
				if want.Time != "" {
					wantTime, _ = time.Parse(time.RFC3339, want.Time)
				}
				if !c.Time.Equal(wantTime) {
					t.Errorf("time %v, want %v", c.Time, wantTime)
				}
				if len(c.Samples) != len(want.Samples[k]) {
					t.Fatalf("%d samples, want %d", len(c.Samples), len(want.Samples[k]))
				}
				for i, v := range want.Samples[k] {
					if c.Samples[i] != v {
						t.Fatalf("sample %d = %v, want %v", i, c.Samples[i], v)
					}
				}
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	_, errs := loadCSVExpected(t)
	if len(errs) < 10 {
		t.Fatalf("only %d bad CSV fixtures", len(errs))
	}
	for name, msg := range errs {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "csv", name)
			_, err := Read(path, Options{RateHz: 100})
			if name == "bad_gap.csv" || name == "bad_time_backwards.csv" || name == "bad_one_row_time.csv" || name == "bad_time_cell.csv" {
				// --rate replaces the time column: these read fine with it.
				if err != nil {
					t.Errorf("with --rate: %v", err)
				}
				_, err = Read(path, Options{})
			}
			if err == nil {
				t.Fatal("no error")
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != path {
				t.Errorf("error %v is not a *FileError naming %s", err, path)
			}
			if !strings.Contains(err.Error(), msg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line containing %q", err, msg)
			}
		})
	}
}

func TestReadCSVChannelAndRate(t *testing.T) {
	path := filepath.Join("testdata", "csv", "header_comma.csv")
	if _, err := Read(path, Options{}); !errors.Is(err, ErrNoRate) {
		t.Errorf("no time column, no --rate: err = %v, want ErrNoRate", err)
	}
	caps, err := Read(path, Options{RateHz: 100, Channel: "acc_y", RPM: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 1 || caps[0].Channel != "acc_y" || caps[0].RPM != 1500 || caps[0].RateHz != 100 {
		t.Errorf("got %+v", caps)
	}
	if _, err := Read(path, Options{RateHz: 100, Channel: "z"}); err == nil || !strings.Contains(err.Error(), "acc_x, acc_y") {
		t.Errorf("unknown channel: err = %v", err)
	}
	// --rate wins over the time column.
	caps, err = Read(filepath.Join("testdata", "csv", "semicolon_time.csv"), Options{RateHz: 11999})
	if err != nil || caps[0].RateHz != 11999 {
		t.Errorf("--rate over a time column: %v, %v", caps, err)
	}
}

func TestDetectDelimiter(t *testing.T) {
	cases := []struct {
		in   string
		want rune
	}{
		{"a,b\n1,2\n", ','},
		{"a;b\n1,5;2,5\n", ';'},
		{"a\tb\n1\t2\n", '\t'},
		{"# x;y;z\n1,2\n3,4\n", ','},
		{"1\n2\n", ','},
		{"", ','},
		{"a,b;c\n1,2;3\n", ';'},
		{"a;b;c\n1;2\n", ';'}, // ragged: the most frequent on line 1
	}
	for _, c := range cases {
		if got := detectDelimiter([]byte(c.in), false); got != c.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIsManifest(t *testing.T) {
	cases := map[string]bool{
		filepath.Join("testdata", "csv", "bad_manifest.csv"): true,
		filepath.Join("testdata", "csv", "header_comma.csv"): false,
		filepath.Join("testdata", "csv", "bad_empty.csv"):    false,
	}
	for path, want := range cases {
		got, err := IsManifest(path)
		if err != nil || got != want {
			t.Errorf("IsManifest(%s) = %v, %v; want %v", path, got, err, want)
		}
	}
	if _, err := IsManifest(filepath.Join("testdata", "csv", "missing.csv")); err == nil {
		t.Error("missing file: no error")
	}
}

// FuzzReadCSV feeds arbitrary text to the CSV capture parser: no panic,
// and any result is consistent.
func FuzzReadCSV(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "csv", "*.csv"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, "")
		}
	}
	f.Add([]byte("time,a,b\n0,1,2\n1,3,4\n"), "b")
	f.Fuzz(func(t *testing.T, data []byte, channel string) {
		caps, err := parseCSV(bytes.NewReader(data), Options{Channel: channel})
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(channel, "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			return
		}
		if len(caps) == 0 {
			t.Fatal("no captures and no error")
		}
		for _, c := range caps {
			if len(c.Samples) != len(caps[0].Samples) || len(c.Samples) == 0 {
				t.Fatal("captures differ in length or are empty")
			}
			if c.RateHz < 0 || math.IsNaN(c.RateHz) || math.IsInf(c.RateHz, 0) {
				t.Fatalf("rate %v", c.RateHz)
			}
			for _, v := range c.Samples {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatal("non-finite sample accepted")
				}
			}
		}
	})
}

// BenchmarkReadCSV parses 10 s of three channels at 25.6 kHz with a time
// column (256,000 rows, about 19 MB of text).
func BenchmarkReadCSV(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("time,de,fe,ba\n")
	for i := range 256000 {
		x := float64(i)
		fmt.Fprintf(&buf, "%.7f,%.17g,%.17g,%.17g\n", x/25600, math.Sin(x/10), math.Cos(x/7), math.Sin(x/3))
	}
	raw := buf.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		caps, err := parseCSV(bytes.NewReader(raw), Options{})
		if err != nil || len(caps) != 3 || math.Abs(caps[0].RateHz-25600) > 1e-3 {
			b.Fatalf("%v %v", caps, err)
		}
	}
}
