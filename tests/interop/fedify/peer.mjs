// SPDX-License-Identifier: AGPL-3.0-or-later
//
// A small ActivityPub server built on Fedify, the other side of Quitter's interop tests. One
// Person (RSA key pair made at start), everything in memory, plain http on 127.0.0.1.
//
//   node peer.mjs [--username NAME]
//
// It serves the federation on one loopback port and a control interface for the test driver on
// another (both chosen by the system), and prints them as one JSON line on stdout:
//   {"federation": "http://127.0.0.1:P1", "control": "http://127.0.0.1:P2", "actor": "…"}
//
// Control interface (JSON in and out):
//   GET  /state                    followers, follows, every activity the inbox listeners got,
//                                  and the deliveries Fedify refused
//   POST /lookup {handle}          WebFinger, then the actor document, with Fedify's own lookups
//   POST /follow {handle}          sends a Follow
//   POST /unfollow {handle}        sends an Undo of that Follow
//   POST /post {content, mention?, inReplyTo?, deliver?}
//                                  sends a Create of a public Note to the followers (and to
//                                  the account it mentions); with deliver false, only serves it
//   POST /update {id, content}     sends an Update of one of those Notes
//   POST /delete {id}              sends a Delete of one of those Notes (a Tombstone)
//   POST /like {object}            sends a Like of a post to its author; /unlike undoes it
//   POST /announce {object}        sends an Announce of a post to the followers (and its
//                                  author, when another); /unannounce undoes it
//   POST /profile {name, summary}  changes the Person and sends an Update of it to the followers
//   POST /block {handle}           sends a Block, and forgets the follows both ways
//   POST /deliver {inbox, kind, content}
//                                  POSTs a Create of a new Note to an inbox, signed as Fedify
//                                  signs (kind "signed") or with a broken signature ("wrong-key",
//                                  "tampered" or "unsigned"), and says how it was answered
// An error answers 500 with {"error": "…"}.

import http from "node:http";
import process from "node:process";

import { Temporal } from "@js-temporal/polyfill";

import {
  Accept,
  Announce,
  Block,
  Create,
  Delete,
  Endpoints,
  Follow,
  Like,
  MemoryKvStore,
  Mention,
  Move,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Reject,
  Tombstone,
  Undo,
  Update,
  createFederation,
  generateCryptoKeyPair,
  isActor,
  lookupWebFinger,
  signRequest,
  verifyRequest,
} from "@fedify/fedify";

const LOOPBACK = "127.0.0.1";

function parseArguments(argv) {
  const options = { username: "fedi" };

  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--username" && i + 1 < argv.length)
      options.username = argv[++i];
    else
      throw new Error(`unknown argument ${argv[i]}; usage: node peer.mjs [--username NAME]`);
  }
  return options;
}

const { username } = parseArguments(process.argv.slice(2));
const profile = { name: "Fedify peer", summary: "The other side of Quitter's interop tests" };

// Fedify 1.5 always looks up acct: resources over https (webfinger/lookup.js builds
// "https://HOST/.well-known/webfinger"), while the node under test serves plain http on
// loopback, as every server in these tests does. This stands in for the TLS-terminating proxy a
// real deployment has: an https request to a loopback address goes out as http. Nothing else
// is touched, and nothing leaves loopback.
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));

  if (url.protocol === "https:" && url.hostname === LOOPBACK) {
    url.protocol = "http:";
    input = input instanceof Request ? new Request(url, input) : url;
  }
  return realFetch(input, init);
};

// The node under test and this peer both listen on 127.0.0.1, which Fedify refuses to fetch by
// default (an SSRF guard: a public server must not be made to fetch internal addresses). The
// tests run entirely on loopback, so the guard is lifted here, and only here.
const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true,
});

const keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");

// What the peer knows, all in memory.
const followers = new Map();   // actor id → { id, inbox, sharedInbox }
const following = new Map();   // actor id → { id, inbox, followId, accepted }
const notes = new Map();       // note path id → Note
const received = [];           // what the inbox listeners were given
const refused = [];            // inbox deliveries Fedify answered with an error
const arrivals = new Map();    // activity id → { raw, verifiedKeyId, inbox }
const reactions = new Map();   // "Like object" or "Announce object" → the activity sent
let counter = 0;

function nextId() {
  counter += 1;
  return `${Date.now().toString(36)}-${counter}`;
}

