/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QTR_URL_ERROR (qtr_url_error_quark ())

/**
 * QtrUrlError:
 * @QTR_URL_ERROR_INVALID: not an absolute URL
 * @QTR_URL_ERROR_UNSUPPORTED_SCHEME: a scheme other than http or https
 * @QTR_URL_ERROR_INVALID_HOST: the host is empty, too long or has characters no host may have
 * @QTR_URL_ERROR_INVALID_HANDLE: not of the form `@user@host`
 */
typedef enum {
  QTR_URL_ERROR_INVALID,
  QTR_URL_ERROR_UNSUPPORTED_SCHEME,
  QTR_URL_ERROR_INVALID_HOST,
  QTR_URL_ERROR_INVALID_HANDLE,
} QtrUrlError;

GQuark qtr_url_error_quark (void);

/**
 * QtrHandle:
 * @user: the account's local part, as spelled by its server
 * @host: the normalised host, with `:port` when it is not the default one
 *
 * An account handle, `@user@host`.
 */
typedef struct {
  char *user;
  char *host;
} QtrHandle;

char      *qtr_host_normalize    (const char       *host,
                                  GError          **error);
char      *qtr_url_normalize     (const char       *url,
                                  GError          **error);
char      *qtr_url_get_authority (const char       *url);
gboolean   qtr_url_same_host     (const char       *a,
                                  const char       *b);

QtrHandle *qtr_handle_parse      (const char       *text,
                                  GError          **error);
QtrHandle *qtr_handle_copy       (const QtrHandle  *handle);
void       qtr_handle_free       (QtrHandle        *handle);
char      *qtr_handle_to_string  (const QtrHandle  *handle);
gboolean   qtr_handle_equal      (const QtrHandle  *a,
                                  const QtrHandle  *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrHandle, qtr_handle_free)

G_END_DECLS
