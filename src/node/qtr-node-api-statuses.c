/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api.h"
#include "qtr-node-api-client.h"

#include "qtr-html.h"
#include "qtr-json.h"
#include "qtr-post-length.h"

#include <string.h>

/* The Status entity, one serialiser for every endpoint that returns statuses, and the
 * /api/v1/statuses endpoints. Every action goes through the node's own functions
 * (qtr_node_post, qtr_node_edit_post, qtr_node_delete_post, qtr_node_like,
 * qtr_node_boost_async…), so a post made here federates exactly as one made with
 * `quitter-node post`. */

/* Mastodon's own words: clients show them. */
#define NOT_FOUND "Record not found"
#define TEXT_BLANK "Validation failed: Text can't be blank"
#define TEXT_TOO_LONG "Validation failed: Text character limit of %d exceeded"
#define BAD_VISIBILITY "Validation failed: Visibility is not included in the list"
#define TOO_MANY_MEDIA "Cannot attach more than %d files"
#define NO_POLL_EDITS "Validation failed: A poll cannot be changed by an edit: delete and " \
  "redraft the post"
#define POLL_AND_MEDIA "Validation failed: A post cannot have both media and a poll"
#define POLL_TOO_FEW "Validation failed: Poll must have at least 2 options"
#define POLL_TOO_MANY "Validation failed: Poll must not have more than %d options"
#define POLL_OPTION_LENGTH "Validation failed: Poll options must be from 1 to %d characters"
#define POLL_OPTIONS_REPEAT "Validation failed: Poll options must be different"
#define POLL_TOO_SHORT "Validation failed: Poll must stay open at least %d seconds"
#define POLL_TOO_LONG "Validation failed: Poll must close within %d seconds"
#define NO_SCHEDULING "Scheduled statuses are not supported by this server"
#define PIN_NOT_OWN "Validation failed: You can only pin your own statuses"
#define PIN_NOT_PUBLIC "Validation failed: Non-public toot cannot be pinned"
#define PIN_LIMIT "Validation failed: You have already pinned the maximum number of toots"

/* The deepest thread a context walks, up and down, and the most replies it lists. */
#define CONTEXT_MAX_DEPTH 40
#define CONTEXT_MAX_DESCENDANTS 4096
#define MAX_PINS 5

/**
 * qtr_node_api_is_owner:
 *
 * Returns: whether the request comes with a token that acts for the owner
 */
gboolean
qtr_node_api_is_owner (const QtrApiAuth *auth)
{
  return auth->token != NULL && auth->token->has_user;
}

/**
 * qtr_node_api_can_see_status:
 *
 * The owner sees every post stored; anyone else its public and unlisted ones.
 */
gboolean
qtr_node_api_can_see_status (const QtrStatus  *status,
                             const QtrApiAuth *auth)
{
  return qtr_node_api_is_owner (auth) || g_strcmp0 (status->visibility, "public") == 0 ||
         g_strcmp0 (status->visibility, "unlisted") == 0;
}

/**
 * qtr_node_api_parse_status_id:
 * @row: (out): the row in statuses
 *
 * Returns: %TRUE when @id is a status id (a positive decimal number)
 */
gboolean
qtr_node_api_parse_status_id (const char *id,
                              gint64     *row)
{
  return qtr_node_api_parse_id (id, row);
}

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (MAX (unix_seconds, 0));

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.000Z");
}

