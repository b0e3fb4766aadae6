#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Streaming and search of the client API, driven by Mastodon.py (its streams are
server-sent events) and by a small WebSocket client, against real quitter-node processes on
loopback.

Usage: test_streaming.py PATH-TO-QUITTER-NODE

Three nodes: alice's (the clients connect there), bob's (alice and bob follow each other)
and carol's (nobody follows her: search has to look her up). Events come from what bob's
node delivers and from alice's API calls. Prints TAP.
"""

import base64
import json
import os
import socket
import struct
import sys
import threading
import time
import zlib

from quitter_node import Node, check, http, mastodon, run, run_node, wait_for


class Fixture:
    pass


f = Fixture()
WAIT = 30


class Collector(mastodon.StreamListener):
    """Keeps every event a Mastodon.py stream delivers, for the test's thread to look at."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.events = []

    def add(self, name, value):
        with self.lock:
            self.events.append((name, value))

    def on_update(self, status):
        self.add("update", status)

    def on_status_update(self, status):
        self.add("status.update", status)

    def on_delete(self, status_id):
        self.add("delete", str(status_id))

    def on_notification(self, notification):
        self.add("notification", notification)

    def on_unknown_event(self, name, unknown_event=None):
        self.add(name, unknown_event)

    def snapshot(self):
        with self.lock:
            return list(self.events)

    def find(self, name, test=lambda value: True):
        return [value for event, value in self.snapshot() if event == name and test(value)]

    def wait(self, name, test, what):
        return wait_for(lambda: self.find(name, test), what, WAIT)[0]


def text_of(status):
    return status["content"] if status else ""


class Stream:
    """A Mastodon.py stream in its own thread (run_async), closed at the end."""

    def __init__(self, start):
        self.collector = Collector()
        self.handle = start(self.collector, run_async=True, timeout=300)
        f.streams.append(self)

    def close(self):
        self.handle.close()


class WebSocket:
    """Just enough of a WebSocket client (RFC 6455) for the node's /api/v1/streaming."""

    def __init__(self, node, path, headers=None):
        self.sock = socket.create_connection(("127.0.0.1", node.port), timeout=WAIT)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{node.port}",
                 "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
                 "Sec-WebSocket-Version: 13"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, self.buffer = data.partition(b"\r\n\r\n")
        head_lines = head.decode().split("\r\n")
        self.status = int(head_lines[0].split()[1])
        self.headers = {}
        for line in head_lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.messages = []
        self.closed = False

    def read_exactly(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def send_frame(self, opcode, payload):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, message):
        self.send_frame(0x1, json.dumps(message).encode())

    def read_message(self, seconds):
        """The next text message as JSON, None when @seconds pass or the socket closes."""
        self.sock.settimeout(seconds)
        try:
            while True:
                first, second = self.read_exactly(2)
                opcode, length = first & 0x0f, second & 0x7f
                if length == 126:
                    length = struct.unpack(">H", self.read_exactly(2))[0]
                elif length == 127:
                    length = struct.unpack(">Q", self.read_exactly(8))[0]
                payload = self.read_exactly(length)
                if opcode == 0x9:
                    self.send_frame(0xA, payload)
                elif opcode == 0x8:
                    self.closed = True
                    return None
                elif opcode == 0x1:
                    return json.loads(payload)
        except (socket.timeout, EOFError):
            return None

    def wait(self, test, what):
        deadline = time.time() + WAIT
        while time.time() < deadline:
            message = self.read_message(max(0.1, deadline - time.time()))
            if message is None:
                break
            self.messages.append(message)
            if test(message):
                return message
        raise AssertionError("timed out waiting until " + what)

    def close(self):
        self.sock.close()


def raw(node, path, token=None, headers=None):
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = "Bearer " + token
    status, response_headers, text = http("GET", node.base + path, headers=headers)
    try:
        return status, response_headers, json.loads(text)
    except ValueError:
        return status, response_headers, text


