/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-account-store.h"
#include "qtr-app-test.h"
#include "qtr-html.h"
#include "qtr-main-view.h"
#include "qtr-profile-page.h"
#include "qtr-status-row.h"
#include "qtr-test-peer.h"
#include "qtr-thread-view.h"
#include "qtr-timeline-view.h"
#include "qtr-window.h"

/* In-app navigation under Xvfb against two real Quitter nodes on loopback: alice on node A
 * (the app's account, with a token minted on her node) and bob on node B, who follow each
 * other and talk in a thread across both nodes. A post of the home timeline opens its thread
 * (ancestors, the post, replies by depth); an ancestor opens its own; back (the button's
 * action, Escape, Alt+Left) returns to the timeline where it was scrolled; a mention opens
 * bob's profile (name, bio, handle, Following, his posts in the tabs); Unfollow and Follow
 * change what node A stores; a hashtag opens its timeline. */

#define CLIENT_ID "navigation-test-client-id"
#define CLIENT_SECRET "navigation-test-client-secret"

/* Alice on node A (the app's account) and bob on node B, who follow each other, and a thread
 * across both nodes:
 *
 *   alice: "Thread root: what do you think, @bob…?"       (mentions bob)
 *     bob: "Bob answers the root"
 *       alice: "Alice answers Bob"
 *     bob: "Bob starts a second branch"
 *
 * plus 30 filler posts of alice (for a home timeline that scrolls), a post of bob's without
 * replies, and one of bob's tagged #Quitter. Each post is on the other node before the next. */
typedef struct {
  QtrTestPeer *alice;
  QtrTestPeer *bob;
} NavigationNodes;

static char *
post (QtrTestPeer *peer,
      QtrTestPeer *other,
      const char  *text,
      const char  *in_reply_to)
{
  char *uri = qtr_test_peer_post_full (peer, text, NULL, NULL, in_reply_to);

  if (other != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM statuses WHERE uri = '%s'",
                                              uri);

      qtr_test_peer_wait_rows (other, 1, sql, "the post reached the other node");
    }
  return uri;
}

static NavigationNodes *
navigation_nodes_start (void)
{
  NavigationNodes *nodes = g_new0 (NavigationNodes, 1);
  const char *accepted = "SELECT count (*) FROM following WHERE accepted = 1";
  g_autoptr(GError) error = NULL;
  g_autofree char *mention = NULL;
  g_autofree char *root = NULL;
  g_autofree char *reply = NULL;

  nodes->alice = qtr_test_peer_start (NULL, "alice", "Alice Liddell", FALSE);
  nodes->bob = qtr_test_peer_start (NULL, "bob", "Bob Builder", FALSE);
  g_assert_true (qtr_node_update_profile (qtr_test_peer_get_node (nodes->bob),
                     &(QtrProfileEdit) { .summary = "I build things on node B" }, &error));
  g_assert_no_error (error);
  qtr_test_peer_follow (nodes->alice, qtr_test_peer_get_handle (nodes->bob));
  qtr_test_peer_follow (nodes->bob, qtr_test_peer_get_handle (nodes->alice));
  qtr_test_peer_wait_rows (nodes->alice, 1, accepted, "alice follows bob");
  qtr_test_peer_wait_rows (nodes->bob, 1, accepted, "bob follows alice");

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *text = g_strdup_printf ("Filler post %u, to scroll through", i + 1);

      g_free (post (nodes->alice, NULL, text, NULL));
    }
  g_free (post (nodes->bob, nodes->alice, "A post of bob's own, without replies", NULL));
  mention = g_strdup_printf ("Thread root: what do you think, %s?",
                             qtr_test_peer_get_handle (nodes->bob));
  root = post (nodes->alice, nodes->bob, mention, NULL);
  reply = post (nodes->bob, nodes->alice, "Bob answers the root", root);
  g_free (post (nodes->alice, nodes->bob, "Alice answers Bob", reply));
  g_free (post (nodes->bob, nodes->alice, "Bob starts a second branch", root));
  g_free (post (nodes->bob, nodes->alice, "A post tagged #Quitter", NULL));
  return nodes;
}

static void
navigation_nodes_stop (NavigationNodes *nodes)
{
  qtr_test_peer_free (nodes->alice);
  qtr_test_peer_free (nodes->bob);
  g_free (nodes);
}

