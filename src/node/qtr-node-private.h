/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "qtr-activity.h"
#include "qtr-fetcher.h"
#include "qtr-node.h"
#include "qtr-node-config.h"
#include "qtr-node-store.h"
#include "qtr-rate-limiter.h"

G_BEGIN_DECLS

/* What the route handlers of the node share. Only src/node includes this. */

#define QTR_AS2_CONTENT_TYPE "application/activity+json; charset=utf-8"
#define QTR_JRD_CONTENT_TYPE "application/jrd+json; charset=utf-8"

typedef struct _QtrRoute QtrRoute;

/**
 * QtrRouteHandler:
 * @node: the node
 * @msg: the request, to answer
 * @params: the path's named parts (`:name` in the route's pattern) to their values
 */
typedef void (*QtrRouteHandler) (QtrNode           *node,
                                 SoupServerMessage *msg,
                                 GHashTable        *params);

QtrNodeConfig *qtr_node_get_config (QtrNode *self);
QtrNodeStore  *qtr_node_get_store  (QtrNode *self);
QtrNodeOwner  *qtr_node_get_owner  (QtrNode *self);
char          *qtr_node_get_actor_url (QtrNode *self);
char          *qtr_node_get_host   (QtrNode *self);
QtrFetcher    *qtr_node_get_fetcher (QtrNode *self);
void           qtr_node_kick_deliveries (QtrNode *self);
GBytes        *qtr_node_get_document (QtrNode    *self,
                                      const char *name);
void           qtr_node_set_document (QtrNode    *self,
                                      const char *name,
                                      GBytes     *document);
void           qtr_node_forget_documents (QtrNode *self);
QtrRateLimiter *qtr_node_get_inbox_limiter (QtrNode *self);
/* Failed OAuth sign-ins one address may make per minute. */
#define QTR_NODE_LOGIN_ATTEMPTS_PER_MINUTE 5
QtrRateLimiter *qtr_node_get_login_limiter (QtrNode *self);
GHashTable    *qtr_node_get_form_tokens (QtrNode *self);
char          *qtr_node_get_client_address (QtrNode           *node,
                                            SoupServerMessage *msg);
void           qtr_node_schedule_inbox_processing (QtrNode *self);
gboolean       qtr_node_process_inbox (QtrNode *self);
gint64         qtr_node_remember_actor (QtrNode             *node,
                                        JsonObject          *json,
                                        QtrActorDoc         *doc,
                                        const QtrPublicKey  *key,
                                        GError             **error);
gboolean       qtr_node_receive_note (QtrNode      *node,
                                      QtrActivity  *activity,
                                      JsonObject   *json,
                                      gboolean      update,
                                      GError      **error);
gboolean       qtr_node_receive_note_delete (QtrNode      *node,
                                             QtrActivity  *activity,
                                             GError      **error);
gboolean       qtr_visibility_from_string (const char    *name,
                                           QtrVisibility *visibility);
gboolean       qtr_node_queue_activity (QtrNode             *node,
                                        JsonObject          *activity,
                                        const char * const  *inboxes,
                                        GError             **error);
void           qtr_node_inbox_early_cb (SoupServer        *server,
                                        SoupServerMessage *msg,
                                        const char        *path,
                                        GHashTable        *query,
                                        gpointer           user_data);

void qtr_node_respond_json  (SoupServerMessage *msg,
                             guint              status,
                             const char        *content_type,
                             JsonNode          *root);
void qtr_node_respond_error (SoupServerMessage *msg,
                             guint              status,
                             const char        *message);
void qtr_node_respond_text  (SoupServerMessage *msg,
                             guint              status,
                             const char        *content_type,
                             const char        *body);
gboolean qtr_node_wants_activity_json (SoupServerMessage *msg);

/* Handlers, one per route (see the table in qtr-node.c). */
void qtr_node_handle_webfinger      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_host_meta      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_nodeinfo_links (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_nodeinfo       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_actor          (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_profile        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_inbox          (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_activity       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_collection     (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status         (QtrNode *node, SoupServerMessage *msg, GHashTable *params);

G_END_DECLS
