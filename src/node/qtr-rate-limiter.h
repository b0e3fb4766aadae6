/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _QtrRateLimiter QtrRateLimiter;

QtrRateLimiter *qtr_rate_limiter_new   (guint           per_minute);
void            qtr_rate_limiter_free  (QtrRateLimiter *self);
gboolean        qtr_rate_limiter_take  (QtrRateLimiter *self,
                                        const char     *key,
                                        gint64          now_usec,
                                        guint          *retry_after);
void            qtr_rate_limiter_give_back (QtrRateLimiter *self,
                                        const char     *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrRateLimiter, qtr_rate_limiter_free)

G_END_DECLS
