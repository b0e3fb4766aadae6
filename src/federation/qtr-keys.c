/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-keys.h"

#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* QtrKey: an RSA key for HTTP signatures, held by GnuTLS. A key is immutable: it has a public
 * half always and a private half when it was generated or read from a private PEM. Actors'
 * private keys leave as unencrypted PKCS#8 PEM (the node keeps them in a 0600 database);
 * public keys leave as SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"), the form of an actor's
 * publicKeyPem. PKCS#1 PEM ("BEGIN RSA PUBLIC KEY", "BEGIN RSA PRIVATE KEY"), which some
 * servers publish, is read too.
 *
 * The module also computes and checks body digests (RFC 3230 Digest, RFC 9530 Content-Digest),
 * comparing them in constant time. */

struct _QtrKey
{
  GObject           parent_instance;

  gnutls_pubkey_t   public_key;
  gnutls_privkey_t  private_key;  /* nullable */
  guint             bits;
};

G_DEFINE_TYPE (QtrKey, qtr_key, G_TYPE_OBJECT)

G_DEFINE_QUARK (qtr-key-error-quark, qtr_key_error)

static void
clear_datum (gnutls_datum_t *datum)
{
  if (datum->data != NULL)
    {
      memset (datum->data, 0, datum->size);
      gnutls_free (datum->data);
    }
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, clear_datum)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pubkey_t, gnutls_pubkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_privkey_t, gnutls_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

static gboolean
check_bits (guint    bits,
            GError **error)
{
  if (bits < QTR_KEY_MIN_BITS || bits > QTR_KEY_MAX_BITS)
    {
      g_set_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_UNSUPPORTED,
                   "RSA keys of %u bits are not accepted (%u to %u bits are)",
                   bits, QTR_KEY_MIN_BITS, QTR_KEY_MAX_BITS);
      return FALSE;
    }
  return TRUE;
}

/* Takes both halves; checks that the public one is an RSA key of an accepted size. */
static QtrKey *
key_new_take (gnutls_pubkey_t    public_key,
              gnutls_privkey_t   private_key,
              GError           **error)
{
  g_autoptr(QtrKey) self = g_object_new (QTR_TYPE_KEY, NULL);
  unsigned int bits = 0;
  int algorithm;

  self->public_key = public_key;
  self->private_key = private_key;

  algorithm = gnutls_pubkey_get_pk_algorithm (public_key, &bits);
  if (algorithm != GNUTLS_PK_RSA && algorithm != GNUTLS_PK_RSA_PSS)
    {
      g_set_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_UNSUPPORTED,
                   "Only RSA keys are supported, not %s",
                   algorithm < 0 ? "this key" : gnutls_pk_get_name (algorithm));
      return NULL;
    }
  if (private_key != NULL && algorithm != GNUTLS_PK_RSA)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_UNSUPPORTED,
                           "Only RSA private keys (rsaEncryption) are supported");
      return NULL;
    }
  if (!check_bits (bits, error))
    return NULL;
  self->bits = bits;

  return g_steal_pointer (&self);
}

static gnutls_sign_algorithm_t
to_gnutls_sign (QtrSignatureAlgorithm algorithm)
{
  switch (algorithm)
    {
    case QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512:
      return GNUTLS_SIGN_RSA_PSS_RSAE_SHA512;
    case QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256:
    default:
      return GNUTLS_SIGN_RSA_SHA256;
    }
}

/* Reads the DER of a PKCS#1 RSAPublicKey: SEQUENCE { INTEGER modulus, INTEGER exponent }. */
static gboolean
read_der_length (const guint8 **cursor,
                 const guint8  *end,
                 gsize         *length)
{
  const guint8 *p = *cursor;
  guint octets;

  if (p >= end)
    return FALSE;
  if ((*p & 0x80) == 0)
    {
      *length = *p;
      *cursor = p + 1;
      return TRUE;
    }
  octets = *p & 0x7f;
  p++;
  if (octets == 0 || octets > 3 || (gsize) (end - p) < octets)
    return FALSE;
  *length = 0;
  for (guint i = 0; i < octets; i++)
    *length = (*length << 8) | p[i];
  *cursor = p + octets;
  return *length >= 0x80;  /* DER: the long form only for long lengths */
}

