/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-api-client.h"

#include "qtr-json.h"

#include <stdlib.h>
#include <string.h>

/* The client API's media: uploads (v1 and v2) into the node's media store, which sniffs
 * their type from their bytes and enforces the size caps; their MediaAttachment entity; alt
 * text and focal point changed before they are attached.
 *
 * Images get a thumbnail (made on a worker thread while the request waits), which is their
 * preview_url and their `small` meta, and a blurhash; an image no decoder here reads (WebP
 * without its gdk-pixbuf loader) has the original as its preview. Video and audio have no
 * preview: the node has no video decoder to take a still with. Uploads are processed before
 * the answer, so v2 answers 200 rather than 202. */

/* Mastodon's limit for alt text. */
#define MAX_DESCRIPTION 1500

static const char *
get_attachment_type (const char *media_type)
{
  if (g_str_has_prefix (media_type, "image/"))
    return "image";
  if (g_str_has_prefix (media_type, "video/"))
    return "video";
  if (g_str_has_prefix (media_type, "audio/"))
    return "audio";
  return "unknown";
}

/* `x,y`, each from -1.0 to 1.0, as Mastodon takes focal points. */
static gboolean
parse_focus (const char *text,
             double     *x,
             double     *y)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  char *end;

  if (g_strv_length (parts) != 2)
    return FALSE;
  *x = g_ascii_strtod (parts[0], &end);
  if (end == parts[0] || *end != '\0' || !(*x >= -1.0 && *x <= 1.0))
    return FALSE;
  *y = g_ascii_strtod (parts[1], &end);
  return end != parts[1] && *end == '\0' && *y >= -1.0 && *y <= 1.0;
}

/**
 * qtr_node_api_add_dimensions:
 * @name: the member: "original" or "small"
 *
 * Adds one size of a MediaAttachment's `meta`: width, height, "WxH" and aspect.
 */
void
qtr_node_api_add_dimensions (JsonBuilder *builder,
                             const char  *name,
                             gint64       width,
                             gint64       height)
{
  g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT, width,
                                           height);

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, height);
  qtr_json_builder_add_string (builder, "size", size);
  json_builder_set_member_name (builder, "aspect");
  json_builder_add_double_value (builder, (double) width / height);
  json_builder_end_object (builder);
}

/**
 * qtr_node_api_get_media_preview_url:
 *
 * Returns: (nullable): what a MediaAttachment of @media gives as preview_url: its thumbnail,
 *   else the original of an image, else %NULL
 */
const char *
qtr_node_api_get_media_preview_url (const QtrMedia *media)
{
  if (media->preview_url != NULL)
    return media->preview_url;
  return g_str_has_prefix (media->media_type, "image/") ? media->url : NULL;
}

static void
respond_media (QtrNode           *node,
               SoupServerMessage *msg,
               const QtrMedia    *media)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, media->id);
  g_autofree char *focus = qtr_node_store_get_media_focus (qtr_node_get_store (node), media->id,
                                                           &error);
  double x = 0, y = 0;

  if (error != NULL)
    {
      qtr_node_api_respond_internal_error (msg, error);
      return;
    }
  if (focus != NULL && !parse_focus (focus, &x, &y))
    x = y = 0;

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "id", id);
  qtr_json_builder_add_string (builder, "type", get_attachment_type (media->media_type));
  qtr_json_builder_add_string (builder, "url", media->url);
  json_builder_set_member_name (builder, "preview_url");
  if (qtr_node_api_get_media_preview_url (media) != NULL)
    json_builder_add_string_value (builder, qtr_node_api_get_media_preview_url (media));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "remote_url");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "preview_remote_url");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "text_url");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  if (media->width > 0 && media->height > 0)
    {
      qtr_node_api_add_dimensions (builder, "original", media->width, media->height);
      if (media->preview_width > 0 && media->preview_height > 0)
        qtr_node_api_add_dimensions (builder, "small", media->preview_width,
                                     media->preview_height);
      else
        qtr_node_api_add_dimensions (builder, "small", media->width, media->height);
    }
  json_builder_set_member_name (builder, "focus");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "x");
  json_builder_add_double_value (builder, x);
  json_builder_set_member_name (builder, "y");
  json_builder_add_double_value (builder, y);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "description");
  if (*media->description != '\0')
    json_builder_add_string_value (builder, media->description);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "blurhash");
  if (media->blurhash != NULL)
    json_builder_add_string_value (builder, media->blurhash);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  qtr_node_api_respond (msg, builder);
}

/* Checks `description` and `focus` before anything is stored; answers 422 when wrong. */
static gboolean
check_media_params (SoupServerMessage *msg,
                    GHashTable        *form)
{
  const char *description = g_hash_table_lookup (form, "description");
  const char *focus = g_hash_table_lookup (form, "focus");
  double x, y;

  if (description != NULL && g_utf8_strlen (description, -1) > MAX_DESCRIPTION)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: the description may be at most 1500 "
                              "characters long");
      return FALSE;
    }
  if (focus != NULL && *focus != '\0' && !parse_focus (focus, &x, &y))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: focus must be two numbers from -1.0 to 1.0, "
                              "as “x,y”");
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  SoupServerMessage *msg;
  char              *focus;
} UploadData;

