/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-rate-limiter.h"

#include <math.h>

/* A token bucket per key (a remote address): a key may spend a minute's allowance at once and
 * earns it back evenly over the minute. Buckets that are full again are forgotten, so the
 * table stays as large as the set of busy senders. */

#define MAX_KEYS 100000

typedef struct {
  double tokens;
  gint64 updated;
} Bucket;

struct _QtrRateLimiter
{
  guint       per_minute;
  GHashTable *buckets;
};

QtrRateLimiter *
qtr_rate_limiter_new (guint per_minute)
{
  QtrRateLimiter *self = g_new0 (QtrRateLimiter, 1);

  self->per_minute = per_minute;
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
qtr_rate_limiter_free (QtrRateLimiter *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->buckets);
  g_free (self);
}

static double
refill (const QtrRateLimiter *self,
        Bucket               *bucket,
        gint64                now_usec)
{
  double earned = (double) (now_usec - bucket->updated) / (60.0 * G_USEC_PER_SEC) *
                  self->per_minute;

  bucket->tokens = MIN ((double) self->per_minute, bucket->tokens + MAX (earned, 0.0));
  bucket->updated = now_usec;
  return bucket->tokens;
}

static gboolean
is_full_cb (gpointer key,
            gpointer value,
            gpointer user_data)
{
  const QtrRateLimiter *self = ((gpointer *) user_data)[0];
  gint64 now_usec = *(gint64 *) ((gpointer *) user_data)[1];

  return refill (self, value, now_usec) >= self->per_minute;
}

/**
 * qtr_rate_limiter_take:
 * @key: who is asking
 * @now_usec: the monotonic time
 * @retry_after: (out): when refused, in how many seconds one request will be allowed
 *
 * Returns: %TRUE when @key may make one more request now (and it is counted)
 */
gboolean
qtr_rate_limiter_take (QtrRateLimiter *self,
                       const char     *key,
                       gint64          now_usec,
                       guint          *retry_after)
{
  Bucket *bucket;

  if (self->per_minute == 0)
    return TRUE;

  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket == NULL)
    {
      if (g_hash_table_size (self->buckets) >= MAX_KEYS)
        {
          gpointer data[] = { self, &now_usec };
          g_hash_table_foreach_remove (self->buckets, is_full_cb, data);
        }
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = self->per_minute;
      bucket->updated = now_usec;
      g_hash_table_insert (self->buckets, g_strdup (key), bucket);
    }

  if (refill (self, bucket, now_usec) >= 1.0)
    {
      bucket->tokens -= 1.0;
      return TRUE;
    }

  if (retry_after != NULL)
    *retry_after = (guint) ceil ((1.0 - bucket->tokens) * 60.0 / self->per_minute);
  return FALSE;
}

/**
 * qtr_rate_limiter_give_back:
 * @key: who asked
 *
 * Returns the request qtr_rate_limiter_take() counted: for limits on failures, where each
 * attempt is counted before it is tried (so that attempts made at once are counted too) and
 * given back when it succeeds.
 */
void
qtr_rate_limiter_give_back (QtrRateLimiter *self,
                            const char     *key)
{
  Bucket *bucket = g_hash_table_lookup (self->buckets, key);

  if (bucket != NULL)
    bucket->tokens = MIN ((double) self->per_minute, bucket->tokens + 1.0);
}
