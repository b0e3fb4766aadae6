/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include "qtr-http-signature.h"

#include <string.h>

#define CAVAGE_PATH "/foo?param=value&pet=dog"
#define CAVAGE_DATE "Sun, 05 Jan 2014 21:31:40 GMT"
#define RFC9421_PATH "/foo?param=Value&Pet=dog"
#define RFC9421_BASE_URL "https://example.com"
#define RFC9421_CREATED 1618884473
#define RFC9421_CONTENT_DIGEST \
  "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+" \
  "AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"

#define INBOX "/users/bob/inbox"
#define KEY_ID "https://alice.example/users/alice#main-key"
#define ACTIVITY "{\"type\": \"Follow\", \"actor\": \"https://alice.example/users/alice\"}"

/* Two actors: alice signs, mallory is someone else. */
static QtrKey *alice_key;
static QtrKey *alice_public_key;
static QtrKey *mallory_key;



static QtrKey *
load_key (const char *name,
          gboolean    private)
{
  g_autofree char *pem = qtr_test_load_text ("http-signature", name);
  g_autoptr(GError) error = NULL;
  QtrKey *key = private ? qtr_key_new_from_private_pem (pem, -1, &error)
                        : qtr_key_new_from_public_pem (pem, -1, &error);

  g_assert_no_error (error);
  return key;
}

/* The value of the signature="…" parameter of a cavage field. */
static char *
signature_parameter (const char *field)
{
  const char *start = strstr (field, "signature=\"");
  const char *end;

  g_assert_nonnull (start);
  start += strlen ("signature=\"");
  end = strchr (start, '"');
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static gint64
http_date_to_unix (const char *text)
{
  g_autoptr(GDateTime) date = soup_date_time_new_from_http_string (text);

  g_assert_nonnull (date);
  return g_date_time_to_unix (date);
}

static char *
unix_to_http_date (gint64 time)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (time);

  return soup_date_time_to_string (date, SOUP_DATE_HTTP);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Fails unless @error is @code and its message does not quote @secret. */
static void
assert_refused (GError     *error,
                int         code,
                const char *secret)
{
  g_assert_error (error, QTR_HTTP_SIGNATURE_ERROR, code);
  if (secret != NULL && *secret != '\0')
    g_assert_null (strstr (error->message, secret));
}

static SoupMessageHeaders *
new_request_headers (void)
{
  return soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
}

/* draft-cavage Appendix C: the example request. */
static SoupMessageHeaders *
new_cavage_headers (void)
{
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  soup_message_headers_append (headers, "Host", "example.com");
  soup_message_headers_append (headers, "Date", CAVAGE_DATE);
  soup_message_headers_append (headers, "Content-Type", "application/json");
  soup_message_headers_append (headers, "Digest",
                               "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
  soup_message_headers_append (headers, "Content-Length", "18");
  return headers;
}

/* RFC 9421 B.2: test-request. */
static SoupMessageHeaders *
new_rfc9421_headers (const char *vector)
{
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *input_name = g_strdup_printf ("rfc9421-%s.signature-input", vector);
  g_autofree char *signature_name = g_strdup_printf ("rfc9421-%s.signature", vector);
  g_autofree char *input = qtr_test_load_text ("http-signature", input_name);
  g_autofree char *signature = qtr_test_load_text ("http-signature", signature_name);

  soup_message_headers_append (headers, "Host", "example.com");
  soup_message_headers_append (headers, "Date", "Tue, 20 Apr 2021 02:07:55 GMT");
  soup_message_headers_append (headers, "Content-Type", "application/json");
  soup_message_headers_append (headers, "Content-Digest", RFC9421_CONTENT_DIGEST);
  soup_message_headers_append (headers, "Content-Length", "18");
  soup_message_headers_append (headers, "Signature-Input", input);
  soup_message_headers_append (headers, "Signature", signature);
  return headers;
}

static QtrHttpSignature *
parse_cavage_vector (SoupMessageHeaders  *headers,
                     GBytes              *body,
                     GError             **error)
{
  return qtr_http_signature_parse ("POST", CAVAGE_PATH, NULL, headers, body,
                                   http_date_to_unix (CAVAGE_DATE), error);
}

/* draft-cavage C.1: the signature covers the Date field alone. */
static void
test_cavage_c1 (void)
{
  g_autoptr(QtrKey) key = load_key ("cavage-test-key.pem", TRUE);
  g_autoptr(QtrKey) public_key = load_key ("cavage-test-key.pub.pem", FALSE);
  g_autoptr(SoupMessageHeaders) headers = new_cavage_headers ();
  g_autoptr(GBytes) body = qtr_test_load_data ("http-signature", "hello-world.json");
  g_autofree char *published = qtr_test_load_text ("http-signature", "cavage-c1.signature");
  g_autofree char *authorization = qtr_test_load_text ("http-signature", "cavage-c1.authorization");
  g_autofree char *signing_string = qtr_test_load_text ("http-signature", "cavage-c1.signing-string");
  g_autofree char *published_signature = signature_parameter (published);
  g_autofree char *ours = NULL;
  g_autofree char *our_signature = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char * const date_only[] = { "date", NULL };

  /* Our signer reproduces the published signature byte for byte. */
  ours = qtr_http_signature_sign_headers ("POST", CAVAGE_PATH, headers, date_only, "Test", key,
                                          &error);
  g_assert_no_error (error);
  our_signature = signature_parameter (ours);
  g_assert_cmpstr (our_signature, ==, published_signature);
  g_assert_cmpstr (ours, ==, "keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"date\","
                             "signature=\"SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m7"
                             "9cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKT"
                             "wblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=\"");

  /* The published signature is one of the published signing string… */
  raw = qtr_base64_decode_strict (published_signature, strlen (published_signature));
  g_assert_true (qtr_key_verify (public_key, QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256,
                                 signing_string, strlen (signing_string),
                                 g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), &error));
  g_assert_no_error (error);

  /* …but covering the Date alone is too weak for us, in either field. */
  soup_message_headers_append (headers, "Signature", published);
  signature = parse_cavage_vector (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, published_signature);
  g_assert_null (signature);
  g_clear_error (&error);

  soup_message_headers_remove (headers, "Signature");
  soup_message_headers_append (headers, "Authorization", authorization);
  signature = parse_cavage_vector (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, published_signature);
  g_assert_null (signature);
}

/* draft-cavage C.2: (request-target) host date. */
static void
test_cavage_c2 (void)
{
  g_autoptr(QtrKey) key = load_key ("cavage-test-key.pem", TRUE);
  g_autoptr(QtrKey) public_key = load_key ("cavage-test-key.pub.pem", FALSE);
  g_autoptr(SoupMessageHeaders) headers = new_cavage_headers ();
  g_autoptr(GBytes) body = qtr_test_load_data ("http-signature", "hello-world.json");
  g_autofree char *published = qtr_test_load_text ("http-signature", "cavage-c2.signature");
  g_autofree char *authorization = qtr_test_load_text ("http-signature", "cavage-c2.authorization");
  g_autofree char *signing_string = qtr_test_load_text ("http-signature", "cavage-c2.signing-string");
  g_autofree char *published_signature = signature_parameter (published);
  g_autofree char *ours = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char * const covered[] = { "(request-target)", "host", "date", NULL };

  /* Byte for byte the published Signature field. */
  ours = qtr_http_signature_sign_headers ("POST", CAVAGE_PATH, headers, covered, "Test", key,
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ours, ==, published);
  g_assert_cmpstr (authorization + strlen ("Signature "), ==, published);

  raw = qtr_base64_decode_strict (published_signature, strlen (published_signature));
  g_assert_true (qtr_key_verify (public_key, QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256,
                                 signing_string, strlen (signing_string),
                                 g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), &error));
  g_assert_no_error (error);

  /* A POST whose digest is not covered is refused. */
  soup_message_headers_append (headers, "Authorization", authorization);
  signature = parse_cavage_vector (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, published_signature);
  g_assert_nonnull (strstr (error->message, "digest"));
  g_assert_null (signature);
}

