package scanstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/windpm/windpm/reports/atomicfile"
)

// Holder describes the process that holds a lock.
type Holder struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
}

// LockedError reports an output folder that another scan is using.
type LockedError struct {
	Dir    string
	Holder Holder
}

func (e *LockedError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return fmt.Sprintf("%s: another scan is running on this folder", e.Dir)
	}
	return fmt.Sprintf("%s: another scan is running on this folder (pid %d on %s since %s); wait for it to finish",
		e.Dir, h.PID, h.Host, h.Since.UTC().Format(time.RFC3339))
}

// Lock is an exclusive lock on an output folder, held by this process. It
// is an advisory file lock (flock) on StateDir/lock, which the kernel
// releases when the process dies however it dies: a lock left by a killed
// scan is stale and the next Acquire takes it over. The file also holds
// the holder's pid, host and start, for the message another scan prints.
type Lock struct {
	f *os.File
	// Stale describes the previous holder when the lock file named one
	// that no longer holds it (a scan that was killed).
	Stale *Holder
}

// Acquire takes the lock of output folder out (of its shard, when shard
// is not ""), creating out and the state folder if needed. It fails at
// once with a *LockedError when another process holds it. Shards of one
// folder take different locks and run at the same time.
func Acquire(out, shard string) (*Lock, error) {
	if shard != "" && checkKey(shard) != nil {
		return nil, fmt.Errorf("scan state: %q is not a shard name", shard)
	}
	dir := filepath.Join(out, StateDir, shard)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", out, atomicfile.UnwrapPathError(err))
	}
	path := filepath.Join(dir, "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	var prev Holder
	if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
		_ = json.Unmarshal(b, &prev)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, &LockedError{Dir: out, Holder: prev}
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l := &Lock{f: f}
	if prev.PID != 0 {
		l.Stale = &prev
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Since: time.Now().UTC().Truncate(time.Second)})
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(b, '\n'), 0)
	}
	return l, nil
}

// Release clears the holder and releases the lock.
func (l *Lock) Release() error {
	_ = l.f.Truncate(0)
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	return err
}
