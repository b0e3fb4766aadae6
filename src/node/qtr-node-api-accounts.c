/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api-client.h"

#include "qtr-json.h"

#include <string.h>

/* The client API's accounts: the owner's profile edits, followers and following, the
 * Relationship entity, follows, blocks and mutes, account search, blocks and mutes listed,
 * follow requests answered. Federation goes through the node's own calls
 * (qtr_node_follow_async(), qtr_node_block_async(), qtr_node_update_profile()…); mutes stay
 * on this node. */

#define RECORD_NOT_FOUND "Record not found"

/* ---- Shared helpers ------------------------------------------------------------------- */

/**
 * qtr_node_api_read_params_or_refuse:
 *
 * Like qtr_node_api_read_params(), answering the request when they cannot be read.
 *
 * Returns: (transfer full) (nullable): the parameters, or %NULL when the request is answered
 */
GHashTable *
qtr_node_api_read_params_or_refuse (SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  guint status = SOUP_STATUS_BAD_REQUEST;
  GHashTable *params = qtr_node_api_read_params (msg, &status, &error);

  if (params == NULL)
    qtr_node_respond_error (msg, status, error->message);
  return params;
}

static gboolean
parse_boolean (const char *text,
               gboolean    fallback)
{
  if (text == NULL)
    return fallback;
  if (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1") ||
      g_ascii_strcasecmp (text, "on") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (text, "false") == 0 || g_str_equal (text, "0") ||
      g_ascii_strcasecmp (text, "off") == 0 || *text == '\0')
    return FALSE;
  return fallback;
}

/* A known account of @id: the owner (row 0) or a stored actor. Answers 404 and returns FALSE
 * when there is none. */
static gboolean
find_account (QtrNode            *node,
              SoupServerMessage  *msg,
              const char         *id,
              gint64             *actor_row,
              QtrRemoteActor    **actor)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrRemoteActor) found = NULL;

  if (actor != NULL)
    *actor = NULL;
  if (!qtr_node_api_parse_account_id (id, actor_row))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      return FALSE;
    }
  if (*actor_row == 0)
    return TRUE;
  found = qtr_node_store_find_remote_actor_by_row (qtr_node_get_store (node), *actor_row, &error);
  if (found == NULL)
    {
      if (error != NULL)
        qtr_node_api_respond_internal_error (msg, error);
      else
        qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      return FALSE;
    }
  if (actor != NULL)
    *actor = g_steal_pointer (&found);
  return TRUE;
}

