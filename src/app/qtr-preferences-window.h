/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-api-client.h"

G_BEGIN_DECLS

#define QTR_TYPE_PREFERENCES_WINDOW (qtr_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (QtrPreferencesWindow, qtr_preferences_window, QTR, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

QtrPreferencesWindow *qtr_preferences_window_new       (GtkWindow            *parent);
void                  qtr_preferences_window_add_page  (QtrPreferencesWindow *self,
                                                        AdwPreferencesPage   *page);
GSettings            *qtr_preferences_window_get_settings (QtrPreferencesWindow *self);

void                  qtr_preferences_apply_color_scheme  (GSettings            *settings);
gboolean              qtr_preferences_get_show_sensitive_media (void);
gboolean              qtr_preferences_get_autoplay_media       (void);
void                  qtr_preferences_adopt_server_async  (GSettings            *settings,
                                                           QtrApiClient         *client,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean              qtr_preferences_adopt_server_finish (GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
