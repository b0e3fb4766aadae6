/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-activity.h"

#include <string.h>

#include "qtr-html.h"
#include "qtr-url.h"

/* ActivityStreams 2.0 as the fediverse sends it, read at the edge into typed structs.
 *
 * Senders disagree on shapes, so each field accepts the shapes real servers emit and nothing
 * else: a value or an array of one (JSON-LD compaction), a string id or an object carrying
 * it, `null` for "none" (Pleroma writes `"sensitive": null`), a single string where an array
 * is usual (GoToSocial's `"to": "…#Public"`). A wrong JSON type, a URL that is not absolute
 * http(s), a date that is not ISO 8601 or a string or array over its cap fails the whole
 * document: half-read activities are worse than refused ones. Fields we do not read are never
 * looked at, so their shape cannot fail a document.
 *
 * Parsing says nothing about authority; qtr_activity_check_origin() does, following
 * Mastodon's rule that a server speaks only for objects on its own host.
 *
 * Addressing follows Mastodon exactly: ActivityPub::TagManager#to and #cc
 * (app/lib/activitypub/tag_manager.rb) when building, and
 * ActivityPub::Parser::StatusParser#visibility (app/lib/activitypub/parser/status_parser.rb,
 * formerly ActivityPub::Activity::Create#visibility_from_audience) when reading. */

/* How many `url` alternatives (PeerTube, Funkwhale) or `icon` images we look through. */
#define MAX_ALTERNATIVES 20
#define MAX_DATE_LENGTH 64

G_DEFINE_QUARK (qtr-activity-error-quark, qtr_activity_error)

G_DEFINE_BOXED_TYPE (QtrActivity, qtr_activity, qtr_activity_ref, qtr_activity_unref)
G_DEFINE_BOXED_TYPE (QtrNote, qtr_note, qtr_note_ref, qtr_note_unref)
G_DEFINE_BOXED_TYPE (QtrActorDoc, qtr_actor_doc, qtr_actor_doc_ref, qtr_actor_doc_unref)

static const struct {
  const char      *name;
  QtrActivityType  type;
} activity_types[] = {
  { "Follow", QTR_ACTIVITY_TYPE_FOLLOW },
  { "Accept", QTR_ACTIVITY_TYPE_ACCEPT },
  { "Reject", QTR_ACTIVITY_TYPE_REJECT },
  { "Undo", QTR_ACTIVITY_TYPE_UNDO },
  { "Create", QTR_ACTIVITY_TYPE_CREATE },
  { "Update", QTR_ACTIVITY_TYPE_UPDATE },
  { "Delete", QTR_ACTIVITY_TYPE_DELETE },
  { "Announce", QTR_ACTIVITY_TYPE_ANNOUNCE },
  { "Like", QTR_ACTIVITY_TYPE_LIKE },
  { "Block", QTR_ACTIVITY_TYPE_BLOCK },
  { "Move", QTR_ACTIVITY_TYPE_MOVE },
  { "Flag", QTR_ACTIVITY_TYPE_FLAG },
  { "Add", QTR_ACTIVITY_TYPE_ADD },
  { "Remove", QTR_ACTIVITY_TYPE_REMOVE },
};

static const char * const note_types[] = {
  [QTR_NOTE_TYPE_NOTE] = "Note",
  [QTR_NOTE_TYPE_QUESTION] = "Question",
  [QTR_NOTE_TYPE_ARTICLE] = "Article",
  [QTR_NOTE_TYPE_PAGE] = "Page",
};

static const char * const actor_types[] = {
  [QTR_ACTOR_TYPE_PERSON] = "Person",
  [QTR_ACTOR_TYPE_SERVICE] = "Service",
  [QTR_ACTOR_TYPE_GROUP] = "Group",
  [QTR_ACTOR_TYPE_APPLICATION] = "Application",
  [QTR_ACTOR_TYPE_ORGANIZATION] = "Organization",
};

static const char * const attachment_types[] = {
  [QTR_ATTACHMENT_TYPE_DOCUMENT] = "Document",
  [QTR_ATTACHMENT_TYPE_IMAGE] = "Image",
  [QTR_ATTACHMENT_TYPE_VIDEO] = "Video",
  [QTR_ATTACHMENT_TYPE_AUDIO] = "Audio",
};

/* The alphabet of blurhash's base 83. */
static const char blurhash_digits[] =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

static QtrActivity *parse_activity (JsonObject  *json,
                                    guint        depth,
                                    GError     **error);

/* Errors */

static gboolean
fail (GError           **error,
      QtrActivityError   code,
      const char        *field,
      const char        *problem)
{
  g_set_error (error, QTR_ACTIVITY_ERROR, code, "%s: %s", field, problem);
  return FALSE;
}

static gboolean
fail_too_long (GError     **error,
               const char  *field,
               gsize        max_length)
{
  g_set_error (error, QTR_ACTIVITY_ERROR, QTR_ACTIVITY_ERROR_TOO_LARGE,
               "%s: longer than %" G_GSIZE_FORMAT " bytes", field, max_length);
  return FALSE;
}

static gboolean
fail_too_many (GError     **error,
               const char  *field,
               guint        max_entries)
{
  g_set_error (error, QTR_ACTIVITY_ERROR, QTR_ACTIVITY_ERROR_TOO_LARGE,
               "%s: more than %u entries", field, max_entries);
  return FALSE;
}

/* Reading JSON values */

/* The member's value, or NULL when it is absent or null: senders write null for "none". */
static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

static gboolean
is_string_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
check_string (JsonNode     *node,
              const char   *field,
              gsize         max_length,
              const char  **out,
              GError      **error)
{
  const char *value;

  if (!is_string_node (node))
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field, "not a string");

  value = json_node_get_string (node);
  if (strlen (value) > max_length)
    return fail_too_long (error, field, max_length);
  if (!g_utf8_validate (value, -1, NULL))
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field, "not valid UTF-8");

  *out = value;
  return TRUE;
}

/* Reads an optional (or @required) string member into *@out, left NULL when absent. */
static gboolean
read_string (JsonObject  *object,
             const char  *name,
             gsize        max_length,
             gboolean     required,
             char       **out,
             GError     **error)
{
  JsonNode *node = get_member (object, name);
  const char *value;

  if (node == NULL)
    return !required || fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, name, "missing");
  if (!check_string (node, name, max_length, &value, error))
    return FALSE;

  *out = g_strdup (value);
  return TRUE;
}

/* The type of an object, which must be a single string. */
static gboolean
read_type (JsonObject  *object,
           const char **out,
           GError     **error)
{
  JsonNode *node = get_member (object, "type");

  if (node == NULL)
    return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, "type", "missing");
  return check_string (node, "type", QTR_ACTIVITY_MAX_NAME_LENGTH, out, error);
}

static char *
normalize_url (const char  *value,
               const char  *field,
               GError     **error)
{
  char *url = qtr_url_normalize (value, NULL);

  if (url == NULL)
    fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field, "not an absolute http(s) URL");
  return url;
}

static gboolean
read_url_node (JsonNode    *node,
               const char  *field,
               char       **out,
               GError     **error)
{
  const char *value;

  if (!check_string (node, field, QTR_ACTIVITY_MAX_URL_LENGTH, &value, error))
    return FALSE;

  *out = normalize_url (value, field, error);
  return *out != NULL;
}

/* An id given as a string, or as an object carrying it (`"actor": {"id": …}`). */
static gboolean
read_id_node (JsonNode    *node,
              const char  *field,
              char       **out,
              GError     **error)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *id_field = g_strdup_printf ("%s.id", field);
      JsonNode *id = get_member (json_node_get_object (node), "id");

      if (id == NULL)
        return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, id_field, "missing");
      return read_url_node (id, id_field, out, error);
    }
  if (!is_string_node (node))
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field, "not a string or an object");
  return read_url_node (node, field, out, error);
}

