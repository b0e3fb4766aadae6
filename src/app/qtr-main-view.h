/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-search-page.h"
#include "qtr-timeline-view.h"

G_BEGIN_DECLS

/**
 * QtrMainViewFeed:
 * @QTR_MAIN_VIEW_FEED_LIST: a list of the user's (under "Lists")
 * @QTR_MAIN_VIEW_FEED_TAG: a hashtag the user follows (under "Followed Hashtags")
 *
 * The sidebar's entries that come from the server.
 */
typedef enum {
  QTR_MAIN_VIEW_FEED_LIST,
  QTR_MAIN_VIEW_FEED_TAG,
} QtrMainViewFeed;

#define QTR_TYPE_MAIN_VIEW (qtr_main_view_get_type ())

G_DECLARE_FINAL_TYPE (QtrMainView, qtr_main_view, QTR, MAIN_VIEW, AdwBin)

GtkWidget       *qtr_main_view_new                (void);
void             qtr_main_view_set_accounts       (QtrMainView *self,
                                                   GPtrArray   *accounts,
                                                   const char  *active);
guint            qtr_main_view_get_n_accounts     (QtrMainView *self);
const char      *qtr_main_view_get_account_handle (QtrMainView *self,
                                                   guint        index);
void             qtr_main_view_set_timeline       (QtrMainView *self,
                                                   const char  *section,
                                                   QtrTimeline *model);
QtrTimelineView *qtr_main_view_get_timeline       (QtrMainView *self,
                                                   const char  *section);
gboolean         qtr_main_view_has_section        (QtrMainView *self,
                                                   const char  *section);
const char      *qtr_main_view_get_section_label  (QtrMainView *self,
                                                   const char  *section);
void             qtr_main_view_select_section     (QtrMainView *self,
                                                   const char  *section);
const char      *qtr_main_view_get_section        (QtrMainView *self);
void             qtr_main_view_show_status        (QtrMainView *self,
                                                   const char  *title,
                                                   const char  *description);
AdwLeaflet      *qtr_main_view_get_leaflet        (QtrMainView *self);
void             qtr_main_view_show_banner        (QtrMainView *self,
                                                   const char  *text,
                                                   gboolean     with_retry);
const char      *qtr_main_view_get_banner         (QtrMainView *self);
void             qtr_main_view_set_search         (QtrMainView *self,
                                                   QtrSearch   *search);
QtrSearchPage   *qtr_main_view_get_search_page    (QtrMainView *self);
void             qtr_main_view_add_feed           (QtrMainView     *self,
                                                   QtrMainViewFeed  feed,
                                                   const char      *section,
                                                   const char      *label,
                                                   QtrTimeline     *model);
void             qtr_main_view_clear_feeds        (QtrMainView     *self,
                                                   QtrMainViewFeed  feed);
guint            qtr_main_view_get_n_feeds        (QtrMainView     *self,
                                                   QtrMainViewFeed  feed);

void             qtr_main_view_push_page          (QtrMainView *self,
                                                   GtkWidget   *page,
                                                   const char  *title);
gboolean         qtr_main_view_pop_page           (QtrMainView *self);
GtkWidget       *qtr_main_view_get_visible_page   (QtrMainView *self);
guint            qtr_main_view_get_n_pages        (QtrMainView *self);
void             qtr_main_view_set_page_title     (QtrMainView *self,
                                                   GtkWidget   *page,
                                                   const char  *title);

G_END_DECLS
