/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include <string.h>

#include "qtr-json.h"

/* Boosts, kept as Mastodon keeps them: a reblog is a status row of the booster, its uri the
 * Announce's id, pointing at the boosted post (statuses.reblog_of_id).
 *
 * Out: the owner's Announce of a post (resolved when not stored), addressed to the public with
 * the owner's followers and the post's author in cc, delivered to both; an Undo of it removes
 * the reblog. In: an Announce by an account the owner follows puts the boosted post, fetched
 * from its own host (an embedded copy is never trusted), into the home timeline as a reblog;
 * its Undo takes it out. */

#define AS_CONTEXT "https://www.w3.org/ns/activitystreams"

/* Announces waiting for their post at most; more are kept without a reblog. */
#define MAX_BACKGROUND_FETCHES 32

static gboolean
is_shareable (QtrStatus *status,
              gint64     booster_row)
{
  /* As Mastodon: public and unlisted posts, and followers-only posts by their own author. */
  return g_str_equal (status->visibility, "public") ||
         g_str_equal (status->visibility, "unlisted") ||
         (g_str_equal (status->visibility, "private") && status->actor_row == booster_row);
}

/* Where a boost or its Undo goes: the owner's followers and the boosted post's author. */
static GStrv
collect_boost_inboxes (QtrNode         *node,
                       QtrRemoteActor  *author,
                       GError         **error)
{
  g_auto(GStrv) followers = qtr_node_store_follower_inboxes (qtr_node_get_store (node), error);
  g_autoptr(GStrvBuilder) builder = NULL;
  const char *author_inbox;

  if (followers == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) followers);
  if (author != NULL)
    {
      author_inbox = author->shared_inbox ? author->shared_inbox : author->inbox;
      if (!g_strv_contains ((const char * const *) followers, author_inbox))
        g_strv_builder_add (builder, author_inbox);
    }
  return g_strv_builder_end (builder);
}

static JsonArray *
new_audience (const char *first,
              const char *second)
{
  JsonArray *array = json_array_new ();

  if (first != NULL)
    json_array_add_string_element (array, first);
  if (second != NULL)
    json_array_add_string_element (array, second);
  return array;
}

typedef struct {
  QtrNode    *node;
  QtrStatus  *reblog;
  JsonObject *activity;
  GStrv       inboxes;
  const char *delete_uri;
} BoostTransaction;

static gboolean
boost_in_transaction (QtrDb    *db,
                      gpointer  user_data,
                      GError  **error)
{
  BoostTransaction *tx = user_data;
  QtrNodeStore *store = qtr_node_get_store (tx->node);
  g_autoptr(GError) local_error = NULL;

  if (tx->reblog != NULL && !qtr_node_store_add_status (store, tx->reblog, error))
    return FALSE;
  if (tx->delete_uri != NULL &&
      !qtr_node_store_delete_status (store, tx->delete_uri, 0, &local_error) &&
      local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return qtr_node_queue_activity (tx->node, tx->activity, (const char * const *) tx->inboxes,
                                  error);
}

static gboolean
run_boost_transaction (BoostTransaction  *tx,
                       GError           **error)
{
  if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (tx->node)),
                           boost_in_transaction, tx, error))
    return FALSE;
  qtr_node_kick_deliveries (tx->node);
  return TRUE;
}

