/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-timeline.h"

#include <string.h>

#include "qtr-api-error.h"
#include "qtr-json.h"

/* QtrTimeline: a GListModel of QtrTimelineItem for one timeline endpoint, newest first.
 *
 * Rows: every item is a QtrTimelineItem; a row factory binds its "kind" (status, notification
 * or gap) and then its "status"/"notification", or shows a gap's "loading". One model, one item
 * type: a GtkListView needs nothing else.
 *
 * Paging: load_older follows the `Link: rel="next"` page of the last answer (max_id), or, where
 * the server sent none, asks for `max_id` = the oldest item. load_newer asks for the newest page
 * above the newest item (`since_id`): when that page comes back full, it may not have reached the
 * item that was newest before, so a gap item goes between them. Loading a gap asks for the page
 * right above the item below it (`min_id`, with `max_id` = the item above): a full page leaves
 * the (smaller) gap above what it brought, a shorter one closes it. Bookmarks and favourites page
 * by ids that are not the posts' ids (only their Link headers know them): they have no gaps and
 * are never trimmed, and they only grow when the user scrolls.
 *
 * Items are unique by id: an item that comes again (a page overlapping another, a streamed post
 * that a poll also brings) updates the one there in place. A deletion removes every item of the
 * post (boosts of it too); an edit replaces the post inside its items (notify::status).
 *
 * Bounded: beyond max-items, newer items coming in push the oldest ones out at the bottom (older
 * pages are then asked for again by id), and older pages loaded at the bottom push the newest out
 * at the top, where a gap stands for them. Memory plateaus however long the app runs.
 *
 * New items that arrive on their own (streaming, polling: check_newer) while the user reads
 * further down are held, not inserted: "n-pending" counts them and reveal_pending() inserts them
 * all at the top at once. The model never moves what the user is reading on its own; the view
 * tells it where the user is with "at-top" (new items go straight in while the top is shown).
 *
 * Cache and positions: with a QtrCache, restore shows the items the cache kept at once (and the
 * reading position), and every change is saved after a short delay, batched (one transaction per
 * save, on the cache's worker thread). The reading position goes to the server's markers API for
 * home and notifications where it has one, and to the cache always, once it stood still for the
 * save delay (or at once: qtr_timeline_save_read_position_async()). What the server can do may
 * come after the timeline was restored from the cache (qtr_timeline_set_server_info(), when
 * discovery finishes): its position is asked for then, and wins unless the user moved since. */

typedef struct
{
  QtrApiClient     *client;
  QtrServerInfo    *server_info;   /* nullable */
  QtrCache         *cache;         /* nullable */
  QtrTimelineKind   kind;
  char             *argument;
  char             *key;
  char             *path;

  GPtrArray        *items;         /* QtrTimelineItem, newest first */
  GPtrArray        *pending;       /* held items, newest first, above items */
  GHashTable       *known;         /* id → QtrTimelineItem (in items or pending), borrowed */

  QtrApiPage       *older;         /* nullable */
  gboolean          end_reached;
  gboolean          loading_newer;
  gboolean          restoring;     /* the cache's items are being read */
  gboolean          loading_older;
  guint             n_requests;

  guint             max_items;
  guint             page_size;
  guint             save_delay;
  gboolean          at_top;

  QtrTimelineState  state;
  GError           *error;

  char             *read_position;
  guint             save_source;
  guint             marker_source;
  gboolean          marker_asked;  /* restore got as far as the server's marker */
  GCancellable     *cancellable;
} QtrTimelinePrivate;

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_SERVER_INFO,
  PROP_CACHE,
  PROP_KIND,
  PROP_ARGUMENT,
  PROP_STATE,
  PROP_LOADING,
  PROP_END_REACHED,
  PROP_N_PENDING,
  PROP_AT_TOP,
  PROP_MAX_ITEMS,
  PROP_READ_POSITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ITEM_ARRIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void qtr_timeline_list_model_init (GListModelInterface *iface);

G_DEFINE_ENUM_TYPE (QtrTimelineKind, qtr_timeline_kind,
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_HOME, "home"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_LOCAL, "local"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_FEDERATED, "federated"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_TAG, "tag"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_LIST, "list"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_BOOKMARKS, "bookmarks"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_FAVOURITES, "favourites"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_ACCOUNT, "account"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_NOTIFICATIONS, "notifications"))

G_DEFINE_ENUM_TYPE (QtrTimelineState, qtr_timeline_state,
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_STATE_INITIAL, "initial"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_STATE_ONLINE, "online"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_STATE_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_STATE_FAILED, "failed"))

G_DEFINE_TYPE_WITH_CODE (QtrTimeline, qtr_timeline, G_TYPE_OBJECT,
                         G_ADD_PRIVATE (QtrTimeline)
                         G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, qtr_timeline_list_model_init))

#define PRIV(self) ((QtrTimelinePrivate *) qtr_timeline_get_instance_private (self))

typedef enum {
  LOAD_NEWER,
  LOAD_OLDER,
  LOAD_GAP,
} LoadOp;

typedef struct {
  LoadOp           op;
  gboolean         hold;       /* LOAD_NEWER: hold what comes unless the top is shown */
  gboolean         first;      /* the model had nothing: this is the first page */
  QtrTimelineItem *gap;        /* LOAD_GAP */
  gboolean         has_below;  /* LOAD_GAP: an item below the gap bounds the page (min_id) */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->gap);
  g_free (data);
}

/* Helpers */

static gboolean
pages_by_id (QtrTimeline *self)
{
  QtrTimelineKind kind = PRIV (self)->kind;

  return kind != QTR_TIMELINE_BOOKMARKS && kind != QTR_TIMELINE_FAVOURITES;
}

static QtrTimelineItemKind
item_kind (QtrTimeline *self)
{
  return PRIV (self)->kind == QTR_TIMELINE_NOTIFICATIONS ? QTR_TIMELINE_ITEM_NOTIFICATION
                                                         : QTR_TIMELINE_ITEM_STATUS;
}

static gboolean
is_gap (QtrTimelineItem *item)
{
  return qtr_timeline_item_get_kind (item) == QTR_TIMELINE_ITEM_GAP;
}

static guint
count_real (GPtrArray *items)
{
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    n += !is_gap (items->pdata[i]);
  return n;
}

static const char *
newest_id (QtrTimeline *self)
{
  QtrTimelinePrivate *priv = PRIV (self);
  GPtrArray *lists[] = { priv->pending, priv->items };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      if (!is_gap (lists[l]->pdata[i]))
        return qtr_timeline_item_get_id (lists[l]->pdata[i]);
  return NULL;
}

static const char *
oldest_id (QtrTimeline *self)
{
  GPtrArray *items = PRIV (self)->items;

  for (guint i = items->len; i > 0; i--)
    if (!is_gap (items->pdata[i - 1]))
      return qtr_timeline_item_get_id (items->pdata[i - 1]);
  return NULL;
}

static gboolean
find_in (GPtrArray *items,
         gpointer   item,
         guint     *position)
{
  return g_ptr_array_find (items, item, position);
}

static void
forget (QtrTimeline     *self,
        QtrTimelineItem *item)
{
  const char *id = qtr_timeline_item_get_id (item);

  if (id != NULL && g_hash_table_lookup (PRIV (self)->known, id) == item)
    g_hash_table_remove (PRIV (self)->known, id);
}

