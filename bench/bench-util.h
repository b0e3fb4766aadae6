/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What the benchmark programs share. Each program prints its figures as `name=value` lines on
 * standard output, for bench/run.sh to read; anything for people goes to standard error. */

/* The node's own backlog (LISTEN_BACKLOG in src/node/qtr-node.c), so that baselines and sinks
 * listen as the node does. */
#define BENCH_LISTEN_BACKLOG 1024

GSocket *bench_listen_socket      (const char  *address,
                                   guint        port,
                                   GError     **error);
guint    bench_socket_get_port    (GSocket     *socket);
void     bench_raise_fd_limit     (void);
double   bench_seconds_since      (gint64       start_usec);
void     bench_print_result       (const char  *name,
                                   const char  *format,
                                   ...) G_GNUC_PRINTF (2, 3);
void     bench_wait_until         (gboolean   (*done) (gpointer user_data),
                                   gpointer     user_data,
                                   double       timeout_seconds);

G_END_DECLS
