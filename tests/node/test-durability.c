/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "qtr-node-store.h"

/* quitter-node killed with SIGKILL at awkward moments, as a power cut or the OOM killer would:
 * real processes on loopback ports, and node.db checked between the deaths. */

#define STATUS_WAIT_SECONDS 30
/* Well under the queue's 30 s base delay: a node that starts retries what waits at once. */
#define RESTART_WAIT_SECONDS 10
#define FOLLOWERS 300
#define MAX_KILLS 20

static const char *node_path;



/* quitter-node with these arguments, run to its end. */
#define run_node(run, ...) qtr_test_run ((run), node_path, __VA_ARGS__)
/* Polls `quitter-node status` of @node for up to @seconds, until it prints every one of the
 * words that follow, up to a NULL. */
#define wait_for_status(node, seconds, ...) \
  qtr_test_wait_for_status (node_path, (node)->dir, (seconds), __VA_ARGS__)

typedef struct {
  char *dir;
  char *port;
  char *url;
} TestNode;

static void
test_node_clear (TestNode *node)
{
  g_free (node->dir);
  g_free (node->port);
  g_free (node->url);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TestNode, test_node_clear)

/* `quitter-node init` in @root/@username, on a port picked now, allowed to reach loopback. */
static void
init_node (TestNode   *node,
           const char *root,
           const char *username)
{
  g_auto(QtrTestRun) init = { 0 };

  node->dir = g_build_filename (root, username, NULL);
  node->port = g_strdup_printf ("%u", qtr_test_pick_free_port ());
  node->url = g_strconcat ("http://127.0.0.1:", node->port, NULL);

  run_node (&init, "init", "--data-dir", node->dir, "--base-url", node->url, "--user", username,
            NULL);
  g_assert_cmpint (init.status, ==, 0);
  qtr_test_allow_private_addresses (node->dir);
}

/* `quitter-node run`, once it says it serves. */
static GSubprocess *
serve (TestNode *node)
{
  return qtr_test_serve (node_path, node->dir, node->port, NULL);
}

static void
kill_hard (GSubprocess **server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (*server);
  g_subprocess_wait (*server, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (*server));
  g_assert_cmpint (g_subprocess_get_term_sig (*server), ==, SIGKILL);
  g_clear_object (server);
}

static QtrNodeStore *
open_store (TestNode *node)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (node->dir, "node.db", NULL);
  QtrNodeStore *store = qtr_node_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static gint64
