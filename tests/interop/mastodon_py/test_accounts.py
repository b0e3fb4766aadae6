#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Mastodon.py against the node's accounts, relationships, follow requests, media, lists,
markers, preferences, filters and tags, with three real quitter-node processes on loopback.

Usage: test_accounts.py PATH-TO-QUITTER-NODE

alice's node is the one the client mostly uses; bob's follows and is followed across the
federation; carol's node is locked (manual approval, set through update_credentials), so
that follow requests are authorized and rejected through the API. What crosses the
federation is checked on the other node, in its node.db or through its own API. Hostile
requests get their 4xx and leave node.db as it was. Prints TAP.
"""

import json
import socket
import sys
import urllib.parse
import urllib.request

import requests  # noqa: F401  (Mastodon.py's own dependency; its absence is reported early)

from quitter_node import (OUT_OF_SCOPE, Node, api_error, check, http, png, run, wait_for)


class Fixture:
    pass


f = Fixture()


def multipart(fields, files, boundary="qtrBoundary7MA4YWxk"):
    """A multipart/form-data body: (content type, bytes)."""
    body = b""
    for name, value in fields.items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                 f"{value}\r\n").encode()
    for name, (filename, mime, data) in files.items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                 f"filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n").encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def api(node, method, path, token=None, form=None, body=None, content_type=None):
    """(status, headers, parsed JSON or text) of a request to @node's API."""
    headers = {"Authorization": "Bearer " + (token or node.api_token)}
    raw = None
    if body is not None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type or "application/json"
    status, response_headers, text = http(method, node.base + path, form, headers, raw)
    try:
        return status, response_headers, json.loads(text)
    except ValueError:
        return status, response_headers, text


def count(node, table):
    return node.query(f"SELECT count(*) FROM {table}")[0][0]


def actor_row(node, other):
    """The row of @other's actor in @node's node.db, or None."""
    rows = node.query("SELECT id FROM remote_actors WHERE uri = ?",
                      f"{other.base}/users/{other.user}")
    return rows[0][0] if rows else None


def resolve(node, client, other):
    """@other's account as @node knows it, looked up by WebFinger through account search."""
    status, _, found = api(node, "GET", "/api/v1/accounts/search?resolve=true&q=" +
                           urllib.parse.quote("@" + other.handle))
    assert status == 200, (status, found)
    assert [a["acct"] for a in found] == [other.handle], found
    return found[0]


# ---- Search and follows across the federation --------------------------------------------

@check
def account_search_resolves_a_handle_by_webfinger():
    status, _, found = api(f.alice, "GET", "/api/v1/accounts/search?q=" +
                           urllib.parse.quote(f.bob.handle))
    assert status == 200 and found == [], (status, found)
    bob = resolve(f.alice, f.a, f.bob)
    assert bob["username"] == "bob" and bob["display_name"] == "Bob", bob
    f.bob_id = bob["id"]
    assert f.a.account_search("bob")[0].acct == f.bob.handle
    # The owner is found by name too.
    assert f.a.account_search("alice")[0].id == 1
    f.carol_id = resolve(f.alice, f.a, f.carol)["id"]
    f.alice_on_bob = resolve(f.bob, f.b, f.alice)["id"]
    f.alice_on_carol = resolve(f.carol, f.c, f.alice)["id"]
    f.carol_on_bob = resolve(f.bob, f.b, f.carol)["id"]
    # An unknown host does not resolve: the answer is what the node knows.
    status, _, found = api(f.alice, "GET", "/api/v1/accounts/search?resolve=true&q=" +
                           urllib.parse.quote("nobody@127.0.0.1:1"))
    assert status == 200 and found == [], (status, found)


@check
def follow_crosses_the_federation():
    relationship = f.a.account_follow(f.bob_id)
    assert relationship.id == int(f.bob_id)
    assert relationship.following or relationship.requested, relationship
    alice_row_on_bob = actor_row(f.bob, f.alice)
    wait_for(lambda: f.bob.query("SELECT accepted FROM followers WHERE actor_id = ?",
                                 alice_row_on_bob) == [(1,)], "bob's node has alice as follower")
    wait_for(lambda: f.a.account_relationships(f.bob_id)[0].following,
             "alice's node saw bob's Accept")
    # bob's own API says so too.
    followers = f.b.account_followers(f.b.me().id)
    assert [a.acct for a in followers] == [f.alice.handle], followers
    # bob follows back: alice's node shows him as a follower.
    f.b.account_follow(f.alice_on_bob)
    wait_for(lambda: f.a.account_relationships(f.bob_id)[0].followed_by, "bob follows alice")
    # Following again changes nothing.
    assert f.a.account_follow(f.bob_id).following


