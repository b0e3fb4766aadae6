/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-streaming.h"

#include "qtr-json.h"
#include "qtr-node-api.h"
#include "qtr-node-store-client.h"
#include "qtr-source.h"

#include <string.h>

/* Mastodon's streaming API. A client connects to /api/v1/streaming with a WebSocket and
 * subscribes to streams (`stream` in the query, then `{"type":"subscribe","stream":…}`
 * messages), or reads one stream as server-sent events from /api/v1/streaming/STREAM. The
 * node announces what it stores (QtrNode::status-added and the others, after the
 * transaction); here each connection gets the events its streams ask for, under the
 * timelines' rules: the user stream is the home timeline (the owner and the accounts the
 * owner follows, any visibility) with the notifications; the public and hashtag streams
 * carry public posts only, no reblogs. The owner's filters apply as on the timelines (home
 * for the user and list streams, public for the others, notifications for notifications):
 * what a filter hides is not sent, what it warns about carries its `filtered` matches; when
 * the filters change, the user stream hears `filters_changed`.
 *
 * A client that reads too slowly is disconnected instead of growing the node's memory: each
 * connection holds at most QTR_STREAMING_MAX_QUEUED events that the network has not taken.
 * A connection whose token is revoked ends at its next event or heartbeat. */

#define TOO_SLOW "The client does not read its events"
#define REVOKED "The access token was revoked"
#define BAD_REQUEST 400
#define NOT_FOUND 404
#define UNAUTHORIZED 401
#define FORBIDDEN 403

typedef enum {
  STREAM_USER,
  STREAM_USER_NOTIFICATION,
  STREAM_PUBLIC,
  STREAM_PUBLIC_LOCAL,
  STREAM_PUBLIC_REMOTE,
  STREAM_PUBLIC_MEDIA,
  STREAM_PUBLIC_LOCAL_MEDIA,
  STREAM_PUBLIC_REMOTE_MEDIA,
  STREAM_HASHTAG,
  STREAM_HASHTAG_LOCAL,
  STREAM_LIST,
} StreamKind;

/* The streams, by Mastodon's names, with the scope each needs (the public ones need a
 * valid token, but no scope, as on Mastodon). */
static const struct {
  const char *name;
  StreamKind  kind;
  const char *scope;
  gboolean    needs_user;
} stream_kinds[] = {
  { "user", STREAM_USER, "read:statuses", TRUE },
  { "user:notification", STREAM_USER_NOTIFICATION, "read:notifications", TRUE },
  { "public", STREAM_PUBLIC, NULL, FALSE },
  { "public:local", STREAM_PUBLIC_LOCAL, NULL, FALSE },
  { "public:remote", STREAM_PUBLIC_REMOTE, NULL, FALSE },
  { "public:media", STREAM_PUBLIC_MEDIA, NULL, FALSE },
  { "public:local:media", STREAM_PUBLIC_LOCAL_MEDIA, NULL, FALSE },
  { "public:remote:media", STREAM_PUBLIC_REMOTE_MEDIA, NULL, FALSE },
  { "hashtag", STREAM_HASHTAG, NULL, FALSE },
  { "hashtag:local", STREAM_HASHTAG_LOCAL, NULL, FALSE },
  { "list", STREAM_LIST, "read:lists", TRUE },
};

/* The server-sent event paths (/api/v1/streaming/PATH) and their streams, without and with
 * `only_media=true`. */
static const struct {
  const char *path;
  const char *stream;
  const char *media_stream;
} event_paths[] = {
  { "user", "user", NULL },
  { "user/notification", "user:notification", NULL },
  { "public", "public", "public:media" },
  { "public/local", "public:local", "public:local:media" },
  { "public/remote", "public:remote", "public:remote:media" },
  { "hashtag", "hashtag", NULL },
  { "hashtag/local", "hashtag:local", NULL },
  { "list", "list", NULL },
};

typedef struct {
  guint  index;   /* in stream_kinds */
  char  *tag;     /* a hashtag stream's tag, in lower case; a list stream's list id */
} Subscription;

struct _QtrStreaming
{
  QtrNode   *node;
  GPtrArray *connections;   /* Connection */
};

typedef struct {
  QtrStreaming            *streaming;
  char                    *token_hash;      /* the token's, checked again before events */
  QtrOAuthScopes           granted;
  gboolean                 has_user;
  GPtrArray               *subscriptions;   /* Subscription */
  GSource                 *heartbeat_source;

  /* A WebSocket: events wait in @queue until the socket takes more. */
  SoupWebsocketConnection *websocket;
  GQueue                   queue;           /* char *, the frames' text */
  GSource                  *writable_source;

  /* Server-sent events: chunks of @msg's body written by no one yet. */
  SoupServerMessage       *msg;
  guint                    unwritten;
} Connection;

