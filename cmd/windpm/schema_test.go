package main

import (
	"strings"
	"testing"

	"github.com/windpm/windpm/features"
)

// TestHelpSchema checks that `windpm help schema` lists the key columns
// and every feature column this build writes, with its unit.
func TestHelpSchema(t *testing.T) {
	out, errOut, code := runCLI(t, "help", "schema")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"  turbine  (string, dictionary)\n", "  time  (timestamp[us, UTC], nullable)\n", "windpm.schema_version", "OTHER TABLES"} {
		if !strings.Contains(out, want) {
			t.Errorf("help schema lacks %q", want)
		}
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
