/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "node-test-util.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "qtr-http-signature.h"
#include "qtr-keys.h"
#include "qtr-node-private.h"

/* Real nodes on loopback ports federating with each other, and a hostile sender. */

typedef struct {
  char        *root;
  QtrTestNode  alice;
  QtrTestNode  bob;
  QtrTestNode  carol;   /* started only by the three-node tests */
} Fixture;


static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->root = g_dir_make_tmp ("quitter-test-federation-XXXXXX", NULL);
  qtr_test_node_start (&fixture->alice, fixture->root, "alice", NULL);
  qtr_test_node_start (&fixture->bob, fixture->root, "bob",
                       &(QtrTestNodeOptions) { .manual_approval = GPOINTER_TO_INT (data) });
}


static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  qtr_test_node_stop (&fixture->alice);
  qtr_test_node_stop (&fixture->bob);
  qtr_test_node_stop (&fixture->carol);
  qtr_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

static gint64
count (QtrTestNode *node,
       const char  *table,
       gboolean     accepted_only)
{
  g_autoptr(GError) error = NULL;
  gint64 n = qtr_node_store_count_follows (qtr_node_get_store (node->node), table,
                                           accepted_only, &error);

  g_assert_no_error (error);
  return n;
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
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM deliveries") == 0 &&
         qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM deliveries") == 0;
}

static void
test_follow_accept (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *bob_actor = g_strdup_printf ("%s/users/bob", fixture->bob.base);
  g_autofree char *actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);

  g_assert_cmpstr (actor, ==, bob_actor);
  qtr_test_wait_until (bob_has_accepted_follower, fixture, "bob has alice as a follower");
  qtr_test_wait_until (alice_follow_accepted, fixture, "alice's follow is accepted");
  qtr_test_wait_until (queues_empty, fixture, "every delivery is done");

  /* Each side stored the other's actor, fetched from its own host. */
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM remote_actors"),
                   ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM remote_actors"),
                   ==, 1);
  /* Bob's inbox holds the Follow, alice's the Accept; both applied without error. */
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM inbox WHERE"
                                                       " processed_at IS NOT NULL"
                                                       " AND error IS NULL"),
                   ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM inbox WHERE"
                                                         " processed_at IS NOT NULL"
                                                       " AND error IS NULL"),
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
  g_autofree char *actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *unfollowed = NULL;

  qtr_test_wait_until (alice_follow_accepted, fixture, "alice's follow is accepted");
  unfollowed = qtr_node_unfollow (fixture->alice.node, fixture->bob.handle, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unfollowed, ==, actor);
  g_assert_cmpint (count (&fixture->alice, "following", FALSE), ==, 0);
  qtr_test_wait_until (bob_has_no_follower, fixture, "bob lost his follower");
  qtr_test_wait_until (queues_empty, fixture, "every delivery is done");

  g_assert_null (qtr_node_unfollow (fixture->alice.node, fixture->bob.handle, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
}

static void
test_follow_manual_approval (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);

  qtr_test_wait_until (bob_has_pending_follower, fixture, "bob has a follow request");
  qtr_test_wait_until (queues_empty, fixture, "every delivery is done");
  g_assert_cmpint (count (&fixture->bob, "followers", TRUE), ==, 0);
  g_assert_cmpint (count (&fixture->alice, "following", TRUE), ==, 0);
  g_assert_cmpint (count (&fixture->alice, "following", FALSE), ==, 1);
}

/* Hostile deliveries to bob's inbox: each refused, none stored. */

static gboolean bob_processed_everything (Fixture *fixture);

static gboolean
bob_inbox_processed (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM inbox"
                                             " WHERE processed_at IS NULL") == 0;
}

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
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

/* A POST of @body to bob's inbox, signed by alice unless @sign is FALSE. */
static SoupMessage *
signed_post (Fixture    *fixture,
             const char *body,
             gboolean    sign)
{
  g_autofree char *inbox = g_strconcat (fixture->bob.actor, "/inbox", NULL);
  g_autofree char *key_id = qtr_test_node_get_key_id (&fixture->alice);

  return qtr_test_signed_post (inbox, body, key_id,
                               sign ? qtr_test_node_get_key (&fixture->alice) : NULL);
}

/* Delivers @body to bob's inbox, signed by alice; bob's node must take it. */
static void
assert_accepted (Fixture    *fixture,
                 const char *body)
{
  g_autofree char *inbox = g_strconcat (fixture->bob.actor, "/inbox", NULL);

  qtr_test_node_deliver (&fixture->alice, inbox, body);
}

