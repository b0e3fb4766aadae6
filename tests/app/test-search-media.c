/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-account-store.h"
#include "qtr-app-test.h"
#include "qtr-login.h"
#include "qtr-main-view.h"
#include "qtr-media-viewer.h"
#include "qtr-notification-group-row.h"
#include "qtr-notification-list.h"
#include "qtr-search-page.h"
#include "qtr-status.h"
#include "qtr-status-row.h"
#include "qtr-test-peer.h"
#include "qtr-timeline-row.h"
#include "qtr-timeline-view.h"
#include "qtr-window.h"

/* Search, the media viewer and grouped notifications in real windows under Xvfb, against real
 * Quitter nodes in this process on loopback ports: the app's client talks HTTP to its node,
 * which looks up the other nodes (WebFinger, ActivityPub) and receives their favourites.
 * Shortcuts are pressed through the window's own shortcut controllers (GTK 4.8 has no way to
 * synthesise a key event). */

/* Helpers */

static QtrApiClient *
client_for (QtrTestPeer *node)
{
  g_autofree char *token = qtr_test_peer_mint_token (node);
  g_autoptr(GError) error = NULL;
  QtrApiClient *client = qtr_api_client_new (qtr_test_peer_get_base (node), token, &error);

  g_assert_no_error (error);
  return client;
}

static void
got_result_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (GAsyncResult **slot)
{
  return *slot != NULL;
}

/* A request of the client API, its JSON object answer. */
static JsonObject *
api (QtrApiClient       *client,
     const char         *method,
     const char         *path,
     const char * const *query,
     const char * const *form)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  qtr_api_client_request_async (client, method, path, query, form, NULL, NULL, got_result_cb,
                                &result);
  qtr_test_wait_until (has_result, &result, path);
  response = qtr_api_client_request_finish (client, result, &error);
  g_assert_no_error (error);
  object = qtr_api_response_get_object (response, &error);
  g_assert_no_error (error);
  return json_object_ref (object);
}

static QtrServerInfo *
discover (QtrApiClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  QtrServerInfo *info;

  qtr_server_info_discover_async (client, NULL, got_result_cb, &result);
  qtr_test_wait_until (has_result, &result, "discovery");
  info = qtr_server_info_discover_finish (result, &error);
  g_assert_no_error (error);
  return info;
}

/* Search */

static void
mention_activated_cb (QtrMainView *view,
                      const char  *url,
                      GPtrArray   *activated)
{
  g_ptr_array_add (activated, g_strconcat ("mention:", url, NULL));
}

static void
hashtag_activated_cb (QtrMainView *view,
                      const char  *name,
                      GPtrArray   *activated)
{
  g_ptr_array_add (activated, g_strconcat ("hashtag:", name, NULL));
}

static void
status_activated_cb (QtrMainView *view,
                     QtrStatus   *status,
                     GPtrArray   *activated)
{
  g_ptr_array_add (activated, g_strconcat ("status:", qtr_status_get_uri (status), NULL));
}

static gboolean
search_finished (QtrSearch *search)
{
  return qtr_search_get_state (search) == QTR_SEARCH_STATE_DONE ||
         qtr_search_get_state (search) == QTR_SEARCH_STATE_FAILED;
}

/* Types @text into the search entry, as a user would, and waits for the results. */
static void
type_search (QtrSearchPage *page,
             const char    *text,
             gboolean       enter)
{
  QtrSearch *search = qtr_search_page_get_search (page);

  gtk_editable_set_text (GTK_EDITABLE (qtr_search_page_get_entry (page)), text);
  if (enter)
    g_signal_emit_by_name (qtr_search_page_get_entry (page), "activate");
  /* The search runs once typing pauses, or at once on Enter. */
  if (!enter)
    g_assert_cmpstr (qtr_search_get_text (search), !=, text);
  qtr_test_wait_until (search_finished, search, text);
  g_assert_cmpint (qtr_search_get_state (search), ==, QTR_SEARCH_STATE_DONE);
  g_assert_cmpstr (qtr_search_get_text (search), ==, text);
  qtr_app_test_settle ();
}

