/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-image-loader.h"
#include "qtr-timeline.h"

G_BEGIN_DECLS

#define QTR_TYPE_TIMELINE_VIEW (qtr_timeline_view_get_type ())

G_DECLARE_FINAL_TYPE (QtrTimelineView, qtr_timeline_view, QTR, TIMELINE_VIEW, AdwBin)

GtkWidget      *qtr_timeline_view_new              (void);
QtrTimeline    *qtr_timeline_view_get_model        (QtrTimelineView *self);
void            qtr_timeline_view_set_model        (QtrTimelineView *self,
                                                    QtrTimeline     *model);
QtrImageLoader *qtr_timeline_view_get_image_loader (QtrTimelineView *self);
void            qtr_timeline_view_set_image_loader (QtrTimelineView *self,
                                                    QtrImageLoader  *loader);
guint           qtr_timeline_view_get_selected     (QtrTimelineView *self);
void            qtr_timeline_view_select           (QtrTimelineView *self,
                                                    guint            position);
guint           qtr_timeline_view_get_n_pending    (QtrTimelineView *self);
GtkListView    *qtr_timeline_view_get_list_view    (QtrTimelineView *self);
GtkScrolledWindow *qtr_timeline_view_get_scrolled_window (QtrTimelineView *self);

G_END_DECLS
