/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "qtr-application.h"
#include "qtr-window.h"

/* The real application in a real window (under Xvfb): it opens its welcome page and its About
 * window, in the language and the light or dark style that the environment asks for. */

static const char *expected_title;
static gboolean expected_dark;

typedef struct {
  QtrApplication *app;
  GtkWindow      *window;
  gboolean        checked;
} Fixture;

static GtkWidget *
find_status_page (GtkWidget  *root,
                  const char *name)
{
  if (ADW_IS_STATUS_PAGE (root) && g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_status_page (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWindow *
find_about_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      /* The list of toplevels keeps its own reference. */
      if (ADW_IS_ABOUT_WINDOW (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static void
wait_until_mapped (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (widget));
}

static void
check_about (Fixture *fixture)
{
  GtkWindow *about;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "about", NULL);
  while ((about = find_about_window ()) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==,
                   "Quitter");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==,
                   GTK_LICENSE_AGPL_3_0);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, APP_ID);
  g_assert_true (gtk_window_get_transient_for (about) == fixture->window);
  /* The comments are translated like the rest of the app. */
  g_assert_cmpstr (adw_about_window_get_comments (ADW_ABOUT_WINDOW (about)), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Your own place in the fediverse: a client for "
                               "any Mastodon-compatible server, and a personal node that "
                               "federates from your own computer."));
  gtk_window_destroy (about);
}

static void
check_window (Fixture *fixture)
{
  GtkWidget *welcome;
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_assert_true (QTR_IS_WINDOW (fixture->window));
  wait_until_mapped (GTK_WIDGET (fixture->window));

  welcome = find_status_page (GTK_WIDGET (fixture->window), "welcome");
  g_assert_nonnull (welcome);
  g_assert_true (gtk_widget_get_mapped (welcome));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (welcome)), ==, expected_title);
  g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (welcome)), ==, APP_ID);
  g_assert_cmpuint (strlen (adw_status_page_get_description (ADW_STATUS_PAGE (welcome))), >, 40);

  /* The icon comes from the app's own resources, installed or not. */
  {
    GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
    g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
    g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID "-symbolic"));
  }

  /* It follows the system: no forced colour scheme, dark when the system prefers it. */
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_cmpint (adw_style_manager_get_dark (style), ==, expected_dark);

  check_about (fixture);
  fixture->checked = TRUE;
}

static void
app_activated_cb (GApplication *application,
                  Fixture      *fixture)
{
  fixture->window = gtk_application_get_active_window (GTK_APPLICATION (application));
  check_window (fixture);
  /* Closing the last window ends the application, as it does for a person. */
  gtk_window_close (fixture->window);
}

static void
test_welcome (void)
{
  Fixture fixture = { 0 };
  int status;

  fixture.app = qtr_application_new ();
  g_application_set_flags (G_APPLICATION (fixture.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fixture.app, "activate", G_CALLBACK (app_activated_cb), &fixture);

  status = g_application_run (G_APPLICATION (fixture.app), 0, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (fixture.checked);
  g_assert_finalize_object (fixture.app);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  if (argc < 3)
    g_error ("Usage: %s EXPECTED-WELCOME-TITLE light|dark", argv[0]);
  expected_title = argv[1];
  expected_dark = g_str_equal (argv[2], "dark");

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("No display: run the tests through build-aux/quitter.sh test, which starts Xvfb");

  g_test_add_func ("/app/window/welcome", test_welcome);

  return g_test_run ();
}
