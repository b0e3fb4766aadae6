/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-oauth.h"

#include <gio/gio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "qtr-node.h"

/* Every scope the node grants, in the order they are written back. The index is the bit. */
static const char * const scope_names[] = {
  "read", "write", "follow", "push", "profile",
  "read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters",
  "read:follows", "read:lists", "read:mutes", "read:notifications", "read:search",
  "read:statuses",
  "write:accounts", "write:blocks", "write:bookmarks", "write:conversations",
  "write:favourites", "write:filters", "write:follows", "write:lists", "write:media",
  "write:mutes", "write:notifications", "write:reports", "write:statuses",
  NULL
};

/* What the legacy `follow` scope covers, as Mastodon documents it. */
static const char * const follow_scopes[] = {
  "read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes",
  "write:mutes", NULL
};

#define SALT_BYTES 16
#define HASH_BYTES 32
#define PASSWORD_SCHEME "pbkdf2-sha256"

static int
find_scope (const char *name,
            gsize       length)
{
  for (int i = 0; scope_names[i] != NULL; i++)
    {
      if (strlen (scope_names[i]) == length && strncmp (scope_names[i], name, length) == 0)
        return i;
    }
  return -1;
}

static QtrOAuthScopes
scope_bit (const char *name)
{
  int index = find_scope (name, strlen (name));

  return index < 0 ? 0 : G_GUINT64_CONSTANT (1) << index;
}

/**
 * qtr_oauth_scopes_parse:
 * @text: (nullable): scopes separated by spaces (or `+`, as some clients leave them)
 * @scopes: (out): the set
 * @unknown: (out) (optional) (transfer full): on failure, the first scope the node does not know
 *
 * Returns: %TRUE when every scope is known; an empty @text is the empty set
 */
gboolean
qtr_oauth_scopes_parse (const char      *text,
                        QtrOAuthScopes  *scopes,
                        char           **unknown)
{
  const char *p = text;

  *scopes = 0;
  if (text == NULL)
    return TRUE;
  while (*p != '\0')
    {
      gsize length = strcspn (p, " \t\r\n+");
      int index;

      if (length == 0)
        {
          p++;
          continue;
        }
      index = find_scope (p, length);
      if (index < 0)
        {
          if (unknown != NULL)
            *unknown = g_strndup (p, length);
          *scopes = 0;
          return FALSE;
        }
      *scopes |= G_GUINT64_CONSTANT (1) << index;
      p += length;
    }
  return TRUE;
}

/**
 * qtr_oauth_scopes_to_string:
 *
 * Returns: (transfer full): the scopes of the set, separated by spaces
 */
char *
qtr_oauth_scopes_to_string (QtrOAuthScopes scopes)
{
  GString *text = g_string_new (NULL);

  for (int i = 0; scope_names[i] != NULL; i++)
    {
      if ((scopes & (G_GUINT64_CONSTANT (1) << i)) == 0)
        continue;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, scope_names[i]);
    }
  return g_string_free (text, FALSE);
}

/**
 * qtr_oauth_scopes_supported:
 *
 * Returns: (transfer none): every scope the node grants, %NULL-terminated
 */
const char * const *
qtr_oauth_scopes_supported (void)
{
  return scope_names;
}

/**
 * qtr_oauth_scopes_allow:
 * @granted: what a token holds
 * @required: one scope, e.g. `read:accounts`
 *
 * Applies Mastodon's rules: `read` covers every `read:…`, `write` every `write:…`, and
 * `follow` the reading and writing of follows, blocks and mutes.
 *
 * Returns: %TRUE when @granted covers @required
 */
gboolean
qtr_oauth_scopes_allow (QtrOAuthScopes  granted,
                        const char     *required)
{
  QtrOAuthScopes bit = scope_bit (required);

  g_return_val_if_fail (bit != 0, FALSE);

  if ((granted & bit) != 0)
    return TRUE;
  if (g_str_has_prefix (required, "read:") && (granted & scope_bit ("read")) != 0)
    return TRUE;
  if (g_str_has_prefix (required, "write:") && (granted & scope_bit ("write")) != 0)
    return TRUE;
  if ((granted & scope_bit ("follow")) != 0 && g_strv_contains (follow_scopes, required))
    return TRUE;
  return FALSE;
}

