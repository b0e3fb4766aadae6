/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-store-client.h"
#include "qtr-node-store-private.h"

#include <sqlite3.h>
#include <string.h>

/* The owner's client-side state in node.db: mutes, lists, markers, filters, followed tags.
 * Pages of rows go through qtr_node_store_page(). */

static QtrDb *
get_db (QtrNodeStore *self)
{
  return qtr_node_store_get_db (self);
}

/**
 * qtr_node_store_page_accounts:
 * @page: which rows; the cursors are actor rows
 *
 * Returns: (transfer full) (element-type QtrPageItem): the actors' rows in remote_actors (as
 *   ids and cursors), newest first, or %NULL with @error set
 */
GArray *
qtr_node_store_page_accounts (QtrNodeStore        *self,
                              QtrAccountListKind   kind,
                              const QtrPage       *page,
                              GError             **error)
{
  static const QtrPageQuery lists[] = {
    [QTR_ACCOUNT_LIST_FOLLOWERS] = { "SELECT actor_id, actor_id FROM followers", "actor_id",
                                     "accepted = 1", NULL, 0, NULL },
    [QTR_ACCOUNT_LIST_FOLLOWING] = { "SELECT actor_id, actor_id FROM following", "actor_id",
                                     "accepted = 1", NULL, 0, NULL },
    [QTR_ACCOUNT_LIST_REQUESTS] = { "SELECT actor_id, actor_id FROM followers", "actor_id",
                                    "accepted = 0", NULL, 0, NULL },
    [QTR_ACCOUNT_LIST_BLOCKS] = { "SELECT actor_id, actor_id FROM blocks", "actor_id", NULL,
                                  NULL, 0, NULL },
    [QTR_ACCOUNT_LIST_MUTES] = { "SELECT actor_id, actor_id FROM mutes", "actor_id",
                                 "expires_at = 0 OR expires_at > ?6", NULL, 0, NULL },
  };
  QtrPageQuery query;

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (lists), NULL);
  query = lists[kind];
  query.number = qtr_node_store_now ();
  return qtr_node_store_page (self, &query, page, error);
}

static int
count_rows (QtrNodeStore  *self,
            const char    *sql,
            gint64         actor_row,
            GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self), sql, error);
  int count;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  sqlite3_bind_int64 (stmt, 2, qtr_node_store_now ());
  if (qtr_db_step (get_db (self), stmt, error) != SQLITE_ROW)
    return -1;
  count = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

/**
 * qtr_node_store_get_follow_state:
 * @state: (out caller-allocates): what lies between the owner and the actor
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
qtr_node_store_get_follow_state (QtrNodeStore    *self,
                                 gint64           actor_row,
                                 QtrFollowState  *state,
                                 GError         **error)
{
  int following = count_rows (self, "SELECT coalesce ((SELECT 1 + accepted FROM following"
                              " WHERE actor_id = ?1), 0)", actor_row, error);
  int followed = following < 0 ? -1 : count_rows (self, "SELECT coalesce ((SELECT 1 + accepted"
                                                  " FROM followers WHERE actor_id = ?1), 0)",
                                                  actor_row, error);
  int blocking = followed < 0 ? -1 : count_rows (self, "SELECT count (*) FROM blocks"
                                                 " WHERE actor_id = ?1", actor_row, error);
  int muting = blocking < 0 ? -1 : count_rows (self, "SELECT coalesce ((SELECT 1 + notifications"
                                               " FROM mutes WHERE actor_id = ?1 AND"
                                               " (expires_at = 0 OR expires_at > ?2)), 0)",
                                               actor_row, error);

  if (muting < 0)
    return FALSE;
  *state = (QtrFollowState) {
    .following = following == 2,
    .requested = following == 1,
    .followed_by = followed == 2,
    .requested_by = followed == 1,
    .blocking = blocking > 0,
    .muting = muting > 0,
    .muting_notifications = muting == 2,
  };
  return TRUE;
}

/**
 * qtr_node_store_get_follower_uri:
 * @accepted: (out): whether the follow is accepted (else it waits for the owner)
 *
 * Returns: (transfer full) (nullable): the id of the actor's Follow of the owner; %NULL when
 *   it does not follow nor ask to (@error unset) or on failure (@error set)
 */
