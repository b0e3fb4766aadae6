/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api.h"

#include "qtr-json.h"
#include "qtr-node-l10n.h"

#include <glib/gi18n.h>
#include <string.h>

/* OAuth 2 for the Mastodon client API: apps register (POST /api/v1/apps), the owner signs in
 * on a page the node serves and approves the scopes (GET and POST /oauth/authorize), the app
 * trades the code for a token (POST /oauth/token, with PKCE), and may revoke it. No password
 * grant: the password is typed only into the node's own page. */

#define CODE_LIFETIME_SECONDS (10 * 60)
#define FORM_LIFETIME_USEC (15 * 60 * G_USEC_PER_SEC)
#define MAX_FORM_TOKENS 1000
#define MAX_APP_NAME 60
#define MAX_REDIRECT_URIS 16
#define DEFAULT_SCOPES "read"

#define INVALID_CLIENT_DESCRIPTION \
  "Client authentication failed due to unknown client, no client authentication included, " \
  "or unsupported authentication method."
#define INVALID_GRANT_DESCRIPTION \
  "The provided authorization grant is invalid, expired, revoked, does not match the " \
  "redirection URI used in the authorization request, or was issued to another client."

/* What an authorization request asks for, checked against the app it names. */
typedef struct {
  QtrOAuthApp *app;
  char        *redirect_uri;
  char        *scopes;
  char        *state;
  char        *challenge;
  char        *challenge_method;
  const char  *language;
} AuthRequest;

static void
auth_request_clear (AuthRequest *request)
{
  g_clear_pointer (&request->app, qtr_oauth_app_free);
  g_clear_pointer (&request->redirect_uri, g_free);
  g_clear_pointer (&request->scopes, g_free);
  g_clear_pointer (&request->state, g_free);
  g_clear_pointer (&request->challenge, g_free);
  g_clear_pointer (&request->challenge_method, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AuthRequest, auth_request_clear)

/* How a request failed: either only a page can say so (the client or its redirect URI cannot
 * be trusted), or the client is told at its redirect URI, as RFC 6749 §4.1.2.1 has it. */
typedef enum {
  PROBLEM_NONE,
  PROBLEM_PAGE,
  PROBLEM_REDIRECT,
} ProblemKind;

typedef struct {
  ProblemKind  kind;
  guint        status;
  const char  *message;      /* N_(), for the page */
  const char  *error;        /* the OAuth error code, for the redirect */
} Problem;

static void
respond_oauth_error (SoupServerMessage *msg,
                     guint              status,
                     const char        *error,
                     const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "error", error);
  qtr_json_builder_add_string (builder, "error_description", description);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  qtr_node_respond_json (msg, status, NULL, root);
}

static GHashTable *
read_params_or_respond (SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  guint status = 0;
  GHashTable *params = qtr_node_api_read_params (msg, &status, &error);

  if (params == NULL)
    qtr_node_respond_error (msg, status, error->message);
  return params;
}

static const char *
lookup (GHashTable *params,
        const char *name)
{
  const char *value = g_hash_table_lookup (params, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* ---- Registering apps ------------------------------------------------------------------ */

static GStrv
split_redirect_uris (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text, " \t\r\n", -1);
  g_autoptr(GPtrArray) uris = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] != '\0')
        g_ptr_array_add (uris, g_strdup (parts[i]));
    }
  g_ptr_array_add (uris, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&uris), FALSE);
}

/* Mastodon's Application entity; the credentials only when the app is registered. */
static void
add_application (JsonBuilder       *builder,
                 const QtrOAuthApp *app,
                 const char        *secret)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, app->row);
  g_auto(GStrv) scopes = g_strsplit (app->scopes, " ", -1);
  g_auto(GStrv) uris = g_strsplit (app->redirect_uris, "\n", -1);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "name", app->name);
  json_builder_set_member_name (builder, "website");
  if (app->website != NULL)
    json_builder_add_string_value (builder, app->website);
  else
    json_builder_add_null_value (builder);
  qtr_node_api_add_strings (builder, "scopes", (const char * const *) scopes);
  qtr_json_builder_add_string (builder, "redirect_uri", app->redirect_uris);
  qtr_node_api_add_strings (builder, "redirect_uris", (const char * const *) uris);
  if (secret != NULL)
    {
      qtr_json_builder_add_string (builder, "client_id", app->client_id);
      qtr_json_builder_add_string (builder, "client_secret", secret);
      json_builder_set_member_name (builder, "client_secret_expires_at");
      json_builder_add_int_value (builder, 0);
    }
  json_builder_end_object (builder);
}

