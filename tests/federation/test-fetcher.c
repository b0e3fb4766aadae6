/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include "qtr-address.h"
#include "qtr-fetcher.h"
#include "qtr-http-signature.h"

#include <string.h>

/* Every server here is on loopback. 127.0.0.2 stands in for a public host: the fetchers of
 * these tests run with a policy that allows exactly that address and asks the real classifier
 * about every other one. 127.0.0.1 stays private. */

#define PUBLIC_ADDRESS "127.0.0.2"
#define KEY_ID "https://node.example/actor#main-key"
#define NODE_URL "https://node.example"
#define MIB (1024 * 1024)

static QtrKey *node_key;
static QtrKey *node_public_key;

typedef struct {
  QtrFetcher *fetcher;
  SoupServer *server;        /* listens on PUBLIC_ADDRESS and on 127.0.0.1 */
  guint       public_port;
  guint       local_port;
  char       *public_base;   /* http://127.0.0.2:PORT */
  char       *local_base;    /* http://127.0.0.1:PORT */
  GSocket    *listener;      /* 127.0.0.1, never served: counts the connections made to it */
  guint       listener_port;
  guint       requests;      /* requests the server saw */
  char       *key_id;        /* of the last request whose signature verified */
  char       *user_agent;    /* of the last request */
  char       *content_type;  /* of the last request */
  GSList     *paused;        /* SoupServerMessages never answered */
} Fixture;

static const char *
allow_public_stand_in (GInetAddress *address,
                       gpointer      user_data)
{
  g_autofree char *text = g_inet_address_to_string (address);

  if (strcmp (text, PUBLIC_ADDRESS) == 0)
    return NULL;
  return qtr_address_special_reason (address);
}

static gboolean
is_blocked (const char *host,
            gpointer    user_data)
{
  return strcmp (host, "localhost") == 0 || strcmp (host, "blocked.example") == 0;
}

