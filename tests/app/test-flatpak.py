#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Check the Flatpak manifest: identity, runtime, sandbox holes and the app module.

Usage: test-flatpak.py PATH/TO/io.github.quitter.Quitter.json
Prints TAP and exits non-zero when any check fails.
"""

import json
import os
import sys

APP_ID = "io.github.quitter.Quitter"

REQUIRED_FINISH_ARGS = [
    "--share=network",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--talk-name=org.freedesktop.secrets",
    "--talk-name=org.freedesktop.Notifications",
]

# Holes the app has no business opening.
FORBIDDEN_FINISH_ARGS = [
    "--socket=x11",
    "--filesystem=host",
    "--filesystem=home",
]


class Tap:
    def __init__(self):
        self.results = []

    def check(self, ok, name, diag=None):
        self.results.append((bool(ok), name, diag))
        return bool(ok)

    def finish(self):
        print("1..%d" % len(self.results))
        failed = 0
        for number, (ok, name, diag) in enumerate(self.results, start=1):
            print("%s %d - %s" % ("ok" if ok else "not ok", number, name))
            if not ok:
                failed += 1
                if diag:
                    for line in str(diag).splitlines():
                        print("# " + line)
        return 1 if failed else 0


def filesystem_target(arg):
    """'--filesystem=home:ro' -> 'home'; None when arg is not a --filesystem."""
    prefix = "--filesystem="
    if not arg.startswith(prefix):
        return None
    target = arg[len(prefix):]
    for suffix in (":ro", ":rw", ":create"):
        if target.endswith(suffix):
            target = target[: -len(suffix)]
    return target.rstrip("/")


def is_quitter_root(path):
    """True when path holds the meson.build that declares project('quitter', ...)."""
    try:
        with open(os.path.join(path, "meson.build"), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return False
    return "project('quitter'" in text


def main(argv):
    tap = Tap()

    if len(argv) != 2:
        tap.check(False, "called with the manifest path", "usage: %s MANIFEST" % argv[0])
        return tap.finish()

    manifest_path = os.path.abspath(argv[1])
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
        parsed = isinstance(manifest, dict)
        diag = None if parsed else "top level is not an object"
    except (OSError, ValueError) as e:
        manifest, parsed, diag = None, False, e
    if not tap.check(parsed, "manifest parses as a JSON object", diag):
        return tap.finish()

    app_id = manifest.get("app-id", manifest.get("id"))
    tap.check(app_id == APP_ID, "app-id is " + APP_ID, "got %r" % (app_id,))

    command = manifest.get("command")
    tap.check(command == "quitter", "command is quitter", "got %r" % (command,))

    runtime, sdk = manifest.get("runtime"), manifest.get("sdk")
    tap.check(runtime == "org.gnome.Platform" and sdk == "org.gnome.Sdk",
              "runtime is org.gnome.Platform with sdk org.gnome.Sdk",
              "got runtime %r, sdk %r" % (runtime, sdk))

    finish_args = manifest.get("finish-args", [])
    if not isinstance(finish_args, list):
        finish_args = []
    finish_args = [a for a in finish_args if isinstance(a, str)]
    for arg in REQUIRED_FINISH_ARGS:
        tap.check(arg in finish_args, "finish-args contain " + arg)
    tap.check("--socket=x11" not in finish_args,
              "finish-args do not open the plain X11 socket")
    broad = [a for a in finish_args
             if filesystem_target(a) in ("host", "home", "~", "host-os", "host-etc")]
    tap.check(not broad, "finish-args give no host or home filesystem access",
              "found " + ", ".join(broad))

    modules = manifest.get("modules")
    if not isinstance(modules, list):
        modules = []
    last = modules[-1] if modules and isinstance(modules[-1], dict) else {}
    tap.check(last.get("name") == "quitter", "last module is named quitter",
              "got %r" % (last.get("name"),))
    tap.check(last.get("buildsystem") == "meson", "last module builds with meson",
              "got %r" % (last.get("buildsystem"),))

    sources = last.get("sources")
    if not isinstance(sources, list):
        sources = []
    dirs = [s for s in sources if isinstance(s, dict) and s.get("type") == "dir"]
    ok = len(dirs) == 1 and isinstance(dirs[0].get("path"), str)
    diag = "expected one source of type dir, got %r" % (sources,)
    if ok:
        manifest_dir = os.path.dirname(manifest_path)
        source_dir = os.path.realpath(os.path.join(manifest_dir, dirs[0]["path"]))
        ok = is_quitter_root(source_dir)
        diag = "dir source resolves to %s, which holds no meson.build for quitter" % source_dir
    tap.check(ok, "quitter module's source is a dir at the repository root", diag)

    return tap.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
