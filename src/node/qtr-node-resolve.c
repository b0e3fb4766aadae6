/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include "qtr-url.h"

/* Posts of other servers the node was not sent but needs: the post a reply answers, a boosted
 * post. Each is fetched from its own host (signed, through the fetcher and its guards), checked
 * to be its author's, and kept as a delivered post would be:
 *
 *   stored? → fetched (id == final URL) → Note → attributedTo on the note's host →
 *   the author: stored, else fetched from its id → kept (qtr_node_keep_note)
 *
 * A reply that arrives without its thread has its missing ancestors fetched one after the
 * other in the background, up to MAX_ANCESTORS deep; the inbox does not wait for them. */

/* How far up a thread a reply's missing ancestors are fetched. */
#define MAX_ANCESTORS 16
/* Background fetches (threads and boosts) under way at most; activities that would start more
 * are kept without theirs. */
#define MAX_BACKGROUND_FETCHES 32

typedef struct {
  QtrNode    *node;
  char       *uri;
  JsonObject *json;
  QtrNote    *note;
} ResolveData;

static void
resolve_data_free (ResolveData *data)
{
  g_object_unref (data->node);
  g_free (data->uri);
  g_clear_pointer (&data->json, json_object_unref);
  g_clear_pointer (&data->note, qtr_note_unref);
  g_free (data);
}

/* Keeps the fetched note of a known author, and answers with the stored post. */
static void
keep_and_return (GTask          *task,
                 QtrRemoteActor *author)
{
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *document = NULL;
  g_autoptr(GError) error = NULL;
  QtrStatus *status;

  json_node_set_object (root, data->json);
  document = json_to_string (root, FALSE);
  if (!qtr_node_keep_note (data->node, data->note, author, document, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  status = qtr_node_store_find_status (qtr_node_get_store (data->node), data->note->id, NULL,
                                       &error);
  if (status == NULL && error == NULL)
    g_set_error (&error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                 "%s was kept but cannot be read back", data->note->id);
  if (status == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, status, (GDestroyNotify) qtr_status_free);
}

static void
author_fetched_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(QtrActorDoc) doc = NULL;
  g_autoptr(QtrRemoteActor) author = NULL;
  g_autoptr(GError) error = NULL;

  json = qtr_fetcher_fetch_object_finish (QTR_FETCHER (source), result, &error);
  if (json != NULL)
    doc = qtr_actor_doc_parse (json, &error);
  if (doc == NULL)
    {
      g_prefix_error (&error, "The author of %s cannot be fetched: ", data->note->id);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_str_equal (doc->id, data->note->attributed_to) || doc->public_keys->len == 0)
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                               "%s is not an actor that can be the author of %s",
                               data->note->attributed_to, data->note->id);
      return;
    }
  if (qtr_node_remember_actor (data->node, json, doc, g_ptr_array_index (doc->public_keys, 0),
                               &error) < 0 ||
      (author = qtr_node_store_find_remote_actor (qtr_node_get_store (data->node), "uri",
                                                  doc->id, &error)) == NULL)
    {
      if (error == NULL)
        g_set_error (&error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                     "%s was remembered but cannot be read back", doc->id);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  keep_and_return (task, author);
}

static void
note_fetched_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(QtrRemoteActor) author = NULL;
  g_autoptr(QtrStatus) stored = NULL;
  g_autoptr(GError) error = NULL;
  QtrNodeStore *store = qtr_node_get_store (data->node);
  GCancellable *cancellable;

  data->json = qtr_fetcher_fetch_object_finish (QTR_FETCHER (source), result, &error);
  if (data->json != NULL)
    data->note = qtr_note_parse (data->json, &error);
  if (data->note == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The fetcher made sure the id is where the document came from; the author must live
   * there too, as for a delivered Create. */
  if (!qtr_url_same_host (data->note->attributed_to, data->note->id))
    {
      g_task_return_new_error (task, QTR_ACTIVITY_ERROR, QTR_ACTIVITY_ERROR_ORIGIN_MISMATCH,
                               "%s is attributed to %s, on another host", data->note->id,
                               data->note->attributed_to);
      return;
    }

  /* A redirect may lead to a post stored under its own id. */
  stored = qtr_node_store_find_status (store, data->note->id, NULL, &error);
  if (stored != NULL || error != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, g_steal_pointer (&stored), (GDestroyNotify) qtr_status_free);
      return;
    }

  author = qtr_node_store_find_remote_actor (store, "uri", data->note->attributed_to, &error);
  if (author != NULL)
    {
      keep_and_return (task, author);
      return;
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  qtr_fetcher_fetch_object_async (QTR_FETCHER (source), data->note->attributed_to,
                                  cancellable, author_fetched_cb, g_steal_pointer (&task));
}

