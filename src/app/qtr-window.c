/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-window.h"

#include <glib/gi18n.h>

#include "qtr-account-store.h"
#include "qtr-api-client.h"
#include "qtr-cache.h"
#include "qtr-filters-dialog.h"
#include "qtr-interactions.h"
#include "qtr-lists-dialog.h"
#include "qtr-login-page.h"
#include "qtr-main-view.h"
#include "qtr-notification-list.h"
#include "qtr-open-uri.h"
#include "qtr-profile-dialog.h"
#include "qtr-server-info.h"
#include "qtr-status.h"
#include "qtr-streaming-client.h"

/* QtrWindow: the welcome page, the login page, or the main view of the active account.
 *
 * At start the saved active account opens the main view directly; without one the welcome
 * page offers to log in. The window owns the account store and does what the pages ask of it:
 * switch account, log out (the token revoked, the secret removed).
 *
 * An open account is a session: its API client, its cache.db, one streaming client and the
 * timelines of the sidebar (Home, Notifications, Mentions, Local, Federated, Bookmarks,
 * Favourites). Each timeline shows what the cache kept at once, then asks the server for what
 * is newer; the streaming client (or polling, where the server has no streaming) keeps them up
 * to date. While the server cannot be reached a banner says so, and goes away once it answers
 * again; a server that answers with an error gets a banner with a "Retry" button. Switching
 * account or logging out ends the session (every request cancelled, the stream closed) and
 * starts the next one. */

/* The sidebar's sections with a timeline, as the window builds them. */
static const struct {
  const char      *section;
  QtrTimelineKind  kind;
  const char      *notification_type;  /* for a notification list of one type */
} timeline_sections[] = {
  { "home", QTR_TIMELINE_HOME, NULL },
  { "notifications", QTR_TIMELINE_NOTIFICATIONS, NULL },
  { "mentions", QTR_TIMELINE_NOTIFICATIONS, "mention" },
  { "local", QTR_TIMELINE_LOCAL, NULL },
  { "federated", QTR_TIMELINE_FEDERATED, NULL },
  { "bookmarks", QTR_TIMELINE_BOOKMARKS, NULL },
  { "favourites", QTR_TIMELINE_FAVOURITES, NULL },
};

typedef struct {
  QtrWindow          *window;       /* unowned: the window ends its session before it goes */
  char               *handle;
  GCancellable       *cancellable;  /* of every request of the session */
  QtrApiClient       *client;
  QtrCache           *cache;        /* nullable: without one, nothing is kept */
  QtrServerInfo      *server_info;  /* nullable: until (or unless) discovery succeeds */
  QtrStreamingClient *streaming;    /* once the timelines and discovery are there */
  GPtrArray          *timelines;    /* QtrTimeline, in timeline_sections order; or NULL */
  gboolean            discovered;   /* discovery finished, well or not */
} Session;

struct _QtrWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  QtrAccountStore      *store;
  Session              *session;  /* of the open account, or NULL */

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
session_clear (Session *session)
{
  g_clear_object (&session->streaming);
  g_clear_pointer (&session->timelines, g_ptr_array_unref);
  g_clear_object (&session->server_info);
  g_clear_object (&session->cache);
  g_clear_object (&session->client);
  g_clear_object (&session->cancellable);
  g_free (session->handle);
}

static Session *
session_ref (Session *session)
{
  return g_rc_box_acquire (session);
}

