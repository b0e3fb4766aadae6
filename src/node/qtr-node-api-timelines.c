/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api.h"
#include "qtr-node-api-client.h"
#include "qtr-node-store-client.h"

#include "qtr-html.h"
#include "qtr-json.h"

#include <string.h>

/* Lists of statuses and notifications, paged as Mastodon pages them: `max_id`, `since_id`,
 * `min_id` and `limit`, and a `Link` header with the next (older) and previous (newer)
 * pages. */

#define NOT_FOUND "Record not found"
#define DEFAULT_LIMIT 20
#define MAX_LIMIT 40
#define NOTIFICATIONS_DEFAULT_LIMIT 40
#define NOTIFICATIONS_MAX_LIMIT 80

/* The notification types the API shows, as stored and as Mastodon names them. A report
 * (Mastodon's admin.report needs a Report entity) and a followed account's move (Mastodon
 * has no such notification) are not shown. */
static const char * const notification_types[] = {
  "mention", "reblog", "follow", "follow_request", "favourite", "poll", NULL
};

/* Ruby's String#to_i, which Mastodon applies to ids and limits: the leading digits, else 0. */
static gint64
to_i (const char *text)
{
  gint64 value;

  if (text == NULL)
    return 0;
  value = g_ascii_strtoll (text, NULL, 10);
  return value;
}

/**
 * qtr_node_api_read_page:
 * @query: the request's parameters
 * @page: (out): the page asked for
 *
 * Reads `max_id`, `since_id`, `min_id` and `limit` as Mastodon does: a limit is clamped to
 * @max_limit, an id that is no number bounds nothing.
 *
 * Returns: %TRUE
 */
gboolean
qtr_node_api_read_page (GHashTable *query,
                        QtrPage    *page,
                        guint       default_limit,
                        guint       max_limit)
{
  const char *limit = g_hash_table_lookup (query, "limit");

  page->max_id = MAX (to_i (g_hash_table_lookup (query, "max_id")), 0);
  page->since_id = MAX (to_i (g_hash_table_lookup (query, "since_id")), 0);
  page->min_id = MAX (to_i (g_hash_table_lookup (query, "min_id")), 0);
  if (limit == NULL)
    page->limit = default_limit;
  else
    {
      gint64 value = to_i (limit);

      value = value < 0 ? -value : value;
      page->limit = (guint) MIN (value, (gint64) max_limit);
    }
  return TRUE;
}

static void
append_param (GString    *url,
              const char *name,
              const char *value)
{
  g_autofree char *escaped_name = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  /* As Rails writes them: `types%5B%5D=mention`. */
  g_string_append_c (url, strchr (url->str, '?') ? '&' : '?');
  g_string_append_printf (url, "%s=%s", escaped_name, escaped);
}

static char *
build_page_url (QtrNode            *node,
                SoupServerMessage  *msg,
                GHashTable         *query,
                const char * const *kept,
                const char         *bound,
                gint64              cursor)
{
  GString *url = g_string_new (qtr_node_get_base_url (node));
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);

  g_string_append (url, g_uri_get_path (soup_server_message_get_uri (msg)));
  for (guint i = 0; kept != NULL && kept[i] != NULL; i++)
    {
      const char *given = g_hash_table_lookup (query, kept[i]);
      g_auto(GStrv) values = NULL;
      g_autofree char *array_name = NULL;

      if (given == NULL)
        continue;
      if (strchr (given, '\n') == NULL && !g_str_has_suffix (kept[i], "types"))
        {
          append_param (url, kept[i], given);
          continue;
        }
      array_name = g_strconcat (kept[i], "[]", NULL);
      values = g_strsplit (given, "\n", -1);
      for (guint j = 0; values[j] != NULL; j++)
        append_param (url, array_name, values[j]);
    }
  append_param (url, bound, value);
  return g_string_free (url, FALSE);
}

/**
 * qtr_node_api_set_link_header:
 * @kept: (nullable): the parameters the links repeat (filters and limit)
 * @items: (element-type QtrPageItem): the page answered
 *
 * Adds Mastodon's `Link` header to a non-empty page: `rel="next"` with `max_id` of its last
 * item, `rel="prev"` with `min_id` of its first.
 */