@check
def followers_and_following_are_paged_with_links():
    following = f.a.account_following(1)
    assert [a.acct for a in following] == [f.bob.handle], following
    followers = f.a.account_followers(1)
    assert [a.acct for a in followers] == [f.bob.handle], followers
    status, headers, body = api(f.alice, "GET", "/api/v1/accounts/1/followers?limit=100000")
    assert status == 200 and len(body) == 1
    link = headers["Link"]
    assert 'rel="next"' in link and 'rel="prev"' in link, link
    next_url = link.split(">")[0].lstrip("<")
    status, _, body = api(f.alice, "GET", next_url[len(f.alice.base):])
    assert status == 200 and body == [], (status, body)
    # Of another server's account the node knows no followers.
    assert f.a.account_followers(f.bob_id) == []
    me = f.a.account(1)
    assert me.followers_count == 1 and me.following_count == 1, me


@check
def relationships_tell_every_flag():
    relationships = f.a.account_relationships([f.bob_id, f.carol_id, 999999])
    assert [r.id for r in relationships] == [int(f.bob_id), int(f.carol_id)], relationships
    bob = relationships[0]
    for flag in ("following", "showing_reblogs", "followed_by"):
        assert bob[flag] is True, (flag, bob)
    for flag in ("notifying", "blocking", "blocked_by", "muting", "muting_notifications",
                 "requested", "requested_by", "domain_blocking", "endorsed"):
        assert bob[flag] is False, (flag, bob)
    assert bob.note == ""
    assert f.a.account_familiar_followers([f.bob_id])[0].accounts == []


@check
def update_credentials_reaches_the_other_node():
    avatar = png(4, 3)
    header = png(30, 10)
    account = f.a.account_update_credentials(
        display_name="Alice Liddell", note="Down the rabbit hole", avatar=avatar,
        avatar_mime_type="image/png", header=header, header_mime_type="image/png", bot=True,
        discoverable=False,
        fields=[("Home", "https://wonderland.example/"), ("Pronouns", "she/her")])
    assert account.display_name == "Alice Liddell" and account.bot and not account.discoverable
    assert [(x.name, x.value) for x in account.source.fields] == [
        ("Home", "https://wonderland.example/"), ("Pronouns", "she/her")], account.source
    assert 'href="https://wonderland.example/"' in account.fields[0].value
    assert account.avatar.startswith(f.alice.base + "/media/"), account.avatar
    with urllib.request.urlopen(account.avatar) as response:
        assert response.read() == avatar
    # Stored in node.db, and published as the actor's PropertyValue attachments.
    assert json.loads(f.alice.query("SELECT fields FROM owner")[0][0])[1] == {
        "name": "Pronouns", "value": "she/her"}
    status, _, actor = http("GET", f"{f.alice.base}/users/alice",
                            headers={"Accept": "application/activity+json"})
    actor = json.loads(actor)
    assert actor["type"] == "Service" and actor["discoverable"] is False, actor
    assert {"type": "PropertyValue", "name": "Pronouns", "value": "she/her"} in \
        actor["attachment"], actor["attachment"]
    # bob's node got the Update{Person}: its API shows the new profile.
    def bob_sees():
        seen = f.b.account(f.alice_on_bob)
        return seen if seen.display_name == "Alice Liddell" else None
    seen = wait_for(bob_sees, "bob's node shows alice's new profile")
    assert [x.name for x in seen.fields] == ["Home", "Pronouns"], seen.fields
    assert "she/her" in seen.fields[1].value, seen.fields
    assert seen.avatar == account.avatar and seen.header == account.header and seen.bot, seen
    with urllib.request.urlopen(seen.header) as response:
        assert response.read() == header
    # A JSON body names fields as Rails does: fields_attributes[N][name].
    status, _, body = api(f.alice, "PATCH", "/api/v1/accounts/update_credentials", body={
        "fields_attributes": {"0": {"name": "Home", "value": "Wonderland"}}})
    assert status == 200, (status, body)
    assert [(x["name"], x["value"]) for x in body["source"]["fields"]] == [
        ("Home", "Wonderland")], body["source"]
    wait_for(lambda: [x.value for x in f.b.account(f.alice_on_bob).fields] ==
             ["<p>Wonderland</p>"] or
             [x.value for x in f.b.account(f.alice_on_bob).fields] == ["Wonderland"],
             "bob's node has alice's one field")
    # Back to a person, for what follows.
    f.a.account_update_credentials(bot=False, discoverable=True)


# ---- Follow requests on a locked node ----------------------------------------------------

