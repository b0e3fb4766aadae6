/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-interactions.h"

#include <string.h>

#include "qtr-api-error.h"

/* QtrInteractions: what the user does to posts, accounts, hashtags and their own profile,
 * for one account's API client (one per client: qtr_interactions_get_for_client()).
 *
 * Posts are changed optimistically. Each timeline parses its own QtrStatus objects, so the
 * same post may be several objects at once (a boost and the original in one timeline, the
 * same post in Home and in a thread): rows hand the posts they show to
 * qtr_interactions_track_status(), which keeps them weakly by id. A favourite, boost or
 * bookmark then changes every copy at once (and each notifies, so each row follows), then
 * takes the server's answer, or puts every copy back as it was when the server says no; the
 * caller gets the server's reason. The last answer for each post is kept, so that a copy bound
 * later (a row scrolled into view in another timeline) shows it too. Actions on one post go to
 * the server one after the other, in the order the user made them (a favourite and its undo
 * sent at once could arrive the other way round); each shows at once all the same. */

struct _QtrInteractions
{
  GObject     parent_instance;

  GWeakRef    client;
  char       *account_id;  /* the user's own, nullable */
  GHashTable *tracked;  /* id → GPtrArray of QtrStatus (weak) */
  GHashTable *latest;   /* id → QtrStatus, as the server last described it after an action */
  GHashTable *serials;  /* id → the serial of the last action started on it */
  GHashTable *queued;   /* id → GQueue of GTask: actions waiting for the one on its way */
  guint       serial;
};

enum {
  STATUS_CHANGED,
  STATUS_DELETED,
  RELATIONSHIP_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrInteractions, qtr_interactions, G_TYPE_OBJECT)

/* ---- The registry of the posts shown ------------------------------------------------------ */

static void status_finalized_cb (gpointer  user_data,
                                 GObject  *where_the_object_was);

static void
status_finalized_cb (gpointer  user_data,
                     GObject  *where_the_object_was)
{
  QtrInteractions *self = user_data;
  GHashTableIter iter;
  gpointer key, value;

  /* The id went with the object: look for it. */
  g_hash_table_iter_init (&iter, self->tracked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *copies = value;

      if (g_ptr_array_remove_fast (copies, where_the_object_was))
        {
          if (copies->len == 0)
            g_hash_table_iter_remove (&iter);
          return;
        }
    }
}

/* Every live copy of the post @id, and @also (when it is not tracked), each with a ref. */
static GPtrArray *
collect_copies (QtrInteractions *self,
                const char      *id,
                QtrStatus       *also)
{
  GPtrArray *copies = g_hash_table_lookup (self->tracked, id);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; copies != NULL && i < copies->len; i++)
    g_ptr_array_add (found, g_object_ref (copies->pdata[i]));
  if (also != NULL && !g_ptr_array_find (found, also, NULL))
    g_ptr_array_add (found, g_object_ref (also));
  return found;
}

/* ---- Favourites, boosts, bookmarks -------------------------------------------------------- */

/* One copy's state before the action, to put back if the server says no. */
typedef struct {
  QtrStatus *status;
  gboolean   flag;
  gint64     count;
} Snapshot;

typedef struct {
  char            *id;
  char            *path;
  QtrStatusAction  action;
  guint            serial;
  GArray          *snapshots;  /* Snapshot */
} StatusRequest;

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_object (&snapshot->status);
}

static void
status_request_free (StatusRequest *request)
{
  g_free (request->id);
  g_free (request->path);
  g_clear_pointer (&request->snapshots, g_array_unref);
  g_free (request);
}

static const char *
action_path (QtrStatusAction action)
{
  static const char * const paths[] = {
    "favourite", "unfavourite", "reblog", "unreblog", "bookmark", "unbookmark",
  };

  return paths[action];
}

static gboolean
action_flag (QtrStatusAction action)
{
  return action == QTR_STATUS_ACTION_FAVOURITE || action == QTR_STATUS_ACTION_REBLOG ||
         action == QTR_STATUS_ACTION_BOOKMARK;
}

