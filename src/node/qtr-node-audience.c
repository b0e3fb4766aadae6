/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include <string.h>

#include "qtr-json.h"

/* Who may fetch what, as on Mastodon. A document addressed to the public goes to anyone but
 * the accounts the owner blocks; the others (followers-only and direct posts, and the
 * activities that carry them) only to signed fetches from their audience: the accounts they
 * address, and the owner's accepted followers when they address the followers. Everyone else
 * is answered 404, as if they did not exist. */

typedef struct {
  char  *document;
  GStrv  recipients;
} AudienceRequest;

static void
audience_request_free (AudienceRequest *request)
{
  g_free (request->document);
  g_strfreev (request->recipients);
  g_free (request);
}

static void
add_recipients (GStrvBuilder *builder,
                JsonObject   *json,
                const char   *field)
{
  JsonNode *member = json_object_get_member (json, field);
  JsonArray *array;

  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_STRING)
    {
      g_strv_builder_add (builder, json_node_get_string (member));
      return;
    }
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    return;
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
}

static void
respond_hidden (SoupServerMessage *msg)
{
  qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
}

static gboolean
is_in_audience (QtrNode            *node,
                const char * const *recipients,
                QtrRemoteActor     *signer)
{
  QtrNodeStore *store = qtr_node_get_store (node);
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *followers = g_strconcat (actor, "/followers", NULL);

  if (qtr_node_store_is_blocked (store, "uri", signer->uri, NULL))
    return FALSE;
  if (g_strv_contains (recipients, signer->uri))
    return TRUE;
  return g_strv_contains (recipients, followers) &&
         qtr_node_store_is_follower (store, signer->row, NULL);
}

static void
audience_signer_cb (QtrNode           *node,
                    SoupServerMessage *msg,
                    QtrRemoteActor    *signer,
                    GError            *error,
                    gpointer           user_data)
{
  AudienceRequest *request = user_data;

  if (signer == NULL || !is_in_audience (node, (const char * const *) request->recipients,
                                         signer))
    {
      if (error != NULL)
        g_debug ("A fetch of a hidden document was not verified: %s", error->message);
      respond_hidden (msg);
      return;
    }
  qtr_node_respond_text (msg, SOUP_STATUS_OK, QTR_AS2_CONTENT_TYPE, request->document);
}

/**
 * qtr_node_is_signed_by_blocked:
 *
 * Whether the request is signed with the key of an account the owner blocks. The signature is
 * not verified: claiming to be a blocked account only gets the claimant less.
 */
gboolean
qtr_node_is_signed_by_blocked (QtrNode           *node,
                               SoupServerMessage *msg)
{
  g_autoptr(QtrHttpSignature) signature = qtr_node_parse_signature (node, msg, NULL, NULL);

  return signature != NULL &&
         qtr_node_store_is_blocked (qtr_node_get_store (node), "key_id",
                                    qtr_http_signature_get_key_id (signature), NULL);
}

/**
 * qtr_node_respond_to_audience:
 * @document: an object or activity of the owner's, as JSON; its `to` and `cc` say who may
 *   see it
 *
 * Answers a fetch of @document: with it when the requester may see it, else 404. A fetch that
 * needs its signature verified is paused meanwhile.
 */
void
qtr_node_respond_to_audience (QtrNode           *node,
                              SoupServerMessage *msg,
                              const char        *document)
{
  g_autoptr(JsonObject) json = qtr_json_parse_object (document, strlen (document), NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) recipients = NULL;
  AudienceRequest *request;

  if (json == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Cannot read it now");
      return;
    }
  add_recipients (builder, json, "to");
  add_recipients (builder, json, "cc");
  recipients = g_strv_builder_end (builder);

  for (guint i = 0; recipients[i] != NULL; i++)
    {
      if (!qtr_activity_is_public_collection (recipients[i]))
        continue;
      if (qtr_node_is_signed_by_blocked (node, msg))
        respond_hidden (msg);
      else
        qtr_node_respond_text (msg, SOUP_STATUS_OK, QTR_AS2_CONTENT_TYPE, document);
      return;
    }

  signature = qtr_node_parse_signature (node, msg, NULL, &error);
  if (signature == NULL)
    {
      respond_hidden (msg);
      return;
    }
  request = g_new0 (AudienceRequest, 1);
  request->document = g_strdup (document);
  request->recipients = g_steal_pointer (&recipients);
  qtr_node_verify_signer (node, msg, signature, audience_signer_cb, request,
                          (GDestroyNotify) audience_request_free);
}