static gboolean
read_url (JsonObject  *object,
          const char  *name,
          gboolean     required,
          char       **out,
          GError     **error)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL)
    return !required || fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, name, "missing");
  return read_url_node (node, name, out, error);
}

static gboolean
read_id (JsonObject  *object,
         const char  *name,
         gboolean     required,
         char       **out,
         GError     **error)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL)
    return !required || fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, name, "missing");
  return read_id_node (node, name, out, error);
}

/* JSON-LD may give a single value as an array of one; an array of several is refused. */
static gboolean
unwrap_single (JsonNode    *node,
               const char  *field,
               JsonNode   **out,
               GError     **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *out = node;
      return TRUE;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, field, "empty");
  if (json_array_get_length (array) > 1)
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field, "holds several values");

  *out = json_array_get_element (array, 0);
  if (JSON_NODE_HOLDS_NULL (*out))
    return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, field, "missing");
  return TRUE;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *name,
              gboolean    *out,
              GError     **error)
{
  JsonNode *node = get_member (object, name);

  *out = FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, name, "not a boolean");

  *out = json_node_get_boolean (node);
  return TRUE;
}

/* A count or a size: a JSON integer from 0 to G_MAXINT32; 0 when absent. */
static gboolean
read_count (JsonObject  *object,
            const char  *name,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = get_member (object, name);
  gint64 value;

  *out = 0;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, name, "not an integer");

  value = json_node_get_int (node);
  if (value < 0 || value > G_MAXINT32)
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, name, "out of range");

  *out = value;
  return TRUE;
}

static gboolean
parse_time (JsonNode    *node,
            const char  *field,
            gint64      *out,
            GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = NULL;
  const char *text;

  if (!check_string (node, field, MAX_DATE_LENGTH, &text, error))
    return FALSE;

  time = g_date_time_new_from_iso8601 (text, utc);
  if (time == NULL)
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field, "not an ISO 8601 date");

  *out = g_date_time_to_unix (time);
  return TRUE;
}

/* An ISO 8601 date as unix time; 0 when absent. */
static gboolean
read_time (JsonObject  *object,
           const char  *name,
           gint64      *out,
           GError     **error)
{
  JsonNode *node = get_member (object, name);

  *out = 0;
  return node == NULL || parse_time (node, name, out, error);
}

/* A member that may be a single value or an array of values, walked alike. Absent and null
 * members are empty lists; null entries of an array are left to the caller to skip. */
typedef struct {
  JsonNode  *single;
  JsonArray *array;
  guint      length;
} NodeList;

static gboolean
node_list_init (NodeList    *list,
                JsonObject  *object,
                const char  *name,
                guint        max_entries,
                GError     **error)
{
  JsonNode *node = get_member (object, name);

  memset (list, 0, sizeof *list);
  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      list->array = json_node_get_array (node);
      list->length = json_array_get_length (list->array);
    }
  else
    {
      list->single = node;
      list->length = 1;
    }

  if (list->length > max_entries)
    return fail_too_many (error, name, max_entries);
  return TRUE;
}

static JsonNode *
node_list_get (NodeList *list,
               guint     index)
{
  if (list->array != NULL)
    return json_array_get_element (list->array, index);
  return list->single;
}

typedef gboolean (*ParseElementFunc) (JsonObject  *element,
                                      gpointer     target,
                                      GError     **error);

/* Runs @func on each object of the member @name (a value or an array), skipping nulls. Errors
 * get the entry's place in front: `tag[2].href: missing`. */
static gboolean
parse_each (JsonObject        *object,
            const char        *name,
            guint              max_entries,
            ParseElementFunc   func,
            gpointer           target,
            GError           **error)
{
  NodeList list;

  if (!node_list_init (&list, object, name, max_entries, error))
    return FALSE;

  for (guint i = 0; i < list.length; i++)
    {
      g_autofree char *field = list.array != NULL ? g_strdup_printf ("%s[%u]", name, i)
                                                  : g_strdup (name);
      JsonNode *node = node_list_get (&list, i);

      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field, "not an object");
      if (!func (json_node_get_object (node), target, error))
        {
          g_prefix_error (error, "%s.", field);
          return FALSE;
        }
    }
  return TRUE;
}

static GStrv
steal_strv (GPtrArray **array)
{
  GPtrArray *strings = g_steal_pointer (array);

  g_ptr_array_add (strings, NULL);
  return (GStrv) g_ptr_array_free (strings, FALSE);
}

/* A list of ids (`alsoKnownAs`), given as strings or objects carrying them. */
static gboolean
read_id_list (JsonObject  *object,
              const char  *name,
              guint        max_entries,
              GStrv       *out,
              GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  NodeList list;

  if (!node_list_init (&list, object, name, max_entries, error))
    return FALSE;

  for (guint i = 0; i < list.length; i++)
    {
      g_autofree char *field = list.array != NULL ? g_strdup_printf ("%s[%u]", name, i)
                                                  : g_strdup (name);
      JsonNode *node = node_list_get (&list, i);
      char *id = NULL;

      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!read_id_node (node, field, &id, error))
        return FALSE;
      g_ptr_array_add (ids, id);
    }

  *out = steal_strv (&ids);
  return TRUE;
}

/* `to` or `cc`: ids, with the shorthands of the public collection spelled out. */
static gboolean
read_audience (JsonObject  *object,
               const char  *name,
               GStrv       *out,
               GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  NodeList list;

  if (!node_list_init (&list, object, name, QTR_ACTIVITY_MAX_RECIPIENTS, error))
    return FALSE;

  for (guint i = 0; i < list.length; i++)
    {
      g_autofree char *field = list.array != NULL ? g_strdup_printf ("%s[%u]", name, i)
                                                  : g_strdup (name);
      JsonNode *node = node_list_get (&list, i);
      char *id = NULL;

      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (is_string_node (node) && qtr_activity_is_public_collection (json_node_get_string (node)))
        id = g_strdup (QTR_ACTIVITY_PUBLIC);
      else if (!read_id_node (node, field, &id, error))
        return FALSE;
      g_ptr_array_add (ids, id);
    }

  *out = steal_strv (&ids);
  return TRUE;
}

static const char *
get_media_type (JsonNode *node)
{
  JsonNode *media_type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  media_type = get_member (json_node_get_object (node), "mediaType");
  if (media_type == NULL || !is_string_node (media_type))
    return NULL;
  return json_node_get_string (media_type);
}

/* A `url`: a string, a Link object (its href) or an array of either. Of an array of Links the
 * first whose mediaType is @preferred_type is taken, and none when none is (Mastodon's
 * JsonLdHelper#url_to_href); of an array of strings, the first. */
static gboolean
read_href_node (JsonNode    *node,
                const char  *field,
                const char  *preferred_type,
                char       **out,
                GError     **error)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint length = json_array_get_length (array);
      JsonNode *chosen = NULL;

      if (length > MAX_ALTERNATIVES)
        return fail_too_many (error, field, MAX_ALTERNATIVES);
      if (length == 0)
        return TRUE;

      if (is_string_node (json_array_get_element (array, 0)))
        chosen = json_array_get_element (array, 0);
      for (guint i = 0; chosen == NULL && i < length; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_OBJECT (element))
            return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field,
                         "not an array of strings or Links");
          if (preferred_type == NULL || g_strcmp0 (get_media_type (element), preferred_type) == 0)
            chosen = element;
        }
      if (chosen == NULL)
        return TRUE;
      node = chosen;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *href_field = g_strdup_printf ("%s.href", field);
      JsonNode *href = get_member (json_node_get_object (node), "href");

      if (href == NULL)
        return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, href_field, "missing");
      return read_url_node (href, href_field, out, error);
    }

  if (!is_string_node (node))
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field, "not a string or a Link");
  return read_url_node (node, field, out, error);
}