/* Whose eyes a post is serialised for: the owner's, under the filters of a timeline, or
 * anyone's. */
typedef enum {
  VIEW_OWNER_HOME,
  VIEW_OWNER_PUBLIC,
  VIEW_ANYONE,
  N_VIEWS
} StatusView;

/* What the node knows about a post, worked out once for all connections. */
typedef struct {
  QtrStreaming *streaming;
  QtrStatus    *status;
  int           home;     /* -1: not known yet */
  GStrv         tags;     /* lower case, NULL until needed */
  char         *payloads[N_VIEWS];   /* NULL when hidden by a filter, or not serialisable */
  gboolean      built[N_VIEWS];
} StatusEvent;

static void
subscription_free (gpointer data)
{
  Subscription *subscription = data;

  g_free (subscription->tag);
  g_free (subscription);
}

/* Stream names and tags of one subscription, as events name it: ["hashtag","cats"]. */
static void
add_stream_array (JsonBuilder        *builder,
                  const Subscription *subscription)
{
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, stream_kinds[subscription->index].name);
  if (subscription->tag != NULL)
    json_builder_add_string_value (builder, subscription->tag);
  json_builder_end_array (builder);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static void connection_close (Connection *connection,
                              const char *reason);

/* Whether the connection's token is still valid: a revoked one ends the connection. */
static gboolean
connection_is_authorized (Connection *connection)
{
  g_autoptr(QtrOAuthToken) token = NULL;
  g_autoptr(GError) error = NULL;

  token = qtr_node_store_find_token (qtr_node_get_store (connection->streaming->node),
                                     connection->token_hash, &error);
  if (error != NULL)
    {
      g_debug ("Cannot check a streaming token again: %s", error->message);
      return TRUE;
    }
  return token != NULL;
}

static gboolean
connection_output_is_writable (Connection *connection)
{
  GIOStream *stream = soup_websocket_connection_get_io_stream (connection->websocket);
  GOutputStream *output = g_io_stream_get_output_stream (stream);

  if (!G_IS_POLLABLE_OUTPUT_STREAM (output) ||
      !g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (output)))
    return TRUE;
  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (output));
}

static void flush_websocket (Connection *connection);

static gboolean
websocket_writable_cb (GObject  *stream,
                       gpointer  user_data)
{
  Connection *connection = user_data;

  g_clear_pointer (&connection->writable_source, g_source_unref);
  flush_websocket (connection);
  return G_SOURCE_REMOVE;
}

/* Hands waiting frames to libsoup while the socket takes them, so that libsoup holds at most
 * the part of one frame the socket would not take; the rest waits in our bounded queue. */
static void
flush_websocket (Connection *connection)
{
  GOutputStream *output;

  while (!g_queue_is_empty (&connection->queue) && connection_output_is_writable (connection))
    {
      g_autofree char *text = g_queue_pop_head (&connection->queue);

      soup_websocket_connection_send_text (connection->websocket, text);
    }
  if (g_queue_is_empty (&connection->queue) || connection->writable_source != NULL)
    return;

  output = g_io_stream_get_output_stream (
    soup_websocket_connection_get_io_stream (connection->websocket));
  connection->writable_source =
    g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (output), NULL);
  g_source_set_callback (connection->writable_source, G_SOURCE_FUNC (websocket_writable_cb),
                         connection, NULL);
  g_source_attach (connection->writable_source, g_main_context_get_thread_default ());
}

/* Sends one text to the client, or closes a connection whose client does not keep up. */
static void
connection_send (Connection *connection,
                 const char *text)
{
  if (connection->websocket != NULL)
    {
      if (soup_websocket_connection_get_state (connection->websocket) != SOUP_WEBSOCKET_STATE_OPEN)
        return;
      if (g_queue_get_length (&connection->queue) >= QTR_STREAMING_MAX_QUEUED)
        {
          g_debug ("A streaming client reads too slowly; disconnecting it");
          connection_close (connection, TOO_SLOW);
          return;
        }
      g_queue_push_tail (&connection->queue, g_strdup (text));
      flush_websocket (connection);
      return;
    }

  if (connection->unwritten >= QTR_STREAMING_MAX_QUEUED)
    {
      g_debug ("A streaming client reads too slowly; disconnecting it");
      connection_close (connection, TOO_SLOW);
      return;
    }
  connection->unwritten++;
  soup_message_body_append (soup_server_message_get_response_body (connection->msg),
                            SOUP_MEMORY_COPY, text, strlen (text));
  soup_server_message_unpause (connection->msg);
}