/* draft-cavage C.3: all headers. */
static void
test_cavage_c3 (void)
{
  g_autoptr(QtrKey) key = load_key ("cavage-test-key.pem", TRUE);
  g_autoptr(QtrKey) public_key = load_key ("cavage-test-key.pub.pem", FALSE);
  g_autoptr(SoupMessageHeaders) headers = new_cavage_headers ();
  g_autoptr(GBytes) body = qtr_test_load_data ("http-signature", "hello-world.json");
  g_autoptr(GBytes) other_body = qtr_test_load_data ("http-signature", "hello-world-lf.json");
  g_autofree char *published = qtr_test_load_text ("http-signature", "cavage-c3.signature");
  g_autofree char *authorization = qtr_test_load_text ("http-signature", "cavage-c3.authorization");
  g_autofree char *signing_string = qtr_test_load_text ("http-signature", "cavage-c3.signing-string");
  g_autofree char *published_signature = signature_parameter (published);
  g_autofree char *ours = NULL;
  g_autofree char *our_signature = NULL;
  g_autofree char *as_signed = NULL;
  g_autofree char *as_hs2019 = NULL;
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char * const covered[] = { "(request-target)", "host", "date", "content-type", "digest",
                                   "content-length", NULL };
  const char * const *components;
  gint64 date = http_date_to_unix (CAVAGE_DATE);

  ours = qtr_http_signature_sign_headers ("POST", CAVAGE_PATH, headers, covered, "Test", key,
                                          &error);
  g_assert_no_error (error);
  our_signature = signature_parameter (ours);
  g_assert_cmpstr (our_signature, ==, published_signature);

  /* The field as printed lists (created) (expires) under rsa-sha256, which §2.3 forbids. */
  soup_message_headers_replace (headers, "Signature", published);
  signature = parse_cavage_vector (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, published_signature);
  g_assert_null (signature);
  g_clear_error (&error);
  soup_message_headers_remove (headers, "Signature");
  soup_message_headers_replace (headers, "Authorization", authorization);
  signature = parse_cavage_vector (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, published_signature);
  g_clear_error (&error);
  soup_message_headers_remove (headers, "Authorization");

  /* Read as hs2019, it parses, but the signature is not over those pseudo-headers. */
  {
    g_autoptr(GString) text = g_string_new (published);

    g_string_replace (text, "rsa-sha256", "hs2019", 1);
    as_hs2019 = g_string_free (g_steal_pointer (&text), FALSE);
  }
  soup_message_headers_replace (headers, "Signature", as_hs2019);
  signature = qtr_http_signature_parse ("POST", CAVAGE_PATH, NULL, headers, body, 1402170695,
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpint (qtr_http_signature_get_created (signature), ==, 1402170695);
  g_assert_cmpint (qtr_http_signature_get_expires (signature), ==, 1402170699);
  g_assert_false (qtr_http_signature_verify (signature, public_key, 1402170695, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, published_signature);
  g_clear_error (&error);
  g_clear_object (&signature);

  /* The field the signature was made for (the signing string shown, as in earlier drafts). */
  as_signed = g_strdup_printf ("keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"(request-target) "
                               "host date content-type digest content-length\",signature=\"%s\"",
                               published_signature);
  g_assert_cmpstr (ours, ==, as_signed);
  soup_message_headers_replace (headers, "Signature", as_signed);
  signature = parse_cavage_vector (headers, body, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qtr_http_signature_get_format (signature), ==,
                   QTR_HTTP_SIGNATURE_FORMAT_CAVAGE);
  g_assert_cmpstr (qtr_http_signature_get_key_id (signature), ==, "Test");
  g_assert_cmpstr (qtr_http_signature_get_algorithm (signature), ==, "rsa-sha256");
  g_assert_null (qtr_http_signature_get_label (signature));
  g_assert_cmpstr (qtr_http_signature_get_signature_base (signature), ==, signing_string);
  g_assert_cmpint (qtr_http_signature_get_created (signature), ==, date);
  g_assert_cmpint (qtr_http_signature_get_expires (signature), ==, -1);
  components = qtr_http_signature_get_components (signature);
  g_assert_cmpstrv (components, covered);
  g_assert_true (qtr_http_signature_verify (signature, public_key, date, &error));
  g_assert_no_error (error);

  /* Not with another key, nor as RSA-PSS. */
  g_assert_false (qtr_http_signature_verify (signature, alice_public_key, date, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, published_signature);
  g_clear_error (&error);
  g_assert_false (qtr_http_signature_verify_with_algorithm (signature, public_key,
                                                            QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512,
                                                            date, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM, published_signature);
  g_clear_error (&error);
  g_clear_object (&signature);

  /* Another body does not match the signed digest. */
  signature = parse_cavage_vector (headers, other_body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_DIGEST_MISMATCH, published_signature);
  g_assert_null (signature);
  g_clear_error (&error);

  /* The same as Authorization: Signature. */
  soup_message_headers_remove (headers, "Signature");
  {
    g_autofree char *field = g_strconcat ("Signature ", as_signed, NULL);

    soup_message_headers_replace (headers, "Authorization", field);
  }
  signature = parse_cavage_vector (headers, body, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_http_signature_verify (signature, public_key, date, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&signature));
}

/* RFC 9421 B.2.1 and B.2.2: valid signatures, weaker than we accept. */
static void
test_rfc9421_b21_b22 (void)
{
  g_autoptr(QtrKey) key = load_key ("rfc9421-test-key-rsa-pss.pub.pem", FALSE);
  g_autoptr(GBytes) body = qtr_test_load_data ("http-signature", "hello-world.json");
  const char *vectors[] = { "b21", "b22" };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(SoupMessageHeaders) headers = new_rfc9421_headers (vectors[i]);
      g_autofree char *base_name = g_strdup_printf ("rfc9421-%s.base", vectors[i]);
      g_autofree char *field_name = g_strdup_printf ("rfc9421-%s.signature", vectors[i]);
      g_autofree char *base = qtr_test_load_text ("http-signature", base_name);
      g_autofree char *field = qtr_test_load_text ("http-signature", field_name);
      g_autoptr(GBytes) raw = NULL;
      g_autoptr(QtrHttpSignature) signature = NULL;
      g_autoptr(GError) error = NULL;
      char *start = strchr (field, ':');

      /* The published signature verifies over the published base… */
      field[strlen (field) - 1] = '\0';
      raw = qtr_base64_decode_strict (start + 1, strlen (start + 1));
      g_assert_nonnull (raw);
      g_assert_true (qtr_key_verify (key, QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512, base,
                                     strlen (base), g_bytes_get_data (raw, NULL),
                                     g_bytes_get_size (raw), &error));
      g_assert_no_error (error);

      /* …but covers neither the method nor the target. */
      signature = qtr_http_signature_parse ("POST", RFC9421_PATH, RFC9421_BASE_URL, headers,
                                            body, RFC9421_CREATED, &error);
      assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, start + 1);
      g_assert_nonnull (strstr (error->message, "@method"));
      g_assert_null (signature);
    }
}

/* RFC 9421 B.2.3: full coverage. */
static void
test_rfc9421_b23 (void)
{
  g_autoptr(QtrKey) key = load_key ("rfc9421-test-key-rsa-pss.pub.pem", FALSE);
  g_autoptr(SoupMessageHeaders) headers = new_rfc9421_headers ("b23");
  g_autoptr(GBytes) body = qtr_test_load_data ("http-signature", "hello-world.json");
  g_autoptr(GBytes) other_body = qtr_test_load_data ("http-signature", "hello-world-lf.json");
  g_autofree char *base = qtr_test_load_text ("http-signature", "rfc9421-b23.base");
  g_autofree char *field = qtr_test_load_text ("http-signature", "rfc9421-b23.signature");
  g_autofree char *signature_text = g_strndup (field + strlen ("sig-b23=:"),
                                               strlen (field) - strlen ("sig-b23=:") - 1);
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char * const expected[] = { "\"date\"", "\"@method\"", "\"@path\"", "\"@query\"",
                                    "\"@authority\"", "\"content-type\"", "\"content-digest\"",
                                    "\"content-length\"", NULL };

  signature = qtr_http_signature_parse ("POST", RFC9421_PATH, RFC9421_BASE_URL, headers, body,
                                        RFC9421_CREATED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qtr_http_signature_get_format (signature), ==,
                   QTR_HTTP_SIGNATURE_FORMAT_RFC9421);
  g_assert_cmpstr (qtr_http_signature_get_key_id (signature), ==, "test-key-rsa-pss");
  g_assert_cmpstr (qtr_http_signature_get_label (signature), ==, "sig-b23");
  g_assert_null (qtr_http_signature_get_algorithm (signature));
  g_assert_cmpint (qtr_http_signature_get_created (signature), ==, RFC9421_CREATED);
  g_assert_cmpstrv (qtr_http_signature_get_components (signature), expected);
  /* The signature base, byte for byte, including the @signature-params line. */
  g_assert_cmpstr (qtr_http_signature_get_signature_base (signature), ==, base);

  /* The key is an RSA-PSS key; the signature names no algorithm. */
  g_assert_true (qtr_http_signature_verify_with_algorithm (signature, key,
                                                           QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512,
                                                           RFC9421_CREATED + 60, &error));
  g_assert_no_error (error);
  /* Taken as Mastodon takes it (rsa-v1_5-sha256), it does not verify. */
  g_assert_false (qtr_http_signature_verify (signature, key, RFC9421_CREATED, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, signature_text);
  g_clear_error (&error);
  /* Nor with another key. */
  g_assert_false (qtr_http_signature_verify_with_algorithm (signature, alice_public_key,
                                                            QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512,
                                                            RFC9421_CREATED, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, signature_text);
  g_clear_error (&error);
  /* Nor two hours later. */
  g_assert_false (qtr_http_signature_verify_with_algorithm (signature, key,
                                                            QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512,
                                                            RFC9421_CREATED + 2 * 3600, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_EXPIRED, signature_text);
  g_clear_error (&error);
  g_clear_object (&signature);

  /* An altered body does not match its Content-Digest (sha-512). */
  signature = qtr_http_signature_parse ("POST", RFC9421_PATH, RFC9421_BASE_URL, headers,
                                        other_body, RFC9421_CREATED, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_DIGEST_MISMATCH, signature_text);
  g_clear_error (&error);

  /* A field changed after signing. */
  soup_message_headers_replace (headers, "Content-Type", "application/activity+json");
  signature = qtr_http_signature_parse ("POST", RFC9421_PATH, RFC9421_BASE_URL, headers, body,
                                        RFC9421_CREATED, &error);
  g_assert_no_error (error);
  g_assert_false (qtr_http_signature_verify_with_algorithm (signature, key,
                                                            QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512,
                                                            RFC9421_CREATED, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, signature_text);
  g_clear_error (&error);
  g_clear_object (&signature);

  /* Another target. */
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  signature = qtr_http_signature_parse ("POST", "/foo?param=Value&Pet=cat", RFC9421_BASE_URL,
                                        headers, body, RFC9421_CREATED, &error);
  g_assert_no_error (error);
  g_assert_false (qtr_http_signature_verify_with_algorithm (signature, key,
                                                            QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512,
                                                            RFC9421_CREATED, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, signature_text);
  g_clear_error (&error);
  g_clear_object (&signature);

  /* A covered field that is gone. */
  soup_message_headers_remove (headers, "Content-Length");
  signature = qtr_http_signature_parse ("POST", RFC9421_PATH, RFC9421_BASE_URL, headers, body,
                                        RFC9421_CREATED, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, signature_text);
  g_assert_null (signature);
}

/* Several signatures: the first label that has both fields is the one read. */
static void
test_rfc9421_labels (void)
{
  g_autoptr(QtrKey) key = load_key ("rfc9421-test-key-rsa-pss.pub.pem", FALSE);
  g_autoptr(SoupMessageHeaders) headers = new_rfc9421_headers ("b23");
  g_autoptr(GBytes) body = qtr_test_load_data ("http-signature", "hello-world.json");
  g_autofree char *b21_input = qtr_test_load_text ("http-signature", "rfc9421-b21.signature-input");
  g_autofree char *b21_signature = qtr_test_load_text ("http-signature", "rfc9421-b21.signature");
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  /* A Signature-Input without its Signature comes first: passed over. */
  {
    g_autofree char *b23_input = qtr_test_load_text ("http-signature", "rfc9421-b23.signature-input");

    soup_message_headers_replace (headers, "Signature-Input", "sig-x=(\"@method\");created=1");
    soup_message_headers_append (headers, "Signature-Input", b23_input);
  }
  signature = qtr_http_signature_parse ("POST", RFC9421_PATH, RFC9421_BASE_URL, headers, body,
                                        RFC9421_CREATED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qtr_http_signature_get_label (signature), ==, "sig-b23");
  g_assert_true (qtr_http_signature_verify_with_algorithm (signature, key,
                                                           QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512,
                                                           RFC9421_CREATED, &error));
  g_assert_no_error (error);
  g_clear_object (&signature);

  /* B.2.1 before B.2.3 in both fields: B.2.1 is read, and refused. */
  soup_message_headers_remove (headers, "Signature-Input");
  soup_message_headers_append (headers, "Signature-Input", b21_input);
  {
    g_autofree char *b23_input = qtr_test_load_text ("http-signature", "rfc9421-b23.signature-input");

    soup_message_headers_append (headers, "Signature-Input", b23_input);
  }
  soup_message_headers_append (headers, "Signature", b21_signature);
  signature = qtr_http_signature_parse ("POST", RFC9421_PATH, RFC9421_BASE_URL, headers, body,
                                        RFC9421_CREATED, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, NULL);
  g_clear_error (&error);

  /* No label in common. */
  soup_message_headers_replace (headers, "Signature", b21_signature);
  soup_message_headers_replace (headers, "Signature-Input", "sig-other=(\"@method\");created=1");
  signature = qtr_http_signature_parse ("POST", RFC9421_PATH, RFC9421_BASE_URL, headers, body,
                                        RFC9421_CREATED, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, NULL);
}

/* A POST as the delivery worker makes it, signed @offset seconds from now. */
static SoupMessageHeaders *
new_signed_post (GBytes  *body,
                 gint64   offset,
                 QtrKey  *key)
{
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *date = unix_to_http_date (now_seconds () + offset);
  g_autofree char *digest = qtr_digest_for_body (body);
  g_autofree char *signature = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_append (headers, "Host", "bob.example");
  soup_message_headers_append (headers, "Date", date);
  soup_message_headers_append (headers, "Content-Type", "application/activity+json");
  soup_message_headers_append (headers, "Digest", digest);
  signature = qtr_http_signature_sign ("POST", INBOX, headers, KEY_ID, key, &error);
  g_assert_no_error (error);
  soup_message_headers_append (headers, "Signature", signature);
  return headers;
}

static GBytes *
new_activity (void)
{
  return g_bytes_new_static (ACTIVITY, strlen (ACTIVITY));
}

static QtrHttpSignature *
parse_post (SoupMessageHeaders  *headers,
            GBytes              *body,
            GError             **error)
{
  return qtr_http_signature_parse ("POST", INBOX, NULL, headers, body, now_seconds (), error);
}

static void
test_round_trip_post (void)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(SoupMessageHeaders) headers = new_signed_post (body, 0, alice_key);
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char * const expected[] = { "(request-target)", "host", "date", "digest", NULL };
  g_autofree char *value = g_strdup (soup_message_headers_get_one (headers, "Signature"));

  g_assert_true (g_str_has_prefix (value, "keyId=\"" KEY_ID "\",algorithm=\"rsa-sha256\","
                                   "headers=\"(request-target) host date digest\",signature=\""));

  signature = parse_post (headers, body, &error);
  g_assert_no_error (error);
  /* The key to fetch is known before verifying. */
  g_assert_cmpstr (qtr_http_signature_get_key_id (signature), ==, KEY_ID);
  g_assert_cmpstrv (qtr_http_signature_get_components (signature), expected);
  g_assert_true (qtr_http_signature_verify (signature, alice_public_key, now_seconds (),
                                            &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&signature));
}

static void
test_round_trip_get (void)
{
  g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
  g_autofree char *date = unix_to_http_date (now_seconds ());
  g_autofree char *value = NULL;
  g_autofree char *expected_base = NULL;
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char * const expected[] = { "(request-target)", "host", "date", NULL };

  soup_message_headers_append (headers, "Host", "bob.example");
  soup_message_headers_append (headers, "Date", date);
  soup_message_headers_append (headers, "Accept", "application/activity+json");
  value = qtr_http_signature_sign ("GET", "/users/bob?page=1", headers, KEY_ID, alice_key,
                                   &error);
  g_assert_no_error (error);
  soup_message_headers_append (headers, "Signature", value);

  signature = qtr_http_signature_parse ("GET", "/users/bob?page=1", NULL, headers, NULL,
                                        now_seconds (), &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (qtr_http_signature_get_components (signature), expected);
  expected_base = g_strdup_printf ("(request-target): get /users/bob?page=1\n"
                                   "host: bob.example\ndate: %s", date);
  g_assert_cmpstr (qtr_http_signature_get_signature_base (signature), ==, expected_base);
  g_assert_true (qtr_http_signature_verify (signature, alice_public_key, now_seconds (),
                                            &error));
  g_assert_no_error (error);
  g_clear_object (&signature);

  /* The query is part of the target. */
  signature = qtr_http_signature_parse ("GET", "/users/bob?page=2", NULL, headers, NULL,
                                        now_seconds (), &error);
  g_assert_no_error (error);
  g_assert_false (qtr_http_signature_verify (signature, alice_public_key, now_seconds (),
                                             &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, NULL);
}

static void
test_round_trip_message (void)
{
  g_autoptr(SoupMessage) message = soup_message_new ("POST", "https://bob.example" INBOX);
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  g_autofree char *digest = qtr_digest_for_body (body);
  gint64 date;

  g_assert_true (qtr_http_signature_sign_message (message, "application/activity+json", body,
                                                  KEY_ID, alice_key, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Host"), ==, "bob.example");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Digest"), ==, digest);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==,
                   "application/activity+json");
  date = http_date_to_unix (soup_message_headers_get_one (headers, "Date"));
  g_assert_cmpint (ABS (date - now_seconds ()), <=, 5);
  g_assert_true (g_str_has_suffix (soup_message_headers_get_one (headers, "Date"), " GMT"));

  signature = parse_post (headers, body, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_http_signature_verify (signature, alice_public_key, now_seconds (),
                                            &error));
  g_assert_no_error (error);
}

typedef struct {
  GMainLoop *loop;
  guint      status;
  char      *text;
} Delivery;

static void
inbox_cb (SoupServer        *server,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) body = soup_message_body_flatten (request_body);
  GUri *uri = soup_server_message_get_uri (message);
  g_autofree char *path_and_query = g_strdup_printf ("%s%s%s", g_uri_get_path (uri),
                                                     g_uri_get_query (uri) ? "?" : "",
                                                     g_uri_get_query (uri) ?: "");
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char *answer;

  signature = qtr_http_signature_parse (soup_server_message_get_method (message),
                                        path_and_query, NULL,
                                        soup_server_message_get_request_headers (message), body,
                                        now_seconds (), &error);
  if (signature != NULL)
    qtr_http_signature_verify (signature, alice_public_key, now_seconds (), &error);

  answer = error != NULL ? error->message : qtr_http_signature_get_key_id (signature);
  soup_server_message_set_status (message, error != NULL ? 401 : 202, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_COPY, answer,
                                    strlen (answer));
}

static void
delivered_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Delivery *delivery = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  answer = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  delivery->status = soup_message_get_status (message);
  delivery->text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  g_main_loop_quit (delivery->loop);
}

static void
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
}

static void
deliver (SoupSession *session,
         SoupMessage *message,
         Delivery    *delivery)
{
  g_clear_pointer (&delivery->text, g_free);
  /* One connection per delivery, closed by the server once it has answered. */
  soup_message_headers_replace (soup_message_get_request_headers (message), "Connection",
                                "close");
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, delivered_cb,
                                    delivery);
  g_main_loop_run (delivery->loop);
}

/* Over a real loopback connection: libsoup sends the fields we signed, the server verifies. */
static void
test_round_trip_loopback (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();  /* no proxy: set below */
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) signed_message = NULL;
  g_autoptr(SoupMessage) plain_message = NULL;
  g_autofree char *url = NULL;
  Delivery delivery = { loop, 0, NULL };
  GSList *uris;

  soup_session_set_proxy_resolver (session, NULL);
  soup_server_add_handler (server, INBOX, inbox_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  url = g_strdup_printf ("http://127.0.0.1:%d" INBOX, g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  signed_message = soup_message_new ("POST", url);
  g_assert_true (qtr_http_signature_sign_message (signed_message, "application/activity+json",
                                                  body, KEY_ID, alice_key, &error));
  g_assert_no_error (error);
  deliver (session, signed_message, &delivery);
  g_assert_cmpstr (delivery.text, ==, KEY_ID);
  g_assert_cmpuint (delivery.status, ==, 202);

  plain_message = soup_message_new ("POST", url);
  soup_message_set_request_body_from_bytes (plain_message, "application/activity+json", body);
  deliver (session, plain_message, &delivery);
  g_assert_cmpuint (delivery.status, ==, 401);
  g_assert_cmpstr (delivery.text, ==, "The request is not signed");

  g_free (delivery.text);

  /* Let the server see the connections go, so that nothing is left behind. */
  soup_session_abort (session);
  soup_server_disconnect (server);
  g_timeout_add_once (200, quit_loop_cb, loop);
  g_main_loop_run (loop);
}

static void
test_verify_unsigned (void)
{
  g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_append (headers, "Host", "bob.example");
  signature = parse_post (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING, NULL);
  g_clear_error (&error);

  soup_message_headers_append (headers, "Authorization", "Bearer abc");
  signature = parse_post (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING, NULL);
  g_clear_error (&error);

  soup_message_headers_append (headers, "Signature-Input", "sig1=(\"@method\");created=1");
  signature = parse_post (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING, NULL);
  g_assert_null (signature);
}

static void
test_verify_digest_mismatch (void)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(GBytes) altered = g_bytes_new_static (ACTIVITY "\n", strlen (ACTIVITY) + 1);
  g_autoptr(SoupMessageHeaders) headers = new_signed_post (body, 0, alice_key);
  g_autofree char *signature_text = signature_parameter (soup_message_headers_get_one (headers,
                                                                                      "Signature"));
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  signature = parse_post (headers, altered, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_DIGEST_MISMATCH, signature_text);
  g_assert_null (signature);
  g_clear_error (&error);

  /* No body at all. */
  signature = parse_post (headers, NULL, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_DIGEST_MISMATCH, signature_text);
  g_clear_error (&error);

  /* A Content-Digest that does not match is caught too, covered or not. */
  {
    g_autofree char *wrong = qtr_content_digest_for_body (altered, G_CHECKSUM_SHA512);

    soup_message_headers_append (headers, "Content-Digest", wrong);
  }
  signature = parse_post (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_DIGEST_MISMATCH, signature_text);
}

/* Fields changed after signing: the digest recomputed for another body, the host, the date. */
static void
test_verify_altered (void)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(GBytes) altered = g_bytes_new_static ("{\"type\": \"Delete\"}", 18);
  const char *fields[] = { "Digest", "Host", "Date" };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(SoupMessageHeaders) headers = new_signed_post (body, 0, alice_key);
      g_autoptr(QtrHttpSignature) signature = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *value = NULL;
      GBytes *sent = body;

      if (i == 0)
        {
          value = qtr_digest_for_body (altered);
          sent = altered;
        }
      else if (i == 1)
        value = g_strdup ("carol.example");
      else
        value = unix_to_http_date (http_date_to_unix (soup_message_headers_get_one (headers,
                                                                                    "Date")) - 1);
      soup_message_headers_replace (headers, fields[i], value);

      signature = parse_post (headers, sent, &error);
      g_assert_no_error (error);
      g_assert_false (qtr_http_signature_verify (signature, alice_public_key, now_seconds (),
                                                 &error));
      assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, NULL);
    }
}

