/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "bench-util.h"

#include <stdio.h>
#include <string.h>

#include "qtr-timeline.h"

/* The client's timeline model under a long stream of posts.
 *
 *   client-timeline [--posts 50000] [--sample 1000]
 *
 * A QtrTimeline (Home, the app's default bound of QTR_TIMELINE_DEFAULT_MAX_ITEMS) is fed
 * --posts statuses one at a time, as the streaming client feeds it: each one a Status entity
 * as a Mastodon-API server sends it (account, HTML content with a mention, a hashtag and a
 * link, media, tags, emojis), parsed from its JSON text and given to
 * qtr_timeline_add_entity(), with the view at the top so that each goes in. It reports:
 *
 *   the model's size after each step (it must stay at the bound),
 *   the process's RSS when 10,000 and when all posts were fed, and the growth per 1,000
 *   posts between them (flat: the bound holds memory too),
 *   the time to feed one post once 10,000 were fed, against the time once 100 were, measured
 *   in the same run (a ratio near 1: no slowdown as posts pile up), and the same for a model
 *   without a bound holding 10,000 items against one holding 100 (what the bound saves). */

#define ENTITY_FORMAT \
  "{\"id\":\"%" G_GUINT64_FORMAT "\",\"created_at\":\"2026-11-27T05:%02u:%02u.000Z\"," \
  "\"in_reply_to_id\":null,\"in_reply_to_account_id\":null,\"sensitive\":false," \
  "\"spoiler_text\":\"\",\"visibility\":\"public\",\"language\":\"en\"," \
  "\"uri\":\"https://example.org/users/user%u/statuses/%" G_GUINT64_FORMAT "\"," \
  "\"url\":\"https://example.org/@user%u/%" G_GUINT64_FORMAT "\",\"replies_count\":2," \
  "\"reblogs_count\":5,\"favourites_count\":11,\"edited_at\":null," \
  "\"content\":\"<p>Post number %u from <span class=\\\"h-card\\\"><a href=\\\"https://" \
  "example.org/@user%u\\\" class=\\\"u-url mention\\\">@<span>user%u</span></a></span>: " \
  "the train was late again, so here is a long thought about timetables, <a href=\\\"https:" \
  "//example.org/tags/trains\\\" class=\\\"mention hashtag\\\" rel=\\\"tag\\\">#<span>trains" \
  "</span></a> and a link <a href=\\\"https://example.com/a/rather/long/path?with=query\\\" " \
  "rel=\\\"nofollow noopener\\\"><span class=\\\"invisible\\\">https://</span><span class=" \
  "\\\"ellipsis\\\">example.com/a/rather/long</span></a></p>\",\"reblog\":null," \
  "\"application\":{\"name\":\"Quitter\",\"website\":null}," \
  "\"account\":{\"id\":\"%u\",\"username\":\"user%u\",\"acct\":\"user%u@example.org\"," \
  "\"display_name\":\"User %u :wave:\",\"locked\":false,\"bot\":false," \
  "\"created_at\":\"2024-01-01T00:00:00.000Z\",\"note\":\"<p>Writes about trains.</p>\"," \
  "\"url\":\"https://example.org/@user%u\",\"avatar\":\"https://example.org/avatars/%u.png\"," \
  "\"avatar_static\":\"https://example.org/avatars/%u.png\",\"header\":\"\"," \
  "\"header_static\":\"\",\"followers_count\":120,\"following_count\":80," \
  "\"statuses_count\":4000,\"last_status_at\":\"2026-11-27\",\"emojis\":[{\"shortcode\":" \
  "\"wave\",\"url\":\"https://example.org/emoji/wave.png\",\"static_url\":\"https://" \
  "example.org/emoji/wave.png\",\"visible_in_picker\":true}],\"fields\":[]}," \
  "\"media_attachments\":[{\"id\":\"%u\",\"type\":\"image\",\"url\":\"https://example.org/" \
  "media/%u.jpg\",\"preview_url\":\"https://example.org/media/%u-small.jpg\"," \
  "\"description\":\"A late train at a platform\",\"blurhash\":\"LEHV6nWB2yk8pyo0adR*.7kCMdnj\"," \
  "\"meta\":{\"original\":{\"width\":1200,\"height\":800}}}]," \
  "\"mentions\":[{\"id\":\"%u\",\"username\":\"user%u\",\"acct\":\"user%u@example.org\"," \
  "\"url\":\"https://example.org/@user%u\"}]," \
  "\"tags\":[{\"name\":\"trains\",\"url\":\"https://example.org/tags/trains\"}]," \
  "\"emojis\":[],\"card\":null,\"poll\":null}"

static char *
make_entity (guint n)
{
  guint64 id = 100000000000000000 + n;
  guint author = n % 97;
  guint mentioned = (n + 1) % 97;

  return g_strdup_printf (ENTITY_FORMAT, id, (n / 60) % 60, n % 60, author, id, author, id, n,
                          mentioned, mentioned, author, author, author, author, author,
                          author, author, n, n, n, mentioned, mentioned, mentioned, mentioned);
}

