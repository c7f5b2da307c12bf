package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/windpm/windpm/features"
)

// schemaSections are the parts of the features table in column order,
// with the columns of each part for a schema with the given feature
// columns; the metadata and spectrum parts are described generically.
func schemaSections(feats []features.Column) []struct {
	title, intro string
	cols         []TableColumn
} {
	s := FeatureSchema{Features: feats}
	all := s.Columns()
	type section = struct {
		title, intro string
		cols         []TableColumn
	}
	return []section{
		{"Key columns", "", all[:colUnit]},
		{"Capture columns", "", all[colUnit:numFixed]},
		{"Manifest metadata columns", "Every column of the manifest beyond the known ones (path, channel, sample_rate_hz, rpm, unit, turbine, sensor, time, bearing, label), in manifest order, under its own name: int64 if every non-empty value is an integer, else double if every one is a number, else string; an empty cell is null; plain (not dictionary) encoding.", nil},
		{"Feature columns", fmt.Sprintf("Feature set version %d: double, null where a feature does not apply (no rpm, no bearing or gear data, a band above Nyquist). Unit 'signal' is the unit in the row's unit column; '' is dimensionless.", features.SchemaVersion), all[numFixed:]},
		{"Spectrum column", "Only with --spectra.", []TableColumn{{Name: "psd", Type: "list<float32>", Unit: features.SignalUnit + "^2/Hz", Nullable: true, Role: RoleSpectrum,
			Doc: psdDoc}}},
	}
}

// fileMetaDocs describes the file metadata keys of the features table.
var fileMetaDocs = [][2]string{
	{MetaTable, `"features"`},
	{MetaSchemaVersion, "the feature set version (features.SchemaVersion); bumped with any change of columns, names, units or formulas"},
	{MetaToolVersion, "the windpm version that wrote the file"},
	{MetaConfig, "the feature configuration and the options of the run, as JSON"},
	{MetaColumns, "every column (name, type, unit, nullable, dictionary, role, doc) as a JSON array"},
	{MetaPSDFrequency, "with --spectra: the frequency (Hz) of each psd value, as a JSON array"},
	{"ARROW:schema", "the Arrow schema, with unit, doc and role in each field's metadata"},
}

// typeText returns the type as printed: the logical type, nullability and
// encoding.
func typeText(c *TableColumn) string {
	t := c.Type
	if c.Dictionary {
		t += ", dictionary"
	}
	if c.Nullable {
		t += ", nullable"
	}
	return t
}

