/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "node-test-util.h"

#include <libsoup/soup.h>
#include <string.h>

#include "qtr-http-signature.h"
#include "qtr-keys.h"
#include "qtr-node-private.h"

/* Posts fetched by URL: replies and their threads, boosts both ways, across real nodes on
 * loopback, and a server of our own making ("mallory", on 127.0.0.2) for what real nodes never
 * send: threads deeper than the bound, cycles, wrong content types, forged objects. */

#define PUBLIC "https://www.w3.org/ns/activitystreams#Public"

/* mallory's server: an actor with a key, and the documents each test gives it. */
typedef struct {
  QtrTestServer  http;
  char          *actor;
  QtrKey        *key;
} FakeServer;

typedef struct {
  char        *root;
  QtrTestNode  alice;
  QtrTestNode  bob;
  QtrTestNode  carol;
  FakeServer   mallory;
} Fixture;

/* The fake server */

/* A note of mallory's at @path, answering @in_reply_to (a path of the fake server, or NULL),
 * addressed to the public and to @cc. */
static char *
fake_note_json (FakeServer *fake,
                const char *path,
                const char *in_reply_to,
                const char *cc)
{
  g_autofree char *reply = in_reply_to ? g_strdup_printf ("\"%s%s\"", fake->http.base,
                                                          in_reply_to)
                                       : g_strdup ("null");

  return g_strdup_printf ("{\"id\":\"%s%s\",\"type\":\"Note\",\"attributedTo\":\"%s\","
                          "\"content\":\"<p>note %s</p>\",\"published\":\"2026-11-27T10:00:00Z\","
                          "\"to\":[\"" PUBLIC "\"],\"cc\":[%s%s%s],\"inReplyTo\":%s}",
                          fake->http.base, path, fake->actor, path, cc ? "\"" : "", cc ? cc : "",
                          cc ? "\"" : "", reply);
}

static void
fake_add_note (FakeServer *fake,
               const char *path,
               const char *in_reply_to)
{
  g_autofree char *json = fake_note_json (fake, path, in_reply_to, NULL);

  qtr_test_server_add (&fake->http, path, NULL, json);
}

static void
start_fake (FakeServer *fake)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GString) pem_json = NULL;
  g_autofree char *actor_json = NULL;

  qtr_test_server_start (&fake->http, "127.0.0.2");
  fake->actor = g_strconcat (fake->http.base, "/users/mallory", NULL);

  fake->key = qtr_key_generate (QTR_KEY_DEFAULT_BITS, &error);
  g_assert_no_error (error);
  pem = qtr_key_export_public_pem (fake->key, &error);
  g_assert_no_error (error);
  pem_json = g_string_new (pem);
  g_string_replace (pem_json, "\n", "\\n", 0);
  actor_json = g_strdup_printf ("{\"@context\":\"https://www.w3.org/ns/activitystreams\","
                                "\"id\":\"%s\",\"type\":\"Person\","
                                "\"preferredUsername\":\"mallory\",\"inbox\":\"%s/inbox\","
                                "\"followers\":\"%s/followers\","
                                "\"publicKey\":{\"id\":\"%s#main-key\",\"owner\":\"%s\","
                                "\"publicKeyPem\":\"%s\"}}",
                                fake->actor, fake->actor, fake->actor, fake->actor, fake->actor,
                                pem_json->str);
  qtr_test_server_add (&fake->http, "/users/mallory", NULL, actor_json);
}

static void
stop_fake (FakeServer *fake)
{
  qtr_test_server_stop (&fake->http);
  g_clear_object (&fake->key);
  g_clear_pointer (&fake->actor, g_free);
}

/* Fixture */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->root = g_dir_make_tmp ("quitter-test-fetching-XXXXXX", NULL);
  qtr_test_node_start (&fixture->alice, fixture->root, "alice", NULL);
  qtr_test_node_start (&fixture->bob, fixture->root, "bob", NULL);
  qtr_test_node_start (&fixture->carol, fixture->root, "carol", NULL);
  start_fake (&fixture->mallory);
}

static gboolean
nodes_are_idle (Fixture *fixture)
{
  return qtr_test_node_is_idle (&fixture->alice) && qtr_test_node_is_idle (&fixture->bob) &&
         qtr_test_node_is_idle (&fixture->carol);
}

