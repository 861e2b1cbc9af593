#!/usr/bin/env python3
"""usage: scripts/console-cases.py [--must-skip] CONSOLE-LOG LAYER

Turns the console log of a test VM (see init/init.c for its markers) into
test cases, printed one a line as "LAYER<tab>STATUS<tab>NAME<tab>COMMENT"
(STATUS: ok, not ok or skip) for scripts/lib.sh's tap_import to write:

- a test that prints TAP itself (ksft_*) gives one case per result line,
  plus a failed case if its exit status disagrees with its results;
- any other test is one case: exit 0 passes, 4 (KSFT_SKIP) skips, anything
  else, a signal or a timeout fails;
- with --must-skip (a kernel without the feature the tests test), each
  test is one case, "<test> skips on the unpatched kernel", which passes
  only if the test exits 4 (KSFT_SKIP); passing or failing fails it;
- a kernel splat (BUG, WARNING, Oops, KASAN, UBSAN, lockdep, RCU stall,
  kmemleak) is a failed case naming the test that was running;
- a log without "@@@ ALL DONE" (hang, panic) is a failed case;
- the blocks named kunit/<suite> hold KUnit's KTAP: each test case (first
  nesting level) is a case of the layer "kunit" instead (PREFIX-kunit for
  a LAYER named PREFIX-...); failures that the suite's summary counts but
  whose result lines were lost (debugfs keeps 512 bytes of log per case in
  6.1) are failed cases too, named after the cases that reported a failed
  expectation.
"""
import re
import sys

KSFT_SKIP = 4
KTAP_CASE_RE = re.compile(r'^ {4}(not ok|ok) \d+ (?:- )?(.*?)\s*(?:#\s*(SKIP)\b\s*(.*))?$')
TAP_RE = re.compile(r'^(not ok|ok) \d+\s*(.*?)\s*(?:#\s*(SKIP|XFAIL)\b\s*(.*))?$')
KTIME_RE = re.compile(r'^\[\s*\d+\.\d+\]\s')
# KUnit's suite summary and the failures a case reports; 6.1 keeps at most
# 512 bytes of log per case in debugfs, so a failing case's own result line
# can be lost behind its messages: the summary says how many failed.
KUNIT_SUMMARY_RE = re.compile(r'^# (\S+): pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)')
KUNIT_FAILURE_RE = re.compile(r'# (\w+): (?:EXPECTATION|ASSERTION) FAILED')
KUNIT_SUITE_RE = re.compile(r'^(not ok|ok) \d+ (\S+)')
SPLATS = [
    'BUG:', 'WARNING:', 'Oops', 'Kernel panic', 'KASAN:', 'UBSAN:',
    'possible circular locking', 'possible recursive locking',
    'inconsistent lock state', 'suspicious RCU usage', 'INFO: rcu_',
    'rcu: INFO:', 'INFO: task', 'kmemleak:', 'unreferenced object',
    'Unable to handle kernel', 'list_add corruption', 'list_del corruption',
    'ODEBUG:',
]


