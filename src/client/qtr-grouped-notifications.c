/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-grouped-notifications.h"

/* QtrGroupedNotifications: a list model of QtrNotificationGroup over a list of notifications
 * (QtrTimelineItem, such as a QtrNotificationList), newest first.
 *
 * The favourites of one post make one group, and so do its boosts, wherever they are between
 * two gaps: the group shows where its newest member is. Follows make a group while they come
 * one after the other. Everything else (mentions, posts, follow requests, polls, edits, gaps)
 * stays alone. The groups follow the list below: when it pages older items in at the end,
 * streams new ones in at the top or drops some, the groups are made again and only those that
 * changed are replaced (one items-changed for the span between what stayed at both ends). The
 * list below keeps doing the paging: this model only shows it. */

struct _QtrGroupedNotifications
{
  GObject     parent_instance;

  GListModel *items;
  GPtrArray  *groups;  /* QtrNotificationGroup */
};

static void qtr_grouped_notifications_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QtrGroupedNotifications, qtr_grouped_notifications,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      qtr_grouped_notifications_list_model_init))

static GType
qtr_grouped_notifications_get_item_type (GListModel *model)
{
  return QTR_TYPE_NOTIFICATION_GROUP;
}

static guint
qtr_grouped_notifications_get_n_items (GListModel *model)
{
  return QTR_GROUPED_NOTIFICATIONS (model)->groups->len;
}

static gpointer
qtr_grouped_notifications_get_item (GListModel *model,
                                    guint       position)
{
  QtrGroupedNotifications *self = QTR_GROUPED_NOTIFICATIONS (model);

  return position < self->groups->len ? g_object_ref (self->groups->pdata[position]) : NULL;
}

static void
qtr_grouped_notifications_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = qtr_grouped_notifications_get_item_type;
  iface->get_n_items = qtr_grouped_notifications_get_n_items;
  iface->get_item = qtr_grouped_notifications_get_item;
}

/* What makes notifications one group: the kind and the post for favourites and boosts (and
 * the gaps between: a group does not reach over one); NULL for what stays alone. Follows are
 * grouped while adjacent, apart from this. */
static char *
group_key (QtrTimelineItem *item,
           guint            segment)
{
  QtrNotification *notification;
  QtrStatus *status;

  if (qtr_timeline_item_get_kind (item) != QTR_TIMELINE_ITEM_NOTIFICATION)
    return NULL;
  notification = qtr_timeline_item_get_notification (item);
  status = qtr_notification_get_status (notification);
  switch (qtr_notification_get_kind (notification))
    {
    case QTR_NOTIFICATION_FAVOURITE:
    case QTR_NOTIFICATION_REBLOG:
      if (status == NULL)
        return NULL;
      return g_strdup_printf ("%u:%d:%s", segment, (int) qtr_notification_get_kind (notification),
                              qtr_status_get_id (status));
    case QTR_NOTIFICATION_OTHER:
    case QTR_NOTIFICATION_MENTION:
    case QTR_NOTIFICATION_STATUS:
    case QTR_NOTIFICATION_FOLLOW:
    case QTR_NOTIFICATION_FOLLOW_REQUEST:
    case QTR_NOTIFICATION_POLL:
    case QTR_NOTIFICATION_UPDATE:
    default:
      return NULL;
    }
}

static gboolean
is_follow (QtrTimelineItem *item)
{
  return qtr_timeline_item_get_kind (item) == QTR_TIMELINE_ITEM_NOTIFICATION &&
         qtr_notification_get_kind (qtr_timeline_item_get_notification (item)) ==
           QTR_NOTIFICATION_FOLLOW;
}

/* The members of each group, in the order the groups show. */
static GPtrArray *
collect_members (GListModel *items)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *follows = NULL;  /* the run of follows under way */
  guint segment = 0;
  guint n = g_list_model_get_n_items (items);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QtrTimelineItem) item = g_list_model_get_item (items, i);
      char *key = group_key (item, segment);
      GPtrArray *members;

      if (qtr_timeline_item_get_kind (item) == QTR_TIMELINE_ITEM_GAP)
        segment++;
      if (is_follow (item) && follows != NULL)
        {
          g_ptr_array_add (follows, g_object_ref (item));
          continue;
        }
      follows = NULL;
      if (key != NULL && (members = g_hash_table_lookup (by_key, key)) != NULL)
        {
          g_ptr_array_add (members, g_object_ref (item));
          g_free (key);
          continue;
        }
      members = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (members, g_object_ref (item));
      g_ptr_array_add (runs, members);
      if (key != NULL)
        g_hash_table_insert (by_key, key, members);
      if (is_follow (item))
        follows = members;
    }
  return g_steal_pointer (&runs);
}

