/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-streaming-client.h"

#include <string.h>

#include <libsoup/soup.h>

#include "qtr-json.h"
#include "qtr-notification-list.h"

/* QtrStreamingClient: keeps timelines live. Where the server has a streaming API (its
 * instance document names a WebSocket URL: QTR_SERVER_FEATURE_STREAMING), each stream the
 * timelines need (`user`, `user:notification`, `public`, `public:local`, `hashtag` with its tag,
 * `list` with its list) gets one WebSocket to `<streaming URL>/api/v1/streaming?stream=…`, the
 * form every Mastodon-API server with streaming accepts. The token travels in
 * Sec-WebSocket-Protocol, as Mastodon, GoToSocial and Akkoma document, so it is never part of a
 * URL that a proxy might log.
 *
 * Events go where they belong: `update` to the timelines of the stream it came on,
 * `notification` to the notification lists, `delete` and `status.update` to every timeline, and
 * `filters_changed` out as the "filters-changed" signal. New items are held by the timelines
 * while the user reads further down (QtrTimeline's pending items).
 *
 * A stream that fails or drops is reconnected after a wait that doubles per failure up to a
 * maximum (back to the shortest once a connection has stayed up a while), with jitter (a random wait between half and all of it, so that clients that lost the
 * same server do not all come back at once); once connected, its timelines check what they
 * missed. A server without streaming is polled instead (check_newer every poll interval). When
 * GNetworkMonitor says the network is back, waiting streams reconnect at once and the timelines
 * are refreshed. */

/* Events larger than this are dropped by libsoup: a status with a long text and a poll is
 * far below. */
#define MAX_EVENT_SIZE (1024 * 1024)
#define KEEPALIVE_SECONDS 30
/* A connection that lived this long was a good one: the next failure waits the shortest time
 * again. One that the server closes sooner keeps backing off (a server that accepts and drops
 * at once must not be hammered). */
#define STABLE_SECONDS 10

typedef struct {
  QtrStreamingClient      *self;  /* unowned */
  char                    *name;
  char                    *param_name;   /* nullable */
  char                    *param_value;  /* nullable */
  GPtrArray               *timelines;    /* QtrTimeline */
  SoupWebsocketConnection *connection;   /* nullable */
  GCancellable            *cancellable;  /* of the connection attempt */
  gint64                   connected_at;  /* monotonic µs */
  guint                    retry_source;
  guint                    attempt;
} Stream;

struct _QtrStreamingClient
{
  GObject            parent_instance;

  QtrApiClient      *client;
  QtrServerInfo     *server_info;  /* nullable */
  SoupSession       *session;
  GHashTable        *streams;      /* key → Stream */
  GPtrArray         *timelines;    /* every QtrTimeline added */
  GNetworkMonitor   *monitor;
  gulong             monitor_handler;
  gboolean           started;
  gboolean           streaming_broken;  /* its streaming URL is not one */
  QtrStreamingState  state;
  guint              initial_backoff;
  guint              max_backoff;
  guint              retry_delay;
  guint              poll_interval;
  guint              poll_source;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_RETRY_DELAY,
  N_PROPS
};

