/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-cache.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "qtr-db.h"
#include "qtr-json.h"

/* QtrCache: cache.db, one per account. It keeps the newest items of each timeline (the JSON of
 * each status or notification, in the timeline's order, with gaps), the accounts they reference,
 * and the reading positions.
 *
 * Accounts are stored once: an item is saved with each account it embeds replaced by `{"id": …}`
 * and the account's JSON in the accounts table, so a timeline of 200 posts by 20 people holds
 * 20 account objects, not 200; loading puts them back.
 *
 * Threads: every call runs on GTask's worker threads, never on the caller's; one connection
 * serves them all, one call at a time (a mutex), and results come back on the caller's main
 * context. A timeline saves at most every few seconds (QtrTimeline debounces), one transaction
 * per save, so the disk never sees a write per streamed post. The caller serialises the items
 * to text before handing them over (JSON trees are not shared between threads). */

struct _QtrCache
{
  GObject  parent_instance;

  GMutex   lock;
  QtrDb   *db;    /* used only with @lock held, on a worker thread */
  char    *path;
  guint    items_per_timeline;
};

G_DEFINE_FINAL_TYPE (QtrCache, qtr_cache, G_TYPE_OBJECT)

static const char * const migrations[] = {
  /* 1: items in timeline order (json NULL: a gap), the accounts they embed, reading positions */
  "CREATE TABLE items ("
  "  timeline TEXT NOT NULL,"
  "  position INTEGER NOT NULL,"
  "  json TEXT,"
  "  PRIMARY KEY (timeline, position)"
  ");"
  "CREATE TABLE item_accounts ("
  "  timeline TEXT NOT NULL,"
  "  account_id TEXT NOT NULL,"
  "  PRIMARY KEY (timeline, account_id)"
  ");"
  "CREATE INDEX item_accounts_by_account ON item_accounts (account_id);"
  "CREATE TABLE accounts ("
  "  id TEXT PRIMARY KEY,"
  "  json TEXT NOT NULL"
  ");"
  "CREATE TABLE markers ("
  "  timeline TEXT PRIMARY KEY,"
  "  last_read_id TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");",
};

static void
qtr_cache_finalize (GObject *object)
{
  QtrCache *self = QTR_CACHE (object);

  g_clear_object (&self->db);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  G_OBJECT_CLASS (qtr_cache_parent_class)->finalize (object);
}

static void
qtr_cache_class_init (QtrCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qtr_cache_finalize;
}

static void
qtr_cache_init (QtrCache *self)
{
  g_mutex_init (&self->lock);
  self->items_per_timeline = QTR_CACHE_DEFAULT_ITEMS_PER_TIMELINE;
}

/**
 * qtr_cache_build_path:
 * @account_key: the account, such as `alice@example.org`
 *
 * Returns: (transfer full): where the account's cache.db lives, under the XDG data dir
 */
char *
qtr_cache_build_path (const char *account_key)
{
  g_autofree char *folder = g_uri_escape_string (account_key, "@", FALSE);

  return g_build_filename (g_get_user_data_dir (), "quitter", "accounts", folder, "cache.db",
                           NULL);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(QtrCache) self = NULL;
  GError *error = NULL;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               "Could not create the folder %s for the cache: %s", folder,
                               g_strerror (saved_errno));
      return;
    }
  self = g_object_new (QTR_TYPE_CACHE, NULL);
  self->path = g_strdup (path);
  self->db = qtr_db_open (path, migrations, G_N_ELEMENTS (migrations), &error);
  if (self->db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&self), g_object_unref);
}

/**
 * qtr_cache_open_async:
 * @path: the cache file (qtr_cache_build_path()); its folder is created
 *
 * Opens (or creates) a cache on a worker thread.
 */
