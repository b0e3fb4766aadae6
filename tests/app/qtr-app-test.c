/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-app-test.h"

#include <string.h>

#include <glib/gi18n.h>
#include <locale.h>

#include "qtr-account-store.h"
#include "qtr-status-row.h"
#include "qtr-timeline-view.h"

/**
 * qtr_app_test_init:
 * @argc: main()'s
 * @argv: main()'s
 *
 * Translations from the build tree, the system's MIME database (each test isolates its XDG
 * dirs, and GTK's icons and gdk-pixbuf's SVG loader still need it), and g_test_init() with the
 * XDG dirs of each test in a folder of its own and GIO's direct proxy resolver. Call
 * qtr_app_test_start_gtk() after it, once anything that must precede GTK is set.
 */
void
qtr_app_test_init (int    *argc,
                   char ***argv)
{
  const char * const *data_dirs = g_get_system_data_dirs ();
  g_autoptr(GPtrArray) mime_dirs = g_ptr_array_new_with_free_func (g_free);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  for (guint i = 0; data_dirs[i] != NULL; i++)
    g_ptr_array_add (mime_dirs, g_build_filename (data_dirs[i], "mime", NULL));
  g_ptr_array_add (mime_dirs, NULL);
  g_content_type_set_mime_dirs ((const char * const *) mime_dirs->pdata);

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

/**
 * qtr_app_test_start_gtk:
 *
 * Starts GTK and libadwaita on the display of the test run (Xvfb, started by
 * build-aux/quitter.sh test), without animations, and reads the icon theme while the system's
 * data dirs are still the ones it sees.
 */
void
qtr_app_test_start_gtk (void)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    g_error ("No display: run the tests through build-aux/quitter.sh test, which starts Xvfb");
  gtk_init ();
  adw_init ();
  /* Under Xvfb the frame clock runs unevenly: pages switch at once, as with reduced motion. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                          "go-previous-symbolic"));
}

/**
 * qtr_app_test_settle:
 *
 * Lets the windows lay out and draw a few frames (300 ms of the default main context).
 */
void
qtr_app_test_settle (void)
{
  gint64 until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/**
 * qtr_app_test_is_mapped:
 * @widget: a #GtkWidget
 *
 * A condition for qtr_test_wait_until(): @widget is mapped.
 */
gboolean
qtr_app_test_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

/**
 * qtr_app_test_collect:
 * @root: where to look
 * @type: the type looked for
 * @found: (element-type GtkWidget): where the mapped widgets of @type under @root are added,
 *   in depth-first order
 */
void
qtr_app_test_collect (GtkWidget *root,
                      GType      type,
                      GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_get_mapped (root))
    g_ptr_array_add (found, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    qtr_app_test_collect (child, type, found);
}

/**
 * qtr_app_test_find:
 * @root: where to look
 * @type: the type looked for
 *
 * Returns: (transfer none) (nullable): the first mapped widget of @type under @root
 */
GtkWidget *
qtr_app_test_find (GtkWidget *root,
                   GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  qtr_app_test_collect (root, type, found);
  return found->len > 0 ? found->pdata[0] : NULL;
}

/**
 * qtr_app_test_find_named:
 * @root: where to look
 * @name: a widget name (gtk_widget_set_name(), or the `name` of a .ui file)
 *
 * Returns: (transfer none) (nullable): the first mapped widget under @root with that name
 */
GtkWidget *
qtr_app_test_find_named (GtkWidget  *root,
                         const char *name)
{
  if (gtk_widget_get_mapped (root) && g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = qtr_app_test_find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * qtr_app_test_find_label:
 * @root: where to look
 * @text: a text to find in a label
 *
 * Returns: (transfer none) (nullable): the first mapped #GtkLabel under @root whose text
 *   contains @text
 */
GtkWidget *
qtr_app_test_find_label (GtkWidget  *root,
                         const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      if (strstr (gtk_label_get_text (labels->pdata[i]), text) != NULL)
        return labels->pdata[i];
    }
  return NULL;
}

/**
 * qtr_app_test_shows_label:
 * @text: what the label says, or part of it
 *
 * Returns: whether a label under @root that is drawn says @text
 */
gboolean
qtr_app_test_shows_label (GtkWidget  *root,
                          const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      if (strstr (gtk_label_get_text (labels->pdata[i]), text) != NULL &&
          gtk_widget_is_drawable (labels->pdata[i]))
        return TRUE;
    }
  return FALSE;
}

/**
 * qtr_app_test_find_row:
 * @type: an #AdwPreferencesRow type (entry row, action row…)
 * @title: the row's title
 *
 * Returns: (transfer none) (nullable): the first row of @type under @root titled @title
 */
GtkWidget *
qtr_app_test_find_row (GtkWidget  *root,
                       GType       type,
                       const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  qtr_app_test_collect (root, type, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  return NULL;
}

/**
 * qtr_app_test_find_button:
 * @label: the button's label, with its mnemonic underscore
 *
 * Returns: (transfer none) (nullable): the first button under @root labelled @label
 */
GtkButton *
qtr_app_test_find_button (GtkWidget  *root,
                          const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), label) == 0)
      return buttons->pdata[i];
  return NULL;
}

/**
 * qtr_app_test_first_visible_post:
 *
 * Returns: (nullable): the id of the post at the top of what @view shows (the first row whose
 *   bottom is below the top of the viewport), measured on the widgets
 */
