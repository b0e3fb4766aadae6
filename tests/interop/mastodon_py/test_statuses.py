#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Statuses, timelines and notifications of the client API, driven by Mastodon.py against
real quitter-node processes on loopback.

Usage: test_statuses.py PATH-TO-QUITTER-NODE

Three nodes: alice's (the client signs in there), bob's (alice and bob follow each other, so
posts, replies, likes and boosts cross the federation both ways) and carol's (nobody follows
her: her post reaches alice only through a boost, and must stay out of alice's home). Every
refusal is checked for what it leaves behind: nothing stored. Prints TAP.
"""

import json
import os
import re
import sys
import time
import urllib.parse

from quitter_node import (Node, api_error, check, http, mastodon, png, run, run_node,
                          wait_for)


class Fixture:
    pass


f = Fixture()
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
STATUS_KEYS = {"id", "uri", "url", "created_at", "edited_at", "account", "content",
               "spoiler_text", "sensitive", "visibility", "language", "in_reply_to_id",
               "in_reply_to_account_id", "reblog", "media_attachments", "mentions", "tags",
               "emojis", "card", "poll", "replies_count", "reblogs_count", "favourites_count",
               "favourited", "reblogged", "bookmarked", "muted"}


def raw(node, method, path, token=None, data=None, headers=None, body=None):
    """(status, headers, parsed JSON or text) of a request with a bearer token."""
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = "Bearer " + token
    status, response_headers, text = http(method, node.base + path, data, headers, body)
    try:
        return status, response_headers, json.loads(text)
    except ValueError:
        return status, response_headers, text


def count_statuses(node):
    return node.query("SELECT count(*) FROM statuses")[0][0]


def row_of(node, uri):
    rows = node.query("SELECT id FROM statuses WHERE uri = ?", uri)
    return str(rows[0][0]) if rows else None


def arrives(node, uri, what):
    return wait_for(lambda: row_of(node, uri), what)


def ids(statuses):
    return [str(s["id"]) for s in statuses]


def stringify_ids(value):
    """Mastodon.py turns the string ids it reads into numbers; back to the strings sent, in
    place, so that pages keep what fetch_next needs."""
    if isinstance(value, dict):
        for key, item in value.items():
            if (key == "id" or key.endswith("_id")) and isinstance(item, int) and \
                    not isinstance(item, bool):
                value[key] = str(item)
            else:
                stringify_ids(item)
    elif isinstance(value, list):
        for item in value:
            stringify_ids(item)
    return value


class Api:
    """Mastodon.py, with the ids of what it returns as the node sent them."""

    def __init__(self, node, token):
        self.api = mastodon.Mastodon(access_token=token, api_base_url=node.base,
                                     version_check_mode="none")

    def __getattr__(self, name):
        method = getattr(self.api, name)
        return lambda *args, **kwargs: stringify_ids(method(*args, **kwargs))


# ---- statuses --------------------------------------------------------------------------------

@check
def post_returns_a_mastodon_status():
    status, _, body = raw(f.alice, "POST", "/api/v1/statuses", f.token,
                          {"status": "Hello #Quitter world", "language": "en",
                           "spoiler_text": "", "visibility": "public"})
    assert status == 200, body
    assert STATUS_KEYS <= set(body), STATUS_KEYS - set(body)
    assert isinstance(body["id"], str) and body["id"] == row_of(f.alice, body["uri"])
    assert ISO_MS.match(body["created_at"]), body["created_at"]
    assert body["edited_at"] is None and body["reblog"] is None and body["poll"] is None
    assert body["account"]["id"] == "1" and body["account"]["username"] == "alice"
    assert "Hello" in body["content"] and body["visibility"] == "public"
    assert body["language"] == "en" and body["in_reply_to_id"] is None
    assert body["tags"] == [{"name": "quitter",
                             "url": f.alice.base + "/tags/quitter"}], body["tags"]
    assert body["favourited"] is False and body["pinned"] is False
    assert (body["replies_count"], body["reblogs_count"], body["favourites_count"]) == (0, 0, 0)
    f.hello = body
    # It federates as `quitter-node post` does: bob, a follower, gets it.
    arrives(f.bob, body["uri"], "bob's node has alice's post")


@check
def idempotency_key_gives_the_same_status():
    before = count_statuses(f.alice)
    first = f.api.status_post("Once only", idempotency_key="key-1")
    again = f.api.status_post("Once only", idempotency_key="key-1")
    assert first["id"] == again["id"], (first["id"], again["id"])
    assert count_statuses(f.alice) == before + 1
    other = f.api.status_post("Once only", idempotency_key="key-2")
    assert other["id"] != first["id"]
    assert f.alice.query("SELECT count(*) FROM idempotency_keys")[0][0] == 2


@check
def text_is_counted_as_mastodon_counts_it():
    url = "https://example.org/" + "a" * 200
    # 477 letters, a space and a link of 23: 501.
    status, _, body = raw(f.alice, "POST", "/api/v1/statuses", f.token,
                          {"status": "x" * 477 + " " + url})
    assert status == 422, body
    assert body["error"] == "Validation failed: Text character limit of 500 exceeded", body
    status, _, body = raw(f.alice, "POST", "/api/v1/statuses", f.token,
                          {"status": "x" * 476 + " " + url})
    assert status == 200, body
    # A mention counts only its local part.
    mention = f"@bob@127.0.0.1:{f.bob.port}"
    status, _, body = raw(f.alice, "POST", "/api/v1/statuses", f.token,
                          {"status": mention + " " + "y" * (500 - len("@bob "))})
    assert status == 200, body
    assert [m["acct"] for m in body["mentions"]] == [f"bob@127.0.0.1:{f.bob.port}"]
    status, _, body = raw(f.alice, "POST", "/api/v1/statuses", f.token,
                          {"status": "z" * 501})
    assert status == 422, body


@check
def refused_posts_store_nothing():
    before = count_statuses(f.alice)
    cases = [
        ({"status": ""}, 422, "Validation failed: Text can't be blank"),
        ({"status": "   "}, 422, "Validation failed: Text can't be blank"),
        ({"status": "hi", "visibility": "everyone"}, 422,
         "Validation failed: Visibility is not included in the list"),
        ({"status": "hi", "media_ids[]": ["1", "2", "3", "4", "5"]}, 422,
         "Cannot attach more than 4 files"),
        ({"status": "hi", "poll[options][]": ["a"], "poll[expires_in]": "600"}, 422,
         "Validation failed: Poll must have at least 2 options"),
        ({"status": "hi", "in_reply_to_id": "999999"}, 404, "Record not found"),
        ({"status": "hi", "media_ids[]": ["abc"]}, 422, None),
    ]
    for data, want, message in cases:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        status, _, answer = raw(f.alice, "POST", "/api/v1/statuses", f.token, body=body,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == want, (data, status, answer)
        assert message is None or answer["error"] == message, (data, answer)
    # A poll in JSON that never closes, and bodies that do not parse.
    for content_type, body, want in [
            ("application/json", b'{"status": "hi", "poll": {"options": ["a", "b"]}}', 422),
            ("application/json", b'{"status": "hi"', 400),
            ("application/json", b'["status"]', 400),
            ("application/x-www-form-urlencoded", b"status=%FF%FE", 400),
            ("text/plain", b"status=hi", 415)]:
        status, _, answer = raw(f.alice, "POST", "/api/v1/statuses", f.token, body=body,
                                headers={"Content-Type": content_type})
        assert status == want, (body, status, answer)
        assert "error" in answer, answer
    assert count_statuses(f.alice) == before
    # Mastodon.py refuses to send an unknown visibility; JSON can.
    status, _, answer = raw(f.alice, "POST", "/api/v1/statuses", f.token,
                            body=b'{"status": "hi", "visibility": "everyone"}',
                            headers={"Content-Type": "application/json"})
    assert status == 422, answer
    assert count_statuses(f.alice) == before


@check
def get_follows_visibility_rules():
    private = f.api.status_post("Followers only", visibility="private")
    assert f.api.status(private["id"])["visibility"] == "private"
    status, _, body = raw(f.alice, "GET", f"/api/v1/statuses/{private['id']}")
    assert status == 404 and body["error"] == "Record not found", body
    status, _, body = raw(f.alice, "GET", f"/api/v1/statuses/{f.hello['id']}")
    assert status == 200 and body["id"] == f.hello["id"], body
    assert "favourited" not in body, "anonymous readers get no viewer flags"
    for bad in ["-1", "0", "abc", "1e3", "99999999999999999999999"]:
        status, _, body = raw(f.alice, "GET", "/api/v1/statuses/" + bad, f.token)
        assert status == 404, (bad, status, body)
        status, _, body = raw(f.alice, "POST", f"/api/v1/statuses/{bad}/favourite", f.token)
        assert status == 404, (bad, status, body)


@check
def edit_history_and_source():
    post = f.api.status_post("First words", spoiler_text="cw one")
    arrives(f.bob, post["uri"], "bob has the post to edit")
    time.sleep(1.1)
    edited = f.api.status_update(post["id"], "Second words", spoiler_text="cw two")
    assert edited["id"] == post["id"] and "Second words" in edited["content"]
    assert edited["edited_at"] is not None and edited["spoiler_text"] == "cw two"
    history = f.api.status_history(post["id"])
    assert len(history) == 2, history
    assert "First words" in history[0]["content"] and history[0]["spoiler_text"] == "cw one"
    assert "Second words" in history[1]["content"]
    assert history[0]["account"]["id"] == "1"
    source = f.api.status_source(post["id"])
    assert source["text"] == "Second words" and source["spoiler_text"] == "cw two", source
    assert str(source["id"]) == post["id"]
    # An unedited post has one version; the edit reached bob's node.
    assert len(f.api.status_history(f.hello["id"])) == 1
    wait_for(lambda: "Second words" in f.bob.query(
        "SELECT content FROM statuses WHERE uri = ?", post["uri"])[0][0], "bob sees the edit")
    # bob's edits reach alice's node, which keeps the version they replace.
    bob_own = f.bob_api.status_post("Bob's first take")
    bob_row = arrives(f.alice, bob_own["uri"], "alice's node has bob's post to be edited")
    time.sleep(1.1)
    f.bob_api.status_update(bob_own["id"], "Bob's second take")
    wait_for(lambda: len(f.api.status_history(bob_row)) == 2, "alice keeps bob's old version")
    history = f.api.status_history(bob_row)
    assert "first take" in history[0]["content"] and "second take" in history[1]["content"]
    assert history[0]["account"]["id"] == f.bob_post["account"]["id"]
    assert f.api.status(bob_row)["edited_at"] is not None
    # Someone else's post cannot be edited.
    status, _, body = raw(f.alice, "PUT", f"/api/v1/statuses/{f.bob_post['id']}", f.token,
                          {"status": "mine now"})
    assert status == 404, body
    f.edited = post


@check
def delete_returns_text_for_redraft():
    post = f.api.status_post("Say it again, better", spoiler_text="redraft")
    arrives(f.bob, post["uri"], "bob has the post to delete")
    deleted = f.api.status_delete(post["id"])
    assert deleted["text"] == "Say it again, better", deleted
    assert deleted["spoiler_text"] == "redraft" and deleted["id"] == post["id"]
    assert api_error(lambda: f.api.status(post["id"]))[0] == 404
    wait_for(lambda: row_of(f.bob, post["uri"]) is None, "bob's node deletes it too")
    status, _, body = raw(f.alice, "DELETE", f"/api/v1/statuses/{f.bob_post['id']}", f.token)
    assert status == 404, body
    assert row_of(f.alice, f.bob_post["uri"]) is not None


@check
def reply_and_context_across_nodes():
    reply = f.api.status_post("Indeed, bob", in_reply_to_id=f.bob_post["id"])
    assert reply["in_reply_to_id"] == f.bob_post["id"]
    assert reply["in_reply_to_account_id"] == f.bob_post["account"]["id"]
    assert f.bob_post["account"]["id"] in [m["id"] for m in reply["mentions"]]
    context = f.api.status_context(reply["id"])
    assert ids(context["ancestors"]) == [f.bob_post["id"]], context
    assert context["descendants"] == []
    context = f.api.status_context(f.bob_post["id"])
    assert ids(context["descendants"]) == [reply["id"]], context
    assert f.api.status(f.bob_post["id"])["replies_count"] == 1
    # On bob's node, the reply hangs under his post too.
    bob_reply = arrives(f.bob, reply["uri"], "bob's node has alice's reply")
    bob_post = row_of(f.bob, f.bob_post["uri"])
    context = f.bob_api.status_context(bob_post)
    assert ids(context["descendants"]) == [bob_reply], context
    f.reply = reply


@check
def favourite_and_unfavourite():
    status = f.api.status_favourite(f.bob_post["id"])
    assert status["favourited"] is True and status["favourites_count"] == 1
    assert [a["id"] for a in f.api.status_favourited_by(f.bob_post["id"])] == ["1"]
    bob_post = row_of(f.bob, f.bob_post["uri"])
    # bob's node is told, and counts it.
    wait_for(lambda: f.bob_api.status(bob_post)["favourites_count"] == 1, "bob counts the like")
    likers = f.bob_api.status_favourited_by(bob_post)
    assert [a["acct"] for a in likers] == [f"alice@127.0.0.1:{f.alice.port}"], likers
    assert f.api.favourites()[0]["id"] == f.bob_post["id"]
    status = f.api.status_unfavourite(f.bob_post["id"])
    assert status["favourited"] is False and status["favourites_count"] == 0
    assert f.api.favourites() == []
    # Twice is the same as once.
    f.api.status_favourite(f.bob_post["id"])
    assert f.api.status_favourite(f.bob_post["id"])["favourites_count"] == 1


@check
def reblog_and_unreblog():
    reblog = f.api.status_reblog(f.bob_post["id"])
    assert reblog["reblog"]["id"] == f.bob_post["id"], reblog
    assert reblog["account"]["id"] == "1" and reblog["id"] != f.bob_post["id"]
    assert reblog["reblog"]["reblogged"] is True
    assert f.api.status(f.bob_post["id"])["reblogs_count"] == 1
    assert [a["id"] for a in f.api.status_reblogged_by(f.bob_post["id"])] == ["1"]
    # The reblog's own id acts on the post it boosts.
    assert f.api.status(reblog["id"])["reblog"]["id"] == f.bob_post["id"]
    bob_post = row_of(f.bob, f.bob_post["uri"])
    wait_for(lambda: [a["acct"] for a in f.bob_api.status_reblogged_by(bob_post)] ==
             [f"alice@127.0.0.1:{f.alice.port}"], "bob's node hears of the boost")
    undone = f.api.status_unreblog(f.bob_post["id"])
    assert undone["reblogged"] is False and undone["id"] == f.bob_post["id"]
    assert api_error(lambda: f.api.status(reblog["id"]))[0] == 404
    # Private posts cannot be boosted.
    private = f.api.status_post("Not for boosting", visibility="direct")
    assert api_error(lambda: f.api.status_reblog(private["id"]))[0] == 403
    f.reblog = f.api.status_reblog(f.bob_post["id"])


@check
def bookmark_and_pin():
    status = f.api.status_bookmark(f.bob_post["id"])
    assert status["bookmarked"] is True
    assert ids(f.api.bookmarks()) == [f.bob_post["id"]]
    assert f.api.status_unbookmark(f.bob_post["id"])["bookmarked"] is False
    assert f.api.bookmarks() == []
    f.api.status_bookmark(f.hello["id"])

    pinned = f.api.status_pin(f.hello["id"])
    assert pinned["pinned"] is True
    assert ids(f.api.account_statuses("1", pinned=True)) == [f.hello["id"]]
    status, _, body = raw(f.alice, "GET", "/users/alice/collections/featured",
                          headers={"Accept": "application/activity+json"})
    assert status == 200 and body["totalItems"] == 1, body
    assert body["orderedItems"][0]["id"] == f.hello["uri"], body
    assert api_error(lambda: f.api.status_pin(f.bob_post["id"]))[0] == 422
    private = f.api.status_post("Not for pinning", visibility="private")
    assert api_error(lambda: f.api.status_pin(private["id"]))[0] == 422
    assert f.api.status_unpin(f.hello["id"])["pinned"] is False
    assert f.api.account_statuses("1", pinned=True) == []
    f.api.status_pin(f.hello["id"])


# ---- timelines -------------------------------------------------------------------------------

def walk(first, api):
    """Every page from @first on, by the Link header's next pages."""
    seen = list(first)
    page = first
    while True:
        page = api.fetch_next(page)
        if not page:
            return seen
        seen.extend(page)


