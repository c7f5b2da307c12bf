package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// isTerminal reports whether w is a character device (a terminal), so
// that progress lines go only to people, not to logs and cron mail.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressLine returns a progress callback that redraws one line
// "label: done/total unit" on w at most ten times a second, and clears it
// when done reaches total; nil when w is not a terminal. The returned
// clear function erases the line (for an early stop).
func progressLine(w io.Writer, label, unit string) (update func(done, total int), clear func()) {
	if !isTerminal(w) {
		return nil, func() {}
	}
	var last time.Time
	update = func(done, total int) {
		if now := time.Now(); done == total || now.Sub(last) > 100*time.Millisecond {
			last = now
			fmt.Fprintf(w, "\r%s: %d/%d %s", label, done, total, unit)
			if done == total {
				fmt.Fprint(w, "\r\033[K")
			}
		}
	}
	return update, func() { fmt.Fprint(w, "\r\033[K") }
}
