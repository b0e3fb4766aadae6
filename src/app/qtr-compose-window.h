/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-api-client.h"
#include "qtr-drafts.h"
#include "qtr-server-info.h"
#include "qtr-status.h"

G_BEGIN_DECLS

#define QTR_TYPE_COMPOSE_WINDOW (qtr_compose_window_get_type ())

G_DECLARE_FINAL_TYPE (QtrComposeWindow, qtr_compose_window, QTR, COMPOSE_WINDOW, AdwWindow)

QtrComposeWindow *qtr_compose_window_new            (GtkWindow        *parent);
QtrComposeWindow *qtr_compose_window_new_reply      (GtkWindow        *parent,
                                                     QtrStatus        *in_reply_to);
QtrComposeWindow *qtr_compose_window_new_edit       (GtkWindow        *parent,
                                                     QtrStatus        *status);
QtrComposeWindow *qtr_compose_window_new_redraft    (GtkWindow        *parent,
                                                     QtrStatus        *status);
QtrComposeWindow *qtr_compose_window_new_from_draft (GtkWindow        *parent,
                                                     gint64            draft_id);
void              qtr_compose_window_show_drafts    (GtkWindow        *parent);

const QtrDraft   *qtr_compose_window_get_draft      (QtrComposeWindow *self);
char             *qtr_compose_window_dup_text       (QtrComposeWindow *self);
guint             qtr_compose_window_get_length     (QtrComposeWindow *self);
gboolean          qtr_compose_window_can_send       (QtrComposeWindow *self);
const char       *qtr_compose_window_get_error      (QtrComposeWindow *self);
void              qtr_compose_window_add_files      (QtrComposeWindow *self,
                                                     GSList           *files);
guint             qtr_compose_window_get_n_uploading (QtrComposeWindow *self);
GtkWidget        *qtr_compose_window_get_completion (QtrComposeWindow *self);

G_END_DECLS
