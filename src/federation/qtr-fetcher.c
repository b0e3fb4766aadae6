/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-fetcher.h"

#include "qtr-json.h"

#include <string.h>

#include <libsoup/soup.h>

#include "qtr-address.h"
#include "qtr-http-signature.h"
#include "qtr-url.h"

/* QtrFetcher: every request the node sends to another server goes through here: object
 * fetches, WebFinger lookups and inbox deliveries. One SoupSession, requests signed with the
 * node's key, and the SSRF guard.
 *
 * The guard sits on the "network-event" signal of every message we send. libsoup re-emits there
 * the events of the GSocketClient that opens the message's connection, and GLib hands out the
 * resolved address at G_SOCKET_CLIENT_CONNECTING, after the name has been resolved and the
 * socket created but before connect() is called. A refused address gets its socket closed on
 * the spot, so connect() fails on a closed socket and no packet leaves for it, not even a SYN;
 * then the request is cancelled. The check runs again at G_SOCKET_CLIENT_CONNECTED on the peer
 * address of the connected socket, before TLS and before any byte of the request. Since the
 * check is made on the address actually connected to, whatever the name resolved to earlier,
 * neither DNS rebinding nor a redirect can slip past it. Proxies are switched off: through a
 * proxy the address we see would be the proxy's.
 *
 * Redirects are followed here, not by libsoup, so that each hop is checked as the first one:
 * scheme, blocked domain, address, and a signature made for the new URL. Bodies are read in
 * chunks and dropped past the cap; JSON is scanned for depth and width before json-glib, which
 * recurses, sees it. */

#define READ_CHUNK_SIZE 16384
/* Of an answer we do not keep (a delivery's, an error page), we read this much at most so that
 * the connection can be reused, then drop the connection. */
#define DISCARDED_BODY_MAX_SIZE (64 * 1024)
/* A Retry-After further away than this is taken as this. */
#define MAX_RETRY_AFTER_SECONDS (30 * 24 * 3600)
#define MAX_CONNS 32
#define MAX_CONNS_PER_HOST 4
/* Attacker-chosen text quoted in error messages is cut to this many bytes. */
#define MAX_QUOTED_LENGTH 200

#define ACTIVITY_ACCEPT \
  "application/activity+json, " \
  "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""
#define JRD_ACCEPT "application/jrd+json, application/json;q=0.9"
#define ACTIVITY_CONTENT_TYPE "application/activity+json"
#define ACTIVITYSTREAMS_PROFILE "https://www.w3.org/ns/activitystreams"

struct _QtrFetcher
{
  GObject                parent_instance;

  SoupSession           *session;
  QtrKey                *key;     /* nullable: requests go unsigned */
  char                  *key_id;  /* nullable */

  QtrAddressPolicy       address_policy;  /* nullable: the default one */
  gpointer               address_policy_data;
  GDestroyNotify         address_policy_destroy;
  gboolean               allow_private_addresses;

  QtrBlockedDomainCheck  blocked_domain_check;  /* nullable */
  gpointer               blocked_domain_data;
  GDestroyNotify         blocked_domain_destroy;

  guint                  timeout_seconds;
};

G_DEFINE_FINAL_TYPE (QtrFetcher, qtr_fetcher, G_TYPE_OBJECT)

/* The error domain is extended so that an HTTP error carries its status: whether it is worth
 * trying again depends on it. */
typedef struct {
  guint status;
} QtrFetchErrorPrivate;

static void
qtr_fetch_error_private_init (QtrFetchErrorPrivate *priv)
{
  priv->status = 0;
}

static void
qtr_fetch_error_private_copy (const QtrFetchErrorPrivate *src,
                              QtrFetchErrorPrivate       *dest)
{
  dest->status = src->status;
}

static void
qtr_fetch_error_private_clear (QtrFetchErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (QtrFetchError, qtr_fetch_error)

G_DEFINE_BOXED_TYPE (QtrDeliveryOutcome, qtr_delivery_outcome,
                     qtr_delivery_outcome_copy, qtr_delivery_outcome_free)

/* What one request came back with. */
typedef struct {
  guint               status;
  char               *url;      /* the URL that answered, after redirects */
  SoupMessageHeaders *headers;
  GBytes             *body;     /* NULL when it was not kept */
} Response;

static void
response_free (Response *response)
{
  g_free (response->url);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

/* One request, with its redirects. The task's cancellable is the caller's; ours is cancelled
 * by the caller's (from an idle, see caller_cancelled_cb), by the guard and by the timeout. */
typedef struct {
  QtrFetcher   *fetcher;        /* the task's source object */
  const char   *method;
  const char   *accept;         /* nullable */
  GBytes       *body;           /* nullable */
  gboolean      follow_redirects;
  gboolean      keep_body;

  char         *url;            /* of the current hop: normalised, without fragment */
  guint         redirects;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *buffer;
  gsize         body_limit;
  gboolean      body_kept;

  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong        caller_cancelled_id;
  GSource      *timeout_source;
  GError       *refusal;        /* set by the guard */
  gboolean      timed_out;
} Request;

static void
abandon_stream (GInputStream **stream)
{
  g_autoptr(GCancellable) cancelled = NULL;

  if (*stream == NULL)
    return;

  /* Closing skips the rest of the body, blocking; with a cancelled cancellable it skips
   * nothing, and libsoup drops the connection instead. */
  cancelled = g_cancellable_new ();
  g_cancellable_cancel (cancelled);
  g_input_stream_close (*stream, cancelled, NULL);
  g_clear_object (stream);
}

static void
request_stop (Request *request)
{
  if (request->timeout_source != NULL)
    {
      g_source_destroy (request->timeout_source);
      g_clear_pointer (&request->timeout_source, g_source_unref);
    }
  if (request->caller_cancelled_id != 0)
    {
      g_cancellable_disconnect (request->caller_cancellable, request->caller_cancelled_id);
      request->caller_cancelled_id = 0;
    }
  if (request->message != NULL)
    {
      g_signal_handlers_disconnect_by_data (request->message, request);
      g_clear_object (&request->message);
    }
  abandon_stream (&request->stream);
}

static void
request_free (Request *request)
{
  request_stop (request);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->buffer, g_byte_array_unref);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->caller_cancellable);
  g_clear_error (&request->refusal);
  g_free (request->url);
  g_free (request);
}

