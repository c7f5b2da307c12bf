package datasets

import (
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets/sharedtest"

	"github.com/windpm/windpm/datasets/mat"
)

// matFixture returns the path of a fixture written by testdata/mat/gen.py.
func matFixture(name string) string { return filepath.Join("testdata", "mat", name) }

// TestReadMATCWRU reads every file of the CWRU catalog as the catalog (a
// capture manifest) describes it and checks the sample count and rpm.
func TestReadMATCWRU(t *testing.T) {
	dir, rows := sharedtest.CWRUCatalog(t)
	for _, row := range rows {
		rate, _ := strconv.ParseFloat(row["sample_rate_hz"], 64)
		rpm, _ := strconv.ParseFloat(row["rpm"], 64)
		samples, _ := strconv.Atoi(row["samples"])
		record, _ := strconv.Atoi(row["cwru_file"])
		path := filepath.Join(dir, row["path"])
		caps, err := Read(path, Options{Channel: "DE", RateHz: rate})
		if err != nil {
			t.Errorf("%s: %v", row["path"], err)
			continue
		}
		if len(caps) != 1 {
			t.Errorf("%s: %d captures, want 1", row["path"], len(caps))
			continue
		}
		c := caps[0]
		if len(c.Samples) != samples || !strings.HasSuffix(c.Channel, "_DE_time") || c.RateHz != rate {
			t.Errorf("%s: channel %s, %d samples at %g Hz; want *_DE_time, %d at %g", row["path"], c.Channel, len(c.Samples), c.RateHz, samples, rate)
		}
		wantRPM := rpm
		if record >= 3001 && record <= 3008 {
			wantRPM = 0 // no XNNNRPM variable: the catalog's rpm is nominal
		}
		if c.RPM != wantRPM {
			t.Errorf("%s: rpm %g, want %g", row["path"], c.RPM, wantRPM)
		}
	}
}

