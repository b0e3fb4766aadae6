/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "qtr-activity.h"
#include "qtr-db.h"
#include "qtr-keys.h"
#include "qtr-node.h"

G_BEGIN_DECLS

/**
 * QtrNodeOwner:
 * @username: the local part of the owner's handle
 * @display_name: the name shown to others
 * @summary: the profile text, as post HTML
 * @key: the actor's key pair (private part included)
 * @created_at: when the node was set up (Unix seconds)
 * @updated_at: when the profile last changed (Unix seconds)
 * @avatar_id: the media shown as avatar, 0 for none
 * @header_id: the media shown as header, 0 for none
 * @also_known_as: the owner's other accounts (actor ids), never %NULL
 * @moved_to: (nullable): the account the owner moved to
 * @fields: the profile's fields as plain text, name and value alternating, never %NULL
 * @bot: whether the account is automated (published as a Service)
 * @discoverable: whether the account may be featured in directories and searches
 * @deleted_at: when the owner deleted the account (Unix seconds), 0 while it lives
 *
 * The person the node belongs to: its one local actor.
 */
typedef struct {
  char   *username;
  char   *display_name;
  char   *summary;
  QtrKey *key;
  gint64  created_at;
  gint64  updated_at;
  gint64  avatar_id;
  gint64  header_id;
  GStrv   also_known_as;
  char   *moved_to;
  GStrv    fields;
  gboolean bot;
  gboolean discoverable;
  gint64  deleted_at;
} QtrNodeOwner;

void qtr_node_owner_free (QtrNodeOwner *owner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrNodeOwner, qtr_node_owner_free)

#define QTR_TYPE_NODE_STORE (qtr_node_store_get_type ())
G_DECLARE_FINAL_TYPE (QtrNodeStore, qtr_node_store, QTR, NODE_STORE, GObject)

/**
 * QtrStoreChange:
 * @QTR_STORE_STATUS_ADDED: a post (or a reblog) was stored
 * @QTR_STORE_STATUS_UPDATED: a stored post was edited
 * @QTR_STORE_STATUS_DELETED: a stored post (or reblog) was deleted
 * @QTR_STORE_NOTIFICATION_ADDED: a notification for the owner was stored
 *
 * What the store's #QtrNodeStore::changed signal reports. It is emitted by the store
 * functions that write posts and notifications, whatever path called them, possibly inside a
 * transaction that is later rolled back: listeners check the row when the transaction is
 * over (see qtr-node.c).
 */
typedef enum {
  QTR_STORE_STATUS_ADDED,
  QTR_STORE_STATUS_UPDATED,
  QTR_STORE_STATUS_DELETED,
  QTR_STORE_NOTIFICATION_ADDED,
} QtrStoreChange;

QtrNodeStore *qtr_node_store_open         (const char    *path,
                                           GError       **error);
QtrDb        *qtr_node_store_get_db       (QtrNodeStore  *self);
gboolean      qtr_node_store_create_owner (QtrNodeStore  *self,
                                           const char    *username,
                                           const char    *display_name,
                                           QtrKey        *key,
                                           GError       **error);
QtrNodeOwner *qtr_node_store_load_owner   (QtrNodeStore  *self,
                                           GError       **error);

/**
 * QtrRemoteActor:
 * @row: the row id in remote_actors
 * @uri: the actor's id
 * @host: the normalised host of @uri
 * @inbox: the actor's own inbox
 * @shared_inbox: (nullable): its server's shared inbox
 * @key_id: the id of its public key
 * @public_key_pem: that key
 * @document: the actor document as fetched (JSON)
 *
 * An actor of another server, as last fetched from its own host.
 */
typedef struct {
  gint64  row;
  char   *uri;
  char   *host;
  char   *username;
  char   *display_name;
  char   *inbox;
  char   *shared_inbox;
  char   *key_id;
  char   *public_key_pem;
  char   *document;
  gint64  fetched_at;
  char   *followers;
} QtrRemoteActor;

void qtr_remote_actor_free (QtrRemoteActor *actor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrRemoteActor, qtr_remote_actor_free)

