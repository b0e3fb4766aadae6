/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <locale.h>

#include "qtr-app-test.h"
#include "qtr-client-test.h"
#include "qtr-clock.h"
#include "qtr-image-loader.h"
#include "qtr-json.h"
#include "qtr-login-page.h"
#include "qtr-login.h"
#include "qtr-main-view.h"
#include "qtr-status-row.h"
#include "qtr-test-util.h"
#include "qtr-thread-view.h"
#include "qtr-timeline-view.h"
#include "qtr-window.h"

/* The client's windows under Xvfb, in real windows: logging in against a loopback server that
 * answers like Mastodon (discovery, apps, token, verify_credentials, the home timeline) with
 * the test session's real keyring; the timeline's rows from the JSON fixtures; keyboard
 * navigation; the leaflet folding at phone width; the image loader's cache against a loopback
 * server of PNGs. With QTR_SCREENSHOT_DIR set, the windows are saved there as PNG files. */

#define CLIENT_ID "app-test-client-id"
#define CLIENT_SECRET "app-test-client-secret"
#define TOKEN "app-test-token-4f2a"
#define TOKEN2 "app-test-token-93c0"

/* The sections that the window gives a timeline. */
static const char *timeline_section_names[] = {
  "home", "notifications", "mentions", "local", "federated", "bookmarks", "favourites",
};

/* Helpers */

static JsonObject *
load_status_json (const char *flavour)
{
  g_autofree char *folder = g_build_filename ("client", flavour, NULL);
  g_autoptr(GBytes) bytes = qtr_test_load_data (folder, "status.json");
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  object = qtr_json_parse_object (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                  &error);
  g_assert_no_error (error);
  return object;
}

/* A home timeline (of a server that is never asked) holding the four fixture posts, Mastodon's
 * first: as they would have come in by streaming, while its top showed. */
static QtrTimeline *
load_fixture_timeline (void)
{
  static const char *flavours[] = { "mastodon", "gotosocial", "akkoma", "snac" };
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  QtrTimeline *timeline;

  client = qtr_api_client_new ("http://127.0.0.1:9", "unused-token", &error);
  g_assert_no_error (error);
  timeline = qtr_timeline_new (client, NULL, NULL, QTR_TIMELINE_HOME, NULL);
  qtr_timeline_set_at_top (timeline, TRUE);
  for (guint i = G_N_ELEMENTS (flavours); i > 0; i--)
    {
      g_autoptr(JsonObject) status = load_status_json (flavours[i - 1]);

      g_assert_true (qtr_timeline_add_entity (timeline, status));
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 4);
  return timeline;
}

static GBytes *
make_real_png (int width,
               int height)
{
  gsize stride = (gsize) width * 4;
  g_autofree guint8 *pixels = g_malloc (stride * height);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  for (gsize i = 0; i < stride * height; i += 4)
    {
      pixels[i] = 0x33;
      pixels[i + 1] = 0x99;
      pixels[i + 2] = (guint8) (i / 4);
      pixels[i + 3] = 0xff;
    }
  data = g_bytes_new (pixels, stride * height);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, data, stride);
  return gdk_texture_save_to_png_bytes (texture);
}

/* A server of PNGs: /WIDTHxHEIGHT.png */
static void
png_cb (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  int width, height;
  g_autoptr(GBytes) png = NULL;

  if (sscanf (path, "/img/%dx%d.png", &width, &height) != 2)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  png = make_real_png (width, height);
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "image/png", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (png, NULL), g_bytes_get_size (png));
}

/* The image loader */

static GdkPaintable *
load_image (QtrImageLoader *loader,
            const char     *url,
            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_image_loader_load_async (loader, url, NULL, qtr_test_result_cb, &result);
  return qtr_image_loader_load_finish (loader, qtr_test_wait (&result), error);
}

static void
test_image_loader (void)
{
  g_autoptr(QtrTestServer) server = qtr_test_server_new ();
  /* Room for one 64×64 image (16 KiB decoded) and a 32×32 one (4 KiB), not two 64×64. */
  g_autoptr(QtrImageLoader) loader = qtr_image_loader_new (64 * 64 * 4 + 32 * 32 * 4);
  g_autofree char *big = NULL;
  g_autofree char *big2 = NULL;
  g_autofree char *small = NULL;
  g_autofree char *missing = NULL;
  g_autoptr(GdkPaintable) image = NULL;
  g_autoptr(GdkPaintable) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GdkPaintable) one = NULL;
  g_autoptr(GdkPaintable) two = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GdkPaintable) none = NULL;

  qtr_test_server_add (server, "/img", png_cb, NULL);
  big = g_strdup_printf ("%s/img/64x64.png", server->base);
  big2 = g_strdup_printf ("%s/img/60x64.png", server->base);
  small = g_strdup_printf ("%s/img/32x32.png", server->base);
  missing = g_strdup_printf ("%s/nothing.png", server->base);

  image = load_image (loader, big, &error);
  g_assert_no_error (error);
  g_assert_true (GDK_IS_TEXTURE (image));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (image), ==, 64);
  g_assert_cmpuint (qtr_image_loader_get_cached_bytes (loader), ==, 64 * 64 * 4);

  /* From the cache: the same texture, no second request. */
  again = load_image (loader, big, &error);
  g_assert_no_error (error);
  g_assert_true (again == image);
  g_assert_cmpuint (qtr_test_server_count (server, "GET /img/64x64.png"), ==, 1);

  /* Two requests at once for one URL make one download. */
  qtr_image_loader_load_async (loader, small, NULL, qtr_test_result_cb, &first);
  qtr_image_loader_load_async (loader, small, NULL, qtr_test_result_cb, &second);
  one = qtr_image_loader_load_finish (loader, qtr_test_wait (&first), &error);
  g_assert_no_error (error);
  two = qtr_image_loader_load_finish (loader, qtr_test_wait (&second), &error);
  g_assert_no_error (error);
  g_assert_true (one == two);
  g_assert_cmpuint (qtr_test_server_count (server, "GET /img/32x32.png"), ==, 1);
  g_assert_cmpuint (qtr_image_loader_get_n_cached (loader), ==, 2);

  /* The bound holds: another big image pushes out the least recently used (the big one, since
   * the small one was used last). */
  g_clear_object (&again);
  again = load_image (loader, big2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qtr_image_loader_get_cached_bytes (loader), <=,
                    qtr_image_loader_get_max_bytes (loader));
  g_assert_null (qtr_image_loader_lookup (loader, big));
  g_clear_object (&one);
  one = qtr_image_loader_lookup (loader, small);
  g_assert_nonnull (one);

  /* A missing image and a cancelled request are errors, not crashes. */
  none = load_image (loader, missing, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "404"));
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  qtr_image_loader_load_async (loader, small, cancellable, qtr_test_result_cb, &cancelled);
  g_assert_null (qtr_image_loader_load_finish (loader, qtr_test_wait (&cancelled), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The relative time */

static void
test_relative_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 27, 12, 0, 0);
  g_autoptr(GDateTime) seconds = g_date_time_add_seconds (now, -20);
  g_autoptr(GDateTime) minutes = g_date_time_add_minutes (now, -5);
  g_autoptr(GDateTime) hours = g_date_time_add_hours (now, -3);
  g_autoptr(GDateTime) days = g_date_time_add_days (now, -2);
  g_autofree char *a = qtr_format_relative_time (seconds, now);
  g_autofree char *b = qtr_format_relative_time (minutes, now);
  g_autofree char *c = qtr_format_relative_time (hours, now);
  g_autofree char *d = qtr_format_relative_time (days, now);
  g_autofree char *e = qtr_format_relative_time_long (minutes, now);
  g_autofree char *f = qtr_format_relative_time_long (hours, now);

  g_assert_cmpstr (a, ==, "now");
  g_assert_cmpstr (b, ==, "5 min");
  g_assert_cmpstr (c, ==, "3 h");
  g_assert_cmpstr (d, ==, "2 d");
  g_assert_cmpstr (e, ==, "5 minutes ago");
  g_assert_cmpstr (f, ==, "3 hours ago");
}

