/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-node-store.h"
#include "qtr-node-store-statuses.h"

G_BEGIN_DECLS

/* What node.db keeps for the owner's Mastodon clients beyond federation: mutes (local only),
 * lists and their members, read markers, filters with their keywords and statuses, and
 * followed hashtags. */

/**
 * QtrAccountListKind:
 * @QTR_ACCOUNT_LIST_FOLLOWERS: accepted followers of the owner
 * @QTR_ACCOUNT_LIST_FOLLOWING: accounts the owner follows, accepted
 * @QTR_ACCOUNT_LIST_REQUESTS: follow requests waiting for the owner's answer
 * @QTR_ACCOUNT_LIST_BLOCKS: accounts the owner blocks
 * @QTR_ACCOUNT_LIST_MUTES: accounts the owner mutes
 *
 * The lists of accounts the client API pages through.
 */
typedef enum {
  QTR_ACCOUNT_LIST_FOLLOWERS,
  QTR_ACCOUNT_LIST_FOLLOWING,
  QTR_ACCOUNT_LIST_REQUESTS,
  QTR_ACCOUNT_LIST_BLOCKS,
  QTR_ACCOUNT_LIST_MUTES,
} QtrAccountListKind;

GArray     *qtr_node_store_page_accounts  (QtrNodeStore        *self,
                                           QtrAccountListKind   kind,
                                           const QtrPage       *page,
                                           GError             **error);

/**
 * QtrFollowState:
 * @following: the owner follows the actor (accepted)
 * @requested: the owner asked to follow and waits
 * @followed_by: the actor follows the owner (accepted)
 * @requested_by: the actor asked to follow the owner and waits
 * @blocking: the owner blocks the actor
 * @muting: the owner mutes the actor
 * @muting_notifications: the mute hides the actor's notifications too
 *
 * What lies between the owner and an actor, for the Relationship entity.
 */
typedef struct {
  gboolean following;
  gboolean requested;
  gboolean followed_by;
  gboolean requested_by;
  gboolean blocking;
  gboolean muting;
  gboolean muting_notifications;
} QtrFollowState;

gboolean    qtr_node_store_get_follow_state (QtrNodeStore    *self,
                                           gint64              actor_row,
                                           QtrFollowState     *state,
                                           GError            **error);

char       *qtr_node_store_get_follower_uri (QtrNodeStore     *self,
                                           gint64               actor_row,
                                           gboolean            *accepted,
                                           GError             **error);
gboolean    qtr_node_store_add_mute       (QtrNodeStore        *self,
                                           gint64               actor_row,
                                           gboolean             notifications,
                                           gint64               expires_at,
                                           GError             **error);
gboolean    qtr_node_store_remove_mute    (QtrNodeStore        *self,
                                           gint64               actor_row,
                                           GError             **error);
gboolean    qtr_node_store_is_muted       (QtrNodeStore        *self,
                                           gint64               actor_row,
                                           gboolean             for_notifications,
                                           GError             **error);
GStrv       qtr_node_store_known_hosts    (QtrNodeStore        *self,
                                           GError             **error);
GArray     *qtr_node_store_search_actors  (QtrNodeStore        *self,
                                           const char          *query,
                                           gboolean             following_only,
                                           guint                offset,
                                           guint                limit,
                                           GError             **error);

/**
 * QtrList:
 * @id: its id
 * @title: its title
 * @replies_policy: "followed", "list" or "none"
 * @exclusive: whether its members' posts leave the home timeline
 *
 * A list of accounts the owner follows, with a timeline of its own.
 */
typedef struct {
  gint64    id;
  char     *title;
  char     *replies_policy;
  gboolean  exclusive;
} QtrList;

void qtr_list_free (QtrList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrList, qtr_list_free)

gint64      qtr_node_store_add_list       (QtrNodeStore        *self,
                                           const QtrList       *list,
                                           GError             **error);
gboolean    qtr_node_store_update_list    (QtrNodeStore        *self,
                                           const QtrList       *list,
                                           GError             **error);
gboolean    qtr_node_store_delete_list    (QtrNodeStore        *self,
                                           gint64               id,
                                           GError             **error);
QtrList    *qtr_node_store_find_list      (QtrNodeStore        *self,
                                           gint64               id,
                                           GError             **error);
GPtrArray  *qtr_node_store_get_lists      (QtrNodeStore        *self,
                                           gint64               member_row,
                                           GError             **error);
gboolean    qtr_node_store_add_list_member (QtrNodeStore       *self,
                                           gint64               list_id,
                                           gint64               actor_row,
                                           GError             **error);
gboolean    qtr_node_store_remove_list_member (QtrNodeStore    *self,
                                           gint64               list_id,
                                           gint64               actor_row,
                                           GError             **error);
GArray     *qtr_node_store_page_list_members (QtrNodeStore     *self,
                                           gint64               list_id,
                                           const QtrPage       *page,
                                           GError             **error);
