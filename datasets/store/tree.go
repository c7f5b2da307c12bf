package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Child is one entry directly under a key prefix: an object, or a
// "folder" (the common prefix of deeper keys).
type Child struct {
	// Name is the entry's name below the prefix, without a trailing '/'.
	Name string
	// Dir says that Name stands for keys below prefix+Name+"/".
	Dir bool
	// Object describes an object (zero for a Dir).
	Object Object
}

// Children returns the entries directly under the key prefix dir ("" for
// the top, otherwise ending in '/'), in increasing byte order of their
// names, skipping names that start with '.' (as List does). A bucket is
// listed with the delimiter '/', a page of 1,000 at a time; a local
// folder is read whole (one folder). A prefix with nothing under it is an
// empty listing, not an error.
func (s *Store) Children(ctx context.Context, dir string) iter.Seq2[Child, error] {
	return func(yield func(Child, error) bool) {
		if dir != "" && !strings.HasSuffix(dir, "/") {
			yield(Child{}, fmt.Errorf("%s: Children of %q: the prefix must end in '/'", s.loc, dir))
			return
		}
		if s.bucket == nil {
			s.localChildren(ctx, dir, yield)
			return
		}
		it := s.bucket.List(&blob.ListOptions{Prefix: dir, Delimiter: "/"})
		for {
			o, err := it.Next(ctx)
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(Child{}, newError(s.URL(dir), err))
				return
			}
			name := strings.TrimSuffix(strings.TrimPrefix(o.Key, dir), "/")
			if name == "" || strings.HasPrefix(name, ".") {
				continue
			}
			c := Child{Name: name, Dir: o.IsDir}
			if !o.IsDir {
				c.Object = Object{Key: o.Key, Size: o.Size, ModTime: o.ModTime, ETag: listETag(o), MD5: o.MD5}
			}
			if !yield(c, nil) {
				return
			}
		}
	}
}

func (s *Store) localChildren(ctx context.Context, dir string, yield func(Child, error) bool) {
	if err := ctx.Err(); err != nil {
		yield(Child{}, err)
		return
	}
	path := s.dir
	if dir != "" {
		if err := s.checkKey(strings.TrimSuffix(dir, "/")); err != nil {
			yield(Child{}, err)
			return
		}
		path = s.localPath(strings.TrimSuffix(dir, "/"))
	}
	entries, err := os.ReadDir(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		yield(Child{}, newError(s.URL(dir), err))
		return
	}
	var out []Child
	for _, de := range entries {
		name := de.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		st, err := os.Stat(s.localPath(dir + name))
		if err != nil {
			continue // removed since the folder was read, or a dangling link
		}
		switch {
		case st.IsDir():
			out = append(out, Child{Name: name, Dir: true})
		case st.Mode().IsRegular():
			out = append(out, Child{Name: name, Object: Object{Key: dir + name, Size: st.Size(), ModTime: st.ModTime()}})
		}
	}
	slices.SortFunc(out, func(a, b Child) int { return strings.Compare(a.Name, b.Name) })
	for _, c := range out {
		if !yield(c, nil) {
			return
		}
	}
}

// DeleteAll removes every object whose key starts with prefix (which ends
// in '/'), hidden ones included (temporary files of interrupted writes);
// on a local folder it removes the folder. Nothing there is not an error.
func (s *Store) DeleteAll(ctx context.Context, prefix string) error {
	if !strings.HasSuffix(prefix, "/") {
		return fmt.Errorf("%s: DeleteAll of %q: the prefix must end in '/'", s.loc, prefix)
	}
	if err := s.checkKey(strings.TrimSuffix(prefix, "/")); err != nil {
		return err
	}
	if s.bucket == nil {
		return newError(s.URL(prefix), os.RemoveAll(s.localPath(strings.TrimSuffix(prefix, "/"))))
	}
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return newError(s.URL(prefix), err)
		}
		if o.IsDir {
			continue
		}
		if err := s.bucket.Delete(ctx, o.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return newError(s.URL(o.Key), err)
		}
	}
}

// ErrExists is returned by CreateNew when the object already exists.
var ErrExists = errors.New("object exists")

// CreateNew writes data as the object key only if there is none yet; it
// returns an error matching ErrExists if there is one. Of writers racing
// for one key exactly one succeeds: on a bucket by a conditional write
// (S3 If-None-Match: *, GCS ifGenerationMatch=0, Azure If-None-Match: *);
// on a local folder by an exclusive create, written in place (not atomic:
// for small markers such as a lock); on file:// by a hard link of a
// complete temporary file (fileblob's own conditional write checks, then
// renames, and two writers can both pass the check).
func (s *Store) CreateNew(ctx context.Context, key string, data []byte) error {
	if err := s.checkKey(key); err != nil {
		return err
	}
	name := s.URL(key)
	if s.fileRoot != "" && plainKey(key) {
		return createLinked(name, filepath.Join(s.fileRoot, filepath.FromSlash(key)), data)
	}
	if s.bucket == nil {
		p := s.localPath(key)
		if err := os.MkdirAll(localDir(p), 0o755); err != nil {
			return newError(name, err)
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", name, ErrExists)
		}
		if err != nil {
			return newError(name, err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			os.Remove(p)
			return newError(name, err)
		}
		return newError(name, f.Close())
	}
	err := s.bucket.Upload(ctx, key, bytes.NewReader(data), &blob.WriterOptions{IfNotExist: true, ContentType: "application/json"})
	if gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return fmt.Errorf("%s: %w", name, ErrExists)
	}
	return newError(name, err)
}

// localDir is the folder of a local file path.
func localDir(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i > 0 {
		return p[:i]
	}
	return "."
}

// plainKey reports whether fileblob stores key under its own name (no
// character it escapes).
func plainKey(key string) bool {
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._=-/", r)) {
			return false
		}
	}
	return !strings.Contains(key, "..")
}

// createLinked writes data to a temporary file beside path and links it to
// path, which fails if path exists: the object appears complete, once.
func createLinked(name, path string, data []byte) error {
	if err := os.MkdirAll(localDir(path), 0o755); err != nil {
		return newError(name, err)
	}
	f, err := os.CreateTemp(localDir(path), ".createnew-*")
	if err != nil {
		return newError(name, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return newError(name, err)
	}
	if err := f.Close(); err != nil {
		return newError(name, err)
	}
	if err := os.Link(f.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", name, ErrExists)
		}
		return newError(name, err)
	}
	return nil
}

// PutFolder copies every file under the local folder dir into the store,
// each as the object of its path relative to dir (with '/'), and returns
// how many it copied. For loading a fleet into a bucket (tests, the
// s3server tool, a first upload by hand).
func (s *Store) PutFolder(ctx context.Context, dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		n++
		return s.WriteFile(ctx, filepath.ToSlash(rel), func(w io.Writer) error {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(w, f)
			return err
		})
	})
	return n, err
}