char *
qtr_node_store_get_follower_uri (QtrNodeStore  *self,
                                 gint64         actor_row,
                                 gboolean      *accepted,
                                 GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT follow_uri, accepted FROM followers"
                                       " WHERE actor_id = ?1", error);
  char *uri;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  if (qtr_db_step (get_db (self), stmt, error) != SQLITE_ROW)
    return NULL;
  uri = qtr_db_column_dup_text (stmt, 0);
  *accepted = sqlite3_column_int (stmt, 1) != 0;
  sqlite3_reset (stmt);
  return uri;
}

/**
 * qtr_node_store_add_mute:
 * @notifications: whether the actor's notifications are hidden too
 * @expires_at: when the mute ends (Unix seconds), 0 for never
 *
 * Mutes an actor, or changes its mute. Mutes stay on this node: nothing is sent.
 */
gboolean
qtr_node_store_add_mute (QtrNodeStore  *self,
                         gint64         actor_row,
                         gboolean       notifications,
                         gint64         expires_at,
                         GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "INSERT INTO mutes (actor_id, notifications, expires_at,"
                                       " created_at) VALUES (?1, ?2, ?3, ?4)"
                                       " ON CONFLICT (actor_id) DO UPDATE SET"
                                       " notifications = ?2, expires_at = ?3", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  sqlite3_bind_int (stmt, 2, notifications ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, expires_at);
  sqlite3_bind_int64 (stmt, 4, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_remove_mute:
 *
 * Unmutes an actor; one that is not muted is no error.
 */
gboolean
qtr_node_store_remove_mute (QtrNodeStore  *self,
                            gint64         actor_row,
                            GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self), "DELETE FROM mutes WHERE actor_id = ?1",
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_is_muted:
 * @for_notifications: ask whether the actor's notifications are hidden (rather than its posts)
 *
 * For the timelines and notifications: whether the owner mutes the actor now.
 *
 * Returns: %TRUE when muted; %FALSE also on failure, with @error set
 */
gboolean
qtr_node_store_is_muted (QtrNodeStore  *self,
                         gint64         actor_row,
                         gboolean       for_notifications,
                         GError       **error)
{
  int muted = count_rows (self, "SELECT coalesce ((SELECT 1 + notifications FROM mutes"
                          " WHERE actor_id = ?1 AND (expires_at = 0 OR expires_at > ?2)), 0)",
                          actor_row, error);

  return for_notifications ? muted == 2 : muted > 0;
}

/**
 * qtr_node_store_known_hosts:
 *
 * Returns: (transfer full): the hosts of the actors this node knows, sorted, or %NULL with
 *   @error set
 */
GStrv
qtr_node_store_known_hosts (QtrNodeStore  *self,
                            GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self), "SELECT DISTINCT host FROM remote_actors"
                                       " ORDER BY host", error);

  return qtr_node_store_collect_text (self, stmt, error);
}

/**
 * qtr_node_store_search_actors:
 * @query: what to look for in handles and display names (plain text)
 * @following_only: only accounts the owner follows
 *
 * Returns: (transfer full) (element-type gint64): the rows of matching actors, exact handles
 *   first, or %NULL with @error set
 */
GArray *
qtr_node_store_search_actors (QtrNodeStore  *self,
                              const char    *query,
                              gboolean       following_only,
                              guint          offset,
                              guint          limit,
                              GError       **error)
{
  g_autoptr(GString) pattern = g_string_new ("%");
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT a.id FROM remote_actors a"
                                       " WHERE (a.username || '@' || a.host LIKE ?1 ESCAPE '\\'"
                                       "  OR a.display_name LIKE ?1 ESCAPE '\\')"
                                       " AND (?2 = 0 OR EXISTS (SELECT 1 FROM following f"
                                       "  WHERE f.actor_id = a.id AND f.accepted = 1))"
                                       " ORDER BY (a.username || '@' || a.host = ?3) DESC,"
                                       "  (a.username = ?3) DESC, a.id DESC"
                                       " LIMIT ?4 OFFSET ?5", error);

  if (stmt == NULL)
    return NULL;
  for (const char *p = query; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  qtr_db_bind_text (stmt, 1, pattern->str);
  sqlite3_bind_int (stmt, 2, following_only ? 1 : 0);
  qtr_db_bind_text (stmt, 3, query);
  sqlite3_bind_int64 (stmt, 4, limit);
  sqlite3_bind_int64 (stmt, 5, offset);
  return qtr_node_store_collect_ids (self, stmt, error);
}

/* Lists. */

void
qtr_list_free (QtrList *list)
{
  if (list == NULL)
    return;
  g_free (list->title);
  g_free (list->replies_policy);
  g_free (list);
}

