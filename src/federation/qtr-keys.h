/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * QtrKeyError:
 * @QTR_KEY_ERROR_INVALID: the text is not a key we can read (bad PEM, bad DER, encrypted)
 * @QTR_KEY_ERROR_UNSUPPORTED: a key of another kind than RSA, or of a size outside
 *   %QTR_KEY_MIN_BITS…%QTR_KEY_MAX_BITS
 * @QTR_KEY_ERROR_NO_PRIVATE_KEY: a private-key operation was asked of a public key
 * @QTR_KEY_ERROR_BAD_SIGNATURE: the signature does not verify with this key
 * @QTR_KEY_ERROR_DIGEST_MALFORMED: a `Digest` or `Content-Digest` value cannot be parsed
 * @QTR_KEY_ERROR_DIGEST_UNSUPPORTED: a digest field offers no algorithm we check
 *   (sha-256, sha-512)
 * @QTR_KEY_ERROR_DIGEST_MISMATCH: a digest does not match the body
 * @QTR_KEY_ERROR_FAILED: GnuTLS failed otherwise (generation, export)
 *
 * Every code is permanent for the input that caused it: trying again with the same key, body
 * or field gives the same answer. Only %QTR_KEY_ERROR_FAILED may come from the machine (out of
 * memory, no entropy) rather than from the input.
 */
typedef enum {
  QTR_KEY_ERROR_INVALID,
  QTR_KEY_ERROR_UNSUPPORTED,
  QTR_KEY_ERROR_NO_PRIVATE_KEY,
  QTR_KEY_ERROR_BAD_SIGNATURE,
  QTR_KEY_ERROR_DIGEST_MALFORMED,
  QTR_KEY_ERROR_DIGEST_UNSUPPORTED,
  QTR_KEY_ERROR_DIGEST_MISMATCH,
  QTR_KEY_ERROR_FAILED,
} QtrKeyError;

#define QTR_KEY_ERROR (qtr_key_error_quark ())
GQuark qtr_key_error_quark (void);

/**
 * QtrSignatureAlgorithm:
 * @QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256: RSASSA-PKCS1-v1_5 with SHA-256: what Mastodon signs
 *   and verifies (cavage `rsa-sha256` and `hs2019`, RFC 9421 `rsa-v1_5-sha256`); deterministic
 * @QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512: RSASSA-PSS with SHA-512, MGF1 SHA-512 and a 64-byte
 *   salt (RFC 9421 `rsa-pss-sha512`); randomised
 */
typedef enum {
  QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256,
  QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512,
} QtrSignatureAlgorithm;

/* Keys smaller than this are refused on import. 1024 bits is what old servers and the
 * draft-cavage test key use; Mastodon generates 2048. */
#define QTR_KEY_MIN_BITS 1024
/* Keys larger than this are refused on import, so that a remote key cannot make one
 * verification arbitrarily slow. */
#define QTR_KEY_MAX_BITS 16384
/* What qtr_key_generate() accepts at least, and what actors get. */
#define QTR_KEY_GENERATE_MIN_BITS 2048
#define QTR_KEY_DEFAULT_BITS 2048

#define QTR_TYPE_KEY (qtr_key_get_type ())
G_DECLARE_FINAL_TYPE (QtrKey, qtr_key, QTR, KEY, GObject)

QtrKey     *qtr_key_generate             (guint                  bits,
                                          GError               **error);
QtrKey     *qtr_key_new_from_private_pem (const char            *pem,
                                          gssize                 length,
                                          GError               **error);
QtrKey     *qtr_key_new_from_public_pem  (const char            *pem,
                                          gssize                 length,
                                          GError               **error);
QtrKey     *qtr_key_dup_public           (QtrKey                *self);

gboolean    qtr_key_has_private          (QtrKey                *self);
guint       qtr_key_get_bits             (QtrKey                *self);
char       *qtr_key_export_private_pem   (QtrKey                *self,
                                          GError               **error);
char       *qtr_key_export_public_pem    (QtrKey                *self,
                                          GError               **error);
gboolean    qtr_key_equal_public         (QtrKey                *self,
                                          QtrKey                *other);

GBytes     *qtr_key_sign                 (QtrKey                *self,
                                          QtrSignatureAlgorithm  algorithm,
                                          const void            *data,
                                          gsize                  length,
                                          GError               **error);
gboolean    qtr_key_verify               (QtrKey                *self,
                                          QtrSignatureAlgorithm  algorithm,
                                          const void            *data,
                                          gsize                  length,
                                          const void            *signature,
                                          gsize                  signature_length,
                                          GError               **error);

const char *qtr_signature_algorithm_to_string (QtrSignatureAlgorithm algorithm);

/* Body digests: `Digest` (RFC 3230, what Mastodon signs) and `Content-Digest` (RFC 9530). */
char       *qtr_digest_for_body          (GBytes                *body);
char       *qtr_content_digest_for_body  (GBytes                *body,
                                          GChecksumType          type);
gboolean    qtr_digest_check             (const char            *value,
                                          GBytes                *body,
                                          GError               **error);
gboolean    qtr_content_digest_check     (const char            *value,
                                          GBytes                *body,
                                          GError               **error);

GBytes     *qtr_base64_decode_strict     (const char            *text,
                                          gsize                  length);
gboolean    qtr_memory_equal_constant_time (const void          *a,
                                            const void          *b,
                                            gsize                length);

G_END_DECLS
