/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "qtr-keys.h"
#include "qtr-node-private.h"
#include "qtr-test-util.h"

G_BEGIN_DECLS

/* Helpers of the node tests: real nodes in the test's process on loopback ports, what is in
 * their node.db, and HTTP to them as other servers speak it. Helpers that need no node are in
 * tests/lib/qtr-test-util.h. */

/**
 * QtrTestNode:
 * @dir: its data folder
 * @username: its owner's username
 * @port: the loopback port it listens on
 * @base: its base URL, `http://127.0.0.1:PORT`
 * @handle: its owner's handle, `@USERNAME@127.0.0.1:PORT`
 * @actor: its owner's actor URL
 * @node: the node, %NULL before it starts and after it stops
 * @own_root: the temporary folder made for it alone, if any
 *
 * A node started by qtr_test_node_start().
 */
typedef struct {
  char    *dir;
  char    *username;
  guint    port;
  char    *base;
  char    *handle;
  char    *actor;
  QtrNode *node;
  char    *own_root;
} QtrTestNode;

/**
 * QtrTestNodeOptions:
 * @folder: the name of its data folder, or %NULL for its owner's username
 * @display_name: the owner's display name, or %NULL for none
 * @manual_approval: whether the owner approves followers by hand
 *
 * How a test node differs from the default one.
 */
typedef struct {
  const char *folder;
  const char *display_name;
  gboolean    manual_approval;
} QtrTestNodeOptions;

void      qtr_test_node_start      (QtrTestNode              *node,
                                    const char               *root,
                                    const char               *username,
                                    const QtrTestNodeOptions *options);
void      qtr_test_node_stop       (QtrTestNode              *node);
QtrKey   *qtr_test_node_get_key    (QtrTestNode              *node);
char     *qtr_test_node_get_key_id (QtrTestNode              *node);

gint64    qtr_test_node_count      (QtrTestNode              *node,
                                    const char               *sql);
gint64    qtr_test_node_countf     (QtrTestNode              *node,
                                    const char               *format,
                                    ...) G_GNUC_PRINTF (2, 3);
void      qtr_test_node_wait_rows  (QtrTestNode              *node,
                                    gint64                    expected,
                                    const char               *sql);
gboolean  qtr_test_node_is_idle    (QtrTestNode              *node);
char     *qtr_test_node_follow     (QtrTestNode              *follower,
                                    const char               *handle);
char     *qtr_test_node_mint_token (QtrTestNode              *node);

/**
 * QtrTestAnswer:
 * @status: the HTTP status
 * @headers: the response's headers
 * @bytes: the body
 * @body: the body again, as text ending in a NUL
 *
 * What a server answered to a request of qtr_test_send().
 */
typedef struct {
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *bytes;
  char               *body;
} QtrTestAnswer;

void qtr_test_answer_clear (QtrTestAnswer *answer);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QtrTestAnswer, qtr_test_answer_clear)

void         qtr_test_send        (SoupMessage   *msg,
                                   QtrTestAnswer *answer);
void         qtr_test_get         (const char    *url,
                                   const char    *accept,
                                   QtrTestAnswer *answer);
SoupMessage *qtr_test_signed_post (const char    *url,
                                   const char    *body,
                                   const char    *key_id,
                                   QtrKey        *key);
void         qtr_test_deliver     (const char    *inbox,
                                   const char    *body,
                                   const char    *key_id,
                                   QtrKey        *key);
void         qtr_test_node_deliver (QtrTestNode  *signer,
                                    const char   *inbox,
                                    const char   *body);

char *qtr_test_listen (SoupServer *server,
                       const char *address);

/**
 * QtrTestServer:
 * @server: the server
 * @base: its base URL, `http://ADDRESS:PORT`
 * @documents: (element-type utf8 utf8): path -> body it answers with
 * @types: (element-type utf8 utf8): path -> its content type, where not ActivityStreams
 * @requests: (element-type utf8): the paths asked for, in order
 *
 * A server of the test's making, for what real nodes never send: it answers requests for the
 * documents it was given, 404 to anything else, and notes what it was asked.
 */
typedef struct {
  SoupServer *server;
  char       *base;
  GHashTable *documents;
  GHashTable *types;
  GPtrArray  *requests;
} QtrTestServer;

void  qtr_test_server_start          (QtrTestServer *server,
                                      const char    *address);
void  qtr_test_server_stop           (QtrTestServer *server);
void  qtr_test_server_add            (QtrTestServer *server,
                                      const char    *path,
                                      const char    *content_type,
                                      const char    *body);
guint qtr_test_server_count_requests (QtrTestServer *server,
                                      const char    *path);

G_END_DECLS
