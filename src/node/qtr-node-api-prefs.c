/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api-client.h"
#include "qtr-node-streaming.h"

#include "qtr-json.h"

#include <string.h>

/* The client API's settings of the owner's: read markers, preferences, filters (v2) with
 * their keywords and statuses, and followed hashtags. */

#define RECORD_NOT_FOUND "Record not found"
#define MAX_FILTER_TITLE 255
#define MAX_KEYWORD 255
#define MAX_TAG_NAME 100

static const char * const filter_contexts[] = {
  "home", "notifications", "public", "thread", "account", NULL
};

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       unix_seconds)
{
  json_builder_set_member_name (builder, name);
  if (unix_seconds <= 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);
      g_autofree char *text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.000Z");

      json_builder_add_string_value (builder, text);
    }
}

static void
unprocessable (SoupServerMessage *msg,
               const char        *message)
{
  qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, message);
}

/* ---- Markers -------------------------------------------------------------------------- */

static gboolean
add_marker (JsonBuilder  *builder,
            QtrNode      *node,
            const char   *timeline,
            GError      **error)
{
  g_autofree char *last_read_id = NULL;
  gint64 version = 0, updated_at = 0;

  if (!qtr_node_store_get_marker (qtr_node_get_store (node), timeline, &last_read_id, &version,
                                  &updated_at, error))
    return FALSE;
  if (last_read_id == NULL)
    return TRUE;
  json_builder_set_member_name (builder, timeline);
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "last_read_id", last_read_id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, version);
  add_time (builder, "updated_at", updated_at);
  json_builder_end_object (builder);
  return TRUE;
}

static const char * const marker_timelines[] = { "home", "notifications" };

static void
respond_markers (QtrNode           *node,
                 SoupServerMessage *msg,
                 const gboolean    *wanted)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (marker_timelines); i++)
    {
      if (wanted[i] && !add_marker (builder, node, marker_timelines[i], &error))
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
    }
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}

/* GET /api/v1/markers?timeline[]=home&timeline[]=notifications */
void
qtr_node_handle_markers_get (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  g_auto(GStrv) names = NULL;
  gboolean wanted[G_N_ELEMENTS (marker_timelines)] = { FALSE };
  const char *asked;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:statuses", &auth) ||
      (query = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  asked = g_hash_table_lookup (query, "timeline");
  names = g_strsplit (asked ? asked : "", "\n", -1);
  for (guint i = 0; i < G_N_ELEMENTS (marker_timelines); i++)
    wanted[i] = g_strv_contains ((const char * const *) names, marker_timelines[i]);
  respond_markers (node, msg, wanted);
}

/* POST /api/v1/markers with home[last_read_id] and notifications[last_read_id]: each saved
 * marker's version goes up by one. */
void
qtr_node_handle_markers_set (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  gboolean wanted[G_N_ELEMENTS (marker_timelines)] = { FALSE };
  const char *ids[G_N_ELEMENTS (marker_timelines)] = { NULL };
  gboolean any = FALSE;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:statuses", &auth) ||
      (form = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  /* Every marker is checked before one is saved. */
  for (guint i = 0; i < G_N_ELEMENTS (marker_timelines); i++)
    {
      g_autofree char *key = g_strconcat (marker_timelines[i], "[last_read_id]", NULL);

      ids[i] = g_hash_table_lookup (form, key);
      if (ids[i] == NULL)
        continue;
      if (*ids[i] == '\0' || strlen (ids[i]) > 64 || strchr (ids[i], '\n') != NULL)
        {
          unprocessable (msg, "Validation failed: last_read_id is not an id");
          return;
        }
      wanted[i] = any = TRUE;
    }
  if (!any)
    {
      unprocessable (msg, "Validation failed: send home[last_read_id] or "
                     "notifications[last_read_id]");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (marker_timelines); i++)
    {
      if (wanted[i] &&
          !qtr_node_store_set_marker (qtr_node_get_store (node), marker_timelines[i], ids[i],
                                      &error))
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
    }
  respond_markers (node, msg, wanted);
}

/* ---- Preferences ---------------------------------------------------------------------- */

void
qtr_node_handle_preferences (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:accounts", &auth))
    return;
  /* What the node does: posts are public unless asked otherwise, nothing is hidden. */
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "posting:default:visibility", "public");
  json_builder_set_member_name (builder, "posting:default:sensitive");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "posting:default:language");
  json_builder_add_null_value (builder);
  qtr_json_builder_add_string (builder, "reading:expand:media", "default");
  json_builder_set_member_name (builder, "reading:expand:spoilers");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}

