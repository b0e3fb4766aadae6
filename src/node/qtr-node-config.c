/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-config.h"

#include <gio/gio.h>
#include <string.h>

#include "qtr-url.h"

#define GROUP "node"
#define MAX_USERNAME_LENGTH 30

G_DEFINE_QUARK (qtr-node-config-error-quark, qtr_node_config_error)

static gboolean
set_invalid (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
set_invalid (GError    **error,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_strcmp0 (host, "localhost") == 0 || g_str_has_suffix (host, ".localhost"))
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Mastodon's rule for local user names. */
static gboolean
is_valid_username (const char *name)
{
  gsize length = name ? strlen (name) : 0;

  if (length == 0 || length > MAX_USERNAME_LENGTH)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = name[i];
      gboolean inner = i > 0 && i < length - 1;

      if (!g_ascii_isalnum (c) && c != '_' && !(inner && (c == '.' || c == '-')))
        return FALSE;
    }
  return TRUE;
}

static GStrv
normalize_hosts (GStrv        hosts,
                 const char  *key,
                 GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; hosts != NULL && hosts[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *trimmed = g_strstrip (g_strdup (hosts[i]));
      g_autofree char *host = NULL;

      if (*trimmed == '\0')
        continue;
      host = qtr_host_normalize (trimmed, &local_error);
      if (host == NULL)
        {
          set_invalid (error, "%s: %s", key, local_error->message);
          return NULL;
        }
      g_strv_builder_add (builder, host);
    }
  return g_strv_builder_end (builder);
}

QtrNodeConfig *
qtr_node_config_new (void)
{
  QtrNodeConfig *config = g_new0 (QtrNodeConfig, 1);

  config->listen_address = g_strdup ("127.0.0.1");
  config->port = QTR_NODE_CONFIG_DEFAULT_PORT;
  config->blocked_domains = g_new0 (char *, 1);
  config->trusted_proxies = g_new0 (char *, 1);
  config->inbox_rate_limit = QTR_NODE_CONFIG_DEFAULT_INBOX_RATE_LIMIT;
  return config;
}

void
qtr_node_config_free (QtrNodeConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->base_url);
  g_free (config->username);
  g_free (config->listen_address);
  g_strfreev (config->blocked_domains);
  g_strfreev (config->trusted_proxies);
  g_free (config);
}

/**
 * qtr_node_config_set_base_url:
 * @url: the public address: `https://domain`, or `http://` on a loopback host (for tests)
 *
 * Normalises and sets the base URL. It has no path: WebFinger and NodeInfo live at the root.
 */
