/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-window.h"

#include <glib/gi18n.h>

#include "qtr-account-store.h"
#include "qtr-account-watcher.h"
#include "qtr-api-client.h"
#include "qtr-cache.h"
#include "qtr-compose-window.h"
#include "qtr-drafts.h"
#include "qtr-feeds.h"
#include "qtr-filters-dialog.h"
#include "qtr-interactions.h"
#include "qtr-lists-dialog.h"
#include "qtr-login-page.h"
#include "qtr-main-view.h"
#include "qtr-node-assistant.h"
#include "qtr-node-host.h"
#include "qtr-notification-list.h"
#include "qtr-notifier.h"
#include "qtr-open-uri.h"
#include "qtr-preferences-window.h"
#include "qtr-profile-dialog.h"
#include "qtr-profile-page.h"
#include "qtr-search.h"
#include "qtr-server-info.h"
#include "qtr-status.h"
#include "qtr-streaming-client.h"
#include "qtr-thread-view.h"

/* QtrWindow: the welcome page, the login page, or the main view of the active account.
 *
 * At start the saved active account opens the main view directly; without one the welcome
 * page offers to log in. The window owns the account store and does what the pages ask of it:
 * switch account, log out (the token revoked, the secret removed).
 *
 * An open account is a session: its API client, its cache.db, one streaming client and the
 * timelines of the sidebar (Home, Notifications, Mentions, Local, Federated, Bookmarks,
 * Favourites, then one per list and per followed hashtag, under their own headings), and the
 * Search section's QtrSearch. Each timeline shows what the cache kept at once, then asks the
 * server for what is newer; the streaming client (or polling, where the server has no
 * streaming) keeps them up to date. While the server cannot be reached a banner says so, and
 * goes away once it answers again; a server that answers with an error gets a banner with a
 * "Retry" button. Switching account or logging out ends the session (every request cancelled,
 * the stream closed) and starts the next one.
 *
 * The timelines are built from the cache at once (offline first) and given what the server can
 * do once discovery finishes; their reading positions are saved at once when the window
 * closes. In an application, the notifications of the open account (and, through a
 * QtrAccountWatcher, of the others) become desktop notifications while the window is not in
 * front; with "Run in the background" on, closing the window hides it and the session goes
 * on. */

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
  QtrDrafts          *drafts;       /* nullable: posts being written, kept until sent */
  QtrServerInfo      *server_info;  /* nullable: until (or unless) discovery succeeds */
  QtrStreamingClient *streaming;    /* once the timelines and discovery are there */
  GPtrArray          *timelines;    /* QtrTimeline, in timeline_sections order; or NULL */
  gboolean            discovered;   /* discovery finished, well or not */
  QtrSearch          *search;       /* the Search section's */
  GPtrArray          *feeds;        /* QtrTimeline of the lists and followed hashtags */
} Session;

struct _QtrWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  QtrAccountStore      *store;
  Session              *session;  /* of the open account, or NULL */
  char                 *pending_section;  /* to show once the session's timelines exist */
  QtrAccountWatcher    *watcher;          /* the other accounts' notifications, in an app */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwStatusPage        *welcome_page;
  QtrLoginPage         *login_page;
  QtrMainView          *main_view;
  QtrNodeAssistant     *node_assistant;
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
  g_clear_pointer (&session->feeds, g_ptr_array_unref);
  g_clear_object (&session->search);
  g_clear_object (&session->server_info);
  g_clear_object (&session->cache);
  g_clear_object (&session->drafts);
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
  if (session->search != NULL)
    qtr_search_clear (session->search);
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
  qtr_main_view_set_search (self->main_view, NULL);
  qtr_main_view_clear_feeds (self->main_view, QTR_MAIN_VIEW_FEED_LIST);
  qtr_main_view_clear_feeds (self->main_view, QTR_MAIN_VIEW_FEED_TAG);
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
  for (guint i = 0; session->feeds != NULL && i < session->feeds->len; i++)
    qtr_streaming_client_add_timeline (session->streaming, session->feeds->pdata[i]);
  qtr_streaming_client_start (session->streaming);
}

/* The lists and followed hashtags: one sidebar entry each, under their headings (none where
 * the server has no such endpoint, or the user none). */
