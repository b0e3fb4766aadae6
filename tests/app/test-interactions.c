/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-app-test.h"
#include "qtr-filters-dialog.h"
#include "qtr-follow-button.h"
#include "qtr-interactions.h"
#include "qtr-lists-dialog.h"
#include "qtr-notification-list.h"
#include "qtr-profile-dialog.h"
#include "qtr-report-dialog.h"
#include "qtr-status-actions.h"
#include "qtr-status-row.h"
#include "qtr-test-peer.h"
#include "qtr-timeline-view.h"

/* What the user does to posts and accounts, from the app's widgets under Xvfb, against two real
 * nodes on loopback: Alice uses the app with her node A, Bob has his node B. Each action shows
 * at once in the row, then reaches Bob's node (his node.db is read), or is put back with a
 * toast when the server refuses. */

typedef struct {
  QtrTestPeer     *alice;
  QtrTestPeer     *bob;
  char            *token;
  QtrApiClient    *client;
  GtkWindow       *window;
  QtrTimelineView *view;
  QtrTimeline     *timeline;
} Fixture;

static gboolean
alice_follows_bob (gpointer user_data)
{
  Fixture *fixture = user_data;

  return qtr_test_peer_count (fixture->alice,
                              "SELECT count(*) FROM following WHERE accepted = 1") == 1;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AdwToastOverlay *overlay;

  /* Alice approves her followers by hand. */
  fixture->alice = qtr_test_peer_start (NULL, "alice", "Alice", TRUE);
  fixture->bob = qtr_test_peer_start (NULL, "bob", "Bob", FALSE);
  fixture->token = qtr_test_peer_mint_token (fixture->alice);
  fixture->client = qtr_api_client_new (qtr_test_peer_get_base (fixture->alice), fixture->token,
                                        &error);
  g_assert_no_error (error);

  qtr_test_peer_follow (fixture->alice, qtr_test_peer_get_handle (fixture->bob));
  qtr_test_wait_until (alice_follows_bob, fixture, "Bob accepts Alice's follow");

  fixture->window = qtr_app_test_new_window (480, 800);
  overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  fixture->view = QTR_TIMELINE_VIEW (qtr_timeline_view_new ());
  adw_toast_overlay_set_child (overlay, GTK_WIDGET (fixture->view));
  adw_window_set_content (ADW_WINDOW (fixture->window), GTK_WIDGET (overlay));
  gtk_window_present (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  qtr_app_test_settle ();
  g_clear_object (&fixture->timeline);
  g_clear_object (&fixture->client);
  g_free (fixture->token);
  qtr_test_peer_free (fixture->bob);
  qtr_test_peer_free (fixture->alice);
}

/* Shows @timeline in the view, once its newest page loaded. */
static void
show_timeline (Fixture     *fixture,
               QtrTimeline *timeline)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_set_object (&fixture->timeline, timeline);
  qtr_timeline_view_set_model (fixture->view, timeline);
  qtr_timeline_load_newer_async (timeline, NULL, qtr_test_got_result_cb, &result);
  g_assert_cmpint (qtr_timeline_load_finish (timeline, qtr_test_wait_result (&result), &error),
                   >=, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), >, 0);
  qtr_app_test_settle ();
}

static gboolean
has_status_actions (gpointer view)
{
  return qtr_app_test_find (view, QTR_TYPE_STATUS_ACTIONS) != NULL &&
         qtr_app_test_is_mapped (qtr_app_test_find (view, QTR_TYPE_STATUS_ACTIONS));
}

static GtkWidget *
find_button (Fixture    *fixture,
             const char *name)
{
  GtkWidget *button = qtr_app_test_find_named (GTK_WIDGET (fixture->view), name);

  g_assert_nonnull (button);
  return button;
}

/* What a user's click does, without the button's 250 ms of "activate" feedback. */
static void
click (GtkWidget *button)
{
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
label_shows (GtkWidget  *root,
             const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (gtk_label_get_text (labels->pdata[i]), text))
      return TRUE;
  return FALSE;
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_appears (gpointer user_data)
{
  LabelWait *wait = user_data;

  return qtr_app_test_find_label (wait->root, wait->text) != NULL;
}

static gboolean
toggle_is_off (gpointer button)
{
  return !gtk_toggle_button_get_active (button);
}

static void
record_parameter_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     char         **out)
{
  g_free (*out);
  *out = g_variant_dup_string (parameter, NULL);
}

