#!/bin/bash
# usage: scripts/build-mainline-tests.sh
# Builds mainline's own KVM selftests that tests/mainline.list names, from
# Debian's linux-source-6.12 with their sources unchanged, against the
# generated tree's 6.1 selftest library and the test kernel's UAPI headers,
# into build/out/kernel-selftests beside the tree's own.  The sources are
# extracted at build time into build/mainline/linux-source-6.12_<version>/,
# never into the repository or the tree: make finds them there (VPATH).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] || die "usage: $0"
need selftests

pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz
[ -f "$tarball" ] || die "$tarball missing: run scripts/deps.sh (apt-get install $pkg)"
src=$work/mainline/${pkg}_$(dpkg-query -W -f='${Version}' "$pkg")
mapfile -t progs < <(list_programs "$top/tests/mainline.list")
[ ${#progs[@]} -gt 0 ] || die "tests/mainline.list names no test"

members=()
for p in "${progs[@]}"; do
	[ -f "$src/$p.c" ] || members+=("$pkg/tools/testing/selftests/kvm/$p.c")
done
if [ ${#members[@]} -gt 0 ]; then
	say "extracting ${members[*]#"$pkg/"} from $tarball"
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -C "$src.tmp" -xJf "$tarball" --strip-components=5 "${members[@]}" ||
		die "$tarball lacks one of ${members[*]}: fix tests/mainline.list"
	mkdir -p "$src"
	cp -a "$src.tmp/." "$src/"
	rm -rf "$src.tmp"
fi

targets=()
for p in "${progs[@]}"; do
	rm -f "$selftests/$p"
	targets+=("$selftests/$p")
done
say "building mainline's ${progs[*]} ($pkg) against the tree's selftest library"
# Programs the tree's Makefile does not list get its rule for test
# programs (the library objects linked in) as TEST_GEN_PROGS_EXTENDED.
if selftests_make VPATH="$src" TEST_GEN_PROGS_EXTENDED_aarch64="${progs[*]}" "${targets[@]}"; then
	say "built: ${progs[*]}"
	exit 0
fi
rm -f "${targets[@]}"
# What mainline's tests need that 6.1 lacks, and the series adds from v2
# on: a tree without it is told so in so many words.
lacks=()
grep -qw KVM_ARM_VM_SMCCC_CTRL "$out/kernel/usr/include/asm/kvm.h" ||
	lacks+=("mainline's SMCCC filter UAPI (KVM_ARM_VM_SMCCC_CTRL)")
grep -qw smccc_smc "$tree/tools/testing/selftests/kvm/include/aarch64/processor.h" ||
	lacks+=("smccc_smc() in its 6.1 selftest library")
if [ ${#lacks[@]} -gt 0 ]; then
	printf -v what '%s and ' "${lacks[@]}"
	die "mainline's ${progs[*]} cannot build: this tree lacks ${what% and } (the series adds them from v2 on)"
fi
die "mainline's ${progs[*]} does not build against this tree: see the compiler's messages above"
