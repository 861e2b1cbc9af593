# Shared settings and helpers for the harness scripts; sourced, never run.
# Every path is derived from the repository root so that a fresh clone works
# wherever it is checked out.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${HVC_WORK:-$top/build}
tree=$work/linux			# generated kernel tree (git)
out=$work/out				# O= build directories live below here
results=${RESULTS:-$work/results}
selftests=$out/kernel-selftests		# the KVM selftests, built for the test kernel

export ARCH=arm64
export CROSS_COMPILE=aarch64-linux-gnu-
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths below the repository are hashed relative to it, so that every clone
# (CI's too) shares the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top}
# Nor is the build directory part of the hash of an object built with -g
# (Debian's config): only its debug info's compilation directory differs.
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
jobs=$(nproc)
# Every kernel make: the arm64 cross compiler and the host compiler (kbuild's
# own tools, rebuilt in every build directory) both through ccache.
kcc=(HOSTCC="ccache gcc" CC="ccache ${CROSS_COMPILE}gcc")

# Identity used for the generated tree only; never taken from a global config.
git_id=(-c user.name="hvc-filter harness" -c user.email="harness@hvc-filter.invalid")

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# log_error LOG: the message of the last "error: " line (die's) in LOG.
log_error() { sed -n 's/^error: //p' "$1" | tail -n 1 | cut -c1-400; }

# The kernels, by name, and their config fragments (allnoconfig + these):
#   kernel  the test kernel, the series applied
#   debug   the test kernel with the kernel's own checkers (lockdep, KASAN...)
#   base    the unpatched tree (tag "base") with the test kernel's config,
#           without the options that exist only with the series
test_config=("$top/config/kvm.config" "$top/config/series.config")
debug_config=("${test_config[@]}" "$top/config/debug.config")
base_config=("$top/config/kvm.config")

# The unpatched tree: the generated tree's "base" tag, in a worktree of its
# own (build/base/linux).  The base kernel's build directory build/out/base
# is a link to build/base/out/kernel: the base tree and its build stand to
# each other as build/linux and build/out/kernel do, so that the compiler
# sees the same relative paths and ccache serves the base kernel every
# object the series does not change from the test kernel's build.
base_src=$work/base/linux
base_tree() {
	if [ ! -e "$base_src/.git" ]; then
		say "checking out the unpatched base tree into $base_src"
		git -C "$tree" worktree prune
		mkdir -p "${base_src%/*}"
		git -C "$tree" -c checkout.workers="$jobs" worktree add -q --detach "$base_src" base
	fi
	if [ ! -L "$out/base" ]; then
		mkdir -p "$work/base/out/kernel" "$out"
		rm -rf "$out/base"
		ln -s ../base/out/kernel "$out/base"
	fi
}

# image NAME: the kernel NAME's arm64 Image.
image() { echo "$out/$1/arch/arm64/boot/Image"; }

# need WHAT...: makes sure that WHAT is built and up to date, by running
# the script that builds it (each builds incrementally, and first makes
# sure of what it needs itself).  Each is done once per make target: the
# scripts a target runs share the list of what is done (HVC_DONE).
#   deps  the Debian packages          tree      build/linux, series applied
#   kernel, debug, base  the kernels   selftests the tree's KVM selftests
#   mainline  mainline's selftests (tests/mainline.list)   vmm  the example VMM
need() {
	local what
	for what; do
		case " ${HVC_DONE:-} " in *" $what "*) continue ;; esac
		case $what in
		deps) "$top/scripts/deps.sh" ;;
		tree) "$top/scripts/tree.sh" ;;
		kernel | debug | base) "$top/scripts/build-kernel.sh" "$what" ;;
		selftests) "$top/scripts/build-selftests.sh" ;;
		mainline) "$top/scripts/build-mainline-tests.sh" ;;
		vmm) "$top/scripts/build-vmm.sh" ;;
		*) die "need: nothing called $what" ;;
		esac || return
		export HVC_DONE="${HVC_DONE:-} $what"
	done
}