def row_of(node, uri):
    rows = node.query("SELECT id FROM statuses WHERE uri = ?", uri)
    return str(rows[0][0]) if rows else None


def payload_status(message):
    return json.loads(message["payload"]) if message.get("event") in ("update", "status.update") \
        else None


# ---- server-sent events, as Mastodon.py reads them ---------------------------------------------

@check
def health_says_ok():
    status, headers, body = raw(f.alice, "/api/v1/streaming/health")
    assert status == 200 and body == "OK", (status, body)
    assert f.api.stream_healthy()


@check
def user_stream_gets_posts_from_both_sides():
    # bob's post reaches alice's node by federation; alice's own through the API.
    bob_post = f.bob_api.status_post("Streaming hello from bob")
    update = f.user.collector.wait("update", lambda s: "Streaming hello from bob" in text_of(s),
                                   "alice's user stream has bob's post")
    assert update["account"]["acct"] == f.bob.handle, update["account"]
    assert update["uri"] == bob_post["uri"]
    own = f.api.status_post("Streaming hello from alice")
    mine = f.user.collector.wait("update", lambda s: s["uri"] == own["uri"],
                                 "alice's user stream has her own post")
    assert mine["account"]["username"] == "alice"
    assert "favourited" in mine, "the owner's stream carries the owner's view"
    f.public.collector.wait("update", lambda s: s["uri"] == own["uri"],
                            "the public stream has alice's public post")
    f.public.collector.wait("update", lambda s: s["uri"] == bob_post["uri"],
                            "the public stream has bob's public post")
    f.local.collector.wait("update", lambda s: s["uri"] == own["uri"],
                           "the local stream has alice's post")
    assert not f.local.collector.find("update", lambda s: s["uri"] == bob_post["uri"]), \
        "the local stream has only the node's own posts"


@check
def notifications_of_likes_mentions_and_follows():
    target = f.api.status_post("Like this, bob")
    row = wait_for(lambda: row_of(f.bob, target["uri"]), "bob's node has alice's post")
    f.bob_api.status_favourite(row)
    note = f.user.collector.wait("notification", lambda n: n["type"] == "favourite",
                                 "alice is told of bob's like")
    assert note["account"]["acct"] == f.bob.handle
    assert note["status"]["uri"] == target["uri"]
    f.notes.collector.wait("notification", lambda n: n["type"] == "favourite",
                           "the user:notification stream has it too")

    f.bob_api.status_post(f"@{f.alice.handle} are you streaming?")
    f.user.collector.wait("notification", lambda n: n["type"] == "mention",
                          "alice is told of bob's mention")

    # bob follows again: unfollow, then follow from bob's command line.
    result = run_node("unfollow", "--data-dir", f.bob.data, "@" + f.alice.handle)
    assert result.returncode == 0, result.stderr
    wait_for(lambda: f.alice.query("SELECT count(*) FROM followers")[0][0] == 0,
             "alice's node loses bob as a follower")
    result = run_node("follow", "--data-dir", f.bob.data, "@" + f.alice.handle)
    assert result.returncode == 0, result.stderr
    note = f.notes.collector.wait("notification", lambda n: n["type"] == "follow",
                                  "alice is told of bob's follow")
    assert note["account"]["acct"] == f.bob.handle
    assert not f.notes.collector.find("update"), "user:notification carries no posts"
    assert not f.public.collector.find("notification"), "public streams carry no notifications"