static gboolean
read_href (JsonObject  *object,
           const char  *name,
           const char  *preferred_type,
           char       **out,
           GError     **error)
{
  JsonNode *node = get_member (object, name);

  return node == NULL || read_href_node (node, name, preferred_type, out, error);
}

/* `icon` or `image` of an actor: a URL, or an Image whose `url` is one (the first of an
 * array of Images). */
static gboolean
read_image (JsonObject  *object,
            const char  *name,
            char       **out,
            GError     **error)
{
  JsonNode *node = get_member (object, name);
  g_autofree char *url_field = g_strdup_printf ("%s.url", name);
  JsonNode *url;

  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) > MAX_ALTERNATIVES)
        return fail_too_many (error, name, MAX_ALTERNATIVES);
      if (json_array_get_length (array) == 0)
        return TRUE;
      node = json_array_get_element (array, 0);
    }

  if (is_string_node (node))
    return read_url_node (node, name, out, error);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, name, "not a string or an Image");

  url = get_member (json_node_get_object (node), "url");
  if (url == NULL)
    return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, url_field, "missing");
  return read_href_node (url, url_field, NULL, out, error);
}

/* Plain text from a string member that may hold HTML; NULL when absent or blank. */
static gboolean
read_plain_text (JsonObject  *object,
                 const char  *name,
                 gsize        max_length,
                 char       **out,
                 GError     **error)
{
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;

  if (!read_string (object, name, max_length, FALSE, &html, error))
    return FALSE;
  if (html == NULL)
    return TRUE;

  text = g_strstrip (qtr_html_to_text (html));
  if (*text != '\0')
    *out = g_steal_pointer (&text);
  return TRUE;
}

static gboolean
read_html (JsonObject  *object,
           const char  *name,
           gsize        max_length,
           gboolean     required,
           char       **out,
           GError     **error)
{
  g_autofree char *html = NULL;

  if (!read_string (object, name, max_length, required, &html, error))
    return FALSE;
  if (html != NULL)
    *out = qtr_html_sanitize (html);
  return TRUE;
}

static int
find_name (const char * const *names,
           guint               n_names,
           const char         *name)
{
  for (guint i = 0; i < n_names; i++)
    {
      if (g_strcmp0 (names[i], name) == 0)
        return i;
    }
  return -1;
}

static gboolean
is_note_type (const char *type_name)
{
  return find_name (note_types, G_N_ELEMENTS (note_types), type_name) >= 0;
}

static gboolean
is_actor_type (const char *type_name)
{
  return find_name (actor_types, G_N_ELEMENTS (actor_types), type_name) >= 0;
}

/* BCP 47 in its common shape: a primary subtag of letters, then subtags of letters and
 * digits, each 1 to 8 long (`en`, `und`, `zh-Hant-TW`, `de-CH-1996`). */
static gboolean
is_language_tag (const char *tag)
{
  gsize subtag_length = 0;
  gboolean primary = TRUE;

  if (*tag == '\0')
    return FALSE;

  for (const char *p = tag; *p != '\0'; p++)
    {
      if (*p == '-')
        {
          if (subtag_length == 0)
            return FALSE;
          subtag_length = 0;
          primary = FALSE;
          continue;
        }
      if (primary ? !g_ascii_isalpha (*p) : !g_ascii_isalnum (*p))
        return FALSE;
      if (++subtag_length > 8)
        return FALSE;
    }
  return subtag_length > 0;
}

/* Mastodon's check (ActivityPub::Parser::MediaAttachmentParser#supported_blurhash?): base 83
 * digits, the length its size flag announces, and at most 5 components each way. */
static gboolean
is_valid_blurhash (const char *hash)
{
  const char *digit;
  int size_flag;
  int x_components;
  int y_components;

  for (const char *p = hash; *p != '\0'; p++)
    {
      if (strchr (blurhash_digits, *p) == NULL)
        return FALSE;
    }

  if (*hash == '\0')
    return FALSE;

  digit = strchr (blurhash_digits, hash[0]);
  size_flag = digit - blurhash_digits;
  x_components = size_flag % 9 + 1;
  y_components = size_flag / 9 + 1;

  return x_components <= 5 && y_components <= 5 &&
         strlen (hash) == (gsize) (4 + 2 * x_components * y_components);
}

/* Notes */

static void
mention_free (QtrMention *mention)
{
  g_free (mention->href);
  g_free (mention->name);
  g_free (mention);
}

static void
hashtag_free (QtrHashtag *hashtag)
{
  g_free (hashtag->name);
  g_free (hashtag->href);
  g_free (hashtag);
}

/**
 * qtr_attachment_free:
 *
 * Frees an attachment made by the parser, or by whoever reads one back from storage.
 */
void
qtr_attachment_free (QtrAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->url);
  g_free (attachment->media_type);
  g_free (attachment->description);
  g_free (attachment->blurhash);
  g_free (attachment);
}

static void
poll_option_free (QtrPollOption *option)
{
  g_free (option->name);
  g_free (option);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrMention, mention_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrHashtag, hashtag_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrPollOption, poll_option_free)

static void
note_clear (QtrNote *self)
{
  g_free (self->type_name);
  g_free (self->id);
  g_free (self->attributed_to);
  g_free (self->content);
  g_free (self->language);
  g_free (self->name);
  g_free (self->summary);
  g_free (self->in_reply_to);
  g_free (self->url);
  g_strfreev (self->to);
  g_strfreev (self->cc);
  g_clear_pointer (&self->mentions, g_ptr_array_unref);
  g_clear_pointer (&self->hashtags, g_ptr_array_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_clear_pointer (&self->poll_options, g_ptr_array_unref);
}

static QtrNote *
note_new (void)
{
  QtrNote *self = g_atomic_rc_box_new0 (QtrNote);

  self->mentions = g_ptr_array_new_with_free_func ((GDestroyNotify) mention_free);
  self->hashtags = g_ptr_array_new_with_free_func ((GDestroyNotify) hashtag_free);
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_attachment_free);
  self->poll_options = g_ptr_array_new_with_free_func ((GDestroyNotify) poll_option_free);
  return self;
}

/* The author: a string, an object carrying an id, or an array of those from which the first
 * string or Person is taken (PeerTube attributes a video to a Person and a Group). */
static gboolean
read_attributed_to (JsonObject  *object,
                    char       **out,
                    GError     **error)
{
  const char *name = "attributedTo";
  JsonNode *node = get_member (object, name);
  JsonArray *array;

  if (node == NULL)
    return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, name, "missing");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return read_id_node (node, name, out, error);

  array = json_node_get_array (node);
  if (json_array_get_length (array) > QTR_ACTIVITY_MAX_ATTRIBUTIONS)
    return fail_too_many (error, name, QTR_ACTIVITY_MAX_ATTRIBUTIONS);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *field = g_strdup_printf ("%s[%u]", name, i);
      JsonNode *element = json_array_get_element (array, i);
      JsonNode *type;

      if (is_string_node (element))
        return read_id_node (element, field, out, error);
      if (!JSON_NODE_HOLDS_OBJECT (element))
        return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, field, "not a string or an object");

      type = get_member (json_node_get_object (element), "type");
      if (type != NULL && is_string_node (type) &&
          g_strcmp0 (json_node_get_string (type), "Person") == 0)
        return read_id_node (element, field, out, error);
    }

  return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, name, "names no Person");
}

/* `content`, or the `contentMap` entry, and the language. The language is the key of the
 * contentMap entry equal to `content` (Friendica puts richer HTML in the map than in
 * `content`, so they may all differ), else of the first entry; without `content` the first
 * entry is the content (Mastodon's StatusParser#text and #language). A key that is no
 * language tag (`en_US`) leaves the language unknown rather than refusing the post. */
