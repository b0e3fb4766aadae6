/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-test-util.h"

#include "qtr-activity.h"

#include <string.h>

#include "qtr-json.h"

/* Documents in the shapes real servers send are under tests/data/activitystreams/; small
 * variations are written inline, with ' for " to keep them readable, and changed field by
 * field with set_path(). */

#define PUBLIC QTR_ACTIVITY_PUBLIC

/* A minimal valid Create{Note} and Person from a.example. */
#define ANN "https://a.example/users/ann"
#define CREATE_NOTE \
  "{'id': 'https://a.example/users/ann/statuses/1/activity', 'type': 'Create'," \
  " 'actor': 'https://a.example/users/ann'," \
  " 'to': ['https://www.w3.org/ns/activitystreams#Public'], 'cc': []," \
  " 'object': {'id': 'https://a.example/users/ann/statuses/1', 'type': 'Note'," \
  "            'attributedTo': 'https://a.example/users/ann', 'content': '<p>hi</p>'}}"
#define CREATE_NOTE_WITH_MAP \
  "{'id': 'https://a.example/users/ann/statuses/1/activity', 'type': 'Create'," \
  " 'actor': 'https://a.example/users/ann'," \
  " 'object': {'id': 'https://a.example/users/ann/statuses/1', 'type': 'Note'," \
  "            'attributedTo': 'https://a.example/users/ann', 'contentMap': {'en': ''}}}"
#define PERSON \
  "{'id': 'https://a.example/users/ann', 'type': 'Person', 'preferredUsername': 'ann'," \
  " 'inbox': 'https://a.example/users/ann/inbox'," \
  " 'publicKey': {'id': 'https://a.example/users/ann#main-key'," \
  "               'owner': 'https://a.example/users/ann', 'publicKeyPem': 'PEM'}}"

/* Helpers */

static JsonNode *
node_from (const char *snippet)
{
  g_autofree char *text = g_strdelimit (g_strdup (snippet), "'", '"');
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static JsonObject *
object_from (const char *snippet)
{
  g_autoptr(JsonNode) node = node_from (snippet);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
load_sample (const char *name)
{
  g_autoptr(GBytes) bytes = qtr_test_load_data ("activitystreams", name);
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  object = qtr_json_parse_object (data, length, &error);
  g_assert_no_error (error);
  return object;
}

/* Sets the member at a dotted path (`object.tag`) to @value, or removes it when @value is
 * NULL. */
static void
set_path (JsonObject *root,
          const char *path,
          JsonNode   *value)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonObject *object = root;
  guint n = g_strv_length (parts);

  for (guint i = 0; i + 1 < n; i++)
    object = json_object_get_object_member (object, parts[i]);
  g_assert_nonnull (object);

  if (value == NULL)
    json_object_remove_member (object, parts[n - 1]);
  else
    json_object_set_member (object, parts[n - 1], value);
}

static void
set_json (JsonObject *root,
          const char *path,
          const char *snippet)
{
  set_path (root, path, snippet != NULL ? node_from (snippet) : NULL);
}

static void
set_string (JsonObject *root,
            const char *path,
            const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  set_path (root, path, node);
}

/* An array of @count copies of @element; in a string element, `@N@` becomes the index. */
static JsonNode *
repeat (const char *element,
        guint       count)
{
  g_autoptr(JsonNode) template = node_from (element);
  JsonArray *array = json_array_sized_new (count);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  gboolean numbered = JSON_NODE_HOLDS_VALUE (template) &&
                      json_node_get_value_type (template) == G_TYPE_STRING &&
                      strstr (json_node_get_string (template), "@N@") != NULL;

  for (guint i = 0; i < count; i++)
    {
      if (numbered)
        {
          g_autoptr(GString) item = g_string_new (json_node_get_string (template));
          g_autofree char *index = g_strdup_printf ("%u", i);

          g_string_replace (item, "@N@", index, 0);
          json_array_add_string_element (array, item->str);
        }
      else
        json_array_add_element (array, json_node_copy (template));
    }
  json_node_take_array (node, array);
  return node;
}

static char *
repeat_char (char  c,
             gsize count)
{
  char *text = g_malloc (count + 1);

  memset (text, c, count);
  text[count] = '\0';
  return text;
}

static void
assert_strv (GStrv               actual,
             const char * const *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_strv_length (actual), ==, g_strv_length ((GStrv) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (actual[i], ==, expected[i]);
}

static QtrActivity *
parse_ok (JsonObject *json)
{
  g_autoptr(GError) error = NULL;
  QtrActivity *activity = qtr_activity_parse (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (activity);
  return activity;
}

static QtrActivity *
parse_sample (const char *name)
{
  g_autoptr(JsonObject) json = load_sample (name);

  return parse_ok (json);
}

static void
assert_activity_error (JsonObject       *json,
                       QtrActivityError  code,
                       const char       *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrActivity) activity = qtr_activity_parse (json, &error);

  g_assert_null (activity);
  g_assert_error (error, QTR_ACTIVITY_ERROR, (int) code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
assert_actor_error (JsonObject       *json,
                    QtrActivityError  code,
                    const char       *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrActorDoc) doc = qtr_actor_doc_parse (json, &error);

  g_assert_null (doc);
  g_assert_error (error, QTR_ACTIVITY_ERROR, (int) code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
assert_origin_ok (QtrActivity *activity)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (qtr_activity_check_origin (activity, &error));
  g_assert_no_error (error);
}

static void
assert_origin_error (JsonObject *json,
                     const char *message)
{
  g_autoptr(QtrActivity) activity = parse_ok (json);
  g_autoptr(GError) error = NULL;

  g_assert_false (qtr_activity_check_origin (activity, &error));
  g_assert_error (error, QTR_ACTIVITY_ERROR, QTR_ACTIVITY_ERROR_ORIGIN_MISMATCH);
  g_assert_cmpstr (error->message, ==, message);
}

static const QtrMention *
mention_at (QtrNote *note,
            guint    index)
{
  g_assert_cmpuint (index, <, note->mentions->len);
  return g_ptr_array_index (note->mentions, index);
}

static const QtrHashtag *
hashtag_at (QtrNote *note,
            guint    index)
{
  g_assert_cmpuint (index, <, note->hashtags->len);
  return g_ptr_array_index (note->hashtags, index);
}

static const QtrAttachment *
attachment_at (QtrNote *note,
               guint    index)
{
  g_assert_cmpuint (index, <, note->attachments->len);
  return g_ptr_array_index (note->attachments, index);
}

static const QtrPollOption *
option_at (QtrNote *note,
           guint    index)
{
  g_assert_cmpuint (index, <, note->poll_options->len);
  return g_ptr_array_index (note->poll_options, index);
}

static const QtrProfileField *
field_at (QtrActorDoc *doc,
          guint        index)
{
  g_assert_cmpuint (index, <, doc->fields->len);
  return g_ptr_array_index (doc->fields, index);
}

/* Samples, field by field */

static void
test_mastodon_create_note (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("mastodon-create-note.json");
  QtrNote *note = activity->object_note;
  const QtrAttachment *attachment;

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_CREATE);
  g_assert_cmpstr (activity->type_name, ==, "Create");
  g_assert_cmpstr (activity->id, ==,
                   "https://mastodon.example/users/alice/statuses/112233445566778899/activity");
  g_assert_cmpstr (activity->actor, ==, "https://mastodon.example/users/alice");
  g_assert_cmpint (activity->published, ==, 1709994067);
  assert_strv (activity->to, (const char *[]) { PUBLIC, NULL });
  assert_strv (activity->cc, (const char *[]) { "https://mastodon.example/users/alice/followers",
                                                "https://quitter.example/users/bob", NULL });
  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_NOTE);
  g_assert_cmpstr (activity->object_type, ==, "Note");
  g_assert_cmpstr (activity->object_id, ==,
                   "https://mastodon.example/users/alice/statuses/112233445566778899");
  assert_strv (activity->object_ids, (const char *[]) {
    "https://mastodon.example/users/alice/statuses/112233445566778899", NULL });
  g_assert_null (activity->object_activity);
  g_assert_null (activity->object_actor);
  g_assert_null (activity->target);
  g_assert_null (activity->content);

  g_assert_nonnull (note);
  g_assert_cmpint (note->type, ==, QTR_NOTE_TYPE_NOTE);
  g_assert_cmpstr (note->type_name, ==, "Note");
  g_assert_cmpstr (note->id, ==, "https://mastodon.example/users/alice/statuses/112233445566778899");
  g_assert_cmpstr (note->attributed_to, ==, "https://mastodon.example/users/alice");
  g_assert_cmpstr (note->content, ==,
                   "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://quitter.example/@bob\" "
                   "class=\"u-url mention\" target=\"_blank\" rel=\"nofollow noopener noreferrer\">"
                   "@<span>bob</span></a></span> the cat has claimed the keyboard again "
                   "<a href=\"https://mastodon.example/tags/Cats\" class=\"mention hashtag\" "
                   "target=\"_blank\" rel=\"nofollow noopener noreferrer tag\">#<span>Cats</span>"
                   "</a> :blobcat:</p>");
  g_assert_cmpstr (note->language, ==, "en");
  g_assert_null (note->name);
  g_assert_null (note->summary);
  g_assert_false (note->sensitive);
  g_assert_cmpstr (note->in_reply_to, ==, "https://quitter.example/objects/8f2c1e0a");
  g_assert_cmpstr (note->url, ==, "https://mastodon.example/@alice/112233445566778899");
  g_assert_cmpint (note->published, ==, 1709994067);
  g_assert_cmpint (note->updated, ==, 0);
  assert_strv (note->to, (const char *[]) { PUBLIC, NULL });
  assert_strv (note->cc, (const char *[]) { "https://mastodon.example/users/alice/followers",
                                            "https://quitter.example/users/bob", NULL });

  /* The Emoji tag is not read. */
  g_assert_cmpuint (note->mentions->len, ==, 1);
  g_assert_cmpstr (mention_at (note, 0)->href, ==, "https://quitter.example/users/bob");
  g_assert_cmpstr (mention_at (note, 0)->name, ==, "@bob@quitter.example");
  g_assert_cmpuint (note->hashtags->len, ==, 1);
  g_assert_cmpstr (hashtag_at (note, 0)->name, ==, "Cats");
  g_assert_cmpstr (hashtag_at (note, 0)->href, ==, "https://mastodon.example/tags/cats");

  g_assert_cmpuint (note->attachments->len, ==, 1);
  attachment = attachment_at (note, 0);
  g_assert_cmpint (attachment->type, ==, QTR_ATTACHMENT_TYPE_DOCUMENT);
  g_assert_cmpstr (attachment->url, ==,
                   "https://files.mastodon.example/media_attachments/files/112/233/445/566/778/899/"
                   "original/3f1a2b4c5d6e7f80.jpg");
  g_assert_cmpstr (attachment->media_type, ==, "image/jpeg");
  g_assert_cmpstr (attachment->description, ==, "A grey cat asleep across a laptop keyboard");
  g_assert_cmpstr (attachment->blurhash, ==, "LEHV6nWB2yk8pyo0adR*.7kCMdnj");
  g_assert_cmpint (attachment->width, ==, 1200);
  g_assert_cmpint (attachment->height, ==, 900);

  g_assert_cmpuint (note->poll_options->len, ==, 0);
  g_assert_false (note->poll_multiple);
  g_assert_cmpint (note->poll_end_time, ==, 0);

  assert_origin_ok (activity);
  g_assert_true (qtr_activity_object_is_trusted (activity));
  g_assert_cmpint (qtr_addressing_visibility ((const char * const *) note->to,
                                              (const char * const *) note->cc,
                                              "https://mastodon.example/users/alice/followers"),
                   ==, QTR_VISIBILITY_PUBLIC);
}

static void
test_akkoma_create_note (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("akkoma-create-note.json");
  QtrNote *note = activity->object_note;

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_CREATE);
  g_assert_cmpstr (activity->id, ==,
                   "https://akkoma.example/activities/0c7e2f4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b");
  g_assert_cmpstr (activity->actor, ==, "https://akkoma.example/users/carol");
  /* Microseconds are dropped. */
  g_assert_cmpint (activity->published, ==, 1711960215);
  assert_strv (activity->to, (const char *[]) { PUBLIC, "https://mastodon.example/users/alice",
                                                NULL });
  assert_strv (activity->cc, (const char *[]) { "https://akkoma.example/users/carol/followers",
                                                NULL });

  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_NOTE);
  g_assert_cmpstr (note->id, ==,
                   "https://akkoma.example/objects/5d3b9a1c-7e2f-4c6d-8b0a-1f2e3d4c5b6a");
  g_assert_cmpstr (note->attributed_to, ==, "https://akkoma.example/users/carol");
  /* data-user and rel="ugc" go; the link gets Mastodon's attributes. */
  g_assert_cmpstr (note->content, ==,
                   "<p>Bonjour <span class=\"h-card\"><a href=\"https://mastodon.example/users/alice\" "
                   "class=\"u-url mention\" target=\"_blank\" rel=\"nofollow noopener noreferrer\">"
                   "@<span>alice</span></a></span>, ça va ?</p>");
  g_assert_cmpstr (note->language, ==, "fr");
  /* "summary": "" is no content warning; "sensitive": null is false. */
  g_assert_null (note->summary);
  g_assert_false (note->sensitive);
  g_assert_null (note->in_reply_to);
  g_assert_null (note->url);
  g_assert_cmpint (note->published, ==, 1711960215);
  g_assert_cmpuint (note->mentions->len, ==, 1);
  g_assert_cmpstr (mention_at (note, 0)->href, ==, "https://mastodon.example/users/alice");
  g_assert_cmpstr (mention_at (note, 0)->name, ==, "@alice@mastodon.example");
  g_assert_cmpuint (note->hashtags->len, ==, 0);
  g_assert_cmpuint (note->attachments->len, ==, 0);

  assert_origin_ok (activity);
  g_assert_cmpint (qtr_addressing_visibility ((const char * const *) note->to,
                                              (const char * const *) note->cc,
                                              "https://akkoma.example/users/carol/followers"),
                   ==, QTR_VISIBILITY_PUBLIC);
}

