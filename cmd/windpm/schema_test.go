package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/models/classifier"
	"github.com/windpm/windpm/models/nbm"
	"github.com/windpm/windpm/reports"
)

var updateSchemaDoc = flag.Bool("update", false, "rewrite docs/schema.md from the code")

// TestHelpSchema checks that `windpm help schema` lists the key columns
// and every feature column this build writes, with its unit, and a
// section for every other table.
func TestHelpSchema(t *testing.T) {
	out, errOut, code := runCLI(t, "help", "schema")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"  turbine  (string, dictionary)\n", "  time  (timestamp[us, UTC], nullable)\n", "windpm.schema_version",
		"\nSCORES TABLE: ", "\nALARMS TABLE: ", "\nPREDICTIONS TABLE: Written by windpm predict", "\nSCADA TABLE: Written by windpm scada ingest",
		"\nEVENTS TABLE: Written by windpm scada events"} {
		if !strings.Contains(out, want) {
			t.Errorf("help schema lacks %q", want)
		}
	}
	if strings.Contains(out, "not written yet") {
		t.Errorf("help schema still says some tables are not written yet")
	}
	ex, err := features.NewExtractor(features.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ex.Columns() {
		head := "  " + c.Name + "  (double, nullable"
		if c.Unit != "" {
			head += "; " + c.Unit
		}
		if !strings.Contains(out, head+")\n") {
			t.Errorf("help schema lacks %q", head+")")
		}
	}
}

// TestSchemaDoc checks that docs/schema.md is what writeSchema generates
// from the code that writes the tables; -update rewrites it.
func TestSchemaDoc(t *testing.T) {
	var b bytes.Buffer
	if err := writeSchema(&b, true); err != nil {
		t.Fatal(err)
	}
	// Outside code spans a Markdown renderer takes <word> for an HTML tag
	// and drops it: placeholders must not use angle brackets there.
	for i, line := range strings.Split(b.String(), "\n") {
		for j, part := range strings.Split(line, "`") {
			if j%2 == 0 && regexp.MustCompile(`<[A-Za-z/]`).MatchString(part) {
				t.Errorf("docs/schema.md line %d: an HTML-like tag outside a code span: %q", i+1, line)
			}
		}
	}
	path := filepath.Join("..", "..", "docs", "schema.md")
	if *updateSchemaDoc {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("%s is out of date with the code that writes the tables: regenerate with go test ./cmd/windpm -run TestSchemaDoc -update", path)
	}
}