void
qtr_node_api_set_link_header (QtrNode            *node,
                              SoupServerMessage  *msg,
                              GHashTable         *query,
                              const char * const *kept,
                              GArray             *items)
{
  g_autofree char *next = NULL;
  g_autofree char *prev = NULL;
  g_autofree char *link = NULL;

  if (items->len == 0)
    return;
  next = build_page_url (node, msg, query, kept, "max_id",
                         g_array_index (items, QtrPageItem, items->len - 1).cursor);
  prev = build_page_url (node, msg, query, kept, "min_id",
                         g_array_index (items, QtrPageItem, 0).cursor);
  link = g_strdup_printf ("<%s>; rel=\"next\", <%s>; rel=\"prev\"", next, prev);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Link", link);
}

static GHashTable *
read_query_or_respond (SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  GHashTable *query;
  guint status;

  query = qtr_node_api_read_params (msg, &status, &error);
  if (query == NULL)
    qtr_node_respond_error (msg, status, error->message);
  return query;
}

/**
 * qtr_node_api_filter_status:
 * @status: a Status entity, as qtr_node_api_add_status() built it
 * @context: where it shows: "home", "notifications", "public", "thread" or "account"
 * @hidden: (out): whether a filter with the "hide" action matches: leave it out
 *
 * Applies the owner's filters of @context to a Status as Mastodon does: a reblog by what it
 * boosts. The matches of the "warn" filters go into its `filtered` member (and its
 * reblog's), for clients to put the post behind a warning.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
qtr_node_api_filter_status (QtrNode     *node,
                            JsonObject  *status,
                            const char  *context,
                            gboolean    *hidden,
                            GError     **error)
{
  g_autoptr(GPtrArray) matches = NULL;
  g_autofree char *content = NULL;
  g_autofree char *text = NULL;
  JsonObject *proper = status;
  JsonNode *reblog = json_object_get_member (status, "reblog");

  *hidden = FALSE;
  if (reblog != NULL && JSON_NODE_HOLDS_OBJECT (reblog))
    proper = json_node_get_object (reblog);
  content = qtr_html_to_text (json_object_get_string_member_with_default (proper, "content",
                                                                            ""));
  text = g_strconcat (json_object_get_string_member_with_default (proper, "spoiler_text", ""),
                      "\n", content, NULL);
  matches = qtr_node_store_match_filters (qtr_node_get_store (node), text,
                                          json_object_get_string_member_with_default (proper,
                                                                                      "id",
                                                                                      NULL),
                                          context, error);
  if (matches == NULL)
    return FALSE;
  for (guint i = 0; i < matches->len; i++)
    {
      const QtrFilterMatch *match = g_ptr_array_index (matches, i);

      if (g_strcmp0 (match->filter->action, "hide") == 0)
        {
          *hidden = TRUE;
          return TRUE;
        }
    }
  {
    g_autoptr(JsonBuilder) results = json_builder_new ();

    qtr_node_api_add_filter_results (results, matches);
    json_object_set_member (status, "filtered", json_builder_get_root (results));
    if (proper != status)
      json_object_set_member (proper, "filtered", json_builder_get_root (results));
  }
  return TRUE;
}

/**
 * qtr_node_api_build_filtered_status:
 * @status: the post
 * @context: (nullable): where it shows, for the owner's filters; %NULL applies none
 * @hidden: (out): whether a filter hides it
 *
 * The Status of @status, filtered as qtr_node_api_filter_status() says.
 *
 * Returns: (transfer full) (nullable): the Status; %NULL when a filter hides it, or with
 *   @error set on failure
 */
JsonNode *
qtr_node_api_build_filtered_status (QtrNode            *node,
                                    const QtrStatus    *status,
                                    QtrApiStatusFlags   flags,
                                    const char         *context,
                                    gboolean           *hidden,
                                    GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  *hidden = FALSE;
  if (!qtr_node_api_add_status (builder, node, status, flags, error))
    return NULL;
  root = json_builder_get_root (builder);
  if (context != NULL &&
      (!qtr_node_api_filter_status (node, json_node_get_object (root), context, hidden,
                                    error) || *hidden))
    return NULL;
  return g_steal_pointer (&root);
}