static void
respond (SoupServerMessage *message,
         guint              status,
         const char        *type,
         const char        *body)
{
  soup_server_message_set_status (message, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (message, type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
respond_take (SoupServerMessage *message,
              const char        *type,
              char              *body)
{
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, type, SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
redirect (SoupServerMessage *message,
          const char        *location)
{
  soup_server_message_set_status (message, 302, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "Location",
                                location);
}

static gboolean
verify_signature (Fixture           *fixture,
                  SoupServerMessage *message)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  GUri *uri = soup_server_message_get_uri (message);
  g_autofree char *path_and_query = g_strdup_printf ("%s%s%s", g_uri_get_path (uri),
                                                     g_uri_get_query (uri) ? "?" : "",
                                                     g_uri_get_query (uri) ?: "");
  g_autoptr(QtrHttpSignature) signature = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  signature = qtr_http_signature_parse (soup_server_message_get_method (message), path_and_query,
                                        NULL, soup_server_message_get_request_headers (message),
                                        body, now, NULL);
  if (signature == NULL || !qtr_http_signature_verify (signature, node_public_key, now, NULL))
    return FALSE;

  g_free (fixture->key_id);
  fixture->key_id = g_strdup (qtr_http_signature_get_key_id (signature));
  return TRUE;
}

static char *
repeat (const char *text,
        guint       times)
{
  GString *string = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (string, text);
  return g_string_free (string, FALSE);
}

/* A document nesting @depth levels in all, the outer object included. */
static char *
nested_document (const char *id,
                 guint       depth)
{
  g_autofree char *open = repeat ("[", depth - 1);
  g_autofree char *close = repeat ("]", depth - 1);

  return g_strdup_printf ("{\"id\": \"%s\", \"deep\": %s%s}", id, open, close);
}

/* A document whose array has @members members. */
static char *
wide_document (const char *id,
               guint       members)
{
  g_autofree char *rest = repeat (",0", members - 1);

  return g_strdup_printf ("{\"id\": \"%s\", \"wide\": [0%s]}", id, rest);
}

static void
serve_webfinger (Fixture           *fixture,
                 SoupServerMessage *message,
                 GHashTable        *query,
                 const char        *base)
{
  const char *resource = query ? g_hash_table_lookup (query, "resource") : NULL;
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", fixture->local_port);
  g_autofree char *alice = g_strdup_printf ("acct:alice@%s", host);
  g_autofree char *ld = g_strdup_printf ("acct:ld@%s", host);
  g_autofree char *noself = g_strdup_printf ("acct:noself@%s", host);
  g_autofree char *impostor = g_strdup_printf ("acct:impostor@%s", host);
  const char *type = "application/jrd+json";

  if (g_strcmp0 (resource, alice) == 0 || g_strcmp0 (resource, impostor) == 0)
    respond_take (message, type, g_strdup_printf (
      "{\"subject\": \"acct:Alice@%s\", \"links\": ["
      "{\"rel\": \"http://webfinger.net/rel/profile-page\", \"type\": \"text/html\","
      " \"href\": \"%s/@alice\"},"
      "{\"rel\": \"self\", \"type\": \"application/activity+json\", \"href\": \"%s/alice\"}]}",
      host, base, base));
  else if (g_strcmp0 (resource, ld) == 0)
    respond_take (message, type, g_strdup_printf (
      "{\"subject\": \"https://example.com/ld\", \"aliases\": [7, \"%s\"], \"links\": ["
      "{\"rel\": \"self\", \"type\": \"application/ld+json; "
      "profile=\\\"https://www.w3.org/ns/activitystreams\\\"\", \"href\": \"%s/ld\"}]}",
      ld, base));
  else if (g_strcmp0 (resource, noself) == 0)
    respond_take (message, type, g_strdup_printf (
      "{\"subject\": \"%s\", \"links\": ["
      "{\"rel\": \"self\", \"type\": \"text/html\", \"href\": \"%s/noself\"}]}",
      noself, base));
  else
    respond (message, 404, NULL, NULL);
}

static void
serve_inbox (Fixture           *fixture,
             SoupServerMessage *message,
             const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  g_free (fixture->content_type);
  fixture->content_type = g_strdup (soup_message_headers_get_one (
    soup_server_message_get_request_headers (message), "Content-Type"));

  if (strcmp (path, "/inbox") == 0)
    respond (message, 202, NULL, NULL);
  else if (strcmp (path, "/inbox/429") == 0)
    {
      soup_message_headers_replace (headers, "Retry-After", "120");
      respond (message, 429, "text/plain", "slow down");
    }
  else if (strcmp (path, "/inbox/503") == 0)
    {
      g_autoptr(GDateTime) later = g_date_time_new_from_unix_utc (
        g_get_real_time () / G_USEC_PER_SEC + 60);
      g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);

      soup_message_headers_replace (headers, "Retry-After", date);
      respond (message, 503, NULL, NULL);
    }
  else if (strcmp (path, "/inbox/410") == 0)
    respond (message, 410, NULL, NULL);
  else if (strcmp (path, "/inbox/500") == 0)
    respond (message, 500, NULL, NULL);
  else
    respond (message, 404, NULL, NULL);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fixture = user_data;
  GUri *uri = soup_server_message_get_uri (message);
  g_autofree char *base = g_strdup_printf ("http://%s:%d", g_uri_get_host (uri),
                                           g_uri_get_port (uri));
  g_autofree char *id = g_strdup_printf ("%s%s", base, path);
  const char *activity = "application/activity+json";

  fixture->requests++;
  g_free (fixture->user_agent);
  fixture->user_agent = g_strdup (soup_message_headers_get_one (
    soup_server_message_get_request_headers (message), "User-Agent"));

  if (!verify_signature (fixture, message))
    {
      respond (message, 401, "text/plain", "not signed");
      return;
    }

  if (g_str_has_prefix (path, "/inbox"))
    serve_inbox (fixture, message, path);
  else if (strcmp (path, "/.well-known/webfinger") == 0)
    serve_webfinger (fixture, message, query, base);
  else if (g_str_has_prefix (path, "/redirect/"))
    {
      guint64 left = g_ascii_strtoull (path + strlen ("/redirect/"), NULL, 10);
      g_autofree char *next = g_strdup_printf ("/redirect/%" G_GUINT64_FORMAT, left - 1);

      if (left == 0)
        respond_take (message, activity, g_strdup_printf ("{\"id\": \"%s\"}", id));
      else
        redirect (message, next);
    }
  else if (strcmp (path, "/to-private") == 0)
    {
      g_autofree char *location = g_strdup_printf ("http://127.0.0.1:%u/secret",
                                                   fixture->listener_port);
      redirect (message, location);
    }
  else if (strcmp (path, "/to-blocked") == 0)
    {
      g_autofree char *location = g_strdup_printf ("http://localhost:%u/secret",
                                                   fixture->listener_port);
      redirect (message, location);
    }
  else if (strcmp (path, "/to-javascript") == 0)
    redirect (message, "javascript:alert(1)");
  else if (strcmp (path, "/to-ftp") == 0)
    redirect (message, "ftp://" PUBLIC_ADDRESS "/file");
  else if (strcmp (path, "/huge") == 0 || strcmp (path, "/huge-chunked") == 0)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
      SoupMessageBody *body = soup_server_message_get_response_body (message);
      char *chunk = g_malloc (MIB);

      memset (chunk, ' ', MIB);
      soup_server_message_set_status (message, 200, NULL);
      soup_message_headers_set_content_type (headers, activity, NULL);
      if (strcmp (path, "/huge-chunked") == 0)
        soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, MIB);
      soup_message_body_append (body, SOUP_MEMORY_TAKE, chunk, MIB);
      soup_message_body_complete (body);
    }
  else if (strcmp (path, "/html") == 0)
    respond_take (message, "text/html", g_strdup_printf ("{\"id\": \"%s\"}", id));
  else if (strcmp (path, "/ld") == 0)
    respond_take (message, "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
                  g_strdup_printf ("{\"id\": \"%s\"}", id));
  else if (strcmp (path, "/a") == 0)
    respond_take (message, activity, g_strdup_printf ("{\"id\": \"%s/b\"}", base));
  else if (strcmp (path, "/other-host") == 0)
    respond (message, 200, activity, "{\"id\": \"https://elsewhere.example/other-host\"}");
  else if (strcmp (path, "/no-id") == 0)
    respond (message, 200, activity, "{\"type\": \"Note\"}");
  else if (strcmp (path, "/deep") == 0)
    {
      g_autofree char *open = repeat ("[", 10000);
      g_autofree char *close = repeat ("]", 10000);

      respond_take (message, activity, g_strconcat (open, close, NULL));
    }
  else if (strcmp (path, "/depth-64") == 0)
    respond_take (message, activity, nested_document (id, 64));
  else if (strcmp (path, "/depth-65") == 0)
    respond_take (message, activity, nested_document (id, 65));
  else if (strcmp (path, "/width-10000") == 0)
    respond_take (message, activity, wide_document (id, 10000));
  else if (strcmp (path, "/width-10001") == 0)
    respond_take (message, activity, wide_document (id, 10001));
  else if (strcmp (path, "/brackets-in-strings") == 0)
    {
      g_autofree char *brackets = repeat ("[{", 100);

      respond_take (message, activity, g_strdup_printf (
        "{\"id\": \"%s\", \"a\": \"\\\"%s\\\\\", \"b\": \"%s\"}", id, brackets, brackets));
    }
  else if (strcmp (path, "/bad-utf8") == 0)
    respond_take (message, activity, g_strdup_printf ("{\"id\": \"%s\", \"a\": \"\xff\xfe\"}", id));
  else if (strcmp (path, "/bad-json") == 0)
    respond_take (message, activity, g_strdup_printf ("{\"id\": \"%s\", ", id));
  else if (strcmp (path, "/not-object") == 0)
    respond_take (message, activity, g_strdup_printf ("[\"%s\"]", id));
  else if (strcmp (path, "/gone") == 0)
    respond (message, 410, NULL, NULL);
  else if (strcmp (path, "/slow") == 0)
    {
      soup_server_message_pause (message);
      fixture->paused = g_slist_prepend (fixture->paused, message);
    }
  else
    respond_take (message, activity,
                  g_strdup_printf ("{\"id\": \"%s\", \"type\": \"Person\"}", id));
}

