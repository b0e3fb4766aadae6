/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api.h"

#include "qtr-json.h"

#include <string.h>

/* GET /api/v2/search (and the old /api/v1/search): accounts, statuses and hashtags the node
 * knows, and with `resolve=true` an account looked up by WebFinger or a post fetched by its
 * URL, through the node's own lookups. */

#define DEFAULT_LIMIT 20
#define MAX_LIMIT 40
#define MAX_QUERY_LENGTH 1000

typedef enum {
  SEARCH_ACCOUNTS = 1 << 0,
  SEARCH_STATUSES = 1 << 1,
  SEARCH_HASHTAGS = 1 << 2,
  SEARCH_ALL = SEARCH_ACCOUNTS | SEARCH_STATUSES | SEARCH_HASHTAGS,
} SearchTypes;

/* One search, kept while a resolve is under way. */
typedef struct {
  QtrNode           *node;
  SoupServerMessage *msg;
  QtrApiAuth         auth;
  char              *text;       /* q, trimmed */
  SearchTypes        types;
  gboolean           following;
  gint64             account_row;  /* -1: anyone */
  gint64             max_id;       /* statuses below this row, 0: no bound */
  gint64             min_id;       /* statuses above this row, 0: no bound */
  guint              limit;
  guint              offset;
  gboolean           v1;
  gint64             resolved_account;  /* -1: none */
  gint64             resolved_status;   /* 0: none */
} Search;

static void
search_free (Search *search)
{
  qtr_api_auth_clear (&search->auth);
  g_clear_object (&search->msg);
  g_clear_object (&search->node);
  g_free (search->text);
  g_free (search);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Search, search_free)

static gboolean
is_true (GHashTable *query,
         const char *name)
{
  const char *value = g_hash_table_lookup (query, name);

  return value != NULL && (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1") ||
                           g_ascii_strcasecmp (value, "on") == 0 ||
                           g_ascii_strcasecmp (value, "t") == 0);
}

static guint
read_count (GHashTable *query,
            const char *name,
            guint       fallback,
            guint       max)
{
  const char *text = g_hash_table_lookup (query, name);
  gint64 value;

  if (text == NULL)
    return fallback;
  value = g_ascii_strtoll (text, NULL, 10);
  if (value < 0)
    value = 0;
  return (guint) MIN (value, (gint64) max);
}

/* A status id bounding the statuses, 0 when none (or none that is a status id). */
static gint64
read_id (GHashTable *query,
         const char *name)
{
  gint64 row = 0;

  if (!qtr_node_api_parse_status_id (g_hash_table_lookup (query, name), &row))
    return 0;
  return row;
}

/* `user@host` or `@user@host`. */
static gboolean
is_handle (const char *text)
{
  const char *at = strchr (text[0] == '@' ? text + 1 : text, '@');

  return at != NULL && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
         strchr (text, ' ') == NULL && strchr (text, '/') == NULL;
}

static gboolean
is_url (const char *text)
{
  return (g_str_has_prefix (text, "https://") || g_str_has_prefix (text, "http://")) &&
         strchr (text, ' ') == NULL;
}

static gboolean
add_accounts (JsonBuilder  *builder,
              Search       *search,
              GError      **error)
{
  g_autoptr(GArray) rows = NULL;
  g_autofree char *host = qtr_node_get_host (search->node);
  const char *text = search->text[0] == '@' ? search->text + 1 : search->text;
  guint added = 0;

  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  if (search->resolved_account >= 0 && search->offset == 0)
    {
      if (!qtr_node_api_add_account (builder, search->node, search->resolved_account, FALSE,
                                     error))
        return FALSE;
      added++;
    }
  if (search->resolved_account < 0 && (search->types & SEARCH_ACCOUNTS))
    {
      rows = qtr_node_store_search_accounts (qtr_node_get_store (search->node), text, host,
                                             search->following, search->limit, search->offset,
                                             error);
      if (rows == NULL)
        return FALSE;
      for (guint i = 0; i < rows->len && added < search->limit; i++)
        {
          if (!qtr_node_api_add_account (builder, search->node, g_array_index (rows, gint64, i),
                                         FALSE, error) && error != NULL && *error != NULL)
            return FALSE;
          added++;
        }
    }
  json_builder_end_array (builder);
  return TRUE;
}

