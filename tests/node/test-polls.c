/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "node-test-util.h"

#include <string.h>

#include "qtr-node-private.h"
#include "qtr-node-store-api.h"
#include "qtr-oauth.h"

/* Polls between real nodes on loopback: alice's poll reaches bob and carol as a poll; their
 * votes reach alice, who counts each once and tells everyone the new counts in an Update;
 * at its end the poll closes and the owner, and those who voted, are told. */

typedef struct {
  char        *root;
  QtrTestNode  alice;
  QtrTestNode  bob;
  QtrTestNode  carol;
  char        *poll_uri;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->root = g_dir_make_tmp ("quitter-test-polls-XXXXXX", NULL);
  qtr_test_node_start (&fixture->alice, fixture->root, "alice", NULL);
  qtr_test_node_start (&fixture->bob, fixture->root, "bob", NULL);
  qtr_test_node_start (&fixture->carol, fixture->root, "carol", NULL);
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
  g_free (fixture->poll_uri);
}

static gboolean
alice_has_two_followers (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM followers"
                                               " WHERE accepted") == 2;
}

/* The votes option @position of the poll has on @node. */
static gint64
votes_on (QtrTestNode *node,
          guint        position)
{
  return qtr_test_node_countf (node, "SELECT coalesce (sum (votes_count), -1) FROM poll_options"
                                     " WHERE position = %u", position);
}

static gboolean
both_have_the_poll (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM poll_options") == 3 &&
         qtr_test_node_count (&fixture->carol, "SELECT count (*) FROM poll_options") == 3;
}

static gboolean
alice_counted_bob (Fixture *fixture)
{
  return votes_on (&fixture->alice, 1) == 1;
}

static gboolean
everyone_counts_two (Fixture *fixture)
{
  return votes_on (&fixture->alice, 1) == 2 && votes_on (&fixture->bob, 1) == 2 &&
         votes_on (&fixture->carol, 1) == 2 &&
         qtr_test_node_count (&fixture->bob, "SELECT voters_count FROM polls") == 2;
}

static gboolean
alice_inbox_processed (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM inbox"
                                               " WHERE processed_at IS NULL") == 0;
}

static void
follow_alice (Fixture *fixture)
{
  g_free (qtr_test_node_follow (&fixture->bob, fixture->alice.handle));
  g_free (qtr_test_node_follow (&fixture->carol, fixture->alice.handle));
  qtr_test_wait_until (alice_has_two_followers, fixture, "alice has bob and carol as followers");
}

static char *
post_poll (Fixture *fixture,
           gint64   expires_in)
{
  static const char * const options[] = { "Tea", "Coffee", "Water", NULL };
  g_autoptr(GError) error = NULL;
  char *uri = qtr_node_post (fixture->alice.node,
                             &(QtrPostRequest) { .text = "What do you drink?",
                                                 .poll_options = options,
                                                 .poll_expires_in = expires_in },
                             &error);

  g_assert_no_error (error);
  g_assert_nonnull (uri);
  return uri;
}

/* @voter sends alice a vote of its own making, as another server could. */
static void
deliver_vote (Fixture     *fixture,
              QtrTestNode *voter,
              const char  *id,
              const char  *option)
{
  g_autofree char *inbox = g_strdup_printf ("%s/inbox", fixture->alice.base);
  g_autofree char *body = g_strdup_printf (
    "{\"@context\":\"https://www.w3.org/ns/activitystreams\","
    "\"id\":\"%s/activity\",\"type\":\"Create\",\"actor\":\"%s\",\"to\":[\"%s\"],"
    "\"object\":{\"id\":\"%s\",\"type\":\"Note\",\"name\":\"%s\",\"attributedTo\":\"%s\","
    "\"inReplyTo\":\"%s\",\"to\":[\"%s\"]}}",
    id, voter->actor, fixture->alice.actor, id, option, voter->actor,
    fixture->poll_uri, fixture->alice.actor);

  qtr_test_node_deliver (voter, inbox, body);
}

