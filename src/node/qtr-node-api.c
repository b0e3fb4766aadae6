/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api.h"

#include "qtr-html.h"
#include "qtr-json.h"

#include <string.h>

/* The layer every handler of the Mastodon client API stands on: parameters from the query,
 * form or JSON body; CORS as Mastodon sends it; bearer tokens checked against node.db with
 * their scopes; errors in Mastodon's words; and the entities, one serialiser each. */

/* Mastodon's own words: clients match on them. */
#define INVALID_TOKEN "The access token is invalid"
#define OUT_OF_SCOPE "This action is outside the authorized scopes"
#define USER_REQUIRED "This method requires an authenticated user"

#define CORS_METHODS "POST, PUT, DELETE, GET, PATCH, OPTIONS"
#define CORS_EXPOSED "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, " \
                     "X-Request-Id, Idempotency-Key"

#define DEFAULT_AVATAR_PATH "/avatars/original/missing.png"
#define DEFAULT_HEADER_PATH "/headers/original/missing.png"

/* A grey silhouette, 96×96, and a plain grey header. */
static const guint8 default_avatar_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x60,
  0x08, 0x02, 0x00, 0x00, 0x00, 0x6d, 0xfa, 0xe0, 0x6f, 0x00, 0x00, 0x01,
  0x24, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0xed, 0xda, 0x3b, 0x0e, 0x02,
  0x31, 0x0c, 0x04, 0x50, 0xdf, 0xff, 0x4c, 0x48, 0x70, 0x28, 0xa0, 0xa6,
  0xa7, 0xe0, 0xb3, 0x9b, 0x78, 0x63, 0xef, 0x93, 0xe6, 0x04, 0x4f, 0x69,
  0xe2, 0x99, 0xb8, 0x5d, 0x2f, 0xf2, 0x21, 0x81, 0x00, 0x10, 0x20, 0x40,
  0x80, 0x00, 0x01, 0x02, 0x04, 0x48, 0x00, 0x01, 0x02, 0x04, 0x08, 0x10,
  0x20, 0x40, 0x80, 0x04, 0x10, 0xa0, 0xb6, 0x40, 0xcf, 0xc7, 0x1d, 0xd0,
  0xbb, 0xc8, 0xe7, 0x9c, 0x14, 0xe8, 0xab, 0xcb, 0x22, 0x52, 0x51, 0x45,
  0xe7, 0x28, 0xa3, 0xa8, 0x42, 0x73, 0x14, 0x53, 0x94, 0xd3, 0x49, 0x36,
  0x8a, 0x8a, 0x3a, 0x99, 0x46, 0x51, 0x54, 0x27, 0xcd, 0x08, 0xd0, 0x02,
  0x40, 0x93, 0x74, 0x72, 0x8c, 0xa2, 0xb4, 0x4e, 0x82, 0x11, 0x20, 0x40,
  0x2b, 0x03, 0x25, 0xe8, 0xcc, 0x36, 0x02, 0x04, 0x08, 0x10, 0xa0, 0xa6,
  0x40, 0x69, 0x3a, 0x53, 0x8d, 0xbc, 0x20, 0x40, 0x80, 0x00, 0x01, 0x3a,
  0x2d, 0x90, 0xbf, 0x18, 0x20, 0x40, 0x2e, 0x8a, 0x6e, 0xd2, 0x80, 0xf4,
  0x62, 0xfd, 0x7b, 0x31, 0xcd, 0xaa, 0x6e, 0xde, 0xba, 0xc3, 0x3e, 0xc8,
  0xc2, 0xcc, 0x46, 0xd1, 0xca, 0x15, 0x10, 0x20, 0x40, 0x80, 0x00, 0x39,
  0x77, 0xb8, 0x49, 0x6b, 0x56, 0xd7, 0x06, 0x4a, 0xa6, 0x99, 0xca, 0x14,
  0x9d, 0x74, 0x66, 0x18, 0x45, 0x33, 0x9d, 0xe1, 0x46, 0xd1, 0x4f, 0x67,
  0xac, 0x51, 0xb4, 0xd4, 0x19, 0x68, 0x14, 0x5d, 0x75, 0x46, 0x19, 0x45,
  0x63, 0x9d, 0x21, 0x46, 0xd1, 0x5b, 0x67, 0xbf, 0x51, 0xb4, 0xd7, 0xd9,
  0x69, 0x04, 0x68, 0x1a, 0x50, 0x21, 0x9d, 0x3d, 0x46, 0x71, 0x12, 0x9d,
  0xcd, 0x46, 0x80, 0x26, 0x00, 0x15, 0xd5, 0xd9, 0x66, 0x04, 0x68, 0x34,
  0x50, 0x69, 0x9d, 0x0d, 0x46, 0x80, 0x00, 0x65, 0x02, 0x35, 0xd0, 0xf9,
  0xd7, 0x08, 0xd0, 0x38, 0xa0, 0x36, 0x3a, 0x7f, 0x19, 0x01, 0x02, 0x04,
  0x68, 0x09, 0xa0, 0x66, 0x3a, 0xbf, 0x1b, 0x01, 0x02, 0x04, 0x08, 0x10,
  0x20, 0x40, 0x75, 0x81, 0x5e, 0x54, 0x78, 0xdf, 0x26, 0x04, 0x01, 0xc1,
  0x7c, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
  0x82,
};