static void
test_misskey_create_note (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("misskey-create-note.json");
  QtrNote *note = activity->object_note;
  const QtrAttachment *attachment;

  g_assert_cmpstr (activity->id, ==, "https://misskey.example/notes/9ttq5xq0kb/activity");
  g_assert_cmpstr (activity->actor, ==, "https://misskey.example/users/9hx2m1wz3k");
  g_assert_cmpint (activity->published, ==, 1716239624);

  g_assert_cmpstr (note->id, ==, "https://misskey.example/notes/9ttq5xq0kb");
  g_assert_cmpstr (note->attributed_to, ==, "https://misskey.example/users/9hx2m1wz3k");
  /* The HTML content is used; _misskey_content, source and the quote fields are not. */
  g_assert_cmpstr (note->content, ==,
                   "<p><span>猫がキーボードを占領した </span>"
                   "<a href=\"https://misskey.example/tags/%E3%81%AD%E3%81%93\" target=\"_blank\" "
                   "rel=\"nofollow noopener noreferrer tag\">#ねこ</a><br><br>RE: "
                   "<a href=\"https://mastodon.example/users/alice/statuses/112233445566778899\" "
                   "target=\"_blank\" rel=\"nofollow noopener noreferrer\">"
                   "https://mastodon.example/users/alice/statuses/112233445566778899</a></p>");
  g_assert_null (note->language);
  g_assert_null (note->summary);
  g_assert_null (note->in_reply_to);
  g_assert_null (note->url);
  g_assert_cmpint (note->published, ==, 1716239624);
  assert_strv (note->to, (const char *[]) {
    "https://misskey.example/users/9hx2m1wz3k/followers", NULL });
  assert_strv (note->cc, (const char *[]) { PUBLIC, NULL });

  g_assert_cmpuint (note->hashtags->len, ==, 1);
  g_assert_cmpstr (hashtag_at (note, 0)->name, ==, "ねこ");
  g_assert_cmpstr (hashtag_at (note, 0)->href, ==,
                   "https://misskey.example/tags/%E3%81%AD%E3%81%93");

  g_assert_cmpuint (note->attachments->len, ==, 1);
  attachment = attachment_at (note, 0);
  g_assert_cmpint (attachment->type, ==, QTR_ATTACHMENT_TYPE_DOCUMENT);
  g_assert_cmpstr (attachment->url, ==,
                   "https://misskey.example/files/webpublic-3c1e5a7b-2d4f-4e6a-8b1c-9d0e1f2a3b4c.webp");
  g_assert_cmpstr (attachment->media_type, ==, "image/webp");
  g_assert_null (attachment->description);
  g_assert_null (attachment->blurhash);
  g_assert_cmpint (attachment->width, ==, 0);
  g_assert_cmpint (attachment->height, ==, 0);

  assert_origin_ok (activity);
  /* Misskey's "home" visibility is Mastodon's unlisted. */
  g_assert_cmpint (qtr_addressing_visibility ((const char * const *) note->to,
                                              (const char * const *) note->cc,
                                              "https://misskey.example/users/9hx2m1wz3k/followers"),
                   ==, QTR_VISIBILITY_UNLISTED);
}

static void
test_gotosocial_create_note (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("gotosocial-create-note.json");
  QtrNote *note = activity->object_note;
  const QtrAttachment *attachment;

  /* GoToSocial sends a single recipient as a string, and a single tag or attachment as an
   * object. */
  assert_strv (activity->to, (const char *[]) { PUBLIC, NULL });
  assert_strv (activity->cc, (const char *[]) { "https://gts.example/users/kim/followers", NULL });
  g_assert_cmpint (activity->published, ==, 1715017512);

  g_assert_cmpstr (note->id, ==,
                   "https://gts.example/users/kim/statuses/01HX7N3B5C7D9F1G3H5J7K9M1P");
  g_assert_cmpstr (note->content, ==,
                   "<p>it still boots <a href=\"https://gts.example/tags/retrocomputing\" "
                   "class=\"mention hashtag\" target=\"_blank\" "
                   "rel=\"nofollow noopener noreferrer tag\">#<span>retrocomputing</span></a></p>");
  g_assert_cmpstr (note->language, ==, "en");
  g_assert_cmpstr (note->summary, ==, "old computers, eye strain");
  g_assert_true (note->sensitive);
  g_assert_cmpstr (note->url, ==,
                   "https://gts.example/@kim/statuses/01HX7N3B5C7D9F1G3H5J7K9M1P");
  /* 19:45:12+02:00 */
  g_assert_cmpint (note->published, ==, 1715017512);
  assert_strv (note->to, (const char *[]) { PUBLIC, NULL });
  assert_strv (note->cc, (const char *[]) { "https://gts.example/users/kim/followers", NULL });

  g_assert_cmpuint (note->hashtags->len, ==, 1);
  g_assert_cmpstr (hashtag_at (note, 0)->name, ==, "retrocomputing");
  g_assert_cmpstr (hashtag_at (note, 0)->href, ==, "https://gts.example/tags/retrocomputing");
  g_assert_cmpuint (note->mentions->len, ==, 0);

  g_assert_cmpuint (note->attachments->len, ==, 1);
  attachment = attachment_at (note, 0);
  g_assert_cmpint (attachment->type, ==, QTR_ATTACHMENT_TYPE_IMAGE);
  g_assert_cmpstr (attachment->url, ==,
                   "https://gts.example/fileserver/01HF3Q5J8C2W7V4N6M0K9R1T2Y/attachment/original/"
                   "01HX7N4C6D8E0F2G4H6J8K0M2N.png");
  g_assert_cmpstr (attachment->media_type, ==, "image/png");
  /* GoToSocial puts the alt text in summary. */
  g_assert_cmpstr (attachment->description, ==,
                   "Screenshot of a green-on-black terminal showing a BASIC listing");
  g_assert_cmpstr (attachment->blurhash, ==, "LIIE|gRj00WB-;j[t7j[4nWBj[Rj");

  assert_origin_ok (activity);
}

static void
test_gotosocial_person (void)
{
  g_autoptr(JsonObject) json = load_sample ("gotosocial-person.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrActorDoc) doc = qtr_actor_doc_parse (json, &error);
  const QtrPublicKey *key;

  g_assert_no_error (error);
  g_assert_cmpint (doc->type, ==, QTR_ACTOR_TYPE_PERSON);
  g_assert_cmpstr (doc->type_name, ==, "Person");
  g_assert_cmpstr (doc->id, ==, "https://gts.example/users/kim");
  g_assert_cmpstr (doc->preferred_username, ==, "kim");
  g_assert_cmpstr (doc->name, ==, "Kim :fox:");
  g_assert_cmpstr (doc->summary, ==,
                   "<p>fox on the internet. posting about "
                   "<a href=\"https://gts.example/tags/retrocomputing\" class=\"mention hashtag\" "
                   "target=\"_blank\" rel=\"nofollow noopener noreferrer tag\">"
                   "#<span>retrocomputing</span></a></p>");
  g_assert_cmpstr (doc->url, ==, "https://gts.example/@kim");
  g_assert_cmpstr (doc->inbox, ==, "https://gts.example/users/kim/inbox");
  g_assert_cmpstr (doc->outbox, ==, "https://gts.example/users/kim/outbox");
  g_assert_cmpstr (doc->followers, ==, "https://gts.example/users/kim/followers");
  g_assert_cmpstr (doc->following, ==, "https://gts.example/users/kim/following");
  g_assert_cmpstr (doc->featured, ==, "https://gts.example/users/kim/collections/featured");
  g_assert_cmpstr (doc->shared_inbox, ==, "https://gts.example/sharedInbox");
  g_assert_true (doc->manually_approves_followers);
  g_assert_true (doc->discoverable);
  g_assert_cmpint (doc->published, ==, 1699954000);
  g_assert_cmpstr (doc->icon, ==,
                   "https://gts.example/fileserver/01HF3Q5J8C2W7V4N6M0K9R1T2Y/avatar/original/"
                   "01HF3Q8D5B7X2C4V6N8M0P1Q3R.png");
  g_assert_cmpstr (doc->image, ==,
                   "https://gts.example/fileserver/01HF3Q5J8C2W7V4N6M0K9R1T2Y/header/original/"
                   "01HF3QB1C3D5E7F9G1H3J5K7M9.jpeg");
  assert_strv (doc->also_known_as, (const char *[]) { "https://mastodon.example/users/kim", NULL });
  g_assert_null (doc->moved_to);

  g_assert_cmpuint (doc->public_keys->len, ==, 1);
  key = g_ptr_array_index (doc->public_keys, 0);
  g_assert_cmpstr (key->id, ==, "https://gts.example/users/kim/main-key");
  g_assert_cmpstr (key->owner, ==, "https://gts.example/users/kim");
  g_assert_true (g_str_has_prefix (key->pem, "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg"));
  g_assert_true (g_str_has_suffix (key->pem, "\n-----END PUBLIC KEY-----\n"));

  /* Found however the key id is spelled; unknown ids are not. */
  g_assert_true (qtr_actor_doc_find_key (doc, "https://gts.example/users/kim/main-key") == key);
  g_assert_true (qtr_actor_doc_find_key (doc, "HTTPS://GTS.Example:443/users/kim/main-key") == key);
  g_assert_null (qtr_actor_doc_find_key (doc, "https://gts.example/users/kim#main-key"));
  g_assert_null (qtr_actor_doc_find_key (doc, "not a url"));

  g_assert_cmpuint (doc->fields->len, ==, 2);
  g_assert_cmpstr (field_at (doc, 0)->name, ==, "pronouns");
  g_assert_cmpstr (field_at (doc, 0)->value, ==, "<p>she/her</p>");
  g_assert_cmpstr (field_at (doc, 1)->name, ==, "website");
  g_assert_cmpstr (field_at (doc, 1)->value, ==,
                   "<p><a href=\"https://kim.example.net\" target=\"_blank\" "
                   "rel=\"nofollow noopener noreferrer\">https://kim.example.net</a></p>");
}

static void
test_snac_create_note (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("snac-create-note.json");
  QtrNote *note = activity->object_note;

  g_assert_cmpstr (activity->id, ==, "https://snac.example/dave/p/1716123456.778899/Create");
  g_assert_cmpstr (activity->actor, ==, "https://snac.example/dave");
  g_assert_cmpint (activity->published, ==, 1716123456);
  assert_strv (activity->to, (const char *[]) { PUBLIC, NULL });
  assert_strv (activity->cc, (const char *[]) { "https://mastodon.example/users/alice", NULL });

  g_assert_cmpstr (note->id, ==, "https://snac.example/dave/p/1716123456.778899");
  g_assert_cmpstr (note->attributed_to, ==, "https://snac.example/dave");
  g_assert_cmpstr (note->content, ==,
                   "<p><a href=\"https://mastodon.example/users/alice\" class=\"u-url mention\" "
                   "target=\"_blank\" rel=\"nofollow noopener noreferrer\">"
                   "@alice@mastodon.example</a> a plain C server on a 486 still answers in "
                   "20 ms</p>");
  g_assert_null (note->language);
  g_assert_null (note->summary);
  g_assert_cmpstr (note->url, ==, "https://snac.example/dave/p/1716123456.778899");
  g_assert_cmpstr (note->in_reply_to, ==,
                   "https://mastodon.example/users/alice/statuses/112233445566778899");
  g_assert_cmpuint (note->mentions->len, ==, 1);
  g_assert_cmpstr (mention_at (note, 0)->href, ==, "https://mastodon.example/users/alice");
  g_assert_cmpstr (mention_at (note, 0)->name, ==, "@alice@mastodon.example");

  assert_origin_ok (activity);
}

static void
test_snac_question (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("snac-create-question.json");
  QtrNote *note = activity->object_note;

  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_NOTE);
  g_assert_cmpstr (activity->object_type, ==, "Question");
  g_assert_cmpint (note->type, ==, QTR_NOTE_TYPE_QUESTION);
  g_assert_cmpstr (note->type_name, ==, "Question");
  g_assert_cmpstr (note->content, ==, "<p>Best editor for C?</p>");
  g_assert_false (note->poll_multiple);
  g_assert_cmpint (note->poll_end_time, ==, 1716286400);
  g_assert_cmpuint (note->poll_options->len, ==, 3);
  g_assert_cmpstr (option_at (note, 0)->name, ==, "vi");
  g_assert_cmpint (option_at (note, 0)->votes, ==, 7);
  g_assert_cmpstr (option_at (note, 1)->name, ==, "emacs");
  g_assert_cmpint (option_at (note, 1)->votes, ==, 5);
  g_assert_cmpstr (option_at (note, 2)->name, ==, "ed, the standard editor");
  g_assert_cmpint (option_at (note, 2)->votes, ==, 0);
  assert_strv (note->cc, (const char *[]) { NULL });

  assert_origin_ok (activity);
}