static guint
listen_on (SoupServer *server,
           const char *address_text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (address_text);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint port = 0;

  soup_server_listen (server, socket_address, 0, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server);
  for (GSList *l = uris; l != NULL; l = l->next)
    {
      if (strcmp (g_uri_get_host (l->data), address_text) == 0)
        port = g_uri_get_port (l->data);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_cmpuint (port, >, 0);
  return port;
}

static GSocket *
new_listener (const char *address_text,
              gboolean    listening,
              guint      *port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (address_text);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (address, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  if (listening)
    {
      g_socket_listen (socket, &error);
      g_assert_no_error (error);
    }
  g_socket_set_blocking (socket, FALSE);

  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}

/* How many connections reached the listener since the last call. */
static guint
count_connections (GSocket *listener)
{
  GSocket *accepted;
  guint count = 0;

  while ((accepted = g_socket_accept (listener, NULL, NULL)) != NULL)
    {
      count++;
      g_object_unref (accepted);
    }
  return count;
}

static QtrFetcher *
new_fetcher (QtrKey *key)
{
  QtrFetcher *fetcher = qtr_fetcher_new (NODE_URL, key, key != NULL ? KEY_ID : NULL);

  qtr_fetcher_set_address_policy (fetcher, allow_public_stand_in, NULL, NULL);
  qtr_fetcher_set_timeout (fetcher, 5);
  return fetcher;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->fetcher = new_fetcher (node_key);
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  fixture->public_port = listen_on (fixture->server, PUBLIC_ADDRESS);
  fixture->local_port = listen_on (fixture->server, "127.0.0.1");
  fixture->public_base = g_strdup_printf ("http://" PUBLIC_ADDRESS ":%u", fixture->public_port);
  fixture->local_base = g_strdup_printf ("http://127.0.0.1:%u", fixture->local_port);
  fixture->listener = new_listener ("127.0.0.1", TRUE, &fixture->listener_port);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->fetcher);

  for (GSList *l = fixture->paused; l != NULL; l = l->next)
    soup_server_message_unpause (l->data);
  g_slist_free (fixture->paused);
  soup_server_disconnect (fixture->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->server);

  g_socket_close (fixture->listener, NULL);
  g_object_unref (fixture->listener);
  g_free (fixture->public_base);
  g_free (fixture->local_base);
  g_free (fixture->key_id);
  g_free (fixture->user_agent);
  g_free (fixture->content_type);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static JsonObject *
fetch_with (QtrFetcher    *fetcher,
            const char    *url,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_fetcher_fetch_object_async (fetcher, url, cancellable, store_result_cb, &result);
  return qtr_fetcher_fetch_object_finish (fetcher, wait_for (&result), error);
}

static JsonObject *
fetch (Fixture     *fixture,
       const char  *path,
       GError     **error)
{
  g_autofree char *url = g_strconcat (fixture->public_base, path, NULL);

  return fetch_with (fixture->fetcher, url, NULL, error);
}

/* Fails unless fetching @path fails with @code. */
static void
assert_fetch_fails (Fixture    *fixture,
                    const char *path,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = fetch (fixture, path, &error);

  g_assert_error (error, QTR_FETCH_ERROR, code);
  g_assert_null (object);
  g_assert_false (qtr_fetch_error_is_transient (error));
}

static void
assert_id (JsonObject *object,
           const char *base,
           const char *path)
{
  g_autofree char *expected = g_strconcat (base, path, NULL);

  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, expected);
}

static void
test_fetch_signed (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = fetch (fixture, "/users/alice#main-key", &error);

  g_assert_no_error (error);
  assert_id (object, fixture->public_base, "/users/alice");
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "Person");
  g_assert_cmpstr (fixture->key_id, ==, KEY_ID);
  g_assert_cmpstr (fixture->user_agent, ==, "Quitter/" PACKAGE_VERSION " (+" NODE_URL ")");
  g_assert_cmpuint (fixture->requests, ==, 1);

  /* ld+json with the ActivityStreams profile is the other type we take. */
  g_clear_pointer (&object, json_object_unref);
  object = fetch (fixture, "/ld", &error);
  g_assert_no_error (error);
  assert_id (object, fixture->public_base, "/ld");
}

