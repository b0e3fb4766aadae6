/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "node-test-util.h"
#include "qtr-oauth.h"
#include "qtr-node-store-api.h"

/* The node functions that `quitter-node` and the app's node preferences share
 * (qtr-node-admin.c): tokens, the password, blocked domains, the address, the delivery
 * queue's hosts and "Retry now". */

static void
test_user_names (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (qtr_node_config_check_username ("ada_l.ove-lace", NULL));
  g_assert_false (qtr_node_config_check_username (".ada", NULL));
  g_assert_false (qtr_node_config_check_username ("", NULL));
  g_assert_false (qtr_node_config_check_username ("a234567890123456789012345678901", &error));
  g_assert_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID);
}

static void
test_tokens_and_password (void)
{
  QtrTestNode ada = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(QtrOAuthToken) found = NULL;

  qtr_test_node_start (&ada, NULL, "ada", NULL);

  g_assert_null (qtr_node_mint_token (ada.node, "read sing", &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“sing”"));
  g_clear_error (&error);
  g_assert_null (qtr_node_mint_token (ada.node, "", &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);

  /* Only the hash is kept, with the scopes normalised; the token acts for the owner. */
  token = qtr_node_mint_token (ada.node, "write read", &error);
  g_assert_no_error (error);
  hash = qtr_oauth_hash_token (token);
  found = qtr_node_store_find_token (qtr_node_get_store (ada.node), hash, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_true (found->has_user);
  g_assert_nonnull (strstr (found->scopes, "read"));
  g_assert_nonnull (strstr (found->scopes, "write"));
  g_assert_cmpint (qtr_test_node_count (&ada, "SELECT count (*) FROM oauth_tokens WHERE "
                                              "token_hash LIKE '%'"), >=, 1);

  /* For an app on this computer: registered as an OAuth app, whose token it can revoke. */
  {
    g_autofree char *client_id = NULL;
    g_autofree char *client_secret = NULL;
    g_autofree char *app_token = qtr_node_mint_app_token (ada.node, "Quitter", "read write",
                                                          &client_id, &client_secret, &error);
    g_autofree char *app_hash = NULL;
    g_autoptr(QtrOAuthApp) app = NULL;
    g_autoptr(QtrOAuthToken) app_found = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (client_id);
    g_assert_nonnull (client_secret);
    app = qtr_node_store_find_app (qtr_node_get_store (ada.node), client_id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (app->name, ==, "Quitter");
    app_hash = qtr_oauth_hash_token (app_token);
    app_found = qtr_node_store_find_token (qtr_node_get_store (ada.node), app_hash, &error);
    g_assert_no_error (error);
    g_assert_cmpint (app_found->app_row, ==, app->row);
    g_assert_true (qtr_node_store_revoke_token (qtr_node_get_store (ada.node), app_hash,
                                                app->row, &error));
    g_assert_no_error (error);
    g_clear_pointer (&app_found, qtr_oauth_token_free);
    app_found = qtr_node_store_find_token (qtr_node_get_store (ada.node), app_hash, &error);
    g_assert_no_error (error);
    g_assert_null (app_found);
    g_assert_null (qtr_node_mint_app_token (ada.node, "Quitter", "sing", &client_id,
                                            &client_secret, &error));
    g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
    g_clear_error (&error);
  }

  g_assert_false (qtr_node_set_password (ada.node, "seven77", &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (qtr_test_node_count (&ada, "SELECT count (*) FROM owner WHERE "
                                              "password_hash IS NULL"), ==, 1);
  g_assert_true (qtr_node_set_password (ada.node, "eight888", &error));
  g_assert_no_error (error);
  g_assert_cmpint (qtr_test_node_count (&ada, "SELECT count (*) FROM owner WHERE "
                                              "password_hash IS NOT NULL"), ==, 1);

  qtr_test_node_stop (&ada);
}

static void
test_settings (void)
{
  QtrTestNode ada = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNodeConfig) config = NULL;
  g_autofree char *path = NULL;
  const char *blocked[] = { "Spam.Example", " ", NULL };
  const char *invalid[] = { "not a host/", NULL };

  qtr_test_node_start (&ada, NULL, "ada", NULL);
  path = g_build_filename (ada.dir, "node.conf", NULL);

  /* Normalised, saved, and refused at once by the running node. */
  g_assert_true (qtr_node_set_blocked_domains (ada.node, blocked, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (qtr_node_get_blocked_domains (ada.node),
                    ((const char * const []) { "spam.example", NULL }));
  g_assert_true (qtr_node_config_is_blocked (qtr_node_get_config (ada.node),
                                             "www.spam.example"));
  config = qtr_node_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (config->blocked_domains, ((const char * const []) { "spam.example", NULL }));
  g_clear_pointer (&config, qtr_node_config_free);

  /* A list that is refused leaves node.conf and the node as they were. */
  g_assert_false (qtr_node_set_blocked_domains (ada.node, invalid, &error));
  g_assert_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstrv (qtr_node_get_blocked_domains (ada.node),
                    ((const char * const []) { "spam.example", NULL }));

  /* The address: saved for the next start; an http one that is not loopback is refused. */
  g_assert_false (qtr_node_set_address (ada.node, "http://ada.example", "127.0.0.1", 8080,
                                        &error));
  g_assert_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (qtr_node_get_base_url (ada.node), ==, ada.base);
  g_assert_true (qtr_node_set_address (ada.node, "https://ada.example/", "::1", 8080, &error));
  g_assert_no_error (error);
  config = qtr_node_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->base_url, ==, "https://ada.example");
  g_assert_cmpstr (config->listen_address, ==, "::1");
  g_assert_cmpuint (config->port, ==, 8080);
  g_assert_cmpstr (qtr_node_get_configured_listen_address (ada.node), ==, "::1");
  g_assert_cmpuint (qtr_node_get_configured_port (ada.node), ==, 8080);

  qtr_test_node_stop (&ada);
}

typedef struct {
  QtrTestNode *node;
  gint64       more_than;
} AttemptWait;

static gboolean
attempted (gpointer data)
{
  AttemptWait *wait = data;

  return qtr_test_node_count (wait->node, "SELECT max (attempts) FROM deliveries") >
         wait->more_than;
}

/* A follower whose server is gone: its host is listed with the error, and "Retry now" tries
 * again at once instead of after the backoff. */
static void
test_queue (void)
{
  g_autofree char *root = g_dir_make_tmp ("quitter-test-admin-XXXXXX", NULL);
  QtrTestNode ada = { 0 }, bob = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  QtrPostRequest post = { .text = "Anyone there?" };
  AttemptWait wait = { &ada, 0 };
  const QtrDeliveryHost *host;
  gint64 waiting = -1;

  qtr_test_node_start (&ada, root, "ada", NULL);
  qtr_test_node_start (&bob, root, "bob", NULL);
  g_free (qtr_test_node_follow (&bob, ada.handle));
  qtr_test_node_wait_rows (&ada, 1, "SELECT count (*) FROM followers WHERE accepted = 1");
  /* The Accept reached bob: the queue is empty before his server goes. */
  qtr_test_node_wait_rows (&ada, 0, "SELECT count (*) FROM deliveries");
  qtr_test_node_stop (&bob);

  hosts = qtr_node_list_delivery_hosts (ada.node, &waiting, &error);
  g_assert_no_error (error);
  g_assert_cmpint (waiting, ==, 0);
  g_clear_pointer (&hosts, g_ptr_array_unref);

  g_free (qtr_node_post (ada.node, &post, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (attempted, &wait, "the delivery is attempted");

  hosts = qtr_node_list_delivery_hosts (ada.node, &waiting, &error);
  g_assert_no_error (error);
  g_assert_cmpint (waiting, ==, 1);
  g_assert_cmpuint (hosts->len, ==, 1);
  host = hosts->pdata[0];
  g_assert_cmpstr (host->host, ==, "127.0.0.1");
  g_assert_cmpint (host->waiting, ==, 1);
  g_assert_cmpuint (host->attempts, ==, 1);
  g_assert_nonnull (host->last_error);
  /* Backoff: the next attempt is later, not now. */
  g_assert_cmpint (host->next_attempt_at, >, g_get_real_time () / G_USEC_PER_SEC + 5);

  wait.more_than = 1;
  g_assert_true (qtr_node_retry_deliveries (ada.node, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (attempted, &wait, "Retry now attempts it again");

  qtr_test_node_stop (&ada);
  qtr_test_remove_tree (root);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/node/admin/user-names", test_user_names);
  g_test_add_func ("/node/admin/tokens-and-password", test_tokens_and_password);
  g_test_add_func ("/node/admin/settings", test_settings);
  g_test_add_func ("/node/admin/queue", test_queue);

  return g_test_run ();
}