static void
assert_refused (Fixture     *fixture,
                SoupMessage *msg,
                guint        status,
                const char  *words)
{
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_send (msg, &answer);
  if (answer.status != status || (words && strstr (answer.body, words) == NULL))
    g_error ("expected %u with “%s”, got %u: %s", status, words ? words : "", answer.status,
             answer.body);
  g_object_unref (msg);
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM inbox"), ==, 0);
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

  /* A Create by alice of a Note that claims to live on another host (bob's): it is not
   * alice's to create; refused before anything is stored. */
  {
    g_autofree char *uuid = g_uuid_string_random ();
    g_autofree char *create = g_strdup_printf (
      "{\"@context\":\"https://www.w3.org/ns/activitystreams\","
      "\"id\":\"%s/activities/%s\",\"type\":\"Create\",\"actor\":\"%s\","
      "\"to\":[\"https://www.w3.org/ns/activitystreams#Public\"],"
      "\"object\":{\"id\":\"%s/users/bob/statuses/999\",\"type\":\"Note\","
      "\"attributedTo\":\"%s\",\"content\":\"forged\","
      "\"to\":[\"https://www.w3.org/ns/activitystreams#Public\"]}}",
      fixture->alice.base, uuid, alice, fixture->bob.base, alice);

    assert_refused (fixture, signed_post (fixture, create, TRUE), 400,
                    "not on the actor's host");
    g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM statuses"), ==,
                     0);
  }

  /* A replay: the very same signed request, sent again, changes nothing. */
  {
    g_autofree char *again_body = make_follow (fixture, alice);
    SoupMessage *first = signed_post (fixture, again_body, TRUE);
    g_autoptr(SoupMessage) replay = soup_message_new_from_uri ("POST",
                                                               soup_message_get_uri (first));
    g_autoptr(GBytes) bytes = g_bytes_new (again_body, strlen (again_body));
    g_auto(QtrTestAnswer) answer = { 0 };
    gint64 before;

    soup_message_headers_foreach (soup_message_get_request_headers (first), copy_header_cb,
                                  soup_message_get_request_headers (replay));
    soup_message_set_request_body_from_bytes (replay, "application/activity+json", bytes);
    qtr_test_send (first, &answer);
    g_assert_cmpuint (answer.status, ==, 202);
    g_object_unref (first);
    qtr_test_wait_until (bob_inbox_processed, fixture, "bob processed the Follow");
    before = qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM inbox");
    qtr_test_send (replay, &answer);
    g_assert_cmpuint (answer.status, ==, 202);
    qtr_test_wait_until (bob_inbox_processed, fixture, "bob looked at the replay");
    g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM inbox"), ==,
                     before);
    g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM notifications"
                                                         " WHERE type = 'follow'"), ==, 1);
    qtr_test_wait_until (bob_processed_everything, fixture, "bob's Accept went out");
  }
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

  assert_accepted (fixture, body);
}

static gboolean
bob_forgot_alice (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM remote_actors") == 0;
}

/* alice blocks bob: as on Mastodon, the follow between them ends. Then alice's account is
 * deleted, and bob forgets her. */
static void
test_block_and_delete (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *bob = g_strdup_printf ("%s/users/bob", fixture->bob.base);
  g_autofree char *alice = g_strdup_printf ("%s/users/alice", fixture->alice.base);
  g_autofree char *actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);

  qtr_test_wait_until (bob_has_accepted_follower, fixture, "bob has alice as a follower");
  post_as_alice (fixture, "Block", bob);
  qtr_test_wait_until (bob_has_no_follower, fixture, "the block ended the follow");

  qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  qtr_test_wait_until (bob_has_accepted_follower, fixture, "alice follows bob again");
  post_as_alice (fixture, "Delete", alice);
  qtr_test_wait_until (bob_forgot_alice, fixture, "bob forgot the deleted account");
  g_assert_cmpint (count (&fixture->bob, "followers", FALSE), ==, 0);
}

static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *alice = g_strdup_printf ("%s/users/alice", fixture->alice.base);
  g_autofree char *body = make_follow (fixture, alice);
  g_autoptr(SoupMessage) last = NULL;
  g_auto(QtrTestAnswer) answer = { 0 };

  /* Three deliveries a minute from one address: the fourth waits, whatever it carries. */
  qtr_node_get_config (fixture->bob.node)->inbox_rate_limit = 3;
  for (int i = 0; i < 3; i++)
    assert_refused (fixture, signed_post (fixture, body, FALSE), 401, NULL);

  last = signed_post (fixture, body, TRUE);
  qtr_test_send (last, &answer);
  g_assert_cmpuint (answer.status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (last),
                                                 "Retry-After"), ==, "20");
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM inbox"), ==, 0);
}

static gboolean
alice_has_two_posts (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses") == 2;
}

static gboolean
alice_has_one_post (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses") == 1;
}

/* bob posts publicly and to followers only; alice, his follower, gets both; the public one is
 * served at its id, the other is not; bob deletes the public one and it is gone everywhere. */
