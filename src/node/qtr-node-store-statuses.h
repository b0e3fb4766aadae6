/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-node-store.h"

G_BEGIN_DECLS

/* What the client API's statuses, timelines and notifications read and write in node.db
 * (migration 11 of qtr-node-store.c), besides the posts themselves. */

/* How long an Idempotency-Key gives back the post it made, as on Mastodon. */
#define QTR_IDEMPOTENCY_SECONDS (60 * 60)

/**
 * QtrPage:
 * @max_id: only items below this cursor, 0 for no bound
 * @since_id: only items above this cursor (the newest ones), 0 for no bound
 * @min_id: only items above this cursor, the oldest of them first, 0 for no bound
 * @limit: at most this many items
 *
 * A page of a list, as Mastodon's `max_id`, `since_id`, `min_id` and `limit` ask for one.
 */
typedef struct {
  gint64 max_id;
  gint64 since_id;
  gint64 min_id;
  guint  limit;
} QtrPage;

/**
 * QtrPageItem:
 * @cursor: where the item is in its list (what max_id and min_id compare with)
 * @id: the item (a status or notification row)
 */
typedef struct {
  gint64 cursor;
  gint64 id;
} QtrPageItem;

/**
 * QtrPageQuery:
 * @select: `SELECT cursor, id FROM …` without WHERE
 * @cursor: the cursor's column
 * @where: (nullable): a condition on the rows; it may use ?5 (@text), ?6 (@number) and ?7
 *   (@text2)
 *
 * One list to page through. The SQL parts are constants of the caller, never input.
 */
typedef struct {
  const char *select;
  const char *cursor;
  const char *where;
  const char *text;
  gint64      number;
  const char *text2;
} QtrPageQuery;

GArray     *qtr_node_store_page           (QtrNodeStore       *self,
                                           const QtrPageQuery *query,
                                           const QtrPage      *page,
                                           GError            **error);

QtrStatus  *qtr_node_store_find_status_by_id (QtrNodeStore    *self,
                                           gint64              id,
                                           GError            **error);
gint64      qtr_node_store_find_status_row (QtrNodeStore      *self,
                                           const char         *uri,
                                           gint64             *actor_row,
                                           GError            **error);
gboolean    qtr_node_store_status_counts  (QtrNodeStore       *self,
                                           const QtrStatus    *status,
                                           gint64             *replies,
                                           gint64             *reblogs,
                                           gint64             *favourites,
                                           GError            **error);
GArray     *qtr_node_store_list_replies   (QtrNodeStore       *self,
                                           const char         *uri,
                                           GError            **error);
GArray     *qtr_node_store_status_actors  (QtrNodeStore       *self,
                                           const QtrStatus    *status,
                                           const char         *type,
                                           guint               limit,
                                           GError            **error);

gboolean    qtr_node_store_set_status_mark (QtrNodeStore      *self,
                                           const char         *table,
                                           gint64              status_id,
                                           gboolean            marked,
                                           GError            **error);
gint64      qtr_node_store_has_status_mark (QtrNodeStore      *self,
                                           const char         *table,
                                           gint64              status_id,
                                           GError            **error);
gint64      qtr_node_store_count_pins     (QtrNodeStore       *self,
                                           GError            **error);
GStrv       qtr_node_store_list_pinned_documents (QtrNodeStore *self,
                                           GError            **error);

gboolean    qtr_node_store_set_status_source (QtrNodeStore    *self,
                                           gint64              status_id,
                                           const char         *text,
                                           gint64              app_row,
                                           GError            **error);
char       *qtr_node_store_get_status_source (QtrNodeStore    *self,
                                           gint64              status_id,
                                           gint64             *app_row,
                                           GError            **error);

gint64      qtr_node_store_find_idempotent_post (QtrNodeStore *self,
                                           const char         *key,
                                           GError            **error);
gboolean    qtr_node_store_add_idempotent_post (QtrNodeStore  *self,
                                           const char         *key,
                                           gint64              status_id,
                                           GError            **error);

gboolean    qtr_node_store_keep_status_version (QtrNodeStore  *self,
                                           const QtrStatus    *edited,
                                           GError            **error);
GPtrArray  *qtr_node_store_list_status_versions (QtrNodeStore *self,
                                           gint64              status_id,
                                           GError            **error);

/**
 * QtrNotification:
 * @id: the row id
 * @type: as stored (mention, favourite, reblog, follow, follow_request, report, move)
 * @actor_row: who caused it
 * @status_uri: (nullable): the post it is about
 * @created_at: when (Unix seconds)
 */
typedef struct {
  gint64  id;
  char   *type;
  gint64  actor_row;
  char   *status_uri;
  gint64  created_at;
} QtrNotification;

void             qtr_notification_free (QtrNotification *notification);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrNotification, qtr_notification_free)

QtrNotification *qtr_node_store_find_notification (QtrNodeStore *self,
                                           gint64              id,
                                           GError            **error);
gboolean    qtr_node_store_dismiss_notifications (QtrNodeStore *self,
                                           gint64              id,
                                           GError            **error);

G_END_DECLS