/**
 * qtr_node_store_add_list:
 * @list: the new list; its id is ignored
 *
 * Returns: the new list's id, or -1 with @error set
 */
gint64
qtr_node_store_add_list (QtrNodeStore   *self,
                         const QtrList  *list,
                         GError        **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "INSERT INTO lists (title, replies_policy, exclusive,"
                                       " created_at) VALUES (?1, ?2, ?3, ?4)", error);

  if (stmt == NULL)
    return -1;
  qtr_db_bind_text (stmt, 1, list->title);
  qtr_db_bind_text (stmt, 2, list->replies_policy);
  sqlite3_bind_int (stmt, 3, list->exclusive ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, qtr_node_store_now ());
  if (!qtr_node_store_run_done (self, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (qtr_db_get_handle (get_db (self)));
}

/**
 * qtr_node_store_update_list:
 * @list: the list as it is to be, by its id
 *
 * Returns: %TRUE when the list was changed; %FALSE when there is none of that id (@error
 *   unset) or on failure (@error set)
 */
gboolean
qtr_node_store_update_list (QtrNodeStore   *self,
                            const QtrList  *list,
                            GError        **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "UPDATE lists SET title = ?2, replies_policy = ?3,"
                                       " exclusive = ?4 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, list->id);
  qtr_db_bind_text (stmt, 2, list->title);
  qtr_db_bind_text (stmt, 3, list->replies_policy);
  sqlite3_bind_int (stmt, 4, list->exclusive ? 1 : 0);
  return qtr_node_store_run_done (self, stmt, error) &&
         sqlite3_changes (qtr_db_get_handle (get_db (self))) > 0;
}

/**
 * qtr_node_store_delete_list:
 *
 * Deletes a list with its memberships.
 *
 * Returns: %TRUE when it was deleted; %FALSE when there is none (@error unset) or on failure
 */
gboolean
qtr_node_store_delete_list (QtrNodeStore  *self,
                            gint64         id,
                            GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "DELETE FROM lists WHERE id = ?1",
                                                   id, error);

  return qtr_node_store_run_done (self, stmt, error) &&
         sqlite3_changes (qtr_db_get_handle (get_db (self))) > 0;
}

static QtrList *
read_list (sqlite3_stmt *stmt)
{
  QtrList *list = g_new0 (QtrList, 1);

  list->id = sqlite3_column_int64 (stmt, 0);
  list->title = qtr_db_column_dup_text (stmt, 1);
  list->replies_policy = qtr_db_column_dup_text (stmt, 2);
  list->exclusive = sqlite3_column_int (stmt, 3) != 0;
  return list;
}

/**
 * qtr_node_store_find_list:
 *
 * Returns: (transfer full) (nullable): the list, or %NULL when there is none (@error unset)
 *   or on failure (@error set)
 */
QtrList *
qtr_node_store_find_list (QtrNodeStore  *self,
                          gint64         id,
                          GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT id, title, replies_policy, exclusive FROM lists"
                                       " WHERE id = ?1", error);
  QtrList *list;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (qtr_db_step (get_db (self), stmt, error) != SQLITE_ROW)
    return NULL;
  list = read_list (stmt);
  sqlite3_reset (stmt);
  return list;
}

/**
 * qtr_node_store_get_lists:
 * @member_row: only the lists this actor is a member of; -1 for all lists
 *
 * Returns: (transfer full) (element-type QtrList): the lists, oldest first, or %NULL with
 *   @error set
 */
GPtrArray *
qtr_node_store_get_lists (QtrNodeStore  *self,
                          gint64         member_row,
                          GError       **error)
{
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_list_free);
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT id, title, replies_policy, exclusive FROM lists"
                                       " WHERE ?1 < 0 OR id IN (SELECT list_id FROM list_members"
                                       "  WHERE actor_id = ?1) ORDER BY id", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, member_row);
  while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (lists, read_list (stmt));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&lists);
}

/**
 * qtr_node_store_add_list_member:
 *
 * Adds an actor to a list; one already there is no error.
 */