@check
def home_timeline_pages_by_link_header():
    for i in range(5):
        f.api.status_post(f"Page filler {i}")
    everything = f.api.timeline_home(limit=40)
    status_ids = ids(everything)
    assert status_ids == sorted(status_ids, key=int, reverse=True), status_ids
    assert f.bob_post["id"] in status_ids and f.reblog["id"] in status_ids
    # Carol's post, stored because alice boosted it, is no home post; the boost is.
    assert f.carol_post_id not in status_ids, "a post of an account alice does not follow"
    assert f.carol_reblog_id in status_ids
    first = f.api.timeline_home(limit=3)
    assert len(first) == 3
    walked = walk(first, f.api)
    assert ids(walked) == status_ids, (ids(walked), status_ids)
    # Back from the second page to the first.
    second = f.api.fetch_next(first)
    previous = f.api.fetch_previous(second)
    assert ids(previous) == ids(first), (ids(previous), ids(first))
    # The Link header, exactly as Mastodon builds it.
    status, headers, body = raw(f.alice, "GET", "/api/v1/timelines/home?limit=3", f.token)
    link = headers["Link"]
    want = (f'<{f.alice.base}/api/v1/timelines/home?limit=3&max_id={body[-1]["id"]}>; '
            f'rel="next", <{f.alice.base}/api/v1/timelines/home?limit=3&min_id={body[0]["id"]}>;'
            f' rel="prev"')
    assert link == want, (link, want)
    # since_id and min_id: the newest, or the oldest just above.
    assert ids(f.api.timeline_home(since_id=status_ids[3], limit=2)) == status_ids[:2]
    assert ids(f.api.timeline_home(min_id=status_ids[3], limit=2)) == status_ids[1:3]
    assert ids(f.api.timeline_home(max_id=status_ids[1], limit=1)) == [status_ids[2]]


