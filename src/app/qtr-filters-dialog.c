/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-filters-dialog.h"

#include <glib/gi18n.h>

#include "qtr-api-call.h"
#include "qtr-json.h"

/* QtrFiltersDialog: the user's filters (Mastodon's v2 filters): a title, keywords (matched as
 * whole words or not), where the filter applies (home and lists, notifications, public
 * timelines, threads, profiles), whether filtered posts are hidden or shown behind a warning,
 * and when the filter ends. A new filter starts with a title; Save sends a filter's rows
 * (its keywords replaced by those written), Delete removes it. What shows is read again from
 * the server after each change. */

struct _QtrFiltersDialog
{
  AdwWindow            parent_instance;

  QtrInteractions     *interactions;
  GCancellable        *cancellable;
  GPtrArray           *filter_rows;  /* AdwExpanderRow in filters_group */
  guint                busy;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  AdwEntryRow         *new_row;
  AdwPreferencesGroup *filters_group;
};

G_DEFINE_FINAL_TYPE (QtrFiltersDialog, qtr_filters_dialog, ADW_TYPE_WINDOW)

/* Where a filter applies, as the API names the contexts. */
static const struct {
  const char *context;
  const char *title;
} contexts[] = {
  { "home", N_("Home and Lists") },
  { "notifications", N_("Notifications") },
  { "public", N_("Public Timelines") },
  { "thread", N_("Conversations") },
  { "account", N_("Profiles") },
};

/* The choices of "Ends": seconds from now, 0 for never. */
static const struct {
  gint64      seconds;
  const char *title;
} expiries[] = {
  { 0, N_("Never") },
  { 1800, N_("In 30 minutes") },
  { 3600, N_("In an hour") },
  { 21600, N_("In 6 hours") },
  { 43200, N_("In 12 hours") },
  { 86400, N_("In a day") },
  { 604800, N_("In a week") },
};

/* The widgets of one filter's row, kept on it. */
typedef struct {
  char        *id;
  GPtrArray   *keyword_ids;  /* of the keywords as loaded */
  AdwEntryRow *title;
  AdwEntryRow *keywords;
  GtkSwitch   *whole_word;
  GtkSwitch   *contexts[G_N_ELEMENTS (contexts)];
  AdwComboRow *action;
  AdwComboRow *expiry;
  gboolean     expiry_changed;
} FilterRow;

static void
filter_row_free (FilterRow *row)
{
  g_free (row->id);
  g_clear_pointer (&row->keyword_ids, g_ptr_array_unref);
  g_free (row);
}

static void load (QtrFiltersDialog *self);

static void
send (QtrFiltersDialog   *self,
      const char         *method,
      const char         *path,
      const char * const *form,
      QtrApiCallFunc      answer,
      const char         *failure)
{
  qtr_api_call (self->interactions, self->cancellable, self->toast_overlay, &self->busy, method,
                path, NULL, form, answer, self, NULL, failure);
}

static void
changed_cb (gpointer    owner,
            JsonNode   *root,
            const char *data)
{
  load (QTR_FILTERS_DIALOG (owner));
}

static char *
filter_path (const char *id)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strconcat ("/api/v2/filters/", escaped, NULL);
}

static FilterRow *
get_filter_row (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_EXPANDER_ROW);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "qtr-filter") : NULL;
}

static void
save_clicked_cb (GtkButton        *button,
                 QtrFiltersDialog *self)
{
  FilterRow *row = get_filter_row (GTK_WIDGET (button));
  g_autoptr(GPtrArray) form = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) keywords = NULL;
  g_autofree char *path = NULL;
  guint n = 0;

  if (row == NULL)
    return;
  g_ptr_array_add (form, g_strdup ("title"));
  g_ptr_array_add (form, g_strdup (gtk_editable_get_text (GTK_EDITABLE (row->title))));
  for (guint i = 0; i < G_N_ELEMENTS (contexts); i++)
    {
      if (!gtk_switch_get_active (row->contexts[i]))
        continue;
      g_ptr_array_add (form, g_strdup ("context[]"));
      g_ptr_array_add (form, g_strdup (contexts[i].context));
    }
  g_ptr_array_add (form, g_strdup ("filter_action"));
  g_ptr_array_add (form, g_strdup (adw_combo_row_get_selected (row->action) == 1 ? "hide"
                                                                                 : "warn"));
  if (row->expiry_changed)
    {
      gint64 seconds = expiries[MIN (adw_combo_row_get_selected (row->expiry),
                                     G_N_ELEMENTS (expiries) - 1)].seconds;

      g_ptr_array_add (form, g_strdup ("expires_in"));
      g_ptr_array_add (form, seconds > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, seconds)
                                         : g_strdup (""));
    }
  /* The keywords as written replace the ones loaded. */
  for (guint i = 0; i < row->keyword_ids->len; i++, n++)
    {
      g_ptr_array_add (form, g_strdup_printf ("keywords_attributes[%u][id]", n));
      g_ptr_array_add (form, g_strdup (row->keyword_ids->pdata[i]));
      g_ptr_array_add (form, g_strdup_printf ("keywords_attributes[%u][_destroy]", n));
      g_ptr_array_add (form, g_strdup ("true"));
    }
  keywords = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (row->keywords)), ",", -1);
  for (guint i = 0; keywords[i] != NULL; i++)
    {
      g_strstrip (keywords[i]);
      if (*keywords[i] == '\0')
        continue;
      g_ptr_array_add (form, g_strdup_printf ("keywords_attributes[%u][keyword]", n));
      g_ptr_array_add (form, g_strdup (keywords[i]));
      g_ptr_array_add (form, g_strdup_printf ("keywords_attributes[%u][whole_word]", n));
      g_ptr_array_add (form, g_strdup (gtk_switch_get_active (row->whole_word) ? "true"
                                                                               : "false"));
      n++;
    }
  g_ptr_array_add (form, NULL);
  path = filter_path (row->id);
  send (self, "PUT", path, (const char * const *) form->pdata, changed_cb,
        _("Could not save the filter"));
}

