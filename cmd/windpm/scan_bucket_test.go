package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/internal/s3test"
)

// The scan with its fleet and outputs in object storage: from s3:// to
// s3:// against a real S3 server (MinIO, started on loopback by
// internal/s3test; skipped where it cannot be built or started, and a
// failure under CI=true), and the same from file:// to file:// (gocloud's
// fileblob) in every run, with the SCADA exports in the bucket too. Each gives the tables and report of a scan of
// the same fleet on local folders, whole and in shards, with a shard
// killed and run again.

func TestScanS3(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes and scans a fleet several times")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	bucket := srv.Bucket(t)
	testScanBucket(t, func(prefix string) string { return srv.URL(bucket, prefix) })
}

func TestScanFileblob(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes and scans a fleet several times")
	}
	root := filepath.ToSlash(t.TempDir())
	testScanBucket(t, func(prefix string) string {
		os.MkdirAll(filepath.Join(root, prefix), 0o755)
		u := url.URL{Scheme: "file", Path: root + "/" + prefix, RawQuery: "no_tmp_dir=true&metadata=skip"}
		return u.String()
	})
}

// copyTo copies every file under the local folder dir to the location loc.
func copyTo(t *testing.T, dir, loc string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.PutFolder(ctx, dir); err != nil {
		t.Fatal(err)
	}
}

// copyFrom copies the objects of loc (hidden ones, the scan state, left
// out) into the local folder dir and returns the hidden keys under
// .windpm/ that a finished scan must not leave: pending chunks and locks.
func copyFrom(t *testing.T, loc, dir string) (leftovers []string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for o, err := range st.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		b, err := st.ReadAll(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(o.Key))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for c, err := range st.Children(ctx, ".windpm/turbines/") {
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Stat(ctx, ".windpm/turbines/"+c.Name+"/pending.json"); err == nil {
			leftovers = append(leftovers, c.Name+"/pending.json")
		}
	}
	for o, err := range st.List(ctx, ".windpm/") {
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(o.Key, "/lock") {
			leftovers = append(leftovers, o.Key)
		}
	}
	return leftovers
}

// startCLI starts `windpm ARGS` as a separate process with extra
// environment variables.
func startCLI(t *testing.T, env []string, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "WINDPM_TEST_MAIN=1"), env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

func testScanBucket(t *testing.T, loc func(prefix string) string) {
	dir := t.TempDir()
	smallFleet(t, dir, 24)
	common := []string{"--reference-days", "8", "--chunk", "12", "--jobs", "1"}
	want := filepath.Join(dir, "whole")
	if _, err := os.Stat(filepath.Join(dir, "scada", "WT01.csv")); err != nil {
		t.Fatalf("the synthetic fleet has no SCADA export: %v", err)
	}
	if _, stderr, code := runCLI(t, append([]string{"scan", "--fleet", filepath.Join(dir, "fleet"), "--scada", filepath.Join(dir, "scada"), "--out", want}, common...)...); code != 0 {
		t.Fatalf("local scan: exit %d: %s", code, stderr)
	}
	wantTables := readScan(t, want)

	fleet := loc("fleet")
	copyTo(t, filepath.Join(dir, "fleet"), fleet)
	scadaLoc := loc("scada")
	copyTo(t, filepath.Join(dir, "scada"), scadaLoc)
	common = append(common, "--scada", scadaLoc)

	// Whole fleet, twice: the second run finds nothing new.
	out := loc("scan")
	if stdout, stderr, code := runCLI(t, append([]string{"scan", "--fleet", fleet, "--out", out}, common...)...); code != 0 {
		t.Fatalf("scan to %s: exit %d: %s%s", out, code, stdout, stderr)
	}
	if stdout, stderr, code := runCLI(t, append([]string{"scan", "--fleet", fleet, "--out", out}, common...)...); code != 0 || !strings.Contains(stdout, "nothing new") {
		t.Fatalf("second scan: exit %d: %s%s", code, stdout, stderr)
	}
	got := filepath.Join(dir, "got-whole")
	if left := copyFrom(t, out, got); len(left) > 0 {
		t.Errorf("left in the bucket after the scan: %q", left)
	}
	compareScans(t, readScan(t, got), wantTables)
	compareReports(t, got, want)

	// Three shards at once, shard 1 killed with SIGKILL first and run
	// again once its lease has run out.
	const lease = 2 * time.Second
	env := []string{"WINDPM_LEASE=" + lease.String()}
	out = loc("sharded")
	args := func(k int) []string {
		return append([]string{"scan", "--fleet", fleet, "--out", out, "--shard", fmt.Sprintf("%d/3", k)}, common...)
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	killed, _ := startCLI(t, env, args(1)...)
	time.Sleep(time.Duration(300+r.IntN(1500)) * time.Millisecond)
	killed.Process.Signal(syscall.SIGKILL)
	killed.Wait()
	time.Sleep(lease + 500*time.Millisecond)
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for k := 1; k <= 3; k++ {
		cmd, o := startCLI(t, env, args(k)...)
		cmds, outs = append(cmds, cmd), append(outs, o)
	}
	for k, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("shard %d/3: %v: %s", k+1, err, outs[k])
		}
	}
	if stdout, stderr, code := runCLI(t, "report", "--from", out, "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s%s", code, stdout, stderr)
	}
	got = filepath.Join(dir, "got-sharded")
	if left := copyFrom(t, out, got); len(left) > 0 {
		t.Errorf("left in the bucket after the shards: %q", left)
	}
	compareScans(t, readScan(t, got), wantTables)
	compareReports(t, got, want)
}