static gboolean
follows_nobody (NavigationNodes *nodes)
{
  return qtr_test_peer_count (nodes->alice, "SELECT count (*) FROM following") == 0;
}

static gboolean
follows_again (NavigationNodes *nodes)
{
  return qtr_test_peer_count (nodes->alice, "SELECT count (*) FROM following") == 1;
}

static gboolean
mutes_bob (NavigationNodes *nodes)
{
  return qtr_test_peer_count (nodes->alice, "SELECT count (*) FROM mutes") == 1;
}

static gboolean
mutes_nobody (NavigationNodes *nodes)
{
  return qtr_test_peer_count (nodes->alice, "SELECT count (*) FROM mutes") == 0;
}

static gboolean
is_folded (QtrMainView *main_view)
{
  return adw_leaflet_get_folded (qtr_main_view_get_leaflet (main_view));
}


static gboolean
contains (const char *content,
          const char *text)
{
  return content != NULL && strstr (content, text) != NULL;
}

/* The position of the post whose content has @text in @model (of QtrStatus or of
 * QtrTimelineItem), or -1. */
static int
find_post (GListModel *model,
           const char *text)
{
  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      QtrStatus *status = QTR_IS_STATUS (item) ? QTR_STATUS (item)
                          : qtr_timeline_item_get_status (QTR_TIMELINE_ITEM (item));

      if (status != NULL && contains (qtr_status_get_content (qtr_status_get_shown (status)), text))
        return (int) i;
    }
  return -1;
}

static gboolean
home_has_thread (QtrMainView *main_view)
{
  QtrTimelineView *home = qtr_main_view_get_timeline (main_view, "home");

  return home != NULL &&
         find_post (G_LIST_MODEL (qtr_timeline_view_get_model (home)), "Bob answers") >= 0 &&
         find_post (G_LIST_MODEL (qtr_timeline_view_get_model (home)), "Filler post 1,") >= 0;
}

static GtkAdjustment *
vadjustment (QtrTimelineView *view)
{
  return gtk_scrolled_window_get_vadjustment (qtr_timeline_view_get_scrolled_window (view));
}

static gboolean
is_long (QtrTimelineView *view)
{
  GtkAdjustment *adjustment = vadjustment (view);

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) + 800;
}

static gboolean
thread_loaded (QtrMainView *main_view)
{
  GtkWidget *page = qtr_main_view_get_visible_page (main_view);

  return QTR_IS_THREAD_VIEW (page) &&
         g_strcmp0 (qtr_thread_view_get_state (QTR_THREAD_VIEW (page)), "thread") == 0;
}

static gboolean
profile_loaded (QtrMainView *main_view)
{
  GtkWidget *page = qtr_main_view_get_visible_page (main_view);

  return QTR_IS_PROFILE_PAGE (page) &&
         g_strcmp0 (qtr_profile_page_get_state (QTR_PROFILE_PAGE (page)), "profile") == 0 &&
         !g_str_equal (qtr_profile_page_get_follow_state (QTR_PROFILE_PAGE (page)), "unknown");
}

static gboolean
not_busy (QtrProfilePage *page)
{
  return !qtr_profile_page_get_busy (page);
}

static gboolean
tab_loaded (QtrTimelineView *view)
{
  QtrTimeline *timeline = qtr_timeline_view_get_model (view);

  return timeline != NULL && qtr_timeline_get_state (timeline) == QTR_TIMELINE_STATE_ONLINE &&
         !qtr_timeline_get_loading (timeline);
}

static gboolean
hashtag_loaded (QtrMainView *main_view)
{
  GtkWidget *page = qtr_main_view_get_visible_page (main_view);

  return QTR_IS_TIMELINE_VIEW (page) &&
         find_post (G_LIST_MODEL (qtr_timeline_view_get_model (QTR_TIMELINE_VIEW (page))),
                    "A post tagged") >= 0;
}

/* Whether a label under @root shows text with @text in it. */
static gboolean
shows_text (GtkWidget  *root,
            const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (labels->pdata[i]) &&
        contains (gtk_label_get_text (labels->pdata[i]), text))
      return TRUE;
  return FALSE;
}