/* Parses one post and gives it to @timeline, as the streaming client does. */
static void
feed (QtrTimeline *timeline,
      guint        n)
{
  g_autofree char *text = make_entity (n);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("The benchmark's own entity does not parse: %s", error->message);
  if (!qtr_timeline_add_entity (timeline, json_node_get_object (json_parser_get_root (parser))))
    g_error ("Post %u was not taken", n);
}

static guint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;
  guint64 kib = 0;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return 0;
  sscanf (line + strlen ("VmRSS:"), "%" G_GUINT64_FORMAT, &kib);
  return kib;
}

/* Feeds @timeline from post @first to @last (excluded); returns the seconds per post. */
static double
feed_range (QtrTimeline *timeline,
            guint        first,
            guint        last)
{
  gint64 start = g_get_monotonic_time ();

  for (guint n = first; n < last; n++)
    feed (timeline, n);
  return bench_seconds_since (start) / (last - first);
}

static QtrTimeline *
new_home (QtrApiClient *client)
{
  QtrTimeline *timeline = qtr_timeline_new (client, NULL, NULL, QTR_TIMELINE_HOME, NULL);

  qtr_timeline_set_at_top (timeline, TRUE);  /* the view shows the top: posts go straight in */
  return timeline;
}

int
main (int   argc,
      char *argv[])
{
  int posts = 50000;
  int sample = 1000;
  GOptionEntry entries[] = {
    { "posts", 0, 0, G_OPTION_ARG_INT, &posts, "Posts to feed (at least 11,000)", "N" },
    { "sample", 0, 0, G_OPTION_ARG_INT, &sample, "Posts per timing sample", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the client timeline benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(QtrTimeline) home = NULL;
  g_autoptr(QtrTimeline) unbounded = NULL;
  double at_100, at_10000, unbounded_100, unbounded_10000;
  guint64 rss_10000, rss_end;
  guint max_n_items = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (posts < 11000 || sample < 10 || sample > 1000)
    {
      g_printerr ("--posts must be at least 11000 and --sample between 10 and 1000\n");
      return 2;
    }
  /* No request is made: the posts come as if streamed. */
  client = qtr_api_client_new ("http://127.0.0.1:9", NULL, &error);
  if (client == NULL)
    g_error ("%s", error->message);

  /* The app's model: the default bound. Timed once 100 were fed, then once 10,000 were. */
  home = new_home (client);
  feed_range (home, 0, 100);
  at_100 = feed_range (home, 100, 100 + sample);
  for (guint n = 100 + sample; n < 10000; n += 1000)
    {
      feed_range (home, n, MIN (n + 1000, 10000));
      max_n_items = MAX (max_n_items, g_list_model_get_n_items (G_LIST_MODEL (home)));
    }
  rss_10000 = rss_kib ();
  at_10000 = feed_range (home, 10000, 10000 + sample);
  for (guint n = 10000 + sample; n < (guint) posts; n += 1000)
    {
      feed_range (home, n, MIN (n + 1000, (guint) posts));
      max_n_items = MAX (max_n_items, g_list_model_get_n_items (G_LIST_MODEL (home)));
    }
  rss_end = rss_kib ();
  g_clear_object (&home);

  /* Without a bound: what the bound saves. */
  unbounded = new_home (client);
  qtr_timeline_set_max_items (unbounded, G_MAXUINT);
  feed_range (unbounded, 0, 100);
  unbounded_100 = feed_range (unbounded, 100, 100 + sample);
  feed_range (unbounded, 100 + sample, 10000);
  unbounded_10000 = feed_range (unbounded, 10000, 10000 + sample);

  bench_print_result ("posts", "%d", posts);
  bench_print_result ("max_items", "%u", QTR_TIMELINE_DEFAULT_MAX_ITEMS);
  bench_print_result ("max_n_items", "%u", max_n_items);
  bench_print_result ("rss_10000_kib", "%" G_GUINT64_FORMAT, rss_10000);
  bench_print_result ("rss_end_kib", "%" G_GUINT64_FORMAT, rss_end);
  bench_print_result ("rss_growth_per_1000_kib", "%.1f",
                      ((double) rss_end - (double) rss_10000) / ((posts - 10000) / 1000.0));
  bench_print_result ("insert_at_100_us", "%.1f", at_100 * G_USEC_PER_SEC);
  bench_print_result ("insert_at_10000_us", "%.1f", at_10000 * G_USEC_PER_SEC);
  bench_print_result ("insert_ratio", "%.2f", at_10000 / at_100);
  bench_print_result ("unbounded_insert_at_100_us", "%.1f", unbounded_100 * G_USEC_PER_SEC);
  bench_print_result ("unbounded_insert_at_10000_us", "%.1f", unbounded_10000 * G_USEC_PER_SEC);
  bench_print_result ("unbounded_insert_ratio", "%.2f", unbounded_10000 / unbounded_100);
  bench_print_result ("unbounded_n_items", "%u",
                      g_list_model_get_n_items (G_LIST_MODEL (unbounded)));
  return 0;
}
