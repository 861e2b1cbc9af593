#!/bin/bash
# usage: scripts/gate-docs.sh LOG-DIR
# Renders Documentation/virt (make htmldocs SPHINXDIRS=virt, Debian's
# python3-sphinx) of the unpatched base and of the patched tree, and fails
# if the patched one has a warning the base has not (compared without line
# numbers and tree prefixes).  The rendered page of the series' vm.rst is
# kept as LOG-DIR/vm.html.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export LC_ALL=C
logs=${1:?usage: $0 LOG-DIR}
mkdir -p "$logs"
need tree
base_tree

# render SIDE SRC: the normalised warnings of SIDE's Documentation/virt.
render() {
	local side=$1 src=$2 o=$out/docs-$1
	mkdir -p "$o"
	# A full build each time: Sphinx reports only the files it reads again.
	rm -rf "$o/Documentation/output"
	make -C "$src" O="$o" "${kcc[@]}" SPHINXDIRS=virt htmldocs > "$logs/docs-$side.log" 2>&1 ||
		{ tail -n 20 "$logs/docs-$side.log"; die "$side: make htmldocs failed"; }
	grep -E '(WARNING|ERROR|CRITICAL)' "$logs/docs-$side.log" |
		sed -E -e "s#($tree|$base_src)/##g" -e 's#:[0-9]+: #: #' | sort
}

render base "$base_src" > "$logs/docs-base.txt"
render series "$tree" > "$logs/docs-series.txt"
comm -13 "$logs/docs-base.txt" "$logs/docs-series.txt" > "$logs/docs-new.txt"
page=$out/docs-series/Documentation/output/virt/kvm/devices/vm.html
[ -f "$page" ] || die "no rendered $page"
cp "$page" "$logs/vm.html"
grep -q 'KVM_ARM_VM_HVC_CTRL' "$logs/vm.html" || die "the rendered vm.html lacks the HVC filter section"
say "docs: $(wc -l < "$logs/docs-base.txt") warnings on the base, $(wc -l < "$logs/docs-series.txt") with the series, $(wc -l < "$logs/docs-new.txt") new; page kept as $logs/vm.html"
if [ -s "$logs/docs-new.txt" ]; then
	cat "$logs/docs-new.txt"
	exit 1
fi