static const guint8 default_header_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
  0x08, 0x02, 0x00, 0x00, 0x00, 0x94, 0x82, 0x83, 0xe3, 0x00, 0x00, 0x00,
  0x0e, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xb8, 0x77, 0xf7, 0x16,
  0x04, 0x01, 0x00, 0x26, 0xd1, 0x07, 0xc0, 0xc1, 0xd7, 0xff, 0xf6, 0x00,
  0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

#define MASTODON_VERSION "4.3.0"

static const char * const supported_mime_types[] = {
  "image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", NULL
};

void
qtr_api_auth_clear (QtrApiAuth *auth)
{
  g_clear_pointer (&auth->token, qtr_oauth_token_free);
}

/**
 * qtr_node_api_respond:
 *
 * Answers 200 with the JSON @builder built.
 */
void
qtr_node_api_respond (SoupServerMessage *msg,
                      JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  qtr_node_respond_json (msg, SOUP_STATUS_OK, NULL, root);
}

/**
 * qtr_node_api_respond_empty:
 *
 * Answers 200 with an empty JSON object, as Mastodon does for a removal.
 */
void
qtr_node_api_respond_empty (SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}

/**
 * qtr_node_api_parse_boolean:
 * @text: (nullable): a form or query value
 * @value: (inout): set when @text is a boolean; left as it is when @text is %NULL
 *
 * Reads a boolean parameter: "true"/"1" or "false"/"0"/"" (case does not matter).
 *
 * Returns: %FALSE when @text is something else
 */
gboolean
qtr_node_api_parse_boolean (const char *text,
                            gboolean   *value)
{
  if (text == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1"))
    *value = TRUE;
  else if (g_ascii_strcasecmp (text, "false") == 0 || g_str_equal (text, "0") || *text == '\0')
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}

/**
 * qtr_node_api_respond_internal_error:
 *
 * Logs @error and answers 500 without its details.
 */
void
qtr_node_api_respond_internal_error (SoupServerMessage *msg,
                                     const GError      *error)
{
  g_warning ("Client API request for %s failed: %s",
             g_uri_get_path (soup_server_message_get_uri (msg)),
             error ? error->message : "unknown error");
  qtr_node_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                          "The node failed to answer; it says why in its log");
}

/**
 * qtr_node_api_get_bearer_token:
 *
 * Returns: (transfer full) (nullable): the token of `Authorization: Bearer …`, or %NULL
 */
char *
qtr_node_api_get_bearer_token (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  value += 7;
  while (*value == ' ')
    value++;
  return *value ? g_strstrip (g_strdup (value)) : NULL;
}

/* Answers as Mastodon (Doorkeeper) does: the JSON error, and the reason in
 * WWW-Authenticate (RFC 6750 §3). */
static void
refuse_token (SoupServerMessage *msg,
              guint              status,
              const char        *code,
              const char        *message)
{
  g_autofree char *challenge = g_strdup_printf ("Bearer realm=\"Doorkeeper\", error=\"%s\", "
                                                "error_description=\"%s\"", code, message);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", challenge);
  qtr_node_respond_error (msg, status, message);
}

/**
 * qtr_node_api_authorize:
 * @access: who may call the endpoint
 * @scopes: (nullable): the scopes of which the token needs one, separated by spaces (e.g.
 *   `read:accounts profile`); %NULL when any token will do
 * @auth: (out caller-allocates): who asks, when allowed
 *
 * Checks the request's bearer token. When the request may not go on, it is answered (401 for
 * a missing, unknown or revoked token, 403 for one outside its scopes, 422 for an app-only
 * token where the owner must act) and %FALSE returned.
 */
gboolean
qtr_node_api_authorize (QtrNode           *node,
                        SoupServerMessage *msg,
                        QtrApiAccess       access,
                        const char        *scopes,
                        QtrApiAuth        *auth)
{
  g_autofree char *token = qtr_node_api_get_bearer_token (msg);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) wanted = NULL;
  QtrOAuthScopes granted;

  auth->token = NULL;
  if (token == NULL)
    {
      if (access == QTR_API_PUBLIC)
        return TRUE;
      refuse_token (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_token", INVALID_TOKEN);
      return FALSE;
    }

  hash = qtr_oauth_hash_token (token);
  auth->token = qtr_node_store_find_token (qtr_node_get_store (node), hash, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return FALSE;
    }
  if (auth->token == NULL ||
      !qtr_oauth_scopes_parse (auth->token->scopes, &granted, NULL))
    {
      qtr_api_auth_clear (auth);
      refuse_token (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_token", INVALID_TOKEN);
      return FALSE;
    }

  if (scopes != NULL)
    {
      gboolean allowed = FALSE;

      wanted = g_strsplit (scopes, " ", -1);
      for (guint i = 0; wanted[i] != NULL && !allowed; i++)
        allowed = qtr_oauth_scopes_allow (granted, wanted[i]);
      if (!allowed)
        {
          qtr_api_auth_clear (auth);
          refuse_token (msg, SOUP_STATUS_FORBIDDEN, "insufficient_scope", OUT_OF_SCOPE);
          return FALSE;
        }
    }

  if (access == QTR_API_USER && !auth->token->has_user)
    {
      qtr_api_auth_clear (auth);
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, USER_REQUIRED);
      return FALSE;
    }
  return TRUE;
}

static void
add_param (GHashTable *params,
           const char *name,
           const char *value)
{
  g_autofree char *key = NULL;
  const char *before;

  /* `redirect_uris[]=a&redirect_uris[]=b`, as Rails clients send arrays. */
  key = g_str_has_suffix (name, "[]") ? g_strndup (name, strlen (name) - 2) : g_strdup (name);
  before = g_hash_table_lookup (params, key);
  if (before != NULL)
    g_hash_table_insert (params, g_steal_pointer (&key), g_strconcat (before, "\n", value, NULL));
  else
    g_hash_table_insert (params, g_steal_pointer (&key), g_strdup (value));
}