static void
test_posts (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *public_uri = NULL;
  g_autofree char *private_uri = NULL;
  g_autofree char *mention = NULL;
  g_autoptr(QtrStatus) received = NULL;
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_wait_until (bob_has_accepted_follower, fixture, "bob has alice as a follower");
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

  qtr_test_wait_until (alice_has_two_posts, fixture, "alice got both posts");
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
  qtr_test_get (public_uri, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_nonnull (strstr (answer.body, public_uri));
  qtr_test_get (public_uri, "text/html", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_nonnull (strstr (answer.body, "<article>"));
  qtr_test_get (private_uri, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 404);

  /* The outbox lists the public post's Create, not the followers-only one. */
  {
    g_autofree char *outbox = g_strdup_printf ("%s/users/bob/outbox", fixture->bob.base);
    g_autofree char *first = g_strconcat (outbox, "?page=true", NULL);

    qtr_test_get (outbox, "application/activity+json", &answer);
    g_assert_cmpuint (answer.status, ==, 200);
    g_assert_nonnull (strstr (answer.body, "\"totalItems\":1"));
    g_assert_nonnull (strstr (answer.body, first));
      qtr_test_get (first, "application/activity+json", &answer);
    g_assert_cmpuint (answer.status, ==, 200);
    g_assert_nonnull (strstr (answer.body, "OrderedCollectionPage"));
    g_assert_nonnull (strstr (answer.body, public_uri));
    g_assert_null (strstr (answer.body, private_uri));
    }

  g_assert_true (qtr_node_delete_post (fixture->bob.node, public_uri, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (alice_has_one_post, fixture, "alice's copy is deleted");
  qtr_test_get (public_uri, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 410);
  g_assert_nonnull (strstr (answer.body, "Tombstone"));

  g_assert_false (qtr_node_delete_post (fixture->bob.node, public_uri, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND);
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
  g_auto(QtrTestAnswer) answer = { 0 };

  for (int i = 0; i < 25; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("post %d", i);

      uris[i] = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = text, .visibility = QTR_VISIBILITY_PUBLIC },
      &error);
      g_assert_no_error (error);
    }

  qtr_test_get (first, "application/activity+json", &answer);
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

  qtr_test_get (next, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpuint (count_occurrences (answer.body, "\"type\":\"Create\""), ==, 5);
  g_assert_nonnull (strstr (answer.body, uris[0]));
  g_assert_nonnull (strstr (answer.body, uris[4]));
  g_assert_null (strstr (answer.body, "\"next\""));

  {
    g_autofree char *bad = g_strconcat (outbox, "?page=true&max_id=-4", NULL);
    qtr_test_get (bad, NULL, &answer);
  }
  g_assert_cmpuint (answer.status, ==, 400);
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

  assert_accepted (fixture, body);
}

static gboolean
bob_has_one_post (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM statuses") == 1;
}

static gboolean
bob_post_edited (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM statuses WHERE content LIKE"
                                             " '%edited%' AND updated IS NOT NULL") == 1;
}

static gboolean
inbox_processed (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM inbox"
                                             " WHERE processed_at IS NULL") == 0;
}

/* Posts from someone bob does not follow reach him only when they address him. */
static void
test_incoming_posts (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *first = g_strdup_printf ("%s/users/alice/statuses/1", fixture->alice.base);
  g_autofree char *second = g_strdup_printf ("%s/users/alice/statuses/2", fixture->alice.base);

  post_note_as_alice (fixture, "Create", first, "<p>not for bob</p>", FALSE);
  qtr_test_wait_until (inbox_processed, fixture, "bob processed the post");
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM statuses"), ==, 0);

  post_note_as_alice (fixture, "Create", second, "<p>hello bob</p>", TRUE);
  qtr_test_wait_until (bob_has_one_post, fixture, "bob kept the post addressed to him");
  post_note_as_alice (fixture, "Update", second, "<p>hello bob, edited</p>", TRUE);
  qtr_test_wait_until (bob_post_edited, fixture, "bob applied the edit");

  post_as_alice (fixture, "Delete", second);
  qtr_test_wait_until (inbox_processed, fixture, "bob processed the delete");
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM statuses"), ==, 0);
}

static gint64
count_notifications (QtrTestNode *node,
                     const char  *type)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM notifications WHERE type = '%s'",
                                          type);
  return qtr_test_node_count (node, sql);
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
  g_autofree char *actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *post = NULL;
  g_autofree char *like_id = g_strdup_printf ("%s/likes/1", fixture->alice.base);
  g_autofree char *like = NULL;
  g_autofree char *undo = NULL;
  g_autofree char *flag = NULL;

  qtr_test_wait_until (bob_has_accepted_follower, fixture, "bob has alice as a follower");
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
  qtr_test_wait_until (bob_told_of_everything, fixture, "bob was told of each");
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM notifications WHERE"
                                                       " type = 'report' AND comment = 'spam'"),
                   ==, 1);

  undo = g_strdup_printf ("{\"id\":\"%s/undo/1\",\"type\":\"Undo\",\"actor\":\"%s/users/alice\","
                          "\"object\":%s}", fixture->alice.base, fixture->alice.base, like);
  assert_accepted (fixture, undo);
  qtr_test_wait_until (bob_like_undone, fixture, "the undone like is forgotten");
  /* Undoing a like is not unfollowing. */
  g_assert_cmpint (count (&fixture->bob, "followers", TRUE), ==, 1);
}

static gboolean
bob_sees_new_name (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM remote_actors"
                                             " WHERE display_name = 'Alice Renamed'") == 1;
}

/* alice edits her profile: bob's copy of her actor follows, key included. */
static void
test_profile_update (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *actor_url = g_strdup_printf ("%s/users/alice", fixture->alice.base);
  g_autofree char *actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *pem = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GString) pem_json = NULL;
  g_autoptr(GError) error = NULL;

  qtr_test_wait_until (bob_has_accepted_follower, fixture, "bob has alice as a follower");
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
  qtr_test_wait_until (bob_sees_new_name, fixture, "bob has alice's new name");
}

static gboolean
bob_has_two_followers (Fixture *fixture)
{
  return count (&fixture->bob, "followers", TRUE) == 2;
}

static gboolean
both_got_the_post (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses") == 1 &&
         qtr_test_node_count (&fixture->carol, "SELECT count (*) FROM statuses") == 1;
}

static gboolean
carol_got_the_reply (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->carol, "SELECT count (*) FROM notifications"
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

  qtr_test_node_start (&fixture->carol, fixture->root, "carol", NULL);
  a = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  c = qtr_test_node_follow (&fixture->carol, fixture->bob.handle);
  qtr_test_wait_until (bob_has_two_followers, fixture, "bob has two followers");

  post = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "Hello to both of you", .visibility = QTR_VISIBILITY_PUBLIC },
      &error);
  g_assert_no_error (error);
  qtr_test_wait_until (both_got_the_post, fixture, "both servers got bob's post");

  /* alice knows carol once she has looked her up; then her mention links and is delivered. */
  g_free (qtr_test_node_follow (&fixture->alice, fixture->carol.handle));
  text = g_strdup_printf ("Hi %s, have you seen bob's post?", fixture->carol.handle);
  mention = qtr_node_post (fixture->alice.node,
      &(QtrPostRequest) { .text = text, .visibility = QTR_VISIBILITY_DIRECT },
      &error);
  g_assert_no_error (error);
  qtr_test_wait_until (carol_got_the_reply, fixture, "carol is told of the mention");
  g_assert_cmpint (qtr_test_node_count (&fixture->carol, "SELECT count (*) FROM statuses"
                                                         " WHERE visibility = 'direct'"), ==, 1);
}