/* With the window's win.reply-to-status (the compose window's), Reply and r send it the
 * post's id, which finds the post again. */
static gboolean
replying_goes_to_window (Fixture   *fixture,
                         GtkWidget *reply,
                         QtrStatus *status)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("reply-to-status",
                                                         G_VARIANT_TYPE_STRING);
  g_autofree char *replied = NULL;
  QtrStatus *found;

  g_signal_connect (action, "activate", G_CALLBACK (record_parameter_cb), &replied);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (GTK_WIDGET (fixture->window), "win", G_ACTION_GROUP (group));
  qtr_app_test_settle ();
  g_assert_true (gtk_widget_get_sensitive (reply));
  click (reply);
  g_assert_cmpstr (replied, ==, qtr_status_get_id (status));
  found = qtr_interactions_lookup_status (qtr_interactions_get_for_client (fixture->client),
                                          replied);
  g_assert_nonnull (found);
  g_assert_cmpstr (qtr_status_get_id (found), ==, qtr_status_get_id (status));
  g_clear_pointer (&replied, g_free);
  qtr_timeline_view_select (fixture->view, 0);
  qtr_app_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "timeline.reply", NULL));
  g_assert_cmpstr (replied, ==, qtr_status_get_id (status));
  gtk_widget_insert_action_group (GTK_WIDGET (fixture->window), "win", NULL);
  return TRUE;
}

static void
test_status_actions (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *sql = NULL;
  GtkWidget *favourite, *boost, *bookmark, *reply;
  LabelWait toast;
  QtrStatusActions *actions;
  QtrStatus *status;

  uri = qtr_test_peer_post (fixture->bob, "Tomatoes are ripe");
  sql = g_strdup_printf ("SELECT count(*) FROM statuses WHERE uri = '%s'", uri);
  qtr_test_peer_wait_rows (fixture->alice, 1, sql, "Bob's post reaches Alice's node");

  show_timeline (fixture, qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_HOME,
                                            NULL));
  qtr_test_wait_until (has_status_actions, fixture->view, "the post's row shows its actions");
  actions = QTR_STATUS_ACTIONS (qtr_app_test_find (GTK_WIDGET (fixture->view),
                                                   QTR_TYPE_STATUS_ACTIONS));
  status = qtr_status_get_shown (qtr_status_actions_get_status (actions));
  g_assert_true (label_shows (GTK_WIDGET (fixture->view), "Tomatoes are ripe"));
  favourite = find_button (fixture, "favourite-button");
  boost = find_button (fixture, "boost-button");
  bookmark = find_button (fixture, "bookmark-button");
  reply = find_button (fixture, "reply-button");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (favourite)));
  gtk_test_accessible_assert_state (favourite, GTK_ACCESSIBLE_STATE_PRESSED,
                                    GTK_ACCESSIBLE_TRISTATE_FALSE);
  /* Replying is the compose window's: without it the button cannot be used. */
  g_assert_false (gtk_widget_get_sensitive (reply));
  g_assert_true (replying_goes_to_window (fixture, reply, status));

  /* Favourite: the row shows it before the server answers, then Bob's node has the Like. */
  click (favourite);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (favourite)));
  g_assert_true (qtr_status_get_favourited (status));
  g_assert_cmpint (qtr_status_get_favourites_count (status), ==, 1);
  g_assert_true (label_shows (favourite, "1"));
  gtk_test_accessible_assert_state (favourite, GTK_ACCESSIBLE_STATE_PRESSED,
                                    GTK_ACCESSIBLE_TRISTATE_TRUE);
  qtr_test_peer_wait_rows (fixture->bob, 1, "SELECT count(*) FROM notifications WHERE type = 'favourite'",
             "Bob's node records Alice's favourite");
  qtr_test_peer_wait_rows (fixture->alice, 1, "SELECT count(*) FROM likes", "Alice's node keeps her like");

  /* Boost, the same way. */
  click (boost);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (boost)));
  g_assert_true (qtr_status_get_reblogged (status));
  g_assert_true (label_shows (boost, "1"));
  qtr_test_peer_wait_rows (fixture->bob, 1, "SELECT count(*) FROM notifications WHERE type = 'reblog'",
             "Bob's node records Alice's boost");

  /* Undone: at once in the row, then on Bob's node. */
  click (favourite);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (favourite)));
  g_assert_true (label_shows (favourite, "0"));
  qtr_test_peer_wait_rows (fixture->bob, 0, "SELECT count(*) FROM notifications WHERE type = 'favourite'",
             "Bob's node forgets the favourite");
  click (boost);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (boost)));
  qtr_test_peer_wait_rows (fixture->bob, 0, "SELECT count(*) FROM notifications WHERE type = 'reblog'",
             "Bob's node forgets the boost");

  /* The keyboard: f favourites the selected post. */
  qtr_timeline_view_select (fixture->view, 0);
  qtr_app_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "timeline.favourite",
                                             NULL));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (favourite)));
  qtr_test_peer_wait_rows (fixture->bob, 1, "SELECT count(*) FROM notifications WHERE type = 'favourite'",
             "f favourites the post on Bob's node");

  /* Bob deletes the post meanwhile: Alice's bookmark is refused, the row goes back and a toast
   * says why. */
  qtr_test_peer_delete_post (fixture->bob, uri);
  qtr_test_peer_wait_rows (fixture->alice, 0, sql, "the deletion reaches Alice's node");
  click (bookmark);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (bookmark)));
  qtr_test_wait_until (toggle_is_off, bookmark, "the bookmark is put back");
  g_assert_false (qtr_status_get_bookmarked (status));
  toast.root = GTK_WIDGET (fixture->window);
  toast.text = "Could not bookmark the post";
  qtr_test_wait_until (label_appears, &toast, "a toast says the bookmark failed");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, "SELECT count(*) FROM bookmarks"),
                   ==, 0);
}

