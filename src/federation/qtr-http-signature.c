/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-http-signature.h"

#include <string.h>

/* HTTP signatures, both ways.
 *
 * Outgoing requests are signed as Mastodon signs them (draft-cavage-http-signatures-12,
 * rsa-sha256 over `(request-target) host date digest`); an RFC 9421 signer exists too.
 *
 * Incoming requests go in two steps, so that the inbox can pause the request while it fetches
 * the signer's key: qtr_http_signature_parse() reads the signature fields, refuses what we do
 * not accept (unknown algorithms, weak coverage, a body that does not match its digest, a date
 * outside the window) and builds the signing string or signature base from the request; the
 * caller then fetches the key named by qtr_http_signature_get_key_id(), and
 * qtr_http_signature_verify() checks the signature with it.
 *
 * The time window is Mastodon's (app/lib/signed_request.rb, `matches_time_window?`): a
 * signature expires at its `expires` parameter, or 5 minutes after its creation when it has
 * none, but never later than 12 hours after it (EXPIRATION_WINDOW_LIMIT); both ends get a
 * clock-skew margin of 1 hour (CLOCK_SKEW_MARGIN). So a signature without `expires` is refused
 * as expired 1 h 05 min after it was made, and as from the future when made more than 1 h
 * ahead. The creation time is the `created` parameter where the signature covers it, otherwise
 * the signed Date field.
 *
 * What we require a signature to cover (our policy, stricter than Mastodon's where the brief
 * of this module asked for it):
 * - cavage: `(request-target)`, `host`, `date` or `(created)`, and `digest` for a request with
 *   a body (non-empty, or POST, PUT, PATCH);
 * - RFC 9421: a `created` parameter, `@method`, the target (`@target-uri`, or `@request-target`
 *   or `@path` plus `@query` when there is a query, together with `@authority` or `host`), and
 *   `content-digest` for a request with a body.
 */

#define CLOCK_SKEW_MARGIN        (60 * 60)
#define EXPIRATION_WINDOW_LIMIT  (12 * 60 * 60)
#define DEFAULT_LIFETIME         (5 * 60)

struct _QtrHttpSignature
{
  GObject                 parent_instance;

  QtrHttpSignatureFormat  format;
  char                   *key_id;
  char                   *algorithm;          /* as named by the sender; nullable */
  char                   *label;              /* RFC 9421 only */
  GStrv                   components;
  char                   *signature_base;
  GBytes                 *signature;
  gint64                  created;
  gint64                  expires;            /* -1 when the signature names none */
  gboolean                names_algorithm;    /* the signature fixes its algorithm… */
  QtrSignatureAlgorithm   named_algorithm;    /* …to this one */
};

G_DEFINE_TYPE (QtrHttpSignature, qtr_http_signature, G_TYPE_OBJECT)

G_DEFINE_QUARK (qtr-http-signature-error-quark, qtr_http_signature_error)

/* What a component value is computed from. */
typedef struct {
  const char         *method;
  const char         *path_and_query;
  SoupMessageHeaders *headers;
  GBytes             *body;
  char               *scheme;       /* from the base URL; nullable */
  char               *authority;    /* from the base URL; nullable */
} Request;