/* One event for one subscription: a WebSocket frame, or a server-sent event. */
static void
send_event (Connection         *connection,
            const Subscription *subscription,
            const char         *event,
            const char         *payload)
{
  g_autofree char *text = NULL;

  if (!connection_is_authorized (connection))
    {
      connection_close (connection, REVOKED);
      return;
    }
  if (connection->websocket != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "stream");
      add_stream_array (builder, subscription);
      qtr_json_builder_add_string (builder, "event", event);
      if (payload != NULL)
        qtr_json_builder_add_string (builder, "payload", payload);
      json_builder_end_object (builder);
      text = builder_to_string (builder);
    }
  else
    /* An event without a payload still needs its data line: JSON's null, which clients
     * parse (Mastodon writes JavaScript's `undefined`, which JSON parsers refuse). */
    text = g_strdup_printf ("event: %s\ndata: %s\n\n", event, payload ? payload : "null");
  connection_send (connection, text);
}

static void
send_error (Connection *connection,
            guint       status,
            const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "error", message);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_end_object (builder);
  text = builder_to_string (builder);
  connection_send (connection, text);
}

static void
connection_free (Connection *connection)
{
  qtr_source_clear (&connection->writable_source);
  qtr_source_clear (&connection->heartbeat_source);
  g_queue_clear_full (&connection->queue, g_free);
  g_clear_pointer (&connection->subscriptions, g_ptr_array_unref);
  g_free (connection->token_hash);
  if (connection->websocket != NULL)
    g_signal_handlers_disconnect_by_data (connection->websocket, connection);
  g_clear_object (&connection->websocket);
  if (connection->msg != NULL)
    g_signal_handlers_disconnect_by_data (connection->msg, connection);
  g_clear_object (&connection->msg);
  g_free (connection);
}

/* Ends a connection and forgets it; @reason goes in a WebSocket's close frame. */
static void
connection_close (Connection *connection,
                  const char *reason)
{
  QtrStreaming *streaming = connection->streaming;

  if (connection->websocket != NULL &&
      soup_websocket_connection_get_state (connection->websocket) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_signal_handlers_disconnect_by_data (connection->websocket, connection);
      soup_websocket_connection_close (connection->websocket,
                                       SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, reason);
    }
  if (connection->msg != NULL)
    {
      GSocket *socket = soup_server_message_get_socket (connection->msg);

      g_signal_handlers_disconnect_by_data (connection->msg, connection);
      /* The response cannot end cleanly behind what the client does not read. */
      if (socket != NULL)
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
      soup_message_body_complete (soup_server_message_get_response_body (connection->msg));
      soup_server_message_unpause (connection->msg);
    }
  g_ptr_array_remove (streaming->connections, connection);
}

/* Finds a stream by name and checks that @connection may read it; answers why not. */
static gboolean
parse_subscription (Connection    *connection,
                    const char    *name,
                    const char    *tag,
                    const char    *list,
                    Subscription **subscription,
                    guint         *status,
                    const char   **message)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (stream_kinds); i++)
    {
      if (!g_str_equal (name, stream_kinds[i].name))
        continue;
      if (stream_kinds[i].scope != NULL &&
          !qtr_oauth_scopes_allow (connection->granted, stream_kinds[i].scope))
        {
          *status = FORBIDDEN;
          *message = "Access token does not have the required scopes";
          return FALSE;
        }
      if (stream_kinds[i].needs_user && !connection->has_user)
        {
          *status = UNAUTHORIZED;
          *message = "Access token does not act for a user";
          return FALSE;
        }
      if ((stream_kinds[i].kind == STREAM_HASHTAG || stream_kinds[i].kind == STREAM_HASHTAG_LOCAL) &&
          (tag == NULL || *tag == '\0' || !g_utf8_validate (tag, -1, NULL) || strlen (tag) > 200))
        {
          *status = BAD_REQUEST;
          *message = "No tag for stream provided";
          return FALSE;
        }
      if (stream_kinds[i].kind == STREAM_LIST)
        {
          g_autoptr(QtrList) found = NULL;
          guint64 id = 0;

          if (list != NULL && g_ascii_string_to_unsigned (list, 10, 1, G_MAXINT64, &id, NULL))
            found = qtr_node_store_find_list (qtr_node_get_store (connection->streaming->node),
                                              (gint64) id, NULL);
          if (found == NULL)
            {
              *status = NOT_FOUND;
              *message = "No such list";
              return FALSE;
            }
          *subscription = g_new0 (Subscription, 1);
          (*subscription)->index = i;
          (*subscription)->tag = g_strdup_printf ("%" G_GINT64_FORMAT, found->id);
          return TRUE;
        }
      *subscription = g_new0 (Subscription, 1);
      (*subscription)->index = i;
      if (stream_kinds[i].kind == STREAM_HASHTAG || stream_kinds[i].kind == STREAM_HASHTAG_LOCAL)
        (*subscription)->tag = g_utf8_strdown (*tag == '#' ? tag + 1 : tag, -1);
      return TRUE;
    }
  *status = BAD_REQUEST;
  *message = "Unknown stream type";
  return FALSE;
}

