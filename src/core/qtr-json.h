/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define QTR_JSON_ERROR (qtr_json_error_quark ())

/**
 * QtrJsonError:
 * @QTR_JSON_ERROR_INVALID: not JSON, or not UTF-8
 * @QTR_JSON_ERROR_TOO_DEEP: arrays and objects nest deeper than allowed
 * @QTR_JSON_ERROR_TOO_LARGE: more bytes, or more members in one array or object, than allowed
 * @QTR_JSON_ERROR_NOT_OBJECT: valid JSON whose top level is not an object
 */
typedef enum {
  QTR_JSON_ERROR_INVALID,
  QTR_JSON_ERROR_TOO_DEEP,
  QTR_JSON_ERROR_TOO_LARGE,
  QTR_JSON_ERROR_NOT_OBJECT,
} QtrJsonError;

GQuark qtr_json_error_quark (void);

/* What remote documents may hold: deeper or wider ones are refused before json-glib, which
 * recurses, sees them. */
#define QTR_JSON_MAX_DEPTH 64
#define QTR_JSON_MAX_MEMBERS 10000

gboolean    qtr_json_check_bounds (const char  *data,
                                   gsize        length,
                                   guint        max_depth,
                                   guint        max_members,
                                   GError     **error);
JsonNode   *qtr_json_parse        (const char  *data,
                                   gsize        length,
                                   GError     **error);
JsonObject *qtr_json_parse_object (const char  *data,
                                   gsize        length,
                                   GError     **error);

const char *qtr_json_get_string   (JsonObject  *object,
                                   const char  *name);
JsonObject *qtr_json_get_object   (JsonObject  *object,
                                   const char  *name);
JsonArray  *qtr_json_get_array    (JsonObject  *object,
                                   const char  *name);
gint64      qtr_json_get_int      (JsonObject  *object,
                                   const char  *name,
                                   gint64       default_value);
gboolean    qtr_json_get_bool     (JsonObject  *object,
                                   const char  *name,
                                   gboolean     default_value);

void        qtr_json_builder_add_string (JsonBuilder *builder,
                                         const char  *name,
                                         const char  *value);

G_END_DECLS