static gboolean
read_der_tagged (const guint8 **cursor,
                 const guint8  *end,
                 guint8         tag,
                 gnutls_datum_t *content)
{
  const guint8 *p = *cursor;
  gsize length;

  if (p >= end || *p != tag)
    return FALSE;
  p++;
  if (!read_der_length (&p, end, &length) || (gsize) (end - p) < length || length == 0)
    return FALSE;
  content->data = (unsigned char *) p;
  content->size = length;
  *cursor = p + length;
  return TRUE;
}

static gboolean
import_pkcs1_public (gnutls_pubkey_t       public_key,
                     const gnutls_datum_t *pem,
                     GError              **error)
{
  g_auto(gnutls_datum_t) der = { NULL, 0 };
  gnutls_datum_t sequence, modulus, exponent;
  const guint8 *cursor, *end;
  int ret;

  ret = gnutls_pem_base64_decode2 ("RSA PUBLIC KEY", pem, &der);
  if (ret < 0)
    goto invalid;

  cursor = der.data;
  end = der.data + der.size;
  if (!read_der_tagged (&cursor, end, 0x30, &sequence) || cursor != end)
    goto invalid;
  cursor = sequence.data;
  end = sequence.data + sequence.size;
  if (!read_der_tagged (&cursor, end, 0x02, &modulus) ||
      !read_der_tagged (&cursor, end, 0x02, &exponent) ||
      cursor != end)
    goto invalid;
  /* Negative integers are not RSA parameters. */
  if ((modulus.data[0] & 0x80) != 0 || (exponent.data[0] & 0x80) != 0)
    goto invalid;

  ret = gnutls_pubkey_import_rsa_raw (public_key, &modulus, &exponent);
  if (ret < 0)
    goto invalid;
  return TRUE;

invalid:
  g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_INVALID,
                       "Not a readable PKCS#1 RSA public key");
  return FALSE;
}

static void
compute_digest (GBytes        *body,
                GChecksumType  type,
                guint8        *digest,
                gsize         *digest_length)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (type);
  gsize size = 0;
  const guint8 *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;

  if (size > 0)
    g_checksum_update (checksum, data, size);
  g_checksum_get_digest (checksum, digest, digest_length);
}

typedef struct {
  const char    *name;  /* lower case */
  GChecksumType  type;
  gsize          length;
} DigestAlgorithm;

static const DigestAlgorithm digest_algorithms[] = {
  { "sha-256", G_CHECKSUM_SHA256, 32 },
  { "sha-512", G_CHECKSUM_SHA512, 64 },
};

static const DigestAlgorithm *
find_digest_algorithm (const char *name,
                       gsize       length)
{
  for (guint i = 0; i < G_N_ELEMENTS (digest_algorithms); i++)
    {
      if (strlen (digest_algorithms[i].name) == length &&
          g_ascii_strncasecmp (digest_algorithms[i].name, name, length) == 0)
        return &digest_algorithms[i];
    }
  return NULL;
}

/* Checks one digest value (already decoded) against the body. @seen has one flag per entry
 * of digest_algorithms, so that a field cannot name an algorithm twice. */
static gboolean
check_one_digest (const DigestAlgorithm  *algorithm,
                  const char             *encoded,
                  gsize                   encoded_length,
                  GBytes                 *body,
                  gboolean               *seen,
                  const char             *field,
                  GError                **error)
{
  g_autoptr(GBytes) given = qtr_base64_decode_strict (encoded, encoded_length);
  guint8 computed[64];
  gsize computed_length = sizeof computed;
  guint index = algorithm - digest_algorithms;

  if (seen[index])
    {
      g_set_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_DIGEST_MALFORMED,
                   "The %s field names %s twice", field, algorithm->name);
      return FALSE;
    }
  seen[index] = TRUE;

  if (given == NULL || g_bytes_get_size (given) != algorithm->length)
    {
      g_set_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_DIGEST_MALFORMED,
                   "The %s field's %s value is not a base64 %s digest",
                   field, algorithm->name, algorithm->name);
      return FALSE;
    }

  compute_digest (body, algorithm->type, computed, &computed_length);
  g_assert (computed_length == algorithm->length);
  if (!qtr_memory_equal_constant_time (computed, g_bytes_get_data (given, NULL),
                                       algorithm->length))
    {
      g_set_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_DIGEST_MISMATCH,
                   "The %s field's %s digest does not match the body", field, algorithm->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_digest_check (const gboolean *seen,
                     const char     *field,
                     GError        **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (digest_algorithms); i++)
    {
      if (seen[i])
        return TRUE;
    }
  g_set_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_DIGEST_UNSUPPORTED,
               "The %s field offers neither a sha-256 nor a sha-512 digest", field);
  return FALSE;
}

