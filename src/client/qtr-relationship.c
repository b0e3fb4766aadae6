/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-relationship.h"

#include "qtr-entity-private.h"
#include "qtr-json.h"

/* QtrRelationship: how you and another account stand. */

struct _QtrRelationship
{
  GObject   parent_instance;

  char     *id;
  gboolean  following;
  gboolean  followed_by;
  gboolean  requested;
  gboolean  blocking;
  gboolean  blocked_by;
  gboolean  muting;
  gboolean  muting_notifications;
  gboolean  showing_reblogs;
  gboolean  notifying;
  gboolean  domain_blocking;
  gboolean  endorsed;
  char     *note;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_FOLLOWING,
  PROP_FOLLOWED_BY,
  PROP_REQUESTED,
  PROP_BLOCKING,
  PROP_BLOCKED_BY,
  PROP_MUTING,
  PROP_MUTING_NOTIFICATIONS,
  PROP_SHOWING_REBLOGS,
  PROP_NOTIFYING,
  PROP_DOMAIN_BLOCKING,
  PROP_ENDORSED,
  PROP_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrRelationship, qtr_relationship, G_TYPE_OBJECT)

static void
qtr_relationship_finalize (GObject *object)
{
  QtrRelationship *self = QTR_RELATIONSHIP (object);

  g_free (self->id);
  g_free (self->note);

  G_OBJECT_CLASS (qtr_relationship_parent_class)->finalize (object);
}

