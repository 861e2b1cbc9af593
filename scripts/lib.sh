# Shared settings for the harness scripts; sourced, never run.
# Every path is derived from the repository root so that a fresh clone works
# wherever it is checked out.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${HVC_WORK:-$top/build}
tree=$work/linux			# generated kernel tree (git)
out=$work/out				# O= build directories live below here
results=${RESULTS:-$work/results}

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

# The unpatched tree: the generated tree's "base" tag, in a worktree of its
# own (build/linux-base), for the comparisons against the base.
base_tree() {
	if [ ! -e "$work/linux-base/.git" ]; then
		say "checking out the unpatched base tree into $work/linux-base"
		git -C "$tree" worktree prune
		git -C "$tree" -c checkout.workers="$jobs" worktree add -q --detach "$work/linux-base" base
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
