/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "qtr-db.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static const char * const migrations[] = {
  "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);",
  "CREATE TABLE accounts (id INTEGER PRIMARY KEY, handle TEXT NOT NULL);"
  "ALTER TABLE posts ADD COLUMN account_id INTEGER REFERENCES accounts (id);",
};

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("quitter-test-db-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "test.db", NULL);
}


static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  qtr_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static QtrDb *
open_db (Fixture *fixture,
         guint    n_migrations)
{
  g_autoptr(GError) error = NULL;
  QtrDb *db = qtr_db_open (fixture->path, migrations, n_migrations, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static void
insert_post (QtrDb      *db,
             const char *body,
             GError    **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (db, "INSERT INTO posts (body) VALUES (?)", error);

  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, body, -1, SQLITE_TRANSIENT);
  qtr_db_step (db, stmt, error);
}

static int
count_posts (QtrDb *db)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = qtr_db_prepare (db, "SELECT count(*) FROM posts", &error);
  int n;

  g_assert_no_error (error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static char *
read_file (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_open_empty (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, G_N_ELEMENTS (migrations));
  sqlite3_stmt *stmt;
  struct stat st;

  g_assert_cmpint (qtr_db_get_schema_version (db), ==, 2);
  g_assert_cmpstr (qtr_db_get_path (db), ==, fixture->path);

  stmt = qtr_db_prepare (db, "PRAGMA journal_mode", &error);
  g_assert_no_error (error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_reset (stmt);

  stmt = qtr_db_prepare (db, "PRAGMA foreign_keys", &error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_reset (stmt);

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  insert_post (db, "hello", &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_posts (db), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&db));
}

static void
test_open_current (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, G_N_ELEMENTS (migrations));

  insert_post (db, "kept", &error);
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&db));

  /* The migrations use plain CREATE TABLE: running them again would fail. */
  db = open_db (fixture, G_N_ELEMENTS (migrations));
  g_assert_cmpint (qtr_db_get_schema_version (db), ==, 2);
  g_assert_cmpint (count_posts (db), ==, 1);
}

static void
test_open_upgrade (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, 1);
  sqlite3_stmt *stmt;

  g_assert_cmpint (qtr_db_get_schema_version (db), ==, 1);
  insert_post (db, "from schema 1", &error);
  g_assert_no_error (error);
  g_clear_object (&db);

  db = open_db (fixture, 2);
  g_assert_cmpint (qtr_db_get_schema_version (db), ==, 2);
  stmt = qtr_db_prepare (db, "SELECT body, account_id FROM posts", &error);
  g_assert_no_error (error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "from schema 1");
  g_assert_cmpint (sqlite3_column_type (stmt, 1), ==, SQLITE_NULL);
  sqlite3_reset (stmt);
}

static void
test_open_garbage (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  gsize before_len, after_len;
  GString *junk = g_string_new (NULL);
  QtrDb *db;

  for (int i = 0; i < 4096; i++)
    g_string_append_c (junk, (char) (i * 7 + 3));
  {
    g_autofree char *parent = g_path_get_dirname (fixture->path);
    g_mkdir_with_parents (parent, 0700);
  }
  g_assert_true (g_file_set_contents (fixture->path, junk->str, junk->len, NULL));
  g_string_free (junk, TRUE);
  before = read_file (fixture->path, &before_len);

  db = qtr_db_open (fixture->path, migrations, G_N_ELEMENTS (migrations), &error);
  g_assert_null (db);
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_assert_false (qtr_db_error_is_transient (error));

  after = read_file (fixture->path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_open_damaged (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, 1);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  char *contents;
  gsize length;

  for (int i = 0; i < 200; i++)
    {
      g_autofree char *body = g_strdup_printf ("post %d %0200d", i, i);
      insert_post (db, body, &error);
      g_assert_no_error (error);
    }
  g_assert_true (qtr_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  g_assert_finalize_object (g_steal_pointer (&db));

  /* Overwrite the second page (the posts table's root) with noise. */
  contents = read_file (fixture->path, &length);
  g_assert_cmpuint (length, >, 8192);
  for (gsize i = 4096; i < 8192; i++)
    contents[i] = (char) (0xA5 ^ i);
  g_assert_true (g_file_set_contents (fixture->path, contents, length, NULL));
  g_free (contents);
  before = read_file (fixture->path, &before_len);

  db = qtr_db_open (fixture->path, migrations, 2, &error);
  g_assert_null (db);
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CORRUPT);

  after = read_file (fixture->path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);

  /* At its current schema the file opens; reading the damaged table tells what is wrong. */
  g_clear_error (&error);
  db = open_db (fixture, 1);
  {
    sqlite3_stmt *stmt = qtr_db_prepare (db, "SELECT sum(length(body)) FROM posts", &error);
    g_assert_no_error (error);
    g_assert_cmpint (qtr_db_step (db, stmt, &error), !=, SQLITE_ROW);
    g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CORRUPT);
  }
}