/* Two copies of one post (as two timelines parse it) change together. */
static void
test_copies (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(QtrTimeline) other = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrTimelineItem) item = NULL;
  QtrStatus *copy;

  uri = qtr_test_peer_post (fixture->bob, "Same post, twice");
  sql = g_strdup_printf ("SELECT count(*) FROM statuses WHERE uri = '%s'", uri);
  qtr_test_peer_wait_rows (fixture->alice, 1, sql, "Bob's post reaches Alice's node");
  show_timeline (fixture, qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_HOME,
                                            NULL));
  qtr_test_wait_until (has_status_actions, fixture->view, "the post's row shows its actions");

  /* The federated timeline holds its own copy, tracked as a view would. */
  other = qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_FEDERATED, NULL);
  qtr_timeline_load_newer_async (other, NULL, qtr_test_got_result_cb, &result);
  g_assert_cmpint (qtr_timeline_load_finish (other, qtr_test_wait_result (&result), &error), >,
                   0);
  item = g_list_model_get_item (G_LIST_MODEL (other), 0);
  copy = qtr_status_get_shown (qtr_timeline_item_get_status (item));
  qtr_interactions_track_status (qtr_interactions_get_for_client (fixture->client), copy);
  g_assert_false (qtr_status_get_favourited (copy));

  click (find_button (fixture, "favourite-button"));
  g_assert_true (qtr_status_get_favourited (copy));
  g_assert_cmpint (qtr_status_get_favourites_count (copy), ==, 1);
  qtr_test_peer_wait_rows (fixture->bob, 1, "SELECT count(*) FROM notifications WHERE type = 'favourite'",
             "Bob's node records the favourite");
}

static gboolean
request_button_shows (gpointer view)
{
  GtkWidget *button = qtr_app_test_find_named (view, "accept-button");

  return button != NULL && gtk_widget_get_sensitive (button);
}

/* Bob asks to follow Alice (her account is locked): she accepts in her notifications, and
 * Bob's node learns it. */
static void
test_follow_request (Fixture       *fixture,
                     gconstpointer  data)
{
  LabelWait answered;

  qtr_test_peer_follow (fixture->bob, qtr_test_peer_get_handle (fixture->alice));
  qtr_test_peer_wait_rows (fixture->alice, 1,
             "SELECT count(*) FROM notifications WHERE type = 'follow_request'",
             "Bob's request reaches Alice's node");
  show_timeline (fixture, QTR_TIMELINE (qtr_notification_list_new (fixture->client, NULL, NULL,
                                                                    NULL)));
  qtr_test_wait_until (request_button_shows, fixture->view, "the request has its buttons");
  g_assert_true (label_shows (GTK_WIDGET (fixture->view), "Bob asks to follow you"));
  g_assert_cmpint (qtr_test_peer_count (fixture->bob,
                                        "SELECT count(*) FROM following WHERE accepted = 1"),
                   ==, 0);

  click (qtr_app_test_find_named (GTK_WIDGET (fixture->view), "accept-button"));
  qtr_test_peer_wait_rows (fixture->bob, 1, "SELECT count(*) FROM following WHERE accepted = 1",
             "Bob's node sees the Accept");
  answered.root = GTK_WIDGET (fixture->view);
  answered.text = "You accepted Bob’s request to follow you";
  qtr_test_wait_until (label_appears, &answered, "the row says the request was accepted");
  g_assert_null (qtr_app_test_find_named (GTK_WIDGET (fixture->view), "accept-button"));
  g_assert_cmpint (qtr_test_peer_count (fixture->alice,
                                        "SELECT count(*) FROM followers WHERE accepted = 1"),
                   ==, 1);
}

