/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "bench-util.h"

#include <adwaita.h>

#include "qtr-image-loader.h"
#include "qtr-timeline-view.h"

/* Scrolling the app's timeline view: frames drawn per second while a QtrTimelineView (the
 * GtkListView of the app, its real rows) scrolls on its own through a timeline of many posts,
 * against the same view over a few posts, in the same run.
 *
 *   client-scroll [--rows 5000] [--few 50] [--seconds 3]
 *
 * Needs a display (bench/run.sh starts Xvfb). Each frame moves the view down by a fixed step,
 * going back to the top at the end; the frame clock counts what was drawn. Images point at a
 * closed loopback port: rows show without them, as offline. */

#define STEP_PIXELS 40

typedef struct {
  GtkAdjustment *adjustment;
  guint          frames;
} Scroll;

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Scroll *scroll = user_data;
  double value = gtk_adjustment_get_value (scroll->adjustment) + STEP_PIXELS;

  if (value > gtk_adjustment_get_upper (scroll->adjustment) -
              gtk_adjustment_get_page_size (scroll->adjustment))
    value = 0;
  gtk_adjustment_set_value (scroll->adjustment, value);
  scroll->frames++;
  return G_SOURCE_CONTINUE;
}

static JsonObject *
make_status (guint n)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
    "{\"id\":\"%u\",\"created_at\":\"2026-11-27T05:00:00.000Z\",\"visibility\":\"public\","
    "\"sensitive\":false,\"spoiler_text\":\"\",\"reblog\":null,\"replies_count\":1,"
    "\"reblogs_count\":2,\"favourites_count\":3,"
    "\"content\":\"<p>Post %u: a few lines of text about the day, long enough to wrap on "
    "a window of this width, with a <a href=\\\"https://example.org/tags/tag\\\">#tag</a>."
    "</p>\",\"account\":{\"id\":\"%u\",\"username\":\"user%u\",\"acct\":\"user%u@example.org\","
    "\"display_name\":\"User %u\",\"avatar\":\"http://127.0.0.1:9/avatar%u.png\"}}",
    100000 + n, n, n % 50, n % 50, n % 50, n % 50, n % 50);

  if (!json_parser_load_from_data (parser, json, -1, &error))
    g_error ("The benchmark's own status does not parse: %s", error->message);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Frames per second while a view over @rows posts scrolls for @seconds. */
static double
measure (QtrApiClient *client,
         guint         rows,
         double        seconds)
{
  g_autoptr(QtrTimeline) timeline = qtr_timeline_new (client, NULL, NULL, QTR_TIMELINE_HOME,
                                                      NULL);
  GtkWidget *window = adw_window_new ();
  GtkWidget *view = qtr_timeline_view_new ();
  Scroll scroll = { 0 };
  gint64 start, end;
  guint tick;

  qtr_timeline_set_max_items (timeline, rows);
  qtr_timeline_set_at_top (timeline, TRUE);
  for (guint i = 0; i < rows; i++)
    {
      g_autoptr(JsonObject) status = make_status (i);

      qtr_timeline_add_entity (timeline, status);
    }
  qtr_timeline_view_set_model (QTR_TIMELINE_VIEW (view), timeline);
  adw_window_set_content (ADW_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
  gtk_window_present (GTK_WINDOW (window));
  scroll.adjustment =
    gtk_scrolled_window_get_vadjustment (qtr_timeline_view_get_scrolled_window (QTR_TIMELINE_VIEW (view)));

  /* Laid out first, then measured. */
  end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  tick = gtk_widget_add_tick_callback (view, tick_cb, &scroll, NULL);
  start = g_get_monotonic_time ();
  end = start + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (view, tick);
  gtk_window_destroy (GTK_WINDOW (window));
  return scroll.frames / bench_seconds_since (start);
}

int
main (int   argc,
      char *argv[])
{
  int rows = 5000;
  int few = 50;
  double seconds = 3;
  GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT, &rows, "Posts in the long timeline", "N" },
    { "few", 0, 0, G_OPTION_ARG_INT, &few, "Posts in the short timeline (the baseline)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "How long each one scrolls", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the timeline scroll benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  double few_fps, many_fps;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (rows < 1 || few < 1 || seconds <= 0)
    {
      g_printerr ("--rows, --few and --seconds must be positive\n");
      return 2;
    }
  gtk_init ();
  adw_init ();
  client = qtr_api_client_new ("http://127.0.0.1:9", NULL, &error);
  if (client == NULL)
    g_error ("%s", error->message);

  few_fps = measure (client, few, seconds);
  many_fps = measure (client, rows, seconds);
  bench_print_result ("few_rows", "%d", few);
  bench_print_result ("many_rows", "%d", rows);
  bench_print_result ("few_fps", "%.1f", few_fps);
  bench_print_result ("many_fps", "%.1f", many_fps);
  bench_print_result ("fps_ratio", "%.2f", few_fps > 0 ? many_fps / few_fps : 0);
  return 0;
}
