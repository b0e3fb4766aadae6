/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-node-private.h"
#include "qtr-node-store-api.h"
#include "qtr-node-store-search.h"
#include "qtr-node-store-statuses.h"
#include "qtr-oauth.h"

G_BEGIN_DECLS

/* The Mastodon client API's shared layer: reading parameters, CORS, tokens and scopes, and
 * one serialiser per entity. Handlers of /api and /oauth build on these. */

/**
 * QtrApiAccess:
 * @QTR_API_PUBLIC: anyone; a token, when sent, must still be valid
 * @QTR_API_APP: a valid token, an app-only one will do
 * @QTR_API_USER: a valid token that acts for the owner
 *
 * Who may call an endpoint.
 */
typedef enum {
  QTR_API_PUBLIC,
  QTR_API_APP,
  QTR_API_USER,
} QtrApiAccess;

/**
 * QtrApiAuth:
 * @token: (nullable): the request's token, %NULL for an anonymous request
 *
 * Who makes a request, as qtr_node_api_authorize() found out.
 */
typedef struct {
  QtrOAuthToken *token;
} QtrApiAuth;

void qtr_api_auth_clear (QtrApiAuth *auth);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QtrApiAuth, qtr_api_auth_clear)

#define QTR_API_MAX_BODY_SIZE (64 * 1024)

/* What the instance entities announce, and what the endpoints enforce. */
#define QTR_API_MAX_CHARACTERS 500
#define QTR_API_MAX_MEDIA_ATTACHMENTS 4
#define QTR_API_CHARACTERS_RESERVED_PER_URL 23
#define QTR_API_IMAGE_SIZE_LIMIT (16 * 1024 * 1024)
#define QTR_API_IMAGE_MATRIX_LIMIT 33177600
#define QTR_API_VIDEO_SIZE_LIMIT (99 * 1024 * 1024)
#define QTR_API_VIDEO_FRAME_RATE_LIMIT 120
#define QTR_API_VIDEO_MATRIX_LIMIT 8294400
#define QTR_API_MAX_POLL_OPTIONS 4
#define QTR_API_MAX_POLL_OPTION_CHARACTERS 50
#define QTR_API_MIN_POLL_EXPIRATION 300
#define QTR_API_MAX_POLL_EXPIRATION 2629746

gboolean    qtr_node_api_authorize        (QtrNode            *node,
                                           SoupServerMessage  *msg,
                                           QtrApiAccess        access,
                                           const char         *scopes,
                                           QtrApiAuth         *auth);
char       *qtr_node_api_get_bearer_token (SoupServerMessage  *msg);
GHashTable *qtr_node_api_read_params      (SoupServerMessage  *msg,
                                           guint              *status,
                                           GError            **error);
GHashTable *qtr_node_api_read_params_full (SoupServerMessage *msg,
                                           gsize               max_size,
                                           GHashTable         *files,
                                           guint              *status,
                                           GError            **error);
gsize       qtr_node_api_get_upload_limit (const char         *path);
void        qtr_node_api_early_cb         (SoupServer         *server,
                                           SoupServerMessage  *msg,
                                           const char         *path,
                                           GHashTable         *query,
                                           gpointer            user_data);
gboolean    qtr_node_api_apply_cors       (SoupServerMessage  *msg,
                                           const char         *path);
void        qtr_node_api_respond          (SoupServerMessage  *msg,
                                           JsonBuilder        *builder);
void        qtr_node_api_respond_internal_error (SoupServerMessage *msg,
                                           const GError       *error);
void        qtr_node_api_respond_empty    (SoupServerMessage  *msg);
gboolean    qtr_node_api_parse_boolean    (const char         *text,
                                           gboolean           *value);

void        qtr_node_api_add_strings      (JsonBuilder        *builder,
                                           const char         *name,
                                           const char * const *values);
char       *qtr_node_api_account_id       (gint64              actor_row);
gboolean    qtr_node_api_parse_id         (const char         *text,
                                           gint64             *value);
gboolean    qtr_node_api_parse_account_id (const char         *id,
                                           gint64             *actor_row);
gboolean    qtr_node_api_add_account      (JsonBuilder        *builder,
                                           QtrNode            *node,
                                           gint64              actor_row,
                                           gboolean            with_source,
                                           GError            **error);
void        qtr_node_api_add_remote_account (JsonBuilder      *builder,
                                           QtrNode            *node,
                                           const QtrRemoteActor *actor);
void        qtr_node_api_respond_accounts (QtrNode            *node,
                                           SoupServerMessage  *msg,
                                           GArray             *rows);

