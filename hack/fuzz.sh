#!/usr/bin/env bash
# Runs every Go fuzz target in the module for $FUZZTIME each (default 4s).
#
# Under load, Go's fuzzer sometimes ends a time-bounded run with a bare
# "context deadline exceeded" failure although no input failed (its workers
# did not stop in time). Such a run, with no failing input written, is
# retried once; a real failure always names the input it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-4s}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

fuzz() {
	go test -run='^$' -fuzz="^${2}\$" -fuzztime="$FUZZTIME" "$1" >"$log" 2>&1
}

grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
	pkg="./$(dirname "${file#./}")"
	for name in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
		echo "fuzz $pkg $name ($FUZZTIME)"
		if fuzz "$pkg" "$name"; then
			continue
		fi
		if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
			echo "  (the fuzzer timed out stopping its workers; retrying once)"
			fuzz "$pkg" "$name" && continue
		fi
		cat "$log"
		exit 1
	done
done
