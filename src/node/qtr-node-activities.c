/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"
#include "qtr-node-store-client.h"

#include "qtr-activity.h"
#include "qtr-delivery-queue.h"
#include "qtr-json.h"
#include "qtr-url.h"

/* What the node does with stored activities, one handler per type, and the activities it
 * sends. An activity we send is stored with one delivery job per inbox in the caller's
 * transaction: the delivery queue takes it from there. */

#define PROCESS_BATCH 32

#define AS_CONTEXT "https://www.w3.org/ns/activitystreams"

/* @json is the activity as received, for handlers that keep documents. */
typedef gboolean (*ActivityHandler) (QtrNode      *node,
                                     QtrActivity  *activity,
                                     JsonObject   *json,
                                     GError      **error);

static gboolean handle_follow (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_undo (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_accept (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_reject (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_block (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_delete (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_like (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_announce (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_flag (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_create (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_update (QtrNode *node, QtrActivity *activity, JsonObject *json,
                               GError **error);
static gboolean handle_move (QtrNode *node, QtrActivity *activity, JsonObject *json,
                             GError **error);

static const struct {
  QtrActivityType type;
  ActivityHandler handler;
} handlers[] = {
  { QTR_ACTIVITY_TYPE_FOLLOW, handle_follow },
  { QTR_ACTIVITY_TYPE_UNDO, handle_undo },
  { QTR_ACTIVITY_TYPE_ACCEPT, handle_accept },
  { QTR_ACTIVITY_TYPE_REJECT, handle_reject },
  { QTR_ACTIVITY_TYPE_BLOCK, handle_block },
  { QTR_ACTIVITY_TYPE_DELETE, handle_delete },
  { QTR_ACTIVITY_TYPE_CREATE, handle_create },
  { QTR_ACTIVITY_TYPE_LIKE, handle_like },
  { QTR_ACTIVITY_TYPE_ANNOUNCE, handle_announce },
  { QTR_ACTIVITY_TYPE_FLAG, handle_flag },
  { QTR_ACTIVITY_TYPE_UPDATE, handle_update },
  { QTR_ACTIVITY_TYPE_MOVE, handle_move },
};



static char *
new_activity_id (QtrNode *node)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("%s/activities/%s", qtr_node_get_base_url (node), uuid);
}

static QtrRemoteActor *
find_actor (QtrNode     *node,
            const char  *uri,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  QtrRemoteActor *actor = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "uri",
                                                            uri, &local_error);

  if (actor == NULL && local_error == NULL)
    g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED, "%s is not known here", uri);
  else if (actor == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return actor;
}

/**
 * qtr_node_remember_actor:
 * @json: the actor document as fetched from the actor's own host
 * @doc: @json, parsed
 * @key: the key of @doc to remember (the one that signs for it)
 *
 * Stores (or refreshes) an actor of another server.
 *
 * Returns: the actor's row id, or -1 with @error set
 */
gint64
qtr_node_remember_actor (QtrNode             *node,
                         JsonObject          *json,
                         QtrActorDoc         *doc,
                         const QtrPublicKey  *key,
                         GError             **error)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *document = NULL;
  g_autofree char *host = qtr_url_get_authority (doc->id);
  QtrRemoteActor actor = { 0 };

  json_node_set_object (root, json);
  document = json_to_string (root, FALSE);
  actor.uri = doc->id;
  actor.host = host;
  actor.username = doc->preferred_username;
  actor.display_name = doc->name;
  actor.inbox = doc->inbox;
  actor.shared_inbox = doc->shared_inbox;
  actor.key_id = key->id;
  actor.public_key_pem = key->pem;
  actor.document = document;
  actor.followers = doc->followers;
  return qtr_node_store_save_remote_actor (qtr_node_get_store (node), &actor, error);
}

/**
 * qtr_node_queue_activity:
 * @activity: the activity's JSON; its `id` and `type` are read from it
 * @inboxes: where to deliver it
 *
 * Stores the activity (served at its id from then on) and one delivery job per inbox, but for
 * the inboxes of accounts the owner blocks. Call it inside a transaction together with the
 * change the activity announces.
 */
gboolean
qtr_node_queue_activity (QtrNode             *node,
                         JsonObject          *activity,
                         const char * const  *inboxes,
                         GError             **error)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *body = NULL;
  QtrNodeStore *store = qtr_node_get_store (node);
  JsonNode *object = json_object_get_member (activity, "object");
  const char *object_uri = NULL;
  gint64 row;
  gint64 deleted_at = qtr_node_store_get_deleted_at (store, error);

  /* After the owner's account is deleted, nothing more goes out. */
  if (deleted_at < 0)
    return FALSE;
  if (deleted_at > 0)
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                           "This account was deleted: the node sends nothing more");
      return FALSE;
    }

  if (object != NULL && JSON_NODE_HOLDS_VALUE (object))
    object_uri = json_node_get_string (object);
  else if (object != NULL && JSON_NODE_HOLDS_OBJECT (object))
    object_uri = json_object_get_string_member_with_default (json_node_get_object (object),
                                                             "id", NULL);

  json_node_set_object (root, activity);
  body = json_to_string (root, FALSE);
  row = qtr_node_store_add_activity (store, json_object_get_string_member (activity, "id"),
                                     json_object_get_string_member (activity, "type"),
                                     object_uri, body, error);
  if (row < 0)
    return FALSE;

  for (guint i = 0; inboxes != NULL && inboxes[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;

      /* Nothing goes to an account the owner blocks. */
      if (qtr_node_store_is_blocked (store, "inbox", inboxes[i], &local_error))
        continue;
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!qtr_node_store_queue_delivery (store, row, inboxes[i],
                                          g_get_real_time () / G_USEC_PER_SEC, error))
        return FALSE;
    }
  return TRUE;
}

static JsonObject *
new_activity (QtrNode    *node,
              const char *type)
{
  JsonObject *activity = json_object_new ();
  g_autofree char *id = new_activity_id (node);
  g_autofree char *actor = qtr_node_get_actor_url (node);

  json_object_set_string_member (activity, "@context", AS_CONTEXT);
  json_object_set_string_member (activity, "id", id);
  json_object_set_string_member (activity, "type", type);
  json_object_set_string_member (activity, "actor", actor);
  return activity;
}

/**
 * qtr_node_new_activity:
 * @type: the activity's type, such as `Flag`
 *
 * Returns: (transfer full): a new activity of the owner's, with a new id, to fill in and queue
 */
JsonObject *
qtr_node_new_activity (QtrNode    *node,
                       const char *type)
{
  return new_activity (node, type);
}

/* Queues the Accept or Reject (@type) of the Follow @follow_id of @follower. */
static gboolean
queue_follow_answer (QtrNode         *node,
                     QtrRemoteActor  *follower,
                     const char      *follow_id,
                     const char      *type,
                     GError         **error)
{
  g_autofree char *our_actor = qtr_node_get_actor_url (node);
  g_autoptr(JsonObject) answer = new_activity (node, type);
  JsonObject *follow = json_object_new ();
  const char *inboxes[] = { follower->inbox, NULL };

  /* Mastodon wants the Follow itself as the object of the Accept. */
  json_object_set_string_member (follow, "id", follow_id);
  json_object_set_string_member (follow, "type", "Follow");
  json_object_set_string_member (follow, "actor", follower->uri);
  json_object_set_string_member (follow, "object", our_actor);
  json_object_set_object_member (answer, "object", follow);
  json_object_set_array_member (answer, "to", json_array_new ());
  json_array_add_string_element (json_object_get_array_member (answer, "to"), follower->uri);
  return qtr_node_queue_activity (node, answer, inboxes, error);
}

/* An Undo of the owner's earlier @type activity @undone_id, whose object was @object. */
static JsonObject *
new_undo (QtrNode    *node,
          const char *type,
          const char *undone_id,
          const char *object)
{
  JsonObject *undo = new_activity (node, "Undo");
  g_autofree char *our_actor = qtr_node_get_actor_url (node);
  JsonObject *undone = json_object_new ();

  json_object_set_string_member (undone, "id", undone_id);
  json_object_set_string_member (undone, "type", type);
  json_object_set_string_member (undone, "actor", our_actor);
  json_object_set_string_member (undone, "object", object);
  json_object_set_object_member (undo, "object", undone);
  return undo;
}

static gboolean
handle_follow (QtrNode      *node,
               QtrActivity  *activity,
               JsonObject   *json,
               GError      **error)
{
  g_autofree char *our_actor = qtr_node_get_actor_url (node);
  g_autoptr(QtrRemoteActor) follower = NULL;
  gboolean accepted = !qtr_node_get_config (node)->manual_approval;

  if (g_strcmp0 (activity->object_id, our_actor) != 0)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "The Follow is for %s, who does not live here",
                   activity->object_id ? activity->object_id : "nobody");
      return FALSE;
    }

  follower = find_actor (node, activity->actor, error);
  if (follower == NULL ||
      !qtr_node_store_add_follower (qtr_node_get_store (node), follower->row, activity->id,
                                    accepted, error) ||
      !qtr_node_store_add_notification (qtr_node_get_store (node),
                                        accepted ? "follow" : "follow_request", follower->row,
                                        NULL, activity->id, NULL, error))
    return FALSE;
  if (!accepted)
    return TRUE;
  return queue_follow_answer (node, follower, activity->id, "Accept", error);
}

typedef struct {
  QtrNode  *node;
  gint64    actor_row;
  gboolean  accept;
} AnswerTransaction;

static gboolean
answer_in_transaction (QtrDb    *db,
                       gpointer  user_data,
                       GError  **error)
{
  AnswerTransaction *tx = user_data;
  QtrNodeStore *store = qtr_node_get_store (tx->node);
  g_autoptr(QtrRemoteActor) follower = NULL;
  g_autofree char *follow_uri = NULL;
  gboolean accepted = FALSE;

  follow_uri = qtr_node_store_get_follower_uri (store, tx->actor_row, &accepted, error);
  if (follow_uri == NULL || accepted)
    {
      if (error == NULL || *error == NULL)
        g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                             "This account has not asked to follow the owner");
      return FALSE;
    }
  follower = qtr_node_store_find_remote_actor_by_row (store, tx->actor_row, error);
  if (follower == NULL)
    return FALSE;
  if (tx->accept
      ? !qtr_node_store_add_follower (store, tx->actor_row, follow_uri, TRUE, error)
      : !qtr_node_store_remove_follower (store, tx->actor_row, follow_uri, error))
    return FALSE;
  return queue_follow_answer (tx->node, follower, follow_uri, tx->accept ? "Accept" : "Reject",
                              error);
}

/**
 * qtr_node_answer_follow_request:
 * @actor_row: the row of an actor whose Follow waits for the owner's approval
 * @accept: accept the follow, or reject it
 *
 * Answers a follow request, as a node with manual approval keeps them: accepted, the actor
 * becomes a follower; rejected, the request is forgotten. Either way the Accept or Reject of
 * its Follow is queued for the actor's server.
 *
 * Returns: %FALSE with @error set on failure (%QTR_NODE_ERROR_NOT_FOUND when the actor has no
 *   follow request waiting)
 */
gboolean
qtr_node_answer_follow_request (QtrNode   *node,
                                gint64     actor_row,
                                gboolean   accept,
                                GError   **error)
{
  AnswerTransaction tx = { node, actor_row, accept };

  if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                           answer_in_transaction, &tx, error))
    return FALSE;
  qtr_node_kick_deliveries (node);
  return TRUE;
}