/* ---- Filters -------------------------------------------------------------------------- */

static void
add_keyword (JsonBuilder            *builder,
             const QtrFilterKeyword *keyword)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, keyword->id);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "keyword", keyword->keyword);
  json_builder_set_member_name (builder, "whole_word");
  json_builder_add_boolean_value (builder, keyword->whole_word);
  json_builder_end_object (builder);
}

static void
add_filter_status (JsonBuilder           *builder,
                   const QtrFilterStatus *status)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, status->id);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "status_id", status->status_id);
  json_builder_end_object (builder);
}

/**
 * qtr_node_api_add_filter:
 *
 * Adds the Filter entity (v2) of @filter.
 */
void
qtr_node_api_add_filter (JsonBuilder     *builder,
                         const QtrFilter *filter)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, filter->id);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "title", filter->title);
  qtr_node_api_add_strings (builder, "context", (const char * const *) filter->context);
  add_time (builder, "expires_at", filter->expires_at);
  qtr_json_builder_add_string (builder, "filter_action", filter->action);
  json_builder_set_member_name (builder, "keywords");
  json_builder_begin_array (builder);
  for (guint i = 0; i < filter->keywords->len; i++)
    add_keyword (builder, g_ptr_array_index (filter->keywords, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "statuses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < filter->statuses->len; i++)
    add_filter_status (builder, g_ptr_array_index (filter->statuses, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/**
 * qtr_node_api_add_filter_results:
 * @matches: (element-type QtrFilterMatch): what qtr_node_store_match_filters() found
 *
 * Adds the value of a Status's `filtered`: an array of FilterResult entities.
 */
void
qtr_node_api_add_filter_results (JsonBuilder *builder,
                                 GPtrArray   *matches)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < matches->len; i++)
    {
      const QtrFilterMatch *match = g_ptr_array_index (matches, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "filter");
      qtr_node_api_add_filter (builder, match->filter);
      qtr_node_api_add_strings (builder, "keyword_matches",
                                (const char * const *) match->keyword_matches);
      qtr_node_api_add_strings (builder, "status_matches",
                                (const char * const *) match->status_matches);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
respond_filter (QtrNode           *node,
                SoupServerMessage *msg,
                gint64             id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrFilter) filter = qtr_node_store_find_filter (qtr_node_get_store (node), id,
                                                            &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (filter == NULL)
    {
      if (error != NULL)
        qtr_node_api_respond_internal_error (msg, error);
      else
        qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      return;
    }
  qtr_node_api_add_filter (builder, filter);
  qtr_node_api_respond (msg, builder);
}

/**
 * KeywordChange:
 * @id: the keyword to change, 0 for a new one
 * @keyword: (nullable): its new text
 * @whole_word: its new whole_word
 * @destroy: remove it
 * @set_whole_word: whether @whole_word was given
 *
 * One entry of `keywords_attributes`.
 */
typedef struct {
  gint64    id;
  char     *keyword;
  gboolean  whole_word;
  gboolean  destroy;
  gboolean  set_whole_word;
} KeywordChange;

static void
keyword_change_clear (KeywordChange *change)
{
  g_free (change->keyword);
}

/* The @member of entry @index of `keywords_attributes`: `keywords_attributes[N][member]`
 * (forms with indexes, JSON arrays of objects) or line N of `keywords_attributes[][member]`. */
static char *
get_attribute (GHashTable *form,
               guint       index,
               const char *member)
{
  g_autofree char *key = g_strdup_printf ("keywords_attributes[%u][%s]", index, member);
  g_autofree char *lines_key = g_strdup_printf ("keywords_attributes[][%s]", member);
  const char *value = g_hash_table_lookup (form, key);
  const char *lines = g_hash_table_lookup (form, lines_key);
  g_auto(GStrv) split = NULL;

  if (value != NULL)
    return g_strdup (value);
  if (lines == NULL)
    return NULL;
  split = g_strsplit (lines, "\n", -1);
  return index < g_strv_length (split) ? g_strdup (split[index]) : NULL;
}

#define MAX_KEYWORDS 100

/* The entries of `keywords_attributes`, with `keyword`, `whole_word`, `id` and `_destroy`.
 * Returns %NULL and answers 422 when an entry is wrong. */
static GArray *
read_keyword_changes (SoupServerMessage *msg,
                      GHashTable        *form)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, TRUE, sizeof (KeywordChange));
  GHashTableIter iter;
  const char *key;
  const char *value;
  guint count = 0;

  g_array_set_clear_func (changes, (GDestroyNotify) keyword_change_clear);
  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &value))
    {
      const char *start = key + strlen ("keywords_attributes[");
      const char *close;

      if (!g_str_has_prefix (key, "keywords_attributes["))
        continue;
      close = strchr (start, ']');
      if (close == NULL)
        {
          unprocessable (msg, "Validation failed: keywords_attributes is not well formed");
          return NULL;
        }
      if (close == start)
        {
          g_auto(GStrv) lines = g_strsplit (value, "\n", -1);

          count = MAX (count, g_strv_length (lines));
        }
      else
        {
          g_autofree char *digits = g_strndup (start, close - start);
          guint64 index;

          if (!g_ascii_string_to_unsigned (digits, 10, 0, MAX_KEYWORDS - 1, &index, NULL))
            {
              unprocessable (msg, "Validation failed: a filter has at most 100 keywords");
              return NULL;
            }
          count = MAX (count, (guint) index + 1);
        }
    }
  if (count > MAX_KEYWORDS)
    {
      unprocessable (msg, "Validation failed: a filter has at most 100 keywords");
      return NULL;
    }

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *keyword = get_attribute (form, i, "keyword");
      g_autofree char *whole_word = get_attribute (form, i, "whole_word");
      g_autofree char *id = get_attribute (form, i, "id");
      g_autofree char *destroy = get_attribute (form, i, "_destroy");
      KeywordChange change = { 0, NULL, TRUE, FALSE, whole_word != NULL };

      if ((id != NULL && !qtr_node_api_parse_id (id, &change.id)) ||
          !qtr_node_api_parse_boolean (whole_word, &change.whole_word) ||
          !qtr_node_api_parse_boolean (destroy, &change.destroy))
        {
          unprocessable (msg, "Validation failed: a keyword's id, whole_word or _destroy is "
                         "not well formed");
          return NULL;
        }
      if (!change.destroy && (keyword != NULL || change.id == 0) &&
          (keyword == NULL || *g_strstrip (keyword) == '\0' ||
           g_utf8_strlen (keyword, -1) > MAX_KEYWORD))
        {
          unprocessable (msg, "Validation failed: a keyword must be 1 to 255 characters");
          return NULL;
        }
      change.keyword = g_steal_pointer (&keyword);
      g_array_append_val (changes, change);
    }
  return g_steal_pointer (&changes);
}