static void
delete_clicked_cb (GtkButton        *button,
                   QtrFiltersDialog *self)
{
  FilterRow *row = get_filter_row (GTK_WIDGET (button));
  g_autofree char *path = NULL;

  if (row == NULL)
    return;
  path = filter_path (row->id);
  send (self, "DELETE", path, NULL, changed_cb, _("Could not delete the filter"));
}

static void
expiry_selected_cb (AdwComboRow *combo,
                    GParamSpec  *pspec,
                    FilterRow   *row)
{
  row->expiry_changed = TRUE;
}

static GtkWidget *
switch_row_new (const char  *title,
                gboolean     active,
                GtkSwitch  **out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_switch_set_active (GTK_SWITCH (toggle), active);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  *out = GTK_SWITCH (toggle);
  return row;
}

static GtkWidget *
filter_row_new (QtrFiltersDialog *self,
                JsonObject       *filter)
{
  GtkWidget *expander = adw_expander_row_new ();
  FilterRow *row = g_new0 (FilterRow, 1);
  JsonArray *keywords = qtr_json_get_array (filter, "keywords");
  JsonArray *filter_contexts = qtr_json_get_array (filter, "context");
  const char *title = qtr_json_get_string (filter, "title");
  const char *expires_at = qtr_json_get_string (filter, "expires_at");
  g_autoptr(GString) words = g_string_new (NULL);
  g_autoptr(GtkStringList) actions = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) ends = gtk_string_list_new (NULL);
  gboolean whole_word = TRUE;
  GtkWidget *buttons = adw_action_row_new ();
  GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save"));
  GtkWidget *delete_button = gtk_button_new_with_mnemonic (_("_Delete"));

  row->id = g_strdup (qtr_json_get_string (filter, "id"));
  row->keyword_ids = g_ptr_array_new_with_free_func (g_free);
  g_object_set_data_full (G_OBJECT (expander), "qtr-filter", row,
                          (GDestroyNotify) filter_row_free);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title != NULL ? title : "");

  for (guint i = 0; keywords != NULL && i < json_array_get_length (keywords); i++)
    {
      JsonNode *node = json_array_get_element (keywords, i);
      const char *keyword, *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      keyword = qtr_json_get_string (json_node_get_object (node), "keyword");
      id = qtr_json_get_string (json_node_get_object (node), "id");
      if (keyword == NULL || id == NULL)
        continue;
      g_ptr_array_add (row->keyword_ids, g_strdup (id));
      if (words->len > 0)
        g_string_append (words, ", ");
      g_string_append (words, keyword);
      whole_word = whole_word && qtr_json_get_bool (json_node_get_object (node), "whole_word",
                                                    TRUE);
    }
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), words->str);

  row->title = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->title), _("Title"));
  gtk_editable_set_text (GTK_EDITABLE (row->title), title != NULL ? title : "");
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), GTK_WIDGET (row->title));

  row->keywords = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->keywords),
                                 _("Keywords, Separated by Commas"));
  gtk_editable_set_text (GTK_EDITABLE (row->keywords), words->str);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), GTK_WIDGET (row->keywords));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                            switch_row_new (_("Whole Words Only"), whole_word, &row->whole_word));

  for (guint i = 0; i < G_N_ELEMENTS (contexts); i++)
    {
      gboolean active = FALSE;

      for (guint j = 0; filter_contexts != NULL && j < json_array_get_length (filter_contexts); j++)
        if (g_strcmp0 (json_array_get_string_element (filter_contexts, j),
                       contexts[i].context) == 0)
          active = TRUE;
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                                switch_row_new (_(contexts[i].title), active,
                                                &row->contexts[i]));
    }

  gtk_string_list_append (actions, _("Show Behind a Warning"));
  gtk_string_list_append (actions, _("Hide Completely"));
  row->action = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->action), _("Filtered Posts"));
  adw_combo_row_set_model (row->action, G_LIST_MODEL (actions));
  adw_combo_row_set_selected (row->action,
                              g_strcmp0 (qtr_json_get_string (filter, "filter_action"),
                                         "hide") == 0);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), GTK_WIDGET (row->action));

  for (guint i = 0; i < G_N_ELEMENTS (expiries); i++)
    gtk_string_list_append (ends, _(expiries[i].title));
  row->expiry = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->expiry), _("Ends"));
  adw_combo_row_set_model (row->expiry, G_LIST_MODEL (ends));
  if (expires_at != NULL)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (expires_at, NULL);
      g_autoptr(GDateTime) local = time != NULL ? g_date_time_to_local (time) : NULL;
      g_autofree char *when = local != NULL ? g_date_time_format (local, "%x %X") : NULL;
      /* Translators: %s is a date and time */
      g_autofree char *subtitle = g_strdup_printf (_("Now ends %s"), when ? when : expires_at);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row->expiry), subtitle);
    }
  g_signal_connect (row->expiry, "notify::selected", G_CALLBACK (expiry_selected_cb), row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), GTK_WIDGET (row->expiry));

  gtk_widget_add_css_class (save, "suggested-action");
  gtk_widget_add_css_class (delete_button, "destructive-action");
  gtk_widget_set_valign (save, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (delete_button, GTK_ALIGN_CENTER);
  g_signal_connect_object (save, "clicked", G_CALLBACK (save_clicked_cb), self, 0);
  g_signal_connect_object (delete_button, "clicked", G_CALLBACK (delete_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (buttons), delete_button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (buttons), save);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), buttons);
  return expander;
}