static gboolean
handle_undo (QtrNode      *node,
             QtrActivity  *activity,
             JsonObject   *json,
             GError      **error)
{
  g_autoptr(QtrRemoteActor) actor = NULL;
  QtrActivity *undone = activity->object_activity;
  const char *undone_id = undone != NULL ? undone->id : activity->object_id;
  QtrNodeStore *store = qtr_node_get_store (node);

  actor = find_actor (node, activity->actor, error);
  if (actor == NULL)
    return FALSE;

  /* Whatever it undoes (a like, a boost, a follow), what it caused goes with it. */
  if (undone_id != NULL &&
      !qtr_node_store_remove_notification (store, undone_id, actor->row, error))
    return FALSE;

  /* Undo of a boost: embedded (Mastodon), or by reference to the Announce's id. */
  if ((undone == NULL || undone->type == QTR_ACTIVITY_TYPE_ANNOUNCE) && undone_id != NULL &&
      !qtr_node_receive_announce_undo (node, undone_id, actor->row, error))
    return FALSE;

  /* Undo of a Follow: embedded (Mastodon), or by reference to the Follow's id. */
  if (undone != NULL && undone->type != QTR_ACTIVITY_TYPE_FOLLOW)
    return TRUE;
  return qtr_node_store_remove_follower (store, actor->row, undone != NULL ? NULL : undone_id,
                                         error);
}