static char *
quote_text (const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    return g_strdup ("(none)");
  valid = g_utf8_make_valid (text, MIN (strlen (text), MAX_QUOTED_LENGTH));
  return g_strdup_printf ("“%s”%s", valid, strlen (text) > MAX_QUOTED_LENGTH ? "…" : "");
}

static GError *
new_http_error (guint       status,
                const char *url)
{
  GError *error = g_error_new (QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP, "%s answered %u %s", url,
                               status, soup_status_get_phrase (status));

  qtr_fetch_error_get_private (error)->status = status;
  return error;
}

static gboolean
status_is_permanent (guint status)
{
  return status >= 400 && status < 500 && status != SOUP_STATUS_UNAUTHORIZED &&
         status != SOUP_STATUS_REQUEST_TIMEOUT && status != 429;  /* Too Many Requests */
}

static const char *
find_refusal_reason (QtrFetcher   *self,
                     GInetAddress *address)
{
  if (self->allow_private_addresses)
    return NULL;
  if (self->address_policy != NULL)
    return self->address_policy (address, self->address_policy_data);
  return qtr_address_special_reason (address);
}

/* The guard: see the comment at the top. */
static void
message_network_event_cb (SoupMessage        *message,
                          GSocketClientEvent  event,
                          GIOStream          *connection,
                          gpointer            user_data)
{
  Request *request = user_data;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autofree char *address_text = NULL;
  const char *reason;

  if (event != G_SOCKET_CLIENT_CONNECTING && event != G_SOCKET_CLIENT_CONNECTED)
    return;

  if (G_IS_SOCKET_CONNECTION (connection))
    remote = g_socket_connection_get_remote_address (G_SOCKET_CONNECTION (connection), NULL);

  if (G_IS_PROXY_ADDRESS (remote))
    {
      address_text = g_strdup ("a proxy");
      reason = "connections through a proxy are not checked";
    }
  else if (G_IS_INET_SOCKET_ADDRESS (remote))
    {
      GInetAddress *address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));

      reason = find_refusal_reason (request->fetcher, address);
      if (reason == NULL)
        return;
      address_text = g_inet_address_to_string (address);
    }
  else
    {
      address_text = g_strdup ("an unknown address");
      reason = "not an internet address";
    }

  /* connect() on a closed socket fails before any packet is sent. */
  if (G_IS_SOCKET_CONNECTION (connection))
    g_socket_close (g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)), NULL);

  g_debug ("Refused %s for %s: %s", address_text, request->url, reason);
  if (request->refusal == NULL)
    g_set_error (&request->refusal, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_ADDRESS,
                 "refused %s: %s", address_text, reason);
  g_cancellable_cancel (request->cancellable);
}

/* Why a request that failed with @error failed; takes @error. */
static GError *
explain_failure (Request *request,
                 GError  *error)
{
  g_autoptr(GError) cause = error;
  g_autofree char *authority = qtr_url_get_authority (request->url);

  if (request->refusal != NULL)
    return g_steal_pointer (&request->refusal);
  if (request->timed_out)
    return g_error_new (QTR_FETCH_ERROR, QTR_FETCH_ERROR_TIMEOUT,
                        "%s did not answer within %u seconds", authority,
                        request->fetcher->timeout_seconds);
  if (g_cancellable_is_cancelled (request->caller_cancellable) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The request was cancelled");
  return g_error_new (QTR_FETCH_ERROR, QTR_FETCH_ERROR_NETWORK, "Could not reach %s: %s",
                      authority, cause->message);
}

static void
request_fail (GTask  *task,
              GError *error)
{
  Request *request = g_task_get_task_data (task);

  request_stop (request);
  g_task_return_error (task, error);
}

static void
request_succeed (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  Response *response = g_new0 (Response, 1);

  response->status = soup_message_get_status (request->message);
  response->url = g_strdup (request->url);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (request->message));
  if (request->body_kept)
    response->body = g_byte_array_free_to_bytes (g_steal_pointer (&request->buffer));

  request_stop (request);
  g_task_return_pointer (task, response, (GDestroyNotify) response_free);
}

