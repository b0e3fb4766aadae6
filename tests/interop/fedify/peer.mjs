// SPDX-License-Identifier: AGPL-3.0-or-later
//
// A small ActivityPub server built on Fedify, the other side of Quitter's interop tests. Its
// Persons each have an RSA key pair; everything is in memory, plain http on 127.0.0.1.
//
//   node peer.mjs [--username NAME]
//
// NAME (default "fedi") exists from the start; /actor makes more.
// It serves the federation on one loopback port and a control interface for the test driver on
// another (both chosen by the system), and prints them as one JSON line on stdout:
//   {"federation": "http://127.0.0.1:P1", "control": "http://127.0.0.1:P2", "actor": "…"}
//
// Control interface (JSON in and out). Commands act as the first Person unless "as" names
// another one.
//   GET  /state                    followers and follows of each Person, every activity the
//                                  inbox listeners got, and the deliveries Fedify refused
//   POST /actor {name}             makes another Person
//   POST /alias {uri}              adds an account to the Person's aliases (alsoKnownAs), and
//                                  sends an Update of the Person to its followers
//   POST /move {to}                sends a Move of the Person to another account (one of the
//                                  peer's, which lists it as an alias) to its followers
//   POST /lookup {handle}          WebFinger, the actor document and NodeInfo, read with
//                                  Fedify's own lookups
//   POST /collection {uri}         pages through a collection, as Fedify does, and lists its
//                                  items (ids, or the ids of the objects of activities)
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
  Activity,
  Announce,
  Block,
  Collection,
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
  getDocumentLoader,
  isActor,
  lookupWebFinger,
  signRequest,
  traverseCollection,
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

// The Persons, by identifier. Fedify's key pairs are 4096-bit RSA, which take a moment to
// make: once the peer listens, it makes a few ahead for the Persons made later.
const actors = new Map();
const spareKeyPairs = [];

async function addActor(name) {
  if (!/^[a-z0-9_]+$/.test(name) || actors.has(name))
    throw new Error(`cannot make a Person named ${JSON.stringify(name)}`);
  const keyPair = await (spareKeyPairs.shift() ?? generateCryptoKeyPair("RSASSA-PKCS1-v1_5"));
  const actor = {
    name,
    keyPair,
    profile: { name: `Fedify peer ${name}`, summary: "The other side of Quitter's interop tests" },
    aliases: [],                  // alsoKnownAs
    movedTo: null,
    followers: new Map(),         // actor id → { id, inbox, sharedInbox }
    following: new Map(),         // actor id → { id, inbox, followId, accepted }
  };
  actors.set(name, actor);
  return actor;
}

await addActor(username);

const notes = new Map();       // note path id → Note
const received = [];           // what the inbox listeners were given
const refused = [];            // inbox deliveries Fedify answered with an error
const arrivals = new Map();    // activity id → { raw, verifiedKeyId, inbox }
const reactions = new Map();   // "actor Like object", "actor Announce object" → the activity
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
      recipient: ctx.recipient,
      actor: activity.actorId?.href ?? null,
      object: activity.objectId?.href ?? null,
      inbox: arrival.inbox ?? null,
      verifiedKeyId: arrival.verifiedKeyId ?? null,
      activity: arrival.raw ?? (await activity.toJsonLd({ format: "compact" })),
      note: await describeNote(ctx, activity),
    });
  };
}

// A Note carried by a Create or an Update, as Fedify reads it.
async function describeNote(ctx, activity) {
  if (!(activity instanceof Create || activity instanceof Update))
    return null;
  const note = await activity.getObject(ctx);
  if (!(note instanceof Note))
    return null;
  const attachments = [];
  for await (const attachment of note.getAttachments(ctx)) {
    attachments.push({
      type: attachment.constructor.typeId.href,
      mediaType: attachment.mediaType ?? null,
      url: (attachment.url instanceof URL ? attachment.url : attachment.url?.href)?.href ?? null,
      name: attachment.name?.toString() ?? null,
    });
  }
  return {
    content: note.content?.toString() ?? null,
    inReplyTo: note.replyTargetId?.href ?? null,
    attachments,
  };
}

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    const actor = actors.get(identifier);
    if (actor == null)
      return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: actor.profile.name,
      summary: actor.profile.summary,
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      followers: ctx.getFollowersUri(identifier),
      aliases: actor.aliases.map((alias) => new URL(alias)),
      successor: actor.movedTo ? new URL(actor.movedTo) : null,
      manuallyApprovesFollowers: false,
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((key) => key.multikey),
    });
  })
  .setKeyPairsDispatcher((ctx, identifier) => {
    const actor = actors.get(identifier);
    return actor ? [actor.keyPair] : [];
  });

