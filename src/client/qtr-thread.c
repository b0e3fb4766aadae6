/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-thread.h"

#include "qtr-api-error.h"

/* QtrThread: a post in its conversation, as a GListModel of QtrStatus.
 *
 * Loading asks for the post (`GET /api/v1/statuses/:id`) and for its context
 * (`GET /api/v1/statuses/:id/context`), then holds the ancestors (oldest first, depth 0), the
 * focused post (depth 0), and the descendants as a tree walked depth first: each reply under
 * the post it answers (its `in_reply_to_id`), one level deeper, replies to one post in the
 * order the server gave them. A descendant whose parent the server left out follows the tree,
 * at depth 1. Loading again (a refresh) replaces what the model holds only once both answers
 * are in; until then, and after a failure, it keeps what it had. */

struct _QtrThread
{
  GObject       parent_instance;

  QtrApiClient *client;
  char         *status_id;
  GPtrArray    *statuses;   /* QtrStatus, in the order shown */
  GArray       *depths;     /* guint, one per status */
  guint         focused;    /* position of the focused post; G_MAXUINT while empty */
  gboolean      loading;
};

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void qtr_thread_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QtrThread, qtr_thread, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      qtr_thread_list_model_init))

/* One load: the post, then its context. */
typedef struct {
  QtrStatus *focused;
  GPtrArray *statuses;
  GArray    *depths;
  guint      focused_position;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->focused);
  g_clear_pointer (&data->statuses, g_ptr_array_unref);
  g_clear_pointer (&data->depths, g_array_unref);
  g_free (data);
}

static void
set_loading (QtrThread *self,
             gboolean   loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static GPtrArray *
parse_statuses (JsonArray  *array,
                GError    **error)
{
  g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      QtrStatus *status;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                               "The server’s thread holds something that is not a post");
          return NULL;
        }
      status = qtr_status_new_from_json (json_node_get_object (node), error);
      if (status == NULL)
        return NULL;
      g_ptr_array_add (statuses, status);
    }
  return g_steal_pointer (&statuses);
}

static void
add_status (LoadData  *data,
            QtrStatus *status,
            guint      depth)
{
  g_ptr_array_add (data->statuses, g_object_ref (status));
  g_array_append_val (data->depths, depth);
}

/* Adds the replies to @parent_id, and theirs, depth first. */
static void
add_replies (LoadData   *data,
             GHashTable *children,
             GHashTable *added,
             const char *parent_id,
             guint       depth)
{
  GPtrArray *replies = g_hash_table_lookup (children, parent_id);

  for (guint i = 0; replies != NULL && i < replies->len; i++)
    {
      QtrStatus *reply = replies->pdata[i];

      if (!g_hash_table_add (added, (gpointer) qtr_status_get_id (reply)))
        continue;  /* a loop in what the server said: shown once */
      add_status (data, reply, depth);
      add_replies (data, children, added, qtr_status_get_id (reply), depth + 1);
    }
}

/* Builds the order shown: ancestors, the focused post, then the tree of its descendants. */
static void
arrange (LoadData  *data,
         GPtrArray *ancestors,
         GPtrArray *descendants)
{
  g_autoptr(GHashTable) children = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) added = g_hash_table_new (g_str_hash, g_str_equal);
  const char *focused_id = qtr_status_get_id (data->focused);

  for (guint i = 0; i < ancestors->len; i++)
    add_status (data, ancestors->pdata[i], 0);
  data->focused_position = data->statuses->len;
  add_status (data, data->focused, 0);
  g_hash_table_add (added, (gpointer) focused_id);

  for (guint i = 0; i < descendants->len; i++)
    {
      QtrStatus *status = descendants->pdata[i];
      const char *parent = qtr_status_get_in_reply_to_id (status);
      GPtrArray *siblings;

      if (parent == NULL)
        continue;
      siblings = g_hash_table_lookup (children, parent);
      if (siblings == NULL)
        {
          siblings = g_ptr_array_new ();
          g_hash_table_insert (children, (gpointer) parent, siblings);
        }
      g_ptr_array_add (siblings, status);
    }
  add_replies (data, children, added, focused_id, 1);
  /* Replies to posts the server did not include: after the tree, under the focused post. */
  for (guint i = 0; i < descendants->len; i++)
    {
      QtrStatus *status = descendants->pdata[i];

      if (!g_hash_table_add (added, (gpointer) qtr_status_get_id (status)))
        continue;
      add_status (data, status, 1);
      add_replies (data, children, added, qtr_status_get_id (status), 2);
    }
}

static void
context_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GPtrArray) ancestors = NULL;
  g_autoptr(GPtrArray) descendants = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  object = response != NULL ? qtr_api_response_get_object (response, &error) : NULL;
  if (object != NULL)
    {
      JsonNode *node = json_object_get_member (object, "ancestors");

      ancestors = parse_statuses (node != NULL && JSON_NODE_HOLDS_ARRAY (node)
                                  ? json_node_get_array (node) : NULL, &error);
      node = json_object_get_member (object, "descendants");
      if (ancestors != NULL)
        descendants = parse_statuses (node != NULL && JSON_NODE_HOLDS_ARRAY (node)
                                      ? json_node_get_array (node) : NULL, &error);
    }
  if (descendants == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->statuses = g_ptr_array_new_with_free_func (g_object_unref);
  data->depths = g_array_new (FALSE, FALSE, sizeof (guint));
  arrange (data, ancestors, descendants);
  g_task_return_boolean (task, TRUE);
}

