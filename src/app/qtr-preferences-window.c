/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-preferences-window.h"

#include <glib/gi18n.h>

#include "qtr-json.h"

/* QtrPreferencesWindow: the app's preferences, each row bound to its GSettings key (so a
 * change applies at once and is kept): the style, the default visibility of new posts,
 * whether sensitive media show at once, the disk cache of images, and whether the app runs on in the background when its
 * window closes.
 *
 * Its first page is "General"; other parts of the app add theirs with
 * qtr_preferences_window_add_page() (the node's settings, for example).
 *
 * The default visibility is also the server's (`/api/v1/preferences`): when an account opens
 * and the key was never set here, qtr_preferences_adopt_server_async() takes the server's. */

struct _QtrPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwPreferencesPage   *general_page;
  AdwComboRow          *style_row;
  AdwComboRow          *visibility_row;
  GtkSwitch            *sensitive_switch;
  GtkSwitch            *autoplay_switch;
  GtkSpinButton        *image_cache_spin;
  GtkSwitch            *background_switch;
};

G_DEFINE_FINAL_TYPE (QtrPreferencesWindow, qtr_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The combo rows' entries, in their order, as the keys' values. */
static const char * const color_schemes[] = { "default", "light", "dark", NULL };
static const char * const visibilities[] = { "public", "unlisted", "private", "direct", NULL };

static gboolean
choice_to_position (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    {
      if (g_str_equal (choices[i], choice))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }
  return FALSE;
}

static GVariant *
position_to_choice (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *choices = user_data;
  guint position = g_value_get_uint (value);

  if (position >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[position]);
}

static void
qtr_preferences_window_dispose (GObject *object)
{
  QtrPreferencesWindow *self = QTR_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qtr_preferences_window_parent_class)->dispose (object);
}

static void
qtr_preferences_window_class_init (QtrPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/"
                                               "qtr-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrPreferencesWindow, general_page);
  gtk_widget_class_bind_template_child (widget_class, QtrPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, QtrPreferencesWindow, visibility_row);
  gtk_widget_class_bind_template_child (widget_class, QtrPreferencesWindow, sensitive_switch);
  gtk_widget_class_bind_template_child (widget_class, QtrPreferencesWindow, autoplay_switch);
  gtk_widget_class_bind_template_child (widget_class, QtrPreferencesWindow, image_cache_spin);
  gtk_widget_class_bind_template_child (widget_class, QtrPreferencesWindow, background_switch);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qtr_preferences_window_init (QtrPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind_with_mapping (self->settings, "color-scheme", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_to_position, position_to_choice,
                                (gpointer) color_schemes, NULL);
  g_settings_bind_with_mapping (self->settings, "default-visibility", self->visibility_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, choice_to_position,
                                position_to_choice, (gpointer) visibilities, NULL);
  g_settings_bind (self->settings, "show-sensitive-media", self->sensitive_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "autoplay-media", self->autoplay_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "image-cache-size",
                   gtk_spin_button_get_adjustment (self->image_cache_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

/**
 * qtr_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer none): a new preferences window, transient for @parent, not shown yet
 */
QtrPreferencesWindow *
qtr_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (QTR_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
}

/**
 * qtr_preferences_window_add_page:
 * @page: a page of preferences of another part of the app
 *
 * Adds @page after the pages already there; the window shows a switcher once it has two.
 */
void
qtr_preferences_window_add_page (QtrPreferencesWindow *self,
                                 AdwPreferencesPage   *page)
{
  g_return_if_fail (QTR_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (ADW_IS_PREFERENCES_PAGE (page));

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
}

/**
 * qtr_preferences_window_get_settings:
 *
 * Returns: (transfer none): the settings its rows are bound to
 */
GSettings *
qtr_preferences_window_get_settings (QtrPreferencesWindow *self)
{
  g_return_val_if_fail (QTR_IS_PREFERENCES_WINDOW (self), NULL);

  return self->settings;
}

/**
 * qtr_preferences_apply_color_scheme:
 * @settings: the app's settings
 *
 * Gives libadwaita's style manager the style that `color-scheme` asks for: the system's, light
 * or dark.
 */
void
qtr_preferences_apply_color_scheme (GSettings *settings)
{
  g_autofree char *scheme = g_settings_get_string (settings, "color-scheme");
  AdwColorScheme color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (scheme, "light"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

static void
server_preferences_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GSettings *settings = g_task_get_task_data (task);
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GVariant) user_value = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *preferences;
  const char *visibility;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  preferences = response != NULL ? qtr_api_response_get_object (response, &error) : NULL;
  if (preferences == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  visibility = qtr_json_get_string (preferences, "posting:default:visibility");
  user_value = g_settings_get_user_value (settings, "default-visibility");
  if (user_value == NULL && visibility != NULL &&
      g_strv_contains (visibilities, visibility))
    g_settings_set_string (settings, "default-visibility", visibility);
  g_task_return_boolean (task, TRUE);
}

/**
 * qtr_preferences_adopt_server_async:
 * @settings: the app's settings
 * @client: the API client of the account that opened
 *
 * Asks the server for the account's preferences (`GET /api/v1/preferences`) and takes its
 * default visibility of posts, unless `default-visibility` was set here already.
 */
void
qtr_preferences_adopt_server_async (GSettings           *settings,
                                    QtrApiClient        *client,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (QTR_IS_API_CLIENT (client));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_preferences_adopt_server_async);
  g_task_set_task_data (task, g_object_ref (settings), g_object_unref);
  qtr_api_client_get_async (client, "/api/v1/preferences", NULL, cancellable,
                            server_preferences_cb, g_object_ref (task));
}

gboolean
qtr_preferences_adopt_server_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A boolean preference; %FALSE where the app's settings schema is not installed (as in the
 * tests of widgets alone). */
static gboolean
get_boolean (const char *key)
{
  static GSettings *settings;

  if (settings == NULL)
    {
      g_autoptr(GSettingsSchema) schema = NULL;
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();

      if (source == NULL || (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) == NULL)
        return FALSE;
      settings = g_settings_new (APP_ID);
    }
  return g_settings_get_boolean (settings, key);
}

/**
 * qtr_preferences_get_show_sensitive_media:
 *
 * Returns: whether media marked sensitive show at once (`show-sensitive-media`); %FALSE where
 *   the app's settings schema is not installed
 */
gboolean
qtr_preferences_get_show_sensitive_media (void)
{
  return get_boolean ("show-sensitive-media");
}

/**
 * qtr_preferences_get_autoplay_media:
 *
 * Returns: whether videos, animations and audio play as soon as the viewer shows them
 *   (`autoplay-media`); %FALSE where the app's settings schema is not installed
 */
gboolean
qtr_preferences_get_autoplay_media (void)
{
  return get_boolean ("autoplay-media");
}
