package main

import "github.com/spf13/cobra"

// Help topics: commands without a Run, shown under "Additional help topics"
// and read with `windpm help TOPIC`.

func newExitCodesTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "What windpm's exit codes mean",
		Long: `windpm exits with:

  0    success
  1    failure: nothing useful was produced (bad input, I/O error)
  2    usage error: unknown flag or command, missing or bad argument
  3    partial: some inputs failed (each named on stderr), the rest were
       processed and written
  4    --fail-on threshold reached (a scan found warnings or alarms)
  130  interrupted (SIGINT/SIGTERM); outputs left consistent

Errors are one line on stderr, "windpm: FILE: problem". No half-written
output file is left behind: outputs are written to a temporary file in the
same folder and renamed into place.`,
	}
}

func newEnvironmentTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "environment",
		Short: "Environment variables windpm reads",
		Long: `windpm reads no configuration from the environment except:

  NO_COLOR    when set (to anything), no colour in terminal output
  TMPDIR      where temporary files go that are not written beside an
              output (outputs themselves are written beside their final
              name and renamed)
  GOMAXPROCS  the number of CPUs the Go runtime uses; --jobs defaults to it

Everything else is a flag: see 'windpm COMMAND --help'. windpm never
downloads anything at run time.`,
	}
}