static void
test_friendica_create_note (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("friendica-create-note.json");
  QtrNote *note = activity->object_note;
  const QtrAttachment *attachment;

  g_assert_cmpstr (activity->id, ==,
                   "https://friendica.example/objects/1f8e6a3c-8166-4b2f-9c7e-33a1d2b4c5e6/Create");
  g_assert_cmpstr (activity->actor, ==, "https://friendica.example/profile/erik");
  g_assert_cmpint (activity->published, ==, 1717312089);

  /* The contentMap holds richer HTML than content: content stays, the map gives the
   * language. */
  g_assert_cmpstr (note->content, ==,
                   "<p>Plakate überall. <a href=\"https://friendica.example/search?tag=Europawahl\" "
                   "target=\"_blank\" rel=\"nofollow noopener noreferrer tag\">#Europawahl</a></p>");
  g_assert_cmpstr (note->language, ==, "de");
  g_assert_cmpstr (note->summary, ==, "Wahlkampf");
  g_assert_false (note->sensitive);
  g_assert_cmpstr (note->url, ==,
                   "https://friendica.example/display/1f8e6a3c-8166-4b2f-9c7e-33a1d2b4c5e6");
  g_assert_cmpint (note->published, ==, 1717312089);
  g_assert_cmpint (note->updated, ==, 1717313400);
  g_assert_cmpuint (note->hashtags->len, ==, 1);
  g_assert_cmpstr (hashtag_at (note, 0)->name, ==, "Europawahl");
  g_assert_cmpstr (hashtag_at (note, 0)->href, ==,
                   "https://friendica.example/search?tag=Europawahl");

  g_assert_cmpuint (note->attachments->len, ==, 1);
  attachment = attachment_at (note, 0);
  g_assert_cmpint (attachment->type, ==, QTR_ATTACHMENT_TYPE_IMAGE);
  g_assert_cmpstr (attachment->url, ==, "https://friendica.example/photo/5a4b3c2d1e0f-0.jpg");
  g_assert_cmpstr (attachment->description, ==, "Plakatwand");
  g_assert_cmpint (attachment->width, ==, 1024);
  g_assert_cmpint (attachment->height, ==, 768);

  assert_origin_ok (activity);
  g_assert_cmpint (qtr_addressing_visibility ((const char * const *) note->to,
                                              (const char * const *) note->cc,
                                              "https://friendica.example/followers/erik"),
                   ==, QTR_VISIBILITY_PUBLIC);
}

static void
test_gnusocial_undo_follow (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("gnusocial-undo-follow.json");
  QtrActivity *follow = activity->object_activity;
  const char *follow_id =
    "https://gnusocial.example/follow_from_https%3A%2F%2Fgnusocial.example%2Findex.php%2Fuser"
    "%2F7_to_https%3A%2F%2Fquitter.example%2Fusers%2Fbob";
  g_autofree char *undo_id = g_strconcat (follow_id, "/undo", NULL);

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_UNDO);
  g_assert_cmpstr (activity->id, ==, undo_id);
  g_assert_cmpstr (activity->actor, ==, "https://gnusocial.example/index.php/user/7");
  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_ACTIVITY);
  g_assert_cmpstr (activity->object_type, ==, "Follow");
  g_assert_cmpstr (activity->object_id, ==, follow_id);
  assert_strv (activity->to, (const char *[]) { NULL });
  assert_strv (activity->cc, (const char *[]) { NULL });

  g_assert_nonnull (follow);
  g_assert_cmpint (follow->type, ==, QTR_ACTIVITY_TYPE_FOLLOW);
  g_assert_cmpstr (follow->id, ==, follow_id);
  g_assert_cmpstr (follow->actor, ==, "https://gnusocial.example/index.php/user/7");
  g_assert_cmpint (follow->object_kind, ==, QTR_ACTIVITY_OBJECT_REFERENCE);
  g_assert_cmpstr (follow->object_id, ==, "https://quitter.example/users/bob");
  g_assert_null (follow->object_type);

  assert_origin_ok (activity);
  g_assert_true (qtr_activity_object_is_trusted (activity));
  g_assert_false (qtr_activity_object_is_trusted (follow));
}

static void
test_mastodon_accept_follow (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("mastodon-accept-follow.json");
  QtrActivity *follow = activity->object_activity;

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_ACCEPT);
  g_assert_cmpstr (activity->id, ==, "https://mastodon.example/users/alice#accepts/follows/48213");
  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_ACTIVITY);
  g_assert_cmpstr (activity->object_id, ==,
                   "https://quitter.example/activities/follow/3f9d2c1b-7a6e-4d5c-8b9a-0e1f2d3c4b5a");
  g_assert_cmpint (follow->type, ==, QTR_ACTIVITY_TYPE_FOLLOW);
  g_assert_cmpstr (follow->actor, ==, "https://quitter.example/users/bob");
  g_assert_cmpstr (follow->object_id, ==, "https://mastodon.example/users/alice");

  /* The embedded Follow is ours, from another host: fine, but not to be trusted. */
  assert_origin_ok (activity);
  g_assert_false (qtr_activity_object_is_trusted (activity));
}

static void
test_mastodon_delete_tombstone (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("mastodon-delete-tombstone.json");

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_DELETE);
  g_assert_cmpstr (activity->id, ==,
                   "https://mastodon.example/users/alice/statuses/112233445566778899#delete");
  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_TOMBSTONE);
  g_assert_cmpstr (activity->object_type, ==, "Tombstone");
  g_assert_cmpstr (activity->object_id, ==,
                   "https://mastodon.example/users/alice/statuses/112233445566778899");
  assert_strv (activity->to, (const char *[]) { PUBLIC, NULL });
  assert_origin_ok (activity);
}

static void
test_mastodon_move (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("mastodon-move.json");

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_MOVE);
  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_REFERENCE);
  g_assert_cmpstr (activity->object_id, ==, "https://mastodon.example/users/alice");
  g_assert_cmpstr (activity->target, ==, "https://gts.example/users/alice");
  assert_origin_ok (activity);
}

static void
test_mastodon_flag (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("mastodon-flag.json");

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_FLAG);
  g_assert_cmpstr (activity->actor, ==, "https://mastodon.example/actor");
  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_REFERENCE);
  g_assert_cmpstr (activity->object_id, ==, "https://quitter.example/users/spammer");
  assert_strv (activity->object_ids, (const char *[]) {
    "https://quitter.example/users/spammer",
    "https://quitter.example/objects/51a2b3c4",
    "https://quitter.example/objects/51a2b3c5",
    NULL });
  /* Plain text, as sent. */
  g_assert_cmpstr (activity->content, ==, "Spam: the same link posted to 40 people <3");
  assert_origin_ok (activity);
}

static void
test_mastodon_update_person (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("mastodon-update-person.json");
  QtrActorDoc *doc = activity->object_actor;
  const QtrPublicKey *key;

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_UPDATE);
  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_ACTOR);
  g_assert_cmpstr (activity->object_type, ==, "Person");
  g_assert_cmpstr (activity->object_id, ==, "https://mastodon.example/users/alice");

  g_assert_nonnull (doc);
  g_assert_cmpstr (doc->preferred_username, ==, "alice");
  g_assert_cmpstr (doc->name, ==, "Alice 🐈");
  g_assert_cmpstr (doc->summary, ==,
                   "<p>Cats, C and the occasional "
                   "<a href=\"https://mastodon.example/tags/knitting\" class=\"mention hashtag\" "
                   "target=\"_blank\" rel=\"nofollow noopener noreferrer tag\">"
                   "#<span>knitting</span></a>.</p>");
  g_assert_cmpstr (doc->url, ==, "https://mastodon.example/@alice");
  g_assert_cmpstr (doc->inbox, ==, "https://mastodon.example/users/alice/inbox");
  g_assert_cmpstr (doc->featured, ==, "https://mastodon.example/users/alice/collections/featured");
  g_assert_cmpstr (doc->shared_inbox, ==, "https://mastodon.example/inbox");
  g_assert_false (doc->manually_approves_followers);
  g_assert_true (doc->discoverable);
  g_assert_cmpint (doc->published, ==, 1667779200);
  g_assert_cmpstr (doc->icon, ==,
                   "https://files.mastodon.example/accounts/avatars/109/301/020/000/000/001/"
                   "original/5e6f7a8b9c0d1e2f.png");
  assert_strv (doc->also_known_as, (const char *[]) { NULL });

  key = qtr_actor_doc_find_key (doc, "https://mastodon.example/users/alice#main-key");
  g_assert_nonnull (key);
  g_assert_cmpstr (key->owner, ==, "https://mastodon.example/users/alice");

  g_assert_cmpuint (doc->fields->len, ==, 2);
  g_assert_cmpstr (field_at (doc, 0)->name, ==, "Blog");
  g_assert_cmpstr (field_at (doc, 0)->value, ==,
                   "<p><a href=\"https://alice.example.net\" target=\"_blank\" "
                   "rel=\"nofollow noopener noreferrer\" translate=\"no\">"
                   "<span class=\"invisible\">https://</span><span>alice.example.net</span>"
                   "<span class=\"invisible\"></span></a></p>");
  g_assert_cmpstr (field_at (doc, 1)->name, ==, "Pronouns");
  g_assert_cmpstr (field_at (doc, 1)->value, ==, "<p>she/her</p>");

  assert_origin_ok (activity);
  g_assert_true (qtr_activity_object_is_trusted (activity));
}

static void
test_mastodon_announce (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("mastodon-announce.json");

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_ANNOUNCE);
  g_assert_cmpint (activity->published, ==, 1710151200);
  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_REFERENCE);
  g_assert_cmpstr (activity->object_id, ==,
                   "https://gts.example/users/kim/statuses/01HX7N3B5C7D9F1G3H5J7K9M1P");
  assert_strv (activity->cc, (const char *[]) { "https://gts.example/users/kim",
                                                "https://mastodon.example/users/alice/followers",
                                                NULL });
  assert_origin_ok (activity);
  g_assert_false (qtr_activity_object_is_trusted (activity));
}

static void
test_misskey_like (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("misskey-like.json");

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_LIKE);
  g_assert_cmpstr (activity->id, ==, "https://misskey.example/likes/9ttr0abc12");
  g_assert_cmpstr (activity->object_id, ==,
                   "https://mastodon.example/users/alice/statuses/112233445566778899");
  g_assert_null (activity->content);
  assert_origin_ok (activity);
}

/* Shapes */

static void
test_shape_actor (void)
{
  const char *shapes[] = {
    "'https://a.example/users/ann'",
    "{'id': 'https://a.example/users/ann', 'type': 'Person'}",
    "['https://a.example/users/ann']",
    "[{'id': 'https://a.example/users/ann'}]",
    "'HTTPS://A.Example:443/users/ann'",
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
      g_autoptr(QtrActivity) activity = NULL;

      set_json (json, "actor", shapes[i]);
      activity = parse_ok (json);
      g_assert_cmpstr (activity->actor, ==, ANN);
    }
}

