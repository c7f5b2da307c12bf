//go:build !windpm_nos3

package store

import (
	"bufio"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/windpm/windpm/internal/s3test"
)

// One MinIO server serves every S3 test of the package (each test has its
// own bucket); it starts on first use.
var (
	minioOnce sync.Once
	minio     *s3test.Server
	minioErr  error
)

// s3Server returns the package's server, or skips (fails under CI=true)
// where it cannot run, and points the AWS SDK's environment at it.
func s3Server(t *testing.T) *s3test.Server {
	t.Helper()
	minioOnce.Do(func() {
		bin, err := s3test.Binary(context.Background())
		if err != nil {
			minioErr = fmt.Errorf("cannot build the MinIO test server: %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "windpm-minio-data-")
		if err != nil {
			minioErr = err
			return
		}
		minioDataDir = dir
		minio, minioErr = s3test.Launch(context.Background(), bin, dir)
	})
	if minioErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (under CI=true the S3 test server must run)", minioErr)
		}
		t.Skipf("%v; S3 tests skipped (see docs/storage.md)", minioErr)
	}
	minio.SetEnv(t)
	return minio
}

var minioDataDir string

func TestMain(m *testing.M) {
	if os.Getenv("STORE_S3_HELPER") != "" {
		s3Helper()
		return
	}
	code := m.Run()
	if minio != nil {
		minio.Stop()
	}
	if minioDataDir != "" {
		os.RemoveAll(minioDataDir)
	}
	os.Exit(code)
}

// openS3 opens a fresh bucket (under a prefix) on the server.
func openS3(t *testing.T, prefix string) *Store {
	t.Helper()
	srv := s3Server(t)
	s, err := Open(context.Background(), srv.URL(srv.Bucket(t), prefix))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestS3(t *testing.T) {
	runSuite(t, func(t *testing.T) *Store { return openS3(t, "run/1") })
}

func TestS3NoPrefix(t *testing.T) {
	runSuite(t, func(t *testing.T) *Store { return openS3(t, "") })
}

// TestS3ListMany lists more objects than a page (1,000) holds, in order,
// with ETag and MD5, and checks that the listing streams: a page is
// fetched only when needed, and the heap in use does not grow with the
// objects listed.
func TestS3ListMany(t *testing.T) {
	srv := s3Server(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	s, err := Open(ctx, srv.URL(bucket, "fleet"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 2600
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("WT%02d/gbx/%05d.wav", i%13, i)
	}
	var wg sync.WaitGroup
	work := make(chan string)
	errs := make(chan error, n)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				errs <- s.WriteFile(ctx, k, func(w io.Writer) error {
					_, err := io.WriteString(w, k)
					return err
				})
			}
		}()
	}
	for _, k := range want {
		work <- k
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(want)

	// The listing goes through a proxy that counts ListObjectsV2 requests.
	var lists atomic.Int32
	target, _ := neturl.Parse(srv.Endpoint)
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("list-type") == "2" {
			lists.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	via := *srv
	via.Endpoint = proxy.URL
	ps, err := Open(ctx, via.URL(bucket, "fleet"))
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	lists.Store(0)

	// Stopping at the first object costs one page.
	for range ps.List(ctx, "") {
		break
	}
	if n := lists.Load(); n != 1 {
		t.Errorf("the first object took %d list requests, want 1", n)
	}

	// The whole listing: in order, three pages, and the heap in use
	// after 2,001 objects no more than a page above what it was before
	// (a listing that collected every object first would hold 2,600).
	lists.Store(0)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	var during uint64
	i := 0
	for o, err := range ps.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(want) || o.Key != want[i] {
			t.Fatalf("object %d is %q, want %q", i, o.Key, want[min(i, len(want)-1)])
		}
		if sum := md5.Sum([]byte(o.Key)); o.Size != int64(len(o.Key)) || o.ETag == "" || string(o.MD5) != string(sum[:]) {
			t.Fatalf("%s: size %d, ETag %q, MD5 %x; want %d, an ETag, %x", o.Key, o.Size, o.ETag, o.MD5, len(o.Key), sum)
		}
		i++
		if i == 2001 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			during = ms.HeapAlloc
		}
	}
	if i != n {
		t.Fatalf("listed %d objects, want %d", i, n)
	}
	if got := lists.Load(); got != 3 {
		t.Errorf("%d objects took %d list requests, want 3 pages of 1,000", n, got)
	}
	t.Logf("heap in use before listing: %d B, at object 2001: %d B (%+d)", before, during, int64(during)-int64(before))
	if during > before+768<<10 {
		t.Errorf("heap grew by %d B over 2,000 listed objects", during-before)
	}

	// Under a prefix.
	n13 := 0
	for o, err := range s.List(ctx, "WT12/") {
		if err != nil || !strings.HasPrefix(o.Key, "WT12/") {
			t.Fatalf("%q, %v", o.Key, err)
		}
		n13++
	}
	if n13 != n/13 {
		t.Errorf("WT12/ lists %d objects, want %d", n13, n/13)
	}
}

// bigSize is past the S3 SDK's part size (8 MiB): a multipart upload.
const bigSize = 20 << 20

// multipartUploads returns the keys of the incomplete multipart uploads in
// the bucket of s.
func multipartUploads(t *testing.T, srv *s3test.Server, bucket string) []string {
	t.Helper()
	out, err := srv.Client().ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	return keys
}

