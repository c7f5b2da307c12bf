package store

import "gocloud.dev/blob"

// listETag returns the entity tag a listing carries, without quotes. The
// portable blob.ListObject has none (only Attributes has), so it is read
// from each driver's own listing type; "" for fileblob.
func listETag(o *blob.ListObject) string {
	for _, f := range []func(*blob.ListObject) (string, bool){s3ETag, gcsETag, azureETag} {
		if etag, ok := f(o); ok {
			return etag
		}
	}
	return ""
}