function record(kind) {
  return async (ctx, activity) => {
    const id = activity.id?.href ?? null;
    const arrival = (id && arrivals.get(id)) ?? {};

    received.push({
      type: kind,
      id,
      actor: activity.actorId?.href ?? null,
      object: activity.objectId?.href ?? null,
      inbox: arrival.inbox ?? null,
      verifiedKeyId: arrival.verifiedKeyId ?? null,
      activity: arrival.raw ?? (await activity.toJsonLd({ format: "compact" })),
    });
  };
}

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== username)
      return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: profile.name,
      summary: profile.summary,
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      followers: ctx.getFollowersUri(identifier),
      manuallyApprovesFollowers: false,
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((key) => key.multikey),
    });
  })
  .setKeyPairsDispatcher((ctx, identifier) => identifier === username ? [keyPair] : []);

federation.setFollowersDispatcher("/users/{identifier}/followers", (ctx, identifier) => {
  if (identifier !== username)
    return null;
  return {
    items: [...followers.values()].map((follower) => ({
      id: new URL(follower.id),
      inboxId: new URL(follower.inbox),
      endpoints: follower.sharedInbox ? { sharedInbox: new URL(follower.sharedInbox) } : null,
    })),
  };
});

federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (ctx, values) => {
  if (values.identifier !== username)
    return null;
  return notes.get(values.id) ?? null;
});

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    await record("Follow")(ctx, follow);
    const target = ctx.parseUri(follow.objectId);
    if (target?.type !== "actor" || target.identifier !== username || follow.id == null)
      return;
    const follower = await follow.getActor(ctx);
    if (!isActor(follower) || follower.id == null || follower.inboxId == null)
      return;
    followers.set(follower.id.href, {
      id: follower.id.href,
      inbox: follower.inboxId.href,
      sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
    });
    await ctx.sendActivity(
      { identifier: username },
      follower,
      new Accept({
        id: new URL(`#accepts/${nextId()}`, ctx.getActorUri(username)),
        actor: ctx.getActorUri(username),
        object: follow,
        to: follower.id,
      }),
    );
  })
  .on(Accept, async (ctx, accept) => {
    await record("Accept")(ctx, accept);
    for (const follow of following.values()) {
      if (follow.id === accept.actorId?.href &&
          (accept.objectId == null || accept.objectId.href === follow.followId))
        follow.accepted = true;
    }
  })
  .on(Reject, async (ctx, reject) => {
    await record("Reject")(ctx, reject);
    if (reject.actorId != null)
      following.delete(reject.actorId.href);
  })
  .on(Undo, async (ctx, undo) => {
    await record("Undo")(ctx, undo);
    const object = await undo.getObject(ctx);
    if (object instanceof Follow && undo.actorId != null &&
        object.actorId?.href === undo.actorId.href)
      followers.delete(undo.actorId.href);
  })
  .on(Create, record("Create"))
  .on(Update, record("Update"))
  .on(Delete, record("Delete"))
  .on(Announce, record("Announce"))
  .on(Like, record("Like"))
  .on(Block, async (ctx, block) => {
    await record("Block")(ctx, block);
    if (block.actorId != null) {
      followers.delete(block.actorId.href);
      following.delete(block.actorId.href);
    }
  })
  .on(Move, record("Move"))
  .onError((ctx, error) => {
    process.stderr.write(`peer: an inbox listener failed: ${error?.stack ?? error}\n`);
  });

// HTTP plumbing between node:http and the fetch API that Fedify speaks.

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req)
    chunks.push(chunk);
  return Buffer.concat(chunks);
}

function toRequest(req, body) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value))
      value.forEach((item) => headers.append(name, item));
    else if (value != null)
      headers.set(name, value);
  }
  const url = new URL(req.url, `http://${req.headers.host ?? LOOPBACK}`);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });
}

