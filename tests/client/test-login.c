/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "qtr-account-store.h"
#include "qtr-api-error.h"
#include "qtr-client-test.h"
#include "qtr-login.h"
#include "qtr-test-util.h"

/* Logging in, keeping and forgetting accounts: the client against a loopback server that
 * implements Mastodon's OAuth endpoints the way they are documented (PKCE S256 checked), the
 * test playing the browser, and the test session's real keyring. */

typedef struct {
  QtrTestServer *server;
  QtrApiClient  *client;
  char          *registered_redirect_uri;
  char          *registered_scopes;
  GHashTable    *challenges;  /* code → the challenge the browser's authorization carried */
  GHashTable    *tokens;      /* token issued → "live" or "revoked" */
  guint          next;
} Fixture;

#define CLIENT_ID "mastodon-client-id-7f3a"
#define CLIENT_SECRET "mastodon-client-secret-c0ffee"

static GHashTable *
read_form (SoupServerMessage *message)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return soup_form_decode (text);
}

static void
apps_cb (SoupServer        *server,
         SoupServerMessage *message,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GHashTable) form = read_form (message);
  g_autofree char *json = NULL;

  g_assert_cmpstr (g_hash_table_lookup (form, "client_name"), ==, "Quitter");
  g_assert_cmpstr (g_hash_table_lookup (form, "website"), ==, APP_WEBSITE);
  g_free (fixture->registered_redirect_uri);
  fixture->registered_redirect_uri = g_strdup (g_hash_table_lookup (form, "redirect_uris"));
  g_free (fixture->registered_scopes);
  fixture->registered_scopes = g_strdup (g_hash_table_lookup (form, "scopes"));
  json = g_strdup_printf ("{\"id\":\"563419\",\"name\":\"Quitter\",\"website\":\"%s\","
                          "\"scopes\":[\"read\",\"write\",\"follow\",\"push\"],"
                          "\"redirect_uri\":\"%s\",\"redirect_uris\":[\"%s\"],"
                          "\"client_id\":\"" CLIENT_ID "\","
                          "\"client_secret\":\"" CLIENT_SECRET "\","
                          "\"client_secret_expires_at\":0}",
                          APP_WEBSITE, fixture->registered_redirect_uri,
                          fixture->registered_redirect_uri);
  qtr_test_reply_json (message, 200, json);
}

/* The server's own S256, written apart from the client's. */
static char *
s256 (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  GString *text;
  g_autofree char *base64 = NULL;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  base64 = g_base64_encode (digest, length);
  text = g_string_new (NULL);
  for (const char *p = base64; *p != '\0' && *p != '='; p++)
    g_string_append_c (text, *p == '+' ? '-' : *p == '/' ? '_' : *p);
  return g_string_free (text, FALSE);
}

static gboolean
is_pkce_verifier (const char *verifier)
{
  gsize length = verifier ? strlen (verifier) : 0;

  if (length < 43 || length > 128)
    return FALSE;
  for (const char *p = verifier; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
token_cb (SoupServer        *server,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GHashTable) form = read_form (message);
  const char *code = g_hash_table_lookup (form, "code");
  const char *verifier = g_hash_table_lookup (form, "code_verifier");
  const char *challenge = code ? g_hash_table_lookup (fixture->challenges, code) : NULL;
  g_autofree char *computed = verifier ? s256 (verifier) : NULL;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;

  if (g_strcmp0 (g_hash_table_lookup (form, "grant_type"), "authorization_code") != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "client_id"), CLIENT_ID) != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "client_secret"), CLIENT_SECRET) != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"),
                 fixture->registered_redirect_uri) != 0 ||
      challenge == NULL || !is_pkce_verifier (verifier) || g_strcmp0 (computed, challenge) != 0)
    {
      qtr_test_reply_json (message, 400,
                           "{\"error\":\"invalid_grant\",\"error_description\":\"The provided "
                           "authorization grant is invalid, expired, revoked, does not match the "
                           "redirection URI used in the authorization request, or was issued to "
                           "another client.\"}");
      return;
    }

  /* A code works once. */
  g_hash_table_remove (fixture->challenges, code);
  token = g_strdup_printf ("ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0-%u", ++fixture->next);
  g_hash_table_insert (fixture->tokens, g_strdup (token), (gpointer) "live");
  json = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"Bearer\","
                          "\"scope\":\"read write follow push\",\"created_at\":1730300000}",
                          token);
  qtr_test_reply_json (message, 200, json);
}

