/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-login.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libsoup/soup.h>

#include "qtr-api-error.h"
#include "qtr-json.h"

/* QtrLogin: logging in to a server with OAuth 2.0, as a native app does (RFC 8252).
 *
 * 1. begin: for the loopback redirect, a SoupServer starts on 127.0.0.1 on a port the system
 *    picks, and its URL is the redirect URI; Quitter registers itself with that URI
 *    (`POST /api/v1/apps`), then makes the authorize URL, with a PKCE S256 challenge (RFC 7636)
 *    and a random state. The app opens that URL in the browser.
 * 2. The user approves; the browser comes back to the loopback server with the code and the
 *    state. An answer whose state is not ours is refused and the login goes on waiting; the
 *    right one gets a page saying the tab may be closed, and the server stops. With the
 *    out-of-band redirect the server shows the code instead, and the user pastes it.
 * 3. complete: the code and the PKCE verifier are exchanged for a token (`POST /oauth/token`),
 *    and the token is checked by fetching the account (`verify_credentials`).
 *
 * The verifier and the state come from GnuTLS's random generator (GnuTLS is a dependency of
 * this library for that). Nothing here logs a code, a secret or a token. */

#define CLIENT_NAME "Quitter"
#define CALLBACK_PATH "/callback"
/* 64 random bytes make a verifier of 86 characters: RFC 7636 wants 43 to 128. */
#define VERIFIER_BYTES 64
#define STATE_BYTES 32

G_DEFINE_BOXED_TYPE (QtrCredentials, qtr_credentials, qtr_credentials_copy,
                     qtr_credentials_free)

struct _QtrLogin
{
  GObject           parent_instance;

  QtrApiClient     *client;
  QtrLoginRedirect  redirect;
  char             *redirect_uri;
  char             *state;
  char             *verifier;
  char             *client_id;
  char             *client_secret;
  gboolean          begun;

  SoupServer       *receiver;     /* the loopback redirect's, while it waits */
  gboolean          received;     /* the browser came back with the right state */
  char             *code;         /* from the browser, until complete uses it */
  GError           *refusal;      /* the server's `error=` sent through the browser */
  GTask            *waiting;      /* a complete that waits for the browser */
  GSource          *waiting_cancelled_source;
};

G_DEFINE_FINAL_TYPE (QtrLogin, qtr_login, G_TYPE_OBJECT)

/**
 * qtr_credentials_new:
 *
 * Returns: (transfer full): new credentials
 */
QtrCredentials *
qtr_credentials_new (const char *server,
                     const char *client_id,
                     const char *client_secret,
                     const char *access_token)
{
  QtrCredentials *credentials = g_new0 (QtrCredentials, 1);

  credentials->server = g_strdup (server);
  credentials->client_id = g_strdup (client_id);
  credentials->client_secret = g_strdup (client_secret);
  credentials->access_token = g_strdup (access_token);
  return credentials;
}

QtrCredentials *
qtr_credentials_copy (const QtrCredentials *credentials)
{
  return qtr_credentials_new (credentials->server, credentials->client_id,
                              credentials->client_secret, credentials->access_token);
}

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;
  memset (secret, 0, strlen (secret));
  g_free (secret);
}

void
qtr_credentials_free (QtrCredentials *credentials)
{
  if (credentials == NULL)
    return;
  g_free (credentials->server);
  g_free (credentials->client_id);
  free_secret (credentials->client_secret);
  free_secret (credentials->access_token);
  g_free (credentials);
}

/* base64url without padding (RFC 4648 §5), as PKCE and our state use it. */
static char *
encode_base64url (const guint8 *data,
                  gsize         length)
{
  char *text = g_base64_encode (data, length);

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return text;
}

static char *
new_random_text (gsize bytes)
{
  g_autofree guint8 *data = g_malloc (bytes);
  char *text;

  if (gnutls_rnd (GNUTLS_RND_KEY, data, bytes) < 0)
    g_error ("GnuTLS could not produce random bytes");
  text = encode_base64url (data, bytes);
  memset (data, 0, bytes);
  return text;
}