/**
 * FilterForm:
 * @filter: the filter as the form leaves it
 * @keywords: (element-type KeywordChange): the keywords to add, change or remove
 */
typedef struct {
  QtrFilter *filter;
  GArray    *keywords;
} FilterForm;

/* Applies title, context[], filter_action and expires_in to @filter; answers 422 and returns
 * FALSE when one is wrong. */
static gboolean
read_filter_form (SoupServerMessage *msg,
                  GHashTable        *form,
                  QtrFilter         *filter,
                  gboolean           creating)
{
  const char *title = g_hash_table_lookup (form, "title");
  const char *context = g_hash_table_lookup (form, "context");
  const char *action = g_hash_table_lookup (form, "filter_action");
  const char *expires_in = g_hash_table_lookup (form, "expires_in");

  if (title != NULL || creating)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (title ? title : ""));

      if (*stripped == '\0' || g_utf8_strlen (stripped, -1) > MAX_FILTER_TITLE)
        {
          unprocessable (msg, "Validation failed: the title must be 1 to 255 characters");
          return FALSE;
        }
      g_free (filter->title);
      filter->title = g_steal_pointer (&stripped);
    }
  if (context != NULL || creating)
    {
      g_auto(GStrv) names = g_strsplit (context ? context : "", "\n", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      guint n = 0;

      for (guint i = 0; names[i] != NULL; i++)
        {
          if (!g_strv_contains (filter_contexts, names[i]))
            {
              unprocessable (msg, "Validation failed: context is one or more of home, "
                             "notifications, public, thread and account");
              return FALSE;
            }
          g_strv_builder_add (builder, names[i]);
          n++;
        }
      if (n == 0)
        {
          unprocessable (msg, "Validation failed: context is missing");
          return FALSE;
        }
      g_strfreev (filter->context);
      filter->context = g_strv_builder_end (builder);
    }
  if (action != NULL || creating)
    {
      if (action == NULL)
        action = "warn";
      if (!g_str_equal (action, "warn") && !g_str_equal (action, "hide"))
        {
          unprocessable (msg, "Validation failed: filter_action is “warn” or “hide”");
          return FALSE;
        }
      g_free (filter->action);
      filter->action = g_strdup (action);
    }
  if (expires_in != NULL)
    {
      gint64 seconds = 0;

      if (*expires_in != '\0' && !qtr_node_api_parse_id (expires_in, &seconds))
        {
          unprocessable (msg, "Validation failed: expires_in is a number of seconds");
          return FALSE;
        }
      if (seconds > 10LL * 365 * 24 * 3600)
        {
          unprocessable (msg, "Validation failed: expires_in is too far away");
          return FALSE;
        }
      filter->expires_at = seconds > 0 ? g_get_real_time () / G_USEC_PER_SEC + seconds : 0;
    }
  return TRUE;
}