/**
 * QtrApiStatusFlags:
 * @QTR_API_STATUS_NONE: the Status as anyone sees it
 * @QTR_API_STATUS_VIEWER: the owner asks: add favourited, reblogged, muted, bookmarked and
 *   pinned
 * @QTR_API_STATUS_SOURCE: add `text`, the plain text the owner wrote (for delete and
 *   redraft)
 */
typedef enum {
  QTR_API_STATUS_NONE = 0,
  QTR_API_STATUS_VIEWER = 1 << 0,
  QTR_API_STATUS_SOURCE = 1 << 1,
} QtrApiStatusFlags;

gboolean    qtr_node_api_is_owner         (const QtrApiAuth   *auth);
gboolean    qtr_node_api_can_see_status   (const QtrStatus    *status,
                                           const QtrApiAuth   *auth);
gboolean    qtr_node_api_parse_status_id  (const char         *id,
                                           gint64             *row);
gboolean    qtr_node_api_add_status       (JsonBuilder        *builder,
                                           QtrNode            *node,
                                           const QtrStatus    *status,
                                           QtrApiStatusFlags   flags,
                                           GError            **error);
gboolean    qtr_node_api_add_poll         (JsonBuilder        *builder,
                                           QtrNode            *node,
                                           const QtrStatus    *status,
                                           QtrApiStatusFlags   flags,
                                           GError            **error);
gboolean    qtr_node_api_add_status_by_id (JsonBuilder        *builder,
                                           QtrNode            *node,
                                           gint64              row,
                                           QtrApiStatusFlags   flags,
                                           GError            **error);
gboolean    qtr_node_api_read_page        (GHashTable         *query,
                                           QtrPage            *page,
                                           guint               default_limit,
                                           guint               max_limit);
void        qtr_node_api_set_link_header  (QtrNode            *node,
                                           SoupServerMessage  *msg,
                                           GHashTable         *query,
                                           const char * const *kept,
                                           GArray             *items);
void        qtr_node_api_respond_status_page (QtrNode         *node,
                                           SoupServerMessage  *msg,
                                           const QtrApiAuth   *auth,
                                           GHashTable         *query,
                                           const char * const *kept,
                                           const QtrPageQuery *list,
                                           const QtrPage      *page,
                                           const char         *filter_context);
gboolean    qtr_node_api_filter_status    (QtrNode            *node,
                                           JsonObject         *status,
                                           const char         *context,
                                           gboolean           *hidden,
                                           GError            **error);
JsonNode   *qtr_node_api_build_filtered_status (QtrNode       *node,
                                           const QtrStatus    *status,
                                           QtrApiStatusFlags   flags,
                                           const char         *context,
                                           gboolean           *hidden,
                                           GError            **error);
gboolean    qtr_node_api_add_filtered_status (JsonBuilder     *builder,
                                           QtrNode            *node,
                                           const QtrStatus    *status,
                                           QtrApiStatusFlags   flags,
                                           const char         *context,
                                           gboolean           *hidden,
                                           GError            **error);
gboolean    qtr_node_api_notification_is_shown (const char *type);
gboolean    qtr_node_api_add_filtered_notification (JsonBuilder *builder,
                                           QtrNode            *node,
                                           const QtrNotification *notification,
                                           gboolean           *hidden,
                                           GError            **error);
gboolean    qtr_node_api_add_notification (JsonBuilder        *builder,
                                           QtrNode            *node,
                                           const QtrNotification *notification,
                                           GError            **error);

/* Handlers, one per route (see the table in qtr-node.c). */
void qtr_node_handle_apps            (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_app_credentials (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_authorize_page  (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_authorize       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_token           (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_revoke          (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_oauth_metadata  (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_instance_v1     (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_instance_v2     (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_verify_credentials (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account         (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_lookup  (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_default_image   (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
/* qtr-node-api-statuses.c */
void qtr_node_handle_status_create   (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_poll_get        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_poll_vote       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_get      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_delete   (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_edit     (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_history  (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_source   (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_context  (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_favourite (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_unfavourite (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_reblog   (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_unreblog (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_bookmark (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_unbookmark (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_pin      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_unpin    (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_favourited_by (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_status_reblogged_by (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
/* qtr-node-api-timelines.c */
void qtr_node_handle_timeline_home   (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_timeline_public (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_timeline_tag    (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_timeline_list   (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_bookmarks       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_favourites      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_statuses (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_notifications   (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_notification    (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_notification_dismiss (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_notifications_clear (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
/* qtr-node-api-search.c */
void qtr_node_handle_search_v2       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_search_v1       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);

G_END_DECLS
