/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint qtr_post_count_characters (const char *text,
                                 const char *spoiler_text,
                                 guint       characters_per_url);

G_END_DECLS
