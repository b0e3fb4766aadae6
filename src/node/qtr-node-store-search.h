/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-node-store.h"

G_BEGIN_DECLS

/* What the client API's search and streaming ask node.db. */

/**
 * QtrTagCount:
 * @name: a hashtag, in lower case, without `#`
 * @uses: how many stored posts carry it
 */
typedef struct {
  char   *name;
  gint64  uses;
} QtrTagCount;

void        qtr_tag_count_free              (QtrTagCount *tag);

gint64      qtr_node_store_is_following     (QtrNodeStore  *self,
                                             gint64         actor_row,
                                             GError       **error);
GArray     *qtr_node_store_search_accounts  (QtrNodeStore  *self,
                                             const char    *text,
                                             const char    *owner_host,
                                             gboolean       following_only,
                                             guint          limit,
                                             guint          offset,
                                             GError       **error);
GArray     *qtr_node_store_search_statuses  (QtrNodeStore  *self,
                                             const char    *text,
                                             gboolean       with_private,
                                             gint64         actor_row,
                                             gint64         max_id,
                                             gint64         min_id,
                                             guint          limit,
                                             guint          offset,
                                             GError       **error);
GPtrArray  *qtr_node_store_search_tags      (QtrNodeStore  *self,
                                             const char    *text,
                                             guint          limit,
                                             guint          offset,
                                             GError       **error);

G_END_DECLS
