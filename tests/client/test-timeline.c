/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "qtr-api-error.h"
#include "qtr-cache.h"
#include "qtr-client-test.h"
#include "qtr-json.h"
#include "qtr-notification-list.h"
#include "qtr-test-util.h"
#include "qtr-timeline.h"

/* QtrTimeline and QtrCache against a loopback server that pages the way Mastodon does: paging
 * both ways, gaps, duplicates, deletions and edits, the bound, held items, the cache (offline
 * start), reading positions with and without the markers API, and servers that answer slowly
 * or with garbage. */

typedef struct {
  QtrTestServer   *server;
  QtrTestTimeline *home;
  QtrApiClient    *client;
  GHashTable      *markers;  /* timeline → last_read_id, as the server keeps them */
  GPtrArray       *paused;   /* SoupServerMessage that are never answered */
  guint            n_changes;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = qtr_test_server_new ();
  fixture->home = qtr_test_timeline_new (fixture->server, "/api/v1/timelines/home");
  fixture->client = qtr_api_client_new (fixture->server->base, "token-1", &error);
  g_assert_no_error (error);
  fixture->markers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fixture->paused = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < fixture->paused->len; i++)
    {
      soup_server_message_set_status (fixture->paused->pdata[i], 503, NULL);
      soup_server_message_unpause (fixture->paused->pdata[i]);
    }
  g_ptr_array_unref (fixture->paused);
  g_assert_finalize_object (fixture->client);
  g_hash_table_unref (fixture->markers);
  qtr_test_server_free (fixture->server);
}

static void
post_many (Fixture *fixture,
           guint    n)
{
  for (guint i = 0; i < n; i++)
    g_free (qtr_test_timeline_post (fixture->home, "hello"));
}

/* The model as text: ids from the top, "gap" for gaps. */
static char *
describe (QtrTimeline *timeline)
{
  GListModel *model = G_LIST_MODEL (timeline);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(QtrTimelineItem) item = g_list_model_get_item (model, i);

      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, qtr_timeline_item_get_kind (item) == QTR_TIMELINE_ITEM_GAP
                             ? "gap" : qtr_timeline_item_get_id (item));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* "a..b": the ids from a down to b. */
static char *
range (guint from,
       guint to)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint id = from; id >= to; id--)
    g_string_append_printf (text, "%s%u", id == from ? "" : " ", id);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef void (*LoadFunc) (QtrTimeline         *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data);

static gssize
run_load (QtrTimeline  *timeline,
          LoadFunc      load,
          GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  load (timeline, NULL, qtr_test_result_cb, &result);
  qtr_test_wait (&result);
  return qtr_timeline_load_finish (timeline, result, error);
}

static gssize
load_ok (QtrTimeline *timeline,
         LoadFunc     load)
{
  g_autoptr(GError) error = NULL;
  gssize n = run_load (timeline, load, &error);

  g_assert_no_error (error);
  return n;
}

static gssize
load_gap (QtrTimeline     *timeline,
          QtrTimelineItem *gap)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gssize n;

  qtr_timeline_load_gap_async (timeline, gap, NULL, qtr_test_result_cb, &result);
  g_assert_true (qtr_timeline_item_get_loading (gap));
  qtr_test_wait (&result);
  n = qtr_timeline_load_finish (timeline, result, &error);
  g_assert_no_error (error);
  g_assert_false (qtr_timeline_item_get_loading (gap));
  return n;
}

static QtrTimelineItem *
find_gap (QtrTimeline *timeline)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (timeline)); i++)
    {
      g_autoptr(QtrTimelineItem) item = g_list_model_get_item (G_LIST_MODEL (timeline), i);

      if (qtr_timeline_item_get_kind (item) == QTR_TIMELINE_ITEM_GAP)
        return item;  /* the model holds a reference */
    }
  return NULL;
}

