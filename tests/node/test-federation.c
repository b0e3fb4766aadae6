/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "qtr-http-signature.h"
#include "qtr-keys.h"
#include "qtr-node-private.h"

/* Real nodes on loopback ports federating with each other, and a hostile sender. */

typedef struct {
  char    *dir;
  char    *base;
  char    *handle;
  QtrNode *node;
} TestNode;

typedef struct {
  char     *root;
  TestNode  alice;
  TestNode  bob;
  TestNode  carol;   /* started only by the three-node tests */
} Fixture;


static void
start_node (Fixture    *fixture,
            TestNode   *node,
            const char *username,
            gboolean    manual_approval)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNodeConfig) config = NULL;
  g_autofree char *conf_path = NULL;
  guint port = qtr_test_pick_free_port ();

  node->dir = g_build_filename (fixture->root, username, NULL);
  node->base = g_strdup_printf ("http://127.0.0.1:%u", port);
  node->handle = g_strdup_printf ("@%s@127.0.0.1:%u", username, port);
  g_assert_true (qtr_node_init_data_dir (node->dir, node->base, username, NULL, &error));
  g_assert_no_error (error);

  /* Both nodes live on loopback: let them reach each other. */
  conf_path = g_build_filename (node->dir, "node.conf", NULL);
  config = qtr_node_config_load (conf_path, &error);
  g_assert_no_error (error);
  config->allow_private_addresses = TRUE;
  config->manual_approval = manual_approval;
  config->port = port;
  g_assert_true (qtr_node_config_save (config, conf_path, &error));

  node->node = qtr_node_open (node->dir, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_node_start (node->node, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->root = g_dir_make_tmp ("quitter-test-federation-XXXXXX", NULL);
  start_node (fixture, &fixture->alice, "alice", FALSE);
  start_node (fixture, &fixture->bob, "bob", GPOINTER_TO_INT (data));
}


static void
stop_node (TestNode *node)
{
  qtr_node_stop (node->node);
  g_assert_finalize_object (g_steal_pointer (&node->node));
  g_free (node->dir);
  g_free (node->base);
  g_free (node->handle);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  stop_node (&fixture->alice);
  stop_node (&fixture->bob);
  if (fixture->carol.node != NULL)
    stop_node (&fixture->carol);
  qtr_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

static gint64
count (TestNode   *node,
       const char *table,
       gboolean    accepted_only)
{
  g_autoptr(GError) error = NULL;
  gint64 n = qtr_node_store_count_follows (qtr_node_get_store (node->node), table,
                                           accepted_only, &error);

  g_assert_no_error (error);
  return n;
}

static gint64
count_rows (TestNode   *node,
            const char *sql)
{
  QtrDb *db = qtr_node_store_get_db (qtr_node_get_store (node->node));
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = qtr_db_prepare (db, sql, &error);
  gint64 n;

  g_assert_no_error (error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

typedef gboolean (*Condition) (Fixture *fixture);

static void
wait_until (Fixture   *fixture,
            Condition  condition,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!condition (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting until %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
follow_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  char **actor = user_data;
  g_autoptr(GError) error = NULL;

  *actor = qtr_node_follow_finish (QTR_NODE (source), result, &error);
  g_assert_no_error (error);
}

static char *
follow (TestNode   *follower,
        const char *handle)
{
  char *actor = NULL;
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  qtr_node_follow_async (follower->node, handle, NULL, follow_done_cb, &actor);
  while (actor == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (actor);
  return actor;
}

static gboolean
bob_has_accepted_follower (Fixture *fixture)
{
  return count (&fixture->bob, "followers", TRUE) == 1;
}

static gboolean
alice_follow_accepted (Fixture *fixture)
{
  return count (&fixture->alice, "following", TRUE) == 1;
}

static gboolean
bob_has_pending_follower (Fixture *fixture)
{
  return count (&fixture->bob, "followers", FALSE) == 1;
}

static gboolean
queues_empty (Fixture *fixture)
{
  return count_rows (&fixture->alice, "SELECT count (*) FROM deliveries") == 0 &&
         count_rows (&fixture->bob, "SELECT count (*) FROM deliveries") == 0;
}

static void
test_follow_accept (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *bob_actor = g_strdup_printf ("%s/users/bob", fixture->bob.base);
  g_autofree char *actor = follow (&fixture->alice, fixture->bob.handle);

  g_assert_cmpstr (actor, ==, bob_actor);
  wait_until (fixture, bob_has_accepted_follower, "bob has alice as a follower");
  wait_until (fixture, alice_follow_accepted, "alice's follow is accepted");
  wait_until (fixture, queues_empty, "every delivery is done");

  /* Each side stored the other's actor, fetched from its own host. */
  g_assert_cmpint (count_rows (&fixture->bob, "SELECT count (*) FROM remote_actors"), ==, 1);
  g_assert_cmpint (count_rows (&fixture->alice, "SELECT count (*) FROM remote_actors"), ==, 1);
  /* Bob's inbox holds the Follow, alice's the Accept; both applied without error. */
  g_assert_cmpint (count_rows (&fixture->bob, "SELECT count (*) FROM inbox WHERE"
                                              " processed_at IS NOT NULL AND error IS NULL"),
                   ==, 1);
  g_assert_cmpint (count_rows (&fixture->alice, "SELECT count (*) FROM inbox WHERE"
                                                " processed_at IS NOT NULL AND error IS NULL"),
                   ==, 1);
}

static gboolean
bob_has_no_follower (Fixture *fixture)
{
  return count (&fixture->bob, "followers", FALSE) == 0;
}

static void
test_unfollow (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *unfollowed = NULL;

  wait_until (fixture, alice_follow_accepted, "alice's follow is accepted");
  unfollowed = qtr_node_unfollow (fixture->alice.node, fixture->bob.handle, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unfollowed, ==, actor);
  g_assert_cmpint (count (&fixture->alice, "following", FALSE), ==, 0);
  wait_until (fixture, bob_has_no_follower, "bob lost his follower");
  wait_until (fixture, queues_empty, "every delivery is done");

  g_assert_null (qtr_node_unfollow (fixture->alice.node, fixture->bob.handle, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
}

static void
test_follow_manual_approval (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *actor = follow (&fixture->alice, fixture->bob.handle);

  wait_until (fixture, bob_has_pending_follower, "bob has a follow request");
  wait_until (fixture, queues_empty, "every delivery is done");
  g_assert_cmpint (count (&fixture->bob, "followers", TRUE), ==, 0);
  g_assert_cmpint (count (&fixture->alice, "following", TRUE), ==, 0);
  g_assert_cmpint (count (&fixture->alice, "following", FALSE), ==, 1);
}

/* Hostile deliveries to bob's inbox: each refused, none stored. */

typedef struct {
  guint status;
  char *body;
} Answer;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static void
send_request (SoupMessage *msg,
              Answer      *answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  bytes = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static char *
make_follow (Fixture    *fixture,
             const char *actor)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("{\"@context\":\"https://www.w3.org/ns/activitystreams\","
                          "\"id\":\"%s/activities/%s\",\"type\":\"Follow\",\"actor\":\"%s\","
                          "\"object\":\"%s/users/bob\"}", fixture->alice.base, uuid, actor,
                          fixture->bob.base);
}

static SoupMessage *
signed_post (Fixture    *fixture,
             const char *body,
             gboolean    sign)
{
  g_autofree char *inbox = g_strdup_printf ("%s/users/bob/inbox", fixture->bob.base);
  g_autofree char *actor = g_strdup_printf ("%s/users/alice", fixture->alice.base);
  g_autofree char *key_id = g_strconcat (actor, "#main-key", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GError) error = NULL;
  SoupMessage *msg = soup_message_new ("POST", inbox);

  if (sign)
    {
      g_assert_true (qtr_http_signature_sign_message (msg, "application/activity+json", bytes,
                                                      key_id,
                                                      qtr_node_get_owner (fixture->alice.node)->key,
                                                      &error));
      g_assert_no_error (error);
    }
  else
    soup_message_set_request_body_from_bytes (msg, "application/activity+json", bytes);
  return msg;
}

static void
assert_refused (Fixture     *fixture,
                SoupMessage *msg,
                guint        status,
                const char  *words)
{
  Answer answer = { 0 };

  send_request (msg, &answer);
  if (answer.status != status || (words && strstr (answer.body, words) == NULL))
    g_error ("expected %u with “%s”, got %u: %s", status, words ? words : "", answer.status,
             answer.body);
  g_free (answer.body);
  g_object_unref (msg);
  g_assert_cmpint (count_rows (&fixture->bob, "SELECT count (*) FROM inbox"), ==, 0);
}

static void
test_attacks (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *alice = g_strdup_printf ("%s/users/alice", fixture->alice.base);
  g_autofree char *follow_body = make_follow (fixture, alice);
  g_autofree char *impostor = make_follow (fixture, "http://127.0.0.1:1/users/mallory");
  SoupMessage *msg;

  assert_refused (fixture, signed_post (fixture, follow_body, FALSE), 401, NULL);

  /* The body changed after signing: the digest no longer matches. */
  msg = signed_post (fixture, follow_body, TRUE);
  {
    g_autofree char *other = make_follow (fixture, alice);
    g_autoptr(GBytes) bytes = g_bytes_new (other, strlen (other));
    soup_message_set_request_body_from_bytes (msg, "application/activity+json", bytes);
  }
  assert_refused (fixture, msg, 401, "igest");

  /* A stale date. */
  msg = signed_post (fixture, follow_body, TRUE);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Date",
                                "Mon, 01 Jan 2024 00:00:00 GMT");
  assert_refused (fixture, msg, 401, NULL);

  /* Signed by alice, claiming to be someone else. */
  assert_refused (fixture, signed_post (fixture, impostor, TRUE), 401, NULL);

  /* Oversized, deep, invalid. */
  {
    GString *big = g_string_new ("{\"a\":\"");
    while (big->len < 1100 * 1024)
      g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    g_string_append (big, "\"}");
    assert_refused (fixture, signed_post (fixture, big->str, TRUE), 413, NULL);
    g_string_free (big, TRUE);
  }
  {
    GString *deep = g_string_new (NULL);
    for (int i = 0; i < 10000; i++)
      g_string_append_c (deep, '[');
    assert_refused (fixture, signed_post (fixture, deep->str, TRUE), 400, "deeper");
    g_string_free (deep, TRUE);
  }
  assert_refused (fixture, signed_post (fixture, "{\"type\":\"Follow\",\"id\":\"\xff\"}", TRUE),
                  400, NULL);
  assert_refused (fixture, signed_post (fixture, "not json", TRUE), 400, NULL);
}

static void
post_as_alice (Fixture    *fixture,
               const char *type,
               const char *object)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"@context\":\"https://www.w3.org/ns/activitystreams\","
                                           "\"id\":\"%s/activities/%s\",\"type\":\"%s\","
                                           "\"actor\":\"%s/users/alice\",\"object\":\"%s\"}",
                                           fixture->alice.base, uuid, type,
                                           fixture->alice.base, object);
  g_autoptr(SoupMessage) msg = signed_post (fixture, body, TRUE);
  Answer answer = { 0 };

  send_request (msg, &answer);
  if (answer.status != 202)
    g_error ("%s: %u %s", type, answer.status, answer.body);
  g_free (answer.body);
}

static gboolean
bob_forgot_alice (Fixture *fixture)
{
  return count_rows (&fixture->bob, "SELECT count (*) FROM remote_actors") == 0;
}

/* alice blocks bob: as on Mastodon, the follow between them ends. Then alice's account is
 * deleted, and bob forgets her. */
static void
test_block_and_delete (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *bob = g_strdup_printf ("%s/users/bob", fixture->bob.base);
  g_autofree char *alice = g_strdup_printf ("%s/users/alice", fixture->alice.base);
  g_autofree char *actor = follow (&fixture->alice, fixture->bob.handle);

  wait_until (fixture, bob_has_accepted_follower, "bob has alice as a follower");
  post_as_alice (fixture, "Block", bob);
  wait_until (fixture, bob_has_no_follower, "the block ended the follow");

  follow (&fixture->alice, fixture->bob.handle);
  wait_until (fixture, bob_has_accepted_follower, "alice follows bob again");
  post_as_alice (fixture, "Delete", alice);
  wait_until (fixture, bob_forgot_alice, "bob forgot the deleted account");
  g_assert_cmpint (count (&fixture->bob, "followers", FALSE), ==, 0);
}

static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *alice = g_strdup_printf ("%s/users/alice", fixture->alice.base);
  g_autofree char *body = make_follow (fixture, alice);
  g_autoptr(SoupMessage) last = NULL;
  Answer answer = { 0 };

  /* Three deliveries a minute from one address: the fourth waits, whatever it carries. */
  qtr_node_get_config (fixture->bob.node)->inbox_rate_limit = 3;
  for (int i = 0; i < 3; i++)
    assert_refused (fixture, signed_post (fixture, body, FALSE), 401, NULL);

  last = signed_post (fixture, body, TRUE);
  send_request (last, &answer);
  g_assert_cmpuint (answer.status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (last),
                                                 "Retry-After"), ==, "20");
  g_free (answer.body);
  g_assert_cmpint (count_rows (&fixture->bob, "SELECT count (*) FROM inbox"), ==, 0);
}

static gboolean
alice_has_two_posts (Fixture *fixture)
{
  return count_rows (&fixture->alice, "SELECT count (*) FROM statuses") == 2;
}

static gboolean
alice_has_one_post (Fixture *fixture)
{
  return count_rows (&fixture->alice, "SELECT count (*) FROM statuses") == 1;
}

static void
get (const char *url,
     const char *accept,
     Answer     *answer)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  if (accept != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", accept);
  send_request (msg, answer);
}

/* bob posts publicly and to followers only; alice, his follower, gets both; the public one is
 * served at its id, the other is not; bob deletes the public one and it is gone everywhere. */
static void
test_posts (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *public_uri = NULL;
  g_autofree char *private_uri = NULL;
  g_autofree char *mention = NULL;
  g_autoptr(QtrStatus) received = NULL;
  Answer answer = { 0 };

  wait_until (fixture, bob_has_accepted_follower, "bob has alice as a follower");
  mention = g_strdup_printf ("Hello %s, see #Quitter and https://example.org/page",
                             fixture->alice.handle);
  public_uri = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = mention, .visibility = QTR_VISIBILITY_PUBLIC,
                          .summary = "a content warning", .language = "en" },
      &error);
  g_assert_no_error (error);
  private_uri = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "Only for my followers",
                          .visibility = QTR_VISIBILITY_PRIVATE },
      &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (public_uri, fixture->bob.base));

  wait_until (fixture, alice_has_two_posts, "alice got both posts");
  received = qtr_node_store_find_status (qtr_node_get_store (fixture->alice.node), public_uri,
                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (received);
  g_assert_cmpstr (received->visibility, ==, "public");
  g_assert_cmpstr (received->summary, ==, "a content warning");
  g_assert_true (received->sensitive);
  g_assert_cmpstr (received->language, ==, "en");
  g_assert_nonnull (strstr (received->content, "class=\"mention hashtag\""));
  g_assert_nonnull (strstr (received->content, "u-url mention"));
  g_assert_nonnull (strstr (received->content, "https://example.org/page"));
  {
    g_autoptr(QtrStatus) private_copy =
      qtr_node_store_find_status (qtr_node_get_store (fixture->alice.node), private_uri, NULL,
                                  &error);
    g_assert_nonnull (private_copy);
    g_assert_cmpstr (private_copy->visibility, ==, "private");
  }

  /* Served at its id: the public post as ActivityStreams and as a page; not the other. */
  get (public_uri, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_nonnull (strstr (answer.body, public_uri));
  g_clear_pointer (&answer.body, g_free);
  get (public_uri, "text/html", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_nonnull (strstr (answer.body, "<article>"));
  g_clear_pointer (&answer.body, g_free);
  get (private_uri, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 404);
  g_clear_pointer (&answer.body, g_free);

  /* The outbox lists the public post's Create, not the followers-only one. */
  {
    g_autofree char *outbox = g_strdup_printf ("%s/users/bob/outbox", fixture->bob.base);
    g_autofree char *first = g_strconcat (outbox, "?page=true", NULL);

    get (outbox, "application/activity+json", &answer);
    g_assert_cmpuint (answer.status, ==, 200);
    g_assert_nonnull (strstr (answer.body, "\"totalItems\":1"));
    g_assert_nonnull (strstr (answer.body, first));
    g_clear_pointer (&answer.body, g_free);
    get (first, "application/activity+json", &answer);
    g_assert_cmpuint (answer.status, ==, 200);
    g_assert_nonnull (strstr (answer.body, "OrderedCollectionPage"));
    g_assert_nonnull (strstr (answer.body, public_uri));
    g_assert_null (strstr (answer.body, private_uri));
    g_clear_pointer (&answer.body, g_free);
  }

  g_assert_true (qtr_node_delete_post (fixture->bob.node, public_uri, &error));
  g_assert_no_error (error);
  wait_until (fixture, alice_has_one_post, "alice's copy is deleted");
  get (public_uri, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 410);
  g_assert_nonnull (strstr (answer.body, "Tombstone"));
  g_clear_pointer (&answer.body, g_free);

  g_assert_false (qtr_node_delete_post (fixture->bob.node, public_uri, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
}

static guint
count_occurrences (const char *text,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* 25 posts: a first page of 20, newest first, whose next page holds the other 5. */
static void
test_outbox_pages (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *outbox = g_strdup_printf ("%s/users/bob/outbox", fixture->bob.base);
  g_autofree char *first = g_strconcat (outbox, "?page=true", NULL);
  g_autofree char *next = NULL;
  g_auto(GStrv) uris = g_new0 (char *, 26);
  Answer answer = { 0 };

  for (int i = 0; i < 25; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("post %d", i);

      uris[i] = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = text, .visibility = QTR_VISIBILITY_PUBLIC },
      &error);
      g_assert_no_error (error);
    }

  get (first, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpuint (count_occurrences (answer.body, "\"type\":\"Create\""), ==, 20);
  /* Newest first: post 24 down to post 5. */
  g_assert_nonnull (strstr (answer.body, uris[24]));
  g_assert_nonnull (strstr (answer.body, uris[5]));
  g_assert_true (strstr (answer.body, uris[24]) < strstr (answer.body, uris[5]));
  g_assert_null (strstr (answer.body, uris[4]));
  {
    const char *start = strstr (answer.body, "\"next\":\"");
    g_assert_nonnull (start);
    start += strlen ("\"next\":\"");
    next = g_strndup (start, strchr (start, '"') - start);
  }
  g_clear_pointer (&answer.body, g_free);

  get (next, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpuint (count_occurrences (answer.body, "\"type\":\"Create\""), ==, 5);
  g_assert_nonnull (strstr (answer.body, uris[0]));
  g_assert_nonnull (strstr (answer.body, uris[4]));
  g_assert_null (strstr (answer.body, "\"next\""));
  g_clear_pointer (&answer.body, g_free);

  {
    g_autofree char *bad = g_strconcat (outbox, "?page=true&max_id=-4", NULL);
    get (bad, NULL, &answer);
  }
  g_assert_cmpuint (answer.status, ==, 400);
  g_clear_pointer (&answer.body, g_free);
}

static void
post_note_as_alice (Fixture    *fixture,
                    const char *type,
                    const char *note_id,
                    const char *content,
                    gboolean    mention_bob)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *cc = mention_bob ? g_strdup_printf ("\"%s/users/bob\"", fixture->bob.base)
                                    : g_strdup ("");
  g_autofree char *body = g_strdup_printf (
    "{\"@context\":\"https://www.w3.org/ns/activitystreams\","
    "\"id\":\"%s/activities/%s\",\"type\":\"%s\",\"actor\":\"%s/users/alice\","
    "\"object\":{\"id\":\"%s\",\"type\":\"Note\",\"attributedTo\":\"%s/users/alice\","
    "\"content\":\"%s\",\"published\":\"2026-11-27T10:00:00Z\","
    "\"to\":[\"https://www.w3.org/ns/activitystreams#Public\"],\"cc\":[%s]}}",
    fixture->alice.base, uuid, type, fixture->alice.base, note_id, fixture->alice.base,
    content, cc);
  g_autoptr(SoupMessage) msg = signed_post (fixture, body, TRUE);
  Answer answer = { 0 };

  send_request (msg, &answer);
  if (answer.status != 202)
    g_error ("%s: %u %s", type, answer.status, answer.body);
  g_free (answer.body);
}

static void
assert_accepted (Fixture    *fixture,
                 const char *body)
{
  g_autoptr(SoupMessage) msg = signed_post (fixture, body, TRUE);
  Answer answer = { 0 };

  send_request (msg, &answer);
  if (answer.status != 202)
    g_error ("%u %s for %s", answer.status, answer.body, body);
  g_free (answer.body);
}

static gboolean
bob_has_one_post (Fixture *fixture)
{
  return count_rows (&fixture->bob, "SELECT count (*) FROM statuses") == 1;
}

static gboolean
bob_post_edited (Fixture *fixture)
{
  return count_rows (&fixture->bob, "SELECT count (*) FROM statuses WHERE content LIKE"
                                    " '%edited%' AND updated IS NOT NULL") == 1;
}

static gboolean
inbox_processed (Fixture *fixture)
{
  return count_rows (&fixture->bob, "SELECT count (*) FROM inbox WHERE processed_at IS NULL")
         == 0;
}

/* Posts from someone bob does not follow reach him only when they address him. */
static void
test_incoming_posts (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *first = g_strdup_printf ("%s/users/alice/statuses/1", fixture->alice.base);
  g_autofree char *second = g_strdup_printf ("%s/users/alice/statuses/2", fixture->alice.base);

  post_note_as_alice (fixture, "Create", first, "<p>not for bob</p>", FALSE);
  wait_until (fixture, inbox_processed, "bob processed the post");
  g_assert_cmpint (count_rows (&fixture->bob, "SELECT count (*) FROM statuses"), ==, 0);

  post_note_as_alice (fixture, "Create", second, "<p>hello bob</p>", TRUE);
  wait_until (fixture, bob_has_one_post, "bob kept the post addressed to him");
  post_note_as_alice (fixture, "Update", second, "<p>hello bob, edited</p>", TRUE);
  wait_until (fixture, bob_post_edited, "bob applied the edit");

  post_as_alice (fixture, "Delete", second);
  wait_until (fixture, inbox_processed, "bob processed the delete");
  g_assert_cmpint (count_rows (&fixture->bob, "SELECT count (*) FROM statuses"), ==, 0);
}

static gint64
count_notifications (TestNode   *node,
                     const char *type)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM notifications WHERE type = '%s'",
                                          type);
  return count_rows (node, sql);
}

static gboolean
bob_told_of_everything (Fixture *fixture)
{
  return count_notifications (&fixture->bob, "follow") == 1 &&
         count_notifications (&fixture->bob, "favourite") == 1 &&
         count_notifications (&fixture->bob, "reblog") == 1 &&
         count_notifications (&fixture->bob, "report") == 1 &&
         count_notifications (&fixture->bob, "mention") == 1;
}

static gboolean
bob_like_undone (Fixture *fixture)
{
  return count_notifications (&fixture->bob, "favourite") == 0;
}

/* What bob is told of: a follow, a like and a boost of his post, a mention, a report. */
static void
test_notifications (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bob = g_strdup_printf ("%s/users/bob", fixture->bob.base);
  g_autofree char *note = g_strdup_printf ("%s/users/alice/statuses/9", fixture->alice.base);
  g_autofree char *actor = follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *post = NULL;
  g_autofree char *like_id = g_strdup_printf ("%s/likes/1", fixture->alice.base);
  g_autofree char *like = NULL;
  g_autofree char *undo = NULL;
  g_autofree char *flag = NULL;

  wait_until (fixture, bob_has_accepted_follower, "bob has alice as a follower");
  post = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "Something to like", .visibility = QTR_VISIBILITY_PUBLIC },
      &error);
  g_assert_no_error (error);

  like = g_strdup_printf ("{\"id\":\"%s\",\"type\":\"Like\",\"actor\":\"%s/users/alice\","
                          "\"object\":\"%s\"}", like_id, fixture->alice.base, post);
  assert_accepted (fixture, like);
  post_as_alice (fixture, "Announce", post);
  post_note_as_alice (fixture, "Create", note, "<p>hi @bob</p>", TRUE);
  flag = g_strdup_printf ("{\"id\":\"%s/flags/1\",\"type\":\"Flag\","
                          "\"actor\":\"%s/users/alice\",\"object\":[\"%s\",\"%s\"],"
                          "\"content\":\"spam\"}", fixture->alice.base, fixture->alice.base,
                          bob, post);
  assert_accepted (fixture, flag);
  wait_until (fixture, bob_told_of_everything, "bob was told of each");
  g_assert_cmpint (count_rows (&fixture->bob, "SELECT count (*) FROM notifications WHERE"
                                              " type = 'report' AND comment = 'spam'"), ==, 1);

  undo = g_strdup_printf ("{\"id\":\"%s/undo/1\",\"type\":\"Undo\",\"actor\":\"%s/users/alice\","
                          "\"object\":%s}", fixture->alice.base, fixture->alice.base, like);
  assert_accepted (fixture, undo);
  wait_until (fixture, bob_like_undone, "the undone like is forgotten");
  /* Undoing a like is not unfollowing. */
  g_assert_cmpint (count (&fixture->bob, "followers", TRUE), ==, 1);
}

