#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""House rules of the source tree (DESIGN.md), as TAP.

- Nothing under src/ but src/app includes GTK, GDK or libadwaita, nor lists them in its meson.build.
- The client never includes a node header, the node never a client or app header, and the
  lower layers never reach up.
- Every source file carries an SPDX licence line.
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.').resolve()
src = root / 'src'
results = []

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
GTK_HEADER = re.compile(r'^(gtk/|gdk/|gsk/|adwaita\.h|libadwaita)')
LAYERS = ['core', 'federation', 'node', 'client', 'app']
# Which layers each one may include from (besides itself); see DESIGN.md.
ALLOWED = {
    'core': set(),
    'federation': {'core'},
    'node': {'federation', 'core'},
    'client': {'core'},
    'app': {'client', 'core', 'node'},
}


def headers_of(layer):
    return {p.name: layer for p in (src / layer).glob('*.h')}


owner = {}
for layer in LAYERS:
    if (src / layer).is_dir():
        owner.update(headers_of(layer))


def check(name, problems):
    results.append((name, problems))


gtk_problems = []
layer_problems = []
for layer in LAYERS:
    folder = src / layer
    if not folder.is_dir():
        layer_problems.append(f'src/{layer} is missing')
        continue
    for path in sorted(folder.rglob('*.[ch]')):
        text = path.read_text(encoding='utf-8')
        rel = path.relative_to(root)
        for header in INCLUDE.findall(text):
            if layer != 'app' and GTK_HEADER.match(header):
                gtk_problems.append(f'{rel} includes <{header}>')
            home = owner.get(pathlib.PurePath(header).name)
            if home and home != layer and home not in ALLOWED[layer]:
                if layer == 'app' and home == 'node' and header != 'qtr-node.h':
                    layer_problems.append(f'{rel} includes the node header {header}; '
                                          'the app may use only qtr-node.h')
                elif not (layer == 'app' and home == 'node'):
                    layer_problems.append(f'{rel} ({layer}) includes {header} from {home}')
    if layer != 'app':
        build = (folder / 'meson.build').read_text(encoding='utf-8')
        deps = re.search(r'_deps\s*=\s*\[([^\]]*)\]', build)
        if deps and re.search(r'\b(gtk_dep|adw_dep)\b', deps.group(1)):
            gtk_problems.append(f'src/{layer}/meson.build lists GTK or libadwaita')

check('nothing below src/app includes or links GTK or libadwaita', gtk_problems)
check('layers include only the layers below them', layer_problems)

SOURCE_SUFFIXES = {'.c', '.h', '.py', '.sh', '.ui', '.xml', '.css', '.in', '.build', '.svg', '.mjs'}
spdx_problems = []
for top in ['src', 'data', 'tests', 'build-aux', 'bench', 'po', '.ci']:
    base = root / top
    if not base.is_dir():
        continue
    for path in sorted(base.rglob('*')):
        if not path.is_file():
            continue
        if path.suffix not in SOURCE_SUFFIXES and path.name not in {'run', 'LINGUAS'}:
            continue
        if 'data' in path.relative_to(root).parts[:1] and path.parent.name == 'screenshots':
            continue
        if 'node_modules' in path.relative_to(root).parts:
            continue  # third-party npm packages, installed by npm ci for the interop test
        head = path.read_text(encoding='utf-8', errors='replace')[:2048]
        if 'SPDX-License-Identifier:' not in head:
            spdx_problems.append(str(path.relative_to(root)))
for name in ['meson.build']:
    if 'SPDX-License-Identifier:' not in (root / name).read_text(encoding='utf-8')[:512]:
        spdx_problems.append(name)
check('every source file has an SPDX licence line', spdx_problems)

print(f'1..{len(results)}')
failed = 0
for number, (name, problems) in enumerate(results, 1):
    if problems:
        failed += 1
        print(f'not ok {number} - {name}')
        for problem in problems:
            print(f'#   {problem}')
    else:
        print(f'ok {number} - {name}')
sys.exit(1 if failed else 0)