typedef struct {
  QtrNodeStore    *store;
  QtrFilter       *filter;
  GArray          *keywords;
  gint64           id;
  gboolean         missing;
} FilterTransaction;

static gboolean
save_filter_in_transaction (QtrDb    *db,
                            gpointer  user_data,
                            GError  **error)
{
  FilterTransaction *tx = user_data;

  tx->id = qtr_node_store_save_filter (tx->store, tx->filter, error);
  if (tx->id <= 0)
    {
      if (tx->id == 0)
        g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND, RECORD_NOT_FOUND);
      return FALSE;
    }
  for (guint i = 0; i < tx->keywords->len; i++)
    {
      const KeywordChange *change = &g_array_index (tx->keywords, KeywordChange, i);
      gint64 owner = 0;

      if (change->id != 0)
        {
          owner = qtr_node_store_find_filter_keyword (tx->store, change->id, error);
          if (owner < 0)
            return FALSE;
          if (owner != tx->id)
            {
              g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                           "The filter has no keyword %" G_GINT64_FORMAT, change->id);
              return FALSE;
            }
        }
      if (change->id == 0 && change->destroy)
        continue;
      if (change->id == 0)
        {
          if (qtr_node_store_add_filter_keyword (tx->store, tx->id, change->keyword,
                                                 change->whole_word, error) < 0)
            return FALSE;
        }
      else if (change->destroy)
        {
          if (!qtr_node_store_delete_filter_keyword (tx->store, change->id, error) &&
              error != NULL && *error != NULL)
            return FALSE;
        }
      else
        {
          g_autoptr(QtrFilter) current = qtr_node_store_find_filter (tx->store, tx->id, error);
          const char *keyword = change->keyword;
          gboolean whole_word = change->whole_word;

          if (current == NULL)
            return FALSE;
          for (guint k = 0; k < current->keywords->len; k++)
            {
              const QtrFilterKeyword *old = g_ptr_array_index (current->keywords, k);

              if (old->id != change->id)
                continue;
              if (keyword == NULL)
                keyword = old->keyword;
              if (!change->set_whole_word)
                whole_word = old->whole_word;
              if (!qtr_node_store_update_filter_keyword (tx->store, change->id, keyword,
                                                         whole_word, error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

/* Tells the owner's streaming clients, which filter what they show themselves, to read the
 * filters again. */
static void
announce_filters_changed (QtrNode *node)
{
  QtrStreaming *streaming = qtr_node_get_streaming (node);

  if (streaming != NULL)
    qtr_streaming_announce_filters_changed (streaming);
}

/* Saves @filter (new when its id is 0) with its keyword changes in one transaction, then
 * answers with it. */
static void
save_and_respond (QtrNode           *node,
                  SoupServerMessage *msg,
                  QtrFilter         *filter,
                  GArray            *keywords)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  FilterTransaction tx = { store, filter, keywords, 0, FALSE };
  g_autoptr(GError) error = NULL;

  if (!qtr_db_transaction (qtr_node_store_get_db (store), save_filter_in_transaction, &tx,
                           &error))
    {
      qtr_node_api_respond_node_error (msg, error);
      return;
    }
  announce_filters_changed (node);
  respond_filter (node, msg, tx.id);
}

void
qtr_node_handle_filters_get (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GPtrArray) filters = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:filters", &auth))
    return;
  filters = qtr_node_store_get_filters (qtr_node_get_store (node), &error);
  if (filters == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < filters->len; i++)
    qtr_node_api_add_filter (builder, g_ptr_array_index (filters, i));
  json_builder_end_array (builder);
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_filter_create (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(QtrFilter) filter = qtr_filter_new ();
  g_autoptr(GArray) keywords = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:filters", &auth) ||
      (form = qtr_node_api_read_params_or_refuse (msg)) == NULL ||
      !read_filter_form (msg, form, filter, TRUE) ||
      (keywords = read_keyword_changes (msg, form)) == NULL)
    return;
  for (guint i = 0; i < keywords->len; i++)
    {
      if (g_array_index (keywords, KeywordChange, i).id != 0)
        {
          unprocessable (msg, "Validation failed: a new filter has no keywords to change");
          return;
        }
    }
  save_and_respond (node, msg, filter, keywords);
}

/* The token, then the filter of @id_text; answers and returns %NULL when the request may not
 * go on. */
static QtrFilter *
begin_filter (QtrNode           *node,
              SoupServerMessage *msg,
              const char        *scopes,
              const char        *id_text)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GError) error = NULL;
  QtrFilter *filter = NULL;
  gint64 id;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, scopes, &auth))
    return NULL;
  if (qtr_node_api_parse_id (id_text, &id))
    filter = qtr_node_store_find_filter (qtr_node_get_store (node), id, &error);
  if (error != NULL)
    qtr_node_api_respond_internal_error (msg, error);
  else if (filter == NULL)
    qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
  return filter;
}

