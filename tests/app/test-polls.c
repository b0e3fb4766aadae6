/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-app-test.h"
#include "qtr-poll-view.h"
#include "qtr-status-row.h"
#include "qtr-test-peer.h"
#include "qtr-timeline-view.h"

/* Polls in the timeline's rows, against two real nodes on loopback: alice's poll shows in
 * bob's home timeline with a check button per option; bob votes through the row, his node
 * sends the vote to alice's, and the row shows the results it answered. */

static gboolean
has_rows (gpointer root)
{
  return qtr_app_test_find (root, QTR_TYPE_STATUS_ROW) != NULL;
}

static gboolean
shows_results (QtrPollView *view)
{
  return !qtr_poll_view_get_can_vote (view) &&
         qtr_app_test_find (GTK_WIDGET (view), GTK_TYPE_PROGRESS_BAR) != NULL;
}

typedef struct {
  QtrTestPeer *alice;
  QtrTestPeer *bob;
} PollsNodes;

static gboolean
bob_has_the_poll (QtrTestPeer *bob)
{
  return qtr_test_peer_count (bob, "SELECT count (*) FROM poll_options") == 3;
}

/* Alice on node A posts "What do you drink?" with Tea, Coffee and Water, open for an hour;
 * bob on node B (the app's account), who follows her, has it. */
