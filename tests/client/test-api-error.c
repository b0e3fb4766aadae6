/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-api-error.h"

#include <gio/gio.h>

#include <string.h>

static GError *
error_from (guint       status,
            const char *body)
{
  g_autoptr(GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;
  GError *error = NULL;

  qtr_api_error_set_from_response (&error, status, bytes);
  g_assert_nonnull (error);
  return error;
}

static void
test_statuses (void)
{
  static const struct { guint status; int code; gboolean transient; } cases[] = {
    { 400, QTR_API_ERROR_BAD_REQUEST, FALSE },
    { 401, QTR_API_ERROR_UNAUTHORIZED, FALSE },
    { 403, QTR_API_ERROR_FORBIDDEN, FALSE },
    { 404, QTR_API_ERROR_NOT_FOUND, FALSE },
    { 410, QTR_API_ERROR_NOT_FOUND, FALSE },
    { 422, QTR_API_ERROR_INVALID, FALSE },
    { 429, QTR_API_ERROR_RATE_LIMITED, TRUE },
    { 500, QTR_API_ERROR_SERVER, TRUE },
    { 502, QTR_API_ERROR_UNAVAILABLE, TRUE },
    { 503, QTR_API_ERROR_UNAVAILABLE, TRUE },
    { 504, QTR_API_ERROR_UNAVAILABLE, TRUE },
    { 418, QTR_API_ERROR_FAILED, FALSE },
    { 200, QTR_API_ERROR_BAD_RESPONSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = error_from (cases[i].status, NULL);

      g_assert_error (error, QTR_API_ERROR, cases[i].code);
      g_assert_cmpint (qtr_api_error_is_transient (error), ==, cases[i].transient);
    }
}

static void
test_transport_errors (void)
{
  g_autoptr(GError) network = g_error_new_literal (QTR_API_ERROR, QTR_API_ERROR_NETWORK, "x");
  g_autoptr(GError) timed_out = g_error_new_literal (QTR_API_ERROR, QTR_API_ERROR_TIMED_OUT, "x");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");

  g_assert_true (qtr_api_error_is_transient (network));
  g_assert_true (qtr_api_error_is_transient (timed_out));
  g_assert_false (qtr_api_error_is_transient (cancelled));
}

static void
test_messages (void)
{
  g_autoptr(GError) mastodon = error_from (422, "{\"error\":\"Validation failed: Text character limit of 500 exceeded\"}");
  g_autoptr(GError) oauth = error_from (401, "{\"error\":\"invalid_token\",\"error_description\":\"The access token was revoked\"}");
  g_autoptr(GError) html = error_from (502, "<html><body>Bad Gateway</body></html>");
  g_autoptr(GError) not_object = error_from (400, "[\"error\"]");
  g_autoptr(GError) bad_utf8 = error_from (400, "{\"error\":\"\\udc00\"}");

  g_assert_cmpstr (mastodon->message, ==,
                   "422 Unprocessable Entity: Validation failed: Text character limit of 500 exceeded");
  g_assert_cmpstr (oauth->message, ==,
                   "401 Unauthorized: invalid_token: The access token was revoked");
  g_assert_cmpstr (html->message, ==, "502 Bad Gateway");
  g_assert_cmpstr (not_object->message, ==, "400 Bad Request");
  g_assert_true (g_utf8_validate (bad_utf8->message, -1, NULL));
}

static void
test_long_message (void)
{
  GString *body = g_string_new ("{\"error\":\"");
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 10000; i++)
    g_string_append (body, "é");
  g_string_append (body, "\"}");
  error = error_from (400, body->str);
  g_string_free (body, TRUE);

  g_assert_cmpint (g_utf8_strlen (error->message, -1), <, 600);
  g_assert_true (g_str_has_suffix (error->message, "…"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/api-error/statuses", test_statuses);
  g_test_add_func ("/client/api-error/messages", test_messages);
  g_test_add_func ("/client/api-error/transport", test_transport_errors);
  g_test_add_func ("/client/api-error/long-message", test_long_message);

  return g_test_run ();
}
