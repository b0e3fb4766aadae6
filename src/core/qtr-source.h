/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GSource *qtr_source_attach (GMainContext   *context,
                            guint           seconds,
                            GSourceFunc     func,
                            gpointer        data,
                            GDestroyNotify  destroy);
void     qtr_source_clear  (GSource       **source);

G_END_DECLS