/**
 * qtr_node_api_add_filtered_status:
 * @builder: a builder inside an array or at an object's member
 * @status: the post
 * @context: (nullable): where it shows, for the owner's filters; %NULL applies none
 * @hidden: (out): whether a filter hides it: then nothing is added
 *
 * Adds the Status of @status, filtered as qtr_node_api_filter_status() says.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
qtr_node_api_add_filtered_status (JsonBuilder        *builder,
                                  QtrNode            *node,
                                  const QtrStatus    *status,
                                  QtrApiStatusFlags   flags,
                                  const char         *context,
                                  gboolean           *hidden,
                                  GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (context == NULL)
    {
      *hidden = FALSE;
      return qtr_node_api_add_status (builder, node, status, flags, error);
    }
  root = qtr_node_api_build_filtered_status (node, status, flags, context, hidden,
                                             &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (root != NULL)
    json_builder_add_value (builder, root);
  return TRUE;
}

/* Writes the status of row @id into @builder, with its `filtered` results for the owner
 * in @context (none when %NULL). Returns FALSE when a filter hides it (@error unset), or on
 * failure (@error set). */
static gboolean
add_filtered_status (JsonBuilder       *builder,
                     QtrNode           *node,
                     gint64             id,
                     QtrApiStatusFlags  flags,
                     const char        *context,
                     GError           **error)
{
  g_autoptr(QtrStatus) status = qtr_node_store_find_status_by_id (qtr_node_get_store (node), id,
                                                                  error);
  gboolean hidden;

  if (status == NULL)
    return FALSE;
  return qtr_node_api_add_filtered_status (builder, node, status, flags, context, &hidden,
                                           error) && !hidden;
}

/**
 * qtr_node_api_respond_status_page:
 * @list: the statuses to page through
 * @filter_context: (nullable): where the statuses show, for the owner's filters ("home",
 *   "public", "thread", "account"); %NULL applies none
 *
 * Answers with one page of @list, as Statuses, with its `Link` header. Statuses a filter
 * hides are left out of the page, as Mastodon leaves them out.
 */
void
qtr_node_api_respond_status_page (QtrNode            *node,
                                  SoupServerMessage  *msg,
                                  const QtrApiAuth   *auth,
                                  GHashTable         *query,
                                  const char * const *kept,
                                  const QtrPageQuery *list,
                                  const QtrPage      *page,
                                  const char         *filter_context)
{
  g_autoptr(GArray) items = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  QtrApiStatusFlags flags = qtr_node_api_is_owner (auth) ? QTR_API_STATUS_VIEWER
                                                          : QTR_API_STATUS_NONE;

  items = qtr_node_store_page (qtr_node_get_store (node), list, page, &error);
  if (items == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      if (!add_filtered_status (builder, node, g_array_index (items, QtrPageItem, i).id, flags,
                                qtr_node_api_is_owner (auth) ? filter_context : NULL,
                                &error) && error != NULL)
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
    }
  json_builder_end_array (builder);
  qtr_node_api_set_link_header (node, msg, query, kept, items);
  qtr_node_api_respond (msg, builder);
}

static gboolean
is_true (GHashTable *query,
         const char *name)
{
  const char *value = g_hash_table_lookup (query, name);

  return value != NULL && (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1") ||
                           g_ascii_strcasecmp (value, "on") == 0 ||
                           g_ascii_strcasecmp (value, "t") == 0);
}

#define SELECT_STATUSES "SELECT s.id, s.id FROM statuses s"
/* Not by an account the owner mutes, nor a boost of one (a mute may expire). */
#define NOW_SECONDS "CAST (strftime ('%s', 'now') AS INTEGER)"
#define NOT_MUTED \
  " AND NOT EXISTS (SELECT 1 FROM mutes m WHERE (m.expires_at = 0 OR m.expires_at > " \
  NOW_SECONDS ") AND (m.actor_id = s.actor_id OR m.actor_id = (SELECT o.actor_id" \
  " FROM statuses o WHERE o.id = s.reblog_of_id)))"
#define ONLY_MEDIA " AND EXISTS (SELECT 1 FROM attachments a WHERE a.status_id = s.id)"
#define TAGGED " AND s.document LIKE ?7 ESCAPE '\\'"