// TestSchemaWrittenTables writes a predictions, a scada and an events
// table as the commands do and checks that every column of each file is
// documented, in file order, with its type, unit, nullability, encoding,
// role and doc, that `windpm help schema` prints each documented column,
// that each column documented under a fixed name is in the file, and
// that every file metadata key beyond the common ones is named in the
// table's doc.
func TestSchemaWrittenTables(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}

	// predictions: a model trained on a small labelled features table.
	table := writeClassTable(t)
	model := filepath.Join(dir, "m.json")
	if _, stderr, code := runCLI(t, "train", table, "--label", "fault", "--trees", "5", "--max-features", "2", "-o", model); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	files[classifier.PredictionsTable] = filepath.Join(dir, "p.parquet")
	if _, stderr, code := runCLI(t, "predict", "--model", model, table, "-o", files[classifier.PredictionsTable]); code != 0 {
		t.Fatalf("predict: exit %d: %s", code, stderr)
	}

	// scada: the synthetic fleet's SCADA, with the power-curve analysis.
	files[scadaTable] = filepath.Join(dir, "s.parquet")
	if _, stderr, code := runCLI(t, "scada", "ingest", synthSCADA(t), "-o", files[scadaTable]); code != 0 {
		t.Fatalf("scada ingest: exit %d: %s", code, stderr)
	}

	// events: one event through the writer of scada events.
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	files[eventsTable] = filepath.Join(dir, "e.parquet")
	if err := writeEventsTable(files[eventsTable], []nbm.Event{{Turbine: "WT01", Start: t0, End: t0.Add(24 * time.Hour), Opened: t0.Add(12 * time.Hour),
		Peak: 90, Names: []string{"gearbox_bearing1_temperature"}, Fractions: []float64{0.8}}}); err != nil {
		t.Fatal(err)
	}

	help, _, code := runCLI(t, "help", "schema")
	if code != 0 {
		t.Fatalf("help schema: exit %d", code)
	}
	common := map[string]bool{reports.MetaTable: true, reports.MetaSchemaVersion: true, reports.MetaToolVersion: true, reports.MetaColumns: true}
	seen := map[string]bool{}
	for _, s := range otherSchemas() {
		seen[s.table] = true
		path, ok := files[s.table]
		if !ok {
			t.Errorf("no file of table %s written by this test", s.table)
			continue
		}
		rt, err := reports.ReadRecordTable(path)
		if err != nil {
			t.Fatal(err)
		}
		if rt.Name != s.table {
			t.Errorf("%s: windpm.table %q", s.table, rt.Name)
		}
		// The help text prints every documented column with its type.
		for i := range s.cols {
			d := &s.cols[i]
			head := "  " + d.Name + "  (" + d.Type
			if d.Dictionary {
				head += ", dictionary"
			}
			if d.Nullable {
				head += ", nullable"
			}
			if d.Unit != "" {
				head += "; " + d.Unit
			}
			if !strings.Contains(help, head+")\n") {
				t.Errorf("%s: help schema lacks %q", s.table, head+")")
			}
		}
		// Every file column matches a documented one, in order.
		last := -1
		found := make([]bool, len(s.cols))
		for _, c := range rt.Columns {
			k, sub := matchDocumented(s.cols, c.Name)
			if k < 0 {
				t.Errorf("%s: column %s is not documented", s.table, c.Name)
				continue
			}
			d := s.cols[k]
			if k < last {
				t.Errorf("%s: column %s comes after %s in the file but before it in the doc", s.table, c.Name, s.cols[last].Name)
			}
			last, found[k] = k, true
			if c.Type != d.Type || c.Unit != d.Unit || c.Nullable != d.Nullable || c.Dictionary != d.Dictionary || c.Role != d.Role {
				t.Errorf("%s: column %s is %+v in the file, documented as %+v", s.table, c.Name, c, d)
			}
			want := d.Doc
			for _, ph := range []string{statPlaceholder, classifier.ClassPlaceholder} {
				want = strings.ReplaceAll(want, ph, sub)
			}
			if !strings.HasPrefix(want, c.Doc) || c.Doc == "" {
				t.Errorf("%s: column %s's doc %q, documented as %q", s.table, c.Name, c.Doc, d.Doc)
			}
		}
		for k, d := range s.cols {
			if !found[k] && !strings.Contains(d.Name, "{") && !(s.table == scadaTable && d.Role == "signal") {
				t.Errorf("%s: documented column %s is not in the file", s.table, d.Name)
			}
		}
		for key := range rt.Meta {
			if !common[key] && !strings.Contains(s.doc, key) {
				t.Errorf("%s: file metadata key %s is not named in the table's doc", s.table, key)
			}
		}
	}
	for name := range files {
		if !seen[name] {
			t.Errorf("table %s is not documented", name)
		}
	}
}

// matchDocumented returns the index of the documented column that name
// is (a placeholder matching any non-empty text), and the text that
// stands for the placeholder; -1 when none.
func matchDocumented(cols []reports.TableColumn, name string) (int, string) {
	for k, d := range cols {
		i := strings.Index(d.Name, "{")
		if i < 0 {
			if d.Name == name {
				return k, ""
			}
			continue
		}
		j := strings.Index(d.Name, "}")
		pre, post := d.Name[:i], d.Name[j+1:]
		if len(name) > len(pre)+len(post) && strings.HasPrefix(name, pre) && strings.HasSuffix(name, post) {
			sub := name[len(pre) : len(name)-len(post)]
			if d.Name[i:j+1] == statPlaceholder && !regexp.MustCompile(`^(avg|min|max|std)$`).MatchString(sub) {
				continue
			}
			return k, sub
		}
	}
	return -1, ""
}
