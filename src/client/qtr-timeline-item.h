/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "qtr-notification.h"
#include "qtr-status.h"

G_BEGIN_DECLS

/**
 * QtrTimelineItemKind:
 * @QTR_TIMELINE_ITEM_STATUS: a post; qtr_timeline_item_get_status() gives it
 * @QTR_TIMELINE_ITEM_NOTIFICATION: a notification; qtr_timeline_item_get_notification() gives it
 * @QTR_TIMELINE_ITEM_GAP: posts the timeline skipped here; qtr_timeline_load_gap_async() loads them
 *
 * What a row of a timeline shows.
 */
typedef enum {
  QTR_TIMELINE_ITEM_STATUS,
  QTR_TIMELINE_ITEM_NOTIFICATION,
  QTR_TIMELINE_ITEM_GAP,
} QtrTimelineItemKind;

GType qtr_timeline_item_kind_get_type (void) G_GNUC_CONST;
#define QTR_TYPE_TIMELINE_ITEM_KIND (qtr_timeline_item_kind_get_type ())

#define QTR_TYPE_TIMELINE_ITEM (qtr_timeline_item_get_type ())

G_DECLARE_FINAL_TYPE (QtrTimelineItem, qtr_timeline_item, QTR, TIMELINE_ITEM, GObject)

QtrTimelineItem     *qtr_timeline_item_new_gap          (void);
QtrTimelineItem     *qtr_timeline_item_new_from_json    (QtrTimelineItemKind  kind,
                                                         JsonObject          *json,
                                                         GError             **error);

QtrTimelineItemKind  qtr_timeline_item_get_kind         (QtrTimelineItem     *self);
const char          *qtr_timeline_item_get_id           (QtrTimelineItem     *self);
QtrStatus           *qtr_timeline_item_get_status       (QtrTimelineItem     *self);
QtrNotification     *qtr_timeline_item_get_notification (QtrTimelineItem     *self);
JsonObject          *qtr_timeline_item_get_json         (QtrTimelineItem     *self);
gboolean             qtr_timeline_item_get_loading      (QtrTimelineItem     *self);
gboolean             qtr_timeline_item_update_json      (QtrTimelineItem     *self,
                                                         JsonObject          *json,
                                                         GError             **error);
void                 qtr_timeline_item_set_loading      (QtrTimelineItem     *self,
                                                         gboolean             loading);

G_END_DECLS
