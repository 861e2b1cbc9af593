#!/bin/bash
# usage: [HVC_LINUX=6.1|6.12] scripts/export.sh [DIR]
# Exports the commits of build/<version>/linux since the "base" tag into DIR
# (default patches/<version>/) as git format-patch files with stable names
# and contents (zeroed commit ids, no signature), rewrites DIR/series, and
# builds the cover letter DIR/0000-cover-letter.patch from
# patches/<version>/cover-letter.txt (first line: subject, the rest: body)
# plus git's shortlog and diffstat.
# Blob ids in the index lines have 12 digits, whatever the size of the tree.
# Applying the series (make tree) and exporting again changes nothing; the
# round-trip gate checks that by exporting into a temporary DIR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -le 1 ] || die "usage: $0 [DIR]"
dest=${1:-$patchdir}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
[ -d "$tree/.git" ] || die "no kernel tree: run make tree first"
cd "$tree"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "$tree has uncommitted changes: commit them first (git commit, or git commit --fixup + rebase)"
# A dotfile that .gitignore's ".*" hides is never exported, even when the
# kernel tracks files of that name elsewhere (.kunitconfig, .gitignore):
# a series that names it would then work only in the tree it was written in.
tracked=$(git ls-files | sed -n 's|.*/||; /^\./p' | sort -u)
lost=$(git ls-files -o -i --exclude-standard |
	awk -v names="$tracked" 'BEGIN { n = split(names, a, "\n"); for (i = 1; i <= n; i++) t[a[i]] = 1 }
		{ b = $0; sub(/.*\//, "", b); if (b in t) print }')
[ -z "$lost" ] ||
	die "ignored by .gitignore, but the kernel tracks files of that name: $(echo $lost); git add -f each into the commit that adds it, or delete it"
n=$(git rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "no commits on top of base: nothing to export"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -c core.abbrev=12 -c user.name="hvc-filter developers" -c user.email="hvc-filter@lists.invalid" \
	format-patch -q --zero-commit --no-signature --numbered --cover-letter \
	--subject-prefix="$subject_prefix" \
	-o "$tmp" base..HEAD

# The cover letter: our text instead of git's placeholders, and the date of
# the last patch so that exporting twice gives the same bytes.
cover=$tmp/0000-cover-letter.patch
src=$patchdir/cover-letter.txt
[ -f "$src" ] || die "$src missing: write the cover letter there (subject line, blank line, body)"
date=$(git log -1 --format=%aD HEAD)
python3 - "$cover" "$src" "$date" <<'PY'
import sys
cover, src, date = sys.argv[1:4]
subject, _, body = open(src).read().partition('\n')
text = open(cover).read()
text = text.replace('*** SUBJECT HERE ***', subject.strip(), 1)
text = text.replace('*** BLURB HERE ***', body.strip('\n'), 1)
lines = text.split('\n')
for i, l in enumerate(lines):
    if l.startswith('Date: '):
        lines[i] = 'Date: ' + date
        break
open(cover, 'w').write('\n'.join(lines))
PY

find "$dest" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
cp "$tmp"/*.patch "$dest/"
(cd "$tmp" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-') > "$dest/series"
say "exported $n $kver patches and the cover letter to $dest"