static void
session_unref (Session *session)
{
  g_rc_box_release_full (session, (GDestroyNotify) session_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Session, session_unref)

/* Stops everything the session does; what is still on its way finds it cancelled. */
static void
session_stop (Session *session)
{
  g_cancellable_cancel (session->cancellable);
  session->window = NULL;
  if (session->streaming != NULL)
    qtr_streaming_client_stop (session->streaming);
  if (session->timelines != NULL)
    for (guint i = 0; i < session->timelines->len; i++)
      g_signal_handlers_disconnect_by_data (session->timelines->pdata[i], session);
  session_unref (session);
}

/* Whether a callback of @session should do anything: not once the session ended. */
static gboolean
session_is_live (Session *session)
{
  return !g_cancellable_is_cancelled (session->cancellable);
}

/* Ends the open account's session: its pages go, its requests and its stream stop. */
static void
end_session (QtrWindow *self)
{
  if (self->session == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (timeline_sections); i++)
    qtr_main_view_set_timeline (self->main_view, timeline_sections[i].section, NULL);
  qtr_main_view_show_banner (self->main_view, NULL, FALSE);
  g_clear_pointer (&self->session, session_stop);
}

/* The banner: offline while the server cannot be reached, an error (with "Retry") while it
 * answers with one; nothing once every timeline that asked it got an answer. */
static void
update_banner (Session *session)
{
  QtrMainView *view = session->window->main_view;
  const GError *failure = NULL;
  gboolean offline = FALSE;

  for (guint i = 0; i < session->timelines->len; i++)
    {
      QtrTimeline *timeline = session->timelines->pdata[i];

      switch (qtr_timeline_get_state (timeline))
        {
        case QTR_TIMELINE_STATE_OFFLINE:
          offline = TRUE;
          break;
        case QTR_TIMELINE_STATE_FAILED:
          if (failure == NULL)
            failure = qtr_timeline_get_error (timeline);
          break;
        case QTR_TIMELINE_STATE_INITIAL:
        case QTR_TIMELINE_STATE_ONLINE:
        default:
          break;
        }
    }
  if (offline)
    qtr_main_view_show_banner (view, _("Offline: the server cannot be reached. Posts shown "
                                       "are the ones saved on this computer."), TRUE);
  else if (failure != NULL)
    {
      /* Translators: %s is the server's error, such as "The access token is invalid" */
      g_autofree char *text = g_strdup_printf (_("Could not load posts: %s"),
                                               failure->message);

      qtr_main_view_show_banner (view, text, TRUE);
    }
  else
    qtr_main_view_show_banner (view, NULL, FALSE);
}

static void discover (Session *session);

static void
timeline_state_changed_cb (QtrTimeline *timeline,
                           GParamSpec  *pspec,
                           Session     *session)
{
  update_banner (session);
  /* Started offline: now that the server answers, find out whether it streams. */
  if (qtr_timeline_get_state (timeline) == QTR_TIMELINE_STATE_ONLINE &&
      session->discovered && session->server_info == NULL)
    discover (session);
}

static void
newer_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (qtr_timeline_load_finish (QTR_TIMELINE (source), result, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("%s did not load: %s", qtr_timeline_get_key (QTR_TIMELINE (source)),
             error->message);
}

static void
load_newer (Session     *session,
            QtrTimeline *timeline)
{
  qtr_timeline_load_newer_async (timeline, session->cancellable, newer_loaded_cb, NULL);
}

static void
timeline_restored_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Session) session = user_data;
  g_autoptr(GError) error = NULL;

  if (!qtr_timeline_restore_finish (QTR_TIMELINE (source), result, &error) &&
      session_is_live (session))
    g_debug ("%s was not restored from the cache: %s",
               qtr_timeline_get_key (QTR_TIMELINE (source)), error->message);
  if (session_is_live (session))
    load_newer (session, QTR_TIMELINE (source));
}

/* Once the timelines exist and discovery said whether the server streams: the stream (or
 * polling), for every timeline at once. */
static void
maybe_start_streaming (Session *session)
{
  if (session->timelines == NULL || !session->discovered || session->streaming != NULL)
    return;
  session->streaming = qtr_streaming_client_new (session->client, session->server_info);
  for (guint i = 0; i < session->timelines->len; i++)
    qtr_streaming_client_add_timeline (session->streaming, session->timelines->pdata[i]);
  qtr_streaming_client_start (session->streaming);
}

static void
build_timelines (Session *session)
{
  QtrWindow *self = session->window;

  session->timelines = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (timeline_sections); i++)
    {
      QtrTimeline *timeline;

      if (timeline_sections[i].kind == QTR_TIMELINE_NOTIFICATIONS)
        {
          const char *types[] = { timeline_sections[i].notification_type, NULL };

          timeline = QTR_TIMELINE (qtr_notification_list_new (session->client,
                                                              session->server_info,
                                                              session->cache,
                                                              types[0] != NULL ? types : NULL));
        }
      else
        timeline = qtr_timeline_new (session->client, session->server_info, session->cache,
                                     timeline_sections[i].kind, NULL);
      g_ptr_array_add (session->timelines, timeline);
      g_signal_connect (timeline, "notify::state", G_CALLBACK (timeline_state_changed_cb),
                        session);
      qtr_main_view_set_timeline (self->main_view, timeline_sections[i].section, timeline);
      qtr_timeline_restore_async (timeline, session->cancellable, timeline_restored_cb,
                                  session_ref (session));
    }
  maybe_start_streaming (session);
}

