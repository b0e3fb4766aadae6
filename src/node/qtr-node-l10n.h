/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pages the node serves speak the visitor's language, not the process's: the catalogue is
 * picked per request from Accept-Language. */

const char *qtr_node_l10n_pick_language (const char *requested,
                                         const char *accept_language);
const char *qtr_node_l10n_gettext       (const char *language,
                                         const char *msgid) G_GNUC_FORMAT (2);

G_END_DECLS