static void
request_clear (Request *request)
{
  g_clear_pointer (&request->scheme, g_free);
  g_clear_pointer (&request->authority, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, request_clear)

/* Structured fields (RFC 8941), the subset that RFC 9421 needs: dictionaries whose members
 * are inner lists or items, with parameters; integers, strings, tokens, byte sequences and
 * booleans (no decimals). */

typedef enum {
  SF_INTEGER,
  SF_STRING,
  SF_TOKEN,
  SF_BYTES,
  SF_BOOLEAN,
} SfType;

typedef struct {
  SfType   type;
  gint64   integer;  /* SF_INTEGER, SF_BOOLEAN */
  char    *text;     /* SF_STRING, SF_TOKEN */
  GBytes  *bytes;    /* SF_BYTES */
} SfValue;

typedef struct {
  char    *key;
  SfValue  value;
} SfParam;

typedef struct {
  SfValue  value;
  GArray  *params;  /* SfParam */
} SfItem;

typedef struct {
  char      *key;
  GPtrArray *list;  /* (nullable) SfItem*: set when the member is an inner list */
  SfItem    *item;  /* the member's item; for an inner list, only its params are used */
} SfMember;

typedef struct {
  const char *p;
  const char *end;
} SfParser;

static void
sf_value_clear (SfValue *value)
{
  g_clear_pointer (&value->text, g_free);
  g_clear_pointer (&value->bytes, g_bytes_unref);
}

static void
sf_param_clear (gpointer data)
{
  SfParam *param = data;

  g_clear_pointer (&param->key, g_free);
  sf_value_clear (&param->value);
}

static SfItem *
sf_item_new (void)
{
  SfItem *item = g_new0 (SfItem, 1);

  item->params = g_array_new (FALSE, TRUE, sizeof (SfParam));
  g_array_set_clear_func (item->params, sf_param_clear);
  return item;
}

static void
sf_item_free (gpointer data)
{
  SfItem *item = data;

  sf_value_clear (&item->value);
  g_array_unref (item->params);
  g_free (item);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SfItem, sf_item_free)

static void
sf_member_free (gpointer data)
{
  SfMember *member = data;

  g_free (member->key);
  g_clear_pointer (&member->list, g_ptr_array_unref);
  g_clear_pointer (&member->item, sf_item_free);
  g_free (member);
}

static const SfParam *
sf_item_get_param (const SfItem *item,
                   const char   *key)
{
  for (guint i = 0; i < item->params->len; i++)
    {
      const SfParam *param = &g_array_index (item->params, SfParam, i);

      if (strcmp (param->key, key) == 0)
        return param;
    }
  return NULL;
}

static gboolean
sf_is_tchar (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
sf_is_key_start (char c)
{
  return (c >= 'a' && c <= 'z') || c == '*';
}

static gboolean
sf_is_key_char (char c)
{
  return sf_is_key_start (c) || g_ascii_isdigit (c) || c == '_' || c == '-' || c == '.';
}

static gboolean
is_sf_key (const char *text)
{
  if (!sf_is_key_start (*text))
    return FALSE;
  for (const char *c = text + 1; *c != '\0'; c++)
    {
      if (!sf_is_key_char (*c))
        return FALSE;
    }
  return TRUE;
}

static void
sf_skip_spaces (SfParser *parser)
{
  while (parser->p < parser->end && *parser->p == ' ')
    parser->p++;
}

static void
sf_skip_ows (SfParser *parser)
{
  while (parser->p < parser->end && (*parser->p == ' ' || *parser->p == '\t'))
    parser->p++;
}

static char
sf_peek (SfParser *parser)
{
  return parser->p < parser->end ? *parser->p : '\0';
}

static char *
sf_parse_key (SfParser *parser)
{
  const char *start = parser->p;

  if (!sf_is_key_start (sf_peek (parser)))
    return NULL;
  while (sf_is_key_char (sf_peek (parser)))
    parser->p++;
  return g_strndup (start, parser->p - start);
}

static gboolean
sf_parse_bare_item (SfParser *parser,
                    SfValue  *value)
{
  char c = sf_peek (parser);

  memset (value, 0, sizeof *value);

  if (c == '-' || g_ascii_isdigit (c))
    {
      gboolean negative = FALSE;
      guint digits = 0;
      gint64 integer = 0;

      if (c == '-')
        {
          negative = TRUE;
          parser->p++;
        }
      while (g_ascii_isdigit (sf_peek (parser)))
        {
          if (++digits > 15)
            return FALSE;
          integer = integer * 10 + (*parser->p - '0');
          parser->p++;
        }
      if (digits == 0 || sf_peek (parser) == '.')  /* decimals are not needed here */
        return FALSE;
      value->type = SF_INTEGER;
      value->integer = negative ? -integer : integer;
      return TRUE;
    }

  if (c == '"')
    {
      g_autoptr(GString) text = g_string_new (NULL);

      parser->p++;
      for (;;)
        {
          char d = sf_peek (parser);

          if (d == '\0')
            return FALSE;
          parser->p++;
          if (d == '"')
            break;
          if (d == '\\')
            {
              d = sf_peek (parser);
              if (d != '"' && d != '\\')
                return FALSE;
              parser->p++;
            }
          else if (d < 0x20 || d > 0x7e)
            {
              return FALSE;
            }
          g_string_append_c (text, d);
        }
      value->type = SF_STRING;
      value->text = g_string_free (g_steal_pointer (&text), FALSE);
      return TRUE;
    }

  if (g_ascii_isalpha (c) || c == '*')
    {
      const char *start = parser->p;

      while (sf_is_tchar (sf_peek (parser)) || sf_peek (parser) == ':' ||
             sf_peek (parser) == '/')
        parser->p++;
      value->type = SF_TOKEN;
      value->text = g_strndup (start, parser->p - start);
      return TRUE;
    }

  if (c == ':')
    {
      const char *start = ++parser->p;

      while (g_ascii_isalnum (sf_peek (parser)) || sf_peek (parser) == '+' ||
             sf_peek (parser) == '/' || sf_peek (parser) == '=')
        parser->p++;
      if (sf_peek (parser) != ':')
        return FALSE;
      value->bytes = qtr_base64_decode_strict (start, parser->p - start);
      parser->p++;
      if (value->bytes == NULL)
        return FALSE;
      value->type = SF_BYTES;
      return TRUE;
    }

  if (c == '?')
    {
      parser->p++;
      c = sf_peek (parser);
      if (c != '0' && c != '1')
        return FALSE;
      parser->p++;
      value->type = SF_BOOLEAN;
      value->integer = c == '1';
      return TRUE;
    }

  return FALSE;
}

static gboolean
sf_parse_params (SfParser *parser,
                 GArray   *params)
{
  while (sf_peek (parser) == ';')
    {
      SfParam param = { NULL, { SF_BOOLEAN, 1, NULL, NULL } };

      parser->p++;
      sf_skip_spaces (parser);
      param.key = sf_parse_key (parser);
      if (param.key == NULL)
        return FALSE;
      for (guint i = 0; i < params->len; i++)
        {
          if (strcmp (g_array_index (params, SfParam, i).key, param.key) == 0)
            {
              g_free (param.key);
              return FALSE;
            }
        }
      if (sf_peek (parser) == '=')
        {
          parser->p++;
          if (!sf_parse_bare_item (parser, &param.value))
            {
              g_free (param.key);
              return FALSE;
            }
        }
      g_array_append_val (params, param);
    }
  return TRUE;
}

static SfItem *
sf_parse_item (SfParser *parser)
{
  g_autoptr(SfItem) item = sf_item_new ();

  if (!sf_parse_bare_item (parser, &item->value) || !sf_parse_params (parser, item->params))
    return NULL;
  return g_steal_pointer (&item);
}

static GPtrArray *
sf_parse_inner_list (SfParser *parser,
                     GArray   *params)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (sf_item_free);

  if (sf_peek (parser) != '(')
    return NULL;
  parser->p++;
  for (;;)
    {
      SfItem *item;

      sf_skip_spaces (parser);
      if (sf_peek (parser) == ')')
        {
          parser->p++;
          break;
        }
      item = sf_parse_item (parser);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
      if (sf_peek (parser) != ' ' && sf_peek (parser) != ')')
        return NULL;
    }
  if (!sf_parse_params (parser, params))
    return NULL;
  return g_steal_pointer (&items);
}

/* Returns the members in order, or %NULL when @text is not a dictionary. A key that appears
 * twice makes the whole field malformed (RFC 8941 would keep the last one; nothing honest
 * sends two). */
static GPtrArray *
sf_parse_dictionary (const char *text)
{
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (sf_member_free);
  SfParser parser = { text, text + strlen (text) };

  sf_skip_spaces (&parser);
  if (sf_peek (&parser) == '\0')
    return NULL;

  for (;;)
    {
      SfMember *member = g_new0 (SfMember, 1);

      g_ptr_array_add (members, member);
      member->key = sf_parse_key (&parser);
      if (member->key == NULL)
        return NULL;
      for (guint i = 0; i + 1 < members->len; i++)
        {
          if (strcmp (((SfMember *) members->pdata[i])->key, member->key) == 0)
            return NULL;
        }

      if (sf_peek (&parser) == '=')
        {
          parser.p++;
          if (sf_peek (&parser) == '(')
            {
              member->item = sf_item_new ();
              member->list = sf_parse_inner_list (&parser, member->item->params);
              if (member->list == NULL)
                return NULL;
            }
          else
            {
              member->item = sf_parse_item (&parser);
              if (member->item == NULL)
                return NULL;
            }
        }
      else
        {
          member->item = sf_item_new ();
          member->item->value.type = SF_BOOLEAN;
          member->item->value.integer = 1;
          if (!sf_parse_params (&parser, member->item->params))
            return NULL;
        }

      sf_skip_ows (&parser);
      if (sf_peek (&parser) == '\0')
        break;
      if (sf_peek (&parser) != ',')
        return NULL;
      parser.p++;
      sf_skip_ows (&parser);
      if (sf_peek (&parser) == '\0')
        return NULL;
    }

  if (parser.p != parser.end)  /* a NUL inside the value */
    return NULL;
  return g_steal_pointer (&members);
}

static const SfMember *
sf_dictionary_get (GPtrArray  *members,
                   const char *key)
{
  for (guint i = 0; i < members->len; i++)
    {
      const SfMember *member = members->pdata[i];

      if (strcmp (member->key, key) == 0)
        return member;
    }
  return NULL;
}

static void
sf_serialize_value (GString       *out,
                    const SfValue *value)
{
  switch (value->type)
    {
    case SF_INTEGER:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, value->integer);
      break;
    case SF_STRING:
      g_string_append_c (out, '"');
      for (const char *c = value->text; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '"');
      break;
    case SF_TOKEN:
      g_string_append (out, value->text);
      break;
    case SF_BYTES:
      {
        gsize size;
        const guchar *data = g_bytes_get_data (value->bytes, &size);
        g_autofree char *encoded = g_base64_encode (data, size);

        g_string_append_printf (out, ":%s:", encoded);
      }
      break;
    case SF_BOOLEAN:
    default:
      g_string_append (out, value->integer ? "?1" : "?0");
      break;
    }
}

static void
sf_serialize_params (GString *out,
                     GArray  *params)
{
  for (guint i = 0; i < params->len; i++)
    {
      const SfParam *param = &g_array_index (params, SfParam, i);

      g_string_append_printf (out, ";%s", param->key);
      if (param->value.type != SF_BOOLEAN || !param->value.integer)
        {
          g_string_append_c (out, '=');
          sf_serialize_value (out, &param->value);
        }
    }
}

static void
sf_serialize_item (GString      *out,
                   const SfItem *item)
{
  sf_serialize_value (out, &item->value);
  sf_serialize_params (out, item->params);
}

static void
sf_serialize_inner_list (GString   *out,
                         GPtrArray *items,
                         GArray    *params)
{
  g_string_append_c (out, '(');
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      sf_serialize_item (out, items->pdata[i]);
    }
  g_string_append_c (out, ')');
  sf_serialize_params (out, params);
}

static gboolean
is_sf_string_safe (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c < 0x20 || *c > 0x7e)
        return FALSE;
    }
  return TRUE;
}

/* Request fields */

static gboolean
method_has_body (const char *method)
{
  return g_ascii_strcasecmp (method, "POST") == 0 ||
         g_ascii_strcasecmp (method, "PUT") == 0 ||
         g_ascii_strcasecmp (method, "PATCH") == 0;
}

static gboolean
request_has_body (const Request *request)
{
  return method_has_body (request->method) ||
         (request->body != NULL && g_bytes_get_size (request->body) > 0);
}

/* The values of the field @name, each trimmed of surrounding whitespace, joined with ", "
 * (what both drafts ask for a field sent more than once). *@value is %NULL when the field is
 * absent. */
