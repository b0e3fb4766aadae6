/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-client-test.h"

#include <string.h>

#include "qtr-test-util.h"

static void
request_read_cb (SoupServer        *soup_server,
                 SoupServerMessage *message,
                 gpointer           user_data)
{
  QtrTestServer *server = user_data;

  g_ptr_array_add (server->requests,
                   g_strdup_printf ("%s %s", soup_server_message_get_method (message),
                                    g_uri_get_path (soup_server_message_get_uri (message))));
}

/**
 * qtr_test_server_new:
 *
 * Returns: a server listening on 127.0.0.1 on a free port, answering 404 to everything until
 *   paths are added
 */
QtrTestServer *
qtr_test_server_new (void)
{
  QtrTestServer *server = g_new0 (QtrTestServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSList *uris;

  server->server = soup_server_new (NULL, NULL);
  server->requests = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (server->server, "request-read", G_CALLBACK (request_read_cb), server);
  soup_server_listen (server->server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server->server);
  server->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

void
qtr_test_server_free (QtrTestServer *server)
{
  soup_server_disconnect (server->server);
  g_assert_finalize_object (server->server);
  g_ptr_array_unref (server->requests);
  g_free (server->base);
  g_free (server);
}

void
qtr_test_server_add (QtrTestServer      *server,
                     const char         *path,
                     SoupServerCallback  callback,
                     gpointer            user_data)
{
  soup_server_add_handler (server->server, path, callback, user_data, NULL);
}

/**
 * qtr_test_reply_json:
 *
 * Answers @message with @json, as application/json.
 */
void
qtr_test_reply_json (SoupServerMessage *message,
                     guint              status,
                     const char        *json)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json; charset=utf-8",
                                    SOUP_MEMORY_COPY, json, strlen (json));
}

static void
serve_bytes_cb (SoupServer        *soup_server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  GBytes *bytes = user_data;

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json; charset=utf-8",
                                    SOUP_MEMORY_COPY, g_bytes_get_data (bytes, NULL),
                                    g_bytes_get_size (bytes));
}

/**
 * qtr_test_server_add_json:
 *
 * Makes @path answer with the file tests/data/@folder/@name.
 */
void
qtr_test_server_add_json (QtrTestServer *server,
                          const char    *path,
                          const char    *folder,
                          const char    *name)
{
  GBytes *bytes = qtr_test_load_data (folder, name);

  soup_server_add_handler (server->server, path, serve_bytes_cb, bytes,
                           (GDestroyNotify) g_bytes_unref);
}

static void
serve_nodeinfo_links_cb (SoupServer        *soup_server,
                         SoupServerMessage *message,
                         const char        *path,
                         GHashTable        *query,
                         gpointer           user_data)
{
  QtrTestServer *server = user_data;
  g_autofree char *json = g_strdup_printf (
    "{\"links\":[{\"rel\":\"http://nodeinfo.diaspora.software/ns/schema/2.0\","
    "\"href\":\"%s/nodeinfo/2.0\"}]}", server->base);

  qtr_test_reply_json (message, SOUP_STATUS_OK, json);
}

/**
 * qtr_test_server_serve_flavour:
 * @flavour: a folder of tests/data/client: `mastodon`, `gotosocial`, `akkoma` or `snac`
 *
 * Serves the instance documents (v2, v1) and NodeInfo that the flavour has, each from its file
 * in tests/data/client/@flavour; what it lacks answers 404.
 */
void
qtr_test_server_serve_flavour (QtrTestServer *server,
                               const char    *flavour)
{
  static const struct { const char *path; const char *file; } documents[] = {
    { "/api/v2/instance", "instance-v2.json" },
    { "/api/v1/instance", "instance-v1.json" },
    { "/nodeinfo/2.0", "nodeinfo.json" },
  };
  g_autofree char *folder = g_build_filename ("client", flavour, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autofree char *file = g_test_build_filename (G_TEST_DIST, "data", folder,
                                                     documents[i].file, NULL);

      if (g_file_test (file, G_FILE_TEST_EXISTS))
        qtr_test_server_add_json (server, documents[i].path, folder, documents[i].file);
      if (g_str_equal (documents[i].file, "nodeinfo.json") &&
          g_file_test (file, G_FILE_TEST_EXISTS))
        soup_server_add_handler (server->server, "/.well-known/nodeinfo",
                                 serve_nodeinfo_links_cb, server, NULL);
    }
}

/**
 * qtr_test_server_count:
 * @request: "METHOD /path"
 *
 * Returns: how many times the server received @request
 */
guint
qtr_test_server_count (QtrTestServer *server,
                       const char    *request)
{
  guint n = 0;

  for (guint i = 0; i < server->requests->len; i++)
    n += g_str_equal (server->requests->pdata[i], request);
  return n;
}

/**
 * qtr_test_result_cb:
 * @user_data: a `GAsyncResult *` slot, filled with a reference to the result
 */
void
qtr_test_result_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

/**
 * qtr_test_wait:
 *
 * Runs the main context until @slot is filled (for at most 20 seconds).
 *
 * Returns: (transfer none): the result
 */
GAsyncResult *
qtr_test_wait (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for an async call");
      g_main_context_iteration (NULL, FALSE);
      if (*slot == NULL)
        g_usleep (500);
    }
  return *slot;
}

/**
 * qtr_client_test_init:
 *
 * g_test_init() with the XDG dirs of each test in a folder of its own. GIO's proxy resolver is
 * the direct one: the tests reach only loopback, and GNOME's resolver would look for GSettings
 * schemas in the isolated data dirs.
 */
void
qtr_client_test_init (int    *argc,
                      char ***argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}
