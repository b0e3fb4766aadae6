/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-db.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A QtrDb is one sqlite connection, used from one thread at a time. Statements are prepared
 * once and cached by their SQL text; transactions nest through savepoints. */

#define DEFAULT_BUSY_TIMEOUT_MS 5000

struct _QtrDb
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *handle;
  GHashTable *statements;  /* SQL text -> sqlite3_stmt */
  int         schema_version;
  guint       depth;       /* open transactions, the outermost one included */
};

G_DEFINE_TYPE (QtrDb, qtr_db, G_TYPE_OBJECT)

G_DEFINE_QUARK (qtr-db-error-quark, qtr_db_error)

static QtrDbError
error_code_for_sqlite (int rc,
                       int system_errno)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return QTR_DB_ERROR_BUSY;
    case SQLITE_FULL:
      return QTR_DB_ERROR_FULL;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return QTR_DB_ERROR_CORRUPT;
    case SQLITE_CONSTRAINT:
      return QTR_DB_ERROR_CONSTRAINT;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return QTR_DB_ERROR_READ_ONLY;
    case SQLITE_CANTOPEN:
      return QTR_DB_ERROR_CANT_OPEN;
    case SQLITE_IOERR:
      /* sqlite reports ENOSPC as SQLITE_FULL, but a failed write can also end as an I/O error. */
      return system_errno == ENOSPC || system_errno == EDQUOT ? QTR_DB_ERROR_FULL
                                                             : QTR_DB_ERROR_FAILED;
    default:
      return QTR_DB_ERROR_FAILED;
    }
}

static const char *
describe_error_code (QtrDbError code)
{
  switch (code)
    {
    case QTR_DB_ERROR_BUSY:
      return "the database is locked by another process";
    case QTR_DB_ERROR_FULL:
      return "the disk is full; free some space and try again";
    case QTR_DB_ERROR_CORRUPT:
      return "the file is not a database or is damaged";
    case QTR_DB_ERROR_CONSTRAINT:
      return "a constraint failed";
    case QTR_DB_ERROR_READ_ONLY:
      return "the file cannot be written";
    case QTR_DB_ERROR_CANT_OPEN:
      return "the file cannot be opened";
    case QTR_DB_ERROR_FAILED:
    case QTR_DB_ERROR_NEWER_SCHEMA:
    case QTR_DB_ERROR_MIGRATION:
    default:
      return "the database failed";
    }
}