static void
verify_credentials_cb (SoupServer        *server,
                       SoupServerMessage *message,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *authorization = soup_message_headers_get_one (
    soup_server_message_get_request_headers (message), "Authorization");
  const char *state = NULL;
  g_autoptr(GBytes) account = NULL;

  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer "))
    state = g_hash_table_lookup (fixture->tokens, authorization + strlen ("Bearer "));
  if (g_strcmp0 (state, "live") != 0)
    {
      qtr_test_reply_json (message, 401, "{\"error\":\"The access token is invalid\"}");
      return;
    }
  account = qtr_test_load_data ("client/mastodon", "account.json");
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (account, NULL),
                                    g_bytes_get_size (account));
}

static void
revoke_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GHashTable) form = read_form (message);
  const char *token = g_hash_table_lookup (form, "token");

  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), CLIENT_ID) != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "client_secret"), CLIENT_SECRET) != 0)
    {
      qtr_test_reply_json (message, 403, "{\"error\":\"unauthorized_client\"}");
      return;
    }
  if (token != NULL && g_hash_table_contains (fixture->tokens, token))
    g_hash_table_insert (fixture->tokens, g_strdup (token), (gpointer) "revoked");
  qtr_test_reply_json (message, 200, "{}");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = qtr_test_server_new ();
  fixture->challenges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fixture->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  qtr_test_server_add (fixture->server, "/api/v1/apps", apps_cb, fixture);
  qtr_test_server_add (fixture->server, "/oauth/token", token_cb, fixture);
  qtr_test_server_add (fixture->server, "/oauth/revoke", revoke_cb, fixture);
  qtr_test_server_add (fixture->server, "/api/v1/accounts/verify_credentials",
                       verify_credentials_cb, fixture);
  fixture->client = qtr_api_client_new (fixture->server->base, NULL, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->client));
  qtr_test_server_free (fixture->server);
  g_hash_table_unref (fixture->challenges);
  g_hash_table_unref (fixture->tokens);
  g_free (fixture->registered_redirect_uri);
  g_free (fixture->registered_scopes);
}

/* Begins a login; returns the authorize URL's query. */
static GHashTable *
begin (Fixture  *fixture,
       QtrLogin *login)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *prefix = g_strconcat (fixture->server->base, "/oauth/authorize?", NULL);
  GHashTable *params;

  qtr_login_begin_async (login, NULL, qtr_test_result_cb, &result);
  url = qtr_login_begin_finish (login, qtr_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, prefix));
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "read write follow push");
  g_assert_cmpstr (fixture->registered_scopes, ==, "read write follow push");
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==,
                   fixture->registered_redirect_uri);
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==,
                   qtr_login_get_redirect_uri (login));
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "code_challenge")), ==, 43);
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "state")), >=, 32);
  return params;
}

/* The user approves in the browser: the server issues a code bound to the challenge. */
static char *
approve (Fixture    *fixture,
         GHashTable *params)
{
  char *code = g_strdup_printf ("auth-code-%u", ++fixture->next);

  g_hash_table_insert (fixture->challenges, g_strdup (code),
                       g_strdup (g_hash_table_lookup (params, "code_challenge")));
  return code;
}

/* The browser follows the redirect; returns the status of the page it gets, or 0 when it
 * cannot connect. */
