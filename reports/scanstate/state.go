// Package scanstate keeps the state of an incremental, crash-safe fleet
// scan in its output folder: which captures it has processed, in a
// journal of committed chunks per turbine, and the lock that stops two
// scans of one folder at once.
//
// The commit protocol. A scan works turbine by turbine, in chunks of one
// turbine's captures. Before it writes anything of chunk s of a turbine it
// records, atomically, the files it is about to write (the turbine's
// pending.json); it writes them (each atomically: temporary file, rename);
// then it commits the chunk by writing the turbine's journal/<s>.json
// atomically, and removes pending.json. The journal file is the commit
// point: a chunk whose journal file exists is complete; a pending chunk
// without one is rolled back by the next Open, which removes the files it
// listed (and the temporary files beside them). Killed at any moment, the
// folder therefore holds exactly the committed chunks, and the next run
// redoes the rest.
//
// The state is kept per turbine so that a scan holds one turbine's
// journal at a time (memory does not grow with the fleet) and so that
// scans of disjoint sets of turbines touch disjoint state.
//
// Layout under the output folder:
//
//	.windpm/lock                        the lock (flock; holder's pid, host and start inside)
//	.windpm/state.json                  what the folder was scanned with (configuration fingerprint)
//	.windpm/turbines/<key>/journal/*.json  one file per committed chunk of a turbine, named by its sequence number
//	.windpm/turbines/<key>/pending.json the turbine's chunk being written, if any
//	.windpm/derived.json                the journal generation the derived outputs (scores, alarms, report) reflect
//	.windpm/rebuild                     present while --rebuild clears the folder
//	.windpm/<shard>/{lock,derived.json,rebuild}  the same for one shard of a sharded scan
//
// A shard (Options.Shard, Options.Owns) owns some turbines: it rolls back,
// reads, commits and rebuilds only their journals and partitions, keeps
// its lock and derived record in .windpm/<shard>/ and its derived outputs
// in shards/<shard>/, so that the shards of one folder run at once
// without coordinating.
//
// <key> is the caller's name for a turbine, safe as a folder name (the
// scan uses its features partition name, turbine=<escaped id>).
//
// scanstate must not compute features or scores.
package scanstate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/windpm/windpm/datasets/store"
)

// StateDir is the folder, under the output folder, that holds the state.
const StateDir = ".windpm"

// Version is the state format this package writes and reads.
const Version = 2

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

// Chunk is one committed unit of work of one turbine.
type Chunk struct {
	// Seq numbers the turbine's chunks from 1 in commit order.
	Seq int `json:"seq"`
	// Captures are the captures processed in it, failed ones included.
	Captures []Capture `json:"captures"`
	// Files are the files it wrote, relative to the output folder.
	Files []string `json:"files"`
}

// Config is what a folder was scanned with: a scan with another Config
// must start over (--rebuild) rather than mix rows of two kinds.
type Config struct {
	// Version is the state format (Version).
	Version int `json:"version"`
	// Fingerprint identifies everything that shapes the feature rows (the
	// features schema and extraction settings), Description says it in
	// words for the error message.
	Fingerprint string `json:"fingerprint"`
	Description string `json:"description"`
}

// Derived records what the derived outputs reflect.
type Derived struct {
	// Generation is the journal's Generation they include, Fingerprint
	// the scoring settings.
	Generation  string `json:"generation"`
	Fingerprint string `json:"fingerprint"`
}

// Options say what a run owns of an output folder.
type Options struct {
	// Rebuild clears what the run owns before anything else (Clear).
	Rebuild bool
	// Shard names the run's shard, "" for a whole-fleet run. A shard
	// keeps its lock and its derived record in StateDir/<Shard>/ and its
	// derived outputs in shards/<Shard>/, and touches no other shard's.
	Shard string
	// Owns says whether the run owns a turbine key: its journal, its
	// features partition, its interrupted chunks. nil: every turbine.
	Owns func(key string) bool
}

// State is the state of one output folder, read by Open.
type State struct {
	// ctx bounds every read and write of the state (one scan run).
	ctx context.Context
	st  *store.Store
	opt Options
	// Config is the folder's configuration (nil before the first commit).
	Config *Config
	// Derived is what the derived outputs reflect (zero when never made).
	Derived Derived
	// RolledBack lists the files of interrupted chunks that Open removed.
	RolledBack []string
}