gboolean
qtr_node_store_add_list_member (QtrNodeStore  *self,
                                gint64         list_id,
                                gint64         actor_row,
                                GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "INSERT OR IGNORE INTO list_members (list_id, actor_id)"
                                       " VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, list_id);
  sqlite3_bind_int64 (stmt, 2, actor_row);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_remove_list_member:
 *
 * Removes an actor from a list; one not there is no error.
 */
gboolean
qtr_node_store_remove_list_member (QtrNodeStore  *self,
                                   gint64         list_id,
                                   gint64         actor_row,
                                   GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "DELETE FROM list_members WHERE list_id = ?1"
                                       " AND actor_id = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, list_id);
  sqlite3_bind_int64 (stmt, 2, actor_row);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_page_list_members:
 * @page: which members; the cursors are actor rows
 *
 * Returns: (transfer full) (element-type QtrPageItem): the members' rows in remote_actors,
 *   or %NULL with @error set
 */
GArray *
qtr_node_store_page_list_members (QtrNodeStore   *self,
                                  gint64          list_id,
                                  const QtrPage  *page,
                                  GError        **error)
{
  QtrPageQuery query = { "SELECT actor_id, actor_id FROM list_members", "actor_id",
                         "list_id = ?6", NULL, list_id, NULL };

  return qtr_node_store_page (self, &query, page, error);
}

/**
 * qtr_node_store_get_list_members:
 *
 * The members of list @list_id, for its timeline.
 *
 * Returns: (transfer full) (element-type gint64): every member's row in remote_actors, or
 *   %NULL with @error set (an unknown list has no members)
 */
GArray *
qtr_node_store_get_list_members (QtrNodeStore  *self,
                                 gint64         list_id,
                                 GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "SELECT actor_id FROM list_members"
                                                   " WHERE list_id = ?1 ORDER BY actor_id DESC",
                                                   list_id, error);

  return qtr_node_store_collect_ids (self, stmt, error);
}

/* Markers. */

/**
 * qtr_node_store_get_marker:
 * @timeline: "home" or "notifications"
 * @last_read_id: (out) (transfer full): the last read item's id, %NULL when none is stored
 * @version: (out): how many times it was saved
 * @updated_at: (out): when it was last saved (Unix seconds)
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
qtr_node_store_get_marker (QtrNodeStore  *self,
                           const char    *timeline,
                           char         **last_read_id,
                           gint64        *version,
                           gint64        *updated_at,
                           GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT last_read_id, version, updated_at FROM markers"
                                       " WHERE timeline = ?1", error);
  int rc;

  *last_read_id = NULL;
  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, timeline);
  rc = qtr_db_step (get_db (self), stmt, error);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return FALSE;
  *last_read_id = qtr_db_column_dup_text (stmt, 0);
  *version = sqlite3_column_int64 (stmt, 1);
  *updated_at = sqlite3_column_int64 (stmt, 2);
  sqlite3_reset (stmt);
  return TRUE;
}

/**
 * qtr_node_store_set_marker:
 *
 * Saves where the owner stopped reading @timeline; its version goes up by one.
 */
gboolean
qtr_node_store_set_marker (QtrNodeStore  *self,
                           const char    *timeline,
                           const char    *last_read_id,
                           GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "INSERT INTO markers (timeline, last_read_id, version,"
                                       " updated_at) VALUES (?1, ?2, 1, ?3)"
                                       " ON CONFLICT (timeline) DO UPDATE SET"
                                       " last_read_id = ?2, version = version + 1,"
                                       " updated_at = ?3", error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, timeline);
  qtr_db_bind_text (stmt, 2, last_read_id);
  sqlite3_bind_int64 (stmt, 3, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/* Filters. */

static void
filter_keyword_free (QtrFilterKeyword *keyword)
{
  g_free (keyword->keyword);
  g_free (keyword);
}

static void
filter_status_free (QtrFilterStatus *status)
{
  g_free (status->status_id);
  g_free (status);
}

/**
 * qtr_filter_new:
 *
 * Returns: (transfer full): an empty filter, its arrays empty
 */
QtrFilter *
qtr_filter_new (void)
{
  QtrFilter *filter = g_new0 (QtrFilter, 1);

  filter->keywords = g_ptr_array_new_with_free_func ((GDestroyNotify) filter_keyword_free);
  filter->statuses = g_ptr_array_new_with_free_func ((GDestroyNotify) filter_status_free);
  return filter;
}

void
qtr_filter_free (QtrFilter *filter)
{
  if (filter == NULL)
    return;
  g_free (filter->title);
  g_strfreev (filter->context);
  g_free (filter->action);
  g_ptr_array_unref (filter->keywords);
  g_ptr_array_unref (filter->statuses);
  g_free (filter);
}

/**
 * qtr_node_store_save_filter:
 * @filter: the filter: a new one when its id is 0, else the one of its id; its keywords and
 *   statuses are not touched (they have calls of their own)
 *
 * Returns: the filter's id; 0 when there is no filter of its id (@error unset); -1 with
 *   @error set on failure
 */
gint64
qtr_node_store_save_filter (QtrNodeStore     *self,
                            const QtrFilter  *filter,
                            GError          **error)
{
  g_autofree char *context = g_strjoinv (" ", filter->context);
  sqlite3_stmt *stmt = filter->id == 0
    ? qtr_db_prepare (get_db (self), "INSERT INTO filters (title, context, action, expires_at,"
                      " created_at) VALUES (?1, ?2, ?3, ?4, ?5)", error)
    : qtr_db_prepare (get_db (self), "UPDATE filters SET title = ?1, context = ?2, action = ?3,"
                      " expires_at = ?4 WHERE id = ?6", error);

  if (stmt == NULL)
    return -1;
  qtr_db_bind_text (stmt, 1, filter->title);
  qtr_db_bind_text (stmt, 2, context);
  qtr_db_bind_text (stmt, 3, filter->action);
  sqlite3_bind_int64 (stmt, 4, filter->expires_at);
  if (filter->id == 0)
    sqlite3_bind_int64 (stmt, 5, qtr_node_store_now ());
  else
    sqlite3_bind_int64 (stmt, 6, filter->id);
  if (!qtr_node_store_run_done (self, stmt, error))
    return -1;
  if (filter->id == 0)
    return sqlite3_last_insert_rowid (qtr_db_get_handle (get_db (self)));
  return sqlite3_changes (qtr_db_get_handle (get_db (self))) > 0 ? filter->id : 0;
}

static gboolean
delete_by_id (QtrNodeStore  *self,
              const char    *sql,
              gint64         id,
              GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, sql, id, error);

  return qtr_node_store_run_done (self, stmt, error) &&
         sqlite3_changes (qtr_db_get_handle (get_db (self))) > 0;
}

/**
 * qtr_node_store_delete_filter:
 *
 * Returns: %TRUE when it was deleted, with its keywords and statuses; %FALSE when there is
 *   none (@error unset) or on failure (@error set)
 */
gboolean
qtr_node_store_delete_filter (QtrNodeStore  *self,
                              gint64         id,
                              GError       **error)
{
  return delete_by_id (self, "DELETE FROM filters WHERE id = ?1", id, error);
}

static gboolean
read_filter_parts (QtrNodeStore  *self,
                   QtrFilter     *filter,
                   GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT id, keyword, whole_word FROM filter_keywords"
                                       " WHERE filter_id = ?1 ORDER BY id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, filter->id);
  while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
    {
      QtrFilterKeyword *keyword = g_new0 (QtrFilterKeyword, 1);

      keyword->id = sqlite3_column_int64 (stmt, 0);
      keyword->keyword = qtr_db_column_dup_text (stmt, 1);
      keyword->whole_word = sqlite3_column_int (stmt, 2) != 0;
      g_ptr_array_add (filter->keywords, keyword);
    }
  if (rc != SQLITE_DONE)
    return FALSE;

  stmt = qtr_db_prepare (get_db (self), "SELECT id, status_id FROM filter_statuses"
                         " WHERE filter_id = ?1 ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, filter->id);
  while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
    {
      QtrFilterStatus *status = g_new0 (QtrFilterStatus, 1);

      status->id = sqlite3_column_int64 (stmt, 0);
      status->status_id = qtr_db_column_dup_text (stmt, 1);
      g_ptr_array_add (filter->statuses, status);
    }
  return rc == SQLITE_DONE;
}

/* The filters of @id (all when @id < 0), with their parts. */
static GPtrArray *
read_filters (QtrNodeStore  *self,
              gint64         id,
              GError       **error)
{
  g_autoptr(GPtrArray) filters = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_filter_free);
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT id, title, context, action, expires_at"
                                       " FROM filters WHERE ?1 < 0 OR id = ?1 ORDER BY id",
                                       error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
    {
      QtrFilter *filter = qtr_filter_new ();

      filter->id = sqlite3_column_int64 (stmt, 0);
      filter->title = qtr_db_column_dup_text (stmt, 1);
      filter->context = g_strsplit ((const char *) sqlite3_column_text (stmt, 2), " ", -1);
      filter->action = qtr_db_column_dup_text (stmt, 3);
      filter->expires_at = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (filters, filter);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  for (guint i = 0; i < filters->len; i++)
    {
      if (!read_filter_parts (self, g_ptr_array_index (filters, i), error))
        return NULL;
    }
  return g_steal_pointer (&filters);
}

/**
 * qtr_node_store_find_filter:
 *
 * Returns: (transfer full) (nullable): the filter with its keywords and statuses, or %NULL
 *   when there is none (@error unset) or on failure (@error set)
 */
QtrFilter *
qtr_node_store_find_filter (QtrNodeStore  *self,
                            gint64         id,
                            GError       **error)
{
  g_autoptr(GPtrArray) filters = id > 0 ? read_filters (self, id, error) : NULL;

  if (filters == NULL || filters->len == 0)
    return NULL;
  return g_ptr_array_steal_index (filters, 0);
}

/**
 * qtr_node_store_get_filters:
 *
 * Returns: (transfer full) (element-type QtrFilter): every filter, expired ones too, oldest
 *   first, or %NULL with @error set
 */
GPtrArray *
qtr_node_store_get_filters (QtrNodeStore  *self,
                            GError       **error)
{
  return read_filters (self, -1, error);
}

/**
 * qtr_node_store_add_filter_keyword:
 *
 * Returns: the keyword's id, or -1 with @error set
 */
gint64
qtr_node_store_add_filter_keyword (QtrNodeStore  *self,
                                   gint64         filter_id,
                                   const char    *keyword,
                                   gboolean       whole_word,
                                   GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "INSERT INTO filter_keywords (filter_id, keyword,"
                                       " whole_word) VALUES (?1, ?2, ?3)", error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, filter_id);
  qtr_db_bind_text (stmt, 2, keyword);
  sqlite3_bind_int (stmt, 3, whole_word ? 1 : 0);
  if (!qtr_node_store_run_done (self, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (qtr_db_get_handle (get_db (self)));
}

/**
 * qtr_node_store_update_filter_keyword:
 *
 * Returns: %TRUE when changed; %FALSE when there is no such keyword (@error unset) or on
 *   failure (@error set)
 */
gboolean
qtr_node_store_update_filter_keyword (QtrNodeStore  *self,
                                      gint64         id,
                                      const char    *keyword,
                                      gboolean       whole_word,
                                      GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "UPDATE filter_keywords SET keyword = ?2,"
                                       " whole_word = ?3 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  qtr_db_bind_text (stmt, 2, keyword);
  sqlite3_bind_int (stmt, 3, whole_word ? 1 : 0);
  return qtr_node_store_run_done (self, stmt, error) &&
         sqlite3_changes (qtr_db_get_handle (get_db (self))) > 0;
}

/**
 * qtr_node_store_delete_filter_keyword:
 *
 * Returns: %TRUE when deleted; %FALSE when there is none (@error unset) or on failure
 */
gboolean
qtr_node_store_delete_filter_keyword (QtrNodeStore  *self,
                                      gint64         id,
                                      GError       **error)
{
  return delete_by_id (self, "DELETE FROM filter_keywords WHERE id = ?1", id, error);
}

static gint64
find_owner_filter (QtrNodeStore  *self,
                   const char    *sql,
                   gint64         id,
                   GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self), sql, error);
  gint64 filter_id;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = qtr_db_step (get_db (self), stmt, error);
  if (rc == SQLITE_DONE)
    return 0;
  if (rc != SQLITE_ROW)
    return -1;
  filter_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return filter_id;
}

/**
 * qtr_node_store_find_filter_keyword:
 *
 * Returns: the id of the filter the keyword belongs to; 0 when there is no such keyword; -1
 *   with @error set on failure
 */
gint64
qtr_node_store_find_filter_keyword (QtrNodeStore  *self,
                                    gint64         id,
                                    GError       **error)
{
  return find_owner_filter (self, "SELECT filter_id FROM filter_keywords WHERE id = ?1", id,
                            error);
}

/**
 * qtr_node_store_add_filter_status:
 * @status_id: the status's id, as the client API names it
 *
 * Returns: the new entry's id; 0 when the filter has that status already (@error unset); -1
 *   with @error set on failure
 */
gint64
qtr_node_store_add_filter_status (QtrNodeStore  *self,
                                  gint64         filter_id,
                                  const char    *status_id,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "INSERT OR IGNORE INTO filter_statuses (filter_id,"
                                       " status_id) VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, filter_id);
  qtr_db_bind_text (stmt, 2, status_id);
  if (!qtr_node_store_run_done (self, stmt, error))
    return -1;
  if (sqlite3_changes (qtr_db_get_handle (get_db (self))) == 0)
    return 0;
  return sqlite3_last_insert_rowid (qtr_db_get_handle (get_db (self)));
}

/**
 * qtr_node_store_delete_filter_status:
 *
 * Returns: %TRUE when deleted; %FALSE when there is none (@error unset) or on failure
 */
gboolean
qtr_node_store_delete_filter_status (QtrNodeStore  *self,
                                     gint64         id,
                                     GError       **error)
{
  return delete_by_id (self, "DELETE FROM filter_statuses WHERE id = ?1", id, error);
}

/**
 * qtr_node_store_find_filter_status:
 *
 * Returns: the id of the filter the entry belongs to; 0 when there is no such entry; -1 with
 *   @error set on failure
 */
gint64
qtr_node_store_find_filter_status (QtrNodeStore  *self,
                                   gint64         id,
                                   GError       **error)
{
  return find_owner_filter (self, "SELECT filter_id FROM filter_statuses WHERE id = ?1", id,
                            error);
}

void
qtr_filter_match_free (QtrFilterMatch *match)
{
  qtr_filter_free (match->filter);
  g_strfreev (match->keyword_matches);
  g_strfreev (match->status_matches);
  g_free (match);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '_';
}

/* As Mastodon matches: case-insensitively; a whole-word keyword only where the text does not
 * go on with a word character on either side of it (at the ends that are word characters). */
static gboolean
keyword_matches (const char             *folded_text,
                 const QtrFilterKeyword *keyword)
{
  g_autofree char *folded = g_utf8_casefold (keyword->keyword, -1);
  gsize length = strlen (folded);
  const char *at = folded_text;

  if (length == 0)
    return FALSE;
  while ((at = strstr (at, folded)) != NULL)
    {
      const char *end = at + length;
      gboolean starts_word = is_word_char (g_utf8_get_char (folded));
      gboolean ends_word = is_word_char (g_utf8_get_char (g_utf8_prev_char (end)));

      if (!keyword->whole_word ||
          ((!starts_word || at == folded_text ||
            !is_word_char (g_utf8_get_char (g_utf8_prev_char (at)))) &&
           (!ends_word || *end == '\0' || !is_word_char (g_utf8_get_char (end)))))
        return TRUE;
      at = g_utf8_next_char (at);
    }
  return FALSE;
}

/**
 * qtr_node_store_match_filters:
 * @text: what the status says, as plain text (its content warning included)
 * @status_id: (nullable): the status's id as the client API names it, for the filters that
 *   name statuses
 * @context: where it is shown: "home", "notifications", "public", "thread" or "account"
 *
 * The filters of the owner's that apply to a status, for its `filtered` member: those of
 * @context that have not expired, with a keyword found in @text or naming @status_id. A
 * match whose filter's action is "hide" means the status is left out.
 *
 * Returns: (transfer full) (element-type QtrFilterMatch): the matches, possibly none, or
 *   %NULL with @error set
 */
GPtrArray *
qtr_node_store_match_filters (QtrNodeStore  *self,
                              const char    *text,
                              const char    *status_id,
                              const char    *context,
                              GError       **error)
{
  g_autoptr(GPtrArray) filters = read_filters (self, -1, error);
  g_autoptr(GPtrArray) matches = NULL;
  g_autofree char *folded = g_utf8_casefold (text ? text : "", -1);
  gint64 now = qtr_node_store_now ();

  if (filters == NULL)
    return NULL;
  matches = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_filter_match_free);
  while (filters->len > 0)
    {
      g_autoptr(QtrFilter) filter = g_ptr_array_steal_index (filters, 0);
      g_autoptr(GStrvBuilder) keywords = g_strv_builder_new ();
      g_autoptr(GStrvBuilder) statuses = g_strv_builder_new ();
      gboolean matched = FALSE;
      QtrFilterMatch *match;

      if ((filter->expires_at > 0 && filter->expires_at <= now) ||
          !g_strv_contains ((const char * const *) filter->context, context))
        continue;
      for (guint i = 0; i < filter->keywords->len; i++)
        {
          const QtrFilterKeyword *keyword = g_ptr_array_index (filter->keywords, i);

          if (keyword_matches (folded, keyword))
            {
              g_strv_builder_add (keywords, keyword->keyword);
              matched = TRUE;
            }
        }
      for (guint i = 0; status_id != NULL && i < filter->statuses->len; i++)
        {
          const QtrFilterStatus *status = g_ptr_array_index (filter->statuses, i);

          if (g_str_equal (status->status_id, status_id))
            {
              g_strv_builder_add (statuses, status->status_id);
              matched = TRUE;
            }
        }
      if (!matched)
        continue;
      match = g_new0 (QtrFilterMatch, 1);
      match->filter = g_steal_pointer (&filter);
      match->keyword_matches = g_strv_builder_end (keywords);
      match->status_matches = g_strv_builder_end (statuses);
      g_ptr_array_add (matches, match);
    }
  return g_steal_pointer (&matches);
}

