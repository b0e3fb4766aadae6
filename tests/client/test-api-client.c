/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-api-client.h"
#include "qtr-api-error.h"
#include "qtr-client-test.h"
#include "qtr-json.h"

/* QtrApiClient against a loopback server: headers sent, bodies, errors as servers send them,
 * deadlines, cancellation, paging and rate limits. */

typedef struct {
  QtrTestServer *server;
  QtrApiClient  *client;
  GPtrArray     *paused;  /* SoupServerMessage that are never answered */
  char          *last_authorization;
  char          *last_user_agent;
  char          *last_body;
  char          *last_content_type;
  char          *last_query;
  char          *last_idempotency_key;
} Fixture;

static void
record_request (Fixture           *fixture,
                SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  g_free (fixture->last_authorization);
  fixture->last_authorization = g_strdup (soup_message_headers_get_one (headers,
                                                                        "Authorization"));
  g_free (fixture->last_user_agent);
  fixture->last_user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));
  g_free (fixture->last_content_type);
  fixture->last_content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  g_free (fixture->last_body);
  fixture->last_body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_free (fixture->last_query);
  fixture->last_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (message)));
  g_free (fixture->last_idempotency_key);
  fixture->last_idempotency_key = g_strdup (soup_message_headers_get_one (headers,
                                                                          "Idempotency-Key"));
}

static void
echo_cb (SoupServer        *server,
         SoupServerMessage *message,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  record_request (user_data, message);
  qtr_test_reply_json (message, SOUP_STATUS_OK, "{\"ok\": true}");
}

static void
status_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  static const struct { const char *path; guint status; const char *body; } answers[] = {
    { "/status/401", 401, "{\"error\":\"The access token is invalid\"}" },
    { "/status/403", 403, "{\"error\":\"This action is not allowed\"}" },
    { "/status/404", 404, "{\"error\":\"Record not found\"}" },
    { "/status/422", 422, "{\"error\":\"Validation failed: Text character limit of 500 exceeded\"}" },
    { "/status/500", 500, "<html><body>We're sorry, but something went wrong</body></html>" },
    { "/status/503", 503, "<html><body>Down for maintenance</body></html>" },
    { "/status/200-garbage", 200, "<html>this is not JSON" },
    { "/status/200-deep", 200, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      if (!g_str_equal (path, answers[i].path))
        continue;
      if (answers[i].status == 503)
        soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                      "Retry-After", "30");
      if (answers[i].body == NULL)
        {
          GString *deep = g_string_new (NULL);

          for (int j = 0; j < 10000; j++)
            g_string_append_c (deep, '[');
          qtr_test_reply_json (message, answers[i].status, deep->str);
          g_string_free (deep, TRUE);
          return;
        }
      qtr_test_reply_json (message, answers[i].status, answers[i].body);
      return;
    }
  soup_server_message_set_status (message, 404, NULL);
}

static void
rate_limited_cb (SoupServer        *server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  soup_message_headers_replace (headers, "Retry-After", "120");
  soup_message_headers_replace (headers, "X-RateLimit-Limit", "300");
  soup_message_headers_replace (headers, "X-RateLimit-Remaining", "0");
  qtr_test_reply_json (message, 429, "{\"error\":\"Too many requests\"}");
}

static void
last_allowed_cb (SoupServer        *server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) reset = g_date_time_add_seconds (now, 300);
  g_autofree char *reset_text = g_date_time_format_iso8601 (reset);

  soup_message_headers_replace (headers, "X-RateLimit-Limit", "30");
  soup_message_headers_replace (headers, "X-RateLimit-Remaining", "0");
  soup_message_headers_replace (headers, "X-RateLimit-Reset", reset_text);
  qtr_test_reply_json (message, 200, "{\"id\": \"1\"}");
}

static void
never_answer_cb (SoupServer        *server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->paused, g_object_ref (message));
  soup_server_message_pause (message);
}

