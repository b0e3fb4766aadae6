/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-application.h"

#include <glib/gi18n.h>

#include "qtr-compose-window.h"
#include "qtr-window.h"

struct _QtrApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (QtrApplication, qtr_application, ADW_TYPE_APPLICATION)

/* Every accelerator of the app lives here, in one place. */
static const struct {
  const char *action;
  const char *accels[3];
} accelerators[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.compose", { "<Control>n", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
  { "window.close", { "<Control>w", NULL } },
};

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Quitter developers", NULL };
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", "Quitter",
                        "application-icon", APP_ID,
                        "developer-name", _("The Quitter developers"),
                        "version", PACKAGE_VERSION,
                        "website", APP_WEBSITE,
                        "issue-url", APP_ISSUES,
                        "comments", _("Your own place in the fediverse: a client for any "
                                      "Mastodon-compatible server, and a personal node that "
                                      "federates from your own computer."),
                        "copyright", _("© 2026 The Quitter developers"),
                        "license-type", GTK_LICENSE_AGPL_3_0,
                        "developers", developers,
                        /* Translators: your names, one per line, e.g. "Ana García <ana@example.org>". */
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_window_add_acknowledgement_section (ADW_ABOUT_WINDOW (about),
                                                _("In memory of"),
                                                (const char *[]) {
                                                  _("Quitter.se and the GNU social sites of 2015"),
                                                  NULL });
  gtk_window_present (about);
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* A compose window for the account open in the active window. */
static void
compose_activated_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  GtkWindow *window;

  /* From outside (`gapplication action`), a main window first. */
  g_application_activate (G_APPLICATION (user_data));
  window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  /* From a compose window or a dialog, the main window it belongs to. */
  while (window != NULL && !QTR_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  if (QTR_IS_WINDOW (window))
    qtr_compose_window_new (window);
}

/* app.open-status('ID'), app.open-profile('HANDLE-OR-URL'), app.open-hashtag('TAG'): the
 * window's page for it (win.open-…), from outside (`gapplication action`, a notification). */
static void
open_page_activated_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  g_autofree char *name = g_strconcat ("win.", g_action_get_name (G_ACTION (action)), NULL);
  GtkWindow *window;

  g_application_activate (G_APPLICATION (user_data));
  window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  if (window != NULL)
    gtk_widget_activate_action_variant (GTK_WIDGET (window), name, parameter);
}

static const GActionEntry app_actions[] = {
  { .name = "compose", .activate = compose_activated_cb },
  { .name = "about", .activate = about_activated_cb },
  { .name = "quit", .activate = quit_activated_cb },
  { .name = "open-status", .activate = open_page_activated_cb, .parameter_type = "s" },
  { .name = "open-profile", .activate = open_page_activated_cb, .parameter_type = "s" },
  { .name = "open-hashtag", .activate = open_page_activated_cb, .parameter_type = "s" },
};

static void
qtr_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (qtr_window_new (QTR_APPLICATION (application)));
  gtk_window_present (window);
}

static void
qtr_application_startup (GApplication *application)
{
  G_APPLICATION_CLASS (qtr_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                           accelerators[i].action, accelerators[i].accels);
}

static void
qtr_application_class_init (QtrApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = qtr_application_activate;
  app_class->startup = qtr_application_startup;
}

static void
qtr_application_init (QtrApplication *self)
{
}

QtrApplication *
qtr_application_new (void)
{
  return g_object_new (QTR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/quitter/Quitter",
                       NULL);
}
