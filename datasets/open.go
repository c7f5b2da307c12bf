package datasets

import (
	"errors"
	"path/filepath"
	"strings"
)

// ErrNoRate is returned (wrapped in a *FileError) when neither the file
// nor the options state a sample rate.
var ErrNoRate = errors.New("no sample rate in the file; give --rate HZ")

// Formats lists the file extensions Read understands.
var Formats = []string{".mat", ".wav", ".csv"}

// Read returns the captures in the capture file at path, one per selected
// channel, with the overrides in opts applied: a rate or rpm in opts wins
// over the file. The format is chosen by the file's extension. Every error
// is a *FileError naming path.
func Read(path string, opts Options) ([]Capture, error) {
	var (
		caps []Capture
		err  error
	)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mat":
		caps, err = readMAT(path, opts)
	case ".wav":
		caps, err = readWAV(path, opts)
	case ".csv":
		caps, err = readCSV(path, opts)
	default:
		return nil, fileErrorf(path, "unknown capture format %q (known: %s)", filepath.Ext(path), strings.Join(Formats, ", "))
	}
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, &FileError{Path: path, Err: err}
	}
	for i := range caps {
		c := &caps[i]
		c.Path = path
		if opts.RateHz > 0 {
			c.RateHz = opts.RateHz
		}
		if opts.RPM > 0 {
			c.RPM = opts.RPM
		}
		if !(c.RateHz > 0) {
			return nil, &FileError{Path: path, Err: ErrNoRate}
		}
	}
	return caps, nil
}
