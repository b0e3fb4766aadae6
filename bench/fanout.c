/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "bench-util.h"

#include <libsoup/soup.h>

#include "qtr-node-private.h"
#include "qtr-url.h"

/* One post fanned out to 10,000 followers on 1,000 servers.
 *
 *   fanout --dir DIR [--hosts 1000] [--followers-per-host 10] [--sinks 4] [--personal-inboxes]
 *
 * The servers are sinks on loopback: each "host" is an address of its own in 127.77.0.0/16 with
 * a port of its own, so every inbox has a distinct authority and the node's per-host limits see
 * 1,000 hosts; a handful of SoupServers, on a thread of their own, listen on all of them, answer
 * 202 and count what arrives. The followers are written straight into a new node's store (each
 * host's followers share its shared inbox, unless --personal-inboxes). Then the owner posts,
 * with qtr_node_post(): the post, its Create and one delivery job per inbox (each shared inbox
 * once, from qtr_node_store_follower_inboxes()) stored by qtr_node_queue_activity() in one
 * transaction, and the delivery queue kicked. The clock runs from that call until the sinks have
 * counted every delivery. */

#define ADDRESSES_PER_OCTET 250

typedef struct {
  guint         n_hosts;
  guint         n_sinks;
  char        **base_urls;     /* one per host, set before `ready` */
  GMainContext *context;
  GMainLoop    *loop;
  GHashTable   *seen;          /* authorities that received a delivery; the sink thread's */

  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  GError       *error;

  gint          arrivals;      /* atomic */
  gint          distinct;      /* atomic */
  gint          unsigned_posts; /* atomic */
} Sinks;

typedef struct {
  QtrNode     *node;
  Sinks       *sinks;
  guint        per_host;
  gboolean     personal_inboxes;
  const char  *public_key_pem;
} Followers;

typedef struct {
  QtrNode *node;
  Sinks   *sinks;
  gint     expected;
  gint64   start;
  double   first_arrival;   /* seconds, < 0 until then */
  double   all_arrived;
  gint64   jobs_left;
} Progress;

static char *
host_address (guint host)
{
  return g_strdup_printf ("127.77.%u.%u", host / ADDRESSES_PER_OCTET,
                          host % ADDRESSES_PER_OCTET + 1);
}

static void
sink_request_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Sinks *sinks = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *host = soup_message_headers_get_one (headers, "Host");

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (soup_message_headers_get_one (headers, "Signature") == NULL)
    g_atomic_int_inc (&sinks->unsigned_posts);
  if (host != NULL && g_hash_table_add (sinks->seen, g_strdup (host)))
    g_atomic_int_inc (&sinks->distinct);
  g_atomic_int_inc (&sinks->arrivals);
  soup_server_message_set_status (msg, SOUP_STATUS_ACCEPTED, NULL);
}

static gboolean
listen_all (Sinks      *sinks,
            GPtrArray  *servers,
            GError    **error)
{
  for (guint i = 0; i < sinks->n_sinks; i++)
    {
      SoupServer *server = soup_server_new (NULL, NULL);

      soup_server_add_handler (server, NULL, sink_request_cb, sinks, NULL);
      g_ptr_array_add (servers, server);
    }
  for (guint h = 0; h < sinks->n_hosts; h++)
    {
      g_autofree char *address = host_address (h);
      g_autoptr(GSocket) socket = bench_listen_socket (address, 0, error);

      if (socket == NULL ||
          !soup_server_listen_socket (g_ptr_array_index (servers, h % sinks->n_sinks), socket, 0,
                                      error))
        return FALSE;
      sinks->base_urls[h] = g_strdup_printf ("http://%s:%u", address,
                                             bench_socket_get_port (socket));
    }
  return TRUE;
}

static gpointer
run_sinks (gpointer user_data)
{
  Sinks *sinks = user_data;
  g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;
  gboolean listening;

  g_main_context_push_thread_default (sinks->context);
  listening = listen_all (sinks, servers, &error);

  g_mutex_lock (&sinks->lock);
  sinks->ready = TRUE;
  sinks->error = error;
  g_cond_signal (&sinks->cond);
  g_mutex_unlock (&sinks->lock);

  if (listening)
    g_main_loop_run (sinks->loop);
  for (guint i = 0; i < servers->len; i++)
    soup_server_disconnect (g_ptr_array_index (servers, i));
  g_clear_pointer (&servers, g_ptr_array_unref);
  g_main_context_pop_thread_default (sinks->context);
  return NULL;
}

