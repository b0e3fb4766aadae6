/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "qtr-login.h"
#include "qtr-node.h"

G_BEGIN_DECLS

/**
 * QtrNodeHostState:
 * @QTR_NODE_HOST_STOPPED: the app runs no node
 * @QTR_NODE_HOST_STARTING: the node's thread is starting it
 * @QTR_NODE_HOST_RUNNING: the node runs on its thread
 * @QTR_NODE_HOST_EXTERNAL: another process (`quitter-node run`, its systemd unit) runs the
 *   node: the app uses that one
 * @QTR_NODE_HOST_FAILED: the node could not start: qtr_node_host_get_error() says why
 *
 * What the app's node is doing.
 */
typedef enum {
  QTR_NODE_HOST_STOPPED,
  QTR_NODE_HOST_STARTING,
  QTR_NODE_HOST_RUNNING,
  QTR_NODE_HOST_EXTERNAL,
  QTR_NODE_HOST_FAILED,
} QtrNodeHostState;

/**
 * QtrNodeHostFunc:
 * @node: the node, used only during the call and in what it starts
 * @task: to return the result with (g_task_return_pointer(), g_task_return_error()), at once
 *   or once what it started (an `_async` call of @node) finished
 *
 * Work for the node, run where the node lives: on its thread while the app runs it,
 * otherwise on the UI thread with the node opened beside the process that runs it (as the
 * `quitter-node` commands do). The task's data is what qtr_node_host_run_async() was given.
 */
typedef void (*QtrNodeHostFunc) (QtrNode *node,
                                 GTask   *task);

#define QTR_TYPE_NODE_HOST (qtr_node_host_get_type ())
G_DECLARE_FINAL_TYPE (QtrNodeHost, qtr_node_host, QTR, NODE_HOST, GObject)

QtrNodeHost      *qtr_node_host_get_default  (void);
QtrNodeHost      *qtr_node_host_new          (const char          *data_dir);
const char       *qtr_node_host_get_data_dir (QtrNodeHost         *self);
QtrNodeHostState  qtr_node_host_get_state    (QtrNodeHost         *self);
const GError     *qtr_node_host_get_error    (QtrNodeHost         *self);
const char       *qtr_node_host_get_base_url (QtrNodeHost         *self);
const char       *qtr_node_host_get_listen_url (QtrNodeHost       *self);
char             *qtr_node_host_describe     (QtrNodeHost         *self);
gboolean          qtr_node_host_is_set_up    (QtrNodeHost         *self);

void              qtr_node_host_start        (QtrNodeHost         *self);
void              qtr_node_host_stop         (QtrNodeHost         *self);
void              qtr_node_host_restart      (QtrNodeHost         *self);
void              qtr_node_host_autostart    (QtrNodeHost         *self,
                                              GSettings           *settings);

void              qtr_node_host_run_async    (QtrNodeHost         *self,
                                              QtrNodeHostFunc      func,
                                              gpointer             task_data,
                                              GDestroyNotify       task_data_destroy,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean          qtr_node_host_run_finish   (QtrNodeHost         *self,
                                              GAsyncResult        *result,
                                              gpointer            *value,
                                              GError             **error);

/**
 * QtrNodeSetup:
 * @username: the owner's user name
 * @display_name: (nullable): the owner's display name
 * @password: the password apps sign in with
 * @base_url: the public address
 * @port: the local port to listen on (on 127.0.0.1)
 *
 * What the "Start my own node" assistant asks, for qtr_node_host_create_async().
 */
typedef struct {
  const char *username;
  const char *display_name;
  const char *password;
  const char *base_url;
  guint       port;
} QtrNodeSetup;

void              qtr_node_host_create_async (QtrNodeHost         *self,
                                              const QtrNodeSetup  *setup,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
QtrCredentials   *qtr_node_host_create_finish (QtrNodeHost        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
