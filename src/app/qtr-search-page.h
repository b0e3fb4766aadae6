/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-image-loader.h"
#include "qtr-search.h"

G_BEGIN_DECLS

/* How long typing pauses before the search runs, in ms. */
#define QTR_SEARCH_PAGE_DELAY 400

#define QTR_TYPE_SEARCH_PAGE (qtr_search_page_get_type ())

G_DECLARE_FINAL_TYPE (QtrSearchPage, qtr_search_page, QTR, SEARCH_PAGE, AdwBin)

GtkWidget      *qtr_search_page_new           (void);
QtrSearch      *qtr_search_page_get_search    (QtrSearchPage *self);
void            qtr_search_page_set_search    (QtrSearchPage *self,
                                               QtrSearch     *search);
void            qtr_search_page_set_image_loader (QtrSearchPage  *self,
                                                  QtrImageLoader *loader);
GtkSearchEntry *qtr_search_page_get_entry     (QtrSearchPage *self);
void            qtr_search_page_focus_entry   (QtrSearchPage *self);
const char     *qtr_search_page_get_shown     (QtrSearchPage *self);
GtkListBox     *qtr_search_page_get_list      (QtrSearchPage *self,
                                               const char    *kind);

G_END_DECLS
