/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-assistant.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qtr-account.h"
#include "qtr-api-client.h"
#include "qtr-node-config.h"

/* QtrNodeAssistant: "Start my own node".
 *
 * Two pages and a wait: "account" asks the user name (checked as `quitter-node init` checks
 * it), the display name and the password that other apps (a phone app) sign in with; "address"
 * asks whether the node is only on this computer for now (http://127.0.0.1:PORT) or at a
 * public address the user controls (https://domain, behind a reverse proxy or a tunnel), and
 * the local port. "creating" sets the node up in the app's data folder (the same functions as
 * `quitter-node init` and `password`), starts it on its own thread (QtrNodeHost), mints the
 * app a token, saves the account in the keyring like any login, and from then on the app runs
 * the node at each start (the `node-folder` setting). Every failure is shown on the page, with
 * what to do. */

#define RUN_A_NODE_URL APP_WEBSITE "#running-a-node"

struct _QtrNodeAssistant
{
  AdwBin            parent_instance;

  QtrAccountStore  *store;
  QtrNodeHost      *host;
  GCancellable     *cancellable;
  const char       *page;
  gboolean          busy;
  char             *error;
  char             *base_url;
  QtrCredentials   *credentials;
  QtrStoredAccount *stored;

  /* Template widgets */
  GtkLabel         *title_label;
  GtkLabel         *description_label;
  GtkStack         *stack;
  AdwEntryRow      *username_row;
  AdwEntryRow      *display_name_row;
  AdwEntryRow      *password_row;
  AdwEntryRow      *confirm_row;
  GtkCheckButton   *local_check;
  GtkCheckButton   *public_check;
  AdwEntryRow      *domain_row;
  GtkSpinButton    *port_spin;
  GtkLabel         *public_label;
  GtkSpinner       *creating_spinner;
  GtkLabel         *error_label;
  GtkButton        *back_button;
  GtkButton        *next_button;
};

enum {
  PROP_0,
  PROP_ACCOUNT_STORE,
  N_PROPS
};

enum {
  CREATED,
  CANCELLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrNodeAssistant, qtr_node_assistant, ADW_TYPE_BIN)

static QtrNodeHost *
get_host (QtrNodeAssistant *self)
{
  return self->host != NULL ? self->host : qtr_node_host_get_default ();
}

static void
set_busy (QtrNodeAssistant *self,
          gboolean          busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->creating_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "node-assistant.next", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "node-assistant.back", !busy);
}

static void
clear_error (QtrNodeAssistant *self)
{
  g_clear_pointer (&self->error, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

/* @message: translated, what was wrong and what to do */
static void
show_error (QtrNodeAssistant *self,
            const char       *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  set_busy (self, FALSE);
}

static void
set_page (QtrNodeAssistant *self,
          const char       *page)
{
  self->page = page;
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), !g_str_equal (page, "creating"));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), !g_str_equal (page, "creating"));

  if (g_str_equal (page, "account"))
    {
      g_autofree char *description = NULL;

      gtk_label_set_label (self->title_label, _("Start Your Own Node"));
      /* Translators: %d is a number of characters. */
      description = g_strdup_printf (_("Your account lives on this computer, and follows and "
                                       "is followed across the fediverse. The password, of "
                                       "at least %d characters, is for other apps, such as "
                                       "one on your phone."), QTR_NODE_PASSWORD_MIN_LENGTH);
      gtk_label_set_label (self->description_label, description);
      gtk_button_set_label (self->back_button, _("_Cancel"));
      gtk_button_set_label (self->next_button, _("_Next"));
      gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
    }
  else if (g_str_equal (page, "address"))
    {
      gtk_label_set_label (self->title_label, _("Where Others Find You"));
      gtk_label_set_label (self->description_label,
                           _("Other servers reach your node at its address. You can change "
                             "it later in the node’s preferences."));
      gtk_button_set_label (self->back_button, _("_Back"));
      gtk_button_set_label (self->next_button, _("_Create"));
    }
  else
    {
      gtk_label_set_label (self->title_label, _("Creating Your Node"));
      gtk_label_set_label (self->description_label,
                           _("Making its keys, starting it and logging you in."));
    }
}