static char *
base64url_encode (const guint8 *data,
                  gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *end;

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  end = strchr (text, '=');
  if (end != NULL)
    *end = '\0';
  return text;
}

/**
 * qtr_oauth_new_token:
 *
 * Returns: (transfer full): 32 random bytes from GnuTLS's key generator, base64url without
 *   padding: an access token, an authorization code or a client secret
 */
char *
qtr_oauth_new_token (void)
{
  guint8 bytes[QTR_OAUTH_TOKEN_BYTES];

  if (gnutls_rnd (GNUTLS_RND_KEY, bytes, sizeof bytes) != 0)
    g_error ("GnuTLS cannot produce random bytes");
  return base64url_encode (bytes, sizeof bytes);
}

/**
 * qtr_oauth_hash_token:
 *
 * Returns: (transfer full): the SHA-256 of @token in hex: what node.db keeps instead of it
 */
char *
qtr_oauth_hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/**
 * qtr_oauth_equal:
 *
 * Compares two secrets in a time that does not depend on where they differ.
 */
gboolean
qtr_oauth_equal (const char *a,
                 const char *b)
{
  gsize length_a = strlen (a);
  gsize length_b = strlen (b);
  guint8 difference = length_a != length_b;

  for (gsize i = 0; i < MAX (length_a, length_b); i++)
    difference |= (guint8) (i < length_a ? a[i] : 0) ^ (guint8) (i < length_b ? b[i] : 0);
  return difference == 0;
}

static gboolean
derive (const char   *password,
        const guint8 *salt,
        gsize         salt_length,
        guint         iterations,
        guint8       *out)
{
  gnutls_datum_t key = { (unsigned char *) password, (unsigned int) strlen (password) };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, (unsigned int) salt_length };

  return gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &salt_datum, iterations, out, HASH_BYTES) == 0;
}

/**
 * qtr_oauth_hash_password:
 * @iterations: PBKDF2 rounds; %QTR_OAUTH_PASSWORD_ITERATIONS for the owner's password
 *
 * Returns: (transfer full): `pbkdf2-sha256$ITERATIONS$SALT$HASH` (base64), with a random salt
 */
char *
qtr_oauth_hash_password (const char  *password,
                         guint        iterations,
                         GError     **error)
{
  guint8 salt[SALT_BYTES];
  guint8 hash[HASH_BYTES];
  g_autofree char *salt_text = NULL;
  g_autofree char *hash_text = NULL;

  if (gnutls_rnd (GNUTLS_RND_RANDOM, salt, sizeof salt) != 0 ||
      !derive (password, salt, sizeof salt, iterations, hash))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "GnuTLS cannot hash the password");
      return NULL;
    }
  salt_text = g_base64_encode (salt, sizeof salt);
  hash_text = g_base64_encode (hash, sizeof hash);
  return g_strdup_printf (PASSWORD_SCHEME "$%u$%s$%s", iterations, salt_text, hash_text);
}

/**
 * qtr_oauth_verify_password:
 * @stored: (nullable): what qtr_oauth_hash_password() returned
 *
 * Returns: %TRUE when @password is the one @stored was made from
 */
gboolean
qtr_oauth_verify_password (const char *stored,
                           const char *password)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree char *hash_text = NULL;
  guint8 hash[HASH_BYTES];
  guint64 iterations;
  gsize salt_length;
  char *end;

  if (stored == NULL)
    return FALSE;
  parts = g_strsplit (stored, "$", -1);
  if (g_strv_length (parts) != 4 || !g_str_equal (parts[0], PASSWORD_SCHEME))
    return FALSE;
  iterations = g_ascii_strtoull (parts[1], &end, 10);
  if (*end != '\0' || iterations == 0 || iterations > G_MAXUINT)
    return FALSE;
  salt = g_base64_decode (parts[2], &salt_length);
  if (salt_length == 0 || !derive (password, salt, salt_length, (guint) iterations, hash))
    return FALSE;
  hash_text = g_base64_encode (hash, sizeof hash);
  return qtr_oauth_equal (hash_text, parts[3]);
}