static void
upload_data_free (UploadData *data)
{
  g_object_unref (data->msg);
  g_free (data->focus);
  g_free (data);
}

static void
media_added_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  UploadData *data = user_data;
  QtrNode *node = QTR_NODE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrMedia) media = qtr_node_add_media_finish (node, result, &error);

  if (media == NULL ||
      (data->focus != NULL &&
       !qtr_node_store_set_media_focus (qtr_node_get_store (node), media->id, data->focus,
                                        &error) &&
       error != NULL))
    qtr_node_api_respond_node_error (data->msg, error);
  else
    respond_media (node, data->msg, media);
  soup_server_message_unpause (data->msg);
  upload_data_free (data);
}

/* POST /api/v1/media and /api/v2/media */
void
qtr_node_handle_media_upload (QtrNode           *node,
                              SoupServerMessage *msg,
                              GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_bytes_unref);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *focus;
  guint status = SOUP_STATUS_BAD_REQUEST;
  UploadData *data;
  GBytes *file;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:media", &auth))
    return;
  form = qtr_node_api_read_params_full (msg, qtr_node_api_get_upload_limit (path), files,
                                        &status, &error);
  if (form == NULL)
    {
      qtr_node_respond_error (msg, status, error->message);
      return;
    }
  file = g_hash_table_lookup (files, "file");
  if (file == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                              "Validation failed: file is missing; send it as the “file” "
                              "part of a multipart/form-data body");
      return;
    }
  if (!check_media_params (msg, form))
    return;
  focus = g_hash_table_lookup (form, "focus");
  data = g_new0 (UploadData, 1);
  data->msg = g_object_ref (msg);
  data->focus = focus != NULL && *focus != '\0' ? g_strdup (focus) : NULL;
  soup_server_message_pause (msg);
  qtr_node_add_media_async (node, file, g_hash_table_lookup (form, "description"),
                            qtr_node_get_cancellable (node), media_added_cb, data);
}

/* The media of `:id` not yet attached to a post, as Mastodon's endpoints find it; answers 404
 * when there is none. */
static QtrMedia *
find_unattached_media (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrMedia) media = NULL;
  const char *id = g_hash_table_lookup (params, "id");
  gint64 value;

  if (!qtr_node_api_parse_id (id, &value))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Record not found");
      return NULL;
    }
  media = qtr_node_find_media (node, value, &error);
  if (media == NULL && !g_error_matches (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND))
    {
      qtr_node_api_respond_internal_error (msg, error);
      return NULL;
    }
  if (media == NULL || media->status_id != 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Record not found");
      return NULL;
    }
  return g_steal_pointer (&media);
}

void
qtr_node_handle_media_get (QtrNode           *node,
                           SoupServerMessage *msg,
                           GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrMedia) media = NULL;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:media", &auth) ||
      (media = find_unattached_media (node, msg, params)) == NULL)
    return;
  respond_media (node, msg, media);
}

void
qtr_node_handle_media_update (QtrNode           *node,
                              SoupServerMessage *msg,
                              GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(QtrMedia) media = NULL;
  g_autoptr(QtrMedia) updated = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  const char *description;
  const char *focus;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:media", &auth) ||
      (media = find_unattached_media (node, msg, params)) == NULL ||
      (form = qtr_node_api_read_params_or_refuse (msg)) == NULL ||
      !check_media_params (msg, form))
    return;
  description = g_hash_table_lookup (form, "description");
  focus = g_hash_table_lookup (form, "focus");
  if ((description != NULL &&
       !qtr_node_set_media_description (node, media->id, description, &error)) ||
      (focus != NULL &&
       !qtr_node_store_set_media_focus (qtr_node_get_store (node), media->id,
                                        *focus ? focus : NULL, &error) && error != NULL))
    {
      qtr_node_api_respond_node_error (msg, error);
      return;
    }
  updated = qtr_node_find_media (node, media->id, &error);
  if (updated == NULL)
    {
      qtr_node_api_respond_node_error (msg, error);
      return;
    }
  respond_media (node, msg, updated);
}

/* DELETE /api/v1/media/:id, as Mastodon 4.4 has it: only media attached to no post. */
void
qtr_node_handle_media_delete (QtrNode           *node,
                              SoupServerMessage *msg,
                              GHashTable        *params)
{
  g_auto(QtrApiAuth) auth = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!qtr_node_api_authorize (node, msg, QTR_API_USER, "write:media", &auth))
    return;
  if (!qtr_node_api_parse_id (g_hash_table_lookup (params, "id"), &id))
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Record not found");
      return;
    }
  if (!qtr_node_delete_media (node, id, &error))
    {
      if (g_error_matches (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND))
        qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Record not found");
      else
        qtr_node_api_respond_node_error (msg, error);
      return;
    }
  qtr_node_api_respond_empty (msg);
}
