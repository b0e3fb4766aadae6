/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"
#include "qtr-node-store-polls.h"

#include <string.h>

#include "qtr-html.h"
#include "qtr-json.h"
#include "qtr-url.h"

/* Posts: the owner's, written, served at their ids and delivered to followers (one delivery
 * per server: shared inboxes collapse followers), and those of others, kept when they reach
 * the owner. */

#define AS_CONTEXT "https://www.w3.org/ns/activitystreams"

static const char * const visibility_names[] = {
  [QTR_VISIBILITY_PUBLIC] = "public",
  [QTR_VISIBILITY_UNLISTED] = "unlisted",
  [QTR_VISIBILITY_PRIVATE] = "private",
  [QTR_VISIBILITY_DIRECT] = "direct",
};

/**
 * qtr_visibility_from_string:
 *
 * Returns: %TRUE when @name is public, unlisted, private or direct (Mastodon's names)
 */
gboolean
qtr_visibility_from_string (const char    *name,
                            QtrVisibility *visibility)
{
  for (guint i = 0; i < G_N_ELEMENTS (visibility_names); i++)
    {
      if (g_strcmp0 (name, visibility_names[i]) == 0)
        {
          *visibility = (QtrVisibility) i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * qtr_visibility_to_string:
 *
 * Returns: Mastodon's name of @visibility
 */
const char *
qtr_visibility_to_string (QtrVisibility visibility)
{
  g_return_val_if_fail (visibility <= QTR_VISIBILITY_DIRECT, "direct");
  return visibility_names[visibility];
}

/**
 * qtr_node_new_status_id:
 *
 * Ordered by time like Mastodon's ids (milliseconds, then 16 random bits), and always above
 * every id stored, so that posts written within one millisecond keep their order.
 *
 * Returns: an id for a new post (or boost) of the owner, or -1 with @error set
 */
gint64
qtr_node_new_status_id (QtrNode  *node,
                        GError  **error)
{
  gint64 candidate = ((g_get_real_time () / 1000) << 16) | (g_random_int () & 0xffff);
  gint64 largest = qtr_node_store_get_max_status_id (qtr_node_get_store (node), error);

  if (largest < 0)
    return -1;
  return MAX (candidate, largest + 1);
}

/**
 * qtr_node_format_time:
 *
 * Returns: (transfer full): @unix_seconds as ActivityStreams writes times
 */
char *
qtr_node_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

static JsonArray *
new_string_array (const char * const *values)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_array_add_string_element (array, values[i]);
  return array;
}

typedef struct {
  QtrNode   *node;
  GPtrArray *mentioned;  /* QtrRemoteActor */
} ComposeContext;

/* Mentions of accounts this node knows link to them; others stay text. */
static char *
resolve_mention_cb (const char *user,
                    const char *host,
                    gpointer    user_data)
{
  ComposeContext *context = user_data;
  g_autofree char *key = NULL;
  QtrRemoteActor *actor;

  if (host == NULL)
    return NULL;
  key = g_strdup_printf ("%s@%s", user, host);
  actor = qtr_node_store_find_remote_actor (qtr_node_get_store (context->node), "handle", key,
                                            NULL);
  if (actor == NULL)
    return NULL;
  g_ptr_array_add (context->mentioned, actor);
  return g_strdup (actor->uri);
}

static JsonArray *
build_tags (GPtrArray  *links,
            GPtrArray  *mentioned)
{
  JsonArray *tags = json_array_new ();

  for (guint i = 0; i < links->len; i++)
    {
      QtrHtmlLink *link = g_ptr_array_index (links, i);
      JsonObject *tag;

      if (link->kind == QTR_HTML_LINK_URL)
        continue;
      tag = json_object_new ();
      json_object_set_string_member (tag, "type",
                                     link->kind == QTR_HTML_LINK_MENTION ? "Mention" : "Hashtag");
      json_object_set_string_member (tag, "href", link->href);
      if (link->kind == QTR_HTML_LINK_MENTION)
        {
          /* The full handle, as Mastodon names mentions. */
          for (guint j = 0; j < mentioned->len; j++)
            {
              QtrRemoteActor *actor = g_ptr_array_index (mentioned, j);
              g_autofree char *name = NULL;

              if (!g_str_equal (actor->uri, link->href))
                continue;
              name = g_strdup_printf ("@%s@%s", actor->username, actor->host);
              json_object_set_string_member (tag, "name", name);
              break;
            }
          if (!json_object_has_member (tag, "name"))
            json_object_set_string_member (tag, "name", link->text);
        }
      else
        {
          g_autofree char *lower = g_utf8_strdown (link->text, -1);
          json_object_set_string_member (tag, "name", lower);
        }
      json_array_add_object_element (tags, tag);
    }

  /* Those mentioned without being written (the author of the post replied to). */
  for (guint j = 0; j < mentioned->len; j++)
    {
      QtrRemoteActor *actor = g_ptr_array_index (mentioned, j);
      g_autofree char *name = NULL;
      gboolean written = FALSE;
      JsonObject *tag;

      for (guint i = 0; i < links->len && !written; i++)
        written = g_strcmp0 (((QtrHtmlLink *) g_ptr_array_index (links, i))->href,
                             actor->uri) == 0;
      if (written)
        continue;
      tag = json_object_new ();
      name = g_strdup_printf ("@%s@%s", actor->username, actor->host);
      json_object_set_string_member (tag, "type", "Mention");
      json_object_set_string_member (tag, "href", actor->uri);
      json_object_set_string_member (tag, "name", name);
      json_array_add_object_element (tags, tag);
    }
  return tags;
}

static JsonObject *
build_context (void)
{
  JsonObject *extra = json_object_new ();

  json_object_set_string_member (extra, "sensitive", "as:sensitive");
  json_object_set_string_member (extra, "Hashtag", "as:Hashtag");
  json_object_set_string_member (extra, "toot", "http://joinmastodon.org/ns#");
  json_object_set_string_member (extra, "votersCount", "toot:votersCount");
  return extra;
}

static void
copy_member_cb (JsonObject  *object,
                const char  *name,
                JsonNode    *value,
                gpointer     user_data)
{
  json_object_set_member (user_data, name, json_node_copy (value));
}

/* The Note as served at its id: the embedded one, with a context of its own. */
static char *
serialize_with_context (JsonObject *note)
{
  g_autoptr(JsonObject) served = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonArray *context = json_array_new ();

  json_array_add_string_element (context, AS_CONTEXT);
  json_array_add_object_element (context, build_context ());
  json_object_set_array_member (served, "@context", context);
  json_object_foreach_member (note, copy_member_cb, served);
  json_node_set_object (root, served);
  return json_to_string (root, FALSE);
}

typedef struct {
  QtrNode    *node;
  QtrStatus  *status;
  JsonObject *create;
  GStrv       inboxes;
  GPtrArray  *media;    /* QtrMedia */
  gboolean    edit;     /* an Update of a stored post, not a new one */
  QtrNodePoll *poll;    /* (nullable): the poll of a new post */
} PostTransaction;

static gboolean
post_in_transaction (QtrDb    *db,
                     gpointer  user_data,
                     GError  **error)
{
  PostTransaction *tx = user_data;
  QtrNodeStore *store = qtr_node_get_store (tx->node);

  if (!(tx->edit ? qtr_node_store_update_status (store, tx->status, error)
                 : qtr_node_store_add_status (store, tx->status, error)))
    return FALSE;
  if (tx->poll != NULL)
    {
      tx->poll->status_id = tx->status->id;
      if (!qtr_node_store_add_poll (store, tx->poll, error))
        return FALSE;
    }
  for (guint i = 0; i < tx->media->len; i++)
    {
      QtrMedia *media = g_ptr_array_index (tx->media, i);
      g_autoptr(GError) local_error = NULL;

      if (!qtr_node_store_attach_media (store, media->id, tx->status->id, &local_error))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                         "Media %" G_GINT64_FORMAT " is attached to another post already",
                         media->id);
          return FALSE;
        }
    }
  return qtr_node_queue_activity (tx->node, tx->create, (const char * const *) tx->inboxes,
                                  error);
}

