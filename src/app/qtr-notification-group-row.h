/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-image-loader.h"
#include "qtr-notification-group.h"

G_BEGIN_DECLS

/* Avatars a group's row shows at most. */
#define QTR_NOTIFICATION_GROUP_ROW_MAX_AVATARS 8

#define QTR_TYPE_NOTIFICATION_GROUP_ROW (qtr_notification_group_row_get_type ())

G_DECLARE_FINAL_TYPE (QtrNotificationGroupRow, qtr_notification_group_row, QTR,
                      NOTIFICATION_GROUP_ROW, AdwBin)

GtkWidget            *qtr_notification_group_row_new           (void);
QtrNotificationGroup *qtr_notification_group_row_get_group     (QtrNotificationGroupRow *self);
void                  qtr_notification_group_row_set_group     (QtrNotificationGroupRow *self,
                                                                QtrNotificationGroup    *group);
void                  qtr_notification_group_row_set_image_loader (QtrNotificationGroupRow *self,
                                                                   QtrImageLoader          *loader);
const char           *qtr_notification_group_row_get_title     (QtrNotificationGroupRow *self);
char                 *qtr_notification_group_describe          (QtrNotificationGroup    *group);
gboolean              qtr_notification_group_row_can_show      (QtrNotificationGroup    *group);

G_END_DECLS