static GtkListBoxRow *
first_row (QtrSearchPage *page,
           const char    *kind)
{
  GtkListBox *list = qtr_search_page_get_list (page, kind);

  g_assert_true (qtr_app_test_is_mapped (list));
  return gtk_list_box_get_row_at_index (list, 0);
}

static void
test_search (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("quitter-test-search-XXXXXX", &error);
  QtrTestPeer *alice, *bob;
  g_autoptr(QtrApiClient) alice_client = NULL;
  g_autoptr(QtrApiClient) bob_client = NULL;
  g_autoptr(QtrServerInfo) info = NULL;
  g_autoptr(QtrSearch) search = NULL;
  g_autoptr(GPtrArray) activated = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) post = NULL;
  g_autofree char *count_sql = NULL;
  g_autofree char *bob_handle = NULL;
  const char *post_form[] = { "status", "Fresh bread today #sourdough", "visibility", "public",
                              NULL };
  const char *post_uri;
  GtkWindow *window;
  QtrMainView *view;
  QtrSearchPage *page;
  GtkListBoxRow *row;
  GtkWidget *focus;

  g_assert_no_error (error);
  alice = qtr_test_peer_start (root, "alice", NULL, FALSE);
  bob = qtr_test_peer_start (root, "bob", "Bob Baker", FALSE);
  alice_client = client_for (alice);
  bob_client = client_for (bob);
  post = api (bob_client, "POST", "/api/v1/statuses", NULL, post_form);
  post_uri = json_object_get_string_member (post, "uri");

  info = discover (alice_client);
  search = qtr_search_new (alice_client, info);
  window = qtr_app_test_new_window (800, 700);
  view = QTR_MAIN_VIEW (qtr_main_view_new ());
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (view));
  g_signal_connect (view, "mention-activated", G_CALLBACK (mention_activated_cb), activated);
  g_signal_connect (view, "hashtag-activated", G_CALLBACK (hashtag_activated_cb), activated);
  g_signal_connect (view, "status-activated", G_CALLBACK (status_activated_cb), activated);
  g_assert_false (qtr_main_view_has_section (view, "search"));
  qtr_main_view_set_search (view, search);
  g_assert_true (qtr_main_view_has_section (view, "search"));
  gtk_window_present (window);
  qtr_app_test_settle ();

  /* Ctrl+K: the Search section, its entry focused; before any search, it says what to do. */
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (view), "<Control>k"));
  qtr_app_test_settle ();
  g_assert_cmpstr (qtr_main_view_get_section (view), ==, "search");
  page = qtr_main_view_get_search_page (view);
  g_assert_true (qtr_app_test_is_mapped (page));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == GTK_WIDGET (qtr_search_page_get_entry (page)) ||
                 gtk_widget_is_ancestor (focus, GTK_WIDGET (qtr_search_page_get_entry (page))));
  g_assert_cmpstr (qtr_search_page_get_shown (page), ==, "empty");

  /* Bob's handle: Alice's node has never heard of him; it looks him up on his node. */
  bob_handle = g_strdup (qtr_test_peer_get_handle (bob));
  count_sql = g_strdup_printf ("SELECT count (*) FROM remote_actors WHERE uri = '%s'",
                               qtr_test_peer_get_actor (bob));
  g_assert_cmpint (qtr_test_peer_count (alice, count_sql), ==, 0);
  type_search (page, bob_handle, FALSE);
  g_assert_cmpstr (qtr_search_page_get_shown (page), ==, "results");
  g_assert_cmpint (qtr_test_peer_count (alice, count_sql), ==, 1);
  row = first_row (page, "accounts");
  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Bob Baker");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, bob_handle);
  gtk_widget_activate (GTK_WIDGET (row));
  g_assert_cmpuint (activated->len, ==, 1);
  g_assert_true (g_str_has_prefix (activated->pdata[0], "mention:"));
  g_assert_true (g_str_has_prefix ((char *) activated->pdata[0] + strlen ("mention:"),
                                   qtr_test_peer_get_base (bob)));
  qtr_app_test_screenshot (GTK_WIDGET (window), "search-account");

  /* Bob's post by its address, on Enter: fetched from his node, shown as a post row. */
  type_search (page, post_uri, TRUE);
  row = first_row (page, "statuses");
  g_assert_nonnull (qtr_app_test_find (GTK_WIDGET (row), QTR_TYPE_STATUS_ROW));
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (row), "Fresh bread today"));
  g_assert_false (qtr_app_test_is_mapped (qtr_search_page_get_list (page, "accounts")));
  gtk_widget_activate (GTK_WIDGET (row));
  g_assert_cmpuint (activated->len, ==, 2);
  g_assert_true (g_str_has_suffix (activated->pdata[1], post_uri));

  /* The post's hashtag, now that Alice's node knows the post. */
  type_search (page, "sourdough", FALSE);
  row = first_row (page, "hashtags");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "#sourdough");
  gtk_widget_activate (GTK_WIDGET (row));
  g_assert_cmpuint (activated->len, ==, 3);
  g_assert_cmpstr (activated->pdata[2], ==, "hashtag:sourdough");

  /* Nothing found: a status page says so, and how to find someone elsewhere. */
  type_search (page, "qqqzzzxxx", FALSE);
  g_assert_cmpstr (qtr_search_page_get_shown (page), ==, "none");
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (page), "Nothing was found for"));

  gtk_window_destroy (window);
  qtr_app_test_settle ();
  g_clear_object (&search);
  g_clear_object (&info);
  g_clear_object (&alice_client);
  g_clear_object (&bob_client);
  qtr_test_peer_free (bob);
  qtr_test_peer_free (alice);
  qtr_test_remove_tree (root);
}

