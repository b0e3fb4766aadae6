/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qtr-node-l10n.h"
#include "qtr-node-store-api.h"
#include "qtr-oauth.h"
#include "qtr-rate-limiter.h"
#include "qtr-test-util.h"

/* The pieces of the node's OAuth that need no server: scopes, tokens, passwords, PKCE,
 * redirect URIs, the catalogues of the sign-in page, and codes and tokens in a real node.db.
 * The whole flow over HTTP is tests/interop/mastodon_py. */

static void
test_scopes_parse (void)
{
  QtrOAuthScopes scopes;
  g_autofree char *unknown = NULL;
  g_autofree char *text = NULL;

  g_assert_true (qtr_oauth_scopes_parse ("read  write\tfollow+push", &scopes, NULL));
  text = qtr_oauth_scopes_to_string (scopes);
  g_assert_cmpstr (text, ==, "read write follow push");

  g_assert_true (qtr_oauth_scopes_parse (NULL, &scopes, NULL));
  g_assert_cmpuint (scopes, ==, 0);
  g_assert_true (qtr_oauth_scopes_parse ("", &scopes, NULL));
  g_assert_cmpuint (scopes, ==, 0);

  g_assert_false (qtr_oauth_scopes_parse ("read admin:read", &scopes, &unknown));
  g_assert_cmpstr (unknown, ==, "admin:read");
  g_assert_cmpuint (scopes, ==, 0);
  g_clear_pointer (&unknown, g_free);
  /* No prefix matching: "rea" is no scope, nor is "read:" alone. */
  g_assert_false (qtr_oauth_scopes_parse ("rea", &scopes, &unknown));
  g_assert_false (qtr_oauth_scopes_parse ("read:", &scopes, NULL));

  /* Every advertised scope parses, and comes back the same. */
  for (const char * const *name = qtr_oauth_scopes_supported (); *name != NULL; name++)
    {
      g_autofree char *back = NULL;

      g_assert_true (qtr_oauth_scopes_parse (*name, &scopes, NULL));
      back = qtr_oauth_scopes_to_string (scopes);
      g_assert_cmpstr (back, ==, *name);
    }
}

static gboolean
allows (const char *granted,
        const char *required)
{
  QtrOAuthScopes scopes;

  g_assert_true (qtr_oauth_scopes_parse (granted, &scopes, NULL));
  return qtr_oauth_scopes_allow (scopes, required);
}

static void
test_scopes_implied (void)
{
  /* read covers read:*, write covers write:*, and neither the other. */
  g_assert_true (allows ("read", "read:accounts"));
  g_assert_true (allows ("read", "read:statuses"));
  g_assert_true (allows ("read", "read"));
  g_assert_false (allows ("read", "write:statuses"));
  g_assert_false (allows ("read", "write"));
  g_assert_true (allows ("write", "write:media"));
  g_assert_false (allows ("write", "read:accounts"));
  /* A granular scope covers itself only, never its parent. */
  g_assert_true (allows ("read:accounts", "read:accounts"));
  g_assert_false (allows ("read:accounts", "read"));
  g_assert_false (allows ("read:accounts", "read:statuses"));
  /* follow covers follows, blocks and mutes, read and write, and nothing else. */
  g_assert_true (allows ("follow", "read:follows"));
  g_assert_true (allows ("follow", "write:follows"));
  g_assert_true (allows ("follow", "read:blocks"));
  g_assert_true (allows ("follow", "write:blocks"));
  g_assert_true (allows ("follow", "read:mutes"));
  g_assert_true (allows ("follow", "write:mutes"));
  g_assert_false (allows ("follow", "read:accounts"));
  g_assert_false (allows ("follow", "write:statuses"));
  /* push and profile imply nothing. */
  g_assert_false (allows ("push profile", "read:accounts"));
  g_assert_true (allows ("push profile", "profile"));
  g_assert_false (allows ("", "read"));
}