/* Media. */

/**
 * qtr_node_store_set_media_focus:
 * @focus: (nullable): the focal point, `x,y` (each from -1.0 to 1.0), %NULL for the centre
 *
 * Returns: %TRUE when stored; %FALSE when there is no such media (@error unset) or on failure
 */
gboolean
qtr_node_store_set_media_focus (QtrNodeStore  *self,
                                gint64         id,
                                const char    *focus,
                                GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self), "UPDATE media SET focus = ?2"
                                       " WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  qtr_db_bind_text (stmt, 2, focus);
  return qtr_node_store_run_done (self, stmt, error) &&
         sqlite3_changes (qtr_db_get_handle (get_db (self))) > 0;
}

/**
 * qtr_node_store_get_media_focus:
 *
 * Returns: (transfer full) (nullable): the media's focal point, `x,y`; %NULL when none is set
 *   (@error unset) or on failure (@error set)
 */
char *
qtr_node_store_get_media_focus (QtrNodeStore  *self,
                                gint64         id,
                                GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "SELECT focus FROM media WHERE id = ?1",
                                                   id, error);

  return qtr_node_store_query_text (self, stmt, error);
}

/* Followed hashtags. */

/**
 * qtr_node_store_follow_tag:
 * @name: the hashtag, without `#`
 * @follow: follow it, or stop following it
 *
 * Following a tag followed already, or unfollowing one that is not, is no error.
 */
