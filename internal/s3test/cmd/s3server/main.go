// Command s3server builds the pinned MinIO test server (internal/s3test)
// into the user's cache and, unless -build-only, runs one on loopback
// with a bucket, printing the environment and the s3:// URL that point
// windpm (or any AWS SDK client) at it, until interrupted.
//
//	go run ./internal/s3test/cmd/s3server -build-only   # warm the cache (CI)
//	go run ./internal/s3test/cmd/s3server -bucket fleet -data /tmp/minio
//	go run ./internal/s3test/cmd/s3server -put /tmp/site1   # its files as objects of the bucket
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/internal/s3test"
)

func main() {
	buildOnly := flag.Bool("build-only", false, "build (or find) the server binary, print its path and exit")
	bucket := flag.String("bucket", "windpm", "bucket to create")
	data := flag.String("data", "", "data folder (default: a temporary folder, removed on exit)")
	put := flag.String("put", "", "copy the files under this folder into the bucket (keys: their paths relative to it) before printing the environment")
	flag.Parse()
	if err := run(*buildOnly, *bucket, *data, *put); err != nil {
		fmt.Fprintln(os.Stderr, "s3server:", err)
		os.Exit(1)
	}
}

func run(buildOnly bool, bucket, data, put string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	bin, err := s3test.Binary(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "minio %s: %s (%.0f s)\n", s3test.MinIOVersion, bin, time.Since(start).Seconds())
	if buildOnly {
		fmt.Println(bin)
		return nil
	}
	if data == "" {
		dir, err := os.MkdirTemp("", "windpm-minio-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		data = dir
	}
	srv, err := s3test.Launch(ctx, bin, data)
	if err != nil {
		return err
	}
	defer srv.Stop()
	if err := srv.CreateBucket(ctx, bucket); err != nil {
		return err
	}
	env := srv.Env()
	if put != "" {
		n, err := upload(ctx, srv, env, bucket, put)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "copied %d files of %s into the bucket\n", n, put)
	}
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Printf("export %s=%q\n", k, env[k])
	}
	fmt.Printf("# bucket URL:\n# %s\n", srv.URL(bucket, ""))
	fmt.Fprintln(os.Stderr, "running; Ctrl-C stops it")
	<-ctx.Done()
	return nil
}

// upload copies the files under dir into the bucket.
func upload(ctx context.Context, srv *s3test.Server, env map[string]string, bucket, dir string) (int, error) {
	for k, v := range env {
		os.Setenv(k, v)
	}
	st, err := store.Open(ctx, srv.URL(bucket, ""))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	return st.PutFolder(ctx, dir)
}
