#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Mastodon.py, a client nobody here wrote, against a real quitter-node on loopback.

Usage: test_mastodon_py.py PATH-TO-QUITTER-NODE

Starts two nodes (alice's, which the client uses, and bob's, which follows alice so that her
node knows a remote account), sets alice's password, then signs in the way apps do: register,
authorization code with PKCE through the node's HTML page, token, API calls, revoke. Every
refusal is checked too: bad tokens, scopes, PKCE verifiers, codes, redirect URIs and passwords
get the right 4xx, and node.db holds no token they could have issued. Prints TAP.
"""

import base64
import json
import secrets
import sys
import time
import urllib.parse

import requests  # noqa: F401  (Mastodon.py's own dependency; its absence is reported early)

from quitter_node import (INVALID_TOKEN, OUT_OF_SCOPE, PASSWORD, SCOPES, Mastodon, Node,
                          api_error, check, free_port, http, mastodon, parse_form, pkce_pair,
                          run, run_node)


class Fixture:
    pass


f = Fixture()


def authorize(url_extra="", password=PASSWORD, redirect_uri=None, scopes=None,
              decision="approve", headers=None):
    """Drives the node's sign-in page as a browser would. Returns the POST's response."""
    api = Mastodon(client_id=f.client_id, client_secret=f.client_secret, api_base_url=f.alice.base)
    url = api.auth_request_url(redirect_uris=redirect_uri or f.redirect_uri,
                               scopes=scopes or SCOPES, state="st4te") + url_extra
    status, _, page = http("GET", url, headers=headers)
    assert status == 200, (status, page)
    form = parse_form(page)
    assert form.action == "/oauth/authorize"
    fields = dict(form.fields, password=password, decision=decision)
    return http("POST", f.alice.base + form.action, fields, headers=headers)


def code_from(response):
    status, headers, body = response
    assert status == 302, (status, body)
    location = urllib.parse.urlsplit(headers["Location"])
    query = urllib.parse.parse_qs(location.query)
    assert location.netloc == f"127.0.0.1:{f.other_port}", location
    assert query["state"] == ["st4te"], query
    return query["code"][0]


def token_request(**fields):
    data = dict(client_id=f.client_id, client_secret=f.client_secret,
                grant_type="authorization_code", redirect_uri=f.redirect_uri)
    data.update(fields)
    status, _, body = http("POST", f.alice.base + "/oauth/token",
                           {k: v for k, v in data.items() if v is not None})
    return status, json.loads(body)


# ---- the checks, in order -------------------------------------------------------------------

@check
def password_is_set_from_stdin():
    result = run_node("password", "--data-dir", f.alice.data, stdin="short\n")
    assert result.returncode == 1 and "8" in result.stderr, result.stderr
    result = run_node("password", "--data-dir", f.alice.data, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    stored = f.alice.query("SELECT password_hash FROM owner")[0][0]
    scheme, iterations, salt, digest = stored.split("$")
    assert scheme == "pbkdf2-sha256" and int(iterations) >= 600000, stored
    assert PASSWORD not in stored


@check
def discovery_document():
    status, headers, body = http("GET", f.alice.base + "/.well-known/oauth-authorization-server")
    assert status == 200
    meta = json.loads(body)
    assert meta["authorization_endpoint"] == f.alice.base + "/oauth/authorize"
    assert meta["token_endpoint"] == f.alice.base + "/oauth/token"
    assert meta["revocation_endpoint"] == f.alice.base + "/oauth/revoke"
    assert meta["app_registration_endpoint"] == f.alice.base + "/api/v1/apps"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "password" not in meta["grant_types_supported"]
    assert {"read", "write", "follow", "push", "profile", "read:accounts"} <= set(
        meta["scopes_supported"])


@check
def create_app():
    f.registered_port = free_port()
    f.other_port = free_port()
    while f.other_port == f.registered_port:
        f.other_port = free_port()
    registered = f"http://127.0.0.1:{f.registered_port}/callback"
    f.client_id, f.client_secret = Mastodon.create_app(
        "Interop test", scopes=SCOPES, redirect_uris=[registered, "urn:ietf:wg:oauth:2.0:oob"],
        website="https://example.org/app", api_base_url=f.alice.base)
    assert f.client_id and f.client_secret
    # RFC 8252 §7.3: the loopback port may differ from the registered one.
    f.redirect_uri = f"http://127.0.0.1:{f.other_port}/callback"
    stored = f.alice.query("SELECT secret_hash FROM oauth_apps")
    assert all(f.client_secret not in row[0] for row in stored)


@check
def app_registration_is_validated():
    status, _, body = http("POST", f.alice.base + "/api/v1/apps",
                           {"client_name": "x", "redirect_uris": "not a uri"})
    assert status == 422 and "error" in json.loads(body), (status, body)
    status, _, body = http("POST", f.alice.base + "/api/v1/apps",
                           {"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                            "scopes": "read admin:read"})
    assert status == 422, (status, body)
    # JSON, with the redirect URIs as an array, as newer clients send them.
    status, _, body = http("POST", f.alice.base + "/api/v1/apps", raw=json.dumps({
        "client_name": "JSON app", "scopes": "read write",
        "redirect_uris": ["http://127.0.0.1:1/a", "urn:ietf:wg:oauth:2.0:oob"]}).encode(),
        headers={"Content-Type": "application/json"})
    assert status == 200, body
    app = json.loads(body)
    assert app["redirect_uris"] == ["http://127.0.0.1:1/a", "urn:ietf:wg:oauth:2.0:oob"]
    assert app["scopes"] == ["read", "write"] and app["name"] == "JSON app"
    # Multipart, as clients send forms that carry files.
    response = requests.post(f.alice.base + "/api/v1/apps", files={
        "client_name": (None, "Multipart app"),
        "redirect_uris": (None, "urn:ietf:wg:oauth:2.0:oob"),
        "scopes": (None, "read")}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Multipart app"
    for raw, content_type, expected in ((b"{not json", "application/json", 400),
                                        (b"[1, 2]", "application/json", 400),
                                        (b"client_name=%zz", "application/x-www-form-urlencoded",
                                         400),
                                        (b"<x/>", "application/xml", 415),
                                        (b"a=" + b"x" * 70000,
                                         "application/x-www-form-urlencoded", 413)):
        status, _, body = http("POST", f.alice.base + "/api/v1/apps", raw=raw,
                               headers={"Content-Type": content_type})
        assert status == expected and "error" in json.loads(body), (raw[:20], status, body)


@check
def authorization_code_with_pkce_s256():
    before = f.alice.tokens_issued()
    verifier, challenge = pkce_pair()
    extra = "&" + urllib.parse.urlencode({"code_challenge": challenge,
                                          "code_challenge_method": "S256"})
    code = code_from(authorize(extra))
    status, token = token_request(code=code, code_verifier=verifier)
    assert status == 200, token
    assert token["token_type"] == "Bearer"
    assert set(token["scope"].split()) == set(SCOPES)
    assert isinstance(token["created_at"], int)
    f.token = token["access_token"]
    assert len(base64.urlsafe_b64decode(f.token + "==")) >= 32
    assert f.alice.tokens_issued() == before + 1
    # The code serves once.
    status, error = token_request(code=code, code_verifier=verifier)
    assert status == 400 and error["error"] == "invalid_grant", error
    assert f.alice.tokens_issued() == before + 1


@check
def verify_credentials():
    f.api = Mastodon(access_token=f.token, api_base_url=f.alice.base)
    me = f.api.account_verify_credentials()
    assert me["username"] == "alice" and me["acct"] == "alice", me
    assert me["display_name"] == "Alice"
    assert isinstance(me["id"], (int, str))
    assert me["source"]["privacy"] == "public"
    assert me["avatar"].startswith(f.alice.base) and me["header_static"].startswith(f.alice.base)
    assert me["url"] == f.alice.base + "/@alice"
    assert me["emojis"] == [] and me["fields"] == []
    assert me["created_at"].hour == 0 and me["created_at"].minute == 0
    f.me = me
    app = f.api.app_verify_credentials()
    assert app["name"] == "Interop test" and app["website"] == "https://example.org/app"
    assert "client_secret" not in app and set(app["scopes"]) == set(SCOPES)
    status, headers, _ = http("GET", me["avatar"])
    assert status == 200 and headers["Content-Type"] == "image/png"


@check
def instance_v1():
    instance = f.api.instance()
    assert instance["uri"] == f"127.0.0.1:{f.alice.port}"
    assert instance["version"].startswith("4.3.0 (compatible; Quitter ")
    config = instance["configuration"]
    assert config["statuses"]["max_characters"] == 500
    assert config["statuses"]["max_media_attachments"] == 4
    assert config["statuses"]["characters_reserved_per_url"] == 23
    assert "image/png" in config["media_attachments"]["supported_mime_types"]
    assert instance["registrations"] is False
    assert instance["contact_account"]["acct"] == "alice"
    assert instance["rules"] == []
    assert instance["urls"]["streaming_api"] == f"ws://127.0.0.1:{f.alice.port}"
    assert f.api.verify_minimum_version("4.3.0", cached=True)


@check
def instance_v2():
    # Mastodon.py 1.8 has no instance_v2(): read it as a client would.
    status, _, body = http("GET", f.alice.base + "/api/v2/instance")
    assert status == 200
    instance = json.loads(body)
    assert instance["domain"] == f"127.0.0.1:{f.alice.port}"
    assert instance["configuration"]["urls"]["streaming"] == f"ws://127.0.0.1:{f.alice.port}"
    assert instance["configuration"]["statuses"]["max_characters"] == 500
    assert instance["registrations"]["enabled"] is False
    assert instance["contact"]["account"]["username"] == "alice"
    assert instance["languages"] and instance["rules"] == []


@check
def accounts_by_id_and_lookup():
    me = f.api.account(f.me["id"])
    assert me["acct"] == "alice" and "source" not in me
    assert f.api.account_lookup("alice")["id"] == f.me["id"]
    assert f.api.account_lookup(f"@alice@127.0.0.1:{f.alice.port}")["id"] == f.me["id"]
    bob = f.api.account_lookup(f"bob@127.0.0.1:{f.bob.port}")
    assert bob["acct"] == f"bob@127.0.0.1:{f.bob.port}", bob
    assert bob["username"] == "bob" and bob["display_name"] == "Bob"
    assert bob["id"] != f.me["id"]
    again = f.api.account(bob["id"])
    assert again["url"] == bob["url"] and again["avatar"]
    for missing in ("999999", "-1", "0", "abc"):
        status, message = api_error(lambda: f.api.account(missing))
        assert status == 404 and message == "Record not found", (missing, status, message)
    status, message = api_error(lambda: f.api.account_lookup("nobody@example.org"))
    assert status == 404


@check
def log_in_with_code_without_pkce():
    api = Mastodon(client_id=f.client_id, client_secret=f.client_secret,
                   api_base_url=f.alice.base)
    code = code_from(authorize())
    token = api.log_in(code=code, redirect_uri=f.redirect_uri, scopes=SCOPES)
    assert token and token != f.token
    assert api.account_verify_credentials()["acct"] == "alice"
    f.second = api


@check
def out_of_band_code_is_shown():
    _, _, page = authorize(redirect_uri="urn:ietf:wg:oauth:2.0:oob")
    start = page.index('<code id="code">') + len('<code id="code">')
    code = page[start:page.index("</code>", start)]
    api = Mastodon(client_id=f.client_id, client_secret=f.client_secret,
                   api_base_url=f.alice.base)
    assert api.log_in(code=code, scopes=SCOPES)


@check
def bad_pkce_verifier_issues_nothing():
    before = f.alice.tokens_issued()
    verifier, challenge = pkce_pair()
    extra = "&" + urllib.parse.urlencode({"code_challenge": challenge,
                                          "code_challenge_method": "S256"})
    code = code_from(authorize(extra))
    wrong, _ = pkce_pair()
    status, error = token_request(code=code, code_verifier=wrong)
    assert status == 400 and error["error"] == "invalid_grant", error
    # Burnt: the right verifier no longer helps.
    status, error = token_request(code=code, code_verifier=verifier)
    assert status == 400 and error["error"] == "invalid_grant", error
    # Mastodon.py's log_in sends no verifier at all: refused too.
    code = code_from(authorize(extra))
    api = Mastodon(client_id=f.client_id, client_secret=f.client_secret,
                   api_base_url=f.alice.base)
    try:
        api.log_in(code=code, redirect_uri=f.redirect_uri, scopes=SCOPES)
        raise AssertionError("a PKCE code was accepted without a verifier")
    except mastodon.MastodonIllegalArgumentError:
        pass
    assert f.alice.tokens_issued() == before


@check
def wrong_redirect_uri_issues_nothing():
    before = f.alice.tokens_issued()
    code = code_from(authorize())
    status, error = token_request(code=code, redirect_uri=f"http://127.0.0.1:{f.other_port}/x")
    assert status == 400 and error["error"] == "invalid_grant", error
    # An unregistered redirect URI gets a page, never a redirect.
    api = Mastodon(client_id=f.client_id, client_secret=f.client_secret, api_base_url=f.alice.base)
    url = api.auth_request_url(redirect_uris="https://evil.example/cb", scopes=SCOPES)
    status, headers, page = http("GET", url)
    assert status == 400 and "Location" not in headers and 'role="alert"' in page
    url = api.auth_request_url(redirect_uris=f"http://localhost:{f.other_port}/callback",
                               scopes=SCOPES)
    status, headers, _ = http("GET", url)
    assert status == 400 and "Location" not in headers
    assert f.alice.tokens_issued() == before


@check
def unknown_client_and_bad_secret_are_refused():
    before = f.alice.tokens_issued()
    status, error = token_request(code="x", client_secret="wrong")
    assert status == 401 and error["error"] == "invalid_client", error
    status, error = token_request(code="x", client_id="nobody")
    assert status == 401 and error["error"] == "invalid_client", error
    status, _, page = http("GET", f.alice.base + "/oauth/authorize?response_type=code"
                           "&client_id=nobody&redirect_uri=urn:ietf:wg:oauth:2.0:oob")
    assert status == 400 and "<form" not in page
    assert f.alice.tokens_issued() == before


@check
def password_grant_is_not_offered():
    api = Mastodon(client_id=f.client_id, client_secret=f.client_secret, api_base_url=f.alice.base)
    try:
        api.log_in(username="alice", password=PASSWORD, scopes=SCOPES)
        raise AssertionError("the password grant was accepted")
    except mastodon.MastodonIllegalArgumentError as error:
        assert "unsupported_grant_type" in str(error), error


@check
def wrong_password_shows_the_form_again():
    before = f.alice.tokens_issued()
    status, headers, page = authorize(password="not the password")
    assert status == 401 and "Location" not in headers, status
    form = parse_form(page)
    assert form.alert and form.fields.get("authenticity_token")
    assert f.alice.tokens_issued() == before


@check
def forged_form_is_refused():
    status, headers, _ = http("POST", f.alice.base + "/oauth/authorize", {
        "authenticity_token": "forged", "response_type": "code", "client_id": f.client_id,
        "redirect_uri": f.redirect_uri, "scope": "read", "password": PASSWORD,
        "decision": "approve"})
    assert status == 403 and "Location" not in headers


@check
def denying_redirects_with_access_denied():
    status, headers, _ = authorize(decision="deny")
    assert status == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["Location"]).query)
    assert query["error"] == ["access_denied"] and "code" not in query


@check
def page_speaks_the_visitors_language():
    api = Mastodon(client_id=f.client_id, client_secret=f.client_secret, api_base_url=f.alice.base)
    url = api.auth_request_url(redirect_uris=f.redirect_uri, scopes=SCOPES)
    for accept, lang in (("sv-SE,sv;q=0.9,en;q=0.5", "sv"), ("es", "es"), ("de, fr", "en")):
        status, headers, page = http("GET", url, headers={"Accept-Language": accept})
        assert status == 200 and headers["Content-Language"] == lang, (accept, headers)
        assert f'<html lang="{lang}">' in page
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, csp
    assert "<script" not in page and "<link" not in page and "src=" not in page


@check
def bad_tokens_get_401():
    for token in ("", "not-a-token", f.token + "x", secrets.token_urlsafe(32)):
        status, _, body = http("GET", f.alice.base + "/api/v1/accounts/verify_credentials",
                               headers={"Authorization": "Bearer " + token} if token else {})
        assert status == 401 and json.loads(body) == {"error": INVALID_TOKEN}, (token, body)
    status, headers, _ = http("GET", f.alice.base + "/api/v1/accounts/verify_credentials")
    assert 'error="invalid_token"' in headers["WWW-Authenticate"], headers
    bad = Mastodon(access_token="garbage", api_base_url=f.alice.base)
    status, message = api_error(bad.account_verify_credentials)
    assert status == 401 and message == INVALID_TOKEN
    # Public endpoints too refuse a token that is not valid, as Mastodon does.
    status, message = api_error(lambda: bad.account(f.me["id"]))
    assert status == 401


@check
def scopes_are_enforced():
    result = run_node("token", "--data-dir", f.alice.data, "--scopes", "write push")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    write_only = result.stdout.strip()
    assert "\n" not in write_only and len(write_only) >= 43
    api = Mastodon(access_token=write_only, api_base_url=f.alice.base)
    status, message = api_error(api.account_verify_credentials)
    assert status == 403 and message == OUT_OF_SCOPE, (status, message)
    assert api.app_verify_credentials()["name"] == "quitter-node"
    # Public endpoints check the scopes of a token that comes along.
    status, message = api_error(lambda: api.account(f.me["id"]))
    assert status == 403 and message == OUT_OF_SCOPE
    for scopes in ("read", "read:accounts", "profile", "read:statuses read:accounts"):
        token = run_node("token", "--data-dir", f.alice.data, "--scopes", scopes).stdout.strip()
        me = Mastodon(access_token=token, api_base_url=f.alice.base).account_verify_credentials()
        assert me["acct"] == "alice", scopes
    token = run_node("token", "--data-dir", f.alice.data, "--scopes", "read:statuses").stdout
    api = Mastodon(access_token=token.strip(), api_base_url=f.alice.base)
    status, message = api_error(api.account_verify_credentials)
    assert status == 403 and message == OUT_OF_SCOPE
    result = run_node("token", "--data-dir", f.alice.data, "--scopes", "read admin")
    assert result.returncode == 2 and result.stdout == "" and "admin" in result.stderr


@check
def asking_for_unregistered_scopes_fails():
    status, _, body = http("POST", f.alice.base + "/api/v1/apps", {
        "client_name": "Reader", "redirect_uris": f"http://127.0.0.1:{f.registered_port}/cb",
        "scopes": "read"})
    reader = json.loads(body)
    api = Mastodon(client_id=reader["client_id"], client_secret=reader["client_secret"],
                   api_base_url=f.alice.base)
    url = api.auth_request_url(redirect_uris=f"http://127.0.0.1:{f.other_port}/cb",
                               scopes=["read", "write"], state="s")
    status, headers, _ = http("GET", url)
    assert status == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["Location"]).query)
    assert query["error"] == ["invalid_scope"] and query["state"] == ["s"]


@check
def client_credentials_token_has_no_user():
    status, _, body = http("POST", f.alice.base + "/oauth/token", {
        "grant_type": "client_credentials", "client_id": f.client_id,
        "client_secret": f.client_secret, "scope": "read"})
    assert status == 200, body
    token = json.loads(body)
    assert token["scope"] == "read"
    api = Mastodon(access_token=token["access_token"], api_base_url=f.alice.base)
    assert api.instance()["uri"]
    assert api.app_verify_credentials()["name"] == "Interop test"
    status, message = api_error(api.account_verify_credentials)
    assert status == 422 and message == "This method requires an authenticated user"
    status, _, body = http("POST", f.alice.base + "/oauth/token", {
        "grant_type": "client_credentials", "client_id": f.client_id,
        "client_secret": f.client_secret, "scope": "read admin:write"})
    assert status == 400 and json.loads(body)["error"] == "invalid_scope"


@check
def cors_as_mastodon():
    status, headers, _ = http("OPTIONS", f.alice.base + "/api/v1/accounts/verify_credentials",
                              headers={"Origin": "https://web.example",
                                       "Access-Control-Request-Method": "GET",
                                       "Access-Control-Request-Headers": "authorization"})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in headers["Access-Control-Allow-Methods"]
    assert headers["Access-Control-Allow-Headers"] == "authorization"
    status, headers, _ = http("GET", f.alice.base + "/api/v1/instance")
    assert headers["Access-Control-Allow-Origin"] == "*" and "Link" in \
        headers["Access-Control-Expose-Headers"]
    status, headers, _ = http("GET", f.alice.base + "/oauth/authorize")
    assert headers.get("Access-Control-Allow-Origin") is None


@check
def revoke_ends_the_token():
    f.second.revoke_access_token()
    status, _, body = http("GET", f.alice.base + "/api/v1/accounts/verify_credentials",
                           headers={"Authorization": "Bearer " + f.token})
    assert status == 200, "revoking one token left the others alone"
    old = f.second
    api = Mastodon(client_id=f.client_id, client_secret=f.client_secret,
                   api_base_url=f.alice.base)
    status, _, body = http("POST", f.alice.base + "/oauth/revoke", {
        "client_id": f.client_id, "client_secret": f.client_secret, "token": f.token})
    assert status == 200 and json.loads(body) == {}
    after = Mastodon(access_token=f.token, api_base_url=f.alice.base)
    status, message = api_error(after.account_verify_credentials)
    assert status == 401 and message == INVALID_TOKEN
    status, message = api_error(lambda: after.account(f.me["id"]))
    assert status == 401 and message == INVALID_TOKEN
    # The instance stays readable: clients read it to find features, token or not.
    assert after.instance()["uri"]
    del old, api


@check
def failed_logins_are_rate_limited():
    before = f.alice.tokens_issued()
    statuses = []
    for _ in range(8):
        status, headers, page = authorize(password="guess " + secrets.token_hex(4))
        statuses.append(status)
        if status == 429:
            break
    assert statuses[-1] == 429, statuses
    assert int(headers["Retry-After"]) > 0
    assert parse_form(page).alert
    # Even the right password waits now.
    status, headers, _ = authorize()
    assert status == 429 and "Location" not in headers
    assert f.alice.tokens_issued() == before


@check
def no_secret_in_the_logs():
    logs = f.alice.stop() + f.bob.stop()
    seen = [s for s in (getattr(f, "token", None), PASSWORD, getattr(f, "client_secret", None))
            if s and s in logs]
    assert not seen, "a token, secret or password is in the logs"


def setup(parent):
    f.alice = Node(parent, "alice")
    f.bob = Node(parent, "bob")
    # bob follows alice: alice's node then knows bob's actor.
    result = run_node("follow", "--data-dir", f.bob.data, f"@alice@127.0.0.1:{f.alice.port}")
    assert result.returncode == 0, result.stderr
    deadline = time.time() + 30
    while time.time() < deadline:
        status, _, _ = http("GET", f.alice.base + "/api/v1/accounts/lookup?acct=" +
                            urllib.parse.quote(f"bob@127.0.0.1:{f.bob.port}"))
        if status == 200:
            break
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(run(setup))