static void
qtr_relationship_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  QtrRelationship *self = QTR_RELATIONSHIP (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_FOLLOWING:
      g_value_set_boolean (value, self->following);
      break;
    case PROP_FOLLOWED_BY:
      g_value_set_boolean (value, self->followed_by);
      break;
    case PROP_REQUESTED:
      g_value_set_boolean (value, self->requested);
      break;
    case PROP_BLOCKING:
      g_value_set_boolean (value, self->blocking);
      break;
    case PROP_BLOCKED_BY:
      g_value_set_boolean (value, self->blocked_by);
      break;
    case PROP_MUTING:
      g_value_set_boolean (value, self->muting);
      break;
    case PROP_MUTING_NOTIFICATIONS:
      g_value_set_boolean (value, self->muting_notifications);
      break;
    case PROP_SHOWING_REBLOGS:
      g_value_set_boolean (value, self->showing_reblogs);
      break;
    case PROP_NOTIFYING:
      g_value_set_boolean (value, self->notifying);
      break;
    case PROP_DOMAIN_BLOCKING:
      g_value_set_boolean (value, self->domain_blocking);
      break;
    case PROP_ENDORSED:
      g_value_set_boolean (value, self->endorsed);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_relationship_class_init (QtrRelationshipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_relationship_finalize;
  object_class->get_property = qtr_relationship_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWING] =
    g_param_spec_boolean ("following", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWED_BY] =
    g_param_spec_boolean ("followed-by", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUESTED] =
    g_param_spec_boolean ("requested", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BLOCKING] =
    g_param_spec_boolean ("blocking", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BLOCKED_BY] =
    g_param_spec_boolean ("blocked-by", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTING] =
    g_param_spec_boolean ("muting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTING_NOTIFICATIONS] =
    g_param_spec_boolean ("muting-notifications", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOWING_REBLOGS] =
    g_param_spec_boolean ("showing-reblogs", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTIFYING] =
    g_param_spec_boolean ("notifying", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DOMAIN_BLOCKING] =
    g_param_spec_boolean ("domain-blocking", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENDORSED] =
    g_param_spec_boolean ("endorsed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_relationship_init (QtrRelationship *self)
{
}

/**
 * qtr_relationship_new_from_json:
 * @object: a Relationship of the Mastodon API
 *
 * Returns: (transfer full): the relationship, or %NULL with %QTR_API_ERROR_BAD_RESPONSE when
 *   `id` is missing
 */
QtrRelationship *
qtr_relationship_new_from_json (JsonObject  *object,
                                GError     **error)
{
  g_autoptr(QtrRelationship) self = g_object_new (QTR_TYPE_RELATIONSHIP, NULL);

  self->id = qtr_entity_dup_id (object, "id");
  if (self->id == NULL)
    return qtr_entity_missing ("Relationship", "id", error);
  self->following = qtr_json_get_bool (object, "following", FALSE);
  self->followed_by = qtr_json_get_bool (object, "followed_by", FALSE);
  self->requested = qtr_json_get_bool (object, "requested", FALSE);
  self->blocking = qtr_json_get_bool (object, "blocking", FALSE);
  self->blocked_by = qtr_json_get_bool (object, "blocked_by", FALSE);
  self->muting = qtr_json_get_bool (object, "muting", FALSE);
  self->muting_notifications = qtr_json_get_bool (object, "muting_notifications", FALSE);
  self->showing_reblogs = qtr_json_get_bool (object, "showing_reblogs", TRUE);
  self->notifying = qtr_json_get_bool (object, "notifying", FALSE);
  self->domain_blocking = qtr_json_get_bool (object, "domain_blocking", FALSE);
  self->endorsed = qtr_json_get_bool (object, "endorsed", FALSE);
  self->note = qtr_entity_dup_string (object, "note");

  return g_steal_pointer (&self);
}


/**
 * qtr_relationship_get_id:
 *
 * Returns: (transfer none) (nullable): the id of the other account
 */
const char *
qtr_relationship_get_id (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), NULL);

  return self->id;
}

/**
 * qtr_relationship_get_following:
 *
 * Returns:: whether you follow the account
 */
gboolean
qtr_relationship_get_following (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->following;
}

/**
 * qtr_relationship_get_followed_by:
 *
 * Returns:: whether the account follows you
 */
gboolean
qtr_relationship_get_followed_by (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->followed_by;
}

/**
 * qtr_relationship_get_requested:
 *
 * Returns:: whether your follow request waits for approval
 */
gboolean
qtr_relationship_get_requested (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->requested;
}

/**
 * qtr_relationship_get_blocking:
 *
 * Returns:: whether you block the account
 */
gboolean
qtr_relationship_get_blocking (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->blocking;
}

/**
 * qtr_relationship_get_blocked_by:
 *
 * Returns:: whether the account blocks you
 */
gboolean
qtr_relationship_get_blocked_by (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->blocked_by;
}

/**
 * qtr_relationship_get_muting:
 *
 * Returns:: whether you mute the account
 */
gboolean
qtr_relationship_get_muting (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->muting;
}

/**
 * qtr_relationship_get_muting_notifications:
 *
 * Returns:: whether the mute hides its notifications too
 */
gboolean
qtr_relationship_get_muting_notifications (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->muting_notifications;
}

/**
 * qtr_relationship_get_showing_reblogs:
 *
 * Returns:: whether its boosts show in your home timeline
 */
gboolean
qtr_relationship_get_showing_reblogs (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->showing_reblogs;
}

/**
 * qtr_relationship_get_notifying:
 *
 * Returns:: whether you are notified of its posts
 */
gboolean
qtr_relationship_get_notifying (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->notifying;
}

/**
 * qtr_relationship_get_domain_blocking:
 *
 * Returns:: whether you block its server
 */
gboolean
qtr_relationship_get_domain_blocking (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->domain_blocking;
}

/**
 * qtr_relationship_get_endorsed:
 *
 * Returns:: whether you feature it on your profile
 */
gboolean
qtr_relationship_get_endorsed (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), FALSE);

  return self->endorsed;
}

/**
 * qtr_relationship_get_note:
 *
 * Returns: (transfer none) (nullable): your private note on the account
 */
const char *
qtr_relationship_get_note (QtrRelationship *self)
{
  g_return_val_if_fail (QTR_IS_RELATIONSHIP (self), NULL);

  return self->note;
}
