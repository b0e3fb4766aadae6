/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-interactions.h"

G_BEGIN_DECLS

#define QTR_TYPE_LISTS_DIALOG (qtr_lists_dialog_get_type ())

G_DECLARE_FINAL_TYPE (QtrListsDialog, qtr_lists_dialog, QTR, LISTS_DIALOG, AdwWindow)

GtkWidget *qtr_lists_dialog_new         (GtkWindow       *parent,
                                         QtrInteractions *interactions);
gboolean   qtr_lists_dialog_get_busy    (QtrListsDialog  *self);

G_END_DECLS
