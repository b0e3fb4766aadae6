/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-account.h"

#include "qtr-entity-private.h"
#include "qtr-json.h"

/* QtrAccount: an account as the client API describes it (the Account entity). */

struct _QtrAccount
{
  GObject    parent_instance;

  char      *id;
  char      *username;
  char      *acct;
  char      *display_name;
  char      *note;
  char      *url;
  char      *avatar;
  char      *avatar_static;
  char      *header;
  gboolean   locked;
  gboolean   bot;
  gint64     followers_count;
  gint64     following_count;
  gint64     statuses_count;
  GDateTime *created_at;
  GDateTime *last_status_at;
  GPtrArray *fields;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_USERNAME,
  PROP_ACCT,
  PROP_DISPLAY_NAME,
  PROP_NOTE,
  PROP_URL,
  PROP_AVATAR,
  PROP_AVATAR_STATIC,
  PROP_HEADER,
  PROP_LOCKED,
  PROP_BOT,
  PROP_FOLLOWERS_COUNT,
  PROP_FOLLOWING_COUNT,
  PROP_STATUSES_COUNT,
  PROP_CREATED_AT,
  PROP_LAST_STATUS_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrAccount, qtr_account, G_TYPE_OBJECT)

static void
qtr_account_finalize (GObject *object)
{
  QtrAccount *self = QTR_ACCOUNT (object);

  g_free (self->id);
  g_free (self->username);
  g_free (self->acct);
  g_free (self->display_name);
  g_free (self->note);
  g_free (self->url);
  g_free (self->avatar);
  g_free (self->avatar_static);
  g_free (self->header);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->last_status_at, g_date_time_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);

  G_OBJECT_CLASS (qtr_account_parent_class)->finalize (object);
}

