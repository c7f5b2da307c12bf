package main

import (
	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
)

// captureFlags are the flags of every command that reads captures.
type captureFlags struct {
	channel string
	rateHz  float64
	rpm     float64
}

func (f *captureFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.channel, "channel", "", "channel to read, by name, suffix or name part (DE picks X097_DE_time); default all")
	fl.Float64Var(&f.rateHz, "rate", 0, "sample rate in Hz for files that do not state it (wins over the file)")
	fl.Float64Var(&f.rpm, "rpm", 0, "shaft speed in rpm (wins over the file)")
}

// options returns the reader options, checking the values.
func (f *captureFlags) options() (datasets.Options, error) {
	if f.rateHz < 0 {
		return datasets.Options{}, usageErrorf("--rate must be positive, got %g", f.rateHz)
	}
	if f.rpm < 0 {
		return datasets.Options{}, usageErrorf("--rpm must be positive, got %g", f.rpm)
	}
	return datasets.Options{Channel: f.channel, RateHz: f.rateHz, RPM: f.rpm}, nil
}