static gboolean
get_field (SoupMessageHeaders  *headers,
           const char          *name,
           char               **value,
           GError             **error)
{
  SoupMessageHeadersIter iter;
  const char *field_name, *field_value;
  g_autoptr(GString) joined = NULL;

  *value = NULL;
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &field_name, &field_value))
    {
      const char *start = field_value;
      const char *end = field_value + strlen (field_value);

      if (g_ascii_strcasecmp (field_name, name) != 0)
        continue;

      while (start < end && (*start == ' ' || *start == '\t'))
        start++;
      while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
      if (memchr (start, '\r', end - start) != NULL || memchr (start, '\n', end - start) != NULL)
        {
          g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                       "The %s field holds a line break", name);
          return FALSE;
        }

      if (joined == NULL)
        joined = g_string_new (NULL);
      else
        g_string_append (joined, ", ");
      g_string_append_len (joined, start, end - start);

      if (joined->len > QTR_HTTP_SIGNATURE_MAX_FIELD_LENGTH)
        {
          g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                       "The %s field is longer than %u bytes", name,
                       QTR_HTTP_SIGNATURE_MAX_FIELD_LENGTH);
          return FALSE;
        }
    }

  if (joined != NULL)
    *value = g_string_free (g_steal_pointer (&joined), FALSE);
  return TRUE;
}

static gboolean
set_base_url (Request     *request,
              const char  *base_url,
              GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) authority = NULL;
  const char *host;
  int port, default_port;

  if (base_url == NULL)
    return TRUE;

  uri = g_uri_parse (base_url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The base URL is not an absolute URL");
      return FALSE;
    }

  request->scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  default_port = strcmp (request->scheme, "https") == 0 ? 443 :
                 strcmp (request->scheme, "http") == 0 ? 80 : -1;
  host = g_uri_get_host (uri);
  port = g_uri_get_port (uri);
  authority = g_string_new (NULL);
  /* An IPv6 literal keeps its brackets; the default port is left out (RFC 9421 §2.2.3). */
  if (strchr (host, ':') != NULL)
    g_string_append_printf (authority, "[%s]", host);
  else
    g_string_append (authority, host);
  if (port != -1 && port != default_port)
    g_string_append_printf (authority, ":%d", port);
  request->authority = g_ascii_strdown (authority->str, -1);
  return TRUE;
}

/* Time */

static gboolean
check_time_window (gint64   created,
                   gint64   expires,
                   gint64   now,
                   GError **error)
{
  gint64 limit;

  if (created > now + CLOCK_SKEW_MARGIN)
    {
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_FUTURE,
                   "The signature was made %" G_GINT64_FORMAT " s in the future", created - now);
      return FALSE;
    }

  limit = expires >= 0 ? expires : created + DEFAULT_LIFETIME;
  limit = MIN (limit, created + EXPIRATION_WINDOW_LIMIT);
  if (now > limit + CLOCK_SKEW_MARGIN)
    {
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_EXPIRED,
                   "The signature expired %" G_GINT64_FORMAT " s ago", now - limit);
      return FALSE;
    }
  return TRUE;
}

/* Unix time of a draft-cavage `created` or `expires` parameter: digits, and for expires an
 * optional fraction, which is dropped. */
static gboolean
parse_timestamp (const char *text,
                 gboolean    allow_fraction,
                 gint64     *timestamp)
{
  gint64 value = 0;
  guint digits = 0;
  const char *c;

  for (c = text; g_ascii_isdigit (*c); c++)
    {
      if (++digits > 15)
        return FALSE;
      value = value * 10 + (*c - '0');
    }
  if (digits == 0)
    return FALSE;
  if (*c == '.' && allow_fraction)
    {
      c++;
      if (!g_ascii_isdigit (*c))
        return FALSE;
      while (g_ascii_isdigit (*c))
        c++;
    }
  if (*c != '\0')
    return FALSE;
  *timestamp = value;
  return TRUE;
}

static gboolean
check_digests (const Request  *request,
               GError        **error)
{
  const struct {
    const char *name;
    gboolean  (*check) (const char *, GBytes *, GError **);
  } fields[] = {
    { "Digest", qtr_digest_check },
    { "Content-Digest", qtr_content_digest_check },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *value = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!get_field (request->headers, fields[i].name, &value, error))
        return FALSE;
      if (value == NULL)
        continue;
      if (!fields[i].check (value, request->body, &local_error))
        {
          int code = QTR_HTTP_SIGNATURE_ERROR_MALFORMED;

          if (g_error_matches (local_error, QTR_KEY_ERROR, QTR_KEY_ERROR_DIGEST_MISMATCH))
            code = QTR_HTTP_SIGNATURE_ERROR_DIGEST_MISMATCH;
          else if (g_error_matches (local_error, QTR_KEY_ERROR, QTR_KEY_ERROR_DIGEST_UNSUPPORTED))
            code = QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM;
          g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, code, local_error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* draft-cavage */

typedef struct {
  char *key_id;
  char *algorithm;
  char *headers;
  char *signature;
  char *created;
  char *expires;
} CavageParams;

static void
cavage_params_clear (CavageParams *params)
{
  g_free (params->key_id);
  g_free (params->algorithm);
  g_free (params->headers);
  g_free (params->signature);
  g_free (params->created);
  g_free (params->expires);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CavageParams, cavage_params_clear)

static gboolean
is_cavage_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

/* `name="value"` or `name=value` pairs separated by commas. Unknown names are ignored, as the
 * draft says; a known one given twice makes the field malformed. */
static gboolean
parse_cavage_params (const char    *text,
                     CavageParams  *params,
                     GError       **error)
{
  const char *p = text;

  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '\0')
    goto malformed;

  for (;;)
    {
      const char *name = p;
      gsize name_length;
      g_autoptr(GString) value = g_string_new (NULL);
      char **slot = NULL;

      while (is_cavage_name_char (*p))
        p++;
      name_length = p - name;
      if (name_length == 0 || *p != '=')
        goto malformed;
      p++;

      if (*p == '"')
        {
          p++;
          while (*p != '"')
            {
              if (*p == '\0')
                goto malformed;  /* unterminated */
              if (*p == '\\' && p[1] != '\0')
                p++;
              if ((guchar) *p < 0x20 && *p != '\t')
                goto malformed;
              g_string_append_c (value, *p++);
            }
          p++;
        }
      else
        {
          while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
            {
              if (*p == '"' || (guchar) *p < 0x20)
                goto malformed;
              g_string_append_c (value, *p++);
            }
          if (value->len == 0)
            goto malformed;
        }

#define MATCHES(literal) \
  (name_length == strlen (literal) && g_ascii_strncasecmp (name, literal, name_length) == 0)
      if (MATCHES ("keyId"))
        slot = &params->key_id;
      else if (MATCHES ("algorithm"))
        slot = &params->algorithm;
      else if (MATCHES ("headers"))
        slot = &params->headers;
      else if (MATCHES ("signature"))
        slot = &params->signature;
      else if (MATCHES ("created"))
        slot = &params->created;
      else if (MATCHES ("expires"))
        slot = &params->expires;
#undef MATCHES

      if (slot != NULL)
        {
          if (*slot != NULL)
            {
              g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The signature gives the parameter %.*s twice",
                           (int) name_length, name);
              return FALSE;
            }
          *slot = g_string_free (g_steal_pointer (&value), FALSE);
        }

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      if (*p != ',')
        goto malformed;
      p++;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        goto malformed;
    }
  return TRUE;

malformed:
  g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                       "The signature is not a list of name=\"value\" parameters");
  return FALSE;
}