static void
add_time_or_null (JsonBuilder *builder,
                  const char  *name,
                  gint64       unix_seconds)
{
  g_autofree char *text = unix_seconds > 0 ? format_time (unix_seconds) : NULL;

  json_builder_set_member_name (builder, name);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_id_or_null (JsonBuilder *builder,
                const char  *name,
                gint64       id,
                gboolean     account)
{
  json_builder_set_member_name (builder, name);
  if (id < 0)
    {
      json_builder_add_null_value (builder);
      return;
    }
  {
    g_autofree char *text = account ? qtr_node_api_account_id (id)
                                    : g_strdup_printf ("%" G_GINT64_FORMAT, id);
    json_builder_add_string_value (builder, text);
  }
}

static const char *
attachment_type_name (const QtrAttachment *attachment)
{
  switch (attachment->type)
    {
    case QTR_ATTACHMENT_TYPE_IMAGE:
      return "image";
    case QTR_ATTACHMENT_TYPE_VIDEO:
      return "video";
    case QTR_ATTACHMENT_TYPE_AUDIO:
      return "audio";
    case QTR_ATTACHMENT_TYPE_DOCUMENT:
    default:
      break;
    }
  /* A Document says what it is by its MIME type, as Mastodon reads it. */
  if (attachment->media_type != NULL)
    {
      if (g_str_equal (attachment->media_type, "image/gif"))
        return "gifv";
      if (g_str_has_prefix (attachment->media_type, "image/"))
        return "image";
      if (g_str_has_prefix (attachment->media_type, "video/"))
        return "video";
      if (g_str_has_prefix (attachment->media_type, "audio/"))
        return "audio";
    }
  return "unknown";
}

/* The owner's media are served by the node: their id is the media's, and the node has their
 * thumbnail. Others' attachments have no id of their own here; they are numbered after their
 * post. Returns the media of @attachment when it is the owner's. */
static QtrMedia *
find_own_media (QtrNode             *node,
                const QtrStatus     *status,
                const QtrAttachment *attachment)
{
  const char *base_url = qtr_node_get_base_url (node);
  g_autofree char *number = NULL;
  const char *file;
  guint64 media_id;

  if (status->actor_row != 0 || !g_str_has_prefix (attachment->url, base_url) ||
      !g_str_has_prefix (attachment->url + strlen (base_url), "/media/"))
    return NULL;
  file = attachment->url + strlen (base_url) + strlen ("/media/");
  number = g_strndup (file, strcspn (file, "."));
  if (!g_ascii_string_to_unsigned (number, 10, 1, G_MAXINT64, &media_id, NULL))
    return NULL;
  return qtr_node_find_media (node, (gint64) media_id, NULL);
}

static void
add_media_attachments (JsonBuilder     *builder,
                       QtrNode         *node,
                       const QtrStatus *status,
                       GPtrArray       *attachments)
{
  json_builder_set_member_name (builder, "media_attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      QtrAttachment *attachment = g_ptr_array_index (attachments, i);
      g_autoptr(QtrMedia) media = find_own_media (node, status, attachment);
      g_autofree char *id = media != NULL
        ? g_strdup_printf ("%" G_GINT64_FORMAT, media->id)
        : g_strdup_printf ("%" G_GINT64_FORMAT "%02u", status->id, i);
      const char *type = attachment_type_name (attachment);

      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "id", id);
      qtr_json_builder_add_string (builder, "type", type);
      qtr_json_builder_add_string (builder, "url", attachment->url);
      add_string_or_null (builder, "preview_url",
                          media != NULL ? qtr_node_api_get_media_preview_url (media)
                          : g_str_equal (type, "image") ? attachment->url : NULL);
      add_string_or_null (builder, "remote_url",
                          status->actor_row != 0 ? attachment->url : NULL);
      json_builder_set_member_name (builder, "meta");
      json_builder_begin_object (builder);
      if (attachment->width > 0 && attachment->height > 0)
        {
          qtr_node_api_add_dimensions (builder, "original", attachment->width,
                                       attachment->height);
          if (media != NULL && media->preview_width > 0 && media->preview_height > 0)
            qtr_node_api_add_dimensions (builder, "small", media->preview_width,
                                         media->preview_height);
        }
      json_builder_end_object (builder);
      add_string_or_null (builder, "description", attachment->description);
      add_string_or_null (builder, "blurhash", attachment->blurhash);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* Mentions of the accounts known here, and hashtags, from the post's Note. */
static void
add_mentions_and_tags (JsonBuilder     *builder,
                       QtrNode         *node,
                       const QtrStatus *status)
{
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(QtrNote) note = NULL;
  g_autofree char *owner_url = qtr_node_get_actor_url (node);

  if (status->reblog_of_id == 0 && status->document != NULL)
    json = qtr_json_parse_object (status->document, strlen (status->document), NULL);
  if (json != NULL)
    note = qtr_note_parse (json, NULL);

  json_builder_set_member_name (builder, "mentions");
  json_builder_begin_array (builder);
  for (guint i = 0; note != NULL && i < note->mentions->len; i++)
    {
      QtrMention *mention = g_ptr_array_index (note->mentions, i);
      g_autoptr(QtrRemoteActor) actor = NULL;
      g_autofree char *id = NULL;
      g_autofree char *acct = NULL;
      const char *username;
      const char *url;

      if (g_strcmp0 (mention->href, owner_url) == 0)
        {
          id = qtr_node_api_account_id (0);
          username = qtr_node_get_owner (node)->username;
          acct = g_strdup (username);
          url = owner_url;
        }
      else
        {
          actor = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "uri",
                                                    mention->href, NULL);
          if (actor == NULL)
            continue;
          id = qtr_node_api_account_id (actor->row);
          username = actor->username;
          acct = g_strdup_printf ("%s@%s", actor->username, actor->host);
          url = actor->uri;
        }
      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "id", id);
      qtr_json_builder_add_string (builder, "username", username);
      qtr_json_builder_add_string (builder, "url", url);
      qtr_json_builder_add_string (builder, "acct", acct);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  for (guint i = 0; note != NULL && i < note->hashtags->len; i++)
    {
      QtrHashtag *hashtag = g_ptr_array_index (note->hashtags, i);
      const char *name = hashtag->name[0] == '#' ? hashtag->name + 1 : hashtag->name;
      g_autofree char *lower = g_utf8_strdown (name, -1);
      g_autofree char *escaped = g_uri_escape_string (lower, NULL, FALSE);
      g_autofree char *url = g_strdup_printf ("%s/tags/%s", qtr_node_get_base_url (node),
                                              escaped);

      if (*name == '\0')
        continue;
      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "name", lower);
      qtr_json_builder_add_string (builder, "url", url);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static gboolean
add_viewer_flags (JsonBuilder      *builder,
                  QtrNode          *node,
                  const QtrStatus  *status,
                  GError          **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *like = qtr_node_store_get_like (store, status->uri, &local_error);
  g_autofree char *reblog = NULL;
  gint64 bookmarked, pinned;

  if (local_error == NULL)
    reblog = qtr_node_store_find_reblog (store, 0, status->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  bookmarked = qtr_node_store_has_status_mark (store, "bookmarks", status->id, error);
  if (bookmarked < 0)
    return FALSE;
  pinned = qtr_node_store_has_status_mark (store, "pins", status->id, error);
  if (pinned < 0)
    return FALSE;
  add_boolean (builder, "favourited", like != NULL);
  add_boolean (builder, "reblogged", reblog != NULL);
  add_boolean (builder, "muted", FALSE);
  add_boolean (builder, "bookmarked", bookmarked > 0);
  /* Mastodon says `pinned` only of the owner's own posts. */
  if (status->actor_row == 0 && status->reblog_of_id == 0)
    add_boolean (builder, "pinned", pinned > 0);
  return TRUE;
}

static gboolean
add_application (JsonBuilder      *builder,
                 QtrNode          *node,
                 gint64            app_row,
                 GError          **error)
{
  g_autoptr(QtrOAuthApp) app = NULL;

  if (app_row <= 0)
    return TRUE;
  app = qtr_node_store_find_app_by_row (qtr_node_get_store (node), app_row, error);
  if (app == NULL)
    return error == NULL || *error == NULL;
  json_builder_set_member_name (builder, "application");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "name", app->name);
  add_string_or_null (builder, "website", app->website);
  json_builder_end_object (builder);
  return TRUE;
}

/**
 * qtr_node_api_add_status:
 * @status: a stored post, or a reblog
 * @flags: what to add besides what anyone sees
 *
 * Adds the Status entity of @status, as Mastodon documents it; a reblog carries the post it
 * boosts in `reblog`. Counts are what the node knows: stored replies and reblogs, the likes
 * and boosts the owner was told of, and the owner's own.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
qtr_node_api_add_status (JsonBuilder        *builder,
                         QtrNode            *node,
                         const QtrStatus    *status,
                         QtrApiStatusFlags   flags,
                         GError            **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(QtrStatus) reblogged = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, status->id);
  g_autofree char *created_at = format_time (status->published);
  g_autofree char *source = NULL;
  gint64 parent_id = -1, parent_actor = -1, app_row = 0;
  gint64 replies = 0, reblogs = 0, favourites = 0;

  if (status->reblog_of_id != 0)
    {
      reblogged = qtr_node_store_find_status_by_id (store, status->reblog_of_id, error);
      if (reblogged == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                         "Reblog %s names post %" G_GINT64_FORMAT ", which is not stored", id,
                         status->reblog_of_id);
          return FALSE;
        }
    }
  if (status->in_reply_to != NULL)
    {
      gint64 actor_row = 0;
      gint64 row = qtr_node_store_find_status_row (store, status->in_reply_to, &actor_row,
                                                   error);
      if (row < 0)
        return FALSE;
      if (row > 0)
        {
          parent_id = row;
          parent_actor = actor_row;
        }
    }
  if (status->reblog_of_id == 0 &&
      !qtr_node_store_status_counts (store, status, &replies, &reblogs, &favourites, error))
    return FALSE;
  if (status->actor_row == 0 && status->reblog_of_id == 0)
    {
      source = qtr_node_store_get_status_source (store, status->id, &app_row, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "created_at", created_at);
  add_id_or_null (builder, "in_reply_to_id", parent_id, FALSE);
  add_id_or_null (builder, "in_reply_to_account_id", parent_actor, TRUE);
  add_boolean (builder, "sensitive", status->sensitive);
  qtr_json_builder_add_string (builder, "spoiler_text", status->summary ? status->summary : "");
  qtr_json_builder_add_string (builder, "visibility", status->visibility);
  add_string_or_null (builder, "language", status->language);
  qtr_json_builder_add_string (builder, "uri", status->uri);
  add_string_or_null (builder, "url", status->reblog_of_id == 0
                                      ? (status->url ? status->url : status->uri) : NULL);
  add_int (builder, "replies_count", replies);
  add_int (builder, "reblogs_count", reblogs);
  add_int (builder, "favourites_count", favourites);
  add_time_or_null (builder, "edited_at", status->updated);
  if ((flags & QTR_API_STATUS_VIEWER) && !add_viewer_flags (builder, node, status, error))
    return FALSE;
  qtr_json_builder_add_string (builder, "content", status->content ? status->content : "");
  if (flags & QTR_API_STATUS_SOURCE)
    {
      g_autofree char *text = source ? g_strdup (source)
                                     : qtr_html_to_text (status->content ? status->content : "");
      qtr_json_builder_add_string (builder, "text", text);
    }
  json_builder_set_member_name (builder, "reblog");
  if (reblogged != NULL)
    {
      if (!qtr_node_api_add_status (builder, node, reblogged, flags & QTR_API_STATUS_VIEWER,
                                    error))
        return FALSE;
    }
  else
    json_builder_add_null_value (builder);
  if (!add_application (builder, node, app_row, error))
    return FALSE;
  json_builder_set_member_name (builder, "account");
  if (!qtr_node_api_add_account (builder, node, status->actor_row, FALSE, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                     "The author of post %s is not stored", id);
      return FALSE;
    }
  add_media_attachments (builder, node, status, status->attachments);
  add_mentions_and_tags (builder, node, status);
  json_builder_set_member_name (builder, "emojis");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  add_string_or_null (builder, "card", NULL);
  /* A reblog carries the poll in its `reblog`, as on Mastodon. */
  if (!qtr_node_api_add_poll (builder, node, status, flags, error))
    return FALSE;
  json_builder_end_object (builder);
  return TRUE;
}

/**
 * qtr_node_api_add_status_by_id:
 *
 * Adds the Status entity of the stored row @row (see qtr_node_api_add_status()).
 *
 * Returns: %FALSE with @error set on failure, %FALSE with @error unset when there is no such
 *   row
 */
gboolean
qtr_node_api_add_status_by_id (JsonBuilder        *builder,
                               QtrNode            *node,
                               gint64              row,
                               QtrApiStatusFlags   flags,
                               GError            **error)
{
  g_autoptr(QtrStatus) status = qtr_node_store_find_status_by_id (qtr_node_get_store (node),
                                                                  row, error);

  return status != NULL && qtr_node_api_add_status (builder, node, status, flags, error);
}

static QtrApiStatusFlags
flags_for (const QtrApiAuth *auth)
{
  return qtr_node_api_is_owner (auth) ? QTR_API_STATUS_VIEWER : QTR_API_STATUS_NONE;
}

/* The post of the route's `:id` that the asker may see, else answered 404 (or 500). */
static QtrStatus *
find_visible_status (QtrNode           *node,
                     SoupServerMessage *msg,
                     GHashTable        *route,
                     const QtrApiAuth  *auth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrStatus) status = NULL;
  gint64 row;

  if (qtr_node_api_parse_status_id (g_hash_table_lookup (route, "id"), &row))
    status = qtr_node_store_find_status_by_id (qtr_node_get_store (node), row, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return NULL;
    }
  if (status == NULL || !qtr_node_api_can_see_status (status, auth))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
      return NULL;
    }
  return g_steal_pointer (&status);
}

