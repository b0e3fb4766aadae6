/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-account.h"
#include "qtr-api-client.h"

G_BEGIN_DECLS

#define QTR_LOGIN_SCOPES "read write follow push"
#define QTR_LOGIN_OOB_REDIRECT_URI "urn:ietf:wg:oauth:2.0:oob"

/**
 * QtrCredentials:
 * @server: the server's base URL
 * @client_id: the OAuth client id Quitter registered there
 * @client_secret: its secret
 * @access_token: the user's token
 *
 * What it takes to act as an account on a server. Secret: it goes to the keyring only.
 */
typedef struct {
  char *server;
  char *client_id;
  char *client_secret;
  char *access_token;
} QtrCredentials;

GType           qtr_credentials_get_type (void) G_GNUC_CONST;
QtrCredentials *qtr_credentials_new      (const char           *server,
                                          const char           *client_id,
                                          const char           *client_secret,
                                          const char           *access_token);
QtrCredentials *qtr_credentials_copy     (const QtrCredentials *credentials);
void            qtr_credentials_free     (QtrCredentials       *credentials);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrCredentials, qtr_credentials_free)

/**
 * QtrLoginRedirect:
 * @QTR_LOGIN_REDIRECT_LOOPBACK: the browser comes back to a one-shot server of ours on
 *   127.0.0.1 (RFC 8252)
 * @QTR_LOGIN_REDIRECT_OOB: the server shows the code and the user pastes it into the app
 *
 * How the authorization code reaches the app.
 */
typedef enum {
  QTR_LOGIN_REDIRECT_LOOPBACK,
  QTR_LOGIN_REDIRECT_OOB,
} QtrLoginRedirect;

#define QTR_TYPE_LOGIN (qtr_login_get_type ())

G_DECLARE_FINAL_TYPE (QtrLogin, qtr_login, QTR, LOGIN, GObject)

QtrLogin       *qtr_login_new                (QtrApiClient         *client,
                                              QtrLoginRedirect      redirect);
const char     *qtr_login_get_redirect_uri   (QtrLogin             *self);

void            qtr_login_begin_async        (QtrLogin             *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
char           *qtr_login_begin_finish       (QtrLogin             *self,
                                              GAsyncResult         *result,
                                              GError              **error);

void            qtr_login_complete_async     (QtrLogin             *self,
                                              const char           *code,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
QtrCredentials *qtr_login_complete_finish    (QtrLogin             *self,
                                              GAsyncResult         *result,
                                              QtrAccount          **account,
                                              GError              **error);

void            qtr_login_revoke_async       (QtrApiClient         *client,
                                              const QtrCredentials *credentials,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean        qtr_login_revoke_finish      (QtrApiClient         *client,
                                              GAsyncResult         *result,
                                              GError              **error);

char           *qtr_pkce_new_verifier        (void);
char           *qtr_pkce_challenge           (const char           *verifier);

G_END_DECLS
