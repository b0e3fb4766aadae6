/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include "qtr-delivery-queue.h"
#include "qtr-html.h"
#include "qtr-node-store-api.h"
#include "qtr-oauth.h"

/* The owner's settings and the node's upkeep, as `quitter-node` commands and the app's node
 * preferences change them: one function per change, which both call. Settings of node.conf
 * are written atomically through qtr-node-config; those that decide where the node listens
 * apply when it starts again. */

G_STATIC_ASSERT (QTR_NODE_PASSWORD_MIN_LENGTH == QTR_OAUTH_PASSWORD_MIN_LENGTH);

void
qtr_delivery_host_free (QtrDeliveryHost *host)
{
  if (host == NULL)
    return;
  g_free (host->host);
  g_free (host->last_error);
  g_free (host);
}

void
qtr_node_profile_free (QtrNodeProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->actor_url);
  g_free (profile->handle);
  g_free (profile->display_name);
  g_free (profile->summary);
  g_free (profile->avatar_url);
  g_strfreev (profile->also_known_as);
  g_free (profile->moved_to);
  g_free (profile);
}

/**
 * qtr_node_get_profile:
 *
 * Returns: (transfer full): the owner's profile, as read last from node.db
 */
QtrNodeProfile *
qtr_node_get_profile (QtrNode *node)
{
  QtrNodeOwner *owner;
  QtrNodeProfile *profile = g_new0 (QtrNodeProfile, 1);
  g_autofree char *host = NULL;

  g_return_val_if_fail (QTR_IS_NODE (node), NULL);

  qtr_node_refresh_owner (node);
  owner = qtr_node_get_owner (node);
  host = qtr_node_get_host (node);
  profile->actor_url = qtr_node_get_actor_url (node);
  profile->handle = g_strdup_printf ("@%s@%s", owner->username, host);
  profile->display_name = g_strdup (owner->display_name ? owner->display_name : "");
  profile->summary = owner->summary ? qtr_html_to_text (owner->summary) : g_strdup ("");
  if (owner->avatar_id > 0)
    {
      g_autoptr(QtrMedia) media = qtr_node_find_media (node, owner->avatar_id, NULL);

      profile->avatar_url = media ? g_strdup (media->url) : NULL;
    }
  profile->also_known_as = g_strdupv (owner->also_known_as);
  profile->moved_to = g_strdup (owner->moved_to);
  return profile;
}

static char *
mint_token (QtrNode     *node,
            gint64       app_row,
            const char  *scopes,
            GError     **error)
{
  g_autofree char *unknown = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  QtrOAuthScopes scope_set;

  if (!qtr_oauth_scopes_parse (scopes, &scope_set, &unknown))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "Unknown scope “%s”: use read, write, follow, push, profile or granular "
                   "ones such as read:accounts", unknown);
      return NULL;
    }
  if (scope_set == 0)
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                           "No scope was given: name at least one, e.g. read");
      return NULL;
    }

  normalized = qtr_oauth_scopes_to_string (scope_set);
  token = qtr_oauth_new_token ();
  hash = qtr_oauth_hash_token (token);
  if (qtr_node_store_add_token (qtr_node_get_store (node), hash, app_row, TRUE, normalized,
                                error) < 0)
    return NULL;
  return g_steal_pointer (&token);
}

/**
 * qtr_node_mint_token:
 * @scopes: what the token may do, e.g. "read write follow push"
 *
 * Makes a new access token of the client API acting for the owner, as an app would get by
 * signing in: for scripts (`quitter-node token`). Only its hash is kept.
 *
 * Returns: (transfer full): the token, or %NULL with @error set (%QTR_NODE_ERROR_INVALID for
 *   scopes that are unknown or none)
 */
char *
qtr_node_mint_token (QtrNode     *node,
                     const char  *scopes,
                     GError     **error)
{
  g_return_val_if_fail (QTR_IS_NODE (node), NULL);
  g_return_val_if_fail (scopes != NULL, NULL);

  return mint_token (node, 0, scopes, error);
}

/**
 * qtr_node_mint_app_token:
 * @app_name: the app's name, as the node lists the apps signed in
 * @scopes: what the token may do, e.g. "read write follow push"
 * @client_id: (out): the OAuth client id of the app
 * @client_secret: (out): its secret
 *
 * As qtr_node_mint_token(), for an app on this computer (the desktop app): the node registers
 * it as an OAuth app first, so that it can revoke its token (POST /oauth/revoke) as any app
 * signed in through the authorize page does.
 *
 * Returns: (transfer full): the token, or %NULL with @error set
 */