static const char *
get_answered_follow (QtrActivity *activity)
{
  if (activity->object_activity != NULL)
    return activity->object_activity->type == QTR_ACTIVITY_TYPE_FOLLOW
           ? activity->object_activity->id : NULL;
  return activity->object_id;
}

static gboolean
answer_follow (QtrNode      *node,
               QtrActivity  *activity,
               gboolean      accepted,
               GError      **error)
{
  g_autoptr(QtrRemoteActor) actor = NULL;
  const char *follow_uri = get_answered_follow (activity);

  if (follow_uri == NULL)
    return TRUE;
  actor = find_actor (node, activity->actor, error);
  if (actor == NULL)
    return FALSE;
  /* Only the followed actor can answer our Follow: the store matches both. */
  return qtr_node_store_update_following (qtr_node_get_store (node), actor->row, follow_uri,
                                          accepted, error);
}

static gboolean
handle_accept (QtrNode      *node,
               QtrActivity  *activity,
               JsonObject   *json,
               GError      **error)
{
  return answer_follow (node, activity, TRUE, error);
}

static gboolean
handle_reject (QtrNode      *node,
               QtrActivity  *activity,
               JsonObject   *json,
               GError      **error)
{
  return answer_follow (node, activity, FALSE, error);
}

/* Blocked by an actor: as on Mastodon, follows end both ways. */
static gboolean
handle_block (QtrNode      *node,
              QtrActivity  *activity,
              JsonObject   *json,
              GError      **error)
{
  g_autofree char *our_actor = qtr_node_get_actor_url (node);
  g_autoptr(QtrRemoteActor) actor = NULL;

  if (g_strcmp0 (activity->object_id, our_actor) != 0)
    return TRUE;
  actor = find_actor (node, activity->actor, error);
  return actor != NULL &&
         qtr_node_store_remove_follower (qtr_node_get_store (node), actor->row, NULL, error) &&
         qtr_node_store_remove_following (qtr_node_get_store (node), actor->row, error);
}

