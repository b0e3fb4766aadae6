/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include <string.h>

#include "qtr-json.h"
#include "qtr-url.h"

/* Discovery: WebFinger (RFC 7033) as Mastodon serves it, host-meta for older software, and
 * NodeInfo 2.0 and 2.1 with their discovery document. */

#define NODEINFO_SCHEMA "http://nodeinfo.diaspora.software/ns/schema/"

static char *
get_query_param (SoupServerMessage *msg,
                 const char        *name)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GHashTable) params = NULL;
  const char *query = g_uri_get_query (uri);

  if (query == NULL)
    return NULL;
  params = soup_form_decode (query);
  return g_strdup (g_hash_table_lookup (params, name));
}

static void
allow_any_origin (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Access-Control-Allow-Origin", "*");
}

static char *
get_profile_url (QtrNode *node)
{
  g_autofree char *escaped = g_uri_escape_string (qtr_node_get_owner (node)->username, NULL,
                                                  FALSE);

  return g_strdup_printf ("%s/@%s", qtr_node_get_base_url (node), escaped);
}

/* Whether a WebFinger resource names the owner: acct:user@host, user@host, or the actor's or
 * profile page's URL, however the host is spelled. */
static gboolean
resource_is_owner (QtrNode    *node,
                   const char *resource)
{
  QtrNodeOwner *owner = qtr_node_get_owner (node);
  g_autofree char *host = qtr_node_get_host (node);
  g_autofree char *actor_url = qtr_node_get_actor_url (node);
  g_autofree char *profile_url = get_profile_url (node);

  if (g_str_has_prefix (resource, "https://") || g_str_has_prefix (resource, "http://"))
    {
      g_autofree char *normalized = qtr_url_normalize (resource, NULL);

      return normalized != NULL &&
             (g_str_equal (normalized, actor_url) || g_str_equal (normalized, profile_url));
    }

  {
    g_autoptr(QtrHandle) handle = qtr_handle_parse (resource, NULL);

    return handle != NULL && g_ascii_strcasecmp (handle->user, owner->username) == 0 &&
           g_str_equal (handle->host, host);
  }
}

/* The JRD is the same whichever spelling of the owner was asked for: built once. */
static GBytes *
get_jrd (QtrNode *node)
{
  GBytes *jrd = qtr_node_get_document (node, "webfinger");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GBytes) built = NULL;
  g_autofree char *host = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *actor_url = NULL;
  g_autofree char *profile_url = NULL;
  char *data;
  gsize length;

  if (jrd != NULL)
    return g_bytes_ref (jrd);

  host = qtr_node_get_host (node);
  subject = g_strdup_printf ("acct:%s@%s", qtr_node_get_owner (node)->username, host);
  actor_url = qtr_node_get_actor_url (node);
  profile_url = get_profile_url (node);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, subject);
  json_builder_set_member_name (builder, "aliases");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, profile_url);
  json_builder_add_string_value (builder, actor_url);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_array (builder);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rel");
  json_builder_add_string_value (builder, "http://webfinger.net/rel/profile-page");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "text/html");
  json_builder_set_member_name (builder, "href");
  json_builder_add_string_value (builder, profile_url);
  json_builder_end_object (builder);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rel");
  json_builder_add_string_value (builder, "self");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "application/activity+json");
  json_builder_set_member_name (builder, "href");
  json_builder_add_string_value (builder, actor_url);
  json_builder_end_object (builder);

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  built = g_bytes_new_take (data, length);
  qtr_node_set_document (node, "webfinger", built);
  /* The canonical resource, answered without parsing it. */
  {
    g_autoptr(GBytes) canonical = g_bytes_new (subject, strlen (subject));
    qtr_node_set_document (node, "webfinger-subject", canonical);
  }
  return g_steal_pointer (&built);
}

static gboolean
is_canonical_resource (QtrNode    *node,
                       const char *resource)
{
  GBytes *subject = qtr_node_get_document (node, "webfinger-subject");
  gsize length;
  const char *data;

  if (subject == NULL)
    return FALSE;
  data = g_bytes_get_data (subject, &length);
  return strlen (resource) == length && memcmp (resource, data, length) == 0;
}