void
qtr_cache_open_async (const char          *path,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_cache_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

/**
 * qtr_cache_open_finish:
 *
 * Returns: (transfer full): the cache, or %NULL with @error set (a #QtrDbError or a #GIOError)
 */
QtrCache *
qtr_cache_open_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
qtr_cache_get_path (QtrCache *self)
{
  g_return_val_if_fail (QTR_IS_CACHE (self), NULL);

  return self->path;
}

guint
qtr_cache_get_items_per_timeline (QtrCache *self)
{
  g_return_val_if_fail (QTR_IS_CACHE (self), 0);

  return self->items_per_timeline;
}

/**
 * qtr_cache_set_items_per_timeline:
 * @n_items: how many of the newest items of a timeline a save keeps
 */
void
qtr_cache_set_items_per_timeline (QtrCache *self,
                                  guint     n_items)
{
  g_return_if_fail (QTR_IS_CACHE (self));
  g_return_if_fail (n_items > 0);

  self->items_per_timeline = n_items;
}

/* The members of a status or notification that hold an account, or a status holding more. */
static void
detach_accounts (JsonObject *entity,
                 GHashTable *accounts)
{
  static const char * const status_members[] = { "status", "reblog" };
  JsonObject *account = qtr_json_get_object (entity, "account");
  const char *id = account != NULL ? qtr_json_get_string (account, "id") : NULL;

  if (id != NULL)
    {
      g_autoptr(JsonObject) stub = json_object_new ();

      g_hash_table_replace (accounts, g_strdup (id), json_object_ref (account));
      json_object_set_string_member (stub, "id", id);
      json_object_set_object_member (entity, "account", g_steal_pointer (&stub));
    }
  for (guint i = 0; i < G_N_ELEMENTS (status_members); i++)
    {
      JsonObject *inner = qtr_json_get_object (entity, status_members[i]);

      if (inner != NULL)
        detach_accounts (inner, accounts);
    }
}

static void
attach_accounts (JsonObject *entity,
                 GHashTable *accounts)
{
  static const char * const status_members[] = { "status", "reblog" };
  JsonObject *stub = qtr_json_get_object (entity, "account");
  const char *id = stub != NULL ? qtr_json_get_string (stub, "id") : NULL;
  JsonObject *account = id != NULL ? g_hash_table_lookup (accounts, id) : NULL;

  if (account != NULL && json_object_get_size (stub) == 1)
    json_object_set_object_member (entity, "account", json_object_ref (account));
  for (guint i = 0; i < G_N_ELEMENTS (status_members); i++)
    {
      JsonObject *inner = qtr_json_get_object (entity, status_members[i]);

      if (inner != NULL)
        attach_accounts (inner, accounts);
    }
}

typedef struct {
  char      *timeline;
  GPtrArray *entries;     /* JSON text, NULL for a gap */
  char      *last_read_id;
} CacheCall;

static void
cache_call_free (CacheCall *call)
{
  g_free (call->timeline);
  g_clear_pointer (&call->entries, g_ptr_array_unref);
  g_free (call->last_read_id);
  g_free (call);
}

/* A task for @source_tag, to run on a worker thread, with a CacheCall for @timeline as its
 * data. */
static GTask *
new_cache_task (QtrCache            *self,
                gpointer             source_tag,
                const char          *timeline,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  CacheCall *call = g_new0 (CacheCall, 1);

  g_task_set_source_tag (task, source_tag);
  call->timeline = g_strdup (timeline);
  g_task_set_task_data (task, call, (GDestroyNotify) cache_call_free);
  return task;
}

static gboolean
save_timeline (QtrDb     *db,
               gpointer   user_data,
               GError   **error)
{
  CacheCall *call = user_data;
  g_autoptr(GHashTable) accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) json_object_unref);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gpointer key, value;

  stmt = qtr_db_prepare (db, "DELETE FROM items WHERE timeline = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, call->timeline, -1, SQLITE_TRANSIENT);
  if (qtr_db_step (db, stmt, error) != SQLITE_DONE)
    return FALSE;
  stmt = qtr_db_prepare (db, "DELETE FROM item_accounts WHERE timeline = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, call->timeline, -1, SQLITE_TRANSIENT);
  if (qtr_db_step (db, stmt, error) != SQLITE_DONE)
    return FALSE;

  for (guint i = 0; i < call->entries->len; i++)
    {
      const char *text = call->entries->pdata[i];
      g_autoptr(JsonObject) entity = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *stored = NULL;

      if (text != NULL)
        {
          entity = qtr_json_parse_object (text, strlen (text), NULL);
          if (entity == NULL)
            continue;  /* the timeline parsed it before; a broken one is not worth a row */
          detach_accounts (entity, accounts);
          node = json_node_init_object (json_node_alloc (), entity);
          json_generator_set_root (generator, node);
          stored = json_generator_to_data (generator, NULL);
        }
      stmt = qtr_db_prepare (db, "INSERT INTO items (timeline, position, json) VALUES (?, ?, ?)",
                             error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, call->timeline, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, i);
      if (stored != NULL)
        sqlite3_bind_text (stmt, 3, stored, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 3);
      if (qtr_db_step (db, stmt, error) != SQLITE_DONE)
        return FALSE;
    }

  g_hash_table_iter_init (&iter, accounts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), value);
      g_autofree char *text = NULL;

      json_generator_set_root (generator, node);
      text = json_generator_to_data (generator, NULL);
      stmt = qtr_db_prepare (db, "INSERT INTO accounts (id, json) VALUES (?, ?) "
                                 "ON CONFLICT (id) DO UPDATE SET json = excluded.json", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
      if (qtr_db_step (db, stmt, error) != SQLITE_DONE)
        return FALSE;
      stmt = qtr_db_prepare (db, "INSERT OR IGNORE INTO item_accounts (timeline, account_id) "
                                 "VALUES (?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, call->timeline, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
      if (qtr_db_step (db, stmt, error) != SQLITE_DONE)
        return FALSE;
    }

  /* Accounts no cached timeline references any more go. */
  return qtr_db_exec (db, "DELETE FROM accounts WHERE id NOT IN "
                          "(SELECT account_id FROM item_accounts)", error);
}

static void
save_timeline_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  QtrCache *self = source_object;
  GError *error = NULL;
  gboolean saved;

  g_mutex_lock (&self->lock);
  saved = qtr_db_transaction (self->db, save_timeline, task_data, &error);
  g_mutex_unlock (&self->lock);
  if (!saved)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * qtr_cache_save_timeline_async:
 * @timeline: the timeline's key (qtr_timeline_get_key())
 * @entries: (element-type utf8): the timeline's items from the newest, each the JSON text of a
 *   status or notification, or %NULL for a gap; only the first
 *   qtr_cache_get_items_per_timeline() are kept
 *
 * Replaces what the cache holds of @timeline, in one transaction on a worker thread.
 */
void
qtr_cache_save_timeline_async (QtrCache            *self,
                               const char          *timeline,
                               GPtrArray           *entries,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CacheCall *call;

  g_return_if_fail (QTR_IS_CACHE (self));
  g_return_if_fail (timeline != NULL);
  g_return_if_fail (entries != NULL);

  task = new_cache_task (self, qtr_cache_save_timeline_async, timeline, cancellable, callback,
                         user_data);
  call = g_task_get_task_data (task);
  call->entries = g_ptr_array_new_full (MIN (entries->len, self->items_per_timeline), g_free);
  for (guint i = 0; i < entries->len && i < self->items_per_timeline; i++)
    g_ptr_array_add (call->entries, g_strdup (entries->pdata[i]));
  g_task_run_in_thread (task, save_timeline_thread);
}

gboolean
qtr_cache_save_timeline_finish (QtrCache      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
unref_object_or_null (gpointer object)
{
  if (object != NULL)
    json_object_unref (object);
}

static GPtrArray *
load_timeline (QtrCache    *self,
               const char  *timeline,
               GError     **error)
{
  g_autoptr(GHashTable) accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (unref_object_or_null);
  sqlite3_stmt *stmt;
  int rc;

  stmt = qtr_db_prepare (self->db, "SELECT accounts.id, accounts.json FROM item_accounts "
                                   "JOIN accounts ON accounts.id = item_accounts.account_id "
                                   "WHERE item_accounts.timeline = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, timeline, -1, SQLITE_TRANSIENT);
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 1);
      JsonObject *account = qtr_json_parse_object (text, strlen (text), NULL);

      if (account != NULL)
        g_hash_table_replace (accounts, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                              account);
    }
  if (rc != SQLITE_DONE)
    return NULL;

  stmt = qtr_db_prepare (self->db, "SELECT json FROM items WHERE timeline = ? ORDER BY position",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, timeline, -1, SQLITE_TRANSIENT);
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);
      JsonObject *entity;

      if (text == NULL)
        {
          /* Two gaps in a row, or one at the top, say nothing more than one. */
          if (items->len > 0 && items->pdata[items->len - 1] != NULL)
            g_ptr_array_add (items, NULL);
          continue;
        }
      entity = qtr_json_parse_object (text, strlen (text), NULL);
      if (entity == NULL)
        continue;
      attach_accounts (entity, accounts);
      g_ptr_array_add (items, entity);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&items);
}

