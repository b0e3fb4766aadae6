/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-api-client.h"
#include "qtr-status.h"
#include "qtr-thread.h"

G_BEGIN_DECLS

/* Replies are indented by their depth up to this many levels. */
#define QTR_THREAD_VIEW_MAX_INDENT 6

#define QTR_TYPE_THREAD_VIEW (qtr_thread_view_get_type ())

G_DECLARE_FINAL_TYPE (QtrThreadView, qtr_thread_view, QTR, THREAD_VIEW, AdwBin)

GtkWidget   *qtr_thread_view_new           (QtrApiClient  *client,
                                            const char    *status_id);
QtrThread   *qtr_thread_view_get_thread    (QtrThreadView *self);
const char  *qtr_thread_view_get_state     (QtrThreadView *self);
GtkListView *qtr_thread_view_get_list_view (QtrThreadView *self);
void         qtr_thread_view_refresh       (QtrThreadView *self);

G_END_DECLS