const char *
qtr_app_test_first_visible_post (QtrTimelineView *view)
{
  GtkWidget *scrolled = GTK_WIDGET (qtr_timeline_view_get_scrolled_window (view));
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  const char *id = NULL;
  double best = G_MAXDOUBLE;

  qtr_app_test_collect (scrolled, QTR_TYPE_STATUS_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      graphene_point_t top;
      QtrStatus *status = qtr_status_row_get_status (rows->pdata[i]);

      GtkWidget *list_row = rows->pdata[i];

      /* The list view's own child: hidden (not child-visible) while it is recycled. */
      while (!GTK_IS_LIST_VIEW (gtk_widget_get_parent (list_row)))
        list_row = gtk_widget_get_parent (list_row);
      if (status == NULL || !gtk_widget_get_child_visible (list_row) ||
          !gtk_widget_compute_point (rows->pdata[i], scrolled, &GRAPHENE_POINT_INIT (0, 0), &top))
        continue;
      if (top.y + gtk_widget_get_height (rows->pdata[i]) > 0 && top.y < best)
        {
          best = top.y;
          id = qtr_status_get_id (status);
        }
    }
  return id;
}


/**
 * qtr_app_test_reads_first_visible:
 * @view: a #QtrTimelineView
 *
 * Returns: whether the reading position of @view's timeline is the first post in view
 */
gboolean
qtr_app_test_reads_first_visible (gpointer view)
{
  return g_strcmp0 (qtr_timeline_get_read_position (qtr_timeline_view_get_model (view)),
                    qtr_app_test_first_visible_post (view)) == 0;
}

/**
 * qtr_app_test_press_shortcut:
 * @trigger: a trigger as GTK writes it ("Escape", "<Control>k"); a shortcut whose trigger
 *   lists alternatives ("Escape|<Alt>Left") answers to each
 *
 * Presses @trigger through @widget's shortcut controllers, as the key would. A test fails
 * where @widget has no such shortcut.
 *
 * Returns: whether the shortcut took it (not when its action is disabled)
 */
gboolean
qtr_app_test_press_shortcut (GtkWidget  *widget,
                             const char *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *text =
            gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          g_auto(GStrv) alternatives = g_strsplit (text, "|", -1);

          if (g_strv_contains ((const char * const *) alternatives, trigger))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  g_error ("No shortcut %s on a %s", trigger, G_OBJECT_TYPE_NAME (widget));
  return FALSE;
}

/**
 * qtr_app_test_new_window:
 * @width: its default width
 * @height: its default height
 *
 * Returns: (transfer none): a new empty #AdwWindow, not yet shown
 */
GtkWindow *
qtr_app_test_new_window (int width,
                         int height)
{
  GtkWindow *window = GTK_WINDOW (adw_window_new ());

  gtk_window_set_default_size (window, width, height);
  return window;
}

/**
 * qtr_app_test_screenshot:
 * @widget: a window (at the top left of the screen, as under Xvfb without a window manager)
 * @name: the file name, without `.png`
 *
 * With `QTR_SCREENSHOT_DIR` set, takes the screen with ImageMagick's import, as a person's
 * screenshot would (what was really drawn), cropped to @widget's size; otherwise does nothing.
 */
void
qtr_app_test_screenshot (GtkWidget  *widget,
                         const char *name)
{
  const char *dir = g_getenv ("QTR_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *crop = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (dir == NULL || *dir == '\0')
    return;
  qtr_app_test_settle ();
  path = g_strdup_printf ("%s/%s.png", dir, name);
  crop = g_strdup_printf ("%dx%d+0+0", gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  g_spawn_sync (NULL, (char *[]) { (char *) "import", (char *) "-window", (char *) "root",
                                   (char *) "-crop", crop, path, NULL },
                NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  if (error != NULL || status != 0)
    g_test_message ("Could not save %s: %s", path, error ? error->message : "import failed");
  else
    g_test_message ("Saved %s", path);
}

static void
account_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (qtr_account_store_save_finish (QTR_ACCOUNT_STORE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

/**
 * qtr_app_test_save_account:
 * @server: the account's server, its base URL
 * @id: the account's id on @server
 * @handle: its handle, `@USERNAME@HOST`
 * @display_name: its display name
 * @client_id: the client id of the app's registration on @server
 * @client_secret: its client secret
 * @token: the account's access token
 *
 * Saves the account in accounts.ini and its credentials in the keyring of the test session,
 * and makes it the active account, as after a login: a #QtrWindow opened next shows it.
 */
void
qtr_app_test_save_account (const char *server,
                           const char *id,
                           const char *handle,
                           const char *display_name,
                           const char *client_id,
                           const char *client_secret,
                           const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrAccountStore) store = qtr_account_store_new (NULL, &error);
  g_autoptr(QtrStoredAccount) account = qtr_stored_account_new (server, id, handle,
                                                                display_name);
  g_autoptr(QtrCredentials) credentials = qtr_credentials_new (server, client_id, client_secret,
                                                               token);
  gboolean saved = FALSE;

  g_assert_no_error (error);
  qtr_account_store_save_async (store, account, credentials, NULL, account_saved_cb, &saved);
  qtr_test_wait_until (is_true, &saved, "the account is saved");
  g_assert_true (qtr_account_store_set_active (store, handle, &error));
  g_assert_no_error (error);
}
