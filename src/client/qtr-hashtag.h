/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define QTR_TYPE_HASHTAG (qtr_hashtag_get_type ())

G_DECLARE_FINAL_TYPE (QtrHashtag, qtr_hashtag, QTR, HASHTAG, GObject)

QtrHashtag *qtr_hashtag_new           (const char  *name,
                                       const char  *url);
QtrHashtag *qtr_hashtag_new_from_json (JsonNode    *node,
                                       GError     **error);

const char *qtr_hashtag_get_name      (QtrHashtag  *self);
const char *qtr_hashtag_get_url       (QtrHashtag  *self);

G_END_DECLS
