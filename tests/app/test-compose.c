/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-app-test.h"

#include <string.h>

#define QTR_TEST_NODE_PUBLIC_ONLY
#include "node-test-util.h"
#include "qtr-account-store.h"
#include "qtr-compose-window.h"
#include "qtr-drafts.h"
#include "qtr-json.h"
#include "qtr-status-row.h"
#include "qtr-status.h"
#include "qtr-test-peer.h"
#include "qtr-window.h"

/* The compose window in a real window of the app, logged in to alice's real node (A) on
 * loopback; bob's node (B) follows her and shows what she posts. What is asserted is what the
 * window shows and what the nodes stored. */

/* alice on node A, with a token as an app gets one; bob on node B, following her. What the
 * window asks of node A after it stopped needs its names still. */
typedef struct {
  char        *root;
  QtrTestPeer *alice;
  QtrTestPeer *bob;
  char        *alice_base;
  char        *alice_handle;
  char        *alice_token;
  char        *alice_id;
  char        *bob_handle;
} ComposeNodes;

static char *
get_own_id (ComposeNodes *nodes)
{
  g_autofree char *url = g_strconcat (nodes->alice_base, "/api/v1/accounts/verify_credentials",
                                      NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *authorization = g_strconcat ("Bearer ", nodes->alice_token, NULL);
  g_auto(QtrTestAnswer) answer = { 0 };
  g_autoptr(JsonObject) object = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  qtr_test_send (msg, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  object = qtr_json_parse_object (answer.body, strlen (answer.body), NULL);
  g_assert_nonnull (object);
  return g_strdup (qtr_json_get_string (object, "id"));
}

static ComposeNodes *
compose_nodes_start (void)
{
  ComposeNodes *nodes = g_new0 (ComposeNodes, 1);
  g_autoptr(GError) error = NULL;

  nodes->root = g_dir_make_tmp ("quitter-test-compose-XXXXXX", &error);
  g_assert_no_error (error);
  nodes->alice = qtr_test_peer_start (nodes->root, "alice", NULL, FALSE);
  nodes->bob = qtr_test_peer_start (nodes->root, "bob", NULL, FALSE);
  qtr_test_peer_follow (nodes->bob, qtr_test_peer_get_handle (nodes->alice));
  qtr_test_peer_wait_rows (nodes->alice, 1, "SELECT count (*) FROM followers WHERE accepted = 1",
                           "bob follows alice");

  nodes->alice_base = g_strdup (qtr_test_peer_get_base (nodes->alice));
  nodes->alice_handle = g_strdup (qtr_test_peer_get_handle (nodes->alice));
  nodes->bob_handle = g_strdup (qtr_test_peer_get_handle (nodes->bob));
  nodes->alice_token = qtr_test_peer_mint_token (nodes->alice);
  nodes->alice_id = get_own_id (nodes);
  return nodes;
}

static void
compose_nodes_free (ComposeNodes *nodes)
{
  qtr_test_peer_free (nodes->alice);
  qtr_test_peer_free (nodes->bob);
  qtr_test_remove_tree (nodes->root);
  g_free (nodes->root);
  g_free (nodes->alice_base);
  g_free (nodes->alice_handle);
  g_free (nodes->alice_token);
  g_free (nodes->alice_id);
  g_free (nodes->bob_handle);
  g_free (nodes);
}

typedef struct {
  ComposeNodes *nodes;
  QtrWindow    *window;
  char         *png_path;
} Fixture;

static gboolean
session_is_ready (QtrWindow *window)
{
  return qtr_window_get_api_client (window) != NULL && qtr_window_get_drafts (window) != NULL &&
         qtr_window_get_server_info (window) != NULL;
}

/* The app's main window, started as at login, its session open. */
static void
open_main_window (Fixture *fixture)
{
  fixture->window = g_object_new (QTR_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  qtr_test_wait_until (session_is_ready, fixture->window, "alice's session is open");
}

/* A real PNG (a red rectangle) that GdkTexture decodes. */
static GBytes *
make_red_png (int width,
              int height)
{
  g_autofree guint8 *pixels = g_malloc ((gsize) width * height * 4);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  for (int i = 0; i < width * height; i++)
    memcpy (pixels + 4 * i, "\xe0\x1b\x24\xff", 4);
  bytes = g_bytes_new (pixels, (gsize) width * height * 4);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, width * 4);
  return gdk_texture_save_to_png_bytes (texture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = make_red_png (64, 48);

  fixture->nodes = compose_nodes_start ();
  /* alice's account on A, saved and active, as after a login. */
  qtr_app_test_save_account (fixture->nodes->alice_base, fixture->nodes->alice_id,
                             fixture->nodes->alice_handle, "Alice", "compose-client-id", "secret",
                             fixture->nodes->alice_token);
  fixture->png_path = g_build_filename (fixture->nodes->root, "red square.png", NULL);
  g_assert_true (g_file_set_contents (fixture->png_path, g_bytes_get_data (png, NULL),
                                      g_bytes_get_size (png), &error));
  g_assert_no_error (error);
  open_main_window (fixture);
}

static void
destroy_compose_windows (void)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (!QTR_IS_WINDOW (l->data))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  destroy_compose_windows ();
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  qtr_app_test_settle ();
  compose_nodes_free (fixture->nodes);
  g_free (fixture->png_path);
}

static void
type_text (QtrComposeWindow *compose,
           const char       *text)
{
  GtkTextView *view = GTK_TEXT_VIEW (qtr_app_test_find_named (GTK_WIDGET (compose),
                                                              "text-view"));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

  gtk_widget_grab_focus (GTK_WIDGET (view));
  gtk_text_buffer_set_text (buffer, "", -1);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
}

static gboolean
send_is_enabled (QtrComposeWindow *compose)
{
  return gtk_widget_is_sensitive (qtr_app_test_find_named (GTK_WIDGET (compose),
                                                           "send-button"));
}

static gboolean
uploads_done (QtrComposeWindow *compose)
{
  return qtr_compose_window_get_n_uploading (compose) == 0 && send_is_enabled (compose);
}

static gboolean
shows_thumbnail (QtrComposeWindow *compose)
{
  GtkPicture *picture = GTK_PICTURE (qtr_app_test_find (GTK_WIDGET (compose), GTK_TYPE_PICTURE));
  GdkPaintable *paintable = picture ? gtk_picture_get_paintable (picture) : NULL;

  return paintable != NULL && gdk_paintable_get_intrinsic_width (paintable) == 64;
}

/* Emits "drop" on the window's GtkDropTarget with @files, as GTK does on a drop. */
static void
drop_files (QtrComposeWindow *compose,
            GSList           *files)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (compose));
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        g_signal_emit_by_name (controller, "drop", &value, 10.0, 10.0, &accepted);
    }
  g_value_unset (&value);
  g_assert_true (accepted);
}