@check
def public_timelines():
    unlisted = f.api.status_post("Quietly", visibility="unlisted")
    local = f.api.timeline_public(local=True, limit=40)
    assert local and all(s["account"]["id"] == "1" for s in local)
    assert all(s["visibility"] == "public" and s["reblog"] is None for s in local)
    assert unlisted["id"] not in ids(local)
    remote = f.api.timeline_public(remote=True, limit=40)
    assert f.bob_post["id"] in ids(remote) and all(s["account"]["id"] != "1" for s in remote)
    both = f.api.timeline_public(limit=40)
    assert set(ids(local)) | set(ids(remote)) == set(ids(both))
    # Anyone may read it, and pages keep the filter.
    status, headers, body = raw(f.alice, "GET", "/api/v1/timelines/public?local=true&limit=2")
    assert status == 200 and len(body) == 2, body
    assert "local=true&limit=2&max_id=" in headers["Link"], headers["Link"]
    walked = walk(f.api.timeline_public(local=True, limit=2), f.api)
    assert ids(walked) == ids(local)


@check
def hashtag_timeline():
    tagged = f.api.timeline_hashtag("quitter")
    assert ids(tagged) == [f.hello["id"]], ids(tagged)
    assert ids(f.api.timeline_hashtag("QUITTER")) == [f.hello["id"]]
    assert f.api.timeline_hashtag("nothing_here") == []
    for tag in ["no-such", "a%27b", "%23"]:
        status, _, body = raw(f.alice, "GET", "/api/v1/timelines/tag/" + tag, f.token)
        assert status == 200 and body == [], (tag, status, body)