static gboolean
same_subscription (const Subscription *a,
                   const Subscription *b)
{
  return a->index == b->index && g_strcmp0 (a->tag, b->tag) == 0;
}

static void
subscribe (Connection   *connection,
           Subscription *subscription)
{
  for (guint i = 0; i < connection->subscriptions->len; i++)
    {
      if (same_subscription (g_ptr_array_index (connection->subscriptions, i), subscription))
        {
          subscription_free (subscription);
          return;
        }
    }
  g_ptr_array_add (connection->subscriptions, subscription);
}

static void
unsubscribe (Connection         *connection,
             const Subscription *subscription)
{
  for (guint i = connection->subscriptions->len; i > 0; i--)
    {
      if (same_subscription (g_ptr_array_index (connection->subscriptions, i - 1), subscription))
        g_ptr_array_remove_index (connection->subscriptions, i - 1);
    }
}

/* What the client says over its WebSocket: subscribe and unsubscribe, as on Mastodon. */
static void
websocket_message_cb (SoupWebsocketConnection *websocket,
                      gint                     type,
                      GBytes                  *message,
                      gpointer                 user_data)
{
  Connection *connection = user_data;
  g_autoptr(JsonObject) json = NULL;
  Subscription *subscription = NULL;
  const char *kind, *stream, *tag, *list, *error = NULL;
  g_autofree char *list_text = NULL;
  gint64 list_number = 0;
  guint status = BAD_REQUEST;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  if (type == SOUP_WEBSOCKET_DATA_TEXT)
    json = qtr_json_parse_object (data, length, NULL);
  if (json == NULL)
    {
      send_error (connection, BAD_REQUEST, "Invalid JSON");
      return;
    }
  kind = qtr_json_get_string (json, "type");
  stream = qtr_json_get_string (json, "stream");
  tag = qtr_json_get_string (json, "tag");
  list = qtr_json_get_string (json, "list");
  /* Some clients send the list's id as a number. */
  list_number = qtr_json_get_int (json, "list", 0);
  if (list == NULL && list_number > 0)
    list = list_text = g_strdup_printf ("%" G_GINT64_FORMAT, list_number);
  if (g_strcmp0 (kind, "subscribe") != 0 && g_strcmp0 (kind, "unsubscribe") != 0)
    {
      send_error (connection, BAD_REQUEST, "Unknown message type");
      return;
    }
  if (!parse_subscription (connection, stream, tag, list, &subscription, &status, &error))
    {
      send_error (connection, status, error);
      return;
    }
  if (g_str_equal (kind, "subscribe"))
    subscribe (connection, subscription);
  else
    {
      unsubscribe (connection, subscription);
      subscription_free (subscription);
    }
}

static void
websocket_closed_cb (SoupWebsocketConnection *websocket,
                     gpointer                 user_data)
{
  Connection *connection = user_data;

  g_ptr_array_remove (connection->streaming->connections, connection);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  Connection *connection = user_data;

  g_ptr_array_remove (connection->streaming->connections, connection);
}

static void
message_wrote_chunk_cb (SoupServerMessage *msg,
                        gpointer           user_data)
{
  Connection *connection = user_data;

  if (connection->unwritten > 0)
    connection->unwritten--;
}

/* Every QTR_STREAMING_HEARTBEAT_SECONDS: the token is checked again, and an event stream
 * hears `:thump` (a WebSocket gets libsoup's pings). */
static gboolean
heartbeat_cb (gpointer user_data)
{
  Connection *connection = user_data;

  if (!connection_is_authorized (connection))
    {
      connection_close (connection, REVOKED);
      return G_SOURCE_REMOVE;
    }
  if (connection->msg != NULL)
    connection_send (connection, ":thump\n");
  return G_SOURCE_CONTINUE;
}

/* The connections as they are now: sending may close some. (g_ptr_array_copy() would
 * take the array's free function along.) */
static GPtrArray *
copy_connections (QtrStreaming *self)
{
  GPtrArray *copy = g_ptr_array_sized_new (self->connections->len);

  for (guint i = 0; i < self->connections->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (self->connections, i));
  return copy;
}

/* Status events. */

