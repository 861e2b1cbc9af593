#!/bin/bash
# usage: scripts/gates.sh RESULTS-DIR [bisect]
# The checks a series must pass before anyone reads it, each a case of the
# "gates" layer (RESULTS-DIR/gates.tap), logs in RESULTS-DIR/gates/:
#   - checkpatch.pl --strict per patch: no error, no warning other than the
#     generic "does MAINTAINERS need updating?" (see the cover letter);
#   - get_maintainer.pl per patch names the KVM/arm64 maintainers and list
#     (or, for a patch outside arch/arm64, the KVM entry);
#   - mail form: every patch has From, "Subject: [PATCH n/N]", Signed-off-by;
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
#   - make htmldocs SPHINXDIRS=virt: no new warning (scripts/gate-docs.sh);
#   - bisectability: the arm64 kernel and the KVM selftests build at every
#     prefix of the series (incrementally, in build/out/kernel).
# Without "bisect", every gate but the last; with it, only the last, whose
# cases are added to RESULTS-DIR/gates.tap (it checks out older commits of
# the tree and rebuilds build/out/kernel: nothing else may use them then).
# Expects the tree to carry the series (scripts/tree.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

res=${1:?usage: $0 RESULTS-DIR [bisect]}
part=${2:-}
logs=$res/gates
mkdir -p "$logs"
tap=$res/gates.tap
[ "$part" = bisect ] || : > "$tap"
n=$(grep -cE '^(not )?ok ' "$tap" || true)
case_result() {	# case_result ok|"not ok" NAME [COMMENT]
	n=$((n + 1))
	echo "$1 $n $2${3:+ # $3}" >> "$tap"
	printf '    %-6s %s\n' "$1" "$2"
}

