/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-notification.h"

#include "qtr-entity-private.h"
#include "qtr-json.h"

/* QtrNotification: something that happened to you: a mention, a boost, a follow… */

struct _QtrNotification
{
  GObject     parent_instance;

  char       *id;
  char       *notification_type;
  GDateTime  *created_at;
  QtrAccount *account;
  QtrStatus  *status;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NOTIFICATION_TYPE,
  PROP_CREATED_AT,
  PROP_ACCOUNT,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrNotification, qtr_notification, G_TYPE_OBJECT)

static void
qtr_notification_finalize (GObject *object)
{
  QtrNotification *self = QTR_NOTIFICATION (object);

  g_free (self->id);
  g_free (self->notification_type);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_object (&self->account);
  g_clear_object (&self->status);

  G_OBJECT_CLASS (qtr_notification_parent_class)->finalize (object);
}

static void
qtr_notification_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  QtrNotification *self = QTR_NOTIFICATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NOTIFICATION_TYPE:
      g_value_set_string (value, self->notification_type);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_STATUS:
      g_value_set_object (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_notification_class_init (QtrNotificationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_notification_finalize;
  object_class->get_property = qtr_notification_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTIFICATION_TYPE] =
    g_param_spec_string ("notification-type", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, QTR_TYPE_ACCOUNT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_object ("status", NULL, NULL, QTR_TYPE_STATUS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_notification_init (QtrNotification *self)
{
}

static const struct {
  const char          *name;
  QtrNotificationKind  kind;
} kinds[] = {
  { "mention", QTR_NOTIFICATION_MENTION },
  { "status", QTR_NOTIFICATION_STATUS },
  { "reblog", QTR_NOTIFICATION_REBLOG },
  { "follow", QTR_NOTIFICATION_FOLLOW },
  { "follow_request", QTR_NOTIFICATION_FOLLOW_REQUEST },
  { "favourite", QTR_NOTIFICATION_FAVOURITE },
  { "poll", QTR_NOTIFICATION_POLL },
  { "update", QTR_NOTIFICATION_UPDATE },
};

/**
 * qtr_notification_new_from_json:
 * @object: a Notification of the Mastodon API
 *
 * Types this client does not know (Akkoma's `pleroma:emoji_reaction`, Mastodon's admin ones)
 * are kept, as %QTR_NOTIFICATION_OTHER.
 *
 * Returns: (transfer full): the notification, or %NULL with %QTR_API_ERROR_BAD_RESPONSE when
 *   `id`, `type`, `created_at` or `account` is missing
 */
QtrNotification *
qtr_notification_new_from_json (JsonObject  *object,
                                GError     **error)
{
  g_autoptr(QtrNotification) self = g_object_new (QTR_TYPE_NOTIFICATION, NULL);
  JsonObject *account = qtr_json_get_object (object, "account");
  JsonObject *status = qtr_json_get_object (object, "status");

  self->id = qtr_entity_dup_id (object, "id");
  if (self->id == NULL)
    return qtr_entity_missing ("Notification", "id", error);
  self->notification_type = qtr_entity_dup_string (object, "type");
  if (self->notification_type == NULL || *self->notification_type == '\0')
    return qtr_entity_missing ("Notification", "type", error);
  self->created_at = qtr_entity_parse_time (object, "created_at");
  if (self->created_at == NULL)
    return qtr_entity_missing ("Notification", "created_at", error);
  if (account == NULL)
    return qtr_entity_missing ("Notification", "account", error);
  self->account = qtr_account_new_from_json (account, error);
  if (self->account == NULL)
    return NULL;
  if (status != NULL)
    {
      self->status = qtr_status_new_from_json (status, error);
      if (self->status == NULL)
        return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * qtr_notification_get_kind:
 *
 * Returns: the type, as one this client knows
 */
QtrNotificationKind
qtr_notification_get_kind (QtrNotification *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION (self), QTR_NOTIFICATION_OTHER);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_str_equal (kinds[i].name, self->notification_type))
        return kinds[i].kind;
    }
  return QTR_NOTIFICATION_OTHER;
}


/**
 * qtr_notification_get_id:
 *
 * Returns: (transfer none) (nullable): the notification id
 */
const char *
qtr_notification_get_id (QtrNotification *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION (self), NULL);

  return self->id;
}

/**
 * qtr_notification_get_notification_type:
 *
 * Returns: (transfer none) (nullable): its type as the server named it (`mention`, `favourite`,
 *   `pleroma:emoji_reaction`…)
 */
const char *
qtr_notification_get_notification_type (QtrNotification *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION (self), NULL);

  return self->notification_type;
}

/**
 * qtr_notification_get_created_at:
 *
 * Returns: (transfer none) (nullable): when it happened
 */
GDateTime *
qtr_notification_get_created_at (QtrNotification *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION (self), NULL);

  return self->created_at;
}

/**
 * qtr_notification_get_account:
 *
 * Returns: (transfer none) (nullable): who did it
 */
QtrAccount *
qtr_notification_get_account (QtrNotification *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION (self), NULL);

  return self->account;
}

/**
 * qtr_notification_get_status:
 *
 * Returns: (transfer none) (nullable): the post it is about, for the types that have one
 */
QtrStatus *
qtr_notification_get_status (QtrNotification *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION (self), NULL);

  return self->status;
}