static gboolean
status_event_is_home (StatusEvent *event)
{
  g_autoptr(GError) error = NULL;
  gint64 following;

  if (event->home >= 0)
    return event->home;
  if (event->status->actor_row == 0)
    event->home = TRUE;
  else
    {
      following = qtr_node_store_is_following (qtr_node_get_store (event->streaming->node),
                                               event->status->actor_row, &error);
      if (following < 0)
        g_warning ("Cannot tell whether a post belongs to the home timeline: %s",
                   error->message);
      event->home = following > 0;
    }
  return event->home;
}

static const char * const *
status_event_get_tags (StatusEvent *event)
{
  g_autoptr(GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(QtrNote) note = NULL;
  const char *document = event->status->document;

  if (event->tags != NULL)
    return (const char * const *) event->tags;
  if (event->status->reblog_of_id == 0 && document != NULL)
    json = qtr_json_parse_object (document, strlen (document), NULL);
  if (json != NULL)
    note = qtr_note_parse (json, NULL);
  for (guint i = 0; note != NULL && i < note->hashtags->len; i++)
    {
      QtrHashtag *hashtag = g_ptr_array_index (note->hashtags, i);
      const char *name = hashtag->name[0] == '#' ? hashtag->name + 1 : hashtag->name;

      g_ptr_array_add (tags, g_utf8_strdown (name, -1));
    }
  g_ptr_array_add (tags, NULL);
  event->tags = (GStrv) g_ptr_array_free (g_steal_pointer (&tags), FALSE);
  return (const char * const *) event->tags;
}

/* Whether the author of @event's post is a member of list @list_id (as the list timeline
 * takes them). */
static gboolean
status_event_in_list (StatusEvent *event,
                      gint64       list_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) members = NULL;

  if (event->status->actor_row == 0)
    return FALSE;
  members = qtr_node_store_get_list_members (qtr_node_get_store (event->streaming->node),
                                             list_id, &error);
  if (members == NULL)
    {
      g_warning ("Cannot read the members of list %" G_GINT64_FORMAT ": %s", list_id,
                 error->message);
      return FALSE;
    }
  for (guint i = 0; i < members->len; i++)
    if (g_array_index (members, gint64, i) == event->status->actor_row)
      return TRUE;
  return FALSE;
}

/* Whether @subscription carries @event: the timelines' rules. */
static gboolean
status_event_matches (StatusEvent        *event,
                      const Subscription *subscription)
{
  const QtrStatus *status = event->status;
  gboolean is_public = g_strcmp0 (status->visibility, "public") == 0 &&
                       status->reblog_of_id == 0;
  gboolean has_media = status->attachments != NULL && status->attachments->len > 0;

  switch (stream_kinds[subscription->index].kind)
    {
    case STREAM_USER:
      return status_event_is_home (event);
    case STREAM_USER_NOTIFICATION:
      return FALSE;
    case STREAM_PUBLIC:
      return is_public;
    case STREAM_PUBLIC_LOCAL:
      return is_public && status->actor_row == 0;
    case STREAM_PUBLIC_REMOTE:
      return is_public && status->actor_row != 0;
    case STREAM_PUBLIC_MEDIA:
      return is_public && has_media;
    case STREAM_PUBLIC_LOCAL_MEDIA:
      return is_public && has_media && status->actor_row == 0;
    case STREAM_PUBLIC_REMOTE_MEDIA:
      return is_public && has_media && status->actor_row != 0;
    case STREAM_HASHTAG:
      return is_public && g_strv_contains (status_event_get_tags (event), subscription->tag);
    case STREAM_HASHTAG_LOCAL:
      return is_public && status->actor_row == 0 &&
             g_strv_contains (status_event_get_tags (event), subscription->tag);
    case STREAM_LIST:
      return status_event_in_list (event, g_ascii_strtoll (subscription->tag, NULL, 10));
    default:
      g_assert_not_reached ();
    }
}

/* The Status as the connection's token sees it on @subscription's stream, serialised once per
 * view; %NULL when the owner's filters hide it there (or it cannot be serialised). */
static const char *
status_event_get_payload (StatusEvent        *event,
                          gboolean            owner,
                          const Subscription *subscription)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  StreamKind kind = stream_kinds[subscription->index].kind;
  StatusView view = !owner ? VIEW_ANYONE
                    : kind == STREAM_USER || kind == STREAM_LIST ? VIEW_OWNER_HOME
                    : VIEW_OWNER_PUBLIC;
  static const char * const contexts[N_VIEWS] = { "home", "public", NULL };
  gboolean hidden = FALSE;

  if (event->built[view])
    return event->payloads[view];
  event->built[view] = TRUE;
  root = qtr_node_api_build_filtered_status (event->streaming->node, event->status,
                                             owner ? QTR_API_STATUS_VIEWER
                                                   : QTR_API_STATUS_NONE,
                                             contexts[view], &hidden, &error);
  if (root == NULL)
    {
      if (!hidden)
        g_warning ("Cannot stream post %" G_GINT64_FORMAT ": %s", event->status->id,
                   error ? error->message : "not stored");
      return NULL;
    }
  event->payloads[view] = json_to_string (root, FALSE);
  return event->payloads[view];
}