static QtrAttachmentType
attachment_type_for (const char *media_type)
{
  if (g_str_has_prefix (media_type, "image/"))
    return QTR_ATTACHMENT_TYPE_IMAGE;
  if (g_str_has_prefix (media_type, "video/"))
    return QTR_ATTACHMENT_TYPE_VIDEO;
  if (g_str_has_prefix (media_type, "audio/"))
    return QTR_ATTACHMENT_TYPE_AUDIO;
  return QTR_ATTACHMENT_TYPE_DOCUMENT;
}

/* The media of post @status_id, looked up and checked: each exists and is attached nowhere
 * yet, or to that post already (an edit keeps them). */
static GPtrArray *
find_post_media (QtrNode               *node,
                 const QtrPostRequest  *request,
                 gint64                 status_id,
                 GError               **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_media_free);

  if (request->n_media > QTR_POST_MAX_MEDIA)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "A post may carry at most %d media; this one has %u", QTR_POST_MAX_MEDIA,
                   request->n_media);
      return NULL;
    }
  for (guint i = 0; i < request->n_media; i++)
    {
      QtrMedia *media = qtr_node_find_media (node, request->media_ids[i], error);

      if (media == NULL)
        return NULL;
      g_ptr_array_add (found, media);
      if (media->status_id != 0 && media->status_id != status_id)
        {
          g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                       "Media %" G_GINT64_FORMAT " is attached to another post already: "
                       "upload it again to use it here", media->id);
          return NULL;
        }
      for (guint j = 0; j < i; j++)
        if (request->media_ids[j] == media->id)
          {
            g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                         "Media %" G_GINT64_FORMAT " is given twice", media->id);
            return NULL;
          }
    }
  return g_steal_pointer (&found);
}

/* The attachments as Mastodon sends them: Documents with their type, address, alt text (name),
 * size and blurhash; and as the store keeps them. */
static JsonArray *
build_attachments (GPtrArray *media,
                   GPtrArray *stored)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < media->len; i++)
    {
      QtrMedia *item = g_ptr_array_index (media, i);
      JsonObject *attachment = json_object_new ();
      QtrAttachment *kept = g_new0 (QtrAttachment, 1);

      json_object_set_string_member (attachment, "type", "Document");
      json_object_set_string_member (attachment, "mediaType", item->media_type);
      json_object_set_string_member (attachment, "url", item->url);
      if (*item->description != '\0')
        json_object_set_string_member (attachment, "name", item->description);
      else
        json_object_set_null_member (attachment, "name");
      if (item->width > 0 && item->height > 0)
        {
          json_object_set_int_member (attachment, "width", item->width);
          json_object_set_int_member (attachment, "height", item->height);
        }
      /* As Mastodon federates it, for other servers to show while the image loads. */
      if (item->blurhash != NULL)
        json_object_set_string_member (attachment, "blurhash", item->blurhash);
      json_array_add_object_element (array, attachment);

      kept->type = attachment_type_for (item->media_type);
      kept->url = g_strdup (item->url);
      kept->media_type = g_strdup (item->media_type);
      kept->description = *item->description ? g_strdup (item->description) : NULL;
      kept->width = item->width;
      kept->height = item->height;
      kept->blurhash = g_strdup (item->blurhash);
      g_ptr_array_add (stored, kept);
    }
  return array;
}