/* The public address the page says, or %NULL with an error shown. */
static char *
read_base_url (QtrNodeAssistant *self)
{
  g_autoptr(QtrNodeConfig) config = qtr_node_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint port = (guint) gtk_spin_button_get_value_as_int (self->port_spin);

  if (gtk_check_button_get_active (self->local_check))
    url = g_strdup_printf ("http://127.0.0.1:%u", port);
  else
    {
      g_autofree char *domain = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->domain_row))));
      const char *host = domain;

      if (g_str_has_prefix (host, "https://"))
        host += strlen ("https://");
      if (*host == '\0')
        {
          show_error (self, _("Type the domain you control, like social.example.org."));
          return NULL;
        }
      url = g_strconcat ("https://", host, NULL);
    }
  if (!qtr_node_config_set_base_url (config, url, &error))
    {
      /* Translators: %s is the node's explanation, in English. */
      g_autofree char *message = g_strdup_printf (_("That address cannot be used (%s). Type "
                                                    "only a domain, like social.example.org."),
                                                  error->message);
      show_error (self, message);
      return NULL;
    }
  return g_strdup (config->base_url);
}

static gboolean
check_account_page (QtrNodeAssistant *self)
{
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));

  if (!qtr_node_config_check_username (username, NULL))
    {
      show_error (self, _("Choose a user name of letters, digits and _ (with . or - inside), "
                          "up to 30 characters, like alice."));
      gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
      return FALSE;
    }
  if (g_utf8_strlen (password, -1) < QTR_NODE_PASSWORD_MIN_LENGTH)
    {
      /* Translators: %d is a number of characters. */
      g_autofree char *message = g_strdup_printf (_("The password needs at least %d "
                                                    "characters."),
                                                  QTR_NODE_PASSWORD_MIN_LENGTH);
      show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return FALSE;
    }
  if (!g_str_equal (password, confirm))
    {
      show_error (self, _("The two passwords differ: type the same one twice."));
      gtk_widget_grab_focus (GTK_WIDGET (self->confirm_row));
      return FALSE;
    }
  return TRUE;
}

static void
account_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QtrNodeAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *handle = NULL;

  if (!qtr_account_store_save_finish (QTR_ACCOUNT_STORE (source), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is the keyring's error. */
      message = g_strdup_printf (_("Your node runs, but the sign-in could not be kept (%s). "
                                   "Unlock or start a keyring (GNOME Keyring, KeePassXC), "
                                   "then press Create again."), error->message);
      show_error (self, message);
      return;
    }
  handle = g_strdup (self->stored->handle);
  if (!qtr_account_store_set_active (self->store, handle, &error))
    g_debug ("The node's account is not the active one: %s", error->message);

  /* From now on the app runs the node at each start. */
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "node-folder", qtr_node_host_get_data_dir (get_host (self)));

  qtr_node_assistant_reset (self);
  g_signal_emit (self, signals[CREATED], 0, handle);
}

static void
save_account (QtrNodeAssistant *self)
{
  set_busy (self, TRUE);
  qtr_account_store_save_async (self->store, self->stored, self->credentials,
                                self->cancellable, account_saved_cb, g_object_ref (self));
}

/* The handle's domain: the base URL's host, with its port when it has one (loopback). */
static char *
account_domain (const char *base_url)
{
  g_autoptr(GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL)
    return g_strdup ("");
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

static void
credentials_verified_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(QtrNodeAssistant) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(QtrAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response != NULL && (object = qtr_api_response_get_object (response, &error)) != NULL)
    account = qtr_account_new_from_json (object, &error);
  if (account == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is the error. */
      message = g_strdup_printf (_("Your node runs, but it did not answer Quitter (%s). "
                                   "Press Create to try again."), error->message);
      show_error (self, message);
      return;
    }
  domain = account_domain (self->base_url);
  g_clear_pointer (&self->stored, qtr_stored_account_free);
  self->stored = qtr_stored_account_new_for (self->base_url, domain, account);
  save_account (self);
}

