/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-api-client.h"

#include <string.h>

#include <libsoup/soup.h>

#include "qtr-api-error.h"
#include "qtr-json.h"

/* QtrApiClient: every request the app sends to a Mastodon-API server goes through here, over one
 * SoupSession per server. A request has a deadline (the timeout property) that runs from its
 * start to the end of its body, and follows the caller's GCancellable; bodies are read in chunks
 * up to a cap and parsed with core's bounded JSON parser.
 *
 * The token goes only to the server's own origin: a `Link` or NodeInfo URL on another host is
 * fetched without it, and a request carrying the token does not follow redirects (libsoup would
 * send the header on to wherever the redirect points).
 *
 * Rate limits: a 429 holds further requests to the same path until its Retry-After (or
 * X-RateLimit-Reset) has passed, and so do a 503 with a Retry-After and an answer whose
 * X-RateLimit-Remaining is 0; held
 * requests fail at once with QTR_API_ERROR_RATE_LIMITED instead of hammering the server. The
 * hold is per path because Mastodon limits some endpoints (media uploads, deletions) apart from
 * the rest: running out of uploads must not stop the timeline from loading. */

#define READ_CHUNK_SIZE 16384
/* Of an error answer we keep this much: enough for `{"error": …}`. */
#define ERROR_BODY_MAX_SIZE (64 * 1024)
/* A server that asks us to wait longer than this is taken as asking for this. */
#define MAX_HOLD_SECONDS 3600

struct _QtrApiClient
{
  GObject      parent_instance;

  char        *base_url;  /* without a trailing slash */
  GUri        *base_uri;
  char        *token;     /* nullable */
  guint        timeout_seconds;
  SoupSession *session;
  GHashTable  *holds;     /* path → gint64 real time (µs) before which requests are held */
};

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrApiClient, qtr_api_client, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (QtrApiPage, qtr_api_page, qtr_api_page_copy, qtr_api_page_free)

static QtrApiResponse *qtr_api_response_copy (QtrApiResponse *response);

G_DEFINE_BOXED_TYPE (QtrApiResponse, qtr_api_response, qtr_api_response_copy,
                     qtr_api_response_free)

/**
 * qtr_api_page_copy:
 *
 * Returns: (transfer full): a copy of @page
 */
QtrApiPage *
qtr_api_page_copy (const QtrApiPage *page)
{
  QtrApiPage *copy = g_new0 (QtrApiPage, 1);
  GHashTableIter iter;
  gpointer key, value;

  copy->url = g_strdup (page->url);
  copy->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, page->params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->params, g_strdup (key), g_strdup (value));
  return copy;
}

void
qtr_api_page_free (QtrApiPage *page)
{
  if (page == NULL)
    return;
  g_free (page->url);
  g_clear_pointer (&page->params, g_hash_table_unref);
  g_free (page);
}

/**
 * qtr_api_page_get_param:
 * @name: a query parameter, such as `max_id` or `min_id`
 *
 * Returns: (nullable): its value in the page's URL
 */
const char *
qtr_api_page_get_param (const QtrApiPage *page,
                        const char       *name)
{
  g_return_val_if_fail (page != NULL, NULL);

  return g_hash_table_lookup (page->params, name);
}

static QtrApiResponse *
qtr_api_response_copy (QtrApiResponse *response)
{
  QtrApiResponse *copy = g_new0 (QtrApiResponse, 1);

  copy->status = response->status;
  copy->root = response->root ? json_node_ref (response->root) : NULL;
  copy->next = response->next ? qtr_api_page_copy (response->next) : NULL;
  copy->prev = response->prev ? qtr_api_page_copy (response->prev) : NULL;
  copy->rate_limit = response->rate_limit;
  copy->rate_remaining = response->rate_remaining;
  copy->rate_reset = response->rate_reset ? g_date_time_ref (response->rate_reset) : NULL;
  return copy;
}

void
qtr_api_response_free (QtrApiResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->root, json_node_unref);
  g_clear_pointer (&response->next, qtr_api_page_free);
  g_clear_pointer (&response->prev, qtr_api_page_free);
  g_clear_pointer (&response->rate_reset, g_date_time_unref);
  g_free (response);
}

/**
 * qtr_api_response_get_object:
 *
 * Returns: (transfer none) (nullable): the answer as a JSON object; %NULL with
 *   %QTR_API_ERROR_BAD_RESPONSE when it is something else
 */
