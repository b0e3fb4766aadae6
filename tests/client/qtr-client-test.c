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

struct _QtrTestTimeline
{
  QtrTestServer *server;
  char          *path;
  GArray        *ids;       /* guint64, ascending */
  GHashTable    *entities;  /* id text → JsonObject */
  guint64        next_id;
  char          *last_query;
};

static void
test_timeline_free (QtrTestTimeline *timeline)
{
  g_free (timeline->path);
  g_array_unref (timeline->ids);
  g_hash_table_unref (timeline->entities);
  g_free (timeline->last_query);
  g_free (timeline);
}

static guint64
query_id (GHashTable *query,
          const char *name,
          guint64     fallback)
{
  const char *value = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  return value != NULL ? g_ascii_strtoull (value, NULL, 10) : fallback;
}

/* Whether entity @id is of @type (a notification's), or any when @type is %NULL. */
static gboolean
has_type (QtrTestTimeline *timeline,
          guint64          id,
          const char      *type)
{
  g_autofree char *key = g_strdup_printf ("%" G_GUINT64_FORMAT, id);
  JsonObject *entity = g_hash_table_lookup (timeline->entities, key);

  return type == NULL ||
         (entity != NULL && json_object_has_member (entity, "type") &&
          g_strcmp0 (json_object_get_string_member (entity, "type"), type) == 0);
}

static void
serve_timeline_cb (SoupServer        *soup_server,
                   SoupServerMessage *message,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  QtrTestTimeline *timeline = user_data;
  guint64 max_id = query_id (query, "max_id", G_MAXUINT64);
  guint64 since_id = query_id (query, "since_id", 0);
  guint64 min_id = query_id (query, "min_id", 0);
  gboolean adjacent = query != NULL && g_hash_table_contains (query, "min_id");
  /* Notifications of one type (libsoup keeps one value of a repeated name: one type). */
  const char *type = query != NULL ? g_hash_table_lookup (query, "types[]") : NULL;
  guint limit = MIN (query_id (query, "limit", 20), 40);
  g_autoptr(GArray) page = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  g_free (timeline->last_query);
  timeline->last_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (message)));

  if (adjacent)
    {
      for (guint i = 0; i < timeline->ids->len && page->len < limit; i++)
        {
          guint64 id = g_array_index (timeline->ids, guint64, i);

          if (id > min_id && id > since_id && id < max_id && has_type (timeline, id, type))
            g_array_prepend_val (page, id);
        }
    }
  else
    {
      for (guint i = timeline->ids->len; i > 0 && page->len < limit; i--)
        {
          guint64 id = g_array_index (timeline->ids, guint64, i - 1);

          if (id > since_id && id < max_id && has_type (timeline, id, type))
            g_array_append_val (page, id);
        }
    }

  for (guint i = 0; i < page->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                             g_array_index (page, guint64, i));

      json_array_add_object_element (array,
                                     json_object_ref (g_hash_table_lookup (timeline->entities,
                                                                           id)));
    }
  if (page->len > 0)
    {
      g_autofree char *types = type != NULL ? g_strconcat ("&types%5B%5D=", type, NULL)
                                            : g_strdup ("");
      g_autofree char *link = g_strdup_printf (
        "<%s%s?max_id=%" G_GUINT64_FORMAT "%s>; rel=\"next\", "
        "<%s%s?min_id=%" G_GUINT64_FORMAT "%s>; rel=\"prev\"",
        timeline->server->base, timeline->path, g_array_index (page, guint64, page->len - 1),
        types, timeline->server->base, timeline->path, g_array_index (page, guint64, 0), types);

      soup_message_headers_replace (soup_server_message_get_response_headers (message), "Link",
                                    link);
    }
  root = json_node_init_array (json_node_alloc (), array);
  json = json_to_string (root, FALSE);
  qtr_test_reply_json (message, SOUP_STATUS_OK, json);
}

/**
 * qtr_test_timeline_new:
 * @path: where the timeline is served, such as `/api/v1/timelines/home`
 *
 * Returns: (transfer none): an empty timeline, owned by @server
 */
QtrTestTimeline *
qtr_test_timeline_new (QtrTestServer *server,
                       const char    *path)
{
  QtrTestTimeline *timeline = g_new0 (QtrTestTimeline, 1);

  timeline->server = server;
  timeline->path = g_strdup (path);
  timeline->ids = g_array_new (FALSE, FALSE, sizeof (guint64));
  timeline->entities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) json_object_unref);
  timeline->next_id = 1000;
  soup_server_add_handler (server->server, path, serve_timeline_cb, timeline,
                           (GDestroyNotify) test_timeline_free);
  return timeline;
}