static void
assert_window (gint64  offset,
               int     code)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(SoupMessageHeaders) headers = new_signed_post (body, offset, alice_key);
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  signature = parse_post (headers, body, &error);
  if (code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (qtr_http_signature_verify (signature, alice_public_key, now_seconds (),
                                                &error));
      g_assert_no_error (error);
      return;
    }
  assert_refused (error, code, NULL);
  g_assert_null (signature);
}

/* Mastodon's window: 5 minutes of life plus 1 hour of clock skew either way. */
static void
test_verify_expired (void)
{
  assert_window (-2 * 3600, QTR_HTTP_SIGNATURE_ERROR_EXPIRED);
  assert_window (-(3600 + 5 * 60 + 60), QTR_HTTP_SIGNATURE_ERROR_EXPIRED);
  assert_window (-(3600 + 5 * 60 - 60), -1);
  assert_window (-3600, -1);
}

static void
test_verify_future (void)
{
  assert_window (2 * 3600, QTR_HTTP_SIGNATURE_ERROR_FUTURE);
  assert_window (3600 + 60, QTR_HTTP_SIGNATURE_ERROR_FUTURE);
  assert_window (3600 - 60, -1);
}

/* The window is checked again when verifying: the key fetch may have taken long. */
static void
test_verify_expired_while_fetching (void)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(SoupMessageHeaders) headers = new_signed_post (body, 0, alice_key);
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  signature = parse_post (headers, body, &error);
  g_assert_no_error (error);
  g_assert_false (qtr_http_signature_verify (signature, alice_public_key, now_seconds () + 7200,
                                             &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_EXPIRED, NULL);
}