JsonObject *
qtr_api_response_get_object (QtrApiResponse  *response,
                             GError         **error)
{
  if (response->root == NULL || !JSON_NODE_HOLDS_OBJECT (response->root))
    {
      g_set_error_literal (error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                           "The server answered with something other than a JSON object");
      return NULL;
    }
  return json_node_get_object (response->root);
}

/**
 * qtr_api_response_get_array:
 *
 * Returns: (transfer none) (nullable): the answer as a JSON array; %NULL with
 *   %QTR_API_ERROR_BAD_RESPONSE when it is something else
 */
JsonArray *
qtr_api_response_get_array (QtrApiResponse  *response,
                            GError         **error)
{
  if (response->root == NULL || !JSON_NODE_HOLDS_ARRAY (response->root))
    {
      g_set_error_literal (error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                           "The server answered with something other than a JSON array");
      return NULL;
    }
  return json_node_get_array (response->root);
}

static QtrApiPage *
page_new (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  QtrApiPage *page;

  if (uri == NULL)
    return NULL;
  page = g_new0 (QtrApiPage, 1);
  page->url = g_strdup (url);
  if (g_uri_get_query (uri) != NULL)
    page->params = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                       G_URI_PARAMS_WWW_FORM, NULL);
  if (page->params == NULL)
    page->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return page;
}