/* An account deleted itself: forget it, and its follows both ways. Deletes of posts are
 * applied once posts are stored. */
static gboolean
handle_delete (QtrNode      *node,
               QtrActivity  *activity,
               JsonObject   *json,
               GError      **error)
{
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autoptr(GError) local_error = NULL;

  if (g_strcmp0 (activity->object_id, activity->actor) != 0)
    return qtr_node_receive_note_delete (node, activity, error);
  actor = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "uri", activity->actor,
                                            &local_error);
  if (actor == NULL)
    {
      if (local_error == NULL)
        return TRUE;  /* never heard of it */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return qtr_node_store_forget_actor (qtr_node_get_store (node), actor->row, error);
}

/* Whether @uri is one of the owner's posts, stored here. */
static gboolean
is_owner_post (QtrNode    *node,
               const char *uri)
{
  g_autoptr(QtrStatus) status = NULL;

  if (uri == NULL)
    return FALSE;
  status = qtr_node_store_find_status (qtr_node_get_store (node), uri, NULL, NULL);
  return status != NULL && status->actor_row == 0;
}

static gboolean
notify_about_post (QtrNode      *node,
                   QtrActivity  *activity,
                   const char   *type,
                   GError      **error)
{
  g_autoptr(QtrRemoteActor) actor = NULL;

  if (!is_owner_post (node, activity->object_id))
    return TRUE;
  actor = find_actor (node, activity->actor, error);
  return actor != NULL &&
         qtr_node_store_add_notification (qtr_node_get_store (node), type, actor->row,
                                          activity->object_id, activity->id, NULL, error);
}

static gboolean
handle_like (QtrNode      *node,
             QtrActivity  *activity,
             JsonObject   *json,
             GError      **error)
{
  return notify_about_post (node, activity, "favourite", error);
}

static gboolean
handle_announce (QtrNode      *node,
                 QtrActivity  *activity,
                 JsonObject   *json,
                 GError      **error)
{
  return notify_about_post (node, activity, "reblog", error) &&
         qtr_node_receive_announce (node, activity, json, error);
}

/* A report that names the owner or the owner's posts is kept for the owner to read. */
static gboolean
handle_flag (QtrNode      *node,
             QtrActivity  *activity,
             JsonObject   *json,
             GError      **error)
{
  g_autofree char *our_actor = qtr_node_get_actor_url (node);
  g_autoptr(QtrRemoteActor) actor = NULL;
  const char *post = NULL;
  gboolean about_owner = FALSE;

  for (guint i = 0; activity->object_ids[i] != NULL; i++)
    {
      if (g_str_equal (activity->object_ids[i], our_actor))
        about_owner = TRUE;
      else if (post == NULL && is_owner_post (node, activity->object_ids[i]))
        post = activity->object_ids[i];
    }
  if (!about_owner && post == NULL)
    return TRUE;
  actor = find_actor (node, activity->actor, error);
  return actor != NULL &&
         qtr_node_store_add_notification (qtr_node_get_store (node), "report", actor->row,
                                          post, activity->id, activity->content, error);
}

static gboolean
handle_create (QtrNode      *node,
               QtrActivity  *activity,
               JsonObject   *json,
               GError      **error)
{
  return qtr_node_receive_note (node, activity, json, FALSE, error);
}

static gboolean
handle_update (QtrNode      *node,
               QtrActivity  *activity,
               JsonObject   *json,
               GError      **error)
{
  QtrActorDoc *doc = activity->object_actor;
  g_autoptr(QtrRemoteActor) known = NULL;
  const QtrPublicKey *key;

  if (doc == NULL)
    return qtr_node_receive_note (node, activity, json, TRUE, error);

  /* A profile edit: the actor updates itself (origin checks made sure), and the embedded
   * document is its own. It keeps the key it signs with, or takes the first it publishes. */
  if (!qtr_activity_object_is_trusted (activity))
    return TRUE;
  known = find_actor (node, activity->actor, error);
  if (known == NULL)
    return FALSE;
  key = qtr_actor_doc_find_key (doc, known->key_id);
  if (key == NULL && doc->public_keys->len > 0)
    key = g_ptr_array_index (doc->public_keys, 0);
  if (key == NULL)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "The updated profile of %s publishes no key", doc->id);
      return FALSE;
    }
  return qtr_node_remember_actor (node, json_object_get_object_member (json, "object"), doc,
                                  key, error) >= 0;
}

