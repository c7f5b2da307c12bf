package datasets

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readDataOptions are the option sets the ReadData tests read every
// fixture with: as stated, a channel picked by name part, an unknown
// channel, and overrides.
var readDataOptions = []Options{
	{},
	{Channel: "ch1"},
	{Channel: "DE"},
	{Channel: "no-such-channel"},
	{RateHz: 1000, RPM: 1500},
}

// sameRead checks that Read(path) and ReadData(path, its bytes) give the
// same captures, or the same error of the same type, with opts.
func sameRead(t *testing.T, path string, opts Options) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, werr := Read(path, opts)
	got, gerr := ReadData(path, data, opts)
	if (werr == nil) != (gerr == nil) || (werr != nil && (werr.Error() != gerr.Error() || reflect.TypeOf(werr) != reflect.TypeOf(gerr))) {
		t.Fatalf("%s %+v: Read error %v, ReadData error %v", path, opts, werr, gerr)
	}
	if werr == nil && !reflect.DeepEqual(want, got) {
		t.Fatalf("%s %+v: ReadData's captures differ from Read's", path, opts)
	}
	if _, ok := gerr.(*FileError); gerr != nil && !ok {
		t.Errorf("%s: ReadData error %T, want *FileError", path, gerr)
	}
}

// TestReadDataFixtures reads every capture fixture (good and bad, every
// format) with Read and with ReadData and wants identical results.
func TestReadDataFixtures(t *testing.T) {
	var files []string
	for _, dir := range []string{"csv", "wav", "mat", filepath.Join("mat", "scipy"), filepath.Join("manifest", "caps")} {
		matches, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			if isCaptureExt(m) {
				files = append(files, m)
			}
		}
	}
	if len(files) < 40 {
		t.Fatalf("only %d fixtures found", len(files))
	}
	errs := 0
	for _, f := range files {
		for _, o := range readDataOptions {
			sameRead(t, f, o)
			if _, err := Read(f, o); err != nil {
				errs++
			}
		}
	}
	if errs == 0 || errs == len(files)*len(readDataOptions) {
		t.Errorf("%d of %d reads failed: the fixtures should hold good and bad files", errs, len(files)*len(readDataOptions))
	}
	// An unknown extension and an empty file.
	if _, err := ReadData("x.txt", []byte("1\n"), Options{}); err == nil || !strings.HasPrefix(err.Error(), "x.txt: unknown capture format") {
		t.Errorf("unknown format: %v", err)
	}
	for _, ext := range Formats {
		empty := filepath.Join(t.TempDir(), "empty"+ext)
		os.WriteFile(empty, nil, 0o644)
		sameRead(t, empty, Options{})
	}
}

// TestSourceReadData reads every row of the manifest fixture with
// Source.Read and Source.ReadData: the manifest's overrides and fields
// apply the same way.
func TestSourceReadData(t *testing.T) {
	m, err := ReadManifest(filepath.Join("testdata", "manifest", "good.csv"))
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for _, s := range m.Sources() {
		for _, o := range readDataOptions {
			want, werr := s.Read(o)
			data, err := os.ReadFile(s.Path)
			if err != nil {
				if werr == nil {
					t.Fatalf("%s: Read works, the file cannot be read: %v", s.Path, err)
				}
				continue // the fixture's missing file
			}
			got, gerr := s.ReadData(data, o)
			if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
				t.Fatalf("%s %+v: Read error %v, ReadData error %v", s.Path, o, werr, gerr)
			}
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("%s %+v: ReadData's captures differ from Read's", s.Path, o)
			}
			if werr == nil {
				read++
				if got[0].Turbine == "" || len(got[0].Meta) == 0 {
					t.Errorf("%s: manifest fields not applied: %+v", s.Path, got[0])
				}
			}
		}
	}
	if read < 4 {
		t.Errorf("only %d reads succeeded", read)
	}
}

// FuzzReadData checks that ReadData gives what Read gives for a file with
// the same bytes, in every format, and never panics.
func FuzzReadData(f *testing.F) {
	for _, dir := range []string{"csv", "wav", "mat"} {
		matches, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
		for _, m := range matches {
			if !isCaptureExt(m) {
				continue
			}
			info, err := os.Stat(m)
			if err != nil || info.Size() > 64<<10 {
				continue
			}
			data, _ := os.ReadFile(m)
			f.Add(data, strings.ToLower(filepath.Ext(m)), "")
		}
	}
	f.Add([]byte("t,a,b\n0,1,2\n0.001,3,4\n"), ".csv", "b")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, ext, channel string) {
		switch ext {
		case ".csv", ".wav", ".mat":
		default:
			ext = ".csv"
		}
		path := filepath.Join(dir, "capture"+ext)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sameRead(t, path, Options{Channel: channel})
	})
}