static char *
status_column (QtrTestNode *node,
               const char  *column,
               const char  *uri)
{
  QtrDb *db = qtr_node_store_get_db (qtr_node_get_store (node->node));
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM statuses WHERE uri = ?1", column);
  sqlite3_stmt *stmt = qtr_db_prepare (db, sql, &error);
  char *value = NULL;

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, uri, -1, SQLITE_TRANSIENT);
  if (qtr_db_step (db, stmt, &error) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

static const char *edit_uri;

static gboolean
alice_has_the_edit (Fixture *fixture)
{
  g_autofree char *content = status_column (&fixture->alice, "content", edit_uri);
  return content != NULL && strstr (content, "Second version") != NULL;
}

static gboolean
carol_has_the_edit (Fixture *fixture)
{
  g_autofree char *content = status_column (&fixture->carol, "content", edit_uri);
  return content != NULL && strstr (content, "said privately, edited") != NULL;
}

static gboolean
carol_lost_the_post (Fixture *fixture)
{
  g_autofree char *content = status_column (&fixture->carol, "content", edit_uri);
  return content == NULL;
}

/* bob edits a public post (alice, a follower, gets the new version and the Note served at its
 * id says when it changed) and a direct one (carol, who only is mentioned, gets it); the
 * deletion of the direct post reaches carol too; nobody edits what is not theirs. */
static void
test_edits (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *c = NULL;
  g_autofree char *public_uri = NULL;
  g_autofree char *direct_uri = NULL;
  g_autofree char *direct_text = NULL;
  g_autofree char *edited_text = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *updated = NULL;
  g_autoptr(GBytes) png = qtr_test_make_png (4, 3, 0);
  g_autoptr(QtrMedia) media = NULL;
  g_autoptr(QtrStatus) mine = NULL;
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_node_start (&fixture->carol, fixture->root, "carol", NULL);
  a = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  /* bob knows carol; she is not a follower */
  c = qtr_test_node_follow (&fixture->bob, fixture->carol.handle);
  qtr_test_wait_until (bob_has_accepted_follower, fixture, "bob has alice as a follower");

  media = qtr_node_add_media (fixture->bob.node, png, "A tiny picture", &error);
  g_assert_no_error (error);
  public_uri = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "First version", .language = "en",
                          .media_ids = &media->id, .n_media = 1 },
      &error);
  g_assert_no_error (error);
  direct_text = g_strdup_printf ("%s said privately", fixture->carol.handle);
  direct_uri = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = direct_text, .visibility = QTR_VISIBILITY_DIRECT },
      &error);
  g_assert_no_error (error);
  qtr_test_wait_until (carol_got_the_reply, fixture, "carol got the direct post");

  /* The public post: new text and a content warning; the picture stays. */
  g_assert_true (qtr_node_edit_post (fixture->bob.node, public_uri,
      &(QtrPostRequest) { .text = "Second version", .summary = "now with a warning",
                          .language = "en", .keep_media = TRUE },
      &error));
  g_assert_no_error (error);
  edit_uri = public_uri;
  qtr_test_wait_until (alice_has_the_edit, fixture, "alice has the new version");
  summary = status_column (&fixture->alice, "summary", public_uri);
  g_assert_cmpstr (summary, ==, "now with a warning");
  updated = status_column (&fixture->alice, "updated", public_uri);
  g_assert_nonnull (updated);
  g_assert_cmpint (g_ascii_strtoll (updated, NULL, 10), >, 0);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM attachments"),
                   ==, 1);

  mine = qtr_node_store_find_status (qtr_node_get_store (fixture->bob.node), public_uri, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->attachments->len, ==, 1);
  g_assert_cmpstr (((QtrAttachment *) g_ptr_array_index (mine->attachments, 0))->url, ==,
                   media->url);
  qtr_test_get (public_uri, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_nonnull (strstr (answer.body, "Second version"));
  g_assert_nonnull (strstr (answer.body, "\"updated\""));
  g_assert_null (strstr (answer.body, "First version"));

  /* The direct post: only carol is told, as only she got it. */
  edited_text = g_strdup_printf ("%s said privately, edited", fixture->carol.handle);
  g_assert_true (qtr_node_edit_post (fixture->bob.node, direct_uri,
      &(QtrPostRequest) { .text = edited_text }, &error));
  g_assert_no_error (error);
  edit_uri = direct_uri;
  qtr_test_wait_until (carol_has_the_edit, fixture, "carol has the edited direct post");
  {
    g_autofree char *visibility = status_column (&fixture->carol, "visibility", direct_uri);
    g_autofree char *at_alice = status_column (&fixture->alice, "content", direct_uri);

    g_assert_cmpstr (visibility, ==, "direct");
    g_assert_null (at_alice);
  }

  /* Its deletion goes to carol as well, not only to followers. */
  g_assert_true (qtr_node_delete_post (fixture->bob.node, direct_uri, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (carol_lost_the_post, fixture, "carol's copy is deleted");

  /* Not bob's post, not a post at all, an empty edit: refused, nothing queued. */
  g_assert_false (qtr_node_edit_post (fixture->alice.node, public_uri,
      &(QtrPostRequest) { .text = "Hijacked" }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (qtr_node_edit_post (fixture->bob.node, direct_uri,
      &(QtrPostRequest) { .text = "Back from the dead" }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (qtr_node_edit_post (fixture->bob.node, public_uri,
      &(QtrPostRequest) { .text = "  " }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
  g_clear_error (&error);
  {
    g_autofree char *content = status_column (&fixture->bob, "content", public_uri);
    g_assert_nonnull (strstr (content, "Second version"));
  }
}

static gboolean
alice_forgot_bob (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM remote_actors"
                                      " WHERE username = 'bob'") == 0;
}

/* bob deletes his account: alice's node, which followed him, forgets him and his posts; his
 * addresses answer 410 Gone, his actor as a Tombstone; his node sends nothing more. */
static void
test_delete_account (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *post = NULL;
  g_autofree char *webfinger = NULL;
  g_autofree char *inbox = g_strdup_printf ("%s/users/bob/inbox", fixture->bob.base);
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_wait_until (bob_has_accepted_follower, fixture, "bob has alice as a follower");
  post = qtr_node_post (fixture->bob.node, &(QtrPostRequest) { .text = "Goodbye, all" },
                        &error);
  g_assert_no_error (error);
  qtr_test_wait_until (alice_has_one_post, fixture, "alice got bob's post");

  g_assert_true (qtr_node_delete_account (fixture->bob.node, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (alice_forgot_bob, fixture, "alice's node forgot bob");
  g_assert_cmpint (count (&fixture->alice, "following", FALSE), ==, 0);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses"), ==, 0);

  qtr_test_get (actor, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 410);
  g_assert_nonnull (strstr (answer.body, "\"Tombstone\""));
  webfinger = g_strdup_printf ("%s/.well-known/webfinger?resource=acct:%s", fixture->bob.base,
                               fixture->bob.handle + 1);
  qtr_test_get (webfinger, NULL, &answer);
  g_assert_cmpuint (answer.status, ==, 410);
  qtr_test_get (post, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 410);
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", inbox);
    g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

    soup_message_set_request_body_from_bytes (msg, "application/activity+json", body);
    qtr_test_send (msg, &answer);
    g_assert_cmpuint (answer.status, ==, 410);
  }
  /* The node itself still answers what is not the account's. */
  g_free (webfinger);
  webfinger = g_strdup_printf ("%s/.well-known/nodeinfo", fixture->bob.base);
  qtr_test_get (webfinger, NULL, &answer);
  g_assert_cmpuint (answer.status, ==, 200);

  /* Nothing more goes out, and deleting twice is an error. */
  g_assert_null (qtr_node_post (fixture->bob.node,
                                &(QtrPostRequest) { .text = "Still here?" }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (qtr_node_delete_account (fixture->bob.node, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
}

/* Interactions: likes, blocks, who may fetch what, the follow collections, catching up. */

typedef struct {
  gboolean  done;
  char     *body;
  guint     status;
} Fetched;

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetched *fetched = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) json = qtr_fetcher_fetch_object_finish (QTR_FETCHER (source), result,
                                                                &error);

  fetched->done = TRUE;
  if (json != NULL)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (root, json);
      fetched->body = json_to_string (root, FALSE);
      fetched->status = 200;
    }
  else if (g_error_matches (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP))
    fetched->status = qtr_fetch_error_get_status (error);
  else
    g_error ("fetch failed: %s", error->message);
}

/* GETs @url signed as the owner of @as (as its fetcher signs every request); the HTTP status. */
static guint
fetch_signed (QtrTestNode  *as,
              const char  *url,
              char       **body)
{
  Fetched fetched = { 0 };

  qtr_fetcher_fetch_object_async (qtr_node_get_fetcher (as->node), url, NULL, fetched_cb,
                                  &fetched);
  while (!fetched.done)
    g_main_context_iteration (NULL, TRUE);
  if (body != NULL)
    *body = g_steal_pointer (&fetched.body);
  g_free (fetched.body);
  return fetched.status;
}

static guint
fetch_unsigned (const char *url)
{
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_get (url, "application/activity+json", &answer);
  return answer.status;
}

static gboolean
alice_has_bobs_post (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses"
                                               " WHERE actor_id IS NOT NULL")
         == 1;
}

static gboolean
bob_notified_of_like (Fixture *fixture)
{
  return count_notifications (&fixture->bob, "favourite") == 1;
}

/* alice likes bob's post, which reached her: bob is told; liking again sends nothing more;
 * taking the like back takes bob's notification with it. */
static void
test_like (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  g_autofree char *post = NULL;
  g_autofree char *own = NULL;
  g_autofree char *unknown = g_strdup_printf ("%s/users/bob/statuses/1", fixture->bob.base);

  qtr_test_wait_until (bob_has_accepted_follower, fixture, "bob has alice as a follower");
  post = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "Like this", .visibility = QTR_VISIBILITY_PUBLIC }, &error);
  g_assert_no_error (error);
  qtr_test_wait_until (alice_has_bobs_post, fixture, "alice got bob's post");

  /* Only posts the node knows. */
  g_assert_false (qtr_node_like (fixture->alice.node, unknown, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_true (qtr_node_like (fixture->alice.node, post, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (bob_notified_of_like, fixture, "bob is told of the like");
  g_assert_true (qtr_node_like (fixture->alice.node, post, &error));
  g_assert_no_error (error);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM activities"
                                                         " WHERE type = 'Like'"), ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM likes"), ==, 1);
  qtr_test_wait_until (queues_empty, fixture, "every delivery is done");
  g_assert_cmpint (count_notifications (&fixture->bob, "favourite"), ==, 1);

  g_assert_true (qtr_node_unlike (fixture->alice.node, post, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (bob_like_undone, fixture, "the like is taken back");
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM likes"), ==, 0);
  g_assert_false (qtr_node_unlike (fixture->alice.node, post, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
  g_clear_error (&error);

  /* The owner's own post: liked here, and nobody to deliver to. */
  own = qtr_node_post (fixture->alice.node,
      &(QtrPostRequest) { .text = "Mine", .visibility = QTR_VISIBILITY_DIRECT }, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_node_like (fixture->alice.node, own, &error));
  g_assert_no_error (error);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM deliveries"),
                   ==, 0);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM likes"), ==, 1);
}

static char *
block (QtrTestNode *blocker,
       const char  *handle)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *actor;

  qtr_node_block_async (blocker->node, handle, NULL, qtr_test_got_result_cb, &result);
  actor = qtr_node_block_finish (blocker->node, qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (actor);
  return actor;
}

static gboolean
bob_processed_everything (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM inbox"
                                             " WHERE processed_at IS NULL")
         == 0 && queues_empty (fixture);
}

static gboolean
follows_both_ways (Fixture *fixture)
{
  return count (&fixture->alice, "following", TRUE) == 1 &&
         count (&fixture->alice, "followers", TRUE) == 1 &&
         count (&fixture->bob, "following", TRUE) == 1 &&
         count (&fixture->bob, "followers", TRUE) == 1;
}

static gboolean
bob_follows_nobody (Fixture *fixture)
{
  return count (&fixture->bob, "following", FALSE) == 0 &&
         count (&fixture->bob, "followers", FALSE) == 0;
}

/* A delivery to alice's inbox signed by bob; the HTTP status. */
static guint
deliver_as_bob (Fixture *fixture)
{
  g_autofree char *inbox = g_strdup_printf ("%s/inbox", fixture->alice.base);
  g_autofree char *key_id = qtr_test_node_get_key_id (&fixture->bob);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"id\":\"%s/activities/%s\",\"type\":\"Follow\","
                                           "\"actor\":\"%s\",\"object\":\"%s/users/alice\"}",
                                           fixture->bob.base, uuid, fixture->bob.actor,
                                           fixture->alice.base);
  g_autoptr(SoupMessage) msg = qtr_test_signed_post (inbox, body, key_id,
                                                     qtr_test_node_get_key (&fixture->bob));
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_send (msg, &answer);
  return answer.status;
}

/* alice blocks bob: the follows between them end on both sides; bob's deliveries are refused,
 * nothing of alice's goes to him, and her posts are hidden from his signed fetches. Unblocking
 * lifts that. */
static void
test_block (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bob = g_strdup_printf ("%s/users/bob", fixture->bob.base);
  g_autofree char *blocked = NULL;
  g_autofree char *unblocked = NULL;
  g_autofree char *post = NULL;
  g_autofree char *mention = NULL;
  g_autofree char *direct = NULL;

  /* Blocking an account the node does not know yet looks it up first. */
  blocked = block (&fixture->alice, fixture->bob.handle);
  g_assert_cmpstr (blocked, ==, bob);
  qtr_test_wait_until (bob_processed_everything, fixture, "bob got the Block");
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM inbox"
                                                       " WHERE body LIKE '%\"Block\"%'"), ==, 1);
  unblocked = qtr_node_unblock (fixture->alice.node, fixture->bob.handle, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unblocked, ==, bob);
  qtr_test_wait_until (bob_processed_everything, fixture, "bob got the Undo");

  g_free (qtr_test_node_follow (&fixture->alice, fixture->bob.handle));
  g_free (qtr_test_node_follow (&fixture->bob, fixture->alice.handle));
  qtr_test_wait_until (follows_both_ways, fixture, "alice and bob follow each other");
  post = qtr_node_post (fixture->alice.node,
      &(QtrPostRequest) { .text = "Before the block", .visibility = QTR_VISIBILITY_PUBLIC },
      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fetch_signed (&fixture->bob, post, NULL), ==, 200);

  /* By actor URL this time, known already. Blocking twice sends one Block. */
  g_free (block (&fixture->alice, bob));
  g_free (block (&fixture->alice, bob));
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM activities"
                                                         " WHERE type = 'Block'"), ==, 2);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM blocks"), ==, 1);
  {
    g_auto(GStrv) blocks = qtr_node_store_list_blocks (qtr_node_get_store (fixture->alice.node),
                                                       &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (blocks), ==, 1);
    g_assert_cmpstr (blocks[0], ==, bob);
  }
  g_assert_cmpint (count (&fixture->alice, "following", FALSE), ==, 0);
  g_assert_cmpint (count (&fixture->alice, "followers", FALSE), ==, 0);
  qtr_test_wait_until (bob_follows_nobody, fixture, "the block ended bob's follows too");

  /* bob's deliveries are refused. */
  g_assert_cmpuint (deliver_as_bob (fixture), ==, 403);

  /* Nothing of alice's goes to bob: not to followers (he is none), not by mention. */
  qtr_test_wait_until (queues_empty, fixture, "every delivery is done");
  g_free (qtr_node_post (fixture->alice.node,
      &(QtrPostRequest) { .text = "After the block", .visibility = QTR_VISIBILITY_PUBLIC },
      &error));
  g_assert_no_error (error);
  mention = g_strdup_printf ("Hi %s", fixture->bob.handle);
  direct = qtr_node_post (fixture->alice.node,
      &(QtrPostRequest) { .text = mention, .visibility = QTR_VISIBILITY_DIRECT }, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM deliveries"),
                   ==, 0);

  /* alice's posts are hidden from bob's signed fetches, not from others. */
  g_assert_cmpuint (fetch_signed (&fixture->bob, post, NULL), ==, 404);
  {
    g_autofree char *outbox = g_strdup_printf ("%s/users/alice/outbox", fixture->alice.base);
    g_assert_cmpuint (fetch_signed (&fixture->bob, outbox, NULL), ==, 404);
  }
  g_assert_cmpuint (fetch_unsigned (post), ==, 200);

  g_free (unblocked);
  unblocked = qtr_node_unblock (fixture->alice.node, bob, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fetch_signed (&fixture->bob, post, NULL), ==, 200);
  g_assert_cmpuint (deliver_as_bob (fixture), ==, 202);
  g_assert_null (qtr_node_unblock (fixture->alice.node, bob, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED);
}

/* Values of a JSON page. */
static JsonObject *
parse_page (const char *body)
{
  g_autoptr(GError) error = NULL;
  JsonObject *json = qtr_json_parse_object (body, strlen (body), &error);

  g_assert_no_error (error);
  return json;
}

static JsonObject *
fetch_page (const char *url)
{
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_get (url, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  return parse_page (answer.body);
}

/* 30 accepted followers and 2 requests: paged by 12, as Mastodon does. */
static void
test_follow_collections (Fixture       *fixture,
                         gconstpointer  data)
{
  QtrNodeStore *store = qtr_node_get_store (fixture->bob.node);
  g_autofree char *followers = g_strdup_printf ("%s/users/bob/followers", fixture->bob.base);
  g_autofree char *page1 = g_strconcat (followers, "?page=1", NULL);
  g_autofree char *page2 = g_strconcat (followers, "?page=2", NULL);
  g_autofree char *page3 = g_strconcat (followers, "?page=3", NULL);
  g_autofree char *bob = g_strdup_printf ("%s/users/bob", fixture->bob.base);
  g_autoptr(JsonObject) collection = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) last = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 32; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = g_strdup_printf ("https://example.org/users/f%d", i);
      g_autofree char *inbox = g_strconcat (uri, "/inbox", NULL);
      g_autofree char *key_id = g_strconcat (uri, "#main-key", NULL);
      g_autofree char *follow_uri = g_strdup_printf ("https://example.org/follows/%d", i);
      QtrRemoteActor actor = { .uri = uri, .host = (char *) "example.org",
                               .username = (char *) "f", .inbox = inbox, .key_id = key_id,
                               .public_key_pem = (char *) "-", .document = (char *) "{}" };
      gint64 row = qtr_node_store_save_remote_actor (store, &actor, &error);

      g_assert_no_error (error);
      g_assert_true (qtr_node_store_add_follower (store, row, follow_uri, i < 30, &error));
      g_assert_no_error (error);
    }

  collection = fetch_page (followers);
  g_assert_cmpstr (json_object_get_string_member (collection, "type"), ==, "OrderedCollection");
  g_assert_cmpint (json_object_get_int_member (collection, "totalItems"), ==, 30);
  g_assert_cmpstr (json_object_get_string_member (collection, "first"), ==, page1);

  first = fetch_page (page1);
  g_assert_cmpstr (json_object_get_string_member (first, "type"), ==, "OrderedCollectionPage");
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, page1);
  g_assert_cmpstr (json_object_get_string_member (first, "partOf"), ==, followers);
  g_assert_cmpstr (json_object_get_string_member (first, "next"), ==, page2);
  g_assert_false (json_object_has_member (first, "prev"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "orderedItems")),
                    ==, 12);

  last = fetch_page (page3);
  g_assert_cmpstr (json_object_get_string_member (last, "prev"), ==, page2);
  g_assert_false (json_object_has_member (last, "next"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (last, "orderedItems")),
                    ==, 6);

  /* Every accepted follower once, across the pages; no request. */
  for (guint page = 1; page <= 3; page++)
    {
      g_autofree char *url = g_strdup_printf ("%s?page=%u", followers, page);
      g_autoptr(JsonObject) json = fetch_page (url);
      JsonArray *items = json_object_get_array_member (json, "orderedItems");

      for (guint i = 0; i < json_array_get_length (items); i++)
        g_assert_true (g_hash_table_add (seen,
                                         g_strdup (json_array_get_string_element (items, i))));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 30);
  g_assert_false (g_hash_table_contains (seen, "https://example.org/users/f30"));
  {
    g_autofree char *bad = g_strconcat (followers, "?page=x", NULL);
    g_assert_cmpuint (fetch_unsigned (bad), ==, 400);
  }

  /* Following lists accepted follows too. */
  g_free (qtr_test_node_follow (&fixture->alice, fixture->bob.handle));
  qtr_test_wait_until (alice_follow_accepted, fixture, "alice's follow is accepted");
  {
    g_autofree char *following = g_strdup_printf ("%s/users/alice/following?page=1",
                                                  fixture->alice.base);
    g_autoptr(JsonObject) page = fetch_page (following);
    JsonArray *items = json_object_get_array_member (page, "orderedItems");

    g_assert_cmpint (json_object_get_int_member (page, "totalItems"), ==, 1);
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (items, 0), ==, bob);
  }
}

static gboolean
bob_has_two_followers_and_follows_carol (Fixture *fixture)
{
  return count (&fixture->bob, "followers", TRUE) == 2 &&
         count (&fixture->bob, "following", TRUE) == 1;
}

/* bob's followers-only post is served to the signed fetches of his followers alone; his
 * direct post only to those it mentions. */
static void
test_private_fetch (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *private_uri = NULL;
  g_autofree char *activity = NULL;
  g_autofree char *direct_uri = NULL;
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;

  qtr_test_node_start (&fixture->carol, fixture->root, "carol", NULL);
  g_free (qtr_test_node_follow (&fixture->alice, fixture->bob.handle));
  g_free (qtr_test_node_follow (&fixture->carol, fixture->bob.handle));
  /* bob knows carol once he has followed her: then his mention of her links. */
  g_free (qtr_test_node_follow (&fixture->bob, fixture->carol.handle));
  qtr_test_wait_until (bob_has_two_followers_and_follows_carol, fixture,
                       "the follows are accepted");
  /* carol stops following bob: she is no longer in the audience of his followers' posts. */
  g_free (qtr_node_unfollow (fixture->carol.node, fixture->bob.handle, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (bob_has_accepted_follower, fixture, "carol's follow is undone");

  private_uri = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "For my followers", .visibility = QTR_VISIBILITY_PRIVATE },
      &error);
  g_assert_no_error (error);
  activity = g_strconcat (private_uri, "/activity", NULL);

  g_assert_cmpuint (fetch_signed (&fixture->alice, private_uri, &body), ==, 200);
  g_assert_nonnull (strstr (body, "For my followers"));
  g_assert_cmpuint (fetch_signed (&fixture->alice, activity, NULL), ==, 200);
  g_assert_cmpuint (fetch_unsigned (private_uri), ==, 404);
  g_assert_cmpuint (fetch_unsigned (activity), ==, 404);
  g_assert_cmpuint (fetch_signed (&fixture->carol, private_uri, NULL), ==, 404);
  g_assert_cmpuint (fetch_signed (&fixture->carol, activity, NULL), ==, 404);

  /* The outbox lists it for a follower's signed fetch, as Mastodon's does. */
  {
    g_autofree char *page = g_strdup_printf ("%s/users/bob/outbox?page=true", fixture->bob.base);
    g_autofree char *seen = NULL;
    g_auto(QtrTestAnswer) answer = { 0 };

    g_assert_cmpuint (fetch_signed (&fixture->alice, page, &seen), ==, 200);
    g_assert_nonnull (strstr (seen, private_uri));
    g_clear_pointer (&seen, g_free);
    g_assert_cmpuint (fetch_signed (&fixture->carol, page, &seen), ==, 200);
    g_assert_null (strstr (seen, private_uri));
    qtr_test_get (page, "application/activity+json", &answer);
    g_assert_cmpuint (answer.status, ==, 200);
    g_assert_null (strstr (answer.body, private_uri));
    }

  text = g_strdup_printf ("Only for %s", fixture->carol.handle);
  direct_uri = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = text, .visibility = QTR_VISIBILITY_DIRECT }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fetch_signed (&fixture->carol, direct_uri, NULL), ==, 200);
  g_assert_cmpuint (fetch_signed (&fixture->alice, direct_uri, NULL), ==, 404);
  g_assert_cmpuint (fetch_unsigned (direct_uri), ==, 404);
}

static gboolean
bob_tried_every_delivery (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM deliveries"
                                             " WHERE attempts = 0") == 0;
}

