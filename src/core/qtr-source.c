/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-source.h"

/* Timers and idle work in a chosen main context. The node runs in the context it was started
 * in, which is not the global default one when the app runs it on a thread of its own:
 * g_timeout_add() and g_source_remove() only know the global one. */

/**
 * qtr_source_attach:
 * @context: (nullable): where @func runs; %NULL for the global default context
 * @seconds: the interval, 0 for an idle source
 *
 * Returns: (transfer full): the attached source, for qtr_source_clear()
 */
GSource *
qtr_source_attach (GMainContext   *context,
                   guint           seconds,
                   GSourceFunc     func,
                   gpointer        data,
                   GDestroyNotify  destroy)
{
  GSource *source = seconds > 0 ? g_timeout_source_new_seconds (seconds) : g_idle_source_new ();

  g_source_set_callback (source, func, data, destroy);
  g_source_attach (source, context);
  return source;
}

/**
 * qtr_source_clear:
 *
 * Destroys the source in *@source, if any, and forgets it.
 */
void
qtr_source_clear (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}
