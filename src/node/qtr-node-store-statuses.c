/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-store-statuses.h"
#include "qtr-node-store-private.h"

#include <string.h>

/* Statements on the tables of migration 11 (qtr-node-store.c), and the lists the client API
 * pages through. */

static QtrDb *
get_db (QtrNodeStore *self)
{
  return qtr_node_store_get_db (self);
}

/**
 * qtr_node_store_page:
 *
 * Reads one page of a list, newest first: with @page's min_id, the items just above it;
 * else the newest items between since_id and max_id.
 *
 * Returns: (transfer full) (element-type QtrPageItem): the page, or %NULL with @error set
 */
GArray *
qtr_node_store_page (QtrNodeStore       *self,
                     const QtrPageQuery *query,
                     const QtrPage      *page,
                     GError            **error)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (QtrPageItem));
  gboolean ascending = page->min_id > 0;
  g_autofree char *sql = g_strdup_printf ("%s WHERE (%s) AND (?1 = 0 OR %s < ?1)"
                                          " AND %s > max (?2, ?3) ORDER BY %s %s LIMIT ?4",
                                          query->select, query->where ? query->where : "1",
                                          query->cursor, query->cursor, query->cursor,
                                          ascending ? "ASC" : "DESC");
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self), sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, MAX (page->max_id, 0));
  sqlite3_bind_int64 (stmt, 2, MAX (page->since_id, 0));
  sqlite3_bind_int64 (stmt, 3, MAX (page->min_id, 0));
  sqlite3_bind_int64 (stmt, 4, page->limit);
  qtr_db_bind_text (stmt, 5, query->text);
  sqlite3_bind_int64 (stmt, 6, query->number);
  qtr_db_bind_text (stmt, 7, query->text2);
  while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
    {
      QtrPageItem item = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      if (ascending)
        g_array_prepend_val (items, item);
      else
        g_array_append_val (items, item);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&items);
}

/**
 * qtr_node_store_find_status_by_id:
 *
 * Returns: (transfer full) (nullable): the post of row @id, %NULL when there is none (@error
 *   unset) or on failure (@error set)
 */
QtrStatus *
qtr_node_store_find_status_by_id (QtrNodeStore  *self,
                                  gint64         id,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "SELECT uri FROM statuses WHERE id = ?1",
                                                   id, error);
  g_autofree char *uri = qtr_node_store_query_text (self, stmt, error);

  if (uri == NULL)
    return NULL;
  return qtr_node_store_find_status (self, uri, NULL, error);
}

/**
 * qtr_node_store_find_status_row:
 * @actor_row: (out) (optional): the author's row, 0 for the owner
 *
 * Returns: the row id of the post @uri, 0 when it is not stored, -1 with @error set
 */
gint64
qtr_node_store_find_status_row (QtrNodeStore  *self,
                                const char    *uri,
                                gint64        *actor_row,
                                GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT id, coalesce (actor_id, 0) FROM statuses"
                                       " WHERE uri = ?1", error);
  gint64 id;
  int rc;

  if (stmt == NULL)
    return -1;
  qtr_db_bind_text (stmt, 1, uri);
  rc = qtr_db_step (get_db (self), stmt, error);
  if (rc == SQLITE_DONE)
    return 0;
  if (rc != SQLITE_ROW)
    return -1;
  id = sqlite3_column_int64 (stmt, 0);
  if (actor_row != NULL)
    *actor_row = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);
  return id;
}

/**
 * qtr_node_store_status_counts:
 *
 * Counts what the node knows of a post: its stored replies; its boosts (stored reblogs, and
 * those the owner was told of); its likes (those the owner was told of, and the owner's).
 */
gboolean
qtr_node_store_status_counts (QtrNodeStore     *self,
                              const QtrStatus  *status,
                              gint64           *replies,
                              gint64           *reblogs,
                              gint64           *favourites,
                              GError          **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT (SELECT count (*) FROM statuses"
                                       "   WHERE in_reply_to_uri = ?1),"
                                       " (SELECT count (*) FROM ("
                                       "   SELECT coalesce (actor_id, 0) FROM statuses"
                                       "   WHERE reblog_of_id = ?2"
                                       "   UNION SELECT actor_id FROM notifications"
                                       "   WHERE type = 'reblog' AND status_uri = ?1)),"
                                       " (SELECT count (*) FROM notifications"
                                       "   WHERE type = 'favourite' AND status_uri = ?1)"
                                       " + (SELECT count (*) FROM likes WHERE status_uri = ?1)",
                                       error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, status->uri);
  sqlite3_bind_int64 (stmt, 2, status->id);
  if (qtr_db_step (get_db (self), stmt, error) != SQLITE_ROW)
    return FALSE;
  *replies = sqlite3_column_int64 (stmt, 0);
  *reblogs = sqlite3_column_int64 (stmt, 1);
  *favourites = sqlite3_column_int64 (stmt, 2);
  sqlite3_reset (stmt);
  return TRUE;
}