/* Answers the removal of a filter or a part of one: {} unless it failed with @error. */
static void
respond_removed (QtrNode           *node,
                 SoupServerMessage *msg,
                 const GError      *error)
{
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  announce_filters_changed (node);
  qtr_node_api_respond_empty (msg);
}

void
qtr_node_handle_filter_get (QtrNode           *node,
                            SoupServerMessage *msg,
                            GHashTable        *params)
{
  g_autoptr(QtrFilter) filter = begin_filter (node, msg, "read:filters",
                                              g_hash_table_lookup (params, "id"));
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (filter == NULL)
    return;
  qtr_node_api_add_filter (builder, filter);
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_filter_update (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *params)
{
  g_autoptr(QtrFilter) filter = begin_filter (node, msg, "write:filters",
                                              g_hash_table_lookup (params, "id"));
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GArray) keywords = NULL;

  if (filter == NULL || (form = qtr_node_api_read_params_or_refuse (msg)) == NULL ||
      !read_filter_form (msg, form, filter, FALSE) ||
      (keywords = read_keyword_changes (msg, form)) == NULL)
    return;
  save_and_respond (node, msg, filter, keywords);
}

void
qtr_node_handle_filter_delete (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *params)
{
  g_autoptr(QtrFilter) filter = begin_filter (node, msg, "write:filters",
                                              g_hash_table_lookup (params, "id"));
  g_autoptr(GError) error = NULL;

  if (filter == NULL)
    return;
  qtr_node_store_delete_filter (qtr_node_get_store (node), filter->id, &error);
  respond_removed (node, msg, error);
}

/* Writes @filter's keywords (else its statuses) as an array; with @part_id > 0, only that
 * one, as an object. Returns %FALSE when @filter has no @part_id. */