static QtrTimeline *
new_home (Fixture       *fixture,
          QtrServerInfo *info,
          QtrCache      *cache,
          guint          page_size)
{
  QtrTimeline *timeline = qtr_timeline_new (fixture->client, info, cache, QTR_TIMELINE_HOME,
                                            NULL);

  qtr_timeline_set_page_size (timeline, page_size);
  return timeline;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Fixture *fixture = user_data;

  fixture->n_changes++;
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(QtrTimeline) timeline = new_home (fixture, NULL, NULL, 10);
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;

  post_many (fixture, 35);  /* 1000…1034 */
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_newer_async), ==, 10);
  g_assert_cmpstr (qtr_test_timeline_last_query (fixture->home), ==, "limit=10");
  g_assert_cmpint (qtr_timeline_get_state (timeline), ==, QTR_TIMELINE_STATE_ONLINE);

  /* Older pages follow the Link header. */
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_older_async), ==, 10);
  g_assert_cmpstr (qtr_test_timeline_last_query (fixture->home), ==, "max_id=1025&limit=10");
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_older_async), ==, 10);
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_older_async), ==, 5);
  g_assert_false (qtr_timeline_get_end_reached (timeline));
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_older_async), ==, 0);
  g_assert_true (qtr_timeline_get_end_reached (timeline));
  expected = range (1034, 1000);
  text = describe (timeline);
  g_assert_cmpstr (text, ==, expected);

  /* Newer ones: above the newest, inserted at the top for the user who asked. */
  post_many (fixture, 3);
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_newer_async), ==, 3);
  g_assert_cmpstr (qtr_test_timeline_last_query (fixture->home), ==, "limit=10&since_id=1034");
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&text, g_free);
  expected = range (1037, 1000);
  text = describe (timeline);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_newer_async), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static void
test_gap (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(QtrTimeline) timeline = new_home (fixture, NULL, NULL, 10);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *top = range (1054, 1045);
  g_autofree char *middle = range (1039, 1030);
  g_autofree char *bottom = range (1029, 1020);
  QtrTimelineItem *gap;

  post_many (fixture, 30);  /* 1000…1029 */
  load_ok (timeline, qtr_timeline_load_newer_async);
  post_many (fixture, 25);  /* 1030…1054: more than a page */

  /* The newer page does not reach 1029: a gap stands between. */
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_newer_async), ==, 10);
  text = describe (timeline);
  expected = g_strdup_printf ("%s gap %s", top, bottom);
  g_assert_cmpstr (text, ==, expected);

  /* Loading the gap brings the page right above 1029; the rest stays a gap. */
  gap = find_gap (timeline);
  g_assert_cmpint (load_gap (timeline, gap), ==, 10);
  g_assert_cmpstr (qtr_test_timeline_last_query (fixture->home), ==,
                   "limit=10&max_id=1045&min_id=1029");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&expected, g_free);
  text = describe (timeline);
  expected = g_strdup_printf ("%s gap %s %s", top, middle, bottom);
  g_assert_cmpstr (text, ==, expected);

  /* The last part closes it. */
  g_assert_true (find_gap (timeline) == gap);
  g_assert_cmpint (load_gap (timeline, gap), ==, 5);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&expected, g_free);
  text = describe (timeline);
  expected = range (1054, 1020);
  g_assert_cmpstr (text, ==, expected);
  g_assert_null (find_gap (timeline));
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

/* A server whose older page repeats the end of the page before (some do, around max_id). */
static void
sloppy_paging_cb (SoupServer        *server,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  const char *max_id = query != NULL ? g_hash_table_lookup (query, "max_id") : NULL;
  guint first = max_id == NULL ? 105 : 102;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  for (guint id = first; id > first - 5; id--)
    {
      g_autofree char *text = g_strdup_printf ("%u", id);

      json_array_add_object_element (array, qtr_test_status_new (text, "again"));
    }
  /* One id twice in the same page, too. */
  if (max_id != NULL)
    json_array_add_object_element (array, qtr_test_status_new ("98", "twice"));
  root = json_node_init_array (json_node_alloc (), array);
  json = json_to_string (root, FALSE);
  qtr_test_reply_json (message, SOUP_STATUS_OK, json);
}

