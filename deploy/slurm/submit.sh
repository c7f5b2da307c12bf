#!/bin/bash
# submit.sh: queue one night of a sharded windpm scan on Slurm: the array of
# N shards, then the merge, which starts only when every shard succeeded.
#
#   WINDPM_SHARDS=8 deploy/slurm/submit.sh
#
# Run it nightly from cron or scrontab on a submit host. Environment:
# WINDPM_SHARDS (N, default 8: keep it the same every night), WINDPM_FLEET,
# WINDPM_SCADA, WINDPM_OUT (paths on the shared file system, passed on to
# the jobs).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export WINDPM_SHARDS=${WINDPM_SHARDS:-8}

# --array on the command line wins over the script's #SBATCH --array.
# --parsable prints "jobid" or "jobid;cluster".
array=$(sbatch --parsable --export=ALL --array="1-${WINDPM_SHARDS}" "$here/windpm-shard.sbatch")
array=${array%%;*}

# afterok on an array job waits for every one of its tasks and is met only
# if all of them exit 0; otherwise the merge can never run, and
# --kill-on-invalid-dep=yes removes it from the queue instead of leaving it
# pending with reason DependencyNeverSatisfied.
report=$(sbatch --parsable --export=ALL --dependency="afterok:${array}" --kill-on-invalid-dep=yes "$here/windpm-report.sbatch")
report=${report%%;*}

echo "windpm: shards: job array $array (1-${WINDPM_SHARDS}); merge: job $report after it"