static char *
decode_form_part (const char *start,
                  gsize       length)
{
  g_autofree char *copy = g_strndup (start, length);

  for (char *p = copy; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = ' ';
    }
  return g_uri_unescape_string (copy, NULL);
}

static gboolean
read_form (GHashTable  *params,
           const char  *text,
           gsize        length,
           GError     **error)
{
  const char *end = text + length;
  const char *p = text;

  while (p < end)
    {
      const char *amp = memchr (p, '&', end - p);
      const char *part_end = amp ? amp : end;
      const char *equals = memchr (p, '=', part_end - p);
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (part_end > p)
        {
          name = decode_form_part (p, (equals ? equals : part_end) - p);
          value = equals ? decode_form_part (equals + 1, part_end - equals - 1) : g_strdup ("");
          if (name == NULL || value == NULL || !g_utf8_validate (name, -1, NULL) ||
              !g_utf8_validate (value, -1, NULL))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The form is not valid URL-encoded UTF-8");
              return FALSE;
            }
          add_param (params, name, value);
        }
      p = part_end + 1;
    }
  return TRUE;
}

static char *
json_value_to_string (JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    return g_strdup_printf ("%g", json_node_get_double (node));
  return NULL;
}

/* A member named @name: values as they are, arrays of values as arrays, and objects (and
 * arrays of objects) as Rails forms name their parts: `name[member]`, `name[index][member]`.
 * @depth bounds the nesting. */
static void
read_json_member (GHashTable *params,
                  const char *name,
                  JsonNode   *member,
                  guint       depth)
{
  if (JSON_NODE_HOLDS_VALUE (member))
    {
      g_autofree char *value = json_value_to_string (member);

      if (value != NULL)
        add_param (params, name, value);
    }
  else if (JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element))
            {
              /* Strings, and numbers such as a vote's choices. */
              g_autofree char *value = json_value_to_string (element);

              if (value != NULL)
                add_param (params, name, value);
            }
          else if (JSON_NODE_HOLDS_OBJECT (element) && depth > 0)
            {
              g_autofree char *indexed = g_strdup_printf ("%s[%u]", name, i);

              read_json_member (params, indexed, element, depth - 1);
            }
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (member) && depth > 0)
    {
      JsonObject *object = json_node_get_object (member);
      g_autoptr(GList) names = json_object_get_members (object);

      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *nested = g_strdup_printf ("%s[%s]", name, (const char *) l->data);

          read_json_member (params, nested, json_object_get_member (object, l->data),
                            depth - 1);
        }
    }
}

static gboolean
read_json (GHashTable  *params,
           const char  *text,
           gsize        length,
           GError     **error)
{
  g_autoptr(JsonObject) object = qtr_json_parse_object (text, length, error);
  g_autoptr(GList) members = NULL;

  if (object == NULL)
    return FALSE;
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    read_json_member (params, l->data, json_object_get_member (object, l->data), 2);
  return TRUE;
}

/* The text fields of a multipart/form-data body; file parts are left to the handlers that
 * take files. */
static gboolean
read_multipart (GHashTable          *params,
                GHashTable          *files,
                SoupMessageHeaders  *headers,
                GBytes              *body,
                GError             **error)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, body);

  if (multipart == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The multipart body does not parse");
      return FALSE;
    }
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) disposition_params = NULL;
      g_autofree char *value = NULL;
      const char *name;
      gsize length;
      const char *data;

      if (!soup_multipart_get_part (multipart, i, &part_headers, &part_body) ||
          !soup_message_headers_get_content_disposition (part_headers, &disposition,
                                                         &disposition_params))
        continue;
      name = g_hash_table_lookup (disposition_params, "name");
      if (name == NULL)
        continue;
      if (g_hash_table_contains (disposition_params, "filename"))
        {
          if (files != NULL && g_utf8_validate (name, -1, NULL))
            g_hash_table_insert (files, g_strdup (name), g_bytes_ref (part_body));
          continue;
        }
      data = g_bytes_get_data (part_body, &length);
      value = g_strndup (data, length);
      if (strlen (value) != length || !g_utf8_validate (value, -1, NULL) ||
          !g_utf8_validate (name, -1, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "The form field “%s” is not UTF-8 text", name);
          return FALSE;
        }
      add_param (params, name, value);
    }
  return TRUE;
}

/**
 * qtr_node_api_read_params:
 * @status: (out): on failure, the HTTP status to answer with
 *
 * Gathers the request's parameters: the query's, then the body's, as a form
 * (`application/x-www-form-urlencoded`, or the text fields of `multipart/form-data`) or
 * JSON. An array (`name[]=…` repeated, or a JSON array of strings) becomes one value with a
 * line per element.
 *
 * Returns: (transfer full): name → value, or %NULL with @error set for a body too large, of
 *   another type, or not valid
 */
GHashTable *
qtr_node_api_read_params (SoupServerMessage  *msg,
                          guint              *status,
                          GError            **error)
{
  return qtr_node_api_read_params_full (msg, QTR_API_MAX_BODY_SIZE, NULL, status, error);
}

