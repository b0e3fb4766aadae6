/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/prctl.h>

/**
 * qtr_test_remove_tree:
 *
 * Removes @path and everything below it.
 */
void
qtr_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      qtr_test_remove_tree (child);
    }
  g_remove (path);
}

/**
 * qtr_test_pick_free_port:
 *
 * Returns: a TCP port on 127.0.0.1 that was free a moment ago, for a node whose base URL must
 *   name its port before it listens
 */
guint
qtr_test_pick_free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

void
qtr_test_run_clear (QtrTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/**
 * qtr_test_run:
 * @first_arg: the program's arguments, ending with %NULL
 *
 * Runs @program to its end, with nothing on its standard input, and keeps its exit status
 * and output in @run.
 */
void
qtr_test_run (QtrTestRun *run,
              const char *program,
              const char *first_arg,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) program);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

/**
 * qtr_test_allow_private_addresses:
 * @data_dir: a data folder of `quitter-node init`
 *
 * Lets the node of @data_dir reach private addresses (other nodes of the test on loopback),
 * by editing its node.conf as a person would.
 */
void
qtr_test_allow_private_addresses (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "node.conf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) edited = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  edited = g_string_new (text);
  g_assert_cmpuint (g_string_replace (edited, "allow_private_addresses=false",
                                      "allow_private_addresses=true", 0), ==, 1);
  g_assert_true (g_file_set_contents (path, edited->str, -1, NULL));
}

/* Runs in the child, before exec: a failed assertion must not leave nodes running. */
static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * qtr_test_serve:
 * @node_path: the quitter-node program
 * @data_dir: the node's data folder
 * @port: the port to listen on, in decimal
 * @first_line: (out) (optional): the line the node printed when it started serving
 *
 * Starts `quitter-node run` on @data_dir, killed if the test dies, and waits until it says it
 * serves. Stop it with qtr_test_stop_server().
 *
 * Returns: (transfer full): the running node
 */
GSubprocess *
qtr_test_serve (const char  *node_path,
                const char  *data_dir,
                const char  *port,
                char       **first_line)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  GSubprocess *server;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, node_path, "run", "--data-dir",
                                        data_dir, "--port", port, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "Serving"));
  if (first_line != NULL)
    *first_line = g_steal_pointer (&line);
  return server;
}

/**
 * qtr_test_stop_server:
 * @server: a node of qtr_test_serve(), cleared
 *
 * Stops the node as systemd would (SIGTERM); it must exit, with status 0.
 */
void
qtr_test_stop_server (GSubprocess **server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (*server, SIGTERM);
  g_subprocess_wait (*server, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (*server));
  g_assert_cmpint (g_subprocess_get_exit_status (*server), ==, 0);
  g_clear_object (server);
}

/**
 * qtr_test_wait_for_status:
 * @first_words: what the status must say, then more, ending with %NULL
 *
 * Runs `quitter-node status` on @data_dir now and then for up to @seconds, until it prints
 * every one of the words.
 *
 * Returns: whether it did
 */
gboolean
qtr_test_wait_for_status (const char *node_path,
                          const char *data_dir,
                          guint       seconds,
                          const char *first_words,
                          ...)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_auto(QtrTestRun) status = { 0 };
      gboolean all = TRUE;
      va_list args;

      qtr_test_run (&status, node_path, "status", "--data-dir", data_dir, NULL);
      g_assert_cmpint (status.status, ==, 0);
      va_start (args, first_words);
      for (const char *words = first_words; words != NULL; words = va_arg (args, const char *))
        all = all && strstr (status.out, words) != NULL;
      va_end (args);
      if (all)
        return TRUE;
      g_usleep (100 * 1000);
    }
  return FALSE;
}

/**
 * qtr_test_load_data:
 * @folder: a folder of tests/data
 *
 * Returns: (transfer full): the bytes of the file @name in it
 */
