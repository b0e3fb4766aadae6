/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-lists-dialog.h"

#include <glib/gi18n.h>

#include "qtr-api-call.h"
#include "qtr-json.h"

/* QtrListsDialog: the user's lists: create one, rename or delete it, and add or remove its
 * members, found by searching the accounts the user follows (a server takes only those).
 * Every change is sent at once; the lists are then read again from the server, so that what
 * shows is what the server has. A refusal shows in a toast. A user has a handful of lists,
 * so a preferences group of expander rows holds them. */

struct _QtrListsDialog
{
  AdwWindow            parent_instance;

  QtrInteractions     *interactions;
  GCancellable        *cancellable;
  GPtrArray           *list_rows;   /* AdwExpanderRow in lists_group */
  guint                busy;        /* requests on their way */

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  AdwEntryRow         *new_row;
  AdwPreferencesGroup *lists_group;
};

G_DEFINE_FINAL_TYPE (QtrListsDialog, qtr_lists_dialog, ADW_TYPE_WINDOW)

static void load (QtrListsDialog *self);

/* Sends a request; @answer gets the answer's JSON (and @data), a failure a toast. */
static void
send (QtrListsDialog     *self,
      const char         *method,
      const char         *path,
      const char * const *query,
      const char * const *form,
      QtrApiCallFunc      answer,
      const char         *data,
      const char         *failure)
{
  qtr_api_call (self->interactions, self->cancellable, self->toast_overlay, &self->busy, method,
                path, query, form, answer, self, data, failure);
}

static void
changed_cb (gpointer    owner,
            JsonNode   *root,
            const char *data)
{
  QtrListsDialog *self = owner;
  load (self);
}

static char *
list_path (const char *id,
           const char *rest)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strconcat ("/api/v1/lists/", escaped, rest, NULL);
}

static const char *
row_list_id (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_EXPANDER_ROW);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "qtr-list-id") : NULL;
}

static void
rename_applied_cb (AdwEntryRow    *entry,
                   QtrListsDialog *self)
{
  const char *form[] = { "title", gtk_editable_get_text (GTK_EDITABLE (entry)), NULL };
  g_autofree char *path = list_path (row_list_id (GTK_WIDGET (entry)), NULL);

  send (self, "PUT", path, NULL, form, changed_cb, NULL, _("Could not rename the list"));
}

static void
delete_clicked_cb (GtkButton      *button,
                   QtrListsDialog *self)
{
  g_autofree char *path = list_path (row_list_id (GTK_WIDGET (button)), NULL);

  send (self, "DELETE", path, NULL, NULL, changed_cb, NULL, _("Could not delete the list"));
}

static void
remove_clicked_cb (GtkButton      *button,
                   QtrListsDialog *self)
{
  const char *query[] = { "account_ids[]", g_object_get_data (G_OBJECT (button), "qtr-account-id"),
                          NULL };
  g_autofree char *path = list_path (row_list_id (GTK_WIDGET (button)), "/accounts");

  send (self, "DELETE", path, query, NULL, changed_cb, NULL,
        _("Could not remove the account from the list"));
}

static void
add_clicked_cb (GtkButton      *button,
                QtrListsDialog *self)
{
  const char *form[] = { "account_ids[]", g_object_get_data (G_OBJECT (button), "qtr-account-id"),
                         NULL };
  g_autofree char *path = list_path (row_list_id (GTK_WIDGET (button)), "/accounts");

  send (self, "POST", path, NULL, form, changed_cb, NULL,
        _("Could not add the account to the list"));
}