static void
node_created_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(QtrNodeAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  QtrNodeHost *host = QTR_NODE_HOST (source);
  const char *listen_url;

  self->credentials = qtr_node_host_create_finish (host, result, &error);
  if (self->credentials == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_page (self, "address");
      if (g_error_matches (error, QTR_NODE_ERROR, QTR_NODE_ERROR_LISTEN))
        message = g_strdup (_("The node was created, but its port is in use. Pick another "
                              "port in the node’s preferences, then restart it."));
      else if (g_error_matches (error, QTR_NODE_ERROR, QTR_NODE_ERROR_ALREADY_SET_UP))
        /* Translators: %s is a folder. */
        message = g_strdup_printf (_("A node is set up in %s already. Move that folder away "
                                     "to start a new one."),
                                   qtr_node_host_get_data_dir (host));
      else
        /* Translators: %s is the error. */
        message = g_strdup_printf (_("The node could not be created: %s"), error->message);
      show_error (self, message);
      return;
    }

  /* Ask the node itself who the account is: through where it listens, which is this
   * computer's even when the public address is not set up yet. */
  listen_url = qtr_node_host_get_listen_url (host);
  client = qtr_api_client_new (listen_url != NULL ? listen_url : self->base_url,
                               self->credentials->access_token, &error);
  if (client == NULL)
    {
      show_error (self, error->message);
      return;
    }
  qtr_api_client_request_async (client, "GET", "/api/v1/accounts/verify_credentials", NULL,
                                NULL, NULL, self->cancellable, credentials_verified_cb,
                                g_object_ref (self));
}

static void
create_node (QtrNodeAssistant *self)
{
  QtrNodeSetup setup = { 0 };
  const char *display_name = gtk_editable_get_text (GTK_EDITABLE (self->display_name_row));

  g_clear_pointer (&self->base_url, g_free);
  self->base_url = read_base_url (self);
  if (self->base_url == NULL)
    return;
  if (self->store == NULL)
    {
      show_error (self, _("The account list cannot be read, so the node’s account could not "
                          "be kept. Check that your home folder has space, then restart "
                          "Quitter."));
      return;
    }

  setup.username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  setup.display_name = *display_name != '\0' ? display_name : NULL;
  setup.password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  setup.base_url = self->base_url;
  setup.port = (guint) gtk_spin_button_get_value_as_int (self->port_spin);
  set_page (self, "creating");
  set_busy (self, TRUE);
  qtr_node_host_create_async (get_host (self), &setup, self->cancellable, node_created_cb,
                              g_object_ref (self));
}

static void
next_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  QtrNodeAssistant *self = QTR_NODE_ASSISTANT (widget);

  if (self->busy)
    return;
  clear_error (self);
  if (g_str_equal (self->page, "account"))
    {
      if (check_account_page (self))
        set_page (self, "address");
    }
  else if (g_str_equal (self->page, "address"))
    {
      /* A node that exists already (the keyring failed after it started) is not made again. */
      if (self->credentials != NULL && self->stored != NULL)
        save_account (self);
      else
        create_node (self);
    }
}

static void
back_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  QtrNodeAssistant *self = QTR_NODE_ASSISTANT (widget);

  if (self->busy)
    return;
  clear_error (self);
  if (g_str_equal (self->page, "address"))
    set_page (self, "account");
  else
    {
      qtr_node_assistant_reset (self);
      g_signal_emit (self, signals[CANCELLED], 0);
    }
}

static void
entry_activated_cb (QtrNodeAssistant *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "node-assistant.next", NULL);
}

static void
address_kind_toggled_cb (QtrNodeAssistant *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->domain_row),
                            gtk_check_button_get_active (self->public_check));
}

static void
qtr_node_assistant_dispose (GObject *object)
{
  QtrNodeAssistant *self = QTR_NODE_ASSISTANT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_NODE_ASSISTANT);
  g_clear_object (&self->store);
  g_clear_object (&self->host);
  g_clear_pointer (&self->stored, qtr_stored_account_free);

  G_OBJECT_CLASS (qtr_node_assistant_parent_class)->dispose (object);
}

