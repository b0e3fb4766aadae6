/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Helpers shared by the test programs. */

void  qtr_test_remove_tree    (const char *path);
guint qtr_test_pick_free_port (void);

G_END_DECLS