void
qtr_node_handle_timeline_home (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *route)
{
  static const char * const kept[] = { "local", "limit", NULL };
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  QtrPageQuery list = { SELECT_STATUSES, "s.id", NULL, NULL, 0, NULL };
  QtrPage page;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:statuses", &auth))
    return;
  query = read_query_or_respond (msg);
  if (query == NULL)
    return;
  qtr_node_api_read_page (query, &page, DEFAULT_LIMIT, MAX_LIMIT);
  /* The owner's posts and boosts, and those of the accounts the owner follows: not every
   * post stored (others' posts fetched for a thread or a boost are no home posts). */
  list.where = "(s.actor_id IS NULL"
               " OR s.actor_id IN (SELECT actor_id FROM following WHERE accepted = 1))"
               /* Members of an exclusive list are read in that list only, as on Mastodon. */
               " AND (s.actor_id IS NULL OR s.actor_id NOT IN (SELECT m.actor_id"
               " FROM list_members m JOIN lists l ON l.id = m.list_id WHERE l.exclusive))"
               NOT_MUTED;
  qtr_node_api_respond_status_page (node, msg, &auth, query, kept, &list, &page,
                                    "home");
}

/* The replies a list shows, by its replies_policy: to anyone followed (or the owner), to its
 * own members, or none. ?6 is the list's id. */
#define LIST_MEMBERS "(SELECT actor_id FROM list_members WHERE list_id = ?6)"
#define REPLY_PARENT "(SELECT p.actor_id FROM statuses p WHERE p.uri = s.in_reply_to_uri)"

void
qtr_node_handle_timeline_list (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *route)
{
  static const char * const kept[] = { "limit", NULL };
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(QtrList) found = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = g_hash_table_lookup (route, "id");
  QtrPageQuery list = { SELECT_STATUSES, "s.id", NULL, NULL, 0, NULL };
  QtrPage page;
  guint64 value = 0;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:lists", &auth))
    return;
  if (id != NULL && g_ascii_string_to_unsigned (id, 10, 1, G_MAXINT64, &value, NULL))
    found = qtr_node_store_find_list (qtr_node_get_store (node), (gint64) value, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (found == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Record not found");
      return;
    }
  query = read_query_or_respond (msg);
  if (query == NULL)
    return;
  qtr_node_api_read_page (query, &page, DEFAULT_LIMIT, MAX_LIMIT);
  if (g_str_equal (found->replies_policy, "none"))
    list.where = "s.actor_id IN " LIST_MEMBERS " AND s.in_reply_to_uri IS NULL" NOT_MUTED;
  else if (g_str_equal (found->replies_policy, "list"))
    list.where = "s.actor_id IN " LIST_MEMBERS " AND (s.in_reply_to_uri IS NULL"
                 " OR " REPLY_PARENT " IN " LIST_MEMBERS ")" NOT_MUTED;
  else
    list.where = "s.actor_id IN " LIST_MEMBERS " AND (s.in_reply_to_uri IS NULL"
                 " OR " REPLY_PARENT " IS NULL"
                 " OR " REPLY_PARENT " IN (SELECT actor_id FROM following WHERE accepted = 1))"
                 NOT_MUTED;
  list.number = found->id;
  qtr_node_api_respond_status_page (node, msg, &auth, query, kept, &list, &page,
                                    "home");
}

/* The LIKE pattern of a hashtag's name in a post's Note (`"name": "#cats"`), or %NULL when
 * @tag is no hashtag. */
static char *
tag_pattern (const char *tag)
{
  GString *pattern;

  if (tag == NULL || *tag == '#')
    tag = tag ? tag + 1 : NULL;
  if (tag == NULL || *tag == '\0' || strlen (tag) > 200 || !g_utf8_validate (tag, -1, NULL))
    return NULL;
  for (const char *p = tag; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c) && c != '_')
        return NULL;
    }
  pattern = g_string_new ("%\"#");
  for (const char *p = tag; *p != '\0'; p++)
    {
      if (*p == '_')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append (pattern, "\"%");
  return g_string_free (pattern, FALSE);
}

/* Public posts, not reblogs: the owner's (local), others' (remote) or both. */
static void
respond_public_page (QtrNode           *node,
                     SoupServerMessage *msg,
                     const QtrApiAuth  *auth,
                     GHashTable        *query,
                     const char        *tag)
{
  static const char * const kept[] = { "local", "remote", "only_media", "limit", NULL };
  g_autoptr(GString) where = g_string_new ("s.visibility = 'public' AND s.reblog_of_id IS NULL"
                                           NOT_MUTED);
  g_autofree char *pattern = NULL;
  QtrPageQuery list = { SELECT_STATUSES, "s.id", NULL, NULL, 0, NULL };
  QtrPage page;

  qtr_node_api_read_page (query, &page, DEFAULT_LIMIT, MAX_LIMIT);
  if (is_true (query, "local"))
    g_string_append (where, " AND s.actor_id IS NULL");
  else if (is_true (query, "remote"))
    g_string_append (where, " AND s.actor_id IS NOT NULL");
  if (is_true (query, "only_media"))
    g_string_append (where, ONLY_MEDIA);
  if (tag != NULL)
    {
      pattern = tag_pattern (tag);
      if (pattern == NULL)
        {
          /* No post carries what is no hashtag. */
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_array (builder);
          json_builder_end_array (builder);
          qtr_node_api_respond (msg, builder);
          return;
        }
      g_string_append (where, TAGGED);
      list.text2 = pattern;
    }
  list.where = where->str;
  qtr_node_api_respond_status_page (node, msg, auth, query, kept, &list, &page,
                                    "public");
}

