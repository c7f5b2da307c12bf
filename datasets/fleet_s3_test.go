//go:build !windpm_nos3

package datasets

import (
	"context"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/internal/s3test"
)

// upload copies every file under dir to st, keys relative to dir.
func upload(t *testing.T, st *store.Store, dir string) {
	t.Helper()
	if _, err := st.PutFolder(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
}

// TestFleetS3 opens a layout fleet and a manifest fleet from a real S3
// server (MinIO, see internal/s3test) and reads them as the same fleets
// in a folder.
func TestFleetS3(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()

	dir := t.TempDir()
	storeFleet(t, dir)
	mdir := t.TempDir()
	storeFleet(t, mdir)
	writeFile(t, mdir, FleetManifest, []byte(storeManifest))
	for prefix, d := range map[string]string{"fleet": dir, "site/fleet-m": mdir} {
		st, err := store.Open(ctx, srv.URL(bucket, prefix))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		upload(t, st, d)
		local, err := OpenFleet(d)
		if err != nil {
			t.Fatal(err)
		}
		remote, err := OpenFleetStore(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if want := "s3://" + bucket + "/" + prefix; remote.Dir != want {
			t.Errorf("Dir %s, want %s", remote.Dir, want)
		}
		if n := compareFleetsTimes(t, local, remote, false); n < 8 {
			t.Errorf("%s: only %d reads compared", prefix, n)
		}
	}

	// A missing capture, named by its URL on one line.
	st, err := store.Open(ctx, srv.URL(bucket, "site/fleet-m"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := OpenFleetStore(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "WT02/gbx/20250301T020000Z.wav"); err != nil {
		t.Fatal(err)
	}
	want := "s3://" + bucket + "/site/fleet-m/WT02/gbx/20250301T020000Z.wav: not found"
	if _, err := f.Captures("WT02"); err == nil || err.Error() != want {
		t.Errorf("missing capture: %v, want %s", err, want)
	}
	// A prefix with nothing under it.
	empty, err := store.Open(ctx, srv.URL(bucket, "nothing"))
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if _, err := OpenFleetStore(ctx, empty); err == nil || !strings.Contains(err.Error(), "no objects under this location") {
		t.Errorf("empty prefix: %v", err)
	}
}
