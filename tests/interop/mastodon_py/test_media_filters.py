#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Media thumbnails, filters in every context and undone boosts, driven by Mastodon.py against
real quitter-node processes on loopback.

Usage: test_media_filters.py PATH-TO-QUITTER-NODE

Two nodes: alice's (the client signs in there) and bob's; they follow each other, so bob's
posts, replies and mentions reach alice's node by federation. The images are real: PNGs
written here with zlib, a JPEG encoded by gdk-pixbuf through PyGObject; their sizes are read
back from the files' own headers. Prints TAP.
"""

import io
import json
import struct
import sys
import threading
import urllib.error
import urllib.request
import zlib

from quitter_node import (Node, api_error, check, http, mastodon, png, run, run_node,
                          wait_for)

try:
    import gi
    gi.require_version("GdkPixbuf", "2.0")
    from gi.repository import GdkPixbuf
except (ImportError, ValueError):
    print("Bail out! PyGObject with GdkPixbuf is missing: install Debian's python3-gi and "
          "gir1.2-gdkpixbuf-2.0 (build-aux/quitter.sh deps does)")
    sys.exit(1)


class Fixture:
    pass


f = Fixture()
WAIT = 30


# ---- helpers --------------------------------------------------------------------------------

def api(method, path, form=None, body=None):
    """(status, parsed JSON or text) of a request to alice's API with her token."""
    headers = {"Authorization": "Bearer " + f.token}
    raw = None
    if body is not None:
        raw = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    status, _, text = http(method, f.alice.base + path, form, headers, raw)
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def fetch(url, accept=None):
    """(status, headers, bytes) of a GET."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def image_size(data):
    """(format, width, height) read from a PNG's IHDR or a JPEG's start of frame."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        assert data[12:16] == b"IHDR", data[:32]
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    assert data[:2] == b"\xff\xd8", data[:8]
    offset = 2
    while offset + 4 <= len(data):
        assert data[offset] == 0xff, (offset, data[offset:offset + 4])
        marker = data[offset + 1]
        length = struct.unpack(">H", data[offset + 2:offset + 4])[0]
        if 0xc0 <= marker <= 0xcf and marker not in (0xc4, 0xc8, 0xcc):
            height, width = struct.unpack(">HH", data[offset + 5:offset + 9])
            return "jpeg", width, height
        offset += 2 + length
    raise AssertionError("the JPEG has no frame header")


def rgba_png(width, height):
    """A real PNG with an alpha channel: translucent stripes."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    row = b"".join(bytes((200, 40, 40, 255 if x % 2 else 60)) for x in range(width))
    rows = b"".join(b"\x00" + row for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def huge_png_header(width, height):
    """Only a PNG's header, claiming @width × @height: a few dozen bytes."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def jpeg(width, height):
    """A real JPEG of a gradient, encoded by gdk-pixbuf."""
    pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, False, 8, width, height)
    pixbuf.fill(0x3060a0ff)
    ok, data = pixbuf.save_to_bufferv("jpeg", ["quality"], ["90"])
    assert ok
    return bytes(data)


def check_sizes(meta, name, width, height):
    size = meta[name]
    assert (size["width"], size["height"]) == (width, height), (name, meta)
    assert size["size"] == f"{width}x{height}", (name, meta)
    assert abs(size["aspect"] - width / height) < 1e-6, (name, meta)


def check_thumbnail(media, original, thumbnail_format, small):
    """The upload's preview is a thumbnail of @small size, served as an image."""
    assert media.type == "image", media
    assert media.preview_url and media.preview_url != media.url, media
    status, headers, data = fetch(media.preview_url)
    assert status == 200, (status, data[:200])
    assert headers["X-Content-Type-Options"] == "nosniff", dict(headers)
    assert "default-src 'none'" in headers["Content-Security-Policy"], dict(headers)
    assert headers["Content-Type"] == "image/" + thumbnail_format, dict(headers)
    kind, width, height = image_size(data)
    assert kind == thumbnail_format and (width, height) == small, (kind, width, height)
    assert max(width, height) <= 640
    check_sizes(media.meta, "original", *original)
    check_sizes(media.meta, "small", *small)
    # Mastodon's 4 × 4 components: the size flag, then 4 + 2 × 15 characters.
    assert isinstance(media.blurhash, str) and len(media.blurhash) == 36, media.blurhash
    assert media.blurhash[0] == "U", media.blurhash
    # The original is still there, untouched.
    status, _, data = fetch(media.url)
    assert status == 200 and image_size(data)[1:] == original


def row_of(node, uri):
    rows = node.query("SELECT id FROM statuses WHERE uri = ?", uri)
    return str(rows[0][0]) if rows else None


