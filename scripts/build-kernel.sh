#!/bin/bash
# usage: [HVC_LINUX=6.1|6.12] scripts/build-kernel.sh [NAME [FRAGMENT...]]
# Cross-builds an arm64 kernel of the version HVC_LINUX names out of tree
# into build/<version>/out/NAME, with ccache, and installs its UAPI headers
# under that build directory.  The kernels
# scripts/lib.sh names have their own config fragments: kernel (the
# default), the test kernel; debug, the test kernel with the kernel's own
# checkers; base, the unpatched tree (tag "base") with the test kernel's
# config.  FRAGMENTs, if given, replace the named kernel's (allnoconfig +
# FRAGMENTs).  Reuses an existing build: only what changed is rebuilt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:-kernel}
[ $# -eq 0 ] || shift
frags=("$@")
if [ ${#frags[@]} -eq 0 ]; then
	case $name in
	kernel) frags=("${test_config[@]}") ;;
	debug) frags=("${debug_config[@]}") ;;
	base) frags=("${base_config[@]}") ;;
	*) die "usage: $0 [kernel|debug|base] | NAME FRAGMENT..." ;;
	esac
fi
need tree
src=$tree
if [ "$name" = base ]; then
	base_tree
	src=$base_src
fi
o=$out/$name

# allnoconfig + fragments keeps the build small; every symbol the fragments
# ask for must have survived Kconfig.
configure "$o" "$src" "${frags[@]}"
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qx -- "$line" "$o/.config" || { echo "  not set as asked: $line" >&2; bad=1; } ;;
	esac
done < "$o/fragment.config"
[ $bad -eq 0 ] || { rm -f "$o/fragment.applied"; die "config fragment not honoured (dependency missing?): see above"; }

say "building the $kver kernel '$name' ($jobs jobs, ccache) in $o"
start=$(date +%s)
make -s -C "$src" O="$o" "${kcc[@]}" -j"$jobs" Image
make -s -C "$src" O="$o" "${kcc[@]}" headers_install INSTALL_HDR_PATH="$o/usr" >/dev/null
say "built $(image "$name") in $(( $(date +%s) - start ))s"
