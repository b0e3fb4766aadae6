/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define QTR_NODE_ERROR (qtr_node_error_quark ())

/**
 * QtrNodeError:
 * @QTR_NODE_ERROR_FAILED: any other failure
 * @QTR_NODE_ERROR_LOCKED: another process (quitter-node or the app) runs this node already
 * @QTR_NODE_ERROR_NOT_SET_UP: the data folder holds no node: run `quitter-node init`
 * @QTR_NODE_ERROR_ALREADY_SET_UP: `init` was asked for a folder that holds a node already
 * @QTR_NODE_ERROR_LISTEN: the address and port cannot be listened on (in use, not ours)
 */
typedef enum {
  QTR_NODE_ERROR_FAILED,
  QTR_NODE_ERROR_LOCKED,
  QTR_NODE_ERROR_NOT_SET_UP,
  QTR_NODE_ERROR_ALREADY_SET_UP,
  QTR_NODE_ERROR_LISTEN,
} QtrNodeError;

GQuark qtr_node_error_quark (void);

#define QTR_TYPE_NODE (qtr_node_get_type ())
G_DECLARE_FINAL_TYPE (QtrNode, qtr_node, QTR, NODE, GObject)

char       *qtr_node_default_data_dir (void);
gboolean    qtr_node_init_data_dir    (const char  *data_dir,
                                       const char  *base_url,
                                       const char  *username,
                                       const char  *display_name,
                                       GError     **error);

QtrNode    *qtr_node_open             (const char  *data_dir,
                                       GError     **error);
void        qtr_node_set_listen       (QtrNode     *self,
                                       const char  *address,
                                       int          port);
gboolean    qtr_node_start            (QtrNode     *self,
                                       GError     **error);
void        qtr_node_stop             (QtrNode     *self);
guint       qtr_node_get_port         (QtrNode     *self);
const char *qtr_node_get_base_url     (QtrNode     *self);
const char *qtr_node_get_listen_url   (QtrNode     *self);

void        qtr_node_follow_async     (QtrNode             *node,
                                       const char          *handle,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
char       *qtr_node_follow_finish    (QtrNode             *node,
                                       GAsyncResult        *result,
                                       GError             **error);
char       *qtr_node_unfollow         (QtrNode             *node,
                                       const char          *handle,
                                       GError             **error);
gboolean    qtr_node_like             (QtrNode             *node,
                                       const char          *status_uri,
                                       GError             **error);
gboolean    qtr_node_unlike           (QtrNode             *node,
                                       const char          *status_uri,
                                       GError             **error);
void        qtr_node_block_async      (QtrNode             *node,
                                       const char          *handle,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
char       *qtr_node_block_finish     (QtrNode             *node,
                                       GAsyncResult        *result,
                                       GError             **error);
char       *qtr_node_unblock          (QtrNode             *node,
                                       const char          *handle,
                                       GError             **error);
/**
 * QtrPostRequest:
 * @text: what the owner wrote, as plain text
 * @visibility: who may see it: a #QtrVisibility (0, public, when zeroed)
 * @summary: (nullable): a content warning
 * @language: (nullable): the BCP 47 tag of @text
 * @in_reply_to: (nullable): the id of the post this answers: its author is mentioned and
 *   addressed, and gets the reply
 *
 * A post as the owner composed it, for qtr_node_post(). Start from `{ 0 }` and set what you
 * need: fields added later keep their zero meaning "none".
 */
typedef struct {
  const char *text;
  int         visibility;
  const char *summary;
  const char *language;
  const char *in_reply_to;
} QtrPostRequest;

char       *qtr_node_post             (QtrNode              *node,
                                       const QtrPostRequest *request,
                                       GError              **error);
void        qtr_node_post_async       (QtrNode              *node,
                                       const QtrPostRequest *request,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
char       *qtr_node_post_finish      (QtrNode              *node,
                                       GAsyncResult         *result,
                                       GError              **error);
void        qtr_node_boost_async      (QtrNode              *node,
                                       const char           *uri,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
char       *qtr_node_boost_finish     (QtrNode              *node,
                                       GAsyncResult         *result,
                                       GError              **error);
gboolean    qtr_node_unboost          (QtrNode              *node,
                                       const char           *uri,
                                       GError              **error);
gboolean    qtr_node_delete_post      (QtrNode             *node,
                                       const char          *uri,
                                       GError             **error);

G_END_DECLS
