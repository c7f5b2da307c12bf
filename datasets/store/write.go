package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"path/filepath"

	"gocloud.dev/blob"

	"github.com/windpm/windpm/reports/atomicfile"
)

// Writer writes one object that becomes visible only when Commit
// succeeds: until then readers see the old object or none, and Abort, a
// failed Commit or a dead process leaves it so.
//
//   - Local folder: reports/atomicfile; bytes go to a hidden temporary file
//     (".name.tmp-*") in the object's folder, which Commit syncs and
//     renames into place. A killed process leaves the temporary file
//     (List skips it; reports/scanstate removes its own).
//   - S3: bytes are buffered and sent as one PUT on Commit, or, past the
//     part size (8 MiB), as a multipart upload (up to 5 parts of 8 MiB in
//     memory) completed by Commit. Abort ends the upload with an error
//     and the SDK aborts the multipart upload, deleting its parts. A
//     killed process, or a cancelled ctx, leaves an incomplete multipart
//     upload: invisible to GET and LIST, but stored until the bucket's
//     AbortIncompleteMultipartUpload lifecycle rule removes it.
//   - GCS: one request on Commit or, past the chunk size (16 MiB), a
//     resumable upload finalised by Commit; an unfinished one is
//     invisible and its session expires after a week.
//   - Azure: blocks staged and committed by the block list on Commit;
//     uncommitted blocks are invisible and discarded after a week.
//   - fileblob (file://): a temporary file in os.TempDir (or, with
//     no_tmp_dir, next to the object as "name.<hex>.tmp") renamed on
//     Commit, without a sync to disk.
//
// A Writer belongs to one goroutine.
type Writer struct {
	name   string
	local  *atomicfile.File
	bw     *blob.Writer
	cancel context.CancelFunc
	// S3: bytes go through a pipe to Bucket.Upload, which sets
	// uploadErr and closes uploaded when it returns.
	pw        *io.PipeWriter
	uploaded  chan struct{}
	uploadErr error
	err       error // the first write error: Commit then aborts
	done      bool
}

// errAborted ends an S3 upload's input on Abort.
var errAborted = errors.New("write aborted")

// Create starts writing the object key (created or replaced on Commit).
// Local folders it needs are made. On a bucket ctx bounds the whole
// upload: cancelling it makes Commit fail (use Abort to give up a write).
func (s *Store) Create(ctx context.Context, key string) (*Writer, error) {
	if err := s.checkKey(key); err != nil {
		return nil, err
	}
	name := s.URL(key)
	if s.bucket == nil {
		p := s.localPath(key)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, newError(name, err)
		}
		f, err := atomicfile.Create(p)
		if err != nil {
			return nil, newError(name, atomicfile.UnwrapPathError(errors.Unwrap(err)))
		}
		return &Writer{name: name, local: f}, nil
	}
	wctx, cancel := context.WithCancel(ctx)
	opts := &blob.WriterOptions{ContentType: mime.TypeByExtension(path.Ext(key))}
	if s.isS3() {
		// The S3 SDK's transfer manager aborts a multipart upload whose
		// input fails, but not one whose context is cancelled (its abort
		// request would carry the cancelled context, and the parts would
		// stay). So Abort fails the input of Bucket.Upload instead.
		if opts.ContentType == "" {
			opts.ContentType = "application/octet-stream"
		}
		pr, pw := io.Pipe()
		w := &Writer{name: name, cancel: cancel, pw: pw, uploaded: make(chan struct{})}
		go func() {
			w.uploadErr = s.bucket.Upload(wctx, key, pr, opts)
			// Unblock a Write waiting on a failed upload.
			pr.CloseWithError(cmpOr(w.uploadErr, errAborted))
			close(w.uploaded)
		}()
		return w, nil
	}
	bw, err := s.bucket.NewWriter(wctx, key, opts)
	if err != nil {
		cancel()
		return nil, newError(name, err)
	}
	return &Writer{name: name, bw: bw, cancel: cancel}, nil
}

// Write appends p to the object. On a bucket an error may show only at
// Commit.
func (w *Writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, fmt.Errorf("%s: write after commit or abort", w.name)
	}
	if w.err != nil {
		return 0, w.err
	}
	var n int
	var err error
	switch {
	case w.local != nil:
		n, err = w.local.Write(p)
		if err != nil {
			err = newError(w.name, atomicfile.UnwrapPathError(errors.Unwrap(err)))
		}
	case w.pw != nil:
		n, err = w.pw.Write(p)
		if err != nil {
			// The upload failed: its error says why.
			<-w.uploaded
			err = newError(w.name, cmpOr(w.uploadErr, err))
		}
	default:
		n, err = w.bw.Write(p)
		if err != nil {
			err = newError(w.name, err)
		}
	}
	if err != nil {
		w.err = err
	}
	return n, err
}

// Commit makes the object visible with everything written. After a write
// error, or when it fails, nothing is made visible and the error is
// returned.
func (w *Writer) Commit() error {
	if w.done {
		return fmt.Errorf("%s: commit after commit or abort", w.name)
	}
	if w.err != nil {
		w.Abort()
		return w.err
	}
	w.done = true
	if w.local != nil {
		if err := w.local.Commit(); err != nil {
			return newError(w.name, atomicfile.UnwrapPathError(errors.Unwrap(err)))
		}
		return nil
	}
	defer w.cancel()
	if w.pw != nil {
		w.pw.Close()
		<-w.uploaded
		return newError(w.name, w.uploadErr)
	}
	if err := w.bw.Close(); err != nil {
		return newError(w.name, err)
	}
	return nil
}

// Abort discards what was written; the old object, if any, stays. It is
// safe after Commit or more than once (then it does nothing).
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.local != nil {
		w.local.Abort()
		return
	}
	if w.pw != nil {
		w.pw.CloseWithError(errAborted)
		<-w.uploaded // the SDK has aborted the multipart upload, if any
		w.cancel()
		return
	}
	// A blob.Writer whose context is done aborts on Close: no request
	// can complete the upload any more.
	w.cancel()
	_ = w.bw.Close()
}

// WriteFile creates or replaces the object key with what write writes,
// visible only if write and the commit succeed (see Writer).
func (s *Store) WriteFile(ctx context.Context, key string, write func(w io.Writer) error) error {
	w, err := s.Create(ctx, key)
	if err != nil {
		return err
	}
	if err := write(w); err != nil {
		w.Abort()
		var se *Error
		if errors.As(err, &se) {
			return err
		}
		return fmt.Errorf("%s: %w", w.name, err)
	}
	return w.Commit()
}

// cmpOr returns the first non-nil error.
func cmpOr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
