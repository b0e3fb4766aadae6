/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-preferences.h"

#include <glib/gi18n.h>

/* QtrNodePreferences: the node's page of the preferences.
 *
 * Where the node is found and listens (node.conf, applied at a restart), the owner's profile
 * and follower approval (qtr_node_update_profile(), sent to the followers' servers), blocked
 * domains, the delivery queue with its failing hosts and "Retry now", moving the account away
 * or here, and what to type in a phone app. Every change is a node function run where the node
 * lives (qtr_node_host_run_async(): its thread, or beside the process that runs it); the page
 * then reads the node again. What went wrong is a toast that says what to do. */

struct _QtrNodePreferences
{
  AdwPreferencesPage  parent_instance;

  QtrNodeHost        *host;
  GCancellable       *cancellable;
  guint               busy;         /* changes and readings under way */
  guint               loads;        /* snapshots shown so far */
  gboolean            loading;      /* setting the widgets: no change is asked */
  char               *message;
  char               *base_url;
  GStrv               blocked;
  GPtrArray          *blocked_rows;
  GPtrArray          *host_rows;
  GPtrArray          *alias_rows;
  GtkFileChooserNative *chooser;

  /* Template widgets */
  AdwActionRow       *state_row;
  AdwEntryRow        *base_url_row;
  AdwEntryRow        *listen_row;
  GtkSpinButton      *port_spin;
  AdwAvatar          *avatar;
  AdwEntryRow        *display_name_row;
  AdwEntryRow        *bio_row;
  GtkSwitch          *manual_switch;
  AdwPreferencesGroup *blocked_group;
  AdwEntryRow        *block_row;
  AdwPreferencesGroup *queue_group;
  AdwActionRow       *waiting_row;
  AdwPreferencesGroup *move_group;
  AdwEntryRow        *move_to_row;
  AdwEntryRow        *alias_row;
  AdwActionRow       *phone_row;
};

G_DEFINE_FINAL_TYPE (QtrNodePreferences, qtr_node_preferences, ADW_TYPE_PREFERENCES_PAGE)

