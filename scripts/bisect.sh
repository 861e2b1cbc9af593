#!/bin/bash
# usage: [HVC_LINUX=6.1|6.12] scripts/bisect.sh RESULTS-DIR
# Bisectability: the arm64 test kernel and the KVM selftests build at every
# prefix of the series, the commits base..HEAD of the generated tree, each a
# case of the layer "<version>-bisect" (RESULTS-DIR/<version>-bisect.tap),
# logs in RESULTS-DIR/<version>-bisect/.  The prefixes are checked out, one
# after the other, in a worktree of their own (build/<version>/bisect/linux)
# and built in build/<version>/bisect/out/kernel: the same relative layout
# as the tree and its test kernel, so that ccache serves every object a
# prefix does not change, and the tree and its builds stay as they are for
# whatever else runs meanwhile.  Exits 0 once every prefix has been tried,
# whatever the results.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 RESULTS-DIR"
need tree
mapfile -t commits < <(git -C "$tree" rev-list --reverse base..HEAD)
total=${#commits[@]}
start_layer "$1" "$kver-bisect" "$total"

wt=$work/$kver/bisect/linux
o=$work/$kver/bisect/out/kernel
if [ ! -e "$wt/.git" ]; then
	git -C "$tree" worktree prune
	mkdir -p "${wt%/*}"
	git -C "$tree" worktree add -q --detach "$wt" "${commits[0]}"
fi
say "$kver bisectability: each of the $total prefixes builds (kernel and selftests) in $wt"

# series_options_exist: the prefix checked out has every option of
# config/series.config (the series adds them under arch/arm64 or virt).
series_options_exist() {
	local sym
	for sym in $(sed -n 's/^CONFIG_\([A-Za-z0-9_]*\)=.*/\1/p' "$top/config/series.config"); do
		grep -rqx --include='Kconfig*' "config $sym" "$wt/arch/arm64" "$wt/virt" || return 1
	done
}
# prefix_builds COMMIT: the test kernel (with config/series.config once the
# prefix has its options) and the selftests the lists name that exist there.
# When the build directory holds the kernel of the parent commit (recorded
# in $o/.built) and the commit changes nothing outside the selftests and
# the documentation, the kernel and its headers are the parent's: make
# would find nothing to do, so it is not run.
prefix_builds() {
	local frags=("${base_config[@]}") progs=() p
	git -C "$wt" checkout -q --detach "$1"
	if [ "$(cat "$o/.built" 2>/dev/null)" = "$(git -C "$wt" rev-parse "$1^")" ] &&
	   ! git -C "$wt" diff --name-only "$1^" "$1" | grep -qv -e '^tools/testing/selftests/' -e '^Documentation/'; then
		echo "kernel: as built for the parent commit (this one changes only tools/testing/selftests/ and Documentation/)"
	else
		rm -f "$o/.built"
		! series_options_exist || frags=("${test_config[@]}")
		configure "$o" "$wt" "${frags[@]}"
		make -s -C "$wt" O="$o" "${kcc[@]}" -j"$jobs" Image
		make -s -C "$wt" O="$o" "${kcc[@]}" headers_install INSTALL_HDR_PATH="$o/usr" > /dev/null
	fi
	git -C "$wt" rev-parse "$1" > "$o/.built"
	for p in $(list_programs $(tests_of kselftests series icount)); do
		[ ! -f "$wt/tools/testing/selftests/kvm/$p.c" ] || progs+=("$p")
	done
	make -s -C "$wt/tools/testing/selftests/kvm" -j"$jobs" CC="ccache ${CROSS_COMPILE}gcc" \
		OUTPUT="$o/kselftest/kvm" INSTALL_HDR_PATH="$o/usr" KHDR_INCLUDES="-isystem $o/usr/include" \
		EXTRA_CFLAGS=-static "${progs[@]/#/$o/kselftest/kvm/}"
}
for i in "${!commits[@]}"; do
	c=${commits[$i]}
	run_case "prefix $((i + 1))/$total ($(git -C "$tree" log -1 --format=%s "$c")) builds" \
		"$logs/prefix-$((i + 1)).log" prefix_builds "$c"
done