char *
qtr_node_mint_app_token (QtrNode     *node,
                         const char  *app_name,
                         const char  *scopes,
                         char       **client_id,
                         char       **client_secret,
                         GError     **error)
{
  g_autofree char *secret = NULL;
  g_autofree char *normalized = NULL;
  QtrOAuthApp app = { 0 };
  QtrOAuthScopes scope_set;
  char *token;
  gint64 row;

  g_return_val_if_fail (QTR_IS_NODE (node), NULL);
  g_return_val_if_fail (app_name != NULL && scopes != NULL, NULL);

  if (!qtr_oauth_scopes_parse (scopes, &scope_set, NULL) || scope_set == 0)
    return mint_token (node, 0, scopes, error);  /* says what is wrong with them */
  normalized = qtr_oauth_scopes_to_string (scope_set);
  secret = qtr_oauth_new_token ();
  app.name = (char *) app_name;
  app.redirect_uris = (char *) "urn:ietf:wg:oauth:2.0:oob";
  app.scopes = normalized;
  app.client_id = qtr_oauth_new_token ();
  app.secret_hash = qtr_oauth_hash_token (secret);
  row = qtr_node_store_add_app (qtr_node_get_store (node), &app, error);
  g_free (app.secret_hash);
  if (row < 0 || (token = mint_token (node, row, scopes, error)) == NULL)
    {
      g_free (app.client_id);
      return NULL;
    }
  *client_id = app.client_id;
  *client_secret = g_steal_pointer (&secret);
  return token;
}

/**
 * qtr_node_set_password:
 * @password: the new password, at least %QTR_NODE_PASSWORD_MIN_LENGTH characters
 *
 * Sets the password that apps (a phone app, Quitter on another computer) sign in to the node
 * with, through the OAuth authorize page. Only a slow hash of it is kept; hashing takes a
 * while, so call it off the UI thread.
 */
gboolean
qtr_node_set_password (QtrNode     *node,
                       const char  *password,
                       GError     **error)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (QTR_IS_NODE (node), FALSE);

  if (password == NULL || !g_utf8_validate (password, -1, NULL) ||
      g_utf8_strlen (password, -1) < QTR_NODE_PASSWORD_MIN_LENGTH)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "The password needs at least %d characters", QTR_NODE_PASSWORD_MIN_LENGTH);
      return FALSE;
    }
  hash = qtr_oauth_hash_password (password, QTR_OAUTH_PASSWORD_ITERATIONS, error);
  return hash != NULL &&
         qtr_node_store_set_password_hash (qtr_node_get_store (node), hash, error);
}

/* Saves a change of node.conf, or puts the settings back as they were. */
static gboolean
save_config_or_restore (QtrNode        *node,
                        QtrNodeConfig  *saved,
                        GError        **error)
{
  QtrNodeConfig *config = qtr_node_get_config (node);

  if (qtr_node_config_validate (config, error) && qtr_node_save_config (node, error))
    return TRUE;
  /* The settings in use stay those of node.conf. */
  g_free (config->base_url);
  config->base_url = g_steal_pointer (&saved->base_url);
  g_free (config->listen_address);
  config->listen_address = g_steal_pointer (&saved->listen_address);
  config->port = saved->port;
  g_strfreev (config->blocked_domains);
  config->blocked_domains = g_steal_pointer (&saved->blocked_domains);
  return FALSE;
}

static QtrNodeConfig *
copy_config (const QtrNodeConfig *config)
{
  QtrNodeConfig *copy = qtr_node_config_new ();

  g_free (copy->base_url);
  copy->base_url = g_strdup (config->base_url);
  g_free (copy->listen_address);
  copy->listen_address = g_strdup (config->listen_address);
  copy->port = config->port;
  g_strfreev (copy->blocked_domains);
  copy->blocked_domains = g_strdupv (config->blocked_domains);
  return copy;
}

/**
 * qtr_node_set_blocked_domains:
 * @domains: the hosts to refuse both ways (normalised; subdomains are blocked with them)
 *
 * Replaces node.conf's blocked domains. A running node refuses them at once.
 */
