/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api-client.h"

#include "qtr-json.h"

#include <string.h>

/* The client API's lists: the owner's lists of followed accounts, their members, and the
 * lists an account is in. The list timeline reads qtr_node_store_get_list_members(). */

#define RECORD_NOT_FOUND "Record not found"
/* Mastodon's limit for a list's title. */
#define MAX_TITLE 255

static void
add_list (JsonBuilder   *builder,
          const QtrList *list)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, list->id);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "title", list->title);
  qtr_json_builder_add_string (builder, "replies_policy", list->replies_policy);
  json_builder_set_member_name (builder, "exclusive");
  json_builder_add_boolean_value (builder, list->exclusive);
  json_builder_end_object (builder);
}

static void
respond_lists (SoupServerMessage *msg,
               GPtrArray         *lists)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < lists->len; i++)
    add_list (builder, g_ptr_array_index (lists, i));
  json_builder_end_array (builder);
  qtr_node_api_respond (msg, builder);
}

static void
respond_list (SoupServerMessage *msg,
              const QtrList     *list)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  add_list (builder, list);
  qtr_node_api_respond (msg, builder);
}

/* Applies the form's title, replies_policy and exclusive to @list; answers 422 when one is
 * wrong. */
static gboolean
read_list_form (SoupServerMessage *msg,
                GHashTable        *form,
                QtrList           *list)
{
  const char *title = g_hash_table_lookup (form, "title");
  const char *policy = g_hash_table_lookup (form, "replies_policy");

  if (title != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (title));

      if (*stripped == '\0' || g_utf8_strlen (stripped, -1) > MAX_TITLE)
        {
          qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                                  "Validation failed: the title must be 1 to 255 characters");
          return FALSE;
        }
      g_free (list->title);
      list->title = g_steal_pointer (&stripped);
    }
  if (policy != NULL)
    {
      if (!g_str_equal (policy, "followed") && !g_str_equal (policy, "list") &&
          !g_str_equal (policy, "none"))
        {
          qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                                  "Validation failed: replies_policy is “followed”, “list” or "
                                  "“none”");
          return FALSE;
        }
      g_free (list->replies_policy);
      list->replies_policy = g_strdup (policy);
    }
  if (!qtr_node_api_parse_boolean (g_hash_table_lookup (form, "exclusive"), &list->exclusive))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: exclusive is true or false");
      return FALSE;
    }
  return TRUE;
}

void
qtr_node_handle_lists (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(GError) error = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:lists", &auth))
    return;
  lists = qtr_node_store_get_lists (qtr_node_get_store (node), -1, &error);
  if (lists == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_lists (msg, lists);
}

void
qtr_node_handle_list_create (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrList) list = g_new0 (QtrList, 1);

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:lists", &auth) ||
      (form = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  list->replies_policy = g_strdup ("list");
  if (g_hash_table_lookup (form, "title") == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: title is missing");
      return;
    }
  if (!read_list_form (msg, form, list))
    return;
  list->id = qtr_node_store_add_list (qtr_node_get_store (node), list, &error);
  if (list->id < 0)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_list (msg, list);
}

static QtrList *
find_list (QtrNode           *node,
           SoupServerMessage *msg,
           GHashTable        *params)
{
  g_autoptr(GError) error = NULL;
  const char *id = g_hash_table_lookup (params, "id");
  QtrList *list = NULL;
  gint64 value;

  if (qtr_node_api_parse_id (id, &value))
    list = qtr_node_store_find_list (qtr_node_get_store (node), value, &error);
  if (error != NULL)
    qtr_node_api_respond_internal_error (msg, error);
  else if (list == NULL)
    qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
  return list;
}

/* The token, then the list of `:id`; answers and returns %NULL when the request may not go
 * on. */
static QtrList *
begin_list (QtrNode           *node,
            SoupServerMessage *msg,
            GHashTable        *params,
            const char        *scopes)
{
  g_auto(QtrApiAuth) auth = { 0 };

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, scopes, &auth))
    return NULL;
  return find_list (node, msg, params);
}

void
qtr_node_handle_list_get (QtrNode           *node,
                          SoupServerMessage *msg,
                          GHashTable        *params)
{
  g_autoptr(QtrList) list = begin_list (node, msg, params, "read:lists");

  if (list != NULL)
    respond_list (msg, list);
}

