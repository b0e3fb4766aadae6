/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-timeline-row.h"

#include <glib/gi18n.h>

#include "qtr-html.h"
#include "qtr-notification-group-row.h"
#include "qtr-status-actions.h"

/* QtrTimelineRow: one item of a timeline, whatever its kind.
 *
 * A post shows a QtrStatusRow (bound again when the post is edited: notify::status). A gap
 * shows a "Load Missing Posts" button (::load-gap; a spinner while the gap loads). A mention,
 * or a post of someone the user asked to be notified of, shows the post under a line that says
 * so ("… mentioned you"); the other notifications (favourite, boost, follow, follow request,
 * edit, poll) a compact line with the account and an excerpt of the post. In a grouped list
 * (qtr_timeline_row_set_group()), those show as a QtrNotificationGroupRow: one line for the
 * favourites of a post, its boosts, or followers one after the other.
 * A follow request has Accept and Reject buttons; the answer shows in place (and stays with the
 * notification, should the row be bound to it again). */

struct _QtrTimelineRow
{
  AdwBin           parent_instance;

  QtrTimelineItem *item;
  QtrNotificationGroup *group;  /* nullable: the group the item leads, in a grouped list */
  gulong           status_id;
  gulong           loading_id;

  /* Template widgets */
  GtkLabel        *header;
  QtrStatusRow    *status_row;
  GtkButton       *gap_button;
  GtkSpinner      *gap_spinner;
  GtkWidget       *compact;
  GtkLabel        *compact_title;
  GtkLabel        *compact_excerpt;
  QtrNotificationGroupRow *group_row;
  GtkWidget       *request_box;
};

enum {
  LOAD_GAP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrTimelineRow, qtr_timeline_row, ADW_TYPE_BIN)

static const char *
account_name (QtrAccount *account)
{
  const char *name;

  if (account == NULL)
    return "";
  name = qtr_account_get_display_name (account);
  return name != NULL && *name != '\0' ? name : qtr_account_get_acct (account);
}

/* What a notification's line says. */
static char *
describe_notification (QtrNotification *notification)
{
  const char *name = account_name (qtr_notification_get_account (notification));

  switch (qtr_notification_get_kind (notification))
    {
    case QTR_NOTIFICATION_MENTION:
      /* Translators: %s is who wrote the post */
      return g_strdup_printf (_("%s mentioned you"), name);
    case QTR_NOTIFICATION_STATUS:
      /* Translators: %s is someone whose posts the user asked to be notified of */
      return g_strdup_printf (_("%s posted"), name);
    case QTR_NOTIFICATION_REBLOG:
      return g_strdup_printf (_("%s boosted your post"), name);
    case QTR_NOTIFICATION_FOLLOW:
      return g_strdup_printf (_("%s followed you"), name);
    case QTR_NOTIFICATION_FOLLOW_REQUEST:
      return g_strdup_printf (_("%s asks to follow you"), name);
    case QTR_NOTIFICATION_FAVOURITE:
      return g_strdup_printf (_("%s favourited your post"), name);
    case QTR_NOTIFICATION_POLL:
      return g_strdup (_("A poll has ended"));
    case QTR_NOTIFICATION_UPDATE:
      return g_strdup_printf (_("%s edited a post"), name);
    case QTR_NOTIFICATION_OTHER:
    default:
      /* Translators: %s is an account; the notification is of a type Quitter does not know */
      return g_strdup_printf (_("%s sent a notification of a kind Quitter cannot show yet"),
                              name);
    }
}

/* ---- Follow requests ---------------------------------------------------------------------- */

/* What the user answered to a follow request: kept on the notification. */
#define ANSWER_KEY "qtr-follow-request-answer"

static void
show_request (QtrTimelineRow  *self,
              QtrNotification *notification)
{
  const char *answer = g_object_get_data (G_OBJECT (notification), ANSWER_KEY);
  const char *name = account_name (qtr_notification_get_account (notification));
  g_autofree char *line = NULL;

  gtk_widget_set_visible (self->request_box, answer == NULL);
  gtk_widget_set_sensitive (self->request_box, TRUE);
  if (answer == NULL)
    return;
  if (g_str_equal (answer, "accepted"))
    /* Translators: %s is who asked to follow the user */
    line = g_strdup_printf (_("You accepted %s’s request to follow you"), name);
  else
    /* Translators: %s is who asked to follow the user */
    line = g_strdup_printf (_("You rejected %s’s request to follow you"), name);
  gtk_label_set_text (self->compact_title, line);
}

typedef struct {
  QtrTimelineRow  *row;           /* weak */
  QtrNotification *notification;
  gboolean         accept;
} RequestAnswer;