static void
respond_status (QtrNode           *node,
                SoupServerMessage *msg,
                const QtrStatus   *status,
                QtrApiStatusFlags  flags)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!qtr_node_api_add_status (builder, node, status, flags, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond (msg, builder);
}

/* Reads the post of @row again (after a change) and answers with it. */
static void
respond_status_row (QtrNode           *node,
                    SoupServerMessage *msg,
                    gint64             row,
                    QtrApiStatusFlags  flags)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!qtr_node_api_add_status_by_id (builder, node, row, flags, &error))
    {
      if (error == NULL)
        qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
      else
        qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond (msg, builder);
}

static GHashTable *
read_params_or_respond (SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  GHashTable *params;
  guint status;

  params = qtr_node_api_read_params (msg, &status, &error);
  if (params == NULL)
    qtr_node_respond_error (msg, status, error->message);
  return params;
}

/* Rails' reading of a boolean parameter. */
static gboolean
param_is_true (GHashTable *params,
               const char *name)
{
  const char *value = g_hash_table_lookup (params, name);

  return value != NULL && (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1") ||
                           g_ascii_strcasecmp (value, "on") == 0 ||
                           g_ascii_strcasecmp (value, "t") == 0);
}

static gboolean
is_language_tag (const char *tag)
{
  return tag != NULL && g_regex_match_simple ("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", tag, 0, 0);
}

