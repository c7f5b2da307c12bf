package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The behaviour every backend must have, run against a local folder,
// fileblob and (store_s3_test.go) a real S3 server.

// content returns n deterministic pseudo-random bytes.
func content(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func put(t *testing.T, s *Store, key string, data []byte) {
	t.Helper()
	if err := s.WriteFile(context.Background(), key, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func keys(t *testing.T, s *Store, prefix string) []string {
	t.Helper()
	var out []string
	for o, err := range s.List(context.Background(), prefix) {
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		out = append(out, o.Key)
	}
	return out
}

// testReadWrite writes objects and reads them back whole, as a stream, in
// ranges and at random offsets.
func testReadWrite(t *testing.T, s *Store) {
	ctx := context.Background()
	data := content(2*BlockSize+12345, 1) // crosses ReaderAt blocks
	put(t, s, "rw/big.bin", data)
	put(t, s, "rw/empty.bin", nil)

	got, err := s.ReadAll(ctx, "rw/big.bin")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("ReadAll: %d bytes (want %d), equal=%v, err %v", len(got), len(data), bytes.Equal(got, data), err)
	}
	if got, err := s.ReadAll(ctx, "rw/empty.bin"); err != nil || len(got) != 0 {
		t.Fatalf("ReadAll(empty) = %d bytes, %v", len(got), err)
	}
	st, err := s.Stat(ctx, "rw/big.bin")
	if err != nil || st.Size != int64(len(data)) || st.ModTime.IsZero() {
		t.Fatalf("Stat = %+v, %v", st, err)
	}

	r, err := s.Open(ctx, "rw/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	if r.Size() != int64(len(data)) {
		t.Errorf("Reader.Size = %d, want %d", r.Size(), len(data))
	}
	streamed, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(streamed, data) {
		t.Fatalf("stream: %d bytes, %v", len(streamed), err)
	}

	for _, c := range []struct{ off, n int64 }{
		{0, 10}, {1000, 5000}, {int64(len(data)) - 7, 7}, {int64(len(data)) - 7, 100}, {5, -1},
	} {
		rc, err := s.OpenRange(ctx, "rw/big.bin", c.off, c.n)
		if err != nil {
			t.Fatalf("OpenRange(%d, %d): %v", c.off, c.n, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		end := int64(len(data))
		if c.n >= 0 {
			end = min(end, c.off+c.n)
		}
		if err != nil || !bytes.Equal(got, data[c.off:end]) {
			t.Errorf("OpenRange(%d, %d): %d bytes (want %d), %v", c.off, c.n, len(got), end-c.off, err)
		}
	}

	ra, err := s.OpenReaderAt(ctx, "rw/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer ra.Close()
	if ra.Size() != int64(len(data)) {
		t.Errorf("ReaderAt.Size = %d", ra.Size())
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 60 {
		n := 1 + rng.IntN(64)
		switch i % 3 {
		case 1:
			n = 1 + rng.IntN(3*BlockSize/2) // larger than a block, or across two
		case 2:
			n = BlockSize // exactly a block, mostly unaligned
		}
		off := rng.Int64N(int64(len(data)))
		p := make([]byte, n)
		m, err := ra.ReadAt(p, off)
		want := data[off:min(int64(len(data)), off+int64(n))]
		if m != len(want) || !bytes.Equal(p[:m], want) {
			t.Fatalf("ReadAt(%d bytes at %d) = %d bytes, equal=%v, err %v", n, off, m, bytes.Equal(p[:m], want), err)
		}
		if (m < n) != (err == io.EOF) {
			t.Fatalf("ReadAt(%d bytes at %d) = %d, %v: io.EOF exactly when short", n, off, m, err)
		}
	}
	if n, err := ra.ReadAt(make([]byte, 4), int64(len(data))); n != 0 || err != io.EOF {
		t.Errorf("ReadAt at the end = %d, %v; want 0, io.EOF", n, err)
	}
}

// testAtomic checks that an object is invisible until Commit, that Abort
// leaves nothing (or the old object), and that a failing WriteFile does
// not replace anything.
func testAtomic(t *testing.T, s *Store) {
	ctx := context.Background()
	w, err := s.Create(ctx, "atomic/new.bin")
	if err != nil {
		t.Fatal(err)
	}
	data := content(100_000, 2)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, "atomic/new.bin"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat before Commit: err = %v, want not found", err)
	}
	if k := keys(t, s, "atomic/"); len(k) != 0 {
		t.Errorf("listed before Commit: %q", k)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ReadAll(ctx, "atomic/new.bin"); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("after Commit: %d bytes, %v", len(got), err)
	}
	if err := w.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	w.Abort() // after Commit: nothing happens

	// Abort of a new object: nothing is left.
	w, err = s.Create(ctx, "atomic/aborted.bin")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(content(50_000, 3))
	w.Abort()
	w.Abort()
	if _, err := s.Stat(ctx, "atomic/aborted.bin"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after Abort: err = %v, want not found", err)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("Write after Abort succeeded")
	}

	// Replacing: readers see the old object until Commit; Abort keeps it.
	w, err = s.Create(ctx, "atomic/new.bin")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("replacement"))
	if got, _ := s.ReadAll(ctx, "atomic/new.bin"); !bytes.Equal(got, data) {
		t.Errorf("old object changed before Commit (%d bytes)", len(got))
	}
	w.Abort()
	if got, _ := s.ReadAll(ctx, "atomic/new.bin"); !bytes.Equal(got, data) {
		t.Errorf("old object changed by Abort (%d bytes)", len(got))
	}

	// A failing WriteFile leaves the old object and names it.
	boom := errors.New("boom")
	err = s.WriteFile(ctx, "atomic/new.bin", func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), s.URL("atomic/new.bin")+": ") {
		t.Errorf("WriteFile error = %v, want boom naming the object", err)
	}
	if got, _ := s.ReadAll(ctx, "atomic/new.bin"); !bytes.Equal(got, data) {
		t.Errorf("old object changed by a failed WriteFile (%d bytes)", len(got))
	}
	if k := keys(t, s, "atomic/"); !slices.Equal(k, []string{"atomic/new.bin"}) {
		t.Errorf("atomic/ lists %q, want only atomic/new.bin", k)
	}
}

// listLayout is the set of keys testList writes: a fleet-like layout with
// the orderings that trip a folder walk ("a-b" sorts before "a/"), hidden
// elements, and a prefix that ends inside a name.
var listLayout = []string{
	"fleet/WT01/gbx/20250301T020000Z.wav",
	"fleet/WT01/gbx/20250301T030000Z.wav",
	"fleet/WT01/main/20250301T020000Z.mat",
	"fleet/WT01-old/gbx/x.wav",
	"fleet/WT010/gbx/y.wav",
	"fleet/WT01.csv",
	"fleet/manifest.csv",
	"fleet/.windpm/state.json",
	"fleet/WT01/.tmp/partial.wav",
	"fleet/WT01/gbx/.x.wav.tmp-123",
	"other/z.bin",
}

// testList checks order, prefixes and hidden names.
func testList(t *testing.T, s *Store) {
	ctx := context.Background()
	for i, k := range listLayout {
		put(t, s, k, []byte(k)[:i+1])
	}
	var visible []string
	for _, k := range listLayout {
		if !hiddenAfter(k, "") {
			visible = append(visible, k)
		}
	}
	slices.Sort(visible)
	cases := []struct {
		prefix string
		want   []string
	}{
		{"", visible},
		{"fleet/", visible[:len(visible)-1]},
		{"fleet/WT01", []string{"fleet/WT01-old/gbx/x.wav", "fleet/WT01.csv", "fleet/WT01/gbx/20250301T020000Z.wav", "fleet/WT01/gbx/20250301T030000Z.wav", "fleet/WT01/main/20250301T020000Z.mat", "fleet/WT010/gbx/y.wav"}},
		{"fleet/WT01/", []string{"fleet/WT01/gbx/20250301T020000Z.wav", "fleet/WT01/gbx/20250301T030000Z.wav", "fleet/WT01/main/20250301T020000Z.mat"}},
		{"fleet/WT01/gbx/2025030", []string{"fleet/WT01/gbx/20250301T020000Z.wav", "fleet/WT01/gbx/20250301T030000Z.wav"}},
		{"fleet/.windpm/", []string{"fleet/.windpm/state.json"}},
		{"fleet/nothing/", nil},
		{"nothing", nil},
	}
	for _, c := range cases {
		got := keys(t, s, c.prefix)
		if !slices.Equal(got, c.want) && !(s.unordered() && slices.Equal(sorted(got), c.want)) {
			t.Errorf("List(%q) =\n%q\nwant\n%q", c.prefix, got, c.want)
		}
	}
	// Sizes and times come with the listing.
	for o, err := range s.List(ctx, "fleet/WT01/gbx/") {
		if err != nil {
			t.Fatal(err)
		}
		i := slices.Index(listLayout, o.Key)
		if o.Size != int64(i+1) || o.ModTime.IsZero() {
			t.Errorf("%s: size %d, time %v; want %d and a time", o.Key, o.Size, o.ModTime, i+1)
		}
	}
	// Stopping early is fine.
	for range s.List(ctx, "") {
		break
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// unordered reports whether the backend lists in folder-walk order rather
// than key order (fileblob).
func (s *Store) unordered() bool {
	return s.bucket != nil && strings.HasPrefix(s.loc, "file://")
}

// testErrors checks the messages and kinds of the common failures.
func testErrors(t *testing.T, s *Store) {
	ctx := context.Background()
	_, err := s.Open(ctx, "missing/key.wav")
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrNotFound) {
		t.Errorf("Open(missing): %v, want not found", err)
	}
	if err != nil && err.Error() != s.URL("missing/key.wav")+": not found" {
		t.Errorf("Open(missing) message %q", err)
	}
	for _, op := range []func() error{
		func() error { _, err := s.Stat(ctx, "missing/key.wav"); return err },
		func() error { _, err := s.OpenReaderAt(ctx, "missing/key.wav"); return err },
		func() error { _, err := s.OpenRange(ctx, "missing/key.wav", 0, 10); return err },
		func() error { _, err := s.ReadAll(ctx, "missing/key.wav"); return err },
		func() error { return s.Delete(ctx, "missing/key.wav") },
	} {
		if err := op(); !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), s.URL("missing/key.wav")+": ") {
			t.Errorf("got %v, want not found naming the object", err)
		}
	}
	for _, key := range []string{"", "/abs", "a//b", "a/../b", "../up", "./a", `a\b`, "a/"} {
		if _, err := s.Open(ctx, key); err == nil || !strings.HasPrefix(err.Error(), s.String()+": ") {
			t.Errorf("Open(%q): %v, want an invalid key error naming the store", key, err)
		}
		if _, err := s.Create(ctx, key); err == nil {
			t.Errorf("Create(%q) succeeded", key)
		}
	}
	put(t, s, "del/x", []byte("x"))
	if err := s.Delete(ctx, "del/x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, "del/x"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after Delete: %v", err)
	}
}

// runSuite runs every backend test on a fresh store from open.
func runSuite(t *testing.T, open func(t *testing.T) *Store) {
	for _, c := range []struct {
		name string
		f    func(*testing.T, *Store)
	}{
		{"ReadWrite", testReadWrite},
		{"Atomic", testAtomic},
		{"List", testList},
		{"Errors", testErrors},
		{"Tree", testTree},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Error(err)
				}
			})
			c.f(t, s)
		})
	}
}

func ExampleStore_List() {
	ctx := context.Background()
	s, err := Open(ctx, "testdata/fleet")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	for o, err := range s.List(ctx, "WT01/") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(o.Key, o.Size)
	}
	// Output:
	// WT01/gbx/20250301T020000Z.csv 22
	// WT01/main/20250301T020000Z.csv 22
}