static gboolean
get_flag (QtrStatus       *status,
          QtrStatusAction  action)
{
  switch (action)
    {
    case QTR_STATUS_ACTION_FAVOURITE:
    case QTR_STATUS_ACTION_UNFAVOURITE:
      return qtr_status_get_favourited (status);
    case QTR_STATUS_ACTION_REBLOG:
    case QTR_STATUS_ACTION_UNREBLOG:
      return qtr_status_get_reblogged (status);
    case QTR_STATUS_ACTION_BOOKMARK:
    case QTR_STATUS_ACTION_UNBOOKMARK:
    default:
      return qtr_status_get_bookmarked (status);
    }
}

/* The count that goes with the flag (bookmarks have none: -1). */
static gint64
get_count (QtrStatus       *status,
           QtrStatusAction  action)
{
  switch (action)
    {
    case QTR_STATUS_ACTION_FAVOURITE:
    case QTR_STATUS_ACTION_UNFAVOURITE:
      return qtr_status_get_favourites_count (status);
    case QTR_STATUS_ACTION_REBLOG:
    case QTR_STATUS_ACTION_UNREBLOG:
      return qtr_status_get_reblogs_count (status);
    case QTR_STATUS_ACTION_BOOKMARK:
    case QTR_STATUS_ACTION_UNBOOKMARK:
    default:
      return -1;
    }
}

static void
set_state (QtrStatus       *status,
           QtrStatusAction  action,
           gboolean         flag,
           gint64           count)
{
  g_object_freeze_notify (G_OBJECT (status));
  switch (action)
    {
    case QTR_STATUS_ACTION_FAVOURITE:
    case QTR_STATUS_ACTION_UNFAVOURITE:
      qtr_status_set_favourited (status, flag);
      qtr_status_set_favourites_count (status, count);
      break;
    case QTR_STATUS_ACTION_REBLOG:
    case QTR_STATUS_ACTION_UNREBLOG:
      qtr_status_set_reblogged (status, flag);
      qtr_status_set_reblogs_count (status, count);
      break;
    case QTR_STATUS_ACTION_BOOKMARK:
    case QTR_STATUS_ACTION_UNBOOKMARK:
    default:
      qtr_status_set_bookmarked (status, flag);
      break;
    }
  g_object_thaw_notify (G_OBJECT (status));
}

static gboolean
is_latest (QtrInteractions *self,
           StatusRequest   *request)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->serials, request->id)) == request->serial;
}

static void status_action_done_cb (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data);

/* The API client for @task's request; once the account is closed, %NULL, and @task has
 * returned its error (@task is not unreffed). */