static gboolean
shows_muted (GtkWidget *window)
{
  return shows_text (window, "Muted");
}

static gboolean
shows_failure (GtkWidget *window)
{
  return shows_text (window, "Could not unfollow");
}

/* The first mention link of @status's content. */
static char *
find_mention (QtrStatus *status)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *markup = qtr_html_to_markup (qtr_status_get_content (status), &links);

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      QtrHtmlLink *link = links->pdata[i];

      if (link->kind == QTR_HTML_LINK_MENTION)
        return g_strdup (link->href);
    }
  return NULL;
}

static QtrStatusRow *
find_row (GtkWidget *root,
          QtrStatus *status)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  qtr_app_test_collect (root, QTR_TYPE_STATUS_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (qtr_status_row_get_status (rows->pdata[i]) == status)
      return rows->pdata[i];
  return NULL;
}

static GtkButton *
find_button (GtkWidget  *root,
             const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  qtr_app_test_collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_get_mapped (buttons->pdata[i]) &&
        g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), label) == 0)
      return buttons->pdata[i];
  return NULL;
}

/* Checks that @thread holds the posts with these texts at these depths, in order. */
static void
assert_thread (QtrThread         *thread,
               const char * const texts[],
               const guint        depths[],
               guint              n,
               guint              focused)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (thread)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QtrStatus) status = g_list_model_get_item (G_LIST_MODEL (thread), i);

      if (!contains (qtr_status_get_content (status), texts[i]))
        g_error ("post %u of the thread is “%s”, not “%s”", i, qtr_status_get_content (status),
                 texts[i]);
      g_assert_cmpuint (qtr_thread_get_depth (thread, i), ==, depths[i]);
    }
  g_assert_cmpuint (qtr_thread_get_focused_position (thread), ==, focused);
}

/* Tests */