enum {
  FILTERS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_ENUM_TYPE (QtrStreamingState, qtr_streaming_state,
                    G_DEFINE_ENUM_VALUE (QTR_STREAMING_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (QTR_STREAMING_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (QTR_STREAMING_STATE_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (QTR_STREAMING_STATE_POLLING, "polling"))

G_DEFINE_FINAL_TYPE (QtrStreamingClient, qtr_streaming_client, G_TYPE_OBJECT)

static void connect_stream (Stream *stream);
static void start_polling  (QtrStreamingClient *self);

static gboolean
has_streaming (QtrStreamingClient *self)
{
  return self->server_info != NULL && !self->streaming_broken &&
         qtr_server_info_has_feature (self->server_info, QTR_SERVER_FEATURE_STREAMING) &&
         qtr_server_info_get_streaming_url (self->server_info) != NULL;
}

static void
set_state (QtrStreamingClient *self,
           QtrStreamingState   state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
update_state (QtrStreamingClient *self)
{
  GHashTableIter iter;
  gpointer value;
  gboolean all_connected = TRUE;

  if (!self->started)
    {
      set_state (self, QTR_STREAMING_STATE_STOPPED);
      return;
    }
  if (!has_streaming (self))
    {
      set_state (self, QTR_STREAMING_STATE_POLLING);
      return;
    }
  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    all_connected &= ((Stream *) value)->connection != NULL;
  set_state (self, all_connected ? QTR_STREAMING_STATE_CONNECTED
                                 : QTR_STREAMING_STATE_CONNECTING);
}

static char *
stream_key (const char *name,
            const char *param_name,
            const char *param_value)
{
  if (param_name == NULL)
    return g_strdup (name);
  return g_strdup_printf ("%s&%s=%s", name, param_name, param_value);
}

static void
disconnect_stream (Stream *stream)
{
  g_clear_handle_id (&stream->retry_source, g_source_remove);
  if (stream->cancellable != NULL)
    g_cancellable_cancel (stream->cancellable);
  g_clear_object (&stream->cancellable);
  if (stream->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (stream->connection, stream);
      if (soup_websocket_connection_get_state (stream->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (stream->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                         NULL);
      g_clear_object (&stream->connection);
    }
}

static void
stream_free (Stream *stream)
{
  disconnect_stream (stream);
  g_ptr_array_unref (stream->timelines);
  g_free (stream->name);
  g_free (stream->param_name);
  g_free (stream->param_value);
  g_free (stream);
}

static void
timeline_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (qtr_timeline_load_finish (QTR_TIMELINE (source), result, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    g_debug ("Could not check %s for new posts: %s",
             qtr_timeline_get_key (QTR_TIMELINE (source)), error->message);
}

/* What was missed while away: only for a timeline that was loaded (the page loads the rest). */
static void
check_timeline (QtrTimeline *timeline)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (timeline)) == 0)
    return;
  qtr_timeline_check_newer_async (timeline, NULL, timeline_checked_cb, NULL);
}

static void
schedule_reconnect (Stream *stream);

static gboolean
reconnect_cb (gpointer user_data)
{
  Stream *stream = user_data;

  stream->retry_source = 0;
  connect_stream (stream);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (Stream *stream)
{
  QtrStreamingClient *self = stream->self;
  guint64 delay = self->initial_backoff;

  for (guint i = 0; i < stream->attempt && delay < self->max_backoff; i++)
    delay *= 2;
  delay = MIN (delay, self->max_backoff);
  /* "Equal jitter": between half and all of the wait. */
  delay = delay / 2 + g_random_int_range (0, (gint32) (delay / 2 + 1));
  stream->attempt++;
  self->retry_delay = delay;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_DELAY]);
  g_clear_handle_id (&stream->retry_source, g_source_remove);
  stream->retry_source = g_timeout_add (delay, reconnect_cb, stream);
  g_debug ("Stream %s reconnects in %" G_GUINT64_FORMAT " ms", stream->name, delay);
  update_state (self);
}

static void
dispatch_event (Stream     *stream,
                const char *event,
                const char *payload)
{
  QtrStreamingClient *self = stream->self;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (event, "filters_changed") == 0)
    {
      g_signal_emit (self, signals[FILTERS_CHANGED], 0);
      return;
    }
  if (payload == NULL)
    return;
  if (g_strcmp0 (event, "delete") == 0)
    {
      for (guint i = 0; i < self->timelines->len; i++)
        qtr_timeline_remove_status (self->timelines->pdata[i], payload);
      return;
    }
  if (g_strcmp0 (event, "update") != 0 && g_strcmp0 (event, "notification") != 0 &&
      g_strcmp0 (event, "status.update") != 0)
    {
      g_debug ("Ignoring a %s event of stream %s", event, stream->name);
      return;
    }
  object = qtr_json_parse_object (payload, strlen (payload), &error);
  if (object == NULL)
    {
      g_debug ("Ignoring a %s event of stream %s: %s", event, stream->name, error->message);
      return;
    }
  if (g_str_equal (event, "update"))
    {
      for (guint i = 0; i < stream->timelines->len; i++)
        if (!QTR_IS_NOTIFICATION_LIST (stream->timelines->pdata[i]))
          qtr_timeline_add_entity (stream->timelines->pdata[i], object);
    }
  else if (g_str_equal (event, "notification"))
    {
      for (guint i = 0; i < self->timelines->len; i++)
        if (QTR_IS_NOTIFICATION_LIST (self->timelines->pdata[i]))
          qtr_timeline_add_entity (self->timelines->pdata[i], object);
    }
  else
    {
      for (guint i = 0; i < self->timelines->len; i++)
        qtr_timeline_update_status (self->timelines->pdata[i], object);
    }
}

static void
connection_message_cb (SoupWebsocketConnection *connection,
                       gint                     type,
                       GBytes                  *message,
                       gpointer                 user_data)
{
  Stream *stream = user_data;
  g_autoptr(JsonObject) envelope = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  envelope = qtr_json_parse_object (data, length, &error);
  if (envelope == NULL)
    {
      g_debug ("Ignoring a message of stream %s that is not an event: %s", stream->name,
               error->message);
      return;
    }
  dispatch_event (stream, qtr_json_get_string (envelope, "event"),
                  qtr_json_get_string (envelope, "payload"));
}

static void
connection_closed_cb (SoupWebsocketConnection *connection,
                      gpointer                 user_data)
{
  Stream *stream = user_data;

  g_debug ("Stream %s closed (%u)", stream->name,
           soup_websocket_connection_get_close_code (connection));
  g_signal_handlers_disconnect_by_data (connection, stream);
  g_clear_object (&stream->connection);
  if (g_get_monotonic_time () - stream->connected_at >= STABLE_SECONDS * G_USEC_PER_SEC)
    stream->attempt = 0;
  schedule_reconnect (stream);
}

static void
websocket_connected_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Stream *stream = user_data;
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* stopped or removed: @stream may be gone */
  g_clear_object (&stream->cancellable);
  if (connection == NULL)
    {
      g_debug ("Could not connect stream %s: %s", stream->name, error->message);
      schedule_reconnect (stream);
      return;
    }
  stream->connected_at = g_get_monotonic_time ();
  stream->connection = g_steal_pointer (&connection);
  soup_websocket_connection_set_max_incoming_payload_size (stream->connection, MAX_EVENT_SIZE);
  soup_websocket_connection_set_keepalive_interval (stream->connection, KEEPALIVE_SECONDS);
  g_signal_connect (stream->connection, "message", G_CALLBACK (connection_message_cb), stream);
  g_signal_connect (stream->connection, "closed", G_CALLBACK (connection_closed_cb), stream);
  update_state (stream->self);
  for (guint i = 0; i < stream->timelines->len; i++)
    check_timeline (stream->timelines->pdata[i]);
}

static gboolean
is_protocol_token (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;
  return *text != '\0';
}

static void
connect_stream (Stream *stream)
{
  QtrStreamingClient *self = stream->self;
  const char *base = qtr_server_info_get_streaming_url (self->server_info);
  const char *token = qtr_api_client_get_token (self->client);
  g_autoptr(GString) url = g_string_new (base);
  g_autoptr(SoupMessage) message = NULL;
  char *protocols[] = { (char *) token, NULL };
  gboolean token_as_protocol = token != NULL && is_protocol_token (token);
  char *escaped;

  while (url->len > 0 && url->str[url->len - 1] == '/')
    g_string_truncate (url, url->len - 1);
  if (!g_str_has_suffix (url->str, "/api/v1/streaming"))
    g_string_append (url, "/api/v1/streaming");
  escaped = g_uri_escape_string (stream->name, NULL, FALSE);
  g_string_append_printf (url, "?stream=%s", escaped);
  g_free (escaped);
  if (stream->param_name != NULL)
    {
      escaped = g_uri_escape_string (stream->param_value, NULL, FALSE);
      g_string_append_printf (url, "&%s=%s", stream->param_name, escaped);
      g_free (escaped);
    }
  if (token != NULL && !token_as_protocol)
    {
      escaped = g_uri_escape_string (token, NULL, FALSE);
      g_string_append_printf (url, "&access_token=%s", escaped);
      g_free (escaped);
    }

  message = soup_message_new ("GET", url->str);
  if (message == NULL)
    {
      g_warning ("The server's streaming URL %s is not valid; polling instead", base);
      self->streaming_broken = TRUE;
      start_polling (self);
      update_state (self);
      return;
    }
  g_clear_object (&stream->cancellable);
  stream->cancellable = g_cancellable_new ();
  update_state (self);
  soup_session_websocket_connect_async (self->session, message, NULL,
                                        token_as_protocol ? protocols : NULL,
                                        G_PRIORITY_DEFAULT, stream->cancellable,
                                        websocket_connected_cb, stream);
}

static gboolean
poll_cb (gpointer user_data)
{
  QtrStreamingClient *self = user_data;

  for (guint i = 0; i < self->timelines->len; i++)
    check_timeline (self->timelines->pdata[i]);
  return G_SOURCE_CONTINUE;
}

static void
start_polling (QtrStreamingClient *self)
{
  if (self->poll_source == 0)
    self->poll_source = g_timeout_add (self->poll_interval, poll_cb, self);
}

static Stream *
stream_for (QtrStreamingClient *self,
            QtrTimeline        *timeline,
            gboolean            create)
{
  const char *param_name, *param_value;
  const char *name = qtr_timeline_get_stream (timeline, &param_name, &param_value);
  g_autofree char *key = NULL;
  Stream *stream;

  if (name == NULL)
    return NULL;
  key = stream_key (name, param_name, param_value);
  stream = g_hash_table_lookup (self->streams, key);
  if (stream != NULL || !create)
    return stream;
  stream = g_new0 (Stream, 1);
  stream->self = self;
  stream->name = g_strdup (name);
  stream->param_name = g_strdup (param_name);
  stream->param_value = g_strdup (param_value);
  stream->timelines = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_insert (self->streams, g_steal_pointer (&key), stream);
  return stream;
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  QtrStreamingClient *self = user_data;
  GHashTableIter iter;
  gpointer value;

  if (!available || !self->started)
    return;
  g_debug ("The network is back: reconnecting and refreshing");
  if (has_streaming (self))
    {
      g_hash_table_iter_init (&iter, self->streams);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Stream *stream = value;

          if (stream->connection != NULL || stream->cancellable != NULL)
            continue;
          g_clear_handle_id (&stream->retry_source, g_source_remove);
          stream->attempt = 0;
          connect_stream (stream);
        }
    }
  for (guint i = 0; i < self->timelines->len; i++)
    check_timeline (self->timelines->pdata[i]);
}

static void
qtr_streaming_client_dispose (GObject *object)
{
  QtrStreamingClient *self = QTR_STREAMING_CLIENT (object);

  qtr_streaming_client_stop (self);
  g_clear_signal_handler (&self->monitor_handler, self->monitor);
  g_clear_object (&self->monitor);
  g_hash_table_remove_all (self->streams);
  g_ptr_array_set_size (self->timelines, 0);
  G_OBJECT_CLASS (qtr_streaming_client_parent_class)->dispose (object);
}

static void
qtr_streaming_client_finalize (GObject *object)
{
  QtrStreamingClient *self = QTR_STREAMING_CLIENT (object);

  g_hash_table_unref (self->streams);
  g_ptr_array_unref (self->timelines);
  g_clear_object (&self->session);
  g_clear_object (&self->client);
  g_clear_object (&self->server_info);
  G_OBJECT_CLASS (qtr_streaming_client_parent_class)->finalize (object);
}

static void
qtr_streaming_client_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  QtrStreamingClient *self = QTR_STREAMING_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_RETRY_DELAY:
      g_value_set_uint (value, self->retry_delay);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_streaming_client_class_init (QtrStreamingClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_streaming_client_dispose;
  object_class->finalize = qtr_streaming_client_finalize;
  object_class->get_property = qtr_streaming_client_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, QTR_TYPE_STREAMING_STATE,
                       QTR_STREAMING_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * QtrStreamingClient:retry-delay:
   *
   * The wait before the last reconnection attempt that was scheduled, in ms.
   */
  properties[PROP_RETRY_DELAY] =
    g_param_spec_uint ("retry-delay", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QtrStreamingClient::filters-changed:
   *
   * The user's filters changed on the server: fetch them again.
   */
  signals[FILTERS_CHANGED] =
    g_signal_new ("filters-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
qtr_streaming_client_init (QtrStreamingClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Quitter/%s (+%s)", PACKAGE_VERSION,
                                                 APP_WEBSITE);

  self->session = soup_session_new_with_options ("user-agent", user_agent, NULL);
  self->streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) stream_free);
  self->timelines = g_ptr_array_new_with_free_func (g_object_unref);
  self->initial_backoff = QTR_STREAMING_DEFAULT_INITIAL_BACKOFF;
  self->max_backoff = QTR_STREAMING_DEFAULT_MAX_BACKOFF;
  self->poll_interval = QTR_STREAMING_DEFAULT_POLL_INTERVAL;
}

/**
 * qtr_streaming_client_new:
 * @client: the account's API client (its token authenticates the streams)
 * @server_info: (nullable): what the server can do; without streaming, timelines are polled
 *
 * Returns: (transfer full): a stopped streaming client watching the default network monitor
 */
QtrStreamingClient *
qtr_streaming_client_new (QtrApiClient  *client,
                          QtrServerInfo *server_info)
{
  QtrStreamingClient *self;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);

