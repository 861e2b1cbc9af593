#!/bin/bash
# usage: scripts/bisect.sh RESULTS-DIR
# Bisectability: the arm64 test kernel and the KVM selftests build at every
# prefix of the series, the commits base..HEAD of the generated tree, each a
# case of the "bisect" layer (RESULTS-DIR/bisect.tap), logs in
# RESULTS-DIR/bisect/.  It checks each commit out in the tree and rebuilds
# the test kernel in its own build directory, so that each prefix rebuilds
# only what differs: nothing else may use the tree or build/out/kernel
# meanwhile.  The tree is left at the commit or branch it was at, and
# build/out/kernel as the whole series builds it.  Exits 0 once every
# prefix has been tried, whatever the results.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 RESULTS-DIR"
start_layer "$1" bisect
need tree

head=$(git -C "$tree" rev-parse HEAD)
# Where the tree was: its branch, or the commit of a detached HEAD.
at=$(git -C "$tree" symbolic-ref -q --short HEAD || echo "$head")
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	die "$tree has uncommitted changes: commit or stash them first"
trap 'git -C "$tree" checkout -q "$at"' EXIT
mapfile -t commits < <(git -C "$tree" rev-list --reverse base..HEAD)
total=${#commits[@]}
say "bisectability: each of the $total prefixes builds (kernel and selftests)"

# series_options_exist: the tree at hand has every option of
# config/series.config (the series adds them under arch/arm64 or virt).
series_options_exist() {
	local sym
	for sym in $(sed -n 's/^CONFIG_\([A-Za-z0-9_]*\)=.*/\1/p' "$top/config/series.config"); do
		grep -rqx --include='Kconfig*' "config $sym" "$tree/arch/arm64" "$tree/virt" || return 1
	done
}
# prefix_builds FRAGMENT...: the test kernel with FRAGMENTs, then the
# selftests, which must not have need rebuild it with the series' options.
prefix_builds() {
	"$top/scripts/build-kernel.sh" kernel "$@" &&
		HVC_DONE="${HVC_DONE:-} kernel" "$top/scripts/build-selftests.sh"
}
for i in "${!commits[@]}"; do
	c=${commits[$i]}
	git -C "$tree" checkout -q "$c"
	frags=("${base_config[@]}")
	series_options_exist && frags=("${test_config[@]}")
	run_case "prefix $((i + 1))/$total ($(git -C "$tree" log -1 --format=%s "$c")) builds" \
		"$logs/prefix-$((i + 1)).log" prefix_builds "${frags[@]}"
done
git -C "$tree" checkout -q "$at"
trap - EXIT
[ "$(git -C "$tree" rev-parse HEAD)" = "$head" ] || die "$tree is not back at $at"
tap_close "$tap"
