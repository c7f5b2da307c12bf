package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// run builds the command tree, executes args and returns the exit code.
// Every error is printed as one line on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	code := exitCode(ctx, err)
	switch {
	case code == exitInterrupted:
		fmt.Fprintln(stderr, "windpm: interrupted")
	case err != nil:
		fmt.Fprintf(stderr, "windpm: %s\n", oneLine(err.Error()))
		if code == exitUsage {
			fmt.Fprintln(stderr, "Run 'windpm help' for usage.")
		}
	}
	return code
}

// newRootCmd returns the windpm command with every sub-command attached.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "windpm",
		Short: "Predictive-maintenance analytics for wind turbines",
		Long: `windpm turns wind-turbine vibration captures (MAT, WAV, CSV) and SCADA
into features, diagnoses, alarms with evidence, reports and Parquet tables.

Start with 'windpm demo', then 'windpm inspect FILE' on your own captures.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.AddCommand(
		newVersionCmd(),
		newDemoCmd(),
		newScanCmd(),
		newReportCmd(),
		newInspectCmd(),
		newSpectrumCmd(),
		newDiagnoseCmd(),
		newFeaturesCmd(),
		newTrainCmd(),
		newEvaluateCmd(),
		newPredictCmd(),
		newSynthCmd(),
		newSCADACmd(),
		newExitCodesTopic(),
		newEnvironmentTopic(),
		newSchemaTopic(),
	)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err}
	})
	wrapArgs(root)
	return root
}

// wrapArgs makes every positional-argument error in the tree a usage error
// (exit 2), whatever validator the command uses.
func wrapArgs(c *cobra.Command) {
	if v := c.Args; v != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := v(cmd, args); err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("%s: %w", cmd.CommandPath(), err)}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

// oneLine folds an error message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