static gboolean
read_content (JsonObject  *object,
              QtrNote     *note,
              GError     **error)
{
  g_autofree char *content = NULL;
  g_autoptr(GList) keys = NULL;
  const char *first_key = NULL;
  const char *first_value = NULL;
  const char *language = NULL;
  JsonNode *map_node;
  JsonObject *map;

  if (!read_string (object, "content", QTR_ACTIVITY_MAX_CONTENT_LENGTH, FALSE, &content, error))
    return FALSE;

  map_node = get_member (object, "contentMap");
  if (map_node != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (map_node))
        return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, "contentMap", "not an object");
      map = json_node_get_object (map_node);
      if (json_object_get_size (map) > QTR_ACTIVITY_MAX_LANGUAGES)
        return fail_too_many (error, "contentMap", QTR_ACTIVITY_MAX_LANGUAGES);

      /* The members come in the order they were written. */
      keys = json_object_get_members (map);
      for (GList *l = keys; l != NULL; l = l->next)
        {
          JsonNode *value_node = get_member (map, l->data);
          const char *value;

          if (value_node == NULL)
            continue;
          if (!check_string (value_node, "contentMap", QTR_ACTIVITY_MAX_CONTENT_LENGTH, &value,
                             error))
            return FALSE;

          if (first_key == NULL)
            {
              first_key = l->data;
              first_value = value;
            }
          if (language == NULL && content != NULL && strcmp (value, content) == 0)
            language = l->data;
        }
    }

  if (language == NULL)
    language = first_key;
  if (content == NULL && first_value != NULL)
    content = g_strdup (first_value);

  if (language != NULL && strlen (language) <= QTR_ACTIVITY_MAX_NAME_LENGTH &&
      is_language_tag (language))
    note->language = g_strdup (language);
  if (content != NULL)
    note->content = qtr_html_sanitize (content);
  return TRUE;
}

static gboolean
parse_tag (JsonObject  *object,
           gpointer     target,
           GError     **error)
{
  QtrNote *note = target;
  const char *type;
  JsonNode *type_node;

  /* Emoji, Link and the like are not read. */
  type_node = get_member (object, "type");
  if (type_node == NULL)
    return TRUE;
  if (!check_string (type_node, "type", QTR_ACTIVITY_MAX_NAME_LENGTH, &type, error))
    return FALSE;

  if (strcmp (type, "Mention") == 0)
    {
      g_autoptr(QtrMention) mention = g_new0 (QtrMention, 1);

      if (!read_url (object, "href", TRUE, &mention->href, error) ||
          !read_string (object, "name", QTR_ACTIVITY_MAX_NAME_LENGTH, FALSE, &mention->name,
                        error))
        return FALSE;
      g_ptr_array_add (note->mentions, g_steal_pointer (&mention));
    }
  else if (strcmp (type, "Hashtag") == 0)
    {
      g_autoptr(QtrHashtag) hashtag = g_new0 (QtrHashtag, 1);
      g_autofree char *name = NULL;
      const char *bare;

      if (!read_string (object, "name", QTR_ACTIVITY_MAX_NAME_LENGTH, TRUE, &name, error) ||
          !read_url (object, "href", FALSE, &hashtag->href, error))
        return FALSE;

      bare = name[0] == '#' ? name + 1 : name;
      if (*bare == '\0')
        return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, "name", "empty");
      hashtag->name = g_strdup (bare);
      g_ptr_array_add (note->hashtags, g_steal_pointer (&hashtag));
    }
  return TRUE;
}

/* The alt text, as Mastodon reads it: `summary`, else `name`; trimmed, NULL when blank. */
static gboolean
read_description (JsonObject  *object,
                  char       **out,
                  GError     **error)
{
  const char * const names[] = { "summary", "name" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *text = NULL;

      if (!read_string (object, names[i], QTR_ACTIVITY_MAX_TEXT_LENGTH, FALSE, &text, error))
        return FALSE;
      if (text != NULL && *g_strstrip (text) != '\0')
        {
          *out = g_steal_pointer (&text);
          return TRUE;
        }
    }
  return TRUE;
}

static gboolean
parse_attachment (JsonObject  *object,
                  gpointer     target,
                  GError     **error)
{
  g_autoptr(QtrAttachment) attachment = NULL;
  g_autofree char *blurhash = NULL;
  QtrNote *note = target;
  const char *type;
  int index;

  if (!read_type (object, &type, error))
    return FALSE;
  index = find_name (attachment_types, G_N_ELEMENTS (attachment_types), type);
  if (index < 0)
    return TRUE;

  attachment = g_new0 (QtrAttachment, 1);
  attachment->type = index;

  if (!read_href (object, "url", NULL, &attachment->url, error) ||
      !read_string (object, "mediaType", QTR_ACTIVITY_MAX_NAME_LENGTH, FALSE,
                    &attachment->media_type, error) ||
      !read_description (object, &attachment->description, error) ||
      !read_string (object, "blurhash", QTR_ACTIVITY_MAX_NAME_LENGTH, FALSE, &blurhash,
                    error) ||
      !read_count (object, "width", &attachment->width, error) ||
      !read_count (object, "height", &attachment->height, error))
    return FALSE;

  if (attachment->url == NULL)
    return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, "url", "missing");
  if (blurhash != NULL && is_valid_blurhash (blurhash))
    attachment->blurhash = g_steal_pointer (&blurhash);

  g_ptr_array_add (note->attachments, g_steal_pointer (&attachment));
  return TRUE;
}

static gboolean
parse_poll_option (JsonObject  *object,
                   gpointer     target,
                   GError     **error)
{
  g_autoptr(QtrPollOption) option = g_new0 (QtrPollOption, 1);
  QtrNote *note = target;
  JsonNode *replies;

  if (!read_string (object, "name", QTR_ACTIVITY_MAX_NAME_LENGTH, TRUE, &option->name, error))
    return FALSE;

  replies = get_member (object, "replies");
  if (replies != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (replies))
        return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, "replies", "not an object");
      if (!read_count (json_node_get_object (replies), "totalItems", &option->votes, error))
        {
          g_prefix_error (error, "replies.");
          return FALSE;
        }
    }

  g_ptr_array_add (note->poll_options, g_steal_pointer (&option));
  return TRUE;
}

/* The options of a Question (`anyOf` lets voters pick several) and when it closes
 * (`endTime`, else the date in `closed`), as Mastodon's PollParser reads them. */
static gboolean
read_poll (JsonObject  *object,
           QtrNote     *note,
           GError     **error)
{
  JsonNode *closed;

  note->poll_multiple = get_member (object, "anyOf") != NULL;
  if (!parse_each (object, note->poll_multiple ? "anyOf" : "oneOf",
                   QTR_ACTIVITY_MAX_POLL_OPTIONS, parse_poll_option, note, error))
    return FALSE;

  if (!read_time (object, "endTime", &note->poll_end_time, error))
    return FALSE;
  if (get_member (object, "votersCount") != NULL)
    {
      if (!read_count (object, "votersCount", &note->poll_voters_count, error))
        return FALSE;
    }
  else
    note->poll_voters_count = -1;
  closed = get_member (object, "closed");
  note->poll_closed = closed != NULL &&
                      (is_string_node (closed) ||
                       (JSON_NODE_HOLDS_VALUE (closed) &&
                        json_node_get_value_type (closed) == G_TYPE_BOOLEAN &&
                        json_node_get_boolean (closed)));
  if (note->poll_end_time == 0 && closed != NULL && is_string_node (closed))
    return parse_time (closed, "closed", &note->poll_end_time, error);
  return TRUE;
}

/**
 * qtr_note_parse:
 * @json: a Note, Question, Article or Page
 *
 * Reads and validates a post. `id`, `type` and `attributedTo` are required; everything else
 * may be absent.
 *
 * Returns: (transfer full): the note, or %NULL with @error set in %QTR_ACTIVITY_ERROR
 */