/* The media viewer */

/* A PNG that decodes (the node keeps it as it is). */
static GBytes *
make_png (int width,
          int height)
{
  gsize stride = (gsize) width * 4;
  g_autofree guint8 *pixels = g_malloc0 (stride * height);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  for (gsize i = 0; i < stride * height; i += 4)
    {
      pixels[i] = 0xc0;
      pixels[i + 3] = 0xff;
    }
  data = g_bytes_new (pixels, stride * height);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, data, stride);
  return gdk_texture_save_to_png_bytes (texture);
}

static gboolean
file_is_complete (GFile *file)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  /* Written at once by g_file_replace_contents: there or not. */
  return info != NULL && g_file_info_get_size (info) > 0;
}

static QtrMediaViewer *
find_viewer (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (QTR_IS_MEDIA_VIEWER (window))
        return QTR_MEDIA_VIEWER (window);
    }
  return NULL;
}

static gboolean
viewer_is_open (gpointer unused)
{
  return find_viewer () != NULL;
}

static gboolean
viewer_is_closed (gpointer unused)
{
  return find_viewer () == NULL;
}

static gboolean
full_image_shows (guint *width)
{
  QtrMediaViewer *viewer = find_viewer ();
  GdkPaintable *paintable = viewer != NULL
                            ? gtk_picture_get_paintable (qtr_media_viewer_get_picture (viewer))
                            : NULL;

  return paintable != NULL && gdk_paintable_get_intrinsic_width (paintable) == (int) *width;
}

