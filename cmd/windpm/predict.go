package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/models/classifier"
	"github.com/windpm/windpm/models/forest"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/atomicfile"
)

type predictOptions struct {
	features featuresOptions
	model    string
	out      string
}

func newPredictCmd() *cobra.Command {
	var o predictOptions
	cmd := &cobra.Command{
		Use:   "predict --model MODEL INPUT... -o OUT.parquet",
		Short: "Apply a trained classifier to a features table or to captures; class probabilities to Parquet",
		Long: `Predict applies a model file from 'windpm train' to every row of its
inputs and writes the predictions table (Parquet): the row's keys (turbine,
sensor, time, path, channel, segment), its true class when the input has
the model's label column, the predicted class and one probability column
p_<class> per class. The file metadata holds the model file's SHA-256
(windpm.model_sha256) and its training-data fingerprint.

An INPUT ending in .parquet is a features table, and so is a folder
holding part-*.parquet files (a table written with --partition); tables
are read one row group at a time, so a table of any size can be
predicted. Any other INPUT (capture
files, folders, manifests) goes through the feature extractor exactly as
'windpm features' would with the same flags: give the --segment,
--resample, --channel and kinematics flags the training table was made
with. The model keeps that table's configuration (windpm.config), and
predict warns, naming each difference, when an input was made otherwise.

A table that lacks a feature of the model, or has it in another unit, or a
row whose signal is in another unit than the training rows', is an error
naming the column: the model is never applied to what it was not trained
on. Missing values (null, and infinities) get the training median stored
in the model.`,
		Example: `  windpm predict --model fault-forest.json cwru.parquet -o predictions.parquet
  windpm predict --model fault-forest.json --channel DE --segment 1 --resample 12000 --bearing 6205 new/*.mat -o predictions.parquet`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPredict(cmd, args, &o)
		},
	}
	o.features.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.model, "model", "", "model file from 'windpm train' (required)")
	fl.StringVarP(&o.out, "out", "o", "", "predictions Parquet file to write (required)")
	return cmd
}

func runPredict(cmd *cobra.Command, args []string, o *predictOptions) error {
	if o.model == "" {
		return usageErrorf("predict: --model MODEL is required")
	}
	if o.out == "" {
		return usageErrorf("predict: -o OUT.parquet is required")
	}
	if strings.ToLower(filepath.Ext(o.out)) != ".parquet" {
		return usageErrorf("-o %s: the predictions table is a .parquet file", o.out)
	}
	var tables, captures []string
	for _, a := range args {
		if isFeatureTable(a) {
			tables = append(tables, a)
		} else {
			captures = append(captures, a)
		}
	}
	if len(tables) == 0 && len(captures) == 0 && o.features.manifest == "" {
		return usageErrorf("predict: give features tables (.parquet), capture files, folders or --manifest")
	}
	b, err := os.ReadFile(o.model)
	if err != nil {
		return fmt.Errorf("%s: %w", o.model, atomicfile.UnwrapPathError(err))
	}
	m, err := classifier.Read(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s: %w", o.model, err)
	}
	sum := sha256.Sum256(b)

	// Captures become a features table first, by 'windpm features' itself,
	// into a temporary file.
	var partial error
	capturesTable := ""
	if len(captures) > 0 || o.features.manifest != "" {
		dir, err := os.MkdirTemp("", "windpm-predict-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		fo := o.features
		fo.out = filepath.Join(dir, "features.parquet")
		sub := &cobra.Command{}
		sub.SetOut(io.Discard)
		sub.SetErr(cmd.ErrOrStderr())
		sub.SetContext(cmd.Context())
		if err := runFeatures(sub, captures, &fo); err != nil {
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != exitPartial {
				return err
			}
			partial = err
		}
		tables = append(tables, fo.out)
		capturesTable = fo.out
	}

	meta := map[string]string{
		"windpm.model":               o.model,
		"windpm.model_sha256":        hex.EncodeToString(sum[:]),
		"windpm.model_training_data": m.Training.Fingerprint,
	}
	cfg, _ := json.Marshal(map[string]any{"model": o.model, "classes": m.Classes, "label": m.Label, "kind": m.Options.Kind})
	meta[reports.MetaConfig] = string(cfg)
	w, err := reports.NewRecordWriter(o.out, classifier.PredictionsTable, classifier.PredictionsSchemaVersion, classifier.PredictionColumns(m), meta)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			w.Abort()
		}
	}()
	counts := make([]int, len(m.Classes))
	for _, path := range tables {
		if err := cmd.Context().Err(); err != nil {
			return err
		}
		name := path
		if path == capturesTable {
			name = "the captures' features"
		}
		if err := predictTable(path, name, m, o.model, w, counts, cmd.ErrOrStderr()); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	done = true
	var parts []string
	for c, n := range counts {
		parts = append(parts, fmt.Sprintf("%s %d", m.Classes[c], n))
	}
	fmt.Fprintf(cmd.OutOrStdout(), "predict: %d rows (%s) → %s\n", w.Rows(), strings.Join(parts, ", "), o.out)
	return partial
}

// predictTable streams the rows of the features table at path (named name
// in errors) through the model into w, counting the predicted classes.
func predictTable(path, name string, m *classifier.Model, modelPath string, w *reports.RecordWriter, counts []int, stderr io.Writer) error {
	r, err := reports.OpenFeatureTable(path)
	if err != nil {
		return err
	}
	defer r.Close()
	if diff := classifier.ConfigDifferences(r.Meta()[reports.MetaConfig], m.Training.FeatureConfig); len(diff) > 0 {
		fmt.Fprintf(stderr, "windpm: warning: %s: the features were made otherwise than the model's training table's (%s); the predictions may not mean what the evaluation measured\n",
			name, strings.Join(diff, "; "))
	}
	schema := r.Schema()
	idx, err := m.Bind(schema.Features)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", name, modelPath, err)
	}
	truth, _ := classifier.ColumnGetter(&schema, m.Label) // nil: the table has no such column
	pr := m.NewPredictor()
	p := make([]float64, len(m.Classes))
	x := make([]float64, len(m.Features))
	out := make([]any, 8+len(m.Classes))
	var row reports.FeatureRow
	for i := 0; ; i++ {
		err := r.Next(&row)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := m.CheckUnit(row.Unit); err != nil {
			return fmt.Errorf("%s: row %d (%s %s segment %d): %w", name, i, row.Path, row.Channel, row.Segment, err)
		}
		for j, k := range idx {
			x[j] = row.Values[k]
			if math.IsInf(x[j], 0) {
				x[j] = math.NaN()
			}
		}
		pr.Proba(p, x)
		c := forest.Argmax(p)
		counts[c]++
		out[0], out[1], out[2], out[3], out[4], out[5] = row.Turbine, row.Sensor, row.Time, row.Path, row.Channel, row.Segment
		out[6] = nil
		if truth != nil {
			if v := truth(&row); v != "" {
				out[6] = v
			}
		}
		out[7] = m.Classes[c]
		for k := range p {
			out[8+k] = p[k]
		}
		if err := w.Write(out); err != nil {
			return err
		}
	}
}

// isFeatureTable reports whether a predict INPUT is a features table: a
// .parquet file, or a folder with part-*.parquet files below it (a
// hive-partitioned table) rather than captures.
func isFeatureTable(path string) bool {
	if strings.ToLower(filepath.Ext(path)) == ".parquet" {
		return true
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.IsDir() {
		return false
	}
	found := false
	filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), "part-") && strings.HasSuffix(d.Name(), ".parquet") {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}
