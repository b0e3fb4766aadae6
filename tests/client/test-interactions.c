/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-api-error.h"
#include "qtr-interactions.h"
#include "qtr-test-peer.h"
#include "qtr-test-util.h"

/* QtrInteractions against a real node on loopback: favourites change every tracked copy of a
 * post at once and take the server's answer, or go back when the server refuses; an older
 * answer does not undo a newer action; hashtags; the profile, with an image, through
 * update_credentials. */

typedef struct {
  QtrTestPeer     *alice;
  char            *token;
  QtrApiClient    *client;
  QtrInteractions *interactions;
  JsonObject      *status_json;  /* Alice's post, as her home timeline gives it */
} Fixture;

/* A PNG of one pixel. */
static const guint8 pixel_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
  0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
  0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00,
  0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49,
  0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static QtrApiResponse *
get (Fixture    *fixture,
     const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  QtrApiResponse *response;

  qtr_api_client_get_async (fixture->client, path, NULL, NULL, qtr_test_got_result_cb, &result);
  response = qtr_api_client_request_finish (fixture->client, qtr_test_wait_result (&result),
                                            &error);
  g_assert_no_error (error);
  return response;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autofree char *uri = NULL;
  JsonArray *home;

  fixture->alice = qtr_test_peer_start (NULL, "alice", "Alice", FALSE);
  fixture->token = qtr_test_peer_mint_token (fixture->alice);
  fixture->client = qtr_api_client_new (qtr_test_peer_get_base (fixture->alice), fixture->token,
                                        &error);
  g_assert_no_error (error);
  fixture->interactions = qtr_interactions_get_for_client (fixture->client);
  uri = qtr_test_peer_post (fixture->alice, "Ripe tomatoes");

  response = get (fixture, "/api/v1/timelines/home");
  home = qtr_api_response_get_array (response, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (home), ==, 1);
  fixture->status_json = json_object_ref (json_array_get_object_element (home, 0));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->status_json, json_object_unref);
  g_assert_finalize_object (g_steal_pointer (&fixture->client));
  g_free (fixture->token);
  qtr_test_peer_free (fixture->alice);
}

static QtrStatus *
parse_copy (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  QtrStatus *status = qtr_status_new_from_json (fixture->status_json, &error);

  g_assert_no_error (error);
  return status;
}

static QtrStatus *
run_action (Fixture          *fixture,
            QtrStatus        *status,
            QtrStatusAction   action,
            GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_interactions_status_async (fixture->interactions, status, action, NULL,
                                 qtr_test_got_result_cb, &result);
  return qtr_interactions_status_finish (fixture->interactions, qtr_test_wait_result (&result),
                                         error);
}

static void
count_cb (QtrInteractions *interactions,
          QtrStatus       *status,
          guint           *count)
{
  (*count)++;
}

