/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "bench-util.h"

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "qtr-http-signature.h"
#include "qtr-json.h"
#include "qtr-keys.h"

/* Signed deliveries to a running node's inbox, as fast as it takes them.
 *
 *   inbox-flood --inbox http://127.0.0.1:PORT/users/alice/inbox [--count 2000]
 *               [--warmup 500] [--concurrency 32] [--db DIR/node.db]
 *
 * The sender is an actor served here, on a loopback port, with its own RSA-2048 key. Every
 * delivery is a distinct Create of a Note, signed as Mastodon signs (draft-cavage, Digest, Date),
 * all of them before the clock starts so that signing here does not count. One delivery first
 * makes the node fetch and cache the key; --warmup more bring a new node.db to its steady
 * state (its WAL file grown: appending to a new one costs more per commit); then --count go out
 * over keep-alive connections, --concurrency at a time, and the figure is how many the node
 * answered 202 per second. With --db, it then waits (read-only) until the node has processed
 * all it stored. */

#define AS_CONTEXT "https://www.w3.org/ns/activitystreams"
#define AS_PUBLIC "https://www.w3.org/ns/activitystreams#Public"
#define PROCESS_TIMEOUT_SECONDS 60

typedef struct {
  SoupSession *session;
  GPtrArray   *messages;      /* SoupMessage, signed, ready to send */
  guint        next;
  guint        upto;          /* the phase sends messages [0, upto) */
  guint        concurrency;
  guint        in_flight;
  guint        done;
  guint        accepted;
  guint        refused;
  guint        failed;
  guint        first_refusal;
  gint64      *sent_at;
  double      *latency_ms;
  guint        n_latencies;
} Flood;

typedef struct {
  char *actor_json;
  guint deliveries;   /* what the node sent back to the sender's inbox */
} Sender;

static char *
build_actor (const char *base,
             QtrKey     *key)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *pem = qtr_key_export_public_pem (key, NULL);
  g_autofree char *id = g_strconcat (base, "/users/bob", NULL);
  g_autofree char *inbox = g_strconcat (id, "/inbox", NULL);
  g_autofree char *key_id = g_strconcat (id, "#main-key", NULL);
  g_autofree char *shared_inbox = g_strconcat (base, "/inbox", NULL);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "@context", AS_CONTEXT);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "type", "Person");
  qtr_json_builder_add_string (builder, "preferredUsername", "bob");
  qtr_json_builder_add_string (builder, "inbox", inbox);
  json_builder_set_member_name (builder, "endpoints");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "sharedInbox", shared_inbox);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "publicKey");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", key_id);
  qtr_json_builder_add_string (builder, "owner", id);
  qtr_json_builder_add_string (builder, "publicKeyPem", pem);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
sender_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Sender *sender = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (method, "GET") && g_str_equal (path, "/users/bob"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/activity+json", SOUP_MEMORY_COPY,
                                        sender->actor_json, strlen (sender->actor_json));
      return;
    }
  if (g_str_equal (method, "POST") && g_str_has_suffix (path, "/inbox"))
    {
      sender->deliveries++;
      soup_server_message_set_status (msg, SOUP_STATUS_ACCEPTED, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static GBytes *
build_create (const char *actor,
              const char *published,
              guint       index)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *note = g_strdup_printf ("%s/statuses/%u-%s", actor, index, uuid);
  char *json;

  json = g_strdup_printf ("{\"@context\":\"%s\",\"id\":\"%s/activity\",\"type\":\"Create\","
                          "\"actor\":\"%s\",\"published\":\"%s\",\"to\":[\"%s\"],"
                          "\"cc\":[\"%s/followers\"],\"object\":{\"id\":\"%s\","
                          "\"type\":\"Note\",\"attributedTo\":\"%s\",\"published\":\"%s\","
                          "\"content\":\"<p>Benchmark post number %u, with a few words so "
                          "that it looks like a post.</p>\",\"to\":[\"%s\"],"
                          "\"cc\":[\"%s/followers\"]}}",
                          AS_CONTEXT, note, actor, published, AS_PUBLIC, actor, note, actor,
                          published, index, AS_PUBLIC, actor);
  return g_bytes_new_take (json, strlen (json));
}

static void fill (Flood *flood);

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Flood *flood = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), "bench-index"));
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  status = soup_message_get_status (msg);
  flood->in_flight--;
  flood->done++;
  flood->latency_ms[flood->n_latencies++] = (double) (g_get_monotonic_time ()
                                                      - flood->sent_at[index]) / 1000.0;
  if (body == NULL)
    {
      if (flood->failed++ == 0)
        g_printerr ("A delivery failed: %s\n", error->message);
    }
  else if (status == SOUP_STATUS_ACCEPTED)
    flood->accepted++;
  else
    {
      if (flood->refused++ == 0)
        {
          flood->first_refusal = status;
          g_printerr ("The node answered %u: %.*s\n", status, (int) g_bytes_get_size (body),
                      (const char *) g_bytes_get_data (body, NULL));
        }
    }
  fill (flood);
}

