package scanstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/reports/atomicfile"
)

// Holder describes the process that holds a lock.
type Holder struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
	// Expires is when a lease on a bucket runs out unless renewed (zero
	// for a local lock).
	Expires time.Time `json:"expires,omitzero"`
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
	if !h.Expires.IsZero() {
		return fmt.Sprintf("%s: another scan is running on this location (pid %d on %s since %s; its lease runs to %s unless renewed); wait for it to finish",
			e.Dir, h.PID, h.Host, h.Since.UTC().Format(time.RFC3339), h.Expires.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("%s: another scan is running on this folder (pid %d on %s since %s); wait for it to finish",
		e.Dir, h.PID, h.Host, h.Since.UTC().Format(time.RFC3339))
}

// Lock is an exclusive lock on an output folder, held by this process.
//
// On a local folder it is an advisory file lock (flock) on StateDir/lock,
// which the kernel releases when the process dies however it dies: a lock
// left by a killed scan is stale and the next Acquire takes it over. The
// file also holds the holder's pid, host and start, for the message
// another scan prints.
//
// On a bucket it is a lease (see Acquire): the object StateDir/lock (or
// StateDir/<shard>/lock), created only if absent and renewed every
// LeaseRenew while held.
type Lock struct {
	lease *lease
	f     *os.File
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
//
// On a bucket (st not local) the lock is a lease object, written with a
// conditional create (of two scans starting at once exactly one gets it)
// and renewed every LeaseRenew; a lease not renewed for LeaseTime (its
// holder died) is stale, and the next Acquire deletes it and takes the
// lock. A shard and a whole-fleet scan each create their own lease and
// then look for the other kind's; one that finds it gives its own up and
// fails, so they never run together (two that start at the same moment
// may both fail).
func Acquire(ctx context.Context, st *store.Store, shard string) (*Lock, error) {
	if shard != "" && checkKey(shard) != nil {
		return nil, fmt.Errorf("scan state: %q is not a shard name", shard)
	}
	if !st.IsLocal() {
		return acquireLease(ctx, st, shard)
	}
	out := st.Dir()
	if shard == "" {
		return acquire(out, filepath.Join(out, StateDir), false)
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
	if l.lease != nil {
		return l.lease.release()
	}
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

// LeaseTime is how long a lease on a bucket holds without renewal, and
// LeaseRenew how often its holder renews it. A scan killed on a bucket
// blocks the next one for at most LeaseTime.
var (
	LeaseTime  = 2 * time.Minute
	LeaseRenew = 30 * time.Second
)

// lease is a lock object on a bucket, renewed by a goroutine.
type lease struct {
	ctx    context.Context
	st     *store.Store
	key    string
	holder Holder
	stop   chan struct{}
	done   sync.WaitGroup
}

func leaseKey(shard string) string {
	if shard == "" {
		return StateDir + "/lock"
	}
	return StateDir + "/" + shard + "/lock"
}

// readHolder reads the lease at key; ok is false when there is none.
func readHolder(ctx context.Context, st *store.Store, key string) (h Holder, ok bool, err error) {
	b, err := st.ReadAll(ctx, key)
	if errors.Is(err, os.ErrNotExist) {
		return Holder{}, false, nil
	}
	if err != nil {
		return Holder{}, false, err
	}
	if err := json.Unmarshal(b, &h); err != nil {
		// A lease that is not one (written by hand?) never expires on
		// its own: say so.
		return Holder{}, true, fmt.Errorf("%s: not a windpm lock (%v); remove it if no scan is running", st.URL(key), err)
	}
	return h, true, nil
}

func acquireLease(ctx context.Context, st *store.Store, shard string) (*Lock, error) {
	host, _ := os.Hostname()
	now := time.Now().UTC().Truncate(time.Second)
	l := &lease{ctx: context.WithoutCancel(ctx), st: st, key: leaseKey(shard), holder: Holder{PID: os.Getpid(), Host: host, Since: now, Expires: now.Add(LeaseTime)}}
	b, _ := json.Marshal(l.holder)
	var stale *Holder
	for attempt := 0; ; attempt++ {
		err := st.CreateNew(ctx, l.key, b)
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrExists) || attempt > 0 {
			if errors.Is(err, store.ErrExists) {
				h, _, _ := readHolder(ctx, st, l.key)
				return nil, &LockedError{Dir: st.String(), Holder: h}
			}
			return nil, err
		}
		h, ok, err := readHolder(ctx, st, l.key)
		if err != nil {
			return nil, err
		}
		if ok && time.Now().Before(h.Expires) {
			return nil, &LockedError{Dir: st.String(), Holder: h}
		}
		if ok {
			stale = &h
			if err := st.Delete(ctx, l.key); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
		}
	}
	// The other kind of scan: a whole-fleet scan looks for shards'
	// leases, a shard for the whole-fleet lease.
	other, err := otherLease(ctx, st, shard)
	if err == nil && other != nil {
		err = &LockedError{Dir: st.String(), Holder: *other}
	}
	if err != nil {
		_ = st.Delete(l.ctx, l.key)
		return nil, err
	}
	l.stop = make(chan struct{})
	l.done.Add(1)
	go l.renew()
	return &Lock{lease: l, Stale: stale}, nil
}

// otherLease returns a live lease of the other kind of scan, if any.
func otherLease(ctx context.Context, st *store.Store, shard string) (*Holder, error) {
	var keys []string
	if shard != "" {
		keys = []string{leaseKey("")}
	} else {
		for c, err := range st.Children(ctx, StateDir+"/") {
			if err != nil {
				return nil, err
			}
			if c.Dir && checkKey(c.Name) == nil && c.Name != "turbines" {
				keys = append(keys, leaseKey(c.Name))
			}
		}
	}
	for _, k := range keys {
		h, ok, err := readHolder(ctx, st, k)
		if err != nil {
			return nil, err
		}
		if ok && time.Now().Before(h.Expires) {
			return &h, nil
		}
	}
	return nil, nil
}

// renew rewrites the lease with a later expiry every LeaseRenew until
// release.
func (l *lease) renew() {
	defer l.done.Done()
	t := time.NewTicker(LeaseRenew)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			h := l.holder
			h.Expires = time.Now().UTC().Truncate(time.Second).Add(LeaseTime)
			b, _ := json.Marshal(h)
			// A failed renewal is retried at the next tick; the lease
			// holds for LeaseTime, four renewals.
			_ = l.st.WriteFile(l.ctx, l.key, func(w io.Writer) error {
				_, err := w.Write(b)
				return err
			})
		}
	}
}

// release stops the renewals and deletes the lease.
func (l *lease) release() error {
	close(l.stop)
	l.done.Wait()
	if err := l.st.Delete(l.ctx, l.key); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
