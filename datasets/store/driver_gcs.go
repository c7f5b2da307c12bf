//go:build !windpm_nogcs

package store

import (
	"strings"

	"cloud.google.com/go/storage"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/gcsblob" // registers gs://
)

// gcsETag returns the ETag of a GCS listing entry.
func gcsETag(o *blob.ListObject) (string, bool) {
	var a storage.ObjectAttrs
	if o.As(&a) {
		return strings.Trim(a.Etag, `"`), true
	}
	return "", false
}
