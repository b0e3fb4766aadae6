/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

/* Moving an account, as Mastodon does. Out: the new account must list ours among its aliases
 * (alsoKnownAs); then our actor shows movedTo and every follower's server gets a Move. In: a
 * Move of an account the owner follows is believed only once the new account, fetched from
 * its own host, lists the old one among its aliases; then the owner follows the new account
 * instead of the old one and is told. */

#define AS_CONTEXT "https://www.w3.org/ns/activitystreams"

/* Moving out. */

static void
move_target_fetched_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrNode *node = QTR_NODE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrActorDoc) doc = qtr_node_fetch_actor_finish (node, result, NULL, &error);
  g_autofree char *our_actor = qtr_node_get_actor_url (node);
  g_autofree char *move_id = NULL;
  g_autoptr(QtrNodeOwner) profile = NULL;
  g_autoptr(JsonObject) move = NULL;

  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_str_equal (doc->id, our_actor))
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                               "%s is this account itself: name the account to move to",
                               doc->id);
      return;
    }
  if (!g_strv_contains ((const char * const *) doc->also_known_as, our_actor))
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                               "%s does not list this account (%s) among its aliases: add "
                               "this account as an alias on the new account first (on "
                               "Mastodon: Preferences, Account, Moving from a different "
                               "account), then move again", doc->id, our_actor);
      return;
    }

  profile = qtr_node_copy_profile (qtr_node_get_owner (node));
  g_free (profile->moved_to);
  profile->moved_to = g_strdup (doc->id);

  /* Mastodon's shape: the actor moves itself to the target. */
  move_id = g_strdup_printf ("%s#moves/%" G_GINT64_FORMAT, our_actor, g_get_real_time ());
  move = json_object_new ();
  json_object_set_string_member (move, "@context", AS_CONTEXT);
  json_object_set_string_member (move, "id", move_id);
  json_object_set_string_member (move, "type", "Move");
  json_object_set_string_member (move, "actor", our_actor);
  json_object_set_string_member (move, "object", our_actor);
  json_object_set_string_member (move, "target", doc->id);

  if (!qtr_node_save_profile (node, profile, move, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_strdup (doc->id), g_free);
}

/**
 * qtr_node_move_async:
 * @handle: `@user@host` or the actor's id of the owner's new account
 *
 * Moves the owner's account to another one, which must list this account among its aliases
 * (alsoKnownAs) first. The actor shows movedTo from then on, and every follower's server
 * gets an Update and a Move, so that followers follow the new account.
 */
void
qtr_node_move_async (QtrNode             *node,
                     const char          *handle,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (node, cancellable, callback, user_data);

  g_task_set_source_tag (task, qtr_node_move_async);
  qtr_node_fetch_actor_async (node, handle, cancellable, move_target_fetched_cb, task);
}

/**
 * qtr_node_move_finish:
 *
 * Returns: (transfer full): the new account's actor id, or %NULL with @error set
 */
