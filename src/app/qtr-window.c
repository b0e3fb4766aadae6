/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-window.h"

#include <glib/gi18n.h>

#include "qtr-account-store.h"
#include "qtr-api-client.h"
#include "qtr-login-page.h"
#include "qtr-main-view.h"
#include "qtr-open-uri.h"
#include "qtr-status.h"

/* QtrWindow: the welcome page, the login page, or the main view of the active account.
 *
 * At start the saved active account opens the main view directly; without one the welcome
 * page offers to log in. The window owns the account store and does what the pages ask of it:
 * switch account, log out (the token revoked, the secret removed), and, once an account is
 * open, read its home timeline's newest page into the Home section. */

struct _QtrWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  QtrAccountStore      *store;
  GCancellable         *account_cancellable;  /* of the open account's requests */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwStatusPage        *welcome_page;
  QtrLoginPage         *login_page;
  QtrMainView          *main_view;
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

static void
show_toast (QtrWindow  *self,
            const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* What to tell the user about a keyring or account-list failure. */
static const char *
describe_store_error (const GError *error)
{
  if (g_error_matches (error, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_KEYRING_LOCKED))
    return _("The keyring is locked. Unlock it (for example in Passwords and Keys) and try "
             "again.");
  if (g_error_matches (error, QTR_ACCOUNT_STORE_ERROR,
                       QTR_ACCOUNT_STORE_ERROR_KEYRING_UNAVAILABLE))
    return _("No keyring answers. Start one (GNOME Keyring or KeePassXC) and try again.");
  if (g_error_matches (error, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_NO_SECRET))
    return _("The keyring has no sign-in for this account. Log out and log in again.");
  return _("The account list could not be read or written. Check that your home folder has "
           "space, then try again.");
}

static void
home_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) statuses = NULL;
  QtrWindow *self;
  JsonArray *array;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = QTR_WINDOW (user_data);
  array = response != NULL ? qtr_api_response_get_array (response, &error) : NULL;
  if (array == NULL)
    {
      qtr_main_view_show_status (self->main_view, _("Could Not Load Home"), error->message);
      return;
    }
  statuses = g_list_store_new (QTR_TYPE_STATUS);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(GError) entity_error = NULL;
      g_autoptr(QtrStatus) status = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        status = qtr_status_new_from_json (json_node_get_object (node), &entity_error);
      if (status != NULL)
        g_list_store_append (statuses, status);
      else
        g_debug ("Skipped a status of the home timeline: %s",
                 entity_error != NULL ? entity_error->message : "not an object");
    }
  qtr_main_view_set_timeline (self->main_view, "home", G_LIST_MODEL (statuses));
}

static void
credentials_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  QtrWindow *self;

  credentials = qtr_account_store_load_credentials_finish (QTR_ACCOUNT_STORE (source), result,
                                                           &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = QTR_WINDOW (user_data);
  if (credentials != NULL)
    client = qtr_api_client_new (credentials->server, credentials->access_token, &error);
  if (client == NULL)
    {
      qtr_main_view_show_status (self->main_view, _("Could Not Open the Account"),
                                 describe_store_error (error));
      return;
    }
  qtr_api_client_get_async (client, "/api/v1/timelines/home", NULL, self->account_cancellable,
                            home_loaded_cb, self);
}

static void
show_accounts (QtrWindow *self)
{
  g_autoptr(GPtrArray) accounts = qtr_account_store_list (self->store);
  const char *active = qtr_account_store_get_active (self->store);

  if (active == NULL && accounts->len > 0)
    {
      const QtrStoredAccount *first = accounts->pdata[0];
      g_autoptr(GError) error = NULL;

      if (!qtr_account_store_set_active (self->store, first->handle, &error))
        show_toast (self, describe_store_error (error));
      active = first->handle;
    }
  if (active == NULL)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "welcome");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.log-out", FALSE);
      return;
    }

  g_cancellable_cancel (self->account_cancellable);
  g_clear_object (&self->account_cancellable);
  self->account_cancellable = g_cancellable_new ();
  qtr_main_view_set_accounts (self->main_view, accounts, active);
  qtr_main_view_set_timeline (self->main_view, "home", NULL);
  qtr_main_view_show_status (self->main_view, _("Loading…"), NULL);
  gtk_stack_set_visible_child_name (self->main_stack, "main");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.log-out", TRUE);
  qtr_account_store_load_credentials_async (self->store, active, self->account_cancellable,
                                            credentials_loaded_cb, self);
}

static void
login_page_logged_in_cb (QtrWindow  *self,
                         const char *handle)
{
  show_accounts (self);
}

static void
login_page_cancelled_cb (QtrWindow *self)
{
  show_accounts (self);
}

static void
main_view_account_activated_cb (QtrWindow  *self,
                                const char *handle)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (handle, qtr_account_store_get_active (self->store)) == 0)
    return;
  if (!qtr_account_store_set_active (self->store, handle, &error))
    {
      show_toast (self, describe_store_error (error));
      return;
    }
  show_accounts (self);
}