/* Checks @url as a request target: an http(s) URL whose host is not blocked. Returns it
 * normalised, without its fragment. */
static GUri *
parse_target (QtrFetcher  *self,
              const char  *url,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *normalized = qtr_url_normalize (url, &local_error);
  g_autoptr(GUri) uri = NULL;
  char *fragment;

  if (normalized == NULL)
    {
      if (g_error_matches (local_error, QTR_URL_ERROR, QTR_URL_ERROR_UNSUPPORTED_SCHEME))
        {
          g_autofree char *scheme = g_uri_parse_scheme (url);
          g_autofree char *quoted = quote_text (scheme);

          g_set_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_UNSUPPORTED_SCHEME,
                       "refused a %s URL: only http and https are fetched", quoted);
        }
      else
        g_set_error_literal (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_INVALID_URL,
                             local_error->message);
      return NULL;
    }

  fragment = strchr (normalized, '#');
  if (fragment != NULL)
    *fragment = '\0';

  uri = g_uri_parse (normalized, SOUP_HTTP_URI_FLAGS, &local_error);
  if (uri == NULL)
    {
      g_set_error_literal (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_INVALID_URL,
                           local_error->message);
      return NULL;
    }

  if (self->blocked_domain_check != NULL &&
      self->blocked_domain_check (g_uri_get_host (uri), self->blocked_domain_data))
    {
      g_set_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BLOCKED_DOMAIN,
                   "refused %s: the domain is blocked", g_uri_get_host (uri));
      return NULL;
    }

  return g_steal_pointer (&uri);
}

static void start_hop       (GTask *task);
static void read_next_chunk (GTask *task);

static void
finish_body (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  /* At the end of the body there is nothing left to skip: closing does not block. */
  g_input_stream_close (request->stream, NULL, NULL);
  g_clear_object (&request->stream);
  request_succeed (task);
}

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
      request_fail (task, explain_failure (request, error));
      return;
    }

  size = g_bytes_get_size (bytes);
  if (size == 0)
    {
      finish_body (task);
      return;
    }

  g_byte_array_append (request->buffer, g_bytes_get_data (bytes, NULL), size);
  if (request->buffer->len > request->body_limit)
    {
      if (request->body_kept)
        {
          request_fail (task, g_error_new (QTR_FETCH_ERROR, QTR_FETCH_ERROR_TOO_LARGE,
                                           "%s sent more than %d bytes", request->url,
                                           QTR_FETCHER_MAX_BODY_SIZE));
          return;
        }
      abandon_stream (&request->stream);
      request_succeed (task);
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

static gboolean
is_followed_redirect (guint status)
{
  return status == SOUP_STATUS_MOVED_PERMANENTLY || status == SOUP_STATUS_FOUND ||
         status == SOUP_STATUS_SEE_OTHER || status == SOUP_STATUS_TEMPORARY_REDIRECT ||
         status == SOUP_STATUS_PERMANENT_REDIRECT;
}

static void
follow_redirect (GTask      *task,
                 const char *location)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *next;

  abandon_stream (&request->stream);

  if (request->redirects >= QTR_FETCHER_MAX_REDIRECTS)
    {
      request_fail (task, g_error_new (QTR_FETCH_ERROR, QTR_FETCH_ERROR_TOO_MANY_REDIRECTS,
                                       "refused %s: more than %d redirects", request->url,
                                       QTR_FETCHER_MAX_REDIRECTS));
      return;
    }

  next = g_uri_resolve_relative (request->url, location, G_URI_FLAGS_ENCODED, &error);
  if (next == NULL)
    {
      g_autofree char *quoted = quote_text (location);

      request_fail (task, g_error_new (QTR_FETCH_ERROR, QTR_FETCH_ERROR_INVALID_URL,
                                       "%s redirects to %s, which is not a URL", request->url,
                                       quoted));
      return;
    }

  g_debug ("%s redirects to %s", request->url, next);
  request->redirects++;
  g_free (request->url);
  request->url = next;
  start_hop (task);
}

static void
message_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;
  const char *location;
  guint status;

  request->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (request->stream == NULL)
    {
      request_fail (task, explain_failure (request, error));
      return;
    }

  status = soup_message_get_status (request->message);
  headers = soup_message_get_response_headers (request->message);
  g_debug ("%s %s: %u", request->method, request->url, status);

  location = soup_message_headers_get_one (headers, "Location");
  if (request->follow_redirects && is_followed_redirect (status) && location != NULL)
    {
      follow_redirect (task, location);
      return;
    }

  request->body_kept = request->keep_body && SOUP_STATUS_IS_SUCCESSFUL (status);
  request->body_limit = request->body_kept ? QTR_FETCHER_MAX_BODY_SIZE : DISCARDED_BODY_MAX_SIZE;
  if (request->body_kept &&
      soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > QTR_FETCHER_MAX_BODY_SIZE)
    {
      request_fail (task, g_error_new (QTR_FETCH_ERROR, QTR_FETCH_ERROR_TOO_LARGE,
                                       "%s announces %" G_GINT64_FORMAT " bytes, more than %d",
                                       request->url,
                                       (gint64) soup_message_headers_get_content_length (headers),
                                       QTR_FETCHER_MAX_BODY_SIZE));
      return;
    }

  request->buffer = g_byte_array_new ();
  read_next_chunk (task);
}

