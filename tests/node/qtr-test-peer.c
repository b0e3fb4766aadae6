/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-peer.h"

#include <sqlite3.h>

#include "node-test-util.h"

struct _QtrTestPeer
{
  QtrTestNode node;
};

/**
 * qtr_test_peer_start:
 * @display_name: (nullable): the owner's display name
 * @locked: whether the owner approves followers by hand
 *
 * Returns: (transfer full): a real node on a loopback port, running in the test's process
 */
QtrTestPeer *
qtr_test_peer_start (const char *username,
                     const char *display_name,
                     gboolean    locked)
{
  QtrTestPeer *peer = g_new0 (QtrTestPeer, 1);

  qtr_test_node_start (&peer->node, NULL, username,
                       &(QtrTestNodeOptions) { .display_name = display_name,
                                               .manual_approval = locked });
  return peer;
}

void
qtr_test_peer_stop (QtrTestPeer *peer)
{
  qtr_test_node_stop (&peer->node);
  g_free (peer);
}

const char *
qtr_test_peer_get_base (QtrTestPeer *peer)
{
  return peer->node.base;
}

const char *
qtr_test_peer_get_handle (QtrTestPeer *peer)
{
  return peer->node.handle;
}

const char *
qtr_test_peer_get_actor (QtrTestPeer *peer)
{
  return peer->node.actor;
}

char *
qtr_test_peer_mint_token (QtrTestPeer *peer)
{
  return qtr_test_node_mint_token (&peer->node);
}

/* Follows @handle from the node (as its CLI does). */
void
qtr_test_peer_follow (QtrTestPeer *peer,
                      const char  *handle)
{
  g_free (qtr_test_node_follow (&peer->node, handle));
}

/**
 * qtr_test_peer_post:
 *
 * Returns: (transfer full): the id of a new public post of the owner's
 */
char *
qtr_test_peer_post (QtrTestPeer *peer,
                    const char  *text)
{
  g_autoptr(GError) error = NULL;
  char *uri;

  uri = qtr_node_post (peer->node.node,
                       &(QtrPostRequest) { .text = text, .visibility = QTR_VISIBILITY_PUBLIC },
                       &error);
  g_assert_no_error (error);
  return uri;
}

void
qtr_test_peer_delete_post (QtrTestPeer *peer,
                           const char  *uri)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (qtr_node_delete_post (peer->node.node, uri, &error));
  g_assert_no_error (error);
}

/* Accepts (or rejects) the follow request of the actor @actor, as the node's owner. */
void
qtr_test_peer_answer_follow (QtrTestPeer *peer,
                             const char  *actor,
                             gboolean     accept)
{
  QtrNodeStore *store = qtr_node_get_store (peer->node.node);
  g_autoptr(QtrRemoteActor) remote = NULL;
  g_autoptr(GError) error = NULL;

  remote = qtr_node_store_find_remote_actor (store, "uri", actor, &error);
  g_assert_no_error (error);
  g_assert_nonnull (remote);
  g_assert_true (qtr_node_answer_follow_request (peer->node.node, remote->row, accept, &error));
  g_assert_no_error (error);
}

gint64
qtr_test_peer_count (QtrTestPeer *peer,
                     const char  *sql)
{
  return qtr_test_node_count (&peer->node, sql);
}

void
qtr_test_peer_wait_rows (QtrTestPeer *peer,
                         gint64       expected,
                         const char  *sql,
                         const char  *what)
{
  g_test_message ("waiting: %s", what);
  qtr_test_node_wait_rows (&peer->node, expected, sql);
}

/**
 * qtr_test_peer_query_text:
 * @sql: a query whose first row's first column is text
 *
 * Returns: (transfer full) (nullable): that text, %NULL without a row
 */
char *
qtr_test_peer_query_text (QtrTestPeer *peer,
                          const char  *sql)
{
  QtrDb *db = qtr_node_store_get_db (qtr_node_get_store (peer->node.node));
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = qtr_db_prepare (db, sql, &error);
  char *text = NULL;

  g_assert_no_error (error);
  if (qtr_db_step (db, stmt, &error) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_assert_no_error (error);
  sqlite3_reset (stmt);
  return text;
}