gboolean
qtr_node_config_set_base_url (QtrNodeConfig  *config,
                              const char     *url,
                              GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *normalized = NULL;
  g_autoptr(GUri) uri = NULL;

  normalized = qtr_url_normalize (url, &local_error);
  if (normalized == NULL)
    return set_invalid (error, "base_url: %s", local_error->message);

  uri = g_uri_parse (normalized, G_URI_FLAGS_ENCODED, NULL);
  if (g_strcmp0 (g_uri_get_path (uri), "/") != 0 || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    return set_invalid (error, "base_url: “%s” has a path; give only the scheme and host, "
                        "e.g. https://example.org", url);

  if (g_str_equal (g_uri_get_scheme (uri), "http") && !is_loopback_host (g_uri_get_host (uri)))
    return set_invalid (error, "base_url: “%s” is not https; other servers only federate "
                        "with https (http is accepted on loopback, for tests)", url);

  normalized[strlen (normalized) - 1] = '\0';  /* the trailing slash */
  g_free (config->base_url);
  config->base_url = g_steal_pointer (&normalized);
  return TRUE;
}

/**
 * qtr_node_config_check_username:
 * @name: (nullable): a user name the owner asks for
 *
 * Checks a user name as `quitter-node init` does: letters, digits and _, with . and - inside,
 * up to 30 characters (Mastodon's rule).
 */
gboolean
qtr_node_config_check_username (const char  *name,
                                GError     **error)
{
  if (!is_valid_username (name))
    return set_invalid (error, "username: “%s” is not a valid user name (letters, digits and "
                        "_, up to %d characters)", name ? name : "", MAX_USERNAME_LENGTH);
  return TRUE;
}

/**
 * qtr_node_config_validate:
 *
 * Checks every key and normalises the host lists in place.
 */
gboolean
qtr_node_config_validate (QtrNodeConfig  *config,
                          GError        **error)
{
  g_autoptr(GInetAddress) listen = NULL;
  GStrv blocked, proxies;

  if (config->base_url == NULL)
    return set_invalid (error, "base_url is missing; set it to the node’s public address, "
                        "e.g. https://example.org");
  if (!qtr_node_config_set_base_url (config, config->base_url, error))
    return FALSE;

  if (!qtr_node_config_check_username (config->username, error))
    return FALSE;

  listen = config->listen_address ? g_inet_address_new_from_string (config->listen_address)
                                  : NULL;
  if (listen == NULL)
    return set_invalid (error, "listen: “%s” is not an IP address",
                        config->listen_address ? config->listen_address : "");

  if (config->port > 65535)
    return set_invalid (error, "port: %u is not a TCP port (1–65535)", config->port);

  blocked = normalize_hosts (config->blocked_domains, "blocked_domains", error);
  if (blocked == NULL)
    return FALSE;
  g_strfreev (config->blocked_domains);
  config->blocked_domains = blocked;

  for (guint i = 0; config->trusted_proxies && config->trusted_proxies[i]; i++)
    {
      g_autoptr(GInetAddress) proxy = g_inet_address_new_from_string (config->trusted_proxies[i]);

      if (proxy == NULL)
        return set_invalid (error, "trusted_proxies: “%s” is not an IP address",
                            config->trusted_proxies[i]);
    }
  proxies = g_strdupv (config->trusted_proxies);
  g_strfreev (config->trusted_proxies);
  config->trusted_proxies = proxies;
  return TRUE;
}

static char *
read_string (GKeyFile   *file,
             const char *key)
{
  char *value = g_key_file_get_string (file, GROUP, key, NULL);

  if (value != NULL)
    g_strstrip (value);
  return value;
}

/**
 * qtr_node_config_load:
 *
 * Reads and validates `node.conf`. Keys it does not know are ignored; missing ones take their
 * defaults, but `base_url` and `username` are required.
 */
QtrNodeConfig *
qtr_node_config_load (const char  *path,
                      GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(QtrNodeConfig) config = qtr_node_config_new ();
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_NOT_FOUND,
                     "%s does not exist: set the node up first with “quitter-node init”", path);
      else
        g_set_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID,
                     "%s cannot be read: %s", path, local_error->message);
      return NULL;
    }

  g_free (config->base_url);
  config->base_url = read_string (file, "base_url");
  config->username = read_string (file, "username");

  if (g_key_file_has_key (file, GROUP, "listen", NULL))
    {
      g_free (config->listen_address);
      config->listen_address = read_string (file, "listen");
    }

  if (g_key_file_has_key (file, GROUP, "port", NULL))
    {
      int port = g_key_file_get_integer (file, GROUP, "port", &local_error);

      if (local_error != NULL || port < 0 || port > 65535)
        {
          g_set_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID,
                       "%s: port must be a number from 1 to 65535", path);
          return NULL;
        }
      config->port = (guint) port;
    }

  for (guint i = 0; i < 2; i++)
    {
      const char *key = i == 0 ? "manual_approval" : "allow_private_addresses";
      gboolean *value = i == 0 ? &config->manual_approval : &config->allow_private_addresses;

      if (!g_key_file_has_key (file, GROUP, key, NULL))
        continue;
      *value = g_key_file_get_boolean (file, GROUP, key, &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID,
                       "%s: %s must be true or false", path, key);
          return NULL;
        }
    }

  if (g_key_file_has_key (file, GROUP, "blocked_domains", NULL))
    {
      g_strfreev (config->blocked_domains);
      config->blocked_domains = g_key_file_get_string_list (file, GROUP, "blocked_domains",
                                                            NULL, NULL);
    }
  if (g_key_file_has_key (file, GROUP, "inbox_rate_limit", NULL))
    {
      int limit = g_key_file_get_integer (file, GROUP, "inbox_rate_limit", &local_error);

      if (local_error != NULL || limit < 0)
        {
          g_set_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID,
                       "%s: inbox_rate_limit must be a number of deliveries per minute, or 0 "
                       "for no limit", path);
          return NULL;
        }
      config->inbox_rate_limit = (guint) limit;
    }

  if (g_key_file_has_key (file, GROUP, "trusted_proxies", NULL))
    {
      g_strfreev (config->trusted_proxies);
      config->trusted_proxies = g_key_file_get_string_list (file, GROUP, "trusted_proxies",
                                                            NULL, NULL);
    }

  if (!qtr_node_config_validate (config, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return NULL;
    }
  return g_steal_pointer (&config);
}

