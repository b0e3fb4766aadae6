/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include <libsoup/soup.h>
#include <string.h>

#include "qtr-http-signature.h"
#include "qtr-node-private.h"

/* Who the owner is, as other servers see it: media on posts, profile edits, aliases and
 * moves, between real nodes on loopback ports. Alice has an account on node A and another on
 * node B; carol, on node C, follows her. */

typedef struct {
  char    *dir;
  char    *base;
  char    *handle;
  char    *actor;
  QtrNode *node;
} TestNode;

typedef struct {
  char     *root;
  TestNode  a;
  TestNode  b;
  TestNode  c;
} Fixture;

static void
start_node (Fixture    *fixture,
            TestNode   *node,
            const char *folder,
            const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNodeConfig) config = NULL;
  g_autofree char *conf_path = NULL;
  guint port = qtr_test_pick_free_port ();

  node->dir = g_build_filename (fixture->root, folder, NULL);
  node->base = g_strdup_printf ("http://127.0.0.1:%u", port);
  node->handle = g_strdup_printf ("@%s@127.0.0.1:%u", username, port);
  node->actor = g_strdup_printf ("%s/users/%s", node->base, username);
  g_assert_true (qtr_node_init_data_dir (node->dir, node->base, username, NULL, &error));
  g_assert_no_error (error);

  conf_path = g_build_filename (node->dir, "node.conf", NULL);
  config = qtr_node_config_load (conf_path, &error);
  g_assert_no_error (error);
  config->allow_private_addresses = TRUE;
  config->port = port;
  g_assert_true (qtr_node_config_save (config, conf_path, &error));

  node->node = qtr_node_open (node->dir, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_node_start (node->node, &error));
  g_assert_no_error (error);
}

static void
stop_node (TestNode *node)
{
  qtr_node_stop (node->node);
  g_assert_finalize_object (g_steal_pointer (&node->node));
  g_free (node->dir);
  g_free (node->base);
  g_free (node->handle);
  g_free (node->actor);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->root = g_dir_make_tmp ("quitter-test-identity-XXXXXX", NULL);
  start_node (fixture, &fixture->a, "a", "alice");
  start_node (fixture, &fixture->b, "b", "alice");
  start_node (fixture, &fixture->c, "c", "carol");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  stop_node (&fixture->a);
  stop_node (&fixture->b);
  stop_node (&fixture->c);
  qtr_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

static gint64
count_rows (TestNode   *node,
            const char *sql)
{
  QtrDb *db = qtr_node_store_get_db (qtr_node_get_store (node->node));
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = qtr_db_prepare (db, sql, &error);
  gint64 n;

  g_assert_no_error (error);
  g_assert_cmpint (qtr_db_step (db, stmt, &error), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

typedef gboolean (*Condition) (Fixture *fixture);

static void
wait_until (Fixture    *fixture,
            Condition   condition,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!condition (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting until %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static char *
follow (TestNode   *follower,
        const char *handle)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *actor;

  qtr_node_follow_async (follower->node, handle, NULL, async_done_cb, &result);
  actor = qtr_node_follow_finish (follower->node, wait_for_result (&result), &error);
  g_assert_no_error (error);
  return actor;
}

static gboolean
carol_follows_alice_on_a (Fixture *fixture)
{
  return count_rows (&fixture->c, "SELECT count (*) FROM following WHERE accepted = 1") == 1 &&
         count_rows (&fixture->a, "SELECT count (*) FROM followers WHERE accepted = 1") == 1;
}

static void
carol_follows_alice (Fixture *fixture)
{
  g_autofree char *actor = follow (&fixture->c, fixture->a.handle);

  g_assert_cmpstr (actor, ==, fixture->a.actor);
  wait_until (fixture, carol_follows_alice_on_a, "carol follows alice on A");
}

static QtrMedia *
add_media (TestNode   *node,
           GBytes     *bytes,
           const char *description)
{
  g_autoptr(GError) error = NULL;
  QtrMedia *media = qtr_node_add_media (node->node, bytes, description, &error);

  g_assert_no_error (error);
  return media;
}

static GBytes *
fetch (const char  *url,
       const char  *accept,
       guint       *status,
       char       **content_type)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  if (accept != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", accept);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, async_done_cb,
                                    &result);
  bytes = soup_session_send_and_read_finish (session, wait_for_result (&result), &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (content_type != NULL)
    *content_type = g_strdup (soup_message_headers_get_content_type (
                                soup_message_get_response_headers (msg), NULL));
  return bytes;
}

static gboolean
carol_has_the_post (Fixture *fixture)
{
  return count_rows (&fixture->c, "SELECT count (*) FROM statuses") == 1;
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
  wait_until (fixture, carol_has_the_post, "carol has alice's post");

  status = qtr_node_store_find_status (qtr_node_get_store (fixture->c.node), uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);
  g_assert_true (status->sensitive);
  g_assert_null (status->summary);
  g_assert_cmpuint (status->attachments->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      QtrAttachment *attachment = g_ptr_array_index (status->attachments, i);
      g_autoptr(GBytes) served = NULL;
      g_autofree char *content_type = NULL;
      guint http_status;

      g_assert_cmpstr (attachment->description, ==, descriptions[i]);
      g_assert_cmpstr (attachment->media_type, ==, "image/png");
      g_assert_cmpint (attachment->width, ==, i == 0 ? 40 : 20);
      g_assert_cmpint (attachment->height, ==, i == 0 ? 20 : 40);
      g_assert_true (g_str_has_prefix (attachment->url, fixture->a.base));
      served = fetch (attachment->url, NULL, &http_status, &content_type);
      g_assert_cmpuint (http_status, ==, SOUP_STATUS_OK);
      g_assert_cmpstr (content_type, ==, "image/png");
      g_assert_true (g_bytes_equal (served, expected[i]));
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
  return count_rows (&fixture->c, "SELECT count (*) FROM remote_actors"
                                  " WHERE display_name = 'Alice Liddell'") == 1;
}

static QtrActorDoc *
fetch_actor (TestNode *node)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GError) error = NULL;
  QtrActorDoc *doc;
  guint status;

  body = fetch (node->actor, "application/activity+json", &status, NULL);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  json = qtr_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
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
  g_assert_cmpint (count_rows (&fixture->a, "SELECT count (*) FROM deliveries"), ==, 0);

  g_assert_true (qtr_node_update_profile (fixture->a.node, &edit, &error));
  g_assert_no_error (error);
  wait_until (fixture, carol_sees_new_name, "carol's node has alice's new name");

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

  return count_rows (&fixture->c, sql) == 1 &&
         count_rows (&fixture->c, "SELECT count (*) FROM following") == 1 &&
         count_rows (&fixture->b, "SELECT count (*) FROM followers WHERE accepted = 1") == 1 &&
         count_rows (&fixture->a, "SELECT count (*) FROM followers") == 0;
}

static char *
move (TestNode    *node,
      const char  *handle,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_node_move_async (node->node, handle, NULL, async_done_cb, &result);
  return qtr_node_move_finish (node->node, wait_for_result (&result), error);
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
  g_assert_cmpint (count_rows (&fixture->a, "SELECT count (*) FROM activities"
                                            " WHERE type = 'Move'"), ==, 0);

  /* An alias can be added and removed, by handle. */
  qtr_node_add_alias_async (fixture->b.node, fixture->a.handle, NULL, async_done_cb, &result);
  alias = qtr_node_add_alias_finish (fixture->b.node, wait_for_result (&result), &error);
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
  qtr_node_add_alias_async (fixture->b.node, fixture->a.actor, NULL, async_done_cb, &result);
  alias = qtr_node_add_alias_finish (fixture->b.node, wait_for_result (&result), &error);
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
    g_autoptr(GBytes) page = NULL;
    g_autofree char *link = g_strdup_printf ("moved to <a href=\"%s\">", fixture->b.actor);
    guint status;

    page = fetch (fixture->a.actor, "text/html", &status, NULL);
    g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (page, NULL), g_bytes_get_size (page),
                                    link));
  }

  wait_until (fixture, carol_follows_alice_on_b, "carol follows alice on B, not on A");
  g_assert_cmpint (count_rows (&fixture->c, "SELECT count (*) FROM notifications"
                                            " WHERE type = 'move'"
                                            " AND target_actor_id IS NOT NULL"), ==, 1);
  g_assert_cmpint (count_rows (&fixture->c, "SELECT count (*) FROM pending_moves"), ==, 0);
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
  qtr_node_add_alias_async (fixture->b.node, fixture->a.actor, NULL, async_done_cb, &result);
  alias = qtr_node_add_alias_finish (fixture->b.node, wait_for_result (&result), &error);
  g_assert_no_error (error);

  origin = qtr_node_store_find_remote_actor (store, "uri", fixture->a.actor, &error);
  g_assert_no_error (error);
  g_assert_true (qtr_node_store_add_pending_move (store, move_id, origin->row, fixture->b.actor,
                                                  &error));
  g_assert_no_error (error);
  qtr_node_resume_moves (fixture->c.node);
  wait_until (fixture, carol_follows_alice_on_b, "carol follows alice on B, not on A");
  g_assert_cmpint (count_rows (&fixture->c, "SELECT count (*) FROM pending_moves"), ==, 0);
}

