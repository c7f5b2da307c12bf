#!/usr/bin/env bash
# The test command of the README: everything a fresh machine needs, then
# every test, on both the assembly and the pure-Go paths, then a short run
# of every fuzz target. FUZZTIME (default 10s) sets how long each fuzz
# target runs; FUZZTIME=0 skips fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."

go mod download

echo "== go test ./..."
go test -count=1 ./...

echo "== go test -tags purego ./..."
go test -count=1 -tags purego ./...

fuzztime=${FUZZTIME:-10s}
if [ "$fuzztime" != "0" ]; then
  echo "== fuzz ($fuzztime each)"
  for pkg in $(go list ./...); do
    for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
      echo "-- $pkg $target"
      go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
    done
  done
fi
echo "== all tests passed"
