/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "qtr-interactions.h"

G_BEGIN_DECLS

/**
 * QtrFollowState:
 * @QTR_FOLLOW_STATE_UNKNOWN: not known yet (or the server could not say)
 * @QTR_FOLLOW_STATE_NOT_FOLLOWING: the user does not follow
 * @QTR_FOLLOW_STATE_REQUESTED: the user asked to follow a locked account; it has not answered
 * @QTR_FOLLOW_STATE_FOLLOWING: the user follows
 */
typedef enum {
  QTR_FOLLOW_STATE_UNKNOWN,
  QTR_FOLLOW_STATE_NOT_FOLLOWING,
  QTR_FOLLOW_STATE_REQUESTED,
  QTR_FOLLOW_STATE_FOLLOWING,
} QtrFollowState;

#define QTR_TYPE_FOLLOW_BUTTON (qtr_follow_button_get_type ())

G_DECLARE_FINAL_TYPE (QtrFollowButton, qtr_follow_button, QTR, FOLLOW_BUTTON, AdwBin)

GtkWidget      *qtr_follow_button_new_for_account (QtrInteractions *interactions,
                                                   const char      *account_id);
GtkWidget      *qtr_follow_button_new_for_tag     (QtrInteractions *interactions,
                                                   const char      *name);
QtrFollowState  qtr_follow_button_get_state       (QtrFollowButton *self);
void            qtr_follow_button_refresh         (QtrFollowButton *self);

G_END_DECLS