// Turbine is the journal of one turbine, read by State.Turbine.
type Turbine struct {
	s   *State
	key string
	// Seq is the sequence number of the turbine's last committed chunk
	// (0: none).
	Seq int
	// Captures maps a capture's path to its latest record.
	Captures map[string]Capture
}

// key returns the key of a state object: StateDir/elem/….
func (s *State) key(elem ...string) string {
	return path.Join(append([]string{StateDir}, elem...)...)
}

// own returns the key of an object in the run's own state folder:
// StateDir, or StateDir/<shard>.
func (s *State) own(elem ...string) string {
	if s.opt.Shard != "" {
		elem = append([]string{s.opt.Shard}, elem...)
	}
	return s.key(elem...)
}

// owns reports whether the run owns turbine key.
func (s *State) owns(key string) bool { return s.opt.Owns == nil || s.opt.Owns(key) }

// DerivedDir is the folder, relative to the output folder and with '/',
// where the run's derived outputs go: "." for a whole-fleet run,
// shards/<shard> for a shard.
func (s *State) DerivedDir() string {
	if s.opt.Shard != "" {
		return "shards/" + s.opt.Shard
	}
	return "."
}

func (t *Turbine) obj(elem ...string) string {
	return t.s.key(append([]string{"turbines", t.key}, elem...)...)
}