static gboolean
has_report_dialog (gpointer user_data)
{
  GtkWidget **dialog = user_data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (QTR_IS_REPORT_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        *dialog = GTK_WIDGET (window);
    }
  return *dialog != NULL;
}

/* Alice reports Bob's post from its menu, with a copy for Bob's server: Bob's node gets the
 * Flag. */
static void
test_report (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *uri = qtr_test_peer_post (fixture->bob, "Buy cheap watches");
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM statuses WHERE uri = '%s'", uri);
  GtkWidget *actions, *dialog = NULL;
  LabelWait toast;

  qtr_test_peer_wait_rows (fixture->alice, 1, sql, "Bob's post reaches Alice's node");
  show_timeline (fixture, qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_HOME,
                                            NULL));
  qtr_test_wait_until (has_status_actions, fixture->view, "the post's row shows its actions");
  actions = qtr_app_test_find (GTK_WIDGET (fixture->view), QTR_TYPE_STATUS_ACTIONS);
  g_assert_true (gtk_widget_activate_action (actions, "status.report", NULL));
  qtr_test_wait_until (has_report_dialog, &dialog, "the report dialog shows");
  g_assert_nonnull (qtr_app_test_find_label (dialog, "Report @bob@"));
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_named (dialog, "comment-row")),
                         "Spam bot");
  gtk_switch_set_active (GTK_SWITCH (qtr_app_test_find_named (dialog, "forward-switch")), TRUE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "report");

  qtr_test_peer_wait_rows (fixture->alice, 1,
                           "SELECT count(*) FROM reports WHERE comment = 'Spam bot'",
                           "Alice's node keeps the report");
  qtr_test_peer_wait_rows (fixture->bob, 1,
                           "SELECT count(*) FROM notifications WHERE type = 'report'"
                           " AND comment = 'Spam bot' AND status_uri IS NOT NULL",
                           "Bob's node gets the Flag, with the post");
  toast.root = GTK_WIDGET (fixture->window);
  toast.text = "Report sent";
  qtr_test_wait_until (label_appears, &toast, "a toast says the report was sent");
}

static gboolean
profile_loaded (gpointer dialog)
{
  return qtr_profile_dialog_get_loaded (dialog);
}

static gboolean
is_gone (gpointer user_data)
{
  GtkWidget **widget = user_data;

  return *widget == NULL;
}

/* A PNG of one pixel. */
static const guint8 pixel_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
  0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
  0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00,
  0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49,
  0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