@check
def locked_node_authorizes_a_follow_request():
    account = f.c.account_update_credentials(locked=True)
    assert account.locked
    assert f.carol.query("SELECT count(*) FROM owner")[0][0] == 1
    relationship = f.a.account_follow(f.carol_id)
    assert relationship.requested and not relationship.following, relationship
    requests_ = wait_for(lambda: f.c.follow_requests(), "carol's node has alice's request")
    assert [a.acct for a in requests_] == [f.alice.handle], requests_
    assert f.c.account_relationships(f.alice_on_carol)[0].requested_by
    answered = f.c.follow_request_authorize(f.alice_on_carol)
    assert answered.followed_by and not answered.requested_by, answered
    # The Accept reaches alice's node.
    wait_for(lambda: f.a.account_relationships(f.carol_id)[0].following,
             "alice's node saw carol's Accept")
    assert f.c.follow_requests() == []


@check
def locked_node_rejects_a_follow_request():
    relationship = f.b.account_follow(f.carol_on_bob)
    assert relationship.requested, relationship
    wait_for(lambda: f.c.follow_requests(), "carol's node has bob's request")
    bob_on_carol = f.c.follow_requests()[0].id
    answered = f.c.follow_request_reject(bob_on_carol)
    assert not answered.followed_by and not answered.requested_by, answered
    carol_row_on_bob = actor_row(f.bob, f.carol)
    # The Reject reaches bob's node: its follow is gone.
    wait_for(lambda: f.bob.query("SELECT count(*) FROM following WHERE actor_id = ?",
                                 carol_row_on_bob) == [(0,)], "bob's node saw the Reject")
    # Nothing waits any more: answering again is 404.
    status, _ = api_error(lambda: f.c.follow_request_authorize(bob_on_carol))
    assert status == 404, status


# ---- Unfollow, block, mute ----------------------------------------------------------------

@check
def unfollow_crosses_the_federation():
    relationship = f.a.account_unfollow(f.carol_id)
    assert not relationship.following and not relationship.requested, relationship
    alice_row_on_carol = actor_row(f.carol, f.alice)
    wait_for(lambda: f.carol.query("SELECT count(*) FROM followers WHERE actor_id = ?",
                                   alice_row_on_carol) == [(0,)], "carol's node saw the Undo")
    # Unfollowing again changes nothing.
    assert not f.a.account_unfollow(f.carol_id).following


@check
def block_and_unblock_cross_the_federation():
    relationship = f.a.account_block(f.bob_id)
    assert relationship.blocking and not relationship.following, relationship
    assert [a.acct for a in f.a.blocks()] == [f.bob.handle]
    alice_row_on_bob = actor_row(f.bob, f.alice)
    # bob's node got the Block: the follows between them are gone there.
    wait_for(lambda: f.bob.query("SELECT count(*) FROM following WHERE actor_id = ?",
                                 alice_row_on_bob) == [(0,)] and
             f.bob.query("SELECT count(*) FROM followers WHERE actor_id = ?",
                         alice_row_on_bob) == [(0,)], "bob's node saw the Block")
    assert not f.b.account_relationships(f.alice_on_bob)[0].followed_by
    # Following a blocked account is refused.
    status, _ = api_error(lambda: f.a.account_follow(f.bob_id))
    assert status == 403, status
    relationship = f.a.account_unblock(f.bob_id)
    assert not relationship.blocking
    assert f.a.blocks() == []
    wait_for(lambda: f.bob.query("SELECT count(*) FROM inbox WHERE body LIKE '%\"Undo\"%'"
                                 " AND body LIKE '%\"Block\"%'")[0][0] == 1,
             "bob's node got the Undo{Block}")


@check
def mutes_stay_on_the_node():
    bob_inbox = count(f.bob, "inbox")
    relationship = f.a.account_mute(f.bob_id, notifications=False, duration=3600)
    assert relationship.muting and not relationship.muting_notifications, relationship
    assert f.alice.query("SELECT notifications, expires_at > 0 FROM mutes") == [(0, 1)]
    relationship = f.a.account_mute(f.bob_id)
    assert relationship.muting and relationship.muting_notifications, relationship
    assert [a.acct for a in f.a.mutes()] == [f.bob.handle]
    assert not f.a.account_unmute(f.bob_id).muting
    assert f.a.mutes() == [] and count(f.alice, "mutes") == 0
    # Nothing went to bob's node.
    assert count(f.bob, "inbox") == bob_inbox


# ---- Media -------------------------------------------------------------------------------