static gboolean
add_filter_parts (JsonBuilder     *builder,
                  const QtrFilter *filter,
                  gboolean         keywords,
                  gint64           part_id)
{
  GPtrArray *parts = keywords ? filter->keywords : filter->statuses;
  gboolean found = FALSE;

  if (part_id == 0)
    json_builder_begin_array (builder);
  for (guint i = 0; i < parts->len; i++)
    {
      gconstpointer part = g_ptr_array_index (parts, i);

      if (part_id != 0 && part_id != (keywords ? ((const QtrFilterKeyword *) part)->id
                                               : ((const QtrFilterStatus *) part)->id))
        continue;
      if (keywords)
        add_keyword (builder, part);
      else
        add_filter_status (builder, part);
      found = TRUE;
    }
  if (part_id == 0)
    json_builder_end_array (builder);
  return found || part_id == 0;
}

/* The keyword (else status entry) @part_id of the filter @filter_id, or 404. */
static void
respond_filter_part (QtrNode           *node,
                     SoupServerMessage *msg,
                     gint64             filter_id,
                     gboolean           keywords,
                     gint64             part_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrFilter) filter = qtr_node_store_find_filter (qtr_node_get_store (node),
                                                            filter_id, &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (filter != NULL && add_filter_parts (builder, filter, keywords, part_id))
    qtr_node_api_respond (msg, builder);
  else if (error != NULL)
    qtr_node_api_respond_internal_error (msg, error);
  else
    qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
}

/* The keywords (else status entries) of the route's filter. */
static void
respond_filter_parts (QtrNode           *node,
                      SoupServerMessage *msg,
                      GHashTable        *params,
                      gboolean           keywords)
{
  g_autoptr(QtrFilter) filter = begin_filter (node, msg, "read:filters",
                                              g_hash_table_lookup (params, "id"));
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (filter == NULL)
    return;
  add_filter_parts (builder, filter, keywords, 0);
  qtr_node_api_respond (msg, builder);
}

/* GET /api/v2/filters/:id/keywords */
void
qtr_node_handle_filter_keywords_get (QtrNode           *node,
                                     SoupServerMessage *msg,
                                     GHashTable        *params)
{
  respond_filter_parts (node, msg, params, TRUE);
}

/* Reads `keyword` (or keeps @current) and `whole_word`; answers 422 and returns %NULL when
 * one is wrong. */
static char *
read_keyword (SoupServerMessage *msg,
              GHashTable        *form,
              const char        *current,
              gboolean          *whole_word)
{
  const char *given = g_hash_table_lookup (form, "keyword");
  g_autofree char *keyword = g_strstrip (g_strdup (given ? given : current ? current : ""));

  if (*keyword == '\0' || g_utf8_strlen (keyword, -1) > MAX_KEYWORD ||
      !qtr_node_api_parse_boolean (g_hash_table_lookup (form, "whole_word"), whole_word))
    {
      unprocessable (msg, "Validation failed: keyword must be 1 to 255 characters, whole_word "
                     "true or false");
      return NULL;
    }
  return g_steal_pointer (&keyword);
}

/* POST /api/v2/filters/:id/keywords */
void
qtr_node_handle_filter_keyword_create (QtrNode           *node,
                                       SoupServerMessage *msg,
                                       GHashTable        *params)
{
  g_autoptr(QtrFilter) filter = begin_filter (node, msg, "write:filters",
                                              g_hash_table_lookup (params, "id"));
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keyword = NULL;
  gboolean whole_word = TRUE;
  gint64 id;

  if (filter == NULL || (form = qtr_node_api_read_params_or_refuse (msg)) == NULL ||
      (keyword = read_keyword (msg, form, NULL, &whole_word)) == NULL)
    return;
  id = qtr_node_store_add_filter_keyword (qtr_node_get_store (node), filter->id, keyword,
                                          whole_word, &error);
  if (id < 0)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  announce_filters_changed (node);
  respond_filter_part (node, msg, filter->id, TRUE, id);
}

/* The token, then the filter that keyword `:id` belongs to; answers and returns %NULL when
 * the request may not go on. */
static QtrFilter *
begin_keyword (QtrNode           *node,
               SoupServerMessage *msg,
               GHashTable        *params,
               const char        *scopes,
               gint64            *id)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 filter_id = 0;
  QtrFilter *filter = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, scopes, &auth))
    return NULL;
  if (qtr_node_api_parse_id (g_hash_table_lookup (params, "id"), id))
    filter_id = qtr_node_store_find_filter_keyword (qtr_node_get_store (node), *id, &error);
  if (filter_id > 0)
    filter = qtr_node_store_find_filter (qtr_node_get_store (node), filter_id, &error);
  if (error != NULL)
    qtr_node_api_respond_internal_error (msg, error);
  else if (filter == NULL)
    qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
  return filter;
}

