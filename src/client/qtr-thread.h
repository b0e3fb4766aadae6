/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-api-client.h"
#include "qtr-status.h"

G_BEGIN_DECLS

#define QTR_TYPE_THREAD (qtr_thread_get_type ())

G_DECLARE_FINAL_TYPE (QtrThread, qtr_thread, QTR, THREAD, GObject)

QtrThread  *qtr_thread_new                  (QtrApiClient         *client,
                                             const char           *status_id);
const char *qtr_thread_get_status_id        (QtrThread            *self);
QtrStatus  *qtr_thread_get_focused          (QtrThread            *self);
guint       qtr_thread_get_focused_position (QtrThread            *self);
guint       qtr_thread_get_depth            (QtrThread            *self,
                                             guint                 position);
gboolean    qtr_thread_get_loading          (QtrThread            *self);

void        qtr_thread_load_async           (QtrThread            *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean    qtr_thread_load_finish          (QtrThread            *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