static void
qtr_key_finalize (GObject *object)
{
  QtrKey *self = (QtrKey *)object;

  g_clear_pointer (&self->public_key, gnutls_pubkey_deinit);
  g_clear_pointer (&self->private_key, gnutls_privkey_deinit);

  G_OBJECT_CLASS (qtr_key_parent_class)->finalize (object);
}

static void
qtr_key_class_init (QtrKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_key_finalize;
}

static void
qtr_key_init (QtrKey *self)
{
}

/**
 * qtr_key_generate:
 * @bits: the modulus size: at least %QTR_KEY_GENERATE_MIN_BITS (%QTR_KEY_DEFAULT_BITS for an
 *   actor)
 *
 * Generates an RSA key pair. This takes a noticeable fraction of a second: do it off the main
 * thread.
 *
 * Returns: (transfer full): the new key, with its private half
 */
QtrKey *
qtr_key_generate (guint    bits,
                  GError **error)
{
  g_auto(gnutls_privkey_t) private_key = NULL;
  g_auto(gnutls_pubkey_t) public_key = NULL;
  int ret;

  if (bits < QTR_KEY_GENERATE_MIN_BITS)
    {
      g_set_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_UNSUPPORTED,
                   "New keys have at least %u bits, not %u", QTR_KEY_GENERATE_MIN_BITS, bits);
      return NULL;
    }
  if (!check_bits (bits, error))
    return NULL;

  if (gnutls_privkey_init (&private_key) < 0 || gnutls_pubkey_init (&public_key) < 0)
    goto failed;
  ret = gnutls_privkey_generate2 (private_key, GNUTLS_PK_RSA, bits, 0, NULL, 0);
  if (ret < 0)
    goto failed;
  ret = gnutls_pubkey_import_privkey (public_key, private_key, 0, 0);
  if (ret < 0)
    goto failed;

  return key_new_take (g_steal_pointer (&public_key), g_steal_pointer (&private_key), error);

failed:
  g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_FAILED,
                       "Could not generate an RSA key");
  return NULL;
}

/**
 * qtr_key_new_from_private_pem:
 * @pem: a PEM private key: PKCS#8 ("BEGIN PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY"),
 *   unencrypted
 * @length: the length of @pem, or -1 when it is nul-terminated
 *
 * Reads a private key and checks that its parameters are consistent.
 *
 * Returns: (transfer full): the key, with its public half
 */
QtrKey *
qtr_key_new_from_private_pem (const char  *pem,
                              gssize       length,
                              GError     **error)
{
  g_auto(gnutls_x509_privkey_t) x509 = NULL;
  g_auto(gnutls_privkey_t) private_key = NULL;
  g_auto(gnutls_pubkey_t) public_key = NULL;
  gnutls_datum_t data;
  unsigned int bits = 0;
  int ret;

  g_return_val_if_fail (pem != NULL, NULL);

  if (length < 0)
    length = strlen (pem);
  data.data = (unsigned char *) pem;
  data.size = length;

  if (gnutls_x509_privkey_init (&x509) < 0 ||
      gnutls_privkey_init (&private_key) < 0 ||
      gnutls_pubkey_init (&public_key) < 0)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_FAILED,
                           "Could not allocate a key");
      return NULL;
    }

  ret = gnutls_x509_privkey_import2 (x509, &data, GNUTLS_X509_FMT_PEM, NULL,
                                     GNUTLS_PKCS_PLAIN);
  if (ret < 0)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_INVALID,
                           "Not a readable unencrypted PEM private key");
      return NULL;
    }
  if (gnutls_x509_privkey_get_pk_algorithm2 (x509, &bits) != GNUTLS_PK_RSA)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_UNSUPPORTED,
                           "Only RSA private keys are supported");
      return NULL;
    }
  if (!check_bits (bits, error))
    return NULL;
  if (gnutls_x509_privkey_verify_params (x509) < 0)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_INVALID,
                           "The private key's parameters are inconsistent");
      return NULL;
    }

  ret = gnutls_privkey_import_x509 (private_key, x509, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
  if (ret < 0)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_INVALID,
                           "Not a usable private key");
      return NULL;
    }
  x509 = NULL;  /* owned by private_key now */

  ret = gnutls_pubkey_import_privkey (public_key, private_key, 0, 0);
  if (ret < 0)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_INVALID,
                           "Could not derive the public key");
      return NULL;
    }

  return key_new_take (g_steal_pointer (&public_key), g_steal_pointer (&private_key), error);
}

