/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-url.h"

static void
test_host_normalize (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "Example.ORG", "example.org" },
    { "example.org.", "example.org" },
    { "bücher.example", "xn--bcher-kva.example" },
    { "BÜCHER.example.", "xn--bcher-kva.example" },
    { "xn--bcher-kva.example", "xn--bcher-kva.example" },
    { "127.0.0.1", "127.0.0.1" },
    { "[::1]", "::1" },
    { "[2001:DB8:0:0::1]", "2001:db8::1" },
    { "localhost", "localhost" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = qtr_host_normalize (cases[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, cases[i].out);
    }
}

static void
test_host_invalid (void)
{
  static const char * const cases[] = {
    "", "exa mple.org", "-bad.example", "bad-.example", "a..b", "evil.example/path",
    "under_score.example", "[::1", "[zz::1]",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = qtr_host_normalize (cases[i], &error);

      g_assert_null (host);
      g_assert_error (error, QTR_URL_ERROR, QTR_URL_ERROR_INVALID_HOST);
    }
  g_assert_null (qtr_host_normalize (NULL, NULL));
  g_assert_null (qtr_host_normalize ("bad\xff.example", NULL));
}

static void
test_url_normalize (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "HTTPS://Example.ORG.:443/users/Alice", "https://example.org/users/Alice" },
    { "https://example.org", "https://example.org/" },
    { "http://example.org:80/a?b=C#main-key", "http://example.org/a?b=C#main-key" },
    { "https://example.org:8443/x", "https://example.org:8443/x" },
    { "https://bücher.example/@ana", "https://xn--bcher-kva.example/@ana" },
    { "https://[::1]:3000/inbox", "https://[::1]:3000/inbox" },
    { "https://example.org/a%2Fb", "https://example.org/a%2Fb" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = qtr_url_normalize (cases[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, cases[i].out);
    }
}

static void
test_url_invalid (void)
{
  static const struct { const char *in; int code; } cases[] = {
    { "/users/alice", QTR_URL_ERROR_INVALID },
    { "not a url", QTR_URL_ERROR_INVALID },
    { "javascript:alert(1)", QTR_URL_ERROR_UNSUPPORTED_SCHEME },
    { "ftp://example.org/", QTR_URL_ERROR_UNSUPPORTED_SCHEME },
    { "data:text/html,hi", QTR_URL_ERROR_UNSUPPORTED_SCHEME },
    { "https://user:pw@example.org/", QTR_URL_ERROR_INVALID },
    { "https://exa_mple.org/", QTR_URL_ERROR_INVALID_HOST },
    { "https:///nohost", QTR_URL_ERROR_INVALID_HOST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = qtr_url_normalize (cases[i].in, &error);

      g_assert_null (url);
      g_assert_error (error, QTR_URL_ERROR, cases[i].code);
    }
}

static void
test_url_same_host (void)
{
  g_autofree char *authority = qtr_url_get_authority ("https://Example.org.:8443/a");

  g_assert_cmpstr (authority, ==, "example.org:8443");
  g_assert_true (qtr_url_same_host ("https://EXAMPLE.org/users/a",
                                    "https://example.org.:443/objects/1"));
  g_assert_true (qtr_url_same_host ("https://bücher.example/a", "https://xn--bcher-kva.example/b"));
  g_assert_false (qtr_url_same_host ("https://example.org/a", "https://example.org:8443/a"));
  g_assert_false (qtr_url_same_host ("https://example.org/a", "https://example.org.evil.test/a"));
  g_assert_false (qtr_url_same_host ("https://example.org/a", "/relative"));
  g_assert_false (qtr_url_same_host (NULL, NULL));
}

static void
test_handle_parse (void)
{
  static const struct { const char *in; const char *user; const char *host; } cases[] = {
    { "@alice@example.org", "alice", "example.org" },
    { "alice@Example.ORG.", "alice", "example.org" },
    { "acct:Alice@example.org", "Alice", "example.org" },
    { "  @bob@bücher.example  ", "bob", "xn--bcher-kva.example" },
    { "@dev@localhost:3000", "dev", "localhost:3000" },
    { "@dev@example.org:443", "dev", "example.org" },
    { "@x_y.z-w@example.org", "x_y.z-w", "example.org" },
    { "@v6@[::1]:8080", "v6", "[::1]:8080" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QtrHandle) handle = qtr_handle_parse (cases[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (handle->user, ==, cases[i].user);
      g_assert_cmpstr (handle->host, ==, cases[i].host);
    }
}

static void
test_handle_invalid (void)
{
  static const char * const cases[] = {
    "", "@", "alice", "@alice", "@alice@", "@@example.org", "@a@b@example.org",
    "@al ice@example.org", "@alice@exa mple.org", "@alice@example.org:0",
    "@alice@example.org:99999", "@alice@example.org:http", "@<script>@example.org",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QtrHandle) handle = qtr_handle_parse (cases[i], &error);

      g_assert_null (handle);
      g_assert_nonnull (error);
      g_assert_true (error->domain == QTR_URL_ERROR);
    }
}

static void
test_handle_equal (void)
{
  g_autoptr(QtrHandle) a = qtr_handle_parse ("@Alice@Example.org", NULL);
  g_autoptr(QtrHandle) b = qtr_handle_parse ("acct:alice@example.org.", NULL);
  g_autoptr(QtrHandle) c = qtr_handle_parse ("@alice@example.net", NULL);
  g_autoptr(QtrHandle) copy = qtr_handle_copy (a);
  g_autofree char *text = qtr_handle_to_string (a);

  g_assert_true (qtr_handle_equal (a, b));
  g_assert_false (qtr_handle_equal (a, c));
  g_assert_true (qtr_handle_equal (a, copy));
  g_assert_cmpstr (text, ==, "Alice@example.org");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/url/host/normalize", test_host_normalize);
  g_test_add_func ("/core/url/host/invalid", test_host_invalid);
  g_test_add_func ("/core/url/normalize", test_url_normalize);
  g_test_add_func ("/core/url/invalid", test_url_invalid);
  g_test_add_func ("/core/url/same-host", test_url_same_host);
  g_test_add_func ("/core/url/handle/parse", test_handle_parse);
  g_test_add_func ("/core/url/handle/invalid", test_handle_invalid);
  g_test_add_func ("/core/url/handle/equal", test_handle_equal);

  return g_test_run ();
}
