#!/bin/bash
# usage: [HVC_LINUX=6.1|6.12] scripts/gates.sh RESULTS-DIR
# The checks a series must pass before anyone reads it, each a case of the
# layer "<version>-gates" (RESULTS-DIR/<version>-gates.tap), logs in
# RESULTS-DIR/<version>-gates/:
#   - checkpatch.pl --strict per patch: no error, no warning other than the
#     generic "does MAINTAINERS need updating?" (see the cover letter) and
#     "Unknown commit id" (the generated tree is Debian's tarball, without
#     history: no commit a message cites, mainline's included, is in it);
#   - get_maintainer.pl per patch names the KVM/arm64 maintainers and list
#     (or, for a patch outside arch/arm64, the KVM entry);
#   - mail form: every patch has From, "Subject: [PATCH n/N]" (n padded to
#     N's width, as git format-patch writes it), Signed-off-by, and no
#     placeholder left; the cover letter states the base and the tests;
#   - round trip: exporting the generated tree (into the log directory)
#     reproduces patches/<version>/ byte for byte;
#   - 6.1: x86_64 arch/x86/kvm/ builds (the uapi 'flags' change touches x86);
#   - W=1 and sparse (C=2) on the objects the series touches: no warning
#     the unpatched base does not have (scripts/gate-warnings.sh);
#   - clang (LLVM=1) compiles the objects the series touches without a
#     warning; every object outside KVM that includes a header the series
#     changes compiles with CONFIG_KVM=n; 6.1: arch/arm64/kvm/ builds with
#     Debian's arm64 config (scripts/gate-build.sh);
#   - CONFIG_UAPI_HEADER_TEST compiled the exported kvm headers standalone;
#   - make htmldocs SPHINXDIRS=virt: no new warning (scripts/gate-docs.sh);
#   - 6.12: what the two series share is the same: the files both add
#     (hypercalls_filter.c, the KUnit suites, the selftests and their
#     library helpers) are identical, and so is the UAPI the 6.12 series
#     adds to what 6.1's has.
# Bisectability is scripts/bisect.sh's.  The plan is written first; exits 0
# once every gate has run, whatever their results.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 RESULTS-DIR"
need kernel
mapfile -t patches < <(list_lines "$patchdir/series")
total=${#patches[@]}
builds=(w1 sparse clang nokvm)
[ "$kver" != 6.1 ] || builds=(x86 "${builds[@]}" debian)
plan=$(( 3 * total + 1 + 1 + ${#builds[@]} + 2 ))
[ "$kver" = 6.1 ] || plan=$((plan + 2))
start_layer "$1" "$kver-gates" "$plan"

checkpatch() {	# checkpatch PATCH
	local report errors warnings
	# Debian's python3 first: checkpatch's spdxcheck.py needs its python3-ply
	# and python3-git, which another python3 on the PATH may lack.
	report=$(PATH=/usr/bin:$PATH "$tree/scripts/checkpatch.pl" --strict -q "$1" 2>&1 || true)
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
	! grep -n -e '@@[A-Z_]*@@' -e '\*\*\*' "$1" || die "a placeholder is left (above)"
}

say "$kver: checkpatch --strict, get_maintainer and mail form, per patch"
for i in "${!patches[@]}"; do
	p=$patchdir/${patches[$i]}
	name=${patches[$i]%.patch}
	run_case "checkpatch --strict $name" "$logs/checkpatch-$name.log" checkpatch "$p"
	run_case "get_maintainer names the KVM maintainers for $name" "$logs/maintainers-$name.log" \
		maintainers "$p"
	n=$(printf '%0*d' ${#total} $((i + 1)))
	run_case "mail form (From, [$subject_prefix $n/$total], Signed-off-by, no placeholder) of $name" \
		"$logs/mail-$name.log" mail_form "$p" "Subject: [$subject_prefix $n/$total] "
done

zero=$(printf '%0*d' ${#total} 0)
cover_letter() {
	local cover=$patchdir/0000-cover-letter.patch
	grep -F "Subject: [$subject_prefix $zero/$total] " "$cover" && grep "^Base: .*$pkg ${kver//./\\.}\." "$cover" &&
		grep '^Testing' "$cover" && ! grep -e '\*\*\*' -e '@@[A-Z_]*@@' "$cover" ||
		die "$cover: no 'Subject: [$subject_prefix $zero/$total]', 'Base: ... $pkg $kver.', 'Testing', or a placeholder (*** or @@NAME@@) left"
}
run_case "cover letter: [$subject_prefix $zero/$total], base, tests, no placeholder" "$logs/cover.log" cover_letter

say "$kver: round trip: export of the tree equals patches/$kver/"
# Into a directory of the results, never into the checkout: patches/ is
# only read.
roundtrip() {
	rm -rf "$logs/roundtrip"
	"$top/scripts/export.sh" "$logs/roundtrip" || die "scripts/export.sh failed (see above)"
	diff -r -x cover-letter.txt "$patchdir" "$logs/roundtrip" ||
		die "the export differs from patches/$kver/ (diff above)"
}
run_case "export after apply reproduces patches/$kver/ byte for byte" "$logs/roundtrip.log" roundtrip

say "$kver: builds: ${builds[*]}"
for b in "${builds[@]}"; do
	case $b in
	x86) run_case "x86_64 arch/x86/kvm/ builds with the series" "$logs/x86.log" \
		"$top/scripts/gate-build.sh" x86 ;;
	w1) run_case "W=1: no new warning in the objects the series touches" "$logs/w1.log" \
		"$top/scripts/gate-warnings.sh" w1 "$logs" ;;
	sparse) run_case "sparse (C=2): no new warning in the objects the series touches" "$logs/sparse.log" \
		"$top/scripts/gate-warnings.sh" sparse "$logs" ;;
	clang) run_case "clang (LLVM=1) compiles the objects the series touches without a warning" \
		"$logs/clang.log" "$top/scripts/gate-build.sh" clang ;;
	nokvm) run_case "with CONFIG_KVM=n, the objects that include a header the series changes build" \
		"$logs/nokvm.log" "$top/scripts/gate-build.sh" nokvm ;;
	debian) run_case "arch/arm64/kvm/ builds with Debian's arm64 config" "$logs/debian.log" \
		"$top/scripts/gate-build.sh" debian ;;
	esac
done

say "$kver: UAPI headers standalone, documentation"
uapi_test() {
	grep -qx 'CONFIG_UAPI_HEADER_TEST=y' "$out/kernel/.config" ||
		die "the test kernel has no CONFIG_UAPI_HEADER_TEST"
	make -C "$tree" O="$out/kernel" "${kcc[@]}" -j"$jobs" usr/ &&
	ls -l "$out/kernel/usr/include/linux/kvm.hdrtest" "$out/kernel/usr/include/asm/kvm.hdrtest"
}
run_case "CONFIG_UAPI_HEADER_TEST: linux/kvm.h and asm/kvm.h compile standalone" \
	"$logs/uapi.log" uapi_test
run_case "htmldocs SPHINXDIRS=virt: no new warning, vm.rst rendered" "$logs/docs.log" \
	"$top/scripts/gate-docs.sh" "$logs"

if [ "$kver" != 6.1 ]; then
	say "$kver: what both series share is the same"
	# The files both series add or rewrite whole; the selftest library's
	# additions are compared by what they add.
	shared_files() {
		local f a b
		a=$work/6.1/linux b=$tree
		[ -d "$a/.git" ] || die "no 6.1 tree to compare with: run HVC_LINUX=6.1 scripts/tree.sh"
		for f in arch/arm64/kvm/hypercalls_filter.c arch/arm64/kvm/hypercalls_filter_test.c \
			arch/arm64/kvm/hypercalls_test.c arch/arm64/kvm/.kunitconfig \
			$(git -C "$b" diff --name-only --diff-filter=A base..HEAD -- tools/testing/selftests/kvm); do
			cmp "$a/$f" "$b/$f" || die "$f differs between the two series"
			echo "same: $f"
		done
	}
	run_case "the files both series add are identical" "$logs/shared-files.log" shared_files
	# uapi_defs TREE: the series' UAPI lines of TREE's exported headers,
	# one a line, blanks squeezed.
	uapi_defs() {
		git -C "$1" diff base..HEAD -- include/uapi arch/arm64/include/uapi |
			sed -n 's/^+\([^+]\)/\1/p' | tr -s ' \t' ' ' | sort -u
	}
	shared_uapi() {
		comm -13 <(uapi_defs "$work/6.1/linux") <(uapi_defs "$tree") > "$logs/uapi-6.12-only.txt"
		if [ -s "$logs/uapi-6.12-only.txt" ]; then
			cat "$logs/uapi-6.12-only.txt"
			die "the 6.12 series adds UAPI lines the 6.1 series does not (above)"
		fi
	}
	run_case "every UAPI line the 6.12 series adds is the 6.1 series' too" "$logs/shared-uapi.log" shared_uapi
fi