static void
test_tokens (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 200; i++)
    {
      char *token = qtr_oauth_new_token ();
      gsize length;
      g_autofree char *padded = g_strconcat (token, "=", NULL);
      g_autofree guint8 *bytes = NULL;

      /* 32 bytes, base64url without padding: 43 characters of [A-Za-z0-9_-]. */
      g_assert_cmpuint (strlen (token), ==, 43);
      for (const char *p = token; *p != '\0'; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
      for (char *p = padded; *p != '\0'; p++)
        *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
      bytes = g_base64_decode (padded, &length);
      g_assert_cmpuint (length, ==, QTR_OAUTH_TOKEN_BYTES);
      g_assert_false (g_hash_table_contains (seen, token));
      g_hash_table_add (seen, token);
    }

  {
    g_autofree char *hash = qtr_oauth_hash_token ("abc");
    g_autofree char *again = qtr_oauth_hash_token ("abc");
    g_autofree char *other = qtr_oauth_hash_token ("abd");

    /* SHA-256 ("abc") of FIPS 180-2. */
    g_assert_cmpstr (hash, ==,
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    g_assert_cmpstr (hash, ==, again);
    g_assert_cmpstr (hash, !=, other);
  }

  g_assert_true (qtr_oauth_equal ("secret", "secret"));
  g_assert_false (qtr_oauth_equal ("secret", "secreT"));
  g_assert_false (qtr_oauth_equal ("secret", "secret2"));
  g_assert_false (qtr_oauth_equal ("", "x"));
  g_assert_true (qtr_oauth_equal ("", ""));
}

static void
test_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = qtr_oauth_hash_password ("correct horse", 1000, &error);
  g_autofree char *again = qtr_oauth_hash_password ("correct horse", 1000, &error);
  g_auto(GStrv) parts = NULL;

  g_assert_no_error (error);
  parts = g_strsplit (hash, "$", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  g_assert_cmpstr (parts[0], ==, "pbkdf2-sha256");
  g_assert_cmpstr (parts[1], ==, "1000");
  g_assert_null (strstr (hash, "correct"));
  /* A random salt: the same password hashes differently each time. */
  g_assert_cmpstr (hash, !=, again);

  g_assert_true (qtr_oauth_verify_password (hash, "correct horse"));
  g_assert_true (qtr_oauth_verify_password (again, "correct horse"));
  g_assert_false (qtr_oauth_verify_password (hash, "correct horse "));
  g_assert_false (qtr_oauth_verify_password (hash, ""));
  g_assert_false (qtr_oauth_verify_password (NULL, "correct horse"));
  g_assert_false (qtr_oauth_verify_password ("pbkdf2-sha256$0$AAAA$AAAA", "x"));
  g_assert_false (qtr_oauth_verify_password ("md5$1$x$y", "x"));
  g_assert_false (qtr_oauth_verify_password ("garbage", "x"));

  /* RFC 7914 §11's PBKDF2-HMAC-SHA256 vector: P="passwd", S="salt", c=1 (first 32 bytes). */
  {
    g_autofree char *salt = g_base64_encode ((const guchar *) "salt", 4);
    static const guint8 expected[] = {
      0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25, 0x44,
      0xb6, 0x05, 0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65, 0xe6, 0x8b, 0x9d, 0x57,
      0xc2, 0x0d, 0xac, 0xbc,
    };
    g_autofree char *digest = g_base64_encode (expected, sizeof expected);
    g_autofree char *stored = g_strdup_printf ("pbkdf2-sha256$1$%s$%s", salt, digest);

    g_assert_true (qtr_oauth_verify_password (stored, "passwd"));
    g_assert_false (qtr_oauth_verify_password (stored, "passwe"));
  }
}

static void
test_pkce (void)
{
  /* RFC 7636 appendix B. */
  const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const char *challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  g_assert_true (qtr_oauth_verify_pkce (challenge, "S256", verifier));
  g_assert_false (qtr_oauth_verify_pkce (challenge, "S256",
                                         "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"));
  g_assert_false (qtr_oauth_verify_pkce (challenge, "S256", NULL));
  g_assert_false (qtr_oauth_verify_pkce (challenge, "S256", ""));
  /* The challenge itself is no verifier. */
  g_assert_false (qtr_oauth_verify_pkce (challenge, "S256", challenge));
  g_assert_false (qtr_oauth_verify_pkce (challenge, "S512", verifier));
  g_assert_false (qtr_oauth_verify_pkce (challenge, NULL, verifier));

  g_assert_true (qtr_oauth_verify_pkce (verifier, "plain", verifier));
  g_assert_false (qtr_oauth_verify_pkce (verifier, "plain", challenge));

  /* Verifiers: 43 to 128 unreserved characters. */
  {
    g_autofree char *short_one = g_strnfill (42, 'a');
    g_autofree char *shortest = g_strnfill (43, 'a');
    g_autofree char *longest = g_strnfill (128, 'a');
    g_autofree char *long_one = g_strnfill (129, 'a');
    g_autofree char *odd = g_strconcat (shortest, "+", NULL);

    g_assert_false (qtr_oauth_verify_pkce (short_one, "plain", short_one));
    g_assert_true (qtr_oauth_verify_pkce (shortest, "plain", shortest));
    g_assert_true (qtr_oauth_verify_pkce (longest, "plain", longest));
    g_assert_false (qtr_oauth_verify_pkce (long_one, "plain", long_one));
    g_assert_false (qtr_oauth_verify_pkce (odd, "plain", odd));
    g_assert_true (qtr_oauth_is_valid_challenge (challenge));
    g_assert_false (qtr_oauth_is_valid_challenge (short_one));
    g_assert_false (qtr_oauth_is_valid_challenge (NULL));
  }
}

static void
test_redirect_uris (void)
{
  /* Exact matches. */
  g_assert_true (qtr_oauth_redirect_uri_matches ("https://app.example/cb",
                                                 "https://app.example/cb"));
  g_assert_true (qtr_oauth_redirect_uri_matches (QTR_OAUTH_OOB, QTR_OAUTH_OOB));
  g_assert_true (qtr_oauth_redirect_uri_matches ("org.example.app:/oauth",
                                                 "org.example.app:/oauth"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("https://app.example/cb",
                                                  "https://app.example/cb/"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("https://app.example/cb",
                                                  "https://app.example:8443/cb"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("https://app.example/cb",
                                                  "https://app.example/cb?x=1"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("https://app.example/cb",
                                                  "https://evil.example/cb"));
  g_assert_false (qtr_oauth_redirect_uri_matches (QTR_OAUTH_OOB, "https://app.example/cb"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("https://app.example/cb", NULL));

  /* RFC 8252 §7.3: loopback URIs match whatever their port. */
  g_assert_true (qtr_oauth_redirect_uri_matches ("http://127.0.0.1/cb",
                                                 "http://127.0.0.1:51004/cb"));
  g_assert_true (qtr_oauth_redirect_uri_matches ("http://127.0.0.1:8000/cb",
                                                 "http://127.0.0.1:51004/cb"));
  g_assert_true (qtr_oauth_redirect_uri_matches ("http://[::1]:8000/cb", "http://[::1]:9/cb"));
  g_assert_true (qtr_oauth_redirect_uri_matches ("http://localhost/cb",
                                                 "http://localhost:40000/cb"));
  g_assert_true (qtr_oauth_redirect_uri_matches ("http://127.0.0.1:1/cb?app=1",
                                                 "http://127.0.0.1:2/cb?app=1"));
  /* …but only the port: path, query, host and scheme stay. */
  g_assert_false (qtr_oauth_redirect_uri_matches ("http://127.0.0.1:8000/cb",
                                                  "http://127.0.0.1:51004/other"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("http://127.0.0.1:1/cb?app=1",
                                                  "http://127.0.0.1:2/cb?app=2"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("http://127.0.0.1:8000/cb",
                                                  "http://localhost:8000/cb"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("http://127.0.0.1:8000/cb",
                                                  "https://127.0.0.1:8000/cb"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("http://127.0.0.1:8000/cb",
                                                  "http://127.0.0.2:8000/cb"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("http://127.0.0.1:8000/cb",
                                                  "http://user@127.0.0.1:9000/cb"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("http://127.0.0.1:8000/cb",
                                                  "http://127.0.0.1:9000/cb#frag"));
  /* Other hosts never get the loopback rule. */
  g_assert_false (qtr_oauth_redirect_uri_matches ("http://app.example:8000/cb",
                                                  "http://app.example:9000/cb"));
  g_assert_false (qtr_oauth_redirect_uri_matches ("https://localhost:8000/cb",
                                                  "https://localhost:9000/cb"));

  g_assert_true (qtr_oauth_is_valid_redirect_uri (QTR_OAUTH_OOB));
  g_assert_true (qtr_oauth_is_valid_redirect_uri ("https://app.example/cb"));
  g_assert_true (qtr_oauth_is_valid_redirect_uri ("org.example.app:/oauth"));
  g_assert_false (qtr_oauth_is_valid_redirect_uri ("/relative"));
  g_assert_false (qtr_oauth_is_valid_redirect_uri ("not a uri"));
  g_assert_false (qtr_oauth_is_valid_redirect_uri ("https://app.example/cb#x"));
  g_assert_false (qtr_oauth_is_valid_redirect_uri ("javascript:alert(1)"));
  g_assert_false (qtr_oauth_is_valid_redirect_uri ("data:text/html,x"));
}

static void
test_language (void)
{
  g_assert_cmpstr (qtr_node_l10n_pick_language (NULL, NULL), ==, "en");
  g_assert_cmpstr (qtr_node_l10n_pick_language (NULL, "es-ES,es;q=0.9"), ==, "es");
  g_assert_cmpstr (qtr_node_l10n_pick_language (NULL, "de, sv;q=0.5, es;q=0.4"), ==, "sv");
  g_assert_cmpstr (qtr_node_l10n_pick_language (NULL, "de, fr"), ==, "en");
  g_assert_cmpstr (qtr_node_l10n_pick_language (NULL, "en;q=0.9, es;q=1"), ==, "es");
  g_assert_cmpstr (qtr_node_l10n_pick_language (NULL, "esperanto, svenska"), ==, "en");
  g_assert_cmpstr (qtr_node_l10n_pick_language ("sv", "es"), ==, "sv");
  g_assert_cmpstr (qtr_node_l10n_pick_language ("None", "es"), ==, "es");

  /* The catalogues built from po/, found where bindtextdomain() points (main() binds the
   * build folder), whatever the process's own language. */
  g_assert_cmpstr (qtr_node_l10n_gettext ("es", "Commands:"), ==, "Órdenes:");
  g_assert_cmpstr (qtr_node_l10n_gettext ("sv", "Commands:"), ==, "Kommandon:");
  g_assert_cmpstr (qtr_node_l10n_gettext ("en", "Commands:"), ==, "Commands:");
  g_assert_cmpstr (qtr_node_l10n_gettext ("es", "No such string here"), ==,
                   "No such string here");
}

static void
test_rate_limiter_give_back (void)
{
  g_autoptr(QtrRateLimiter) limiter = qtr_rate_limiter_new (2);
  gint64 now = 1000 * G_USEC_PER_SEC;
  guint retry_after = 0;

  /* Attempts that succeed are given back: any number of them pass. */
  for (guint i = 0; i < 10; i++)
    {
      g_assert_true (qtr_rate_limiter_take (limiter, "a", now, &retry_after));
      qtr_rate_limiter_give_back (limiter, "a");
    }
  /* Failures are kept: the third within the minute waits. */
  g_assert_true (qtr_rate_limiter_take (limiter, "a", now, NULL));
  g_assert_true (qtr_rate_limiter_take (limiter, "a", now, NULL));
  g_assert_false (qtr_rate_limiter_take (limiter, "a", now, &retry_after));
  g_assert_cmpuint (retry_after, ==, 30);
  g_assert_true (qtr_rate_limiter_take (limiter, "b", now, NULL));
  /* Giving back never fills a bucket beyond its minute. */
  qtr_rate_limiter_give_back (limiter, "b");
  qtr_rate_limiter_give_back (limiter, "b");
  g_assert_true (qtr_rate_limiter_take (limiter, "b", now, NULL));
  g_assert_true (qtr_rate_limiter_take (limiter, "b", now, NULL));
  g_assert_false (qtr_rate_limiter_take (limiter, "b", now, NULL));
  qtr_rate_limiter_give_back (limiter, "unknown");
}

static void
test_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("quitter-test-oauth-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "node.db", NULL);
  g_autoptr(QtrNodeStore) store = qtr_node_store_open (path, &error);
  g_autoptr(QtrKey) key = qtr_key_generate (2048, &error);
  g_autoptr(QtrOAuthApp) found = NULL;
  g_autoptr(QtrOAuthCode) taken = NULL;
  g_autoptr(QtrOAuthToken) token = NULL;
  g_autofree char *password = NULL;
  QtrOAuthApp app = { .name = (char *) "App", .redirect_uris = (char *) QTR_OAUTH_OOB,
                      .scopes = (char *) "read", .client_id = (char *) "client",
                      .secret_hash = (char *) "hash" };
  QtrOAuthCode code = { .redirect_uri = (char *) QTR_OAUTH_OOB, .scopes = (char *) "read",
                        .challenge = (char *) "challenge", .challenge_method = (char *) "S256" };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 row;

  g_assert_no_error (error);
  g_assert_true (qtr_node_store_create_owner (store, "alice", "Alice", key, &error));

  password = qtr_node_store_get_password_hash (store, &error);
  g_assert_no_error (error);
  g_assert_null (password);
  g_assert_true (qtr_node_store_set_password_hash (store, "pbkdf2-sha256$1$a$b", &error));
  password = qtr_node_store_get_password_hash (store, &error);
  g_assert_cmpstr (password, ==, "pbkdf2-sha256$1$a$b");

  code.app_row = qtr_node_store_add_app (store, &app, &error);
  g_assert_no_error (error);
  g_assert_cmpint (code.app_row, >, 0);
  found = qtr_node_store_find_app (store, "client", &error);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->secret_hash, ==, "hash");
  g_assert_null (qtr_node_store_find_app (store, "nobody", &error));
  g_assert_no_error (error);

  /* A code serves once. */
  g_assert_true (qtr_node_store_add_code (store, "code-1", &code, now + 600, &error));
  taken = qtr_node_store_take_code (store, "code-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (taken);
  g_assert_cmpint (taken->app_row, ==, code.app_row);
  g_assert_cmpstr (taken->challenge, ==, "challenge");
  g_assert_cmpstr (taken->challenge_method, ==, "S256");
  g_assert_null (qtr_node_store_take_code (store, "code-1", &error));
  g_assert_no_error (error);

  /* An expired code serves never. */
  g_assert_true (qtr_node_store_add_code (store, "code-2", &code, now - 1, &error));
  g_assert_null (qtr_node_store_take_code (store, "code-2", &error));
  g_assert_no_error (error);

  /* Tokens; revoking is for the app that holds them. */
  row = qtr_node_store_add_token (store, "token-1", code.app_row, TRUE, "read write", &error);
  g_assert_cmpint (row, >, 0);
  g_assert_cmpint (qtr_node_store_add_token (store, "token-2", 0, TRUE, "read", &error), >, 0);
  token = qtr_node_store_find_token (store, "token-1", &error);
  g_assert_nonnull (token);
  g_assert_true (token->has_user);
  g_assert_cmpstr (token->scopes, ==, "read write");
  g_assert_true (qtr_node_store_revoke_token (store, "token-1", code.app_row + 1, &error));
  g_clear_pointer (&token, qtr_oauth_token_free);
  token = qtr_node_store_find_token (store, "token-1", &error);
  g_assert_nonnull (token);
  g_assert_true (qtr_node_store_revoke_token (store, "token-1", code.app_row, &error));
  g_clear_pointer (&token, qtr_oauth_token_free);
  g_assert_null (qtr_node_store_find_token (store, "token-1", &error));
  g_assert_no_error (error);
  token = qtr_node_store_find_token (store, "token-2", &error);
  g_assert_nonnull (token);
  g_assert_cmpint (token->app_row, ==, 0);

  g_clear_object (&store);
  qtr_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  bindtextdomain (GETTEXT_PACKAGE, TEST_LOCALEDIR);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/node/oauth/scopes/parse", test_scopes_parse);
  g_test_add_func ("/node/oauth/scopes/implied", test_scopes_implied);
  g_test_add_func ("/node/oauth/tokens", test_tokens);
  g_test_add_func ("/node/oauth/password", test_password);
  g_test_add_func ("/node/oauth/pkce", test_pkce);
  g_test_add_func ("/node/oauth/redirect-uris", test_redirect_uris);
  g_test_add_func ("/node/oauth/language", test_language);
  g_test_add_func ("/node/oauth/login-limit", test_rate_limiter_give_back);
  g_test_add_func ("/node/oauth/store", test_store);

  return g_test_run ();
}