gboolean
qtr_node_set_blocked_domains (QtrNode             *node,
                              const char * const  *domains,
                              GError             **error)
{
  QtrNodeConfig *config;
  g_autoptr(QtrNodeConfig) saved = NULL;

  g_return_val_if_fail (QTR_IS_NODE (node), FALSE);

  config = qtr_node_get_config (node);
  saved = copy_config (config);
  g_strfreev (config->blocked_domains);
  config->blocked_domains = g_strdupv ((char **) domains);
  if (config->blocked_domains == NULL)
    config->blocked_domains = g_new0 (char *, 1);
  return save_config_or_restore (node, saved, error);
}

/**
 * qtr_node_get_blocked_domains:
 *
 * Returns: (transfer none): the blocked domains of node.conf
 */
const char * const *
qtr_node_get_blocked_domains (QtrNode *node)
{
  return (const char * const *) qtr_node_get_config (node)->blocked_domains;
}

/**
 * qtr_node_get_manual_approval:
 *
 * Returns: whether follows wait for the owner's approval (set with qtr_node_update_profile())
 */
gboolean
qtr_node_get_manual_approval (QtrNode *node)
{
  return qtr_node_get_config (node)->manual_approval;
}

/**
 * qtr_node_get_username:
 *
 * Returns: the owner's user name
 */
const char *
qtr_node_get_username (QtrNode *node)
{
  return qtr_node_get_config (node)->username;
}

/**
 * qtr_node_set_address:
 * @base_url: the public address (`https://domain`, or `http://` on loopback)
 * @listen_address: the IP address to listen on
 * @port: the TCP port, 0 for any free one
 *
 * Changes where the node is found and where it listens, in node.conf. They apply when the
 * node starts again. Other servers know the account by its address: changing a public
 * address that was in use loses the followers there.
 */
gboolean
qtr_node_set_address (QtrNode     *node,
                      const char  *base_url,
                      const char  *listen_address,
                      guint        port,
                      GError     **error)
{
  QtrNodeConfig *config;
  g_autoptr(QtrNodeConfig) saved = NULL;

  g_return_val_if_fail (QTR_IS_NODE (node), FALSE);

  config = qtr_node_get_config (node);
  saved = copy_config (config);
  g_free (config->base_url);
  config->base_url = g_strdup (base_url);
  g_free (config->listen_address);
  config->listen_address = g_strdup (listen_address);
  config->port = port;
  return save_config_or_restore (node, saved, error);
}

/**
 * qtr_node_get_configured_listen_address:
 *
 * Returns: the IP address node.conf says to listen on
 */
const char *
qtr_node_get_configured_listen_address (QtrNode *node)
{
  return qtr_node_get_config (node)->listen_address;
}

/**
 * qtr_node_get_configured_port:
 *
 * Returns: the port node.conf says to listen on (0: any free one)
 */
guint
qtr_node_get_configured_port (QtrNode *node)
{
  return qtr_node_get_config (node)->port;
}

/**
 * qtr_node_list_delivery_hosts:
 * @waiting: (out) (optional): how many deliveries wait in all
 *
 * Returns: (transfer full) (element-type QtrDeliveryHost): the hosts that deliveries wait
 *   for, those that failed most first; or %NULL with @error set
 */
GPtrArray *
qtr_node_list_delivery_hosts (QtrNode  *node,
                              gint64   *waiting,
                              GError  **error)
{
  g_autoptr(GPtrArray) hosts = NULL;

  g_return_val_if_fail (QTR_IS_NODE (node), NULL);

  hosts = qtr_node_store_delivery_hosts (qtr_node_get_store (node), error);
  if (hosts == NULL)
    return NULL;
  if (waiting != NULL)
    {
      *waiting = 0;
      for (guint i = 0; i < hosts->len; i++)
        *waiting += ((QtrDeliveryHost *) hosts->pdata[i])->waiting;
    }
  return g_steal_pointer (&hosts);
}

/**
 * qtr_node_retry_deliveries:
 *
 * Makes every waiting delivery due now, instead of after its backoff (a server's
 * Retry-After is still honoured), and, when the node runs here, sends them at once. A node
 * running in another process finds them within seconds.
 */
gboolean
qtr_node_retry_deliveries (QtrNode  *node,
                           GError  **error)
{
  g_return_val_if_fail (QTR_IS_NODE (node), FALSE);

  if (!qtr_node_store_hurry_deliveries (qtr_node_get_store (node),
                                        g_get_real_time () / G_USEC_PER_SEC, error))
    return FALSE;
  qtr_node_kick_deliveries (node);
  return TRUE;
}
