package main

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/models/classifier"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/atomicfile"
)

type evaluateOptions struct {
	model        modelFlags
	label        string
	group        string
	folds        int
	allowLeakage bool
	blockClasses string
	recording    string
	asJSON       bool
	exportCSV    string
	out          string
	importance   int
}

func newEvaluateCmd() *cobra.Command {
	var o evaluateOptions
	cmd := &cobra.Command{
		Use:   "evaluate TABLE --label COL --group COL",
		Short: "Grouped cross-validation of a classifier on a features table, leakage-safe",
		Long: `Evaluate cross-validates a classifier (the learner and options of 'windpm
train') on a features table: the rows are split into folds by the values of
--group (a load, a speed, a fault size, a turbine), one fold per value
(leave-one-group-out, the default) or --folds K folds of whole groups; each
fold is predicted by a model trained on the others, with the imputation and
standardisation fitted on those only. It prints the per-fold scores, the
confusion matrix, per-class precision, recall, F1 and one-vs-rest AUROC,
macro-F1, balanced accuracy and macro AUROC of the pooled out-of-fold
predictions, or with --json the same as one object (keys classes, rows,
confusion, per_class, macro_f1, balanced_accuracy, accuracy, auroc_macro,
folds).

Windows of one recording are alike: a model tested on windows of a
recording it was trained on scores what it memorised. Evaluate refuses
(exit 2) a split that puts windows of one recording (same path, or same
--recording value) on both sides, unless --allow-leakage.

A class recorded once only (a healthy baseline, say) cannot be on both
sides of a grouped split: --block-class CLASS cuts each of its recordings
into contiguous time blocks (by segment), one per fold, whatever their
group value. That is leakage at the block edges, stated in the output.

With -o MODEL the learner is then fitted to every row and written as
'windpm train' would, with these cross-validated metrics in the model file.
For a forest, the permutation importance of every feature on held-out rows
(mean drop of balanced accuracy when the feature is shuffled within a
fold's test rows) is in the JSON and its top --importance in the table.

--export-csv writes the rows as used (fold, label, group, recording,
segment and the feature values; empty where null), for running another
tool on the same folds.`,
		Example: `  windpm evaluate cwru.parquet --label fault --group load_hp --block-class normal
  windpm evaluate cwru.parquet --label fault --group fault_diameter_in --block-class normal --model logreg --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEvaluate(cmd, args[0], &o)
		},
	}
	o.model.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.label, "label", "", "column holding the class of every row (required)")
	fl.StringVar(&o.group, "group", "", "column whose values make the folds (required)")
	fl.IntVar(&o.folds, "folds", 0, "K folds of whole groups instead of one fold per group value")
	fl.BoolVar(&o.allowLeakage, "allow-leakage", false, "allow windows of one recording on both sides of a split")
	fl.StringVar(&o.blockClasses, "block-class", "", "classes (comma-separated) whose recordings are cut into time blocks, one per fold")
	fl.StringVar(&o.recording, "recording", "", "columns (comma-separated) that name a recording besides path (default: cwru_file when the table has it)")
	fl.BoolVar(&o.asJSON, "json", false, "print the result as JSON")
	fl.StringVar(&o.exportCSV, "export-csv", "", "also write the rows with their folds to this CSV file")
	fl.StringVarP(&o.out, "out", "o", "", "then fit the model to every row and write it, with the metrics, to this model file")
	fl.IntVar(&o.importance, "importance", 10, "forest: print the N features of largest permutation importance")
	return cmd
}

// evaluation is the JSON output of evaluate.
type evaluation struct {
	Model      string             `json:"model"`
	Options    classifier.Options `json:"options"`
	Label      string             `json:"label"`
	Group      string             `json:"group"`
	Split      string             `json:"split"`
	Features   []string           `json:"features"`
	BlockClass []string           `json:"block_classes,omitempty"`
	classifier.Metrics
	Folds []classifier.FoldResult `json:"folds"`
	// Importance lists the forest's permutation importances, largest
	// first.
	Importance []featureImportance `json:"permutation_importance,omitempty"`
}

// featureImportance is one feature's held-out permutation importance.
type featureImportance struct {
	Feature string  `json:"feature"`
	Drop    float64 `json:"balanced_accuracy_drop"`
}

func runEvaluate(cmd *cobra.Command, table string, o *evaluateOptions) error {
	if o.label == "" || o.group == "" {
		return usageErrorf("evaluate: --label COL and --group COL are required")
	}
	if o.folds < 0 || o.folds == 1 {
		return usageErrorf("--folds must be 2 or more, got %d", o.folds)
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
	groups, err := classifier.ColumnValues(t, o.group)
	if err != nil {
		return usageErrorf("%s: --group: %v", table, err)
	}
	if o.group == o.label {
		return usageErrorf("--group %s is the label: every fold would test a class the model never saw", o.group)
	}
	blocks := splitList(o.blockClasses)
	for _, c := range blocks {
		if !slices.Contains(d.Labels, c) {
			return usageErrorf("--block-class %s: no row has that %s", c, o.label)
		}
	}
	inBlock := func(i int) bool { return slices.Contains(blocks, d.Labels[i]) }
	var s *classifier.Split
	if o.folds > 0 {
		s, err = classifier.GroupKFold(groups, o.folds, inBlock)
	} else {
		s, err = classifier.LeaveOneGroupOut(groups, inBlock)
	}
	if err != nil {
		// The likeliest cause: rows without a group value.
		n, classes := 0, map[string]bool{}
		for i, g := range groups {
			if g == "" && !inBlock(i) {
				n++
				classes[d.Labels[i]] = true
			}
		}
		if n > 0 {
			return usageErrorf("%s: %d rows have no value in --group %s (%s %s); give --block-class to cut their recordings into time blocks, or leave them out of the table",
				table, n, o.group, o.label, strings.Join(sortedKeys(classes), ", "))
		}
		return usageErrorf("%s: --group %s: %v", table, o.group, err)
	}
	segments, _ := classifier.ColumnValues(t, "segment")
	position := make([]int, len(segments))
	for i, v := range segments {
		position[i], _ = strconv.Atoi(v)
	}
	paths, _ := classifier.ColumnValues(t, "path")
	var blockRows []int
	for i := range d.Labels {
		if inBlock(i) {
			blockRows = append(blockRows, i)
		}
	}
	s.SpreadInBlocks(blockRows, paths, position)
	blockRecs := map[string]bool{}
	for _, i := range blockRows {
		blockRecs[paths[i]] = true
	}

	// The leakage check: every recording column, blocks aside.
	recCols := []string{"path"}
	if o.recording != "" {
		recCols = append(recCols, splitList(o.recording)...)
	} else if classifier.HasColumn(t, "cwru_file") {
		recCols = append(recCols, "cwru_file")
	}
	for _, col := range recCols {
		recs, err := classifier.ColumnValues(t, col)
		if err != nil {
			return usageErrorf("%s: --recording: %v", table, err)
		}
		for _, i := range blockRows {
			recs[i] = "" // spread on purpose
		}
		leaks := s.Leaks(recs)
		if len(leaks) > 0 && !o.allowLeakage {
			more := ""
			if len(leaks) > 1 {
				more = fmt.Sprintf(" and %d more", len(leaks)-1)
			}
			return usageErrorf("%s: windows of recording %s=%s%s fall on both sides of a split by --group %s; a model tested on windows of a recording it trained on scores what it memorised, not what it learned: group by a column that is constant within each recording, or give --allow-leakage",
				table, col, leaks[0], more, o.group)
		}
		if len(leaks) > 0 {
			fmt.Fprintf(stderr, "windpm: warning: --allow-leakage: %d recording(s) (%s) have windows on both sides of a split; the scores overstate\n", len(leaks), col)
		}
	}
	if o.exportCSV != "" {
		if err := exportFolds(o.exportCSV, d, s, groups, paths, segments); err != nil {
			return err
		}
	}
	res, err := classifier.CrossValidate(cmd.Context(), d, s, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	split := fmt.Sprintf("leave-one-group-out over %s (%d folds)", o.group, len(s.Names))
	if o.folds > 0 {
		split = fmt.Sprintf("%d folds of whole %s groups", o.folds, o.group)
	}
	ev := evaluation{Model: o.model.describe(opts), Options: opts, Label: o.label, Group: o.group, Split: split,
		BlockClass: blocks, Metrics: res.Metrics, Folds: res.Folds}
	for j, f := range d.Features {
		ev.Features = append(ev.Features, f.Name)
		if res.Importance != nil {
			ev.Importance = append(ev.Importance, featureImportance{f.Name, res.Importance[j]})
		}
	}
	slices.SortStableFunc(ev.Importance, func(a, b featureImportance) int { return cmp.Compare(b.Drop, a.Drop) })
	saved := ""
	if o.out != "" {
		m, err := classifier.Fit(cmd.Context(), d, nil, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		m.Training.Table, m.Training.Tool = table, versionString()
		m.Training.FeatureConfig = t.Meta[reports.MetaConfig]
		folds := make([]float64, len(res.Folds))
		for k, f := range res.Folds {
			folds[k] = f.Metrics.MacroF1
		}
		m.Evaluation = &classifier.Evaluation{Split: split, Group: o.group, Metrics: res.Metrics, FoldMacroF1: folds}
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
		saved = fmt.Sprintf("\nmodel fitted to all %d rows, with these metrics → %s\n", m.Training.Rows, o.out)
	}
	out := cmd.OutOrStdout()
	if o.asJSON {
		b, err := json.MarshalIndent(ev, "", "  ")
		if err != nil {
			return err
		}
		if _, err = fmt.Fprintf(out, "%s\n", b); err != nil {
			return err
		}
		fmt.Fprint(cmd.ErrOrStderr(), strings.TrimPrefix(saved, "\n"))
		return nil
	}
	fmt.Fprintf(out, "evaluate: %s on %d rows × %d features, %d classes; %s\n",
		ev.Model, res.Metrics.Rows, len(d.Features), len(res.Classes), split)
	if len(blockRows) > 0 {
		fmt.Fprintf(out, "note: %d rows of %s (%d recording(s)) are cut into %d time blocks, one per fold (--block-class): neighbouring windows meet at the block edges\n",
			len(blockRows), strings.Join(blocks, ", "), len(blockRecs), len(s.Names))
	}
	printEvaluation(out, &ev, o.importance)
	fmt.Fprint(out, saved)
	return nil
}

// printEvaluation writes the per-fold scores, the confusion matrix and the
// per-class and summary metrics as tables.
func printEvaluation(out io.Writer, ev *evaluation, top int) {
	m := &ev.Metrics
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nFOLD (%s)\tTRAIN\tTEST\tMACRO-F1\tBAL-ACC\tUNSEEN CLASSES\n", ev.Group)
	for _, f := range ev.Folds {
		unseen := "—"
		if len(f.Unseen) > 0 {
			unseen = strings.Join(f.Unseen, ", ")
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.3f\t%s\n", f.Name, f.TrainRows, f.TestRows, f.Metrics.MacroF1, f.Metrics.BalancedAccuracy, unseen)
	}
	tw.Flush()
	fmt.Fprintln(out, "\nconfusion (rows: true class, columns: predicted)")
	fmt.Fprintf(tw, "\t%s\n", strings.Join(m.Classes, "\t"))
	for c, row := range m.Confusion {
		cells := make([]string, len(row))
		for k, v := range row {
			cells[k] = strconv.Itoa(v)
		}
		fmt.Fprintf(tw, "%s\t%s\n", m.Classes[c], strings.Join(cells, "\t"))
	}
	tw.Flush()
	fmt.Fprintln(out)
	fmt.Fprintln(tw, "CLASS\tPRECISION\tRECALL\tF1\tSUPPORT\tAUROC")
	for _, c := range m.PerClass {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\t%s\n", c.Class, c.Precision, c.Recall, c.F1, c.Support, optional(c.AUROC))
	}
	tw.Flush()
	fmt.Fprintf(out, "\nmacro-F1 %.3f   balanced accuracy %.3f   accuracy %.3f   macro AUROC (one-vs-rest) %s\n",
		m.MacroF1, m.BalancedAccuracy, m.Accuracy, optional(m.AUROCMacro))
	if len(ev.Importance) > 0 && top > 0 {
		fmt.Fprintln(out)
		fmt.Fprintln(tw, "FEATURE\tPERMUTATION IMPORTANCE (balanced-accuracy drop on held-out rows)")
		for _, f := range ev.Importance[:min(top, len(ev.Importance))] {
			fmt.Fprintf(tw, "%s\t%.3f\n", f.Feature, f.Drop)
		}
		tw.Flush()
	}
}

// optional formats a metric that may be undefined.
func optional(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.3f", *v)
}

// exportFolds writes the rows as evaluated to a CSV file: fold index and
// name, label, group, recording (path), segment, then the features
// (shortest round-trip decimal, empty for null).
func exportFolds(path string, d *classifier.Dataset, s *classifier.Split, groups, paths, segments []string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		head := []string{"fold", "fold_name", "label", "group", "recording", "segment"}
		for _, f := range d.Features {
			head = append(head, f.Name)
		}
		if err := cw.Write(head); err != nil {
			return err
		}
		rec := make([]string, len(head))
		for i, x := range d.X {
			rec[0], rec[1] = strconv.Itoa(s.Fold[i]), s.Names[s.Fold[i]]
			rec[2], rec[3], rec[4], rec[5] = d.Labels[i], groups[i], paths[i], segments[i]
			for j, v := range x {
				rec[6+j] = ""
				if !math.IsNaN(v) {
					rec[6+j] = strconv.FormatFloat(v, 'g', -1, 64)
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