/* The timeline */

static QtrStatusRow *
find_row_for (GtkWidget  *root,
              const char *acct)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  qtr_app_test_collect (root, QTR_TYPE_STATUS_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      QtrStatus *status = qtr_status_row_get_status (rows->pdata[i]);

      if (status != NULL &&
          g_str_equal (qtr_account_get_acct (qtr_status_get_account (qtr_status_get_shown (status))),
                       acct))
        return rows->pdata[i];
    }
  return NULL;
}

static gboolean
has_four_rows (gpointer root)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  qtr_app_test_collect (root, QTR_TYPE_STATUS_ROW, rows);
  return rows->len == 4;
}

static gboolean
has_rows (gpointer root)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  qtr_app_test_collect (root, QTR_TYPE_STATUS_ROW, rows);
  return rows->len > 0;
}

static void
record_string_cb (GObject    *object,
                  const char *value,
                  char      **slot)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

static void
record_status_cb (GObject    *object,
                  QtrStatus  *status,
                  QtrStatus **slot)
{
  *slot = status;
}

static gboolean
has_binding (GtkWidget  *widget,
             const char *trigger,
             const char *action)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (trigger);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *named = gtk_shortcut_get_action (shortcut);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted) &&
              GTK_IS_NAMED_ACTION (named) &&
              g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (named)), action))
            return TRUE;
        }
    }
  return FALSE;
}

static void
test_timeline (void)
{
  g_autoptr(QtrTimeline) statuses = load_fixture_timeline ();
  GtkWindow *window = qtr_app_test_new_window (600, 900);
  QtrTimelineView *view = QTR_TIMELINE_VIEW (qtr_timeline_view_new ());
  QtrStatusRow *alice, *grace, *erin;
  g_autofree char *text = NULL;
  g_autofree char *mention = NULL;
  g_autofree char *hashtag = NULL;
  QtrStatus *opened = NULL;
  QtrClock *clock = qtr_clock_get_default ();
  g_autoptr(GDateTime) now = g_date_time_new_utc (2024, 10, 30, 12, 5, 0);

  qtr_clock_set_now (clock, now);
  qtr_timeline_view_set_model (view, statuses);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (view));
  g_signal_connect (view, "mention-activated", G_CALLBACK (record_string_cb), &mention);
  g_signal_connect (view, "hashtag-activated", G_CALLBACK (record_string_cb), &hashtag);
  g_signal_connect (view, "status-activated", G_CALLBACK (record_status_cb), &opened);
  gtk_window_present (window);
  qtr_test_wait_until (qtr_app_test_is_mapped, view, "the timeline shows");
  qtr_test_wait_until (has_four_rows, view, "the four posts have rows");

  /* Rows held the one clock while they show. */
  g_assert_true (qtr_clock_is_running (clock));

  /* The boost: Alice's post under "bob boosted", with its content warning collapsed. */
  alice = find_row_for (GTK_WIDGET (view), "alice");
  g_assert_nonnull (alice);
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (alice), "Alice 🌻"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (alice), "@alice"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (alice), "bob boosted"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (alice), "Garden photos"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (alice), "6 min"));
  g_assert_false (qtr_status_row_get_content_revealed (alice));
  g_assert_false (qtr_app_test_shows_label (GTK_WIDGET (alice), "Tomatoes"));
  text = qtr_status_row_dup_accessible_text (alice);
  g_assert_true (g_str_has_prefix (text, "Alice 🌻 (@alice), 6 minutes ago. bob boosted. "));
  g_assert_nonnull (strstr (text, "Content warning: Garden photos."));
  g_assert_null (strstr (text, "Tomatoes"));
  g_clear_pointer (&text, g_free);
  /* Counts of the boosted post, not of the boost. */
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (alice), "17"));

  /* Revealed, the content reads and its links go where they should. */
  qtr_status_row_set_content_revealed (alice, TRUE);
  qtr_app_test_settle ();
  g_assert_true (qtr_status_row_get_content_revealed (alice));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (alice), "Tomatoes!"));
  text = qtr_status_row_dup_accessible_text (alice);
  g_assert_nonnull (strstr (text, "Tomatoes!"));
  g_assert_true (qtr_status_row_activate_link (alice, "https://other.example/@carol"));
  g_assert_cmpstr (mention, ==, "https://other.example/@carol");
  g_assert_true (qtr_status_row_activate_link (alice, "https://mastodon.example/tags/gardening"));
  g_assert_cmpstr (hashtag, ==, "gardening");

  /* Other servers' posts: names, text, and a display name that falls back to the handle. */
  grace = find_row_for (GTK_WIDGET (view), "grace");
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (grace), "Grace"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (grace), "Which one?"));
  g_assert_true (qtr_status_row_get_content_revealed (grace));
  erin = find_row_for (GTK_WIDGET (view), "erin");
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (erin), "Followers only, with a picture."));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (erin), "erin"));
  qtr_app_test_screenshot (GTK_WIDGET (window), "timeline");

  /* The time moves on with the clock's tick. */
  {
    g_autoptr(GDateTime) later = g_date_time_add_hours (now, 2);

    qtr_clock_set_now (clock, later);
    g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (alice), "2 h"));
  }

  /* Keyboard: j and k are bound, and move the selection; Enter opens the selected post. */
  g_assert_true (has_binding (GTK_WIDGET (view), "j", "timeline.next"));
  g_assert_true (has_binding (GTK_WIDGET (view), "k", "timeline.previous"));
  g_assert_true (has_binding (GTK_WIDGET (view), "Return", "timeline.open"));
  g_assert_cmpuint (qtr_timeline_view_get_selected (view), ==, GTK_INVALID_LIST_POSITION);
  gtk_widget_activate_action (GTK_WIDGET (view), "timeline.next", NULL);
  g_assert_cmpuint (qtr_timeline_view_get_selected (view), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (view), "timeline.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "timeline.next", NULL);
  g_assert_cmpuint (qtr_timeline_view_get_selected (view), ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (view), "timeline.previous", NULL);
  g_assert_cmpuint (qtr_timeline_view_get_selected (view), ==, 1);
  for (guint i = 0; i < 6; i++)
    gtk_widget_activate_action (GTK_WIDGET (view), "timeline.next", NULL);
  g_assert_cmpuint (qtr_timeline_view_get_selected (view), ==, 3);
  qtr_app_test_settle ();
  /* The focus followed the selection. */
  {
    GtkWidget *focus = gtk_window_get_focus (window);

    g_assert_nonnull (focus);
    g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (view)));
  }
  gtk_widget_activate_action (GTK_WIDGET (view), "timeline.open", NULL);
  {
    g_autoptr(QtrTimelineItem) last = g_list_model_get_item (G_LIST_MODEL (statuses), 3);

    g_assert_true (opened == qtr_timeline_item_get_status (last));
  }

  gtk_window_destroy (window);
  qtr_app_test_settle ();
  /* No row shows: the clock sleeps. */
  g_assert_false (qtr_clock_is_running (clock));
  qtr_clock_set_now (clock, NULL);
}

static GtkWidget *
find_pending_button (GtkWidget *root)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]),
                     "timeline.show-pending") == 0)
        return buttons->pdata[i];
    }
  return NULL;
}

static void
count_cb (GObject *object,
          guint   *count)
{
  (*count)++;
}

/* A post that arrives while the user reads further down is held: the button says so, and
 * lets it in. */
