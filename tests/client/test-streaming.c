/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-client-test.h"
#include "qtr-json.h"
#include "qtr-notification-list.h"
#include "qtr-streaming-client.h"
#include "qtr-test-util.h"
#include "qtr-timeline.h"

/* QtrStreamingClient against a real WebSocket SoupServer on loopback: events reach the right
 * timelines, a dropped stream comes back (and its timelines catch up), failures back off with
 * jitter, a server without streaming is polled, and the network coming back reconnects. */

#define WAIT_UNTIL(condition) \
  G_STMT_START { \
    gint64 wait_deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; \
    while (!(condition)) \
      { \
        if (g_get_monotonic_time () > wait_deadline) \
          g_error ("Timed out waiting for %s", #condition); \
        g_main_context_iteration (NULL, FALSE); \
        g_usleep (1000); \
      } \
  } G_STMT_END

typedef struct {
  QtrTestServer   *server;
  QtrTestTimeline *home;
  QtrApiClient    *client;
  GPtrArray       *connections;  /* SoupWebsocketConnection, as the server accepted them */
  GPtrArray       *queries;      /* the query of each */
  GPtrArray       *protocols;    /* the Sec-WebSocket-Protocol of each */
  GArray          *delays;       /* guint, each retry-delay the client announced */
  guint            filters_changed;
} Fixture;

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *message,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);

  g_ptr_array_add (fixture->connections, g_object_ref (connection));
  g_ptr_array_add (fixture->queries,
                   g_strdup (g_uri_get_query (soup_server_message_get_uri (message))));
  g_ptr_array_add (fixture->protocols,
                   g_strdup (soup_message_headers_get_one (headers, "Sec-WebSocket-Protocol")));
}