@check
def edits_and_deletions_from_both_sides():
    mine = f.api.status_post("Alice will edit this")
    f.user.collector.wait("update", lambda s: s["uri"] == mine["uri"], "alice's post streams")
    f.api.status_update(mine["id"], "Alice edited this")
    edited = f.user.collector.wait("status.update",
                                   lambda s: "Alice edited this" in text_of(s),
                                   "alice's edit streams as status.update")
    assert str(edited["id"]) == str(mine["id"]) and edited["edited_at"] is not None
    f.public.collector.wait("status.update", lambda s: "Alice edited this" in text_of(s),
                            "the public stream has the edit too")

    f.api.status_delete(mine["id"])
    f.user.collector.wait("delete", lambda i: i == str(mine["id"]),
                          "alice's deletion streams as delete")
    f.public.collector.wait("delete", lambda i: i == str(mine["id"]),
                            "the public stream has the deletion too")

    theirs = f.bob_api.status_post("Bob will edit this")
    row = wait_for(lambda: row_of(f.alice, theirs["uri"]), "alice's node has bob's post")
    f.bob_api.status_update(theirs["id"], "Bob edited this")
    edited = f.user.collector.wait("status.update", lambda s: "Bob edited this" in text_of(s),
                                   "bob's edit streams to alice")
    assert str(edited["id"]) == row
    f.bob_api.status_delete(theirs["id"])
    f.user.collector.wait("delete", lambda i: i == row, "bob's deletion streams to alice")


@check
def boosts_stream_to_the_user_stream_only():
    post = f.bob_api.status_post("Boost me, alice")
    row = wait_for(lambda: row_of(f.alice, post["uri"]), "alice's node has bob's post")
    reblog = f.api.status_reblog(row)
    update = f.user.collector.wait("update", lambda s: s.get("reblog") is not None and
                                   s["reblog"]["uri"] == post["uri"],
                                   "alice's boost streams to her user stream")
    assert str(update["id"]) == str(reblog["id"])
    time.sleep(1)
    assert not f.public.collector.find("update", lambda s: s.get("reblog") is not None), \
        "public streams carry no reblogs"


@check
def direct_posts_stay_off_public_streams():
    direct = f.api.status_post(f"@{f.bob.handle} a secret for you", visibility="direct")
    f.user.collector.wait("update", lambda s: s["uri"] == direct["uri"],
                          "the owner's user stream has the direct post")
    theirs = f.bob_api.status_post(f"@{f.alice.handle} a secret back #streamtag",
                                   visibility="direct")
    f.user.collector.wait("update", lambda s: s["uri"] == theirs["uri"],
                          "bob's direct post reaches alice's user stream")
    private = f.api.status_post("Followers only", visibility="private")
    f.user.collector.wait("update", lambda s: s["uri"] == private["uri"],
                          "the owner's user stream has the private post")
    marker = f.api.status_post("Public marker after the secrets")
    f.public.collector.wait("update", lambda s: s["uri"] == marker["uri"],
                            "the public stream went on")
    for stream in (f.public, f.local, f.tag):
        for status in stream.collector.find("update"):
            assert status["visibility"] == "public", status
            assert status["uri"] not in (direct["uri"], theirs["uri"], private["uri"])


@check
def hashtag_stream_has_tagged_public_posts():
    tagged = f.bob_api.status_post("Tagged post #StreamTag")
    f.bob_api.status_post("Untagged post streamtag")
    update = f.tag.collector.wait("update", lambda s: s["uri"] == tagged["uri"],
                                  "the hashtag stream has bob's tagged post")
    assert {t["name"] for t in update["tags"]} == {"streamtag"}
    marker = f.bob_api.status_post("Another #streamtag marker")
    f.tag.collector.wait("update", lambda s: s["uri"] == marker["uri"], "the marker arrives")
    for status in f.tag.collector.find("update"):
        assert "streamtag" in {t["name"] for t in status["tags"]}, status["content"]


