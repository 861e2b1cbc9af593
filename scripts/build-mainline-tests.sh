#!/bin/bash
# usage: scripts/build-mainline-tests.sh
# For the 6.1 series: builds mainline's own KVM selftests that
# tests/6.1/mainline.list names, from Debian's linux-source-6.12 with their
# sources unchanged, against the generated 6.1 tree's selftest library and
# the test kernel's UAPI headers, and adds them to the 6.1 kselftest
# install (build/6.1/out/kselftest) beside the tree's own.  The sources are
# extracted at build time into build/mainline/linux-source-6.12_<version>/,
# never into the repository or the tree: make finds them there (VPATH).
# (The 6.12 tree has them itself.)
set -euo pipefail
HVC_LINUX=6.1
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] || die "usage: $0"
need kselftest

mpkg=linux-source-6.12
mtarball=/usr/src/$mpkg.tar.xz
[ -f "$mtarball" ] || die "$mtarball missing: run scripts/deps.sh (apt-get install $mpkg)"
src=$work/mainline/${mpkg}_$(dpkg-query -W -f='${Version}' "$mpkg")
mapfile -t progs < <(list_programs "$top/tests/6.1/mainline.list")
[ ${#progs[@]} -gt 0 ] || die "tests/6.1/mainline.list names no test"

members=()
for p in "${progs[@]}"; do
	[ -f "$src/$p.c" ] || members+=("$mpkg/tools/testing/selftests/kvm/$p.c")
done
if [ ${#members[@]} -gt 0 ]; then
	say "extracting ${members[*]#"$mpkg/"} from $mtarball"
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -C "$src.tmp" -xJf "$mtarball" --strip-components=5 "${members[@]}" ||
		die "$mtarball lacks one of ${members[*]}: fix tests/6.1/mainline.list"
	mkdir -p "$src"
	cp -a "$src.tmp/." "$src/"
	rm -rf "$src.tmp"
fi

targets=()
for p in "${progs[@]}"; do
	rm -f "$selftests/$p"
	targets+=("$selftests/$p")
done
say "building mainline's ${progs[*]} ($mpkg) against the tree's selftest library"
# Programs the tree's Makefile does not list get its rule for test
# programs (the library objects linked in) as TEST_GEN_PROGS_EXTENDED.
if selftests_make VPATH="$src" TEST_GEN_PROGS_EXTENDED_aarch64="${progs[*]}" "${targets[@]}"; then
	# Installed as make install would have: the binary and its list entry.
	for p in "${progs[@]}"; do
		cp "$selftests/$p" "$kselftest/kvm/"
		grep -qx "kvm:${p##*/}" "$kselftest/kselftest-list.txt" ||
			echo "kvm:${p##*/}" >> "$kselftest/kselftest-list.txt"
	done
	say "built and installed into $kselftest: ${progs[*]}"
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