GBytes *
qtr_test_load_data (const char *folder,
                    const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", folder, name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  g_file_get_contents (path, &data, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

/**
 * qtr_test_load_text:
 *
 * Returns: (transfer full): the text of the file @name in tests/data/@folder, without the
 *   line break that ends the file
 */
char *
qtr_test_load_text (const char *folder,
                    const char *name)
{
  g_autoptr(GBytes) bytes = qtr_test_load_data (folder, name);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  if (length > 0 && data[length - 1] == '\n')
    length--;
  return g_strndup (data, length);
}

/**
 * qtr_test_make_png:
 * @padding: zero bytes between the header and the end, to make the file larger
 *
 * Returns: (transfer full): a PNG file as media readers see it: signature, IHDR with the size,
 *   IEND; no image data
 */
GBytes *
qtr_test_make_png (guint32 width,
                   guint32 height,
                   gsize   padding)
{
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[] = {
    0, 0, 0, 13, 'I', 'H', 'D', 'R',
    width >> 24, width >> 16, width >> 8, width, height >> 24, height >> 16, height >> 8, height,
    8, 2, 0, 0, 0, 0x12, 0x34, 0x56, 0x78,
  };
  static const guint8 iend[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  g_byte_array_append (png, ihdr, sizeof ihdr);
  if (padding > 0)
    {
      gsize at = png->len;
      g_byte_array_set_size (png, png->len + padding);
      memset (png->data + at, 0, padding);
    }
  g_byte_array_append (png, iend, sizeof iend);
  return g_byte_array_free_to_bytes (png);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * qtr_test_wait_until_func:
 * @condition: what to wait for
 * @user_data: passed to @condition
 * @what: what is waited for, in words, for the message if it never happens
 *
 * Runs the default main context until @condition returns %TRUE, looking again every
 * millisecond (for what other threads do, such as sqlite work, that wakes no main context);
 * fails the test after %QTR_TEST_WAIT_SECONDS. Use qtr_test_wait_until().
 */
void
qtr_test_wait_until_func (QtrTestCondition  condition,
                          gpointer          user_data,
                          const char       *what)
{
  gint64 deadline = g_get_monotonic_time () + QTR_TEST_WAIT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (1, tick_cb, NULL);

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting until %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/**
 * qtr_test_spin:
 * @ms: how long, in milliseconds
 *
 * Runs the default main context for @ms, for what must not happen meanwhile.
 */
void
qtr_test_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;
  guint tick = g_timeout_add (10, tick_cb, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

/**
 * qtr_test_got_result_cb:
 * @user_data: a `GAsyncResult **`, %NULL until the call ends
 *
 * A #GAsyncReadyCallback that keeps a reference to the result, for qtr_test_wait_result().
 */
void
qtr_test_got_result_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/**
 * qtr_test_wait_result:
 * @result: where qtr_test_got_result_cb() puts the result
 *
 * Runs the default main context until the async call given qtr_test_got_result_cb() and
 * @result ends; fails the test after %QTR_TEST_WAIT_SECONDS.
 *
 * Returns: (transfer none): *@result, for the call's _finish function
 */
GAsyncResult *
qtr_test_wait_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + QTR_TEST_WAIT_SECONDS * G_USEC_PER_SEC;
  /* Wakes the loop now and then, so that the deadline is looked at even if nothing comes. */
  guint tick = g_timeout_add (100, tick_cb, NULL);

  while (*result == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for an async call");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
  return *result;
}

/**
 * qtr_test_query_node_db:
 * @data_dir: a node's data folder
 * @sql: a query whose first row's first column is a number (a count…)
 *
 * Reads the node.db of @data_dir through a connection of the test's own, beside the node that
 * has it open (on another thread, or in another process).
 *
 * Returns: that number, -1 without a row
 */
gint64
qtr_test_query_node_db (const char *data_dir,
                        const char *sql)
{
  g_autofree char *path = g_build_filename (data_dir, "node.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}
