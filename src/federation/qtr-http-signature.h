/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

#include "qtr-keys.h"

G_BEGIN_DECLS

/**
 * QtrHttpSignatureError:
 * @QTR_HTTP_SIGNATURE_ERROR_MISSING: the request carries no signature at all
 * @QTR_HTTP_SIGNATURE_ERROR_MALFORMED: a signature field cannot be parsed, is longer than
 *   %QTR_HTTP_SIGNATURE_MAX_FIELD_LENGTH, covers more than %QTR_HTTP_SIGNATURE_MAX_COMPONENTS
 *   components, or uses a construct we do not support
 * @QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM: the signature (or a digest field) names an
 *   algorithm we do not verify, or one that does not fit the key
 * @QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT: a component we require is not covered (the
 *   request target, host, date or created, the digest of a body), or a covered one is absent
 *   from the request
 * @QTR_HTTP_SIGNATURE_ERROR_EXPIRED: the signature is too old
 * @QTR_HTTP_SIGNATURE_ERROR_FUTURE: the signature was made more than the clock-skew margin in
 *   the future
 * @QTR_HTTP_SIGNATURE_ERROR_DIGEST_MISMATCH: the `Digest` or `Content-Digest` field does not
 *   match the body
 * @QTR_HTTP_SIGNATURE_ERROR_INVALID: the signature does not verify with the key
 *
 * All are permanent for the request as it is: the sender has to sign again. Two are worth a
 * second look: %QTR_HTTP_SIGNATURE_ERROR_INVALID with a cached key can mean that the actor
 * rotated its key (refetch it once, then verify again), and
 * %QTR_HTTP_SIGNATURE_ERROR_EXPIRED / %QTR_HTTP_SIGNATURE_ERROR_FUTURE can mean a wrong clock on
 * either side. Messages say what was wrong; they never quote the signature.
 */
typedef enum {
  QTR_HTTP_SIGNATURE_ERROR_MISSING,
  QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
  QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM,
  QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT,
  QTR_HTTP_SIGNATURE_ERROR_EXPIRED,
  QTR_HTTP_SIGNATURE_ERROR_FUTURE,
  QTR_HTTP_SIGNATURE_ERROR_DIGEST_MISMATCH,
  QTR_HTTP_SIGNATURE_ERROR_INVALID,
} QtrHttpSignatureError;

#define QTR_HTTP_SIGNATURE_ERROR (qtr_http_signature_error_quark ())
GQuark qtr_http_signature_error_quark (void);

/**
 * QtrHttpSignatureFormat:
 * @QTR_HTTP_SIGNATURE_FORMAT_CAVAGE: draft-cavage-http-signatures-12 as Mastodon uses it: a
 *   `Signature` field (or `Authorization: Signature …`) with keyId, algorithm, headers, signature
 * @QTR_HTTP_SIGNATURE_FORMAT_RFC9421: RFC 9421 HTTP Message Signatures: `Signature-Input` and
 *   `Signature` dictionaries
 */
typedef enum {
  QTR_HTTP_SIGNATURE_FORMAT_CAVAGE,
  QTR_HTTP_SIGNATURE_FORMAT_RFC9421,
} QtrHttpSignatureFormat;

/* Longer signature fields, digest fields or covered field values are refused as malformed. */
#define QTR_HTTP_SIGNATURE_MAX_FIELD_LENGTH 8192
/* A signature that covers more components is refused as malformed. */
#define QTR_HTTP_SIGNATURE_MAX_COMPONENTS 32

#define QTR_TYPE_HTTP_SIGNATURE (qtr_http_signature_get_type ())
G_DECLARE_FINAL_TYPE (QtrHttpSignature, qtr_http_signature, QTR, HTTP_SIGNATURE, GObject)

/* Incoming: parse (no key needed), fetch the key named by the key id, then verify. */
QtrHttpSignature       *qtr_http_signature_parse            (const char             *method,
                                                             const char             *path_and_query,
                                                             const char             *base_url,
                                                             SoupMessageHeaders     *headers,
                                                             GBytes                 *body,
                                                             gint64                  now,
                                                             GError                **error);
gboolean                qtr_http_signature_verify           (QtrHttpSignature       *self,
                                                             QtrKey                 *public_key,
                                                             gint64                  now,
                                                             GError                **error);
gboolean                qtr_http_signature_verify_with_algorithm
                                                            (QtrHttpSignature       *self,
                                                             QtrKey                 *public_key,
                                                             QtrSignatureAlgorithm   algorithm,
                                                             gint64                  now,
                                                             GError                **error);

QtrHttpSignatureFormat  qtr_http_signature_get_format       (QtrHttpSignature       *self);
const char             *qtr_http_signature_get_key_id       (QtrHttpSignature       *self);
const char             *qtr_http_signature_get_algorithm    (QtrHttpSignature       *self);
const char             *qtr_http_signature_get_label        (QtrHttpSignature       *self);
const char * const     *qtr_http_signature_get_components   (QtrHttpSignature       *self);
const char             *qtr_http_signature_get_signature_base (QtrHttpSignature     *self);
gint64                  qtr_http_signature_get_created      (QtrHttpSignature       *self);
gint64                  qtr_http_signature_get_expires      (QtrHttpSignature       *self);

/* Outgoing (draft-cavage, rsa-sha256, as Mastodon signs). */
char                   *qtr_http_signature_sign             (const char             *method,
                                                             const char             *path_and_query,
                                                             SoupMessageHeaders     *headers,
                                                             const char             *key_id,
                                                             QtrKey                 *private_key,
                                                             GError                **error);
char                   *qtr_http_signature_sign_headers     (const char             *method,
                                                             const char             *path_and_query,
                                                             SoupMessageHeaders     *headers,
                                                             const char * const     *covered,
                                                             const char             *key_id,
                                                             QtrKey                 *private_key,
                                                             GError                **error);
gboolean                qtr_http_signature_sign_message     (SoupMessage            *message,
                                                             const char             *content_type,
                                                             GBytes                 *body,
                                                             const char             *key_id,
                                                             QtrKey                 *private_key,
                                                             GError                **error);

/* Outgoing (RFC 9421, rsa-v1_5-sha256). */
gboolean                qtr_http_signature_sign_rfc9421     (const char             *method,
                                                             const char             *path_and_query,
                                                             const char             *base_url,
                                                             SoupMessageHeaders     *headers,
                                                             const char             *label,
                                                             const char * const     *components,
                                                             const char             *key_id,
                                                             gint64                  created,
                                                             gint64                  expires,
                                                             QtrKey                 *private_key,
                                                             GError                **error);

G_END_DECLS