static void
feeds_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Session) session = user_data;
  g_autoptr(GPtrArray) feeds = NULL;
  g_autoptr(GError) error = NULL;

  feeds = qtr_feeds_load_finish (result, &error);
  if (!session_is_live (session))
    return;
  if (feeds == NULL)
    {
      g_debug ("The lists or followed hashtags did not load: %s", error->message);
      return;
    }
  for (guint i = 0; i < feeds->len; i++)
    {
      QtrFeed *feed = feeds->pdata[i];
      gboolean list = feed->kind == QTR_TIMELINE_LIST;
      g_autofree char *section = g_strconcat (list ? "list:" : "tag:", feed->argument, NULL);
      g_autofree char *label = list ? g_strdup (feed->title) : g_strconcat ("#", feed->title, NULL);
      QtrTimeline *timeline;

      if (qtr_main_view_has_section (session->window->main_view, section))
        continue;
      timeline = qtr_timeline_new (session->client, session->server_info, session->cache,
                                   feed->kind, feed->argument);
      g_ptr_array_add (session->feeds, timeline);
      qtr_main_view_add_feed (session->window->main_view,
                              list ? QTR_MAIN_VIEW_FEED_LIST : QTR_MAIN_VIEW_FEED_TAG,
                              section, label, timeline);
      qtr_timeline_restore_async (timeline, session->cancellable, timeline_restored_cb,
                                  session_ref (session));
      if (session->streaming != NULL)
        qtr_streaming_client_add_timeline (session->streaming, timeline);
    }
}

static void
load_feeds (Session *session)
{
  session->feeds = g_ptr_array_new_with_free_func (g_object_unref);
  qtr_feeds_load_async (session->client, QTR_TIMELINE_LIST, session->cancellable,
                        feeds_loaded_cb, session_ref (session));
  qtr_feeds_load_async (session->client, QTR_TIMELINE_TAG, session->cancellable,
                        feeds_loaded_cb, session_ref (session));
}
/* The timelines are built from the cache at once, before discovery finishes: they learn what
 * the server can do when it does (and then ask for its reading positions). */
static void
give_server_info (Session *session)
{
  if (session->timelines == NULL || session->server_info == NULL)
    return;
  for (guint i = 0; i < session->timelines->len; i++)
    qtr_timeline_set_server_info (session->timelines->pdata[i], session->server_info);
  /* The lists and followed hashtags that loaded before discovery finished. */
  for (guint i = 0; session->feeds != NULL && i < session->feeds->len; i++)
    qtr_timeline_set_server_info (session->feeds->pdata[i], session->server_info);
}

static void session_timelines_built (Session *session);
static void watch_other_accounts    (QtrWindow  *self,
                                     const char *active);

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
  load_feeds (session);
  give_server_info (session);
  session_timelines_built (session);
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
  if (session->search != NULL)
    qtr_search_set_server_info (session->search, session->server_info);
  give_server_info (session);
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

/* The account's drafts; unsent ones (left by a crash, or closed unsent) are offered. */
static void
open_drafts (Session *session)
{
  const char *key = session->handle + (session->handle[0] == '@');
  g_autofree char *path = qtr_drafts_build_path (key);
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  session->drafts = qtr_drafts_open (path, &error);
  if (session->drafts == NULL)
    {
      g_debug ("%s", error->message);
      show_toast (session->window, _("Drafts cannot be kept: the drafts file could not be "
                                     "opened. Check that your home folder has space."));
      return;
    }
  drafts = qtr_drafts_list (session->drafts, NULL);
  if (drafts == NULL || drafts->len == 0)
    return;
  /* Translators: %u is how many posts were written and not sent */
  text = g_strdup_printf (ngettext ("%u unsent post", "%u unsent posts", drafts->len),
                          drafts->len);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Open"));
  adw_toast_set_action_name (toast, "win.show-drafts");
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (session->window->toast_overlay, toast);
}

static void
server_preferences_adopted_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!qtr_preferences_adopt_server_finish (result, &error))
    g_debug ("The server's preferences were not read: %s", error->message);
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
  session->search = qtr_search_new (session->client, NULL);
  qtr_main_view_set_search (session->window->main_view, session->search);
  {
    /* The user's own posts get Edit and Delete. */
    const QtrStoredAccount *stored = qtr_account_store_lookup (session->window->store,
                                                               session->handle);

    if (stored != NULL)
      qtr_interactions_set_account_id (qtr_interactions_get_for_client (session->client),
                                       stored->account_id);
  }
  discover (session);
  qtr_preferences_adopt_server_async (session->window->settings, session->client,
                                      session->cancellable, server_preferences_adopted_cb, NULL);
  open_drafts (session);
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
  watch_other_accounts (self, active);
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