static void
add_flag (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static gboolean
add_relationship (JsonBuilder  *builder,
                  QtrNode      *node,
                  gint64        actor_row,
                  GError      **error)
{
  g_autofree char *id = qtr_node_api_account_id (actor_row);
  QtrFollowState state = { 0 };
  gboolean domain_blocking = FALSE;

  if (actor_row > 0)
    {
      g_autoptr(QtrRemoteActor) actor = NULL;

      if (!qtr_node_store_get_follow_state (qtr_node_get_store (node), actor_row, &state, error))
        return FALSE;
      actor = qtr_node_store_find_remote_actor_by_row (qtr_node_get_store (node), actor_row,
                                                       error);
      if (actor == NULL && error != NULL && *error != NULL)
        return FALSE;
      domain_blocking = actor != NULL &&
                        qtr_node_config_is_blocked (qtr_node_get_config (node), actor->host);
    }

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  add_flag (builder, "following", state.following);
  add_flag (builder, "showing_reblogs", state.following || state.requested);
  add_flag (builder, "notifying", FALSE);
  json_builder_set_member_name (builder, "languages");
  json_builder_add_null_value (builder);
  add_flag (builder, "followed_by", state.followed_by);
  add_flag (builder, "blocking", state.blocking);
  /* A Block that reached us ends the follows; it is not kept, as Mastodon does not tell. */
  add_flag (builder, "blocked_by", FALSE);
  add_flag (builder, "muting", state.muting);
  add_flag (builder, "muting_notifications", state.muting_notifications);
  add_flag (builder, "requested", state.requested);
  add_flag (builder, "requested_by", state.requested_by);
  add_flag (builder, "domain_blocking", domain_blocking);
  add_flag (builder, "endorsed", FALSE);
  qtr_json_builder_add_string (builder, "note", "");
  json_builder_end_object (builder);
  return TRUE;
}

static void
respond_relationship (QtrNode           *node,
                      SoupServerMessage *msg,
                      gint64             actor_row)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!add_relationship (builder, node, actor_row, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond (msg, builder);
}

/**
 * qtr_node_api_respond_account_page:
 * @items: (element-type QtrPageItem): a page of accounts: actor rows as ids
 *
 * Answers with the accounts of @items, and the page's `Link` header.
 */
void
qtr_node_api_respond_account_page (QtrNode           *node,
                                   SoupServerMessage *msg,
                                   GHashTable        *query,
                                   GArray            *items)
{
  static const char * const kept[] = { "limit", NULL };
  g_autoptr(GArray) rows = g_array_sized_new (FALSE, FALSE, sizeof (gint64), items->len);

  for (guint i = 0; i < items->len; i++)
    g_array_append_val (rows, g_array_index (items, QtrPageItem, i).id);
  qtr_node_api_set_link_header (node, msg, query, kept, items);
  qtr_node_api_respond_accounts (node, msg, rows);
}

static void
respond_account_list (QtrNode            *node,
                      SoupServerMessage  *msg,
                      GHashTable         *query,
                      QtrAccountListKind  kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = NULL;
  QtrPage page;

  qtr_node_api_read_page (query, &page, QTR_API_DEFAULT_ACCOUNTS_LIMIT,
                          QTR_API_MAX_ACCOUNTS_LIMIT);
  items = qtr_node_store_page_accounts (qtr_node_get_store (node), kind, &page, &error);
  if (items == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond_account_page (node, msg, query, items);
}

/* ---- The owner's profile --------------------------------------------------------------- */

static guint
status_for_error (const GError *error)
{
  if (error->domain == QTR_NODE_ERROR)
    {
      switch (error->code)
        {
        case QTR_NODE_ERROR_TOO_LARGE:
          return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
        case QTR_NODE_ERROR_NOT_FOUND:
          return SOUP_STATUS_NOT_FOUND;
        case QTR_NODE_ERROR_INVALID_MEDIA:
        case QTR_NODE_ERROR_INVALID:
          return SOUP_STATUS_UNPROCESSABLE_ENTITY;
        default:
          break;
        }
    }
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

/**
 * qtr_node_api_respond_node_error:
 * @error: what a call of the node's failed with
 *
 * Answers with the status that fits a #QtrNodeError: 413 for a file too large, 404 for what
 * is not there, 422 for what the node refuses as given (the message says why), else 500.
 */
void
qtr_node_api_respond_node_error (SoupServerMessage *msg,
                                 const GError      *error)
{
  guint status = status_for_error (error);

  if (status == SOUP_STATUS_INTERNAL_SERVER_ERROR)
    qtr_node_api_respond_internal_error (msg, error);
  else
    qtr_node_respond_error (msg, status, error->message);
}

/* `fields_attributes[N][name]` and `[value]`, as Rails forms send them, in the order of N;
 * %NULL (@error unset) when the request changes no fields. */
static GStrv
read_fields (GHashTable  *params,
             GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  const char *key;
  guint64 highest = 0;
  gboolean any = FALSE;

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    {
      g_autofree char *index = NULL;
      const char *end;
      guint64 n;

      if (!g_str_has_prefix (key, "fields_attributes["))
        continue;
      end = strchr (key + strlen ("fields_attributes["), ']');
      if (end == NULL)
        continue;
      index = g_strndup (key + strlen ("fields_attributes["),
                         end - key - strlen ("fields_attributes["));
      if (!g_ascii_string_to_unsigned (index, 10, 0, 99, &n, NULL))
        {
          g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                       "Validation failed: “%s” names no profile field", key);
          return NULL;
        }
      any = TRUE;
      highest = MAX (highest, n + 1);
    }
  if (!any)
    return NULL;
  if (highest > QTR_PROFILE_MAX_FIELDS)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "Validation failed: a profile may have at most %d fields",
                   QTR_PROFILE_MAX_FIELDS);
      return NULL;
    }
  for (guint64 n = 0; n < highest; n++)
    {
      g_autofree char *name_key = g_strdup_printf ("fields_attributes[%" G_GUINT64_FORMAT
                                                   "][name]", n);
      g_autofree char *value_key = g_strdup_printf ("fields_attributes[%" G_GUINT64_FORMAT
                                                    "][value]", n);
      const char *name = g_hash_table_lookup (params, name_key);
      const char *value = g_hash_table_lookup (params, value_key);

      g_strv_builder_add (builder, name ? name : "");
      g_strv_builder_add (builder, value ? value : "");
    }
  return g_strv_builder_end (builder);
}