/**
 * qtr_key_new_from_public_pem:
 * @pem: a PEM public key: SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") or PKCS#1
 *   ("BEGIN RSA PUBLIC KEY")
 * @length: the length of @pem, or -1 when it is nul-terminated
 *
 * Returns: (transfer full): the public key
 */
QtrKey *
qtr_key_new_from_public_pem (const char  *pem,
                             gssize       length,
                             GError     **error)
{
  g_auto(gnutls_pubkey_t) public_key = NULL;
  g_autofree char *copy = NULL;
  gnutls_datum_t data;
  int ret;

  g_return_val_if_fail (pem != NULL, NULL);

  if (length < 0)
    length = strlen (pem);
  copy = g_strndup (pem, length);
  data.data = (unsigned char *) copy;
  data.size = length;

  if (gnutls_pubkey_init (&public_key) < 0)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_FAILED,
                           "Could not allocate a key");
      return NULL;
    }

  if (strstr (copy, "-----BEGIN RSA PUBLIC KEY-----") != NULL)
    {
      if (!import_pkcs1_public (public_key, &data, error))
        return NULL;
    }
  else
    {
      ret = gnutls_pubkey_import (public_key, &data, GNUTLS_X509_FMT_PEM);
      if (ret < 0)
        {
          g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_INVALID,
                               "Not a readable PEM public key");
          return NULL;
        }
    }

  return key_new_take (g_steal_pointer (&public_key), NULL, error);
}

/**
 * qtr_key_dup_public:
 *
 * Returns: (transfer full): a key with the public half of @self only
 */
QtrKey *
qtr_key_dup_public (QtrKey *self)
{
  g_auto(gnutls_datum_t) der = { NULL, 0 };
  g_auto(gnutls_pubkey_t) public_key = NULL;
  g_autoptr(GError) error = NULL;
  QtrKey *copy;

  g_return_val_if_fail (QTR_IS_KEY (self), NULL);

  if (gnutls_pubkey_export2 (self->public_key, GNUTLS_X509_FMT_DER, &der) < 0 ||
      gnutls_pubkey_init (&public_key) < 0 ||
      gnutls_pubkey_import (public_key, &der, GNUTLS_X509_FMT_DER) < 0)
    g_error ("Could not copy a public key");

  copy = key_new_take (g_steal_pointer (&public_key), NULL, &error);
  if (copy == NULL)
    g_error ("Could not copy a public key: %s", error->message);
  return copy;
}

/**
 * qtr_key_has_private:
 *
 * Returns: %TRUE when @self can sign
 */
gboolean
qtr_key_has_private (QtrKey *self)
{
  g_return_val_if_fail (QTR_IS_KEY (self), FALSE);

  return self->private_key != NULL;
}

/**
 * qtr_key_get_bits:
 *
 * Returns: the size of the modulus
 */
guint
qtr_key_get_bits (QtrKey *self)
{
  g_return_val_if_fail (QTR_IS_KEY (self), 0);

  return self->bits;
}

/**
 * qtr_key_export_private_pem:
 *
 * Returns: (transfer full): the private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY").
 *   It is a secret: store it only where nobody else can read it, never log it.
 */
