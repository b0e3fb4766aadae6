/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-client-test.h"
#include "qtr-feeds.h"
#include "qtr-grouped-notifications.h"
#include "qtr-hashtag.h"
#include "qtr-json.h"
#include "qtr-notification-list.h"
#include "qtr-search.h"
#include "qtr-test-util.h"

/* QtrGroupedNotifications over a notification list that pages from a loopback server the way
 * Mastodon does (favourites and boosts of one post grouped across pages, adjacent follows
 * grouped, mentions alone, only the changed groups replaced); QtrSearch against servers with
 * and without v2 search; QtrFeeds with and without the endpoints. */

/* Notifications */

typedef struct {
  guint position;
  guint removed;
  guint added;
} Change;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *changes)
{
  Change change = { position, removed, added };

  g_array_append_val (changes, change);
}

static JsonObject *
make_account (const char *id,
              const char *name)
{
  JsonObject *account = json_object_new ();

  json_object_set_string_member (account, "id", id);
  json_object_set_string_member (account, "username", name);
  json_object_set_string_member (account, "acct", name);
  json_object_set_string_member (account, "display_name", name);
  return account;
}

/* A notification of @type by @name (account @account_id); about the post @status when given. */
static void
notify (QtrTestTimeline *timeline,
        const char      *type,
        const char      *account_id,
        const char      *name,
        JsonObject      *status)
{
  g_autofree char *id = qtr_test_timeline_notify (timeline, type, "unused");
  JsonObject *notification = qtr_test_timeline_get (timeline, id);

  json_object_set_object_member (notification, "account", make_account (account_id, name));
  if (status != NULL)
    json_object_set_object_member (notification, "status", json_object_ref (status));
  else
    json_object_remove_member (notification, "status");
}

static gssize
load (QtrTimeline *timeline,
      gboolean     older)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gssize n;

  if (older)
    qtr_timeline_load_older_async (timeline, NULL, qtr_test_result_cb, &result);
  else
    qtr_timeline_load_newer_async (timeline, NULL, qtr_test_result_cb, &result);
  n = qtr_timeline_load_finish (timeline, qtr_test_wait (&result), &error);
  g_assert_no_error (error);
  return n;
}

static QtrNotificationGroup *
group_at (GListModel *model,
          guint       position)
{
  g_autoptr(QtrNotificationGroup) group = g_list_model_get_item (model, position);

  g_assert_nonnull (group);
  return group;  /* the model keeps it */
}

static const char *
account_at (QtrNotificationGroup *group,
            guint                 index)
{
  GPtrArray *accounts = qtr_notification_group_get_accounts (group);

  g_assert_cmpuint (index, <, accounts->len);
  return qtr_account_get_name (accounts->pdata[index]);
}

