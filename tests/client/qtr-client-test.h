/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What the client tests share: a real SoupServer on a loopback port that answers the way one
 * kind of server documents its API, and a way to wait for an async call. */

typedef struct {
  SoupServer *server;
  char       *base;      /* http://127.0.0.1:PORT */
  GPtrArray  *requests;  /* "METHOD /path" of each request, in order */
} QtrTestServer;

void           qtr_client_test_init      (int                *argc,
                                          char             ***argv);

QtrTestServer *qtr_test_server_new       (void);
void           qtr_test_server_free      (QtrTestServer      *server);
void           qtr_test_server_add       (QtrTestServer      *server,
                                          const char         *path,
                                          SoupServerCallback  callback,
                                          gpointer            user_data);
void           qtr_test_server_add_json  (QtrTestServer      *server,
                                          const char         *path,
                                          const char         *folder,
                                          const char         *name);
void           qtr_test_server_serve_flavour (QtrTestServer  *server,
                                              const char     *flavour);
guint          qtr_test_server_count     (QtrTestServer      *server,
                                          const char         *request);

void           qtr_test_reply_json       (SoupServerMessage  *message,
                                          guint               status,
                                          const char         *json);

void           qtr_test_result_cb        (GObject            *source,
                                          GAsyncResult       *result,
                                          gpointer            user_data);
GAsyncResult  *qtr_test_wait             (GAsyncResult      **slot);

/* A timeline endpoint the way Mastodon pages it: numeric ids, newest first, `max_id`,
 * `since_id`, `min_id` (the page right above it), `limit` and (for notifications) one `types[]`,
 * and a Link header. It lives as long as its server. */
typedef struct _QtrTestTimeline QtrTestTimeline;

QtrTestTimeline *qtr_test_timeline_new      (QtrTestServer      *server,
                                             const char         *path);
char            *qtr_test_timeline_post     (QtrTestTimeline    *timeline,
                                             const char         *text);
char            *qtr_test_timeline_notify   (QtrTestTimeline    *timeline,
                                             const char         *type,
                                             const char         *text);
void             qtr_test_timeline_remove   (QtrTestTimeline    *timeline,
                                             const char         *id);
JsonObject      *qtr_test_timeline_get      (QtrTestTimeline    *timeline,
                                             const char         *id);
const char      *qtr_test_timeline_last_query (QtrTestTimeline  *timeline);
JsonObject      *qtr_test_status_new        (const char         *id,
                                             const char         *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrTestServer, qtr_test_server_free)

G_END_DECLS