static void
dispatch_status (QtrStreaming *self,
                 gint64        row,
                 const char   *event_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) connections = NULL;
  StatusEvent event = { self, NULL, -1, NULL, { NULL, }, { FALSE, } };

  if (self->connections->len == 0)
    return;
  event.status = qtr_node_store_find_status_by_id (qtr_node_get_store (self->node), row, &error);
  if (event.status == NULL)
    return;

  /* A connection closed while sending leaves the array: walk a copy. */
  connections = copy_connections (self);
  for (guint i = 0; i < connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (connections, i);

      for (guint j = 0; j < connection->subscriptions->len; j++)
        {
          Subscription *subscription = g_ptr_array_index (connection->subscriptions, j);
          const char *payload;

          if (!status_event_matches (&event, subscription))
            continue;
          payload = status_event_get_payload (&event, connection->has_user, subscription);
          if (payload == NULL)
            continue;
          send_event (connection, subscription, event_name, payload);
          if (!g_ptr_array_find (self->connections, connection, NULL))
            break;
        }
    }
  qtr_status_free (event.status);
  g_strfreev (event.tags);
  for (guint i = 0; i < N_VIEWS; i++)
    g_free (event.payloads[i]);
}

static void
status_added_cb (QtrNode *node,
                 gint64   row,
                 gpointer user_data)
{
  dispatch_status (user_data, row, "update");
}

static void
status_updated_cb (QtrNode *node,
                   gint64   row,
                   gpointer user_data)
{
  dispatch_status (user_data, row, "status.update");
}

/* A deleted post's row is gone: whoever may have been sent it is told, as Mastodon tells
 * every stream the post could have reached. */
static void
status_deleted_cb (QtrNode    *node,
                   gint64      row,
                   const char *visibility,
                   gpointer    user_data)
{
  QtrStreaming *self = user_data;
  g_autoptr(GPtrArray) connections = copy_connections (self);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, row);
  gboolean was_public = g_strcmp0 (visibility, "public") == 0;

  for (guint i = 0; i < connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (connections, i);

      for (guint j = 0; j < connection->subscriptions->len; j++)
        {
          Subscription *subscription = g_ptr_array_index (connection->subscriptions, j);
          StreamKind kind = stream_kinds[subscription->index].kind;

          if (kind == STREAM_USER_NOTIFICATION || (kind != STREAM_USER && !was_public))
            continue;
          send_event (connection, subscription, "delete", id);
          if (!g_ptr_array_find (self->connections, connection, NULL))
            break;
        }
    }
}

static void
notification_added_cb (QtrNode *node,
                       gint64   row,
                       gpointer user_data)
{
  QtrStreaming *self = user_data;
  g_autoptr(QtrNotification) notification = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GPtrArray) connections = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;

  if (self->connections->len == 0)
    return;
  gboolean hidden = FALSE;

  notification = qtr_node_store_find_notification (qtr_node_get_store (node), row, &error);
  if (notification == NULL || !qtr_node_api_notification_is_shown (notification->type))
    return;
  builder = json_builder_new ();
  if (!qtr_node_api_add_filtered_notification (builder, node, notification, &hidden, &error))
    {
      g_warning ("Cannot stream notification %" G_GINT64_FORMAT ": %s", row,
                 error ? error->message : "not stored");
      return;
    }
  if (hidden)
    return;
  payload = builder_to_string (builder);

  connections = copy_connections (self);
  for (guint i = 0; i < connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (connections, i);

      for (guint j = 0; j < connection->subscriptions->len; j++)
        {
          Subscription *subscription = g_ptr_array_index (connection->subscriptions, j);
          StreamKind kind = stream_kinds[subscription->index].kind;

          if (kind != STREAM_USER && kind != STREAM_USER_NOTIFICATION)
            continue;
          send_event (connection, subscription, "notification", payload);
          if (!g_ptr_array_find (self->connections, connection, NULL))
            break;
        }
    }
}

/**
 * qtr_streaming_announce_filters_changed:
 *
 * Tells the owner's user streams that the filters changed (Mastodon's `filters_changed`,
 * without a payload), for clients that filter what they already show to read them again.
 */
