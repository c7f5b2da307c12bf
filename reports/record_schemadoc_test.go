package reports

import (
	"bytes"
	"strings"
	"testing"
)

// schemaDocColumns is a small record table for the schema text tests: two
// roles, a unit, a dictionary and a nullable column, a doc with a '|'.
var schemaDocColumns = []TableColumn{
	{Name: "turbine", Type: "string", Dictionary: true, Role: RoleKey, Doc: "Turbine id from the fleet folder."},
	{Name: "time", Type: "timestamp[us, UTC]", Role: RoleKey, Doc: "Start time of the capture."},
	{Name: "velocity_rms_mm_s", Type: "double", Unit: "mm/s", Nullable: true, Role: "score",
		Doc: "RMS vibration velocity, 10 Hz to 1 kHz (ISO 20816-21), null where the sample rate is too low; compared with the zone boundaries | A/B | B/C | C/D of the turbine's class."},
	{Name: "lines", Type: TypeListString, Role: "score"},
}

func TestWriteRecordSchemaText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRecordSchemaText(&b, "scores", "Written by windpm scan: one row per capture, with its scores against the baseline.", schemaDocColumns); err != nil {
		t.Fatal(err)
	}
	want := `
SCORES TABLE: Written by windpm scan: one row per capture, with its scores
against the baseline.

KEY COLUMNS
  turbine  (string, dictionary)
      Turbine id from the fleet folder.
  time  (timestamp[us, UTC])
      Start time of the capture.

SCORE COLUMNS
  velocity_rms_mm_s  (double, nullable; mm/s)
      RMS vibration velocity, 10 Hz to 1 kHz (ISO 20816-21), null where the
      sample rate is too low; compared with the zone boundaries | A/B | B/C
      | C/D of the turbine's class.
  lines  (list<string>)

FILE METADATA
  windpm.table is "scores"; windpm.schema_version is this table's schema
  version, bumped with any change of its columns, names, units or meaning;
  windpm.version, windpm.columns and ARROW:schema are as in the features
  table.
`
	if got := b.String(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if len(line) > 76 {
			t.Errorf("line of %d characters: %q", len(line), line)
		}
	}
}

func TestWriteRecordSchemaMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRecordSchemaMarkdown(&b, "scores", "Written by `windpm scan`: one row per capture.", schemaDocColumns); err != nil {
		t.Fatal(err)
	}
	want := "\n## The `scores` table\n\nWritten by `windpm scan`: one row per capture.\n" +
		"\n### Key columns\n\n| column | type | unit | meaning |\n|---|---|---|---|\n" +
		"| `turbine` | `string`, dictionary |  | Turbine id from the fleet folder. |\n" +
		"| `time` | `timestamp[us, UTC]` |  | Start time of the capture. |\n" +
		"\n### Score columns\n\n| column | type | unit | meaning |\n|---|---|---|---|\n" +
		"| `velocity_rms_mm_s` | `double`, nullable | mm/s | RMS vibration velocity, 10 Hz to 1 kHz (ISO 20816-21), null where the sample rate is too low; compared with the zone boundaries \\| A/B \\| B/C \\| C/D of the turbine's class. |\n" +
		"| `lines` | `list<string>` |  |  |\n" +
		"\n### File metadata\n\n`windpm.table` is `\"scores\"`; `windpm.schema_version` is this table's schema version, bumped with any change of its columns, names, units or meaning; `windpm.version`, `windpm.columns` and `ARROW:schema` are as in the features table.\n"
	if got := b.String(); got != want {
		t.Errorf("markdown:\n%s\nwant:\n%s", got, want)
	}
}

// TestRecordSchemaDocListsEveryColumn checks the text and the Markdown of
// the round-trip table: every column's name, type and unit, in order.
func TestRecordSchemaDocListsEveryColumn(t *testing.T) {
	cols := testRecordColumns()
	var text, md bytes.Buffer
	if err := WriteRecordSchemaText(&text, "alarms", "One row per alarm.", cols); err != nil {
		t.Fatal(err)
	}
	if err := WriteRecordSchemaMarkdown(&md, "alarms", "One row per alarm.", cols); err != nil {
		t.Fatal(err)
	}
	tpos, mpos := 0, 0
	for _, c := range cols {
		head := "  " + c.Name + "  (" + typeText(&c)
		if c.Unit != "" {
			head += "; " + c.Unit
		}
		i := strings.Index(text.String()[tpos:], head+")\n")
		if i < 0 {
			t.Errorf("text: no line %q after position %d", head, tpos)
			continue
		}
		tpos += i
		row := "| `" + c.Name + "` | `" + c.Type + "`"
		j := strings.Index(md.String()[mpos:], row)
		if j < 0 {
			t.Errorf("markdown: no row %q after position %d", row, mpos)
			continue
		}
		mpos += j
	}
}
