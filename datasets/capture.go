package datasets

import (
	"fmt"
	"time"
)

// Capture is one channel of one vibration recording: the unit that flows
// through features, models and reports.
type Capture struct {
	// Path is the file the samples came from, as given by the user.
	Path string
	// Channel is the channel's name in the file (a MAT variable such as
	// X097_DE_time, a CSV header, or "ch0", "ch1", … for WAV).
	Channel string
	// Samples holds the signal in Unit.
	Samples []float64
	// RateHz is the sample rate in hertz; always > 0 in a Capture returned
	// by a reader.
	RateHz float64
	// RPM is the shaft speed in revolutions per minute, 0 when unknown.
	RPM float64
	// Unit is the physical unit of Samples: "g", "m/s2", "mm/s", or "" when
	// unknown.
	Unit string
	// Time is when the capture was taken; zero when unknown.
	Time time.Time
	// Turbine and Sensor identify where the capture was taken in a fleet.
	Turbine, Sensor string
	// Bearing names the bearing the sensor sees (a catalog name such as
	// "6205"), "" when unknown.
	Bearing string
	// Label is a ground-truth class for training, "" when unknown.
	Label string
	// Meta holds extra manifest columns in manifest order; they pass
	// through to every output row.
	Meta []Field
}

// Field is one named metadata value carried with a capture.
type Field struct {
	Name  string
	Value string
}

// Duration returns the length of the capture in seconds.
func (c *Capture) Duration() float64 {
	if c.RateHz <= 0 {
		return 0
	}
	return float64(len(c.Samples)) / c.RateHz
}

// Options are the user's overrides for what a file states. A non-zero
// value wins over the file.
type Options struct {
	// Channel picks channels by exact name, suffix or name part
	// (see SelectChannels); "" keeps every channel.
	Channel string
	// RateHz is the sample rate to use; 0 means "as stated in the file".
	RateHz float64
	// RPM is the shaft speed to use; 0 means "as stated in the file".
	RPM float64
}

// FileError is a problem with one input file. Its message names the file
// and the problem on one line, as every windpm error does.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }

func (e *FileError) Unwrap() error { return e.Err }

// fileErrorf returns a *FileError for path with a formatted message.
func fileErrorf(path, format string, args ...any) error {
	return &FileError{Path: path, Err: fmt.Errorf(format, args...)}
}
