/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-account.h"
#include "qtr-api-client.h"
#include "qtr-timeline-view.h"

G_BEGIN_DECLS

#define QTR_TYPE_PROFILE_PAGE (qtr_profile_page_get_type ())

G_DECLARE_FINAL_TYPE (QtrProfilePage, qtr_profile_page, QTR, PROFILE_PAGE, AdwBin)

GtkWidget       *qtr_profile_page_new_for_account (QtrApiClient   *client,
                                                   QtrAccount     *account,
                                                   const char     *own_id);
GtkWidget       *qtr_profile_page_new_for_acct    (QtrApiClient   *client,
                                                   const char     *acct,
                                                   const char     *own_id);
GtkWidget       *qtr_profile_page_new_for_url     (QtrApiClient   *client,
                                                   const char     *url,
                                                   const char     *own_id);
QtrAccount      *qtr_profile_page_get_account     (QtrProfilePage *self);
const char      *qtr_profile_page_get_state       (QtrProfilePage *self);
const char      *qtr_profile_page_get_follow_state (QtrProfilePage *self);
gboolean         qtr_profile_page_get_busy        (QtrProfilePage *self);
QtrTimelineView *qtr_profile_page_get_tab         (QtrProfilePage *self,
                                                   const char     *name);
void             qtr_profile_page_select_tab      (QtrProfilePage *self,
                                                   const char     *name);
void             qtr_profile_page_reload          (QtrProfilePage *self);

G_END_DECLS