/* The toplevel of @type other than the main window, if one is open. */
static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
has_message_dialog (gpointer unused)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
alice_has_the_description (Fixture *fixture)
{
  return qtr_test_peer_count (fixture->nodes->alice,
                              "SELECT count (*) FROM media WHERE description = 'A red square'")
         == 1;
}

static gboolean
bob_has_the_post (Fixture *fixture)
{
  return qtr_test_peer_count (fixture->nodes->bob,
                              "SELECT count (*) FROM statuses s JOIN attachments a"
                              " ON a.status_id = s.id WHERE s.actor_id IS NOT NULL"
                              " AND s.summary = 'Lunch photos'"
                              " AND s.content LIKE '%Hello from the compose window%'"
                              " AND a.description = 'A red square'"
                              " AND a.media_type = 'image/png'") == 1;
}

static gboolean
is_gone (gpointer weak)
{
  return *(gpointer *) weak == NULL;
}

static gint64
count_drafts (Fixture *fixture)
{
  g_autoptr(GPtrArray) drafts = qtr_drafts_list (qtr_window_get_drafts (fixture->window), NULL);

  g_assert_nonnull (drafts);
  return drafts->len;
}

static gboolean
has_no_draft (Fixture *fixture)
{
  return count_drafts (fixture) == 0;
}

static gboolean
notifications_show_reply (QtrMainView *main_view)
{
  QtrTimelineView *view = qtr_main_view_get_timeline (main_view, "notifications");

  return view != NULL && qtr_app_test_shows_label (GTK_WIDGET (view), "Lovely lunch, enjoy!") &&
         qtr_app_test_shows_label (GTK_WIDGET (view), "mentioned you");
}

/* A post with a content warning and an image with alt text, sent from the window, arrives at
 * bob's node with all three. */
