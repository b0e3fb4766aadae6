/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * QtrDraftMedia:
 * @id: the media's id on the server, once uploaded; %NULL before
 * @description: (nullable): its alt text
 * @path: (nullable): the local file it was uploaded from, to upload it again if need be
 * @url: (nullable): where the server keeps it (for the thumbnail)
 *
 * One attachment of a draft.
 */
typedef struct {
  char *id;
  char *description;
  char *path;
  char *url;
} QtrDraftMedia;

/**
 * QtrDraft:
 * @id: its row in the drafts file; 0 until saved
 * @text: the post's text
 * @spoiler_text: (nullable): its content warning, or %NULL for none
 * @visibility: `public`, `unlisted`, `private` or `direct`
 * @language: (nullable): an ISO 639-1 code
 * @in_reply_to_id: (nullable): the post it answers
 * @edit_id: (nullable): the own post it edits; %NULL for a new post
 * @sensitive: whether its media are marked sensitive
 * @media: (element-type QtrDraftMedia): its attachments, in order
 * @poll_options: (nullable): the poll's choices, or %NULL for no poll
 * @poll_expires_in: how long the poll runs, in seconds
 * @poll_multiple: whether the poll takes several choices
 * @idempotency_key: a UUID sent with the post, so that a retry does not post twice
 * @updated_at: when it was last saved, in seconds since the epoch
 *
 * A post being written, as it is kept on disk until the server took it.
 */
typedef struct {
  gint64     id;
  char      *text;
  char      *spoiler_text;
  char      *visibility;
  char      *language;
  char      *in_reply_to_id;
  char      *edit_id;
  gboolean   sensitive;
  GPtrArray *media;
  GStrv      poll_options;
  gint64     poll_expires_in;
  gboolean   poll_multiple;
  char      *idempotency_key;
  gint64     updated_at;
} QtrDraft;

QtrDraft      *qtr_draft_new             (void);
void           qtr_draft_free            (QtrDraft      *draft);
QtrDraftMedia *qtr_draft_media_new       (void);
void           qtr_draft_media_free      (QtrDraftMedia *media);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrDraft, qtr_draft_free)

#define QTR_TYPE_DRAFTS (qtr_drafts_get_type ())

G_DECLARE_FINAL_TYPE (QtrDrafts, qtr_drafts, QTR, DRAFTS, GObject)

char      *qtr_drafts_build_path (const char  *account_key);
QtrDrafts *qtr_drafts_open       (const char  *path,
                                  GError     **error);
gboolean   qtr_drafts_save       (QtrDrafts   *self,
                                  QtrDraft    *draft,
                                  GError     **error);
gboolean   qtr_drafts_delete     (QtrDrafts   *self,
                                  gint64       id,
                                  GError     **error);
GPtrArray *qtr_drafts_list       (QtrDrafts   *self,
                                  GError     **error);
QtrDraft  *qtr_drafts_lookup     (QtrDrafts   *self,
                                  gint64       id,
                                  GError     **error);

G_END_DECLS