static QtrApiClient *
dup_client_for_task (QtrInteractions *self,
                     GTask           *task)
{
  QtrApiClient *client = qtr_interactions_dup_client (self);

  if (client == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The account was closed");
  return client;
}

/* Sends @task's action; takes @task. */
static void
send_status_action (QtrInteractions *self,
                    GTask           *task)
{
  StatusRequest *request = g_task_get_task_data (task);
  g_autoptr(QtrApiClient) client = dup_client_for_task (self, task);

  if (client == NULL)
    {
      g_object_unref (task);
      return;
    }
  qtr_api_client_post_form_async (client, request->path, NULL, g_task_get_cancellable (task),
                                  status_action_done_cb, task);
}

/* The action on @id that waited for the one that ended, if any. */
static void
send_next_status_action (QtrInteractions *self,
                         const char      *id)
{
  GQueue *queue = g_hash_table_lookup (self->queued, id);
  GTask *next = queue != NULL ? g_queue_pop_head (queue) : NULL;

  if (next == NULL)
    {
      g_hash_table_remove (self->queued, id);
      return;
    }
  send_status_action (self, next);
}

static void
status_action_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrInteractions *self = g_task_get_source_object (task);
  StatusRequest *request = g_task_get_task_data (task);
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(QtrStatus) answer = NULL;
  g_autoptr(GPtrArray) copies = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  QtrStatus *shown = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response != NULL && (object = qtr_api_response_get_object (response, &error)) != NULL)
    answer = qtr_status_new_from_json (object, &error);
  if (answer != NULL)
    {
      /* A boost answers with the boost: the post is inside. */
      shown = qtr_status_get_reblog (answer) != NULL ? qtr_status_get_reblog (answer) : answer;
      if (g_strcmp0 (qtr_status_get_id (shown), request->id) != 0)
        {
          g_clear_error (&error);
          g_set_error (&error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                       "The server answered about another post (%s, not %s)",
                       qtr_status_get_id (shown), request->id);
          shown = NULL;
        }
    }

  send_next_status_action (self, request->id);
  /* An older request of the same post that ends after a newer one started changes nothing:
   * the newer one decides. */
  if (!is_latest (self, request))
    {
      if (shown == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, g_object_ref (shown), g_object_unref);
      return;
    }
  g_hash_table_remove (self->serials, request->id);

  if (shown == NULL)
    {
      for (guint i = 0; i < request->snapshots->len; i++)
        {
          Snapshot *snapshot = &g_array_index (request->snapshots, Snapshot, i);

          set_state (snapshot->status, request->action, snapshot->flag, snapshot->count);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_hash_table_replace (self->latest, g_strdup (request->id), g_object_ref (shown));
  copies = collect_copies (self, request->id, NULL);
  for (guint i = 0; i < request->snapshots->len; i++)
    {
      Snapshot *snapshot = &g_array_index (request->snapshots, Snapshot, i);

      if (!g_ptr_array_find (copies, snapshot->status, NULL))
        g_ptr_array_add (copies, g_object_ref (snapshot->status));
    }
  for (guint i = 0; i < copies->len; i++)
    qtr_status_copy_interactions (copies->pdata[i], shown);
  g_signal_emit (self, signals[STATUS_CHANGED], 0, shown);
  g_task_return_pointer (task, g_object_ref (shown), g_object_unref);
}

/* ---- Accounts ----------------------------------------------------------------------------- */

static void
relationship_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrInteractions *self = g_task_get_source_object (task);
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(QtrRelationship) relationship = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response != NULL && response->root != NULL && JSON_NODE_HOLDS_ARRAY (response->root))
    {
      /* GET relationships answers with an array, of one here. */
      JsonArray *array = json_node_get_array (response->root);

      for (guint i = 0; object == NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (node))
            object = json_node_get_object (node);
        }
      if (object == NULL)
        g_set_error_literal (&error, QTR_API_ERROR, QTR_API_ERROR_NOT_FOUND,
                             "The server knows no relationship with this account");
    }
  else if (response != NULL)
    object = qtr_api_response_get_object (response, &error);
  if (object != NULL)
    relationship = qtr_relationship_new_from_json (object, &error);
  if (relationship == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_str_equal (g_task_get_task_data (task), "get"))
    g_signal_emit (self, signals[RELATIONSHIP_CHANGED], 0, relationship);
  g_task_return_pointer (task, g_steal_pointer (&relationship), g_object_unref);
}

/* ---- Reports, hashtags, deletions --------------------------------------------------------- */

static void
report_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
tag_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object = NULL;
  JsonNode *following;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response != NULL)
    object = qtr_api_response_get_object (response, &error);
  if (object == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  following = json_object_get_member (object, "following");
  if (following == NULL || !JSON_NODE_HOLDS_VALUE (following) ||
      json_node_get_value_type (following) != G_TYPE_BOOLEAN)
    {
      g_task_return_new_error (task, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                               "The server does not say whether the hashtag is followed: "
                               "it may not support following hashtags");
      return;
    }
  g_task_return_int (task, json_node_get_boolean (following));
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response == NULL || (object = qtr_api_response_get_object (response, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_signal_emit (g_task_get_source_object (task), signals[STATUS_DELETED], 0,
                 (const char *) g_task_get_task_data (task));
  g_task_return_pointer (task, json_object_ref (object), (GDestroyNotify) json_object_unref);
}

/* ---- The profile -------------------------------------------------------------------------- */

typedef struct {
  SoupMultipart *multipart;
  GPtrArray     *files;    /* GFile still to read */
  GPtrArray     *names;    /* their form field names */
  GCancellable  *cancellable;
} ProfileRequest;

static void
profile_request_free (ProfileRequest *request)
{
  g_clear_pointer (&request->multipart, soup_multipart_free);
  g_clear_pointer (&request->files, g_ptr_array_unref);
  g_clear_pointer (&request->names, g_ptr_array_unref);
  g_clear_object (&request->cancellable);
  g_free (request);
}

static void profile_read_next (GTask *task);

static void
profile_updated_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  QtrAccount *account = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response != NULL && (object = qtr_api_response_get_object (response, &error)) != NULL)
    account = qtr_account_new_from_json (object, &error);
  if (account == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, account, g_object_unref);
}

