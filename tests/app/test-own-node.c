/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#define QTR_TEST_NODE_PUBLIC_ONLY
#include "node-test-util.h"
#include "qtr-account-store.h"
#include "qtr-api-client.h"
#include "qtr-app-test.h"
#include "qtr-main-view.h"
#include "qtr-node-assistant.h"
#include "qtr-node-config.h"
#include "qtr-node-host.h"
#include "qtr-node-preferences.h"
#include "qtr-test-peer.h"
#include "qtr-timeline-view.h"
#include "qtr-window.h"

/* "Start my own node", as a user does it in a real window under Xvfb: the assistant creates
 * the node in the app's data folder, the node runs on its own thread and answers over HTTP,
 * and the window is logged in to it. A second real node (on the test's thread) follows the new
 * account and receives what the app's user posts through the node's client API. The node's
 * preferences save follower approval and blocked domains in node.conf, and show a follower's
 * host that cannot be reached, whose deliveries "Retry now" attempts again. Then the app
 * "restarts": the node stops cleanly and starts again from the settings. */

#define USERNAME "ada"
#define PASSWORD "correct horse battery"

typedef struct {
  char        *data_dir;
  char        *base;
  guint        port;
} OwnNode;

/* Helpers */

static void
type_into (GtkWidget  *root,
           const char *title,
           const char *text)
{
  GtkWidget *row = qtr_app_test_find_row (root, ADW_TYPE_ENTRY_ROW, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static gboolean
window_at_main (gpointer window)
{
  return g_strcmp0 (qtr_window_get_page (window), "main") == 0;
}

static gboolean
assistant_settled (gpointer assistant)
{
  return !qtr_node_assistant_get_busy (assistant) ||
         qtr_node_assistant_get_error (assistant) != NULL;
}

static gboolean
host_running (gpointer host)
{
  return qtr_node_host_get_state (host) == QTR_NODE_HOST_RUNNING;
}

static gboolean
host_settled (gpointer host)
{
  return qtr_node_host_get_state (host) != QTR_NODE_HOST_STARTING;
}

static gboolean
preferences_idle (gpointer page)
{
  return !qtr_node_preferences_get_busy (page);
}

/* A number from the app's node.db, read through a connection of the test's own. */
static gint64
query_own_node (OwnNode    *own,
                const char *sql)
{
  return qtr_test_query_node_db (own->data_dir, sql);
}

static QtrNodeConfig *
load_node_conf (OwnNode *own)
{
  g_autofree char *path = g_build_filename (own->data_dir, "node.conf", NULL);
  g_autoptr(GError) error = NULL;
  QtrNodeConfig *config = qtr_node_config_load (path, &error);

  g_assert_no_error (error);
  return config;
}

/* Posts as the app's account, with the token the assistant put in the keyring. */
static void
post_as_app (const char *handle,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrAccountStore) store = qtr_account_store_new (NULL, &error);
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *form[] = { "status", text, "visibility", "public", NULL };

  g_assert_no_error (error);
  qtr_account_store_load_credentials_async (store, handle, NULL, qtr_test_got_result_cb,
                                            &result);
  credentials = qtr_account_store_load_credentials_finish (store, qtr_test_wait_result (&result),
                                                           &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  client = qtr_api_client_new (credentials->server, credentials->access_token, &error);
  g_assert_no_error (error);
  qtr_api_client_post_form_async (client, "/api/v1/statuses", form, NULL,
                                  qtr_test_got_result_cb, &result);
  response = qtr_api_client_request_finish (client, qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
}

typedef struct {
  QtrMainView *view;
  const char  *text;
} HomeWait;

static gboolean
home_shows_post (gpointer data)
{
  HomeWait *wait = data;
  QtrTimelineView *home = qtr_main_view_get_timeline (wait->view, "home");

  if (home == NULL)
    return FALSE;
  /* Shown as a row, or waiting above the rows read (the list was not at its top). */
  return qtr_app_test_find_label (GTK_WIDGET (home), wait->text) != NULL ||
         qtr_timeline_view_get_n_pending (home) > 0;
}

typedef struct {
  QtrTestPeer *peer;
  const char  *text;
} PostWait;

static gboolean
peer_has_post (gpointer data)
{
  PostWait *wait = data;
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM statuses WHERE content LIKE "
                                          "'%%%s%%'", wait->text);

  return qtr_test_peer_count (wait->peer, sql) == 1;
}

static gboolean
bob_follows_ada (gpointer bob)
{
  return qtr_test_peer_count (bob, "SELECT count (*) FROM following WHERE accepted = 1") == 1;
}

typedef struct {
  QtrNodePreferences *page;
  OwnNode            *own;
  const char         *host;
  gint64              more_than;
} QueueWait;

/* The queue's row for @host says attempts were made, more than @more_than of them. */
static gboolean
queue_shows_attempts (gpointer data)
{
  QueueWait *wait = data;
  GtkWidget *row;
  gint64 attempts = query_own_node (wait->own, "SELECT max (attempts) FROM deliveries");
  g_autofree char *expected = NULL;

  if (attempts <= wait->more_than)
    return FALSE;
  if (qtr_node_preferences_get_busy (wait->page))
    return FALSE;
  /* The page reads the node again, and must show what node.db says. */
  gtk_widget_activate_action (GTK_WIDGET (wait->page), "node.refresh", NULL);
  qtr_app_test_settle ();
  row = qtr_app_test_find_row (GTK_WIDGET (wait->page), ADW_TYPE_ACTION_ROW, wait->host);
  if (row == NULL)
    return FALSE;
  expected = g_strdup_printf ("after %" G_GINT64_FORMAT " attempts", attempts);
  return strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), expected) != NULL &&
         strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Last error:") != NULL;
}

