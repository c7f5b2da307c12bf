//go:build !unix

package scanstate

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("lock held by another process")

// Without flock there is no lock: windpm ships for Linux; other systems
// build for development only.
func tryLock(*os.File, bool) error { return nil }

func unlock(*os.File) error { return nil }