static void
test_open_newer (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, 2);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;

  g_assert_true (qtr_db_exec (db, "PRAGMA user_version = 7", &error));
  g_assert_true (qtr_db_exec (db, "PRAGMA journal_mode = DELETE", &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&db));
  before = read_file (fixture->path, &before_len);

  db = qtr_db_open (fixture->path, migrations, 2, &error);
  g_assert_null (db);
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "schema 7"));

  /* Not even switched to WAL: the newer version owns that file. */
  after = read_file (fixture->path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_migration_failure (Fixture       *fixture,
                        gconstpointer  user_data)
{
  static const char * const broken[] = {
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);",
    "CREATE TABLE half_done (id INTEGER); INSERT INTO no_such_table VALUES (1);",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = NULL;
  sqlite3_stmt *stmt;

  db = qtr_db_open (fixture->path, broken, 2, &error);
  g_assert_null (db);
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, "schema 2"));
  g_clear_error (&error);

  db = open_db (fixture, 1);
  g_assert_cmpint (qtr_db_get_schema_version (db), ==, 1);
  stmt = qtr_db_prepare (db, "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'",
                         &error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_reset (stmt);
}

static void
test_statement_cache (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, 2);
  sqlite3_stmt *a, *b;

  a = qtr_db_prepare (db, "SELECT ?1 + 1", &error);
  g_assert_no_error (error);
  sqlite3_bind_int (a, 1, 41);
  g_assert_cmpint (qtr_db_step (db, a, &error), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (a, 0), ==, 42);

  b = qtr_db_prepare (db, "SELECT ?1 + 1", &error);
  g_assert_true (a == b);
  /* Bindings were cleared: NULL + 1 is NULL. */
  g_assert_cmpint (qtr_db_step (db, b, &error), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (b, 0), ==, SQLITE_NULL);
  sqlite3_reset (b);

  g_assert_null (qtr_db_prepare (db, "SELEKT nothing", &error));
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_FAILED);
}

/* Text in and out of a statement, SQL NULL included. */
static void
test_statement_text (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, 2);
  g_autofree char *text = NULL;
  g_autofree char *none = NULL;
  sqlite3_stmt *stmt;

  stmt = qtr_db_prepare (db, "SELECT ?1, ?2, typeof (?2)", &error);
  g_assert_no_error (error);
  qtr_db_bind_text (stmt, 1, "caf\xc3\xa9");
  qtr_db_bind_text (stmt, 2, NULL);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  text = qtr_db_column_dup_text (stmt, 0);
  none = qtr_db_column_dup_text (stmt, 1);
  g_assert_cmpstr (text, ==, "caf\xc3\xa9");
  g_assert_null (none);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "null");
  sqlite3_reset (stmt);
}

static gboolean
insert_two_then_fail (QtrDb    *db,
                      gpointer  user_data,
                      GError  **error)
{
  insert_post (db, "first", error);
  insert_post (db, "second", error);
  if (GPOINTER_TO_INT (user_data))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INTR, "changed my mind");
      return FALSE;
    }
  return TRUE;
}