static void
serve_streaming (Fixture *fixture)
{
  soup_server_add_websocket_handler (fixture->server->server, "/api/v1/streaming", NULL, NULL,
                                     websocket_cb, fixture, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = qtr_test_server_new ();
  fixture->home = qtr_test_timeline_new (fixture->server, "/api/v1/timelines/home");
  fixture->client = qtr_api_client_new (fixture->server->base, "token-1", &error);
  g_assert_no_error (error);
  fixture->connections = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->queries = g_ptr_array_new_with_free_func (g_free);
  fixture->protocols = g_ptr_array_new_with_free_func (g_free);
  fixture->delays = g_array_new (FALSE, FALSE, sizeof (guint));
  serve_streaming (fixture);
  for (guint i = 0; i < 5; i++)
    g_free (qtr_test_timeline_post (fixture->home, "before"));  /* 1000…1004 */
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < fixture->connections->len; i++)
    if (soup_websocket_connection_get_state (fixture->connections->pdata[i]) ==
        SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (fixture->connections->pdata[i],
                                       SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_ptr_array_unref (fixture->connections);
  g_ptr_array_unref (fixture->queries);
  g_ptr_array_unref (fixture->protocols);
  g_array_unref (fixture->delays);
  g_assert_finalize_object (fixture->client);
  qtr_test_server_free (fixture->server);
}

/* Mastodon's instance document, with its streaming URL on the loopback server. */
static QtrServerInfo *
streaming_server_info (Fixture *fixture)
{
  g_autoptr(GBytes) bytes = qtr_test_load_data ("client/mastodon", "instance-v2.json");
  g_autoptr(JsonObject) instance = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat ("ws", fixture->server->base + strlen ("http"), NULL);
  JsonObject *urls;
  QtrServerInfo *info;

  instance = qtr_json_parse_object (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                    &error);
  g_assert_no_error (error);
  urls = qtr_json_get_object (qtr_json_get_object (instance, "configuration"), "urls");
  json_object_set_string_member (urls, "streaming", url);
  info = qtr_server_info_new_from_instance (instance, TRUE, fixture->server->base, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_server_info_has_feature (info, QTR_SERVER_FEATURE_STREAMING));
  return info;
}

static QtrTimeline *
loaded_home (Fixture *fixture)
{
  QtrTimeline *timeline = qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_HOME, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  qtr_timeline_load_newer_async (timeline, NULL, qtr_test_result_cb, &result);
  qtr_test_wait (&result);
  g_assert_cmpint (qtr_timeline_load_finish (timeline, result, &error), ==, 5);
  g_assert_no_error (error);
  return timeline;
}

static void
send_event (SoupWebsocketConnection *connection,
            const char              *event,
            JsonObject              *payload,
            const char              *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  g_autofree char *payload_text = NULL;

  if (payload != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), payload);

      payload_text = json_to_string (node, FALSE);
      text = payload_text;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stream");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "user");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);
  if (text != NULL)
    {
      json_builder_set_member_name (builder, "payload");
      json_builder_add_string_value (builder, text);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  message = json_to_string (root, FALSE);
  soup_websocket_connection_send_text (connection, message);
}

static SoupWebsocketConnection *
connection_for (Fixture    *fixture,
                const char *query)
{
  for (guint i = fixture->connections->len; i > 0; i--)
    if (g_strcmp0 (fixture->queries->pdata[i - 1], query) == 0)
      return fixture->connections->pdata[i - 1];
  g_error ("No stream was connected with ?%s", query);
}

static void
filters_changed_cb (QtrStreamingClient *streaming,
                    gpointer            user_data)
{
  Fixture *fixture = user_data;

  fixture->filters_changed++;
}

static void
retry_delay_notified_cb (GObject    *object,
                         GParamSpec *pspec,
                         gpointer    user_data)
{
  Fixture *fixture = user_data;
  guint delay = qtr_streaming_client_get_retry_delay (QTR_STREAMING_CLIENT (object));

  g_array_append_val (fixture->delays, delay);
}

static const char *
content_of (QtrTimeline *timeline,
            const char  *id)
{
  QtrTimelineItem *item = qtr_timeline_find (timeline, id, NULL);

  g_assert_nonnull (item);
  return qtr_status_get_content (qtr_timeline_item_get_status (item));
}

static void
test_events (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(QtrServerInfo) info = streaming_server_info (fixture);
  g_autoptr(QtrStreamingClient) streaming = qtr_streaming_client_new (fixture->client, info);
  g_autoptr(QtrTimeline) home = loaded_home (fixture);
  g_autoptr(QtrNotificationList) notifications = qtr_notification_list_new (fixture->client,
                                                                            info, NULL, NULL);
  g_autoptr(QtrTimeline) bookmarks = qtr_timeline_new (fixture->client, NULL, NULL,
                                                       QTR_TIMELINE_BOOKMARKS, NULL);
  g_autoptr(JsonObject) status = qtr_test_status_new ("2000", "streamed");
  g_autoptr(JsonObject) later = qtr_test_status_new ("2001", "later");
  g_autoptr(JsonObject) edit = qtr_test_status_new ("1003", "edited");
  g_autoptr(JsonObject) notification = json_object_new ();
  SoupWebsocketConnection *user, *user_notification;

  g_signal_connect (streaming, "filters-changed", G_CALLBACK (filters_changed_cb), fixture);
  qtr_streaming_client_add_timeline (streaming, home);
  qtr_streaming_client_add_timeline (streaming, QTR_TIMELINE (notifications));
  qtr_streaming_client_add_timeline (streaming, bookmarks);  /* it has no stream */
  g_assert_cmpint (qtr_streaming_client_get_state (streaming), ==, QTR_STREAMING_STATE_STOPPED);
  qtr_streaming_client_start (streaming);
  WAIT_UNTIL (qtr_streaming_client_get_state (streaming) == QTR_STREAMING_STATE_CONNECTED);
  g_assert_cmpuint (fixture->connections->len, ==, 2);
  user = connection_for (fixture, "stream=user");
  user_notification = connection_for (fixture, "stream=user%3Anotification");
  /* The token goes in the protocol header, not in the URL. */
  g_assert_cmpstr (fixture->protocols->pdata[0], ==, "token-1");
  g_assert_cmpstr (fixture->protocols->pdata[1], ==, "token-1");

  /* A new post is held while the user reads further down. */
  send_event (user, "update", status, NULL);
  WAIT_UNTIL (qtr_timeline_get_n_pending (home) == 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (home)), ==, 5);

  /* Edits and deletions apply in place. */
  send_event (user, "status.update", edit, NULL);
  WAIT_UNTIL (g_strcmp0 (content_of (home, "1003"), "<p>edited</p>") == 0);
  send_event (user, "delete", NULL, "1001");
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (home)) == 4);
  g_assert_null (qtr_timeline_find (home, "1001", NULL));

  /* Notifications go to the notification list, from either stream, once. */
  json_object_set_string_member (notification, "id", "77");
  json_object_set_string_member (notification, "type", "follow");
  json_object_set_string_member (notification, "created_at", "2026-11-27T05:00:00Z");
  json_object_set_member (notification, "account",
                          json_node_copy (json_object_get_member (status, "account")));
  send_event (user, "notification", notification, NULL);
  WAIT_UNTIL (g_list_model_get_n_items (G_LIST_MODEL (notifications)) == 1);
  send_event (user_notification, "notification", notification, NULL);
  send_event (user_notification, "filters_changed", NULL, NULL);
  WAIT_UNTIL (fixture->filters_changed == 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (notifications)), ==, 1);
  g_assert_cmpuint (qtr_timeline_get_n_pending (home), ==, 1);

  /* Garbage does no harm; the stream goes on. */
  soup_websocket_connection_send_text (user, "this is not an event");
  send_event (user, "update", NULL, "{\"id\": ");
  send_event (user, "announcement", NULL, "{}");
  send_event (user, "update", later, NULL);
  WAIT_UNTIL (qtr_timeline_get_n_pending (home) == 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (bookmarks)), ==, 0);

  qtr_streaming_client_stop (streaming);
  g_assert_cmpint (qtr_streaming_client_get_state (streaming), ==, QTR_STREAMING_STATE_STOPPED);
  WAIT_UNTIL (soup_websocket_connection_get_state (user) == SOUP_WEBSOCKET_STATE_CLOSED);
  WAIT_UNTIL (!qtr_timeline_get_loading (home));
  g_assert_finalize_object (g_steal_pointer (&streaming));
}

