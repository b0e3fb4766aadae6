/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define QTR_NODE_ERROR (qtr_node_error_quark ())

/**
 * QtrNodeError:
 * @QTR_NODE_ERROR_FAILED: any other failure
 * @QTR_NODE_ERROR_LOCKED: another process (quitter-node or the app) runs this node already
 * @QTR_NODE_ERROR_NOT_SET_UP: the data folder holds no node: run `quitter-node init`
 * @QTR_NODE_ERROR_ALREADY_SET_UP: `init` was asked for a folder that holds a node already
 * @QTR_NODE_ERROR_LISTEN: the address and port cannot be listened on (in use, not ours)
 * @QTR_NODE_ERROR_NOT_FOUND: what was named (a media file, an account) is not there
 * @QTR_NODE_ERROR_INVALID_MEDIA: a file is no image, video or audio the node accepts
 * @QTR_NODE_ERROR_TOO_LARGE: a file is larger than its type allows
 * @QTR_NODE_ERROR_INVALID: a request the node refuses as given (the message says why)
 */
typedef enum {
  QTR_NODE_ERROR_FAILED,
  QTR_NODE_ERROR_LOCKED,
  QTR_NODE_ERROR_NOT_SET_UP,
  QTR_NODE_ERROR_ALREADY_SET_UP,
  QTR_NODE_ERROR_LISTEN,
  QTR_NODE_ERROR_NOT_FOUND,
  QTR_NODE_ERROR_INVALID_MEDIA,
  QTR_NODE_ERROR_TOO_LARGE,
  QTR_NODE_ERROR_INVALID,
} QtrNodeError;

GQuark qtr_node_error_quark (void);

#define QTR_TYPE_NODE (qtr_node_get_type ())
G_DECLARE_FINAL_TYPE (QtrNode, qtr_node, QTR, NODE, GObject)

char       *qtr_node_default_data_dir (void);
gboolean    qtr_node_init_data_dir    (const char  *data_dir,
                                       const char  *base_url,
                                       const char  *username,
                                       const char  *display_name,
                                       GError     **error);

QtrNode    *qtr_node_open             (const char  *data_dir,
                                       GError     **error);
void        qtr_node_set_listen       (QtrNode     *self,
                                       const char  *address,
                                       int          port);
gboolean    qtr_node_start            (QtrNode     *self,
                                       GError     **error);
void        qtr_node_stop             (QtrNode     *self);
guint       qtr_node_get_port         (QtrNode     *self);
const char *qtr_node_get_base_url     (QtrNode     *self);
const char *qtr_node_get_listen_url   (QtrNode     *self);