static void
test_dedupe (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(QtrTimeline) timeline = qtr_timeline_new (fixture->client, NULL, NULL,
                                                      QTR_TIMELINE_ACCOUNT, "7");
  g_autoptr(JsonObject) again = qtr_test_status_new ("106", "first");
  g_autoptr(JsonObject) edited = qtr_test_status_new ("106", "second");
  g_autoptr(QtrTimelineItem) item = NULL;
  g_autofree char *text = NULL;

  qtr_test_server_add (fixture->server, "/api/v1/accounts/7/statuses", sloppy_paging_cb, NULL);
  qtr_timeline_set_page_size (timeline, 5);
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_newer_async), ==, 5);
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_older_async), ==, 3);
  text = describe (timeline);
  g_assert_cmpstr (text, ==, "105 104 103 102 101 100 99 98");

  /* A post streamed twice is one item; the second copy updates it. */
  qtr_timeline_set_at_top (timeline, TRUE);
  g_assert_true (qtr_timeline_add_entity (timeline, again));
  item = g_list_model_get_item (G_LIST_MODEL (timeline), 0);
  g_assert_false (qtr_timeline_add_entity (timeline, edited));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 9);
  g_assert_cmpstr (qtr_status_get_content (qtr_timeline_item_get_status (item)), ==,
                   "<p>second</p>");
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static void
status_notified_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_delete_edit (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(QtrTimeline) timeline = new_home (fixture, NULL, NULL, 10);
  g_autoptr(JsonObject) boost = qtr_test_status_new ("2000", "");
  g_autoptr(JsonObject) edit = NULL;
  g_autoptr(QtrTimelineItem) boost_item = NULL;
  g_autoptr(QtrTimelineItem) item = NULL;
  g_autofree char *text = NULL;
  QtrStatus *shown;
  guint notified = 0;

  post_many (fixture, 5);  /* 1000…1004 */
  load_ok (timeline, qtr_timeline_load_newer_async);
  g_signal_connect (timeline, "items-changed", G_CALLBACK (items_changed_cb), fixture);

  /* A boost of 1002 on top. */
  json_object_set_object_member (boost, "reblog",
                                 json_object_ref (qtr_test_timeline_get (fixture->home, "1002")));
  qtr_timeline_set_at_top (timeline, TRUE);
  g_assert_true (qtr_timeline_add_entity (timeline, boost));
  text = describe (timeline);
  g_assert_cmpstr (text, ==, "2000 1004 1003 1002 1001 1000");

  /* An edit of 1002 replaces the post in place, in the boost too. */
  boost_item = g_list_model_get_item (G_LIST_MODEL (timeline), 0);
  item = g_list_model_get_item (G_LIST_MODEL (timeline), 3);
  g_signal_connect (item, "notify::status", G_CALLBACK (status_notified_cb), &notified);
  edit = qtr_test_status_new ("1002", "edited");
  json_object_set_string_member (edit, "edited_at", "2026-11-27T06:00:00.000Z");
  fixture->n_changes = 0;
  g_assert_cmpuint (qtr_timeline_update_status (timeline, edit), ==, 2);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (fixture->n_changes, ==, 0);
  g_assert_cmpstr (qtr_status_get_content (qtr_timeline_item_get_status (item)), ==,
                   "<p>edited</p>");
  g_assert_nonnull (qtr_status_get_edited_at (qtr_timeline_item_get_status (item)));
  shown = qtr_status_get_reblog (qtr_timeline_item_get_status (boost_item));
  g_assert_cmpstr (qtr_status_get_content (shown), ==, "<p>edited</p>");
  g_assert_true (qtr_timeline_find (timeline, "1002", NULL) == item);

  /* Deleting 1002 takes the boost with it; deleting 1004 only itself. */
  g_assert_cmpuint (qtr_timeline_remove_status (timeline, "1002"), ==, 2);
  g_assert_cmpuint (qtr_timeline_remove_status (timeline, "1004"), ==, 1);
  g_assert_cmpuint (qtr_timeline_remove_status (timeline, "4242"), ==, 0);
  g_clear_pointer (&text, g_free);
  text = describe (timeline);
  g_assert_cmpstr (text, ==, "1003 1001 1000");
  g_assert_null (qtr_timeline_find (timeline, "1002", NULL));
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static void
test_bounded (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(QtrTimeline) timeline = new_home (fixture, NULL, NULL, 10);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  qtr_timeline_set_max_items (timeline, 25);
  post_many (fixture, 40);  /* 1000…1039 */
  load_ok (timeline, qtr_timeline_load_newer_async);
  load_ok (timeline, qtr_timeline_load_older_async);

  /* Streamed posts at the top push the oldest out; the count plateaus at the bound. */
  qtr_timeline_set_at_top (timeline, TRUE);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", 5000 + i);
      g_autoptr(JsonObject) status = qtr_test_status_new (id, "streamed");

      g_assert_true (qtr_timeline_add_entity (timeline, status));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), <=, 25);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 25);
  expected = range (5199, 5175);
  text = describe (timeline);
  g_assert_cmpstr (text, ==, expected);
  g_assert_false (qtr_timeline_get_end_reached (timeline));

  /* Held ones are bounded too: beyond the bound, a gap stands for the oldest of them. */
  qtr_timeline_set_at_top (timeline, FALSE);
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", 6000 + i);
      g_autoptr(JsonObject) status = qtr_test_status_new (id, "held");

      qtr_timeline_add_entity (timeline, status);
    }
  g_assert_cmpuint (qtr_timeline_get_n_pending (timeline), ==, 25);
  g_assert_cmpuint (qtr_timeline_reveal_pending (timeline), ==, 25);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&expected, g_free);
  text = describe (timeline);
  expected = range (6059, 6035);
  g_assert_cmpstr (text, ==, expected);

  /* The user scrolling down past the bound pushes the newest out; a gap stands for them. */
  g_clear_object (&timeline);
  timeline = new_home (fixture, NULL, NULL, 10);
  qtr_timeline_set_max_items (timeline, 25);
  load_ok (timeline, qtr_timeline_load_newer_async);
  load_ok (timeline, qtr_timeline_load_older_async);
  load_ok (timeline, qtr_timeline_load_older_async);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&expected, g_free);
  text = describe (timeline);
  expected = range (1034, 1010);
  g_assert_true (g_str_has_prefix (text, "gap "));
  g_assert_cmpstr (text + strlen ("gap "), ==, expected);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 26);
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static void
test_pending (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(QtrTimeline) timeline = new_home (fixture, NULL, NULL, 10);
  g_autofree char *text = NULL;
  guint n_pending_notified = 0;

  post_many (fixture, 5);  /* 1000…1004 */
  load_ok (timeline, qtr_timeline_load_newer_async);
  g_signal_connect (timeline, "items-changed", G_CALLBACK (items_changed_cb), fixture);
  g_signal_connect (timeline, "notify::n-pending", G_CALLBACK (status_notified_cb),
                    &n_pending_notified);

  /* The user reads further down: what arrives is held, the model does not move. */
  post_many (fixture, 3);  /* 1005…1007, streamed */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", 1005 + i);

      g_assert_true (qtr_timeline_add_entity (timeline,
                                              qtr_test_timeline_get (fixture->home, id)));
    }
  post_many (fixture, 2);  /* 1008, 1009: a poll brings them, above the held ones */
  g_assert_cmpint (load_ok (timeline, qtr_timeline_check_newer_async), ==, 2);
  g_assert_cmpstr (qtr_test_timeline_last_query (fixture->home), ==, "limit=10&since_id=1007");
  g_assert_cmpuint (qtr_timeline_get_n_pending (timeline), ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 5);
  g_assert_cmpuint (fixture->n_changes, ==, 0);
  g_assert_cmpuint (n_pending_notified, ==, 4);

  /* Held items count as known: the same post streamed again is not held twice. */
  g_assert_false (qtr_timeline_add_entity (timeline, qtr_test_timeline_get (fixture->home,
                                                                            "1006")));
  g_assert_cmpuint (qtr_timeline_get_n_pending (timeline), ==, 5);

  /* Revealing inserts them all at the top, in one change. */
  g_assert_cmpuint (qtr_timeline_reveal_pending (timeline), ==, 5);
  g_assert_cmpuint (fixture->n_changes, ==, 1);
  g_assert_cmpuint (qtr_timeline_get_n_pending (timeline), ==, 0);
  text = describe (timeline);
  g_assert_cmpstr (text, ==, "1009 1008 1007 1006 1005 1004 1003 1002 1001 1000");

  /* At the top, new ones go straight in. */
  qtr_timeline_set_at_top (timeline, TRUE);
  {
    g_autoptr(JsonObject) status = qtr_test_status_new ("3003", "live");

    g_assert_true (qtr_timeline_add_entity (timeline, status));
  }
  g_assert_cmpuint (qtr_timeline_get_n_pending (timeline), ==, 0);
  g_assert_cmpuint (fixture->n_changes, ==, 2);
  g_clear_pointer (&text, g_free);
  text = describe (timeline);
  g_assert_true (g_str_has_prefix (text, "3003 1009 "));
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static QtrCache *
open_cache (const char *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = qtr_cache_build_path (account);
  QtrCache *cache;

  qtr_cache_open_async (path, NULL, qtr_test_result_cb, &result);
  qtr_test_wait (&result);
  cache = qtr_cache_open_finish (result, &error);
  g_assert_no_error (error);
  return cache;
}