static gboolean
bob_sees_new_name (Fixture *fixture)
{
  return count_rows (&fixture->bob, "SELECT count (*) FROM remote_actors"
                                    " WHERE display_name = 'Alice Renamed'") == 1;
}

/* alice edits her profile: bob's copy of her actor follows, key included. */
static void
test_profile_update (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *actor_url = g_strdup_printf ("%s/users/alice", fixture->alice.base);
  g_autofree char *actor = follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *pem = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GString) pem_json = NULL;
  g_autoptr(GError) error = NULL;

  wait_until (fixture, bob_has_accepted_follower, "bob has alice as a follower");
  pem = qtr_key_export_public_pem (qtr_node_get_owner (fixture->alice.node)->key, &error);
  g_assert_no_error (error);
  pem_json = g_string_new (pem);
  g_string_replace (pem_json, "\n", "\\n", 0);
  body = g_strdup_printf ("{\"id\":\"%s#updates/1\",\"type\":\"Update\",\"actor\":\"%s\","
                          "\"object\":{\"id\":\"%s\",\"type\":\"Person\","
                          "\"preferredUsername\":\"alice\",\"name\":\"Alice Renamed\","
                          "\"inbox\":\"%s/inbox\","
                          "\"publicKey\":{\"id\":\"%s#main-key\",\"owner\":\"%s\","
                          "\"publicKeyPem\":\"%s\"}}}",
                          actor_url, actor_url, actor_url, actor_url, actor_url, actor_url,
                          pem_json->str);
  assert_accepted (fixture, body);
  wait_until (fixture, bob_sees_new_name, "bob has alice's new name");
}

