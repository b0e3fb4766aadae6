/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-drafts.h"

#include <errno.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "qtr-db.h"
#include "qtr-json.h"

/* QtrDrafts: the posts being written for one account, kept in a drafts.db next to its
 * cache.db, so that a crash, a lost connection or a closed laptop loses nothing. The compose
 * window saves its draft as the user types; the draft goes once the server has taken the post.
 *
 * A draft is one small row: writes take a millisecond in WAL mode, and happen at most twice a
 * second per window (debounced), so they are done where they are asked. The attachments and
 * the poll are JSON in their columns: they are only ever read back whole. */

/* Append-only. */
static const char * const migrations[] = {
  "CREATE TABLE drafts ("
  "  id INTEGER PRIMARY KEY,"
  "  text TEXT NOT NULL DEFAULT '',"
  "  spoiler_text TEXT,"
  "  visibility TEXT NOT NULL DEFAULT 'public',"
  "  language TEXT,"
  "  in_reply_to_id TEXT,"
  "  edit_id TEXT,"
  "  sensitive INTEGER NOT NULL DEFAULT 0,"
  "  media TEXT NOT NULL DEFAULT '[]',"
  "  poll TEXT,"
  "  idempotency_key TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");",
};

struct _QtrDrafts
{
  GObject  parent_instance;

  QtrDb   *db;
};

G_DEFINE_FINAL_TYPE (QtrDrafts, qtr_drafts, G_TYPE_OBJECT)

/**
 * qtr_draft_new:
 *
 * Returns: (transfer full): an empty public draft with a fresh idempotency key
 */
QtrDraft *
qtr_draft_new (void)
{
  QtrDraft *draft = g_new0 (QtrDraft, 1);

  draft->text = g_strdup ("");
  draft->visibility = g_strdup ("public");
  draft->media = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_draft_media_free);
  draft->poll_expires_in = 24 * 60 * 60;
  draft->idempotency_key = g_uuid_string_random ();
  return draft;
}

void
qtr_draft_free (QtrDraft *draft)
{
  if (draft == NULL)
    return;
  g_free (draft->text);
  g_free (draft->spoiler_text);
  g_free (draft->visibility);
  g_free (draft->language);
  g_free (draft->in_reply_to_id);
  g_free (draft->edit_id);
  g_ptr_array_unref (draft->media);
  g_strfreev (draft->poll_options);
  g_free (draft->idempotency_key);
  g_free (draft);
}

QtrDraftMedia *
qtr_draft_media_new (void)
{
  return g_new0 (QtrDraftMedia, 1);
}

void
qtr_draft_media_free (QtrDraftMedia *media)
{
  if (media == NULL)
    return;
  g_free (media->id);
  g_free (media->description);
  g_free (media->path);
  g_free (media->url);
  g_free (media);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
media_to_json (GPtrArray *media)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < media->len; i++)
    {
      QtrDraftMedia *item = media->pdata[i];

      json_builder_begin_object (builder);
      add_string_or_null (builder, "id", item->id);
      add_string_or_null (builder, "description", item->description);
      add_string_or_null (builder, "path", item->path);
      add_string_or_null (builder, "url", item->url);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
poll_to_json (QtrDraft *draft)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (draft->poll_options == NULL)
    return NULL;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "options");
  json_builder_begin_array (builder);
  for (guint i = 0; draft->poll_options[i] != NULL; i++)
    json_builder_add_string_value (builder, draft->poll_options[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, draft->poll_expires_in);
  json_builder_set_member_name (builder, "multiple");
  json_builder_add_boolean_value (builder, draft->poll_multiple);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
read_media (QtrDraft   *draft,
            const char *text)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  if (text == NULL || (root = qtr_json_parse (text, strlen (text), NULL)) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (root))
    return;
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      QtrDraftMedia *media;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      media = qtr_draft_media_new ();
      media->id = g_strdup (qtr_json_get_string (object, "id"));
      media->description = g_strdup (qtr_json_get_string (object, "description"));
      media->path = g_strdup (qtr_json_get_string (object, "path"));
      media->url = g_strdup (qtr_json_get_string (object, "url"));
      g_ptr_array_add (draft->media, media);
    }
}