QtrNote *
qtr_note_parse (JsonObject  *json,
                GError     **error)
{
  g_autoptr(QtrNote) note = note_new ();
  const char *type;
  JsonNode *in_reply_to;
  int index;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_type (json, &type, error))
    return NULL;
  index = find_name (note_types, G_N_ELEMENTS (note_types), type);
  if (index < 0)
    {
      fail (error, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE, "type", "not a Note, Question, "
            "Article or Page");
      return NULL;
    }
  note->type = index;
  note->type_name = g_strdup (type);

  if (!read_url (json, "id", TRUE, &note->id, error) ||
      !read_attributed_to (json, &note->attributed_to, error) ||
      !read_content (json, note, error) ||
      !read_string (json, "name", QTR_ACTIVITY_MAX_NAME_LENGTH, FALSE, &note->name, error) ||
      !read_plain_text (json, "summary", QTR_ACTIVITY_MAX_TEXT_LENGTH, &note->summary, error) ||
      !read_boolean (json, "sensitive", &note->sensitive, error) ||
      !read_href (json, "url", "text/html", &note->url, error) ||
      !read_time (json, "published", &note->published, error) ||
      !read_time (json, "updated", &note->updated, error) ||
      !read_audience (json, "to", &note->to, error) ||
      !read_audience (json, "cc", &note->cc, error) ||
      !parse_each (json, "tag", QTR_ACTIVITY_MAX_TAGS, parse_tag, note, error) ||
      !parse_each (json, "attachment", QTR_ACTIVITY_MAX_ATTACHMENTS, parse_attachment, note,
                   error))
    return NULL;

  in_reply_to = get_member (json, "inReplyTo");
  if (in_reply_to != NULL &&
      !read_id_node (in_reply_to, "inReplyTo", &note->in_reply_to, error))
    return NULL;

  if (note->type == QTR_NOTE_TYPE_QUESTION && !read_poll (json, note, error))
    return NULL;

  return g_steal_pointer (&note);
}

/**
 * qtr_note_ref:
 *
 * Returns: (transfer full): @self
 */
QtrNote *
qtr_note_ref (QtrNote *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
qtr_note_unref (QtrNote *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) note_clear);
}

/* Actors */

static void
public_key_free (QtrPublicKey *key)
{
  g_free (key->id);
  g_free (key->owner);
  g_free (key->pem);
  g_free (key);
}

static void
profile_field_free (QtrProfileField *field)
{
  g_free (field->name);
  g_free (field->value);
  g_free (field);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrPublicKey, public_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrProfileField, profile_field_free)

static void
actor_doc_clear (QtrActorDoc *self)
{
  g_free (self->type_name);
  g_free (self->id);
  g_free (self->preferred_username);
  g_free (self->name);
  g_free (self->summary);
  g_free (self->url);
  g_free (self->inbox);
  g_free (self->outbox);
  g_free (self->followers);
  g_free (self->following);
  g_free (self->featured);
  g_free (self->shared_inbox);
  g_free (self->icon);
  g_free (self->image);
  g_strfreev (self->also_known_as);
  g_free (self->moved_to);
  g_clear_pointer (&self->public_keys, g_ptr_array_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
}

static QtrActorDoc *
actor_doc_new (void)
{
  QtrActorDoc *self = g_atomic_rc_box_new0 (QtrActorDoc);

  self->public_keys = g_ptr_array_new_with_free_func ((GDestroyNotify) public_key_free);
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) profile_field_free);
  return self;
}

/* A username is one word: no spaces, controls, `@` or `/`. */
static gboolean
is_valid_username (const char *username)
{
  if (*username == '\0')
    return FALSE;
  for (const char *p = username; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '@' || *p == '/')
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_public_key (JsonObject  *object,
                  gpointer     target,
                  GError     **error)
{
  g_autoptr(QtrPublicKey) key = g_new0 (QtrPublicKey, 1);
  QtrActorDoc *doc = target;

  if (!read_url (object, "id", TRUE, &key->id, error) ||
      !read_id (object, "owner", TRUE, &key->owner, error) ||
      !read_string (object, "publicKeyPem", QTR_ACTIVITY_MAX_TEXT_LENGTH, TRUE, &key->pem,
                    error))
    return FALSE;

  g_ptr_array_add (doc->public_keys, g_steal_pointer (&key));
  return TRUE;
}

static gboolean
parse_profile_field (JsonObject  *object,
                     gpointer     target,
                     GError     **error)
{
  g_autoptr(QtrProfileField) field = NULL;
  QtrActorDoc *doc = target;
  JsonNode *type;

  /* Identity proofs and other attachments are not fields. */
  type = get_member (object, "type");
  if (type == NULL || !is_string_node (type) ||
      g_strcmp0 (json_node_get_string (type), "PropertyValue") != 0)
    return TRUE;

  field = g_new0 (QtrProfileField, 1);
  if (!read_string (object, "name", QTR_ACTIVITY_MAX_NAME_LENGTH, TRUE, &field->name, error) ||
      !read_html (object, "value", QTR_ACTIVITY_MAX_TEXT_LENGTH, TRUE, &field->value, error))
    return FALSE;

  g_ptr_array_add (doc->fields, g_steal_pointer (&field));
  return TRUE;
}

static gboolean
read_shared_inbox (JsonObject   *object,
                   QtrActorDoc  *doc,
                   GError      **error)
{
  JsonNode *endpoints = get_member (object, "endpoints");

  if (endpoints != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (endpoints))
        return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, "endpoints", "not an object");
      if (!read_url (json_node_get_object (endpoints), "sharedInbox", FALSE, &doc->shared_inbox,
                     error))
        {
          g_prefix_error (error, "endpoints.");
          return FALSE;
        }
    }

  /* Misskey repeats it at the top level. */
  if (doc->shared_inbox == NULL)
    return read_url (object, "sharedInbox", FALSE, &doc->shared_inbox, error);
  return TRUE;
}

/**
 * qtr_actor_doc_parse:
 * @json: a Person, Service, Group, Application or Organization
 *
 * Reads and validates an actor document. `id`, `type`, `preferredUsername` and `inbox` are
 * required; every public key needs its `id`, `owner` and `publicKeyPem`.
 *
 * Returns: (transfer full): the actor, or %NULL with @error set in %QTR_ACTIVITY_ERROR
 */
QtrActorDoc *
qtr_actor_doc_parse (JsonObject  *json,
                     GError     **error)
{
  g_autoptr(QtrActorDoc) doc = actor_doc_new ();
  const char *type;
  JsonNode *moved_to;
  int index;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_type (json, &type, error))
    return NULL;
  index = find_name (actor_types, G_N_ELEMENTS (actor_types), type);
  if (index < 0)
    {
      fail (error, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE, "type", "not an actor type");
      return NULL;
    }
  doc->type = index;
  doc->type_name = g_strdup (type);

  if (!read_url (json, "id", TRUE, &doc->id, error) ||
      !read_string (json, "preferredUsername", QTR_ACTIVITY_MAX_NAME_LENGTH, TRUE,
                    &doc->preferred_username, error))
    return NULL;
  if (!is_valid_username (doc->preferred_username))
    {
      fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, "preferredUsername", "not a username");
      return NULL;
    }

  if (!read_string (json, "name", QTR_ACTIVITY_MAX_NAME_LENGTH, FALSE, &doc->name, error) ||
      !read_html (json, "summary", QTR_ACTIVITY_MAX_TEXT_LENGTH, FALSE, &doc->summary, error) ||
      !read_href (json, "url", "text/html", &doc->url, error) ||
      !read_url (json, "inbox", TRUE, &doc->inbox, error) ||
      !read_url (json, "outbox", FALSE, &doc->outbox, error) ||
      !read_url (json, "followers", FALSE, &doc->followers, error) ||
      !read_url (json, "following", FALSE, &doc->following, error) ||
      !read_url (json, "featured", FALSE, &doc->featured, error) ||
      !read_shared_inbox (json, doc, error) ||
      !read_boolean (json, "manuallyApprovesFollowers", &doc->manually_approves_followers,
                     error) ||
      !read_boolean (json, "discoverable", &doc->discoverable, error) ||
      !read_time (json, "published", &doc->published, error) ||
      !read_image (json, "icon", &doc->icon, error) ||
      !read_image (json, "image", &doc->image, error) ||
      !read_id_list (json, "alsoKnownAs", QTR_ACTIVITY_MAX_ALIASES, &doc->also_known_as,
                     error) ||
      !parse_each (json, "publicKey", QTR_ACTIVITY_MAX_KEYS, parse_public_key, doc, error) ||
      !parse_each (json, "attachment", QTR_ACTIVITY_MAX_FIELDS, parse_profile_field, doc,
                  error))
    return NULL;

  moved_to = get_member (json, "movedTo");
  if (moved_to != NULL && !read_id_node (moved_to, "movedTo", &doc->moved_to, error))
    return NULL;

  return g_steal_pointer (&doc);
}