/**
 * qtr_test_status_new:
 *
 * Returns: (transfer full): a Status with @id and @text, by one of three accounts
 */
JsonObject *
qtr_test_status_new (const char *id,
                     const char *text)
{
  JsonObject *status = json_object_new ();
  JsonObject *account = json_object_new ();
  guint n = g_str_hash (id) % 3;
  g_autofree char *account_id = g_strdup_printf ("%u", 7 + n);
  g_autofree char *username = g_strdup_printf ("user%u", n);
  g_autofree char *content = g_markup_printf_escaped ("<p>%s</p>", text);

  json_object_set_string_member (account, "id", account_id);
  json_object_set_string_member (account, "username", username);
  json_object_set_string_member (account, "acct", username);
  json_object_set_string_member (account, "display_name", username);
  json_object_set_string_member (status, "id", id);
  json_object_set_string_member (status, "created_at", "2026-11-27T05:00:00.000Z");
  json_object_set_object_member (status, "account", account);
  json_object_set_string_member (status, "content", content);
  json_object_set_string_member (status, "visibility", "public");
  json_object_set_null_member (status, "reblog");
  return status;
}

static char *
add_entity (QtrTestTimeline *timeline,
            JsonObject      *entity,
            guint64          id)
{
  g_array_append_val (timeline->ids, id);
  g_hash_table_replace (timeline->entities,
                        g_strdup (json_object_get_string_member (entity, "id")), entity);
  return g_strdup (json_object_get_string_member (entity, "id"));
}

/**
 * qtr_test_timeline_post:
 *
 * Adds a status newer than all others.
 *
 * Returns: (transfer full): its id
 */
char *
qtr_test_timeline_post (QtrTestTimeline *timeline,
                        const char      *text)
{
  guint64 id = timeline->next_id++;
  g_autofree char *id_text = g_strdup_printf ("%" G_GUINT64_FORMAT, id);

  return add_entity (timeline, qtr_test_status_new (id_text, text), id);
}

/**
 * qtr_test_timeline_notify:
 * @type: `mention`, `favourite`…
 *
 * Adds a notification newer than all others, about a new status with @text.
 *
 * Returns: (transfer full): the notification's id
 */
char *
qtr_test_timeline_notify (QtrTestTimeline *timeline,
                          const char      *type,
                          const char      *text)
{
  guint64 id = timeline->next_id++;
  g_autofree char *id_text = g_strdup_printf ("%" G_GUINT64_FORMAT, id);
  g_autofree char *status_id = g_strdup_printf ("9%" G_GUINT64_FORMAT, id);
  JsonObject *status = qtr_test_status_new (status_id, text);
  JsonObject *notification = json_object_new ();

  json_object_set_string_member (notification, "id", id_text);
  json_object_set_string_member (notification, "type", type);
  json_object_set_string_member (notification, "created_at", "2026-11-27T05:00:00.000Z");
  json_object_set_member (notification, "account",
                          json_node_copy (json_object_get_member (status, "account")));
  json_object_set_object_member (notification, "status", status);
  return add_entity (timeline, notification, id);
}

/**
 * qtr_test_timeline_remove:
 *
 * Deletes the entity @id.
 */
void
qtr_test_timeline_remove (QtrTestTimeline *timeline,
                          const char      *id)
{
  guint64 number = g_ascii_strtoull (id, NULL, 10);

  for (guint i = 0; i < timeline->ids->len; i++)
    if (g_array_index (timeline->ids, guint64, i) == number)
      g_array_remove_index (timeline->ids, i--);
  g_hash_table_remove (timeline->entities, id);
}

/**
 * qtr_test_timeline_get:
 *
 * Returns: (transfer none) (nullable): the entity @id
 */
JsonObject *
qtr_test_timeline_get (QtrTestTimeline *timeline,
                       const char      *id)
{
  return g_hash_table_lookup (timeline->entities, id);
}

/**
 * qtr_test_timeline_last_query:
 *
 * Returns: (nullable): the query of the last request for a page
 */
const char *
qtr_test_timeline_last_query (QtrTestTimeline *timeline)
{
  return timeline->last_query;
}
