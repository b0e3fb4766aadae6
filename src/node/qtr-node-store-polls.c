/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-store-polls.h"
#include "qtr-node-store-private.h"

/* Statements on the tables of migration 14 (qtr-node-store.c): polls, their options and the
 * votes cast on the owner's polls. */

static void
poll_option_free (QtrNodePollOption *option)
{
  g_free (option->title);
  g_free (option);
}

/**
 * qtr_node_poll_new:
 *
 * Returns: (transfer full): a poll without options, never closing, its voters unknown
 */
QtrNodePoll *
qtr_node_poll_new (void)
{
  QtrNodePoll *poll = g_new0 (QtrNodePoll, 1);

  poll->voters_count = -1;
  poll->options = g_ptr_array_new_with_free_func ((GDestroyNotify) poll_option_free);
  return poll;
}

void
qtr_node_poll_free (QtrNodePoll *poll)
{
  if (poll == NULL)
    return;
  g_ptr_array_unref (poll->options);
  g_free (poll);
}

void
qtr_node_poll_add_option (QtrNodePoll *poll,
                          const char  *title,
                          gint64       votes_count)
{
  QtrNodePollOption *option = g_new0 (QtrNodePollOption, 1);

  option->title = g_strdup (title);
  option->votes_count = votes_count;
  g_ptr_array_add (poll->options, option);
}

/**
 * qtr_node_poll_has_ended:
 * @now: the time (Unix seconds)
 *
 * Returns: whether @poll takes no votes any more: it closed, or its time is over
 */
gboolean
qtr_node_poll_has_ended (const QtrNodePoll *poll,
                         gint64             now)
{
  return poll->closed || (poll->expires_at > 0 && poll->expires_at <= now);
}

/**
 * qtr_node_poll_count_votes:
 *
 * Returns: the votes of all options together
 */
gint64
qtr_node_poll_count_votes (const QtrNodePoll *poll)
{
  gint64 votes = 0;

  for (guint i = 0; i < poll->options->len; i++)
    votes += ((QtrNodePollOption *) g_ptr_array_index (poll->options, i))->votes_count;
  return votes;
}

static QtrDb *
get_db (QtrNodeStore *self)
{
  return qtr_node_store_get_db (self);
}