static GPtrArray *
cached_items (QtrCache   *cache,
              const char *timeline)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  qtr_cache_load_timeline_async (cache, timeline, NULL, qtr_test_result_cb, &result);
  qtr_test_wait (&result);
  items = qtr_cache_load_timeline_finish (cache, result, &error);
  g_assert_no_error (error);
  return items;
}

static void
wait_for_cached (QtrCache   *cache,
                 const char *timeline,
                 guint       n_items)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GPtrArray) items = cached_items (cache, timeline);

      if (items->len == n_items)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("The cache holds %u items of %s, not %u", items->len, timeline, n_items);
      g_usleep (10000);
    }
}

static void
restore (QtrTimeline *timeline)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  qtr_timeline_restore_async (timeline, NULL, qtr_test_result_cb, &result);
  qtr_test_wait (&result);
  g_assert_true (qtr_timeline_restore_finish (timeline, result, &error));
  g_assert_no_error (error);
}

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_offline_start (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(QtrCache) cache = open_cache ("alice@127.0.0.1");
  g_autoptr(QtrTimeline) timeline = new_home (fixture, NULL, cache, 10);
  g_autoptr(QtrApiClient) offline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dead = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *newer = range (1044, 1035);
  g_autofree char *older = range (1029, 1020);

  qtr_timeline_set_save_delay (timeline, 20);
  post_many (fixture, 30);
  load_ok (timeline, qtr_timeline_load_newer_async);
  post_many (fixture, 15);
  load_ok (timeline, qtr_timeline_load_newer_async);  /* 1044…1035 gap 1029…1020 */
  wait_for_cached (cache, "home", 21);
  g_assert_finalize_object (g_steal_pointer (&timeline));

  /* Accounts are kept once, not in every post. */
  g_assert_cmpint (count_rows (qtr_cache_get_path (cache), "SELECT count(*) FROM accounts"),
                   ==, 3);
  g_assert_cmpint (count_rows (qtr_cache_get_path (cache),
                               "SELECT count(*) FROM items WHERE json LIKE '%username%'"), ==, 0);

  /* A server that cannot be reached: the cached timeline shows at once, and says offline. */
  dead = g_strdup_printf ("http://127.0.0.1:%u", qtr_test_pick_free_port ());
  offline = qtr_api_client_new (dead, "token-1", &error);
  g_assert_no_error (error);
  timeline = qtr_timeline_new (offline, NULL, cache, QTR_TIMELINE_HOME, NULL);
  restore (timeline);
  text = describe (timeline);
  expected = g_strdup_printf ("%s gap %s", newer, older);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (qtr_timeline_get_state (timeline), ==, QTR_TIMELINE_STATE_INITIAL);
  {
    g_autoptr(QtrTimelineItem) item = g_list_model_get_item (G_LIST_MODEL (timeline), 0);
    QtrAccount *account = qtr_status_get_account (qtr_timeline_item_get_status (item));

    g_assert_true (g_str_has_prefix (qtr_account_get_username (account), "user"));
  }

  g_assert_cmpint (run_load (timeline, qtr_timeline_load_newer_async, &error), ==, -1);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_NETWORK);
  g_assert_cmpint (qtr_timeline_get_state (timeline), ==, QTR_TIMELINE_STATE_OFFLINE);
  g_assert_error (qtr_timeline_get_error (timeline), QTR_API_ERROR, QTR_API_ERROR_NETWORK);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 21);
  g_assert_finalize_object (g_steal_pointer (&timeline));
  g_assert_finalize_object (g_steal_pointer (&offline));
}