/* draft-cavage §2.3: one `name: value` line per covered header, joined with "\n". */
static char *
build_cavage_signing_string (const Request       *request,
                             const char * const  *names,
                             const char          *algorithm,
                             const char          *created,
                             const char          *expires,
                             GError             **error)
{
  g_autoptr(GString) string = g_string_new (NULL);
  gboolean algorithm_is_fixed = g_str_has_prefix (algorithm, "rsa") ||
                                g_str_has_prefix (algorithm, "hmac") ||
                                g_str_has_prefix (algorithm, "ecdsa");

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = names[i];

      if (i > 0)
        g_string_append_c (string, '\n');

      if (strcmp (name, "(request-target)") == 0)
        {
          g_autofree char *method = g_ascii_strdown (request->method, -1);

          g_string_append_printf (string, "(request-target): %s %s", method,
                                  request->path_and_query);
        }
      else if (strcmp (name, "(created)") == 0 || strcmp (name, "(expires)") == 0)
        {
          gboolean is_created = name[1] == 'c';
          const char *value = is_created ? created : expires;

          /* §2.3: "If the header field name is `(created)` and the `algorithm` parameter
           * starts with `rsa`, `hmac`, or `ecdsa` an implementation MUST produce an error."
           * (and the same for `(expires)`). */
          if (algorithm_is_fixed)
            {
              g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The pseudo-header %s cannot be signed with %s", name, algorithm);
              return NULL;
            }
          if (value == NULL)
            {
              g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The pseudo-header %s is covered but its parameter is missing", name);
              return NULL;
            }
          g_string_append_printf (string, "%s: %s", name, value);
        }
      else if (name[0] == '(')
        {
          g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                       "The signature covers an unknown pseudo-header");
          return NULL;
        }
      else
        {
          g_autofree char *value = NULL;

          if (!get_field (request->headers, name, &value, error))
            return NULL;
          if (value == NULL)
            {
              g_set_error (error, QTR_HTTP_SIGNATURE_ERROR,
                           QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT,
                           "The covered header %s is absent from the request", name);
              return NULL;
            }
          g_string_append_printf (string, "%s: %s", name, value);
        }
    }

  return g_string_free (g_steal_pointer (&string), FALSE);
}

/* Splits the `headers` parameter: lower case names separated by spaces. */
static GStrv
split_cavage_headers (const char  *text,
                      GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;
  guint count = 0;
  const char *p = text;

  for (;;)
    {
      const char *start;
      g_autofree char *name = NULL;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && *p != ' ' && *p != '\t')
        {
          if (!sf_is_tchar (*p) && *p != '(' && *p != ')')
            {
              g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                                   QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                                   "The signature's headers parameter holds an invalid name");
              return NULL;
            }
          p++;
        }
      if (++count > QTR_HTTP_SIGNATURE_MAX_COMPONENTS)
        {
          g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                       "The signature covers more than %u headers",
                       QTR_HTTP_SIGNATURE_MAX_COMPONENTS);
          return NULL;
        }
      name = g_ascii_strdown (start, p - start);
      g_strv_builder_add (builder, name);
    }

  names = g_strv_builder_end (builder);
  if (names[0] == NULL)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The signature covers no header");
      return NULL;
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      for (guint j = 0; j < i; j++)
        {
          if (strcmp (names[i], names[j]) == 0)
            {
              g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                                   QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                                   "The signature covers a header twice");
              return NULL;
            }
        }
    }
  return g_steal_pointer (&names);
}

static gboolean
check_cavage_coverage (const Request       *request,
                       const char * const  *names,
                       GError             **error)
{
  const char *missing = NULL;

  if (!g_strv_contains (names, "(request-target)"))
    missing = "(request-target)";
  else if (!g_strv_contains (names, "host"))
    missing = "host";
  else if (!g_strv_contains (names, "date") && !g_strv_contains (names, "(created)"))
    missing = "date or (created)";
  else if (request_has_body (request) && !g_strv_contains (names, "digest"))
    missing = "digest";

  if (missing != NULL)
    {
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT,
                   "The signature does not cover %s", missing);
      return FALSE;
    }
  return TRUE;
}

static QtrHttpSignature *
parse_cavage (const Request  *request,
              const char     *field,
              gint64          now,
              GError        **error)
{
  g_autoptr(QtrHttpSignature) self = NULL;
  g_auto(CavageParams) params = { NULL };
  g_autoptr(GDateTime) date = NULL;
  const char *algorithm;

  if (!parse_cavage_params (field, &params, error))
    return NULL;
  if (params.key_id == NULL || *params.key_id == '\0')
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The signature has no keyId");
      return NULL;
    }
  if (params.signature == NULL || *params.signature == '\0')
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The signature has no signature parameter");
      return NULL;
    }

  self = g_object_new (QTR_TYPE_HTTP_SIGNATURE, NULL);
  self->format = QTR_HTTP_SIGNATURE_FORMAT_CAVAGE;
  self->key_id = g_strdup (params.key_id);

  /* As Mastodon: no algorithm means hs2019, whose actual algorithm comes from the key. */
  algorithm = params.algorithm != NULL ? params.algorithm : "hs2019";
  if (g_ascii_strcasecmp (algorithm, "rsa-sha256") == 0)
    {
      self->names_algorithm = TRUE;
      self->named_algorithm = QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256;
    }
  else if (g_ascii_strcasecmp (algorithm, "hs2019") != 0)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                           QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM,
                           "The signature algorithm is neither rsa-sha256 nor hs2019");
      return NULL;
    }
  self->algorithm = g_ascii_strdown (algorithm, -1);

  /* Defaults as Mastodon: (created) for hs2019, date for the others. */
  self->components = split_cavage_headers (params.headers != NULL ? params.headers :
                                           self->names_algorithm ? "date" : "(created)",
                                           error);
  if (self->components == NULL)
    return NULL;

  self->signature = qtr_base64_decode_strict (params.signature, strlen (params.signature));
  if (self->signature == NULL || g_bytes_get_size (self->signature) == 0)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The signature is not base64");
      return NULL;
    }

  self->created = -1;
  self->expires = -1;
  if ((params.created != NULL && !parse_timestamp (params.created, FALSE, &self->created)) ||
      (params.expires != NULL && !parse_timestamp (params.expires, TRUE, &self->expires)))
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The signature's created or expires parameter is not a timestamp");
      return NULL;
    }

  if (!check_cavage_coverage (request, (const char * const *) self->components, error))
    return NULL;

  self->signature_base = build_cavage_signing_string (request,
                                                      (const char * const *) self->components,
                                                      self->algorithm, params.created,
                                                      params.expires, error);
  if (self->signature_base == NULL)
    return NULL;

  if (!check_digests (request, error))
    return NULL;

  /* Only what the signature covers counts: `created` and `expires` when their pseudo-headers
   * are signed, the Date field otherwise. */
  if (!g_strv_contains ((const char * const *) self->components, "(created)"))
    {
      g_autofree char *value = NULL;

      if (!get_field (request->headers, "Date", &value, error))
        return NULL;
      date = value != NULL ? soup_date_time_new_from_http_string (value) : NULL;
      if (date == NULL)
        {
          g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                               QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                               "The signed Date field is not an HTTP date");
          return NULL;
        }
      self->created = g_date_time_to_unix (date);
    }
  if (!g_strv_contains ((const char * const *) self->components, "(expires)"))
    self->expires = -1;

  if (!check_time_window (self->created, self->expires, now, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* RFC 9421 */

/* application/x-www-form-urlencoded parsing of one name or value: "+" is a space, %XX a byte
 * (a "%" not followed by two hex digits stays as it is). */
static GByteArray *
decode_form_component (const char *text,
                       gsize       length)
{
  GByteArray *bytes = g_byte_array_sized_new (length);

  for (gsize i = 0; i < length; i++)
    {
      guint8 c = text[i];

      if (c == '+')
        c = ' ';
      else if (c == '%' && i + 2 < length &&
               g_ascii_isxdigit (text[i + 1]) && g_ascii_isxdigit (text[i + 2]))
        {
          c = (g_ascii_xdigit_value (text[i + 1]) << 4) | g_ascii_xdigit_value (text[i + 2]);
          i += 2;
        }
      g_byte_array_append (bytes, &c, 1);
    }
  return bytes;
}

/* RFC 9421 §2.2.8: names and values are re-encoded with the
 * application/x-www-form-urlencoded percent-encode set, a space as %20. */
static void
encode_form_component (GString     *out,
                       GByteArray  *bytes)
{
  for (guint i = 0; i < bytes->len; i++)
    {
      guint8 c = bytes->data[i];

      if (g_ascii_isalnum (c) || c == '*' || c == '-' || c == '.' || c == '_')
        g_string_append_c (out, c);
      else
        g_string_append_printf (out, "%%%02X", c);
    }
}

static char *
get_query_param (const Request  *request,
                 const char     *name,
                 GError        **error)
{
  const char *query = strchr (request->path_and_query, '?');
  g_autofree char *found = NULL;
  guint matches = 0;

  if (query != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (query + 1, "&", -1);

      for (guint i = 0; pairs[i] != NULL; i++)
        {
          const char *pair = pairs[i];
          const char *equals = strchr (pair, '=');
          gsize name_length = equals != NULL ? (gsize) (equals - pair) : strlen (pair);
          g_autoptr(GByteArray) raw_name = NULL;
          g_autoptr(GString) encoded_name = g_string_new (NULL);

          if (*pair == '\0')
            continue;
          raw_name = decode_form_component (pair, name_length);
          encode_form_component (encoded_name, raw_name);
          if (strcmp (encoded_name->str, name) == 0)
            {
              g_autoptr(GByteArray) raw_value = NULL;
              g_autoptr(GString) encoded_value = g_string_new (NULL);

              matches++;
              if (equals != NULL)
                {
                  raw_value = decode_form_component (equals + 1, strlen (equals + 1));
                  encode_form_component (encoded_value, raw_value);
                }
              g_free (found);
              found = g_string_free (g_steal_pointer (&encoded_value), FALSE);
            }
        }
    }

  if (matches == 0)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                           QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT,
                           "A covered query parameter is absent from the request");
      return NULL;
    }
  if (matches > 1)
    {
      /* §2.2.8: a parameter that occurs more than once cannot be covered by name. */
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "A covered query parameter occurs more than once");
      return NULL;
    }
  return g_steal_pointer (&found);
}