/* Waits until every node has applied what it got, fetched what it wanted and delivered what
 * it sent. */
static void
settle (Fixture *fixture)
{
  qtr_test_wait_until (nodes_are_idle, fixture, "the nodes settle");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  settle (fixture);
  qtr_test_node_stop (&fixture->alice);
  qtr_test_node_stop (&fixture->bob);
  qtr_test_node_stop (&fixture->carol);
  stop_fake (&fixture->mallory);
  qtr_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

/* Reading node.db */

static QtrStatus *
find_status (QtrTestNode *node,
             const char  *uri)
{
  g_autoptr(GError) error = NULL;
  QtrStatus *status = qtr_node_store_find_status (qtr_node_get_store (node->node), uri, NULL,
                                                  &error);

  g_assert_no_error (error);
  return status;
}

static gboolean
audience_has (const char *document,
              const char *member,
              const char *who)
{
  g_autoptr(JsonNode) root = json_from_string (document, NULL);
  JsonObject *object;
  JsonArray *array;

  g_assert_nonnull (root);
  object = json_node_get_object (root);
  array = json_object_get_array_member (object, member);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      if (g_str_equal (json_array_get_string_element (array, i), who))
        return TRUE;
    }
  return FALSE;
}

/* Async calls of the node, run to their end */

static char *
post (QtrTestNode *node,
      const char  *text,
      int          visibility,
      const char  *in_reply_to,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  QtrPostRequest request = { .text = text, .visibility = visibility,
                             .in_reply_to = in_reply_to };

  qtr_node_post_async (node->node, &request, NULL, qtr_test_got_result_cb, &result);
  return qtr_node_post_finish (node->node, qtr_test_wait_result (&result), error);
}

static char *
boost (QtrTestNode *node,
       const char  *uri,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_node_boost_async (node->node, uri, NULL, qtr_test_got_result_cb, &result);
  return qtr_node_boost_finish (node->node, qtr_test_wait_result (&result), error);
}

static QtrStatus *
resolve (QtrTestNode *node,
         const char  *uri,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_node_resolve_note_async (node->node, uri, NULL, qtr_test_got_result_cb, &result);
  return qtr_node_resolve_note_finish (node->node, qtr_test_wait_result (&result), error);
}

/* @follower follows @followed, who accepts. */
static void
follow (QtrTestNode *follower,
        QtrTestNode *followed)
{
  g_free (qtr_test_node_follow (follower, followed->handle));
  qtr_test_node_wait_rows (follower, 1, "SELECT count (*) FROM following WHERE accepted = 1");
}

/* GETs @url as ActivityStreams; it must answer 200. */
static char *
get_json (const char *url)
{
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_get (url, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_OK);
  return g_steal_pointer (&answer.body);
}

/* mallory's Create of the note at @path, addressed to alice. */
static void
mallory_creates (Fixture    *fixture,
                 const char *path,
                 const char *in_reply_to)
{
  FakeServer *fake = &fixture->mallory;
  g_autofree char *note = fake_note_json (fake, path, in_reply_to, fixture->alice.actor);
  g_autofree char *key_id = g_strconcat (fake->actor, "#main-key", NULL);
  g_autofree char *inbox = g_strconcat (fixture->alice.actor, "/inbox", NULL);
  g_autofree char *body = g_strdup_printf ("{\"@context\":\"https://www.w3.org/ns/activitystreams\","
                                           "\"id\":\"%s%s/activity\",\"type\":\"Create\","
                                           "\"actor\":\"%s\",\"to\":[\"" PUBLIC "\"],"
                                           "\"cc\":[\"%s\"],\"object\":%s}",
                                           fake->http.base, path, fake->actor,
                                           fixture->alice.actor, note);

  qtr_test_server_add (&fake->http, path, NULL, note);
  qtr_test_deliver (inbox, body, key_id, fake->key);
}

/* Tests */

/* alice posts; bob, who never saw it, replies (his node fetches it); carol replies to bob
 * (hers fetches his); bob answers carol, naming alice too. alice's node gets that last reply
 * without the post it answers, on a server it has never heard of, and fetches it: the thread
 * joins up with bob's first reply, which alice has. */