static guint
browse (const char *redirect_uri,
        const char *query,
        char      **page)
{
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autofree char *url = g_strconcat (redirect_uri, "?", query, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_session_send_and_read_async (browser, message, G_PRIORITY_DEFAULT, NULL,
                                    qtr_test_result_cb, &result);
  body = soup_session_send_and_read_finish (browser, qtr_test_wait (&result), &error);
  if (body == NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
      return 0;
    }
  if (page != NULL)
    *page = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_message_get_status (message);
}

static char *
redirect_query (const char *code,
                const char *state)
{
  g_autofree char *escaped_code = g_uri_escape_string (code, NULL, FALSE);
  g_autofree char *escaped_state = g_uri_escape_string (state, NULL, FALSE);

  return g_strdup_printf ("code=%s&state=%s", escaped_code, escaped_state);
}

static void
spin (guint iterations)
{
  for (guint i = 0; i < iterations; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Whether @needle is in any file under @dir. */
static gboolean
found_in_files (const char *dir,
                const char *needle)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (found_in_files (path, needle))
            return TRUE;
          continue;
        }
      if (g_file_get_contents (path, &contents, &length, NULL) &&
          g_strstr_len (contents, length, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static char *
lookup_secret (const char *handle)
{
  static const SecretSchema schema = {
    APP_ID, SECRET_SCHEMA_DONT_MATCH_NAME,
    { { "handle", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (&schema, NULL, &error, "handle", handle, NULL);

  g_assert_no_error (error);
  return secret;
}

static void
test_loopback (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(QtrLogin) login = qtr_login_new (fixture->client, QTR_LOGIN_REDIRECT_LOOPBACK);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(QtrAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *right = NULL;
  g_autofree char *page = NULL;
  g_autofree char *refused_page = NULL;
  g_autofree char *redirect_uri = NULL;

  params = begin (fixture, login);
  redirect_uri = g_strdup (qtr_login_get_redirect_uri (login));
  g_assert_true (g_str_has_prefix (redirect_uri, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (redirect_uri, "/callback"));

  qtr_login_complete_async (login, NULL, NULL, qtr_test_result_cb, &result);
  code = approve (fixture, params);

  /* A redirect with another state is refused, and the login goes on waiting. */
  wrong = redirect_query (code, "forged-state-0123456789abcdef0123456789");
  g_assert_cmpuint (browse (redirect_uri, wrong, &refused_page), ==, 400);
  g_assert_nonnull (strstr (refused_page, "does not belong to the sign-in"));
  spin (50);
  g_assert_null (result);
  g_assert_cmpuint (g_hash_table_size (fixture->tokens), ==, 0);

  right = redirect_query (code, g_hash_table_lookup (params, "state"));
  g_assert_cmpuint (browse (redirect_uri, right, &page), ==, 200);
  g_assert_nonnull (strstr (page, "You can close this tab"));

  credentials = qtr_login_complete_finish (login, qtr_test_wait (&result), &account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (credentials->server, ==, fixture->server->base);
  g_assert_cmpstr (credentials->client_id, ==, CLIENT_ID);
  g_assert_cmpstr (credentials->client_secret, ==, CLIENT_SECRET);
  g_assert_cmpstr (g_hash_table_lookup (fixture->tokens, credentials->access_token), ==, "live");
  g_assert_cmpstr (qtr_account_get_username (account), ==, "alice");

  /* The one-shot server has stopped. */
  spin (20);
  g_assert_cmpuint (browse (redirect_uri, right, NULL), ==, 0);
}

static void
test_wrong_verifier (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(QtrLogin) login = qtr_login_new (fixture->client, QTR_LOGIN_REDIRECT_LOOPBACK);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *query = NULL;
  g_autofree char *other_verifier = qtr_pkce_new_verifier ();

  params = begin (fixture, login);
  code = approve (fixture, params);
  /* The code was issued for another client's challenge (an intercepted code): this client's
   * verifier does not match it, and the server refuses the exchange. */
  g_hash_table_insert (fixture->challenges, g_strdup (code), s256 (other_verifier));

  query = redirect_query (code, g_hash_table_lookup (params, "state"));
  g_assert_cmpuint (browse (qtr_login_get_redirect_uri (login), query, NULL), ==, 200);
  qtr_login_complete_async (login, NULL, NULL, qtr_test_result_cb, &result);
  credentials = qtr_login_complete_finish (login, qtr_test_wait (&result), NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "invalid_grant"));
  g_assert_cmpuint (g_hash_table_size (fixture->tokens), ==, 0);
}

static void
test_denied (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(QtrLogin) login = qtr_login_new (fixture->client, QTR_LOGIN_REDIRECT_LOOPBACK);
  g_autoptr(GHashTable) params = begin (fixture, login);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *query = NULL;
  g_autofree char *state = g_uri_escape_string (g_hash_table_lookup (params, "state"), NULL,
                                                FALSE);

  qtr_login_complete_async (login, NULL, NULL, qtr_test_result_cb, &result);
  query = g_strdup_printf ("error=access_denied&error_description=The+resource+owner+denied"
                           "&state=%s", state);
  g_assert_cmpuint (browse (qtr_login_get_redirect_uri (login), query, NULL), ==, 200);
  credentials = qtr_login_complete_finish (login, qtr_test_wait (&result), NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_FORBIDDEN);
  g_assert_cmpstr (error->message, ==,
                   "The server did not authorize Quitter: access_denied: The resource owner "
                   "denied");
}

static void
test_cancel_waiting (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(QtrLogin) login = qtr_login_new (fixture->client, QTR_LOGIN_REDIRECT_LOOPBACK);
  g_autoptr(GHashTable) params = begin (fixture, login);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *redirect_uri = g_strdup (qtr_login_get_redirect_uri (login));

  qtr_login_complete_async (login, NULL, cancellable, qtr_test_result_cb, &result);
  spin (10);
  g_cancellable_cancel (cancellable);
  g_assert_null (qtr_login_complete_finish (login, qtr_test_wait (&result), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (browse (redirect_uri, "code=x&state=y", NULL), ==, 0);
  g_clear_object (&result);
  g_assert_finalize_object (g_steal_pointer (&login));
}

static void
test_oob (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(QtrLogin) login = qtr_login_new (fixture->client, QTR_LOGIN_REDIRECT_OOB);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) empty_result = NULL;
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(QtrCredentials) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) empty_error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *pasted = NULL;

  params = begin (fixture, login);
  g_assert_cmpstr (fixture->registered_redirect_uri, ==, "urn:ietf:wg:oauth:2.0:oob");
  code = approve (fixture, params);

  qtr_login_complete_async (login, "  \n", NULL, qtr_test_result_cb, &empty_result);
  none = qtr_login_complete_finish (login, qtr_test_wait (&empty_result), NULL, &empty_error);
  g_assert_error (empty_error, QTR_API_ERROR, QTR_API_ERROR_BAD_REQUEST);

  /* Pasted with the spaces a copy from a web page brings along. */
  pasted = g_strdup_printf (" %s\n", code);
  qtr_login_complete_async (login, pasted, NULL, qtr_test_result_cb, &result);
  credentials = qtr_login_complete_finish (login, qtr_test_wait (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (fixture->tokens, credentials->access_token), ==, "live");
}

static void
test_pkce (void)
{
  g_autofree char *verifier = qtr_pkce_new_verifier ();
  g_autofree char *another = qtr_pkce_new_verifier ();
  g_autofree char *challenge = NULL;

  g_assert_true (is_pkce_verifier (verifier));
  g_assert_cmpstr (verifier, !=, another);
  /* RFC 7636, appendix B. */
  challenge = qtr_pkce_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

/* Logs in through the loopback redirect and returns the credentials and the account. */
static QtrCredentials *
log_in (Fixture     *fixture,
        QtrAccount **account)
{
  g_autoptr(QtrLogin) login = qtr_login_new (fixture->client, QTR_LOGIN_REDIRECT_LOOPBACK);
  g_autoptr(GHashTable) params = begin (fixture, login);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = approve (fixture, params);
  g_autofree char *query = redirect_query (code, g_hash_table_lookup (params, "state"));
  QtrCredentials *credentials;

  g_assert_cmpuint (browse (qtr_login_get_redirect_uri (login), query, NULL), ==, 200);
  qtr_login_complete_async (login, NULL, NULL, qtr_test_result_cb, &result);
  credentials = qtr_login_complete_finish (login, qtr_test_wait (&result), account, &error);
  g_assert_no_error (error);
  return credentials;
}

static void
test_keyring (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(QtrAccount) account = NULL;
  g_autoptr(QtrCredentials) credentials = log_in (fixture, &account);
  g_autoptr(QtrStoredAccount) stored = qtr_stored_account_new_for (fixture->server->base,
                                                                    "mastodon.example", account);
  g_autoptr(QtrAccountStore) store = NULL;
  g_autoptr(QtrAccountStore) reopened = NULL;
  g_autoptr(QtrCredentials) loaded = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) load_result = NULL;
  g_autoptr(GAsyncResult) logged_out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *list = NULL;
  g_autofree char *token = g_strdup (credentials->access_token);
  gboolean revoked = FALSE;
  const char *dirs[] = {
    g_get_user_data_dir (), g_get_user_config_dir (), g_get_user_cache_dir (),
    g_get_user_state_dir (), g_get_home_dir (), g_get_user_runtime_dir (),
  };

  g_assert_cmpstr (stored->handle, ==, "@alice@mastodon.example");
  store = qtr_account_store_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (qtr_account_store_get_path (store), g_get_user_data_dir ()));
  qtr_account_store_save_async (store, stored, credentials, NULL, qtr_test_result_cb, &saved);
  g_assert_true (qtr_account_store_save_finish (store, qtr_test_wait (&saved), &error));
  g_assert_no_error (error);

  /* The secrets are in the keyring… */
  secret = lookup_secret ("@alice@mastodon.example");
  g_assert_nonnull (secret);
  g_assert_nonnull (strstr (secret, token));
  g_assert_nonnull (strstr (secret, CLIENT_SECRET));

  /* …and in no file: the list has the account and nothing secret. */
  g_assert_true (g_file_get_contents (qtr_account_store_get_path (store), &list, NULL, NULL));
  g_assert_nonnull (strstr (list, "@alice@mastodon.example"));
  g_assert_nonnull (strstr (list, "Alice 🌻"));
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_assert_false (found_in_files (dirs[i], token));
      g_assert_false (found_in_files (dirs[i], CLIENT_SECRET));
    }

  /* At the next start the list is read back and the secrets come from the keyring. */
  reopened = qtr_account_store_new (NULL, &error);
  g_assert_no_error (error);
  accounts = qtr_account_store_list (reopened);
  g_assert_cmpuint (accounts->len, ==, 1);
  g_assert_cmpstr (((QtrStoredAccount *) accounts->pdata[0])->account_id, ==, "109302");
  g_assert_cmpstr (((QtrStoredAccount *) accounts->pdata[0])->server, ==, fixture->server->base);
  g_assert_cmpstr (qtr_account_store_get_active (reopened), ==, "@alice@mastodon.example");
  qtr_account_store_load_credentials_async (reopened, "@alice@mastodon.example", NULL,
                                            qtr_test_result_cb, &load_result);
  loaded = qtr_account_store_load_credentials_finish (reopened, qtr_test_wait (&load_result),
                                                      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->access_token, ==, token);
  g_assert_cmpstr (loaded->client_id, ==, CLIENT_ID);
  g_assert_cmpstr (loaded->client_secret, ==, CLIENT_SECRET);
  g_assert_cmpstr (loaded->server, ==, fixture->server->base);

  /* Logging out revokes the token on the server and forgets it here. */
  qtr_account_store_log_out_async (reopened, "@alice@mastodon.example", NULL, NULL,
                                   qtr_test_result_cb, &logged_out);
  g_assert_true (qtr_account_store_log_out_finish (reopened, qtr_test_wait (&logged_out),
                                                   &revoked, &error));
  g_assert_no_error (error);
  g_assert_true (revoked);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "POST /oauth/revoke"), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (fixture->tokens, token), ==, "revoked");
  g_clear_pointer (&secret, g_free);
  secret = lookup_secret ("@alice@mastodon.example");
  g_assert_null (secret);
  g_assert_null (qtr_account_store_lookup (reopened, "@alice@mastodon.example"));
  g_assert_null (qtr_account_store_get_active (reopened));
  g_clear_pointer (&list, g_free);
  g_assert_true (g_file_get_contents (qtr_account_store_get_path (store), &list, NULL, NULL));
  g_assert_null (strstr (list, "@alice@mastodon.example"));
}

static void
test_missing_secret (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "quitter", "accounts.ini",
                                            NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(QtrAccountStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = g_strdup_printf (
    "[accounts]\nactive=@bob@gone.example\n\n"
    "[account @bob@gone.example]\nserver=%s\naccount-id=77\nhandle=@bob@gone.example\n"
    "display-name=Bob\n\n[account broken]\nserver=x\n", fixture->server->base);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  store = qtr_account_store_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (qtr_account_store_lookup (store, "@bob@gone.example"));

  /* The keyring lost the token (or it was cleared by hand): an error to act on, and the
   * account is still there. */
  qtr_account_store_load_credentials_async (store, "@bob@gone.example", NULL,
                                            qtr_test_result_cb, &result);
  credentials = qtr_account_store_load_credentials_finish (store, qtr_test_wait (&result),
                                                           &error);
  g_assert_null (credentials);
  g_assert_error (error, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_NO_SECRET);
  g_assert_cmpstr (error->message, ==,
                   "The keyring has no token for @bob@gone.example: log in to it again");
  g_assert_nonnull (qtr_account_store_lookup (store, "@bob@gone.example"));
  g_assert_cmpstr (qtr_account_store_get_active (store), ==, "@bob@gone.example");

  /* The incomplete entry was skipped; an unknown account cannot become the active one. */
  accounts = qtr_account_store_list (store);
  g_assert_cmpuint (accounts->len, ==, 1);
  g_clear_error (&error);
  g_assert_false (qtr_account_store_set_active (store, "@nobody@gone.example", &error));
  g_assert_error (error, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_UNKNOWN_ACCOUNT);
  g_assert_cmpstr (qtr_account_store_get_active (store), ==, "@bob@gone.example");
}

static void
test_no_keyring (Fixture       *fixture,
                 gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(QtrCredentials) credentials = qtr_credentials_new (fixture->server->base, "id",
                                                                   "secret", "token");
      g_autoptr(QtrStoredAccount) account = qtr_stored_account_new (fixture->server->base, "1",
                                                                    "@a@b.example", "A");
      g_autoptr(QtrAccountStore) store = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *socket = g_build_filename (g_get_user_runtime_dir (), "no-bus", NULL);
      g_autofree char *address = g_strconcat ("unix:path=", socket, NULL);

      /* No D-Bus session bus, so no Secret Service. */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      store = qtr_account_store_new (NULL, &error);
      g_assert_no_error (error);
      qtr_account_store_save_async (store, account, credentials, NULL, qtr_test_result_cb,
                                    &result);
      g_assert_false (qtr_account_store_save_finish (store, qtr_test_wait (&result), &error));
      g_assert_error (error, QTR_ACCOUNT_STORE_ERROR,
                      QTR_ACCOUNT_STORE_ERROR_KEYRING_UNAVAILABLE);
      g_assert_nonnull (strstr (error->message, "start a Secret Service"));
      g_assert_null (qtr_account_store_lookup (store, "@a@b.example"));
      g_assert_false (g_file_test (qtr_account_store_get_path (store), G_FILE_TEST_EXISTS));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  qtr_client_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/client/login/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("loopback", test_loopback);
  ADD ("wrong-verifier", test_wrong_verifier);
  ADD ("denied", test_denied);
  ADD ("cancel-waiting", test_cancel_waiting);
  ADD ("oob", test_oob);
  ADD ("keyring", test_keyring);
  ADD ("missing-secret", test_missing_secret);
  ADD ("no-keyring", test_no_keyring);
#undef ADD
  g_test_add_func ("/client/login/pkce", test_pkce);

  return g_test_run ();
}
