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
 * @root: (nullable): the folder of the test's nodes; %NULL for one of the node's own, removed
 *   when it stops
 * @display_name: (nullable): the owner's display name
 * @locked: whether the owner approves followers by hand
 *
 * Returns: (transfer full): a real node on a loopback port, running in the test's process
 */
QtrTestPeer *
qtr_test_peer_start (const char *root,
                     const char *username,
                     const char *display_name,
                     gboolean    locked)
{
  QtrTestPeer *peer = g_new0 (QtrTestPeer, 1);

  qtr_test_node_start (&peer->node, root, username,
                       &(QtrTestNodeOptions) { .display_name = display_name,
                                               .manual_approval = locked });
  return peer;
}

/* Stops the node: its port answers no more, and only qtr_test_peer_free() is left to call.
 * Stopping it again does nothing. */
void
qtr_test_peer_stop (QtrTestPeer *peer)
{
  qtr_test_node_stop (&peer->node);
}

/* Stops the node, if it still runs, and frees @peer. */
void
qtr_test_peer_free (QtrTestPeer *peer)
{
  qtr_test_node_stop (&peer->node);
  g_free (peer);
}

/* The node itself, for what a scenario asks of its public API (qtr-node.h). */
QtrNode *
qtr_test_peer_get_node (QtrTestPeer *peer)
{
  return peer->node.node;
}

guint
qtr_test_peer_get_port (QtrTestPeer *peer)
{
  return peer->node.port;
}

const char *
qtr_test_peer_get_base (QtrTestPeer *peer)
{
  return peer->node.base;
}

/* Its owner's handle, `@USERNAME@127.0.0.1:PORT`. */
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

/* A token of the owner's (read write follow push), as the node's OAuth flow would issue. */
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
 * Returns: (transfer full): the URI of a new public post of the owner's
 */
char *
qtr_test_peer_post (QtrTestPeer *peer,
                    const char  *text)
{
  return qtr_test_peer_post_full (peer, text, NULL, NULL, NULL);
}

/**
 * qtr_test_peer_post_full:
 * @visibility: (nullable): Mastodon's name of its visibility ("unlisted"…); %NULL for public
 * @summary: (nullable): a content warning
 * @in_reply_to: (nullable): the URI of the post it answers
 *
 * Returns: (transfer full): the URI of a new post of the owner's
 */
char *
qtr_test_peer_post_full (QtrTestPeer *peer,
                         const char  *text,
                         const char  *visibility,
                         const char  *summary,
                         const char  *in_reply_to)
{
  QtrPostRequest request = { .text = text, .visibility = QTR_VISIBILITY_PUBLIC,
                             .summary = summary, .in_reply_to = in_reply_to };
  g_autoptr(GError) error = NULL;
  QtrVisibility parsed;
  char *uri;

  if (visibility != NULL)
    {
      g_assert_true (qtr_visibility_from_string (visibility, &parsed));
      request.visibility = parsed;
    }
  uri = qtr_node_post (peer->node.node, &request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uri);
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

/**
 * qtr_test_peer_add_media:
 * @bytes: an image file
 *
 * Returns: the id of @bytes in the node's media, for a post's media_ids
 */
gint64
qtr_test_peer_add_media (QtrTestPeer *peer,
                         GBytes      *bytes,
                         const char  *description)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrMedia) media = qtr_node_add_media (peer->node.node, bytes, description, &error);

  g_assert_no_error (error);
  return media->id;
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

/* What the node stores: the number that @sql (a SELECT count, or of one number) gives. */
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

/* Changes the node's store behind its back, for what no client can make happen. */
void
qtr_test_peer_exec (QtrTestPeer *peer,
                    const char  *sql)
{
  QtrDb *db = qtr_node_store_get_db (qtr_node_get_store (peer->node.node));
  g_autoptr(GError) error = NULL;

  g_assert_true (qtr_db_exec (db, sql, &error));
  g_assert_no_error (error);
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
