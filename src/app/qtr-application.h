/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QTR_TYPE_APPLICATION (qtr_application_get_type ())
G_DECLARE_FINAL_TYPE (QtrApplication, qtr_application, QTR, APPLICATION, AdwApplication)

typedef struct _QtrNotifier QtrNotifier;

QtrApplication *qtr_application_new          (void);
QtrNotifier    *qtr_application_get_notifier (QtrApplication *self);

G_END_DECLS