/* GET /api/v2/filters/keywords/:id */
void
qtr_node_handle_filter_keyword_get (QtrNode           *node,
                                    SoupServerMessage *msg,
                                    GHashTable        *params)
{
  gint64 id;
  g_autoptr(QtrFilter) filter = begin_keyword (node, msg, params, "read:filters", &id);

  if (filter != NULL)
    respond_filter_part (node, msg, filter->id, TRUE, id);
}

/* PUT /api/v2/filters/keywords/:id */
void
qtr_node_handle_filter_keyword_update (QtrNode           *node,
                                       SoupServerMessage *msg,
                                       GHashTable        *params)
{
  gint64 id;
  g_autoptr(QtrFilter) filter = begin_keyword (node, msg, params, "write:filters", &id);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keyword = NULL;
  const QtrFilterKeyword *old = NULL;
  gboolean whole_word;

  if (filter == NULL || (form = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  for (guint i = 0; i < filter->keywords->len; i++)
    {
      if (((QtrFilterKeyword *) g_ptr_array_index (filter->keywords, i))->id == id)
        old = g_ptr_array_index (filter->keywords, i);
    }
  if (old == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      return;
    }
  whole_word = old->whole_word;
  if ((keyword = read_keyword (msg, form, old->keyword, &whole_word)) == NULL)
    return;
  if (!qtr_node_store_update_filter_keyword (qtr_node_get_store (node), id, keyword, whole_word,
                                             &error) && error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  announce_filters_changed (node);
  respond_filter_part (node, msg, filter->id, TRUE, id);
}

/* DELETE /api/v2/filters/keywords/:id */
void
qtr_node_handle_filter_keyword_delete (QtrNode           *node,
                                       SoupServerMessage *msg,
                                       GHashTable        *params)
{
  gint64 id;
  g_autoptr(QtrFilter) filter = begin_keyword (node, msg, params, "write:filters", &id);
  g_autoptr(GError) error = NULL;

  if (filter == NULL)
    return;
  qtr_node_store_delete_filter_keyword (qtr_node_get_store (node), id, &error);
  respond_removed (node, msg, error);
}

/* GET /api/v2/filters/:id/statuses */
void
qtr_node_handle_filter_statuses_get (QtrNode           *node,
                                     SoupServerMessage *msg,
                                     GHashTable        *params)
{
  respond_filter_parts (node, msg, params, FALSE);
}

/* POST /api/v2/filters/:id/statuses */
void
qtr_node_handle_filter_status_create (QtrNode           *node,
                                      SoupServerMessage *msg,
                                      GHashTable        *params)
{
  g_autoptr(QtrFilter) filter = begin_filter (node, msg, "write:filters",
                                              g_hash_table_lookup (params, "id"));
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  gint64 status_id, id;

  if (filter == NULL || (form = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  /* Status ids are numbers, as the client API gives them. */
  if (!qtr_node_api_parse_id (g_hash_table_lookup (form, "status_id"), &status_id))
    {
      unprocessable (msg, "Validation failed: status_id is not a status's id");
      return;
    }
  id = qtr_node_store_add_filter_status (qtr_node_get_store (node), filter->id,
                                         g_hash_table_lookup (form, "status_id"), &error);
  if (id < 0)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (id == 0)
    {
      unprocessable (msg, "Validation failed: the filter has this status already");
      return;
    }
  announce_filters_changed (node);
  respond_filter_part (node, msg, filter->id, FALSE, id);
}

/* The token, then the filter the entry `:id` of filter_statuses belongs to (0 when there is
 * none: answered). */
static gint64
begin_filter_status (QtrNode           *node,
                     SoupServerMessage *msg,
                     GHashTable        *params,
                     const char        *scopes,
                     gint64            *id)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 filter_id = 0;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, scopes, &auth))
    return 0;
  if (qtr_node_api_parse_id (g_hash_table_lookup (params, "id"), id))
    filter_id = qtr_node_store_find_filter_status (qtr_node_get_store (node), *id, &error);
  if (filter_id < 0)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return 0;
    }
  if (filter_id == 0)
    qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
  return filter_id;
}

/* GET /api/v2/filters/statuses/:id */
void
qtr_node_handle_filter_status_get (QtrNode           *node,
                                   SoupServerMessage *msg,
                                   GHashTable        *params)
{
  gint64 id;
  gint64 filter_id = begin_filter_status (node, msg, params, "read:filters", &id);

  if (filter_id > 0)
    respond_filter_part (node, msg, filter_id, FALSE, id);
}

/* DELETE /api/v2/filters/statuses/:id */
void
qtr_node_handle_filter_status_delete (QtrNode           *node,
                                      SoupServerMessage *msg,
                                      GHashTable        *params)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (begin_filter_status (node, msg, params, "write:filters", &id) <= 0)
    return;
  qtr_node_store_delete_filter_status (qtr_node_get_store (node), id, &error);
  respond_removed (node, msg, error);
}

