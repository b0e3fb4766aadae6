/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-url.h"

#include <arpa/inet.h>
#include <string.h>

/* Hosts, URLs and handles, normalised so that two spellings of one place compare equal:
 * `HTTPS://Example.ORG.:443/users/a` and `https://example.org/users/a`, `@Bob@Bücher.example`
 * and `bob@xn--bcher-kva.example`. */

#define MAX_HOST_LENGTH 253
#define MAX_LABEL_LENGTH 63
#define MAX_USER_LENGTH 256

G_DEFINE_QUARK (qtr-url-error-quark, qtr_url_error)

static char *
normalize_ipv6 (const char *text)
{
  struct in6_addr addr;
  char buf[INET6_ADDRSTRLEN];

  if (inet_pton (AF_INET6, text, &addr) != 1)
    return NULL;
  if (inet_ntop (AF_INET6, &addr, buf, sizeof buf) == NULL)
    return NULL;
  return g_strdup (buf);
}

static gboolean
is_valid_dns_name (const char *host)
{
  gsize label_length = 0;
  gsize length = strlen (host);

  if (length == 0 || length > MAX_HOST_LENGTH)
    return FALSE;

  for (const char *p = host; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          if (label_length == 0 || p[-1] == '-')
            return FALSE;
          label_length = 0;
          continue;
        }
      if (!g_ascii_isalnum (*p) && *p != '-')
        return FALSE;
      if (*p == '-' && label_length == 0)
        return FALSE;
      if (++label_length > MAX_LABEL_LENGTH)
        return FALSE;
    }
  return label_length > 0 && host[length - 1] != '-';
}

static gboolean
set_invalid_host (const char  *host,
                  GError     **error)
{
  g_set_error (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID_HOST,
               "“%s” is not a valid host name", host);
  return FALSE;
}

/**
 * qtr_host_normalize:
 * @host: a host name (Unicode or ASCII), an IPv4 address, or an IPv6 address with or without
 *   brackets
 *
 * Lowercases, converts international names to their ASCII (IDNA) form and drops a trailing dot.
 * IPv6 addresses come back in their canonical text form, without brackets.
 *
 * Returns: (transfer full): the normalised host, or %NULL with @error set
 */
char *
qtr_host_normalize (const char  *host,
                    GError     **error)
{
  g_autofree char *bare = NULL;
  g_autofree char *ascii = NULL;
  gsize length;

  if (host == NULL || *host == '\0')
    {
      g_set_error_literal (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID_HOST,
                           "The host name is empty");
      return NULL;
    }

  length = strlen (host);
  if (host[0] == '[' && length > 2 && host[length - 1] == ']')
    bare = g_strndup (host + 1, length - 2);
  else
    bare = g_strdup (host);

  if (strchr (bare, ':') != NULL)
    {
      char *v6 = normalize_ipv6 (bare);

      if (v6 == NULL)
        set_invalid_host (host, error);
      return v6;
    }

  length = strlen (bare);
  if (length > 1 && bare[length - 1] == '.')
    bare[length - 1] = '\0';

  if (!g_utf8_validate (bare, -1, NULL))
    {
      g_set_error_literal (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID_HOST,
                           "The host name is not valid UTF-8");
      return NULL;
    }

  ascii = g_hostname_to_ascii (bare);
  if (ascii == NULL)
    {
      set_invalid_host (host, error);
      return NULL;
    }

  {
    char *lower = g_ascii_strdown (ascii, -1);

    if (!is_valid_dns_name (lower))
      {
        g_free (lower);
        set_invalid_host (host, error);
        return NULL;
      }
    return lower;
  }
}

static int
default_port_for_scheme (const char *scheme)
{
  if (g_strcmp0 (scheme, "https") == 0)
    return 443;
  if (g_strcmp0 (scheme, "http") == 0)
    return 80;
  return -1;
}

static GUri *
parse_http_url (const char  *url,
                GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  const char *path;
  int port;

  if (url == NULL)
    {
      g_set_error_literal (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID, "No URL was given");
      return NULL;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID,
                   "“%s” is not an absolute URL", url);
      return NULL;
    }

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  if (default_port_for_scheme (scheme) < 0)
    {
      g_set_error (error, QTR_URL_ERROR, QTR_URL_ERROR_UNSUPPORTED_SCHEME,
                   "“%s” is not an http or https URL", url);
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID,
                   "“%s” carries a user name or password, which is not accepted", url);
      return NULL;
    }

  host = qtr_host_normalize (g_uri_get_host (uri), error);
  if (host == NULL)
    return NULL;

  port = g_uri_get_port (uri);
  if (port == default_port_for_scheme (scheme))
    port = -1;

  path = g_uri_get_path (uri);
  return g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL, host, port,
                      *path == '\0' ? "/" : path,
                      g_uri_get_query (uri), g_uri_get_fragment (uri));
}

static char *
format_authority (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  gboolean ipv6 = strchr (host, ':') != NULL;
  int port = g_uri_get_port (uri);

  if (port > 0)
    return g_strdup_printf (ipv6 ? "[%s]:%d" : "%s:%d", host, port);
  return g_strdup_printf (ipv6 ? "[%s]" : "%s", host);
}

/**
 * qtr_url_normalize:
 * @url: an absolute http or https URL
 *
 * Lowercases the scheme and host, converts the host to its ASCII form, drops a trailing dot on
 * the host and the scheme's default port, and gives an empty path as `/`. The path, query and
 * fragment are kept as written.
 *
 * Returns: (transfer full): the normalised URL, or %NULL with @error set
 */
