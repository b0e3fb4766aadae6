/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-search.h"

#include <string.h>

#include "qtr-account.h"
#include "qtr-api-error.h"
#include "qtr-hashtag.h"
#include "qtr-json.h"
#include "qtr-status.h"

/* QtrSearch: one search box's results, as three list models: accounts (QtrAccount), hashtags
 * (QtrHashtag) and posts (QtrStatus).
 *
 * qtr_search_run() asks `/api/v2/search`, or `/api/v1/search` of a server that does not have
 * v2 (its QtrServerInfo says so; without server info, v2 first and v1 when v2 is not found).
 * A new search cancels the one under way, so the results are always those of the last text.
 * With `resolve`, the server looks up a handle (`@user@host`) by WebFinger or fetches a post
 * by its URL: qtr_search_wants_resolve() says when the text looks like one. The models change
 * only when the answer is in, at once (the old results stay while the new ones load). */

struct _QtrSearch
{
  GObject         parent_instance;

  QtrApiClient   *client;
  QtrServerInfo  *server_info;  /* nullable */
  GCancellable   *cancellable;  /* of the search under way */
  char           *text;         /* nullable: nothing searched */
  gboolean        resolve;
  QtrSearchState  state;
  GError         *error;
  gboolean        used_v1;
  GListStore     *accounts;
  GListStore     *hashtags;
  GListStore     *statuses;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (QtrSearchState, qtr_search_state,
                    G_DEFINE_ENUM_VALUE (QTR_SEARCH_STATE_EMPTY, "empty"),
                    G_DEFINE_ENUM_VALUE (QTR_SEARCH_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (QTR_SEARCH_STATE_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (QTR_SEARCH_STATE_FAILED, "failed"))

G_DEFINE_FINAL_TYPE (QtrSearch, qtr_search, G_TYPE_OBJECT)

static void
set_state (QtrSearch      *self,
           QtrSearchState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Replaces what @store holds with what @array holds, each item made by @parse; items that do
 * not parse are left out (one broken account does not hide the others). */
static void
fill_store (GListStore *store,
            JsonArray  *array,
            gpointer  (*parse) (JsonNode *node, GError **error))
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) error = NULL;
      gpointer item = parse (json_array_get_element (array, i), &error);

      if (item == NULL)
        g_debug ("A search result was left out: %s", error->message);
      else
        g_ptr_array_add (items, item);
    }
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items->pdata, items->len);
}

static gpointer
parse_account (JsonNode  *node,
               GError   **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                           "An account of the results is not an object");
      return NULL;
    }
  return qtr_account_new_from_json (json_node_get_object (node), error);
}

static gpointer
parse_status (JsonNode  *node,
              GError   **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                           "A post of the results is not an object");
      return NULL;
    }
  return qtr_status_new_from_json (json_node_get_object (node), error);
}

static gpointer
parse_hashtag (JsonNode  *node,
               GError   **error)
{
  return qtr_hashtag_new_from_json (node, error);
}

static void clear_results (QtrSearch *self);
static void send_request (QtrSearch *self,
                          gboolean   v1);

static void
searched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QtrSearch) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* A server of unknown version without v2: its v1. */
  if (g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_NOT_FOUND) && !self->used_v1 &&
      self->server_info == NULL)
    {
      send_request (self, TRUE);
      return;
    }
  if (response != NULL)
    object = qtr_api_response_get_object (response, &error);
  if (object == NULL)
    {
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      clear_results (self);
      set_state (self, QTR_SEARCH_STATE_FAILED);
      return;
    }
  g_clear_error (&self->error);
  fill_store (self->accounts, qtr_json_get_array (object, "accounts"), parse_account);
  fill_store (self->hashtags, qtr_json_get_array (object, "hashtags"), parse_hashtag);
  fill_store (self->statuses, qtr_json_get_array (object, "statuses"), parse_status);
  set_state (self, QTR_SEARCH_STATE_DONE);
}

static void
send_request (QtrSearch *self,
              gboolean   v1)
{
  g_autofree char *limit = g_strdup_printf ("%u", QTR_SEARCH_LIMIT);
  const char *query[] = {
    "q", self->text,
    "resolve", self->resolve ? "true" : "false",
    "limit", limit,
    NULL
  };

  self->used_v1 = v1;
  qtr_api_client_request_async (self->client, "GET", v1 ? "/api/v1/search" : "/api/v2/search",
                                query, NULL, NULL, self->cancellable, searched_cb,
                                g_object_ref (self));
}

static void
clear_results (QtrSearch *self)
{
  g_list_store_remove_all (self->accounts);
  g_list_store_remove_all (self->hashtags);
  g_list_store_remove_all (self->statuses);
}

