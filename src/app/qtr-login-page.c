/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-login-page.h"

#include <glib/gi18n.h>

#include "qtr-api-error.h"
#include "qtr-login.h"
#include "qtr-server-info.h"

/* QtrLoginPage: "Log in to a server".
 *
 * Stages, one at a time: "server" asks for a server name or a handle and discovers the server
 * (QtrServerInfo); "browser" opens the authorize page in the user's browser (gtk_show_uri_full,
 * through the portal where there is one) and waits for it to come back to QtrLogin's one-shot
 * loopback server; "code" is the fallback for a browser elsewhere or a server that does not
 * redirect to 127.0.0.1: the out-of-band redirect, where the server shows a code to paste.
 * The account is then saved with QtrAccountStore; a keyring that fails is shown as what to do,
 * with Try Again, and nothing is lost until the user cancels. Every failure is shown on the
 * page: a headline that says what to do, and the technical detail under it. */

struct _QtrLoginPage
{
  AdwBin            parent_instance;

  QtrAccountStore  *store;
  GCancellable     *cancellable;
  QtrApiClient     *client;
  QtrServerInfo    *info;
  QtrLogin         *login;
  char             *authorize_url;
  QtrCredentials   *credentials;  /* logged in, not saved yet */
  QtrStoredAccount *stored;
  const char       *stage;
  gboolean          busy;
  char             *error;

  /* Template widgets */
  GtkLabel         *title_label;
  GtkLabel         *description_label;
  GtkStack         *stack;
  AdwEntryRow      *server_row;
  GtkSpinner       *browser_spinner;
  GtkWidget        *paste_code_button;
  AdwEntryRow      *code_row;
  GtkWidget        *error_box;
  GtkLabel         *error_label;
  GtkLabel         *detail_label;
  GtkButton        *continue_button;
  GtkSpinner       *busy_spinner;
};

enum {
  PROP_0,
  PROP_ACCOUNT_STORE,
  N_PROPS
};

enum {
  LOGGED_IN,
  CANCELLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrLoginPage, qtr_login_page, ADW_TYPE_BIN)

static const char *
server_domain (QtrLoginPage *self)
{
  return self->info != NULL ? qtr_server_info_get_domain (self->info) : "";
}

static void
set_busy (QtrLoginPage *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), busy);
  gtk_spinner_set_spinning (self->busy_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.continue", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.use-code", !busy);
}

static void
clear_error (QtrLoginPage *self)
{
  g_clear_pointer (&self->error, g_free);
  gtk_widget_set_visible (self->error_box, FALSE);
}

/* @headline: translated, what to do; @detail: (nullable): the technical error */
static void
show_error (QtrLoginPage *self,
            const char   *headline,
            const char   *detail)
{
  g_free (self->error);
  self->error = g_strdup (headline);
  gtk_label_set_label (self->error_label, headline);
  gtk_label_set_label (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
  gtk_widget_set_visible (self->error_box, TRUE);
  set_busy (self, FALSE);
}

static void
set_stage (QtrLoginPage *self,
           const char   *stage)
{
  g_autofree char *description = NULL;
  gboolean loopback = self->login != NULL && g_str_equal (stage, "browser");

  self->stage = stage;
  gtk_stack_set_visible_child_name (self->stack, stage);
  gtk_spinner_set_spinning (self->browser_spinner, loopback);
  gtk_widget_set_visible (GTK_WIDGET (self->continue_button), !g_str_equal (stage, "browser"));

  if (g_str_equal (stage, "server"))
    {
      gtk_label_set_label (self->title_label, _("Log In to a Server"));
      description = g_strdup (_("Type the name of your server, like mastodon.social, or your "
                                "account, like @alice@mastodon.social."));
      gtk_button_set_label (self->continue_button, _("C_ontinue"));
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
    }
  else if (g_str_equal (stage, "browser"))
    {
      gtk_label_set_label (self->title_label, _("Continue in Your Browser"));
      /* Translators: %s is a server name, like mastodon.social */
      description = g_strdup_printf (_("Approve Quitter on %s in your web browser. Quitter "
                                       "waits here until you have."), server_domain (self));
    }
  else
    {
      gtk_label_set_label (self->title_label, _("Paste the Code"));
      /* Translators: %s is a server name, like mastodon.social */
      description = g_strdup_printf (_("Approve Quitter on %s in your web browser. The server "
                                       "then shows a code: paste it here."),
                                     server_domain (self));
      gtk_button_set_label (self->continue_button, _("_Log In"));
      gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
    }
  gtk_label_set_label (self->description_label, description);
}

static void
restart_cancellable (QtrLoginPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
show_uri_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QtrLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_error (self, _("Could not open a web browser. Copy the link, open it in a browser "
                      "yourself and approve Quitter there."), error->message);
}

static void
open_browser (QtrLoginPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->authorize_url == NULL || !GTK_IS_WINDOW (root))
    return;
  gtk_show_uri_full (GTK_WINDOW (root), self->authorize_url, GDK_CURRENT_TIME,
                     self->cancellable, show_uri_done_cb, g_object_ref (self));
}

