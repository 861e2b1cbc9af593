#!/bin/bash
# usage: [HVC_LINUX=6.1|6.12] scripts/gate-warnings.sh w1|sparse LOG-DIR
# Compiles the objects of every .c file the series touches (arch/arm64 and
# virt/, the KUnit files aside: they are #included) with W=1, or checks them
# with sparse (C=2), in the unpatched base kernel's build and in the test
# kernel's (the same configs, but the series' options), and compares the
# two sets of warnings: a warning of the patched tree that the base does
# not have fails the gate.  The objects are rebuilt in place: the next
# build of those kernels rebuilds them again, from ccache.  Lines
# are compared without paths' tree prefix and line numbers, so that code
# moved by the series does not count as new.  LOG-DIR gets <mode>-base.log,
# <mode>-series.log and <mode>-new.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export LC_ALL=C
mode=${1:?usage: $0 w1|sparse LOG-DIR}
logs=${2:?usage: $0 w1|sparse LOG-DIR}
case $mode in
w1) flags=(W=1) ;;
sparse) flags=(C=2) ;;
*) die "usage: $0 w1|sparse LOG-DIR" ;;
esac
mkdir -p "$logs"
need kernel base

mapfile -t srcs < <(git -C "$tree" diff --name-only --diff-filter=AM base..HEAD -- \
	'arch/arm64/*.c' 'virt/*.c' | grep -v '_test\.c$')
[ ${#srcs[@]} -gt 0 ] || die "the series touches no arm64 C file?"
say "$mode: ${srcs[*]}"

# warnings SIDE SRC BUILD: the normalised warnings of SIDE's objects.
warnings() {
	local side=$1 src=$2 o=$3 objs=() s
	for s in "${srcs[@]}"; do
		[ -f "$src/$s" ] && objs+=("${s%.c}.o")
	done
	# Recompile (W=1) or re-check (C=2) every object, whatever is up to date.
	(cd "$o" && rm -f "${objs[@]}")
	make -C "$src" O="$o" "${kcc[@]}" -j"$jobs" "${flags[@]}" \
		"${objs[@]}" > "$logs/$mode-$side.log" 2>&1 ||
		{ tail -n 20 "$logs/$mode-$side.log"; die "$side: the build failed"; }
	{ grep -E ': (warning|error):' "$logs/$mode-$side.log" || true; } |
		sed -E -e "s#^($tree|$base_src)/##" -e 's#^(\.\./)+(base/)?linux/##' \
			-e 's#:[0-9]+(:[0-9]+)?: #: #' | sort
}

warnings base "$base_src" "$out/base" > "$logs/$mode-base.txt"
warnings series "$tree" "$out/kernel" > "$logs/$mode-series.txt"
comm -13 "$logs/$mode-base.txt" "$logs/$mode-series.txt" > "$logs/$mode-new.txt"
say "$mode: $(wc -l < "$logs/$mode-base.txt") warnings on the base, $(wc -l < "$logs/$mode-series.txt") with the series, $(wc -l < "$logs/$mode-new.txt") new"
if [ -s "$logs/$mode-new.txt" ]; then
	cat "$logs/$mode-new.txt"
	exit 1
fi
