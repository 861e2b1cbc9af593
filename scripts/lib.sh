# Shared settings and helpers for the harness scripts; sourced, never run.
# Every path is derived from the repository root so that a fresh clone works
# wherever it is checked out.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${HVC_WORK:-$top/build}
uout=$work/out				# userspace built once for both kernels
results=${HVC_RESULTS:-$work/results}

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

# Identity used for the generated trees only; never taken from a global config.
git_id=(-c user.name="hvc-filter harness" -c user.email="harness@hvc-filter.invalid")

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# log_error LOG: the message of the last "error: " line (die's) in LOG.
log_error() { sed -n 's/^error: //p' "$1" | tail -n 1 | cut -c1-400; }

# The kernels the series apply to: Debian's linux-source-<version>, the
# series in patches/<version>/.  Each has its generated tree, build
# directories and layers (results named <version>-<layer>).  A script works
# on the version HVC_LINUX names (6.1 by default); use_linux switches.
linux_versions=(6.1 6.12)
use_linux() {
	case " ${linux_versions[*]} " in
	*" $1 "*) ;;
	*) die "no series for Linux '$1' (HVC_LINUX must be one of: ${linux_versions[*]})" ;;
	esac
	export HVC_LINUX=$1
	kver=$1
	pkg=linux-source-$kver
	tarball=/usr/src/$pkg.tar.xz
	patchdir=$top/patches/$kver
	tree=$work/$kver/linux		# generated kernel tree (git)
	out=$work/$kver/out		# O= build directories live below here
	selftests=$out/kernel/kselftest/kvm	# the tree's KVM selftests, built
	kselftest=$out/kselftest		# ... and installed as kernel CI runs them
	base_src=$work/$kver/base/linux	# the unpatched tree (worktree of tag base)
	# How the series goes to the list: the 6.1 one as a patch set for the
	# stable kernel it targets, the 6.12 one as an RFC on mainline's filter.
	case $kver in
	6.1) subject_prefix=PATCH ;;
	*) subject_prefix="RFC PATCH" ;;
	esac
}
use_linux "${HVC_LINUX:-6.1}"

# The kernels of a version, by name, and their config fragments (allnoconfig
# + these):
#   kernel  the test kernel, the series applied
#   debug   the test kernel with the kernel's own checkers (lockdep, KASAN...);
#           6.1 only
#   base    the unpatched tree (tag "base") with the test kernel's config,
#           without the options that exist only with the series
test_config=("$top/config/kvm.config" "$top/config/series.config")
debug_config=("${test_config[@]}" "$top/config/debug.config")
base_config=("$top/config/kvm.config")
# The KUnit suites of the series, which the test kernels run at boot.
kunit_suites=(kvm_arm64_smccc_filter kvm_arm64_hvc_filter)

# base_tree: checks out the unpatched tree (the generated tree's "base" tag)
# into a worktree of its own.  The base kernel's build directory out/base is
# a link to base/out/kernel: the base tree and its build stand to each other
# as linux/ and out/kernel do, so that the compiler sees the same relative
# paths and ccache serves the base kernel every object the series does not
# change from the test kernel's build.
base_tree() {
	if [ ! -e "$base_src/.git" ]; then
		say "checking out the unpatched $kver tree into $base_src"
		git -C "$tree" worktree prune
		mkdir -p "${base_src%/*}"
		git -C "$tree" -c checkout.workers="$jobs" worktree add -q --detach "$base_src" base
	fi
	if [ ! -L "$out/base" ]; then
		mkdir -p "$work/$kver/base/out/kernel" "$out"
		rm -rf "$out/base"
		ln -s ../base/out/kernel "$out/base"
	fi
}

# image NAME: the arm64 Image of the current version's kernel NAME.
image() { echo "$out/$1/arch/arm64/boot/Image"; }

# need WHAT...: makes sure that WHAT is built and up to date, by running
# the script that builds it (each builds incrementally, and first makes
# sure of what it needs itself).  Each is done once per make target: the
# scripts a target runs share the list of what is done (HVC_DONE).  What is
# per kernel is done for the current version.
#   deps  the Debian packages          tree      the generated tree, series applied
#   kernel, debug, base  the kernels   kselftest the KVM selftests, installed
#   mainline  6.1: mainline's smccc_filter (tests/mainline.list)
#   vmm  the example VMM (one build for both kernels)
# A lock (build/.lock) keeps two targets from building in build/ at once.
need() {
	local what key
	for what; do
		case $what in
		deps | vmm) key=$what ;;
		*) key=$kver:$what ;;
		esac
		case " ${HVC_DONE:-} " in *" $key "*) continue ;; esac
		hold_build_lock
		case $what in
		deps) "$top/scripts/deps.sh" ;;
		tree) "$top/scripts/tree.sh" ;;
		kernel | debug | base) "$top/scripts/build-kernel.sh" "$what" ;;
		kselftest) "$top/scripts/build-selftests.sh" ;;
		mainline) "$top/scripts/build-mainline-tests.sh" ;;
		vmm) "$top/scripts/build-vmm.sh" ;;
		*) die "need: nothing called $what" ;;
		esac || return
		export HVC_DONE="${HVC_DONE:-} $key"
	done
}