@check
def media_upload_describe_and_fetch():
    image = png(6, 4)
    media = f.a.media_post(image, mime_type="image/png", description="A grey square",
                           focus=(0.5, -0.25))
    assert media.type == "image" and media.description == "A grey square", media
    assert media.meta.original.width == 6 and media.meta.original.height == 4, media.meta
    assert media.meta.focus.x == 0.5 and media.meta.focus.y == -0.25, media.meta
    # The preview is the node's thumbnail (see test_media_filters.py).
    assert media.preview_url != media.url and media.preview_url.endswith("-small.jpg"), media
    status, headers, _ = http("GET", media.url)
    assert status == 200 and headers["Content-Type"] == "image/png", (status, headers)
    with urllib.request.urlopen(media.url) as response:
        assert response.read() == image
    updated = f.a.media_update(media.id, description="A grey rectangle")
    assert updated.description == "A grey rectangle"
    assert f.a.media(media.id).description == "A grey rectangle"
    assert f.alice.query("SELECT description FROM media WHERE id = ?", media.id) == [
        ("A grey rectangle",)]
    # The v1 endpoint takes the same form.
    content_type, body = multipart({"description": "v1"}, {"file": ("a.png", "image/png",
                                                                    png(2, 2))})
    status, _, media = api(f.alice, "POST", "/api/v1/media", body=body,
                           content_type=content_type)
    assert status == 200 and media["description"] == "v1", (status, media)


# ---- Lists -------------------------------------------------------------------------------

@check
def lists_of_followed_accounts():
    f.a.account_follow(f.bob_id)
    wait_for(lambda: f.a.account_relationships(f.bob_id)[0].following, "alice follows bob")
    created = f.a.list_create("Friends")
    assert created.title == "Friends" and created.replies_policy == "list", created
    assert not created.exclusive
    updated = f.a.list_update(created.id, "Close friends")
    assert updated.title == "Close friends" and updated.replies_policy == "list"
    status, _, body = api(f.alice, "PUT", f"/api/v1/lists/{created.id}",
                          form={"replies_policy": "followed"})
    assert status == 200 and body["replies_policy"] == "followed", body
    status, _, body = api(f.alice, "PUT", f"/api/v1/lists/{created.id}",
                          body={"exclusive": True})
    assert status == 200 and body["exclusive"] is True, body
    assert f.a.list(created.id).title == "Close friends"
    f.a.list_accounts_add(created.id, [f.bob_id])
    assert [a.acct for a in f.a.list_accounts(created.id)] == [f.bob.handle]
    assert [x.title for x in f.a.account_lists(f.bob_id)] == ["Close friends"]
    assert f.alice.query("SELECT count(*) FROM list_members")[0][0] == 1
    # Only followed accounts may be members, as on Mastodon.
    status, error = api_error(lambda: f.a.list_accounts_add(created.id, [f.carol_id]))
    assert status == 422 and "followed" in error, (status, error)
    assert f.alice.query("SELECT count(*) FROM list_members")[0][0] == 1
    assert [x.title for x in f.a.lists()] == ["Close friends"]
    f.a.list_accounts_delete(created.id, [f.bob_id])
    assert f.a.list_accounts(created.id) == []
    f.a.list_delete(created.id)
    assert f.a.lists() == [] and count(f.alice, "lists") == 0
    status, _ = api_error(lambda: f.a.list(created.id))
    assert status == 404


@check
def list_timeline_shows_its_members():
    f.a.account_follow(f.bob_id)
    wait_for(lambda: f.a.account_relationships(f.bob_id)[0].following, "alice follows bob")
    made = f.a.list_create("Bob only")
    f.a.list_accounts_add(made.id, [f.bob_id])
    first = f.b.status_post("Hello to my lists")
    f.b.status_post("And a word more on that", in_reply_to_id=first.id)
    f.a.status_post("Alice's own post, in no list")

    def texts(statuses):
        return [s.content for s in statuses]

    wait_for(lambda: len(f.a.timeline_list(made.id)) == 2, "bob's posts reach alice's list")
    listed = texts(f.a.timeline_list(made.id))
    assert any("Hello to my lists" in t for t in listed), listed
    assert not any("Alice" in t for t in listed), listed
    # replies_policy "none": the reply leaves the list; "list" brings it back.
    api(f.alice, "PUT", f"/api/v1/lists/{made.id}", form={"replies_policy": "none"})
    listed = texts(f.a.timeline_list(made.id))
    assert len(listed) == 1 and "Hello to my lists" in listed[0], listed
    api(f.alice, "PUT", f"/api/v1/lists/{made.id}", form={"replies_policy": "list"})
    assert len(f.a.timeline_list(made.id)) == 2
    # An exclusive list takes its members' posts out of home.
    assert any("Hello to my lists" in t for t in texts(f.a.timeline_home()))
    api(f.alice, "PUT", f"/api/v1/lists/{made.id}", body={"exclusive": True})
    home = texts(f.a.timeline_home())
    assert not any("Hello to my lists" in t for t in home), home
    assert any("Alice's own post" in t for t in home), home
    f.a.list_delete(made.id)
    assert any("Hello to my lists" in t for t in texts(f.a.timeline_home()))
    status, _ = api_error(lambda: f.a.timeline_list(made.id))
    assert status == 404