static void
test_send (Fixture       *fixture,
           gconstpointer  data)
{
  QtrComposeWindow *compose;
  gpointer weak;
  g_autoptr(GFile) file = g_file_new_for_path (fixture->png_path);
  GSList files = { file, NULL };
  GtkWindow *dialog;
  GtkTextView *alt_view;
  GtkToggleButton *cw_button;

  /* app.compose (Ctrl+N) is the window's `n` too: a binding on the main window. */
  compose = qtr_compose_window_new (GTK_WINDOW (fixture->window));
  g_assert_nonnull (compose);
  g_assert_false (send_is_enabled (compose));

  type_text (compose, "Hello from the compose window");
  cw_button = GTK_TOGGLE_BUTTON (qtr_app_test_find_named (GTK_WIDGET (compose), "cw-button"));
  gtk_toggle_button_set_active (cw_button, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_named (GTK_WIDGET (compose),
                                                                "cw-entry")),
                         "Lunch photos");
  /* The file dropped onto the window, as a file manager drops it. */
  drop_files (compose, &files);
  g_assert_false (send_is_enabled (compose));
  qtr_test_wait_until (uploads_done, compose, "the image is uploaded");
  qtr_test_wait_until (shows_thumbnail, compose, "the thumbnail shows");
  g_assert_cmpint (qtr_test_peer_count (fixture->nodes->alice, "SELECT count (*) FROM media"), ==, 1);

  /* The alt text editor: the image and a text field; Save sends it to the server. */
  gtk_widget_activate (GTK_WIDGET (qtr_app_test_find_button (GTK_WIDGET (compose), "_Alt")));
  qtr_test_wait_until (has_message_dialog, NULL, "the alt text editor opens");
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (qtr_app_test_find (GTK_WIDGET (dialog), GTK_TYPE_PICTURE));
  alt_view = GTK_TEXT_VIEW (qtr_app_test_find_named (GTK_WIDGET (dialog), "alt-text-view"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (alt_view), "A red square", -1);
  /* The Save button, as a user clicks it. */
  gtk_widget_activate (GTK_WIDGET (qtr_app_test_find_button (GTK_WIDGET (dialog), "_Save")));
  qtr_test_wait_until (alice_has_the_description, fixture, "the alt text is saved on A");
  qtr_app_test_settle ();
  qtr_app_test_screenshot (GTK_WIDGET (compose), "compose-image");

  g_assert_true (send_is_enabled (compose));
  weak = compose;
  g_object_add_weak_pointer (G_OBJECT (compose), &weak);
  gtk_widget_activate_action (GTK_WIDGET (compose), "compose.send", NULL);
  qtr_test_wait_until (is_gone, &weak, "the window closes once the post is sent");
  qtr_test_wait_until (bob_has_the_post, fixture, "bob's node has the post, its CW and image");
  /* In the UI's language (English here), public. */
  g_assert_cmpint (qtr_test_peer_count (fixture->nodes->alice,
                                              "SELECT count (*) FROM statuses"
                                              " WHERE summary = 'Lunch photos'"
                                              " AND language = 'en' AND visibility = 'public'"),
                   ==, 1);
  /* Sent: no draft is left. */
  g_assert_cmpint (count_drafts (fixture), ==, 0);

  /* bob answers from his node: alice's Notifications show his reply. */
  {
    g_autofree char *uri = qtr_test_peer_query_text (fixture->nodes->alice,
                                                     "SELECT uri FROM statuses"
                                                     " WHERE summary = 'Lunch photos'");
    QtrMainView *main_view = qtr_window_get_main_view (fixture->window);

    g_free (qtr_test_peer_post_full (fixture->nodes->bob, "Lovely lunch, enjoy!", "public", NULL,
                                     uri));
    qtr_main_view_select_section (main_view, "notifications");
    qtr_test_wait_until (notifications_show_reply, main_view,
                         "alice's Notifications show bob's reply");
  }
}

/* The counter counts as the server does; over the limit it is red and Send is off. */
static void
test_counter (Fixture       *fixture,
              gconstpointer  data)
{
  QtrComposeWindow *compose = qtr_compose_window_new (GTK_WINDOW (fixture->window));
  GtkLabel *counter = GTK_LABEL (qtr_app_test_find_named (GTK_WIDGET (compose), "counter"));
  guint max = qtr_server_info_get_max_characters (qtr_window_get_server_info (fixture->window));
  g_autofree char *text = g_strdup_printf ("%s look: https://example.org/a/long/path?q=1&r=2",
                                           fixture->nodes->bob_handle);
  g_autofree char *expected = NULL;
  g_autofree char *too_long = NULL;
  int minimum;

  /* It fits a phone: 360 pixels wide. */
  gtk_widget_measure (GTK_WIDGET (compose), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL,
                      NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);

  /* "@bob" (4), " look: " (7), a link (23). */
  type_text (compose, text);
  g_assert_cmpuint (qtr_compose_window_get_length (compose), ==, 34);
  expected = g_strdup_printf ("%u", max - 34);
  g_assert_cmpstr (gtk_label_get_label (counter), ==, expected);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (counter), "error"));
  g_assert_true (send_is_enabled (compose));

  too_long = g_strnfill (max + 1, 'a');
  type_text (compose, too_long);
  g_assert_cmpstr (gtk_label_get_label (counter), ==, "-1");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (counter), "error"));
  g_assert_false (send_is_enabled (compose));
  g_assert_false (qtr_compose_window_can_send (compose));

  /* The content warning counts too. */
  too_long[max - 5] = '\0';
  type_text (compose, too_long);
  g_assert_true (send_is_enabled (compose));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (qtr_app_test_find_named (
                                                     GTK_WIDGET (compose), "cw-button")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_named (GTK_WIDGET (compose),
                                                                "cw-entry")), "Long CW");
  g_assert_false (send_is_enabled (compose));
  qtr_app_test_screenshot (GTK_WIDGET (compose), "compose-over-limit");

  /* Another one, opened from this one: both are open, each with its own draft, and the new
   * one belongs to the main window. */
  {
    QtrComposeWindow *second = qtr_compose_window_new (GTK_WINDOW (compose));

    g_assert_nonnull (second);
    g_assert_true (second != compose);
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (second)) ==
                   GTK_WINDOW (fixture->window));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (compose)));
    g_assert_cmpstr (qtr_compose_window_get_draft (second)->idempotency_key, !=,
                     qtr_compose_window_get_draft (compose)->idempotency_key);
    g_assert_cmpuint (qtr_compose_window_get_length (second), ==, 0);
  }
}

