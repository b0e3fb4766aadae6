/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "node-test-util.h"

#include <libsoup/soup.h>
#include <string.h>

#include "qtr-http-signature.h"
#include "qtr-node-private.h"

/* Who the owner is, as other servers see it: media on posts, profile edits, aliases and
 * moves, between real nodes on loopback ports. Alice has an account on node A and another on
 * node B; carol, on node C, follows her. */

typedef struct {
  char        *root;
  QtrTestNode  a;
  QtrTestNode  b;
  QtrTestNode  c;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->root = g_dir_make_tmp ("quitter-test-identity-XXXXXX", NULL);
  qtr_test_node_start (&fixture->a, fixture->root, "alice",
                       &(QtrTestNodeOptions) { .folder = "a" });
  qtr_test_node_start (&fixture->b, fixture->root, "alice",
                       &(QtrTestNodeOptions) { .folder = "b" });
  qtr_test_node_start (&fixture->c, fixture->root, "carol",
                       &(QtrTestNodeOptions) { .folder = "c" });
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  qtr_test_node_stop (&fixture->a);
  qtr_test_node_stop (&fixture->b);
  qtr_test_node_stop (&fixture->c);
  qtr_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

static gboolean
carol_follows_alice_on_a (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->c, "SELECT count (*) FROM following"
                                           " WHERE accepted = 1") == 1 &&
         qtr_test_node_count (&fixture->a, "SELECT count (*) FROM followers"
                                           " WHERE accepted = 1") == 1;
}

static void
carol_follows_alice (Fixture *fixture)
{
  g_autofree char *actor = qtr_test_node_follow (&fixture->c, fixture->a.handle);

  g_assert_cmpstr (actor, ==, fixture->a.actor);
  qtr_test_wait_until (carol_follows_alice_on_a, fixture, "carol follows alice on A");
}

static QtrMedia *
add_media (QtrTestNode *node,
           GBytes      *bytes,
           const char  *description)
{
  g_autoptr(GError) error = NULL;
  QtrMedia *media = qtr_node_add_media (node->node, bytes, description, &error);

  g_assert_no_error (error);
  return media;
}

static gboolean
carol_has_the_post (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->c, "SELECT count (*) FROM statuses") == 1;
}

/* A post with two images and their alt text reaches carol's node with both, in order; their
 * addresses serve the bytes. */
