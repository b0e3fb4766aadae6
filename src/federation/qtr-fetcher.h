/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "qtr-json.h"

#include "qtr-keys.h"

G_BEGIN_DECLS

/**
 * QtrFetchError:
 * @QTR_FETCH_ERROR_BLOCKED_ADDRESS: the host resolved to an address the address policy refuses
 *   (loopback, private, link-local…); no connection was made to it
 * @QTR_FETCH_ERROR_BLOCKED_DOMAIN: the host is a blocked domain; nothing was resolved or sent
 * @QTR_FETCH_ERROR_UNSUPPORTED_SCHEME: the URL (or a redirect) is not http or https
 * @QTR_FETCH_ERROR_TOO_MANY_REDIRECTS: more than %QTR_FETCHER_MAX_REDIRECTS redirects
 * @QTR_FETCH_ERROR_TOO_LARGE: the response body is larger than %QTR_FETCHER_MAX_BODY_SIZE,
 *   or a JSON array or object has more than %QTR_FETCHER_MAX_JSON_MEMBERS members
 * @QTR_FETCH_ERROR_TOO_DEEP: the JSON nests deeper than %QTR_FETCHER_MAX_JSON_DEPTH
 * @QTR_FETCH_ERROR_BAD_CONTENT_TYPE: the response is not of a type we asked for
 * @QTR_FETCH_ERROR_INVALID_JSON: the body is not valid UTF-8 JSON of the expected shape
 * @QTR_FETCH_ERROR_ID_MISMATCH: the document's `id` (or a JRD's subject) is not what was
 *   fetched
 * @QTR_FETCH_ERROR_HTTP: the server answered with a status other than 2xx; the status is
 *   in qtr_fetch_error_get_status()
 * @QTR_FETCH_ERROR_TIMEOUT: the request took longer than the fetcher's timeout
 * @QTR_FETCH_ERROR_NETWORK: the host could not be resolved or reached, or the connection broke
 * @QTR_FETCH_ERROR_INVALID_URL: not an absolute URL, or not an account handle
 * @QTR_FETCH_ERROR_NO_ACTOR: a WebFinger answer names no ActivityPub actor
 *
 * Transient failures, worth trying again later, are %QTR_FETCH_ERROR_TIMEOUT,
 * %QTR_FETCH_ERROR_NETWORK, and %QTR_FETCH_ERROR_HTTP with a 5xx status or 401, 408, 429 (or a
 * 3xx that could not be followed). Every other code is permanent for the URL: the same
 * request gets the same answer. qtr_fetch_error_is_transient() says which is which. Messages
 * name URLs, hosts and addresses, never keys or signatures.
 */
typedef enum {
  QTR_FETCH_ERROR_BLOCKED_ADDRESS,
  QTR_FETCH_ERROR_BLOCKED_DOMAIN,
  QTR_FETCH_ERROR_UNSUPPORTED_SCHEME,
  QTR_FETCH_ERROR_TOO_MANY_REDIRECTS,
  QTR_FETCH_ERROR_TOO_LARGE,
  QTR_FETCH_ERROR_TOO_DEEP,
  QTR_FETCH_ERROR_BAD_CONTENT_TYPE,
  QTR_FETCH_ERROR_INVALID_JSON,
  QTR_FETCH_ERROR_ID_MISMATCH,
  QTR_FETCH_ERROR_HTTP,
  QTR_FETCH_ERROR_TIMEOUT,
  QTR_FETCH_ERROR_NETWORK,
  QTR_FETCH_ERROR_INVALID_URL,
  QTR_FETCH_ERROR_NO_ACTOR,
} QtrFetchError;

#define QTR_FETCH_ERROR (qtr_fetch_error_quark ())
GQuark   qtr_fetch_error_quark       (void);
gboolean qtr_fetch_error_is_transient (const GError *error);
guint    qtr_fetch_error_get_status  (const GError *error);

/* Redirects followed at most, each re-checked as the first request. */
#define QTR_FETCHER_MAX_REDIRECTS 2
/* Response bodies larger than this are refused (1 MiB). */
#define QTR_FETCHER_MAX_BODY_SIZE (1024 * 1024)
/* JSON nesting deeper than this is refused before it reaches json-glib. */
#define QTR_FETCHER_MAX_JSON_DEPTH QTR_JSON_MAX_DEPTH
/* JSON arrays and objects with more members than this are refused. */
#define QTR_FETCHER_MAX_JSON_MEMBERS QTR_JSON_MAX_MEMBERS
/* What a request may take, from the first byte resolved to the last byte read. */
#define QTR_FETCHER_DEFAULT_TIMEOUT_SECONDS 20