/**
 * qtr_node_store_list_replies:
 *
 * Returns: (transfer full) (element-type gint64): the rows of the stored replies to @uri,
 *   oldest first, or %NULL with @error set
 */
GArray *
qtr_node_store_list_replies (QtrNodeStore  *self,
                             const char    *uri,
                             GError       **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT id FROM statuses WHERE in_reply_to_uri = ?1"
                                       " ORDER BY published, id", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  qtr_db_bind_text (stmt, 1, uri);
  while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (rows, id);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&rows);
}

/**
 * qtr_node_store_status_actors:
 * @type: "favourite" or "reblog"
 *
 * Returns: (transfer full) (element-type gint64): the accounts (rows in remote_actors, 0
 *   for the owner) that liked or boosted @status, most recent first, or %NULL with @error
 *   set
 */
GArray *
qtr_node_store_status_actors (QtrNodeStore     *self,
                              const QtrStatus  *status,
                              const char       *type,
                              guint             limit,
                              GError          **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  if (g_str_equal (type, "favourite"))
    stmt = qtr_db_prepare (get_db (self),
                           "SELECT actor, max (at) FROM ("
                           " SELECT actor_id AS actor, created_at AS at FROM notifications"
                           " WHERE type = 'favourite' AND status_uri = ?1"
                           " UNION ALL SELECT 0, created_at FROM likes WHERE status_uri = ?1)"
                           " GROUP BY actor ORDER BY 2 DESC LIMIT ?3", error);
  else
    stmt = qtr_db_prepare (get_db (self),
                           "SELECT actor, max (at) FROM ("
                           " SELECT actor_id AS actor, created_at AS at FROM notifications"
                           " WHERE type = 'reblog' AND status_uri = ?1"
                           " UNION ALL SELECT coalesce (actor_id, 0), published FROM statuses"
                           " WHERE reblog_of_id = ?2)"
                           " GROUP BY actor ORDER BY 2 DESC LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  qtr_db_bind_text (stmt, 1, status->uri);
  sqlite3_bind_int64 (stmt, 2, status->id);
  sqlite3_bind_int64 (stmt, 3, limit);
  while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
    {
      gint64 row = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&rows);
}

static const char *
check_mark_table (const char *table)
{
  g_return_val_if_fail (g_str_equal (table, "bookmarks") || g_str_equal (table, "pins"),
                        "bookmarks");
  return table;
}

/**
 * qtr_node_store_set_status_mark:
 * @table: "bookmarks" or "pins"
 *
 * Bookmarks or pins a post, or takes that back; doing it twice changes nothing.
 */
gboolean
qtr_node_store_set_status_mark (QtrNodeStore  *self,
                                const char    *table,
                                gint64         status_id,
                                gboolean       marked,
                                GError       **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  table = check_mark_table (table);
  if (marked)
    sql = g_strdup_printf ("INSERT INTO %s (status_id, created_at) VALUES (?1, ?2)"
                           " ON CONFLICT (status_id) DO NOTHING", table);
  else
    sql = g_strdup_printf ("DELETE FROM %s WHERE status_id = ?1", table);
  stmt = qtr_db_prepare (get_db (self), sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, status_id);
  if (marked)
    sqlite3_bind_int64 (stmt, 2, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_has_status_mark:
 *
 * Returns: 1 when the post is bookmarked (or pinned), 0 when not, -1 with @error set
 */
gint64
qtr_node_store_has_status_mark (QtrNodeStore  *self,
                                const char    *table,
                                gint64         status_id,
                                GError       **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE status_id = ?1",
                                          check_mark_table (table));
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, sql, status_id, error);

  return qtr_node_store_query_int64 (self, stmt, 0, error);
}

/**
 * qtr_node_store_count_pins:
 *
 * Returns: how many posts the owner pinned, or -1 with @error set
 */
gint64
qtr_node_store_count_pins (QtrNodeStore  *self,
                           GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self), "SELECT count (*) FROM pins", error);

  if (stmt == NULL)
    return -1;
  return qtr_node_store_query_int64 (self, stmt, 0, error);
}

/**
 * qtr_node_store_list_pinned_documents:
 *
 * Returns: (transfer full): the Notes of the owner's pinned posts, most recently pinned
 *   first, or %NULL with @error set
 */
GStrv
qtr_node_store_list_pinned_documents (QtrNodeStore  *self,
                                      GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT s.document FROM pins p"
                                       " JOIN statuses s ON s.id = p.status_id"
                                       " WHERE s.actor_id IS NULL"
                                       " AND s.visibility IN ('public', 'unlisted')"
                                       " ORDER BY p.id DESC", error);

  return qtr_node_store_collect_text (self, stmt, error);
}

