/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-follow-button.h"

#include <glib/gi18n.h>

#include "qtr-status-actions.h"

/* QtrFollowButton: Follow / Requested / Unfollow for an account (a profile's header), or
 * Follow Hashtag / Unfollow Hashtag for a hashtag's page.
 *
 * It asks the server for the relationship when made (and on qtr_follow_button_refresh(), e.g.
 * when a notification says a request was accepted), and follows every change the account's
 * QtrInteractions announce. Following a locked account makes a request: the button says
 * "Requested" until the account's owner answers; clicking it then withdraws the request.
 * While the server is asked the button is insensitive; a refusal shows in a toast. */

struct _QtrFollowButton
{
  AdwBin           parent_instance;

  QtrInteractions *interactions;
  char            *account_id;  /* or */
  char            *tag;
  QtrFollowState   state;
  GCancellable    *cancellable;

  /* Template widgets */
  GtkButton       *button;
};

G_DEFINE_FINAL_TYPE (QtrFollowButton, qtr_follow_button, ADW_TYPE_BIN)

static void
show_state (QtrFollowButton *self,
            QtrFollowState   state)
{
  const char *label = NULL;
  const char *tooltip = NULL;

  self->state = state;
  gtk_widget_remove_css_class (GTK_WIDGET (self->button), "suggested-action");
  switch (state)
    {
    case QTR_FOLLOW_STATE_NOT_FOLLOWING:
      label = self->tag != NULL ? _("Follow Hashtag") : _("Follow");
      tooltip = self->tag != NULL ? _("Show its posts in Home") : NULL;
      gtk_widget_add_css_class (GTK_WIDGET (self->button), "suggested-action");
      break;
    case QTR_FOLLOW_STATE_REQUESTED:
      label = _("Requested");
      tooltip = _("The account approves its followers: withdraw the request");
      break;
    case QTR_FOLLOW_STATE_FOLLOWING:
      label = self->tag != NULL ? _("Unfollow Hashtag") : _("Unfollow");
      break;
    case QTR_FOLLOW_STATE_UNKNOWN:
    default:
      label = self->tag != NULL ? _("Follow Hashtag") : _("Follow");
      break;
    }
  gtk_button_set_label (self->button, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
  gtk_widget_set_sensitive (GTK_WIDGET (self->button), state != QTR_FOLLOW_STATE_UNKNOWN);
}

static QtrFollowState
state_of (QtrRelationship *relationship)
{
  if (qtr_relationship_get_following (relationship))
    return QTR_FOLLOW_STATE_FOLLOWING;
  if (qtr_relationship_get_requested (relationship))
    return QTR_FOLLOW_STATE_REQUESTED;
  return QTR_FOLLOW_STATE_NOT_FOLLOWING;
}

typedef struct {
  QtrFollowButton *self;
  QtrFollowState   previous;
  gboolean         refresh;  /* only asking */
} Request;

static void
fail (Request      *request,
      const GError *error)
{
  g_autofree char *text = NULL;

  show_state (request->self, request->previous);
  if (request->refresh)
    /* Translators: %s is the server's reason */
    text = g_strdup_printf (_("Could not ask the server whether you follow: %s"),
                            error->message);
  else
    /* Translators: %s is the server's reason */
    text = g_strdup_printf (_("Could not change the follow: %s"), error->message);
  qtr_show_toast (GTK_WIDGET (request->self), text);
}

static void
relationship_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autofree Request *request = user_data;
  g_autoptr(QtrRelationship) relationship = NULL;
  g_autoptr(GError) error = NULL;

  relationship = qtr_interactions_account_finish (QTR_INTERACTIONS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (relationship == NULL)
    fail (request, error);
  else
    show_state (request->self, state_of (relationship));
}

static void
tag_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree Request *request = user_data;
  g_autoptr(GError) error = NULL;
  gboolean following = FALSE;

  if (!qtr_interactions_tag_finish (QTR_INTERACTIONS (source), result, &following, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (request, error);
      return;
    }
  show_state (request->self, following ? QTR_FOLLOW_STATE_FOLLOWING
                                       : QTR_FOLLOW_STATE_NOT_FOLLOWING);
}

static Request *
request_new (QtrFollowButton *self,
             gboolean         refresh)
{
  Request *request = g_new0 (Request, 1);

  request->self = self;
  request->refresh = refresh;
  request->previous = self->state;
  gtk_widget_set_sensitive (GTK_WIDGET (self->button), FALSE);
  return request;
}

static void
relationship_changed_cb (QtrFollowButton *self,
                         QtrRelationship *relationship)
{
  if (self->account_id != NULL &&
      g_strcmp0 (qtr_relationship_get_id (relationship), self->account_id) == 0)
    show_state (self, state_of (relationship));
}

static void
button_clicked_cb (QtrFollowButton *self)
{
  gboolean follow = self->state == QTR_FOLLOW_STATE_NOT_FOLLOWING;

  if (self->state == QTR_FOLLOW_STATE_UNKNOWN)
    return;
  if (self->tag != NULL)
    qtr_interactions_tag_async (self->interactions, self->tag,
                                follow ? QTR_TAG_ACTION_FOLLOW : QTR_TAG_ACTION_UNFOLLOW,
                                self->cancellable, tag_done_cb, request_new (self, FALSE));
  else
    qtr_interactions_account_async (self->interactions, self->account_id,
                                    follow ? QTR_ACCOUNT_ACTION_FOLLOW
                                           : QTR_ACCOUNT_ACTION_UNFOLLOW,
                                    self->cancellable, relationship_done_cb,
                                    request_new (self, FALSE));
}

static void
qtr_follow_button_dispose (GObject *object)
{
  QtrFollowButton *self = QTR_FOLLOW_BUTTON (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* AdwBin keeps its child apart from the template's: let it go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_FOLLOW_BUTTON);
  g_clear_object (&self->interactions);

  G_OBJECT_CLASS (qtr_follow_button_parent_class)->dispose (object);
}

static void
qtr_follow_button_finalize (GObject *object)
{
  QtrFollowButton *self = QTR_FOLLOW_BUTTON (object);

  g_free (self->account_id);
  g_free (self->tag);

  G_OBJECT_CLASS (qtr_follow_button_parent_class)->finalize (object);
}

static void
qtr_follow_button_class_init (QtrFollowButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_follow_button_dispose;
  object_class->finalize = qtr_follow_button_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-follow-button.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrFollowButton, button);
  gtk_widget_class_bind_template_callback (widget_class, button_clicked_cb);
}

static void
qtr_follow_button_init (QtrFollowButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

static GtkWidget *
follow_button_new (QtrInteractions *interactions,
                   const char      *account_id,
                   const char      *tag)
{
  QtrFollowButton *self = g_object_new (QTR_TYPE_FOLLOW_BUTTON, NULL);

  self->interactions = g_object_ref (interactions);
  self->account_id = g_strdup (account_id);
  self->tag = g_strdup (tag);
  if (account_id != NULL)
    g_signal_connect_object (interactions, "relationship-changed",
                             G_CALLBACK (relationship_changed_cb), self, G_CONNECT_SWAPPED);
  show_state (self, QTR_FOLLOW_STATE_UNKNOWN);
  qtr_follow_button_refresh (self);
  return GTK_WIDGET (self);
}

/**
 * qtr_follow_button_new_for_account:
 * @interactions: the user's account
 * @account_id: the account to follow, by its id on the user's server
 *
 * Returns: (transfer floating): a button that follows and unfollows the account
 */
GtkWidget *
qtr_follow_button_new_for_account (QtrInteractions *interactions,
                                   const char      *account_id)
{
  g_return_val_if_fail (QTR_IS_INTERACTIONS (interactions), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);

  return follow_button_new (interactions, account_id, NULL);
}

/**
 * qtr_follow_button_new_for_tag:
 * @interactions: the user's account
 * @name: the hashtag, without `#`
 *
 * Returns: (transfer floating): a button that follows and unfollows the hashtag, for the
 *   header of its page
 */
GtkWidget *
qtr_follow_button_new_for_tag (QtrInteractions *interactions,
                               const char      *name)
{
  g_return_val_if_fail (QTR_IS_INTERACTIONS (interactions), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return follow_button_new (interactions, NULL, name);
}

QtrFollowState
qtr_follow_button_get_state (QtrFollowButton *self)
{
  g_return_val_if_fail (QTR_IS_FOLLOW_BUTTON (self), QTR_FOLLOW_STATE_UNKNOWN);

  return self->state;
}

/**
 * qtr_follow_button_refresh:
 *
 * Asks the server again whether the user follows (a request may have been answered).
 */
void
qtr_follow_button_refresh (QtrFollowButton *self)
{
  g_return_if_fail (QTR_IS_FOLLOW_BUTTON (self));

  if (self->tag != NULL)
    qtr_interactions_tag_async (self->interactions, self->tag, QTR_TAG_ACTION_GET,
                                self->cancellable, tag_done_cb, request_new (self, TRUE));
  else
    qtr_interactions_relationship_async (self->interactions, self->account_id,
                                         self->cancellable, relationship_done_cb,
                                         request_new (self, TRUE));
}
