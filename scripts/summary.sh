#!/bin/bash
# usage: scripts/summary.sh RESULTS-DIR
# Counts the cases of every layer's TAP file (RESULTS-DIR/*.tap), lists the
# failures and skips, and prints the closing line "N passed, N failed,
# N skipped".  Exits 1 if any case failed or no case ran.
set -euo pipefail

dir=${1:?usage: $0 RESULTS-DIR}
shopt -s nullglob
taps=("$dir"/*.tap)
pass=0 fail=0 skip=0
echo
echo "==> results in $dir"
for t in "${taps[@]}"; do
	p=$(grep -E '^ok [0-9]+' "$t" | grep -vc '# SKIP' || true)
	s=$(grep -E '^ok [0-9]+' "$t" | grep -c '# SKIP' || true)
	f=$(grep -cE '^not ok [0-9]+' "$t" || true)
	printf '    %-14s %4d passed, %d failed, %d skipped\n' "$(basename "$t" .tap)" "$p" "$f" "$s"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
if [ "$skip" -gt 0 ]; then
	echo "skipped:"
	grep -h -E '^ok [0-9]+.*# SKIP' "${taps[@]}" | sed 's/^ok [0-9]* /    /'
fi
if [ "$fail" -gt 0 ]; then
	echo "FAILED:"
	grep -h -E '^not ok [0-9]+' "${taps[@]}" | sed 's/^not ok [0-9]* /    /'
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