static void
remember (QtrTimeline     *self,
          QtrTimelineItem *item)
{
  const char *id = qtr_timeline_item_get_id (item);

  if (id != NULL)
    g_hash_table_replace (PRIV (self)->known, (gpointer) id, item);
}

/* Inserts @new_items (taking them) at @position of the model, in one items-changed. */
static void
insert_items (QtrTimeline *self,
              guint        position,
              guint        n_removed,
              GPtrArray   *new_items)
{
  QtrTimelinePrivate *priv = PRIV (self);
  guint n_added = new_items != NULL ? new_items->len : 0;

  for (guint i = 0; i < n_removed; i++)
    forget (self, priv->items->pdata[position + i]);
  g_ptr_array_remove_range (priv->items, position, n_removed);
  for (guint i = 0; i < n_added; i++)
    {
      remember (self, new_items->pdata[i]);
      g_ptr_array_insert (priv->items, position + i, g_object_ref (new_items->pdata[i]));
    }
  if (n_removed > 0 || n_added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, n_removed, n_added);
}

static void
remove_items (QtrTimeline *self,
              guint        position,
              guint        n_removed)
{
  insert_items (self, position, n_removed, NULL);
}

/* No two gaps in a row, none at the bottom (that is what load_older is for). */
static void
tidy_gaps (QtrTimeline *self)
{
  GPtrArray *items = PRIV (self)->items;

  for (guint i = 1; i < items->len; i++)
    if (is_gap (items->pdata[i]) && is_gap (items->pdata[i - 1]))
      remove_items (self, i--, 1);
  while (items->len > 0 && is_gap (items->pdata[items->len - 1]))
    remove_items (self, items->len - 1, 1);
  if (items->len == 1 && is_gap (items->pdata[0]))
    remove_items (self, 0, 1);
}

static void
set_state (QtrTimeline      *self,
           QtrTimelineState  state,
           const GError     *error)
{
  QtrTimelinePrivate *priv = PRIV (self);

  g_clear_error (&priv->error);
  if (error != NULL)
    priv->error = g_error_copy (error);
  if (priv->state == state)
    return;
  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
note_failure (QtrTimeline  *self,
              const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error->domain == QTR_API_ERROR &&
      (error->code == QTR_API_ERROR_NETWORK || error->code == QTR_API_ERROR_TIMED_OUT ||
       error->code == QTR_API_ERROR_UNAVAILABLE))
    set_state (self, QTR_TIMELINE_STATE_OFFLINE, error);
  else
    set_state (self, QTR_TIMELINE_STATE_FAILED, error);
}

static void
begin_request (QtrTimeline *self)
{
  if (PRIV (self)->n_requests++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
end_request (QtrTimeline *self)
{
  if (--PRIV (self)->n_requests == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_end_reached (QtrTimeline *self,
                 gboolean     end_reached)
{
  QtrTimelinePrivate *priv = PRIV (self);

  if (priv->end_reached == end_reached)
    return;
  priv->end_reached = end_reached;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_REACHED]);
}

static void
cache_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!qtr_cache_save_timeline_finish (QTR_CACHE (source), result, &error))
    g_warning ("Could not save the timeline to the cache: %s", error->message);
}

