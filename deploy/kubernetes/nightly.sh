#!/bin/sh
# nightly.sh: one night of a sharded windpm scan on Kubernetes. The
# windpm-nightly CronJob (cronjob.yaml) runs it in a pod of the windpm image
# with the shared volume at /data and this folder's files at /etc/windpm.
#
#  1. deletes the previous night's shards Job (and waits for its pods to
#     go, so that no old shard still holds a lock),
#  2. creates tonight's Indexed Job from shards-job.yaml,
#  3. waits until it is Complete (every shard succeeded) or Failed,
#  4. merges the shards: windpm report writes /data/scan/scores.parquet,
#     alarms.parquet, report.html, report.md and summary.json.
#
# The report runs only when every shard succeeded tonight: windpm report
# would otherwise merge an older night's outputs of the failed shard.
# Exit status: 0 done; 4 the report found an open alarm (--fail-on);
# anything else a failure (the CronJob's Job fails; alert on it).
set -eu

job=windpm-scan-shards
out=/data/scan
poll=30                      # seconds between two looks at the Job
deadline=$((6 * 3600 + 600)) # the Job's activeDeadlineSeconds + 10 min

kubectl delete job "$job" --ignore-not-found --cascade=foreground --wait=true
kubectl create -f /etc/windpm/shards-job.yaml

waited=0
while :; do
	# The types of the Job's conditions that are true, e.g. "Complete" or
	# "FailureTarget Failed". A failed look (the API server restarting)
	# is tried again at the next poll.
	if ! conditions=$(kubectl get job "$job" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}'); then
		echo "nightly: could not read job/$job; trying again in $poll s" >&2
		conditions=
	fi
	case " $conditions " in
	*" Complete "*)
		break
		;;
	*" Failed "*)
		echo "nightly: job/$job failed ($conditions); no report tonight: kubectl describe job/$job" >&2
		exit 1
		;;
	esac
	if [ "$waited" -ge "$deadline" ]; then
		echo "nightly: job/$job not finished after $waited s; no report tonight" >&2
		exit 1
	fi
	sleep "$poll"
	waited=$((waited + poll))
done

echo "nightly: every shard of job/$job succeeded; merging"
exec windpm report --from "$out" --out "$out" --fail-on alarm
