/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"
#include "qtr-node-store-polls.h"
#include "qtr-node-store-statuses.h"

#include <string.h>

#include "qtr-json.h"

/* Polls, as Mastodon federates them: the owner's go out as Questions, with the counts in each
 * option's `replies.totalItems`; votes come in as Notes naming an option (`name`) in reply to
 * the Question, and are counted once per account (and option); an Update of the Question
 * tells the new counts, batched, and the final one its end. The owner votes on others' polls
 * the same way. */

#define AS_CONTEXT "https://www.w3.org/ns/activitystreams"

static JsonObject *
build_option (const QtrNodePollOption *option)
{
  JsonObject *object = json_object_new ();
  JsonObject *replies = json_object_new ();

  json_object_set_string_member (object, "type", "Note");
  json_object_set_string_member (object, "name", option->title);
  json_object_set_string_member (replies, "type", "Collection");
  json_object_set_int_member (replies, "totalItems", option->votes_count);
  json_object_set_object_member (object, "replies", replies);
  return object;
}

/**
 * qtr_node_poll_fill_question:
 * @object: a post's Note, made a Question
 * @now: the time (Unix seconds)
 *
 * Sets the poll's members on @object: its type, options (`oneOf`, or `anyOf` for a
 * multiple-choice poll) with their counts, `endTime`, `votersCount`, and `closed` once it
 * ended.
 */
void
qtr_node_poll_fill_question (JsonObject        *object,
                             const QtrNodePoll *poll,
                             gint64             now)
{
  JsonArray *options = json_array_new ();

  for (guint i = 0; i < poll->options->len; i++)
    json_array_add_object_element (options, build_option (g_ptr_array_index (poll->options, i)));
  json_object_set_string_member (object, "type", "Question");
  json_object_remove_member (object, poll->multiple ? "oneOf" : "anyOf");
  json_object_set_array_member (object, poll->multiple ? "anyOf" : "oneOf", options);
  if (poll->expires_at > 0)
    {
      g_autofree char *end = qtr_node_format_time (poll->expires_at);

      json_object_set_string_member (object, "endTime", end);
      if (qtr_node_poll_has_ended (poll, now))
        json_object_set_string_member (object, "closed", end);
    }
  json_object_set_int_member (object, "votersCount", MAX (poll->voters_count, 0));
}

/**
 * qtr_node_poll_from_request:
 * @now: when the post is made (Unix seconds)
 *
 * Checks the poll of @request against Mastodon's limits.
 *
 * Returns: (transfer full) (nullable): the poll to store, %NULL when @request has none
 *   (@error unset) or when it is refused (@error set, %QTR_NODE_ERROR_INVALID)
 */
QtrNodePoll *
qtr_node_poll_from_request (const QtrPostRequest  *request,
                            gint64                 now,
                            GError               **error)
{
  g_autoptr(QtrNodePoll) poll = NULL;
  guint n_options;

  if (request->poll_options == NULL)
    return NULL;
  n_options = g_strv_length ((GStrv) request->poll_options);
  if (n_options < 2 || n_options > QTR_POLL_MAX_OPTIONS)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "A poll needs from 2 to %d options; this one has %u", QTR_POLL_MAX_OPTIONS,
                   n_options);
      return NULL;
    }
  if (request->poll_expires_in <= 0 || request->poll_expires_in > QTR_POLL_MAX_EXPIRATION)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "A poll must close within %d seconds, and not at once",
                   QTR_POLL_MAX_EXPIRATION);
      return NULL;
    }
  if (request->n_media > 0)
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                           "A post cannot have both media and a poll: remove one of them");
      return NULL;
    }
  poll = qtr_node_poll_new ();
  poll->multiple = request->poll_multiple;
  poll->hide_totals = request->poll_hide_totals;
  poll->expires_at = now + request->poll_expires_in;
  poll->voters_count = 0;
  for (guint i = 0; i < n_options; i++)
    {
      const char *title = request->poll_options[i];
      g_autofree char *stripped = g_strstrip (g_strdup (title));

      if (*stripped == '\0' || g_utf8_strlen (title, -1) > QTR_POLL_MAX_OPTION_CHARACTERS)
        {
          g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                       "Poll option %u must be from 1 to %d characters long", i + 1,
                       QTR_POLL_MAX_OPTION_CHARACTERS);
          return NULL;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (request->poll_options[j], title))
          {
            g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                         "Poll option %u repeats option %u: each option must differ", i + 1,
                         j + 1);
            return NULL;
          }
      qtr_node_poll_add_option (poll, title, 0);
    }
  return g_steal_pointer (&poll);
}