static void
test_copies (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(QtrStatus) first = parse_copy (fixture);
  g_autoptr(QtrStatus) second = parse_copy (fixture);
  g_autoptr(QtrStatus) later = NULL;
  g_autoptr(QtrStatus) answer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_signal_connect (fixture->interactions, "status-changed", G_CALLBACK (count_cb), &changed);
  qtr_interactions_track_status (fixture->interactions, first);
  qtr_interactions_track_status (fixture->interactions, second);
  g_assert_true (qtr_interactions_lookup_status (fixture->interactions,
                                                 qtr_status_get_id (first)) == first);
  g_assert_cmpint (qtr_status_get_favourites_count (first), ==, 0);

  /* Both copies change before the server answers. */
  qtr_interactions_status_async (fixture->interactions, first, QTR_STATUS_ACTION_FAVOURITE, NULL,
                                 qtr_test_got_result_cb, &result);
  g_assert_true (qtr_status_get_favourited (first));
  g_assert_true (qtr_status_get_favourited (second));
  g_assert_cmpint (qtr_status_get_favourites_count (second), ==, 1);
  answer = qtr_interactions_status_finish (fixture->interactions, qtr_test_wait_result (&result),
                                           &error);
  g_assert_no_error (error);
  g_assert_true (qtr_status_get_favourited (answer));
  g_assert_cmpint (qtr_status_get_favourites_count (answer), ==, 1);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, "SELECT count(*) FROM likes"), ==, 1);

  /* A copy parsed from the old JSON (a timeline's cache) takes the server's last answer. */
  later = parse_copy (fixture);
  g_assert_false (qtr_status_get_favourited (later));
  qtr_interactions_track_status (fixture->interactions, later);
  g_assert_true (qtr_status_get_favourited (later));
  g_assert_cmpint (qtr_status_get_favourites_count (later), ==, 1);

  /* Bookmarks too, and a boost answers with the boost: the post inside is what changes. */
  g_clear_object (&answer);
  answer = run_action (fixture, second, QTR_STATUS_ACTION_BOOKMARK, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_status_get_bookmarked (first));
  g_clear_object (&answer);
  answer = run_action (fixture, second, QTR_STATUS_ACTION_REBLOG, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qtr_status_get_id (answer), ==, qtr_status_get_id (first));
  g_assert_true (qtr_status_get_reblogged (first));
  g_assert_cmpint (qtr_status_get_reblogs_count (later), ==, 1);
  g_signal_handlers_disconnect_by_func (fixture->interactions, count_cb, &changed);
}

static void
test_rollback (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(QtrStatus) copy = NULL;
  g_autoptr(QtrStatus) answer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* A post the server does not have (deleted meanwhile). */
  json_object_set_string_member (fixture->status_json, "id", "999999");
  status = parse_copy (fixture);
  copy = parse_copy (fixture);
  qtr_interactions_track_status (fixture->interactions, copy);
  qtr_interactions_status_async (fixture->interactions, status, QTR_STATUS_ACTION_FAVOURITE,
                                 NULL, qtr_test_got_result_cb, &result);
  g_assert_true (qtr_status_get_favourited (status));
  g_assert_true (qtr_status_get_favourited (copy));
  answer = qtr_interactions_status_finish (fixture->interactions, qtr_test_wait_result (&result),
                                           &error);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_NOT_FOUND);
  g_assert_null (answer);
  /* Both put back as they were. */
  g_assert_false (qtr_status_get_favourited (status));
  g_assert_false (qtr_status_get_favourited (copy));
  g_assert_cmpint (qtr_status_get_favourites_count (copy), ==, 0);
}

static void
test_newer_wins (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(QtrStatus) status = parse_copy (fixture);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(QtrStatus) answer = NULL;
  g_autoptr(GError) error = NULL;

  qtr_interactions_track_status (fixture->interactions, status);
  /* Favourite, then take it back before the first answer came. */
  qtr_interactions_status_async (fixture->interactions, status, QTR_STATUS_ACTION_FAVOURITE,
                                 NULL, qtr_test_got_result_cb, &first);
  qtr_interactions_status_async (fixture->interactions, status, QTR_STATUS_ACTION_UNFAVOURITE,
                                 NULL, qtr_test_got_result_cb, &second);
  g_assert_false (qtr_status_get_favourited (status));
  answer = qtr_interactions_status_finish (fixture->interactions, qtr_test_wait_result (&first),
                                           &error);
  g_assert_no_error (error);
  g_clear_object (&answer);
  answer = qtr_interactions_status_finish (fixture->interactions, qtr_test_wait_result (&second),
                                           &error);
  g_assert_no_error (error);
  g_assert_false (qtr_status_get_favourited (status));
  g_assert_cmpint (qtr_status_get_favourites_count (status), ==, 0);
  g_assert_cmpint (qtr_test_peer_count (fixture->alice, "SELECT count(*) FROM likes"), ==, 0);
}