static void
test_attachments (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GBytes) wide_png = qtr_test_make_png (40, 20, 0);
  g_autoptr(GBytes) tall_png = qtr_test_make_png (20, 40, 0);
  g_autoptr(QtrMedia) wide = add_media (&fixture->a, wide_png, "A wide red rectangle");
  g_autoptr(QtrMedia) tall = add_media (&fixture->a, tall_png, "A tall blue rectangle");
  g_autoptr(QtrMedia) spare = add_media (&fixture->a, wide_png, NULL);
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(QtrStatus) own = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  const gint64 ids[] = { wide->id, tall->id };
  const gint64 reused[] = { spare->id, tall->id };
  const gint64 five[] = { spare->id, spare->id, spare->id, spare->id, spare->id };
  GBytes *expected[] = { wide_png, tall_png };
  const char *descriptions[] = { "A wide red rectangle", "A tall blue rectangle" };

  carol_follows_alice (fixture);

  uri = qtr_node_post (fixture->a.node,
                       &(QtrPostRequest) { .text = "Two shapes", .media_ids = ids, .n_media = 2,
                                           .sensitive = TRUE },
                       &error);
  g_assert_no_error (error);
  qtr_test_wait_until (carol_has_the_post, fixture, "carol has alice's post");

  status = qtr_node_store_find_status (qtr_node_get_store (fixture->c.node), uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);
  g_assert_true (status->sensitive);
  g_assert_null (status->summary);
  g_assert_cmpuint (status->attachments->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      QtrAttachment *attachment = g_ptr_array_index (status->attachments, i);
      g_auto(QtrTestAnswer) served = { 0 };

      g_assert_cmpstr (attachment->description, ==, descriptions[i]);
      g_assert_cmpstr (attachment->media_type, ==, "image/png");
      g_assert_cmpint (attachment->width, ==, i == 0 ? 40 : 20);
      g_assert_cmpint (attachment->height, ==, i == 0 ? 20 : 40);
      g_assert_true (g_str_has_prefix (attachment->url, fixture->a.base));
      qtr_test_get (attachment->url, NULL, &served);
      g_assert_cmpuint (served.status, ==, SOUP_STATUS_OK);
      g_assert_cmpstr (soup_message_headers_get_content_type (served.headers, NULL), ==,
                       "image/png");
      g_assert_true (g_bytes_equal (served.bytes, expected[i]));
    }

  /* Alice's own copy keeps them too, and the media are attached now. */
  own = qtr_node_store_find_status (qtr_node_get_store (fixture->a.node), uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (own->attachments->len, ==, 2);
  g_clear_pointer (&wide, qtr_media_free);
  wide = qtr_node_find_media (fixture->a.node, ids[0], &error);
  g_assert_no_error (error);
  g_assert_cmpint (wide->status_id, ==, own->id);

  /* Media attached once are not attached again; nor more than four. */
  g_assert_null (qtr_node_post (fixture->a.node,
                                &(QtrPostRequest) { .text = "Again", .media_ids = reused,
                                                    .n_media = 2 }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (qtr_node_post (fixture->a.node,
                                &(QtrPostRequest) { .text = "Five", .media_ids = five,
                                                    .n_media = 5 }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&spare, qtr_media_free);
  spare = qtr_node_find_media (fixture->a.node, reused[0], &error);
  g_assert_no_error (error);
  g_assert_cmpint (spare->status_id, ==, 0);
}

static QtrActorDoc *
carol_copy_of (Fixture    *fixture,
               const char *actor)
{
  g_autoptr(QtrRemoteActor) known = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GError) error = NULL;
  QtrActorDoc *doc;

  known = qtr_node_store_find_remote_actor (qtr_node_get_store (fixture->c.node), "uri", actor,
                                            &error);
  g_assert_no_error (error);
  g_assert_nonnull (known);
  json = qtr_json_parse_object (known->document, strlen (known->document), &error);
  g_assert_no_error (error);
  doc = qtr_actor_doc_parse (json, &error);
  g_assert_no_error (error);
  return doc;
}

static gboolean
carol_sees_new_name (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->c, "SELECT count (*) FROM remote_actors"
                                           " WHERE display_name = 'Alice Liddell'") == 1;
}

static QtrActorDoc *
fetch_actor (QtrTestNode *node)
{
  g_auto(QtrTestAnswer) answer = { 0 };
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GError) error = NULL;
  QtrActorDoc *doc;

  qtr_test_get (node->actor, "application/activity+json", &answer);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_OK);
  json = qtr_json_parse_object (g_bytes_get_data (answer.bytes, NULL),
                                g_bytes_get_size (answer.bytes), &error);
  g_assert_no_error (error);
  doc = qtr_actor_doc_parse (json, &error);
  g_assert_no_error (error);
  return doc;
}

/* Alice edits her profile on A: carol's node gets the Update with the new name, text and
 * avatar; A serves them. */