char *
qtr_key_export_private_pem (QtrKey  *self,
                            GError **error)
{
  g_auto(gnutls_x509_privkey_t) x509 = NULL;
  g_auto(gnutls_datum_t) pem = { NULL, 0 };

  g_return_val_if_fail (QTR_IS_KEY (self), NULL);

  if (self->private_key == NULL)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_NO_PRIVATE_KEY,
                           "This key has no private half to export");
      return NULL;
    }
  if (gnutls_privkey_export_x509 (self->private_key, &x509) < 0 ||
      gnutls_x509_privkey_export2_pkcs8 (x509, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
                                         &pem) < 0)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_FAILED,
                           "Could not export the private key");
      return NULL;
    }
  return g_strndup ((const char *) pem.data, pem.size);
}

/**
 * qtr_key_export_public_pem:
 *
 * Returns: (transfer full): the public key as SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"),
 *   the form of an actor's `publicKeyPem`
 */
char *
qtr_key_export_public_pem (QtrKey  *self,
                           GError **error)
{
  g_auto(gnutls_datum_t) pem = { NULL, 0 };

  g_return_val_if_fail (QTR_IS_KEY (self), NULL);

  if (gnutls_pubkey_export2 (self->public_key, GNUTLS_X509_FMT_PEM, &pem) < 0)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_FAILED,
                           "Could not export the public key");
      return NULL;
    }
  return g_strndup ((const char *) pem.data, pem.size);
}

/**
 * qtr_key_equal_public:
 *
 * Returns: %TRUE when @self and @other have the same public key (for instance, to tell
 *   whether a refetched actor rotated its key)
 */
gboolean
qtr_key_equal_public (QtrKey *self,
                      QtrKey *other)
{
  g_auto(gnutls_datum_t) a = { NULL, 0 };
  g_auto(gnutls_datum_t) b = { NULL, 0 };

  g_return_val_if_fail (QTR_IS_KEY (self), FALSE);
  g_return_val_if_fail (QTR_IS_KEY (other), FALSE);

  if (gnutls_pubkey_export2 (self->public_key, GNUTLS_X509_FMT_DER, &a) < 0 ||
      gnutls_pubkey_export2 (other->public_key, GNUTLS_X509_FMT_DER, &b) < 0)
    return FALSE;
  return a.size == b.size && memcmp (a.data, b.data, a.size) == 0;
}

/**
 * qtr_key_sign:
 * @algorithm: how to sign
 * @data: (array length=length): the bytes to sign (a signature base or signing string)
 *
 * Returns: (transfer full): the raw signature
 */
GBytes *
qtr_key_sign (QtrKey                *self,
              QtrSignatureAlgorithm  algorithm,
              const void            *data,
              gsize                  length,
              GError               **error)
{
  gnutls_datum_t input = { (unsigned char *) data, length };
  gnutls_datum_t signature = { NULL, 0 };
  GBytes *result;

  g_return_val_if_fail (QTR_IS_KEY (self), NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (self->private_key == NULL)
    {
      g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_NO_PRIVATE_KEY,
                           "Cannot sign with a public key");
      return NULL;
    }
  if (gnutls_privkey_sign_data2 (self->private_key, to_gnutls_sign (algorithm), 0,
                                 &input, &signature) < 0)
    {
      g_set_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_FAILED,
                   "Could not sign with %s", qtr_signature_algorithm_to_string (algorithm));
      return NULL;
    }
  result = g_bytes_new (signature.data, signature.size);
  gnutls_free (signature.data);
  return result;
}

/**
 * qtr_key_verify:
 * @algorithm: the algorithm the signature was made with
 * @data: (array length=length): the bytes that were signed
 * @signature: (array length=signature_length): the raw signature
 *
 * Returns: %TRUE when @signature is a signature of @data by the private half of @self;
 *   otherwise %FALSE with %QTR_KEY_ERROR_BAD_SIGNATURE
 */
