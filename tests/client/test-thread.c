/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-account-timeline.h"
#include "qtr-api-error.h"
#include "qtr-client-test.h"
#include "qtr-thread.h"

/* QtrThread against a loopback server that answers a post and its context: the order and
 * depth of the replies (a tree walked depth first, whatever order the server listed them in),
 * replies whose parent the server left out, a loop in what it said, a failed refresh that
 * keeps what showed. QtrAccountTimeline: each profile tab asks for its own posts. */

typedef struct {
  QtrTestServer *server;
  QtrApiClient  *client;
  char          *context;   /* what /context answers */
  guint          status;    /* its HTTP status */
} Fixture;

static JsonObject *
reply_new (const char *id,
           const char *text,
           const char *in_reply_to)
{
  JsonObject *status = qtr_test_status_new (id, text);

  if (in_reply_to != NULL)
    json_object_set_string_member (status, "in_reply_to_id", in_reply_to);
  else
    json_object_set_null_member (status, "in_reply_to_id");
  return status;
}

static char *
to_json (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

static void
status_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(JsonObject) focused = NULL;
  g_autofree char *json = NULL;

  if (g_str_has_suffix (path, "/context"))
    {
      qtr_test_reply_json (message, fixture->status, fixture->context);
      return;
    }
  g_assert_cmpstr (path, ==, "/api/v1/statuses/20");
  focused = reply_new ("20", "The focused post", "10");
  json = to_json (focused);
  qtr_test_reply_json (message, SOUP_STATUS_OK, json);
}

/* A context of @ancestors and @descendants, each "ID:PARENT" ("ID:" for none). */
static char *
build_context (const char * const *ancestors,
               const char * const *descendants)
{
  g_autoptr(JsonObject) context = json_object_new ();
  const char * const *lists[] = { ancestors, descendants };
  const char *names[] = { "ancestors", "descendants" };

  for (guint l = 0; l < 2; l++)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; lists[l][i] != NULL; i++)
        {
          g_auto(GStrv) parts = g_strsplit (lists[l][i], ":", 2);
          g_autofree char *text = g_strdup_printf ("Post %s", parts[0]);

          json_array_add_object_element (array, reply_new (parts[0], text,
                                                           *parts[1] != '\0' ? parts[1] : NULL));
        }
      json_object_set_array_member (context, names[l], array);
    }
  return to_json (context);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = qtr_test_server_new ();
  fixture->status = SOUP_STATUS_OK;
  qtr_test_server_add (fixture->server, "/api/v1/statuses", status_cb, fixture);
  fixture->client = qtr_api_client_new (fixture->server->base, "token-1", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, qtr_test_server_free);
  g_free (fixture->context);
}

static gboolean
load (QtrThread  *thread,
      GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_thread_load_async (thread, NULL, qtr_test_result_cb, &result);
  g_assert_true (qtr_thread_get_loading (thread));
  return qtr_thread_load_finish (thread, qtr_test_wait (&result), error);
}

/* "ID/DEPTH ID/DEPTH…", the model as the reader sees it. */
static char *
describe (QtrThread *thread)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (thread)); i++)
    {
      g_autoptr(QtrStatus) status = g_list_model_get_item (G_LIST_MODEL (thread), i);

      g_string_append_printf (text, "%s%s/%u", i > 0 ? " " : "", qtr_status_get_id (status),
                              qtr_thread_get_depth (thread, i));
    }
  return g_string_free (text, FALSE);
}

static void
test_tree (Fixture       *fixture,
           gconstpointer  data)
{
  const char *ancestors[] = { "1:", "10:1", NULL };
  /* Listed out of tree order: 31 (a reply to 21) before 21, 22 after its child 32. */
  const char *descendants[] = { "31:21", "21:20", "32:22", "22:20", "41:31", NULL };
  g_autoptr(QtrThread) thread = qtr_thread_new (fixture->client, "20");
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(QtrStatus) focused = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (thread)), ==, 0);
  g_assert_null (qtr_thread_get_focused (thread));
  fixture->context = build_context (ancestors, descendants);
  g_assert_true (load (thread, &error));
  g_assert_no_error (error);
  g_assert_false (qtr_thread_get_loading (thread));
  shown = describe (thread);
  g_assert_cmpstr (shown, ==, "1/0 10/0 20/0 21/1 31/2 41/3 22/1 32/2");
  g_assert_cmpuint (qtr_thread_get_focused_position (thread), ==, 2);
  g_assert_cmpstr (qtr_status_get_id (qtr_thread_get_focused (thread)), ==, "20");
  focused = g_list_model_get_item (G_LIST_MODEL (thread), 2);
  g_assert_true (focused == qtr_thread_get_focused (thread));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (thread)) == QTR_TYPE_STATUS);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "GET /api/v1/statuses/20"), ==, 1);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "GET /api/v1/statuses/20/context"),
                    ==, 1);
}

