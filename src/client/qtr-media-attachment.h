/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define QTR_TYPE_MEDIA_ATTACHMENT (qtr_media_attachment_get_type ())

G_DECLARE_FINAL_TYPE (QtrMediaAttachment, qtr_media_attachment, QTR, MEDIA_ATTACHMENT, GObject)

QtrMediaAttachment *qtr_media_attachment_new_from_json (JsonObject  *object,
                                                        GError     **error);

const char *qtr_media_attachment_get_id          (QtrMediaAttachment *self);
const char *qtr_media_attachment_get_media_type  (QtrMediaAttachment *self);
const char *qtr_media_attachment_get_url         (QtrMediaAttachment *self);
const char *qtr_media_attachment_get_preview_url (QtrMediaAttachment *self);
const char *qtr_media_attachment_get_remote_url  (QtrMediaAttachment *self);
const char *qtr_media_attachment_get_description (QtrMediaAttachment *self);
const char *qtr_media_attachment_get_blurhash    (QtrMediaAttachment *self);
gint64      qtr_media_attachment_get_width       (QtrMediaAttachment *self);
gint64      qtr_media_attachment_get_height      (QtrMediaAttachment *self);

G_END_DECLS