static GStrv
collect_inboxes (QtrNode        *node,
                 QtrVisibility   visibility,
                 GPtrArray      *mentioned,
                 GError        **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) followers = NULL;

  if (visibility != QTR_VISIBILITY_DIRECT)
    {
      followers = qtr_node_store_follower_inboxes (qtr_node_get_store (node), error);
      if (followers == NULL)
        return NULL;
      for (guint i = 0; followers[i] != NULL; i++)
        if (g_hash_table_add (seen, followers[i]))
          g_strv_builder_add (builder, followers[i]);
    }
  for (guint i = 0; i < mentioned->len; i++)
    {
      QtrRemoteActor *actor = g_ptr_array_index (mentioned, i);
      const char *inbox = actor->shared_inbox ? actor->shared_inbox : actor->inbox;

      /* A blocked account may be named, but nothing goes to it. */
      if (qtr_node_store_is_blocked (qtr_node_get_store (node), "uri", actor->uri, NULL))
        continue;
      if (g_hash_table_add (seen, (gpointer) inbox))
        g_strv_builder_add (builder, inbox);
    }
  return g_strv_builder_end (builder);
}

/* The post @uri, replied to, must be stored (qtr_node_post_async() fetches it first); its
 * author, unless the owner, is mentioned. */
static gboolean
add_parent_author (QtrNode     *node,
                   const char  *uri,
                   GPtrArray   *mentioned,
                   QtrStatus  **parent,
                   GError     **error)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autoptr(GError) local_error = NULL;
  QtrRemoteActor *author;

  *parent = qtr_node_store_find_status (store, uri, NULL, &local_error);
  if (*parent == NULL || (*parent)->reblog_of_id != 0)
    {
      if (local_error == NULL)
        g_set_error (&local_error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                     "%s is not a post this node has: it cannot be replied to", uri);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if ((*parent)->actor_row == 0)
    return TRUE;
  author = qtr_node_store_find_remote_actor_by_row (store, (*parent)->actor_row, &local_error);
  if (author == NULL)
    {
      if (local_error == NULL)
        g_set_error (&local_error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                     "The author of %s is not known here", uri);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  for (guint i = 0; i < mentioned->len; i++)
    {
      if (g_str_equal (((QtrRemoteActor *) g_ptr_array_index (mentioned, i))->uri, author->uri))
        {
          qtr_remote_actor_free (author);
          return TRUE;
        }
    }
  g_ptr_array_add (mentioned, author);
  return TRUE;
}

/* A post as composed: its Note, and what is stored and delivered with it. */
typedef struct {
  JsonObject *note;
  GPtrArray  *mentioned;    /* QtrRemoteActor */
  GPtrArray  *media;        /* QtrMedia */
  GPtrArray  *attachments;  /* QtrAttachment, as the store keeps them */
  QtrStatus  *parent;
  char       *uri;
  char       *url;
  char       *html;
  GStrv       to;
  GStrv       cc;
  gboolean    sensitive;
} ComposedNote;

static void
composed_note_clear (ComposedNote *composed)
{
  g_clear_pointer (&composed->note, json_object_unref);
  g_clear_pointer (&composed->mentioned, g_ptr_array_unref);
  g_clear_pointer (&composed->media, g_ptr_array_unref);
  g_clear_pointer (&composed->attachments, g_ptr_array_unref);
  g_clear_pointer (&composed->parent, qtr_status_free);
  g_clear_pointer (&composed->uri, g_free);
  g_clear_pointer (&composed->url, g_free);
  g_clear_pointer (&composed->html, g_free);
  g_clear_pointer (&composed->to, g_strfreev);
  g_clear_pointer (&composed->cc, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ComposedNote, composed_note_clear)

/* Builds the Note of post @id from @request: its HTML, mentions (and the replied-to author),
 * addressing, tags and attachments; with @poll, a Question. @updated is 0 for a new post.
 * Media attached to post @id already may stay on it (an edit); others must be attached
 * nowhere. */
static gboolean
compose_note (QtrNode               *node,
              const QtrPostRequest  *request,
              const QtrNodePoll     *poll,
              gint64                 id,
              gint64                 published,
              gint64                 updated,
              ComposedNote          *out,
              GError               **error)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GPtrArray) mention_uris = g_ptr_array_new ();
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *followers = g_strconcat (actor, "/followers", NULL);
  g_autofree char *tag_base = g_strconcat (qtr_node_get_base_url (node), "/tags/", NULL);
  g_autofree char *published_text = qtr_node_format_time (published);
  const char *text = request->text != NULL ? request->text : "";
  const char *summary = request->summary;
  const char *language = request->language;
  ComposeContext compose;
  QtrHtmlComposeOptions options = { tag_base, resolve_mention_cb, &compose };
  JsonObject *note;

  if (request->visibility < QTR_VISIBILITY_PUBLIC || request->visibility > QTR_VISIBILITY_DIRECT)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "Unknown visibility %d: use public, unlisted, private or direct",
                   request->visibility);
      return FALSE;
    }
  out->media = find_post_media (node, request, id, error);
  if (out->media == NULL)
    return FALSE;
  if (strspn (text, " \t\r\n") == strlen (text) && out->media->len == 0)
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED, "The post is empty");
      return FALSE;
    }

  out->mentioned = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_remote_actor_free);
  out->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_attachment_free);
  compose = (ComposeContext) { node, out->mentioned };
  out->html = qtr_html_from_text (text, &options, &links);
  if (request->in_reply_to != NULL &&
      !add_parent_author (node, request->in_reply_to, out->mentioned, &out->parent, error))
    return FALSE;
  for (guint i = 0; i < out->mentioned->len; i++)
    g_ptr_array_add (mention_uris,
                     ((QtrRemoteActor *) g_ptr_array_index (out->mentioned, i))->uri);
  g_ptr_array_add (mention_uris, NULL);
  qtr_addressing_build (request->visibility, followers,
                        (const char * const *) mention_uris->pdata, &out->to, &out->cc);
  out->sensitive = request->sensitive || (summary != NULL && *summary != '\0');
  out->uri = g_strdup_printf ("%s/statuses/%" G_GINT64_FORMAT, actor, id);
  out->url = g_strdup_printf ("%s/@%s/%" G_GINT64_FORMAT, qtr_node_get_base_url (node),
                              qtr_node_get_owner (node)->username, id);

  note = out->note = json_object_new ();
  json_object_set_string_member (note, "id", out->uri);
  json_object_set_string_member (note, "type", "Note");
  json_object_set_string_member (note, "attributedTo", actor);
  json_object_set_string_member (note, "content", out->html);
  if (language != NULL)
    {
      JsonObject *map = json_object_new ();
      json_object_set_string_member (map, language, out->html);
      json_object_set_object_member (note, "contentMap", map);
    }
  if (summary != NULL && *summary != '\0')
    json_object_set_string_member (note, "summary", summary);
  else
    json_object_set_null_member (note, "summary");
  json_object_set_boolean_member (note, "sensitive", out->sensitive);
  if (out->parent != NULL)
    json_object_set_string_member (note, "inReplyTo", out->parent->uri);
  else
    json_object_set_null_member (note, "inReplyTo");
  json_object_set_string_member (note, "published", published_text);
  if (updated > 0)
    {
      g_autofree char *updated_text = qtr_node_format_time (updated);
      json_object_set_string_member (note, "updated", updated_text);
    }
  json_object_set_string_member (note, "url", out->url);
  json_object_set_array_member (note, "to", new_string_array ((const char * const *) out->to));
  json_object_set_array_member (note, "cc", new_string_array ((const char * const *) out->cc));
  json_object_set_array_member (note, "tag", build_tags (links, out->mentioned));
  json_object_set_array_member (note, "attachment",
                                build_attachments (out->media, out->attachments));
  if (poll != NULL)
    qtr_node_poll_fill_question (note, poll, g_get_real_time () / G_USEC_PER_SEC);
  return TRUE;
}

