#!/bin/bash
# usage: scripts/build-kernel.sh [NAME [FRAGMENT...]]
# Cross-builds the arm64 kernel of the generated tree out of tree into
# build/out/NAME (default "kernel") from config fragments (default
# config/kvm.config), with ccache, and installs its UAPI headers under that
# build directory.  Reuses an existing build: only what changed is rebuilt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:-kernel}
shift || true
frags=("$@")
[ ${#frags[@]} -gt 0 ] || frags=("$top/config/kvm.config")
# HVC_SRC: another source tree (the unpatched base, for the benchmark).
src=${HVC_SRC:-$tree}
[ -e "$src/.git" ] || die "no kernel tree at $src: run make tree first"
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

say "building $name kernel ($jobs jobs, ccache) in $o"
start=$(date +%s)
make -s -C "$src" O="$o" "${kcc[@]}" -j"$jobs" Image
make -s -C "$src" O="$o" "${kcc[@]}" headers_install INSTALL_HDR_PATH="$o/usr" >/dev/null
say "built $o/arch/arm64/boot/Image in $(( $(date +%s) - start ))s"