/**
 * qtr_node_config_save:
 *
 * Writes `node.conf` atomically, readable by its owner only.
 */
gboolean
qtr_node_config_save (const QtrNodeConfig  *config,
                      const char           *path,
                      GError              **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize length;

  g_key_file_set_comment (file, NULL, NULL,
                          " Quitter node settings. quitter-node run --listen/--port override "
                          "listen and port.", NULL);
  g_key_file_set_string (file, GROUP, "base_url", config->base_url ? config->base_url : "");
  g_key_file_set_string (file, GROUP, "username", config->username ? config->username : "");
  g_key_file_set_string (file, GROUP, "listen", config->listen_address);
  g_key_file_set_integer (file, GROUP, "port", (int) config->port);
  g_key_file_set_boolean (file, GROUP, "manual_approval", config->manual_approval);
  g_key_file_set_boolean (file, GROUP, "allow_private_addresses",
                          config->allow_private_addresses);
  g_key_file_set_string_list (file, GROUP, "blocked_domains",
                              (const char * const *) config->blocked_domains,
                              g_strv_length (config->blocked_domains));
  g_key_file_set_integer (file, GROUP, "inbox_rate_limit", (int) config->inbox_rate_limit);
  g_key_file_set_string_list (file, GROUP, "trusted_proxies",
                              (const char * const *) config->trusted_proxies,
                              g_strv_length (config->trusted_proxies));

  data = g_key_file_to_data (file, &length, NULL);
  return g_file_set_contents_full (path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* "host:port" and "[v6]:port" without the port; a bare host as it is. */
static char *
strip_port (const char *authority)
{
  const char *colon = strrchr (authority, ':');

  if (authority[0] == '[')
    {
      const char *end = strchr (authority, ']');
      return end != NULL ? g_strndup (authority, end - authority + 1) : g_strdup (authority);
    }
  if (colon != NULL && strchr (authority, ':') == colon)
    return g_strndup (authority, colon - authority);
  return g_strdup (authority);
}

/**
 * qtr_node_config_is_blocked:
 * @host: a normalised host, with or without `:port`
 *
 * A domain is blocked whatever port its servers use.
 *
 * Returns: %TRUE when @host or a domain above it is blocked
 */
gboolean
qtr_node_config_is_blocked (const QtrNodeConfig *config,
                            const char          *host)
{
  g_autofree char *bare = NULL;

  if (host == NULL)
    return FALSE;
  bare = strip_port (host);
  for (guint i = 0; config->blocked_domains && config->blocked_domains[i]; i++)
    {
      const char *blocked = config->blocked_domains[i];
      gsize host_length = strlen (bare), blocked_length = strlen (blocked);

      if (g_str_equal (host, blocked) || g_str_equal (bare, blocked))
        return TRUE;
      if (host_length > blocked_length && g_str_has_suffix (bare, blocked) &&
          bare[host_length - blocked_length - 1] == '.')
        return TRUE;
    }
  return FALSE;
}

/**
 * qtr_node_config_get_host:
 *
 * Returns: (transfer full): the host (with `:port` when not the default) of the base URL:
 *   the part after the `@` in the owner's handle
 */
char *
qtr_node_config_get_host (const QtrNodeConfig *config)
{
  return qtr_url_get_authority (config->base_url);
}

/**
 * qtr_node_config_is_trusted_proxy:
 * @address: an IP address, as text
 *
 * Returns: %TRUE when @address is one of the reverse proxies named in trusted_proxies
 */
gboolean
qtr_node_config_is_trusted_proxy (const QtrNodeConfig *config,
                                  const char          *address)
{
  g_autoptr(GInetAddress) wanted = address ? g_inet_address_new_from_string (address) : NULL;

  if (wanted == NULL)
    return FALSE;
  for (guint i = 0; config->trusted_proxies && config->trusted_proxies[i]; i++)
    {
      g_autoptr(GInetAddress) proxy = g_inet_address_new_from_string (config->trusted_proxies[i]);

      if (proxy != NULL && g_inet_address_equal (proxy, wanted))
        return TRUE;
    }
  return FALSE;
}