# ---- Markers, preferences, filters, tags, the small endpoints ----------------------------

@check
def filters_and_mutes_shape_the_timelines():
    f.a.account_follow(f.bob_id)
    wait_for(lambda: f.a.account_relationships(f.bob_id)[0].following, "alice follows bob")
    _, _, hide = api(f.alice, "POST", "/api/v2/filters", body={
        "title": "No greens", "context": ["home"], "filter_action": "hide",
        "keywords_attributes": [{"keyword": "broccoli"}]})
    _, _, warn = api(f.alice, "POST", "/api/v2/filters", body={
        "title": "Dairy", "context": ["home"], "filter_action": "warn",
        "keywords_attributes": [{"keyword": "cheese"}]})
    f.b.status_post("Steamed broccoli again tonight")
    f.b.status_post("A plate of cheese for the road")
    f.b.status_post("Nothing to filter in this one")

    def home():
        status, _, body = api(f.alice, "GET", "/api/v1/timelines/home?limit=40")
        assert status == 200, body
        return body

    wait_for(lambda: any("Nothing to filter" in s["content"] for s in home()),
             "bob's posts reach alice")
    statuses = home()
    assert not any("broccoli" in s["content"] for s in statuses), statuses
    cheese = [s for s in statuses if "cheese" in s["content"]]
    assert len(cheese) == 1 and cheese[0]["filtered"][0]["filter"]["title"] == "Dairy", cheese
    assert cheese[0]["filtered"][0]["keyword_matches"] == ["cheese"], cheese
    plain = [s for s in statuses if "Nothing to filter" in s["content"]]
    assert plain[0]["filtered"] == [], plain
    # Other contexts are not filtered: the public timeline keeps the hidden post.
    status, _, public = api(f.alice, "GET", "/api/v1/timelines/public?limit=40")
    assert any("broccoli" in s["content"] for s in public), public
    for made in (hide, warn):
        api(f.alice, "DELETE", f"/api/v2/filters/{made['id']}")
    assert any("broccoli" in s["content"] for s in home())

    # A mute takes bob's posts out of home and public, and with notifications his
    # notifications too; unmuting brings everything back.
    f.b.status_post(f"@{f.alice.handle} are you there?")
    wait_for(lambda: any(n.type == "mention" and "are you there" in n.status.content
                         for n in f.a.notifications()), "bob's mention reaches alice")
    f.a.account_mute(f.bob_id)
    assert not any("Nothing to filter" in s["content"] for s in home())
    status, _, public = api(f.alice, "GET", "/api/v1/timelines/public?limit=40")
    assert not any("Nothing to filter" in s["content"] for s in public), public
    assert not any(n.account.acct == f.bob.handle for n in f.a.notifications())
    f.a.account_unmute(f.bob_id)
    assert any("Nothing to filter" in s["content"] for s in home())
    assert any(n.account.acct == f.bob.handle for n in f.a.notifications())


@check
def markers_count_their_versions():
    assert f.a.markers_get(["home", "notifications"]) == {}
    saved = f.a.markers_set(["home"], [1234])
    assert saved.home.last_read_id == 1234 and saved.home.version == 1, saved
    saved = f.a.markers_set(["home", "notifications"], [1240, 7])
    assert saved.home.version == 2 and saved.notifications.version == 1, saved
    got = f.a.markers_get(["home"])
    assert list(got.keys()) == ["home"] and got.home.last_read_id == 1240, got
    status, _, body = api(f.alice, "POST", "/api/v1/markers",
                          form={"home[last_read_id]": "1250"})
    assert status == 200 and body["home"]["version"] == 3, body


@check
def preferences_and_empty_endpoints():
    preferences = f.a.preferences()
    assert preferences["posting:default:visibility"] == "public", preferences
    assert preferences["reading:expand:spoilers"] is False
    assert f.a.custom_emojis() == []
    for path in ("/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links",
                 "/api/v1/announcements", "/api/v1/instance/activity"):
        status, _, body = api(f.alice, "GET", path)
        assert status == 200 and body == [], (path, status, body)
    peers = f.a.instance_peers()
    assert sorted(peers) == sorted([f"127.0.0.1:{f.bob.port}", f"127.0.0.1:{f.carol.port}"]), \
        peers