static gboolean
rel_names (const char *rel_value,
           const char *name)
{
  g_auto(GStrv) names = g_strsplit_set (rel_value, " \t", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (names[i], name) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * qtr_api_parse_link_header:
 * @value: a `Link` header (RFC 8288), such as Mastodon's
 *   `<https://example.org/api/v1/timelines/home?max_id=10>; rel="next", <…?min_id=20>; rel="prev"`
 * @base_url: what relative links are resolved against
 * @next: (out) (optional) (nullable): the `rel="next"` page
 * @prev: (out) (optional) (nullable): the `rel="prev"` page
 *
 * Reads the pages a server links to. Parameters are kept whatever their names: Mastodon pages
 * with max_id and min_id, but some endpoints and servers use since_id, offset or page.
 *
 * Returns: %TRUE when the header could be read (it may link to neither page)
 */
gboolean
qtr_api_parse_link_header (const char  *value,
                           const char  *base_url,
                           QtrApiPage **next,
                           QtrApiPage **prev)
{
  g_autoptr(QtrApiPage) found_next = NULL;
  g_autoptr(QtrApiPage) found_prev = NULL;
  const char *p = value;

  while (p != NULL && *p != '\0')
    {
      g_autofree char *target = NULL;
      g_autofree char *rel = NULL;
      g_autofree char *absolute = NULL;
      const char *end;

      while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
      if (*p == '\0')
        break;
      if (*p != '<' || (end = strchr (p, '>')) == NULL)
        return FALSE;
      target = g_strndup (p + 1, end - p - 1);
      p = end + 1;

      /* Parameters up to the next link: `; name=value` or `; name="value"`. */
      while (TRUE)
        {
          g_autofree char *name = NULL;
          g_autofree char *param = NULL;
          const char *start;

          while (*p == ' ' || *p == '\t')
            p++;
          if (*p != ';')
            break;
          p++;
          while (*p == ' ' || *p == '\t')
            p++;
          start = p;
          while (*p != '\0' && *p != '=' && *p != ';' && *p != ',')
            p++;
          name = g_strstrip (g_strndup (start, p - start));
          if (*p != '=')
            continue;
          p++;
          while (*p == ' ' || *p == '\t')
            p++;
          if (*p == '"')
            {
              start = ++p;
              while (*p != '\0' && *p != '"')
                p++;
              if (*p != '"')
                return FALSE;
              param = g_strndup (start, p - start);
              p++;
            }
          else
            {
              start = p;
              while (*p != '\0' && *p != ';' && *p != ',')
                p++;
              param = g_strstrip (g_strndup (start, p - start));
            }
          if (g_ascii_strcasecmp (name, "rel") == 0 && rel == NULL)
            rel = g_steal_pointer (&param);
        }
      if (*p != '\0' && *p != ',')
        return FALSE;

      if (rel == NULL)
        continue;
      absolute = g_uri_resolve_relative (base_url, target, G_URI_FLAGS_ENCODED, NULL);
      if (absolute == NULL)
        continue;
      if (rel_names (rel, "next") && found_next == NULL)
        found_next = page_new (absolute);
      if ((rel_names (rel, "prev") || rel_names (rel, "previous")) && found_prev == NULL)
        found_prev = page_new (absolute);
    }

  if (next != NULL)
    *next = g_steal_pointer (&found_next);
  if (prev != NULL)
    *prev = g_steal_pointer (&found_prev);
  return TRUE;
}

/* One request. The task's cancellable is the caller's; ours is cancelled by the caller's (from
 * a GCancellableSource, so never inside the caller's g_cancellable_cancel()) and by the
 * deadline. */
typedef struct {
  char         *method;
  char         *url;
  char         *hold_key;   /* the URL's path */
  GBytes       *body;       /* nullable */
  char         *content_type;
  gboolean      with_token;

  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *buffer;
  gsize         body_limit;

  GCancellable *cancellable;
  GSource      *caller_cancelled_source;
  GSource      *timeout_source;
  gboolean      timed_out;

  QtrApiProgressFunc progress;
  gpointer           progress_data;
  goffset            body_sent;
  gulong             wrote_handler;
} Request;

static void
destroy_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
request_stop (Request *request)
{
  destroy_source (&request->timeout_source);
  destroy_source (&request->caller_cancelled_source);
  if (request->stream != NULL)
    {
      g_autoptr(GCancellable) cancelled = g_cancellable_new ();

      /* A cancelled close drops the connection instead of reading the rest of the body. */
      g_cancellable_cancel (cancelled);
      g_input_stream_close (request->stream, cancelled, NULL);
      g_clear_object (&request->stream);
    }
}

static void
request_free (Request *request)
{
  request_stop (request);
  g_free (request->method);
  g_free (request->url);
  g_free (request->hold_key);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->content_type);
  if (request->message != NULL)
    g_clear_signal_handler (&request->wrote_handler, request->message);
  g_clear_object (&request->message);
  g_clear_pointer (&request->buffer, g_byte_array_unref);
  g_clear_object (&request->cancellable);
  g_free (request);
}

static char *
describe_host (QtrApiClient *self,
               const char   *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (self->base_url);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

/* Why a request that failed with @error failed; takes @error. */
static GError *
explain_failure (GTask  *task,
                 GError *error)
{
  QtrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) cause = error;
  g_autofree char *host = describe_host (self, request->url);
  GCancellable *caller = g_task_get_cancellable (task);

  if (request->timed_out)
    return g_error_new (QTR_API_ERROR, QTR_API_ERROR_TIMED_OUT,
                        "%s did not answer in time (%u s)", host, self->timeout_seconds);
  if ((caller != NULL && g_cancellable_is_cancelled (caller)) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The request was cancelled");
  return g_error_new (QTR_API_ERROR, QTR_API_ERROR_NETWORK, "Could not reach %s: %s",
                      host, cause->message);
}

static void
request_fail (GTask  *task,
              GError *error)
{
  request_stop (g_task_get_task_data (task));
  g_task_return_error (task, error);
}

/* Parses `X-RateLimit-Reset`: an ISO 8601 time (Mastodon), or seconds since the epoch. */
static GDateTime *
parse_reset (const char *value)
{
  gint64 seconds;

  if (value == NULL)
    return NULL;
  if (g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &seconds, NULL))
    return g_date_time_new_from_unix_utc (seconds);
  return g_date_time_new_from_iso8601 (value, NULL);
}

/* Seconds to wait from `Retry-After`: a number of seconds or an HTTP date; -1 without one. */
static gint64
parse_retry_after (const char *value)
{
  g_autoptr(GDateTime) date = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &seconds, NULL))
    return (gint64) MIN (seconds, MAX_HOLD_SECONDS);
  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;
  return CLAMP (g_date_time_to_unix (date) - g_get_real_time () / G_USEC_PER_SEC, 0,
                MAX_HOLD_SECONDS);
}

static gint64
read_int_header (SoupMessageHeaders *headers,
                 const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);
  gint64 number;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &number, NULL))
    return -1;
  return number;
}

static void
hold (QtrApiClient *self,
      const char   *key,
      gint64        seconds)
{
  seconds = CLAMP (seconds, 0, MAX_HOLD_SECONDS);
  if (seconds == 0)
    return;
  g_hash_table_insert (self->holds, g_strdup (key),
                       g_memdup2 (&(gint64) { g_get_real_time () + seconds * G_USEC_PER_SEC },
                                  sizeof (gint64)));
}

