/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#define QTR_TEST_NODE_PUBLIC_ONLY
#include "node-test-util.h"

#include "qtr-api-client.h"
#include "qtr-cache.h"
#include "qtr-json.h"
#include "qtr-node.h"
#include "qtr-server-info.h"
#include "qtr-timeline.h"

/* Reading positions against a real node on loopback (its /api/v1/markers): a timeline built
 * from the cache before discovery finished learns the server's position once it is told what
 * the server can do; the user's moves are saved debounced, and at once when asked (the window
 * closes); a move of the user's wins over a position another device saved before. */

typedef struct {
  QtrTestNode    node;
  char          *token;
  QtrApiClient  *client;   /* this computer */
  QtrApiClient  *other;    /* another device of the same account */
  QtrServerInfo *info;
  QtrCache      *cache;
  GPtrArray     *ids;      /* of the owner's posts, newest first */
} Fixture;

static QtrServerInfo *
discover (QtrApiClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  QtrServerInfo *info;

  qtr_server_info_discover_async (client, NULL, qtr_test_got_result_cb, &result);
  info = qtr_server_info_discover_finish (qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return info;
}

static QtrCache *
open_cache (const char *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = qtr_cache_build_path (account);
  QtrCache *cache;

  qtr_cache_open_async (path, NULL, qtr_test_got_result_cb, &result);
  cache = qtr_cache_open_finish (qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return cache;
}

static void
restore (QtrTimeline *timeline)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  qtr_timeline_restore_async (timeline, NULL, qtr_test_got_result_cb, &result);
  g_assert_true (qtr_timeline_restore_finish (timeline, qtr_test_wait_result (&result), &error));
  g_assert_no_error (error);
}

static void
load_newer (QtrTimeline *timeline)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  qtr_timeline_load_newer_async (timeline, NULL, qtr_test_got_result_cb, &result);
  g_assert_cmpint (qtr_timeline_load_finish (timeline, qtr_test_wait_result (&result), &error),
                   >=, 0);
  g_assert_no_error (error);
}

/* The node's home marker as @client reads it: its id, and its version in @version. */
static char *
server_marker (QtrApiClient *client,
               gint64       *version)
{
  const char *query[] = { "timeline[]", "home", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  JsonObject *markers, *home;

  qtr_api_client_get_async (client, "/api/v1/markers", query, NULL, qtr_test_got_result_cb,
                            &result);
  response = qtr_api_client_request_finish (client, qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  markers = qtr_api_response_get_object (response, &error);
  g_assert_no_error (error);
  home = qtr_json_get_object (markers, "home");
  if (home == NULL)
    return NULL;
  if (version != NULL)
    *version = json_object_get_int_member (home, "version");
  return g_strdup (qtr_json_get_string (home, "last_read_id"));
}

/* Another device saves @id as the home marker. */
static void
post_marker (QtrApiClient *client,
             const char   *id)
{
  const char *form[] = { "home[last_read_id]", id, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;

  qtr_api_client_post_form_async (client, "/api/v1/markers", form, NULL, qtr_test_got_result_cb,
                                  &result);
  response = qtr_api_client_request_finish (client, qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static QtrTimeline *
new_home (Fixture       *fixture,
          QtrServerInfo *info)
{
  QtrTimeline *home = qtr_timeline_new (fixture->client, info, fixture->cache,
                                        QTR_TIMELINE_HOME, NULL);

  qtr_timeline_set_save_delay (home, 100);
  return home;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrTimeline) home = NULL;
  g_autofree char *account = NULL;

  qtr_test_node_start (&fixture->node, NULL, "alice", NULL);
  fixture->token = qtr_test_node_mint_token (&fixture->node);
  fixture->client = qtr_api_client_new (fixture->node.base, fixture->token, &error);
  g_assert_no_error (error);
  fixture->other = qtr_api_client_new (fixture->node.base, fixture->token, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("Post number %u", i + 1);
      QtrPostRequest request = { .text = text };

      g_free (qtr_node_post (fixture->node.node, &request, &error));
      g_assert_no_error (error);
    }
  fixture->info = discover (fixture->client);
  account = g_strdup_printf ("alice@127.0.0.1:%u", fixture->node.port);
  fixture->cache = open_cache (account);

  /* The posts' ids, as the home timeline lists them (no cache: nothing kept yet). */
  home = qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_HOME, NULL);
  load_newer (home);
  fixture->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (home)); i++)
    {
      g_autoptr(QtrTimelineItem) item = g_list_model_get_item (G_LIST_MODEL (home), i);

      g_ptr_array_add (fixture->ids, g_strdup (qtr_timeline_item_get_id (item)));
    }
  g_assert_cmpuint (fixture->ids->len, ==, 5);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->ids, g_ptr_array_unref);
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->info);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->other);
  /* What the timelines saved on their way out reaches the node before it stops. */
  qtr_test_spin (200);
  qtr_test_node_stop (&fixture->node);
  g_free (fixture->token);
}


typedef struct {
  QtrApiClient *client;
  const char   *id;
} Expected;

static gboolean
server_has (Expected *expected)
{
  g_autofree char *id = server_marker (expected->client, NULL);

  return g_strcmp0 (id, expected->id) == 0;
}

static gboolean
has_position (QtrTimeline *timeline)
{
  return qtr_timeline_get_read_position (timeline) != NULL;
}

/* The window builds the timelines from the cache before discovery finishes: the server's
 * position comes once they are told what the server can do. */
