/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "qtr-account.h"
#include "qtr-status.h"

G_BEGIN_DECLS

#define QTR_TYPE_NOTIFICATION (qtr_notification_get_type ())

G_DECLARE_FINAL_TYPE (QtrNotification, qtr_notification, QTR, NOTIFICATION, GObject)

QtrNotification *qtr_notification_new_from_json (JsonObject  *object,
                                                 GError     **error);

const char *qtr_notification_get_id                (QtrNotification *self);
const char *qtr_notification_get_notification_type (QtrNotification *self);
GDateTime  *qtr_notification_get_created_at        (QtrNotification *self);
QtrAccount *qtr_notification_get_account           (QtrNotification *self);
QtrStatus  *qtr_notification_get_status            (QtrNotification *self);
/**
 * QtrNotificationKind:
 * @QTR_NOTIFICATION_OTHER: a type this client does not know
 * @QTR_NOTIFICATION_MENTION: someone mentioned you
 * @QTR_NOTIFICATION_STATUS: someone you asked to be notified of posted
 * @QTR_NOTIFICATION_REBLOG: someone boosted your post
 * @QTR_NOTIFICATION_FOLLOW: someone followed you
 * @QTR_NOTIFICATION_FOLLOW_REQUEST: someone asks to follow you
 * @QTR_NOTIFICATION_FAVOURITE: someone favourited your post
 * @QTR_NOTIFICATION_POLL: a poll you voted in or made has ended
 * @QTR_NOTIFICATION_UPDATE: a post you interacted with was edited
 */
typedef enum {
  QTR_NOTIFICATION_OTHER,
  QTR_NOTIFICATION_MENTION,
  QTR_NOTIFICATION_STATUS,
  QTR_NOTIFICATION_REBLOG,
  QTR_NOTIFICATION_FOLLOW,
  QTR_NOTIFICATION_FOLLOW_REQUEST,
  QTR_NOTIFICATION_FAVOURITE,
  QTR_NOTIFICATION_POLL,
  QTR_NOTIFICATION_UPDATE,
} QtrNotificationKind;

QtrNotificationKind qtr_notification_get_kind (QtrNotification *self);

G_END_DECLS
