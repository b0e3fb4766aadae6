# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the Mastodon.py tests share: real quitter-node processes on loopback, plain HTTP,
the node's sign-in page driven as a browser would, and a TAP runner.

A test file registers its checks with @check, then calls run(setup) from its main: setup
starts the nodes it needs (Node(...)), and every node started is stopped at the end.
"""

import base64
import hashlib
import html.parser
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

try:
    import mastodon  # noqa: F401  (re-exported for the test files)
    from mastodon import Mastodon
except ImportError:
    print("Bail out! Mastodon.py is missing: install Debian's python3-mastodon "
          "(build-aux/quitter.sh deps does) and run this with /usr/bin/python3")
    sys.exit(1)

NODE = sys.argv[1] if len(sys.argv) > 1 else None
PASSWORD = "correct horse battery staple"
SCOPES = ["read", "write", "follow", "push"]
INVALID_TOKEN = "The access token is invalid"
OUT_OF_SCOPE = "This action is outside the authorized scopes"

checks = []
nodes = []


def check(function):
    checks.append(function)
    return function


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_node(*args, stdin=None):
    return subprocess.run([NODE, *args], input=stdin, capture_output=True, text=True,
                          timeout=60)


def wait_for(condition, what, seconds=30):
    """Polls @condition until it returns something true; fails after @seconds."""
    deadline = time.time() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.time() < deadline, "timed out waiting until " + what
        time.sleep(0.1)


class Node:
    """A quitter-node process with its own data folder, federating over loopback."""

    def __init__(self, parent, user, password=None):
        self.user = user
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.handle = f"{user}@127.0.0.1:{self.port}"
        self.data = os.path.join(parent, user)
        self.log = open(os.path.join(parent, user + ".log"), "w+")
        result = run_node("init", "--data-dir", self.data, "--base-url", self.base,
                          "--user", user, "--display-name", user.capitalize())
        assert result.returncode == 0, result.stderr
        conf = os.path.join(self.data, "node.conf")
        with open(conf) as f:
            text = f.read()
        with open(conf, "w") as f:
            f.write(text.replace("allow_private_addresses=false", "allow_private_addresses=true"))
        if password is not None:
            result = run_node("password", "--data-dir", self.data, stdin=password + "\n")
            assert result.returncode == 0, result.stderr
        env = dict(os.environ, G_MESSAGES_DEBUG="all")
        # Everything it prints, debug messages included, goes to the log, read at the end.
        self.process = subprocess.Popen([NODE, "run", "--data-dir", self.data, "--port",
                                         str(self.port)], stdout=self.log,
                                        stderr=subprocess.STDOUT, text=True, env=env)
        nodes.append(self)
        deadline = time.time() + 30
        while "Serving" not in self.read_log():
            assert time.time() < deadline and self.process.poll() is None, self.read_log()
            time.sleep(0.05)

    def read_log(self):
        with open(self.log.name) as log:
            return log.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        return self.read_log()

    def query(self, sql, *params):
        """Rows of a read-only query of the node's node.db."""
        db = sqlite3.connect(f"file:{os.path.join(self.data, 'node.db')}?mode=ro", uri=True)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def tokens_issued(self):
        return self.query("SELECT count(*) FROM oauth_tokens")[0][0]

    def token(self, scopes="read write follow push"):
        """A token for the owner, minted by `quitter-node token`."""
        result = run_node("token", "--data-dir", self.data, "--scopes", scopes)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def client(self, scopes="read write follow push"):
        """Mastodon.py signed in as the owner with a token of @scopes."""
        return Mastodon(access_token=self.token(scopes), api_base_url=self.base,
                        version_check_mode="none")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


opener = urllib.request.build_opener(NoRedirect)


def http(method, url, data=None, headers=None, raw=None):
    """Returns (status, headers, body text), whatever the status. @data is sent as a form,
    @raw as it is."""
    body = urllib.parse.urlencode(data).encode() if data is not None else raw
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


class FormParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}
        self.action = None
        self.alert = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs.get("action")
        if tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")
        if attrs.get("role") == "alert":
            self.alert = True


def parse_form(page):
    parser = FormParser()
    parser.feed(page)
    return parser


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return verifier, challenge


def api_error(call):
    """Runs @call, which must fail: returns (HTTP status, the error's text)."""
    try:
        call()
    except mastodon.MastodonAPIError as error:
        return error.args[1], error.args[3]
    raise AssertionError("the call succeeded")


def run(setup):
    """Runs @setup, then every check in order, printing TAP; stops every node. Returns the
    exit status. A check that fails prints its traceback as TAP comments."""
    if NODE is None:
        print(f"Bail out! Usage: {os.path.basename(sys.argv[0])} PATH-TO-QUITTER-NODE")
        return 1
    parent = tempfile.mkdtemp(prefix="quitter-mastodon-py-")
    failed = 0
    try:
        setup(parent)
        print(f"1..{len(checks)}")
        for number, function in enumerate(checks, 1):
            try:
                function()
                print(f"ok {number} - {function.__name__}")
            except Exception:
                failed += 1
                print(f"not ok {number} - {function.__name__}")
                for line in traceback.format_exc().splitlines():
                    print("# " + line)
            sys.stdout.flush()
    finally:
        for node in nodes:
            if node.process.poll() is None:
                node.process.kill()
        shutil.rmtree(parent, ignore_errors=True)
    return 1 if failed else 0
