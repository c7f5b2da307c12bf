package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windpm/windpm/features"
)

const (
	readmeSchemaBegin = "<!-- feature-schema:begin (generated: go test ./reports -run TestREADMESchema -update) -->\n"
	readmeSchemaEnd   = "<!-- feature-schema:end -->\n"
)

// readmeSchemaTable returns the README's table of feature columns: name,
// unit and formula of each, as the code defines them.
func readmeSchemaTable(cols []features.Column) string {
	var b strings.Builder
	b.WriteString("| column | unit | formula and convention |\n|---|---|---|\n")
	for _, c := range cols {
		unit := c.Unit
		switch unit {
		case "":
			unit = "–"
		case features.SignalUnit:
			unit = "signal unit"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.Name, unit, strings.ReplaceAll(c.Doc, "|", `\|`))
	}
	return b.String()
}

// TestREADMESchema checks that the README's schema table lists every
// feature column with the unit and formula the code gives it; -update
// rewrites the table between its markers.
func TestREADMESchema(t *testing.T) {
	ex, err := features.NewExtractor(features.Config{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(readme, []byte(readmeSchemaBegin))
	j := bytes.Index(readme, []byte(readmeSchemaEnd))
	if i < 0 || j < i {
		t.Fatalf("%s lacks the feature-schema markers", path)
	}
	want := readmeSchemaTable(ex.Columns())
	got := string(readme[i+len(readmeSchemaBegin) : j])
	if *updateSchemaDoc && got != want {
		out := append(append(append([]byte{}, readme[:i+len(readmeSchemaBegin)]...), want...), readme[j:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		got = want
	}
	if got != want {
		t.Errorf("the README's feature schema table is out of date: regenerate with go test ./reports -run TestREADMESchema -update")
	}
}
