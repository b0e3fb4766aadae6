/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "qtr-api-client.h"

G_BEGIN_DECLS

/**
 * QtrServerFeatures:
 * @QTR_SERVER_FEATURE_NONE: nothing beyond the basic API
 * @QTR_SERVER_FEATURE_V2_INSTANCE: it serves `/api/v2/instance`
 * @QTR_SERVER_FEATURE_STREAMING: it has a streaming API (a WebSocket URL); without it, poll
 * @QTR_SERVER_FEATURE_MARKERS: it keeps reading positions (`/api/v1/markers`)
 * @QTR_SERVER_FEATURE_V2_SEARCH: it searches at `/api/v2/search`
 * @QTR_SERVER_FEATURE_TRANSLATION: it translates posts
 *
 * What a server can do, beyond what every Mastodon-API server does.
 */
typedef enum {
  QTR_SERVER_FEATURE_NONE        = 0,
  QTR_SERVER_FEATURE_V2_INSTANCE = 1 << 0,
  QTR_SERVER_FEATURE_STREAMING   = 1 << 1,
  QTR_SERVER_FEATURE_MARKERS     = 1 << 2,
  QTR_SERVER_FEATURE_V2_SEARCH   = 1 << 3,
  QTR_SERVER_FEATURE_TRANSLATION = 1 << 4,
} QtrServerFeatures;

#define QTR_SERVER_INFO_DEFAULT_MAX_CHARACTERS 500
#define QTR_SERVER_INFO_DEFAULT_CHARACTERS_PER_URL 23
#define QTR_SERVER_INFO_DEFAULT_MAX_MEDIA 4

#define QTR_TYPE_SERVER_INFO (qtr_server_info_get_type ())

G_DECLARE_FINAL_TYPE (QtrServerInfo, qtr_server_info, QTR, SERVER_INFO, GObject)

QtrServerInfo      *qtr_server_info_new_from_instance         (JsonObject          *instance,
                                                               gboolean             v2,
                                                               const char          *base_url,
                                                               GError             **error);
void                qtr_server_info_set_software              (QtrServerInfo       *self,
                                                               const char          *name,
                                                               const char          *version);

const char         *qtr_server_info_get_domain                (QtrServerInfo       *self);
const char         *qtr_server_info_get_account_domain        (QtrServerInfo       *self);
const char         *qtr_server_info_get_title                 (QtrServerInfo       *self);
const char         *qtr_server_info_get_api_version           (QtrServerInfo       *self);
const char         *qtr_server_info_get_software_name         (QtrServerInfo       *self);
const char         *qtr_server_info_get_software_version      (QtrServerInfo       *self);
guint               qtr_server_info_get_max_characters        (QtrServerInfo       *self);
guint               qtr_server_info_get_characters_per_url    (QtrServerInfo       *self);
guint               qtr_server_info_get_max_media_attachments (QtrServerInfo       *self);
const char         *qtr_server_info_get_streaming_url         (QtrServerInfo       *self);
const char * const *qtr_server_info_get_languages             (QtrServerInfo       *self);
QtrServerFeatures   qtr_server_info_get_features              (QtrServerInfo       *self);
gboolean            qtr_server_info_has_feature               (QtrServerInfo       *self,
                                                               QtrServerFeatures    feature);

char               *qtr_server_url_for_input                  (const char          *text,
                                                               GError             **error);
gboolean            qtr_parse_software_version                (const char          *version,
                                                               char               **name,
                                                               char               **software_version);

void                qtr_server_info_discover_async            (QtrApiClient        *client,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
QtrServerInfo      *qtr_server_info_discover_finish           (GAsyncResult        *result,
                                                               GError             **error);

G_END_DECLS
