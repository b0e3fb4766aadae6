/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-window.h"

#include <glib/gi18n.h>

struct _QtrWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwStatusPage        *welcome_page;
};

G_DEFINE_FINAL_TYPE (QtrWindow, qtr_window, ADW_TYPE_APPLICATION_WINDOW)

static void
save_window_state (QtrWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static void
restore_window_state (QtrWindow *self)
{
  int width, height;

  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
qtr_window_close_request (GtkWindow *window)
{
  save_window_state (QTR_WINDOW (window));
  return GTK_WINDOW_CLASS (qtr_window_parent_class)->close_request (window);
}

static void
qtr_window_dispose (GObject *object)
{
  QtrWindow *self = QTR_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qtr_window_parent_class)->dispose (object);
}

static void
qtr_window_class_init (QtrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = qtr_window_dispose;
  window_class->close_request = qtr_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrWindow, welcome_page);
}

static void
qtr_window_init (QtrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  restore_window_state (self);
}

QtrWindow *
qtr_window_new (QtrApplication *application)
{
  return g_object_new (QTR_TYPE_WINDOW, "application", application, NULL);
}