/* The server above refuses what is not signed with the node's key. */
static void
test_fetch_unsigned (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(QtrFetcher) fetcher = new_fetcher (NULL);
  g_autofree char *url = g_strconcat (fixture->public_base, "/users/alice", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = fetch_with (fetcher, url, NULL, &error);

  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP);
  g_assert_cmpuint (qtr_fetch_error_get_status (error), ==, 401);
  g_assert_true (qtr_fetch_error_is_transient (error));
  g_assert_null (object);
  g_assert_null (fixture->key_id);
}

static void
test_default_policy (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(QtrFetcher) fetcher = qtr_fetcher_new (NODE_URL, node_key, KEY_ID);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/actor", fixture->listener_port);
  g_autofree char *by_name = g_strdup_printf ("http://localhost:%u/actor",
                                              fixture->listener_port);
  g_autofree char *public_url = g_strconcat (fixture->public_base, "/actor", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  object = fetch_with (fetcher, url, NULL, &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_ADDRESS);
  g_assert_cmpstr (error->message, ==, "refused 127.0.0.1: loopback (127.0.0.0/8)");
  g_assert_false (qtr_fetch_error_is_transient (error));
  g_assert_null (object);
  g_assert_cmpuint (count_connections (fixture->listener), ==, 0);
  g_clear_error (&error);

  /* Through a name, the resolved address is what is checked. */
  object = fetch_with (fetcher, by_name, NULL, &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_ADDRESS);
  g_assert_null (object);
  g_assert_cmpuint (count_connections (fixture->listener), ==, 0);
  g_clear_error (&error);

  /* The default policy knows nothing of the stand-in. */
  object = fetch_with (fetcher, public_url, NULL, &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_ADDRESS);
  g_assert_cmpuint (fixture->requests, ==, 0);
}

static void
test_allow_private (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(QtrFetcher) fetcher = qtr_fetcher_new (NODE_URL, node_key, KEY_ID);
  g_autofree char *url = g_strconcat (fixture->local_base, "/actor", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  qtr_fetcher_set_allow_private_addresses (fetcher, TRUE);
  g_assert_true (qtr_fetcher_get_allow_private_addresses (fetcher));
  object = fetch_with (fetcher, url, NULL, &error);
  g_assert_no_error (error);
  assert_id (object, fixture->local_base, "/actor");
}

typedef struct {
  GSocket      *listener;
  GCancellable *cancellable;
  GSocket      *accepted;
} CancelOnConnect;

static gboolean
cancel_on_connect_cb (gpointer user_data)
{
  CancelOnConnect *watch = user_data;

  watch->accepted = g_socket_accept (watch->listener, NULL, NULL);
  if (watch->accepted == NULL)
    return G_SOURCE_CONTINUE;
  g_cancellable_cancel (watch->cancellable);
  return G_SOURCE_REMOVE;
}

/* The connection counter sees a connection when one is made: here, to a listener that accepts
 * it and never answers, until the request is cancelled. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(QtrFetcher) fetcher = qtr_fetcher_new (NODE_URL, node_key, KEY_ID);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/actor", fixture->listener_port);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  CancelOnConnect watch = { fixture->listener, cancellable, NULL };
  guint watch_id;

  qtr_fetcher_set_allow_private_addresses (fetcher, TRUE);
  watch_id = g_timeout_add (10, cancel_on_connect_cb, &watch);
  object = fetch_with (fetcher, url, cancellable, &error);
  if (watch.accepted == NULL)
    g_source_remove (watch_id);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (qtr_fetch_error_is_transient (error));
  g_assert_null (object);
  g_assert_nonnull (watch.accepted);
  g_assert_cmpuint (count_connections (fixture->listener), ==, 0);
  g_object_unref (watch.accepted);
}

static void
test_redirect_to_private (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = fetch (fixture, "/to-private", &error);

  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_ADDRESS);
  g_assert_cmpstr (error->message, ==, "refused 127.0.0.1: loopback (127.0.0.0/8)");
  g_assert_null (object);
  g_assert_cmpuint (fixture->requests, ==, 1);
  g_assert_cmpuint (count_connections (fixture->listener), ==, 0);
}

static void
test_redirects (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = fetch (fixture, "/redirect/2", &error);

  /* Two are followed, and the id is checked against where they lead. */
  g_assert_no_error (error);
  assert_id (object, fixture->public_base, "/redirect/0");
  g_assert_cmpuint (fixture->requests, ==, 3);

  fixture->requests = 0;
  assert_fetch_fails (fixture, "/redirect/3", QTR_FETCH_ERROR_TOO_MANY_REDIRECTS);
  g_assert_cmpuint (fixture->requests, ==, 3);
}

static void
test_redirect_schemes (Fixture       *fixture,
                       gconstpointer  data)
{
  assert_fetch_fails (fixture, "/to-javascript", QTR_FETCH_ERROR_UNSUPPORTED_SCHEME);
  assert_fetch_fails (fixture, "/to-ftp", QTR_FETCH_ERROR_UNSUPPORTED_SCHEME);
  g_assert_cmpuint (fixture->requests, ==, 2);
}

static void
test_blocked_domain (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://localhost:%u/actor", fixture->listener_port);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  qtr_fetcher_set_blocked_domain_check (fixture->fetcher, is_blocked, NULL, NULL);
  qtr_fetcher_set_allow_private_addresses (fixture->fetcher, TRUE);

  object = fetch_with (fixture->fetcher, url, NULL, &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_DOMAIN);
  g_assert_false (qtr_fetch_error_is_transient (error));
  g_assert_null (object);
  g_assert_cmpuint (count_connections (fixture->listener), ==, 0);
  g_clear_error (&error);

  assert_fetch_fails (fixture, "/to-blocked", QTR_FETCH_ERROR_BLOCKED_DOMAIN);
  g_assert_cmpuint (fixture->requests, ==, 1);
  g_assert_cmpuint (count_connections (fixture->listener), ==, 0);

  object = fetch_with (fixture->fetcher, "https://Blocked.Example./actor", NULL, &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_DOMAIN);
}

static void
test_bad_urls (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  object = fetch_with (fixture->fetcher, "ftp://" PUBLIC_ADDRESS "/file", NULL, &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_UNSUPPORTED_SCHEME);
  g_clear_error (&error);

  object = fetch_with (fixture->fetcher, "/relative", NULL, &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_INVALID_URL);
  g_clear_error (&error);

  object = fetch_with (fixture->fetcher, "http://user:secret@" PUBLIC_ADDRESS "/", NULL, &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_INVALID_URL);
  g_assert_cmpuint (fixture->requests, ==, 0);
}

static void
test_too_large (Fixture       *fixture,
                gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();

  assert_fetch_fails (fixture, "/huge", QTR_FETCH_ERROR_TOO_LARGE);
  assert_fetch_fails (fixture, "/huge-chunked", QTR_FETCH_ERROR_TOO_LARGE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_content_type (Fixture       *fixture,
                   gconstpointer  data)
{
  assert_fetch_fails (fixture, "/html", QTR_FETCH_ERROR_BAD_CONTENT_TYPE);
}

static void
test_id_mismatch (Fixture       *fixture,
                  gconstpointer  data)
{
  assert_fetch_fails (fixture, "/a", QTR_FETCH_ERROR_ID_MISMATCH);
  assert_fetch_fails (fixture, "/other-host", QTR_FETCH_ERROR_ID_MISMATCH);
  assert_fetch_fails (fixture, "/no-id", QTR_FETCH_ERROR_ID_MISMATCH);
}

static void
test_json_shape (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  assert_fetch_fails (fixture, "/deep", QTR_FETCH_ERROR_TOO_DEEP);
  assert_fetch_fails (fixture, "/depth-65", QTR_FETCH_ERROR_TOO_DEEP);
  assert_fetch_fails (fixture, "/width-10001", QTR_FETCH_ERROR_TOO_LARGE);

  object = fetch (fixture, "/depth-64", &error);
  g_assert_no_error (error);
  assert_id (object, fixture->public_base, "/depth-64");
  g_clear_pointer (&object, json_object_unref);

  object = fetch (fixture, "/width-10000", &error);
  g_assert_no_error (error);
  assert_id (object, fixture->public_base, "/width-10000");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "wide")), ==,
                    10000);
  g_clear_pointer (&object, json_object_unref);

  /* Brackets and escaped quotes inside strings are text, not structure. */
  object = fetch (fixture, "/brackets-in-strings", &error);
  g_assert_no_error (error);
  assert_id (object, fixture->public_base, "/brackets-in-strings");
}

