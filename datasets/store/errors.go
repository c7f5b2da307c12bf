package store

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"gocloud.dev/gcerrors"

	"github.com/windpm/windpm/reports/atomicfile"
)

// The kinds of Error a caller may act on.
var (
	// ErrNotFound is the kind of an Error for an object that does not
	// exist (also matched by errors.Is(err, fs.ErrNotExist)).
	ErrNotFound = errors.New("not found")
	// ErrNoBucket is the kind of an Error for a bucket or container (or
	// the folder of a file:// URL) that does not exist (also matched by
	// fs.ErrNotExist).
	ErrNoBucket = errors.New("no such bucket")
	// ErrAccessDenied is the kind of an Error for refused credentials or
	// permissions (also matched by fs.ErrPermission).
	ErrAccessDenied = errors.New("access denied")
)

// Error is a failed storage operation: the URL (or path) of the object or
// location, and the problem. Its message is one line:
//
//	s3://bucket/fleet/WT01/x.wav: not found
//	s3://nobucket/fleet: no such bucket
//	s3://bucket/fleet: access denied (InvalidAccessKeyId: The Access Key Id you provided does not exist in our records.)
type Error struct {
	// URL names the object or the location.
	URL string
	// Kind is ErrNotFound, ErrNoBucket, ErrAccessDenied, or nil for any
	// other failure.
	Kind error
	// Err is the cause, from the driver or the operating system.
	Err error
	// what replaces Kind's text in the message (a "no such folder").
	what string
}

// Error returns "URL: problem (detail)" on one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.URL)
	b.WriteString(": ")
	switch {
	case e.what != "":
		b.WriteString(e.what)
	case e.Kind != nil:
		b.WriteString(e.Kind.Error())
	case errors.Is(e.Err, context.Canceled):
		b.WriteString("cancelled")
	case errors.Is(e.Err, context.DeadlineExceeded):
		b.WriteString("timed out")
	}
	if d := detail(e.Err); d != "" && e.Kind != ErrNotFound && e.Kind != ErrNoBucket && !e.stopped() {
		if e.Kind != nil || e.what != "" {
			b.WriteString(" (" + d + ")")
		} else {
			b.WriteString(d)
		}
	}
	return b.String()
}

// stopped reports whether the operation was cancelled or timed out, which
// the message says without the driver's account of it.
func (e *Error) stopped() bool {
	return e.Kind == nil && (errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded))
}

// Unwrap returns the kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}

// Is matches fs.ErrNotExist for ErrNotFound and ErrNoBucket and
// fs.ErrPermission for ErrAccessDenied.
func (e *Error) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e.Kind == ErrNotFound || e.Kind == ErrNoBucket
	case fs.ErrPermission:
		return e.Kind == ErrAccessDenied
	}
	return false
}

// newError classifies err, from the operating system or a gocloud driver,
// for the object or location named name.
func newError(name string, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	e := &Error{URL: name, Err: err}
	switch gcerrors.Code(err) {
	case gcerrors.Canceled, gcerrors.DeadlineExceeded:
	case gcerrors.NotFound:
		e.Kind = ErrNotFound
		if code := apiCode(err); code == "NoSuchBucket" || code == "ContainerNotFound" ||
			strings.Contains(err.Error(), "bucket doesn't exist") {
			e.Kind = ErrNoBucket
		}
	case gcerrors.PermissionDenied:
		e.Kind = ErrAccessDenied
	case gcerrors.Unknown, gcerrors.Internal:
		if deniedCodes[apiCode(err)] {
			e.Kind = ErrAccessDenied
			break
		}
		// fileblob and local files report operating system errors.
		switch {
		case errors.Is(err, fs.ErrNotExist):
			e.Kind = ErrNotFound
		case errors.Is(err, fs.ErrPermission):
			e.Kind = ErrAccessDenied
		}
	}
	return e
}

// bucketError classifies an error from the listing that Open uses to check
// the bucket: there a "not found" is the bucket's.
func (s *Store) bucketError(err error) error {
	e := newError(s.loc, err)
	if se, ok := e.(*Error); ok && se.Kind == ErrNotFound {
		se.Kind = ErrNoBucket
	}
	return e
}

// deniedCodes are the services' error codes for refused credentials that
// gocloud does not classify as PermissionDenied (S3 error codes:
// docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html; Azure:
// learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes).
var deniedCodes = map[string]bool{
	"SignatureDoesNotMatch":           true,
	"InvalidAccessKeyId":              true,
	"InvalidToken":                    true,
	"ExpiredToken":                    true,
	"TokenRefreshRequired":            true,
	"AuthenticationFailed":            true,
	"AuthorizationFailure":            true,
	"AuthorizationPermissionMismatch": true,
	"InsufficientAccountPermissions":  true,
}

// apiCode returns the service's error code (S3's "NoSuchKey",
// "AccessDenied", Azure's "ContainerNotFound"), "" when there is none.
func apiCode(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// detail is the useful part of a driver's message: the service's code and
// message when it has them, else the driver's text without gocloud's
// `blob (key "…") (code=…): ` prefix, on one line.
func detail(err error) string {
	if err == nil {
		return ""
	}
	var api interface {
		ErrorCode() string
		ErrorMessage() string
	}
	if errors.As(err, &api) && api.ErrorCode() != "" {
		if m := api.ErrorMessage(); m != "" {
			return oneLine(api.ErrorCode() + ": " + m)
		}
		return api.ErrorCode()
	}
	msg := atomicfile.UnwrapPathError(err).Error()
	if strings.HasPrefix(msg, "blob ") {
		if i := strings.Index(msg, "): "); i >= 0 {
			msg = msg[i+3:]
		}
	}
	return oneLine(msg)
}

// oneLine joins a multi-line message into one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
