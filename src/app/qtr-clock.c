/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-clock.h"

#include <glib/gi18n.h>

/* QtrClock: one timer for every relative time on screen ("5 min", "3 h").
 *
 * Each row that shows a time holds the clock while it is mapped and listens to its "tick"
 * signal; the clock runs its single timeout only while someone holds it, so a window that
 * shows no times, or no window at all, wakes nothing up. Tests may pin the time with
 * qtr_clock_set_now(). */

#define DEFAULT_INTERVAL_SECONDS 30

struct _QtrClock
{
  GObject    parent_instance;

  guint      interval;
  guint      holds;
  guint      timeout_id;
  GDateTime *fixed_now;  /* nullable: the time tests set */
};

enum {
  TICK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrClock, qtr_clock, G_TYPE_OBJECT)

static gboolean
timeout_cb (gpointer user_data)
{
  qtr_clock_tick (user_data);
  return G_SOURCE_CONTINUE;
}

static void
qtr_clock_finalize (GObject *object)
{
  QtrClock *self = QTR_CLOCK (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_pointer (&self->fixed_now, g_date_time_unref);

  G_OBJECT_CLASS (qtr_clock_parent_class)->finalize (object);
}

static void
qtr_clock_class_init (QtrClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_clock_finalize;

  /**
   * QtrClock::tick:
   *
   * Time has moved on: relative times are to be shown again.
   */
  signals[TICK] = g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
qtr_clock_init (QtrClock *self)
{
  self->interval = DEFAULT_INTERVAL_SECONDS;
}

/**
 * qtr_clock_new:
 * @interval_seconds: how often it ticks while held
 *
 * Returns: (transfer full): a clock; the app's widgets share qtr_clock_get_default()
 */
QtrClock *
qtr_clock_new (guint interval_seconds)
{
  QtrClock *self = g_object_new (QTR_TYPE_CLOCK, NULL);

  self->interval = MAX (interval_seconds, 1);
  return self;
}

/**
 * qtr_clock_get_default:
 *
 * Returns: (transfer none): the clock all rows share
 */
QtrClock *
qtr_clock_get_default (void)
{
  static QtrClock *clock;

  if (clock == NULL)
    clock = qtr_clock_new (DEFAULT_INTERVAL_SECONDS);
  return clock;
}

/**
 * qtr_clock_hold:
 *
 * Keeps the clock ticking until the matching qtr_clock_release(); the first hold starts the
 * timer.
 */
void
qtr_clock_hold (QtrClock *self)
{
  g_return_if_fail (QTR_IS_CLOCK (self));

  if (self->holds++ == 0)
    self->timeout_id = g_timeout_add_seconds (self->interval, timeout_cb, self);
}

/**
 * qtr_clock_release:
 *
 * Undoes one qtr_clock_hold(); the last release stops the timer.
 */
void
qtr_clock_release (QtrClock *self)
{
  g_return_if_fail (QTR_IS_CLOCK (self));
  g_return_if_fail (self->holds > 0);

  if (--self->holds == 0)
    g_clear_handle_id (&self->timeout_id, g_source_remove);
}

/**
 * qtr_clock_is_running:
 *
 * Returns: whether its timer runs (someone holds it)
 */
gboolean
qtr_clock_is_running (QtrClock *self)
{
  g_return_val_if_fail (QTR_IS_CLOCK (self), FALSE);

  return self->timeout_id != 0;
}

/**
 * qtr_clock_tick:
 *
 * Emits #QtrClock::tick now, as the timer does.
 */
void
qtr_clock_tick (QtrClock *self)
{
  g_return_if_fail (QTR_IS_CLOCK (self));

  g_signal_emit (self, signals[TICK], 0);
}

/**
 * qtr_clock_get_now:
 *
 * Returns: (transfer full): the current time, or the one set with qtr_clock_set_now()
 */
GDateTime *
qtr_clock_get_now (QtrClock *self)
{
  g_return_val_if_fail (QTR_IS_CLOCK (self), NULL);

  if (self->fixed_now != NULL)
    return g_date_time_ref (self->fixed_now);
  return g_date_time_new_now_utc ();
}

/**
 * qtr_clock_set_now:
 * @now: (nullable): the time to report from now on; %NULL for the real time
 *
 * Pins the time (for tests and screenshots) and ticks.
 */
void
qtr_clock_set_now (QtrClock  *self,
                   GDateTime *now)
{
  g_return_if_fail (QTR_IS_CLOCK (self));

  g_clear_pointer (&self->fixed_now, g_date_time_unref);
  if (now != NULL)
    self->fixed_now = g_date_time_ref (now);
  qtr_clock_tick (self);
}

/**
 * qtr_format_relative_time:
 *
 * Returns: (transfer full): how long ago @then was, short, for a row: “now”, “5 min”, “3 h”,
 *   “2 d”, or the date for older times
 */
char *
qtr_format_relative_time (GDateTime *then,
                          GDateTime *now)
{
  GTimeSpan span = g_date_time_difference (now, then);
  gint64 minutes = span / G_TIME_SPAN_MINUTE;
  g_autoptr(GDateTime) local = NULL;

  if (minutes < 1)
    /* Translators: the time of a post made less than a minute ago */
    return g_strdup (_("now"));
  if (minutes < 60)
    /* Translators: the time of a post, in minutes ago, short */
    return g_strdup_printf (_("%d min"), (int) minutes);
  if (minutes < 24 * 60)
    /* Translators: the time of a post, in hours ago, short */
    return g_strdup_printf (_("%d h"), (int) (minutes / 60));
  if (minutes < 7 * 24 * 60)
    /* Translators: the time of a post, in days ago, short */
    return g_strdup_printf (_("%d d"), (int) (minutes / (24 * 60)));

  local = g_date_time_to_local (then);
  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: the date of an older post this year, strftime format: e.g. "30 Oct" */
    return g_date_time_format (local, _("%e %b"));
  /* Translators: the date of a post of an earlier year, strftime format */
  return g_date_time_format (local, _("%e %b %Y"));
}

/**
 * qtr_format_relative_time_long:
 *
 * Returns: (transfer full): how long ago @then was, in words, for screen readers and tooltips
 */
char *
qtr_format_relative_time_long (GDateTime *then,
                               GDateTime *now)
{
  GTimeSpan span = g_date_time_difference (now, then);
  gint64 minutes = span / G_TIME_SPAN_MINUTE;
  g_autoptr(GDateTime) local = NULL;
  int n;

  if (minutes < 1)
    return g_strdup (_("just now"));
  if (minutes < 60)
    {
      n = (int) minutes;
      return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", n), n);
    }
  if (minutes < 24 * 60)
    {
      n = (int) (minutes / 60);
      return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", n), n);
    }
  if (minutes < 7 * 24 * 60)
    {
      n = (int) (minutes / (24 * 60));
      return g_strdup_printf (ngettext ("%d day ago", "%d days ago", n), n);
    }
  local = g_date_time_to_local (then);
  /* Translators: the date and time of an older post, strftime format */
  return g_date_time_format (local, _("%e %B %Y, %H:%M"));
}
