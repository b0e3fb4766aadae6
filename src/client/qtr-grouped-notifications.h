/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-notification-group.h"

G_BEGIN_DECLS

#define QTR_TYPE_GROUPED_NOTIFICATIONS (qtr_grouped_notifications_get_type ())

G_DECLARE_FINAL_TYPE (QtrGroupedNotifications, qtr_grouped_notifications, QTR,
                      GROUPED_NOTIFICATIONS, GObject)

QtrGroupedNotifications *qtr_grouped_notifications_new       (GListModel              *items);
GListModel              *qtr_grouped_notifications_get_items (QtrGroupedNotifications *self);
QtrNotificationGroup    *qtr_grouped_notifications_find      (QtrGroupedNotifications *self,
                                                              QtrTimelineItem         *item,
                                                              guint                   *position);

G_END_DECLS