/* Create or Update of @composed's Note, addressed as the Note is. */
static JsonObject *
wrap_note (QtrNode       *node,
           const char    *type,
           const char    *activity_id,
           gint64         when,
           ComposedNote  *composed)
{
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *when_text = qtr_node_format_time (when);
  JsonObject *activity = json_object_new ();
  JsonArray *context = json_array_new ();

  json_array_add_string_element (context, AS_CONTEXT);
  json_array_add_object_element (context, build_context ());
  json_object_set_array_member (activity, "@context", context);
  json_object_set_string_member (activity, "id", activity_id);
  json_object_set_string_member (activity, "type", type);
  json_object_set_string_member (activity, "actor", actor);
  json_object_set_string_member (activity, "published", when_text);
  json_object_set_array_member (activity, "to",
                                new_string_array ((const char * const *) composed->to));
  json_object_set_array_member (activity, "cc",
                                new_string_array ((const char * const *) composed->cc));
  json_object_set_object_member (activity, "object", json_object_ref (composed->note));
  return activity;
}

/* The status row of @composed, pointing into it and @request: valid while both are. */
static void
fill_own_status (QtrStatus             *status,
                 const QtrPostRequest  *request,
                 ComposedNote          *composed,
                 const char            *document)
{
  status->uri = composed->uri;
  status->url = composed->url;
  status->in_reply_to = composed->parent ? composed->parent->uri : NULL;
  status->content = composed->html;
  status->summary = (char *) (request->summary && *request->summary ? request->summary : NULL);
  status->sensitive = composed->sensitive;
  status->attachments = composed->attachments;
  status->language = (char *) request->language;
  status->visibility = (char *) visibility_names[request->visibility];
  status->document = (char *) document;
}

/**
 * qtr_node_post:
 * @request: the post as composed
 *
 * Publishes a post: stores it, with its Create and one delivery per target inbox, in one
 * transaction, and starts delivering. A reply (@request's in_reply_to) mentions the author of
 * the post it answers, addressed as Mastodon addresses mentions, and goes to that author's
 * inbox too; the post answered must be stored here: qtr_node_post_async() fetches it when it
 * is not. Its media (at most %QTR_POST_MAX_MEDIA, none attached to another post) go with it as
 * attachments, with their alt text.
 *
 * Returns: (transfer full): the post's id, or %NULL with @error set
 */
