/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "navigation-nodes.h"

#include "node-test-util.h"
#include "qtr-node-store-api.h"
#include "qtr-node-store.h"
#include "qtr-oauth.h"

/* Alice on node A and bob on node B, who follow each other, and a thread across both nodes:
 *
 *   alice: "Thread root: what do you think, @bob…?"       (mentions bob)
 *     bob: "Bob answers the root"
 *       alice: "Alice answers Bob"
 *     bob: "Bob starts a second branch"
 *
 * plus 30 filler posts of alice (for a home timeline that scrolls), a post of bob's without
 * replies, and one of bob's tagged #Quitter. Each post is on the other node before the next. */

struct _NavigationNodes
{
  QtrTestNode alice;
  QtrTestNode bob;
};

typedef struct {
  QtrTestNode *node;
  const char  *uri;
} Stored;

static gboolean
is_stored (Stored *stored)
{
  return qtr_test_node_countf (stored->node, "SELECT count (*) FROM statuses WHERE uri = '%s'",
                               stored->uri) == 1;
}

static char *
post (QtrTestNode *node,
      QtrTestNode *other,
      const char  *text,
      const char  *in_reply_to)
{
  g_autoptr(GError) error = NULL;
  char *uri = qtr_node_post (node->node,
                             &(QtrPostRequest) { .text = text, .in_reply_to = in_reply_to },
                             &error);
  Stored stored = { other, uri };

  g_assert_no_error (error);
  g_assert_nonnull (uri);
  if (other != NULL)
    qtr_test_wait_until (is_stored, &stored, "the post reached the other node");
  return uri;
}

static gboolean
follows_accepted (QtrTestNode *node)
{
  return qtr_test_node_count (node, "SELECT count (*) FROM following WHERE accepted = 1") == 1;
}

NavigationNodes *
navigation_nodes_start (void)
{
  NavigationNodes *nodes = g_new0 (NavigationNodes, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *mention = NULL;
  g_autofree char *root = NULL;
  g_autofree char *reply = NULL;

  qtr_test_node_start (&nodes->alice, NULL, "alice",
                       &(QtrTestNodeOptions) { .display_name = "Alice Liddell" });
  qtr_test_node_start (&nodes->bob, NULL, "bob",
                       &(QtrTestNodeOptions) { .display_name = "Bob Builder" });
  g_assert_true (qtr_node_update_profile (nodes->bob.node,
                     &(QtrProfileEdit) { .summary = "I build things on node B" }, &error));
  g_assert_no_error (error);
  g_free (qtr_test_node_follow (&nodes->alice, nodes->bob.handle));
  g_free (qtr_test_node_follow (&nodes->bob, nodes->alice.handle));
  qtr_test_wait_until (follows_accepted, &nodes->alice, "alice follows bob");
  qtr_test_wait_until (follows_accepted, &nodes->bob, "bob follows alice");

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *text = g_strdup_printf ("Filler post %u, to scroll through", i + 1);

      g_free (post (&nodes->alice, NULL, text, NULL));
    }
  g_free (post (&nodes->bob, &nodes->alice, "A post of bob's own, without replies", NULL));
  mention = g_strdup_printf ("Thread root: what do you think, %s?", nodes->bob.handle);
  root = post (&nodes->alice, &nodes->bob, mention, NULL);
  reply = post (&nodes->bob, &nodes->alice, "Bob answers the root", root);
  g_free (post (&nodes->alice, &nodes->bob, "Alice answers Bob", reply));
  g_free (post (&nodes->bob, &nodes->alice, "Bob starts a second branch", root));
  g_free (post (&nodes->bob, &nodes->alice, "A post tagged #Quitter", NULL));
  return nodes;
}

void
navigation_nodes_stop (NavigationNodes *nodes)
{
  qtr_test_node_stop (&nodes->alice);  /* nothing, if it stopped already */
  qtr_test_node_stop (&nodes->bob);
  g_free (nodes);
}

/* Node A's base URL, the app's server. */
const char *
navigation_nodes_get_base (NavigationNodes *nodes)
{
  return nodes->alice.base;
}

const char *
navigation_nodes_get_handle (NavigationNodes *nodes)
{
  return nodes->alice.handle;
}

const char *
navigation_nodes_get_bob_handle (NavigationNodes *nodes)
{
  return nodes->bob.handle;
}

/* A token of alice's node for an app of @client_id, as its OAuth flow would issue. */
char *
navigation_nodes_mint_token (NavigationNodes *nodes,
                             const char      *client_id)
{
  g_autoptr(GError) error = NULL;
  QtrNodeStore *store = qtr_node_get_store (nodes->alice.node);
  QtrOAuthApp app = { 0, "Quitter", "https://example.org/quitter", "urn:ietf:wg:oauth:2.0:oob",
                      "read write follow", (char *) client_id, "secret-hash" };
  g_autofree char *hash = NULL;
  char *token;
  gint64 app_row;

  app_row = qtr_node_store_add_app (store, &app, &error);
  g_assert_no_error (error);
  token = qtr_oauth_new_token ();
  hash = qtr_oauth_hash_token (token);
  g_assert_cmpint (qtr_node_store_add_token (store, hash, app_row, TRUE, "read write follow",
                                             &error), >, 0);
  g_assert_no_error (error);
  return token;
}

/* What node A stores: the count that @sql (a SELECT count) gives. */
gint64
navigation_nodes_count (NavigationNodes *nodes,
                        const char      *sql)
{
  return qtr_test_node_count (&nodes->alice, sql);
}

/* Stops node A: what the app asks of it then fails. */
void
navigation_nodes_stop_alice (NavigationNodes *nodes)
{
  qtr_test_node_stop (&nodes->alice);
}