static gboolean
shows_error (QtrComposeWindow *compose)
{
  return qtr_compose_window_get_error (compose) != NULL;
}

/* A send that cannot reach the server keeps the window, the text and the draft, and says why;
 * so does one the server refuses. */
static void
test_failed_send (Fixture       *fixture,
                  gconstpointer  data)
{
  QtrComposeWindow *compose = qtr_compose_window_new (GTK_WINDOW (fixture->window));
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  QtrDraft *draft;
  GtkWidget *label;

  type_text (compose, "This will not get through");
  qtr_test_peer_stop (fixture->nodes->alice);
  gtk_widget_activate_action (GTK_WIDGET (compose), "compose.send", NULL);
  qtr_test_wait_until (shows_error, compose, "the window says the post was not sent");
  g_assert_nonnull (strstr (qtr_compose_window_get_error (compose), "Could not reach"));
  g_assert_nonnull (strstr (qtr_compose_window_get_error (compose), "kept as a draft"));
  label = qtr_app_test_find_named (GTK_WIDGET (compose), "error-label");
  g_assert_true (qtr_app_test_is_mapped (label));
  text = qtr_compose_window_dup_text (compose);
  g_assert_cmpstr (text, ==, "This will not get through");
  g_assert_true (send_is_enabled (compose));

  drafts = qtr_drafts_list (qtr_window_get_drafts (fixture->window), NULL);
  g_assert_cmpuint (drafts->len, ==, 1);
  draft = drafts->pdata[0];
  g_assert_cmpstr (draft->text, ==, "This will not get through");
  /* The key of the retry is the one of the first try. */
  g_assert_cmpstr (draft->idempotency_key, ==,
                   qtr_compose_window_get_draft (compose)->idempotency_key);
  qtr_app_test_screenshot (GTK_WIDGET (compose), "compose-failed");
}

/* A post the server refuses (422) keeps the window, its text, image and draft, and shows the
 * server's reason. */
static void
test_refused_send (Fixture       *fixture,
                   gconstpointer  data)
{
  QtrComposeWindow *compose = qtr_compose_window_new (GTK_WINDOW (fixture->window));
  g_autoptr(GFile) file = g_file_new_for_path (fixture->png_path);
  GSList files = { file, NULL };
  g_autofree char *text = NULL;

  type_text (compose, "An image that is taken already");
  qtr_compose_window_add_files (compose, &files);
  qtr_test_wait_until (uploads_done, compose, "the image is uploaded");
  /* Meanwhile, another client attached that upload to a post of its own. */
  qtr_test_peer_exec (fixture->nodes->alice, "UPDATE media SET status_id = 424242");
  gtk_widget_activate_action (GTK_WIDGET (compose), "compose.send", NULL);
  qtr_test_wait_until (shows_error, compose, "the window says the post was refused");
  g_assert_nonnull (strstr (qtr_compose_window_get_error (compose),
                            "The server did not take the post"));
  g_assert_nonnull (strstr (qtr_compose_window_get_error (compose),
                            "attached to another post"));
  text = qtr_compose_window_dup_text (compose);
  g_assert_cmpstr (text, ==, "An image that is taken already");
  g_assert_true (shows_thumbnail (compose));
  g_assert_cmpint (count_drafts (fixture), ==, 1);
  g_assert_cmpint (qtr_test_peer_count (fixture->nodes->alice,
                                              "SELECT count (*) FROM statuses"), ==, 0);
}

static gboolean
has_one_draft_with_text (Fixture *fixture)
{
  g_autoptr(GPtrArray) drafts = qtr_drafts_list (qtr_window_get_drafts (fixture->window), NULL);

  return drafts->len == 1 &&
         g_str_equal (((QtrDraft *) drafts->pdata[0])->text, "Unsent thoughts #drafts");
}