/**
 * qtr_node_poll_from_note:
 *
 * Returns: (transfer full) (nullable): the poll of the Question @note, for post @status_id;
 *   %NULL when @note has no options
 */
QtrNodePoll *
qtr_node_poll_from_note (QtrNote *note,
                         gint64   status_id)
{
  QtrNodePoll *poll;

  if (note->type != QTR_NOTE_TYPE_QUESTION || note->poll_options->len == 0)
    return NULL;
  poll = qtr_node_poll_new ();
  poll->status_id = status_id;
  poll->multiple = note->poll_multiple;
  poll->expires_at = note->poll_end_time;
  poll->voters_count = note->poll_voters_count;
  poll->closed = note->poll_closed;
  for (guint i = 0; i < note->poll_options->len; i++)
    {
      QtrPollOption *option = g_ptr_array_index (note->poll_options, i);

      qtr_node_poll_add_option (poll, option->name, option->votes);
    }
  return poll;
}

/**
 * qtr_node_keep_poll:
 * @note: a post of another server, stored already
 * @author_row: who sent it: only a poll of theirs changes
 * @update: whether @note is an Update of it
 *
 * Keeps the poll of a Question, or its new counts.
 */
gboolean
qtr_node_keep_poll (QtrNode   *node,
                    QtrNote   *note,
                    gint64     author_row,
                    gboolean   update,
                    GError   **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrNodePoll) poll = NULL;
  gint64 actor_row = 0;
  gint64 row;

  if (note->type != QTR_NOTE_TYPE_QUESTION)
    return TRUE;
  row = qtr_node_store_find_status_row (store, note->id, &actor_row, error);
  if (row <= 0 || actor_row != author_row)
    return row >= 0;
  poll = qtr_node_poll_from_note (note, row);
  if (poll == NULL)
    return TRUE;
  return update ? qtr_node_store_update_poll (store, poll, error)
                : qtr_node_store_add_poll (store, poll, error);
}

/**
 * qtr_node_receive_poll_vote:
 * @author: who sent the Note
 * @handled: (out): whether @note was a vote on one of the owner's polls
 *
 * Counts a vote on one of the owner's polls: a Note with a `name` (the option) in reply to
 * the poll. Votes for no option, after the end, or a second time are dropped.
 */
gboolean
qtr_node_receive_poll_vote (QtrNode         *node,
                            QtrActivity     *activity,
                            QtrRemoteActor  *author,
                            gboolean        *handled,
                            GError         **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  QtrNote *note = activity->object_note;
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(QtrNodePoll) poll = NULL;
  g_autoptr(GError) local_error = NULL;
  guint choice;

  *handled = FALSE;
  if (note == NULL || note->name == NULL || note->in_reply_to == NULL)
    return TRUE;
  status = qtr_node_store_find_status (store, note->in_reply_to, NULL, &local_error);
  if (status == NULL || status->actor_row != 0)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return local_error == NULL;
    }
  poll = qtr_node_store_find_poll (store, status->id, error);
  if (poll == NULL)
    return error == NULL || *error == NULL;

  *handled = TRUE;
  for (choice = 0; choice < poll->options->len; choice++)
    if (g_str_equal (((QtrNodePollOption *) g_ptr_array_index (poll->options, choice))->title,
                     note->name))
      break;
  if (choice == poll->options->len)
    {
      g_debug ("Vote %s names no option of poll %s", note->id, status->uri);
      return TRUE;
    }
  switch (qtr_node_store_add_poll_vote (store, status->id, author->row, choice, note->id, error))
    {
    case QTR_POLL_VOTE_COUNTED:
      qtr_node_schedule_polls (node, QTR_POLL_UPDATE_SECONDS);
      return TRUE;
    case QTR_POLL_VOTE_REFUSED:
      g_debug ("Vote %s on poll %s refused: voted already, or the poll ended", note->id,
               status->uri);
      return TRUE;
    case QTR_POLL_VOTE_FAILED:
    default:
      return FALSE;
    }
}

