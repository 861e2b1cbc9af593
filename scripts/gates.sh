#!/bin/bash
# usage: scripts/gates.sh RESULTS-DIR
# The checks a series must pass before anyone reads it, each a case of the
# "gates" layer (RESULTS-DIR/gates.tap), logs in RESULTS-DIR/gates/:
#   - checkpatch.pl --strict per patch: no error, no warning other than the
#     generic "does MAINTAINERS need updating?" (see the cover letter) and
#     "Unknown commit id" (the generated tree is Debian's tarball, without
#     history: no commit a message cites, mainline's included, is in it);
#   - get_maintainer.pl per patch names the KVM/arm64 maintainers and list
#     (or, for a patch outside arch/arm64, the KVM entry);
#   - mail form: every patch has From, "Subject: [PATCH n/N]" (n padded to
#     N's width, as git format-patch writes it), Signed-off-by;
#     the cover letter states the base and the tests;
#   - round trip: exporting the generated tree (into RESULTS-DIR/gates/roundtrip)
#     reproduces patches/ byte for byte;
#   - x86_64 arch/x86/kvm/ builds (the uapi 'flags' change touches x86);
#   - W=1 and sparse (C=2) on the objects the series touches: no warning
#     the unpatched base does not have (scripts/gate-warnings.sh);
#   - clang (LLVM=1) builds the test kernel without a warning; the test
#     config with CONFIG_KVM=n builds; arch/arm64/kvm/ builds with Debian's
#     arm64 config (scripts/gate-build.sh);
#   - CONFIG_UAPI_HEADER_TEST compiled the exported kvm headers standalone;
#   - make htmldocs SPHINXDIRS=virt: no new warning (scripts/gate-docs.sh).
# Bisectability is scripts/bisect.sh's.  Exits 0 once every gate has run,
# whatever their results.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 RESULTS-DIR"
start_layer "$1" gates
need kernel

mapfile -t patches < <(list_lines "$top/patches/series")
total=${#patches[@]}

checkpatch() {	# checkpatch PATCH
	local report errors warnings
	report=$("$tree/scripts/checkpatch.pl" --strict -q "$1" 2>&1 || true)
	printf '%s\n' "$report"
	errors=$(grep -c '^ERROR:' <<< "$report" || true)
	warnings=$(grep '^WARNING:' <<< "$report" |
		grep -v -e 'does MAINTAINERS need updating' -e 'Unknown commit id' -c || true)
	[ "$errors" -eq 0 ] && [ "$warnings" -eq 0 ] ||
		die "$errors errors, $warnings warnings (other than 'does MAINTAINERS need updating' and 'Unknown commit id')"
}
maintainers() {	# maintainers PATCH
	local report
	report=$(cd "$tree" && ./scripts/get_maintainer.pl --no-git --no-git-fallback "$1" 2>&1 || true)
	printf '%s\n' "$report"
	grep -q 'KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)' <<< "$report" ||
		{ ! grep -q '^+++ b/arch/arm64' "$1" && grep -q 'KERNEL VIRTUAL MACHINE (KVM)' <<< "$report"; } ||
		die "neither the KVM/arm64 entry nor (outside arch/arm64) the KVM entry"
}
mail_form() {	# mail_form PATCH SUBJECT-PREFIX
	grep '^From: .*<.*@.*>' "$1" && grep -F "$2" "$1" && grep '^Signed-off-by: .*<.*@.*>' "$1" ||
		die "missing From, '$2' or Signed-off-by"
}

say "checkpatch --strict, get_maintainer and mail form, per patch"
for i in "${!patches[@]}"; do
	p=$top/patches/${patches[$i]}
	name=${patches[$i]%.patch}
	run_case "checkpatch --strict $name" "$logs/checkpatch-$name.log" checkpatch "$p"
	run_case "get_maintainer names the KVM maintainers for $name" "$logs/maintainers-$name.log" \
		maintainers "$p"
	n=$(printf '%0*d' ${#total} $((i + 1)))
	want="Subject: [PATCH $n/$total] "
	run_case "mail form (From, [PATCH $n/$total], Signed-off-by) of $name" \
		"$logs/mail-$name.log" mail_form "$p" "$want"
done

zero=$(printf '%0*d' ${#total} 0)
cover_letter() {
	local cover=$top/patches/0000-cover-letter.patch
	grep -F "Subject: [PATCH $zero/$total] " "$cover" && grep '^Base: .*6\.1\.' "$cover" &&
		grep '^Testing' "$cover" && ! grep -e '\*\*\*' -e '@@[A-Z_]*@@' "$cover" ||
		die "$cover: no 'Subject: [PATCH $zero/$total]', 'Base: ...6.1.', 'Testing', or a placeholder (*** or @@NAME@@) left"
}
run_case "cover letter: [PATCH $zero/$total], base, tests, no placeholder" "$logs/cover.log" cover_letter

say "round trip: export of the tree equals patches/"
# Into a directory of the results, never into the checkout: patches/ is
# only read.
roundtrip() {
	rm -rf "$logs/roundtrip"
	"$top/scripts/export.sh" "$logs/roundtrip" || die "scripts/export.sh failed (see above)"
	diff -r -x cover-letter.txt "$top/patches" "$logs/roundtrip" ||
		die "the export differs from patches/ (diff above)"
}
run_case "export after apply reproduces patches/ byte for byte" "$logs/roundtrip.log" roundtrip

say "x86_64 KVM, W=1 and sparse against the base, clang, CONFIG_KVM=n, Debian's config"
run_case "x86_64 arch/x86/kvm/ builds with the series" "$logs/x86.log" \
	"$top/scripts/gate-build.sh" x86
run_case "W=1: no new warning in the objects the series touches" "$logs/w1.log" \
	"$top/scripts/gate-warnings.sh" w1 "$logs"
run_case "sparse (C=2): no new warning in the objects the series touches" "$logs/sparse.log" \
	"$top/scripts/gate-warnings.sh" sparse "$logs"
run_case "clang (LLVM=1) builds the arm64 test kernel without a warning" "$logs/clang.log" \
	"$top/scripts/gate-build.sh" clang
run_case "the arm64 test config with CONFIG_KVM=n builds" "$logs/nokvm.log" \
	"$top/scripts/gate-build.sh" nokvm
run_case "arch/arm64/kvm/ builds with Debian's arm64 config" "$logs/debian.log" \
	"$top/scripts/gate-build.sh" debian

say "UAPI headers standalone, documentation"
uapi_test() {
	grep -qx 'CONFIG_UAPI_HEADER_TEST=y' "$out/kernel/.config" ||
		die "the test kernel has no CONFIG_UAPI_HEADER_TEST"
	make -C "$tree" O="$out/kernel" CC="ccache ${CROSS_COMPILE}gcc" -j"$jobs" usr/ &&
	ls -l "$out/kernel/usr/include/linux/kvm.hdrtest" "$out/kernel/usr/include/asm/kvm.hdrtest"
}
run_case "CONFIG_UAPI_HEADER_TEST: linux/kvm.h and asm/kvm.h compile standalone" \
	"$logs/uapi.log" uapi_test
run_case "htmldocs SPHINXDIRS=virt: no new warning, vm.rst rendered" "$logs/docs.log" \
	"$top/scripts/gate-docs.sh" "$logs"
tap_close "$tap"