char *
qtr_node_post (QtrNode              *node,
               const QtrPostRequest *request,
               GError              **error)
{
  g_auto(ComposedNote) composed = { 0 };
  g_autofree char *activity_id = NULL;
  g_autofree char *document = NULL;
  g_auto(GStrv) inboxes = NULL;
  g_autoptr(JsonObject) create = NULL;
  g_autoptr(QtrNodePoll) poll = NULL;
  g_autoptr(GError) poll_error = NULL;
  QtrStatus status = { 0 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  poll = qtr_node_poll_from_request (request, now, &poll_error);
  if (poll_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&poll_error));
      return NULL;
    }
  status.id = qtr_node_new_status_id (node, error);
  if (status.id < 0 ||
      !compose_note (node, request, poll, status.id, now, 0, &composed, error))
    return NULL;
  activity_id = g_strconcat (composed.uri, "/activity", NULL);
  create = wrap_note (node, "Create", activity_id, now, &composed);
  document = serialize_with_context (composed.note);
  inboxes = collect_inboxes (node, request->visibility, composed.mentioned, error);
  if (inboxes == NULL)
    return NULL;

  fill_own_status (&status, request, &composed, document);
  status.published = now;
  {
    PostTransaction tx = { node, &status, create, inboxes, composed.media, FALSE, poll };

    if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                             post_in_transaction, &tx, error))
      return NULL;
  }
  qtr_node_kick_deliveries (node);
  if (poll != NULL)
    qtr_node_schedule_polls (node, 1);
  return g_steal_pointer (&composed.uri);
}

/* The accounts a stored post of the owner's mentions, as known here. */
static GPtrArray *
find_mentioned (QtrNode     *node,
                const char  *document)
{
  GPtrArray *mentioned = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_remote_actor_free);
  g_autoptr(JsonObject) json = qtr_json_parse_object (document, strlen (document), NULL);
  g_autoptr(QtrNote) note = json != NULL ? qtr_note_parse (json, NULL) : NULL;

  for (guint i = 0; note != NULL && i < note->mentions->len; i++)
    {
      QtrMention *mention = g_ptr_array_index (note->mentions, i);
      QtrRemoteActor *actor = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "uri",
                                                                mention->href, NULL);
      if (actor != NULL)
        g_ptr_array_add (mentioned, actor);
    }
  return mentioned;
}

/* Where a stored post of the owner's went: its followers' servers (unless direct) and the
 * accounts it mentions; an edit or a deletion goes there too. */
static GStrv
collect_post_inboxes (QtrNode    *node,
                      QtrStatus  *status,
                      GPtrArray  *also_mentioned,
                      GError    **error)
{
  g_autoptr(GPtrArray) mentioned = find_mentioned (node, status->document);
  QtrVisibility visibility = QTR_VISIBILITY_PUBLIC;

  qtr_visibility_from_string (status->visibility, &visibility);
  for (guint i = 0; also_mentioned != NULL && i < also_mentioned->len; i++)
    {
      QtrRemoteActor *actor = g_ptr_array_index (also_mentioned, i);
      g_ptr_array_add (mentioned, qtr_node_store_find_remote_actor (qtr_node_get_store (node),
                                                                    "uri", actor->uri, NULL));
    }
  g_ptr_array_remove (mentioned, NULL);
  return collect_inboxes (node, visibility, mentioned, error);
}

/**
 * qtr_node_collect_post_inboxes:
 * @status: one of the owner's posts
 *
 * Returns: (transfer full): where @status went (its followers' servers unless direct, and
 *   the accounts it mentions), where its changes go too; %NULL with @error set
 */
GStrv
qtr_node_collect_post_inboxes (QtrNode    *node,
                               QtrStatus  *status,
                               GError    **error)
{
  return collect_post_inboxes (node, status, NULL, error);
}

/* One of the owner's own posts (not a boost): %NULL with @error set otherwise. */
static QtrStatus *
find_own_post (QtrNode     *node,
               const char  *uri,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  QtrStatus *status = qtr_node_store_find_status (qtr_node_get_store (node), uri, NULL,
                                                  &local_error);

  if (status != NULL && status->actor_row == 0 && status->reblog_of_id == 0)
    return status;
  g_clear_pointer (&status, qtr_status_free);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                 "%s is not a post of this node", uri);
  return NULL;
}

/* The media on post @status, in the order of its attachments. */
static GArray *
kept_media_ids (QtrNode    *node,
                QtrStatus  *status,
                GError    **error)
{
  g_autoptr(GArray) attached = qtr_node_store_list_post_media (qtr_node_get_store (node),
                                                               status->id, error);
  g_autoptr(GArray) ordered = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (attached == NULL)
    return NULL;
  for (guint i = 0; status->attachments != NULL && i < status->attachments->len; i++)
    {
      QtrAttachment *attachment = g_ptr_array_index (status->attachments, i);

      for (guint j = 0; j < attached->len; j++)
        {
          gint64 id = g_array_index (attached, gint64, j);
          g_autoptr(QtrMedia) media = qtr_node_find_media (node, id, NULL);

          if (media != NULL && g_strcmp0 (media->url, attachment->url) == 0)
            {
              g_array_append_val (ordered, id);
              g_array_remove_index (attached, j);
              break;
            }
        }
    }
  return g_steal_pointer (&ordered);
}

/**
 * qtr_node_edit_post:
 * @uri: the id of one of the owner's posts
 * @request: the post as it reads now; its visibility and in_reply_to are ignored (an edit
 *   keeps both, as on Mastodon); media already on the post may stay, in any order
 *
 * Edits a post as Mastodon does: the stored post and the Note served at its id change (with
 * `updated` set), and an Update goes where the post went, in one transaction.
 *
 * Returns: %TRUE when the edit is stored and queued
 */