static void
test_shape_attributed_to (void)
{
  const struct {
    const char *snippet;
    const char *expected;
  } shapes[] = {
    { "{'type': 'Person', 'id': 'https://a.example/users/ann'}", ANN },
    /* PeerTube: a Group and a Person */
    { "[{'type': 'Group', 'id': 'https://a.example/c/films'},"
      " {'type': 'Person', 'id': 'https://a.example/users/ann'}]", ANN },
    { "['https://a.example/users/ann', 'https://a.example/users/other']", ANN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
      g_autoptr(QtrActivity) activity = NULL;

      set_json (json, "object.attributedTo", shapes[i].snippet);
      activity = parse_ok (json);
      g_assert_cmpstr (activity->object_note->attributed_to, ==, shapes[i].expected);
    }
}

static void
test_shape_in_reply_to (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
  g_autoptr(QtrActivity) activity = NULL;

  set_json (json, "object.inReplyTo",
            "{'id': 'https://b.example/notes/9', 'type': 'Note'}");
  activity = parse_ok (json);
  g_assert_cmpstr (activity->object_note->in_reply_to, ==, "https://b.example/notes/9");
}

static void
test_shape_url (void)
{
  const struct {
    const char *snippet;
    const char *expected;
  } shapes[] = {
    { "{'type': 'Link', 'href': 'https://a.example/@ann/1', 'mediaType': 'text/html'}",
      "https://a.example/@ann/1" },
    { "[{'type': 'Link', 'href': 'https://a.example/v/1.mp4', 'mediaType': 'video/mp4'},"
      " {'type': 'Link', 'href': 'https://a.example/w/1', 'mediaType': 'text/html'}]",
      "https://a.example/w/1" },
    /* Of Links none of which is a web page, none is taken (Mastodon's url_to_href). */
    { "[{'type': 'Link', 'href': 'https://a.example/v/1.mp4', 'mediaType': 'video/mp4'}]",
      NULL },
    { "['https://a.example/@ann/1', 'https://a.example/@ann/1/embed']",
      "https://a.example/@ann/1" },
    { "[]", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
      g_autoptr(QtrActivity) activity = NULL;

      set_json (json, "object.url", shapes[i].snippet);
      activity = parse_ok (json);
      g_assert_cmpstr (activity->object_note->url, ==, shapes[i].expected);
    }
}

static void
test_shape_public_shorthands (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
  g_autoptr(QtrActivity) activity = NULL;

  set_json (json, "to", "['as:Public', {'id': 'https://b.example/users/bo'}]");
  set_json (json, "cc", "'Public'");
  set_json (json, "object.to", "['Public', 'https://a.example/users/ann/followers']");
  set_json (json, "object.cc", "['as:Public', null]");
  activity = parse_ok (json);

  assert_strv (activity->to, (const char *[]) { PUBLIC, "https://b.example/users/bo", NULL });
  assert_strv (activity->cc, (const char *[]) { PUBLIC, NULL });
  assert_strv (activity->object_note->to,
               (const char *[]) { PUBLIC, "https://a.example/users/ann/followers", NULL });
  assert_strv (activity->object_note->cc, (const char *[]) { PUBLIC, NULL });
}

static void
test_shape_content_map (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
  g_autoptr(QtrActivity) activity = NULL;
  g_autoptr(QtrActivity) without_content = NULL;
  g_autofree char *long_key = repeat_char ('a', QTR_ACTIVITY_MAX_NAME_LENGTH + 1);
  const char *bad_keys[] = { "en_US", "not a tag", "", "-en", "en-", "1en", "toolongsubtag",
                             long_key };

  /* The entry equal to content gives the language, wherever it is. */
  set_json (json, "object.contentMap",
            "{'en': '<p>hello</p>', 'de-CH': '<p>hi</p>', 'zh-Hant-TW': '<p>你好</p>'}");
  activity = parse_ok (json);
  g_assert_cmpstr (activity->object_note->language, ==, "de-CH");
  g_assert_cmpstr (activity->object_note->content, ==, "<p>hi</p>");

  /* Without content, the first entry is the content. */
  set_json (json, "object.content", NULL);
  set_json (json, "object.contentMap", "{'ja': '<p>こんにちは</p>', 'en': '<p>hello</p>'}");
  without_content = parse_ok (json);
  g_assert_cmpstr (without_content->object_note->language, ==, "ja");
  g_assert_cmpstr (without_content->object_note->content, ==, "<p>こんにちは</p>");

  /* Keys that are no language tags give no language, and do not cost the post. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_autoptr(JsonObject) map = json_object_new ();
      g_autoptr(QtrActivity) bad = NULL;

      json_object_set_string_member (map, bad_keys[i], "<p>hi</p>");
      set_path (json, "object.contentMap", json_node_init_object (json_node_alloc (), map));
      set_json (json, "object.content", "'<p>hi</p>'");
      bad = parse_ok (json);
      g_assert_null (bad->object_note->language);
      g_assert_cmpstr (bad->object_note->content, ==, "<p>hi</p>");
    }
}

static void
test_shape_summary (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
  g_autoptr(QtrActivity) activity = NULL;

  set_json (json, "object.summary", "'<p>CW: <b>spoilers</b> &amp; <script>x()</script>more</p>'");
  activity = parse_ok (json);
  g_assert_cmpstr (activity->object_note->summary, ==, "CW: spoilers & more");
}

static void
test_shape_article (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
  g_autoptr(QtrActivity) activity = NULL;

  set_json (json, "object.type", "'Article'");
  set_json (json, "object.name", "'Why we federate'");
  activity = parse_ok (json);
  g_assert_cmpint (activity->object_note->type, ==, QTR_NOTE_TYPE_ARTICLE);
  g_assert_cmpstr (activity->object_note->name, ==, "Why we federate");
}

static void
test_shape_poll (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
  g_autoptr(QtrActivity) activity = NULL;
  QtrNote *note;

  /* Mastodon's multiple-choice poll, closed: `closed` stands in for `endTime`. */
  set_json (json, "object.type", "'Question'");
  set_json (json, "object.anyOf",
            "[{'type': 'Note', 'name': 'tea', 'replies': {'type': 'Collection', 'totalItems': 12}},"
            " {'type': 'Note', 'name': 'coffee'}]");
  set_json (json, "object.closed", "'2024-05-21T10:13:20Z'");
  set_json (json, "object.votersCount", "12");
  activity = parse_ok (json);
  note = activity->object_note;

  g_assert_cmpint (note->type, ==, QTR_NOTE_TYPE_QUESTION);
  g_assert_true (note->poll_multiple);
  g_assert_cmpint (note->poll_end_time, ==, 1716286400);
  g_assert_cmpuint (note->poll_options->len, ==, 2);
  g_assert_cmpstr (option_at (note, 0)->name, ==, "tea");
  g_assert_cmpint (option_at (note, 0)->votes, ==, 12);
  g_assert_cmpstr (option_at (note, 1)->name, ==, "coffee");
  g_assert_cmpint (option_at (note, 1)->votes, ==, 0);
}

static void
test_shape_unknown_type (void)
{
  g_autoptr(JsonObject) react = object_from (
    "{'id': 'https://a.example/reactions/1', 'type': 'EmojiReact', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://b.example/notes/1', 'content': '🧡'}");
  g_autoptr(JsonObject) view = object_from (
    "{'id': 'https://a.example/views/1', 'type': 'View', 'actor': 'https://a.example/users/ann'}");
  g_autoptr(QtrActivity) reaction = parse_ok (react);
  g_autoptr(QtrActivity) viewed = parse_ok (view);

  g_assert_cmpint (reaction->type, ==, QTR_ACTIVITY_TYPE_UNKNOWN);
  g_assert_cmpstr (reaction->type_name, ==, "EmojiReact");
  g_assert_cmpstr (reaction->object_id, ==, "https://b.example/notes/1");

  g_assert_cmpint (viewed->type, ==, QTR_ACTIVITY_TYPE_UNKNOWN);
  g_assert_cmpint (viewed->object_kind, ==, QTR_ACTIVITY_OBJECT_NONE);
  g_assert_null (viewed->object_id);
  assert_strv (viewed->object_ids, (const char *[]) { NULL });
}

static void
test_shape_embedded_other (void)
{
  /* Mastodon features a hashtag on a profile with an Add of a Hashtag, which has no id. */
  g_autoptr(JsonObject) json = object_from (
    "{'id': 'https://a.example/users/ann#add/tags/1', 'type': 'Add', 'actor': 'https://a.example/users/ann',"
    " 'object': {'type': 'Hashtag', 'href': 'https://a.example/tags/knitting', 'name': '#knitting'},"
    " 'target': 'https://a.example/users/ann/collections/tags'}");
  g_autoptr(QtrActivity) activity = parse_ok (json);

  g_assert_cmpint (activity->type, ==, QTR_ACTIVITY_TYPE_ADD);
  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_OTHER);
  g_assert_cmpstr (activity->object_type, ==, "Hashtag");
  g_assert_null (activity->object_id);
  g_assert_cmpstr (activity->target, ==, "https://a.example/users/ann/collections/tags");
  assert_origin_ok (activity);
  g_assert_false (qtr_activity_object_is_trusted (activity));
}

static void
test_shape_announce_embedded (void)
{
  /* An Announce embedding someone else's post (Lemmy groups embed a whole Create). */
  g_autoptr(JsonObject) note = object_from (
    "{'id': 'https://a.example/activities/boost/1', 'type': 'Announce', 'actor': 'https://a.example/users/ann',"
    " 'object': {'id': 'https://b.example/notes/1', 'type': 'Note',"
    "            'attributedTo': 'https://b.example/users/bo', 'content': 'forged?'}}");
  g_autoptr(JsonObject) create = object_from (
    "{'id': 'https://a.example/activities/boost/2', 'type': 'Announce', 'actor': 'https://a.example/c/cats',"
    " 'object': {'id': 'https://b.example/activities/create/2', 'type': 'Create',"
    "            'actor': 'https://b.example/users/bo',"
    "            'object': {'id': 'https://b.example/notes/2', 'type': 'Page',"
    "                       'attributedTo': 'https://b.example/users/bo', 'name': 'A cat'}}}");
  g_autoptr(QtrActivity) boost = parse_ok (note);
  g_autoptr(QtrActivity) group_boost = parse_ok (create);

  g_assert_cmpint (boost->object_kind, ==, QTR_ACTIVITY_OBJECT_NOTE);
  g_assert_cmpstr (boost->object_id, ==, "https://b.example/notes/1");
  assert_origin_ok (boost);
  g_assert_false (qtr_activity_object_is_trusted (boost));

  g_assert_cmpint (group_boost->object_kind, ==, QTR_ACTIVITY_OBJECT_ACTIVITY);
  g_assert_cmpint (group_boost->object_activity->type, ==, QTR_ACTIVITY_TYPE_CREATE);
  g_assert_cmpint (group_boost->object_activity->object_note->type, ==, QTR_NOTE_TYPE_PAGE);
  g_assert_cmpstr (group_boost->object_activity->object_note->name, ==, "A cat");
  assert_origin_ok (group_boost);
  g_assert_false (qtr_activity_object_is_trusted (group_boost));
  assert_origin_ok (group_boost->object_activity);
}

static void
test_shape_delete_actor (void)
{
  /* A deleted account: the object is the actor itself. */
  g_autoptr(JsonObject) json = object_from (
    "{'id': 'https://a.example/users/ann#delete', 'type': 'Delete', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://a.example/users/ann', 'to': ['https://www.w3.org/ns/activitystreams#Public']}");
  g_autoptr(QtrActivity) activity = parse_ok (json);

  g_assert_cmpint (activity->object_kind, ==, QTR_ACTIVITY_OBJECT_REFERENCE);
  g_assert_cmpstr (activity->object_id, ==, ANN);
  assert_origin_ok (activity);
}

static void
test_shape_actor_images (void)
{
  g_autoptr(JsonObject) json = object_from (PERSON);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrActorDoc) doc = NULL;

  set_json (json, "icon", "'https://a.example/avatar.png'");
  set_json (json, "image",
            "[{'type': 'Image', 'url': {'type': 'Link', 'href': 'https://a.example/header.jpg'}},"
            " {'type': 'Image', 'url': 'https://a.example/other.jpg'}]");
  set_json (json, "url",
            "[{'type': 'Link', 'href': 'https://a.example/@ann', 'mediaType': 'text/html'}]");
  set_json (json, "sharedInbox", "'https://a.example/inbox'");
  set_json (json, "movedTo", "'https://b.example/users/ann'");
  set_json (json, "alsoKnownAs", "'https://b.example/users/ann'");
  doc = qtr_actor_doc_parse (json, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (doc->icon, ==, "https://a.example/avatar.png");
  g_assert_cmpstr (doc->image, ==, "https://a.example/header.jpg");
  g_assert_cmpstr (doc->url, ==, "https://a.example/@ann");
  /* Misskey's top-level sharedInbox stands in for endpoints.sharedInbox. */
  g_assert_cmpstr (doc->shared_inbox, ==, "https://a.example/inbox");
  g_assert_cmpstr (doc->moved_to, ==, "https://b.example/users/ann");
  assert_strv (doc->also_known_as, (const char *[]) { "https://b.example/users/ann", NULL });
  /* Absent booleans are false. */
  g_assert_false (doc->manually_approves_followers);
  g_assert_false (doc->discoverable);
}

static void
test_shape_actor_types (void)
{
  const struct {
    const char   *name;
    QtrActorType  type;
  } types[] = {
    { "Person", QTR_ACTOR_TYPE_PERSON },
    { "Service", QTR_ACTOR_TYPE_SERVICE },
    { "Group", QTR_ACTOR_TYPE_GROUP },
    { "Application", QTR_ACTOR_TYPE_APPLICATION },
    { "Organization", QTR_ACTOR_TYPE_ORGANIZATION },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(JsonObject) json = object_from (PERSON);
      g_autoptr(GError) error = NULL;
      g_autoptr(QtrActorDoc) doc = NULL;

      set_string (json, "type", types[i].name);
      doc = qtr_actor_doc_parse (json, &error);
      g_assert_no_error (error);
      g_assert_cmpint (doc->type, ==, types[i].type);
      g_assert_cmpstr (doc->type_name, ==, types[i].name);
    }
}

static void
test_shape_public_keys (void)
{
  g_autoptr(JsonObject) json = object_from (PERSON);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrActorDoc) doc = NULL;

  set_json (json, "publicKey",
            "[{'id': 'https://a.example/users/ann#main-key', 'owner': 'https://a.example/users/ann',"
            "  'publicKeyPem': 'PEM1'},"
            " {'id': 'https://a.example/users/ann#ed25519-key', 'owner': {'id': 'https://a.example/users/ann'},"
            "  'publicKeyPem': 'PEM2'},"
            " {'id': 'https://a.example/users/eve#main-key', 'owner': 'https://a.example/users/eve',"
            "  'publicKeyPem': 'PEM3'}]");
  doc = qtr_actor_doc_parse (json, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (doc->public_keys->len, ==, 3);
  g_assert_cmpstr (qtr_actor_doc_find_key (doc, "https://a.example/users/ann#main-key")->pem,
                   ==, "PEM1");
  g_assert_cmpstr (qtr_actor_doc_find_key (doc, "https://a.example/users/ann#ed25519-key")->pem,
                   ==, "PEM2");
  /* Another actor's key in this document does not speak for it. */
  g_assert_null (qtr_actor_doc_find_key (doc, "https://a.example/users/eve#main-key"));
}

static void
test_shape_nulls (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
  g_autoptr(JsonObject) person = object_from (PERSON);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrActivity) activity = NULL;
  g_autoptr(QtrActorDoc) doc = NULL;
  const char *note_fields[] = {
    "content", "contentMap", "name", "summary", "sensitive", "inReplyTo", "url", "published",
    "updated", "to", "cc", "tag", "attachment",
  };
  const char *actor_fields[] = {
    "name", "summary", "url", "outbox", "followers", "following", "featured", "endpoints",
    "manuallyApprovesFollowers", "discoverable", "published", "icon", "image", "alsoKnownAs",
    "movedTo", "publicKey", "attachment",
  };
  QtrNote *note;

  /* null means absent, everywhere it is optional. */
  set_json (json, "to", "null");
  set_json (json, "cc", "null");
  set_json (json, "published", "null");
  for (guint i = 0; i < G_N_ELEMENTS (note_fields); i++)
    {
      g_autofree char *path = g_strconcat ("object.", note_fields[i], NULL);

      set_json (json, path, "null");
    }
  activity = parse_ok (json);
  note = activity->object_note;
  assert_strv (activity->to, (const char *[]) { NULL });
  assert_strv (activity->cc, (const char *[]) { NULL });
  g_assert_cmpint (activity->published, ==, 0);
  g_assert_null (note->content);
  g_assert_null (note->language);
  g_assert_null (note->summary);
  g_assert_false (note->sensitive);
  g_assert_null (note->in_reply_to);
  g_assert_null (note->url);
  assert_strv (note->to, (const char *[]) { NULL });
  g_assert_cmpuint (note->mentions->len + note->hashtags->len + note->attachments->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (actor_fields); i++)
    set_json (person, actor_fields[i], "null");
  doc = qtr_actor_doc_parse (person, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (doc->public_keys->len, ==, 0);
  g_assert_null (doc->shared_inbox);
}

static void
test_shape_refcount (void)
{
  g_autoptr(QtrActivity) activity = parse_sample ("mastodon-create-note.json");
  g_autoptr(QtrNote) note = qtr_note_ref (activity->object_note);
  QtrActivity *copy = g_boxed_copy (QTR_TYPE_ACTIVITY, activity);

  g_assert_true (copy == activity);
  g_boxed_free (QTR_TYPE_ACTIVITY, copy);
  g_clear_pointer (&activity, qtr_activity_unref);

  /* The note outlives the activity that carried it. */
  g_assert_cmpstr (note->id, ==, "https://mastodon.example/users/alice/statuses/112233445566778899");
  g_assert_true (G_TYPE_IS_BOXED (QTR_TYPE_NOTE));
  g_assert_true (G_TYPE_IS_BOXED (QTR_TYPE_ACTOR_DOC));
}

/* Errors */

typedef struct {
  const char       *path;
  const char       *snippet;   /* NULL removes the member */
  QtrActivityError  code;
  const char       *message;
} Case;

static void
run_activity_cases (const char *base,
                    const Case *cases,
                    guint       n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr(JsonObject) json = object_from (base);

      g_test_message ("%s = %s", cases[i].path, cases[i].snippet ? cases[i].snippet : "(removed)");
      set_json (json, cases[i].path, cases[i].snippet);
      assert_activity_error (json, cases[i].code, cases[i].message);
    }
}

