//go:build !unix

package s3test

import "os"

// terminate is the signal Stop sends first.
var terminate = os.Interrupt

// lockFile does nothing where there is no flock: concurrent first builds
// then each build MinIO, and the last rename wins.
func lockFile(path string) (unlock func(), err error) {
	return func() {}, nil
}
