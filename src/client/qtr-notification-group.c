/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-notification-group.h"

/* QtrNotificationGroup: notifications shown as one row (QtrGroupedNotifications makes them):
 * the favourites, or the boosts, of one post; followers who came one after the other; or one
 * item alone (a mention, a gap…). The members are timeline items, newest first; the lead is
 * the newest, and stands for the group in the timeline (its reading position). A group does
 * not change: when its members change, a new group takes its place. */

struct _QtrNotificationGroup
{
  GObject    parent_instance;

  GPtrArray *members;   /* QtrTimelineItem, newest first; at least one */
  GPtrArray *accounts;  /* QtrAccount, one per account, newest first */
};

G_DEFINE_FINAL_TYPE (QtrNotificationGroup, qtr_notification_group, G_TYPE_OBJECT)

static QtrNotification *
get_notification (QtrTimelineItem *item)
{
  return qtr_timeline_item_get_kind (item) == QTR_TIMELINE_ITEM_NOTIFICATION
         ? qtr_timeline_item_get_notification (item) : NULL;
}

static void
qtr_notification_group_finalize (GObject *object)
{
  QtrNotificationGroup *self = QTR_NOTIFICATION_GROUP (object);

  g_ptr_array_unref (self->members);
  g_ptr_array_unref (self->accounts);
  G_OBJECT_CLASS (qtr_notification_group_parent_class)->finalize (object);
}

static void
qtr_notification_group_class_init (QtrNotificationGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qtr_notification_group_finalize;
}

static void
qtr_notification_group_init (QtrNotificationGroup *self)
{
  self->members = g_ptr_array_new_with_free_func (g_object_unref);
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * qtr_notification_group_new:
 * @members: (element-type QtrTimelineItem): the items of the group, newest first; not empty
 *
 * Returns: (transfer full): the group
 */
QtrNotificationGroup *
qtr_notification_group_new (GPtrArray *members)
{
  QtrNotificationGroup *self;

  g_return_val_if_fail (members != NULL && members->len > 0, NULL);

  self = g_object_new (QTR_TYPE_NOTIFICATION_GROUP, NULL);
  for (guint i = 0; i < members->len; i++)
    {
      QtrNotification *notification = get_notification (members->pdata[i]);
      QtrAccount *account = notification != NULL ? qtr_notification_get_account (notification)
                                                  : NULL;
      gboolean known = FALSE;

      g_ptr_array_add (self->members, g_object_ref (members->pdata[i]));
      for (guint j = 0; account != NULL && j < self->accounts->len && !known; j++)
        known = g_strcmp0 (qtr_account_get_id (self->accounts->pdata[j]),
                           qtr_account_get_id (account)) == 0;
      if (account != NULL && !known)
        g_ptr_array_add (self->accounts, g_object_ref (account));
    }
  return self;
}

/**
 * qtr_notification_group_get_lead:
 *
 * Returns: (transfer none): the newest item of the group
 */
QtrTimelineItem *
qtr_notification_group_get_lead (QtrNotificationGroup *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP (self), NULL);

  return self->members->pdata[0];
}

/**
 * qtr_notification_group_get_kind:
 *
 * Returns: the kind of the group's notifications; %QTR_NOTIFICATION_OTHER for a group of an
 *   item that is no notification (a gap)
 */
QtrNotificationKind
qtr_notification_group_get_kind (QtrNotificationGroup *self)
{
  QtrNotification *notification;

  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP (self), QTR_NOTIFICATION_OTHER);

  notification = get_notification (self->members->pdata[0]);
  return notification != NULL ? qtr_notification_get_kind (notification) : QTR_NOTIFICATION_OTHER;
}

guint
qtr_notification_group_get_n_members (QtrNotificationGroup *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP (self), 0);

  return self->members->len;
}

/**
 * qtr_notification_group_get_member:
 *
 * Returns: (transfer none) (nullable): the item at @index, newest first
 */
QtrTimelineItem *
qtr_notification_group_get_member (QtrNotificationGroup *self,
                                   guint                 index)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP (self), NULL);

  return index < self->members->len ? self->members->pdata[index] : NULL;
}

gboolean
qtr_notification_group_contains (QtrNotificationGroup *self,
                                 QtrTimelineItem      *item)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP (self), FALSE);

  return g_ptr_array_find (self->members, item, NULL);
}

/**
 * qtr_notification_group_has_members:
 * @members: (element-type QtrTimelineItem): items
 *
 * Returns: whether the group holds exactly @members, in that order
 */
gboolean
qtr_notification_group_has_members (QtrNotificationGroup *self,
                                    GPtrArray            *members)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP (self), FALSE);

  if (members->len != self->members->len)
    return FALSE;
  for (guint i = 0; i < members->len; i++)
    if (members->pdata[i] != self->members->pdata[i])
      return FALSE;
  return TRUE;
}

/**
 * qtr_notification_group_get_accounts:
 *
 * Returns: (transfer none) (element-type QtrAccount): who did what the group says, each once,
 *   newest first
 */
GPtrArray *
qtr_notification_group_get_accounts (QtrNotificationGroup *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP (self), NULL);

  return self->accounts;
}

/**
 * qtr_notification_group_get_status:
 *
 * Returns: (transfer none) (nullable): the post the group's notifications are about
 */
QtrStatus *
qtr_notification_group_get_status (QtrNotificationGroup *self)
{
  QtrNotification *notification;

  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP (self), NULL);

  notification = get_notification (self->members->pdata[0]);
  return notification != NULL ? qtr_notification_get_status (notification) : NULL;
}