static void
read_poll (QtrDraft   *draft,
           const char *text)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GPtrArray) options = g_ptr_array_new ();
  JsonArray *array;

  if (text == NULL || (object = qtr_json_parse_object (text, strlen (text), NULL)) == NULL ||
      (array = qtr_json_get_array (object, "options")) == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (options, g_strdup (json_node_get_string (node)));
    }
  g_ptr_array_add (options, NULL);
  draft->poll_options = (GStrv) g_ptr_array_free (g_steal_pointer (&options), FALSE);
  draft->poll_expires_in = qtr_json_get_int (object, "expires_in", 24 * 60 * 60);
  draft->poll_multiple = qtr_json_get_bool (object, "multiple", FALSE);
}

#define SELECT_COLUMNS \
  "SELECT id, text, spoiler_text, visibility, language, in_reply_to_id, edit_id, sensitive," \
  " media, poll, idempotency_key, updated_at FROM drafts"

static QtrDraft *
read_draft (sqlite3_stmt *stmt)
{
  QtrDraft *draft = g_new0 (QtrDraft, 1);
  g_autofree char *media = NULL;
  g_autofree char *poll = NULL;

  draft->id = sqlite3_column_int64 (stmt, 0);
  draft->text = qtr_db_column_dup_text (stmt, 1);
  if (draft->text == NULL)
    draft->text = g_strdup ("");
  draft->spoiler_text = qtr_db_column_dup_text (stmt, 2);
  draft->visibility = qtr_db_column_dup_text (stmt, 3);
  draft->language = qtr_db_column_dup_text (stmt, 4);
  draft->in_reply_to_id = qtr_db_column_dup_text (stmt, 5);
  draft->edit_id = qtr_db_column_dup_text (stmt, 6);
  draft->sensitive = sqlite3_column_int (stmt, 7) != 0;
  draft->media = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_draft_media_free);
  media = qtr_db_column_dup_text (stmt, 8);
  read_media (draft, media);
  poll = qtr_db_column_dup_text (stmt, 9);
  read_poll (draft, poll);
  draft->idempotency_key = qtr_db_column_dup_text (stmt, 10);
  draft->updated_at = sqlite3_column_int64 (stmt, 11);
  return draft;
}

static void
qtr_drafts_finalize (GObject *object)
{
  QtrDrafts *self = QTR_DRAFTS (object);

  g_clear_object (&self->db);

  G_OBJECT_CLASS (qtr_drafts_parent_class)->finalize (object);
}

static void
qtr_drafts_class_init (QtrDraftsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qtr_drafts_finalize;
}

static void
qtr_drafts_init (QtrDrafts *self)
{
}

/**
 * qtr_drafts_build_path:
 * @account_key: the account, such as `alice@example.org`
 *
 * Returns: (transfer full): where the account's drafts.db lives: next to its cache.db
 */
char *
qtr_drafts_build_path (const char *account_key)
{
  g_autofree char *folder = g_uri_escape_string (account_key, "@", FALSE);

  return g_build_filename (g_get_user_data_dir (), "quitter", "accounts", folder, "drafts.db",
                           NULL);
}

/**
 * qtr_drafts_open:
 * @path: the drafts file (qtr_drafts_build_path()); its folder is created
 *
 * Returns: (transfer full): the account's drafts, or %NULL with a #QtrDbError
 */