@check
def bad_tokens_and_scopes_are_refused():
    status, headers, body = raw(f.alice, "/api/v1/streaming/user", "not-a-token")
    assert status == 401 and "error" in body, (status, body)
    status, _, body = raw(f.alice, "/api/v1/streaming/public")
    assert status == 401, (status, body)
    write_only = f.alice.token("write")
    status, _, body = raw(f.alice, "/api/v1/streaming/user", write_only)
    assert status == 403, (status, body)
    notes_only = f.alice.token("read:notifications")
    status, _, body = raw(f.alice, "/api/v1/streaming/user", notes_only)
    assert status == 403, (status, body)
    status, _, body = raw(f.alice, "/api/v1/streaming/hashtag", f.token)
    assert status == 400, (status, body)
    status, _, body = raw(f.alice, "/api/v1/streaming/nonsense", f.token)
    assert status == 404, (status, body)
    bad = mastodon.Mastodon(access_token="not-a-token", api_base_url=f.alice.base,
                            version_check_mode="none")
    try:
        bad.stream_user(Collector(), run_async=False, timeout=5)
    except mastodon.MastodonNetworkError:
        pass
    else:
        raise AssertionError("Mastodon.py streamed with a bad token")
    socket_ = WebSocket(f.alice, "/api/v1/streaming?stream=user&access_token=not-a-token")
    assert socket_.status == 401, socket_.status
    socket_.close()


# ---- WebSocket ---------------------------------------------------------------------------------

@check
def websocket_with_query_token_subscribes_and_unsubscribes():
    ws = WebSocket(f.alice, f"/api/v1/streaming?stream=public:local&access_token={f.token}")
    assert ws.status == 101, ws.status
    post = f.api.status_post("Over the WebSocket")
    message = ws.wait(lambda m: (payload_status(m) or {}).get("uri") == post["uri"],
                      "the WebSocket gets alice's post")
    assert message["stream"] == ["public:local"] and message["event"] == "update"
    assert isinstance(message["payload"], str)

    ws.send({"type": "subscribe", "stream": "hashtag", "tag": "WsTag"})
    ws.send({"type": "subscribe", "stream": "user:notification"})
    tagged = f.bob_api.status_post("Tagged for the socket #wstag")
    message = ws.wait(lambda m: (payload_status(m) or {}).get("uri") == tagged["uri"],
                      "the hashtag subscription delivers")
    assert message["stream"] == ["hashtag", "wstag"], message["stream"]

    ws.send({"type": "unsubscribe", "stream": "public:local"})
    ws.send({"type": "unsubscribe", "stream": "hashtag", "tag": "wstag"})
    time.sleep(0.5)
    quiet = f.api.status_post("Nobody on the socket hears this #wstag")
    # A notification afterwards proves the socket still works, and that nothing came first.
    row = wait_for(lambda: row_of(f.bob, quiet["uri"]), "bob's node has it")
    f.bob_api.status_favourite(row)
    message = ws.wait(lambda m: m.get("event") == "notification",
                      "the socket still gets notifications")
    assert message["stream"] == ["user:notification"]
    for earlier in ws.messages:
        assert (payload_status(earlier) or {}).get("uri") != quiet["uri"], earlier

    ws.send({"type": "subscribe", "stream": "nonsense"})
    error = ws.wait(lambda m: "error" in m, "an unknown stream is refused")
    assert error["status"] == 400, error
    ws.close()


@check
def websocket_with_protocol_token_and_deletes():
    ws = WebSocket(f.alice, "/api/v1/streaming?stream=user",
                   {"Sec-WebSocket-Protocol": f.token})
    assert ws.status == 101, ws.status
    assert ws.headers.get("sec-websocket-protocol") == f.token, ws.headers
    post = f.api.status_post("Delete me on the socket")
    ws.wait(lambda m: (payload_status(m) or {}).get("uri") == post["uri"], "the update")
    f.api.status_delete(post["id"])
    message = ws.wait(lambda m: m.get("event") == "delete", "the delete")
    assert message["payload"] == str(post["id"]) and message["stream"] == ["user"], message
    ws.close()

    ws = WebSocket(f.alice, "/api/v1/streaming?stream=user",
                   {"Sec-WebSocket-Protocol": f.alice.token("read:notifications")})
    assert ws.status == 403, ws.status
    ws.close()


