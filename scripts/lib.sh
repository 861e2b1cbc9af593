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
jobs=$(nproc)

# Identity used for the generated tree only; never taken from a global config.
git_id=(-c user.name="hvc-filter harness" -c user.email="harness@hvc-filter.invalid")

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