static void
test_reply_thread (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *bob_reply = NULL;
  g_autofree char *carol_reply = NULL;
  g_autofree char *last = NULL;
  g_autofree char *text = NULL;
  g_autoptr(QtrStatus) sent = NULL;
  g_autoptr(QtrStatus) fetched = NULL;

  first = post (&fixture->alice, "What do you think?", QTR_VISIBILITY_PUBLIC, NULL, &error);
  g_assert_no_error (error);

  bob_reply = post (&fixture->bob, "I think so", QTR_VISIBILITY_PUBLIC, first, &error);
  g_assert_no_error (error);
  /* The reply answers alice's post, mentions alice, and is addressed to her in cc. */
  sent = find_status (&fixture->bob, bob_reply);
  g_assert_cmpstr (sent->in_reply_to, ==, first);
  g_assert_nonnull (strstr (sent->document, "\"inReplyTo\":\""));
  g_assert_true (audience_has (sent->document, "to", PUBLIC));
  g_assert_true (audience_has (sent->document, "cc", fixture->alice.actor));
  g_assert_nonnull (strstr (sent->document, "\"type\":\"Mention\""));
  /* bob's node kept what it fetched: alice's post, and alice. */
  g_assert_cmpint (qtr_test_node_countf (&fixture->bob, "SELECT count (*) FROM statuses s JOIN"
                                 " remote_actors a ON a.id = s.actor_id WHERE s.uri = '%s'"
                                 " AND a.uri = '%s'", first, fixture->alice.actor), ==, 1);

  /* alice, the parent's author, gets the reply, and is told. */
  qtr_test_node_wait_rows (&fixture->alice, 1,
                           "SELECT count (*) FROM notifications WHERE type = 'mention'");
  g_assert_cmpint (qtr_test_node_countf (&fixture->alice, "SELECT count (*) FROM statuses WHERE"
                                 " uri = '%s' AND in_reply_to_uri = '%s'", bob_reply, first),
                   ==, 1);

  carol_reply = post (&fixture->carol, "Not me", QTR_VISIBILITY_PUBLIC, bob_reply, &error);
  g_assert_no_error (error);
  qtr_test_node_wait_rows (&fixture->bob, 1, "SELECT count (*) FROM notifications"
                                             " WHERE type = 'mention'");
  settle (fixture);
  /* alice has never heard of carol. */
  g_assert_cmpint (qtr_test_node_countf (&fixture->alice, "SELECT count (*) FROM remote_actors"
                                 " WHERE uri = '%s'", fixture->carol.actor), ==, 0);
  g_assert_null (find_status (&fixture->alice, carol_reply));

  text = g_strdup_printf ("Why not, %s?", fixture->alice.handle);
  last = post (&fixture->bob, text, QTR_VISIBILITY_PUBLIC, carol_reply, &error);
  g_assert_no_error (error);
  qtr_test_node_wait_rows (&fixture->alice, 2, "SELECT count (*) FROM notifications"
                                               " WHERE type = 'mention'");
  settle (fixture);

  fetched = find_status (&fixture->alice, carol_reply);
  g_assert_nonnull (fetched);
  g_assert_cmpstr (fetched->in_reply_to, ==, bob_reply);
  g_assert_cmpstr (fetched->visibility, ==, "public");
  g_assert_nonnull (strstr (fetched->content, "Not me"));
  g_assert_cmpint (qtr_test_node_countf (&fixture->alice, "SELECT count (*) FROM remote_actors"
                                 " WHERE uri = '%s'", fixture->carol.actor), ==, 1);
  /* Four posts: alice's, bob's two, carol's; nothing fetched twice, nothing left over. */
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses"), ==, 4);
}

