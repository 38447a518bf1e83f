#!/usr/bin/env bash
# Runs every Go fuzz target in the module for $FUZZTIME each (default 4s).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-4s}"
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
	pkg="./$(dirname "${file#./}")"
	for name in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
		echo "fuzz $pkg $name ($FUZZTIME)"
		go test -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" "$pkg" >/tmp/preadmit-fuzz.log 2>&1 || { cat /tmp/preadmit-fuzz.log; exit 1; }
	done
done
