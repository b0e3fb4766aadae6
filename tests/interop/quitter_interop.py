# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every interop test shares: real quitter-node processes on loopback, waiting with a
deadline, and TAP output.

Plain Python, nothing to install: test-fedify.py runs it with whichever python3 meson finds,
and the Mastodon.py tests (mastodon_py/quitter_node.py) build on it.
"""

import os
import re
import socket
import sqlite3
import struct
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request
import zlib


class Failure(AssertionError):
    """A check that did not hold; its text says what was wrong. An AssertionError, so that a
    test written with `assert` takes it as one of its own."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def wait_until(what, predicate, timeout, longest_pause=0.25):
    """Polls @predicate until it returns something true, and returns that; raises Failure
    after @timeout seconds. The pause between polls grows from 0.05 s to @longest_pause."""
    deadline = time.monotonic() + timeout
    delay = min(0.05, longest_pause)
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure(f'timed out after {timeout:.0f} s waiting for: {what}')
        time.sleep(delay)
        delay = min(delay * 2, longest_pause)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def png(width, height, extra=b'', rgb=(0x80, 0x80, 0x80)):
    """A real PNG of @width×@height pixels of the colour @rgb, with @extra bytes in a private
    chunk if any."""
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    rows = b''.join(b'\x00' + bytes(rgb) * width for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n' +
            chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) +
            (chunk(b'prVt', extra) if extra else b'') +
            chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


# The node's CLI output is read by the tests: in English, whatever the machine's locale.
ENGLISH = {'LANGUAGE': 'en', 'LC_ALL': 'C.UTF-8'}


def run_node(executable, *args, stdin=None, timeout=60):
    """Runs `quitter-node ARGS` to its end; returns the subprocess.CompletedProcess."""
    return subprocess.run([executable, *args], input=stdin, capture_output=True, text=True,
                          env=dict(os.environ, **ENGLISH), timeout=timeout)


def stop_process(process, timeout):
    """Stops @process, if it was started and still runs: SIGTERM, then SIGKILL if it is not
    gone @timeout seconds later."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Node:
    """A quitter-node process with a data folder of its own, federating over loopback.

    Made in three steps: Node(...) picks a free port, init() makes the data folder (with
    allow_private_addresses on, since every peer lives on 127.0.0.1), start() runs the node
    and waits until it answers HTTP. Its output, debug messages included when @debug, goes to
    @log_path. query() reads node.db beside it, read-only.
    """

    rows_as_dicts = False   # query() gives tuples; a subclass may want dicts instead
    cli_timeout = 60

    def __init__(self, executable, data, log_path, user, debug=False):
        self.executable = executable
        self.data = data
        self.log_path = log_path
        self.user = user
        self.debug = debug
        self.port = free_port()
        self.base = f'http://127.0.0.1:{self.port}'
        self.actor = f'{self.base}/users/{user}'
        self.handle = f'{user}@127.0.0.1:{self.port}'
        self.process = None

    def cli(self, command, *args, stdin=None):
        """Runs `quitter-node COMMAND --data-dir DATA ARGS`; returns its standard output, or
        raises Failure with its error output if it failed."""
        result = run_node(self.executable, command, '--data-dir', self.data, *args,
                          stdin=stdin, timeout=self.cli_timeout)
        if result.returncode != 0:
            raise Failure(f'quitter-node {command} {" ".join(args)} failed '
                          f'({result.returncode}): {result.stderr.strip()}')
        return result.stdout

    def init(self, *args):
        """`quitter-node init` with the node's base URL and user, and @args; then allows
        private addresses in node.conf."""
        self.cli('init', '--base-url', self.base, '--user', self.user, *args)
        conf_path = os.path.join(self.data, 'node.conf')
        with open(conf_path, encoding='utf-8') as file:
            conf = file.read()
        conf, count = re.subn(r'^allow_private_addresses=.*$', 'allow_private_addresses=true',
                              conf, flags=re.M)
        check(count == 1, 'node.conf has no allow_private_addresses line to change')
        with open(conf_path, 'w', encoding='utf-8') as file:
            file.write(conf)

    def start(self, timeout):
        """Runs the node on its port; returns once it answers HTTP, or raises Failure if it
        exited or did not answer within @timeout seconds."""
        env = dict(os.environ, **ENGLISH)
        if self.debug:
            env['G_MESSAGES_DEBUG'] = 'all'
        with open(self.log_path, 'w', encoding='utf-8') as log:
            self.process = subprocess.Popen([self.executable, 'run', '--data-dir', self.data,
                                             '--port', str(self.port)],
                                            stdout=log, stderr=subprocess.STDOUT, env=env)
        wait_until('quitter-node to listen', lambda: self.exited() or self.answers(), timeout)
        check(not self.exited(), f'quitter-node run exited: {self.read_log()}')

    def exited(self):
        return self.process.poll() is not None

    def answers(self):
        try:
            with urllib.request.urlopen(f'{self.base}/.well-known/nodeinfo', timeout=2):
                return True
        except (OSError, urllib.error.URLError):
            return False

    def read_log(self):
        with open(self.log_path, encoding='utf-8', errors='replace') as file:
            return file.read()

    def stop(self, timeout=30):
        """Stops the node (killed if it is not gone @timeout seconds after SIGTERM); returns
        its log."""
        stop_process(self.process, timeout)
        return self.read_log()

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()

    def query(self, sql, *params):
        """Rows of node.db, opened read-only beside the running node: tuples, or dicts when
        rows_as_dicts."""
        db = sqlite3.connect(f'file:{os.path.join(self.data, "node.db")}?mode=ro', uri=True,
                             timeout=5)
        try:
            if self.rows_as_dicts:
                db.row_factory = sqlite3.Row
                return [dict(row) for row in db.execute(sql, params)]
            return db.execute(sql, params).fetchall()
        finally:
            db.close()


def attempt(step, *args):
    """Runs step(*args); returns None if it went well, else the lines that say what went
    wrong: a Failure's text, or the traceback of anything else."""
    try:
        step(*args)
        return None
    except Failure as error:
        return str(error).splitlines()
    except Exception:  # a broken answer: say where, and go on
        return traceback.format_exc().splitlines()


def tap_comment(lines, last=40):
    """Prints the @last of @lines (a list, or a text) as TAP comments."""
    if isinstance(lines, str):
        lines = lines.rstrip().splitlines()
    for line in lines[-last:]:
        print(f'#   {line}')


def tap_result(number, name, problems, note=None, last=40):
    """Prints subtest @number's TAP line (with @note after its name if it passed) and, if
    @problems, the @last of those as comments."""
    if problems:
        print(f'not ok {number} - {name}')
        tap_comment(problems, last)
    else:
        print(f'ok {number} - {name}' + (f' ({note})' if note else ''))
    sys.stdout.flush()