void        qtr_node_follow_async     (QtrNode             *node,
                                       const char          *handle,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
char       *qtr_node_follow_finish    (QtrNode             *node,
                                       GAsyncResult        *result,
                                       GError             **error);
char       *qtr_node_unfollow         (QtrNode             *node,
                                       const char          *handle,
                                       GError             **error);
gboolean    qtr_node_like             (QtrNode             *node,
                                       const char          *status_uri,
                                       GError             **error);
gboolean    qtr_node_unlike           (QtrNode             *node,
                                       const char          *status_uri,
                                       GError             **error);
void        qtr_node_block_async      (QtrNode             *node,
                                       const char          *handle,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
char       *qtr_node_block_finish     (QtrNode             *node,
                                       GAsyncResult        *result,
                                       GError             **error);
char       *qtr_node_unblock          (QtrNode             *node,
                                       const char          *handle,
                                       GError             **error);
/* The largest media files accepted: Mastodon's limits (16 MB images, 99 MB video and audio). */
#define QTR_MEDIA_MAX_IMAGE_SIZE (16 * 1024 * 1024)
#define QTR_MEDIA_MAX_VIDEO_SIZE (99 * 1024 * 1024)
/* Attachments of one post, as on Mastodon. */
#define QTR_POST_MAX_MEDIA 4

/**
 * QtrMedia:
 * @id: the media's id
 * @media_type: its MIME type, as read from its bytes
 * @size: its size in bytes
 * @width: width in pixels, 0 when the format does not say (video, audio)
 * @height: height in pixels, 0 when the format does not say
 * @description: the alt text, "" when none
 * @created_at: when it was added (Unix seconds)
 * @status_id: the post it is attached to, 0 while it is not attached
 * @url: where the node serves it, `BASE/media/ID.EXT`
 * @preview_type: (nullable): the type of its thumbnail, %NULL when it has none (video, audio,
 *   an image no decoder here reads)
 * @preview_width: the thumbnail's width in pixels, 0 when none
 * @preview_height: the thumbnail's height in pixels, 0 when none
 * @blurhash: (nullable): the image's blurhash, %NULL when it has no thumbnail
 * @preview_url: (nullable): where the node serves the thumbnail, `BASE/media/ID-small.EXT`
 *
 * A media file the owner uploaded, kept in the node's data folder.
 */
typedef struct {
  gint64  id;
  char   *media_type;
  gint64  size;
  guint   width;
  guint   height;
  char   *description;
  gint64  created_at;
  gint64  status_id;
  char   *url;
  char   *preview_type;
  guint   preview_width;
  guint   preview_height;
  char   *blurhash;
  char   *preview_url;
} QtrMedia;

void        qtr_media_free            (QtrMedia *media);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrMedia, qtr_media_free)

QtrMedia   *qtr_node_add_media        (QtrNode             *node,
                                       GBytes              *bytes,
                                       const char          *description,
                                       GError             **error);
void        qtr_node_add_media_async  (QtrNode             *node,
                                       GBytes              *bytes,
                                       const char          *description,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
QtrMedia   *qtr_node_add_media_finish (QtrNode             *node,
                                       GAsyncResult        *result,
                                       GError             **error);
QtrMedia   *qtr_node_add_media_file   (QtrNode             *node,
                                       const char          *path,
                                       const char          *description,
                                       GError             **error);
gboolean    qtr_node_delete_media     (QtrNode             *node,
                                       gint64               id,
                                       GError             **error);
QtrMedia   *qtr_node_find_media       (QtrNode             *node,
                                       gint64               id,
                                       GError             **error);
gboolean    qtr_node_set_media_description (QtrNode        *node,
                                       gint64               id,
                                       const char          *description,
                                       GError             **error);

/**
 * QtrPostRequest:
 * @text: what the owner wrote, as plain text (may be empty when media are attached)
 * @visibility: who may see it: a #QtrVisibility (0, public, when zeroed)
 * @summary: (nullable): a content warning
 * @language: (nullable): the BCP 47 tag of @text
 * @in_reply_to: (nullable): the id of the post this answers: its author is mentioned and
 *   addressed, and gets the reply
 * @media_ids: (array length=n_media): media to attach, in order, none attached before
 * @n_media: how many @media_ids holds, at most %QTR_POST_MAX_MEDIA
 * @sensitive: whether the media are marked sensitive (a content warning marks them too)
 * @keep_media: for qtr_node_edit_post() only: the post keeps the media it has, in their order
 *   (@media_ids is then ignored)
 * @poll_options: (nullable) (array zero-terminated=1): the options of a poll, from 2 to
 *   %QTR_POLL_MAX_OPTIONS, each at most %QTR_POLL_MAX_OPTION_CHARACTERS long; %NULL for a
 *   post without a poll. A poll goes out as a Question, and takes no media.
 * @poll_expires_in: how many seconds the poll stays open, at most %QTR_POLL_MAX_EXPIRATION
 * @poll_multiple: several options may be chosen
 * @poll_hide_totals: the counts stay hidden until the poll ends
 *
 * A post as the owner composed it, for qtr_node_post(). Start from `{ 0 }` and set what you
 * need: fields added later keep their zero meaning "none".
 */
typedef struct {
  const char *text;
  int         visibility;
  const char *summary;
  const char *language;
  const char *in_reply_to;
  const gint64 *media_ids;
  guint       n_media;
  gboolean    sensitive;
  gboolean    keep_media;
  const char * const *poll_options;
  gint64      poll_expires_in;
  gboolean    poll_multiple;
  gboolean    poll_hide_totals;
} QtrPostRequest;

/* Mastodon's limits for polls (its defaults). */
#define QTR_POLL_MAX_OPTIONS 4
#define QTR_POLL_MAX_OPTION_CHARACTERS 50
#define QTR_POLL_MIN_EXPIRATION 300
#define QTR_POLL_MAX_EXPIRATION 2629746

gboolean    qtr_node_vote             (QtrNode              *node,
                                       const char           *uri,
                                       const guint          *choices,
                                       guint                 n_choices,
                                       GError              **error);

char       *qtr_node_post             (QtrNode              *node,
                                       const QtrPostRequest *request,
                                       GError              **error);
void        qtr_node_post_async       (QtrNode              *node,
                                       const QtrPostRequest *request,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
char       *qtr_node_post_finish      (QtrNode              *node,
                                       GAsyncResult         *result,
                                       GError              **error);
void        qtr_node_boost_async      (QtrNode              *node,
                                       const char           *uri,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
char       *qtr_node_boost_finish     (QtrNode              *node,
                                       GAsyncResult         *result,
                                       GError              **error);
gboolean    qtr_node_unboost          (QtrNode              *node,
                                       const char           *uri,
                                       GError              **error);
gboolean    qtr_node_edit_post        (QtrNode              *node,
                                       const char           *uri,
                                       const QtrPostRequest *request,
                                       GError              **error);
gboolean    qtr_node_delete_post      (QtrNode             *node,
                                       const char          *uri,
                                       GError             **error);

/**
 * QtrProfileEdit:
 * @display_name: (nullable): the new display name, %NULL to keep it
 * @summary: (nullable): the new profile text as plain text, %NULL to keep it
 * @avatar_id: a media id (an image) for the avatar, 0 to keep it, -1 to remove it
 * @header_id: a media id (an image) for the header, 0 to keep it, -1 to remove it
 * @set_manual_approval: whether to change @manual_approval
 * @manual_approval: follows wait for the owner's approval (manuallyApprovesFollowers)
 * @fields: (nullable): the new profile fields, name and value alternating (plain text), at
 *   most %QTR_PROFILE_MAX_FIELDS pairs; %NULL to keep them, an empty array to remove them
 * @set_bot: whether to change @bot
 * @bot: the account is automated (published as a Service)
 * @set_discoverable: whether to change @discoverable
 * @discoverable: the account may be featured in directories and searches
 *
 * A change of the owner's profile, for qtr_node_update_profile(). Start from `{ 0 }`.
 */
typedef struct {
  const char *display_name;
  const char *summary;
  gint64      avatar_id;
  gint64      header_id;
  gboolean    set_manual_approval;
  gboolean    manual_approval;
  const char * const *fields;
  gboolean    set_bot;
  gboolean    bot;
  gboolean    set_discoverable;
  gboolean    discoverable;
} QtrProfileEdit;

/* Mastodon's limits for profile fields. */
#define QTR_PROFILE_MAX_FIELDS 4
#define QTR_PROFILE_MAX_FIELD_LENGTH 255

gboolean    qtr_node_update_profile   (QtrNode              *node,
                                       const QtrProfileEdit *edit,
                                       GError              **error);
void        qtr_node_add_alias_async  (QtrNode             *node,
                                       const char          *handle,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
char       *qtr_node_add_alias_finish (QtrNode             *node,
                                       GAsyncResult        *result,
                                       GError             **error);
char       *qtr_node_remove_alias     (QtrNode             *node,
                                       const char          *handle_or_url,
                                       GError             **error);
gboolean    qtr_node_delete_account   (QtrNode             *node,
                                       GError             **error);
void        qtr_node_move_async       (QtrNode             *node,
                                       const char          *handle,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
char       *qtr_node_move_finish      (QtrNode             *node,
                                       GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
