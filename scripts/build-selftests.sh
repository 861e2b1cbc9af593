#!/bin/bash
# usage: scripts/build-selftests.sh
# Builds, statically for arm64, the tree's KVM selftests that the test lists
# name (tests/kselftests.list, series.list, icount.list), against the test
# kernel's UAPI headers (build/out/kernel/usr), into
# build/out/kernel-selftests.  Mainline's tests (tests/mainline.list) are
# scripts/build-mainline-tests.sh's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] || die "usage: $0"
need kernel

targets=()
for p in $(list_programs "$top"/tests/{kselftests,series,icount}.list); do
	# The series' own tests exist only from the patch that adds them on.
	if [ ! -f "$tree/tools/testing/selftests/kvm/$p.c" ]; then
		echo "    $p: not in this tree, not built"
		continue
	fi
	targets+=("$selftests/$p")
done

say "building ${#targets[@]} KVM selftests into $selftests"
selftests_make "${targets[@]}"
say "built: ${#targets[@]} selftests"
