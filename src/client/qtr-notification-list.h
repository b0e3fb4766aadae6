/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-timeline.h"

G_BEGIN_DECLS

#define QTR_TYPE_NOTIFICATION_LIST (qtr_notification_list_get_type ())

G_DECLARE_FINAL_TYPE (QtrNotificationList, qtr_notification_list, QTR, NOTIFICATION_LIST,
                      QtrTimeline)

QtrNotificationList *qtr_notification_list_new       (QtrApiClient        *client,
                                                      QtrServerInfo       *server_info,
                                                      QtrCache            *cache,
                                                      const char * const  *types);
const char * const  *qtr_notification_list_get_types (QtrNotificationList *self);

G_END_DECLS
