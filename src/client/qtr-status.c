/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-status.h"

#include "qtr-entity-private.h"
#include "qtr-json.h"

/* QtrStatus: a post as the client API describes it (the Status entity), with what it carries:
 * the author, the boosted post, media, mentions, tags, a poll and a link preview. */

struct _QtrStatus
{
  GObject     parent_instance;

  char       *id;
  char       *uri;
  char       *url;
  char       *content;
  char       *spoiler_text;
  char       *visibility;
  char       *language;
  char       *in_reply_to_id;
  char       *in_reply_to_account_id;
  gboolean    sensitive;
  gboolean    favourited;
  gboolean    reblogged;
  gboolean    bookmarked;
  gint64      replies_count;
  gint64      reblogs_count;
  gint64      favourites_count;
  GDateTime  *created_at;
  GDateTime  *edited_at;
  QtrAccount *account;
  QtrStatus  *reblog;
  GPtrArray  *media_attachments;
  GPtrArray  *mentions;
  GPtrArray  *tags;
  QtrPoll    *poll;
  QtrCard    *card;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_URI,
  PROP_URL,
  PROP_CONTENT,
  PROP_SPOILER_TEXT,
  PROP_VISIBILITY,
  PROP_LANGUAGE,
  PROP_IN_REPLY_TO_ID,
  PROP_IN_REPLY_TO_ACCOUNT_ID,
  PROP_SENSITIVE,
  PROP_FAVOURITED,
  PROP_REBLOGGED,
  PROP_BOOKMARKED,
  PROP_REPLIES_COUNT,
  PROP_REBLOGS_COUNT,
  PROP_FAVOURITES_COUNT,
  PROP_CREATED_AT,
  PROP_EDITED_AT,
  PROP_ACCOUNT,
  PROP_REBLOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrStatus, qtr_status, G_TYPE_OBJECT)

static void
qtr_status_finalize (GObject *object)
{
  QtrStatus *self = QTR_STATUS (object);

  g_free (self->id);
  g_free (self->uri);
  g_free (self->url);
  g_free (self->content);
  g_free (self->spoiler_text);
  g_free (self->visibility);
  g_free (self->language);
  g_free (self->in_reply_to_id);
  g_free (self->in_reply_to_account_id);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->edited_at, g_date_time_unref);
  g_clear_object (&self->account);
  g_clear_object (&self->reblog);
  g_clear_pointer (&self->media_attachments, g_ptr_array_unref);
  g_clear_pointer (&self->mentions, g_ptr_array_unref);
  g_clear_pointer (&self->tags, g_ptr_array_unref);
  g_clear_pointer (&self->poll, qtr_poll_free);
  g_clear_pointer (&self->card, qtr_card_free);

  G_OBJECT_CLASS (qtr_status_parent_class)->finalize (object);
}

