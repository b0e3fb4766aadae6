/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "qtr-activity.h"
#include "qtr-fetcher.h"
#include "qtr-http-signature.h"
#include "qtr-node.h"
#include "qtr-node-config.h"
#include "qtr-node-store.h"
#include "qtr-node-store-polls.h"
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
const char    *qtr_node_get_data_dir (QtrNode *self);
gboolean       qtr_node_save_config (QtrNode  *self,
                                     GError  **error);
void           qtr_node_kick_deliveries (QtrNode *self);
GCancellable  *qtr_node_get_cancellable (QtrNode *self);
gboolean       qtr_node_begin_fetch (QtrNode    *self,
                                     const char *key,
                                     guint       limit);
gboolean       qtr_node_end_fetch   (QtrNode    *self,
                                     const char *key);
guint          qtr_node_count_fetches (QtrNode *self);
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
gboolean       qtr_node_keep_note (QtrNode         *node,
                                   QtrNote         *note,
                                   QtrRemoteActor  *author,
                                   const char      *document,
                                   GError         **error);
void           qtr_node_resolve_note_async  (QtrNode             *node,
                                             const char          *uri,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
QtrStatus     *qtr_node_resolve_note_finish (QtrNode             *node,
                                             GAsyncResult        *result,
                                             GError             **error);
void           qtr_node_fetch_ancestors (QtrNode    *node,
                                         const char *uri,
                                         const char *in_reply_to);
GStrv          qtr_node_collect_post_inboxes (QtrNode    *node,
                                              QtrStatus  *status,
                                              GError    **error);
/* How long after a vote on one of the owner's polls its new counts go out: the votes
 * arriving meanwhile go in the same Update. */
#define QTR_POLL_UPDATE_SECONDS 2
void           qtr_node_poll_fill_question (JsonObject        *object,
                                            const QtrNodePoll *poll,
                                            gint64             now);
QtrNodePoll   *qtr_node_poll_from_request (const QtrPostRequest  *request,
                                           gint64                 now,
                                           GError               **error);
QtrNodePoll   *qtr_node_poll_from_note    (QtrNote  *note,
                                           gint64    status_id);
gboolean       qtr_node_keep_poll         (QtrNode   *node,
                                           QtrNote   *note,
                                           gint64     author_row,
                                           gboolean   update,
                                           GError   **error);
gboolean       qtr_node_receive_poll_vote (QtrNode         *node,
                                           QtrActivity     *activity,
                                           QtrRemoteActor  *author,
                                           gboolean        *handled,
                                           GError         **error);
gint64         qtr_node_tick_polls        (QtrNode *node);
void           qtr_node_schedule_polls    (QtrNode *self,
                                           guint    seconds);
gboolean       qtr_node_receive_announce (QtrNode      *node,
                                          QtrActivity  *activity,
                                          JsonObject   *json,
                                          GError      **error);
gboolean       qtr_node_receive_announce_undo (QtrNode      *node,
                                               const char   *announce_id,
                                               gint64        actor_row,
                                               GError      **error);
const char    *qtr_visibility_to_string (QtrVisibility visibility);
gint64         qtr_node_new_status_id (QtrNode  *node,
                                       GError  **error);
char          *qtr_node_format_time (gint64 unix_seconds);
gboolean       qtr_node_receive_note_delete (QtrNode      *node,
                                             QtrActivity  *activity,
                                             GError      **error);
gboolean       qtr_visibility_from_string (const char    *name,
                                           QtrVisibility *visibility);
JsonObject    *qtr_node_new_activity   (QtrNode             *node,
                                        const char          *type);
gboolean       qtr_node_queue_activity (QtrNode             *node,
                                        JsonObject          *activity,
                                        const char * const  *inboxes,
                                        GError             **error);
/**
 * QtrSignerFunc:
 * @signer: (nullable): the actor whose key verifies the request's signature
 * @error: (nullable): why there is no @signer
 *
 * What qtr_node_verify_signer() found.
 */
typedef void (*QtrSignerFunc) (QtrNode           *node,
                               SoupServerMessage *msg,
                               QtrRemoteActor    *signer,
                               GError            *error,
                               gpointer           user_data);

QtrHttpSignature *qtr_node_parse_signature (QtrNode            *node,
                                            SoupServerMessage  *msg,
                                            GBytes             *body,
                                            GError            **error);
void           qtr_node_verify_signer  (QtrNode             *node,
                                        SoupServerMessage   *msg,
                                        QtrHttpSignature    *signature,
                                        QtrSignerFunc        func,
                                        gpointer             user_data,
                                        GDestroyNotify       destroy);
void           qtr_node_respond_to_audience (QtrNode           *node,
                                             SoupServerMessage *msg,
                                             const char        *document);
gboolean       qtr_node_is_signed_by_blocked (QtrNode           *node,
                                              SoupServerMessage *msg);
void           qtr_node_start_catch_up (QtrNode      *node,
                                        gint64        since,
                                        GCancellable *cancellable);
gboolean       qtr_node_queue_follow (QtrNode         *node,
                                      QtrRemoteActor  *actor,
                                      GError         **error);
gboolean       qtr_node_queue_unfollow (QtrNode         *node,
                                        QtrRemoteActor  *actor,
                                        const char      *follow_uri,
                                        GError         **error);
void           qtr_node_fetch_actor_async (QtrNode             *node,
                                           const char          *handle,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
QtrActorDoc   *qtr_node_fetch_actor_finish (QtrNode       *node,
                                            GAsyncResult  *result,
                                            JsonObject   **json,
                                            GError       **error);
void           qtr_node_lookup_actor_async (QtrNode             *node,
                                            const char          *handle,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
QtrRemoteActor *qtr_node_lookup_actor_finish (QtrNode       *node,
                                             GAsyncResult  *result,
                                             GError       **error);
gboolean       qtr_node_answer_follow_request (QtrNode   *node,
                                               gint64     actor_row,
                                               gboolean   accept,
                                               GError   **error);
JsonNode      *qtr_node_build_person (QtrNode *node);
QtrNodeOwner  *qtr_node_copy_profile (const QtrNodeOwner *owner);
char          *qtr_node_format_field_value (const char *value);
gboolean       qtr_node_check_profile_edit (QtrNode               *node,
                                            const QtrProfileEdit  *edit,
                                            GError               **error);
gboolean       qtr_node_save_profile (QtrNode             *node,
                                      const QtrNodeOwner  *profile,
                                      JsonObject          *extra,
                                      GError             **error);
gboolean       qtr_node_reload_owner (QtrNode  *self,
                                      GError  **error);
void           qtr_node_refresh_owner (QtrNode *self);
gboolean       qtr_node_receive_move (QtrNode      *node,
                                      QtrActivity  *activity,
                                      GError      **error);
void           qtr_node_resume_moves (QtrNode *node);
void           qtr_node_inbox_early_cb (SoupServer        *server,
                                        SoupServerMessage *msg,
                                        const char        *path,
                                        GHashTable        *query,
                                        gpointer           user_data);

gboolean       qtr_media_sniff (const guint8  *data,
                                gsize          length,
                                const char   **media_type,
                                guint         *width,
                                guint         *height,
                                GError       **error);
const char    *qtr_media_get_extension (const char *media_type);
gboolean       qtr_media_is_image (const char *media_type);

void qtr_node_respond_json  (SoupServerMessage *msg,
                             guint              status,
                             const char        *content_type,
                             JsonNode          *root);
void qtr_node_respond_error (SoupServerMessage *msg,
                             guint              status,
                             const char        *message);
void qtr_node_respond_tombstone (SoupServerMessage *msg,
                                 const char        *uri);
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
void qtr_node_handle_media          (QtrNode *node, SoupServerMessage *msg, GHashTable *params);

G_END_DECLS