static void
request_answered_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  RequestAnswer *answer = user_data;
  g_autoptr(QtrRelationship) relationship = NULL;
  g_autoptr(GError) error = NULL;

  relationship = qtr_interactions_account_finish (QTR_INTERACTIONS (source), result, &error);
  if (relationship != NULL)
    g_object_set_data (G_OBJECT (answer->notification), ANSWER_KEY,
                       (gpointer) (answer->accept ? "accepted" : "rejected"));
  if (answer->row != NULL && answer->row->item != NULL &&
      qtr_timeline_item_get_notification (answer->row->item) == answer->notification)
    {
      show_request (answer->row, answer->notification);
      if (relationship == NULL)
        {
          g_autofree char *text = NULL;

          /* Translators: %s is the server's reason */
          text = g_strdup_printf (answer->accept ? _("Could not accept the request: %s")
                                                 : _("Could not reject the request: %s"),
                                  error->message);
          qtr_show_toast (GTK_WIDGET (answer->row), text);
        }
    }
  g_clear_weak_pointer (&answer->row);
  g_object_unref (answer->notification);
  g_free (answer);
}

static void
answer_request (QtrTimelineRow *self,
                gboolean        accept)
{
  QtrInteractions *interactions = qtr_find_interactions (GTK_WIDGET (self));
  QtrNotification *notification;
  RequestAnswer *answer;

  if (self->item == NULL || interactions == NULL ||
      (notification = qtr_timeline_item_get_notification (self->item)) == NULL ||
      qtr_notification_get_account (notification) == NULL)
    return;
  answer = g_new0 (RequestAnswer, 1);
  g_set_weak_pointer (&answer->row, self);
  answer->notification = g_object_ref (notification);
  answer->accept = accept;
  gtk_widget_set_sensitive (self->request_box, FALSE);
  qtr_interactions_account_async (interactions,
                                  qtr_account_get_id (qtr_notification_get_account (notification)),
                                  accept ? QTR_ACCOUNT_ACTION_AUTHORIZE : QTR_ACCOUNT_ACTION_REJECT,
                                  NULL, request_answered_cb, answer);
}

static void
accept_button_clicked_cb (QtrTimelineRow *self)
{
  answer_request (self, TRUE);
}

static void
reject_button_clicked_cb (QtrTimelineRow *self)
{
  answer_request (self, FALSE);
}

/* ---------------------------------------------------------------------------------------- */

static void
show_notification (QtrTimelineRow  *self,
                   QtrNotification *notification)
{
  QtrNotificationKind kind = qtr_notification_get_kind (notification);
  QtrStatus *status = qtr_notification_get_status (notification);
  g_autofree char *line = describe_notification (notification);
  g_autofree char *excerpt = NULL;

  if ((kind == QTR_NOTIFICATION_MENTION || kind == QTR_NOTIFICATION_STATUS) && status != NULL)
    {
      gtk_label_set_text (self->header, line);
      gtk_widget_set_visible (GTK_WIDGET (self->header), TRUE);
      qtr_status_row_set_status (self->status_row, status);
      gtk_widget_set_visible (GTK_WIDGET (self->status_row), TRUE);
      return;
    }
  gtk_label_set_text (self->compact_title, line);
  if (status != NULL)
    excerpt = qtr_html_to_text (qtr_status_get_content (qtr_status_get_shown (status)));
  gtk_label_set_text (self->compact_excerpt, excerpt != NULL ? excerpt : "");
  gtk_widget_set_visible (GTK_WIDGET (self->compact_excerpt), excerpt != NULL && *excerpt != '\0');
  gtk_widget_set_visible (self->compact, TRUE);
  if (kind == QTR_NOTIFICATION_FOLLOW_REQUEST)
    show_request (self, notification);
  else
    gtk_widget_set_visible (self->request_box, FALSE);
}

static void
show_item (QtrTimelineRow *self)
{
  QtrTimelineItemKind kind;
  gboolean loading;

  gtk_widget_set_visible (GTK_WIDGET (self->header), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->status_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->gap_button), FALSE);
  gtk_widget_set_visible (self->compact, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->group_row), FALSE);
  qtr_notification_group_row_set_group (self->group_row, NULL);
  gtk_spinner_set_spinning (self->gap_spinner, FALSE);
  if (self->item == NULL)
    {
      qtr_status_row_set_status (self->status_row, NULL);
      return;
    }

  kind = qtr_timeline_item_get_kind (self->item);
  switch (kind)
    {
    case QTR_TIMELINE_ITEM_STATUS:
      qtr_status_row_set_status (self->status_row, qtr_timeline_item_get_status (self->item));
      gtk_widget_set_visible (GTK_WIDGET (self->status_row), TRUE);
      break;
    case QTR_TIMELINE_ITEM_NOTIFICATION:
      qtr_status_row_set_status (self->status_row, NULL);
      /* Grouped (favourites and boosts of a post, followers): one line for them all. */
      if (self->group != NULL && qtr_notification_group_row_can_show (self->group))
        {
          qtr_notification_group_row_set_group (self->group_row, self->group);
          gtk_widget_set_visible (GTK_WIDGET (self->group_row), TRUE);
          break;
        }
      show_notification (self, qtr_timeline_item_get_notification (self->item));
      break;
    case QTR_TIMELINE_ITEM_GAP:
    default:
      qtr_status_row_set_status (self->status_row, NULL);
      loading = qtr_timeline_item_get_loading (self->item);
      gtk_spinner_set_spinning (self->gap_spinner, loading);
      gtk_widget_set_visible (GTK_WIDGET (self->gap_spinner), loading);
      gtk_widget_set_sensitive (GTK_WIDGET (self->gap_button), !loading);
      gtk_widget_set_visible (GTK_WIDGET (self->gap_button), TRUE);
      break;
    }
}

