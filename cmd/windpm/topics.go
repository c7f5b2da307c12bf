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
		Long: `windpm takes its configuration from flags (see 'windpm COMMAND --help'),
not from the environment. The variables that change what it does are:

  GOMAXPROCS  the number of CPUs windpm uses; --jobs 0 (the default where
              a command is parallel) means one worker per CPU
  GOGC, GOMEMLIMIT
              the Go runtime's garbage collector settings, for tuning
              memory use on small machines
  WINDPM_LEASE
              how long a scan's lock on a bucket (--out s3://…) holds
              without renewal (default 2m, renewed every quarter of it):
              how long a killed scan's lock blocks the next one

Object storage (s3://, gs://, azblob:// locations) takes its credentials
where each cloud's SDK finds them: AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, web identity, instance roles),
AWS_REGION, AWS_ENDPOINT_URL_S3 for an S3-compatible store;
GOOGLE_APPLICATION_CREDENTIALS or the metadata server;
AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY, a connection string, a SAS
token or DefaultAzureCredential. docs/storage.md lists them all.

Local output files are written beside their final name and renamed into
place, never through TMPDIR; objects in a bucket become visible only when
complete. windpm downloads nothing at run time and contacts nothing but
the object stores its locations name.`,
	}
}
