/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean    qtr_address_is_public      (GInetAddress *address);
const char *qtr_address_special_reason (GInetAddress *address);

G_END_DECLS