def create_filter(title, context, action, keyword):
    status, made = api("POST", "/api/v2/filters", body={
        "title": title, "context": context, "filter_action": action,
        "keywords_attributes": [{"keyword": keyword}]})
    assert status == 200, (status, made)
    return made


class Collector(mastodon.StreamListener):
    """Keeps what a Mastodon.py stream delivers, filters_changed included."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.events = []

    def add(self, name, value):
        with self.lock:
            self.events.append((name, value))

    def on_update(self, status):
        self.add("update", status)

    def on_notification(self, notification):
        self.add("notification", notification)

    def on_filters_changed(self):
        self.add("filters_changed", None)

    def on_unknown_event(self, name, unknown_event=None):
        self.add(name, unknown_event)

    def on_abort(self, err):
        self.add("abort", str(err))

    def find(self, name, test=lambda value: True):
        with self.lock:
            return [value for event, value in self.events if event == name and test(value)]

    def count(self, name):
        return len(self.find(name))

    def wait(self, name, test, what):
        return wait_for(lambda: self.find(name, test), what, WAIT)[0]


def has_text(text):
    return lambda status: status is not None and text in status["content"]


# ---- media ----------------------------------------------------------------------------------

@check
def png_upload_gets_a_jpeg_thumbnail():
    media = f.api.media_post(io.BytesIO(png(1000, 500, rgb=(10, 120, 200))),
                             mime_type="image/png", description="A blue band")
    check_thumbnail(media, (1000, 500), "jpeg", (640, 320))
    assert media.preview_url.endswith("-small.jpg"), media.preview_url
    # Asked again, the same.
    again = f.api.media(media.id)
    assert again.preview_url == media.preview_url and again.blurhash == media.blurhash
    f.png_media = media


@check
def jpeg_upload_gets_a_jpeg_thumbnail():
    media = f.api.media_post(io.BytesIO(jpeg(600, 1500)), mime_type="image/jpeg")
    check_thumbnail(media, (600, 1500), "jpeg", (256, 640))


@check
def transparent_png_keeps_its_alpha():
    media = f.api.media_post(io.BytesIO(rgba_png(900, 300)), mime_type="image/png")
    check_thumbnail(media, (900, 300), "png", (640, 213))
    assert media.preview_url.endswith("-small.png"), media.preview_url


@check
def small_images_are_not_enlarged():
    media = f.api.media_post(io.BytesIO(png(40, 30)), mime_type="image/png")
    check_thumbnail(media, (40, 30), "jpeg", (40, 30))


@check
def huge_dimensions_are_refused_from_the_header():
    data = huge_png_header(20000, 20000)
    assert len(data) < 200
    before = f.alice.query("SELECT count(*) FROM media")[0][0]
    status, message = api_error(lambda: f.api.media_post(io.BytesIO(data),
                                                         mime_type="image/png"))
    assert status == 422, (status, message)
    assert "20000×20000" in message, message
    assert f.alice.query("SELECT count(*) FROM media")[0][0] == before


@check
def video_and_audio_have_no_preview():
    mp4 = (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp41" + b"\x00" * 64)
    video = f.api.media_post(io.BytesIO(mp4), mime_type="video/mp4")
    assert video.type == "video" and video.preview_url is None, video
    assert video.blurhash is None
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64" + b"\x00" * 64
    audio = f.api.media_post(io.BytesIO(mp3), mime_type="audio/mpeg")
    assert audio.type == "audio" and audio.preview_url is None, audio


@check
def posts_show_the_thumbnail():
    media = f.png_media
    posted = f.api.status_post("A post with a thumbnail", media_ids=[media.id])
    attachment = posted.media_attachments[0]
    assert str(attachment.id) == str(media.id), attachment
    assert attachment.preview_url == media.preview_url, attachment
    assert attachment.blurhash == media.blurhash, attachment
    check_sizes(attachment.meta, "small", 640, 320)
    again = f.api.status(posted.id).media_attachments[0]
    assert again.preview_url == media.preview_url
    f.attached = media
    # The blurhash federates with the Document, as Mastodon's does: bob's node shows it.
    row = wait_for(lambda: row_of(f.bob, posted.uri), "bob's node has alice's post")
    theirs = f.bob_api.status(row).media_attachments[0]
    assert theirs.blurhash == media.blurhash and theirs.remote_url == media.url, theirs


@check
def deleted_media_take_their_thumbnail_along():
    media = f.api.media_post(io.BytesIO(png(700, 700)), mime_type="image/png")
    assert fetch(media.preview_url)[0] == 200
    status, body = api("DELETE", f"/api/v1/media/{media.id}")
    assert status == 200, (status, body)
    assert fetch(media.url)[0] == 404 and fetch(media.preview_url)[0] == 404
    status, body = api("DELETE", f"/api/v1/media/{media.id}")
    assert status == 404, (status, body)
    # Media attached to a post stay.
    status, body = api("DELETE", f"/api/v1/media/{f.attached.id}")
    assert status == 422, (status, body)
    assert fetch(f.attached.preview_url)[0] == 200



# ---- filters ----------------------------------------------------------------------------

@check
def filters_changed_reaches_the_user_stream():
    user = f.user.collector
    before = user.count("filters_changed")
    made = create_filter("Stream test", ["home"], "warn", "kumquat")
    wait_for(lambda: user.count("filters_changed") > before, "filters_changed after create")
    before = user.count("filters_changed")
    status, _ = api("PUT", f"/api/v2/filters/{made['id']}", body={"title": "Renamed"})
    assert status == 200
    wait_for(lambda: user.count("filters_changed") > before, "filters_changed after update")
    before = user.count("filters_changed")
    status, keyword = api("POST", f"/api/v2/filters/{made['id']}/keywords",
                          form={"keyword": "quince"})
    assert status == 200, keyword
    wait_for(lambda: user.count("filters_changed") > before, "filters_changed after a keyword")
    before = user.count("filters_changed")
    status, _ = api("DELETE", f"/api/v2/filters/keywords/{keyword['id']}")
    assert status == 200
    wait_for(lambda: user.count("filters_changed") > before,
             "filters_changed after a keyword's removal")
    before = user.count("filters_changed")
    status, _ = api("DELETE", f"/api/v2/filters/{made['id']}")
    assert status == 200
    wait_for(lambda: user.count("filters_changed") > before, "filters_changed after delete")
    assert not f.public.collector.find("filters_changed"), "only the user stream hears it"
    assert not user.find("abort"), user.find("abort")


@check
def streamed_posts_respect_filters():
    hide = create_filter("No durians", ["home", "public"], "hide", "durian")
    warn = create_filter("Careful, figs", ["home"], "warn", "figs")
    f.bob_api.status_post("Fresh durian at the market")
    f.bob_api.status_post("Dried figs for everyone")
    f.bob_api.status_post("A plain stream marker")
    f.user.collector.wait("update", has_text("A plain stream marker"),
                          "bob's marker reaches alice's user stream")
    warned = f.user.collector.wait("update", has_text("Dried figs"),
                                   "the warned post streams")
    assert warned["filtered"][0]["filter"]["title"] == "Careful, figs", warned["filtered"]
    assert warned["filtered"][0]["keyword_matches"] == ["figs"]
    f.public.collector.wait("update", has_text("A plain stream marker"),
                            "the marker reaches the public stream")
    assert not f.user.collector.find("update", has_text("durian")), "hidden on the user stream"
    assert not f.public.collector.find("update", has_text("durian")), "hidden on public"
    # Only home warns about figs: the public stream carries no match.
    public_figs = f.public.collector.wait("update", has_text("Dried figs"),
                                          "the figs reach the public stream")
    assert public_figs["filtered"] == [], public_figs["filtered"]
    # The home timeline agrees with the stream.
    home = f.api.timeline_home(limit=40)
    assert not any("durian" in s.content for s in home)
    for made in (hide, warn):
        api("DELETE", f"/api/v2/filters/{made['id']}")


@check
def thread_context_is_filtered():
    root = f.api.status_post("Which fruit should I bring?")
    row = wait_for(lambda: row_of(f.bob, root.uri), "bob's node has alice's question")
    hidden = f.bob_api.status_post("Bring a pomelo", in_reply_to_id=row)
    warned = f.bob_api.status_post("Bring some lychee", in_reply_to_id=row)
    plain = f.bob_api.status_post("Bring apples", in_reply_to_id=row)
    for reply in (hidden, warned, plain):
        wait_for(lambda: row_of(f.alice, reply.uri), "alice's node has bob's replies")
    context = f.api.status_context(root.id)
    assert len(context.descendants) == 3, context
    hide = create_filter("No pomelo", ["thread"], "hide", "pomelo")
    warn = create_filter("Lychee ahead", ["thread"], "warn", "lychee")
    context = f.api.status_context(root.id)
    texts = [s.content for s in context.descendants]
    assert len(texts) == 2 and not any("pomelo" in t for t in texts), texts
    lychee = [s for s in context.descendants if "lychee" in s.content][0]
    assert lychee.filtered[0].filter.title == "Lychee ahead", lychee.filtered
    apples = [s for s in context.descendants if "apples" in s.content][0]
    assert apples.filtered == [], apples.filtered
    # From a reply, the question is an ancestor, unfiltered.
    context = f.api.status_context(row_of(f.alice, plain.uri))
    assert [s.uri for s in context.ancestors] == [root.uri], context.ancestors
    # The home timeline is another context: there, nothing is hidden.
    home = f.api.timeline_home(limit=40)
    assert any("pomelo" in s.content for s in home)
    for made in (hide, warn):
        api("DELETE", f"/api/v2/filters/{made['id']}")


@check
def notifications_are_filtered():
    hide = create_filter("No rambutan", ["notifications"], "hide", "rambutan")
    warn = create_filter("Guava warning", ["notifications"], "warn", "guava")
    before = f.user.collector.count("notification")
    f.bob_api.status_post(f"@{f.alice.handle} have a rambutan")
    f.bob_api.status_post(f"@{f.alice.handle} have a guava")
    f.bob_api.status_post(f"@{f.alice.handle} have a pear")
    wait_for(lambda: any("pear" in n.status.content for n in f.api.notifications()
                         if n.get("status")), "bob's mentions reach alice")
    mentions = [n for n in f.api.notifications(types=["mention"]) if n.get("status")]
    assert not any("rambutan" in n.status.content for n in mentions), mentions
    guava = [n for n in mentions if "guava" in n.status.content]
    assert len(guava) == 1 and guava[0].status.filtered[0].filter.title == "Guava warning", guava
    pear = [n for n in mentions if "pear" in n.status.content]
    assert len(pear) == 1 and pear[0].status.filtered == [], pear
    # The stream agrees: the hidden mention is not sent.
    f.user.collector.wait("notification",
                          lambda n: n.get("status") and "pear" in n["status"]["content"],
                          "the pear mention streams")
    streamed = f.user.collector.find("notification")[before:]
    assert not any(n.get("status") and "rambutan" in n["status"]["content"] for n in streamed)
    for made in (hide, warn):
        api("DELETE", f"/api/v2/filters/{made['id']}")
    # Without the filter, the notification is there again.
    assert any("rambutan" in n.status.content for n in f.api.notifications()
               if n.get("status"))


# ---- boosts -------------------------------------------------------------------------------

@check
def undone_boost_answers_gone():
    post = f.bob_api.status_post("Boost this and take it back")
    row = wait_for(lambda: row_of(f.alice, post.uri), "alice's node has bob's post")
    reblog = f.api.status_reblog(row)
    announce = reblog.uri
    assert announce.startswith(f.alice.base) and announce.endswith("/activity"), announce
    status, _, body = fetch(announce, accept="application/activity+json")
    assert status == 200, (status, body[:300])
    assert json.loads(body)["type"] == "Announce"
    f.api.status_unreblog(row)
    status, headers, body = fetch(announce, accept="application/activity+json")
    assert status == 410, (status, body[:300])
    gone = json.loads(body)
    assert gone["type"] == "Tombstone" and gone["id"] == announce, gone
    # The post boosted is still there, and so are alice's own posts' activities.
    own = f.api.status_post("Still here")
    status, _, body = fetch(own.uri + "/activity", accept="application/activity+json")
    assert status == 200 and json.loads(body)["type"] == "Create", (status, body[:300])


@check
def logs_are_clean():
    for stream in (f.user, f.public):
        stream.handle.closed = True
    for node in (f.alice, f.bob):
        log = node.stop()
        assert "CRITICAL" not in log and "Cannot stream" not in log, log[-3000:]
        assert "gets no thumbnail" not in log, log[-3000:]


class Stream:
    """A Mastodon.py stream in its own thread."""

    def __init__(self, start):
        self.collector = Collector()
        self.handle = start(self.collector, run_async=True, timeout=300)


def follow(who, whom):
    result = run_node("follow", "--data-dir", who.data, "@" + whom.handle)
    assert result.returncode == 0, result.stderr
    wait_for(lambda: who.query("SELECT count(*) FROM following WHERE accepted = 1")[0][0] >= 1,
             f"{who.user} follows {whom.user}")


def setup(parent):
    f.alice = Node(parent, "alice")
    f.bob = Node(parent, "bob")
    follow(f.bob, f.alice)
    follow(f.alice, f.bob)
    f.token = f.alice.token()
    f.api = mastodon.Mastodon(access_token=f.token, api_base_url=f.alice.base,
                              version_check_mode="none")
    f.bob_api = mastodon.Mastodon(access_token=f.bob.token(), api_base_url=f.bob.base,
                                  version_check_mode="none")
    f.user = Stream(f.api.stream_user)
    f.public = Stream(f.api.stream_public)


if __name__ == "__main__":
    sys.exit(run(setup))