static void
test_tags (Fixture       *fixture,
           gconstpointer  data)
{
  static const QtrTagAction steps[] = {
    QTR_TAG_ACTION_GET, QTR_TAG_ACTION_FOLLOW, QTR_TAG_ACTION_GET, QTR_TAG_ACTION_UNFOLLOW,
  };
  static const gboolean expected[] = { FALSE, TRUE, TRUE, FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gboolean following = !expected[i];

      qtr_interactions_tag_async (fixture->interactions, "Gardening", steps[i], NULL,
                                  qtr_test_got_result_cb, &result);
      g_assert_true (qtr_interactions_tag_finish (fixture->interactions,
                                                  qtr_test_wait_result (&result), &following,
                                                  &error));
      g_assert_no_error (error);
      g_assert_cmpint (following, ==, expected[i]);
      g_assert_cmpint (qtr_test_peer_count (fixture->alice,
                                            "SELECT count(*) FROM followed_tags"),
                       ==, steps[i] == QTR_TAG_ACTION_UNFOLLOW ? 0 : expected[i]);
    }
}

static void
test_profile (Fixture       *fixture,
              gconstpointer  data)
{
  static const char * const fields[] = { "Garden", "Allotment 12", "Pronouns", "she/her", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrAccount) account = NULL;
  g_autoptr(GFile) avatar = NULL;
  g_autoptr(GFileIOStream) stream = NULL;
  g_autofree char *name = NULL;
  GPtrArray *account_fields;
  QtrProfileChanges edit = { 0 };

  avatar = g_file_new_tmp ("quitter-avatar-XXXXXX.png", &stream, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_replace_contents (avatar, (const char *) pixel_png, sizeof pixel_png,
                                          NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);

  edit.display_name = "Alice in the Garden";
  edit.note = "Grows tomatoes.";
  edit.locked = 1;
  edit.fields = fields;
  edit.avatar = avatar;
  qtr_interactions_update_profile_async (fixture->interactions, &edit, NULL,
                                         qtr_test_got_result_cb, &result);
  account = qtr_interactions_update_profile_finish (fixture->interactions,
                                                    qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qtr_account_get_display_name (account), ==, "Alice in the Garden");
  g_assert_true (qtr_account_get_locked (account));
  account_fields = qtr_account_get_fields (account);
  g_assert_cmpuint (account_fields->len, ==, 2);
  name = qtr_test_peer_query_text (fixture->alice, "SELECT display_name FROM owner");
  g_assert_cmpstr (name, ==, "Alice in the Garden");
  g_assert_cmpint (qtr_test_peer_count (fixture->alice,
                                        "SELECT count(*) FROM owner WHERE avatar_id IS NOT NULL"),
                   ==, 1);
  g_file_delete (avatar, NULL, NULL);

  /* More than four fields are refused before anything is sent. */
  {
    static const char * const five[] = { "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", NULL };
    QtrProfileChanges too_many = { .locked = -1, .fields = five };

    g_clear_object (&result);
    g_clear_object (&account);
    qtr_interactions_update_profile_async (fixture->interactions, &too_many, NULL,
                                           qtr_test_got_result_cb, &result);
    account = qtr_interactions_update_profile_finish (fixture->interactions,
                                                      qtr_test_wait_result (&result), &error);
    g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_INVALID);
    g_assert_null (account);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/client/interactions/copies", Fixture, NULL, fixture_set_up, test_copies,
              fixture_tear_down);
  g_test_add ("/client/interactions/rollback", Fixture, NULL, fixture_set_up, test_rollback,
              fixture_tear_down);
  g_test_add ("/client/interactions/newer-wins", Fixture, NULL, fixture_set_up, test_newer_wins,
              fixture_tear_down);
  g_test_add ("/client/interactions/tags", Fixture, NULL, fixture_set_up, test_tags,
              fixture_tear_down);
  g_test_add ("/client/interactions/profile", Fixture, NULL, fixture_set_up, test_profile,
              fixture_tear_down);

  return g_test_run ();
}
