/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-delivery-queue.h"

#include "qtr-source.h"

/* The durable delivery queue. Jobs live in node.db (written in the same transaction as the
 * activity they deliver), so a restart, a crash or a sleeping laptop loses none: the queue
 * reads what is due, sends it through the fetcher with a few connections per host, and then
 * deletes the job (delivered, or refused for good) or postpones it with exponential backoff,
 * honouring Retry-After, for four days. It also looks for jobs every few seconds, for those
 * that `quitter-node` commands queue from another process, and hurries every job when the
 * network comes back. */

#define MAX_IN_FLIGHT 16
#define MAX_PER_HOST 2
/* Jobs read from node.db at once; they are leased, so the next reading returns others. */
#define BATCH_SIZE 256
#define LEASE_SECONDS (10 * 60)
#define DEFAULT_POLL_INTERVAL 5
#define DEFAULT_BASE_DELAY 30
#define MAX_DELAY (12 * 60 * 60)
#define GIVE_UP_AFTER (4 * 24 * 60 * 60)

struct _QtrDeliveryQueue
{
  GObject          parent_instance;

  QtrNodeStore    *store;
  QtrFetcher      *fetcher;
  GCancellable    *cancellable;
  GHashTable      *in_flight;      /* row id (gint64*) -> host */
  GHashTable      *per_host;       /* host -> count */
  GPtrArray       *ready;          /* leased jobs not started yet, oldest first */
  GHashTable      *taken;          /* row ids of ready jobs */
  GMainContext    *context;        /* where it was started: its timers run there */
  GSource         *wake_source;
  guint            poll_interval;
  guint            base_delay;
  gboolean         running;
  GNetworkMonitor *monitor;
  gboolean         network_available;
};

G_DEFINE_FINAL_TYPE (QtrDeliveryQueue, qtr_delivery_queue, G_TYPE_OBJECT)

typedef struct {
  QtrDeliveryQueue *queue;
  QtrDeliveryJob   *job;
} Attempt;

static void pump (QtrDeliveryQueue *self);

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
attempt_free (Attempt *attempt)
{
  g_object_unref (attempt->queue);
  qtr_delivery_job_free (attempt->job);
  g_free (attempt);
}

static guint
host_count (QtrDeliveryQueue *self,
            const char       *host)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->per_host, host));
}

static void
release_slot (QtrDeliveryQueue *self,
              QtrDeliveryJob   *job)
{
  guint count = host_count (self, job->host);

  g_hash_table_remove (self->in_flight, &job->row);
  if (count <= 1)
    g_hash_table_remove (self->per_host, job->host);
  else
    g_hash_table_insert (self->per_host, g_strdup (job->host), GUINT_TO_POINTER (count - 1));
}

/**
 * qtr_delivery_queue_get_backoff:
 * @attempts: failed attempts so far, this one included
 * @retry_after: what the server asked for (seconds), or -1
 *
 * Returns: how long to wait before the next attempt, in seconds
 */
gint64
qtr_delivery_queue_get_backoff (QtrDeliveryQueue *self,
                                guint             attempts,
                                gint64            retry_after)
{
  gint64 delay = self->base_delay;

  for (guint i = 1; i < attempts && delay < MAX_DELAY; i++)
    delay *= 2;
  delay = MIN (delay, MAX_DELAY);
  return MAX (delay, MIN (retry_after, (gint64) MAX_DELAY));
}

static void
record_outcome (QtrDeliveryQueue         *self,
                QtrDeliveryJob           *job,
                const QtrDeliveryOutcome *outcome,
                const GError             *network_error)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  gint64 now = now_seconds ();
  gint64 retry_after = outcome ? outcome->retry_after_seconds : -1;
  gboolean delivered = outcome != NULL && outcome->status >= 200 && outcome->status < 300;
  gboolean permanent = outcome != NULL && outcome->permanent;

  if (delivered)
    {
      g_debug ("Delivered to %s", job->inbox);
      if (!qtr_node_store_finish_delivery (self->store, job->row, &error))
        g_warning ("Cannot remove a delivered job: %s", error->message);
      return;
    }

  reason = network_error ? g_strdup (network_error->message)
                         : g_strdup_printf ("HTTP %u", outcome ? outcome->status : 0);

  if (permanent || now - job->created_at > GIVE_UP_AFTER)
    {
      g_message ("Dropped the delivery to %s (attempt %u): %s", job->inbox, job->attempts + 1,
                 reason);
      if (!qtr_node_store_finish_delivery (self->store, job->row, &error))
        g_warning ("Cannot remove a failed job: %s", error->message);
      return;
    }

  g_debug ("Delivery to %s failed (%s); trying again later", job->inbox, reason);
  if (!qtr_node_store_postpone_delivery (self->store, job->row,
                                         now + qtr_delivery_queue_get_backoff (self,
                                                                               job->attempts + 1,
                                                                               retry_after),
                                         retry_after > 0 ? now + MIN (retry_after, MAX_DELAY)
                                                         : 0,
                                         reason, &error))
    g_warning ("Cannot postpone a delivery: %s", error->message);
}

