/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-api-client.h"
#include "qtr-application.h"
#include "qtr-drafts.h"
#include "qtr-login-page.h"
#include "qtr-main-view.h"
#include "qtr-node-assistant.h"
#include "qtr-server-info.h"

G_BEGIN_DECLS

#define QTR_TYPE_WINDOW (qtr_window_get_type ())
G_DECLARE_FINAL_TYPE (QtrWindow, qtr_window, QTR, WINDOW, AdwApplicationWindow)

QtrWindow    *qtr_window_new            (QtrApplication *application);
QtrMainView  *qtr_window_get_main_view  (QtrWindow      *self);
QtrLoginPage *qtr_window_get_login_page (QtrWindow      *self);
const char   *qtr_window_get_page       (QtrWindow      *self);
QtrNodeAssistant *qtr_window_get_node_assistant (QtrWindow *self);
void          qtr_window_show_notifications (QtrWindow  *self,
                                             const char *handle);

QtrApiClient  *qtr_window_get_api_client  (QtrWindow *self);
QtrServerInfo *qtr_window_get_server_info (QtrWindow *self);
QtrDrafts     *qtr_window_get_drafts      (QtrWindow *self);
const char    *qtr_window_get_account_id  (QtrWindow *self);

G_END_DECLS
