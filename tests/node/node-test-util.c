/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "node-test-util.h"

#include <string.h>

#include "qtr-http-signature.h"
#include "qtr-node-store-api.h"
#include "qtr-oauth.h"

/* Nodes */

/**
 * qtr_test_node_start:
 * @root: (nullable): the folder of the test's data folders, or %NULL for a temporary folder
 *   of the node's own, which qtr_test_node_stop() removes
 * @username: the owner's username
 * @options: (nullable): how the node differs from the default one
 *
 * Sets up a node in a new folder of @root, named @username or @options->folder, as
 * `quitter-node init` would, on a free port of 127.0.0.1, allowed to
 * reach private addresses (the other nodes of the test are on loopback too), and starts it.
 * Stop it with qtr_test_node_stop().
 */
void
qtr_test_node_start (QtrTestNode              *node,
                     const char               *root,
                     const char               *username,
                     const QtrTestNodeOptions *options)
{
  static const QtrTestNodeOptions defaults = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNodeConfig) config = NULL;
  g_autofree char *conf_path = NULL;
  gboolean started;

  if (options == NULL)
    options = &defaults;
  if (root == NULL)
    {
      node->own_root = g_dir_make_tmp ("quitter-test-node-XXXXXX", &error);
      g_assert_no_error (error);
      root = node->own_root;
    }
  node->dir = g_build_filename (root, options->folder ? options->folder : username, NULL);
  node->username = g_strdup (username);
  node->port = qtr_test_pick_free_port ();
  node->base = g_strdup_printf ("http://127.0.0.1:%u", node->port);
  node->handle = g_strdup_printf ("@%s@127.0.0.1:%u", username, node->port);
  node->actor = g_strdup_printf ("%s/users/%s", node->base, username);
  g_assert_true (qtr_node_init_data_dir (node->dir, node->base, username,
                                         options->display_name, &error));
  g_assert_no_error (error);

  conf_path = g_build_filename (node->dir, "node.conf", NULL);
  config = qtr_node_config_load (conf_path, &error);
  g_assert_no_error (error);
  config->allow_private_addresses = TRUE;
  config->manual_approval = options->manual_approval;
  config->port = node->port;
  g_assert_true (qtr_node_config_save (config, conf_path, &error));
  g_assert_no_error (error);

  node->node = qtr_node_open (node->dir, &error);
  g_assert_no_error (error);
  started = qtr_node_start (node->node, &error);
  g_assert_no_error (error);
  g_assert_true (started);
}

/**
 * qtr_test_node_stop:
 *
 * Stops a node of qtr_test_node_start(), checks that nothing holds it any more, and frees
 * what @node holds; removes the node's temporary folder if it had one. A node that never started, or that stopped already, is left as it is.
 */
void
qtr_test_node_stop (QtrTestNode *node)
{
  if (node->dir == NULL)
    return;
  if (node->node != NULL)
    {
      qtr_node_stop (node->node);
      g_assert_finalize_object (g_steal_pointer (&node->node));
    }
  g_clear_pointer (&node->dir, g_free);
  g_clear_pointer (&node->username, g_free);
  g_clear_pointer (&node->base, g_free);
  g_clear_pointer (&node->handle, g_free);
  g_clear_pointer (&node->actor, g_free);
  if (node->own_root != NULL)
    {
      qtr_test_remove_tree (node->own_root);
      g_clear_pointer (&node->own_root, g_free);
    }
}

/**
 * qtr_test_node_get_key:
 *
 * Returns: (transfer none): the owner's private key, which signs what the node sends
 */
QtrKey *
qtr_test_node_get_key (QtrTestNode *node)
{
  return qtr_node_get_owner (node->node)->key;
}

/**
 * qtr_test_node_get_key_id:
 *
 * Returns: (transfer full): the id of the owner's key, as signatures name it
 */
char *
qtr_test_node_get_key_id (QtrTestNode *node)
{
  return g_strconcat (node->actor, "#main-key", NULL);
}

/* node.db */

/**
 * qtr_test_node_count:
 * @sql: a query whose first column of its first row is a number (`SELECT count (*) …`)
 *
 * Returns: that number, read from @node's database as it is now
 */