gboolean
qtr_key_verify (QtrKey                *self,
                QtrSignatureAlgorithm  algorithm,
                const void            *data,
                gsize                  length,
                const void            *signature,
                gsize                  signature_length,
                GError               **error)
{
  gnutls_datum_t input = { (unsigned char *) data, length };
  gnutls_datum_t given = { (unsigned char *) signature, signature_length };
  unsigned int flags = 0;

  g_return_val_if_fail (QTR_IS_KEY (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (signature != NULL || signature_length == 0, FALSE);

  /* RFC 9421 §3.3.1: the salt is exactly as long as the SHA-512 hash. */
  if (algorithm == QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512)
    flags |= GNUTLS_VERIFY_RSA_PSS_FIXED_SALT_LENGTH;

  if (signature_length == 0 ||
      gnutls_pubkey_verify_data2 (self->public_key, to_gnutls_sign (algorithm), flags,
                                  &input, &given) < 0)
    {
      g_set_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_BAD_SIGNATURE,
                   "The %s signature does not verify with this key",
                   qtr_signature_algorithm_to_string (algorithm));
      return FALSE;
    }
  return TRUE;
}

/**
 * qtr_signature_algorithm_to_string:
 *
 * Returns: the RFC 9421 name of @algorithm (`rsa-v1_5-sha256`, `rsa-pss-sha512`)
 */
const char *
qtr_signature_algorithm_to_string (QtrSignatureAlgorithm algorithm)
{
  switch (algorithm)
    {
    case QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256:
      return "rsa-v1_5-sha256";
    case QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512:
      return "rsa-pss-sha512";
    default:
      return "an unknown algorithm";
    }
}

/**
 * qtr_digest_for_body:
 * @body: (nullable): the raw body; %NULL for an empty one
 *
 * Returns: (transfer full): the value of a `Digest` field for @body, `SHA-256=<base64>`, as
 *   Mastodon sends and expects it
 */
char *
qtr_digest_for_body (GBytes *body)
{
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autofree char *encoded = NULL;

  compute_digest (body, G_CHECKSUM_SHA256, digest, &length);
  encoded = g_base64_encode (digest, length);
  return g_strconcat ("SHA-256=", encoded, NULL);
}

/**
 * qtr_content_digest_for_body:
 * @body: (nullable): the raw body; %NULL for an empty one
 * @type: %G_CHECKSUM_SHA256 or %G_CHECKSUM_SHA512
 *
 * Returns: (transfer full): the value of an RFC 9530 `Content-Digest` field for @body,
 *   `sha-256=:<base64>:` or `sha-512=:<base64>:`
 */
char *
qtr_content_digest_for_body (GBytes        *body,
                             GChecksumType  type)
{
  guint8 digest[64];
  gsize length = sizeof digest;
  g_autofree char *encoded = NULL;

  g_return_val_if_fail (type == G_CHECKSUM_SHA256 || type == G_CHECKSUM_SHA512, NULL);

  compute_digest (body, type, digest, &length);
  encoded = g_base64_encode (digest, length);
  return g_strdup_printf ("%s=:%s:", type == G_CHECKSUM_SHA256 ? "sha-256" : "sha-512",
                          encoded);
}

/**
 * qtr_digest_check:
 * @value: the value of a `Digest` field (RFC 3230): comma-separated `algorithm=base64`
 * @body: (nullable): the raw body; %NULL for an empty one
 *
 * Checks every SHA-256 and SHA-512 digest of @value against @body, in constant time; other
 * algorithms are ignored, but at least one of these two must be there.
 *
 * Returns: %TRUE when they all match
 */
gboolean
qtr_digest_check (const char  *value,
                  GBytes      *body,
                  GError     **error)
{
  gboolean seen[G_N_ELEMENTS (digest_algorithms)] = { FALSE };
  const char *cursor;

  g_return_val_if_fail (value != NULL, FALSE);

  cursor = value;
  for (;;)
    {
      const char *end = strchr (cursor, ',');
      const char *member_end = end != NULL ? end : cursor + strlen (cursor);
      const char *equals;
      const DigestAlgorithm *algorithm;

      while (cursor < member_end && (*cursor == ' ' || *cursor == '\t'))
        cursor++;
      while (member_end > cursor && (member_end[-1] == ' ' || member_end[-1] == '\t'))
        member_end--;

      equals = memchr (cursor, '=', member_end - cursor);
      if (equals == NULL || equals == cursor)
        {
          g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_DIGEST_MALFORMED,
                               "The Digest field is not a list of algorithm=value");
          return FALSE;
        }

      algorithm = find_digest_algorithm (cursor, equals - cursor);
      if (algorithm != NULL &&
          !check_one_digest (algorithm, equals + 1, member_end - (equals + 1), body, seen,
                             "Digest", error))
        return FALSE;

      if (end == NULL)
        break;
      cursor = end + 1;
    }

  return finish_digest_check (seen, "Digest", error);
}