/* Posts, profiles and hashtags open in the app, as pages pushed over the section shown. */
static QtrApiClient *
get_client (QtrWindow *self)
{
  return self->session != NULL ? self->session->client : NULL;
}

static const char *
get_own_id (QtrWindow *self)
{
  const QtrStoredAccount *account = self->session != NULL
                                    ? qtr_account_store_lookup (self->store,
                                                                self->session->handle)
                                    : NULL;

  return account != NULL ? account->account_id : NULL;
}

static void
main_view_status_activated_cb (QtrWindow *self,
                               QtrStatus *status)
{
  QtrStatus *shown = qtr_status_get_shown (status);

  if (get_client (self) == NULL)
    return;
  qtr_main_view_push_page (self->main_view,
                           qtr_thread_view_new (get_client (self), qtr_status_get_id (shown)),
                           _("Post"));
}

static void
main_view_mention_activated_cb (QtrWindow  *self,
                                const char *url)
{
  if (get_client (self) == NULL)
    return;
  qtr_main_view_push_page (self->main_view,
                           qtr_profile_page_new_for_url (get_client (self), url,
                                                         get_own_id (self)),
                           _("Profile"));
}

static void
main_view_profile_activated_cb (QtrWindow  *self,
                                QtrAccount *account)
{
  if (get_client (self) == NULL)
    return;
  qtr_main_view_push_page (self->main_view,
                           qtr_profile_page_new_for_account (get_client (self), account,
                                                             get_own_id (self)),
                           qtr_account_get_name (account));
}

static void
cancel_and_unref (GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
  g_object_unref (cancellable);
}

static void
main_view_hashtag_activated_cb (QtrWindow  *self,
                                const char *name)
{
  g_autoptr(QtrTimeline) timeline = NULL;
  g_autofree char *title = NULL;
  GCancellable *cancellable;
  GtkWidget *view;

  if (get_client (self) == NULL)
    return;
  timeline = qtr_timeline_new (get_client (self), self->session->server_info, NULL,
                               QTR_TIMELINE_TAG, name);
  view = qtr_timeline_view_new ();
  qtr_timeline_view_set_model (QTR_TIMELINE_VIEW (view), timeline);
  /* Its first page stops when the page goes. */
  cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (view), "qtr-cancellable", cancellable,
                          (GDestroyNotify) cancel_and_unref);
  qtr_timeline_load_newer_async (timeline, cancellable, newer_loaded_cb, NULL);
  title = g_strconcat ("#", name, NULL);
  qtr_main_view_push_page (self->main_view, view, title);
}

/* win.open-status('ID'), win.open-profile('HANDLE-OR-URL'), win.open-hashtag('TAG'): the same
 * pages, for app actions, notifications and shortcuts. */
static void
open_page_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  QtrWindow *self = QTR_WINDOW (widget);
  const char *argument = g_variant_get_string (parameter, NULL);

  if (get_client (self) == NULL || *argument == '\0')
    return;
  gtk_stack_set_visible_child_name (self->main_stack, "main");
  if (g_str_equal (action_name, "win.open-status"))
    qtr_main_view_push_page (self->main_view, qtr_thread_view_new (get_client (self), argument),
                             _("Post"));
  else if (g_str_equal (action_name, "win.open-hashtag"))
    main_view_hashtag_activated_cb (self, argument[0] == '#' ? argument + 1 : argument);
  else if (g_str_has_prefix (argument, "https://") || g_str_has_prefix (argument, "http://"))
    main_view_mention_activated_cb (self, argument);
  else
    qtr_main_view_push_page (self->main_view,
                             qtr_profile_page_new_for_acct (get_client (self), argument,
                                                            get_own_id (self)),
                             argument);
}

/* "Retry" on the banner, and F5: every timeline asks the server again. */
static void
refresh_timelines (QtrWindow *self)
{
  if (self->session == NULL || self->session->timelines == NULL)
    return;
  for (guint i = 0; i < self->session->timelines->len; i++)
    load_newer (self->session, self->session->timelines->pdata[i]);
}

