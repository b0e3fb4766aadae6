/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-api-client.h"
#include "qtr-timeline.h"

G_BEGIN_DECLS

/* Lists or followed hashtags asked for at most (one page; Mastodon caps lists far below). */
#define QTR_FEEDS_MAX 200

/**
 * QtrFeed:
 * @kind: %QTR_TIMELINE_LIST or %QTR_TIMELINE_TAG
 * @argument: the list's id, or the hashtag (without `#`): the timeline's argument
 * @title: the list's title, or the hashtag
 *
 * A timeline of the user's own making, as the sidebar lists it.
 */
typedef struct {
  QtrTimelineKind  kind;
  char            *argument;
  char            *title;
} QtrFeed;

void       qtr_feed_free          (QtrFeed              *feed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrFeed, qtr_feed_free)

void       qtr_feeds_load_async   (QtrApiClient         *client,
                                   QtrTimelineKind       kind,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
GPtrArray *qtr_feeds_load_finish  (GAsyncResult         *result,
                                   GError              **error);

G_END_DECLS