static void
test_pending (void)
{
  g_autoptr(QtrTimeline) model = load_fixture_timeline ();
  g_autoptr(JsonObject) newer = qtr_test_status_new ("999999999999999999", "Held back");
  GtkWindow *window = qtr_app_test_new_window (500, 600);
  QtrTimelineView *view = QTR_TIMELINE_VIEW (qtr_timeline_view_new ());
  GtkWidget *button;
  guint shown = 0;

  qtr_timeline_view_set_model (view, model);
  g_signal_connect (view, "show-pending", G_CALLBACK (count_cb), &shown);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (window);
  qtr_test_wait_until (qtr_app_test_is_mapped, view, "the timeline shows");
  g_assert_true (qtr_timeline_get_at_top (model));

  g_assert_null (find_pending_button (GTK_WIDGET (view)));
  qtr_timeline_set_at_top (model, FALSE);  /* as when scrolled down */
  g_assert_true (qtr_timeline_add_entity (model, newer));
  qtr_app_test_settle ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);
  button = find_pending_button (GTK_WIDGET (view));
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "1 new post");
  g_assert_cmpuint (qtr_timeline_view_get_n_pending (view), ==, 1);
  qtr_app_test_screenshot (GTK_WIDGET (window), "timeline-new-posts");
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpuint (shown, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5);
  qtr_app_test_settle ();
  g_assert_null (find_pending_button (GTK_WIDGET (view)));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (view), "Held back"));
  gtk_window_destroy (window);
}

/* The row asks its loader for the avatar and the media */

static void
test_row_images (void)
{
  g_autoptr(QtrTestServer) server = qtr_test_server_new ();
  g_autoptr(QtrImageLoader) loader = qtr_image_loader_new (1024 * 1024);
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrStatus) status = NULL;
  GtkWindow *window = qtr_app_test_new_window (500, 400);
  QtrStatusRow *row = QTR_STATUS_ROW (qtr_status_row_new ());
  AdwAvatar *avatar;
  g_autoptr(GPtrArray) pictures = g_ptr_array_new ();
  GtkWidget *thumbnail;

  qtr_test_server_add (server, "/img", png_cb, NULL);
  json = g_strdup_printf (
    "{\"id\":\"1\",\"created_at\":\"2024-10-30T12:00:00.000Z\",\"content\":\"<p>Look</p>\","
    "\"sensitive\":true,\"spoiler_text\":\"\",\"visibility\":\"public\",\"uri\":\"https://a.example/1\","
    "\"account\":{\"id\":\"9\",\"username\":\"dan\",\"acct\":\"dan@a.example\","
    "\"display_name\":\"Dan\",\"url\":\"https://a.example/@dan\",\"avatar\":\"%s/img/48x48.png\"},"
    "\"media_attachments\":[{\"id\":\"5\",\"type\":\"image\",\"url\":\"%s/img/80x60.png\","
    "\"preview_url\":\"%s/img/40x30.png\",\"description\":\"A red kite\"}]}",
    server->base, server->base, server->base);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  status = qtr_status_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);

  qtr_status_row_set_image_loader (row, loader);
  qtr_status_row_set_status (row, status);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (row));
  gtk_window_present (window);
  qtr_test_wait_until (qtr_app_test_is_mapped, row, "the row shows");

  /* The avatar arrives from the loader; the sensitive thumbnail is not even fetched. */
  avatar = ADW_AVATAR (qtr_app_test_find (GTK_WIDGET (row), ADW_TYPE_AVATAR));
  while (adw_avatar_get_custom_image (avatar) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (adw_avatar_get_custom_image (avatar)), ==,
                   48);
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (row), "Sensitive Media"));
  g_assert_cmpuint (qtr_test_server_count (server, "GET /img/40x30.png"), ==, 0);

  /* A click shows it. */
  thumbnail = qtr_app_test_find (GTK_WIDGET (row), GTK_TYPE_BUTTON);
  while (thumbnail != NULL && !gtk_widget_has_css_class (thumbnail, "media-thumbnail"))
    thumbnail = NULL;
  {
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

    qtr_app_test_collect (GTK_WIDGET (row), GTK_TYPE_BUTTON, buttons);
    for (guint i = 0; i < buttons->len; i++)
      if (gtk_widget_has_css_class (buttons->pdata[i], "media-thumbnail"))
        thumbnail = buttons->pdata[i];
  }
  g_assert_nonnull (thumbnail);
  g_signal_emit_by_name (thumbnail, "clicked");
  g_assert_false (qtr_app_test_shows_label (GTK_WIDGET (row), "Sensitive Media"));
  qtr_app_test_collect (GTK_WIDGET (row), GTK_TYPE_PICTURE, pictures);
  g_assert_cmpuint (pictures->len, ==, 1);
  while (gtk_picture_get_paintable (pictures->pdata[0]) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (qtr_test_server_count (server, "GET /img/40x30.png"), ==, 1);
  qtr_app_test_screenshot (GTK_WIDGET (window), "row-media");

  gtk_window_destroy (window);
  qtr_app_test_settle ();
}

/* The main view */

static gboolean
is_folded (gpointer leaflet)
{
  return adw_leaflet_get_folded (leaflet);
}

static gboolean
is_unfolded (gpointer leaflet)
{
  return !adw_leaflet_get_folded (leaflet);
}

static void
test_main_view_adaptive (void)
{
  g_autoptr(QtrTimeline) statuses = load_fixture_timeline ();
  GtkWindow *window = qtr_app_test_new_window (1000, 700);
  QtrMainView *view = QTR_MAIN_VIEW (qtr_main_view_new ());
  AdwLeaflet *leaflet = qtr_main_view_get_leaflet (view);
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_stored_account_free);
  static const char *sections[] = {
    "home", "notifications", "mentions", "local", "federated", "bookmarks", "favourites",
    "lists", "search",
  };

  g_ptr_array_add (accounts, qtr_stored_account_new ("https://a.example", "1", "@ann@a.example",
                                                     "Ann"));
  g_ptr_array_add (accounts, qtr_stored_account_new ("https://b.example", "2", "@bo@b.example",
                                                     NULL));
  qtr_main_view_set_accounts (view, accounts, "@ann@a.example");
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (window);
  qtr_test_wait_until (qtr_app_test_is_mapped, view, "the main view shows");

  /* No section has a page yet: none shows in the sidebar. */
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    g_assert_false (qtr_main_view_has_section (view, sections[i]));
  qtr_main_view_set_timeline (view, "home", statuses);
  g_assert_true (qtr_main_view_has_section (view, "home"));
  g_assert_false (qtr_main_view_has_section (view, "notifications"));
  g_assert_cmpstr (qtr_main_view_get_section (view), ==, "home");
  g_assert_cmpstr (qtr_main_view_get_section_label (view, "home"), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Home"));
  g_assert_cmpuint (qtr_main_view_get_n_accounts (view), ==, 2);
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (view), "@bo@b.example"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (view), "Ann"));

  /* Wide: sidebar and content side by side. */
  qtr_test_wait_until (is_unfolded, leaflet, "the leaflet unfolds at 1000 px");
  qtr_test_wait_until (has_rows, view, "the home timeline shows");
  qtr_app_test_screenshot (GTK_WIDGET (window), "main-wide");

  /* Phone width: one pane, and a back button from the content to the sidebar. */
  gtk_window_set_default_size (window, 360, 700);
  qtr_test_wait_until (is_folded, leaflet, "the leaflet folds at 360 px");
  adw_leaflet_set_visible_child_name (leaflet, "content");
  qtr_app_test_settle ();
  qtr_app_test_screenshot (GTK_WIDGET (window), "main-narrow-content");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "main.back", NULL));
  qtr_app_test_settle ();
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "sidebar");
  qtr_app_test_screenshot (GTK_WIDGET (window), "main-narrow-sidebar");

  gtk_window_set_default_size (window, 1000, 700);
  qtr_test_wait_until (is_unfolded, leaflet, "the leaflet unfolds again");

  /* A section without a model goes away again. */
  qtr_main_view_set_timeline (view, "home", NULL);
  g_assert_false (qtr_main_view_has_section (view, "home"));
  gtk_window_destroy (window);
}

/* Logging in, as a person does, against a loopback server that answers like Mastodon. */

typedef struct {
  QtrTestServer *server;
  char          *redirect_uri;
  char          *challenge;     /* of the code issued */
  char          *code;
  guint          tokens_issued;
} LoginServer;

static GHashTable *
read_form (SoupServerMessage *message)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return soup_form_decode (text);
}

