/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-interactions.h"

G_BEGIN_DECLS

#define QTR_TYPE_FILTERS_DIALOG (qtr_filters_dialog_get_type ())

G_DECLARE_FINAL_TYPE (QtrFiltersDialog, qtr_filters_dialog, QTR, FILTERS_DIALOG, AdwWindow)

GtkWidget *qtr_filters_dialog_new      (GtkWindow        *parent,
                                        QtrInteractions  *interactions);
gboolean   qtr_filters_dialog_get_busy (QtrFiltersDialog *self);

G_END_DECLS