@check
def filters_v2_with_keywords_and_statuses():
    status, _, created = api(f.alice, "POST", "/api/v2/filters", body={
        "title": "Spoilers", "context": ["home", "public"], "filter_action": "hide",
        "expires_in": 3600,
        "keywords_attributes": [{"keyword": "ending", "whole_word": True},
                                {"keyword": "plot twist", "whole_word": False}]})
    assert status == 200, (status, created)
    assert created["context"] == ["home", "public"] and created["filter_action"] == "hide"
    assert created["expires_at"] is not None
    assert [(k["keyword"], k["whole_word"]) for k in created["keywords"]] == [
        ("ending", True), ("plot twist", False)], created
    fid = created["id"]
    # The form shape works too: keywords_attributes[][keyword].
    status, _, other = api(f.alice, "POST", "/api/v2/filters", form={
        "title": "Noise", "context[]": "notifications",
        "keywords_attributes[][keyword]": "giveaway"})
    assert status == 200 and other["filter_action"] == "warn", other
    assert [k["keyword"] for k in other["keywords"]] == ["giveaway"]
    status, _, listed = api(f.alice, "GET", "/api/v2/filters")
    assert [x["title"] for x in listed] == ["Spoilers", "Noise"], listed
    # Keywords and statuses as sub-resources.
    status, _, keyword = api(f.alice, "POST", f"/api/v2/filters/{fid}/keywords",
                             form={"keyword": "finale", "whole_word": "false"})
    assert status == 200 and keyword["whole_word"] is False, keyword
    status, _, keyword = api(f.alice, "PUT", f"/api/v2/filters/keywords/{keyword['id']}",
                             form={"keyword": "season finale"})
    assert status == 200 and keyword["keyword"] == "season finale", keyword
    status, _, keywords = api(f.alice, "GET", f"/api/v2/filters/{fid}/keywords")
    assert len(keywords) == 3
    status, _, _ = api(f.alice, "DELETE", f"/api/v2/filters/keywords/{keyword['id']}")
    assert status == 200 and count(f.alice, "filter_keywords") == 3
    status, _, filtered = api(f.alice, "POST", f"/api/v2/filters/{fid}/statuses",
                              form={"status_id": "109"})
    assert status == 200 and filtered["status_id"] == "109", filtered
    status, _, got = api(f.alice, "GET", f"/api/v2/filters/statuses/{filtered['id']}")
    assert status == 200 and got == filtered
    status, _, statuses = api(f.alice, "GET", f"/api/v2/filters/{fid}/statuses")
    assert statuses == [filtered], statuses
    status, _, again = api(f.alice, "POST", f"/api/v2/filters/{fid}/statuses",
                           form={"status_id": "110"})
    assert status == 200
    status, _, _ = api(f.alice, "DELETE", f"/api/v2/filters/statuses/{again['id']}")
    assert status == 200 and count(f.alice, "filter_statuses") == 1
    status, _, got = api(f.alice, "GET", f"/api/v2/filters/keywords/{keywords[0]['id']}")
    assert status == 200 and got == keywords[0], (got, keywords)
    status, _, got = api(f.alice, "GET", f"/api/v2/filters/{fid}")
    assert status == 200 and got["title"] == "Spoilers" and len(got["keywords"]) == 2, got
    # Changing the filter: title, action, one keyword removed.
    first_keyword = created["keywords"][0]["id"]
    status, _, changed = api(f.alice, "PUT", f"/api/v2/filters/{fid}", body={
        "title": "Spoilers!", "filter_action": "warn", "expires_in": "",
        "keywords_attributes": [{"id": first_keyword, "_destroy": True}]})
    assert status == 200 and changed["title"] == "Spoilers!", changed
    assert changed["expires_at"] is None and changed["filter_action"] == "warn"
    assert [k["keyword"] for k in changed["keywords"]] == ["plot twist"], changed
    assert [s["status_id"] for s in changed["statuses"]] == ["109"]
    status, _, _ = api(f.alice, "DELETE", f"/api/v2/filters/{fid}")
    assert status == 200
    assert count(f.alice, "filters") == 1 and count(f.alice, "filter_statuses") == 0
    status, _, _ = api(f.alice, "GET", f"/api/v2/filters/{fid}")
    assert status == 404


@check
def followed_tags():
    status, _, tag = api(f.alice, "GET", "/api/v1/tags/Quitter")
    assert status == 200 and tag["name"] == "Quitter" and tag["following"] is False, tag
    status, _, tag = api(f.alice, "POST", "/api/v1/tags/Quitter/follow")
    assert status == 200 and tag["following"] is True, tag
    assert tag["url"] == f.alice.base + "/tags/Quitter"
    api(f.alice, "POST", "/api/v1/tags/fediverse/follow")
    status, headers, tags = api(f.alice, "GET", "/api/v1/followed_tags")
    assert [t["name"] for t in tags] == ["fediverse", "Quitter"], tags
    assert "Link" in headers
    # Case does not make another tag.
    status, _, tag = api(f.alice, "GET", "/api/v1/tags/quitter")
    assert tag["following"] is True, tag
    status, _, tag = api(f.alice, "POST", "/api/v1/tags/quitter/unfollow")
    assert tag["following"] is False
    assert f.alice.query("SELECT name FROM followed_tags") == [("fediverse",)]
    status, _, _ = api(f.alice, "GET", "/api/v1/tags/not%20a%20tag")
    assert status == 404


