package reports

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
)

// The features table (see docs/schema.md): one row per capture or
// segment. Its columns, in order:
//
//  1. the key columns turbine, sensor, time, path, channel, segment;
//  2. the capture columns unit, sample_rate_hz, rpm, samples, label;
//  3. the manifest metadata columns, in manifest order, typed int64,
//     double or string by datasets.MetaColumn.Kind (an empty cell is null);
//  4. the feature columns of features.Extractor, double, null where the
//     feature does not apply (NaN in the extractor's row);
//  5. with spectra, psd: the power spectral density as list<float32>, its
//     frequency axis in the file metadata key windpm.psd_frequency_hz.
//
// Strings in the key and capture columns that repeat (turbine, sensor,
// channel, unit) are dictionary-encoded in the Parquet file; every other
// column uses plain encoding; every column is zstd-compressed. The arrow
// types are plain (string, not dictionary<string>), so every reader sees
// VARCHAR.

// FeatureSchema describes the variable part of a features table: the
// manifest metadata columns, the feature columns and whether the PSD is
// stored.
type FeatureSchema struct {
	// Features are the feature columns in row order, as
	// features.Extractor.Columns returns them.
	Features []features.Column
	// Meta are the manifest metadata columns in manifest order.
	Meta []datasets.MetaColumn
	// Spectra adds the psd column; SpectraFreqHz is its frequency axis
	// (every row's Spectrum has this length).
	Spectra       bool
	SpectraFreqHz []float64
	// SpectraDoc says how the PSD was computed (window, segment length,
	// averaging), for the column's doc; empty gives a generic sentence.
	SpectraDoc string
}

// TableColumn describes one column of a table as written: its name,
// Parquet/Arrow type, unit, role and meaning. It is what `windpm help
// schema` prints and what the file metadata key windpm.columns holds.
type TableColumn struct {
	Name string `json:"name"`
	// Type is the logical type: "string", "timestamp[us, UTC]", "int32",
	// "int64", "double", "list<float32>".
	Type string `json:"type"`
	// Unit is the physical unit ("Hz", "mm/s", "dB", "rpm"), "" for a
	// dimensionless value or text, "signal" for the unit named in the row's
	// unit column.
	Unit string `json:"unit,omitempty"`
	// Nullable reports whether the column may hold nulls.
	Nullable bool `json:"nullable"`
	// Dictionary reports whether the column is dictionary-encoded.
	Dictionary bool `json:"dictionary,omitempty"`
	// Role is "key", "capture", "meta", "feature" or "spectrum".
	Role string `json:"role"`
	// Doc is the meaning, formula and convention in one sentence.
	Doc string `json:"doc,omitempty"`
}

// The column roles of a features table.
const (
	RoleKey      = "key"
	RoleCapture  = "capture"
	RoleMeta     = "meta"
	RoleFeature  = "feature"
	RoleSpectrum = "spectrum"
)

// File metadata keys of a features table.
const (
	// MetaSchemaVersion holds features.SchemaVersion as decimal text.
	MetaSchemaVersion = "windpm.schema_version"
	// MetaToolVersion holds the version of windpm that wrote the file.
	MetaToolVersion = "windpm.version"
	// MetaConfig holds the feature configuration as JSON.
	MetaConfig = "windpm.config"
	// MetaColumns holds every column as a JSON array of TableColumn.
	MetaColumns = "windpm.columns"
	// MetaPSDFrequency holds the psd column's frequency axis in Hz as a
	// JSON array of numbers (only with spectra).
	MetaPSDFrequency = "windpm.psd_frequency_hz"
	// MetaTable names the table ("features").
	MetaTable = "windpm.table"
)

// psdDoc is the psd column's doc when FeatureSchema.SpectraDoc is empty.
const psdDoc = "One-sided power spectral density of the capture or segment; its frequency axis (Hz) is the JSON array in the file metadata key " + MetaPSDFrequency + "."

// fixedColumns are the key and capture columns, in table order.
var fixedColumns = []TableColumn{
	{Name: "turbine", Type: "string", Dictionary: true, Role: RoleKey,
		Doc: "Turbine id from the manifest or the fleet folder; empty when unknown."},
	{Name: "sensor", Type: "string", Dictionary: true, Role: RoleKey,
		Doc: "Sensor (measurement point) id from the manifest or the fleet folder; empty when unknown."},
	{Name: "time", Type: "timestamp[us, UTC]", Nullable: true, Role: RoleKey,
		Doc: "Start time of the capture (UTC, microseconds); null when the file and manifest do not state it."},
	{Name: "path", Type: "string", Role: RoleKey,
		Doc: "Capture file as the input named it."},
	{Name: "channel", Type: "string", Dictionary: true, Role: RoleKey,
		Doc: "Channel (variable) name inside the capture file."},
	{Name: "segment", Type: "int32", Role: RoleKey,
		Doc: "Index of the window within the capture, from 0 (always 0 without --segment)."},
	{Name: "unit", Type: "string", Dictionary: true, Role: RoleCapture,
		Doc: "Unit of the signal (g, m/s2, mm/s; empty when the file does not say): the unit of every feature column whose unit is 'signal'."},
	{Name: "sample_rate_hz", Type: "double", Unit: "Hz", Role: RoleCapture,
		Doc: "Sample rate the features were computed at (after --resample)."},
	{Name: "rpm", Type: "double", Unit: "rpm", Nullable: true, Role: RoleCapture,
		Doc: "Speed of the shaft the sensor is referenced to, in revolutions per minute; null when unknown."},
	{Name: "samples", Type: "int64", Role: RoleCapture,
		Doc: "Number of samples in the capture or segment."},
	{Name: "label", Type: "string", Nullable: true, Role: RoleCapture,
		Doc: "Ground-truth class for training from the manifest; null when not stated."},
}