def main():
    args = sys.argv[1:]
    must_skip = args[:1] == ['--must-skip']
    if must_skip:
        args = args[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    log, layer = args
    prefix = layer.rpartition('-')[0]
    kunit_layer = (prefix + '-kunit') if prefix else 'kunit'
    layers = {layer: []}    # layer -> [(status, name, comment)]: ok / not ok / skip

    def add(status, name, comment='', to=layer):
        layers.setdefault(to, []).append((status, name, comment))

    current = None
    results = {'ok': 0, 'not ok': 0}
    done = False
    with open(log, errors='replace') as f:
        lines = [l.rstrip('\r\n') for l in f]

    for raw in lines:
        line = raw.replace('\r', '')
        marker = line.find('@@@ ')
        if marker >= 0:
            words = line[marker + 4:].split()
            if words[:1] == ['BEGIN']:
                current = words[1]
                results = {'ok': 0, 'not ok': 0}
                kunit = {'summary': None, 'suite_failed': False, 'failing': [], 'seen': set()}
                continue
            if words[:1] == ['END'] and current and current.startswith('kunit/'):
                suite = current[len('kunit/'):]
                failed = results['not ok']
                want = int(kunit['summary'][2]) if kunit['summary'] else 0
                for name in kunit['failing']:
                    if failed >= want:
                        break
                    if name not in kunit['seen']:
                        add('not ok', '%s: %s' % (suite, name),
                            'result line lost from the debugfs log; the suite summary counts it failed',
                            kunit_layer)
                        failed += 1
                if failed < want:
                    add('not ok', '%s: %d failed case(s) without a result line' % (suite, want - failed),
                        'see the console log', kunit_layer)
                    failed = want
                if kunit['suite_failed'] and failed == 0:
                    add('not ok', '%s: suite' % suite, 'KUnit reports the suite failed', kunit_layer)
                if not kunit['summary'] and not results['ok']:
                    add('not ok', '%s: suite' % suite, 'no result in the debugfs log', kunit_layer)
                current = None
                continue
            if words[:1] == ['END'] and current:
                end = ' '.join(words[2:])
                total = results['ok'] + results['not ok']
                m = re.match(r'rc=(\d+)', end)
                rc = int(m.group(1)) if m else None
                if must_skip:
                    name = current + ' skips on the unpatched kernel'
                    if rc == KSFT_SKIP:
                        add('ok', name)
                    elif rc == 0:
                        add('not ok', name, 'it ran and passed (%s): it must skip (exit 4) '
                            'on a kernel without the feature' % end)
                    else:
                        add('not ok', name, 'it failed (%s): it must skip (exit 4) '
                            'on a kernel without the feature' % end)
                elif rc is None:
                    add('not ok', current, end)
                elif total == 0:
                    if rc == 0:
                        add('ok', current)
                    elif rc == KSFT_SKIP:
                        add('skip', current, 'the test skipped itself (exit 4): see its output')
                    else:
                        add('not ok', current, end)
                elif rc not in (0, KSFT_SKIP) and results['not ok'] == 0:
                    add('not ok', current + ': exit status', end)
                current = None
                continue
            if words[:2] == ['ALL', 'DONE']:
                done = True
                continue

        if KTIME_RE.match(line):
            text = KTIME_RE.sub('', line)
            for s in SPLATS:
                if s in text:
                    add('not ok', 'kernel splat during %s' % (current or 'boot/shutdown'), text[:200])
                    break
            continue

        if current and current.startswith('kunit/'):
            m = KUNIT_SUMMARY_RE.match(line)
            if m:
                kunit['summary'] = m.groups()
            m = KUNIT_SUITE_RE.match(line)
            if m and m.group(2) == current[len('kunit/'):]:
                kunit['suite_failed'] = m.group(1) == 'not ok'
            for m in KUNIT_FAILURE_RE.finditer(line):
                if m.group(1) not in kunit['failing']:
                    kunit['failing'].append(m.group(1))
            m = KTAP_CASE_RE.match(line)
            if m:
                status, name, directive, why = m.groups()
                kunit['seen'].add(name)
                name = '%s: %s' % (current[len('kunit/'):], name)
                if directive == 'SKIP':
                    add('skip', name, why, kunit_layer)
                else:
                    results[status] += 1
                    add(status, name, '', kunit_layer)
            continue

        m = TAP_RE.match(line)
        if m and current and not must_skip:
            status, name, directive, why = m.groups()
            name = '%s: %s' % (current, name)
            if directive == 'SKIP':
                add('skip', name, why)
            elif status == 'ok' or directive == 'XFAIL':
                results['ok'] += 1
                add('ok', name)
            else:
                results['not ok'] += 1
                add('not ok', name)

    if current:
        add('not ok', current + (' skips on the unpatched kernel' if must_skip else ''),
            'no END marker: the VM died or hung while it ran')
    if not done:
        add('not ok', layer + ': VM run', 'no "@@@ ALL DONE": hang, panic or timeout; see ' + log)

    for name, cases in layers.items():
        for status, case, comment in cases:
            print('\t'.join((x or '').replace('\t', ' ')
                            for x in (name, status, case, comment)))


if __name__ == '__main__':
    main()