static void
qtr_status_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  QtrStatus *self = QTR_STATUS (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_CONTENT:
      g_value_set_string (value, self->content);
      break;
    case PROP_SPOILER_TEXT:
      g_value_set_string (value, self->spoiler_text);
      break;
    case PROP_VISIBILITY:
      g_value_set_string (value, self->visibility);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_IN_REPLY_TO_ID:
      g_value_set_string (value, self->in_reply_to_id);
      break;
    case PROP_IN_REPLY_TO_ACCOUNT_ID:
      g_value_set_string (value, self->in_reply_to_account_id);
      break;
    case PROP_SENSITIVE:
      g_value_set_boolean (value, self->sensitive);
      break;
    case PROP_FAVOURITED:
      g_value_set_boolean (value, self->favourited);
      break;
    case PROP_REBLOGGED:
      g_value_set_boolean (value, self->reblogged);
      break;
    case PROP_BOOKMARKED:
      g_value_set_boolean (value, self->bookmarked);
      break;
    case PROP_REPLIES_COUNT:
      g_value_set_int64 (value, self->replies_count);
      break;
    case PROP_REBLOGS_COUNT:
      g_value_set_int64 (value, self->reblogs_count);
      break;
    case PROP_FAVOURITES_COUNT:
      g_value_set_int64 (value, self->favourites_count);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_EDITED_AT:
      g_value_set_boxed (value, self->edited_at);
      break;
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_REBLOG:
      g_value_set_object (value, self->reblog);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_status_class_init (QtrStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_status_finalize;
  object_class->get_property = qtr_status_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTENT] =
    g_param_spec_string ("content", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPOILER_TEXT] =
    g_param_spec_string ("spoiler-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VISIBILITY] =
    g_param_spec_string ("visibility", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IN_REPLY_TO_ID] =
    g_param_spec_string ("in-reply-to-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IN_REPLY_TO_ACCOUNT_ID] =
    g_param_spec_string ("in-reply-to-account-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SENSITIVE] =
    g_param_spec_boolean ("sensitive", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAVOURITED] =
    g_param_spec_boolean ("favourited", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REBLOGGED] =
    g_param_spec_boolean ("reblogged", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BOOKMARKED] =
    g_param_spec_boolean ("bookmarked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPLIES_COUNT] =
    g_param_spec_int64 ("replies-count", NULL, NULL, -1, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REBLOGS_COUNT] =
    g_param_spec_int64 ("reblogs-count", NULL, NULL, -1, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAVOURITES_COUNT] =
    g_param_spec_int64 ("favourites-count", NULL, NULL, -1, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITED_AT] =
    g_param_spec_boxed ("edited-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, QTR_TYPE_ACCOUNT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REBLOG] =
    g_param_spec_object ("reblog", NULL, NULL, QTR_TYPE_STATUS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_status_init (QtrStatus *self)
{
}

static gboolean
parse_media (QtrStatus   *self,
             JsonObject  *object,
             GError     **error)
{
  JsonArray *array = qtr_json_get_array (object, "media_attachments");

  self->media_attachments = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      QtrMediaAttachment *media;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      media = qtr_media_attachment_new_from_json (json_node_get_object (node), error);
      if (media == NULL)
        return FALSE;
      g_ptr_array_add (self->media_attachments, media);
    }
  return TRUE;
}

static void
parse_mentions_and_tags (QtrStatus  *self,
                         JsonObject *object)
{
  JsonArray *mentions = qtr_json_get_array (object, "mentions");
  JsonArray *tags = qtr_json_get_array (object, "tags");

  /* A mention or tag the server half filled is of no use to link to: it is left out. */
  self->mentions = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_mention_free);
  for (guint i = 0; mentions != NULL && i < json_array_get_length (mentions); i++)
    {
      JsonNode *node = json_array_get_element (mentions, i);
      QtrMention *mention;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      mention = g_new0 (QtrMention, 1);
      mention->id = qtr_entity_dup_id (json_node_get_object (node), "id");
      mention->username = qtr_entity_dup_string (json_node_get_object (node), "username");
      mention->acct = qtr_entity_dup_string (json_node_get_object (node), "acct");
      mention->url = qtr_entity_dup_string (json_node_get_object (node), "url");
      if (mention->id == NULL || mention->acct == NULL)
        {
          qtr_mention_free (mention);
          continue;
        }
      g_ptr_array_add (self->mentions, mention);
    }

  self->tags = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_tag_free);
  for (guint i = 0; tags != NULL && i < json_array_get_length (tags); i++)
    {
      JsonNode *node = json_array_get_element (tags, i);
      QtrTag *tag;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          qtr_json_get_string (json_node_get_object (node), "name") == NULL)
        continue;
      tag = g_new0 (QtrTag, 1);
      tag->name = qtr_entity_dup_string (json_node_get_object (node), "name");
      tag->url = qtr_entity_dup_string (json_node_get_object (node), "url");
      g_ptr_array_add (self->tags, tag);
    }
}

/**
 * qtr_poll_new_from_json:
 * @object: (nullable): a Poll entity, as a status carries it or /api/v1/polls answers
 *
 * Returns: (transfer full) (nullable): the poll, or %NULL when @object is none
 */
QtrPoll *
qtr_poll_new_from_json (JsonObject *object)
{
  JsonArray *options = qtr_json_get_array (object, "options");
  JsonArray *own_votes = qtr_json_get_array (object, "own_votes");
  QtrPoll *poll;

  if (object == NULL || options == NULL)
    return NULL;
  poll = g_new0 (QtrPoll, 1);
  poll->id = qtr_entity_dup_id (object, "id");
  poll->expires_at = qtr_entity_parse_time (object, "expires_at");
  poll->expired = qtr_json_get_bool (object, "expired", FALSE);
  poll->multiple = qtr_json_get_bool (object, "multiple", FALSE);
  poll->votes_count = qtr_json_get_int (object, "votes_count", -1);
  poll->voters_count = qtr_json_get_int (object, "voters_count", -1);
  poll->voted = qtr_json_get_bool (object, "voted", FALSE);
  poll->options = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_poll_option_free);
  for (guint i = 0; i < json_array_get_length (options); i++)
    {
      JsonNode *node = json_array_get_element (options, i);
      QtrPollOption *option;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      option = g_new0 (QtrPollOption, 1);
      option->title = qtr_entity_dup_string (json_node_get_object (node), "title");
      if (option->title == NULL)
        option->title = g_strdup ("");
      option->votes_count = qtr_json_get_int (json_node_get_object (node), "votes_count", -1);
      g_ptr_array_add (poll->options, option);
    }
  poll->own_votes = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; own_votes != NULL && i < json_array_get_length (own_votes); i++)
    {
      JsonNode *node = json_array_get_element (own_votes, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
          json_node_get_int (node) >= 0 && json_node_get_int (node) < poll->options->len)
        g_array_append_val (poll->own_votes, (guint) { json_node_get_int (node) });
    }
  return poll;
}

static QtrCard *
parse_card (JsonObject *object)
{
  QtrCard *card;

  if (qtr_json_get_string (object, "url") == NULL)
    return NULL;
  card = g_new0 (QtrCard, 1);
  card->url = qtr_entity_dup_string (object, "url");
  card->title = qtr_entity_dup_string (object, "title");
  card->description = qtr_entity_dup_string (object, "description");
  card->card_type = qtr_entity_dup_string (object, "type");
  card->image = qtr_entity_dup_string (object, "image");
  card->provider_name = qtr_entity_dup_string (object, "provider_name");
  return card;
}

static QtrStatus *
parse_status (JsonObject  *object,
              gboolean     may_be_boost,
              GError     **error)
{
  g_autoptr(QtrStatus) self = g_object_new (QTR_TYPE_STATUS, NULL);
  JsonObject *account = qtr_json_get_object (object, "account");
  JsonObject *reblog = qtr_json_get_object (object, "reblog");

  self->id = qtr_entity_dup_id (object, "id");
  if (self->id == NULL)
    return qtr_entity_missing ("Status", "id", error);
  self->created_at = qtr_entity_parse_time (object, "created_at");
  if (self->created_at == NULL)
    return qtr_entity_missing ("Status", "created_at", error);
  if (account == NULL)
    return qtr_entity_missing ("Status", "account", error);
  self->account = qtr_account_new_from_json (account, error);
  if (self->account == NULL)
    return NULL;
  /* Mastodon never boosts a boost; a server that nests them gets its inner one ignored. */
  if (reblog != NULL && may_be_boost)
    {
      self->reblog = parse_status (reblog, FALSE, error);
      if (self->reblog == NULL)
        return NULL;
    }

  self->uri = qtr_entity_dup_string (object, "uri");
  self->url = qtr_entity_dup_string (object, "url");
  self->content = qtr_entity_dup_string (object, "content");
  if (self->content == NULL)
    self->content = g_strdup ("");
  self->spoiler_text = qtr_entity_dup_string (object, "spoiler_text");
  if (self->spoiler_text == NULL)
    self->spoiler_text = g_strdup ("");
  self->visibility = qtr_entity_dup_string (object, "visibility");
  if (self->visibility == NULL)
    self->visibility = g_strdup ("public");
  self->language = qtr_entity_dup_string (object, "language");
  self->in_reply_to_id = qtr_entity_dup_id (object, "in_reply_to_id");
  self->in_reply_to_account_id = qtr_entity_dup_id (object, "in_reply_to_account_id");
  self->sensitive = qtr_json_get_bool (object, "sensitive", FALSE);
  self->favourited = qtr_json_get_bool (object, "favourited", FALSE);
  self->reblogged = qtr_json_get_bool (object, "reblogged", FALSE);
  self->bookmarked = qtr_json_get_bool (object, "bookmarked", FALSE);
  self->replies_count = qtr_json_get_int (object, "replies_count", -1);
  self->reblogs_count = qtr_json_get_int (object, "reblogs_count", -1);
  self->favourites_count = qtr_json_get_int (object, "favourites_count", -1);
  self->edited_at = qtr_entity_parse_time (object, "edited_at");

  if (!parse_media (self, object, error))
    return NULL;
  parse_mentions_and_tags (self, object);
  self->poll = qtr_poll_new_from_json (qtr_json_get_object (object, "poll"));
  self->card = parse_card (qtr_json_get_object (object, "card"));

  return g_steal_pointer (&self);
}

/**
 * qtr_status_new_from_json:
 * @object: a Status of the Mastodon API
 *
 * Returns: (transfer full): the status, or %NULL with %QTR_API_ERROR_BAD_RESPONSE when `id`,
 *   `created_at` or `account` (of it or of the post it boosts) is missing
 */
QtrStatus *
qtr_status_new_from_json (JsonObject  *object,
                          GError     **error)
{
  return parse_status (object, TRUE, error);
}

/**
 * qtr_status_get_shown:
 *
 * Returns: (transfer none): what a row shows: the boosted post for a boost, else @self
 */
QtrStatus *
qtr_status_get_shown (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->reblog != NULL ? self->reblog : self;
}

/**
 * qtr_status_get_media_attachments:
 *
 * Returns: (transfer none) (element-type QtrMediaAttachment): the attached media, in order
 */
GPtrArray *
qtr_status_get_media_attachments (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->media_attachments;
}

/**
 * qtr_status_get_mentions:
 *
 * Returns: (transfer none) (element-type QtrMention): the accounts mentioned
 */
GPtrArray *
qtr_status_get_mentions (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->mentions;
}

/**
 * qtr_status_get_tags:
 *
 * Returns: (transfer none) (element-type QtrTag): the hashtags used
 */
GPtrArray *
qtr_status_get_tags (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->tags;
}

/**
 * qtr_status_set_poll:
 * @poll: (nullable): the poll as it stands now (after a vote, as the server answered); copied
 *
 * Replaces the post's poll, so that whoever shows the post again shows the vote.
 */
void
qtr_status_set_poll (QtrStatus     *self,
                     const QtrPoll *poll)
{
  g_return_if_fail (QTR_IS_STATUS (self));

  g_clear_pointer (&self->poll, qtr_poll_free);
  self->poll = poll != NULL ? qtr_poll_copy (poll) : NULL;
}

/**
 * qtr_status_get_poll:
 *
 * Returns: (transfer none) (nullable): the poll
 */
const QtrPoll *
qtr_status_get_poll (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->poll;
}

/**
 * qtr_status_get_card:
 *
 * Returns: (transfer none) (nullable): the preview of the first link
 */
const QtrCard *
qtr_status_get_card (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->card;
}


/**
 * qtr_status_get_id:
 *
 * Returns: (transfer none) (nullable): the status id on the server that answered
 */
const char *
qtr_status_get_id (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->id;
}

/**
 * qtr_status_get_uri:
 *
 * Returns: (transfer none) (nullable): the ActivityPub id of the post
 */
const char *
qtr_status_get_uri (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->uri;
}

/**
 * qtr_status_get_url:
 *
 * Returns: (transfer none) (nullable): the post's web page
 */
const char *
qtr_status_get_url (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->url;
}

/**
 * qtr_status_get_content:
 *
 * Returns: (transfer none) (nullable): the text, as HTML from the server (empty for a boost)
 */
const char *
qtr_status_get_content (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->content;
}

/**
 * qtr_status_get_spoiler_text:
 *
 * Returns: (transfer none) (nullable): the content warning; empty when there is none
 */
const char *
qtr_status_get_spoiler_text (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->spoiler_text;
}

/**
 * qtr_status_get_visibility:
 *
 * Returns: (transfer none) (nullable): `public`, `unlisted`, `private`, `direct`, or what else
 *   the server says
 */
const char *
qtr_status_get_visibility (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->visibility;
}

/**
 * qtr_status_get_language:
 *
 * Returns: (transfer none) (nullable): the ISO 639 language code of the text
 */
const char *
qtr_status_get_language (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->language;
}

/**
 * qtr_status_get_in_reply_to_id:
 *
 * Returns: (transfer none) (nullable): the id of the post this one answers
 */
const char *
qtr_status_get_in_reply_to_id (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->in_reply_to_id;
}

/**
 * qtr_status_get_in_reply_to_account_id:
 *
 * Returns: (transfer none) (nullable): the id of the account this one answers
 */
const char *
qtr_status_get_in_reply_to_account_id (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->in_reply_to_account_id;
}

/**
 * qtr_status_get_sensitive:
 *
 * Returns:: whether the media are sensitive
 */
gboolean
qtr_status_get_sensitive (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), FALSE);

  return self->sensitive;
}

