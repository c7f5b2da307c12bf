//go:build unix

package s3test

import (
	"os"
	"syscall"
)

// terminate is the signal Stop sends first.
var terminate os.Signal = syscall.SIGTERM

// lockFile takes an exclusive lock on path (created if absent), waiting
// for another process that holds it; unlock releases it.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