/* RFC 7636 §4.1: 43 to 128 unreserved characters. */
static gboolean
is_pkce_string (const char *text)
{
  gsize length = text ? strlen (text) : 0;

  if (length < 43 || length > 128)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

/**
 * qtr_oauth_is_valid_challenge:
 *
 * Returns: %TRUE when @challenge has the form RFC 7636 gives a code challenge
 */
gboolean
qtr_oauth_is_valid_challenge (const char *challenge)
{
  return is_pkce_string (challenge);
}

/**
 * qtr_oauth_verify_pkce:
 * @challenge: the code_challenge of the authorization request
 * @method: "S256" or "plain"
 * @verifier: (nullable): the code_verifier of the token request
 *
 * Returns: %TRUE when @verifier is well formed and answers @challenge
 */
gboolean
qtr_oauth_verify_pkce (const char *challenge,
                       const char *method,
                       const char *verifier)
{
  if (!is_pkce_string (verifier))
    return FALSE;
  if (g_strcmp0 (method, "plain") == 0)
    return qtr_oauth_equal (challenge, verifier);
  if (g_strcmp0 (method, "S256") == 0)
    {
      guint8 digest[32];
      gsize length = sizeof digest;
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      g_autofree char *encoded = NULL;

      g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
      g_checksum_get_digest (checksum, digest, &length);
      encoded = base64url_encode (digest, length);
      return qtr_oauth_equal (challenge, encoded);
    }
  return FALSE;
}

static gboolean
is_loopback_host (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0 ||
         g_ascii_strcasecmp (host ? host : "", "localhost") == 0;
}

/**
 * qtr_oauth_is_valid_redirect_uri:
 *
 * Returns: %TRUE when @uri may be registered: the out-of-band URN, or an absolute URI without
 *   a fragment whose scheme can run no script
 */
gboolean
qtr_oauth_is_valid_redirect_uri (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  const char *scheme;

  if (g_strcmp0 (uri, QTR_OAUTH_OOB) == 0)
    return TRUE;
  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL || g_uri_get_fragment (parsed) != NULL)
    return FALSE;
  scheme = g_uri_get_scheme (parsed);
  return g_ascii_strcasecmp (scheme, "javascript") != 0 &&
         g_ascii_strcasecmp (scheme, "data") != 0 &&
         g_ascii_strcasecmp (scheme, "vbscript") != 0 &&
         g_ascii_strcasecmp (scheme, "file") != 0;
}

/**
 * qtr_oauth_redirect_uri_matches:
 * @registered: a redirect URI the app registered
 * @given: the one an authorization or token request names
 *
 * Exact comparison, except that a loopback `http` URI (127.0.0.1, [::1] or localhost) matches
 * whatever its port, as RFC 8252 §7.3 asks: native apps listen on a port picked at run time.
 */
gboolean
qtr_oauth_redirect_uri_matches (const char *registered,
                                const char *given)
{
  g_autoptr(GUri) want = NULL;
  g_autoptr(GUri) have = NULL;

  if (registered == NULL || given == NULL)
    return FALSE;
  if (g_str_equal (registered, given))
    return TRUE;

  want = g_uri_parse (registered, G_URI_FLAGS_NONE, NULL);
  have = g_uri_parse (given, G_URI_FLAGS_NONE, NULL);
  if (want == NULL || have == NULL)
    return FALSE;
  return g_strcmp0 (g_uri_get_scheme (want), "http") == 0 &&
         g_strcmp0 (g_uri_get_scheme (have), "http") == 0 &&
         is_loopback_host (g_uri_get_host (want)) &&
         g_ascii_strcasecmp (g_uri_get_host (want), g_uri_get_host (have)) == 0 &&
         g_uri_get_userinfo (have) == NULL && g_uri_get_fragment (have) == NULL &&
         g_strcmp0 (g_uri_get_path (want), g_uri_get_path (have)) == 0 &&
         g_strcmp0 (g_uri_get_query (want), g_uri_get_query (have)) == 0;
}
