/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-json.h"

/* JSON from other servers, parsed only once a linear scan has shown that it nests and spreads
 * within bounds: json-glib builds the tree recursively, so 100,000 opening brackets would
 * otherwise exhaust the stack. */

G_DEFINE_QUARK (qtr-json-error-quark, qtr_json_error)

/**
 * qtr_json_check_bounds:
 * @max_depth: how deep arrays and objects may nest
 * @max_members: how many members one array or object may hold
 *
 * Scans @data (without validating it otherwise) for nesting and width.
 */
gboolean
qtr_json_check_bounds (const char  *data,
                       gsize        length,
                       guint        max_depth,
                       guint        max_members,
                       GError     **error)
{
  g_autofree guint *members = g_new0 (guint, max_depth + 1);
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (depth == max_depth)
            {
              g_set_error (error, QTR_JSON_ERROR, QTR_JSON_ERROR_TOO_DEEP,
                           "The JSON nests deeper than %u levels", max_depth);
              return FALSE;
            }
          members[++depth] = 0;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        case ',':
          if (depth > 0 && ++members[depth] >= max_members)
            {
              g_set_error (error, QTR_JSON_ERROR, QTR_JSON_ERROR_TOO_LARGE,
                           "An array or object of the JSON has more than %u members",
                           max_members);
              return FALSE;
            }
          break;
        default:
          break;
        }
    }
  return TRUE;
}

/**
 * qtr_json_parse:
 *
 * Parses JSON from another server: valid UTF-8, within %QTR_JSON_MAX_DEPTH and
 * %QTR_JSON_MAX_MEMBERS. The top level may be any value (the client API answers lists as
 * arrays).
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
qtr_json_parse (const char  *data,
                gsize        length,
                GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, QTR_JSON_ERROR, QTR_JSON_ERROR_INVALID,
                           "The JSON is not valid UTF-8");
      return NULL;
    }
  if (!qtr_json_check_bounds (data, length, QTR_JSON_MAX_DEPTH, QTR_JSON_MAX_MEMBERS, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, QTR_JSON_ERROR, QTR_JSON_ERROR_INVALID,
                   "The JSON cannot be parsed: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, QTR_JSON_ERROR, QTR_JSON_ERROR_INVALID, "The JSON is empty");
      return NULL;
    }
  return json_node_ref (root);
}

/**
 * qtr_json_parse_object:
 *
 * Like qtr_json_parse(), for JSON whose top level must be an object.
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
JsonObject *
qtr_json_parse_object (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(JsonNode) root = qtr_json_parse (data, length, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, QTR_JSON_ERROR, QTR_JSON_ERROR_NOT_OBJECT,
                           "The JSON is not an object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/**
 * qtr_json_builder_add_string:
 *
 * Adds the member @name with the string @value to the object @builder is building.
 */
void
qtr_json_builder_add_string (JsonBuilder *builder,
                             const char  *name,
                             const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/**
 * qtr_json_get_string:
 *
 * Returns: (nullable): the member @name of @object when it is a string, else %NULL (absent,
 *   null or of another type: nothing is logged, since other servers send what they like)
 */
const char *
qtr_json_get_string (JsonObject *object,
                     const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * qtr_json_get_object:
 *
 * Returns: (nullable): the member @name of @object when it is an object, else %NULL
 */
JsonObject *
qtr_json_get_object (JsonObject *object,
                     const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * qtr_json_get_array:
 *
 * Returns: (nullable): the member @name of @object when it is an array, else %NULL
 */
JsonArray *
qtr_json_get_array (JsonObject *object,
                    const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * qtr_json_get_int:
 *
 * Returns: the member @name of @object when it is a number (or a string of decimal digits, as
 *   some servers send counts), else @default_value
 */
gint64
qtr_json_get_int (JsonObject *object,
                  const char *name,
                  gint64      default_value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return default_value;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return (gint64) CLAMP (json_node_get_double (node), (double) G_MININT64,
                             (double) G_MAXINT64);
    case G_TYPE_STRING:
      if (g_ascii_string_to_signed (json_node_get_string (node), 10, G_MININT64, G_MAXINT64,
                                    &value, NULL))
        return value;
      return default_value;
    default:
      return default_value;
    }
}

/**
 * qtr_json_get_bool:
 *
 * Returns: the member @name of @object when it is a boolean, else @default_value
 */
gboolean
qtr_json_get_bool (JsonObject *object,
                   const char *name,
                   gboolean    default_value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return default_value;
  return json_node_get_boolean (node);
}
