/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-node-host.h"

G_BEGIN_DECLS

#define QTR_TYPE_NODE_PREFERENCES (qtr_node_preferences_get_type ())

G_DECLARE_FINAL_TYPE (QtrNodePreferences, qtr_node_preferences, QTR, NODE_PREFERENCES,
                      AdwPreferencesPage)

GtkWidget  *qtr_node_preferences_new         (QtrNodeHost        *host);
GtkWindow  *qtr_node_preferences_present     (GtkWindow          *parent,
                                              QtrNodeHost        *host);
void        qtr_node_preferences_refresh     (QtrNodePreferences *self);
guint       qtr_node_preferences_get_loads   (QtrNodePreferences *self);
gboolean    qtr_node_preferences_get_busy    (QtrNodePreferences *self);
const char *qtr_node_preferences_get_message (QtrNodePreferences *self);

G_END_DECLS
