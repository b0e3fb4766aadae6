/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include "qtr-json.h"

#include <libsoup/soup.h>
#include <string.h>
#include <sys/socket.h>

#include "qtr-node-private.h"
#include "qtr-node-store-api.h"
#include "qtr-node-streaming.h"
#include "qtr-oauth.h"

/* The streaming API's bound on what one connection may have waiting: a client that stops
 * reading (over a WebSocket, or server-sent events) is disconnected, while one that reads
 * gets every event; `filters_changed` as a WebSocket frame without a payload. (What the
 * events carry and who gets them is driven by Mastodon.py, tests/interop/mastodon_py.) */

/* Enough announcements to fill any socket buffers and the queue several times over. */
#define MAX_ANNOUNCEMENTS 20000

typedef struct {
  char    *dir;
  guint    port;
  QtrNode *node;
  char    *token;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *hash = NULL;

  fixture->port = qtr_test_pick_free_port ();
  fixture->dir = g_dir_make_tmp ("quitter-test-streaming-XXXXXX", &error);
  g_assert_no_error (error);
  base = g_strdup_printf ("http://127.0.0.1:%u", fixture->port);
  g_assert_true (qtr_node_init_data_dir (fixture->dir, base, "alice", NULL, &error));
  g_assert_no_error (error);
  fixture->node = qtr_node_open (fixture->dir, &error);
  g_assert_no_error (error);
  qtr_node_set_listen (fixture->node, NULL, (int) fixture->port);
  g_assert_true (qtr_node_start (fixture->node, &error));
  g_assert_no_error (error);

  fixture->token = qtr_oauth_new_token ();
  hash = qtr_oauth_hash_token (fixture->token);
  g_assert_cmpint (qtr_node_store_add_token (qtr_node_get_store (fixture->node), hash, 0, TRUE,
                                             "read", &error), >, 0);
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
  g_free (fixture->token);
}

static void
drain_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SoupWebsocketConnection **connection = user_data;
  g_autoptr(GError) error = NULL;

  *connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
message_cb (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  guint *received = user_data;

  if (strstr (g_bytes_get_data (message, NULL), "\"event\":\"update\"") != NULL)
    (*received)++;
}

/* A client that reads its events: libsoup's own WebSocket client. */
static SoupWebsocketConnection *
connect_reader (Fixture     *fixture,
                SoupSession *session,
                guint       *received)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/streaming?stream=public"
                                          "&access_token=%s", fixture->port, fixture->token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  SoupWebsocketConnection *connection = NULL;

  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &connection);
  while (connection == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (connection, "message", G_CALLBACK (message_cb), received);
  return connection;
}

/* A client that sends its request (a WebSocket handshake, or a request for server-sent
 * events) and reads the answer's head, then never reads again; its receive buffer is as
 * small as the kernel allows. */
static GSocket *
connect_sleeper (Fixture  *fixture,
                 gboolean  websocket)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fixture->port);
  g_autofree char *request = NULL;
  g_autoptr(GString) head = g_string_new (NULL);

  if (websocket)
    request = g_strdup_printf ("GET /api/v1/streaming?stream=public&access_token=%s HTTP/1.1\r\n"
                               "Host: 127.0.0.1:%u\r\n"
                               "Upgrade: websocket\r\n"
                               "Connection: Upgrade\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                               "Sec-WebSocket-Version: 13\r\n\r\n",
                               fixture->token, fixture->port);
  else
    request = g_strdup_printf ("GET /api/v1/streaming/public HTTP/1.1\r\n"
                               "Host: 127.0.0.1:%u\r\n"
                               "Authorization: Bearer %s\r\n\r\n",
                               fixture->port, fixture->token);
  g_assert_no_error (error);
  g_assert_true (g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4096, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_socket_send (socket, request, strlen (request), NULL, &error), ==,
                   (gssize) strlen (request));
  g_assert_no_error (error);

  g_socket_set_blocking (socket, FALSE);
  while (strstr (head->str, "\r\n\r\n") == NULL)
    {
      char buffer[512];
      gssize got;

      g_main_context_iteration (NULL, TRUE);
      got = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
      if (got < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (got, >, 0);
      g_string_append_len (head, buffer, got);
    }
  g_assert_true (g_str_has_prefix (head->str, websocket ? "HTTP/1.1 101" : "HTTP/1.1 200"));
  return g_steal_pointer (&socket);
}

