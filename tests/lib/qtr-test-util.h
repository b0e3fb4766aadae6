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

G_END_DECLS
