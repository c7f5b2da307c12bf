// Package scanstate keeps the state of an incremental, crash-safe fleet
// scan in its output folder: which captures it has processed, in a
// journal of committed chunks, and the lock that stops two scans of one
// folder at once.
//
// The commit protocol. A scan works in chunks of captures. Before it
// writes anything of chunk s it records, atomically, the files it is about
// to write (pending.json); it writes them (each atomically: temporary file,
// rename); then it commits the chunk by writing journal/<s>.json
// atomically, and removes pending.json. The journal file is the commit
// point: a chunk whose journal file exists is complete; a pending chunk
// without one is rolled back by the next Open, which removes the files it
// listed (and the temporary files beside them). Killed at any moment, the
// folder therefore holds exactly the committed chunks, and the next run
// redoes the rest.
//
// Layout under the output folder:
//
//	.windpm/lock            the lock (flock; holder's pid, host and start inside)
//	.windpm/state.json      what the folder was scanned with (configuration fingerprint)
//	.windpm/journal/*.json  one file per committed chunk, named by its sequence number
//	.windpm/pending.json    the chunk being written, if any
//	.windpm/derived.json    the last chunk the derived outputs (scores, alarms, report) reflect
//	.windpm/rebuild         present while --rebuild clears the folder
//
// scanstate must not compute features or scores.
package scanstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/windpm/windpm/reports/atomicfile"
)

// StateDir is the folder, under the output folder, that holds the state.
const StateDir = ".windpm"

// Capture is the journal's record of one capture file.
type Capture struct {
	// Path is the file's path relative to the fleet folder, with '/'.
	Path string `json:"path"`
	// Size and ModTimeNs are the file's size and modification time (Unix
	// nanoseconds) when it was read; SHA256 the hex digest of its content.
	Size      int64  `json:"size"`
	ModTimeNs int64  `json:"mtime_ns"`
	SHA256    string `json:"sha256,omitempty"`
	// Rows is the number of feature rows written for it.
	Rows int `json:"rows"`
	// Error is why it could not be processed ("" when it was).
	Error string `json:"error,omitempty"`
}

// Chunk is one committed unit of work.
type Chunk struct {
	// Seq numbers chunks from 1 in commit order.
	Seq int `json:"seq"`
	// Captures are the captures processed in it, failed ones included.
	Captures []Capture `json:"captures"`
	// Files are the files it wrote, relative to the output folder.
	Files []string `json:"files"`
}

// Config is what a folder was scanned with: a scan with another Config
// must start over (--rebuild) rather than mix rows of two kinds.
type Config struct {
	// Version is the state format (1).
	Version int `json:"version"`
	// Fingerprint identifies everything that shapes the feature rows (the
	// features schema and extraction settings), Description says it in
	// words for the error message.
	Fingerprint string `json:"fingerprint"`
	Description string `json:"description"`
}

// Derived records what the derived outputs reflect.
type Derived struct {
	// Seq is the last chunk they include, Fingerprint the scoring settings.
	Seq         int    `json:"seq"`
	Fingerprint string `json:"fingerprint"`
}

// State is the state of one output folder, read by Open.
type State struct {
	out string
	// Seq is the sequence number of the last committed chunk (0: none).
	Seq int
	// Config is the folder's configuration (nil before the first commit).
	Config *Config
	// Derived is what the derived outputs reflect (zero when never made).
	Derived Derived
	// Captures maps a capture's path to its latest record.
	Captures map[string]Capture
	// RolledBack lists the files of an interrupted chunk that Open removed.
	RolledBack []string
}

func (s *State) path(elem ...string) string {
	return filepath.Join(append([]string{s.out, StateDir}, elem...)...)
}

// Open reads the state of output folder out, creating it if needed, and
// completes any interrupted rebuild and rolls back any interrupted
// chunk. The caller must hold the folder's Lock.
func Open(out string) (*State, error) {
	s := &State{out: out, Captures: map[string]Capture{}}
	if err := os.MkdirAll(s.path("journal"), 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", out, atomicfile.UnwrapPathError(err))
	}
	if _, err := os.Stat(s.path("rebuild")); err == nil {
		if err := s.Clear(); err != nil {
			return nil, err
		}
	}
	// A write of the state's own files (pending.json, state.json,
	// derived.json) cut short leaves its temporary file here.
	if err := s.removeTemps(StateDir); err != nil {
		return nil, err
	}
	if err := s.rollBack(); err != nil {
		return nil, err
	}
	if err := readJSON(s.path("state.json"), &s.Config); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := readJSON(s.path("derived.json"), &s.Derived); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	entries, err := os.ReadDir(s.path("journal"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.path("journal"), atomicfile.UnwrapPathError(err))
	}
	var seqs []int
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			// A temporary file of a commit that did not happen.
			_ = os.Remove(s.path("journal", name))
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(name, ".json"))
		if err != nil || !strings.HasSuffix(name, ".json") {
			return nil, fmt.Errorf("%s: unexpected file %s in the journal", s.path("journal"), name)
		}
		seqs = append(seqs, n)
	}
	sort.Ints(seqs)
	for i, n := range seqs {
		if n != i+1 {
			return nil, fmt.Errorf("%s: journal has chunk %d where %d was expected; the folder was changed by hand (use --rebuild)", s.path("journal"), n, i+1)
		}
		var c Chunk
		if err := readJSON(s.path("journal", chunkName(n)), &c); err != nil {
			return nil, err
		}
		for _, r := range c.Captures {
			s.Captures[r.Path] = r
		}
		s.Seq = n
	}
	return s, nil
}