static void
cancel (QtrSearch *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
qtr_search_dispose (GObject *object)
{
  QtrSearch *self = QTR_SEARCH (object);

  cancel (self);
  g_clear_object (&self->client);
  g_clear_object (&self->server_info);
  G_OBJECT_CLASS (qtr_search_parent_class)->dispose (object);
}

static void
qtr_search_finalize (GObject *object)
{
  QtrSearch *self = QTR_SEARCH (object);

  g_free (self->text);
  g_clear_error (&self->error);
  g_clear_object (&self->accounts);
  g_clear_object (&self->hashtags);
  g_clear_object (&self->statuses);
  G_OBJECT_CLASS (qtr_search_parent_class)->finalize (object);
}

static void
qtr_search_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  QtrSearch *self = QTR_SEARCH (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_search_class_init (QtrSearchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_search_dispose;
  object_class->finalize = qtr_search_finalize;
  object_class->get_property = qtr_search_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, QTR_TYPE_SEARCH_STATE, QTR_SEARCH_STATE_EMPTY,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_search_init (QtrSearch *self)
{
  self->accounts = g_list_store_new (QTR_TYPE_ACCOUNT);
  self->hashtags = g_list_store_new (QTR_TYPE_HASHTAG);
  self->statuses = g_list_store_new (QTR_TYPE_STATUS);
}

/**
 * qtr_search_new:
 * @client: the account's API client
 * @server_info: (nullable): what the server can do (whether it has v2 search); without it, v2
 *   is tried first
 *
 * Returns: (transfer full): a search with no results
 */
QtrSearch *
qtr_search_new (QtrApiClient  *client,
                QtrServerInfo *server_info)
{
  QtrSearch *self;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (server_info == NULL || QTR_IS_SERVER_INFO (server_info), NULL);

  self = g_object_new (QTR_TYPE_SEARCH, NULL);
  self->client = g_object_ref (client);
  g_set_object (&self->server_info, server_info);
  return self;
}

/**
 * qtr_search_set_server_info:
 * @server_info: (nullable): what the server can do, once discovery found out
 */
void
qtr_search_set_server_info (QtrSearch     *self,
                            QtrServerInfo *server_info)
{
  g_return_if_fail (QTR_IS_SEARCH (self));

  g_set_object (&self->server_info, server_info);
}

/**
 * qtr_search_run:
 * @text: what to search for; empty (or only spaces) clears the results
 * @resolve: whether the server may look the text up elsewhere (WebFinger for a handle, a
 *   fetch for a URL)
 *
 * Searches, in place of the search under way. The state is %QTR_SEARCH_STATE_RUNNING until
 * the answer is in.
 */
void
qtr_search_run (QtrSearch  *self,
                const char *text,
                gboolean    resolve)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (QTR_IS_SEARCH (self));
  g_return_if_fail (text != NULL);

  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    {
      qtr_search_clear (self);
      return;
    }
  cancel (self);
  self->cancellable = g_cancellable_new ();
  g_free (self->text);
  self->text = g_steal_pointer (&trimmed);
  self->resolve = resolve;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  set_state (self, QTR_SEARCH_STATE_RUNNING);
  send_request (self, self->server_info != NULL &&
                      !qtr_server_info_has_feature (self->server_info,
                                                    QTR_SERVER_FEATURE_V2_SEARCH));
}

/**
 * qtr_search_clear:
 *
 * Cancels the search under way and empties the results.
 */
void
qtr_search_clear (QtrSearch *self)
{
  g_return_if_fail (QTR_IS_SEARCH (self));

  cancel (self);
  clear_results (self);
  g_clear_error (&self->error);
  if (self->text != NULL)
    {
      g_clear_pointer (&self->text, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
    }
  set_state (self, QTR_SEARCH_STATE_EMPTY);
}

/**
 * qtr_search_get_text:
 *
 * Returns: (nullable): the text of the last search (trimmed), %NULL when cleared
 */
const char *
qtr_search_get_text (QtrSearch *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH (self), NULL);

  return self->text;
}

QtrSearchState
qtr_search_get_state (QtrSearch *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH (self), QTR_SEARCH_STATE_EMPTY);

  return self->state;
}

/**
 * qtr_search_get_error:
 *
 * Returns: (nullable): why the last search failed (a #QTR_API_ERROR)
 */
const GError *
qtr_search_get_error (QtrSearch *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH (self), NULL);

  return self->error;
}

/**
 * qtr_search_get_used_v1:
 *
 * Returns: whether the last search asked `/api/v1/search` (the server has no v2)
 */
gboolean
qtr_search_get_used_v1 (QtrSearch *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH (self), FALSE);

  return self->used_v1;
}

/**
 * qtr_search_get_accounts:
 *
 * Returns: (transfer none): the accounts found, QtrAccount
 */
GListModel *
qtr_search_get_accounts (QtrSearch *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH (self), NULL);

  return G_LIST_MODEL (self->accounts);
}

/**
 * qtr_search_get_hashtags:
 *
 * Returns: (transfer none): the hashtags found, QtrHashtag
 */
GListModel *
qtr_search_get_hashtags (QtrSearch *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH (self), NULL);

  return G_LIST_MODEL (self->hashtags);
}

/**
 * qtr_search_get_statuses:
 *
 * Returns: (transfer none): the posts found, QtrStatus
 */
GListModel *
qtr_search_get_statuses (QtrSearch *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH (self), NULL);

  return G_LIST_MODEL (self->statuses);
}

/**
 * qtr_search_get_n_results:
 *
 * Returns: how many accounts, hashtags and posts were found, together
 */
guint
qtr_search_get_n_results (QtrSearch *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) +
         g_list_model_get_n_items (G_LIST_MODEL (self->hashtags)) +
         g_list_model_get_n_items (G_LIST_MODEL (self->statuses));
}

/**
 * qtr_search_wants_resolve:
 * @text: what the user typed
 *
 * Returns: whether @text names something the server may have to look up elsewhere: a handle
 *   with a host (`@user@host`, or `user@host`) or an https (or http) URL
 */
gboolean
qtr_search_wants_resolve (const char *text)
{
  g_autofree char *trimmed = NULL;
  const char *at;
  const char *user;

  g_return_val_if_fail (text != NULL, FALSE);

  trimmed = g_strstrip (g_strdup (text));
  if (g_str_has_prefix (trimmed, "https://") || g_str_has_prefix (trimmed, "http://"))
    return strchr (trimmed, ' ') == NULL && strlen (trimmed) > strlen ("https://");
  user = trimmed[0] == '@' ? trimmed + 1 : trimmed;
  at = strchr (user, '@');
  return at != NULL && at > user && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
         strchr (user, ' ') == NULL;
}