static void
apps_cb (SoupServer        *server,
         SoupServerMessage *message,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  LoginServer *login = user_data;
  g_autoptr(GHashTable) form = read_form (message);

  g_free (login->redirect_uri);
  login->redirect_uri = g_strdup (g_hash_table_lookup (form, "redirect_uris"));
  qtr_test_reply_json (message, 200,
                       "{\"id\":\"1\",\"name\":\"Quitter\",\"client_id\":\"" CLIENT_ID "\","
                       "\"client_secret\":\"" CLIENT_SECRET "\"}");
}

static char *
s256 (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autofree char *base64 = NULL;
  GString *text = g_string_new (NULL);

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  base64 = g_base64_encode (digest, length);
  for (const char *p = base64; *p != '\0' && *p != '='; p++)
    g_string_append_c (text, *p == '+' ? '-' : *p == '/' ? '_' : *p);
  return g_string_free (text, FALSE);
}

static void
token_cb (SoupServer        *server,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  LoginServer *login = user_data;
  g_autoptr(GHashTable) form = read_form (message);
  const char *verifier = g_hash_table_lookup (form, "code_verifier");
  g_autofree char *computed = verifier ? s256 (verifier) : NULL;

  if (login->code == NULL ||
      g_strcmp0 (g_hash_table_lookup (form, "code"), login->code) != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "client_id"), CLIENT_ID) != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), login->redirect_uri) != 0 ||
      g_strcmp0 (computed, login->challenge) != 0)
    {
      qtr_test_reply_json (message, 400, "{\"error\":\"invalid_grant\"}");
      return;
    }
  /* A code works once. */
  g_clear_pointer (&login->code, g_free);
  /* The first login is Alice's, the second Grace's. */
  if (login->tokens_issued++ == 0)
    qtr_test_reply_json (message, 200, "{\"access_token\":\"" TOKEN "\",\"token_type\":\"Bearer\","
                                       "\"scope\":\"read write follow push\",\"created_at\":1}");
  else
    qtr_test_reply_json (message, 200, "{\"access_token\":\"" TOKEN2 "\",\"token_type\":"
                                       "\"Bearer\",\"scope\":\"read write follow push\","
                                       "\"created_at\":2}");
}

/* Returns: 1 for Alice's token, 2 for Grace's, 0 for anything else */
static guint
authorized (SoupServerMessage *message)
{
  const char *header = soup_message_headers_get_one (
    soup_server_message_get_request_headers (message), "Authorization");

  if (g_strcmp0 (header, "Bearer " TOKEN) == 0)
    return 1;
  if (g_strcmp0 (header, "Bearer " TOKEN2) == 0)
    return 2;
  return 0;
}

static void
serve_file (SoupServerMessage *message,
            const char        *folder,
            const char        *name)
{
  g_autoptr(GBytes) bytes = qtr_test_load_data (folder, name);

  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
verify_credentials_cb (SoupServer        *server,
                       SoupServerMessage *message,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  guint who = authorized (message);

  if (who == 0)
    {
      qtr_test_reply_json (message, 401, "{\"error\":\"The access token is invalid\"}");
      return;
    }
  serve_file (message, who == 1 ? "client/mastodon" : "client/akkoma", "account.json");
}

static void
home_cb (SoupServer        *server,
         SoupServerMessage *message,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  static const char *flavours[] = { "mastodon", "gotosocial", "akkoma", "snac" };
  g_autoptr(GString) json = g_string_new ("[");

  if (!authorized (message))
    {
      qtr_test_reply_json (message, 401, "{\"error\":\"The access token is invalid\"}");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (flavours); i++)
    {
      g_autofree char *folder = g_build_filename ("client", flavours[i], NULL);
      g_autofree char *text = qtr_test_load_text (folder, "status.json");

      g_string_append_printf (json, "%s%s", i > 0 ? "," : "", text);
    }
  g_string_append (json, "]");
  qtr_test_reply_json (message, 200, json->str);
}

static void
revoke_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  qtr_test_reply_json (message, 200, "{}");
}

static LoginServer *
login_server_new (void)
{
  LoginServer *login = g_new0 (LoginServer, 1);

  login->server = qtr_test_server_new ();
  qtr_test_server_serve_flavour (login->server, "mastodon");
  qtr_test_server_add (login->server, "/api/v1/apps", apps_cb, login);
  qtr_test_server_add (login->server, "/oauth/token", token_cb, login);
  qtr_test_server_add (login->server, "/oauth/revoke", revoke_cb, login);
  qtr_test_server_add (login->server, "/api/v1/accounts/verify_credentials",
                       verify_credentials_cb, login);
  qtr_test_server_add (login->server, "/api/v1/timelines/home", home_cb, login);
  /* The window's other timelines, empty. */
  qtr_test_timeline_new (login->server, "/api/v1/notifications");
  qtr_test_timeline_new (login->server, "/api/v1/timelines/public");
  qtr_test_timeline_new (login->server, "/api/v1/bookmarks");
  qtr_test_timeline_new (login->server, "/api/v1/favourites");
  return login;
}

static void
login_server_free (LoginServer *login)
{
  qtr_test_server_free (login->server);
  g_free (login->redirect_uri);
  g_free (login->challenge);
  g_free (login->code);
  g_free (login);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoginServer, login_server_free)

/* The user approves in the browser: the server issues a code for the authorization's
 * challenge. Returns the state to send back. */
static char *
approve (LoginServer *login,
         const char  *authorize_url)
{
  g_autoptr(GUri) uri = g_uri_parse (authorize_url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = NULL;

  g_assert_nonnull (uri);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, login->redirect_uri);
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_free (login->challenge);
  login->challenge = g_strdup (g_hash_table_lookup (params, "code_challenge"));
  g_free (login->code);
  login->code = g_strdup ("pasted-code-8d1e");
  return g_strdup (g_hash_table_lookup (params, "state"));
}

/* The browser follows the server's redirect back to Quitter's loopback receiver. */
static guint
browse_back (const char *redirect_uri,
             const char *code,
             const char *state)
{
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autofree char *escaped = g_uri_escape_string (state, NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("%s?code=%s&state=%s", redirect_uri, code, escaped);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_session_send_and_read_async (browser, message, G_PRIORITY_DEFAULT, NULL,
                                    qtr_test_result_cb, &result);
  body = soup_session_send_and_read_finish (browser, qtr_test_wait (&result), &error);
  g_assert_no_error (error);
  return soup_message_get_status (message);
}

static gboolean
login_settled (gpointer page)
{
  return !qtr_login_page_get_busy (page);
}

static gboolean
login_at_code (gpointer page)
{
  return g_strcmp0 (qtr_login_page_get_stage (page), "code") == 0 &&
         !qtr_login_page_get_busy (page);
}

static gboolean
login_has_error (gpointer page)
{
  return qtr_login_page_get_error (page) != NULL;
}

static gboolean
login_at_browser (gpointer page)
{
  return g_strcmp0 (qtr_login_page_get_stage (page), "browser") == 0 &&
         !qtr_login_page_get_busy (page);
}

static gboolean
window_at_main (gpointer window)
{
  return g_strcmp0 (qtr_window_get_page (window), "main") == 0;
}

static gboolean
window_at_welcome (gpointer window)
{
  return g_strcmp0 (qtr_window_get_page (window), "welcome") == 0;
}

static gboolean
home_shown (gpointer view)
{
  return qtr_main_view_has_section (view, "home");
}

static char *
lookup_token (const char *handle)
{
  static const SecretSchema schema = {
    APP_ID, SECRET_SCHEMA_DONT_MATCH_NAME,
    { { "handle", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (&schema, NULL, &error, "handle", handle, NULL);

  g_assert_no_error (error);
  return secret;
}

static gboolean
two_accounts (gpointer view)
{
  return qtr_main_view_get_n_accounts (view) == 2;
}

static gboolean
one_account (gpointer view)
{
  return qtr_main_view_get_n_accounts (view) == 1;
}

/* The active account as the saved list has it. */
static const char *
active_account (void)
{
  static char *active;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrAccountStore) store = qtr_account_store_new (NULL, &error);

  g_assert_no_error (error);
  g_free (active);
  active = g_strdup (qtr_account_store_get_active (store));
  return active;
}

static void
activate_account_row (QtrMainView *view,
                      const char  *handle)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  qtr_app_test_collect (GTK_WIDGET (view), GTK_TYPE_LIST_BOX_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      if (g_str_equal (gtk_widget_get_name (rows->pdata[i]), handle))
        {
          g_assert_true (gtk_widget_activate (rows->pdata[i]));
          return;
        }
    }
  g_error ("No row for %s in the sidebar", handle);
}

static void
log_out_confirmed (QtrWindow  *window,
                   const char *handle)
{
  AdwMessageDialog *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.log-out", NULL));
  while (dialog == NULL && g_get_monotonic_time () < deadline)
    {
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

          if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
            dialog = ADW_MESSAGE_DIALOG (toplevel);
        }
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), handle));
  adw_message_dialog_response (dialog, "log-out");
}

