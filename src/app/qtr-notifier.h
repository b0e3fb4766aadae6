/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "qtr-timeline.h"

G_BEGIN_DECLS

/* How much of a post a desktop notification shows, in characters. */
#define QTR_NOTIFIER_EXCERPT_LENGTH 140

#define QTR_TYPE_NOTIFIER (qtr_notifier_get_type ())

G_DECLARE_FINAL_TYPE (QtrNotifier, qtr_notifier, QTR, NOTIFIER, GObject)

QtrNotifier *qtr_notifier_new        (GtkApplication *application);
void         qtr_notifier_watch      (QtrNotifier    *self,
                                      const char     *handle,
                                      QtrTimeline    *notifications);
void         qtr_notifier_withdraw   (QtrNotifier    *self,
                                      const char     *handle);
guint        qtr_notifier_get_n_shown (QtrNotifier   *self);

G_END_DECLS
