/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Two real nodes for the app's poll tests, behind plain types (the node's headers and the
 * client's both name a type QtrStatus): alice posts a poll, bob (the app's account) follows
 * her and has it. */

typedef struct _PollsNodes PollsNodes;

PollsNodes *polls_nodes_start           (void);
void        polls_nodes_stop            (PollsNodes *nodes);
const char *polls_nodes_get_base        (PollsNodes *nodes);
char       *polls_nodes_mint_token      (PollsNodes *nodes);
gint64      polls_nodes_votes_at_author (PollsNodes *nodes,
                                         guint       position);

G_END_DECLS