/**
 * qtr_actor_doc_ref:
 *
 * Returns: (transfer full): @self
 */
QtrActorDoc *
qtr_actor_doc_ref (QtrActorDoc *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
qtr_actor_doc_unref (QtrActorDoc *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) actor_doc_clear);
}

/**
 * qtr_actor_doc_find_key:
 * @key_id: the `keyId` of a signature
 *
 * Finds the public key named @key_id, however its URL is spelled. A key whose `owner` is not
 * this actor is never returned: it does not speak for the actor.
 *
 * Returns: (transfer none) (nullable): the key
 */
const QtrPublicKey *
qtr_actor_doc_find_key (QtrActorDoc *self,
                        const char  *key_id)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key_id != NULL, NULL);

  normalized = qtr_url_normalize (key_id, NULL);
  if (normalized == NULL)
    return NULL;

  for (guint i = 0; i < self->public_keys->len; i++)
    {
      const QtrPublicKey *key = g_ptr_array_index (self->public_keys, i);

      if (strcmp (key->id, normalized) == 0 && strcmp (key->owner, self->id) == 0)
        return key;
    }
  return NULL;
}

/* Activities */

static void
activity_clear (QtrActivity *self)
{
  g_free (self->type_name);
  g_free (self->id);
  g_free (self->actor);
  g_free (self->object_id);
  g_free (self->object_type);
  g_clear_pointer (&self->object_activity, qtr_activity_unref);
  g_clear_pointer (&self->object_note, qtr_note_unref);
  g_clear_pointer (&self->object_actor, qtr_actor_doc_unref);
  g_strfreev (self->object_ids);
  g_free (self->target);
  g_free (self->content);
  g_strfreev (self->to);
  g_strfreev (self->cc);
}

/**
 * qtr_activity_type_from_string:
 * @type_name: an activity type as written in `type`
 *
 * Returns: the type, %QTR_ACTIVITY_TYPE_UNKNOWN for any other
 */
QtrActivityType
qtr_activity_type_from_string (const char *type_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (activity_types); i++)
    {
      if (g_strcmp0 (activity_types[i].name, type_name) == 0)
        return activity_types[i].type;
    }
  return QTR_ACTIVITY_TYPE_UNKNOWN;
}

/**
 * qtr_activity_is_public_collection:
 * @uri: (nullable): an audience entry
 *
 * Returns: whether @uri names the public collection, in its full form or as `as:Public` or
 *   `Public` (Mastodon's ActivityPub::TagManager#public_collection?)
 */
gboolean
qtr_activity_is_public_collection (const char *uri)
{
  return g_strcmp0 (uri, QTR_ACTIVITY_PUBLIC) == 0 ||
         g_strcmp0 (uri, "as:Public") == 0 ||
         g_strcmp0 (uri, "Public") == 0;
}

static gboolean
takes_activity (QtrActivityType type)
{
  return type == QTR_ACTIVITY_TYPE_UNDO ||
         type == QTR_ACTIVITY_TYPE_ACCEPT ||
         type == QTR_ACTIVITY_TYPE_REJECT;
}

/* How an embedded object of @type_name is read: activities (all of them in an Undo, Accept or
 * Reject), notes, actors and tombstones in full, anything else as its type and id. */
static QtrActivityObjectKind
classify_embedded (QtrActivityType  activity_type,
                   const char      *type_name)
{
  if (is_note_type (type_name))
    return QTR_ACTIVITY_OBJECT_NOTE;
  if (is_actor_type (type_name))
    return QTR_ACTIVITY_OBJECT_ACTOR;
  if (strcmp (type_name, "Tombstone") == 0)
    return QTR_ACTIVITY_OBJECT_TOMBSTONE;
  if (takes_activity (activity_type) ||
      qtr_activity_type_from_string (type_name) != QTR_ACTIVITY_TYPE_UNKNOWN)
    return QTR_ACTIVITY_OBJECT_ACTIVITY;
  return QTR_ACTIVITY_OBJECT_OTHER;
}

static gboolean
parse_embedded (QtrActivity  *self,
                JsonObject   *object,
                guint         depth,
                GError      **error)
{
  switch (self->object_kind)
    {
    case QTR_ACTIVITY_OBJECT_NOTE:
      self->object_note = qtr_note_parse (object, error);
      if (self->object_note == NULL)
        return FALSE;
      self->object_id = g_strdup (self->object_note->id);
      break;

    case QTR_ACTIVITY_OBJECT_ACTOR:
      self->object_actor = qtr_actor_doc_parse (object, error);
      if (self->object_actor == NULL)
        return FALSE;
      self->object_id = g_strdup (self->object_actor->id);
      break;

    case QTR_ACTIVITY_OBJECT_TOMBSTONE:
      return read_url (object, "id", TRUE, &self->object_id, error);

    case QTR_ACTIVITY_OBJECT_ACTIVITY:
      self->object_activity = parse_activity (object, depth + 1, error);
      if (self->object_activity == NULL)
        return FALSE;
      self->object_id = g_strdup (self->object_activity->id);
      break;

    case QTR_ACTIVITY_OBJECT_OTHER:
    case QTR_ACTIVITY_OBJECT_NONE:
    case QTR_ACTIVITY_OBJECT_REFERENCE:
    default:
      return read_url (object, "id", FALSE, &self->object_id, error);
    }
  return TRUE;
}

static gboolean
read_embedded (QtrActivity  *self,
               JsonObject   *object,
               guint         depth,
               GError      **error)
{
  const char *type;

  if (!read_type (object, &type, error))
    {
      g_prefix_error (error, "object.");
      return FALSE;
    }
  self->object_type = g_strdup (type);
  self->object_kind = classify_embedded (self->type, type);

  if (self->object_kind == QTR_ACTIVITY_OBJECT_ACTIVITY && depth >= QTR_ACTIVITY_MAX_DEPTH)
    {
      g_set_error (error, QTR_ACTIVITY_ERROR, QTR_ACTIVITY_ERROR_TOO_LARGE,
                   "object: activities nested more than %d deep", QTR_ACTIVITY_MAX_DEPTH);
      return FALSE;
    }
  if (!parse_embedded (self, object, depth, error))
    {
      g_prefix_error (error, "object.");
      return FALSE;
    }
  return TRUE;
}

/* A Flag names what it reports: accounts and posts, as an array of ids. */
static gboolean
read_flag_objects (QtrActivity  *self,
                   JsonObject   *json,
                   GError      **error)
{
  if (!read_id_list (json, "object", QTR_ACTIVITY_MAX_FLAG_OBJECTS, &self->object_ids, error))
    return FALSE;
  if (self->object_ids[0] == NULL)
    return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, "object", "missing");

  self->object_kind = QTR_ACTIVITY_OBJECT_REFERENCE;
  self->object_id = g_strdup (self->object_ids[0]);
  return TRUE;
}

