# shellcheck shell=bash
# Shared pieces of the whole-process benchmarks (features.sh, scan.sh,
# scale.sh); sourced, not run. After bench_setup NAME PREFIX:
#   $work  a temporary folder, removed on exit
#   $bin   windpm, built static into it
#   $raw   the raw results file (--raw FILE, else one in $work), emptied
# and timed NAME CMD... runs CMD under GNU time, appends
# "NAME wall_s peak_rss_kib user_s sys_s" to $raw and echoes it with the
# last line CMD printed (or the first matching $timed_grep when set). The
# peak RSS is GNU time's %M: that of the largest single process (for a
# command with worker processes, the largest of them, not their sum).

# bench_setup NAME PREFIX: needs $raw ("" for none) and checks for
# /usr/bin/time.
bench_setup() {
	bench_name=$1
	[ -x /usr/bin/time ] || { echo "$bench_name: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
	work=$(mktemp -d "/tmp/$2.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	bin=$work/windpm
	CGO_ENABLED=0 go build -o "$bin" ./cmd/windpm
	[ -n "$raw" ] || raw=$work/raw.txt
	: >"$raw"
}

timed_grep=""

timed() {
	local name=$1; shift
	/usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
		echo "$bench_name: $name failed:" >&2; cat "$work/err" "$work/out" >&2; exit 1; }
	local line said
	line="$name $(cat "$work/time")"
	echo "$line" >>"$raw"
	if [ -n "$timed_grep" ]; then
		said=$(grep -m1 "$timed_grep" "$work/out" | tail -c 120 || true)
	else
		said=$(tail -n1 "$work/out")
	fi
	echo "$line   # $said"
}

# bench_machine: the header line every raw file starts with.
bench_machine() {
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg); nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
}
