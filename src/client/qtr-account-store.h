/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-account.h"
#include "qtr-api-client.h"
#include "qtr-login.h"

G_BEGIN_DECLS

#define QTR_ACCOUNT_STORE_ERROR (qtr_account_store_error_quark ())

/**
 * QtrAccountStoreError:
 * @QTR_ACCOUNT_STORE_ERROR_FAILED: the account list could not be read or written
 * @QTR_ACCOUNT_STORE_ERROR_KEYRING_UNAVAILABLE: no keyring (Secret Service) answers: start one
 *   (GNOME Keyring, KeePassXC…) and try again
 * @QTR_ACCOUNT_STORE_ERROR_KEYRING_LOCKED: the keyring is locked: unlock it and try again
 * @QTR_ACCOUNT_STORE_ERROR_NO_SECRET: the keyring has no token for the account: log in again
 * @QTR_ACCOUNT_STORE_ERROR_UNKNOWN_ACCOUNT: no such account in the list
 *
 * Errors of the account list and the keyring. The keyring ones are never a reason to forget
 * an account: the user can fix them and try again.
 */
typedef enum {
  QTR_ACCOUNT_STORE_ERROR_FAILED,
  QTR_ACCOUNT_STORE_ERROR_KEYRING_UNAVAILABLE,
  QTR_ACCOUNT_STORE_ERROR_KEYRING_LOCKED,
  QTR_ACCOUNT_STORE_ERROR_NO_SECRET,
  QTR_ACCOUNT_STORE_ERROR_UNKNOWN_ACCOUNT,
} QtrAccountStoreError;

GQuark qtr_account_store_error_quark (void);

/**
 * QtrStoredAccount:
 * @server: the server's base URL
 * @account_id: the account's id on that server
 * @handle: `@user@domain`; it names the account in the list
 * @display_name: (nullable): the name to show
 *
 * What the account list keeps of an account: nothing secret.
 */
typedef struct {
  char *server;
  char *account_id;
  char *handle;
  char *display_name;
} QtrStoredAccount;

GType             qtr_stored_account_get_type (void) G_GNUC_CONST;
QtrStoredAccount *qtr_stored_account_new      (const char             *server,
                                               const char             *account_id,
                                               const char             *handle,
                                               const char             *display_name);
QtrStoredAccount *qtr_stored_account_new_for  (const char             *server,
                                               const char             *domain,
                                               QtrAccount             *account);
QtrStoredAccount *qtr_stored_account_copy     (const QtrStoredAccount *account);
void              qtr_stored_account_free     (QtrStoredAccount       *account);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrStoredAccount, qtr_stored_account_free)

#define QTR_TYPE_ACCOUNT_STORE (qtr_account_store_get_type ())

G_DECLARE_FINAL_TYPE (QtrAccountStore, qtr_account_store, QTR, ACCOUNT_STORE, GObject)

QtrAccountStore        *qtr_account_store_new                    (const char             *path,
                                                                  GError                **error);
const char             *qtr_account_store_get_path               (QtrAccountStore        *self);
GPtrArray              *qtr_account_store_list                   (QtrAccountStore        *self);
const QtrStoredAccount *qtr_account_store_lookup                 (QtrAccountStore        *self,
                                                                  const char             *handle);
const char             *qtr_account_store_get_active             (QtrAccountStore        *self);
gboolean                qtr_account_store_set_active             (QtrAccountStore        *self,
                                                                  const char             *handle,
                                                                  GError                **error);

void                    qtr_account_store_save_async             (QtrAccountStore        *self,
                                                                  const QtrStoredAccount *account,
                                                                  const QtrCredentials   *credentials,
                                                                  GCancellable           *cancellable,
                                                                  GAsyncReadyCallback     callback,
                                                                  gpointer                user_data);
gboolean                qtr_account_store_save_finish            (QtrAccountStore        *self,
                                                                  GAsyncResult           *result,
                                                                  GError                **error);

void                    qtr_account_store_load_credentials_async (QtrAccountStore        *self,
                                                                  const char             *handle,
                                                                  GCancellable           *cancellable,
                                                                  GAsyncReadyCallback     callback,
                                                                  gpointer                user_data);
QtrCredentials         *qtr_account_store_load_credentials_finish (QtrAccountStore       *self,
                                                                   GAsyncResult          *result,
                                                                   GError               **error);

void                    qtr_account_store_remove_async           (QtrAccountStore        *self,
                                                                  const char             *handle,
                                                                  GCancellable           *cancellable,
                                                                  GAsyncReadyCallback     callback,
                                                                  gpointer                user_data);
gboolean                qtr_account_store_remove_finish          (QtrAccountStore        *self,
                                                                  GAsyncResult           *result,
                                                                  GError                **error);

void                    qtr_account_store_log_out_async          (QtrAccountStore        *self,
                                                                  const char             *handle,
                                                                  QtrApiClient           *client,
                                                                  GCancellable           *cancellable,
                                                                  GAsyncReadyCallback     callback,
                                                                  gpointer                user_data);
gboolean                qtr_account_store_log_out_finish         (QtrAccountStore        *self,
                                                                  GAsyncResult           *result,
                                                                  gboolean               *revoked,
                                                                  GError                **error);

G_END_DECLS