void
qtr_node_handle_apps (QtrNode           *node,
                      SoupServerMessage *msg,
                      GHashTable        *path_params)
{
  g_autoptr(GHashTable) params = read_params_or_respond (msg);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uris = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *secret = NULL;
  QtrOAuthApp app = { 0 };
  QtrOAuthScopes scope_set;
  const char *name;
  const char *website;
  gint64 row;

  if (params == NULL)
    return;
  name = lookup (params, "client_name");
  website = lookup (params, "website");
  if (name == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: Application name can't be blank");
      return;
    }
  if (g_utf8_strlen (name, -1) > MAX_APP_NAME)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: Application name is too long "
                              "(maximum is 60 characters)");
      return;
    }
  uris = split_redirect_uris (lookup (params, "redirect_uris") ? lookup (params, "redirect_uris")
                                                               : "");
  if (uris[0] == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: Redirect URI can't be blank");
      return;
    }
  if (g_strv_length (uris) > MAX_REDIRECT_URIS)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: Redirect URI: at most 16 may be registered");
      return;
    }
  for (guint i = 0; uris[i] != NULL; i++)
    {
      if (!qtr_oauth_is_valid_redirect_uri (uris[i]))
        {
          qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                                  "Validation failed: Redirect URI must be an absolute URI.");
          return;
        }
    }
  if (!qtr_oauth_scopes_parse (lookup (params, "scopes") ? lookup (params, "scopes")
                                                         : DEFAULT_SCOPES,
                               &scope_set, &unknown) || scope_set == 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: Scopes are not supported by this node");
      return;
    }
  if (website != NULL && !g_uri_is_valid (website, G_URI_FLAGS_NONE, NULL))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: Website is not a valid URL");
      return;
    }

  scopes = qtr_oauth_scopes_to_string (scope_set);
  secret = qtr_oauth_new_token ();
  app.name = (char *) name;
  app.website = (char *) website;
  app.redirect_uris = g_strjoinv ("\n", uris);
  app.scopes = scopes;
  app.client_id = qtr_oauth_new_token ();
  app.secret_hash = qtr_oauth_hash_token (secret);
  row = qtr_node_store_add_app (qtr_node_get_store (node), &app, &error);
  if (row < 0)
    {
      qtr_node_api_respond_internal_error (msg, error);
      g_free (app.redirect_uris);
      g_free (app.client_id);
      g_free (app.secret_hash);
      return;
    }

  app.row = row;
  builder = json_builder_new ();
  add_application (builder, &app, secret);
  qtr_node_api_respond (msg, builder);

  g_free (app.redirect_uris);
  g_free (app.client_id);
  g_free (app.secret_hash);
}

void
qtr_node_handle_app_credentials (QtrNode           *node,
                                 SoupServerMessage *msg,
                                 GHashTable        *path_params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(QtrOAuthApp) app = NULL;
  g_autoptr(GError) error = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_APP, NULL, &auth))
    return;
  if (auth.token->app_row > 0)
    app = qtr_node_store_find_app_by_row (qtr_node_get_store (node), auth.token->app_row,
                                          &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (app == NULL)
    {
      /* A token of `quitter-node token` belongs to no registered app. */
      app = g_new0 (QtrOAuthApp, 1);
      app->name = g_strdup ("quitter-node");
      app->redirect_uris = g_strdup ("");
      app->scopes = g_strdup (auth.token->scopes);
    }
  add_application (builder, app, NULL);
  qtr_node_api_respond (msg, builder);
}

/* ---- The authorization request --------------------------------------------------------- */

static gboolean
find_redirect_uri (const QtrOAuthApp *app,
                   const char        *given,
                   char             **redirect_uri)
{
  g_auto(GStrv) registered = g_strsplit (app->redirect_uris, "\n", -1);

  if (given == NULL)
    {
      /* Without one, the app's only URI is meant (RFC 6749 §3.1.2.3). */
      if (g_strv_length (registered) != 1)
        return FALSE;
      *redirect_uri = g_strdup (registered[0]);
      return TRUE;
    }
  for (guint i = 0; registered[i] != NULL; i++)
    {
      if (qtr_oauth_redirect_uri_matches (registered[i], given))
        {
          *redirect_uri = g_strdup (given);
          return TRUE;
        }
    }
  return FALSE;
}