# hold_build_lock: takes build/.lock for this process tree, once: a second
# make target (make demo during make check, make -j2 ...) waits for it
# instead of building in the same directories at the same time.  The lock
# is an open file descriptor, inherited by the scripts this one runs.
hold_build_lock() {
	[ -z "${HVC_LOCKED:-}" ] || return 0
	mkdir -p "$work"
	exec {lockfd}>>"$work/.lock"
	if ! flock -n "$lockfd"; then
		say "another harness command is building in $work; waiting for it"
		flock "$lockfd"
	fi
	export HVC_LOCKED=1
}

# Lists (tests/*.list, series files): one entry a line; blank lines and
# lines starting with '#' are not entries.  A test list's entry is
# "<timeout seconds> <program> [args]", the program relative to the
# selftests' directory; a skip list's is "<program>: <reason>".
# list_lines FILE...: the entries.
list_lines() { [ $# -eq 0 ] || cat "$@" | grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' || true; }
# list_programs TEST-LIST...: the programs of the test lists, each once.
list_programs() { list_lines "$@" | awk '{print $2}' | sort -u; }
# list_select TEST: the test-list entries (on stdin) of the program TEST,
# named by its path (aarch64/psci_test) or its file name (psci_test).
list_select() { awk -v t="$1" '$2 == t || $2 ~ ("/" t "$")'; }
# tests_of LIST-NAME...: the list files tests/<name>.list and, where it
# exists, tests/<version>/<name>.list (the version's own entries).
tests_of() {
	local n
	for n; do
		[ ! -f "$top/tests/$n.list" ] || echo "$top/tests/$n.list"
		[ ! -f "$top/tests/$kver/$n.list" ] || echo "$top/tests/$kver/$n.list"
	done
}

# TAP: every layer's cases are in build/results/<layer>.tap, TAP version 13
# with the plan first: the number of cases is known before any runs, so that
# a layer that stops half-way leaves fewer cases than its plan says
# (scripts/summary.py).  A case may carry subtests (a test program's own
# TAP), indented by four spaces, their plan first.
# tap_start FILE PLAN: starts FILE with the plan of PLAN cases.
tap_start() {
	mkdir -p "$(dirname "$1")"
	printf 'TAP version 13\n1..%s\n' "$2" > "$1"
}
# tap_case FILE ok|"not ok"|skip NAME [COMMENT]: appends a case to FILE.
tap_case() {
	local f=$1 status=$2 name=$3 comment=${4:-} n
	[ -s "$f" ] || die "tap_case: $f was not started with tap_start"
	n=$(( $(grep -cE '^(not )?ok [0-9]' "$f" || true) + 1 ))
	case $status in
	ok | "not ok") echo "$status $n $name${comment:+ # $comment}" >> "$f" ;;
	skip) echo "ok $n $name # SKIP $comment" >> "$f" ;;
	*) die "tap_case: unknown status '$status' for $name" ;;
	esac
}
# start_layer RESULTS-DIR LAYER PLAN: for a script that is a layer of its
# own: sets tap, its TAP file (started with PLAN cases), and logs, its log
# directory.
start_layer() {
	tap=$1/$2.tap logs=$1/$2
	mkdir -p "$logs"
	tap_start "$tap" "$3"
}
# run_case NAME LOG CMD...: runs CMD, its output in LOG, as a case of $tap,
# shown as progress.  CMD runs in a subshell: if it dies, its case fails
# with its message, and the caller goes on.
run_case() {
	local name=$1 log=$2 why rc
	shift 2
	# Not "if (CMD)": bash ignores set -e in a condition, in every function
	# CMD calls too, so a failing step in the middle would go unnoticed.
	set +e
	(set -e; "$@") > "$log" 2>&1
	rc=$?
	set -e
	if [ $rc -eq 0 ]; then
		tap_case "$tap" ok "$name"
		printf '    %-6s %s\n' ok "$name"
	else
		tail -n 15 "$log"
		why=$(log_error "$log")
		tap_case "$tap" "not ok" "$name" "${why:+$why; }see $log"
		printf '    %-6s %s\n' "not ok" "$name"
	fi
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
# statically for arm64 against the test kernel's UAPI headers, in the build
# directory make -C tools/testing/selftests O=out/kernel uses.
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
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	(cd "$dir.tmp" && apt-get download -qq "$pkg:arm64" && dpkg-deb -x "$pkg"_*_arm64.deb root) ||
		die "cannot fetch $pkg:arm64 from the Debian archive"
	mv "$dir.tmp/root" "$dir" && rm -rf "$dir.tmp"
}

# busybox: the path of a static arm64 busybox (Debian's busybox-static).
busybox() {
	local bb=$work/busybox-arm64/bin/busybox
	[ -x "$bb" ] || fetch_arm64_deb busybox-static "$work/busybox-arm64"
	[ -x "$bb" ] || die "no $bb in Debian's busybox-static:arm64"
	echo "$bb"
}
