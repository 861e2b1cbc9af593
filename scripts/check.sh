#!/bin/bash
# usage: scripts/check.sh
#   T=<program>   run only that VM test (e.g. T=aarch64/psci_test or T=psci_test)
# Runs every test layer: the series applies, the test kernel and the KVM
# selftests build, the selftests pass in the test VM.  Each layer's cases go
# to build/results/<layer>.tap, logs beside them; the last line printed is
# "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
rm -rf "$results"
mkdir -p "$results"

# record LAYER ok|not ok|skip NAME [COMMENT]
record() {
	local f=$results/$1.tap n
	n=$(( $(grep -cE '^(not )?ok ' "$f" 2>/dev/null || true) + 1 ))
	case $2 in
	skip) echo "ok $n $3 # SKIP ${4:-}" >> "$f" ;;
	*) echo "$2 $n $3${4:+ # $4}" >> "$f" ;;
	esac
}
# step LAYER NAME LOG CMD...: runs CMD, its output in LOG, and records it.
step() {
	local layer=$1 name=$2 log=$3
	shift 3
	if "$@" > >(tee "$log") 2>&1; then
		record "$layer" ok "$name"
	else
		tail -n 30 "$log"
		record "$layer" "not ok" "$name" "see $log"
		return 1
	fi
}
finish() {
	say "total time $(( $(date +%s) - start ))s"
	exec "$top/scripts/summary.sh" "$results"
}

"$top/scripts/deps.sh"
step series "patches/series applies with git am" "$results/tree.log" "$top/scripts/tree.sh" || finish
step build "arm64 test kernel builds" "$results/build-kernel.log" "$top/scripts/build-kernel.sh" kernel || finish
step build "KVM selftests build" "$results/build-selftests.log" "$top/scripts/build-selftests.sh" kernel || finish

# The VM layer: the no-regression list plus the series' own tests.
list=$results/vm-tests.list
cat "$top/tests/kselftests.list" "$top/tests/series.list" 2>/dev/null |
	grep -v -e '^#' -e '^[[:space:]]*$' > "$list"
skips=("$top/tests/skip.list")
if [ -n "${T:-}" ]; then
	awk -v t="$T" '$2 == t || $2 ~ ("/" t "$")' "$list" > "$list.one"
	[ -s "$list.one" ] || die "T=$T names no test of tests/*.list"
	mv "$list.one" "$list"
	skips=()
fi
"$top/scripts/initramfs.sh" "$out/kernel-tests.cpio.gz" "$list" "$out/kernel-selftests"
limit=$(awk '{s += $1} END {print s + 120}' "$list")
say "booting the test kernel: $(wc -l < "$list") tests (at most ${limit}s)"
"$top/scripts/run-vm.sh" "$out/kernel/arch/arm64/boot/Image" "$out/kernel-tests.cpio.gz" \
	"$results/kselftest-console.log" "$limit"
"$top/scripts/console-to-tap.py" "$results/kselftest-console.log" kselftest "$results" \
	"${skips[@]}"
finish
