package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
)

func TestOpenShared(t *testing.T) {
	ctx := context.Background()
	loc := "file://" + filepath.ToSlash(t.TempDir())
	var wg sync.WaitGroup
	got := make([]*Store, 8)
	for i := range got {
		wg.Go(func() {
			s, err := OpenShared(ctx, loc)
			if err != nil {
				t.Error(err)
			}
			got[i] = s
		})
	}
	wg.Wait()
	for _, s := range got {
		if s == nil || s != got[0] {
			t.Fatalf("OpenShared gave different stores: %p %p", s, got[0])
		}
	}
	missing := "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "missing"))
	if _, err := OpenShared(ctx, missing); !errors.Is(err, ErrNoBucket) {
		t.Errorf("missing folder: %v", err)
	}
	// A failed open is not kept.
	shared.mu.Lock()
	_, kept := shared.stores[missing]
	shared.mu.Unlock()
	if kept {
		t.Error("a failed open was kept")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if s, err := OpenShared(cancelled, loc); err != nil || s != got[0] {
		t.Errorf("an opened location with a cancelled context: %v", err)
	}
}

func TestSplitJoinURL(t *testing.T) {
	for _, c := range []struct{ loc, parent, key string }{
		{"s3://b/scada/WT01.csv?region=x&endpoint=http://h:9000", "s3://b/scada?region=x&endpoint=http://h:9000", "WT01.csv"},
		{"s3://b/a.csv", "s3://b", "a.csv"},
		{"s3://b/scada/", "s3://b", "scada"},
		{"s3://b", "s3://b", ""},
		{"s3://b/", "s3://b/", ""},
		{"gs://b/x/y/z%20w.csv", "gs://b/x/y", "z w.csv"},
		{"file:///tmp/x/a.csv?no_tmp_dir=true", "file:///tmp/x?no_tmp_dir=true", "a.csv"},
		{"file:///a.csv", "file:///", "a.csv"},
	} {
		parent, key, err := SplitURL(c.loc)
		if err != nil || parent != c.parent || key != c.key {
			t.Errorf("SplitURL(%q) = %q, %q, %v; want %q, %q", c.loc, parent, key, err, c.parent, c.key)
			continue
		}
		if key == "" {
			continue
		}
		back, err := JoinURL(parent, key)
		if err != nil {
			t.Fatal(err)
		}
		p2, k2, _ := SplitURL(back)
		if p2 != parent || k2 != key {
			t.Errorf("JoinURL(%q, %q) = %q does not split back", parent, key, back)
		}
	}
	for _, bad := range []string{"s3://b/%zz", "scada/x.csv"} {
		if _, _, err := SplitURL(bad); err == nil {
			t.Errorf("SplitURL(%q): no error", bad)
		}
	}
	if got := DisplayURL("s3://u:secret@b/p?endpoint=x"); got != "s3://u@b/p" {
		t.Errorf("DisplayURL = %q", got)
	}
	if got := DisplayURL("rel/path"); got != "rel/path" {
		t.Errorf("DisplayURL of a path = %q", got)
	}
}