/* How replies are addressed and where they go, and what cannot be replied to. */
static void
test_reply_addressing (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *direct_reply = NULL;
  g_autofree char *private_reply = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *text = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *bob_followers = g_strconcat (fixture->bob.actor, "/followers", NULL);
  g_autoptr(QtrStatus) direct = NULL;
  g_autoptr(QtrStatus) private = NULL;

  first = post (&fixture->alice, "Tell me privately", QTR_VISIBILITY_PUBLIC, NULL, &error);
  g_assert_no_error (error);

  /* Direct: alice alone, in to. */
  direct_reply = post (&fixture->bob, "Here", QTR_VISIBILITY_DIRECT, first, &error);
  g_assert_no_error (error);
  direct = find_status (&fixture->bob, direct_reply);
  g_assert_true (audience_has (direct->document, "to", fixture->alice.actor));
  g_assert_false (audience_has (direct->document, "cc", fixture->alice.actor));
  g_assert_false (audience_has (direct->document, "to", PUBLIC));

  /* Followers only: the followers in to, alice in cc, as Mastodon's TagManager does. */
  private_reply = post (&fixture->bob, "And here", QTR_VISIBILITY_PRIVATE, first, &error);
  g_assert_no_error (error);
  private = find_status (&fixture->bob, private_reply);
  g_assert_true (audience_has (private->document, "to", bob_followers));
  g_assert_true (audience_has (private->document, "cc", fixture->alice.actor));

  /* bob has no followers: alice gets both because she is the parent's author. */
  qtr_test_node_wait_rows (&fixture->alice, 2, "SELECT count (*) FROM notifications"
                                               " WHERE type = 'mention'");
  g_assert_cmpint (qtr_test_node_countf (&fixture->alice, "SELECT count (*) FROM statuses WHERE"
                                 " in_reply_to_uri = '%s' AND visibility = 'direct'", first),
                   ==, 1);
  g_assert_cmpint (qtr_test_node_countf (&fixture->alice, "SELECT count (*) FROM statuses WHERE"
                                 " in_reply_to_uri = '%s' AND visibility = 'private'", first),
                   ==, 1);

  /* A direct post from bob to alice: carol cannot see it, so cannot reply to it. */
  text = g_strdup_printf ("Psst %s", fixture->alice.handle);
  secret = post (&fixture->bob, text, QTR_VISIBILITY_DIRECT, NULL, &error);
  g_assert_no_error (error);
  refused = post (&fixture->carol, "Let me in", QTR_VISIBILITY_PUBLIC, secret, &error);
  g_assert_null (refused);
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "cannot be seen"));
  g_clear_error (&error);
  g_assert_cmpint (qtr_test_node_count (&fixture->carol, "SELECT count (*) FROM statuses"), ==, 0);

  /* A reply to nothing known, without a way to fetch it. */
  refused = qtr_node_post (fixture->carol.node,
                           &(QtrPostRequest) { .text = "?", .in_reply_to = secret }, &error);
  g_assert_null (refused);
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
}

/* A thread deeper than the bound, a cycle and a reply to itself, from a server alice does not
 * know: her node fetches 16 ancestors and stops; the cycle ends; the replies stay. */