function recipientsOf(records) {
  return [...records.values()].map((follower) => ({
    id: new URL(follower.id),
    inboxId: new URL(follower.inbox),
    endpoints: follower.sharedInbox ? { sharedInbox: new URL(follower.sharedInbox) } : null,
  }));
}

federation.setFollowersDispatcher("/users/{identifier}/followers", (ctx, identifier) => {
  const actor = actors.get(identifier);
  return actor ? { items: recipientsOf(actor.followers) } : null;
});

federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (ctx, values) => {
  if (!actors.has(values.identifier))
    return null;
  const note = notes.get(values.id);
  return note?.attributionId?.href === ctx.getActorUri(values.identifier).href ? note : null;
});

// The Person an activity is about (its object), when it is one of ours.
function ourActor(ctx, uri) {
  const parsed = uri ? ctx.parseUri(uri) : null;
  return parsed?.type === "actor" ? actors.get(parsed.identifier) ?? null : null;
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    await record("Follow")(ctx, follow);
    const actor = ourActor(ctx, follow.objectId);
    if (actor == null || follow.id == null)
      return;
    const follower = await follow.getActor(ctx);
    if (!isActor(follower) || follower.id == null || follower.inboxId == null)
      return;
    actor.followers.set(follower.id.href, {
      id: follower.id.href,
      inbox: follower.inboxId.href,
      sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
    });
    await ctx.sendActivity(
      { identifier: actor.name },
      follower,
      new Accept({
        id: new URL(`#accepts/${nextId()}`, ctx.getActorUri(actor.name)),
        actor: ctx.getActorUri(actor.name),
        object: follow,
        to: follower.id,
      }),
    );
  })
  .on(Accept, async (ctx, accept) => {
    await record("Accept")(ctx, accept);
    for (const actor of actors.values()) {
      for (const follow of actor.following.values()) {
        if (follow.id === accept.actorId?.href &&
            (accept.objectId == null || accept.objectId.href === follow.followId))
          follow.accepted = true;
      }
    }
  })
  .on(Reject, async (ctx, reject) => {
    await record("Reject")(ctx, reject);
    for (const actor of actors.values()) {
      if (reject.actorId != null)
        actor.following.delete(reject.actorId.href);
    }
  })
  .on(Undo, async (ctx, undo) => {
    await record("Undo")(ctx, undo);
    const object = await undo.getObject(ctx);
    const actor = object instanceof Follow ? ourActor(ctx, object.objectId) : null;
    if (actor != null && undo.actorId != null && object.actorId?.href === undo.actorId.href)
      actor.followers.delete(undo.actorId.href);
  })
  .on(Create, record("Create"))
  .on(Update, record("Update"))
  .on(Delete, record("Delete"))
  .on(Announce, record("Announce"))
  .on(Like, record("Like"))
  .on(Block, async (ctx, block) => {
    await record("Block")(ctx, block);
    const actor = ourActor(ctx, block.objectId);
    if (actor != null && block.actorId != null) {
      actor.followers.delete(block.actorId.href);
      actor.following.delete(block.actorId.href);
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
  return pathname === "/inbox" || /^\/users\/[^/]+\/inbox$/.test(pathname);
}

// Before Fedify handles an inbox delivery, the peer notes the raw JSON and which key Fedify's
// own verifyRequest accepts for it. Fedify dispatches an activity to a listener only after it
// verified its signature (federation/handler.js answers 401 otherwise); the key id lets the
// tests check that it was the node's key that did. Keys are cached as Fedify caches them, so
// that a Delete of an account whose key is gone verifies here as it does there.
const keys = new Map();
const keyCache = {
  async get(keyId) { return keys.get(keyId.href); },
  async set(keyId, key) { keys.set(keyId.href, key); },
};

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
    keyCache,
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

// The Person a command acts as.
function actorNamed(name) {
  const actor = actors.get(name ?? username);
  if (actor == null)
    throw new Error(`no Person ${name}`);
  return actor;
}

function actorUri(name) {
  return context().getActorUri(actorNamed(name).name);
}

async function lookupActor(handle) {
  const ctx = context();
  const actor = await ctx.lookupObject(handle);
  if (!isActor(actor) || actor.id == null || actor.inboxId == null)
    throw new Error(`${handle} does not resolve to an actor`);
  return actor;
}

// Sends as @name to its followers and to @others (actors), one delivery per inbox: Fedify
// collapses recipients that share an inbox.
async function sendToFollowers(name, activity, others = []) {
  const actor = actorNamed(name);
  const recipients = [...recipientsOf(actor.followers), ...others];
  if (recipients.length > 0)
    await context().sendActivity({ identifier: actor.name }, recipients, activity,
                                 { preferSharedInbox: true });
}

async function sendTo(name, recipient, activity) {
  await context().sendActivity({ identifier: actorNamed(name).name }, recipient, activity);
}

async function lookupAuthor(objectUri) {
  const ctx = context();
  const object = await ctx.lookupObject(objectUri);
  if (object == null || object.attributionId == null)
    throw new Error(`${objectUri} has no author`);
  return await lookupActor(object.attributionId.href);
}

async function react(name, Type, objectUri, toFollowers) {
  const me = actorUri(name);
  const author = await lookupAuthor(objectUri);
  const others = author.id.href === me.href ? [] : [author];
  const activity = new Type({
    id: new URL(`#${Type.name.toLowerCase()}s/${nextId()}`, me),
    actor: me,
    object: new URL(objectUri),
    to: toFollowers ? PUBLIC_COLLECTION : author.id,
    ccs: toFollowers ? [author.id, context().getFollowersUri(actorNamed(name).name)] : [],
  });
  reactions.set(`${me.href} ${Type.name} ${objectUri}`, activity);
  if (toFollowers)
    await sendToFollowers(name, activity, others);
  else
    await sendTo(name, author, activity);
  return { activity: activity.id.href, author: author.id.href };
}

async function undoReaction(name, Type, objectUri, toFollowers) {
  const me = actorUri(name);
  const key = `${me.href} ${Type.name} ${objectUri}`;
  const activity = reactions.get(key);
  if (activity == null)
    throw new Error(`no ${Type.name} of ${objectUri} to undo`);
  reactions.delete(key);
  const author = await lookupAuthor(objectUri);
  const others = author.id.href === me.href ? [] : [author];
  const undo = new Undo({
    id: new URL(`#undos/${nextId()}`, me),
    actor: me,
    object: activity,
    tos: activity.toIds,
    ccs: activity.ccIds,
  });
  if (toFollowers)
    await sendToFollowers(name, undo, others);
  else
    await sendTo(name, author, undo);
  return { undo: undo.id.href, undone: activity.id.href };
}

// The Person as the actor dispatcher now serves it (only a request context has getActor).
async function currentPerson(name) {
  return await federation.createContext(new Request(actorUri(name)), undefined)
    .getActor(actorNamed(name).name);
}

async function sendProfileUpdate(name) {
  const ctx = context();
  const me = actorUri(name);
  const update = new Update({
    id: new URL(`#updates/${nextId()}`, me),
    actor: me,
    object: await currentPerson(name),
    to: PUBLIC_COLLECTION,
    ccs: [ctx.getFollowersUri(actorNamed(name).name)],
  });
  await sendToFollowers(name, update);
  return update;
}

// Lookups for the tests read what the servers serve now, not what Fedify cached earlier.
const freshLoader = getDocumentLoader({ allowPrivateAddress: true });

function describeActor(actor, key) {
  return {
    id: actor.id?.href ?? null,
    type: actor.constructor.typeId.href,
    preferredUsername: actor.preferredUsername?.toString() ?? null,
    name: actor.name?.toString() ?? null,
    summary: actor.summary?.toString() ?? null,
    inbox: actor.inboxId?.href ?? null,
    outbox: actor.outboxId?.href ?? null,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
    followers: actor.followersId?.href ?? null,
    following: actor.followingId?.href ?? null,
    url: actor.url?.href ?? null,
    alsoKnownAs: actor.aliasIds.map((alias) => alias.href),
    movedTo: actor.successorId?.href ?? null,
    publicKey: key,
  };
}

const commands = {
  async "GET /state"() {
    return {
      actors: Object.fromEntries([...actors.values()].map((actor) => [actor.name, {
        id: actorUri(actor.name).href,
        followers: [...actor.followers.values()],
        following: [...actor.following.values()],
      }])),
      received,
      refused,
    };
  },

  async "POST /actor"({ name }) {
    const actor = await addActor(name);
    return { actor: actorUri(actor.name).href, handle: `@${actor.name}@${new URL(federationOrigin).host}` };
  },

  async "POST /lookup"({ handle }) {
    const ctx = context();
    const options = { documentLoader: freshLoader, contextLoader: ctx.contextLoader };
    const resource = handle.startsWith("@") ? `acct:${handle.slice(1)}` : handle;
    const jrd = await lookupWebFinger(resource, { allowPrivateAddress: true });
    if (jrd == null)
      throw new Error(`WebFinger found nothing for ${resource}`);
    const self = jrd.links?.find((link) =>
      link.rel === "self" && link.type === "application/activity+json");
    if (self?.href == null)
      throw new Error(`the WebFinger answer for ${resource} has no self link`);
    const actor = await ctx.lookupObject(self.href, options);
    if (!isActor(actor))
      throw new Error(`${self.href} is not an actor`);
    const byHandle = await ctx.lookupObject(handle, options);
    const key = await actor.getPublicKey(options);
    // Fedify's NodeInfo parser is strict: anything it cannot read makes this undefined.
    const nodeInfo = await ctx.lookupNodeInfo(new URL("/", actor.id));
    return {
      webfinger: jrd,
      nodeInfo: nodeInfo == null ? null : {
        software: nodeInfo.software.name,
        protocols: nodeInfo.protocols,
        openRegistrations: nodeInfo.openRegistrations,
      },
      sameActorByHandle: byHandle?.id?.href === actor.id?.href,
      actor: describeActor(actor, key == null ? null : {
        id: key.id?.href ?? null,
        owner: key.ownerId?.href ?? null,
        algorithm: key.publicKey?.algorithm?.name ?? null,
        spki: key.publicKey == null ? null : Buffer.from(
          await crypto.subtle.exportKey("spki", key.publicKey)).toString("base64"),
      }),
    };
  },

  async "POST /collection"({ uri }) {
    const ctx = context();
    const options = { documentLoader: freshLoader, contextLoader: ctx.contextLoader };
    const collection = await ctx.lookupObject(uri, options);
    if (!(collection instanceof Collection))
      throw new Error(`${uri} is not a collection`);
    const items = [];
    for await (const item of traverseCollection(collection, options)) {
      items.push({
        id: item.id?.href ?? null,
        type: item.constructor.typeId.href,
        object: item instanceof Activity ? item.objectId?.href ?? null : null,
      });
    }
    return { totalItems: collection.totalItems, items };
  },

  async "POST /follow"({ handle, as }) {
    const me = actorUri(as);
    const target = await lookupActor(handle);
    const follow = new Follow({
      id: new URL(`#follows/${nextId()}`, me),
      actor: me,
      object: target.id,
      to: target.id,
    });
    actorNamed(as).following.set(target.id.href, {
      id: target.id.href,
      inbox: target.inboxId.href,
      followId: follow.id.href,
      accepted: false,
    });
    await sendTo(as, target, follow);
    return { follow: follow.id.href, actor: target.id.href };
  },

  async "POST /unfollow"({ handle, as }) {
    const me = actorUri(as);
    const target = await lookupActor(handle);
    const follow = actorNamed(as).following.get(target.id.href);
    if (follow == null)
      throw new Error(`${handle} is not followed`);
    const undo = new Undo({
      id: new URL(`#undos/${nextId()}`, me),
      actor: me,
      object: new Follow({ id: new URL(follow.followId), actor: me, object: target.id }),
      to: target.id,
    });
    actorNamed(as).following.delete(target.id.href);
    await sendTo(as, target, undo);
    return { undo: undo.id.href };
  },

  async "POST /post"({ content, mention, inReplyTo, deliver = true, as }) {
    const ctx = context();
    const me = actorUri(as);
    const id = nextId();
    const mentioned = mention ? await lookupActor(mention) : null;
    const cc = [ctx.getFollowersUri(actorNamed(as).name)];
    const tags = [];
    if (mentioned) {
      cc.push(mentioned.id);
      tags.push(new Mention({ href: mentioned.id, name: mention }));
    }
    const noteId = ctx.getObjectUri(Note, { identifier: actorNamed(as).name, id });
    const note = new Note({
      id: noteId,
      attribution: me,
      content,
      replyTarget: inReplyTo ? new URL(inReplyTo) : null,
      to: PUBLIC_COLLECTION,
      ccs: cc,
      tags,
      published: Temporal.Now.instant(),
      url: noteId,
    });
    notes.set(id, note);
    const create = new Create({
      id: new URL(`#create`, note.id),
      actor: me,
      object: note,
      to: PUBLIC_COLLECTION,
      ccs: cc,
    });
    if (deliver)
      await sendToFollowers(as, create, mentioned ? [mentioned] : []);
    return { id, note: note.id.href, create: create.id.href };
  },

  async "POST /update"({ id, content, as }) {
    const old = notes.get(id);
    if (old == null)
      throw new Error(`no note ${id}`);
    const note = old.clone({ content, updated: Temporal.Now.instant() });
    notes.set(id, note);
    const update = new Update({
      id: new URL(`#update-${nextId()}`, note.id),
      actor: actorUri(as),
      object: note,
      to: PUBLIC_COLLECTION,
      ccs: note.ccIds,
    });
    await sendToFollowers(as, update);
    return { note: note.id.href, update: update.id.href };
  },

  async "POST /delete"({ id, as }) {
    const note = notes.get(id);
    if (note == null)
      throw new Error(`no note ${id}`);
    notes.delete(id);
    const del = new Delete({
      id: new URL(`#delete`, note.id),
      actor: actorUri(as),
      object: new Tombstone({ id: note.id }),
      to: PUBLIC_COLLECTION,
      ccs: note.ccIds,
    });
    await sendToFollowers(as, del);
    return { note: note.id.href, delete: del.id.href };
  },

  async "POST /like"({ object, as }) {
    return await react(as, Like, object, false);
  },

  async "POST /unlike"({ object, as }) {
    return await undoReaction(as, Like, object, false);
  },

  async "POST /announce"({ object, as }) {
    return await react(as, Announce, object, true);
  },

  async "POST /unannounce"({ object, as }) {
    return await undoReaction(as, Announce, object, true);
  },

  async "POST /profile"({ name, summary, as }) {
    const actor = actorNamed(as);
    actor.profile.name = name ?? actor.profile.name;
    actor.profile.summary = summary ?? actor.profile.summary;
    const update = await sendProfileUpdate(as);
    return { update: update.id.href };
  },

  async "POST /alias"({ uri, as }) {
    actorNamed(as).aliases.push(uri);
    const update = await sendProfileUpdate(as);
    return { update: update.id.href };
  },

  async "POST /move"({ to, as }) {
    const ctx = context();
    const me = actorUri(as);
    const target = await lookupActor(to);
    actorNamed(as).movedTo = target.id.href;
    const move = new Move({
      id: new URL(`#moves/${nextId()}`, me),
      actor: me,
      object: me,
      target: target.id,
      to: ctx.getFollowersUri(actorNamed(as).name),
    });
    await sendToFollowers(as, move);
    return { move: move.id.href, target: target.id.href };
  },

  async "POST /block"({ handle, as }) {
    const me = actorUri(as);
    const target = await lookupActor(handle);
    const block = new Block({
      id: new URL(`#blocks/${nextId()}`, me),
      actor: me,
      object: target.id,
      to: target.id,
    });
    actorNamed(as).followers.delete(target.id.href);
    actorNamed(as).following.delete(target.id.href);
    await sendTo(as, target, block);
    return { block: block.id.href };
  },

  async "POST /deliver"({ inbox, kind, content, as }) {
    const ctx = context();
    const actor = actorNamed(as);
    const me = actorUri(as);
    const noteId = new URL(`/users/${actor.name}/notes/${kind}-${nextId()}`, federationOrigin);
    const create = new Create({
      id: new URL(`#create`, noteId),
      actor: me,
      object: new Note({ id: noteId, attribution: me, content, to: PUBLIC_COLLECTION }),
      to: PUBLIC_COLLECTION,
    });
    const body = JSON.stringify(await create.toJsonLd({ format: "compact",
                                                         contextLoader: ctx.contextLoader }));
    let request = new Request(inbox, {
      method: "POST",
      headers: { "Content-Type": "application/activity+json" },
      body,
    });
    const keyId = (await ctx.getActorKeyPairs(actor.name))[0].keyId;
    if (kind === "signed") {
      request = await signRequest(request, actor.keyPair.privateKey, keyId);
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
      const signed = await signRequest(request, actor.keyPair.privateKey, keyId);
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

for (let i = 0; i < 2; i++)
  spareKeyPairs.push(generateCryptoKeyPair("RSASSA-PKCS1-v1_5"));

process.stdout.write(JSON.stringify({
  federation: federationOrigin,
  control: `http://${LOOPBACK}:${controlServer.address().port}`,
  actor: actorUri().href,
}) + "\n");