/**
 * qtr_node_api_read_params_full:
 * @max_size: the largest body taken
 * @files: (nullable): where to put the files of a multipart body: name → #GBytes
 * @status: (out): on failure, the HTTP status to answer with
 *
 * Like qtr_node_api_read_params(), for the endpoints that take files (uploads).
 *
 * Returns: (transfer full): name → value, or %NULL with @error set
 */
GHashTable *
qtr_node_api_read_params_full (SoupServerMessage  *msg,
                               gsize               max_size,
                               GHashTable         *files,
                               guint              *status,
                               GError            **error)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) bytes = NULL;
  const char *content_type;
  const char *data;
  gsize length;

  if (query != NULL && !read_form (params, query, strlen (query), error))
    {
      *status = SOUP_STATUS_BAD_REQUEST;
      return NULL;
    }
  if (body->length == 0)
    return g_steal_pointer (&params);

  if ((gsize) body->length > max_size)
    {
      *status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "The body is larger than %" G_GSIZE_FORMAT " bytes", max_size);
      return NULL;
    }
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);
  content_type = soup_message_headers_get_content_type (headers, NULL);
  if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") == 0)
    {
      if (!read_form (params, data, length, error))
        {
          *status = SOUP_STATUS_BAD_REQUEST;
          return NULL;
        }
    }
  else if (g_strcmp0 (content_type, "multipart/form-data") == 0)
    {
      if (!read_multipart (params, files, headers, bytes, error))
        {
          *status = SOUP_STATUS_BAD_REQUEST;
          return NULL;
        }
    }
  else if (g_strcmp0 (content_type, "application/json") == 0)
    {
      if (!read_json (params, data, length, error))
        {
          *status = SOUP_STATUS_BAD_REQUEST;
          return NULL;
        }
    }
  else
    {
      *status = SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Send the parameters as application/x-www-form-urlencoded, "
                   "multipart/form-data or application/json");
      return NULL;
    }
  return g_steal_pointer (&params);
}

/* Refuses a request from its headers. libsoup reads no body after an answer to a request
 * that expects `100 Continue`; of any other request it would read the whole body first, so
 * the answer is written on the socket now and the connection closed. */
static void
refuse_body (SoupServerMessage *msg,
             const char        *path,
             guint              status,
             const char        *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GSocket *socket = soup_server_message_get_socket (msg);
  g_autofree char *response = NULL;
  g_autofree char *body = NULL;

  qtr_node_api_apply_cors (msg, path);
  qtr_node_respond_error (msg, status, message);
  if ((soup_message_headers_get_expectations (headers) & SOUP_EXPECTATION_CONTINUE) != 0 ||
      socket == NULL)
    return;
  if (!g_str_equal (g_uri_get_scheme (soup_server_message_get_uri (msg)), "https"))
    {
      body = g_strdup_printf ("{\"error\":\"%s\"}", message);
      response = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                                  "Content-Type: application/json; charset=utf-8\r\n"
                                  "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                  "Access-Control-Allow-Origin: *\r\n"
                                  "Connection: close\r\n\r\n%s",
                                  status, soup_status_get_phrase (status), strlen (body), body);
      g_socket_send (socket, response, strlen (response), NULL, NULL);
    }
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/**
 * qtr_node_api_get_upload_limit:
 * @path: a request's path
 *
 * Returns: the largest body the endpoint at @path takes when it takes files (media, profile
 *   images), 0 for the others (they take %QTR_API_MAX_BODY_SIZE)
 */
gsize
qtr_node_api_get_upload_limit (const char *path)
{
  g_autofree char *trimmed = g_strdup (path);

  if (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  /* The file and the form around it. */
  if (g_str_equal (trimmed, "/api/v1/media") || g_str_equal (trimmed, "/api/v2/media"))
    return QTR_API_VIDEO_SIZE_LIMIT + QTR_API_MAX_BODY_SIZE;
  if (g_str_equal (trimmed, "/api/v1/accounts/update_credentials"))
    return 2 * QTR_API_IMAGE_SIZE_LIMIT + QTR_API_MAX_BODY_SIZE;
  return 0;
}

/**
 * qtr_node_api_early_cb:
 *
 * Refuses bodies larger than the client API takes from their Content-Length, before they
 * are read.
 */
void
qtr_node_api_early_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  gsize upload_limit;

  if (!g_str_has_prefix (path, "/api/") && !g_str_has_prefix (path, "/oauth/"))
    return;
  upload_limit = qtr_node_api_get_upload_limit (path);
  if (upload_limit > 0)
    {
      /* Uploads are read whole: their size must be known, and within the limit, first. */
      if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH &&
          soup_message_headers_get_encoding (headers) != SOUP_ENCODING_NONE)
        refuse_body (msg, path, SOUP_STATUS_LENGTH_REQUIRED, "Uploads need a Content-Length");
      else if (soup_message_headers_get_content_length (headers) > (goffset) upload_limit)
        refuse_body (msg, path, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                     "The file is larger than the node takes");
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > QTR_API_MAX_BODY_SIZE)
    refuse_body (msg, path, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                 "The body is larger than the node takes (64 KiB)");
}

/**
 * qtr_node_api_apply_cors:
 * @path: the request's path
 *
 * Adds the CORS headers Mastodon sends on /api, /oauth/token and /oauth/revoke, so that web
 * clients on other origins can use the node; answers their preflight `OPTIONS` requests.
 *
 * Returns: %TRUE when the request was a preflight and is answered
 */