static void
test_thread_bounds (Fixture       *fixture,
                    gconstpointer  data)
{
  FakeServer *fake = &fixture->mallory;
  guint note_requests = 0;

  for (int i = 0; i <= 20; i++)
    {
      g_autofree char *path = g_strdup_printf ("/notes/%d", i);
      g_autofree char *parent = i > 0 ? g_strdup_printf ("/notes/%d", i - 1) : NULL;

      fake_add_note (fake, path, parent);
    }
  fake_add_note (fake, "/notes/a", "/notes/b");
  fake_add_note (fake, "/notes/b", "/notes/a");

  mallory_creates (fixture, "/notes/deep", "/notes/20");
  settle (fixture);
  /* The reply, and 20 down to 5. */
  g_assert_cmpint (qtr_test_node_countf (&fixture->alice, "SELECT count (*) FROM statuses WHERE"
                                 " uri LIKE '%s/notes/%%'", fake->http.base), ==, 17);
  for (int i = 5; i <= 20; i++)
    {
      g_autofree char *path = g_strdup_printf ("/notes/%d", i);
      g_autofree char *uri = g_strconcat (fake->http.base, path, NULL);
      g_autoptr(QtrStatus) status = find_status (&fixture->alice, uri);

      g_assert_nonnull (status);
      g_assert_cmpuint (qtr_test_server_count_requests (&fake->http, path), ==, 1);
    }
  g_assert_cmpuint (qtr_test_server_count_requests (&fake->http, "/notes/4"), ==, 0);

  /* a answers b, b answers a. */
  mallory_creates (fixture, "/notes/loop", "/notes/a");
  settle (fixture);
  g_assert_cmpuint (qtr_test_server_count_requests (&fake->http, "/notes/a"), ==, 1);
  g_assert_cmpuint (qtr_test_server_count_requests (&fake->http, "/notes/b"), ==, 1);
  g_assert_cmpint (qtr_test_node_countf (&fixture->alice, "SELECT count (*) FROM statuses WHERE"
                                 " uri LIKE '%s/notes/%%'", fake->http.base), ==, 20);

  /* A reply to itself, and a reply whose parent is gone: both kept, nothing else. */
  for (guint i = 0; i < fake->http.requests->len; i++)
    note_requests += g_str_has_prefix (g_ptr_array_index (fake->http.requests, i), "/notes/");
  mallory_creates (fixture, "/notes/self", "/notes/self");
  mallory_creates (fixture, "/notes/orphan", "/notes/missing");
  settle (fixture);
  g_assert_cmpuint (qtr_test_server_count_requests (&fake->http, "/notes/self"), ==, 0);
  g_assert_cmpuint (qtr_test_server_count_requests (&fake->http, "/notes/missing"), ==, 1);
  {
    guint now = 0;
    for (guint i = 0; i < fake->http.requests->len; i++)
      now += g_str_has_prefix (g_ptr_array_index (fake->http.requests, i), "/notes/");
    g_assert_cmpuint (now, ==, note_requests + 1);
  }
  g_assert_cmpint (qtr_test_node_countf (&fixture->alice, "SELECT count (*) FROM statuses WHERE"
                                 " uri LIKE '%s/notes/%%'", fake->http.base), ==, 22);
  /* Each reply told alice once; fetched ancestors did not. */
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM notifications"
                                                         " WHERE type = 'mention'"), ==, 4);
}

/* carol follows bob; bob boosts alice's post; carol's node keeps a reblog pointing at alice's
 * post, fetched from alice's node; alice is told; bob takes it back and it is gone. */
static void
test_boosts (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *original = NULL;
  g_autofree char *reblog = NULL;
  g_autofree char *again = NULL;
  g_autofree char *direct = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *bob_followers = g_strconcat (fixture->bob.actor, "/followers", NULL);
  g_autofree char *reblog_sql = NULL;
  g_autoptr(QtrStatus) row = NULL;

  follow (&fixture->carol, &fixture->bob);
  original = post (&fixture->alice, "Worth sharing", QTR_VISIBILITY_PUBLIC, NULL, &error);
  g_assert_no_error (error);

  reblog = boost (&fixture->bob, original, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (reblog, fixture->bob.actor));
  row = find_status (&fixture->bob, reblog);
  g_assert_nonnull (row);
  g_assert_cmpint (row->actor_row, ==, 0);
  g_assert_true (row->reblog_of_id > 0);
  g_assert_true (audience_has (row->document, "to", PUBLIC));
  g_assert_true (audience_has (row->document, "cc", fixture->alice.actor));
  g_assert_true (audience_has (row->document, "cc", bob_followers));
  /* Boosting again gives the same boost. */
  again = boost (&fixture->bob, original, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, reblog);

  /* carol's node: bob's reblog of alice's post, fetched from alice's node, alice included. */
  reblog_sql = g_strdup_printf ("SELECT count (*) FROM statuses r"
                                " JOIN statuses o ON o.id = r.reblog_of_id"
                                " JOIN remote_actors booster ON booster.id = r.actor_id"
                                " JOIN remote_actors author ON author.id = o.actor_id"
                                " WHERE r.uri = '%s' AND o.uri = '%s' AND booster.uri = '%s'"
                                " AND author.uri = '%s' AND o.content LIKE '%%Worth sharing%%'",
                                reblog, original, fixture->bob.actor, fixture->alice.actor);
  qtr_test_node_wait_rows (&fixture->carol, 1, reblog_sql);
  /* alice, the author, got the Announce and is told. */
  qtr_test_node_wait_rows (&fixture->alice, 1, "SELECT count (*) FROM notifications"
                                               " WHERE type = 'reblog'");

  /* bob's outbox lists the Announce, and it is served at its id. */
  settle (fixture);
  {
    g_autofree char *page = g_strconcat (fixture->bob.actor, "/outbox?page=true", NULL);
    g_autofree char *body = get_json (page);
    g_autofree char *served = get_json (reblog);

    g_assert_nonnull (strstr (body, "\"type\":\"Announce\""));
    g_assert_nonnull (strstr (body, original));
    g_assert_nonnull (strstr (served, "\"type\":\"Announce\""));
  }
  g_assert_true (qtr_node_unboost (fixture->bob.node, original, &error));
  g_assert_no_error (error);
  g_assert_null (find_status (&fixture->bob, reblog));
  qtr_test_node_wait_rows (&fixture->carol, 0, reblog_sql);
  qtr_test_node_wait_rows (&fixture->alice, 0, "SELECT count (*) FROM notifications"
                                               " WHERE type = 'reblog'");
  /* The boosted post stays. */
  g_assert_cmpint (qtr_test_node_countf (&fixture->carol, "SELECT count (*) FROM statuses WHERE"
                                 " uri = '%s'", original), ==, 1);
  g_assert_false (qtr_node_unboost (fixture->bob.node, original, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
  g_clear_error (&error);

  /* Direct posts are not boosted, nor others' followers-only posts. */
  direct = post (&fixture->bob, "Just for me", QTR_VISIBILITY_DIRECT, NULL, &error);
  g_assert_no_error (error);
  refused = boost (&fixture->bob, direct, &error);
  g_assert_null (refused);
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
  g_clear_error (&error);

  follow (&fixture->bob, &fixture->alice);
  secret = post (&fixture->alice, "Followers only", QTR_VISIBILITY_PRIVATE, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM statuses WHERE uri = '%s'"
                                            " AND visibility = 'private'", secret);
    qtr_test_node_wait_rows (&fixture->bob, 1, sql);
  }
  refused = boost (&fixture->bob, secret, &error);
  g_assert_null (refused);
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM statuses"
                                                       " WHERE reblog_of_id IS NOT NULL"), ==, 0);
}