static void
account_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QtrLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *handle = NULL;
  gboolean saved = qtr_account_store_save_finish (QTR_ACCOUNT_STORE (source), result, &error);

  /* Gone, or cancelled: a save that went through anyway is in the list for the next start. */
  if (self->stored == NULL)
    return;
  if (!saved)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, QTR_ACCOUNT_STORE_ERROR,
                           QTR_ACCOUNT_STORE_ERROR_KEYRING_LOCKED))
        show_error (self, _("The keyring is locked. Unlock it (for example in Passwords and "
                            "Keys), then press Try Again."), error->message);
      else if (g_error_matches (error, QTR_ACCOUNT_STORE_ERROR,
                                QTR_ACCOUNT_STORE_ERROR_KEYRING_UNAVAILABLE))
        show_error (self, _("No keyring answers, so the sign-in cannot be kept. Start one "
                            "(GNOME Keyring or KeePassXC), then press Try Again."),
                    error->message);
      else
        show_error (self, _("The account could not be saved. Press Try Again; if it fails "
                            "again, check that your home folder has space."), error->message);
      gtk_button_set_label (self->continue_button, _("_Try Again"));
      gtk_widget_set_visible (GTK_WIDGET (self->continue_button), TRUE);
      return;
    }

  handle = g_strdup (self->stored->handle);
  if (!qtr_account_store_set_active (self->store, handle, &error))
    {
      show_error (self, _("The account was saved but could not be made the active one. Press "
                          "Try Again."), error->message);
      gtk_button_set_label (self->continue_button, _("_Try Again"));
      gtk_widget_set_visible (GTK_WIDGET (self->continue_button), TRUE);
      return;
    }
  qtr_login_page_reset (self);
  g_signal_emit (self, signals[LOGGED_IN], 0, handle);
}

static void
save_account (QtrLoginPage *self)
{
  clear_error (self);
  set_busy (self, TRUE);
  qtr_account_store_save_async (self->store, self->stored, self->credentials, self->cancellable,
                                account_saved_cb, g_object_ref (self));
}

static void
login_completed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(QtrAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  QtrLoginPage *self;

  credentials = qtr_login_complete_finish (QTR_LOGIN (source), result, &account, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = QTR_LOGIN_PAGE (user_data);
  if (credentials == NULL)
    {
      if (g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_FORBIDDEN))
        show_error (self, _("The server did not authorize Quitter. Press Cancel to start "
                            "again."), error->message);
      else
        show_error (self, _("The server did not accept the sign-in. Check the code, or press "
                            "Cancel and start again."), error->message);
      return;
    }
  self->credentials = g_steal_pointer (&credentials);
  self->stored = qtr_stored_account_new_for (self->credentials->server,
                                             qtr_server_info_get_account_domain (self->info),
                                             account);
  save_account (self);
}