void
qtr_node_handle_timeline_public (QtrNode           *node,
                                 SoupServerMessage *msg,
                                 GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, "read:statuses", &auth))
    return;
  query = read_query_or_respond (msg);
  if (query != NULL)
    respond_public_page (node, msg, &auth, query, NULL);
}

void
qtr_node_handle_timeline_tag (QtrNode           *node,
                              SoupServerMessage *msg,
                              GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, "read:statuses", &auth))
    return;
  query = read_query_or_respond (msg);
  if (query != NULL)
    respond_public_page (node, msg, &auth, query, g_hash_table_lookup (route, "hashtag"));
}

/* Answers a page of one of the owner's own lists of posts, to a user token with @scope. */
static void
respond_owner_page (QtrNode            *node,
                    SoupServerMessage  *msg,
                    const char         *scope,
                    const QtrPageQuery *list)
{
  static const char * const kept[] = { "limit", NULL };
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  QtrPage page;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, scope, &auth))
    return;
  query = read_query_or_respond (msg);
  if (query == NULL)
    return;
  qtr_node_api_read_page (query, &page, DEFAULT_LIMIT, MAX_LIMIT);
  qtr_node_api_respond_status_page (node, msg, &auth, query, kept, list, &page,
                                    NULL);
}

void
qtr_node_handle_bookmarks (QtrNode           *node,
                           SoupServerMessage *msg,
                           GHashTable        *route)
{
  static const QtrPageQuery list = { "SELECT b.id, b.status_id FROM bookmarks b", "b.id",
                                     NULL, NULL, 0, NULL };

  respond_owner_page (node, msg, "read:bookmarks", &list);
}

void
qtr_node_handle_favourites (QtrNode           *node,
                            SoupServerMessage *msg,
                            GHashTable        *route)
{
  static const QtrPageQuery list = { "SELECT l.rowid, s.id FROM likes l"
                                     " JOIN statuses s ON s.uri = l.status_uri", "l.rowid",
                                     NULL, NULL, 0, NULL };

  respond_owner_page (node, msg, "read:favourites", &list);
}

void
qtr_node_handle_account_statuses (QtrNode           *node,
                                  SoupServerMessage *msg,
                                  GHashTable        *route)
{
  static const char * const kept[] = { "limit", "only_media", "exclude_replies",
                                       "exclude_reblogs", "pinned", "tagged", NULL };
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GString) where = g_string_new ("coalesce (s.actor_id, 0) = ?6");
  g_autoptr(JsonBuilder) probe = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = NULL;
  QtrPageQuery list = { SELECT_STATUSES, "s.id", NULL, NULL, 0, NULL };
  QtrPage page;
  gint64 actor_row;

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, "read:statuses", &auth))
    return;
  if (!qtr_node_api_parse_account_id (g_hash_table_lookup (route, "id"), &actor_row) ||
      !qtr_node_api_add_account (probe, node, actor_row, FALSE, &error))
    {
      if (error != NULL)
        qtr_node_api_respond_internal_error (msg, error);
      else
        qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
      return;
    }
  query = read_query_or_respond (msg);
  if (query == NULL)
    return;
  qtr_node_api_read_page (query, &page, DEFAULT_LIMIT, MAX_LIMIT);

  if (!qtr_node_api_is_owner (&auth))
    g_string_append (where, " AND s.visibility IN ('public', 'unlisted')");
  if (is_true (query, "only_media"))
    g_string_append (where, ONLY_MEDIA);
  if (is_true (query, "exclude_replies"))
    g_string_append (where, " AND s.in_reply_to_uri IS NULL");
  if (is_true (query, "exclude_reblogs"))
    g_string_append (where, " AND s.reblog_of_id IS NULL");
  if (is_true (query, "pinned"))
    g_string_append (where, " AND s.id IN (SELECT status_id FROM pins)");
  if (g_hash_table_lookup (query, "tagged") != NULL)
    {
      pattern = tag_pattern (g_hash_table_lookup (query, "tagged"));
      g_string_append (where, pattern ? TAGGED : " AND 0");
      list.text2 = pattern;
    }
  list.where = where->str;
  list.number = actor_row;
  qtr_node_api_respond_status_page (node, msg, &auth, query, kept, &list, &page,
                                    "account");
}

