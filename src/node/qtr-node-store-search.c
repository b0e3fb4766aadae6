/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-store-search.h"

#include <string.h>

/* Searching what node.db holds: accounts by name, posts by words of their text, hashtags of
 * stored posts. Text is matched with LIKE (case-insensitive for ASCII), its own % and _
 * escaped. */

/* `%text%` for LIKE … ESCAPE '\'. */
static char *
build_like_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* The first column of each row of @stmt (bound), or %NULL with @error set. */
static GArray *
collect_ids (QtrDb         *db,
             sqlite3_stmt  *stmt,
             GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = qtr_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&ids);
}

/**
 * qtr_node_store_is_following:
 * @actor_row: an account of another server
 *
 * Returns: 1 when the owner follows @actor_row (accepted), 0 when not, -1 with @error set
 */
gint64
qtr_node_store_is_following (QtrNodeStore  *self,
                             gint64         actor_row,
                             GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt = qtr_db_prepare (db,
                                       "SELECT 1 FROM following WHERE actor_id = ?1"
                                       " AND accepted = 1", error);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  rc = qtr_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return 1;
    }
  return rc == SQLITE_DONE ? 0 : -1;
}

/**
 * qtr_node_store_search_accounts:
 * @text: what the user typed, without a leading `@`
 * @owner_host: the node's host, for the owner's `user@host`
 * @following_only: only accounts the owner follows
 *
 * Finds accounts whose user name, display name or `user@host` contains @text: the owner
 * (row 0) and those of other servers the node knows.
 *
 * Returns: (transfer full) (element-type gint64): their rows (0: the owner), or %NULL with
 *   @error set
 */
GArray *
qtr_node_store_search_accounts (QtrNodeStore  *self,
                                const char    *text,
                                const char    *owner_host,
                                gboolean       following_only,
                                guint          limit,
                                guint          offset,
                                GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  g_autofree char *pattern = build_like_pattern (text);
  sqlite3_stmt *stmt = qtr_db_prepare (db,
    "SELECT id FROM ("
    " SELECT 0 AS id, username, display_name, ?2 AS host, 0 AS followed FROM owner"
    " UNION ALL"
    " SELECT r.id, r.username, r.display_name, r.host,"
    "  EXISTS (SELECT 1 FROM following f WHERE f.actor_id = r.id AND f.accepted = 1)"
    " FROM remote_actors r)"
    " WHERE (username LIKE ?1 ESCAPE '\\' OR display_name LIKE ?1 ESCAPE '\\'"
    "  OR username || '@' || host LIKE ?1 ESCAPE '\\')"
    " AND (?3 = 0 OR followed)"
    " ORDER BY id LIMIT ?4 OFFSET ?5", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, owner_host, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, following_only);
  sqlite3_bind_int64 (stmt, 4, limit);
  sqlite3_bind_int64 (stmt, 5, offset);
  return collect_ids (db, stmt, error);
}

/**
 * qtr_node_store_search_statuses:
 * @text: words the post's text contains
 * @with_private: include private and direct posts (the owner searches)
 * @actor_row: only posts of this account (0: the owner), or -1 for anyone's
 * @max_id: only posts below this row, 0 for no bound
 * @min_id: only posts above this row, 0 for no bound
 *
 * Finds stored posts (not reblogs) whose text contains @text, newest first.
 *
 * Returns: (transfer full) (element-type gint64): their rows, or %NULL with @error set
 */
GArray *
qtr_node_store_search_statuses (QtrNodeStore  *self,
                                const char    *text,
                                gboolean       with_private,
                                gint64         actor_row,
                                gint64         max_id,
                                gint64         min_id,
                                guint          limit,
                                guint          offset,
                                GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  g_autofree char *pattern = build_like_pattern (text);
  sqlite3_stmt *stmt = qtr_db_prepare (db,
    "SELECT id FROM statuses WHERE reblog_of_id IS NULL"
    " AND (?6 = 0 OR id < ?6) AND (?7 = 0 OR id > ?7)"
    " AND (content LIKE ?1 ESCAPE '\\' OR summary LIKE ?1 ESCAPE '\\')"
    " AND (?2 OR visibility IN ('public', 'unlisted'))"
    " AND (?3 < 0 OR coalesce (actor_id, 0) = ?3)"
    " ORDER BY id DESC LIMIT ?4 OFFSET ?5", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, with_private);
  sqlite3_bind_int64 (stmt, 3, actor_row);
  sqlite3_bind_int64 (stmt, 4, limit);
  sqlite3_bind_int64 (stmt, 5, offset);
  sqlite3_bind_int64 (stmt, 6, max_id);
  sqlite3_bind_int64 (stmt, 7, min_id);
  return collect_ids (db, stmt, error);
}

void
qtr_tag_count_free (QtrTagCount *tag)
{
  if (tag == NULL)
    return;
  g_free (tag->name);
  g_free (tag);
}

/**
 * qtr_node_store_search_tags:
 * @text: part of a hashtag, without `#`
 *
 * Finds the hashtags of stored posts (their Notes' `tag` of type Hashtag) that contain
 * @text, the most used first.
 *
 * Returns: (transfer full) (element-type QtrTagCount): the tags, or %NULL with @error set
 */
GPtrArray *
qtr_node_store_search_tags (QtrNodeStore  *self,
                            const char    *text,
                            guint          limit,
                            guint          offset,
                            GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  g_autofree char *pattern = build_like_pattern (text);
  g_autoptr(GPtrArray) tags = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_tag_count_free);
  sqlite3_stmt *stmt = qtr_db_prepare (db,
    "SELECT name, count (*) AS uses FROM ("
    " SELECT lower (ltrim (json_extract (t.value, '$.name'), '#')) AS name"
    " FROM statuses s, json_each (CASE json_type (s.document, '$.tag')"
    "   WHEN 'array' THEN json_extract (s.document, '$.tag') ELSE '[]' END) t"
    " WHERE CASE WHEN t.type = 'object' THEN json_extract (t.value, '$.type') END = 'Hashtag')"
    " WHERE name != '' AND name LIKE ?1 ESCAPE '\\'"
    " GROUP BY name ORDER BY uses DESC, name LIMIT ?2 OFFSET ?3", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);
  while ((rc = qtr_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      QtrTagCount *tag = g_new0 (QtrTagCount, 1);

      tag->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      tag->uses = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (tags, tag);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&tags);
}