static gint64
seconds_until (GDateTime *time)
{
  if (time == NULL)
    return -1;
  return g_date_time_to_unix (time) - g_get_real_time () / G_USEC_PER_SEC;
}

static void
finish_request (GTask *task)
{
  QtrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (request->message);
  guint status = soup_message_get_status (request->message);
  g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&request->buffer));
  g_autoptr(QtrApiResponse) response = g_new0 (QtrApiResponse, 1);
  const char *link;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  request_stop (request);

  response->status = status;
  response->rate_limit = read_int_header (headers, "X-RateLimit-Limit");
  response->rate_remaining = read_int_header (headers, "X-RateLimit-Remaining");
  response->rate_reset = parse_reset (soup_message_headers_get_one (headers,
                                                                    "X-RateLimit-Reset"));

  if (status == 429)
    {
      GError *error = NULL;
      gint64 wait = parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"));

      if (wait < 0)
        wait = seconds_until (response->rate_reset);
      if (wait < 0)
        wait = 60;
      hold (self, request->hold_key, wait);
      qtr_api_error_set_from_response (&error, status, body);
      g_task_return_new_error (task, error->domain, error->code,
                               "%s (try again in %" G_GINT64_FORMAT " seconds)",
                               error->message, wait);
      g_error_free (error);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      GError *error = NULL;
      gint64 wait = parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"));

      /* A server down for maintenance may say when to come back. */
      if (status == SOUP_STATUS_SERVICE_UNAVAILABLE && wait > 0)
        hold (self, request->hold_key, wait);
      qtr_api_error_set_from_response (&error, status, body);
      g_task_return_error (task, error);
      return;
    }

  if (response->rate_remaining == 0)
    hold (self, request->hold_key, seconds_until (response->rate_reset));

  /* An empty answer (204, or a 200 without a body) is a success with nothing in it. */
  while (length > 0 && g_ascii_isspace (*data))
    data++, length--;
  if (length > 0)
    {
      g_autoptr(GError) json_error = NULL;

      response->root = qtr_json_parse (data, length, &json_error);
      if (response->root == NULL)
        {
          g_task_return_new_error (task, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                                   "The server's answer to %s %s is not usable JSON: %s",
                                   request->method, request->hold_key, json_error->message);
          return;
        }
    }

  link = soup_message_headers_get_list (headers, "Link");
  if (link != NULL)
    qtr_api_parse_link_header (link, request->url, &response->next, &response->prev);

  g_task_return_pointer (task, g_steal_pointer (&response), (GDestroyNotify) qtr_api_response_free);
}

static void read_next_chunk (GTask *task);

static void
body_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      request_fail (task, explain_failure (task, error));
      return;
    }

  size = g_bytes_get_size (bytes);
  if (size == 0)
    {
      finish_request (task);
      return;
    }

  g_byte_array_append (request->buffer, g_bytes_get_data (bytes, NULL), size);
  if (request->buffer->len > request->body_limit)
    {
      if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (request->message)))
        {
          request_fail (task, g_error_new (QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                                           "The server's answer to %s %s is larger than %d bytes",
                                           request->method, request->hold_key,
                                           QTR_API_CLIENT_MAX_BODY_SIZE));
          return;
        }
      /* Of an error page, the start is enough. */
      g_byte_array_set_size (request->buffer, request->body_limit);
      finish_request (task);
      return;
    }

  read_next_chunk (task);
}

static void
read_next_chunk (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  gsize wanted = MIN (READ_CHUNK_SIZE, request->body_limit + 1 - request->buffer->len);

  g_input_stream_read_bytes_async (request->stream, wanted, G_PRIORITY_DEFAULT,
                                   request->cancellable, body_read_cb, g_object_ref (task));
}

static void
message_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;

  request->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (request->stream == NULL)
    {
      request_fail (task, explain_failure (task, error));
      return;
    }

  status = soup_message_get_status (request->message);
  g_debug ("%s %s: %u", request->method, request->hold_key, status);
  request->body_limit = SOUP_STATUS_IS_SUCCESSFUL (status) ? QTR_API_CLIENT_MAX_BODY_SIZE
                                                           : ERROR_BODY_MAX_SIZE;
  request->buffer = g_byte_array_new ();
  read_next_chunk (task);
}

