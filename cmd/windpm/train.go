package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/models/classifier"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/atomicfile"
)

// modelFlags are the learner flags of train and evaluate.
type modelFlags struct {
	kind           string
	features       string
	trees          int
	maxFeatures    int
	minSamplesLeaf int
	seed           uint64
	c              float64
	unweighted     bool
	jobs           int
}

func (f *modelFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.kind, "model", classifier.KindForest, "learner: forest (random forest) or logreg (multinomial logistic regression)")
	fl.StringVar(&f.features, "features", "", "feature columns to use, comma-separated globs (bpf*_db,kurtosis*), or all; default the level-free columns (dimensionless ratios, spectral shape, *_db, order energies, envelope and third-octave shares: see docs/evaluation.md), or every column of a table that has none of them")
	fl.IntVar(&f.trees, "trees", 100, "forest: number of trees")
	fl.IntVar(&f.maxFeatures, "max-features", 0, "forest: features tried per split (0: the square root of their number)")
	fl.IntVar(&f.minSamplesLeaf, "min-samples-leaf", 1, "forest: smallest number of training rows in a leaf")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed (the result is the same for the same seed whatever --jobs)")
	fl.Float64Var(&f.c, "c", 1, "logreg: inverse strength of the L2 penalty")
	fl.BoolVar(&f.unweighted, "unweighted", false, "do not weight classes (default: every class carries the same total weight)")
	fl.IntVar(&f.jobs, "jobs", 0, "goroutines that grow trees (0: one per CPU)")
}

// options checks the flags and returns the training options.
func (f *modelFlags) options() (classifier.Options, error) {
	o := classifier.Options{Kind: f.kind, Seed: f.seed, Unweighted: f.unweighted, Jobs: f.jobs}
	switch f.kind {
	case classifier.KindForest:
		if f.trees < 1 {
			return o, usageErrorf("--trees must be at least 1, got %d", f.trees)
		}
		if f.maxFeatures < 0 || f.minSamplesLeaf < 1 {
			return o, usageErrorf("--max-features must be >= 0 and --min-samples-leaf >= 1")
		}
		o.Trees, o.MaxFeatures, o.MinSamplesLeaf = f.trees, f.maxFeatures, f.minSamplesLeaf
	case classifier.KindLogReg:
		if !(f.c > 0) {
			return o, usageErrorf("--c must be positive, got %g", f.c)
		}
		o.C = f.c
	default:
		return o, usageErrorf("--model %q: forest or logreg", f.kind)
	}
	if f.jobs < 0 {
		return o, usageErrorf("--jobs must be >= 0, got %d", f.jobs)
	}
	if o.Jobs == 0 {
		o.Jobs = runtime.GOMAXPROCS(0)
	}
	return o, nil
}

// describe says what the options train, for people.
func (f *modelFlags) describe(o classifier.Options) string {
	w := "balanced class weights"
	if o.Unweighted {
		w = "no class weights"
	}
	if o.Kind == classifier.KindForest {
		return fmt.Sprintf("random forest of %d trees (seed %d, %s)", o.Trees, o.Seed, w)
	}
	return fmt.Sprintf("logistic regression (C = %g, %s)", o.C, w)
}

// loadDataset reads the features table at path and draws the data set
// with the feature columns of patterns and the labels of column label.
// Rows without a label are an error.
func loadDataset(path, label, patterns string, stderr io.Writer) (*reports.FeatureTable, *classifier.Dataset, error) {
	t, err := reports.ReadFeatureTable(path)
	if err != nil {
		return nil, nil, err
	}
	if len(t.Rows) == 0 {
		return nil, nil, fmt.Errorf("%s: the table has no rows", path)
	}
	var pats []string
	switch patterns {
	case "":
		pats = classifier.LevelFreeFeatures
	case "all":
		// every feature column
	default:
		pats = splitList(patterns)
	}
	idx, dropped, err := classifier.SelectFeatures(t, pats)
	if err != nil && patterns == "" {
		// Not a windpm features table (none of its level-free columns):
		// every column, as --features all.
		fmt.Fprintf(stderr, "windpm: note: %s has none of the level-free feature columns; using every feature column\n", path)
		idx, dropped, err = classifier.SelectFeatures(t, nil)
	}
	if err != nil {
		return nil, nil, usageErrorf("%s: %v", path, err)
	}
	if len(dropped) > 0 {
		fmt.Fprintf(stderr, "windpm: note: %d feature column(s) are null in every row and left out: %s\n", len(dropped), strings.Join(dropped, ", "))
	}
	d, err := classifier.NewDataset(t, idx, label)
	if err != nil {
		return nil, nil, usageErrorf("%s: --label: %v", path, err)
	}
	missing := 0
	for _, l := range d.Labels {
		if l == "" {
			missing++
		}
	}
	if missing > 0 {
		return nil, nil, fmt.Errorf("%s: %d of %d rows have no value in label column %s", path, missing, len(d.Labels), label)
	}
	return t, d, nil
}

type trainOptions struct {
	model modelFlags
	label string
	out   string
}

func newTrainCmd() *cobra.Command {
	var o trainOptions
	cmd := &cobra.Command{
		Use:   "train TABLE --label COL -o MODEL",
		Short: "Fit a fault classifier (random forest or logistic regression) to a features table",
		Long: `Train fits a classifier to the rows of a features table (from 'windpm
features') and writes it as a JSON model file: the feature names and
units, the classes (the distinct values of --label, sorted), the median of
every feature (which replaces a null), the standardisation (for logreg),
a SHA-256 fingerprint of the training data and the options.

The random forest grows its trees on bootstrap samples with the Gini
impurity and √p features tried per split; classes are weighted so that
each carries the same total weight unless --unweighted. Logistic
regression is multinomial with an L2 penalty, on standardised inputs.
The model file is the same for the same table and seed whatever --jobs.

Judge a model with 'windpm evaluate' (grouped cross-validation), not on its
training rows.`,
		Example: `  windpm train cwru.parquet --label fault -o fault-forest.json
  windpm train cwru.parquet --label fault --model logreg --features 'bp*_db,kurtosis*' -o fault-logreg.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTrain(cmd, args[0], &o)
		},
	}
	o.model.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.label, "label", "", "column holding the class of every row (required)")
	fl.StringVarP(&o.out, "out", "o", "", "model file to write (required)")
	return cmd
}

func runTrain(cmd *cobra.Command, table string, o *trainOptions) error {
	if o.label == "" {
		return usageErrorf("train: --label COL is required")
	}
	if o.out == "" {
		return usageErrorf("train: -o MODEL is required")
	}
	opts, err := o.model.options()
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	t, d, err := loadDataset(table, o.label, o.model.features, stderr)
	if err != nil {
		return err
	}
	m, err := classifier.Fit(cmd.Context(), d, nil, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	m.Training.Table = table
	m.Training.Tool = versionString()
	m.Training.FeatureConfig = t.Meta[reports.MetaConfig]
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := atomicfile.Write(o.out, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}); err != nil {
		return err
	}
	var counts []string
	for c, name := range m.Classes {
		counts = append(counts, fmt.Sprintf("%s %d", name, m.Training.ClassRows[c]))
	}
	fmt.Fprintf(cmd.OutOrStdout(), "train: %s on %d rows × %d features, %d classes (%s) → %s\n",
		o.model.describe(opts), m.Training.Rows, len(m.Features), len(m.Classes), strings.Join(counts, ", "), o.out)
	return nil
}
