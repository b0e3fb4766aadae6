/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-notification.h"
#include "qtr-timeline-item.h"

G_BEGIN_DECLS

#define QTR_TYPE_NOTIFICATION_GROUP (qtr_notification_group_get_type ())

G_DECLARE_FINAL_TYPE (QtrNotificationGroup, qtr_notification_group, QTR, NOTIFICATION_GROUP,
                      GObject)

QtrNotificationGroup *qtr_notification_group_new            (GPtrArray            *members);

QtrTimelineItem      *qtr_notification_group_get_lead       (QtrNotificationGroup *self);
QtrNotificationKind   qtr_notification_group_get_kind       (QtrNotificationGroup *self);
guint                 qtr_notification_group_get_n_members  (QtrNotificationGroup *self);
QtrTimelineItem      *qtr_notification_group_get_member     (QtrNotificationGroup *self,
                                                             guint                 index);
gboolean              qtr_notification_group_contains       (QtrNotificationGroup *self,
                                                             QtrTimelineItem      *item);
GPtrArray            *qtr_notification_group_get_accounts   (QtrNotificationGroup *self);
QtrStatus            *qtr_notification_group_get_status     (QtrNotificationGroup *self);
gboolean              qtr_notification_group_has_members    (QtrNotificationGroup *self,
                                                             GPtrArray            *members);

G_END_DECLS
