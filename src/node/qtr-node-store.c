/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-store.h"

/* node.db: the node's own data. Migrations only ever append: a file written by an older
 * version is upgraded in place, one numbered step at a time. */

struct _QtrNodeStore
{
  GObject  parent_instance;

  QtrDb   *db;
};

G_DEFINE_FINAL_TYPE (QtrNodeStore, qtr_node_store, G_TYPE_OBJECT)

static const char * const migrations[] = {
  /* 1: the owner, with the actor's key pair. */
  "CREATE TABLE owner ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  username TEXT NOT NULL,"
  "  display_name TEXT NOT NULL DEFAULT '',"
  "  summary TEXT NOT NULL DEFAULT '',"
  "  private_key_pem TEXT NOT NULL,"
  "  public_key_pem TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");",
};

void
qtr_node_owner_free (QtrNodeOwner *owner)
{
  if (owner == NULL)
    return;
  g_free (owner->username);
  g_free (owner->display_name);
  g_free (owner->summary);
  g_clear_object (&owner->key);
  g_free (owner);
}

static void
qtr_node_store_dispose (GObject *object)
{
  QtrNodeStore *self = QTR_NODE_STORE (object);

  g_clear_object (&self->db);

  G_OBJECT_CLASS (qtr_node_store_parent_class)->dispose (object);
}

static void
qtr_node_store_class_init (QtrNodeStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = qtr_node_store_dispose;
}

static void
qtr_node_store_init (QtrNodeStore *self)
{
}

/**
 * qtr_node_store_open:
 * @path: the node.db file
 *
 * Opens (creating or upgrading) the node's database.
 */
QtrNodeStore *
qtr_node_store_open (const char  *path,
                     GError     **error)
{
  g_autoptr(QtrNodeStore) self = g_object_new (QTR_TYPE_NODE_STORE, NULL);

  self->db = qtr_db_open (path, migrations, G_N_ELEMENTS (migrations), error);
  if (self->db == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

QtrDb *
qtr_node_store_get_db (QtrNodeStore *self)
{
  g_return_val_if_fail (QTR_IS_NODE_STORE (self), NULL);
  return self->db;
}

/**
 * qtr_node_store_create_owner:
 * @key: the actor's key pair, with its private part
 *
 * Records the node's owner; a node has exactly one.
 */
gboolean
qtr_node_store_create_owner (QtrNodeStore  *self,
                             const char    *username,
                             const char    *display_name,
                             QtrKey        *key,
                             GError       **error)
{
  g_autofree char *private_pem = NULL;
  g_autofree char *public_pem = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (QTR_IS_NODE_STORE (self), FALSE);
  g_return_val_if_fail (qtr_key_has_private (key), FALSE);

  private_pem = qtr_key_export_private_pem (key, error);
  if (private_pem == NULL)
    return FALSE;
  public_pem = qtr_key_export_public_pem (key, error);
  if (public_pem == NULL)
    return FALSE;

  stmt = qtr_db_prepare (self->db,
                         "INSERT INTO owner (id, username, display_name, private_key_pem,"
                         " public_key_pem, created_at, updated_at)"
                         " VALUES (1, ?1, ?2, ?3, ?4, ?5, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, display_name ? display_name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, private_pem, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, public_pem, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  return qtr_db_step (self->db, stmt, error) == SQLITE_DONE;
}

/**
 * qtr_node_store_load_owner:
 *
 * Returns: (transfer full): the owner, or %NULL with @error set (%QTR_DB_ERROR_FAILED when the
 *   node has none: it was not set up)
 */
QtrNodeOwner *
qtr_node_store_load_owner (QtrNodeStore  *self,
                           GError       **error)
{
  g_autoptr(QtrNodeOwner) owner = NULL;
  g_autofree char *private_pem = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QTR_IS_NODE_STORE (self), NULL);

  stmt = qtr_db_prepare (self->db,
                         "SELECT username, display_name, summary, private_key_pem, created_at,"
                         " updated_at FROM owner WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;
  rc = qtr_db_step (self->db, stmt, error);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, QTR_DB_ERROR, QTR_DB_ERROR_FAILED,
                   "%s has no owner: set the node up with “quitter-node init”",
                   qtr_db_get_path (self->db));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    return NULL;

  owner = g_new0 (QtrNodeOwner, 1);
  owner->username = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  owner->display_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  owner->summary = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  private_pem = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  owner->created_at = sqlite3_column_int64 (stmt, 4);
  owner->updated_at = sqlite3_column_int64 (stmt, 5);
  sqlite3_reset (stmt);

  owner->key = qtr_key_new_from_private_pem (private_pem, -1, error);
  if (owner->key == NULL)
    return NULL;
  return g_steal_pointer (&owner);
}
