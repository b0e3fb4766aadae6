/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How many items of each timeline the cache keeps: the newest ones. */
#define QTR_CACHE_DEFAULT_ITEMS_PER_TIMELINE 200

#define QTR_TYPE_CACHE (qtr_cache_get_type ())

G_DECLARE_FINAL_TYPE (QtrCache, qtr_cache, QTR, CACHE, GObject)

char       *qtr_cache_build_path            (const char           *account_key);

void        qtr_cache_open_async            (const char           *path,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
QtrCache   *qtr_cache_open_finish           (GAsyncResult         *result,
                                             GError              **error);
const char *qtr_cache_get_path              (QtrCache             *self);
guint       qtr_cache_get_items_per_timeline (QtrCache            *self);
void        qtr_cache_set_items_per_timeline (QtrCache            *self,
                                              guint                 n_items);

void        qtr_cache_save_timeline_async   (QtrCache             *self,
                                             const char           *timeline,
                                             GPtrArray            *entries,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean    qtr_cache_save_timeline_finish  (QtrCache             *self,
                                             GAsyncResult         *result,
                                             GError              **error);
void        qtr_cache_load_timeline_async   (QtrCache             *self,
                                             const char           *timeline,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GPtrArray  *qtr_cache_load_timeline_finish  (QtrCache             *self,
                                             GAsyncResult         *result,
                                             GError              **error);

void        qtr_cache_save_marker_async     (QtrCache             *self,
                                             const char           *timeline,
                                             const char           *last_read_id,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean    qtr_cache_save_marker_finish    (QtrCache             *self,
                                             GAsyncResult         *result,
                                             GError              **error);
void        qtr_cache_load_marker_async     (QtrCache             *self,
                                             const char           *timeline,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
char       *qtr_cache_load_marker_finish    (QtrCache             *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