/* The media_ids of a request: %NULL when there are none. */
static GArray *
read_media_ids (GHashTable  *params,
                gboolean    *valid)
{
  const char *value = g_hash_table_lookup (params, "media_ids");
  g_auto(GStrv) parts = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  *valid = TRUE;
  if (value == NULL || *value == '\0')
    return NULL;
  parts = g_strsplit (value, "\n", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 id;

      if (*parts[i] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, G_MAXINT64, &id, NULL))
        {
          *valid = FALSE;
          return NULL;
        }
      g_array_append_val (ids, id);
    }
  return g_steal_pointer (&ids);
}

/* What POST and PUT check alike; answers 422 and returns %FALSE when the text, media or
 * poll are refused. */
static gboolean
check_composed (SoupServerMessage *msg,
                GHashTable        *params,
                const char        *text,
                const char        *summary,
                guint              n_media,
                gboolean           media_valid,
                gboolean           poll_allowed)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  GHashTableIter iter;
  const char *name;

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    {
      if (!poll_allowed && (g_str_equal (name, "poll") || g_str_has_prefix (name, "poll[")))
        {
          qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, NO_POLL_EDITS);
          return FALSE;
        }
    }
  if (!media_valid)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: media_ids must be media ids");
      return FALSE;
    }
  if (n_media > QTR_API_MAX_MEDIA_ATTACHMENTS)
    {
      g_autofree char *message = g_strdup_printf (TOO_MANY_MEDIA,
                                                  QTR_API_MAX_MEDIA_ATTACHMENTS);
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, message);
      return FALSE;
    }
  if (*stripped == '\0' && n_media == 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, TEXT_BLANK);
      return FALSE;
    }
  /* Counted as Mastodon counts, and as the app's counter does. */
  if (qtr_post_count_characters (text, summary, QTR_API_CHARACTERS_RESERVED_PER_URL) >
      QTR_API_MAX_CHARACTERS)
    {
      g_autofree char *message = g_strdup_printf (TEXT_TOO_LONG, QTR_API_MAX_CHARACTERS);
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, message);
      return FALSE;
    }
  return TRUE;
}

/* JSON bodies may carry a poll as an object, which the parameters leave out. */
static gboolean
body_has_poll (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (msg), NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) object = NULL;
  gsize length;
  const char *data;

  if (g_strcmp0 (type, "application/json") != 0 || body->length == 0)
    return FALSE;
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);
  object = qtr_json_parse_object (data, length, NULL);
  return object != NULL && json_object_has_member (object, "poll") &&
         !JSON_NODE_HOLDS_NULL (json_object_get_member (object, "poll"));
}

/* The poll of a new post (`poll[options][]`, `poll[expires_in]`, `poll[multiple]`,
 * `poll[hide_totals]`, from a form or a JSON object), checked as Mastodon checks it, into
 * @request. Returns its options, or %NULL: when there is no poll, or, with
 * @request->poll_expires_in set to -1, when it is refused (answered 422). */