static void
login_begun_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  QtrLoginPage *self;

  url = qtr_login_begin_finish (QTR_LOGIN (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = QTR_LOGIN_PAGE (user_data);
  if (url == NULL)
    {
      /* Translators: %s is a server name */
      g_autofree char *headline = g_strdup_printf (_("Quitter could not register with %s. "
                                                     "Try again later."),
                                                   server_domain (self));
      show_error (self, headline, error->message);
      return;
    }
  set_busy (self, FALSE);
  g_free (self->authorize_url);
  self->authorize_url = g_steal_pointer (&url);
  if (g_str_equal (qtr_login_get_redirect_uri (self->login), QTR_LOGIN_OOB_REDIRECT_URI))
    set_stage (self, "code");
  else
    {
      set_stage (self, "browser");
      qtr_login_complete_async (self->login, NULL, self->cancellable, login_completed_cb, self);
    }
  open_browser (self);
}

static void
begin_login (QtrLoginPage     *self,
             QtrLoginRedirect  redirect)
{
  g_clear_object (&self->login);
  g_clear_pointer (&self->authorize_url, g_free);
  self->login = qtr_login_new (self->client, redirect);
  set_busy (self, TRUE);
  qtr_login_begin_async (self->login, self->cancellable, login_begun_cb, self);
}

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrServerInfo) info = NULL;
  QtrLoginPage *self;
  const char *base;

  info = qtr_server_info_discover_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = QTR_LOGIN_PAGE (user_data);
  base = qtr_api_client_get_base_url (self->client);
  if (info == NULL)
    {
      g_autofree char *headline = NULL;

      if (g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_NETWORK))
        /* Translators: %s is a server's address */
        headline = g_strdup_printf (_("Could not reach %s. Check the name and your "
                                      "connection, then try again."), base);
      else if (g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_TIMED_OUT))
        headline = g_strdup_printf (_("%s did not answer in time. Try again later."), base);
      else
        headline = g_strdup_printf (_("%s does not look like a Mastodon-compatible server. "
                                      "Check the name: Quitter works with Mastodon, Pleroma, "
                                      "Akkoma, GoToSocial, snac and other servers with the "
                                      "Mastodon API."), base);
      show_error (self, headline, error->message);
      return;
    }
  self->info = g_steal_pointer (&info);
  begin_login (self, QTR_LOGIN_REDIRECT_LOOPBACK);
}

static void
start_discovery (QtrLoginPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *url = qtr_server_url_for_input (text, &error);

  clear_error (self);
  if (url == NULL)
    {
      show_error (self, _("Type a server name like mastodon.social, or your account like "
                          "@alice@mastodon.social."), error->message);
      return;
    }
  g_clear_object (&self->client);
  g_clear_object (&self->info);
  self->client = qtr_api_client_new (url, NULL, &error);
  if (self->client == NULL)
    {
      show_error (self, _("Type a server name like mastodon.social, or your account like "
                          "@alice@mastodon.social."), error->message);
      return;
    }
  set_busy (self, TRUE);
  qtr_server_info_discover_async (self->client, self->cancellable, discovered_cb, self);
}

static void
submit_code (QtrLoginPage *self)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));
  g_autofree char *trimmed = g_strstrip (g_strdup (code));

  clear_error (self);
  if (*trimmed == '\0')
    {
      show_error (self, _("Paste the code that the server showed after you approved "
                          "Quitter."), NULL);
      return;
    }
  set_busy (self, TRUE);
  qtr_login_complete_async (self->login, trimmed, self->cancellable, login_completed_cb, self);
}

static void
continue_activated_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  QtrLoginPage *self = QTR_LOGIN_PAGE (widget);

  if (self->busy)
    return;
  if (self->credentials != NULL)
    save_account (self);
  else if (g_str_equal (self->stage, "server"))
    start_discovery (self);
  else if (g_str_equal (self->stage, "code"))
    submit_code (self);
}

static void
cancel_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  QtrLoginPage *self = QTR_LOGIN_PAGE (widget);

  qtr_login_page_reset (self);
  g_signal_emit (self, signals[CANCELLED], 0);
}

static void
use_code_activated_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  QtrLoginPage *self = QTR_LOGIN_PAGE (widget);

  if (self->client == NULL || self->busy)
    return;
  /* Stops waiting for the browser (and its loopback server), then registers for the code. */
  restart_cancellable (self);
  clear_error (self);
  begin_login (self, QTR_LOGIN_REDIRECT_OOB);
}

static void
open_browser_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  open_browser (QTR_LOGIN_PAGE (widget));
}

static void
copy_link_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  QtrLoginPage *self = QTR_LOGIN_PAGE (widget);

  if (self->authorize_url != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->authorize_url);
}

static void
entry_activated_cb (QtrLoginPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "login.continue", NULL);
}

static void
qtr_login_page_dispose (GObject *object)
{
  QtrLoginPage *self = QTR_LOGIN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* AdwBin keeps its child apart from the template's: let it go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_LOGIN_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->info);
  g_clear_object (&self->login);
  g_clear_pointer (&self->credentials, qtr_credentials_free);
  g_clear_pointer (&self->stored, qtr_stored_account_free);

  G_OBJECT_CLASS (qtr_login_page_parent_class)->dispose (object);
}