static gboolean
read_object (QtrActivity  *self,
             JsonObject   *json,
             guint         depth,
             GError      **error)
{
  JsonNode *node = get_member (json, "object");

  if (self->type == QTR_ACTIVITY_TYPE_FLAG)
    return read_flag_objects (self, json, error);

  if (node == NULL)
    {
      if (self->type != QTR_ACTIVITY_TYPE_UNKNOWN)
        return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, "object", "missing");
      self->object_kind = QTR_ACTIVITY_OBJECT_NONE;
    }
  else if (!unwrap_single (node, "object", &node, error))
    return FALSE;
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      if (!read_embedded (self, json_node_get_object (node), depth, error))
        return FALSE;
    }
  else if (is_string_node (node))
    {
      self->object_kind = QTR_ACTIVITY_OBJECT_REFERENCE;
      if (!read_url_node (node, "object", &self->object_id, error))
        return FALSE;
    }
  else
    return fail (error, QTR_ACTIVITY_ERROR_INVALID_FIELD, "object", "not a string or an object");

  self->object_ids = g_new0 (char *, 2);
  self->object_ids[0] = g_strdup (self->object_id);
  return TRUE;
}

/* What each type may carry as its object. */
static gboolean
check_object_kind (QtrActivity  *self,
                   GError      **error)
{
  QtrActivityObjectKind kind = self->object_kind;

  switch (self->type)
    {
    case QTR_ACTIVITY_TYPE_CREATE:
      if (kind != QTR_ACTIVITY_OBJECT_REFERENCE && kind != QTR_ACTIVITY_OBJECT_NOTE)
        return fail (error, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE, "object",
                     "a Create of this type is not supported");
      break;

    case QTR_ACTIVITY_TYPE_UPDATE:
      if (kind != QTR_ACTIVITY_OBJECT_REFERENCE && kind != QTR_ACTIVITY_OBJECT_NOTE &&
          kind != QTR_ACTIVITY_OBJECT_ACTOR)
        return fail (error, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE, "object",
                     "an Update of this type is not supported");
      break;

    case QTR_ACTIVITY_TYPE_UNDO:
    case QTR_ACTIVITY_TYPE_ACCEPT:
    case QTR_ACTIVITY_TYPE_REJECT:
      if (kind != QTR_ACTIVITY_OBJECT_REFERENCE && kind != QTR_ACTIVITY_OBJECT_ACTIVITY)
        return fail (error, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE, "object", "not an activity");
      break;

    case QTR_ACTIVITY_TYPE_DELETE:
      if (self->object_id == NULL)
        return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, "object.id", "missing");
      break;

    case QTR_ACTIVITY_TYPE_MOVE:
    case QTR_ACTIVITY_TYPE_ADD:
    case QTR_ACTIVITY_TYPE_REMOVE:
      if (self->target == NULL)
        return fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, "target", "missing");
      break;

    case QTR_ACTIVITY_TYPE_UNKNOWN:
    case QTR_ACTIVITY_TYPE_FOLLOW:
    case QTR_ACTIVITY_TYPE_ANNOUNCE:
    case QTR_ACTIVITY_TYPE_LIKE:
    case QTR_ACTIVITY_TYPE_BLOCK:
    case QTR_ACTIVITY_TYPE_FLAG:
    default:
      break;
    }
  return TRUE;
}

static QtrActivity *
parse_activity (JsonObject  *json,
                guint        depth,
                GError     **error)
{
  g_autoptr(QtrActivity) self = g_atomic_rc_box_new0 (QtrActivity);
  JsonNode *actor;
  JsonNode *target;
  const char *type;

  if (!read_type (json, &type, error))
    return NULL;
  self->type = qtr_activity_type_from_string (type);
  self->type_name = g_strdup (type);

  if (!read_url (json, "id", TRUE, &self->id, error))
    return NULL;

  actor = get_member (json, "actor");
  if (actor == NULL)
    {
      fail (error, QTR_ACTIVITY_ERROR_MISSING_FIELD, "actor", "missing");
      return NULL;
    }
  if (!unwrap_single (actor, "actor", &actor, error) ||
      !read_id_node (actor, "actor", &self->actor, error))
    return NULL;

  target = get_member (json, "target");
  if (target != NULL &&
      (!unwrap_single (target, "target", &target, error) ||
       !read_id_node (target, "target", &self->target, error)))
    return NULL;

  if (!read_time (json, "published", &self->published, error) ||
      !read_audience (json, "to", &self->to, error) ||
      !read_audience (json, "cc", &self->cc, error) ||
      !read_object (self, json, depth, error) ||
      !check_object_kind (self, error))
    return NULL;

  if (self->type == QTR_ACTIVITY_TYPE_FLAG &&
      !read_string (json, "content", QTR_ACTIVITY_MAX_TEXT_LENGTH, FALSE, &self->content, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * qtr_activity_parse:
 * @json: an activity as delivered to an inbox
 *
 * Reads and validates an activity and what it embeds. `id`, `type` and `actor` are required
 * (the actor as a string, an object with an id, or an array of one), and an `object` for every
 * type we know (an array of ids for a Flag), a `target` for Move, Add and Remove. A Create
 * carries a note or its id, an Update a note, an actor or an id, an Undo, Accept or Reject an
 * activity or its id; anything else there is %QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE. Types we do
 * not know parse as %QTR_ACTIVITY_TYPE_UNKNOWN.
 *
 * Returns: (transfer full): the activity, or %NULL with @error set in %QTR_ACTIVITY_ERROR
 */
QtrActivity *
qtr_activity_parse (JsonObject  *json,
                    GError     **error)
{
  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_activity (json, 1, error);
}

/**
 * qtr_activity_ref:
 *
 * Returns: (transfer full): @self
 */
QtrActivity *
qtr_activity_ref (QtrActivity *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
qtr_activity_unref (QtrActivity *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) activity_clear);
}

static gboolean
fail_origin (GError     **error,
             const char  *field,
             const char  *problem)
{
  return fail (error, QTR_ACTIVITY_ERROR_ORIGIN_MISMATCH, field, problem);
}

/**
 * qtr_activity_check_origin:
 *
 * Checks that the activity's actor has authority over what it says, as Mastodon does. Its id
 * must be on the actor's host; then:
 * - Create and Update: the object's id is on the actor's host and a note's `attributedTo` is
 *   the actor; an actor may only update itself;
 * - Delete: the object's id is on the actor's host;
 * - Undo: an embedded activity is the actor's own (same actor, and checked in turn), a
 *   referenced one is on the actor's host;
 * - Accept and Reject of an embedded Follow: the Follow is of the actor;
 * - Move: the actor moves itself;
 * - Add and Remove: the target collection is on the actor's host;
 * - Announce, Like, Follow, Block, Flag: the object may be anywhere.
 *
 * Passing says nothing about embedded objects from other hosts: see
 * qtr_activity_object_is_trusted().
 *
 * Returns: %TRUE, or %FALSE with @error set to %QTR_ACTIVITY_ERROR_ORIGIN_MISMATCH
 */
gboolean
qtr_activity_check_origin (QtrActivity  *self,
                           GError      **error)
{
  QtrActivity *embedded;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  embedded = self->object_activity;

  if (!qtr_url_same_host (self->id, self->actor))
    return fail_origin (error, "id", "not on the actor's host");

  switch (self->type)
    {
    case QTR_ACTIVITY_TYPE_CREATE:
    case QTR_ACTIVITY_TYPE_UPDATE:
      if (self->object_kind == QTR_ACTIVITY_OBJECT_ACTOR)
        {
          if (strcmp (self->object_id, self->actor) != 0)
            return fail_origin (error, "object.id", "an actor may only update itself");
          break;
        }
      if (!qtr_url_same_host (self->object_id, self->actor))
        return fail_origin (error, "object.id", "not on the actor's host");
      if (self->object_kind == QTR_ACTIVITY_OBJECT_NOTE &&
          strcmp (self->object_note->attributed_to, self->actor) != 0)
        return fail_origin (error, "object.attributedTo", "not the actor");
      break;

    case QTR_ACTIVITY_TYPE_DELETE:
      if (!qtr_url_same_host (self->object_id, self->actor))
        return fail_origin (error, "object.id", "not on the actor's host");
      break;

    case QTR_ACTIVITY_TYPE_UNDO:
      if (embedded == NULL)
        {
          if (!qtr_url_same_host (self->object_id, self->actor))
            return fail_origin (error, "object", "not on the actor's host");
          break;
        }
      if (strcmp (embedded->actor, self->actor) != 0)
        return fail_origin (error, "object.actor", "not the actor");
      if (!qtr_activity_check_origin (embedded, error))
        {
          g_prefix_error (error, "object.");
          return FALSE;
        }
      break;

    case QTR_ACTIVITY_TYPE_ACCEPT:
    case QTR_ACTIVITY_TYPE_REJECT:
      if (embedded != NULL && embedded->type == QTR_ACTIVITY_TYPE_FOLLOW &&
          g_strcmp0 (embedded->object_id, self->actor) != 0)
        return fail_origin (error, "object.object", "the Follow is not of the actor");
      break;

    case QTR_ACTIVITY_TYPE_MOVE:
      if (g_strcmp0 (self->object_id, self->actor) != 0)
        return fail_origin (error, "object", "an actor may only move itself");
      break;

    case QTR_ACTIVITY_TYPE_ADD:
    case QTR_ACTIVITY_TYPE_REMOVE:
      if (!qtr_url_same_host (self->target, self->actor))
        return fail_origin (error, "target", "not on the actor's host");
      break;

    case QTR_ACTIVITY_TYPE_UNKNOWN:
    case QTR_ACTIVITY_TYPE_FOLLOW:
    case QTR_ACTIVITY_TYPE_ANNOUNCE:
    case QTR_ACTIVITY_TYPE_LIKE:
    case QTR_ACTIVITY_TYPE_BLOCK:
    case QTR_ACTIVITY_TYPE_FLAG:
    default:
      break;
    }
  return TRUE;
}

/**
 * qtr_activity_object_is_trusted:
 *
 * Mastodon trusts nothing in an embedded object that is on another host than the actor's: an
 * Announce may embed someone else's post, an Accept the follower's Follow, and the announcing
 * or accepting server cannot vouch for them. Where this returns %FALSE, use only the object's
 * id, and fetch the object from it before using anything else.
 *
 * Returns: whether the object is embedded, has an id and that id is on the actor's host
 */
gboolean
qtr_activity_object_is_trusted (QtrActivity *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->object_kind == QTR_ACTIVITY_OBJECT_NONE ||
      self->object_kind == QTR_ACTIVITY_OBJECT_REFERENCE ||
      self->object_id == NULL)
    return FALSE;
  return qtr_url_same_host (self->object_id, self->actor);
}

/* Addressing */

static void
add_unique (GPtrArray  *array,
            const char *value)
{
  for (guint i = 0; i < array->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (array, i), value) == 0)
        return;
    }
  g_ptr_array_add (array, g_strdup (value));
}