static void
profile_file_read_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProfileRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *mime_type = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (source));

      g_task_return_new_error (task, G_IO_ERROR, error->code,
                               "Could not read “%s”: %s", name, error->message);
      return;
    }
  basename = g_file_get_basename (G_FILE (source));
  content_type = g_content_type_guess (basename, (const guchar *) contents, length, NULL);
  mime_type = g_content_type_get_mime_type (content_type);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  soup_multipart_append_form_file (request->multipart, request->names->pdata[0], basename,
                                   mime_type != NULL ? mime_type : "application/octet-stream",
                                   bytes);
  g_ptr_array_remove_index (request->files, 0);
  g_ptr_array_remove_index (request->names, 0);
  profile_read_next (g_steal_pointer (&task));
}

/* Reads the images one after the other, then sends the form. */
static void
profile_read_next (GTask *task)
{
  QtrInteractions *self = g_task_get_source_object (task);
  ProfileRequest *request = g_task_get_task_data (task);
  g_autoptr(QtrApiClient) client = NULL;

  if (request->files->len > 0)
    {
      g_file_load_contents_async (request->files->pdata[0], request->cancellable,
                                  profile_file_read_cb, task);
      return;
    }
  client = dup_client_for_task (self, task);
  if (client == NULL)
    {
      g_object_unref (task);
      return;
    }
  qtr_api_client_send_multipart_async (client, "PATCH", "/api/v1/accounts/update_credentials",
                                       request->multipart, request->cancellable,
                                       profile_updated_cb, task);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
queue_free (gpointer data)
{
  g_queue_free_full (data, g_object_unref);
}

static void
qtr_interactions_finalize (GObject *object)
{
  QtrInteractions *self = QTR_INTERACTIONS (object);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->tracked);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *copies = value;

      for (guint i = 0; i < copies->len; i++)
        g_object_weak_unref (copies->pdata[i], status_finalized_cb, self);
    }
  g_clear_pointer (&self->tracked, g_hash_table_unref);
  g_clear_pointer (&self->latest, g_hash_table_unref);
  g_clear_pointer (&self->serials, g_hash_table_unref);
  g_clear_pointer (&self->queued, g_hash_table_unref);
  g_weak_ref_clear (&self->client);
  g_free (self->account_id);

  G_OBJECT_CLASS (qtr_interactions_parent_class)->finalize (object);
}

static void
qtr_interactions_class_init (QtrInteractionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_interactions_finalize;

  /**
   * QtrInteractions::status-changed:
   * @status: the post as the server describes it after the user's action
   *
   * A favourite, boost or bookmark (or their undoing) went through.
   */
  signals[STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_STATUS);
  /**
   * QtrInteractions::status-deleted:
   * @id: the id of the user's post that was deleted
   *
   * The server deleted the post: views take it out (without waiting for the stream).
   */
  signals[STATUS_DELETED] =
    g_signal_new ("status-deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * QtrInteractions::relationship-changed:
   * @relationship: the relationship with an account, after the user's action
   *
   * A follow, mute, block, a follow request answered (or their undoing) went through: every
   * view of the account can follow.
   */
  signals[RELATIONSHIP_CHANGED] =
    g_signal_new ("relationship-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_RELATIONSHIP);
}

static void
qtr_interactions_init (QtrInteractions *self)
{
  g_weak_ref_init (&self->client, NULL);
  self->tracked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->serials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, queue_free);
}

/* ---- Public API --------------------------------------------------------------------------- */

/**
 * qtr_interactions_get_for_client:
 * @client: an account's API client
 *
 * Returns: (transfer none): the interactions of @client's account: the same object for as
 *   long as @client lives, so that every view of the account shares it
 */
QtrInteractions *
qtr_interactions_get_for_client (QtrApiClient *client)
{
  QtrInteractions *self;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);

  self = g_object_get_data (G_OBJECT (client), "qtr-interactions");
  if (self != NULL)
    return self;
  self = g_object_new (QTR_TYPE_INTERACTIONS, NULL);
  g_weak_ref_set (&self->client, client);
  g_object_set_data_full (G_OBJECT (client), "qtr-interactions", self, g_object_unref);
  return self;
}