gboolean
qtr_node_edit_post (QtrNode              *node,
                    const char           *uri,
                    const QtrPostRequest *request,
                    GError              **error)
{
  g_autoptr(QtrStatus) old = find_own_post (node, uri, error);
  g_auto(ComposedNote) composed = { 0 };
  g_autofree char *activity_id = NULL;
  g_autofree char *document = NULL;
  g_auto(GStrv) inboxes = NULL;
  g_autoptr(JsonObject) update = NULL;
  g_autoptr(GArray) kept = NULL;
  g_autoptr(QtrNodePoll) poll = NULL;
  g_autoptr(GError) poll_error = NULL;
  QtrPostRequest edited;
  QtrStatus status = { 0 };
  QtrVisibility visibility = QTR_VISIBILITY_PUBLIC;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (old == NULL)
    return FALSE;
  qtr_visibility_from_string (old->visibility, &visibility);
  edited = *request;
  if (request->keep_media)
    {
      kept = kept_media_ids (node, old, error);
      if (kept == NULL)
        return FALSE;
      edited.media_ids = (const gint64 *) (gpointer) kept->data;
      edited.n_media = kept->len;
    }
  edited.visibility = visibility;
  edited.in_reply_to = old->in_reply_to;
  /* An edit within the second of the last one still gets a time after it. */
  now = MAX (now, MAX (old->published, old->updated) + 1);

  /* An edit keeps the poll as it stands. */
  poll = qtr_node_store_find_poll (qtr_node_get_store (node), old->id, &poll_error);
  if (poll_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&poll_error));
      return FALSE;
    }
  if (!compose_note (node, &edited, poll, old->id, old->published, now, &composed, error))
    return FALSE;
  activity_id = g_strdup_printf ("%s#updates/%" G_GINT64_FORMAT, composed.uri, now);
  update = wrap_note (node, "Update", activity_id, now, &composed);
  document = serialize_with_context (composed.note);
  /* Those mentioned before the edit hear of it too. */
  inboxes = collect_post_inboxes (node, old, composed.mentioned, error);
  if (inboxes == NULL)
    return FALSE;

  fill_own_status (&status, &edited, &composed, document);
  status.id = old->id;
  status.published = old->published;
  status.updated = now;
  {
    PostTransaction tx = { node, &status, update, inboxes, composed.media, TRUE, NULL };

    if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                             post_in_transaction, &tx, error))
      return FALSE;
  }
  qtr_node_kick_deliveries (node);
  return TRUE;
}

typedef struct {
  QtrPostRequest request;
  char          *text;
  char          *summary;
  char          *language;
  char          *in_reply_to;
  gint64        *media_ids;
  GStrv          poll_options;
} PostData;

static void
post_data_free (PostData *data)
{
  g_free (data->text);
  g_free (data->summary);
  g_free (data->language);
  g_free (data->in_reply_to);
  g_free (data->media_ids);
  g_strfreev (data->poll_options);
  g_free (data);
}

static void
post_parent_resolved_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PostData *data = g_task_get_task_data (task);
  g_autoptr(QtrStatus) parent = NULL;
  g_autoptr(GError) error = NULL;
  char *uri;

  parent = qtr_node_resolve_note_finish (QTR_NODE (source), result, &error);
  if (parent == NULL)
    {
      guint status = qtr_fetch_error_get_status (error);

      /* Servers answer so for posts that are not public: direct ones above all. */
      if (g_error_matches (error, QTR_FETCH_ERROR, QTR_FETCH_ERROR_HTTP) &&
          (status == 401 || status == 403 || status == 404 || status == 410))
        g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                                 "%s cannot be seen from this node (HTTP %u): it is gone, "
                                 "or private or direct and not addressed to you, so it "
                                 "cannot be replied to", data->in_reply_to, status);
      else
        {
          g_prefix_error (&error, "The post replied to cannot be fetched: ");
          g_task_return_error (task, g_steal_pointer (&error));
        }
      return;
    }

  uri = qtr_node_post (QTR_NODE (source), &data->request, &error);
  if (uri == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, uri, g_free);
}

/**
 * qtr_node_post_async:
 * @request: the post as composed; copied
 *
 * Publishes a post as qtr_node_post() does, fetching first the post it replies to when that
 * is not stored here (it is kept then, as any post fetched). A post that cannot be fetched,
 * such as a direct post not addressed to the owner, cannot be replied to.
 */
void
qtr_node_post_async (QtrNode              *node,
                     const QtrPostRequest *request,
                     GCancellable         *cancellable,
                     GAsyncReadyCallback   callback,
                     gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (node, cancellable, callback, user_data);
  PostData *data = g_new0 (PostData, 1);

  g_task_set_source_tag (task, qtr_node_post_async);
  data->request = *request;
  data->request.text = data->text = g_strdup (request->text);
  data->request.summary = data->summary = g_strdup (request->summary);
  data->request.language = data->language = g_strdup (request->language);
  data->request.in_reply_to = data->in_reply_to = g_strdup (request->in_reply_to);
  data->request.media_ids = data->media_ids = g_memdup2 (request->media_ids,
                                                         request->n_media * sizeof (gint64));
  data->poll_options = g_strdupv ((GStrv) request->poll_options);
  data->request.poll_options = (const char * const *) data->poll_options;
  g_task_set_task_data (task, data, (GDestroyNotify) post_data_free);

  if (data->in_reply_to == NULL)
    {
      g_autoptr(GError) error = NULL;
      char *uri = qtr_node_post (node, &data->request, &error);

      if (uri == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, uri, g_free);
      return;
    }
  qtr_node_resolve_note_async (node, data->in_reply_to, cancellable, post_parent_resolved_cb,
                               g_steal_pointer (&task));
}

/**
 * qtr_node_post_finish:
 *
 * Returns: (transfer full): the post's id, or %NULL with @error set
 */
char *
qtr_node_post_finish (QtrNode       *node,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  QtrNode    *node;
  const char *uri;
  JsonObject *delete;
  GStrv       inboxes;
} DeleteTransaction;