static char *
require_base (const char  *value,
              const char  *component,
              GError     **error)
{
  if (value == NULL)
    {
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT,
                   "The component %s needs the request's base URL", component);
      return NULL;
    }
  return g_strdup (value);
}

/* The value of one covered component (RFC 9421 §2.1, §2.2). */
static char *
compute_component (const Request  *request,
                   const SfItem   *item,
                   GError        **error)
{
  const char *name = item->value.text;
  const char *query = strchr (request->path_and_query, '?');
  const SfParam *name_param = NULL;

  /* Parameters change what a component means: only the one we understand is allowed. */
  for (guint i = 0; i < item->params->len; i++)
    {
      const SfParam *param = &g_array_index (item->params, SfParam, i);

      if (strcmp (name, "@query-param") == 0 && strcmp (param->key, "name") == 0 &&
          param->value.type == SF_STRING)
        {
          name_param = param;
          continue;
        }
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                   "The component parameter ;%s is not supported", param->key);
      return NULL;
    }

  if (name[0] != '@')
    {
      g_autofree char *value = NULL;

      for (const char *c = name; *c != '\0'; c++)
        {
          if (!sf_is_tchar (*c) || g_ascii_isupper (*c))
            {
              g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                                   QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                                   "A covered field name is not a lower-case token");
              return NULL;
            }
        }
      if (!get_field (request->headers, name, &value, error))
        return NULL;
      if (value == NULL)
        {
          g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT,
                       "The covered field %s is absent from the request", name);
          return NULL;
        }
      return g_steal_pointer (&value);
    }

  if (strcmp (name, "@method") == 0)
    return g_strdup (request->method);
  if (strcmp (name, "@request-target") == 0)
    return g_strdup (request->path_and_query);
  if (strcmp (name, "@path") == 0)
    {
      gsize length = query != NULL ? (gsize) (query - request->path_and_query)
                                   : strlen (request->path_and_query);

      return length > 0 ? g_strndup (request->path_and_query, length) : g_strdup ("/");
    }
  if (strcmp (name, "@query") == 0)
    return g_strdup (query != NULL ? query : "?");
  if (strcmp (name, "@query-param") == 0)
    {
      if (name_param == NULL)
        {
          g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                               QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                               "The component @query-param has no name parameter");
          return NULL;
        }
      return get_query_param (request, name_param->value.text, error);
    }
  if (strcmp (name, "@scheme") == 0)
    return require_base (request->scheme, name, error);
  if (strcmp (name, "@authority") == 0)
    {
      g_autofree char *host = NULL;

      if (request->authority != NULL)
        return g_strdup (request->authority);
      /* Without a base URL, HTTP/1.1's Host field is the authority. */
      if (!get_field (request->headers, "Host", &host, error))
        return NULL;
      if (host == NULL)
        return require_base (NULL, name, error);
      return g_ascii_strdown (host, -1);
    }
  if (strcmp (name, "@target-uri") == 0)
    {
      if (request->scheme == NULL)
        return require_base (NULL, name, error);
      return g_strdup_printf ("%s://%s%s", request->scheme, request->authority,
                              request->path_and_query);
    }

  /* @status belongs to responses; @signature-params cannot be covered; others are unknown. */
  g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
               "The component %s is not supported in a request",
               is_sf_string_safe (name) && strlen (name) < 64 ? name : "(unreadable)");
  return NULL;
}

/* RFC 9421 §2.5: one line per covered component, then the `@signature-params` line. */
static char *
build_signature_base (const Request  *request,
                      GPtrArray      *items,
                      GArray         *params,
                      GError        **error)
{
  g_autoptr(GString) base = g_string_new (NULL);
  g_autoptr(GPtrArray) identifiers = g_ptr_array_new_with_free_func (g_free);

  if (items->len > QTR_HTTP_SIGNATURE_MAX_COMPONENTS)
    {
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                   "The signature covers more than %u components",
                   QTR_HTTP_SIGNATURE_MAX_COMPONENTS);
      return NULL;
    }

  for (guint i = 0; i < items->len; i++)
    {
      const SfItem *item = items->pdata[i];
      g_autoptr(GString) identifier = g_string_new (NULL);
      g_autofree char *value = NULL;

      if (item->value.type != SF_STRING || item->value.text[0] == '\0')
        {
          g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                               QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                               "A covered component is not a string");
          return NULL;
        }
      sf_serialize_item (identifier, item);
      for (guint j = 0; j < identifiers->len; j++)
        {
          if (strcmp (identifiers->pdata[j], identifier->str) == 0)
            {
              g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                                   QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                                   "The signature covers a component twice");
              return NULL;
            }
        }

      value = compute_component (request, item, error);
      if (value == NULL)
        return NULL;
      g_string_append_printf (base, "%s: %s\n", identifier->str, value);
      g_ptr_array_add (identifiers, g_string_free (g_steal_pointer (&identifier), FALSE));
    }

  g_string_append (base, "\"@signature-params\": ");
  sf_serialize_inner_list (base, items, params);
  return g_string_free (g_steal_pointer (&base), FALSE);
}