static void
test_late_server_info (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(QtrTimeline) home = NULL;
  const char *second = fixture->ids->pdata[1];

  g_assert_true (qtr_server_info_has_feature (fixture->info, QTR_SERVER_FEATURE_MARKERS));
  post_marker (fixture->other, second);

  home = new_home (fixture, NULL);
  restore (home);
  load_newer (home);
  g_assert_null (qtr_timeline_get_read_position (home));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (home)), ==, 5);

  qtr_timeline_set_server_info (home, fixture->info);
  g_assert_true (qtr_timeline_get_server_info (home) == fixture->info);
  qtr_test_wait_until (has_position, home, "the server's position arrives");
  g_assert_cmpstr (qtr_timeline_get_read_position (home), ==, second);
}

/* Moves are saved once they stop (one POST for three moves, the node's version says so), and
 * at once when asked; both in the cache too. */
static void
test_save (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(QtrTimeline) home = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 version_before = 0, version_after = 0;
  Expected expected = { fixture->other, fixture->ids->pdata[3] };

  post_marker (fixture->other, fixture->ids->pdata[0]);
  before = server_marker (fixture->other, &version_before);
  g_assert_cmpstr (before, ==, fixture->ids->pdata[0]);

  home = new_home (fixture, fixture->info);
  restore (home);
  load_newer (home);
  g_assert_cmpstr (qtr_timeline_get_read_position (home), ==, fixture->ids->pdata[0]);
  qtr_timeline_set_read_position (home, fixture->ids->pdata[1]);
  qtr_test_spin (40);
  qtr_timeline_set_read_position (home, fixture->ids->pdata[2]);
  qtr_test_spin (40);
  qtr_timeline_set_read_position (home, fixture->ids->pdata[3]);
  qtr_test_wait_until (server_has, &expected, "the last move reaches the node");
  qtr_test_spin (300);
  after = server_marker (fixture->other, &version_after);
  g_assert_cmpstr (after, ==, fixture->ids->pdata[3]);
  g_assert_cmpint (version_after, ==, version_before + 1);

  /* Saved now, without waiting for the delay. */
  qtr_timeline_set_save_delay (home, 60 * 1000);
  qtr_timeline_set_read_position (home, fixture->ids->pdata[4]);
  qtr_timeline_save_read_position_async (home, NULL, qtr_test_got_result_cb, &result);
  g_assert_true (qtr_timeline_save_read_position_finish (home, qtr_test_wait_result (&result),
                                                         &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_free);
  after = server_marker (fixture->other, NULL);
  g_assert_cmpstr (after, ==, fixture->ids->pdata[4]);
  g_clear_object (&result);
  qtr_cache_load_marker_async (fixture->cache, "home", NULL, qtr_test_got_result_cb, &result);
  kept = qtr_cache_load_marker_finish (fixture->cache, qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept, ==, fixture->ids->pdata[4]);
}

/* Whether the position is another than the one the cache had. */
static gboolean
position_moved (QtrTimeline *timeline)
{
  return g_strcmp0 (qtr_timeline_get_read_position (timeline),
                    g_object_get_data (G_OBJECT (timeline), "qtr-cached")) != 0;
}

/* Offline first: the next start shows the cache's position at once; the server's, saved by
 * another device meanwhile, replaces it when discovery finishes, unless the user moved
 * first. */
static void
test_server_wins_at_start (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(QtrTimeline) home = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  home = new_home (fixture, fixture->info);
  restore (home);
  load_newer (home);
  qtr_timeline_set_read_position (home, fixture->ids->pdata[2]);
  qtr_timeline_save_read_position_async (home, NULL, qtr_test_got_result_cb, &result);
  g_assert_true (qtr_timeline_save_read_position_finish (home, qtr_test_wait_result (&result),
                                                         &error));
  g_assert_no_error (error);
  g_clear_object (&result);  /* it holds its source */
  g_assert_finalize_object (g_steal_pointer (&home));
  post_marker (fixture->other, fixture->ids->pdata[0]);

  home = new_home (fixture, NULL);
  g_object_set_data (G_OBJECT (home), "qtr-cached", fixture->ids->pdata[2]);
  restore (home);
  g_assert_cmpstr (qtr_timeline_get_read_position (home), ==, fixture->ids->pdata[2]);
  qtr_timeline_set_server_info (home, fixture->info);
  qtr_test_wait_until (position_moved, home, "the server's position replaces the cache's");
  g_assert_cmpstr (qtr_timeline_get_read_position (home), ==, fixture->ids->pdata[0]);
  g_assert_finalize_object (g_steal_pointer (&home));

  /* The user moved before discovery finished: that move stands, and is what the node keeps. */
  post_marker (fixture->other, fixture->ids->pdata[1]);
  home = new_home (fixture, NULL);
  restore (home);
  qtr_timeline_set_read_position (home, fixture->ids->pdata[4]);
  qtr_timeline_set_server_info (home, fixture->info);
  qtr_test_spin (50);
  g_assert_cmpstr (qtr_timeline_get_read_position (home), ==, fixture->ids->pdata[4]);
  {
    Expected expected = { fixture->other, fixture->ids->pdata[4] };

    qtr_test_wait_until (server_has, &expected, "the user's move reaches the node");
  }
  g_assert_cmpstr (qtr_timeline_get_read_position (home), ==, fixture->ids->pdata[4]);
}

int
main (int   argc,
      char *argv[])
{
  /* libsoup asks GIO for a proxy resolver: the direct one, not the GSettings-backed one. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/client/markers/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("late-server-info", test_late_server_info);
  ADD ("save", test_save);
  ADD ("server-wins-at-start", test_server_wins_at_start);
#undef ADD

  return g_test_run ();
}