gboolean
qtr_node_store_follow_tag (QtrNodeStore  *self,
                           const char    *name,
                           gboolean       follow,
                           GError       **error)
{
  sqlite3_stmt *stmt = follow
    ? qtr_db_prepare (get_db (self), "INSERT OR IGNORE INTO followed_tags (name, created_at)"
                      " VALUES (?1, ?2)", error)
    : qtr_db_prepare (get_db (self), "DELETE FROM followed_tags WHERE name = ?1", error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, name);
  if (follow)
    sqlite3_bind_int64 (stmt, 2, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_get_followed_tag:
 *
 * Returns: the row of the followed tag (matched without regard to case), 0 when it is not
 *   followed, or -1 with @error set
 */
gint64
qtr_node_store_get_followed_tag (QtrNodeStore  *self,
                                 const char    *name,
                                 GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT coalesce ((SELECT id FROM followed_tags"
                                       " WHERE name = ?1), 0)", error);
  gint64 id;

  if (stmt == NULL)
    return -1;
  qtr_db_bind_text (stmt, 1, name);
  if (qtr_db_step (get_db (self), stmt, error) != SQLITE_ROW)
    return -1;
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

/**
 * qtr_node_store_page_followed_tags:
 * @page: which tags; the cursors are the rows of followed_tags
 * @items: (out) (transfer full) (element-type QtrPageItem): each tag's row, for paging
 *
 * Returns: (transfer full) (element-type utf8): the names of followed tags, newest first, or
 *   %NULL with @error set
 */
GPtrArray *
qtr_node_store_page_followed_tags (QtrNodeStore   *self,
                                   const QtrPage  *page,
                                   GArray        **items,
                                   GError        **error)
{
  QtrPageQuery query = { "SELECT id, id FROM followed_tags", "id", NULL, NULL, 0, NULL };
  g_autoptr(GArray) found = qtr_node_store_page (self, &query, page, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (found == NULL)
    return NULL;
  for (guint i = 0; i < found->len; i++)
    {
      sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                           "SELECT name FROM followed_tags WHERE id = ?1", error);

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, g_array_index (found, QtrPageItem, i).id);
      if (qtr_db_step (get_db (self), stmt, error) != SQLITE_ROW)
        return NULL;
      g_ptr_array_add (names, qtr_db_column_dup_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  *items = g_steal_pointer (&found);
  return g_steal_pointer (&names);
}
