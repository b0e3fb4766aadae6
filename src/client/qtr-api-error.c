/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-api-error.h"

#include <libsoup/soup.h>

#include "qtr-json.h"

/* Servers answer errors as `{"error": "…", "error_description": "…"}` (Mastodon, GoToSocial,
 * Akkoma), sometimes as HTML from a proxy in front of them. The message keeps the server's own
 * words where it gave some, bounded in length; the code says what kind of failure it was. */

#define MAX_MESSAGE_LENGTH 500

G_DEFINE_QUARK (qtr-api-error-quark, qtr_api_error)

static QtrApiError
error_code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
      return QTR_API_ERROR_BAD_REQUEST;
    case SOUP_STATUS_UNAUTHORIZED:
      return QTR_API_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return QTR_API_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
    case SOUP_STATUS_GONE:
      return QTR_API_ERROR_NOT_FOUND;
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      return QTR_API_ERROR_INVALID;
    case 429:
      return QTR_API_ERROR_RATE_LIMITED;
    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      return QTR_API_ERROR_UNAVAILABLE;
    default:
      if (status >= 500 && status < 600)
        return QTR_API_ERROR_SERVER;
      if (status >= 200 && status < 300)
        return QTR_API_ERROR_BAD_RESPONSE;
      return QTR_API_ERROR_FAILED;
    }
}

static char *
read_server_message (GBytes *body)
{
  g_autoptr(JsonObject) object = NULL;
  const char *text;
  const char *description;
  gsize length;
  const char *data;

  if (body == NULL)
    return NULL;
  data = g_bytes_get_data (body, &length);
  if (length == 0)
    return NULL;

  object = qtr_json_parse_object (data, length, NULL);
  if (object == NULL)
    return NULL;

  text = qtr_json_get_string (object, "error");
  description = qtr_json_get_string (object, "error_description");
  if (text == NULL || *text == '\0')
    return description ? g_strdup (description) : NULL;
  if (description != NULL && *description != '\0' && g_strcmp0 (description, text) != 0)
    return g_strdup_printf ("%s: %s", text, description);
  return g_strdup (text);
}

static char *
truncate_message (char *message)
{
  if (g_utf8_strlen (message, -1) > MAX_MESSAGE_LENGTH)
    {
      char *end = g_utf8_offset_to_pointer (message, MAX_MESSAGE_LENGTH);
      *end = '\0';
      return g_strconcat (message, "…", NULL);
    }
  return g_strdup (message);
}

/**
 * qtr_api_error_set_from_response:
 * @status: the HTTP status of a failed request
 * @body: (nullable): the response body
 *
 * Sets @error from an API response that was not a success.
 */
void
qtr_api_error_set_from_response (GError **error,
                                 guint    status,
                                 GBytes  *body)
{
  g_autofree char *server_message = read_server_message (body);
  g_autofree char *safe = NULL;

  if (server_message != NULL && g_utf8_validate (server_message, -1, NULL))
    safe = truncate_message (server_message);

  /* libsoup 3.2 has no phrase for 429. */
  const char *phrase = status == 429 ? "Too Many Requests" : soup_status_get_phrase (status);

  g_set_error (error, QTR_API_ERROR, error_code_for_status (status), "%u %s%s%s",
               status, phrase ? phrase : "",
               safe ? ": " : "", safe ? safe : "");
}

/**
 * qtr_api_error_is_transient:
 *
 * Returns: %TRUE when the same request may succeed if sent again later
 */
gboolean
qtr_api_error_is_transient (const GError *error)
{
  return error != NULL && error->domain == QTR_API_ERROR &&
         (error->code == QTR_API_ERROR_RATE_LIMITED ||
          error->code == QTR_API_ERROR_UNAVAILABLE ||
          error->code == QTR_API_ERROR_SERVER ||
          error->code == QTR_API_ERROR_NETWORK ||
          error->code == QTR_API_ERROR_TIMED_OUT);
}