GArray     *qtr_node_store_get_list_members (QtrNodeStore      *self,
                                           gint64               list_id,
                                           GError             **error);

gboolean    qtr_node_store_get_marker     (QtrNodeStore        *self,
                                           const char          *timeline,
                                           char               **last_read_id,
                                           gint64              *version,
                                           gint64              *updated_at,
                                           GError             **error);
gboolean    qtr_node_store_set_marker     (QtrNodeStore        *self,
                                           const char          *timeline,
                                           const char          *last_read_id,
                                           GError             **error);

/**
 * QtrFilterKeyword:
 * @id: its id
 * @keyword: the word or phrase
 * @whole_word: whether it matches whole words only
 */
typedef struct {
  gint64    id;
  char     *keyword;
  gboolean  whole_word;
} QtrFilterKeyword;

/**
 * QtrFilterStatus:
 * @id: its id
 * @status_id: the filtered status's id, as the client API names it
 */
typedef struct {
  gint64  id;
  char   *status_id;
} QtrFilterStatus;

/**
 * QtrFilter:
 * @id: its id
 * @title: its name
 * @context: where it applies: "home", "notifications", "public", "thread", "account"
 * @action: "warn" or "hide"
 * @expires_at: when it stops applying (Unix seconds), 0 for never
 * @keywords: (element-type QtrFilterKeyword): its keywords
 * @statuses: (element-type QtrFilterStatus): the statuses it hides by id
 *
 * A filter of the owner's (Mastodon's filters v2).
 */
typedef struct {
  gint64     id;
  char      *title;
  GStrv      context;
  char      *action;
  gint64     expires_at;
  GPtrArray *keywords;
  GPtrArray *statuses;
} QtrFilter;

QtrFilter  *qtr_filter_new                (void);
void        qtr_filter_free               (QtrFilter *filter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrFilter, qtr_filter_free)

gint64      qtr_node_store_save_filter    (QtrNodeStore        *self,
                                           const QtrFilter     *filter,
                                           GError             **error);
gboolean    qtr_node_store_delete_filter  (QtrNodeStore        *self,
                                           gint64               id,
                                           GError             **error);
QtrFilter  *qtr_node_store_find_filter    (QtrNodeStore        *self,
                                           gint64               id,
                                           GError             **error);
GPtrArray  *qtr_node_store_get_filters    (QtrNodeStore        *self,
                                           GError             **error);
gint64      qtr_node_store_add_filter_keyword (QtrNodeStore    *self,
                                           gint64               filter_id,
                                           const char          *keyword,
                                           gboolean             whole_word,
                                           GError             **error);
gboolean    qtr_node_store_update_filter_keyword (QtrNodeStore *self,
                                           gint64               id,
                                           const char          *keyword,
                                           gboolean             whole_word,
                                           GError             **error);
gboolean    qtr_node_store_delete_filter_keyword (QtrNodeStore *self,
                                           gint64               id,
                                           GError             **error);
gint64      qtr_node_store_find_filter_keyword (QtrNodeStore   *self,
                                           gint64               id,
                                           GError             **error);
gint64      qtr_node_store_add_filter_status (QtrNodeStore     *self,
                                           gint64               filter_id,
                                           const char          *status_id,
                                           GError             **error);
gboolean    qtr_node_store_delete_filter_status (QtrNodeStore  *self,
                                           gint64               id,
                                           GError             **error);
gint64      qtr_node_store_find_filter_status (QtrNodeStore    *self,
                                           gint64               id,
                                           GError             **error);

/**
 * QtrFilterMatch:
 * @filter: the filter that matched
 * @keyword_matches: the keywords of it found in the text, never %NULL
 * @status_matches: the ids of its statuses that are the status, never %NULL
 *
 * One filter that applies to a status, as Mastodon's FilterResult tells it.
 */
typedef struct {
  QtrFilter *filter;
  GStrv      keyword_matches;
  GStrv      status_matches;
} QtrFilterMatch;

void        qtr_filter_match_free         (QtrFilterMatch *match);

GPtrArray  *qtr_node_store_match_filters  (QtrNodeStore        *self,
                                           const char          *text,
                                           const char          *status_id,
                                           const char          *context,
                                           GError             **error);

gboolean    qtr_node_store_set_media_focus (QtrNodeStore      *self,
                                           gint64               id,
                                           const char          *focus,
                                           GError             **error);
char       *qtr_node_store_get_media_focus (QtrNodeStore      *self,
                                           gint64               id,
                                           GError             **error);

gboolean    qtr_node_store_follow_tag     (QtrNodeStore        *self,
                                           const char          *name,
                                           gboolean             follow,
                                           GError             **error);
gint64      qtr_node_store_get_followed_tag (QtrNodeStore      *self,
                                           const char          *name,
                                           GError             **error);
GPtrArray  *qtr_node_store_page_followed_tags (QtrNodeStore    *self,
                                           const QtrPage       *page,
                                           GArray             **items,
                                           GError             **error);

G_END_DECLS
