/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-feeds.h"

#include "qtr-api-error.h"
#include "qtr-hashtag.h"
#include "qtr-json.h"

/* The user's lists (`GET /api/v1/lists`) and followed hashtags (`GET /api/v1/followed_tags`),
 * as QtrFeed: what the sidebar shows under their headings, each a timeline. A server without
 * the endpoint (404) has none: an empty array, not an error. */

void
qtr_feed_free (QtrFeed *feed)
{
  if (feed == NULL)
    return;
  g_free (feed->argument);
  g_free (feed->title);
  g_free (feed);
}

static QtrFeed *
feed_new (QtrTimelineKind  kind,
          const char      *argument,
          const char      *title)
{
  QtrFeed *feed = g_new0 (QtrFeed, 1);

  feed->kind = kind;
  feed->argument = g_strdup (argument);
  feed->title = g_strdup (title);
  return feed;
}

static QtrFeed *
parse_list (JsonNode *node)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *id = object != NULL ? qtr_json_get_string (object, "id") : NULL;
  const char *title = object != NULL ? qtr_json_get_string (object, "title") : NULL;

  if (id == NULL || *id == '\0' || !g_utf8_validate (id, -1, NULL))
    return NULL;
  if (title == NULL || !g_utf8_validate (title, -1, NULL))
    title = id;
  return feed_new (QTR_TIMELINE_LIST, id, title);
}

static QtrFeed *
parse_tag (JsonNode *node)
{
  g_autoptr(QtrHashtag) hashtag = qtr_hashtag_new_from_json (node, NULL);

  if (hashtag == NULL)
    return NULL;
  return feed_new (QTR_TIMELINE_TAG, qtr_hashtag_get_name (hashtag),
                   qtr_hashtag_get_name (hashtag));
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrTimelineKind kind = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_feed_free);
  g_autoptr(GError) error = NULL;
  JsonArray *array = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_NOT_FOUND))
    {
      g_task_return_pointer (task, g_steal_pointer (&feeds), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  if (response != NULL)
    array = qtr_api_response_get_array (response, &error);
  if (array == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < json_array_get_length (array) && feeds->len < QTR_FEEDS_MAX; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      QtrFeed *feed = kind == QTR_TIMELINE_LIST ? parse_list (node) : parse_tag (node);

      if (feed != NULL)
        g_ptr_array_add (feeds, feed);
      else
        g_debug ("A list or followed hashtag without a name was left out");
    }
  g_task_return_pointer (task, g_steal_pointer (&feeds), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * qtr_feeds_load_async:
 * @kind: %QTR_TIMELINE_LIST for the lists, %QTR_TIMELINE_TAG for the followed hashtags
 *
 * Asks the server for the user's lists or followed hashtags.
 */
void
qtr_feeds_load_async (QtrApiClient        *client,
                      QtrTimelineKind      kind,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *limit = g_strdup_printf ("%d", QTR_FEEDS_MAX);
  const char *query[] = { "limit", limit, NULL };

  g_return_if_fail (QTR_IS_API_CLIENT (client));
  g_return_if_fail (kind == QTR_TIMELINE_LIST || kind == QTR_TIMELINE_TAG);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_feeds_load_async);
  g_task_set_task_data (task, GINT_TO_POINTER (kind), NULL);
  qtr_api_client_get_async (client, kind == QTR_TIMELINE_LIST ? "/api/v1/lists"
                                                              : "/api/v1/followed_tags",
                            kind == QTR_TIMELINE_LIST ? NULL : query, cancellable, loaded_cb,
                            g_steal_pointer (&task));
}

/**
 * qtr_feeds_load_finish:
 *
 * Returns: (transfer full) (element-type QtrFeed): the lists or hashtags, in the server's
 *   order; empty when the server has no such endpoint; %NULL with @error set when it failed
 */
GPtrArray *
qtr_feeds_load_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
