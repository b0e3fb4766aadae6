/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-application.h"

G_BEGIN_DECLS

#define QTR_TYPE_WINDOW (qtr_window_get_type ())
G_DECLARE_FINAL_TYPE (QtrWindow, qtr_window, QTR, WINDOW, AdwApplicationWindow)

QtrWindow *qtr_window_new (QtrApplication *application);

G_END_DECLS