static void
timeline_cb (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autofree char *link = g_strdup_printf (
    "<%s/api/v1/timelines/home?max_id=109382&limit=2>; rel=\"next\", "
    "<%s/api/v1/timelines/home?min_id=109390&limit=2>; rel=\"prev\"",
    fixture->server->base, fixture->server->base);

  record_request (fixture, message);
  soup_message_headers_replace (headers, "Link", link);
  qtr_test_reply_json (message, 200, "[{\"id\":\"109390\"},{\"id\":\"109382\"}]");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = qtr_test_server_new ();
  fixture->paused = g_ptr_array_new_with_free_func (g_object_unref);
  qtr_test_server_add (fixture->server, "/echo", echo_cb, fixture);
  qtr_test_server_add (fixture->server, "/status", status_cb, fixture);
  qtr_test_server_add (fixture->server, "/api/v1/media", rate_limited_cb, fixture);
  qtr_test_server_add (fixture->server, "/api/v1/statuses", last_allowed_cb, fixture);
  qtr_test_server_add (fixture->server, "/never", never_answer_cb, fixture);
  qtr_test_server_add (fixture->server, "/api/v1/timelines/home", timeline_cb, fixture);

  fixture->client = qtr_api_client_new (fixture->server->base, "secret-token-123", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->client));
  for (guint i = 0; i < fixture->paused->len; i++)
    {
      soup_server_message_set_status (fixture->paused->pdata[i], 503, NULL);
      soup_server_message_unpause (fixture->paused->pdata[i]);
    }
  g_ptr_array_unref (fixture->paused);
  /* Lets the server see the connections close. */
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  qtr_test_server_free (fixture->server);
  g_free (fixture->last_authorization);
  g_free (fixture->last_idempotency_key);
  g_free (fixture->last_user_agent);
  g_free (fixture->last_body);
  g_free (fixture->last_content_type);
  g_free (fixture->last_query);
}

/* Sends a request and waits for it; returns the response, or NULL with @error set. */
static QtrApiResponse *
request (Fixture             *fixture,
         const char          *method,
         const char          *path,
         const char * const  *query,
         const char * const  *form,
         JsonNode            *json,
         GCancellable        *cancellable,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qtr_api_client_request_async (fixture->client, method, path, query, form, json, cancellable,
                                qtr_test_result_cb, &result);
  qtr_test_wait (&result);
  return qtr_api_client_request_finish (fixture->client, result, error);
}

static void
test_headers (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autofree char *user_agent = g_strdup_printf ("Quitter/%s (+%s)", PACKAGE_VERSION,
                                                 APP_WEBSITE);

  response = request (fixture, "GET", "/echo",
                      (const char *[]) { "q", "a b&c", "types[]", "mention",
                                         "types[]", "follow", NULL },
                      NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (qtr_json_get_bool (qtr_api_response_get_object (response, NULL), "ok", FALSE));
  g_assert_cmpstr (fixture->last_authorization, ==, "Bearer secret-token-123");
  g_assert_cmpstr (fixture->last_user_agent, ==, user_agent);
  g_assert_cmpstr (fixture->last_query, ==, "q=a%20b%26c&types[]=mention&types[]=follow");
}

static void
test_bodies (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) form = NULL;
  g_autoptr(QtrApiResponse) json = NULL;
  g_autoptr(QtrApiResponse) deleted = NULL;
  g_autoptr(JsonNode) body = json_from_string ("{\"status\":\"héllo\",\"visibility\":\"public\"}",
                                               NULL);

  form = request (fixture, "POST", "/echo", NULL,
                  (const char *[]) { "status", "héllo wörld", "media_ids[]", "1", NULL },
                  NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->last_content_type, ==, "application/x-www-form-urlencoded");
  g_assert_cmpstr (fixture->last_body, ==,
                   "status=h%C3%A9llo%20w%C3%B6rld&media_ids[]=1");

  json = request (fixture, "PATCH", "/echo", NULL, NULL, body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->last_content_type, ==, "application/json");
  g_assert_cmpstr (fixture->last_body, ==, "{\"status\":\"héllo\",\"visibility\":\"public\"}");

  deleted = request (fixture, "DELETE", "/echo", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "DELETE /echo"), ==, 1);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "PATCH /echo"), ==, 1);
}