/**
 * qtr_pkce_new_verifier:
 *
 * Returns: (transfer full): a new PKCE code verifier: 86 characters from 64 random bytes
 */
char *
qtr_pkce_new_verifier (void)
{
  return new_random_text (VERIFIER_BYTES);
}

/**
 * qtr_pkce_challenge:
 *
 * Returns: (transfer full): the S256 challenge of @verifier: base64url (SHA-256 (@verifier))
 */
char *
qtr_pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  return encode_base64url (digest, length);
}

static gboolean
equal_in_constant_time (const char *a,
                        const char *b)
{
  gsize length = strlen (a);
  guint8 difference = 0;

  if (length != strlen (b))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    difference |= (guint8) (a[i] ^ b[i]);
  return difference == 0;
}

static void
stop_receiver (QtrLogin *self)
{
  if (self->receiver == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->receiver, self);
  soup_server_disconnect (self->receiver);
  g_clear_object (&self->receiver);
}

static gboolean
stop_receiver_cb (gpointer user_data)
{
  stop_receiver (user_data);
  return G_SOURCE_REMOVE;
}

static void
answer_browser (SoupServerMessage *message,
                guint              status,
                const char        *title,
                const char        *text)
{
  g_autofree char *title_html = g_markup_escape_text (title, -1);
  g_autofree char *text_html = g_markup_escape_text (text, -1);
  g_autofree char *page = g_strdup_printf (
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>"
    "<style>body{font-family:sans-serif;max-width:32em;margin:4em auto;padding:0 1em}</style>"
    "</head><body><h1>%s</h1><p>%s</p></body></html>\n", title_html, title_html, text_html);

  soup_server_message_set_status (message, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Cache-Control", "no-store");
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Referrer-Policy", "no-referrer");
  soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

static void exchange_code (QtrLogin   *self,
                           GTask      *task,
                           const char *code);

/* Hands what the browser brought to the complete call that waits for it, if there is one. */
static void
deliver_to_waiting (QtrLogin *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->waiting);
  char *code;

  if (task == NULL)
    return;
  if (self->waiting_cancelled_source != NULL)
    {
      g_source_destroy (self->waiting_cancelled_source);
      g_clear_pointer (&self->waiting_cancelled_source, g_source_unref);
    }
  if (self->refusal != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&self->refusal));
      return;
    }
  code = g_steal_pointer (&self->code);
  exchange_code (self, task, code);
  free_secret (code);
}

static void
receiver_request_finished_cb (SoupServer        *server,
                              SoupServerMessage *message,
                              gpointer           user_data)
{
  QtrLogin *self = user_data;

  /* Once the page is sent, the one-shot server is done. */
  if (self->received)
    g_idle_add_full (G_PRIORITY_DEFAULT, stop_receiver_cb, g_object_ref (self), g_object_unref);
}

static void
receiver_cb (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  QtrLogin *self = user_data;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query ? g_hash_table_lookup (query, "code") : NULL;
  const char *error = query ? g_hash_table_lookup (query, "error") : NULL;

  if (g_strcmp0 (soup_server_message_get_method (message), "GET") != 0 ||
      g_strcmp0 (path, CALLBACK_PATH) != 0)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (self->received)
    {
      answer_browser (message, SOUP_STATUS_GONE, _("Already signed in"),
                      _("This sign-in is complete. You can close this tab."));
      return;
    }
  if (state == NULL || !equal_in_constant_time (state, self->state))
    {
      /* Not the answer to our request (an old tab, or someone else's link): the real one may
       * still come. */
      g_debug ("Refused a redirect whose state is not this login's");
      answer_browser (message, SOUP_STATUS_BAD_REQUEST, _("Sign-in link not recognised"),
                      _("This link does not belong to the sign-in that Quitter is waiting "
                        "for. Start signing in again from Quitter."));
      return;
    }
  if (error != NULL)
    {
      const char *description = g_hash_table_lookup (query, "error_description");

      self->received = TRUE;
      self->refusal = g_error_new (QTR_API_ERROR, QTR_API_ERROR_FORBIDDEN,
                                   "The server did not authorize Quitter: %s%s%s", error,
                                   description ? ": " : "", description ? description : "");
      answer_browser (message, SOUP_STATUS_OK, _("Sign-in cancelled"),
                      _("Quitter was not authorized. You can close this tab."));
      deliver_to_waiting (self);
      return;
    }
  if (code == NULL || *code == '\0')
    {
      answer_browser (message, SOUP_STATUS_BAD_REQUEST, _("Sign-in link not recognised"),
                      _("The server sent no authorization code. Start signing in again from "
                        "Quitter."));
      return;
    }

  self->received = TRUE;
  self->code = g_strdup (code);
  answer_browser (message, SOUP_STATUS_OK, _("Signed in to Quitter"),
                  _("You can close this tab and go back to Quitter."));
  deliver_to_waiting (self);
}