static GStrv
read_poll_or_respond (SoupServerMessage *msg,
                      GHashTable        *params,
                      guint              n_media,
                      QtrPostRequest    *request)
{
  const char *options = g_hash_table_lookup (params, "poll[options]");
  const char *expires_in = g_hash_table_lookup (params, "poll[expires_in]");
  g_auto(GStrv) titles = NULL;
  g_autofree char *message = NULL;
  guint64 seconds = 0;
  guint n_titles;

  if (options == NULL && expires_in == NULL)
    return NULL;
  request->poll_expires_in = -1;
  titles = g_strsplit (options != NULL ? options : "", "\n", -1);
  n_titles = options != NULL ? g_strv_length (titles) : 0;
  if (n_media > 0)
    message = g_strdup (POLL_AND_MEDIA);
  else if (n_titles < 2)
    message = g_strdup (POLL_TOO_FEW);
  else if (n_titles > QTR_API_MAX_POLL_OPTIONS)
    message = g_strdup_printf (POLL_TOO_MANY, QTR_API_MAX_POLL_OPTIONS);
  for (guint i = 0; message == NULL && i < n_titles; i++)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (titles[i]));

      if (*stripped == '\0' ||
          g_utf8_strlen (titles[i], -1) > QTR_API_MAX_POLL_OPTION_CHARACTERS)
        message = g_strdup_printf (POLL_OPTION_LENGTH, QTR_API_MAX_POLL_OPTION_CHARACTERS);
      for (guint j = 0; message == NULL && j < i; j++)
        if (g_str_equal (titles[i], titles[j]))
          message = g_strdup (POLL_OPTIONS_REPEAT);
    }
  if (message == NULL &&
      (expires_in == NULL ||
       !g_ascii_string_to_unsigned (expires_in, 10, 0, G_MAXINT64, &seconds, NULL) ||
       seconds < QTR_API_MIN_POLL_EXPIRATION))
    message = g_strdup_printf (POLL_TOO_SHORT, QTR_API_MIN_POLL_EXPIRATION);
  if (message == NULL && seconds > QTR_API_MAX_POLL_EXPIRATION)
    message = g_strdup_printf (POLL_TOO_LONG, QTR_API_MAX_POLL_EXPIRATION);
  if (message != NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, message);
      return NULL;
    }
  request->poll_expires_in = seconds;
  request->poll_multiple = param_is_true (params, "poll[multiple]");
  request->poll_hide_totals = param_is_true (params, "poll[hide_totals]");
  return g_steal_pointer (&titles);
}

/* Answers a refusal of the node's functions as Mastodon answers a validation error (422);
 * anything else (the disk, the database) is the node's failure. */
static void
respond_node_error (SoupServerMessage *msg,
                    const GError      *error)
{
  if (error != NULL && error->domain == QTR_NODE_ERROR)
    {
      g_autofree char *message = g_strconcat ("Validation failed: ", error->message, NULL);
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, message);
      return;
    }
  qtr_node_api_respond_internal_error (msg, error);
}

void
qtr_node_handle_status_create (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *route)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) media = NULL;
  g_autoptr(QtrStatus) parent = NULL;
  g_autofree char *uri = NULL;
  g_auto(GStrv) poll_options = NULL;
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Idempotency-Key");
  const char *text, *summary, *language, *visibility_name, *reply_id;
  QtrVisibility visibility = QTR_VISIBILITY_PUBLIC;
  QtrPostRequest request = { 0 };
  gboolean media_valid;
  gint64 row;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:statuses", &auth))
    return;
  params = read_params_or_respond (msg);
  if (params == NULL)
    return;

  if (key != NULL && *key != '\0')
    {
      row = qtr_node_store_find_idempotent_post (store, key, &error);
      if (row < 0)
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
      if (row > 0)
        {
          respond_status_row (node, msg, row, QTR_API_STATUS_VIEWER);
          return;
        }
    }

  text = g_hash_table_lookup (params, "status");
  text = text ? text : "";
  summary = g_hash_table_lookup (params, "spoiler_text");
  language = g_hash_table_lookup (params, "language");
  visibility_name = g_hash_table_lookup (params, "visibility");
  reply_id = g_hash_table_lookup (params, "in_reply_to_id");
  media = read_media_ids (params, &media_valid);

  poll_options = read_poll_or_respond (msg, params, media ? media->len : 0, &request);
  if (poll_options == NULL && request.poll_expires_in < 0)
    return;
  if (!check_composed (msg, params, text, summary, media ? media->len : 0, media_valid, TRUE))
    return;
  if (visibility_name != NULL && *visibility_name != '\0' &&
      !qtr_visibility_from_string (visibility_name, &visibility))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, BAD_VISIBILITY);
      return;
    }
  if (g_hash_table_contains (params, "scheduled_at"))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, NO_SCHEDULING);
      return;
    }
  if (reply_id != NULL && *reply_id != '\0')
    {
      if (qtr_node_api_parse_status_id (reply_id, &row))
        parent = qtr_node_store_find_status_by_id (store, row, &error);
      if (error != NULL)
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
      if (parent == NULL || parent->reblog_of_id != 0)
        {
          qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
          return;
        }
    }

  request.text = text;
  request.visibility = visibility;
  request.summary = summary && *summary ? summary : NULL;
  request.language = is_language_tag (language) ? language : NULL;
  request.in_reply_to = parent ? parent->uri : NULL;
  request.media_ids = media ? (const gint64 *) (gpointer) media->data : NULL;
  request.n_media = media ? media->len : 0;
  request.sensitive = param_is_true (params, "sensitive");
  request.poll_options = (const char * const *) poll_options;
  uri = qtr_node_post (node, &request, &error);
  if (uri == NULL)
    {
      respond_node_error (msg, error);
      return;
    }

  row = qtr_node_store_find_status_row (store, uri, NULL, &error);
  if (row <= 0 ||
      !qtr_node_store_set_status_source (store, row, text, auth.token->app_row, &error) ||
      (key != NULL && *key != '\0' &&
       !qtr_node_store_add_idempotent_post (store, key, row, &error)))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_status_row (node, msg, row, QTR_API_STATUS_VIEWER);
}

typedef QtrStatus *(*StatusFinder) (QtrNode           *node,
                                    SoupServerMessage *msg,
                                    GHashTable        *route,
                                    const QtrApiAuth  *auth);

/* Authorizes the request (@access, @scopes) and finds the route's post with @find: %NULL
 * when either failed, the request answered. */
