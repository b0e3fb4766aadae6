/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

/* quitter-node as a person meets it: its exit status and what it prints. */

static const char *node_path;



/* quitter-node with these arguments, run to its end. */
#define run_node(run, ...) qtr_test_run ((run), node_path, __VA_ARGS__)
/* Polls `quitter-node status` of @data_dir for up to 20 s, until it prints @words. */
#define wait_for_status(data_dir, words) \
  qtr_test_wait_for_status (node_path, (data_dir), 20, (words), NULL)

static char *
make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_dir_make_tmp ("quitter-test-cli-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (parent, "node", NULL);
}


static void
assert_no_glib_noise (const QtrTestRun *run)
{
  g_assert_null (strstr (run->err, "CRITICAL"));
  g_assert_null (strstr (run->err, "WARNING"));
  g_assert_null (strstr (run->out, "CRITICAL"));
}

static void
test_version (void)
{
  g_auto(QtrTestRun) run = { 0 };

  run_node (&run, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "quitter-node " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_help (void)
{
  g_auto(QtrTestRun) run = { 0 };

  run_node (&run, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "quitter-node"));
  g_assert_nonnull (strstr (run.out, "--version"));
  g_assert_nonnull (strstr (run.out, "personal fediverse node"));
  g_assert_nonnull (strstr (run.out, APP_ISSUES));
  assert_no_glib_noise (&run);
}

static void
test_unknown_option (void)
{
  g_auto(QtrTestRun) run = { 0 };

  run_node (&run, "--frobnicate", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "--frobnicate"));
  g_assert_nonnull (strstr (run.err, "quitter-node --help"));
  assert_no_glib_noise (&run);
}

static void
test_unexpected_argument (void)
{
  g_auto(QtrTestRun) run = { 0 };

  run_node (&run, "launch-rockets", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "“launch-rockets”"));
  g_assert_nonnull (strstr (run.err, "quitter-node --help"));
  assert_no_glib_noise (&run);
}

static void
test_init_and_run (void)
{
  g_autofree char *data_dir = make_data_dir ();
  g_autofree char *parent = g_path_get_dirname (data_dir);
  g_auto(QtrTestRun) init = { 0 };
  g_auto(QtrTestRun) again = { 0 };
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *at;

  run_node (&init, "init", "--data-dir", data_dir, "--base-url", "http://127.0.0.1:8008",
            "--user", "alice", "--display-name", "Alice", NULL);
  g_assert_cmpint (init.status, ==, 0);
  g_assert_nonnull (strstr (init.out, "@alice"));
  assert_no_glib_noise (&init);

  run_node (&again, "init", "--data-dir", data_dir, "--base-url", "http://127.0.0.1:8008",
            "--user", "alice", NULL);
  g_assert_cmpint (again.status, ==, 1);
  g_assert_nonnull (strstr (again.err, "holds a node already"));

  server = qtr_test_serve (node_path, data_dir, "0", &line);
  g_assert_true (g_str_has_prefix (line, "Serving http://127.0.0.1:8008 on http://127.0.0.1:"));
  at = strstr (line, " on ");
  url = g_strconcat (at + 4, "/.well-known/webfinger?resource=acct:alice@127.0.0.1:8008", NULL);

  session = soup_session_new ();
  msg = soup_message_new ("GET", url);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_nonnull (strstr (body, "\"acct:alice@127.0.0.1:8008\""));

  /* A second node on the same folder is refused while the first runs. */
  {
    g_auto(QtrTestRun) second = { 0 };

    run_node (&second, "run", "--data-dir", data_dir, "--port", "0", NULL);
    g_assert_cmpint (second.status, ==, 1);
    g_assert_nonnull (strstr (second.err, "already running"));
    assert_no_glib_noise (&second);
  }

  qtr_test_stop_server (&server);

  qtr_test_remove_tree (parent);
}

