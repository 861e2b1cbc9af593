#!/bin/bash
# usage: scripts/build-selftests.sh [KERNEL-BUILD-NAME]
# Builds, statically for arm64, the KVM selftests named in tests/kselftests.list
# (plus those in tests/series.list, if any), against the UAPI headers
# installed in build/out/NAME/usr (default "kernel"), into build/out/NAME-selftests.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:-kernel}
hdr=$out/$name/usr
dst=$out/$name-selftests
[ -d "$hdr/include/linux" ] || die "no UAPI headers in $hdr: run scripts/build-kernel.sh $name first"

progs=$(cat "$top/tests/kselftests.list" "$top/tests/series.list" "$top/tests/icount.list" |
	grep -v -e '^#' -e '^[[:space:]]*$' | awk '{print $2}' | sort -u)
targets=()
for p in $progs; do
	# The series' own tests exist only from the patch that adds them on.
	if [ ! -f "$tree/tools/testing/selftests/kvm/$p.c" ]; then
		echo "    $p: not in this tree, not built"
		continue
	fi
	targets+=("$dst/$p")
done

say "building ${#targets[@]} KVM selftests into $dst"
mkdir -p "$dst"
make -s -C "$tree/tools/testing/selftests/kvm" -j"$jobs" \
	CC="ccache ${CROSS_COMPILE}gcc" OUTPUT="$dst" \
	INSTALL_HDR_PATH="$hdr" KHDR_INCLUDES="-isystem $hdr/include" \
	EXTRA_CFLAGS=-static "${targets[@]}"
say "built: ${#targets[@]} selftests"
