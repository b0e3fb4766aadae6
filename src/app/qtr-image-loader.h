/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What one decoded image may weigh at most: larger ones are refused, not decoded. */
#define QTR_IMAGE_LOADER_MAX_DOWNLOAD (32 * 1024 * 1024)
#define QTR_IMAGE_LOADER_DEFAULT_CACHE_BYTES (64 * 1024 * 1024)
/* The disk cache's bound when the settings say nothing else. */
#define QTR_IMAGE_LOADER_DEFAULT_DISK_BYTES (200 * 1024 * 1024)

#define QTR_TYPE_IMAGE_LOADER (qtr_image_loader_get_type ())

G_DECLARE_FINAL_TYPE (QtrImageLoader, qtr_image_loader, QTR, IMAGE_LOADER, GObject)

QtrImageLoader *qtr_image_loader_new               (gsize                 max_bytes);
QtrImageLoader *qtr_image_loader_get_default       (void);

gsize           qtr_image_loader_get_max_bytes     (QtrImageLoader       *self);
gsize           qtr_image_loader_get_cached_bytes  (QtrImageLoader       *self);
guint           qtr_image_loader_get_n_cached      (QtrImageLoader       *self);
GdkPaintable   *qtr_image_loader_lookup            (QtrImageLoader       *self,
                                                    const char           *url);
void            qtr_image_loader_set_disk_cache    (QtrImageLoader       *self,
                                                    const char           *dir,
                                                    guint64               max_bytes);
const char     *qtr_image_loader_get_disk_cache    (QtrImageLoader       *self,
                                                    guint64              *max_bytes);
char           *qtr_image_loader_build_disk_cache_path (void);

void            qtr_image_loader_load_async        (QtrImageLoader       *self,
                                                    const char           *url,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GdkPaintable   *qtr_image_loader_load_finish       (QtrImageLoader       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