/* A row for an account: a member (with Remove) or a search result (with Add). */
static GtkWidget *
account_row_new (QtrListsDialog *self,
                 JsonObject     *account,
                 gboolean        member)
{
  const char *id = qtr_json_get_string (account, "id");
  const char *acct = qtr_json_get_string (account, "acct");
  const char *name = qtr_json_get_string (account, "display_name");
  g_autofree char *handle = g_strconcat ("@", acct != NULL ? acct : "", NULL);
  g_autofree char *label = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 name != NULL && *name != '\0' ? name : handle);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), handle);
  if (member)
    {
      button = gtk_button_new_from_icon_name ("list-remove-symbolic");
      /* Translators: %s is a handle, like @alice@example.org */
      label = g_strdup_printf (_("Remove %s from the list"), handle);
      g_signal_connect_object (button, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
      gtk_widget_add_css_class (button, "flat");
    }
  else
    {
      button = gtk_button_new_with_label (_("Add"));
      /* Translators: %s is a handle, like @alice@example.org */
      label = g_strdup_printf (_("Add %s to the list"), handle);
      g_signal_connect_object (button, "clicked", G_CALLBACK (add_clicked_cb), self, 0);
    }
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "qtr-account-id", g_strdup (id), g_free);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static GtkWidget *
find_list_row (QtrListsDialog *self,
               const char     *id)
{
  for (guint i = 0; i < self->list_rows->len; i++)
    if (g_strcmp0 (g_object_get_data (self->list_rows->pdata[i], "qtr-list-id"), id) == 0)
      return self->list_rows->pdata[i];
  return NULL;
}

/* Rows added to a list's row after its fixed ones, of one kind ("member" or "result"). */
static void
remove_rows (GtkWidget  *list_row,
             const char *kind)
{
  GPtrArray *rows = g_object_get_data (G_OBJECT (list_row), kind);

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    adw_expander_row_remove (ADW_EXPANDER_ROW (list_row), rows->pdata[i]);
  if (rows != NULL)
    g_ptr_array_set_size (rows, 0);
}

static void
add_rows (QtrListsDialog *self,
          GtkWidget      *list_row,
          const char     *kind,
          JsonNode       *root)
{
  GPtrArray *rows = g_object_get_data (G_OBJECT (list_row), kind);
  JsonArray *accounts = root != NULL && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root)
                                                                     : NULL;

  remove_rows (list_row, kind);
  for (guint i = 0; accounts != NULL && i < json_array_get_length (accounts); i++)
    {
      JsonNode *node = json_array_get_element (accounts, i);
      GtkWidget *row;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          qtr_json_get_string (json_node_get_object (node), "id") == NULL)
        continue;
      row = account_row_new (self, json_node_get_object (node), g_str_equal (kind, "member"));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (list_row), row);
      g_ptr_array_add (rows, row);
    }
}

static void
members_loaded_cb (gpointer    owner,
                   JsonNode   *root,
                   const char *list_id)
{
  QtrListsDialog *self = owner;
  GtkWidget *list_row = find_list_row (self, list_id);

  if (list_row != NULL)
    add_rows (self, list_row, "member", root);
}

static void
found_cb (gpointer    owner,
          JsonNode   *root,
          const char *list_id)
{
  QtrListsDialog *self = owner;
  GtkWidget *list_row = find_list_row (self, list_id);

  if (list_row != NULL)
    add_rows (self, list_row, "result", root);
}

static void
search_applied_cb (AdwEntryRow    *entry,
                   QtrListsDialog *self)
{
  const char *query[] = { "q", gtk_editable_get_text (GTK_EDITABLE (entry)),
                          "following", "true", "limit", "5", NULL };

  if (*query[1] == '\0')
    return;
  send (self, "GET", "/api/v1/accounts/search", query, NULL, found_cb,
        row_list_id (GTK_WIDGET (entry)), _("Could not search the accounts you follow"));
}

static GtkWidget *
list_row_new (QtrListsDialog *self,
              const char     *id,
              const char     *title)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *rename = adw_entry_row_new ();
  GtkWidget *search = adw_entry_row_new ();
  GtkWidget *delete_row = adw_action_row_new ();
  GtkWidget *delete_button = gtk_button_new_with_mnemonic (_("_Delete List"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_object_set_data_full (G_OBJECT (row), "qtr-list-id", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (row), "member", g_ptr_array_new (),
                          (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (row), "result", g_ptr_array_new (),
                          (GDestroyNotify) g_ptr_array_unref);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rename), _("Title"));
  gtk_editable_set_text (GTK_EDITABLE (rename), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (rename), TRUE);
  g_signal_connect_object (rename, "apply", G_CALLBACK (rename_applied_cb), self, 0);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), rename);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (search), _("Add Someone You Follow"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (search), TRUE);
  g_signal_connect_object (search, "apply", G_CALLBACK (search_applied_cb), self, 0);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), search);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (delete_row), _("Delete the list"));
  gtk_widget_add_css_class (delete_button, "destructive-action");
  gtk_widget_set_valign (delete_button, GTK_ALIGN_CENTER);
  g_signal_connect_object (delete_button, "clicked", G_CALLBACK (delete_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (delete_row), delete_button);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), delete_row);
  return row;
}