char *
qtr_url_normalize (const char  *url,
                   GError     **error)
{
  g_autoptr(GUri) uri = parse_http_url (url, error);

  if (uri == NULL)
    return NULL;
  return g_uri_to_string (uri);
}

/**
 * qtr_url_get_authority:
 *
 * Returns: (transfer full) (nullable): the normalised `host` or `host:port` of an http(s) URL,
 *   or %NULL when @url is not one
 */
char *
qtr_url_get_authority (const char *url)
{
  g_autoptr(GUri) uri = parse_http_url (url, NULL);

  if (uri == NULL)
    return NULL;
  return format_authority (uri);
}

/**
 * qtr_url_same_host:
 *
 * Returns: %TRUE when both are http(s) URLs on the same host and port, however spelled
 */
gboolean
qtr_url_same_host (const char *a,
                   const char *b)
{
  g_autofree char *authority_a = qtr_url_get_authority (a);
  g_autofree char *authority_b = qtr_url_get_authority (b);

  return authority_a != NULL && g_strcmp0 (authority_a, authority_b) == 0;
}

static gboolean
is_valid_user (const char *user)
{
  gsize length = strlen (user);

  if (length == 0 || length > MAX_USER_LENGTH)
    return FALSE;
  for (const char *p = user; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_' && *p != '.' && *p != '-')
        return FALSE;
    }
  return TRUE;
}

static char *
normalize_handle_host (const char  *text,
                       GError     **error)
{
  g_autofree char *host_part = NULL;
  g_autofree char *host = NULL;
  const char *port_part = NULL;
  guint64 port = 0;

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL)
        {
          set_invalid_host (text, error);
          return NULL;
        }
      host_part = g_strndup (text, end - text + 1);
      if (end[1] == ':')
        port_part = end + 2;
      else if (end[1] != '\0')
        {
          set_invalid_host (text, error);
          return NULL;
        }
    }
  else
    {
      const char *colon = strrchr (text, ':');

      host_part = colon ? g_strndup (text, colon - text) : g_strdup (text);
      port_part = colon ? colon + 1 : NULL;
    }

  if (port_part != NULL &&
      (!g_ascii_string_to_unsigned (port_part, 10, 1, 65535, &port, NULL)))
    {
      g_set_error (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID_HOST,
                   "“%s” is not a valid port", port_part);
      return NULL;
    }

  host = qtr_host_normalize (host_part, error);
  if (host == NULL)
    return NULL;

  /* Handles are looked up over https, so :443 is the same account as none. */
  if (port == 0 || port == 443)
    return strchr (host, ':') ? g_strdup_printf ("[%s]", host) : g_steal_pointer (&host);
  return g_strdup_printf (strchr (host, ':') ? "[%s]:%" G_GUINT64_FORMAT : "%s:%" G_GUINT64_FORMAT,
                          host, port);
}

/**
 * qtr_handle_parse:
 * @text: `@user@host`, `user@host` or `acct:user@host`, with surrounding blanks allowed
 *
 * Returns: (transfer full): the handle with its host normalised, or %NULL with @error set
 */
QtrHandle *
qtr_handle_parse (const char  *text,
                  GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *host = NULL;
  const char *start;
  const char *at;
  QtrHandle *handle;

  if (text == NULL)
    text = "";

  trimmed = g_strstrip (g_strdup (text));
  start = trimmed;
  if (g_ascii_strncasecmp (start, "acct:", 5) == 0)
    start += 5;
  if (*start == '@')
    start++;

  at = strchr (start, '@');
  if (at == NULL || at == start || strchr (at + 1, '@') != NULL || at[1] == '\0')
    {
      g_set_error (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID_HANDLE,
                   "“%s” is not an account address; write it as @user@server.example", text);
      return NULL;
    }

  {
    g_autofree char *user = g_strndup (start, at - start);

    if (!is_valid_user (user))
      {
        g_set_error (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID_HANDLE,
                     "“%s” is not a valid user name", user);
        return NULL;
      }

    host = normalize_handle_host (at + 1, error);
    if (host == NULL)
      return NULL;

    handle = g_new0 (QtrHandle, 1);
    handle->user = g_steal_pointer (&user);
    handle->host = g_steal_pointer (&host);
  }
  return handle;
}

QtrHandle *
qtr_handle_copy (const QtrHandle *handle)
{
  QtrHandle *copy;

  g_return_val_if_fail (handle != NULL, NULL);

  copy = g_new0 (QtrHandle, 1);
  copy->user = g_strdup (handle->user);
  copy->host = g_strdup (handle->host);
  return copy;
}

void
qtr_handle_free (QtrHandle *handle)
{
  if (handle == NULL)
    return;
  g_free (handle->user);
  g_free (handle->host);
  g_free (handle);
}

/**
 * qtr_handle_to_string:
 *
 * Returns: (transfer full): `user@host`, without the leading `@`
 */
char *
qtr_handle_to_string (const QtrHandle *handle)
{
  g_return_val_if_fail (handle != NULL, NULL);
  return g_strdup_printf ("%s@%s", handle->user, handle->host);
}

/**
 * qtr_handle_equal:
 *
 * Returns: %TRUE when both name the same account: hosts equal once normalised, user names equal
 *   ignoring ASCII case (as Mastodon and WebFinger lookups treat them)
 */
gboolean
qtr_handle_equal (const QtrHandle *a,
                  const QtrHandle *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return g_ascii_strcasecmp (a->user, b->user) == 0 && g_strcmp0 (a->host, b->host) == 0;
}