/* Each scope asked for must be one the app registered (or implied by one). */
static gboolean
check_scopes (const QtrOAuthApp  *app,
              const char         *asked,
              char              **scopes)
{
  QtrOAuthScopes wanted, allowed;

  if (!qtr_oauth_scopes_parse (asked ? asked : DEFAULT_SCOPES, &wanted, NULL) || wanted == 0 ||
      !qtr_oauth_scopes_parse (app->scopes, &allowed, NULL))
    return FALSE;
  for (guint i = 0; i < 64; i++)
    {
      QtrOAuthScopes bit = G_GUINT64_CONSTANT (1) << i;
      g_autofree char *name = NULL;

      if ((wanted & bit) == 0)
        continue;
      name = qtr_oauth_scopes_to_string (bit);
      if (!qtr_oauth_scopes_allow (allowed, name))
        return FALSE;
    }
  *scopes = qtr_oauth_scopes_to_string (wanted);
  return TRUE;
}

static Problem
parse_auth_request (QtrNode     *node,
                    GHashTable  *params,
                    AuthRequest *request)
{
  g_autoptr(GError) error = NULL;
  const char *response_type = lookup (params, "response_type");
  const char *challenge = lookup (params, "code_challenge");
  const char *method = lookup (params, "code_challenge_method");

  request->state = g_strdup (lookup (params, "state"));
  request->app = qtr_node_store_find_app (qtr_node_get_store (node),
                                          lookup (params, "client_id"), &error);
  if (request->app == NULL)
    {
      if (error != NULL)
        g_warning ("Cannot read the OAuth apps: %s", error->message);
      return (Problem) { PROBLEM_PAGE, SOUP_STATUS_BAD_REQUEST,
                         N_("This app is not known to this node. Register it again in the app, "
                            "then sign in."), NULL };
    }
  if (!find_redirect_uri (request->app, lookup (params, "redirect_uri"),
                          &request->redirect_uri))
    return (Problem) { PROBLEM_PAGE, SOUP_STATUS_BAD_REQUEST,
                       N_("The app named an address to return to that it did not register. "
                          "Ask its makers to fix it."), NULL };

  if (g_strcmp0 (response_type, "code") != 0)
    return (Problem) { PROBLEM_REDIRECT, SOUP_STATUS_BAD_REQUEST,
                       N_("The app asked for a kind of authorization this node does not give."),
                       "unsupported_response_type" };
  if (!check_scopes (request->app, lookup (params, "scope"), &request->scopes))
    return (Problem) { PROBLEM_REDIRECT, SOUP_STATUS_BAD_REQUEST,
                       N_("The app asked for permissions it did not register, or that this "
                          "node does not know."), "invalid_scope" };
  if (challenge != NULL)
    {
      if (method == NULL)
        method = "plain";
      if ((!g_str_equal (method, "S256") && !g_str_equal (method, "plain")) ||
          !qtr_oauth_is_valid_challenge (challenge))
        return (Problem) { PROBLEM_REDIRECT, SOUP_STATUS_BAD_REQUEST,
                           N_("The app sent a code challenge this node cannot check."),
                           "invalid_request" };
      request->challenge = g_strdup (challenge);
      request->challenge_method = g_strdup (method);
    }
  else if (method != NULL)
    return (Problem) { PROBLEM_REDIRECT, SOUP_STATUS_BAD_REQUEST,
                       N_("The app sent a code challenge this node cannot check."),
                       "invalid_request" };
  return (Problem) { PROBLEM_NONE, SOUP_STATUS_OK, NULL, NULL };
}

/* ---- The page ------------------------------------------------------------------------- */

#define T(language, msgid) qtr_node_l10n_gettext ((language), (msgid))

static const char *
describe_scope (const char *scope)
{
  static const struct { const char *scope; const char *text; } descriptions[] = {
    { "read", N_("Read everything in your account") },
    { "write", N_("Post, change and delete in your account") },
    { "follow", N_("Follow, block and mute accounts, and undo that") },
    { "push", N_("Receive notifications as push messages") },
    { "profile", N_("See your profile, and nothing else") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (descriptions); i++)
    {
      if (g_str_equal (scope, descriptions[i].scope))
        return descriptions[i].text;
    }
  return NULL;
}

/* The parts of a CSP that let the form post here and be redirected to @redirect_uri: some
 * browsers apply form-action to the redirect as well. */
static char *
form_action_sources (const char *redirect_uri)
{
  g_autoptr(GUri) uri = NULL;

  if (redirect_uri == NULL || g_str_equal (redirect_uri, QTR_OAUTH_OOB))
    return g_strdup ("'self'");
  uri = g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return g_strdup ("'self'");
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return g_strdup_printf ("'self' %s:", g_uri_get_scheme (uri));
  {
    g_autofree char *origin = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL,
                                          g_uri_get_host (uri), g_uri_get_port (uri), "", NULL,
                                          NULL);
    return g_strdup_printf ("'self' %s", origin);
  }
}

