/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-account.h"
#include "qtr-api-client.h"
#include "qtr-relationship.h"
#include "qtr-status.h"

G_BEGIN_DECLS

/**
 * QtrStatusAction:
 * @QTR_STATUS_ACTION_FAVOURITE: favourite the post
 * @QTR_STATUS_ACTION_UNFAVOURITE: take the favourite back
 * @QTR_STATUS_ACTION_REBLOG: boost it
 * @QTR_STATUS_ACTION_UNREBLOG: undo the boost
 * @QTR_STATUS_ACTION_BOOKMARK: bookmark it
 * @QTR_STATUS_ACTION_UNBOOKMARK: remove the bookmark
 *
 * What the user does to a post.
 */
typedef enum {
  QTR_STATUS_ACTION_FAVOURITE,
  QTR_STATUS_ACTION_UNFAVOURITE,
  QTR_STATUS_ACTION_REBLOG,
  QTR_STATUS_ACTION_UNREBLOG,
  QTR_STATUS_ACTION_BOOKMARK,
  QTR_STATUS_ACTION_UNBOOKMARK,
} QtrStatusAction;

/**
 * QtrAccountAction:
 * @QTR_ACCOUNT_ACTION_FOLLOW: follow the account (a request, for a locked one)
 * @QTR_ACCOUNT_ACTION_UNFOLLOW: unfollow it, or withdraw the request
 * @QTR_ACCOUNT_ACTION_MUTE: mute it
 * @QTR_ACCOUNT_ACTION_UNMUTE: unmute it
 * @QTR_ACCOUNT_ACTION_BLOCK: block it
 * @QTR_ACCOUNT_ACTION_UNBLOCK: unblock it
 * @QTR_ACCOUNT_ACTION_AUTHORIZE: accept its request to follow you
 * @QTR_ACCOUNT_ACTION_REJECT: reject its request to follow you
 *
 * What the user does to an account.
 */
typedef enum {
  QTR_ACCOUNT_ACTION_FOLLOW,
  QTR_ACCOUNT_ACTION_UNFOLLOW,
  QTR_ACCOUNT_ACTION_MUTE,
  QTR_ACCOUNT_ACTION_UNMUTE,
  QTR_ACCOUNT_ACTION_BLOCK,
  QTR_ACCOUNT_ACTION_UNBLOCK,
  QTR_ACCOUNT_ACTION_AUTHORIZE,
  QTR_ACCOUNT_ACTION_REJECT,
} QtrAccountAction;

/**
 * QtrTagAction:
 * @QTR_TAG_ACTION_GET: only ask whether the user follows the hashtag
 * @QTR_TAG_ACTION_FOLLOW: follow it
 * @QTR_TAG_ACTION_UNFOLLOW: unfollow it
 */
typedef enum {
  QTR_TAG_ACTION_GET,
  QTR_TAG_ACTION_FOLLOW,
  QTR_TAG_ACTION_UNFOLLOW,
} QtrTagAction;

/**
 * QtrProfileChanges:
 * @display_name: (nullable): the new display name; %NULL keeps it
 * @note: (nullable): the new bio, as plain text; %NULL keeps it
 * @locked: 1 to approve followers by hand, 0 not to, -1 to keep it
 * @fields: (nullable) (array zero-terminated=1): the profile's fields (at most four) as name,
 *   value, name, value…; %NULL keeps them, an empty array removes them
 * @avatar: (nullable): a new avatar image
 * @header: (nullable): a new header image
 *
 * What qtr_interactions_update_profile_async() changes.
 */
typedef struct {
  const char         *display_name;
  const char         *note;
  int                 locked;
  const char * const *fields;
  GFile              *avatar;
  GFile              *header;
} QtrProfileChanges;

/* The fields of a profile, as Mastodon allows them. */
#define QTR_PROFILE_MAX_FIELDS 4

#define QTR_TYPE_INTERACTIONS (qtr_interactions_get_type ())

G_DECLARE_FINAL_TYPE (QtrInteractions, qtr_interactions, QTR, INTERACTIONS, GObject)

QtrInteractions *qtr_interactions_get_for_client       (QtrApiClient        *client);
QtrApiClient    *qtr_interactions_dup_client           (QtrInteractions     *self);
const char      *qtr_interactions_get_account_id       (QtrInteractions     *self);
void             qtr_interactions_set_account_id       (QtrInteractions     *self,
                                                        const char          *account_id);

void             qtr_interactions_track_status         (QtrInteractions     *self,
                                                        QtrStatus           *status);
QtrStatus       *qtr_interactions_lookup_status        (QtrInteractions     *self,
                                                        const char          *id);

void             qtr_interactions_status_async         (QtrInteractions     *self,
                                                        QtrStatus           *status,
                                                        QtrStatusAction      action,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
QtrStatus       *qtr_interactions_status_finish        (QtrInteractions     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

void             qtr_interactions_delete_status_async  (QtrInteractions     *self,
                                                        const char          *status_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JsonObject      *qtr_interactions_delete_status_finish (QtrInteractions     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

void             qtr_interactions_account_async        (QtrInteractions     *self,
                                                        const char          *account_id,
                                                        QtrAccountAction     action,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void             qtr_interactions_relationship_async   (QtrInteractions     *self,
                                                        const char          *account_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
QtrRelationship *qtr_interactions_account_finish       (QtrInteractions     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

void             qtr_interactions_report_async         (QtrInteractions     *self,
                                                        const char          *account_id,
                                                        const char * const  *status_ids,
                                                        const char          *comment,
                                                        const char          *category,
                                                        gboolean             forward,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         qtr_interactions_report_finish        (QtrInteractions     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

void             qtr_interactions_tag_async            (QtrInteractions     *self,
                                                        const char          *name,
                                                        QtrTagAction         action,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         qtr_interactions_tag_finish           (QtrInteractions     *self,
                                                        GAsyncResult        *result,
                                                        gboolean            *following,
                                                        GError             **error);

void             qtr_interactions_update_profile_async (QtrInteractions     *self,
                                                        const QtrProfileChanges *edit,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
QtrAccount      *qtr_interactions_update_profile_finish (QtrInteractions    *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