/* What the page shows, read where the node lives. */
typedef struct {
  QtrNodeProfile *profile;
  char           *base_url;
  char           *listen_address;
  guint           port;
  gboolean        manual_approval;
  GStrv           blocked;
  GPtrArray      *hosts;
  gint64          waiting;
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  qtr_node_profile_free (snapshot->profile);
  g_free (snapshot->base_url);
  g_free (snapshot->listen_address);
  g_strfreev (snapshot->blocked);
  g_clear_pointer (&snapshot->hosts, g_ptr_array_unref);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

/* The work, where the node lives */

static void
read_snapshot_func (QtrNode *node,
                    GTask   *task)
{
  g_autoptr(Snapshot) snapshot = g_new0 (Snapshot, 1);
  GError *error = NULL;

  snapshot->hosts = qtr_node_list_delivery_hosts (node, &snapshot->waiting, &error);
  if (snapshot->hosts == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  snapshot->profile = qtr_node_get_profile (node);
  snapshot->base_url = g_strdup (qtr_node_get_base_url (node));
  snapshot->listen_address = g_strdup (qtr_node_get_configured_listen_address (node));
  snapshot->port = qtr_node_get_configured_port (node);
  snapshot->manual_approval = qtr_node_get_manual_approval (node);
  snapshot->blocked = g_strdupv ((char **) qtr_node_get_blocked_domains (node));
  g_task_return_pointer (task, g_steal_pointer (&snapshot), (GDestroyNotify) snapshot_free);
}

static void
return_result (GTask    *task,
               gboolean  ok,
               GError   *error)
{
  if (ok)
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_error (task, error);
}

static void
set_manual_approval_func (QtrNode *node,
                          GTask   *task)
{
  QtrProfileEdit edit = { 0 };
  GError *error = NULL;

  edit.set_manual_approval = TRUE;
  edit.manual_approval = GPOINTER_TO_INT (g_task_get_task_data (task));
  return_result (task, qtr_node_update_profile (node, &edit, &error), error);
}

static void
set_blocked_domains_func (QtrNode *node,
                          GTask   *task)
{
  GError *error = NULL;

  return_result (task, qtr_node_set_blocked_domains (node, g_task_get_task_data (task), &error),
                 error);
}

typedef struct {
  char  *base_url;
  char  *listen_address;
  guint  port;
} Address;

static void
address_free (Address *address)
{
  g_free (address->base_url);
  g_free (address->listen_address);
  g_free (address);
}

static void
set_address_func (QtrNode *node,
                  GTask   *task)
{
  Address *address = g_task_get_task_data (task);
  GError *error = NULL;

  return_result (task, qtr_node_set_address (node, address->base_url, address->listen_address,
                                             address->port, &error), error);
}

typedef struct {
  char *display_name;
  char *summary;
  char *avatar_path;  /* nullable */
} ProfileChange;

static void
profile_change_free (ProfileChange *change)
{
  g_free (change->display_name);
  g_free (change->summary);
  g_free (change->avatar_path);
  g_free (change);
}

static void
update_profile_func (QtrNode *node,
                     GTask   *task)
{
  ProfileChange *change = g_task_get_task_data (task);
  g_autoptr(QtrMedia) avatar = NULL;
  QtrProfileEdit edit = { 0 };
  GError *error = NULL;

  if (change->avatar_path != NULL &&
      (avatar = qtr_node_add_media_file (node, change->avatar_path, NULL, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  edit.display_name = change->display_name;
  edit.summary = change->summary;
  edit.avatar_id = avatar != NULL ? avatar->id : 0;
  return_result (task, qtr_node_update_profile (node, &edit, &error), error);
}

static void
retry_func (QtrNode *node,
            GTask   *task)
{
  GError *error = NULL;

  return_result (task, qtr_node_retry_deliveries (node, &error), error);
}

static void
node_string_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  char *(*finish) (QtrNode *, GAsyncResult *, GError **) =
    g_object_get_data (G_OBJECT (task), "qtr-finish");
  GError *error = NULL;
  char *value = finish (QTR_NODE (source), result, &error);

  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, g_free);
  g_object_unref (task);
}

static void
move_func (QtrNode *node,
           GTask   *task)
{
  g_object_set_data (G_OBJECT (task), "qtr-finish", (gpointer) qtr_node_move_finish);
  qtr_node_move_async (node, g_task_get_task_data (task), NULL, node_string_done_cb,
                       g_object_ref (task));
}

static void
add_alias_func (QtrNode *node,
                GTask   *task)
{
  g_object_set_data (G_OBJECT (task), "qtr-finish", (gpointer) qtr_node_add_alias_finish);
  qtr_node_add_alias_async (node, g_task_get_task_data (task), NULL, node_string_done_cb,
                            g_object_ref (task));
}

/* Showing it */

static void
show_message (QtrNodePreferences *self,
              const char         *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_free (self->message);
  self->message = g_strdup (text);
  if (ADW_IS_PREFERENCES_WINDOW (root))
    {
      AdwToast *toast = adw_toast_new (text);

      adw_toast_set_timeout (toast, 0);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), toast);
    }
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

static void
update_state (QtrNodePreferences *self)
{
  g_autofree char *text = qtr_node_host_describe (self->host);

  adw_action_row_set_subtitle (self->state_row, text);
}

static void remove_domain_clicked_cb (GtkButton          *button,
                                      QtrNodePreferences *self);

static void
show_blocked (QtrNodePreferences *self)
{
  clear_rows (self->blocked_group, self->blocked_rows);
  for (guint i = 0; self->blocked != NULL && self->blocked[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      /* Translators: %s is a domain, like spam.example */
      g_autofree char *label = g_strdup_printf (_("Unblock %s"), self->blocked[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), self->blocked[i]);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
      g_object_set_data_full (G_OBJECT (button), "qtr-domain", g_strdup (self->blocked[i]),
                              g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (remove_domain_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->blocked_group, row);
      g_ptr_array_add (self->blocked_rows, row);
    }
}

static char *
describe_host (const QtrDeliveryHost *host)
{
  g_autoptr(GDateTime) next = g_date_time_new_from_unix_local (host->next_attempt_at);
  g_autofree char *when = next != NULL ? g_date_time_format (next, "%x %X") : g_strdup ("");
  g_autofree char *waiting = g_strdup_printf ("%" G_GINT64_FORMAT, host->waiting);

  if (host->attempts == 0)
    /* Translators: the first %s is a number of deliveries, the second a date and time. */
    return g_strdup_printf (_("%s waiting, next attempt %s"), waiting, when);
  /* Translators: the first %s is a number of deliveries, %u a number of attempts, the next %s
   * the last error (in English), the last a date and time. */
  return g_strdup_printf (_("%s waiting after %u attempts. Last error: %s. Next attempt %s"),
                          waiting, host->attempts,
                          host->last_error != NULL ? host->last_error : "", when);
}

static void
show_snapshot (QtrNodePreferences *self,
               Snapshot           *snapshot)
{
  g_autofree char *waiting = g_strdup_printf ("%" G_GINT64_FORMAT, snapshot->waiting);

  self->loading = TRUE;
  g_free (self->base_url);
  self->base_url = g_strdup (snapshot->base_url);
  gtk_editable_set_text (GTK_EDITABLE (self->base_url_row), snapshot->base_url);
  gtk_editable_set_text (GTK_EDITABLE (self->listen_row), snapshot->listen_address);
  gtk_spin_button_set_value (self->port_spin, snapshot->port);
  gtk_editable_set_text (GTK_EDITABLE (self->display_name_row), snapshot->profile->display_name);
  gtk_editable_set_text (GTK_EDITABLE (self->bio_row), snapshot->profile->summary);
  adw_avatar_set_text (self->avatar, *snapshot->profile->display_name != '\0'
                                     ? snapshot->profile->display_name
                                     : snapshot->profile->handle);
  gtk_switch_set_active (self->manual_switch, snapshot->manual_approval);
  adw_action_row_set_subtitle (self->phone_row, snapshot->base_url);

  g_strfreev (self->blocked);
  self->blocked = g_strdupv (snapshot->blocked);
  show_blocked (self);

  adw_action_row_set_subtitle (self->waiting_row, waiting);
  clear_rows (self->queue_group, self->host_rows);
  for (guint i = 0; i < snapshot->hosts->len; i++)
    {
      const QtrDeliveryHost *host = snapshot->hosts->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = describe_host (host);

      gtk_widget_set_name (row, host->host);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), host->host);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (self->queue_group, row);
      g_ptr_array_add (self->host_rows, row);
    }

  clear_rows (self->move_group, self->alias_rows);
  for (guint i = 0; snapshot->profile->also_known_as[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Also Known As"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), snapshot->profile->also_known_as[i]);
      adw_preferences_group_add (self->move_group, row);
      g_ptr_array_add (self->alias_rows, row);
    }
  if (snapshot->profile->moved_to != NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Moved To"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), snapshot->profile->moved_to);
      adw_preferences_group_add (self->move_group, row);
      g_ptr_array_add (self->alias_rows, row);
    }
  update_state (self);
  self->loading = FALSE;
  self->loads++;
}

static void
snapshot_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QtrNodePreferences) self = user_data;
  g_autoptr(Snapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;

  self->busy--;
  if (!qtr_node_host_run_finish (QTR_NODE_HOST (source), result, (gpointer *) &snapshot, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is the node's error. */
      text = g_strdup_printf (_("The node could not be read: %s"), error->message);
      show_message (self, text);
      return;
    }
  show_snapshot (self, snapshot);
}

/* A change done: the page reads the node again. @done: translated, or %NULL */
static void
change_done (QtrNodePreferences *self,
             GAsyncResult       *result,
             const char         *done,
             const char         *failed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  /* Read again first: the page is idle once it shows what the change did. */
  qtr_node_preferences_refresh (self);
  self->busy--;
  if (!qtr_node_host_run_finish (self->host, result, (gpointer *) &value, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: the first %s says what failed, the second is the node's explanation. */
      text = g_strdup_printf (_("%s: %s"), failed, error->message);
      show_message (self, text);
    }
  else if (done != NULL)
    show_message (self, done);
}

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QtrNodePreferences) self = user_data;

  change_done (self, result, NULL, _("The change was not saved"));
}

static void
moved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QtrNodePreferences) self = user_data;

  change_done (self, result, _("Moved: your followers’ servers are told, and they follow your "
                               "new account."),
               _("The account was not moved. Check that the new account lists this one as "
                 "an alias (alsoKnownAs)"));
}