static void
respond_page (SoupServerMessage *msg,
              guint              status,
              const char        *language,
              const char        *title,
              const char        *body,
              const char        *redirect_uri)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *nonce = qtr_oauth_new_token ();
  g_autofree char *form_action = form_action_sources (redirect_uri);
  g_autofree char *csp = g_strdup_printf ("default-src 'none'; style-src 'nonce-%s'; "
                                          "form-action %s; frame-ancestors 'none'; "
                                          "base-uri 'none'", nonce, form_action);
  g_autofree char *head = g_markup_printf_escaped (
    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>%s</title>\n"
    "<style nonce=\"%s\">\n"
    "body{font-family:system-ui,sans-serif;max-width:32em;margin:2em auto;padding:0 1em;"
    "line-height:1.5;color:#1e1e1e;background:#fafafa}\n"
    "@media (prefers-color-scheme:dark){body{color:#f0f0f0;background:#242424}"
    "input{color:inherit;background:#303030}}\n"
    "label{display:block;font-weight:bold;margin-top:1em}\n"
    "input{font:inherit;padding:.5em;width:100%%;box-sizing:border-box;border:1px solid #888;"
    "border-radius:6px}\n"
    "button{font:inherit;padding:.5em 1.2em;margin:1em .5em 0 0;border-radius:6px;"
    "border:1px solid #888;cursor:pointer}\n"
    "button.approve{background:#3584e4;color:#fff;border-color:#3584e4}\n"
    ".error{border-left:4px solid #c01c28;padding-left:.8em}\n"
    "code{font-size:1.3em;word-break:break-all}\n"
    ":focus-visible{outline:3px solid #3584e4;outline-offset:2px}\n"
    "</style>\n</head>\n<body>\n<main>\n<h1>%s</h1>\n",
    language, title, nonce, title);
  g_autofree char *page = g_strconcat (head, body, "</main>\n</body>\n</html>\n", NULL);

  soup_message_headers_replace (headers, "Content-Security-Policy", csp);
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Content-Language", language);
  qtr_node_respond_text (msg, status, "text/html; charset=utf-8", page);
}

static void
respond_message_page (SoupServerMessage *msg,
                      guint              status,
                      const char        *language,
                      const char        *message)
{
  g_autofree char *body = g_markup_printf_escaped ("<p role=\"alert\" class=\"error\">%s</p>\n",
                                                   T (language, message));

  respond_page (msg, status, language, T (language, N_("Authorization failed")), body, NULL);
}

static char *
new_form_token (QtrNode *node)
{
  GHashTable *tokens = qtr_node_get_form_tokens (node);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;
  char *token;

  g_hash_table_iter_init (&iter, tokens);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (*(gint64 *) value < now || g_hash_table_size (tokens) >= MAX_FORM_TOKENS)
        g_hash_table_iter_remove (&iter);
    }
  token = qtr_oauth_new_token ();
  g_hash_table_insert (tokens, g_strdup (token), g_memdup2 (&(gint64) { now + FORM_LIFETIME_USEC },
                                                            sizeof (gint64)));
  return token;
}

/* A form token is good once, and only before it expires. */
static gboolean
take_form_token (QtrNode    *node,
                 const char *token)
{
  GHashTable *tokens = qtr_node_get_form_tokens (node);
  gint64 *expires;
  gboolean valid;

  if (token == NULL)
    return FALSE;
  expires = g_hash_table_lookup (tokens, token);
  if (expires == NULL)
    return FALSE;
  valid = *expires >= g_get_monotonic_time ();
  g_hash_table_remove (tokens, token);
  return valid;
}

static void
append_hidden (GString    *html,
               const char *name,
               const char *value)
{
  g_autofree char *input = NULL;

  if (value == NULL)
    return;
  input = g_markup_printf_escaped ("<input type=\"hidden\" name=\"%s\" value=\"%s\">\n",
                                   name, value);
  g_string_append (html, input);
}