/* Alice edits her profile: Bob, who follows her, sees the new name once the Update came. */
static void
test_profile (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) avatar = NULL;
  g_autoptr(GFileIOStream) stream = NULL;
  GtkWidget *dialog;
  LabelWait toast;

  qtr_test_peer_follow (fixture->bob, qtr_test_peer_get_handle (fixture->alice));
  qtr_test_peer_wait_rows (fixture->alice, 1, "SELECT count(*) FROM followers",
                           "Bob's request reaches Alice's node");
  qtr_test_peer_answer_follow (fixture->alice, qtr_test_peer_get_actor (fixture->bob), TRUE);
  qtr_test_peer_wait_rows (fixture->bob, 1, "SELECT count(*) FROM following WHERE accepted = 1",
                           "Bob follows Alice");

  avatar = g_file_new_tmp ("quitter-avatar-XXXXXX.png", &stream, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_replace_contents (avatar, (const char *) pixel_png, sizeof pixel_png,
                                          NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);

  dialog = qtr_profile_dialog_new (fixture->window,
                                   qtr_interactions_get_for_client (fixture->client));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  qtr_test_wait_until (profile_loaded, dialog, "the profile loads");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (qtr_app_test_find_named (dialog,
                                                                                 "name-row"))),
                   ==, "Alice");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (qtr_app_test_find_named (dialog,
                                                                            "locked-switch"))));
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_named (dialog, "name-row")),
                         "Alice in the Garden");
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_named (dialog, "field-name-0")),
                         "Garden");
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_named (dialog, "field-value-0")),
                         "Allotment 12");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (qtr_app_test_find_named (dialog, "bio-view"))),
                            "Grows tomatoes.", -1);
  qtr_profile_dialog_set_avatar (QTR_PROFILE_DIALOG (dialog), avatar);
  click (qtr_app_test_find_named (dialog, "save-button"));
  qtr_test_wait_until (is_gone, &dialog, "the dialog closes once saved");
  toast.root = GTK_WIDGET (fixture->window);
  toast.text = "Profile saved";
  qtr_test_wait_until (label_appears, &toast, "a toast says the profile was saved");

  qtr_test_peer_wait_rows (fixture->alice, 1,
                           "SELECT count(*) FROM owner WHERE display_name = 'Alice in the Garden'"
                           " AND avatar_id IS NOT NULL",
                           "Alice's node has the new profile");
  qtr_test_peer_wait_rows (fixture->bob, 1,
                           "SELECT count(*) FROM remote_actors"
                           " WHERE display_name = 'Alice in the Garden'",
                           "Bob's node sees the new name");
  g_file_delete (avatar, NULL, NULL);
}

static gboolean
lists_idle (gpointer dialog)
{
  qtr_app_test_settle ();
  return !qtr_lists_dialog_get_busy (dialog);
}

/* The mapped button under @root whose label or tooltip starts with @text. */
static GtkWidget *
find_button_like (GtkWidget  *root,
                  const char *text)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      const char *label = gtk_button_get_label (buttons->pdata[i]);
      const char *tooltip = gtk_widget_get_tooltip_text (buttons->pdata[i]);

      if ((label != NULL && g_str_has_prefix (label, text)) ||
          (tooltip != NULL && g_str_has_prefix (tooltip, text)))
        return buttons->pdata[i];
    }
  return NULL;
}

/* Alice makes a list, puts Bob (whom she follows) in it, renames it, takes him out and
 * deletes it: her node has each change. */