/* GET @url as other servers ask for an actor. Returns the status; @body: the answer. */
static guint
get_actor (const char  *url,
           char       **body)
{
  g_auto(QtrTestAnswer) answer = { 0 };

  qtr_test_get (url, "application/activity+json", &answer);
  *body = g_steal_pointer (&answer.body);
  return answer.status;
}

static void
actor_answers (const char *base)
{
  g_autofree char *url = g_strconcat (base, "/users/" USERNAME, NULL);
  g_autofree char *body = NULL;

  g_assert_cmpuint (get_actor (url, &body), ==, 200);
  g_assert_nonnull (strstr (body, "\"preferredUsername\":\"" USERNAME "\""));
}

/* The test */

static void
test_own_node (void)
{
  QtrNodeHost *host = qtr_node_host_get_default ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *root = g_dir_make_tmp ("quitter-test-own-node-XXXXXX", NULL);
  g_autofree char *handle = NULL;
  QtrWindow *window = g_object_new (QTR_TYPE_WINDOW, NULL);
  QtrNodeAssistant *assistant = qtr_window_get_node_assistant (window);
  QtrTestPeer *bob;
  OwnNode own = { 0 };
  GtkWindow *preferences;
  QtrNodePreferences *page;
  g_autoptr(QtrNodeConfig) config = NULL;

  own.data_dir = qtr_node_default_data_dir ();
  own.port = qtr_test_pick_free_port ();
  own.base = g_strdup_printf ("http://127.0.0.1:%u", own.port);
  handle = g_strdup_printf ("@" USERNAME "@127.0.0.1:%u", own.port);
  g_assert_cmpstr (qtr_node_host_get_data_dir (host), ==, own.data_dir);
  g_assert_false (qtr_node_host_is_set_up (host));

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  qtr_test_wait_until (qtr_app_test_is_mapped, window, "the window shows");
  g_assert_cmpstr (qtr_window_get_page (window), ==, "welcome");

  /* The welcome page's second way in. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start-node", NULL));
  g_assert_cmpstr (qtr_window_get_page (window), ==, "node-assistant");
  g_assert_cmpstr (qtr_node_assistant_get_page (assistant), ==, "account");

  /* The user name is checked as `quitter-node init` checks it, the password as `password`. */
  type_into (GTK_WIDGET (assistant), "User Name", "not a name!");
  gtk_widget_activate_action (GTK_WIDGET (assistant), "node-assistant.next", NULL);
  g_assert_nonnull (strstr (qtr_node_assistant_get_error (assistant), "Choose a user name"));
  type_into (GTK_WIDGET (assistant), "User Name", USERNAME);
  type_into (GTK_WIDGET (assistant), "Display Name", "Ada Lovelace");
  type_into (GTK_WIDGET (assistant), "Password for Other Apps", "short");
  type_into (GTK_WIDGET (assistant), "Password Again", "short");
  gtk_widget_activate_action (GTK_WIDGET (assistant), "node-assistant.next", NULL);
  g_assert_nonnull (strstr (qtr_node_assistant_get_error (assistant), "at least 8 characters"));
  type_into (GTK_WIDGET (assistant), "Password for Other Apps", PASSWORD);
  type_into (GTK_WIDGET (assistant), "Password Again", PASSWORD "!");
  gtk_widget_activate_action (GTK_WIDGET (assistant), "node-assistant.next", NULL);
  g_assert_nonnull (strstr (qtr_node_assistant_get_error (assistant), "passwords differ"));
  type_into (GTK_WIDGET (assistant), "Password Again", PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (assistant), "node-assistant.next", NULL);
  g_assert_null (qtr_node_assistant_get_error (assistant));
  g_assert_cmpstr (qtr_node_assistant_get_page (assistant), ==, "address");
  qtr_app_test_screenshot (GTK_WIDGET (window), "own-node-address");

  /* Only on this computer, on a free port; Create. */
  {
    g_autoptr(GPtrArray) spins = g_ptr_array_new ();

    qtr_app_test_collect (GTK_WIDGET (assistant), GTK_TYPE_SPIN_BUTTON, spins);
    g_assert_cmpuint (spins->len, ==, 1);
    gtk_spin_button_set_value (spins->pdata[0], own.port);
  }
  gtk_widget_activate_action (GTK_WIDGET (assistant), "node-assistant.next", NULL);
  qtr_test_wait_until (assistant_settled, assistant, "the node is created");
  g_assert_null (qtr_node_assistant_get_error (assistant));
  qtr_test_wait_until (window_at_main, window, "the window is logged in to the node");

  /* The node runs on its own thread, in the app's data folder, and answers over HTTP. */
  g_assert_cmpint (qtr_node_host_get_state (host), ==, QTR_NODE_HOST_RUNNING);
  g_assert_true (qtr_node_host_is_set_up (host));
  g_assert_cmpstr (qtr_node_host_get_base_url (host), ==, own.base);
  g_assert_cmpstr (qtr_node_host_get_listen_url (host), ==, own.base);
  actor_answers (own.base);
  g_assert_cmpuint (qtr_main_view_get_n_accounts (qtr_window_get_main_view (window)), ==, 1);
  g_assert_cmpstr (qtr_main_view_get_account_handle (qtr_window_get_main_view (window), 0), ==,
                   handle);
  /* The app runs this node from now on; its password is set for other apps. */
  {
    g_autofree char *folder = g_settings_get_string (settings, "node-folder");

    g_assert_cmpstr (folder, ==, own.data_dir);
  }
  g_assert_cmpint (query_own_node (&own, "SELECT count (*) FROM owner WHERE password_hash IS "
                                         "NOT NULL"), ==, 1);

  /* The node's preferences; federating over loopback needs private addresses, which only a
   * test allows: node.conf is changed and the node restarted from the page. */
  preferences = qtr_node_preferences_present (GTK_WINDOW (window), NULL);
  page = QTR_NODE_PREFERENCES (qtr_app_test_find (GTK_WIDGET (preferences),
                                                  QTR_TYPE_NODE_PREFERENCES));
  g_assert_nonnull (page);
  qtr_test_wait_until (qtr_app_test_is_mapped, preferences, "the preferences show");
  config = load_node_conf (&own);
  config->allow_private_addresses = TRUE;
  {
    g_autofree char *path = g_build_filename (own.data_dir, "node.conf", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (qtr_node_config_save (config, path, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&config, qtr_node_config_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "node.restart", NULL));
  qtr_test_wait_until (host_running, host, "the node runs again");
  actor_answers (own.base);

  /* A second real node follows the new account, and gets what the app's user posts. */
  bob = qtr_test_peer_start (root, "bob", NULL, FALSE);
  qtr_test_peer_follow (bob, handle);
  qtr_test_wait_until (bob_follows_ada, bob, "ada's node accepts bob's follow");
  post_as_app (handle, "Hello from my own node");
  {
    PostWait wait = { bob, "Hello from my own node" };
    HomeWait home = { qtr_window_get_main_view (window), "Hello from my own node" };

    qtr_test_wait_until (peer_has_post, &wait, "bob's node receives ada's post");
    qtr_test_wait_until (home_shows_post, &home, "ada's home timeline shows her post");
  }

  /* Approving followers by hand: saved in node.conf. */
  qtr_test_wait_until (preferences_idle, page, "the page has read the node");
  {
    g_autoptr(GPtrArray) switches = g_ptr_array_new ();

    qtr_app_test_collect (GTK_WIDGET (page), GTK_TYPE_SWITCH, switches);
    g_assert_cmpuint (switches->len, ==, 1);
    g_assert_false (gtk_switch_get_active (switches->pdata[0]));
    gtk_switch_set_active (switches->pdata[0], TRUE);
  }
  qtr_test_wait_until (preferences_idle, page, "the approval setting is saved");
  g_assert_null (qtr_node_preferences_get_message (page));
  config = load_node_conf (&own);
  g_assert_true (config->manual_approval);
  g_clear_pointer (&config, qtr_node_config_free);

  /* Blocking a domain: saved in node.conf, and listed. */
  type_into (GTK_WIDGET (page), "Block a Domain", "spam.example");
  g_signal_emit_by_name (qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW,
                                                "Block a Domain"), "apply");
  qtr_test_wait_until (preferences_idle, page, "the blocked domain is saved");
  g_assert_null (qtr_node_preferences_get_message (page));
  config = load_node_conf (&own);
  g_assert_true (g_strv_contains ((const char * const *) config->blocked_domains,
                                  "spam.example"));
  g_clear_pointer (&config, qtr_node_config_free);
  qtr_app_test_settle ();
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (page), "spam.example"));

  /* The profile, through the node's own functions: the actor shows it. */
  type_into (GTK_WIDGET (page), "Display Name", "Ada, Countess");
  type_into (GTK_WIDGET (page), "Bio", "Notes on the analytical engine");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "node.save-profile", NULL));
  qtr_test_wait_until (preferences_idle, page, "the profile is saved");
  g_assert_null (qtr_node_preferences_get_message (page));
  {
    g_autofree char *url = g_strconcat (own.base, "/users/" USERNAME, NULL);
    g_autofree char *body = NULL;

    g_assert_cmpuint (get_actor (url, &body), ==, 200);
    g_assert_nonnull (strstr (body, "Ada, Countess"));
    g_assert_nonnull (strstr (body, "Notes on the analytical engine"));
  }

  /* Moving away to bob's account is refused: it does not list ada as an alias. Moving here
   * from it (an alias) is listed. */
  type_into (GTK_WIDGET (page), "Move to Another Server (@you@new.example)",
             qtr_test_peer_get_handle (bob));
  g_signal_emit_by_name (qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW,
                                                "Move to Another Server (@you@new.example)"),
                         "apply");
  qtr_test_wait_until (preferences_idle, page, "the move is answered");
  g_assert_nonnull (qtr_node_preferences_get_message (page));
  g_assert_true (g_str_has_prefix (qtr_node_preferences_get_message (page),
                                   "The account was not moved"));
  g_assert_cmpint (query_own_node (&own, "SELECT count (*) FROM owner WHERE moved_to IS NULL"),
                   ==, 1);
  type_into (GTK_WIDGET (page), "Move from Another Server (@you@old.example)",
             qtr_test_peer_get_handle (bob));
  g_signal_emit_by_name (qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW,
                                                "Move from Another Server (@you@old.example)"),
                         "apply");
  qtr_test_wait_until (preferences_idle, page, "the alias is added");
  g_assert_cmpstr (qtr_node_preferences_get_message (page), ==,
                   "Alias added: start the move on your old server now.");
  {
    GtkWidget *row = qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW,
                                            "Also Known As");

    g_assert_nonnull (row);
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                     qtr_test_peer_get_actor (bob));
  }

  /* What to type in a phone app: the node's address. */
  {
    GtkWidget *row = qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW,
                                            "Server Address");

    g_assert_nonnull (row);
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, own.base);
  }

  /* A follower whose host cannot be reached (bob's port, closed now): the queue shows it,
   * with its error, and "Retry now" tries again at once instead of after the backoff. */
  {
    /* Deliveries are grouped by host name: bob's is 127.0.0.1 (his port is closed). */
    QueueWait wait = { page, &own, "127.0.0.1", 0 };
    gint64 attempts;

    qtr_test_peer_stop (bob);
    post_as_app (handle, "Nobody home");
    qtr_test_wait_until (queue_shows_attempts, &wait, "the queue shows the failing host");
    attempts = query_own_node (&own, "SELECT max (attempts) FROM deliveries");
    qtr_app_test_screenshot (GTK_WIDGET (preferences), "own-node-queue");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "node.retry", NULL));
    wait.more_than = attempts;
    qtr_test_wait_until (queue_shows_attempts, &wait, "Retry now attempts the delivery again");
  }

  /* The app quits: the node stops cleanly. It starts again with the app, from the settings,
   * and the window opens the node's account. */
  gtk_window_destroy (preferences);
  gtk_window_destroy (GTK_WINDOW (window));
  qtr_node_host_stop (host);
  g_assert_cmpint (qtr_node_host_get_state (host), ==, QTR_NODE_HOST_STOPPED);
  g_assert_cmpint (query_own_node (&own, "SELECT count (*) FROM deliveries"), >=, 1);

  qtr_node_host_autostart (host, settings);
  qtr_test_wait_until (host_running, host, "the node starts with the app");
  actor_answers (own.base);
  window = g_object_new (QTR_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (window));
  qtr_test_wait_until (window_at_main, window, "the window opens the node's account");
  gtk_window_destroy (GTK_WINDOW (window));
  qtr_node_host_stop (host);

  /* Served by another process (quitter-node run, its systemd unit) when the app starts: the
   * app uses that one, and the window says so. */
  {
    g_autoptr(QtrNode) served = qtr_node_open (own.data_dir, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (served);
    g_assert_true (qtr_node_start (served, &error));
    g_assert_no_error (error);
    qtr_node_host_autostart (host, settings);
    qtr_test_wait_until (host_settled, host, "the app finds its node served");
    g_assert_cmpint (qtr_node_host_get_state (host), ==, QTR_NODE_HOST_EXTERNAL);
    window = g_object_new (QTR_TYPE_WINDOW, NULL);
    gtk_window_present (GTK_WINDOW (window));
    qtr_test_wait_until (window_at_main, window, "the window opens the served node's account");
    qtr_app_test_settle ();
    g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (window),
                                               "Your node runs already outside Quitter"));
    actor_answers (own.base);
    gtk_window_destroy (GTK_WINDOW (window));
    qtr_node_host_stop (host);

    /* The app signed in as an OAuth app of the node: logging out revokes its token there. */
    {
      g_autoptr(QtrAccountStore) store = qtr_account_store_new (NULL, &error);
      g_autoptr(GAsyncResult) result = NULL;
      gboolean revoked = FALSE;

      g_assert_no_error (error);
      g_assert_cmpint (query_own_node (&own, "SELECT count (*) FROM oauth_tokens t JOIN "
                                             "oauth_apps a ON a.id = t.app_id WHERE "
                                             "a.name = 'Quitter'"), ==, 1);
      qtr_account_store_log_out_async (store, handle, NULL, NULL, qtr_test_got_result_cb,
                                       &result);
      g_assert_true (qtr_account_store_log_out_finish (store, qtr_test_wait_result (&result),
                                                       &revoked, &error));
      g_assert_no_error (error);
      g_assert_true (revoked);
      g_assert_cmpint (query_own_node (&own, "SELECT count (*) FROM oauth_tokens t JOIN "
                                             "oauth_apps a ON a.id = t.app_id WHERE "
                                             "a.name = 'Quitter'"), ==, 0);
    }
    qtr_node_stop (served);
  }

  qtr_test_peer_free (bob);
  qtr_test_remove_tree (root);
  g_free (own.data_dir);
  g_free (own.base);
}

