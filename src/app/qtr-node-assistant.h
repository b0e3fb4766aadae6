/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-account-store.h"
#include "qtr-node-host.h"

G_BEGIN_DECLS

#define QTR_TYPE_NODE_ASSISTANT (qtr_node_assistant_get_type ())

G_DECLARE_FINAL_TYPE (QtrNodeAssistant, qtr_node_assistant, QTR, NODE_ASSISTANT, AdwBin)

void        qtr_node_assistant_reset     (QtrNodeAssistant *self);
void        qtr_node_assistant_set_host  (QtrNodeAssistant *self,
                                          QtrNodeHost      *host);
const char *qtr_node_assistant_get_page  (QtrNodeAssistant *self);
const char *qtr_node_assistant_get_error (QtrNodeAssistant *self);
gboolean    qtr_node_assistant_get_busy  (QtrNodeAssistant *self);

G_END_DECLS