static gboolean
shows_unsent_toast (Fixture *fixture)
{
  return qtr_app_test_find_label (GTK_WIDGET (fixture->window), "1 unsent post") != NULL;
}

/* A draft saved as it was typed survives the app's end without a close (a crash), is offered
 * at the next start, and opens again with its text, warning and key. */
static void
test_draft_restored (Fixture       *fixture,
                     gconstpointer  data)
{
  QtrComposeWindow *compose = qtr_compose_window_new (GTK_WINDOW (fixture->window));
  g_autofree char *key = NULL;
  g_autofree char *restored_text = NULL;
  GtkWindow *dialog;
  GtkListBox *list;
  QtrComposeWindow *restored;
  GtkToggleButton *cw_button;

  type_text (compose, "Unsent thoughts #drafts");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (qtr_app_test_find_named (
                                                     GTK_WIDGET (compose), "cw-button")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_named (GTK_WIDGET (compose),
                                                                "cw-entry")), "Musings");
  qtr_test_wait_until (has_one_draft_with_text, fixture, "the draft is saved as it is typed");
  key = g_strdup (qtr_compose_window_get_draft (compose)->idempotency_key);

  /* The app ends without closing the window (no close-request: as in a crash), and starts
   * again. */
  gtk_window_destroy (GTK_WINDOW (compose));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  qtr_app_test_settle ();
  open_main_window (fixture);
  qtr_test_wait_until (shows_unsent_toast, fixture, "the unsent draft is offered");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-drafts", NULL);
  qtr_test_wait_until (has_message_dialog, NULL, "the drafts list opens");
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  list = GTK_LIST_BOX (qtr_app_test_find_named (GTK_WIDGET (dialog), "drafts-list"));
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (list), "Unsent thoughts #drafts"));
  qtr_app_test_screenshot (GTK_WIDGET (dialog), "compose-drafts");
  g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (list, 0));

  restored = QTR_COMPOSE_WINDOW (find_toplevel (QTR_TYPE_COMPOSE_WINDOW));
  g_assert_nonnull (restored);
  restored_text = qtr_compose_window_dup_text (restored);
  g_assert_cmpstr (restored_text, ==, "Unsent thoughts #drafts");
  cw_button = GTK_TOGGLE_BUTTON (qtr_app_test_find_named (GTK_WIDGET (restored), "cw-button"));
  g_assert_true (gtk_toggle_button_get_active (cw_button));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (qtr_app_test_find_named (
                                            GTK_WIDGET (restored), "cw-entry"))), ==,
                   "Musings");
  g_assert_cmpstr (qtr_compose_window_get_draft (restored)->idempotency_key, ==, key);

  /* The first try had reached the server before the crash, its answer lost: the retry with
   * the draft's key gets that post back instead of posting twice. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(QtrApiResponse) response = NULL;
    g_autoptr(GError) error = NULL;

    qtr_api_client_send_form_async (qtr_window_get_api_client (fixture->window), "POST",
                                    "/api/v1/statuses",
                                    (const char *[]) { "status", "Unsent thoughts #drafts",
                                                       "spoiler_text", "Musings", NULL },
                                    key, NULL, qtr_test_got_result_cb, &result);
    response = qtr_api_client_request_finish (qtr_window_get_api_client (fixture->window),
                                              qtr_test_wait_result (&result), &error);
    g_assert_no_error (error);
  }

  /* Sent, it is a draft no more. */
  gtk_widget_activate_action (GTK_WIDGET (restored), "compose.send", NULL);
  qtr_test_wait_until (has_no_draft, fixture, "the sent draft is deleted");
  g_assert_cmpint (qtr_test_peer_count (fixture->nodes->alice,
                                        "SELECT count (*) FROM statuses"
                                        " WHERE summary = 'Musings'"), ==, 1);
}

/* A post as alice's client reads it from a timeline (@path), found by a piece of its text or
 * its content warning. */
typedef struct {
  Fixture    *fixture;
  const char *path;
  const char *spoiler_text;
  const char *text;
  QtrStatus  *status;
} Lookup;

static void
timeline_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  JsonArray *array;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, NULL);
  if (response == NULL || (array = qtr_api_response_get_array (response, NULL)) == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (array) && lookup->status == NULL; i++)
    {
      g_autoptr(QtrStatus) status = qtr_status_new_from_json (
        json_array_get_object_element (array, i), NULL);

      if (status == NULL)
        continue;
      if ((lookup->spoiler_text != NULL &&
           g_strcmp0 (qtr_status_get_spoiler_text (status), lookup->spoiler_text) == 0) ||
          (lookup->text != NULL &&
           strstr (qtr_status_get_content (status), lookup->text) != NULL))
        lookup->status = g_steal_pointer (&status);
    }
}