void
qtr_streaming_announce_filters_changed (QtrStreaming *self)
{
  g_autoptr(GPtrArray) connections = copy_connections (self);

  for (guint i = 0; i < connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (connections, i);

      for (guint j = 0; j < connection->subscriptions->len; j++)
        {
          Subscription *subscription = g_ptr_array_index (connection->subscriptions, j);

          if (stream_kinds[subscription->index].kind != STREAM_USER)
            continue;
          send_event (connection, subscription, "filters_changed", NULL);
          if (!g_ptr_array_find (self->connections, connection, NULL))
            break;
        }
    }
}

/**
 * qtr_streaming_new:
 *
 * Returns: (transfer full): the streaming API of @node, listening to its announcements
 */
QtrStreaming *
qtr_streaming_new (QtrNode *node)
{
  QtrStreaming *self = g_new0 (QtrStreaming, 1);

  self->node = node;
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) connection_free);
  g_signal_connect (node, "status-added", G_CALLBACK (status_added_cb), self);
  g_signal_connect (node, "status-updated", G_CALLBACK (status_updated_cb), self);
  g_signal_connect (node, "status-deleted", G_CALLBACK (status_deleted_cb), self);
  g_signal_connect (node, "notification-added", G_CALLBACK (notification_added_cb), self);
  return self;
}

/**
 * qtr_streaming_free:
 *
 * Closes every connection.
 */
void
qtr_streaming_free (QtrStreaming *self)
{
  g_signal_handlers_disconnect_by_data (self->node, self);
  while (self->connections->len > 0)
    connection_close (g_ptr_array_index (self->connections, self->connections->len - 1),
                      "The server stops");
  g_ptr_array_unref (self->connections);
  g_free (self);
}

/**
 * qtr_streaming_count_connections:
 *
 * Returns: how many clients are connected
 */
guint
qtr_streaming_count_connections (QtrStreaming *self)
{
  return self->connections->len;
}

/* Connecting. */

/* The token of a streaming request: the Authorization header, else `access_token` in the
 * query, else the Sec-WebSocket-Protocol header (echoed back, as Mastodon does). It is put in
 * the Authorization header for qtr_node_api_authorize(). */
static void
move_token_to_header (SoupServerMessage *msg,
                      GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *token = g_hash_table_lookup (query, "access_token");
  g_autofree char *authorization = NULL;

  if (soup_message_headers_get_one (headers, "Authorization") != NULL)
    return;
  if (token == NULL)
    {
      token = soup_message_headers_get_one (headers, "Sec-WebSocket-Protocol");
      if (token != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "Sec-WebSocket-Protocol", token);
    }
  if (token == NULL || *token == '\0')
    return;
  authorization = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
}

/* Authorises a streaming request and subscribes a new connection to @stream (none: %NULL);
 * a request that may not go on is answered and %NULL returned. */
static Connection *
open_connection (QtrNode           *node,
                 SoupServerMessage *msg,
                 GHashTable        *query,
                 const char        *stream,
                 gboolean           stream_required)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autofree char *token = NULL;
  Connection *connection;
  Subscription *subscription = NULL;
  const char *message = NULL;
  guint status;

  move_token_to_header (msg, query);
  if (!qtr_node_api_authorize (node, msg, QTR_API_APP, NULL, &auth))
    return NULL;

  connection = g_new0 (Connection, 1);
  connection->streaming = qtr_node_get_streaming (node);
  connection->has_user = auth.token->has_user;
  token = qtr_node_api_get_bearer_token (msg);
  connection->token_hash = qtr_oauth_hash_token (token);
  qtr_oauth_scopes_parse (auth.token->scopes, &connection->granted, NULL);
  connection->subscriptions = g_ptr_array_new_with_free_func (subscription_free);
  g_queue_init (&connection->queue);
  if (stream == NULL && !stream_required)
    return connection;
  if (!parse_subscription (connection, stream, g_hash_table_lookup (query, "tag"),
                           g_hash_table_lookup (query, "list"), &subscription, &status,
                           &message))
    {
      qtr_node_respond_error (msg, status, message);
      connection_free (connection);
      return NULL;
    }
  subscribe (connection, subscription);
  return connection;
}

static GHashTable *
read_query_or_respond (SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  GHashTable *query;
  guint status;

  query = qtr_node_api_read_params (msg, &status, &error);
  if (query == NULL)
    qtr_node_respond_error (msg, status, error->message);
  return query;
}

