/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The two real nodes of tests/app/test-navigation.c, behind plain C: the node's headers and
 * the client's both name a type QtrStatus, so a file includes one or the other. */

typedef struct _NavigationNodes NavigationNodes;

NavigationNodes *navigation_nodes_start          (void);
void             navigation_nodes_stop           (NavigationNodes *nodes);
const char      *navigation_nodes_get_base       (NavigationNodes *nodes);
const char      *navigation_nodes_get_handle     (NavigationNodes *nodes);
const char      *navigation_nodes_get_bob_handle (NavigationNodes *nodes);
char            *navigation_nodes_mint_token     (NavigationNodes *nodes,
                                                  const char      *client_id);
gint64           navigation_nodes_count           (NavigationNodes *nodes,
                                                  const char      *sql);
void             navigation_nodes_stop_alice     (NavigationNodes *nodes);

G_END_DECLS
