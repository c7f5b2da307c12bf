package scanstate

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/store"
)

func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func mustTurbine(t *testing.T, s *State, key string) *Turbine {
	t.Helper()
	tu, err := s.Turbine(key)
	if err != nil {
		t.Fatal(err)
	}
	return tu
}

func TestCommitAndRollBack(t *testing.T) {
	out := t.TempDir()
	s, err := openLocal(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Version: Version, Fingerprint: "f1", Description: "test"}
	gen0, err := s.Generation()
	if err != nil {
		t.Fatal(err)
	}

	// Chunk 1 of WT01 commits.
	wt1 := mustTurbine(t, s, "turbine=WT01")
	files1 := []string{"features/turbine=WT01/date=2025-03-01/part-00000001.parquet"}
	seq, err := wt1.Begin(files1)
	if err != nil || seq != 1 {
		t.Fatalf("Begin: %d %v", seq, err)
	}
	touch(t, filepath.Join(out, files1[0]))
	c1 := Chunk{Seq: 1, Captures: []Capture{{Path: "WT01/a.wav", Size: 10, ModTimeNs: 5, SHA256: "ab", Rows: 1}}, Files: files1}
	if err := wt1.Commit(c1, cfg); err != nil {
		t.Fatal(err)
	}
	gen1, err := s.Generation()
	if err != nil || gen1 == gen0 {
		t.Fatalf("generation did not change with a commit: %v", err)
	}

	// Chunk 2 of WT01 is interrupted after writing one file and half of
	// another; WT02's chunk 1 after writing nothing.
	files2 := []string{"features/turbine=WT01/date=2025-03-02/part-00000002.parquet", "features/turbine=WT01/date=2025-03-03/part-00000002.parquet"}
	if _, err := wt1.Begin(files2); err != nil {
		t.Fatal(err)
	}
	wt2 := mustTurbine(t, s, "turbine=WT02")
	files3 := []string{"features/turbine=WT02/date=2025-03-02/part-00000001.parquet"}
	if _, err := wt2.Begin(files3); err != nil {
		t.Fatal(err)
	}
	touch(t, filepath.Join(out, files2[0]))
	tmp := filepath.Join(out, "features/turbine=WT01/date=2025-03-03/.part-00000002.parquet.tmp-123")
	touch(t, tmp)
	topTmp := filepath.Join(out, ".scores.parquet.tmp-9")
	touch(t, topTmp)
	// Writes of the state's own files cut short.
	stateTmp := filepath.Join(out, StateDir, ".derived.json.tmp-7")
	touch(t, stateTmp)
	pendTmp := filepath.Join(out, StateDir, "turbines", "turbine=WT01", ".pending.json.tmp-8")
	touch(t, pendTmp)
	unrelated := filepath.Join(out, "features/turbine=WT01/date=2025-03-03/notes.txt")
	touch(t, unrelated)

	s, err = openLocal(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wt1 = mustTurbine(t, s, "turbine=WT01")
	if wt1.Seq != 1 || len(wt1.Captures) != 1 || wt1.Captures["WT01/a.wav"] != c1.Captures[0] {
		t.Errorf("after reopen: seq %d captures %v", wt1.Seq, wt1.Captures)
	}
	if wt2 = mustTurbine(t, s, "turbine=WT02"); wt2.Seq != 0 || len(wt2.Captures) != 0 {
		t.Errorf("WT02 after reopen: seq %d captures %v", wt2.Seq, wt2.Captures)
	}
	if gen, err := s.Generation(); err != nil || gen != gen1 {
		t.Errorf("generation after roll back changed (%v)", err)
	}
	if s.Config == nil || *s.Config != cfg {
		t.Errorf("config %+v", s.Config)
	}
	if !reflect.DeepEqual(s.RolledBack, files2[:1]) {
		t.Errorf("rolled back %v, want %v", s.RolledBack, files2[:1])
	}
	if !exists(filepath.Join(out, files1[0])) || exists(filepath.Join(out, files2[0])) || exists(tmp) || exists(topTmp) || exists(stateTmp) || exists(pendTmp) {
		t.Error("roll back kept the wrong files")
	}
	if !exists(unrelated) || exists(filepath.Join(out, StateDir, "turbines", "turbine=WT01", "pending.json")) ||
		exists(filepath.Join(out, StateDir, "turbines", "turbine=WT02", "pending.json")) {
		t.Error("roll back removed a file it did not write, or left pending.json")
	}

	// The redone chunk 2 gets the same number.
	if seq, err := wt1.Begin(files2); err != nil || seq != 2 {
		t.Fatalf("Begin after roll back: %d %v", seq, err)
	}
}

func TestOpenRejectsBadJournal(t *testing.T) {
	out := t.TempDir()
	s, err := openLocal(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Turbine("../x"); err == nil {
		t.Error("a turbine key with a path accepted")
	}
	dir := filepath.Join(out, StateDir, "turbines", "turbine=A")
	journal := filepath.Join(dir, "journal")
	touch(t, filepath.Join(journal, "00000002.json"))
	if _, err := s.Turbine("turbine=A"); err == nil {
		t.Error("a journal starting at chunk 2 accepted")
	}
	if _, err := s.Generation(); err == nil {
		t.Error("Generation accepted a journal starting at chunk 2")
	}
	if err := os.WriteFile(filepath.Join(journal, "00000001.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Turbine("turbine=A"); err == nil {
		t.Error("a corrupt journal file accepted")
	}
	if err := os.WriteFile(filepath.Join(dir, "pending.json"), []byte(`{"seq":3,"files":["../../etc/passwd"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(journal)
	if _, err := openLocal(out, Options{}); err == nil {
		t.Error("pending.json naming a file outside the folder accepted")
	}
	// A folder of the first state format is refused, or rebuilt.
	old := t.TempDir()
	touch(t, filepath.Join(old, StateDir, "journal", "00000001.json"))
	if _, err := openLocal(old, Options{}); err == nil {
		t.Error("a version 1 state accepted")
	}
	if _, err := openLocal(old, Options{Rebuild: true}); err != nil {
		t.Errorf("rebuild of a version 1 state: %v", err)
	}
}

func TestClear(t *testing.T) {
	out := t.TempDir()
	s, err := openLocal(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tu := mustTurbine(t, s, "turbine=A")
	if _, err := tu.Begin(nil); err != nil {
		t.Fatal(err)
	}
	if err := tu.Commit(Chunk{Seq: 1, Captures: []Capture{{Path: "a"}}}, Config{Version: Version}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"features/turbine=A/part-1.parquet", "scores.parquet", "report.html", "keep.txt"} {
		touch(t, filepath.Join(out, f))
	}
	// An interrupted Clear (marker left) completes at the next Open.
	touch(t, filepath.Join(out, StateDir, "rebuild"))
	s, err = openLocal(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if keys, err := s.TurbineKeys(); err != nil || len(keys) != 0 || s.Config != nil {
		t.Errorf("after rebuild: %+v, turbines %v %v", s, keys, err)
	}
	if exists(filepath.Join(out, "features")) || exists(filepath.Join(out, "scores.parquet")) || exists(filepath.Join(out, "report.html")) {
		t.Error("rebuild left outputs")
	}
	if !exists(filepath.Join(out, "keep.txt")) {
		t.Error("rebuild removed a file the scan did not write")
	}
}

// TestLockHelperProcess is not a test: run by TestLock as a separate
// process, it takes the lock of $SCANSTATE_LOCK_DIR, says so and waits to
// be killed.
func TestLockHelperProcess(t *testing.T) {
	dir := os.Getenv("SCANSTATE_LOCK_DIR")
	if dir == "" {
		t.Skip("helper process for TestLock")
	}
	if _, err := acquireLocal(dir, ""); err != nil {
		os.Stdout.WriteString("error " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	// Not select{}: with no timer pending the runtime would call that a
	// deadlock and end the process, dropping the lock early.
	time.Sleep(time.Hour)
}

func TestLock(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), "SCANSTATE_LOCK_DIR="+out)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper: %q %v", line, err)
	}

	_, err = acquireLocal(out, "")
	var le *LockedError
	if !errors.As(err, &le) || le.Holder.PID != cmd.Process.Pid {
		t.Fatalf("Acquire while another process holds the lock: %v", err)
	}

	// SIGKILL: the kernel drops the flock; the lock file still names the
	// dead holder, whose lock is taken over.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	l, err := acquireLocal(out, "")
	if err != nil {
		t.Fatalf("Acquire after the holder was killed: %v", err)
	}
	if l.Stale == nil || l.Stale.PID != cmd.Process.Pid {
		t.Errorf("stale holder %+v, want pid %d", l.Stale, cmd.Process.Pid)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	// Released cleanly: the next holder finds no stale lock.
	l, err = acquireLocal(out, "")
	if err != nil || l.Stale != nil {
		t.Fatalf("Acquire after Release: %v, stale %+v", err, l.Stale)
	}
	l.Release()
}

// TestShards: shards of one folder own disjoint turbines; one shard's
// Open, roll back and rebuild leave the other's work alone, and their
// locks are separate.
func TestShards(t *testing.T) {
	out := t.TempDir()
	owns := func(k string) func(string) bool { return func(key string) bool { return key == k } }
	a := Options{Shard: "shard=1-of-2", Owns: owns("turbine=A")}
	b := Options{Shard: "shard=2-of-2", Owns: owns("turbine=B")}
	la, err := acquireLocal(out, a.Shard)
	if err != nil {
		t.Fatal(err)
	}
	defer la.Release()
	lb, err := acquireLocal(out, b.Shard)
	if err != nil {
		t.Fatalf("second shard's lock: %v", err)
	}
	defer lb.Release()

	sa, err := openLocal(out, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sa.Turbine("turbine=B"); err == nil {
		t.Error("shard 1 opened shard 2's turbine")
	}
	ta := mustTurbine(t, sa, "turbine=A")
	fa := []string{"features/turbine=A/date=2025-03-01/part-00000001.parquet"}
	if _, err := ta.Begin(fa); err != nil {
		t.Fatal(err)
	}
	touch(t, filepath.Join(out, fa[0]))
	if err := ta.Commit(Chunk{Seq: 1, Files: fa}, Config{Version: Version}); err != nil {
		t.Fatal(err)
	}
	touch(t, filepath.Join(out, "shards", a.Shard, "scores.parquet"))

	// Shard 2 is mid-chunk when shard 1 opens again and rebuilds.
	sb, err := openLocal(out, b)
	if err != nil {
		t.Fatal(err)
	}
	tb := mustTurbine(t, sb, "turbine=B")
	fb := []string{"features/turbine=B/date=2025-03-01/part-00000001.parquet"}
	if _, err := tb.Begin(fb); err != nil {
		t.Fatal(err)
	}
	touch(t, filepath.Join(out, fb[0]))
	if _, err := openLocal(out, a); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(out, fb[0])) || !exists(filepath.Join(out, StateDir, "turbines", "turbine=B", "pending.json")) {
		t.Fatal("shard 1's Open rolled back shard 2's chunk in progress")
	}
	if _, err := openLocal(out, Options{Shard: a.Shard, Owns: a.Owns, Rebuild: true}); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(out, fa[0])) || exists(filepath.Join(out, "shards", a.Shard)) || exists(filepath.Join(out, StateDir, "turbines", "turbine=A")) {
		t.Error("shard 1's rebuild left its own outputs")
	}
	if !exists(filepath.Join(out, fb[0])) || !exists(filepath.Join(out, StateDir, "turbines", "turbine=B", "pending.json")) {
		t.Error("shard 1's rebuild removed shard 2's files")
	}
	if err := tb.Commit(Chunk{Seq: 1, Files: fb}, Config{Version: Version}); err != nil {
		t.Fatal(err)
	}
	if g, err := sb.Generation(); err != nil || g == "" {
		t.Fatal(err)
	}
}

// TestLockWholeAndShards: shards run beside each other, not beside a
// whole-fleet scan of the same folder.
func TestLockWholeAndShards(t *testing.T) {
	out := t.TempDir()
	whole, err := acquireLocal(out, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acquireLocal(out, "shard=1-of-2"); err == nil {
		t.Fatal("a shard started beside a whole-fleet scan")
	}
	whole.Release()
	s1, err := acquireLocal(out, "shard=1-of-2")
	if err != nil {
		t.Fatal(err)
	}
	s2, err := acquireLocal(out, "shard=2-of-2")
	if err != nil {
		t.Fatalf("second shard: %v", err)
	}
	if _, err := acquireLocal(out, "shard=2-of-2"); err == nil {
		t.Error("one shard started twice")
	}
	if _, err := acquireLocal(out, ""); err == nil {
		t.Error("a whole-fleet scan started beside shards")
	}
	s1.Release()
	s2.Release()
	if l, err := acquireLocal(out, ""); err != nil {
		t.Errorf("whole-fleet scan after the shards: %v", err)
	} else {
		l.Release()
	}
}

// openLocal is Open on the local folder out.
func openLocal(out string, opt Options) (*State, error) {
	st, err := store.Open(context.Background(), out)
	if err != nil {
		return nil, err
	}
	return Open(context.Background(), st, opt)
}

// acquireLocal is Acquire on the local folder out.
func acquireLocal(out, shard string) (*Lock, error) {
	st, err := store.Open(context.Background(), out)
	if err != nil {
		return nil, err
	}
	return Acquire(context.Background(), st, shard)
}