static void
alias_added_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(QtrNodePreferences) self = user_data;

  change_done (self, result, _("Alias added: start the move on your old server now."),
               _("The alias was not added"));
}

static void
retried_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QtrNodePreferences) self = user_data;

  change_done (self, result, _("Waiting deliveries are being tried again now."),
               _("The queue could not be retried"));
}

static void
address_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QtrNodePreferences) self = user_data;
  QtrNodeHostState state = qtr_node_host_get_state (self->host);

  change_done (self, result, NULL, _("The address was not saved"));
  if (self->message == NULL && state != QTR_NODE_HOST_EXTERNAL)
    qtr_node_host_restart (self->host);
}

static void
change (QtrNodePreferences  *self,
        QtrNodeHostFunc      func,
        gpointer             data,
        GDestroyNotify       destroy,
        GAsyncReadyCallback  callback)
{
  g_clear_pointer (&self->message, g_free);
  self->busy++;
  qtr_node_host_run_async (self->host, func, data, destroy, self->cancellable, callback,
                           g_object_ref (self));
}

/* Callbacks */

static void
manual_switch_changed_cb (QtrNodePreferences *self)
{
  if (self->loading)
    return;
  change (self, set_manual_approval_func,
          GINT_TO_POINTER (gtk_switch_get_active (self->manual_switch)), NULL, changed_cb);
}