@check
def account_statuses_filters():
    media_post = run_node("post", "--data-dir", f.alice.data, "--attach", f.png, "--alt",
                          "A brown square", "With a picture")
    assert media_post.returncode == 0, media_post.stderr
    statuses = f.api.account_statuses("1", only_media=True)
    assert len(statuses) == 1, statuses
    attachment = statuses[0]["media_attachments"][0]
    assert attachment["type"] == "image" and attachment["description"] == "A brown square"
    assert attachment["url"].startswith(f.alice.base + "/media/")
    assert attachment["meta"]["original"]["width"] == 6
    assert attachment["meta"]["original"]["height"] == 4
    assert attachment["remote_url"] is None
    # The command line makes thumbnails too (see test_media_filters.py).
    assert len(attachment["blurhash"]) == 36, attachment
    assert attachment["preview_url"].endswith("-small.jpg"), attachment
    status, _, _ = http("GET", attachment["url"])
    assert status == 200
    # A post of the command line has its text back from its HTML.
    assert f.api.status_source(statuses[0]["id"])["text"] == "With a picture"
    # The same media cannot go on a second post.
    status, _, body = raw(f.alice, "POST", "/api/v1/statuses", f.token,
                          {"status": "again", "media_ids[]": attachment["id"]})
    assert status == 422, body

    everything = ids(f.api.account_statuses("1", limit=40))
    assert f.reply["id"] in everything and f.reblog["id"] in everything
    no_replies = ids(f.api.account_statuses("1", exclude_replies=True, limit=40))
    assert f.reply["id"] not in no_replies and f.reblog["id"] in no_replies
    no_reblogs = ids(f.api.account_statuses("1", exclude_reblogs=True, limit=40))
    assert f.reblog["id"] not in no_reblogs and f.reply["id"] in no_reblogs
    assert ids(f.api.account_statuses("1", tagged="quitter")) == [f.hello["id"]]
    # Others see alice's public and unlisted posts only.
    status, _, body = raw(f.alice, "GET", "/api/v1/accounts/1/statuses?limit=40")
    assert status == 200 and {s["visibility"] for s in body} <= {"public", "unlisted"}, body
    assert len(body) < len(everything)
    bob_id = f.bob_post["account"]["id"]
    assert f.bob_post["id"] in ids(f.api.account_statuses(bob_id))
    for bad in ["-3", "abc", "987654"]:
        status, _, body = raw(f.alice, "GET", f"/api/v1/accounts/{bad}/statuses", f.token)
        assert status == 404, (bad, body)


