/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-fetcher.h"
#include "qtr-node-store.h"

G_BEGIN_DECLS

#define QTR_TYPE_DELIVERY_QUEUE (qtr_delivery_queue_get_type ())
G_DECLARE_FINAL_TYPE (QtrDeliveryQueue, qtr_delivery_queue, QTR, DELIVERY_QUEUE, GObject)

QtrDeliveryQueue *qtr_delivery_queue_new           (QtrNodeStore     *store,
                                                    QtrFetcher       *fetcher);
void              qtr_delivery_queue_start         (QtrDeliveryQueue *self);
void              qtr_delivery_queue_stop          (QtrDeliveryQueue *self);
void              qtr_delivery_queue_kick          (QtrDeliveryQueue *self);
void              qtr_delivery_queue_set_poll_interval (QtrDeliveryQueue *self,
                                                    guint             seconds);
void              qtr_delivery_queue_set_base_delay (QtrDeliveryQueue *self,
                                                    guint             seconds);
gint64            qtr_delivery_queue_get_backoff   (QtrDeliveryQueue *self,
                                                    guint             attempts,
                                                    gint64            retry_after);

G_END_DECLS