/* An Announce by @actor that embeds a note with words of its own, claiming @object_id. */
static char *
forge_announce (const char *actor,
                int         n,
                const char *object_id,
                const char *attributed_to)
{
  return g_strdup_printf ("{\"@context\":\"https://www.w3.org/ns/activitystreams\","
                          "\"id\":\"%s/announces/%d\",\"type\":\"Announce\",\"actor\":\"%s\","
                          "\"to\":[\"" PUBLIC "\"],\"object\":{\"id\":\"%s\",\"type\":\"Note\","
                          "\"attributedTo\":\"%s\",\"content\":\"<p>forged words</p>\","
                          "\"to\":[\"" PUBLIC "\"]}}", actor, n, actor, object_id, attributed_to);
}

/* Announces from bob, whom carol follows, that embed a post of alice's host: what they embed
 * is never used; the post is what alice's node serves, or nothing. */
static void
test_announce_untrusted (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *original = NULL;
  g_autofree char *inbox = g_strconcat (fixture->carol.actor, "/inbox", NULL);
  g_autofree char *key_id = g_strconcat (fixture->bob.actor, "#main-key", NULL);
  g_autofree char *made_up = g_strconcat (fixture->alice.actor, "/statuses/1", NULL);
  QtrKey *bob_key = qtr_node_get_owner (fixture->bob.node)->key;
  g_autoptr(QtrStatus) kept = NULL;

  follow (&fixture->carol, &fixture->bob);
  original = post (&fixture->alice, "The real words", QTR_VISIBILITY_PUBLIC, NULL, &error);
  g_assert_no_error (error);

  {
    g_autofree char *body = forge_announce (fixture->bob.actor, 1, original,
                                            fixture->alice.actor);
    qtr_test_deliver (inbox, body, key_id, bob_key);
  }
  {
    g_autofree char *body = forge_announce (fixture->bob.actor, 2, made_up,
                                            fixture->alice.actor);
    qtr_test_deliver (inbox, body, key_id, bob_key);
  }
  qtr_test_node_wait_rows (&fixture->carol, 1, "SELECT count (*) FROM statuses"
                                               " WHERE reblog_of_id IS NOT NULL");
  settle (fixture);

  kept = find_status (&fixture->carol, original);
  g_assert_nonnull (kept);
  g_assert_nonnull (strstr (kept->content, "The real words"));
  g_assert_null (strstr (kept->document, "forged"));
  g_assert_cmpint (qtr_test_node_count (&fixture->carol, "SELECT count (*) FROM statuses WHERE"
                                                         " content LIKE '%forged%'"), ==, 0);
  g_assert_null (find_status (&fixture->carol, made_up));
  g_assert_cmpint (qtr_test_node_count (&fixture->carol, "SELECT count (*) FROM statuses"), ==, 2);
}

