package wav

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// expectedFile is one entry of testdata/expected.json, written by
// testdata/gen.py together with the fixtures.
type expectedFile struct {
	RateHz    int         `json:"rate_hz"`
	Format    string      `json:"format"`
	Channels  int         `json:"channels"`
	Frames    int         `json:"frames"`
	Truncated bool        `json:"truncated"`
	Samples   [][]float64 `json:"samples"`
}

func loadExpected(t testing.TB) (files map[string]expectedFile, errs map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Files  map[string]expectedFile `json:"files"`
		Errors map[string]string       `json:"errors"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e.Files, e.Errors
}

// onlyReader hides Len and file methods so that Read cannot learn the
// input size and must grow its buffers.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestReadFixtures compares every readable fixture with the values the
// Python generator wrote. PCM and float values are exact binary fractions,
// so the comparison is exact (tolerance 0).
func TestReadFixtures(t *testing.T) {
	files, _ := loadExpected(t)
	if len(files) < 15 {
		t.Fatalf("only %d fixtures in expected.json", len(files))
	}
	for name, want := range files {
		path := filepath.Join("testdata", name)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		readers := map[string]func() (*File, error){
			"ReadFile":     func() (*File, error) { return ReadFile(path) },
			"bytes.Reader": func() (*File, error) { return Read(bytes.NewReader(raw)) },
			"io.Reader":    func() (*File, error) { return Read(onlyReader{bytes.NewReader(raw)}) },
			"SectionReader": func() (*File, error) {
				return Read(io.NewSectionReader(bytes.NewReader(raw), 0, int64(len(raw))))
			},
		}
		for how, read := range readers {
			t.Run(name+"/"+how, func(t *testing.T) {
				f, err := read()
				if err != nil {
					t.Fatal(err)
				}
				if f.RateHz != want.RateHz || f.Format.String() != want.Format || f.Channels != want.Channels {
					t.Fatalf("header = %d Hz %v %d ch, want %d Hz %s %d ch", f.RateHz, f.Format, f.Channels, want.RateHz, want.Format, want.Channels)
				}
				if f.Frames() != want.Frames || len(f.Samples) != want.Channels {
					t.Fatalf("%d channels of %d frames, want %d of %d", len(f.Samples), f.Frames(), want.Channels, want.Frames)
				}
				if f.Truncated != want.Truncated {
					t.Errorf("Truncated = %v, want %v", f.Truncated, want.Truncated)
				}
				for c := range want.Samples {
					if len(f.Samples[c]) != want.Frames {
						t.Fatalf("channel %d has %d frames, want %d", c, len(f.Samples[c]), want.Frames)
					}
					for i, v := range want.Samples[c] {
						if f.Samples[c][i] != v {
							t.Fatalf("channel %d frame %d = %v, want %v", c, i, f.Samples[c][i], v)
						}
					}
				}
			})
		}
	}
}

// TestReadErrors checks that every hostile or unsupported fixture gives a
// one-line error that says what is wrong.
func TestReadErrors(t *testing.T) {
	_, errs := loadExpected(t)
	if len(errs) < 15 {
		t.Fatalf("only %d bad fixtures in expected.json", len(errs))
	}
	for name, msg := range errs {
		t.Run(name, func(t *testing.T) {
			_, err := ReadFile(filepath.Join("testdata", name))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), msg) {
				t.Errorf("error %q does not contain %q", err, msg)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
			// The same through a reader that hides its size.
			raw, _ := os.ReadFile(filepath.Join("testdata", name))
			if _, err := Read(onlyReader{bytes.NewReader(raw)}); err == nil || !strings.Contains(err.Error(), msg) {
				t.Errorf("io.Reader: error %v, want %q", err, msg)
			}
		})
	}
}

// TestReadFrames streams a fixture in small odd-sized blocks and compares
// with Read.
func TestReadFrames(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "ext_pcm24_4ch.wav"))
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]float64, d.Channels)
	dst := make([][]float64, d.Channels)
	for c := range dst {
		dst[c] = make([]float64, 7)
	}
	for {
		n, err := d.ReadFrames(dst)
		for c := range got {
			got[c] = append(got[c], dst[c][:n]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for c := range got {
		if len(got[c]) != whole.Frames() {
			t.Fatalf("channel %d: %d frames streamed, %d read", c, len(got[c]), whole.Frames())
		}
		for i := range got[c] {
			if got[c][i] != whole.Samples[c][i] {
				t.Fatalf("channel %d frame %d: %v streamed, %v read", c, i, got[c][i], whole.Samples[c][i])
			}
		}
	}
	if _, err := d.ReadFrames(dst[:1]); err == nil {
		t.Error("ReadFrames with too few destination slices: no error")
	}
}

// TestReadLargeClaimSmallAlloc checks that a header claiming 4 GiB of data
// in a tiny input does not make Read allocate for the claim.
func TestReadLargeClaimSmallAlloc(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, 8000, Float64, make([]float64, 10)); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	i := bytes.Index(raw, []byte("data"))
	copy(raw[i+4:], []byte{0xF0, 0xFF, 0xFF, 0xFF})
	f, err := Read(onlyReader{bytes.NewReader(raw)})
	if err != nil || f.Frames() != 10 || !f.Truncated {
		t.Fatalf("Read = %+v, %v; want 10 frames, truncated", f, err)
	}
	var ms0, ms1 runtimeMem
	ms0.read()
	for range 3 {
		Read(onlyReader{bytes.NewReader(raw)})
	}
	ms1.read()
	if perRead := (ms1.total - ms0.total) / 3; perRead > 4<<20 {
		t.Errorf("Read allocated %d bytes for a 10-frame file claiming 4 GiB", perRead)
	}
}

func TestReadNaNAndInfFloatsAsStored(t *testing.T) {
	in := []float64{math.NaN(), math.Inf(1), math.Copysign(0, -1), 1e300}
	var buf bytes.Buffer
	if err := Write(&buf, 100, Float64, in); err != nil {
		t.Fatal(err)
	}
	f, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got := f.Samples[0]
	if !math.IsNaN(got[0]) || !math.IsInf(got[1], 1) || got[2] != 0 || !math.Signbit(got[2]) || got[3] != 1e300 {
		t.Errorf("got %v, want %v", got, in)
	}
}

var errTest = errors.New("test read error")

type failingReader struct {
	r     io.Reader
	after int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errTest
	}
	p = p[:min(len(p), f.after)]
	n, err := f.r.Read(p)
	f.after -= n
	return n, err
}

func TestReadIOError(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, 100, PCM16, make([]float64, 1000)); err != nil {
		t.Fatal(err)
	}
	_, err := Read(&failingReader{r: &buf, after: 100})
	if !errors.Is(err, errTest) {
		t.Errorf("err = %v, want the reader's error", err)
	}
}

// TestReadManyChannelsSmallAlloc checks that a header with 65535 channels
// over a tiny input of unknown size does not allocate per claimed frame.
func TestReadManyChannelsSmallAlloc(t *testing.T) {
	const nch = 65535
	chans := make([][]float64, nch)
	for c := range chans {
		chans[c] = []float64{0.5, -0.5}
	}
	var buf bytes.Buffer
	if err := Write(&buf, 100, PCM8, chans...); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	i := bytes.Index(raw, []byte("data"))
	copy(raw[i+4:], []byte{0xFF, 0xFF, 0xFF, 0xFF}) // streamed: size left open
	var ms0, ms1 runtimeMem
	ms0.read()
	f, err := Read(onlyReader{bytes.NewReader(raw)})
	ms1.read()
	if err != nil || f.Frames() != 2 || f.Samples[nch-1][1] != -0.5 {
		t.Fatalf("Read = %v frames, %v", f.Frames(), err)
	}
	if got := ms1.total - ms0.total; got > 64<<20 {
		t.Errorf("Read allocated %d MB for %d bytes of input", got>>20, len(raw))
	}
}