static void
test_run_errors (void)
{
  g_autofree char *data_dir = make_data_dir ();
  g_autofree char *parent = g_path_get_dirname (data_dir);
  g_auto(QtrTestRun) missing = { 0 };
  g_auto(QtrTestRun) bad_url = { 0 };
  g_auto(QtrTestRun) no_user = { 0 };
  g_auto(QtrTestRun) bad_port = { 0 };

  run_node (&missing, "run", "--data-dir", data_dir, NULL);
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_nonnull (strstr (missing.err, "quitter-node init"));
  assert_no_glib_noise (&missing);

  run_node (&bad_url, "init", "--data-dir", data_dir, "--base-url", "http://example.org",
            "--user", "alice", NULL);
  g_assert_cmpint (bad_url.status, ==, 1);
  g_assert_nonnull (strstr (bad_url.err, "https"));
  assert_no_glib_noise (&bad_url);

  run_node (&no_user, "init", "--data-dir", data_dir, "--base-url", "https://example.org", NULL);
  g_assert_cmpint (no_user.status, ==, 2);
  g_assert_nonnull (strstr (no_user.err, "--user"));

  run_node (&bad_port, "run", "--data-dir", data_dir, "--port", "99999", NULL);
  g_assert_cmpint (bad_port.status, ==, 2);
  g_assert_nonnull (strstr (bad_port.err, "--port"));

  qtr_test_remove_tree (parent);
}

/* The OAuth commands: a token is the only thing printed; a bad scope or a missing node is one
 * clear line. (Tokens at work, and the password from standard input, are in
 * tests/interop/mastodon_py.) */
static void
test_token_and_password (void)
{
  g_autofree char *data_dir = make_data_dir ();
  g_autofree char *parent = g_path_get_dirname (data_dir);
  g_auto(QtrTestRun) init = { 0 };
  g_auto(QtrTestRun) token = { 0 };
  g_auto(QtrTestRun) other = { 0 };
  g_auto(QtrTestRun) bad_scope = { 0 };
  g_auto(QtrTestRun) missing = { 0 };
  g_auto(QtrTestRun) no_password = { 0 };
  g_auto(QtrTestRun) argument = { 0 };

  run_node (&init, "init", "--data-dir", data_dir, "--base-url", "http://127.0.0.1:8008",
            "--user", "alice", NULL);
  g_assert_cmpint (init.status, ==, 0);

  run_node (&token, "token", "--data-dir", data_dir, "--scopes", "read write follow", NULL);
  g_assert_cmpint (token.status, ==, 0);
  g_assert_cmpstr (token.err, ==, "");
  g_assert_cmpuint (strlen (token.out), ==, 43 + 1);
  g_assert_cmpint (token.out[43], ==, '\n');
  run_node (&other, "token", "--data-dir", data_dir, NULL);
  g_assert_cmpint (other.status, ==, 0);
  g_assert_cmpstr (other.out, !=, token.out);

  run_node (&bad_scope, "token", "--data-dir", data_dir, "--scopes", "read everything", NULL);
  g_assert_cmpint (bad_scope.status, ==, 2);
  g_assert_cmpstr (bad_scope.out, ==, "");
  g_assert_nonnull (strstr (bad_scope.err, "“everything”"));
  assert_no_glib_noise (&bad_scope);

  run_node (&missing, "token", "--data-dir", parent, NULL);
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_nonnull (strstr (missing.err, "quitter-node init"));
  assert_no_glib_noise (&missing);

  /* Standard input is empty here: no password, nothing changed. */
  run_node (&no_password, "password", "--data-dir", data_dir, NULL);
  g_assert_cmpint (no_password.status, ==, 1);
  g_assert_nonnull (strstr (no_password.err, "nothing was changed"));
  assert_no_glib_noise (&no_password);

  /* Never from the command line. */
  run_node (&argument, "password", "--data-dir", data_dir, "hunter2hunter2", NULL);
  g_assert_cmpint (argument.status, ==, 2);
  assert_no_glib_noise (&argument);

  qtr_test_remove_tree (parent);
}

/* alice follows bob while her node is off; the Follow waits in node.db and goes out when
 * her node runs; bob's node accepts it. Three processes, as on two real machines. */