static gboolean
handle_move (QtrNode      *node,
             QtrActivity  *activity,
             JsonObject   *json,
             GError      **error)
{
  return qtr_node_receive_move (node, activity, error);
}

typedef struct {
  QtrNode     *node;
  QtrActivity *activity;
  JsonObject  *json;
  gint64       row;
} ProcessData;

static gboolean
process_in_transaction (QtrDb    *db,
                        gpointer  user_data,
                        GError  **error)
{
  ProcessData *data = user_data;
  g_autoptr(GError) handler_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    {
      if (handlers[i].type != data->activity->type)
        continue;
      if (!handlers[i].handler (data->node, data->activity, data->json, &handler_error))
        {
          g_debug ("Activity %s not applied: %s", data->activity->id, handler_error->message);
          /* The activity stays stored, marked with why it was not applied. */
          return qtr_node_store_finish_inbox (qtr_node_get_store (data->node), data->row,
                                              handler_error->message, error);
        }
      break;
    }
  return qtr_node_store_finish_inbox (qtr_node_get_store (data->node), data->row, NULL, error);
}

static void
process_entry (QtrNode       *node,
               QtrInboxEntry *entry)
{
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(QtrActivity) activity = NULL;
  g_autoptr(GError) error = NULL;
  QtrNodeStore *store = qtr_node_get_store (node);
  gsize length;
  const char *data = g_bytes_get_data (entry->body, &length);

  json = qtr_json_parse_object (data, length, &error);
  if (json != NULL)
    activity = qtr_activity_parse (json, &error);
  if (activity == NULL)
    {
      qtr_node_store_finish_inbox (store, entry->row, error->message, NULL);
      return;
    }

  {
    ProcessData process = { node, activity, json, entry->row };

    if (!qtr_db_transaction (qtr_node_store_get_db (store), process_in_transaction, &process,
                             &error))
      g_warning ("Cannot process activity %s: %s", activity->id, error->message);
  }
}

/**
 * qtr_node_process_inbox:
 *
 * Applies one batch of the stored activities not processed yet, oldest first.
 *
 * Returns: %TRUE when more may be waiting
 */
gboolean
qtr_node_process_inbox (QtrNode *node)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = qtr_node_store_pending_inbox (qtr_node_get_store (node),
                                                               PROCESS_BATCH, &error);

  if (entries == NULL)
    {
      g_warning ("Cannot read the inbox: %s", error->message);
      return FALSE;
    }
  for (guint i = 0; i < entries->len; i++)
    process_entry (node, g_ptr_array_index (entries, i));
  if (entries->len > 0)
    qtr_node_kick_deliveries (node);
  return entries->len == PROCESS_BATCH;
}

/* Looking an account up: by WebFinger (or its actor URL), then its actor from its own host,
 * remembered. The task returns the stored QtrRemoteActor. */