/* Notifications. */

static gboolean
is_status_notification (const char *type)
{
  return g_str_equal (type, "mention") || g_str_equal (type, "favourite") ||
         g_str_equal (type, "reblog") || g_str_equal (type, "poll");
}

/**
 * qtr_node_api_notification_is_shown:
 * @type: a notification's type as stored
 *
 * Returns: whether the API shows notifications of @type
 */
gboolean
qtr_node_api_notification_is_shown (const char *type)
{
  return type != NULL && g_strv_contains (notification_types, type);
}

/**
 * qtr_node_api_add_filtered_notification:
 * @hidden: (out) (optional): whether the owner's "notifications" filters hide its status:
 *   then nothing is added; %NULL applies no filter
 *
 * Adds the Notification entity of @notification, its status as the owner sees it, with the
 * `filtered` matches of the owner's warning filters.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
qtr_node_api_add_filtered_notification (JsonBuilder            *builder,
                                        QtrNode                *node,
                                        const QtrNotification  *notification,
                                        gboolean               *hidden,
                                        GError                **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, notification->id);
  g_autofree char *group_key = g_strconcat ("ungrouped-", id, NULL);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (notification->created_at);
  g_autofree char *created_at = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.000Z");
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(JsonNode) status_root = NULL;
  gboolean filtered_out = FALSE;

  if (hidden != NULL)
    *hidden = FALSE;
  if (notification->status_uri != NULL && is_status_notification (notification->type))
    {
      status = qtr_node_store_find_status (qtr_node_get_store (node), notification->status_uri,
                                           NULL, error);
      if (status == NULL && error != NULL && *error != NULL)
        return FALSE;
    }
  if (status != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      status_root = qtr_node_api_build_filtered_status (node, status, QTR_API_STATUS_VIEWER,
                                                        hidden != NULL ? "notifications" : NULL,
                                                        &filtered_out, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (filtered_out)
        {
          *hidden = TRUE;
          return TRUE;
        }
    }

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "type", notification->type);
  qtr_json_builder_add_string (builder, "created_at", created_at);
  qtr_json_builder_add_string (builder, "group_key", group_key);
  json_builder_set_member_name (builder, "account");
  if (!qtr_node_api_add_account (builder, node, notification->actor_row, FALSE, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                     "The account of notification %s is not stored", id);
      return FALSE;
    }
  if (status_root != NULL)
    {
      json_builder_set_member_name (builder, "status");
      json_builder_add_value (builder, g_steal_pointer (&status_root));
    }
  json_builder_end_object (builder);
  return TRUE;
}

/**
 * qtr_node_api_add_notification:
 *
 * Adds the Notification entity of @notification, its status as the owner sees it, without
 * filters.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
qtr_node_api_add_notification (JsonBuilder            *builder,
                               QtrNode                *node,
                               const QtrNotification  *notification,
                               GError                **error)
{
  return qtr_node_api_add_filtered_notification (builder, node, notification, NULL, error);
}

/* `n.type IN (…)` of the types asked for (all shown ones when none) less those excluded;
 * unknown names are ignored, as on Mastodon. Built only from notification_types. */
static char *
build_type_condition (GHashTable *query)
{
  const char *types = g_hash_table_lookup (query, "types");
  const char *excluded = g_hash_table_lookup (query, "exclude_types");
  g_auto(GStrv) wanted = types ? g_strsplit (types, "\n", -1) : NULL;
  g_auto(GStrv) unwanted = excluded ? g_strsplit (excluded, "\n", -1) : NULL;
  GString *condition = g_string_new ("n.type IN (");
  gboolean any = FALSE;

  for (guint i = 0; notification_types[i] != NULL; i++)
    {
      const char *type = notification_types[i];

      if ((wanted != NULL && !g_strv_contains ((const char * const *) wanted, type)) ||
          (unwanted != NULL && g_strv_contains ((const char * const *) unwanted, type)))
        continue;
      g_string_append_printf (condition, "%s'%s'", any ? ", " : "", type);
      any = TRUE;
    }
  if (!any)
    g_string_append (condition, "NULL");
  g_string_append_c (condition, ')');
  return g_string_free (condition, FALSE);
}