void
qtr_node_handle_list_update (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *params)
{
  g_autoptr(QtrList) list = begin_list (node, msg, params, "write:lists");
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;

  if (list == NULL || (form = qtr_node_api_read_params_or_refuse (msg)) == NULL ||
      !read_list_form (msg, form, list))
    return;
  if (!qtr_node_store_update_list (qtr_node_get_store (node), list, &error) && error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_list (msg, list);
}

void
qtr_node_handle_list_delete (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *params)
{
  g_autoptr(QtrList) list = begin_list (node, msg, params, "write:lists");
  g_autoptr(GError) error = NULL;

  if (list == NULL)
    return;
  if (!qtr_node_store_delete_list (qtr_node_get_store (node), list->id, &error) &&
      error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond_empty (msg);
}

/* The accounts of `account_ids[]`, all of them followed by the owner; answers 404 or 422
 * and returns %NULL when one is not. */
static GArray *
read_members (QtrNode           *node,
              SoupServerMessage *msg,
              GHashTable        *form,
              gboolean           must_follow)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *ids = g_hash_table_lookup (form, "account_ids");
  g_auto(GStrv) parts = g_strsplit (ids ? ids : "", "\n", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      QtrFollowState state = { 0 };
      gint64 actor_row;

      if (*parts[i] == '\0')
        continue;
      if (!qtr_node_api_parse_account_id (parts[i], &actor_row) || actor_row == 0)
        {
          qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
          return NULL;
        }
      if (!qtr_node_store_get_follow_state (qtr_node_get_store (node), actor_row, &state,
                                            &error))
        {
          qtr_node_api_respond_internal_error (msg, error);
          return NULL;
        }
      if (must_follow && !state.following)
        {
          /* Mastodon's words. */
          qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                                  "Validation failed: Account has not been followed");
          return NULL;
        }
      g_array_append_val (rows, actor_row);
    }
  if (rows->len == 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: account_ids is missing");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

void
qtr_node_handle_list_accounts_get (QtrNode           *node,
                                   SoupServerMessage *msg,
                                   GHashTable        *params)
{
  g_autoptr(QtrList) list = begin_list (node, msg, params, "read:lists");
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(GError) error = NULL;
  QtrPage page;

  if (list == NULL || (query = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  qtr_node_api_read_page (query, &page, QTR_API_DEFAULT_ACCOUNTS_LIMIT,
                          QTR_API_MAX_ACCOUNTS_LIMIT);
  items = qtr_node_store_page_list_members (qtr_node_get_store (node), list->id, &page,
                                            &error);
  if (items == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond_account_page (node, msg, query, items);
}

/* Adds or removes the accounts of `account_ids[]`, every one checked before any changes. */
static void
change_members (QtrNode           *node,
                SoupServerMessage *msg,
                GHashTable        *params,
                gboolean           adding)
{
  g_autoptr(QtrList) list = begin_list (node, msg, params, "write:lists");
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  if (list == NULL || (form = qtr_node_api_read_params_or_refuse (msg)) == NULL ||
      (rows = read_members (node, msg, form, adding)) == NULL)
    return;
  for (guint i = 0; i < rows->len; i++)
    {
      gint64 actor_row = g_array_index (rows, gint64, i);

      if (adding ? !qtr_node_store_add_list_member (store, list->id, actor_row, &error)
                 : !qtr_node_store_remove_list_member (store, list->id, actor_row, &error))
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
    }
  qtr_node_api_respond_empty (msg);
}

void
qtr_node_handle_list_accounts_add (QtrNode           *node,
                                   SoupServerMessage *msg,
                                   GHashTable        *params)
{
  change_members (node, msg, params, TRUE);
}

void
qtr_node_handle_list_accounts_remove (QtrNode           *node,
                                      SoupServerMessage *msg,
                                      GHashTable        *params)
{
  change_members (node, msg, params, FALSE);
}

/* GET /api/v1/accounts/:id/lists */
void
qtr_node_handle_account_lists (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(GError) error = NULL;
  gint64 actor_row;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:lists", &auth))
    return;
  if (!qtr_node_api_parse_account_id (g_hash_table_lookup (params, "id"), &actor_row))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      return;
    }
  lists = qtr_node_store_get_lists (qtr_node_get_store (node), actor_row, &error);
  if (lists == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_lists (msg, lists);
}