static void
test_lists (Fixture       *fixture,
            gconstpointer  data)
{
  GtkWidget *dialog, *list_row, *entry;

  dialog = qtr_lists_dialog_new (fixture->window,
                                 qtr_interactions_get_for_client (fixture->client));
  gtk_window_present (GTK_WINDOW (dialog));
  qtr_test_wait_until (lists_idle, dialog, "the lists load");
  entry = qtr_app_test_find_named (dialog, "new-list-row");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Gardeners");
  g_signal_emit_by_name (entry, "apply");
  qtr_test_wait_until (lists_idle, dialog, "the list is made");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice,
                                        "SELECT count(*) FROM lists WHERE title = 'Gardeners'"),
                   ==, 1);
  list_row = qtr_app_test_find_row (dialog, ADW_TYPE_EXPANDER_ROW, "Gardeners");
  g_assert_nonnull (list_row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (list_row), TRUE);
  qtr_app_test_settle ();

  /* Bob, found among the accounts Alice follows. */
  entry = qtr_app_test_find_row (list_row, ADW_TYPE_ENTRY_ROW, "Add Someone You Follow");
  gtk_editable_set_text (GTK_EDITABLE (entry), "bob");
  g_signal_emit_by_name (entry, "apply");
  qtr_test_wait_until (lists_idle, dialog, "the search answers");
  click (find_button_like (list_row, "Add @bob@"));
  qtr_test_wait_until (lists_idle, dialog, "Bob is added");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, "SELECT count(*) FROM list_members"),
                   ==, 1);

  /* Renamed; the rows are read again from the server. */
  list_row = qtr_app_test_find_row (dialog, ADW_TYPE_EXPANDER_ROW, "Gardeners");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (list_row), TRUE);
  qtr_app_test_settle ();
  g_assert_nonnull (find_button_like (list_row, "Remove @bob@"));
  entry = qtr_app_test_find_row (list_row, ADW_TYPE_ENTRY_ROW, "Title");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Growers");
  g_signal_emit_by_name (entry, "apply");
  qtr_test_wait_until (lists_idle, dialog, "the list is renamed");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice,
                                        "SELECT count(*) FROM lists WHERE title = 'Growers'"),
                   ==, 1);

  list_row = qtr_app_test_find_row (dialog, ADW_TYPE_EXPANDER_ROW, "Growers");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (list_row), TRUE);
  qtr_app_test_settle ();
  click (find_button_like (list_row, "Remove @bob@"));
  qtr_test_wait_until (lists_idle, dialog, "Bob is removed");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, "SELECT count(*) FROM list_members"),
                   ==, 0);

  list_row = qtr_app_test_find_row (dialog, ADW_TYPE_EXPANDER_ROW, "Growers");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (list_row), TRUE);
  qtr_app_test_settle ();
  click (find_button_like (list_row, "_Delete List"));
  qtr_test_wait_until (lists_idle, dialog, "the list is deleted");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, "SELECT count(*) FROM lists"), ==, 0);
  g_assert_null (qtr_app_test_find_row (dialog, ADW_TYPE_EXPANDER_ROW, "Growers"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
filters_idle (gpointer dialog)
{
  qtr_app_test_settle ();
  return !qtr_filters_dialog_get_busy (dialog);
}

/* The switch of the row titled @title under @root. */
static GtkSwitch *
find_switch (GtkWidget  *root,
             const char *title)
{
  GtkWidget *row = qtr_app_test_find_row (root, ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return GTK_SWITCH (qtr_app_test_find (row, GTK_TYPE_SWITCH));
}

/* Alice makes a filter, gives it keywords, contexts, an action and an end, then deletes it. */
static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *dialog, *filter_row, *entry;

  dialog = qtr_filters_dialog_new (fixture->window,
                                   qtr_interactions_get_for_client (fixture->client));
  gtk_window_present (GTK_WINDOW (dialog));
  qtr_test_wait_until (filters_idle, dialog, "the filters load");
  entry = qtr_app_test_find_named (dialog, "new-filter-row");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Spoilers");
  g_signal_emit_by_name (entry, "apply");
  qtr_test_wait_until (filters_idle, dialog, "the filter is made");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice,
                                        "SELECT count(*) FROM filters WHERE title = 'Spoilers'"
                                        " AND action = 'warn'"),
                   ==, 1);

  filter_row = qtr_app_test_find_row (dialog, ADW_TYPE_EXPANDER_ROW, "Spoilers");
  g_assert_nonnull (filter_row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (filter_row), TRUE);
  qtr_app_test_settle ();
  g_assert_true (gtk_switch_get_active (find_switch (filter_row, "Home and Lists")));
  g_assert_false (gtk_switch_get_active (find_switch (filter_row, "Profiles")));
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_row (filter_row, ADW_TYPE_ENTRY_ROW,
                                                              "Keywords, Separated by Commas")),
                         "ending, finale");
  gtk_switch_set_active (find_switch (filter_row, "Whole Words Only"), FALSE);
  gtk_switch_set_active (find_switch (filter_row, "Profiles"), TRUE);
  gtk_switch_set_active (find_switch (filter_row, "Notifications"), FALSE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (qtr_app_test_find_row (filter_row,
                                                                    ADW_TYPE_COMBO_ROW,
                                                                    "Filtered Posts")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (qtr_app_test_find_row (filter_row,
                                                                    ADW_TYPE_COMBO_ROW, "Ends")),
                              5);
  click (find_button_like (filter_row, "_Save"));
  qtr_test_wait_until (filters_idle, dialog, "the filter is saved");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice,
                                        "SELECT count(*) FROM filter_keywords"
                                        " WHERE keyword IN ('ending', 'finale') AND whole_word = 0"),
                   ==, 2);
  g_assert_cmpint (qtr_test_peer_count (fixture->alice,
                                        "SELECT count(*) FROM filters WHERE action = 'hide'"
                                        " AND expires_at > 0"
                                        " AND instr (context, 'account') > 0"
                                        " AND instr (context, 'notifications') = 0"),
                   ==, 1);

  /* Read again from the server: the keywords show; saved again, they are not doubled. */
  filter_row = qtr_app_test_find_row (dialog, ADW_TYPE_EXPANDER_ROW, "Spoilers");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (filter_row), TRUE);
  qtr_app_test_settle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                     qtr_app_test_find_row (filter_row, ADW_TYPE_ENTRY_ROW,
                                            "Keywords, Separated by Commas"))),
                   ==, "ending, finale");
  click (find_button_like (filter_row, "_Save"));
  qtr_test_wait_until (filters_idle, dialog, "the filter is saved again");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, "SELECT count(*) FROM filter_keywords"),
                   ==, 2);

  filter_row = qtr_app_test_find_row (dialog, ADW_TYPE_EXPANDER_ROW, "Spoilers");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (filter_row), TRUE);
  qtr_app_test_settle ();
  click (find_button_like (filter_row, "_Delete"));
  qtr_test_wait_until (filters_idle, dialog, "the filter is deleted");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, "SELECT count(*) FROM filters"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