static void
test_media_viewer (void)
{
  g_autoptr(GError) error = NULL;
  QtrTestPeer *alice;
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(JsonObject) posted = NULL;
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GBytes) first_png = NULL;
  g_autoptr(GFile) saved = NULL;
  g_autoptr(GBytes) second_png = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GPtrArray) thumbnails = g_ptr_array_new ();
  QtrMediaViewer *viewer;
  GtkWindow *window;
  GtkWidget *row;
  guint width;

  alice = qtr_test_peer_start (NULL, "alice", NULL, FALSE);
  client = client_for (alice);
  first_png = make_png (40, 30);
  second_png = make_png (50, 30);
  first_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                              qtr_test_peer_add_media (alice, first_png, "A red square"));
  second_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                               qtr_test_peer_add_media (alice, second_png, "A blue oblong"));
  {
    const char *form[] = { "status", "Two pictures", "media_ids[]", first_id,
                           "media_ids[]", second_id, NULL };

    posted = api (client, "POST", "/api/v1/statuses", NULL, form);
  }
  status = qtr_status_new_from_json (posted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qtr_status_get_media_attachments (status)->len, ==, 2);

  window = qtr_app_test_new_window (600, 500);
  row = qtr_status_row_new ();
  qtr_status_row_set_status (QTR_STATUS_ROW (row), status);
  adw_window_set_content (ADW_WINDOW (window), row);
  gtk_window_present (window);
  qtr_app_test_settle ();

  /* The first thumbnail, clicked: the viewer, over the window, at the first picture. */
  qtr_app_test_collect (row, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_has_css_class (buttons->pdata[i], "media-thumbnail"))
      g_ptr_array_add (thumbnails, buttons->pdata[i]);
  g_assert_cmpuint (thumbnails->len, ==, 2);
  g_assert_null (find_viewer ());
  gtk_widget_activate (thumbnails->pdata[0]);
  qtr_test_wait_until (viewer_is_open, NULL, "the viewer");
  viewer = find_viewer ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (viewer)) == window);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (viewer)));
  g_assert_cmpuint (qtr_media_viewer_get_index (viewer), ==, 0);
  g_assert_cmpuint (qtr_media_viewer_get_n_media (viewer), ==, 2);
  g_assert_cmpstr (qtr_media_viewer_get_shown (viewer), ==, "image");
  g_assert_cmpstr (qtr_media_viewer_get_description (viewer), ==, "A red square");
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (viewer), "A red square"));
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (viewer), "1 of 2"));
  width = 40;
  qtr_test_wait_until (full_image_shows, &width, "the first picture from the node");
  /* Nothing before the first: the key is not taken. */
  g_assert_false (qtr_app_test_press_shortcut (GTK_WIDGET (viewer), "Left"));
  g_assert_cmpuint (qtr_media_viewer_get_index (viewer), ==, 0);

  /* Zoom: in, out, and back to fitting the window. */
  g_assert_cmpfloat (qtr_media_viewer_get_zoom (viewer), ==, 0);
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (viewer), "<Control>plus"));
  g_assert_cmpfloat (qtr_media_viewer_get_zoom (viewer), >, 0);
  {
    double zoomed = qtr_media_viewer_get_zoom (viewer);

    g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (viewer), "<Control>minus"));
    g_assert_cmpfloat (qtr_media_viewer_get_zoom (viewer), <, zoomed);
  }
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (viewer), "<Control>0"));
  g_assert_cmpfloat (qtr_media_viewer_get_zoom (viewer), ==, 0);

  /* Right: the second picture and its alt text; Right again stays there; Left goes back. */
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (viewer), "Right"));
  g_assert_cmpuint (qtr_media_viewer_get_index (viewer), ==, 1);
  g_assert_cmpstr (qtr_media_viewer_get_description (viewer), ==, "A blue oblong");
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (viewer), "2 of 2"));
  width = 50;
  qtr_test_wait_until (full_image_shows, &width, "the second picture from the node");
  qtr_app_test_screenshot (GTK_WIDGET (viewer), "media-viewer");
  g_assert_false (qtr_app_test_press_shortcut (GTK_WIDGET (viewer), "Right"));
  g_assert_cmpuint (qtr_media_viewer_get_index (viewer), ==, 1);
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (viewer), "Left"));
  g_assert_cmpuint (qtr_media_viewer_get_index (viewer), ==, 0);

  /* Save As copies the file as the node serves it. */
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  saved = g_file_new_build_filename (g_get_user_data_dir (), "saved.png", NULL);
  qtr_media_viewer_save_to (viewer, saved);
  qtr_test_wait_until (file_is_complete, saved, "the saved file");
  {
    g_autoptr(GBytes) bytes = g_file_load_bytes (saved, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (bytes, first_png));
  }

  /* Escape closes it. */
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (viewer), "Escape"));
  qtr_test_wait_until (viewer_is_closed, NULL, "the viewer to close");

  gtk_window_destroy (window);
  qtr_app_test_settle ();
  g_clear_object (&client);
  qtr_test_peer_free (alice);
}