static void
main_view_banner_activated_cb (QtrWindow *self)
{
  refresh_timelines (self);
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

/* "Start my own node" (qtr-node-assistant.c), and what the app's node says about itself. */
static void
start_node_activated_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  QtrWindow *self = QTR_WINDOW (widget);

  if (qtr_node_host_is_set_up (qtr_node_host_get_default ()))
    {
      show_toast (self, _("Your node is set up already: its settings are in Node "
                          "Preferences."));
      return;
    }
  qtr_node_assistant_reset (self->node_assistant);
  gtk_stack_set_visible_child_name (self->main_stack, "node-assistant");
}

static void
node_host_state_changed_cb (QtrNodeHost *host,
                            GParamSpec  *pspec,
                            QtrWindow   *self)
{
  QtrNodeHostState state = qtr_node_host_get_state (host);
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (state != QTR_NODE_HOST_FAILED && state != QTR_NODE_HOST_EXTERNAL)
    return;
  text = qtr_node_host_describe (host);
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _("_Preferences"));
  adw_toast_set_action_name (toast, "app.node-preferences");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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

/* Desktop life: notifications of the open account, sections by number, running on in the
 * background. */

static QtrNotifier *
get_notifier (QtrWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  return QTR_IS_APPLICATION (application)
           ? qtr_application_get_notifier (QTR_APPLICATION (application)) : NULL;
}

/* The notifications were seen (their section shows in the active window): their desktop
 * notifications go. */
static void
maybe_withdraw_notifications (QtrWindow *self)
{
  QtrTimelineView *view = qtr_main_view_get_timeline (self->main_view, "notifications");
  QtrNotifier *notifier = get_notifier (self);

  if (self->session != NULL && notifier != NULL && view != NULL &&
      gtk_window_is_active (GTK_WINDOW (self)) && gtk_widget_get_mapped (GTK_WIDGET (view)))
    qtr_notifier_withdraw (notifier, self->session->handle);
}

static void
is_active_changed_cb (QtrWindow *self)
{
  maybe_withdraw_notifications (self);
}

static void
notifications_view_mapped_cb (QtrWindow *self)
{
  maybe_withdraw_notifications (self);
}

/* The session's sections have their pages: the notifier watches its notifications, and a
 * section asked for meanwhile (app.show-notifications) shows. */
static void
session_timelines_built (Session *session)
{
  QtrWindow *self = session->window;
  QtrNotifier *notifier = get_notifier (self);
  QtrTimelineView *view = qtr_main_view_get_timeline (self->main_view, "notifications");

  for (guint i = 0; i < G_N_ELEMENTS (timeline_sections); i++)
    {
      if (notifier != NULL && g_str_equal (timeline_sections[i].section, "notifications"))
        qtr_notifier_watch (notifier, session->handle, session->timelines->pdata[i]);
    }
  if (view != NULL)
    g_signal_connect_object (view, "map", G_CALLBACK (notifications_view_mapped_cb), self,
                             G_CONNECT_SWAPPED);
  if (self->pending_section != NULL)
    {
      qtr_main_view_select_section (self->main_view, self->pending_section);
      g_clear_pointer (&self->pending_section, g_free);
    }
}

static void
refresh_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  refresh_timelines (QTR_WINDOW (widget));
}

static void
select_section_number_activated_cb (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  QtrWindow *self = QTR_WINDOW (widget);

  if (g_strcmp0 (qtr_window_get_page (self), "main") == 0)
    qtr_main_view_select_nth_section (self->main_view, g_variant_get_uint32 (parameter));
}

/* The accounts not open in the window have their notifications watched too. */
static void
watch_other_accounts (QtrWindow  *self,
                      const char *active)
{
  QtrNotifier *notifier = get_notifier (self);

  if (self->watcher == NULL && notifier != NULL)
    self->watcher = qtr_account_watcher_new (self->store, notifier);
  if (self->watcher != NULL)
    qtr_account_watcher_update (self->watcher, active);
}

static void
application_changed_cb (QtrWindow *self)
{
  if (self->store != NULL)
    watch_other_accounts (self, qtr_account_store_get_active (self->store));
}

/* With "Run in the background" on, closing the window hides it: the session (its stream, its
 * notifications) and the app go on, and activating the app shows it again. */
