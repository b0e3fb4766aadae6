/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-account-store.h"

G_BEGIN_DECLS

#define QTR_TYPE_LOGIN_PAGE (qtr_login_page_get_type ())

G_DECLARE_FINAL_TYPE (QtrLoginPage, qtr_login_page, QTR, LOGIN_PAGE, AdwBin)

GtkWidget  *qtr_login_page_new                (QtrAccountStore *store);
void        qtr_login_page_reset              (QtrLoginPage    *self);
const char *qtr_login_page_get_stage          (QtrLoginPage    *self);
const char *qtr_login_page_get_authorize_url  (QtrLoginPage    *self);
const char *qtr_login_page_get_error          (QtrLoginPage    *self);
gboolean    qtr_login_page_get_busy           (QtrLoginPage    *self);

G_END_DECLS