static void
qtr_login_page_finalize (GObject *object)
{
  QtrLoginPage *self = QTR_LOGIN_PAGE (object);

  g_free (self->authorize_url);
  g_free (self->error);

  G_OBJECT_CLASS (qtr_login_page_parent_class)->finalize (object);
}

static void
qtr_login_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  QtrLoginPage *self = QTR_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_STORE:
      if (g_set_object (&self->store, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_login_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QtrLoginPage *self = QTR_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_login_page_class_init (QtrLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_login_page_dispose;
  object_class->finalize = qtr_login_page_finalize;
  object_class->get_property = qtr_login_page_get_property;
  object_class->set_property = qtr_login_page_set_property;

  properties[PROP_ACCOUNT_STORE] =
    g_param_spec_object ("account-store", NULL, NULL, QTR_TYPE_ACCOUNT_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QtrLoginPage::logged-in:
   * @handle: the account's handle, now saved and active in the account store
   */
  signals[LOGGED_IN] =
    g_signal_new ("logged-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * QtrLoginPage::cancelled:
   *
   * The user gave up: whatever had begun has stopped.
   */
  signals[CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "login.continue", NULL, continue_activated_cb);
  gtk_widget_class_install_action (widget_class, "login.cancel", NULL, cancel_activated_cb);
  gtk_widget_class_install_action (widget_class, "login.use-code", NULL, use_code_activated_cb);
  gtk_widget_class_install_action (widget_class, "login.open-browser", NULL,
                                   open_browser_activated_cb);
  gtk_widget_class_install_action (widget_class, "login.copy-link", NULL,
                                   copy_link_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "login.cancel", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, browser_spinner);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, paste_code_button);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, error_box);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, detail_label);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, continue_button);
  gtk_widget_class_bind_template_child (widget_class, QtrLoginPage, busy_spinner);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
}

static void
qtr_login_page_init (QtrLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  set_stage (self, "server");
}

/**
 * qtr_login_page_new:
 * @store: where the account goes once logged in
 *
 * Returns: (transfer floating): the page, at its first stage
 */
GtkWidget *
qtr_login_page_new (QtrAccountStore *store)
{
  return g_object_new (QTR_TYPE_LOGIN_PAGE, "account-store", store, NULL);
}

/**
 * qtr_login_page_reset:
 *
 * Stops whatever had begun (discovery, the browser's wait) and goes back to the first stage,
 * empty.
 */
void
qtr_login_page_reset (QtrLoginPage *self)
{
  g_return_if_fail (QTR_IS_LOGIN_PAGE (self));

  restart_cancellable (self);
  g_clear_object (&self->client);
  g_clear_object (&self->info);
  g_clear_object (&self->login);
  g_clear_pointer (&self->authorize_url, g_free);
  g_clear_pointer (&self->credentials, qtr_credentials_free);
  g_clear_pointer (&self->stored, qtr_stored_account_free);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  clear_error (self);
  set_busy (self, FALSE);
  set_stage (self, "server");
}

/**
 * qtr_login_page_get_stage:
 *
 * Returns: "server", "browser" or "code"
 */
const char *
qtr_login_page_get_stage (QtrLoginPage *self)
{
  g_return_val_if_fail (QTR_IS_LOGIN_PAGE (self), NULL);

  return self->stage;
}

/**
 * qtr_login_page_get_authorize_url:
 *
 * Returns: (nullable): the page the browser was sent to
 */
const char *
qtr_login_page_get_authorize_url (QtrLoginPage *self)
{
  g_return_val_if_fail (QTR_IS_LOGIN_PAGE (self), NULL);

  return self->authorize_url;
}

/**
 * qtr_login_page_get_error:
 *
 * Returns: (nullable): the error headline the page shows
 */
const char *
qtr_login_page_get_error (QtrLoginPage *self)
{
  g_return_val_if_fail (QTR_IS_LOGIN_PAGE (self), NULL);

  return self->error;
}

/**
 * qtr_login_page_get_busy:
 *
 * Returns: whether it waits for the server or the keyring
 */
gboolean
qtr_login_page_get_busy (QtrLoginPage *self)
{
  g_return_val_if_fail (QTR_IS_LOGIN_PAGE (self), FALSE);

  return self->busy;
}
