/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "qtr-node-store.h"

G_BEGIN_DECLS

/* Statement helpers shared by the qtr-node-store*.c files; not part of the store's API.
 * Each accepts a %NULL @stmt (a qtr_db_prepare() that failed, @error already set) and then
 * fails without touching @error, so that a prepare can be passed straight in. */

gint64        qtr_node_store_now          (void);
sqlite3_stmt *qtr_node_store_prepare_row  (QtrNodeStore  *self,
                                           const char    *sql,
                                           gint64         row,
                                           GError       **error);
sqlite3_stmt *qtr_node_store_prepare_text (QtrNodeStore  *self,
                                           const char    *sql,
                                           const char    *text,
                                           GError       **error);
gboolean      qtr_node_store_run_done     (QtrNodeStore  *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);
gint64        qtr_node_store_query_int64  (QtrNodeStore  *self,
                                           sqlite3_stmt  *stmt,
                                           gint64         fallback,
                                           GError       **error);
char         *qtr_node_store_query_text   (QtrNodeStore  *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);
GArray       *qtr_node_store_collect_ids  (QtrNodeStore  *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);
GStrv         qtr_node_store_collect_text (QtrNodeStore  *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);

G_END_DECLS
