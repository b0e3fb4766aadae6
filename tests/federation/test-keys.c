/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include "qtr-keys.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* The published values (see tests/data/http-signature/README.md). */
#define CAVAGE_C2_SIGNING_STRING \
  "(request-target): post /foo?param=value&pet=dog\n" \
  "host: example.com\n" \
  "date: Sun, 05 Jan 2014 21:31:40 GMT"
#define CAVAGE_C2_SIGNATURE \
  "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3H" \
  "Mbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="
/* draft-cavage-http-signatures-12 Appendix C: the Digest of the example request. */
#define CAVAGE_DIGEST "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
/* RFC 9530 B.1 (sha-256) and §2 (sha-512) of {"hello": "world"} and a newline. */
#define RFC9530_SHA256_LF "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"
#define RFC9530_SHA512_LF \
  "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCs" \
  "yRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:"
/* RFC 9530 Appendix D: sample digests of {"hello": "world"} without a newline. */
#define RFC9530_SHA256 "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
#define RFC9530_SHA512 \
  "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+" \
  "AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
/* RFC 9530 B.2 (empty content) and B.3 (the partial content `"world"}` and a newline). */
#define RFC9530_SHA256_EMPTY "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
#define RFC9530_SHA256_PARTIAL "sha-256=:jjcgBDWNAtbYUXI37CVG3gRuGOAjaaDRGpIUFsdyepQ=:"

static QtrKey *generated_key;



static QtrKey *
load_private_key (const char *name)
{
  g_autofree char *pem = qtr_test_load_text ("http-signature", name);
  g_autoptr(GError) error = NULL;
  QtrKey *key = qtr_key_new_from_private_pem (pem, -1, &error);

  g_assert_no_error (error);
  g_assert_true (qtr_key_has_private (key));
  return key;
}

static QtrKey *
load_public_key (const char *name)
{
  g_autofree char *pem = qtr_test_load_text ("http-signature", name);
  g_autoptr(GError) error = NULL;
  QtrKey *key = qtr_key_new_from_public_pem (pem, -1, &error);

  g_assert_no_error (error);
  g_assert_false (qtr_key_has_private (key));
  return key;
}

static GBytes *
decode (const char *base64)
{
  GBytes *bytes = qtr_base64_decode_strict (base64, strlen (base64));

  g_assert_nonnull (bytes);
  return bytes;
}

static void
assert_signs_and_verifies (QtrKey                *signer,
                           QtrKey                *verifier,
                           QtrSignatureAlgorithm  algorithm)
{
  static const char message[] = "(request-target): post /inbox";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree guint8 *altered = NULL;
  gsize size;

  signature = qtr_key_sign (signer, algorithm, message, strlen (message), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (signature), ==, qtr_key_get_bits (signer) / 8);

  g_assert_true (qtr_key_verify (verifier, algorithm, message, strlen (message),
                                 g_bytes_get_data (signature, NULL),
                                 g_bytes_get_size (signature), &error));
  g_assert_no_error (error);

  /* Another message, and another signature, do not verify. */
  g_assert_false (qtr_key_verify (verifier, algorithm, message, strlen (message) - 1,
                                  g_bytes_get_data (signature, NULL),
                                  g_bytes_get_size (signature), &error));
  g_assert_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  size = g_bytes_get_size (signature);
  altered = g_memdup2 (g_bytes_get_data (signature, NULL), size);
  altered[size / 2] ^= 0x01;
  g_assert_false (qtr_key_verify (verifier, algorithm, message, strlen (message), altered,
                                  size, &error));
  g_assert_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
}

