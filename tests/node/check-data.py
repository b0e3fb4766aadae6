#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""The node's man page and systemd user unit (TAP).

usage: check-data.py QUITTER-NODE MAN-PAGE UNIT-FILE
"""
import re
import subprocess
import sys
import tempfile

node, man_page, unit = sys.argv[1:4]
checks = []

groff = subprocess.run(['groff', '-man', '-ww', '-z', man_page], capture_output=True, text=True)
checks.append(('the man page renders without warnings',
               groff.stderr.strip().splitlines() or ([] if groff.returncode == 0 else ['failed'])))

help_text = subprocess.run([node, '--help'], capture_output=True, text=True,
                           env={'LC_ALL': 'C.UTF-8', 'LANGUAGE': 'en'}).stdout
commands = re.findall(r'^  (\w+)\s{2,}', help_text.split('Commands:', 1)[-1], re.M)
page = open(man_page, encoding='utf-8').read()
missing = [c for c in commands if f'.B {c}\n' not in page and f'quitter-node {c}' not in page]
checks.append(('the man page documents every command of --help',
               missing if commands else ['--help lists no commands']))

with tempfile.NamedTemporaryFile('w', suffix='.service', prefix='quitter-node-',
                                 delete=False) as copy:
    text = open(unit, encoding='utf-8').read()
    copy.write(re.sub(r'^ExecStart=\S+', f'ExecStart={node}', text, flags=re.M))
verify = subprocess.run(['systemd-analyze', 'verify', '--man=no', copy.name],
                        capture_output=True, text=True)
checks.append(('systemd-analyze verify accepts the user unit',
               (verify.stderr.strip().splitlines() or ['failed']) if verify.returncode or
               verify.stderr.strip() else []))

print(f'1..{len(checks)}')
failed = 0
for number, (name, problems) in enumerate(checks, 1):
    print(f'{"not ok" if problems else "ok"} {number} - {name}')
    for problem in problems:
        print(f'#   {problem}')
    failed += bool(problems)
sys.exit(1 if failed else 0)
