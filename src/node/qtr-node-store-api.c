/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-store-api.h"
#include "qtr-node-store-private.h"

/* Statements on the client API's tables (migration 6 of qtr-node-store.c). */

void
qtr_oauth_app_free (QtrOAuthApp *app)
{
  if (app == NULL)
    return;
  g_free (app->name);
  g_free (app->website);
  g_free (app->redirect_uris);
  g_free (app->scopes);
  g_free (app->client_id);
  g_free (app->secret_hash);
  g_free (app);
}

void
qtr_oauth_code_free (QtrOAuthCode *code)
{
  if (code == NULL)
    return;
  g_free (code->redirect_uri);
  g_free (code->scopes);
  g_free (code->challenge);
  g_free (code->challenge_method);
  g_free (code);
}

void
qtr_oauth_token_free (QtrOAuthToken *token)
{
  if (token == NULL)
    return;
  g_free (token->scopes);
  g_free (token);
}

/**
 * qtr_node_store_set_password_hash:
 * @hash: what qtr_oauth_hash_password() returned
 *
 * Sets the password the owner signs in to OAuth clients with.
 */
gboolean
qtr_node_store_set_password_hash (QtrNodeStore  *self,
                                  const char    *hash,
                                  GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt = qtr_db_prepare (db, "UPDATE owner SET password_hash = ?1 WHERE id = 1",
                                       error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, hash);
  return qtr_db_step (db, stmt, error) == SQLITE_DONE;
}

/**
 * qtr_node_store_get_password_hash:
 *
 * Returns: (transfer full) (nullable): the owner's password hash; %NULL with @error unset
 *   when no password was set
 */
char *
qtr_node_store_get_password_hash (QtrNodeStore  *self,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (qtr_node_store_get_db (self),
                                       "SELECT password_hash FROM owner WHERE id = 1", error);

  return qtr_node_store_query_text (self, stmt, error);
}

/**
 * qtr_node_store_add_app:
 *
 * Returns: the new app's row id, or -1 with @error set
 */
gint64
qtr_node_store_add_app (QtrNodeStore       *self,
                        const QtrOAuthApp  *app,
                        GError            **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt;
  gint64 row;

  stmt = qtr_db_prepare (db,
                         "INSERT INTO oauth_apps (name, website, redirect_uris, scopes,"
                         " client_id, secret_hash, created_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id", error);
  if (stmt == NULL)
    return -1;
  qtr_db_bind_text (stmt, 1, app->name);
  qtr_db_bind_text (stmt, 2, app->website);
  qtr_db_bind_text (stmt, 3, app->redirect_uris);
  qtr_db_bind_text (stmt, 4, app->scopes);
  qtr_db_bind_text (stmt, 5, app->client_id);
  qtr_db_bind_text (stmt, 6, app->secret_hash);
  sqlite3_bind_int64 (stmt, 7, qtr_node_store_now ());
  if (qtr_db_step (db, stmt, error) != SQLITE_ROW)
    return -1;
  row = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return row;
}

static QtrOAuthApp *read_app (QtrDb         *db,
                              sqlite3_stmt  *stmt,
                              GError       **error);

/**
 * qtr_node_store_find_app:
 *
 * Returns: (transfer full) (nullable): the app, or %NULL: unknown (@error unset) or a failure
 */
