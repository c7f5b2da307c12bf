package datasets

import "errors"

// readMAT is replaced by the MAT-file reader (datasets/mat).
func readMAT(path string, opts Options) ([]Capture, error) {
	return nil, errors.New("MAT reader not built yet")
}
