/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-application.h"

#include <glib/gi18n.h>

#include "qtr-node-host.h"
#include "qtr-node-preferences.h"
#include "qtr-image-loader.h"
#include "qtr-notifier.h"
#include "qtr-preferences-window.h"
#include "qtr-compose-window.h"
#include "qtr-window.h"

struct _QtrApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  QtrNotifier    *notifier;
};

G_DEFINE_FINAL_TYPE (QtrApplication, qtr_application, ADW_TYPE_APPLICATION)

/* Every accelerator of the app lives here, in one place. */
static const struct {
  const char *action;
  const char *accels[3];
} accelerators[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "app.compose", { "<Control>n", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
  { "win.refresh", { "F5", NULL } },
  { "window.close", { "<Control>w", NULL } },
  { "win.select-section-number(uint32 1)", { "<Control>1", NULL } },
  { "win.select-section-number(uint32 2)", { "<Control>2", NULL } },
  { "win.select-section-number(uint32 3)", { "<Control>3", NULL } },
  { "win.select-section-number(uint32 4)", { "<Control>4", NULL } },
  { "win.select-section-number(uint32 5)", { "<Control>5", NULL } },
  { "win.select-section-number(uint32 6)", { "<Control>6", NULL } },
  { "win.select-section-number(uint32 7)", { "<Control>7", NULL } },
  { "win.select-section-number(uint32 8)", { "<Control>8", NULL } },
  { "win.select-section-number(uint32 9)", { "<Control>9", NULL } },
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


/* The app's window (perhaps hidden, running in the background), made if there is none. */
static QtrWindow *
ensure_window (QtrApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!QTR_IS_WINDOW (window))
    window = GTK_WINDOW (qtr_window_new (self));
  return QTR_WINDOW (window);
}

/* The preferences window: the app's pages, then the page of the app's own node. */
static void
present_preferences (QtrApplication *self,
                     gboolean        at_node)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  QtrPreferencesWindow *preferences = qtr_preferences_window_new (parent);
  GtkWidget *node_page = qtr_node_preferences_new (NULL);

  qtr_preferences_window_add_page (preferences, ADW_PREFERENCES_PAGE (node_page));
  if (at_node)
    adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (preferences),
                                             ADW_PREFERENCES_PAGE (node_page));
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
preferences_activated_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  present_preferences (QTR_APPLICATION (user_data), FALSE);
}

/* The preferences at the page of the app's own node (the node's toasts lead there). */
static void
node_preferences_activated_cb (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  present_preferences (QTR_APPLICATION (user_data), TRUE);
}

/* A desktop notification's default action: the account's notifications, in front. */
static void
show_notifications_activated_cb (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  QtrWindow *window = ensure_window (QTR_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (window));
  qtr_window_show_notifications (window, g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { .name = "compose", .activate = compose_activated_cb },
  { .name = "about", .activate = about_activated_cb },
  { .name = "quit", .activate = quit_activated_cb },
  { .name = "open-status", .activate = open_page_activated_cb, .parameter_type = "s" },
  { .name = "open-profile", .activate = open_page_activated_cb, .parameter_type = "s" },
  { .name = "open-hashtag", .activate = open_page_activated_cb, .parameter_type = "s" },
  { .name = "node-preferences", .activate = node_preferences_activated_cb },
  { .name = "preferences", .activate = preferences_activated_cb },
  { .name = "show-notifications", .activate = show_notifications_activated_cb,
    .parameter_type = "s" },
};

static void
qtr_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (ensure_window (QTR_APPLICATION (application))));
}

static void
color_scheme_changed_cb (GSettings  *settings,
                         const char *key,
                         gpointer    user_data)
{
  qtr_preferences_apply_color_scheme (settings);
}

/* The shared image loader keeps what it downloads in the cache folder, up to the size the
 * settings say. */
static void
image_cache_size_changed_cb (GSettings  *settings,
                             const char *key,
                             gpointer    user_data)
{
  g_autofree char *dir = qtr_image_loader_build_disk_cache_path ();
  guint64 megabytes = g_settings_get_uint (settings, "image-cache-size");

  qtr_image_loader_set_disk_cache (qtr_image_loader_get_default (), dir,
                                   megabytes * 1024 * 1024);
}

static void
qtr_application_startup (GApplication *application)
{
  QtrApplication *self = QTR_APPLICATION (application);

  G_APPLICATION_CLASS (qtr_application_parent_class)->startup (application);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (color_scheme_changed_cb), self, 0);
  qtr_preferences_apply_color_scheme (self->settings);
  g_signal_connect_object (self->settings, "changed::image-cache-size",
                           G_CALLBACK (image_cache_size_changed_cb), self, 0);
  image_cache_size_changed_cb (self->settings, "image-cache-size", self);
  self->notifier = qtr_notifier_new (GTK_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                           accelerators[i].action, accelerators[i].accels);

  /* The app's own node starts with it, on its own thread. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    qtr_node_host_autostart (qtr_node_host_get_default (), settings);
  }
}

static void
qtr_application_shutdown (GApplication *application)
{
  /* Cleanly: what waits to be delivered stays in node.db for the next start. */
  qtr_node_host_stop (qtr_node_host_get_default ());
  G_APPLICATION_CLASS (qtr_application_parent_class)->shutdown (application);
}

static void
qtr_application_dispose (GObject *object)
{
  QtrApplication *self = QTR_APPLICATION (object);

  g_clear_object (&self->notifier);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qtr_application_parent_class)->dispose (object);
}

static void
qtr_application_class_init (QtrApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = qtr_application_dispose;

  app_class->activate = qtr_application_activate;
  app_class->startup = qtr_application_startup;
  app_class->shutdown = qtr_application_shutdown;
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

/**
 * qtr_application_get_notifier:
 *
 * Returns: (transfer none) (nullable): what sends the app's desktop notifications, once the
 *   app started
 */
QtrNotifier *
qtr_application_get_notifier (QtrApplication *self)
{
  g_return_val_if_fail (QTR_IS_APPLICATION (self), NULL);

  return self->notifier;
}