static gboolean
delete_in_transaction (QtrDb    *db,
                       gpointer  user_data,
                       GError  **error)
{
  DeleteTransaction *tx = user_data;
  g_autoptr(GError) local_error = NULL;

  if (!qtr_node_store_delete_status (qtr_node_get_store (tx->node), tx->uri, 0, &local_error))
    {
      if (local_error == NULL)
        g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                     "%s is not a post of this node", tx->uri);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return qtr_node_queue_activity (tx->node, tx->delete, (const char * const *) tx->inboxes,
                                  error);
}

/**
 * qtr_node_delete_post:
 * @uri: the id of one of the owner's posts
 *
 * Deletes the post (its id answers 410 Gone from then on) and delivers a Delete to the
 * followers' servers.
 */
gboolean
qtr_node_delete_post (QtrNode     *node,
                      const char  *uri,
                      GError     **error)
{
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *delete_id = g_strconcat (uri, "#delete", NULL);
  g_autoptr(JsonObject) delete = json_object_new ();
  g_auto(GStrv) inboxes = NULL;
  g_autoptr(QtrStatus) status = NULL;
  JsonObject *tombstone;
  JsonArray *to;

  status = qtr_node_store_find_status (qtr_node_get_store (node), uri, NULL, NULL);
  if (status != NULL && status->reblog_of_id != 0)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "%s is a boost, not a post: unboost the boosted post instead", uri);
      return FALSE;
    }
  g_clear_pointer (&status, qtr_status_free);
  status = find_own_post (node, uri, error);
  if (status == NULL)
    return FALSE;
  /* The Delete goes where the post went: the followers' servers and those it mentions. */
  inboxes = collect_post_inboxes (node, status, NULL, error);
  if (inboxes == NULL)
    return FALSE;
  tombstone = json_object_new ();
  to = json_array_new ();

  json_object_set_string_member (tombstone, "id", uri);
  json_object_set_string_member (tombstone, "type", "Tombstone");
  json_array_add_string_element (to, "https://www.w3.org/ns/activitystreams#Public");
  json_object_set_string_member (delete, "@context", AS_CONTEXT);
  json_object_set_string_member (delete, "id", delete_id);
  json_object_set_string_member (delete, "type", "Delete");
  json_object_set_string_member (delete, "actor", actor);
  json_object_set_array_member (delete, "to", to);
  json_object_set_object_member (delete, "object", tombstone);

  {
    DeleteTransaction tx = { node, uri, delete, inboxes };

    if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                             delete_in_transaction, &tx, error))
      return FALSE;
  }
  qtr_node_kick_deliveries (node);
  return TRUE;
}

/* Incoming posts. */

static gboolean
addresses_owner (QtrNode  *node,
                 QtrNote  *note)
{
  g_autofree char *actor = qtr_node_get_actor_url (node);

  if (g_strv_contains ((const char * const *) note->to, actor) ||
      g_strv_contains ((const char * const *) note->cc, actor))
    return TRUE;
  for (guint i = 0; i < note->mentions->len; i++)
    {
      QtrMention *mention = g_ptr_array_index (note->mentions, i);
      if (g_strcmp0 (mention->href, actor) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_followed (QtrNode        *node,
             QtrRemoteActor *author,
             GError        **error)
{
  g_autofree char *follow = qtr_node_store_get_following_uri (qtr_node_get_store (node),
                                                              author->row, error);
  return follow != NULL;
}

static void
fill_status_from_note (QtrStatus      *status,
                       QtrNote        *note,
                       QtrRemoteActor *author,
                       const char     *document)
{
  status->uri = note->id;
  status->url = note->url;
  status->actor_row = author->row;
  status->in_reply_to = note->in_reply_to;
  status->content = note->content ? note->content : (char *) "";
  status->summary = note->summary;
  status->sensitive = note->sensitive;
  status->language = note->language;
  status->visibility = (char *) visibility_names[
    qtr_addressing_visibility ((const char * const *) note->to,
                               (const char * const *) note->cc, author->followers)];
  status->published = note->published > 0 ? note->published : g_get_real_time () / G_USEC_PER_SEC;
  status->updated = note->updated;
  status->document = (char *) document;
  status->attachments = note->attachments;
}

static char *
note_document (JsonObject *activity_json)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, json_object_get_object_member (activity_json, "object"));
  return json_to_string (node, FALSE);
}

/**
 * qtr_node_keep_note:
 * @note: a post of @author, from @author's host (embedded in its Create, or fetched)
 * @document: @note as received (JSON)
 *
 * Stores a post of another server once, its visibility read from its audience: the one way
 * such posts are kept, whether delivered or fetched.
 */
gboolean
qtr_node_keep_note (QtrNode         *node,
                    QtrNote         *note,
                    QtrRemoteActor  *author,
                    const char      *document,
                    GError         **error)
{
  QtrStatus status = { 0 };

  fill_status_from_note (&status, note, author, document);
  return qtr_node_store_add_status (qtr_node_get_store (node), &status, error) &&
         qtr_node_keep_poll (node, note, author->row, FALSE, error);
}

static gboolean
is_stored (QtrNode    *node,
           const char *uri)
{
  g_autoptr(QtrStatus) status = qtr_node_store_find_status (qtr_node_get_store (node), uri,
                                                            NULL, NULL);
  return status != NULL;
}

/**
 * qtr_node_receive_note:
 * @update: %TRUE for an Update (an edit), %FALSE for a Create
 *
 * Keeps a post that reached the owner: from an account the owner follows, or addressed to or
 * mentioning the owner. Others are dropped, as nobody here asked for them.
 */
gboolean
qtr_node_receive_note (QtrNode      *node,
                       QtrActivity  *activity,
                       JsonObject   *json,
                       gboolean      update,
                       GError      **error)
{
  g_autoptr(QtrRemoteActor) author = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *document = NULL;
  QtrNote *note = activity->object_note;
  QtrStatus status = { 0 };

  if (note == NULL || !qtr_activity_object_is_trusted (activity))
    return TRUE;

  author = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "uri", activity->actor,
                                             error);
  if (author == NULL)
    return FALSE;
  /* A vote on one of the owner's polls is counted, never kept as a post. */
  if (!update)
    {
      gboolean vote = FALSE;

      if (!qtr_node_receive_poll_vote (node, activity, author, &vote, error))
        return FALSE;
      if (vote)
        return TRUE;
    }
  /* The counts of a poll stored here (one the owner may have voted on) are taken whoever
   * follows whom. */
  if (!(update && note->type == QTR_NOTE_TYPE_QUESTION && is_stored (node, note->id)) &&
      !is_followed (node, author, &local_error) && !addresses_owner (node, note))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }

  document = note_document (json);
  if (update)
    {
      /* New counts of a poll come in an Update that is no edit (no `updated`, as Mastodon
       * sends them): the post stays as it is. */
      if (note->type == QTR_NOTE_TYPE_QUESTION && note->updated == 0)
        return qtr_node_keep_poll (node, note, author->row, TRUE, error);
      fill_status_from_note (&status, note, author, document);
      return qtr_node_store_update_status (qtr_node_get_store (node), &status, error) &&
             qtr_node_keep_poll (node, note, author->row, TRUE, error);
    }
  if (!qtr_node_keep_note (node, note, author, document, error))
    return FALSE;
  /* A reply to a post we never saw: its thread is fetched in the background; the reply is
   * kept whatever becomes of that. */
  if (note->in_reply_to != NULL && !is_stored (node, note->in_reply_to))
    qtr_node_fetch_ancestors (node, note->id, note->in_reply_to);
  if (!addresses_owner (node, note))
    return TRUE;
  return qtr_node_store_add_notification (qtr_node_get_store (node), "mention", author->row,
                                          note->id, activity->id, NULL, error);
}