static void
markers_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (g_str_equal (soup_server_message_get_method (message), "POST"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (message);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes));
      g_autoptr(GHashTable) form = soup_form_decode (text);

      g_hash_table_iter_init (&iter, form);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_str_has_suffix (key, "[last_read_id]"))
          g_hash_table_replace (fixture->markers,
                                g_strndup (key, strlen (key) - strlen ("[last_read_id]")),
                                g_strdup (value));
    }
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, fixture->markers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "last_read_id");
      json_builder_add_string_value (builder, value);
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, 1);
      json_builder_set_member_name (builder, "updated_at");
      json_builder_add_string_value (builder, "2026-11-27T05:00:00.000Z");
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  qtr_test_reply_json (message, SOUP_STATUS_OK, json);
}

static QtrServerInfo *
discover (QtrApiClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  QtrServerInfo *info;

  qtr_server_info_discover_async (client, NULL, qtr_test_result_cb, &result);
  qtr_test_wait (&result);
  info = qtr_server_info_discover_finish (result, &error);
  g_assert_no_error (error);
  return info;
}

static void
wait_for_requests (QtrTestServer *server,
                   const char    *request,
                   guint          n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (qtr_test_server_count (server, request) < n)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The server did not receive %s %u times", request, n);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
test_markers_server (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(QtrServerInfo) info = NULL;
  g_autoptr(QtrCache) cache = open_cache ("bob@127.0.0.1");
  g_autoptr(QtrTimeline) timeline = NULL;

  qtr_test_server_serve_flavour (fixture->server, "mastodon");
  qtr_test_server_add (fixture->server, "/api/v1/markers", markers_cb, fixture);
  g_hash_table_insert (fixture->markers, g_strdup ("home"), g_strdup ("1003"));
  info = discover (fixture->client);
  g_assert_true (qtr_server_info_has_feature (info, QTR_SERVER_FEATURE_MARKERS));

  /* The server's position wins over none kept here. */
  timeline = new_home (fixture, info, cache, 10);
  qtr_timeline_set_save_delay (timeline, 50);
  restore (timeline);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "GET /api/v1/markers"), ==, 1);
  g_assert_cmpstr (qtr_timeline_get_read_position (timeline), ==, "1003");

  /* Moves in quick succession are saved once, debounced. */
  qtr_timeline_set_read_position (timeline, "1004");
  qtr_timeline_set_read_position (timeline, "1005");
  qtr_timeline_set_read_position (timeline, "1006");
  wait_for_requests (fixture->server, "POST /api/v1/markers", 1);
  g_assert_cmpstr (g_hash_table_lookup (fixture->markers, "home"), ==, "1006");
  g_usleep (200000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "POST /api/v1/markers"), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&timeline));

  /* Another device moved on: the next start follows the server. */
  g_hash_table_replace (fixture->markers, g_strdup ("home"), g_strdup ("1010"));
  timeline = new_home (fixture, info, cache, 10);
  restore (timeline);
  g_assert_cmpstr (qtr_timeline_get_read_position (timeline), ==, "1010");
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static void
test_markers_local (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(QtrServerInfo) info = NULL;
  g_autoptr(QtrCache) cache = open_cache ("carol@127.0.0.1");
  g_autoptr(QtrTimeline) timeline = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  gint64 deadline;

  qtr_test_server_serve_flavour (fixture->server, "snac");
  qtr_test_server_add (fixture->server, "/api/v1/markers", markers_cb, fixture);
  info = discover (fixture->client);
  g_assert_false (qtr_server_info_has_feature (info, QTR_SERVER_FEATURE_MARKERS));

  timeline = new_home (fixture, info, cache, 10);
  qtr_timeline_set_save_delay (timeline, 20);
  restore (timeline);
  g_assert_null (qtr_timeline_get_read_position (timeline));
  qtr_timeline_set_read_position (timeline, "1007");

  /* Kept in the cache, never sent to a server without markers. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kept == NULL)
    {
      g_clear_object (&result);
      g_main_context_iteration (NULL, FALSE);
      qtr_cache_load_marker_async (cache, "home", NULL, qtr_test_result_cb, &result);
      qtr_test_wait (&result);
      kept = qtr_cache_load_marker_finish (cache, result, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_assert_cmpstr (kept, ==, "1007");
  g_assert_finalize_object (g_steal_pointer (&timeline));

  timeline = new_home (fixture, info, cache, 10);
  restore (timeline);
  g_assert_cmpstr (qtr_timeline_get_read_position (timeline), ==, "1007");
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "GET /api/v1/markers"), ==, 0);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "POST /api/v1/markers"), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static void
garbage_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  if (g_str_has_suffix (path, "/public"))
    {
      qtr_test_reply_json (message, SOUP_STATUS_OK, "<html><body>Welcome to nginx!</body></html>");
      return;
    }
  /* A page with one post that is not one (no account) among good ones. */
  qtr_test_reply_json (message, SOUP_STATUS_OK,
                       "[{\"id\":\"3\",\"created_at\":\"2026-11-27T05:00:00Z\","
                       "\"account\":{\"id\":\"1\",\"username\":\"a\",\"acct\":\"a\"}},"
                       "{\"id\":\"2\",\"created_at\":\"2026-11-27T05:00:00Z\"},"
                       "42,"
                       "{\"id\":\"1\",\"created_at\":\"2026-11-27T05:00:00Z\","
                       "\"account\":{\"id\":\"1\",\"username\":\"a\",\"acct\":\"a\"}}]");
}