static void
bind_voters (sqlite3_stmt *stmt,
             int           index,
             gint64        voters_count)
{
  if (voters_count >= 0)
    sqlite3_bind_int64 (stmt, index, voters_count);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
insert_options (QtrNodeStore       *self,
                const QtrNodePoll  *poll,
                GError            **error)
{
  for (guint i = 0; i < poll->options->len; i++)
    {
      QtrNodePollOption *option = g_ptr_array_index (poll->options, i);
      sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                           "INSERT INTO poll_options (status_id, position, title,"
                                           " votes_count, own_vote) VALUES (?1, ?2, ?3, ?4, ?5)",
                                           error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, poll->status_id);
      sqlite3_bind_int (stmt, 2, i);
      qtr_db_bind_text (stmt, 3, option->title);
      sqlite3_bind_int64 (stmt, 4, MAX (option->votes_count, 0));
      sqlite3_bind_int (stmt, 5, option->own_vote);
      if (!qtr_node_store_run_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * qtr_node_store_add_poll:
 * @poll: the poll of the stored post @poll's status_id
 *
 * Keeps a poll with its options. Call it in the transaction that stores the post.
 */
gboolean
qtr_node_store_add_poll (QtrNodeStore       *self,
                         const QtrNodePoll  *poll,
                         GError            **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "INSERT INTO polls (status_id, multiple, hide_totals,"
                                       " expires_at, voters_count, closed)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, poll->status_id);
  sqlite3_bind_int (stmt, 2, poll->multiple);
  sqlite3_bind_int (stmt, 3, poll->hide_totals);
  sqlite3_bind_int64 (stmt, 4, poll->expires_at);
  bind_voters (stmt, 5, poll->voters_count);
  sqlite3_bind_int (stmt, 6, poll->closed);
  return qtr_node_store_run_done (self, stmt, error) && insert_options (self, poll, error);
}

/**
 * qtr_node_store_find_poll:
 *
 * Returns: (transfer full) (nullable): the poll of post @status_id; %NULL when it has none
 *   (@error unset) or on failure (@error set)
 */
QtrNodePoll *
qtr_node_store_find_poll (QtrNodeStore  *self,
                          gint64         status_id,
                          GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self,
                                                   "SELECT multiple, hide_totals, expires_at,"
                                                   " voters_count, closed FROM polls"
                                                   " WHERE status_id = ?1", status_id, error);
  g_autoptr(QtrNodePoll) poll = NULL;
  int rc;

  if (stmt == NULL || qtr_db_step (get_db (self), stmt, error) != SQLITE_ROW)
    return NULL;
  poll = qtr_node_poll_new ();
  poll->status_id = status_id;
  poll->multiple = sqlite3_column_int (stmt, 0);
  poll->hide_totals = sqlite3_column_int (stmt, 1);
  poll->expires_at = sqlite3_column_int64 (stmt, 2);
  poll->voters_count = sqlite3_column_type (stmt, 3) == SQLITE_NULL
                       ? -1 : sqlite3_column_int64 (stmt, 3);
  poll->closed = sqlite3_column_int (stmt, 4);
  sqlite3_reset (stmt);

  stmt = qtr_node_store_prepare_row (self, "SELECT title, votes_count, own_vote FROM poll_options"
                                     " WHERE status_id = ?1 ORDER BY position", status_id, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
    {
      QtrNodePollOption *option = g_new0 (QtrNodePollOption, 1);

      option->title = qtr_db_column_dup_text (stmt, 0);
      option->votes_count = sqlite3_column_int64 (stmt, 1);
      option->own_vote = sqlite3_column_int (stmt, 2);
      g_ptr_array_add (poll->options, option);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&poll);
}

/**
 * qtr_node_store_update_poll:
 * @poll: a remote poll as its author's server tells it now
 *
 * Takes the counts, end and options of an Update: options that stay in place keep the
 * owner's choice; when the options changed, the owner's votes are forgotten.
 */
gboolean
qtr_node_store_update_poll (QtrNodeStore       *self,
                            const QtrNodePoll  *poll,
                            GError            **error)
{
  g_autoptr(QtrNodePoll) old = qtr_node_store_find_poll (self, poll->status_id, error);
  gboolean same_options;
  sqlite3_stmt *stmt;

  if (old == NULL)
    return error == NULL || *error == NULL ? qtr_node_store_add_poll (self, poll, error) : FALSE;
  same_options = old->options->len == poll->options->len;
  for (guint i = 0; same_options && i < poll->options->len; i++)
    same_options = g_str_equal (((QtrNodePollOption *) g_ptr_array_index (old->options, i))->title,
                                ((QtrNodePollOption *) g_ptr_array_index (poll->options, i))->title);

  stmt = qtr_db_prepare (get_db (self), "UPDATE polls SET multiple = ?2, expires_at = ?3,"
                                        " voters_count = ?4, closed = ?5 WHERE status_id = ?1",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, poll->status_id);
  sqlite3_bind_int (stmt, 2, poll->multiple);
  sqlite3_bind_int64 (stmt, 3, poll->expires_at);
  bind_voters (stmt, 4, poll->voters_count);
  sqlite3_bind_int (stmt, 5, poll->closed);
  if (!qtr_node_store_run_done (self, stmt, error))
    return FALSE;
  if (!same_options)
    {
      stmt = qtr_node_store_prepare_row (self, "DELETE FROM poll_options WHERE status_id = ?1",
                                         poll->status_id, error);
      return qtr_node_store_run_done (self, stmt, error) && insert_options (self, poll, error);
    }
  for (guint i = 0; i < poll->options->len; i++)
    {
      QtrNodePollOption *option = g_ptr_array_index (poll->options, i);

      stmt = qtr_db_prepare (get_db (self), "UPDATE poll_options SET votes_count = ?3"
                                            " WHERE status_id = ?1 AND position = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, poll->status_id);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_int64 (stmt, 3, MAX (option->votes_count, 0));
      if (!qtr_node_store_run_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * qtr_node_store_set_own_votes:
 * @choices: (array length=n_choices): the options the owner chose, by position
 *
 * Notes the owner's vote on a remote poll, counted in the options' votes until the poll's
 * author tells the counts (and in its voters, when those are known).
 */
gboolean
qtr_node_store_set_own_votes (QtrNodeStore  *self,
                              gint64         status_id,
                              const guint   *choices,
                              guint          n_choices,
                              GError       **error)
{
  sqlite3_stmt *stmt;

  for (guint i = 0; i < n_choices; i++)
    {
      stmt = qtr_db_prepare (get_db (self), "UPDATE poll_options SET own_vote = 1,"
                                            " votes_count = votes_count + 1"
                                            " WHERE status_id = ?1 AND position = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, status_id);
      sqlite3_bind_int (stmt, 2, choices[i]);
      if (!qtr_node_store_run_done (self, stmt, error))
        return FALSE;
    }
  stmt = qtr_node_store_prepare_row (self, "UPDATE polls SET voters_count = voters_count + 1"
                                     " WHERE status_id = ?1 AND voters_count IS NOT NULL",
                                     status_id, error);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_add_poll_vote:
 * @status_id: one of the owner's posts with a poll
 * @actor_row: the voter
 * @choice: the option chosen, by position
 * @activity_uri: the vote's id
 *
 * Counts a vote on one of the owner's polls, as Mastodon does: once per option and account,
 * and for a single-choice poll once per account; never after the poll ended. The poll's
 * voters are counted again, and it is marked as changed, for the next Update.
 */
QtrPollVoteResult
qtr_node_store_add_poll_vote (QtrNodeStore  *self,
                              gint64         status_id,
                              gint64         actor_row,
                              guint          choice,
                              const char    *activity_uri,
                              GError       **error)
{
  g_autoptr(QtrNodePoll) poll = qtr_node_store_find_poll (self, status_id, error);
  gint64 now = qtr_node_store_now ();
  sqlite3_stmt *stmt;
  gint64 before;

  if (poll == NULL)
    return error != NULL && *error != NULL ? QTR_POLL_VOTE_FAILED : QTR_POLL_VOTE_REFUSED;
  if (qtr_node_poll_has_ended (poll, now) || choice >= poll->options->len)
    return QTR_POLL_VOTE_REFUSED;

  stmt = qtr_db_prepare (get_db (self), "SELECT count (*) FROM poll_votes WHERE status_id = ?1"
                                        " AND actor_id = ?2 AND (?3 OR position = ?4)", error);
  if (stmt == NULL)
    return QTR_POLL_VOTE_FAILED;
  sqlite3_bind_int64 (stmt, 1, status_id);
  sqlite3_bind_int64 (stmt, 2, actor_row);
  sqlite3_bind_int (stmt, 3, !poll->multiple);
  sqlite3_bind_int (stmt, 4, choice);
  before = qtr_node_store_query_int64 (self, stmt, 0, error);
  if (before < 0)
    return QTR_POLL_VOTE_FAILED;
  if (before > 0)
    return QTR_POLL_VOTE_REFUSED;

  stmt = qtr_db_prepare (get_db (self), "INSERT INTO poll_votes (status_id, actor_id, position,"
                                        " activity_uri, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                         error);
  if (stmt == NULL)
    return QTR_POLL_VOTE_FAILED;
  sqlite3_bind_int64 (stmt, 1, status_id);
  sqlite3_bind_int64 (stmt, 2, actor_row);
  sqlite3_bind_int (stmt, 3, choice);
  qtr_db_bind_text (stmt, 4, activity_uri);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!qtr_node_store_run_done (self, stmt, error))
    return QTR_POLL_VOTE_FAILED;

  stmt = qtr_db_prepare (get_db (self), "UPDATE poll_options SET votes_count = votes_count + 1"
                                        " WHERE status_id = ?1 AND position = ?2", error);
  if (stmt == NULL)
    return QTR_POLL_VOTE_FAILED;
  sqlite3_bind_int64 (stmt, 1, status_id);
  sqlite3_bind_int (stmt, 2, choice);
  if (!qtr_node_store_run_done (self, stmt, error))
    return QTR_POLL_VOTE_FAILED;
  stmt = qtr_node_store_prepare_row (self, "UPDATE polls SET changed = 1, voters_count ="
                                     " (SELECT count (DISTINCT actor_id) FROM poll_votes"
                                     " WHERE status_id = ?1) WHERE status_id = ?1",
                                     status_id, error);
  return qtr_node_store_run_done (self, stmt, error) ? QTR_POLL_VOTE_COUNTED
                                                    : QTR_POLL_VOTE_FAILED;
}

/**
 * qtr_node_store_poll_voter_inboxes:
 *
 * Returns: (transfer full): the inboxes of those who voted on the owner's poll @status_id
 *   (shared ones where known), each once; %NULL with @error set on failure
 */
GStrv
qtr_node_store_poll_voter_inboxes (QtrNodeStore  *self,
                                   gint64         status_id,
                                   GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self,
                                                   "SELECT DISTINCT coalesce (a.shared_inbox,"
                                                   " a.inbox) FROM poll_votes v"
                                                   " JOIN remote_actors a ON a.id = v.actor_id"
                                                   " WHERE v.status_id = ?1", status_id, error);

  return qtr_node_store_collect_text (self, stmt, error);
}

/**
 * qtr_node_store_list_changed_polls:
 *
 * Returns: (transfer full) (element-type gint64): the owner's polls whose counts changed
 *   since their last Update, or %NULL with @error set
 */
GArray *
qtr_node_store_list_changed_polls (QtrNodeStore  *self,
                                   GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT status_id FROM polls WHERE changed = 1", error);

  return qtr_node_store_collect_ids (self, stmt, error);
}

/**
 * qtr_node_store_mark_poll_sent:
 *
 * Notes that an Update with the counts of poll @status_id went out.
 */
gboolean
qtr_node_store_mark_poll_sent (QtrNodeStore  *self,
                               gint64         status_id,
                               GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "UPDATE polls SET changed = 0"
                                                   " WHERE status_id = ?1", status_id, error);

  return qtr_node_store_run_done (self, stmt, error);
}

/* The polls whose end is told: the owner's, and those the owner voted on. */
#define TOLD_POLLS \
  " FROM polls p JOIN statuses s ON s.id = p.status_id" \
  " WHERE p.ended_told = 0 AND p.expires_at > 0" \
  " AND (s.actor_id IS NULL OR EXISTS (SELECT 1 FROM poll_options o" \
  " WHERE o.status_id = p.status_id AND o.own_vote))"

/**
 * qtr_node_store_next_poll_end:
 *
 * Returns: when the next poll ends whose end is to be told (see
 *   qtr_node_store_list_ended_polls()), 0 for none, -1 on failure with @error set
 */
gint64
qtr_node_store_next_poll_end (QtrNodeStore  *self,
                              GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT coalesce (min (p.expires_at), 0)" TOLD_POLLS,
                                       error);

  return qtr_node_store_query_int64 (self, stmt, 0, error);
}

/**
 * qtr_node_store_list_ended_polls:
 * @now: the time (Unix seconds)
 *
 * Returns: (transfer full) (element-type gint64): the polls that ended by @now and whose end
 *   was not told yet: the owner's, and those the owner voted on; %NULL with @error set
 */
GArray *
qtr_node_store_list_ended_polls (QtrNodeStore  *self,
                                 gint64         now,
                                 GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self,
                                                   "SELECT p.status_id" TOLD_POLLS
                                                   " AND p.expires_at <= ?1", now, error);

  return qtr_node_store_collect_ids (self, stmt, error);
}

/**
 * qtr_node_store_mark_poll_ended:
 *
 * Notes that the end of poll @status_id was told: it is closed from now on.
 */
gboolean
qtr_node_store_mark_poll_ended (QtrNodeStore  *self,
                                gint64         status_id,
                                GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "UPDATE polls SET ended_told = 1,"
                                                   " closed = 1, changed = 0"
                                                   " WHERE status_id = ?1", status_id, error);

  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_set_status_document:
 * @document: the post's document as served from now on
 *
 * Replaces the document of the owner's post @status_id (a poll's counts changed).
 */
gboolean
qtr_node_store_set_status_document (QtrNodeStore  *self,
                                    gint64         status_id,
                                    const char    *document,
                                    GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "UPDATE statuses SET document = ?2"
                                                   " WHERE id = ?1", status_id, error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 2, document);
  return qtr_node_store_run_done (self, stmt, error);
}
