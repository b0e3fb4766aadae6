/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"
#include "qtr-node-store-statuses.h"

#include "qtr-html.h"
#include "qtr-json.h"

#include <string.h>

/* The owner's actor: a Person with every field Mastodon reads, served as ActivityStreams to
 * servers and as a small readable page to browsers. */


static void
add_url (JsonBuilder *builder,
         const char  *name,
         const char  *actor_url,
         const char  *suffix)
{
  g_autofree char *url = g_strconcat (actor_url, suffix, NULL);

  qtr_json_builder_add_string (builder, name, url);
}

static void
add_context (JsonBuilder *builder)
{
  static const struct { const char *term; const char *id; gboolean is_id; } terms[] = {
    { "manuallyApprovesFollowers", "as:manuallyApprovesFollowers", FALSE },
    { "toot", "http://joinmastodon.org/ns#", FALSE },
    { "featured", "toot:featured", TRUE },
    { "alsoKnownAs", "as:alsoKnownAs", TRUE },
    { "movedTo", "as:movedTo", TRUE },
    { "discoverable", "toot:discoverable", FALSE },
    { "schema", "http://schema.org#", FALSE },
    { "PropertyValue", "schema:PropertyValue", FALSE },
    { "value", "schema:value", FALSE },
  };

  json_builder_set_member_name (builder, "@context");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "https://www.w3.org/ns/activitystreams");
  json_builder_add_string_value (builder, "https://w3id.org/security/v1");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (terms); i++)
    {
      json_builder_set_member_name (builder, terms[i].term);
      if (!terms[i].is_id)
        {
          json_builder_add_string_value (builder, terms[i].id);
          continue;
        }
      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "@id", terms[i].id);
      qtr_json_builder_add_string (builder, "@type", "@id");
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);
}

static char *
format_timestamp (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* An Image object for the avatar (`icon`) or the header (`image`), from the media store. */
static void
add_image (JsonBuilder *builder,
           QtrNode     *node,
           const char  *name,
           gint64       media_id)
{
  g_autoptr(QtrMedia) media = NULL;
  g_autoptr(GError) error = NULL;

  if (media_id <= 0)
    return;
  media = qtr_node_find_media (node, media_id, &error);
  if (media == NULL)
    {
      g_warning ("The profile's %s cannot be shown: %s", name, error->message);
      return;
    }
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "type", "Image");
  qtr_json_builder_add_string (builder, "mediaType", media->media_type);
  qtr_json_builder_add_string (builder, "url", media->url);
  json_builder_end_object (builder);
}

/* The profile's fields, as Mastodon publishes them: PropertyValue attachments, values as
 * HTML. */
