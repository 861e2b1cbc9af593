#!/usr/bin/env python3
"""usage: scripts/console-tap.py [--must-skip] [--kunit KUNIT-TAP] CONSOLE-LOG LIST LAYER-TAP

Turns the console log of a test VM (see init/init.c for its markers) into
the cases of its layer, appended to LAYER-TAP, which check.sh started with
the plan: one case per test of LIST (the layer's test list, in the VM's
order: the kselftests first, as run_kselftest.sh ran them, then the
programs init ran itself), then "kmemleak" if the kernel has kmemleak, then
the VM's own run.  With --kunit, each KUnit suite the kernel reported is a
case of KUNIT-TAP, its test cases nested in it.

- a test that prints TAP itself (ksft_*) gets its cases nested in its own:
  four spaces of indent, its plan first, as it printed them;
- the case of a test passes if the kselftest runner (or, for a program
  init ran, its exit status) says it passed: 0 passes, 4 (KSFT_SKIP)
  skips, anything else, a signal or the timeout fails;
- with --must-skip (a kernel without the feature the tests test) a test's
  case is "<test> skips on the unpatched kernel", and passes only if the
  test skipped;
- a kernel splat (BUG, WARNING, Oops, KASAN, UBSAN, lockdep, RCU stall,
  kmemleak) fails the case of the test that was running; one outside any
  test fails the VM's own case, as does a log without "@@@ ALL DONE".

A case that never reports (the VM died first) is simply missing: the
summary counts the cases against the plan.
"""
import re
import sys

KSFT_SKIP = 4
TAP_RE = re.compile(r'^(not ok|ok) \d+\s*(?:- )?(.*?)\s*(?:#\s*(SKIP|XFAIL|TIMEOUT)\b\s*(.*))?$')
PLAN_RE = re.compile(r'^1\.\.(\d+)')
RUNNER_TEST_RE = re.compile(r'^# selftests: (\S+): (\S+)$')
RUNNER_RESULT_RE = re.compile(r'^(not ok|ok) \d+ selftests: (\S+): (\S+)(?:\s*#\s*(.*))?$')
KTIME_RE = re.compile(r'^\[\s*\d+\.\d+\]\s')
SPLATS = [
    'BUG:', 'WARNING:', 'Oops', 'Kernel panic', 'KASAN:', 'UBSAN:',
    'possible circular locking', 'possible recursive locking',
    'inconsistent lock state', 'suspicious RCU usage', 'INFO: rcu_',
    'rcu: INFO:', 'INFO: task', 'kmemleak:', 'unreferenced object',
    'Unable to handle kernel', 'list_add corruption', 'list_del corruption',
    'ODEBUG:',
]


class Tap:
    """Appends cases to a TAP file whose plan is already written."""

    def __init__(self, path):
        self.path = path
        with open(path) as f:
            self.n = sum(1 for l in f if re.match(r'^(not ok|ok) \d+', l))

    def case(self, status, name, comment='', subtests=()):
        self.n += 1
        with open(self.path, 'a') as f:
            for line in subtests:
                f.write('    ' + line + '\n')
            if status == 'skip':
                f.write('ok %d %s # SKIP %s\n' % (self.n, name, comment))
            else:
                f.write('%s %d %s%s\n' % (status, self.n, name,
                                          ' # ' + comment if comment else ''))


def subtest_lines(lines):
    """The TAP a test printed (the runner's '# ' already taken off): its
    plan and result lines, renumbered as they came."""
    out = []
    for line in lines:
        if PLAN_RE.match(line) or TAP_RE.match(line):
            out.append(line)
    return out


KUNIT_FAILURE_RE = re.compile(r'# (\w+): (?:EXPECTATION|ASSERTION) FAILED')


def lost_kunit_results(sub, output):
    """6.1 keeps 512 bytes of log per KUnit case in debugfs: a failing case's
    messages can push its own result line out.  The cases the suite's plan
    counts but that have no result line are failed ones, named after the
    failures they reported where those survived."""
    plan = next((int(PLAN_RE.match(l).group(1)) for l in sub if PLAN_RE.match(l)), 0)
    seen = {TAP_RE.match(l).group(2) for l in sub if TAP_RE.match(l)}
    missing = plan - len(seen)
    lost = []
    for name in dict.fromkeys(m.group(1) for l in output for m in KUNIT_FAILURE_RE.finditer(l)):
        if len(lost) < missing and name not in seen:
            lost.append('not ok 0 %s # result line lost from the debugfs log; it failed' % name)
    lost += ['not ok 0 (a case whose result line the debugfs log lost)'] * (missing - len(lost))
    return lost