/* The idempotency key of a post goes as its header; a form may also be PUT. */
static void
test_form_with_key (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  qtr_api_client_send_form_async (fixture->client, "POST", "/echo",
                                  (const char *[]) { "status", "once", NULL },
                                  "5c3d4e2a-0b1f-4a8e-9d6c-7f2e1a0b9c8d", NULL,
                                  qtr_test_result_cb, &result);
  response = qtr_api_client_request_finish (fixture->client, qtr_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->last_idempotency_key, ==, "5c3d4e2a-0b1f-4a8e-9d6c-7f2e1a0b9c8d");
  g_assert_cmpstr (fixture->last_body, ==, "status=once");
  g_clear_pointer (&response, qtr_api_response_free);
  g_clear_object (&result);

  qtr_api_client_send_form_async (fixture->client, "PUT", "/echo",
                                  (const char *[]) { "status", "edited", NULL }, NULL, NULL,
                                  qtr_test_result_cb, &result);
  response = qtr_api_client_request_finish (fixture->client, qtr_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_null (fixture->last_idempotency_key);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "PUT /echo"), ==, 1);
}

static void
upload_progress_cb (goffset  sent,
                    goffset  total,
                    gpointer user_data)
{
  goffset *seen = user_data;

  g_assert_cmpint (sent, <=, total);
  g_assert_cmpint (sent, >=, seen[0]);
  seen[0] = sent;
  seen[1] = total;
  seen[2]++;
}

/* A media upload: multipart, the file as its `file` part with its name and type, the other
 * fields beside it, and progress up to the whole body. */
