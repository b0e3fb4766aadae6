/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define QTR_DB_ERROR (qtr_db_error_quark ())

/**
 * QtrDbError:
 * @QTR_DB_ERROR_FAILED: any other sqlite failure
 * @QTR_DB_ERROR_BUSY: another connection holds the lock for longer than the busy timeout (transient)
 * @QTR_DB_ERROR_FULL: the disk (or quota) is full; nothing was written (transient)
 * @QTR_DB_ERROR_CORRUPT: the file is not a database or is damaged; it was left as it is
 * @QTR_DB_ERROR_NEWER_SCHEMA: the file was written by a newer version; it was left as it is
 * @QTR_DB_ERROR_CONSTRAINT: a uniqueness, foreign key or check constraint failed
 * @QTR_DB_ERROR_READ_ONLY: the file or its folder cannot be written
 * @QTR_DB_ERROR_CANT_OPEN: the file cannot be opened or created
 * @QTR_DB_ERROR_MIGRATION: a schema migration failed and was rolled back
 */
typedef enum {
  QTR_DB_ERROR_FAILED,
  QTR_DB_ERROR_BUSY,
  QTR_DB_ERROR_FULL,
  QTR_DB_ERROR_CORRUPT,
  QTR_DB_ERROR_NEWER_SCHEMA,
  QTR_DB_ERROR_CONSTRAINT,
  QTR_DB_ERROR_READ_ONLY,
  QTR_DB_ERROR_CANT_OPEN,
  QTR_DB_ERROR_MIGRATION,
} QtrDbError;

GQuark qtr_db_error_quark (void);
gboolean qtr_db_error_is_transient (const GError *error);

#define QTR_TYPE_DB (qtr_db_get_type ())
G_DECLARE_FINAL_TYPE (QtrDb, qtr_db, QTR, DB, GObject)

/**
 * QtrDbTransactionFunc:
 *
 * Work done inside qtr_db_transaction(). Return %FALSE with @error set to roll everything back.
 */
typedef gboolean (*QtrDbTransactionFunc) (QtrDb    *db,
                                          gpointer  user_data,
                                          GError  **error);

QtrDb        *qtr_db_open              (const char           *path,
                                        const char * const   *migrations,
                                        guint                 n_migrations,
                                        GError              **error);
const char   *qtr_db_get_path          (QtrDb                *self);
int           qtr_db_get_schema_version (QtrDb               *self);
sqlite3      *qtr_db_get_handle        (QtrDb                *self);
void          qtr_db_set_busy_timeout  (QtrDb                *self,
                                        int                   milliseconds);
gboolean      qtr_db_exec              (QtrDb                *self,
                                        const char           *sql,
                                        GError              **error);
sqlite3_stmt *qtr_db_prepare           (QtrDb                *self,
                                        const char           *sql,
                                        GError              **error);
int           qtr_db_step              (QtrDb                *self,
                                        sqlite3_stmt         *stmt,
                                        GError              **error);
void          qtr_db_bind_text         (sqlite3_stmt         *stmt,
                                        int                   index,
                                        const char           *text);
char         *qtr_db_column_dup_text   (sqlite3_stmt         *stmt,
                                        int                   column);
gboolean      qtr_db_begin             (QtrDb                *self,
                                        GError              **error);
gboolean      qtr_db_commit            (QtrDb                *self,
                                        GError              **error);
void          qtr_db_rollback          (QtrDb                *self);
gboolean      qtr_db_transaction       (QtrDb                *self,
                                        QtrDbTransactionFunc  func,
                                        gpointer              user_data,
                                        GError              **error);
gboolean      qtr_db_set_error         (QtrDb                *self,
                                        int                   rc,
                                        GError              **error);

G_END_DECLS