static gboolean
start_receiver (QtrLogin  *self,
                GError   **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSList *uris;

  self->receiver = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->receiver, NULL, receiver_cb, self, NULL);
  g_signal_connect (self->receiver, "request-finished",
                    G_CALLBACK (receiver_request_finished_cb), self);
  if (!soup_server_listen (self->receiver, address, 0, error))
    {
      g_prefix_error (error, "Could not listen on 127.0.0.1 for the browser's return: ");
      g_clear_object (&self->receiver);
      return FALSE;
    }
  uris = soup_server_get_uris (self->receiver);
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d" CALLBACK_PATH,
                                        g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

static char *
build_authorize_url (QtrLogin *self)
{
  g_autofree char *challenge = qtr_pkce_challenge (self->verifier);
  const char *pairs[] = {
    "response_type", "code",
    "client_id", self->client_id,
    "redirect_uri", self->redirect_uri,
    "scope", QTR_LOGIN_SCOPES,
    "state", self->state,
    "code_challenge", challenge,
    "code_challenge_method", "S256",
    NULL
  };
  GString *url = g_string_new (qtr_api_client_get_base_url (self->client));

  g_string_append (url, "/oauth/authorize");
  for (guint i = 0; pairs[i] != NULL; i += 2)
    {
      g_autofree char *value = g_uri_escape_string (pairs[i + 1], NULL, FALSE);

      g_string_append_printf (url, "%c%s=%s", i == 0 ? '?' : '&', pairs[i], value);
    }
  return g_string_free (url, FALSE);
}

static void
app_registered_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrLogin *self = g_task_get_source_object (task);
  g_autoptr(QtrApiResponse) response = NULL;
  GError *error = NULL;
  JsonObject *app;
  const char *client_id;
  const char *client_secret;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  app = response ? qtr_api_response_get_object (response, &error) : NULL;
  if (app == NULL)
    {
      stop_receiver (self);
      g_prefix_error (&error, "Could not register Quitter with the server: ");
      g_task_return_error (task, error);
      return;
    }
  client_id = qtr_json_get_string (app, "client_id");
  client_secret = qtr_json_get_string (app, "client_secret");
  if (client_id == NULL || *client_id == '\0' || client_secret == NULL || *client_secret == '\0')
    {
      stop_receiver (self);
      g_task_return_new_error (task, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                               "The server registered Quitter without giving a client_id and "
                               "a client_secret");
      return;
    }
  self->client_id = g_strdup (client_id);
  self->client_secret = g_strdup (client_secret);
  g_task_return_pointer (task, build_authorize_url (self), g_free);
}

static void
qtr_login_dispose (GObject *object)
{
  QtrLogin *self = QTR_LOGIN (object);

  stop_receiver (self);
  if (self->waiting_cancelled_source != NULL)
    {
      g_source_destroy (self->waiting_cancelled_source);
      g_clear_pointer (&self->waiting_cancelled_source, g_source_unref);
    }
  g_clear_object (&self->client);

  G_OBJECT_CLASS (qtr_login_parent_class)->dispose (object);
}

static void
qtr_login_finalize (GObject *object)
{
  QtrLogin *self = QTR_LOGIN (object);

  g_free (self->redirect_uri);
  free_secret (self->state);
  free_secret (self->verifier);
  g_free (self->client_id);
  free_secret (self->client_secret);
  free_secret (self->code);
  g_clear_error (&self->refusal);

  G_OBJECT_CLASS (qtr_login_parent_class)->finalize (object);
}