// TestReadMATCWRU97 checks record 97's DE channel against scipy's reading
// (testdata/mat/cwru97.json) and the README's statistics table.
func TestReadMATCWRU97(t *testing.T) {
	path := sharedtest.Path(t, "cwru/97.mat")
	var ref struct {
		Channel  string    `json:"channel"`
		Samples  int       `json:"samples"`
		Head     []float64 `json:"head"`
		RMS      float64   `json:"rms"`
		Kurtosis float64   `json:"kurtosis_pearson"`
		RPM      float64   `json:"rpm"`
	}
	b, err := os.ReadFile(matFixture("cwru97.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	caps, err := Read(path, Options{Channel: "DE", RateHz: 48000})
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 1 {
		t.Fatalf("%d captures, want 1", len(caps))
	}
	c := caps[0]
	if c.Channel != ref.Channel || len(c.Samples) != ref.Samples || c.RPM != ref.RPM || c.RateHz != 48000 {
		t.Fatalf("got %s, %d samples, %g rpm, %g Hz; want %s, %d, %g, 48000", c.Channel, len(c.Samples), c.RPM, c.RateHz, ref.Channel, ref.Samples, ref.RPM)
	}
	for i, want := range ref.Head {
		if c.Samples[i] != want { // both are the stored float64, bit for bit
			t.Errorf("sample %d = %v, want %v", i, c.Samples[i], want)
		}
	}
	// RMS with DC; Pearson kurtosis m4/m2² about the mean (normal = 3).
	var sum, sq float64
	for _, x := range c.Samples {
		sum += x
		sq += x * x
	}
	n := float64(len(c.Samples))
	mean := sum / n
	var m2, m4 float64
	for _, x := range c.Samples {
		d := (x - mean) * (x - mean)
		m2 += d
		m4 += d * d
	}
	rms := math.Sqrt(sq / n)
	kurt := (m4 / n) / ((m2 / n) * (m2 / n))
	for _, chk := range []struct {
		what      string
		got, want float64
		relTol    float64
	}{
		{"RMS vs README", rms, 0.07376, 1e-3},
		{"kurtosis vs README", kurt, 2.764, 1e-3},
		{"RMS vs scipy", rms, ref.RMS, 1e-12},
		{"kurtosis vs scipy", kurt, ref.Kurtosis, 1e-9},
	} {
		if math.Abs(chk.got-chk.want) > chk.relTol*math.Abs(chk.want) {
			t.Errorf("%s: %.9g, want %.9g (relative tolerance %g)", chk.what, chk.got, chk.want, chk.relTol)
		}
	}
}

// TestReadMATFixtures reads the savemat fixtures (uncompressed and
// compressed) and the hand-crafted ones into captures.
func TestReadMATFixtures(t *testing.T) {
	const fs = 1000.0
	sine := func(i int) float64 { return 2 * math.Sin(2*math.Pi*50*float64(i)/fs) }
	cosine := func(i int) float64 { return 0.5 * math.Cos(2*math.Pi*125*float64(i)/fs) }
	gs := func(i int) float64 { return 3 * math.Sin(2*math.Pi*100*float64(i)/2048) }
	allChannels := []string{
		"sine", "pair[1]", "pair[2]", "bearing.gs", "i8", "u8", "i16", "u16", "i32", "u32",
		"i64", "u64", "f32", "cellv{1}", "cellv{3}[1]", "cellv{3}[2]", "sarr(1).x", "sarr(2).x", "nested.inner.v", "rig.acc.x",
	}
	type want struct {
		channel string
		n       int
		rate    float64
		rpm     float64
		unit    string
		value   func(int) float64 // nil: not checked
	}
	tests := []struct {
		file    string
		channel string
		rate    float64
		want    []want
	}{
		{"basic.mat", "sine", 0, []want{{"sine", 256, fs, 1500, "g", sine}}},
		{"compressed.mat", "sine", 0, []want{{"sine", 256, fs, 1500, "g", sine}}},
		{"basic.mat", "pair", 0, []want{{"pair[1]", 256, fs, 1500, "g", sine}, {"pair[2]", 256, fs, 1500, "g", cosine}}},
		{"compressed.mat", "pair[2]", 0, []want{{"pair[2]", 256, fs, 1500, "g", cosine}}},
		// The struct's own sr, rpm and unit win over the top-level ones.
		{"basic.mat", "gs", 0, []want{{"bearing.gs", 128, 2048, 1200, "m/s2", gs}}},
		{"compressed.mat", "bearing.gs", 0, []want{{"bearing.gs", 128, 2048, 1200, "m/s2", gs}}},
		{"basic.mat", "i16", 0, []want{{"i16", 5, fs, 1500, "g", func(i int) float64 { return []float64{-32768, -1, 0, 1, 32767}[i] }}}},
		{"compressed.mat", "u8", 0, []want{{"u8", 4, fs, 1500, "g", func(i int) float64 { return []float64{0, 1, 200, 255}[i] }}}},
		{"basic.mat", "f32", 0, []want{{"f32", 3, fs, 1500, "g", func(i int) float64 { return float64([]float32{1.5, -2.25, 0.1}[i]) }}}},
		// Fs and RPM (any case) one struct up, units beside the signal.
		{"compressed.mat", "rig.acc.x", 0, []want{{"rig.acc.x", 8, 512, 900, "mm/s", func(i int) float64 { return float64(i) }}}},
		{"basic.mat", "sarr(2).x", 0, []want{{"sarr(2).x", 2, fs, 1500, "g", func(i int) float64 { return float64(4 + i) }}}},
		{"bigendian.mat", "gs", 0, []want{{"bearing.gs", 4, 256, 1796, "", func(i int) float64 { return []float64{0.5, -0.5, 0.25, -0.25}[i] }}}},
		{"bigendian.mat", "x", 99, []want{{"x", 4, 99, 1796, "", func(i int) float64 { return []float64{1, -2, 3.5, 1e300}[i] }}}},
		{"cwrulike.mat", "DE", 12000, []want{{"X001_DE_time", 16, 12000, 1796, "", func(i int) float64 { return 0.001 * float64(i) * math.Pow(-1, float64(i)) }}}},
		{"bigendian_z.mat", "", 10, []want{{"a", 3, 10, 0, "", nil}, {"b", 2, 10, 0, "", nil}}},
	}
	for _, tt := range tests {
		caps, err := Read(matFixture(tt.file), Options{Channel: tt.channel, RateHz: tt.rate})
		if err != nil {
			t.Errorf("%s %q: %v", tt.file, tt.channel, err)
			continue
		}
		if len(caps) != len(tt.want) {
			t.Errorf("%s %q: %d captures, want %d", tt.file, tt.channel, len(caps), len(tt.want))
			continue
		}
		for k, w := range tt.want {
			c := caps[k]
			if c.Channel != w.channel || len(c.Samples) != w.n || c.RateHz != w.rate || c.RPM != w.rpm || c.Unit != w.unit {
				t.Errorf("%s %q: got %s n=%d %g Hz %g rpm unit %q; want %s n=%d %g Hz %g rpm unit %q",
					tt.file, tt.channel, c.Channel, len(c.Samples), c.RateHz, c.RPM, c.Unit, w.channel, w.n, w.rate, w.rpm, w.unit)
				continue
			}
			if w.value == nil {
				continue
			}
			for i, x := range c.Samples {
				if math.Abs(x-w.value(i)) > 1e-12*math.Max(1, math.Abs(w.value(i))) {
					t.Errorf("%s %s[%d] = %v, want %v (tolerance 1e-12)", tt.file, c.Channel, i, x, w.value(i))
					break
				}
			}
		}
	}

	// Without --channel, every channel in file order.
	for _, file := range []string{"basic.mat", "compressed.mat"} {
		caps, err := Read(matFixture(file), Options{})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var got []string
		for _, c := range caps {
			got = append(got, c.Channel)
		}
		if strings.Join(got, " ") != strings.Join(allChannels, " ") {
			t.Errorf("%s channels:\n got %v\nwant %v", file, got, allChannels)
		}
	}
}

// TestReadMATErrors checks that bad files and channel patterns give
// one-line errors naming the file and the problem.
func TestReadMATErrors(t *testing.T) {
	tests := []struct {
		file, channel string
		is            error
		contains      []string
	}{
		{"v73.mat", "", mat.ErrV73, []string{"v73.mat: ", "v7.3", "-v7"}},
		{"v73sig.mat", "", mat.ErrV73, []string{"v7.3"}},
		{"v4.mat", "", mat.ErrV4, []string{"v4"}},
		{"badtype.mat", "DE", nil, []string{"badtype.mat: variable X105_DE_time: ", "unsupported storage type 20"}},
		{"truncated.mat", "", mat.ErrTruncated, []string{"variable sine: truncated"}},
		{"truncated_z.mat", "sine", mat.ErrTruncated, []string{"variable sine: truncated"}},
		{"lying_big_z.mat", "", mat.ErrTruncated, []string{"variable sig"}},
		{"textonly.mat", "", nil, []string{"no numeric vector", "unit (mxCHAR 1×1)"}},
		{"basic.mat", "nosuch", nil, []string{`no channel "nosuch"`, "bearing.gs"}},
		{"cwrulike.mat", "DE", ErrNoRate, []string{"cwrulike.mat: "}},
		{"absent.mat", "", fs.ErrNotExist, []string{"absent.mat: open: "}},
	}
	for _, tt := range tests {
		_, err := Read(matFixture(tt.file), Options{Channel: tt.channel})
		if err == nil {
			t.Errorf("%s: no error", tt.file)
			continue
		}
		msg := err.Error()
		var fe *FileError
		if !errors.As(err, &fe) || strings.Contains(msg, "\n") {
			t.Errorf("%s: want a one-line *FileError, got %T %q", tt.file, err, msg)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: %q does not wrap %v", tt.file, msg, tt.is)
		}
		for _, s := range tt.contains {
			if !strings.Contains(msg, s) {
				t.Errorf("%s: error %q does not contain %q", tt.file, msg, s)
			}
		}
	}
}

// BenchmarkReadMATCWRU reads the DE channel of a CWRU file as the CLI does.
func BenchmarkReadMATCWRU(b *testing.B) {
	path := sharedtest.Path(b, "cwru/105.mat")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(path, Options{Channel: "DE", RateHz: 12000}); err != nil {
			b.Fatal(err)
		}
	}
}