void
qtr_node_handle_notifications (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *route)
{
  static const char * const kept[] = { "limit", "types", "exclude_types", "account_id", NULL };
  QtrNodeStore *store = qtr_node_get_store (node);
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *types = NULL;
  g_autofree char *where = NULL;
  QtrPageQuery list = { "SELECT n.id, n.id FROM notifications n", "n.id", NULL, NULL, 0,
                        NULL };
  const char *account_id;
  gint64 actor_row = 0;
  QtrPage page;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:notifications", &auth))
    return;
  query = read_query_or_respond (msg);
  if (query == NULL)
    return;
  qtr_node_api_read_page (query, &page, NOTIFICATIONS_DEFAULT_LIMIT, NOTIFICATIONS_MAX_LIMIT);
  account_id = g_hash_table_lookup (query, "account_id");
  if (account_id != NULL && !qtr_node_api_parse_account_id (account_id, &actor_row))
    actor_row = -1;  /* no account: nothing matches */

  types = build_type_condition (query);
  /* Those about a post no longer stored are gone, as on Mastodon. */
  where = g_strconcat ("n.dismissed = 0 AND ", types,
                       account_id != NULL ? " AND n.actor_id = ?6" : "",
                       " AND (n.status_uri IS NULL"
                       " OR EXISTS (SELECT 1 FROM statuses WHERE uri = n.status_uri))"
                       /* Accounts muted with their notifications stay silent. */
                       " AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.actor_id = n.actor_id"
                       " AND m.notifications AND (m.expires_at = 0 OR m.expires_at > "
                       NOW_SECONDS "))", NULL);
  list.where = where;
  list.number = actor_row;
  items = qtr_node_store_page (store, &list, &page, &error);
  if (items == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(QtrNotification) notification = NULL;
      gboolean hidden;

      notification = qtr_node_store_find_notification (store,
                                                       g_array_index (items, QtrPageItem, i).id,
                                                       &error);
      /* One whose post a filter hides is left out, as on Mastodon. */
      if ((notification == NULL && error != NULL) ||
          (notification != NULL &&
           !qtr_node_api_add_filtered_notification (builder, node, notification, &hidden,
                                                    &error)))
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
    }
  json_builder_end_array (builder);
  qtr_node_api_set_link_header (node, msg, query, kept, items);
  qtr_node_api_respond (msg, builder);
}

/* The notification of the route's `:id`, shown by the API, else answered 404. */
static QtrNotification *
find_notification (QtrNode           *node,
                   SoupServerMessage *msg,
                   GHashTable        *route)
{
  g_autoptr(QtrNotification) notification = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (qtr_node_api_parse_id (g_hash_table_lookup (route, "id"), &id))
    notification = qtr_node_store_find_notification (qtr_node_get_store (node), id, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return NULL;
    }
  if (notification == NULL ||
      !g_strv_contains (notification_types, notification->type))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
      return NULL;
    }
  return g_steal_pointer (&notification);
}

void
qtr_node_handle_notification (QtrNode           *node,
                              SoupServerMessage *msg,
                              GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrNotification) notification = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:notifications", &auth))
    return;
  notification = find_notification (node, msg, route);
  if (notification == NULL)
    return;
  if (!qtr_node_api_add_notification (builder, node, notification, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_notification_dismiss (QtrNode           *node,
                                      SoupServerMessage *msg,
                                      GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrNotification) notification = NULL;
  g_autoptr(GError) error = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:notifications", &auth))
    return;
  notification = find_notification (node, msg, route);
  if (notification == NULL)
    return;
  if (!qtr_node_store_dismiss_notifications (qtr_node_get_store (node), notification->id,
                                             &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond_empty (msg);
}

void
qtr_node_handle_notifications_clear (QtrNode           *node,
                                     SoupServerMessage *msg,
                                     GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GError) error = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:notifications", &auth))
    return;
  if (!qtr_node_store_dismiss_notifications (qtr_node_get_store (node), 0, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond_empty (msg);
}
