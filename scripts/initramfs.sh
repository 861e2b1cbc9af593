#!/bin/bash
# usage: [HVC_LINUX=6.1|6.12] scripts/initramfs.sh OUTPUT.cpio.gz LIST [EXTRA-FILE...]
# Packs a test VM's initramfs: the static init (init/init.c), a static
# arm64 busybox (the shell and tools the kselftest runner needs) and
# /usr/bin/timeout (init/timeout.c: busybox's lacks --foreground).  LIST
# holds the VM's tests, "<timeout seconds> <program> [args]" a line:
#   - a program that is one of the EXTRA-FILEs (the example VMM) goes to
#     /tests/list, which init runs itself, with that timeout;
#   - any other is a KVM selftest of the version's kselftest install
#     (scripts/build-selftests.sh): it goes to /kselftest as kernel CI has
#     it, run_kselftest.sh and all, with a kselftest-list.txt of these tests
#     only, in LIST's order; /tests/run-kselftest runs them with
#     run_kselftest.sh, their arguments passed the runner's way
#     (KSELFTEST_<NAME>_ARGS) and the longest of their timeouts as the
#     collection's (kvm/settings).
# EXTRA-FILEs are copied into /tests as they are.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: $0 OUTPUT.cpio.gz LIST [EXTRA-FILE...]"
cpio_out=$1 list=$2
shift 2

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{tests,proc,sys,dev,tmp,bin,usr/bin,kselftest/kvm}
${CROSS_COMPILE}gcc -static -O2 -Wall -Wextra -Werror -o "$root/init" "$top/init/init.c"
${CROSS_COMPILE}gcc -static -O2 -Wall -Wextra -Werror -o "$root/usr/bin/timeout" "$top/init/timeout.c"
cp "$(busybox)" "$root/bin/busybox"
# The applets the runner, the tests' scripts and a shell user need.
for cmd in sh ash awk basename cat chmod cp cut date dirname dmesg echo env expr false \
	grep head id kill ln ls mkdir mktemp mount mv poweroff printf ps readlink realpath rm \
	sed sleep sort tail tee test tr true umount uname uniq wc xargs [; do
	ln -s busybox "$root/bin/$cmd"
done
for f in "$@"; do cp "$f" "$root/tests/"; done

runner=$root/tests/run-kselftest
printf '#!/bin/sh\n# Runs the installed kselftests as kernel CI does.\n' > "$runner"
limit=0 n=0
while read -r secs prog args; do
	if [ -e "$root/tests/$prog" ]; then
		echo "$secs $prog${args:+ $args}" >> "$root/tests/list"
		continue
	fi
	name=${prog##*/}
	[ -x "$kselftest/kvm/$name" ] ||
		die "$kselftest/kvm/$name missing: scripts/build-selftests.sh did not install $prog"
	cp "$kselftest/kvm/$name" "$root/kselftest/kvm/"
	echo "kvm:$name" >> "$root/kselftest/kselftest-list.txt"
	[ -z "$args" ] || printf 'export KSELFTEST_%s_ARGS="%s"\n' \
		"$(echo "$name" | tr -c '[:alnum:]_\n' _ | tr '[:lower:]' '[:upper:]')" "$args" >> "$runner"
	[ "$secs" -le "$limit" ] || limit=$secs
	n=$((n + 1))
done < <(list_lines "$list")
if [ "$n" -gt 0 ]; then
	cp "$kselftest/run_kselftest.sh" "$root/kselftest/"
	cp -r "$kselftest/kselftest" "$root/kselftest/"
	echo "timeout=$limit" > "$root/kselftest/kvm/settings"
	echo 'exec /kselftest/run_kselftest.sh' >> "$runner"
	chmod +x "$runner"
else
	rm "$runner"
fi
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$cpio_out"
say "initramfs $cpio_out: $n kselftests, $(list_lines "$root/tests/list" 2>/dev/null | wc -l) other tests, $(du -h "$cpio_out" | cut -f1)"