async function sendResponse(res, response) {
  const headers = {};
  response.headers.forEach((value, name) => { headers[name] = value; });
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

function isInboxPath(pathname) {
  return pathname === "/inbox" || pathname === `/users/${username}/inbox`;
}

// Before Fedify handles an inbox delivery, the peer notes the raw JSON and which key Fedify's
// own verifyRequest accepts for it. Fedify dispatches an activity to a listener only after it
// verified its signature (federation/handler.js answers 401 otherwise); the key id lets the
// tests check that it was the node's key that did.
async function noteArrival(request, body, pathname) {
  let raw;
  try {
    raw = JSON.parse(body.toString("utf8"));
  } catch {
    return;
  }
  if (typeof raw?.id !== "string")
    return;
  const context = federation.createContext(request, undefined);
  const key = await verifyRequest(request.clone(), {
    documentLoader: context.documentLoader,
    contextLoader: context.contextLoader,
  });
  arrivals.set(raw.id, { raw, verifiedKeyId: key?.id?.href ?? null, inbox: pathname });
}

async function serveFederation(req, res) {
  const body = await readBody(req);
  const request = toRequest(req, body);
  const pathname = new URL(request.url).pathname;

  if (request.method === "POST" && isInboxPath(pathname))
    await noteArrival(request, body, pathname);

  const response = await federation.fetch(request, {
    contextData: undefined,
    onNotFound: () => new Response("Not found", { status: 404 }),
    onNotAcceptable: () => new Response("Not acceptable", { status: 406 }),
  });
  if (request.method === "POST" && isInboxPath(pathname) && response.status >= 400) {
    refused.push({
      inbox: pathname,
      status: response.status,
      reason: await response.clone().text(),
      body: body.toString("utf8"),
    });
  }
  await sendResponse(res, response);
}

// The control interface.

let federationOrigin;

function context() {
  return federation.createContext(new URL(federationOrigin), undefined);
}

function actorUri() {
  return context().getActorUri(username);
}

async function lookupActor(handle) {
  const ctx = context();
  const actor = await ctx.lookupObject(handle);
  if (!isActor(actor) || actor.id == null || actor.inboxId == null)
    throw new Error(`${handle} does not resolve to an actor`);
  return actor;
}

// Sends to the followers and to @others (actors), one delivery per inbox: Fedify collapses
// recipients that share an inbox.
async function sendToFollowers(activity, others = []) {
  const recipients = [...followers.values()].map((follower) => ({
    id: new URL(follower.id),
    inboxId: new URL(follower.inbox),
    endpoints: follower.sharedInbox ? { sharedInbox: new URL(follower.sharedInbox) } : null,
  }));
  recipients.push(...others);
  if (recipients.length > 0)
    await context().sendActivity({ identifier: username }, recipients, activity,
                                 { preferSharedInbox: true });
}

async function lookupAuthor(objectUri) {
  const ctx = context();
  const object = await ctx.lookupObject(objectUri);
  if (object == null || object.attributionId == null)
    throw new Error(`${objectUri} has no author`);
  return await lookupActor(object.attributionId.href);
}

async function react(Type, objectUri, toFollowers) {
  const author = await lookupAuthor(objectUri);
  const others = author.id.href === actorUri().href ? [] : [author];
  const activity = new Type({
    id: new URL(`#${Type.name.toLowerCase()}s/${nextId()}`, actorUri()),
    actor: actorUri(),
    object: new URL(objectUri),
    to: toFollowers ? PUBLIC_COLLECTION : author.id,
    ccs: toFollowers ? [author.id, context().getFollowersUri(username)] : [],
  });
  reactions.set(`${Type.name} ${objectUri}`, activity);
  if (toFollowers)
    await sendToFollowers(activity, others);
  else
    await context().sendActivity({ identifier: username }, author, activity);
  return { activity: activity.id.href, author: author.id.href };
}

async function undoReaction(Type, objectUri, toFollowers) {
  const key = `${Type.name} ${objectUri}`;
  const activity = reactions.get(key);
  if (activity == null)
    throw new Error(`no ${Type.name} of ${objectUri} to undo`);
  reactions.delete(key);
  const author = await lookupAuthor(objectUri);
  const others = author.id.href === actorUri().href ? [] : [author];
  const undo = new Undo({
    id: new URL(`#undos/${nextId()}`, actorUri()),
    actor: actorUri(),
    object: activity,
    tos: activity.toIds,
    ccs: activity.ccIds,
  });
  if (toFollowers)
    await sendToFollowers(undo, others);
  else
    await context().sendActivity({ identifier: username }, author, undo);
  return { undo: undo.id.href, undone: activity.id.href };
}

const commands = {
  async "GET /state"() {
    return {
      actor: actorUri().href,
      followers: [...followers.values()],
      following: [...following.values()],
      received,
      refused,
    };
  },

  async "POST /lookup"({ handle }) {
    const ctx = context();
    const resource = handle.startsWith("@") ? `acct:${handle.slice(1)}` : handle;
    const jrd = await lookupWebFinger(resource, { allowPrivateAddress: true });
    if (jrd == null)
      throw new Error(`WebFinger found nothing for ${resource}`);
    const self = jrd.links?.find((link) =>
      link.rel === "self" && link.type === "application/activity+json");
    if (self?.href == null)
      throw new Error(`the WebFinger answer for ${resource} has no self link`);
    const actor = await ctx.lookupObject(self.href);
    if (!isActor(actor))
      throw new Error(`${self.href} is not an actor`);
    const byHandle = await ctx.lookupObject(handle);
    const key = await actor.getPublicKey(ctx);
    return {
      webfinger: jrd,
      sameActorByHandle: byHandle?.id?.href === actor.id?.href,
      actor: {
        id: actor.id?.href ?? null,
        type: actor.constructor.typeId.href,
        preferredUsername: actor.preferredUsername?.toString() ?? null,
        name: actor.name?.toString() ?? null,
        inbox: actor.inboxId?.href ?? null,
        outbox: actor.outboxId?.href ?? null,
        sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
        followers: actor.followersId?.href ?? null,
        following: actor.followingId?.href ?? null,
        url: actor.url?.href ?? null,
        publicKey: key == null ? null : {
          id: key.id?.href ?? null,
          owner: key.ownerId?.href ?? null,
          algorithm: key.publicKey?.algorithm?.name ?? null,
          spki: key.publicKey == null ? null : Buffer.from(
            await crypto.subtle.exportKey("spki", key.publicKey)).toString("base64"),
        },
      },
    };
  },

  async "POST /follow"({ handle }) {
    const actor = await lookupActor(handle);
    const follow = new Follow({
      id: new URL(`#follows/${nextId()}`, actorUri()),
      actor: actorUri(),
      object: actor.id,
      to: actor.id,
    });
    following.set(actor.id.href, {
      id: actor.id.href,
      inbox: actor.inboxId.href,
      followId: follow.id.href,
      accepted: false,
    });
    await context().sendActivity({ identifier: username }, actor, follow);
    return { follow: follow.id.href, actor: actor.id.href };
  },

  async "POST /unfollow"({ handle }) {
    const actor = await lookupActor(handle);
    const follow = following.get(actor.id.href);
    if (follow == null)
      throw new Error(`${handle} is not followed`);
    const undo = new Undo({
      id: new URL(`#undos/${nextId()}`, actorUri()),
      actor: actorUri(),
      object: new Follow({ id: new URL(follow.followId), actor: actorUri(), object: actor.id }),
      to: actor.id,
    });
    following.delete(actor.id.href);
    await context().sendActivity({ identifier: username }, actor, undo);
    return { undo: undo.id.href };
  },

  async "POST /post"({ content, mention, inReplyTo, deliver = true }) {
    const ctx = context();
    const id = nextId();
    const mentioned = mention ? await lookupActor(mention) : null;
    const cc = [ctx.getFollowersUri(username)];
    const tags = [];
    if (mentioned) {
      cc.push(mentioned.id);
      tags.push(new Mention({ href: mentioned.id, name: mention }));
    }
    const note = new Note({
      id: ctx.getObjectUri(Note, { identifier: username, id }),
      attribution: actorUri(),
      content,
      replyTarget: inReplyTo ? new URL(inReplyTo) : null,
      to: PUBLIC_COLLECTION,
      ccs: cc,
      tags,
      published: Temporal.Now.instant(),
      url: ctx.getObjectUri(Note, { identifier: username, id }),
    });
    notes.set(id, note);
    const create = new Create({
      id: new URL(`#create`, note.id),
      actor: actorUri(),
      object: note,
      to: PUBLIC_COLLECTION,
      ccs: cc,
    });
    if (deliver)
      await sendToFollowers(create, mentioned ? [mentioned] : []);
    return { id, note: note.id.href, create: create.id.href };
  },

  async "POST /update"({ id, content }) {
    const old = notes.get(id);
    if (old == null)
      throw new Error(`no note ${id}`);
    const note = old.clone({ content, updated: Temporal.Now.instant() });
    notes.set(id, note);
    const update = new Update({
      id: new URL(`#update-${nextId()}`, note.id),
      actor: actorUri(),
      object: note,
      to: PUBLIC_COLLECTION,
      ccs: note.ccIds,
    });
    await sendToFollowers(update);
    return { note: note.id.href, update: update.id.href };
  },

  async "POST /delete"({ id }) {
    const note = notes.get(id);
    if (note == null)
      throw new Error(`no note ${id}`);
    notes.delete(id);
    const del = new Delete({
      id: new URL(`#delete`, note.id),
      actor: actorUri(),
      object: new Tombstone({ id: note.id }),
      to: PUBLIC_COLLECTION,
      ccs: note.ccIds,
    });
    await sendToFollowers(del);
    return { note: note.id.href, delete: del.id.href };
  },

  async "POST /like"({ object }) {
    return await react(Like, object, false);
  },

  async "POST /unlike"({ object }) {
    return await undoReaction(Like, object, false);
  },

  async "POST /announce"({ object }) {
    return await react(Announce, object, true);
  },

  async "POST /unannounce"({ object }) {
    return await undoReaction(Announce, object, true);
  },

  async "POST /profile"({ name, summary }) {
    const ctx = context();
    profile.name = name ?? profile.name;
    profile.summary = summary ?? profile.summary;
    // The Person as the actor dispatcher now serves it (only a request context has getActor).
    const person = await federation.createContext(new Request(actorUri()), undefined)
      .getActor(username);
    const update = new Update({
      id: new URL(`#updates/${nextId()}`, actorUri()),
      actor: actorUri(),
      object: person,
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(username)],
    });
    await sendToFollowers(update);
    return { update: update.id.href };
  },

  async "POST /block"({ handle }) {
    const actor = await lookupActor(handle);
    const block = new Block({
      id: new URL(`#blocks/${nextId()}`, actorUri()),
      actor: actorUri(),
      object: actor.id,
      to: actor.id,
    });
    followers.delete(actor.id.href);
    following.delete(actor.id.href);
    await context().sendActivity({ identifier: username }, actor, block);
    return { block: block.id.href };
  },

  async "POST /deliver"({ inbox, kind, content }) {
    const ctx = context();
    const id = nextId();
    const noteId = new URL(`/users/${username}/notes/${kind}-${id}`, federationOrigin);
    const create = new Create({
      id: new URL(`#create`, noteId),
      actor: actorUri(),
      object: new Note({ id: noteId, attribution: actorUri(), content, to: PUBLIC_COLLECTION }),
      to: PUBLIC_COLLECTION,
    });
    const body = JSON.stringify(await create.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader }));
    let request = new Request(inbox, {
      method: "POST",
      headers: { "Content-Type": "application/activity+json" },
      body,
    });
    const keyId = (await ctx.getActorKeyPairs(username))[0].keyId;
    if (kind === "signed") {
      request = await signRequest(request, keyPair.privateKey, keyId);
    } else if (kind === "wrong-key") {
      // Signed by a key nobody published, under the key id of the real one (2048 bits: it
      // only has to be another key, and a 4096-bit one can take seconds to make).
      const other = await crypto.subtle.generateKey({
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      }, true, ["sign", "verify"]);
      request = await signRequest(request, other.privateKey, keyId);
    } else if (kind === "tampered") {
      // Signed properly, then the body changed on the way: the Digest no longer matches.
      const signed = await signRequest(request, keyPair.privateKey, keyId);
      request = new Request(inbox, {
        method: "POST",
        headers: signed.headers,
        body: body.replace(content, `${content} (altered)`),
      });
    } else if (kind !== "unsigned") {
      throw new Error(`unknown kind ${kind}`);
    }
    const response = await fetch(request);
    return {
      status: response.status,
      body: await response.text(),
      activity: create.id.href,
      note: noteId.href,
    };
  },
};