has_message_dialog (gpointer user_data)
{
  GtkWidget **dialog = user_data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        *dialog = GTK_WIDGET (window);
    }
  return *dialog != NULL;
}

static gboolean
timeline_is_empty (gpointer timeline)
{
  return g_list_model_get_n_items (timeline) == 0;
}

static gboolean
menu_has_action (GMenuModel *menu,
                 const char *name)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *action = NULL;

      if (section != NULL && menu_has_action (section, name))
        return TRUE;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action) &&
          g_str_equal (action, name))
        return TRUE;
    }
  return FALSE;
}

/* Alice's own post: its menu has Edit and Delete instead of Mute, Block, Report; Delete asks
 * first, then the post is gone from her node. */
static void
test_own_post (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *uri = qtr_test_peer_post (fixture->alice, "My own words");
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM statuses WHERE uri = '%s'", uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  QtrInteractions *interactions = qtr_interactions_get_for_client (fixture->client);
  GtkWidget *actions, *dialog = NULL;
  GMenuModel *menu;

  qtr_api_client_get_async (fixture->client, "/api/v1/accounts/verify_credentials", NULL, NULL,
                            qtr_test_got_result_cb, &result);
  response = qtr_api_client_request_finish (fixture->client, qtr_test_wait_result (&result),
                                            &error);
  g_assert_no_error (error);
  qtr_interactions_set_account_id (interactions,
                                   json_object_get_string_member (json_node_get_object (response->root),
                                                                  "id"));
  show_timeline (fixture, qtr_timeline_new (fixture->client, NULL, NULL, QTR_TIMELINE_HOME,
                                            NULL));
  qtr_test_wait_until (has_status_actions, fixture->view, "the post's row shows its actions");
  actions = qtr_app_test_find (GTK_WIDGET (fixture->view), QTR_TYPE_STATUS_ACTIONS);
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (find_button (fixture, "more-button")));
  g_assert_true (menu_has_action (menu, "status.delete"));
  g_assert_true (menu_has_action (menu, "win.edit-status"));
  g_assert_true (menu_has_action (menu, "win.redraft-status"));
  g_assert_false (menu_has_action (menu, "status.report"));
  g_assert_false (menu_has_action (menu, "status.block-author"));

  g_assert_true (gtk_widget_activate_action (actions, "status.delete", NULL));
  qtr_test_wait_until (has_message_dialog, &dialog, "Delete asks first");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, sql), ==, 1);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  qtr_test_peer_wait_rows (fixture->alice, 0, sql, "the post is deleted");
  qtr_test_wait_until (timeline_is_empty, fixture->timeline, "the post leaves the timeline");
}

typedef struct {
  QtrFollowButton *button;
  QtrFollowState   state;
} StateWait;

static gboolean
button_state_is (gpointer user_data)
{
  StateWait *wait = user_data;

  return qtr_follow_button_get_state (wait->button) == wait->state;
}

static void
wait_state (QtrFollowButton *button,
            QtrFollowState   state,
            const char      *what)
{
  StateWait wait = { button, state };

  qtr_test_wait_until (button_state_is, &wait, what);
}

/* The id that Alice's server gives @handle's account (looked up on its server). */
static char *
resolve_account (Fixture    *fixture,
                 const char *handle)
{
  const char *query[] = { "q", handle, "resolve", "true", "type", "accounts", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *accounts;

  qtr_api_client_get_async (fixture->client, "/api/v2/search", query, NULL,
                            qtr_test_got_result_cb, &result);
  response = qtr_api_client_request_finish (fixture->client, qtr_test_wait_result (&result),
                                            &error);
  g_assert_no_error (error);
  accounts = json_object_get_array_member (json_node_get_object (response->root), "accounts");
  g_assert_cmpuint (json_array_get_length (accounts), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (accounts, 0),
                                                  "id"));
}

