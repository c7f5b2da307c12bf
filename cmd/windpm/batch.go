package main

import (
	"context"
	"fmt"
	"io"

	"github.com/windpm/windpm/datasets"
)

// batch runs a command's work over many capture sources, naming each
// failure on stderr as it happens, and turns the tally into the exit
// code of DESIGN.md: 0 when all succeeded, 3 when some failed and some
// succeeded, 1 when none succeeded.
type batch struct {
	stderr       io.Writer
	done, failed int
	lastErr      error
}

// eachCapture reads every source in order with opts and calls fn for
// each of its captures, stopping early when ctx is cancelled. A read error
// or fn's error counts the source as failed and skips its remaining
// captures.
func (b *batch) eachCapture(ctx context.Context, srcs []datasets.Source, opts datasets.Options, fn func(c *datasets.Capture) error) error {
	for _, src := range srcs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := readEach(src, opts, fn); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			b.fail(err)
			continue
		}
		b.done++
	}
	return nil
}

// readEach reads one source and calls fn for each capture until an error.
func readEach(src datasets.Source, opts datasets.Options, fn func(c *datasets.Capture) error) error {
	caps, err := src.Read(opts)
	if err != nil {
		return err
	}
	for i := range caps {
		if err := fn(&caps[i]); err != nil {
			return err
		}
	}
	return nil
}

// fail counts a failed input and names it on stderr. The last error is
// kept and not printed, so that a single failure is printed once, by run.
func (b *batch) fail(err error) {
	if b.lastErr != nil {
		fmt.Fprintf(b.stderr, "windpm: %s\n", oneLine(b.lastErr.Error()))
	}
	b.failed++
	b.lastErr = err
}

// result returns the error that gives the right exit code for the tally.
func (b *batch) result() error {
	switch {
	case b.failed == 0:
		return nil
	case b.done == 0 && b.failed == 1:
		return b.lastErr
	case b.done == 0:
		return fmt.Errorf("%s; all %d inputs failed", oneLine(b.lastErr.Error()), b.failed)
	default:
		return partialErrorf("%s; %d of %d inputs failed", oneLine(b.lastErr.Error()), b.failed, b.failed+b.done)
	}
}