static void
post_finished_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Attempt *attempt = user_data;
  QtrDeliveryQueue *self = attempt->queue;
  g_autoptr(QtrDeliveryOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  qtr_fetcher_post_finish (QTR_FETCHER (source), result, &outcome, &error);
  release_slot (self, attempt->job);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      attempt_free (attempt);
      return;
    }
  record_outcome (self, attempt->job, outcome, error);
  attempt_free (attempt);
  pump (self);
}

static void
start_attempt (QtrDeliveryQueue *self,
               QtrDeliveryJob   *job)
{
  Attempt *attempt = g_new0 (Attempt, 1);
  gint64 *row = g_new (gint64, 1);

  *row = job->row;
  g_hash_table_insert (self->in_flight, row, NULL);
  g_hash_table_insert (self->per_host, g_strdup (job->host),
                       GUINT_TO_POINTER (host_count (self, job->host) + 1));

  attempt->queue = g_object_ref (self);
  attempt->job = job;
  qtr_fetcher_post_async (self->fetcher, job->inbox, job->body, self->cancellable,
                          post_finished_cb, attempt);
}

static gboolean
wake_cb (gpointer user_data)
{
  QtrDeliveryQueue *self = user_data;

  g_clear_pointer (&self->wake_source, g_source_unref);
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_wake (QtrDeliveryQueue *self)
{
  g_autoptr(GError) error = NULL;
  gint64 next = qtr_node_store_next_delivery_at (self->store, &error);
  gint64 now = now_seconds ();
  guint delay = self->poll_interval;

  if (next < 0)
    g_warning ("Cannot read the delivery queue: %s", error->message);
  else if (next > 0)
    delay = (guint) CLAMP (next - now, 1, (gint64) self->poll_interval);

  qtr_source_clear (&self->wake_source);
  self->wake_source = qtr_source_attach (self->context, delay, wake_cb, self, NULL);
}

/* Starts what the limits allow from the ready jobs. Returns how many started. */
static guint
start_ready (QtrDeliveryQueue *self)
{
  guint started = 0;

  for (guint i = 0; i < self->ready->len; i++)
    {
      QtrDeliveryJob *job = g_ptr_array_index (self->ready, i);

      if (g_hash_table_size (self->in_flight) >= MAX_IN_FLIGHT)
        break;
      if (host_count (self, job->host) >= MAX_PER_HOST)
        continue;
      g_hash_table_remove (self->taken, &job->row);
      start_attempt (self, g_ptr_array_steal_index (self->ready, i));
      started++;
      i--;
    }
  return started;
}

/* Reads due jobs from node.db into the ready list, leasing them. */
static void
read_due_jobs (QtrDeliveryQueue *self)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = now_seconds ();

  jobs = qtr_node_store_due_deliveries (self->store, now, BATCH_SIZE, MAX_PER_HOST, &error);
  if (jobs == NULL)
    {
      g_warning ("Cannot read the delivery queue: %s", error->message);
      return;
    }

  /* Keep only the jobs not here already: a lease that ran out while its job waited, or a job
   * under way. */
  for (guint i = 0; i < jobs->len; i++)
    {
      QtrDeliveryJob *job = g_ptr_array_index (jobs, i);

      if (g_hash_table_contains (self->taken, &job->row) ||
          g_hash_table_contains (self->in_flight, &job->row))
        {
          g_ptr_array_remove_index (jobs, i);
          i--;
        }
    }

  if (!qtr_node_store_lease_deliveries (self->store, jobs, now + LEASE_SECONDS, &error))
    {
      g_warning ("Cannot take deliveries from the queue: %s", error->message);
      return;
    }
  while (jobs->len > 0)
    {
      QtrDeliveryJob *job = g_ptr_array_steal_index (jobs, 0);
      gint64 *row = g_new (gint64, 1);

      *row = job->row;
      g_hash_table_add (self->taken, row);
      g_ptr_array_add (self->ready, job);
    }
}

static void
pump (QtrDeliveryQueue *self)
{
  guint started;

  if (!self->running)
    return;

  started = start_ready (self);
  /* Read node.db again only when the ready jobs ran out or are all held up by their hosts. */
  if (g_hash_table_size (self->in_flight) < MAX_IN_FLIGHT &&
      (self->ready->len == 0 || started == 0))
    {
      read_due_jobs (self);
      start_ready (self);
    }
  schedule_wake (self);
}

typedef struct {
  QtrDeliveryQueue *queue;
  gboolean          available;
} NetworkChange;

static void
network_change_free (NetworkChange *change)
{
  g_object_unref (change->queue);
  g_free (change);
}

static gboolean
network_change_cb (gpointer user_data)
{
  NetworkChange *change = user_data;
  QtrDeliveryQueue *self = change->queue;
  g_autoptr(GError) error = NULL;
  gboolean was_available = self->network_available;

  self->network_available = change->available;
  if (!self->running || !change->available || was_available)
    return G_SOURCE_REMOVE;

  /* A laptop woke up or found Wi-Fi: what waited for backoff can go now. */
  if (!qtr_node_store_hurry_deliveries (self->store, now_seconds (), &error))
    g_warning ("Cannot reschedule deliveries: %s", error->message);
  pump (self);
  return G_SOURCE_REMOVE;
}