static void
test_profile_update (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GBytes) avatar_png = qtr_test_make_png (400, 400, 0);
  g_autoptr(GBytes) header_png = qtr_test_make_png (1500, 500, 0);
  g_autoptr(QtrMedia) avatar = add_media (&fixture->a, avatar_png, NULL);
  g_autoptr(QtrMedia) header = add_media (&fixture->a, header_png, NULL);
  g_autoptr(QtrActorDoc) seen = NULL;
  g_autoptr(QtrActorDoc) served = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) mp3 = g_bytes_new_static ("ID3\4\0\0\0\0\0\0\xff\xfb\x90\x64", 14);
  g_autoptr(QtrMedia) song = add_media (&fixture->a, mp3, NULL);
  QtrProfileEdit edit = {
    .display_name = "Alice Liddell",
    .summary = "Down the rabbit hole, #wonderland <b>not bold</b>",
    .avatar_id = avatar->id,
    .header_id = header->id,
    .set_manual_approval = TRUE,
    .manual_approval = TRUE,
  };

  carol_follows_alice (fixture);

  /* What cannot be a profile is refused before anything changes. */
  g_assert_false (qtr_node_update_profile (fixture->a.node,
                                           &(QtrProfileEdit) { .avatar_id = song->id }, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA);
  g_clear_error (&error);
  g_assert_false (qtr_node_update_profile (fixture->a.node,
      &(QtrProfileEdit) { .display_name = "A name much longer than thirty characters" },
      &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (qtr_test_node_count (&fixture->a, "SELECT count (*) FROM deliveries"), ==, 0);

  g_assert_true (qtr_node_update_profile (fixture->a.node, &edit, &error));
  g_assert_no_error (error);
  qtr_test_wait_until (carol_sees_new_name, fixture, "carol's node has alice's new name");

  seen = carol_copy_of (fixture, fixture->a.actor);
  g_assert_cmpstr (seen->name, ==, "Alice Liddell");
  g_assert_nonnull (strstr (seen->summary, "Down the rabbit hole"));
  g_assert_nonnull (strstr (seen->summary, "/tags/wonderland"));
  g_assert_null (strstr (seen->summary, "<b>"));
  g_assert_cmpstr (seen->icon, ==, avatar->url);
  g_assert_cmpstr (seen->image, ==, header->url);
  g_assert_true (seen->manually_approves_followers);

  served = fetch_actor (&fixture->a);
  g_assert_cmpstr (served->name, ==, "Alice Liddell");
  g_assert_cmpstr (served->icon, ==, avatar->url);
  g_assert_true (served->manually_approves_followers);
  g_assert_true (qtr_node_get_config (fixture->a.node)->manual_approval);
}

static gboolean
carol_follows_alice_on_b (Fixture *fixture)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM following f JOIN"
                                          " remote_actors a ON a.id = f.actor_id"
                                          " WHERE f.accepted = 1 AND a.uri = '%s'",
                                          fixture->b.actor);

  return qtr_test_node_count (&fixture->c, sql) == 1 &&
         qtr_test_node_count (&fixture->c, "SELECT count (*) FROM following") == 1 &&
         qtr_test_node_count (&fixture->b, "SELECT count (*) FROM followers"
                                           " WHERE accepted = 1") == 1 &&
         qtr_test_node_count (&fixture->a, "SELECT count (*) FROM followers") == 0;
}

static char *
move (QtrTestNode *node,
      const char  *handle,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_node_move_async (node->node, handle, NULL, qtr_test_got_result_cb, &result);
  return qtr_node_move_finish (node->node, qtr_test_wait_result (&result), error);
}

/* Alice moves from A to B: carol, who followed her on A, follows her on B instead. */
static void
test_move (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrActorDoc) a_actor = NULL;
  g_autoptr(QtrActorDoc) b_actor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *alias = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *removed = NULL;

  carol_follows_alice (fixture);

  /* B does not name A yet: the move is refused and nothing is sent. */
  g_assert_null (move (&fixture->a, fixture->b.handle, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "alias"));
  g_clear_error (&error);
  g_assert_cmpint (qtr_test_node_count (&fixture->a, "SELECT count (*) FROM activities"
                                                     " WHERE type = 'Move'"), ==, 0);

  /* An alias can be added and removed, by handle. */
  qtr_node_add_alias_async (fixture->b.node, fixture->a.handle, NULL, qtr_test_got_result_cb,
                            &result);
  alias = qtr_node_add_alias_finish (fixture->b.node, qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alias, ==, fixture->a.actor);
  removed = qtr_node_remove_alias (fixture->b.node, fixture->a.handle, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (removed, ==, fixture->a.actor);
  b_actor = fetch_actor (&fixture->b);
  g_assert_cmpuint (g_strv_length (b_actor->also_known_as), ==, 0);
  g_clear_pointer (&b_actor, qtr_actor_doc_unref);

  g_clear_object (&result);
  g_clear_pointer (&alias, g_free);
  qtr_node_add_alias_async (fixture->b.node, fixture->a.actor, NULL, qtr_test_got_result_cb,
                            &result);
  alias = qtr_node_add_alias_finish (fixture->b.node, qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  b_actor = fetch_actor (&fixture->b);
  g_assert_true (g_strv_contains ((const char * const *) b_actor->also_known_as,
                                  fixture->a.actor));

  moved = move (&fixture->a, fixture->b.handle, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (moved, ==, fixture->b.actor);
  a_actor = fetch_actor (&fixture->a);
  g_assert_cmpstr (a_actor->moved_to, ==, fixture->b.actor);
  {
    g_auto(QtrTestAnswer) page = { 0 };
    g_autofree char *link = g_strdup_printf ("moved to <a href=\"%s\">", fixture->b.actor);

    qtr_test_get (fixture->a.actor, "text/html", &page);
    g_assert_cmpuint (page.status, ==, SOUP_STATUS_OK);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (page.bytes, NULL),
                                    g_bytes_get_size (page.bytes), link));
  }

  qtr_test_wait_until (carol_follows_alice_on_b, fixture, "carol follows alice on B, not on A");
  g_assert_cmpint (qtr_test_node_count (&fixture->c, "SELECT count (*) FROM notifications"
                                                     " WHERE type = 'move'"
                                                     " AND target_actor_id IS NOT NULL"), ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->c, "SELECT count (*) FROM pending_moves"), ==, 0);
}