static gboolean
is_sf_key_start (char c)
{
  return (c >= 'a' && c <= 'z') || c == '*';
}

static gboolean
is_sf_key_char (char c)
{
  return is_sf_key_start (c) || g_ascii_isdigit (c) || c == '_' || c == '-' || c == '.';
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=';
}

/**
 * qtr_content_digest_check:
 * @value: the value of a `Content-Digest` field (RFC 9530): a structured-field dictionary of
 *   byte sequences, `sha-256=:<base64>:, sha-512=:<base64>:`
 * @body: (nullable): the raw body; %NULL for an empty one
 *
 * Checks every sha-256 and sha-512 member against @body, in constant time; other algorithms
 * are ignored, but at least one of these two must be there.
 *
 * Returns: %TRUE when they all match
 */
gboolean
qtr_content_digest_check (const char  *value,
                          GBytes      *body,
                          GError     **error)
{
  gboolean seen[G_N_ELEMENTS (digest_algorithms)] = { FALSE };
  const char *p;

  g_return_val_if_fail (value != NULL, FALSE);

  p = value;
  while (*p == ' ')
    p++;
  for (;;)
    {
      const char *key = p;
      const char *encoded;
      const DigestAlgorithm *algorithm;
      gsize key_length;

      if (!is_sf_key_start (*p))
        goto malformed;
      while (is_sf_key_char (*p))
        p++;
      key_length = p - key;
      if (*p++ != '=' || *p++ != ':')
        goto malformed;
      encoded = p;
      while (is_base64_char (*p))
        p++;
      if (*p != ':')
        goto malformed;

      algorithm = find_digest_algorithm (key, key_length);
      if (algorithm != NULL &&
          !check_one_digest (algorithm, encoded, p - encoded, body, seen, "Content-Digest",
                             error))
        return FALSE;
      p++;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      if (*p++ != ',')
        goto malformed;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        goto malformed;
    }

  return finish_digest_check (seen, "Content-Digest", error);

malformed:
  g_set_error_literal (error, QTR_KEY_ERROR, QTR_KEY_ERROR_DIGEST_MALFORMED,
                       "The Content-Digest field is not a dictionary of byte sequences");
  return FALSE;
}

/**
 * qtr_base64_decode_strict:
 * @text: (array length=length): standard base64 with padding (RFC 4648 §4)
 *
 * Unlike g_base64_decode(), refuses anything but the base64 alphabet, missing padding and
 * padding in the middle.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL when @text is not strict base64
 */
GBytes *
qtr_base64_decode_strict (const char *text,
                          gsize       length)
{
  g_autofree char *copy = NULL;
  guchar *decoded;
  gsize padding = 0;
  gsize decoded_length = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length % 4 != 0)
    return NULL;
  if (length == 0)
    return g_bytes_new (NULL, 0);

  if (text[length - 1] == '=')
    padding++;
  if (text[length - 2] == '=')
    padding++;
  for (gsize i = 0; i < length - padding; i++)
    {
      char c = text[i];

      if (!g_ascii_isalnum (c) && c != '+' && c != '/')
        return NULL;
    }
  if (padding == 2 && text[length - 3] == '=')
    return NULL;

  copy = g_strndup (text, length);
  decoded = g_base64_decode (copy, &decoded_length);
  return g_bytes_new_take (decoded, decoded_length);
}

/**
 * qtr_memory_equal_constant_time:
 *
 * Compares two buffers in a time that depends on @length only.
 *
 * Returns: %TRUE when the @length bytes of @a and @b are equal
 */
gboolean
qtr_memory_equal_constant_time (const void *a,
                                const void *b,
                                gsize       length)
{
  const volatile guint8 *x = a;
  const volatile guint8 *y = b;
  guint8 difference = 0;

  for (gsize i = 0; i < length; i++)
    difference |= x[i] ^ y[i];
  return difference == 0;
}
