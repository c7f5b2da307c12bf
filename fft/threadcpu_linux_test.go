package fft

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time of the calling thread
// (getrusage(RUSAGE_THREAD), Linux), for benchmarks that also report the
// time a call takes on the CPU, which other processes on a busy machine
// do not stretch.
func threadCPU() (time.Duration, bool) {
	const rusageThread = 1 // RUSAGE_THREAD, linux/resource.h
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