static void
add_fields (JsonBuilder *builder,
            GStrv        fields)
{
  json_builder_set_member_name (builder, "attachment");
  json_builder_begin_array (builder);
  for (guint i = 0; fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    {
      g_autofree char *value = qtr_node_format_field_value (fields[i + 1]);

      json_builder_begin_object (builder);
      qtr_json_builder_add_string (builder, "type", "PropertyValue");
      qtr_json_builder_add_string (builder, "name", fields[i]);
      qtr_json_builder_add_string (builder, "value", value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * qtr_node_build_person:
 *
 * Returns: (transfer full) (nullable): the owner's actor document, as served and as sent in
 *   an Update; %NULL when the key cannot be exported (logged)
 */
JsonNode *
qtr_node_build_person (QtrNode *node)
{
  QtrNodeOwner *owner = qtr_node_get_owner (node);
  QtrNodeConfig *config = qtr_node_get_config (node);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *actor_url = qtr_node_get_actor_url (node);
  g_autofree char *escaped_name = g_uri_escape_string (owner->username, NULL, FALSE);
  g_autofree char *profile_url = g_strdup_printf ("%s/@%s", config->base_url, escaped_name);
  g_autofree char *shared_inbox = g_strconcat (config->base_url, "/inbox", NULL);
  g_autofree char *published = format_timestamp (owner->created_at);
  g_autofree char *public_pem = NULL;
  g_autoptr(GError) error = NULL;

  public_pem = qtr_key_export_public_pem (owner->key, &error);
  if (public_pem == NULL)
    {
      g_warning ("Cannot export the actor's public key: %s", error->message);
      return NULL;
    }

  json_builder_begin_object (builder);
  add_context (builder);
  qtr_json_builder_add_string (builder, "id", actor_url);
  qtr_json_builder_add_string (builder, "type", owner->bot ? "Service" : "Person");
  add_url (builder, "following", actor_url, "/following");
  add_url (builder, "followers", actor_url, "/followers");
  add_url (builder, "inbox", actor_url, "/inbox");
  add_url (builder, "outbox", actor_url, "/outbox");
  add_url (builder, "featured", actor_url, "/collections/featured");
  qtr_json_builder_add_string (builder, "preferredUsername", owner->username);
  qtr_json_builder_add_string (builder, "name", owner->display_name);
  qtr_json_builder_add_string (builder, "summary", owner->summary);
  qtr_json_builder_add_string (builder, "url", profile_url);
  json_builder_set_member_name (builder, "manuallyApprovesFollowers");
  json_builder_add_boolean_value (builder, config->manual_approval);
  json_builder_set_member_name (builder, "discoverable");
  json_builder_add_boolean_value (builder, owner->discoverable);
  add_fields (builder, owner->fields);
  qtr_json_builder_add_string (builder, "published", published);
  json_builder_set_member_name (builder, "alsoKnownAs");
  json_builder_begin_array (builder);
  for (guint i = 0; owner->also_known_as[i] != NULL; i++)
    json_builder_add_string_value (builder, owner->also_known_as[i]);
  json_builder_end_array (builder);
  if (owner->moved_to != NULL)
    qtr_json_builder_add_string (builder, "movedTo", owner->moved_to);
  add_image (builder, node, "icon", owner->avatar_id);
  add_image (builder, node, "image", owner->header_id);

  json_builder_set_member_name (builder, "publicKey");
  json_builder_begin_object (builder);
  add_url (builder, "id", actor_url, "#main-key");
  qtr_json_builder_add_string (builder, "owner", actor_url);
  qtr_json_builder_add_string (builder, "publicKeyPem", public_pem);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "endpoints");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "sharedInbox", shared_inbox);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
respond_profile_page (QtrNode           *node,
                      SoupServerMessage *msg)
{
  QtrNodeOwner *owner = qtr_node_get_owner (node);
  g_autofree char *host = qtr_node_get_host (node);
  g_autofree char *actor_url = qtr_node_get_actor_url (node);
  const char *name = *owner->display_name ? owner->display_name : owner->username;
  g_autofree char *summary = qtr_html_sanitize (owner->summary);
  g_autofree char *page = g_markup_printf_escaped (
    "<!DOCTYPE html>\n"
    "<html>\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>%s (@%s@%s)</title>\n"
    "<link rel=\"alternate\" type=\"application/activity+json\" href=\"%s\">\n"
    "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em;"
    "line-height:1.5}p.handle{color:#666}</style>\n"
    "</head>\n<body>\n<h1>%s</h1>\n<p class=\"handle\">@%s@%s</p>\n",
    name, owner->username, host, actor_url, name, owner->username, host);
  g_autofree char *moved = owner->moved_to == NULL ? g_strdup ("") : g_markup_printf_escaped (
    "<p class=\"moved\">This account has moved to <a href=\"%s\">%s</a>.</p>\n",
    owner->moved_to, owner->moved_to);
  g_autofree char *full = g_strconcat (page, moved, "<div class=\"summary\">", summary,
                                       "</div>\n</body>\n</html>\n", NULL);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Vary",
                                "Accept");
  qtr_node_respond_text (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", full);
}

static gboolean
is_owner_name (QtrNode    *node,
               const char *username)
{
  return username != NULL &&
         g_ascii_strcasecmp (username, qtr_node_get_owner (node)->username) == 0;
}

/* The actor is the same for every request until the profile changes: built once. */
static GBytes *
get_person_document (QtrNode *node)
{
  GBytes *document = qtr_node_get_document (node, "actor");
  g_autoptr(JsonNode) person = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GBytes) built = NULL;
  char *data;
  gsize length;

  if (document != NULL)
    return g_bytes_ref (document);

  person = qtr_node_build_person (node);
  if (person == NULL)
    return NULL;
  generator = json_generator_new ();
  json_generator_set_root (generator, person);
  data = json_generator_to_data (generator, &length);
  built = g_bytes_new_take (data, length);
  qtr_node_set_document (node, "actor", built);
  return g_steal_pointer (&built);
}

void
qtr_node_handle_actor (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  g_autoptr(GBytes) person = NULL;

  /* The owner is read again (when node.db says it changed) before every request is routed. */
  if (!is_owner_name (node, g_hash_table_lookup (params, "username")))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "No such account here");
      return;
    }

  if (!qtr_node_wants_activity_json (msg))
    {
      respond_profile_page (node, msg);
      return;
    }

  person = get_person_document (node);
  if (person == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                              "The actor cannot be served");
      return;
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Vary",
                                "Accept");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, QTR_AS2_CONTENT_TYPE, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (person, NULL), g_bytes_get_size (person));
}