typedef struct {
  QtrNode     *node;
  QtrStatus   *status;
  const guint *choices;
  guint        n_choices;
  GPtrArray   *creates;   /* JsonObject */
  const char  *inbox;
} VoteTransaction;

static gboolean
vote_in_transaction (QtrDb    *db,
                     gpointer  user_data,
                     GError  **error)
{
  VoteTransaction *tx = user_data;
  const char *inboxes[] = { tx->inbox, NULL };

  if (!qtr_node_store_set_own_votes (qtr_node_get_store (tx->node), tx->status->id, tx->choices,
                                     tx->n_choices, error))
    return FALSE;
  for (guint i = 0; i < tx->creates->len; i++)
    if (!qtr_node_queue_activity (tx->node, g_ptr_array_index (tx->creates, i), inboxes, error))
      return FALSE;
  return TRUE;
}

/* The Create of the owner's vote for option @choice of @status, as Mastodon sends it: a Note
 * with the option as its name, in reply to the poll, to its author alone. */
static JsonObject *
build_vote (QtrNode          *node,
            const QtrStatus  *status,
            const char       *author_uri,
            const char       *title,
            guint             choice)
{
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *id = g_strdup_printf ("%s#votes/%" G_GINT64_FORMAT "/%u", actor, status->id,
                                         choice);
  g_autofree char *create_id = g_strconcat (id, "/activity", NULL);
  JsonObject *create = json_object_new ();
  JsonObject *note = json_object_new ();
  JsonArray *to = json_array_new ();

  json_object_set_string_member (note, "id", id);
  json_object_set_string_member (note, "type", "Note");
  json_object_set_string_member (note, "name", title);
  json_object_set_string_member (note, "attributedTo", actor);
  json_object_set_string_member (note, "inReplyTo", status->uri);
  json_array_add_string_element (to, author_uri);
  json_object_set_array_member (note, "to", json_array_ref (to));

  json_object_set_string_member (create, "@context", AS_CONTEXT);
  json_object_set_string_member (create, "id", create_id);
  json_object_set_string_member (create, "type", "Create");
  json_object_set_string_member (create, "actor", actor);
  json_object_set_array_member (create, "to", to);
  json_object_set_object_member (create, "object", note);
  return create;
}

/**
 * qtr_node_vote:
 * @uri: the id of a post with a poll, of another server
 * @choices: (array length=n_choices): the options chosen, by position: one for a
 *   single-choice poll, any for a multiple-choice one, each once
 *
 * Votes on a poll as Mastodon does: one Create of a Note per option, to the poll's author.
 * The owner votes once; on the owner's own polls, never; and not after the end.
 *
 * Returns: %TRUE when the vote is stored and queued; %FALSE with @error set
 *   (%QTR_NODE_ERROR_NOT_FOUND for no such poll, %QTR_NODE_ERROR_INVALID for a vote refused)
 */
