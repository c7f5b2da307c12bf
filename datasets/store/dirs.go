package store

import (
	"context"
	"errors"
	"net/url"
	"path"
	"strings"
	"sync"
)

// shared holds the Stores OpenShared opened, by location.
var shared struct {
	mu     sync.Mutex
	stores map[string]*sharedStore
}

// sharedStore is one location of OpenShared: opened once, by the first
// caller; the others wait for it.
type sharedStore struct {
	done chan struct{}
	st   *Store
	err  error
}

// OpenShared returns the Store of location loc (see Open), opening it on
// the first call for loc and returning the same Store to every later call
// with the same string, so that a process that names one location many
// times (a SCADA folder read by several stages) opens its bucket once. It
// is safe for concurrent use: concurrent first calls open the location
// once. A failed open is not kept (the next call tries again). The Stores
// live until the process exits: do not Close them.
func OpenShared(ctx context.Context, loc string) (*Store, error) {
	shared.mu.Lock()
	if shared.stores == nil {
		shared.stores = map[string]*sharedStore{}
	}
	if e, ok := shared.stores[loc]; ok {
		shared.mu.Unlock()
		select {
		case <-e.done:
		default:
			select {
			case <-e.done:
			case <-ctx.Done():
				return nil, &Error{URL: DisplayURL(loc), Err: ctx.Err()}
			}
		}
		if e.err == nil {
			return e.st, nil
		}
		// The first caller failed: try again (its entry is gone).
		return OpenShared(ctx, loc)
	}
	e := &sharedStore{done: make(chan struct{})}
	shared.stores[loc] = e
	shared.mu.Unlock()

	e.st, e.err = Open(ctx, loc)
	if e.err != nil {
		shared.mu.Lock()
		delete(shared.stores, loc)
		shared.mu.Unlock()
	}
	close(e.done)
	return e.st, e.err
}

// SplitURL splits the URL of an object (s3://bucket/prefix/name.csv?query)
// into the location of the folder holding it, with the URL's query
// (s3://bucket/prefix?query), and its key in that location (name.csv).
// For a URL without a path (s3://bucket) the key is "". A trailing '/' is
// dropped: s3://bucket/scada/ is the key scada of s3://bucket. The key is
// not checked; the Store's methods check it.
func SplitURL(loc string) (parent, key string, err error) {
	u, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		return "", "", errors.New(loc + ": not a valid URL: " + unwrapURLError(err).Error())
	}
	if u.Scheme == "" || u.Opaque != "" {
		return "", "", errors.New(displayURL(u) + ": not a URL of the form scheme://bucket/key")
	}
	p := strings.TrimRight(u.Path, "/")
	if p == "" || (u.Scheme == "file" && p == "/") {
		return loc, "", nil
	}
	dir, key := path.Split(p)
	c := *u
	c.Path, c.RawPath = strings.TrimRight(dir, "/"), ""
	if u.Scheme == "file" && c.Path == "" {
		c.Path = "/"
	}
	return c.String(), key, nil
}

// JoinURL returns the URL of key under the location loc, with loc's
// query: JoinURL("s3://b/p?region=x", "a/b.csv") is
// "s3://b/p/a/b.csv?region=x". It is the inverse of SplitURL.
func JoinURL(loc, key string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		return "", errors.New(loc + ": not a valid URL: " + unwrapURLError(err).Error())
	}
	c := *u
	c.Path, c.RawPath = strings.TrimRight(u.Path, "/")+"/"+key, ""
	return c.String(), nil
}

// DisplayURL returns loc as messages name it: a URL without its query
// and password (as Store.String does), a local path as given.
func DisplayURL(loc string) string {
	if !IsURL(loc) {
		return loc
	}
	u, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		return loc
	}
	return displayURL(u)
}