static void
qtr_node_assistant_finalize (GObject *object)
{
  QtrNodeAssistant *self = QTR_NODE_ASSISTANT (object);

  g_free (self->error);
  g_free (self->base_url);
  g_clear_pointer (&self->credentials, qtr_credentials_free);

  G_OBJECT_CLASS (qtr_node_assistant_parent_class)->finalize (object);
}

static void
qtr_node_assistant_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  QtrNodeAssistant *self = QTR_NODE_ASSISTANT (object);

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
qtr_node_assistant_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  QtrNodeAssistant *self = QTR_NODE_ASSISTANT (object);

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
qtr_node_assistant_class_init (QtrNodeAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_node_assistant_dispose;
  object_class->finalize = qtr_node_assistant_finalize;
  object_class->get_property = qtr_node_assistant_get_property;
  object_class->set_property = qtr_node_assistant_set_property;

  properties[PROP_ACCOUNT_STORE] =
    g_param_spec_object ("account-store", NULL, NULL, QTR_TYPE_ACCOUNT_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QtrNodeAssistant::created:
   * @handle: the node's account, now saved and active in the account store
   */
  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * QtrNodeAssistant::cancelled:
   *
   * The user went back from the first page: nothing was made.
   */
  signals[CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-node-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, title_label);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, description_label);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, username_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, display_name_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, password_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, local_check);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, public_check);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, domain_row);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, port_spin);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, public_label);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, creating_spinner);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, error_label);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, QtrNodeAssistant, next_button);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, address_kind_toggled_cb);

  gtk_widget_class_install_action (widget_class, "node-assistant.next", NULL, next_activated_cb);
  gtk_widget_class_install_action (widget_class, "node-assistant.back", NULL, back_activated_cb);
}

static void
qtr_node_assistant_init (QtrNodeAssistant *self)
{
  g_autofree char *markup = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* Translators: the <a> link leads to the README's "Running a node" section. */
  markup = g_markup_printf_escaped (_("A public address needs a domain of yours, and a reverse "
                                      "proxy (with its TLS certificate) or a tunnel that "
                                      "forwards it to the local port: see <a href=\"%s\">Running "
                                      "a node</a>."), RUN_A_NODE_URL);
  gtk_label_set_markup (self->public_label, markup);
  set_page (self, "account");
  set_busy (self, FALSE);
}

/**
 * qtr_node_assistant_reset:
 *
 * Back to the first page, the fields empty: for a new start.
 */
void
qtr_node_assistant_reset (QtrNodeAssistant *self)
{
  g_return_if_fail (QTR_IS_NODE_ASSISTANT (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->credentials, qtr_credentials_free);
  g_clear_pointer (&self->stored, qtr_stored_account_free);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->display_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->domain_row), "");
  gtk_check_button_set_active (self->local_check, TRUE);
  clear_error (self);
  set_busy (self, FALSE);
  set_page (self, "account");
}

/**
 * qtr_node_assistant_set_host:
 * @host: (nullable): where to create the node; %NULL for the app's (qtr_node_host_get_default())
 */
void
qtr_node_assistant_set_host (QtrNodeAssistant *self,
                             QtrNodeHost      *host)
{
  g_return_if_fail (QTR_IS_NODE_ASSISTANT (self));
  g_set_object (&self->host, host);
}

/**
 * qtr_node_assistant_get_page:
 *
 * Returns: the page shown: "account", "address" or "creating"
 */
const char *
qtr_node_assistant_get_page (QtrNodeAssistant *self)
{
  return self->page;
}

/**
 * qtr_node_assistant_get_error:
 *
 * Returns: (nullable): the error shown
 */
const char *
qtr_node_assistant_get_error (QtrNodeAssistant *self)
{
  return self->error;
}

gboolean
qtr_node_assistant_get_busy (QtrNodeAssistant *self)
{
  return self->busy;
}
