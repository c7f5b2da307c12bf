package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// testTree checks Children, DeleteAll and CreateNew.
func testTree(t *testing.T, s *Store) {
	ctx := context.Background()
	for _, k := range []string{"t/a/1.json", "t/a/2.json", "t/b/x/1.json", "t/c.json", "t/.hidden", "t/.d/1.json", "u/1.json"} {
		put(t, s, k, []byte(k))
	}
	children := func(dir string) []string {
		var out []string
		for c, err := range s.Children(ctx, dir) {
			if err != nil {
				t.Fatalf("Children(%q): %v", dir, err)
			}
			n := c.Name
			if c.Dir {
				n += "/"
			} else if c.Object.Key != dir+c.Name || c.Object.Size != int64(len(c.Object.Key)) {
				t.Errorf("Children(%q): %s has %+v", dir, c.Name, c.Object)
			}
			out = append(out, n)
		}
		return out
	}
	if got, want := children("t/"), []string{"a/", "b/", "c.json"}; !slices.Equal(got, want) {
		t.Errorf("Children(t/) = %q, want %q", got, want)
	}
	if got, want := children("t/a/"), []string{"1.json", "2.json"}; !slices.Equal(got, want) {
		t.Errorf("Children(t/a/) = %q, want %q", got, want)
	}
	if got := children("none/"); len(got) != 0 {
		t.Errorf("Children(none/) = %q, want nothing", got)
	}
	for _, err := range s.Children(ctx, "t") {
		if err == nil {
			t.Error("Children(t) without '/': no error")
		}
	}

	if err := s.DeleteAll(ctx, "t/"); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, s, ""); !slices.Equal(got, []string{"u/1.json"}) {
		t.Errorf("after DeleteAll(t/): %q", got)
	}
	if _, err := s.Stat(ctx, "t/.hidden"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteAll left the hidden t/.hidden (%v)", err)
	}
	if err := s.DeleteAll(ctx, "t/"); err != nil {
		t.Errorf("DeleteAll of nothing: %v", err)
	}

	// Of writers racing for one key exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateNew(ctx, "lock/l", []byte{byte('a' + i)})
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Errorf("CreateNew: writers %d and %d both won", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, ErrExists):
			t.Errorf("CreateNew %d: %v, want ErrExists", i, err)
		}
	}
	if won < 0 {
		t.Fatal("CreateNew: no writer won")
	}
	if b, err := s.ReadAll(ctx, "lock/l"); err != nil || string(b) != string(rune('a'+won)) {
		t.Errorf("lock/l = %q, %v; want the winner's %q", b, err, rune('a'+won))
	}
}

func TestPutFolder(t *testing.T) {
	src := t.TempDir()
	for _, f := range []string{"WT01/gbx/a.wav", "WT01/main/b.wav", "assets.yaml"} {
		p := filepath.Join(src, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.PutFolder(context.Background(), src)
	if err != nil || n != 3 {
		t.Fatalf("PutFolder = %d, %v; want 3", n, err)
	}
	if got, want := keys(t, s, ""), []string{"WT01/gbx/a.wav", "WT01/main/b.wav", "assets.yaml"}; !slices.Equal(got, want) {
		t.Errorf("keys %q, want %q", got, want)
	}
	if b, err := s.ReadAll(context.Background(), "WT01/main/b.wav"); err != nil || string(b) != "WT01/main/b.wav" {
		t.Errorf("WT01/main/b.wav = %q, %v", b, err)
	}
	if _, err := s.PutFolder(context.Background(), filepath.Join(src, "none")); err == nil {
		t.Error("PutFolder of a missing folder: no error")
	}
}
