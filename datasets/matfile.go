package datasets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"

	"github.com/windpm/windpm/datasets/mat"
)

// readMAT reads a MATLAB Level-5 MAT-file (package datasets/mat) into
// captures.
//
// Channels: every real, non-logical numeric vector with more than one
// element (N×1, 1×N) is a channel named by its variable path
// ("X097_DE_time"; "bearing.gs" for field gs of struct bearing;
// "s(2).gs" for element 2 of a struct array; "c{1}" for a cell element).
// A 2-D N×M matrix with N, M > 1 gives one channel per column, named
// "name[1]", "name[2]", … (1-based, as in MATLAB). Arrays with more than
// two non-singleton dimensions, complex and logical arrays are not
// channels. opts.Channel picks among the channel names with
// SelectChannels; when it matches none, it is tried against the variable
// paths, so that "pair" picks every column of matrix pair.
//
// Scalars give the context of a channel; they are looked up first among
// the fields of the struct element holding the channel, then among those
// of the enclosing struct elements, outwards, then among the top-level
// variables:
//   - sample rate in Hz: a positive numeric scalar named sr, fs,
//     SampleFrequency, sample_rate, samplerate, sampling_rate or
//     sample_rate_hz (case-insensitive);
//   - shaft speed in rpm: a non-negative numeric scalar whose name ends in
//     "rpm" (case-insensitive: X105RPM, rpm); when several qualify, the one
//     whose name before "rpm" starts the channel name wins (X105RPM for
//     X105_DE_time), else the first in file order;
//   - unit: a char variable named unit or units.
//
// When opts.Channel is set the file is decoded twice: once without the
// data of non-scalar arrays to learn the channel names, then with the
// data of the selected channels only. For uncompressed files the first
// pass reads only headers.
func readMAT(path string, opts Options) ([]Capture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, matOSError(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, matOSError(err)
	}
	return decodeMAT(f, st.Size(), opts)
}

// matOSError strips the path from an *fs.PathError, since Read's
// *FileError already names the file: "open: no such file or directory".
func matOSError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// matChannel is one channel found in a decoded MAT-file.
type matChannel struct {
	name string
	v    *mat.Var
	col  int // 0-based column of a matrix; -1 for a vector
	// scopes are the variables around v, innermost first: the fields of
	// the struct element holding v, then of the struct element holding
	// that one, and so on; the top-level variables come last.
	scopes [][]*mat.Var
}

// decodeMAT is readMAT on the first size bytes of r.
func decodeMAT(r io.ReaderAt, size int64, opts Options) ([]Capture, error) {
	scalarsOnly := &mat.Options{Select: func(_ string, _ mat.Class, dims []int) bool { return matNumel(dims) <= 1 }}
	dopts := (*mat.Options)(nil)
	if opts.Channel != "" {
		dopts = scalarsOnly
	}
	f, err := mat.Decode(r, size, dopts)
	if err != nil {
		return nil, err
	}
	chans := matChannels(f)
	if len(chans) == 0 {
		return nil, fmt.Errorf("no numeric vector in the file; it holds %s", matContents(f))
	}
	names := make([]string, len(chans))
	for i, c := range chans {
		names[i] = c.name
	}
	idx, err := SelectChannels(names, opts.Channel)
	if err != nil {
		// A pattern naming a matrix ("pair") picks all its columns.
		bases := make([]string, len(chans))
		for i, c := range chans {
			bases[i] = c.v.Path
		}
		var berr error
		if idx, berr = SelectChannels(bases, opts.Channel); berr != nil {
			return nil, err
		}
	}
	if opts.Channel != "" {
		want := make(map[string]bool, len(idx))
		for _, i := range idx {
			want[chans[i].v.Path] = true
		}
		f, err = mat.Decode(r, size, &mat.Options{Select: func(path string, _ mat.Class, dims []int) bool {
			return matNumel(dims) <= 1 || want[path]
		}})
		if err != nil {
			return nil, err
		}
		chans = matChannels(f)
		if len(chans) != len(names) {
			return nil, fmt.Errorf("file changed while being read")
		}
	}

	caps := make([]Capture, 0, len(idx))
	for _, i := range idx {
		c := chans[i]
		if c.v.Real == nil {
			return nil, fmt.Errorf("variable %s: data not decoded", c.v.Path)
		}
		samples := c.v.Real
		if c.col >= 0 {
			rows := c.v.Dims[0]
			samples = append([]float64(nil), c.v.Real[c.col*rows:(c.col+1)*rows]...)
		}
		caps = append(caps, Capture{
			Channel: c.name,
			Samples: samples,
			RateHz:  matRate(c.scopes),
			RPM:     matRPM(c.scopes, c.name),
			Unit:    matUnit(c.scopes),
		})
	}
	return caps, nil
}

