/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Helpers shared by the test programs. */

void  qtr_test_remove_tree    (const char *path);
guint qtr_test_pick_free_port (void);

GBytes *qtr_test_make_png (guint32 width,
                           guint32 height,
                           gsize   padding);

GBytes *qtr_test_load_data (const char *folder,
                            const char *name);
char   *qtr_test_load_text (const char *folder,
                            const char *name);

/**
 * QtrTestRun:
 * @status: the exit status
 * @out: what it printed on standard output
 * @err: what it printed on standard error
 *
 * A program run to its end, as a person would run it from a shell.
 */
typedef struct {
  int   status;
  char *out;
  char *err;
} QtrTestRun;

void qtr_test_run_clear (QtrTestRun *run);
void qtr_test_run       (QtrTestRun *run,
                         const char *program,
                         const char *first_arg,
                         ...) G_GNUC_NULL_TERMINATED;

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QtrTestRun, qtr_test_run_clear)

/* quitter-node as a process, for tests of the program itself. */
void         qtr_test_allow_private_addresses (const char   *data_dir);
GSubprocess *qtr_test_serve                   (const char   *node_path,
                                               const char   *data_dir,
                                               const char   *port,
                                               char        **first_line);
void         qtr_test_stop_server             (GSubprocess **server);
gboolean     qtr_test_wait_for_status         (const char   *node_path,
                                               const char   *data_dir,
                                               guint         seconds,
                                               const char   *first_words,
                                               ...) G_GNUC_NULL_TERMINATED;

gint64 qtr_test_query_node_db (const char *data_dir,
                               const char *sql);

/* How long a test waits for what should happen before it fails. */
#define QTR_TEST_WAIT_SECONDS 15

/**
 * QtrTestCondition:
 * @user_data: what the waiter was given
 *
 * Returns: whether what a test waits for has happened
 */
typedef gboolean (*QtrTestCondition) (gpointer user_data);

void qtr_test_wait_until_func (QtrTestCondition  condition,
                               gpointer          user_data,
                               const char       *what);

/* qtr_test_wait_until (condition, user_data, what): @condition may be any function of one
 * pointer (`gboolean bob_has_a_follower (Fixture *fixture)`), called with @user_data. */
#define qtr_test_wait_until(condition, user_data, what) \
  qtr_test_wait_until_func ((QtrTestCondition) (condition), (user_data), (what))

void          qtr_test_spin          (guint          ms);
void          qtr_test_got_result_cb (GObject       *source,
                                      GAsyncResult  *result,
                                      gpointer       user_data);
GAsyncResult *qtr_test_wait_result   (GAsyncResult **result);

G_END_DECLS