static void
add_mentions (GPtrArray          *array,
              const char * const *mentions)
{
  for (guint i = 0; mentions != NULL && mentions[i] != NULL; i++)
    add_unique (array, mentions[i]);
}

/**
 * qtr_addressing_build:
 * @visibility: the status's visibility
 * @followers_url: (nullable): the author's followers collection; needed for every visibility
 *   but %QTR_VISIBILITY_DIRECT
 * @mention_actor_urls: (nullable) (array zero-terminated=1): the ids of the mentioned actors,
 *   in order; a repeated one counts once
 * @to: (out) (transfer full): the primary audience
 * @cc: (out) (transfer full): the secondary audience
 *
 * Addresses a status exactly as Mastodon's ActivityPub::TagManager#to and #cc do:
 *
 * | visibility | to              | cc                              |
 * | ---------- | --------------- | ------------------------------- |
 * | public     | Public          | followers, mentions…            |
 * | unlisted   | followers       | Public, mentions…               |
 * | private    | followers       | mentions…                       |
 * | direct     | mentions…       | (none)                          |
 */
void
qtr_addressing_build (QtrVisibility        visibility,
                      const char          *followers_url,
                      const char * const  *mention_actor_urls,
                      GStrv               *to,
                      GStrv               *cc)
{
  g_autoptr(GPtrArray) to_array = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) cc_array = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (to != NULL && cc != NULL);
  g_return_if_fail (visibility == QTR_VISIBILITY_DIRECT || followers_url != NULL);

  switch (visibility)
    {
    case QTR_VISIBILITY_PUBLIC:
      add_unique (to_array, QTR_ACTIVITY_PUBLIC);
      add_unique (cc_array, followers_url);
      add_mentions (cc_array, mention_actor_urls);
      break;

    case QTR_VISIBILITY_UNLISTED:
      add_unique (to_array, followers_url);
      add_unique (cc_array, QTR_ACTIVITY_PUBLIC);
      add_mentions (cc_array, mention_actor_urls);
      break;

    case QTR_VISIBILITY_PRIVATE:
      add_unique (to_array, followers_url);
      add_mentions (cc_array, mention_actor_urls);
      break;

    case QTR_VISIBILITY_DIRECT:
    default:
      add_mentions (to_array, mention_actor_urls);
      break;
    }

  *to = steal_strv (&to_array);
  *cc = steal_strv (&cc_array);
}

static gboolean
same_url (const char *a,
          const char *b)
{
  g_autofree char *normalized_a = NULL;
  g_autofree char *normalized_b = NULL;

  if (strcmp (a, b) == 0)
    return TRUE;
  normalized_a = qtr_url_normalize (a, NULL);
  normalized_b = qtr_url_normalize (b, NULL);
  return normalized_a != NULL && g_strcmp0 (normalized_a, normalized_b) == 0;
}

static gboolean
has_public (const char * const *audience)
{
  for (guint i = 0; audience != NULL && audience[i] != NULL; i++)
    {
      if (qtr_activity_is_public_collection (audience[i]))
        return TRUE;
    }
  return FALSE;
}

/**
 * qtr_addressing_visibility:
 * @to: (nullable) (array zero-terminated=1): the primary audience
 * @cc: (nullable) (array zero-terminated=1): the secondary audience
 * @followers_url: (nullable): the author's followers collection
 *
 * Reads a status's visibility from its audience exactly as Mastodon's
 * ActivityPub::Parser::StatusParser#visibility does: public when `to` holds the public
 * collection, unlisted when `cc` does, private when `to` holds the author's followers
 * collection (in `cc` only, it does not count), direct otherwise. (Mastodon reads the note's
 * own `to` and `cc`, and the activity's where the note has none.)
 *
 * Returns: the visibility
 */
QtrVisibility
qtr_addressing_visibility (const char * const *to,
                           const char * const *cc,
                           const char         *followers_url)
{
  if (has_public (to))
    return QTR_VISIBILITY_PUBLIC;
  if (has_public (cc))
    return QTR_VISIBILITY_UNLISTED;

  for (guint i = 0; followers_url != NULL && to != NULL && to[i] != NULL; i++)
    {
      if (same_url (to[i], followers_url))
        return QTR_VISIBILITY_PRIVATE;
    }
  return QTR_VISIBILITY_DIRECT;
}