static void
test_vote_and_update (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(QtrTestAnswer) answer = { 0 };
  g_autoptr(JsonObject) question = NULL;
  g_autofree char *bob_vote = NULL;
  JsonArray *one_of;
  guint choice = 1, wrong = 7, two[] = { 0, 2 };

  follow_alice (fixture);
  fixture->poll_uri = post_poll (fixture, 3600);

  /* Served at its id as a Question with its options. */
  qtr_test_get (fixture->poll_uri, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  {
    g_autoptr(JsonNode) root = json_from_string (answer.body, &error);

    g_assert_no_error (error);
    question = json_object_ref (json_node_get_object (root));
  }
  g_assert_cmpstr (json_object_get_string_member (question, "type"), ==, "Question");
  g_assert_false (json_object_has_member (question, "anyOf"));
  one_of = json_object_get_array_member (question, "oneOf");
  g_assert_cmpuint (json_array_get_length (one_of), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (one_of, 1),
                                                  "name"), ==, "Coffee");
  g_assert_true (json_object_has_member (question, "endTime"));
  g_assert_false (json_object_has_member (question, "closed"));

  /* Bob and carol keep it as a poll. */
  qtr_test_wait_until (both_have_the_poll, fixture, "bob and carol got the poll");
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM polls"
                                                       " WHERE multiple = 0 AND expires_at > 0"),
                   ==, 1);

  /* Bob votes Coffee; a second vote, a choice out of range, two choices: refused. */
  g_assert_true (qtr_node_vote (fixture->bob.node, fixture->poll_uri, &choice, 1, &error));
  g_assert_no_error (error);
  g_assert_false (qtr_node_vote (fixture->bob.node, fixture->poll_uri, &choice, 1, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (qtr_node_vote (fixture->carol.node, fixture->poll_uri, &wrong, 1, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (qtr_node_vote (fixture->carol.node, fixture->poll_uri, two, 2, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  /* Alice cannot vote on her own poll. */
  g_assert_false (qtr_node_vote (fixture->alice.node, fixture->poll_uri, &choice, 1, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);

  qtr_test_wait_until (alice_counted_bob, fixture, "alice counted bob's vote");
  /* The vote is counted, not kept as a post. */
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses"), ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM poll_votes"), ==,
                   1);

  /* Carol votes Coffee too: alice's Update brings the new counts to bob. */
  g_assert_true (qtr_node_vote (fixture->carol.node, fixture->poll_uri, &choice, 1, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (everyone_counts_two, fixture, "the Update brought two votes to all");
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM poll_options"
                                                       " WHERE own_vote"), ==, 1);

  /* A second vote of bob's (another option of a single-choice poll, the same option again,
   * an option the poll has not) is dropped. */
  bob_vote = g_strdup_printf ("%s#votes/other", fixture->bob.actor);
  deliver_vote (fixture, &fixture->bob, bob_vote, "Tea");
  g_free (bob_vote);
  bob_vote = g_strdup_printf ("%s#votes/again", fixture->bob.actor);
  deliver_vote (fixture, &fixture->bob, bob_vote, "Coffee");
  g_free (bob_vote);
  bob_vote = g_strdup_printf ("%s#votes/juice", fixture->bob.actor);
  deliver_vote (fixture, &fixture->bob, bob_vote, "Juice");
  qtr_test_wait_until (alice_inbox_processed, fixture, "alice processed the votes");
  g_assert_cmpint (votes_on (&fixture->alice, 0), ==, 0);
  g_assert_cmpint (votes_on (&fixture->alice, 1), ==, 2);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM poll_votes"), ==,
                   2);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses"), ==, 1);

  /* The Question served now carries the counts. */
  qtr_test_get (fixture->poll_uri, "application/activity+json", &answer);
  g_assert_nonnull (strstr (answer.body, "\"totalItems\":2"));
  g_assert_nonnull (strstr (answer.body, "\"votersCount\":2"));

  /* New counts are no edit: bob's copy is not marked edited, keeps no older version. */
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM statuses"
                                                       " WHERE updated IS NOT NULL"), ==, 0);
  g_assert_cmpint (qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM status_edits"),
                   ==, 0);

  /* Only alice's server speaks for her poll: carol's Update of it is refused at bob's inbox. */
  {
    g_autofree char *inbox = g_strdup_printf ("%s/inbox", fixture->bob.base);
    g_autofree char *key_id = qtr_test_node_get_key_id (&fixture->carol);
    g_autofree char *forged = g_strdup_printf (
      "{\"@context\":\"https://www.w3.org/ns/activitystreams\","
      "\"id\":\"%s#forged\",\"type\":\"Update\",\"actor\":\"%s\","
      "\"object\":{\"id\":\"%s\",\"type\":\"Question\",\"attributedTo\":\"%s\","
      "\"content\":\"What do you drink?\",\"oneOf\":["
      "{\"type\":\"Note\",\"name\":\"Tea\",\"replies\":{\"totalItems\":99}},"
      "{\"type\":\"Note\",\"name\":\"Coffee\",\"replies\":{\"totalItems\":0}},"
      "{\"type\":\"Note\",\"name\":\"Water\",\"replies\":{\"totalItems\":0}}]}}",
      fixture->carol.actor, fixture->carol.actor, fixture->poll_uri, fixture->alice.actor);
    g_autoptr(SoupMessage) msg = qtr_test_signed_post (inbox, forged, key_id,
                                                       qtr_test_node_get_key (&fixture->carol));

    qtr_test_send (msg, &answer);
    g_assert_cmpuint (answer.status, ==, SOUP_STATUS_BAD_REQUEST);
    g_assert_cmpint (votes_on (&fixture->bob, 0), ==, 0);
  }
}

/* GET @path of @node's client API as its owner. */
static void
api_get (QtrTestNode   *node,
         const char    *path,
         QtrTestAnswer *answer)
{
  g_autoptr(GError) error = NULL;
  QtrNodeStore *store = qtr_node_get_store (node->node);
  QtrOAuthApp app = { 0, "Test", "https://example.org/test", "urn:ietf:wg:oauth:2.0:oob",
                      "read", "polls-test", "secret-hash" };
  g_autofree char *token = qtr_oauth_new_token ();
  g_autofree char *hash = qtr_oauth_hash_token (token);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *url = g_strconcat (node->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  gint64 app_row = qtr_node_store_add_app (store, &app, &error);

  g_assert_no_error (error);
  g_assert_cmpint (qtr_node_store_add_token (store, hash, app_row, TRUE, "read", &error), >, 0);
  g_assert_no_error (error);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  qtr_test_send (msg, answer);
}

static gboolean
poll_ended_everywhere (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM notifications"
                                               " WHERE type = 'poll' AND actor_id IS NULL") == 1 &&
         qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM polls WHERE closed") == 1 &&
         qtr_test_node_count (&fixture->bob, "SELECT count (*) FROM notifications"
                                             " WHERE type = 'poll'") == 1;
}

static gboolean
bob_voted_in_time (Fixture *fixture)
{
  return votes_on (&fixture->alice, 0) == 1;
}

static void
test_expiry (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(QtrTestAnswer) answer = { 0 };
  g_autofree char *late_vote = NULL;
  guint choice = 0;

  follow_alice (fixture);
  fixture->poll_uri = post_poll (fixture, 6);
  qtr_test_wait_until (both_have_the_poll, fixture, "bob and carol got the poll");
  g_assert_true (qtr_node_vote (fixture->bob.node, fixture->poll_uri, &choice, 1, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (bob_voted_in_time, fixture, "alice counted bob's vote");

  qtr_test_wait_until (poll_ended_everywhere, fixture, "the poll ended, and its end was told");
  /* Carol did not vote: she is not told. */
  g_assert_cmpint (qtr_test_node_count (&fixture->carol, "SELECT count (*) FROM notifications"
                                                         " WHERE type = 'poll'"), ==, 0);
  qtr_test_get (fixture->poll_uri, "application/activity+json", &answer);
  g_assert_nonnull (strstr (answer.body, "\"closed\""));

  /* The client API tells alice of her poll's end: her own account, the poll expired. */
  api_get (&fixture->alice, "/api/v1/notifications?types[]=poll", &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  {
    g_autoptr(JsonNode) root = json_from_string (answer.body, &error);
    JsonObject *notification;
    JsonObject *poll;

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
    notification = json_array_get_object_element (json_node_get_array (root), 0);
    g_assert_cmpstr (json_object_get_string_member (notification, "type"), ==, "poll");
    g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (notification, "account"), "username"),
                     ==, "alice");
    poll = json_object_get_object_member (json_object_get_object_member (notification,
                                                                         "status"), "poll");
    g_assert_true (json_object_get_boolean_member (poll, "expired"));
    g_assert_cmpint (json_object_get_int_member (poll, "votes_count"), ==, 1);
  }

  /* Too late now: carol's node refuses, and alice's drops a vote that comes all the same. */
  g_assert_false (qtr_node_vote (fixture->carol.node, fixture->poll_uri, &choice, 1, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  late_vote = g_strdup_printf ("%s#votes/late", fixture->carol.actor);
  deliver_vote (fixture, &fixture->carol, late_vote, "Water");
  qtr_test_wait_until (alice_inbox_processed, fixture, "alice processed the late vote");
  g_assert_cmpint (votes_on (&fixture->alice, 2), ==, 0);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM poll_votes"), ==,
                   1);
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  static const char * const one[] = { "Alone", NULL };
  static const char * const same[] = { "Twice", "Twice", NULL };
  static const char * const fine[] = { "Yes", "No", NULL };
  const gint64 media[] = { 1 };
  g_autoptr(GError) error = NULL;

  g_assert_null (qtr_node_post (fixture->alice.node,
                                &(QtrPostRequest) { .text = "?", .poll_options = one,
                                                    .poll_expires_in = 600 }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (qtr_node_post (fixture->alice.node,
                                &(QtrPostRequest) { .text = "?", .poll_options = same,
                                                    .poll_expires_in = 600 }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (qtr_node_post (fixture->alice.node,
                                &(QtrPostRequest) { .text = "?", .poll_options = fine,
                                                    .poll_expires_in = 0 }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (qtr_node_post (fixture->alice.node,
                                &(QtrPostRequest) { .text = "?", .poll_options = fine,
                                                    .poll_expires_in = 600, .media_ids = media,
                                                    .n_media = 1 }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM statuses"), ==, 0);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM polls"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/node/polls/vote-and-update", Fixture, NULL, fixture_set_up,
              test_vote_and_update, fixture_tear_down);
  g_test_add ("/node/polls/expiry", Fixture, NULL, fixture_set_up, test_expiry,
              fixture_tear_down);
  g_test_add ("/node/polls/refused", Fixture, NULL, fixture_set_up, test_refused,
              fixture_tear_down);
  return g_test_run ();
}