static void
test_orphans_and_loops (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *ancestors[] = { NULL };
  /* 51's parent (50) is missing; 61 and 62 answer each other. */
  const char *descendants[] = { "21:20", "51:50", "52:51", "61:62", "62:61", NULL };
  g_autoptr(QtrThread) thread = qtr_thread_new (fixture->client, "20");
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;

  fixture->context = build_context (ancestors, descendants);
  g_assert_true (load (thread, &error));
  g_assert_no_error (error);
  shown = describe (thread);
  g_assert_cmpstr (shown, ==, "20/0 21/1 51/1 52/2 61/1 62/2");
  g_assert_cmpuint (qtr_thread_get_focused_position (thread), ==, 0);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changes)
{
  (*changes)++;
}

static void
test_refresh (Fixture       *fixture,
              gconstpointer  data)
{
  const char *ancestors[] = { "10:", NULL };
  const char *first[] = { "21:20", NULL };
  const char *second[] = { "21:20", "22:21", NULL };
  g_autoptr(QtrThread) thread = qtr_thread_new (fixture->client, "20");
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  guint changes = 0;

  fixture->context = build_context (ancestors, first);
  g_assert_true (load (thread, &error));
  g_assert_no_error (error);
  g_signal_connect (thread, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  /* A failed refresh changes nothing. */
  fixture->status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  g_free (fixture->context);
  fixture->context = g_strdup ("{\"error\": \"The database is down\"}");
  g_assert_false (load (thread, &error));
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpuint (changes, ==, 0);
  shown = describe (thread);
  g_assert_cmpstr (shown, ==, "10/0 20/0 21/1");
  g_clear_pointer (&shown, g_free);

  /* A refresh that succeeds shows the new reply. */
  fixture->status = SOUP_STATUS_OK;
  g_free (fixture->context);
  fixture->context = build_context (ancestors, second);
  g_assert_true (load (thread, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 1);
  shown = describe (thread);
  g_assert_cmpstr (shown, ==, "10/0 20/0 21/1 22/2");
}

static void
test_account_filters (Fixture       *fixture,
                      gconstpointer  data)
{
  const struct {
    QtrAccountTimelineFilter  filter;
    const char               *wanted;
    const char               *unwanted;
  } tabs[] = {
    { QTR_ACCOUNT_TIMELINE_POSTS, "exclude_replies=true", "only_media" },
    { QTR_ACCOUNT_TIMELINE_POSTS_AND_REPLIES, NULL, "exclude_replies" },
    { QTR_ACCOUNT_TIMELINE_MEDIA, "only_media=true", "exclude_replies" },
  };
  QtrTestTimeline *served = qtr_test_timeline_new (fixture->server,
                                                   "/api/v1/accounts/7/statuses");

  g_free (qtr_test_timeline_post (served, "A post of account 7"));
  for (guint i = 0; i < G_N_ELEMENTS (tabs); i++)
    {
      g_autoptr(QtrAccountTimeline) timeline = qtr_account_timeline_new (fixture->client, "7",
                                                                        tabs[i].filter);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      const char *query;

      g_assert_cmpint (qtr_account_timeline_get_filter (timeline), ==, tabs[i].filter);
      g_assert_cmpint (qtr_timeline_get_kind (QTR_TIMELINE (timeline)), ==,
                       QTR_TIMELINE_ACCOUNT);
      qtr_timeline_load_newer_async (QTR_TIMELINE (timeline), NULL, qtr_test_result_cb, &result);
      g_assert_cmpint (qtr_timeline_load_finish (QTR_TIMELINE (timeline),
                                                 qtr_test_wait (&result), &error), ==, 1);
      g_assert_no_error (error);
      query = qtr_test_timeline_last_query (served);
      if (tabs[i].wanted != NULL)
        g_assert_nonnull (strstr (query, tabs[i].wanted));
      g_assert_null (strstr (query != NULL ? query : "", tabs[i].unwanted));
    }
}

int
main (int   argc,
      char *argv[])
{
  qtr_client_test_init (&argc, &argv);

  g_test_add ("/client/thread/tree", Fixture, NULL, fixture_set_up, test_tree,
              fixture_tear_down);
  g_test_add ("/client/thread/orphans-and-loops", Fixture, NULL, fixture_set_up,
              test_orphans_and_loops, fixture_tear_down);
  g_test_add ("/client/thread/refresh", Fixture, NULL, fixture_set_up, test_refresh,
              fixture_tear_down);
  g_test_add ("/client/account-timeline/filters", Fixture, NULL, fixture_set_up,
              test_account_filters, fixture_tear_down);

  return g_test_run ();
}