static void
set_blocked (QtrNodePreferences *self,
             GStrv               domains)
{
  change (self, set_blocked_domains_func, domains, (GDestroyNotify) g_strfreev, changed_cb);
}

static void
block_row_applied_cb (QtrNodePreferences *self)
{
  g_autofree char *domain = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->block_row))));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (*domain == '\0')
    return;
  g_strv_builder_addv (builder, (const char **) self->blocked);
  g_strv_builder_add (builder, domain);
  gtk_editable_set_text (GTK_EDITABLE (self->block_row), "");
  set_blocked (self, g_strv_builder_end (builder));
}

static void
remove_domain_clicked_cb (GtkButton          *button,
                          QtrNodePreferences *self)
{
  const char *domain = g_object_get_data (G_OBJECT (button), "qtr-domain");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; self->blocked != NULL && self->blocked[i] != NULL; i++)
    if (!g_str_equal (self->blocked[i], domain))
      g_strv_builder_add (builder, self->blocked[i]);
  set_blocked (self, g_strv_builder_end (builder));
}

static void
move_to_row_applied_cb (QtrNodePreferences *self)
{
  g_autofree char *handle = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->move_to_row))));

  if (*handle == '\0')
    return;
  change (self, move_func, g_steal_pointer (&handle), g_free, moved_cb);
}

static void
alias_row_applied_cb (QtrNodePreferences *self)
{
  g_autofree char *handle = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->alias_row))));

  if (*handle == '\0')
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->alias_row), "");
  change (self, add_alias_func, g_steal_pointer (&handle), g_free, alias_added_cb);
}

static void
save_profile (QtrNodePreferences *self,
              const char         *avatar_path)
{
  ProfileChange *data = g_new0 (ProfileChange, 1);

  data->display_name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->display_name_row)));
  data->summary = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->bio_row)));
  data->avatar_path = g_strdup (avatar_path);
  change (self, update_profile_func, data, (GDestroyNotify) profile_change_free, changed_cb);
}

static void
save_profile_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  save_profile (QTR_NODE_PREFERENCES (widget), NULL);
}

static void
avatar_chosen_cb (GtkNativeDialog    *dialog,
                  int                 response,
                  QtrNodePreferences *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL)
    save_profile (self, path);
  g_clear_object (&self->chooser);
}

static void
choose_avatar_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  QtrNodePreferences *self = QTR_NODE_PREFERENCES (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Choose an Avatar"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                               _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/gif");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (avatar_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_address_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  QtrNodePreferences *self = QTR_NODE_PREFERENCES (widget);
  Address *address = g_new0 (Address, 1);

  address->base_url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->base_url_row))));
  address->listen_address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->listen_row))));
  address->port = (guint) gtk_spin_button_get_value_as_int (self->port_spin);
  change (self, set_address_func, address, (GDestroyNotify) address_free, address_saved_cb);
}

static void
restart_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  QtrNodePreferences *self = QTR_NODE_PREFERENCES (widget);

  if (qtr_node_host_get_state (self->host) == QTR_NODE_HOST_EXTERNAL)
    {
      show_message (self, _("Your node runs outside Quitter: restart it there, e.g. with "
                            "“systemctl --user restart quitter-node”."));
      return;
    }
  qtr_node_host_restart (self->host);
}

static void
retry_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  change (QTR_NODE_PREFERENCES (widget), retry_func, NULL, NULL, retried_cb);
}

static void
refresh_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  qtr_node_preferences_refresh (QTR_NODE_PREFERENCES (widget));
}

static void
copy_address_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  QtrNodePreferences *self = QTR_NODE_PREFERENCES (widget);

  if (self->base_url != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->base_url);
}

static void
host_state_changed_cb (QtrNodePreferences *self)
{
  update_state (self);
  qtr_node_preferences_refresh (self);
}

/* GObject */

static void
qtr_node_preferences_dispose (GObject *object)
{
  QtrNodePreferences *self = QTR_NODE_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_NODE_PREFERENCES);
  g_clear_object (&self->host);

  G_OBJECT_CLASS (qtr_node_preferences_parent_class)->dispose (object);
}

