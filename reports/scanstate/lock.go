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
	// folder is the folder lock a shard holds shared (nil otherwise).
	folder *os.File
	shared bool
	// Stale describes the previous holder when the lock file named one
	// that no longer holds it (a scan that was killed).
	Stale *Holder
}

// Acquire takes the lock of output folder out (of its shard, when shard
// is not ""), creating out and the state folder if needed. It fails at
// once with a *LockedError when another process holds it. A whole-fleet
// scan holds StateDir/lock exclusively; a shard holds it shared and its
// own StateDir/<shard>/lock exclusively: shards of one folder run at once,
// and neither runs beside a whole-fleet scan.
func Acquire(out, shard string) (*Lock, error) {
	if shard == "" {
		return acquire(out, filepath.Join(out, StateDir), false)
	}
	if checkKey(shard) != nil {
		return nil, fmt.Errorf("scan state: %q is not a shard name", shard)
	}
	folder, err := acquire(out, filepath.Join(out, StateDir), true)
	if err != nil {
		return nil, err
	}
	l, err := acquire(out, filepath.Join(out, StateDir, shard), false)
	if err != nil {
		folder.Release()
		return nil, err
	}
	l.folder = folder.f
	return l, nil
}

// acquire takes the lock file in dir, exclusive (recording the holder)
// or shared.
func acquire(out, dir string, shared bool) (*Lock, error) {
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
	if err := tryLock(f, shared); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, &LockedError{Dir: out, Holder: prev}
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l := &Lock{f: f, shared: shared}
	if shared {
		// Shared holders leave the file alone: it names the last
		// exclusive holder.
		return l, nil
	}
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
	if !l.shared {
		_ = l.f.Truncate(0)
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	if l.folder != nil {
		if uerr := unlock(l.folder); err == nil {
			err = uerr
		}
		l.folder.Close()
	}
	return err
}