static void
qtr_login_class_init (QtrLoginClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_login_dispose;
  object_class->finalize = qtr_login_finalize;
}

static void
qtr_login_init (QtrLogin *self)
{
}

/**
 * qtr_login_new:
 * @client: a client for the server, without a token
 * @redirect: how the code is to come back
 *
 * Returns: (transfer full): a login, to begin
 */
QtrLogin *
qtr_login_new (QtrApiClient     *client,
               QtrLoginRedirect  redirect)
{
  QtrLogin *self;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);

  self = g_object_new (QTR_TYPE_LOGIN, NULL);
  self->client = g_object_ref (client);
  self->redirect = redirect;
  return self;
}

/**
 * qtr_login_get_redirect_uri:
 *
 * Returns: (nullable): the redirect URI registered with the server, once begun
 */
const char *
qtr_login_get_redirect_uri (QtrLogin *self)
{
  g_return_val_if_fail (QTR_IS_LOGIN (self), NULL);

  return self->redirect_uri;
}

/**
 * qtr_login_begin_async:
 *
 * Registers Quitter with the server (and, for the loopback redirect, starts listening for the
 * browser's return). Finish with qtr_login_begin_finish(), which gives the URL to open in the
 * browser.
 */
void
qtr_login_begin_async (QtrLogin            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (QTR_IS_LOGIN (self));
  g_return_if_fail (!self->begun);

  self->begun = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_login_begin_async);

  self->state = new_random_text (STATE_BYTES);
  self->verifier = qtr_pkce_new_verifier ();
  if (self->redirect == QTR_LOGIN_REDIRECT_OOB)
    self->redirect_uri = g_strdup (QTR_LOGIN_OOB_REDIRECT_URI);
  else if (!start_receiver (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  qtr_api_client_post_form_async (self->client, "/api/v1/apps",
                                  (const char *[]) {
                                    "client_name", CLIENT_NAME,
                                    "redirect_uris", self->redirect_uri,
                                    "scopes", QTR_LOGIN_SCOPES,
                                    "website", APP_WEBSITE,
                                    NULL
                                  },
                                  cancellable, app_registered_cb, g_steal_pointer (&task));
}

/**
 * qtr_login_begin_finish:
 *
 * Returns: (transfer full): the authorize URL for the browser, or %NULL with @error set
 */
char *
qtr_login_begin_finish (QtrLogin      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  QtrCredentials *credentials;
  QtrAccount     *account;
  QtrApiClient   *verifying;
} Completion;

static void
completion_free (Completion *completion)
{
  g_clear_pointer (&completion->credentials, qtr_credentials_free);
  g_clear_object (&completion->account);
  g_clear_object (&completion->verifying);
  g_free (completion);
}

static void
verified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Completion *completion = g_task_get_task_data (task);
  g_autoptr(QtrApiResponse) response = NULL;
  GError *error = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  object = response ? qtr_api_response_get_object (response, &error) : NULL;
  if (object != NULL)
    completion->account = qtr_account_new_from_json (object, &error);
  if (completion->account == NULL)
    {
      g_prefix_error (&error, "The server gave a token but not the account: ");
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrLogin *self = g_task_get_source_object (task);
  Completion *completion = g_task_get_task_data (task);
  g_autoptr(QtrApiResponse) response = NULL;
  GError *error = NULL;
  JsonObject *object;
  const char *token;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  object = response ? qtr_api_response_get_object (response, &error) : NULL;
  if (object == NULL)
    {
      g_prefix_error (&error, "The server did not give a token for the code: ");
      g_task_return_error (task, error);
      return;
    }
  token = qtr_json_get_string (object, "access_token");
  if (token == NULL || *token == '\0')
    {
      g_task_return_new_error (task, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                               "The server's answer to the code has no access_token");
      return;
    }

  completion->credentials = qtr_credentials_new (qtr_api_client_get_base_url (self->client),
                                                 self->client_id, self->client_secret, token);
  completion->verifying = qtr_api_client_new (qtr_api_client_get_base_url (self->client), token,
                                              NULL);
  qtr_api_client_set_timeout (completion->verifying, qtr_api_client_get_timeout (self->client));
  qtr_api_client_get_async (completion->verifying, "/api/v1/accounts/verify_credentials", NULL,
                            g_task_get_cancellable (task), verified_cb, g_object_ref (task));
}

static void
exchange_code (QtrLogin   *self,
               GTask      *task,
               const char *code)
{
  qtr_api_client_post_form_async (self->client, "/oauth/token",
                                  (const char *[]) {
                                    "grant_type", "authorization_code",
                                    "code", code,
                                    "client_id", self->client_id,
                                    "client_secret", self->client_secret,
                                    "redirect_uri", self->redirect_uri,
                                    "code_verifier", self->verifier,
                                    "scope", QTR_LOGIN_SCOPES,
                                    NULL
                                  },
                                  g_task_get_cancellable (task), token_cb, g_object_ref (task));
}

static gboolean
waiting_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  QtrLogin *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->waiting);

  g_clear_pointer (&self->waiting_cancelled_source, g_source_unref);
  stop_receiver (self);
  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The login was cancelled");
  return G_SOURCE_REMOVE;
}

