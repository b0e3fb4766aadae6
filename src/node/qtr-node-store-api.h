/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-node-store.h"

G_BEGIN_DECLS

/* What the Mastodon client API keeps in node.db: the owner's password, OAuth apps, codes and
 * tokens (secrets only as hashes), and the reads its entities need. */

/**
 * QtrOAuthApp:
 * @row: the row id in oauth_apps
 * @name: the client_name it registered with
 * @website: (nullable): its web site
 * @redirect_uris: the registered redirect URIs, one per line
 * @scopes: the scopes it may ask for, separated by spaces
 * @client_id: its public id
 * @secret_hash: the SHA-256 of its client_secret, in hex
 */
typedef struct {
  gint64  row;
  char   *name;
  char   *website;
  char   *redirect_uris;
  char   *scopes;
  char   *client_id;
  char   *secret_hash;
} QtrOAuthApp;

void qtr_oauth_app_free (QtrOAuthApp *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrOAuthApp, qtr_oauth_app_free)

/**
 * QtrOAuthCode:
 * @app_row: the app it was issued to
 * @redirect_uri: the redirect URI of the authorization request
 * @scopes: the scopes the owner approved
 * @challenge: (nullable): the PKCE code challenge
 * @challenge_method: (nullable): "S256" or "plain"
 */
typedef struct {
  gint64  app_row;
  char   *redirect_uri;
  char   *scopes;
  char   *challenge;
  char   *challenge_method;
} QtrOAuthCode;

void qtr_oauth_code_free (QtrOAuthCode *code);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrOAuthCode, qtr_oauth_code_free)

/**
 * QtrOAuthToken:
 * @row: the row id in oauth_tokens
 * @app_row: the app it was issued to, 0 for one minted by `quitter-node token`
 * @has_user: whether it acts for the owner (%FALSE: an app-only token)
 * @scopes: its scopes, separated by spaces
 * @created_at: when it was issued (Unix seconds)
 */
typedef struct {
  gint64    row;
  gint64    app_row;
  gboolean  has_user;
  char     *scopes;
  gint64    created_at;
} QtrOAuthToken;

void qtr_oauth_token_free (QtrOAuthToken *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrOAuthToken, qtr_oauth_token_free)

gboolean        qtr_node_store_set_password_hash (QtrNodeStore       *self,
                                                  const char         *hash,
                                                  GError            **error);
char           *qtr_node_store_get_password_hash (QtrNodeStore       *self,
                                                  GError            **error);

gint64          qtr_node_store_add_app           (QtrNodeStore       *self,
                                                  const QtrOAuthApp  *app,
                                                  GError            **error);
QtrOAuthApp    *qtr_node_store_find_app          (QtrNodeStore       *self,
                                                  const char         *client_id,
                                                  GError            **error);
QtrOAuthApp    *qtr_node_store_find_app_by_row   (QtrNodeStore       *self,
                                                  gint64              row,
                                                  GError            **error);

gboolean        qtr_node_store_add_code          (QtrNodeStore       *self,
                                                  const char         *code_hash,
                                                  const QtrOAuthCode *code,
                                                  gint64              expires_at,
                                                  GError            **error);
QtrOAuthCode   *qtr_node_store_take_code         (QtrNodeStore       *self,
                                                  const char         *code_hash,
                                                  GError            **error);

gint64          qtr_node_store_add_token         (QtrNodeStore       *self,
                                                  const char         *token_hash,
                                                  gint64              app_row,
                                                  gboolean            has_user,
                                                  const char         *scopes,
                                                  GError            **error);
QtrOAuthToken  *qtr_node_store_find_token        (QtrNodeStore       *self,
                                                  const char         *token_hash,
                                                  GError            **error);
gboolean        qtr_node_store_revoke_token      (QtrNodeStore       *self,
                                                  const char         *token_hash,
                                                  gint64              app_row,
                                                  GError            **error);

gboolean        qtr_node_store_actor_status_stats (QtrNodeStore      *self,
                                                  gint64              actor_row,
                                                  gint64             *count,
                                                  gint64             *last_published,
                                                  GError            **error);

G_END_DECLS
