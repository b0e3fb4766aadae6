/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-account-store.h"
#include "qtr-notifier.h"

G_BEGIN_DECLS

#define QTR_TYPE_ACCOUNT_WATCHER (qtr_account_watcher_get_type ())

G_DECLARE_FINAL_TYPE (QtrAccountWatcher, qtr_account_watcher, QTR, ACCOUNT_WATCHER, GObject)

QtrAccountWatcher *qtr_account_watcher_new        (QtrAccountStore   *store,
                                                   QtrNotifier       *notifier);
void               qtr_account_watcher_update     (QtrAccountWatcher *self,
                                                   const char        *active);
gboolean           qtr_account_watcher_is_watching (QtrAccountWatcher *self,
                                                    const char        *handle);

G_END_DECLS