/* A video the viewer cannot play (no media backend, or one that fails on the file): the
 * preview and "Open in Browser", never a player that does not play. */
static gboolean
shows_unplayable (QtrMediaViewer *viewer)
{
  return g_strcmp0 (qtr_media_viewer_get_shown (viewer), "unplayable") == 0;
}

static void
test_media_viewer_video (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) media = g_ptr_array_new_with_free_func (g_object_unref);
  guint port = qtr_test_pick_free_port ();  /* nothing listens there */
  g_autofree char *json = g_strdup_printf ("{\"id\": \"7\", \"type\": \"video\", "
                                           "\"url\": \"http://127.0.0.1:%u/rising.mp4\", "
                                           "\"preview_url\": \"http://127.0.0.1:%u/rising.png\", "
                                           "\"description\": \"A loaf rising\"}", port, port);
  g_autoptr(JsonParser) parser = json_parser_new ();
  QtrMediaViewer *viewer;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  g_ptr_array_add (media, qtr_media_attachment_new_from_json (json_node_get_object (
                                                                json_parser_get_root (parser)),
                                                              &error));
  g_assert_no_error (error);
  viewer = qtr_media_viewer_new (NULL, media, 0);
  gtk_window_present (GTK_WINDOW (viewer));
  qtr_test_wait_until (shows_unplayable, viewer, "the viewer gives up on the video");
  qtr_app_test_settle ();
  g_assert_cmpstr (qtr_media_viewer_get_shown (viewer), ==, "unplayable");
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (viewer), "Open in Browser"));
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (viewer), "Open it in the browser"));
  g_assert_cmpstr (qtr_media_viewer_get_description (viewer), ==, "A loaf rising");
  gtk_window_destroy (GTK_WINDOW (viewer));
  qtr_app_test_settle ();
}

/* Grouped notifications */

static gboolean
one_group_row_shows (GtkWidget *view)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  guint shown = 0;

  qtr_app_test_collect (view, QTR_TYPE_NOTIFICATION_GROUP_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    shown += qtr_app_test_is_mapped (rows->pdata[i]);
  return shown == 1;
}

/* @node favourites Alice's post @uri, found on its node by a search that resolves it. */
static void
favourite (QtrTestPeer *node,
           QtrTestPeer *alice,
           const char     *uri,
           gint64          expected)
{
  g_autoptr(QtrApiClient) client = client_for (node);
  const char *query[] = { "q", uri, "resolve", "true", "type", "statuses", NULL };
  g_autoptr(JsonObject) found = api (client, "GET", "/api/v2/search", query, NULL);
  JsonArray *statuses = json_object_get_array_member (found, "statuses");
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) favourited = NULL;

  g_assert_cmpuint (json_array_get_length (statuses), ==, 1);
  path = g_strdup_printf ("/api/v1/statuses/%s/favourite",
                          json_object_get_string_member (json_array_get_object_element (statuses,
                                                                                        0),
                                                         "id"));
  favourited = api (client, "POST", path, NULL, NULL);
  /* Delivered before the next: the order of the names is the order of the favourites. */
  qtr_test_peer_wait_rows (alice, expected,
                           "SELECT count (*) FROM notifications WHERE type = 'favourite'",
                           "the favourites reached alice");
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (qtr_timeline_load_finish (QTR_TIMELINE (source), result, &error), >=, 0);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gboolean *flag)
{
  return *flag;
}