void
qtr_node_handle_profile (QtrNode           *node,
                         SoupServerMessage *msg,
                         GHashTable        *params)
{
  if (!is_owner_name (node, g_hash_table_lookup (params, "username")))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "No such account here");
      return;
    }

  /* The document's id is the actor URL: a fetcher must land there to accept it. */
  if (qtr_node_wants_activity_json (msg))
    {
      g_autofree char *actor_url = qtr_node_get_actor_url (node);

      soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, actor_url);
      return;
    }
  respond_profile_page (node, msg);
}

#define OUTBOX_PAGE_SIZE 20

/* The outbox as Mastodon pages it: the collection names its first page; each page holds the
 * Create activities of public and unlisted posts (and followers-only ones @with_private),
 * newest first, and links to the next. */
static void
respond_outbox (QtrNode           *node,
                SoupServerMessage *msg,
                const char        *id,
                gboolean           with_private)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) form = query ? soup_form_decode (query) : NULL;
  g_autoptr(JsonObject) collection = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  const char *max_id_text = form ? g_hash_table_lookup (form, "max_id") : NULL;
  guint64 max_id = 0;
  JsonArray *items;

  json_object_set_string_member (collection, "@context", "https://www.w3.org/ns/activitystreams");
  json_node_set_object (root, collection);

  if (form == NULL || !g_hash_table_contains (form, "page"))
    {
      g_autofree char *first = g_strconcat (id, "?page=true", NULL);
      g_autofree char *last = g_strconcat (id, "?min_id=0&page=true", NULL);
      gint64 total = qtr_node_store_count_outbox (qtr_node_get_store (node), with_private,
                                                  &error);

      if (total < 0)
        {
          qtr_node_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Cannot read it now");
          return;
        }
      json_object_set_string_member (collection, "id", id);
      json_object_set_string_member (collection, "type", "OrderedCollection");
      json_object_set_int_member (collection, "totalItems", total);
      json_object_set_string_member (collection, "first", first);
      json_object_set_string_member (collection, "last", last);
      qtr_node_respond_json (msg, SOUP_STATUS_OK, QTR_AS2_CONTENT_TYPE, root);
      return;
    }

  if (max_id_text != NULL &&
      !g_ascii_string_to_unsigned (max_id_text, 10, 1, G_MAXINT64, &max_id, NULL))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "max_id must be a post id");
      return;
    }
  page = qtr_node_store_outbox_page (qtr_node_get_store (node), (gint64) max_id,
                                     OUTBOX_PAGE_SIZE, with_private, &error);
  if (page == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Cannot read it now");
      return;
    }

  {
    g_autofree char *page_id = max_id_text
      ? g_strdup_printf ("%s?max_id=%s&page=true", id, max_id_text)
      : g_strconcat (id, "?page=true", NULL);

    json_object_set_string_member (collection, "id", page_id);
  }
  json_object_set_string_member (collection, "type", "OrderedCollectionPage");
  json_object_set_string_member (collection, "partOf", id);
  items = json_array_new ();
  for (guint i = 0; i < page->len; i++)
    {
      QtrStatus *status = g_ptr_array_index (page, i);
      JsonObject *activity = qtr_json_parse_object (status->document,
                                                    strlen (status->document), NULL);

      if (activity == NULL)
        continue;
      json_object_remove_member (activity, "@context");
      json_array_add_object_element (items, activity);
    }
  json_object_set_array_member (collection, "orderedItems", items);
  if (page->len == OUTBOX_PAGE_SIZE)
    {
      QtrStatus *oldest = g_ptr_array_index (page, page->len - 1);
      g_autofree char *next = g_strdup_printf ("%s?max_id=%" G_GINT64_FORMAT "&page=true", id,
                                               oldest->id);

      json_object_set_string_member (collection, "next", next);
    }
  qtr_node_respond_json (msg, SOUP_STATUS_OK, QTR_AS2_CONTENT_TYPE, root);
}