static gboolean
request_timed_out_cb (gpointer user_data)
{
  Request *request = user_data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  Request *request = user_data;

  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
is_same_origin (GUri *a,
                GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b);
}

static void
append_encoded_pairs (GString            *string,
                      const char * const *pairs)
{
  for (guint i = 0; pairs != NULL && pairs[i] != NULL && pairs[i + 1] != NULL; i += 2)
    {
      g_autofree char *name = g_uri_escape_string (pairs[i], "[]", FALSE);
      g_autofree char *value = g_uri_escape_string (pairs[i + 1], NULL, FALSE);

      if (string->len > 0 && string->str[string->len - 1] != '?' &&
          string->str[string->len - 1] != '&')
        g_string_append_c (string, '&');
      g_string_append_printf (string, "%s=%s", name, value);
    }
}

/* What a few requests add to the common ones: a header, a multipart body, progress. */
typedef struct {
  const char         *idempotency_key;
  SoupMultipart      *multipart;
  QtrApiProgressFunc  progress;
  gpointer            progress_data;
} QtrApiRequestExtras;

static void send_request (QtrApiClient              *self,
                          const char                *method,
                          const char                *path,
                          const char * const        *query,
                          const char * const        *form,
                          JsonNode                  *json,
                          const QtrApiRequestExtras *extras,
                          GCancellable              *cancellable,
                          GAsyncReadyCallback        callback,
                          gpointer                   user_data);

static gboolean
is_known_method (const char *method)
{
  static const char * const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", NULL };

  return method != NULL && g_strv_contains (methods, method);
}

static void
qtr_api_client_finalize (GObject *object)
{
  QtrApiClient *self = QTR_API_CLIENT (object);

  g_free (self->base_url);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_clear_object (&self->session);
  g_clear_pointer (&self->holds, g_hash_table_unref);

  G_OBJECT_CLASS (qtr_api_client_parent_class)->finalize (object);
}

static void
qtr_api_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QtrApiClient *self = QTR_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_seconds);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_api_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  QtrApiClient *self = QTR_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      qtr_api_client_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_api_client_class_init (QtrApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_api_client_finalize;
  object_class->get_property = qtr_api_client_get_property;
  object_class->set_property = qtr_api_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT / 1000,
                       QTR_API_CLIENT_DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_api_client_init (QtrApiClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Quitter/%s (+%s)", PACKAGE_VERSION,
                                                 APP_WEBSITE);

  self->timeout_seconds = QTR_API_CLIENT_DEFAULT_TIMEOUT_SECONDS;
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "max-conns-per-host", 6,
                                                 NULL);
  self->holds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * qtr_api_client_new:
 * @base_url: the server, such as `https://mastodon.example`
 * @token: (nullable): an OAuth access token, or %NULL for public requests
 *
 * Returns: (transfer full): a client, or %NULL with @error set when @base_url is not an http(s)
 *   URL
 */
QtrApiClient *
qtr_api_client_new (const char  *base_url,
                    const char  *token,
                    GError     **error)
{
  g_autoptr(QtrApiClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      g_set_error (error, QTR_API_ERROR, QTR_API_ERROR_FAILED,
                   "“%s” is not the address of a server: give one like https://example.org",
                   base_url);
      return NULL;
    }

  text = g_strdup (base_url);
  while (g_str_has_suffix (text, "/"))
    text[strlen (text) - 1] = '\0';

  self = g_object_new (QTR_TYPE_API_CLIENT, NULL);
  self->base_url = g_steal_pointer (&text);
  self->base_uri = g_steal_pointer (&uri);
  self->token = g_strdup (token);
  return g_steal_pointer (&self);
}

const char *
qtr_api_client_get_base_url (QtrApiClient *self)
{
  g_return_val_if_fail (QTR_IS_API_CLIENT (self), NULL);

  return self->base_url;
}

/**
 * qtr_api_client_get_token:
 *
 * Returns: (nullable): the access token sent with each request to the server
 */
const char *
qtr_api_client_get_token (QtrApiClient *self)
{
  g_return_val_if_fail (QTR_IS_API_CLIENT (self), NULL);

  return self->token;
}

/**
 * qtr_api_client_set_token:
 * @token: (nullable): the new access token
 */
void
qtr_api_client_set_token (QtrApiClient *self,
                          const char   *token)
{
  g_return_if_fail (QTR_IS_API_CLIENT (self));

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
}