gboolean
qtr_node_api_apply_cors (SoupServerMessage *msg,
                         const char        *path)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  const char *asked;

  if (!g_str_has_prefix (path, "/api/") && !g_str_equal (path, "/oauth/token") &&
      !g_str_equal (path, "/oauth/revoke") &&
      !g_str_equal (path, "/.well-known/oauth-authorization-server"))
    return FALSE;

  soup_message_headers_replace (response, "Access-Control-Allow-Origin", "*");
  soup_message_headers_replace (response, "Access-Control-Expose-Headers", CORS_EXPOSED);
  if (!g_str_equal (soup_server_message_get_method (msg), "OPTIONS"))
    return FALSE;

  soup_message_headers_replace (response, "Access-Control-Allow-Methods", CORS_METHODS);
  asked = soup_message_headers_get_list (request, "Access-Control-Request-Headers");
  if (asked != NULL)
    soup_message_headers_replace (response, "Access-Control-Allow-Headers", asked);
  soup_message_headers_replace (response, "Access-Control-Max-Age", "7200");
  soup_message_headers_append (response, "Vary", "Origin");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "", 0);
  return TRUE;
}

/**
 * qtr_node_api_account_id:
 * @actor_row: a row in remote_actors, or 0 for the owner
 *
 * Account ids are strings, as in Mastodon: the owner is "1", the actor of row N is "N+1".
 *
 * Returns: (transfer full): the account's id
 */
char *
qtr_node_api_account_id (gint64 actor_row)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, actor_row + 1);
}

/**
 * qtr_node_api_parse_id:
 * @text: (nullable): a parameter
 * @value: (out): its number, set only on success
 *
 * Reads the ids (and counts) the client API takes: positive decimal numbers.
 *
 * Returns: %TRUE when @text is one
 */
gboolean
qtr_node_api_parse_id (const char *text,
                       gint64     *value)
{
  guint64 parsed;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &parsed, NULL))
    return FALSE;
  *value = (gint64) parsed;
  return TRUE;
}

/**
 * qtr_node_api_parse_account_id:
 * @actor_row: (out): the row in remote_actors, 0 for the owner
 *
 * Returns: %TRUE when @id is an account id (a positive decimal number)
 */
gboolean
qtr_node_api_parse_account_id (const char *id,
                               gint64     *actor_row)
{
  if (!qtr_node_api_parse_id (id, actor_row))
    return FALSE;
  *actor_row -= 1;
  return TRUE;
}

/* Mastodon gives the day an account was made, at midnight UTC. */
static char *
format_created_at (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (MAX (unix_seconds, 0));

  return g_date_time_format (time, "%Y-%m-%dT00:00:00.000Z");
}

static void
add_date_or_null (JsonBuilder *builder,
                  const char  *name,
                  gint64       unix_seconds)
{
  json_builder_set_member_name (builder, name);
  if (unix_seconds <= 0)
    {
      json_builder_add_null_value (builder);
      return;
    }
  {
    g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);
    g_autofree char *day = g_date_time_format (time, "%Y-%m-%d");

    json_builder_add_string_value (builder, day);
  }
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_empty_array (JsonBuilder *builder,
                 const char  *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
}

static void
add_images (JsonBuilder *builder,
            QtrNode     *node,
            const char  *avatar,
            const char  *header)
{
  const char *base_url = qtr_node_get_base_url (node);
  g_autofree char *default_avatar = g_strconcat (base_url, DEFAULT_AVATAR_PATH, NULL);
  g_autofree char *default_header = g_strconcat (base_url, DEFAULT_HEADER_PATH, NULL);

  qtr_json_builder_add_string (builder, "avatar", avatar ? avatar : default_avatar);
  qtr_json_builder_add_string (builder, "avatar_static", avatar ? avatar : default_avatar);
  qtr_json_builder_add_string (builder, "header", header ? header : default_header);
  qtr_json_builder_add_string (builder, "header_static", header ? header : default_header);
}

/* The numbers an Account shows. */
typedef struct {
  gint64 followers;
  gint64 following;
  gint64 statuses;
  gint64 last_status_at;
  gint64 follow_requests;
} AccountCounts;

static QtrMedia *
get_profile_image (QtrNode *node,
                   gint64   media_id)
{
  g_autoptr(GError) error = NULL;
  QtrMedia *media;

  if (media_id <= 0)
    return NULL;
  media = qtr_node_find_media (node, media_id, &error);
  if (media == NULL)
    g_warning ("The profile's image %" G_GINT64_FORMAT " cannot be shown: %s", media_id,
               error->message);
  return media;
}