/**
 * QtrDeliveryJob:
 * @row: the row id in deliveries
 * @inbox: where to POST
 * @host: the inbox's host, for per-host limits
 * @attempts: how many times it was tried
 * @created_at: when it was queued (Unix seconds)
 * @body: the activity, as JSON
 */
typedef struct {
  gint64  row;
  char   *inbox;
  char   *host;
  guint   attempts;
  gint64  created_at;
  GBytes *body;
} QtrDeliveryJob;

void qtr_delivery_job_free (QtrDeliveryJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrDeliveryJob, qtr_delivery_job_free)

gint64          qtr_node_store_save_remote_actor  (QtrNodeStore          *self,
                                                   const QtrRemoteActor  *actor,
                                                   GError               **error);
QtrRemoteActor *qtr_node_store_find_remote_actor  (QtrNodeStore          *self,
                                                   const char            *column,
                                                   const char            *value,
                                                   GError               **error);
QtrRemoteActor *qtr_node_store_find_remote_actor_by_row (QtrNodeStore    *self,
                                                   gint64                 row,
                                                   GError               **error);

gint64          qtr_node_store_add_activity       (QtrNodeStore          *self,
                                                   const char            *uri,
                                                   const char            *type,
                                                   const char            *object_uri,
                                                   const char            *body,
                                                   GError               **error);
char           *qtr_node_store_get_activity_body  (QtrNodeStore          *self,
                                                   const char            *uri,
                                                   GError               **error);
gboolean        qtr_node_store_queue_delivery     (QtrNodeStore          *self,
                                                   gint64                 activity_row,
                                                   const char            *inbox,
                                                   gint64                 not_before,
                                                   GError               **error);
GPtrArray      *qtr_node_store_due_deliveries     (QtrNodeStore          *self,
                                                   gint64                 now,
                                                   guint                  limit,
                                                   guint                  per_host,
                                                   GError               **error);
gboolean        qtr_node_store_lease_deliveries   (QtrNodeStore          *self,
                                                   GPtrArray             *jobs,
                                                   gint64                 until,
                                                   GError               **error);
gboolean        qtr_node_store_finish_delivery    (QtrNodeStore          *self,
                                                   gint64                 row,
                                                   GError               **error);
gboolean        qtr_node_store_postpone_delivery  (QtrNodeStore          *self,
                                                   gint64                 row,
                                                   gint64                 next_attempt_at,
                                                   gint64                 not_before,
                                                   const char            *last_error,
                                                   GError               **error);
gint64          qtr_node_store_next_delivery_at   (QtrNodeStore          *self,
                                                   GError               **error);
gboolean        qtr_node_store_hurry_deliveries   (QtrNodeStore          *self,
                                                   gint64                 now,
                                                   GError               **error);
gint64          qtr_node_store_count_deliveries   (QtrNodeStore          *self,
                                                   GError               **error);

gboolean        qtr_node_store_add_inbox_activity (QtrNodeStore          *self,
                                                   const char            *activity_uri,
                                                   const char            *actor_uri,
                                                   GBytes                *body,
                                                   GError               **error);
GPtrArray      *qtr_node_store_pending_inbox      (QtrNodeStore          *self,
                                                   guint                  limit,
                                                   GError               **error);
gboolean        qtr_node_store_finish_inbox       (QtrNodeStore          *self,
                                                   gint64                 row,
                                                   const char            *error_text,
                                                   GError               **error);

gboolean        qtr_node_store_add_follower       (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   const char            *follow_uri,
                                                   gboolean               accepted,
                                                   GError               **error);
gboolean        qtr_node_store_remove_follower    (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   const char            *follow_uri,
                                                   GError               **error);
gboolean        qtr_node_store_add_following      (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   const char            *follow_uri,
                                                   GError               **error);
gboolean        qtr_node_store_update_following   (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   const char            *follow_uri,
                                                   gboolean               accepted,
                                                   GError               **error);
gint64          qtr_node_store_count_follows      (QtrNodeStore          *self,
                                                   const char            *table,
                                                   gboolean               accepted_only,
                                                   GError               **error);