static gboolean
found_status (Lookup *lookup)
{
  if (lookup->status != NULL)
    return TRUE;
  qtr_api_client_get_async (qtr_window_get_api_client (lookup->fixture->window), lookup->path,
                            NULL, NULL, timeline_loaded_cb, lookup);
  qtr_test_spin (100);
  return lookup->status != NULL;
}

static gboolean
bob_has_the_reply (Fixture *fixture)
{
  return qtr_test_peer_count (fixture->nodes->bob,
                              "SELECT count (*) FROM statuses WHERE actor_id IS NOT NULL"
                              " AND in_reply_to_uri IS NOT NULL AND summary = 'Plans'"
                              " AND visibility = 'unlisted'"
                              " AND content LIKE '%Count me in%'") == 1;
}

static gboolean
text_is (QtrComposeWindow *compose,
         const char       *expected)
{
  g_autofree char *text = qtr_compose_window_dup_text (compose);

  return g_strcmp0 (text, expected) == 0;
}

static gboolean
shows_status_row (QtrComposeWindow *compose)
{
  return qtr_app_test_find (GTK_WIDGET (compose), QTR_TYPE_STATUS_ROW) != NULL;
}

/* A reply shows the post it answers, mentions its author and whom it mentions but not the own
 * account, copies its content warning and is not more public than it; bob gets it as a
 * reply. */
static void
test_reply (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *text = g_strdup_printf ("%s dinner on Friday?", fixture->nodes->alice_handle);
  g_autofree char *bob_acct = g_strdup_printf ("%s ", fixture->nodes->bob_handle);
  g_autofree char *prefilled = NULL;
  g_autofree char *reply_text = NULL;
  Lookup lookup = { fixture, "/api/v1/timelines/home", "Plans", NULL, NULL };
  QtrComposeWindow *compose;
  GtkDropDown *visibility;
  QtrStatusRow *row;
  gpointer weak;

  qtr_test_peer_follow (fixture->nodes->alice, fixture->nodes->bob_handle);
  qtr_test_peer_wait_rows (fixture->nodes->bob, 1,
                           "SELECT count (*) FROM followers WHERE accepted = 1",
                           "alice follows bob");
  g_free (qtr_test_peer_post_full (fixture->nodes->bob, text, "unlisted", "Plans", NULL));
  qtr_test_wait_until (found_status, &lookup, "alice's home has bob's post");

  compose = qtr_compose_window_new_reply (GTK_WINDOW (fixture->window), lookup.status);
  prefilled = qtr_compose_window_dup_text (compose);
  /* bob (the author), not alice (mentioned, but herself). */
  g_assert_cmpstr (prefilled, ==, bob_acct);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (
                   qtr_app_test_find_named (GTK_WIDGET (compose), "cw-button"))));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (qtr_app_test_find_named (
                                            GTK_WIDGET (compose), "cw-entry"))), ==, "Plans");
  visibility = GTK_DROP_DOWN (qtr_app_test_find_named (GTK_WIDGET (compose), "visibility"));
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (visibility)),
                   ==, "unlisted");
  /* The post answered, above the text (its content behind its warning). */
  row = QTR_STATUS_ROW (qtr_app_test_find (GTK_WIDGET (compose), QTR_TYPE_STATUS_ROW));
  g_assert_nonnull (row);
  g_assert_true (qtr_app_test_is_mapped (row));
  g_assert_cmpstr (qtr_status_get_id (qtr_status_row_get_status (row)), ==,
                   qtr_status_get_id (lookup.status));
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (row), "Plans"));
  qtr_app_test_screenshot (GTK_WIDGET (compose), "compose-reply");

  reply_text = g_strconcat (prefilled, "Count me in", NULL);
  type_text (compose, reply_text);
  weak = compose;
  g_object_add_weak_pointer (G_OBJECT (compose), &weak);
  gtk_widget_activate_action (GTK_WIDGET (compose), "compose.send", NULL);
  qtr_test_wait_until (is_gone, &weak, "the reply is sent");
  qtr_test_wait_until (bob_has_the_reply, fixture, "bob's node has the reply");

  /* A reply closed as it opened leaves no draft; one with something written keeps it, saved
   * on closing without waiting for the next save. */
  compose = qtr_compose_window_new_reply (GTK_WINDOW (fixture->window), lookup.status);
  gtk_window_close (GTK_WINDOW (compose));
  qtr_app_test_settle ();
  g_assert_cmpint (count_drafts (fixture), ==, 0);
  compose = qtr_compose_window_new_reply (GTK_WINDOW (fixture->window), lookup.status);
  g_clear_pointer (&reply_text, g_free);
  reply_text = g_strconcat (prefilled, "Changed my mind", NULL);
  type_text (compose, reply_text);
  gtk_window_close (GTK_WINDOW (compose));
  g_assert_cmpint (count_drafts (fixture), ==, 1);

  /* Opened again from the drafts, it shows the post it answers again. */
  {
    g_autoptr(GPtrArray) drafts = qtr_drafts_list (qtr_window_get_drafts (fixture->window),
                                                   NULL);

    compose = qtr_compose_window_new_from_draft (GTK_WINDOW (fixture->window),
                                                 ((QtrDraft *) drafts->pdata[0])->id);
    g_assert_true (text_is (compose, reply_text));
    qtr_test_wait_until (shows_status_row, compose, "the post answered shows");
  }
  g_clear_object (&lookup.status);
}