static void
save_now (QtrTimeline *self)
{
  QtrTimelinePrivate *priv = PRIV (self);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  guint limit = qtr_cache_get_items_per_timeline (priv->cache);

  g_clear_handle_id (&priv->save_source, g_source_remove);
  for (guint i = 0; i < priv->items->len && entries->len < limit; i++)
    {
      JsonObject *json = qtr_timeline_item_get_json (priv->items->pdata[i]);
      g_autoptr(JsonNode) node = NULL;

      if (json == NULL)
        {
          g_ptr_array_add (entries, NULL);
          continue;
        }
      node = json_node_init_object (json_node_alloc (), json);
      json_generator_set_root (generator, node);
      g_ptr_array_add (entries, json_generator_to_data (generator, NULL));
    }
  qtr_cache_save_timeline_async (priv->cache, priv->key, entries, NULL, cache_saved_cb, NULL);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  QtrTimeline *self = user_data;

  PRIV (self)->save_source = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (QtrTimeline *self)
{
  QtrTimelinePrivate *priv = PRIV (self);

  if (priv->cache == NULL || priv->save_source != 0)
    return;
  priv->save_source = g_timeout_add (priv->save_delay, save_timeout_cb, self);
}

/* Beyond max-items, the oldest go. Where pages are not by id, nothing goes: the items could not
 * be found again. */
static void
trim_bottom (QtrTimeline *self)
{
  QtrTimelinePrivate *priv = PRIV (self);
  guint n;

  if (!pages_by_id (self) || priv->items->len <= priv->max_items)
    return;
  n = priv->items->len - priv->max_items;
  remove_items (self, priv->max_items, n);
  tidy_gaps (self);
  g_clear_pointer (&priv->older, qtr_api_page_free);
  set_end_reached (self, FALSE);
}

/* After older pages, the newest go, and a gap stands for them. */
static void
trim_top (QtrTimeline *self)
{
  QtrTimelinePrivate *priv = PRIV (self);
  g_autoptr(GPtrArray) gap = NULL;
  guint n;

  if (!pages_by_id (self) || priv->items->len <= priv->max_items)
    return;
  n = priv->items->len - priv->max_items;
  while (n < priv->items->len && is_gap (priv->items->pdata[n]))
    n++;
  gap = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (gap, qtr_timeline_item_new_gap ());
  insert_items (self, 0, n, gap);
}

static void
bound_pending (QtrTimeline *self)
{
  QtrTimelinePrivate *priv = PRIV (self);
  gboolean dropped = FALSE;

  while (count_real (priv->pending) > priv->max_items)
    {
      QtrTimelineItem *last = priv->pending->pdata[priv->pending->len - 1];

      forget (self, last);
      g_ptr_array_remove_index (priv->pending, priv->pending->len - 1);
      dropped = TRUE;
    }
  if (dropped && priv->pending->len > 0 &&
      !is_gap (priv->pending->pdata[priv->pending->len - 1]))
    g_ptr_array_add (priv->pending, qtr_timeline_item_new_gap ());
}

static void
notify_pending (QtrTimeline *self,
                guint        old_count)
{
  if (count_real (PRIV (self)->pending) != old_count)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

/* New items (and perhaps a gap below them) for the top: held, or inserted. */
static void
deliver_newer (QtrTimeline *self,
               GPtrArray   *fresh,
               gboolean     hold)
{
  QtrTimelinePrivate *priv = PRIV (self);
  guint old_pending = count_real (priv->pending);

  if (fresh->len == 0)
    return;
  if (hold && priv->items->len > 0 && !(priv->at_top && priv->pending->len == 0))
    {
      for (guint i = 0; i < fresh->len; i++)
        {
          remember (self, fresh->pdata[i]);
          g_ptr_array_insert (priv->pending, i, g_object_ref (fresh->pdata[i]));
        }
      bound_pending (self);
      notify_pending (self, old_pending);
      return;
    }
  qtr_timeline_reveal_pending (self);
  insert_items (self, 0, 0, fresh);
  tidy_gaps (self);
  trim_bottom (self);
  schedule_save (self);
}

/* Parses a page; items already there are updated in place and left out. */
static GPtrArray *
parse_page (QtrTimeline *self,
            JsonArray   *array,
            guint       *n_received)
{
  QtrTimelineClass *klass = QTR_TIMELINE_GET_CLASS (self);
  GPtrArray *fresh = g_ptr_array_new_with_free_func (g_object_unref);
  guint length = json_array_get_length (array);

  *n_received = length;
  for (guint i = 0; i < length; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(QtrTimelineItem) item = NULL;
      g_autoptr(GError) error = NULL;
      QtrTimelineItem *known;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      item = qtr_timeline_item_new_from_json (item_kind (self), json_node_get_object (node),
                                              &error);
      if (item == NULL)
        {
          g_debug ("Skipping an item of %s: %s", PRIV (self)->key, error->message);
          continue;
        }
      if (klass->accepts != NULL && !klass->accepts (self, item))
        continue;
      known = g_hash_table_lookup (PRIV (self)->known, qtr_timeline_item_get_id (item));
      if (known != NULL)
        {
          qtr_timeline_item_update_json (known, json_node_get_object (node), NULL);
          continue;
        }
      /* The same id twice in one page counts once. */
      for (guint j = 0; j < fresh->len; j++)
        if (g_str_equal (qtr_timeline_item_get_id (fresh->pdata[j]),
                         qtr_timeline_item_get_id (item)))
          g_clear_object (&item);
      if (item != NULL)
        g_ptr_array_add (fresh, g_steal_pointer (&item));
    }
  return fresh;
}

static void
handle_newer (QtrTimeline    *self,
              LoadData       *data,
              QtrApiResponse *response,
              GPtrArray      *fresh,
              guint           n_received)
{
  QtrTimelinePrivate *priv = PRIV (self);
  gboolean full = n_received >= priv->page_size;

  if (data->first)
    {
      insert_items (self, priv->items->len, 0, fresh);
      g_clear_pointer (&priv->older, qtr_api_page_free);
      if (response->next != NULL)
        priv->older = qtr_api_page_copy (response->next);
      set_end_reached (self, n_received == 0 || (!pages_by_id (self) && response->next == NULL));
      schedule_save (self);
      return;
    }
  if (full && fresh->len > 0 && pages_by_id (self))
    g_ptr_array_add (fresh, qtr_timeline_item_new_gap ());
  /* A page that was not full reached what we had: a gap left at the top by trim_top is then
   * filled, as long as nothing is held above it. */
  if (!full && priv->pending->len == 0 && priv->items->len > 0 && is_gap (priv->items->pdata[0]))
    remove_items (self, 0, 1);
  deliver_newer (self, fresh, data->hold);
}

static void
handle_older (QtrTimeline    *self,
              QtrApiResponse *response,
              GPtrArray      *fresh,
              guint           n_received)
{
  QtrTimelinePrivate *priv = PRIV (self);

  insert_items (self, priv->items->len, 0, fresh);
  g_clear_pointer (&priv->older, qtr_api_page_free);
  if (response->next != NULL)
    priv->older = qtr_api_page_copy (response->next);
  set_end_reached (self, n_received == 0 || (!pages_by_id (self) && response->next == NULL));
  trim_top (self);
  schedule_save (self);
}

static void
handle_gap (QtrTimeline *self,
            LoadData    *data,
            GPtrArray   *fresh,
            guint        n_received)
{
  QtrTimelinePrivate *priv = PRIV (self);
  gboolean full = n_received >= priv->page_size;
  guint position;

  qtr_timeline_item_set_loading (data->gap, FALSE);
  if (!find_in (priv->items, data->gap, &position))
    return;
  if (!full)
    insert_items (self, position, 1, fresh);
  else if (data->has_below)
    insert_items (self, position + 1, 0, fresh);  /* the rest is above what came */
  else
    insert_items (self, position, 0, fresh);
  tidy_gaps (self);
  schedule_save (self);
}

static void
page_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrTimeline *self = g_task_get_source_object (task);
  QtrTimelinePrivate *priv = PRIV (self);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array = NULL;
  guint n_received = 0;
  gssize n_added;

  end_request (self);
  if (data->op == LOAD_NEWER)
    priv->loading_newer = FALSE;
  else if (data->op == LOAD_OLDER)
    priv->loading_older = FALSE;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response != NULL)
    array = qtr_api_response_get_array (response, &error);
  if (array == NULL)
    {
      if (data->gap != NULL)
        qtr_timeline_item_set_loading (data->gap, FALSE);
      note_failure (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  set_state (self, QTR_TIMELINE_STATE_ONLINE, NULL);

  fresh = parse_page (self, array, &n_received);
  n_added = fresh->len;
  switch (data->op)
    {
    case LOAD_NEWER:
      handle_newer (self, data, response, fresh, n_received);
      break;
    case LOAD_OLDER:
      handle_older (self, response, fresh, n_received);
      break;
    case LOAD_GAP:
      handle_gap (self, data, fresh, n_received);
      break;
    default:
      g_assert_not_reached ();
    }
  g_task_return_int (task, n_added);
}

static void
request_page (QtrTimeline  *self,
              GTask        *task,
              QtrApiPage   *page,
              const char   *max_id,
              const char   *min_id,
              const char   *since_id)
{
  QtrTimelinePrivate *priv = PRIV (self);
  QtrTimelineClass *klass = QTR_TIMELINE_GET_CLASS (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *limit = g_strdup_printf ("%u", priv->page_size);
  g_auto(GStrv) query = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (page != NULL)
    {
      /* Servers that leave the limit out of their Link would answer with their default. */
      if (qtr_api_page_get_param (page, "limit") == NULL)
        {
          g_strv_builder_add (builder, "limit");
          g_strv_builder_add (builder, limit);
        }
    }
  else
    {
      const char *pairs[] = { "limit", limit, "max_id", max_id, "min_id", min_id,
                              "since_id", since_id };

      for (guint i = 0; i < G_N_ELEMENTS (pairs); i += 2)
        if (pairs[i + 1] != NULL)
          {
            g_strv_builder_add (builder, pairs[i]);
            g_strv_builder_add (builder, pairs[i + 1]);
          }
      if (priv->kind == QTR_TIMELINE_LOCAL)
        {
          g_strv_builder_add (builder, "local");
          g_strv_builder_add (builder, "true");
        }
      if (klass->add_query != NULL)
        klass->add_query (self, builder);
    }
  query = g_strv_builder_end (builder);
  begin_request (self);
  qtr_api_client_get_async (priv->client, page != NULL ? page->url : priv->path,
                            (const char * const *) query,
                            cancellable != NULL ? cancellable : priv->cancellable,
                            page_loaded_cb, g_object_ref (task));
}

static void
start_newer (QtrTimeline         *self,
             gboolean             hold,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  QtrTimelinePrivate *priv = PRIV (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);
  const char *since_id = newest_id (self);

  g_task_set_source_tag (task, qtr_timeline_load_newer_async);
  data->op = LOAD_NEWER;
  data->hold = hold;
  data->first = since_id == NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  if (priv->loading_newer)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Newer posts of %s are being loaded already", priv->key);
      return;
    }
  /* A stream or a poll before the cache was read would leave the cache out (the server's
   * page wins in an empty timeline): the load after the restore brings what is new. */
  if (hold && priv->restoring)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "%s is being restored from the cache", priv->key);
      return;
    }
  priv->loading_newer = TRUE;
  request_page (self, task, NULL, NULL, NULL, pages_by_id (self) ? since_id : NULL);
}

/* GListModel */

static GType
qtr_timeline_get_item_type (GListModel *model)
{
  return QTR_TYPE_TIMELINE_ITEM;
}