static void
filters_loaded_cb (gpointer    owner,
                   JsonNode   *root,
                   const char *data)
{
  QtrFiltersDialog *self = owner;
  JsonArray *filters = root != NULL && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root)
                                                                    : NULL;

  for (guint i = 0; i < self->filter_rows->len; i++)
    adw_preferences_group_remove (self->filters_group, self->filter_rows->pdata[i]);
  g_ptr_array_set_size (self->filter_rows, 0);
  for (guint i = 0; filters != NULL && i < json_array_get_length (filters); i++)
    {
      JsonNode *node = json_array_get_element (filters, i);
      GtkWidget *row;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          qtr_json_get_string (json_node_get_object (node), "id") == NULL)
        continue;
      row = filter_row_new (self, json_node_get_object (node));
      adw_preferences_group_add (self->filters_group, row);
      g_ptr_array_add (self->filter_rows, row);
    }
}

static void
load (QtrFiltersDialog *self)
{
  send (self, "GET", "/api/v2/filters", NULL, filters_loaded_cb,
        _("Could not load your filters"));
}

static void
new_row_applied_cb (QtrFiltersDialog *self)
{
  /* Where Mastodon's new filters apply, until the user says otherwise. */
  const char *form[] = {
    "title", gtk_editable_get_text (GTK_EDITABLE (self->new_row)),
    "context[]", "home", "context[]", "notifications", "context[]", "public",
    "context[]", "thread", "filter_action", "warn", NULL
  };

  if (*form[1] == '\0')
    return;
  send (self, "POST", "/api/v2/filters", form, changed_cb, _("Could not create the filter"));
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
}

static void
qtr_filters_dialog_dispose (GObject *object)
{
  QtrFiltersDialog *self = QTR_FILTERS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_FILTERS_DIALOG);
  g_clear_pointer (&self->filter_rows, g_ptr_array_unref);
  g_clear_object (&self->interactions);

  G_OBJECT_CLASS (qtr_filters_dialog_parent_class)->dispose (object);
}

static void
qtr_filters_dialog_class_init (QtrFiltersDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_filters_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-filters-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrFiltersDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QtrFiltersDialog, new_row);
  gtk_widget_class_bind_template_child (widget_class, QtrFiltersDialog, filters_group);
  gtk_widget_class_bind_template_callback (widget_class, new_row_applied_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qtr_filters_dialog_init (QtrFiltersDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->filter_rows = g_ptr_array_new ();
}

/**
 * qtr_filters_dialog_new:
 * @parent: the main window
 * @interactions: the user's account
 *
 * Returns: (transfer floating): the dialog, loading the filters; present it
 */
GtkWidget *
qtr_filters_dialog_new (GtkWindow       *parent,
                        QtrInteractions *interactions)
{
  QtrFiltersDialog *self;

  g_return_val_if_fail (QTR_IS_INTERACTIONS (interactions), NULL);

  self = g_object_new (QTR_TYPE_FILTERS_DIALOG, "transient-for", parent, NULL);
  self->interactions = g_object_ref (interactions);
  load (self);
  return GTK_WIDGET (self);
}

/**
 * qtr_filters_dialog_get_busy:
 *
 * Returns: whether requests to the server are on their way
 */
gboolean
qtr_filters_dialog_get_busy (QtrFiltersDialog *self)
{
  g_return_val_if_fail (QTR_IS_FILTERS_DIALOG (self), FALSE);

  return self->busy > 0;
}