static void
test_transaction (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, 2);

  g_assert_false (qtr_db_transaction (db, insert_two_then_fail, GINT_TO_POINTER (1), &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INTR);
  g_clear_error (&error);
  g_assert_cmpint (count_posts (db), ==, 0);

  g_assert_true (qtr_db_transaction (db, insert_two_then_fail, GINT_TO_POINTER (0), &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_posts (db), ==, 2);

  /* Nested: the inner savepoint rolls back alone. */
  g_assert_true (qtr_db_begin (db, &error));
  insert_post (db, "outer", &error);
  g_assert_true (qtr_db_begin (db, &error));
  insert_post (db, "inner", &error);
  g_assert_no_error (error);
  qtr_db_rollback (db);
  g_assert_true (qtr_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_posts (db), ==, 3);
}

static void
test_error_constraint (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, 2);

  insert_post (db, "same", &error);
  g_assert_no_error (error);
  insert_post (db, "same", &error);
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CONSTRAINT);
  g_assert_false (qtr_db_error_is_transient (error));
  g_clear_error (&error);

  g_assert_false (qtr_db_exec (db, "INSERT INTO posts (body, account_id) VALUES ('x', 99)",
                               &error));
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CONSTRAINT);
}

static void
test_error_full (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) db = open_db (fixture, 2);
  g_autofree char *big = g_strnfill (3000, 'x');
  int i;

  insert_post (db, "before the disk filled", &error);
  g_assert_no_error (error);

  /* A disk that is full: sqlite answers SQLITE_FULL once the page limit is reached. */
  g_assert_true (qtr_db_exec (db, "PRAGMA max_page_count = 12", &error));
  g_assert_true (qtr_db_begin (db, &error));
  for (i = 0; i < 100 && error == NULL; i++)
    {
      big[0] = (char) ('a' + i % 26);
      big[1] = (char) ('a' + i / 26);
      insert_post (db, big, &error);
    }
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_FULL);
  g_assert_true (qtr_db_error_is_transient (error));
  g_assert_nonnull (strstr (error->message, "disk is full"));
  qtr_db_rollback (db);

  g_assert_cmpint (count_posts (db), ==, 1);
}

static void
test_error_busy (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrDb) a = open_db (fixture, 2);
  g_autoptr(QtrDb) b = open_db (fixture, 2);

  g_assert_true (qtr_db_begin (a, &error));
  qtr_db_set_busy_timeout (b, 20);
  g_assert_false (qtr_db_begin (b, &error));
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_BUSY);
  g_assert_true (qtr_db_error_is_transient (error));
  g_clear_error (&error);

  g_assert_true (qtr_db_commit (a, &error));
  g_assert_true (qtr_db_begin (b, &error));
  g_assert_true (qtr_db_commit (b, &error));
  g_assert_no_error (error);
}

static void
test_error_cant_open (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (fixture->dir, "plain-file", NULL);
  g_autofree char *path = g_build_filename (file, "test.db", NULL);
  QtrDb *db;

  /* Its "folder" is a file: works the same for root, unlike permissions. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  db = qtr_db_open (path, migrations, 2, &error);
  g_assert_null (db);
  g_assert_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CANT_OPEN);
  g_assert_nonnull (strstr (error->message, file));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/core/db/open/empty", test_open_empty);
  ADD ("/core/db/open/current", test_open_current);
  ADD ("/core/db/open/upgrade", test_open_upgrade);
  ADD ("/core/db/open/corrupt/garbage", test_open_garbage);
  ADD ("/core/db/open/corrupt/damaged-page", test_open_damaged);
  ADD ("/core/db/open/newer-schema", test_open_newer);
  ADD ("/core/db/migration/failure-rolls-back", test_migration_failure);
  ADD ("/core/db/statement/cache", test_statement_cache);
  ADD ("/core/db/statement/text", test_statement_text);
  ADD ("/core/db/transaction", test_transaction);
  ADD ("/core/db/error/constraint", test_error_constraint);
  ADD ("/core/db/error/disk-full", test_error_full);
  ADD ("/core/db/error/busy", test_error_busy);
  ADD ("/core/db/error/cant-open", test_error_cant_open);

#undef ADD

  return g_test_run ();
}