  self = g_object_new (QTR_TYPE_STREAMING_CLIENT, NULL);
  self->client = g_object_ref (client);
  self->server_info = server_info != NULL ? g_object_ref (server_info) : NULL;
  qtr_streaming_client_set_network_monitor (self, g_network_monitor_get_default ());
  return self;
}

/**
 * qtr_streaming_client_add_timeline:
 *
 * Keeps @timeline live from now on: its stream is connected (if running), or it is polled.
 */
void
qtr_streaming_client_add_timeline (QtrStreamingClient *self,
                                   QtrTimeline        *timeline)
{
  Stream *stream;

  g_return_if_fail (QTR_IS_STREAMING_CLIENT (self));
  g_return_if_fail (QTR_IS_TIMELINE (timeline));

  if (g_ptr_array_find (self->timelines, timeline, NULL))
    return;
  g_ptr_array_add (self->timelines, g_object_ref (timeline));
  stream = stream_for (self, timeline, TRUE);
  if (stream == NULL)
    return;
  g_ptr_array_add (stream->timelines, g_object_ref (timeline));
  if (self->started && has_streaming (self) && stream->connection == NULL &&
      stream->cancellable == NULL && stream->retry_source == 0)
    connect_stream (stream);
}

/**
 * qtr_streaming_client_remove_timeline:
 *
 * Stops keeping @timeline live; a stream no timeline needs any more is closed.
 */
