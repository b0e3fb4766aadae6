/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The largest image the node takes: no side longer than this, no more pixels than that
 * (what decoding would need in memory is known from the header, before decoding). */
#define QTR_MEDIA_MAX_SIDE 16384
#define QTR_MEDIA_MAX_PIXELS (40 * 1000 * 1000)
/* Thumbnails fit in a square this large, as Mastodon's `small` versions do. */
#define QTR_THUMBNAIL_SIZE 640
/* Mastodon's blurhash components, across and down. */
#define QTR_BLURHASH_COMPONENTS 4

/**
 * QtrThumbnail:
 * @media_type: "image/jpeg", or "image/png" when the image has transparency
 * @bytes: the encoded thumbnail
 * @width: its width in pixels
 * @height: its height in pixels
 * @blurhash: the image's blurhash, for clients to show while they load it
 * @transposed: whether the image's Exif orientation turns it a quarter: as shown, its width
 *   is the height its header says, and the other way round
 *
 * A small version of an uploaded image, turned as it is shown.
 */
typedef struct {
  char     *media_type;
  GBytes   *bytes;
  guint     width;
  guint     height;
  char     *blurhash;
  gboolean  transposed;
} QtrThumbnail;

void          qtr_thumbnail_free              (QtrThumbnail  *thumbnail);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrThumbnail, qtr_thumbnail_free)

gboolean      qtr_media_check_dimensions      (guint          width,
                                               guint          height,
                                               GError       **error);
QtrThumbnail *qtr_thumbnail_make              (const char    *media_type,
                                               GBytes        *image,
                                               GCancellable  *cancellable,
                                               GError       **error);
char         *qtr_blurhash_encode             (const guint8  *pixels,
                                               guint          width,
                                               guint          height,
                                               gsize          rowstride,
                                               guint          n_channels,
                                               guint          x_components,
                                               guint          y_components);

G_END_DECLS