static void
load_timeline_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  QtrCache *self = source_object;
  CacheCall *call = task_data;
  GError *error = NULL;
  GPtrArray *items;

  g_mutex_lock (&self->lock);
  items = load_timeline (self, call->timeline, &error);
  g_mutex_unlock (&self->lock);
  if (items == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * qtr_cache_load_timeline_async:
 * @timeline: the timeline's key
 *
 * Reads what the cache holds of @timeline on a worker thread.
 */
void
qtr_cache_load_timeline_async (QtrCache            *self,
                               const char          *timeline,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QTR_IS_CACHE (self));
  g_return_if_fail (timeline != NULL);

  task = new_cache_task (self, qtr_cache_load_timeline_async, timeline, cancellable, callback,
                         user_data);
  g_task_run_in_thread (task, load_timeline_thread);
}

/**
 * qtr_cache_load_timeline_finish:
 *
 * Returns: (transfer full) (element-type JsonObject): the items from the newest, each a status
 *   or notification with its accounts in place, %NULL where a gap was; empty when the cache
 *   holds nothing of the timeline. %NULL with @error set when the cache could not be read.
 */
GPtrArray *
qtr_cache_load_timeline_finish (QtrCache      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
save_marker_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  QtrCache *self = source_object;
  CacheCall *call = task_data;
  GError *error = NULL;
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  g_mutex_lock (&self->lock);
  stmt = qtr_db_prepare (self->db, "INSERT INTO markers (timeline, last_read_id, updated_at) "
                                   "VALUES (?, ?, ?) ON CONFLICT (timeline) DO UPDATE SET "
                                   "last_read_id = excluded.last_read_id, "
                                   "updated_at = excluded.updated_at", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, call->timeline, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, call->last_read_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
      rc = qtr_db_step (self->db, stmt, &error);
    }
  g_mutex_unlock (&self->lock);
  if (rc != SQLITE_DONE)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * qtr_cache_save_marker_async:
 * @timeline: the timeline's key
 * @last_read_id: the id of the item read last
 *
 * Keeps the reading position of @timeline.
 */
void
qtr_cache_save_marker_async (QtrCache            *self,
                             const char          *timeline,
                             const char          *last_read_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CacheCall *call;

  g_return_if_fail (QTR_IS_CACHE (self));
  g_return_if_fail (timeline != NULL);
  g_return_if_fail (last_read_id != NULL);

  task = new_cache_task (self, qtr_cache_save_marker_async, timeline, cancellable, callback,
                         user_data);
  call = g_task_get_task_data (task);
  call->last_read_id = g_strdup (last_read_id);
  g_task_run_in_thread (task, save_marker_thread);
}

gboolean
qtr_cache_save_marker_finish (QtrCache      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
load_marker_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  QtrCache *self = source_object;
  CacheCall *call = task_data;
  GError *error = NULL;
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  g_mutex_lock (&self->lock);
  stmt = qtr_db_prepare (self->db, "SELECT last_read_id FROM markers WHERE timeline = ?",
                         &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, call->timeline, -1, SQLITE_TRANSIENT);
      rc = qtr_db_step (self->db, stmt, &error);
      if (rc == SQLITE_ROW)
        {
          id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          sqlite3_reset (stmt);
          rc = SQLITE_DONE;
        }
    }
  g_mutex_unlock (&self->lock);
  if (rc != SQLITE_DONE)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&id), g_free);
}

/**
 * qtr_cache_load_marker_async:
 * @timeline: the timeline's key
 *
 * Reads the reading position kept for @timeline.
 */
void
qtr_cache_load_marker_async (QtrCache            *self,
                             const char          *timeline,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QTR_IS_CACHE (self));
  g_return_if_fail (timeline != NULL);

  task = new_cache_task (self, qtr_cache_load_marker_async, timeline, cancellable, callback,
                         user_data);
  g_task_run_in_thread (task, load_marker_thread);
}

/**
 * qtr_cache_load_marker_finish:
 *
 * Returns: (transfer full) (nullable): the id of the item read last, %NULL when none is kept
 *   (then @error is not set) or when the cache could not be read (with @error set)
 */
char *
qtr_cache_load_marker_finish (QtrCache      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