/**
 * qtr_interactions_dup_client:
 *
 * Returns: (transfer full) (nullable): the API client, %NULL once it is gone
 */
QtrApiClient *
qtr_interactions_dup_client (QtrInteractions *self)
{
  g_return_val_if_fail (QTR_IS_INTERACTIONS (self), NULL);

  return g_weak_ref_get (&self->client);
}

/**
 * qtr_interactions_get_account_id:
 *
 * Returns: (nullable): the id of the user's own account on the server, when known
 */
const char *
qtr_interactions_get_account_id (QtrInteractions *self)
{
  g_return_val_if_fail (QTR_IS_INTERACTIONS (self), NULL);

  return self->account_id;
}

/**
 * qtr_interactions_set_account_id:
 * @account_id: (nullable): the id of the user's own account, to tell their posts apart
 */
void
qtr_interactions_set_account_id (QtrInteractions *self,
                                 const char      *account_id)
{
  g_return_if_fail (QTR_IS_INTERACTIONS (self));

  g_free (self->account_id);
  self->account_id = g_strdup (account_id);
}

/**
 * qtr_interactions_track_status:
 * @status: a post a view shows (for a boost, the boosted post is tracked too)
 *
 * Keeps @status (weakly) among the copies of its post that actions change, and gives it the
 * state the server last gave after an action on the post.
 */
void
qtr_interactions_track_status (QtrInteractions *self,
                               QtrStatus       *status)
{
  GPtrArray *copies;
  QtrStatus *latest;
  const char *id;

  g_return_if_fail (QTR_IS_INTERACTIONS (self));
  g_return_if_fail (QTR_IS_STATUS (status));

  if (qtr_status_get_reblog (status) != NULL)
    qtr_interactions_track_status (self, qtr_status_get_reblog (status));
  id = qtr_status_get_id (status);
  copies = g_hash_table_lookup (self->tracked, id);
  if (copies == NULL)
    {
      copies = g_ptr_array_new ();
      g_hash_table_insert (self->tracked, g_strdup (id), copies);
    }
  if (!g_ptr_array_find (copies, status, NULL))
    {
      g_ptr_array_add (copies, status);
      g_object_weak_ref (G_OBJECT (status), status_finalized_cb, self);
    }
  latest = g_hash_table_lookup (self->latest, id);
  /* Not while an action runs: the copy takes the action's state when it ends. */
  if (latest != NULL && latest != status && !g_hash_table_contains (self->serials, id))
    qtr_status_copy_interactions (status, latest);
}

/**
 * qtr_interactions_lookup_status:
 * @id: a post's id
 *
 * Returns: (transfer none) (nullable): a copy of the post that a view shows
 */
