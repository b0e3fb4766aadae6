/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-api-client.h"
#include "qtr-server-info.h"
#include "qtr-timeline.h"

G_BEGIN_DECLS

/* Waits between reconnection attempts, in ms: doubled per failure up to the maximum. */
#define QTR_STREAMING_DEFAULT_INITIAL_BACKOFF 1000
#define QTR_STREAMING_DEFAULT_MAX_BACKOFF (5 * 60 * 1000)
/* How often a server without streaming is asked for newer posts, in ms. */
#define QTR_STREAMING_DEFAULT_POLL_INTERVAL (60 * 1000)

/**
 * QtrStreamingState:
 * @QTR_STREAMING_STATE_STOPPED: not started, or stopped
 * @QTR_STREAMING_STATE_CONNECTING: a stream is connecting, or waits to reconnect
 * @QTR_STREAMING_STATE_CONNECTED: every stream is connected
 * @QTR_STREAMING_STATE_POLLING: the server has no streaming; timelines are polled
 *
 * What a #QtrStreamingClient is doing.
 */
typedef enum {
  QTR_STREAMING_STATE_STOPPED,
  QTR_STREAMING_STATE_CONNECTING,
  QTR_STREAMING_STATE_CONNECTED,
  QTR_STREAMING_STATE_POLLING,
} QtrStreamingState;

GType qtr_streaming_state_get_type (void) G_GNUC_CONST;
#define QTR_TYPE_STREAMING_STATE (qtr_streaming_state_get_type ())

#define QTR_TYPE_STREAMING_CLIENT (qtr_streaming_client_get_type ())

G_DECLARE_FINAL_TYPE (QtrStreamingClient, qtr_streaming_client, QTR, STREAMING_CLIENT, GObject)

QtrStreamingClient *qtr_streaming_client_new                 (QtrApiClient       *client,
                                                              QtrServerInfo      *server_info);
void                qtr_streaming_client_add_timeline        (QtrStreamingClient *self,
                                                              QtrTimeline        *timeline);
void                qtr_streaming_client_remove_timeline     (QtrStreamingClient *self,
                                                              QtrTimeline        *timeline);
void                qtr_streaming_client_start               (QtrStreamingClient *self);
void                qtr_streaming_client_stop                (QtrStreamingClient *self);
QtrStreamingState   qtr_streaming_client_get_state           (QtrStreamingClient *self);
guint               qtr_streaming_client_get_retry_delay     (QtrStreamingClient *self);
void                qtr_streaming_client_set_backoff         (QtrStreamingClient *self,
                                                              guint               initial_ms,
                                                              guint               max_ms);
void                qtr_streaming_client_set_poll_interval   (QtrStreamingClient *self,
                                                              guint               milliseconds);
void                qtr_streaming_client_set_network_monitor (QtrStreamingClient *self,
                                                              GNetworkMonitor    *monitor);

G_END_DECLS