static void
respond_form (QtrNode           *node,
              SoupServerMessage *msg,
              guint              status,
              const AuthRequest *request,
              const char        *problem)
{
  const char *language = request->language;
  QtrNodeOwner *owner = qtr_node_get_owner (node);
  g_autofree char *host = qtr_node_get_host (node);
  g_autofree char *token = new_form_token (node);
  g_auto(GStrv) scopes = g_strsplit (request->scopes, " ", -1);
  g_autoptr(GString) html = g_string_new (NULL);
  g_autofree char *intro = NULL;
  g_autofree char *handle = g_strdup_printf ("@%s@%s", owner->username, host);

  /* Translators: the first %s is an app's name, the second an account, @name@example.org. */
  intro = g_markup_printf_escaped (T (language, N_("“%s” asks to use your account %s.")),
                                   request->app->name, handle);
  g_string_append_printf (html, "<p>%s</p>\n", intro);
  {
    g_autofree char *heading = g_markup_printf_escaped ("<h2>%s</h2>\n<ul>\n",
                                                        T (language, N_("It will be able to:")));
    g_string_append (html, heading);
  }
  for (guint i = 0; scopes[i] != NULL; i++)
    {
      const char *description = describe_scope (scopes[i]);
      g_autofree char *item = NULL;

      if (description != NULL)
        item = g_markup_printf_escaped ("<li>%s</li>\n", T (language, description));
      else if (g_str_has_prefix (scopes[i], "read:"))
        /* Translators: %s names what may be read, in English: accounts, statuses, lists… */
        item = g_markup_printf_escaped ("<li>%s <code>%s</code></li>\n",
                                        T (language, N_("Read:")), scopes[i] + 5);
      else
        item = g_markup_printf_escaped ("<li>%s <code>%s</code></li>\n",
                                        T (language, N_("Change:")), scopes[i] + 6);
      g_string_append (html, item);
    }
  g_string_append (html, "</ul>\n");
  if (problem != NULL)
    {
      g_autofree char *alert = g_markup_printf_escaped (
        "<p role=\"alert\" id=\"problem\" class=\"error\">%s</p>\n", problem);
      g_string_append (html, alert);
    }
  g_string_append (html, "<form method=\"post\" action=\"/oauth/authorize\">\n");
  append_hidden (html, "authenticity_token", token);
  append_hidden (html, "response_type", "code");
  append_hidden (html, "client_id", request->app->client_id);
  append_hidden (html, "redirect_uri", request->redirect_uri);
  append_hidden (html, "scope", request->scopes);
  append_hidden (html, "state", request->state);
  append_hidden (html, "code_challenge", request->challenge);
  append_hidden (html, "code_challenge_method", request->challenge_method);
  append_hidden (html, "lang", language);
  {
    g_autofree char *fields = g_markup_printf_escaped (
      "<label for=\"password\">%s</label>\n"
      "<input id=\"password\" name=\"password\" type=\"password\" required autofocus "
      "autocomplete=\"current-password\"%s>\n"
      "<button class=\"approve\" type=\"submit\" name=\"decision\" value=\"approve\">%s"
      "</button>\n"
      "<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>%s</button>\n"
      "</form>\n",
      T (language, N_("Your node’s password")),
      problem != NULL ? " aria-describedby=\"problem\"" : "",
      T (language, N_("Authorize")), T (language, N_("Deny")));
    g_string_append (html, fields);
  }
  respond_page (msg, status, language, T (language, N_("Authorize an app")), html->str,
                request->redirect_uri);
}

static void
append_query (GString    *uri,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_printf (uri, "%c%s=%s", strchr (uri->str, '?') ? '&' : '?', name, escaped);
}

/* Sends the browser back to the app with the code, or with an error. */
static void
redirect_to_client (SoupServerMessage *msg,
                    const AuthRequest *request,
                    const char        *code,
                    const char        *error)
{
  g_autoptr(GString) location = g_string_new (request->redirect_uri);

  append_query (location, "code", code);
  append_query (location, "error", error);
  append_query (location, "state", request->state);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Referrer-Policy", "no-referrer");
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location->str);
}

static void
respond_problem (SoupServerMessage *msg,
                 const AuthRequest *request,
                 const Problem     *problem)
{
  if (problem->kind == PROBLEM_REDIRECT &&
      !g_str_equal (request->redirect_uri, QTR_OAUTH_OOB))
    redirect_to_client (msg, request, NULL, problem->error);
  else
    respond_message_page (msg, problem->status, request->language, problem->message);
}

static const char *
pick_language (SoupServerMessage *msg,
               GHashTable        *params)
{
  return qtr_node_l10n_pick_language (
    lookup (params, "lang"),
    soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                   "Accept-Language"));
}

void
qtr_node_handle_authorize_page (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *path_params)
{
  g_autoptr(GHashTable) params = read_params_or_respond (msg);
  g_auto(AuthRequest) request = { 0 };
  Problem problem;

  if (params == NULL)
    return;
  request.language = pick_language (msg, params);
  problem = parse_auth_request (node, params, &request);
  if (problem.kind != PROBLEM_NONE)
    {
      respond_problem (msg, &request, &problem);
      return;
    }
  respond_form (node, msg, SOUP_STATUS_OK, &request, NULL);
}

