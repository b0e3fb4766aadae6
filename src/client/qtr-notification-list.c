/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-notification-list.h"

/* QtrNotificationList: the notifications timeline, a QtrTimeline whose items are notifications
 * (kind QTR_TIMELINE_ITEM_NOTIFICATION), paged, gapped, held, cached and marked the same way.
 * With types (such as "mention" for a Mentions page) it asks the server for those only
 * (`types[]`) and keeps only those of what streaming brings; it then has a cache key of its own
 * and no server marker (the markers API has one position for all notifications). */

struct _QtrNotificationList
{
  QtrTimeline   parent_instance;

  GStrv         types;  /* nullable: all */
};

enum {
  PROP_0,
  PROP_TYPES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrNotificationList, qtr_notification_list, QTR_TYPE_TIMELINE)

static void
qtr_notification_list_add_query (QtrTimeline  *timeline,
                                 GStrvBuilder *query)
{
  QtrNotificationList *self = QTR_NOTIFICATION_LIST (timeline);

  for (guint i = 0; self->types != NULL && self->types[i] != NULL; i++)
    {
      g_strv_builder_add (query, "types[]");
      g_strv_builder_add (query, self->types[i]);
    }
}

static gboolean
qtr_notification_list_accepts (QtrTimeline     *timeline,
                               QtrTimelineItem *item)
{
  QtrNotificationList *self = QTR_NOTIFICATION_LIST (timeline);
  QtrNotification *notification = qtr_timeline_item_get_notification (item);

  if (self->types == NULL)
    return TRUE;
  return notification != NULL &&
         g_strv_contains ((const char * const *) self->types,
                          qtr_notification_get_notification_type (notification));
}

static void
qtr_notification_list_finalize (GObject *object)
{
  QtrNotificationList *self = QTR_NOTIFICATION_LIST (object);

  g_strfreev (self->types);
  G_OBJECT_CLASS (qtr_notification_list_parent_class)->finalize (object);
}

static void
qtr_notification_list_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  QtrNotificationList *self = QTR_NOTIFICATION_LIST (object);

  switch (prop_id)
    {
    case PROP_TYPES:
      g_value_set_boxed (value, self->types);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_notification_list_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  QtrNotificationList *self = QTR_NOTIFICATION_LIST (object);

  switch (prop_id)
    {
    case PROP_TYPES:
      self->types = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_notification_list_class_init (QtrNotificationListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  QtrTimelineClass *timeline_class = QTR_TIMELINE_CLASS (klass);

  object_class->finalize = qtr_notification_list_finalize;
  object_class->get_property = qtr_notification_list_get_property;
  object_class->set_property = qtr_notification_list_set_property;
  timeline_class->add_query = qtr_notification_list_add_query;
  timeline_class->accepts = qtr_notification_list_accepts;

  properties[PROP_TYPES] =
    g_param_spec_boxed ("types", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_notification_list_init (QtrNotificationList *self)
{
}

/**
 * qtr_notification_list_new:
 * @client: the account's API client
 * @server_info: (nullable): what the server can do (for the markers API)
 * @cache: (nullable): the account's cache
 * @types: (nullable) (array zero-terminated=1): the notification types to show, such as
 *   `mention`; %NULL for all
 *
 * Returns: (transfer full): an empty notification list
 */
QtrNotificationList *
qtr_notification_list_new (QtrApiClient       *client,
                           QtrServerInfo      *server_info,
                           QtrCache           *cache,
                           const char * const *types)
{
  g_autofree char *argument = NULL;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);

  if (types != NULL && types[0] != NULL)
    argument = g_strjoinv (",", (char **) types);
  else
    types = NULL;
  return g_object_new (QTR_TYPE_NOTIFICATION_LIST,
                       "client", client,
                       "server-info", server_info,
                       "cache", cache,
                       "kind", QTR_TIMELINE_NOTIFICATIONS,
                       "argument", argument,
                       "types", types,
                       NULL);
}

/**
 * qtr_notification_list_get_types:
 *
 * Returns: (nullable) (array zero-terminated=1): the types shown, %NULL for all
 */
const char * const *
qtr_notification_list_get_types (QtrNotificationList *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION_LIST (self), NULL);

  return (const char * const *) self->types;
}