void
qtr_streaming_client_remove_timeline (QtrStreamingClient *self,
                                      QtrTimeline        *timeline)
{
  Stream *stream;

  g_return_if_fail (QTR_IS_STREAMING_CLIENT (self));
  g_return_if_fail (QTR_IS_TIMELINE (timeline));

  stream = stream_for (self, timeline, FALSE);
  if (stream != NULL)
    {
      g_ptr_array_remove (stream->timelines, timeline);
      if (stream->timelines->len == 0)
        {
          const char *param_name, *param_value;
          const char *name = qtr_timeline_get_stream (timeline, &param_name, &param_value);
          g_autofree char *key = stream_key (name, param_name, param_value);

          g_hash_table_remove (self->streams, key);
        }
    }
  g_ptr_array_remove (self->timelines, timeline);
  update_state (self);
}

/**
 * qtr_streaming_client_start:
 *
 * Connects the streams, or starts polling where the server has no streaming.
 */
void
qtr_streaming_client_start (QtrStreamingClient *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (QTR_IS_STREAMING_CLIENT (self));

  if (self->started)
    return;
  self->started = TRUE;
  if (!has_streaming (self))
    {
      start_polling (self);
      update_state (self);
      return;
    }
  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    connect_stream (value);
  update_state (self);
}