/* Checks that an uploaded profile image, when one was sent, is an image the media store
 * takes. */
static gboolean
check_image_file (GHashTable   *files,
                  const char   *name,
                  GError      **error)
{
  GBytes *bytes = g_hash_table_lookup (files, name);
  const char *media_type;
  guint width, height;

  if (bytes == NULL)
    return TRUE;
  if (!qtr_media_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &media_type,
                        &width, &height, error))
    return FALSE;
  if (!qtr_media_is_image (media_type))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA,
                   "Validation failed: the %s must be an image, not %s", name, media_type);
      return FALSE;
    }
  return TRUE;
}

/* Stores an uploaded profile image; 0 when none was sent, -1 with @error set on failure. */
static gint64
add_image (QtrNode      *node,
           GHashTable   *files,
           const char   *name,
           GError      **error)
{
  GBytes *bytes = g_hash_table_lookup (files, name);
  g_autoptr(QtrMedia) media = NULL;

  if (bytes == NULL)
    return 0;
  media = qtr_node_add_media (node, bytes, NULL, error);
  return media ? media->id : -1;
}

void
qtr_node_handle_update_credentials (QtrNode           *node,
                                    SoupServerMessage *msg,
                                    GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_bytes_unref);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fields = NULL;
  QtrProfileEdit edit = { 0 };
  guint status = SOUP_STATUS_BAD_REQUEST;
  const char *value;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:accounts", &auth))
    return;
  form = qtr_node_api_read_params_full (msg, qtr_node_api_get_upload_limit (
                                          "/api/v1/accounts/update_credentials"),
                                        files, &status, &error);
  if (form == NULL)
    {
      qtr_node_respond_error (msg, status, error->message);
      return;
    }
  fields = read_fields (form, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_node_error (msg, error);
      return;
    }
  edit.display_name = g_hash_table_lookup (form, "display_name");
  edit.summary = g_hash_table_lookup (form, "note");
  edit.fields = (const char * const *) fields;
  if ((value = g_hash_table_lookup (form, "locked")) != NULL)
    {
      edit.set_manual_approval = TRUE;
      edit.manual_approval = parse_boolean (value, FALSE);
    }
  if ((value = g_hash_table_lookup (form, "bot")) != NULL)
    {
      edit.set_bot = TRUE;
      edit.bot = parse_boolean (value, FALSE);
    }
  if ((value = g_hash_table_lookup (form, "discoverable")) != NULL)
    {
      edit.set_discoverable = TRUE;
      edit.discoverable = parse_boolean (value, TRUE);
    }
  /* Everything is checked before the images are stored. */
  if (!qtr_node_check_profile_edit (node, &edit, &error) ||
      !check_image_file (files, "avatar", &error) ||
      !check_image_file (files, "header", &error) ||
      (edit.avatar_id = add_image (node, files, "avatar", &error)) < 0 ||
      (edit.header_id = add_image (node, files, "header", &error)) < 0 ||
      !qtr_node_update_profile (node, &edit, &error))
    {
      qtr_node_api_respond_node_error (msg, error);
      return;
    }
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();

    if (!qtr_node_api_add_account (builder, node, 0, TRUE, &error))
      {
        qtr_node_api_respond_internal_error (msg, error);
        return;
      }
    qtr_node_api_respond (msg, builder);
  }
}

