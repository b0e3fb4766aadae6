/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-account.h"
#include "qtr-api-error.h"
#include "qtr-client-test.h"
#include "qtr-json.h"
#include "qtr-media-attachment.h"
#include "qtr-notification.h"
#include "qtr-relationship.h"
#include "qtr-status.h"
#include "qtr-test-util.h"

/* Entities as each kind of server sends them (the JSON files of tests/data/client/FLAVOUR). */

static JsonNode *
load_json (const char *flavour,
           const char *name)
{
  g_autofree char *folder = g_build_filename ("client", flavour, NULL);
  g_autoptr(GBytes) bytes = qtr_test_load_data (folder, name);
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *node = qtr_json_parse (data, length, &error);

  g_assert_no_error (error);
  return node;
}

static QtrAccount *
load_account (const char *flavour)
{
  g_autoptr(JsonNode) node = load_json (flavour, "account.json");
  g_autoptr(GError) error = NULL;
  QtrAccount *account = qtr_account_new_from_json (json_node_get_object (node), &error);

  g_assert_no_error (error);
  return account;
}

static QtrStatus *
load_status (const char *flavour)
{
  g_autoptr(JsonNode) node = load_json (flavour, "status.json");
  g_autoptr(GError) error = NULL;
  QtrStatus *status = qtr_status_new_from_json (json_node_get_object (node), &error);

  g_assert_no_error (error);
  return status;
}

static QtrNotification *
load_notification (const char *flavour)
{
  g_autoptr(JsonNode) node = load_json (flavour, "notification.json");
  g_autoptr(GError) error = NULL;
  QtrNotification *notification = qtr_notification_new_from_json (json_node_get_object (node),
                                                                   &error);

  g_assert_no_error (error);
  return notification;
}

static QtrRelationship *
load_relationship (const char *flavour)
{
  g_autoptr(JsonNode) node = load_json (flavour, "relationships.json");
  g_autoptr(GError) error = NULL;
  QtrRelationship *relationship;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  relationship = qtr_relationship_new_from_json (
    json_array_get_object_element (json_node_get_array (node), 0), &error);
  g_assert_no_error (error);
  return relationship;
}