gboolean        qtr_node_store_forget_actor       (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   GError               **error);
char           *qtr_node_store_get_following_uri  (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   GError               **error);
gboolean        qtr_node_store_remove_following   (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   GError               **error);
GStrv           qtr_node_store_failing_hosts      (QtrNodeStore          *self,
                                                   GError               **error);

/**
 * QtrInboxEntry:
 * @row: the row id in inbox
 * @body: the activity as received
 */
typedef struct {
  gint64  row;
  GBytes *body;
} QtrInboxEntry;

void qtr_inbox_entry_free (QtrInboxEntry *entry);

/**
 * QtrStatus:
 * @id: the post's row id (for the owner's posts, also the last part of its id)
 * @uri: the post's ActivityPub id
 * @actor_row: the author's row in remote_actors, 0 for the owner
 * @content: sanitised HTML
 * @summary: (nullable): the content warning
 * @visibility: "public", "unlisted", "private" or "direct"
 * @document: the Note as served (the owner's) or as received (others'); for a reblog, the
 *   Announce
 * @reblog_of_id: for a reblog (a boost), the row id of the boosted post; 0 otherwise
 * @attachments: (nullable) (element-type QtrAttachment): its media, in order
 *
 * A post, or a reblog of one: the booster's row with its Announce's id as @uri, empty
 * @content, pointing at the boosted post.
 */
typedef struct {
  gint64    id;
  char     *uri;
  char     *url;
  gint64    actor_row;
  char     *in_reply_to;
  char     *content;
  char     *summary;
  gboolean  sensitive;
  char     *language;
  char     *visibility;
  gint64    published;
  gint64    updated;
  char     *document;
  gint64    reblog_of_id;
  GPtrArray *attachments;
} QtrStatus;

void qtr_status_free (QtrStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrStatus, qtr_status_free)

GStrv           qtr_node_store_follower_inboxes   (QtrNodeStore          *self,
                                                   GError               **error);
gboolean        qtr_node_store_add_status         (QtrNodeStore          *self,
                                                   const QtrStatus       *status,
                                                   GError               **error);
gboolean        qtr_node_store_update_status      (QtrNodeStore          *self,
                                                   const QtrStatus       *status,
                                                   GError               **error);
gboolean        qtr_node_store_delete_status      (QtrNodeStore          *self,
                                                   const char            *uri,
                                                   gint64                 actor_row,
                                                   GError               **error);
QtrStatus      *qtr_node_store_find_status        (QtrNodeStore          *self,
                                                   const char            *uri,
                                                   gboolean              *deleted,
                                                   GError               **error);
gint64          qtr_node_store_count_statuses     (QtrNodeStore          *self,
                                                   gboolean               local_only,
                                                   GError               **error);
GPtrArray      *qtr_node_store_outbox_page        (QtrNodeStore          *self,
                                                   gint64                 max_id,
                                                   guint                  limit,
                                                   gboolean               with_private,
                                                   GError               **error);
gint64          qtr_node_store_get_max_status_id  (QtrNodeStore          *self,
                                                   GError               **error);
char           *qtr_node_store_find_reblog        (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   gint64                 status_row,
                                                   GError               **error);
gint64          qtr_node_store_count_outbox       (QtrNodeStore          *self,
                                                   gboolean               with_private,
                                                   GError               **error);
gboolean        qtr_node_store_add_notification   (QtrNodeStore          *self,
                                                   const char            *type,
                                                   gint64                 actor_row,
                                                   const char            *status_uri,
                                                   const char            *activity_uri,
                                                   const char            *comment,
                                                   GError               **error);
gboolean        qtr_node_store_remove_notification (QtrNodeStore         *self,
                                                   const char            *activity_uri,
                                                   gint64                 actor_row,
                                                   GError               **error);
gboolean        qtr_node_store_add_like           (QtrNodeStore          *self,
                                                   const char            *status_uri,
                                                   const char            *activity_uri,
                                                   GError               **error);
char           *qtr_node_store_get_like           (QtrNodeStore          *self,
                                                   const char            *status_uri,
                                                   GError               **error);
gboolean        qtr_node_store_remove_like        (QtrNodeStore          *self,
                                                   const char            *status_uri,
                                                   GError               **error);
