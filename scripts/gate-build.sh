#!/bin/bash
# usage: [HVC_LINUX=6.1|6.12] scripts/gate-build.sh clang|nokvm|debian|x86
# Builds the patched tree the ways the kernel test robot and distributions
# do, each out of tree in build/<version>/out/gate-<mode>:
#   clang   the objects of the C files the series touches, with the test
#           kernel's config and LLVM=1 (clang, LLVM binutils); clean means
#           no compiler warning at all;
#   nokvm   with the test config but CONFIG_KVM=n, every directory outside
#           KVM that holds an object including a header the series changes
#           (found in the test kernel's dependency files): the series'
#           headers must not break the rest of the kernel;
#   debian  arch/arm64/kvm/ with Debian's own arm64 kernel config
#           (linux-config-<version>, fetched for arm64 from the archive);
#   x86     arch/x86/kvm/ for x86_64 (x86_64_defconfig plus KVM, Intel and
#           AMD): the 6.1 series changes the KVM_EXIT_HYPERCALL layout that
#           x86 shares.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: $0 clang|nokvm|debian|x86"
[ $# -eq 1 ] || die "$usage"
mode=$1
need tree
o=$out/gate-$mode
log=$o.log
mkdir -p "$o"

case $mode in
clang)
	# ccache in front of clang: kbuild's LLVM=1 sets CC and HOSTCC to clang,
	# overridden here.
	llvm=(LLVM=1 HOSTCC="ccache clang" CC="ccache clang")
	mapfile -t objs < <(git -C "$tree" diff --name-only --diff-filter=AM base..HEAD -- \
		'arch/arm64/*.c' 'virt/*.c' | grep -v '_test\.c$' | sed 's/\.c$/.o/')
	[ ${#objs[@]} -gt 0 ] || die "the series touches no arm64 C file?"
	configure "$o" "$tree" "${test_config[@]}"
	make -s -C "$tree" O="$o" "${llvm[@]}" olddefconfig
	grep -q '^CONFIG_CC_IS_CLANG=y' "$o/.config" || die "the clang config is not a clang one"
	say "compiling ${objs[*]} with LLVM=1 in $o"
	(cd "$o" && rm -f "${objs[@]}")
	make -C "$tree" O="$o" "${llvm[@]}" -j"$jobs" "${objs[@]}" > "$log" 2>&1 ||
		{ tail -n 30 "$log"; die "LLVM=1 build failed: see $log"; }
	if grep -E '(warning|error):' "$log"; then
		die "LLVM=1 build has warnings: see $log"
	fi
	;;
nokvm)
	need kernel
	# The directories, outside KVM, of the test kernel's objects that
	# include a header the series changes.
	mapfile -t hdrs < <(git -C "$tree" diff --name-only base..HEAD -- '*.h' | grep -v '^tools/')
	mapfile -t dirs < <(cd "$out/kernel" && grep -l -F "${hdrs[@]/#/-e}" \
		$(find . -name '.*.[os].cmd' -not -path './kselftest/*' -not -path './scripts/*' -not -path './tools/*') |
		sed 's#^\./##; s#/[^/]*$#/#' | sort -u | grep -v -e '^arch/arm64/kvm/' -e '^virt/kvm/')
	[ ${#dirs[@]} -gt 0 ] || die "no object outside KVM includes a header the series changes?"
	grep -v -e '^CONFIG_KVM=' -e '^CONFIG_VIRTUALIZATION=' "$top/config/kvm.config" > "$o/nokvm.config"
	echo '# CONFIG_VIRTUALIZATION is not set' >> "$o/nokvm.config"
	configure "$o" "$tree" "$o/nokvm.config"
	grep -q '^CONFIG_KVM=y' "$o/.config" && die "CONFIG_KVM is still set in $o/.config"
	say "building ${dirs[*]} with CONFIG_KVM=n in $o"
	make -C "$tree" O="$o" "${kcc[@]}" -j"$jobs" "${dirs[@]}" > "$log" 2>&1 ||
		{ tail -n 30 "$log"; die "CONFIG_KVM=n build failed: see $log"; }
	;;
debian)
	cfgdir=$work/linux-config-$kver-arm64
	fetch_arm64_deb "linux-config-$kver" "$cfgdir"
	cfg=$cfgdir/usr/src/linux-config-$kver/config.arm64_none_arm64.xz
	[ -f "$cfg" ] || die "no $cfg in Debian's linux-config-$kver:arm64"
	if [ ! -f "$o/.config" ]; then
		xz -dc "$cfg" > "$o/.config"
		# Debian signs with its own keys, which are not in the source package.
		"$tree/scripts/config" --file "$o/.config" --set-str SYSTEM_TRUSTED_KEYS '' \
			--set-str SYSTEM_REVOCATION_KEYS '' --set-str MODULE_SIG_KEY 'certs/signing_key.pem'
		make -s -C "$tree" O="$o" "${kcc[@]}" olddefconfig
	fi
	grep -q '^CONFIG_KVM=y' "$o/.config" || die "Debian's arm64 config has no KVM: see $o/.config"
	say "building arch/arm64/kvm/ with Debian's arm64 config in $o"
	make -C "$tree" O="$o" "${kcc[@]}" -j"$jobs" arch/arm64/kvm/ > "$log" 2>&1 ||
		{ tail -n 30 "$log"; die "arch/arm64/kvm/ with Debian's config failed: see $log"; }
	;;
x86)
	x86=(ARCH=x86_64 CROSS_COMPILE= HOSTCC="ccache gcc" CC="ccache gcc")
	if [ ! -f "$o/.config" ]; then
		say "configuring x86_64 defconfig + KVM in $o"
		make -s -C "$tree" O="$o" "${x86[@]}" x86_64_defconfig
		"$tree/scripts/config" --file "$o/.config" -e VIRTUALIZATION -e KVM \
			-e KVM_INTEL -e KVM_AMD
		make -s -C "$tree" O="$o" "${x86[@]}" olddefconfig
	fi
	grep -qx 'CONFIG_KVM=[ym]' "$o/.config" || die "x86 config has no KVM: see $o/.config"
	say "building arch/x86/kvm/ for x86_64 in $o"
	make -C "$tree" O="$o" "${x86[@]}" -j"$jobs" arch/x86/kvm/ > "$log" 2>&1 ||
		{ tail -n 30 "$log"; die "arch/x86/kvm/ for x86_64 failed: see $log"; }
	;;
*)
	die "$usage"
	;;
esac
say "$mode: built, log in $log"
