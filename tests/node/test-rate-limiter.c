/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-rate-limiter.h"

#define SECOND G_USEC_PER_SEC

static void
test_burst_then_refill (void)
{
  g_autoptr(QtrRateLimiter) limiter = qtr_rate_limiter_new (60);
  guint retry_after = 0;
  gint64 t = 1000 * SECOND;

  /* A minute's allowance at once, then nothing. */
  for (int i = 0; i < 60; i++)
    g_assert_true (qtr_rate_limiter_take (limiter, "198.51.100.7", t, &retry_after));
  g_assert_false (qtr_rate_limiter_take (limiter, "198.51.100.7", t, &retry_after));
  g_assert_cmpuint (retry_after, ==, 1);

  /* Others are not affected. */
  g_assert_true (qtr_rate_limiter_take (limiter, "203.0.113.9", t, NULL));

  /* One a second comes back. */
  g_assert_true (qtr_rate_limiter_take (limiter, "198.51.100.7", t + SECOND, NULL));
  g_assert_false (qtr_rate_limiter_take (limiter, "198.51.100.7", t + SECOND, NULL));
  for (int i = 0; i < 60; i++)
    g_assert_true (qtr_rate_limiter_take (limiter, "198.51.100.7", t + 62 * SECOND, NULL));
  g_assert_false (qtr_rate_limiter_take (limiter, "198.51.100.7", t + 62 * SECOND, NULL));
}

static void
test_retry_after (void)
{
  g_autoptr(QtrRateLimiter) limiter = qtr_rate_limiter_new (2);
  guint retry_after = 0;

  g_assert_true (qtr_rate_limiter_take (limiter, "a", 0, NULL));
  g_assert_true (qtr_rate_limiter_take (limiter, "a", 0, NULL));
  g_assert_false (qtr_rate_limiter_take (limiter, "a", 0, &retry_after));
  g_assert_cmpuint (retry_after, ==, 30);
  g_assert_false (qtr_rate_limiter_take (limiter, "a", 29 * SECOND, NULL));
  g_assert_true (qtr_rate_limiter_take (limiter, "a", 30 * SECOND, NULL));
}

static void
test_unlimited (void)
{
  g_autoptr(QtrRateLimiter) limiter = qtr_rate_limiter_new (0);

  for (int i = 0; i < 100000; i++)
    g_assert_true (qtr_rate_limiter_take (limiter, "a", 0, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/node/rate-limiter/burst-then-refill", test_burst_then_refill);
  g_test_add_func ("/node/rate-limiter/retry-after", test_retry_after);
  g_test_add_func ("/node/rate-limiter/unlimited", test_unlimited);

  return g_test_run ();
}