static guint
qtr_timeline_get_n_items (GListModel *model)
{
  return PRIV (QTR_TIMELINE (model))->items->len;
}

static gpointer
qtr_timeline_get_item (GListModel *model,
                       guint       position)
{
  GPtrArray *items = PRIV (QTR_TIMELINE (model))->items;

  if (position >= items->len)
    return NULL;
  return g_object_ref (items->pdata[position]);
}

static void
qtr_timeline_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = qtr_timeline_get_item_type;
  iface->get_n_items = qtr_timeline_get_n_items;
  iface->get_item = qtr_timeline_get_item;
}

/* Markers */

static const char *
marker_name (QtrTimeline *self)
{
  QtrTimelinePrivate *priv = PRIV (self);

  if (priv->kind == QTR_TIMELINE_HOME)
    return "home";
  if (priv->kind == QTR_TIMELINE_NOTIFICATIONS && g_str_equal (priv->key, "notifications"))
    return "notifications";
  return NULL;
}

static gboolean
server_has_markers (QtrTimeline *self)
{
  QtrTimelinePrivate *priv = PRIV (self);

  return marker_name (self) != NULL && priv->server_info != NULL &&
         qtr_server_info_has_feature (priv->server_info, QTR_SERVER_FEATURE_MARKERS);
}

/* A save that nobody waits for: a failure is only logged (the next move saves again). */
static void
marker_saved_quietly_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_debug ("%s", error->message);
}

/* One save of the reading position: done once the cache and the server (where it has markers)
 * answered. */
typedef struct {
  guint   n_waiting;
  GError *error;  /* the first failure */
} MarkerSave;

static void
marker_save_free (MarkerSave *save)
{
  g_clear_error (&save->error);
  g_free (save);
}

static void
marker_save_done (GTask  *task,
                  GError *error)
{
  MarkerSave *save = g_task_get_task_data (task);

  if (error != NULL && save->error == NULL)
    save->error = g_error_copy (error);
  if (--save->n_waiting > 0)
    return;
  if (save->error != NULL)
    g_task_return_error (task, g_steal_pointer (&save->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
marker_posted_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response == NULL)
    g_prefix_error (&error, "Could not save the reading position on the server: ");
  marker_save_done (task, error);
}

static void
marker_cached_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!qtr_cache_save_marker_finish (QTR_CACHE (source), result, &error))
    g_prefix_error (&error, "Could not save the reading position to the cache: ");
  marker_save_done (task, error);
}

/* Saves the reading position now, to the cache and to the server's markers; @task (nullable)
 * returns once both answered. */
static void
save_marker_now (QtrTimeline *self,
                 GTask       *task)
{
  QtrTimelinePrivate *priv = PRIV (self);
  g_autoptr(GTask) own_task = NULL;
  MarkerSave *save = g_new0 (MarkerSave, 1);

  g_clear_handle_id (&priv->marker_source, g_source_remove);
  if (task == NULL)
    task = own_task = g_task_new (NULL, NULL, marker_saved_quietly_cb, NULL);
  g_task_set_task_data (task, save, (GDestroyNotify) marker_save_free);
  save->n_waiting = 1;  /* until every request is sent */
  if (priv->read_position != NULL && priv->cache != NULL)
    {
      save->n_waiting++;
      qtr_cache_save_marker_async (priv->cache, priv->key, priv->read_position, NULL,
                                   marker_cached_cb, g_object_ref (task));
    }
  if (priv->read_position != NULL && server_has_markers (self))
    {
      g_autofree char *name = g_strdup_printf ("%s[last_read_id]", marker_name (self));
      const char *form[] = { name, priv->read_position, NULL };

      save->n_waiting++;
      qtr_api_client_post_form_async (priv->client, "/api/v1/markers", form, NULL,
                                      marker_posted_cb, g_object_ref (task));
    }
  marker_save_done (task, NULL);
}

static gboolean
marker_timeout_cb (gpointer user_data)
{
  QtrTimeline *self = user_data;

  PRIV (self)->marker_source = 0;
  save_marker_now (self, NULL);
  return G_SOURCE_REMOVE;
}

static void
take_read_position (QtrTimeline *self,
                    const char  *id)
{
  QtrTimelinePrivate *priv = PRIV (self);

  if (g_strcmp0 (priv->read_position, id) == 0)
    return;
  g_free (priv->read_position);
  priv->read_position = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_POSITION]);
}

/* Restoring */

/* Takes the server's reading position, unless the user moved since (a save waits): what was
 * read here is newer than what another device said before. */
static void
take_server_marker (QtrTimeline *self,
                    JsonObject  *markers)
{
  const char *id = qtr_json_get_string (qtr_json_get_object (markers, marker_name (self)),
                                        "last_read_id");

  if (id != NULL && PRIV (self)->marker_source == 0)
    take_read_position (self, id);
}

static void
server_marker_loaded_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrTimeline *self = g_task_get_source_object (task);
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *markers;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  markers = response != NULL ? qtr_api_response_get_object (response, &error) : NULL;
  if (markers == NULL)
    {
      /* The local position stands; the timeline's own requests will say if it is offline. */
      g_debug ("No reading position from the server: %s", error->message);
    }
  else
    take_server_marker (self, markers);
  g_task_return_boolean (task, TRUE);
}

