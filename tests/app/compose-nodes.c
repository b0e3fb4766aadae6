/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "compose-nodes.h"

#include <string.h>

#include "node-test-util.h"
#include "qtr-json.h"
#include "qtr-node-store-api.h"
#include "qtr-oauth.h"

/* alice on node A, with a token as an app gets one; bob on node B, following her. */

typedef struct {
  ComposeNodes public;
  QtrTestNode  alice;
  QtrTestNode  bob;
} Nodes;

/* A token for the owner of @node, as an app gets one through OAuth. */
static char *
mint_token (QtrTestNode *node)
{
  g_autoptr(GError) error = NULL;
  QtrNodeStore *store = qtr_node_get_store (node->node);
  QtrOAuthApp app = { 0, "Quitter", "https://example.org/quitter", "urn:ietf:wg:oauth:2.0:oob",
                      "read write follow", "compose-client-id", "secret-hash" };
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

static char *
get_own_id (Nodes *nodes)
{
  g_autofree char *url = g_strconcat (nodes->alice.base, "/api/v1/accounts/verify_credentials",
                                      NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *authorization = g_strconcat ("Bearer ", nodes->public.alice_token, NULL);
  g_auto(QtrTestAnswer) answer = { 0 };
  g_autoptr(JsonObject) object = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  qtr_test_send (msg, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  object = qtr_json_parse_object (answer.body, strlen (answer.body), NULL);
  g_assert_nonnull (object);
  return g_strdup (qtr_json_get_string (object, "id"));
}

static gint64
count_followers (QtrTestNode *node)
{
  g_autoptr(GError) error = NULL;
  gint64 n = qtr_node_store_count_follows (qtr_node_get_store (node->node), "followers", TRUE,
                                           &error);

  g_assert_no_error (error);
  return n;
}

static gboolean
alice_has_a_follower (Nodes *nodes)
{
  return count_followers (&nodes->alice) == 1;
}

static gboolean
bob_has_a_follower (Nodes *nodes)
{
  return count_followers (&nodes->bob) == 1;
}

ComposeNodes *
compose_nodes_start (void)
{
  Nodes *nodes = g_new0 (Nodes, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *followed = NULL;

  nodes->public.root = g_dir_make_tmp ("quitter-test-compose-XXXXXX", &error);
  g_assert_no_error (error);
  qtr_test_node_start (&nodes->alice, nodes->public.root, "alice", NULL);
  qtr_test_node_start (&nodes->bob, nodes->public.root, "bob", NULL);
  followed = qtr_test_node_follow (&nodes->bob, nodes->alice.handle);
  qtr_test_wait_until (alice_has_a_follower, nodes, "bob follows alice");

  nodes->public.alice_base = g_strdup (nodes->alice.base);
  nodes->public.alice_handle = g_strdup (nodes->alice.handle);
  nodes->public.bob_handle = g_strdup (nodes->bob.handle);
  nodes->public.alice_token = mint_token (&nodes->alice);
  nodes->public.alice_id = get_own_id (nodes);
  return &nodes->public;
}

void
compose_nodes_free (ComposeNodes *public)
{
  Nodes *nodes = (Nodes *) public;

  qtr_test_node_stop (&nodes->alice);
  qtr_test_node_stop (&nodes->bob);
  qtr_test_remove_tree (public->root);
  g_free (public->root);
  g_free (public->alice_base);
  g_free (public->alice_handle);
  g_free (public->alice_token);
  g_free (public->alice_id);
  g_free (public->bob_handle);
  g_free (nodes);
}

/* Node A goes away: its port answers no more. */
void
compose_nodes_stop_alice (ComposeNodes *public)
{
  qtr_test_node_stop (&((Nodes *) public)->alice);
}

gint64
compose_nodes_count_alice (ComposeNodes *public,
                           const char   *sql)
{
  return qtr_test_node_count (&((Nodes *) public)->alice, sql);
}

gint64
compose_nodes_count_bob (ComposeNodes *public,
                         const char   *sql)
{
  return qtr_test_node_count (&((Nodes *) public)->bob, sql);
}

/* Changes node A's store behind its back, for what no client can make happen. */
void
compose_nodes_exec_alice (ComposeNodes *public,
                          const char   *sql)
{
  QtrDb *db = qtr_node_store_get_db (qtr_node_get_store (((Nodes *) public)->alice.node));
  g_autoptr(GError) error = NULL;

  g_assert_true (qtr_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

void
compose_nodes_alice_follows_bob (ComposeNodes *public)
{
  Nodes *nodes = (Nodes *) public;
  g_autofree char *followed = qtr_test_node_follow (&nodes->alice, nodes->bob.handle);

  qtr_test_wait_until (bob_has_a_follower, nodes, "alice follows bob");
}

/* bob posts @text, unlisted, with the content warning @summary. */
void
compose_nodes_bob_posts (ComposeNodes *public,
                         const char   *text,
                         const char   *summary)
{
  Nodes *nodes = (Nodes *) public;
  g_autoptr(GError) error = NULL;
  g_autofree char *post = NULL;

  post = qtr_node_post (nodes->bob.node,
                        &(QtrPostRequest) { .text = text, .summary = summary,
                                            .visibility = QTR_VISIBILITY_UNLISTED },
                        &error);
  g_assert_no_error (error);
  g_assert_nonnull (post);
}