/* The owner's fields: as HTML in the account, as typed in its source. */
static void
add_owner_fields (JsonBuilder *builder,
                  GStrv        fields,
                  gboolean     html)
{
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    {
      g_autofree char *value = html ? qtr_node_format_field_value (fields[i + 1])
                                    : g_strdup (fields[i + 1]);

      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "name", fields[i]);
      qtr_json_builder_add_string (builder, "value", value);
      json_builder_set_member_name (builder, "verified_at");
      json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_owner_account (JsonBuilder         *builder,
                   QtrNode             *node,
                   gboolean             with_source,
                   const AccountCounts *counts)
{
  QtrNodeOwner *owner = qtr_node_get_owner (node);
  QtrNodeConfig *config = qtr_node_get_config (node);
  g_autofree char *id = qtr_node_api_account_id (0);
  g_autofree char *actor_url = qtr_node_get_actor_url (node);
  g_autofree char *escaped = g_uri_escape_string (owner->username, NULL, FALSE);
  g_autofree char *profile_url = g_strdup_printf ("%s/@%s", config->base_url, escaped);
  g_autofree char *created_at = format_created_at (owner->created_at);
  g_autofree char *note = qtr_html_sanitize (owner->summary);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "username", owner->username);
  qtr_json_builder_add_string (builder, "acct", owner->username);
  qtr_json_builder_add_string (builder, "display_name", owner->display_name);
  add_boolean (builder, "locked", config->manual_approval);
  add_boolean (builder, "bot", owner->bot);
  add_boolean (builder, "discoverable", owner->discoverable);
  add_boolean (builder, "indexable", FALSE);
  add_boolean (builder, "group", FALSE);
  qtr_json_builder_add_string (builder, "created_at", created_at);
  qtr_json_builder_add_string (builder, "note", note);
  qtr_json_builder_add_string (builder, "url", profile_url);
  qtr_json_builder_add_string (builder, "uri", actor_url);
  {
    g_autoptr(QtrMedia) avatar = get_profile_image (node, owner->avatar_id);
    g_autoptr(QtrMedia) header = get_profile_image (node, owner->header_id);

    add_images (builder, node, avatar ? avatar->url : NULL, header ? header->url : NULL);
  }
  add_int (builder, "followers_count", counts->followers);
  add_int (builder, "following_count", counts->following);
  add_int (builder, "statuses_count", counts->statuses);
  add_date_or_null (builder, "last_status_at", counts->last_status_at);
  add_empty_array (builder, "emojis");
  add_owner_fields (builder, owner->fields, TRUE);
  add_empty_array (builder, "roles");

  if (with_source)
    {
      g_autofree char *plain_note = qtr_html_to_text (owner->summary);

      json_builder_set_member_name (builder, "source");
      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "privacy", "public");
      add_boolean (builder, "sensitive", FALSE);
      qtr_json_builder_add_string (builder, "language", "");
      qtr_json_builder_add_string (builder, "note", plain_note);
      add_owner_fields (builder, owner->fields, FALSE);
      add_int (builder, "follow_requests_count", counts->follow_requests);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

static void
add_fields (JsonBuilder *builder,
            GPtrArray   *fields)
{
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      const QtrProfileField *field = g_ptr_array_index (fields, i);

      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "name", field->name);
      qtr_json_builder_add_string (builder, "value", field->value);
      json_builder_set_member_name (builder, "verified_at");
      json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static QtrActorDoc *
parse_actor_document (const QtrRemoteActor *actor)
{
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GError) error = NULL;
  QtrActorDoc *doc;

  if (actor->document == NULL)
    return NULL;
  json = qtr_json_parse_object (actor->document, strlen (actor->document), &error);
  doc = json ? qtr_actor_doc_parse (json, &error) : NULL;
  if (doc == NULL)
    g_debug ("The stored document of %s does not parse: %s", actor->uri, error->message);
  return doc;
}

/**
 * qtr_node_api_add_remote_account:
 *
 * Adds the Account entity of an actor of another server, from the document it last served.
 */
void
qtr_node_api_add_remote_account (JsonBuilder          *builder,
                                 QtrNode              *node,
                                 const QtrRemoteActor *actor)
{
  g_autoptr(QtrActorDoc) doc = parse_actor_document (actor);
  g_autofree char *id = qtr_node_api_account_id (actor->row);
  g_autofree char *acct = g_strdup_printf ("%s@%s", actor->username, actor->host);
  g_autofree char *created_at = format_created_at (doc && doc->published ? doc->published
                                                                         : actor->fetched_at);
  g_autoptr(GError) error = NULL;
  gint64 statuses = 0, last_status_at = 0;

  if (!qtr_node_store_actor_status_stats (qtr_node_get_store (node), actor->row, &statuses,
                                          &last_status_at, &error))
    g_debug ("Cannot count the posts of %s: %s", actor->uri, error->message);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "username", actor->username);
  qtr_json_builder_add_string (builder, "acct", acct);
  qtr_json_builder_add_string (builder, "display_name",
                               doc && doc->name ? doc->name : actor->display_name);
  add_boolean (builder, "locked", doc && doc->manually_approves_followers);
  add_boolean (builder, "bot", doc && (doc->type == QTR_ACTOR_TYPE_SERVICE ||
                                       doc->type == QTR_ACTOR_TYPE_APPLICATION));
  add_boolean (builder, "discoverable", doc && doc->discoverable);
  add_boolean (builder, "indexable", FALSE);
  add_boolean (builder, "group", doc && doc->type == QTR_ACTOR_TYPE_GROUP);
  qtr_json_builder_add_string (builder, "created_at", created_at);
  qtr_json_builder_add_string (builder, "note", doc && doc->summary ? doc->summary : "");
  qtr_json_builder_add_string (builder, "url", doc && doc->url ? doc->url : actor->uri);
  qtr_json_builder_add_string (builder, "uri", actor->uri);
  add_images (builder, node, doc ? doc->icon : NULL, doc ? doc->image : NULL);
  add_int (builder, "followers_count", 0);
  add_int (builder, "following_count", 0);
  add_int (builder, "statuses_count", statuses);
  add_date_or_null (builder, "last_status_at", last_status_at);
  add_empty_array (builder, "emojis");
  add_fields (builder, doc ? doc->fields : NULL);
  json_builder_end_object (builder);
}

/**
 * qtr_node_api_add_account:
 * @actor_row: the actor's row in remote_actors, 0 for the owner
 * @with_source: add `source`, as verify_credentials does (the owner only)
 *
 * Adds the Account entity of the owner or of a known actor.
 *
 * Returns: %FALSE with @error set on failure; %FALSE with @error unset when there is no such
 *   account
 */
