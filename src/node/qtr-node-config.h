/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QTR_NODE_CONFIG_ERROR (qtr_node_config_error_quark ())

/**
 * QtrNodeConfigError:
 * @QTR_NODE_CONFIG_ERROR_NOT_FOUND: there is no node.conf: the node was never set up
 * @QTR_NODE_CONFIG_ERROR_INVALID: a key has a value the node cannot use; the message names it
 */
typedef enum {
  QTR_NODE_CONFIG_ERROR_NOT_FOUND,
  QTR_NODE_CONFIG_ERROR_INVALID,
} QtrNodeConfigError;

GQuark qtr_node_config_error_quark (void);

/**
 * QtrNodeConfig:
 * @base_url: the public address, normalised, without a trailing slash (`https://example.org`)
 * @username: the local part of the owner's handle
 * @listen_address: the IP address to listen on (127.0.0.1 unless going public on purpose)
 * @port: the TCP port; 0 picks a free one
 * @manual_approval: followers wait for the owner's approval
 * @allow_private_addresses: lets fetches and deliveries reach loopback and private addresses
 *   (tests federating over loopback; a node on a home network)
 * @blocked_domains: normalised hosts refused both ways
 * @trusted_proxies: IP addresses of reverse proxies, whose X-Forwarded-For is believed
 * @inbox_rate_limit: deliveries one remote address may make per minute (0: no limit)
 *
 * The keys of `node.conf`, group `[node]`.
 */
typedef struct {
  char     *base_url;
  char     *username;
  char     *listen_address;
  guint     port;
  gboolean  manual_approval;
  gboolean  allow_private_addresses;
  GStrv     blocked_domains;
  GStrv     trusted_proxies;
  guint     inbox_rate_limit;
} QtrNodeConfig;

#define QTR_NODE_CONFIG_DEFAULT_PORT 8008
#define QTR_NODE_CONFIG_DEFAULT_INBOX_RATE_LIMIT 3000

QtrNodeConfig *qtr_node_config_new       (void);
void           qtr_node_config_free      (QtrNodeConfig        *config);
QtrNodeConfig *qtr_node_config_load      (const char           *path,
                                          GError              **error);
gboolean       qtr_node_config_save      (const QtrNodeConfig  *config,
                                          const char           *path,
                                          GError              **error);
gboolean       qtr_node_config_set_base_url (QtrNodeConfig     *config,
                                          const char           *url,
                                          GError              **error);
gboolean       qtr_node_config_validate  (QtrNodeConfig        *config,
                                          GError              **error);
gboolean       qtr_node_config_check_username (const char      *name,
                                          GError              **error);
gboolean       qtr_node_config_is_blocked (const QtrNodeConfig *config,
                                          const char           *host);
char          *qtr_node_config_get_host  (const QtrNodeConfig  *config);
gboolean       qtr_node_config_is_trusted_proxy (const QtrNodeConfig *config,
                                          const char           *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrNodeConfig, qtr_node_config_free)

G_END_DECLS
