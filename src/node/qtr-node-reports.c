/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-json.h"
#include "qtr-node-api-client.h"
#include "qtr-node-private.h"
#include "qtr-node-store-private.h"
#include "qtr-node-store-statuses.h"

/* Reports: POST /api/v1/reports. The owner reports an account, and maybe some of its posts,
 * with a category and a comment. The node keeps the report in node.db (reports,
 * report_statuses); with `forward`, a Flag naming the account and the posts goes to the
 * account's server, as Mastodon sends one. The node has no instance actor: the Flag comes from
 * the owner's actor, so the other server's moderators see who reported (the app says so). */

#define RECORD_NOT_FOUND "Record not found"
/* Mastodon's limit on a report's comment. */
#define MAX_COMMENT_LENGTH 1000

static const char * const categories[] = { "spam", "legal", "violation", "other", NULL };

typedef struct {
  QtrNode        *node;
  QtrRemoteActor *actor;
  GPtrArray      *status_uris;
  GPtrArray      *status_ids;
  const char     *comment;
  const char     *category;
  gboolean        forward;
  gint64          report_id;   /* out */
  gint64          created_at;  /* out */
} ReportTransaction;

static gboolean
report_in_transaction (QtrDb    *db,
                       gpointer  user_data,
                       GError  **error)
{
  ReportTransaction *tx = user_data;
  QtrNodeStore *store = qtr_node_get_store (tx->node);
  g_autoptr(JsonObject) flag = NULL;
  sqlite3_stmt *stmt;

  tx->created_at = qtr_node_store_now ();
  if (tx->forward)
    {
      JsonArray *objects = json_array_new ();
      const char *inboxes[] = { tx->actor->shared_inbox != NULL ? tx->actor->shared_inbox
                                                                : tx->actor->inbox, NULL };

      flag = qtr_node_new_activity (tx->node, "Flag");
      json_array_add_string_element (objects, tx->actor->uri);
      for (guint i = 0; i < tx->status_uris->len; i++)
        json_array_add_string_element (objects, tx->status_uris->pdata[i]);
      json_object_set_array_member (flag, "object", objects);
      json_object_set_string_member (flag, "content", tx->comment);
      if (!qtr_node_queue_activity (tx->node, flag, inboxes, error))
        return FALSE;
    }

  stmt = qtr_db_prepare (db, "INSERT INTO reports (actor_id, comment, category, flag_uri,"
                         " created_at) VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tx->actor->row);
  qtr_db_bind_text (stmt, 2, tx->comment);
  qtr_db_bind_text (stmt, 3, tx->category);
  qtr_db_bind_text (stmt, 4, flag != NULL ? json_object_get_string_member (flag, "id") : NULL);
  sqlite3_bind_int64 (stmt, 5, tx->created_at);
  if (!qtr_node_store_run_done (store, stmt, error))
    return FALSE;
  tx->report_id = sqlite3_last_insert_rowid (qtr_db_get_handle (db));

  for (guint i = 0; i < tx->status_uris->len; i++)
    {
      stmt = qtr_db_prepare (db, "INSERT OR IGNORE INTO report_statuses (report_id, status_uri)"
                             " VALUES (?1, ?2)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, tx->report_id);
      qtr_db_bind_text (stmt, 2, tx->status_uris->pdata[i]);
      if (!qtr_node_store_run_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Reads `status_ids[]`: posts of the reported account, which the owner can see. */
static gboolean
read_statuses (QtrNode           *node,
               SoupServerMessage *msg,
               const char        *value,
               gint64             actor_row,
               GPtrArray         *uris,
               GPtrArray         *ids)
{
  g_auto(GStrv) parts = g_strsplit (value != NULL ? value : "", "\n", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(QtrStatus) status = NULL;
      g_autoptr(GError) error = NULL;
      gint64 row;

      if (*parts[i] == '\0')
        continue;
      if (qtr_node_api_parse_status_id (parts[i], &row))
        status = qtr_node_store_find_status_by_id (qtr_node_get_store (node), row, &error);
      if (error != NULL)
        {
          qtr_node_api_respond_internal_error (msg, error);
          return FALSE;
        }
      if (status == NULL || status->actor_row != actor_row || status->reblog_of_id != 0)
        {
          qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                                  "Validation failed: status_ids must be posts of the "
                                  "reported account");
          return FALSE;
        }
      g_ptr_array_add (uris, g_strdup (status->uri));
      g_ptr_array_add (ids, g_strdup (parts[i]));
    }
  return TRUE;
}

static gboolean
is_true (const char *value)
{
  return value != NULL && (g_str_equal (value, "true") || g_str_equal (value, "1") ||
                           g_str_equal (value, "on"));
}

/* POST /api/v1/reports */
void
qtr_node_handle_report (QtrNode           *node,
                        SoupServerMessage *msg,
                        GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *report_id = NULL;
  g_autofree char *created_at = NULL;
  ReportTransaction tx = { node };
  const char *comment;
  const char *category;
  gint64 actor_row;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:reports write", &auth) ||
      (params = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  if (!qtr_node_api_parse_account_id (g_hash_table_lookup (params, "account_id"), &actor_row))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      return;
    }
  if (actor_row == 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: the owner cannot report their own account");
      return;
    }
  actor = qtr_node_store_find_remote_actor_by_row (qtr_node_get_store (node), actor_row, &error);
  if (actor == NULL)
    {
      if (error != NULL)
        qtr_node_api_respond_internal_error (msg, error);
      else
        qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      return;
    }

  comment = g_hash_table_lookup (params, "comment");
  if (comment == NULL)
    comment = "";
  if (!g_utf8_validate (comment, -1, NULL) || g_utf8_strlen (comment, -1) > MAX_COMMENT_LENGTH)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: Comment is too long (maximum is 1000 "
                              "characters)");
      return;
    }
  category = g_hash_table_lookup (params, "category");
  if (category == NULL || *category == '\0')
    category = "other";
  if (!g_strv_contains (categories, category))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: category must be spam, legal, violation or "
                              "other");
      return;
    }
  if (!read_statuses (node, msg, g_hash_table_lookup (params, "status_ids"), actor_row, uris,
                      ids))
    return;

  tx.actor = actor;
  tx.status_uris = uris;
  tx.status_ids = ids;
  tx.comment = comment;
  tx.category = category;
  tx.forward = is_true (g_hash_table_lookup (params, "forward"));
  if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                           report_in_transaction, &tx, &error))
    {
      qtr_node_api_respond_node_error (msg, error);
      return;
    }
  if (tx.forward)
    qtr_node_kick_deliveries (node);

  /* The Report entity. */
  report_id = g_strdup_printf ("%" G_GINT64_FORMAT, tx.report_id);
  created_at = qtr_node_format_time (tx.created_at);
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", report_id);
  json_builder_set_member_name (builder, "action_taken");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "action_taken_at");
  json_builder_add_null_value (builder);
  qtr_json_builder_add_string (builder, "category", category);
  qtr_json_builder_add_string (builder, "comment", comment);
  json_builder_set_member_name (builder, "forwarded");
  json_builder_add_boolean_value (builder, tx.forward);
  qtr_json_builder_add_string (builder, "created_at", created_at);
  json_builder_set_member_name (builder, "status_ids");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ids->len; i++)
    json_builder_add_string_value (builder, ids->pdata[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "rule_ids");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "target_account");
  qtr_node_api_add_remote_account (builder, node, actor);
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}
