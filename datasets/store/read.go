package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"gocloud.dev/blob"
)

// Reader reads one object from start to end (one GET on a bucket). It
// belongs to one goroutine; Close it.
type Reader struct {
	name    string
	r       io.ReadCloser
	size    int64
	modTime time.Time
}

// Open opens the object key for reading as a stream.
func (s *Store) Open(ctx context.Context, key string) (*Reader, error) {
	if err := s.checkKey(key); err != nil {
		return nil, err
	}
	name := s.URL(key)
	if s.bucket == nil {
		f, st, err := openFile(name, s.localPath(key))
		if err != nil {
			return nil, err
		}
		return &Reader{name: name, r: f, size: st.Size(), modTime: st.ModTime()}, nil
	}
	r, err := s.bucket.NewReader(ctx, key, readerOptions)
	if err != nil {
		return nil, newError(name, err)
	}
	return &Reader{name: name, r: r, size: r.Size(), modTime: r.ModTime()}, nil
}

// openFile opens a local regular file.
func openFile(name, path string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, newError(name, err)
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = &Error{URL: name, Kind: ErrNotFound, what: "not a file"}
	}
	if err != nil {
		f.Close()
		return nil, nil, newError(name, err)
	}
	return f, st, nil
}

// Read reads the next bytes of the object.
func (r *Reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = newError(r.name, err)
	}
	return n, err
}

// Size returns the object's length in bytes.
func (r *Reader) Size() int64 { return r.size }

// ModTime returns when the object was last written.
func (r *Reader) ModTime() time.Time { return r.modTime }

// Close ends the read.
func (r *Reader) Close() error {
	return newError(r.name, r.r.Close())
}

// ReadAll returns the content of the object key.
func (s *Store) ReadAll(ctx context.Context, key string) ([]byte, error) {
	r, err := s.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	buf := make([]byte, 0, r.Size())
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			// Grown since Open (a local file being appended to): read on.
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// OpenRange opens n bytes of the object key from offset off (n < 0: to the
// end). A range past the end is cut at the end.
func (s *Store) OpenRange(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	if err := s.checkKey(key); err != nil {
		return nil, err
	}
	if off < 0 {
		return nil, fmt.Errorf("%s: negative offset %d", s.URL(key), off)
	}
	name := s.URL(key)
	if s.bucket == nil {
		f, st, err := openFile(name, s.localPath(key))
		if err != nil {
			return nil, err
		}
		if n < 0 {
			n = st.Size() - off
		}
		return struct {
			io.Reader
			io.Closer
		}{io.NewSectionReader(f, off, max(n, 0)), f}, nil
	}
	r, err := s.bucket.NewRangeReader(ctx, key, off, n, readerOptions)
	if err != nil {
		return nil, newError(name, err)
	}
	return &Reader{name: name, r: r, size: r.Size(), modTime: r.ModTime()}, nil
}

// ReaderAt reads an object at any offset, for readers that need random
// access (a MAT file's index, a Parquet footer). On a bucket each ReadAt
// is a ranged GET; reads of at most BlockSize bytes are served from the
// aligned block of BlockSize bytes holding them, fetched once and kept
// until a read needs another block, so that many small reads of one
// header cost one request. It is safe for concurrent use; Close it.
type ReaderAt struct {
	name    string
	size    int64
	modTime time.Time
	f       *os.File // a local file
	// A bucket's object, and the last block fetched.
	ctx    context.Context
	bucket *blob.Bucket
	key    string
	mu     sync.Mutex
	off    int64
	block  []byte
}

// BlockSize is the block a ReaderAt on a bucket fetches for a small read.
const BlockSize = 1 << 20

// OpenReaderAt opens the object key for random access. On a bucket it
// costs one request for the object's attributes (its size); ctx then
// serves every ReadAt.
func (s *Store) OpenReaderAt(ctx context.Context, key string) (*ReaderAt, error) {
	if err := s.checkKey(key); err != nil {
		return nil, err
	}
	name := s.URL(key)
	if s.bucket == nil {
		f, st, err := openFile(name, s.localPath(key))
		if err != nil {
			return nil, err
		}
		return &ReaderAt{name: name, size: st.Size(), modTime: st.ModTime(), f: f}, nil
	}
	a, err := s.bucket.Attributes(ctx, key)
	if err != nil {
		return nil, newError(name, err)
	}
	return &ReaderAt{name: name, size: a.Size, modTime: a.ModTime, ctx: ctx, bucket: s.bucket, key: key}, nil
}

// Size returns the object's length in bytes, as opened.
func (r *ReaderAt) Size() int64 { return r.size }

// ModTime returns when the object was last written, as opened.
func (r *ReaderAt) ModTime() time.Time { return r.modTime }

// ReadAt reads len(p) bytes from offset off (io.ReaderAt: fewer only at
// the end, with io.EOF).
func (r *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("%s: negative offset %d", r.name, off)
	}
	if r.f != nil {
		n, err := r.f.ReadAt(p, off)
		if err != nil && err != io.EOF {
			err = newError(r.name, err)
		}
		return n, err
	}
	if off >= r.size {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	want := int64(len(p))
	if off+want > r.size {
		p = p[:r.size-off]
	}
	var n int
	var err error
	if start := off / BlockSize * BlockSize; off+int64(len(p)) <= start+BlockSize {
		n, err = r.fromBlock(p, off, start)
	} else {
		n, err = r.fetch(p, off)
	}
	if err == nil && int64(n) < want {
		err = io.EOF
	}
	return n, err
}

// fromBlock copies p from the block starting at start, fetching it unless
// it is the one kept.
func (r *ReaderAt) fromBlock(p []byte, off, start int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.block == nil || r.off != start {
		buf := make([]byte, min(BlockSize, r.size-start))
		n, err := r.fetch(buf, start)
		if err != nil {
			return 0, err
		}
		r.block, r.off = buf[:n], start
	}
	if off-start >= int64(len(r.block)) {
		return 0, io.EOF
	}
	return copy(p, r.block[off-start:]), nil
}

// fetch reads p from off with one ranged GET.
func (r *ReaderAt) fetch(p []byte, off int64) (int, error) {
	rr, err := r.bucket.NewRangeReader(r.ctx, r.key, off, int64(len(p)), readerOptions)
	if err != nil {
		return 0, newError(r.name, err)
	}
	defer rr.Close()
	n, err := io.ReadFull(rr, p)
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		// The object shrank since it was opened.
		return n, fmt.Errorf("%s: object changed while read (%d bytes at %d, size was %d)", r.name, n, off, r.size)
	}
	if err != nil {
		return n, newError(r.name, err)
	}
	return n, nil
}

// Close releases the reader.
func (r *ReaderAt) Close() error {
	if r.f != nil {
		return newError(r.name, r.f.Close())
	}
	return nil
}

// readerOptions apply the drivers' read options (see s3ReadOptions).
var readerOptions = &blob.ReaderOptions{BeforeRead: func(as func(any) bool) error {
	s3ReadOptions(as)
	return nil
}}
