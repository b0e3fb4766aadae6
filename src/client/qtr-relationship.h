/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define QTR_TYPE_RELATIONSHIP (qtr_relationship_get_type ())

G_DECLARE_FINAL_TYPE (QtrRelationship, qtr_relationship, QTR, RELATIONSHIP, GObject)

QtrRelationship *qtr_relationship_new_from_json (JsonObject  *object,
                                                 GError     **error);

const char *qtr_relationship_get_id                   (QtrRelationship *self);
gboolean    qtr_relationship_get_following            (QtrRelationship *self);
gboolean    qtr_relationship_get_followed_by          (QtrRelationship *self);
gboolean    qtr_relationship_get_requested            (QtrRelationship *self);
gboolean    qtr_relationship_get_blocking             (QtrRelationship *self);
gboolean    qtr_relationship_get_blocked_by           (QtrRelationship *self);
gboolean    qtr_relationship_get_muting               (QtrRelationship *self);
gboolean    qtr_relationship_get_muting_notifications (QtrRelationship *self);
gboolean    qtr_relationship_get_showing_reblogs      (QtrRelationship *self);
gboolean    qtr_relationship_get_notifying            (QtrRelationship *self);
gboolean    qtr_relationship_get_domain_blocking      (QtrRelationship *self);
gboolean    qtr_relationship_get_endorsed             (QtrRelationship *self);
const char *qtr_relationship_get_note                 (QtrRelationship *self);

G_END_DECLS