static gboolean
shows_source (QtrComposeWindow *compose)
{
  return text_is (compose, "First version with a #tag") && send_is_enabled (compose);
}

static gboolean
bob_has_the_edit (Fixture *fixture)
{
  return qtr_test_peer_count (fixture->nodes->bob,
                                  "SELECT count (*) FROM statuses WHERE actor_id IS NOT NULL"
                                  " AND updated IS NOT NULL"
                                  " AND content LIKE '%Second version%'") == 1;
}

/* Posts "First version with a #tag" from a compose window, and returns it as the API shows it. */
static QtrStatus *
post_first_version (Fixture *fixture)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/accounts/%s/statuses",
                                           fixture->nodes->alice_id);
  Lookup lookup = { fixture, path, NULL, "First version", NULL };
  QtrComposeWindow *compose = qtr_compose_window_new (GTK_WINDOW (fixture->window));
  gpointer weak = compose;

  type_text (compose, "First version with a #tag");
  g_object_add_weak_pointer (G_OBJECT (compose), &weak);
  gtk_widget_activate_action (GTK_WIDGET (compose), "compose.send", NULL);
  qtr_test_wait_until (is_gone, &weak, "the first version is sent");
  qtr_test_wait_until (found_status, &lookup, "alice's post is on her profile");
  return lookup.status;
}

/* Editing an own post loads its source, and Save sends the edit, which reaches bob. */
static void
test_edit (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(QtrStatus) status = post_first_version (fixture);
  QtrComposeWindow *compose;
  gpointer weak;

  compose = qtr_compose_window_new_edit (GTK_WINDOW (fixture->window), status);
  g_assert_false (send_is_enabled (compose));
  qtr_test_wait_until (shows_source, compose, "the post's source is loaded");
  g_assert_false (gtk_widget_is_sensitive (qtr_app_test_find_named (GTK_WIDGET (compose),
                                                                    "visibility")));
  type_text (compose, "Second version with a #tag");
  weak = compose;
  g_object_add_weak_pointer (G_OBJECT (compose), &weak);
  gtk_widget_activate_action (GTK_WIDGET (compose), "compose.send", NULL);
  qtr_test_wait_until (is_gone, &weak, "the edit is saved");
  g_assert_cmpint (qtr_test_peer_count (fixture->nodes->alice,
                                              "SELECT count (*) FROM statuses"
                                              " WHERE content LIKE '%Second version%'"), ==, 1);
  qtr_test_wait_until (bob_has_the_edit, fixture, "bob's node has the edit");
}

static gboolean
alice_has_the_redraft (Fixture *fixture)
{
  return qtr_test_peer_count (fixture->nodes->alice,
                                    "SELECT count (*) FROM statuses"
                                    " WHERE content LIKE '%First version, redrafted%'") == 1;
}

/* Delete and redraft: the post goes, and a compose window has its text as written. */
static void
test_redraft (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(QtrStatus) status = post_first_version (fixture);
  QtrComposeWindow *compose;
  gpointer weak;

  compose = qtr_compose_window_new_redraft (GTK_WINDOW (fixture->window), status);
  qtr_test_wait_until (shows_source, compose, "the deleted post's text is in the window");
  g_assert_cmpint (qtr_test_peer_count (fixture->nodes->alice,
                                              "SELECT count (*) FROM statuses"
                                              " WHERE content LIKE '%First version%'"), ==, 0);
  type_text (compose, "First version, redrafted");
  weak = compose;
  g_object_add_weak_pointer (G_OBJECT (compose), &weak);
  gtk_widget_activate_action (GTK_WIDGET (compose), "compose.send", NULL);
  qtr_test_wait_until (is_gone, &weak, "the redraft is sent");
  qtr_test_wait_until (alice_has_the_redraft, fixture, "the redraft is posted");
}

static gboolean
completion_offers_bob (QtrComposeWindow *compose)
{
  GtkWidget *popover = qtr_compose_window_get_completion (compose);

  return gtk_widget_get_visible (popover) &&
         qtr_app_test_find_label (popover, "bob@127.0.0.1") != NULL;
}

