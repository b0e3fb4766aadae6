/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-interactions.h"

G_BEGIN_DECLS

#define QTR_TYPE_REPORT_DIALOG (qtr_report_dialog_get_type ())

G_DECLARE_FINAL_TYPE (QtrReportDialog, qtr_report_dialog, QTR, REPORT_DIALOG, AdwMessageDialog)

GtkWidget *qtr_report_dialog_new (GtkWindow       *parent,
                                  QtrInteractions *interactions,
                                  QtrStatus       *status);

G_END_DECLS