static void
submit (QtrLoginPage *page)
{
  gtk_widget_activate_action (GTK_WIDGET (page), "login.continue", NULL);
  qtr_test_wait_until (login_settled, page, "the login page has an answer");
}

static void
test_login (void)
{
  g_autoptr(LoginServer) login = login_server_new ();
  g_autoptr(QtrTestServer) not_mastodon = qtr_test_server_new ();
  QtrWindow *window = g_object_new (QTR_TYPE_WINDOW, NULL);
  QtrLoginPage *page = qtr_window_get_login_page (window);
  QtrMainView *main_view = qtr_window_get_main_view (window);
  AdwEntryRow *server_row;
  AdwEntryRow *code_row;
  g_autofree char *unreachable = g_strdup_printf ("127.0.0.1:%u", qtr_test_pick_free_port ());
  g_autofree char *address = g_strdup (login->server->base + strlen ("http://"));
  g_autofree char *secret = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  qtr_test_wait_until (qtr_app_test_is_mapped, window, "the window shows");

  /* No account yet: the welcome page, and its button leads to the login page. */
  g_assert_cmpstr (qtr_window_get_page (window), ==, "welcome");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-account", NULL));
  g_assert_cmpstr (qtr_window_get_page (window), ==, "login");
  g_assert_cmpstr (qtr_login_page_get_stage (page), ==, "server");
  server_row = ADW_ENTRY_ROW (qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW,
                                                     "Server or Account"));
  g_assert_nonnull (server_row);

  /* Nothing typed, nothing listening, not a Mastodon API: each says so. */
  submit (page);
  g_assert_nonnull (strstr (qtr_login_page_get_error (page), "Type a server name"));
  gtk_editable_set_text (GTK_EDITABLE (server_row), unreachable);
  submit (page);
  g_assert_true (g_str_has_prefix (qtr_login_page_get_error (page), "Could not reach"));
  g_assert_cmpstr (qtr_login_page_get_stage (page), ==, "server");
  qtr_app_test_screenshot (GTK_WIDGET (window), "login-unreachable");
  {
    g_autofree char *other = g_strdup (not_mastodon->base + strlen ("http://"));

    gtk_editable_set_text (GTK_EDITABLE (server_row), other);
    submit (page);
    g_assert_nonnull (strstr (qtr_login_page_get_error (page),
                              "does not look like a Mastodon-compatible server"));
  }

  /* The real one: discovery, then the browser (there is none in the test session: the page
   * says so and offers the link), waiting on the loopback redirect. */
  gtk_editable_set_text (GTK_EDITABLE (server_row), address);
  gtk_widget_activate_action (GTK_WIDGET (page), "login.continue", NULL);
  qtr_test_wait_until (login_at_browser, page, "the login waits for the browser");
  g_assert_true (g_str_has_prefix (login->redirect_uri, "http://127.0.0.1:"));
  g_assert_true (g_str_has_prefix (qtr_login_page_get_authorize_url (page),
                                   login->server->base));
  /* The test session has no browser: the page says so, and the wait goes on. */
  qtr_test_wait_until (login_has_error, page, "the page says there is no browser");
  g_assert_true (g_str_has_prefix (qtr_login_page_get_error (page), "Could not open a web browser"));
  g_assert_cmpstr (qtr_login_page_get_stage (page), ==, "browser");
  qtr_app_test_screenshot (GTK_WIDGET (window), "login-browser");

  /* "Paste a code instead": registered again for the out-of-band redirect. */
  gtk_widget_activate_action (GTK_WIDGET (page), "login.use-code", NULL);
  qtr_test_wait_until (login_at_code, page, "the login asks for the code");
  qtr_test_wait_until (login_has_error, page, "the page says there is no browser");
  g_assert_cmpstr (login->redirect_uri, ==, "urn:ietf:wg:oauth:2.0:oob");
  g_free (approve (login, qtr_login_page_get_authorize_url (page)));
  code_row = ADW_ENTRY_ROW (qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW,
                                                   "Authorization Code"));
  g_assert_nonnull (code_row);

  /* A wrong code is refused, and the page says what to do. */
  gtk_editable_set_text (GTK_EDITABLE (code_row), "not-the-code");
  submit (page);
  g_assert_nonnull (strstr (qtr_login_page_get_error (page), "did not accept the sign-in"));
  g_assert_cmpuint (login->tokens_issued, ==, 0);
  qtr_app_test_screenshot (GTK_WIDGET (window), "login-code-refused");

  gtk_editable_set_text (GTK_EDITABLE (code_row), "  pasted-code-8d1e \n");
  gtk_widget_activate_action (GTK_WIDGET (page), "login.continue", NULL);
  qtr_test_wait_until (window_at_main, window, "the main view opens");
  g_assert_cmpuint (login->tokens_issued, ==, 1);

  /* The account is in the sidebar, its token in the keyring, and Home reads the server. */
  g_assert_cmpuint (qtr_main_view_get_n_accounts (main_view), ==, 1);
  g_assert_cmpstr (qtr_main_view_get_account_handle (main_view, 0), ==,
                   "@alice@mastodon.example");
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (main_view), "@alice@mastodon.example"));
  secret = lookup_token ("@alice@mastodon.example");
  g_assert_nonnull (secret);
  g_assert_nonnull (strstr (secret, TOKEN));
  qtr_test_wait_until (home_shown, main_view, "Home shows");
  qtr_test_wait_until (has_rows, main_view, "the home timeline has its posts");
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (main_view), "bob boosted"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (main_view), "Garden photos"));
  qtr_app_test_screenshot (GTK_WIDGET (window), "main-home");

  /* Enter opens the post's thread over Home (tests/app/test-navigation.c has the rest). */
  {
    QtrTimelineView *home = qtr_main_view_get_timeline (main_view, "home");

    gtk_widget_activate_action (GTK_WIDGET (home), "timeline.next", NULL);
    gtk_widget_activate_action (GTK_WIDGET (home), "timeline.open", NULL);
    g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 1);
    g_assert_true (QTR_IS_THREAD_VIEW (qtr_main_view_get_visible_page (main_view)));
  }
  gtk_window_destroy (GTK_WINDOW (window));
  qtr_app_test_settle ();

  /* At the next start, the saved account opens directly. */
  window = g_object_new (QTR_TYPE_WINDOW, NULL);
  main_view = qtr_window_get_main_view (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (qtr_window_get_page (window), ==, "main");
  qtr_test_wait_until (home_shown, main_view, "Home shows at start");

  /* A second account, this time through the loopback redirect: the test plays the browser
   * coming back to Quitter. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-account", NULL));
  page = qtr_window_get_login_page (window);
  server_row = ADW_ENTRY_ROW (qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW,
                                                     "Server or Account"));
  gtk_editable_set_text (GTK_EDITABLE (server_row), address);
  gtk_widget_activate_action (GTK_WIDGET (page), "login.continue", NULL);
  qtr_test_wait_until (login_at_browser, page, "the second login waits for the browser");
  {
    g_autofree char *state = approve (login, qtr_login_page_get_authorize_url (page));

    /* A redirect with another state is refused; the right one completes the login. */
    g_assert_cmpuint (browse_back (login->redirect_uri, login->code, "forged-state"), ==, 400);
    g_assert_cmpuint (browse_back (login->redirect_uri, login->code, state), ==, 200);
  }
  qtr_test_wait_until (window_at_main, window, "the main view opens again");
  qtr_test_wait_until (two_accounts, main_view, "both accounts are listed");
  g_assert_cmpuint (login->tokens_issued, ==, 2);
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (main_view), "@grace@mastodon.example"));
  g_assert_cmpstr (active_account (), ==, "@grace@mastodon.example");
  qtr_app_test_screenshot (GTK_WIDGET (window), "main-two-accounts");

  /* Switching from the sidebar. */
  activate_account_row (main_view, "@alice@mastodon.example");
  g_assert_cmpstr (active_account (), ==, "@alice@mastodon.example");
  qtr_test_wait_until (home_shown, main_view, "Alice's home shows");

  /* Logging out (confirmed) revokes and forgets the secret; the other account opens; with no
   * account left, the welcome page is back. */
  log_out_confirmed (window, "@alice@mastodon.example");
  qtr_test_wait_until (one_account, main_view, "one account is left");
  g_assert_cmpstr (qtr_window_get_page (window), ==, "main");
  g_assert_cmpstr (qtr_main_view_get_account_handle (main_view, 0), ==,
                   "@grace@mastodon.example");
  g_assert_cmpstr (active_account (), ==, "@grace@mastodon.example");
  g_clear_pointer (&secret, g_free);
  secret = lookup_token ("@alice@mastodon.example");
  g_assert_null (secret);

  log_out_confirmed (window, "@grace@mastodon.example");
  qtr_test_wait_until (window_at_welcome, window, "the welcome page is back");
  g_assert_cmpuint (qtr_test_server_count (login->server, "POST /oauth/revoke"), ==, 2);
  secret = lookup_token ("@grace@mastodon.example");
  g_assert_null (secret);
  gtk_window_destroy (GTK_WINDOW (window));
  qtr_app_test_settle ();
}

