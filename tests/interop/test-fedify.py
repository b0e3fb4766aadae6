#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""quitter-node against a peer built on Fedify, a server nobody here wrote (TAP).

usage: test-fedify.py QUITTER-NODE PEER-DIR

Runs a real quitter-node (init, then run on a free loopback port) and the Fedify peer of
PEER-DIR (peer.mjs, with its npm packages installed by `npm ci` there, as
build-aux/quitter.sh test does), and checks that they federate both ways. Everything talks
plain http on 127.0.0.1. Needs the Node.js version Fedify needs; with an older one (or none),
the whole test is skipped.
"""
import base64
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import quitter_interop
from quitter_interop import Failure, attempt, check, png, tap_comment, tap_result

QUITTER_NODE, PEER_DIR = sys.argv[1:3]
USERNAME = 'alice'
PEER_USERNAME = 'fedi'
WAIT = 12.0   # seconds for one thing to happen; deliveries from the CLI wait up to 5 s


def wait_until(what, predicate, timeout=WAIT):
    """Polls @predicate until it returns something true, and returns that."""
    return quitter_interop.wait_until(what, predicate, timeout)


def version_tuple(text):
    return tuple(int(part) for part in re.findall(r'\d+', text)[:3])


def skip_reason():
    """Why the test cannot run here, or None."""
    try:
        found = subprocess.run(['node', '--version'], capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return 'node (Node.js) is not installed; the Fedify peer needs it'
    fedify = os.path.join(PEER_DIR, 'node_modules', '@fedify', 'fedify', 'package.json')
    manifest = fedify if os.path.exists(fedify) else os.path.join(PEER_DIR, 'package.json')
    with open(manifest, encoding='utf-8') as file:
        wanted = json.load(file).get('engines', {}).get('node', '>=0')
    minimum = version_tuple(wanted)
    if version_tuple(found) < minimum:
        return f'node is {found}; the pinned Fedify needs node {wanted}'
    if not os.path.isdir(os.path.join(PEER_DIR, 'node_modules')) and not shutil.which('npm'):
        return 'npm is not installed: the Fedify peer\'s packages cannot be installed'
    return None


class Node(quitter_interop.Node):
    """Our owner's quitter-node, on a data folder of its own in @workdir."""

    rows_as_dicts = True
    cli_timeout = 30

    def __init__(self, workdir):
        super().__init__(QUITTER_NODE, os.path.join(workdir, 'node'),
                         os.path.join(workdir, 'node.log'), USERNAME)
        self.handle = '@' + self.handle
        self.workdir = workdir

    def start(self):
        self.init()
        super().start(timeout=WAIT)

    def stop(self):
        return super().stop(timeout=10)

    def status(self):
        text = self.cli('status')
        followers = re.search(r'^Followers: (\d+)', text, re.M)
        following = re.search(r'^Following: (\d+)', text, re.M)
        check(followers and following, f'quitter-node status says neither followers nor '
              f'following: {text!r}')
        return {'followers': int(followers.group(1)), 'following': int(following.group(1))}


class Peer:
    """The Fedify peer, driven through its control interface."""

    def __init__(self, workdir):
        self.log_path = os.path.join(workdir, 'peer.log')
        self.process = None

    def spawn(self):
        log = open(self.log_path, 'w', encoding='utf-8')
        self.process = subprocess.Popen(['node', 'peer.mjs', '--username', PEER_USERNAME],
                                        cwd=PEER_DIR, stdout=subprocess.PIPE, stderr=log,
                                        text=True)
        log.close()

    def wait_ready(self):
        # The first line says where it listens; it comes once the key pair is made (RSA-4096:
        # the time it takes varies, hence the longer wait).
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline() if ready else ''
        check(line, f'the Fedify peer did not start: {self.log()}')
        where = json.loads(line)
        self.origin = where['federation']
        self.control_url = where['control']
        self.actor = where['actor']
        self.host = self.origin.removeprefix('http://')
        self.handle = f'@{PEER_USERNAME}@{self.host}'

    def log(self):
        with open(self.log_path, encoding='utf-8', errors='replace') as file:
            return file.read()

    def stop(self):
        quitter_interop.stop_process(self.process, timeout=10)

    def control(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.control_url + path, data=data,
                                         method='GET' if body is None else 'POST')
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise Failure(f'the peer failed {path}: {error.read().decode(errors="replace")}')

    def state(self):
        return self.control('/state')

    def actor_state(self, name=PEER_USERNAME):
        return self.state()['actors'][name]

    def received(self, kind, predicate=lambda activity: True):
        return [entry for entry in self.state()['received']
                if entry['type'] == kind and predicate(entry)]


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def pem_to_base64(pem):
    return ''.join(line for line in pem.strip().splitlines() if not line.startswith('-----'))


def statuses_from(node, actor_uri):
    return node.query('SELECT statuses.* FROM statuses JOIN remote_actors '
                      'ON remote_actors.id = statuses.actor_id WHERE remote_actors.uri = ?',
                      actor_uri)


