/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-entity-private.h"

#include <stdio.h>
#include <string.h>

#include "qtr-api-error.h"
#include "qtr-json.h"

/**
 * qtr_entity_dup_id:
 *
 * Ids are strings in the Mastodon API, but some servers send numbers: both are read as strings.
 *
 * Returns: (transfer full) (nullable): the id in the member @name, or %NULL when it is absent
 *   or empty
 */
char *
qtr_entity_dup_id (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  text = qtr_json_get_string (object, name);
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

/**
 * qtr_entity_dup_string:
 *
 * Returns: (transfer full) (nullable): a copy of the string member @name
 */
char *
qtr_entity_dup_string (JsonObject *object,
                       const char *name)
{
  return g_strdup (qtr_json_get_string (object, name));
}

/**
 * qtr_entity_parse_time:
 *
 * Returns: (transfer full) (nullable): the ISO 8601 time in the member @name (a date alone,
 *   as Mastodon sends for some, counts as its midnight UTC)
 */
GDateTime *
qtr_entity_parse_time (JsonObject *object,
                       const char *name)
{
  const char *text = qtr_json_get_string (object, name);
  g_autoptr(GTimeZone) utc = NULL;
  int year, month, day;

  if (text == NULL)
    return NULL;
  utc = g_time_zone_new_utc ();
  if (strlen (text) == 10 && sscanf (text, "%4d-%2d-%2d", &year, &month, &day) == 3)
    return g_date_time_new (utc, year, month, day, 0, 0, 0);
  return g_date_time_new_from_iso8601 (text, utc);
}

/**
 * qtr_entity_missing:
 * @entity: what was being read, as the API reference names it (`Status`)
 * @name: the member that is missing
 *
 * Sets @error for a required member that the server left out.
 *
 * Returns: %NULL, for the parser to return
 */
gpointer
qtr_entity_missing (const char  *entity,
                    const char  *name,
                    GError     **error)
{
  g_set_error (error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
               "The server's %s has no valid “%s”", entity, name);
  return NULL;
}
