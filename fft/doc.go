// Package fft holds windpm's signal-processing kernels: plans for real and
// complex FFTs of any length, windows, amplitude spectra, Welch PSD, the
// Hilbert envelope, filters, decimation and resampling, and order-domain
// resampling.
//
// Like FFTW, set-up and execution are split: NewPlan(n) does the
// expensive work once, and a plan then transforms into caller buffers
// without allocating. A plan and the analysers built on it belong to one
// goroutine; make one per worker.
//
// fft must not know about files.
package fft
