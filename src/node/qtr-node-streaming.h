/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-node-private.h"

G_BEGIN_DECLS

/* The client API's streaming: Mastodon's events over a WebSocket or as server-sent events,
 * fed by the node's own announcements (QtrNode::status-added and the others). */

#define QTR_STREAMING_PATH "/api/v1/streaming"
/* Events one connection may have waiting for a slow client; one more and it is closed. */
#define QTR_STREAMING_MAX_QUEUED 256
/* How often an idle connection hears from the node: a ping frame, or `:thump` for events. */
#define QTR_STREAMING_HEARTBEAT_SECONDS 30

typedef struct _QtrStreaming QtrStreaming;

QtrStreaming *qtr_streaming_new                (QtrNode                  *node);
void          qtr_streaming_free               (QtrStreaming             *self);
guint         qtr_streaming_count_connections  (QtrStreaming             *self);
void          qtr_streaming_announce_filters_changed (QtrStreaming       *self);
void          qtr_streaming_websocket_cb       (SoupServer               *server,
                                                SoupServerMessage        *msg,
                                                const char               *path,
                                                SoupWebsocketConnection  *connection,
                                                gpointer                  user_data);
QtrStreaming *qtr_node_get_streaming           (QtrNode                  *node);

/* Handlers, one per route (see the table in qtr-node.c). */
void qtr_node_handle_streaming        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_streaming_health (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_streaming_events (QtrNode *node, SoupServerMessage *msg, GHashTable *params);

G_END_DECLS