static void
test_upload (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 512 * 1024;
  g_autofree char *content = g_strnfill (size, 'x');
  g_autoptr(GBytes) file = g_bytes_new_static (content, size);
  goffset seen[3] = { 0, 0, 0 };

  qtr_api_client_upload_async (fixture->client, "/echo",
                               (const char *[]) { "description", "A cat on a mat", NULL },
                               "cat.png", "image/png", file, upload_progress_cb, seen, NULL,
                               qtr_test_result_cb, &result);
  response = qtr_api_client_request_finish (fixture->client, qtr_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->last_content_type, ==, "multipart/form-data");
  g_assert_nonnull (strstr (fixture->last_body, "name=\"description\""));
  g_assert_nonnull (strstr (fixture->last_body, "A cat on a mat"));
  g_assert_nonnull (strstr (fixture->last_body, "name=\"file\"; filename=\"cat.png\""));
  g_assert_nonnull (strstr (fixture->last_body, "Content-Type: image/png"));
  g_assert_nonnull (strstr (fixture->last_body, content));
  /* Told more than once, and at the end the whole body. */
  g_assert_cmpint (seen[2], >, 1);
  g_assert_cmpint (seen[1], >, (goffset) size);
  g_assert_cmpint (seen[0], ==, seen[1]);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  static const struct { const char *path; int code; const char *message; } cases[] = {
    { "/status/401", QTR_API_ERROR_UNAUTHORIZED, "401 Unauthorized: The access token is invalid" },
    { "/status/403", QTR_API_ERROR_FORBIDDEN, "403 Forbidden: This action is not allowed" },
    { "/status/404", QTR_API_ERROR_NOT_FOUND, "404 Not Found: Record not found" },
    { "/status/422", QTR_API_ERROR_INVALID,
      "422 Unprocessable Entity: Validation failed: Text character limit of 500 exceeded" },
    { "/status/500", QTR_API_ERROR_SERVER, "500 Internal Server Error" },
    { "/status/503", QTR_API_ERROR_UNAVAILABLE, "503 Service Unavailable" },
    { "/status/200-garbage", QTR_API_ERROR_BAD_RESPONSE, NULL },
    { "/status/200-deep", QTR_API_ERROR_BAD_RESPONSE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QtrApiResponse) response = request (fixture, "GET", cases[i].path, NULL, NULL,
                                                    NULL, NULL, &error);

      g_assert_null (response);
      g_assert_error (error, QTR_API_ERROR, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      else
        g_assert_nonnull (strstr (error->message, "/status/200-"));
    }

  /* Only the 503 said when to come back. */
  g_assert_cmpint (qtr_api_client_get_retry_after (fixture->client, "/status/503"), >, 25);
  g_assert_cmpint (qtr_api_client_get_retry_after (fixture->client, "/status/500"), ==, 0);
}

static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiClient) closed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *base = NULL;

  /* A port that is bound but does not listen refuses connections. */
  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  base = g_strdup_printf ("http://127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  closed = qtr_api_client_new (base, NULL, &error);
  g_assert_no_error (error);
  qtr_api_client_get_async (closed, "/api/v1/instance", NULL, NULL, qtr_test_result_cb, &result);
  response = qtr_api_client_request_finish (closed, qtr_test_wait (&result), &error);
  g_assert_null (response);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_NETWORK);
  g_assert_true (qtr_api_error_is_transient (error));
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  gint64 start = g_get_monotonic_time ();

  qtr_api_client_set_timeout (fixture->client, 1);
  response = request (fixture, "GET", "/never", NULL, NULL, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "did not answer in time (1 s)"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (fixture->paused->len, ==, 1);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) early_error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(QtrApiResponse) early = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  g_timeout_add (200, cancel_cb, cancellable);
  response = request (fixture, "GET", "/never", NULL, NULL, NULL, cancellable, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_cancellable_cancel (cancelled);
  early = request (fixture, "GET", "/echo", NULL, NULL, NULL, cancelled, &early_error);
  g_assert_null (early);
  g_assert_error (early_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "GET /echo"), ==, 0);
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) first = NULL;
  g_autoptr(QtrApiResponse) older = NULL;
  JsonArray *statuses;

  first = request (fixture, "GET", "/api/v1/timelines/home",
                   (const char *[]) { "limit", "2", NULL }, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  statuses = qtr_api_response_get_array (first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (statuses), ==, 2);
  g_assert_nonnull (first->next);
  g_assert_nonnull (first->prev);
  g_assert_cmpstr (qtr_api_page_get_param (first->next, "max_id"), ==, "109382");
  g_assert_cmpstr (qtr_api_page_get_param (first->next, "limit"), ==, "2");
  g_assert_cmpstr (qtr_api_page_get_param (first->prev, "min_id"), ==, "109390");
  g_assert_null (qtr_api_page_get_param (first->prev, "max_id"));
  g_assert_null (qtr_api_response_get_object (first, NULL));

  /* Following the link as given sends the token along: it is the server's own origin. */
  g_clear_pointer (&fixture->last_authorization, g_free);
  older = request (fixture, "GET", first->next->url,
                   (const char *[]) { "only_media", "true", NULL }, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->last_query, ==, "max_id=109382&limit=2&only_media=true");
  g_assert_cmpstr (fixture->last_authorization, ==, "Bearer secret-token-123");
}

