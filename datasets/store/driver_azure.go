//go:build !windpm_noazure

package store

import (
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // registers azblob://
)

// azureETag returns the ETag of an Azure listing entry.
func azureETag(o *blob.ListObject) (string, bool) {
	var it container.BlobItem
	if o.As(&it) && it.Properties != nil && it.Properties.ETag != nil {
		return strings.Trim(string(*it.Properties.ETag), `"`), true
	}
	return "", false
}