/**
 * qtr_status_get_favourited:
 *
 * Returns:: whether you favourited it
 */
gboolean
qtr_status_get_favourited (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), FALSE);

  return self->favourited;
}

/**
 * qtr_status_get_reblogged:
 *
 * Returns:: whether you boosted it
 */
gboolean
qtr_status_get_reblogged (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), FALSE);

  return self->reblogged;
}

/**
 * qtr_status_get_bookmarked:
 *
 * Returns:: whether you bookmarked it
 */
gboolean
qtr_status_get_bookmarked (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), FALSE);

  return self->bookmarked;
}

/**
 * qtr_status_get_replies_count:
 *
 * Returns:: the number of replies, or -1 when unknown
 */
gint64
qtr_status_get_replies_count (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), 0);

  return self->replies_count;
}

/**
 * qtr_status_get_reblogs_count:
 *
 * Returns:: the number of boosts, or -1 when unknown
 */
gint64
qtr_status_get_reblogs_count (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), 0);

  return self->reblogs_count;
}

/**
 * qtr_status_get_favourites_count:
 *
 * Returns:: the number of favourites, or -1 when unknown
 */
gint64
qtr_status_get_favourites_count (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), 0);

  return self->favourites_count;
}

/**
 * qtr_status_get_created_at:
 *
 * Returns: (transfer none) (nullable): when it was posted
 */