static void
start_hop (GTask *task)
{
  QtrFetcher *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;

  uri = parse_target (self, request->url, &error);
  if (uri == NULL)
    {
      request_fail (task, error);
      return;
    }
  g_free (request->url);
  request->url = g_uri_to_string (uri);

  if (request->message != NULL)
    {
      g_signal_handlers_disconnect_by_data (request->message, request);
      g_clear_object (&request->message);
    }

  request->message = soup_message_new_from_uri (request->method, uri);
  soup_message_add_flags (request->message, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (request->message);
  if (request->accept != NULL)
    soup_message_headers_replace (headers, "Accept", request->accept);

  if (self->key != NULL)
    {
      if (!qtr_http_signature_sign_message (request->message, ACTIVITY_CONTENT_TYPE, request->body,
                                            self->key_id, self->key, &error))
        {
          request_fail (task, error);
          return;
        }
    }
  else if (request->body != NULL)
    {
      soup_message_set_request_body_from_bytes (request->message, ACTIVITY_CONTENT_TYPE,
                                                request->body);
    }

  g_signal_connect (request->message, "network-event",
                    G_CALLBACK (message_network_event_cb), request);
  soup_session_send_async (self->session, request->message, G_PRIORITY_DEFAULT,
                           request->cancellable, message_sent_cb, g_object_ref (task));
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
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

typedef struct {
  GMainContext *context;
  GCancellable *cancellable;
} CancelLink;

static void
cancel_link_free (gpointer data)
{
  CancelLink *link = data;

  g_main_context_unref (link->context);
  g_object_unref (link->cancellable);
  g_free (link);
}

/* May run in any thread, and within the caller's g_cancellable_cancel(): cancelling our own
 * cancellable right here could finish the request inside the emission, whose disconnect would
 * then deadlock. So the cancellation goes through an idle in the request's context. */
static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     gpointer      user_data)
{
  CancelLink *link = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, cancel_cb, g_object_ref (link->cancellable), g_object_unref);
  g_source_attach (source, link->context);
  g_source_unref (source);
}

/* Sends a request and reads its answer. Completes with a Response for any HTTP answer; with
 * an error when there is none, or when a kept body is too large. */
static void
send_request_async (QtrFetcher          *self,
                    const char          *method,
                    const char          *url,
                    const char          *accept,
                    GBytes              *body,
                    gboolean             follow_redirects,
                    gboolean             keep_body,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  g_task_set_source_tag (task, send_request_async);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  request->fetcher = self;
  request->method = method;
  request->accept = accept;
  request->body = body != NULL ? g_bytes_ref (body) : NULL;
  request->follow_redirects = follow_redirects;
  request->keep_body = keep_body;
  request->url = g_strdup (url);
  request->cancellable = g_cancellable_new ();

  if (g_task_return_error_if_cancelled (task))
    return;

  if (cancellable != NULL)
    {
      CancelLink *link = g_new0 (CancelLink, 1);

      link->context = g_main_context_ref_thread_default ();
      link->cancellable = g_object_ref (request->cancellable);
      request->caller_cancellable = g_object_ref (cancellable);
      request->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                            G_CALLBACK (caller_cancelled_cb),
                                                            link, cancel_link_free);
    }

  request->timeout_source = g_timeout_source_new (self->timeout_seconds * 1000);
  g_source_set_callback (request->timeout_source, request_timed_out_cb, request, NULL);
  g_source_attach (request->timeout_source, g_main_context_get_thread_default ());

  start_hop (task);
}

