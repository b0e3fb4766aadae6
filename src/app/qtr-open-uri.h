/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void qtr_open_uri (GtkWidget  *widget,
                   const char *uri);

G_END_DECLS