gint64
qtr_test_node_count (QtrTestNode *node,
                     const char  *sql)
{
  QtrDb *db = qtr_node_store_get_db (qtr_node_get_store (node->node));
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = qtr_db_prepare (db, sql, &error);
  gint64 n;

  g_assert_no_error (error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/**
 * qtr_test_node_countf:
 * @format: a printf() format for the query of qtr_test_node_count()
 *
 * Returns: what qtr_test_node_count() returns for the query made of @format and the rest
 */
gint64
qtr_test_node_countf (QtrTestNode *node,
                      const char  *format,
                      ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return qtr_test_node_count (node, sql);
}

/**
 * qtr_test_node_wait_rows:
 *
 * Runs the main context until @sql counts @expected in @node's database; fails the test after
 * %QTR_TEST_WAIT_SECONDS.
 */
void
qtr_test_node_wait_rows (QtrTestNode *node,
                         gint64       expected,
                         const char  *sql)
{
  gint64 deadline = g_get_monotonic_time () + QTR_TEST_WAIT_SECONDS * G_USEC_PER_SEC;

  while (qtr_test_node_count (node, sql) != expected)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %" G_GINT64_FORMAT " rows of: %s", expected, sql);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/**
 * qtr_test_node_is_idle:
 *
 * Returns: whether @node has applied what came to its inbox, fetched what it wanted and
 *   delivered what it sent
 */
gboolean
qtr_test_node_is_idle (QtrTestNode *node)
{
  return qtr_node_count_fetches (node->node) == 0 &&
         qtr_test_node_count (node, "SELECT count (*) FROM inbox WHERE processed_at IS NULL")
         == 0 &&
         qtr_test_node_count (node, "SELECT count (*) FROM deliveries") == 0;
}

/* Actions */

/**
 * qtr_test_node_follow:
 * @handle: whom to follow: a handle or an actor URL
 *
 * Runs qtr_node_follow_async() to its end; it must succeed. The follow need not be accepted
 * yet.
 *
 * Returns: (transfer full): the followed actor's URL
 */
char *
qtr_test_node_follow (QtrTestNode *follower,
                      const char  *handle)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *actor;

  qtr_node_follow_async (follower->node, handle, NULL, qtr_test_got_result_cb, &result);
  actor = qtr_node_follow_finish (follower->node, qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (actor);
  return actor;
}

/* HTTP */

/**
 * qtr_test_node_mint_token:
 *
 * Registers an app (its own client id each time) on @node and issues its owner's access token for it ("read write follow
 * push"), as the OAuth flow would.
 *
 * Returns: (transfer full): the token, for `Authorization: Bearer`
 */
char *
qtr_test_node_mint_token (QtrTestNode *node)
{
  static guint n_apps;
  g_autofree char *client_id = g_strdup_printf ("test-client-%u", ++n_apps);
  QtrNodeStore *store = qtr_node_get_store (node->node);
  QtrOAuthApp app = { 0, "Test client", "https://example.org/client", "urn:ietf:wg:oauth:2.0:oob",
                      "read write follow push", client_id, "secret-hash" };
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  char *token;
  gint64 app_row;

  app_row = qtr_node_store_add_app (store, &app, &error);
  g_assert_no_error (error);
  g_assert_cmpint (app_row, >, 0);
  token = qtr_oauth_new_token ();
  hash = qtr_oauth_hash_token (token);
  g_assert_cmpint (qtr_node_store_add_token (store, hash, app_row, TRUE,
                                             "read write follow push", &error), >, 0);
  g_assert_no_error (error);
  return token;
}

void
qtr_test_answer_clear (QtrTestAnswer *answer)
{
  answer->status = 0;
  g_clear_pointer (&answer->headers, soup_message_headers_unref);
  g_clear_pointer (&answer->bytes, g_bytes_unref);
  g_clear_pointer (&answer->body, g_free);
}

/**
 * qtr_test_send:
 * @msg: a request
 * @answer: where the answer goes; what it held before is let go
 *
 * Sends @msg with a session of its own and reads the whole answer; the request must reach the
 * server and be answered, whatever the status.
 */
void
qtr_test_send (SoupMessage   *msg,
               QtrTestAnswer *answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  qtr_test_answer_clear (answer);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    qtr_test_got_result_cb, &result);
  answer->bytes = soup_session_send_and_read_finish (session, qtr_test_wait_result (&result),
                                                     &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  answer->body = g_strndup (g_bytes_get_data (answer->bytes, NULL),
                            g_bytes_get_size (answer->bytes));
}

/**
 * qtr_test_get:
 * @accept: (nullable): the Accept header to send
 *
 * GETs @url with qtr_test_send().
 */
void
qtr_test_get (const char    *url,
              const char    *accept,
              QtrTestAnswer *answer)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  g_assert_nonnull (msg);
  if (accept != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", accept);
  qtr_test_send (msg, answer);
}

/**
 * qtr_test_signed_post:
 * @body: ActivityStreams JSON
 * @key_id: the id of @key
 * @key: (nullable): the private key to sign with, or %NULL to send @body unsigned
 *
 * Returns: (transfer full): a POST of @body to @url, signed as nodes sign deliveries (a
 *   Digest of the body under an HTTP signature), to send with qtr_test_send()
 */
SoupMessage *
qtr_test_signed_post (const char *url,
                      const char *body,
                      const char *key_id,
                      QtrKey     *key)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GError) error = NULL;
  SoupMessage *msg = soup_message_new ("POST", url);

  g_assert_nonnull (msg);
  if (key != NULL)
    {
      g_assert_true (qtr_http_signature_sign_message (msg, "application/activity+json", bytes,
                                                      key_id, key, &error));
      g_assert_no_error (error);
    }
  else
    soup_message_set_request_body_from_bytes (msg, "application/activity+json", bytes);
  return msg;
}

/**
 * qtr_test_deliver:
 *
 * Sends @body to @inbox, signed with @key as @key_id; the inbox must take it (202 Accepted).
 */
void
qtr_test_deliver (const char *inbox,
                  const char *body,
                  const char *key_id,
                  QtrKey     *key)
{
  g_autoptr(SoupMessage) msg = qtr_test_signed_post (inbox, body, key_id, key);
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_send (msg, &answer);
  if (answer.status != SOUP_STATUS_ACCEPTED)
    g_error ("%s refused a delivery (%u: %s): %s", inbox, answer.status, answer.body, body);
}

/**
 * qtr_test_node_deliver:
 * @signer: the node whose owner signs
 *
 * qtr_test_deliver() with the key of @signer's owner.
 */
void
qtr_test_node_deliver (QtrTestNode *signer,
                       const char  *inbox,
                       const char  *body)
{
  g_autofree char *key_id = qtr_test_node_get_key_id (signer);

  qtr_test_deliver (inbox, body, key_id, qtr_test_node_get_key (signer));
}

/* Servers of the test's making */

/**
 * qtr_test_listen:
 * @server: a server of the test's
 * @address: a loopback address, such as 127.0.0.2
 *
 * Makes @server listen on a free port of @address too.
 *
 * Returns: (transfer full): the base URL there, `http://ADDRESS:PORT`
 */
char *
qtr_test_listen (SoupServer *server,
                 const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  g_assert_true (soup_server_listen (server, socket_address, 0, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  for (GSList *l = uris; l != NULL; l = l->next)
    {
      if (g_str_equal (g_uri_get_host (l->data), address))
        return g_strdup_printf ("http://%s:%d", address, g_uri_get_port (l->data));
    }
  g_assert_not_reached ();
}

static void
server_request_cb (SoupServer        *soup_server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  QtrTestServer *server = user_data;
  const char *body = g_hash_table_lookup (server->documents, path);
  const char *type = g_hash_table_lookup (server->types, path);

  g_ptr_array_add (server->requests, g_strdup (path));
  if (body == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, type ? type : "application/activity+json",
                                    SOUP_MEMORY_COPY, body, strlen (body));
}

/**
 * qtr_test_server_start:
 * @address: the loopback address to listen on
 *
 * Starts @server, with no documents yet, on a free port of @address.
 */
void
qtr_test_server_start (QtrTestServer *server,
                       const char    *address)
{
  server->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->requests = g_ptr_array_new_with_free_func (g_free);
  server->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->server, NULL, server_request_cb, server, NULL);
  server->base = qtr_test_listen (server->server, address);
}

/**
 * qtr_test_server_stop:
 *
 * Stops @server and frees what it holds; one that never started is left as it is.
 */
void
qtr_test_server_stop (QtrTestServer *server)
{
  if (server->server == NULL)
    return;
  soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  g_clear_pointer (&server->documents, g_hash_table_unref);
  g_clear_pointer (&server->types, g_hash_table_unref);
  g_clear_pointer (&server->requests, g_ptr_array_unref);
  g_clear_pointer (&server->base, g_free);
}

/**
 * qtr_test_server_add:
 * @content_type: (nullable): the type to answer with, or %NULL for ActivityStreams
 *
 * Makes @server answer requests for @path with @body, from now on.
 */
void
qtr_test_server_add (QtrTestServer *server,
                     const char    *path,
                     const char    *content_type,
                     const char    *body)
{
  g_hash_table_insert (server->documents, g_strdup (path), g_strdup (body));
  if (content_type != NULL)
    g_hash_table_insert (server->types, g_strdup (path), g_strdup (content_type));
  else
    g_hash_table_remove (server->types, path);
}

/**
 * qtr_test_server_count_requests:
 *
 * Returns: how many times @server was asked for @path
 */
guint
qtr_test_server_count_requests (QtrTestServer *server,
                                const char    *path)
{
  guint n = 0;

  for (guint i = 0; i < server->requests->len; i++)
    n += g_str_equal (g_ptr_array_index (server->requests, i), path);
  return n;
}