/* ---- Hashtags ------------------------------------------------------------------------- */

/* A hashtag's name as Mastodon takes it: letters, digits, `_` and the marks that join
 * words, at most 100 characters. */
static gboolean
is_tag_name (const char *name)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL) ||
      g_utf8_strlen (name, -1) > MAX_TAG_NAME)
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c) && c != '_' && c != 0xb7 && c != 0x200c &&
          g_unichar_type (c) != G_UNICODE_SPACING_MARK &&
          g_unichar_type (c) != G_UNICODE_NON_SPACING_MARK)
        return FALSE;
    }
  return TRUE;
}

static void
add_tag (JsonBuilder *builder,
         QtrNode     *node,
         const char  *name,
         gboolean     with_following,
         gboolean     following)
{
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *url = g_strconcat (qtr_node_get_base_url (node), "/tags/", escaped, NULL);
  g_autofree char *id = g_utf8_strdown (name, -1);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "name", name);
  qtr_json_builder_add_string (builder, "url", url);
  json_builder_set_member_name (builder, "history");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  if (with_following)
    {
      json_builder_set_member_name (builder, "following");
      json_builder_add_boolean_value (builder, following);
    }
  json_builder_end_object (builder);
}

static void
respond_tag (QtrNode           *node,
             SoupServerMessage *msg,
             const char        *name,
             gboolean           with_following)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  gint64 followed = 0;

  if (with_following)
    {
      followed = qtr_node_store_get_followed_tag (qtr_node_get_store (node), name, &error);
      if (followed < 0)
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
    }
  add_tag (builder, node, name, with_following, followed > 0);
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_tag (QtrNode           *node,
                     SoupServerMessage *msg,
                     GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  const char *name = g_hash_table_lookup (params, "name");

  if (!qtr_node_api_authorize (node, msg, QTR_API_PUBLIC, NULL, &auth))
    return;
  if (!is_tag_name (name))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      return;
    }
  /* `following` only for a request that acts for the owner, as on Mastodon. */
  respond_tag (node, msg, name, auth.token != NULL && auth.token->has_user);
}

/* POST /api/v1/tags/:name/follow and /unfollow */
void
qtr_node_handle_tag_follow (QtrNode           *node,
                            SoupServerMessage *msg,
                            GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GError) error = NULL;
  const char *name = g_hash_table_lookup (params, "name");
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  gboolean follow = !strstr (path, "/unfollow");

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:follows follow", &auth))
    return;
  if (!is_tag_name (name))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, RECORD_NOT_FOUND);
      return;
    }
  if (!qtr_node_store_follow_tag (qtr_node_get_store (node), name, follow, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_tag (node, msg, name, TRUE);
}

void
qtr_node_handle_followed_tags (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *params)
{
  static const char * const kept[] = { "limit", NULL };
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  QtrPage page;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "read:follows follow", &auth) ||
      (query = qtr_node_api_read_params_or_refuse (msg)) == NULL)
    return;
  /* Mastodon's page size for followed tags. */
  qtr_node_api_read_page (query, &page, 100, 200);
  names = qtr_node_store_page_followed_tags (qtr_node_get_store (node), &page, &items, &error);
  if (names == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < names->len; i++)
    add_tag (builder, node, g_ptr_array_index (names, i), TRUE, TRUE);
  json_builder_end_array (builder);
  qtr_node_api_set_link_header (node, msg, query, kept, items);
  qtr_node_api_respond (msg, builder);
}