static void
finish_restore (GTask *task)
{
  QtrTimeline *self = g_task_get_source_object (task);
  QtrTimelinePrivate *priv = PRIV (self);

  /* From here on, a server that turns out to have markers is asked by set_server_info. */
  priv->marker_asked = TRUE;
  if (server_has_markers (self))
    {
      const char *query[] = { "timeline[]", marker_name (self), NULL };

      qtr_api_client_get_async (priv->client, "/api/v1/markers", query,
                                g_task_get_cancellable (task), server_marker_loaded_cb,
                                g_object_ref (task));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
late_marker_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(QtrTimeline) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *markers;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  markers = response != NULL ? qtr_api_response_get_object (response, &error) : NULL;
  if (markers == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No reading position from the server: %s", error->message);
      return;
    }
  take_server_marker (self, markers);
}

static void
cached_marker_loaded_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrTimeline *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  id = qtr_cache_load_marker_finish (QTR_CACHE (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (id != NULL && PRIV (self)->marker_source == 0)
    take_read_position (self, id);
  finish_restore (task);
}

static void
cached_items_loaded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrTimeline *self = g_task_get_source_object (task);
  QtrTimelinePrivate *priv = PRIV (self);
  g_autoptr(GPtrArray) entities = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  entities = qtr_cache_load_timeline_finish (QTR_CACHE (source), result, &error);
  priv->restoring = FALSE;
  if (entities == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* What the server sent in the meantime wins: the cache fills only an empty timeline. */
  if (priv->items->len == 0 && priv->pending->len == 0)
    {
      items = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < entities->len; i++)
        {
          QtrTimelineItem *item;

          if (entities->pdata[i] == NULL)
            item = qtr_timeline_item_new_gap ();
          else
            item = qtr_timeline_item_new_from_json (item_kind (self), entities->pdata[i], NULL);
          if (item == NULL)
            continue;
          if (qtr_timeline_item_get_id (item) != NULL &&
              g_hash_table_contains (priv->known, qtr_timeline_item_get_id (item)))
            {
              g_object_unref (item);
              continue;
            }
          g_ptr_array_add (items, item);
          remember (self, item);
        }
      insert_items (self, 0, 0, items);
      tidy_gaps (self);
    }
  qtr_cache_load_marker_async (priv->cache, priv->key, g_task_get_cancellable (task),
                               cached_marker_loaded_cb, g_object_ref (task));
}

/* GObject */

static void
qtr_timeline_dispose (GObject *object)
{
  QtrTimeline *self = QTR_TIMELINE (object);
  QtrTimelinePrivate *priv = PRIV (self);

  /* What waits to be saved is saved now; the calls hold what they need. */
  if (priv->save_source != 0)
    save_now (self);
  if (priv->marker_source != 0)
    save_marker_now (self, NULL);
  if (priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_hash_table_remove_all (priv->known);
  g_ptr_array_set_size (priv->items, 0);
  g_ptr_array_set_size (priv->pending, 0);
  g_clear_object (&priv->client);
  g_clear_object (&priv->server_info);
  g_clear_object (&priv->cache);
  G_OBJECT_CLASS (qtr_timeline_parent_class)->dispose (object);
}

static void
qtr_timeline_finalize (GObject *object)
{
  QtrTimelinePrivate *priv = PRIV (QTR_TIMELINE (object));

  g_hash_table_unref (priv->known);
  g_ptr_array_unref (priv->items);
  g_ptr_array_unref (priv->pending);
  g_clear_pointer (&priv->older, qtr_api_page_free);
  g_clear_error (&priv->error);
  g_free (priv->argument);
  g_free (priv->key);
  g_free (priv->path);
  g_free (priv->read_position);
  G_OBJECT_CLASS (qtr_timeline_parent_class)->finalize (object);
}

static void
qtr_timeline_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  QtrTimeline *self = QTR_TIMELINE (object);
  QtrTimelinePrivate *priv = PRIV (self);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, priv->client);
      break;
    case PROP_SERVER_INFO:
      g_value_set_object (value, priv->server_info);
      break;
    case PROP_CACHE:
      g_value_set_object (value, priv->cache);
      break;
    case PROP_KIND:
      g_value_set_enum (value, priv->kind);
      break;
    case PROP_ARGUMENT:
      g_value_set_string (value, priv->argument);
      break;
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, priv->n_requests > 0);
      break;
    case PROP_END_REACHED:
      g_value_set_boolean (value, priv->end_reached);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, qtr_timeline_get_n_pending (self));
      break;
    case PROP_AT_TOP:
      g_value_set_boolean (value, priv->at_top);
      break;
    case PROP_MAX_ITEMS:
      g_value_set_uint (value, priv->max_items);
      break;
    case PROP_READ_POSITION:
      g_value_set_string (value, priv->read_position);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_timeline_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  QtrTimeline *self = QTR_TIMELINE (object);
  QtrTimelinePrivate *priv = PRIV (self);

  switch (prop_id)
    {
    case PROP_CLIENT:
      priv->client = g_value_dup_object (value);
      break;
    case PROP_SERVER_INFO:
      qtr_timeline_set_server_info (self, g_value_get_object (value));
      break;
    case PROP_CACHE:
      priv->cache = g_value_dup_object (value);
      break;
    case PROP_KIND:
      priv->kind = g_value_get_enum (value);
      break;
    case PROP_ARGUMENT:
      priv->argument = g_value_dup_string (value);
      break;
    case PROP_AT_TOP:
      qtr_timeline_set_at_top (self, g_value_get_boolean (value));
      break;
    case PROP_MAX_ITEMS:
      qtr_timeline_set_max_items (self, g_value_get_uint (value));
      break;
    case PROP_READ_POSITION:
      qtr_timeline_set_read_position (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_timeline_constructed (GObject *object)
{
  QtrTimeline *self = QTR_TIMELINE (object);
  QtrTimelinePrivate *priv = PRIV (self);
  g_autofree char *escaped = NULL;

  G_OBJECT_CLASS (qtr_timeline_parent_class)->constructed (object);

  g_assert (priv->client != NULL);
  escaped = g_uri_escape_string (priv->argument != NULL ? priv->argument : "", NULL, FALSE);
  switch (priv->kind)
    {
    case QTR_TIMELINE_HOME:
      priv->path = g_strdup ("/api/v1/timelines/home");
      priv->key = g_strdup ("home");
      break;
    case QTR_TIMELINE_LOCAL:
      priv->path = g_strdup ("/api/v1/timelines/public");
      priv->key = g_strdup ("local");
      break;
    case QTR_TIMELINE_FEDERATED:
      priv->path = g_strdup ("/api/v1/timelines/public");
      priv->key = g_strdup ("federated");
      break;
    case QTR_TIMELINE_TAG:
      priv->path = g_strconcat ("/api/v1/timelines/tag/", escaped, NULL);
      priv->key = g_strconcat ("tag:", priv->argument, NULL);
      break;
    case QTR_TIMELINE_LIST:
      priv->path = g_strconcat ("/api/v1/timelines/list/", escaped, NULL);
      priv->key = g_strconcat ("list:", priv->argument, NULL);
      break;
    case QTR_TIMELINE_BOOKMARKS:
      priv->path = g_strdup ("/api/v1/bookmarks");
      priv->key = g_strdup ("bookmarks");
      break;
    case QTR_TIMELINE_FAVOURITES:
      priv->path = g_strdup ("/api/v1/favourites");
      priv->key = g_strdup ("favourites");
      break;
    case QTR_TIMELINE_ACCOUNT:
      priv->path = g_strconcat ("/api/v1/accounts/", escaped, "/statuses", NULL);
      priv->key = g_strconcat ("account:", priv->argument, NULL);
      break;
    case QTR_TIMELINE_NOTIFICATIONS:
      priv->path = g_strdup ("/api/v1/notifications");
      priv->key = priv->argument != NULL ? g_strconcat ("notifications:", priv->argument, NULL)
                                         : g_strdup ("notifications");
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
qtr_timeline_class_init (QtrTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = qtr_timeline_constructed;
  object_class->dispose = qtr_timeline_dispose;
  object_class->finalize = qtr_timeline_finalize;
  object_class->get_property = qtr_timeline_get_property;
  object_class->set_property = qtr_timeline_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, QTR_TYPE_API_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * QtrTimeline:server-info:
   *
   * What the server can do (for the markers API); it may come after the timeline was
   * restored from the cache, once discovery finished.
   */
  properties[PROP_SERVER_INFO] =
    g_param_spec_object ("server-info", NULL, NULL, QTR_TYPE_SERVER_INFO,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, QTR_TYPE_CACHE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, QTR_TYPE_TIMELINE_KIND, QTR_TIMELINE_HOME,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * QtrTimeline:argument:
   *
   * The tag, list id or account id of the timeline; for notifications, a name for the filter
   * (a #QtrNotificationList of mentions has "mention").
   */
  properties[PROP_ARGUMENT] =
    g_param_spec_string ("argument", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, QTR_TYPE_TIMELINE_STATE, QTR_TIMELINE_STATE_INITIAL,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_END_REACHED] =
    g_param_spec_boolean ("end-reached", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * QtrTimeline:n-pending:
   *
   * How many new items are held above the top, waiting for qtr_timeline_reveal_pending().
   */
  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * QtrTimeline:at-top:
   *
   * Whether the view shows the top of the timeline: new items then go straight in instead of
   * being held.
   */
  properties[PROP_AT_TOP] =
    g_param_spec_boolean ("at-top", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_ITEMS] =
    g_param_spec_uint ("max-items", NULL, NULL, 1, G_MAXUINT, QTR_TIMELINE_DEFAULT_MAX_ITEMS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * QtrTimeline:read-position:
   *
   * The id of the item the user read last, restored by qtr_timeline_restore_async().
   */
  properties[PROP_READ_POSITION] =
    g_param_spec_string ("read-position", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QtrTimeline::item-arrived:
   * @item: the new QtrTimelineItem
   *
   * A new item came on its own (streamed: qtr_timeline_add_entity()), whether it went in at
   * the top or is held: for desktop notifications and the like.
   */
  signals[ITEM_ARRIVED] =
    g_signal_new ("item-arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_TIMELINE_ITEM);
}

static void
qtr_timeline_init (QtrTimeline *self)
{
  QtrTimelinePrivate *priv = PRIV (self);

  priv->items = g_ptr_array_new_with_free_func (g_object_unref);
  priv->pending = g_ptr_array_new_with_free_func (g_object_unref);
  priv->known = g_hash_table_new (g_str_hash, g_str_equal);
  priv->max_items = QTR_TIMELINE_DEFAULT_MAX_ITEMS;
  priv->page_size = QTR_TIMELINE_DEFAULT_PAGE_SIZE;
  priv->save_delay = QTR_TIMELINE_DEFAULT_SAVE_DELAY;
  priv->cancellable = g_cancellable_new ();
}

/* Public API */

/**
 * qtr_timeline_new:
 * @client: the account's API client
 * @server_info: (nullable): what the server can do (for the markers API)
 * @cache: (nullable): the account's cache
 * @kind: which timeline; not %QTR_TIMELINE_NOTIFICATIONS (see qtr_notification_list_new())
 * @argument: (nullable): the tag, list id or account id, for the kinds that need one
 *
 * Returns: (transfer full): an empty timeline; restore it from the cache and load it
 */
QtrTimeline *
qtr_timeline_new (QtrApiClient    *client,
                  QtrServerInfo   *server_info,
                  QtrCache        *cache,
                  QtrTimelineKind  kind,
                  const char      *argument)
{
  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (kind != QTR_TIMELINE_NOTIFICATIONS, NULL);
  g_return_val_if_fail ((argument != NULL) == (kind == QTR_TIMELINE_TAG ||
                                               kind == QTR_TIMELINE_LIST ||
                                               kind == QTR_TIMELINE_ACCOUNT), NULL);

  return g_object_new (QTR_TYPE_TIMELINE,
                       "client", client,
                       "server-info", server_info,
                       "cache", cache,
                       "kind", kind,
                       "argument", argument,
                       NULL);
}

QtrTimelineKind
qtr_timeline_get_kind (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), QTR_TIMELINE_HOME);

  return PRIV (self)->kind;
}

const char *
qtr_timeline_get_argument (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), NULL);

  return PRIV (self)->argument;
}

/**
 * qtr_timeline_get_key:
 *
 * Returns: the timeline's name in the cache: `home`, `local`, `tag:NAME`, `notifications`…
 */
const char *
qtr_timeline_get_key (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), NULL);

  return PRIV (self)->key;
}

/**
 * qtr_timeline_get_client:
 *
 * Returns: (transfer none): the API client
 */
QtrApiClient *
qtr_timeline_get_client (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), NULL);

  return PRIV (self)->client;
}

QtrTimelineState
qtr_timeline_get_state (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), QTR_TIMELINE_STATE_INITIAL);

  return PRIV (self)->state;
}

