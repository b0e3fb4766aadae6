/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-api-client.h"
#include "qtr-server-info.h"

G_BEGIN_DECLS

/* Results asked for per kind (Mastodon's default page of search results). */
#define QTR_SEARCH_LIMIT 20

/**
 * QtrSearchState:
 * @QTR_SEARCH_STATE_EMPTY: nothing searched for (or the text was cleared)
 * @QTR_SEARCH_STATE_RUNNING: the server was asked and has not answered yet
 * @QTR_SEARCH_STATE_DONE: the results are in (there may be none)
 * @QTR_SEARCH_STATE_FAILED: the server could not be asked, or answered with an error
 *   (qtr_search_get_error() says which)
 *
 * Where a #QtrSearch is.
 */
typedef enum {
  QTR_SEARCH_STATE_EMPTY,
  QTR_SEARCH_STATE_RUNNING,
  QTR_SEARCH_STATE_DONE,
  QTR_SEARCH_STATE_FAILED,
} QtrSearchState;

GType qtr_search_state_get_type (void) G_GNUC_CONST;
#define QTR_TYPE_SEARCH_STATE (qtr_search_state_get_type ())

#define QTR_TYPE_SEARCH (qtr_search_get_type ())

G_DECLARE_FINAL_TYPE (QtrSearch, qtr_search, QTR, SEARCH, GObject)

QtrSearch      *qtr_search_new             (QtrApiClient  *client,
                                            QtrServerInfo *server_info);
void            qtr_search_set_server_info (QtrSearch     *self,
                                            QtrServerInfo *server_info);
void            qtr_search_run             (QtrSearch     *self,
                                            const char    *text,
                                            gboolean       resolve);
void            qtr_search_clear           (QtrSearch     *self);

const char     *qtr_search_get_text        (QtrSearch     *self);
QtrSearchState  qtr_search_get_state       (QtrSearch     *self);
const GError   *qtr_search_get_error       (QtrSearch     *self);
gboolean        qtr_search_get_used_v1     (QtrSearch     *self);
GListModel     *qtr_search_get_accounts    (QtrSearch     *self);
GListModel     *qtr_search_get_hashtags    (QtrSearch     *self);
GListModel     *qtr_search_get_statuses    (QtrSearch     *self);
guint           qtr_search_get_n_results   (QtrSearch     *self);

gboolean        qtr_search_wants_resolve   (const char    *text);

G_END_DECLS