/* An hs2019 signature with (created) and (expires), made by hand from the draft's rules. */
static void
assert_hs2019_window (gint64  created,
                      gint64  expires,
                      int     code)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
  g_autofree char *digest = qtr_digest_for_body (body);
  g_autofree char *string = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *field = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_append (headers, "Host", "bob.example");
  soup_message_headers_append (headers, "Digest", digest);
  string = g_strdup_printf ("(request-target): post " INBOX "\n(created): %" G_GINT64_FORMAT
                            "\n(expires): %" G_GINT64_FORMAT "\nhost: bob.example\ndigest: %s",
                            created, expires, digest);
  raw = qtr_key_sign (alice_key, QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256, string,
                      strlen (string), &error);
  g_assert_no_error (error);
  encoded = g_base64_encode (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  field = g_strdup_printf ("keyId=\"%s\",algorithm=\"hs2019\",created=%" G_GINT64_FORMAT
                           ",expires=%" G_GINT64_FORMAT ",headers=\"(request-target) (created) "
                           "(expires) host digest\",signature=\"%s\"", KEY_ID, created, expires,
                           encoded);
  soup_message_headers_append (headers, "Signature", field);

  signature = parse_post (headers, body, &error);
  if (code < 0)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (qtr_http_signature_get_signature_base (signature), ==, string);
      g_assert_cmpint (qtr_http_signature_get_created (signature), ==, created);
      g_assert_cmpint (qtr_http_signature_get_expires (signature), ==, expires);
      g_assert_true (qtr_http_signature_verify (signature, alice_public_key, now_seconds (),
                                                &error));
      g_assert_no_error (error);
      return;
    }
  assert_refused (error, code, encoded);
}