# ---- Hostile input -----------------------------------------------------------------------

@check
def huge_limits_are_clamped():
    for i in range(205):
        status, _, _ = api(f.alice, "POST", f"/api/v1/tags/clamp{i}/follow")
        assert status == 200
    # Mastodon's largest page of followed tags is 200.
    status, headers, tags = api(f.alice, "GET", "/api/v1/followed_tags?limit=100000")
    assert status == 200 and len(tags) == 200, (status, len(tags))
    next_url = headers["Link"].split(">")[0].lstrip("<")
    status, _, rest = api(f.alice, "GET", next_url[len(f.alice.base):])
    assert status == 200 and len(rest) == 6, (status, len(rest))
    status, _, tags = api(f.alice, "GET", "/api/v1/followed_tags?limit=3")
    assert len(tags) == 3
    for path in ("/api/v1/blocks", "/api/v1/mutes", "/api/v1/follow_requests",
                 "/api/v1/accounts/1/following", "/api/v1/accounts/search?q=a"):
        status, _, body = api(f.alice, "GET", path + ("&" if "?" in path else "?") +
                              "limit=99999999999999999999")
        assert status == 200 and isinstance(body, list), (path, status, body)


def raw_request(node, head):
    """Sends @head (request line and headers, no body) and returns the status line."""
    with socket.create_connection(("127.0.0.1", node.port), timeout=30) as sock:
        sock.sendall(head.encode())
        return sock.recv(4096).decode(errors="replace").split("\r\n")[0]


@check
def oversized_uploads_get_413():
    media = count(f.alice, "media")
    # Refused from the Content-Length alone, before a byte of the body is read: with
    # `Expect: 100-continue` as clients send large bodies, and without.
    for expect in ("Expect: 100-continue\r\n", ""):
        line = raw_request(f.alice, "POST /api/v2/media HTTP/1.1\r\nHost: x\r\n"
                           f"Authorization: Bearer {f.alice.api_token}\r\n"
                           "Content-Type: multipart/form-data; boundary=b\r\n" + expect +
                           "Content-Length: 500000000\r\n\r\n")
        assert " 413 " in line, (expect, line)
    # An upload of unknown length is not read.
    line = raw_request(f.alice, "POST /api/v2/media HTTP/1.1\r\nHost: x\r\n"
                       f"Authorization: Bearer {f.alice.api_token}\r\n"
                       "Content-Type: multipart/form-data; boundary=b\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n")
    assert " 411 " in line, line
    # An image larger than images may be (16 MB), within the body limit.
    content_type, body = multipart({}, {"file": ("big.png", "image/png",
                                                 png(2, 2, b"\0" * (17 * 1024 * 1024)))})
    status, _, error = api(f.alice, "POST", "/api/v2/media", body=body,
                           content_type=content_type)
    assert status == 413, (status, error)
    # A body over 64 KiB elsewhere.
    status, _, _ = api(f.alice, "POST", "/api/v1/lists", body={"title": "x" * 70000})
    assert status == 413
    assert count(f.alice, "media") == media and count(f.alice, "lists") == 0


@check
def png_that_is_html_gets_422():
    media = count(f.alice, "media")
    avatar = f.alice.query("SELECT avatar_id FROM owner")
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    status, error = api_error(lambda: f.a.media_post(html, mime_type="image/png"))
    assert status == 422, (status, error)
    status, error = api_error(lambda: f.a.account_update_credentials(
        avatar=html, avatar_mime_type="image/png"))
    assert status == 422, (status, error)
    # A good avatar is not kept when the rest of the request is refused.
    status, error = api_error(lambda: f.a.account_update_credentials(
        avatar=png(2, 2), avatar_mime_type="image/png", header=html,
        header_mime_type="image/png"))
    assert status == 422, (status, error)
    status, error = api_error(lambda: f.a.account_update_credentials(
        avatar=png(2, 2), avatar_mime_type="image/png", display_name="x" * 31))
    assert status == 422, (status, error)
    assert count(f.alice, "media") == media
    assert f.alice.query("SELECT avatar_id FROM owner") == avatar


