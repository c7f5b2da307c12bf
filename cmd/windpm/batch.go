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

// each calls fn for every source in order, stopping early when ctx is
// cancelled. fn's error counts the source as failed.
func (b *batch) each(ctx context.Context, srcs []datasets.Source, fn func(datasets.Source) error) error {
	for _, src := range srcs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(src); err != nil {
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