mapfile -t patches < <(grep -v -e '^#' -e '^[[:space:]]*$' "$top/patches/series")
total=${#patches[@]}

bisect() {
	say "bisectability: every prefix builds (kernel and selftests)"
	head=$(git -C "$tree" rev-parse HEAD)
	trap 'git -C "$tree" checkout -q master' EXIT
	mapfile -t commits < <(git -C "$tree" rev-list --reverse base..HEAD)
	for i in "${!commits[@]}"; do
		c=${commits[$i]}
		label="prefix $((i + 1))/$total ($(git -C "$tree" log -1 --format=%s "$c"))"
		log=$logs/bisect-$((i + 1)).log
		git -C "$tree" checkout -q "$c"
		frags=("$top/config/kvm.config")
		grep -q '^config KVM_HVC_FILTER_KUNIT_TEST' "$tree/arch/arm64/kvm/Kconfig" &&
			frags+=("$top/config/series.config")
		# In the test kernel's own build directory: each prefix rebuilds only
		# what differs, and the last prefix leaves it as the series built it.
		if "$top/scripts/build-kernel.sh" kernel "${frags[@]}" > "$log" 2>&1 &&
		   "$top/scripts/build-selftests.sh" kernel >> "$log" 2>&1; then
			case_result ok "$label builds"
		else
			case_result "not ok" "$label builds" "see $log"
		fi
	done
	git -C "$tree" checkout -q master
	[ "$(git -C "$tree" rev-parse HEAD)" = "$head" ] || die "tree not back at the series head"
}
if [ "$part" = bisect ]; then
	bisect
	exit 0
fi

say "checkpatch --strict, get_maintainer and mail form, per patch"
for i in "${!patches[@]}"; do
	p=$top/patches/${patches[$i]}
	name=${patches[$i]%.patch}
	log=$logs/checkpatch-$name.log
	"$tree/scripts/checkpatch.pl" --strict -q "$p" > "$log" 2>&1 || true
	errors=$(grep -c '^ERROR:' "$log" || true)
	warnings=$(grep '^WARNING:' "$log" | grep -vc 'does MAINTAINERS need updating' || true)
	if [ "$errors" -eq 0 ] && [ "$warnings" -eq 0 ]; then
		case_result ok "checkpatch --strict $name"
	else
		case_result "not ok" "checkpatch --strict $name" "$errors errors, $warnings warnings: $log"
	fi

	log=$logs/maintainers-$name.log
	(cd "$tree" && ./scripts/get_maintainer.pl --no-git --no-git-fallback "$p") > "$log" 2>&1 || true
	if grep -q 'KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)' "$log" ||
	   { ! grep -q '^+++ b/arch/arm64' "$p" && grep -q 'KERNEL VIRTUAL MACHINE (KVM)' "$log"; }; then
		case_result ok "get_maintainer names the KVM maintainers for $name"
	else
		case_result "not ok" "get_maintainer names the KVM maintainers for $name" "see $log"
	fi

	want="Subject: [PATCH $((i + 1))/$total] "
	if grep -q '^From: .*<.*@.*>' "$p" && grep -qF "$want" "$p" &&
	   grep -q '^Signed-off-by: .*<.*@.*>' "$p"; then
		case_result ok "mail form (From, [PATCH $((i + 1))/$total], Signed-off-by) of $name"
	else
		case_result "not ok" "mail form of $name" "missing From, '$want' or Signed-off-by"
	fi
done

cover=$top/patches/0000-cover-letter.patch
if grep -qF "Subject: [PATCH 0/$total] " "$cover" && grep -q '^Base: .*6\.1\.' "$cover" &&
   grep -q '^Testing:' "$cover" && ! grep -q '\*\*\*' "$cover"; then
	case_result ok "cover letter: [PATCH 0/$total], base, tests, no placeholder"
else
	case_result "not ok" "cover letter: [PATCH 0/$total], base, tests, no placeholder" "$cover"
fi

say "round trip: export of the tree equals patches/"
# Into a directory of the results, never into the checkout: patches/ is
# only read.
rt=$logs/roundtrip
rm -rf "$rt"
if "$top/scripts/export.sh" "$rt" > "$logs/export.log" 2>&1 &&
   diff -r -x cover-letter.txt "$top/patches" "$rt" > "$logs/roundtrip.diff"; then
	case_result ok "export after apply reproduces patches/ byte for byte"
else
	case_result "not ok" "export after apply reproduces patches/" "see $logs/roundtrip.diff"
fi

say "x86_64 KVM build"
if "$top/scripts/gate-x86.sh" > "$logs/x86.log" 2>&1; then
	case_result ok "x86_64 arch/x86/kvm/ builds with the series"
else
	case_result "not ok" "x86_64 arch/x86/kvm/ builds with the series" "see $logs/x86.log"
fi

# gate NAME LOG CMD...: one case, CMD's output in LOG.
gate() {
	local name=$1 log=$2
	shift 2
	if "$@" > "$log" 2>&1; then
		case_result ok "$name"
	else
		tail -n 15 "$log"
		case_result "not ok" "$name" "see $log"
	fi
}

say "W=1 and sparse against the base, clang, CONFIG_KVM=n, Debian's config"
gate "W=1: no new warning in the objects the series touches" "$logs/w1.log" \
	"$top/scripts/gate-warnings.sh" w1 "$logs"
gate "sparse (C=2): no new warning in the objects the series touches" "$logs/sparse.log" \
	"$top/scripts/gate-warnings.sh" sparse "$logs"
gate "clang (LLVM=1) builds the arm64 test kernel without a warning" "$logs/clang.log" \
	"$top/scripts/gate-build.sh" clang
gate "the arm64 test config with CONFIG_KVM=n builds" "$logs/nokvm.log" \
	"$top/scripts/gate-build.sh" nokvm
gate "arch/arm64/kvm/ builds with Debian's arm64 config" "$logs/debian.log" \
	"$top/scripts/gate-build.sh" debian

say "UAPI headers standalone, documentation"
uapi_test() {
	grep -qx 'CONFIG_UAPI_HEADER_TEST=y' "$out/kernel/.config" ||
		die "the test kernel has no CONFIG_UAPI_HEADER_TEST"
	make -C "$tree" O="$out/kernel" CC="ccache ${CROSS_COMPILE}gcc" -j"$jobs" usr/ &&
	ls -l "$out/kernel/usr/include/linux/kvm.hdrtest" "$out/kernel/usr/include/asm/kvm.hdrtest"
}
gate "CONFIG_UAPI_HEADER_TEST: linux/kvm.h and asm/kvm.h compile standalone" \
	"$logs/uapi.log" uapi_test
gate "htmldocs SPHINXDIRS=virt: no new warning, vm.rst rendered" "$logs/docs.log" \
	"$top/scripts/gate-docs.sh" "$logs"

