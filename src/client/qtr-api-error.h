/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QTR_API_ERROR (qtr_api_error_quark ())

/**
 * QtrApiError:
 * @QTR_API_ERROR_FAILED: any other failure
 * @QTR_API_ERROR_BAD_REQUEST: the server refused the request as malformed (400)
 * @QTR_API_ERROR_UNAUTHORIZED: the token is missing, expired or revoked: log in again (401)
 * @QTR_API_ERROR_FORBIDDEN: the token lacks the scope, or the account may not do this (403)
 * @QTR_API_ERROR_NOT_FOUND: it does not exist, or no longer (404, 410)
 * @QTR_API_ERROR_INVALID: the server did not accept the content, e.g. a post too long (422)
 * @QTR_API_ERROR_RATE_LIMITED: too many requests; try again later (429)
 * @QTR_API_ERROR_SERVER: the server failed (500 and other 5xx)
 * @QTR_API_ERROR_UNAVAILABLE: the server is down or overloaded for now (502, 503, 504)
 * @QTR_API_ERROR_BAD_RESPONSE: the answer was not the JSON the API promises
 * @QTR_API_ERROR_NETWORK: the server could not be reached (no connection, name not found)
 * @QTR_API_ERROR_TIMED_OUT: the server did not answer in time
 *
 * Errors of the Mastodon client API. Transient ones (qtr_api_error_is_transient()) are worth
 * retrying; the others need the user or the request to change.
 */
typedef enum {
  QTR_API_ERROR_FAILED,
  QTR_API_ERROR_BAD_REQUEST,
  QTR_API_ERROR_UNAUTHORIZED,
  QTR_API_ERROR_FORBIDDEN,
  QTR_API_ERROR_NOT_FOUND,
  QTR_API_ERROR_INVALID,
  QTR_API_ERROR_RATE_LIMITED,
  QTR_API_ERROR_SERVER,
  QTR_API_ERROR_UNAVAILABLE,
  QTR_API_ERROR_BAD_RESPONSE,
  QTR_API_ERROR_NETWORK,
  QTR_API_ERROR_TIMED_OUT,
} QtrApiError;

GQuark   qtr_api_error_quark        (void);
void     qtr_api_error_set_from_response (GError      **error,
                                          guint         status,
                                          GBytes       *body);
gboolean qtr_api_error_is_transient (const GError  *error);

G_END_DECLS