/* Without a keyring, the login says what to do and keeps what it has, to try again. */
static void
test_login_no_keyring (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(LoginServer) login = login_server_new ();
      QtrWindow *window = g_object_new (QTR_TYPE_WINDOW, NULL);
      QtrLoginPage *page = qtr_window_get_login_page (window);
      g_autofree char *address = g_strdup (login->server->base + strlen ("http://"));
      AdwEntryRow *code_row;

      gtk_window_present (GTK_WINDOW (window));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-account", NULL));
      gtk_editable_set_text (GTK_EDITABLE (qtr_app_test_find_row (GTK_WIDGET (page),
                                                                  ADW_TYPE_ENTRY_ROW,
                                                                  "Server or Account")),
                             address);
      gtk_widget_activate_action (GTK_WIDGET (page), "login.continue", NULL);
      qtr_test_wait_until (login_at_browser, page, "the login waits for the browser");
      gtk_widget_activate_action (GTK_WIDGET (page), "login.use-code", NULL);
      qtr_test_wait_until (login_at_code, page, "the login asks for the code");
      qtr_test_wait_until (login_has_error, page, "the page says there is no browser");
      g_free (approve (login, qtr_login_page_get_authorize_url (page)));
      code_row = ADW_ENTRY_ROW (qtr_app_test_find_row (GTK_WIDGET (page), ADW_TYPE_ENTRY_ROW,
                                                   "Authorization Code"));
      gtk_editable_set_text (GTK_EDITABLE (code_row), "pasted-code-8d1e");
      submit (page);
      g_assert_cmpuint (login->tokens_issued, ==, 1);
      g_assert_true (g_str_has_prefix (qtr_login_page_get_error (page), "No keyring answers"));
      g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (page), "Try Again"));
      qtr_app_test_screenshot (GTK_WIDGET (window), "login-no-keyring");

      /* Trying again asks the keyring again, and still says so. */
      submit (page);
      g_assert_true (g_str_has_prefix (qtr_login_page_get_error (page), "No keyring answers"));
      g_assert_cmpstr (qtr_window_get_page (window), ==, "login");
      g_assert_null (active_account ());
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The window's timelines against a loopback server that pages, streams and notifies: the one
 * account's Home, Notifications and Mentions; a streamed post while the user reads further
 * down; the older page at the end; a gap after a restart; an offline start from cache.db. */

typedef struct {
  QtrTestServer   *server;
  QtrTestTimeline *home;
  QtrTestTimeline *notifications;
  GPtrArray       *connections;  /* SoupWebsocketConnection, as the server accepted them */
} StreamServer;

/* Favourites, until the test serves them: a server error. */
static void
favourites_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  qtr_test_reply_json (message, 500, "{\"error\":\"The database is down for maintenance\"}");
}

static void
stream_websocket_cb (SoupServer              *server,
                     SoupServerMessage       *message,
                     const char              *path,
                     SoupWebsocketConnection *connection,
                     gpointer                 user_data)
{
  StreamServer *stream = user_data;

  g_object_set_data_full (G_OBJECT (connection), "qtr-query",
                          g_strdup (g_uri_get_query (soup_server_message_get_uri (message))),
                          g_free);
  g_ptr_array_add (stream->connections, g_object_ref (connection));
}

/* Mastodon's instance document, with its streaming URL on the loopback server. */
static void
stream_instance_cb (SoupServer        *server,
                    SoupServerMessage *message,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  StreamServer *stream = user_data;
  g_autoptr(GBytes) bytes = qtr_test_load_data ("client/mastodon", "instance-v2.json");
  g_autoptr(JsonObject) instance = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat ("ws", stream->server->base + strlen ("http"), NULL);
  g_autofree char *json = NULL;

  instance = qtr_json_parse_object (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                    &error);
  g_assert_no_error (error);
  json_object_set_string_member (qtr_json_get_object (qtr_json_get_object (instance,
                                                                           "configuration"),
                                                      "urls"),
                                 "streaming", url);
  root = json_node_init_object (json_node_alloc (), instance);
  json = json_to_string (root, FALSE);
  qtr_test_reply_json (message, 200, json);
}

static StreamServer *
stream_server_new (void)
{
  StreamServer *stream = g_new0 (StreamServer, 1);

  stream->server = qtr_test_server_new ();
  stream->connections = g_ptr_array_new_with_free_func (g_object_unref);
  qtr_test_server_serve_flavour (stream->server, "mastodon");
  qtr_test_server_add (stream->server, "/api/v2/instance", stream_instance_cb, stream);
  soup_server_add_websocket_handler (stream->server->server, "/api/v1/streaming", NULL, NULL,
                                     stream_websocket_cb, stream, NULL);
  stream->home = qtr_test_timeline_new (stream->server, "/api/v1/timelines/home");
  stream->notifications = qtr_test_timeline_new (stream->server, "/api/v1/notifications");
  qtr_test_timeline_new (stream->server, "/api/v1/timelines/public");
  qtr_test_timeline_new (stream->server, "/api/v1/bookmarks");
  qtr_test_server_add (stream->server, "/api/v1/favourites", favourites_cb, stream);
  return stream;
}