static gboolean
add_statuses (JsonBuilder  *builder,
              Search       *search,
              GError      **error)
{
  g_autoptr(GArray) rows = NULL;
  QtrApiStatusFlags flags = qtr_node_api_is_owner (&search->auth) ? QTR_API_STATUS_VIEWER
                                                                   : QTR_API_STATUS_NONE;

  json_builder_set_member_name (builder, "statuses");
  json_builder_begin_array (builder);
  if (search->resolved_status > 0)
    {
      if (search->offset == 0 &&
          !qtr_node_api_add_status_by_id (builder, search->node, search->resolved_status, flags,
                                          error))
        return FALSE;
    }
  else if ((search->types & SEARCH_STATUSES) && search->resolved_account < 0)
    {
      rows = qtr_node_store_search_statuses (qtr_node_get_store (search->node), search->text,
                                             qtr_node_api_is_owner (&search->auth),
                                             search->account_row, search->max_id,
                                             search->min_id, search->limit, search->offset,
                                             error);
      if (rows == NULL)
        return FALSE;
      for (guint i = 0; i < rows->len; i++)
        {
          if (!qtr_node_api_add_status_by_id (builder, search->node,
                                              g_array_index (rows, gint64, i), flags, error) &&
              error != NULL && *error != NULL)
            return FALSE;
        }
    }
  json_builder_end_array (builder);
  return TRUE;
}

static gboolean
add_hashtags (JsonBuilder  *builder,
              Search       *search,
              GError      **error)
{
  g_autoptr(GPtrArray) tags = NULL;
  const char *text = search->text[0] == '#' ? search->text + 1 : search->text;

  json_builder_set_member_name (builder, "hashtags");
  json_builder_begin_array (builder);
  if ((search->types & SEARCH_HASHTAGS) && search->resolved_account < 0 &&
      search->resolved_status == 0 && *text != '\0')
    {
      tags = qtr_node_store_search_tags (qtr_node_get_store (search->node), text, search->limit,
                                         search->offset, error);
      if (tags == NULL)
        return FALSE;
      for (guint i = 0; i < tags->len; i++)
        {
          QtrTagCount *tag = g_ptr_array_index (tags, i);
          g_autofree char *escaped = g_uri_escape_string (tag->name, NULL, FALSE);
          g_autofree char *url = g_strdup_printf ("%s/tags/%s",
                                                  qtr_node_get_base_url (search->node), escaped);

          if (search->v1)
            {
              json_builder_add_string_value (builder, tag->name);
              continue;
            }
          json_builder_begin_object (builder);
          qtr_json_builder_add_string (builder, "name", tag->name);
          qtr_json_builder_add_string (builder, "url", url);
          json_builder_set_member_name (builder, "history");
          json_builder_begin_array (builder);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  return TRUE;
}

/* Mastodon's Search entity. */
static void
respond_results (Search *search)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (builder);
  if (!add_accounts (builder, search, &error) || !add_statuses (builder, search, &error) ||
      !add_hashtags (builder, search, &error))
    {
      qtr_node_api_respond_internal_error (search->msg, error);
      return;
    }
  json_builder_end_object (builder);
  qtr_node_api_respond (search->msg, builder);
}

static void
note_resolved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Search) search = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrStatus) status = qtr_node_resolve_note_finish (QTR_NODE (source), result,
                                                              &error);

  soup_server_message_unpause (search->msg);
  if (status == NULL)
    g_debug ("Search: %s is no post the node can fetch: %s", search->text, error->message);
  else if (qtr_node_api_can_see_status (status, &search->auth))
    search->resolved_status = status->id;
  respond_results (search);
}

static void
actor_resolved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Search) search = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrRemoteActor) actor = qtr_node_lookup_actor_finish (QTR_NODE (source), result,
                                                                  &error);

  if (actor == NULL && is_url (search->text) && (search->types & SEARCH_STATUSES))
    {
      Search *next = g_steal_pointer (&search);

      /* Not an account: perhaps a post. */
      qtr_node_resolve_note_async (next->node, next->text, qtr_node_get_cancellable (next->node),
                                   note_resolved_cb, next);
      return;
    }
  soup_server_message_unpause (search->msg);
  if (actor == NULL)
    g_debug ("Search: no account found for %s: %s", search->text, error->message);
  else
    search->resolved_account = actor->row;
  respond_results (search);
}