/**
 * qtr_timeline_get_error:
 *
 * Returns: (nullable): why the timeline is offline or failed
 */
const GError *
qtr_timeline_get_error (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), NULL);

  return PRIV (self)->error;
}

gboolean
qtr_timeline_get_loading (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), FALSE);

  return PRIV (self)->n_requests > 0;
}

/**
 * qtr_timeline_get_end_reached:
 *
 * Returns: whether the server has no older items
 */
gboolean
qtr_timeline_get_end_reached (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), FALSE);

  return PRIV (self)->end_reached;
}

guint
qtr_timeline_get_n_pending (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), 0);

  return count_real (PRIV (self)->pending);
}

gboolean
qtr_timeline_get_at_top (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), FALSE);

  return PRIV (self)->at_top;
}

/**
 * qtr_timeline_set_at_top:
 * @at_top: whether the view shows the first row
 *
 * The view says where the user reads. While the top is shown, new items go straight in; while
 * not, they are held (see #QtrTimeline:n-pending). Coming back to the top does not reveal what is
 * held: the user does that.
 */
void
qtr_timeline_set_at_top (QtrTimeline *self,
                         gboolean     at_top)
{
  QtrTimelinePrivate *priv;

  g_return_if_fail (QTR_IS_TIMELINE (self));

  priv = PRIV (self);
  at_top = !!at_top;
  if (priv->at_top == at_top)
    return;
  priv->at_top = at_top;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AT_TOP]);
}

guint
qtr_timeline_get_max_items (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), 0);

  return PRIV (self)->max_items;
}

/**
 * qtr_timeline_set_max_items:
 * @max_items: how many items the model holds at most (and as many held ones)
 */
void
qtr_timeline_set_max_items (QtrTimeline *self,
                            guint        max_items)
{
  QtrTimelinePrivate *priv;

  g_return_if_fail (QTR_IS_TIMELINE (self));
  g_return_if_fail (max_items > 0);

  priv = PRIV (self);
  if (priv->max_items == max_items)
    return;
  priv->max_items = max_items;
  trim_bottom (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ITEMS]);
}

/**
 * qtr_timeline_set_page_size:
 * @page_size: how many items a page asks for (`limit`); servers may send fewer
 */
void
qtr_timeline_set_page_size (QtrTimeline *self,
                            guint        page_size)
{
  g_return_if_fail (QTR_IS_TIMELINE (self));
  g_return_if_fail (page_size > 0);

  PRIV (self)->page_size = page_size;
}

/**
 * qtr_timeline_set_save_delay:
 * @milliseconds: how long changes wait before they are saved to the cache and the markers API
 */
void
qtr_timeline_set_save_delay (QtrTimeline *self,
                             guint        milliseconds)
{
  g_return_if_fail (QTR_IS_TIMELINE (self));

  PRIV (self)->save_delay = milliseconds;
}

/**
 * qtr_timeline_get_stream:
 * @param_name: (out) (optional) (nullable): the stream's parameter, `tag` or `list`
 * @param_value: (out) (optional) (nullable): its value
 *
 * Returns: (nullable): the streaming API's stream for the timeline (`user`, `public:local`,
 *   `hashtag`…), or %NULL when it has none (bookmarks, favourites, an account's posts)
 */
const char *
qtr_timeline_get_stream (QtrTimeline  *self,
                         const char  **param_name,
                         const char  **param_value)
{
  QtrTimelinePrivate *priv;
  const char *stream = NULL;
  const char *name = NULL;

  g_return_val_if_fail (QTR_IS_TIMELINE (self), NULL);

  priv = PRIV (self);
  switch (priv->kind)
    {
    case QTR_TIMELINE_HOME:
      stream = "user";
      break;
    case QTR_TIMELINE_LOCAL:
      stream = "public:local";
      break;
    case QTR_TIMELINE_FEDERATED:
      stream = "public";
      break;
    case QTR_TIMELINE_TAG:
      stream = "hashtag";
      name = "tag";
      break;
    case QTR_TIMELINE_LIST:
      stream = "list";
      name = "list";
      break;
    case QTR_TIMELINE_NOTIFICATIONS:
      stream = "user:notification";
      break;
    case QTR_TIMELINE_BOOKMARKS:
    case QTR_TIMELINE_FAVOURITES:
    case QTR_TIMELINE_ACCOUNT:
    default:
      break;
    }
  if (param_name != NULL)
    *param_name = name;
  if (param_value != NULL)
    *param_value = name != NULL ? priv->argument : NULL;
  return stream;
}