void
qtr_node_handle_webfinger (QtrNode           *node,
                           SoupServerMessage *msg,
                           GHashTable        *params)
{
  g_autofree char *resource = get_query_param (msg, "resource");
  g_autoptr(GBytes) jrd = NULL;

  allow_any_origin (msg);
  if (resource == NULL || *resource == '\0')
    {
      qtr_node_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                              "The resource parameter is missing");
      return;
    }
  if (!is_canonical_resource (node, resource) && !resource_is_owner (node, resource))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "No such account here");
      return;
    }

  jrd = get_jrd (node);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, QTR_JRD_CONTENT_TYPE, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (jrd, NULL), g_bytes_get_size (jrd));
}

void
qtr_node_handle_host_meta (QtrNode           *node,
                           SoupServerMessage *msg,
                           GHashTable        *params)
{
  g_autofree char *escaped = g_markup_escape_text (qtr_node_get_base_url (node), -1);
  g_autofree char *body = g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
    "  <Link rel=\"lrdd\" template=\"%s/.well-known/webfinger?resource={uri}\"/>\n"
    "</XRD>\n", escaped);

  allow_any_origin (msg);
  qtr_node_respond_text (msg, SOUP_STATUS_OK, "application/xrd+xml; charset=utf-8", body);
}

static void
add_nodeinfo_link (JsonBuilder *builder,
                   const char  *base_url,
                   const char  *version)
{
  g_autofree char *rel = g_strconcat (NODEINFO_SCHEMA, version, NULL);
  g_autofree char *href = g_strdup_printf ("%s/nodeinfo/%s", base_url, version);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rel");
  json_builder_add_string_value (builder, rel);
  json_builder_set_member_name (builder, "href");
  json_builder_add_string_value (builder, href);
  json_builder_end_object (builder);
}

void
qtr_node_handle_nodeinfo_links (QtrNode           *node,
                                SoupServerMessage *msg,
                                GHashTable        *params)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_array (builder);
  add_nodeinfo_link (builder, qtr_node_get_base_url (node), "2.0");
  add_nodeinfo_link (builder, qtr_node_get_base_url (node), "2.1");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  allow_any_origin (msg);
  qtr_node_respond_json (msg, SOUP_STATUS_OK, NULL, root);
}


static void
add_empty_array_member (JsonBuilder *builder,
                        const char  *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
}

void
qtr_node_handle_nodeinfo (QtrNode           *node,
                          SoupServerMessage *msg,
                          GHashTable        *params)
{
  const char *version = g_hash_table_lookup (params, "version");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *content_type = NULL;
  gboolean v21;
  QtrNodeOwner *owner = qtr_node_get_owner (node);

  if (!g_str_equal (version, "2.0") && !g_str_equal (version, "2.1"))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND,
                              "This node serves NodeInfo 2.0 and 2.1");
      return;
    }
  v21 = g_str_equal (version, "2.1");

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "version", version);

  json_builder_set_member_name (builder, "software");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "name", "quitter");
  qtr_json_builder_add_string (builder, "version", PACKAGE_VERSION);
  if (v21)
    {
      qtr_json_builder_add_string (builder, "repository", APP_WEBSITE);
      qtr_json_builder_add_string (builder, "homepage", APP_WEBSITE);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "protocols");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "activitypub");
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "services");
  json_builder_begin_object (builder);
  add_empty_array_member (builder, "inbound");
  add_empty_array_member (builder, "outbound");
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "openRegistrations");
  json_builder_add_boolean_value (builder, FALSE);

  /* A personal node: one user, its owner. */
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "users");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "activeMonth");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "activeHalfyear");
  json_builder_add_int_value (builder, 1);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "nodeName",
                     *owner->display_name ? owner->display_name : owner->username);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  content_type = g_strdup_printf ("application/json; profile=\"" NODEINFO_SCHEMA "%s#\"",
                                  version);
  allow_any_origin (msg);
  qtr_node_respond_json (msg, SOUP_STATUS_OK, content_type, root);
}