/* The owner's own handle or profile address needs no lookup. */
static gboolean
names_owner (Search *search)
{
  g_autofree char *host = qtr_node_get_host (search->node);
  g_autofree char *actor = qtr_node_get_actor_url (search->node);
  g_autofree char *handle = g_strdup_printf ("%s@%s", qtr_node_get_owner (search->node)->username,
                                             host);
  const char *text = search->text[0] == '@' ? search->text + 1 : search->text;

  return g_ascii_strcasecmp (text, handle) == 0 || g_str_equal (text, actor);
}

static void
handle_search (QtrNode           *node,
               SoupServerMessage *msg,
               gboolean           v1)
{
  g_autoptr(Search) search = g_new0 (Search, 1);
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GError) error = NULL;
  const char *text, *type, *account_id;
  guint status;
  gboolean resolve;

  search->node = g_object_ref (node);
  search->msg = g_object_ref (msg);
  search->v1 = v1;
  search->resolved_account = -1;
  search->account_row = -1;
  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, "read:search", &search->auth))
    return;
  query = qtr_node_api_read_params (msg, &status, &error);
  if (query == NULL)
    {
      qtr_node_respond_error (msg, status, error->message);
      return;
    }

  text = g_hash_table_lookup (query, "q");
  if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                              "Validation failed: q is missing: say what to search for");
      return;
    }
  if (strlen (text) > MAX_QUERY_LENGTH)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "Validation failed: q is too long");
      return;
    }
  search->text = g_strstrip (g_strdup (text));

  type = g_hash_table_lookup (query, "type");
  if (type == NULL || *type == '\0')
    search->types = SEARCH_ALL;
  else if (g_str_equal (type, "accounts"))
    search->types = SEARCH_ACCOUNTS;
  else if (g_str_equal (type, "statuses"))
    search->types = SEARCH_STATUSES;
  else if (g_str_equal (type, "hashtags"))
    search->types = SEARCH_HASHTAGS;
  else
    {
      qtr_node_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                              "type must be accounts, statuses or hashtags");
      return;
    }
  search->limit = read_count (query, "limit", DEFAULT_LIMIT, MAX_LIMIT);
  search->offset = read_count (query, "offset", 0, G_MAXINT);
  search->following = is_true (query, "following");
  search->max_id = read_id (query, "max_id");
  search->min_id = read_id (query, "min_id");
  account_id = g_hash_table_lookup (query, "account_id");
  if (account_id != NULL && *account_id != '\0' &&
      !qtr_node_api_parse_account_id (account_id, &search->account_row))
    search->types &= ~SEARCH_STATUSES;  /* no such account: no post of it */

  /* Mastodon looks things up only for a signed-in user, and not past the first page. */
  resolve = is_true (query, "resolve") && qtr_node_api_is_owner (&search->auth) &&
            search->offset == 0 && (search->types & (SEARCH_ACCOUNTS | SEARCH_STATUSES));
  if (resolve && names_owner (search))
    {
      search->resolved_account = 0;
      resolve = FALSE;
    }
  if (resolve && is_handle (search->text) && (search->types & SEARCH_ACCOUNTS))
    {
      const char *handle = search->text[0] == '@' ? search->text + 1 : search->text;
      g_autofree char *full = g_strconcat ("@", handle, NULL);

      soup_server_message_pause (msg);
      qtr_node_lookup_actor_async (node, full, qtr_node_get_cancellable (node),
                                   actor_resolved_cb, g_steal_pointer (&search));
      return;
    }
  if (resolve && is_url (search->text))
    {
      Search *pending = g_steal_pointer (&search);

      soup_server_message_pause (msg);
      if (pending->types & SEARCH_ACCOUNTS)
        qtr_node_lookup_actor_async (node, pending->text, qtr_node_get_cancellable (node),
                                     actor_resolved_cb, pending);
      else
        qtr_node_resolve_note_async (node, pending->text, qtr_node_get_cancellable (node),
                                     note_resolved_cb, pending);
      return;
    }
  respond_results (search);
}

void
qtr_node_handle_search_v2 (QtrNode           *node,
                           SoupServerMessage *msg,
                           GHashTable        *route)
{
  handle_search (node, msg, FALSE);
}

void
qtr_node_handle_search_v1 (QtrNode           *node,
                           SoupServerMessage *msg,
                           GHashTable        *route)
{
  handle_search (node, msg, TRUE);
}
