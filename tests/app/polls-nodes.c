/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "polls-nodes.h"

#include "node-test-util.h"
#include "qtr-node-store-api.h"
#include "qtr-oauth.h"

struct _PollsNodes
{
  QtrTestNode alice;
  QtrTestNode bob;
};

static gboolean
bob_follows (QtrTestNode *bob)
{
  return qtr_test_node_count (bob, "SELECT count (*) FROM following WHERE accepted = 1") == 1;
}

static gboolean
bob_has_the_poll (QtrTestNode *bob)
{
  return qtr_test_node_count (bob, "SELECT count (*) FROM poll_options") == 3;
}

/* Alice on node A posts "What do you drink?" with Tea, Coffee and Water, open for an hour;
 * bob on node B, who follows her, has it. */
PollsNodes *
polls_nodes_start (void)
{
  static const char * const options[] = { "Tea", "Coffee", "Water", NULL };
  PollsNodes *nodes = g_new0 (PollsNodes, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  qtr_test_node_start (&nodes->alice, NULL, "alice",
                       &(QtrTestNodeOptions) { .display_name = "Alice Liddell" });
  qtr_test_node_start (&nodes->bob, NULL, "bob", NULL);
  g_free (qtr_test_node_follow (&nodes->bob, nodes->alice.handle));
  qtr_test_wait_until (bob_follows, &nodes->bob, "bob follows alice");
  uri = qtr_node_post (nodes->alice.node,
                       &(QtrPostRequest) { .text = "What do you drink?", .poll_options = options,
                                           .poll_expires_in = 3600 },
                       &error);
  g_assert_no_error (error);
  qtr_test_wait_until (bob_has_the_poll, &nodes->bob, "bob's node has alice's poll");
  return nodes;
}

void
polls_nodes_stop (PollsNodes *nodes)
{
  qtr_test_node_stop (&nodes->alice);
  qtr_test_node_stop (&nodes->bob);
  g_free (nodes);
}

/* Node B's base URL, the app's server. */
const char *
polls_nodes_get_base (PollsNodes *nodes)
{
  return nodes->bob.base;
}

/* A token of bob's node, as its OAuth flow would issue. */
char *
polls_nodes_mint_token (PollsNodes *nodes)
{
  g_autoptr(GError) error = NULL;
  QtrNodeStore *store = qtr_node_get_store (nodes->bob.node);
  QtrOAuthApp app = { 0, "Quitter", "https://example.org/quitter", "urn:ietf:wg:oauth:2.0:oob",
                      "read write follow", "polls-test-client", "secret-hash" };
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

/* The votes option @position has on alice's node, the poll's own. */
gint64
polls_nodes_votes_at_author (PollsNodes *nodes,
                             guint       position)
{
  return qtr_test_node_countf (&nodes->alice, "SELECT votes_count FROM poll_options"
                                              " WHERE position = %u", position);
}
