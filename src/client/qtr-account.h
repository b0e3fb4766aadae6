/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define QTR_TYPE_ACCOUNT (qtr_account_get_type ())

G_DECLARE_FINAL_TYPE (QtrAccount, qtr_account, QTR, ACCOUNT, GObject)

QtrAccount *qtr_account_new_from_json (JsonObject  *object,
                                       GError     **error);

const char *qtr_account_get_id              (QtrAccount *self);
const char *qtr_account_get_username        (QtrAccount *self);
const char *qtr_account_get_acct            (QtrAccount *self);
const char *qtr_account_get_display_name    (QtrAccount *self);
const char *qtr_account_get_note            (QtrAccount *self);
const char *qtr_account_get_url             (QtrAccount *self);
const char *qtr_account_get_avatar          (QtrAccount *self);
const char *qtr_account_get_avatar_static   (QtrAccount *self);
const char *qtr_account_get_header          (QtrAccount *self);
gboolean    qtr_account_get_locked          (QtrAccount *self);
gboolean    qtr_account_get_bot             (QtrAccount *self);
gint64      qtr_account_get_followers_count (QtrAccount *self);
gint64      qtr_account_get_following_count (QtrAccount *self);
gint64      qtr_account_get_statuses_count  (QtrAccount *self);
GDateTime  *qtr_account_get_created_at      (QtrAccount *self);
GDateTime  *qtr_account_get_last_status_at  (QtrAccount *self);
/**
 * QtrAccountField:
 * @name: the field's name
 * @value: its value, as HTML from the server
 * @verified_at: (nullable): when the server verified the link in @value
 *
 * One field of a profile.
 */
typedef struct {
  char      *name;
  char      *value;
  GDateTime *verified_at;
} QtrAccountField;

void        qtr_account_field_free (QtrAccountField *field);
const char *qtr_account_get_name   (QtrAccount      *self);
GPtrArray  *qtr_account_get_fields (QtrAccount      *self);

G_END_DECLS