static void
test_verify_expires (void)
{
  gint64 now = now_seconds ();

  /* A short expires ends the window early: 64 min old, expired 63 min ago (5 min would not). */
  assert_hs2019_window (now - 64 * 60, now - 63 * 60, QTR_HTTP_SIGNATURE_ERROR_EXPIRED);
  assert_hs2019_window (now - 64 * 60, now - 50 * 60, -1);
  /* A long one extends it… */
  assert_hs2019_window (now - 3 * 3600, now + 3600, -1);
  /* …to 12 hours at most. */
  assert_hs2019_window (now - 13 * 3600 - 120, now + 3600, QTR_HTTP_SIGNATURE_ERROR_EXPIRED);
  assert_hs2019_window (now + 2 * 3600, now + 3 * 3600, QTR_HTTP_SIGNATURE_ERROR_FUTURE);
}

static void
test_verify_unsupported_algorithm (void)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(SoupMessageHeaders) headers = new_signed_post (body, 0, alice_key);
  g_autofree char *original = g_strdup (soup_message_headers_get_one (headers, "Signature"));
  g_autofree char *signature_text = signature_parameter (original);
  const char *algorithms[] = { "hmac-sha256", "rsa-sha1", "ecdsa-sha256", "ed25519", "" };
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (algorithms); i++)
    {
      g_autoptr(GString) field = g_string_new (original);

      g_string_replace (field, "rsa-sha256", algorithms[i], 1);
      soup_message_headers_replace (headers, "Signature", field->str);
      signature = parse_post (headers, body, &error);
      assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM, signature_text);
      g_assert_null (signature);
      g_clear_error (&error);
    }

  /* A body digest we cannot check. */
  soup_message_headers_replace (headers, "Signature", original);
  soup_message_headers_replace (headers, "Digest", "MD5=Sd/dVLAcvNLSq16eXua5uQ==");
  signature = parse_post (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM, signature_text);
  g_clear_error (&error);

  /* RFC 9421 with an alg we do not verify. */
  soup_message_headers_remove (headers, "Signature");
  soup_message_headers_replace (headers, "Signature-Input",
                                "sig1=(\"@method\" \"@target-uri\" \"content-digest\");"
                                "created=1;keyid=\"k\";alg=\"ed25519\"");
  soup_message_headers_replace (headers, "Signature", "sig1=:YQ==:");
  signature = qtr_http_signature_parse ("POST", INBOX, "https://bob.example", headers, body, 1,
                                        &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM, NULL);
}