static void
outbox_signer_cb (QtrNode           *node,
                  SoupServerMessage *msg,
                  QtrRemoteActor    *signer,
                  GError            *error,
                  gpointer           user_data)
{
  respond_outbox (node, msg, user_data,
                  signer != NULL &&
                  qtr_node_store_is_follower (qtr_node_get_store (node), signer->row, NULL));
}

/* As on Mastodon, a follower's signed fetch of the outbox lists the followers-only posts too;
 * the accounts the owner blocks get nothing. */
static void
respond_outbox_to_signer (QtrNode           *node,
                          SoupServerMessage *msg,
                          const char        *id)
{
  g_autoptr(QtrHttpSignature) signature = qtr_node_parse_signature (node, msg, NULL, NULL);

  if (signature == NULL)
    respond_outbox (node, msg, id, FALSE);
  else if (qtr_node_is_signed_by_blocked (node, msg))
    qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
  else
    qtr_node_verify_signer (node, msg, signature, outbox_signer_cb, g_strdup (id), g_free);
}

/* Mastodon's FollowerAccountsController and FollowingAccountsController: FOLLOW_PER_PAGE. */
#define FOLLOW_PAGE_SIZE 12

/* Followers and following as Mastodon serves them: the collection counts accepted follows and
 * names its first page; each page (`?page=N`, newest follow first) lists actor ids and links to
 * its neighbours. */
static void
respond_follows (QtrNode           *node,
                 SoupServerMessage *msg,
                 const char        *name,
                 const char        *id)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) form = query ? soup_form_decode (query) : NULL;
  const char *page_text = form ? g_hash_table_lookup (form, "page") : NULL;
  g_autoptr(JsonObject) collection = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) actors = NULL;
  JsonArray *items;
  guint64 page = 0;
  gint64 total;

  if (page_text != NULL &&
      !g_ascii_string_to_unsigned (page_text, 10, 1, G_MAXINT32, &page, NULL))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "page must be a page number");
      return;
    }

  total = qtr_node_store_count_follows (qtr_node_get_store (node), name, TRUE, &error);
  if (total >= 0 && page > 0)
    actors = qtr_node_store_list_follows (qtr_node_get_store (node), name,
                                          (gint64) (page - 1) * FOLLOW_PAGE_SIZE,
                                          FOLLOW_PAGE_SIZE, &error);
  if (error != NULL)
    {
      g_warning ("Cannot list %s: %s", name, error->message);
      qtr_node_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Cannot list them now");
      return;
    }

  json_object_set_string_member (collection, "@context", "https://www.w3.org/ns/activitystreams");
  json_node_set_object (root, collection);
  if (page == 0)
    {
      g_autofree char *first = g_strconcat (id, "?page=1", NULL);

      json_object_set_string_member (collection, "id", id);
      json_object_set_string_member (collection, "type", "OrderedCollection");
      json_object_set_int_member (collection, "totalItems", total);
      json_object_set_string_member (collection, "first", first);
      qtr_node_respond_json (msg, SOUP_STATUS_OK, QTR_AS2_CONTENT_TYPE, root);
      return;
    }

  {
    g_autofree char *page_id = g_strdup_printf ("%s?page=%" G_GUINT64_FORMAT, id, page);

    json_object_set_string_member (collection, "id", page_id);
  }
  json_object_set_string_member (collection, "type", "OrderedCollectionPage");
  json_object_set_int_member (collection, "totalItems", total);
  if ((gint64) (page * FOLLOW_PAGE_SIZE) < total)
    {
      g_autofree char *next = g_strdup_printf ("%s?page=%" G_GUINT64_FORMAT, id, page + 1);

      json_object_set_string_member (collection, "next", next);
    }
  if (page > 1)
    {
      g_autofree char *prev = g_strdup_printf ("%s?page=%" G_GUINT64_FORMAT, id, page - 1);

      json_object_set_string_member (collection, "prev", prev);
    }
  json_object_set_string_member (collection, "partOf", id);
  items = json_array_new ();
  for (guint i = 0; actors[i] != NULL; i++)
    json_array_add_string_element (items, actors[i]);
  json_object_set_array_member (collection, "orderedItems", items);
  qtr_node_respond_json (msg, SOUP_STATUS_OK, QTR_AS2_CONTENT_TYPE, root);
}

/* The owner's collections: followers and following, the outbox (paged), and the featured
 * (pinned) posts. */
