/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-store-client.h"
#include "qtr-test-util.h"

#include <sqlite3.h>

/* What node.db keeps for the client API, read back through the calls the statuses' handlers
 * use: filters applied to a status's text, a list's members, mutes with their notifications
 * flag and expiry, markers' versions, pages of accounts. A real node.db in a folder of its
 * own. */

typedef struct {
  char         *root;
  QtrNodeStore *store;
  gint64        actors[3];
} Fixture;

static gint64
add_actor (QtrNodeStore *store,
           const char   *name)
{
  g_autofree char *uri = g_strdup_printf ("https://example.test/users/%s", name);
  g_autoptr(GError) error = NULL;
  QtrRemoteActor actor = { 0 };
  gint64 row;

  actor.uri = uri;
  actor.host = (char *) "example.test";
  actor.username = (char *) name;
  actor.display_name = (char *) name;
  actor.inbox = (char *) "https://example.test/inbox";
  actor.key_id = uri;
  actor.public_key_pem = (char *) "-----BEGIN PUBLIC KEY-----";
  actor.document = (char *) "{}";
  row = qtr_node_store_save_remote_actor (store, &actor, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row, >, 0);
  return row;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->root = g_dir_make_tmp ("quitter-test-client-store-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->root, "node.db", NULL);
  fixture->store = qtr_node_store_open (path, &error);
  g_assert_no_error (error);
  fixture->actors[0] = add_actor (fixture->store, "ann");
  fixture->actors[1] = add_actor (fixture->store, "ben");
  fixture->actors[2] = add_actor (fixture->store, "cid");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->store);
  qtr_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

static gint64
add_filter (QtrNodeStore *store,
            const char   *title,
            const char   *context,
            gint64        expires_at)
{
  g_autoptr(QtrFilter) filter = qtr_filter_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  filter->title = g_strdup (title);
  filter->context = g_strsplit (context, " ", -1);
  filter->action = g_strdup ("hide");
  filter->expires_at = expires_at;
  id = qtr_node_store_save_filter (store, filter, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* The titles of the filters that match, with their keyword matches: "title:kw,kw;…". */
static char *
match (QtrNodeStore *store,
       const char   *text,
       const char   *status_id,
       const char   *context)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = qtr_node_store_match_filters (store, text, status_id,
                                                               context, &error);
  g_autoptr(GString) result = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < matches->len; i++)
    {
      const QtrFilterMatch *m = g_ptr_array_index (matches, i);
      g_autofree char *keywords = g_strjoinv (",", m->keyword_matches);
      g_autofree char *statuses = g_strjoinv (",", m->status_matches);

      g_string_append_printf (result, "%s%s:%s/%s", i ? ";" : "", m->filter->title, keywords,
                              statuses);
    }
  return g_string_free (g_steal_pointer (&result), FALSE);
}

static void
test_filters_match (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 spoilers = add_filter (fixture->store, "Spoilers", "home public", 0);
  gint64 noise = add_filter (fixture->store, "Noise", "notifications", now + 3600);
  gint64 old = add_filter (fixture->store, "Old", "home", now - 10);
  g_autofree char *result = NULL;

  g_assert_cmpint (qtr_node_store_add_filter_keyword (fixture->store, spoilers, "ending", TRUE,
                                                      &error), >, 0);
  g_assert_cmpint (qtr_node_store_add_filter_keyword (fixture->store, spoilers, "plot twist",
                                                      FALSE, &error), >, 0);
  g_assert_cmpint (qtr_node_store_add_filter_keyword (fixture->store, spoilers, "#film", TRUE,
                                                      &error), >, 0);
  g_assert_cmpint (qtr_node_store_add_filter_keyword (fixture->store, noise, "giveaway", TRUE,
                                                      &error), >, 0);
  g_assert_cmpint (qtr_node_store_add_filter_keyword (fixture->store, old, "ending", FALSE,
                                                      &error), >, 0);
  g_assert_cmpint (qtr_node_store_add_filter_status (fixture->store, noise, "42", &error), >, 0);
  g_assert_no_error (error);

  /* Whole words, whatever their case; the expired filter no more. */
  result = match (fixture->store, "The ENDING was great.", NULL, "home");
  g_assert_cmpstr (result, ==, "Spoilers:ending/");
  g_free (result);
  result = match (fixture->store, "An unending story", NULL, "home");
  g_assert_cmpstr (result, ==, "");
  g_free (result);
  /* Parts of words, for a keyword that is not whole-word only. */
  result = match (fixture->store, "What a plot twister, and the ending!", NULL, "public");
  g_assert_cmpstr (result, ==, "Spoilers:ending,plot twist/");
  g_free (result);
  /* A keyword that starts with a mark is whole-word at its end only. */
  result = match (fixture->store, "Tonight: #film club", NULL, "home");
  g_assert_cmpstr (result, ==, "Spoilers:#film/");
  g_free (result);
  result = match (fixture->store, "#filmmaking", NULL, "home");
  g_assert_cmpstr (result, ==, "");
  g_free (result);
  /* Other contexts, and statuses by id. */
  result = match (fixture->store, "The ending", NULL, "notifications");
  g_assert_cmpstr (result, ==, "");
  g_free (result);
  result = match (fixture->store, "Nothing to see", "42", "notifications");
  g_assert_cmpstr (result, ==, "Noise:/42");
  g_free (result);
  result = match (fixture->store, "Big GIVEAWAY", "43", "notifications");
  g_assert_cmpstr (result, ==, "Noise:giveaway/");
  g_free (result);

  /* A deleted filter takes its keywords and statuses along. */
  g_assert_true (qtr_node_store_delete_filter (fixture->store, noise, &error));
  g_assert_no_error (error);
  result = match (fixture->store, "Big giveaway", "42", "notifications");
  g_assert_cmpstr (result, ==, "");
  g_assert_false (qtr_node_store_delete_filter (fixture->store, noise, &error));
  g_assert_no_error (error);
}

static void
test_list_members (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GPtrArray) lists = NULL;
  QtrList list = { 0, (char *) "Friends", (char *) "list", FALSE };
  gint64 id = qtr_node_store_add_list (fixture->store, &list, &error);

  g_assert_no_error (error);
  g_assert_true (qtr_node_store_add_list_member (fixture->store, id, fixture->actors[0], &error));
  g_assert_true (qtr_node_store_add_list_member (fixture->store, id, fixture->actors[2], &error));
  /* Twice is once. */
  g_assert_true (qtr_node_store_add_list_member (fixture->store, id, fixture->actors[2], &error));
  g_assert_no_error (error);

  members = qtr_node_store_get_list_members (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 2);
  g_assert_cmpint (g_array_index (members, gint64, 0), ==, fixture->actors[2]);
  g_assert_cmpint (g_array_index (members, gint64, 1), ==, fixture->actors[0]);
  g_clear_pointer (&members, g_array_unref);

  lists = qtr_node_store_get_lists (fixture->store, fixture->actors[0], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lists->len, ==, 1);
  g_clear_pointer (&lists, g_ptr_array_unref);
  lists = qtr_node_store_get_lists (fixture->store, fixture->actors[1], &error);
  g_assert_cmpuint (lists->len, ==, 0);

  /* An unknown list has no members; a deleted one neither. */
  members = qtr_node_store_get_list_members (fixture->store, id + 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 0);
  g_clear_pointer (&members, g_array_unref);
  g_assert_true (qtr_node_store_delete_list (fixture->store, id, &error));
  members = qtr_node_store_get_list_members (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 0);
}