static gboolean
alice_caught_up (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses") == 5;
}

static void
restart_after_two_hours (QtrTestNode *node)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  node->node = qtr_node_open (node->dir, &error);
  g_assert_no_error (error);
  /* Stopping noted when the node last ran. */
  g_assert_cmpint (qtr_node_store_get_last_seen (qtr_node_get_store (node->node), &error), >=,
                   now - 60);
  g_assert_no_error (error);
  g_assert_true (qtr_node_store_set_last_seen (qtr_node_get_store (node->node),
                                               g_get_real_time () / G_USEC_PER_SEC - 2 * 3600,
                                               &error));
  g_assert_no_error (error);
  g_assert_true (qtr_node_start (node->node, &error));
  g_assert_no_error (error);
}

/* alice follows bob and goes offline; bob posts three times (once for his followers only),
 * and his deliveries to her are lost. Back after two hours, alice reads bob's outbox, signed,
 * and keeps the three posts; once more, keeps them once. */
static void
test_catch_up (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) posts = g_new0 (char *, 4);

  g_free (qtr_test_node_follow (&fixture->alice, fixture->bob.handle));
  qtr_test_wait_until (alice_follow_accepted, fixture, "alice's follow is accepted");
  qtr_test_wait_until (queues_empty, fixture, "every delivery is done");
  {
    g_autofree char *before = qtr_node_post (fixture->bob.node,
        &(QtrPostRequest) { .text = "Seen before", .visibility = QTR_VISIBILITY_PUBLIC },
        &error);
    g_assert_no_error (error);
    g_free (qtr_node_post (fixture->alice.node,
        &(QtrPostRequest) { .text = "Mine", .visibility = QTR_VISIBILITY_PUBLIC }, &error));
    g_assert_no_error (error);
    qtr_test_wait_until (alice_has_two_posts, fixture, "alice got bob's first post");
  }

  qtr_node_stop (fixture->alice.node);
  g_assert_finalize_object (g_steal_pointer (&fixture->alice.node));
  posts[0] = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "While you were away", .visibility = QTR_VISIBILITY_PUBLIC },
      &error);
  g_assert_no_error (error);
  posts[1] = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "Still away?", .visibility = QTR_VISIBILITY_UNLISTED },
      &error);
  g_assert_no_error (error);
  posts[2] = qtr_node_post (fixture->bob.node,
      &(QtrPostRequest) { .text = "Not for everyone", .visibility = QTR_VISIBILITY_PRIVATE },
      &error);
  g_assert_no_error (error);
  /* bob's deliveries failed, and are dropped: they will not reach alice. */
  qtr_test_wait_until (bob_tried_every_delivery, fixture, "bob tried to deliver");
  g_assert_true (qtr_db_exec (qtr_node_store_get_db (qtr_node_get_store (fixture->bob.node)),
                              "DELETE FROM deliveries", &error));
  g_assert_no_error (error);

  restart_after_two_hours (&fixture->alice);
  /* Read with alice's signature, the outbox holds bob's followers-only post too. */
  qtr_test_wait_until (alice_caught_up, fixture, "alice read bob's outbox");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(QtrStatus) status =
        qtr_node_store_find_status (qtr_node_get_store (fixture->alice.node), posts[i], NULL,
                                    &error);
      g_assert_no_error (error);
      g_assert_nonnull (status);
    }
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM inbox WHERE"
                                                         " body LIKE '%While you were away%'"),
                   ==, 0);

  /* Away again: what is stored already is not stored twice. */
  qtr_node_stop (fixture->alice.node);
  g_assert_finalize_object (g_steal_pointer (&fixture->alice.node));
  restart_after_two_hours (&fixture->alice);
  {
    gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;

    while (g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses"), ==, 5);
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
  g_test_add ("/node/federation/delete-account", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_delete_account, fixture_tear_down);
  g_test_add ("/node/federation/edits", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_edits, fixture_tear_down);
  g_test_add ("/node/federation/three-nodes", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_three_nodes, fixture_tear_down);
  g_test_add ("/node/federation/attacks", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_attacks, fixture_tear_down);

  g_test_add ("/node/federation/like", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_like, fixture_tear_down);
  g_test_add ("/node/federation/block", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_block, fixture_tear_down);
  g_test_add ("/node/federation/follow-collections", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_follow_collections, fixture_tear_down);
  g_test_add ("/node/federation/private-fetch", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_private_fetch, fixture_tear_down);
  g_test_add ("/node/federation/catch-up", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_catch_up, fixture_tear_down);

  return g_test_run ();
}