static void
item_changed_cb (QtrTimelineRow *self)
{
  show_item (self);
}

static void
gap_button_clicked_cb (QtrTimelineRow *self)
{
  if (self->item != NULL && qtr_timeline_item_get_kind (self->item) == QTR_TIMELINE_ITEM_GAP)
    g_signal_emit (self, signals[LOAD_GAP], 0);
}

static void
qtr_timeline_row_dispose (GObject *object)
{
  qtr_timeline_row_set_item (QTR_TIMELINE_ROW (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), QTR_TYPE_TIMELINE_ROW);

  G_OBJECT_CLASS (qtr_timeline_row_parent_class)->dispose (object);
}

static void
qtr_timeline_row_class_init (QtrTimelineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_timeline_row_dispose;

  /**
   * QtrTimelineRow::load-gap:
   *
   * The user asked for the posts that the row's gap stands for.
   */
  signals[LOAD_GAP] =
    g_signal_new ("load-gap", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-timeline-row.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineRow, header);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineRow, status_row);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineRow, gap_button);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineRow, gap_spinner);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineRow, compact);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineRow, compact_title);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineRow, compact_excerpt);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineRow, group_row);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineRow, request_box);
  gtk_widget_class_bind_template_callback (widget_class, gap_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, accept_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reject_button_clicked_cb);
}

static void
qtr_timeline_row_init (QtrTimelineRow *self)
{
  g_type_ensure (QTR_TYPE_STATUS_ROW);
  g_type_ensure (QTR_TYPE_NOTIFICATION_GROUP_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * qtr_timeline_row_new:
 *
 * Returns: (transfer floating): a row that shows nothing until it has an item
 */
GtkWidget *
qtr_timeline_row_new (void)
{
  return g_object_new (QTR_TYPE_TIMELINE_ROW, NULL);
}

/**
 * qtr_timeline_row_get_item:
 *
 * Returns: (transfer none) (nullable): the item shown
 */
QtrTimelineItem *
qtr_timeline_row_get_item (QtrTimelineRow *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_ROW (self), NULL);

  return self->item;
}

/**
 * qtr_timeline_row_set_item:
 * @item: (nullable): what to show; %NULL lets the last one go (and its image loads)
 *
 * Shows @item, and follows its changes (an edited post, a gap that loads).
 */
void
qtr_timeline_row_set_item (QtrTimelineRow  *self,
                           QtrTimelineItem *item)
{
  g_return_if_fail (QTR_IS_TIMELINE_ROW (self));
  g_return_if_fail (item == NULL || QTR_IS_TIMELINE_ITEM (item));

  if (self->group != NULL && (item == NULL || !qtr_notification_group_contains (self->group, item)))
    g_clear_object (&self->group);
  if (self->item == item)
    return;
  if (self->item != NULL)
    {
      g_clear_signal_handler (&self->status_id, self->item);
      g_clear_signal_handler (&self->loading_id, self->item);
    }
  g_set_object (&self->item, item);
  if (item != NULL)
    {
      self->status_id = g_signal_connect_object (item, "notify::status",
                                                 G_CALLBACK (item_changed_cb), self,
                                                 G_CONNECT_SWAPPED);
      self->loading_id = g_signal_connect_object (item, "notify::loading",
                                                  G_CALLBACK (item_changed_cb), self,
                                                  G_CONNECT_SWAPPED);
    }
  show_item (self);
}

/**
 * qtr_timeline_row_get_status_row:
 *
 * Returns: (transfer none): the row of the post (hidden for gaps and compact notifications)
 */
QtrStatusRow *
qtr_timeline_row_get_status_row (QtrTimelineRow *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_ROW (self), NULL);

  return self->status_row;
}

/**
 * qtr_timeline_row_set_group:
 * @group: (nullable): the notifications to show as one row (the row's item is its lead)
 *
 * Shows @group: favourites, boosts and follows on one line; anything else as its lead item
 * alone.
 */
void
qtr_timeline_row_set_group (QtrTimelineRow       *self,
                            QtrNotificationGroup *group)
{
  g_return_if_fail (QTR_IS_TIMELINE_ROW (self));
  g_return_if_fail (group == NULL || QTR_IS_NOTIFICATION_GROUP (group));

  if (group == NULL)
    {
      qtr_timeline_row_set_item (self, NULL);
      return;
    }
  g_set_object (&self->group, group);
  qtr_timeline_row_set_item (self, qtr_notification_group_get_lead (group));
  show_item (self);
}

/**
 * qtr_timeline_row_get_group:
 *
 * Returns: (transfer none) (nullable): the group shown, in a grouped list
 */
QtrNotificationGroup *
qtr_timeline_row_get_group (QtrTimelineRow *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_ROW (self), NULL);

  return self->group;
}
