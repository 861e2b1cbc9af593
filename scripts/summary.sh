#!/bin/bash
# usage: scripts/summary.sh RESULTS-DIR
# Counts the cases of every layer's TAP file (RESULTS-DIR/*.tap), lists the
# failures and skips, and prints the closing line "N passed, N failed,
# N skipped".  A file that does not start with "TAP version 13" or whose
# plan does not match its cases (a layer that stopped half-way) is one more
# failed case.  Exits 1 if any case failed or no case ran.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 RESULTS-DIR"
dir=$1
shopt -s nullglob
taps=("$dir"/*.tap)
pass=0 fail=0 skip=0 broken=()
echo
echo "==> results in $dir"
for t in "${taps[@]}"; do
	layer=$(basename "$t" .tap)
	p=$(grep -E '^ok [0-9]+' "$t" | grep -vc '# SKIP' || true)
	s=$(grep -E '^ok [0-9]+' "$t" | grep -c '# SKIP' || true)
	f=$(grep -cE '^not ok [0-9]+' "$t" || true)
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$t" | tail -n 1)
	if [ "$(head -n 1 "$t")" != 'TAP version 13' ] || [ "${plan:-x}" != $((p + s + f)) ]; then
		broken+=("$layer: $((p + s + f)) cases, plan '1..${plan:-(none)}' (the layer stopped half-way?)")
		f=$((f + 1))
	fi
	printf '    %-16s %4d passed, %d failed, %d skipped\n' "$layer" "$p" "$f" "$s"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
if [ "$skip" -gt 0 ]; then
	echo "skipped:"
	grep -h -E '^ok [0-9]+.*# SKIP' "${taps[@]}" | sed 's/^ok [0-9]* /    /'
fi
if [ "$fail" -gt 0 ]; then
	echo "FAILED:"
	grep -h -E '^not ok [0-9]+' "${taps[@]}" | sed 's/^not ok [0-9]* /    /'
	for b in "${broken[@]}"; do echo "    TAP of $b"; done
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