void
qtr_node_handle_collection (QtrNode           *node,
                            SoupServerMessage *msg,
                            GHashTable        *params)
{
  const char *name = g_hash_table_lookup (params, "collection");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *actor_url = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) pinned = NULL;
  GUri *uri = soup_server_message_get_uri (msg);

  if (!is_owner_name (node, g_hash_table_lookup (params, "username")) ||
      !(g_str_equal (name, "followers") || g_str_equal (name, "following") ||
        g_str_equal (name, "outbox") || g_str_equal (name, "featured")) ||
      (g_str_equal (name, "featured") != (strstr (g_uri_get_path (uri), "/collections/") != NULL)))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }

  actor_url = qtr_node_get_actor_url (node);
  id = g_strconcat (actor_url, g_str_equal (name, "featured") ? "/collections/" : "/", name,
                    NULL);
  if (g_str_equal (name, "followers") || g_str_equal (name, "following"))
    {
      respond_follows (node, msg, name, id);
      return;
    }
  if (g_str_equal (name, "outbox"))
    {
      respond_outbox_to_signer (node, msg, id);
      return;
    }
  {
    g_autoptr(GError) error = NULL;

    pinned = qtr_node_store_list_pinned_documents (qtr_node_get_store (node), &error);
    if (pinned == NULL)
      {
        g_warning ("Cannot list the pinned posts: %s", error->message);
        qtr_node_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Cannot list them now");
        return;
      }
  }
  /* The pinned posts, as Mastodon serves them: the Notes themselves. */
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "@context", "https://www.w3.org/ns/activitystreams");
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "type", "OrderedCollection");
  json_builder_set_member_name (builder, "totalItems");
  json_builder_add_int_value (builder, g_strv_length (pinned));
  json_builder_set_member_name (builder, "orderedItems");
  json_builder_begin_array (builder);
  for (guint i = 0; pinned[i] != NULL; i++)
    {
      g_autoptr(JsonObject) note = qtr_json_parse_object (pinned[i], strlen (pinned[i]), NULL);

      if (note == NULL)
        continue;
      json_object_remove_member (note, "@context");
      {
        g_autoptr(JsonNode) item = json_node_new (JSON_NODE_OBJECT);

        json_node_set_object (item, note);
        json_builder_add_value (builder, g_steal_pointer (&item));
      }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  qtr_node_respond_json (msg, SOUP_STATUS_OK, QTR_AS2_CONTENT_TYPE, root);
}

/* Whether the owner took back what @uri names: a post deleted, or a boost undone (a reblog's
 * id is its Announce's), or the Create of a deleted post (`POST/activity`). */
static gboolean
is_taken_back (QtrNode     *node,
               const char  *uri,
               GError     **error)
{
  g_autoptr(QtrStatus) status = NULL;
  g_autofree char *post_uri = NULL;
  gboolean deleted = FALSE;

  status = qtr_node_store_find_status (qtr_node_get_store (node), uri, &deleted, error);
  if (deleted || status != NULL || (error != NULL && *error != NULL) ||
      !g_str_has_suffix (uri, "/activity"))
    return deleted;
  post_uri = g_strndup (uri, strlen (uri) - strlen ("/activity"));
  g_clear_pointer (&status, qtr_status_free);
  status = qtr_node_store_find_status (qtr_node_get_store (node), post_uri, &deleted, error);
  return deleted;
}

/* Our own activities, at their ids, as they were delivered, to those they address (see
 * qtr-node-audience.c); 410 Gone once what they did is taken back, as on Mastodon. */
void
qtr_node_handle_activity (QtrNode           *node,
                          SoupServerMessage *msg,
                          GHashTable        *params)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (qtr_node_get_base_url (node),
                                      g_uri_get_path (soup_server_message_get_uri (msg)), NULL);
  g_autofree char *body = NULL;

  if (is_taken_back (node, uri, &error))
    {
      qtr_node_respond_tombstone (msg, uri);
      return;
    }
  if (error == NULL)
    body = qtr_node_store_get_activity_body (qtr_node_get_store (node), uri, &error);
  if (body == NULL)
    {
      qtr_node_respond_error (msg, error ? SOUP_STATUS_INTERNAL_SERVER_ERROR
                                         : SOUP_STATUS_NOT_FOUND,
                              error ? "Cannot read it now" : "Not found");
      return;
    }
  qtr_node_respond_to_audience (node, msg, body);
}