static void
test_grouped_notifications (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("quitter-test-groups-XXXXXX", &error);
  const char *names[] = { "bob", "carol", "dave" };
  const char *display_names[] = { "Bob", "Carol", "Dave" };
  QtrTestPeer *alice, *others[3];
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(JsonObject) post = NULL;
  g_autoptr(QtrNotificationList) list = NULL;
  const char *form[] = { "status", "The bread is out of the oven", "visibility", "public", NULL };
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  QtrNotificationGroupRow *group_row = NULL;
  gboolean loaded = FALSE;
  GtkWindow *window;
  GtkWidget *view;

  g_assert_no_error (error);
  alice = qtr_test_peer_start (root, "alice", NULL, FALSE);
  client = client_for (alice);
  post = api (client, "POST", "/api/v1/statuses", NULL, form);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      others[i] = qtr_test_peer_start (root, names[i], display_names[i], FALSE);
      favourite (others[i], alice, json_object_get_string_member (post, "uri"), i + 1);
    }

  list = qtr_notification_list_new (client, NULL, NULL, NULL);
  window = qtr_app_test_new_window (600, 600);
  view = qtr_timeline_view_new ();
  qtr_timeline_view_set_model (QTR_TIMELINE_VIEW (view), QTR_TIMELINE (list));
  adw_window_set_content (ADW_WINDOW (window), view);
  gtk_window_present (window);
  qtr_timeline_load_newer_async (QTR_TIMELINE (list), NULL, load_done_cb, &loaded);
  qtr_test_wait_until (is_true, &loaded, "the notifications");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);

  /* Three favourites of one post: one row, with the newest names first. */
  qtr_test_wait_until (one_group_row_shows, view, "the group's row");
  qtr_app_test_collect (view, QTR_TYPE_NOTIFICATION_GROUP_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (qtr_app_test_is_mapped (rows->pdata[i]))
      group_row = rows->pdata[i];
  g_assert_nonnull (group_row);
  g_assert_cmpstr (qtr_notification_group_row_get_title (group_row), ==,
                   "Dave, Carol and 1 other favourited your post");
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (group_row),
                                             "The bread is out of the oven"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (
                      qtr_timeline_view_get_list_view (QTR_TIMELINE_VIEW (view))))), ==, 1);
  qtr_app_test_screenshot (GTK_WIDGET (window), "notifications-grouped");

  gtk_window_destroy (window);
  qtr_app_test_settle ();
  g_clear_object (&list);
  g_clear_object (&client);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    qtr_test_peer_free (others[i]);
  qtr_test_peer_free (alice);
  qtr_test_remove_tree (root);
}

/* Lists and followed hashtags in the window's sidebar */

/* The node's owner, saved in the account list and the keyring and active, as after a login. */
static void
save_account (QtrTestPeer *node)
{
  g_autofree char *token = qtr_test_peer_mint_token (node);

  qtr_app_test_save_account (qtr_test_peer_get_base (node), "1", qtr_test_peer_get_handle (node),
                             "Alice", "client-id", "client-secret", token);
}

static gboolean
has_a_list (QtrMainView *view)
{
  return qtr_main_view_get_n_feeds (view, QTR_MAIN_VIEW_FEED_LIST) == 1;
}

static gboolean
has_list_and_tag (QtrMainView *view)
{
  return qtr_main_view_get_n_feeds (view, QTR_MAIN_VIEW_FEED_LIST) == 1 &&
         qtr_main_view_get_n_feeds (view, QTR_MAIN_VIEW_FEED_TAG) == 1;
}

static gboolean
tag_timeline_has_the_post (QtrMainView *view)
{
  QtrTimelineView *timeline = qtr_main_view_get_timeline (view, "tag:sourdough");

  return timeline != NULL && qtr_timeline_view_get_model (timeline) != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (qtr_timeline_view_get_model (timeline))) == 1 &&
         qtr_app_test_find_label (GTK_WIDGET (timeline), "A loaf of #sourdough") != NULL;
}