static gboolean
hide_to_background (QtrWindow *self)
{
  if (gtk_window_get_application (GTK_WINDOW (self)) == NULL ||
      !g_settings_get_boolean (self->settings, "run-in-background"))
    return FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  return TRUE;
}

static void
position_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GApplication) application = user_data;
  g_autoptr(GError) error = NULL;

  if (!qtr_timeline_save_read_position_finish (QTR_TIMELINE (source), result, &error))
    g_debug ("%s", error->message);
  if (application != NULL)
    g_application_release (application);
}

/* The reading positions are saved at once when the window closes, not after the save delay;
 * the application waits for them before it quits. */
static void
save_reading_positions (QtrWindow *self)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (self->session == NULL || self->session->timelines == NULL)
    return;
  for (guint i = 0; i < self->session->timelines->len; i++)
    {
      QtrTimeline *timeline = self->session->timelines->pdata[i];

      if (qtr_timeline_get_read_position (timeline) == NULL)
        continue;
      if (application != NULL)
        g_application_hold (application);
      qtr_timeline_save_read_position_async (timeline, NULL, position_saved_cb,
                                             application ? g_object_ref (application) : NULL);
    }
}

static void
show_drafts_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  qtr_compose_window_show_drafts (GTK_WINDOW (widget));
}

/* A post's bar asks for a compose window (win.reply-to-status, win.edit-status,
 * win.redraft-status, with the post's id): the post is the one the session's interactions
 * know. */
static QtrStatus *
lookup_session_status (QtrWindow *self,
                       GVariant  *parameter)
{
  if (self->session == NULL || self->session->client == NULL)
    return NULL;
  return qtr_interactions_lookup_status (qtr_interactions_get_for_client (self->session->client),
                                         g_variant_get_string (parameter, NULL));
}

static void
redraft_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     QtrWindow        *self)
{
  QtrStatus *status = g_object_get_data (G_OBJECT (dialog), "qtr-status");

  if (g_str_equal (response, "redraft") && status != NULL)
    qtr_compose_window_new_redraft (GTK_WINDOW (self), status);
}

