/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-test-util.h"
#include "qtr-timeline-view.h"

G_BEGIN_DECLS

/* What the app's tests under Xvfb share: setting up GTK for a test run, waiting on the main
 * loop, finding widgets in a window, saving what was drawn as a screenshot, and an account
 * saved as after a login. Waiting for a condition is qtr_test_wait_until() of tests/lib. */

void       qtr_app_test_init        (int         *argc,
                                     char      ***argv);
void       qtr_app_test_start_gtk   (void);
void       qtr_app_test_settle      (void);
gboolean   qtr_app_test_is_mapped   (gpointer     widget);
void       qtr_app_test_collect     (GtkWidget   *root,
                                     GType        type,
                                     GPtrArray   *found);
GtkWidget *qtr_app_test_find        (GtkWidget   *root,
                                     GType        type);
GtkWidget *qtr_app_test_find_named  (GtkWidget   *root,
                                     const char  *name);
GtkWidget *qtr_app_test_find_label  (GtkWidget   *root,
                                     const char  *text);
gboolean   qtr_app_test_shows_label (GtkWidget   *root,
                                     const char  *text);
GtkWidget *qtr_app_test_find_row    (GtkWidget   *root,
                                     GType        type,
                                     const char  *title);
GtkButton *qtr_app_test_find_button (GtkWidget   *root,
                                     const char  *label);
const char *qtr_app_test_first_visible_post  (QtrTimelineView *view);
gboolean    qtr_app_test_reads_first_visible (gpointer         view);
gboolean   qtr_app_test_press_shortcut (GtkWidget  *widget,
                                        const char *trigger);
GtkWindow *qtr_app_test_new_window  (int          width,
                                     int          height);
void       qtr_app_test_screenshot  (GtkWidget   *widget,
                                     const char  *name);
void       qtr_app_test_save_account (const char *server,
                                      const char *id,
                                      const char *handle,
                                      const char *display_name,
                                      const char *client_id,
                                      const char *client_secret,
                                      const char *token);

G_END_DECLS
