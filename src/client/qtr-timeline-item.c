/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-timeline-item.h"

/* QtrTimelineItem: one row of a QtrTimeline. A GtkListView row factory binds the "kind" property
 * to pick the row's look, then "status" (a post), "notification" or, for a gap, "loading" (true
 * while the posts it stands for are fetched). An item stays the same object for its whole life in
 * the model: an edit of its post replaces "status" (notify::status), it does not replace the
 * row. The item keeps the JSON it was parsed from, for the cache. */

struct _QtrTimelineItem
{
  GObject              parent_instance;

  QtrTimelineItemKind  kind;
  char                *id;            /* nullable for a gap */
  JsonObject          *json;          /* nullable for a gap */
  QtrStatus           *status;        /* nullable */
  QtrNotification     *notification;  /* nullable */
  gboolean             loading;
};

enum {
  PROP_0,
  PROP_KIND,
  PROP_ID,
  PROP_STATUS,
  PROP_NOTIFICATION,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (QtrTimelineItemKind, qtr_timeline_item_kind,
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_ITEM_STATUS, "status"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_ITEM_NOTIFICATION, "notification"),
                    G_DEFINE_ENUM_VALUE (QTR_TIMELINE_ITEM_GAP, "gap"))

G_DEFINE_FINAL_TYPE (QtrTimelineItem, qtr_timeline_item, G_TYPE_OBJECT)

static void
qtr_timeline_item_finalize (GObject *object)
{
  QtrTimelineItem *self = QTR_TIMELINE_ITEM (object);

  g_free (self->id);
  g_clear_pointer (&self->json, json_object_unref);
  g_clear_object (&self->status);
  g_clear_object (&self->notification);
  G_OBJECT_CLASS (qtr_timeline_item_parent_class)->finalize (object);
}

static void
qtr_timeline_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  QtrTimelineItem *self = QTR_TIMELINE_ITEM (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_STATUS:
      g_value_set_object (value, self->status);
      break;
    case PROP_NOTIFICATION:
      g_value_set_object (value, self->notification);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_timeline_item_class_init (QtrTimelineItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_timeline_item_finalize;
  object_class->get_property = qtr_timeline_item_get_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, QTR_TYPE_TIMELINE_ITEM_KIND, QTR_TIMELINE_ITEM_STATUS,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_object ("status", NULL, NULL, QTR_TYPE_STATUS,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTIFICATION] =
    g_param_spec_object ("notification", NULL, NULL, QTR_TYPE_NOTIFICATION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_timeline_item_init (QtrTimelineItem *self)
{
}

/**
 * qtr_timeline_item_new_gap:
 *
 * Returns: (transfer full): a gap: posts between its neighbours that are not loaded
 */
QtrTimelineItem *
qtr_timeline_item_new_gap (void)
{
  QtrTimelineItem *self = g_object_new (QTR_TYPE_TIMELINE_ITEM, NULL);

  self->kind = QTR_TIMELINE_ITEM_GAP;
  return self;
}

/**
 * qtr_timeline_item_new_from_json:
 * @kind: %QTR_TIMELINE_ITEM_STATUS or %QTR_TIMELINE_ITEM_NOTIFICATION
 * @json: a Status or a Notification entity
 *
 * Returns: (transfer full): the item, or %NULL with @error set when @json is not a valid entity
 */
QtrTimelineItem *
qtr_timeline_item_new_from_json (QtrTimelineItemKind   kind,
                                 JsonObject           *json,
                                 GError              **error)
{
  g_autoptr(QtrTimelineItem) self = NULL;

  g_return_val_if_fail (kind != QTR_TIMELINE_ITEM_GAP, NULL);
  g_return_val_if_fail (json != NULL, NULL);

  self = g_object_new (QTR_TYPE_TIMELINE_ITEM, NULL);
  self->kind = kind;
  if (kind == QTR_TIMELINE_ITEM_STATUS)
    {
      self->status = qtr_status_new_from_json (json, error);
      if (self->status == NULL)
        return NULL;
      self->id = g_strdup (qtr_status_get_id (self->status));
    }
  else
    {
      self->notification = qtr_notification_new_from_json (json, error);
      if (self->notification == NULL)
        return NULL;
      self->id = g_strdup (qtr_notification_get_id (self->notification));
      self->status = qtr_notification_get_status (self->notification);
      if (self->status != NULL)
        g_object_ref (self->status);
    }
  self->json = json_object_ref (json);
  return g_steal_pointer (&self);
}

QtrTimelineItemKind
qtr_timeline_item_get_kind (QtrTimelineItem *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_ITEM (self), QTR_TIMELINE_ITEM_GAP);

  return self->kind;
}

/**
 * qtr_timeline_item_get_id:
 *
 * Returns: (nullable): the id of the status or notification; %NULL for a gap
 */
const char *
qtr_timeline_item_get_id (QtrTimelineItem *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_ITEM (self), NULL);

  return self->id;
}

/**
 * qtr_timeline_item_get_status:
 *
 * Returns: (transfer none) (nullable): the post, or the notification's post
 */
QtrStatus *
qtr_timeline_item_get_status (QtrTimelineItem *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_ITEM (self), NULL);

  return self->status;
}

/**
 * qtr_timeline_item_get_notification:
 *
 * Returns: (transfer none) (nullable): the notification
 */
QtrNotification *
qtr_timeline_item_get_notification (QtrTimelineItem *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_ITEM (self), NULL);

  return self->notification;
}

/**
 * qtr_timeline_item_get_json:
 *
 * Returns: (transfer none) (nullable): the entity the item was read from; %NULL for a gap
 */
JsonObject *
qtr_timeline_item_get_json (QtrTimelineItem *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_ITEM (self), NULL);

  return self->json;
}

gboolean
qtr_timeline_item_get_loading (QtrTimelineItem *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_ITEM (self), FALSE);

  return self->loading;
}

/**
 * qtr_timeline_item_set_loading:
 *
 * Marks a gap as being loaded.
 */
void
qtr_timeline_item_set_loading (QtrTimelineItem *self,
                               gboolean         loading)
{
  g_return_if_fail (QTR_IS_TIMELINE_ITEM (self));

  loading = !!loading;
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/**
 * qtr_timeline_item_update_json:
 * @json: the entity again, as edited
 *
 * Replaces the item's post (or notification) with @json, keeping the item: rows bound to it see
 * notify::status. The item's id does not change. The same JSON again changes nothing and
 * notifies nothing.
 *
 * Returns: %FALSE with @error set when @json is not a valid entity; the item is then unchanged
 */
gboolean
qtr_timeline_item_update_json (QtrTimelineItem  *self,
                               JsonObject       *json,
                               GError          **error)
{
  g_autoptr(QtrTimelineItem) parsed = NULL;

  g_return_val_if_fail (QTR_IS_TIMELINE_ITEM (self), FALSE);
  g_return_val_if_fail (self->kind != QTR_TIMELINE_ITEM_GAP, FALSE);

  if (json == self->json || json_object_equal (json, self->json))
    return TRUE;
  parsed = qtr_timeline_item_new_from_json (self->kind, json, error);
  if (parsed == NULL)
    return FALSE;
  g_clear_pointer (&self->json, json_object_unref);
  self->json = g_steal_pointer (&parsed->json);
  g_set_object (&self->status, parsed->status);
  if (parsed->notification != NULL)
    {
      g_set_object (&self->notification, parsed->notification);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTIFICATION]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  return TRUE;
}
