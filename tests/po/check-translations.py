#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Each language in po/LINGUAS translates every message of the sources: none untranslated, none
fuzzy, and msgfmt --check accepts it (format strings, headers). TAP."""
import pathlib
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1]).resolve()
po = root / 'po'
KEYWORDS = ['--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
            '--keyword=g_dngettext:2,3', '--keyword=ngettext:1,2']

languages = [word for line in (po / 'LINGUAS').read_text(encoding='utf-8').splitlines()
             if not line.lstrip().startswith('#') for word in line.split()]


checks = []
with tempfile.TemporaryDirectory() as tmp:
    pot = pathlib.Path(tmp) / 'quitter.pot'
    subprocess.run(['xgettext', '--from-code=UTF-8', '--add-comments=Translators', *KEYWORDS,
                    '-f', str(po / 'POTFILES.in'), '-o', str(pot)],
                   cwd=root, check=True, capture_output=True)
    for lang in languages:
        source = po / f'{lang}.po'
        if not source.exists():
            checks.append((f'{lang}: po/{lang}.po exists', ['missing']))
            continue
        merged = pathlib.Path(tmp) / f'{lang}.po'
        subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', str(merged),
                        str(source), str(pot)], check=True, capture_output=True)
        untranslated = subprocess.run(['msgattrib', '--untranslated', '--no-obsolete',
                                       str(merged)], capture_output=True, text=True,
                                      check=True).stdout
        fuzzy = subprocess.run(['msgattrib', '--only-fuzzy', '--no-obsolete', str(merged)],
                               capture_output=True, text=True, check=True).stdout
        missing = [e.strip().splitlines()[-2] for e in untranslated.split('\n\n')
                   if 'msgid ' in e and not e.lstrip().startswith('msgid ""')]
        fuzzies = [e.strip().splitlines()[-2] for e in fuzzy.split('\n\n')
                   if 'msgid ' in e and not e.lstrip().startswith('msgid ""')
                   and not e.lstrip().startswith('#, fuzzy\nmsgid ""')]
        check = subprocess.run(['msgfmt', '--check', '-o', '/dev/null', str(source)],
                               capture_output=True, text=True)
        checks.append((f'{lang}: every message is translated', missing))
        checks.append((f'{lang}: no message is fuzzy', fuzzies))
        checks.append((f'{lang}: msgfmt --check accepts po/{lang}.po',
                       check.stderr.strip().splitlines() if check.returncode else []))

if not languages:
    checks.append(('po/LINGUAS names at least one language', ['empty']))

print(f'1..{len(checks)}')
failed = 0
for number, (name, problems) in enumerate(checks, 1):
    print(f'{"not ok" if problems else "ok"} {number} - {name}')
    for problem in problems[:50]:
        print(f'#   {problem}')
    failed += bool(problems)
sys.exit(1 if failed else 0)