/* ---- Followers, following, relationships ---------------------------------------------- */

/* GET /api/v1/accounts/:id/followers and /following. Of other servers' accounts the node
 * knows no followers: their lists are empty. */
void
qtr_node_handle_account_follows (QtrNode           *node,
                                 SoupServerMessage *msg,
                                 GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  gboolean followers = strstr (path, "/followers") != NULL;
  gint64 actor_row;

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, "read:accounts", &auth) ||
      !find_account (node, msg, g_hash_table_lookup (params, "id"), &actor_row, NULL) ||
      (query = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  if (actor_row != 0)
    {
      g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (gint64));

      qtr_node_api_respond_accounts (node, msg, none);
      return;
    }
  respond_account_list (node, msg, query,
                        followers ? QTR_ACCOUNT_LIST_FOLLOWERS : QTR_ACCOUNT_LIST_FOLLOWING);
}

/* The accounts a relationship request asks about (`id[]`), to a token with read:follows;
 * %NULL when the request was answered. */
static GStrv
read_account_ids (QtrNode           *node,
                  SoupServerMessage *msg)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  const char *id;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:follows", &auth) ||
      (query = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return NULL;
  id = g_hash_table_lookup (query, "id");
  return g_strsplit (id ? id : "", "\n", -1);
}

void
qtr_node_handle_relationships (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *params)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) ids = read_account_ids (node, msg);

  if (ids == NULL)
    return;
  json_builder_begin_array (builder);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(QtrRemoteActor) actor = NULL;
      g_autoptr(GError) error = NULL;
      gint64 actor_row;

      /* As Mastodon: ids of no account are left out. */
      if (!qtr_node_api_parse_account_id (ids[i], &actor_row))
        continue;
      if (actor_row > 0)
        {
          actor = qtr_node_store_find_remote_actor_by_row (qtr_node_get_store (node), actor_row,
                                                           &error);
          if (actor == NULL && error == NULL)
            continue;
        }
      if (error != NULL || !add_relationship (builder, node, actor_row, &error))
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
    }
  json_builder_end_array (builder);
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_familiar_followers (QtrNode           *node,
                                    SoupServerMessage *msg,
                                    GHashTable        *params)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) ids = read_account_ids (node, msg);

  if (ids == NULL)
    return;
  json_builder_begin_array (builder);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      gint64 actor_row;

      if (!qtr_node_api_parse_account_id (ids[i], &actor_row))
        continue;
      /* Who follows an account of another server is known to its server only. */
      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "id", ids[i]);
      json_builder_set_member_name (builder, "accounts");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  qtr_node_api_respond (msg, builder);
}

/* ---- Follow, unfollow, block, unblock, mute, unmute ----------------------------------- */

typedef struct {
  QtrNode           *node;
  SoupServerMessage *msg;
  gint64             actor_row;
} PendingAction;

static void
pending_action_free (PendingAction *action)
{
  g_object_unref (action->node);
  g_object_unref (action->msg);
  g_free (action);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PendingAction, pending_action_free)

static void
action_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PendingAction) action = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (g_async_result_is_tagged (result, qtr_node_follow_async))
    uri = qtr_node_follow_finish (action->node, result, &error);
  else
    uri = qtr_node_block_finish (action->node, result, &error);
  soup_server_message_unpause (action->msg);
  if (uri == NULL)
    {
      g_debug ("The client API's action on account %" G_GINT64_FORMAT " failed: %s",
               action->actor_row, error->message);
      qtr_node_respond_error (action->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, error->message);
      return;
    }
  respond_relationship (action->node, action->msg, action->actor_row);
}

static PendingAction *
pend (QtrNode           *node,
      SoupServerMessage *msg,
      gint64             actor_row)
{
  PendingAction *action = g_new0 (PendingAction, 1);

  action->node = g_object_ref (node);
  action->msg = g_object_ref (msg);
  action->actor_row = actor_row;
  soup_server_message_pause (msg);
  return action;
}

