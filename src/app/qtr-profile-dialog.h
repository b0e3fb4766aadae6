/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-interactions.h"

G_BEGIN_DECLS

#define QTR_TYPE_PROFILE_DIALOG (qtr_profile_dialog_get_type ())

G_DECLARE_FINAL_TYPE (QtrProfileDialog, qtr_profile_dialog, QTR, PROFILE_DIALOG, AdwWindow)

GtkWidget *qtr_profile_dialog_new        (GtkWindow        *parent,
                                          QtrInteractions  *interactions);
gboolean   qtr_profile_dialog_get_loaded (QtrProfileDialog *self);
void       qtr_profile_dialog_set_avatar (QtrProfileDialog *self,
                                          GFile            *file);
void       qtr_profile_dialog_set_header (QtrProfileDialog *self,
                                          GFile            *file);

G_END_DECLS
