/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "node-test-util.h"
#include "qtr-json.h"

/* Reports (POST /api/v1/reports) between two real nodes: Alice reports Bob and one of his
 * posts. Her node keeps the report; with `forward`, Bob's node gets a Flag and tells Bob. */

typedef struct {
  QtrTestNode  alice;
  QtrTestNode  bob;
  char        *token;
  char        *bob_id;     /* Bob's account id on Alice's node */
  char        *status_id;  /* his post's id there */
} Fixture;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Sends a request to Alice's node with her token (a form body when @form is given); returns
 * the status, and the answer's JSON in @answer. */
static guint
request (Fixture     *fixture,
         const char  *method,
         const char  *path,
         const char  *form,
         JsonNode   **answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (fixture->alice.base, path, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", fixture->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  if (form != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  bytes = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                             g_bytes_get_size (bytes), &error));
  g_assert_no_error (error);
  *answer = json_node_ref (json_parser_get_root (parser));
  return soup_message_get_status (msg);
}

static gboolean
alice_follows_bob (gpointer user_data)
{
  Fixture *fixture = user_data;

  return qtr_test_node_count (&fixture->alice,
                              "SELECT count(*) FROM following WHERE accepted = 1") == 1;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *path = NULL;
  JsonArray *statuses;

  qtr_test_node_start (&fixture->alice, NULL, "alice", NULL);
  qtr_test_node_start (&fixture->bob, NULL, "bob", NULL);
  fixture->token = qtr_test_node_mint_token (&fixture->alice);
  actor = qtr_test_node_follow (&fixture->alice, fixture->bob.handle);
  qtr_test_wait_until (alice_follows_bob, fixture, "Bob accepts Alice's follow");
  uri = qtr_node_post (fixture->bob.node,
                       &(QtrPostRequest) { .text = "Buy cheap watches",
                                           .visibility = QTR_VISIBILITY_PUBLIC },
                       &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT count(*) FROM statuses WHERE uri = '%s'", uri);
  qtr_test_node_wait_rows (&fixture->alice, 1, sql);

  path = g_strdup_printf ("/api/v1/accounts/lookup?acct=%s", fixture->bob.handle + 1);
  g_assert_cmpuint (request (fixture, "GET", path, NULL, &answer), ==, 200);
  fixture->bob_id = g_strdup (qtr_json_get_string (json_node_get_object (answer), "id"));
  g_assert_nonnull (fixture->bob_id);
  g_clear_pointer (&answer, json_node_unref);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/api/v1/accounts/%s/statuses", fixture->bob_id);
  g_assert_cmpuint (request (fixture, "GET", path, NULL, &answer), ==, 200);
  statuses = json_node_get_array (answer);
  g_assert_cmpuint (json_array_get_length (statuses), ==, 1);
  fixture->status_id = g_strdup (qtr_json_get_string (json_array_get_object_element (statuses, 0),
                                                      "id"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  qtr_test_node_stop (&fixture->bob);
  qtr_test_node_stop (&fixture->alice);
  g_free (fixture->token);
  g_free (fixture->bob_id);
  g_free (fixture->status_id);
}

static void
test_forwarded (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *form = NULL;
  JsonObject *report;
  JsonArray *ids;

  form = g_strdup_printf ("account_id=%s&status_ids%%5B%%5D=%s&comment=Spam%%20bot&"
                          "category=spam&forward=true", fixture->bob_id, fixture->status_id);
  g_assert_cmpuint (request (fixture, "POST", "/api/v1/reports", form, &answer), ==, 200);
  report = json_node_get_object (answer);
  g_assert_nonnull (qtr_json_get_string (report, "id"));
  g_assert_cmpstr (qtr_json_get_string (report, "category"), ==, "spam");
  g_assert_cmpstr (qtr_json_get_string (report, "comment"), ==, "Spam bot");
  g_assert_true (qtr_json_get_bool (report, "forwarded", FALSE));
  g_assert_false (qtr_json_get_bool (report, "action_taken", TRUE));
  ids = qtr_json_get_array (report, "status_ids");
  g_assert_cmpuint (json_array_get_length (ids), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (ids, 0), ==, fixture->status_id);
  g_assert_cmpstr (qtr_json_get_string (qtr_json_get_object (report, "target_account"), "id"),
                   ==, fixture->bob_id);

  /* Alice's node keeps it, with the post. */
  g_assert_cmpint (qtr_test_node_count (&fixture->alice,
                                        "SELECT count(*) FROM reports WHERE category = 'spam'"
                                        " AND comment = 'Spam bot' AND flag_uri IS NOT NULL"),
                   ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count(*) FROM report_statuses"),
                   ==, 1);
  /* Bob's node gets the Flag and tells Bob, with the comment and the post. */
  qtr_test_node_wait_rows (&fixture->bob, 1,
                           "SELECT count(*) FROM notifications WHERE type = 'report'"
                           " AND comment = 'Spam bot' AND status_uri IS NOT NULL");
}

static gboolean
alice_is_idle (gpointer user_data)
{
  Fixture *fixture = user_data;

  return qtr_test_node_is_idle (&fixture->alice);
}

static void
test_kept_here (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *form = NULL;

  /* Without forward, no Flag: nothing is queued for Bob's server. */
  form = g_strdup_printf ("account_id=%s&comment=Rude", fixture->bob_id);
  g_assert_cmpuint (request (fixture, "POST", "/api/v1/reports", form, &answer), ==, 200);
  g_assert_false (qtr_json_get_bool (json_node_get_object (answer), "forwarded", TRUE));
  g_assert_cmpstr (qtr_json_get_string (json_node_get_object (answer), "category"), ==,
                   "other");
  g_assert_cmpint (qtr_test_node_count (&fixture->alice,
                                        "SELECT count(*) FROM reports WHERE flag_uri IS NULL"),
                   ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice,
                                        "SELECT count(*) FROM activities WHERE type = 'Flag'"),
                   ==, 0);
  qtr_test_wait_until (alice_is_idle, fixture, "Alice's node has nothing more to send");
  g_assert_cmpint (qtr_test_node_count (&fixture->bob,
                                        "SELECT count(*) FROM notifications WHERE type = 'report'"),
                   ==, 0);
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *form = NULL;

  /* A category Mastodon does not have. */
  form = g_strdup_printf ("account_id=%s&category=boring", fixture->bob_id);
  g_assert_cmpuint (request (fixture, "POST", "/api/v1/reports", form, &answer), ==, 422);
  g_clear_pointer (&answer, json_node_unref);
  g_clear_pointer (&form, g_free);
  /* A post that is not the reported account's. */
  form = g_strdup_printf ("account_id=%s&status_ids[]=999999", fixture->bob_id);
  g_assert_cmpuint (request (fixture, "POST", "/api/v1/reports", form, &answer), ==, 422);
  g_clear_pointer (&answer, json_node_unref);
  /* An account the node does not know. */
  g_assert_cmpuint (request (fixture, "POST", "/api/v1/reports", "account_id=424242", &answer),
                    ==, 404);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count(*) FROM reports"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/node/reports/forwarded", Fixture, NULL, fixture_set_up, test_forwarded,
              fixture_tear_down);
  g_test_add ("/node/reports/kept-here", Fixture, NULL, fixture_set_up, test_kept_here,
              fixture_tear_down);
  g_test_add ("/node/reports/refused", Fixture, NULL, fixture_set_up, test_refused,
              fixture_tear_down);

  return g_test_run ();
}