/* Announces @status for the owner. Returns the reblog's uri. */
static char *
boost_status (QtrNode    *node,
              QtrStatus  *status,
              GError    **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrRemoteActor) author = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *followers = g_strconcat (actor, "/followers", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *published = NULL;
  g_autofree char *document = NULL;
  g_autoptr(JsonObject) announce = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_auto(GStrv) inboxes = NULL;
  gboolean followers_only = g_str_equal (status->visibility, "private");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  QtrStatus reblog = { 0 };

  if (!is_shareable (status, 0))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "%s is %s: only public and unlisted posts (and your own followers-only "
                   "posts) can be boosted", status->uri,
                   g_str_equal (status->visibility, "direct") ? "a direct message"
                                                              : "for its author's followers");
      return NULL;
    }

  existing = qtr_node_store_find_reblog (store, 0, status->id, &local_error);
  if (existing != NULL || local_error != NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return g_steal_pointer (&existing);
    }

  if (status->actor_row != 0)
    {
      author = qtr_node_store_find_remote_actor_by_row (store, status->actor_row, &local_error);
      if (author == NULL)
        {
          if (local_error == NULL)
            g_set_error (&local_error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                         "The author of %s is not known here", status->uri);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  reblog.id = qtr_node_new_status_id (node, error);
  if (reblog.id < 0)
    return NULL;
  inboxes = collect_boost_inboxes (node, author, error);
  if (inboxes == NULL)
    return NULL;

  /* Mastodon's shape: the reblog's id is the Announce's, under the owner's statuses. */
  uri = g_strdup_printf ("%s/statuses/%" G_GINT64_FORMAT "/activity", actor, reblog.id);
  published = qtr_node_format_time (now);
  json_object_set_string_member (announce, "@context", AS_CONTEXT);
  json_object_set_string_member (announce, "id", uri);
  json_object_set_string_member (announce, "type", "Announce");
  json_object_set_string_member (announce, "actor", actor);
  json_object_set_string_member (announce, "published", published);
  json_object_set_array_member (announce, "to",
                                followers_only ? new_audience (followers, NULL)
                                               : new_audience (QTR_ACTIVITY_PUBLIC, NULL));
  json_object_set_array_member (announce, "cc",
                                followers_only ? new_audience (author ? author->uri : NULL, NULL)
                                               : new_audience (author ? author->uri : NULL,
                                                               followers));
  json_object_set_string_member (announce, "object", status->uri);
  json_node_set_object (root, announce);
  document = json_to_string (root, FALSE);

  reblog.uri = uri;
  reblog.content = (char *) "";
  reblog.visibility = followers_only ? (char *) "private" : (char *) "public";
  reblog.published = now;
  reblog.document = document;
  reblog.reblog_of_id = status->id;

  {
    BoostTransaction tx = { node, &reblog, announce, inboxes, NULL };

    if (!run_boost_transaction (&tx, error))
      return NULL;
  }
  return g_steal_pointer (&uri);
}

static void
boost_resolved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  char *uri;

  status = qtr_node_resolve_note_finish (QTR_NODE (source), result, &error);
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  uri = boost_status (QTR_NODE (source), status, &error);
  if (uri == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, uri, g_free);
}

/**
 * qtr_node_boost_async:
 * @uri: the id of a post: the owner's, one stored here, or one to fetch from its server
 *
 * Boosts a post: stores the owner's reblog of it and its Announce, addressed to the public
 * with the owner's followers and the post's author in cc, and delivers it to both. Boosting a
 * post boosted already gives the same reblog. Direct posts, and followers-only posts of
 * others, cannot be boosted.
 */
void
qtr_node_boost_async (QtrNode             *node,
                      const char          *uri,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (node, cancellable, callback, user_data);

  g_task_set_source_tag (task, qtr_node_boost_async);
  qtr_node_resolve_note_async (node, uri, cancellable, boost_resolved_cb, task);
}

/**
 * qtr_node_boost_finish:
 *
 * Returns: (transfer full): the id of the owner's reblog (its Announce), or %NULL with @error
 *   set
 */
char *
qtr_node_boost_finish (QtrNode       *node,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qtr_node_unboost:
 * @uri: the id of a post the owner boosted
 *
 * Takes the owner's boost of a post back: the reblog is deleted and an Undo of its Announce
 * goes where the Announce went.
 */
gboolean
qtr_node_unboost (QtrNode     *node,
                  const char  *uri,
                  GError     **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(QtrRemoteActor) author = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) announce = NULL;
  g_autoptr(JsonObject) undo = NULL;
  g_autofree char *reblog_uri = NULL;
  g_autofree char *body = NULL;
  g_autofree char *undo_id = NULL;
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_auto(GStrv) inboxes = NULL;

  status = qtr_node_store_find_status (store, uri, NULL, &local_error);
  if (status != NULL)
    reblog_uri = qtr_node_store_find_reblog (store, 0, status->id, &local_error);
  if (status != NULL && reblog_uri != NULL)
    body = qtr_node_store_get_activity_body (store, reblog_uri, &local_error);
  if (body != NULL)
    announce = qtr_json_parse_object (body, strlen (body), &local_error);
  if (announce == NULL)
    {
      if (local_error == NULL)
        g_set_error (&local_error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                     "%s is not boosted from this node", uri);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (status->actor_row != 0)
    author = qtr_node_store_find_remote_actor_by_row (store, status->actor_row, NULL);
  inboxes = collect_boost_inboxes (node, author, error);
  if (inboxes == NULL)
    return FALSE;

  undo_id = g_strconcat (reblog_uri, "#undo", NULL);
  undo = json_object_new ();
  json_object_set_string_member (undo, "@context", AS_CONTEXT);
  json_object_set_string_member (undo, "id", undo_id);
  json_object_set_string_member (undo, "type", "Undo");
  json_object_set_string_member (undo, "actor", actor);
  json_object_set_member (undo, "to", json_node_copy (json_object_get_member (announce, "to")));
  json_object_set_member (undo, "cc", json_node_copy (json_object_get_member (announce, "cc")));
  json_object_remove_member (announce, "@context");
  json_object_set_object_member (undo, "object", json_object_ref (announce));

  {
    BoostTransaction tx = { node, NULL, undo, inboxes, reblog_uri };

    return run_boost_transaction (&tx, error);
  }
}

/* Boosts that arrive. */

static gboolean
keep_reblog (QtrNode      *node,
             QtrStatus    *original,
             QtrStatus    *reblog,
             GError      **error)
{
  if (!is_shareable (original, reblog->actor_row))
    {
      g_debug ("Not keeping %s: the boosted post %s is %s", reblog->uri, original->uri,
               original->visibility);
      return TRUE;
    }
  reblog->reblog_of_id = original->id;
  return qtr_node_store_add_status (qtr_node_get_store (node), reblog, error);
}

typedef struct {
  QtrNode   *node;
  QtrStatus *reblog;
} AnnounceData;

static void
announce_data_free (AnnounceData *data)
{
  g_object_unref (data->node);
  qtr_status_free (data->reblog);
  g_free (data);
}

static void
announced_resolved_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  AnnounceData *data = user_data;
  g_autoptr(QtrStatus) original = NULL;
  g_autoptr(GError) error = NULL;

  original = qtr_node_resolve_note_finish (data->node, result, &error);
  /* An Undo that came meanwhile released the claim: nothing to keep then. */
  if (qtr_node_end_fetch (data->node, data->reblog->uri))
    {
      if (original == NULL || !keep_reblog (data->node, original, data->reblog, &error))
        g_debug ("The boost %s is not kept: %s", data->reblog->uri, error->message);
    }
  announce_data_free (data);
}

