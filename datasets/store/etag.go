package store

import (
	"strings"

	"cloud.google.com/go/storage"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"gocloud.dev/blob"
)

// listETag returns the entity tag a listing carries, without quotes. The
// portable blob.ListObject has none (only Attributes has), so it is read
// from each driver's own listing type; "" for fileblob.
func listETag(o *blob.ListObject) string {
	var s3o s3types.Object
	if o.As(&s3o) && s3o.ETag != nil {
		return strings.Trim(*s3o.ETag, `"`)
	}
	var gcs storage.ObjectAttrs
	if o.As(&gcs) {
		return strings.Trim(gcs.Etag, `"`)
	}
	var az container.BlobItem
	if o.As(&az) && az.Properties != nil && az.Properties.ETag != nil {
		return strings.Trim(string(*az.Properties.ETag), `"`)
	}
	return ""
}
