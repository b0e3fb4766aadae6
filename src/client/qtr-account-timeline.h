/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-timeline.h"

G_BEGIN_DECLS

/**
 * QtrAccountTimelineFilter:
 * @QTR_ACCOUNT_TIMELINE_POSTS: the account's posts and boosts, without its replies
 *   (`exclude_replies=true`)
 * @QTR_ACCOUNT_TIMELINE_POSTS_AND_REPLIES: everything it posted
 * @QTR_ACCOUNT_TIMELINE_MEDIA: its posts with media (`only_media=true`)
 *
 * Which of an account's posts a #QtrAccountTimeline shows: a profile's tabs.
 */
typedef enum {
  QTR_ACCOUNT_TIMELINE_POSTS,
  QTR_ACCOUNT_TIMELINE_POSTS_AND_REPLIES,
  QTR_ACCOUNT_TIMELINE_MEDIA,
} QtrAccountTimelineFilter;

GType qtr_account_timeline_filter_get_type (void) G_GNUC_CONST;
#define QTR_TYPE_ACCOUNT_TIMELINE_FILTER (qtr_account_timeline_filter_get_type ())

#define QTR_TYPE_ACCOUNT_TIMELINE (qtr_account_timeline_get_type ())

G_DECLARE_FINAL_TYPE (QtrAccountTimeline, qtr_account_timeline, QTR, ACCOUNT_TIMELINE,
                      QtrTimeline)

QtrAccountTimeline       *qtr_account_timeline_new        (QtrApiClient             *client,
                                                           const char               *account_id,
                                                           QtrAccountTimelineFilter  filter);
QtrAccountTimelineFilter  qtr_account_timeline_get_filter (QtrAccountTimeline       *self);

G_END_DECLS