func chunkName(seq int) string { return fmt.Sprintf("%08d.json", seq) }

// pending is the content of pending.json.
type pending struct {
	Seq   int      `json:"seq"`
	Files []string `json:"files"`
}

// rollBack removes the files of an interrupted chunk and the temporary
// files of interrupted writes in the output folder.
func (s *State) rollBack() error {
	var p pending
	err := readJSON(s.path("pending.json"), &p)
	if errors.Is(err, fs.ErrNotExist) {
		return s.removeTemps(".")
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(s.path("journal", chunkName(p.Seq))); err == nil {
		// Committed; only pending.json was left.
		return s.removePending()
	}
	dirs := map[string]bool{".": true}
	for _, f := range p.Files {
		rel, err := s.inside(f)
		if err != nil {
			return err
		}
		if err := os.Remove(filepath.Join(s.out, rel)); err == nil {
			s.RolledBack = append(s.RolledBack, f)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("rolling back an interrupted chunk: %w", atomicfile.UnwrapPathError(err))
		}
		dirs[filepath.Dir(rel)] = true
	}
	for _, d := range sortedKeys(dirs) {
		if err := s.removeTemps(d); err != nil {
			return err
		}
	}
	return s.removePending()
}

// inside checks that a file named in pending.json lies inside the output
// folder and returns it cleaned.
func (s *State) inside(f string) (string, error) {
	rel := filepath.Clean(filepath.FromSlash(f))
	if filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s: names %q outside the output folder", s.path("pending.json"), f)
	}
	return rel, nil
}

// removeTemps removes atomicfile's temporary files (".NAME.tmp-…") in the
// folder dir of the output folder.
func (s *State) removeTemps(dir string) error {
	entries, err := os.ReadDir(filepath.Join(s.out, dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, atomicfile.UnwrapPathError(err))
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-") && !e.IsDir() {
			if err := os.Remove(filepath.Join(s.out, dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s: %w", n, atomicfile.UnwrapPathError(err))
			}
		}
	}
	return nil
}

func (s *State) removePending() error {
	if err := os.Remove(s.path("pending.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", s.path("pending.json"), atomicfile.UnwrapPathError(err))
	}
	return nil
}

// Begin records that chunk s.Seq+1 is about to write files (paths
// relative to the output folder) and returns its sequence number.
func (s *State) Begin(files []string) (int, error) {
	p := pending{Seq: s.Seq + 1, Files: files}
	return p.Seq, writeJSON(s.path("pending.json"), p)
}

// Commit makes chunk c durable: its journal file is written atomically,
// then pending.json removed. c.Seq must be the number Begin returned.
// cfg is recorded as the folder's configuration with the first chunk.
func (s *State) Commit(c Chunk, cfg Config) error {
	if c.Seq != s.Seq+1 {
		return fmt.Errorf("scan state: commit of chunk %d after %d", c.Seq, s.Seq)
	}
	if s.Config == nil {
		if err := writeJSON(s.path("state.json"), cfg); err != nil {
			return err
		}
		s.Config = &cfg
	}
	if err := writeJSON(s.path("journal", chunkName(c.Seq)), c); err != nil {
		return err
	}
	s.Seq = c.Seq
	for _, r := range c.Captures {
		s.Captures[r.Path] = r
	}
	return s.removePending()
}

// SetDerived records that the derived outputs now reflect d.
func (s *State) SetDerived(d Derived) error {
	if err := writeJSON(s.path("derived.json"), d); err != nil {
		return err
	}
	s.Derived = d
	return nil
}

// Outputs are the files and folders a scan writes in its output folder
// besides StateDir; Clear removes them and nothing else.
var Outputs = []string{"features", "scores.parquet", "alarms.parquet", "report.html", "report.md", "summary.json"}

// Clear empties the output folder for a rebuild: the Outputs and the
// journal go; the lock and anything else in the folder stay. A marker makes an
// interrupted Clear complete at the next Open.
func (s *State) Clear() error {
	if err := writeJSON(s.path("rebuild"), struct{}{}); err != nil {
		return err
	}
	for _, name := range Outputs {
		if err := os.RemoveAll(filepath.Join(s.out, name)); err != nil {
			return fmt.Errorf("--rebuild: %w", atomicfile.UnwrapPathError(err))
		}
	}
	for _, name := range []string{"journal", "state.json", "derived.json", "pending.json"} {
		if err := os.RemoveAll(s.path(name)); err != nil {
			return fmt.Errorf("--rebuild: %w", atomicfile.UnwrapPathError(err))
		}
	}
	if err := os.MkdirAll(s.path("journal"), 0o755); err != nil {
		return fmt.Errorf("%s: %w", s.out, atomicfile.UnwrapPathError(err))
	}
	*s = State{out: s.out, Captures: map[string]Capture{}}
	return os.Remove(s.path("rebuild"))
}

// readJSON decodes the JSON file at path into v.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: corrupt scan state (%v); use --rebuild", path, err)
	}
	return nil
}

// writeJSON writes v to path atomically and durably.
func writeJSON(path string, v any) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(v)
	})
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
