//go:build !windpm_nos3

package scada_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/internal/s3test"
)

// TestSCADAS3 loads SCADA exports and a scada table from a real S3 server
// (MinIO, see internal/s3test): the same tables as from the folder.
func TestSCADAS3(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	dir := t.TempDir()
	scadaFolder(t, dir)
	st, err := store.Open(ctx, srv.URL(bucket, "site"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.PutFolder(ctx, dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ local, remote string }{
		{filepath.Join(dir, "scada"), srv.URL(bucket, "site/scada")},
		{filepath.Join(dir, "table.parquet"), srv.URL(bucket, "site/table.parquet")},
	} {
		lt, lr, err := scada.Load([]string{c.local}, scada.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rt, rr, err := scada.LoadContext(ctx, []string{c.remote}, scada.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(lt.Rows) == 0 || !same(lt, rt) {
			t.Errorf("%s: tables differ", c.remote)
		}
		if lr != nil {
			sameReport(t, lr, rr, dir, "s3://"+bucket+"/site")
		}
	}
	files, err := scada.ExpandFiles(ctx, []string{srv.URL(bucket, "site/scada")})
	if err != nil || len(files) != 3 || files[1].Name != "s3://"+bucket+"/site/scada/a/x.csv" || files[1].Size == 0 {
		t.Errorf("ExpandFiles: %+v, %v", files, err)
	}
	if _, _, err := scada.Load([]string{srv.URL(bucket, "site/none.csv")}, scada.Options{}); err == nil ||
		err.Error() != "scada: s3://"+bucket+"/site/none.csv: not found (no object, and nothing under it)" {
		t.Errorf("missing object: %v", err)
	}
}