static void
stream_server_free (StreamServer *stream)
{
  for (guint i = 0; i < stream->connections->len; i++)
    if (soup_websocket_connection_get_state (stream->connections->pdata[i]) ==
        SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (stream->connections->pdata[i],
                                       SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_ptr_array_unref (stream->connections);
  qtr_test_server_free (stream->server);
  g_free (stream);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StreamServer, stream_server_free)

static gboolean
user_stream_open (gpointer user_data)
{
  StreamServer *stream = user_data;

  for (guint i = 0; i < stream->connections->len; i++)
    if (soup_websocket_connection_get_state (stream->connections->pdata[i]) ==
          SOUP_WEBSOCKET_STATE_OPEN &&
        g_strcmp0 (g_object_get_data (stream->connections->pdata[i], "qtr-query"),
                   "stream=user") == 0)
      return TRUE;
  return FALSE;
}

/* Sends the home post @id as Mastodon's streaming sends a new one. */
static void
stream_update (StreamServer *stream,
               const char   *id)
{
  g_autoptr(JsonNode) payload = json_node_init_object (json_node_alloc (),
                                                       qtr_test_timeline_get (stream->home, id));
  g_autofree char *payload_text = json_to_string (payload, FALSE);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stream");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "user");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, "update");
  json_builder_set_member_name (builder, "payload");
  json_builder_add_string_value (builder, payload_text);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  for (guint i = 0; i < stream->connections->len; i++)
    if (soup_websocket_connection_get_state (stream->connections->pdata[i]) ==
          SOUP_WEBSOCKET_STATE_OPEN &&
        g_strcmp0 (g_object_get_data (stream->connections->pdata[i], "qtr-query"),
                   "stream=user") == 0)
      soup_websocket_connection_send_text (stream->connections->pdata[i], text);
}

/* Whether the first post in view is the one set as "qtr-expected" on @view. */
static gboolean
shows_expected_first (gpointer view)
{
  return g_strcmp0 (qtr_app_test_first_visible_post (view),
                    g_object_get_data (view, "qtr-expected")) == 0;
}

static GtkAdjustment *
vadjustment (QtrTimelineView *view)
{
  return gtk_scrolled_window_get_vadjustment (qtr_timeline_view_get_scrolled_window (view));
}

static guint
n_items (QtrTimelineView *view)
{
  return g_list_model_get_n_items (G_LIST_MODEL (qtr_timeline_view_get_model (view)));
}

static gboolean
home_has_40 (gpointer view)
{
  QtrTimelineView *home = qtr_main_view_get_timeline (view, "home");

  return home != NULL && n_items (home) >= 40 && has_rows (home);
}

/* Laid out, with more than two screens below the top. */
static gboolean
is_long (gpointer view)
{
  GtkAdjustment *adjustment = vadjustment (view);

  return gtk_adjustment_get_upper (adjustment) > 3 * gtk_adjustment_get_page_size (adjustment) &&
         gtk_adjustment_get_page_size (adjustment) > 0;
}

static gboolean
has_pending (gpointer view)
{
  return qtr_timeline_view_get_n_pending (view) > 0;
}

static gboolean
is_at_top (gpointer view)
{
  return gtk_adjustment_get_value (vadjustment (view)) == 0;
}

static gboolean
has_all_61 (gpointer view)
{
  return n_items (view) == 61;
}

static gboolean
is_offline (gpointer view)
{
  const char *banner = qtr_main_view_get_banner (view);

  return banner != NULL && g_str_has_prefix (banner, "Offline");
}

static GtkWidget *
find_retry_button (GtkWidget *root)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), "_Retry") == 0 &&
        gtk_widget_is_drawable (buttons->pdata[i]))
      return buttons->pdata[i];
  g_error ("No Retry button shows");
}

static gboolean
has_error_banner (gpointer view)
{
  const char *banner = qtr_main_view_get_banner (view);

  return banner != NULL && g_str_has_prefix (banner, "Could not load posts");
}

static gboolean
is_online (gpointer view)
{
  return qtr_main_view_get_banner (view) == NULL;
}

static gboolean
has_mentioned_you (gpointer view)
{
  return qtr_app_test_shows_label (view, "mentioned you");
}

static gboolean
has_favourited (gpointer view)
{
  return qtr_app_test_shows_label (view, "favourited your post");
}

static gboolean
not_loading (gpointer view)
{
  return !qtr_timeline_get_loading (qtr_timeline_view_get_model (view));
}

/* The gap item of @view's timeline, and where it is. */
static QtrTimelineItem *
find_gap (QtrTimelineView *view,
          guint           *position)
{
  GListModel *model = G_LIST_MODEL (qtr_timeline_view_get_model (view));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(QtrTimelineItem) item = g_list_model_get_item (model, i);

      if (qtr_timeline_item_get_kind (item) == QTR_TIMELINE_ITEM_GAP)
        {
          *position = i;
          return item;
        }
    }
  return NULL;
}

static gboolean
has_gap (gpointer view)
{
  guint position;

  return find_gap (view, &position) != NULL;
}

static gboolean
has_no_gap (gpointer view)
{
  return !has_gap (view);
}

static GtkWidget *
find_gap_button (GtkWidget *root)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_has_css_class (buttons->pdata[i], "gap") &&
        gtk_widget_is_drawable (buttons->pdata[i]))
      return buttons->pdata[i];
  return NULL;
}

static gboolean
gap_button_shows (gpointer view)
{
  return find_gap_button (view) != NULL;
}