static void
test_invalid_json (Fixture       *fixture,
                   gconstpointer  data)
{
  assert_fetch_fails (fixture, "/bad-utf8", QTR_FETCH_ERROR_INVALID_JSON);
  assert_fetch_fails (fixture, "/bad-json", QTR_FETCH_ERROR_INVALID_JSON);
  assert_fetch_fails (fixture, "/not-object", QTR_FETCH_ERROR_INVALID_JSON);
}

static void
test_http_error (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = fetch (fixture, "/gone", &error);

  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP);
  g_assert_cmpuint (qtr_fetch_error_get_status (error), ==, 410);
  g_assert_nonnull (strstr (error->message, "410"));
  g_assert_false (qtr_fetch_error_is_transient (error));
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  qtr_fetcher_set_timeout (fixture->fetcher, 1);
  g_assert_cmpuint (qtr_fetcher_get_timeout (fixture->fetcher), ==, 1);
  object = fetch (fixture, "/slow", &error);
  elapsed = g_get_monotonic_time () - start;

  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_TIMEOUT);
  g_assert_true (qtr_fetch_error_is_transient (error));
  g_assert_null (object);
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC * 9 / 10);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);
}

static char *
webfinger (Fixture     *fixture,
           const char  *user,
           GError     **error)
{
  g_autofree char *handle = g_strdup_printf ("@%s@127.0.0.1:%u", user, fixture->local_port);
  g_autoptr(GAsyncResult) result = NULL;

  qtr_fetcher_webfinger_async (fixture->fetcher, handle, NULL, store_result_cb, &result);
  return qtr_fetcher_webfinger_finish (fixture->fetcher, wait_for (&result), error);
}

