//go:build windpm_nos3

package store

import "gocloud.dev/blob"

// Built with -tags windpm_nos3: no S3 driver.

func isS3(*blob.Bucket) bool                 { return false }
func s3ETag(*blob.ListObject) (string, bool) { return "", false }
func s3ReadOptions(func(any) bool)           {}