// exists reports whether the object key exists.
func (s *State) exists(key string) (bool, error) {
	_, err := s.st.Stat(s.ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// remove deletes the object key; one that is not there is no error.
func (s *State) remove(key string) error {
	if err := s.st.Delete(s.ctx, key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Open reads the state of the output location st (a local folder or a
// bucket prefix), completes an interrupted rebuild and rolls back the
// interrupted chunks of the turbines the run owns; with opt.Rebuild it
// first clears what the run owns (Clear). ctx bounds every later
// operation of the State. The caller must hold the run's Lock.
func Open(ctx context.Context, st *store.Store, opt Options) (*State, error) {
	s := &State{ctx: ctx, st: st, opt: opt}
	if opt.Shard != "" && checkKey(opt.Shard) != nil {
		return nil, fmt.Errorf("scan state: %q is not a shard name", opt.Shard)
	}
	marker, err := s.exists(s.own("rebuild"))
	if err != nil {
		return nil, err
	}
	if opt.Rebuild || marker {
		if err := s.Clear(); err != nil {
			return nil, err
		}
	}
	old := false
	for range s.st.Children(ctx, s.key("journal")+"/") {
		old = true
		break
	}
	if old {
		return nil, fmt.Errorf("%s: scanned by an earlier windpm (scan state version 1); use --rebuild or another --out", st)
	}
	// A write of the run's own state files (state.json, derived.json) or
	// of a derived output cut short leaves its temporary file. (A shard
	// leaves state.json's to the whole-fleet run: another shard may be
	// writing it; a temporary file there is only ever left over.)
	if err := s.removeTemps(path.Join(StateDir, opt.Shard)); err != nil {
		return nil, err
	}
	if err := s.removeTemps(s.DerivedDir()); err != nil {
		return nil, err
	}
	keys, err := s.TurbineKeys()
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if err := s.rollBack(k); err != nil {
			return nil, err
		}
	}
	if err := s.readJSON(s.key("state.json"), &s.Config); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if s.Config != nil && s.Config.Version != Version {
		return nil, fmt.Errorf("%s: scan state version %d, this windpm reads %d; use --rebuild or another --out", st, s.Config.Version, Version)
	}
	if err := s.readJSON(s.own("derived.json"), &s.Derived); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return s, nil
}

// TurbineKeys returns the keys of the turbines the run owns that the
// state has a journal for, sorted.
func (s *State) TurbineKeys() ([]string, error) {
	var keys []string
	for c, err := range s.st.Children(s.ctx, s.key("turbines")+"/") {
		if err != nil {
			return nil, err
		}
		if c.Dir && s.owns(c.Name) {
			keys = append(keys, c.Name)
		}
	}
	return keys, nil
}

// checkKey refuses a turbine key that is not one folder name.
func checkKey(key string) error {
	if key == "" || key == "." || key == ".." || strings.HasPrefix(key, ".") || strings.ContainsAny(key, "/\\\x00") {
		return fmt.Errorf("scan state: %q is not a turbine key", key)
	}
	return nil
}

// Turbine reads the journal of the turbine key (empty when it has none),
// which the run must own.
func (s *State) Turbine(key string) (*Turbine, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if !s.owns(key) {
		return nil, fmt.Errorf("scan state: turbine %s belongs to another shard", key)
	}
	t := &Turbine{s: s, key: key, Captures: map[string]Capture{}}
	seqs, err := t.seqs()
	if err != nil {
		return nil, err
	}
	for _, n := range seqs {
		var c Chunk
		if err := s.readJSON(t.obj("journal", chunkName(n)), &c); err != nil {
			return nil, err
		}
		for _, r := range c.Captures {
			t.Captures[r.Path] = r
		}
		t.Seq = n
	}
	return t, nil
}

// seqs returns the sequence numbers of the turbine's committed chunks,
// checking that they run 1, 2, … without a gap, and removes the temporary
// files of journal writes that did not happen (a local folder's, and
// fileblob's NAME.<hex>.tmp).
func (t *Turbine) seqs() ([]int, error) {
	dir := t.obj("journal")
	if err := t.s.removeTemps(dir); err != nil {
		return nil, err
	}
	var seqs []int
	for c, err := range t.s.st.Children(t.s.ctx, dir+"/") {
		if err != nil {
			return nil, err
		}
		if !c.Dir && strings.HasSuffix(c.Name, ".tmp") {
			// fileblob's temporary file of a journal write that did not
			// happen (NAME.<hex>.tmp beside the object with no_tmp_dir).
			if err := t.s.remove(dir + "/" + c.Name); err != nil {
				return nil, err
			}
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(c.Name, ".json"))
		if err != nil || c.Dir || !strings.HasSuffix(c.Name, ".json") {
			return nil, fmt.Errorf("%s: unexpected file %s in the journal", t.s.st.URL(dir), c.Name)
		}
		seqs = append(seqs, n)
	}
	sort.Ints(seqs)
	for i, n := range seqs {
		if n != i+1 {
			return nil, fmt.Errorf("%s: journal has chunk %d where %d was expected; the folder was changed by hand (use --rebuild)", t.s.st.URL(dir), n, i+1)
		}
	}
	return seqs, nil
}

// Generation identifies the committed state of every turbine the run
// owns: it changes
// with every commit and only then. The derived outputs record the
// generation they reflect.
func (s *State) Generation() (string, error) {
	keys, err := s.TurbineKeys()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, k := range keys {
		seqs, err := (&Turbine{s: s, key: k}).seqs()
		if err != nil {
			return "", err
		}
		if len(seqs) == 0 {
			continue // begun, never committed
		}
		fmt.Fprintf(h, "%s\x00%d\n", k, len(seqs))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func chunkName(seq int) string { return fmt.Sprintf("%08d.json", seq) }

// pending is the content of a turbine's pending.json.
type pending struct {
	Seq   int      `json:"seq"`
	Files []string `json:"files"`
}

// rollBack removes the files of the turbine key's interrupted chunk, if
// any, and the temporary files beside them.
func (s *State) rollBack(key string) error {
	t := &Turbine{s: s, key: key}
	if err := s.removeTemps(path.Join(StateDir, "turbines", key)); err != nil {
		return err
	}
	var p pending
	err := s.readJSON(t.obj("pending.json"), &p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	committed, err := s.exists(t.obj("journal", chunkName(p.Seq)))
	if err != nil {
		return err
	}
	if committed {
		// Only pending.json was left.
		return s.remove(t.obj("pending.json"))
	}
	dirs := map[string]bool{}
	for _, f := range p.Files {
		rel, err := t.inside(f)
		if err != nil {
			return err
		}
		switch err := s.st.Delete(s.ctx, rel); {
		case err == nil:
			s.RolledBack = append(s.RolledBack, f)
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("rolling back an interrupted chunk: %w", err)
		}
		dirs[path.Dir(rel)] = true
	}
	for _, d := range sortedKeys(dirs) {
		if err := s.removeTemps(d); err != nil {
			return err
		}
	}
	return s.remove(t.obj("pending.json"))
}

// inside checks that a file named in pending.json is a key inside the
// output location and returns it cleaned.
func (t *Turbine) inside(f string) (string, error) {
	rel := path.Clean(strings.ReplaceAll(f, "\\", "/"))
	if path.IsAbs(rel) || rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("%s: names %q outside the output folder", t.s.st.URL(t.obj("pending.json")), f)
	}
	return rel, nil
}

// removeTemps removes atomicfile's temporary files (".NAME.tmp-…") in the
// folder dir ('/'-separated, relative) of a local output folder. A bucket
// has none: an unfinished upload is not an object.
func (s *State) removeTemps(dir string) error {
	if !s.st.IsLocal() {
		return nil
	}
	full := filepath.Join(s.st.Dir(), filepath.FromSlash(dir))
	entries, err := os.ReadDir(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", full, unwrapPath(err))
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-") && !e.IsDir() {
			if err := os.Remove(filepath.Join(full, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s: %w", filepath.Join(full, n), unwrapPath(err))
			}
		}
	}
	return nil
}

// unwrapPath drops the *fs.PathError wrapper, whose path the message
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Begin records that the turbine's chunk t.Seq+1 is about to write files
// (keys relative to the output location) and returns its sequence number.
func (t *Turbine) Begin(files []string) (int, error) {
	p := pending{Seq: t.Seq + 1, Files: files}
	return p.Seq, t.s.writeJSON(t.obj("pending.json"), p)
}

// Commit makes chunk c of the turbine durable: its journal file is
// written atomically, then pending.json removed. c.Seq must be the number
// Begin returned. cfg is recorded as the folder's configuration with the
// first chunk.
func (t *Turbine) Commit(c Chunk, cfg Config) error {
	if c.Seq != t.Seq+1 {
		return fmt.Errorf("scan state: commit of chunk %d of %s after %d", c.Seq, t.key, t.Seq)
	}
	s := t.s
	if s.Config == nil {
		if err := s.writeJSON(s.key("state.json"), cfg); err != nil {
			return err
		}
		s.Config = &cfg
	}
	if err := s.writeJSON(t.obj("journal", chunkName(c.Seq)), c); err != nil {
		return err
	}
	t.Seq = c.Seq
	for _, r := range c.Captures {
		t.Captures[r.Path] = r
	}
	return s.remove(t.obj("pending.json"))
}

// SetDerived records that the derived outputs now reflect d.
func (s *State) SetDerived(d Derived) error {
	if err := s.writeJSON(s.own("derived.json"), d); err != nil {
		return err
	}
	s.Derived = d
	return nil
}

// Outputs are the files and folders a whole-fleet scan writes in its
// output folder besides StateDir (a shard writes the same derived files in
// shards/<shard>/); Clear removes them and nothing else.
var Outputs = []string{"features", "scores.parquet", "alarms.parquet", "report.html", "report.md", "summary.json", "report-data.gob", "shards"}

// removeAll removes the object or the folder key (every object under
// key/).
func (s *State) removeAll(key string) error {
	if err := s.st.DeleteAll(s.ctx, key+"/"); err != nil {
		return err
	}
	// Only an object: fileblob keeps the emptied folder, which is no
	// object to delete.
	if _, err := s.st.Stat(s.ctx, key); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return s.remove(key)
}

// Clear empties what the run owns for a rebuild. A whole-fleet run: the
// Outputs and the whole state go. A shard: its turbines' features
// partitions and journals, and its own derived outputs and record. The
// lock and anything else in the folder stay. A marker makes an
// interrupted Clear complete at the next Open.
func (s *State) Clear() error {
	if err := s.writeJSON(s.own("rebuild"), struct{}{}); err != nil {
		return err
	}
	var remove []string
	if s.opt.Shard == "" {
		remove = append(remove, Outputs...)
		for _, name := range []string{"turbines", "journal", "state.json", "derived.json", "pending.json"} {
			remove = append(remove, s.key(name))
		}
	} else {
		remove = append(remove, s.DerivedDir(), s.own("derived.json"))
		for _, dir := range []string{"features", s.key("turbines")} {
			for c, err := range s.st.Children(s.ctx, dir+"/") {
				if err != nil {
					return fmt.Errorf("--rebuild: %w", err)
				}
				if c.Dir && s.owns(c.Name) {
					remove = append(remove, dir+"/"+c.Name)
				}
			}
		}
	}
	for _, k := range remove {
		if err := s.removeAll(k); err != nil {
			return fmt.Errorf("--rebuild: %w", err)
		}
	}
	*s = State{ctx: s.ctx, st: s.st, opt: s.opt}
	return s.remove(s.own("rebuild"))
}

// readJSON decodes the JSON object key into v.
func (s *State) readJSON(key string, v any) error {
	b, err := s.st.ReadAll(s.ctx, key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: corrupt scan state (%v); use --rebuild", s.st.URL(key), err)
	}
	return nil
}

// writeJSON writes v as the object key, atomically and (on a local
// folder) durably.
func (s *State) writeJSON(key string, v any) error {
	return s.st.WriteFile(s.ctx, key, func(w io.Writer) error {
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
