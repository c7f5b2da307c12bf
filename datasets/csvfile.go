package datasets

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// timeColumnNames are the header names (compared case-insensitively) that
// make a CSV column the time axis instead of a channel.
var timeColumnNames = []string{"time", "t", "time_s", "seconds", "timestamp"}

// csvStepTolerance is the largest relative deviation of one time step from
// the median step that a time column may show.
const csvStepTolerance = 1e-3

// readCSV reads a CSV capture file; see parseCSV for the format.
func readCSV(path string, opts Options) ([]Capture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	caps, err := parseCSV(f, opts)
	if err != nil {
		return nil, err
	}
	for i := range caps {
		caps[i].Path = path
	}
	return caps, nil
}

// parseCSV reads a CSV capture: one column per channel, one row per
// sample.
//
//   - The delimiter is ',', ';' or tab, detected from the first lines (the
//     one that splits every line into the same number of fields, preferring
//     tab, then ';', then ','). With ';' or tab a decimal comma ("0,25")
//     is accepted.
//   - Lines starting with '#' are comments; empty lines are skipped; a
//     UTF-8 byte order mark is ignored.
//   - The first row is a header if any of its fields is not a number.
//     Channels are named by the header, or "ch0", "ch1", … by column
//     position without one. An unnamed first column (a pandas index) is
//     skipped; another unnamed column is named "chK" by its position K.
//   - A header column named time, t, time_s, seconds or timestamp
//     (case-insensitive) is the time axis: seconds, or RFC 3339 times (then
//     Capture.Time is the first one). The rate is derived from it: every
//     step must be within 0.1 % of the median step, plus the resolution of
//     the printed times (at most half a step, so that a missing or repeated
//     sample is always caught), and the rate is (n−1)/(t_last−t_0), which is
//     1/median step for uniform steps but is not biased by rounded times.
//     When opts.RateHz is set, the time column is not checked.
//   - A CSV with a "path" column is a capture manifest and is refused here
//     with a hint to use it as one.
//
// Only the selected channels (opts.Channel) and the time column are
// parsed; a cell that is empty, not a number, or not finite is an error
// naming its line and column. The unit is "" (a CSV states none).
func parseCSV(r io.Reader, opts Options) ([]Capture, error) {
	cr, err := newCSVReader(r)
	if err != nil {
		return nil, err
	}
	decimalComma := cr.Comma != ','
	first, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("CSV: no data rows")
	}
	if err != nil {
		return nil, csvReadError(err)
	}
	first = slices.Clone(first)
	firstLine, _ := cr.FieldPos(0)
	width := len(first)

	header := false
	for _, f := range first {
		if _, ok := parseCSVNumber(f, decimalComma); !ok {
			header = true
			break
		}
	}

	names := make([]string, width)
	timeCol := -1
	var cols []int // the file column of each channel
	for i := range width {
		name := fmt.Sprintf("ch%d", i)
		if header {
			h := strings.TrimSpace(first[i])
			if hasControl(h) {
				return nil, fmt.Errorf("CSV: line %d: column %d name %q has a control character", firstLine, i+1, h)
			}
			switch {
			case strings.EqualFold(h, "path"):
				return nil, errors.New(`CSV: this is a capture manifest (it has a "path" column); use it with --manifest`)
			case slices.Contains(timeColumnNames, strings.ToLower(h)):
				if timeCol >= 0 {
					return nil, fmt.Errorf("CSV: line %d: two time columns, %q and %q", firstLine, first[timeCol], h)
				}
				timeCol = i
				names[i] = h
				continue
			case h == "" && i == 0:
				continue // pandas index column
			case h != "":
				name = h
			}
			for j := range i {
				if strings.EqualFold(names[j], name) {
					return nil, fmt.Errorf("CSV: line %d: column name %q appears twice (columns %d and %d)", firstLine, name, j+1, i+1)
				}
			}
		}
		names[i] = name
		cols = append(cols, i)
	}
	if len(cols) == 0 {
		return nil, errors.New("CSV: no channel columns")
	}
	chanNames := make([]string, len(cols))
	for k, c := range cols {
		chanNames[k] = names[c]
	}
	sel, err := SelectChannels(chanNames, opts.Channel)
	if err != nil {
		return nil, err
	}

	data := make([][]float64, len(sel))
	var (
		times     []float64
		t0        time.Time
		stamps    bool // the time column holds RFC 3339 times
		quantum   float64
		timeLines []int
	)
	row := func(rec []string, line int) error {
		if len(rec) != width {
			return fmt.Errorf("CSV: line %d: %d fields, want %d", line, len(rec), width)
		}
		for k, s := range sel {
			c := cols[s]
			v, ok := parseCSVNumber(rec[c], decimalComma)
			if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				return csvCellError(line, c, names[c], rec[c])
			}
			data[k] = append(data[k], v)
		}
		if timeCol >= 0 && opts.RateHz <= 0 {
			cell := strings.TrimSpace(rec[timeCol])
			var v float64
			x, num := parseCSVNumber(cell, decimalComma)
			switch {
			case num && !stamps:
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return csvTimeError(line, timeCol, names[timeCol], rec[timeCol])
				}
				v = x
			case stamps || len(times) == 0:
				ts, err := time.Parse(time.RFC3339Nano, cell)
				if err != nil {
					return csvTimeError(line, timeCol, names[timeCol], rec[timeCol])
				}
				if len(times) == 0 {
					t0, stamps = ts, true
				}
				v = ts.Sub(t0).Seconds()
			default:
				return csvTimeError(line, timeCol, names[timeCol], rec[timeCol])
			}
			quantum = max(quantum, printedResolution(cell))
			times = append(times, v)
			timeLines = append(timeLines, line)
		}
		return nil
	}
	if !header {
		if err := row(first, firstLine); err != nil {
			return nil, err
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvReadError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := row(rec, line); err != nil {
			return nil, err
		}
	}
	if len(data[0]) == 0 {
		return nil, errors.New("CSV: no data rows")
	}

	var rateHz float64
	if len(times) > 0 {
		rateHz, err = rateFromTimes(times, timeLines, quantum, names[timeCol])
		if err != nil {
			return nil, err
		}
	}
	caps := make([]Capture, len(sel))
	for k, s := range sel {
		caps[k] = Capture{Channel: chanNames[s], Samples: slices.Clip(data[k]), RateHz: rateHz}
		if stamps {
			caps[k].Time = t0
		}
	}
	return caps, nil
}

