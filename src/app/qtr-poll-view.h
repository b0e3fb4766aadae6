/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-api-client.h"
#include "qtr-status.h"

G_BEGIN_DECLS

#define QTR_TYPE_POLL_VIEW (qtr_poll_view_get_type ())

G_DECLARE_FINAL_TYPE (QtrPollView, qtr_poll_view, QTR, POLL_VIEW, AdwBin)

GtkWidget     *qtr_poll_view_new            (void);
QtrStatus     *qtr_poll_view_get_status     (QtrPollView  *self);
void           qtr_poll_view_set_status     (QtrPollView  *self,
                                             QtrStatus    *status);
const QtrPoll *qtr_poll_view_get_poll       (QtrPollView  *self);
void           qtr_poll_view_set_poll       (QtrPollView  *self,
                                             const QtrPoll *poll);
QtrApiClient  *qtr_poll_view_get_api_client (QtrPollView  *self);
void           qtr_poll_view_set_api_client (QtrPollView  *self,
                                             QtrApiClient *client);
gboolean       qtr_poll_view_get_can_vote   (QtrPollView  *self);
void           qtr_poll_view_set_choice     (QtrPollView  *self,
                                             guint         index,
                                             gboolean      chosen);
void           qtr_poll_view_vote           (QtrPollView  *self);

G_END_DECLS
