/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api.h"

#include "qtr-json.h"

/* The Poll entity, carried by statuses, and /api/v1/polls: reading a poll and voting on it.
 * Votes go through qtr_node_vote(), as any vote of the owner. */

#define NOT_FOUND "Record not found"

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       unix_seconds)
{
  json_builder_set_member_name (builder, name);
  if (unix_seconds > 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);
      g_autofree char *text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.000Z");

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

static void
add_count (JsonBuilder *builder,
           const char  *name,
           gint64       count,
           gboolean     shown)
{
  json_builder_set_member_name (builder, name);
  if (shown && count >= 0)
    json_builder_add_int_value (builder, count);
  else
    json_builder_add_null_value (builder);
}

static void
add_poll_entity (JsonBuilder        *builder,
                 const QtrStatus    *status,
                 const QtrNodePoll  *poll,
                 QtrApiStatusFlags   flags)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, poll->status_id);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean ended = qtr_node_poll_has_ended (poll, now);
  /* Hidden totals show to the poll's author, and to everyone once it ended. */
  gboolean totals = !poll->hide_totals || ended ||
                    (status->actor_row == 0 && (flags & QTR_API_STATUS_VIEWER));
  gboolean voted = FALSE;

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  add_time (builder, "expires_at", poll->expires_at);
  json_builder_set_member_name (builder, "expired");
  json_builder_add_boolean_value (builder, ended);
  json_builder_set_member_name (builder, "multiple");
  json_builder_add_boolean_value (builder, poll->multiple);
  add_count (builder, "votes_count", qtr_node_poll_count_votes (poll), TRUE);
  add_count (builder, "voters_count", poll->voters_count, TRUE);
  json_builder_set_member_name (builder, "options");
  json_builder_begin_array (builder);
  for (guint i = 0; i < poll->options->len; i++)
    {
      QtrNodePollOption *option = g_ptr_array_index (poll->options, i);

      voted = voted || option->own_vote;
      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "title", option->title);
      add_count (builder, "votes_count", option->votes_count, totals);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "emojis");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  if (flags & QTR_API_STATUS_VIEWER)
    {
      /* As on Mastodon, the author counts as having voted on their own poll. */
      json_builder_set_member_name (builder, "voted");
      json_builder_add_boolean_value (builder, voted || status->actor_row == 0);
      json_builder_set_member_name (builder, "own_votes");
      json_builder_begin_array (builder);
      for (guint i = 0; i < poll->options->len; i++)
        if (((QtrNodePollOption *) g_ptr_array_index (poll->options, i))->own_vote)
          json_builder_add_int_value (builder, i);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

/**
 * qtr_node_api_add_poll:
 *
 * Adds the member `poll` of a Status: the Poll entity of @status, or null.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
qtr_node_api_add_poll (JsonBuilder        *builder,
                       QtrNode            *node,
                       const QtrStatus    *status,
                       QtrApiStatusFlags   flags,
                       GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(QtrNodePoll) poll = qtr_node_store_find_poll (qtr_node_get_store (node), status->id,
                                                          &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  json_builder_set_member_name (builder, "poll");
  if (poll == NULL)
    json_builder_add_null_value (builder);
  else
    add_poll_entity (builder, status, poll, flags);
  return TRUE;
}

/* The post of the route's `:id` (a poll's id is its post's) that the asker may see, with its
 * poll; else answered 404 (or 500). */
static QtrNodePoll *
find_poll (QtrNode           *node,
           SoupServerMessage *msg,
           GHashTable        *route,
           const QtrApiAuth  *auth,
           QtrStatus        **status)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrStatus) found = NULL;
  QtrNodePoll *poll = NULL;
  gint64 row;

  if (qtr_node_api_parse_status_id (g_hash_table_lookup (route, "id"), &row))
    found = qtr_node_store_find_status_by_id (store, row, &error);
  if (found != NULL && qtr_node_api_can_see_status (found, auth))
    poll = qtr_node_store_find_poll (store, found->id, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return NULL;
    }
  if (poll == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
      return NULL;
    }
  *status = g_steal_pointer (&found);
  return poll;
}

static void
respond_poll (SoupServerMessage *msg,
              const QtrStatus   *status,
              const QtrNodePoll *poll,
              const QtrApiAuth  *auth)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  add_poll_entity (builder, status, poll,
                   qtr_node_api_is_owner (auth) ? QTR_API_STATUS_VIEWER : QTR_API_STATUS_NONE);
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_poll_get (QtrNode           *node,
                          SoupServerMessage *msg,
                          GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(QtrNodePoll) poll = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, "read:statuses", &auth))
    return;
  poll = find_poll (node, msg, route, &auth, &status);
  if (poll != NULL)
    respond_poll (msg, status, poll, &auth);
}

/* The `choices` of a vote, option positions; %NULL when one is not a number. */
static GArray *
read_choices (const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value != NULL ? value : "", "\n", -1);
  g_autoptr(GArray) choices = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 choice;

      if (*parts[i] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, G_MAXUINT, &choice, NULL))
        return NULL;
      g_array_append_vals (choices, &(guint) { choice }, 1);
    }
  return g_steal_pointer (&choices);
}

void
qtr_node_handle_poll_vote (QtrNode           *node,
                           SoupServerMessage *msg,
                           GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(QtrNodePoll) poll = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GArray) choices = NULL;
  g_autoptr(GError) error = NULL;
  guint http_status;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:statuses", &auth))
    return;
  poll = find_poll (node, msg, route, &auth, &status);
  if (poll == NULL)
    return;
  params = qtr_node_api_read_params (msg, &http_status, &error);
  if (params == NULL)
    {
      qtr_node_respond_error (msg, http_status, error->message);
      return;
    }
  choices = read_choices (g_hash_table_lookup (params, "choices"));
  if (choices == NULL || choices->len == 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: choices must be the positions of options");
      return;
    }
  if (!qtr_node_vote (node, status->uri, (const guint *) (gpointer) choices->data, choices->len,
                      &error))
    {
      if (error->domain == QTR_NODE_ERROR && error->code != QTR_NODE_ERROR_FAILED)
        {
          g_autofree char *message = g_strconcat ("Validation failed: ", error->message, NULL);

          qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, message);
        }
      else
        qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  g_clear_pointer (&poll, qtr_node_poll_free);
  poll = qtr_node_store_find_poll (qtr_node_get_store (node), status->id, &error);
  if (poll == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_poll (msg, status, poll, &auth);
}