gboolean
qtr_node_vote (QtrNode      *node,
               const char   *uri,
               const guint  *choices,
               guint         n_choices,
               GError      **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(QtrNodePoll) poll = NULL;
  g_autoptr(QtrRemoteActor) author = NULL;
  g_autoptr(GPtrArray) creates = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  status = qtr_node_store_find_status (store, uri, NULL, &local_error);
  if (status != NULL)
    poll = qtr_node_store_find_poll (store, status->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (poll == NULL)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                   "%s is not a poll this node has", uri);
      return FALSE;
    }
  if (status->actor_row == 0)
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                           "You cannot vote on your own poll");
      return FALSE;
    }
  if (qtr_node_poll_has_ended (poll, g_get_real_time () / G_USEC_PER_SEC))
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                           "The poll has already ended");
      return FALSE;
    }
  for (guint i = 0; i < poll->options->len; i++)
    if (((QtrNodePollOption *) g_ptr_array_index (poll->options, i))->own_vote)
      {
        g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                             "You have already voted on this poll");
        return FALSE;
      }
  if (n_choices == 0 || (!poll->multiple && n_choices > 1))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   poll->multiple ? "Choose at least one option"
                                  : "Choose exactly one option: the poll is single-choice");
      return FALSE;
    }
  author = qtr_node_store_find_remote_actor_by_row (store, status->actor_row, &local_error);
  if (author == NULL)
    {
      if (local_error == NULL)
        g_set_error (&local_error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                     "The author of %s is not known here", uri);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  for (guint i = 0; i < n_choices; i++)
    {
      QtrNodePollOption *option;

      if (choices[i] >= poll->options->len)
        {
          g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                       "Choice %u is not an option of the poll: choose from 0 to %u",
                       choices[i], poll->options->len - 1);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (choices[j] == choices[i])
          {
            g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                         "Choice %u is given twice", choices[i]);
            return FALSE;
          }
      option = g_ptr_array_index (poll->options, choices[i]);
      g_ptr_array_add (creates, build_vote (node, status, author->uri, option->title,
                                            choices[i]));
    }

  {
    VoteTransaction tx = { node, status, choices, n_choices, creates,
                           author->shared_inbox ? author->shared_inbox : author->inbox };

    if (!qtr_db_transaction (qtr_node_store_get_db (store), vote_in_transaction, &tx, error))
      return FALSE;
  }
  qtr_node_kick_deliveries (node);
  /* The owner hears of the poll's end. */
  qtr_node_schedule_polls (node, 1);
  return TRUE;
}

typedef struct {
  QtrNode    *node;
  gint64      status_id;
  char       *document;
  JsonObject *update;
  GStrv       inboxes;
  gboolean    ended;
} PollUpdateTransaction;

static gboolean
poll_update_in_transaction (QtrDb    *db,
                            gpointer  user_data,
                            GError  **error)
{
  PollUpdateTransaction *tx = user_data;
  QtrNodeStore *store = qtr_node_get_store (tx->node);

  return qtr_node_store_set_status_document (store, tx->status_id, tx->document, error) &&
         qtr_node_queue_activity (tx->node, tx->update, (const char * const *) tx->inboxes,
                                  error) &&
         (tx->ended ? qtr_node_store_mark_poll_ended (store, tx->status_id, error)
                    : qtr_node_store_mark_poll_sent (store, tx->status_id, error));
}

/* Where the Update of a poll goes: where the post went, and to each voter. */
static GStrv
collect_update_inboxes (QtrNode    *node,
                        QtrStatus  *status,
                        GError    **error)
{
  g_auto(GStrv) post_inboxes = qtr_node_collect_post_inboxes (node, status, error);
  g_auto(GStrv) voters = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;

  if (post_inboxes == NULL)
    return NULL;
  voters = qtr_node_store_poll_voter_inboxes (qtr_node_get_store (node), status->id, error);
  if (voters == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) post_inboxes);
  for (guint i = 0; voters[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) post_inboxes, voters[i]))
      g_strv_builder_add (builder, voters[i]);
  return g_strv_builder_end (builder);
}

/* Sends an Update of the owner's poll @status_id with its counts now, and stores the Question
 * as served from now on; @ended for the last one, once the poll closed. */