/**
 * qtr_node_resolve_note_async:
 * @uri: the id of a post
 *
 * Finds a post: the stored one, else fetched from its own host by the node's fetcher (which
 * refuses blocked domains, addresses the node may not reach, documents that are not
 * ActivityStreams and documents whose id is not where they came from). A note attributed to
 * another host than its own is refused; its author is fetched too when unknown; the post is
 * kept as a delivered post is.
 */
void
qtr_node_resolve_note_async (QtrNode             *node,
                             const char          *uri,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (node, cancellable, callback, user_data);
  g_autoptr(QtrStatus) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  ResolveData *data = g_new0 (ResolveData, 1);
  gboolean deleted = FALSE;

  g_task_set_source_tag (task, qtr_node_resolve_note_async);
  data->node = g_object_ref (node);
  data->uri = g_strdup (uri);
  g_task_set_task_data (task, data, (GDestroyNotify) resolve_data_free);

  stored = qtr_node_store_find_status (qtr_node_get_store (node), uri, &deleted, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (stored != NULL && stored->reblog_of_id == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&stored), (GDestroyNotify) qtr_status_free);
      return;
    }
  host = qtr_url_get_authority (uri);
  if (stored != NULL)
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                               "%s is a boost; name the boosted post instead", uri);
      return;
    }
  if (host == NULL)
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                               "%s is not the address of a post (an http or https URL)", uri);
      return;
    }
  if (deleted || qtr_url_same_host (uri, qtr_node_get_base_url (node)))
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                               deleted ? "%s was deleted" : "%s is not a post of this node",
                               uri);
      return;
    }
  qtr_fetcher_fetch_object_async (qtr_node_get_fetcher (node), uri, cancellable,
                                  note_fetched_cb, g_steal_pointer (&task));
}

/**
 * qtr_node_resolve_note_finish:
 *
 * Returns: (transfer full): the stored post, or %NULL with @error set
 */
QtrStatus *
qtr_node_resolve_note_finish (QtrNode       *node,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A reply's missing thread. */

typedef struct {
  QtrNode    *node;
  GHashTable *seen;    /* ids met on the way up: a cycle stops the walk */
  char       *wanted;  /* the id being fetched */
  guint       depth;
} AncestorWalk;

static void
ancestor_walk_free (AncestorWalk *walk)
{
  g_object_unref (walk->node);
  g_hash_table_unref (walk->seen);
  g_free (walk->wanted);
  g_free (walk);
}

static void ancestor_resolved_cb (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data);

/* Fetches @parent, unless it is stored, met already, too far up, or fetched by another walk;
 * otherwise the walk ends. Takes @walk. */
static void
walk_to (AncestorWalk *walk,
         const char   *parent)
{
  g_autoptr(QtrStatus) stored = NULL;

  if (parent == NULL || walk->depth >= MAX_ANCESTORS ||
      !g_hash_table_add (walk->seen, g_strdup (parent)) ||
      (stored = qtr_node_store_find_status (qtr_node_get_store (walk->node), parent, NULL,
                                            NULL)) != NULL ||
      !qtr_node_begin_fetch (walk->node, parent, MAX_BACKGROUND_FETCHES))
    {
      if (parent != NULL && walk->depth >= MAX_ANCESTORS)
        g_debug ("Not fetching %s: the thread is deeper than %d", parent, MAX_ANCESTORS);
      ancestor_walk_free (walk);
      return;
    }
  walk->depth++;
  g_free (walk->wanted);
  walk->wanted = g_strdup (parent);
  qtr_node_resolve_note_async (walk->node, parent, qtr_node_get_cancellable (walk->node),
                               ancestor_resolved_cb, walk);
}

static void
ancestor_resolved_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  AncestorWalk *walk = user_data;
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = qtr_node_resolve_note_finish (walk->node, result, &error);
  qtr_node_end_fetch (walk->node, walk->wanted);
  if (status == NULL)
    {
      g_debug ("The post %s replies to cannot be fetched: %s", walk->wanted, error->message);
      ancestor_walk_free (walk);
      return;
    }
  walk_to (walk, status->in_reply_to);
}

/**
 * qtr_node_fetch_ancestors:
 * @uri: the id of a stored reply
 * @in_reply_to: the id of the post it answers, not stored here
 *
 * Fetches, in the background, the post @uri answers, then the one that answers, and so on
 * until a stored post, the top of the thread, a post that cannot be fetched, a cycle, or
 * %MAX_ANCESTORS posts.
 */
void
qtr_node_fetch_ancestors (QtrNode    *node,
                          const char *uri,
                          const char *in_reply_to)
{
  AncestorWalk *walk = g_new0 (AncestorWalk, 1);

  walk->node = g_object_ref (node);
  walk->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (walk->seen, g_strdup (uri));
  walk_to (walk, in_reply_to);
}