static gboolean
add_followers_cb (QtrDb    *db,
                  gpointer  user_data,
                  GError  **error)
{
  Followers *followers = user_data;
  QtrNodeStore *store = qtr_node_get_store (followers->node);

  for (guint h = 0; h < followers->sinks->n_hosts; h++)
    {
      const char *base = followers->sinks->base_urls[h];
      g_autofree char *host = qtr_url_get_authority (base);
      g_autofree char *shared_inbox = g_strconcat (base, "/inbox", NULL);

      for (guint j = 0; j < followers->per_host; j++)
        {
          g_autofree char *username = g_strdup_printf ("user%u", j);
          g_autofree char *uri = g_strdup_printf ("%s/users/%s", base, username);
          g_autofree char *inbox = g_strconcat (uri, "/inbox", NULL);
          g_autofree char *key_id = g_strconcat (uri, "#main-key", NULL);
          g_autofree char *follow = g_strconcat (uri, "/follows/1", NULL);
          g_autofree char *document = g_strdup_printf ("{\"id\":\"%s\",\"type\":\"Person\","
                                                       "\"preferredUsername\":\"%s\","
                                                       "\"inbox\":\"%s\"}", uri, username,
                                                       inbox);
          QtrRemoteActor actor = { 0 };
          gint64 row;

          actor.uri = uri;
          actor.host = host;
          actor.username = username;
          actor.inbox = inbox;
          actor.shared_inbox = followers->personal_inboxes ? NULL : shared_inbox;
          actor.key_id = key_id;
          actor.public_key_pem = (char *) followers->public_key_pem;
          actor.document = document;
          row = qtr_node_store_save_remote_actor (store, &actor, error);
          if (row < 0 || !qtr_node_store_add_follower (store, row, follow, TRUE, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
all_delivered (gpointer user_data)
{
  Progress *progress = user_data;
  gint arrivals = g_atomic_int_get (&progress->sinks->arrivals);

  if (arrivals > 0 && progress->first_arrival < 0)
    progress->first_arrival = bench_seconds_since (progress->start);
  if (arrivals < progress->expected)
    return FALSE;
  if (progress->all_arrived < 0)
    progress->all_arrived = bench_seconds_since (progress->start);
  /* The jobs are deleted once the answers are read, a moment after the sinks counted them. */
  progress->jobs_left = qtr_node_store_count_deliveries (qtr_node_get_store (progress->node),
                                                         NULL);
  return progress->jobs_left == 0;
}

static QtrNode *
set_up_node (const char  *dir,
             GError     **error)
{
  g_autoptr(GSocket) probe = bench_listen_socket ("127.0.0.1", 0, error);
  g_autofree char *conf_path = g_build_filename (dir, "node.conf", NULL);
  g_autofree char *base = NULL;
  g_autoptr(QtrNodeConfig) config = NULL;
  guint port;

  if (probe == NULL)
    return NULL;
  port = bench_socket_get_port (probe);
  g_clear_object (&probe);
  base = g_strdup_printf ("http://127.0.0.1:%u", port);

  if (!qtr_node_init_data_dir (dir, base, "alice", NULL, error))
    return NULL;
  config = qtr_node_config_load (conf_path, error);
  if (config == NULL)
    return NULL;
  /* The sinks are on loopback. */
  config->allow_private_addresses = TRUE;
  config->port = port;
  if (!qtr_node_config_save (config, conf_path, error))
    return NULL;
  return qtr_node_open (dir, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_auto(GStrv) inboxes = NULL;
  g_autofree char *post = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *node_dir = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GThread) thread = NULL;
  int n_hosts = 1000;
  int per_host = 10;
  int n_sinks = 4;
  int timeout = 60;
  gboolean personal_inboxes = FALSE;
  Sinks sinks = { 0 };
  Followers followers;
  Progress progress;
  gint64 start;
  const GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "A folder for the node's data", "DIR" },
    { "hosts", 0, 0, G_OPTION_ARG_INT, &n_hosts, "Servers the followers are on (1000)", "N" },
    { "followers-per-host", 0, 0, G_OPTION_ARG_INT, &per_host, "Followers on each (10)", "N" },
    { "sinks", 0, 0, G_OPTION_ARG_INT, &n_sinks, "SoupServers that play the servers (4)", "N" },
    { "personal-inboxes", 0, 0, G_OPTION_ARG_NONE, &personal_inboxes,
      "Servers have no shared inbox: one delivery per follower", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait at most (60)", "S" },
    { NULL }
  };

  g_option_context_set_summary (context, "Times the delivery of one post to many followers.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (dir == NULL || n_hosts < 1 || n_hosts > 256 * ADDRESSES_PER_OCTET || per_host < 1 ||
      n_sinks < 1 || timeout < 1)
    g_error ("--dir is needed, and the counts are positive");

  bench_raise_fd_limit ();

  /* The sinks, on their own thread and main context. */
  sinks.n_hosts = (guint) n_hosts;
  sinks.n_sinks = (guint) n_sinks;
  sinks.base_urls = g_new0 (char *, n_hosts + 1);
  sinks.context = g_main_context_new ();
  sinks.loop = g_main_loop_new (sinks.context, FALSE);
  sinks.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&sinks.lock);
  g_cond_init (&sinks.cond);
  thread = g_thread_new ("sinks", run_sinks, &sinks);
  g_mutex_lock (&sinks.lock);
  while (!sinks.ready)
    g_cond_wait (&sinks.cond, &sinks.lock);
  g_mutex_unlock (&sinks.lock);
  if (sinks.error != NULL)
    g_error ("The sinks cannot listen: %s", sinks.error->message);

  /* A new node, its followers written straight into its store. */
  node_dir = g_build_filename (dir, "fanout-node", NULL);
  node = set_up_node (node_dir, &error);
  if (node == NULL)
    g_error ("Cannot set the node up: %s", error->message);
  /* The followers' key is never used: nothing they send is verified here. */
  pem = qtr_key_export_public_pem (qtr_node_get_owner (node)->key, &error);
  if (pem == NULL)
    g_error ("Cannot export a key: %s", error->message);
  followers = (Followers) { node, &sinks, (guint) per_host, personal_inboxes, pem };
  start = g_get_monotonic_time ();
  if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)), add_followers_cb,
                           &followers, &error))
    g_error ("Cannot store the followers: %s", error->message);
  bench_print_result ("followers", "%d", n_hosts * per_host);
  bench_print_result ("hosts", "%d", n_hosts);
  bench_print_result ("store_followers_seconds", "%.3f", bench_seconds_since (start));

  /* Nobody calls the node here: any free port will do. */
  qtr_node_set_listen (node, NULL, 0);
  if (!qtr_node_start (node, &error))
    g_error ("Cannot start the node: %s", error->message);

  /* Where the post is about to go, as it collects them: not timed. */
  inboxes = qtr_node_store_follower_inboxes (qtr_node_get_store (node), &error);
  if (inboxes == NULL)
    g_error ("Cannot collect the inboxes: %s", error->message);

  progress = (Progress) { node, &sinks, (gint) g_strv_length (inboxes), g_get_monotonic_time (),
                          -1, -1, -1 };
  post = qtr_node_post (node,
                        &(QtrPostRequest) {
                          .text = "One post, to ten thousand followers on a thousand servers.",
                          .visibility = QTR_VISIBILITY_PUBLIC, .language = "en" },
                        &error);
  if (post == NULL)
    g_error ("Cannot post: %s", error->message);
  bench_print_result ("post_ms", "%.1f", bench_seconds_since (progress.start) * 1000);
  bench_wait_until (all_delivered, &progress, timeout);

  bench_print_result ("inboxes", "%d", progress.expected);
  bench_print_result ("arrivals", "%d", g_atomic_int_get (&sinks.arrivals));
  bench_print_result ("distinct_hosts", "%d", g_atomic_int_get (&sinks.distinct));
  bench_print_result ("unsigned", "%d", g_atomic_int_get (&sinks.unsigned_posts));
  bench_print_result ("first_arrival_ms", "%.1f", progress.first_arrival * 1000);
  bench_print_result ("jobs_left", "%" G_GINT64_FORMAT,
                      qtr_node_store_count_deliveries (qtr_node_get_store (node), NULL));
  if (progress.all_arrived >= 0)
    {
      bench_print_result ("seconds", "%.3f", progress.all_arrived);
      bench_print_result ("deliveries_per_second", "%.0f",
                          progress.expected / progress.all_arrived);
    }
  else
    bench_print_result ("seconds", "timeout");

  qtr_node_stop (node);
  g_clear_object (&node);
  g_main_loop_quit (sinks.loop);
  g_thread_join (g_steal_pointer (&thread));
  g_main_loop_unref (sinks.loop);
  g_main_context_unref (sinks.context);
  g_hash_table_unref (sinks.seen);
  g_strfreev (sinks.base_urls);
  g_clear_error (&sinks.error);
  return 0;
}
