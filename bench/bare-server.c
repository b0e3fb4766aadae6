/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "bench-util.h"

#include <glib-unix.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

/* The baseline of the GET benchmarks: a bare SoupServer, listening as the node listens (a GSocket
 * with the node's backlog, then soup_server_listen_socket), that answers the actor and WebFinger
 * paths with bytes it first fetched from the real node: the same body, the same content type and
 * the same other header fields. What the node does beyond this, routing, building the JSON,
 * exporting the key, is what the ratio measures.
 *
 *   bare-server --from http://127.0.0.1:PORT --actor-path /users/alice \
 *               --webfinger-query resource=acct:alice@127.0.0.1:PORT [--port 0]
 *
 * It prints `url=http://127.0.0.1:PORT` once it listens, and serves until SIGINT or SIGTERM. */

/* Fields that belong to one response or one connection, not to the resource. */
static const char * const per_response_fields[] = {
  "Date", "Content-Length", "Content-Type", "Connection", "Keep-Alive", "Transfer-Encoding",
  "Server",
};

typedef struct {
  char               *path;
  GBytes             *body;
  char               *content_type;
  SoupMessageHeaders *headers;   /* the other fields, copied onto every answer */
} Capture;

static void
capture_free (Capture *capture)
{
  g_free (capture->path);
  g_clear_pointer (&capture->body, g_bytes_unref);
  g_free (capture->content_type);
  g_clear_pointer (&capture->headers, soup_message_headers_unref);
  g_free (capture);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Capture, capture_free)

static gboolean
is_per_response_field (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (per_response_fields); i++)
    {
      if (g_ascii_strcasecmp (name, per_response_fields[i]) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A benchmark tool's set-up, before its loop runs: the fetch may block. */
static Capture *
capture (SoupSession  *session,
         const char   *base_url,
         const char   *path,
         const char   *query,
         const char   *accept,
         char        **server_header,
         GError      **error)
{
  g_autofree char *url = g_strconcat (base_url, path, query ? "?" : "", query ? query : "",
                                      NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(Capture) result = g_new0 (Capture, 1);
  SoupMessageHeaders *headers;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not a URL", url);
      return NULL;
    }
  if (accept != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", accept);

  result->body = soup_session_send_and_read (session, msg, NULL, error);
  if (result->body == NULL)
    return NULL;
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s answered %u", url,
                   soup_message_get_status (msg));
      return NULL;
    }

  headers = soup_message_get_response_headers (msg);
  result->path = g_strdup (path);
  result->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  result->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (!is_per_response_field (name))
        soup_message_headers_append (result->headers, name, value);
    }
  if (*server_header == NULL)
    *server_header = g_strdup (soup_message_headers_get_one (headers, "Server"));
  return g_steal_pointer (&result);
}

static void
server_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  GPtrArray *captures = user_data;
  SoupMessageHeaders *response_headers;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  for (guint i = 0; i < captures->len; i++)
    {
      Capture *capture = g_ptr_array_index (captures, i);
      gsize length;
      const char *data;

      if (!g_str_equal (path, capture->path))
        continue;

      response_headers = soup_server_message_get_response_headers (msg);
      soup_message_headers_iter_init (&iter, capture->headers);
      while (soup_message_headers_iter_next (&iter, &name, &value))
        soup_message_headers_append (response_headers, name, value);
      data = g_bytes_get_data (capture->body, &length);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, capture->content_type, SOUP_MEMORY_STATIC, data,
                                        length);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GPtrArray) captures = g_ptr_array_new_with_free_func ((GDestroyNotify) capture_free);
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *from = NULL;
  g_autofree char *actor_path = NULL;
  g_autofree char *webfinger_query = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *server_header = NULL;
  int port = 0;
  Capture *actor, *webfinger;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "The real node to copy", "URL" },
    { "actor-path", 0, 0, G_OPTION_ARG_STRING, &actor_path, "The actor's path", "PATH" },
    { "webfinger-query", 0, 0, G_OPTION_ARG_STRING, &webfinger_query,
      "The query of the WebFinger request", "QUERY" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "The address to listen on", "ADDRESS" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "The port to listen on (0: any)", "PORT" },
    { NULL }
  };

  g_option_context_set_summary (context, "Serves the node's actor and WebFinger bytes from a "
                                "bare SoupServer, the baseline of the GET benchmarks.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (from == NULL || actor_path == NULL || webfinger_query == NULL)
    g_error ("--from, --actor-path and --webfinger-query are needed");

  session = soup_session_new ();
  actor = capture (session, from, actor_path, NULL, "application/activity+json",
                   &server_header, &error);
  if (actor == NULL)
    g_error ("Cannot fetch the actor from the node: %s", error->message);
  g_ptr_array_add (captures, actor);
  webfinger = capture (session, from, "/.well-known/webfinger", webfinger_query, NULL,
                       &server_header, &error);
  if (webfinger == NULL)
    g_error ("Cannot fetch WebFinger from the node: %s", error->message);
  g_ptr_array_add (captures, webfinger);
  g_clear_object (&session);

  /* The same Server field as the node's, so that answers have the same size too. */
  server = soup_server_new ("server-header", server_header ? server_header : "", NULL);
  soup_server_add_handler (server, NULL, server_request_cb, captures, NULL);
  socket = bench_listen_socket (listen ? listen : "127.0.0.1", (guint) port, &error);
  if (socket == NULL || !soup_server_listen_socket (server, socket, 0, &error))
    g_error ("Cannot listen: %s", error->message);

  bench_print_result ("actor_bytes", "%zu", g_bytes_get_size (actor->body));
  bench_print_result ("webfinger_bytes", "%zu", g_bytes_get_size (webfinger->body));
  bench_print_result ("url", "http://%s:%u", listen ? listen : "127.0.0.1",
                      bench_socket_get_port (socket));

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  soup_server_disconnect (server);
  return 0;
}