static void
test_navigation (void)
{
  static const char * const thread_texts[] = {
    "Thread root", "Bob answers the root", "Alice answers Bob",
  };
  static const guint thread_depths[] = { 0, 0, 1 };
  static const char * const root_texts[] = {
    "Thread root", "Bob answers the root", "Alice answers Bob", "Bob starts a second branch",
  };
  static const guint root_depths[] = { 0, 1, 2, 1 };
  NavigationNodes *nodes;
  g_autofree char *token = NULL;
  g_autofree char *mention = NULL;
  g_autofree char *bob_handle = NULL;
  g_autofree char *before = NULL;
  const char *label;
  QtrWindow *window;
  QtrMainView *main_view;
  QtrTimelineView *home;
  QtrThreadView *thread_view;
  QtrThreadView *root_view;
  QtrProfilePage *profile;
  QtrTimelineView *tab;
  QtrThread *thread;
  g_autoptr(QtrStatus) root = NULL;
  double scrolled;
  int position;

  nodes = navigation_nodes_start ();
  token = qtr_test_peer_mint_token (nodes->alice);
  qtr_app_test_save_account (qtr_test_peer_get_base (nodes->alice), "1",
                             qtr_test_peer_get_handle (nodes->alice), "Alice", CLIENT_ID,
                             CLIENT_SECRET, token);

  window = g_object_new (QTR_TYPE_WINDOW, NULL);
  main_view = qtr_window_get_main_view (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  qtr_test_wait_until (home_has_thread, main_view, "home shows the thread's posts");
  home = qtr_main_view_get_timeline (main_view, "home");
  g_assert_true (qtr_main_view_get_visible_page (main_view) == GTK_WIDGET (home));
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 0);

  /* Scrolled down a little, bob's reply opens its thread. */
  qtr_test_wait_until (is_long, home, "home is laid out");
  gtk_adjustment_set_value (vadjustment (home), 400);
  qtr_app_test_settle ();
  scrolled = gtk_adjustment_get_value (vadjustment (home));
  g_assert_cmpfloat (scrolled, >, 0);
  position = find_post (G_LIST_MODEL (qtr_timeline_view_get_model (home)), "Bob answers");
  g_assert_cmpint (position, >=, 0);
  g_signal_emit_by_name (qtr_timeline_view_get_list_view (home), "activate", (guint) position);
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 1);
  qtr_test_wait_until (thread_loaded, main_view, "the thread loads");
  thread_view = QTR_THREAD_VIEW (qtr_main_view_get_visible_page (main_view));
  thread = qtr_thread_view_get_thread (thread_view);
  assert_thread (thread, thread_texts, thread_depths, G_N_ELEMENTS (thread_texts), 1);
  qtr_app_test_settle ();
  g_assert_true (shows_text (GTK_WIDGET (thread_view), "1 reply"));  /* the focused post */
  g_assert_true (shows_text (GTK_WIDGET (main_view), "Post"));       /* the title */
  qtr_app_test_screenshot (GTK_WIDGET (window), "navigation-thread");

  /* The ancestor opens its own thread: the whole tree, replies indented by depth. */
  root = g_list_model_get_item (G_LIST_MODEL (thread), 0);
  g_signal_emit_by_name (qtr_thread_view_get_list_view (thread_view), "activate", 0u);
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 2);
  qtr_test_wait_until (thread_loaded, main_view, "the root's thread loads");
  root_view = QTR_THREAD_VIEW (qtr_main_view_get_visible_page (main_view));
  g_assert_true (root_view != thread_view);
  assert_thread (qtr_thread_view_get_thread (root_view), root_texts, root_depths,
                 G_N_ELEMENTS (root_texts), 0);

  /* Back with the back button's action, then with Escape: the timeline, where it was. */
  gtk_widget_activate_action (GTK_WIDGET (main_view), "main.back", NULL);
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 1);
  g_assert_true (qtr_main_view_get_visible_page (main_view) == GTK_WIDGET (thread_view));
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (main_view), "Escape"));
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 0);
  g_assert_true (qtr_main_view_get_visible_page (main_view) == GTK_WIDGET (home));
  qtr_app_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment (home)), ==, scrolled);
  /* With nothing pushed, Escape is left to others. */
  g_assert_false (qtr_app_test_press_shortcut (GTK_WIDGET (main_view), "Escape"));

  /* Another section has its own history: a page pushed over Local stays there. */
  g_signal_emit_by_name (qtr_timeline_view_get_list_view (home), "activate", (guint) position);
  qtr_test_wait_until (thread_loaded, main_view, "the thread loads again");
  qtr_main_view_select_section (main_view, "local");
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 0);
  g_assert_true (qtr_main_view_get_visible_page (main_view) ==
                 GTK_WIDGET (qtr_main_view_get_timeline (main_view, "local")));
  qtr_main_view_select_section (main_view, "home");
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 1);
  thread_view = QTR_THREAD_VIEW (qtr_main_view_get_visible_page (main_view));
  g_assert_true (QTR_IS_THREAD_VIEW (thread_view));

  /* The mention of bob in the root opens his profile, through the server's search. */
  qtr_app_test_settle ();
  mention = find_mention (root);
  g_assert_nonnull (mention);
  g_assert_nonnull (find_row (GTK_WIDGET (thread_view), qtr_thread_get_focused (
                              qtr_thread_view_get_thread (thread_view))));
  {
    g_autoptr(QtrStatus) shown_root = g_list_model_get_item (
        G_LIST_MODEL (qtr_thread_view_get_thread (thread_view)), 0);
    QtrStatusRow *row = find_row (GTK_WIDGET (thread_view), shown_root);

    g_assert_nonnull (row);
    g_assert_true (qtr_status_row_activate_link (row, mention));
  }
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 2);
  qtr_test_wait_until (profile_loaded, main_view, "bob's profile loads");
  profile = QTR_PROFILE_PAGE (qtr_main_view_get_visible_page (main_view));
  qtr_app_test_settle ();
  bob_handle = g_strdup (qtr_test_peer_get_handle (nodes->bob));
  g_assert_true (shows_text (GTK_WIDGET (profile), "Bob Builder"));
  g_assert_true (shows_text (GTK_WIDGET (profile), bob_handle));
  g_assert_true (shows_text (GTK_WIDGET (profile), "I build things on node B"));
  g_assert_true (shows_text (GTK_WIDGET (profile), "posts"));
  g_assert_true (shows_text (GTK_WIDGET (profile), "Follows you"));
  g_assert_cmpstr (qtr_profile_page_get_follow_state (profile), ==, "following");
  g_assert_nonnull (find_button (GTK_WIDGET (profile), "Following"));
  g_assert_true (shows_text (GTK_WIDGET (main_view), "Bob Builder"));  /* the title */

  /* The tabs: his posts without replies, then with them. */
  tab = qtr_profile_page_get_tab (profile, "posts");
  qtr_test_wait_until (tab_loaded, tab, "the posts tab loads");
  g_assert_cmpint (find_post (G_LIST_MODEL (qtr_timeline_view_get_model (tab)),
                              "A post of bob's own"), >=, 0);
  g_assert_cmpint (find_post (G_LIST_MODEL (qtr_timeline_view_get_model (tab)),
                              "Bob answers the root"), <, 0);
  qtr_profile_page_select_tab (profile, "replies");
  tab = qtr_profile_page_get_tab (profile, "replies");
  qtr_test_wait_until (tab_loaded, tab, "the replies tab loads");
  g_assert_cmpint (find_post (G_LIST_MODEL (qtr_timeline_view_get_model (tab)),
                              "Bob answers the root"), >=, 0);
  g_assert_cmpint (find_post (G_LIST_MODEL (qtr_timeline_view_get_model (tab)),
                              "Alice answers"), <, 0);
  qtr_app_test_screenshot (GTK_WIDGET (window), "navigation-profile");

  /* Unfollow: at once on screen, then in node A's store; and Follow again. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (profile), "Following"), "clicked");
  g_assert_cmpstr (qtr_profile_page_get_follow_state (profile), ==, "not-following");
  g_assert_nonnull (find_button (GTK_WIDGET (profile), "Follow"));
  qtr_test_wait_until (not_busy, profile, "the unfollow is answered");
  g_assert_cmpstr (qtr_profile_page_get_follow_state (profile), ==, "not-following");
  qtr_test_wait_until (follows_nobody, nodes, "node A no longer follows bob");
  g_signal_emit_by_name (find_button (GTK_WIDGET (profile), "Follow"), "clicked");
  g_assert_cmpstr (qtr_profile_page_get_follow_state (profile), ==, "following");
  qtr_test_wait_until (not_busy, profile, "the follow is answered");
  g_assert_cmpstr (qtr_profile_page_get_follow_state (profile), !=, "not-following");
  g_assert_null (find_button (GTK_WIDGET (profile), "Follow"));
  qtr_test_wait_until (follows_again, nodes, "node A follows bob again");

  /* win.open-profile with bob's handle: the same profile, looked up by the server. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-profile", "s",
                                             bob_handle));
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 3);
  qtr_test_wait_until (profile_loaded, main_view, "bob's profile loads from his handle");
  g_assert_true (shows_text (qtr_main_view_get_visible_page (main_view), "I build things"));
  g_assert_cmpstr (qtr_account_get_id (qtr_profile_page_get_account (
                       QTR_PROFILE_PAGE (qtr_main_view_get_visible_page (main_view)))), ==,
                   qtr_account_get_id (qtr_profile_page_get_account (profile)));
  g_assert_true (qtr_main_view_pop_page (main_view));
  g_assert_true (qtr_main_view_get_visible_page (main_view) == GTK_WIDGET (profile));

  /* Mute, from the menu, and its undo. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (profile), "profile.mute", NULL));
  qtr_test_wait_until (not_busy, profile, "the mute is answered");
  qtr_test_wait_until (mutes_bob, nodes, "node A mutes bob");
  qtr_test_wait_until (shows_muted, window, "a toast says so, with Undo");
  g_signal_emit_by_name (find_button (GTK_WIDGET (window), "_Undo"), "clicked");
  qtr_test_wait_until (not_busy, profile, "the unmute is answered");
  qtr_test_wait_until (mutes_nobody, nodes, "node A mutes nobody");

  /* A hashtag opens its timeline over the profile; Escape comes back. */
  g_signal_emit_by_name (main_view, "hashtag-activated", "Quitter");
  qtr_test_wait_until (hashtag_loaded, main_view, "the hashtag's timeline loads");
  g_assert_true (shows_text (GTK_WIDGET (main_view), "#Quitter"));
  g_assert_cmpuint (qtr_main_view_get_n_pages (main_view), ==, 3);
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (main_view), "Escape"));
  g_assert_true (qtr_main_view_get_visible_page (main_view) == GTK_WIDGET (profile));

  /* The server gone, Unfollow shows at once, then goes back, and a toast says why. */
  qtr_test_peer_stop (nodes->alice);
  /* (Following, or Requested while bob's node has not accepted yet.) */
  before = g_strdup (qtr_profile_page_get_follow_state (profile));
  label = g_str_equal (before, "following") ? "Following" : "Requested";
  g_signal_emit_by_name (find_button (GTK_WIDGET (profile), label), "clicked");
  g_assert_cmpstr (qtr_profile_page_get_follow_state (profile), ==, "not-following");
  g_assert_nonnull (find_button (GTK_WIDGET (profile), "Follow"));
  qtr_test_wait_until (not_busy, profile, "the unfollow fails");
  g_assert_cmpstr (qtr_profile_page_get_follow_state (profile), ==, before);
  g_assert_nonnull (find_button (GTK_WIDGET (profile), label));
  qtr_test_wait_until (shows_failure, window, "a toast says the unfollow failed");

  /* Alt+Left goes back to the thread. At phone width, back goes to the page under, then to
   * the sidebar. */
  g_assert_true (qtr_app_test_press_shortcut (GTK_WIDGET (main_view), "<Alt>Left"));
  g_assert_true (qtr_main_view_get_visible_page (main_view) == GTK_WIDGET (thread_view));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  qtr_test_wait_until (is_folded, main_view, "the leaflet folds");
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (qtr_main_view_get_leaflet (main_view)),
                   ==, "content");
  qtr_app_test_screenshot (GTK_WIDGET (window), "navigation-thread-narrow");
  gtk_widget_activate_action (GTK_WIDGET (main_view), "main.back", NULL);
  g_assert_true (qtr_main_view_get_visible_page (main_view) == GTK_WIDGET (home));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (qtr_main_view_get_leaflet (main_view)),
                   ==, "content");
  gtk_widget_activate_action (GTK_WIDGET (main_view), "main.back", NULL);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (qtr_main_view_get_leaflet (main_view)),
                   ==, "sidebar");

  gtk_window_destroy (GTK_WINDOW (window));
  qtr_app_test_settle ();
  navigation_nodes_stop (nodes);
}

