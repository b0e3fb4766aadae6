/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-profile-dialog.h"

#include <glib/gi18n.h>

#include "qtr-json.h"
#include "qtr-status-actions.h"

/* QtrProfileDialog: the user's profile: display name, bio, whether followers wait for
 * approval, avatar and header, and up to four fields. It loads what the server has
 * (verify_credentials, with the source text of the bio and fields), and Save sends only what
 * changed (update_credentials); the dialog closes with a toast in its window, or stays open
 * with the server's reason. Images are picked with GtkFileChooserNative (the portal's
 * chooser in a sandbox). */

struct _QtrProfileDialog
{
  AdwWindow         parent_instance;

  QtrInteractions  *interactions;
  GCancellable     *cancellable;
  GtkWindow        *parent;   /* weak: where the toast goes */
  gboolean          loaded;
  char             *name;     /* as loaded */
  char             *bio;
  gboolean          locked;
  GStrv             fields;   /* name, value… as loaded */
  GFile            *avatar;
  GFile            *header;
  GtkFileChooserNative *chooser;

  /* Template widgets */
  AdwToastOverlay  *toast_overlay;
  GtkWidget        *save_button;
  AdwEntryRow      *name_row;
  GtkSwitch        *locked_switch;
  GtkTextView      *bio_view;
  AdwActionRow     *avatar_row;
  AdwActionRow     *header_row;
  AdwEntryRow      *field_names[QTR_PROFILE_MAX_FIELDS];
  AdwEntryRow      *field_values[QTR_PROFILE_MAX_FIELDS];
};

G_DEFINE_FINAL_TYPE (QtrProfileDialog, qtr_profile_dialog, ADW_TYPE_WINDOW)

static void
show_error (QtrProfileDialog *self,
            const char       *what,
            const GError     *error)
{
  g_autofree char *text = NULL;

  /* Translators: %s is what failed ("Could not save the profile"), then the server's reason */
  text = g_strdup_printf (_("%s: %s"), what, error->message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static char *
dup_bio (QtrProfileDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->bio_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  QtrProfileDialog *self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) fields = g_strv_builder_new ();
  JsonObject *account, *source_object;
  JsonArray *source_fields;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (response == NULL || (account = qtr_api_response_get_object (response, &error)) == NULL)
    {
      show_error (self, _("Could not load the profile"), error);
      return;
    }
  source_object = qtr_json_get_object (account, "source");
  source_fields = qtr_json_get_array (source_object, "fields");
  if (source_fields == NULL)
    source_fields = qtr_json_get_array (account, "fields");

  self->name = g_strdup (qtr_json_get_string (account, "display_name"));
  self->bio = g_strdup (qtr_json_get_string (source_object, "note"));
  self->locked = qtr_json_get_bool (account, "locked", FALSE);
  for (guint i = 0; source_fields != NULL && i < json_array_get_length (source_fields); i++)
    {
      JsonNode *node = json_array_get_element (source_fields, i);
      const char *name, *value;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      name = qtr_json_get_string (json_node_get_object (node), "name");
      value = qtr_json_get_string (json_node_get_object (node), "value");
      g_strv_builder_add (fields, name != NULL ? name : "");
      g_strv_builder_add (fields, value != NULL ? value : "");
    }
  self->fields = g_strv_builder_end (fields);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), self->name ? self->name : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->bio_view),
                            self->bio ? self->bio : "", -1);
  gtk_switch_set_active (self->locked_switch, self->locked);
  for (guint i = 0; i < QTR_PROFILE_MAX_FIELDS && self->fields[2 * i] != NULL; i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->field_names[i]), self->fields[2 * i]);
      gtk_editable_set_text (GTK_EDITABLE (self->field_values[i]), self->fields[2 * i + 1]);
    }
  self->loaded = TRUE;
  gtk_widget_set_sensitive (self->save_button, TRUE);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  QtrProfileDialog *self = user_data;
  g_autoptr(QtrAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = qtr_interactions_update_profile_finish (QTR_INTERACTIONS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->save_button, TRUE);
  if (account == NULL)
    {
      show_error (self, _("Could not save the profile"), error);
      return;
    }
  if (self->parent != NULL)
    qtr_show_toast (GTK_WIDGET (self->parent), _("Profile saved"));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_button_clicked_cb (QtrProfileDialog *self)
{
  g_autofree char *bio = dup_bio (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) fields = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  QtrProfileChanges edit = { .locked = -1 };

  if (!self->loaded)
    return;
  for (guint i = 0; i < QTR_PROFILE_MAX_FIELDS; i++)
    {
      const char *field_name = gtk_editable_get_text (GTK_EDITABLE (self->field_names[i]));
      const char *value = gtk_editable_get_text (GTK_EDITABLE (self->field_values[i]));

      /* Empty places are left out: the fields close up. */
      if (*field_name == '\0' && *value == '\0')
        continue;
      g_strv_builder_add (builder, field_name);
      g_strv_builder_add (builder, value);
    }
  fields = g_strv_builder_end (builder);

  if (g_strcmp0 (name, self->name ? self->name : "") != 0)
    edit.display_name = name;
  if (g_strcmp0 (bio, self->bio ? self->bio : "") != 0)
    edit.note = bio;
  if (gtk_switch_get_active (self->locked_switch) != self->locked)
    edit.locked = gtk_switch_get_active (self->locked_switch);
  if (!g_strv_equal ((const char * const *) fields, (const char * const *) self->fields))
    edit.fields = (const char * const *) fields;
  edit.avatar = self->avatar;
  edit.header = self->header;
  gtk_widget_set_sensitive (self->save_button, FALSE);
  qtr_interactions_update_profile_async (self->interactions, &edit, self->cancellable, saved_cb,
                                         self);
}

static void
set_image (QtrProfileDialog  *self,
           GFile            **field,
           AdwActionRow      *row,
           GFile             *file)
{
  g_autofree char *name = NULL;

  g_set_object (field, file);
  name = file != NULL ? g_file_get_basename (file) : NULL;
  adw_action_row_set_subtitle (row, name != NULL ? name : "");
}

static void
chooser_response_cb (QtrProfileDialog     *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  gboolean avatar = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "qtr-avatar"));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && avatar)
    qtr_profile_dialog_set_avatar (self, file);
  else if (file != NULL)
    qtr_profile_dialog_set_header (self, file);
  g_clear_object (&self->chooser);
}