# The subtests, in order: each builds on what the ones before did.

def test_lookup(node, peer, state):
    found = peer.control('/lookup', {'handle': node.handle})
    jrd, actor = found['webfinger'], found['actor']
    check(jrd.get('subject') == f'acct:{USERNAME}@127.0.0.1:{node.port}',
          f'WebFinger subject is {jrd.get("subject")!r}')
    check(found['sameActorByHandle'], 'lookupObject of the handle found another actor')
    info = found['nodeInfo']
    check(info and info['software'] == 'quitter' and 'activitypub' in info['protocols'],
          f'Fedify reads our NodeInfo as {info}')
    check(actor['id'] == node.actor, f'the actor is {actor["id"]!r}, not {node.actor!r}')
    check(actor['type'] == 'https://www.w3.org/ns/activitystreams#Person',
          f'the actor is a {actor["type"]}')
    check(actor['preferredUsername'] == USERNAME, f'preferredUsername is '
          f'{actor["preferredUsername"]!r}')
    check(actor['inbox'] == f'{node.actor}/inbox', f'inbox is {actor["inbox"]!r}')
    check(actor['sharedInbox'] == f'{node.base}/inbox',
          f'sharedInbox is {actor["sharedInbox"]!r}')
    check(actor['followers'] == f'{node.actor}/followers',
          f'followers is {actor["followers"]!r}')
    key = actor['publicKey']
    check(key is not None, 'Fedify found no public key on the actor')
    check(key['owner'] == node.actor, f'the key is owned by {key["owner"]!r}')
    check(key['id'].startswith(node.actor + '#'), f'the key id is {key["id"]!r}')
    check(key['algorithm'] == 'RSASSA-PKCS1-v1_5', f'the key is {key["algorithm"]}')
    owner = node.query('SELECT public_key_pem FROM owner')[0]
    check(base64.b64decode(key['spki']) == base64.b64decode(pem_to_base64(owner['public_key_pem'])),
          'the key Fedify read is not the owner key in node.db')
    state['key_id'] = key['id']