static void
got_string_cb (GObject    *emitter,
               const char *value,
               char      **slot)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

/* A profile's fields and bio, without a server: a verified field is marked, an unverified one
 * is not; the bio's mention and hashtag open in the app. */
static void
test_profile_fields (void)
{
  static const char json[] =
    "{\"id\": \"5\", \"username\": \"carol\", \"acct\": \"carol@example.org\","
    " \"display_name\": \"Carol Danvers\", \"url\": \"https://example.org/@carol\","
    " \"note\": \"<p>Friends with <span class=\\\"h-card\\\"><a href=\\\"https://example.org/@dave\\\""
    " class=\\\"u-url mention\\\">@<span>dave</span></a></span>, into <a href=\\\"https://example.org/tags/cats\\\""
    " class=\\\"mention hashtag\\\" rel=\\\"tag\\\">#<span>cats</span></a></p>\","
    " \"statuses_count\": 12, \"following_count\": 1, \"followers_count\": 2,"
    " \"fields\": [{\"name\": \"Site\", \"value\": \"carol.example\","
    "                \"verified_at\": \"2026-01-02T03:04:05.000Z\"},"
    "               {\"name\": \"Pronouns\", \"value\": \"she/her\", \"verified_at\": null}]}";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(QtrAccount) account = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autofree char *mention = NULL;
  g_autofree char *hashtag = NULL;
  GtkWindow *window = qtr_app_test_new_window (360, 700);  /* a phone's width */
  GtkWidget *page;
  GtkWidget *bio = NULL;
  gboolean handled = FALSE;
  guint verified = 0;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  account = qtr_account_new_from_json (json_node_get_object (json_parser_get_root (parser)),
                                       &error);
  g_assert_no_error (error);
  /* A server that does not answer: the relationship stays unknown. */
  client = qtr_api_client_new ("http://127.0.0.1:9", "token", &error);
  g_assert_no_error (error);
  page = qtr_profile_page_new_for_account (client, account, NULL);
  adw_window_set_content (ADW_WINDOW (window), page);
  gtk_window_present (window);
  qtr_app_test_settle ();

  g_assert_cmpstr (qtr_profile_page_get_state (QTR_PROFILE_PAGE (page)), ==, "profile");
  g_assert_true (shows_text (page, "Carol Danvers"));
  g_assert_true (shows_text (page, "@carol@example.org"));
  g_assert_true (shows_text (page, "12 posts · 1 following · 2 followers"));
  g_assert_true (shows_text (page, "she/her"));
  g_assert_null (find_button (page, "Follow"));  /* no relationship, no button */
  qtr_app_test_collect (page, GTK_TYPE_LIST_BOX_ROW, rows);
  g_assert_cmpuint (rows->len, ==, 2);
  for (guint i = 0; i < rows->len; i++)
    if (gtk_widget_has_css_class (rows->pdata[i], "verified"))
      {
        verified++;
        g_assert_true (shows_text (rows->pdata[i], "carol.example"));
        g_assert_nonnull (qtr_app_test_find (rows->pdata[i], GTK_TYPE_IMAGE));
        g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (
                            qtr_app_test_find (rows->pdata[i], GTK_TYPE_IMAGE)), "Verified on"));
      }
  g_assert_cmpuint (verified, ==, 1);
  qtr_app_test_screenshot (GTK_WIDGET (window), "navigation-profile-narrow");

  /* The bio's links: a mention opens the profile, a hashtag its timeline. */
  g_signal_connect (page, "mention-activated", G_CALLBACK (got_string_cb), &mention);
  g_signal_connect (page, "hashtag-activated", G_CALLBACK (got_string_cb), &hashtag);
  {
    g_autoptr(GPtrArray) labels = g_ptr_array_new ();

    qtr_app_test_collect (page, GTK_TYPE_LABEL, labels);
    for (guint i = 0; i < labels->len && bio == NULL; i++)
      if (contains (gtk_label_get_text (labels->pdata[i]), "Friends with"))
        bio = labels->pdata[i];
  }
  g_assert_nonnull (bio);
  g_signal_emit_by_name (bio, "activate-link", "https://example.org/@dave", &handled);
  g_assert_true (handled);
  g_assert_cmpstr (mention, ==, "https://example.org/@dave");
  g_signal_emit_by_name (bio, "activate-link", "https://example.org/tags/cats", &handled);
  g_assert_cmpstr (hashtag, ==, "cats");

  gtk_window_destroy (window);
  qtr_app_test_settle ();
}

