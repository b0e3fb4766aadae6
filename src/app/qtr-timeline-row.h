/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-notification-group.h"
#include "qtr-status-row.h"
#include "qtr-timeline-item.h"

G_BEGIN_DECLS

#define QTR_TYPE_TIMELINE_ROW (qtr_timeline_row_get_type ())

G_DECLARE_FINAL_TYPE (QtrTimelineRow, qtr_timeline_row, QTR, TIMELINE_ROW, AdwBin)

GtkWidget       *qtr_timeline_row_new            (void);
QtrTimelineItem *qtr_timeline_row_get_item       (QtrTimelineRow  *self);
void             qtr_timeline_row_set_item       (QtrTimelineRow  *self,
                                                  QtrTimelineItem *item);
QtrStatusRow    *qtr_timeline_row_get_status_row (QtrTimelineRow  *self);
void             qtr_timeline_row_set_group      (QtrTimelineRow       *self,
                                                  QtrNotificationGroup *group);
QtrNotificationGroup *qtr_timeline_row_get_group (QtrTimelineRow       *self);

G_END_DECLS