/* Typing `@bo` offers the accounts the server knows; choosing one writes its whole handle. */
static void
test_completion (Fixture       *fixture,
                 gconstpointer  data)
{
  QtrComposeWindow *compose = qtr_compose_window_new (GTK_WINDOW (fixture->window));
  GtkWidget *popover = qtr_compose_window_get_completion (compose);
  GtkListBox *list;
  g_autofree char *expected = g_strdup_printf ("Hi %s ", fixture->nodes->bob_handle);

  type_text (compose, "Hi @bo");
  qtr_test_wait_until (completion_offers_bob, compose, "bob is offered");
  qtr_app_test_screenshot (GTK_WIDGET (compose), "compose-completion");
  list = GTK_LIST_BOX (qtr_app_test_find (popover, GTK_TYPE_LIST_BOX));
  g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_selected_row (list));
  g_assert_true (text_is (compose, expected));
  g_assert_false (gtk_widget_get_visible (popover));
}

static gboolean
bob_has_the_poll (Fixture *fixture)
{
  return qtr_test_peer_count (fixture->nodes->bob,
                                  "SELECT count (*) FROM poll_options o"
                                  " JOIN polls p ON p.status_id = o.status_id"
                                  " JOIN statuses s ON s.id = o.status_id"
                                  " WHERE s.actor_id IS NOT NULL AND p.multiple = 1"
                                  " AND o.title IN ('Pizza', 'Soup')") == 2;
}

/* A poll of two choices, an hour long, several choices allowed, sent as Mastodon's API takes
 * it; bob's node gets the question. */
static void
test_poll (Fixture       *fixture,
           gconstpointer  data)
{
  QtrComposeWindow *compose = qtr_compose_window_new (GTK_WINDOW (fixture->window));
  GtkWidget *root = GTK_WIDGET (compose);
  gpointer weak = compose;

  type_text (compose, "Lunch?");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (qtr_app_test_find_named (root,
                                                                           "poll-button")),
                                TRUE);
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_named (root, "poll-choice-1")),
                         "Pizza");
  /* One choice is no poll. */
  g_assert_false (send_is_enabled (compose));
  gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_named (root, "poll-choice-2")),
                         "Soup");
  g_assert_true (send_is_enabled (compose));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (qtr_app_test_find_named (root, "poll-duration")),
                              2);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (qtr_app_test_find_named (root,
                                                                          "poll-multiple")),
                               TRUE);
  qtr_app_test_screenshot (root, "compose-poll");

  g_object_add_weak_pointer (G_OBJECT (compose), &weak);
  gtk_widget_activate_action (root, "compose.send", NULL);
  qtr_test_wait_until (is_gone, &weak, "the poll is sent");
  g_assert_cmpint (qtr_test_peer_count (fixture->nodes->alice,
                                              "SELECT count (*) FROM polls p"
                                              " JOIN statuses s ON s.id = p.status_id"
                                              " WHERE p.multiple = 1"
                                              " AND p.expires_at - s.published"
                                              " BETWEEN 3590 AND 3610"), ==, 1);
  qtr_test_wait_until (bob_has_the_poll, fixture, "bob's node has the poll");
}

int
main (int   argc,
      char *argv[])
{
  qtr_app_test_init (&argc, &argv);
  qtr_app_test_start_gtk ();

  g_test_add ("/app/compose/send", Fixture, NULL, fixture_set_up, test_send, fixture_tear_down);
  g_test_add ("/app/compose/counter", Fixture, NULL, fixture_set_up, test_counter,
              fixture_tear_down);
  g_test_add ("/app/compose/failed-send", Fixture, NULL, fixture_set_up, test_failed_send,
              fixture_tear_down);
  g_test_add ("/app/compose/refused-send", Fixture, NULL, fixture_set_up, test_refused_send,
              fixture_tear_down);
  g_test_add ("/app/compose/draft-restored", Fixture, NULL, fixture_set_up,
              test_draft_restored, fixture_tear_down);
  g_test_add ("/app/compose/reply", Fixture, NULL, fixture_set_up, test_reply,
              fixture_tear_down);
  g_test_add ("/app/compose/edit", Fixture, NULL, fixture_set_up, test_edit, fixture_tear_down);
  g_test_add ("/app/compose/redraft", Fixture, NULL, fixture_set_up, test_redraft,
              fixture_tear_down);
  g_test_add ("/app/compose/poll", Fixture, NULL, fixture_set_up, test_poll, fixture_tear_down);
  g_test_add ("/app/compose/completion", Fixture, NULL, fixture_set_up, test_completion,
              fixture_tear_down);

  return g_test_run ();
}
