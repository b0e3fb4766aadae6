/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "qtr-node-config.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("quitter-test-config-XXXXXX", NULL);
  fixture->path = g_build_filename (fixture->dir, "node.conf", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_remove (fixture->path);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
write_conf (Fixture    *fixture,
            const char *text)
{
  g_assert_true (g_file_set_contents (fixture->path, text, -1, NULL));
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNodeConfig) config = qtr_node_config_new ();
  g_autoptr(QtrNodeConfig) loaded = NULL;
  g_autofree char *host = NULL;
  struct stat st;

  g_assert_cmpstr (config->listen_address, ==, "127.0.0.1");
  g_assert_cmpuint (config->port, ==, QTR_NODE_CONFIG_DEFAULT_PORT);
  g_assert_false (config->allow_private_addresses);

  g_assert_true (qtr_node_config_set_base_url (config, "HTTPS://Social.Example.ORG.", &error));
  g_assert_no_error (error);
  config->username = g_strdup ("alice");
  config->manual_approval = TRUE;
  g_strfreev (config->blocked_domains);
  config->blocked_domains = g_strsplit ("Spam.Example;bücher.example", ";", -1);
  g_assert_true (qtr_node_config_validate (config, &error));
  g_assert_cmpstr (config->base_url, ==, "https://social.example.org");
  g_assert_cmpstr (config->blocked_domains[1], ==, "xn--bcher-kva.example");

  g_assert_true (qtr_node_config_save (config, fixture->path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  loaded = qtr_node_config_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->base_url, ==, "https://social.example.org");
  g_assert_cmpstr (loaded->username, ==, "alice");
  g_assert_true (loaded->manual_approval);
  g_assert_cmpuint (g_strv_length (loaded->blocked_domains), ==, 2);
  g_assert_true (qtr_node_config_is_blocked (loaded, "spam.example"));
  g_assert_true (qtr_node_config_is_blocked (loaded, "eggs.spam.example"));
  g_assert_false (qtr_node_config_is_blocked (loaded, "notspam.example"));
  g_assert_false (qtr_node_config_is_blocked (loaded, "example"));
  /* A domain is blocked on every port: the inbox passes host:port. */
  g_assert_true (qtr_node_config_is_blocked (loaded, "spam.example:8443"));
  g_assert_true (qtr_node_config_is_blocked (loaded, "eggs.spam.example:80"));
  g_assert_false (qtr_node_config_is_blocked (loaded, "notspam.example:8443"));

  host = qtr_node_config_get_host (loaded);
  g_assert_cmpstr (host, ==, "social.example.org");
}

static void
test_base_url_rules (Fixture       *fixture,
                     gconstpointer  data)
{
  static const struct { const char *url; gboolean ok; const char *normalized; } cases[] = {
    { "https://example.org", TRUE, "https://example.org" },
    { "https://example.org/", TRUE, "https://example.org" },
    { "https://example.org:8443", TRUE, "https://example.org:8443" },
    { "http://127.0.0.1:8008", TRUE, "http://127.0.0.1:8008" },
    { "http://localhost:3000/", TRUE, "http://localhost:3000" },
    { "http://[::1]:3000", TRUE, "http://[::1]:3000" },
    { "http://example.org", FALSE, NULL },
    { "http://192.168.1.2", FALSE, NULL },
    { "https://example.org/social", FALSE, NULL },
    { "https://example.org/?x=1", FALSE, NULL },
    { "ftp://example.org", FALSE, NULL },
    { "example.org", FALSE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(QtrNodeConfig) config = qtr_node_config_new ();
      g_autoptr(GError) error = NULL;
      gboolean ok = qtr_node_config_set_base_url (config, cases[i].url, &error);

      if (ok != cases[i].ok)
        g_error ("%s: expected %s (%s)", cases[i].url, cases[i].ok ? "ok" : "an error",
                 error ? error->message : "no error");
      if (ok)
        g_assert_cmpstr (config->base_url, ==, cases[i].normalized);
      else
        {
          g_assert_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, "base_url"));
        }
    }
}

static void
test_invalid_files (Fixture       *fixture,
                    gconstpointer  data)
{
  static const struct { const char *text; const char *word; } cases[] = {
    { "[node]\nusername=alice\n", "base_url is missing" },
    { "[node]\nbase_url=https://e.example\nusername=al ice\n", "username" },
    { "[node]\nbase_url=https://e.example\nusername=alice\nlisten=everywhere\n", "listen" },
    { "[node]\nbase_url=https://e.example\nusername=alice\nport=70000\n", "port" },
    { "[node]\nbase_url=https://e.example\nusername=alice\nport=eighty\n", "port" },
    { "[node]\nbase_url=https://e.example\nusername=alice\nmanual_approval=maybe\n",
      "manual_approval" },
    { "[node]\nbase_url=https://e.example\nusername=alice\nblocked_domains=bad host;\n",
      "blocked_domains" },
    { "[node]\nbase_url=https://e.example\nusername=alice\ntrusted_proxies=proxy.example;\n",
      "trusted_proxies" },
    { "this is not a key file\n", "cannot be read" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QtrNodeConfig) config = NULL;

      write_conf (fixture, cases[i].text);
      config = qtr_node_config_load (fixture->path, &error);
      g_assert_null (config);
      g_assert_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_INVALID);
      if (strstr (error->message, cases[i].word) == NULL)
        g_error ("case %u: “%s” lacks “%s”", i, error->message, cases[i].word);
      g_assert_nonnull (strstr (error->message, fixture->path));
    }
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNodeConfig) config = qtr_node_config_load (fixture->path, &error);

  g_assert_null (config);
  g_assert_error (error, QTR_NODE_CONFIG_ERROR, QTR_NODE_CONFIG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "quitter-node init"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/node/config/round-trip", test_round_trip);
  ADD ("/node/config/base-url", test_base_url_rules);
  ADD ("/node/config/invalid", test_invalid_files);
  ADD ("/node/config/missing", test_missing_file);
#undef ADD

  return g_test_run ();
}
