/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-image-loader.h"
#include "qtr-status-actions.h"
#include "qtr-status.h"

G_BEGIN_DECLS

#define QTR_TYPE_STATUS_ROW (qtr_status_row_get_type ())

G_DECLARE_FINAL_TYPE (QtrStatusRow, qtr_status_row, QTR, STATUS_ROW, AdwBin)

GtkWidget      *qtr_status_row_new                 (void);
QtrStatus      *qtr_status_row_get_status          (QtrStatusRow   *self);
void            qtr_status_row_set_status          (QtrStatusRow   *self,
                                                    QtrStatus      *status);
QtrImageLoader *qtr_status_row_get_image_loader    (QtrStatusRow   *self);
void            qtr_status_row_set_image_loader    (QtrStatusRow   *self,
                                                    QtrImageLoader *loader);
gboolean        qtr_status_row_get_content_revealed (QtrStatusRow  *self);
void            qtr_status_row_set_content_revealed (QtrStatusRow  *self,
                                                     gboolean       revealed);
char           *qtr_status_row_dup_accessible_text (QtrStatusRow   *self);
gboolean        qtr_status_row_activate_link       (QtrStatusRow   *self,
                                                    const char     *uri);
QtrStatusActions *qtr_status_row_get_actions       (QtrStatusRow   *self);

G_END_DECLS
