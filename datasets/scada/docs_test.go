package scada

import (
	"os"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets/sharedtest"
)

// TestDocsListEveryName keeps docs/scada.md in step with the code: every
// canonical signal has its table row with unit and model, and every ENGIE
// code of the built-in mappings is listed.
func TestDocsListEveryName(t *testing.T) {
	data, err := os.ReadFile(sharedtest.RepoRoot(t) + "/docs/scada.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, s := range Signals() {
		i := s.Info()
		row := "| `" + i.Name + "` | " + i.Unit + " | `" + i.IEC + "` | " + i.Doc + " |"
		if !strings.Contains(doc, row) {
			t.Errorf("docs/scada.md lacks the row %s", row)
		}
	}
	for code, s := range engieSignals {
		row := "| `" + code + "_avg/_min/_max/_std` | `" + s.String() + "_avg/_min/_max/_std` |"
		if !strings.Contains(doc, row) {
			t.Errorf("docs/scada.md lacks the row %s", row)
		}
	}
}

// TestDocsMappingExample parses the mapping-file example of docs/scada.md.
func TestDocsMappingExample(t *testing.T) {
	data, err := os.ReadFile(sharedtest.RepoRoot(t) + "/docs/scada.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/scada.md has no yaml example")
	}
	m, err := ParseMapping([]byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "example-latin1" || len(m.Columns) != 4 || *m.RoundDecimals != 2 {
		t.Errorf("parsed %+v", m)
	}
}