@check
def list_stream_carries_its_members_posts():
    made = f.api.list_create("Just bob")
    f.api.list_accounts_add(made["id"], [f.bob_id])
    ws = WebSocket(f.alice, f"/api/v1/streaming?stream=list&list={made['id']}"
                            f"&access_token={f.token}")
    assert ws.status == 101, ws.status
    own = f.api.status_post("Alice is in no list of hers")
    listed = f.bob_api.status_post("For the list's readers")
    message = ws.wait(lambda m: (payload_status(m) or {}).get("uri") == listed["uri"],
                      "the list stream gets bob's post")
    assert message["stream"] == ["list", str(made["id"])], message["stream"]
    for earlier in ws.messages:
        assert (payload_status(earlier) or {}).get("uri") != own["uri"], earlier
    # Subscribing over the socket, with the id as a number, and to a list that is not there.
    ws.send({"type": "unsubscribe", "stream": "list", "list": str(made["id"])})
    ws.send({"type": "subscribe", "stream": "list", "list": int(made["id"])})
    ws.send({"type": "subscribe", "stream": "list", "list": "987654"})
    error = ws.wait(lambda m: "error" in m, "an unknown list is refused")
    assert error["status"] == 404, error
    again = f.bob_api.status_post("Still for the list")
    ws.wait(lambda m: (payload_status(m) or {}).get("uri") == again["uri"],
            "the list subscription made over the socket delivers")
    ws.close()
    f.api.list_delete(made["id"])


def tiny_png():
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\0" + b"\x80\x40\x20" * 4 for _ in range(3))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@check
def media_streams_have_posts_with_media_only():
    ws = WebSocket(f.alice, f"/api/v1/streaming?stream=public:media&access_token={f.token}")
    assert ws.status == 101, ws.status
    plain = f.api.status_post("No picture here")
    # The client API takes media on another branch: bob posts one from his command line, and
    # his node delivers it to alice's.
    png = os.path.join(f.parent, "dot.png")
    with open(png, "wb") as out:
        out.write(tiny_png())
    result = run_node("post", "--data-dir", f.bob.data, "--attach", png, "--alt", "A dot",
                      "A picture")
    assert result.returncode == 0, result.stderr
    message = ws.wait(lambda m: "A picture" in (payload_status(m) or {}).get("content", ""),
                      "the media stream has bob's post with media")
    assert message["stream"] == ["public:media"], message
    assert len(json.loads(message["payload"])["media_attachments"]) == 1
    for earlier in ws.messages:
        assert (payload_status(earlier) or {}).get("uri") != plain["uri"], earlier
    ws.close()


@check
def a_revoked_token_ends_its_streams():
    doomed = app_token()
    ws = WebSocket(f.alice, "/api/v1/streaming?stream=public&access_token=" + doomed)
    assert ws.status == 101, ws.status
    before = f.api.status_post("Before the revocation")
    ws.wait(lambda m: (payload_status(m) or {}).get("uri") == before["uri"],
            "an app-only token reads the public stream")
    status, _, body = http("POST", f.alice.base + "/oauth/revoke",
                           {"client_id": f.app["client_id"],
                            "client_secret": f.app["client_secret"],
                            "token": doomed})
    assert status == 200, (status, body)
    after = f.api.status_post("After the revocation")
    while not ws.closed:
        message = ws.read_message(WAIT)
        assert message is None or (payload_status(message) or {}).get("uri") != after["uri"], \
            "a revoked token still streams"
        if message is None:
            break
    assert ws.closed, "the node closes the stream of a revoked token"
    ws.close()
    f.public.collector.wait("update", lambda s: s["uri"] == after["uri"],
                            "other streams go on")


@check
def clients_that_hang_up_leave_the_others_served():
    for path in ("/api/v1/streaming/public", f"/api/v1/streaming?stream=public&access_token={f.token}"):
        sock = socket.create_connection(("127.0.0.1", f.alice.port), timeout=WAIT)
        upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" \
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" if "stream=" in path else ""
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     f"Authorization: Bearer {f.token}\r\n{upgrade}\r\n".encode())
        assert sock.recv(12) in (b"HTTP/1.1 200", b"HTTP/1.1 101")
        sock.close()
    for number in range(3):
        post = f.api.status_post(f"After the hang-ups, {number}")
        f.public.collector.wait("update", lambda s: s["uri"] == post["uri"], "public has it")
    assert f.api.stream_healthy()