// rateFromTimes returns the sample rate implied by a time column, after
// checking that every step is within csvStepTolerance of the median step
// plus quantum, the resolution the times were printed with, capped at half
// a step.
func rateFromTimes(times []float64, lines []int, quantum float64, col string) (float64, error) {
	n := len(times)
	if n < 2 {
		return 0, fmt.Errorf("CSV: time column %q: one row is not enough to derive the sample rate; give --rate HZ", col)
	}
	steps := make([]float64, n-1)
	for i := range steps {
		steps[i] = times[i+1] - times[i]
	}
	sorted := slices.Clone(steps)
	slices.Sort(sorted)
	median := sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		median = (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2
	}
	if !(median > 0) || math.IsInf(median, 0) {
		return 0, fmt.Errorf("CSV: time column %q does not increase (median step %g s)", col, median)
	}
	// The printed resolution excuses rounding of the times, but never as
	// much as half a step, so a missing or repeated sample is always found.
	tol := csvStepTolerance*median + min(quantum, median/2)
	for i, d := range steps {
		if !(math.Abs(d-median) <= tol) {
			return 0, fmt.Errorf("CSV: line %d: time step %g s differs from the median step %g s by more than 0.1 %% (uneven sampling; resample or give --rate HZ)", lines[i+1], d, median)
		}
	}
	rate := float64(n-1) / (times[n-1] - times[0])
	if !(rate > 0) || math.IsInf(rate, 0) {
		return 0, fmt.Errorf("CSV: time column %q gives no usable sample rate (%g Hz)", col, rate)
	}
	return rate, nil
}

// printedResolution returns the value of one unit in the last printed
// decimal place of a number or time ("0.00125" → 1e-5), 0 for integers.
func printedResolution(s string) float64 {
	if i := strings.IndexAny(s, "eE"); i >= 0 && !strings.ContainsAny(s, "T:") {
		// Scientific notation: digits after the point, shifted by the exponent.
		exp, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return 0
		}
		return math.Pow10(exp - fractionDigits(s[:i]))
	}
	if strings.ContainsAny(s, "T:") {
		// RFC 3339: the fraction of the seconds field.
		if i := strings.LastIndexAny(s, ".,"); i >= 0 {
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			return math.Pow10(-(j - i - 1))
		}
		return 1
	}
	if d := fractionDigits(s); d > 0 {
		return math.Pow10(-d)
	}
	return 0
}