/* What the resolver refuses, it keeps nothing of. */
static void
test_fetch_refusals (Fixture       *fixture,
                     gconstpointer  data)
{
  FakeServer *fake = &fixture->mallory;
  QtrNodeConfig *config = qtr_node_get_config (fixture->alice.node);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrStatus) status = NULL;
  g_autofree char *html = g_strconcat (fake->http.base, "/notes/html", NULL);
  g_autofree char *foreign = g_strconcat (fake->http.base, "/notes/foreign", NULL);
  g_autofree char *fine = g_strconcat (fake->http.base, "/notes/fine", NULL);

  {
    g_autofree char *json = fake_note_json (fake, "/notes/html", NULL, NULL);
    qtr_test_server_add (&fake->http, "/notes/html", "text/html", json);
  }
  {
    g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"type\":\"Note\","
                                             "\"attributedTo\":\"%s\",\"content\":\"x\","
                                             "\"to\":[\"" PUBLIC "\"]}", foreign,
                                             fixture->bob.actor);
    qtr_test_server_add (&fake->http, "/notes/foreign", NULL, json);
  }
  fake_add_note (fake, "/notes/fine", NULL);

  status = resolve (&fixture->alice, html, &error);
  g_assert_null (status);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BAD_CONTENT_TYPE);
  g_clear_error (&error);

  status = resolve (&fixture->alice, foreign, &error);
  g_assert_null (status);
  g_assert_error (error, QTR_ACTIVITY_ERROR, QTR_ACTIVITY_ERROR_ORIGIN_MISMATCH);
  g_clear_error (&error);

  /* A blocked domain: nothing is even asked of it. */
  g_strfreev (config->blocked_domains);
  config->blocked_domains = g_strsplit ("127.0.0.2", ",", -1);
  status = resolve (&fixture->alice, fine, &error);
  g_assert_null (status);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_DOMAIN);
  g_clear_error (&error);
  g_assert_cmpuint (qtr_test_server_count_requests (&fake->http, "/notes/fine"), ==, 0);

  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses"), ==, 0);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM remote_actors"),
                   ==, 0);

  /* Unblocked, the same post is fetched, with its author, and kept once. */
  g_strfreev (config->blocked_domains);
  config->blocked_domains = g_new0 (char *, 1);
  status = resolve (&fixture->alice, fine, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);
  g_assert_cmpstr (status->uri, ==, fine);
  g_clear_pointer (&status, qtr_status_free);
  status = resolve (&fixture->alice, fine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qtr_test_server_count_requests (&fake->http, "/notes/fine"), ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses"), ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM remote_actors"),
                   ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/node/fetching/reply-thread", Fixture, NULL,
              fixture_set_up, test_reply_thread, fixture_tear_down);
  g_test_add ("/node/fetching/reply-addressing", Fixture, NULL,
              fixture_set_up, test_reply_addressing, fixture_tear_down);
  g_test_add ("/node/fetching/thread-bounds", Fixture, NULL,
              fixture_set_up, test_thread_bounds, fixture_tear_down);
  g_test_add ("/node/fetching/boosts", Fixture, NULL,
              fixture_set_up, test_boosts, fixture_tear_down);
  g_test_add ("/node/fetching/announce-untrusted", Fixture, NULL,
              fixture_set_up, test_announce_untrusted, fixture_tear_down);
  g_test_add ("/node/fetching/refusals", Fixture, NULL,
              fixture_set_up, test_fetch_refusals, fixture_tear_down);

  return g_test_run ();
}