static void
qtr_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  QtrAccount *self = QTR_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_ACCT:
      g_value_set_string (value, self->acct);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_AVATAR:
      g_value_set_string (value, self->avatar);
      break;
    case PROP_AVATAR_STATIC:
      g_value_set_string (value, self->avatar_static);
      break;
    case PROP_HEADER:
      g_value_set_string (value, self->header);
      break;
    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;
    case PROP_BOT:
      g_value_set_boolean (value, self->bot);
      break;
    case PROP_FOLLOWERS_COUNT:
      g_value_set_int64 (value, self->followers_count);
      break;
    case PROP_FOLLOWING_COUNT:
      g_value_set_int64 (value, self->following_count);
      break;
    case PROP_STATUSES_COUNT:
      g_value_set_int64 (value, self->statuses_count);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_LAST_STATUS_AT:
      g_value_set_boxed (value, self->last_status_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_account_class_init (QtrAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_account_finalize;
  object_class->get_property = qtr_account_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCT] =
    g_param_spec_string ("acct", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVATAR] =
    g_param_spec_string ("avatar", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVATAR_STATIC] =
    g_param_spec_string ("avatar-static", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEADER] =
    g_param_spec_string ("header", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BOT] =
    g_param_spec_boolean ("bot", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWERS_COUNT] =
    g_param_spec_int64 ("followers-count", NULL, NULL, -1, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWING_COUNT] =
    g_param_spec_int64 ("following-count", NULL, NULL, -1, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUSES_COUNT] =
    g_param_spec_int64 ("statuses-count", NULL, NULL, -1, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_STATUS_AT] =
    g_param_spec_boxed ("last-status-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_account_init (QtrAccount *self)
{
}

/**
 * qtr_account_new_from_json:
 * @object: an Account of the Mastodon API
 *
 * Returns: (transfer full): the account, or %NULL with %QTR_API_ERROR_BAD_RESPONSE when `id`,
 *   `username` or `acct` is missing
 */
QtrAccount *
qtr_account_new_from_json (JsonObject  *object,
                           GError     **error)
{
  g_autoptr(QtrAccount) self = g_object_new (QTR_TYPE_ACCOUNT, NULL);
  JsonArray *fields;

  self->id = qtr_entity_dup_id (object, "id");
  if (self->id == NULL)
    return qtr_entity_missing ("Account", "id", error);
  self->username = qtr_entity_dup_string (object, "username");
  if (self->username == NULL || *self->username == '\0')
    return qtr_entity_missing ("Account", "username", error);
  self->acct = qtr_entity_dup_string (object, "acct");
  if (self->acct == NULL || *self->acct == '\0')
    return qtr_entity_missing ("Account", "acct", error);

  self->display_name = qtr_entity_dup_string (object, "display_name");
  self->note = qtr_entity_dup_string (object, "note");
  self->url = qtr_entity_dup_string (object, "url");
  self->avatar = qtr_entity_dup_string (object, "avatar");
  self->avatar_static = qtr_entity_dup_string (object, "avatar_static");
  if (self->avatar_static == NULL)
    self->avatar_static = g_strdup (self->avatar);
  self->header = qtr_entity_dup_string (object, "header");
  self->locked = qtr_json_get_bool (object, "locked", FALSE);
  self->bot = qtr_json_get_bool (object, "bot", FALSE);
  self->followers_count = qtr_json_get_int (object, "followers_count", -1);
  self->following_count = qtr_json_get_int (object, "following_count", -1);
  self->statuses_count = qtr_json_get_int (object, "statuses_count", -1);
  self->created_at = qtr_entity_parse_time (object, "created_at");
  self->last_status_at = qtr_entity_parse_time (object, "last_status_at");

  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_account_field_free);
  fields = qtr_json_get_array (object, "fields");
  for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
    {
      JsonNode *node = json_array_get_element (fields, i);
      JsonObject *field;
      QtrAccountField *copy;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      field = json_node_get_object (node);
      if (qtr_json_get_string (field, "name") == NULL)
        continue;
      copy = g_new0 (QtrAccountField, 1);
      copy->name = qtr_entity_dup_string (field, "name");
      copy->value = qtr_entity_dup_string (field, "value");
      if (copy->value == NULL)
        copy->value = g_strdup ("");
      copy->verified_at = qtr_entity_parse_time (field, "verified_at");
      g_ptr_array_add (self->fields, copy);
    }

  return g_steal_pointer (&self);
}

/**
 * qtr_account_get_name:
 *
 * Returns: (transfer none): the name to show: the display name, or the username when it is
 *   empty (snac and GoToSocial leave it empty for accounts that never set one)
 */
const char *
qtr_account_get_name (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  if (self->display_name != NULL && *self->display_name != '\0')
    return self->display_name;
  return self->username;
}

/**
 * qtr_account_get_fields:
 *
 * Returns: (transfer none) (element-type QtrAccountField): the profile's fields, in order
 */
GPtrArray *
qtr_account_get_fields (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->fields;
}


/**
 * qtr_account_get_id:
 *
 * Returns: (transfer none) (nullable): the account id on the server that answered
 */
const char *
qtr_account_get_id (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->id;
}

/**
 * qtr_account_get_username:
 *
 * Returns: (transfer none) (nullable): the local part of the handle
 */
const char *
qtr_account_get_username (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->username;
}

/**
 * qtr_account_get_acct:
 *
 * Returns: (transfer none) (nullable): the handle without its leading @, and without the host for
 *   local accounts
 */
const char *
qtr_account_get_acct (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->acct;
}

/**
 * qtr_account_get_display_name:
 *
 * Returns: (transfer none) (nullable): the name the account chose; may be empty
 */
const char *
qtr_account_get_display_name (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->display_name;
}

/**
 * qtr_account_get_note:
 *
 * Returns: (transfer none) (nullable): the profile text, as HTML from the server
 */
const char *
qtr_account_get_note (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->note;
}

/**
 * qtr_account_get_url:
 *
 * Returns: (transfer none) (nullable): the profile page
 */
const char *
qtr_account_get_url (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->url;
}

/**
 * qtr_account_get_avatar:
 *
 * Returns: (transfer none) (nullable): the avatar image URL
 */
const char *
qtr_account_get_avatar (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->avatar;
}

/**
 * qtr_account_get_avatar_static:
 *
 * Returns: (transfer none) (nullable): the avatar image URL, not animated
 */
const char *
qtr_account_get_avatar_static (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->avatar_static;
}

/**
 * qtr_account_get_header:
 *
 * Returns: (transfer none) (nullable): the header image URL
 */
const char *
qtr_account_get_header (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->header;
}

/**
 * qtr_account_get_locked:
 *
 * Returns:: whether follows need the account's approval
 */
gboolean
qtr_account_get_locked (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), FALSE);

  return self->locked;
}

/**
 * qtr_account_get_bot:
 *
 * Returns:: whether the account is automated
 */
gboolean
qtr_account_get_bot (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), FALSE);

  return self->bot;
}

/**
 * qtr_account_get_followers_count:
 *
 * Returns:: the number of followers, or -1 when the server hides it
 */
gint64
qtr_account_get_followers_count (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), 0);

  return self->followers_count;
}

/**
 * qtr_account_get_following_count:
 *
 * Returns:: the number of accounts followed, or -1 when the server hides it
 */
gint64
qtr_account_get_following_count (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), 0);

  return self->following_count;
}

/**
 * qtr_account_get_statuses_count:
 *
 * Returns:: the number of posts, or -1 when the server hides it
 */
gint64
qtr_account_get_statuses_count (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), 0);

  return self->statuses_count;
}

/**
 * qtr_account_get_created_at:
 *
 * Returns: (transfer none) (nullable): when the account was made
 */
GDateTime *
qtr_account_get_created_at (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->created_at;
}

/**
 * qtr_account_get_last_status_at:
 *
 * Returns: (transfer none) (nullable): the day of the latest post
 */
GDateTime *
qtr_account_get_last_status_at (QtrAccount *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT (self), NULL);

  return self->last_status_at;
}

void
qtr_account_field_free (QtrAccountField *field)
{
  if (field == NULL)
    return;
  g_free (field->name);
  g_free (field->value);
  g_clear_pointer (&field->verified_at, g_date_time_unref);
  g_free (field);
}
