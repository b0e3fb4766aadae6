/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Real nodes for the app's tests, behind a name of their own: the node's headers and the
 * client's both name a QtrStatus, so a test of the app's widgets reaches its nodes through
 * these (tests/node/node-test-util.h underneath). */

typedef struct _QtrAppTestNode QtrAppTestNode;

QtrAppTestNode *qtr_app_test_node_start      (const char     *root,
                                              const char     *username,
                                              const char     *display_name);
void            qtr_app_test_node_stop       (QtrAppTestNode *node);
const char     *qtr_app_test_node_get_base   (QtrAppTestNode *node);
const char     *qtr_app_test_node_get_handle (QtrAppTestNode *node);
const char     *qtr_app_test_node_get_actor  (QtrAppTestNode *node);
char           *qtr_app_test_node_mint_token (QtrAppTestNode *node);
gint64          qtr_app_test_node_add_media  (QtrAppTestNode *node,
                                              GBytes         *bytes,
                                              const char     *description);
gint64          qtr_app_test_node_count      (QtrAppTestNode *node,
                                              const char     *sql);
void            qtr_app_test_node_wait_rows  (QtrAppTestNode *node,
                                              gint64          expected,
                                              const char     *sql);

G_END_DECLS
