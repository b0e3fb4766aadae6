/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "bench-util.h"

#include <stdio.h>
#include <sys/resource.h>

/**
 * bench_listen_socket:
 * @address: an IP address
 * @port: a port, or 0 for any free one
 *
 * Returns: (transfer full): a listening TCP socket, set up as the node sets up its own: a
 *   GSocket with a large backlog, for soup_server_listen_socket()
 */
GSocket *
bench_listen_socket (const char  *address,
                     guint        port,
                     GError     **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) socket = NULL;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", address);
      return NULL;
    }
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_listen_backlog (socket, BENCH_LISTEN_BACKLOG);
  socket_address = g_inet_socket_address_new (inet, (guint16) port);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

guint
bench_socket_get_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) bound = g_socket_get_local_address (socket, NULL);

  return bound ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)) : 0;
}

/* Sinks listen on a thousand addresses and accept as many connections. */
void
bench_raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max)
    return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_printerr ("Cannot raise the limit on open files; sinks may run out of them\n");
}

double
bench_seconds_since (gint64 start_usec)
{
  return (double) (g_get_monotonic_time () - start_usec) / G_USEC_PER_SEC;
}

/**
 * bench_print_result:
 *
 * Prints `name=value` on standard output, where bench/run.sh reads it.
 */
void
bench_print_result (const char *name,
                    const char *format,
                    ...)
{
  g_autofree char *value = NULL;
  va_list args;

  va_start (args, format);
  value = g_strdup_vprintf (format, args);
  va_end (args);
  printf ("%s=%s\n", name, value);
  fflush (stdout);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * bench_wait_until:
 *
 * Iterates the thread-default main context until @done says so, or @timeout_seconds pass.
 */
void
bench_wait_until (gboolean (*done) (gpointer user_data),
                  gpointer   user_data,
                  double     timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_seconds * G_USEC_PER_SEC);
  GMainContext *context = g_main_context_get_thread_default ();
  /* Wakes the loop every few milliseconds to look again, without spinning. */
  g_autoptr(GSource) tick = g_timeout_source_new (2);

  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, context);
  while (!done (user_data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (tick);
}