QtrDrafts *
qtr_drafts_open (const char  *path,
                 GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(QtrDrafts) self = NULL;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CANT_OPEN,
                   "Cannot create the folder %s: %s", folder, g_strerror (saved_errno));
      return NULL;
    }
  self = g_object_new (QTR_TYPE_DRAFTS, NULL);
  self->db = qtr_db_open (path, migrations, G_N_ELEMENTS (migrations), error);
  if (self->db == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * qtr_drafts_save:
 * @draft: the draft; a new one (id 0) gets its id
 *
 * Writes @draft, with the time as its `updated_at`.
 *
 * Returns: whether it was written
 */
gboolean
qtr_drafts_save (QtrDrafts  *self,
                 QtrDraft   *draft,
                 GError    **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *media = NULL;
  g_autofree char *poll = NULL;
  int rc;

  g_return_val_if_fail (QTR_IS_DRAFTS (self), FALSE);
  g_return_val_if_fail (draft != NULL, FALSE);

  stmt = qtr_db_prepare (self->db,
                         "INSERT INTO drafts (id, text, spoiler_text, visibility, language,"
                         " in_reply_to_id, edit_id, sensitive, media, poll, idempotency_key,"
                         " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                         " ON CONFLICT (id) DO UPDATE SET text = ?2, spoiler_text = ?3,"
                         " visibility = ?4, language = ?5, in_reply_to_id = ?6, edit_id = ?7,"
                         " sensitive = ?8, media = ?9, poll = ?10, idempotency_key = ?11,"
                         " updated_at = ?12",
                         error);
  if (stmt == NULL)
    return FALSE;
  media = media_to_json (draft->media);
  poll = poll_to_json (draft);
  draft->updated_at = g_get_real_time () / G_USEC_PER_SEC;
  if (draft->id > 0)
    sqlite3_bind_int64 (stmt, 1, draft->id);
  else
    sqlite3_bind_null (stmt, 1);
  qtr_db_bind_text (stmt, 2, draft->text ? draft->text : "");
  qtr_db_bind_text (stmt, 3, draft->spoiler_text);
  qtr_db_bind_text (stmt, 4, draft->visibility ? draft->visibility : "public");
  qtr_db_bind_text (stmt, 5, draft->language);
  qtr_db_bind_text (stmt, 6, draft->in_reply_to_id);
  qtr_db_bind_text (stmt, 7, draft->edit_id);
  sqlite3_bind_int (stmt, 8, draft->sensitive);
  qtr_db_bind_text (stmt, 9, media);
  qtr_db_bind_text (stmt, 10, poll);
  qtr_db_bind_text (stmt, 11, draft->idempotency_key);
  sqlite3_bind_int64 (stmt, 12, draft->updated_at);
  rc = qtr_db_step (self->db, stmt, error);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  if (draft->id <= 0)
    draft->id = sqlite3_last_insert_rowid (qtr_db_get_handle (self->db));
  return TRUE;
}

/**
 * qtr_drafts_delete:
 *
 * Forgets the draft @id: its post was sent, or the user threw it away.
 *
 * Returns: whether it is gone (or was never there)
 */
gboolean
qtr_drafts_delete (QtrDrafts  *self,
                   gint64      id,
                   GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QTR_IS_DRAFTS (self), FALSE);

  stmt = qtr_db_prepare (self->db, "DELETE FROM drafts WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = qtr_db_step (self->db, stmt, error);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

/**
 * qtr_drafts_list:
 *
 * Returns: (transfer full) (element-type QtrDraft): the drafts, the newest first, or %NULL with
 *   @error set
 */
GPtrArray *
qtr_drafts_list (QtrDrafts  *self,
                 GError    **error)
{
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_draft_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QTR_IS_DRAFTS (self), NULL);

  stmt = qtr_db_prepare (self->db, SELECT_COLUMNS " ORDER BY updated_at DESC, id DESC", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (drafts, read_draft (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&drafts);
}

/**
 * qtr_drafts_lookup:
 *
 * Returns: (transfer full) (nullable): the draft @id, or %NULL (with @error set only when the
 *   file could not be read)
 */
QtrDraft *
qtr_drafts_lookup (QtrDrafts  *self,
                   gint64      id,
                   GError    **error)
{
  QtrDraft *draft = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QTR_IS_DRAFTS (self), NULL);

  stmt = qtr_db_prepare (self->db, SELECT_COLUMNS " WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = qtr_db_step (self->db, stmt, error);
  if (rc == SQLITE_ROW)
    draft = read_draft (stmt);
  sqlite3_reset (stmt);
  return draft;
}