static void
test_window_timelines (void)
{
  g_autoptr(StreamServer) stream = stream_server_new ();
  QtrWindow *window;
  QtrMainView *main_view;
  QtrTimelineView *home;
  g_autofree char *first_id = NULL;
  g_autofree char *streamed = NULL;
  g_autofree char *read_position = NULL;
  double value;
  guint n, position;

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *text = g_strdup_printf ("Home post number %u", i + 1);

      g_free (qtr_test_timeline_post (stream->home, text));  /* 1000…1059 */
    }
  g_free (qtr_test_timeline_notify (stream->notifications, "mention", "Are you there?"));
  g_free (qtr_test_timeline_notify (stream->notifications, "favourite", "My post they liked"));
  qtr_app_test_save_account (stream->server->base, "1", "@reader@stream.example", "Reader",
                             CLIENT_ID, CLIENT_SECRET, TOKEN);

  window = g_object_new (QTR_TYPE_WINDOW, NULL);
  main_view = qtr_window_get_main_view (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));

  /* Home from the server: its newest page, and every section of the account. */
  qtr_test_wait_until (home_has_40, main_view, "Home shows its newest page");
  home = qtr_main_view_get_timeline (main_view, "home");
  g_assert_cmpuint (n_items (home), ==, 40);
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (home), "Home post number 60"));
  for (guint i = 0; i < G_N_ELEMENTS (timeline_section_names); i++)
    g_assert_true (qtr_main_view_has_section (main_view, timeline_section_names[i]));
  /* Favourites answered with an error: the banner says so, and "Retry" asks again. */
  qtr_test_wait_until (has_error_banner, main_view, "the banner says what failed");
  g_assert_cmpstr (qtr_main_view_get_banner (main_view), ==,
                   "Could not load posts: 500 Internal Server Error: The database is down for "
                   "maintenance");
  qtr_app_test_screenshot (GTK_WIDGET (window), "window-error");
  qtr_test_timeline_new (stream->server, "/api/v1/favourites");
  g_signal_emit_by_name (find_retry_button (GTK_WIDGET (main_view)), "clicked");
  qtr_test_wait_until (is_online, main_view, "the banner goes once favourites load");
  qtr_test_wait_until (user_stream_open, stream, "the home stream is connected");
  qtr_app_test_screenshot (GTK_WIDGET (window), "window-home");

  /* Scrolled down, a streamed post does not move the view: it waits behind the button. */
  qtr_test_wait_until (is_long, home, "Home is laid out");
  gtk_adjustment_set_value (vadjustment (home), 1500);
  qtr_app_test_settle ();
  value = gtk_adjustment_get_value (vadjustment (home));
  g_assert_cmpfloat (value, >, 0);
  first_id = g_strdup (qtr_app_test_first_visible_post (home));
  g_assert_nonnull (first_id);
  g_assert_cmpstr (first_id, !=, "1059");
  g_assert_false (qtr_timeline_get_at_top (qtr_timeline_view_get_model (home)));
  streamed = qtr_test_timeline_post (stream->home, "Streamed while reading");
  stream_update (stream, streamed);
  qtr_test_wait_until (has_pending, home, "the streamed post is held");
  qtr_app_test_settle ();
  g_assert_cmpuint (n_items (home), ==, 40);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment (home)), ==, value);
  g_assert_cmpstr (qtr_app_test_first_visible_post (home), ==, first_id);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find_pending_button (GTK_WIDGET (home)))),
                   ==, "1 new post");
  qtr_app_test_screenshot (GTK_WIDGET (window), "window-new-post");

  /* The reading position follows what shows. */
  g_assert_cmpstr (qtr_timeline_get_read_position (qtr_timeline_view_get_model (home)), ==,
                   first_id);

  /* The button lets it in and goes to the top. */
  g_signal_emit_by_name (find_pending_button (GTK_WIDGET (home)), "clicked");
  g_assert_cmpuint (n_items (home), ==, 41);
  qtr_test_wait_until (is_at_top, home, "the view is at the top");
  qtr_app_test_settle ();
  g_assert_cmpstr (qtr_app_test_first_visible_post (home), ==, streamed);
  g_assert_null (find_pending_button (GTK_WIDGET (home)));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (home), "Streamed while reading"));
  qtr_app_test_screenshot (GTK_WIDGET (window), "window-revealed");

  /* At the end, the older page. */
  gtk_adjustment_set_value (vadjustment (home), gtk_adjustment_get_upper (vadjustment (home)));
  qtr_test_wait_until (has_all_61, home, "the older page is loaded at the end");
  g_assert_nonnull (strstr (qtr_test_timeline_last_query (stream->home), "max_id="));
  g_assert_cmpuint (n_items (home), ==, 61);

  /* Notifications: the mention with its post, the favourite as a line. Mentions: the mention
   * only. */
  qtr_main_view_select_section (main_view, "notifications");
  qtr_test_wait_until (has_mentioned_you, qtr_main_view_get_timeline (main_view, "notifications"),
            "Notifications shows the mention");
  qtr_test_wait_until (has_favourited, qtr_main_view_get_timeline (main_view, "notifications"),
            "Notifications shows the favourite");
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (qtr_main_view_get_timeline (
                                                         main_view, "notifications")),
                                           "My post they liked"));
  qtr_app_test_screenshot (GTK_WIDGET (window), "window-notifications");
  qtr_main_view_select_section (main_view, "mentions");
  qtr_test_wait_until (has_mentioned_you, qtr_main_view_get_timeline (main_view, "mentions"),
            "Mentions shows the mention");
  qtr_test_wait_until (not_loading, qtr_main_view_get_timeline (main_view, "mentions"),
            "Mentions has loaded");
  g_assert_cmpuint (n_items (qtr_main_view_get_timeline (main_view, "mentions")), ==, 1);
  g_assert_false (qtr_app_test_shows_label (GTK_WIDGET (qtr_main_view_get_timeline (main_view,
                                                                                    "mentions")),
                                            "favourited"));
  qtr_app_test_screenshot (GTK_WIDGET (window), "window-mentions");

  /* Back to a position further down, which the next start goes back to. */
  qtr_main_view_select_section (main_view, "home");
  gtk_adjustment_set_value (vadjustment (home), 0);
  qtr_app_test_settle ();
  gtk_adjustment_set_value (vadjustment (home), 900);
  qtr_app_test_settle ();
  qtr_test_wait_until (qtr_app_test_reads_first_visible, home,
                       "the reading position follows the scroll");
  read_position = g_strdup (qtr_app_test_first_visible_post (home));
  g_assert_cmpstr (qtr_timeline_get_read_position (qtr_timeline_view_get_model (home)), ==,
                   read_position);
  gtk_window_destroy (GTK_WINDOW (window));
  qtr_app_test_settle ();

  /* Missed while closed: more than a page. The next start shows the cache at once, then the
   * newest page, with a gap between the two. */
  for (guint i = 0; i < 45; i++)
    {
      g_autofree char *text = g_strdup_printf ("Missed post number %u", i + 1);

      g_free (qtr_test_timeline_post (stream->home, text));
    }
  window = g_object_new (QTR_TYPE_WINDOW, NULL);
  main_view = qtr_window_get_main_view (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  qtr_test_wait_until (home_has_40, main_view, "Home shows again");
  home = qtr_main_view_get_timeline (main_view, "home");
  qtr_test_wait_until (has_gap, home, "a gap stands for the posts missed");
  qtr_test_wait_until (not_loading, home, "Home has loaded");
  n = n_items (home);
  g_assert_nonnull (find_gap (home, &position));
  /* The reading position came back (once the list is laid out), and the newest page went in
   * above it without moving it. */
  g_object_set_data_full (G_OBJECT (home), "qtr-expected", g_strdup (read_position), g_free);
  qtr_test_wait_until (shows_expected_first, home, "the reading position is back at the top");
  qtr_app_test_settle ();
  g_assert_cmpstr (qtr_app_test_first_visible_post (home), ==, read_position);
  qtr_timeline_view_select (home, position);
  qtr_test_wait_until (gap_button_shows, home, "the gap's row shows");
  qtr_app_test_screenshot (GTK_WIDGET (window), "window-gap");
  g_signal_emit_by_name (find_gap_button (GTK_WIDGET (home)), "clicked");
  qtr_test_wait_until (has_no_gap, home, "the gap is filled");
  g_assert_cmpuint (n_items (home), ==, n - 1 + 5);
  /* 1061…1065: the missed posts that the newest page (1066…1105) did not bring. */
  for (guint i = 1061; i <= 1065; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", i);

      g_assert_nonnull (qtr_timeline_find (qtr_timeline_view_get_model (home), id, NULL));
    }
  gtk_window_destroy (GTK_WINDOW (window));
  qtr_app_test_settle ();

  /* The server gone: the cache shows at once, and the window says it is offline. */
  soup_server_disconnect (stream->server->server);
  window = g_object_new (QTR_TYPE_WINDOW, NULL);
  main_view = qtr_window_get_main_view (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  qtr_test_wait_until (home_has_40, main_view, "Home shows from the cache");
  qtr_test_wait_until (is_offline, main_view, "the window says it is offline");
  home = qtr_main_view_get_timeline (main_view, "home");
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (main_view), "Offline"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (home), "Missed post number 45"));
  qtr_app_test_screenshot (GTK_WIDGET (window), "window-offline");

  /* The server back (on its port): "Retry" reaches it, the banner goes, and the stream that
   * discovery now knows of connects. */
  {
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) address = NULL;
    g_autoptr(GError) error = NULL;

    address = g_inet_socket_address_new (loopback, (guint16) g_ascii_strtoull (
                                           strrchr (stream->server->base, ':') + 1, NULL, 10));
    g_ptr_array_set_size (stream->connections, 0);
    soup_server_listen (stream->server->server, address, 0, &error);
    g_assert_no_error (error);
    g_signal_emit_by_name (find_retry_button (GTK_WIDGET (main_view)), "clicked");
    qtr_test_wait_until (is_online, main_view, "the banner goes once the server answers");
    qtr_test_wait_until (user_stream_open, stream, "the stream connects once the server answers");
  }
  gtk_window_destroy (GTK_WINDOW (window));
  qtr_app_test_settle ();
}

int
main (int   argc,
      char *argv[])
{
  qtr_app_test_init (&argc, &argv);
  /* The one subprocess test runs without a D-Bus session, so without a keyring: set before GTK
   * and libadwaita connect to the bus. */
  if (g_test_subprocess ())
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/quitter-no-bus", TRUE);
  qtr_app_test_start_gtk ();

  g_test_add_func ("/app/image-loader", test_image_loader);
  g_test_add_func ("/app/relative-time", test_relative_time);
  g_test_add_func ("/app/timeline/rows", test_timeline);
  g_test_add_func ("/app/timeline/pending", test_pending);
  g_test_add_func ("/app/status-row/images", test_row_images);
  g_test_add_func ("/app/main-view/adaptive", test_main_view_adaptive);
  g_test_add_func ("/app/login", test_login);
  g_test_add_func ("/app/login/no-keyring", test_login_no_keyring);
  g_test_add_func ("/app/window/timelines", test_window_timelines);

  return g_test_run ();
}