/* The monitor signals in the context that made it, maybe another thread's: the change is
 * handled in the queue's own context. */
static void
network_changed_cb (GNetworkMonitor  *monitor,
                    gboolean          available,
                    QtrDeliveryQueue *self)
{
  NetworkChange *change = g_new0 (NetworkChange, 1);

  change->queue = g_object_ref (self);
  change->available = available;
  if (g_main_context_is_owner (self->context))
    {
      network_change_cb (change);
      network_change_free (change);
      return;
    }
  g_source_unref (qtr_source_attach (self->context, 0, network_change_cb, change,
                                     (GDestroyNotify) network_change_free));
}

static void
qtr_delivery_queue_dispose (GObject *object)
{
  QtrDeliveryQueue *self = QTR_DELIVERY_QUEUE (object);

  qtr_delivery_queue_stop (self);
  g_clear_object (&self->store);
  g_clear_object (&self->fetcher);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (qtr_delivery_queue_parent_class)->dispose (object);
}

static void
qtr_delivery_queue_finalize (GObject *object)
{
  QtrDeliveryQueue *self = QTR_DELIVERY_QUEUE (object);

  g_hash_table_unref (self->in_flight);
  g_hash_table_unref (self->per_host);
  g_ptr_array_unref (self->ready);
  g_hash_table_unref (self->taken);

  G_OBJECT_CLASS (qtr_delivery_queue_parent_class)->finalize (object);
}

static void
qtr_delivery_queue_class_init (QtrDeliveryQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_delivery_queue_dispose;
  object_class->finalize = qtr_delivery_queue_finalize;
}

static void
qtr_delivery_queue_init (QtrDeliveryQueue *self)
{
  self->in_flight = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->per_host = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->ready = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_delivery_job_free);
  self->taken = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->poll_interval = DEFAULT_POLL_INTERVAL;
  self->base_delay = DEFAULT_BASE_DELAY;
  self->network_available = TRUE;
}

QtrDeliveryQueue *
qtr_delivery_queue_new (QtrNodeStore *store,
                        QtrFetcher   *fetcher)
{
  QtrDeliveryQueue *self = g_object_new (QTR_TYPE_DELIVERY_QUEUE, NULL);

  self->store = g_object_ref (store);
  self->fetcher = g_object_ref (fetcher);
  return self;
}

/**
 * qtr_delivery_queue_start:
 *
 * Starts sending, from the thread-default main context of the caller.
 */
void
qtr_delivery_queue_start (QtrDeliveryQueue *self)
{
  g_return_if_fail (QTR_IS_DELIVERY_QUEUE (self));

  if (self->running)
    return;
  self->running = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();

  self->monitor = g_network_monitor_get_default ();
  self->network_available = g_network_monitor_get_network_available (self->monitor);
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (network_changed_cb),
                           self, 0);

  /* A node that starts was off (restarted, or a laptop that slept): whatever waited for its
   * backoff may get through now. */
  {
    g_autoptr(GError) error = NULL;

    if (!qtr_node_store_hurry_deliveries (self->store, now_seconds (), &error))
      g_warning ("Cannot reschedule deliveries: %s", error->message);
  }
  pump (self);
}

/**
 * qtr_delivery_queue_stop:
 *
 * Stops sending; attempts under way are cancelled and stay queued.
 */
void
qtr_delivery_queue_stop (QtrDeliveryQueue *self)
{
  g_return_if_fail (QTR_IS_DELIVERY_QUEUE (self));

  if (self->running && self->ready->len > 0)
    {
      g_autoptr(GError) error = NULL;

      /* Give back what was taken and not started. */
      if (!qtr_node_store_lease_deliveries (self->store, self->ready, now_seconds (), &error))
        g_warning ("Cannot give deliveries back to the queue: %s", error->message);
    }
  g_ptr_array_set_size (self->ready, 0);
  g_hash_table_remove_all (self->taken);

  self->running = FALSE;
  qtr_source_clear (&self->wake_source);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->monitor, network_changed_cb, self);
      self->monitor = NULL;
    }
}

/**
 * qtr_delivery_queue_kick:
 *
 * Looks for due jobs now: call it after queueing some.
 */
void
qtr_delivery_queue_kick (QtrDeliveryQueue *self)
{
  g_return_if_fail (QTR_IS_DELIVERY_QUEUE (self));
  pump (self);
}

void
qtr_delivery_queue_set_poll_interval (QtrDeliveryQueue *self,
                                      guint             seconds)
{
  self->poll_interval = MAX (seconds, 1);
}

void
qtr_delivery_queue_set_base_delay (QtrDeliveryQueue *self,
                                   guint             seconds)
{
  self->base_delay = MAX (seconds, 1);
}