QtrStatus *
qtr_interactions_lookup_status (QtrInteractions *self,
                                const char      *id)
{
  GPtrArray *copies;

  g_return_val_if_fail (QTR_IS_INTERACTIONS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  copies = g_hash_table_lookup (self->tracked, id);
  return copies != NULL && copies->len > 0 ? copies->pdata[0] : NULL;
}

/**
 * qtr_interactions_status_async:
 * @status: the post (for a boost, the boosted post is the one acted on)
 * @action: what to do
 *
 * Favourites, boosts or bookmarks a post, or undoes it. Every tracked copy of the post shows
 * the change at once (the count moved by one); once the server answers they take its state,
 * or, when it refuses, go back to what they showed before.
 */
void
qtr_interactions_status_async (QtrInteractions     *self,
                               QtrStatus           *status,
                               QtrStatusAction      action,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(GPtrArray) copies = NULL;
  g_autofree char *escaped = NULL;
  StatusRequest *request;
  gboolean flag = action_flag (action);

  g_return_if_fail (QTR_IS_INTERACTIONS (self));
  g_return_if_fail (QTR_IS_STATUS (status));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_interactions_status_async);
  status = qtr_status_get_shown (status);
  client = dup_client_for_task (self, task);
  if (client == NULL)
    return;

  request = g_new0 (StatusRequest, 1);
  request->id = g_strdup (qtr_status_get_id (status));
  request->action = action;
  request->serial = ++self->serial;
  request->snapshots = g_array_new (FALSE, TRUE, sizeof (Snapshot));
  g_array_set_clear_func (request->snapshots, (GDestroyNotify) snapshot_clear);
  g_task_set_task_data (task, request, (GDestroyNotify) status_request_free);
  g_hash_table_replace (self->serials, g_strdup (request->id),
                        GUINT_TO_POINTER (request->serial));

  copies = collect_copies (self, request->id, status);
  for (guint i = 0; i < copies->len; i++)
    {
      QtrStatus *copy = copies->pdata[i];
      Snapshot snapshot = { g_object_ref (copy), get_flag (copy, action), get_count (copy, action) };
      gint64 count = snapshot.count;

      g_array_append_val (request->snapshots, snapshot);
      if (snapshot.flag != flag && count >= 0)
        count = MAX (count + (flag ? 1 : -1), 0);
      set_state (copy, action, flag, count);
    }

  escaped = g_uri_escape_string (request->id, NULL, FALSE);
  request->path = g_strdup_printf ("/api/v1/statuses/%s/%s", escaped, action_path (action));
  /* One at a time per post: a queue (empty while one action is on its way) says so. */
  if (g_hash_table_contains (self->queued, request->id))
    {
      g_queue_push_tail (g_hash_table_lookup (self->queued, request->id),
                         g_steal_pointer (&task));
      return;
    }
  g_hash_table_insert (self->queued, g_strdup (request->id), g_queue_new ());
  send_status_action (self, g_steal_pointer (&task));
}

/**
 * qtr_interactions_status_finish:
 *
 * Returns: (transfer full): the post as the server describes it now, or %NULL with @error set
 *   (the copies were put back as they were)
 */
