package scanstate

import (
	"context"
	"errors"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/internal/s3test"
)

// The commit protocol and the leases on buckets: fileblob (file://) in
// every run, a real S3 server (MinIO, internal/s3test) where one starts.

func fileblobStore(t *testing.T) *store.Store {
	t.Helper()
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(t.TempDir()), RawQuery: "no_tmp_dir=true&metadata=skip"}
	st, err := store.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func s3Store(t *testing.T) *store.Store {
	t.Helper()
	srv := s3test.Start(t)
	srv.SetEnv(t)
	st, err := store.Open(context.Background(), srv.URL(srv.Bucket(t), "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestBucketState(t *testing.T) {
	t.Run("fileblob", func(t *testing.T) { testBucketState(t, fileblobStore(t)) })
	t.Run("s3", func(t *testing.T) { testBucketState(t, s3Store(t)) })
}

func TestBucketLease(t *testing.T) {
	t.Run("fileblob", func(t *testing.T) { testBucketLease(t, fileblobStore(t)) })
	t.Run("s3", func(t *testing.T) { testBucketLease(t, s3Store(t)) })
}

func putObject(t *testing.T, st *store.Store, key string) {
	t.Helper()
	if err := st.WriteFile(context.Background(), key, func(w io.Writer) error {
		_, err := io.WriteString(w, key)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func objects(t *testing.T, st *store.Store, prefix string) []string {
	t.Helper()
	var out []string
	for o, err := range st.List(context.Background(), prefix) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o.Key)
	}
	return out
}

// testBucketState commits chunks, interrupts one (pending.json and a
// written partition, no journal) and checks that Open rolls it back, that
// a shard's rebuild clears only its turbines, and that the whole rebuild
// clears everything.
func testBucketState(t *testing.T, st *store.Store) {
	ctx := context.Background()
	cfg := Config{Version: Version, Fingerprint: "f"}
	s, err := Open(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"turbine=A", "turbine=B"} {
		tu, err := s.Turbine(key)
		if err != nil {
			t.Fatal(err)
		}
		f := "features/" + key + "/date=2025-03-01/part-00000001.parquet"
		seq, err := tu.Begin([]string{f})
		if err != nil {
			t.Fatal(err)
		}
		putObject(t, st, f)
		if err := tu.Commit(Chunk{Seq: seq, Captures: []Capture{{Path: key + "/x.wav", Rows: 1}}, Files: []string{f}}, cfg); err != nil {
			t.Fatal(err)
		}
	}
	gen, err := s.Generation()
	if err != nil {
		t.Fatal(err)
	}
	// Interrupted: A's chunk 2 began and wrote its file, no journal.
	tu, err := s.Turbine("turbine=A")
	if err != nil {
		t.Fatal(err)
	}
	half := "features/turbine=A/date=2025-03-02/part-00000002.parquet"
	if _, err := tu.Begin([]string{half}); err != nil {
		t.Fatal(err)
	}
	putObject(t, st, half)

	s, err = Open(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.RolledBack, []string{half}) {
		t.Errorf("RolledBack = %q, want %q", s.RolledBack, half)
	}
	if g, err := s.Generation(); err != nil || g != gen {
		t.Errorf("Generation after roll-back = %s, %v; want %s", g, err, gen)
	}
	want := []string{
		"features/turbine=A/date=2025-03-01/part-00000001.parquet",
		"features/turbine=B/date=2025-03-01/part-00000001.parquet",
	}
	if got := objects(t, st, "features/"); !slices.Equal(got, want) {
		t.Errorf("features after roll-back = %q, want %q", got, want)
	}
	if _, err := st.Stat(ctx, ".windpm/turbines/turbine=A/pending.json"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("pending.json left after roll-back (%v)", err)
	}
	if tu, err := s.Turbine("turbine=A"); err != nil || tu.Seq != 1 || len(tu.Captures) != 1 {
		t.Errorf("turbine A after roll-back: %+v, %v", tu, err)
	}

	// A shard owning B rebuilds: A stays.
	owns := func(k string) bool { return k == "turbine=B" }
	if _, err := Open(ctx, st, Options{Shard: "shard=2-of-2", Owns: owns, Rebuild: true}); err != nil {
		t.Fatal(err)
	}
	if got := objects(t, st, "features/"); !slices.Equal(got, want[:1]) {
		t.Errorf("features after shard 2's rebuild = %q, want %q", got, want[:1])
	}
	if keys, err := s.TurbineKeys(); err != nil || !slices.Equal(keys, []string{"turbine=A"}) {
		t.Errorf("turbines after shard 2's rebuild = %q, %v", keys, err)
	}
	// The whole rebuild.
	if _, err := Open(ctx, st, Options{Rebuild: true}); err != nil {
		t.Fatal(err)
	}
	if got := objects(t, st, ""); len(got) != 0 {
		t.Errorf("after --rebuild: %q", got)
	}
	if got := objects(t, st, StateDir+"/"); len(got) != 0 {
		t.Errorf("state after --rebuild: %q", got)
	}
}

// testBucketLease: one holder at a time; shards beside each other but not
// beside a whole-fleet scan; a lease left by a dead scan is taken over
// once it expires; a live one is renewed.
func testBucketLease(t *testing.T, st *store.Store) {
	ctx := context.Background()
	defer func(lt, lr time.Duration) { LeaseTime, LeaseRenew = lt, lr }(LeaseTime, LeaseRenew)
	LeaseTime, LeaseRenew = 1500*time.Millisecond, 250*time.Millisecond

	whole, err := Acquire(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	var le *LockedError
	if _, err := Acquire(ctx, st, ""); !errors.As(err, &le) || le.Holder.Expires.IsZero() {
		t.Fatalf("second whole-fleet Acquire: %v, want a LockedError naming the lease", err)
	}
	if _, err := Acquire(ctx, st, "shard=1-of-2"); !errors.As(err, &le) {
		t.Fatalf("shard beside a whole-fleet scan: %v, want a LockedError", err)
	}
	// Renewed: still held after twice the lease time.
	time.Sleep(2 * LeaseTime)
	if _, err := Acquire(ctx, st, ""); !errors.As(err, &le) {
		t.Fatalf("Acquire after %v of a renewed lease: %v, want a LockedError", 2*LeaseTime, err)
	}
	if err := whole.Release(); err != nil {
		t.Fatal(err)
	}
	s1, err := Acquire(ctx, st, "shard=1-of-2")
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Acquire(ctx, st, "shard=2-of-2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(ctx, st, "shard=2-of-2"); !errors.As(err, &le) {
		t.Fatalf("shard 2 twice: %v, want a LockedError", err)
	}
	if _, err := Acquire(ctx, st, ""); !errors.As(err, &le) {
		t.Fatalf("whole-fleet beside shards: %v, want a LockedError", err)
	}
	// The failed whole-fleet attempt left no lease of its own.
	if _, err := st.Stat(ctx, StateDir+"/lock"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused Acquire left %s/lock (%v)", StateDir, err)
	}
	for _, l := range []*Lock{s1, s2} {
		if err := l.Release(); err != nil {
			t.Fatal(err)
		}
	}

	// A dead scan's lease: written, never renewed.
	now := time.Now().UTC()
	dead := `{"pid":4242,"host":"gone","since":"` + now.Format(time.RFC3339) + `","expires":"` + now.Add(time.Second).Format(time.RFC3339) + `"}`
	if err := st.CreateNew(ctx, StateDir+"/lock", []byte(dead)); err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(ctx, st, ""); !errors.As(err, &le) || le.Holder.PID != 4242 {
		t.Fatalf("Acquire on a live lease: %v, want pid 4242's LockedError", err)
	}
	time.Sleep(1500 * time.Millisecond)
	l, err := Acquire(ctx, st, "")
	if err != nil {
		t.Fatalf("Acquire on an expired lease: %v", err)
	}
	if l.Stale == nil || l.Stale.PID != 4242 {
		t.Errorf("Stale = %+v, want pid 4242", l.Stale)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if got := objects(t, st, StateDir+"/"); len(got) != 0 {
		t.Errorf("left after Release: %q", got)
	}
}

// TestFileblobTempInJournal: fileblob with no_tmp_dir writes an object
// through "NAME.<hex>.tmp" beside it, which a killed writer leaves and
// listings show; the journal must read past it (and remove it) as it does
// past a local folder's temporary files.
func TestFileblobTempInJournal(t *testing.T) {
	ctx := context.Background()
	st := fileblobStore(t)
	s, err := Open(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tu, err := s.Turbine("turbine=A")
	if err != nil {
		t.Fatal(err)
	}
	seq, err := tu.Begin(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tu.Commit(Chunk{Seq: seq}, Config{Version: Version, Fingerprint: "f"}); err != nil {
		t.Fatal(err)
	}
	left := ".windpm/turbines/turbine=A/journal/00000002.json.18a2b3c4d5e6f708.tmp"
	putObject(t, st, left)
	if _, err := Open(ctx, st, Options{}); err != nil {
		t.Fatalf("Open with a fileblob temporary file in the journal: %v", err)
	}
	if tu, err = s.Turbine("turbine=A"); err != nil || tu.Seq != 1 {
		t.Fatalf("Turbine = %+v, %v; want seq 1", tu, err)
	}
	if _, err := st.Stat(ctx, left); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the temporary file is still there (%v)", err)
	}
}