// The indices of the fixed columns in a row.
const (
	colTurbine = iota
	colSensor
	colTime
	colPath
	colChannel
	colSegment
	colUnit
	colRate
	colRPM
	colSamples
	colLabel
	numFixed
)

// FixedFeatureColumns returns the key and capture columns every features
// table starts with (a copy).
func FixedFeatureColumns() []TableColumn {
	return append([]TableColumn(nil), fixedColumns...)
}

// Columns returns every column of a table with schema s, in order.
func (s *FeatureSchema) Columns() []TableColumn {
	cols := FixedFeatureColumns()
	for _, m := range s.Meta {
		cols = append(cols, TableColumn{Name: m.Name, Type: metaType(m.Kind), Nullable: true, Role: RoleMeta,
			Doc: "Manifest metadata column, passed through (" + m.Kind.String() + "); null where the cell is empty."})
	}
	for _, f := range s.Features {
		unit := f.Unit
		cols = append(cols, TableColumn{Name: f.Name, Type: "double", Unit: unit, Nullable: true, Role: RoleFeature, Doc: f.Doc})
	}
	if s.Spectra {
		doc := s.SpectraDoc
		if doc == "" {
			doc = psdDoc
		}
		cols = append(cols, TableColumn{Name: "psd", Type: "list<float32>", Unit: features.SignalUnit + "^2/Hz", Nullable: true, Role: RoleSpectrum, Doc: doc})
	}
	return cols
}

func metaType(k datasets.MetaKind) string {
	switch k {
	case datasets.MetaInteger:
		return "int64"
	case datasets.MetaFloat:
		return "double"
	}
	return "string"
}

// validate checks that column names are unique and non-empty and that the
// spectrum axis is given when spectra are on.
func (s *FeatureSchema) validate() error {
	seen := make(map[string]string)
	for _, c := range s.Columns() {
		if c.Name == "" {
			return fmt.Errorf("features table: a %s column has no name", c.Role)
		}
		if strings.ContainsAny(c.Name, "/=") {
			return fmt.Errorf("features table: column name %q contains '/' or '='", c.Name)
		}
		if prev, dup := seen[c.Name]; dup {
			return fmt.Errorf("features table: column %q appears twice (as %s and %s column)", c.Name, prev, c.Role)
		}
		seen[c.Name] = c.Role
	}
	if s.Spectra && len(s.SpectraFreqHz) == 0 {
		return fmt.Errorf("features table: spectra requested without a frequency axis")
	}
	return nil
}

// arrowType returns the Arrow type of a column described by c.
func arrowType(c *TableColumn) (arrow.DataType, error) {
	switch c.Type {
	case "string":
		return arrow.BinaryTypes.String, nil
	case "timestamp[us, UTC]":
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, nil
	case "int32":
		return arrow.PrimitiveTypes.Int32, nil
	case "int64":
		return arrow.PrimitiveTypes.Int64, nil
	case "double":
		return arrow.PrimitiveTypes.Float64, nil
	case "list<float32>":
		return arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.PrimitiveTypes.Float32, Nullable: true}), nil
	}
	return nil, fmt.Errorf("column %s: unknown type %q", c.Name, c.Type)
}

// arrowSchema returns the Arrow schema of cols with unit, doc and role as
// field metadata: the ARROW:schema that pyarrow and pqarrow apply when they
// read the file.
func arrowSchema(cols []TableColumn) (*arrow.Schema, error) {
	fields := make([]arrow.Field, len(cols))
	for i := range cols {
		c := &cols[i]
		t, err := arrowType(c)
		if err != nil {
			return nil, err
		}
		mk := []string{"role"}
		mv := []string{c.Role}
		if c.Unit != "" {
			mk, mv = append(mk, "unit"), append(mv, c.Unit)
		}
		if c.Doc != "" {
			mk, mv = append(mk, "doc"), append(mv, c.Doc)
		}
		fields[i] = arrow.Field{Name: c.Name, Type: t, Nullable: c.Nullable, Metadata: arrow.NewMetadata(mk, mv)}
	}
	return arrow.NewSchema(fields, nil), nil
}
