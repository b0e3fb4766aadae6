/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-account-watcher.h"

#include "qtr-notification-list.h"
#include "qtr-server-info.h"
#include "qtr-streaming-client.h"

/* QtrAccountWatcher: the notifications of the logged-in accounts that are not open in the
 * window, for desktop notifications.
 *
 * The open account's session has its own notifications stream; for each other account of the
 * store, the watcher keeps a small one: its API client, what its server can do, a notification
 * list that only streaming fills (nothing is paged or cached), and a streaming client for it
 * alone, given to the notifier. qtr_account_watcher_update() follows the account list and the
 * open account: a watch starts for an account that appears or is no longer open, and stops
 * (its requests cancelled, its stream closed) for one that goes or opens in the window. */

typedef struct {
  char               *handle;
  GCancellable       *cancellable;
  QtrApiClient       *client;
  QtrTimeline        *notifications;
  QtrStreamingClient *streaming;
} Watch;

struct _QtrAccountWatcher
{
  GObject          parent_instance;

  QtrAccountStore *store;
  QtrNotifier     *notifier;
  GHashTable      *watches;  /* handle → Watch */
};

G_DEFINE_FINAL_TYPE (QtrAccountWatcher, qtr_account_watcher, G_TYPE_OBJECT)

static void
watch_free (Watch *watch)
{
  g_cancellable_cancel (watch->cancellable);
  if (watch->streaming != NULL)
    qtr_streaming_client_stop (watch->streaming);
  g_clear_object (&watch->streaming);
  g_clear_object (&watch->notifications);
  g_clear_object (&watch->client);
  g_clear_object (&watch->cancellable);
  g_free (watch->handle);
  g_free (watch);
}

/* The watch of @handle, if it is still the one that @cancellable belongs to. */
static Watch *
find_watch (QtrAccountWatcher *self,
            const char        *handle,
            GCancellable      *cancellable)
{
  Watch *watch = g_hash_table_lookup (self->watches, handle);

  return watch != NULL && watch->cancellable == cancellable ? watch : NULL;
}

typedef struct {
  QtrAccountWatcher *self;
  char              *handle;
  GCancellable      *cancellable;
} Step;

static Step *
step_new (QtrAccountWatcher *self,
          Watch             *watch)
{
  Step *step = g_new0 (Step, 1);

  step->self = g_object_ref (self);
  step->handle = g_strdup (watch->handle);
  step->cancellable = g_object_ref (watch->cancellable);
  return step;
}

static void
step_free (Step *step)
{
  g_object_unref (step->self);
  g_free (step->handle);
  g_object_unref (step->cancellable);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  g_autoptr(QtrServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  Watch *watch;

  info = qtr_server_info_discover_finish (result, &error);
  if ((watch = find_watch (step->self, step->handle, step->cancellable)) == NULL)
    return;
  if (info == NULL)
    {
      g_debug ("The notifications of %s are not watched: %s", step->handle, error->message);
      return;
    }
  watch->notifications = QTR_TIMELINE (qtr_notification_list_new (watch->client, info, NULL,
                                                                  NULL));
  qtr_notifier_watch (step->self->notifier, watch->handle, watch->notifications);
  watch->streaming = qtr_streaming_client_new (watch->client, info);
  qtr_streaming_client_add_timeline (watch->streaming, watch->notifications);
  qtr_streaming_client_start (watch->streaming);
}

static void
credentials_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  g_autoptr(QtrCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  Watch *watch;

  credentials = qtr_account_store_load_credentials_finish (QTR_ACCOUNT_STORE (source), result,
                                                           &error);
  if ((watch = find_watch (step->self, step->handle, step->cancellable)) == NULL)
    return;
  if (credentials != NULL)
    watch->client = qtr_api_client_new (credentials->server, credentials->access_token, &error);
  if (watch->client == NULL)
    {
      g_debug ("The notifications of %s are not watched: %s", step->handle, error->message);
      return;
    }
  qtr_server_info_discover_async (watch->client, watch->cancellable, discovered_cb,
                                  g_steal_pointer (&step));
}

static void
qtr_account_watcher_dispose (GObject *object)
{
  QtrAccountWatcher *self = QTR_ACCOUNT_WATCHER (object);

  g_hash_table_remove_all (self->watches);
  g_clear_object (&self->store);
  g_clear_object (&self->notifier);

  G_OBJECT_CLASS (qtr_account_watcher_parent_class)->dispose (object);
}

static void
qtr_account_watcher_finalize (GObject *object)
{
  g_hash_table_unref (QTR_ACCOUNT_WATCHER (object)->watches);

  G_OBJECT_CLASS (qtr_account_watcher_parent_class)->finalize (object);
}

static void
qtr_account_watcher_class_init (QtrAccountWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_account_watcher_dispose;
  object_class->finalize = qtr_account_watcher_finalize;
}

static void
qtr_account_watcher_init (QtrAccountWatcher *self)
{
  self->watches = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) watch_free);
}

/**
 * qtr_account_watcher_new:
 * @store: the logged-in accounts
 * @notifier: what sends the desktop notifications
 *
 * Returns: (transfer full): a watcher that watches nothing until updated
 */
QtrAccountWatcher *
qtr_account_watcher_new (QtrAccountStore *store,
                         QtrNotifier     *notifier)
{
  QtrAccountWatcher *self;

  g_return_val_if_fail (QTR_IS_ACCOUNT_STORE (store), NULL);
  g_return_val_if_fail (QTR_IS_NOTIFIER (notifier), NULL);

  self = g_object_new (QTR_TYPE_ACCOUNT_WATCHER, NULL);
  self->store = g_object_ref (store);
  self->notifier = g_object_ref (notifier);
  return self;
}

/**
 * qtr_account_watcher_update:
 * @active: (nullable): the account open in the window, which its session watches
 *
 * Watches the notifications of every account of the store but @active, and no others.
 */
void
qtr_account_watcher_update (QtrAccountWatcher *self,
                            const char        *active)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  const char *handle;
  Watch *watch;

  g_return_if_fail (QTR_IS_ACCOUNT_WATCHER (self));

  accounts = qtr_account_store_list (self->store);
  for (guint i = 0; i < accounts->len; i++)
    {
      const QtrStoredAccount *account = accounts->pdata[i];

      if (g_strcmp0 (account->handle, active) != 0)
        g_hash_table_add (wanted, account->handle);
    }
  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &watch))
    {
      if (!g_hash_table_contains (wanted, watch->handle))
        g_hash_table_iter_remove (&iter);
    }
  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, (gpointer *) &handle, NULL))
    {
      if (g_hash_table_contains (self->watches, handle))
        continue;
      watch = g_new0 (Watch, 1);
      watch->handle = g_strdup (handle);
      watch->cancellable = g_cancellable_new ();
      g_hash_table_insert (self->watches, watch->handle, watch);
      qtr_account_store_load_credentials_async (self->store, watch->handle, watch->cancellable,
                                                credentials_loaded_cb, step_new (self, watch));
    }
}

/**
 * qtr_account_watcher_is_watching:
 *
 * Returns: whether the notifications of @handle are watched (or about to be)
 */
gboolean
qtr_account_watcher_is_watching (QtrAccountWatcher *self,
                                 const char        *handle)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT_WATCHER (self), FALSE);

  return g_hash_table_contains (self->watches, handle);
}