static void
run_actor_cases (const Case *cases,
                 guint       n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr(JsonObject) json = object_from (PERSON);

      g_test_message ("%s = %s", cases[i].path, cases[i].snippet ? cases[i].snippet : "(removed)");
      set_json (json, cases[i].path, cases[i].snippet);
      assert_actor_error (json, cases[i].code, cases[i].message);
    }
}

static void
test_error_missing (void)
{
  const Case cases[] = {
    { "id", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "id: missing" },
    { "id", "null", QTR_ACTIVITY_ERROR_MISSING_FIELD, "id: missing" },
    { "type", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "type: missing" },
    { "actor", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "actor: missing" },
    { "actor", "[]", QTR_ACTIVITY_ERROR_MISSING_FIELD, "actor: empty" },
    { "actor", "{'type': 'Person'}", QTR_ACTIVITY_ERROR_MISSING_FIELD, "actor.id: missing" },
    { "object", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "object: missing" },
    { "object", "null", QTR_ACTIVITY_ERROR_MISSING_FIELD, "object: missing" },
    { "object.id", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "object.id: missing" },
    { "object.type", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "object.type: missing" },
    { "object.attributedTo", "null", QTR_ACTIVITY_ERROR_MISSING_FIELD,
      "object.attributedTo: missing" },
    { "object.tag", "[{'type': 'Mention', 'name': '@bo'}]", QTR_ACTIVITY_ERROR_MISSING_FIELD,
      "object.tag[0].href: missing" },
    { "object.tag", "{'type': 'Hashtag', 'href': 'https://a.example/tags/x'}",
      QTR_ACTIVITY_ERROR_MISSING_FIELD, "object.tag.name: missing" },
    { "object.attachment", "[{'type': 'Image', 'mediaType': 'image/png'}]",
      QTR_ACTIVITY_ERROR_MISSING_FIELD, "object.attachment[0].url: missing" },
    { "object.attachment", "[{'url': 'https://a.example/x.png'}]",
      QTR_ACTIVITY_ERROR_MISSING_FIELD, "object.attachment[0].type: missing" },
  };
  const Case actor_cases[] = {
    { "id", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "id: missing" },
    { "preferredUsername", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "preferredUsername: missing" },
    { "inbox", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "inbox: missing" },
    { "publicKey.publicKeyPem", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD,
      "publicKey.publicKeyPem: missing" },
    { "publicKey.owner", NULL, QTR_ACTIVITY_ERROR_MISSING_FIELD, "publicKey.owner: missing" },
    { "icon", "{'type': 'Image', 'mediaType': 'image/png'}", QTR_ACTIVITY_ERROR_MISSING_FIELD,
      "icon.url: missing" },
    { "attachment", "[{'type': 'PropertyValue', 'name': 'Blog'}]",
      QTR_ACTIVITY_ERROR_MISSING_FIELD, "attachment[0].value: missing" },
  };
  g_autoptr(JsonObject) move = object_from (
    "{'id': 'https://a.example/users/ann#moves/1', 'type': 'Move', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://a.example/users/ann'}");
  g_autoptr(JsonObject) flag = object_from (
    "{'id': 'https://a.example/flags/1', 'type': 'Flag', 'actor': 'https://a.example/actor',"
    " 'object': [], 'content': 'spam'}");
  g_autoptr(JsonObject) tombstone = object_from (
    "{'id': 'https://a.example/users/ann/statuses/1#delete', 'type': 'Delete',"
    " 'actor': 'https://a.example/users/ann', 'object': {'type': 'Tombstone'}}");
  g_autoptr(JsonObject) question = object_from (CREATE_NOTE);

  run_activity_cases (CREATE_NOTE, cases, G_N_ELEMENTS (cases));
  run_actor_cases (actor_cases, G_N_ELEMENTS (actor_cases));
  assert_activity_error (move, QTR_ACTIVITY_ERROR_MISSING_FIELD, "target: missing");
  assert_activity_error (flag, QTR_ACTIVITY_ERROR_MISSING_FIELD, "object: missing");
  assert_activity_error (tombstone, QTR_ACTIVITY_ERROR_MISSING_FIELD, "object.id: missing");

  set_json (question, "object.type", "'Question'");
  set_json (question, "object.oneOf", "[{'type': 'Note'}]");
  assert_activity_error (question, QTR_ACTIVITY_ERROR_MISSING_FIELD,
                         "object.oneOf[0].name: missing");
}