static void
test_generate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *private_pem = NULL;
  g_autofree char *public_pem = NULL;
  g_autoptr(QtrKey) reread_private = NULL;
  g_autoptr(QtrKey) reread_public = NULL;
  g_autoptr(QtrKey) public_only = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *nothing = NULL;

  g_assert_cmpuint (qtr_key_get_bits (generated_key), ==, 2048);
  g_assert_true (qtr_key_has_private (generated_key));

  private_pem = qtr_key_export_private_pem (generated_key, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (private_pem, "-----BEGIN PRIVATE KEY-----\n"));
  public_pem = qtr_key_export_public_pem (generated_key, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (public_pem, "-----BEGIN PUBLIC KEY-----\n"));
  g_assert_null (strstr (public_pem, "PRIVATE"));

  reread_private = qtr_key_new_from_private_pem (private_pem, -1, &error);
  g_assert_no_error (error);
  reread_public = qtr_key_new_from_public_pem (public_pem, -1, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_key_equal_public (generated_key, reread_private));
  g_assert_true (qtr_key_equal_public (generated_key, reread_public));
  g_assert_cmpuint (qtr_key_get_bits (reread_public), ==, 2048);

  assert_signs_and_verifies (reread_private, reread_public,
                             QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256);
  assert_signs_and_verifies (generated_key, reread_public, QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512);

  /* A public key neither signs nor exports a private half. */
  public_only = qtr_key_dup_public (generated_key);
  g_assert_false (qtr_key_has_private (public_only));
  g_assert_true (qtr_key_equal_public (public_only, generated_key));
  signature = qtr_key_sign (public_only, QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256, "x", 1,
                            &error);
  g_assert_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_NO_PRIVATE_KEY);
  g_assert_null (signature);
  g_clear_error (&error);
  nothing = qtr_key_export_private_pem (public_only, &error);
  g_assert_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_NO_PRIVATE_KEY);
  g_assert_null (nothing);
  g_clear_error (&error);

  g_assert_finalize_object (g_steal_pointer (&public_only));
  g_assert_finalize_object (g_steal_pointer (&reread_private));
  g_assert_finalize_object (g_steal_pointer (&reread_public));
}

static void
test_generate_too_small (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrKey) key = qtr_key_generate (1024, &error);

  g_assert_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_UNSUPPORTED);
  g_assert_null (key);
}

static void
test_import_cavage_test_key (void)
{
  g_autoptr(QtrKey) private_key = load_private_key ("cavage-test-key.pem");
  g_autoptr(QtrKey) public_key = load_public_key ("cavage-test-key.pub.pem");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) published = decode (CAVAGE_C2_SIGNATURE);
  g_autofree char *exported = NULL;

  /* The draft calls it a 2048-bit key; it has 1024 bits, our import minimum. */
  g_assert_cmpuint (qtr_key_get_bits (private_key), ==, 1024);
  g_assert_true (qtr_key_equal_public (private_key, public_key));

  /* RSASSA-PKCS1-v1_5 is deterministic: we reproduce the draft's C.2 signature. */
  signature = qtr_key_sign (private_key, QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256,
                            CAVAGE_C2_SIGNING_STRING, strlen (CAVAGE_C2_SIGNING_STRING), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (signature, published));
  g_assert_true (qtr_key_verify (public_key, QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256,
                                 CAVAGE_C2_SIGNING_STRING, strlen (CAVAGE_C2_SIGNING_STRING),
                                 g_bytes_get_data (published, NULL),
                                 g_bytes_get_size (published), &error));
  g_assert_no_error (error);

  /* A PKCS#1 private key leaves as PKCS#8. */
  exported = qtr_key_export_private_pem (private_key, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (exported, "-----BEGIN PRIVATE KEY-----\n"));
}

static void
test_import_pkcs1 (void)
{
  g_autoptr(QtrKey) private_key = load_private_key ("rfc9421-test-key-rsa.pem");
  g_autoptr(QtrKey) public_key = load_public_key ("rfc9421-test-key-rsa.pub.pem");
  g_autoptr(GError) error = NULL;
  g_autofree char *spki = NULL;
  g_autoptr(QtrKey) from_spki = NULL;

  g_assert_cmpuint (qtr_key_get_bits (public_key), ==, 2048);
  g_assert_true (qtr_key_equal_public (private_key, public_key));
  assert_signs_and_verifies (private_key, public_key, QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256);

  /* The same key as SubjectPublicKeyInfo. */
  spki = qtr_key_export_public_pem (public_key, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (spki, "-----BEGIN PUBLIC KEY-----\n"));
  from_spki = qtr_key_new_from_public_pem (spki, -1, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_key_equal_public (from_spki, private_key));

  /* Other keys differ. */
  g_assert_false (qtr_key_equal_public (public_key, generated_key));
}