gboolean
qtr_node_api_add_account (JsonBuilder  *builder,
                          QtrNode      *node,
                          gint64        actor_row,
                          gboolean      with_source,
                          GError      **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);

  if (actor_row == 0)
    {
      AccountCounts counts = { 0 };

      counts.followers = qtr_node_store_count_follows (store, "followers", TRUE, error);
      if (counts.followers < 0)
        return FALSE;
      counts.follow_requests = qtr_node_store_count_follows (store, "followers", FALSE, error);
      if (counts.follow_requests < 0)
        return FALSE;
      counts.follow_requests -= counts.followers;
      counts.following = qtr_node_store_count_follows (store, "following", TRUE, error);
      if (counts.following < 0 ||
          !qtr_node_store_actor_status_stats (store, 0, &counts.statuses,
                                              &counts.last_status_at, error))
        return FALSE;
      add_owner_account (builder, node, with_source, &counts);
      return TRUE;
    }
  {
    g_autoptr(QtrRemoteActor) actor = qtr_node_store_find_remote_actor_by_row (store, actor_row,
                                                                               error);
    if (actor == NULL)
      return FALSE;
    qtr_node_api_add_remote_account (builder, node, actor);
    return TRUE;
  }
}

/**
 * qtr_node_api_respond_accounts:
 * @rows: (element-type gint64): actor rows, 0 for the owner
 *
 * Answers an array of the accounts of @rows; rows no longer stored are left out.
 */
void
qtr_node_api_respond_accounts (QtrNode           *node,
                               SoupServerMessage *msg,
                               GArray            *rows)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!qtr_node_api_add_account (builder, node, g_array_index (rows, gint64, i), FALSE,
                                     &error) && error != NULL)
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
    }
  json_builder_end_array (builder);
  qtr_node_api_respond (msg, builder);
}

static void
respond_account (QtrNode           *node,
                 SoupServerMessage *msg,
                 gint64             actor_row,
                 gboolean           with_source)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!qtr_node_api_add_account (builder, node, actor_row, with_source, &error))
    {
      if (error != NULL)
        qtr_node_api_respond_internal_error (msg, error);
      else
        qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Record not found");
      return;
    }
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_verify_credentials (QtrNode           *node,
                                    SoupServerMessage *msg,
                                    GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:accounts profile", &auth))
    return;
  respond_account (node, msg, 0, TRUE);
}

void
qtr_node_handle_account (QtrNode           *node,
                         SoupServerMessage *msg,
                         GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  gint64 actor_row;

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, "read:accounts", &auth))
    return;
  if (!qtr_node_api_parse_account_id (g_hash_table_lookup (params, "id"), &actor_row))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Record not found");
      return;
    }
  respond_account (node, msg, actor_row, FALSE);
}

void
qtr_node_handle_account_lookup (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autofree char *host = qtr_node_get_host (node);
  g_auto(GStrv) parts = NULL;
  const char *acct;
  guint status;

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, "read:accounts", &auth))
    return;
  query = qtr_node_api_read_params (msg, &status, &error);
  if (query == NULL)
    {
      qtr_node_respond_error (msg, status, error->message);
      return;
    }
  acct = g_hash_table_lookup (query, "acct");
  if (acct == NULL || *acct == '\0')
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: acct is missing");
      return;
    }
  if (*acct == '@')
    acct++;
  parts = g_strsplit (acct, "@", 2);
  if (g_ascii_strcasecmp (parts[0], qtr_node_get_owner (node)->username) == 0 &&
      (parts[1] == NULL || g_ascii_strcasecmp (parts[1], host) == 0))
    {
      respond_account (node, msg, 0, FALSE);
      return;
    }
  if (parts[1] != NULL)
    actor = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "handle", acct, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (actor == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Record not found");
      return;
    }
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();

    qtr_node_api_add_remote_account (builder, node, actor);
    qtr_node_api_respond (msg, builder);
  }
}

static char *
get_streaming_url (QtrNode *node)
{
  const char *base_url = qtr_node_get_base_url (node);

  if (g_str_has_prefix (base_url, "https://"))
    return g_strconcat ("wss://", base_url + strlen ("https://"), NULL);
  return g_strconcat ("ws://", base_url + strlen ("http://"), NULL);
}

/**
 * qtr_node_api_add_strings:
 * @values: %NULL-terminated
 *
 * Adds the member @name, an array of @values.
 */
void
qtr_node_api_add_strings (JsonBuilder        *builder,
                          const char         *name,
                          const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* `configuration`'s parts that both versions of the instance share. */
static void
add_limits (JsonBuilder *builder,
            gboolean     v2)
{
  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_object (builder);
  add_int (builder, "max_featured_tags", 10);
  if (v2)
    add_int (builder, "max_pinned_statuses", 5);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "statuses");
  json_builder_begin_object (builder);
  add_int (builder, "max_characters", QTR_API_MAX_CHARACTERS);
  add_int (builder, "max_media_attachments", QTR_API_MAX_MEDIA_ATTACHMENTS);
  add_int (builder, "characters_reserved_per_url", QTR_API_CHARACTERS_RESERVED_PER_URL);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "media_attachments");
  json_builder_begin_object (builder);
  qtr_node_api_add_strings (builder, "supported_mime_types", supported_mime_types);
  add_int (builder, "image_size_limit", QTR_API_IMAGE_SIZE_LIMIT);
  add_int (builder, "image_matrix_limit", QTR_API_IMAGE_MATRIX_LIMIT);
  add_int (builder, "video_size_limit", QTR_API_VIDEO_SIZE_LIMIT);
  add_int (builder, "video_frame_rate_limit", QTR_API_VIDEO_FRAME_RATE_LIMIT);
  add_int (builder, "video_matrix_limit", QTR_API_VIDEO_MATRIX_LIMIT);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "polls");
  json_builder_begin_object (builder);
  add_int (builder, "max_options", QTR_API_MAX_POLL_OPTIONS);
  add_int (builder, "max_characters_per_option", QTR_API_MAX_POLL_OPTION_CHARACTERS);
  add_int (builder, "min_expiration", QTR_API_MIN_POLL_EXPIRATION);
  add_int (builder, "max_expiration", QTR_API_MAX_POLL_EXPIRATION);
  json_builder_end_object (builder);
}