static void
test_webfinger (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *alice = NULL;
  g_autofree char *ld = NULL;
  g_autofree char *expected = NULL;

  qtr_fetcher_set_allow_private_addresses (fixture->fetcher, TRUE);

  alice = webfinger (fixture, "alice", &error);
  g_assert_no_error (error);
  expected = g_strconcat (fixture->local_base, "/alice", NULL);
  g_assert_cmpstr (alice, ==, expected);
  g_free (expected);

  /* Found through an alias, with the ld+json type. */
  ld = webfinger (fixture, "ld", &error);
  g_assert_no_error (error);
  expected = g_strconcat (fixture->local_base, "/ld", NULL);
  g_assert_cmpstr (ld, ==, expected);
}

static void
test_webfinger_failures (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  qtr_fetcher_set_allow_private_addresses (fixture->fetcher, TRUE);

  actor = webfinger (fixture, "nobody", &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP);
  g_assert_cmpuint (qtr_fetch_error_get_status (error), ==, 404);
  g_assert_null (actor);
  g_clear_error (&error);

  actor = webfinger (fixture, "noself", &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_NO_ACTOR);
  g_assert_null (actor);
  g_clear_error (&error);

  /* The answer is about someone else. */
  actor = webfinger (fixture, "impostor", &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_ID_MISMATCH);
  g_assert_null (actor);
  g_clear_error (&error);

  qtr_fetcher_webfinger_async (fixture->fetcher, "not a handle", NULL, store_result_cb, &result);
  actor = qtr_fetcher_webfinger_finish (fixture->fetcher, wait_for (&result), &error);
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_INVALID_URL);
  g_assert_null (actor);
  g_assert_cmpuint (fixture->requests, ==, 3);
}