# ---- search ------------------------------------------------------------------------------------

@check
def search_finds_local_accounts_statuses_and_hashtags():
    f.api.status_post("A findable sentence about zeppelins #Airships")
    found = f.api.search_v2("zeppelins", result_type="statuses")
    assert [s["content"] for s in found["statuses"]] and \
        all("zeppelins" in s["content"] for s in found["statuses"]), found
    found = f.api.search_v2("bob")
    assert f.bob.handle in [a["acct"] for a in found["accounts"]], found["accounts"]
    found = f.api.search_v2("alice", result_type="accounts")
    assert [a["acct"] for a in found["accounts"]] == ["alice"], found["accounts"]
    found = f.api.search_v2("airship", result_type="hashtags")
    assert [h["name"] for h in found["hashtags"]] == ["airships"], found["hashtags"]
    assert found["hashtags"][0]["url"].endswith("/tags/airships")
    assert found["accounts"] == [] and found["statuses"] == []
    found = f.api.search_v2("streamtag", result_type="hashtags")
    assert [h["name"] for h in found["hashtags"]] == ["streamtag"], found["hashtags"]
    # Others see public posts only.
    secret = f.api.status_post("zeppelins in private", visibility="private")
    status, _, body = raw(f.alice, "/api/v2/search?q=zeppelins&type=statuses",
                          f.alice_app_token)
    assert status == 200 and secret["uri"] not in [s["uri"] for s in body["statuses"]], body
    found = f.api.search_v2("zeppelins", result_type="statuses")
    assert secret["uri"] in [s["uri"] for s in found["statuses"]]
    # Filters: accounts followed, statuses of one account, limit and offset.
    # Mastodon.py 1.8 knows neither `following` nor `limit`: plain HTTP.
    status, _, body = raw(f.alice, "/api/v2/search?q=127.0.0.1&type=accounts&following=true",
                          f.token)
    assert [a["acct"] for a in body["accounts"]] == [f.bob.handle], body
    status, _, body = raw(f.alice, "/api/v2/search?q=zeppelins&type=statuses&account_id=" +
                          f.bob_id, f.token)
    assert status == 200 and body["statuses"] == [], body
    status, _, body = raw(f.alice, "/api/v2/search?q=zeppelins&type=statuses&account_id=1",
                          f.token)
    assert len(body["statuses"]) == 2, body
    page = raw(f.alice, "/api/v2/search?q=zeppelins&type=statuses&limit=1", f.token)[2]
    later = raw(f.alice, "/api/v2/search?q=zeppelins&type=statuses&limit=1&offset=1",
                f.token)[2]
    assert len(page["statuses"]) == 1 and len(later["statuses"]) == 1
    assert page["statuses"][0]["id"] != later["statuses"][0]["id"]
    older = raw(f.alice, "/api/v2/search?q=zeppelins&type=statuses&max_id=" +
                page["statuses"][0]["id"], f.token)[2]
    assert [s["id"] for s in older["statuses"]] == [later["statuses"][0]["id"]], older
    newer = raw(f.alice, "/api/v2/search?q=zeppelins&type=statuses&min_id=" +
                later["statuses"][0]["id"], f.token)[2]
    assert [s["id"] for s in newer["statuses"]] == [page["statuses"][0]["id"]], newer
    status, _, body = raw(f.alice, "/api/v2/search", f.token)
    assert status == 400 and "error" in body, (status, body)
    status, _, body = raw(f.alice, "/api/v2/search?q=x&type=toots", f.token)
    assert status == 400, (status, body)
    status, _, body = raw(f.alice, "/api/v2/search?q=x", f.alice.token("write"))
    assert status == 403, (status, body)
    status, _, body = raw(f.alice, "/api/v1/search?q=airships", f.token)
    assert status == 200 and body["hashtags"] == ["airships"], body