/**
 * qtr_timeline_find:
 * @id: a status or notification id
 * @position: (out) (optional): where the item is in the model
 *
 * Returns: (transfer none) (nullable): the item with @id in the model (not a held one)
 */
QtrTimelineItem *
qtr_timeline_find (QtrTimeline *self,
                   const char  *id,
                   guint       *position)
{
  QtrTimelineItem *item;
  guint found;

  g_return_val_if_fail (QTR_IS_TIMELINE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  item = g_hash_table_lookup (PRIV (self)->known, id);
  if (item == NULL || !find_in (PRIV (self)->items, item, &found))
    return NULL;
  if (position != NULL)
    *position = found;
  return item;
}

/**
 * qtr_timeline_restore_async:
 *
 * Shows what the cache kept of the timeline (at once, before any request), and restores the
 * reading position: from the server's markers API where it has one for this timeline, else from
 * the cache. Then load_newer brings the timeline up to date.
 */
void
qtr_timeline_restore_async (QtrTimeline         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QtrTimelinePrivate *priv;

  g_return_if_fail (QTR_IS_TIMELINE (self));

  priv = PRIV (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_timeline_restore_async);
  if (priv->cache == NULL)
    {
      finish_restore (task);
      return;
    }
  /* Until the cache's items are in: what comes on its own waits for them. */
  priv->restoring = TRUE;
  qtr_cache_load_timeline_async (priv->cache, priv->key, cancellable, cached_items_loaded_cb,
                                 g_object_ref (task));
}

gboolean
qtr_timeline_restore_finish (QtrTimeline   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * qtr_timeline_load_newer_async:
 *
 * Loads what is newer than the newest item, for the user who asked (pull to refresh, a click
 * on the "new posts" button): held items and the new ones go in at the top. An empty timeline
 * loads its first page. Finish with qtr_timeline_load_finish().
 */
void
qtr_timeline_load_newer_async (QtrTimeline         *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (QTR_IS_TIMELINE (self));

  start_newer (self, FALSE, cancellable, callback, user_data);
}

/**
 * qtr_timeline_check_newer_async:
 *
 * Like qtr_timeline_load_newer_async(), but for what comes on its own (polling, a reconnected
 * stream): what is new is held unless the view shows the top.
 */
void
qtr_timeline_check_newer_async (QtrTimeline         *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (QTR_IS_TIMELINE (self));

  start_newer (self, TRUE, cancellable, callback, user_data);
}

/**
 * qtr_timeline_load_older_async:
 *
 * Loads the page below the oldest item and appends it. Finish with qtr_timeline_load_finish();
 * at the end of the timeline it adds nothing and #QtrTimeline:end-reached is set.
 */
void
qtr_timeline_load_older_async (QtrTimeline         *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QtrTimelinePrivate *priv;
  LoadData *data;
  const char *max_id;

  g_return_if_fail (QTR_IS_TIMELINE (self));

  priv = PRIV (self);
  max_id = oldest_id (self);
  if (max_id == NULL)
    {
      start_newer (self, FALSE, cancellable, callback, user_data);
      return;
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_timeline_load_newer_async);
  data = g_new0 (LoadData, 1);
  data->op = LOAD_OLDER;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  if (priv->loading_older)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Older posts of %s are being loaded already", priv->key);
      return;
    }
  if (priv->end_reached || (priv->older == NULL && !pages_by_id (self)))
    {
      g_task_return_int (task, 0);
      return;
    }
  priv->loading_older = TRUE;
  request_page (self, task, priv->older, max_id, NULL, NULL);
}

/**
 * qtr_timeline_load_gap_async:
 * @gap: a gap item of the model
 *
 * Loads the posts a gap stands for, from the oldest: they replace the gap, or, when there are
 * more than a page, go below it (the gap, smaller, stays). Finish with qtr_timeline_load_finish().
 */
void
qtr_timeline_load_gap_async (QtrTimeline         *self,
                             QtrTimelineItem     *gap,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QtrTimelinePrivate *priv;
  const char *above = NULL;
  const char *below = NULL;
  LoadData *data;
  guint position;

  g_return_if_fail (QTR_IS_TIMELINE (self));
  g_return_if_fail (QTR_IS_TIMELINE_ITEM (gap) && is_gap (gap));

  priv = PRIV (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_timeline_load_newer_async);
  data = g_new0 (LoadData, 1);
  data->op = LOAD_GAP;
  data->gap = g_object_ref (gap);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  if (!find_in (priv->items, gap, &position))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "The gap is no longer in %s", priv->key);
      return;
    }
  if (qtr_timeline_item_get_loading (gap))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The gap is being loaded already");
      return;
    }
  for (guint i = position; i > 0 && above == NULL; i--)
    above = qtr_timeline_item_get_id (priv->items->pdata[i - 1]);
  for (guint i = position + 1; i < priv->items->len && below == NULL; i++)
    below = qtr_timeline_item_get_id (priv->items->pdata[i]);
  data->has_below = below != NULL;
  qtr_timeline_item_set_loading (gap, TRUE);
  request_page (self, task, NULL, above, below, NULL);
}

/**
 * qtr_timeline_load_finish:
 *
 * Finishes a load_newer, check_newer, load_older or load_gap.
 *
 * Returns: how many new items came (inserted or held), or -1 with @error set: a #QtrApiError,
 *   %G_IO_ERROR_PENDING when the same load is running already
 */