guint
qtr_api_client_get_timeout (QtrApiClient *self)
{
  g_return_val_if_fail (QTR_IS_API_CLIENT (self), 0);

  return self->timeout_seconds;
}

/**
 * qtr_api_client_set_timeout:
 * @seconds: how long a request may take, from its start to the end of its answer
 */
void
qtr_api_client_set_timeout (QtrApiClient *self,
                            guint         seconds)
{
  g_return_if_fail (QTR_IS_API_CLIENT (self));
  g_return_if_fail (seconds > 0);

  if (self->timeout_seconds == seconds)
    return;
  self->timeout_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * qtr_api_client_get_retry_after:
 * @path: an API path, such as `/api/v1/media`
 *
 * Returns: how many seconds requests to @path are still held because the server said it was
 *   rate limiting them, 0 when they are not
 */
gint64
qtr_api_client_get_retry_after (QtrApiClient *self,
                                const char   *path)
{
  gint64 *until;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (QTR_IS_API_CLIENT (self), 0);

  until = g_hash_table_lookup (self->holds, path);
  if (until == NULL || *until <= now)
    return 0;
  return (*until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
}

/**
 * qtr_api_client_request_async:
 * @method: `GET`, `POST`, `PUT`, `PATCH` or `DELETE`
 * @path: an API path such as `/api/v1/timelines/home`, or an absolute URL (a page's)
 * @query: (nullable) (array zero-terminated=1): query parameters as name, value, name, value…;
 *   a name may repeat (`types[]`)
 * @form: (nullable) (array zero-terminated=1): a form body, as name, value…
 * @json: (nullable): a JSON body; at most one of @form and @json
 *
 * Sends a request to the server. It completes with a #QtrApiResponse on a 2xx answer, else with
 * a #QtrApiError (the server's own message kept), or %G_IO_ERROR_CANCELLED.
 */
void
qtr_api_client_request_async (QtrApiClient        *self,
                              const char          *method,
                              const char          *path,
                              const char * const  *query,
                              const char * const  *form,
                              JsonNode            *json,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  QtrApiRequestExtras extras = { 0 };

  send_request (self, method, path, query, form, json, &extras, cancellable, callback,
                user_data);
}

/* The deadline runs again from now: while a large body is still being sent, it is not late. */
static void
restart_deadline (QtrApiClient *self,
                  Request      *request)
{
  destroy_source (&request->timeout_source);
  request->timeout_source = g_timeout_source_new_seconds (self->timeout_seconds);
  g_source_set_callback (request->timeout_source, request_timed_out_cb, request, NULL);
  g_source_attach (request->timeout_source, g_main_context_get_thread_default ());
}

static void
message_wrote_body_data_cb (SoupMessage *message,
                            guint        chunk_size,
                            GTask       *task)
{
  QtrApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);

  request->body_sent += chunk_size;
  if (request->timeout_source != NULL)
    restart_deadline (self, request);
  if (request->progress != NULL && request->body != NULL)
    request->progress (request->body_sent, g_bytes_get_size (request->body),
                       request->progress_data);
}

static void
send_request (QtrApiClient              *self,
              const char                *method,
              const char                *path,
              const char * const        *query,
              const char * const        *form,
              JsonNode                  *json,
              const QtrApiRequestExtras *extras,
              GCancellable              *cancellable,
              GAsyncReadyCallback        callback,
              gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) target = NULL;
  g_autoptr(GString) url = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  Request *request;
  gint64 wait;

  g_return_if_fail (QTR_IS_API_CLIENT (self));
  g_return_if_fail (is_known_method (method));
  g_return_if_fail (path != NULL);
  g_return_if_fail ((form != NULL) + (json != NULL) + (extras->multipart != NULL) <= 1);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_api_client_request_async);
  request = g_new0 (Request, 1);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request->method = g_strdup (method);
  request->cancellable = g_cancellable_new ();

  url = g_string_new (path[0] == '/' ? self->base_url : NULL);
  g_string_append (url, path);
  if (query != NULL && query[0] != NULL)
    {
      if (strchr (url->str, '?') == NULL)
        g_string_append_c (url, '?');
      append_encoded_pairs (url, query);
    }
  request->url = g_strdup (url->str);

  target = g_uri_parse (request->url, G_URI_FLAGS_ENCODED, &error);
  if (target == NULL || (g_strcmp0 (g_uri_get_scheme (target), "https") != 0 &&
                         g_strcmp0 (g_uri_get_scheme (target), "http") != 0) ||
      g_uri_get_host (target) == NULL)
    {
      g_task_return_new_error (task, QTR_API_ERROR, QTR_API_ERROR_FAILED,
                               "“%s” is not an http(s) URL", request->url);
      return;
    }
  request->hold_key = g_strdup (g_uri_get_path (target));
  request->with_token = self->token != NULL && is_same_origin (target, self->base_uri);

  if (g_task_return_error_if_cancelled (task))
    return;

  wait = qtr_api_client_get_retry_after (self, request->hold_key);
  if (wait > 0)
    {
      g_task_return_new_error (task, QTR_API_ERROR, QTR_API_ERROR_RATE_LIMITED,
                               "The server is limiting requests to %s: try again in %"
                               G_GINT64_FORMAT " seconds", request->hold_key, wait);
      return;
    }

  request->message = soup_message_new_from_uri (method, target);
  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (request->with_token)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
      soup_message_add_flags (request->message, SOUP_MESSAGE_NO_REDIRECT);
      memset (authorization, 0, strlen (authorization));
    }
  if (extras->idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", extras->idempotency_key);

  if (form != NULL)
    {
      GString *encoded = g_string_new (NULL);

      append_encoded_pairs (encoded, form);
      request->body = g_string_free_to_bytes (encoded);
      soup_message_set_request_body_from_bytes (request->message,
                                                "application/x-www-form-urlencoded",
                                                request->body);
    }
  else if (json != NULL)
    {
      gsize length;
      char *text = json_to_string (json, FALSE);

      length = strlen (text);
      request->body = g_bytes_new_take (text, length);
      soup_message_set_request_body_from_bytes (request->message, "application/json",
                                                request->body);
    }
  else if (extras->multipart != NULL)
    {
      SoupMessageHeaders *part_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
      g_autofree char *content_type = NULL;

      soup_multipart_to_message (extras->multipart, part_headers, &request->body);
      content_type = g_strdup (soup_message_headers_get_one (part_headers, "Content-Type"));
      soup_message_headers_unref (part_headers);
      soup_message_set_request_body_from_bytes (request->message, content_type, request->body);
    }
  request->progress = extras->progress;
  request->progress_data = extras->progress_data;
  request->wrote_handler = g_signal_connect (request->message, "wrote-body-data",
                                              G_CALLBACK (message_wrote_body_data_cb), task);

  if (cancellable != NULL)
    {
      request->caller_cancelled_source = g_cancellable_source_new (cancellable);
      g_source_set_priority (request->caller_cancelled_source, G_PRIORITY_HIGH);
      g_source_set_callback (request->caller_cancelled_source,
                             G_SOURCE_FUNC (caller_cancelled_cb), request, NULL);
      g_source_attach (request->caller_cancelled_source, g_main_context_get_thread_default ());
    }
  request->timeout_source = g_timeout_source_new_seconds (self->timeout_seconds);
  g_source_set_callback (request->timeout_source, request_timed_out_cb, request, NULL);
  g_source_attach (request->timeout_source, g_main_context_get_thread_default ());

  soup_session_send_async (self->session, request->message, G_PRIORITY_DEFAULT,
                           request->cancellable, message_sent_cb, g_object_ref (task));
}