static QtrStatus *
authorize_status (QtrNode           *node,
                  SoupServerMessage *msg,
                  GHashTable        *route,
                  QtrApiAccess       access,
                  const char        *scopes,
                  StatusFinder       find,
                  QtrApiAuth        *auth)
{
  if (!qtr_node_api_authorize (node, msg, access, scopes, auth))
    return NULL;
  return find (node, msg, route, auth);
}

void
qtr_node_handle_status_get (QtrNode           *node,
                            SoupServerMessage *msg,
                            GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;

  status = authorize_status (node, msg, route, QTR_API_PUBLIC, "read:statuses",
                            find_visible_status, &auth);
  if (status != NULL)
    respond_status (node, msg, status, flags_for (&auth));
}

/* One of the owner's own posts (not a reblog), else answered 404. */
static QtrStatus *
find_own_status (QtrNode           *node,
                 SoupServerMessage *msg,
                 GHashTable        *route,
                 const QtrApiAuth  *auth)
{
  g_autoptr(QtrStatus) status = find_visible_status (node, msg, route, auth);

  if (status == NULL)
    return NULL;
  if (status->actor_row != 0 || status->reblog_of_id != 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
      return NULL;
    }
  return g_steal_pointer (&status);
}

void
qtr_node_handle_status_delete (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  status = authorize_status (node, msg, route, QTR_API_USER, "write:statuses",
                            find_own_status, &auth);
  if (status == NULL)
    return;
  /* The post as it was, with its text, for delete and redraft. */
  if (!qtr_node_api_add_status (builder, node, status,
                                QTR_API_STATUS_VIEWER | QTR_API_STATUS_SOURCE, &error) ||
      !qtr_node_delete_post (node, status->uri, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_status_edit (QtrNode           *node,
                             SoupServerMessage *msg,
                             GHashTable        *route)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) media = NULL;
  g_autoptr(QtrStatus) status = NULL;
  const char *text, *summary, *language;
  QtrPostRequest request = { 0 };
  gboolean media_valid;
  gint64 app_row;

  status = authorize_status (node, msg, route, QTR_API_USER, "write:statuses",
                            find_own_status, &auth);
  if (status == NULL)
    return;
  params = read_params_or_respond (msg);
  if (params == NULL)
    return;

  text = g_hash_table_lookup (params, "status");
  text = text ? text : "";
  /* What is not sent stays as it is, as on Mastodon. */
  summary = g_hash_table_contains (params, "spoiler_text")
            ? g_hash_table_lookup (params, "spoiler_text") : status->summary;
  language = g_hash_table_contains (params, "language")
             ? g_hash_table_lookup (params, "language") : status->language;
  media = read_media_ids (params, &media_valid);
  if (body_has_poll (msg))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, NO_POLL_EDITS);
      return;
    }
  if (!check_composed (msg, params, text, summary,
                       media ? media->len
                             : g_hash_table_contains (params, "media_ids")
                               ? 0 : status->attachments->len,
                       media_valid, FALSE))
    return;

  request.text = text;
  request.summary = summary && *summary ? summary : NULL;
  request.language = is_language_tag (language) ? language : NULL;
  request.sensitive = g_hash_table_contains (params, "sensitive")
                      ? param_is_true (params, "sensitive") : status->sensitive;
  request.keep_media = !g_hash_table_contains (params, "media_ids");
  request.media_ids = media ? (const gint64 *) (gpointer) media->data : NULL;
  request.n_media = media ? media->len : 0;
  if (!qtr_node_edit_post (node, status->uri, &request, &error))
    {
      respond_node_error (msg, error);
      return;
    }
  g_free (qtr_node_store_get_status_source (store, status->id, &app_row, NULL));
  if (!qtr_node_store_set_status_source (store, status->id, text, app_row, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_status_row (node, msg, status->id, QTR_API_STATUS_VIEWER);
}

/* One StatusEdit. */
static gboolean
add_status_edit (JsonBuilder      *builder,
                 QtrNode          *node,
                 const QtrStatus  *status,
                 const QtrStatus  *version,
                 gint64            written_at,
                 GError          **error)
{
  g_autofree char *created_at = format_time (written_at);

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "content", version->content ? version->content : "");
  qtr_json_builder_add_string (builder, "spoiler_text",
                               version->summary ? version->summary : "");
  add_boolean (builder, "sensitive", version->sensitive);
  qtr_json_builder_add_string (builder, "created_at", created_at);
  json_builder_set_member_name (builder, "account");
  if (!qtr_node_api_add_account (builder, node, status->actor_row, FALSE, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                     "The author of post %" G_GINT64_FORMAT " is not stored", status->id);
      return FALSE;
    }
  add_string_or_null (builder, "poll", NULL);
  add_media_attachments (builder, node, status, version->attachments);
  json_builder_set_member_name (builder, "emojis");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return TRUE;
}