static void
choose_image (QtrProfileDialog *self,
              gboolean          avatar)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/gif");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (avatar ? _("Choose an Avatar")
                                                      : _("Choose a Header"),
                                               GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_set_data (G_OBJECT (self->chooser), "qtr-avatar", GINT_TO_POINTER (avatar));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
avatar_button_clicked_cb (QtrProfileDialog *self)
{
  choose_image (self, TRUE);
}

static void
header_button_clicked_cb (QtrProfileDialog *self)
{
  choose_image (self, FALSE);
}

static void
qtr_profile_dialog_dispose (GObject *object)
{
  QtrProfileDialog *self = QTR_PROFILE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_PROFILE_DIALOG);
  g_clear_object (&self->interactions);
  g_clear_object (&self->avatar);
  g_clear_object (&self->header);
  g_clear_weak_pointer (&self->parent);

  G_OBJECT_CLASS (qtr_profile_dialog_parent_class)->dispose (object);
}

static void
qtr_profile_dialog_finalize (GObject *object)
{
  QtrProfileDialog *self = QTR_PROFILE_DIALOG (object);

  g_free (self->name);
  g_free (self->bio);
  g_strfreev (self->fields);

  G_OBJECT_CLASS (qtr_profile_dialog_parent_class)->finalize (object);
}

static void
qtr_profile_dialog_class_init (QtrProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_profile_dialog_dispose;
  object_class->finalize = qtr_profile_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-profile-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrProfileDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QtrProfileDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, QtrProfileDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, QtrProfileDialog, locked_switch);
  gtk_widget_class_bind_template_child (widget_class, QtrProfileDialog, bio_view);
  gtk_widget_class_bind_template_child (widget_class, QtrProfileDialog, avatar_row);
  gtk_widget_class_bind_template_child (widget_class, QtrProfileDialog, header_row);
  gtk_widget_class_bind_template_child_full (widget_class, "field_name_0", FALSE,
                                             G_STRUCT_OFFSET (QtrProfileDialog, field_names[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "field_name_1", FALSE,
                                             G_STRUCT_OFFSET (QtrProfileDialog, field_names[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "field_name_2", FALSE,
                                             G_STRUCT_OFFSET (QtrProfileDialog, field_names[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "field_name_3", FALSE,
                                             G_STRUCT_OFFSET (QtrProfileDialog, field_names[3]));
  gtk_widget_class_bind_template_child_full (widget_class, "field_value_0", FALSE,
                                             G_STRUCT_OFFSET (QtrProfileDialog, field_values[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "field_value_1", FALSE,
                                             G_STRUCT_OFFSET (QtrProfileDialog, field_values[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "field_value_2", FALSE,
                                             G_STRUCT_OFFSET (QtrProfileDialog, field_values[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "field_value_3", FALSE,
                                             G_STRUCT_OFFSET (QtrProfileDialog, field_values[3]));
  gtk_widget_class_bind_template_callback (widget_class, save_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, avatar_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, header_button_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qtr_profile_dialog_init (QtrProfileDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * qtr_profile_dialog_new:
 * @parent: the main window (its toast overlay says when the profile was saved)
 * @interactions: the user's account
 *
 * Returns: (transfer floating): the dialog, loading the profile; present it
 */
GtkWidget *
qtr_profile_dialog_new (GtkWindow       *parent,
                        QtrInteractions *interactions)
{
  QtrProfileDialog *self;
  g_autoptr(QtrApiClient) client = NULL;

  g_return_val_if_fail (QTR_IS_INTERACTIONS (interactions), NULL);

  self = g_object_new (QTR_TYPE_PROFILE_DIALOG, "transient-for", parent, NULL);
  self->interactions = g_object_ref (interactions);
  g_set_weak_pointer (&self->parent, parent);
  client = qtr_interactions_dup_client (interactions);
  if (client != NULL)
    qtr_api_client_get_async (client, "/api/v1/accounts/verify_credentials", NULL,
                              self->cancellable, loaded_cb, self);
  return GTK_WIDGET (self);
}

/**
 * qtr_profile_dialog_get_loaded:
 *
 * Returns: whether the profile was loaded (only then can it be saved)
 */
gboolean
qtr_profile_dialog_get_loaded (QtrProfileDialog *self)
{
  g_return_val_if_fail (QTR_IS_PROFILE_DIALOG (self), FALSE);

  return self->loaded;
}

/**
 * qtr_profile_dialog_set_avatar:
 * @file: (nullable): an image to send as the avatar on Save
 */
void
qtr_profile_dialog_set_avatar (QtrProfileDialog *self,
                               GFile            *file)
{
  g_return_if_fail (QTR_IS_PROFILE_DIALOG (self));

  set_image (self, &self->avatar, self->avatar_row, file);
}

/**
 * qtr_profile_dialog_set_header:
 * @file: (nullable): an image to send as the header on Save
 */
void
qtr_profile_dialog_set_header (QtrProfileDialog *self,
                               GFile            *file)
{
  g_return_if_fail (QTR_IS_PROFILE_DIALOG (self));

  set_image (self, &self->header, self->header_row, file);
}
