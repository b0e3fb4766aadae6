/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The other side of tests/app/test-own-node.c: a real node in the test's process, on the
 * test's thread (tests/node/node-test-util.h). Apart, because the node's private headers and
 * the client's name their types alike (QtrStatus): one file cannot include both. */

typedef struct _OwnNodePeer OwnNodePeer;

OwnNodePeer *own_node_peer_start      (const char  *root,
                                       const char  *username);
void         own_node_peer_stop       (OwnNodePeer *peer);
void         own_node_peer_free       (OwnNodePeer *peer);
guint        own_node_peer_get_port   (OwnNodePeer *peer);
const char  *own_node_peer_get_handle (OwnNodePeer *peer);
const char  *own_node_peer_get_actor_url (OwnNodePeer *peer);
void         own_node_peer_follow     (OwnNodePeer *peer,
                                       const char  *handle);
gint64       own_node_peer_count_following (OwnNodePeer *peer);
gint64       own_node_peer_count      (OwnNodePeer *peer,
                                       const char  *sql);
guint        own_node_peer_get_actor  (const char  *url,
                                       char       **body);

G_END_DECLS
