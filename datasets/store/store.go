package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	// fileblob registers file://; the cloud drivers are imported in
	// driver_*.go, each of which a build tag leaves out.
	_ "gocloud.dev/blob/fileblob"
)

// Schemes lists the URL schemes Open understands; anything without "://"
// is a local path.
var Schemes = []string{"s3", "gs", "azblob", "file"}

// Store is one location, a local folder or a bucket (with an optional key
// prefix), holding objects named by '/'-separated keys. Its methods are
// safe for concurrent use.
type Store struct {
	// loc is the location as given, without a trailing '/', for messages.
	loc string
	// dir is the folder of a local location; "" for a bucket.
	dir string
	// bucket is the (prefixed) bucket of a URL location; nil for a folder.
	bucket *blob.Bucket
	// fileRoot is the folder of a file:// location (fileblob), for what
	// fileblob does not do atomically (CreateNew).
	fileRoot string
}

// driverTag names the build tag that leaves each cloud driver out.
var driverTag = map[string]string{"s3": "s3", "gs": "gcs", "azblob": "azure"}

// IsURL reports whether loc is a URL (it contains "://") rather than a
// local path.
func IsURL(loc string) bool {
	return strings.Contains(loc, "://")
}

// Open opens the location loc: a local folder (a plain path; it need not
// exist yet, Create makes the folders it needs), or a URL
//
//	s3://bucket/prefix?region=…&endpoint=…&use_path_style=true&disable_https=true
//	gs://bucket/prefix
//	azblob://container/prefix
//	file:///abs/folder (gocloud's fileblob, with its query parameters)
//
// The URL's path is a key prefix: keys in the Store are relative to it.
// For a bucket, Open lists at most one key under the prefix, so that a
// missing bucket, bad credentials or a refused listing are reported here,
// naming loc, rather than on every object. Close releases the bucket.
func Open(ctx context.Context, loc string) (*Store, error) {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return nil, errors.New("empty location (want a folder or a URL such as s3://bucket/prefix)")
	}
	if !IsURL(loc) {
		return openDir(loc)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid URL: %w", loc, unwrapURLError(err))
	}
	display := strings.TrimRight(displayURL(u), "/")
	var b *blob.Bucket
	fileRoot := ""
	switch u.Scheme {
	case "file":
		// fileblob takes the whole path as its folder: no prefix.
		b, err = blob.OpenBucket(ctx, loc)
		if err != nil {
			return nil, fileblobOpenError(display, u, err)
		}
		fileRoot = filepath.FromSlash(u.Path)
	case "s3", "gs", "azblob":
		if !blob.DefaultURLMux().ValidBucketScheme(u.Scheme) {
			return nil, fmt.Errorf("%s: this windpm was built without the %s driver (build tag windpm_no%s)", display, u.Scheme, driverTag[u.Scheme])
		}
		if u.Host == "" {
			return nil, fmt.Errorf("%s: no bucket in the URL (want %s://bucket/prefix)", display, u.Scheme)
		}
		prefix := strings.Trim(u.Path, "/")
		bu := *u
		bu.Path, bu.RawPath = "", ""
		b, err = blob.OpenBucket(ctx, bu.String())
		if err != nil {
			return nil, fmt.Errorf("%s: %s", display, oneLine(err.Error()))
		}
		if prefix != "" {
			b = blob.PrefixedBucket(b, prefix+"/")
		}
	default:
		return nil, fmt.Errorf("%s: unknown storage scheme %q (known: %s, or a local path)", display, u.Scheme, strings.Join(Schemes, ", "))
	}
	s := &Store{loc: display, bucket: b, fileRoot: fileRoot}
	if _, _, err := b.ListPage(ctx, blob.FirstPageToken, 1, nil); err != nil {
		b.Close()
		return nil, s.bucketError(err)
	}
	return s, nil
}

// FromBucket returns a Store over a bucket the caller opened (a memblob in
// a test, a bucket with options a URL cannot give); name stands for it in
// messages. Close closes b.
func FromBucket(name string, b *blob.Bucket) *Store {
	return &Store{loc: trimSlash(name), bucket: b}
}

func openDir(path string) (*Store, error) {
	dir := filepath.Clean(path)
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return nil, fmt.Errorf("%s: not a folder", path)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, newError(path, err)
	}
	return &Store{loc: trimSlash(path), dir: dir}, nil
}

// trimSlash drops trailing '/' from a path, except from the root.
func trimSlash(p string) string {
	if t := strings.TrimRight(p, "/"); t != "" {
		return t
	}
	return p[:min(len(p), 1)]
}

// String returns the location as messages name it: as given, without a
// trailing '/', and for a URL without its query and any password.
func (s *Store) String() string { return s.loc }

// IsLocal reports whether the Store is a local folder (a plain path).
func (s *Store) IsLocal() bool { return s.bucket == nil }

// Dir returns the folder of a local Store, "" for a bucket.
func (s *Store) Dir() string { return s.dir }

// URL returns the name of key's object for messages: the location joined
// with key by '/' (a path for a local Store).
func (s *Store) URL(key string) string {
	if s.bucket == nil {
		return filepath.Join(s.loc, filepath.FromSlash(key))
	}
	return s.loc + "/" + key
}

// Close releases the bucket of a URL Store; for a local one it does
// nothing.
func (s *Store) Close() error {
	if s.bucket == nil {
		return nil
	}
	if err := s.bucket.Close(); err != nil {
		return fmt.Errorf("%s: %s", s.loc, oneLine(err.Error()))
	}
	return nil
}

// checkKey refuses keys that are not a clean relative '/'-path: empty,
// absolute, with "." or ".." elements, empty elements or a backslash
// (which would name another object on a local folder than on a bucket).
func (s *Store) checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("%s: empty key", s.loc)
	}
	if strings.HasPrefix(key, "/") || strings.ContainsRune(key, '\\') || strings.ContainsRune(key, 0) {
		return fmt.Errorf("%s: invalid key %q (want a relative path with '/')", s.loc, key)
	}
	for _, el := range strings.Split(key, "/") {
		if el == "" || el == "." || el == ".." {
			return fmt.Errorf("%s: invalid key %q (want a relative path with '/', no '.' or '..')", s.loc, key)
		}
	}
	return nil
}

// isS3 reports whether the Store is an s3blob bucket.
func (s *Store) isS3() bool {
	return s.bucket != nil && isS3(s.bucket)
}

// localPath is the file of key in a local Store.
func (s *Store) localPath(key string) string {
	return filepath.Join(s.dir, filepath.FromSlash(key))
}

// displayURL is u as messages name it: without its query (endpoint,
// region and other driver parameters) and without a password.
func displayURL(u *url.URL) string {
	c := *u
	c.RawQuery, c.ForceQuery = "", false
	if u.User != nil {
		c.User = url.User(u.User.Username())
	}
	return c.String()
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// fileblobOpenError names the folder of a file:// URL that fileblob could
// not open.
func fileblobOpenError(display string, u *url.URL, err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return &Error{URL: display, Kind: ErrNoBucket, Err: err, what: "no such folder"}
	}
	msg := err.Error()
	// fileblob's messages repeat the URL: "open bucket file:///x: …".
	if i := strings.Index(msg, u.String()+": "); i >= 0 {
		msg = msg[i+len(u.String())+2:]
	}
	return fmt.Errorf("%s: %s", display, oneLine(msg))
}