static void
lists_loaded_cb (gpointer    owner,
                 JsonNode   *root,
                 const char *data)
{
  QtrListsDialog *self = owner;
  JsonArray *lists = root != NULL && JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root)
                                                                  : NULL;

  for (guint i = 0; i < self->list_rows->len; i++)
    adw_preferences_group_remove (self->lists_group, self->list_rows->pdata[i]);
  g_ptr_array_set_size (self->list_rows, 0);
  for (guint i = 0; lists != NULL && i < json_array_get_length (lists); i++)
    {
      JsonNode *node = json_array_get_element (lists, i);
      const char *id, *title;
      g_autofree char *path = NULL;
      GtkWidget *row;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      id = qtr_json_get_string (json_node_get_object (node), "id");
      title = qtr_json_get_string (json_node_get_object (node), "title");
      if (id == NULL || title == NULL)
        continue;
      row = list_row_new (self, id, title);
      adw_preferences_group_add (self->lists_group, row);
      g_ptr_array_add (self->list_rows, row);
      path = list_path (id, "/accounts");
      send (self, "GET", path, NULL, NULL, members_loaded_cb, id,
            _("Could not load the list’s members"));
    }
}

static void
load (QtrListsDialog *self)
{
  send (self, "GET", "/api/v1/lists", NULL, NULL, lists_loaded_cb, NULL,
        _("Could not load your lists"));
}

static void
new_row_applied_cb (QtrListsDialog *self)
{
  const char *form[] = { "title", gtk_editable_get_text (GTK_EDITABLE (self->new_row)), NULL };

  if (*form[1] == '\0')
    return;
  send (self, "POST", "/api/v1/lists", NULL, form, changed_cb, NULL,
        _("Could not create the list"));
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
}

static void
qtr_lists_dialog_dispose (GObject *object)
{
  QtrListsDialog *self = QTR_LISTS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_LISTS_DIALOG);
  g_clear_pointer (&self->list_rows, g_ptr_array_unref);
  g_clear_object (&self->interactions);

  G_OBJECT_CLASS (qtr_lists_dialog_parent_class)->dispose (object);
}

static void
qtr_lists_dialog_class_init (QtrListsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_lists_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-lists-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrListsDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QtrListsDialog, new_row);
  gtk_widget_class_bind_template_child (widget_class, QtrListsDialog, lists_group);
  gtk_widget_class_bind_template_callback (widget_class, new_row_applied_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qtr_lists_dialog_init (QtrListsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->list_rows = g_ptr_array_new ();
}

/**
 * qtr_lists_dialog_new:
 * @parent: the main window
 * @interactions: the user's account
 *
 * Returns: (transfer floating): the dialog, loading the lists; present it
 */
GtkWidget *
qtr_lists_dialog_new (GtkWindow       *parent,
                      QtrInteractions *interactions)
{
  QtrListsDialog *self;

  g_return_val_if_fail (QTR_IS_INTERACTIONS (interactions), NULL);

  self = g_object_new (QTR_TYPE_LISTS_DIALOG, "transient-for", parent, NULL);
  self->interactions = g_object_ref (interactions);
  load (self);
  return GTK_WIDGET (self);
}

/**
 * qtr_lists_dialog_get_busy:
 *
 * Returns: whether requests to the server are on their way
 */
gboolean
qtr_lists_dialog_get_busy (QtrListsDialog *self)
{
  g_return_val_if_fail (QTR_IS_LISTS_DIALOG (self), FALSE);

  return self->busy > 0;
}