static void
test_follow_queued_while_offline (void)
{
  g_autofree char *alice = make_data_dir ();
  g_autofree char *bob = make_data_dir ();
  g_autofree char *alice_port = g_strdup_printf ("%u", qtr_test_pick_free_port ());
  g_autofree char *bob_port = g_strdup_printf ("%u", qtr_test_pick_free_port ());
  g_autofree char *alice_url = g_strconcat ("http://127.0.0.1:", alice_port, NULL);
  g_autofree char *bob_url = g_strconcat ("http://127.0.0.1:", bob_port, NULL);
  g_autofree char *bob_handle = g_strconcat ("@bob@127.0.0.1:", bob_port, NULL);
  g_autoptr(GSubprocess) bob_server = NULL;
  g_autoptr(GSubprocess) alice_server = NULL;
  g_auto(QtrTestRun) init_alice = { 0 };
  g_auto(QtrTestRun) init_bob = { 0 };
  g_auto(QtrTestRun) follow = { 0 };
  g_auto(QtrTestRun) bad_follow = { 0 };

  run_node (&init_alice, "init", "--data-dir", alice, "--base-url", alice_url, "--user",
            "alice", NULL);
  run_node (&init_bob, "init", "--data-dir", bob, "--base-url", bob_url, "--user", "bob", NULL);
  g_assert_cmpint (init_alice.status + init_bob.status, ==, 0);
  qtr_test_allow_private_addresses (alice);
  qtr_test_allow_private_addresses (bob);

  bob_server = qtr_test_serve (node_path, bob, bob_port, NULL);

  run_node (&follow, "follow", "--data-dir", alice, bob_handle, NULL);
  g_assert_cmpint (follow.status, ==, 0);
  g_assert_nonnull (strstr (follow.out, "queued"));
  assert_no_glib_noise (&follow);
  g_assert_true (wait_for_status (alice, "Deliveries waiting: 1"));

  run_node (&bad_follow, "follow", "--data-dir", alice, "@nobody@127.0.0.1:1", NULL);
  g_assert_cmpint (bad_follow.status, ==, 1);
  assert_no_glib_noise (&bad_follow);

  alice_server = qtr_test_serve (node_path, alice, alice_port, NULL);
  g_assert_true (wait_for_status (bob, "Followers: 1 (0 waiting"));
  g_assert_true (wait_for_status (alice, "Following: 1"));
  g_assert_true (wait_for_status (alice, "Deliveries waiting: 0"));

  {
    g_auto(QtrTestRun) post = { 0 };
    g_auto(QtrTestRun) empty = { 0 };
    g_auto(QtrTestRun) bad_visibility = { 0 };

    run_node (&post, "post", "--data-dir", bob, "--content-warning", "cw", "Hello followers",
              NULL);
    g_assert_cmpint (post.status, ==, 0);
    g_assert_nonnull (strstr (post.out, bob_url));
    assert_no_glib_noise (&post);
    g_assert_true (wait_for_status (bob, "Posts: 1 written here, 0 received"));
    g_assert_true (wait_for_status (alice, "Posts: 0 written here, 1 received"));

    /* alice answers and boosts bob's post from her command line. */
    {
      g_auto(QtrTestRun) reply = { 0 };
      g_auto(QtrTestRun) boost = { 0 };
      g_auto(QtrTestRun) unboost = { 0 };
      g_auto(QtrTestRun) again = { 0 };
      g_auto(QtrTestRun) nowhere = { 0 };
      const char *start = strstr (post.out, bob_url);
      g_autofree char *uri = g_strndup (start, strcspn (start, ";"));

      run_node (&reply, "post", "--data-dir", alice, "--in-reply-to", uri, "Welcome", NULL);
      g_assert_cmpint (reply.status, ==, 0);
      g_assert_nonnull (strstr (reply.out, alice_url));
      assert_no_glib_noise (&reply);
      g_assert_true (wait_for_status (alice, "Posts: 1 written here, 1 received"));

      run_node (&boost, "boost", "--data-dir", alice, uri, NULL);
      g_assert_cmpint (boost.status, ==, 0);
      g_assert_nonnull (strstr (boost.out, uri));
      assert_no_glib_noise (&boost);
      run_node (&unboost, "unboost", "--data-dir", alice, uri, NULL);
      g_assert_cmpint (unboost.status, ==, 0);
      assert_no_glib_noise (&unboost);
      run_node (&again, "unboost", "--data-dir", alice, uri, NULL);
      g_assert_cmpint (again.status, ==, 1);
      g_assert_nonnull (strstr (again.err, "not boosted"));
      assert_no_glib_noise (&again);

      run_node (&nowhere, "post", "--data-dir", alice, "--in-reply-to",
                "http://127.0.0.1:1/users/nobody/statuses/1", "Hello?", NULL);
      g_assert_cmpint (nowhere.status, ==, 1);
      /* One line that says what went wrong. */
      g_assert_nonnull (strchr (nowhere.err, '\n'));
      g_assert_cmpstr (strchr (nowhere.err, '\n') + 1, ==, "");
      assert_no_glib_noise (&nowhere);
    }

    /* bob edits his post: the Note at its address reads anew; a stranger's post cannot be
     * edited, and an edit needs the address and the text. */
    {
      const char *start = strstr (post.out, bob_url);
      g_autofree char *uri = g_strndup (start, strcspn (start, ";"));
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(QtrTestRun) edit = { 0 };
      g_auto(QtrTestRun) foreign = { 0 };
      g_auto(QtrTestRun) no_text = { 0 };
      g_autofree char *body = NULL;

      run_node (&edit, "edit", "--data-dir", bob, "--content-warning", "cw", uri,
                "Hello followers, edited", NULL);
      g_assert_cmpint (edit.status, ==, 0);
      g_assert_nonnull (strstr (edit.out, uri));
      assert_no_glib_noise (&edit);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                    "application/activity+json");
      bytes = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_assert_nonnull (strstr (body, "Hello followers, edited"));
      g_assert_nonnull (strstr (body, "\"updated\""));

      run_node (&foreign, "edit", "--data-dir", alice, uri, "Mine now", NULL);
      g_assert_cmpint (foreign.status, ==, 1);
      g_assert_nonnull (strstr (foreign.err, "is not a post of this node"));
      assert_no_glib_noise (&foreign);
      run_node (&no_text, "edit", "--data-dir", bob, uri, NULL);
      g_assert_cmpint (no_text.status, ==, 2);
      g_assert_true (wait_for_status (bob, "Deliveries waiting: 0"));
    }

    run_node (&empty, "post", "--data-dir", bob, "   ", NULL);
    g_assert_cmpint (empty.status, ==, 1);
    run_node (&bad_visibility, "post", "--data-dir", bob, "--visibility", "everyone", "x",
              NULL);
    g_assert_cmpint (bad_visibility.status, ==, 2);

    /* alice likes the post that reached her, then takes the like back. */
    {
      const char *start = strstr (post.out, bob_url);
      g_autofree char *uri = g_strndup (start, strcspn (start, ";"));
      g_autofree char *unknown = g_strconcat (bob_url, "/users/bob/statuses/1", NULL);
      g_auto(QtrTestRun) like = { 0 };
      g_auto(QtrTestRun) unlike = { 0 };
      g_auto(QtrTestRun) unlike_again = { 0 };
      g_auto(QtrTestRun) like_unknown = { 0 };

      run_node (&like, "like", "--data-dir", alice, uri, NULL);
      g_assert_cmpint (like.status, ==, 0);
      g_assert_nonnull (strstr (like.out, uri));
      assert_no_glib_noise (&like);
      run_node (&unlike, "unlike", "--data-dir", alice, uri, NULL);
      g_assert_cmpint (unlike.status, ==, 0);
      assert_no_glib_noise (&unlike);

      run_node (&unlike_again, "unlike", "--data-dir", alice, uri, NULL);
      g_assert_cmpint (unlike_again.status, ==, 1);
      g_assert_nonnull (strstr (unlike_again.err, "not liked"));
      assert_no_glib_noise (&unlike_again);
      run_node (&like_unknown, "like", "--data-dir", alice, unknown, NULL);
      g_assert_cmpint (like_unknown.status, ==, 1);
      g_assert_nonnull (strstr (like_unknown.err, "not a post this node knows"));
    }
  }

  {
    g_auto(QtrTestRun) unfollow = { 0 };
    g_auto(QtrTestRun) again = { 0 };

    run_node (&unfollow, "unfollow", "--data-dir", alice, bob_handle, NULL);
    g_assert_cmpint (unfollow.status, ==, 0);
    assert_no_glib_noise (&unfollow);
    g_assert_true (wait_for_status (bob, "Followers: 0 (0 waiting"));
    g_assert_true (wait_for_status (alice, "Following: 0"));

    run_node (&again, "unfollow", "--data-dir", alice, bob_handle, NULL);
    g_assert_cmpint (again.status, ==, 1);
    g_assert_nonnull (strstr (again.err, "not followed"));
  }

  /* bob blocks alice, and lifts the block. */
  {
    g_auto(QtrTestRun) block = { 0 };
    g_auto(QtrTestRun) unblock = { 0 };
    g_auto(QtrTestRun) unblock_again = { 0 };
    g_auto(QtrTestRun) usage = { 0 };
    g_autofree char *alice_handle = g_strconcat ("@alice@127.0.0.1:", alice_port, NULL);

    run_node (&block, "block", "--data-dir", bob, alice_handle, NULL);
    g_assert_cmpint (block.status, ==, 0);
    g_assert_nonnull (strstr (block.out, alice_url));
    assert_no_glib_noise (&block);
    run_node (&unblock, "unblock", "--data-dir", bob, alice_handle, NULL);
    g_assert_cmpint (unblock.status, ==, 0);
    assert_no_glib_noise (&unblock);
    run_node (&unblock_again, "unblock", "--data-dir", bob, alice_handle, NULL);
    g_assert_cmpint (unblock_again.status, ==, 1);
    g_assert_nonnull (strstr (unblock_again.err, "not blocked"));
    run_node (&usage, "block", "--data-dir", bob, NULL);
    g_assert_cmpint (usage.status, ==, 2);
    assert_no_glib_noise (&usage);
  }

  qtr_test_stop_server (&alice_server);
  qtr_test_stop_server (&bob_server);
  {
    g_autofree char *alice_parent = g_path_get_dirname (alice);
    g_autofree char *bob_parent = g_path_get_dirname (bob);
    qtr_test_remove_tree (alice_parent);
    qtr_test_remove_tree (bob_parent);
  }
}

