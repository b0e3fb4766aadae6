/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The two real nodes of the compose tests, behind a header of their own: the node's private
 * headers and the client's both name a type QtrStatus, so no file includes both. */

typedef struct {
  char *root;
  char *alice_base;
  char *alice_handle;
  char *alice_token;
  char *alice_id;
  char *bob_handle;
} ComposeNodes;

ComposeNodes *compose_nodes_start           (void);
void          compose_nodes_free            (ComposeNodes *nodes);
void          compose_nodes_stop_alice      (ComposeNodes *nodes);
gint64        compose_nodes_count_alice     (ComposeNodes *nodes,
                                             const char   *sql);
gint64        compose_nodes_count_bob       (ComposeNodes *nodes,
                                             const char   *sql);
void          compose_nodes_exec_alice      (ComposeNodes *nodes,
                                             const char   *sql);
void          compose_nodes_alice_follows_bob (ComposeNodes *nodes);
void          compose_nodes_bob_posts       (ComposeNodes *nodes,
                                             const char   *text,
                                             const char   *summary);

G_END_DECLS