static void
assert_public_refused (const char *pem,
                       int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrKey) key = qtr_key_new_from_public_pem (pem, -1, &error);

  if (key != NULL)
    g_error ("This was taken for a public key: %s", pem);
  g_assert_error (error, QTR_KEY_ERROR, code);
}

static void
assert_private_refused (const char *pem,
                        int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrKey) key = qtr_key_new_from_private_pem (pem, -1, &error);

  if (key != NULL)
    g_error ("This was taken for a private key: %s", pem);
  g_assert_error (error, QTR_KEY_ERROR, code);
}

/* A PEM key that GnuTLS makes for the test, in PKCS#8. */
static char *
make_private_pem (gnutls_pk_algorithm_t algorithm,
                  unsigned int          bits)
{
  gnutls_x509_privkey_t key;
  gnutls_datum_t pem = { NULL, 0 };
  char *text;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, algorithm, bits, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &pem), ==, 0);
  text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  gnutls_x509_privkey_deinit (key);
  return text;
}

static void
test_import_refused (void)
{
  g_autofree char *pkcs1 = qtr_test_load_text ("http-signature", "rfc9421-test-key-rsa.pub.pem");
  g_autofree char *spki = qtr_test_load_text ("http-signature", "cavage-test-key.pub.pem");
  g_autofree char *ec_pem = make_private_pem (GNUTLS_PK_ECDSA,
                                              GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
  g_autofree char *small_pem = make_private_pem (GNUTLS_PK_RSA, 768);
  g_autofree char *truncated = NULL;
  g_autofree char *trailing = NULL;
  g_autofree char *mangled = NULL;
  g_autoptr(QtrKey) ec_key = NULL;
  char *middle;

  assert_public_refused ("", QTR_KEY_ERROR_INVALID);
  assert_public_refused ("garbage", QTR_KEY_ERROR_INVALID);
  assert_public_refused ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                         QTR_KEY_ERROR_INVALID);
  assert_public_refused ("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n",
                         QTR_KEY_ERROR_INVALID);
  /* SEQUENCE { INTEGER 1 } and SEQUENCE { INTEGER -1, INTEGER 3 }: not RSA public keys. */
  assert_public_refused ("-----BEGIN RSA PUBLIC KEY-----\nMAMCAQE=\n"
                         "-----END RSA PUBLIC KEY-----\n", QTR_KEY_ERROR_INVALID);
  assert_public_refused ("-----BEGIN RSA PUBLIC KEY-----\nMAYCAf8CAQM=\n"
                         "-----END RSA PUBLIC KEY-----\n", QTR_KEY_ERROR_INVALID);
  /* SEQUENCE { INTEGER 65537, INTEGER 3 } is well-formed but far too small. */
  assert_public_refused ("-----BEGIN RSA PUBLIC KEY-----\nMAgCAwEAAQIBAw==\n"
                         "-----END RSA PUBLIC KEY-----\n", QTR_KEY_ERROR_UNSUPPORTED);

  truncated = g_strndup (spki, strlen (spki) / 2);
  assert_public_refused (truncated, QTR_KEY_ERROR_INVALID);

  /* The same key with two bytes after its SEQUENCE. */
  assert_public_refused ("-----BEGIN RSA PUBLIC KEY-----\nMAgCAwEAAQIBAwAA\n"
                         "-----END RSA PUBLIC KEY-----\n", QTR_KEY_ERROR_INVALID);
  /* A PKCS#1 key with a character changed inside. */
  trailing = g_strdup (pkcs1);
  middle = strstr (trailing, "IDAQAB\n");
  g_assert_nonnull (middle);
  middle[0] = '*';
  assert_public_refused (trailing, QTR_KEY_ERROR_INVALID);

  mangled = g_strdup (spki);
  mangled[40] = '!';
  assert_public_refused (mangled, QTR_KEY_ERROR_INVALID);

  /* Private keys: garbage, a public key, a small key, a key of another kind. */
  assert_private_refused ("", QTR_KEY_ERROR_INVALID);
  assert_private_refused ("garbage", QTR_KEY_ERROR_INVALID);
  assert_private_refused (spki, QTR_KEY_ERROR_INVALID);
  assert_private_refused (small_pem, QTR_KEY_ERROR_UNSUPPORTED);
  assert_private_refused (ec_pem, QTR_KEY_ERROR_UNSUPPORTED);
}

