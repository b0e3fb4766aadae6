/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include "qtr-node-private.h"

/* The app runs its node on a thread of its own, with its own main context. Here both nodes
 * run so, and the test's thread never iterates the global default context: a timer, idle or
 * callback of a node attached there instead of its own context would never run, and the
 * federation below would time out. */

typedef struct {
  char         *dir;
  char         *base;
  char         *handle;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  QtrNode      *node;      /* used only on its own thread */
  gboolean      started;   /* set by the node's thread, read under the lock */
  char         *post;      /* the id of a post made on the node's thread */
} ThreadNode;

typedef struct {
  char       *root;
  ThreadNode  alice;
  ThreadNode  bob;
} Fixture;

static GMutex lock;
static GCond  changed;

static gpointer
node_thread (gpointer data)
{
  ThreadNode *node = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (node->context);
  node->node = qtr_node_open (node->dir, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_node_start (node->node, &error));
  g_assert_no_error (error);

  g_mutex_lock (&lock);
  node->started = TRUE;
  g_cond_broadcast (&changed);
  g_mutex_unlock (&lock);

  g_main_loop_run (node->loop);

  qtr_node_stop (node->node);
  g_clear_object (&node->node);
  g_main_context_pop_thread_default (node->context);
  return NULL;
}

static void
start_thread_node (Fixture    *fixture,
                   ThreadNode *node,
                   const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNodeConfig) config = NULL;
  g_autofree char *conf_path = NULL;
  guint port = qtr_test_pick_free_port ();

  node->dir = g_build_filename (fixture->root, username, NULL);
  node->base = g_strdup_printf ("http://127.0.0.1:%u", port);
  node->handle = g_strdup_printf ("@%s@127.0.0.1:%u", username, port);
  g_assert_true (qtr_node_init_data_dir (node->dir, node->base, username, NULL, &error));
  g_assert_no_error (error);
  conf_path = g_build_filename (node->dir, "node.conf", NULL);
  config = qtr_node_config_load (conf_path, &error);
  g_assert_no_error (error);
  config->allow_private_addresses = TRUE;
  config->port = port;
  g_assert_true (qtr_node_config_save (config, conf_path, &error));

  node->context = g_main_context_new ();
  node->loop = g_main_loop_new (node->context, FALSE);
  node->thread = g_thread_new (username, node_thread, node);
  g_mutex_lock (&lock);
  while (!node->started)
    g_cond_wait (&changed, &lock);
  g_mutex_unlock (&lock);
}

static void
stop_thread_node (ThreadNode *node)
{
  g_main_loop_quit (node->loop);
  g_thread_join (node->thread);
  g_main_loop_unref (node->loop);
  g_main_context_unref (node->context);
  g_free (node->dir);
  g_free (node->base);
  g_free (node->handle);
  g_free (node->post);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->root = g_dir_make_tmp ("quitter-test-threads-XXXXXX", NULL);
  start_thread_node (fixture, &fixture->alice, "alice");
  start_thread_node (fixture, &fixture->bob, "bob");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  stop_thread_node (&fixture->alice);
  stop_thread_node (&fixture->bob);
  qtr_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

/* A count from the node's database, read through a connection of the test's own. */
static gint64
count_rows (ThreadNode *node,
            const char *sql)
{
  return qtr_test_query_node_db (node->dir, sql);
}

static void
wait_for_count (ThreadNode *node,
                const char *sql,
                gint64      expected,
                const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (count_rows (node, sql) != expected)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting until %s", what);
      g_usleep (10 * 1000);
    }
}

typedef struct {
  ThreadNode *node;
  const char *handle;
  gboolean    done;
} Call;

static void
followed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = qtr_node_follow_finish (QTR_NODE (source), result, &error);

  g_assert_no_error (error);
  g_mutex_lock (&lock);
  call->done = TRUE;
  g_cond_broadcast (&changed);
  g_mutex_unlock (&lock);
}

static gboolean
follow_in_thread (gpointer data)
{
  Call *call = data;

  g_assert_true (g_main_context_is_owner (call->node->context));
  qtr_node_follow_async (call->node->node, call->handle, NULL, followed_cb, call);
  return G_SOURCE_REMOVE;
}

static gboolean
post_in_thread (gpointer data)
{
  Call *call = data;
  g_autoptr(GError) error = NULL;

  call->node->post = qtr_node_post (call->node->node,
                                    &(QtrPostRequest) { .text = "Posted from a thread" },
                                    &error);
  g_assert_no_error (error);
  g_mutex_lock (&lock);
  call->done = TRUE;
  g_cond_broadcast (&changed);
  g_mutex_unlock (&lock);
  return G_SOURCE_REMOVE;
}

/* Runs @func on @node's thread and waits until it says it is done. */
static void
run_on (ThreadNode  *node,
        GSourceFunc  func,
        Call        *call)
{
  call->node = node;
  g_main_context_invoke (node->context, func, call);
  g_mutex_lock (&lock);
  while (!call->done)
    g_cond_wait (&changed, &lock);
  g_mutex_unlock (&lock);
}

/* bob follows alice (looked up, delivered, processed and accepted, each node on its thread),
 * then alice posts and bob's node keeps the post. */
static void
test_nodes_on_threads (Fixture       *fixture,
                       gconstpointer  data)
{
  Call follow = { .handle = fixture->alice.handle };
  Call post = { 0 };

  run_on (&fixture->bob, follow_in_thread, &follow);
  wait_for_count (&fixture->alice, "SELECT count (*) FROM followers WHERE accepted", 1,
                  "alice accepted bob");
  wait_for_count (&fixture->bob, "SELECT count (*) FROM following WHERE accepted", 1,
                  "bob saw the Accept");

  run_on (&fixture->alice, post_in_thread, &post);
  g_assert_nonnull (fixture->alice.post);
  wait_for_count (&fixture->bob, "SELECT count (*) FROM statuses", 1, "bob got the post");
  wait_for_count (&fixture->alice, "SELECT count (*) FROM deliveries", 0,
                  "alice's queue is empty");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/node/threads/federate", Fixture, NULL,
              fixture_set_up, test_nodes_on_threads, fixture_tear_down);

  return g_test_run ();
}
