/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What the entity parsers share. They read what servers send tolerantly: unknown members are
 * ignored, optional ones may be absent, null or of another type (and then count as absent);
 * only a missing required member fails, with QTR_API_ERROR_BAD_RESPONSE naming it. */

char      *qtr_entity_dup_id      (JsonObject  *object,
                                   const char  *name);
char      *qtr_entity_dup_string  (JsonObject  *object,
                                   const char  *name);
GDateTime *qtr_entity_parse_time  (JsonObject  *object,
                                   const char  *name);
gpointer   qtr_entity_missing     (const char  *entity,
                                   const char  *name,
                                   GError     **error);

G_END_DECLS