@check
def bookmarks_and_favourites_page():
    posts = [f.api.status_post(f"Keep {i}") for i in range(3)]
    for post in posts:
        f.api.status_bookmark(post["id"])
        f.api.status_favourite(post["id"])
    bookmarks = f.api.bookmarks(limit=2)
    assert len(bookmarks) == 2
    walked = walk(bookmarks, f.api)
    assert ids(walked) == [p["id"] for p in reversed(posts)] + [f.hello["id"]], ids(walked)
    favourites = walk(f.api.favourites(limit=1), f.api)
    assert ids(favourites) == [p["id"] for p in reversed(posts)] + [f.bob_post["id"]]


@check
def huge_limits_are_clamped():
    for i in range(42 - len(f.api.timeline_public(local=True, limit=40))):
        f.api.status_post(f"Many {i}")
    for path in ["/api/v1/timelines/public?local=true&limit=100000",
                 "/api/v1/timelines/public?local=true&limit=-100000",
                 "/api/v1/timelines/home?limit=99999999999999999999999",
                 "/api/v1/accounts/1/statuses?limit=500"]:
        status, _, body = raw(f.alice, "GET", path, f.token)
        assert status == 200 and len(body) == 40, (path, status, len(body))
    status, _, body = raw(f.alice, "GET", "/api/v1/timelines/home", f.token)
    assert len(body) == 20
    status, _, body = raw(f.alice, "GET", "/api/v1/timelines/home?max_id=abc&limit=2", f.token)
    assert status == 200 and len(body) == 2