static void
test_slow_client_is_disconnected (Fixture       *fixture,
                                  gconstpointer  data)
{
  gboolean websocket = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupWebsocketConnection) reader = NULL;
  g_autoptr(GSocket) sleeper = NULL;
  g_autoptr(GString) text = g_string_new ("A long public post for the streams:");
  g_autoptr(QtrStatus) status = NULL;
  g_autofree char *uri = NULL;
  QtrStreaming *streaming = qtr_node_get_streaming (fixture->node);
  QtrPostRequest post = { 0 };
  guint received = 0, announced = 0;

  for (guint i = 0; i < 40; i++)
    g_string_append (text, " words");
  post.text = text->str;
  uri = qtr_node_post (fixture->node, &post, &error);
  g_assert_no_error (error);
  status = qtr_node_store_find_status (qtr_node_get_store (fixture->node), uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);
  drain_context ();

  reader = connect_reader (fixture, session, &received);
  sleeper = connect_sleeper (fixture, websocket);
  drain_context ();
  g_assert_cmpuint (qtr_streaming_count_connections (streaming), ==, 2);

  /* The node announces the post again and again; the reader keeps up, the sleeper not. */
  while (qtr_streaming_count_connections (streaming) == 2 && announced < MAX_ANNOUNCEMENTS)
    {
      g_signal_emit_by_name (fixture->node, "status-added", status->id);
      announced++;
      drain_context ();
    }
  g_assert_cmpuint (qtr_streaming_count_connections (streaming), ==, 1);
  g_assert_cmpuint (announced, <, MAX_ANNOUNCEMENTS);
  g_test_message ("The sleeper was dropped after %u announcements", announced);
  /* It was not dropped before the queue was full. */
  g_assert_cmpuint (announced, >, QTR_STREAMING_MAX_QUEUED);

  /* The reader got every one of them, and goes on. */
  while (received < announced)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (received, ==, announced);
  g_assert_cmpint (soup_websocket_connection_get_state (reader), ==, SOUP_WEBSOCKET_STATE_OPEN);
  g_signal_emit_by_name (fixture->node, "status-added", status->id);
  while (received < announced + 1)
    g_main_context_iteration (NULL, TRUE);

  soup_websocket_connection_close (reader, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  while (qtr_streaming_count_connections (streaming) > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
collect_message_cb (SoupWebsocketConnection *connection,
                    gint                     type,
                    GBytes                  *message,
                    gpointer                 user_data)
{
  GPtrArray *messages = user_data;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  g_ptr_array_add (messages, g_strndup (data, length));
}

static gboolean
has_messages (gpointer user_data)
{
  return ((GPtrArray *) user_data)->len > 0;
}

/* A filter made through the API: the user stream hears `filters_changed`, as Mastodon sends
 * it over a WebSocket (no payload member); the public stream of the same connection does
 * not. */
static void
test_filters_changed (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/streaming?stream=user"
                                          "&access_token=%s", fixture->port, fixture->token);
  g_autofree char *filters_url = g_strdup_printf ("http://127.0.0.1:%u/api/v2/filters",
                                                  fixture->port);
  g_autofree char *writer = qtr_oauth_new_token ();
  g_autofree char *writer_hash = qtr_oauth_hash_token (writer);
  g_autofree char *bearer = g_strconcat ("Bearer ", writer, NULL);
  static const char body[] = "{\"title\":\"Figs\",\"context\":[\"home\"],"
                             "\"keywords_attributes\":[{\"keyword\":\"figs\"}]}";
  JsonArray *stream;

  g_assert_cmpint (qtr_node_store_add_token (qtr_node_get_store (fixture->node), writer_hash, 0,
                                             TRUE, "read write", &error), >, 0);
  g_assert_no_error (error);
  msg = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &connection);
  while (connection == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&msg);
  g_signal_connect (connection, "message", G_CALLBACK (collect_message_cb), messages);
  soup_websocket_connection_send_text (connection,
                                       "{\"type\":\"subscribe\",\"stream\":\"public\"}");
  drain_context ();

  request = g_bytes_new_static (body, strlen (body));
  msg = soup_message_new ("POST", filters_url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                bearer);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    qtr_test_got_result_cb, &result);
  qtr_test_wait_result (&result);
  answer = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);

  qtr_test_wait_until (has_messages, messages, "filters_changed arrives");
  /* Anything else would have come with it. */
  drain_context ();
  g_assert_cmpuint (messages->len, ==, 1);
  event = qtr_json_parse_object (g_ptr_array_index (messages, 0),
                                 strlen (g_ptr_array_index (messages, 0)), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (event, "event"), ==, "filters_changed");
  g_assert_false (json_object_has_member (event, "payload"));
  stream = json_object_get_array_member (event, "stream");
  g_assert_cmpuint (json_array_get_length (stream), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (stream, 0), ==, "user");

  soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  while (qtr_streaming_count_connections (qtr_node_get_streaming (fixture->node)) > 0)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/node/streaming/slow-client-is-disconnected/websocket", Fixture,
              GINT_TO_POINTER (TRUE), fixture_set_up, test_slow_client_is_disconnected,
              fixture_tear_down);
  g_test_add ("/node/streaming/slow-client-is-disconnected/events", Fixture,
              GINT_TO_POINTER (FALSE), fixture_set_up, test_slow_client_is_disconnected,
              fixture_tear_down);
  g_test_add ("/node/streaming/filters-changed", Fixture, NULL, fixture_set_up,
              test_filters_changed, fixture_tear_down);
  return g_test_run ();
}