/**
 * qtr_node_store_set_status_source:
 * @text: what the owner wrote, as plain text
 * @app_row: the app that posted it, 0 when none
 *
 * Keeps the text of one of the owner's posts, as written.
 */
gboolean
qtr_node_store_set_status_source (QtrNodeStore  *self,
                                  gint64         status_id,
                                  const char    *text,
                                  gint64         app_row,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "INSERT INTO status_sources (status_id, text, app_id)"
                                       " VALUES (?1, ?2, ?3) ON CONFLICT (status_id)"
                                       " DO UPDATE SET text = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, status_id);
  qtr_db_bind_text (stmt, 2, text);
  if (app_row > 0)
    sqlite3_bind_int64 (stmt, 3, app_row);
  else
    sqlite3_bind_null (stmt, 3);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_get_status_source:
 * @app_row: (out): the app that posted it, 0 when not known
 *
 * Returns: (transfer full) (nullable): the text the owner wrote; %NULL when it was not kept
 *   (@error unset) or on failure (@error set)
 */
char *
qtr_node_store_get_status_source (QtrNodeStore  *self,
                                  gint64         status_id,
                                  gint64        *app_row,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT text, coalesce (app_id, 0) FROM status_sources"
                                       " WHERE status_id = ?1", error);
  char *text;

  *app_row = 0;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, status_id);
  if (qtr_db_step (get_db (self), stmt, error) != SQLITE_ROW)
    return NULL;
  text = qtr_db_column_dup_text (stmt, 0);
  *app_row = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);
  return text;
}

/**
 * qtr_node_store_find_idempotent_post:
 * @key: an `Idempotency-Key` header
 *
 * Returns: the row of the post made within %QTR_IDEMPOTENCY_SECONDS with @key, 0 when none,
 *   -1 with @error set
 */
gint64
qtr_node_store_find_idempotent_post (QtrNodeStore  *self,
                                     const char    *key,
                                     GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT status_id FROM idempotency_keys"
                                       " WHERE key = ?1 AND created_at > ?2", error);

  if (stmt == NULL)
    return -1;
  qtr_db_bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, qtr_node_store_now () - QTR_IDEMPOTENCY_SECONDS);
  return qtr_node_store_query_int64 (self, stmt, 0, error);
}

/**
 * qtr_node_store_add_idempotent_post:
 *
 * Remembers that @key made post @status_id, and forgets keys older than
 * %QTR_IDEMPOTENCY_SECONDS.
 */