static void
lookup_actor_fetched_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrNode *node = QTR_NODE (source);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(QtrActorDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  QtrRemoteActor *saved = NULL;

  doc = qtr_node_fetch_actor_finish (node, result, &json, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (doc->public_keys->len == 0)
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                               "%s publishes no key; this node cannot exchange activities "
                               "with it", doc->id);
      return;
    }

  if (qtr_node_remember_actor (node, json, doc, g_ptr_array_index (doc->public_keys, 0),
                               &error) < 0 ||
      (saved = find_actor (node, doc->id, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, saved, (GDestroyNotify) qtr_remote_actor_free);
}

static gboolean
is_actor_url (const char *handle)
{
  return g_str_has_prefix (handle, "https://") || g_str_has_prefix (handle, "http://");
}

/**
 * qtr_node_lookup_actor_async:
 * @handle: `@user@host`, or an actor URL
 *
 * Looks an account up (WebFinger, then its actor from its own host) and remembers it.
 */
void
qtr_node_lookup_actor_async (QtrNode             *node,
                    const char          *handle,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (node, cancellable, callback, user_data);

  g_task_set_source_tag (task, qtr_node_lookup_actor_async);
  qtr_node_fetch_actor_async (node, handle, cancellable, lookup_actor_fetched_cb, task);
}

/**
 * qtr_node_lookup_actor_finish:
 *
 * Returns: (transfer full): the stored actor, or %NULL with @error set
 */
QtrRemoteActor *
qtr_node_lookup_actor_finish (QtrNode       *node,
                     GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* An account the node knows, by `@user@host` or actor URL: %NULL when unknown (@error unset)
 * or on failure (@error set). */
static QtrRemoteActor *
find_known_actor (QtrNode     *node,
                  const char  *handle,
                  GError     **error)
{
  g_autoptr(QtrHandle) parsed = NULL;
  g_autofree char *key = NULL;
  QtrNodeStore *store = qtr_node_get_store (node);

  if (is_actor_url (handle))
    return qtr_node_store_find_remote_actor (store, "uri", handle, error);
  parsed = qtr_handle_parse (handle, error);
  if (parsed == NULL)
    return NULL;
  key = qtr_handle_to_string (parsed);
  return qtr_node_store_find_remote_actor (store, "handle", key, error);
}

/* Following someone. */

typedef struct {
  QtrNode        *node;
  QtrRemoteActor *actor;
} FollowTransaction;

/**
 * qtr_node_queue_follow:
 * @actor: a stored actor
 *
 * Records a follow of @actor as requested and queues the Follow. Call it in a transaction.
 */
gboolean
qtr_node_queue_follow (QtrNode         *node,
                       QtrRemoteActor  *actor,
                       GError         **error)
{
  g_autoptr(JsonObject) follow = new_activity (node, "Follow");
  const char *inboxes[] = { actor->inbox, NULL };

  json_object_set_string_member (follow, "object", actor->uri);
  return qtr_node_store_add_following (qtr_node_get_store (node), actor->row,
                                       json_object_get_string_member (follow, "id"), error) &&
         qtr_node_queue_activity (node, follow, inboxes, error);
}

static gboolean
follow_in_transaction (QtrDb    *db,
                       gpointer  user_data,
                       GError  **error)
{
  FollowTransaction *tx = user_data;

  return qtr_node_queue_follow (tx->node, tx->actor, error);
}

static void
follow_looked_up_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrNode *node = QTR_NODE (source);
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autoptr(GError) error = NULL;
  FollowTransaction tx = { node, NULL };

  actor = qtr_node_lookup_actor_finish (node, result, &error);
  tx.actor = actor;
  if (actor == NULL ||
      !qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                           follow_in_transaction, &tx, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  qtr_node_kick_deliveries (node);
  g_task_return_pointer (task, g_strdup (actor->uri), g_free);
}

/**
 * qtr_node_follow_async:
 * @handle: `@user@host`, or an actor URL
 *
 * Looks the account up (WebFinger, then its actor from its own host), records the follow as
 * requested and queues the Follow for delivery.
 */
void
qtr_node_follow_async (QtrNode             *node,
                       const char          *handle,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (node, cancellable, callback, user_data);

  g_task_set_source_tag (task, qtr_node_follow_async);
  qtr_node_lookup_actor_async (node, handle, cancellable, follow_looked_up_cb,
                               g_steal_pointer (&task));
}

/**
 * qtr_node_follow_finish:
 *
 * Returns: (transfer full): the followed actor's id, or %NULL with @error set
 */
char *
qtr_node_follow_finish (QtrNode       *node,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Unfollowing. */

/* What a transaction that follows, blocks or ends either needs. */
typedef struct {
  QtrNode        *node;
  QtrRemoteActor *actor;
  const char     *activity_uri;   /* the Follow or Block ended; NULL when starting one */
} RelationshipTransaction;

/**
 * qtr_node_queue_unfollow:
 * @actor: a followed actor
 * @follow_uri: the id of our Follow of it
 *
 * Forgets the follow and queues an Undo of it. Call it in a transaction.
 */
gboolean
qtr_node_queue_unfollow (QtrNode         *node,
                         QtrRemoteActor  *actor,
                         const char      *follow_uri,
                         GError         **error)
{
  g_autoptr(JsonObject) undo = new_undo (node, "Follow", follow_uri, actor->uri);
  const char *inboxes[] = { actor->inbox, NULL };

  return qtr_node_store_remove_following (qtr_node_get_store (node), actor->row, error) &&
         qtr_node_queue_activity (node, undo, inboxes, error);
}

static gboolean
unfollow_in_transaction (QtrDb    *db,
                         gpointer  user_data,
                         GError  **error)
{
  RelationshipTransaction *tx = user_data;

  return qtr_node_queue_unfollow (tx->node, tx->actor, tx->activity_uri, error);
}

/* Finds the owner's Follow or Block of the account the node knows as @handle, with
 * @find_activity (qtr_node_store_get_following_uri() or qtr_node_store_get_block()); ends it
 * with @end_in_transaction, given a RelationshipTransaction, and sends what it queued. @what
 * says what the owner does to the account when it is not so ("followed", "blocked").
 *
 * Returns: (transfer full): the account's actor id, or %NULL with @error set */
static char *
end_relationship (QtrNode               *node,
                  const char            *handle,
                  char                *(*find_activity) (QtrNodeStore  *store,
                                                         gint64         actor_row,
                                                         GError       **error),
                  QtrDbTransactionFunc   end_in_transaction,
                  const char            *what,
                  GError               **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autofree char *activity_uri = NULL;
  g_autoptr(GError) local_error = NULL;

  actor = find_known_actor (node, handle, &local_error);
  if (actor != NULL)
    activity_uri = find_activity (store, actor->row, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (activity_uri == NULL)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "%s is not %s from this node", handle, what);
      return NULL;
    }

  {
    RelationshipTransaction tx = { node, actor, activity_uri };

    if (!qtr_db_transaction (qtr_node_store_get_db (store), end_in_transaction, &tx, error))
      return NULL;
  }
  qtr_node_kick_deliveries (node);
  return g_strdup (actor->uri);
}

/**
 * qtr_node_unfollow:
 * @handle: `@user@host` or the actor's id, of an account we follow
 *
 * Stops following: the follow is forgotten and an Undo of it is queued for delivery.
 *
 * Returns: (transfer full): the unfollowed actor's id, or %NULL with @error set
 */
char *
qtr_node_unfollow (QtrNode     *node,
                   const char  *handle,
                   GError     **error)
{
  return end_relationship (node, handle, qtr_node_store_get_following_uri,
                           unfollow_in_transaction, "followed", error);
}

/* Liking posts. */

static void
set_to (JsonObject *activity,
        const char *recipient)
{
  JsonArray *to = json_array_new ();

  json_array_add_string_element (to, recipient);
  json_object_set_array_member (activity, "to", to);
}

typedef struct {
  QtrNode        *node;
  const char     *status_uri;
  const char     *like_uri;   /* the Like undone, for unlike */
  QtrRemoteActor *author;     /* nullable: the owner's own post */
} LikeTransaction;

static gboolean
like_in_transaction (QtrDb    *db,
                     gpointer  user_data,
                     GError  **error)
{
  LikeTransaction *tx = user_data;
  g_autoptr(JsonObject) like = new_activity (tx->node, "Like");
  const char *inboxes[] = { tx->author ? tx->author->inbox : NULL, NULL };

  json_object_set_string_member (like, "object", tx->status_uri);
  if (tx->author != NULL)
    set_to (like, tx->author->uri);
  return qtr_node_store_add_like (qtr_node_get_store (tx->node), tx->status_uri,
                                  json_object_get_string_member (like, "id"), error) &&
         qtr_node_queue_activity (tx->node, like, inboxes, error);
}

static gboolean
unlike_in_transaction (QtrDb    *db,
                       gpointer  user_data,
                       GError  **error)
{
  LikeTransaction *tx = user_data;
  g_autoptr(JsonObject) undo = new_undo (tx->node, "Like", tx->like_uri, tx->status_uri);
  const char *inboxes[] = { tx->author ? tx->author->inbox : NULL, NULL };

  if (tx->author != NULL)
    set_to (undo, tx->author->uri);
  return qtr_node_store_remove_like (qtr_node_get_store (tx->node), tx->status_uri, error) &&
         qtr_node_queue_activity (tx->node, undo, inboxes, error);
}

/* The author of a stored post: %NULL for the owner's own (@error unset) or on failure. */
static QtrRemoteActor *
find_author (QtrNode    *node,
             QtrStatus  *status,
             GError    **error)
{
  if (status->actor_row == 0)
    return NULL;
  return qtr_node_store_find_remote_actor_by_row (qtr_node_get_store (node), status->actor_row,
                                                  error);
}

/**
 * qtr_node_like:
 * @status_uri: the id of a post the node knows: the owner's, or one that reached the owner
 *
 * Likes a post: records the like and queues a Like for the author's inbox (addressed to the
 * author, as Mastodon does). Liking a post liked already sends nothing again.
 */
gboolean
qtr_node_like (QtrNode     *node,
               const char  *status_uri,
               GError     **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(QtrRemoteActor) author = NULL;
  g_autofree char *liked = NULL;
  g_autoptr(GError) local_error = NULL;

  status = qtr_node_store_find_status (store, status_uri, NULL, &local_error);
  if (status == NULL)
    {
      if (local_error == NULL)
        g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                     "%s is not a post this node knows; only the owner's posts and those that "
                     "reached the owner can be liked", status_uri);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  liked = qtr_node_store_get_like (store, status_uri, &local_error);
  if (liked != NULL)
    return TRUE;
  author = find_author (node, status, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  {
    LikeTransaction tx = { node, status_uri, NULL, author };

    if (!qtr_db_transaction (qtr_node_store_get_db (store), like_in_transaction, &tx, error))
      return FALSE;
  }
  qtr_node_kick_deliveries (node);
  return TRUE;
}

/**
 * qtr_node_unlike:
 * @status_uri: the id of a post the owner likes
 *
 * Takes a like back: forgets it and queues an Undo of the Like for the author's inbox.
 */
gboolean
qtr_node_unlike (QtrNode     *node,
                 const char  *status_uri,
                 GError     **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(QtrRemoteActor) author = NULL;
  g_autofree char *like_uri = NULL;
  g_autoptr(GError) local_error = NULL;

  like_uri = qtr_node_store_get_like (store, status_uri, &local_error);
  if (like_uri == NULL)
    {
      if (local_error == NULL)
        g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                     "%s is not liked from this node; there is no like to take back",
                     status_uri);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* A post deleted since: the like is forgotten, and there is nobody to tell. */
  status = qtr_node_store_find_status (store, status_uri, NULL, &local_error);
  if (status != NULL)
    author = find_author (node, status, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  {
    LikeTransaction tx = { node, status_uri, like_uri, author };

    if (!qtr_db_transaction (qtr_node_store_get_db (store), unlike_in_transaction, &tx, error))
      return FALSE;
  }
  qtr_node_kick_deliveries (node);
  return TRUE;
}

/* Blocking accounts. */

/* As on Mastodon, follows end both ways. The Block is queued before the block is recorded: it
 * is the last activity queued for the account (deliveries queued before it still go out, as
 * on Mastodon). */
static gboolean
block_in_transaction (QtrDb    *db,
                      gpointer  user_data,
                      GError  **error)
{
  RelationshipTransaction *tx = user_data;
  QtrNodeStore *store = qtr_node_get_store (tx->node);
  g_autoptr(JsonObject) block = new_activity (tx->node, "Block");
  const char *inboxes[] = { tx->actor->inbox, NULL };

  json_object_set_string_member (block, "object", tx->actor->uri);
  return qtr_node_store_remove_follower (store, tx->actor->row, NULL, error) &&
         qtr_node_store_remove_following (store, tx->actor->row, error) &&
         qtr_node_queue_activity (tx->node, block, inboxes, error) &&
         qtr_node_store_add_block (store, tx->actor->row,
                                   json_object_get_string_member (block, "id"), error);
}

static gboolean
unblock_in_transaction (QtrDb    *db,
                        gpointer  user_data,
                        GError  **error)
{
  RelationshipTransaction *tx = user_data;
  g_autoptr(JsonObject) undo = new_undo (tx->node, "Block", tx->activity_uri, tx->actor->uri);
  const char *inboxes[] = { tx->actor->inbox, NULL };

  return qtr_node_store_remove_block (qtr_node_get_store (tx->node), tx->actor->row, error) &&
         qtr_node_queue_activity (tx->node, undo, inboxes, error);
}

static gboolean
block_actor (QtrNode         *node,
             QtrRemoteActor  *actor,
             GError         **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autofree char *our_actor = qtr_node_get_actor_url (node);
  g_autofree char *blocked = NULL;
  g_autoptr(GError) local_error = NULL;
  RelationshipTransaction tx = { node, actor, NULL };

  if (g_str_equal (actor->uri, our_actor))
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                           "That is the owner's own account; it cannot be blocked");
      return FALSE;
    }
  blocked = qtr_node_store_get_block (store, actor->row, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (blocked != NULL)
    return TRUE;
  if (!qtr_db_transaction (qtr_node_store_get_db (store), block_in_transaction, &tx, error))
    return FALSE;
  qtr_node_kick_deliveries (node);
  return TRUE;
}

static void
block_looked_up_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrNode *node = QTR_NODE (source);
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autoptr(GError) error = NULL;

  actor = qtr_node_lookup_actor_finish (node, result, &error);
  if (actor == NULL || !block_actor (node, actor, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_strdup (actor->uri), g_free);
}

/**
 * qtr_node_block_async:
 * @handle: `@user@host`, or an actor URL
 *
 * Blocks an account: follows between it and the owner end, a Block is queued for its inbox,
 * and from then on its deliveries are refused, nothing more is delivered to it and the
 * owner's posts are not served to its signed fetches. An account the node does not know is
 * looked up first (WebFinger, then its actor from its own host). Blocking an account blocked
 * already sends nothing again.
 */
void
qtr_node_block_async (QtrNode             *node,
                      const char          *handle,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (node, cancellable, callback, user_data);
  g_autoptr(QtrRemoteActor) known = NULL;
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, qtr_node_block_async);
  known = find_known_actor (node, handle, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (known == NULL)
    {
      qtr_node_lookup_actor_async (node, handle, cancellable, block_looked_up_cb,
                          g_steal_pointer (&task));
      return;
    }
  if (!block_actor (node, known, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_strdup (known->uri), g_free);
}

/**
 * qtr_node_block_finish:
 *
 * Returns: (transfer full): the blocked actor's id, or %NULL with @error set
 */
char *
qtr_node_block_finish (QtrNode       *node,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qtr_node_unblock:
 * @handle: `@user@host` or the actor's id, of an account the owner blocks
 *
 * Lifts a block: it is forgotten and an Undo of the Block is queued for the account's inbox.
 * Follows that the block ended stay ended.
 *
 * Returns: (transfer full): the unblocked actor's id, or %NULL with @error set
 */
char *
qtr_node_unblock (QtrNode     *node,
                  const char  *handle,
                  GError     **error)
{
  return end_relationship (node, handle, qtr_node_store_get_block, unblock_in_transaction,
                           "blocked", error);
}