static void
test_verify_rsa_pss (void)
{
  g_autoptr(QtrKey) key = load_public_key ("rfc9421-test-key-rsa-pss.pub.pem");
  g_autofree char *base = qtr_test_load_text ("http-signature", "rfc9421-b21.base");
  g_autofree char *field = qtr_test_load_text ("http-signature", "rfc9421-b21.signature");
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  char *start = strchr (field, ':');

  /* `sig-b21=:<base64>:` */
  g_assert_nonnull (start);
  g_assert_true (g_str_has_suffix (field, ":"));
  field[strlen (field) - 1] = '\0';
  signature = decode (start + 1);

  g_assert_true (qtr_key_verify (key, QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512, base,
                                 strlen (base), g_bytes_get_data (signature, NULL),
                                 g_bytes_get_size (signature), &error));
  g_assert_no_error (error);

  /* Not a PKCS#1 v1.5 signature, and not one of another base. */
  g_assert_false (qtr_key_verify (key, QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256, base,
                                  strlen (base), g_bytes_get_data (signature, NULL),
                                  g_bytes_get_size (signature), &error));
  g_assert_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  base[strlen (base) - 2] = 'X';
  g_assert_false (qtr_key_verify (key, QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512, base,
                                  strlen (base), g_bytes_get_data (signature, NULL),
                                  g_bytes_get_size (signature), &error));
  g_assert_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  /* An empty signature is not a signature. */
  g_assert_false (qtr_key_verify (key, QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512, base,
                                  strlen (base), "", 0, &error));
  g_assert_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_BAD_SIGNATURE);
}

static void
test_sign_rsa_pss (void)
{
  static const char message[] = "\"@signature-params\": ();created=1";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  /* RSA-PSS is randomised: two signatures differ and both verify. */
  first = qtr_key_sign (generated_key, QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512, message,
                        strlen (message), &error);
  g_assert_no_error (error);
  second = qtr_key_sign (generated_key, QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512, message,
                         strlen (message), &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (first, second));
  g_assert_true (qtr_key_verify (generated_key, QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512,
                                 message, strlen (message), g_bytes_get_data (second, NULL),
                                 g_bytes_get_size (second), &error));
  g_assert_no_error (error);
}

static void
test_content_digest_rfc9530 (void)
{
  g_autoptr(GBytes) with_lf = qtr_test_load_data ("http-signature", "hello-world-lf.json");
  g_autoptr(GBytes) without_lf = qtr_test_load_data ("http-signature", "hello-world.json");
  g_autoptr(GBytes) partial = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autofree char *sha256_lf = qtr_content_digest_for_body (with_lf, G_CHECKSUM_SHA256);
  g_autofree char *sha512_lf = qtr_content_digest_for_body (with_lf, G_CHECKSUM_SHA512);
  g_autofree char *sha256 = qtr_content_digest_for_body (without_lf, G_CHECKSUM_SHA256);
  g_autofree char *sha512 = qtr_content_digest_for_body (without_lf, G_CHECKSUM_SHA512);
  g_autofree char *sha256_empty = qtr_content_digest_for_body (empty, G_CHECKSUM_SHA256);
  g_autofree char *sha256_null = qtr_content_digest_for_body (NULL, G_CHECKSUM_SHA256);
  g_autofree char *sha256_partial = NULL;

  g_assert_cmpuint (g_bytes_get_size (with_lf), ==, 19);
  g_assert_cmpuint (g_bytes_get_size (without_lf), ==, 18);
  /* B.3: bytes 10-18 of the representation. */
  partial = g_bytes_new_from_bytes (with_lf, 10, 9);
  sha256_partial = qtr_content_digest_for_body (partial, G_CHECKSUM_SHA256);

  g_assert_cmpstr (sha256_lf, ==, RFC9530_SHA256_LF);
  g_assert_cmpstr (sha512_lf, ==, RFC9530_SHA512_LF);
  g_assert_cmpstr (sha256, ==, RFC9530_SHA256);
  g_assert_cmpstr (sha512, ==, RFC9530_SHA512);
  g_assert_cmpstr (sha256_empty, ==, RFC9530_SHA256_EMPTY);
  g_assert_cmpstr (sha256_null, ==, RFC9530_SHA256_EMPTY);
  g_assert_cmpstr (sha256_partial, ==, RFC9530_SHA256_PARTIAL);
}

