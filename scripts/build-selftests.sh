#!/bin/bash
# usage: [HVC_LINUX=6.1|6.12] scripts/build-selftests.sh
# Builds and installs the tree's KVM selftests the way kernel CI does
# (make -C tools/testing/selftests TARGETS=kvm install, statically for
# arm64, against the test kernel's UAPI headers): into build/<version>/out/
# kselftest, with run_kselftest.sh and a kselftest-list.txt.  Only the
# programs the test lists name are built (TEST_GEN_PROGS_aarch64 given on
# the command line): some of the others do not build in 6.1.19x, and those
# that do are not run here (tests/*/skip.list says why).  The series' own
# tests exist only from the patch that adds them on; mainline's smccc_filter
# for 6.1 is scripts/build-mainline-tests.sh's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] || die "usage: [HVC_LINUX=6.1|6.12] $0"
need kernel

progs=()
for p in $(list_programs $(tests_of kselftests series icount)); do
	if [ ! -f "$tree/tools/testing/selftests/kvm/$p.c" ]; then
		echo "    $p: not in this tree, not built"
		continue
	fi
	progs+=("$p")
done
[ ${#progs[@]} -gt 0 ] || die "the test lists name no program of the $kver tree"

say "building and installing ${#progs[@]} $kver KVM selftests into $kselftest"
rm -rf "$kselftest"
log=$out/kselftest-build.log
if ! make -s -C "$tree/tools/testing/selftests" O="$out/kernel" TARGETS=kvm \
	KSFT_INSTALL_PATH="$kselftest" CC="ccache ${CROSS_COMPILE}gcc" \
	EXTRA_CFLAGS=-static TEST_GEN_PROGS_aarch64="${progs[*]}" -j"$jobs" install > "$log" 2>&1; then
	tail -n 40 "$log"
	die "the $kver KVM selftests did not build: see $log"
fi
# The build's own messages: warnings, if any (the install commands aside).
grep -E '(warning|error):' "$log" || true
for p in "${progs[@]}"; do
	[ -x "$kselftest/kvm/${p##*/}" ] || die "$p was not installed into $kselftest/kvm"
done
say "installed: $(grep -c '^kvm:' "$kselftest/kselftest-list.txt") tests in $kselftest/kselftest-list.txt"
