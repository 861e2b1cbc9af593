#!/usr/bin/env python3
"""usage: scripts/summary.py RESULTS-DIR

Counts the test cases of every layer's TAP file (RESULTS-DIR/*.tap), lists
the skipped and the failed ones, and prints last "N passed, N failed,
N skipped".  Exits 1 if a case failed or none ran.

A layer's file is TAP version 13 with its plan first, written before any of
its cases ran (scripts/lib.sh: tap_start).  A case may carry subtests,
indented by four spaces, their own plan first (a test program's TAP).  The
cases counted are the leaves: the subtests of a case that has them (plus
one failure if the case failed while none of its subtests did: an exit
status, a kernel splat), the case itself otherwise.  A plan that does not
match the cases that follow it, at either level, means that a layer or a
program stopped half-way: one more failure, named.
"""
import glob
import os
import re
import sys

CASE_RE = re.compile(r'^(not ok|ok) (\d+)\s*(.*?)(?:\s+#\s*(SKIP|TODO|XFAIL|TIMEOUT|exit=\S*)?\s*(.*))?$')
PLAN_RE = re.compile(r'^1\.\.(\d+)(?:\s*#\s*(SKIP)\b.*)?$')


def parse_case(text):
    m = CASE_RE.match(text)
    if not m:
        return None
    status, _, name, directive, comment = m.groups()
    directive = directive or ''
    if status == 'ok' and directive == 'SKIP':
        return 'skip', name, comment or ''
    if status == 'ok' or directive == 'XFAIL':
        return 'pass', name, ''
    return 'fail', name, ((directive + ' ' if directive and directive != 'SKIP' else '') +
                          (comment or '')).strip()


def layer(path):
    """(passed, failed, skipped, broken): lists of case names (with reasons)."""
    name = os.path.basename(path)[:-len('.tap')]
    passed, failed, skipped, broken = [], [], [], []
    with open(path, errors='replace') as f:
        lines = [l.rstrip('\n') for l in f]
    if not lines or lines[0] != 'TAP version 13':
        broken.append('%s: no "TAP version 13" first' % name)
    plan = None
    cases = 0
    sub, sub_plan = [], None
    for line in lines[1:]:
        if line.startswith('    '):
            inner = line[4:]
            m = PLAN_RE.match(inner)
            if m:
                sub_plan = (int(m.group(1)), m.group(2))
            elif parse_case(inner):
                sub.append(parse_case(inner))
            continue
        m = PLAN_RE.match(line)
        if m:
            if plan is not None or cases:
                broken.append('%s: a plan that is not the first line after the version' % name)
            plan = int(m.group(1))
            continue
        c = parse_case(line)
        if not c:
            continue
        cases += 1
        status, case, why = c
        if sub or sub_plan:
            if sub_plan is None:
                broken.append('%s: %s: subtests without a plan' % (name, case))
            elif sub_plan[0] != len(sub) and not (sub_plan[1] and not sub):
                broken.append('%s: %s: %d subtests, plan 1..%d (it stopped half-way?)'
                              % (name, case, len(sub), sub_plan[0]))
            for s_status, s_name, s_why in sub:
                label = '%s: %s' % (case, s_name)
                {'pass': passed, 'fail': failed, 'skip': skipped}[s_status].append(
                    label + (' # ' + s_why if s_why else ''))
            if status == 'fail' and not any(s[0] == 'fail' for s in sub):
                failed.append(case + (' # ' + why if why else ''))
            elif status == 'skip' and not sub:
                skipped.append(case + (' # ' + why if why else ''))
        else:
            {'pass': passed, 'fail': failed, 'skip': skipped}[status].append(
                case + (' # ' + why if why else ''))
        sub, sub_plan = [], None
    if sub or sub_plan:
        broken.append('%s: subtests after the last case' % name)
    if plan is None:
        broken.append('%s: no plan' % name)
    elif plan != cases:
        broken.append('%s: %d cases, plan 1..%d (the layer stopped half-way?)' % (name, cases, plan))
    return passed, failed, skipped, broken


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    taps = sorted(glob.glob(os.path.join(sys.argv[1], '*.tap')))
    total = {'passed': 0, 'failed': 0, 'skipped': 0}
    all_failed, all_skipped, all_broken = [], [], []
    print()
    print('==> results in %s' % sys.argv[1])
    for t in taps:
        passed, failed, skipped, broken = layer(t)
        f = len(failed) + len(broken)
        print('    %-26s %4d passed, %d failed, %d skipped'
              % (os.path.basename(t)[:-4], len(passed), f, len(skipped)))
        total['passed'] += len(passed)
        total['failed'] += f
        total['skipped'] += len(skipped)
        all_failed += failed
        all_skipped += skipped
        all_broken += broken
    if all_skipped:
        print('skipped:')
        for s in all_skipped:
            print('    ' + s)
    if all_failed or all_broken:
        print('FAILED:')
        for s in all_failed:
            print('    ' + s)
        for s in all_broken:
            print('    TAP of ' + s)
    print('%d passed, %d failed, %d skipped' % (total['passed'], total['failed'], total['skipped']))
    sys.exit(0 if total['failed'] == 0 and total['passed'] > 0 else 1)


if __name__ == '__main__':
    main()
