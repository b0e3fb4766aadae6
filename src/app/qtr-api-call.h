/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-interactions.h"

G_BEGIN_DECLS

/**
 * QtrApiCallFunc:
 * @owner: the widget that sent the request
 * @root: (nullable): the server's answer
 * @data: (nullable): what the sender passed along
 *
 * Gets the answer of qtr_api_call().
 */
typedef void (*QtrApiCallFunc) (gpointer    owner,
                                JsonNode   *root,
                                const char *data);

void qtr_api_call (QtrInteractions    *interactions,
                   GCancellable       *cancellable,
                   AdwToastOverlay    *overlay,
                   guint              *busy,
                   const char         *method,
                   const char         *path,
                   const char * const *query,
                   const char * const *form,
                   QtrApiCallFunc      answer,
                   gpointer            owner,
                   const char         *data,
                   const char         *failure);

G_END_DECLS
