package datasets

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"

	"github.com/windpm/windpm/datasets/wav"
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
	return read(path, nil, false, opts)
}

// ReadData is Read on a file named path that holds data: the same
// captures, and the same errors, as Read gives for a file with that name
// and content, without opening path (path names the captures and the
// errors, and its extension picks the format). It serves data read once
// from object storage or hashed before it is decoded.
func ReadData(path string, data []byte, opts Options) ([]Capture, error) {
	return read(path, data, true, opts)
}

// read is Read (fromData false: the file at path) and ReadData.
func read(path string, data []byte, fromData bool, opts Options) ([]Capture, error) {
	var (
		caps []Capture
		err  error
	)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mat":
		if fromData {
			caps, err = decodeMAT(bytes.NewReader(data), int64(len(data)), opts)
		} else {
			caps, err = readMAT(path, opts)
		}
	case ".wav":
		if fromData {
			var f *wav.File
			if f, err = wav.Read(bytes.NewReader(data)); err == nil {
				caps, err = wavCaptures(path, f, opts)
			}
		} else {
			caps, err = readWAV(path, opts)
		}
	case ".csv":
		if fromData {
			caps, err = parseCSV(bytes.NewReader(data), opts)
		} else {
			caps, err = readCSV(path, opts)
		}
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