static Response *
send_request_finish (QtrFetcher    *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Whether the response's media type is one of @types. */
static gboolean
has_content_type (Response          *response,
                  const char * const *types)
{
  const char *type = soup_message_headers_get_content_type (response->headers, NULL);

  if (type == NULL)
    return FALSE;
  for (guint i = 0; types[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (type, types[i]) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_content_type (Response            *response,
                    const char * const  *types,
                    GError             **error)
{
  const char *type;
  g_autofree char *quoted = NULL;

  if (has_content_type (response, types))
    return TRUE;

  type = soup_message_headers_get_one (response->headers, "Content-Type");
  quoted = quote_text (type);
  g_set_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_BAD_CONTENT_TYPE,
               "%s answered with the type %s, not %s", response->url, quoted, types[0]);
  return FALSE;
}

/* The body as a JSON object, within the depth and width every remote document is held to. */
static JsonObject *
parse_json_object (Response  *response,
                   GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  const char *data;
  gsize length;
  QtrFetchError code;

  data = g_bytes_get_data (response->body, &length);
  object = qtr_json_parse_object (data, length, &local_error);
  if (object != NULL)
    return object;

  switch (local_error->code)
    {
    case QTR_JSON_ERROR_TOO_DEEP:
      code = QTR_FETCH_ERROR_TOO_DEEP;
      break;
    case QTR_JSON_ERROR_TOO_LARGE:
      code = QTR_FETCH_ERROR_TOO_LARGE;
      break;
    default:
      code = QTR_FETCH_ERROR_INVALID_JSON;
      break;
    }
  g_set_error (error, QTR_FETCH_ERROR, code, "%s: %s", response->url, local_error->message);
  return NULL;
}

static gboolean
check_success (Response  *response,
               GError   **error)
{
  if (SOUP_STATUS_IS_SUCCESSFUL (response->status))
    return TRUE;
  g_propagate_error (error, new_http_error (response->status, response->url));
  return FALSE;
}

static void
object_fetched_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  static const char * const types[] = { "application/activity+json", "application/ld+json",
                                        NULL };
  g_autoptr(GTask) task = user_data;
  g_autoptr(Response) response = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;
  const char *claimed;

  response = send_request_finish (QTR_FETCHER (source), result, &error);
  if (response == NULL ||
      !check_success (response, &error) ||
      !check_content_type (response, types, &error) ||
      (object = parse_json_object (response, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Only the host that serves a document may say what its id is: the id must be the URL that
   * answered. */
  claimed = qtr_json_get_string (object, "id");
  if (claimed != NULL)
    id = qtr_url_normalize (claimed, NULL);
  if (id == NULL || strcmp (id, response->url) != 0)
    {
      g_autofree char *quoted = quote_text (claimed);

      g_task_return_new_error (task, QTR_FETCH_ERROR, QTR_FETCH_ERROR_ID_MISMATCH,
                               "The document at %s claims the id %s", response->url, quoted);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

static gboolean
names_account (const char      *text,
               const QtrHandle *handle)
{
  g_autoptr(QtrHandle) named = NULL;

  if (text == NULL || g_ascii_strncasecmp (text, "acct:", 5) != 0)
    return FALSE;
  named = qtr_handle_parse (text, NULL);
  return named != NULL && qtr_handle_equal (named, handle);
}

static gboolean
jrd_names_account (JsonObject      *jrd,
                   const QtrHandle *handle)
{
  JsonArray *aliases;

  if (names_account (qtr_json_get_string (jrd, "subject"), handle))
    return TRUE;

  aliases = qtr_json_get_array (jrd, "aliases");
  for (guint i = 0; aliases != NULL && i < json_array_get_length (aliases); i++)
    {
      JsonNode *node = json_array_get_element (aliases, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          names_account (json_node_get_string (node), handle))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_activity_type (const char *type)
{
  g_autofree char *media_type = NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *semicolon;
  const char *profile;

  if (type == NULL)
    return FALSE;

  semicolon = strchr (type, ';');
  media_type = g_strstrip (g_strndup (type, semicolon ? (gsize) (semicolon - type)
                                                      : strlen (type)));
  if (g_ascii_strcasecmp (media_type, "application/activity+json") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (media_type, "application/ld+json") != 0 || semicolon == NULL)
    return FALSE;

  params = soup_header_parse_semi_param_list (semicolon + 1);
  profile = g_hash_table_lookup (params, "profile");
  return g_strcmp0 (profile, ACTIVITYSTREAMS_PROFILE) == 0;
}

static char *
find_self_link (JsonObject  *jrd,
                const char  *url,
                GError     **error)
{
  JsonArray *links = qtr_json_get_array (jrd, "links");

  for (guint i = 0; links != NULL && i < json_array_get_length (links); i++)
    {
      JsonNode *node = json_array_get_element (links, i);
      JsonObject *link;
      const char *href;
      char *actor;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      link = json_node_get_object (node);
      if (g_strcmp0 (qtr_json_get_string (link, "rel"), "self") != 0 ||
          !is_activity_type (qtr_json_get_string (link, "type")))
        continue;

      href = qtr_json_get_string (link, "href");
      actor = href != NULL ? qtr_url_normalize (href, NULL) : NULL;
      if (actor != NULL)
        return actor;
    }

  g_set_error (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_NO_ACTOR,
               "The WebFinger answer of %s links no ActivityPub actor", url);
  return NULL;
}

static void
webfinger_fetched_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  static const char * const types[] = { "application/jrd+json", "application/json", NULL };
  g_autoptr(GTask) task = user_data;
  QtrHandle *handle = g_task_get_task_data (task);
  g_autoptr(Response) response = NULL;
  g_autoptr(JsonObject) jrd = NULL;
  GError *error = NULL;
  char *actor;

  response = send_request_finish (QTR_FETCHER (source), result, &error);
  if (response == NULL ||
      !check_success (response, &error) ||
      !check_content_type (response, types, &error) ||
      (jrd = parse_json_object (response, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!jrd_names_account (jrd, handle))
    {
      g_autofree char *account = qtr_handle_to_string (handle);
      g_autofree char *quoted = quote_text (qtr_json_get_string (jrd, "subject"));

      g_task_return_new_error (task, QTR_FETCH_ERROR, QTR_FETCH_ERROR_ID_MISMATCH,
                               "The WebFinger answer for %s is about %s", account, quoted);
      return;
    }

  actor = find_self_link (jrd, response->url, &error);
  if (actor == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, actor, g_free);
}

/* Nodes in tests, and a node on a home network, listen on plain http on loopback. */
static gboolean
is_plain_http_host (QtrFetcher *self,
                    const char *authority)
{
  g_autofree char *url = g_strdup_printf ("http://%s/", authority);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (!self->allow_private_addresses || uri == NULL)
    return FALSE;

  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gint64
parse_retry_after (const char *value)
{
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) date = NULL;
  guint64 seconds;
  gint64 delta;

  if (value == NULL)
    return -1;

  text = g_strstrip (g_strdup (value));
  if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &seconds, NULL))
    return (gint64) MIN (seconds, MAX_RETRY_AFTER_SECONDS);

  date = soup_date_time_new_from_http_string (text);
  if (date == NULL)
    return -1;
  delta = g_date_time_to_unix (date) - g_get_real_time () / G_USEC_PER_SEC;
  return CLAMP (delta, 0, MAX_RETRY_AFTER_SECONDS);
}

typedef struct {
  QtrDeliveryOutcome  outcome;
  GError             *error;
} PostResult;

static void
post_result_free (PostResult *post_result)
{
  g_clear_error (&post_result->error);
  g_free (post_result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PostResult, post_result_free)

static void
posted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(Response) response = NULL;
  PostResult *post_result = g_new0 (PostResult, 1);

  response = send_request_finish (QTR_FETCHER (source), result, &post_result->error);
  post_result->outcome.retry_after_seconds = -1;
  if (response == NULL)
    {
      post_result->outcome.permanent = !qtr_fetch_error_is_transient (post_result->error);
    }
  else
    {
      post_result->outcome.status = response->status;
      post_result->outcome.retry_after_seconds =
        parse_retry_after (soup_message_headers_get_one (response->headers, "Retry-After"));
      if (!check_success (response, &post_result->error))
        post_result->outcome.permanent = status_is_permanent (response->status);
    }

  g_task_return_pointer (task, post_result, (GDestroyNotify) post_result_free);
}

static void
qtr_fetcher_dispose (GObject *object)
{
  QtrFetcher *self = QTR_FETCHER (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (qtr_fetcher_parent_class)->dispose (object);
}

static void
qtr_fetcher_finalize (GObject *object)
{
  QtrFetcher *self = QTR_FETCHER (object);

  qtr_fetcher_set_address_policy (self, NULL, NULL, NULL);
  qtr_fetcher_set_blocked_domain_check (self, NULL, NULL, NULL);
  g_clear_object (&self->key);
  g_free (self->key_id);

  G_OBJECT_CLASS (qtr_fetcher_parent_class)->finalize (object);
}

static void
qtr_fetcher_class_init (QtrFetcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_fetcher_dispose;
  object_class->finalize = qtr_fetcher_finalize;
}

static void
qtr_fetcher_init (QtrFetcher *self)
{
  self->timeout_seconds = QTR_FETCHER_DEFAULT_TIMEOUT_SECONDS;
}

/**
 * qtr_fetch_error_get_status:
 * @error: an error from a fetcher
 *
 * Returns: the HTTP status of a %QTR_FETCH_ERROR_HTTP error, 0 for any other error
 */
guint
qtr_fetch_error_get_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);

  if (!g_error_matches (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP))
    return 0;
  return qtr_fetch_error_get_private (error)->status;
}

/**
 * qtr_fetch_error_is_transient:
 * @error: an error from a fetcher
 *
 * Returns: %TRUE when the same request may succeed later: timeouts, network failures, HTTP 5xx,
 *   401, 408, 429 and unfollowed 3xx, and a cancelled request (%G_IO_ERROR_CANCELLED); %FALSE
 *   when it will fail again (blocked, refused or malformed, HTTP 4xx otherwise)
 */
gboolean
qtr_fetch_error_is_transient (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != QTR_FETCH_ERROR)
    return TRUE;

  switch ((QtrFetchError) error->code)
    {
    case QTR_FETCH_ERROR_TIMEOUT:
    case QTR_FETCH_ERROR_NETWORK:
      return TRUE;

    case QTR_FETCH_ERROR_HTTP:
      return !status_is_permanent (qtr_fetch_error_get_status (error));

    case QTR_FETCH_ERROR_BLOCKED_ADDRESS:
    case QTR_FETCH_ERROR_BLOCKED_DOMAIN:
    case QTR_FETCH_ERROR_UNSUPPORTED_SCHEME:
    case QTR_FETCH_ERROR_TOO_MANY_REDIRECTS:
    case QTR_FETCH_ERROR_TOO_LARGE:
    case QTR_FETCH_ERROR_TOO_DEEP:
    case QTR_FETCH_ERROR_BAD_CONTENT_TYPE:
    case QTR_FETCH_ERROR_INVALID_JSON:
    case QTR_FETCH_ERROR_ID_MISMATCH:
    case QTR_FETCH_ERROR_INVALID_URL:
    case QTR_FETCH_ERROR_NO_ACTOR:
    default:
      return FALSE;
    }
}

QtrDeliveryOutcome *
qtr_delivery_outcome_copy (const QtrDeliveryOutcome *outcome)
{
  g_return_val_if_fail (outcome != NULL, NULL);

  return g_memdup2 (outcome, sizeof *outcome);
}

void
qtr_delivery_outcome_free (QtrDeliveryOutcome *outcome)
{
  g_free (outcome);
}

/**
 * qtr_fetcher_new:
 * @user_agent_url: the node's base URL, named in the User-Agent field
 * @key: (nullable): the private key every request is signed with; %NULL sends them unsigned
 * @key_id: (nullable): the key's id (`https://node.example/actor#main-key`); set with @key
 *
 * The fetcher is used from the thread (and thread-default main context) that created it.
 *
 * Returns: (transfer full): a fetcher that refuses every special-purpose address
 */
QtrFetcher *
qtr_fetcher_new (const char *user_agent_url,
                 QtrKey     *key,
                 const char *key_id)
{
  QtrFetcher *self;
  g_autofree char *user_agent = NULL;

  g_return_val_if_fail (user_agent_url != NULL, NULL);
  g_return_val_if_fail (key == NULL || QTR_IS_KEY (key), NULL);
  g_return_val_if_fail (key == NULL || qtr_key_has_private (key), NULL);
  g_return_val_if_fail ((key == NULL) == (key_id == NULL), NULL);

  self = g_object_new (QTR_TYPE_FETCHER, NULL);
  self->key = key != NULL ? g_object_ref (key) : NULL;
  self->key_id = g_strdup (key_id);

  user_agent = g_strdup_printf ("Quitter/%s (+%s)", PACKAGE_VERSION, user_agent_url);
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "max-conns", MAX_CONNS,
                                                 "max-conns-per-host", MAX_CONNS_PER_HOST,
                                                 NULL);
  /* Through a proxy, the guard would see the proxy's address, not the server's. */
  soup_session_set_proxy_resolver (self->session, NULL);

  return self;
}

/**
 * qtr_fetcher_set_address_policy:
 * @policy: (nullable): decides which addresses may be connected to; %NULL restores the
 *   default, which refuses every address qtr_address_special_reason() names
 *
 * The policy is asked about every address a connection is about to be made to, and about the
 * peer of every connection made. Connections already open (kept alive) are not asked again:
 * set the policy before the first request.
 */
void
qtr_fetcher_set_address_policy (QtrFetcher       *self,
                                QtrAddressPolicy  policy,
                                gpointer          user_data,
                                GDestroyNotify    destroy)
{
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (QTR_IS_FETCHER (self));

  old_destroy = self->address_policy_destroy;
  old_data = self->address_policy_data;

  self->address_policy = policy;
  self->address_policy_data = user_data;
  self->address_policy_destroy = destroy;

  if (old_destroy != NULL)
    old_destroy (old_data);
}

/**
 * qtr_fetcher_set_allow_private_addresses:
 * @allow: %TRUE to connect to any address at all (node.conf's `allow_private_addresses`, for
 *   nodes on a private network and for tests)
 *
 * Also makes WebFinger use plain http for `localhost` and loopback addresses.
 */
void
qtr_fetcher_set_allow_private_addresses (QtrFetcher *self,
                                         gboolean    allow)
{
  g_return_if_fail (QTR_IS_FETCHER (self));

  self->allow_private_addresses = !!allow;
}

gboolean
qtr_fetcher_get_allow_private_addresses (QtrFetcher *self)
{
  g_return_val_if_fail (QTR_IS_FETCHER (self), FALSE);

  return self->allow_private_addresses;
}

/**
 * qtr_fetcher_set_blocked_domain_check:
 * @check: (nullable): says which hosts are blocked; %NULL blocks none
 *
 * The check is asked about the host of every URL before anything is resolved or sent,
 * redirects included.
 */
void
qtr_fetcher_set_blocked_domain_check (QtrFetcher            *self,
                                      QtrBlockedDomainCheck  check,
                                      gpointer               user_data,
                                      GDestroyNotify         destroy)
{
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (QTR_IS_FETCHER (self));

  old_destroy = self->blocked_domain_destroy;
  old_data = self->blocked_domain_data;

  self->blocked_domain_check = check;
  self->blocked_domain_data = user_data;
  self->blocked_domain_destroy = destroy;

  if (old_destroy != NULL)
    old_destroy (old_data);
}

/**
 * qtr_fetcher_set_timeout:
 * @seconds: what a request may take at most, redirects and body included; at least 1
 */
void
qtr_fetcher_set_timeout (QtrFetcher *self,
                         guint       seconds)
{
  g_return_if_fail (QTR_IS_FETCHER (self));
  g_return_if_fail (seconds > 0 && seconds <= G_MAXUINT / 1000);

  self->timeout_seconds = seconds;
}

guint
qtr_fetcher_get_timeout (QtrFetcher *self)
{
  g_return_val_if_fail (QTR_IS_FETCHER (self), 0);

  return self->timeout_seconds;
}

/**
 * qtr_fetcher_fetch_object_async:
 * @url: the http(s) URL of an ActivityPub object; a fragment is not sent
 *
 * Fetches an ActivityStreams document with a signed GET, following up to
 * %QTR_FETCHER_MAX_REDIRECTS redirects.
 */
void
qtr_fetcher_fetch_object_async (QtrFetcher          *self,
                                const char          *url,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QTR_IS_FETCHER (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_fetcher_fetch_object_async);
  send_request_async (self, SOUP_METHOD_GET, url, ACTIVITY_ACCEPT, NULL, TRUE, TRUE, cancellable,
                      object_fetched_cb, g_steal_pointer (&task));
}

/**
 * qtr_fetcher_fetch_object_finish:
 *
 * Returns: (transfer full): the document, a JSON object whose `id` is the URL that served it
 *   (after redirects); %NULL with a %QTR_FETCH_ERROR (or %G_IO_ERROR_CANCELLED) otherwise
 */
JsonObject *
qtr_fetcher_fetch_object_finish (QtrFetcher    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (QTR_IS_FETCHER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == qtr_fetcher_fetch_object_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qtr_fetcher_webfinger_async:
 * @handle_text: an account, `@user@host`, `user@host` or `acct:user@host`
 *
 * Asks the account's host which actor it is (RFC 7033), over https; over plain http for
 * `localhost` and loopback hosts when private addresses are allowed.
 */
void
qtr_fetcher_webfinger_async (QtrFetcher          *self,
                             const char          *handle_text,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  QtrHandle *handle;

  g_return_if_fail (QTR_IS_FETCHER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_fetcher_webfinger_async);

  handle = qtr_handle_parse (handle_text, &error);
  if (handle == NULL)
    {
      g_task_return_new_error (task, QTR_FETCH_ERROR, QTR_FETCH_ERROR_INVALID_URL, "%s",
                               error->message);
      return;
    }
  g_task_set_task_data (task, handle, (GDestroyNotify) qtr_handle_free);

  resource = g_strdup_printf ("acct:%s@%s", handle->user, handle->host);
  escaped = g_uri_escape_string (resource, NULL, FALSE);
  url = g_strdup_printf ("%s://%s/.well-known/webfinger?resource=%s",
                         is_plain_http_host (self, handle->host) ? "http" : "https",
                         handle->host, escaped);

  send_request_async (self, SOUP_METHOD_GET, url, JRD_ACCEPT, NULL, TRUE, TRUE, cancellable,
                      webfinger_fetched_cb, g_steal_pointer (&task));
}

/**
 * qtr_fetcher_webfinger_finish:
 *
 * Returns: (transfer full): the normalised URL of the account's actor, from the `self` link of
 *   an answer whose subject (or one of whose aliases) is the account asked about; %NULL with
 *   a %QTR_FETCH_ERROR otherwise (%QTR_FETCH_ERROR_HTTP with 404 for an unknown account)
 */
char *
qtr_fetcher_webfinger_finish (QtrFetcher    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (QTR_IS_FETCHER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == qtr_fetcher_webfinger_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qtr_fetcher_post_async:
 * @inbox_url: the inbox to deliver to
 * @json_body: the activity, as it is sent and digested
 *
 * Delivers an activity: a signed POST with a Digest field, Content-Type
 * `application/activity+json`. Redirects are not followed.
 */
void
qtr_fetcher_post_async (QtrFetcher          *self,
                        const char          *inbox_url,
                        GBytes              *json_body,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QTR_IS_FETCHER (self));
  g_return_if_fail (inbox_url != NULL);
  g_return_if_fail (json_body != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_fetcher_post_async);
  /* The outcome is wanted even when the caller cancelled. */
  g_task_set_check_cancellable (task, FALSE);
  send_request_async (self, SOUP_METHOD_POST, inbox_url, NULL, json_body, FALSE, FALSE,
                      cancellable, posted_cb, g_steal_pointer (&task));
}

/**
 * qtr_fetcher_post_finish:
 * @outcome: (out) (optional) (transfer full): what became of the delivery, set whether it
 *   succeeded or not
 *
 * Returns: %TRUE when the inbox answered 2xx; %FALSE with a %QTR_FETCH_ERROR otherwise:
 *   %QTR_FETCH_ERROR_HTTP naming the status when the inbox answered otherwise, another code
 *   when there was no answer. @outcome says whether to try again, and when.
 */
gboolean
qtr_fetcher_post_finish (QtrFetcher          *self,
                         GAsyncResult        *result,
                         QtrDeliveryOutcome **outcome,
                         GError             **error)
{
  g_autoptr(PostResult) post_result = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (QTR_IS_FETCHER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == qtr_fetcher_post_async, FALSE);

  post_result = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (post_result == NULL)
    {
      if (outcome != NULL)
        {
          *outcome = g_new0 (QtrDeliveryOutcome, 1);
          (*outcome)->retry_after_seconds = -1;
          (*outcome)->permanent = !qtr_fetch_error_is_transient (local_error);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (outcome != NULL)
    *outcome = qtr_delivery_outcome_copy (&post_result->outcome);
  if (post_result->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&post_result->error));
      return FALSE;
    }
  return TRUE;
}