// WriteFeatureSchemaText writes the features table's schema for a
// terminal (`windpm help schema`): every column with type, unit and doc,
// the feature columns being feats (features.Extractor.Columns), then the
// file metadata keys. The other tables follow it (WriteRecordSchemaText,
// WriteScanSchemaText).
func WriteFeatureSchemaText(w io.Writer, feats []features.Column) error {
	var b strings.Builder
	b.WriteString(`windpm's tables are Parquet files (zstd; dictionary encoding only for the
string key columns), read by DuckDB, pandas/pyarrow, Polars, Spark or
Trino. Column names are snake_case with the unit as suffix; units and docs
are also in each field's metadata. The schemas are a public contract:
they change only with a version bump.

FEATURES TABLE (windpm features): one row per capture, or per segment with
--segment. --partition turbine,date writes a hive-partitioned folder
(turbine=WT01/date=2025-03-01/part-00000.parquet); the files keep the
turbine column, date comes from the folder names (DuckDB:
read_parquet('DIR/**/*.parquet', hive_partitioning = true)).
`)
	for _, sec := range schemaSections(feats) {
		fmt.Fprintf(&b, "\n%s\n", strings.ToUpper(sec.title))
		if sec.intro != "" {
			wrap(&b, sec.intro, "  ", 76)
		}
		if sec.title == "Feature columns" && len(sec.cols) == 0 {
			b.WriteString("  (none in this build)\n")
		}
		for i := range sec.cols {
			c := &sec.cols[i]
			unit := ""
			if c.Unit != "" {
				unit = "; " + c.Unit
			}
			fmt.Fprintf(&b, "  %s  (%s%s)\n", c.Name, typeText(c), unit)
			wrap(&b, c.Doc, "      ", 76)
		}
	}
	b.WriteString("\nFILE METADATA (DuckDB: SELECT * FROM parquet_kv_metadata('F.parquet'))\n")
	for _, kv := range fileMetaDocs {
		fmt.Fprintf(&b, "  %s\n", kv[0])
		wrap(&b, kv[1], "      ", 76)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteFeatureSchemaMarkdown writes the features table's schema as
// Markdown (docs/schema.md), with the same content as
// WriteFeatureSchemaText. The other tables follow it
// (WriteRecordSchemaMarkdown, WriteScanSchemaMarkdown); cmd/windpm's
// TestSchemaDoc writes the whole file.
func WriteFeatureSchemaMarkdown(w io.Writer, feats []features.Column) error {
	var b strings.Builder
	b.WriteString(`# Table schemas

<!-- Generated from the code that writes the tables: do not edit.
     Regenerate with: go test ./cmd/windpm -run TestSchemaDoc -update -->

windpm's tables are Parquet files (zstd; dictionary encoding only for the
string key columns), read by DuckDB, pandas/pyarrow, Polars, Spark or
Trino. Column names are snake_case with the unit as suffix; units and docs
are also in each field's Arrow metadata. The schemas are a public
contract: they change only with a version bump. ` + "`windpm help schema`" + `
prints the same.

## Features table

Written by ` + "`windpm features`" + `: one row per capture, or per segment with
` + "`--segment`" + `. ` + "`--partition turbine,date`" + ` writes a hive-partitioned folder
(` + "`turbine=WT01/date=2025-03-01/part-00000.parquet`" + `): the files keep the
turbine column, ` + "`date`" + ` comes from the folder names, and a missing value is
` + "`" + HiveNull + "`" + `. DuckDB reads it with
` + "`read_parquet('DIR/**/*.parquet', hive_partitioning = true)`" + ` (date typed DATE).
`)
	for _, sec := range schemaSections(feats) {
		fmt.Fprintf(&b, "\n### %s\n\n", sec.title)
		if sec.intro != "" {
			b.WriteString(sec.intro + "\n")
		}
		if len(sec.cols) == 0 {
			if sec.title == "Feature columns" {
				b.WriteString("\n(none in this build)\n")
			}
			continue
		}
		if sec.intro != "" {
			b.WriteString("\n")
		}
		b.WriteString("| column | type | unit | meaning |\n|---|---|---|---|\n")
		for i := range sec.cols {
			c := &sec.cols[i]
			// Types in code spans: list<float32> would be read as HTML.
			typ := "`" + c.Type + "`" + strings.TrimPrefix(typeText(c), c.Type)
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Name, typ, c.Unit, strings.ReplaceAll(c.Doc, "|", `\|`))
		}
	}
	b.WriteString("\n### File metadata\n\n| key | value |\n|---|---|\n")
	for _, kv := range fileMetaDocs {
		fmt.Fprintf(&b, "| `%s` | %s |\n", kv[0], kv[1])
	}
	b.WriteString(`
### Reading it

` + "```sql" + `
-- DuckDB
SELECT turbine, sensor, time, kurtosis_pearson FROM 'features.parquet' ORDER BY time;
SELECT * FROM read_parquet('features/**/*.parquet', hive_partitioning = true)
  WHERE date >= DATE '2025-03-01';
SELECT decode(key), decode(value) FROM parquet_kv_metadata('features.parquet');
` + "```" + `

` + "```python" + `
import pandas as pd                      # with pyarrow installed
df = pd.read_parquet("features.parquet")  # nulls become NaN / None / NaT
` + "```" + `

In Go, ` + "`reports.OpenFeatureTable`" + ` streams the rows back (a file or a
partitioned folder) and ` + "`reports.ReadFeatureTable`" + ` reads them all.
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap writes text word-wrapped to width columns, each line prefixed by
// indent.
func wrap(b *strings.Builder, text, indent string, width int) {
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		b.WriteString(line + "\n")
	}
}