static void
regroup (QtrGroupedNotifications *self)
{
  g_autoptr(GPtrArray) runs = collect_members (self->items);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_full (runs->len, g_object_unref);
  g_autoptr(GHashTable) old_by_lead = g_hash_table_new (NULL, NULL);
  GPtrArray *old = self->groups;
  guint prefix = 0, suffix = 0;
  guint removed, added;

  for (guint i = 0; i < old->len; i++)
    g_hash_table_insert (old_by_lead,
                         qtr_notification_group_get_lead (old->pdata[i]), old->pdata[i]);
  /* A group whose members are the same stays the same object: its row is not made again. */
  for (guint i = 0; i < runs->len; i++)
    {
      GPtrArray *members = runs->pdata[i];
      QtrNotificationGroup *same = g_hash_table_lookup (old_by_lead, members->pdata[0]);

      if (same != NULL && qtr_notification_group_has_members (same, members))
        g_ptr_array_add (groups, g_object_ref (same));
      else
        g_ptr_array_add (groups, qtr_notification_group_new (members));
    }

  while (prefix < old->len && prefix < groups->len &&
         old->pdata[prefix] == groups->pdata[prefix])
    prefix++;
  while (suffix < old->len - prefix && suffix < groups->len - prefix &&
         old->pdata[old->len - 1 - suffix] == groups->pdata[groups->len - 1 - suffix])
    suffix++;
  removed = old->len - prefix - suffix;
  added = groups->len - prefix - suffix;
  self->groups = g_steal_pointer (&groups);
  g_ptr_array_unref (old);
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
}

static void
items_changed_cb (QtrGroupedNotifications *self)
{
  regroup (self);
}

static void
qtr_grouped_notifications_dispose (GObject *object)
{
  QtrGroupedNotifications *self = QTR_GROUPED_NOTIFICATIONS (object);

  if (self->items != NULL)
    g_signal_handlers_disconnect_by_data (self->items, self);
  g_clear_object (&self->items);
  G_OBJECT_CLASS (qtr_grouped_notifications_parent_class)->dispose (object);
}

static void
qtr_grouped_notifications_finalize (GObject *object)
{
  QtrGroupedNotifications *self = QTR_GROUPED_NOTIFICATIONS (object);

  g_ptr_array_unref (self->groups);
  G_OBJECT_CLASS (qtr_grouped_notifications_parent_class)->finalize (object);
}

static void
qtr_grouped_notifications_class_init (QtrGroupedNotificationsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_grouped_notifications_dispose;
  object_class->finalize = qtr_grouped_notifications_finalize;
}

static void
qtr_grouped_notifications_init (QtrGroupedNotifications *self)
{
  self->groups = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * qtr_grouped_notifications_new:
 * @items: a list model of QtrTimelineItem, newest first (a QtrNotificationList)
 *
 * Returns: (transfer full): the groups of @items, which follow its changes
 */
QtrGroupedNotifications *
qtr_grouped_notifications_new (GListModel *items)
{
  QtrGroupedNotifications *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (items), NULL);

  self = g_object_new (QTR_TYPE_GROUPED_NOTIFICATIONS, NULL);
  self->items = g_object_ref (items);
  g_signal_connect_swapped (items, "items-changed", G_CALLBACK (items_changed_cb), self);
  regroup (self);
  return self;
}

/**
 * qtr_grouped_notifications_get_items:
 *
 * Returns: (transfer none): the list of notifications grouped
 */
GListModel *
qtr_grouped_notifications_get_items (QtrGroupedNotifications *self)
{
  g_return_val_if_fail (QTR_IS_GROUPED_NOTIFICATIONS (self), NULL);

  return self->items;
}

/**
 * qtr_grouped_notifications_find:
 * @item: an item of the list below
 * @position: (out) (optional): where its group is
 *
 * Returns: (transfer none) (nullable): the group that holds @item
 */
QtrNotificationGroup *
qtr_grouped_notifications_find (QtrGroupedNotifications *self,
                                QtrTimelineItem         *item,
                                guint                   *position)
{
  g_return_val_if_fail (QTR_IS_GROUPED_NOTIFICATIONS (self), NULL);

  for (guint i = 0; i < self->groups->len; i++)
    if (qtr_notification_group_contains (self->groups->pdata[i], item))
      {
        if (position != NULL)
          *position = i;
        return self->groups->pdata[i];
      }
  return NULL;
}