/* Issues a single-use code for the approved request, and hands it to the app. */
static void
issue_code (QtrNode           *node,
            SoupServerMessage *msg,
            const AuthRequest *request)
{
  g_autofree char *code = qtr_oauth_new_token ();
  g_autofree char *hash = qtr_oauth_hash_token (code);
  g_autoptr(GError) error = NULL;
  QtrOAuthCode record = {
    .app_row = request->app->row,
    .redirect_uri = request->redirect_uri,
    .scopes = request->scopes,
    .challenge = request->challenge,
    .challenge_method = request->challenge_method,
  };

  if (!qtr_node_store_add_code (qtr_node_get_store (node), hash, &record,
                                g_get_real_time () / G_USEC_PER_SEC + CODE_LIFETIME_SECONDS,
                                &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (g_str_equal (request->redirect_uri, QTR_OAUTH_OOB))
    {
      const char *language = request->language;
      g_autofree char *body = g_markup_printf_escaped (
        "<p>%s</p>\n<p><code id=\"code\">%s</code></p>\n",
        T (language, N_("Copy this code into the app. It works once, within ten minutes.")),
        code);

      respond_page (msg, SOUP_STATUS_OK, language, T (language, N_("Authorization code")),
                    body, NULL);
      return;
    }
  redirect_to_client (msg, request, code, NULL);
}

typedef struct {
  QtrNode           *node;
  SoupServerMessage *msg;
  AuthRequest        request;
  char              *client;
  char              *stored_hash;
  char              *password;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_object_unref (sign_in->node);
  g_object_unref (sign_in->msg);
  auth_request_clear (&sign_in->request);
  g_free (sign_in->client);
  g_free (sign_in->stored_hash);
  if (sign_in->password != NULL)
    memset (sign_in->password, 0, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in);
}

/* PBKDF2 with 600,000 rounds takes a good part of a second: it runs off the loop. */
static void
verify_password_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  SignIn *sign_in = task_data;

  g_task_return_boolean (task, qtr_oauth_verify_password (sign_in->stored_hash,
                                                          sign_in->password));
}

static void
password_verified_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SignIn *sign_in = g_task_get_task_data (G_TASK (result));
  const char *language = sign_in->request.language;

  soup_server_message_unpause (sign_in->msg);
  if (g_task_propagate_boolean (G_TASK (result), NULL))
    {
      qtr_rate_limiter_give_back (qtr_node_get_login_limiter (sign_in->node), sign_in->client);
      issue_code (sign_in->node, sign_in->msg, &sign_in->request);
      return;
    }

  g_debug ("Failed OAuth sign-in from %s", sign_in->client);
  respond_form (sign_in->node, sign_in->msg, SOUP_STATUS_UNAUTHORIZED, &sign_in->request,
                T (language, N_("That password is wrong. Try again.")));
}