GDateTime *
qtr_status_get_created_at (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->created_at;
}

/**
 * qtr_status_get_edited_at:
 *
 * Returns: (transfer none) (nullable): when it was last edited
 */
GDateTime *
qtr_status_get_edited_at (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->edited_at;
}

/**
 * qtr_status_get_account:
 *
 * Returns: (transfer none) (nullable): the author (for a boost, who boosted)
 */
QtrAccount *
qtr_status_get_account (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->account;
}

/**
 * qtr_status_get_reblog:
 *
 * Returns: (transfer none) (nullable): the boosted post, when this one is a boost
 */
QtrStatus *
qtr_status_get_reblog (QtrStatus *self)
{
  g_return_val_if_fail (QTR_IS_STATUS (self), NULL);

  return self->reblog;
}

void
qtr_mention_free (QtrMention *mention)
{
  if (mention == NULL)
    return;
  g_free (mention->id);
  g_free (mention->username);
  g_free (mention->acct);
  g_free (mention->url);
  g_free (mention);
}

void
qtr_tag_free (QtrTag *tag)
{
  if (tag == NULL)
    return;
  g_free (tag->name);
  g_free (tag->url);
  g_free (tag);
}

void
qtr_poll_option_free (QtrPollOption *option)
{
  if (option == NULL)
    return;
  g_free (option->title);
  g_free (option);
}