static gboolean
send_poll_update (QtrNode   *node,
                  gint64     status_id,
                  gboolean   ended,
                  GError   **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrStatus) status = qtr_node_store_find_status_by_id (store, status_id, error);
  g_autoptr(QtrNodePoll) poll = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(JsonObject) question = NULL;
  g_autoptr(JsonObject) update = NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *update_id = NULL;
  g_autofree char *now_text = NULL;
  g_autofree char *served = NULL;
  g_auto(GStrv) inboxes = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GList *members;

  if (status == NULL)
    return error == NULL || *error == NULL;
  poll = qtr_node_store_find_poll (store, status_id, error);
  if (poll == NULL)
    return error == NULL || *error == NULL;
  if (ended)
    poll->closed = TRUE;
  document = qtr_json_parse_object (status->document, strlen (status->document), error);
  if (document == NULL)
    return FALSE;
  qtr_node_poll_fill_question (document, poll, now);
  json_node_set_object (root, document);
  served = json_to_string (root, FALSE);

  question = json_object_new ();
  members = json_object_get_members (document);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "@context"))
      json_object_set_member (question, l->data,
                              json_node_copy (json_object_get_member (document, l->data)));
  g_list_free (members);

  update_id = g_strdup_printf ("%s#updates/poll-%" G_GINT64_FORMAT, status->uri,
                               g_get_real_time ());
  now_text = qtr_node_format_time (now);
  update = json_object_new ();
  json_object_set_member (update, "@context",
                          json_node_copy (json_object_get_member (document, "@context")));
  json_object_set_string_member (update, "id", update_id);
  json_object_set_string_member (update, "type", "Update");
  json_object_set_string_member (update, "actor", actor);
  json_object_set_string_member (update, "published", now_text);
  if (json_object_has_member (question, "to"))
    json_object_set_member (update, "to", json_node_copy (json_object_get_member (question, "to")));
  if (json_object_has_member (question, "cc"))
    json_object_set_member (update, "cc", json_node_copy (json_object_get_member (question, "cc")));
  json_object_set_object_member (update, "object", json_object_ref (question));

  inboxes = collect_update_inboxes (node, status, error);
  if (inboxes == NULL)
    return FALSE;
  {
    PollUpdateTransaction tx = { node, status_id, served, update, inboxes, ended };

    if (!qtr_db_transaction (qtr_node_store_get_db (store), poll_update_in_transaction, &tx,
                             error))
      return FALSE;
  }
  qtr_node_kick_deliveries (node);
  return TRUE;
}

/* A poll ended: the owner's gets its final Update; the owner is told of it, and of the end of
 * polls the owner voted on (as Mastodon tells their voters). */
static gboolean
end_poll (QtrNode  *node,
          gint64    status_id,
          GError  **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(QtrStatus) status = qtr_node_store_find_status_by_id (store, status_id, error);
  g_autofree char *activity_uri = NULL;

  if (status == NULL)
    return error == NULL || *error == NULL;
  if (status->actor_row == 0)
    {
      if (!send_poll_update (node, status_id, TRUE, error))
        return FALSE;
    }
  else if (!qtr_node_store_mark_poll_ended (store, status_id, error))
    return FALSE;
  activity_uri = g_strconcat (status->uri, "#poll-ended", NULL);
  return qtr_node_store_add_notification (store, "poll", status->actor_row, status->uri,
                                          activity_uri, NULL, error);
}

/**
 * qtr_node_tick_polls:
 *
 * Sends one Update for each of the owner's polls whose counts changed since the last one (so
 * votes arriving together go out together), and ends the polls whose time is over. The node
 * runs it %QTR_POLL_UPDATE_SECONDS after a vote, and when a poll ends.
 *
 * Returns: when the next poll ends whose end is to be told (Unix seconds), 0 for none
 */
gint64
qtr_node_tick_polls (QtrNode *node)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ended = NULL;
  g_autoptr(GArray) changed = NULL;

  ended = qtr_node_store_list_ended_polls (store, g_get_real_time () / G_USEC_PER_SEC, &error);
  for (guint i = 0; ended != NULL && i < ended->len; i++)
    {
      if (!end_poll (node, g_array_index (ended, gint64, i), &error))
        {
          g_warning ("Cannot end poll %" G_GINT64_FORMAT ": %s", g_array_index (ended, gint64, i),
                     error->message);
          g_clear_error (&error);
        }
    }
  changed = qtr_node_store_list_changed_polls (store, &error);
  for (guint i = 0; changed != NULL && i < changed->len; i++)
    {
      if (!send_poll_update (node, g_array_index (changed, gint64, i), FALSE, &error))
        {
          g_warning ("Cannot send the counts of poll %" G_GINT64_FORMAT ": %s",
                     g_array_index (changed, gint64, i), error->message);
          g_clear_error (&error);
        }
    }
  if (error != NULL)
    {
      g_warning ("Cannot read the polls: %s", error->message);
      return 0;
    }
  return MAX (qtr_node_store_next_poll_end (store, &error), 0);
}