gboolean        qtr_node_store_add_block          (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   const char            *activity_uri,
                                                   GError               **error);
char           *qtr_node_store_get_block          (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   GError               **error);
gboolean        qtr_node_store_remove_block       (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   GError               **error);
gboolean        qtr_node_store_is_blocked         (QtrNodeStore          *self,
                                                   const char            *column,
                                                   const char            *value,
                                                   GError               **error);
GStrv           qtr_node_store_list_blocks        (QtrNodeStore          *self,
                                                   GError               **error);
gboolean        qtr_node_store_is_follower        (QtrNodeStore          *self,
                                                   gint64                 actor_row,
                                                   GError               **error);
GStrv           qtr_node_store_list_follows       (QtrNodeStore          *self,
                                                   const char            *table,
                                                   gint64                 offset,
                                                   guint                  limit,
                                                   GError               **error);
gint64          qtr_node_store_get_last_seen      (QtrNodeStore          *self,
                                                   GError               **error);
gboolean        qtr_node_store_set_last_seen      (QtrNodeStore          *self,
                                                   gint64                 when,
                                                   GError               **error);
gboolean        qtr_node_store_save_profile       (QtrNodeStore          *self,
                                                   const QtrNodeOwner    *owner,
                                                   GError               **error);
gint64          qtr_node_store_get_deleted_at     (QtrNodeStore          *self,
                                                   GError               **error);
gboolean        qtr_node_store_mark_deleted       (QtrNodeStore          *self,
                                                   gint64                 when,
                                                   GError               **error);
GStrv           qtr_node_store_known_inboxes      (QtrNodeStore          *self,
                                                   GError               **error);
gint64          qtr_node_store_get_data_version   (QtrNodeStore          *self,
                                                   GError               **error);
gint64          qtr_node_store_get_profile_time   (QtrNodeStore          *self,
                                                   GError               **error);
gboolean        qtr_node_store_add_media          (QtrNodeStore          *self,
                                                   const QtrMedia        *media,
                                                   GError               **error);
QtrMedia       *qtr_node_store_find_media         (QtrNodeStore          *self,
                                                   gint64                 id,
                                                   GError               **error);
GArray         *qtr_node_store_list_post_media    (QtrNodeStore          *self,
                                                   gint64                 status_id,
                                                   GError               **error);
gboolean        qtr_node_store_set_media_description (QtrNodeStore       *self,
                                                   gint64                 id,
                                                   const char            *description,
                                                   GError               **error);
gboolean        qtr_node_store_delete_media       (QtrNodeStore          *self,
                                                   gint64                 id,
                                                   GError               **error);
gboolean        qtr_node_store_attach_media       (QtrNodeStore          *self,
                                                   gint64                 id,
                                                   gint64                 status_id,
                                                   GError               **error);
GPtrArray      *qtr_node_store_get_attachments    (QtrNodeStore          *self,
                                                   gint64                 status_id,
                                                   GError               **error);
gboolean        qtr_node_store_add_move_notification (QtrNodeStore       *self,
                                                   gint64                 actor_row,
                                                   gint64                 target_row,
                                                   const char            *activity_uri,
                                                   GError               **error);

/**
 * QtrPendingMove:
 * @activity_uri: the Move's id
 * @origin_row: the moving account's row in remote_actors
 * @target: the id of the account it moves to
 * @origin: the moving account's id
 */
typedef struct {
  char   *activity_uri;
  gint64  origin_row;
  char   *target;
  char   *origin;
} QtrPendingMove;

void qtr_pending_move_free (QtrPendingMove *move);

gboolean        qtr_node_store_add_pending_move   (QtrNodeStore          *self,
                                                   const char            *activity_uri,
                                                   gint64                 origin_row,
                                                   const char            *target,
                                                   GError               **error);
gboolean        qtr_node_store_take_pending_move  (QtrNodeStore          *self,
                                                   const char            *activity_uri,
                                                   GError               **error);
GPtrArray      *qtr_node_store_pending_moves      (QtrNodeStore          *self,
                                                   GError               **error);

G_END_DECLS
