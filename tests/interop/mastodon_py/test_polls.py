#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Polls through the client API, driven by Mastodon.py against real quitter-node processes
on loopback.

Usage: test_polls.py PATH-TO-QUITTER-NODE

Three nodes: alice posts polls (the client signs in there); bob and carol follow her and
vote through their own nodes' APIs. Votes cross the federation as Notes, the counts come
back in Updates of the Question. Every refusal is checked for what it leaves behind. Prints
TAP.
"""

import json
import sys
import urllib.parse

from quitter_node import Node, api_error, check, http, mastodon, png, run, run_node, wait_for


class Fixture:
    pass


f = Fixture()
POLL_KEYS = {"id", "expires_at", "expired", "multiple", "votes_count", "voters_count",
             "options", "emojis", "voted", "own_votes"}


def raw(node, method, path, token=None, data=None, headers=None, body=None):
    """(status, parsed JSON or text) of a request with a bearer token."""
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = "Bearer " + token
    status, _, text = http(method, node.base + path, data, headers, body)
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def row_of(node, uri):
    rows = node.query("SELECT id FROM statuses WHERE uri = ?", uri)
    return str(rows[0][0]) if rows else None


def arrives(node, uri, what):
    return wait_for(lambda: row_of(node, uri), what)


def votes(poll):
    return [option["votes_count"] for option in poll["options"]]


def count_statuses(node):
    return node.query("SELECT count(*) FROM statuses")[0][0]


# ---- posting ---------------------------------------------------------------------------------

@check
def post_with_a_poll():
    status = f.alice_api.status_post("Tea or coffee?",
                                     poll=f.alice_api.make_poll(["Tea", "Coffee", "Water"], 600))
    poll = status["poll"]
    assert set(poll) == POLL_KEYS, poll.keys()
    assert str(poll["id"]) == str(status["id"]), poll
    assert poll["expired"] is False and poll["multiple"] is False, poll
    assert [o["title"] for o in poll["options"]] == ["Tea", "Coffee", "Water"], poll
    assert votes(poll) == [0, 0, 0] and poll["votes_count"] == 0, poll
    assert poll["voters_count"] == 0 and poll["emojis"] == [], poll
    # As on Mastodon, the author counts as having voted on their own poll.
    assert poll["voted"] is True and poll["own_votes"] == [], poll
    f.poll_uri = status["uri"]
    f.alice_poll_id = str(status["id"])
    # The same poll again, read alone and within the status.
    assert f.alice_api.poll(f.alice_poll_id)["options"] == poll["options"]
    assert f.alice_api.status(f.alice_poll_id)["poll"]["id"] == poll["id"]


@check
def served_as_a_question():
    status, _, text = http("GET", f.poll_uri, headers={"Accept": "application/activity+json"})
    assert status == 200, status
    question = json.loads(text)
    assert question["type"] == "Question", question
    assert [o["name"] for o in question["oneOf"]] == ["Tea", "Coffee", "Water"], question
    assert question["oneOf"][0]["replies"] == {"type": "Collection", "totalItems": 0}, question
    assert "endTime" in question and "anyOf" not in question, question


@check
def poll_reaches_the_followers():
    f.bob_poll_id = arrives(f.bob, f.poll_uri, "bob's node has alice's poll")
    f.carol_poll_id = arrives(f.carol, f.poll_uri, "carol's node has alice's poll")
    poll = f.bob_api.status(f.bob_poll_id)["poll"]
    assert [o["title"] for o in poll["options"]] == ["Tea", "Coffee", "Water"], poll
    assert poll["voted"] is False and poll["own_votes"] == [], poll
    assert poll["expires_at"] is not None and poll["expired"] is False, poll


@check
def vote_counts_at_the_author():
    f.bob_api.poll_vote(f.bob_poll_id, 1)
    poll = f.bob_api.poll(f.bob_poll_id)
    assert poll["voted"] is True and poll["own_votes"] == [1], poll
    assert votes(poll)[1] == 1, poll
    wait_for(lambda: votes(f.alice_api.poll(f.alice_poll_id)) == [0, 1, 0],
             "alice's node counted bob's vote")
    assert f.alice_api.poll(f.alice_poll_id)["voters_count"] == 1
    # A vote is no post: alice follows nobody, and her node keeps no post of others.
    assert f.alice.query("SELECT count(*) FROM statuses WHERE actor_id IS NOT NULL")[0][0] == 0


@check
def votes_refused():
    cases = [
        # Once is enough.
        (f.bob, f.bob_token, f.bob_poll_id, {"choices[]": ["0"]}, 422, "already voted"),
        # Not on one's own poll.
        (f.alice, f.alice_token, f.alice_poll_id, {"choices[]": ["0"]}, 422, "own poll"),
        # No such option; two options of a single-choice poll; none at all.
        (f.carol, f.carol_token, f.carol_poll_id, {"choices[]": ["5"]}, 422, None),
        (f.carol, f.carol_token, f.carol_poll_id, {"choices[]": ["0", "2"]}, 422, None),
        (f.carol, f.carol_token, f.carol_poll_id, {}, 422, None),
        (f.carol, f.carol_token, f.carol_poll_id, {"choices[]": ["x"]}, 422, None),
        # No such poll: a status without one, a status that does not exist.
        (f.alice, f.alice_token, f.plain_id, {"choices[]": ["0"]}, 404, "Record not found"),
        (f.alice, f.alice_token, "999999", {"choices[]": ["0"]}, 404, "Record not found"),
    ]
    for node, token, poll_id, data, want, message in cases:
        status, answer = raw(node, "POST", f"/api/v1/polls/{poll_id}/votes", token,
                             body=urllib.parse.urlencode(data, doseq=True).encode(),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == want, (data, status, answer)
        assert message is None or message in answer["error"], (data, answer)
    # Mastodon.py sees the same.
    status, text = api_error(lambda: f.bob_api.poll_vote(f.bob_poll_id, 2))
    assert status == 422, (status, text)
    # Nothing changed anywhere.
    assert votes(f.alice_api.poll(f.alice_poll_id)) == [0, 1, 0]
    assert f.carol_api.poll(f.carol_poll_id)["own_votes"] == []
    # Without a token: no vote; reading a public poll is fine, without own votes.
    status, answer = raw(f.alice, "POST", f"/api/v1/polls/{f.alice_poll_id}/votes",
                         data={"choices[]": "0"})
    assert status == 401, (status, answer)
    status, answer = raw(f.alice, "GET", f"/api/v1/polls/{f.alice_poll_id}")
    assert status == 200 and "own_votes" not in answer and "voted" not in answer, answer
    status, answer = raw(f.alice, "GET", f"/api/v1/polls/{f.plain_id}")
    assert status == 404, (status, answer)


@check
def counts_come_back_in_an_update():
    f.carol_api.poll_vote(f.carol_poll_id, [1])
    wait_for(lambda: votes(f.alice_api.poll(f.alice_poll_id)) == [0, 2, 0],
             "alice's node counted carol's vote")
    # Bob counted his own vote alone: two votes can only come from alice's Update.
    wait_for(lambda: votes(f.bob_api.poll(f.bob_poll_id)) == [0, 2, 0] and
             f.bob_api.poll(f.bob_poll_id)["voters_count"] == 2,
             "bob's node has the counts of alice's Update")
    assert f.bob_api.poll(f.bob_poll_id)["own_votes"] == [1]
    # New counts are no edit.
    assert f.bob_api.status(f.bob_poll_id)["edited_at"] is None


@check
def multiple_choice():
    status = f.alice_api.status_post("Which ones?", poll=f.alice_api.make_poll(
        ["A", "B", "C"], 3600, multiple=True))
    assert status["poll"]["multiple"] is True, status["poll"]
    _, _, text = http("GET", status["uri"], headers={"Accept": "application/activity+json"})
    question = json.loads(text)
    assert [o["name"] for o in question["anyOf"]] == ["A", "B", "C"] and \
        "oneOf" not in question, question
    bob_id = arrives(f.bob, status["uri"], "bob's node has the second poll")
    f.bob_api.poll_vote(bob_id, [0, 2])
    assert f.bob_api.poll(bob_id)["own_votes"] == [0, 2]
    wait_for(lambda: votes(f.alice_api.poll(status["id"])) == [1, 0, 1],
             "alice's node counted both of bob's choices")
    poll = f.alice_api.poll(status["id"])
    assert poll["votes_count"] == 2 and poll["voters_count"] == 1, poll


@check
def hidden_totals():
    status = f.alice_api.status_post("Secret ballot", poll=f.alice_api.make_poll(
        ["Yes", "No"], 600, hide_totals=True))
    # The author sees the counts; anyone else not before the end.
    assert votes(status["poll"]) == [0, 0], status["poll"]
    code, answer = raw(f.alice, "GET", f"/api/v1/polls/{status['id']}")
    assert code == 200 and votes(answer) == [None, None], answer


@check
def posts_with_bad_polls_are_refused():
    before = count_statuses(f.alice)
    media = f.alice_api.media_post(f.png, mime_type="image/png")
    long_option = "x" * 51
    cases = [
        ({"status": "hi", "poll[options][]": ["a"], "poll[expires_in]": "600"},
         "Validation failed: Poll must have at least 2 options"),
        ({"status": "hi", "poll[options][]": ["a", "b", "c", "d", "e"],
          "poll[expires_in]": "600"},
         "Validation failed: Poll must not have more than 4 options"),
        ({"status": "hi", "poll[options][]": ["a", long_option], "poll[expires_in]": "600"},
         "Validation failed: Poll options must be from 1 to 50 characters"),
        ({"status": "hi", "poll[options][]": ["a", "a"], "poll[expires_in]": "600"},
         "Validation failed: Poll options must be different"),
        ({"status": "hi", "poll[options][]": ["a", "b"], "poll[expires_in]": "10"},
         "Validation failed: Poll must stay open at least 300 seconds"),
        ({"status": "hi", "poll[options][]": ["a", "b"], "poll[expires_in]": "2629747"},
         "Validation failed: Poll must close within 2629746 seconds"),
        ({"status": "hi", "poll[options][]": ["a", "b"]},
         "Validation failed: Poll must stay open at least 300 seconds"),
        ({"status": "hi", "poll[options][]": ["a", "b"], "poll[expires_in]": "600",
          "media_ids[]": [str(media["id"])]},
         "Validation failed: A post cannot have both media and a poll"),
        ({"status": "", "poll[options][]": ["a", "b"], "poll[expires_in]": "600"},
         "Validation failed: Text can't be blank"),
    ]
    for data, message in cases:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        status, answer = raw(f.alice, "POST", "/api/v1/statuses", f.alice_token, body=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 422, (data, status, answer)
        assert answer["error"] == message, (data, answer)
    # A poll cannot be edited in.
    status, answer = raw(f.alice, "PUT", f"/api/v1/statuses/{f.plain_id}", f.alice_token,
                         {"status": "edited", "poll[options][]": "a",
                          "poll[expires_in]": "600"})
    assert status == 422, (status, answer)
    assert count_statuses(f.alice) == before
    # A form works as JSON does.
    body = urllib.parse.urlencode({"status": "Form poll", "poll[options][]": ["x", "y"],
                                   "poll[expires_in]": "300", "poll[multiple]": "true"},
                                  doseq=True).encode()
    status, answer = raw(f.alice, "POST", "/api/v1/statuses", f.alice_token, body=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and answer["poll"]["multiple"] is True, answer


@check
def instance_publishes_the_limits():
    limits = {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
              "max_expiration": 2629746}
    for path in ("/api/v1/instance", "/api/v2/instance"):
        status, answer = raw(f.alice, "GET", path)
        assert status == 200, (path, status)
        assert answer["configuration"]["polls"] == limits, (path, answer["configuration"])


@check
def scopes():
    read_only = f.alice.token("read")
    status, answer = raw(f.bob, "POST", f"/api/v1/polls/{f.bob_poll_id}/votes",
                         f.bob.token("read:statuses"), {"choices[]": "0"})
    assert status == 403, (status, answer)
    status, answer = raw(f.alice, "GET", f"/api/v1/polls/{f.alice_poll_id}", read_only)
    assert status == 200 and answer["voted"] is True, answer


def follow(who, whom):
    result = run_node("follow", "--data-dir", who.data, "@" + whom.handle)
    assert result.returncode == 0, result.stderr
    wait_for(lambda: who.query("SELECT count(*) FROM following WHERE accepted = 1")[0][0] >= 1,
             f"{who.user} follows {whom.user}")


def api(node, token):
    return mastodon.Mastodon(access_token=token, api_base_url=node.base,
                             version_check_mode="none")


def setup(parent):
    f.alice = Node(parent, "alice")
    f.bob = Node(parent, "bob")
    f.carol = Node(parent, "carol")
    follow(f.bob, f.alice)
    follow(f.carol, f.alice)
    f.alice_token = f.alice.token()
    f.bob_token = f.bob.token()
    f.carol_token = f.carol.token()
    f.alice_api = api(f.alice, f.alice_token)
    f.bob_api = api(f.bob, f.bob_token)
    f.carol_api = api(f.carol, f.carol_token)
    f.plain_id = str(f.alice_api.status_post("No poll here")["id"])
    f.png = parent + "/square.png"
    with open(f.png, "wb") as out:
        out.write(png(6, 4))


if __name__ == "__main__":
    sys.exit(run(setup))