static gboolean
bob_has_two_followers (Fixture *fixture)
{
  return count (&fixture->bob, "followers", TRUE) == 2;
}

static gboolean
both_got_the_post (Fixture *fixture)
{
  return count_rows (&fixture->alice, "SELECT count (*) FROM statuses") == 1 &&
         count_rows (&fixture->carol, "SELECT count (*) FROM statuses") == 1;
}

static gboolean
carol_got_the_reply (Fixture *fixture)
{
  return count_rows (&fixture->carol, "SELECT count (*) FROM notifications"
                                      " WHERE type = 'mention'") == 1;
}

/* Three nodes: alice and carol follow bob; bob's post reaches both servers; alice mentions
 * carol, who does not follow her, and carol is told. */
static void
test_three_nodes (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *c = NULL;
  g_autofree char *post = NULL;
  g_autofree char *mention = NULL;
  g_autofree char *text = NULL;

  start_node (fixture, &fixture->carol, "carol", FALSE);
  a = follow (&fixture->alice, fixture->bob.handle);
  c = follow (&fixture->carol, fixture->bob.handle);
  wait_until (fixture, bob_has_two_followers, "bob has two followers");

  post = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "Hello to both of you", .visibility = QTR_VISIBILITY_PUBLIC },
      &error);
  g_assert_no_error (error);
  wait_until (fixture, both_got_the_post, "both servers got bob's post");

  /* alice knows carol once she has looked her up; then her mention links and is delivered. */
  g_free (follow (&fixture->alice, fixture->carol.handle));
  text = g_strdup_printf ("Hi %s, have you seen bob's post?", fixture->carol.handle);
  mention = qtr_node_post (fixture->alice.node,
      &(QtrPostRequest) { .text = text, .visibility = QTR_VISIBILITY_DIRECT },
      &error);
  g_assert_no_error (error);
  wait_until (fixture, carol_got_the_reply, "carol is told of the mention");
  g_assert_cmpint (count_rows (&fixture->carol, "SELECT count (*) FROM statuses"
                                                " WHERE visibility = 'direct'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/node/federation/follow-accept", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_follow_accept, fixture_tear_down);
  g_test_add ("/node/federation/follow-manual-approval", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_follow_manual_approval, fixture_tear_down);
  g_test_add ("/node/federation/unfollow", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_unfollow, fixture_tear_down);
  g_test_add ("/node/federation/block-and-delete", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_block_and_delete, fixture_tear_down);
  g_test_add ("/node/federation/rate-limited", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_rate_limited, fixture_tear_down);
  g_test_add ("/node/federation/posts", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_posts, fixture_tear_down);
  g_test_add ("/node/federation/incoming-posts", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_incoming_posts, fixture_tear_down);
  g_test_add ("/node/federation/notifications", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_notifications, fixture_tear_down);
  g_test_add ("/node/federation/outbox-pages", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_outbox_pages, fixture_tear_down);
  g_test_add ("/node/federation/profile-update", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_profile_update, fixture_tear_down);
  g_test_add ("/node/federation/three-nodes", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_three_nodes, fixture_tear_down);
  g_test_add ("/node/federation/attacks", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_attacks, fixture_tear_down);

  return g_test_run ();
}