static gboolean
is_null (gpointer *pointer)
{
  return *pointer == NULL;
}

/* A thread whose server never answers: taken out of the window, it stops waiting and goes,
 * without waiting for the server's timeout. */
static void
test_thread_gone (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  GtkWindow *window = qtr_app_test_new_window (480, 700);
  GtkWidget *page;
  gpointer weak;

  /* It accepts connections (the kernel does) and never reads them. */
  g_assert_true (g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_assert_no_error (error);
  base = g_strdup_printf ("http://127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  client = qtr_api_client_new (base, "token", &error);
  g_assert_no_error (error);

  page = qtr_thread_view_new (client, "20");
  weak = page;
  g_object_add_weak_pointer (G_OBJECT (page), &weak);
  adw_window_set_content (ADW_WINDOW (window), page);
  gtk_window_present (window);
  qtr_app_test_settle ();
  g_assert_cmpstr (qtr_thread_view_get_state (QTR_THREAD_VIEW (page)), ==, "loading");
  g_assert_true (qtr_thread_get_loading (qtr_thread_view_get_thread (QTR_THREAD_VIEW (page))));

  adw_window_set_content (ADW_WINDOW (window), NULL);
  qtr_test_wait_until (is_null, &weak, "the thread view is finalized");

  gtk_window_destroy (window);
  qtr_app_test_settle ();
}

int
main (int   argc,
      char *argv[])
{
  qtr_app_test_init (&argc, &argv);
  qtr_app_test_start_gtk ();

  g_test_add_func ("/app/navigation/thread-profile", test_navigation);
  g_test_add_func ("/app/profile/fields", test_profile_fields);
  g_test_add_func ("/app/thread/gone", test_thread_gone);

  return g_test_run ();
}
