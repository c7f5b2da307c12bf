//go:build windpm_nogcs

package store

import "gocloud.dev/blob"

// Built with -tags windpm_nogcs: no GCS driver.

func gcsETag(*blob.ListObject) (string, bool) { return "", false }