@check
def bad_multipart_gets_400():
    media = count(f.alice, "media")
    body = b"--wrong\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nxx"
    status, _, error = api(f.alice, "POST", "/api/v2/media", body=body,
                           content_type="multipart/form-data; boundary=other")
    assert status == 400, (status, error)
    # A form without the file.
    status, _, error = api(f.alice, "POST", "/api/v2/media", form={"description": "no file"})
    assert status == 422, (status, error)
    assert count(f.alice, "media") == media


@check
def bad_ids_get_404():
    for method, path in (("POST", "/api/v1/accounts/-1/follow"),
                         ("POST", "/api/v1/accounts/abc/block"),
                         ("POST", "/api/v1/accounts/0/mute"),
                         ("POST", "/api/v1/accounts/99999999/follow"),
                         ("POST", f"/api/v1/accounts/{f.bob_id}/explode"),
                         ("GET", "/api/v1/accounts/-5/followers"),
                         ("GET", "/api/v1/lists/abc"),
                         ("GET", "/api/v1/lists/-1/accounts"),
                         ("GET", "/api/v1/media/-5"),
                         ("PUT", "/api/v1/media/abc"),
                         ("GET", "/api/v2/filters/xyz"),
                         ("DELETE", "/api/v2/filters/keywords/-3"),
                         ("POST", "/api/v1/follow_requests/-2/authorize")):
        status, _, body = api(f.alice, method, path)
        assert status == 404, (method, path, status, body)
    assert count(f.alice, "mutes") == 0 and count(f.alice, "blocks") == 0


@check
def wrong_scopes_get_403():
    reader = f.alice.token("read")
    status, _, body = api(f.alice, "POST", f"/api/v1/accounts/{f.bob_id}/block", token=reader)
    assert status == 403 and body["error"] == OUT_OF_SCOPE, (status, body)
    lists_only = f.alice.token("read:lists")
    for method, path in (("GET", "/api/v1/blocks"), ("POST", "/api/v1/lists"),
                         ("GET", "/api/v2/filters"), ("POST", "/api/v2/media"),
                         ("PATCH", "/api/v1/accounts/update_credentials"),
                         ("POST", "/api/v1/tags/x/follow")):
        status, _, body = api(f.alice, method, path, token=lists_only)
        assert status == 403, (method, path, status, body)
    assert count(f.alice, "blocks") == 0 and count(f.alice, "lists") == 0


@check
def invalid_bodies_are_refused_and_nothing_stored():
    before = [count(f.alice, t) for t in ("lists", "filters", "filter_keywords", "markers")]
    status, _, _ = api(f.alice, "POST", "/api/v1/lists", body=b"{not json",
                       content_type="application/json")
    assert status == 400
    status, _, _ = api(f.alice, "POST", "/api/v2/filters", body=b"[1, 2",
                       content_type="application/json")
    assert status == 400
    for form in ({"title": "x", "context[]": "everywhere"},
                 {"title": "x", "context[]": "home", "filter_action": "explode"},
                 {"title": "", "context[]": "home"},
                 {"title": "x", "context[]": "home", "expires_in": "-4"},
                 {"title": "x", "context[]": "home", "keywords_attributes[][keyword]": " "}):
        status, _, body = api(f.alice, "POST", "/api/v2/filters", form=form)
        assert status == 422, (form, status, body)
    status, _, _ = api(f.alice, "POST", "/api/v1/lists",
                       form={"title": "x", "replies_policy": "everyone"})
    assert status == 422
    status, _, _ = api(f.alice, "POST", "/api/v1/markers", form={"home[last_read_id]": ""})
    assert status == 422
    content_type, body = multipart({"focus": "9,9"}, {"file": ("a.png", "image/png", png(2, 2))})
    media = count(f.alice, "media")
    status, _, _ = api(f.alice, "POST", "/api/v2/media", body=body, content_type=content_type)
    assert status == 422 and count(f.alice, "media") == media
    status, error = api_error(lambda: f.a.account_update_credentials(
        fields=[("a", "b")] * 3 + [("x" * 300, "y")]))
    assert status == 422, (status, error)
    assert [count(f.alice, t) for t in ("lists", "filters", "filter_keywords", "markers")] == \
        before


@check
def nodes_logged_no_criticals():
    for node in (f.alice, f.bob, f.carol):
        log = node.stop()
        assert "CRITICAL" not in log and "assertion" not in log, log[-2000:]


def setup(parent):
    f.alice = Node(parent, "alice")
    f.bob = Node(parent, "bob")
    f.carol = Node(parent, "carol")
    for node in (f.alice, f.bob, f.carol):
        node.api_token = node.token()
    f.a = f.alice.client()
    f.b = f.bob.client()
    f.c = f.carol.client()


if __name__ == "__main__":
    sys.exit(run(setup))