static gboolean
covers (GPtrArray  *items,
        const char *name)
{
  for (guint i = 0; i < items->len; i++)
    {
      const SfItem *item = items->pdata[i];

      if (item->value.type == SF_STRING && strcmp (item->value.text, name) == 0 &&
          item->params->len == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_rfc9421_coverage (const Request  *request,
                        GPtrArray      *items,
                        GError        **error)
{
  gboolean has_query = strchr (request->path_and_query, '?') != NULL;
  gboolean path = covers (items, "@request-target") ||
                  (covers (items, "@path") && (covers (items, "@query") || !has_query));
  gboolean authority = covers (items, "@authority") || covers (items, "host");
  const char *missing = NULL;

  if (!covers (items, "@method"))
    missing = "@method";
  else if (!covers (items, "@target-uri") && !(path && authority))
    missing = "the target (@target-uri, or @path, @query and @authority)";
  else if (request_has_body (request) && !covers (items, "content-digest"))
    missing = "content-digest";

  if (missing != NULL)
    {
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT,
                   "The signature does not cover %s", missing);
      return FALSE;
    }
  return TRUE;
}

static QtrHttpSignature *
parse_rfc9421 (const Request  *request,
               const char     *input_field,
               const char     *signature_field,
               gint64          now,
               GError        **error)
{
  g_autoptr(QtrHttpSignature) self = NULL;
  g_autoptr(GPtrArray) inputs = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_autoptr(GStrvBuilder) names = NULL;
  const SfMember *input = NULL;
  const SfMember *signature = NULL;
  const SfParam *param;

  inputs = sf_parse_dictionary (input_field);
  signatures = sf_parse_dictionary (signature_field);
  if (inputs == NULL || signatures == NULL)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The Signature-Input or Signature field is not a dictionary");
      return NULL;
    }

  /* The first signature that has both its input and its value. */
  for (guint i = 0; i < inputs->len && input == NULL; i++)
    {
      signature = sf_dictionary_get (signatures, ((SfMember *) inputs->pdata[i])->key);
      if (signature != NULL)
        input = inputs->pdata[i];
    }
  if (input == NULL)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "No label of Signature-Input has a Signature");
      return NULL;
    }
  if (input->list == NULL)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The Signature-Input member is not an inner list");
      return NULL;
    }
  if (signature->list != NULL || signature->item->value.type != SF_BYTES ||
      g_bytes_get_size (signature->item->value.bytes) == 0)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The Signature member is not a byte sequence");
      return NULL;
    }

  self = g_object_new (QTR_TYPE_HTTP_SIGNATURE, NULL);
  self->format = QTR_HTTP_SIGNATURE_FORMAT_RFC9421;
  self->label = g_strdup (input->key);
  self->signature = g_bytes_ref (signature->item->value.bytes);
  self->created = -1;
  self->expires = -1;

  /* Signature parameters (§2.3). */
  for (guint i = 0; i < input->item->params->len; i++)
    {
      const SfParam *p = &g_array_index (input->item->params, SfParam, i);
      gboolean integer = strcmp (p->key, "created") == 0 || strcmp (p->key, "expires") == 0;
      gboolean string = strcmp (p->key, "keyid") == 0 || strcmp (p->key, "alg") == 0 ||
                        strcmp (p->key, "nonce") == 0 || strcmp (p->key, "tag") == 0;

      if ((integer && (p->value.type != SF_INTEGER || p->value.integer < 0)) ||
          (string && p->value.type != SF_STRING))
        {
          g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                       "The signature parameter %s has the wrong type", p->key);
          return NULL;
        }
    }

  param = sf_item_get_param (input->item, "keyid");
  if (param == NULL || param->value.text[0] == '\0')
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The signature has no keyid");
      return NULL;
    }
  self->key_id = g_strdup (param->value.text);

  param = sf_item_get_param (input->item, "alg");
  if (param != NULL)
    {
      if (strcmp (param->value.text, "rsa-v1_5-sha256") == 0)
        self->named_algorithm = QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256;
      else if (strcmp (param->value.text, "rsa-pss-sha512") == 0)
        self->named_algorithm = QTR_SIGNATURE_ALGORITHM_RSA_PSS_SHA512;
      else
        {
          g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                               QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM,
                               "The signature algorithm is neither rsa-v1_5-sha256 nor "
                               "rsa-pss-sha512");
          return NULL;
        }
      self->names_algorithm = TRUE;
      self->algorithm = g_strdup (param->value.text);
    }

  param = sf_item_get_param (input->item, "created");
  if (param == NULL)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                           QTR_HTTP_SIGNATURE_ERROR_MISSING_COMPONENT,
                           "The signature has no created parameter");
      return NULL;
    }
  self->created = param->value.integer;
  param = sf_item_get_param (input->item, "expires");
  if (param != NULL)
    self->expires = param->value.integer;

  if (input->list->len > QTR_HTTP_SIGNATURE_MAX_COMPONENTS)
    {
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                   "The signature covers more than %u components",
                   QTR_HTTP_SIGNATURE_MAX_COMPONENTS);
      return NULL;
    }
  if (!check_rfc9421_coverage (request, input->list, error))
    return NULL;

  self->signature_base = build_signature_base (request, input->list, input->item->params,
                                               error);
  if (self->signature_base == NULL)
    return NULL;

  names = g_strv_builder_new ();
  for (guint i = 0; i < input->list->len; i++)
    {
      g_autoptr(GString) identifier = g_string_new (NULL);

      sf_serialize_item (identifier, input->list->pdata[i]);
      g_strv_builder_add (names, identifier->str);
    }
  self->components = g_strv_builder_end (names);

  if (!check_digests (request, error))
    return NULL;
  if (!check_time_window (self->created, self->expires, now, error))
    return NULL;

  return g_steal_pointer (&self);
}

static gboolean
verify_with (QtrHttpSignature       *self,
             QtrKey                 *public_key,
             gboolean                pinned,
             QtrSignatureAlgorithm   pinned_algorithm,
             gint64                  now,
             GError                **error)
{
  QtrSignatureAlgorithm algorithm = QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256;
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const guint8 *data;

  /* Fetching the key may have taken a while. */
  if (!check_time_window (self->created, self->expires, now, error))
    return FALSE;

  if (self->names_algorithm)
    {
      if (pinned && pinned_algorithm != self->named_algorithm)
        {
          g_set_error (error, QTR_HTTP_SIGNATURE_ERROR,
                       QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM,
                       "The signature is %s but the key is for %s",
                       qtr_signature_algorithm_to_string (self->named_algorithm),
                       qtr_signature_algorithm_to_string (pinned_algorithm));
          return FALSE;
        }
      algorithm = self->named_algorithm;
    }
  else if (pinned)
    {
      algorithm = pinned_algorithm;
    }

  data = g_bytes_get_data (self->signature, &size);
  if (!qtr_key_verify (public_key, algorithm, self->signature_base,
                       strlen (self->signature_base), data, size, &local_error))
    {
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_INVALID,
                   "The %s signature does not verify with the signer's key",
                   qtr_signature_algorithm_to_string (algorithm));
      return FALSE;
    }
  return TRUE;
}

/* Outgoing */

static GBytes *
sign_string (QtrKey       *key,
             const char   *string,
             GError      **error)
{
  return qtr_key_sign (key, QTR_SIGNATURE_ALGORITHM_RSA_V1_5_SHA256, string, strlen (string),
                       error);
}

static gboolean
check_key_id (const char  *key_id,
              GError     **error)
{
  if (*key_id == '\0' || !is_sf_string_safe (key_id) || strchr (key_id, '"') != NULL ||
      strchr (key_id, '\\') != NULL)
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The key id must be printable ASCII without quotes or backslashes");
      return FALSE;
    }
  return TRUE;
}

static void
qtr_http_signature_finalize (GObject *object)
{
  QtrHttpSignature *self = (QtrHttpSignature *)object;

  g_clear_pointer (&self->key_id, g_free);
  g_clear_pointer (&self->algorithm, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->components, g_strfreev);
  g_clear_pointer (&self->signature_base, g_free);
  g_clear_pointer (&self->signature, g_bytes_unref);

  G_OBJECT_CLASS (qtr_http_signature_parent_class)->finalize (object);
}

static void
qtr_http_signature_class_init (QtrHttpSignatureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_http_signature_finalize;
}

static void
qtr_http_signature_init (QtrHttpSignature *self)
{
  self->created = -1;
  self->expires = -1;
}

/**
 * qtr_http_signature_parse:
 * @method: the request method, as received (`POST`)
 * @path_and_query: the request target in origin form, as received (`/users/a/inbox?x=1`)
 * @base_url: (nullable): the scheme and authority the request was sent to
 *   (`https://node.example`), for the RFC 9421 components `@target-uri`, `@scheme` and
 *   `@authority`; without it, `@authority` is the Host field and the other two are refused
 * @headers: the request's fields
 * @body: (nullable): the raw request body, before any parsing
 * @now: the current Unix time, in seconds
 *
 * Reads the request's signature, draft-cavage (`Signature`, or `Authorization: Signature`) or
 * RFC 9421 (`Signature-Input` with `Signature`), checks everything that can be checked
 * without the signer's key, and builds what the signature must be a signature of. The body's
 * `Digest` and `Content-Digest` fields are checked against @body here, in constant time.
 *
 * Returns: (transfer full): the signature, whose key id the caller fetches before
 *   qtr_http_signature_verify(); %NULL with a %QTR_HTTP_SIGNATURE_ERROR on failure
 */