static void
compose_for_status_activated_cb (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  QtrWindow *self = QTR_WINDOW (widget);
  QtrStatus *status = lookup_session_status (self, parameter);
  GtkWidget *dialog;

  if (status == NULL)
    return;
  if (g_str_equal (action_name, "win.reply-to-status"))
    {
      qtr_compose_window_new_reply (GTK_WINDOW (self), status);
      return;
    }
  if (g_str_equal (action_name, "win.edit-status"))
    {
      qtr_compose_window_new_edit (GTK_WINDOW (self), status);
      return;
    }
  /* Delete and redraft: the post goes first, with its boosts and favourites. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Delete and Redraft?"),
                                   _("The post is deleted here and on the servers it went to, "
                                     "with its boosts, favourites and replies; its text and "
                                     "media open in a new post."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "redraft", _("Delete and _Redraft"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "redraft",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "qtr-status", g_object_ref (status),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (redraft_response_cb), self, 0);
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
  save_reading_positions (QTR_WINDOW (window));
  if (hide_to_background (QTR_WINDOW (window)))
    return GDK_EVENT_STOP;
  return GTK_WINDOW_CLASS (qtr_window_parent_class)->close_request (window);
}

static void
qtr_window_dispose (GObject *object)
{
  QtrWindow *self = QTR_WINDOW (object);

  g_clear_pointer (&self->session, session_stop);
  g_clear_object (&self->watcher);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_pointer (&self->pending_section, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, QtrWindow, node_assistant);
  gtk_widget_class_bind_template_callback (widget_class, login_page_logged_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, login_page_cancelled_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_account_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_status_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_mention_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_hashtag_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_profile_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, main_view_banner_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL,
                                   add_account_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.log-out", NULL, log_out_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.open-status", "s", open_page_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.open-profile", "s",
                                   open_page_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.open-hashtag", "s",
                                   open_page_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.start-node", NULL,
                                   start_node_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.select-section-number", "u",
                                   select_section_number_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.show-drafts", NULL,
                                   show_drafts_activated_cb);
  /* `n` writes a post, where no text field takes the key first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, 0, "app.compose", NULL);
  gtk_widget_class_install_action (widget_class, "win.reply-to-status", "s",
                                   compose_for_status_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.edit-status", "s",
                                   compose_for_status_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.redraft-status", "s",
                                   compose_for_status_activated_cb);
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
  g_type_ensure (QTR_TYPE_NODE_ASSISTANT);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (qtr_node_host_get_default (), "notify::state",
                           G_CALLBACK (node_host_state_changed_cb), self, 0);
  node_host_state_changed_cb (qtr_node_host_get_default (), NULL, self);

  self->settings = g_settings_new (APP_ID);
  restore_window_state (self);

  self->store = qtr_account_store_new (NULL, &error);
  if (self->store == NULL)
    {
      show_toast (self, describe_store_error (error));
      g_debug ("%s", error->message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-account", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.log-out", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-node", FALSE);
      return;
    }
  g_object_set (self->login_page, "account-store", self->store, NULL);
  g_object_set (self->node_assistant, "account-store", self->store, NULL);
  show_accounts (self);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (is_active_changed_cb), NULL);
  /* The application (and its notifier) is set after init. */
  g_signal_connect (self, "notify::application", G_CALLBACK (application_changed_cb), NULL);
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
 * Returns: the page shown: "welcome", "login", "node-assistant" or "main"
 */
const char *
qtr_window_get_page (QtrWindow *self)
{
  g_return_val_if_fail (QTR_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->main_stack);
}

/**
 * qtr_window_get_node_assistant:
 *
 * Returns: (transfer none): the "Start my own node" assistant
 */
QtrNodeAssistant *
qtr_window_get_node_assistant (QtrWindow *self)
{
  g_return_val_if_fail (QTR_IS_WINDOW (self), NULL);

  return self->node_assistant;
}

QtrWindow *
qtr_window_new (QtrApplication *application)
{
  return g_object_new (QTR_TYPE_WINDOW, "application", application, NULL);
}

/**
 * qtr_window_show_notifications:
 * @handle: (nullable): the account whose notifications to show; %NULL for the open one
 *
 * Opens @handle's account if another one is open, and shows its notifications (at once, or
 * as soon as its sections are there).
 */
void
qtr_window_show_notifications (QtrWindow  *self,
                               const char *handle)
{
  g_return_if_fail (QTR_IS_WINDOW (self));

  if (handle != NULL && self->store != NULL &&
      qtr_account_store_lookup (self->store, handle) != NULL &&
      g_strcmp0 (handle, qtr_account_store_get_active (self->store)) != 0)
    {
      g_free (self->pending_section);
      self->pending_section = g_strdup ("notifications");
      main_view_account_activated_cb (self, handle);
      return;
    }
  if (qtr_main_view_get_timeline (self->main_view, "notifications") != NULL)
    qtr_main_view_select_section (self->main_view, "notifications");
  else
    {
      g_free (self->pending_section);
      self->pending_section = g_strdup ("notifications");
    }
}

/**
 * qtr_window_get_api_client:
 *
 * Returns: (transfer none) (nullable): the API client of the open account, once its sign-in
 *   was read from the keyring
 */
QtrApiClient *
qtr_window_get_api_client (QtrWindow *self)
{
  g_return_val_if_fail (QTR_IS_WINDOW (self), NULL);

  return self->session != NULL ? self->session->client : NULL;
}

/**
 * qtr_window_get_server_info:
 *
 * Returns: (transfer none) (nullable): what the open account's server can do, once known
 */
QtrServerInfo *
qtr_window_get_server_info (QtrWindow *self)
{
  g_return_val_if_fail (QTR_IS_WINDOW (self), NULL);

  return self->session != NULL ? self->session->server_info : NULL;
}

/**
 * qtr_window_get_drafts:
 *
 * Returns: (transfer none) (nullable): the open account's drafts
 */
QtrDrafts *
qtr_window_get_drafts (QtrWindow *self)
{
  g_return_val_if_fail (QTR_IS_WINDOW (self), NULL);

  return self->session != NULL ? self->session->drafts : NULL;
}

/**
 * qtr_window_get_account_id:
 *
 * Returns: (nullable): the open account's id on its server
 */
const char *
qtr_window_get_account_id (QtrWindow *self)
{
  const QtrStoredAccount *account;

  g_return_val_if_fail (QTR_IS_WINDOW (self), NULL);

  if (self->session == NULL || self->store == NULL)
    return NULL;
  account = qtr_account_store_lookup (self->store, self->session->handle);
  return account != NULL ? account->account_id : NULL;
}