static void
test_grouping_paging (void)
{
  g_autoptr(QtrTestServer) server = qtr_test_server_new ();
  QtrTestTimeline *remote = qtr_test_timeline_new (server, "/api/v1/notifications");
  g_autoptr(JsonObject) post = qtr_test_status_new ("500", "My post about bread");
  g_autoptr(JsonObject) other = qtr_test_status_new ("501", "Another post");
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(QtrNotificationList) list = NULL;
  g_autoptr(QtrGroupedNotifications) groups = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GError) error = NULL;
  GListModel *model;
  QtrNotificationGroup *first, *kept;
  guint position;

  /* Oldest first: as they happened. */
  notify (remote, "favourite", "1", "Ann", post);
  notify (remote, "follow", "2", "Xavier", NULL);
  notify (remote, "follow", "3", "Yolanda", NULL);
  notify (remote, "mention", "4", "Mia", other);
  notify (remote, "mention", "5", "Max", other);
  notify (remote, "favourite", "6", "Bob", post);
  notify (remote, "reblog", "7", "Carl", post);
  notify (remote, "favourite", "8", "Dora", post);
  notify (remote, "favourite", "9", "Eve", other);

  client = qtr_api_client_new (server->base, "token", &error);
  g_assert_no_error (error);
  list = qtr_notification_list_new (client, NULL, NULL, NULL);
  qtr_timeline_set_page_size (QTR_TIMELINE (list), 4);
  groups = qtr_grouped_notifications_new (G_LIST_MODEL (list));
  model = G_LIST_MODEL (groups);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_true (g_list_model_get_item_type (model) == QTR_TYPE_NOTIFICATION_GROUP);
  g_signal_connect (groups, "items-changed", G_CALLBACK (items_changed_cb), changes);

  /* The newest page: Eve's favourite of the other post, Dora's favourite and Bob's of the post
   * (one group), Carl's boost (a group of its own: boosts are not favourites). */
  g_assert_cmpint (load (QTR_TIMELINE (list), FALSE), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpint (qtr_notification_group_get_kind (group_at (model, 0)), ==,
                   QTR_NOTIFICATION_FAVOURITE);
  g_assert_cmpuint (qtr_notification_group_get_n_members (group_at (model, 0)), ==, 1);
  g_assert_cmpstr (account_at (group_at (model, 0), 0), ==, "Eve");
  first = group_at (model, 1);
  g_assert_cmpuint (qtr_notification_group_get_n_members (first), ==, 2);
  g_assert_cmpstr (account_at (first, 0), ==, "Dora");
  g_assert_cmpstr (account_at (first, 1), ==, "Bob");
  g_assert_cmpstr (qtr_status_get_id (qtr_notification_group_get_status (first)), ==, "500");
  g_assert_cmpint (qtr_notification_group_get_kind (group_at (model, 2)), ==,
                   QTR_NOTIFICATION_REBLOG);
  g_assert_cmpstr (account_at (group_at (model, 2), 0), ==, "Carl");
  g_assert_true (qtr_notification_group_get_lead (first) ==
                 qtr_notification_group_get_member (first, 0));

  /* The older page: two mentions (each alone), the two follows (one group, adjacent). The
   * groups above stay the same objects; the new ones are added at the end, in one change. */
  g_array_set_size (changes, 0);
  kept = g_object_ref (first);
  g_assert_cmpint (load (QTR_TIMELINE (list), TRUE), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_true (group_at (model, 1) == kept);
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 3);
  g_assert_cmpuint (g_array_index (changes, Change, 0).removed, ==, 0);
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, ==, 3);
  g_assert_cmpint (qtr_notification_group_get_kind (group_at (model, 3)), ==,
                   QTR_NOTIFICATION_MENTION);
  g_assert_cmpstr (account_at (group_at (model, 3), 0), ==, "Max");
  g_assert_cmpstr (account_at (group_at (model, 4), 0), ==, "Mia");
  g_assert_cmpint (qtr_notification_group_get_kind (group_at (model, 5)), ==,
                   QTR_NOTIFICATION_FOLLOW);
  g_assert_cmpuint (qtr_notification_group_get_n_members (group_at (model, 5)), ==, 2);
  g_assert_cmpstr (account_at (group_at (model, 5), 0), ==, "Yolanda");
  g_assert_cmpstr (account_at (group_at (model, 5), 1), ==, "Xavier");

  /* The oldest page: Ann's favourite joins the post's group, two pages up. Only that group is
   * replaced. */
  g_array_set_size (changes, 0);
  g_assert_cmpint (load (QTR_TIMELINE (list), TRUE), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).removed, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, ==, 1);
  first = group_at (model, 1);
  g_assert_true (first != kept);
  g_assert_cmpuint (qtr_notification_group_get_n_members (first), ==, 3);
  g_assert_cmpstr (account_at (first, 2), ==, "Ann");
  g_object_unref (kept);
  g_assert_true (qtr_grouped_notifications_find (groups,
                                                 qtr_notification_group_get_member (first, 2),
                                                 &position) == first);
  g_assert_cmpuint (position, ==, 1);

  /* A new follow streams in at the top: alone (the other follows are not next to it). */
  {
    g_autoptr(JsonObject) follow = json_object_new ();

    json_object_set_string_member (follow, "id", "5000");
    json_object_set_string_member (follow, "type", "follow");
    json_object_set_string_member (follow, "created_at", "2026-11-27T06:00:00.000Z");
    json_object_set_object_member (follow, "account", make_account ("10", "Zed"));
    qtr_timeline_set_at_top (QTR_TIMELINE (list), TRUE);
    g_assert_true (qtr_timeline_add_entity (QTR_TIMELINE (list), follow));
  }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 7);
  g_assert_cmpint (qtr_notification_group_get_kind (group_at (model, 0)), ==,
                   QTR_NOTIFICATION_FOLLOW);
  g_assert_cmpuint (qtr_notification_group_get_n_members (group_at (model, 0)), ==, 1);

  g_clear_object (&groups);
  g_assert_finalize_object (g_steal_pointer (&list));
}