static void
test_verify_missing_component (void)
{
  g_autoptr(GBytes) body = new_activity ();
  const char * const without_host[] = { "(request-target)", "date", "digest", NULL };
  const char * const without_target[] = { "host", "date", "digest", NULL };
  const char * const without_date[] = { "(request-target)", "host", "digest", NULL };
  const char * const without_digest[] = { "(request-target)", "host", "date", NULL };
  const char * const with_extra[] = { "(request-target)", "host", "date", "digest", "x-extra",
                                      NULL };
  const char * const *lists[] = { without_host, without_target, without_date, without_digest,
                                  with_extra };
  const char *missing[] = { "host", "(request-target)", "date", "digest", "x-extra" };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
      g_autofree char *date = unix_to_http_date (now_seconds ());
      g_autofree char *digest = qtr_digest_for_body (body);
      g_autofree char *field = NULL;
      g_autoptr(QtrHttpSignature) signature = NULL;
      g_autoptr(GError) error = NULL;

      soup_message_headers_append (headers, "Host", "bob.example");
      soup_message_headers_append (headers, "Date", date);
      soup_message_headers_append (headers, "Digest", digest);
      soup_message_headers_append (headers, "X-Extra", "1");
      field = qtr_http_signature_sign_headers ("POST", INBOX, headers, lists[i], KEY_ID,
                                               alice_key, &error);
      g_assert_no_error (error);
      soup_message_headers_append (headers, "Signature", field);
      /* The covered extra field is then dropped on the way. */
      soup_message_headers_remove (headers, "X-Extra");

      signature = parse_post (headers, body, &error);
      assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, NULL);
      g_assert_nonnull (strstr (error->message, missing[i]));
      g_assert_null (signature);
    }
}

static void
test_verify_missing_component_rfc9421 (void)
{
  g_autoptr(GBytes) body = new_activity ();
  gint64 now = now_seconds ();
  const char * const complete[] = { "@method", "@target-uri", "content-digest", NULL };
  const char * const no_method[] = { "@target-uri", "content-digest", NULL };
  const char * const no_target[] = { "@method", "@authority", "content-digest", NULL };
  const char * const no_query[] = { "@method", "@path", "@authority", "content-digest", NULL };
  const char * const no_digest[] = { "@method", "@target-uri", NULL };
  const char * const *lists[] = { complete, no_method, no_target, no_query, no_digest };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
      g_autofree char *digest = qtr_content_digest_for_body (body, G_CHECKSUM_SHA256);
      g_autoptr(QtrHttpSignature) signature = NULL;
      g_autoptr(GError) error = NULL;

      soup_message_headers_append (headers, "Host", "bob.example");
      soup_message_headers_append (headers, "Content-Digest", digest);
      g_assert_true (qtr_http_signature_sign_rfc9421 ("POST", INBOX "?a=1", "https://bob.example",
                                                      headers, "sig1", lists[i], KEY_ID, now, -1,
                                                      alice_key, &error));
      g_assert_no_error (error);

      signature = qtr_http_signature_parse ("POST", INBOX "?a=1", "https://bob.example", headers,
                                            body, now, &error);
      if (i == 0)
        {
          g_assert_no_error (error);
          g_assert_true (qtr_http_signature_verify (signature, alice_public_key, now, &error));
          g_assert_no_error (error);
          continue;
        }
      assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, NULL);
      g_assert_null (signature);
    }

  /* No created parameter. */
  {
    g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
    g_autoptr(QtrHttpSignature) signature = NULL;
    g_autoptr(GError) error = NULL;

    soup_message_headers_append (headers, "Signature-Input",
                                 "sig1=(\"@method\" \"@target-uri\");keyid=\"k\"");
    soup_message_headers_append (headers, "Signature", "sig1=:YQ==:");
    signature = qtr_http_signature_parse ("GET", "/", "https://bob.example", headers, NULL, now,
                                          &error);
    assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, NULL);
    g_assert_nonnull (strstr (error->message, "created"));
  }

  /* @target-uri without a base URL. */
  {
    g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
    g_autoptr(QtrHttpSignature) signature = NULL;
    g_autoptr(GError) error = NULL;

    soup_message_headers_append (headers, "Signature-Input",
                                 "sig1=(\"@method\" \"@target-uri\");created=1;keyid=\"k\"");
    soup_message_headers_append (headers, "Signature", "sig1=:YQ==:");
    signature = qtr_http_signature_parse ("GET", "/", NULL, headers, NULL, 1, &error);
    assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, NULL);
  }
}

static void
test_verify_wrong_key (void)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(SoupMessageHeaders) headers = new_signed_post (body, 0, mallory_key);
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  /* Mallory signs with alice's key id. */
  signature = parse_post (headers, body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qtr_http_signature_get_key_id (signature), ==, KEY_ID);
  g_assert_false (qtr_http_signature_verify (signature, alice_public_key, now_seconds (),
                                             &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, NULL);
}

static void
assert_cavage_malformed (const char *field)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(SoupMessageHeaders) headers = new_signed_post (body, 0, alice_key);
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (headers, "Signature", field);
  signature = parse_post (headers, body, &error);
  if (signature != NULL)
    g_error ("This signature was accepted: %s", field);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, NULL);
}