static gboolean
set_error_full (QtrDb       *self,
                int          rc,
                const char  *context,
                GError     **error)
{
  QtrDbError code = error_code_for_sqlite (rc, self->handle ? sqlite3_system_errno (self->handle) : 0);

  g_set_error (error, QTR_DB_ERROR, code, "%s%s%s: %s (sqlite: %s)",
               context ? context : "", context ? " " : "",
               self->path, describe_error_code (code),
               self->handle ? sqlite3_errmsg (self->handle) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CANT_OPEN,
                   "Cannot create the folder %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, QTR_DB_ERROR,
                   saved_errno == EACCES || saved_errno == EROFS ? QTR_DB_ERROR_READ_ONLY
                                                                 : QTR_DB_ERROR_CANT_OPEN,
                   "Cannot open %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  /* The file may have existed with looser permissions: it holds private data. */
  if (fchmod (fd, 0600) != 0)
    g_debug ("Could not restrict the permissions of %s: %s", path, g_strerror (errno));
  close (fd);
  return TRUE;
}

static gboolean
read_schema_version (QtrDb   *self,
                     GError **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self, "PRAGMA user_version", error);

  if (stmt == NULL)
    return FALSE;
  if (qtr_db_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  self->schema_version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
check_integrity (QtrDb   *self,
                 GError **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self, "PRAGMA quick_check(1)", error);
  g_autofree char *result = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = qtr_db_step (self, stmt, error);
  if (rc != SQLITE_ROW)
    return FALSE;
  result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (g_strcmp0 (result, "ok") != 0)
    {
      g_set_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CORRUPT,
                   "%s is damaged (%s). It was left untouched: restore a backup, or move it "
                   "away to start afresh.", self->path, result ? result : "unknown damage");
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_journal_mode_wal (QtrDb   *self,
                      GError **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self, "PRAGMA journal_mode = WAL", error);
  const char *mode;

  if (stmt == NULL || qtr_db_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  mode = (const char *) sqlite3_column_text (stmt, 0);
  if (g_strcmp0 (mode, "wal") != 0)
    {
      g_set_error (error, QTR_DB_ERROR, QTR_DB_ERROR_FAILED,
                   "%s: the file system does not support write-ahead logging (journal mode %s)",
                   self->path, mode ? mode : "unknown");
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
run_migration (QtrDb       *self,
               const char  *sql,
               int          to_version,
               GError     **error)
{
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", to_version);
  g_autoptr(GError) local_error = NULL;

  if (!qtr_db_begin (self, &local_error) ||
      !qtr_db_exec (self, sql, &local_error) ||
      !qtr_db_exec (self, set_version, &local_error))
    {
      if (self->depth > 0)
        qtr_db_rollback (self);
      goto failed;
    }
  if (!qtr_db_commit (self, &local_error))
    goto failed;

  self->schema_version = to_version;
  return TRUE;

failed:
  /* A full disk or a damaged file says more than "the migration failed". */
  if (local_error->code == QTR_DB_ERROR_FULL ||
      local_error->code == QTR_DB_ERROR_CORRUPT ||
      local_error->code == QTR_DB_ERROR_BUSY)
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                "Could not upgrade to schema %d: ", to_version);
  else
    g_set_error (error, QTR_DB_ERROR, QTR_DB_ERROR_MIGRATION,
                 "Could not upgrade %s to schema %d; it was left at schema %d: %s",
                 self->path, to_version, to_version - 1, local_error->message);
  return FALSE;
}

static gboolean
open_connection (QtrDb               *self,
                 const char * const  *migrations,
                 guint                n_migrations,
                 GError             **error)
{
  int rc;

  if (!create_private_file (self->path, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    return set_error_full (self, rc, "Cannot open", error);

  sqlite3_extended_result_codes (self->handle, 1);
  sqlite3_busy_timeout (self->handle, DEFAULT_BUSY_TIMEOUT_MS);

  /* Read before anything writes: a damaged or newer file must stay exactly as it is. */
  if (!read_schema_version (self, error))
    return FALSE;

  if (self->schema_version > (int) n_migrations)
    {
      g_set_error (error, QTR_DB_ERROR, QTR_DB_ERROR_NEWER_SCHEMA,
                   "%s was written by a newer version of Quitter (schema %d; this version "
                   "knows up to %u). It was left untouched: update Quitter to open it.",
                   self->path, self->schema_version, n_migrations);
      return FALSE;
    }

  if (!set_journal_mode_wal (self, error) ||
      !qtr_db_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !qtr_db_exec (self, "PRAGMA synchronous = FULL", error))
    return FALSE;

  /* Never build a new schema on a damaged file. The check reads every page, so it runs only
   * before an upgrade; at other times damage shows as QTR_DB_ERROR_CORRUPT from the query. */
  if ((guint) self->schema_version < n_migrations && self->schema_version > 0 &&
      !check_integrity (self, error))
    return FALSE;

  for (guint v = (guint) self->schema_version; v < n_migrations; v++)
    {
      if (!run_migration (self, migrations[v], (int) v + 1, error))
        return FALSE;
    }

  return TRUE;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
qtr_db_finalize (GObject *object)
{
  QtrDb *self = (QtrDb *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->handle != NULL)
    sqlite3_close_v2 (self->handle);
  g_free (self->path);

  G_OBJECT_CLASS (qtr_db_parent_class)->finalize (object);
}

static void
qtr_db_class_init (QtrDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_db_finalize;
}

static void
qtr_db_init (QtrDb *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            finalize_statement);
}

/**
 * qtr_db_error_is_transient:
 *
 * Returns: %TRUE when the same write may succeed later (a lock, a full disk).
 */
gboolean
qtr_db_error_is_transient (const GError *error)
{
  return error != NULL && error->domain == QTR_DB_ERROR &&
         (error->code == QTR_DB_ERROR_BUSY || error->code == QTR_DB_ERROR_FULL);
}

/**
 * qtr_db_open:
 * @path: the database file; it and its folder are created (0600 and 0700) when missing
 * @migrations: SQL scripts; script N moves the schema from version N to N + 1
 * @n_migrations: how many scripts @migrations holds
 *
 * Opens the file in WAL mode with foreign keys on, then runs each migration the file has not
 * seen, each in its own transaction together with the new `PRAGMA user_version`.
 *
 * A file that is not a database, is damaged, or has a newer schema than @n_migrations fails
 * with %QTR_DB_ERROR_CORRUPT or %QTR_DB_ERROR_NEWER_SCHEMA and is not written to.
 *
 * Returns: (transfer full): the database, or %NULL with @error set
 */
QtrDb *
qtr_db_open (const char          *path,
             const char * const  *migrations,
             guint                n_migrations,
             GError             **error)
{
  g_autoptr(QtrDb) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (migrations != NULL || n_migrations == 0, NULL);

  self = g_object_new (QTR_TYPE_DB, NULL);
  self->path = g_strdup (path);

  if (!open_connection (self, migrations, n_migrations, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
qtr_db_get_path (QtrDb *self)
{
  g_return_val_if_fail (QTR_IS_DB (self), NULL);
  return self->path;
}

int
qtr_db_get_schema_version (QtrDb *self)
{
  g_return_val_if_fail (QTR_IS_DB (self), -1);
  return self->schema_version;
}

/**
 * qtr_db_get_handle:
 *
 * Returns: (transfer none): the sqlite connection, for binding and reading columns
 */
sqlite3 *
qtr_db_get_handle (QtrDb *self)
{
  g_return_val_if_fail (QTR_IS_DB (self), NULL);
  return self->handle;
}

void
qtr_db_set_busy_timeout (QtrDb *self,
                         int    milliseconds)
{
  g_return_if_fail (QTR_IS_DB (self));
  sqlite3_busy_timeout (self->handle, milliseconds);
}

/**
 * qtr_db_set_error:
 * @rc: a sqlite result code
 *
 * Sets @error from @rc and the connection's last message, in the %QTR_DB_ERROR domain.
 *
 * Returns: %FALSE, always, so that callers can `return qtr_db_set_error (…);`
 */
gboolean
qtr_db_set_error (QtrDb   *self,
                  int      rc,
                  GError **error)
{
  g_return_val_if_fail (QTR_IS_DB (self), FALSE);
  return set_error_full (self, rc, NULL, error);
}

/**
 * qtr_db_exec:
 * @sql: one or more statements that return no rows worth reading
 */
gboolean
qtr_db_exec (QtrDb       *self,
             const char  *sql,
             GError     **error)
{
  int rc;

  g_return_val_if_fail (QTR_IS_DB (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  rc = sqlite3_exec (self->handle, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return set_error_full (self, rc, NULL, error);
  return TRUE;
}

/**
 * qtr_db_prepare:
 * @sql: one statement, normally a string constant
 *
 * Returns the cached statement for @sql, prepared on first use, reset and with no bindings.
 *
 * Returns: (transfer none) (nullable): the statement, owned by @self, or %NULL with @error set
 */
sqlite3_stmt *
qtr_db_prepare (QtrDb       *self,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QTR_IS_DB (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_full (self, rc, NULL, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

/**
 * qtr_db_step:
 *
 * Steps @stmt once. When it is done or fails, the statement is reset, so that it holds no lock.
 * Leaving a loop over rows early: call sqlite3_reset() yourself.
 *
 * Returns: %SQLITE_ROW, %SQLITE_DONE, or another result code with @error set
 */
int
qtr_db_step (QtrDb         *self,
             sqlite3_stmt  *stmt,
             GError       **error)
{
  int rc;

  g_return_val_if_fail (QTR_IS_DB (self), SQLITE_MISUSE);
  g_return_val_if_fail (stmt != NULL, SQLITE_MISUSE);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return rc;
  if (rc != SQLITE_DONE)
    set_error_full (self, rc, NULL, error);
  sqlite3_reset (stmt);
  return rc;
}

/**
 * qtr_db_bind_text:
 * @stmt: a prepared statement
 * @index: the parameter's index, from 1
 * @text: (nullable): the text, copied; %NULL binds SQL NULL
 *
 * Binds @text to a parameter of @stmt.
 */
void
qtr_db_bind_text (sqlite3_stmt *stmt,
                  int           index,
                  const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/**
 * qtr_db_column_dup_text:
 * @stmt: a statement on a row
 * @column: the column's index, from 0
 *
 * Returns: (transfer full) (nullable): a copy of the column's text, %NULL for SQL NULL
 */
char *
qtr_db_column_dup_text (sqlite3_stmt *stmt,
                        int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/**
 * qtr_db_begin:
 *
 * Starts a transaction that takes the write lock at once (BEGIN IMMEDIATE), or, inside one,
 * a savepoint. Each begin is closed by one qtr_db_commit() or qtr_db_rollback().
 */
gboolean
qtr_db_begin (QtrDb   *self,
              GError **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (QTR_IS_DB (self), FALSE);

  sql = self->depth == 0 ? g_strdup ("BEGIN IMMEDIATE")
                         : g_strdup_printf ("SAVEPOINT qtr_%u", self->depth);
  if (!qtr_db_exec (self, sql, error))
    return FALSE;
  self->depth++;
  return TRUE;
}

/**
 * qtr_db_commit:
 *
 * Commits the innermost transaction. When that fails, it is rolled back and @error says why.
 */
gboolean
qtr_db_commit (QtrDb   *self,
               GError **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (QTR_IS_DB (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  sql = self->depth == 1 ? g_strdup ("COMMIT")
                         : g_strdup_printf ("RELEASE qtr_%u", self->depth - 1);
  if (!qtr_db_exec (self, sql, error))
    {
      qtr_db_rollback (self);
      return FALSE;
    }
  self->depth--;
  return TRUE;
}

/**
 * qtr_db_rollback:
 *
 * Undoes the innermost transaction (or savepoint).
 */
void
qtr_db_rollback (QtrDb *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (QTR_IS_DB (self));
  g_return_if_fail (self->depth > 0);

  self->depth--;
  if (self->depth == 0)
    {
      /* sqlite may have rolled back by itself already (a full disk, an I/O error). */
      if (!sqlite3_get_autocommit (self->handle))
        sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
      return;
    }
  sql = g_strdup_printf ("ROLLBACK TO qtr_%u; RELEASE qtr_%u", self->depth, self->depth);
  sqlite3_exec (self->handle, sql, NULL, NULL, NULL);
}

/**
 * qtr_db_transaction:
 * @func: the work; it returns %FALSE with its error set to undo everything it wrote
 *
 * Runs @func inside a transaction: committed when @func succeeds, rolled back otherwise.
 */
gboolean
qtr_db_transaction (QtrDb                 *self,
                    QtrDbTransactionFunc   func,
                    gpointer               user_data,
                    GError               **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (QTR_IS_DB (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!qtr_db_begin (self, error))
    return FALSE;

  if (!func (self, user_data, &local_error))
    {
      qtr_db_rollback (self);
      if (local_error == NULL)
        g_set_error_literal (&local_error, QTR_DB_ERROR, QTR_DB_ERROR_FAILED,
                             "The transaction was abandoned without a reason");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return qtr_db_commit (self, error);
}
