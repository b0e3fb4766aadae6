/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include <libsoup/soup.h>
#include <string.h>

#include "qtr-json.h"
#include "qtr-node-private.h"
#include "qtr-node-store-api.h"
#include "qtr-oauth.h"

/* Statuses with media through the client API of a real node on loopback: media_ids, their
 * MediaAttachment entities, the app that posted, edits of the media and their history. The
 * rest of the statuses API is driven by Mastodon.py (tests/interop/mastodon_py). */

typedef struct {
  char    *dir;
  char    *base;
  QtrNode *node;
  char    *token;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  QtrNodeStore *store;
  QtrOAuthApp app = { 0, "Test client", "https://example.org/client", "urn:ietf:wg:oauth:2.0:oob",
                      "read write", "client-id", "secret-hash" };
  g_autofree char *hash = NULL;
  guint port = qtr_test_pick_free_port ();
  gint64 app_row;

  fixture->dir = g_dir_make_tmp ("quitter-test-api-statuses-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->base = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_assert_true (qtr_node_init_data_dir (fixture->dir, fixture->base, "alice", NULL, &error));
  g_assert_no_error (error);
  fixture->node = qtr_node_open (fixture->dir, &error);
  g_assert_no_error (error);
  qtr_node_set_listen (fixture->node, NULL, (int) port);
  g_assert_true (qtr_node_start (fixture->node, &error));
  g_assert_no_error (error);

  store = qtr_node_get_store (fixture->node);
  app_row = qtr_node_store_add_app (store, &app, &error);
  g_assert_no_error (error);
  g_assert_cmpint (app_row, >, 0);
  fixture->token = qtr_oauth_new_token ();
  hash = qtr_oauth_hash_token (fixture->token);
  g_assert_cmpint (qtr_node_store_add_token (store, hash, app_row, TRUE, "read write", &error),
                   >, 0);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  qtr_node_stop (fixture->node);
  g_assert_finalize_object (g_steal_pointer (&fixture->node));
  qtr_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->base);
  g_free (fixture->token);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

/* Sends a request with the fixture's token, a JSON body when @json is given; returns the
 * status, and the answer's JSON in @answer. */
static guint
request (Fixture     *fixture,
         const char  *method,
         const char  *path,
         const char  *json,
         JsonNode   **answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (fixture->base, path, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", fixture->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
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

static gint64
count_rows (Fixture    *fixture,
            const char *sql)
{
  QtrDb *db = qtr_node_store_get_db (qtr_node_get_store (fixture->node));
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = qtr_db_prepare (db, sql, &error);
  gint64 count;

  g_assert_no_error (error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

static gint64
add_media (Fixture    *fixture,
           guint       width,
           const char *description)
{
  g_autoptr(GBytes) png = qtr_test_make_png (width, 3, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrMedia) media = qtr_node_add_media (fixture->node, png, description, &error);

  g_assert_no_error (error);
  return media->id;
}

static void
assert_attachment (JsonObject *attachment,
                   gint64      id,
                   guint       width,
                   const char *description)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  JsonObject *original;

  g_assert_cmpstr (json_object_get_string_member (attachment, "id"), ==, id_text);
  g_assert_cmpstr (json_object_get_string_member (attachment, "type"), ==, "image");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (attachment, "url"), ".png"));
  g_assert_cmpstr (json_object_get_string_member (attachment, "preview_url"), ==,
                   json_object_get_string_member (attachment, "url"));
  g_assert_true (json_object_get_null_member (attachment, "remote_url"));
  g_assert_true (json_object_get_null_member (attachment, "blurhash"));
  g_assert_cmpstr (json_object_get_string_member (attachment, "description"), ==, description);
  original = json_object_get_object_member (json_object_get_object_member (attachment, "meta"),
                                            "original");
  g_assert_cmpint (json_object_get_int_member (original, "width"), ==, width);
  g_assert_cmpint (json_object_get_int_member (original, "height"), ==, 3);
}

static void
test_media_ids (Fixture       *fixture,
                gconstpointer  data)
{
  gint64 first = add_media (fixture, 4, "A small square");
  gint64 second = add_media (fixture, 5, "Another one");
  g_autofree char *body = g_strdup_printf ("{\"status\": \"Two pictures\", \"sensitive\": true,"
                                           " \"media_ids\": [\"%" G_GINT64_FORMAT "\", \"%"
                                           G_GINT64_FORMAT "\"]}", first, second);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  JsonObject *status;
  JsonObject *application;
  JsonArray *attachments;
  gint64 statuses;

  g_assert_cmpuint (request (fixture, "POST", "/api/v1/statuses", body, &answer), ==, 200);
  status = json_node_get_object (answer);
  g_assert_true (json_object_get_boolean_member (status, "sensitive"));
  attachments = json_object_get_array_member (status, "media_attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 2);
  assert_attachment (json_array_get_object_element (attachments, 0), first, 4, "A small square");
  assert_attachment (json_array_get_object_element (attachments, 1), second, 5, "Another one");
  /* The app the token was issued to posted it. */
  application = json_object_get_object_member (status, "application");
  g_assert_cmpstr (json_object_get_string_member (application, "name"), ==, "Test client");
  g_assert_cmpstr (json_object_get_string_member (application, "website"), ==,
                   "https://example.org/client");
  path = g_strdup_printf ("/api/v1/statuses/%s", json_object_get_string_member (status, "id"));

  /* Media on a post already, unknown media, and too many: refused, nothing stored. */
  statuses = count_rows (fixture, "SELECT count (*) FROM statuses");
  {
    g_autoptr(JsonNode) refused = NULL;
    g_autofree char *again = g_strdup_printf ("{\"status\": \"Again\", \"media_ids\": [\"%"
                                              G_GINT64_FORMAT "\"]}", first);

    g_assert_cmpuint (request (fixture, "POST", "/api/v1/statuses", again, &refused), ==, 422);
    g_assert_true (g_str_has_prefix (json_object_get_string_member (
      json_node_get_object (refused), "error"), "Validation failed: "));
    g_clear_pointer (&refused, json_node_unref);
    g_assert_cmpuint (request (fixture, "POST", "/api/v1/statuses",
                               "{\"status\": \"\", \"media_ids\": [\"424242\"]}", &refused),
                      ==, 422);
    g_clear_pointer (&refused, json_node_unref);
    g_assert_cmpuint (request (fixture, "POST", "/api/v1/statuses",
                               "{\"status\": \"x\", \"media_ids\": [\"1\", \"2\", \"3\", \"4\","
                               " \"5\"]}", &refused), ==, 422);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (refused), "error"),
                     ==, "Cannot attach more than 4 files");
  }
  g_assert_cmpint (count_rows (fixture, "SELECT count (*) FROM statuses"), ==, statuses);

  /* An edit without media_ids keeps the media; one with them replaces them. */
  {
    g_autoptr(JsonNode) edited = NULL;
    g_autoptr(JsonNode) history = NULL;
    g_autofree char *replace = g_strdup_printf ("{\"status\": \"One picture\", \"media_ids\": [\"%"
                                                G_GINT64_FORMAT "\"]}", second);
    g_autofree char *history_path = g_strconcat (path, "/history", NULL);
    JsonArray *versions;

    g_assert_cmpuint (request (fixture, "PUT", path, "{\"status\": \"Still two\"}", &edited),
                      ==, 200);
    attachments = json_object_get_array_member (json_node_get_object (edited),
                                                "media_attachments");
    g_assert_cmpuint (json_array_get_length (attachments), ==, 2);
    g_assert_true (json_object_get_boolean_member (json_node_get_object (edited), "sensitive"));
    g_clear_pointer (&edited, json_node_unref);
    g_assert_cmpuint (request (fixture, "PUT", path, replace, &edited), ==, 200);
    attachments = json_object_get_array_member (json_node_get_object (edited),
                                                "media_attachments");
    g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
    assert_attachment (json_array_get_object_element (attachments, 0), second, 5,
                       "Another one");

    g_assert_cmpuint (request (fixture, "GET", history_path, NULL, &history), ==, 200);
    versions = json_node_get_array (history);
    g_assert_cmpuint (json_array_get_length (versions), ==, 3);
    attachments = json_object_get_array_member (json_array_get_object_element (versions, 0),
                                                "media_attachments");
    g_assert_cmpuint (json_array_get_length (attachments), ==, 2);
    assert_attachment (json_array_get_object_element (attachments, 0), first, 4,
                       "A small square");
    attachments = json_object_get_array_member (json_array_get_object_element (versions, 2),
                                                "media_attachments");
    g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
    g_assert_true (strstr (json_object_get_string_member (
      json_array_get_object_element (versions, 2), "content"), "One picture") != NULL);

    /* An edit that changes nothing keeps no version. */
    g_clear_pointer (&edited, json_node_unref);
    g_assert_cmpint (count_rows (fixture, "SELECT count (*) FROM status_edits"), ==, 2);
    g_assert_cmpuint (request (fixture, "PUT", path, "{\"status\": \"One picture\"}", &edited),
                      ==, 200);
    g_assert_cmpint (count_rows (fixture, "SELECT count (*) FROM status_edits"), ==, 2);
  }

  /* Deleting gives the text back, for a redraft. */
  {
    g_autoptr(JsonNode) deleted = NULL;
    g_autoptr(JsonNode) gone = NULL;

    g_assert_cmpuint (request (fixture, "DELETE", path, NULL, &deleted), ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (deleted), "text"), ==,
                     "One picture");
    g_assert_cmpuint (request (fixture, "GET", path, NULL, &gone), ==, 404);
    g_assert_cmpint (count_rows (fixture, "SELECT count (*) FROM status_edits"), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/node/api/statuses/media-ids", Fixture, NULL, fixture_set_up, test_media_ids,
              fixture_tear_down);
  return g_test_run ();
}