// matNumel returns the product of dims.
func matNumel(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// matChannels returns the channels of f in file order (see readMAT).
func matChannels(f *mat.File) []matChannel {
	var out []matChannel
	var walk func(vars []*mat.Var, scopes [][]*mat.Var)
	walk = func(vars []*mat.Var, scopes [][]*mat.Var) {
		for _, v := range vars {
			switch {
			case v.Class == mat.ClassStruct || v.Class == mat.ClassObject:
				nf := len(v.FieldNames)
				for e := 0; nf > 0 && (e+1)*nf <= len(v.Fields); e++ {
					el := v.Fields[e*nf : (e+1)*nf]
					walk(el, append([][]*mat.Var{el}, scopes...))
				}
			case v.Class == mat.ClassCell:
				walk(v.Cells, scopes)
			case v.Class.Numeric() && !v.Complex && !v.Logical:
				var big []int // non-singleton dimensions
				for _, d := range v.Dims {
					if d != 1 {
						big = append(big, d)
					}
				}
				switch {
				case len(big) == 1 && big[0] > 1:
					out = append(out, matChannel{name: v.Path, v: v, col: -1, scopes: scopes})
				case len(big) == 2 && len(v.Dims) == 2:
					for j := range v.Dims[1] {
						out = append(out, matChannel{name: fmt.Sprintf("%s[%d]", v.Path, j+1), v: v, col: j, scopes: scopes})
					}
				}
			}
		}
	}
	var top []*mat.Var
	for _, v := range f.Vars {
		// Unnamed and "__"-prefixed variables are MATLAB's internal
		// data (the subsystem's __function_workspace__).
		if v.Name != "" && !strings.HasPrefix(v.Name, "__") {
			top = append(top, v)
		}
	}
	walk(top, [][]*mat.Var{top})
	return out
}

// matContents describes the top-level variables of f for an error message.
func matContents(f *mat.File) string {
	if len(f.Vars) == 0 {
		return "no variables"
	}
	parts := make([]string, 0, len(f.Vars))
	for _, v := range f.Vars {
		s := fmt.Sprintf("%s (%v %s", v.Name, v.Class, v.DimsString())
		if v.Skipped != "" && v.Skipped != "not selected" {
			s += ": " + v.Skipped
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}

// matScalar returns the value of a real numeric 1×1 array, and whether v
// is one.
func matScalar(v *mat.Var) (float64, bool) {
	if !v.Class.Numeric() || v.Complex || len(v.Real) != 1 {
		return 0, false
	}
	x := v.Real[0]
	return x, !math.IsNaN(x) && !math.IsInf(x, 0)
}

// rateNames are the variable names that state a sample rate in Hz, lower case.
var rateNames = map[string]bool{
	"sr": true, "fs": true, "samplefrequency": true, "sample_rate": true,
	"samplerate": true, "sampling_rate": true, "sample_rate_hz": true,
}

// matRate returns the sample rate in Hz stated beside a channel, or 0.
func matRate(scopes [][]*mat.Var) float64 {
	for _, vars := range scopes {
		for _, v := range vars {
			if x, ok := matScalar(v); ok && x > 0 && rateNames[strings.ToLower(v.Name)] {
				return x
			}
		}
	}
	return 0
}

// matRPM returns the shaft speed in rpm stated beside channel, or 0.
func matRPM(scopes [][]*mat.Var, channel string) float64 {
	ch := strings.ToLower(channel)
	for _, vars := range scopes {
		best, found := 0.0, false
		for _, v := range vars {
			name := strings.ToLower(v.Name)
			x, ok := matScalar(v)
			if !ok || x < 0 || !strings.HasSuffix(name, "rpm") {
				continue
			}
			if prefix := strings.TrimSuffix(name, "rpm"); prefix != "" && strings.HasPrefix(ch, prefix) {
				return x
			}
			if !found {
				best, found = x, true
			}
		}
		if found {
			return best
		}
	}
	return 0
}

// matUnit returns the unit stated beside a channel by a char variable
// named unit or units, normalised to windpm's spelling ("m/s2"), or "".
func matUnit(scopes [][]*mat.Var) string {
	for _, vars := range scopes {
		for _, v := range vars {
			n := strings.ToLower(v.Name)
			if v.Class == mat.ClassChar && (n == "unit" || n == "units") {
				u := strings.TrimSpace(v.Text)
				switch u {
				case "m/s^2", "m/s²", "m s^-2", "m/s/s":
					u = "m/s2"
				}
				return u
			}
		}
	}
	return ""
}