static void
test_verify_malformed (void)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(SoupMessageHeaders) headers = new_signed_post (body, 0, alice_key);
  g_autofree char *good = g_strdup (soup_message_headers_get_one (headers, "Signature"));
  g_autofree char *sig = signature_parameter (good);
  g_autoptr(GString) huge = g_string_new (good);
  g_autoptr(GString) many = g_string_new ("keyId=\"k\",algorithm=\"rsa-sha256\",headers=\"");
  g_autofree char *field = NULL;
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  assert_cavage_malformed ("garbage");
  assert_cavage_malformed ("");
  assert_cavage_malformed (",,,");
  assert_cavage_malformed ("keyId=\"unterminated");
  assert_cavage_malformed ("keyId=\"" KEY_ID "\",signature=\"abc");
  assert_cavage_malformed ("keyId=\"" KEY_ID "\",headers=\"(request-target) host date\"");
  field = g_strdup_printf ("headers=\"(request-target) host date digest\",signature=\"%s\"", sig);
  assert_cavage_malformed (field);
  g_free (field);
  field = g_strdup_printf ("keyId=\"a\",keyId=\"b\",headers=\"(request-target) host date "
                           "digest\",signature=\"%s\"", sig);
  assert_cavage_malformed (field);
  g_free (field);
  field = g_strdup_printf ("keyId=\"a\",headers=\"(request-target) host date digest\","
                           "signature=\"%s!\"", sig);
  assert_cavage_malformed (field);
  g_free (field);
  field = g_strdup_printf ("keyId=\"a\",algorithm=\"rsa-sha256\",headers=\"(request-target) host "
                           "host date digest\",signature=\"%s\"", sig);
  assert_cavage_malformed (field);
  g_free (field);
  field = g_strdup_printf ("keyId=\"a\",algorithm=\"hs2019\",headers=\"(request-target) host "
                           "date digest (unknown)\",signature=\"%s\"", sig);
  assert_cavage_malformed (field);
  g_free (field);
  field = g_strdup_printf ("keyId=\"a\",algorithm=\"hs2019\",headers=\"(request-target) host "
                           "(created) digest\",signature=\"%s\"", sig);  /* no created= */
  assert_cavage_malformed (field);
  g_free (field);
  field = g_strdup_printf ("keyId=\"a\",algorithm=\"hs2019\",created=soon,headers=\""
                           "(request-target) host (created) digest\",signature=\"%s\"", sig);
  assert_cavage_malformed (field);
  g_free (field);
  field = g_strdup_printf ("%s,", good);
  assert_cavage_malformed (field);
  g_free (field);
  field = NULL;

  /* Longer than 8 KiB. */
  g_string_append (huge, ",padding=\"");
  for (guint i = 0; i < 8192; i++)
    g_string_append_c (huge, 'a');
  g_string_append_c (huge, '"');
  assert_cavage_malformed (huge->str);

  /* More than 32 covered headers. */
  for (guint i = 0; i < 33; i++)
    g_string_append_printf (many, "%sx-field-%u", i > 0 ? " " : "", i);
  g_string_append_printf (many, "\",signature=\"%s\"", sig);
  assert_cavage_malformed (many->str);

  /* Two Signature fields. */
  soup_message_headers_append (headers, "Signature", good);
  signature = parse_post (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, sig);
  g_clear_error (&error);

  /* An unreadable Date. */
  soup_message_headers_replace (headers, "Signature", good);
  soup_message_headers_replace (headers, "Date", "yesterday");
  signature = parse_post (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, sig);
  g_clear_error (&error);

  /* A huge covered field. */
  soup_message_headers_replace (headers, "Date", huge->str);
  signature = parse_post (headers, body, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, sig);
  g_assert_null (signature);
}

static void
assert_rfc9421_malformed (const char *input,
                          const char *value)
{
  g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_append (headers, "Host", "bob.example");
  soup_message_headers_append (headers, "Signature-Input", input);
  soup_message_headers_append (headers, "Signature", value);
  signature = qtr_http_signature_parse ("GET", "/a?b=1&b=2", "https://bob.example", headers,
                                        NULL, 1, &error);
  if (signature != NULL)
    g_error ("This signature was accepted: %s / %s", input, value);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, NULL);
}

#define TARGET "\"@method\" \"@target-uri\""

static void
test_verify_malformed_rfc9421 (void)
{
  g_autoptr(GString) many = g_string_new ("sig1=(" TARGET);
  g_autoptr(GString) huge = g_string_new ("sig1=:");

  assert_rfc9421_malformed ("garbage!", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET ";created=1", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;keyid=\"unterminated", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;keyid=\"k\"", "sig1=:YQ=:");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;keyid=\"k\"", "sig1=YQ==");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;keyid=\"k\"", "sig1=:YQ==:,");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;keyid=\"k\"", "sig1=::");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1.5;keyid=\"k\"", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=\"1\";keyid=\"k\"", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;keyid=k", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;created=2;keyid=\"k\"", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;keyid=\"k\", sig1=(" TARGET ")",
                            "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=" TARGET, "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;keyid=\"k\"", "sig1=(\"a\")");
  assert_rfc9421_malformed ("sig1=(" TARGET " @method);created=1;keyid=\"k\"", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET " \"@method\");created=1;keyid=\"k\"", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET " \"@status\");created=1;keyid=\"k\"", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET " \"@signature-params\");created=1;keyid=\"k\"",
                            "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET " \"host\";sf);created=1;keyid=\"k\"", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET " \"Host\");created=1;keyid=\"k\"", "sig1=:YQ==:");
  assert_rfc9421_malformed ("sig1=(" TARGET " \"@query-param\");created=1;keyid=\"k\"",
                            "sig1=:YQ==:");
  /* A query parameter that occurs twice (b) cannot be covered by name. */
  assert_rfc9421_malformed ("sig1=(" TARGET " \"@query-param\";name=\"b\");created=1;keyid=\"k\"",
                            "sig1=:YQ==:");

  for (guint i = 0; i < 31; i++)
    g_string_append_printf (many, " \"x-field-%u\"", i);
  g_string_append (many, ");created=1;keyid=\"k\"");
  assert_rfc9421_malformed (many->str, "sig1=:YQ==:");

  for (guint i = 0; i < 2100; i++)
    g_string_append (huge, "YWJj");
  g_string_append_c (huge, ':');
  assert_rfc9421_malformed ("sig1=(" TARGET ");created=1;keyid=\"k\"", huge->str);
}

