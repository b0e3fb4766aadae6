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
 * qtr_json_parse_object:
 *
 * Parses a JSON object from another server: valid UTF-8, within %QTR_JSON_MAX_DEPTH and
 * %QTR_JSON_MAX_MEMBERS.
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
JsonObject *
qtr_json_parse_object (const char  *data,
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