@check
def search_resolves_handles_and_urls_only_when_asked():
    handle = f.carol.handle
    found = f.api.search_v2(handle, resolve=False)
    assert found["accounts"] == [], found["accounts"]
    found = f.api.search_v2(handle, resolve=True)
    assert [a["acct"] for a in found["accounts"]] == [handle], found["accounts"]
    assert found["accounts"][0]["display_name"] == "Carol"

    post = f.carol_api.status_post("Carol's post, found by its address")
    found = f.api.search_v2(post["uri"], resolve=False)
    assert found["statuses"] == [], found["statuses"]
    assert row_of(f.alice, post["uri"]) is None
    found = f.api.search_v2(post["uri"], resolve=True)
    assert [s["uri"] for s in found["statuses"]] == [post["uri"]], found
    assert found["statuses"][0]["account"]["acct"] == handle
    found = f.api.search_v2(f.carol.base + "/users/carol", resolve=True, result_type="accounts")
    assert [a["acct"] for a in found["accounts"]] == [handle], found["accounts"]
    found = f.api.search_v2("nobody@127.0.0.1:1", resolve=True)
    assert found["accounts"] == [], found


@check
def logs_are_clean():
    # The node ends the streams when it stops (closing them here would wait for a heartbeat).
    for stream in f.streams:
        stream.handle.closed = True
    for node in (f.alice, f.bob, f.carol):
        log = node.stop()
        assert "CRITICAL" not in log and "Cannot stream" not in log, log[-3000:]
        assert f.token not in log


def follow(who, whom):
    result = run_node("follow", "--data-dir", who.data, "@" + whom.handle)
    assert result.returncode == 0, result.stderr
    wait_for(lambda: who.query("SELECT count(*) FROM following WHERE accepted = 1")[0][0] >= 1,
             f"{who.user} follows {whom.user}")


def app_token():
    token = json.loads(http("POST", f.alice.base + "/oauth/token",
                            {"grant_type": "client_credentials", "client_id": f.app["client_id"],
                             "client_secret": f.app["client_secret"], "scope": "read"})[2])
    return token["access_token"]


def setup(parent):
    f.parent = parent
    f.streams = []
    f.alice = Node(parent, "alice")
    f.bob = Node(parent, "bob")
    f.carol = Node(parent, "carol")
    follow(f.bob, f.alice)
    follow(f.alice, f.bob)
    f.token = f.alice.token()
    f.api = mastodon.Mastodon(access_token=f.token, api_base_url=f.alice.base,
                              version_check_mode="none")
    f.bob_api = mastodon.Mastodon(access_token=f.bob.token(), api_base_url=f.bob.base,
                                  version_check_mode="none")
    f.carol_api = mastodon.Mastodon(access_token=f.carol.token(), api_base_url=f.carol.base,
                                    version_check_mode="none")
    f.bob_id = str(f.alice.query("SELECT id + 1 FROM remote_actors WHERE username = 'bob'")[0][0])
    # An app-only token (client_credentials), as a client that did not sign in holds.
    app = json.loads(http("POST", f.alice.base + "/api/v1/apps",
                          {"client_name": "streaming test", "redirect_uris":
                           "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"})[2])
    f.app = app
    f.alice_app_token = app_token()
    f.user = Stream(f.api.stream_user)
    f.public = Stream(f.api.stream_public)
    f.local = Stream(f.api.stream_local)
    f.tag = Stream(lambda listener, **kwargs: f.api.stream_hashtag("StreamTag", listener,
                                                                   **kwargs))
    f.notes = Stream(lambda listener, **kwargs: f.api._Mastodon__stream(
        "/api/v1/streaming/user/notification", listener, **kwargs))


if __name__ == "__main__":
    sys.exit(run(setup))