static void
send_next (Flood *flood)
{
  guint index = flood->next++;
  SoupMessage *msg = g_ptr_array_index (flood->messages, index);

  g_object_set_data (G_OBJECT (msg), "bench-index", GUINT_TO_POINTER (index));
  flood->in_flight++;
  flood->sent_at[index] = g_get_monotonic_time ();
  soup_session_send_and_read_async (flood->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb,
                                    flood);
}

/* Keeps the window full: every completion sends the next one, while there are more. */
static void
fill (Flood *flood)
{
  while (flood->in_flight < flood->concurrency && flood->next < flood->upto)
    send_next (flood);
}

static gboolean
phase_done (gpointer user_data)
{
  Flood *flood = user_data;

  return flood->done >= flood->upto;
}

static void
run_phase (Flood *flood,
           guint  upto,
           guint  concurrency)
{
  flood->upto = upto;
  flood->concurrency = concurrency;
  fill (flood);
  bench_wait_until (phase_done, flood, 120);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (double *sorted,
            guint   n,
            double  p)
{
  guint i;

  if (n == 0)
    return 0;
  i = (guint) (p * (n - 1) + 0.5);
  return sorted[MIN (i, n - 1)];
}

static gint64
count_unprocessed (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_prepare_v2 (db, "SELECT count (*) FROM inbox WHERE processed_at IS NULL", -1,
                          &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrKey) key = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *inbox = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *key_id = NULL;
  g_autofree char *published = NULL;
  int count = 2000;
  int warmup = 500;
  int concurrency = 32;
  Sender sender = { 0 };
  Flood flood = { 0 };
  gint64 start;
  double seconds;
  const GOptionEntry entries[] = {
    { "inbox", 0, 0, G_OPTION_ARG_STRING, &inbox, "The node's inbox", "URL" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Deliveries to time (default 2000)", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Deliveries before the clock starts (500)",
      "N" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency,
      "Deliveries in flight at once (default 32)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      "The node's node.db, to wait until it processed them", "FILE" },
    { NULL }
  };

  g_option_context_set_summary (context, "Floods a node's inbox with signed deliveries.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (inbox == NULL || count < 1 || warmup < 0 || concurrency < 1)
    g_error ("--inbox is needed; --count and --concurrency are at least 1");

  /* The sender's actor, served on a port of its own. */
  key = qtr_key_generate (QTR_KEY_DEFAULT_BITS, &error);
  if (key == NULL)
    g_error ("Cannot make a key: %s", error->message);
  socket = bench_listen_socket ("127.0.0.1", 0, &error);
  if (socket == NULL)
    g_error ("Cannot listen: %s", error->message);
  base = g_strdup_printf ("http://127.0.0.1:%u", bench_socket_get_port (socket));
  actor = g_strconcat (base, "/users/bob", NULL);
  key_id = g_strconcat (actor, "#main-key", NULL);
  sender.actor_json = build_actor (base, key);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, sender_request_cb, &sender, NULL);
  if (!soup_server_listen_socket (server, socket, 0, &error))
    g_error ("Cannot serve the sender: %s", error->message);

  /* Every delivery signed before the clock starts: the first one warms the key cache. */
  now = g_date_time_new_now_utc ();
  published = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  flood.messages = g_ptr_array_new_with_free_func (g_object_unref);
  start = g_get_monotonic_time ();
  for (int i = 0; i <= warmup + count; i++)
    {
      g_autoptr(GBytes) body = build_create (actor, published, (guint) i);
      SoupMessage *msg = soup_message_new ("POST", inbox);

      if (msg == NULL)
        g_error ("“%s” is not a URL", inbox);
      if (!qtr_http_signature_sign_message (msg, "application/activity+json", body, key_id, key,
                                            &error))
        g_error ("Cannot sign: %s", error->message);
      g_ptr_array_add (flood.messages, msg);
    }
  bench_print_result ("signed_per_second", "%.0f",
                      (warmup + count + 1) / bench_seconds_since (start));

  flood.session = soup_session_new_with_options ("max-conns", concurrency,
                                                 "max-conns-per-host", concurrency,
                                                 "timeout", 60,
                                                 NULL);
  flood.sent_at = g_new0 (gint64, warmup + count + 1);
  flood.latency_ms = g_new0 (double, warmup + count + 1);

  /* One delivery: the node fetches the sender's key and keeps it. */
  start = g_get_monotonic_time ();
  run_phase (&flood, 1, 1);
  if (flood.accepted != 1)
    g_error ("The first delivery was not accepted (HTTP %u); is inbox_rate_limit 0 and "
             "allow_private_addresses true in node.conf?", flood.first_refusal);
  bench_print_result ("first_delivery_ms", "%.1f", bench_seconds_since (start) * 1000);

  /* A new node.db takes its first few hundred deliveries slower. */
  if (warmup > 0)
    {
      start = g_get_monotonic_time ();
      run_phase (&flood, (guint) warmup + 1, (guint) concurrency);
      bench_print_result ("warmup_accepted_per_second", "%.0f",
                          (flood.accepted - 1) / bench_seconds_since (start));
    }

  /* The flood. */
  flood.accepted = 0;
  flood.refused = 0;
  flood.failed = 0;
  flood.n_latencies = 0;
  start = g_get_monotonic_time ();
  run_phase (&flood, (guint) (warmup + count) + 1, (guint) concurrency);
  seconds = bench_seconds_since (start);

  qsort (flood.latency_ms, flood.n_latencies, sizeof (double), compare_doubles);
  bench_print_result ("sent", "%u", flood.done - (guint) warmup - 1);
  bench_print_result ("accepted", "%u", flood.accepted);
  bench_print_result ("refused", "%u", flood.refused);
  bench_print_result ("failed", "%u", flood.failed);
  bench_print_result ("seconds", "%.3f", seconds);
  bench_print_result ("accepted_per_second", "%.0f", flood.accepted / seconds);
  bench_print_result ("latency_p50_ms", "%.1f", percentile (flood.latency_ms,
                                                            flood.n_latencies, 0.50));
  bench_print_result ("latency_p99_ms", "%.1f", percentile (flood.latency_ms,
                                                            flood.n_latencies, 0.99));

  /* How long until the node applied what it acknowledged. */
  if (db_path != NULL)
    {
      sqlite3 *db = NULL;
      gint64 left = -1;

      if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        {
          sqlite3_busy_timeout (db, 1000);
          while ((left = count_unprocessed (db)) != 0 &&
                 bench_seconds_since (start) < PROCESS_TIMEOUT_SECONDS)
            {
              if (!g_main_context_iteration (NULL, FALSE))
                g_usleep (2000);
            }
        }
      sqlite3_close (db);
      bench_print_result ("unprocessed", "%" G_GINT64_FORMAT, left);
      bench_print_result ("processed_seconds", "%.3f", bench_seconds_since (start));
    }

  g_ptr_array_unref (flood.messages);
  g_object_unref (flood.session);
  g_free (flood.sent_at);
  g_free (flood.latency_ms);
  g_free (sender.actor_json);
  soup_server_disconnect (server);
  return 0;
}