static void
test_reconnect (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(QtrServerInfo) info = streaming_server_info (fixture);
  g_autoptr(QtrStreamingClient) streaming = qtr_streaming_client_new (fixture->client, info);
  g_autoptr(QtrTimeline) home = loaded_home (fixture);
  guint checks;

  qtr_streaming_client_set_backoff (streaming, 50, 400);
  g_signal_connect (streaming, "notify::retry-delay", G_CALLBACK (retry_delay_notified_cb),
                    fixture);
  qtr_streaming_client_add_timeline (streaming, home);
  qtr_streaming_client_start (streaming);
  WAIT_UNTIL (qtr_streaming_client_get_state (streaming) == QTR_STREAMING_STATE_CONNECTED);
  checks = qtr_test_server_count (fixture->server, "GET /api/v1/timelines/home");

  /* Posts the stream does not carry (it drops), then the server closes it. */
  g_free (qtr_test_timeline_post (fixture->home, "missed"));
  g_free (qtr_test_timeline_post (fixture->home, "missed"));
  soup_websocket_connection_close (fixture->connections->pdata[0],
                                   SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  WAIT_UNTIL (fixture->delays->len == 1);
  g_assert_cmpuint (g_array_index (fixture->delays, guint, 0), >=, 25);
  g_assert_cmpuint (g_array_index (fixture->delays, guint, 0), <=, 50);

  /* It comes back by itself, and the timeline catches up on what it missed (held). */
  WAIT_UNTIL (fixture->connections->len == 2);
  WAIT_UNTIL (qtr_streaming_client_get_state (streaming) == QTR_STREAMING_STATE_CONNECTED);
  WAIT_UNTIL (qtr_timeline_get_n_pending (home) == 2);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "GET /api/v1/timelines/home"), >,
                    checks);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (home)), ==, 5);

  /* Dropped again at once: a flapping server is not hammered, the wait grows. */
  soup_websocket_connection_close (fixture->connections->pdata[1],
                                   SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  WAIT_UNTIL (fixture->delays->len == 2);
  g_assert_cmpuint (g_array_index (fixture->delays, guint, 1), >=, 50);
  g_assert_cmpuint (g_array_index (fixture->delays, guint, 1), <=, 100);
  WAIT_UNTIL (fixture->connections->len == 3);
  qtr_streaming_client_stop (streaming);
  WAIT_UNTIL (!qtr_timeline_get_loading (home));
  g_assert_finalize_object (g_steal_pointer (&streaming));
}