static gboolean
add_contact_account (JsonBuilder       *builder,
                     QtrNode           *node,
                     SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;

  json_builder_set_member_name (builder, "contact_account");
  if (!qtr_node_api_add_account (builder, node, 0, FALSE, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return FALSE;
    }
  return TRUE;
}

static char *
get_title (QtrNode *node)
{
  QtrNodeOwner *owner = qtr_node_get_owner (node);

  return g_strdup (*owner->display_name ? owner->display_name : owner->username);
}

/* The instance is public, and read whatever token comes along, as on Mastodon: clients ask
 * for it to detect features before and after signing in. */
void
qtr_node_handle_instance_v1 (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *params)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *host = qtr_node_get_host (node);
  g_autofree char *title = get_title (node);
  g_autofree char *streaming = get_streaming_url (node);
  g_autofree char *thumbnail = g_strconcat (qtr_node_get_base_url (node), DEFAULT_HEADER_PATH,
                                            NULL);
  g_autoptr(GError) error = NULL;
  gint64 statuses = qtr_node_store_count_statuses (qtr_node_get_store (node), TRUE, &error);
  static const char * const languages[] = { "en", NULL };

  if (statuses < 0)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "uri", host);
  qtr_json_builder_add_string (builder, "title", title);
  qtr_json_builder_add_string (builder, "short_description", "");
  qtr_json_builder_add_string (builder, "description", "");
  qtr_json_builder_add_string (builder, "email", "");
  qtr_json_builder_add_string (builder, "version",
                               MASTODON_VERSION " (compatible; Quitter " PACKAGE_VERSION ")");
  json_builder_set_member_name (builder, "urls");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "streaming_api", streaming);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "stats");
  json_builder_begin_object (builder);
  add_int (builder, "user_count", 1);
  add_int (builder, "status_count", statuses);
  add_int (builder, "domain_count", 0);
  json_builder_end_object (builder);
  qtr_json_builder_add_string (builder, "thumbnail", thumbnail);
  qtr_node_api_add_strings (builder, "languages", languages);
  add_boolean (builder, "registrations", FALSE);
  add_boolean (builder, "approval_required", FALSE);
  add_boolean (builder, "invites_enabled", FALSE);
  json_builder_set_member_name (builder, "configuration");
  json_builder_begin_object (builder);
  add_limits (builder, FALSE);
  json_builder_end_object (builder);
  if (!add_contact_account (builder, node, msg))
    return;
  add_empty_array (builder, "rules");
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_instance_v2 (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *params)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *host = qtr_node_get_host (node);
  g_autofree char *title = get_title (node);
  g_autofree char *streaming = get_streaming_url (node);
  g_autofree char *thumbnail = g_strconcat (qtr_node_get_base_url (node), DEFAULT_HEADER_PATH,
                                            NULL);
  static const char * const languages[] = { "en", NULL };


  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "domain", host);
  qtr_json_builder_add_string (builder, "title", title);
  qtr_json_builder_add_string (builder, "version",
                               MASTODON_VERSION " (compatible; Quitter " PACKAGE_VERSION ")");
  qtr_json_builder_add_string (builder, "source_url", APP_WEBSITE);
  qtr_json_builder_add_string (builder, "description", "");
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "users");
  json_builder_begin_object (builder);
  add_int (builder, "active_month", 1);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "thumbnail");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "url", thumbnail);
  json_builder_end_object (builder);
  add_empty_array (builder, "icon");
  qtr_node_api_add_strings (builder, "languages", languages);

  json_builder_set_member_name (builder, "configuration");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "urls");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "streaming", streaming);
  json_builder_set_member_name (builder, "status");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  add_limits (builder, TRUE);
  json_builder_set_member_name (builder, "translation");
  json_builder_begin_object (builder);
  add_boolean (builder, "enabled", FALSE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "registrations");
  json_builder_begin_object (builder);
  add_boolean (builder, "enabled", FALSE);
  add_boolean (builder, "approval_required", FALSE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "api_versions");
  json_builder_begin_object (builder);
  add_int (builder, "mastodon", 2);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "contact");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "email", "");
  json_builder_set_member_name (builder, "account");
  {
    g_autoptr(GError) error = NULL;

    if (!qtr_node_api_add_account (builder, node, 0, FALSE, &error))
      {
        qtr_node_api_respond_internal_error (msg, error);
        return;
      }
  }
  json_builder_end_object (builder);
  add_empty_array (builder, "rules");
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_default_image (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *params)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  gboolean avatar = g_str_equal (path, DEFAULT_AVATAR_PATH);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "public, max-age=604800");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC,
                                    avatar ? (const char *) default_avatar_png
                                           : (const char *) default_header_png,
                                    avatar ? sizeof default_avatar_png
                                           : sizeof default_header_png);
}