char *
qtr_node_move_finish (QtrNode       *node,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Moving in. */

typedef struct {
  QtrNode        *node;
  QtrPendingMove *move;
  JsonObject     *json;
  QtrActorDoc    *doc;   /* the target, as fetched; NULL when it failed the check */
} MoveCheck;

static void
move_check_free (MoveCheck *check)
{
  g_object_unref (check->node);
  qtr_pending_move_free (check->move);
  g_clear_pointer (&check->json, json_object_unref);
  g_clear_pointer (&check->doc, qtr_actor_doc_unref);
  g_free (check);
}

static gboolean
apply_move_in_transaction (QtrDb    *db,
                           gpointer  user_data,
                           GError  **error)
{
  MoveCheck *check = user_data;
  QtrNodeStore *store = qtr_node_get_store (check->node);
  g_autoptr(QtrRemoteActor) origin = NULL;
  g_autoptr(QtrRemoteActor) target = NULL;
  g_autofree char *old_follow = NULL;
  g_autofree char *new_follow = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!qtr_node_store_take_pending_move (store, check->move->activity_uri, &local_error))
    {
      if (local_error == NULL)
        return TRUE;  /* applied or refused already */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (check->doc == NULL)
    return TRUE;

  if (qtr_node_remember_actor (check->node, check->json, check->doc,
                               g_ptr_array_index (check->doc->public_keys, 0), error) < 0)
    return FALSE;
  target = qtr_node_store_find_remote_actor (store, "uri", check->doc->id, &local_error);
  if (target != NULL)
    origin = qtr_node_store_find_remote_actor (store, "uri", check->move->origin, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (target == NULL || origin == NULL)
    return TRUE;  /* the old account was forgotten meanwhile (it deleted itself) */
  old_follow = qtr_node_store_get_following_uri (store, origin->row, &local_error);
  if (old_follow == NULL)
    {
      if (local_error == NULL)
        return TRUE;  /* unfollowed meanwhile */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  new_follow = qtr_node_store_get_following_uri (store, target->row, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return qtr_node_queue_unfollow (check->node, origin, old_follow, error) &&
         (new_follow != NULL || qtr_node_queue_follow (check->node, target, error)) &&
         qtr_node_store_add_move_notification (store, origin->row, target->row,
                                               check->move->activity_uri, error);
}

static void
move_target_checked_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  MoveCheck *check = user_data;
  g_autoptr(GError) error = NULL;

  check->doc = qtr_node_fetch_actor_finish (check->node, result, &check->json, &error);
  if (check->doc == NULL)
    g_message ("Move %s refused: its target %s cannot be fetched: %s",
               check->move->activity_uri, check->move->target, error->message);
  else if (!g_str_equal (check->doc->id, check->move->target) ||
           !g_strv_contains ((const char * const *) check->doc->also_known_as,
                             check->move->origin) ||
           check->doc->public_keys->len == 0)
    {
      g_message ("Move %s refused: %s does not name %s among its aliases",
                 check->move->activity_uri, check->move->target, check->move->origin);
      g_clear_pointer (&check->doc, qtr_actor_doc_unref);
    }

  if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (check->node)),
                           apply_move_in_transaction, check, &error))
    g_warning ("Cannot apply Move %s: %s", check->move->activity_uri, error->message);
  else
    qtr_node_kick_deliveries (check->node);
  move_check_free (check);
}

static void
check_move (QtrNode        *node,
            QtrPendingMove *move)
{
  MoveCheck *check = g_new0 (MoveCheck, 1);

  check->node = g_object_ref (node);
  check->move = move;
  qtr_node_fetch_actor_async (node, move->target, NULL, move_target_checked_cb, check);
}

/**
 * qtr_node_receive_move:
 *
 * A Move of an account the owner follows (the inbox made sure its actor signed it, and that
 * it moves itself) is kept, and its target is fetched from its own host: only if it lists the
 * moving account among its aliases does the owner follow it instead. Moves of others are
 * ignored.
 */
gboolean
qtr_node_receive_move (QtrNode      *node,
                       QtrActivity  *activity,
                       GError      **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrRemoteActor) origin = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *follow = NULL;
  g_autofree char *our_actor = qtr_node_get_actor_url (node);
  QtrPendingMove *move;

  if (activity->target == NULL || g_str_equal (activity->target, activity->actor) ||
      g_str_equal (activity->target, our_actor))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "The Move of %s names no other account to move to", activity->actor);
      return FALSE;
    }
  origin = qtr_node_store_find_remote_actor (store, "uri", activity->actor, &local_error);
  if (origin != NULL)
    follow = qtr_node_store_get_following_uri (store, origin->row, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (follow == NULL)
    return TRUE;

  if (!qtr_node_store_add_pending_move (store, activity->id, origin->row, activity->target,
                                        error))
    return FALSE;
  /* The check ends after this transaction commits: it needs the network. */
  move = g_new0 (QtrPendingMove, 1);
  move->activity_uri = g_strdup (activity->id);
  move->origin_row = origin->row;
  move->origin = g_strdup (origin->uri);
  move->target = g_strdup (activity->target);
  check_move (node, move);
  return TRUE;
}

/**
 * qtr_node_resume_moves:
 *
 * Checks again the Moves that were waiting when the node last stopped.
 */
void
qtr_node_resume_moves (QtrNode *node)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) moves = qtr_node_store_pending_moves (qtr_node_get_store (node), &error);

  if (moves == NULL)
    {
      g_warning ("Cannot read the waiting Moves: %s", error->message);
      return;
    }
  while (moves->len > 0)
    check_move (node, g_ptr_array_steal_index (moves, 0));
}