static void
test_backoff (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(QtrServerInfo) info = streaming_server_info (fixture);
  g_autoptr(QtrStreamingClient) streaming = qtr_streaming_client_new (fixture->client, info);
  g_autoptr(QtrTimeline) home = loaded_home (fixture);
  guint distinct = 0;

  /* The server has no stream to give (404): each wait doubles, up to the maximum. */
  soup_server_remove_handler (fixture->server->server, "/api/v1/streaming");
  qtr_streaming_client_set_backoff (streaming, 40, 320);
  g_signal_connect (streaming, "notify::retry-delay", G_CALLBACK (retry_delay_notified_cb),
                    fixture);
  qtr_streaming_client_add_timeline (streaming, home);
  qtr_streaming_client_start (streaming);
  WAIT_UNTIL (fixture->delays->len == 6);
  for (guint i = 0; i < fixture->delays->len; i++)
    {
      guint full = MIN (40u << i, 320u);
      guint delay = g_array_index (fixture->delays, guint, i);

      g_assert_cmpuint (delay, >=, full / 2);
      g_assert_cmpuint (delay, <=, full);
      if (i > 0 && delay != g_array_index (fixture->delays, guint, i - 1))
        distinct++;
    }
  g_assert_cmpuint (distinct, >, 0);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "GET /api/v1/streaming"), >=, 6);
  g_assert_cmpint (qtr_streaming_client_get_state (streaming), ==,
                   QTR_STREAMING_STATE_CONNECTING);
  g_assert_cmpuint (fixture->connections->len, ==, 0);
  qtr_streaming_client_stop (streaming);
  WAIT_UNTIL (!qtr_timeline_get_loading (home));
  g_assert_finalize_object (g_steal_pointer (&streaming));
}

static void
test_polling (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(QtrServerInfo) info = NULL;
  g_autoptr(QtrStreamingClient) streaming = NULL;
  g_autoptr(QtrTimeline) home = loaded_home (fixture);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* snac: no streaming URL in its instance document. */
  qtr_test_server_serve_flavour (fixture->server, "snac");
  qtr_server_info_discover_async (fixture->client, NULL, qtr_test_result_cb, &result);
  qtr_test_wait (&result);
  info = qtr_server_info_discover_finish (result, &error);
  g_assert_no_error (error);
  g_assert_false (qtr_server_info_has_feature (info, QTR_SERVER_FEATURE_STREAMING));

  streaming = qtr_streaming_client_new (fixture->client, info);
  qtr_streaming_client_set_poll_interval (streaming, 100);
  qtr_streaming_client_add_timeline (streaming, home);
  qtr_streaming_client_start (streaming);
  g_assert_cmpint (qtr_streaming_client_get_state (streaming), ==, QTR_STREAMING_STATE_POLLING);

  g_free (qtr_test_timeline_post (fixture->home, "polled"));
  g_free (qtr_test_timeline_post (fixture->home, "polled"));
  WAIT_UNTIL (qtr_timeline_get_n_pending (home) == 2);
  g_assert_cmpstr (qtr_test_timeline_last_query (fixture->home), ==, "limit=40&since_id=1004");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (home)), ==, 5);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "GET /api/v1/streaming"), ==, 0);

  qtr_streaming_client_stop (streaming);
  WAIT_UNTIL (!qtr_timeline_get_loading (home));
  g_assert_finalize_object (g_steal_pointer (&streaming));
}