QtrStatus *
qtr_interactions_status_finish (QtrInteractions  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qtr_interactions_delete_status_async:
 * @status_id: one of the user's own posts
 *
 * Deletes the post. The server answers with it, its source text included (for "delete and
 * redraft").
 */
void
qtr_interactions_delete_status_async (QtrInteractions     *self,
                                      const char          *status_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (QTR_IS_INTERACTIONS (self));
  g_return_if_fail (status_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_interactions_delete_status_async);
  g_task_set_task_data (task, g_strdup (status_id), g_free);
  client = dup_client_for_task (self, task);
  if (client == NULL)
    return;
  escaped = g_uri_escape_string (status_id, NULL, FALSE);
  path = g_strconcat ("/api/v1/statuses/", escaped, NULL);
  qtr_api_client_delete_async (client, path, cancellable, deleted_cb, g_steal_pointer (&task));
}

/**
 * qtr_interactions_delete_status_finish:
 *
 * Returns: (transfer full): the deleted post's Status entity (with `text`, its source), or
 *   %NULL with @error set
 */
JsonObject *
qtr_interactions_delete_status_finish (QtrInteractions  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_relationship (QtrInteractions     *self,
                    const char          *method,
                    const char          *path,
                    const char * const  *query,
                    const char          *kind,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(QtrApiClient) client = NULL;

  g_task_set_source_tag (task, qtr_interactions_account_async);
  g_task_set_task_data (task, g_strdup (kind), g_free);
  client = dup_client_for_task (self, task);
  if (client == NULL)
    return;
  qtr_api_client_request_async (client, method, path, query,
                                g_str_equal (method, "POST") ? (const char *[]) { NULL } : NULL,
                                NULL, cancellable, relationship_done_cb,
                                g_steal_pointer (&task));
}

/**
 * qtr_interactions_account_async:
 * @account_id: the account's id on the server
 * @action: what to do
 *
 * Follows, mutes or blocks an account, undoes it, or answers its follow request. Following
 * a locked account makes a request: the relationship says `requested` until the account's
 * owner accepts it. Finish with qtr_interactions_account_finish().
 */
void
qtr_interactions_account_async (QtrInteractions     *self,
                                const char          *account_id,
                                QtrAccountAction     action,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  static const char * const verbs[] = {
    "follow", "unfollow", "mute", "unmute", "block", "unblock", "authorize", "reject",
  };
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (QTR_IS_INTERACTIONS (self));
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (action <= QTR_ACCOUNT_ACTION_REJECT);

  escaped = g_uri_escape_string (account_id, NULL, FALSE);
  if (action == QTR_ACCOUNT_ACTION_AUTHORIZE || action == QTR_ACCOUNT_ACTION_REJECT)
    path = g_strdup_printf ("/api/v1/follow_requests/%s/%s", escaped, verbs[action]);
  else
    path = g_strdup_printf ("/api/v1/accounts/%s/%s", escaped, verbs[action]);
  start_relationship (self, "POST", path, NULL, verbs[action], cancellable, callback,
                      user_data);
}

/**
 * qtr_interactions_relationship_async:
 * @account_id: the account's id on the server
 *
 * Asks the server how the user relates to an account. Finish with
 * qtr_interactions_account_finish().
 */
void
qtr_interactions_relationship_async (QtrInteractions     *self,
                                     const char          *account_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  const char *query[] = { "id[]", account_id, NULL };

  g_return_if_fail (QTR_IS_INTERACTIONS (self));
  g_return_if_fail (account_id != NULL);

  start_relationship (self, "GET", "/api/v1/accounts/relationships", query, "get", cancellable,
                      callback, user_data);
}

/**
 * qtr_interactions_account_finish:
 *
 * Returns: (transfer full): the relationship with the account now, or %NULL with @error set
 */
QtrRelationship *
qtr_interactions_account_finish (QtrInteractions  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qtr_interactions_report_async:
 * @account_id: the reported account
 * @status_ids: (nullable) (array zero-terminated=1): its posts that the report is about
 * @comment: (nullable): what is wrong, for the moderators
 * @category: (nullable): `spam`, `legal`, `violation` or `other`
 * @forward: whether the account's own server gets a copy (for a remote account)
 *
 * Reports an account (and some of its posts) to the moderators of the user's server.
 */
void
qtr_interactions_report_async (QtrInteractions     *self,
                               const char          *account_id,
                               const char * const  *status_ids,
                               const char          *comment,
                               const char          *category,
                               gboolean             forward,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  g_autoptr(GPtrArray) form = g_ptr_array_new ();

  g_return_if_fail (QTR_IS_INTERACTIONS (self));
  g_return_if_fail (account_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_interactions_report_async);
  client = dup_client_for_task (self, task);
  if (client == NULL)
    return;
  g_ptr_array_add (form, (gpointer) "account_id");
  g_ptr_array_add (form, (gpointer) account_id);
  for (guint i = 0; status_ids != NULL && status_ids[i] != NULL; i++)
    {
      g_ptr_array_add (form, (gpointer) "status_ids[]");
      g_ptr_array_add (form, (gpointer) status_ids[i]);
    }
  if (comment != NULL && *comment != '\0')
    {
      g_ptr_array_add (form, (gpointer) "comment");
      g_ptr_array_add (form, (gpointer) comment);
    }
  if (category != NULL)
    {
      g_ptr_array_add (form, (gpointer) "category");
      g_ptr_array_add (form, (gpointer) category);
    }
  g_ptr_array_add (form, (gpointer) "forward");
  g_ptr_array_add (form, (gpointer) (forward ? "true" : "false"));
  g_ptr_array_add (form, NULL);
  qtr_api_client_post_form_async (client, "/api/v1/reports", (const char * const *) form->pdata,
                                  cancellable, report_done_cb, g_steal_pointer (&task));
}

gboolean
qtr_interactions_report_finish (QtrInteractions  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * qtr_interactions_tag_async:
 * @name: the hashtag, without `#`
 * @action: follow, unfollow, or only ask
 *
 * Follows or unfollows a hashtag (its posts then come to Home), or asks whether the user
 * does.
 */
void
qtr_interactions_tag_async (QtrInteractions     *self,
                            const char          *name,
                            QtrTagAction         action,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(QtrApiClient) client = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (QTR_IS_INTERACTIONS (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_interactions_tag_async);
  client = dup_client_for_task (self, task);
  if (client == NULL)
    return;
  escaped = g_uri_escape_string (name, NULL, FALSE);
  if (action == QTR_TAG_ACTION_GET)
    {
      path = g_strconcat ("/api/v1/tags/", escaped, NULL);
      qtr_api_client_get_async (client, path, NULL, cancellable, tag_done_cb,
                                g_steal_pointer (&task));
      return;
    }
  path = g_strdup_printf ("/api/v1/tags/%s/%s", escaped,
                          action == QTR_TAG_ACTION_FOLLOW ? "follow" : "unfollow");
  qtr_api_client_post_form_async (client, path, NULL, cancellable, tag_done_cb,
                                  g_steal_pointer (&task));
}

/**
 * qtr_interactions_tag_finish:
 * @following: (out) (optional): whether the user follows the hashtag now
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
qtr_interactions_tag_finish (QtrInteractions  *self,
                             GAsyncResult     *result,
                             gboolean         *following,
                             GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (following != NULL)
    *following = value != 0;
  return TRUE;
}

/**
 * qtr_interactions_update_profile_async:
 * @edit: what to change
 *
 * Changes the user's profile (`PATCH /api/v1/accounts/update_credentials`, a multipart form
 * with the images read from their files). Finish with
 * qtr_interactions_update_profile_finish().
 */
void
qtr_interactions_update_profile_async (QtrInteractions      *self,
                                       const QtrProfileChanges *edit,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  GTask *task;
  ProfileRequest *request;

  g_return_if_fail (QTR_IS_INTERACTIONS (self));
  g_return_if_fail (edit != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_interactions_update_profile_async);
  request = g_new0 (ProfileRequest, 1);
  request->multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  request->files = g_ptr_array_new_with_free_func (g_object_unref);
  request->names = g_ptr_array_new ();
  request->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, request, (GDestroyNotify) profile_request_free);

  if (edit->display_name != NULL)
    soup_multipart_append_form_string (request->multipart, "display_name", edit->display_name);
  if (edit->note != NULL)
    soup_multipart_append_form_string (request->multipart, "note", edit->note);
  if (edit->locked >= 0)
    soup_multipart_append_form_string (request->multipart, "locked",
                                       edit->locked ? "true" : "false");
  if (edit->fields != NULL)
    {
      guint n = 0;

      while (edit->fields[2 * n] != NULL && edit->fields[2 * n + 1] != NULL)
        n++;
      if (n > QTR_PROFILE_MAX_FIELDS)
        {
          g_task_return_new_error (task, QTR_API_ERROR, QTR_API_ERROR_INVALID,
                                   "A profile has at most %d fields", QTR_PROFILE_MAX_FIELDS);
          g_object_unref (task);
          return;
        }
      /* Every place is sent, the empty ones too: that is how a field is removed. */
      for (guint i = 0; i < QTR_PROFILE_MAX_FIELDS; i++)
        {
          g_autofree char *name_key = g_strdup_printf ("fields_attributes[%u][name]", i);
          g_autofree char *value_key = g_strdup_printf ("fields_attributes[%u][value]", i);

          soup_multipart_append_form_string (request->multipart, name_key,
                                             i < n ? edit->fields[2 * i] : "");
          soup_multipart_append_form_string (request->multipart, value_key,
                                             i < n ? edit->fields[2 * i + 1] : "");
        }
    }
  if (edit->avatar != NULL)
    {
      g_ptr_array_add (request->files, g_object_ref (edit->avatar));
      g_ptr_array_add (request->names, (gpointer) "avatar");
    }
  if (edit->header != NULL)
    {
      g_ptr_array_add (request->files, g_object_ref (edit->header));
      g_ptr_array_add (request->names, (gpointer) "header");
    }
  profile_read_next (task);
}

/**
 * qtr_interactions_update_profile_finish:
 *
 * Returns: (transfer full): the user's account as changed, or %NULL with @error set
 */
QtrAccount *
qtr_interactions_update_profile_finish (QtrInteractions  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
