/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-api-client.h"
#include "qtr-api-error.h"
#include "qtr-client-test.h"
#include "qtr-server-info.h"

#include <string.h>

/* Server discovery against loopback servers shaped like Mastodon, GoToSocial, Akkoma and snac. */

typedef struct {
  const char        *flavour;
  const char        *domain;
  const char        *account_domain;
  const char        *title;
  const char        *software_name;
  const char        *software_version;
  const char        *api_version;
  guint              max_characters;
  guint              characters_per_url;
  guint              max_media;
  const char        *streaming_url;
  const char        *first_language;
  QtrServerFeatures  features;
  gboolean           asks_v1;
} Expected;

static const Expected mastodon = {
  "mastodon", "mastodon.example", "mastodon.example", "Mastodon Example", "mastodon", "4.3.0", "4.3.0", 500, 23, 4,
  "wss://mastodon.example", "en",
  QTR_SERVER_FEATURE_V2_INSTANCE | QTR_SERVER_FEATURE_STREAMING | QTR_SERVER_FEATURE_MARKERS |
  QTR_SERVER_FEATURE_V2_SEARCH | QTR_SERVER_FEATURE_TRANSLATION,
  FALSE,
};

static const Expected gotosocial = {
  "gotosocial", "gts.example", "example", "GoToSocial Example", "gotosocial", "0.17.3+git-8c7d1a2",
  "0.17.3+git-8c7d1a2", 5000, 25, 6, "wss://gts.example", NULL,
  QTR_SERVER_FEATURE_V2_INSTANCE | QTR_SERVER_FEATURE_STREAMING | QTR_SERVER_FEATURE_MARKERS |
  QTR_SERVER_FEATURE_V2_SEARCH,
  FALSE,
};

static const Expected akkoma = {
  "akkoma", "akkoma.example", "akkoma.example", "Akkoma Example", "akkoma", "3.13.2", "2.7.2", 5000, 23, 1000,
  "wss://akkoma.example", "en",
  QTR_SERVER_FEATURE_STREAMING | QTR_SERVER_FEATURE_MARKERS | QTR_SERVER_FEATURE_V2_SEARCH,
  TRUE,
};

/* No NodeInfo: the software comes from the "(compatible; …)" part of the version. */
static const Expected snac = {
  "snac", "snac.example", "snac.example", "snac.example", "snac", "2.63", "4.3.0", 500, 23, 4,
  NULL, NULL,
  QTR_SERVER_FEATURE_V2_SEARCH,
  TRUE,
};

static void
test_flavour (gconstpointer data)
{
  const Expected *expected = data;
  g_autoptr(QtrTestServer) server = qtr_test_server_new ();
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *languages;

  qtr_test_server_serve_flavour (server, expected->flavour);
  client = qtr_api_client_new (server->base, NULL, &error);
  g_assert_no_error (error);

  qtr_server_info_discover_async (client, NULL, qtr_test_result_cb, &result);
  info = qtr_server_info_discover_finish (qtr_test_wait (&result), &error);
  g_assert_no_error (error);

  g_assert_cmpstr (qtr_server_info_get_domain (info), ==, expected->domain);
  g_assert_cmpstr (qtr_server_info_get_account_domain (info), ==, expected->account_domain);
  g_assert_cmpstr (qtr_server_info_get_title (info), ==, expected->title);
  g_assert_cmpstr (qtr_server_info_get_software_name (info), ==, expected->software_name);
  g_assert_cmpstr (qtr_server_info_get_software_version (info), ==, expected->software_version);
  g_assert_cmpstr (qtr_server_info_get_api_version (info), ==, expected->api_version);
  g_assert_cmpuint (qtr_server_info_get_max_characters (info), ==, expected->max_characters);
  g_assert_cmpuint (qtr_server_info_get_characters_per_url (info), ==,
                    expected->characters_per_url);
  g_assert_cmpuint (qtr_server_info_get_max_media_attachments (info), ==, expected->max_media);
  g_assert_cmpstr (qtr_server_info_get_streaming_url (info), ==, expected->streaming_url);
  languages = qtr_server_info_get_languages (info);
  g_assert_nonnull (languages);
  g_assert_cmpstr (languages[0], ==, expected->first_language);
  g_assert_cmphex (qtr_server_info_get_features (info), ==, expected->features);
  g_assert_cmpint (qtr_server_info_has_feature (info, QTR_SERVER_FEATURE_STREAMING), ==,
                   expected->streaming_url != NULL);

  g_assert_cmpuint (qtr_test_server_count (server, "GET /api/v2/instance"), ==, 1);
  g_assert_cmpuint (qtr_test_server_count (server, "GET /api/v1/instance"), ==,
                    expected->asks_v1 ? 1 : 0);
  g_assert_cmpuint (qtr_test_server_count (server, "GET /.well-known/nodeinfo"), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&info));
}