# ---- notifications ---------------------------------------------------------------------------

@check
def notifications_cross_the_federation():
    bob_post = row_of(f.bob, f.bob_post["uri"])
    alice_acct = f"alice@127.0.0.1:{f.alice.port}"
    wanted = {"follow", "mention", "favourite", "reblog"}
    notes = wait_for(lambda: (lambda n: n if wanted <= {x["type"] for x in n} else None)(
        f.bob_api.notifications(limit=80)), "bob is told of alice's follow, reply, like, boost")
    for note in notes:
        assert isinstance(note["id"], str) and note["account"]["acct"] == alice_acct, note
        assert note["type"] in {"follow", "mention", "favourite", "reblog", "follow_request"}
    by_type = {n["type"]: n for n in notes}
    assert by_type["favourite"]["status"]["id"] == bob_post
    assert by_type["reblog"]["status"]["id"] == bob_post
    assert f.reply["uri"] in [n["status"]["uri"] for n in notes if n["type"] == "mention"]
    assert "status" not in by_type["follow"]
    mentions = f.bob_api.notifications(types=["mention"])
    assert {n["type"] for n in mentions} == {"mention"}
    others = f.bob_api.notifications(exclude_types=["mention", "follow"])
    assert {n["type"] for n in others} == {"favourite", "reblog"}
    alice_id = by_type["follow"]["account"]["id"]
    assert len(f.bob_api.notifications(account_id=alice_id)) == len(notes)
    assert f.bob_api.notifications(account_id="987654") == []
    # One by one, by the Link header, with the filter kept.
    first = f.bob_api.notifications(limit=1, exclude_types=["mention"])
    walked = walk(first, f.bob_api)
    assert {n["type"] for n in walked} == {"follow", "favourite", "reblog"}, walked
    status, headers, _ = raw(f.bob, "GET",
                             "/api/v1/notifications?limit=1&exclude_types[]=mention",
                             f.bob_token)
    assert "limit=1&exclude_types%5B%5D=mention&max_id=" in headers["Link"], headers["Link"]
    f.notes = by_type