/**
 * qtr_streaming_client_stop:
 *
 * Closes the streams and stops polling.
 */
void
qtr_streaming_client_stop (QtrStreamingClient *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (QTR_IS_STREAMING_CLIENT (self));

  self->started = FALSE;
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Stream *stream = value;

      disconnect_stream (stream);
      stream->attempt = 0;
    }
  update_state (self);
}

QtrStreamingState
qtr_streaming_client_get_state (QtrStreamingClient *self)
{
  g_return_val_if_fail (QTR_IS_STREAMING_CLIENT (self), QTR_STREAMING_STATE_STOPPED);

  return self->state;
}

/**
 * qtr_streaming_client_get_retry_delay:
 *
 * Returns: the wait before the last reconnection attempt that was scheduled, in ms
 */
guint
qtr_streaming_client_get_retry_delay (QtrStreamingClient *self)
{
  g_return_val_if_fail (QTR_IS_STREAMING_CLIENT (self), 0);

  return self->retry_delay;
}

/**
 * qtr_streaming_client_set_backoff:
 * @initial_ms: the wait after the first failure
 * @max_ms: the longest wait
 */
void
qtr_streaming_client_set_backoff (QtrStreamingClient *self,
                                  guint               initial_ms,
                                  guint               max_ms)
{
  g_return_if_fail (QTR_IS_STREAMING_CLIENT (self));
  g_return_if_fail (initial_ms > 0 && initial_ms <= max_ms);
  g_return_if_fail (max_ms <= G_MAXINT32);

  self->initial_backoff = initial_ms;
  self->max_backoff = max_ms;
}

/**
 * qtr_streaming_client_set_poll_interval:
 * @milliseconds: how often timelines are checked where the server has no streaming
 */
void
qtr_streaming_client_set_poll_interval (QtrStreamingClient *self,
                                        guint               milliseconds)
{
  g_return_if_fail (QTR_IS_STREAMING_CLIENT (self));
  g_return_if_fail (milliseconds > 0);

  self->poll_interval = milliseconds;
  if (self->poll_source != 0)
    {
      g_clear_handle_id (&self->poll_source, g_source_remove);
      start_polling (self);
    }
}

/**
 * qtr_streaming_client_set_network_monitor:
 * @monitor: (nullable): the monitor to follow; %NULL for none
 */
void
qtr_streaming_client_set_network_monitor (QtrStreamingClient *self,
                                          GNetworkMonitor    *monitor)
{
  g_return_if_fail (QTR_IS_STREAMING_CLIENT (self));
  g_return_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor));

  g_clear_signal_handler (&self->monitor_handler, self->monitor);
  g_set_object (&self->monitor, monitor);
  if (monitor != NULL)
    self->monitor_handler = g_signal_connect (monitor, "network-changed",
                                              G_CALLBACK (network_changed_cb), self);
}