static void
test_link_header (void)
{
  g_autoptr(QtrApiPage) next = NULL;
  g_autoptr(QtrApiPage) prev = NULL;
  g_autoptr(QtrApiPage) only_next = NULL;
  g_autoptr(QtrApiPage) none = NULL;

  /* Akkoma-style: relative order reversed, extra parameters, other names. */
  g_assert_true (qtr_api_parse_link_header (
    "<https://akkoma.example/api/v1/notifications?min_id=AbC&offset=0>; rel=\"prev\"; "
    "title=\"newer\", <https://akkoma.example/api/v1/notifications?max_id=AaZ&offset=20>; "
    "rel=next",
    "https://akkoma.example/api/v1/notifications", &next, &prev));
  g_assert_cmpstr (next->url, ==,
                   "https://akkoma.example/api/v1/notifications?max_id=AaZ&offset=20");
  g_assert_cmpstr (qtr_api_page_get_param (next, "max_id"), ==, "AaZ");
  g_assert_cmpstr (qtr_api_page_get_param (next, "offset"), ==, "20");
  g_assert_cmpstr (qtr_api_page_get_param (prev, "min_id"), ==, "AbC");

  /* A relative link, and a rel with two names. */
  g_assert_true (qtr_api_parse_link_header ("</api/v1/blocks?page=3>; rel=\"next last\"",
                                            "https://snac.example/api/v1/blocks?page=2",
                                            &only_next, &none));
  g_assert_null (none);
  g_assert_cmpstr (only_next->url, ==, "https://snac.example/api/v1/blocks?page=3");
  g_assert_cmpstr (qtr_api_page_get_param (only_next, "page"), ==, "3");

  g_assert_false (qtr_api_parse_link_header ("https://x.example/; rel=next",
                                             "https://x.example/", NULL, NULL));
  g_assert_false (qtr_api_parse_link_header ("<https://x.example/>; rel=\"next",
                                             "https://x.example/", NULL, NULL));
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) held_error = NULL;
  g_autoptr(GError) other_error = NULL;
  g_autoptr(GError) last_error = NULL;
  g_autoptr(QtrApiResponse) limited = NULL;
  g_autoptr(QtrApiResponse) held = NULL;
  g_autoptr(QtrApiResponse) other = NULL;
  g_autoptr(QtrApiResponse) last = NULL;
  g_autoptr(QtrApiResponse) after_last = NULL;

  limited = request (fixture, "POST", "/api/v1/media", NULL, NULL, NULL, NULL, &error);
  g_assert_null (limited);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_RATE_LIMITED);
  g_assert_cmpstr (error->message, ==,
                   "429 Too Many Requests: Too many requests (try again in 120 seconds)");
  g_assert_cmpint (qtr_api_client_get_retry_after (fixture->client, "/api/v1/media"), >, 110);

  /* Held: the next upload fails at once, without reaching the server… */
  held = request (fixture, "POST", "/api/v1/media", NULL, NULL, NULL, NULL, &held_error);
  g_assert_error (held_error, QTR_API_ERROR, QTR_API_ERROR_RATE_LIMITED);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "POST /api/v1/media"), ==, 1);

  /* …while other paths go on. */
  other = request (fixture, "GET", "/echo", NULL, NULL, NULL, NULL, &other_error);
  g_assert_no_error (other_error);

  /* The last allowed request of a window holds the path until X-RateLimit-Reset. */
  last = request (fixture, "POST", "/api/v1/statuses", NULL, NULL, NULL, NULL, &last_error);
  g_assert_no_error (last_error);
  g_assert_cmpint (last->rate_limit, ==, 30);
  g_assert_cmpint (last->rate_remaining, ==, 0);
  g_assert_nonnull (last->rate_reset);
  g_clear_error (&last_error);
  after_last = request (fixture, "POST", "/api/v1/statuses", NULL, NULL, NULL, NULL,
                        &last_error);
  g_assert_null (after_last);
  g_assert_error (last_error, QTR_API_ERROR, QTR_API_ERROR_RATE_LIMITED);
  g_assert_cmpuint (qtr_test_server_count (fixture->server, "POST /api/v1/statuses"), ==, 1);
  g_assert_cmpint (qtr_api_client_get_retry_after (fixture->client, "/api/v1/statuses"), >, 290);
}

static void
test_token_stays_home (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(QtrTestServer) elsewhere = qtr_test_server_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autofree char *url = g_strconcat (elsewhere->base, "/echo", NULL);
  g_autoptr(QtrApiClient) bad = NULL;

  qtr_test_server_add (elsewhere, "/echo", echo_cb, fixture);
  response = request (fixture, "GET", url, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (fixture->last_authorization);

  bad = qtr_api_client_new ("mastodon.example", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  qtr_client_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/client/api-client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("headers", test_headers);
  ADD ("bodies", test_bodies);
  ADD ("form-with-key", test_form_with_key);
  ADD ("upload", test_upload);
  ADD ("errors", test_errors);
  ADD ("unreachable", test_unreachable);
  ADD ("timeout", test_timeout);
  ADD ("cancel", test_cancel);
  ADD ("paging", test_paging);
  ADD ("rate-limit", test_rate_limit);
  ADD ("token-stays-home", test_token_stays_home);
#undef ADD
  g_test_add_func ("/client/api-client/link-header", test_link_header);

  return g_test_run ();
}