/* The Announce as kept: its embedded object, if any, is not ours to keep. */
static char *
announce_document (JsonObject  *json,
                   const char  *object_id)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GList) members = json_object_get_members (json);

  for (GList *l = members; l != NULL; l = l->next)
    {
      if (!g_str_equal (l->data, "object"))
        json_object_set_member (copy, l->data,
                                json_node_copy (json_object_get_member (json, l->data)));
    }
  json_object_set_string_member (copy, "object", object_id);
  json_node_set_object (root, copy);
  return json_to_string (root, FALSE);
}

/**
 * qtr_node_receive_announce:
 *
 * Keeps a boost by an account the owner follows as a reblog of the boosted post: the stored
 * post, else the post fetched from its own host in the background. Whatever the Announce
 * embeds is not used.
 */
gboolean
qtr_node_receive_announce (QtrNode      *node,
                           QtrActivity  *activity,
                           JsonObject   *json,
                           GError      **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrRemoteActor) booster = NULL;
  g_autoptr(QtrStatus) original = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *follow = NULL;
  QtrStatus *reblog;
  AnnounceData *data;

  if (activity->object_id == NULL)
    return TRUE;
  booster = qtr_node_store_find_remote_actor (store, "uri", activity->actor, error);
  if (booster == NULL)
    return FALSE;
  follow = qtr_node_store_get_following_uri (store, booster->row, &local_error);
  if (follow == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  reblog = g_new0 (QtrStatus, 1);
  reblog->uri = g_strdup (activity->id);
  reblog->actor_row = booster->row;
  reblog->content = g_strdup ("");
  reblog->visibility = g_strdup (qtr_visibility_to_string (
    qtr_addressing_visibility ((const char * const *) activity->to,
                               (const char * const *) activity->cc, booster->followers)));
  reblog->published = activity->published > 0 ? activity->published
                                               : g_get_real_time () / G_USEC_PER_SEC;
  reblog->document = announce_document (json, activity->object_id);

  original = qtr_node_store_find_status (store, activity->object_id, NULL, &local_error);
  if (original != NULL || local_error != NULL)
    {
      gboolean kept = local_error == NULL && keep_reblog (node, original, reblog, &local_error);

      qtr_status_free (reblog);
      if (!kept)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return kept;
    }

  if (!qtr_node_begin_fetch (node, activity->id, MAX_BACKGROUND_FETCHES))
    {
      g_debug ("Not fetching the post %s boosts now: too many fetches under way",
               activity->id);
      qtr_status_free (reblog);
      return TRUE;
    }
  data = g_new0 (AnnounceData, 1);
  data->node = g_object_ref (node);
  data->reblog = reblog;
  qtr_node_resolve_note_async (node, activity->object_id, qtr_node_get_cancellable (node),
                               announced_resolved_cb, data);
  return TRUE;
}

/**
 * qtr_node_receive_announce_undo:
 * @announce_id: the id of the undone Announce
 * @actor_row: who undoes it: only its own reblog goes
 *
 * Removes a reblog, or drops it while its post is still being fetched.
 */
gboolean
qtr_node_receive_announce_undo (QtrNode      *node,
                                const char   *announce_id,
                                gint64        actor_row,
                                GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(QtrStatus) reblog = NULL;

  qtr_node_end_fetch (node, announce_id);
  reblog = qtr_node_store_find_status (qtr_node_get_store (node), announce_id, NULL,
                                       &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (reblog == NULL || reblog->reblog_of_id == 0)
    return TRUE;
  if (!qtr_node_store_delete_status (qtr_node_get_store (node), announce_id, actor_row,
                                     &local_error) && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
