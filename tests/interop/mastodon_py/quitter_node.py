# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the Mastodon.py tests share, on top of ../quitter_interop.py (real quitter-node
processes, waiting, TAP): Mastodon.py signed in with a node's token, plain HTTP, the node's
sign-in page driven as a browser would, and a runner of checks.

A test file registers its checks with @check, then calls run(setup) from its main: setup
starts the nodes it needs (Node(...)), and every node started is stopped at the end.
"""

import base64
import hashlib
import html.parser
import os
import secrets
import shutil
import sys
import tempfile
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

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import quitter_interop  # noqa: E402
from quitter_interop import free_port, png  # noqa: E402,F401  (re-exported)

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


def run_node(*args, stdin=None):
    return quitter_interop.run_node(NODE, *args, stdin=stdin, timeout=60)


def wait_for(condition, what, seconds=30):
    """Polls @condition until it returns something true; fails after @seconds."""
    return quitter_interop.wait_until(what, condition, seconds, longest_pause=0.1)


class Node(quitter_interop.Node):
    """The owner @user's quitter-node, started, with its own data folder in @parent (and a
    password for the sign-in page, if given); its debug messages go to its log too."""

    def __init__(self, parent, user, password=None):
        super().__init__(NODE, os.path.join(parent, user), os.path.join(parent, user + ".log"),
                         user, debug=True)
        self.init("--display-name", user.capitalize())
        if password is not None:
            self.cli("password", stdin=password + "\n")
        nodes.append(self)
        self.start(timeout=30)

    def tokens_issued(self):
        return self.query("SELECT count(*) FROM oauth_tokens")[0][0]

    def token(self, scopes="read write follow push"):
        """A token for the owner, minted by `quitter-node token`."""
        return self.cli("token", "--scopes", scopes).strip()

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
    exit status. A check that fails prints its traceback (or its Failure) as TAP comments."""
    if NODE is None:
        print(f"Bail out! Usage: {os.path.basename(sys.argv[0])} PATH-TO-QUITTER-NODE")
        return 1
    parent = tempfile.mkdtemp(prefix="quitter-mastodon-py-")
    failed = 0
    try:
        setup(parent)
        print(f"1..{len(checks)}")
        for number, function in enumerate(checks, 1):
            problems = quitter_interop.attempt(function)
            failed += bool(problems)
            quitter_interop.tap_result(number, function.__name__, problems)
    finally:
        for node in nodes:
            node.kill()
        shutil.rmtree(parent, ignore_errors=True)
    return 1 if failed else 0