static void
status_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrThread *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  object = response != NULL ? qtr_api_response_get_object (response, &error) : NULL;
  if (object != NULL)
    data->focused = qtr_status_new_from_json (object, &error);
  if (data->focused == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  escaped = g_uri_escape_string (self->status_id, NULL, FALSE);
  path = g_strconcat ("/api/v1/statuses/", escaped, "/context", NULL);
  qtr_api_client_get_async (self->client, path, NULL, g_task_get_cancellable (task),
                            context_loaded_cb, g_object_ref (task));
}

static gpointer
qtr_thread_get_item (GListModel *model,
                     guint       position)
{
  QtrThread *self = QTR_THREAD (model);

  if (position >= self->statuses->len)
    return NULL;
  return g_object_ref (self->statuses->pdata[position]);
}

static GType
qtr_thread_get_item_type (GListModel *model)
{
  return QTR_TYPE_STATUS;
}

static guint
qtr_thread_get_n_items (GListModel *model)
{
  return QTR_THREAD (model)->statuses->len;
}

static void
qtr_thread_list_model_init (GListModelInterface *iface)
{
  iface->get_item = qtr_thread_get_item;
  iface->get_item_type = qtr_thread_get_item_type;
  iface->get_n_items = qtr_thread_get_n_items;
}

static void
qtr_thread_finalize (GObject *object)
{
  QtrThread *self = QTR_THREAD (object);

  g_clear_object (&self->client);
  g_free (self->status_id);
  g_ptr_array_unref (self->statuses);
  g_array_unref (self->depths);

  G_OBJECT_CLASS (qtr_thread_parent_class)->finalize (object);
}

static void
qtr_thread_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  QtrThread *self = QTR_THREAD (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_thread_class_init (QtrThreadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_thread_finalize;
  object_class->get_property = qtr_thread_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_thread_init (QtrThread *self)
{
  self->statuses = g_ptr_array_new_with_free_func (g_object_unref);
  self->depths = g_array_new (FALSE, FALSE, sizeof (guint));
  self->focused = G_MAXUINT;
}

/**
 * qtr_thread_new:
 * @client: the account's API client
 * @status_id: the post to show in its conversation, an id on @client's server
 *
 * Returns: (transfer full): an empty thread; load it with qtr_thread_load_async()
 */
QtrThread *
qtr_thread_new (QtrApiClient *client,
                const char   *status_id)
{
  QtrThread *self;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (status_id != NULL && *status_id != '\0', NULL);

  self = g_object_new (QTR_TYPE_THREAD, NULL);
  self->client = g_object_ref (client);
  self->status_id = g_strdup (status_id);
  return self;
}

const char *
qtr_thread_get_status_id (QtrThread *self)
{
  g_return_val_if_fail (QTR_IS_THREAD (self), NULL);

  return self->status_id;
}

/**
 * qtr_thread_get_focused:
 *
 * Returns: (transfer none) (nullable): the post the thread is about, once loaded
 */
QtrStatus *
qtr_thread_get_focused (QtrThread *self)
{
  g_return_val_if_fail (QTR_IS_THREAD (self), NULL);

  return self->focused < self->statuses->len ? self->statuses->pdata[self->focused] : NULL;
}

/**
 * qtr_thread_get_focused_position:
 *
 * Returns: where the focused post is in the model, or %G_MAXUINT before it is loaded
 */
guint
qtr_thread_get_focused_position (QtrThread *self)
{
  g_return_val_if_fail (QTR_IS_THREAD (self), G_MAXUINT);

  return self->focused;
}

/**
 * qtr_thread_get_depth:
 * @position: a position in the model
 *
 * Returns: how deep the post at @position is in the tree of replies: 0 for the ancestors and
 *   the focused post, 1 for a reply to the focused post, 2 for a reply to that…
 */
guint
qtr_thread_get_depth (QtrThread *self,
                      guint      position)
{
  g_return_val_if_fail (QTR_IS_THREAD (self), 0);
  g_return_val_if_fail (position < self->depths->len, 0);

  return g_array_index (self->depths, guint, position);
}

gboolean
qtr_thread_get_loading (QtrThread *self)
{
  g_return_val_if_fail (QTR_IS_THREAD (self), FALSE);

  return self->loading;
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  QtrThread *self = QTR_THREAD (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  LoadData *data = g_task_get_task_data (G_TASK (result));
  guint removed;

  set_loading (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  removed = self->statuses->len;
  g_ptr_array_unref (self->statuses);
  g_array_unref (self->depths);
  self->statuses = g_steal_pointer (&data->statuses);
  self->depths = g_steal_pointer (&data->depths);
  self->focused = data->focused_position;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->statuses->len);
  g_task_return_boolean (task, TRUE);
}

/**
 * qtr_thread_load_async:
 * @cancellable: (nullable): to stop loading (the model then keeps what it had)
 *
 * Loads the post and its context from the server, and replaces what the model holds.
 */
void
qtr_thread_load_async (QtrThread           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (QTR_IS_THREAD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_thread_load_async);
  /* The answers go to an inner task, so that only a complete load changes the model. */
  inner = g_task_new (self, cancellable, load_done_cb, g_steal_pointer (&task));
  g_task_set_task_data (inner, g_new0 (LoadData, 1), (GDestroyNotify) load_data_free);
  set_loading (self, TRUE);
  escaped = g_uri_escape_string (self->status_id, NULL, FALSE);
  path = g_strconcat ("/api/v1/statuses/", escaped, NULL);
  qtr_api_client_get_async (self->client, path, NULL, cancellable, status_loaded_cb,
                            g_steal_pointer (&inner));
}

/**
 * qtr_thread_load_finish:
 *
 * Returns: whether the thread was loaded; the model is unchanged when not
 */
gboolean
qtr_thread_load_finish (QtrThread     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