async function serveControl(req, res) {
  const url = new URL(req.url, `http://${LOOPBACK}`);
  const command = commands[`${req.method} ${url.pathname}`];
  let status = 200;
  let answer;

  try {
    if (command == null) {
      status = 404;
      answer = { error: `no command ${req.method} ${url.pathname}` };
    } else {
      const body = await readBody(req);
      answer = await command(body.length > 0 ? JSON.parse(body.toString("utf8")) : {});
    }
  } catch (error) {
    status = 500;
    answer = { error: String(error?.stack ?? error) };
  }
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(answer));
}

function listen(handler) {
  const server = http.createServer((req, res) => {
    handler(req, res).catch((error) => {
      process.stderr.write(`peer: ${error?.stack ?? error}\n`);
      if (!res.headersSent)
        res.writeHead(500);
      res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => resolve(server));
  });
}

const federationServer = await listen(serveFederation);
const controlServer = await listen(serveControl);
federationOrigin = `http://${LOOPBACK}:${federationServer.address().port}`;

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    federationServer.close();
    controlServer.close();
    process.exit(0);
  });
}

process.stdout.write(JSON.stringify({
  federation: federationOrigin,
  control: `http://${LOOPBACK}:${controlServer.address().port}`,
  actor: actorUri().href,
}) + "\n");