gssize
qtr_timeline_load_finish (QtrTimeline   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * qtr_timeline_reveal_pending:
 *
 * Inserts the held items at the top, at once: the view scrolls to the first row after this.
 *
 * Returns: how many items were revealed
 */
guint
qtr_timeline_reveal_pending (QtrTimeline *self)
{
  QtrTimelinePrivate *priv;
  g_autoptr(GPtrArray) held = NULL;
  guint n;

  g_return_val_if_fail (QTR_IS_TIMELINE (self), 0);

  priv = PRIV (self);
  if (priv->pending->len == 0)
    return 0;
  n = count_real (priv->pending);
  held = g_steal_pointer (&priv->pending);
  priv->pending = g_ptr_array_new_with_free_func (g_object_unref);
  insert_items (self, 0, 0, held);
  tidy_gaps (self);
  trim_bottom (self);
  schedule_save (self);
  if (n > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
  return n;
}

/**
 * qtr_timeline_add_entity:
 * @entity: a Status (or, for notifications, a Notification) that arrived by streaming
 *
 * Adds a new item at the top, or holds it (see #QtrTimeline:at-top); an item already there is
 * updated in place instead.
 *
 * Returns: whether the item was new
 */
gboolean
qtr_timeline_add_entity (QtrTimeline *self,
                         JsonObject  *entity)
{
  QtrTimelineClass *klass;
  g_autoptr(QtrTimelineItem) item = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GError) error = NULL;
  QtrTimelineItem *known;

  g_return_val_if_fail (QTR_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (entity != NULL, FALSE);

  klass = QTR_TIMELINE_GET_CLASS (self);
  item = qtr_timeline_item_new_from_json (item_kind (self), entity, &error);
  if (item == NULL)
    {
      g_debug ("Ignoring a streamed item of %s: %s", PRIV (self)->key, error->message);
      return FALSE;
    }
  if (klass->accepts != NULL && !klass->accepts (self, item))
    return FALSE;
  known = g_hash_table_lookup (PRIV (self)->known, qtr_timeline_item_get_id (item));
  if (known != NULL)
    {
      qtr_timeline_item_update_json (known, entity, NULL);
      return FALSE;
    }
  fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (fresh, g_object_ref (item));
  deliver_newer (self, fresh, TRUE);
  g_signal_emit (self, signals[ITEM_ARRIVED], 0, item);
  return TRUE;
}

static gboolean
shows_status (QtrTimelineItem *item,
              const char      *status_id)
{
  QtrStatus *status = qtr_timeline_item_get_status (item);

  if (status == NULL)
    return FALSE;
  if (g_strcmp0 (qtr_status_get_id (status), status_id) == 0)
    return TRUE;
  status = qtr_status_get_reblog (status);
  return status != NULL && g_strcmp0 (qtr_status_get_id (status), status_id) == 0;
}

/**
 * qtr_timeline_remove_status:
 * @status_id: a deleted post
 *
 * Removes every item showing the post: the post itself, boosts of it, notifications about it.
 *
 * Returns: how many items were removed (held ones included)
 */
guint
qtr_timeline_remove_status (QtrTimeline *self,
                            const char  *status_id)
{
  QtrTimelinePrivate *priv;
  guint old_pending;
  guint n = 0;

  g_return_val_if_fail (QTR_IS_TIMELINE (self), 0);
  g_return_val_if_fail (status_id != NULL, 0);

  priv = PRIV (self);
  old_pending = count_real (priv->pending);
  for (guint i = priv->pending->len; i > 0; i--)
    if (shows_status (priv->pending->pdata[i - 1], status_id))
      {
        forget (self, priv->pending->pdata[i - 1]);
        g_ptr_array_remove_index (priv->pending, i - 1);
        n++;
      }
  notify_pending (self, old_pending);
  for (guint i = priv->items->len; i > 0; i--)
    if (shows_status (priv->items->pdata[i - 1], status_id))
      {
        remove_items (self, i - 1, 1);
        n++;
      }
  if (n > 0)
    {
      tidy_gaps (self);
      schedule_save (self);
    }
  return n;
}

static JsonObject *
copy_replacing (JsonObject *object,
                const char *member,
                JsonObject *value)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    if (!g_str_equal (name, member))
      json_object_set_member (copy, name, json_node_copy (node));
  json_object_set_object_member (copy, member, json_object_ref (value));
  return copy;
}

static guint
update_in (GPtrArray  *items,
           const char *status_id,
           JsonObject *status)
{
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    {
      QtrTimelineItem *item = items->pdata[i];
      QtrStatus *shown = qtr_timeline_item_get_status (item);
      g_autoptr(JsonObject) replaced = NULL;

      if (shown == NULL)
        continue;
      if (qtr_timeline_item_get_kind (item) == QTR_TIMELINE_ITEM_NOTIFICATION)
        {
          if (g_strcmp0 (qtr_status_get_id (shown), status_id) == 0)
            replaced = copy_replacing (qtr_timeline_item_get_json (item), "status", status);
        }
      else if (g_strcmp0 (qtr_status_get_id (shown), status_id) == 0)
        replaced = json_object_ref (status);
      else if (qtr_status_get_reblog (shown) != NULL &&
               g_strcmp0 (qtr_status_get_id (qtr_status_get_reblog (shown)), status_id) == 0)
        replaced = copy_replacing (qtr_timeline_item_get_json (item), "reblog", status);
      if (replaced != NULL && qtr_timeline_item_update_json (item, replaced, NULL))
        n++;
    }
  return n;
}

/**
 * qtr_timeline_update_status:
 * @status: an edited post (a Status)
 *
 * Replaces the post in every item showing it, in place (the items stay; notify::status).
 *
 * Returns: how many items were updated
 */
guint
qtr_timeline_update_status (QtrTimeline *self,
                            JsonObject  *status)
{
  QtrTimelinePrivate *priv;
  const char *id;
  guint n;

  g_return_val_if_fail (QTR_IS_TIMELINE (self), 0);
  g_return_val_if_fail (status != NULL, 0);

  priv = PRIV (self);
  id = qtr_json_get_string (status, "id");
  if (id == NULL)
    return 0;
  n = update_in (priv->pending, id, status) + update_in (priv->items, id, status);
  if (n > 0)
    schedule_save (self);
  return n;
}

/**
 * qtr_timeline_get_read_position:
 *
 * Returns: (nullable): the id of the item the user read last
 */
const char *
qtr_timeline_get_read_position (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), NULL);

  return PRIV (self)->read_position;
}

/**
 * qtr_timeline_set_read_position:
 * @id: (nullable): the id of the item the user read last
 *
 * Remembers where the user reads. It is saved after #QtrTimeline's save delay (moves in the
 * meantime replace it): to the cache, and to the server's markers API where it has one.
 */
void
qtr_timeline_set_read_position (QtrTimeline *self,
                                const char  *id)
{
  QtrTimelinePrivate *priv;

  g_return_if_fail (QTR_IS_TIMELINE (self));

  priv = PRIV (self);
  if (g_strcmp0 (priv->read_position, id) == 0)
    return;
  take_read_position (self, id);
  /* Debounced: saved once the position stood still for the save delay. */
  g_clear_handle_id (&priv->marker_source, g_source_remove);
  if (id != NULL)
    priv->marker_source = g_timeout_add (priv->save_delay, marker_timeout_cb, self);
}

/**
 * qtr_timeline_save_read_position_async:
 *
 * Saves the reading position now, rather than after the save delay (the window closes): to
 * the cache, and to the server's markers API where it has one. Finishes once both answered.
 */
void
qtr_timeline_save_read_position_async (QtrTimeline         *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QTR_IS_TIMELINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_timeline_save_read_position_async);
  save_marker_now (self, task);
}

gboolean
qtr_timeline_save_read_position_finish (QtrTimeline   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * qtr_timeline_get_server_info:
 *
 * Returns: (transfer none) (nullable): what the server can do, once known
 */
QtrServerInfo *
qtr_timeline_get_server_info (QtrTimeline *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE (self), NULL);

  return PRIV (self)->server_info;
}

/**
 * qtr_timeline_set_server_info:
 * @server_info: (nullable): what the server can do
 *
 * Tells the timeline what the server can do, once discovery found out (the timeline may
 * already show what the cache kept). Where the server keeps reading positions and the
 * timeline was restored already, its position is asked for now; it replaces the one from the
 * cache unless the user moved since.
 */
void
qtr_timeline_set_server_info (QtrTimeline   *self,
                              QtrServerInfo *server_info)
{
  QtrTimelinePrivate *priv;

  g_return_if_fail (QTR_IS_TIMELINE (self));
  g_return_if_fail (server_info == NULL || QTR_IS_SERVER_INFO (server_info));

  priv = PRIV (self);
  if (!g_set_object (&priv->server_info, server_info))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_INFO]);
  if (priv->marker_asked && server_has_markers (self))
    {
      const char *query[] = { "timeline[]", marker_name (self), NULL };

      qtr_api_client_get_async (priv->client, "/api/v1/markers", query, priv->cancellable,
                                late_marker_loaded_cb, g_object_ref (self));
    }
}