/* Search */

static void
search_v2_missing_cb (SoupServer        *server,
                      SoupServerMessage *message,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  qtr_test_reply_json (message, 404, "{\"error\":\"Record not found\"}");
}

/* Mastodon 2.x's v1 search: hashtags as plain names. */
static void
search_v1_cb (SoupServer        *server,
              SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  const char *q = g_hash_table_lookup (query, "q");
  g_autofree char *json = NULL;

  g_assert_cmpstr (g_hash_table_lookup (query, "resolve"), ==, "true");
  json = g_strdup_printf ("{\"accounts\":[{\"id\":\"3\",\"username\":\"bread\","
                          "\"acct\":\"bread@example.org\",\"display_name\":\"Bread Baker\"},"
                          "{\"broken\":true}],"
                          "\"statuses\":[],\"hashtags\":[\"%s\",\"#sourdough\",\"\"]}", q);
  qtr_test_reply_json (message, 200, json);
}

static void
wait_search (QtrSearch *search)
{
  while (qtr_search_get_state (search) == QTR_SEARCH_STATE_RUNNING)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_search_v1_fallback (void)
{
  g_autoptr(QtrTestServer) server = qtr_test_server_new ();
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(QtrSearch) search = NULL;
  g_autoptr(QtrAccount) account = NULL;
  g_autoptr(QtrHashtag) hashtag = NULL;
  g_autoptr(GError) error = NULL;

  qtr_test_server_add (server, "/api/v2/search", search_v2_missing_cb, NULL);
  qtr_test_server_add (server, "/api/v1/search", search_v1_cb, NULL);
  client = qtr_api_client_new (server->base, "token", &error);
  g_assert_no_error (error);
  search = qtr_search_new (client, NULL);
  g_assert_cmpint (qtr_search_get_state (search), ==, QTR_SEARCH_STATE_EMPTY);

  qtr_search_run (search, "  bread  ", TRUE);
  g_assert_cmpint (qtr_search_get_state (search), ==, QTR_SEARCH_STATE_RUNNING);
  g_assert_cmpstr (qtr_search_get_text (search), ==, "bread");
  wait_search (search);
  g_assert_cmpint (qtr_search_get_state (search), ==, QTR_SEARCH_STATE_DONE);
  g_assert_true (qtr_search_get_used_v1 (search));
  g_assert_cmpuint (qtr_test_server_count (server, "GET /api/v2/search"), ==, 1);
  g_assert_cmpuint (qtr_test_server_count (server, "GET /api/v1/search"), ==, 1);
  /* The broken account and the empty hashtag are left out, not the rest. */
  g_assert_cmpuint (g_list_model_get_n_items (qtr_search_get_accounts (search)), ==, 1);
  account = g_list_model_get_item (qtr_search_get_accounts (search), 0);
  g_assert_cmpstr (qtr_account_get_acct (account), ==, "bread@example.org");
  g_assert_cmpuint (g_list_model_get_n_items (qtr_search_get_hashtags (search)), ==, 2);
  hashtag = g_list_model_get_item (qtr_search_get_hashtags (search), 1);
  g_assert_cmpstr (qtr_hashtag_get_name (hashtag), ==, "sourdough");
  g_assert_cmpuint (qtr_search_get_n_results (search), ==, 3);

  /* Cleared: nothing shows, nothing is asked. */
  qtr_search_run (search, "   ", FALSE);
  g_assert_cmpint (qtr_search_get_state (search), ==, QTR_SEARCH_STATE_EMPTY);
  g_assert_cmpuint (qtr_search_get_n_results (search), ==, 0);
  g_assert_cmpuint (qtr_test_server_count (server, "GET /api/v1/search"), ==, 1);
}

static void
search_failing_cb (SoupServer        *server,
                   SoupServerMessage *message,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  qtr_test_reply_json (message, 503, "{\"error\":\"Search is down\"}");
}

static void
test_search_failure (void)
{
  g_autoptr(QtrTestServer) server = qtr_test_server_new ();
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(QtrSearch) search = NULL;
  g_autoptr(GError) error = NULL;

  qtr_test_server_add (server, "/api/v2/search", search_failing_cb, NULL);
  client = qtr_api_client_new (server->base, "token", &error);
  g_assert_no_error (error);
  search = qtr_search_new (client, NULL);
  qtr_search_run (search, "bread", FALSE);
  wait_search (search);
  g_assert_cmpint (qtr_search_get_state (search), ==, QTR_SEARCH_STATE_FAILED);
  g_assert_nonnull (qtr_search_get_error (search));
  g_assert_nonnull (strstr (qtr_search_get_error (search)->message, "Search is down"));
  /* A 503 is not a missing v2: v1 is not asked. */
  g_assert_cmpuint (qtr_test_server_count (server, "GET /api/v1/search"), ==, 0);
}

static void
test_search_wants_resolve (void)
{
  g_assert_true (qtr_search_wants_resolve ("@alice@example.org"));
  g_assert_true (qtr_search_wants_resolve ("alice@127.0.0.1:8080 "));
  g_assert_true (qtr_search_wants_resolve ("https://example.org/@alice/1234"));
  g_assert_false (qtr_search_wants_resolve ("alice"));
  g_assert_false (qtr_search_wants_resolve ("@alice"));
  g_assert_false (qtr_search_wants_resolve ("@alice@"));
  g_assert_false (qtr_search_wants_resolve ("bread and butter"));
  g_assert_false (qtr_search_wants_resolve ("a@b c"));
  g_assert_false (qtr_search_wants_resolve ("https://"));
}

/* Lists and followed hashtags */

static GPtrArray *
load_feeds (QtrApiClient    *client,
            QtrTimelineKind  kind,
            GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_feeds_load_async (client, kind, NULL, qtr_test_result_cb, &result);
  return qtr_feeds_load_finish (qtr_test_wait (&result), error);
}

static void
lists_cb (SoupServer        *server,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  qtr_test_reply_json (message, 200, "[{\"id\":\"12\",\"title\":\"Bakers\"},{\"title\":\"x\"},"
                                     "{\"id\":\"13\",\"title\":\"Friends\"}]");
}

static void
test_feeds (void)
{
  g_autoptr(QtrTestServer) server = qtr_test_server_new ();
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GError) error = NULL;
  QtrFeed *feed;

  qtr_test_server_add (server, "/api/v1/lists", lists_cb, NULL);
  client = qtr_api_client_new (server->base, "token", &error);
  g_assert_no_error (error);

  lists = load_feeds (client, QTR_TIMELINE_LIST, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lists->len, ==, 2);
  feed = lists->pdata[1];
  g_assert_cmpint (feed->kind, ==, QTR_TIMELINE_LIST);
  g_assert_cmpstr (feed->argument, ==, "13");
  g_assert_cmpstr (feed->title, ==, "Friends");

  /* This server has no followed hashtags (404): none, and no error. */
  tags = load_feeds (client, QTR_TIMELINE_TAG, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tags->len, ==, 0);
  g_assert_cmpuint (qtr_test_server_count (server, "GET /api/v1/followed_tags"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  qtr_client_test_init (&argc, &argv);

  g_test_add_func ("/client/notifications/grouping/paging", test_grouping_paging);
  g_test_add_func ("/client/search/v1-fallback", test_search_v1_fallback);
  g_test_add_func ("/client/search/failure", test_search_failure);
  g_test_add_func ("/client/search/wants-resolve", test_search_wants_resolve);
  g_test_add_func ("/client/feeds", test_feeds);
  return g_test_run ();
}