/**
 * qtr_poll_copy:
 *
 * Returns: (transfer full): a copy of @poll
 */
QtrPoll *
qtr_poll_copy (const QtrPoll *poll)
{
  QtrPoll *copy = g_new0 (QtrPoll, 1);

  copy->id = g_strdup (poll->id);
  copy->expires_at = poll->expires_at ? g_date_time_ref (poll->expires_at) : NULL;
  copy->expired = poll->expired;
  copy->multiple = poll->multiple;
  copy->votes_count = poll->votes_count;
  copy->voters_count = poll->voters_count;
  copy->voted = poll->voted;
  copy->options = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_poll_option_free);
  for (guint i = 0; i < poll->options->len; i++)
    {
      const QtrPollOption *option = g_ptr_array_index (poll->options, i);
      QtrPollOption *option_copy = g_new0 (QtrPollOption, 1);

      option_copy->title = g_strdup (option->title);
      option_copy->votes_count = option->votes_count;
      g_ptr_array_add (copy->options, option_copy);
    }
  copy->own_votes = g_array_copy (poll->own_votes);
  return copy;
}

void
qtr_poll_free (QtrPoll *poll)
{
  if (poll == NULL)
    return;
  g_free (poll->id);
  g_clear_pointer (&poll->expires_at, g_date_time_unref);
  g_clear_pointer (&poll->options, g_ptr_array_unref);
  g_clear_pointer (&poll->own_votes, g_array_unref);
  g_free (poll);
}