/**
 * qtr_api_client_request_finish:
 *
 * Returns: (transfer full): the server's answer, or %NULL with @error set
 */
QtrApiResponse *
qtr_api_client_request_finish (QtrApiClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == qtr_api_client_request_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qtr_api_client_get_async:
 * @query: (nullable) (array zero-terminated=1): query parameters as name, value…
 *
 * A GET; finish with qtr_api_client_request_finish().
 */
void
qtr_api_client_get_async (QtrApiClient        *self,
                          const char          *path,
                          const char * const  *query,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  qtr_api_client_request_async (self, "GET", path, query, NULL, NULL, cancellable, callback,
                                user_data);
}

/**
 * qtr_api_client_post_form_async:
 * @form: (nullable) (array zero-terminated=1): the form, as name, value…
 *
 * A POST of a form; finish with qtr_api_client_request_finish().
 */
void
qtr_api_client_post_form_async (QtrApiClient        *self,
                                const char          *path,
                                const char * const  *form,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  qtr_api_client_request_async (self, "POST", path, NULL, form ? form : (const char *[]) { NULL },
                                NULL, cancellable, callback, user_data);
}

/**
 * qtr_api_client_send_json_async:
 * @method: `POST`, `PUT` or `PATCH`
 *
 * Sends @json as the body; finish with qtr_api_client_request_finish().
 */
void
qtr_api_client_send_json_async (QtrApiClient        *self,
                                const char          *method,
                                const char          *path,
                                JsonNode            *json,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  qtr_api_client_request_async (self, method, path, NULL, NULL, json, cancellable, callback,
                                user_data);
}

/**
 * qtr_api_client_delete_async:
 *
 * A DELETE; finish with qtr_api_client_request_finish().
 */
void
qtr_api_client_delete_async (QtrApiClient        *self,
                             const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  qtr_api_client_request_async (self, "DELETE", path, NULL, NULL, NULL, cancellable, callback,
                                user_data);
}

/**
 * qtr_api_client_send_form_async:
 * @method: `POST`, `PUT` or `PATCH`
 * @form: (array zero-terminated=1): the form, as name, value…; a name may repeat (`media_ids[]`)
 * @idempotency_key: (nullable): sent as the `Idempotency-Key` header: a server that already
 *   made what this request asks for (a post whose answer was lost) answers with it again
 *   instead of making it twice
 *
 * Sends a form; finish with qtr_api_client_request_finish().
 */
void
qtr_api_client_send_form_async (QtrApiClient        *self,
                                const char          *method,
                                const char          *path,
                                const char * const  *form,
                                const char          *idempotency_key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  QtrApiRequestExtras extras = { .idempotency_key = idempotency_key };

  g_return_if_fail (form != NULL);

  send_request (self, method, path, NULL, form, NULL, &extras, cancellable, callback,
                user_data);
}

/**
 * qtr_api_client_upload_async:
 * @path: where to upload, such as `/api/v2/media`
 * @form: (nullable) (array zero-terminated=1): other fields, as name, value… (`description`)
 * @file_name: the file's name, as the server is told it
 * @content_type: (nullable): its type; `application/octet-stream` when %NULL
 * @file: its bytes, sent as the `file` part
 * @progress: (nullable) (scope notified): told how much of the body was sent
 * @progress_data: (closure progress): for @progress; it must live until the request ends
 *
 * POSTs a `multipart/form-data` body with one file, as Mastodon's media uploads take it; finish
 * with qtr_api_client_request_finish(). While the body is being sent, the deadline counts from
 * the last piece that left, so a large file on a slow link is not cut off.
 */
void
qtr_api_client_upload_async (QtrApiClient        *self,
                             const char          *path,
                             const char * const  *form,
                             const char          *file_name,
                             const char          *content_type,
                             GBytes              *file,
                             QtrApiProgressFunc   progress,
                             gpointer             progress_data,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  QtrApiRequestExtras extras = { .progress = progress, .progress_data = progress_data };

  g_return_if_fail (file_name != NULL);
  g_return_if_fail (file != NULL);

  for (guint i = 0; form != NULL && form[i] != NULL && form[i + 1] != NULL; i += 2)
    soup_multipart_append_form_string (multipart, form[i], form[i + 1]);
  soup_multipart_append_form_file (multipart, "file", file_name,
                                   content_type ? content_type : "application/octet-stream",
                                   file);
  extras.multipart = multipart;
  send_request (self, "POST", path, NULL, NULL, NULL, &extras, cancellable, callback,
                user_data);
}

/**
 * qtr_api_client_send_multipart_async:
 * @method: `POST`, `PUT` or `PATCH`
 * @multipart: the `multipart/form-data` body: text fields and files
 *
 * Sends a form with files (a profile's avatar and header); finish with
 * qtr_api_client_request_finish().
 */
void
qtr_api_client_send_multipart_async (QtrApiClient        *self,
                                     const char          *method,
                                     const char          *path,
                                     SoupMultipart       *multipart,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  QtrApiRequestExtras extras = { .multipart = multipart };

  g_return_if_fail (QTR_IS_API_CLIENT (self));
  g_return_if_fail (is_known_method (method));
  g_return_if_fail (path != NULL);
  g_return_if_fail (multipart != NULL);

  send_request (self, method, path, NULL, NULL, NULL, &extras, cancellable, callback, user_data);
}