/**
 * qtr_node_receive_note_delete:
 *
 * Deletes a post of the activity's actor, if it is stored here.
 */
gboolean
qtr_node_receive_note_delete (QtrNode      *node,
                              QtrActivity  *activity,
                              GError      **error)
{
  g_autoptr(QtrRemoteActor) author = NULL;
  g_autoptr(GError) local_error = NULL;

  author = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "uri", activity->actor,
                                             error);
  if (author == NULL)
    return FALSE;
  if (!qtr_node_store_delete_status (qtr_node_get_store (node), activity->object_id, author->row,
                                     &local_error) && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * qtr_node_respond_tombstone:
 * @uri: the id of what the owner deleted (a post, an undone boost)
 *
 * Answers 410 Gone with a Tombstone, as Mastodon answers for what is gone.
 */
void
qtr_node_respond_tombstone (SoupServerMessage *msg,
                            const char        *uri)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "@context", AS_CONTEXT);
  qtr_json_builder_add_string (builder, "id", uri);
  qtr_json_builder_add_string (builder, "type", "Tombstone");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  qtr_node_respond_json (msg, SOUP_STATUS_GONE, QTR_AS2_CONTENT_TYPE, root);
}

/* Serving the owner's posts at their ids: public and unlisted posts to whoever asks, the
 * others to the signed fetches of their audience (see qtr-node-audience.c). */
void
qtr_node_handle_status (QtrNode           *node,
                        SoupServerMessage *msg,
                        GHashTable        *params)
{
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *uri = g_strdup_printf ("%s/statuses/%s", actor,
                                          (const char *) g_hash_table_lookup (params, "id"));
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gboolean deleted = FALSE;
  gboolean is_public;

  if (g_ascii_strcasecmp (g_hash_table_lookup (params, "username"),
                          qtr_node_get_owner (node)->username) != 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }

  status = qtr_node_store_find_status (qtr_node_get_store (node), uri, &deleted, &error);
  if (deleted)
    {
      qtr_node_respond_tombstone (msg, uri);
      return;
    }
  if (status == NULL || status->actor_row != 0)
    {
      qtr_node_respond_error (msg, error ? SOUP_STATUS_INTERNAL_SERVER_ERROR
                                         : SOUP_STATUS_NOT_FOUND,
                              error ? "Cannot read it now" : "Not found");
      return;
    }

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Vary",
                                "Accept");
  is_public = g_str_equal (status->visibility, "public") ||
              g_str_equal (status->visibility, "unlisted");
  if (qtr_node_wants_activity_json (msg) && !is_public)
    {
      qtr_node_respond_to_audience (node, msg, status->document);
      return;
    }
  /* Public posts go to anyone but the accounts the owner blocks; web pages show no others. */
  if (!is_public || qtr_node_is_signed_by_blocked (node, msg))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }
  if (qtr_node_wants_activity_json (msg))
    {
      qtr_node_respond_text (msg, SOUP_STATUS_OK, QTR_AS2_CONTENT_TYPE, status->document);
      return;
    }

  {
    g_autofree char *safe = qtr_html_sanitize (status->content);
    g_autofree char *page = g_strconcat ("<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\">"
                                         "<meta name=\"viewport\" content=\"width=device-width, "
                                         "initial-scale=1\"><title>",
                                         qtr_node_get_owner (node)->username,
                                         "</title></head>\n<body><article>", safe,
                                         "</article></body>\n</html>\n", NULL);
    qtr_node_respond_text (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", page);
  }
}