void
qtr_node_handle_authorize (QtrNode           *node,
                           SoupServerMessage *msg,
                           GHashTable        *path_params)
{
  g_autoptr(GHashTable) params = read_params_or_respond (msg);
  g_auto(AuthRequest) request = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *client = NULL;
  g_autofree char *stored_hash = NULL;
  const char *password;
  SignIn *sign_in;
  Problem problem;
  guint retry_after = 0;

  if (params == NULL)
    return;
  request.language = pick_language (msg, params);
  if (!take_form_token (node, lookup (params, "authenticity_token")))
    {
      respond_message_page (msg, SOUP_STATUS_FORBIDDEN, request.language,
                            N_("This form has expired or was already sent. Go back to the "
                               "app and sign in again."));
      return;
    }
  problem = parse_auth_request (node, params, &request);
  if (problem.kind != PROBLEM_NONE)
    {
      respond_problem (msg, &request, &problem);
      return;
    }
  if (g_strcmp0 (lookup (params, "decision"), "deny") == 0)
    {
      Problem denied = { PROBLEM_REDIRECT, SOUP_STATUS_FORBIDDEN,
                         N_("You denied the app access to your account."), "access_denied" };

      respond_problem (msg, &request, &denied);
      return;
    }

  stored_hash = qtr_node_store_get_password_hash (qtr_node_get_store (node), &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (stored_hash == NULL)
    {
      respond_form (node, msg, SOUP_STATUS_FORBIDDEN, &request,
                    T (request.language,
                       N_("This node has no password yet. Set one with “quitter-node "
                          "password”, then try again.")));
      return;
    }
  password = g_hash_table_lookup (params, "password");
  if (password == NULL || *password == '\0')
    {
      respond_form (node, msg, SOUP_STATUS_UNAUTHORIZED, &request,
                    T (request.language, N_("Type your node’s password to sign in.")));
      return;
    }

  client = qtr_node_get_client_address (node, msg);
  /* Each attempt is counted before the password is checked, and given back when it was
   * right: only failures count, attempts sent at once included. */
  if (!qtr_rate_limiter_take (qtr_node_get_login_limiter (node), client,
                              g_get_monotonic_time (), &retry_after))
    {
      g_autofree char *seconds = g_strdup_printf ("%u", retry_after);
      g_autofree char *text = NULL;

      /* Translators: %s is a number of seconds. */
      text = g_strdup_printf (T (request.language,
                                 N_("Too many wrong passwords were tried from your address. "
                                    "Wait %s seconds, then try again.")), seconds);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
      respond_form (node, msg, 429, &request, text);
      return;
    }

  sign_in = g_new0 (SignIn, 1);
  sign_in->node = g_object_ref (node);
  sign_in->msg = g_object_ref (msg);
  sign_in->request = request;
  memset (&request, 0, sizeof request);
  sign_in->client = g_steal_pointer (&client);
  sign_in->stored_hash = g_steal_pointer (&stored_hash);
  sign_in->password = g_strdup (password);

  soup_server_message_pause (msg);
  task = g_task_new (node, NULL, password_verified_cb, NULL);
  g_task_set_source_tag (task, qtr_node_handle_authorize);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  g_task_run_in_thread (task, verify_password_thread);
}

/* ---- Tokens --------------------------------------------------------------------------- */

/* The client authenticates with client_secret_post or client_secret_basic. */
static QtrOAuthApp *
authenticate_client (QtrNode           *node,
                     SoupServerMessage *msg,
                     GHashTable        *params,
                     GError           **error)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  g_autofree char *basic_id = NULL;
  g_autofree char *basic_secret = NULL;
  g_autofree char *hash = NULL;
  const char *client_id = lookup (params, "client_id");
  const char *secret = lookup (params, "client_secret");
  QtrOAuthApp *app;

  if (header != NULL && g_ascii_strncasecmp (header, "Basic ", 6) == 0)
    {
      gsize length;
      g_autofree char *decoded = (char *) g_base64_decode (header + 6, &length);
      g_autofree char *text = g_strndup (decoded, length);
      char *colon = strchr (text, ':');

      if (colon != NULL)
        {
          *colon = '\0';
          basic_id = g_uri_unescape_string (text, NULL);
          basic_secret = g_uri_unescape_string (colon + 1, NULL);
          client_id = basic_id;
          secret = basic_secret;
        }
    }
  if (client_id == NULL || secret == NULL)
    return NULL;
  app = qtr_node_store_find_app (qtr_node_get_store (node), client_id, error);
  if (app == NULL)
    return NULL;
  hash = qtr_oauth_hash_token (secret);
  if (!qtr_oauth_equal (hash, app->secret_hash))
    {
      qtr_oauth_app_free (app);
      return NULL;
    }
  return app;
}

static void
respond_token (QtrNode           *node,
               SoupServerMessage *msg,
               gint64             app_row,
               gboolean           has_user,
               const char        *scopes)
{
  g_autofree char *token = qtr_oauth_new_token ();
  g_autofree char *hash = qtr_oauth_hash_token (token);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (qtr_node_store_add_token (qtr_node_get_store (node), hash, app_row, has_user, scopes,
                                &error) < 0)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "access_token", token);
  qtr_json_builder_add_string (builder, "token_type", "Bearer");
  qtr_json_builder_add_string (builder, "scope", scopes);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_end_object (builder);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  qtr_node_api_respond (msg, builder);
}

static void
grant_authorization_code (QtrNode           *node,
                          SoupServerMessage *msg,
                          GHashTable        *params,
                          const QtrOAuthApp *app)
{
  const char *code = lookup (params, "code");
  g_autofree char *hash = NULL;
  g_autoptr(QtrOAuthCode) record = NULL;
  g_autoptr(GError) error = NULL;

  if (code == NULL)
    {
      respond_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "The request is missing a required parameter: code.");
      return;
    }
  hash = qtr_oauth_hash_token (code);
  /* Taken out whatever follows: a code that fails once cannot be tried again. */
  record = qtr_node_store_take_code (qtr_node_get_store (node), hash, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (record == NULL || record->app_row != app->row ||
      g_strcmp0 (lookup (params, "redirect_uri"), record->redirect_uri) != 0 ||
      (record->challenge != NULL &&
       !qtr_oauth_verify_pkce (record->challenge, record->challenge_method,
                               lookup (params, "code_verifier"))))
    {
      respond_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                           INVALID_GRANT_DESCRIPTION);
      return;
    }
  respond_token (node, msg, app->row, TRUE, record->scopes);
}

