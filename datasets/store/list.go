package store

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gocloud.dev/blob"
)

// Object describes one object of a Store.
type Object struct {
	// Key is the object's name relative to the Store, with '/'.
	Key string
	// Size is its length in bytes.
	Size int64
	// ModTime is when it was last written (for S3, GCS and Azure: when
	// the upload completed).
	ModTime time.Time
	// ETag is the backend's entity tag, without quotes: S3, GCS and Azure
	// have one (S3's is the MD5 of a single-part upload); "" for a local
	// folder and fileblob.
	ETag string
	// MD5 is the content's MD5 when the backend knows it (S3 single-part
	// uploads without KMS encryption, from the ETag; GCS; Azure when set
	// by the writer; fileblob's own writes), else nil.
	MD5 []byte
}

// List returns the objects whose keys start with prefix ("" for all), in
// increasing byte order of key for a local folder, S3, GCS and Azure
// (fileblob gives its folder-walk order). Keys with an element that starts
// with '.' after the prefix's last '/' are skipped (hidden files and
// folders, temporary files of writes in progress). Listing streams: a
// bucket is read a page of 1,000 keys at a time and a folder one folder at
// a time, so memory does not grow with the number of objects. An error
// ends the sequence; it is the last pair yielded.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[Object, error] {
	if s.bucket == nil {
		return s.listDir(ctx, prefix)
	}
	return func(yield func(Object, error) bool) {
		it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
		for {
			o, err := it.Next(ctx)
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(Object{}, newError(s.URL(prefix), err))
				return
			}
			if o.IsDir || hiddenAfter(o.Key, prefix) {
				continue
			}
			obj := Object{Key: o.Key, Size: o.Size, ModTime: o.ModTime, MD5: o.MD5, ETag: listETag(o)}
			if !yield(obj, nil) {
				return
			}
		}
	}
}

// hiddenAfter reports whether key has an element starting with '.' after
// the last '/' of prefix.
func hiddenAfter(key, prefix string) bool {
	rest := key[strings.LastIndexByte(prefix, '/')+1:]
	for rest != "" {
		if rest[0] == '.' {
			return true
		}
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
	}
	return false
}

// listDir lists a local folder in key order: each folder's entries are
// sorted with folder names followed by '/', which is the byte order of
// the keys below them.
func (s *Store) listDir(ctx context.Context, prefix string) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		if _, err := os.Stat(s.dir); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				yield(Object{}, &Error{URL: s.loc, Kind: ErrNoBucket, Err: err, what: "no such folder"})
			} else {
				yield(Object{}, newError(s.loc, err))
			}
			return
		}
		// Start from the deepest folder the prefix names: nothing outside
		// it can match.
		start := ""
		if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
			start = prefix[:i+1]
		}
		if start != "" {
			if err := s.checkKey(strings.TrimSuffix(start, "/")); err != nil {
				yield(Object{}, err)
				return
			}
			if st, err := os.Stat(s.localPath(start)); err != nil || !st.IsDir() {
				return // an empty listing, as for a bucket
			}
		}
		s.walk(ctx, start, prefix, yield)
	}
}

// walk yields the objects under the folder of key prefix dir ("" or ending
// in '/') that start with prefix; it returns false when the caller
// stopped or an error was yielded.
func (s *Store) walk(ctx context.Context, dir, prefix string, yield func(Object, error) bool) bool {
	if err := ctx.Err(); err != nil {
		yield(Object{}, err)
		return false
	}
	path := s.dir
	if dir != "" {
		path = s.localPath(strings.TrimSuffix(dir, "/"))
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		yield(Object{}, newError(s.URL(dir), err))
		return false
	}
	type entry struct {
		name string // with '/' for a folder
		de   fs.DirEntry
	}
	list := make([]entry, 0, len(entries))
	for _, de := range entries {
		if strings.HasPrefix(de.Name(), ".") {
			continue
		}
		name := de.Name()
		if de.IsDir() {
			name += "/"
		}
		list = append(list, entry{name, de})
	}
	slices.SortFunc(list, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	for _, e := range list {
		key := dir + e.name
		if strings.HasSuffix(e.name, "/") {
			// Descend only where keys can still match the prefix.
			if strings.HasPrefix(key, prefix) || strings.HasPrefix(prefix, key) {
				if !s.walk(ctx, key, prefix, yield) {
					return false
				}
			}
			continue
		}
		if !strings.HasPrefix(key, prefix) {
			continue
		}
		// Follow a symbolic link to a file; skip one to a folder (no
		// cycles) and anything that is not a regular file.
		st, err := os.Stat(filepath.Join(path, e.de.Name()))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed since the folder was read, or a dangling link
			}
			yield(Object{}, newError(s.URL(key), err))
			return false
		}
		if !st.Mode().IsRegular() {
			continue
		}
		if !yield(Object{Key: key, Size: st.Size(), ModTime: st.ModTime()}, nil) {
			return false
		}
	}
	return true
}

// Stat returns the object key's description (an Error of kind ErrNotFound
// when there is none).
func (s *Store) Stat(ctx context.Context, key string) (Object, error) {
	if err := s.checkKey(key); err != nil {
		return Object{}, err
	}
	if s.bucket == nil {
		st, err := os.Stat(s.localPath(key))
		if err != nil {
			return Object{}, newError(s.URL(key), err)
		}
		if !st.Mode().IsRegular() {
			return Object{}, &Error{URL: s.URL(key), Kind: ErrNotFound, what: "not a file"}
		}
		return Object{Key: key, Size: st.Size(), ModTime: st.ModTime()}, nil
	}
	a, err := s.bucket.Attributes(ctx, key)
	if err != nil {
		return Object{}, newError(s.URL(key), err)
	}
	return Object{Key: key, Size: a.Size, ModTime: a.ModTime, ETag: strings.Trim(a.ETag, `"`), MD5: a.MD5}, nil
}

// Delete removes the object key (an Error of kind ErrNotFound when there
// is none).
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.checkKey(key); err != nil {
		return err
	}
	if s.bucket == nil {
		return newError(s.URL(key), os.Remove(s.localPath(key)))
	}
	return newError(s.URL(key), s.bucket.Delete(ctx, key))
}
