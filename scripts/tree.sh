#!/bin/bash
# usage: [HVC_LINUX=6.1|6.12] scripts/tree.sh
# Creates (or refreshes) the generated kernel tree build/<version>/linux:
# Debian's linux-source-<version> tarball committed as the pristine base
# (tag "base"; kept in ~/.cache/hvc-filter for the next clone), then
# patches/<version>/series applied with git am.  A tree that already
# carries exactly the series is left alone, so its build stays warm.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need deps
series=$patchdir/series
[ -f "$tarball" ] || die "$tarball missing: run scripts/deps.sh (apt-get install $pkg)"

patch_ids() { git patch-id --stable | awk '{print $1}' | sort; }
series_files() { [ ! -f "$series" ] || list_lines "$series"; }

# The committed base is kept as a bare repository in the cache directory,
# one per package version: another clone of this repository gets
# its tree from there (a local clone, hard links, and a checkout) instead
# of unpacking and hashing the tarball again.
cache=${HVC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvc-filter}
version=$(dpkg-query -W -f='${Version}' "$pkg")
seed=$cache/${pkg}_$version.git

if [ ! -d "$tree/.git" ]; then
	rm -rf "$tree" "$tree.tmp"
	if git -C "$seed" rev-parse -q --verify 'base^{commit}' >/dev/null 2>&1; then
		say "checking out the pristine base from $seed"
		git clone -q --no-checkout "$seed" "$tree.tmp"
		git -C "$tree.tmp" remote remove origin
		git -C "$tree.tmp" config gc.auto 0
		git -C "$tree.tmp" -c checkout.workers="$jobs" checkout -q -B master base
	else
		say "unpacking $tarball into $tree"
		mkdir -p "$tree.tmp"
		tar -C "$tree.tmp" --strip-components=1 -xJf "$tarball"
		# Debian's packaging stanza ignores every top-level path ("/*"), which
		# would make git add record nothing and keep new files untracked.
		n=$(grep -n '^# Debian packaging' "$tree.tmp/.gitignore" | cut -d: -f1 || true)
		[ -n "$n" ] && head -n $((n - 3)) "$tree.tmp/.gitignore" > "$tree.tmp/.gitignore.new" &&
			mv "$tree.tmp/.gitignore.new" "$tree.tmp/.gitignore"
		! grep -qx '/\*' "$tree.tmp/.gitignore" || die "could not drop the '/*' stanza from .gitignore"
		git -C "$tree.tmp" init -q -b master
		git -C "$tree.tmp" config gc.auto 0
		say "committing the pristine base (this takes a minute)"
		# -f: the tarball drops the "!.gitignore"-style exceptions of upstream's
		# .gitignore, and every file it ships is source.
		git -C "$tree.tmp" add -A -f
		git -C "$tree.tmp" "${git_id[@]}" commit -q \
			-m "Linux $(make -s -C "$tree.tmp" kernelversion) (Debian $pkg $version)"
		git -C "$tree.tmp" tag base
		# Best effort: without a cache the next clone unpacks again.
		rm -rf "$seed.tmp"
		# One pack (no deltas: fast to write), from which a checkout takes
		# seconds where 75000 loose objects take a minute.
		if mkdir -p "$cache" && git clone -q --bare "$tree.tmp" "$seed.tmp" &&
		   git -C "$seed.tmp" repack -a -d -q --window=0; then
			find "$cache" -maxdepth 1 -name "${pkg}_*.git" ! -name "${seed##*/}" \
				-exec rm -rf {} +
			rm -rf "$seed" && mv "$seed.tmp" "$seed"
		fi
	fi
	mkdir -p "${tree%/*}"
	mv "$tree.tmp" "$tree"
fi

cd "$tree"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "$tree has uncommitted changes: commit them (then make export) or git stash"

want=$(series_files | while read -r p; do cat "$patchdir/$p"; done | patch_ids)
have=$(git log -p --reverse base..HEAD | patch_ids)
if [ "$want" = "$have" ]; then
	say "$kver tree is up to date with patches/$kver/series ($(series_files | wc -l) patches)"
else
	if [ "$(git rev-parse HEAD)" != "$(git rev-parse base)" ]; then
		keep=saved/$(date +%Y%m%d-%H%M%S)
		git branch -f "$keep" HEAD
		say "tree differs from patches/: its commits are kept as branch $keep"
	fi
	git checkout -q -B master base
	while read -r p; do
		say "applying $kver/$p"
		if ! git "${git_id[@]}" am -q --keep-cr "$patchdir/$p"; then
			git am --abort || true
			die "patch $p does not apply (see git's message above)"
		fi
	done < <(series_files)
fi
say "base: Linux $(make -s kernelversion) (Debian $pkg $version), $(git rev-list --count base..HEAD) patches applied"