static void
test_garbage (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(QtrTimeline) timeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  qtr_test_server_add (fixture->server, "/api/v1/timelines/public", garbage_cb, NULL);
  qtr_test_server_add (fixture->server, "/api/v1/timelines/tag", garbage_cb, NULL);

  timeline = qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_FEDERATED, NULL);
  g_assert_cmpint (run_load (timeline, qtr_timeline_load_newer_async, &error), ==, -1);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE);
  g_assert_cmpint (qtr_timeline_get_state (timeline), ==, QTR_TIMELINE_STATE_FAILED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 0);
  g_assert_false (qtr_timeline_get_loading (timeline));
  g_assert_finalize_object (g_steal_pointer (&timeline));

  timeline = qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_TAG, "cats");
  g_assert_cmpint (load_ok (timeline, qtr_timeline_load_newer_async), ==, 2);
  text = describe (timeline);
  g_assert_cmpstr (text, ==, "3 1");
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static void
never_answer_cb (SoupServer        *server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->paused, g_object_ref (message));
  soup_server_message_pause (message);
}

static gboolean
tick_cb (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

static void
test_slow (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(QtrTimeline) timeline = NULL;
  g_autoptr(GError) error = NULL;
  guint ticks = 0;
  guint source;
  gint64 start;

  qtr_test_server_add (fixture->server, "/api/v1/timelines/list", never_answer_cb, fixture);
  qtr_api_client_set_timeout (fixture->client, 1);
  timeline = qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_LIST, "12");

  /* The loop keeps running while the server takes its time; the request gives up. */
  source = g_timeout_add (20, tick_cb, &ticks);
  start = g_get_monotonic_time ();
  g_assert_cmpint (run_load (timeline, qtr_timeline_load_newer_async, &error), ==, -1);
  g_source_remove (source);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (ticks, >=, 10);
  g_assert_cmpint (qtr_timeline_get_state (timeline), ==, QTR_TIMELINE_STATE_OFFLINE);
  g_assert_cmpuint (fixture->paused->len, ==, 1);
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(QtrTimeline) timeline = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  qtr_test_server_add (fixture->server, "/api/v1/timelines/list", never_answer_cb, fixture);
  timeline = qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_LIST, "12");
  qtr_timeline_load_newer_async (timeline, cancellable, qtr_test_result_cb, &result);
  while (fixture->paused->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  qtr_test_wait (&result);
  g_assert_cmpint (qtr_timeline_load_finish (timeline, result, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (qtr_timeline_get_state (timeline), ==, QTR_TIMELINE_STATE_INITIAL);
  g_clear_object (&result);
  g_assert_finalize_object (g_steal_pointer (&timeline));
}

static void
test_notifications (Fixture       *fixture,
                    gconstpointer  data)
{
  QtrTestTimeline *served = qtr_test_timeline_new (fixture->server, "/api/v1/notifications");
  const char *types[] = { "mention", NULL };
  g_autoptr(QtrNotificationList) all = qtr_notification_list_new (fixture->client, NULL, NULL,
                                                                  NULL);
  g_autoptr(QtrNotificationList) mentions = qtr_notification_list_new (fixture->client, NULL,
                                                                       NULL, types);
  g_autoptr(QtrTimelineItem) item = NULL;
  g_autofree char *mention = qtr_test_timeline_notify (served, "mention", "hi @you");
  g_autofree char *favourite = qtr_test_timeline_notify (served, "favourite", "liked");
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  QtrNotification *notification;

  g_assert_cmpint (load_ok (QTR_TIMELINE (all), qtr_timeline_load_newer_async), ==, 2);
  text = describe (QTR_TIMELINE (all));
  expected = g_strdup_printf ("%s %s", favourite, mention);
  g_assert_cmpstr (text, ==, expected);
  item = g_list_model_get_item (G_LIST_MODEL (all), 1);
  g_assert_cmpint (qtr_timeline_item_get_kind (item), ==, QTR_TIMELINE_ITEM_NOTIFICATION);
  notification = qtr_timeline_item_get_notification (item);
  g_assert_cmpint (qtr_notification_get_kind (notification), ==, QTR_NOTIFICATION_MENTION);
  g_assert_cmpstr (qtr_timeline_get_key (QTR_TIMELINE (all)), ==, "notifications");

  /* A mentions list asks for mentions, and keeps only those whatever the server sends. */
  g_assert_cmpint (load_ok (QTR_TIMELINE (mentions), qtr_timeline_load_newer_async), ==, 1);
  g_assert_cmpstr (qtr_test_timeline_last_query (served), ==, "limit=40&types[]=mention");
  g_assert_cmpstr (qtr_timeline_get_key (QTR_TIMELINE (mentions)), ==,
                   "notifications:mention");

  /* Deleting the post a notification is about removes the notification. */
  g_assert_cmpuint (qtr_timeline_remove_status (QTR_TIMELINE (all),
                                                qtr_status_get_id (qtr_notification_get_status (notification))),
                    ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 1);
  g_clear_object (&item);
  g_assert_finalize_object (g_steal_pointer (&all));
  g_assert_finalize_object (g_steal_pointer (&mentions));
}

int
main (int   argc,
      char *argv[])
{
  qtr_client_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/client/timeline/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("paging", test_paging);
  ADD ("gap", test_gap);
  ADD ("dedupe", test_dedupe);
  ADD ("delete-edit", test_delete_edit);
  ADD ("bounded", test_bounded);
  ADD ("pending", test_pending);
  ADD ("offline-start", test_offline_start);
  ADD ("markers/server", test_markers_server);
  ADD ("markers/local", test_markers_local);
  ADD ("garbage", test_garbage);
  ADD ("slow", test_slow);
  ADD ("cancel", test_cancel);
  ADD ("notifications", test_notifications);
#undef ADD

  return g_test_run ();
}