/* Media, profile, aliases and moves from the command line, on a node that is not running. */
static void
test_profile_and_media (void)
{
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0, 48, 0, 0, 0, 48, 8, 6, 0, 0, 0, 0x12, 0x34, 0x56, 0x78,
  };
  g_autofree char *dir = make_data_dir ();
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autofree char *fake = g_build_filename (parent, "photo.png", NULL);
  g_autofree char *image = g_build_filename (parent, "avatar.jpg", NULL);
  g_auto(QtrTestRun) init = { 0 };
  g_autoptr(GError) error = NULL;

  run_node (&init, "init", "--data-dir", dir, "--base-url", "http://127.0.0.1:9", "--user",
            "alice", NULL);
  g_assert_cmpint (init.status, ==, 0);
  g_assert_true (g_file_set_contents (fake, "<html><script>alert(1)</script></html>", -1,
                                      &error));
  g_assert_true (g_file_set_contents (image, (const char *) png, sizeof png, &error));
  g_assert_no_error (error);

  {
    g_auto(QtrTestRun) html = { 0 };
    g_auto(QtrTestRun) alt_alone = { 0 };
    g_auto(QtrTestRun) five = { 0 };
    g_auto(QtrTestRun) post = { 0 };

    run_node (&html, "post", "--data-dir", dir, "--attach", fake, "--alt", "A cat", "Hi",
              NULL);
    g_assert_cmpint (html.status, ==, 1);
    g_assert_nonnull (strstr (html.err, "photo.png"));
    g_assert_nonnull (strstr (html.err, "PNG, JPEG"));
    assert_no_glib_noise (&html);

    run_node (&alt_alone, "post", "--data-dir", dir, "--alt", "A cat", "Hi", NULL);
    g_assert_cmpint (alt_alone.status, ==, 2);
    run_node (&five, "post", "--data-dir", dir, "-a", image, "-a", image, "-a", image,
              "-a", image, "-a", image, "Hi", NULL);
    g_assert_cmpint (five.status, ==, 2);

    /* Media alone make a post. */
    run_node (&post, "post", "--data-dir", dir, "--attach", image, "--alt", "A red square",
              "--sensitive", NULL);
    g_assert_cmpint (post.status, ==, 0);
    g_assert_nonnull (strstr (post.out, "http://127.0.0.1:9/users/alice/statuses/"));
    assert_no_glib_noise (&post);
  }

  {
    g_auto(QtrTestRun) change = { 0 };
    g_auto(QtrTestRun) show = { 0 };
    g_auto(QtrTestRun) bad_avatar = { 0 };

    run_node (&change, "profile", "--data-dir", dir, "--display-name", "Alice L",
              "--summary", "Curiouser and curiouser", "--avatar", image, NULL);
    g_assert_cmpint (change.status, ==, 0);
    assert_no_glib_noise (&change);
    run_node (&show, "profile", "--data-dir", dir, NULL);
    g_assert_cmpint (show.status, ==, 0);
    g_assert_nonnull (strstr (show.out, "Display name: Alice L\n"));
    g_assert_nonnull (strstr (show.out, "Curiouser and curiouser"));
    g_assert_nonnull (strstr (show.out, "Avatar: http://127.0.0.1:9/media/"));
    g_assert_nonnull (strstr (show.out, "Header: none"));

    run_node (&bad_avatar, "profile", "--data-dir", dir, "--avatar", fake, NULL);
    g_assert_cmpint (bad_avatar.status, ==, 1);
    g_assert_nonnull (strstr (bad_avatar.err, "photo.png"));
    assert_no_glib_noise (&bad_avatar);
  }

  {
    g_auto(QtrTestRun) no_target = { 0 };
    g_auto(QtrTestRun) unreachable = { 0 };
    g_auto(QtrTestRun) bad_alias = { 0 };
    g_auto(QtrTestRun) not_alias = { 0 };

    run_node (&no_target, "move", "--data-dir", dir, NULL);
    g_assert_cmpint (no_target.status, ==, 2);
    g_assert_nonnull (strstr (no_target.err, "--to"));
    run_node (&unreachable, "move", "--data-dir", dir, "--to", "@alice@127.0.0.1:1", NULL);
    g_assert_cmpint (unreachable.status, ==, 1);
    assert_no_glib_noise (&unreachable);
    run_node (&bad_alias, "alias", "--data-dir", dir, "frob", "@alice@127.0.0.1:1", NULL);
    g_assert_cmpint (bad_alias.status, ==, 2);
    run_node (&not_alias, "alias", "--data-dir", dir, "remove",
              "https://old.example/users/alice", NULL);
    g_assert_cmpint (not_alias.status, ==, 1);
    g_assert_nonnull (strstr (not_alias.err, "not an alias"));
  }

  qtr_test_remove_tree (parent);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    g_error ("Usage: %s PATH-TO-QUITTER-NODE", argv[0]);
  node_path = argv[1];

  g_test_add_func ("/node/cli/version", test_version);
  g_test_add_func ("/node/cli/help", test_help);
  g_test_add_func ("/node/cli/unknown-option", test_unknown_option);
  g_test_add_func ("/node/cli/unexpected-argument", test_unexpected_argument);
  g_test_add_func ("/node/cli/init-and-run", test_init_and_run);
  g_test_add_func ("/node/cli/errors", test_run_errors);
  g_test_add_func ("/node/cli/follow-queued-while-offline", test_follow_queued_while_offline);
  g_test_add_func ("/node/cli/profile-and-media", test_profile_and_media);
  g_test_add_func ("/node/cli/token-and-password", test_token_and_password);

  return g_test_run ();
}