@check
def notification_get_dismiss_clear():
    note = f.notes["favourite"]
    assert f.bob_api.notifications(id=note["id"])["type"] == "favourite"
    # Mastodon.py without a version check asks for the pre-2.9.2 route: the path's id here.
    status, _, body = raw(f.bob, "POST", f"/api/v1/notifications/{note['id']}/dismiss",
                          f.bob_token)
    assert status == 200 and body == {}, (status, body)
    assert api_error(lambda: f.bob_api.notifications(id=note["id"]))[0] == 404
    assert note["id"] not in ids(f.bob_api.notifications())
    # A dismissed like still counts.
    assert f.bob_api.status(note["status"]["id"])["favourites_count"] == 1
    for bad in ["-1", "abc", "0"]:
        status, _, _ = raw(f.bob, "GET", "/api/v1/notifications/" + bad, f.bob_token)
        assert status == 404, bad
    f.bob_api.notifications_clear()
    assert f.bob_api.notifications() == []


# ---- tokens and scopes -----------------------------------------------------------------------

@check
def scopes_are_enforced():
    read_only = f.alice.token("read")
    write_statuses = f.alice.token("write:statuses")
    before = count_statuses(f.alice)
    likes = f.alice.query("SELECT count(*) FROM likes")[0][0]
    cases = [
        (read_only, "POST", "/api/v1/statuses", {"status": "no"}),
        (read_only, "POST", f"/api/v1/statuses/{f.hello['id']}/favourite", None),
        (read_only, "DELETE", f"/api/v1/statuses/{f.hello['id']}", None),
        (write_statuses, "GET", "/api/v1/notifications", None),
        (write_statuses, "GET", "/api/v1/timelines/home", None),
        (write_statuses, "POST", f"/api/v1/statuses/{f.hello['id']}/favourite", None),
        (write_statuses, "POST", f"/api/v1/statuses/{f.hello['id']}/bookmark", None),
        (read_only, "POST", "/api/v1/notifications/clear", None),
    ]
    for token, method, path, data in cases:
        status, _, body = raw(f.alice, method, path, token, data)
        assert status == 403, (method, path, status, body)
        assert body["error"] == "This action is outside the authorized scopes", body
    assert count_statuses(f.alice) == before
    assert f.alice.query("SELECT count(*) FROM likes")[0][0] == likes
    assert row_of(f.alice, f.hello["uri"]) is not None
    for path in ["/api/v1/timelines/home", "/api/v1/notifications", "/api/v1/bookmarks",
                 "/api/v1/favourites"]:
        status, _, _ = raw(f.alice, "GET", path)
        assert status == 401, path
    status, _, _ = raw(f.alice, "POST", "/api/v1/statuses", None, {"status": "anonymous"})
    assert status == 401
    assert raw(f.alice, "POST", "/api/v1/statuses", write_statuses, {"status": "ok"})[0] == 200


