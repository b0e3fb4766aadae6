/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-node-store.h"

G_BEGIN_DECLS

/* Polls in node.db (migration 14 of qtr-node-store.c): of the owner's posts and of others'. */

/**
 * QtrNodePollOption:
 * @title: the option's text, plain
 * @votes_count: the votes it has
 * @own_vote: whether the owner chose it
 */
typedef struct {
  char     *title;
  gint64    votes_count;
  gboolean  own_vote;
} QtrNodePollOption;

/**
 * QtrNodePoll:
 * @status_id: the post's row
 * @multiple: several options may be chosen (`anyOf`)
 * @hide_totals: the owner asked that counts stay hidden until it ends
 * @expires_at: when it closes (Unix seconds), 0 for never
 * @voters_count: how many accounts voted, -1 when unknown
 * @closed: a remote poll said it ended
 * @options: (element-type QtrNodePollOption): in order
 *
 * A poll as stored.
 */
typedef struct {
  gint64     status_id;
  gboolean   multiple;
  gboolean   hide_totals;
  gint64     expires_at;
  gint64     voters_count;
  gboolean   closed;
  GPtrArray *options;
} QtrNodePoll;

QtrNodePoll *qtr_node_poll_new      (void);
void         qtr_node_poll_free     (QtrNodePoll *poll);
void         qtr_node_poll_add_option (QtrNodePoll *poll,
                                       const char  *title,
                                       gint64       votes_count);
gboolean     qtr_node_poll_has_ended (const QtrNodePoll *poll,
                                      gint64             now);
gint64       qtr_node_poll_count_votes (const QtrNodePoll *poll);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrNodePoll, qtr_node_poll_free)

/**
 * QtrPollVoteResult:
 * @QTR_POLL_VOTE_COUNTED: the vote is counted
 * @QTR_POLL_VOTE_REFUSED: the account voted so already (or, single-choice, at all), the
 *   option does not exist, or the poll ended: nothing changed
 * @QTR_POLL_VOTE_FAILED: the database failed, error set
 */
typedef enum {
  QTR_POLL_VOTE_COUNTED,
  QTR_POLL_VOTE_REFUSED,
  QTR_POLL_VOTE_FAILED,
} QtrPollVoteResult;

gboolean     qtr_node_store_add_poll          (QtrNodeStore       *self,
                                               const QtrNodePoll  *poll,
                                               GError            **error);
QtrNodePoll *qtr_node_store_find_poll         (QtrNodeStore       *self,
                                               gint64              status_id,
                                               GError            **error);
gboolean     qtr_node_store_update_poll       (QtrNodeStore       *self,
                                               const QtrNodePoll  *poll,
                                               GError            **error);
gboolean     qtr_node_store_set_own_votes     (QtrNodeStore       *self,
                                               gint64              status_id,
                                               const guint        *choices,
                                               guint               n_choices,
                                               GError            **error);
QtrPollVoteResult qtr_node_store_add_poll_vote (QtrNodeStore      *self,
                                               gint64              status_id,
                                               gint64              actor_row,
                                               guint               choice,
                                               const char         *activity_uri,
                                               GError            **error);
GStrv        qtr_node_store_poll_voter_inboxes (QtrNodeStore      *self,
                                               gint64              status_id,
                                               GError            **error);
GArray      *qtr_node_store_list_changed_polls (QtrNodeStore      *self,
                                               GError            **error);
gboolean     qtr_node_store_mark_poll_sent    (QtrNodeStore       *self,
                                               gint64              status_id,
                                               GError            **error);
gint64       qtr_node_store_next_poll_end     (QtrNodeStore       *self,
                                               GError            **error);
GArray      *qtr_node_store_list_ended_polls  (QtrNodeStore       *self,
                                               gint64              now,
                                               GError            **error);
gboolean     qtr_node_store_mark_poll_ended   (QtrNodeStore       *self,
                                               gint64              status_id,
                                               GError            **error);
gboolean     qtr_node_store_set_status_document (QtrNodeStore     *self,
                                               gint64              status_id,
                                               const char         *document,
                                               GError            **error);

G_END_DECLS