# Lists (tests/*.list, patches/series): one entry a line; blank lines and
# lines starting with '#' are not entries.  A test list's entry is
# "<timeout seconds> <program> [args]", the program relative to the
# selftests' output directory; a skip list's is "<program>: <reason>".
# list_lines FILE...: the entries.
list_lines() { [ $# -eq 0 ] || cat "$@" | grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' || true; }
# list_programs TEST-LIST...: the programs of the test lists, each once.
list_programs() { list_lines "$@" | awk '{print $2}' | sort -u; }
# list_built: the test-list entries (on stdin) whose program is built in
# build/out/kernel-selftests, and the example VMM's.
list_built() { awk -v d="$selftests/" '$2 == "vmm" || system("test -x " d $2) == 0'; }
# list_select TEST: the test-list entries (on stdin) of the program TEST,
# named by its path (aarch64/psci_test) or its file name (psci_test).
list_select() { awk -v t="$1" '$2 == t || $2 ~ ("/" t "$")'; }

# TAP: every layer's cases are in build/results/<layer>.tap, written only
# by these functions: "TAP version 13", a line per case, the plan last.
# tap_case FILE ok|"not ok"|skip NAME [COMMENT]: appends a case to FILE.
tap_case() {
	local f=$1 status=$2 name=$3 comment=${4:-} n
	[ -s "$f" ] || echo 'TAP version 13' > "$f"
	n=$(( $(grep -cE '^(not )?ok [0-9]' "$f" || true) + 1 ))
	case $status in
	ok | "not ok") echo "$status $n $name${comment:+ # $comment}" >> "$f" ;;
	skip) echo "ok $n $name # SKIP $comment" >> "$f" ;;
	*) die "tap_case: unknown status '$status' for $name" ;;
	esac
}
# tap_import DIR: appends the cases read from stdin, one a line,
# "LAYER<tab>STATUS<tab>NAME<tab>COMMENT", to DIR/LAYER.tap.
tap_import() {
	local layer status name comment
	while IFS=$'\t' read -r layer status name comment; do
		tap_case "$1/$layer.tap" "$status" "$name" "$comment"
	done
}
# start_layer RESULTS-DIR LAYER: for a script that is a layer of its own:
# sets tap, its TAP file (emptied), and logs, its log directory.
start_layer() {
	tap=$1/$2.tap logs=$1/$2
	mkdir -p "$logs"
	rm -f "$tap"
}
# run_case NAME LOG CMD...: runs CMD, its output in LOG, as a case of $tap,
# shown as progress.  CMD runs in a subshell: if it dies, its case fails
# with its message, and the caller goes on.
run_case() {
	local name=$1 log=$2 why
	shift 2
	if ("$@") > "$log" 2>&1; then
		tap_case "$tap" ok "$name"
		printf '    %-6s %s\n' ok "$name"
	else
		tail -n 15 "$log"
		why=$(log_error "$log")
		tap_case "$tap" "not ok" "$name" "${why:+$why; }see $log"
		printf '    %-6s %s\n' "not ok" "$name"
	fi
}
# tap_close FILE...: ends each FILE with its plan, once.
tap_close() {
	local f
	for f; do
		[ -f "$f" ] || continue
		grep -qE '^1\.\.[0-9]+$' "$f" ||
			echo "1..$(grep -cE '^(not )?ok [0-9]' "$f" || true)" >> "$f"
	done
}

# configure DIR SRC FRAGMENT...: allnoconfig + fragments in the build
# directory DIR for the tree SRC, unless DIR already has that configuration.
configure() {
	local o=$1 src=$2
	shift 2
	mkdir -p "$o"
	cat "$@" > "$o/fragment.config"
	if ! cmp -s "$o/fragment.config" "$o/fragment.applied" 2>/dev/null || [ ! -f "$o/.config" ]; then
		make -s -C "$src" O="$o" "${kcc[@]}" KCONFIG_ALLCONFIG="$o/fragment.config" allnoconfig
		cp "$o/fragment.config" "$o/fragment.applied"
	fi
}

# selftests_make [VAR=VALUE...] TARGET...: make in the tree's KVM selftests,
# statically for arm64 against the test kernel's UAPI headers, into
# build/out/kernel-selftests.
selftests_make() {
	local hdr=$out/kernel/usr

	mkdir -p "$selftests"
	make -s -C "$tree/tools/testing/selftests/kvm" -j"$jobs" \
		CC="ccache ${CROSS_COMPILE}gcc" OUTPUT="$selftests" \
		INSTALL_HDR_PATH="$hdr" KHDR_INCLUDES="-isystem $hdr/include" \
		EXTRA_CFLAGS=-static "$@"
}

# fetch_arm64_deb PACKAGE DIR: unpacks Debian's arm64 build of PACKAGE into
# DIR (multiarch sources; nothing is installed).
fetch_arm64_deb() {
	local pkg=$1 dir=$2 SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	[ -d "$dir" ] && return 0
	dpkg --print-foreign-architectures | grep -qx arm64 || {
		$SUDO dpkg --add-architecture arm64
		$SUDO apt-get update -qq
	}
	apt-cache show "$pkg:arm64" >/dev/null 2>&1 || $SUDO apt-get update -qq
	mkdir -p "$dir.tmp"
	(cd "$dir.tmp" && apt-get download -qq "$pkg:arm64" && dpkg-deb -x "$pkg"_*_arm64.deb root) ||
		die "cannot fetch $pkg:arm64 from the Debian archive"
	mv "$dir.tmp/root" "$dir" && rm -rf "$dir.tmp"
}