@check
def logs_are_clean():
    for node in (f.alice, f.bob, f.carol):
        log = node.stop()
        assert "CRITICAL" not in log and "Client API request" not in log, log[-3000:]
        assert f.token not in log


def follow(who, whom):
    result = run_node("follow", "--data-dir", who.data, "@" + whom.handle)
    assert result.returncode == 0, result.stderr
    wait_for(lambda: who.query("SELECT count(*) FROM following WHERE accepted = 1")[0][0] >=
             1 + getattr(who, "follows", 0), f"{who.user} follows {whom.user}")
    who.follows = getattr(who, "follows", 0) + 1


def setup(parent):
    f.alice = Node(parent, "alice")
    f.bob = Node(parent, "bob")
    f.carol = Node(parent, "carol")
    follow(f.bob, f.alice)
    follow(f.alice, f.bob)
    f.token = f.alice.token()
    f.api = Api(f.alice, f.token)
    f.bob_token = f.bob.token()
    f.bob_api = Api(f.bob, f.bob_token)
    # bob posts; alice, who follows him, gets it.
    post = f.bob_api.status_post("Hello from bob")
    row = arrives(f.alice, post["uri"], "alice's node has bob's post")
    f.bob_post = f.api.status(row)
    # carol posts; alice boosts it from the command line: her node fetches it.
    carol = Api(f.carol, f.carol.token()).status_post("Carol speaks")
    result = run_node("boost", "--data-dir", f.alice.data, carol["uri"])
    assert result.returncode == 0, result.stderr
    f.carol_post_id = arrives(f.alice, carol["uri"], "alice's node fetched carol's post")
    f.carol_reblog_id = f.alice.query(
        "SELECT id FROM statuses WHERE reblog_of_id = ?", int(f.carol_post_id))[0][0]
    f.carol_reblog_id = str(f.carol_reblog_id)
    f.png = os.path.join(parent, "square.png")
    with open(f.png, "wb") as out:
        out.write(png(6, 4, rgb=(0x80, 0x40, 0x20)))


if __name__ == "__main__":
    sys.exit(run(setup))