static void
test_rfc9421_round_trip (void)
{
  g_autoptr(GBytes) body = new_activity ();
  g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
  g_autofree char *digest = qtr_content_digest_for_body (body, G_CHECKSUM_SHA256);
  g_autofree char *date = unix_to_http_date (now_seconds ());
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char * const components[] = { "@method", "@target-uri", "@authority", "@scheme",
                                      "@request-target", "@path", "@query", "content-digest",
                                      "date", NULL };
  g_autofree char *expected = NULL;
  g_autofree char *expected_input = NULL;
  gint64 now = now_seconds ();

  soup_message_headers_append (headers, "Host", "Bob.Example:8443");
  soup_message_headers_append (headers, "Date", date);
  soup_message_headers_append (headers, "Content-Digest", digest);
  g_assert_true (qtr_http_signature_sign_rfc9421 ("POST", INBOX, "HTTPS://Bob.Example:8443",
                                                  headers, "sig1", components, KEY_ID, now,
                                                  now + 60, alice_key, &error));
  g_assert_no_error (error);
  expected_input = g_strdup_printf ("sig1=(\"@method\" \"@target-uri\" \"@authority\" "
                                    "\"@scheme\" \"@request-target\" \"@path\" \"@query\" "
                                    "\"content-digest\" \"date\");created=%" G_GINT64_FORMAT
                                    ";expires=%" G_GINT64_FORMAT ";keyid=\"" KEY_ID "\"",
                                    now, now + 60);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Signature-Input"), ==,
                   expected_input);

  signature = qtr_http_signature_parse ("POST", INBOX, "https://bob.example:8443", headers, body,
                                        now, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("\"@method\": POST\n"
                              "\"@target-uri\": https://bob.example:8443" INBOX "\n"
                              "\"@authority\": bob.example:8443\n"
                              "\"@scheme\": https\n"
                              "\"@request-target\": " INBOX "\n"
                              "\"@path\": " INBOX "\n"
                              "\"@query\": ?\n"
                              "\"content-digest\": %s\n"
                              "\"date\": %s\n"
                              "\"@signature-params\": %s", digest, date,
                              soup_message_headers_get_one (headers, "Signature-Input") + 5);
  g_assert_cmpstr (qtr_http_signature_get_signature_base (signature), ==, expected);
  g_assert_cmpint (qtr_http_signature_get_expires (signature), ==, now + 60);
  g_assert_true (qtr_http_signature_verify (signature, alice_public_key, now, &error));
  g_assert_no_error (error);
  g_clear_object (&signature);

  /* The default port is not part of the authority; another one is another target. */
  signature = qtr_http_signature_parse ("POST", INBOX, "https://bob.example", headers, body, now,
                                        &error);
  g_assert_no_error (error);
  g_assert_false (qtr_http_signature_verify (signature, alice_public_key, now, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, NULL);
  g_clear_error (&error);
  g_clear_object (&signature);

  /* expires passed (plus the hour of clock skew). */
  signature = qtr_http_signature_parse ("POST", INBOX, "https://bob.example:8443", headers, body,
                                        now + 60 + 3600 + 1, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_EXPIRED, NULL);
  g_assert_null (signature);
}

/* RFC 9421 §2.2.8: query parameters are decoded, then re-encoded. */
static void
test_rfc9421_query_param (void)
{
  static const char path[] = "/parameters?var=this%20is%20a%20big%0Amultiline%20value&"
                             "bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something";
  g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char * const components[] = { "@method", "@target-uri",
                                      "\"@query-param\";name=\"var\"",
                                      "\"@query-param\";name=\"bar\"",
                                      "\"@query-param\";name=\"fa%C3%A7ade%22%3A%20\"", NULL };
  const char *base;
  gint64 now = now_seconds ();

  g_assert_true (qtr_http_signature_sign_rfc9421 ("GET", path, "https://www.example.com",
                                                  headers, "sig1", components, KEY_ID, now, -1,
                                                  alice_key, &error));
  g_assert_no_error (error);
  signature = qtr_http_signature_parse ("GET", path, "https://www.example.com", headers, NULL,
                                        now, &error);
  g_assert_no_error (error);
  base = qtr_http_signature_get_signature_base (signature);
  g_assert_nonnull (strstr (base, "\n\"@query-param\";name=\"var\": "
                                  "this%20is%20a%20big%0Amultiline%20value\n"));
  g_assert_nonnull (strstr (base, "\n\"@query-param\";name=\"bar\": with%20plus%20whitespace\n"));
  g_assert_nonnull (strstr (base, "\n\"@query-param\";name=\"fa%C3%A7ade%22%3A%20\": "
                                  "something\n"));
  g_assert_true (qtr_http_signature_verify (signature, alice_public_key, now, &error));
  g_assert_no_error (error);
  g_clear_object (&signature);

  /* Another value is another signature base. */
  signature = qtr_http_signature_parse ("GET", "/parameters?var=this%20is%20a%20big%0Amultiline"
                                        "%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20"
                                        "=something+else", "https://www.example.com", headers,
                                        NULL, now, &error);
  g_assert_no_error (error);
  g_assert_false (qtr_http_signature_verify (signature, alice_public_key, now, &error));
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_INVALID, NULL);
}

static void
test_sign_refused (void)
{
  g_autoptr(SoupMessageHeaders) headers = new_request_headers ();
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  const char * const created[] = { "(request-target)", "(created)", NULL };

  soup_message_headers_append (headers, "Host", "bob.example");

  /* A POST without its Digest field, a GET without its Date. */
  field = qtr_http_signature_sign ("POST", INBOX, headers, KEY_ID, alice_key, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, NULL);
  g_assert_null (field);
  g_clear_error (&error);
  field = qtr_http_signature_sign ("GET", INBOX, headers, KEY_ID, alice_key, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT, NULL);
  g_clear_error (&error);

  /* (created) is not for rsa-sha256; a key id cannot hold a quote; a public key cannot sign. */
  field = qtr_http_signature_sign_headers ("GET", INBOX, headers, created, KEY_ID, alice_key,
                                           &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, NULL);
  g_clear_error (&error);
  soup_message_headers_append (headers, "Date", "Sun, 05 Jan 2014 21:31:40 GMT");
  field = qtr_http_signature_sign ("GET", INBOX, headers, "a\"b", alice_key, &error);
  assert_refused (error, QTR_HTTP_SIGNATURE_ERROR_MALFORMED, NULL);
  g_clear_error (&error);
  field = qtr_http_signature_sign ("GET", INBOX, headers, KEY_ID, alice_public_key, &error);
  g_assert_error (error, QTR_KEY_ERROR, QTR_KEY_ERROR_NO_PRIVATE_KEY);
  g_assert_null (field);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  alice_key = qtr_key_generate (QTR_KEY_DEFAULT_BITS, &error);
  g_assert_no_error (error);
  alice_public_key = qtr_key_dup_public (alice_key);
  mallory_key = qtr_key_generate (QTR_KEY_DEFAULT_BITS, &error);
  g_assert_no_error (error);

  g_test_add_func ("/federation/http-signature/vectors/cavage-c1", test_cavage_c1);
  g_test_add_func ("/federation/http-signature/vectors/cavage-c2", test_cavage_c2);
  g_test_add_func ("/federation/http-signature/vectors/cavage-c3", test_cavage_c3);
  g_test_add_func ("/federation/http-signature/vectors/rfc9421-b21-b22", test_rfc9421_b21_b22);
  g_test_add_func ("/federation/http-signature/vectors/rfc9421-b23", test_rfc9421_b23);
  g_test_add_func ("/federation/http-signature/vectors/rfc9421-labels", test_rfc9421_labels);
  g_test_add_func ("/federation/http-signature/round-trip/post", test_round_trip_post);
  g_test_add_func ("/federation/http-signature/round-trip/get", test_round_trip_get);
  g_test_add_func ("/federation/http-signature/round-trip/message", test_round_trip_message);
  g_test_add_func ("/federation/http-signature/round-trip/loopback", test_round_trip_loopback);
  g_test_add_func ("/federation/http-signature/round-trip/rfc9421", test_rfc9421_round_trip);
  g_test_add_func ("/federation/http-signature/round-trip/rfc9421-query-param",
                   test_rfc9421_query_param);
  g_test_add_func ("/federation/http-signature/sign/refused", test_sign_refused);
  g_test_add_func ("/federation/http-signature/verify/unsigned", test_verify_unsigned);
  g_test_add_func ("/federation/http-signature/verify/digest-mismatch",
                   test_verify_digest_mismatch);
  g_test_add_func ("/federation/http-signature/verify/altered", test_verify_altered);
  g_test_add_func ("/federation/http-signature/verify/expired", test_verify_expired);
  g_test_add_func ("/federation/http-signature/verify/future", test_verify_future);
  g_test_add_func ("/federation/http-signature/verify/expired-while-fetching",
                   test_verify_expired_while_fetching);
  g_test_add_func ("/federation/http-signature/verify/expires", test_verify_expires);
  g_test_add_func ("/federation/http-signature/verify/unsupported-algorithm",
                   test_verify_unsupported_algorithm);
  g_test_add_func ("/federation/http-signature/verify/missing-component",
                   test_verify_missing_component);
  g_test_add_func ("/federation/http-signature/verify/missing-component-rfc9421",
                   test_verify_missing_component_rfc9421);
  g_test_add_func ("/federation/http-signature/verify/wrong-key", test_verify_wrong_key);
  g_test_add_func ("/federation/http-signature/verify/malformed", test_verify_malformed);
  g_test_add_func ("/federation/http-signature/verify/malformed-rfc9421",
                   test_verify_malformed_rfc9421);

  status = g_test_run ();

  g_assert_finalize_object (mallory_key);
  g_assert_finalize_object (alice_public_key);
  g_assert_finalize_object (alice_key);
  return status;
}