static void
assert_time (GDateTime  *time,
             const char *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (time);
  text = g_date_time_format_iso8601 (time);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_mastodon (void)
{
  g_autoptr(QtrAccount) account = load_account ("mastodon");
  g_autoptr(QtrStatus) status = load_status ("mastodon");
  g_autoptr(QtrNotification) notification = load_notification ("mastodon");
  g_autoptr(QtrRelationship) relationship = load_relationship ("mastodon");
  QtrStatus *shown;
  QtrMediaAttachment *image;
  QtrMediaAttachment *video;
  QtrAccountField *field;
  const QtrPoll *poll;
  const QtrCard *card;
  g_autofree char *display_name = NULL;
  g_autoptr(QtrAccount) bound_account = NULL;

  g_assert_cmpstr (qtr_account_get_id (account), ==, "109302");
  g_assert_cmpstr (qtr_account_get_acct (account), ==, "alice");
  g_assert_cmpstr (qtr_account_get_name (account), ==, "Alice 🌻");
  g_assert_cmpint (qtr_account_get_followers_count (account), ==, 321);
  assert_time (qtr_account_get_last_status_at (account), "2024-10-30T00:00:00Z");
  g_assert_cmpuint (qtr_account_get_fields (account)->len, ==, 2);
  field = g_ptr_array_index (qtr_account_get_fields (account), 0);
  g_assert_cmpstr (field->name, ==, "Website");
  g_assert_nonnull (field->verified_at);
  field = g_ptr_array_index (qtr_account_get_fields (account), 1);
  g_assert_null (field->verified_at);

  /* Properties are what rows bind to. */
  g_object_get (account, "display-name", &display_name, NULL);
  g_assert_cmpstr (display_name, ==, "Alice 🌻");

  /* A boost: the row shows the boosted post. */
  g_assert_cmpstr (qtr_status_get_id (status), ==, "113400000000000002");
  g_assert_cmpstr (qtr_account_get_name (qtr_status_get_account (status)), ==, "bob");
  shown = qtr_status_get_shown (status);
  g_assert_true (shown == qtr_status_get_reblog (status));
  g_assert_cmpstr (qtr_status_get_id (shown), ==, "113400000000000001");
  g_assert_cmpstr (qtr_status_get_spoiler_text (shown), ==, "Garden photos");
  g_assert_true (qtr_status_get_sensitive (shown));
  g_assert_true (qtr_status_get_favourited (shown));
  g_assert_cmpint (qtr_status_get_favourites_count (shown), ==, 17);
  g_assert_cmpstr (qtr_status_get_in_reply_to_id (shown), ==, "113399999999999999");
  assert_time (qtr_status_get_edited_at (shown), "2024-10-30T12:01:00Z");
  g_object_get (shown, "account", &bound_account, NULL);
  g_assert_true (bound_account == qtr_status_get_account (shown));

  g_assert_cmpuint (qtr_status_get_media_attachments (shown)->len, ==, 2);
  image = g_ptr_array_index (qtr_status_get_media_attachments (shown), 0);
  g_assert_cmpstr (qtr_media_attachment_get_media_type (image), ==, "image");
  g_assert_cmpstr (qtr_media_attachment_get_description (image), ==, "Red tomatoes on the vine");
  g_assert_cmpint (qtr_media_attachment_get_width (image), ==, 1600);
  g_assert_cmpint (qtr_media_attachment_get_height (image), ==, 1200);
  video = g_ptr_array_index (qtr_status_get_media_attachments (shown), 1);
  g_assert_null (qtr_media_attachment_get_url (video));
  g_assert_cmpint (qtr_media_attachment_get_width (video), ==, -1);

  g_assert_cmpuint (qtr_status_get_mentions (shown)->len, ==, 1);
  g_assert_cmpstr (((QtrMention *) g_ptr_array_index (qtr_status_get_mentions (shown), 0))->acct,
                   ==, "carol@other.example");
  g_assert_cmpstr (((QtrTag *) g_ptr_array_index (qtr_status_get_tags (shown), 0))->name, ==,
                   "gardening");

  poll = qtr_status_get_poll (shown);
  g_assert_nonnull (poll);
  g_assert_cmpuint (poll->options->len, ==, 2);
  g_assert_cmpstr (((QtrPollOption *) g_ptr_array_index (poll->options, 0))->title, ==, "Red");
  g_assert_cmpint (((QtrPollOption *) g_ptr_array_index (poll->options, 0))->votes_count, ==, 6);
  g_assert_cmpuint (poll->own_votes->len, ==, 1);
  g_assert_cmpuint (g_array_index (poll->own_votes, guint, 0), ==, 1);
  card = qtr_status_get_card (shown);
  g_assert_nonnull (card);
  g_assert_cmpstr (card->title, ==, "Growing tomatoes");
  g_assert_cmpstr (card->provider_name, ==, "Seeds");

  g_assert_cmpint (qtr_notification_get_kind (notification), ==, QTR_NOTIFICATION_FAVOURITE);
  g_assert_cmpstr (qtr_status_get_content (qtr_notification_get_status (notification)), ==,
                   "<p>Hello</p>");

  g_assert_true (qtr_relationship_get_following (relationship));
  g_assert_false (qtr_relationship_get_showing_reblogs (relationship));
  g_assert_cmpstr (qtr_relationship_get_note (relationship), ==, "met at the garden");

  g_assert_finalize_object (g_steal_pointer (&status));
  g_assert_finalize_object (g_steal_pointer (&account));
}

static void
test_gotosocial (void)
{
  g_autoptr(QtrAccount) account = load_account ("gotosocial");
  g_autoptr(QtrStatus) status = load_status ("gotosocial");
  g_autoptr(QtrNotification) notification = load_notification ("gotosocial");
  g_autoptr(QtrRelationship) relationship = load_relationship ("gotosocial");
  QtrMediaAttachment *media;

  /* No display name set: the username shows. */
  g_assert_cmpstr (qtr_account_get_display_name (account), ==, "");
  g_assert_cmpstr (qtr_account_get_name (account), ==, "erin");
  g_assert_true (qtr_account_get_locked (account));

  g_assert_cmpstr (qtr_status_get_id (status), ==, "01JBD3Q7Q0Z6M8J5T2R1W4X9YA");
  g_assert_cmpstr (qtr_status_get_visibility (status), ==, "private");
  g_assert_true (qtr_status_get_bookmarked (status));
  g_assert_null (qtr_status_get_edited_at (status));
  g_assert_null (qtr_status_get_reblog (status));
  g_assert_true (qtr_status_get_shown (status) == status);
  g_assert_null (qtr_status_get_poll (status));
  g_assert_null (qtr_status_get_card (status));
  media = g_ptr_array_index (qtr_status_get_media_attachments (status), 0);
  g_assert_cmpstr (qtr_media_attachment_get_blurhash (media), ==, "LKN]Rv%2Tw=w]~RBVZRi};RPxuwH");
  g_assert_cmpint (qtr_media_attachment_get_width (media), ==, 800);

  g_assert_cmpint (qtr_notification_get_kind (notification), ==,
                   QTR_NOTIFICATION_FOLLOW_REQUEST);
  g_assert_null (qtr_notification_get_status (notification));
  g_assert_cmpstr (qtr_account_get_acct (qtr_notification_get_account (notification)), ==,
                   "frank@mastodon.example");

  g_assert_false (qtr_relationship_get_following (relationship));
}

static void
test_akkoma (void)
{
  g_autoptr(QtrAccount) account = load_account ("akkoma");
  g_autoptr(QtrStatus) status = load_status ("akkoma");
  g_autoptr(QtrNotification) notification = load_notification ("akkoma");
  g_autoptr(QtrRelationship) relationship = load_relationship ("akkoma");
  QtrMediaAttachment *media;
  QtrAccountField *field;
  const QtrPoll *poll;

  g_assert_cmpstr (qtr_account_get_id (account), ==, "AmXzgv0gNvS3fTyuKW");
  /* A time without a zone is taken as UTC. */
  assert_time (qtr_account_get_last_status_at (account), "2024-10-29T00:00:00Z");
  field = g_ptr_array_index (qtr_account_get_fields (account), 0);
  g_assert_cmpstr (field->value, ==, "@grace:matrix.example");
  g_assert_null (field->verified_at);

  g_assert_null (qtr_status_get_language (status));
  media = g_ptr_array_index (qtr_status_get_media_attachments (status), 0);
  g_assert_cmpstr (qtr_media_attachment_get_id (media), ==, "1839420923");
  g_assert_cmpint (qtr_media_attachment_get_height (media), ==, -1);
  poll = qtr_status_get_poll (status);
  g_assert_true (poll->multiple);
  g_assert_null (poll->expires_at);
  g_assert_cmpint (poll->voters_count, ==, -1);
  g_assert_cmpuint (poll->own_votes->len, ==, 0);

  /* Akkoma's own notification type is kept, as one the client does not know. */
  g_assert_cmpint (qtr_notification_get_kind (notification), ==, QTR_NOTIFICATION_OTHER);
  g_assert_cmpstr (qtr_notification_get_notification_type (notification), ==,
                   "pleroma:emoji_reaction");
  g_assert_cmpint (qtr_status_get_replies_count (qtr_notification_get_status (notification)), ==,
                   -1);

  g_assert_true (qtr_relationship_get_notifying (relationship));
}

static void
test_snac (void)
{
  g_autoptr(QtrAccount) account = load_account ("snac");
  g_autoptr(QtrStatus) status = load_status ("snac");
  g_autoptr(QtrNotification) notification = load_notification ("snac");
  g_autoptr(QtrRelationship) relationship = load_relationship ("snac");
  QtrStatus *mention;

  g_assert_cmpstr (qtr_account_get_name (account), ==, "ivan");
  g_assert_cmpstr (qtr_account_get_avatar (account), ==, "");
  g_assert_cmpint (qtr_account_get_followers_count (account), ==, -1);
  g_assert_cmpint (qtr_account_get_statuses_count (account), ==, -1);

  assert_time (qtr_status_get_created_at (status), "2024-10-30T14:40:12Z");
  g_assert_cmpint (qtr_status_get_replies_count (status), ==, -1);
  g_assert_cmpint (qtr_status_get_favourites_count (status), ==, -1);
  g_assert_null (qtr_status_get_language (status));

  mention = qtr_notification_get_status (notification);
  g_assert_cmpint (qtr_notification_get_kind (notification), ==, QTR_NOTIFICATION_MENTION);
  g_assert_cmpstr (qtr_status_get_visibility (mention), ==, "direct");
  g_assert_cmpstr (qtr_status_get_in_reply_to_id (mention), ==, "17303000123456");
  g_assert_null (qtr_account_get_avatar (qtr_status_get_account (mention)));

  /* Only two fields: the rest take their defaults. */
  g_assert_true (qtr_relationship_get_followed_by (relationship));
  g_assert_false (qtr_relationship_get_blocking (relationship));
  g_assert_true (qtr_relationship_get_showing_reblogs (relationship));
  g_assert_null (qtr_relationship_get_note (relationship));
}

static void
assert_refused (const char *json,
                GType       type,
                const char *message)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  gpointer entity;

  g_assert_nonnull (node);
  if (type == QTR_TYPE_ACCOUNT)
    entity = qtr_account_new_from_json (json_node_get_object (node), &error);
  else if (type == QTR_TYPE_STATUS)
    entity = qtr_status_new_from_json (json_node_get_object (node), &error);
  else if (type == QTR_TYPE_NOTIFICATION)
    entity = qtr_notification_new_from_json (json_node_get_object (node), &error);
  else if (type == QTR_TYPE_MEDIA_ATTACHMENT)
    entity = qtr_media_attachment_new_from_json (json_node_get_object (node), &error);
  else
    entity = qtr_relationship_new_from_json (json_node_get_object (node), &error);
  g_assert_null (entity);
  g_assert_error (error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (error->message, ==, message);
}

#define ACCOUNT "{\"id\":\"1\",\"username\":\"a\",\"acct\":\"a\"}"

static void
test_required (void)
{
  g_autoptr(JsonNode) numeric = json_from_string (
    "{\"id\": 42, \"username\": \"old\", \"acct\": \"old\", \"followers_count\": \"7\","
    " \"locked\": \"yes\", \"note\": 5, \"fields\": [null, 3, {\"value\": \"x\"}]}", NULL);
  g_autoptr(QtrAccount) account = NULL;

  assert_refused ("{\"username\":\"a\",\"acct\":\"a\"}", QTR_TYPE_ACCOUNT,
                  "The server\'s Account has no valid “id”");
  assert_refused ("{\"id\":\"1\",\"username\":\"a\",\"acct\":null}", QTR_TYPE_ACCOUNT,
                  "The server\'s Account has no valid “acct”");
  assert_refused ("{\"id\":\"1\",\"account\":" ACCOUNT "}", QTR_TYPE_STATUS,
                  "The server\'s Status has no valid “created_at”");
  assert_refused ("{\"id\":\"1\",\"created_at\":\"not a time\",\"account\":" ACCOUNT "}",
                  QTR_TYPE_STATUS, "The server\'s Status has no valid “created_at”");
  assert_refused ("{\"id\":\"1\",\"created_at\":\"2024-01-01T00:00:00Z\"}", QTR_TYPE_STATUS,
                  "The server\'s Status has no valid “account”");
  assert_refused ("{\"id\":\"1\",\"created_at\":\"2024-01-01T00:00:00Z\",\"account\":"
                  "{\"id\":\"1\",\"acct\":\"a\"}}", QTR_TYPE_STATUS,
                  "The server\'s Account has no valid “username”");
  assert_refused ("{\"id\":\"1\",\"created_at\":\"2024-01-01T00:00:00Z\",\"account\":" ACCOUNT
                  ",\"reblog\":{\"id\":\"2\",\"account\":" ACCOUNT "}}", QTR_TYPE_STATUS,
                  "The server\'s Status has no valid “created_at”");
  assert_refused ("{\"id\":\"1\",\"created_at\":\"2024-01-01T00:00:00Z\",\"account\":" ACCOUNT
                  ",\"media_attachments\":[{\"type\":\"image\"}]}", QTR_TYPE_STATUS,
                  "The server\'s MediaAttachment has no valid “id”");
  assert_refused ("{\"id\":\"1\",\"created_at\":\"2024-01-01T00:00:00Z\",\"account\":" ACCOUNT
                  "}", QTR_TYPE_NOTIFICATION,
                  "The server\'s Notification has no valid “type”");
  assert_refused ("{\"following\":true}", QTR_TYPE_RELATIONSHIP,
                  "The server\'s Relationship has no valid “id”");

  /* Numbers for ids and counts are taken; members of the wrong type count as absent. */
  account = qtr_account_new_from_json (json_node_get_object (numeric), NULL);
  g_assert_nonnull (account);
  g_assert_cmpstr (qtr_account_get_id (account), ==, "42");
  g_assert_cmpint (qtr_account_get_followers_count (account), ==, 7);
  g_assert_false (qtr_account_get_locked (account));
  g_assert_null (qtr_account_get_note (account));
  g_assert_cmpuint (qtr_account_get_fields (account)->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  qtr_client_test_init (&argc, &argv);

  g_test_add_func ("/client/entities/mastodon", test_mastodon);
  g_test_add_func ("/client/entities/gotosocial", test_gotosocial);
  g_test_add_func ("/client/entities/akkoma", test_akkoma);
  g_test_add_func ("/client/entities/snac", test_snac);
  g_test_add_func ("/client/entities/required", test_required);

  return g_test_run ();
}