/**
 * qtr_login_complete_async:
 * @code: (nullable): the code the user pasted (out-of-band redirect); %NULL to wait for the
 *   browser to come back to the loopback redirect
 *
 * Exchanges the authorization code for a token and fetches the account it belongs to.
 * Cancelling it while it waits for the browser stops the loopback server.
 */
void
qtr_login_complete_async (QtrLogin            *self,
                          const char          *code,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QTR_IS_LOGIN (self));
  g_return_if_fail (self->client_id != NULL);
  g_return_if_fail (self->waiting == NULL);
  g_return_if_fail (code != NULL || self->redirect == QTR_LOGIN_REDIRECT_LOOPBACK);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_login_complete_async);
  g_task_set_task_data (task, g_new0 (Completion, 1), (GDestroyNotify) completion_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (code != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (code));

      if (*trimmed == '\0')
        {
          g_task_return_new_error (task, QTR_API_ERROR, QTR_API_ERROR_BAD_REQUEST,
                                   "The authorization code is empty: paste the code the "
                                   "server showed");
          return;
        }
      stop_receiver (self);
      exchange_code (self, task, trimmed);
      return;
    }

  self->waiting = g_steal_pointer (&task);
  if (self->received)
    {
      deliver_to_waiting (self);
      return;
    }
  if (cancellable != NULL)
    {
      self->waiting_cancelled_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->waiting_cancelled_source,
                             G_SOURCE_FUNC (waiting_cancelled_cb), self, NULL);
      g_source_attach (self->waiting_cancelled_source, g_main_context_get_thread_default ());
    }
}

/**
 * qtr_login_complete_finish:
 * @account: (out) (optional) (transfer full): the account logged in to
 *
 * Returns: (transfer full): the credentials, to keep in the keyring, or %NULL with @error set
 */
QtrCredentials *
qtr_login_complete_finish (QtrLogin      *self,
                           GAsyncResult  *result,
                           QtrAccount   **account,
                           GError       **error)
{
  Completion *completion;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  completion = g_task_get_task_data (G_TASK (result));
  if (account != NULL)
    *account = g_object_ref (completion->account);
  return qtr_credentials_copy (completion->credentials);
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  GError *error = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * qtr_login_revoke_async:
 * @client: a client for the server of @credentials
 *
 * Revokes the token of @credentials (`POST /oauth/revoke`), as logging out does.
 */
void
qtr_login_revoke_async (QtrApiClient         *client,
                        const QtrCredentials *credentials,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QTR_IS_API_CLIENT (client));
  g_return_if_fail (credentials != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_login_revoke_async);
  qtr_api_client_post_form_async (client, "/oauth/revoke",
                                  (const char *[]) {
                                    "client_id", credentials->client_id,
                                    "client_secret", credentials->client_secret,
                                    "token", credentials->access_token,
                                    NULL
                                  },
                                  cancellable, revoked_cb, g_steal_pointer (&task));
}

gboolean
qtr_login_revoke_finish (QtrApiClient  *client,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