static void
test_window_feeds (void)
{
  QtrTestPeer *alice = qtr_test_peer_start (NULL, "alice", "Alice", FALSE);
  g_autoptr(QtrApiClient) client = client_for (alice);
  const char *list_form[] = { "title", "Bakers", NULL };
  const char *post_form[] = { "status", "A loaf of #sourdough", "visibility", "public", NULL };
  g_autoptr(JsonObject) list = api (client, "POST", "/api/v1/lists", NULL, list_form);
  g_autoptr(JsonObject) post = api (client, "POST", "/api/v1/statuses", NULL, post_form);
  g_autofree char *list_section = g_strconcat ("list:", json_object_get_string_member (list, "id"),
                                               NULL);
  GtkWidget *heading;
  QtrWindow *window;
  QtrMainView *view;

  save_account (alice);

  /* A list, no followed hashtag: the Lists heading and its entry; no hashtags heading. */
  window = g_object_new (QTR_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  view = qtr_window_get_main_view (window);
  qtr_test_wait_until (has_a_list, view, "the list in the sidebar");
  g_assert_true (qtr_main_view_has_section (view, list_section));
  g_assert_cmpstr (qtr_main_view_get_section_label (view, list_section), ==, "Bakers");
  heading = qtr_app_test_find_label (GTK_WIDGET (view), "Lists");
  g_assert_nonnull (heading);
  qtr_app_test_settle ();
  g_assert_cmpuint (qtr_main_view_get_n_feeds (view, QTR_MAIN_VIEW_FEED_TAG), ==, 0);
  g_assert_null (qtr_app_test_find_label (GTK_WIDGET (view), "Followed Hashtags"));

  /* Ctrl+K in the window: the search, whatever section showed. */
  qtr_main_view_select_section (view, list_section);
  g_assert_cmpstr (qtr_main_view_get_section (view), ==, list_section);
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (view), "<Control>k"));
  g_assert_cmpstr (qtr_main_view_get_section (view), ==, "search");
  gtk_window_destroy (GTK_WINDOW (window));
  qtr_app_test_settle ();

  /* A hashtag followed since: the next session shows it, and its timeline. */
  g_clear_pointer (&post, json_object_unref);
  post = api (client, "POST", "/api/v1/tags/sourdough/follow", NULL, NULL);
  window = g_object_new (QTR_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  view = qtr_window_get_main_view (window);
  qtr_test_wait_until (has_list_and_tag, view, "the list and the hashtag in the sidebar");
  g_assert_cmpstr (qtr_main_view_get_section_label (view, "tag:sourdough"), ==, "#sourdough");
  g_assert_nonnull (qtr_app_test_find_label (GTK_WIDGET (view), "Followed Hashtags"));
  qtr_main_view_select_section (view, "tag:sourdough");
  qtr_test_wait_until (tag_timeline_has_the_post, view, "the hashtag's timeline");
  qtr_app_test_screenshot (GTK_WIDGET (window), "sidebar-lists-hashtags");

  gtk_window_destroy (GTK_WINDOW (window));
  qtr_app_test_settle ();
  g_clear_object (&client);
  qtr_test_peer_free (alice);
}

int
main (int   argc,
      char *argv[])
{
  qtr_app_test_init (&argc, &argv);
  qtr_app_test_start_gtk ();

  g_test_add_func ("/app/search/remote-hashtag-post", test_search);
  g_test_add_func ("/app/media-viewer/two-images", test_media_viewer);
  g_test_add_func ("/app/media-viewer/video-not-faked", test_media_viewer_video);
  g_test_add_func ("/app/notifications/grouped", test_grouped_notifications);
  g_test_add_func ("/app/window/lists-and-hashtags", test_window_feeds);
  return g_test_run ();
}