/* Posts to @url; returns what post_finish returned, the outcome in @outcome. */
static gboolean
post (Fixture             *fixture,
      const char          *url,
      QtrDeliveryOutcome **outcome,
      GError             **error)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"type\": \"Follow\"}", 18);
  g_autoptr(GAsyncResult) result = NULL;

  qtr_fetcher_post_async (fixture->fetcher, url, body, NULL, store_result_cb, &result);
  return qtr_fetcher_post_finish (fixture->fetcher, wait_for (&result), outcome, error);
}

static gboolean
post_to (Fixture             *fixture,
         const char          *path,
         QtrDeliveryOutcome **outcome,
         GError             **error)
{
  g_autofree char *url = g_strconcat (fixture->public_base, path, NULL);

  return post (fixture, url, outcome, error);
}

static void
test_post (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(QtrDeliveryOutcome) outcome = NULL;
  g_autoptr(QtrDeliveryOutcome) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (post_to (fixture, "/inbox", &outcome, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (outcome->status, ==, 202);
  g_assert_cmpint (outcome->retry_after_seconds, ==, -1);
  g_assert_false (outcome->permanent);
  /* The server checked the Digest and the signature. */
  g_assert_cmpstr (fixture->key_id, ==, KEY_ID);
  g_assert_cmpstr (fixture->content_type, ==, "application/activity+json");

  copy = g_boxed_copy (QTR_TYPE_DELIVERY_OUTCOME, outcome);
  g_assert_cmpuint (copy->status, ==, 202);
}

static void
test_post_failures (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(QtrDeliveryOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (post_to (fixture, "/inbox/429", &outcome, &error));
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "429"));
  g_assert_true (qtr_fetch_error_is_transient (error));
  g_assert_cmpuint (outcome->status, ==, 429);
  g_assert_cmpint (outcome->retry_after_seconds, ==, 120);
  g_assert_false (outcome->permanent);
  g_clear_error (&error);
  g_clear_pointer (&outcome, qtr_delivery_outcome_free);

  g_assert_false (post_to (fixture, "/inbox/503", &outcome, &error));
  g_assert_cmpuint (outcome->status, ==, 503);
  g_assert_cmpint (outcome->retry_after_seconds, >=, 55);
  g_assert_cmpint (outcome->retry_after_seconds, <=, 60);
  g_assert_false (outcome->permanent);
  g_clear_error (&error);
  g_clear_pointer (&outcome, qtr_delivery_outcome_free);

  g_assert_false (post_to (fixture, "/inbox/410", &outcome, &error));
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP);
  g_assert_false (qtr_fetch_error_is_transient (error));
  g_assert_cmpuint (outcome->status, ==, 410);
  g_assert_true (outcome->permanent);
  g_clear_error (&error);
  g_clear_pointer (&outcome, qtr_delivery_outcome_free);

  g_assert_false (post_to (fixture, "/inbox/500", &outcome, &error));
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP);
  g_assert_true (qtr_fetch_error_is_transient (error));
  g_assert_cmpuint (outcome->status, ==, 500);
  g_assert_false (outcome->permanent);
}