/* What every action on an account starts with: the token, the account (not the owner's
 * own), and what lies between them. Answers and returns %FALSE when the request may not go
 * on. */
static gboolean
begin_action (QtrNode            *node,
              SoupServerMessage  *msg,
              GHashTable         *params,
              const char         *scopes,
              gint64             *actor_row,
              QtrRemoteActor    **actor,
              QtrFollowState     *state)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GError) error = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, scopes, &auth) ||
      !find_account (node, msg, g_hash_table_lookup (params, "id"), actor_row, actor))
    return FALSE;
  if (*actor_row == 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_FORBIDDEN,
                              "This action is not allowed on the owner's own account");
      return FALSE;
    }
  if (!qtr_node_store_get_follow_state (qtr_node_get_store (node), *actor_row, state, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return FALSE;
    }
  return TRUE;
}

void
qtr_node_handle_account_follow (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *params)
{
  g_autoptr(QtrRemoteActor) actor = NULL;
  QtrFollowState state;
  gint64 actor_row;

  if (!begin_action (node, msg, params, "write:follows follow", &actor_row, &actor, &state))
    return;
  /* Following again changes nothing, as on Mastodon. */
  if (state.following || state.requested)
    respond_relationship (node, msg, actor_row);
  else if (state.blocking)
    qtr_node_respond_error (msg, SOUP_STATUS_FORBIDDEN,
                            "This account is blocked: unblock it to follow it");
  else
    qtr_node_follow_async (node, actor->uri, qtr_node_get_cancellable (node), action_done_cb,
                           pend (node, msg, actor_row));
}

/* Unfollows (else unblocks) the route's account, when there is a follow (or a block) to
 * undo. */
static void
undo_action (QtrNode           *node,
             SoupServerMessage *msg,
             GHashTable        *params,
             gboolean           block)
{
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  QtrFollowState state;
  gint64 actor_row;

  if (!begin_action (node, msg, params, block ? "write:blocks follow" : "write:follows follow",
                     &actor_row, &actor, &state))
    return;
  if (block ? state.blocking : (state.following || state.requested))
    {
      uri = block ? qtr_node_unblock (node, actor->uri, &error)
                  : qtr_node_unfollow (node, actor->uri, &error);
      if (uri == NULL)
        {
          qtr_node_api_respond_node_error (msg, error);
          return;
        }
    }
  respond_relationship (node, msg, actor_row);
}

void
qtr_node_handle_account_unfollow (QtrNode           *node,
                                  SoupServerMessage *msg,
                                  GHashTable        *params)
{
  undo_action (node, msg, params, FALSE);
}

void
qtr_node_handle_account_block (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *params)
{
  g_autoptr(QtrRemoteActor) actor = NULL;
  QtrFollowState state;
  gint64 actor_row;

  if (!begin_action (node, msg, params, "write:blocks follow", &actor_row, &actor, &state))
    return;
  if (state.blocking)
    respond_relationship (node, msg, actor_row);
  else
    qtr_node_block_async (node, actor->uri, qtr_node_get_cancellable (node), action_done_cb,
                          pend (node, msg, actor_row));
}

void
qtr_node_handle_account_unblock (QtrNode           *node,
                                 SoupServerMessage *msg,
                                 GHashTable        *params)
{
  undo_action (node, msg, params, TRUE);
}

/* Mutes stay on this node: nothing is sent. `notifications` (default true) hides the
 * account's notifications too; `duration` (seconds, 0 for ever) ends the mute. */