static void
assert_content_digest (const char *value,
                       GBytes     *body,
                       int         code)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = qtr_content_digest_check (value, body, &error);

  if (code < 0)
    {
      if (!ok)
        g_error ("Content-Digest “%s” refused: %s", value, error->message);
      return;
    }
  if (ok)
    g_error ("Content-Digest “%s” accepted", value);
  g_assert_error (error, QTR_KEY_ERROR, code);
}

static void
test_content_digest_check (void)
{
  g_autoptr(GBytes) body = qtr_test_load_data ("http-signature", "hello-world-lf.json");
  g_autoptr(GBytes) other = qtr_test_load_data ("http-signature", "hello-world.json");

  assert_content_digest (RFC9530_SHA256_LF, body, -1);
  assert_content_digest (RFC9530_SHA512_LF, body, -1);
  assert_content_digest (RFC9530_SHA256_LF ", " RFC9530_SHA512_LF, body, -1);
  assert_content_digest ("  " RFC9530_SHA512_LF ",\t" RFC9530_SHA256_LF "  ", body, -1);
  /* Algorithms we do not check are passed over, as RFC 9530 allows. */
  assert_content_digest ("md5=:Sd/dVLAcvNLSq16eXua5uQ==:, " RFC9530_SHA256_LF, body, -1);
  assert_content_digest (RFC9530_SHA256, other, -1);

  /* One wrong member is enough. */
  assert_content_digest (RFC9530_SHA256_LF, other, QTR_KEY_ERROR_DIGEST_MISMATCH);
  assert_content_digest (RFC9530_SHA256_LF ", " RFC9530_SHA512, body,
                         QTR_KEY_ERROR_DIGEST_MISMATCH);
  assert_content_digest (RFC9530_SHA256_EMPTY, body, QTR_KEY_ERROR_DIGEST_MISMATCH);

  assert_content_digest ("md5=:Sd/dVLAcvNLSq16eXua5uQ==:", body,
                         QTR_KEY_ERROR_DIGEST_UNSUPPORTED);

  assert_content_digest ("", body, QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_content_digest ("garbage", body, QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_content_digest ("sha-256=RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=", body,
                         QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_content_digest ("SHA-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:", body,
                         QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_content_digest (RFC9530_SHA256_LF ",", body, QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_content_digest (RFC9530_SHA256_LF ";a=1", body, QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_content_digest ("sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg:", body,
                         QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_content_digest ("sha-256=:YQ==:", body, QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_content_digest (RFC9530_SHA256_LF ", " RFC9530_SHA256_LF, body,
                         QTR_KEY_ERROR_DIGEST_MALFORMED);
}

static void
assert_digest (const char *value,
               GBytes     *body,
               int         code)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = qtr_digest_check (value, body, &error);

  if (code < 0)
    {
      if (!ok)
        g_error ("Digest “%s” refused: %s", value, error->message);
      return;
    }
  if (ok)
    g_error ("Digest “%s” accepted", value);
  g_assert_error (error, QTR_KEY_ERROR, code);
}

static void
test_digest (void)
{
  g_autoptr(GBytes) body = qtr_test_load_data ("http-signature", "hello-world.json");
  g_autoptr(GBytes) other = qtr_test_load_data ("http-signature", "hello-world-lf.json");
  g_autofree char *computed = qtr_digest_for_body (body);
  g_autofree char *empty = qtr_digest_for_body (NULL);

  /* The Digest of draft-cavage's example request. */
  g_assert_cmpstr (computed, ==, CAVAGE_DIGEST);
  g_assert_cmpstr (empty, ==, "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");

  assert_digest (CAVAGE_DIGEST, body, -1);
  assert_digest ("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", body, -1);
  assert_digest (" " CAVAGE_DIGEST " ", body, -1);
  assert_digest ("SHA-512=WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyea"
                 "ldVLvRwEmTHWXvJwew==, " CAVAGE_DIGEST, body, -1);
  assert_digest ("MD5=Sd/dVLAcvNLSq16eXua5uQ==," CAVAGE_DIGEST, body, -1);

  assert_digest (CAVAGE_DIGEST, other, QTR_KEY_ERROR_DIGEST_MISMATCH);
  assert_digest (CAVAGE_DIGEST, NULL, QTR_KEY_ERROR_DIGEST_MISMATCH);
  assert_digest ("MD5=Sd/dVLAcvNLSq16eXua5uQ==", body, QTR_KEY_ERROR_DIGEST_UNSUPPORTED);
  assert_digest ("", body, QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_digest ("SHA-256", body, QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_digest ("=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", body,
                 QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_digest ("SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE", body,
                 QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_digest ("SHA-256=X48E9qOokqqrvdts8nOJR JN3OWDUoyWxBf7kbu9DBPE=", body,
                 QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_digest ("SHA-256=YQ==", body, QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_digest (CAVAGE_DIGEST "," CAVAGE_DIGEST, body, QTR_KEY_ERROR_DIGEST_MALFORMED);
  assert_digest (CAVAGE_DIGEST ",", body, QTR_KEY_ERROR_DIGEST_MALFORMED);
}

static void
assert_base64 (const char *text,
               const char *expected)
{
  g_autoptr(GBytes) bytes = qtr_base64_decode_strict (text, strlen (text));

  if (expected == NULL)
    {
      if (bytes != NULL)
        g_error ("“%s” was taken for base64", text);
      return;
    }
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected,
                   strlen (expected));
}

static void
test_base64_strict (void)
{
  assert_base64 ("", "");
  assert_base64 ("YQ==", "a");
  assert_base64 ("YWI=", "ab");
  assert_base64 ("YWJj", "abc");
  assert_base64 ("YWJj", "abc");
  assert_base64 ("YQ", NULL);
  assert_base64 ("Y===", NULL);
  assert_base64 ("YQ=a", NULL);
  assert_base64 ("Y Q=", NULL);
  assert_base64 ("YQ==YQ==", NULL);
  assert_base64 ("YW-j", NULL);
  assert_base64 ("YW_j", NULL);

  g_assert_true (qtr_memory_equal_constant_time ("abc", "abc", 3));
  g_assert_false (qtr_memory_equal_constant_time ("abc", "abd", 3));
  g_assert_true (qtr_memory_equal_constant_time ("abc", "abd", 2));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  generated_key = qtr_key_generate (QTR_KEY_DEFAULT_BITS, &error);
  g_assert_no_error (error);

  g_test_add_func ("/federation/keys/generate", test_generate);
  g_test_add_func ("/federation/keys/generate/too-small", test_generate_too_small);
  g_test_add_func ("/federation/keys/import/cavage-test-key", test_import_cavage_test_key);
  g_test_add_func ("/federation/keys/import/pkcs1", test_import_pkcs1);
  g_test_add_func ("/federation/keys/import/refused", test_import_refused);
  g_test_add_func ("/federation/keys/verify/rsa-pss-sha512", test_verify_rsa_pss);
  g_test_add_func ("/federation/keys/sign/rsa-pss-sha512", test_sign_rsa_pss);
  g_test_add_func ("/federation/keys/digest/content-digest/rfc9530", test_content_digest_rfc9530);
  g_test_add_func ("/federation/keys/digest/content-digest/check", test_content_digest_check);
  g_test_add_func ("/federation/keys/digest/digest", test_digest);
  g_test_add_func ("/federation/keys/base64", test_base64_strict);

  status = g_test_run ();
  g_assert_finalize_object (generated_key);
  return status;
}