/* Until the app has its thread, profile and hashtag pages, posts, profiles and hashtags open
 * on the server's web pages. */
static void
open_in_browser (QtrWindow  *self,
                 const char *url)
{
  qtr_open_uri (GTK_WIDGET (self->main_view), url);
}

static void
main_view_status_activated_cb (QtrWindow *self,
                               QtrStatus *status)
{
  QtrStatus *shown = qtr_status_get_shown (status);

  open_in_browser (self, qtr_status_get_url (shown) != NULL ? qtr_status_get_url (shown)
                                                            : qtr_status_get_uri (shown));
}

static void
main_view_mention_activated_cb (QtrWindow  *self,
                                const char *url)
{
  open_in_browser (self, url);
}

static void
main_view_hashtag_activated_cb (QtrWindow  *self,
                                const char *name)
{
  const char *active = qtr_account_store_get_active (self->store);
  const QtrStoredAccount *account = active ? qtr_account_store_lookup (self->store, active) : NULL;
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *url = NULL;

  if (account == NULL)
    return;
  url = g_strconcat (account->server, "/tags/", escaped, NULL);
  open_in_browser (self, url);
}

static void
add_account_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  QtrWindow *self = QTR_WINDOW (widget);

  qtr_login_page_reset (self->login_page);
  gtk_stack_set_visible_child_name (self->main_stack, "login");
}

static void
logged_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(QtrWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean revoked = FALSE;

  if (!qtr_account_store_log_out_finish (QTR_ACCOUNT_STORE (source), result, &revoked, &error))
    {
      show_toast (self, describe_store_error (error));
      return;
    }
  if (!revoked)
    show_toast (self, _("Logged out, but the server could not be told. To be sure, revoke "
                        "Quitter’s access in your account’s settings on the server."));
  show_accounts (self);
}

static void
log_out_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     QtrWindow        *self)
{
  const char *handle = g_object_get_data (G_OBJECT (dialog), "qtr-handle");

  if (!g_str_equal (response, "log-out"))
    return;
  qtr_account_store_log_out_async (self->store, handle, NULL, NULL, logged_out_cb,
                                   g_object_ref (self));
}

static void
log_out_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  QtrWindow *self = QTR_WINDOW (widget);
  const char *active = qtr_account_store_get_active (self->store);
  GtkWidget *dialog;

  if (active == NULL)
    return;
  /* Translators: %s is an account, like @alice@mastodon.social */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Log Out of %s?"), active);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Quitter’s access to the account is revoked on the server and "
                                 "its sign-in removed from the keyring."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "log-out", _("_Log Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "log-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "qtr-handle", g_strdup (active), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (log_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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

  g_cancellable_cancel (self->account_cancellable);
  g_clear_object (&self->account_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

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
  gtk_widget_class_bind_template_child (widget_class, QtrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QtrWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, QtrWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, QtrWindow, login_page);
  gtk_widget_class_bind_template_child (widget_class, QtrWindow, main_view);
  gtk_widget_class_bind_template_callback (widget_class, login_page_logged_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, login_page_cancelled_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_account_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_status_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_mention_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_hashtag_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL,
                                   add_account_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.log-out", NULL, log_out_activated_cb);
}

static void
qtr_window_init (QtrWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_type_ensure (QTR_TYPE_LOGIN_PAGE);
  g_type_ensure (QTR_TYPE_MAIN_VIEW);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  restore_window_state (self);

  self->store = qtr_account_store_new (NULL, &error);
  if (self->store == NULL)
    {
      show_toast (self, describe_store_error (error));
      g_debug ("%s", error->message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-account", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.log-out", FALSE);
      return;
    }
  g_object_set (self->login_page, "account-store", self->store, NULL);
  show_accounts (self);
}

/**
 * qtr_window_get_main_view:
 *
 * Returns: (transfer none): the main view (shown once an account is open)
 */
QtrMainView *
qtr_window_get_main_view (QtrWindow *self)
{
  g_return_val_if_fail (QTR_IS_WINDOW (self), NULL);

  return self->main_view;
}

/**
 * qtr_window_get_login_page:
 *
 * Returns: (transfer none): the login page
 */
QtrLoginPage *
qtr_window_get_login_page (QtrWindow *self)
{
  g_return_val_if_fail (QTR_IS_WINDOW (self), NULL);

  return self->login_page;
}

/**
 * qtr_window_get_page:
 *
 * Returns: the page shown: "welcome", "login" or "main"
 */
const char *
qtr_window_get_page (QtrWindow *self)
{
  g_return_val_if_fail (QTR_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->main_stack);
}

QtrWindow *
qtr_window_new (QtrApplication *application)
{
  return g_object_new (QTR_TYPE_WINDOW, "application", application, NULL);
}