QtrHttpSignature *
qtr_http_signature_parse (const char          *method,
                          const char          *path_and_query,
                          const char          *base_url,
                          SoupMessageHeaders  *headers,
                          GBytes              *body,
                          gint64               now,
                          GError             **error)
{
  g_auto(Request) request = { method, path_and_query, headers, body, NULL, NULL };
  g_autofree char *input = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *authorization = NULL;

  g_return_val_if_fail (method != NULL && *method != '\0', NULL);
  g_return_val_if_fail (path_and_query != NULL, NULL);
  g_return_val_if_fail (headers != NULL, NULL);

  if (!set_base_url (&request, base_url, error))
    return NULL;

  if (!get_field (headers, "Signature-Input", &input, error) ||
      !get_field (headers, "Signature", &signature, error) ||
      !get_field (headers, "Authorization", &authorization, error))
    return NULL;

  if (input != NULL)
    {
      if (signature == NULL)
        {
          g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MISSING,
                               "The request has a Signature-Input field but no Signature");
          return NULL;
        }
      return parse_rfc9421 (&request, input, signature, now, error);
    }
  if (signature != NULL)
    return parse_cavage (&request, signature, now, error);
  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Signature ", 10) == 0)
    return parse_cavage (&request, authorization + 10, now, error);

  g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MISSING,
                       "The request is not signed");
  return NULL;
}

/**
 * qtr_http_signature_verify:
 * @public_key: the key named by the key id
 * @now: the current Unix time, in seconds
 *
 * Checks the time window again, then the signature with @public_key: with the algorithm the
 * signature names (`rsa-sha256`, `rsa-v1_5-sha256`, `rsa-pss-sha512`), or, where it names
 * none (`hs2019`, an RFC 9421 signature without `alg`), RSASSA-PKCS1-v1_5 with SHA-256, as
 * Mastodon does. Use qtr_http_signature_verify_with_algorithm() for a key whose metadata fixes
 * another algorithm.
 *
 * Returns: %TRUE when the request is signed by the holder of @public_key
 */
gboolean
qtr_http_signature_verify (QtrHttpSignature  *self,
                           QtrKey            *public_key,
                           gint64             now,
                           GError           **error)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), FALSE);
  g_return_val_if_fail (QTR_IS_KEY (public_key), FALSE);

  return verify_with (self, public_key, FALSE, 0, now, error);
}

/**
 * qtr_http_signature_verify_with_algorithm:
 * @algorithm: the algorithm that @public_key is used with
 *
 * Like qtr_http_signature_verify(), for a key whose algorithm is known from elsewhere (RFC
 * 9421 §3.2: "derived from the key material"): a signature that names another algorithm is
 * refused with %QTR_HTTP_SIGNATURE_ERROR_UNSUPPORTED_ALGORITHM.
 */
gboolean
qtr_http_signature_verify_with_algorithm (QtrHttpSignature       *self,
                                          QtrKey                 *public_key,
                                          QtrSignatureAlgorithm   algorithm,
                                          gint64                  now,
                                          GError                **error)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), FALSE);
  g_return_val_if_fail (QTR_IS_KEY (public_key), FALSE);

  return verify_with (self, public_key, TRUE, algorithm, now, error);
}

QtrHttpSignatureFormat
qtr_http_signature_get_format (QtrHttpSignature *self)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), 0);

  return self->format;
}

/**
 * qtr_http_signature_get_key_id:
 *
 * Returns: the key id (cavage `keyId`, RFC 9421 `keyid`) as the sender gave it: untrusted
 *   until the signature is verified
 */
const char *
qtr_http_signature_get_key_id (QtrHttpSignature *self)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), NULL);

  return self->key_id;
}

/**
 * qtr_http_signature_get_algorithm:
 *
 * Returns: (nullable): the algorithm as the sender named it, lower case (`rsa-sha256`,
 *   `hs2019`, `rsa-pss-sha512`…), or %NULL for an RFC 9421 signature without `alg`
 */
const char *
qtr_http_signature_get_algorithm (QtrHttpSignature *self)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), NULL);

  return self->algorithm;
}

/**
 * qtr_http_signature_get_label:
 *
 * Returns: (nullable): the RFC 9421 label of the signature that was chosen, %NULL for cavage
 */
const char *
qtr_http_signature_get_label (QtrHttpSignature *self)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), NULL);

  return self->label;
}

/**
 * qtr_http_signature_get_components:
 *
 * Returns: (transfer none): the covered components in order: cavage header names (lower case,
 *   pseudo-headers in parentheses), or RFC 9421 serialized component identifiers
 */
const char * const *
qtr_http_signature_get_components (QtrHttpSignature *self)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), NULL);

  return (const char * const *) self->components;
}

/**
 * qtr_http_signature_get_signature_base:
 *
 * Returns: the bytes the signature must be a signature of: the cavage signing string or the
 *   RFC 9421 signature base, built from the request. It holds request fields: do not log it.
 */
const char *
qtr_http_signature_get_signature_base (QtrHttpSignature *self)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), NULL);

  return self->signature_base;
}

/**
 * qtr_http_signature_get_created:
 *
 * Returns: the Unix time the window is measured from: the covered `created` parameter, or the
 *   signed Date field
 */
gint64
qtr_http_signature_get_created (QtrHttpSignature *self)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), -1);

  return self->created;
}

/**
 * qtr_http_signature_get_expires:
 *
 * Returns: the covered `expires` parameter, or -1
 */
gint64
qtr_http_signature_get_expires (QtrHttpSignature *self)
{
  g_return_val_if_fail (QTR_IS_HTTP_SIGNATURE (self), -1);

  return self->expires;
}

/**
 * qtr_http_signature_sign_headers:
 * @method: the request method
 * @path_and_query: the request target in origin form
 * @headers: the request's fields, holding every covered one
 * @covered: (array zero-terminated=1): the header names to cover, in order, lower case;
 *   `(request-target)` for the method and target
 * @key_id: the key id to announce (`https://host/users/alice#main-key`)
 * @private_key: the key to sign with
 *
 * Signs as draft-cavage-http-signatures-12 with rsa-sha256. The `(created)` and `(expires)`
 * pseudo-headers cannot be used with rsa-sha256 (§2.3).
 *
 * Returns: (transfer full): the value of the `Signature` field:
 *   `keyId="…",algorithm="rsa-sha256",headers="…",signature="…"`
 */
char *
qtr_http_signature_sign_headers (const char          *method,
                                 const char          *path_and_query,
                                 SoupMessageHeaders  *headers,
                                 const char * const  *covered,
                                 const char          *key_id,
                                 QtrKey              *private_key,
                                 GError             **error)
{
  g_auto(Request) request = { method, path_and_query, headers, NULL, NULL, NULL };
  g_autofree char *joined = NULL;
  g_autofree char *names_list = NULL;
  g_autofree char *string = NULL;
  g_autofree char *encoded = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GBytes) signature = NULL;
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (method != NULL && path_and_query != NULL, NULL);
  g_return_val_if_fail (headers != NULL && covered != NULL && key_id != NULL, NULL);
  g_return_val_if_fail (QTR_IS_KEY (private_key), NULL);

  if (!check_key_id (key_id, error))
    return NULL;
  joined = g_strjoinv (" ", (char **) covered);
  names = split_cavage_headers (joined, error);
  if (names == NULL)
    return NULL;

  string = build_cavage_signing_string (&request, (const char * const *) names, "rsa-sha256",
                                        NULL, NULL, error);
  if (string == NULL)
    return NULL;
  signature = sign_string (private_key, string, error);
  if (signature == NULL)
    return NULL;

  data = g_bytes_get_data (signature, &size);
  encoded = g_base64_encode (data, size);
  names_list = g_strjoinv (" ", names);
  return g_strdup_printf ("keyId=\"%s\",algorithm=\"rsa-sha256\",headers=\"%s\","
                          "signature=\"%s\"", key_id, names_list, encoded);
}

