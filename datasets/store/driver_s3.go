//go:build !windpm_nos3

package store

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob" // registers s3://
)

// isS3 reports whether b is an s3blob bucket.
func isS3(b *blob.Bucket) bool {
	var c *s3.Client
	return b.As(&c)
}

// s3ETag returns the ETag of an S3 listing entry.
func s3ETag(o *blob.ListObject) (string, bool) {
	var s3o s3types.Object
	if o.As(&s3o) && s3o.ETag != nil {
		return strings.Trim(*s3o.ETag, `"`), true
	}
	return "", false
}

// s3ReadOptions silences the S3 SDK's warning, printed to stderr on every
// read of a multipart object, that its composite checksum was not
// validated (the SDK cannot validate those).
func s3ReadOptions(as func(any) bool) {
	var opts *[]func(*s3.Options)
	if as(&opts) {
		*opts = append(*opts, func(o *s3.Options) { o.DisableLogOutputChecksumValidationSkipped = true })
	}
}
