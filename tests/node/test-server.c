/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "node-test-util.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>


/* A real node on a loopback port, asked over real HTTP what other servers ask it. */

typedef struct {
  QtrTestNode alice;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  qtr_test_node_start (&fixture->alice, NULL, "alice",
                       &(QtrTestNodeOptions) { .display_name = "Alice <script>alert(1)</script>" });
  g_assert_cmpuint (qtr_node_get_port (fixture->alice.node), ==, fixture->alice.port);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  qtr_test_node_stop (&fixture->alice);
}

/* @method @path of alice's node, without following redirects. */
static void
request (Fixture       *fixture,
         const char    *method,
         const char    *path,
         const char    *accept,
         QtrTestAnswer *response)
{
  g_autofree char *url = g_strconcat (fixture->alice.base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (accept != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", accept);
  qtr_test_send (msg, response);
}

static const char *
header (QtrTestAnswer *response,
        const char    *name)
{
  return soup_message_headers_get_one (response->headers, name);
}

static JsonObject *
parse_object (QtrTestAnswer *response)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (response->bytes, &length);

  json_parser_load_from_data (parser, data, (gssize) length, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_webfinger (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *actor = g_strdup_printf ("%s/users/alice", fixture->alice.base);
  g_autofree char *subject = g_strdup_printf ("acct:alice@127.0.0.1:%u", fixture->alice.port);
  g_autofree char *path = g_strdup_printf ("/.well-known/webfinger?resource=%s", subject);
  g_auto(QtrTestAnswer) response = { 0 };
  g_autoptr(JsonObject) jrd = NULL;
  JsonArray *links;
  gboolean found_self = FALSE;

  request (fixture, "GET", path, NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpstr (header (&response, "Content-Type"), ==, "application/jrd+json; charset=utf-8");
  g_assert_cmpstr (header (&response, "Access-Control-Allow-Origin"), ==, "*");

  jrd = parse_object (&response);
  g_assert_cmpstr (json_object_get_string_member (jrd, "subject"), ==, subject);
  links = json_object_get_array_member (jrd, "links");
  for (guint i = 0; i < json_array_get_length (links); i++)
    {
      JsonObject *link = json_array_get_object_element (links, i);

      if (g_strcmp0 (json_object_get_string_member (link, "rel"), "self") != 0)
        continue;
      g_assert_cmpstr (json_object_get_string_member (link, "type"), ==,
                       "application/activity+json");
      g_assert_cmpstr (json_object_get_string_member (link, "href"), ==, actor);
      found_self = TRUE;
    }
  g_assert_true (found_self);
}

static void
test_webfinger_spellings (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *ok[] = {
    "acct:ALICE@127.0.0.1:PORT", "alice@127.0.0.1:PORT", "acct:alice@127.0.0.1.:PORT",
    "http://127.0.0.1:PORT/users/alice", "http://127.0.0.1:PORT/@alice",
  };
  const char *missing[] = {
    "acct:bob@127.0.0.1:PORT", "acct:alice@example.org", "acct:alice@127.0.0.1:PORT9",
    "http://127.0.0.1:PORT/users/bob", "https://evil.example/users/alice?PORT", "PORT",
  };
  g_autofree char *port = g_strdup_printf ("%u", fixture->alice.port);

  for (guint i = 0; i < G_N_ELEMENTS (ok) + G_N_ELEMENTS (missing); i++)
    {
      gboolean expect_ok = i < G_N_ELEMENTS (ok);
      const char *format = expect_ok ? ok[i] : missing[i - G_N_ELEMENTS (ok)];
      g_autoptr(GString) text = g_string_new (format);
      g_autofree char *resource = NULL;
      g_autofree char *escaped = NULL;
      g_autofree char *path = NULL;
      g_auto(QtrTestAnswer) response = { 0 };

      g_string_replace (text, "PORT", port, 0);
      resource = g_strdup (text->str);
      escaped = g_uri_escape_string (resource, NULL, FALSE);
      path = g_strconcat ("/.well-known/webfinger?resource=", escaped, NULL);

      request (fixture, "GET", path, NULL, &response);
      if (response.status != (expect_ok ? 200u : 404u))
        g_error ("%s: got %u", resource, response.status);
    }

  {
    g_auto(QtrTestAnswer) response = { 0 };
    request (fixture, "GET", "/.well-known/webfinger", NULL, &response);
    g_assert_cmpuint (response.status, ==, 400);
    g_assert_nonnull (strstr (response.body, "\"error\""));
  }
}

static void
test_host_meta (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(QtrTestAnswer) response = { 0 };
  g_autofree char *template = g_strdup_printf ("template=\"%s/.well-known/webfinger?resource={uri}\"",
                                               fixture->alice.base);

  request (fixture, "GET", "/.well-known/host-meta", NULL, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpstr (header (&response, "Content-Type"), ==, "application/xrd+xml; charset=utf-8");
  g_assert_nonnull (strstr (response.body, template));
}

static void
test_nodeinfo (Fixture       *fixture,
               gconstpointer  data)
{
  g_auto(QtrTestAnswer) links_response = { 0 };
  g_autoptr(JsonObject) links = NULL;
  JsonArray *array;

  request (fixture, "GET", "/.well-known/nodeinfo", NULL, &links_response);
  g_assert_cmpuint (links_response.status, ==, 200);
  links = parse_object (&links_response);
  array = json_object_get_array_member (links, "links");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  for (guint i = 0; i < 2; i++)
    {
      JsonObject *link = json_array_get_object_element (array, i);
      const char *href = json_object_get_string_member (link, "href");
      const char *version = i == 0 ? "2.0" : "2.1";
      g_autofree char *rel = g_strconcat ("http://nodeinfo.diaspora.software/ns/schema/",
                                          version, NULL);
      g_auto(QtrTestAnswer) response = { 0 };
      g_autoptr(JsonObject) info = NULL;
      JsonObject *software;

      g_assert_cmpstr (json_object_get_string_member (link, "rel"), ==, rel);
      g_assert_true (g_str_has_prefix (href, fixture->alice.base));
      request (fixture, "GET", href + strlen (fixture->alice.base), NULL, &response);
      g_assert_cmpuint (response.status, ==, 200);
      g_assert_true (g_str_has_prefix (header (&response, "Content-Type"),
                                       "application/json; profile="));
      info = parse_object (&response);
      g_assert_cmpstr (json_object_get_string_member (info, "version"), ==, version);
      software = json_object_get_object_member (info, "software");
      g_assert_cmpstr (json_object_get_string_member (software, "name"), ==, "quitter");
      g_assert_cmpstr (json_object_get_string_member (software, "version"), ==, PACKAGE_VERSION);
      g_assert_cmpint (json_object_has_member (software, "repository"), ==, i == 1);
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (info,
                                                                                     "protocols"),
                                                       0), ==, "activitypub");
      g_assert_false (json_object_get_boolean_member (info, "openRegistrations"));
      g_assert_cmpint (json_object_get_int_member (
                         json_object_get_object_member (
                           json_object_get_object_member (info, "usage"), "users"), "total"),
                       ==, 1);
    }

  {
    g_auto(QtrTestAnswer) response = { 0 };
    request (fixture, "GET", "/nodeinfo/1.0", NULL, &response);
    g_assert_cmpuint (response.status, ==, 404);
  }
}

static void
test_actor (Fixture       *fixture,
            gconstpointer  data)
{
  const char *accepts[] = {
    "application/activity+json",
    "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
    "application/activity+json, application/ld+json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (accepts); i++)
    {
      g_auto(QtrTestAnswer) response = { 0 };
      g_autoptr(JsonObject) actor = NULL;
      g_autoptr(QtrKey) key = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *id = g_strdup_printf ("%s/users/alice", fixture->alice.base);
      g_autofree char *key_id = g_strdup_printf ("%s#main-key", id);
      g_autofree char *inbox = g_strdup_printf ("%s/inbox", id);
      g_autofree char *shared_inbox = g_strdup_printf ("%s/inbox", fixture->alice.base);
      JsonObject *public_key;

      request (fixture, "GET", "/users/alice", accepts[i], &response);
      g_assert_cmpuint (response.status, ==, 200);
      g_assert_cmpstr (header (&response, "Content-Type"), ==,
                       "application/activity+json; charset=utf-8");

      actor = parse_object (&response);
      g_assert_cmpstr (json_object_get_string_member (actor, "id"), ==, id);
      g_assert_cmpstr (json_object_get_string_member (actor, "type"), ==, "Person");
      g_assert_cmpstr (json_object_get_string_member (actor, "preferredUsername"), ==, "alice");
      g_assert_cmpstr (json_object_get_string_member (actor, "name"), ==,
                       "Alice <script>alert(1)</script>");
      g_assert_cmpstr (json_object_get_string_member (actor, "inbox"), ==, inbox);
      for (guint j = 0; j < 5; j++)
        {
          const char *member = (const char *[]) { "outbox", "followers", "following",
                                                  "featured", "url" }[j];
          g_assert_true (g_str_has_prefix (json_object_get_string_member (actor, member),
                                           fixture->alice.base));
        }
      g_assert_false (json_object_get_boolean_member (actor, "manuallyApprovesFollowers"));
      g_assert_true (json_object_get_boolean_member (actor, "discoverable"));
      g_assert_nonnull (json_object_get_string_member (actor, "published"));
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (actor,
                                                                                     "endpoints"),
                                                      "sharedInbox"), ==, shared_inbox);

      public_key = json_object_get_object_member (actor, "publicKey");
      g_assert_cmpstr (json_object_get_string_member (public_key, "id"), ==, key_id);
      g_assert_cmpstr (json_object_get_string_member (public_key, "owner"), ==, id);
      key = qtr_key_new_from_public_pem (json_object_get_string_member (public_key,
                                                                        "publicKeyPem"),
                                         -1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (qtr_key_get_bits (key), ==, 2048);
      g_assert_true (qtr_key_equal_public (key, qtr_node_get_owner (fixture->alice.node)->key));
    }
}

static void
test_actor_page (Fixture       *fixture,
                 gconstpointer  data)
{
  g_auto(QtrTestAnswer) page = { 0 };
  g_auto(QtrTestAnswer) redirect = { 0 };
  g_auto(QtrTestAnswer) profile = { 0 };
  g_autofree char *id = g_strdup_printf ("%s/users/alice", fixture->alice.base);

  request (fixture, "GET", "/users/alice", "text/html,application/xhtml+xml", &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_cmpstr (header (&page, "Content-Type"), ==, "text/html; charset=utf-8");
  g_assert_nonnull (strstr (page.body, "Alice &lt;script&gt;"));
  g_assert_null (strstr (page.body, "<script>"));

  request (fixture, "GET", "/@alice", "application/activity+json", &redirect);
  g_assert_cmpuint (redirect.status, ==, 301);
  g_assert_cmpstr (header (&redirect, "Location"), ==, id);

  request (fixture, "GET", "/@alice", NULL, &profile);
  g_assert_cmpuint (profile.status, ==, 200);
  g_assert_nonnull (strstr (profile.body, "@alice@127.0.0.1"));
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const paths[] = { "/users/bob", "/@bob", "/nothing/here", "/users/" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto(QtrTestAnswer) response = { 0 };

      request (fixture, "GET", paths[i], "application/activity+json", &response);
      if (response.status != 404)
        g_error ("%s: expected 404, got %u", paths[i], response.status);
      g_assert_nonnull (strstr (response.body, "\"error\""));
    }

  {
    g_auto(QtrTestAnswer) response = { 0 };
    request (fixture, "DELETE", "/users/alice", NULL, &response);
    g_assert_cmpuint (response.status, ==, 405);
    g_assert_cmpstr (header (&response, "Allow"), ==, "GET");
  }
}

static void
test_locked (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) second = qtr_node_open (fixture->alice.dir, &error);

  /* Opening beside a running node is allowed (commands do it); serving is not. */
  g_assert_no_error (error);
  qtr_node_set_listen (second, "127.0.0.1", 0);
  g_assert_false (qtr_node_start (second, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "already running"));
}

static void
test_init_twice (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other = g_build_filename (fixture->alice.dir, "other", NULL);
  g_autofree char *db = g_build_filename (other, "node.db", NULL);
  QtrNode *node;

  /* The running node holds the lock: init cannot touch its folder. */
  g_assert_false (qtr_node_init_data_dir (fixture->alice.dir, fixture->alice.base, "alice", NULL,
                                          &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_LOCKED);
  g_clear_error (&error);

  node = qtr_node_open (other, &error);
  g_assert_null (node);
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_SET_UP);
  g_assert_nonnull (strstr (error->message, "quitter-node init"));
  g_clear_error (&error);

  g_assert_false (qtr_node_init_data_dir (other, "http://example.org", "alice", NULL, &error));
  g_assert_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_true (qtr_node_init_data_dir (other, "https://example.org", "bob", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (qtr_node_init_data_dir (other, "https://example.org", "bob", NULL, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_ALREADY_SET_UP);
  qtr_test_remove_tree (other);
}

static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other = g_build_filename (fixture->alice.dir, "second", NULL);
  g_autoptr(QtrNode) node = NULL;

  g_assert_true (qtr_node_init_data_dir (other, "https://example.org", "bob", NULL, &error));
  node = qtr_node_open (other, &error);
  g_assert_no_error (error);
  qtr_node_set_listen (node, "127.0.0.1", (int) fixture->alice.port);
  g_assert_false (qtr_node_start (node, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_LISTEN);
  g_assert_nonnull (strstr (error->message, "in use"));
  g_clear_object (&node);
  qtr_test_remove_tree (other);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/node/server/webfinger", test_webfinger);
  ADD ("/node/server/webfinger/spellings", test_webfinger_spellings);
  ADD ("/node/server/host-meta", test_host_meta);
  ADD ("/node/server/nodeinfo", test_nodeinfo);
  ADD ("/node/server/actor", test_actor);
  ADD ("/node/server/actor/page", test_actor_page);
  ADD ("/node/server/not-found", test_not_found);
  ADD ("/node/server/locked", test_locked);
  ADD ("/node/server/init", test_init_twice);
  ADD ("/node/server/port-in-use", test_port_in_use);
#undef ADD

  return g_test_run ();
}
