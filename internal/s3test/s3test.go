// Package s3test runs a real S3-compatible server, MinIO, on loopback for
// tests of object storage (datasets/store and the commands that take
// s3:// URLs). The server is built from source with `go install` from the
// Go module proxy at a pinned version, once, into the user's cache
// folder; each test gets its own server on a random port with a
// temporary data folder and random credentials, stopped when the test
// ends.
//
// Where the server cannot be built or started (no network, no Go
// toolchain) the test is skipped with the reason — except under CI=true,
// where it fails: CI has the module proxy. WINDPM_MINIO names a MinIO
// binary to use instead of building one.
//
//	go run ./internal/s3test/cmd/s3server   # build it ahead, or run one by hand
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// MinIOModule and MinIOVersion pin the server that Binary builds: MinIO's
// main module (AGPLv3, used only as a test tool, never linked into
// windpm) at the commit of 2026-02-12. MinIO tags its releases
// RELEASE.<date>, not semver, so the Go proxy knows them by
// pseudo-version; this one's go.mod has no replace directives, which `go
// install module@version` requires.
const (
	MinIOModule  = "github.com/minio/minio"
	MinIOVersion = "v0.0.0-20260212201848-7aac2a2c5b7c"
)

// Region is the region the server and its URLs use.
const Region = "us-east-1"

// Server is a running MinIO server.
type Server struct {
	// Endpoint is the server's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// AccessKey and SecretKey are the root credentials.
	AccessKey, SecretKey string

	cmd  *exec.Cmd
	log  *lockedBuffer
	done chan struct{}
	err  error // the process's exit, after done
}

// CacheDir is the folder Binary builds into:
// <user cache>/windpm-minio/<MinIOVersion>.
func CacheDir() (string, error) {
	c, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(c, "windpm-minio", MinIOVersion), nil
}

// Binary returns the MinIO server to run: $WINDPM_MINIO if set, else the
// cached build of MinIOVersion, built first with the go command if
// absent (about 4 CPU-minutes and 150 MB; the module download needs the
// Go proxy). Concurrent callers in several processes build it once.
func Binary(ctx context.Context) (string, error) {
	if p := os.Getenv("WINDPM_MINIO"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("WINDPM_MINIO: %w", err)
		}
		return p, nil
	}
	dir, err := CacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder for the MinIO build: %w", err)
	}
	bin := filepath.Join(dir, "minio")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(dir, ".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		return bin, nil // built by another process while we waited
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("no go command on PATH to build MinIO")
	}
	tmp, err := os.MkdirTemp(dir, ".build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, goCmd, "install", MinIOModule+"@"+MinIOVersion)
	cmd.Dir = tmp // outside any module or workspace
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-buildvcs=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go install %s@%s: %v\n%s", MinIOModule, MinIOVersion, err, tail(out, 20))
	}
	if err := os.Rename(filepath.Join(tmp, filepath.Base(bin)), bin); err != nil {
		return "", err
	}
	return bin, nil
}

// Launch starts a server on 127.0.0.1 at a free port with its data in
// dataDir and random root credentials, and waits until it answers its
// health check. Stop it with Stop.
func Launch(ctx context.Context, bin, dataDir string) (*Server, error) {
	var lastErr error
	// The free port is found by binding it and letting it go; another
	// process may take it in between, so try a few.
	for range 3 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s := &Server{
			Endpoint:  "http://" + net.JoinHostPort("127.0.0.1", port),
			AccessKey: "windpm" + randomHex(6),
			SecretKey: randomHex(20),
			log:       &lockedBuffer{},
			done:      make(chan struct{}),
		}
		s.cmd = exec.Command(bin, "server", "--quiet",
			"--address", net.JoinHostPort("127.0.0.1", port),
			"--console-address", "127.0.0.1:0", dataDir)
		s.cmd.Env = append(os.Environ(),
			"MINIO_ROOT_USER="+s.AccessKey, "MINIO_ROOT_PASSWORD="+s.SecretKey,
			"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_REGION="+Region)
		s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
		dieWithParent(s.cmd)
		if err := s.cmd.Start(); err != nil {
			return nil, fmt.Errorf("start %s: %w", bin, err)
		}
		go func() { s.err = s.cmd.Wait(); close(s.done) }()
		if lastErr = s.waitReady(ctx, 60*time.Second); lastErr == nil {
			return s, nil
		}
		s.Stop()
	}
	return nil, lastErr
}

// waitReady polls the health endpoint until it answers 200.
func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/minio/health/live", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("minio exited (%v): %s", s.err, tail(s.log.Bytes(), 10))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("minio did not answer on %s within %v: %s", s.Endpoint, limit, tail(s.log.Bytes(), 10))
		}
	}
}

// Stop ends the server: SIGTERM (os.Interrupt on Windows), then a kill
// after 10 s.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	sig := os.Signal(os.Interrupt)
	if runtime.GOOS != "windows" {
		sig = terminate
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Log returns what the server printed so far.
func (s *Server) Log() string { return s.log.String() }

// Start builds (if needed) and launches a server for t, stopped when t
// ends. It skips t where the server cannot be built or started, and fails
// it under CI=true.
func Start(t testing.TB) *Server {
	t.Helper()
	ctx := context.Background()
	bin, err := Binary(ctx)
	if err != nil {
		unavailable(t, "cannot build the MinIO test server: %v", err)
	}
	s, err := Launch(ctx, bin, t.TempDir())
	if err != nil {
		unavailable(t, "cannot start the MinIO test server: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (under CI=true the S3 test server must run)", msg)
	}
	t.Skipf("%s; S3 test skipped (see docs/storage.md)", msg)
}

// Env returns the environment variables that point the AWS SDK at the
// server's credentials, with the shared config files and the instance
// metadata service turned off so that nothing of the machine's own AWS
// set-up is used.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":           s.AccessKey,
		"AWS_SECRET_ACCESS_KEY":       s.SecretKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  Region,
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
}

// SetEnv sets Env for the rest of t (so t cannot be parallel).
func (s *Server) SetEnv(t testing.TB) {
	for k, v := range s.Env() {
		t.Setenv(k, v)
	}
}

// URL returns the gocloud s3:// URL of prefix in bucket on this server:
// the endpoint, path-style addressing (MinIO on an IP address has no
// bucket host names), plain HTTP and the region.
func (s *Server) URL(bucket, prefix string) string {
	q := url.Values{}
	q.Set("endpoint", s.Endpoint)
	q.Set("use_path_style", "true")
	q.Set("disable_https", "true")
	q.Set("region", Region)
	u := url.URL{Scheme: "s3", Host: bucket, Path: "/" + strings.Trim(prefix, "/"), RawQuery: q.Encode()}
	if prefix == "" {
		u.Path = ""
	}
	return u.String()
}

// Client returns an AWS SDK client for the server, for what gocloud does
// not expose (creating buckets, listing incomplete multipart uploads).
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
	})
}

// CreateBucket makes a bucket.
func (s *Server) CreateBucket(ctx context.Context, name string) error {
	_, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", name, err)
	}
	return nil
}

// Bucket creates a bucket with a fresh name for t and returns the name.
func (s *Server) Bucket(t testing.TB) string {
	t.Helper()
	name := "windpm-" + randomHex(6)
	if err := s.CreateBucket(context.Background(), name); err != nil {
		t.Fatal(err)
	}
	return name
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("no free port on 127.0.0.1: %w", err)
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// tail returns the last n lines of b.
func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// lockedBuffer collects a process's output safely for concurrent reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

func (l *lockedBuffer) String() string { return string(l.Bytes()) }