/**
 * qtr_http_signature_sign:
 *
 * Signs as Mastodon does: qtr_http_signature_sign_headers() over
 * `(request-target) host date`, plus `digest` when @headers has a Digest field or @method
 * carries a body (POST, PUT, PATCH; the Digest field must then be there).
 *
 * Returns: (transfer full): the value of the `Signature` field
 */
char *
qtr_http_signature_sign (const char          *method,
                         const char          *path_and_query,
                         SoupMessageHeaders  *headers,
                         const char          *key_id,
                         QtrKey              *private_key,
                         GError             **error)
{
  static const char * const without_body[] = { "(request-target)", "host", "date", NULL };
  static const char * const with_body[] = { "(request-target)", "host", "date", "digest",
                                            NULL };
  gboolean body;

  g_return_val_if_fail (method != NULL && headers != NULL, NULL);

  body = method_has_body (method) || soup_message_headers_get_one (headers, "Digest") != NULL;
  return qtr_http_signature_sign_headers (method, path_and_query, headers,
                                          body ? with_body : without_body, key_id,
                                          private_key, error);
}

/**
 * qtr_http_signature_sign_message:
 * @message: a request about to be sent
 * @content_type: (nullable): the type of @body
 * @body: (nullable): the request body, set on @message here so that it is the one digested
 * @key_id: the key id to announce
 * @private_key: the key to sign with
 *
 * Fills the Host field (when absent) and the Date field (now, RFC 1123 GMT), and for a request
 * with a body the Digest field (SHA-256); sets the body; then signs as
 * qtr_http_signature_sign() and sets the Signature field.
 *
 * Returns: %TRUE when @message is signed
 */
gboolean
qtr_http_signature_sign_message (SoupMessage  *message,
                                 const char   *content_type,
                                 GBytes       *body,
                                 const char   *key_id,
                                 QtrKey       *private_key,
                                 GError      **error)
{
  SoupMessageHeaders *headers;
  GUri *uri;
  const char *method;
  const char *host;
  const char *path;
  g_autofree char *path_and_query = NULL;
  g_autofree char *date_text = NULL;
  g_autofree char *signature = NULL;
  g_autoptr(GDateTime) now = NULL;
  int port, default_port;

  g_return_val_if_fail (SOUP_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (key_id != NULL, FALSE);
  g_return_val_if_fail (QTR_IS_KEY (private_key), FALSE);

  headers = soup_message_get_request_headers (message);
  method = soup_message_get_method (message);
  uri = soup_message_get_uri (message);
  host = g_uri_get_host (uri);
  port = g_uri_get_port (uri);
  default_port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;

  if (soup_message_headers_get_one (headers, "Host") == NULL)
    {
      gboolean ipv6 = strchr (host, ':') != NULL;
      g_autofree char *value = NULL;

      if (port != -1 && port != default_port)
        value = g_strdup_printf ("%s%s%s:%d", ipv6 ? "[" : "", host, ipv6 ? "]" : "", port);
      else
        value = g_strdup_printf ("%s%s%s", ipv6 ? "[" : "", host, ipv6 ? "]" : "");
      soup_message_headers_replace (headers, "Host", value);
    }

  now = g_date_time_new_now_utc ();
  date_text = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  soup_message_headers_replace (headers, "Date", date_text);

  if (body != NULL || method_has_body (method))
    {
      g_autofree char *digest = qtr_digest_for_body (body);

      soup_message_headers_replace (headers, "Digest", digest);
    }

  path = g_uri_get_path (uri);
  path_and_query = g_strdup_printf ("%s%s%s", *path != '\0' ? path : "/",
                                    g_uri_get_query (uri) != NULL ? "?" : "",
                                    g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "");

  signature = qtr_http_signature_sign (method, path_and_query, headers, key_id, private_key,
                                       error);
  if (signature == NULL)
    return FALSE;

  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, content_type, body);
  soup_message_headers_replace (headers, "Signature", signature);
  return TRUE;
}

/**
 * qtr_http_signature_sign_rfc9421:
 * @method: the request method
 * @path_and_query: the request target in origin form
 * @base_url: (nullable): the scheme and authority the request goes to, for `@target-uri`,
 *   `@scheme` and `@authority`
 * @headers: the request's fields; `Signature-Input` and `Signature` are set here
 * @label: the signature's label (`sig1`)
 * @components: (array zero-terminated=1): the components to cover: names (`@method`,
 *   `content-digest`) or serialized identifiers with parameters (`"@query-param";name="a"`)
 * @key_id: the `keyid` parameter
 * @created: the `created` parameter (Unix time)
 * @expires: the `expires` parameter, or -1 for none
 * @private_key: the key to sign with (rsa-v1_5-sha256)
 *
 * Signs as RFC 9421 with rsa-v1_5-sha256; no `alg` parameter is sent (the verifier knows the
 * algorithm from the key, as Mastodon does).
 *
 * Returns: %TRUE when @headers hold the signature
 */
gboolean
qtr_http_signature_sign_rfc9421 (const char          *method,
                                 const char          *path_and_query,
                                 const char          *base_url,
                                 SoupMessageHeaders  *headers,
                                 const char          *label,
                                 const char * const  *components,
                                 const char          *key_id,
                                 gint64               created,
                                 gint64               expires,
                                 QtrKey              *private_key,
                                 GError             **error)
{
  g_auto(Request) request = { method, path_and_query, headers, NULL, NULL, NULL };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (sf_item_free);
  g_autoptr(SfItem) list_params = sf_item_new ();
  g_autoptr(GString) input = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *base = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *signature_field = NULL;
  SfParam param;
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (method != NULL && path_and_query != NULL, FALSE);
  g_return_val_if_fail (headers != NULL && components != NULL, FALSE);
  g_return_val_if_fail (label != NULL && key_id != NULL, FALSE);
  g_return_val_if_fail (QTR_IS_KEY (private_key), FALSE);

  if (!check_key_id (key_id, error) || !set_base_url (&request, base_url, error))
    return FALSE;
  if (!is_sf_key (label))
    {
      g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                           "The label is not a structured-field key");
      return FALSE;
    }

  for (guint i = 0; components[i] != NULL; i++)
    {
      SfItem *item;

      if (components[i][0] == '"')
        {
          SfParser parser = { components[i], components[i] + strlen (components[i]) };

          item = sf_parse_item (&parser);
          if (item == NULL || parser.p != parser.end || item->value.type != SF_STRING)
            {
              g_clear_pointer (&item, sf_item_free);
              g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                                   QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                                   "A component is not a serialized component identifier");
              return FALSE;
            }
        }
      else
        {
          if (!is_sf_string_safe (components[i]))
            {
              g_set_error_literal (error, QTR_HTTP_SIGNATURE_ERROR,
                                   QTR_HTTP_SIGNATURE_ERROR_MALFORMED,
                                   "A component name is not printable ASCII");
              return FALSE;
            }
          item = sf_item_new ();
          item->value.type = SF_STRING;
          item->value.text = g_strdup (components[i]);
        }
      g_ptr_array_add (items, item);
    }

  param = (SfParam) { g_strdup ("created"), { SF_INTEGER, created, NULL, NULL } };
  g_array_append_val (list_params->params, param);
  if (expires >= 0)
    {
      param = (SfParam) { g_strdup ("expires"), { SF_INTEGER, expires, NULL, NULL } };
      g_array_append_val (list_params->params, param);
    }
  param = (SfParam) { g_strdup ("keyid"), { SF_STRING, 0, g_strdup (key_id), NULL } };
  g_array_append_val (list_params->params, param);

  base = build_signature_base (&request, items, list_params->params, error);
  if (base == NULL)
    return FALSE;
  signature = sign_string (private_key, base, error);
  if (signature == NULL)
    return FALSE;

  input = g_string_new (label);
  g_string_append_c (input, '=');
  sf_serialize_inner_list (input, items, list_params->params);

  data = g_bytes_get_data (signature, &size);
  encoded = g_base64_encode (data, size);
  signature_field = g_strdup_printf ("%s=:%s:", label, encoded);

  soup_message_headers_replace (headers, "Signature-Input", input->str);
  soup_message_headers_replace (headers, "Signature", signature_field);
  return TRUE;
}
