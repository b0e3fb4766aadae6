/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "qtr-account.h"
#include "qtr-media-attachment.h"

G_BEGIN_DECLS

#define QTR_TYPE_STATUS (qtr_status_get_type ())

G_DECLARE_FINAL_TYPE (QtrStatus, qtr_status, QTR, STATUS, GObject)

QtrStatus *qtr_status_new_from_json (JsonObject  *object,
                                     GError     **error);

const char *qtr_status_get_id                     (QtrStatus *self);
const char *qtr_status_get_uri                    (QtrStatus *self);
const char *qtr_status_get_url                    (QtrStatus *self);
const char *qtr_status_get_content                (QtrStatus *self);
const char *qtr_status_get_spoiler_text           (QtrStatus *self);
const char *qtr_status_get_visibility             (QtrStatus *self);
const char *qtr_status_get_language               (QtrStatus *self);
const char *qtr_status_get_in_reply_to_id         (QtrStatus *self);
const char *qtr_status_get_in_reply_to_account_id (QtrStatus *self);
gboolean    qtr_status_get_sensitive              (QtrStatus *self);
gboolean    qtr_status_get_favourited             (QtrStatus *self);
gboolean    qtr_status_get_reblogged              (QtrStatus *self);
gboolean    qtr_status_get_bookmarked             (QtrStatus *self);
gint64      qtr_status_get_replies_count          (QtrStatus *self);
gint64      qtr_status_get_reblogs_count          (QtrStatus *self);
gint64      qtr_status_get_favourites_count       (QtrStatus *self);
GDateTime  *qtr_status_get_created_at             (QtrStatus *self);
GDateTime  *qtr_status_get_edited_at              (QtrStatus *self);
QtrAccount *qtr_status_get_account                (QtrStatus *self);
QtrStatus  *qtr_status_get_reblog                 (QtrStatus *self);

void        qtr_status_set_favourited             (QtrStatus *self,
                                                   gboolean   favourited);
void        qtr_status_set_reblogged              (QtrStatus *self,
                                                   gboolean   reblogged);
void        qtr_status_set_bookmarked             (QtrStatus *self,
                                                   gboolean   bookmarked);
void        qtr_status_set_reblogs_count          (QtrStatus *self,
                                                   gint64     count);
void        qtr_status_set_favourites_count       (QtrStatus *self,
                                                   gint64     count);
void        qtr_status_copy_interactions          (QtrStatus *self,
                                                   QtrStatus *from);
/**
 * QtrMention:
 * @id: the mentioned account's id
 * @username: its local part
 * @acct: its handle, without the host for local accounts
 * @url: (nullable): its profile page
 */
typedef struct {
  char *id;
  char *username;
  char *acct;
  char *url;
} QtrMention;

/**
 * QtrTag:
 * @name: the hashtag, without `#`
 * @url: (nullable): its page on the server
 */
typedef struct {
  char *name;
  char *url;
} QtrTag;

/**
 * QtrPollOption:
 * @title: the choice
 * @votes_count: its votes, or -1 while the results are hidden
 */
typedef struct {
  char   *title;
  gint64  votes_count;
} QtrPollOption;

/**
 * QtrPoll:
 * @id: (nullable): the poll id, to vote with
 * @expires_at: (nullable): when voting ends; %NULL when it never does
 * @expired: whether voting has ended
 * @multiple: whether several choices may be made
 * @votes_count: the votes, or -1
 * @voters_count: the voters, or -1 (unknown, or a single-choice poll on some servers)
 * @voted: whether you voted
 * @options: (element-type QtrPollOption): the choices
 * @own_votes: (element-type guint): the indices of your choices
 */
typedef struct {
  char      *id;
  GDateTime *expires_at;
  gboolean   expired;
  gboolean   multiple;
  gint64     votes_count;
  gint64     voters_count;
  gboolean   voted;
  GPtrArray *options;
  GArray    *own_votes;
} QtrPoll;

/**
 * QtrCard:
 * @url: the link
 * @title: (nullable): the linked page's title
 * @description: (nullable): its summary
 * @card_type: (nullable): `link`, `photo`, `video` or `rich`
 * @image: (nullable): a preview image
 * @provider_name: (nullable): the site
 */
typedef struct {
  char *url;
  char *title;
  char *description;
  char *card_type;
  char *image;
  char *provider_name;
} QtrCard;

void           qtr_mention_free                 (QtrMention    *mention);
void           qtr_tag_free                     (QtrTag        *tag);
void           qtr_poll_option_free             (QtrPollOption *option);
void           qtr_poll_free                    (QtrPoll       *poll);
QtrPoll       *qtr_poll_new_from_json           (JsonObject    *object);
QtrPoll       *qtr_poll_copy                    (const QtrPoll *poll);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrPoll, qtr_poll_free)
void           qtr_card_free                    (QtrCard       *card);

QtrStatus     *qtr_status_get_shown             (QtrStatus     *self);
GPtrArray     *qtr_status_get_media_attachments (QtrStatus     *self);
GPtrArray     *qtr_status_get_mentions          (QtrStatus     *self);
GPtrArray     *qtr_status_get_tags              (QtrStatus     *self);
const QtrPoll *qtr_status_get_poll              (QtrStatus     *self);
void           qtr_status_set_poll              (QtrStatus     *self,
                                                 const QtrPoll *poll);
const QtrCard *qtr_status_get_card              (QtrStatus     *self);

G_END_DECLS