static void
grant_client_credentials (QtrNode           *node,
                          SoupServerMessage *msg,
                          GHashTable        *params,
                          const QtrOAuthApp *app)
{
  g_autofree char *scopes = NULL;

  if (!check_scopes (app, lookup (params, "scope"), &scopes))
    {
      respond_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_scope",
                           "The requested scope is invalid, unknown, or malformed.");
      return;
    }
  respond_token (node, msg, app->row, FALSE, scopes);
}

void
qtr_node_handle_token (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *path_params)
{
  g_autoptr(GHashTable) params = read_params_or_respond (msg);
  g_autoptr(QtrOAuthApp) app = NULL;
  g_autoptr(GError) error = NULL;
  const char *grant_type;

  if (params == NULL)
    return;
  grant_type = lookup (params, "grant_type");
  if (g_strcmp0 (grant_type, "authorization_code") != 0 &&
      g_strcmp0 (grant_type, "client_credentials") != 0)
    {
      respond_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type",
                           "The authorization grant type is not supported by the "
                           "authorization server.");
      return;
    }
  app = authenticate_client (node, msg, params, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (app == NULL)
    {
      respond_oauth_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                           INVALID_CLIENT_DESCRIPTION);
      return;
    }
  if (g_str_equal (grant_type, "authorization_code"))
    grant_authorization_code (node, msg, params, app);
  else
    grant_client_credentials (node, msg, params, app);
}

void
qtr_node_handle_revoke (QtrNode           *node,
                        SoupServerMessage *msg,
                        GHashTable        *path_params)
{
  g_autoptr(GHashTable) params = read_params_or_respond (msg);
  g_autoptr(QtrOAuthApp) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const char *token;

  if (params == NULL)
    return;
  app = authenticate_client (node, msg, params, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (app == NULL)
    {
      respond_oauth_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                           INVALID_CLIENT_DESCRIPTION);
      return;
    }
  token = lookup (params, "token");
  if (token == NULL)
    {
      respond_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                           "The request is missing a required parameter: token.");
      return;
    }
  {
    g_autofree char *hash = qtr_oauth_hash_token (token);

    if (!qtr_node_store_revoke_token (qtr_node_get_store (node), hash, app->row, &error))
      {
        qtr_node_api_respond_internal_error (msg, error);
        return;
      }
  }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}

/* ---- Discovery ------------------------------------------------------------------------ */

static void
add_endpoint (JsonBuilder *builder,
              const char  *name,
              const char  *base_url,
              const char  *path)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);

  qtr_json_builder_add_string (builder, name, url);
}

void
qtr_node_handle_oauth_metadata (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *path_params)
{
  static const char * const response_types[] = { "code", NULL };
  static const char * const response_modes[] = { "query", NULL };
  static const char * const grant_types[] = { "authorization_code", "client_credentials", NULL };
  static const char * const challenge_methods[] = { "S256", NULL };
  static const char * const auth_methods[] = { "client_secret_basic", "client_secret_post",
                                               NULL };
  const char *base_url = qtr_node_get_base_url (node);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_endpoint (builder, "issuer", base_url, "/");
  qtr_json_builder_add_string (builder, "service_documentation",
                               "https://docs.joinmastodon.org/");
  add_endpoint (builder, "authorization_endpoint", base_url, "/oauth/authorize");
  add_endpoint (builder, "token_endpoint", base_url, "/oauth/token");
  add_endpoint (builder, "revocation_endpoint", base_url, "/oauth/revoke");
  add_endpoint (builder, "app_registration_endpoint", base_url, "/api/v1/apps");
  qtr_node_api_add_strings (builder, "scopes_supported", qtr_oauth_scopes_supported ());
  qtr_node_api_add_strings (builder, "response_types_supported", response_types);
  qtr_node_api_add_strings (builder, "response_modes_supported", response_modes);
  qtr_node_api_add_strings (builder, "grant_types_supported", grant_types);
  qtr_node_api_add_strings (builder, "code_challenge_methods_supported", challenge_methods);
  qtr_node_api_add_strings (builder, "token_endpoint_auth_methods_supported", auth_methods);
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}