QtrOAuthApp *
qtr_node_store_find_app (QtrNodeStore  *self,
                         const char    *client_id,
                         GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt;

  stmt = qtr_db_prepare (db,
                         "SELECT id, name, website, redirect_uris, scopes, client_id, secret_hash"
                         " FROM oauth_apps WHERE client_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  qtr_db_bind_text (stmt, 1, client_id);
  return read_app (db, stmt, error);
}

/**
 * qtr_node_store_find_app_by_row:
 *
 * Returns: (transfer full) (nullable): the app, or %NULL: unknown (@error unset) or a failure
 */
QtrOAuthApp *
qtr_node_store_find_app_by_row (QtrNodeStore  *self,
                                gint64         row,
                                GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt;

  stmt = qtr_db_prepare (db,
                         "SELECT id, name, website, redirect_uris, scopes, client_id, secret_hash"
                         " FROM oauth_apps WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, row);
  return read_app (db, stmt, error);
}

static QtrOAuthApp *
read_app (QtrDb         *db,
          sqlite3_stmt  *stmt,
          GError       **error)
{
  QtrOAuthApp *app;

  if (qtr_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;
  app = g_new0 (QtrOAuthApp, 1);
  app->row = sqlite3_column_int64 (stmt, 0);
  app->name = qtr_db_column_dup_text (stmt, 1);
  app->website = qtr_db_column_dup_text (stmt, 2);
  app->redirect_uris = qtr_db_column_dup_text (stmt, 3);
  app->scopes = qtr_db_column_dup_text (stmt, 4);
  app->client_id = qtr_db_column_dup_text (stmt, 5);
  app->secret_hash = qtr_db_column_dup_text (stmt, 6);
  sqlite3_reset (stmt);
  return app;
}

/**
 * qtr_node_store_add_code:
 * @code_hash: the SHA-256 of the code handed to the client
 * @expires_at: after when it is refused (Unix seconds)
 */
gboolean
qtr_node_store_add_code (QtrNodeStore        *self,
                         const char          *code_hash,
                         const QtrOAuthCode  *code,
                         gint64               expires_at,
                         GError             **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt;

  /* Expired codes go as new ones come. */
  stmt = qtr_db_prepare (db, "DELETE FROM oauth_codes WHERE expires_at < ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, qtr_node_store_now ());
  if (qtr_db_step (db, stmt, error) != SQLITE_DONE)
    return FALSE;

  stmt = qtr_db_prepare (db,
                         "INSERT INTO oauth_codes (code_hash, app_id, redirect_uri, scopes,"
                         " challenge, challenge_method, expires_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, code_hash);
  sqlite3_bind_int64 (stmt, 2, code->app_row);
  qtr_db_bind_text (stmt, 3, code->redirect_uri);
  qtr_db_bind_text (stmt, 4, code->scopes);
  qtr_db_bind_text (stmt, 5, code->challenge);
  qtr_db_bind_text (stmt, 6, code->challenge_method);
  sqlite3_bind_int64 (stmt, 7, expires_at);
  return qtr_db_step (db, stmt, error) == SQLITE_DONE;
}

/**
 * qtr_node_store_take_code:
 *
 * Removes the code and returns what it was issued for: a code serves once, whatever the
 * token request makes of it.
 *
 * Returns: (transfer full) (nullable): the code, or %NULL when unknown, used or expired
 *   (@error unset) or on failure
 */
QtrOAuthCode *
qtr_node_store_take_code (QtrNodeStore  *self,
                          const char    *code_hash,
                          GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt;
  QtrOAuthCode *code;
  gint64 expires_at;

  stmt = qtr_db_prepare (db,
                         "DELETE FROM oauth_codes WHERE code_hash = ?1 RETURNING app_id,"
                         " redirect_uri, scopes, challenge, challenge_method, expires_at",
                         error);
  if (stmt == NULL)
    return NULL;
  qtr_db_bind_text (stmt, 1, code_hash);
  if (qtr_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;
  code = g_new0 (QtrOAuthCode, 1);
  code->app_row = sqlite3_column_int64 (stmt, 0);
  code->redirect_uri = qtr_db_column_dup_text (stmt, 1);
  code->scopes = qtr_db_column_dup_text (stmt, 2);
  code->challenge = qtr_db_column_dup_text (stmt, 3);
  code->challenge_method = qtr_db_column_dup_text (stmt, 4);
  expires_at = sqlite3_column_int64 (stmt, 5);
  /* A RETURNING statement finishes its change only when stepped to its end. */
  if (qtr_db_step (db, stmt, error) != SQLITE_DONE)
    {
      qtr_oauth_code_free (code);
      return NULL;
    }
  if (expires_at < qtr_node_store_now ())
    {
      qtr_oauth_code_free (code);
      return NULL;
    }
  return code;
}

/**
 * qtr_node_store_add_token:
 * @token_hash: the SHA-256 of the token handed out
 * @app_row: the app it is issued to, or 0
 * @has_user: whether it acts for the owner
 *
 * Returns: the token's row id, or -1 with @error set
 */
gint64
qtr_node_store_add_token (QtrNodeStore  *self,
                          const char    *token_hash,
                          gint64         app_row,
                          gboolean       has_user,
                          const char    *scopes,
                          GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt;
  gint64 row;

  stmt = qtr_db_prepare (db,
                         "INSERT INTO oauth_tokens (token_hash, app_id, has_user, scopes,"
                         " created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id", error);
  if (stmt == NULL)
    return -1;
  qtr_db_bind_text (stmt, 1, token_hash);
  if (app_row > 0)
    sqlite3_bind_int64 (stmt, 2, app_row);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int (stmt, 3, has_user ? 1 : 0);
  qtr_db_bind_text (stmt, 4, scopes);
  sqlite3_bind_int64 (stmt, 5, qtr_node_store_now ());
  if (qtr_db_step (db, stmt, error) != SQLITE_ROW)
    return -1;
  row = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return row;
}

/**
 * qtr_node_store_find_token:
 *
 * Returns: (transfer full) (nullable): the token, or %NULL when unknown or revoked (@error
 *   unset) or on failure
 */
QtrOAuthToken *
qtr_node_store_find_token (QtrNodeStore  *self,
                           const char    *token_hash,
                           GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt;
  QtrOAuthToken *token;

  stmt = qtr_db_prepare (db,
                         "SELECT id, app_id, has_user, scopes, created_at FROM oauth_tokens"
                         " WHERE token_hash = ?1", error);
  if (stmt == NULL)
    return NULL;
  qtr_db_bind_text (stmt, 1, token_hash);
  if (qtr_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;
  token = g_new0 (QtrOAuthToken, 1);
  token->row = sqlite3_column_int64 (stmt, 0);
  token->app_row = sqlite3_column_int64 (stmt, 1);
  token->has_user = sqlite3_column_int (stmt, 2) != 0;
  token->scopes = qtr_db_column_dup_text (stmt, 3);
  token->created_at = sqlite3_column_int64 (stmt, 4);
  sqlite3_reset (stmt);
  return token;
}

/**
 * qtr_node_store_revoke_token:
 * @app_row: the app asking: only its own tokens are revoked
 *
 * Returns: %FALSE on failure; revoking an unknown token succeeds, as RFC 7009 asks
 */
gboolean
qtr_node_store_revoke_token (QtrNodeStore  *self,
                             const char    *token_hash,
                             gint64         app_row,
                             GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt;

  stmt = qtr_db_prepare (db, "DELETE FROM oauth_tokens WHERE token_hash = ?1 AND app_id = ?2",
                         error);
  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, app_row);
  return qtr_db_step (db, stmt, error) == SQLITE_DONE;
}

/**
 * qtr_node_store_actor_status_stats:
 * @actor_row: the author's row in remote_actors, 0 for the owner
 * @count: (out): how many of its posts the node holds
 * @last_published: (out): when the newest was published (Unix seconds), 0 for none
 */
gboolean
qtr_node_store_actor_status_stats (QtrNodeStore  *self,
                                   gint64         actor_row,
                                   gint64        *count,
                                   gint64        *last_published,
                                   GError       **error)
{
  QtrDb *db = qtr_node_store_get_db (self);
  sqlite3_stmt *stmt;

  stmt = qtr_db_prepare (db,
                         "SELECT count (*), coalesce (max (published), 0) FROM statuses"
                         " WHERE actor_id IS ?1", error);
  if (stmt == NULL)
    return FALSE;
  if (actor_row > 0)
    sqlite3_bind_int64 (stmt, 1, actor_row);
  else
    sqlite3_bind_null (stmt, 1);
  if (qtr_db_step (db, stmt, error) != SQLITE_ROW)
    return FALSE;
  *count = sqlite3_column_int64 (stmt, 0);
  *last_published = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);
  return TRUE;
}