/* A node that `quitter-node run` serves already is not started twice: the app uses that one,
 * and says so. A port in use says to pick another in the preferences. */
static void
test_host_states (void)
{
  g_autofree char *root = g_dir_make_tmp ("quitter-test-node-host-XXXXXX", NULL);
  g_autofree char *served_dir = g_build_filename (root, "served", NULL);
  g_autofree char *other_dir = g_build_filename (root, "other", NULL);
  guint port = qtr_test_pick_free_port ();
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autoptr(QtrNode) served = NULL;
  g_autoptr(QtrNodeHost) host = NULL;
  g_autoptr(QtrNodeHost) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWindow *preferences;
  QtrNodePreferences *page;

  g_assert_true (qtr_node_init_data_dir (served_dir, base, "grace", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (qtr_node_init_data_dir (other_dir, "http://127.0.0.1:1", "hopper", NULL,
                                         &error));
  g_assert_no_error (error);

  /* Served by "another process": its lock is taken. */
  served = qtr_node_open (served_dir, &error);
  g_assert_no_error (error);
  qtr_node_set_listen (served, NULL, (int) port);
  g_assert_true (qtr_node_start (served, &error));
  g_assert_no_error (error);

  host = qtr_node_host_new (served_dir);
  qtr_node_host_start (host);
  qtr_test_wait_until (host_settled, host, "the host finds the node served");
  g_assert_cmpint (qtr_node_host_get_state (host), ==, QTR_NODE_HOST_EXTERNAL);
  g_assert_cmpstr (qtr_node_host_get_base_url (host), ==, base);
  text = qtr_node_host_describe (host);
  g_assert_nonnull (strstr (text, "runs already outside Quitter"));
  g_clear_pointer (&text, g_free);

  /* Its preferences still read it, beside the process that serves it. */
  preferences = qtr_node_preferences_present (NULL, host);
  page = QTR_NODE_PREFERENCES (qtr_app_test_find (GTK_WIDGET (preferences),
                                                  QTR_TYPE_NODE_PREFERENCES));
  qtr_test_wait_until (preferences_idle, page, "the page reads the served node");
  g_assert_cmpuint (qtr_node_preferences_get_loads (page), >=, 1);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (
                     qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW,
                                            "Server Address"))),
                   ==, base);
  qtr_app_test_screenshot (GTK_WIDGET (preferences), "own-node-preferences-external");
  gtk_window_destroy (preferences);

  /* Another node on the same port cannot start, and says what to do. */
  {
    g_autoptr(QtrNode) node = qtr_node_open (other_dir, &error);
    g_autofree char *conf = g_build_filename (other_dir, "node.conf", NULL);
    g_autoptr(QtrNodeConfig) config = NULL;

    g_assert_no_error (error);
    g_assert_true (qtr_node_set_address (node, "http://127.0.0.1:1", "127.0.0.1", port, &error));
    g_assert_no_error (error);
    config = qtr_node_config_load (conf, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (config->port, ==, port);
  }
  other = qtr_node_host_new (other_dir);
  qtr_node_host_start (other);
  qtr_test_wait_until (host_settled, other, "the other node fails to start");
  g_assert_cmpint (qtr_node_host_get_state (other), ==, QTR_NODE_HOST_FAILED);
  g_assert_true (g_error_matches (qtr_node_host_get_error (other), QTR_NODE_ERROR,
                                  QTR_NODE_ERROR_LISTEN));
  text = qtr_node_host_describe (other);
  g_assert_nonnull (strstr (text, "Pick another port in the node’s preferences"));

  qtr_node_host_stop (other);
  qtr_node_host_stop (host);
  qtr_node_stop (served);
  g_clear_object (&served);
  qtr_test_remove_tree (root);
}

int
main (int   argc,
      char *argv[])
{
  qtr_app_test_init (&argc, &argv);
  qtr_app_test_start_gtk ();

  g_test_add_func ("/app/own-node", test_own_node);
  g_test_add_func ("/app/own-node/host-states", test_host_states);

  return g_test_run ();
}