static void
polls_nodes_start (PollsNodes *nodes)
{
  static const char * const options[] = { "Tea", "Coffee", "Water", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  nodes->alice = qtr_test_peer_start (NULL, "alice", "Alice Liddell", FALSE);
  nodes->bob = qtr_test_peer_start (NULL, "bob", NULL, FALSE);
  qtr_test_peer_follow (nodes->bob, qtr_test_peer_get_handle (nodes->alice));
  qtr_test_peer_wait_rows (nodes->bob, 1, "SELECT count (*) FROM following WHERE accepted = 1",
                           "bob follows alice");
  uri = qtr_node_post (qtr_test_peer_get_node (nodes->alice),
                       &(QtrPostRequest) { .text = "What do you drink?", .poll_options = options,
                                           .poll_expires_in = 3600 },
                       &error);
  g_assert_no_error (error);
  qtr_test_wait_until (bob_has_the_poll, nodes->bob, "bob's node has alice's poll");
}

/* The first option's votes on alice's node, the poll's own. */
static gboolean
alice_counted (PollsNodes *nodes)
{
  return qtr_test_peer_count (nodes->alice, "SELECT votes_count FROM poll_options"
                                            " WHERE position = 1") == 1;
}

static void
test_vote_from_row (void)
{
  PollsNodes nodes_ = { 0 };
  PollsNodes *nodes = &nodes_;
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(QtrTimeline) home = NULL;
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  g_autoptr(GPtrArray) bars = g_ptr_array_new ();
  GtkWindow *window;
  QtrTimelineView *view;
  QtrPollView *poll_view;
  const QtrPoll *poll;
  GtkWidget *vote_button;

  polls_nodes_start (nodes);
  token = qtr_test_peer_mint_token (nodes->bob);
  client = qtr_api_client_new (qtr_test_peer_get_base (nodes->bob), token, &error);
  window = qtr_app_test_new_window (360, 700);
  view = QTR_TIMELINE_VIEW (qtr_timeline_view_new ());
  g_assert_no_error (error);
  home = qtr_timeline_new (client, NULL, NULL, QTR_TIMELINE_HOME, NULL);
  qtr_timeline_view_set_model (view, home);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (window);
  qtr_timeline_load_newer_async (home, NULL, NULL, NULL);
  qtr_test_wait_until (has_rows, view, "alice's poll shows in bob's home");

  /* Open and not voted: a radio button per option, and Vote, waiting for a choice. */
  poll_view = QTR_POLL_VIEW (qtr_app_test_find (GTK_WIDGET (view), QTR_TYPE_POLL_VIEW));
  g_assert_nonnull (poll_view);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (poll_view)));
  g_assert_true (qtr_poll_view_get_can_vote (poll_view));
  qtr_app_test_collect (GTK_WIDGET (poll_view), GTK_TYPE_CHECK_BUTTON, checks);
  g_assert_cmpuint (checks->len, ==, 3);
  g_assert_cmpstr (gtk_check_button_get_label (checks->pdata[0]), ==, "Tea");
  g_assert_cmpstr (gtk_check_button_get_label (checks->pdata[1]), ==, "Coffee");
  g_assert_cmpstr (gtk_check_button_get_label (checks->pdata[2]), ==, "Water");
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (poll_view), "0 people · Closes in "));
  vote_button = GTK_WIDGET (qtr_app_test_find_button (GTK_WIDGET (poll_view), "_Vote"));
  g_assert_nonnull (vote_button);
  g_assert_true (gtk_widget_is_drawable (vote_button));
  g_assert_false (gtk_widget_get_sensitive (vote_button));
  qtr_app_test_screenshot (GTK_WIDGET (window), "poll-open");

  /* A single-choice poll: choosing Coffee after Tea leaves Coffee alone. */
  gtk_check_button_set_active (checks->pdata[0], TRUE);
  gtk_check_button_set_active (checks->pdata[1], TRUE);
  g_assert_false (gtk_check_button_get_active (checks->pdata[0]));
  g_assert_true (gtk_widget_get_sensitive (vote_button));
  g_signal_emit_by_name (vote_button, "clicked");

  /* The row shows the poll as bob's node answered: his vote marked, counted. */
  qtr_test_wait_until (shows_results, poll_view, "the row shows the results");
  poll = qtr_poll_view_get_poll (poll_view);
  g_assert_true (poll->voted);
  g_assert_cmpuint (poll->own_votes->len, ==, 1);
  g_assert_cmpuint (g_array_index (poll->own_votes, guint, 0), ==, 1);
  g_assert_cmpint (((QtrPollOption *) poll->options->pdata[1])->votes_count, ==, 1);
  qtr_app_test_collect (GTK_WIDGET (poll_view), GTK_TYPE_PROGRESS_BAR, bars);
  g_assert_cmpuint (bars->len, ==, 3);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bars->pdata[0]), ==, 0.0);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bars->pdata[1]), ==, 1.0);
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (poll_view), "100%"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (poll_view), "1 vote"));
  g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (poll_view), "1 person"));
  g_assert_false (gtk_widget_get_visible (vote_button));
  g_assert_nonnull (qtr_app_test_find (GTK_WIDGET (poll_view), GTK_TYPE_IMAGE));
  qtr_app_test_screenshot (GTK_WIDGET (window), "poll-voted");

  /* The post keeps the vote: the row bound to it again (scrolled away and back) shows it. */
  {
    QtrStatusRow *row = QTR_STATUS_ROW (qtr_app_test_find (GTK_WIDGET (view),
                                                           QTR_TYPE_STATUS_ROW));
    g_autoptr(QtrStatus) status = g_object_ref (qtr_status_row_get_status (row));

    qtr_status_row_set_status (row, NULL);
    g_assert_null (qtr_poll_view_get_poll (poll_view));
    qtr_status_row_set_status (row, status);
    g_assert_false (qtr_poll_view_get_can_vote (poll_view));
    g_assert_true (qtr_status_get_poll (status)->voted);
    g_assert_true (qtr_app_test_shows_label (GTK_WIDGET (poll_view), "1 person"));
  }

  /* The vote went to alice's node, which counted it. */
  qtr_test_wait_until (alice_counted, nodes, "alice's node counted bob's vote");

  gtk_window_destroy (window);
  qtr_app_test_settle ();
  qtr_test_peer_free (nodes->alice);
  qtr_test_peer_free (nodes->bob);
}

int
main (int   argc,
      char *argv[])
{
  qtr_app_test_init (&argc, &argv);
  qtr_app_test_start_gtk ();

  g_test_add_func ("/app/polls/vote-from-row", test_vote_from_row);

  return g_test_run ();
}