// fractionDigits counts the digits after the decimal point (or comma).
func fractionDigits(s string) int {
	i := strings.LastIndexAny(s, ".,")
	if i < 0 {
		return 0
	}
	n := 0
	for _, c := range s[i+1:] {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// parseCSVNumber parses a cell as a float64, accepting surrounding spaces
// and, when decimalComma is set, a decimal comma.
func parseCSVNumber(s string, decimalComma bool) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err == nil {
		return v, true
	}
	if decimalComma && strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		v, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		return v, err == nil
	}
	return 0, false
}

// hasControl reports whether s holds a control character (a line break
// in a quoted header name, say), which would break one-line messages.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7F }) >= 0
}

// csvCellError describes a bad cell by its line and 1-based column.
func csvCellError(line, col int, name, cell string) error {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return fmt.Errorf("CSV: line %d: column %d (%s) is empty", line, col+1, name)
	}
	if len(cell) > 40 {
		cell = cell[:40] + "…"
	}
	return fmt.Errorf("CSV: line %d: column %d (%s): %q is not a finite number", line, col+1, name, cell)
}

// csvTimeError describes a bad time cell by its line and 1-based column.
func csvTimeError(line, col int, name, cell string) error {
	cell = strings.TrimSpace(cell)
	if len(cell) > 40 {
		cell = cell[:40] + "…"
	}
	return fmt.Errorf("CSV: line %d: column %d (%s): %q is not a time in seconds or RFC 3339 like the first row", line, col+1, name, cell)
}

// csvReadError makes an encoding/csv error one line with the line number.
func csvReadError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("CSV: line %d: %v", pe.Line, pe.Err)
	}
	return fmt.Errorf("CSV: %w", err)
}

// csvSniffBytes is how much of a file delimiter detection looks at.
const csvSniffBytes = 64 << 10

// newCSVReader returns a csv.Reader over r with the delimiter detected
// (see detectDelimiter), '#' comment lines skipped, leading spaces in
// fields trimmed, rows of any width accepted (callers check), and a UTF-8
// byte order mark removed.
func newCSVReader(r io.Reader) (*csv.Reader, error) {
	br := bufio.NewReaderSize(r, csvSniffBytes)
	head, err := br.Peek(csvSniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("CSV: %w", err)
	}
	if bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
		head = head[3:]
	}
	cr := csv.NewReader(br)
	cr.Comma = detectDelimiter(head, len(head) == csvSniffBytes-3 || len(head) == csvSniffBytes)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	return cr, nil
}

// detectDelimiter picks ',', ';' or tab from the first lines of a CSV
// (head; cut says the last line may be incomplete): the first of tab, ';'
// and ',' that occurs on every line the same number of times; else the
// most frequent one on the first line; else ','.
func detectDelimiter(head []byte, cut bool) rune {
	var lines [][]byte
	rest := head
	for len(rest) > 0 && len(lines) < 20 {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		rest = after
		if !found && cut && len(lines) > 0 {
			break
		}
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 || line[0] == '#' {
			continue
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return ','
	}
	for _, d := range []byte{'\t', ';', ','} {
		n := bytes.Count(lines[0], []byte{d})
		if n == 0 {
			continue
		}
		same := true
		for _, l := range lines[1:] {
			if bytes.Count(l, []byte{d}) != n {
				same = false
				break
			}
		}
		if same {
			return rune(d)
		}
	}
	best, bestN := byte(','), 0
	for _, d := range []byte{',', ';', '\t'} {
		if n := bytes.Count(lines[0], []byte{d}); n > bestN {
			best, bestN = d, n
		}
	}
	return rune(best)
}

// IsManifest reports whether the CSV file at path is a capture manifest
// rather than a capture: whether its first row (after comments) has a
// column named "path".
func IsManifest(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	cr, err := newCSVReader(f)
	if err != nil {
		return false, &FileError{Path: path, Err: err}
	}
	rec, err := cr.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, &FileError{Path: path, Err: csvReadError(err)}
	}
	for _, h := range rec {
		if strings.EqualFold(strings.TrimSpace(h), "path") {
			return true, nil
		}
	}
	return false, nil
}