def test_peer_follows(node, peer, state):
    follow = peer.control('/follow', {'handle': node.handle})
    wait_until('1 follower in quitter-node status', lambda: node.status()['followers'] == 1)
    accepts = wait_until('the Accept at the peer', lambda: peer.received(
        'Accept', lambda entry: entry['object'] == follow['follow']))
    check(accepts[0]['actor'] == node.actor, f'the Accept is from {accepts[0]["actor"]}')
    check(accepts[0]['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Accept with {accepts[0]["verifiedKeyId"]!r}')
    following = peer.actor_state()['following']
    check(len(following) == 1 and following[0]['accepted'],
          f'the peer does not count the follow as accepted: {following}')


def received_about(peer, kind, objects):
    """The activities of @kind the peer received about each of @objects, once all arrived."""
    found = [peer.received(kind, lambda entry, uri=uri: entry['object'] == uri)
             for uri in objects]
    return found if all(found) else None


def our_latest_post(node):
    rows = node.query('SELECT uri FROM statuses WHERE actor_id IS NULL ORDER BY id DESC LIMIT 1')
    check(rows, 'quitter-node post stored no post')
    return rows[0]['uri']


def red_png(workdir):
    """A real 2×2 PNG file, made here."""
    path = os.path.join(workdir, 'red.png')
    with open(path, 'wb') as file:
        file.write(png(2, 2, rgb=(200, 30, 30)))
    return path


def post_picture(node, peer, state):
    image = red_png(node.workdir)
    node.cli('post', 'Hello Fedify, from <Quitter> & #interop')
    state['our_post'] = our_latest_post(node)
    node.cli('post', '--visibility', 'private', 'For followers only')
    state['our_private_post'] = our_latest_post(node)
    node.cli('post', '--attach', image, '--alt', 'A red square', 'With a picture')
    state['our_picture_post'] = our_latest_post(node)
    state['picture'] = image


def test_posts_reach_peer(node, peer, state):
    public_uri, private_uri = state['our_post'], state['our_private_post']
    followers = f'{node.actor}/followers'
    public = 'https://www.w3.org/ns/activitystreams#Public'

    creates = wait_until('the two Creates at the peer', lambda: received_about(
        peer, 'Create', (public_uri, private_uri)))
    for (create,), visibility in zip(creates, ('public', 'private')):
        # Fedify hands an activity to an inbox listener only once it verified the request's
        # HTTP signature (or a proof); the peer also asked Fedify's verifyRequest which key
        # that was.
        check(create['verifiedKeyId'] == state['key_id'],
              f'Fedify verified the {visibility} Create with {create["verifiedKeyId"]!r}')
        note = create['activity']['object']
        check(note['type'] == 'Note', f'the object is a {note["type"]}')
        check(note['attributedTo'] == node.actor, f'attributedTo is {note["attributedTo"]!r}')
        to, cc = ([public], [followers]) if visibility == 'public' else ([followers], [])
        check(as_list(note.get('to')) == to and as_list(note.get('cc')) == cc,
              f'the {visibility} note is to {note.get("to")}, cc {note.get("cc")}')
        check(as_list(create['activity'].get('to')) == to and
              as_list(create['activity'].get('cc')) == cc,
              f'the {visibility} Create is not addressed as its note')

    content = creates[0][0]['note']['content']
    check('Hello Fedify, from &lt;Quitter&gt; &amp;' in content,
          f'Fedify reads the content as {content!r}')
    check('#<span>interop</span>' in content, 'the hashtag is not linked')


def post_poll(node, peer, state):
    token = node.cli('token', '--scopes', 'write:statuses').strip()
    body = json.dumps({'status': 'Tea or coffee, Fedify?',
                       'poll': {'options': ['Tea', 'Coffee'], 'expires_in': 3600}}).encode()
    request = urllib.request.Request(f'{node.base}/api/v1/statuses', data=body, method='POST',
                                     headers={'Authorization': f'Bearer {token}',
                                              'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        state['our_poll'] = json.load(response)['uri']


def test_poll_reaches_peer(node, peer, state):
    (create,), = wait_until('the poll at the peer', lambda: received_about(
        peer, 'Create', (state['our_poll'],)))
    check(create['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Create with {create["verifiedKeyId"]!r}')
    question = create['activity']['object']
    check(question['type'] == 'Question', f'the object is a {question["type"]}')
    names = [option.get('name') for option in as_list(question.get('oneOf'))]
    check(names == ['Tea', 'Coffee'], f'the options are {names!r}')
    check(all(option.get('replies', {}).get('totalItems') == 0
              for option in as_list(question.get('oneOf'))), 'the options carry no counts')
    check(question.get('endTime'), 'the Question does not say when it closes')


def test_picture_reaches_peer(node, peer, state):
    (picture,), = wait_until('the post with a picture at the peer', lambda: received_about(
        peer, 'Create', (state['our_picture_post'],)))
    attachments = picture['note']['attachments']
    check(len(attachments) == 1, f'Fedify read {len(attachments)} attachments')
    attachment = attachments[0]
    check(attachment['mediaType'] == 'image/png' and attachment['name'] == 'A red square',
          f'Fedify read the attachment as {attachment}')
    with urllib.request.urlopen(attachment['url'], timeout=10) as response:
        served = response.read()
        check(response.headers.get_content_type() == 'image/png',
              f'the picture is served as {response.headers.get_content_type()}')
    with open(state['picture'], 'rb') as file:
        check(served == file.read(), 'the picture served is not the one attached')


def test_peer_reads_outbox(node, peer, state):
    found = peer.control('/collection', {'uri': f'{node.actor}/outbox'})
    objects = [item['object'] for item in found['items']]
    check(state['our_post'] in objects and state['our_picture_post'] in objects,
          f'Fedify found {objects} in our outbox')
    # Fedify asks without a signature: a followers-only post is not for it to see.
    check(state['our_private_post'] not in objects, 'the followers-only post is in the outbox')
    check(all(item['type'] == 'https://www.w3.org/ns/activitystreams#Create'
              for item in found['items']), f'the outbox holds {found["items"]}')


def follow_peer(node, peer, state):
    node.cli('follow', peer.handle)


def test_we_follow_peer(node, peer, state):
    wait_until('the Follow at the peer', lambda: any(
        follower['id'] == node.actor for follower in peer.actor_state()['followers']))
    follows = peer.received('Follow', lambda entry: entry['actor'] == node.actor)
    check(follows and follows[-1]['object'] == peer.actor, f'the Follow is for '
          f'{follows and follows[-1]["object"]}')
    check(follows[-1]['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Follow with {follows[-1]["verifiedKeyId"]!r}')
    wait_until('1 following in quitter-node status', lambda: node.status()['following'] == 1)
    rows = node.query('SELECT following.accepted, following.follow_uri FROM following JOIN '
                      'remote_actors ON remote_actors.id = following.actor_id '
                      'WHERE remote_actors.uri = ?', peer.actor)
    check(rows and rows[0]['accepted'] == 1 and rows[0]['follow_uri'] == follows[-1]['id'],
          f'node.db does not hold the accepted follow: {rows}')


def test_peer_post_lands(node, peer, state):
    posted = peer.control('/post', {'content': '<p>Hello Quitter, from Fedify</p>'})
    rows = wait_until('the note in statuses', lambda: [
        row for row in statuses_from(node, peer.actor) if row['uri'] == posted['note']])
    row = rows[0]
    check('Hello Quitter, from Fedify' in row['content'], f'the content is {row["content"]!r}')
    check(row['visibility'] == 'public', f'the visibility is {row["visibility"]!r}')
    check(row['updated'] is None, 'a new note is marked as edited')
    state['peer_note'] = posted


def status_row(node, uri):
    rows = node.query('SELECT * FROM statuses WHERE uri = ?', uri)
    return rows[0] if rows else None


def reply_to_peer(node, peer, state):
    node.cli('post', '--in-reply-to', state['peer_note']['note'], 'A reply from Quitter')
    state['our_reply'] = our_latest_post(node)


def test_our_reply(node, peer, state):
    note = state['peer_note']['note']
    (create,), = wait_until('the reply at the peer', lambda: received_about(
        peer, 'Create', (state['our_reply'],)))
    reply = create['activity']['object']
    check(create['note']['inReplyTo'] == note,
          f'Fedify reads the reply as one to {create["note"]["inReplyTo"]!r}')
    check(peer.actor in as_list(reply.get('cc')) + as_list(reply.get('to')),
          f'the reply is not addressed to the peer: to {reply.get("to")}, cc {reply.get("cc")}')
    check(any(tag.get('type') == 'Mention' and tag.get('href') == peer.actor
              for tag in as_list(reply.get('tag'))), f'the reply does not mention the peer: '
          f'{reply.get("tag")}')
    check(create['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the reply with {create["verifiedKeyId"]!r}')


def boost_peer_note(node, peer, state):
    note = state['peer_note']['note']
    node.cli('boost', note)
    boosts = node.query('SELECT uri FROM statuses WHERE actor_id IS NULL AND reblog_of_id = ?',
                        status_row(node, note)['id'])
    check(len(boosts) == 1, f'quitter-node boost stored {len(boosts)} reblogs')
    state['our_boost'] = boosts[0]['uri']


def test_our_boost(node, peer, state):
    (announce,), = wait_until('the boost at the peer', lambda: received_about(
        peer, 'Announce', (state['peer_note']['note'],)))
    check(announce['id'] == state['our_boost'], f'the Announce is {announce["id"]!r}, not '
          f'{state["our_boost"]!r}')
    check(announce['actor'] == node.actor, f'the Announce is from {announce["actor"]}')
    check(peer.actor in as_list(announce['activity'].get('cc')),
          f'the Announce is not cc the author: {announce["activity"].get("cc")}')
    check(announce['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Announce with {announce["verifiedKeyId"]!r}')


def like_peer_note(node, peer, state):
    node.cli('like', state['peer_note']['note'])


def test_our_like(node, peer, state):
    (like,), = wait_until('the like at the peer', lambda: received_about(
        peer, 'Like', (state['peer_note']['note'],)))
    check(like['actor'] == node.actor and like['verifiedKeyId'] == state['key_id'],
          f'the Like is from {like["actor"]}, verified with {like["verifiedKeyId"]!r}')
    state['our_like'] = like['id']


def unboost_peer_note(node, peer, state):
    node.cli('unboost', state['peer_note']['note'])
    check(status_row(node, state['our_boost']) is None, 'the reblog stayed in statuses')


def unlike_peer_note(node, peer, state):
    node.cli('unlike', state['peer_note']['note'])


def check_undo_at_peer(node, peer, state, undone, what):
    (undo,), = wait_until(f'the Undo of {what} at the peer', lambda: received_about(
        peer, 'Undo', (undone,)))
    check(undo['actor'] == node.actor and undo['verifiedKeyId'] == state['key_id'],
          f'the Undo of {what} is from {undo["actor"]}, verified with '
          f'{undo["verifiedKeyId"]!r}')
    return undo


def test_our_unboost(node, peer, state):
    check_undo_at_peer(node, peer, state, state['our_boost'], 'the boost')


def test_our_unlike(node, peer, state):
    check_undo_at_peer(node, peer, state, state['our_like'], 'the like')


def test_peer_update(node, peer, state):
    note = state['peer_note']
    peer.control('/update', {'id': note['id'], 'content': '<p>Hello Quitter, edited</p>'})
    rows = wait_until('the edit in statuses', lambda: [
        row for row in statuses_from(node, peer.actor)
        if row['uri'] == note['note'] and 'edited' in row['content']])
    check('from Fedify' not in rows[0]['content'], f'the old text stayed: {rows[0]["content"]!r}')
    check(rows[0]['updated'] is not None, 'the edit is not marked as one')


def test_peer_delete(node, peer, state):
    note = state['peer_note']
    peer.control('/delete', {'id': note['id']})
    wait_until('the note to leave statuses', lambda: not node.query(
        'SELECT 1 FROM statuses WHERE uri = ?', note['note']))


def notifications(node, kind, activity_uri):
    return node.query('SELECT notifications.*, remote_actors.uri AS actor_uri FROM notifications '
                      'JOIN remote_actors ON remote_actors.id = notifications.actor_id '
                      'WHERE notifications.type = ? AND notifications.activity_uri = ?',
                      kind, activity_uri)


def check_reaction(node, peer, state, verb, kind):
    """The peer's @verb of our post notifies the owner as @kind; its Undo takes that back."""
    post = state['our_post']
    sent = peer.control(f'/{verb}', {'object': post})
    check(sent['author'] == node.actor, f'Fedify found {sent["author"]} as the post\'s author')
    rows = wait_until(f'a {kind} notification', lambda: notifications(node, kind,
                                                                      sent['activity']))
    check(rows[0]['status_uri'] == post, f'the {kind} is about {rows[0]["status_uri"]!r}')
    check(rows[0]['actor_uri'] == peer.actor, f'the {kind} is from {rows[0]["actor_uri"]!r}')
    peer.control(f'/un{verb}', {'object': post})
    wait_until(f'the {kind} notification to go', lambda: not notifications(node, kind,
                                                                           sent['activity']))


def test_peer_likes(node, peer, state):
    check_reaction(node, peer, state, 'like', 'favourite')


def reblogs_by(node, actor_uri, original_uri):
    return node.query('SELECT reblog.uri FROM statuses AS reblog '
                      'JOIN statuses AS original ON original.id = reblog.reblog_of_id '
                      'JOIN remote_actors ON remote_actors.id = reblog.actor_id '
                      'WHERE remote_actors.uri = ? AND original.uri = ?', actor_uri, original_uri)


def test_peer_boosts(node, peer, state):
    post = state['our_post']
    sent = peer.control('/announce', {'object': post})
    rows = wait_until('a reblog notification', lambda: notifications(node, 'reblog',
                                                                    sent['activity']))
    check(rows[0]['status_uri'] == post and rows[0]['actor_uri'] == peer.actor,
          f'the reblog notification is {rows[0]}')
    # We follow the peer, so its boost is kept as a reblog, as Mastodon keeps them.
    reblogs = wait_until('the reblog in statuses', lambda: reblogs_by(node, peer.actor, post))
    check(reblogs[0]['uri'] == sent['activity'], f'the reblog is {reblogs[0]["uri"]!r}')
    peer.control('/unannounce', {'object': post})
    wait_until('the reblog and its notification to go', lambda: not notifications(
        node, 'reblog', sent['activity']) and not reblogs_by(node, peer.actor, post))


def test_peer_boosts_unknown_note(node, peer, state):
    # A note the node never received: it fetches it from Fedify, which serves it at its id.
    posted = peer.control('/post', {'content': '<p>Never delivered</p>', 'deliver': False})
    check(status_row(node, posted['note']) is None, 'an undelivered note is in statuses')
    sent = peer.control('/announce', {'object': posted['note']})
    reblogs = wait_until('the reblog of the fetched note', lambda: reblogs_by(
        node, peer.actor, posted['note']))
    check(reblogs[0]['uri'] == sent['activity'], f'the reblog is {reblogs[0]["uri"]!r}')
    original = status_row(node, posted['note'])
    check('Never delivered' in original['content'], f'the fetched note says '
          f'{original["content"]!r}')
    check(statuses_from(node, peer.actor) and any(
        row['uri'] == posted['note'] for row in statuses_from(node, peer.actor)),
        'the fetched note is not stored as the peer\'s')
    peer.control('/unannounce', {'object': posted['note']})
    wait_until('the reblog to go', lambda: not reblogs_by(node, peer.actor, posted['note']))


def test_peer_replies(node, peer, state):
    post = state['our_post']
    posted = peer.control('/post', {'content': f'<p>@{USERNAME} a reply from Fedify</p>',
                                    'mention': node.handle, 'inReplyTo': post})
    rows = wait_until('the reply in statuses', lambda: [
        row for row in statuses_from(node, peer.actor) if row['uri'] == posted['note']])
    check(rows[0]['in_reply_to_uri'] == post,
          f'the reply is to {rows[0]["in_reply_to_uri"]!r}, not {post!r}')
    check('a reply from Fedify' in rows[0]['content'], f'the content is {rows[0]["content"]!r}')
    mentions = notifications(node, 'mention', posted['create'])
    check(mentions and mentions[0]['status_uri'] == posted['note'],
          f'no mention notification for the reply: {mentions}')


def test_peer_profile_update(node, peer, state):
    def display_name():
        rows = node.query('SELECT display_name FROM remote_actors WHERE uri = ?', peer.actor)
        return rows[0]['display_name'] if rows else None

    check(display_name() == f'Fedify peer {PEER_USERNAME}',
          f'the peer is known as {display_name()!r}')
    peer.control('/profile', {'name': 'Fedify peer, renamed', 'summary': 'Edited'})
    wait_until('the new name in remote_actors', lambda: display_name() == 'Fedify peer, renamed')


def edit_our_post(node, peer, state):
    node.cli('edit', '--content-warning', 'Colours', state['our_picture_post'],
             'With a picture, edited')


def test_our_edit(node, peer, state):
    uri = state['our_picture_post']
    (update,), = wait_until('the Update of our post at the peer', lambda: received_about(
        peer, 'Update', (uri,)))
    check(update['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Update with {update["verifiedKeyId"]!r}')
    note = update['activity']['object']
    check('edited' in update['note']['content'], f'Fedify reads the edit as '
          f'{update["note"]["content"]!r}')
    check(note.get('summary') == 'Colours', f'the content warning is {note.get("summary")!r}')
    check(note.get('updated'), 'the edited Note does not say when it was edited')
    attachments = update['note']['attachments']
    check(len(attachments) == 1 and attachments[0]['name'] == 'A red square',
          f'the picture did not stay: {attachments}')


def delete_our_post(node, peer, state):
    node.cli('delete', state['our_post'])


def test_our_delete(node, peer, state):
    uri = state['our_post']
    deletes = wait_until('the Delete at the peer', lambda: peer.received(
        'Delete', lambda entry: entry['object'] == uri))
    check(deletes[0]['actor'] == node.actor, f'the Delete is from {deletes[0]["actor"]}')
    check(deletes[0]['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Delete with {deletes[0]["verifiedKeyId"]!r}')


def edit_our_profile(node, peer, state):
    node.cli('profile', '--display-name', 'Alice of Quitter', '--summary', 'Testing with Fedify')


def test_our_profile_edit(node, peer, state):
    updates = wait_until('the Update of our Person at the peer', lambda: peer.received(
        'Update', lambda entry: entry['object'] == node.actor))
    person = updates[0]['activity']['object']
    check(person.get('type') == 'Person' and person.get('name') == 'Alice of Quitter',
          f'the Update carries {person.get("type")} named {person.get("name")!r}')
    check('Testing with Fedify' in (person.get('summary') or ''),
          f'the summary is {person.get("summary")!r}')
    check(updates[0]['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Update with {updates[0]["verifiedKeyId"]!r}')
    found = peer.control('/lookup', {'handle': node.handle})['actor']
    check(found['name'] == 'Alice of Quitter', f'Fedify reads the name {found["name"]!r}')


def test_peer_unfollows(node, peer, state):
    peer.control('/unfollow', {'handle': node.handle})
    wait_until('0 followers in quitter-node status', lambda: node.status()['followers'] == 0)


def unfollow_peer(node, peer, state):
    node.cli('unfollow', peer.handle)
    check(node.status()['following'] == 0, 'quitter-node status still counts the follow')


def test_we_unfollow(node, peer, state):
    follow_id = peer.received('Follow', lambda entry: entry['actor'] == node.actor)[0]['id']
    undos = wait_until('the Undo of the Follow at the peer', lambda: peer.received(
        'Undo', lambda entry: entry['actor'] == node.actor and entry['object'] == follow_id))
    undone = undos[0]['activity']['object']
    check(not isinstance(undone, dict) or undone.get('type') == 'Follow',
          f'the Undo embeds a {undone.get("type")}')
    check(not peer.actor_state()['followers'], 'the peer still counts our node as a follower')


def deliver(node, peer, kind, content):
    return peer.control('/deliver', {'inbox': f'{node.actor}/inbox', 'kind': kind,
                                     'content': content})


def block_peer(node, peer, state):
    peer.control('/follow', {'handle': node.handle})
    wait_until('the peer to follow us again', lambda: node.status()['followers'] == 1)
    node.cli('block', peer.handle)
    check(node.status()['followers'] == 0, 'the block left the peer a follower')


def test_we_block(node, peer, state):
    blocks = wait_until('the Block at the peer', lambda: peer.received(
        'Block', lambda entry: entry['actor'] == node.actor))
    check(blocks[0]['object'] == peer.actor, f'the Block is of {blocks[0]["object"]!r}')
    check(blocks[0]['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Block with {blocks[0]["verifiedKeyId"]!r}')
    # A delivery that Fedify signs properly, refused because of who sent it.
    answer = deliver(node, peer, 'signed', '<p>From a blocked account</p>')
    check(answer['status'] == 403, f'a blocked account\'s delivery was answered '
          f'{answer["status"]}: {answer["body"]!r}')
    check(not node.query('SELECT 1 FROM inbox WHERE activity_uri = ?', answer['activity']),
          'the blocked account\'s activity was stored')
    state['block'] = blocks[0]['id']


def unblock_peer(node, peer, state):
    node.cli('unblock', peer.handle)


def test_we_unblock(node, peer, state):
    check_undo_at_peer(node, peer, state, state['block'], 'the Block')
    # The same kind of delivery as when blocked is taken now.
    answer = deliver(node, peer, 'signed', '<p>Unblocked</p>')
    check(answer['status'] == 202, f'the delivery was answered {answer["status"]}: '
          f'{answer["body"]!r}')
    check(node.query('SELECT 1 FROM inbox WHERE activity_uri = ?', answer['activity']),
          'the activity was not stored')


def following_uris(node):
    return [row['uri'] for row in node.query(
        'SELECT remote_actors.uri FROM following JOIN remote_actors '
        'ON remote_actors.id = following.actor_id WHERE following.accepted = 1')]


def test_peer_moves(node, peer, state):
    # Two more accounts on the peer: only the one that lists the old account as an alias is
    # believed as where it moved.
    moved_to = peer.control('/actor', {'name': 'moved'})
    stranger = peer.control('/actor', {'name': 'stranger'})
    peer.control('/alias', {'as': 'moved', 'uri': peer.actor})
    peer.control('/move', {'to': stranger['handle']})
    peer.control('/move', {'to': moved_to['handle']})
    follows = wait_until('our Follow of the new account', lambda: peer.received(
        'Follow', lambda entry: entry['actor'] == node.actor and
        entry['object'] == moved_to['actor']))
    check(follows[0]['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Follow with {follows[0]["verifiedKeyId"]!r}')
    wait_until('the new account in following, instead of the old',
               lambda: following_uris(node) == [moved_to['actor']])
    check(not peer.received('Follow', lambda entry: entry['object'] == stranger['actor']),
          'the node followed an account that does not list the old one as an alias')
    state['moved'] = moved_to


def move_to_peer(node, peer, state):
    moved = state['moved']
    peer.control('/alias', {'as': 'moved', 'uri': node.actor})
    peer.control('/follow', {'as': 'moved', 'handle': node.handle})
    wait_until('the new account to follow us', lambda: node.status()['followers'] == 1)
    node.cli('move', '--to', moved['handle'])


def test_we_move(node, peer, state):
    moved = state['moved']
    moves = wait_until('the Move at the peer', lambda: peer.received(
        'Move', lambda entry: entry['actor'] == node.actor))
    move = moves[0]['activity']
    check(move.get('object') == node.actor and move.get('target') == moved['actor'],
          f'the Move is of {move.get("object")!r} to {move.get("target")!r}')
    check(moves[0]['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Move with {moves[0]["verifiedKeyId"]!r}')
    found = peer.control('/lookup', {'handle': node.handle})['actor']
    check(found['movedTo'] == moved['actor'], f'Fedify reads movedTo {found["movedTo"]!r}')


def test_peer_blocks(node, peer, state):
    # The account we moved to follows us and we follow it, since the Moves.
    check(node.status() == {'followers': 1, 'following': 1},
          f'the follows are not as the Moves left them: {node.status()}')
    peer.control('/block', {'as': 'moved', 'handle': node.handle})
    wait_until('the Block to end both follows', lambda: node.status() == {'followers': 0,
                                                                          'following': 0})


def test_bad_signatures_refused(node, peer, state):
    for kind in ('wrong-key', 'tampered', 'unsigned'):
        answer = peer.control('/deliver', {'inbox': f'{node.actor}/inbox', 'kind': kind,
                                                'content': f'<p>forged ({kind})</p>'})
        check(answer['status'] == 401, f'a {kind} delivery was answered {answer["status"]}: '
              f'{answer["body"]!r}')
        check(not node.query('SELECT 1 FROM inbox WHERE activity_uri = ?', answer['activity']),
              f'the {kind} activity was stored in the inbox')
        check(not node.query('SELECT 1 FROM statuses WHERE uri = ?', answer['note']),
              f'the {kind} note was stored')
        check(not node.query('SELECT 1 FROM statuses WHERE content LIKE ?', '%forged%'),
              'a forged note was stored')


def test_peer_refuses_unsigned(node, peer, state):
    # The other way round: Fedify's check can fail too. An unsigned Create that claims to come
    # from our owner is refused, and reaches no listener.
    activity_id = f'{node.actor}/statuses/forged/activity'
    body = json.dumps({
        '@context': 'https://www.w3.org/ns/activitystreams',
        'id': activity_id,
        'type': 'Create',
        'actor': node.actor,
        'object': {'id': f'{node.actor}/statuses/forged', 'type': 'Note',
                   'attributedTo': node.actor, 'content': 'forged'},
    }).encode()
    request = urllib.request.Request(f'{peer.origin}/inbox', data=body, method='POST',
                                     headers={'Content-Type': 'application/activity+json'})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    check(status == 401, f'Fedify answered an unsigned delivery with {status}')
    check(not peer.received('Create', lambda entry: entry['id'] == activity_id),
          'the unsigned activity reached a listener')
    refused = [entry for entry in peer.state()['refused'] if activity_id in entry['body']]
    check(refused and refused[0]['status'] == 401, f'the peer did not note the refusal: {refused}')


def delete_account(node, peer, state):
    node.cli('delete-account', '--confirm', USERNAME)


def test_account_deleted(node, peer, state):
    deletes = wait_until('the Delete of our account at the peer', lambda: peer.received(
        'Delete', lambda entry: entry['object'] == node.actor))
    check(deletes[0]['actor'] == node.actor, f'the Delete is from {deletes[0]["actor"]}')
    # Our key is gone with the account: Fedify verified the Delete with the key it cached.
    check(deletes[0]['verifiedKeyId'] == state['key_id'],
          f'Fedify verified the Delete with {deletes[0]["verifiedKeyId"]!r}')
    try:
        found = peer.control('/lookup', {'handle': node.handle})
    except Failure as error:
        check('WebFinger found nothing' in str(error), f'the lookup failed otherwise: {error}')
    else:
        raise Failure(f'Fedify still finds the deleted account: {found["actor"]["id"]}')


# The plan: rounds of subtests, run in order. A subtest is (name, act, check): a round runs
# the acts of all its subtests, then checks each. Commands beside a running node go out at its
# next delivery round, up to 5 s later, so those that do not depend on each other share one.
PLAN = [
    [('the peer finds our owner by WebFinger, reads the actor and NodeInfo', None, test_lookup)],
    [('the peer follows us; we accept', None, test_peer_follows)],
    [('our posts reach the peer, signed and addressed', post_picture, test_posts_reach_peer),
     ('our post with a picture reaches the peer, alt text and file', None,
      test_picture_reaches_peer),
     ('we follow the peer; its Accept reaches us', follow_peer, test_we_follow_peer),
     ('our poll reaches the peer as a Question with oneOf', post_poll,
      test_poll_reaches_peer)],
    [("the peer pages through our outbox with Fedify", None, test_peer_reads_outbox),
     ("the peer's post lands in statuses", None, test_peer_post_lands)],
    [("our reply to the peer's post reaches it, threaded", reply_to_peer, test_our_reply),
     ("our boost of the peer's post reaches it", boost_peer_note, test_our_boost),
     ("our like of the peer's post reaches it", like_peer_note, test_our_like)],
    [("the peer's Like notifies us; its Undo takes it back", None, test_peer_likes),
     ("the peer's Announce notifies us and is kept; its Undo takes both back", None,
      test_peer_boosts),
     ("the peer's boost of a note we lacked: fetched from Fedify, kept as a reblog", None,
      test_peer_boosts_unknown_note),
     ("the peer's reply to our post lands and notifies us", None, test_peer_replies),
     ("the peer's profile Update changes what we know of it", None,
      test_peer_profile_update)],
    [('our unboost reaches the peer', unboost_peer_note, test_our_unboost),
     ('our unlike reaches the peer', unlike_peer_note, test_our_unlike),
     ('our edit reaches the peer as an Update of the Note', edit_our_post, test_our_edit),
     ('our delete reaches the peer', delete_our_post, test_our_delete),
     ('our profile edit reaches the peer as an Update of our Person', edit_our_profile,
      test_our_profile_edit)],
    [("the peer's edit changes our copy", None, test_peer_update),
     ("the peer's delete removes our copy", None, test_peer_delete),
     ('the peer unfollows us', None, test_peer_unfollows)],
    [('we unfollow the peer', unfollow_peer, test_we_unfollow),
     ('we block the peer: its follow ends, it gets a Block, its deliveries a 403', block_peer,
      test_we_block)],
    [('we unblock the peer', unblock_peer, test_we_unblock),
     ('we follow the peer again', follow_peer, test_we_follow_peer)],
    [("the peer's Move: we follow the new account, only if it lists the old one", None,
      test_peer_moves)],
    [('our Move reaches the peer; Fedify reads movedTo', move_to_peer, test_we_move)],
    [("the peer's Block ends the follows both ways", None, test_peer_blocks),
     ('badly signed deliveries get 401 and leave nothing', None, test_bad_signatures_refused),
     ('Fedify refuses an unsigned delivery', None, test_peer_refuses_unsigned)],
    [('our account deletion reaches the peer; Fedify finds the account no more',
      delete_account, test_account_deleted)],
]


def run_round(subtests, node, peer, state, number):
    """Runs one round of the plan as TAP lines; returns how many failed."""
    acted, took = {}, {}
    for name, act, _ in subtests:
        begun = time.monotonic()
        acted[name] = attempt(act, node, peer, state) if act else None
        took[name] = time.monotonic() - begun
    failed = 0
    for name, _, test in subtests:
        begun = time.monotonic()
        problems = acted[name] or attempt(test, node, peer, state)
        number += 1
        failed += bool(problems)
        tap_result(number, name, problems, f'{took[name] + time.monotonic() - begun:.1f} s',
                   last=20)
    return failed


def main():
    print('TAP version 13')
    reason = skip_reason()
    if reason:
        # meson's TAP protocol takes a non-zero exit for an error: the skip is said in TAP.
        print(f'1..0 # SKIP {reason}')
        return 0
    if not os.path.isdir(os.path.join(PEER_DIR, 'node_modules', '@fedify', 'fedify')):
        print('Bail out! the Fedify peer has no npm packages: run build-aux/quitter.sh test, '
              f'or npm ci in {PEER_DIR}')
        return 1

    print(f'1..{sum(len(subtests) for subtests in PLAN)}')
    failed = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='quitter-fedify-') as workdir:
        node, peer = Node(workdir), Peer(workdir)
        try:
            peer.spawn()  # it makes its RSA-4096 key pair while the node starts
            node.start()
            peer.wait_ready()
        except (Failure, OSError, ValueError) as error:
            node.stop()
            peer.stop()
            print(f'Bail out! cannot start the servers: {error}')
            tap_comment(node.read_log() if os.path.exists(node.log_path) else '')
            tap_comment(peer.log() if os.path.exists(peer.log_path) else '')
            return 1
        state = {}
        try:
            number = 0
            for subtests in PLAN:
                failed += run_round(subtests, node, peer, state, number)
                number += len(subtests)
        finally:
            node.stop()
            peer.stop()
        if failed:
            print('# quitter-node log:')
            tap_comment(node.read_log())
            print('# Fedify peer log:')
            tap_comment(peer.log())
    print(f'# {time.monotonic() - started:.1f} s')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