/* A network monitor the test switches: GIO's own follow the machine's network. */
typedef struct {
  GObject  parent_instance;
  gboolean available;
} TestMonitor;

typedef GObjectClass TestMonitorClass;

enum {
  MONITOR_PROP_0,
  MONITOR_PROP_AVAILABLE,
  MONITOR_PROP_METERED,
  MONITOR_PROP_CONNECTIVITY,
};

static gboolean
test_monitor_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return TRUE;
}

static void
test_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_monitor_initable_init;
}

static void
test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
}

static GType test_monitor_get_type (void);

G_DEFINE_TYPE_WITH_CODE (TestMonitor, test_monitor, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                test_monitor_initable_iface_init)
                         G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR,
                                                test_monitor_iface_init))

static void
test_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TestMonitor *self = (TestMonitor *) object;

  switch (prop_id)
    {
    case MONITOR_PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case MONITOR_PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case MONITOR_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL
                                               : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_monitor_class_init (TestMonitorClass *klass)
{
  klass->get_property = test_monitor_get_property;
  g_object_class_override_property (klass, MONITOR_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (klass, MONITOR_PROP_METERED, "network-metered");
  g_object_class_override_property (klass, MONITOR_PROP_CONNECTIVITY, "connectivity");
}

static void
test_monitor_init (TestMonitor *self)
{
}

static void
test_network_back (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(QtrServerInfo) info = streaming_server_info (fixture);
  g_autoptr(QtrStreamingClient) streaming = qtr_streaming_client_new (fixture->client, info);
  g_autoptr(QtrTimeline) home = loaded_home (fixture);
  g_autoptr(GObject) monitor = g_object_new (test_monitor_get_type (), NULL);
  guint checks;

  qtr_streaming_client_set_network_monitor (streaming, G_NETWORK_MONITOR (monitor));
  qtr_streaming_client_set_backoff (streaming, 60000, 60000);
  g_signal_connect (streaming, "notify::retry-delay", G_CALLBACK (retry_delay_notified_cb),
                    fixture);
  soup_server_remove_handler (fixture->server->server, "/api/v1/streaming");
  qtr_streaming_client_add_timeline (streaming, home);
  qtr_streaming_client_start (streaming);

  /* Offline: the next attempt is half a minute away at least. */
  WAIT_UNTIL (fixture->delays->len == 1);
  g_assert_cmpuint (g_array_index (fixture->delays, guint, 0), >=, 30000);
  serve_streaming (fixture);
  checks = qtr_test_server_count (fixture->server, "GET /api/v1/timelines/home");

  /* The network is back: it reconnects now and refreshes. */
  ((TestMonitor *) monitor)->available = TRUE;
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  WAIT_UNTIL (fixture->connections->len == 1);
  WAIT_UNTIL (qtr_streaming_client_get_state (streaming) == QTR_STREAMING_STATE_CONNECTED);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "GET /api/v1/timelines/home"), >,
                    checks);
  qtr_streaming_client_stop (streaming);
  WAIT_UNTIL (!qtr_timeline_get_loading (home));
  g_assert_finalize_object (g_steal_pointer (&streaming));
}

int
main (int   argc,
      char *argv[])
{
  qtr_client_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/client/streaming/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("events", test_events);
  ADD ("reconnect", test_reconnect);
  ADD ("backoff", test_backoff);
  ADD ("polling", test_polling);
  ADD ("network-back", test_network_back);
#undef ADD

  return g_test_run ();
}
