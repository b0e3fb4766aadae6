/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-image-loader.h"
#include "qtr-media-attachment.h"

G_BEGIN_DECLS

/* What the viewer's full-size images may weigh together in its own cache (thumbnails and
 * avatars stay in the shared loader's). */
#define QTR_MEDIA_VIEWER_CACHE_BYTES (256 * 1024 * 1024)
#define QTR_MEDIA_VIEWER_MIN_ZOOM 0.1
#define QTR_MEDIA_VIEWER_MAX_ZOOM 8.0
#define QTR_MEDIA_VIEWER_ZOOM_STEP 1.25

#define QTR_TYPE_MEDIA_VIEWER (qtr_media_viewer_get_type ())

G_DECLARE_FINAL_TYPE (QtrMediaViewer, qtr_media_viewer, QTR, MEDIA_VIEWER, AdwWindow)

QtrMediaViewer     *qtr_media_viewer_new              (GtkWindow          *parent,
                                                       GPtrArray          *media,
                                                       guint               index);
QtrMediaViewer     *qtr_media_viewer_show             (GtkWidget          *from,
                                                       GPtrArray          *media,
                                                       guint               index);
void                qtr_media_viewer_set_image_loader (QtrMediaViewer     *self,
                                                       QtrImageLoader     *loader);
guint               qtr_media_viewer_get_index        (QtrMediaViewer     *self);
guint               qtr_media_viewer_get_n_media      (QtrMediaViewer     *self);
void                qtr_media_viewer_set_index        (QtrMediaViewer     *self,
                                                       guint               index);
QtrMediaAttachment *qtr_media_viewer_get_media        (QtrMediaViewer     *self);
double              qtr_media_viewer_get_zoom         (QtrMediaViewer     *self);
void                qtr_media_viewer_set_zoom         (QtrMediaViewer     *self,
                                                       double              zoom);
const char         *qtr_media_viewer_get_shown        (QtrMediaViewer     *self);
GtkPicture         *qtr_media_viewer_get_picture      (QtrMediaViewer     *self);
const char         *qtr_media_viewer_get_description  (QtrMediaViewer     *self);
void                qtr_media_viewer_save_to          (QtrMediaViewer     *self,
                                                       GFile              *file);

G_END_DECLS