static void
qtr_node_preferences_finalize (GObject *object)
{
  QtrNodePreferences *self = QTR_NODE_PREFERENCES (object);

  g_free (self->message);
  g_free (self->base_url);
  g_strfreev (self->blocked);
  g_ptr_array_unref (self->blocked_rows);
  g_ptr_array_unref (self->host_rows);
  g_ptr_array_unref (self->alias_rows);

  G_OBJECT_CLASS (qtr_node_preferences_parent_class)->finalize (object);
}

static void
qtr_node_preferences_class_init (QtrNodePreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_node_preferences_dispose;
  object_class->finalize = qtr_node_preferences_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-node-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, state_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, base_url_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, listen_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, port_spin);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, avatar);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, display_name_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, bio_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, manual_switch);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, blocked_group);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, block_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, queue_group);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, waiting_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, move_group);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, move_to_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, alias_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodePreferences, phone_row);
  gtk_widget_class_bind_template_callback (widget_class, manual_switch_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, block_row_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, move_to_row_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, alias_row_applied_cb);

  gtk_widget_class_install_action (widget_class, "node.restart", NULL, restart_activated_cb);
  gtk_widget_class_install_action (widget_class, "node.save-address", NULL,
                                   save_address_activated_cb);
  gtk_widget_class_install_action (widget_class, "node.save-profile", NULL,
                                   save_profile_activated_cb);
  gtk_widget_class_install_action (widget_class, "node.choose-avatar", NULL,
                                   choose_avatar_activated_cb);
  gtk_widget_class_install_action (widget_class, "node.retry", NULL, retry_activated_cb);
  gtk_widget_class_install_action (widget_class, "node.refresh", NULL, refresh_activated_cb);
  gtk_widget_class_install_action (widget_class, "node.copy-address", NULL,
                                   copy_address_activated_cb);
}

static void
qtr_node_preferences_init (QtrNodePreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->blocked_rows = g_ptr_array_new ();
  self->host_rows = g_ptr_array_new ();
  self->alias_rows = g_ptr_array_new ();
}

/* Public API */

/**
 * qtr_node_preferences_new:
 * @host: (nullable): the node to show; %NULL for the app's (qtr_node_host_get_default())
 *
 * Returns: (transfer floating): the node's page of the preferences, for an
 *   AdwPreferencesWindow
 */
GtkWidget *
qtr_node_preferences_new (QtrNodeHost *host)
{
  QtrNodePreferences *self = g_object_new (QTR_TYPE_NODE_PREFERENCES, NULL);

  self->host = g_object_ref (host != NULL ? host : qtr_node_host_get_default ());
  g_signal_connect_object (self->host, "notify::state", G_CALLBACK (host_state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  qtr_node_preferences_refresh (self);
  return GTK_WIDGET (self);
}

/**
 * qtr_node_preferences_present:
 * @parent: (nullable): the window it belongs to
 * @host: (nullable): as for qtr_node_preferences_new()
 *
 * Shows a preferences window holding only the node's page (`app.node-preferences`).
 *
 * Returns: (transfer none): the window
 */
GtkWindow *
qtr_node_preferences_present (GtkWindow   *parent,
                              QtrNodeHost *host)
{
  GtkWidget *window = adw_preferences_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), parent != NULL);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window),
                              ADW_PREFERENCES_PAGE (qtr_node_preferences_new (host)));
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/**
 * qtr_node_preferences_refresh:
 *
 * Reads the node again: the queue, the profile, the settings.
 */
void
qtr_node_preferences_refresh (QtrNodePreferences *self)
{
  g_return_if_fail (QTR_IS_NODE_PREFERENCES (self));

  update_state (self);
  if (!qtr_node_host_is_set_up (self->host))
    return;
  self->busy++;
  qtr_node_host_run_async (self->host, read_snapshot_func, NULL, NULL, self->cancellable,
                           snapshot_read_cb, g_object_ref (self));
}

/**
 * qtr_node_preferences_get_loads:
 *
 * Returns: how many times the page has shown what it read of the node
 */
guint
qtr_node_preferences_get_loads (QtrNodePreferences *self)
{
  return self->loads;
}

/**
 * qtr_node_preferences_get_busy:
 *
 * Returns: whether changes, or readings of the node, are under way
 */
gboolean
qtr_node_preferences_get_busy (QtrNodePreferences *self)
{
  return self->busy > 0;
}

/**
 * qtr_node_preferences_get_message:
 *
 * Returns: (nullable): what the last change said, as its toast did
 */
const char *
qtr_node_preferences_get_message (QtrNodePreferences *self)
{
  return self->message;
}