void
qtr_card_free (QtrCard *card)
{
  if (card == NULL)
    return;
  g_free (card->url);
  g_free (card->title);
  g_free (card->description);
  g_free (card->card_type);
  g_free (card->image);
  g_free (card->provider_name);
  g_free (card);
}

/* Setters of what the user's own actions change: favourited, boosted, bookmarked and the
 * counts. Each notifies only on a change, so that every row showing the post follows. */

static void
set_flag (QtrStatus *self,
          gboolean  *field,
          gboolean   value,
          guint      prop_id)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_count (QtrStatus *self,
           gint64    *field,
           gint64     value,
           guint      prop_id)
{
  value = MAX (value, -1);
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

void
qtr_status_set_favourited (QtrStatus *self,
                           gboolean   favourited)
{
  g_return_if_fail (QTR_IS_STATUS (self));

  set_flag (self, &self->favourited, favourited, PROP_FAVOURITED);
}

void
qtr_status_set_reblogged (QtrStatus *self,
                          gboolean   reblogged)
{
  g_return_if_fail (QTR_IS_STATUS (self));

  set_flag (self, &self->reblogged, reblogged, PROP_REBLOGGED);
}

void
qtr_status_set_bookmarked (QtrStatus *self,
                           gboolean   bookmarked)
{
  g_return_if_fail (QTR_IS_STATUS (self));

  set_flag (self, &self->bookmarked, bookmarked, PROP_BOOKMARKED);
}

/**
 * qtr_status_set_reblogs_count:
 * @count: the number of boosts, or -1 when unknown
 */
void
qtr_status_set_reblogs_count (QtrStatus *self,
                              gint64     count)
{
  g_return_if_fail (QTR_IS_STATUS (self));

  set_count (self, &self->reblogs_count, count, PROP_REBLOGS_COUNT);
}

/**
 * qtr_status_set_favourites_count:
 * @count: the number of favourites, or -1 when unknown
 */
void
qtr_status_set_favourites_count (QtrStatus *self,
                                 gint64     count)
{
  g_return_if_fail (QTR_IS_STATUS (self));

  set_count (self, &self->favourites_count, count, PROP_FAVOURITES_COUNT);
}

/**
 * qtr_status_copy_interactions:
 * @from: the same post, as the server described it later
 *
 * Takes from @from whether the user favourited, boosted and bookmarked the post, and its
 * counts of replies, boosts and favourites.
 */
void
qtr_status_copy_interactions (QtrStatus *self,
                              QtrStatus *from)
{
  g_return_if_fail (QTR_IS_STATUS (self));
  g_return_if_fail (QTR_IS_STATUS (from));

  g_object_freeze_notify (G_OBJECT (self));
  set_flag (self, &self->favourited, from->favourited, PROP_FAVOURITED);
  set_flag (self, &self->reblogged, from->reblogged, PROP_REBLOGGED);
  set_flag (self, &self->bookmarked, from->bookmarked, PROP_BOOKMARKED);
  set_count (self, &self->replies_count, from->replies_count, PROP_REPLIES_COUNT);
  set_count (self, &self->reblogs_count, from->reblogs_count, PROP_REBLOGS_COUNT);
  set_count (self, &self->favourites_count, from->favourites_count, PROP_FAVOURITES_COUNT);
  g_object_thaw_notify (G_OBJECT (self));
}
