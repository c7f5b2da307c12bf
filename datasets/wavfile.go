package datasets

import "errors"

// readWAV is replaced by the WAV reader (datasets/wav).
func readWAV(path string, opts Options) ([]Capture, error) {
	return nil, errors.New("WAV reader not built yet")
}