// TestS3Multipart checks a large write: its parts are uploaded while it is
// written, yet the object is invisible until Commit; an aborted one
// leaves no object and no multipart upload.
func TestS3Multipart(t *testing.T) {
	srv := s3Server(t)
	bucket := srv.Bucket(t)
	s, err := Open(context.Background(), srv.URL(bucket, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	data := content(bigSize, 9)

	w, err := s.Create(ctx, "t/big.parquet")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(multipartUploads(t, srv, bucket)) == 1 }, "a multipart upload in progress")
	if _, err := s.Stat(ctx, "t/big.parquet"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat during the upload: %v, want not found", err)
	}
	if k := keys(t, s, ""); len(k) != 0 {
		t.Errorf("listed during the upload: %q", k)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadAll(ctx, "t/big.parquet")
	if err != nil || string(got) != string(data) {
		t.Fatalf("after Commit: %d bytes, %v", len(got), err)
	}
	st, err := s.Stat(ctx, "t/big.parquet")
	if err != nil || !strings.Contains(st.ETag, "-") || st.MD5 != nil {
		t.Errorf("Stat = %+v, %v; want a multipart ETag (\"…-N\") and no MD5", st, err)
	}
	if u := multipartUploads(t, srv, bucket); len(u) != 0 {
		t.Errorf("uploads left after Commit: %q", u)
	}

	w, err = s.Create(ctx, "t/aborted.parquet")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	waitFor(t, func() bool { return len(multipartUploads(t, srv, bucket)) == 1 }, "a multipart upload in progress")
	w.Abort()
	if _, err := s.Stat(ctx, "t/aborted.parquet"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after Abort: %v, want not found", err)
	}
	waitFor(t, func() bool { return len(multipartUploads(t, srv, bucket)) == 0 }, "the aborted upload gone")

	// A cancelled context fails the write and leaves the incomplete
	// upload (as documented on Writer), not an object.
	cctx, cancel := context.WithCancel(ctx)
	w, err = s.Create(cctx, "t/cancelled.parquet")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	waitFor(t, func() bool { return len(multipartUploads(t, srv, bucket)) == 1 }, "a multipart upload in progress")
	cancel()
	err = w.Commit()
	t.Logf("Commit after cancel: %v", err)
	// The SDK's message ("…failed to abort multipart upload (…, context
	// canceled)…") does not wrap context.Canceled.
	if err == nil || !strings.HasPrefix(err.Error(), s.URL("t/cancelled.parquet")+": ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Commit after cancel: %v, want one line naming the object", err)
	}
	if _, err := s.Stat(ctx, "t/cancelled.parquet"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after cancel: %v, want not found", err)
	}
	if u := multipartUploads(t, srv, bucket); !slices.Equal(u, []string{"out/t/cancelled.parquet"}) {
		t.Errorf("incomplete uploads after cancel: %q", u)
	}
}

// TestS3KilledWriter kills (SIGKILL) a process in the middle of a large
// write: the object never appears; what is left is an incomplete
// multipart upload, invisible to readers (docs/storage.md: a bucket
// lifecycle rule removes it).
func TestS3KilledWriter(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL")
	}
	srv := s3Server(t)
	bucket := srv.Bucket(t)
	url := srv.URL(bucket, "out")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STORE_S3_HELPER="+url)
	for k, v := range srv.Env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "written\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper said %q", line)
	}
	waitFor(t, func() bool { return len(multipartUploads(t, srv, bucket)) == 1 }, "the helper's multipart upload")
	cmd.Process.Kill()
	cmd.Wait()

	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Stat(context.Background(), "t/killed.parquet"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after the kill: %v, want not found", err)
	}
	if k := keys(t, s, ""); len(k) != 0 {
		t.Errorf("listed after the kill: %q", k)
	}
	if u := multipartUploads(t, srv, bucket); !slices.Equal(u, []string{"out/t/killed.parquet"}) {
		t.Errorf("incomplete uploads %q, want the killed one", u)
	}
}

// s3Helper is the process TestS3KilledWriter kills: it writes more than a
// part, says so, and waits.
func s3Helper() {
	ctx := context.Background()
	s, err := Open(ctx, os.Getenv("STORE_S3_HELPER"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w, err := s.Create(ctx, "t/killed.parquet")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w.Write(content(bigSize, 10))
	fmt.Println("written")
	time.Sleep(time.Minute)
	os.Exit(2)
}

// TestS3Errors checks the messages for a missing bucket, wrong
// credentials and no server.
func TestS3Errors(t *testing.T) {
	srv := s3Server(t)
	ctx := context.Background()

	_, err := Open(ctx, srv.URL("no-such-bucket", "fleet"))
	if err == nil || err.Error() != "s3://no-such-bucket/fleet: no such bucket" || !errors.Is(err, ErrNoBucket) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing bucket: %v", err)
	}

	bucket := srv.Bucket(t)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong")
	_, err = Open(ctx, srv.URL(bucket, "fleet"))
	t.Logf("wrong secret: %v", err)
	want := "s3://" + bucket + "/fleet: access denied (SignatureDoesNotMatch: "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, fs.ErrPermission) || strings.Contains(err.Error(), "\n") {
		t.Errorf("wrong secret: %v, want %q…", err, want)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "nobody")
	_, err = Open(ctx, srv.URL(bucket, "fleet"))
	want = "s3://" + bucket + "/fleet: access denied (InvalidAccessKeyId: "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, ErrAccessDenied) {
		t.Errorf("unknown access key: %v, want %q…", err, want)
	}

	// A server that is not there: one line naming the URL and the cause.
	srv.SetEnv(t)
	gone := *srv
	gone.Endpoint = "http://127.0.0.1:1"
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err = Open(cctx, gone.URL(bucket, ""))
	t.Logf("no server: %v", err)
	if err == nil || !strings.HasPrefix(err.Error(), "s3://"+bucket+": ") || !strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "\n") {
		t.Errorf("no server: %v", err)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for range 200 {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}