/* Wrong JSON types, everywhere a field is read. */
static void
test_error_wrong_types (void)
{
  const Case cases[] = {
    { "id", "42", QTR_ACTIVITY_ERROR_INVALID_FIELD, "id: not a string" },
    { "id", "{'id': 'https://a.example/1'}", QTR_ACTIVITY_ERROR_INVALID_FIELD, "id: not a string" },
    { "type", "7", QTR_ACTIVITY_ERROR_INVALID_FIELD, "type: not a string" },
    { "type", "['Create']", QTR_ACTIVITY_ERROR_INVALID_FIELD, "type: not a string" },
    { "actor", "12", QTR_ACTIVITY_ERROR_INVALID_FIELD, "actor: not a string or an object" },
    { "actor", "true", QTR_ACTIVITY_ERROR_INVALID_FIELD, "actor: not a string or an object" },
    { "actor", "[['https://a.example/users/ann']]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "actor: not a string or an object" },
    { "actor", "{'id': 5}", QTR_ACTIVITY_ERROR_INVALID_FIELD, "actor.id: not a string" },
    { "object", "3.5", QTR_ACTIVITY_ERROR_INVALID_FIELD, "object: not a string or an object" },
    { "object", "[[{'id': 'https://a.example/1'}]]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object: not a string or an object" },
    { "to", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD, "to: not a string or an object" },
    { "to", "[['https://a.example/users/ann/followers']]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "to[0]: not a string or an object" },
    { "cc", "[{'id': 5}]", QTR_ACTIVITY_ERROR_INVALID_FIELD, "cc[0].id: not a string" },
    { "published", "1709994067", QTR_ACTIVITY_ERROR_INVALID_FIELD, "published: not a string" },
    { "published", "'yesterday'", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "published: not an ISO 8601 date" },
    { "published", "'2024-02-30T10:00:00Z'", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "published: not an ISO 8601 date" },
    { "target", "9", QTR_ACTIVITY_ERROR_INVALID_FIELD, "target: not a string or an object" },
    { "object.type", "{'@id': 'as:Note'}", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.type: not a string" },
    { "object.id", "[]", QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.id: not a string" },
    { "object.attributedTo", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.attributedTo: not a string or an object" },
    { "object.attributedTo", "[{'type': 'Group', 'id': 'https://a.example/c/g'}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.attributedTo: names no Person" },
    { "object.attributedTo", "[7]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.attributedTo[0]: not a string or an object" },
    { "object.content", "42", QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.content: not a string" },
    { "object.content", "['<p>hi</p>']", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.content: not a string" },
    { "object.contentMap", "[]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.contentMap: not an object" },
    { "object.contentMap", "{'en': 5}", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.contentMap: not a string" },
    { "object.name", "{}", QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.name: not a string" },
    { "object.summary", "[]", QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.summary: not a string" },
    { "object.sensitive", "'true'", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.sensitive: not a boolean" },
    { "object.sensitive", "1", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.sensitive: not a boolean" },
    { "object.inReplyTo", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.inReplyTo: not a string or an object" },
    { "object.url", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.url: not a string or a Link" },
    { "object.url", "[5]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.url: not an array of strings or Links" },
    { "object.url", "{'type': 'Link', 'href': 5}", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.url.href: not a string" },
    { "object.updated", "true", QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.updated: not a string" },
    { "object.to", "[null, 5]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.to[1]: not a string or an object" },
    { "object.tag", "'#cats'", QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.tag: not an object" },
    { "object.tag", "[5]", QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.tag[0]: not an object" },
    { "object.tag", "[[{'type': 'Hashtag', 'name': '#x'}]]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.tag[0]: not an object" },
    { "object.tag", "[{'type': 7}]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.tag[0].type: not a string" },
    { "object.tag", "[{'type': 'Mention', 'href': 5}]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.tag[0].href: not a string" },
    { "object.tag", "[{'type': 'Mention', 'href': 'https://b.example/u/bo', 'name': ['@bo']}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.tag[0].name: not a string" },
    { "object.tag", "[{'type': 'Hashtag', 'name': '#'}]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.tag[0].name: empty" },
    { "object.tag", "[{'type': 'Hashtag', 'name': 12}]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.tag[0].name: not a string" },
    { "object.attachment", "[{'type': 'Image', 'url': 7}]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "object.attachment[0].url: not a string or a Link" },
    { "object.attachment",
      "[{'type': 'Image', 'url': 'https://a.example/x.png', 'width': '100'}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.attachment[0].width: not an integer" },
    { "object.attachment",
      "[{'type': 'Image', 'url': 'https://a.example/x.png', 'height': 1.5}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.attachment[0].height: not an integer" },
    { "object.attachment",
      "[{'type': 'Image', 'url': 'https://a.example/x.png', 'width': -1}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.attachment[0].width: out of range" },
    { "object.attachment",
      "[{'type': 'Image', 'url': 'https://a.example/x.png', 'width': 99999999999}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.attachment[0].width: out of range" },
    { "object.attachment",
      "[{'type': 'Image', 'url': 'https://a.example/x.png', 'mediaType': ['image/png']}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.attachment[0].mediaType: not a string" },
    { "object.attachment",
      "[{'type': 'Image', 'url': 'https://a.example/x.png', 'summary': 5}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.attachment[0].summary: not a string" },
    { "object.attachment",
      "[{'type': 'Image', 'url': 'https://a.example/x.png', 'blurhash': 5}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "object.attachment[0].blurhash: not a string" },
  };
  const Case actor_cases[] = {
    { "type", "['Person']", QTR_ACTIVITY_ERROR_INVALID_FIELD, "type: not a string" },
    { "preferredUsername", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "preferredUsername: not a string" },
    { "preferredUsername", "'ann smith'", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "preferredUsername: not a username" },
    { "preferredUsername", "'ann@a.example'", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "preferredUsername: not a username" },
    { "preferredUsername", "''", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "preferredUsername: not a username" },
    { "name", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD, "name: not a string" },
    { "summary", "{}", QTR_ACTIVITY_ERROR_INVALID_FIELD, "summary: not a string" },
    { "inbox", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD, "inbox: not a string" },
    { "outbox", "[]", QTR_ACTIVITY_ERROR_INVALID_FIELD, "outbox: not a string" },
    { "manuallyApprovesFollowers", "'yes'", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "manuallyApprovesFollowers: not a boolean" },
    { "discoverable", "0", QTR_ACTIVITY_ERROR_INVALID_FIELD, "discoverable: not a boolean" },
    { "published", "false", QTR_ACTIVITY_ERROR_INVALID_FIELD, "published: not a string" },
    { "endpoints", "'https://a.example/inbox'", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "endpoints: not an object" },
    { "endpoints", "{'sharedInbox': 5}", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "endpoints.sharedInbox: not a string" },
    { "icon", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD, "icon: not a string or an Image" },
    { "icon", "{'type': 'Image', 'url': 5}", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "icon.url: not a string or a Link" },
    { "image", "[[]]", QTR_ACTIVITY_ERROR_INVALID_FIELD, "image: not a string or an Image" },
    { "alsoKnownAs", "[5]", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "alsoKnownAs[0]: not a string or an object" },
    { "movedTo", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD, "movedTo: not a string or an object" },
    { "publicKey", "'PEM'", QTR_ACTIVITY_ERROR_INVALID_FIELD, "publicKey: not an object" },
    { "publicKey.publicKeyPem", "5", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "publicKey.publicKeyPem: not a string" },
    { "publicKey.owner", "{'id': 5}", QTR_ACTIVITY_ERROR_INVALID_FIELD,
      "publicKey.owner.id: not a string" },
    { "publicKey", "[null, 5]", QTR_ACTIVITY_ERROR_INVALID_FIELD, "publicKey[1]: not an object" },
    { "attachment", "[{'type': 'PropertyValue', 'name': 'a', 'value': 5}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "attachment[0].value: not a string" },
    { "attachment", "[{'type': 'PropertyValue', 'name': [], 'value': 'b'}]",
      QTR_ACTIVITY_ERROR_INVALID_FIELD, "attachment[0].name: not a string" },
  };
  g_autoptr(JsonObject) question = object_from (CREATE_NOTE);
  g_autoptr(JsonObject) flag = object_from (
    "{'id': 'https://a.example/flags/1', 'type': 'Flag', 'actor': 'https://a.example/actor',"
    " 'object': ['https://b.example/users/x', 7]}");
  g_autoptr(JsonObject) flag_content = object_from (
    "{'id': 'https://a.example/flags/1', 'type': 'Flag', 'actor': 'https://a.example/actor',"
    " 'object': 'https://b.example/users/x', 'content': ['spam']}");

  run_activity_cases (CREATE_NOTE, cases, G_N_ELEMENTS (cases));
  run_actor_cases (actor_cases, G_N_ELEMENTS (actor_cases));

  set_json (question, "object.type", "'Question'");
  set_json (question, "object.oneOf", "[{'name': 'a', 'replies': {'totalItems': '7'}}]");
  assert_activity_error (question, QTR_ACTIVITY_ERROR_INVALID_FIELD,
                         "object.oneOf[0].replies.totalItems: not an integer");
  set_json (question, "object.oneOf", "[{'name': 'a', 'replies': 7}]");
  assert_activity_error (question, QTR_ACTIVITY_ERROR_INVALID_FIELD,
                         "object.oneOf[0].replies: not an object");
  set_json (question, "object.oneOf", "[{'name': 'a'}]");
  set_json (question, "object.endTime", "5");
  assert_activity_error (question, QTR_ACTIVITY_ERROR_INVALID_FIELD,
                         "object.endTime: not a string");

  assert_activity_error (flag, QTR_ACTIVITY_ERROR_INVALID_FIELD,
                         "object[1]: not a string or an object");
  assert_activity_error (flag_content, QTR_ACTIVITY_ERROR_INVALID_FIELD, "content: not a string");
}

static void
test_error_actor_array (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
  g_autoptr(JsonObject) objects = object_from (CREATE_NOTE);

  set_json (json, "actor", "['https://a.example/users/ann', 'https://b.example/users/mallory']");
  assert_activity_error (json, QTR_ACTIVITY_ERROR_INVALID_FIELD, "actor: holds several values");

  set_json (objects, "object", "['https://a.example/users/ann/statuses/1',"
                               " 'https://a.example/users/ann/statuses/2']");
  assert_activity_error (objects, QTR_ACTIVITY_ERROR_INVALID_FIELD,
                         "object: holds several values");
}

static void
test_error_unsupported (void)
{
  g_autoptr(JsonObject) event = object_from (CREATE_NOTE);
  g_autoptr(JsonObject) update = object_from (CREATE_NOTE);
  g_autoptr(JsonObject) create_person = object_from (CREATE_NOTE);
  g_autoptr(JsonObject) undo_note = object_from (
    "{'id': 'https://a.example/undo/1', 'type': 'Undo', 'actor': 'https://a.example/users/ann',"
    " 'object': {'id': 'https://a.example/users/ann/statuses/1', 'type': 'Note',"
    "            'attributedTo': 'https://a.example/users/ann'}}");
  g_autoptr(JsonObject) accept_tombstone = object_from (
    "{'id': 'https://a.example/accept/1', 'type': 'Accept', 'actor': 'https://a.example/users/ann',"
    " 'object': {'id': 'https://a.example/x', 'type': 'Tombstone'}}");
  g_autoptr(JsonObject) person = object_from (PERSON);
  g_autoptr(JsonObject) note = object_from (
    "{'id': 'https://a.example/users/ann/statuses/1', 'type': 'Note',"
    " 'attributedTo': 'https://a.example/users/ann'}");
  g_autoptr(GError) note_error = NULL;
  g_autoptr(GError) actor_error = NULL;
  g_autoptr(QtrNote) not_a_note = NULL;
  g_autoptr(QtrActorDoc) not_an_actor = NULL;

  set_json (event, "object.type", "'Event'");
  assert_activity_error (event, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE,
                         "object: a Create of this type is not supported");
  set_json (update, "type", "'Update'");
  set_json (update, "object.type", "'OrderedCollection'");
  assert_activity_error (update, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE,
                         "object: an Update of this type is not supported");
  set_path (create_person, "object", json_node_init_object (json_node_alloc (), person));
  assert_activity_error (create_person, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE,
                         "object: a Create of this type is not supported");
  assert_activity_error (undo_note, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE, "object: not an activity");
  assert_activity_error (accept_tombstone, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE,
                         "object: not an activity");

  not_a_note = qtr_note_parse (person, &note_error);
  g_assert_null (not_a_note);
  g_assert_error (note_error, QTR_ACTIVITY_ERROR, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE);
  not_an_actor = qtr_actor_doc_parse (note, &actor_error);
  g_assert_null (not_an_actor);
  g_assert_error (actor_error, QTR_ACTIVITY_ERROR, QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE);
}

static void
test_error_invalid_utf8 (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);

  /* json-glib's parser refuses invalid UTF-8, but objects built in code may carry it. */
  set_string (json, "object.content", "<p>caf\xc3</p>");
  assert_activity_error (json, QTR_ACTIVITY_ERROR_INVALID_FIELD,
                         "object.content: not valid UTF-8");
}

/* Hostile input */

static void
test_hostile_urls (void)
{
  const char *urls[] = {
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "ftp://a.example/users/ann",
    "/users/ann",
    "a.example/users/ann",
    "https://ann:secret@a.example/users/ann",
    "https://",
    "https://exa mple.com/users/ann",
    "",
  };
  const char *paths[] = {
    "id", "actor", "object", "to", "object.id", "object.attributedTo", "object.inReplyTo",
    "object.url", "object.tag", "object.attachment",
  };
  const char *messages[] = {
    "id: not an absolute http(s) URL",
    "actor: not an absolute http(s) URL",
    "object: not an absolute http(s) URL",
    "to[0]: not an absolute http(s) URL",
    "object.id: not an absolute http(s) URL",
    "object.attributedTo: not an absolute http(s) URL",
    "object.inReplyTo: not an absolute http(s) URL",
    "object.url: not an absolute http(s) URL",
    "object.tag.href: not an absolute http(s) URL",
    "object.attachment.url: not an absolute http(s) URL",
  };

  for (guint u = 0; u < G_N_ELEMENTS (urls); u++)
    {
      for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
        {
          g_autoptr(JsonObject) json = object_from (CREATE_NOTE);

          g_test_message ("%s = %s", paths[p], urls[u]);
          if (strcmp (paths[p], "to") == 0)
            {
              set_json (json, "to", "[]");
              json_array_add_string_element (json_object_get_array_member (json, "to"), urls[u]);
            }
          else if (strcmp (paths[p], "object.tag") == 0)
            {
              set_json (json, paths[p], "{'type': 'Mention'}");
              set_string (json, "object.tag.href", urls[u]);
            }
          else if (strcmp (paths[p], "object.attachment") == 0)
            {
              set_json (json, paths[p], "{'type': 'Image'}");
              set_string (json, "object.attachment.url", urls[u]);
            }
          else
            set_string (json, paths[p], urls[u]);
          assert_activity_error (json, QTR_ACTIVITY_ERROR_INVALID_FIELD, messages[p]);
        }
    }
  {
    g_autoptr(JsonObject) person = object_from (PERSON);

    set_json (person, "icon", "'javascript:alert(1)'");
    assert_actor_error (person, QTR_ACTIVITY_ERROR_INVALID_FIELD,
                        "icon: not an absolute http(s) URL");
    set_json (person, "icon", NULL);
    set_json (person, "inbox", "'data:application/json,{}'");
    assert_actor_error (person, QTR_ACTIVITY_ERROR_INVALID_FIELD,
                        "inbox: not an absolute http(s) URL");
  }
}

static void
test_hostile_content (void)
{
  g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
  g_autoptr(QtrActivity) activity = NULL;

  set_string (json, "object.content",
              "<p onclick=\"steal()\">hi <script>steal()</script>"
              "<a href=\"javascript:steal()\">link</a><img src=x onerror=steal()></p>");
  activity = parse_ok (json);
  g_assert_cmpstr (activity->object_note->content, ==, "<p>hi <span>link</span></p>");
}

static void
test_hostile_blurhash (void)
{
  const char *hashes[] = {
    "L\"HV6nWB2yk8pyo0adR*.7kCMdnj",   /* a quote is no base-83 digit */
    "LEHV6nWB2yk8pyo0adR*.7kCMdn",     /* one digit short */
    "~EHV6nWB2yk8pyo0adR*.7kCMdnj",    /* 9x9 components */
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++)
    {
      g_autoptr(JsonObject) json = object_from (CREATE_NOTE);
      g_autoptr(QtrActivity) activity = NULL;

      set_json (json, "object.attachment", "{'type': 'Image', 'url': 'https://a.example/1.png'}");
      set_string (json, "object.attachment.blurhash", hashes[i]);
      /* Dropped, as Mastodon drops it: not worth refusing a post for. */
      activity = parse_ok (json);
      g_assert_null (attachment_at (activity->object_note, 0)->blurhash);
    }
}

/* 100,000 entries everywhere a list is read: refused before any entry is looked at. */
static void
test_hostile_huge_arrays (void)
{
  const struct {
    const char *path;
    const char *element;
    const char *message;
  } note_cases[] = {
    { "to", "'https://a.example/users/u@N@'", "to: more than 1000 entries" },
    { "cc", "null", "cc: more than 1000 entries" },
    { "object.to", "'https://a.example/users/u@N@'", "object.to: more than 1000 entries" },
    { "object.tag", "{'type': 'Hashtag', 'name': '#t@N@'}", "object.tag: more than 200 entries" },
    { "object.attachment", "{'type': 'Image', 'url': 'https://a.example/@N@.png'}",
      "object.attachment: more than 20 entries" },
    { "object.attributedTo", "'https://a.example/users/ann'",
      "object.attributedTo: more than 16 entries" },
    { "object.url", "'https://a.example/@N@'", "object.url: more than 20 entries" },
    { "object.anyOf", "{'name': 'o@N@'}", "object.anyOf: more than 100 entries" },
  };
  const struct {
    const char *path;
    const char *element;
    const char *message;
  } actor_cases[] = {
    { "alsoKnownAs", "'https://b.example/users/u@N@'", "alsoKnownAs: more than 100 entries" },
    { "publicKey", "{'id': 'https://a.example/users/ann#k@N@'}", "publicKey: more than 20 entries" },
    { "attachment", "{'type': 'PropertyValue', 'name': 'n', 'value': 'v'}",
      "attachment: more than 50 entries" },
    { "icon", "'https://a.example/@N@.png'", "icon: more than 20 entries" },
  };
  guint n = 100000;

  for (guint i = 0; i < G_N_ELEMENTS (note_cases); i++)
    {
      g_autoptr(JsonObject) json = object_from (CREATE_NOTE);

      if (g_str_has_suffix (note_cases[i].path, "anyOf"))
        set_json (json, "object.type", "'Question'");
      set_path (json, note_cases[i].path, repeat (note_cases[i].element, n));
      assert_activity_error (json, QTR_ACTIVITY_ERROR_TOO_LARGE, note_cases[i].message);
    }

  for (guint i = 0; i < G_N_ELEMENTS (actor_cases); i++)
    {
      g_autoptr(JsonObject) json = object_from (PERSON);

      set_path (json, actor_cases[i].path, repeat (actor_cases[i].element, n));
      assert_actor_error (json, QTR_ACTIVITY_ERROR_TOO_LARGE, actor_cases[i].message);
    }

  {
    g_autoptr(JsonObject) flag = object_from (
      "{'id': 'https://a.example/flags/1', 'type': 'Flag', 'actor': 'https://a.example/actor'}");
    g_autoptr(JsonObject) actors = object_from (CREATE_NOTE);
    g_autoptr(JsonObject) map = object_from (CREATE_NOTE);
    JsonObject *languages = json_object_new ();
    JsonNode *node = json_node_new (JSON_NODE_OBJECT);

    set_path (flag, "object", repeat ("'https://b.example/notes/@N@'", n));
    assert_activity_error (flag, QTR_ACTIVITY_ERROR_TOO_LARGE, "object: more than 1000 entries");

    set_path (actors, "actor", repeat ("'https://a.example/users/ann'", n));
    assert_activity_error (actors, QTR_ACTIVITY_ERROR_INVALID_FIELD,
                           "actor: holds several values");

    for (guint i = 0; i < n; i++)
      {
        g_autofree char *key = g_strdup_printf ("x-%u", i);

        json_object_set_string_member (languages, key, "<p>hi</p>");
      }
    json_node_take_object (node, languages);
    set_path (map, "object.contentMap", node);
    assert_activity_error (map, QTR_ACTIVITY_ERROR_TOO_LARGE,
                           "object.contentMap: more than 100 entries");
  }
}

/* Caps, at their limit and one past it */

static void
check_string_cap (const char *base,
                  const char *path,
                  const char *prefix,
                  gsize       max_length,
                  const char *message)
{
  g_autoptr(JsonObject) at_cap = object_from (base);
  g_autoptr(JsonObject) over_cap = object_from (base);
  g_autofree char *filler = repeat_char ('a', max_length - strlen (prefix));
  g_autofree char *value = g_strconcat (prefix, filler, NULL);
  g_autofree char *longer = g_strconcat (value, "a", NULL);
  gboolean is_actor = strcmp (base, PERSON) == 0;

  g_assert_cmpuint (strlen (value), ==, max_length);
  set_string (at_cap, path, value);
  set_string (over_cap, path, longer);

  if (is_actor)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QtrActorDoc) doc = qtr_actor_doc_parse (at_cap, &error);

      g_assert_no_error (error);
      assert_actor_error (over_cap, QTR_ACTIVITY_ERROR_TOO_LARGE, message);
    }
  else
    {
      g_autoptr(QtrActivity) activity = parse_ok (at_cap);

      assert_activity_error (over_cap, QTR_ACTIVITY_ERROR_TOO_LARGE, message);
    }
}

static void
test_cap_strings (void)
{
  g_autoptr(JsonObject) tag = object_from (CREATE_NOTE);
  g_autoptr(GString) url = g_string_new ("https://a.example/users/ann/statuses/");

  check_string_cap (CREATE_NOTE, "object.content", "", QTR_ACTIVITY_MAX_CONTENT_LENGTH,
                    "object.content: longer than 102400 bytes");
  check_string_cap (CREATE_NOTE, "object.summary", "", QTR_ACTIVITY_MAX_TEXT_LENGTH,
                    "object.summary: longer than 16384 bytes");
  check_string_cap (CREATE_NOTE, "object.name", "", QTR_ACTIVITY_MAX_NAME_LENGTH,
                    "object.name: longer than 1024 bytes");
  check_string_cap (CREATE_NOTE, "object.id", url->str, QTR_ACTIVITY_MAX_URL_LENGTH,
                    "object.id: longer than 4096 bytes");
  check_string_cap (CREATE_NOTE_WITH_MAP, "object.contentMap.en", "", QTR_ACTIVITY_MAX_CONTENT_LENGTH,
                    "object.contentMap: longer than 102400 bytes");
  check_string_cap (PERSON, "preferredUsername", "", QTR_ACTIVITY_MAX_NAME_LENGTH,
                    "preferredUsername: longer than 1024 bytes");
  check_string_cap (PERSON, "name", "", QTR_ACTIVITY_MAX_NAME_LENGTH,
                    "name: longer than 1024 bytes");
  check_string_cap (PERSON, "summary", "", QTR_ACTIVITY_MAX_TEXT_LENGTH,
                    "summary: longer than 16384 bytes");
  check_string_cap (PERSON, "publicKey.publicKeyPem", "", QTR_ACTIVITY_MAX_TEXT_LENGTH,
                    "publicKey.publicKeyPem: longer than 16384 bytes");
  check_string_cap (PERSON, "inbox", "https://a.example/inbox/", QTR_ACTIVITY_MAX_URL_LENGTH,
                    "inbox: longer than 4096 bytes");

  /* A hashtag's name, with its '#', counts as written. */
  set_json (tag, "object.tag", "[{'type': 'Hashtag', 'name': '#x'}]");
  {
    g_autofree char *name = repeat_char ('t', QTR_ACTIVITY_MAX_NAME_LENGTH);
    JsonArray *tags = json_object_get_array_member (json_object_get_object_member (tag, "object"),
                                                    "tag");
    g_autoptr(QtrActivity) activity = NULL;

    name[0] = '#';
    json_object_set_string_member (json_array_get_object_element (tags, 0), "name", name);
    activity = parse_ok (tag);
    g_assert_cmpuint (strlen (hashtag_at (activity->object_note, 0)->name), ==,
                      QTR_ACTIVITY_MAX_NAME_LENGTH - 1);
  }
  {
    g_autofree char *name = repeat_char ('t', QTR_ACTIVITY_MAX_NAME_LENGTH + 1);
    JsonArray *tags = json_object_get_array_member (json_object_get_object_member (tag, "object"),
                                                    "tag");

    json_object_set_string_member (json_array_get_object_element (tags, 0), "name", name);
    assert_activity_error (tag, QTR_ACTIVITY_ERROR_TOO_LARGE,
                           "object.tag[0].name: longer than 1024 bytes");
  }
}

static void
check_array_cap (const char *base,
                 const char *path,
                 const char *element,
                 guint       max_entries,
                 const char *message)
{
  g_autoptr(JsonObject) at_cap = object_from (base);
  g_autoptr(JsonObject) over_cap = object_from (base);
  gboolean is_actor = strcmp (base, PERSON) == 0;

  if (g_str_has_suffix (path, "oneOf"))
    {
      set_json (at_cap, "object.type", "'Question'");
      set_json (over_cap, "object.type", "'Question'");
    }
  set_path (at_cap, path, repeat (element, max_entries));
  set_path (over_cap, path, repeat (element, max_entries + 1));

  if (is_actor)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QtrActorDoc) doc = qtr_actor_doc_parse (at_cap, &error);

      g_assert_no_error (error);
      assert_actor_error (over_cap, QTR_ACTIVITY_ERROR_TOO_LARGE, message);
    }
  else
    {
      g_autoptr(QtrActivity) activity = parse_ok (at_cap);

      assert_activity_error (over_cap, QTR_ACTIVITY_ERROR_TOO_LARGE, message);
    }
}

static void
test_cap_arrays (void)
{
  g_autoptr(JsonObject) tags = object_from (CREATE_NOTE);
  g_autoptr(QtrActivity) activity = NULL;

  check_array_cap (CREATE_NOTE, "to", "'https://a.example/users/u@N@'",
                   QTR_ACTIVITY_MAX_RECIPIENTS, "to: more than 1000 entries");
  check_array_cap (CREATE_NOTE, "cc", "'https://a.example/users/u@N@'",
                   QTR_ACTIVITY_MAX_RECIPIENTS, "cc: more than 1000 entries");
  check_array_cap (CREATE_NOTE, "object.cc", "'https://a.example/users/u@N@'",
                   QTR_ACTIVITY_MAX_RECIPIENTS, "object.cc: more than 1000 entries");
  check_array_cap (CREATE_NOTE, "object.tag",
                   "{'type': 'Mention', 'href': 'https://b.example/users/u@N@'}",
                   QTR_ACTIVITY_MAX_TAGS, "object.tag: more than 200 entries");
  check_array_cap (CREATE_NOTE, "object.attachment",
                   "{'type': 'Document', 'url': 'https://a.example/media/@N@.png'}",
                   QTR_ACTIVITY_MAX_ATTACHMENTS, "object.attachment: more than 20 entries");
  check_array_cap (CREATE_NOTE, "object.oneOf", "{'name': 'option @N@'}",
                   QTR_ACTIVITY_MAX_POLL_OPTIONS, "object.oneOf: more than 100 entries");
  check_array_cap (CREATE_NOTE, "object.attributedTo", "'https://a.example/users/ann'",
                   QTR_ACTIVITY_MAX_ATTRIBUTIONS, "object.attributedTo: more than 16 entries");
  check_array_cap (PERSON, "alsoKnownAs", "'https://b.example/users/u@N@'",
                   QTR_ACTIVITY_MAX_ALIASES, "alsoKnownAs: more than 100 entries");
  check_array_cap (PERSON, "publicKey",
                   "{'id': 'https://a.example/users/ann#k@N@', 'owner': 'https://a.example/users/ann',"
                   " 'publicKeyPem': 'PEM'}",
                   QTR_ACTIVITY_MAX_KEYS, "publicKey: more than 20 entries");
  check_array_cap (PERSON, "attachment", "{'type': 'PropertyValue', 'name': 'n@N@', 'value': 'v'}",
                   QTR_ACTIVITY_MAX_FIELDS, "attachment: more than 50 entries");

  {
    g_autoptr(JsonObject) at_cap = object_from (
      "{'id': 'https://a.example/flags/1', 'type': 'Flag', 'actor': 'https://a.example/actor'}");
    g_autoptr(JsonObject) over_cap = json_object_ref (at_cap);
    g_autoptr(QtrActivity) flag = NULL;

    set_path (at_cap, "object", repeat ("'https://b.example/notes/@N@'",
                                        QTR_ACTIVITY_MAX_FLAG_OBJECTS));
    flag = parse_ok (at_cap);
    g_assert_cmpuint (g_strv_length (flag->object_ids), ==, QTR_ACTIVITY_MAX_FLAG_OBJECTS);
    set_path (over_cap, "object", repeat ("'https://b.example/notes/@N@'",
                                          QTR_ACTIVITY_MAX_FLAG_OBJECTS + 1));
    assert_activity_error (over_cap, QTR_ACTIVITY_ERROR_TOO_LARGE,
                           "object: more than 1000 entries");
  }

  /* The cap counts entries as sent, Emoji and other skipped tags included. */
  set_path (tags, "object.tag", repeat ("{'type': 'Emoji', 'name': ':e@N@:'}", QTR_ACTIVITY_MAX_TAGS));
  activity = parse_ok (tags);
  g_assert_cmpuint (activity->object_note->hashtags->len, ==, 0);
}

static JsonObject *
nest_undo (guint levels)
{
  g_autoptr(JsonObject) inner = object_from (
    "{'id': 'https://a.example/follows/1', 'type': 'Follow', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://b.example/users/bo'}");

  for (guint i = 1; i < levels; i++)
    {
      JsonObject *undo = json_object_new ();
      g_autofree char *id = g_strdup_printf ("https://a.example/undo/%u", i);

      json_object_set_string_member (undo, "id", id);
      json_object_set_string_member (undo, "type", "Undo");
      json_object_set_string_member (undo, "actor", ANN);
      json_object_set_object_member (undo, "object", g_steal_pointer (&inner));
      inner = undo;
    }
  return g_steal_pointer (&inner);
}

static void
test_cap_depth (void)
{
  g_autoptr(JsonObject) three = nest_undo (3);
  g_autoptr(JsonObject) four = nest_undo (4);
  g_autoptr(JsonObject) fifty = nest_undo (50);
  g_autoptr(QtrActivity) activity = parse_ok (three);

  /* Undo{Undo{Follow}} is as deep as it gets. */
  g_assert_cmpint (activity->object_activity->object_activity->type, ==, QTR_ACTIVITY_TYPE_FOLLOW);
  assert_origin_ok (activity);

  assert_activity_error (four, QTR_ACTIVITY_ERROR_TOO_LARGE,
                         "object.object.object: activities nested more than 3 deep");
  assert_activity_error (fifty, QTR_ACTIVITY_ERROR_TOO_LARGE,
                         "object.object.object: activities nested more than 3 deep");
}

/* Origins */

static void
test_origin_mismatches (void)
{
  const struct {
    const char *document;
    const char *message;
  } cases[] = {
    /* An activity id on another host than its actor. */
    { "{'id': 'https://b.example/follows/1', 'type': 'Follow', 'actor': 'https://a.example/users/ann',"
      " 'object': 'https://b.example/users/bo'}",
      "id: not on the actor's host" },
    /* Same name, another port, another server. */
    { "{'id': 'https://a.example:8443/follows/1', 'type': 'Follow', 'actor': 'https://a.example/users/ann',"
      " 'object': 'https://b.example/users/bo'}",
      "id: not on the actor's host" },
    /* A Create whose Note lives on another host. */
    { "{'id': 'https://a.example/users/ann/statuses/1/activity', 'type': 'Create',"
      " 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://b.example/notes/1', 'type': 'Note',"
      "            'attributedTo': 'https://a.example/users/ann'}}",
      "object.id: not on the actor's host" },
    /* A Create of a Note attributed to someone else. */
    { "{'id': 'https://a.example/users/ann/statuses/1/activity', 'type': 'Create',"
      " 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://a.example/users/ann/statuses/1', 'type': 'Note',"
      "            'attributedTo': 'https://a.example/users/cat'}}",
      "object.attributedTo: not the actor" },
    /* ... attributed to someone on another host, with the note on ours. */
    { "{'id': 'https://a.example/users/ann/statuses/1/activity', 'type': 'Create',"
      " 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://a.example/users/ann/statuses/1', 'type': 'Note',"
      "            'attributedTo': 'https://b.example/users/bo'}}",
      "object.attributedTo: not the actor" },
    /* A Create referring to a note elsewhere. */
    { "{'id': 'https://a.example/users/ann/statuses/1/activity', 'type': 'Create',"
      " 'actor': 'https://a.example/users/ann', 'object': 'https://b.example/notes/1'}",
      "object.id: not on the actor's host" },
    /* An Update of someone else's post. */
    { "{'id': 'https://a.example/users/ann/statuses/1#updates/1', 'type': 'Update',"
      " 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://b.example/notes/1', 'type': 'Note',"
      "            'attributedTo': 'https://b.example/users/bo'}}",
      "object.id: not on the actor's host" },
    /* An Update of another actor, even on the same host. */
    { "{'id': 'https://a.example/users/ann#updates/1', 'type': 'Update',"
      " 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://a.example/users/cat', 'type': 'Person',"
      "            'preferredUsername': 'cat', 'inbox': 'https://a.example/users/cat/inbox'}}",
      "object.id: an actor may only update itself" },
    /* A Delete of an object on another host, as a Tombstone and as an id. */
    { "{'id': 'https://a.example/users/ann#delete/1', 'type': 'Delete',"
      " 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://b.example/notes/1', 'type': 'Tombstone'}}",
      "object.id: not on the actor's host" },
    { "{'id': 'https://a.example/users/ann#delete/1', 'type': 'Delete',"
      " 'actor': 'https://a.example/users/ann', 'object': 'https://b.example/users/bo'}",
      "object.id: not on the actor's host" },
    /* An Undo of someone else's Follow. */
    { "{'id': 'https://a.example/undo/1', 'type': 'Undo', 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://b.example/follows/1', 'type': 'Follow',"
      "            'actor': 'https://b.example/users/bo', 'object': 'https://c.example/users/cy'}}",
      "object.actor: not the actor" },
    /* ... of its own Follow but with an id on another host. */
    { "{'id': 'https://a.example/undo/1', 'type': 'Undo', 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://b.example/follows/1', 'type': 'Follow',"
      "            'actor': 'https://a.example/users/ann', 'object': 'https://c.example/users/cy'}}",
      "object.id: not on the actor's host" },
    { "{'id': 'https://a.example/undo/1', 'type': 'Undo', 'actor': 'https://a.example/users/ann',"
      " 'object': 'https://b.example/likes/1'}",
      "object: not on the actor's host" },
    /* Accepting a Follow of somebody else. */
    { "{'id': 'https://a.example/accepts/1', 'type': 'Accept', 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://q.example/follows/1', 'type': 'Follow',"
      "            'actor': 'https://q.example/users/me', 'object': 'https://a.example/users/cat'}}",
      "object.object: the Follow is not of the actor" },
    { "{'id': 'https://a.example/rejects/1', 'type': 'Reject', 'actor': 'https://a.example/users/ann',"
      " 'object': {'id': 'https://q.example/follows/1', 'type': 'Follow',"
      "            'actor': 'https://q.example/users/me', 'object': 'https://b.example/users/bo'}}",
      "object.object: the Follow is not of the actor" },
    /* Moving another account. */
    { "{'id': 'https://a.example/users/ann#moves/1', 'type': 'Move', 'actor': 'https://a.example/users/ann',"
      " 'object': 'https://a.example/users/cat', 'target': 'https://b.example/users/cat'}",
      "object: an actor may only move itself" },
    /* Adding to a collection on another host. */
    { "{'id': 'https://a.example/users/ann#add/1', 'type': 'Add', 'actor': 'https://a.example/users/ann',"
      " 'object': 'https://a.example/users/ann/statuses/1',"
      " 'target': 'https://b.example/users/bo/collections/featured'}",
      "target: not on the actor's host" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) json = object_from (cases[i].document);

      g_test_message ("case %u", i);
      assert_origin_error (json, cases[i].message);
    }
}

static void
test_origin_anywhere (void)
{
  const char *documents[] = {
    "{'id': 'https://a.example/follows/1', 'type': 'Follow', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://b.example/users/bo'}",
    "{'id': 'https://a.example/likes/1', 'type': 'Like', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://b.example/notes/1'}",
    "{'id': 'https://a.example/blocks/1', 'type': 'Block', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://b.example/users/bo'}",
    "{'id': 'https://a.example/boosts/1', 'type': 'Announce', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://b.example/notes/1'}",
    "{'id': 'https://a.example/flags/1', 'type': 'Flag', 'actor': 'https://a.example/actor',"
    " 'object': ['https://b.example/users/bo', 'https://b.example/notes/1']}",
    "{'id': 'https://a.example/undo/1', 'type': 'Undo', 'actor': 'https://a.example/users/ann',"
    " 'object': {'id': 'https://a.example/likes/1', 'type': 'Like',"
    "            'actor': 'https://a.example/users/ann', 'object': 'https://b.example/notes/1'}}",
    "{'id': 'https://a.example/users/ann#moves/1', 'type': 'Move', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://a.example/users/ann', 'target': 'https://b.example/users/ann'}",
    "{'id': 'https://A.EXAMPLE:443/likes/2', 'type': 'Like', 'actor': 'https://a.example/users/ann',"
    " 'object': 'https://b.example/notes/1'}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(JsonObject) json = object_from (documents[i]);
      g_autoptr(QtrActivity) activity = parse_ok (json);

      g_test_message ("case %u", i);
      assert_origin_ok (activity);
    }
}

/* Addressing */

static void
test_addressing_build (void)
{
  const char *followers = "https://q.example/users/me/followers";
  const char *mentions[] = { "https://a.example/users/ann", "https://b.example/users/bo",
                             "https://a.example/users/ann", NULL };
  const struct {
    QtrVisibility  visibility;
    const char    *to[4];
    const char    *cc[4];
  } table[] = {
    { QTR_VISIBILITY_PUBLIC,
      { PUBLIC, NULL },
      { "https://q.example/users/me/followers", "https://a.example/users/ann",
        "https://b.example/users/bo", NULL } },
    { QTR_VISIBILITY_UNLISTED,
      { "https://q.example/users/me/followers", NULL },
      { PUBLIC, "https://a.example/users/ann", "https://b.example/users/bo", NULL } },
    { QTR_VISIBILITY_PRIVATE,
      { "https://q.example/users/me/followers", NULL },
      { "https://a.example/users/ann", "https://b.example/users/bo", NULL } },
    { QTR_VISIBILITY_DIRECT,
      { "https://a.example/users/ann", "https://b.example/users/bo", NULL },
      { NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_auto(GStrv) to = NULL;
      g_auto(GStrv) cc = NULL;
      g_auto(GStrv) bare_to = NULL;
      g_auto(GStrv) bare_cc = NULL;

      qtr_addressing_build (table[i].visibility, followers, mentions, &to, &cc);
      assert_strv (to, table[i].to);
      assert_strv (cc, table[i].cc);
      /* and back */
      g_assert_cmpint (qtr_addressing_visibility ((const char * const *) to,
                                                  (const char * const *) cc, followers),
                       ==, table[i].visibility);

      /* Without mentions. */
      qtr_addressing_build (table[i].visibility, followers, NULL, &bare_to, &bare_cc);
      if (table[i].visibility == QTR_VISIBILITY_DIRECT)
        {
          assert_strv (bare_to, (const char *[]) { NULL });
          assert_strv (bare_cc, (const char *[]) { NULL });
        }
      else
        g_assert_cmpuint (g_strv_length (bare_to) + g_strv_length (bare_cc), ==,
                          table[i].visibility == QTR_VISIBILITY_PRIVATE ? 1 : 2);
    }

  /* A direct message needs no followers collection. */
  {
    g_auto(GStrv) to = NULL;
    g_auto(GStrv) cc = NULL;

    qtr_addressing_build (QTR_VISIBILITY_DIRECT, NULL, mentions, &to, &cc);
    assert_strv (to, (const char *[]) { "https://a.example/users/ann",
                                        "https://b.example/users/bo", NULL });
    assert_strv (cc, (const char *[]) { NULL });
  }
}

static void
test_addressing_visibility (void)
{
  const char *followers = "https://q.example/users/me/followers";
  const struct {
    const char    *to[3];
    const char    *cc[3];
    QtrVisibility  expected;
  } table[] = {
    { { PUBLIC, NULL }, { NULL }, QTR_VISIBILITY_PUBLIC },
    { { "as:Public", NULL }, { NULL }, QTR_VISIBILITY_PUBLIC },
    { { "https://a.example/users/ann", "Public", NULL }, { PUBLIC, NULL }, QTR_VISIBILITY_PUBLIC },
    { { "https://q.example/users/me/followers", NULL }, { "as:Public", NULL },
      QTR_VISIBILITY_UNLISTED },
    { { NULL }, { "Public", NULL }, QTR_VISIBILITY_UNLISTED },
    { { "https://q.example/users/me/followers", NULL }, { "https://a.example/users/ann", NULL },
      QTR_VISIBILITY_PRIVATE },
    /* The same collection, spelled differently. */
    { { "HTTPS://Q.EXAMPLE/users/me/followers", NULL }, { NULL }, QTR_VISIBILITY_PRIVATE },
    /* Mastodon looks for the followers collection in `to` only. */
    { { "https://a.example/users/ann", NULL }, { "https://q.example/users/me/followers", NULL },
      QTR_VISIBILITY_DIRECT },
    /* Someone else's followers do not make a post followers-only. */
    { { "https://a.example/users/ann/followers", NULL }, { NULL }, QTR_VISIBILITY_DIRECT },
    { { "https://a.example/users/ann", NULL }, { NULL }, QTR_VISIBILITY_DIRECT },
    { { NULL }, { NULL }, QTR_VISIBILITY_DIRECT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_test_message ("case %u", i);
      g_assert_cmpint (qtr_addressing_visibility (table[i].to, table[i].cc, followers), ==,
                       table[i].expected);
    }

  g_assert_cmpint (qtr_addressing_visibility (NULL, NULL, NULL), ==, QTR_VISIBILITY_DIRECT);
  g_assert_cmpint (qtr_addressing_visibility ((const char *[]) { followers, NULL }, NULL, NULL),
                   ==, QTR_VISIBILITY_DIRECT);
}

static void
test_addressing_public_collection (void)
{
  g_assert_true (qtr_activity_is_public_collection (PUBLIC));
  g_assert_true (qtr_activity_is_public_collection ("as:Public"));
  g_assert_true (qtr_activity_is_public_collection ("Public"));
  g_assert_false (qtr_activity_is_public_collection ("public"));
  g_assert_false (qtr_activity_is_public_collection ("http://www.w3.org/ns/activitystreams#Public"));
  g_assert_false (qtr_activity_is_public_collection (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/federation/activity/sample/mastodon-create-note", test_mastodon_create_note);
  g_test_add_func ("/federation/activity/sample/akkoma-create-note", test_akkoma_create_note);
  g_test_add_func ("/federation/activity/sample/misskey-create-note", test_misskey_create_note);
  g_test_add_func ("/federation/activity/sample/gotosocial-create-note",
                   test_gotosocial_create_note);
  g_test_add_func ("/federation/activity/sample/gotosocial-person", test_gotosocial_person);
  g_test_add_func ("/federation/activity/sample/snac-create-note", test_snac_create_note);
  g_test_add_func ("/federation/activity/sample/snac-question", test_snac_question);
  g_test_add_func ("/federation/activity/sample/friendica-create-note",
                   test_friendica_create_note);
  g_test_add_func ("/federation/activity/sample/gnusocial-undo-follow",
                   test_gnusocial_undo_follow);
  g_test_add_func ("/federation/activity/sample/mastodon-accept-follow",
                   test_mastodon_accept_follow);
  g_test_add_func ("/federation/activity/sample/mastodon-delete-tombstone",
                   test_mastodon_delete_tombstone);
  g_test_add_func ("/federation/activity/sample/mastodon-move", test_mastodon_move);
  g_test_add_func ("/federation/activity/sample/mastodon-flag", test_mastodon_flag);
  g_test_add_func ("/federation/activity/sample/mastodon-update-person",
                   test_mastodon_update_person);
  g_test_add_func ("/federation/activity/sample/mastodon-announce", test_mastodon_announce);
  g_test_add_func ("/federation/activity/sample/misskey-like", test_misskey_like);

  g_test_add_func ("/federation/activity/shape/actor", test_shape_actor);
  g_test_add_func ("/federation/activity/shape/attributed-to", test_shape_attributed_to);
  g_test_add_func ("/federation/activity/shape/in-reply-to", test_shape_in_reply_to);
  g_test_add_func ("/federation/activity/shape/url", test_shape_url);
  g_test_add_func ("/federation/activity/shape/public-shorthands", test_shape_public_shorthands);
  g_test_add_func ("/federation/activity/shape/content-map", test_shape_content_map);
  g_test_add_func ("/federation/activity/shape/summary", test_shape_summary);
  g_test_add_func ("/federation/activity/shape/article", test_shape_article);
  g_test_add_func ("/federation/activity/shape/poll", test_shape_poll);
  g_test_add_func ("/federation/activity/shape/unknown-type", test_shape_unknown_type);
  g_test_add_func ("/federation/activity/shape/embedded-other", test_shape_embedded_other);
  g_test_add_func ("/federation/activity/shape/announce-embedded", test_shape_announce_embedded);
  g_test_add_func ("/federation/activity/shape/delete-actor", test_shape_delete_actor);
  g_test_add_func ("/federation/activity/shape/actor-images", test_shape_actor_images);
  g_test_add_func ("/federation/activity/shape/actor-types", test_shape_actor_types);
  g_test_add_func ("/federation/activity/shape/public-keys", test_shape_public_keys);
  g_test_add_func ("/federation/activity/shape/nulls", test_shape_nulls);
  g_test_add_func ("/federation/activity/shape/refcount", test_shape_refcount);

  g_test_add_func ("/federation/activity/error/missing", test_error_missing);
  g_test_add_func ("/federation/activity/error/wrong-types", test_error_wrong_types);
  g_test_add_func ("/federation/activity/error/actor-array", test_error_actor_array);
  g_test_add_func ("/federation/activity/error/unsupported", test_error_unsupported);
  g_test_add_func ("/federation/activity/error/invalid-utf8", test_error_invalid_utf8);

  g_test_add_func ("/federation/activity/hostile/urls", test_hostile_urls);
  g_test_add_func ("/federation/activity/hostile/content", test_hostile_content);
  g_test_add_func ("/federation/activity/hostile/blurhash", test_hostile_blurhash);
  g_test_add_func ("/federation/activity/hostile/huge-arrays", test_hostile_huge_arrays);

  g_test_add_func ("/federation/activity/cap/strings", test_cap_strings);
  g_test_add_func ("/federation/activity/cap/arrays", test_cap_arrays);
  g_test_add_func ("/federation/activity/cap/depth", test_cap_depth);

  g_test_add_func ("/federation/activity/origin/mismatches", test_origin_mismatches);
  g_test_add_func ("/federation/activity/origin/anywhere", test_origin_anywhere);

  g_test_add_func ("/federation/activity/addressing/build", test_addressing_build);
  g_test_add_func ("/federation/activity/addressing/visibility", test_addressing_visibility);
  g_test_add_func ("/federation/activity/addressing/public-collection",
                   test_addressing_public_collection);

  return g_test_run ();
}