gboolean
qtr_node_store_add_idempotent_post (QtrNodeStore  *self,
                                    const char    *key,
                                    gint64         status_id,
                                    GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "DELETE FROM idempotency_keys WHERE created_at <= ?1",
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, qtr_node_store_now () - QTR_IDEMPOTENCY_SECONDS);
  if (!qtr_node_store_run_done (self, stmt, error))
    return FALSE;
  stmt = qtr_db_prepare (get_db (self),
                         "INSERT OR REPLACE INTO idempotency_keys (key, status_id, created_at)"
                         " VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, status_id);
  sqlite3_bind_int64 (stmt, 3, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_keep_status_version:
 * @edited: the post as an edit is about to make it (its uri, author, content, summary,
 *   sensitive flag and attachments)
 *
 * Keeps the stored version of a post, with its media, before an edit replaces it: the
 * history of its edits. An Update that changes none of these (a poll's counts) keeps
 * nothing; nor does one of a post not stored.
 */
gboolean
qtr_node_store_keep_status_version (QtrNodeStore     *self,
                                    const QtrStatus  *edited,
                                    GError          **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "INSERT INTO status_edits (status_id, content, summary,"
                                       " sensitive, created_at)"
                                       " SELECT id, content, summary, sensitive,"
                                       " coalesce (updated, published) FROM statuses s"
                                       " WHERE uri = ?1 AND actor_id IS ?2"
                                       " AND reblog_of_id IS NULL"
                                       " AND (content IS NOT ?3 OR summary IS NOT ?4"
                                       "  OR sensitive != ?5 OR (SELECT count (*)"
                                       "  FROM attachments a WHERE a.status_id = s.id) != ?6)",
                                       error);
  gint64 edit_id;

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, edited->uri);
  if (edited->actor_row > 0)
    sqlite3_bind_int64 (stmt, 2, edited->actor_row);
  else
    sqlite3_bind_null (stmt, 2);
  qtr_db_bind_text (stmt, 3, edited->content);
  qtr_db_bind_text (stmt, 4, edited->summary);
  sqlite3_bind_int (stmt, 5, edited->sensitive ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6, edited->attachments ? edited->attachments->len : 0);
  if (!qtr_node_store_run_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (qtr_db_get_handle (get_db (self))) == 0)
    return TRUE;
  edit_id = sqlite3_last_insert_rowid (qtr_db_get_handle (get_db (self)));

  stmt = qtr_db_prepare (get_db (self),
                         "INSERT INTO status_edit_attachments (edit_id, position, type, url,"
                         " media_type, description, width, height)"
                         " SELECT ?1, a.position, a.type, a.url, a.media_type, a.description,"
                         " a.width, a.height FROM attachments a"
                         " JOIN status_edits e ON e.status_id = a.status_id WHERE e.id = ?1",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, edit_id);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_list_status_versions:
 *
 * Returns: (transfer full) (element-type QtrStatus): the earlier versions of post
 *   @status_id, oldest first, each with its content, summary, sensitive flag, media, and the
 *   time it was written as @published; or %NULL with @error set
 */
GPtrArray *
qtr_node_store_list_status_versions (QtrNodeStore  *self,
                                     gint64         status_id,
                                     GError       **error)
{
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (
    (GDestroyNotify) qtr_status_free);
  g_autoptr(GArray) edit_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT id, content, summary, sensitive, created_at"
                                       " FROM status_edits WHERE status_id = ?1 ORDER BY id",
                                       error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, status_id);
  while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
    {
      QtrStatus *version = g_new0 (QtrStatus, 1);
      gint64 edit_id = sqlite3_column_int64 (stmt, 0);

      version->id = status_id;
      version->content = qtr_db_column_dup_text (stmt, 1);
      version->summary = qtr_db_column_dup_text (stmt, 2);
      version->sensitive = sqlite3_column_int (stmt, 3);
      version->published = sqlite3_column_int64 (stmt, 4);
      version->attachments = g_ptr_array_new_with_free_func (
        (GDestroyNotify) qtr_attachment_free);
      g_ptr_array_add (versions, version);
      g_array_append_val (edit_ids, edit_id);
    }
  if (rc != SQLITE_DONE)
    return NULL;

  for (guint i = 0; i < edit_ids->len; i++)
    {
      QtrStatus *version = g_ptr_array_index (versions, i);

      stmt = qtr_db_prepare (get_db (self),
                             "SELECT type, url, media_type, description, width, height"
                             " FROM status_edit_attachments WHERE edit_id = ?1"
                             " ORDER BY position", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, g_array_index (edit_ids, gint64, i));
      while ((rc = qtr_db_step (get_db (self), stmt, error)) == SQLITE_ROW)
        {
          QtrAttachment *attachment = g_new0 (QtrAttachment, 1);

          attachment->type = sqlite3_column_int (stmt, 0);
          attachment->url = qtr_db_column_dup_text (stmt, 1);
          attachment->media_type = qtr_db_column_dup_text (stmt, 2);
          attachment->description = qtr_db_column_dup_text (stmt, 3);
          attachment->width = sqlite3_column_int64 (stmt, 4);
          attachment->height = sqlite3_column_int64 (stmt, 5);
          g_ptr_array_add (version->attachments, attachment);
        }
      if (rc != SQLITE_DONE)
        return NULL;
    }
  return g_steal_pointer (&versions);
}

void
qtr_notification_free (QtrNotification *notification)
{
  if (notification == NULL)
    return;
  g_free (notification->type);
  g_free (notification->status_uri);
  g_free (notification);
}

/**
 * qtr_node_store_find_notification:
 *
 * Returns: (transfer full) (nullable): notification @id unless dismissed; %NULL when there
 *   is none (@error unset) or on failure (@error set)
 */
QtrNotification *
qtr_node_store_find_notification (QtrNodeStore  *self,
                                  gint64         id,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (get_db (self),
                                       "SELECT id, type, actor_id, status_uri, created_at"
                                       " FROM notifications WHERE id = ?1 AND dismissed = 0",
                                       error);
  QtrNotification *notification;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (qtr_db_step (get_db (self), stmt, error) != SQLITE_ROW)
    return NULL;
  notification = g_new0 (QtrNotification, 1);
  notification->id = sqlite3_column_int64 (stmt, 0);
  notification->type = qtr_db_column_dup_text (stmt, 1);
  notification->actor_row = sqlite3_column_int64 (stmt, 2);
  notification->status_uri = qtr_db_column_dup_text (stmt, 3);
  notification->created_at = sqlite3_column_int64 (stmt, 4);
  sqlite3_reset (stmt);
  return notification;
}

/**
 * qtr_node_store_dismiss_notifications:
 * @id: a notification, or 0 for all of them
 *
 * Dismissed notifications are no longer listed; they still count the likes and boosts they
 * tell of.
 */
gboolean
qtr_node_store_dismiss_notifications (QtrNodeStore  *self,
                                      gint64         id,
                                      GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "UPDATE notifications SET dismissed = 1"
                                                   " WHERE ?1 = 0 OR id = ?1", id, error);

  return qtr_node_store_run_done (self, stmt, error);
}