void
qtr_node_handle_account_mute (QtrNode           *node,
                              SoupServerMessage *msg,
                              GHashTable        *params)
{
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GError) error = NULL;
  QtrFollowState state;
  const char *duration_text;
  guint64 duration = 0;
  gint64 actor_row;

  if (!begin_action (node, msg, params, "write:mutes follow", &actor_row, &actor, &state) ||
      (query = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  duration_text = g_hash_table_lookup (query, "duration");
  if (duration_text != NULL && *duration_text != '\0' &&
      !g_ascii_string_to_unsigned (duration_text, 10, 0, G_MAXINT32, &duration, NULL))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: duration is not a number of seconds");
      return;
    }
  if (!qtr_node_store_add_mute (qtr_node_get_store (node), actor_row,
                                parse_boolean (g_hash_table_lookup (query, "notifications"),
                                               TRUE),
                                duration > 0 ? g_get_real_time () / G_USEC_PER_SEC +
                                               (gint64) duration : 0, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_relationship (node, msg, actor_row);
}

void
qtr_node_handle_account_unmute (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *params)
{
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autoptr(GError) error = NULL;
  QtrFollowState state;
  gint64 actor_row;

  if (!begin_action (node, msg, params, "write:mutes follow", &actor_row, &actor, &state))
    return;
  if (!qtr_node_store_remove_mute (qtr_node_get_store (node), actor_row, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_relationship (node, msg, actor_row);
}

/* ---- Search --------------------------------------------------------------------------- */

typedef struct {
  QtrNode           *node;
  SoupServerMessage *msg;
  GHashTable        *query;
} PendingSearch;

static void
pending_search_free (PendingSearch *search)
{
  g_object_unref (search->node);
  g_object_unref (search->msg);
  g_hash_table_unref (search->query);
  g_free (search);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PendingSearch, pending_search_free)

static gboolean
owner_matches (QtrNode    *node,
               const char *q)
{
  QtrNodeOwner *owner = qtr_node_get_owner (node);
  g_autofree char *host = qtr_node_get_host (node);
  g_autofree char *folded_q = g_utf8_casefold (q, -1);
  g_autofree char *handle = g_strdup_printf ("%s@%s", owner->username, host);
  g_autofree char *folded_handle = g_utf8_casefold (handle, -1);
  g_autofree char *folded_name = g_utf8_casefold (owner->display_name, -1);

  return strstr (folded_handle, folded_q) != NULL || strstr (folded_name, folded_q) != NULL;
}

static const char *
strip_at (const char *q)
{
  return *q == '@' ? q + 1 : q;
}

static void
respond_search (QtrNode           *node,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  const char *q = strip_at (g_hash_table_lookup (query, "q"));
  gboolean following = parse_boolean (g_hash_table_lookup (query, "following"), FALSE);
  guint64 offset = 0;
  QtrPage page;

  qtr_node_api_read_page (query, &page, QTR_API_DEFAULT_ACCOUNTS_LIMIT,
                          QTR_API_MAX_ACCOUNTS_LIMIT);
  if (g_hash_table_lookup (query, "offset") != NULL &&
      !g_ascii_string_to_unsigned (g_hash_table_lookup (query, "offset"), 10, 0, G_MAXINT32,
                                   &offset, NULL))
    offset = 0;
  rows = qtr_node_store_search_actors (qtr_node_get_store (node), q, following, offset,
                                       page.limit, &error);
  if (rows == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  /* The owner first, when named. */
  if (!following && offset == 0 && owner_matches (node, q))
    {
      gint64 owner_row = 0;

      g_array_prepend_val (rows, owner_row);
      if (rows->len > page.limit)
        g_array_set_size (rows, page.limit);
    }
  qtr_node_api_respond_accounts (node, msg, rows);
}

static void
search_resolved_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PendingSearch) search = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrRemoteActor) actor = qtr_node_lookup_actor_finish (search->node, result, &error);

  /* Not found remotely: the answer is what the node knows, as on Mastodon. */
  if (actor == NULL)
    g_debug ("Account search could not resolve %s: %s",
             (const char *) g_hash_table_lookup (search->query, "q"), error->message);
  soup_server_message_unpause (search->msg);
  respond_search (search->node, search->msg, search->query);
}

/* Whether @q is `user@host` (a leading @ aside), with a host that is not ours. */
static gboolean
is_remote_handle (QtrNode    *node,
                  const char *q)
{
  g_autofree char *host = qtr_node_get_host (node);
  const char *at = strchr (strip_at (q), '@');

  return at != NULL && at != strip_at (q) && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
         strpbrk (q, " \t\r\n/") == NULL && g_ascii_strcasecmp (at + 1, host) != 0;
}

void
qtr_node_handle_account_search (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrRemoteActor) known = NULL;
  const char *q;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:accounts", &auth) ||
      (query = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  q = g_hash_table_lookup (query, "q");
  if (q == NULL || *strip_at (q) == '\0')
    {
      qtr_node_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "Validation failed: q is missing");
      return;
    }
  if (parse_boolean (g_hash_table_lookup (query, "resolve"), FALSE) && is_remote_handle (node, q))
    {
      known = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "handle", strip_at (q),
                                                &error);
      if (known == NULL && error == NULL)
        {
          PendingSearch *search = g_new0 (PendingSearch, 1);

          search->node = g_object_ref (node);
          search->msg = g_object_ref (msg);
          search->query = g_steal_pointer (&query);
          soup_server_message_pause (msg);
          qtr_node_lookup_actor_async (node, strip_at (q), qtr_node_get_cancellable (node),
                                       search_resolved_cb, search);
          return;
        }
    }
  respond_search (node, msg, query);
}

