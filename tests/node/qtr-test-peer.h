/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Real nodes (node-test-util.h) for the client's and the app's tests, behind plain types: the
 * node's headers and the client's both name a type QtrStatus, so a test of the client cannot
 * include the node's. */

typedef struct _QtrTestPeer QtrTestPeer;

QtrTestPeer *qtr_test_peer_start        (const char  *username,
                                         const char  *display_name,
                                         gboolean     locked);
void         qtr_test_peer_stop         (QtrTestPeer *peer);
const char  *qtr_test_peer_get_base     (QtrTestPeer *peer);
const char  *qtr_test_peer_get_handle   (QtrTestPeer *peer);
const char  *qtr_test_peer_get_actor    (QtrTestPeer *peer);
char        *qtr_test_peer_mint_token   (QtrTestPeer *peer);
void         qtr_test_peer_follow       (QtrTestPeer *peer,
                                         const char  *handle);
char        *qtr_test_peer_post         (QtrTestPeer *peer,
                                         const char  *text);
void         qtr_test_peer_delete_post  (QtrTestPeer *peer,
                                         const char  *uri);
void         qtr_test_peer_answer_follow (QtrTestPeer *peer,
                                          const char  *actor,
                                          gboolean     accept);
gint64       qtr_test_peer_count        (QtrTestPeer *peer,
                                         const char  *sql);
void         qtr_test_peer_wait_rows    (QtrTestPeer *peer,
                                         gint64       expected,
                                         const char  *sql,
                                         const char  *what);
char        *qtr_test_peer_query_text   (QtrTestPeer *peer,
                                         const char  *sql);

G_END_DECLS