static void
test_not_mastodon_api (void)
{
  g_autoptr(QtrTestServer) server = qtr_test_server_new ();
  g_autoptr(QtrApiClient) client = qtr_api_client_new (server->base, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* A web server that is not a fediverse server: 404 everywhere. */
  qtr_server_info_discover_async (client, NULL, qtr_test_result_cb, &result);
  info = qtr_server_info_discover_finish (qtr_test_wait (&result), &error);
  g_assert_null (info);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, server->base));
  g_assert_nonnull (strstr (error->message, "does not seem to speak the Mastodon client API"));
}

static void
test_version_strings (void)
{
  static const struct { const char *version; const char *name; const char *own; } cases[] = {
    { "4.3.0 (compatible; GoToSocial 0.17)", "gotosocial", "0.17" },
    { "2.7.2 (compatible; Akkoma 3.13.2)", "akkoma", "3.13.2" },
    { "2.7.2 (compatible; Pleroma 2.6.3-develop)", "pleroma", "2.6.3-develop" },
    { "3.0.0 (compatible; Iceshrimp)", "iceshrimp", NULL },
    { "4.3.0", NULL, NULL },
    { "4.2.10+glitch", NULL, NULL },
    { "1.0 (compatible;)", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *own = NULL;

      g_assert_cmpint (qtr_parse_software_version (cases[i].version, &name, &own), ==,
                       cases[i].name != NULL);
      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_cmpstr (own, ==, cases[i].own);
    }
}

static void
test_older_mastodon (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (
    "{\"uri\":\"old.example\",\"title\":\"\",\"version\":\"2.9.3\",\"urls\":{}}", &error);
  g_autoptr(QtrServerInfo) info = NULL;

  g_assert_no_error (error);
  info = qtr_server_info_new_from_instance (json_node_get_object (node), FALSE,
                                            "https://old.example", &error);
  g_assert_no_error (error);
  qtr_server_info_set_software (info, "Mastodon", "2.9.3");
  g_assert_cmpstr (qtr_server_info_get_title (info), ==, "old.example");
  g_assert_cmpstr (qtr_server_info_get_software_name (info), ==, "mastodon");
  /* Markers came with 3.0; v2 search with 2.4.1. */
  g_assert_false (qtr_server_info_has_feature (info, QTR_SERVER_FEATURE_MARKERS));
  g_assert_true (qtr_server_info_has_feature (info, QTR_SERVER_FEATURE_V2_SEARCH));
  g_assert_cmpuint (qtr_server_info_get_max_characters (info), ==, 500);
}

static void
test_server_url (void)
{
  static const struct { const char *input; const char *url; } cases[] = {
    { "mastodon.example", "https://mastodon.example" },
    { "  Mastodon.Example.  ", "https://mastodon.example" },
    { "@alice@mastodon.example", "https://mastodon.example" },
    { "alice@gts.example:8443", "https://gts.example:8443" },
    { "https://akkoma.example/about/more?x=1", "https://akkoma.example" },
    { "https://akkoma.example:443/", "https://akkoma.example" },
    { "http://plain.example", "http://plain.example" },
    { "127.0.0.1:8787", "http://127.0.0.1:8787" },
    { "@me@127.0.0.1:8787", "http://127.0.0.1:8787" },
    { "localhost:3000", "http://localhost:3000" },
    { "", NULL },
    { "@alice", NULL },
    { "mastodon.example/@alice", NULL },
    { "ftp://files.example", NULL },
    { "bad host.example", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = qtr_server_url_for_input (cases[i].input, &error);

      g_assert_cmpstr (url, ==, cases[i].url);
      if (cases[i].url == NULL)
        g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_FAILED);
    }
}

int
main (int   argc,
      char *argv[])
{
  qtr_client_test_init (&argc, &argv);

  g_test_add_data_func ("/client/discovery/mastodon", &mastodon, test_flavour);
  g_test_add_data_func ("/client/discovery/gotosocial", &gotosocial, test_flavour);
  g_test_add_data_func ("/client/discovery/akkoma", &akkoma, test_flavour);
  g_test_add_data_func ("/client/discovery/snac", &snac, test_flavour);
  g_test_add_func ("/client/discovery/not-mastodon-api", test_not_mastodon_api);
  g_test_add_func ("/client/discovery/version-strings", test_version_strings);
  g_test_add_func ("/client/discovery/older-mastodon", test_older_mastodon);
  g_test_add_func ("/client/discovery/server-url", test_server_url);

  return g_test_run ();
}