/**
 * QtrAddressPolicy:
 * @address: an address a connection is about to be made to
 * @user_data: the data given with the policy
 *
 * Decides whether the fetcher may connect to @address.
 *
 * Returns: (nullable): %NULL to allow the connection, or why it is refused: a short English
 *   phrase (`"loopback (127.0.0.0/8)"`) that stays valid as long as the policy is set
 */
typedef const char *(*QtrAddressPolicy) (GInetAddress *address,
                                         gpointer      user_data);

/**
 * QtrBlockedDomainCheck:
 * @host: the normalised host of a URL about to be fetched (lowercase ASCII, no port, IPv6
 *   addresses without brackets)
 * @user_data: the data given with the check
 *
 * Returns: %TRUE when @host is blocked: nothing is resolved or sent to it
 */
typedef gboolean (*QtrBlockedDomainCheck) (const char *host,
                                           gpointer    user_data);

/**
 * QtrDeliveryOutcome:
 * @status: the HTTP status of the answer, or 0 when there was none
 * @retry_after_seconds: what the `Retry-After` field asked for (delta-seconds or an HTTP date,
 *   in seconds from now), or -1 when there was no such field
 * @permanent: %TRUE when trying again is useless and the delivery should be dropped: a 4xx
 *   other than 401, 408 and 429, a blocked domain or address, a URL we never fetch
 *
 * What became of a delivery.
 */
typedef struct {
  guint    status;
  gint64   retry_after_seconds;
  gboolean permanent;
} QtrDeliveryOutcome;

#define QTR_TYPE_DELIVERY_OUTCOME (qtr_delivery_outcome_get_type ())
GType               qtr_delivery_outcome_get_type (void) G_GNUC_CONST;
QtrDeliveryOutcome *qtr_delivery_outcome_copy     (const QtrDeliveryOutcome *outcome);
void                qtr_delivery_outcome_free     (QtrDeliveryOutcome       *outcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrDeliveryOutcome, qtr_delivery_outcome_free)

#define QTR_TYPE_FETCHER (qtr_fetcher_get_type ())
G_DECLARE_FINAL_TYPE (QtrFetcher, qtr_fetcher, QTR, FETCHER, GObject)

QtrFetcher *qtr_fetcher_new                          (const char             *user_agent_url,
                                                      QtrKey                 *key,
                                                      const char             *key_id);

void        qtr_fetcher_set_address_policy           (QtrFetcher             *self,
                                                      QtrAddressPolicy        policy,
                                                      gpointer                user_data,
                                                      GDestroyNotify          destroy);
void        qtr_fetcher_set_allow_private_addresses  (QtrFetcher             *self,
                                                      gboolean                allow);
gboolean    qtr_fetcher_get_allow_private_addresses  (QtrFetcher             *self);
void        qtr_fetcher_set_blocked_domain_check     (QtrFetcher             *self,
                                                      QtrBlockedDomainCheck   check,
                                                      gpointer                user_data,
                                                      GDestroyNotify          destroy);
void        qtr_fetcher_set_timeout                  (QtrFetcher             *self,
                                                      guint                   seconds);
guint       qtr_fetcher_get_timeout                  (QtrFetcher             *self);

void        qtr_fetcher_fetch_object_async           (QtrFetcher             *self,
                                                      const char             *url,
                                                      GCancellable           *cancellable,
                                                      GAsyncReadyCallback     callback,
                                                      gpointer                user_data);
JsonObject *qtr_fetcher_fetch_object_finish          (QtrFetcher             *self,
                                                      GAsyncResult           *result,
                                                      GError                **error);

void        qtr_fetcher_webfinger_async              (QtrFetcher             *self,
                                                      const char             *handle_text,
                                                      GCancellable           *cancellable,
                                                      GAsyncReadyCallback     callback,
                                                      gpointer                user_data);
char       *qtr_fetcher_webfinger_finish             (QtrFetcher             *self,
                                                      GAsyncResult           *result,
                                                      GError                **error);

void        qtr_fetcher_post_async                   (QtrFetcher             *self,
                                                      const char             *inbox_url,
                                                      GBytes                 *json_body,
                                                      GCancellable           *cancellable,
                                                      GAsyncReadyCallback     callback,
                                                      gpointer                user_data);
gboolean    qtr_fetcher_post_finish                  (QtrFetcher             *self,
                                                      GAsyncResult           *result,
                                                      QtrDeliveryOutcome    **outcome,
                                                      GError                **error);

G_END_DECLS
