/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-nodes.h"

#include "node-test-util.h"
#include "qtr-node-store-api.h"
#include "qtr-oauth.h"

struct _QtrAppTestNode
{
  QtrTestNode node;
};

/**
 * qtr_app_test_node_start:
 * @root: (nullable): the folder of the test's nodes; %NULL for one of its own
 * @display_name: (nullable): its owner's display name
 *
 * Returns: (transfer full): a node on a loopback port, started in this process
 */
QtrAppTestNode *
qtr_app_test_node_start (const char *root,
                         const char *username,
                         const char *display_name)
{
  QtrAppTestNode *node = g_new0 (QtrAppTestNode, 1);
  QtrTestNodeOptions options = { .display_name = display_name };

  qtr_test_node_start (&node->node, root, username, &options);
  return node;
}

void
qtr_app_test_node_stop (QtrAppTestNode *node)
{
  qtr_test_node_stop (&node->node);
  g_free (node);
}

const char *
qtr_app_test_node_get_base (QtrAppTestNode *node)
{
  return node->node.base;
}

/**
 * qtr_app_test_node_get_handle:
 *
 * Returns: its owner's handle, `@USERNAME@127.0.0.1:PORT`
 */
const char *
qtr_app_test_node_get_handle (QtrAppTestNode *node)
{
  return node->node.handle;
}

const char *
qtr_app_test_node_get_actor (QtrAppTestNode *node)
{
  return node->node.actor;
}

/**
 * qtr_app_test_node_mint_token:
 *
 * Returns: (transfer full): a token of the node's owner (read write follow), as the OAuth flow
 *   would issue it
 */
char *
qtr_app_test_node_mint_token (QtrAppTestNode *node)
{
  QtrNodeStore *store = qtr_node_get_store (node->node.node);
  QtrOAuthApp app = { 0, "Quitter tests", "https://example.org/quitter",
                      "urn:ietf:wg:oauth:2.0:oob", "read write follow", NULL, "secret-hash" };
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *client_id = qtr_oauth_new_token ();
  char *token = qtr_oauth_new_token ();
  gint64 app_row;

  app.client_id = client_id;
  app_row = qtr_node_store_add_app (store, &app, &error);
  g_assert_no_error (error);
  hash = qtr_oauth_hash_token (token);
  g_assert_cmpint (qtr_node_store_add_token (store, hash, app_row, TRUE, "read write follow",
                                             &error), >, 0);
  g_assert_no_error (error);
  return token;
}

/**
 * qtr_app_test_node_add_media:
 * @bytes: an image file
 *
 * Returns: the id of @bytes in the node's media, for a post's media_ids
 */
gint64
qtr_app_test_node_add_media (QtrAppTestNode *node,
                             GBytes         *bytes,
                             const char     *description)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrMedia) media = qtr_node_add_media (node->node.node, bytes, description, &error);

  g_assert_no_error (error);
  return media->id;
}

gint64
qtr_app_test_node_count (QtrAppTestNode *node,
                         const char     *sql)
{
  return qtr_test_node_count (&node->node, sql);
}

void
qtr_app_test_node_wait_rows (QtrAppTestNode *node,
                             gint64          expected,
                             const char     *sql)
{
  qtr_test_node_wait_rows (&node->node, expected, sql);
}