/* A Move still waiting for its check when the node stopped is checked when it starts. */
static void
test_move_resumed (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrRemoteActor) origin = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *alias = NULL;
  g_autofree char *move_id = g_strconcat (fixture->a.actor, "#moves/7", NULL);
  QtrNodeStore *store = qtr_node_get_store (fixture->c.node);

  carol_follows_alice (fixture);
  qtr_node_add_alias_async (fixture->b.node, fixture->a.actor, NULL, qtr_test_got_result_cb,
                            &result);
  alias = qtr_node_add_alias_finish (fixture->b.node, qtr_test_wait_result (&result), &error);
  g_assert_no_error (error);

  origin = qtr_node_store_find_remote_actor (store, "uri", fixture->a.actor, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_node_store_add_pending_move (store, move_id, origin->row, fixture->b.actor,
                                                  &error));
  g_assert_no_error (error);
  qtr_node_resume_moves (fixture->c.node);
  qtr_test_wait_until (carol_follows_alice_on_b, fixture, "carol follows alice on B, not on A");
  g_assert_cmpint (qtr_test_node_count (&fixture->c, "SELECT count (*) FROM pending_moves"), ==, 0);
}

static gboolean
carol_checked_the_move (Fixture *fixture)
{
  return qtr_test_node_count (&fixture->c, "SELECT count (*) FROM inbox"
                                           " WHERE processed_at IS NOT NULL"
                                           " AND activity_uri LIKE '%#moves/1'") == 1 &&
         qtr_test_node_count (&fixture->c, "SELECT count (*) FROM pending_moves") == 0;
}

/* A Move, signed by alice on A, to an account that does not name A: refused, nothing
 * changes. */
static void
test_move_without_alias (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *inbox = g_strconcat (fixture->c.base, "/inbox", NULL);
  g_autofree char *key_id = qtr_test_node_get_key_id (&fixture->a);
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_auto(QtrTestAnswer) answer = { 0 };

  carol_follows_alice (fixture);

  body = g_strdup_printf ("{\"@context\":\"https://www.w3.org/ns/activitystreams\","
                          "\"id\":\"%s#moves/1\",\"type\":\"Move\",\"actor\":\"%s\","
                          "\"object\":\"%s\",\"target\":\"%s\"}", fixture->a.actor,
                          fixture->a.actor, fixture->a.actor, fixture->b.actor);
  msg = qtr_test_signed_post (inbox, body, key_id, qtr_test_node_get_key (&fixture->a));
  qtr_test_send (msg, &answer);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_ACCEPTED);

  qtr_test_wait_until (carol_checked_the_move, fixture, "carol's node checked the Move");
  g_assert_true (carol_follows_alice_on_a (fixture));
  g_assert_cmpint (qtr_test_node_count (&fixture->c, "SELECT count (*) FROM following"), ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->c, "SELECT count (*) FROM activities"
                                                     " WHERE type IN ('Follow', 'Undo')"), ==, 1);
  g_assert_cmpint (qtr_test_node_count (&fixture->c, "SELECT count (*) FROM notifications"), ==, 0);
  g_assert_cmpint (qtr_test_node_count (&fixture->b, "SELECT count (*) FROM followers"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/node/identity/attachments", Fixture, NULL, fixture_set_up, test_attachments,
              fixture_tear_down);
  g_test_add ("/node/identity/profile-update", Fixture, NULL, fixture_set_up,
              test_profile_update, fixture_tear_down);
  g_test_add ("/node/identity/move", Fixture, NULL, fixture_set_up, test_move,
              fixture_tear_down);
  g_test_add ("/node/identity/move-resumed", Fixture, NULL, fixture_set_up,
              test_move_resumed, fixture_tear_down);
  g_test_add ("/node/identity/move-without-alias", Fixture, NULL, fixture_set_up,
              test_move_without_alias, fixture_tear_down);

  return g_test_run ();
}
