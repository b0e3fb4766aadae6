/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-hashtag.h"

#include <string.h>

#include "qtr-json.h"

/* QtrHashtag: a hashtag as search results and followed tags list it: its name (without `#`)
 * and its page on the server. Old servers list a hashtag as its name alone. */

/* Longer names are not hashtags any server makes. */
#define MAX_NAME_LENGTH 512

struct _QtrHashtag
{
  GObject  parent_instance;

  char    *name;
  char    *url;  /* nullable */
};

G_DEFINE_FINAL_TYPE (QtrHashtag, qtr_hashtag, G_TYPE_OBJECT)

static void
qtr_hashtag_finalize (GObject *object)
{
  QtrHashtag *self = QTR_HASHTAG (object);

  g_free (self->name);
  g_free (self->url);
  G_OBJECT_CLASS (qtr_hashtag_parent_class)->finalize (object);
}

static void
qtr_hashtag_class_init (QtrHashtagClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qtr_hashtag_finalize;
}

static void
qtr_hashtag_init (QtrHashtag *self)
{
}

/**
 * qtr_hashtag_new:
 * @name: the hashtag, with or without its `#`
 * @url: (nullable): its page on the server
 *
 * Returns: (transfer full): the hashtag
 */
QtrHashtag *
qtr_hashtag_new (const char *name,
                 const char *url)
{
  QtrHashtag *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (QTR_TYPE_HASHTAG, NULL);
  self->name = g_strdup (name[0] == '#' ? name + 1 : name);
  self->url = g_strdup (url);
  return self;
}

/**
 * qtr_hashtag_new_from_json:
 * @node: a Tag entity (`{"name": …, "url": …}`) or, from old servers, the name as a string
 *
 * Returns: (transfer full) (nullable): the hashtag, or %NULL with @error set when @node is
 *   neither, or its name is empty or not text
 */
QtrHashtag *
qtr_hashtag_new_from_json (JsonNode  *node,
                           GError   **error)
{
  const char *name = NULL;
  const char *url = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    name = json_node_get_string (node);
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);

      name = qtr_json_get_string (object, "name");
      url = qtr_json_get_string (object, "url");
    }
  if (name != NULL && name[0] == '#')
    name++;
  if (name == NULL || *name == '\0' || strlen (name) > MAX_NAME_LENGTH ||
      !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "A hashtag has no name, or one that is not text");
      return NULL;
    }
  return qtr_hashtag_new (name, url);
}

const char *
qtr_hashtag_get_name (QtrHashtag *self)
{
  g_return_val_if_fail (QTR_IS_HASHTAG (self), NULL);

  return self->name;
}

/**
 * qtr_hashtag_get_url:
 *
 * Returns: (nullable): the hashtag's page on the server
 */
const char *
qtr_hashtag_get_url (QtrHashtag *self)
{
  g_return_val_if_fail (QTR_IS_HASHTAG (self), NULL);

  return self->url;
}
