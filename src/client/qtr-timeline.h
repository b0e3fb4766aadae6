/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "qtr-api-client.h"
#include "qtr-cache.h"
#include "qtr-server-info.h"
#include "qtr-timeline-item.h"

G_BEGIN_DECLS

/* Items a timeline holds at most; older ones are dropped as newer ones come in. */
#define QTR_TIMELINE_DEFAULT_MAX_ITEMS 400
/* Items asked for per page (Mastodon's maximum). */
#define QTR_TIMELINE_DEFAULT_PAGE_SIZE 40
/* How long a change waits before it is written to the cache or the markers API, in ms. */
#define QTR_TIMELINE_DEFAULT_SAVE_DELAY 3000

/**
 * QtrTimelineKind:
 * @QTR_TIMELINE_HOME: the posts of followed accounts (`/api/v1/timelines/home`)
 * @QTR_TIMELINE_LOCAL: the server's public posts (`/api/v1/timelines/public?local=true`)
 * @QTR_TIMELINE_FEDERATED: all public posts the server knows
 * @QTR_TIMELINE_TAG: the posts of a hashtag (the argument: the tag, without `#`)
 * @QTR_TIMELINE_LIST: the posts of a list (the argument: the list id)
 * @QTR_TIMELINE_BOOKMARKS: the user's bookmarks
 * @QTR_TIMELINE_FAVOURITES: the user's favourites
 * @QTR_TIMELINE_ACCOUNT: the posts of an account (the argument: the account id)
 * @QTR_TIMELINE_NOTIFICATIONS: notifications (a #QtrNotificationList)
 *
 * Which timeline a #QtrTimeline shows.
 */
typedef enum {
  QTR_TIMELINE_HOME,
  QTR_TIMELINE_LOCAL,
  QTR_TIMELINE_FEDERATED,
  QTR_TIMELINE_TAG,
  QTR_TIMELINE_LIST,
  QTR_TIMELINE_BOOKMARKS,
  QTR_TIMELINE_FAVOURITES,
  QTR_TIMELINE_ACCOUNT,
  QTR_TIMELINE_NOTIFICATIONS,
} QtrTimelineKind;

/**
 * QtrTimelineState:
 * @QTR_TIMELINE_STATE_INITIAL: nothing was asked of the server yet (what shows came from the cache)
 * @QTR_TIMELINE_STATE_ONLINE: the last request to the server succeeded
 * @QTR_TIMELINE_STATE_OFFLINE: the server could not be reached, or did not answer in time; what
 *   shows came from the cache or from before
 * @QTR_TIMELINE_STATE_FAILED: the server answered with an error or with something that is not
 *   the API (qtr_timeline_get_error() says what)
 */
typedef enum {
  QTR_TIMELINE_STATE_INITIAL,
  QTR_TIMELINE_STATE_ONLINE,
  QTR_TIMELINE_STATE_OFFLINE,
  QTR_TIMELINE_STATE_FAILED,
} QtrTimelineState;

GType qtr_timeline_kind_get_type  (void) G_GNUC_CONST;
GType qtr_timeline_state_get_type (void) G_GNUC_CONST;
#define QTR_TYPE_TIMELINE_KIND (qtr_timeline_kind_get_type ())
#define QTR_TYPE_TIMELINE_STATE (qtr_timeline_state_get_type ())

#define QTR_TYPE_TIMELINE (qtr_timeline_get_type ())

G_DECLARE_DERIVABLE_TYPE (QtrTimeline, qtr_timeline, QTR, TIMELINE, GObject)

/**
 * QtrTimelineClass:
 * @add_query: adds query parameters (name, value…) to each request for a page
 * @accepts: whether an item that arrived by streaming belongs in the timeline
 */
struct _QtrTimelineClass
{
  GObjectClass parent_class;

  void     (*add_query) (QtrTimeline     *self,
                         GStrvBuilder    *query);
  gboolean (*accepts)   (QtrTimeline     *self,
                         QtrTimelineItem *item);
};

QtrTimeline      *qtr_timeline_new                  (QtrApiClient         *client,
                                                     QtrServerInfo        *server_info,
                                                     QtrCache             *cache,
                                                     QtrTimelineKind       kind,
                                                     const char           *argument);

QtrTimelineKind   qtr_timeline_get_kind             (QtrTimeline          *self);
const char       *qtr_timeline_get_argument         (QtrTimeline          *self);
const char       *qtr_timeline_get_key              (QtrTimeline          *self);
QtrApiClient     *qtr_timeline_get_client           (QtrTimeline          *self);
QtrTimelineState  qtr_timeline_get_state            (QtrTimeline          *self);
const GError     *qtr_timeline_get_error            (QtrTimeline          *self);
gboolean          qtr_timeline_get_loading          (QtrTimeline          *self);
gboolean          qtr_timeline_get_end_reached      (QtrTimeline          *self);
guint             qtr_timeline_get_n_pending        (QtrTimeline          *self);
gboolean          qtr_timeline_get_at_top           (QtrTimeline          *self);
void              qtr_timeline_set_at_top           (QtrTimeline          *self,
                                                     gboolean              at_top);
guint             qtr_timeline_get_max_items        (QtrTimeline          *self);
void              qtr_timeline_set_max_items        (QtrTimeline          *self,
                                                     guint                 max_items);
void              qtr_timeline_set_page_size        (QtrTimeline          *self,
                                                     guint                 page_size);
void              qtr_timeline_set_save_delay       (QtrTimeline          *self,
                                                     guint                 milliseconds);
const char       *qtr_timeline_get_stream           (QtrTimeline          *self,
                                                     const char          **param_name,
                                                     const char          **param_value);
QtrTimelineItem  *qtr_timeline_find                 (QtrTimeline          *self,
                                                     const char           *id,
                                                     guint                *position);

void              qtr_timeline_restore_async        (QtrTimeline          *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean          qtr_timeline_restore_finish       (QtrTimeline          *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void              qtr_timeline_load_newer_async     (QtrTimeline          *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void              qtr_timeline_check_newer_async    (QtrTimeline          *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void              qtr_timeline_load_older_async     (QtrTimeline          *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void              qtr_timeline_load_gap_async       (QtrTimeline          *self,
                                                     QtrTimelineItem      *gap,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gssize            qtr_timeline_load_finish          (QtrTimeline          *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
guint             qtr_timeline_reveal_pending       (QtrTimeline          *self);

gboolean          qtr_timeline_add_entity           (QtrTimeline          *self,
                                                     JsonObject           *entity);
guint             qtr_timeline_remove_status        (QtrTimeline          *self,
                                                     const char           *status_id);
guint             qtr_timeline_update_status        (QtrTimeline          *self,
                                                     JsonObject           *status);

QtrServerInfo    *qtr_timeline_get_server_info      (QtrTimeline          *self);
void              qtr_timeline_set_server_info      (QtrTimeline          *self,
                                                     QtrServerInfo        *server_info);

const char       *qtr_timeline_get_read_position    (QtrTimeline          *self);
void              qtr_timeline_set_read_position    (QtrTimeline          *self,
                                                     const char           *id);
void              qtr_timeline_save_read_position_async  (QtrTimeline     *self,
                                                          GCancellable    *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer         user_data);
gboolean          qtr_timeline_save_read_position_finish (QtrTimeline     *self,
                                                          GAsyncResult    *result,
                                                          GError         **error);

G_END_DECLS