static void
cache_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Session) session = user_data;
  g_autoptr(QtrCache) cache = NULL;
  g_autoptr(GError) error = NULL;

  cache = qtr_cache_open_finish (result, &error);
  if (!session_is_live (session))
    return;
  session->cache = g_steal_pointer (&cache);
  if (session->cache == NULL)
    {
      /* Not fatal: the timelines work without it, but nothing is kept for the next start. */
      g_debug ("%s", error->message);
      show_toast (session->window, _("Posts cannot be saved on this computer: the cache could "
                                     "not be opened. Check that your home folder has space."));
    }
  build_timelines (session);
}

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Session) session = user_data;
  g_autoptr(QtrServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = qtr_server_info_discover_finish (result, &error);
  if (!session_is_live (session))
    return;
  session->server_info = g_steal_pointer (&info);
  if (session->server_info == NULL)
    g_debug ("What the server can do is unknown (%s): its timelines are polled",
             error->message);
  session->discovered = TRUE;
  /* A stream that polled because discovery had failed gives way to one that knows. */
  if (session->streaming != NULL && session->server_info != NULL)
    {
      qtr_streaming_client_stop (session->streaming);
      g_clear_object (&session->streaming);
    }
  maybe_start_streaming (session);
}

static void
discover (Session *session)
{
  session->discovered = FALSE;
  qtr_server_info_discover_async (session->client, session->cancellable, discovered_cb,
                                  session_ref (session));
}

static void
credentials_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_path = NULL;
  g_autoptr(Session) session = user_data;

  credentials = qtr_account_store_load_credentials_finish (QTR_ACCOUNT_STORE (source), result,
                                                           &error);
  if (!session_is_live (session))
    return;
  if (credentials != NULL)
    session->client = qtr_api_client_new (credentials->server, credentials->access_token,
                                          &error);
  if (session->client == NULL)
    {
      qtr_main_view_show_status (session->window->main_view, _("Could Not Open the Account"),
                                 describe_store_error (error));
      return;
    }
  {
    /* The user's own posts get Edit and Delete. */
    const QtrStoredAccount *stored = qtr_account_store_lookup (session->window->store,
                                                               session->handle);

    if (stored != NULL)
      qtr_interactions_set_account_id (qtr_interactions_get_for_client (session->client),
                                       stored->account_id);
  }
  discover (session);
  cache_path = qtr_cache_build_path (session->handle + (session->handle[0] == '@'));
  qtr_cache_open_async (cache_path, session->cancellable, cache_opened_cb,
                        session_ref (session));
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
      end_session (self);
      gtk_stack_set_visible_child_name (self->main_stack, "welcome");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.log-out", FALSE);
      return;
    }

  qtr_main_view_set_accounts (self->main_view, accounts, active);
  if (self->session != NULL && g_str_equal (self->session->handle, active))
    {
      gtk_stack_set_visible_child_name (self->main_stack, "main");
      return;
    }
  end_session (self);
  self->session = g_rc_box_new0 (Session);
  self->session->window = self;
  self->session->handle = g_strdup (active);
  self->session->cancellable = g_cancellable_new ();
  qtr_main_view_show_status (self->main_view, _("Loading…"), NULL);
  gtk_stack_set_visible_child_name (self->main_stack, "main");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.log-out", TRUE);
  qtr_account_store_load_credentials_async (self->store, active, self->session->cancellable,
                                            credentials_loaded_cb, session_ref (self->session));
}

static void
login_page_logged_in_cb (QtrWindow  *self,
                         const char *handle)
{
  /* Logged in again to the open account: its session starts over with the new token. */
  if (self->session != NULL && g_str_equal (self->session->handle, handle))
    end_session (self);
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

/* "Retry" on the banner: every timeline asks the server again. */
static void
main_view_banner_activated_cb (QtrWindow *self)
{
  if (self->session == NULL || self->session->timelines == NULL)
    return;
  for (guint i = 0; i < self->session->timelines->len; i++)
    load_newer (self->session, self->session->timelines->pdata[i]);
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

/* The open account's own dialogs: its profile, lists and filters. */
static void
account_dialog_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  QtrWindow *self = QTR_WINDOW (widget);
  QtrInteractions *interactions;
  GtkWidget *dialog;

  if (self->session == NULL || self->session->client == NULL)
    return;
  interactions = qtr_interactions_get_for_client (self->session->client);
  if (g_str_equal (action_name, "win.edit-profile"))
    dialog = qtr_profile_dialog_new (GTK_WINDOW (self), interactions);
  else if (g_str_equal (action_name, "win.lists"))
    dialog = qtr_lists_dialog_new (GTK_WINDOW (self), interactions);
  else
    dialog = qtr_filters_dialog_new (GTK_WINDOW (self), interactions);
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

  g_clear_pointer (&self->session, session_stop);
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
  gtk_widget_class_bind_template_callback (widget_class, main_view_banner_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL,
                                   add_account_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.log-out", NULL, log_out_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.edit-profile", NULL,
                                   account_dialog_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.lists", NULL, account_dialog_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.filters", NULL,
                                   account_dialog_activated_cb);
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