static void
test_mutes (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) muted = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  QtrPage page = { 0, 0, 0, 40 };
  QtrFollowState state;

  g_assert_true (qtr_node_store_add_mute (fixture->store, fixture->actors[0], FALSE, 0, &error));
  g_assert_true (qtr_node_store_add_mute (fixture->store, fixture->actors[1], TRUE, now + 60,
                                          &error));
  g_assert_true (qtr_node_store_add_mute (fixture->store, fixture->actors[2], TRUE, now - 1,
                                          &error));
  g_assert_no_error (error);

  g_assert_true (qtr_node_store_is_muted (fixture->store, fixture->actors[0], FALSE, &error));
  g_assert_false (qtr_node_store_is_muted (fixture->store, fixture->actors[0], TRUE, &error));
  g_assert_true (qtr_node_store_is_muted (fixture->store, fixture->actors[1], TRUE, &error));
  /* An expired mute is no mute. */
  g_assert_false (qtr_node_store_is_muted (fixture->store, fixture->actors[2], FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (qtr_node_store_get_follow_state (fixture->store, fixture->actors[1], &state,
                                                  &error));
  g_assert_true (state.muting && state.muting_notifications);
  g_assert_false (state.following || state.blocking || state.followed_by);

  muted = qtr_node_store_page_accounts (fixture->store, QTR_ACCOUNT_LIST_MUTES, &page, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (muted->len, ==, 2);
  g_assert_cmpint (g_array_index (muted, QtrPageItem, 0).id, ==, fixture->actors[1]);
  g_clear_pointer (&muted, g_array_unref);

  /* Pages: below max_id, and the closest above min_id. */
  page.max_id = fixture->actors[1];
  muted = qtr_node_store_page_accounts (fixture->store, QTR_ACCOUNT_LIST_MUTES, &page, &error);
  g_assert_cmpuint (muted->len, ==, 1);
  g_assert_cmpint (g_array_index (muted, QtrPageItem, 0).id, ==, fixture->actors[0]);
  g_clear_pointer (&muted, g_array_unref);
  page = (QtrPage) { 0, 0, fixture->actors[0], 1 };
  muted = qtr_node_store_page_accounts (fixture->store, QTR_ACCOUNT_LIST_MUTES, &page, &error);
  g_assert_cmpuint (muted->len, ==, 1);
  g_assert_cmpint (g_array_index (muted, QtrPageItem, 0).id, ==, fixture->actors[1]);

  g_assert_true (qtr_node_store_remove_mute (fixture->store, fixture->actors[0], &error));
  g_assert_false (qtr_node_store_is_muted (fixture->store, fixture->actors[0], FALSE, &error));
  g_assert_no_error (error);
}

static void
test_markers (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gint64 version = 0, updated_at = 0;

  g_assert_true (qtr_node_store_get_marker (fixture->store, "home", &id, &version, &updated_at,
                                            &error));
  g_assert_null (id);
  g_assert_true (qtr_node_store_set_marker (fixture->store, "home", "100", &error));
  g_assert_true (qtr_node_store_set_marker (fixture->store, "home", "105", &error));
  g_assert_true (qtr_node_store_get_marker (fixture->store, "home", &id, &version, &updated_at,
                                            &error));
  g_assert_cmpstr (id, ==, "105");
  g_assert_cmpint (version, ==, 2);
  g_assert_cmpint (updated_at, >, 0);
  /* Only the timelines Mastodon keeps markers for. */
  g_assert_false (qtr_node_store_set_marker (fixture->store, "public", "1", &error));
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/node/client-store/filters/match", Fixture, NULL, fixture_set_up,
              test_filters_match, fixture_tear_down);
  g_test_add ("/node/client-store/lists/members", Fixture, NULL, fixture_set_up,
              test_list_members, fixture_tear_down);
  g_test_add ("/node/client-store/mutes", Fixture, NULL, fixture_set_up, test_mutes,
              fixture_tear_down);
  g_test_add ("/node/client-store/markers", Fixture, NULL, fixture_set_up, test_markers,
              fixture_tear_down);
  return g_test_run ();
}