query_number (QtrNodeStore *store,
              const char   *sql)
{
  QtrDb *db = qtr_node_store_get_db (store);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = qtr_db_prepare (db, sql, &error);
  gint64 n;

  g_assert_no_error (error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  g_assert_no_error (error);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* alice follows bob while her node is off. Bob dies; alice starts, fails to deliver, and is
 * killed with the job postponed. Both come back: the Follow goes out, bob accepts, nothing was
 * lost on either side. */
static void
test_kill_with_deliveries_queued (void)
{
  g_autofree char *root = g_dir_make_tmp ("quitter-test-durability-XXXXXX", NULL);
  g_auto(TestNode) alice = { 0 };
  g_auto(TestNode) bob = { 0 };
  g_autofree char *bob_handle = NULL;
  g_autoptr(GSubprocess) alice_server = NULL;
  g_autoptr(GSubprocess) bob_server = NULL;
  g_auto(QtrTestRun) follow = { 0 };
  g_autofree char *alice_actor = NULL;
  g_autofree char *is_alice = NULL;
  gint64 restarted;

  init_node (&alice, root, "alice");
  init_node (&bob, root, "bob");
  alice_actor = g_strconcat (alice.url, "/users/alice", NULL);
  bob_handle = g_strconcat ("@bob@127.0.0.1:", bob.port, NULL);

  /* The Follow is queued in alice's node.db by the command, while her node is off. */
  bob_server = serve (&bob);
  run_node (&follow, "follow", "--data-dir", alice.dir, bob_handle, NULL);
  g_assert_cmpint (follow.status, ==, 0);
  g_assert_nonnull (strstr (follow.out, "queued"));
  kill_hard (&bob_server);

  /* alice runs against a dead bob: the attempt fails and is postponed. */
  alice_server = serve (&alice);
  g_assert_true (wait_for_status (&alice, STATUS_WAIT_SECONDS, "Deliveries waiting: 1",
                                  "Failing hosts (host", "\n  127.0.0.1\t1\t1\t", NULL));
  kill_hard (&alice_server);

  /* What the kill left: the job, its failure counted and explained, due later. */
  {
    g_autoptr(QtrNodeStore) store = open_store (&alice);

    g_assert_cmpint (query_number (store, "SELECT count (*) FROM deliveries"), ==, 1);
    g_assert_cmpint (query_number (store, "SELECT attempts FROM deliveries"), ==, 1);
    g_assert_cmpint (query_number (store, "SELECT count (*) FROM deliveries"
                                          " WHERE last_error LIKE '%Could not reach%'"), ==, 1);
    g_assert_cmpint (query_number (store, "SELECT next_attempt_at FROM deliveries"), >,
                     g_get_real_time () / G_USEC_PER_SEC);
    g_assert_cmpint (query_number (store, "SELECT count (*) FROM following"
                                          " WHERE accepted = 0"), ==, 1);
    g_assert_finalize_object (g_steal_pointer (&store));
  }

  bob_server = serve (&bob);
  alice_server = serve (&alice);
  restarted = g_get_monotonic_time ();
  g_assert_true (wait_for_status (&bob, RESTART_WAIT_SECONDS, "Followers: 1 (0 waiting", NULL));
  g_assert_true (wait_for_status (&alice, RESTART_WAIT_SECONDS, "Following: 1",
                                  "Deliveries waiting: 0", "Failing hosts: none", NULL));
  g_assert_true (wait_for_status (&bob, RESTART_WAIT_SECONDS, "Deliveries waiting: 0", NULL));
  g_test_message ("Delivered %.1f s after the restart",
                  (g_get_monotonic_time () - restarted) / (double) G_USEC_PER_SEC);

  qtr_test_stop_server (&alice_server);
  qtr_test_stop_server (&bob_server);

  /* Bob's follower is alice, from one Follow; alice applied one Accept. */
  is_alice = g_strdup_printf ("SELECT count (*) FROM followers f JOIN remote_actors r"
                              " ON r.id = f.actor_id WHERE r.uri = '%s'", alice_actor);
  {
    g_autoptr(QtrNodeStore) store = open_store (&bob);

    g_assert_cmpint (query_number (store, is_alice), ==, 1);
    g_assert_cmpint (query_number (store, "SELECT count (*) FROM inbox WHERE error IS NULL"
                                          " AND processed_at IS NOT NULL"), ==, 1);
    g_assert_finalize_object (g_steal_pointer (&store));
  }
  {
    g_autoptr(QtrNodeStore) store = open_store (&alice);

    g_assert_cmpint (query_number (store, "SELECT count (*) FROM inbox WHERE error IS NULL"
                                          " AND processed_at IS NOT NULL"), ==, 1);
    g_assert_cmpint (query_number (store, "SELECT count (*) FROM following"
                                          " WHERE accepted = 1"), ==, 1);
    g_assert_finalize_object (g_steal_pointer (&store));
  }
  qtr_test_remove_tree (root);
}

/* Counts that must agree whenever alice's node is dead: each Follow in her inbox is either
 * applied in full (a follower, an Accept, its delivery job) or not at all. */
static gint64
check_applied_in_full (TestNode *alice)
{
  g_autoptr(QtrNodeStore) store = open_store (alice);
  gint64 processed = query_number (store, "SELECT count (*) FROM inbox"
                                          " WHERE processed_at IS NOT NULL");

  g_assert_cmpint (query_number (store, "SELECT count (*) FROM inbox WHERE error IS NOT NULL"),
                   ==, 0);
  g_assert_cmpint (query_number (store, "SELECT count (*) FROM followers WHERE accepted = 1"),
                   ==, processed);
  g_assert_cmpint (query_number (store, "SELECT count (*) FROM inbox i"
                                        " JOIN remote_actors r ON r.uri = i.actor_uri"
                                        " JOIN followers f ON f.actor_id = r.id"
                                        " WHERE i.processed_at IS NULL"), ==, 0);
  g_assert_cmpint (query_number (store, "SELECT count (*) FROM activities"
                                        " WHERE type = 'Accept'"), ==, processed);
  g_assert_cmpint (query_number (store, "SELECT count (*) FROM deliveries"), ==, processed);
  g_assert_cmpint (query_number (store, "SELECT count (DISTINCT inbox) FROM deliveries"), ==,
                   processed);
  g_assert_finalize_object (g_steal_pointer (&store));
  return processed;
}

/* Follows stored in alice's inbox as her inbox stores them before answering 202, from actors
 * whose servers are gone (their Accepts wait in the queue). */
static void
store_follows (TestNode *alice)
{
  g_autoptr(QtrNodeStore) store = open_store (alice);
  g_autoptr(QtrNodeOwner) owner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *dead = g_strdup_printf ("http://127.0.0.1:%u", qtr_test_pick_free_port ());

  owner = qtr_node_store_load_owner (store, &error);
  g_assert_no_error (error);
  pem = qtr_key_export_public_pem (owner->key, &error);
  g_assert_no_error (error);

  g_assert_true (qtr_db_begin (qtr_node_store_get_db (store), &error));
  for (guint i = 0; i < FOLLOWERS; i++)
    {
      g_autofree char *uri = g_strdup_printf ("%s/users/f%u", dead, i);
      g_autofree char *inbox = g_strconcat (uri, "/inbox", NULL);
      g_autofree char *key_id = g_strconcat (uri, "#main-key", NULL);
      g_autofree char *follow = g_strdup_printf ("{\"@context\":"
                                                 "\"https://www.w3.org/ns/activitystreams\","
                                                 "\"id\":\"%s/activities/f%u\","
                                                 "\"type\":\"Follow\",\"actor\":\"%s\","
                                                 "\"object\":\"%s/users/alice\"}",
                                                 dead, i, uri, alice->url);
      g_autoptr(GBytes) body = g_bytes_new (follow, strlen (follow));
      QtrRemoteActor actor = {
        .uri = uri, .host = (char *) "127.0.0.1", .username = (char *) "f",
        .inbox = inbox, .key_id = key_id, .public_key_pem = pem, .document = (char *) "{}",
      };
      g_autofree char *activity_id = g_strdup_printf ("%s/activities/f%u", dead, i);

      g_assert_cmpint (qtr_node_store_save_remote_actor (store, &actor, &error), >, 0);
      g_assert_no_error (error);
      g_assert_true (qtr_node_store_add_inbox_activity (store, activity_id, uri, body, &error));
      g_assert_no_error (error);
    }
  g_assert_true (qtr_db_commit (qtr_node_store_get_db (store), &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&store));
}

/* alice is killed again and again while her node applies the stored Follows. A kill at any
 * point leaves each Follow applied in full or not at all, and the next start goes on. */
static void
test_kill_while_processing_inbox (void)
{
  g_autofree char *root = g_dir_make_tmp ("quitter-test-durability-XXXXXX", NULL);
  g_autofree char *followers = g_strdup_printf ("Followers: %d (0 waiting", FOLLOWERS);
  g_autofree char *waiting = g_strdup_printf ("Deliveries waiting: %d", FOLLOWERS);
  g_auto(TestNode) alice = { 0 };
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(QtrNodeStore) watch = NULL;
  gint64 processed = 0;
  guint kills = 0, interrupted = 0;

  init_node (&alice, root, "alice");
  store_follows (&alice);
  g_assert_cmpint (check_applied_in_full (&alice), ==, 0);

  watch = open_store (&alice);
  while (processed < FOLLOWERS && kills < MAX_KILLS)
    {
      gint64 seen, after;
      gint64 deadline;

      server = serve (&alice);
      /* Kill once a few more are applied than before (more each time, to land at other
       * points): the batch is under way. */
      deadline = g_get_monotonic_time () + STATUS_WAIT_SECONDS * G_USEC_PER_SEC;
      do
        {
          g_usleep (1000);
          seen = query_number (watch, "SELECT count (*) FROM inbox"
                                      " WHERE processed_at IS NOT NULL");
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        }
      while (seen < MIN (processed + kills + 1, FOLLOWERS));
      kill_hard (&server);
      kills++;

      after = check_applied_in_full (&alice);
      g_assert_cmpint (after, >=, seen);
      if (after < FOLLOWERS)
        interrupted++;
      processed = after;
      g_test_message ("Kill %u: %" G_GINT64_FORMAT " of %d Follows applied", kills, processed,
                      FOLLOWERS);
    }
  g_assert_finalize_object (g_steal_pointer (&watch));

  /* The last start applies whatever is left, once. */
  server = serve (&alice);
  g_assert_true (wait_for_status (&alice, STATUS_WAIT_SECONDS, followers, waiting, NULL));
  qtr_test_stop_server (&server);
  g_assert_cmpint (check_applied_in_full (&alice), ==, FOLLOWERS);

  /* Without a kill that landed in the middle of the batch, this test proved nothing. */
  if (interrupted == 0)
    g_test_incomplete ("Every kill came after the whole batch was applied");
  qtr_test_remove_tree (root);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    g_error ("Usage: %s PATH-TO-QUITTER-NODE", argv[0]);
  node_path = argv[1];

  g_test_add_func ("/node/durability/kill-with-deliveries-queued",
                   test_kill_with_deliveries_queued);
  g_test_add_func ("/node/durability/kill-while-processing-inbox",
                   test_kill_while_processing_inbox);

  return g_test_run ();
}
