/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-interactions.h"
#include "qtr-status.h"

G_BEGIN_DECLS

#define QTR_TYPE_STATUS_ACTIONS (qtr_status_actions_get_type ())

G_DECLARE_FINAL_TYPE (QtrStatusActions, qtr_status_actions, QTR, STATUS_ACTIONS, GtkWidget)

GtkWidget       *qtr_status_actions_new              (void);
QtrStatus       *qtr_status_actions_get_status       (QtrStatusActions *self);
void             qtr_status_actions_set_status       (QtrStatusActions *self,
                                                      QtrStatus        *status);
QtrInteractions *qtr_status_actions_get_interactions (QtrStatusActions *self);
void             qtr_status_actions_set_interactions (QtrStatusActions *self,
                                                      QtrInteractions  *interactions);

QtrInteractions *qtr_find_interactions               (GtkWidget        *widget);
void             qtr_show_toast                      (GtkWidget        *widget,
                                                      const char       *text);

G_END_DECLS