static gboolean
is_true (GHashTable *query,
         const char *name)
{
  const char *value = g_hash_table_lookup (query, name);

  return value != NULL && (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1"));
}

static const char *
get_stream_param (GHashTable *query)
{
  const char *stream = g_hash_table_lookup (query, "stream");

  return stream != NULL && *stream != '\0' ? stream : NULL;
}

void
qtr_node_handle_streaming_health (QtrNode           *node,
                                  SoupServerMessage *msg,
                                  GHashTable        *route)
{
  qtr_node_respond_text (msg, SOUP_STATUS_OK, "text/plain; charset=utf-8", "OK");
}

/* Server-sent events of one stream: the response stays open, each event a chunk. */
static void
start_event_stream (QtrNode           *node,
                    SoupServerMessage *msg,
                    Connection        *connection)
{
  QtrStreaming *streaming = qtr_node_get_streaming (node);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  connection->msg = g_object_ref (msg);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (headers, "Content-Type", "text/event-stream");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (message_wrote_chunk_cb), connection);
  g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), connection);
  g_ptr_array_add (streaming->connections, connection);
  connection->heartbeat_source = qtr_source_attach (g_main_context_get_thread_default (),
                                                    QTR_STREAMING_HEARTBEAT_SECONDS,
                                                    heartbeat_cb, connection, NULL);
  soup_server_message_pause (msg);
  connection_send (connection, ":)\n");
}

/* GET /api/v1/streaming: a WebSocket (its `stream` subscribed at once), completed by libsoup
 * after this handler leaves the request without a status; without an upgrade, the events
 * of `stream`. */
void
qtr_node_handle_streaming (QtrNode           *node,
                           SoupServerMessage *msg,
                           GHashTable        *route)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GHashTable) query = read_query_or_respond (msg);
  Connection *connection;
  gboolean upgrade;

  if (query == NULL)
    return;
  upgrade = soup_message_headers_header_contains (headers, "Connection", "upgrade") &&
            soup_message_headers_header_equals (headers, "Upgrade", "websocket");
  connection = open_connection (node, msg, query, get_stream_param (query), !upgrade);
  if (connection == NULL)
    return;
  if (!upgrade)
    {
      start_event_stream (node, msg, connection);
      return;
    }
  /* libsoup reads the peer's address when it hands the socket over after the handshake,
   * and warns when the client has hung up by then; read now, it is kept. */
  soup_server_message_get_remote_address (msg);
  g_object_set_data_full (G_OBJECT (msg), "qtr-streaming-connection", connection,
                          (GDestroyNotify) connection_free);
}

/**
 * qtr_streaming_websocket_cb:
 *
 * Takes a WebSocket that qtr_node_handle_streaming() let through.
 */
void
qtr_streaming_websocket_cb (SoupServer              *server,
                            SoupServerMessage       *msg,
                            const char              *path,
                            SoupWebsocketConnection *websocket,
                            gpointer                 user_data)
{
  QtrStreaming *self = user_data;
  Connection *connection = g_object_steal_data (G_OBJECT (msg), "qtr-streaming-connection");

  if (connection == NULL)
    {
      soup_websocket_connection_close (websocket, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
      return;
    }
  connection->websocket = g_object_ref (websocket);
  soup_websocket_connection_set_keepalive_interval (websocket, QTR_STREAMING_HEARTBEAT_SECONDS);
  soup_websocket_connection_set_max_incoming_payload_size (websocket, QTR_API_MAX_BODY_SIZE);
  g_signal_connect (websocket, "message", G_CALLBACK (websocket_message_cb), connection);
  g_signal_connect (websocket, "closed", G_CALLBACK (websocket_closed_cb), connection);
  g_ptr_array_add (self->connections, connection);
  connection->heartbeat_source = qtr_source_attach (g_main_context_get_thread_default (),
                                                    QTR_STREAMING_HEARTBEAT_SECONDS,
                                                    heartbeat_cb, connection, NULL);
}

/* GET /api/v1/streaming/STREAM[/VARIANT]: server-sent events. */
void
qtr_node_handle_streaming_events (QtrNode           *node,
                                  SoupServerMessage *msg,
                                  GHashTable        *route)
{
  const char *stream = g_hash_table_lookup (route, "stream");
  const char *variant = g_hash_table_lookup (route, "variant");
  g_autofree char *path = variant ? g_strconcat (stream, "/", variant, NULL) : g_strdup (stream);
  g_autoptr(GHashTable) query = NULL;
  Connection *connection;

  for (guint i = 0; i < G_N_ELEMENTS (event_paths); i++)
    {
      if (!g_str_equal (path, event_paths[i].path))
        continue;
      query = read_query_or_respond (msg);
      if (query == NULL)
        return;
      connection = open_connection (node, msg, query,
                                    event_paths[i].media_stream != NULL &&
                                    is_true (query, "only_media") ? event_paths[i].media_stream
                                                                 : event_paths[i].stream, TRUE);
      if (connection != NULL)
        start_event_stream (node, msg, connection);
      return;
    }
  qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Unknown stream type");
}