void
qtr_node_handle_status_history (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  status = authorize_status (node, msg, route, QTR_API_PUBLIC, "read:statuses",
                            find_visible_status, &auth);
  if (status == NULL)
    return;
  versions = qtr_node_store_list_status_versions (qtr_node_get_store (node), status->id,
                                                  &error);
  if (versions == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  /* Every version, oldest first, the current one last (alone when never edited). */
  json_builder_begin_array (builder);
  for (guint i = 0; i < versions->len; i++)
    {
      QtrStatus *version = g_ptr_array_index (versions, i);

      if (!add_status_edit (builder, node, status, version, version->published, &error))
        {
          qtr_node_api_respond_internal_error (msg, error);
          return;
        }
    }
  if (!add_status_edit (builder, node, status, status,
                        status->updated > 0 ? status->updated : status->published, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  json_builder_end_array (builder);
  qtr_node_api_respond (msg, builder);
}

void
qtr_node_handle_status_source (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  gint64 app_row;

  status = authorize_status (node, msg, route, QTR_API_USER, "read:statuses",
                            find_own_status, &auth);
  if (status == NULL)
    return;
  text = qtr_node_store_get_status_source (qtr_node_get_store (node), status->id, &app_row,
                                           &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (text == NULL)
    text = qtr_html_to_text (status->content);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, status->id);
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "text", text);
  qtr_json_builder_add_string (builder, "spoiler_text", status->summary ? status->summary : "");
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}

/* Depth first, as Mastodon lists descendants: each reply followed by its own replies. */
static gboolean
collect_descendants (QtrNodeStore      *store,
                     const char        *uri,
                     const QtrApiAuth  *auth,
                     guint              depth,
                     GPtrArray         *found,
                     GError           **error)
{
  g_autoptr(GArray) replies = NULL;

  if (depth >= CONTEXT_MAX_DEPTH || found->len >= CONTEXT_MAX_DESCENDANTS)
    return TRUE;
  replies = qtr_node_store_list_replies (store, uri, error);
  if (replies == NULL)
    return FALSE;
  for (guint i = 0; i < replies->len && found->len < CONTEXT_MAX_DESCENDANTS; i++)
    {
      QtrStatus *reply = qtr_node_store_find_status_by_id (store,
                                                           g_array_index (replies, gint64, i),
                                                           error);
      if (reply == NULL)
        {
          if (error != NULL && *error != NULL)
            return FALSE;
          continue;
        }
      if (!qtr_node_api_can_see_status (reply, auth))
        {
          qtr_status_free (reply);
          continue;
        }
      g_ptr_array_add (found, reply);
      if (!collect_descendants (store, reply->uri, auth, depth + 1, found, error))
        return FALSE;
    }
  return TRUE;
}

/* The statuses of a thread, under the owner's "thread" filters: those a filter hides are
 * left out, the others carry their warnings. */
static gboolean
add_status_array (JsonBuilder       *builder,
                  QtrNode           *node,
                  const char        *name,
                  GPtrArray         *statuses,
                  const QtrApiAuth  *auth,
                  GError           **error)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < statuses->len; i++)
    {
      gboolean hidden;

      if (!qtr_node_api_add_filtered_status (builder, node, g_ptr_array_index (statuses, i),
                                             flags_for (auth),
                                             qtr_node_api_is_owner (auth) ? "thread" : NULL,
                                             &hidden, error))
        return FALSE;
    }
  json_builder_end_array (builder);
  return TRUE;
}

void
qtr_node_handle_status_context (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *route)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GPtrArray) ancestors = g_ptr_array_new_with_free_func (
    (GDestroyNotify) qtr_status_free);
  g_autoptr(GPtrArray) descendants = g_ptr_array_new_with_free_func (
    (GDestroyNotify) qtr_status_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  const char *parent_uri;

  status = authorize_status (node, msg, route, QTR_API_PUBLIC, "read:statuses",
                            find_visible_status, &auth);
  if (status == NULL)
    return;

  parent_uri = status->in_reply_to;
  while (parent_uri != NULL && ancestors->len < CONTEXT_MAX_DEPTH)
    {
      QtrStatus *parent = qtr_node_store_find_status (store, parent_uri, NULL, &error);

      if (parent == NULL || !qtr_node_api_can_see_status (parent, &auth))
        {
          qtr_status_free (parent);
          break;
        }
      g_ptr_array_insert (ancestors, 0, parent);
      parent_uri = parent->in_reply_to;
    }
  if (error == NULL && status->reblog_of_id == 0)
    collect_descendants (store, status->uri, &auth, 0, descendants, &error);
  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }

  json_builder_begin_object (builder);
  if (!add_status_array (builder, node, "ancestors", ancestors, &auth, &error) ||
      !add_status_array (builder, node, "descendants", descendants, &auth, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}

/* The post a reblog boosts, or the post itself: what favourite, reblog and the others act
 * on, as on Mastodon. */
static QtrStatus *
find_action_target (QtrNode           *node,
                    SoupServerMessage *msg,
                    GHashTable        *route,
                    const QtrApiAuth  *auth)
{
  g_autoptr(QtrStatus) status = find_visible_status (node, msg, route, auth);
  g_autoptr(GError) error = NULL;
  QtrStatus *target;

  if (status == NULL || status->reblog_of_id == 0)
    return g_steal_pointer (&status);
  target = qtr_node_store_find_status_by_id (qtr_node_get_store (node), status->reblog_of_id,
                                             &error);
  if (target == NULL)
    {
      if (error != NULL)
        qtr_node_api_respond_internal_error (msg, error);
      else
        qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND);
    }
  return target;
}

/* Ends an action of the node on @status: the post as it is now, or the node's error. */
static void
respond_action (QtrNode           *node,
                SoupServerMessage *msg,
                const QtrStatus   *status,
                const GError      *error)
{
  if (error != NULL)
    respond_node_error (msg, error);
  else
    respond_status_row (node, msg, status->id, QTR_API_STATUS_VIEWER);
}

static void
set_favourite (QtrNode           *node,
               SoupServerMessage *msg,
               GHashTable        *route,
               gboolean           favourite)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *like = NULL;

  status = authorize_status (node, msg, route, QTR_API_USER, "write:favourites",
                            find_action_target, &auth);
  if (status == NULL)
    return;
  like = qtr_node_store_get_like (qtr_node_get_store (node), status->uri, &error);
  if (error == NULL && favourite && like == NULL)
    qtr_node_like (node, status->uri, &error);
  else if (error == NULL && !favourite && like != NULL)
    qtr_node_unlike (node, status->uri, &error);
  respond_action (node, msg, status, error);
}

