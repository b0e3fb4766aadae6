/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define QTR_TYPE_CLOCK (qtr_clock_get_type ())

G_DECLARE_FINAL_TYPE (QtrClock, qtr_clock, QTR, CLOCK, GObject)

QtrClock  *qtr_clock_get_default         (void);
QtrClock  *qtr_clock_new                 (guint      interval_seconds);
void       qtr_clock_hold                (QtrClock  *self);
void       qtr_clock_release             (QtrClock  *self);
gboolean   qtr_clock_is_running          (QtrClock  *self);
void       qtr_clock_tick                (QtrClock  *self);
GDateTime *qtr_clock_get_now             (QtrClock  *self);
void       qtr_clock_set_now             (QtrClock  *self,
                                          GDateTime *now);

char      *qtr_format_relative_time      (GDateTime *then,
                                          GDateTime *now);
char      *qtr_format_relative_time_long (GDateTime *then,
                                          GDateTime *now);

G_END_DECLS
