#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""po/POTFILES.in lists every file with translatable strings, and only files that exist (TAP)."""
import pathlib
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1]).resolve()
KEYWORDS = ['--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
            '--keyword=g_dngettext:2,3', '--keyword=ngettext:1,2']


def listed():
    names = []
    for line in (root / 'po' / 'POTFILES.in').read_text(encoding='utf-8').splitlines():
        line = line.strip()
        if line and not line.startswith('#'):
            names.append(line)
    return names


def has_strings(rel):
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / 'one.pot'
        subprocess.run(['xgettext', '--from-code=UTF-8', *KEYWORDS, '-o', str(out), rel],
                       cwd=root, check=True, capture_output=True)
        return out.exists() and 'msgid "' in out.read_text(encoding='utf-8').split('\n\n', 1)[-1]


candidates = []
for top in ['src', 'data']:
    for path in sorted((root / top).rglob('*')):
        if path.suffix in {'.c', '.h', '.ui'} or path.name.endswith(('.desktop.in',
                                                                      '.metainfo.xml.in',
                                                                      '.gschema.xml')):
            candidates.append(str(path.relative_to(root)))

names = listed()
missing = [rel for rel in candidates if rel not in names and has_strings(rel)]
stale = [rel for rel in names if not (root / rel).is_file()]
unsorted = names != sorted(names)

checks = [
    ('every file with translatable strings is in po/POTFILES.in', missing),
    ('every file in po/POTFILES.in exists', stale),
    ('po/POTFILES.in is sorted', ['not sorted'] if unsorted else []),
]
print(f'1..{len(checks)}')
failed = 0
for number, (name, problems) in enumerate(checks, 1):
    print(f'{"not ok" if problems else "ok"} {number} - {name}')
    for problem in problems:
        print(f'#   {problem}')
    failed += bool(problems)
sys.exit(1 if failed else 0)
