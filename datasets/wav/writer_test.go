package wav

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var allFormats = []Format{PCM8, PCM16, PCM24, PCM32, Float32, Float64}

// testSignal returns n samples of a sine plus a slower sine, within
// [-0.95, 0.95] scaled by amp.
func testSignal(n int, f1, f2, amp float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		t := float64(i) / float64(n)
		x[i] = amp * (0.6*math.Sin(2*math.Pi*f1*t) + 0.35*math.Cos(2*math.Pi*f2*t+0.3))
	}
	return x
}

// TestRoundTrip writes every format with one to five channels and reads
// it back. Tolerance: half a quantisation step, 2^-b, for PCM (the writer
// rounds to nearest); exact for Float64; float32 rounding for Float32.
func TestRoundTrip(t *testing.T) {
	const n = 1001 // odd, so PCM8 mono needs a pad byte
	for _, f := range allFormats {
		for nch := 1; nch <= 5; nch++ {
			chans := make([][]float64, nch)
			for c := range chans {
				chans[c] = testSignal(n, float64(3+c), float64(11+2*c), 1-0.1*float64(c))
			}
			var buf bytes.Buffer
			if err := Write(&buf, 12800, f, chans...); err != nil {
				t.Fatalf("%v %d ch: %v", f, nch, err)
			}
			if buf.Len()%2 != 0 {
				t.Errorf("%v %d ch: file of %d bytes is not padded to even", f, nch, buf.Len())
			}
			got, err := Read(&buf)
			if err != nil {
				t.Fatalf("%v %d ch: %v", f, nch, err)
			}
			if got.Format != f || got.Channels != nch || got.RateHz != 12800 || got.Frames() != n || got.Truncated {
				t.Fatalf("%v %d ch: read %v %d ch %d Hz %d frames truncated=%v", f, nch, got.Format, got.Channels, got.RateHz, got.Frames(), got.Truncated)
			}
			tol := 0.0
			if !f.IsFloat() {
				tol = math.Ldexp(1, -f.Bits()) * (1 + 1e-9)
			}
			for c := range chans {
				for i, v := range chans[c] {
					want := v
					if f == Float32 {
						want = float64(float32(v))
					}
					if d := math.Abs(got.Samples[c][i] - want); d > tol {
						t.Fatalf("%v %d ch: channel %d frame %d = %v, want %v ± %g", f, nch, c, i, got.Samples[c][i], want, tol)
					}
				}
			}
		}
	}
}

// TestWriteClips checks the [-1, 1) full-scale convention at the edges.
func TestWriteClips(t *testing.T) {
	in := []float64{1, 2, -1, -3, math.NaN(), 0.5, -0.5}
	for _, f := range []Format{PCM8, PCM16, PCM24, PCM32} {
		var buf bytes.Buffer
		if err := Write(&buf, 1000, f, in); err != nil {
			t.Fatal(err)
		}
		got, err := Read(&buf)
		if err != nil {
			t.Fatal(err)
		}
		top := 1 - math.Ldexp(1, 1-f.Bits())
		want := []float64{top, top, -1, -1, 0, 0.5, -0.5}
		for i := range want {
			if got.Samples[0][i] != want[i] {
				t.Errorf("%v: %v read back as %v, want %v", f, in[i], got.Samples[0][i], want[i])
			}
		}
	}
}

func TestWriteErrors(t *testing.T) {
	x := make([]float64, 4)
	cases := []struct {
		name   string
		rate   int
		format Format
		chans  [][]float64
		msg    string
	}{
		{"no channels", 100, PCM16, nil, "0 channels"},
		{"ragged", 100, PCM16, [][]float64{x, x[:3]}, "channel 1 has 3 samples"},
		{"rate 0", 0, PCM16, [][]float64{x}, "sample rate 0"},
		{"negative rate", -5, PCM16, [][]float64{x}, "sample rate -5"},
		{"bad format", 100, Format(99), [][]float64{x}, "unknown format"},
		{"frame too big", 100, Float64, make([][]float64, 9000), "frame"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		err := Write(&buf, c.rate, c.format, c.chans...)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.msg)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	x := testSignal(100, 2, 5, 0.5)
	if err := WriteFile(path, 2000, PCM24, x, x); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil || f.Frames() != 100 || f.Channels != 2 {
		t.Fatalf("ReadFile = %+v, %v", f, err)
	}
	before, _ := os.ReadFile(path)
	// A failing write leaves the old file intact and no temporary file.
	if err := WriteFile(path, 2000, PCM24, x, x[:5]); err == nil {
		t.Fatal("ragged channels: no error")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("failed WriteFile changed the existing file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after a failed write, want 1", len(entries))
	}
	if err := WriteFile(filepath.Join(dir, "missing", "b.wav"), 2000, PCM16, x); err == nil {
		t.Error("missing folder: no error")
	}
}

func BenchmarkRead(b *testing.B) {
	// 10 s of three channels at 25.6 kHz, 24-bit: a typical capture.
	const n = 256000
	chans := [][]float64{testSignal(n, 100, 7, 0.5), testSignal(n, 200, 9, 0.5), testSignal(n, 300, 11, 0.5)}
	var buf bytes.Buffer
	if err := Write(&buf, 25600, PCM24, chans...); err != nil {
		b.Fatal(err)
	}
	raw := buf.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	const n = 256000
	chans := [][]float64{testSignal(n, 100, 7, 0.5), testSignal(n, 200, 9, 0.5), testSignal(n, 300, 11, 0.5)}
	var buf bytes.Buffer
	b.ReportAllocs()
	b.SetBytes(n * 3 * 3)
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, 25600, PCM24, chans...); err != nil {
			b.Fatal(err)
		}
	}
}