/* Alice follows Carol, whose account is locked: "Requested" until Carol accepts, then
 * "Unfollow". And a hashtag, from its page's button. */
static void
test_follow_button (Fixture       *fixture,
                    gconstpointer  data)
{
  QtrTestPeer *carol = qtr_test_peer_start (NULL, "carol", "Carol", TRUE);
  QtrInteractions *interactions = qtr_interactions_get_for_client (fixture->client);
  g_autofree char *carol_id = resolve_account (fixture, qtr_test_peer_get_handle (carol) + 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  QtrFollowButton *follow, *tag;

  follow = QTR_FOLLOW_BUTTON (qtr_follow_button_new_for_account (interactions, carol_id));
  tag = QTR_FOLLOW_BUTTON (qtr_follow_button_new_for_tag (interactions, "gardening"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (follow));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (tag));
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (adw_window_get_content (ADW_WINDOW (fixture->window))),
                               box);
  wait_state (follow, QTR_FOLLOW_STATE_NOT_FOLLOWING, "the button knows Alice does not follow");
  g_assert_true (label_shows (GTK_WIDGET (follow), "Follow"));

  click (qtr_app_test_find_named (GTK_WIDGET (follow), "follow-button"));
  wait_state (follow, QTR_FOLLOW_STATE_REQUESTED, "the follow of a locked account is a request");
  g_assert_true (label_shows (GTK_WIDGET (follow), "Requested"));
  qtr_test_peer_wait_rows (carol, 1, "SELECT count(*) FROM followers WHERE accepted = 0",
                           "Carol's node has the request");

  qtr_test_peer_answer_follow (carol, qtr_test_peer_get_actor (fixture->alice), TRUE);
  qtr_test_peer_wait_rows (fixture->alice, 2, "SELECT count(*) FROM following WHERE accepted = 1",
                           "Alice's node gets Carol's Accept");
  qtr_follow_button_refresh (follow);
  wait_state (follow, QTR_FOLLOW_STATE_FOLLOWING, "the button says Alice follows Carol");
  g_assert_true (label_shows (GTK_WIDGET (follow), "Unfollow"));

  /* The hashtag's button. */
  wait_state (tag, QTR_FOLLOW_STATE_NOT_FOLLOWING, "the hashtag is not followed");
  g_assert_true (label_shows (GTK_WIDGET (tag), "Follow Hashtag"));
  click (qtr_app_test_find_named (GTK_WIDGET (tag), "follow-button"));
  wait_state (tag, QTR_FOLLOW_STATE_FOLLOWING, "the hashtag is followed");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, "SELECT count(*) FROM followed_tags"), ==,
                   1);

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (adw_window_get_content (ADW_WINDOW (fixture->window))),
                               NULL);
  qtr_test_peer_free (carol);
}

int
main (int   argc,
      char *argv[])
{
  qtr_app_test_init (&argc, &argv);
  /* The accessible states, as a screen reader gets them, can be asserted. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  qtr_app_test_start_gtk ();

  g_test_add ("/app/interactions/status", Fixture, NULL, fixture_set_up, test_status_actions,
              fixture_tear_down);
  g_test_add ("/app/interactions/copies", Fixture, NULL, fixture_set_up, test_copies,
              fixture_tear_down);
  g_test_add ("/app/interactions/follow-request", Fixture, NULL, fixture_set_up,
              test_follow_request, fixture_tear_down);
  g_test_add ("/app/interactions/follow-button", Fixture, NULL, fixture_set_up,
              test_follow_button, fixture_tear_down);
  g_test_add ("/app/interactions/report", Fixture, NULL, fixture_set_up, test_report,
              fixture_tear_down);
  g_test_add ("/app/interactions/profile", Fixture, NULL, fixture_set_up, test_profile,
              fixture_tear_down);
  g_test_add ("/app/interactions/lists", Fixture, NULL, fixture_set_up, test_lists,
              fixture_tear_down);
  g_test_add ("/app/interactions/filters", Fixture, NULL, fixture_set_up, test_filters,
              fixture_tear_down);
  g_test_add ("/app/interactions/own-post", Fixture, NULL, fixture_set_up, test_own_post,
              fixture_tear_down);

  return g_test_run ();
}
