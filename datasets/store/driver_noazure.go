//go:build windpm_noazure

package store

import "gocloud.dev/blob"

// Built with -tags windpm_noazure: no Azure driver.

func azureETag(*blob.ListObject) (string, bool) { return "", false }