def main():
    args = sys.argv[1:]
    must_skip = kunit_tap = None
    while args and args[0].startswith('--'):
        if args[0] == '--must-skip':
            must_skip = True
            args = args[1:]
        elif args[0] == '--kunit':
            kunit_tap = Tap(args[1])
            args = args[2:]
        else:
            sys.exit(__doc__)
    if len(args) != 3:
        sys.exit(__doc__)
    log, listfile, layer_tap = args
    tap = Tap(layer_tap)

    # The layer's tests by the name the runner or init gives them; a program
    # the list runs more than once (the VMM, once per ABI) is named by its
    # first two arguments too, in the list's order.
    programs, runs = {}, {}
    with open(listfile) as f:
        for line in f:
            words = line.split()
            if len(words) >= 2 and not words[0].startswith('#'):
                programs.setdefault(words[1].rsplit('/', 1)[-1], words[1])
                runs.setdefault(words[1], []).append(' '.join(words[1:4]))
    runs = {prog: names for prog, names in runs.items() if len(names) > 1}

    with open(log, errors='replace') as f:
        lines = [l.rstrip('\r\n').replace('\r', '') for l in f]

    part = None             # the init part being read: kunit/<suite>, kselftest, a program
    test = None             # in the kselftest part: the runner's current test
    output = []             # what the current test or part printed
    splats = {}             # test -> first splat during it
    loose_splat = None      # a splat outside any test
    done = False

    def result(name, passed, skipped, why, subtests=()):
        prog = programs.get(name, name)
        splat = splats.get(name)
        if runs.get(prog):
            prog = runs[prog].pop(0)
        if must_skip:
            label = prog + ' skips on the unpatched kernel'
            if skipped and not splat:
                tap.case('ok', label)
            else:
                tap.case('not ok', label, splat or (
                    'it %s (%s): it must skip (exit 4) on a kernel without the feature'
                    % ('passed' if passed else 'failed', why)))
            return
        if splat:
            tap.case('not ok', prog, 'kernel splat: ' + splat, subtests)
        elif skipped:
            tap.case('skip', prog, why or 'the test skipped itself (exit 4): see its output',
                     subtests)
        elif passed:
            tap.case('ok', prog, '', subtests)
        else:
            tap.case('not ok', prog, why, subtests)

    for line in lines:
        if KTIME_RE.match(line):
            text = KTIME_RE.sub('', line)
            if any(s in text for s in SPLATS):
                who = test or (part if part not in (None, 'kselftest') else None)
                if who and not who.startswith('kunit/'):
                    splats.setdefault(who, text[:200])
                elif loose_splat is None:
                    loose_splat = text[:200]
            continue

        marker = line.find('@@@ ')
        if marker >= 0:
            words = line[marker + 4:].split()
            if words[:1] == ['BEGIN'] and len(words) > 1:
                part, test, output = words[1], None, []
                continue
            if words[:1] == ['END'] and part:
                end = ' '.join(words[2:])
                m = re.match(r'rc=(\d+)', end)
                rc = int(m.group(1)) if m else None
                if part.startswith('kunit/'):
                    if kunit_tap:
                        suite = part[len('kunit/'):]
                        sub = subtest_lines(l[4:] for l in output if l.startswith('    ') and
                                            not l.startswith('        '))
                        top = [TAP_RE.match(l) for l in output if TAP_RE.match(l)]
                        status = top[-1].group(1) if top else 'not ok'
                        kunit_tap.case(status, suite,
                                       '' if top else 'no suite result in the debugfs log',
                                       sub + lost_kunit_results(sub, output))
                elif part == 'kmemleak':
                    tap.case('ok' if rc == 0 else 'not ok', 'kmemleak',
                             '' if rc == 0 else 'kmemleak reports unreferenced objects (%s)' % end)
                elif part == 'kselftest':
                    if test:    # the runner itself died in the middle of a test
                        result(test, False, False, 'the runner stopped during it (%s)' % end)
                elif rc is not None:
                    result(part, rc == 0, rc == KSFT_SKIP, '' if rc in (0, KSFT_SKIP) else end,
                           subtest_lines(output))
                else:
                    result(part, False, False, end, subtest_lines(output))
                part, test, output = None, None, []
                continue
            if words[:2] == ['ALL', 'DONE']:
                done = True
                continue

        if part == 'kselftest':
            m = RUNNER_TEST_RE.match(line)
            if m:
                test, output = m.group(2), []
                continue
            m = RUNNER_RESULT_RE.match(line)
            if m and test:
                status, _, name, comment = m.groups()
                comment = comment or ''
                skipped = status == 'ok' and comment.startswith('SKIP')
                result(name, status == 'ok' and not skipped, skipped,
                       '' if status == 'ok' else comment, subtest_lines(output))
                test, output = None, []
                continue
            if test and line.startswith('# '):
                output.append(line[2:])
            elif test and line == '#':
                output.append('')
            continue
        if part:
            output.append(line)

    why = []
    if not done:
        why.append('no "@@@ ALL DONE": hang, panic or timeout; see ' + log)
    if loose_splat:
        why.append('kernel splat outside the tests: ' + loose_splat)
    tap.case('not ok' if why else 'ok', 'the VM boots, runs its tests and powers off',
             '; '.join(why))


if __name__ == '__main__':
    main()
