package datasets

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSources(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b/2.wav", "a/1.mat", "a/.hidden/3.wav", "c/notes.txt", "c/x.csv", "list.csv"} {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte("t,v\n0,1\n"), 0o644)
	}
	// list.csv is a manifest naming one file; it is read when named and
	// skipped in a folder walk.
	os.WriteFile(filepath.Join(dir, "list.csv"), []byte("path,sample_rate_hz\nb/2.wav,100\n"), 0o644)

	srcs, err := Sources([]string{dir}, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range srcs {
		rel, _ := filepath.Rel(dir, s.Path)
		got = append(got, rel)
	}
	want := []string{"a/1.mat", "b/2.wav", "c/x.csv"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("folder walk: %v, want %v", got, want)
	}

	srcs, err = Sources([]string{filepath.Join(dir, "list.csv")}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || srcs[0].Entry == nil || srcs[0].Entry.RateHz != 100 || srcs[0].Path != filepath.Join(dir, "b/2.wav") {
		t.Errorf("manifest: %+v", srcs)
	}

	if _, err := Sources([]string{filepath.Join(dir, "missing.wav")}, ""); err == nil {
		t.Error("want an error for a missing input")
	}
}

func TestMetaColumnsOf(t *testing.T) {
	a := &Manifest{MetaColumns: []MetaColumn{{"load", MetaInteger}, {"site", MetaString}}}
	b := &Manifest{MetaColumns: []MetaColumn{{"load", MetaFloat}, {"depth", MetaInteger}, {"site", MetaInteger}}}
	srcs := []Source{{Path: "x"}, {Manifest: a}, {Manifest: b}, {Manifest: a}}
	got := MetaColumnsOf(srcs)
	want := []MetaColumn{{"load", MetaFloat}, {"site", MetaString}, {"depth", MetaInteger}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MetaColumnsOf = %v, want %v", got, want)
	}
}
