package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/models"
)

var updateSchemaDoc = flag.Bool("update", false, "rewrite the README's schema table from the code")

// TestSchemaDoc checks that docs/schema.md begins with what the code that
// writes the features, scores and alarms tables generates (with the
// feature columns of this build). The whole file, with the tables written
// outside this package, is generated and checked by cmd/windpm's
// TestSchemaDoc, whose -update rewrites it.
func TestSchemaDoc(t *testing.T) {
	ex, err := features.NewExtractor(features.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteFeatureSchemaMarkdown(&b, ex.Columns()); err != nil {
		t.Fatal(err)
	}
	var inds []string
	for _, ind := range models.DefaultIndicators() {
		inds = append(inds, ind.Name)
	}
	if err := WriteScanSchemaMarkdown(&b, inds); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "schema.md")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, b.Bytes()) {
		t.Errorf("%s is out of date with the features, scores or alarms columns: regenerate with go test ./cmd/windpm -run TestSchemaDoc -update", path)
	}
}

// TestSchemaText checks that the help text lists every column of a table
// with its type and unit, and every column's doc.
func TestSchemaText(t *testing.T) {
	s := testSchema(true)
	var b bytes.Buffer
	if err := WriteFeatureSchemaText(&b, s.Features); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, c := range s.Columns() {
		if c.Role == RoleMeta {
			continue
		}
		head := "  " + c.Name + "  (" + typeText(&c)
		if c.Unit != "" {
			head += "; " + c.Unit
		}
		head += ")\n"
		if !strings.Contains(text, head) {
			t.Errorf("no line %q", head)
		}
		if first := strings.Fields(c.Doc)[0]; c.Role != RoleSpectrum && !strings.Contains(text, head+"      "+first) {
			t.Errorf("no doc under %q", head)
		}
	}
	for _, k := range []string{MetaSchemaVersion, MetaConfig, MetaColumns, MetaToolVersion} {
		if !strings.Contains(text, k) {
			t.Errorf("help text lacks %q", k)
		}
	}
}