void
qtr_node_handle_status_favourite (QtrNode           *node,
                                  SoupServerMessage *msg,
                                  GHashTable        *route)
{
  set_favourite (node, msg, route, TRUE);
}

void
qtr_node_handle_status_unfavourite (QtrNode           *node,
                                    SoupServerMessage *msg,
                                    GHashTable        *route)
{
  set_favourite (node, msg, route, FALSE);
}

static void
boosted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  QtrNode *node = QTR_NODE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = qtr_node_boost_finish (node, result, &error);
  gint64 row = 0;

  if (uri != NULL)
    row = qtr_node_store_find_status_row (qtr_node_get_store (node), uri, NULL, &error);
  if (row > 0)
    respond_status_row (node, msg, row, QTR_API_STATUS_VIEWER);
  else
    respond_node_error (msg, error);
  soup_server_message_unpause (msg);
}

void
qtr_node_handle_status_reblog (QtrNode           *node,
                               SoupServerMessage *msg,
                               GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;

  status = authorize_status (node, msg, route, QTR_API_USER, "write:statuses",
                            find_action_target, &auth);
  if (status == NULL)
    return;
  if (g_strcmp0 (status->visibility, "direct") == 0 ||
      (status->actor_row != 0 && g_strcmp0 (status->visibility, "private") == 0))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_FORBIDDEN, "This action is not allowed");
      return;
    }
  soup_server_message_pause (msg);
  qtr_node_boost_async (node, status->uri, qtr_node_get_cancellable (node), boosted_cb,
                        g_object_ref (msg));
}

void
qtr_node_handle_status_unreblog (QtrNode           *node,
                                 SoupServerMessage *msg,
                                 GHashTable        *route)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reblog = NULL;

  status = authorize_status (node, msg, route, QTR_API_USER, "write:statuses",
                            find_action_target, &auth);
  if (status == NULL)
    return;
  reblog = qtr_node_store_find_reblog (qtr_node_get_store (node), 0, status->id, &error);
  if (reblog != NULL)
    qtr_node_unboost (node, status->uri, &error);
  respond_action (node, msg, status, error);
}

static void
set_bookmark (QtrNode           *node,
              SoupServerMessage *msg,
              GHashTable        *route,
              gboolean           bookmark)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = authorize_status (node, msg, route, QTR_API_USER, "write:bookmarks",
                            find_action_target, &auth);
  if (status == NULL)
    return;
  if (!qtr_node_store_set_status_mark (qtr_node_get_store (node), "bookmarks", status->id,
                                       bookmark, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_status_row (node, msg, status->id, QTR_API_STATUS_VIEWER);
}

void
qtr_node_handle_status_bookmark (QtrNode           *node,
                                 SoupServerMessage *msg,
                                 GHashTable        *route)
{
  set_bookmark (node, msg, route, TRUE);
}

void
qtr_node_handle_status_unbookmark (QtrNode           *node,
                                   SoupServerMessage *msg,
                                   GHashTable        *route)
{
  set_bookmark (node, msg, route, FALSE);
}

static void
set_pin (QtrNode           *node,
         SoupServerMessage *msg,
         GHashTable        *route,
         gboolean           pin)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gint64 pinned, count;

  status = authorize_status (node, msg, route, QTR_API_USER, "write:accounts",
                            find_visible_status, &auth);
  if (status == NULL)
    return;
  if (pin && (status->actor_row != 0 || status->reblog_of_id != 0))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, PIN_NOT_OWN);
      return;
    }
  if (pin && g_strcmp0 (status->visibility, "public") != 0 &&
      g_strcmp0 (status->visibility, "unlisted") != 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, PIN_NOT_PUBLIC);
      return;
    }
  pinned = qtr_node_store_has_status_mark (store, "pins", status->id, &error);
  count = pinned < 0 ? -1 : qtr_node_store_count_pins (store, &error);
  if (count < 0)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (pin && pinned == 0 && count >= MAX_PINS)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, PIN_LIMIT);
      return;
    }
  if (!qtr_node_store_set_status_mark (store, "pins", status->id, pin, &error))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  respond_status_row (node, msg, status->id, QTR_API_STATUS_VIEWER);
}

void
qtr_node_handle_status_pin (QtrNode           *node,
                            SoupServerMessage *msg,
                            GHashTable        *route)
{
  set_pin (node, msg, route, TRUE);
}

void
qtr_node_handle_status_unpin (QtrNode           *node,
                              SoupServerMessage *msg,
                              GHashTable        *route)
{
  set_pin (node, msg, route, FALSE);
}

static void
respond_status_actors (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *route,
                       const char        *type)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GArray) actors = NULL;
  g_autoptr(GError) error = NULL;
  QtrPage page;

  status = authorize_status (node, msg, route, QTR_API_PUBLIC, "read:accounts",
                            find_action_target, &auth);
  if (status == NULL)
    return;
  query = read_params_or_respond (msg);
  if (query == NULL)
    return;
  qtr_node_api_read_page (query, &page, 40, 80);
  actors = qtr_node_store_status_actors (qtr_node_get_store (node), status, type, page.limit,
                                         &error);
  if (actors == NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  qtr_node_api_respond_accounts (node, msg, actors);
}

void
qtr_node_handle_status_favourited_by (QtrNode           *node,
                                      SoupServerMessage *msg,
                                      GHashTable        *route)
{
  respond_status_actors (node, msg, route, "favourite");
}

void
qtr_node_handle_status_reblogged_by (QtrNode           *node,
                                     SoupServerMessage *msg,
                                     GHashTable        *route)
{
  respond_status_actors (node, msg, route, "reblog");
}