static void
test_post_unreachable (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(QtrDeliveryOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) closed = NULL;
  g_autofree char *url = NULL;
  g_autofree char *private_url = NULL;
  guint port;

  /* A port bound and closed again: nobody listens there. */
  closed = new_listener (PUBLIC_ADDRESS, FALSE, &port);
  g_socket_close (closed, NULL);
  url = g_strdup_printf ("http://" PUBLIC_ADDRESS ":%u/inbox", port);

  g_assert_false (post (fixture, url, &outcome, &error));
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_NETWORK);
  g_assert_true (qtr_fetch_error_is_transient (error));
  g_assert_cmpuint (outcome->status, ==, 0);
  g_assert_cmpint (outcome->retry_after_seconds, ==, -1);
  g_assert_false (outcome->permanent);
  g_clear_error (&error);
  g_clear_pointer (&outcome, qtr_delivery_outcome_free);

  /* A refused address is permanent: the queue drops the delivery. */
  private_url = g_strdup_printf ("http://127.0.0.1:%u/inbox", fixture->listener_port);
  g_assert_false (post (fixture, private_url, &outcome, &error));
  g_assert_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_ADDRESS);
  g_assert_true (outcome->permanent);
  g_assert_cmpuint (count_connections (fixture->listener), ==, 0);
}

static void
add_test (const char *path,
          void      (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, test, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  pem = qtr_test_load_text ("http-signature", "rfc9421-test-key-rsa.pem");
  node_key = qtr_key_new_from_private_pem (pem, -1, &error);
  g_assert_no_error (error);
  node_public_key = qtr_key_dup_public (node_key);

  add_test ("/federation/fetcher/fetch/signed", test_fetch_signed);
  add_test ("/federation/fetcher/fetch/unsigned", test_fetch_unsigned);
  add_test ("/federation/fetcher/guard/default-policy", test_default_policy);
  add_test ("/federation/fetcher/guard/allow-private", test_allow_private);
  add_test ("/federation/fetcher/guard/cancel", test_cancel);
  add_test ("/federation/fetcher/guard/redirect-to-private", test_redirect_to_private);
  add_test ("/federation/fetcher/redirect/count", test_redirects);
  add_test ("/federation/fetcher/redirect/scheme", test_redirect_schemes);
  add_test ("/federation/fetcher/blocked-domain", test_blocked_domain);
  add_test ("/federation/fetcher/bad-url", test_bad_urls);
  add_test ("/federation/fetcher/fetch/too-large", test_too_large);
  add_test ("/federation/fetcher/fetch/content-type", test_content_type);
  add_test ("/federation/fetcher/fetch/id-mismatch", test_id_mismatch);
  add_test ("/federation/fetcher/fetch/json-shape", test_json_shape);
  add_test ("/federation/fetcher/fetch/invalid-json", test_invalid_json);
  add_test ("/federation/fetcher/fetch/http-error", test_http_error);
  add_test ("/federation/fetcher/fetch/timeout", test_timeout);
  add_test ("/federation/fetcher/webfinger/found", test_webfinger);
  add_test ("/federation/fetcher/webfinger/failures", test_webfinger_failures);
  add_test ("/federation/fetcher/post/delivered", test_post);
  add_test ("/federation/fetcher/post/failures", test_post_failures);
  add_test ("/federation/fetcher/post/unreachable", test_post_unreachable);

  status = g_test_run ();

  g_clear_object (&node_key);
  g_clear_object (&node_public_key);
  return status;
}
