/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "own-node-peer.h"

#include "node-test-util.h"

struct _OwnNodePeer {
  QtrTestNode node;
};

OwnNodePeer *
own_node_peer_start (const char *root,
                     const char *username)
{
  OwnNodePeer *peer = g_new0 (OwnNodePeer, 1);

  qtr_test_node_start (&peer->node, root, username, NULL);
  return peer;
}

/* Stops it: its port is closed from then on. */
void
own_node_peer_stop (OwnNodePeer *peer)
{
  if (peer->node.node != NULL)
    qtr_test_node_stop (&peer->node);
}

void
own_node_peer_free (OwnNodePeer *peer)
{
  own_node_peer_stop (peer);
  g_free (peer);
}

guint
own_node_peer_get_port (OwnNodePeer *peer)
{
  return peer->node.port;
}

const char *
own_node_peer_get_handle (OwnNodePeer *peer)
{
  return peer->node.handle;
}

const char *
own_node_peer_get_actor_url (OwnNodePeer *peer)
{
  return peer->node.actor;
}

void
own_node_peer_follow (OwnNodePeer *peer,
                      const char  *handle)
{
  g_free (qtr_test_node_follow (&peer->node, handle));
}

/* Accepted follows of the peer's owner. */
gint64
own_node_peer_count_following (OwnNodePeer *peer)
{
  g_autoptr(GError) error = NULL;
  gint64 n = qtr_node_store_count_follows (qtr_node_get_store (peer->node.node), "following",
                                           TRUE, &error);

  g_assert_no_error (error);
  return n;
}

gint64
own_node_peer_count (OwnNodePeer *peer,
                     const char  *sql)
{
  return qtr_test_node_count (&peer->node, sql);
}

/* GET @url as other servers ask for an actor. Returns the status; @body: the answer. */
guint
own_node_peer_get_actor (const char  *url,
                         char       **body)
{
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_get (url, "application/activity+json", &answer);
  *body = g_steal_pointer (&answer.body);
  return answer.status;
}