/* ---- Blocks, mutes, follow requests --------------------------------------------------- */

/* Answers a page of the owner's own account list @kind to a user token with @scope. */
static void
respond_owner_list (QtrNode            *node,
                    SoupServerMessage  *msg,
                    const char         *scope,
                    QtrAccountListKind  kind)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, scope, &auth) ||
      (query = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  respond_account_list (node, msg, query, kind);
}

void
qtr_node_handle_blocks (QtrNode           *node,
                        SoupServerMessage *msg,
                        GHashTable        *params)
{
  respond_owner_list (node, msg, "read:blocks follow", QTR_ACCOUNT_LIST_BLOCKS);
}

void
qtr_node_handle_mutes (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  respond_owner_list (node, msg, "read:mutes follow", QTR_ACCOUNT_LIST_MUTES);
}

void
qtr_node_handle_follow_requests (QtrNode           *node,
                                 SoupServerMessage *msg,
                                 GHashTable        *params)
{
  respond_owner_list (node, msg, "read:follows follow", QTR_ACCOUNT_LIST_REQUESTS);
}

static void
answer_follow_request (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *params,
                       gboolean           accept)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 actor_row;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:follows follow", &auth) ||
      !find_account (node, msg, g_hash_table_lookup (params, "id"), &actor_row, NULL))
    return;
  if (actor_row == 0 || !qtr_node_answer_follow_request (node, actor_row, accept, &error))
    {
      if (error == NULL || g_error_matches (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND))
        qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      else
        qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_relationship (node, msg, actor_row);
}

/* The follow requests of a node with manual approval: the Accept or Reject goes to the
 * requester's server. */
void
qtr_node_handle_follow_request_authorize (QtrNode           *node,
                                          SoupServerMessage *msg,
                                          GHashTable        *params)
{
  answer_follow_request (node, msg, params, TRUE);
}

void
qtr_node_handle_follow_request_reject (QtrNode           *node,
                                       SoupServerMessage *msg,
                                       GHashTable        *params)
{
  answer_follow_request (node, msg, params, FALSE);
}

/* ---- Small endpoints ------------------------------------------------------------------ */

/* Trends, custom emojis, announcements, instance activity: this node has none of them. */
void
qtr_node_handle_empty_list (QtrNode           *node,
                            SoupServerMessage *msg,
                            GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, NULL, &auth))
    return;
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_instance_peers (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) hosts = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, NULL, &auth))
    return;
  hosts = qtr_node_store_known_hosts (qtr_node_get_store (node), &error);
  if (hosts == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; hosts[i] != NULL; i++)
    json_builder_add_string_value (builder, hosts[i]);
  json_builder_end_array (builder);
  qtr_node_api_respond (msg, builder);
}