static gboolean
carol_checked_the_move (Fixture *fixture)
{
  return count_rows (&fixture->c, "SELECT count (*) FROM inbox WHERE processed_at IS NOT NULL"
                                  " AND activity_uri LIKE '%#moves/1'") == 1 &&
         count_rows (&fixture->c, "SELECT count (*) FROM pending_moves") == 0;
}

/* A Move, signed by alice on A, to an account that does not name A: refused, nothing
 * changes. */
static void
test_move_without_alias (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *inbox = g_strconcat (fixture->c.base, "/inbox", NULL);
  g_autofree char *key_id = g_strconcat (fixture->a.actor, "#main-key", NULL);
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", inbox);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  carol_follows_alice (fixture);

  body = g_strdup_printf ("{\"@context\":\"https://www.w3.org/ns/activitystreams\","
                          "\"id\":\"%s#moves/1\",\"type\":\"Move\",\"actor\":\"%s\","
                          "\"object\":\"%s\",\"target\":\"%s\"}", fixture->a.actor,
                          fixture->a.actor, fixture->a.actor, fixture->b.actor);
  bytes = g_bytes_new (body, strlen (body));
  g_assert_true (qtr_http_signature_sign_message (msg, "application/activity+json", bytes,
                                                  key_id,
                                                  qtr_node_get_owner (fixture->a.node)->key,
                                                  &error));
  g_assert_no_error (error);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, async_done_cb,
                                    &result);
  answer = soup_session_send_and_read_finish (session, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_ACCEPTED);

  wait_until (fixture, carol_checked_the_move, "carol's node checked the Move");
  g_assert_true (carol_follows_alice_on_a (fixture));
  g_assert_cmpint (count_rows (&fixture->c, "SELECT count (*) FROM following"), ==, 1);
  g_assert_cmpint (count_rows (&fixture->c, "SELECT count (*) FROM activities"
                                            " WHERE type IN ('Follow', 'Undo')"), ==, 1);
  g_assert_cmpint (count_rows (&fixture->c, "SELECT count (*) FROM notifications"), ==, 0);
  g_assert_cmpint (count_rows (&fixture->b, "SELECT count (*) FROM followers"), ==, 0);
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
