/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

/* Media the owner uploads: the type read from the bytes (never from a name or a claimed type),
 * the size capped per kind, the dimensions read from the image's own header, the file kept in
 * the data folder under a name the node picks (`media/ID.EXT`, 0600) and served at
 * `BASE/media/ID.EXT` with headers that keep browsers from reading it as anything else. */

#define MEDIA_FOLDER "media"

typedef enum {
  MEDIA_KIND_IMAGE,
  MEDIA_KIND_VIDEO,
  MEDIA_KIND_AUDIO,
} MediaKind;

static const struct {
  const char *media_type;
  const char *extension;
  MediaKind   kind;
} media_types[] = {
  { "image/png", "png", MEDIA_KIND_IMAGE },
  { "image/jpeg", "jpg", MEDIA_KIND_IMAGE },
  { "image/gif", "gif", MEDIA_KIND_IMAGE },
  { "image/webp", "webp", MEDIA_KIND_IMAGE },
  { "video/mp4", "mp4", MEDIA_KIND_VIDEO },
  { "video/webm", "webm", MEDIA_KIND_VIDEO },
  { "audio/mp4", "m4a", MEDIA_KIND_AUDIO },
  { "audio/mpeg", "mp3", MEDIA_KIND_AUDIO },
  { "audio/ogg", "ogg", MEDIA_KIND_AUDIO },
};

static int
find_media_type (const char *media_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (media_types); i++)
    if (g_strcmp0 (media_types[i].media_type, media_type) == 0)
      return (int) i;
  return -1;
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint
read_be16 (const guint8 *p)
{
  return ((guint) p[0] << 8) | p[1];
}

static guint
read_le16 (const guint8 *p)
{
  return p[0] | ((guint) p[1] << 8);
}

static guint32
read_le24 (const guint8 *p)
{
  return p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16);
}

/* PNG: the signature, then IHDR first, its width and height big-endian. */
static gboolean
read_png_size (const guint8 *data,
               gsize         length,
               guint        *width,
               guint        *height)
{
  if (length < 24 || memcmp (data + 12, "IHDR", 4) != 0)
    return FALSE;
  if (read_be32 (data + 16) > G_MAXINT32 || read_be32 (data + 20) > G_MAXINT32)
    return FALSE;
  *width = read_be32 (data + 16);
  *height = read_be32 (data + 20);
  return TRUE;
}

/* GIF: the logical screen descriptor follows the signature. */
static gboolean
read_gif_size (const guint8 *data,
               gsize         length,
               guint        *width,
               guint        *height)
{
  if (length < 10)
    return FALSE;
  *width = read_le16 (data + 6);
  *height = read_le16 (data + 8);
  return TRUE;
}

/* JPEG: walk the marker segments up to the first start of frame (SOF0 to SOF15, but DHT,
 * JPG and DAC), which holds the height, then the width. */
static gboolean
read_jpeg_size (const guint8 *data,
                gsize         length,
                guint        *width,
                guint        *height)
{
  gsize offset = 2;

  while (offset + 4 <= length)
    {
      guint8 marker;
      guint segment;

      if (data[offset] != 0xff)
        return FALSE;
      while (offset < length && data[offset] == 0xff)
        offset++;  /* fill bytes */
      if (offset >= length)
        return FALSE;
      marker = data[offset++];
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        continue;  /* markers without a segment */
      if (marker == 0xd9 || marker == 0xda || offset + 2 > length)
        return FALSE;  /* the image data starts (or ends) before any frame header */
      segment = read_be16 (data + offset);
      if (segment < 2)
        return FALSE;
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 &&
          marker != 0xcc)
        {
          if (segment < 7 || offset + 7 > length)
            return FALSE;
          *height = read_be16 (data + offset + 3);
          *width = read_be16 (data + offset + 5);
          return TRUE;
        }
      offset += segment;
    }
  return FALSE;
}

/* WebP: a RIFF file whose first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended). */
static gboolean
read_webp_size (const guint8 *data,
                gsize         length,
                guint        *width,
                guint        *height)
{
  const guint8 *chunk = data + 12;
  const guint8 *payload = data + 20;

  if (length < 30)
    return FALSE;
  if (memcmp (chunk, "VP8X", 4) == 0)
    {
      *width = read_le24 (payload + 4) + 1;
      *height = read_le24 (payload + 7) + 1;
      return TRUE;
    }
  if (memcmp (chunk, "VP8L", 4) == 0)
    {
      guint32 bits;

      if (payload[0] != 0x2f)
        return FALSE;
      bits = payload[1] | ((guint32) payload[2] << 8) | ((guint32) payload[3] << 16) |
             ((guint32) payload[4] << 24);
      *width = (bits & 0x3fff) + 1;
      *height = ((bits >> 14) & 0x3fff) + 1;
      return TRUE;
    }
  if (memcmp (chunk, "VP8 ", 4) == 0)
    {
      /* A key frame: a 3-byte frame tag, the start code, then 14-bit sizes. */
      if (payload[3] != 0x9d || payload[4] != 0x01 || payload[5] != 0x2a)
        return FALSE;
      *width = read_le16 (payload + 6) & 0x3fff;
      *height = read_le16 (payload + 8) & 0x3fff;
      return TRUE;
    }
  return FALSE;
}

/* MP4 and M4A: an ISO base media file whose first box is `ftyp` with a brand we know. */
static const char *
sniff_iso_media (const guint8 *data,
                 gsize         length)
{
  static const char * const video_brands[] = {
    "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash",
  };

  if (length < 12 || memcmp (data + 4, "ftyp", 4) != 0)
    return NULL;
  if (memcmp (data + 8, "M4A ", 4) == 0)
    return "audio/mp4";
  for (guint i = 0; i < G_N_ELEMENTS (video_brands); i++)
    if (memcmp (data + 8, video_brands[i], 4) == 0)
      return "video/mp4";
  return NULL;
}

/* WebM: an EBML header whose DocType element (0x4282) says "webm"; Matroska files share the
 * magic number but not the DocType. */
static gboolean
is_webm (const guint8 *data,
         gsize         length)
{
  static const guint8 doc_type[] = { 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm' };
  gsize limit = MIN (length, 64);

  if (length < 4 || memcmp (data, "\x1a\x45\xdf\xa3", 4) != 0)
    return FALSE;
  for (gsize i = 4; i + sizeof doc_type <= limit; i++)
    if (memcmp (data + i, doc_type, sizeof doc_type) == 0)
      return TRUE;
  return FALSE;
}

/* MP3: an ID3v2 tag, or an MPEG audio frame header (11 sync bits, layer III). */
static gboolean
is_mp3 (const guint8 *data,
        gsize         length)
{
  if (length >= 10 && memcmp (data, "ID3", 3) == 0 && data[3] <= 4)
    return TRUE;
  return length >= 4 && data[0] == 0xff && (data[1] & 0xe0) == 0xe0 &&
         (data[1] & 0x06) == 0x02 && (data[2] & 0xf0) != 0xf0;
}

/* Ogg carrying Vorbis or Opus: the first page's packet names its codec. */
static gboolean
is_ogg_audio (const guint8 *data,
              gsize         length)
{
  if (length < 36 || memcmp (data, "OggS", 4) != 0)
    return FALSE;
  return memcmp (data + 28, "\x01vorbis", 7) == 0 || memcmp (data + 28, "OpusHead", 8) == 0;
}

/**
 * qtr_media_sniff:
 * @data: the file's bytes
 * @media_type: (out): its MIME type
 * @width: (out): width in pixels of an image, else 0
 * @height: (out): height in pixels of an image, else 0
 *
 * Tells what a file is from its bytes alone: a PNG, JPEG, GIF or WebP image (whose header
 * must hold its size), an MP4 or WebM video, or MP3, M4A or Ogg audio.
 *
 * Returns: %TRUE, or %FALSE with @error set to %QTR_NODE_ERROR_INVALID_MEDIA
 */
gboolean
qtr_media_sniff (const guint8  *data,
                 gsize          length,
                 const char   **media_type,
                 guint         *width,
                 guint         *height,
                 GError       **error)
{
  gboolean (*read_size) (const guint8 *, gsize, guint *, guint *) = NULL;
  const char *type = NULL;

  *width = 0;
  *height = 0;
  if (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    type = "image/png", read_size = read_png_size;
  else if (length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    type = "image/jpeg", read_size = read_jpeg_size;
  else if (length >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    type = "image/gif", read_size = read_gif_size;
  else if (length >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    type = "image/webp", read_size = read_webp_size;
  else if ((type = sniff_iso_media (data, length)) != NULL)
    ;
  else if (is_webm (data, length))
    type = "video/webm";
  else if (is_ogg_audio (data, length))
    type = "audio/ogg";
  else if (is_mp3 (data, length))
    type = "audio/mpeg";

  if (type == NULL)
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA,
                           "The file is not an image, video or audio file this node accepts: "
                           "use PNG, JPEG, GIF or WebP images, MP4 or WebM video, or MP3, M4A "
                           "or Ogg audio");
      return FALSE;
    }
  if (read_size != NULL && (!read_size (data, length, width, height) ||
                            *width == 0 || *height == 0))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA,
                   "The file starts as %s but its header is damaged or cut short: it has no "
                   "valid width and height", type);
      *width = *height = 0;
      return FALSE;
    }
  *media_type = type;
  return TRUE;
}

/**
 * qtr_media_get_extension:
 *
 * Returns: (nullable): the file name extension of @media_type, as the node names its files
 */
const char *
qtr_media_get_extension (const char *media_type)
{
  int index = find_media_type (media_type);

  return index < 0 ? NULL : media_types[index].extension;
}

/**
 * qtr_media_is_image:
 *
 * Returns: whether @media_type is one of the image types the node accepts
 */
gboolean
qtr_media_is_image (const char *media_type)
{
  int index = find_media_type (media_type);

  return index >= 0 && media_types[index].kind == MEDIA_KIND_IMAGE;
}

void
qtr_media_free (QtrMedia *media)
{
  if (media == NULL)
    return;
  g_free (media->media_type);
  g_free (media->description);
  g_free (media->url);
  g_free (media);
}

static char *
get_media_path (QtrNode    *node,
                gint64      id,
                const char *extension)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ".%s", id, extension);

  return g_build_filename (qtr_node_get_data_dir (node), MEDIA_FOLDER, name, NULL);
}

static void
set_url (QtrNode  *node,
         QtrMedia *media)
{
  g_free (media->url);
  media->url = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT ".%s", qtr_node_get_base_url (node),
                                media->id, qtr_media_get_extension (media->media_type));
}

static gboolean
check_size (gsize        size,
            const char  *media_type,
            GError     **error)
{
  gboolean image = qtr_media_is_image (media_type);
  gsize limit = image ? QTR_MEDIA_MAX_IMAGE_SIZE : QTR_MEDIA_MAX_VIDEO_SIZE;

  if (size <= limit)
    return TRUE;
  g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_TOO_LARGE,
               "The file is %" G_GSIZE_FORMAT " MiB; %s files may be at most %" G_GSIZE_FORMAT
               " MiB", (size + 1024 * 1024 - 1) / (1024 * 1024), image ? "image" : "video and audio",
               limit / (1024 * 1024));
  return FALSE;
}

typedef struct {
  QtrNode      *node;
  QtrMedia     *media;
  const char   *path;
  const guint8 *data;
  gsize         length;
} MediaTransaction;

static gboolean
add_media_in_transaction (QtrDb    *db,
                          gpointer  user_data,
                          GError  **error)
{
  MediaTransaction *tx = user_data;

  return qtr_node_store_add_media (qtr_node_get_store (tx->node), tx->media, error) &&
         g_file_set_contents_full (tx->path, (const char *) tx->data, (gssize) tx->length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/**
 * qtr_node_add_media:
 * @bytes: the file's content
 * @description: (nullable): its alt text
 *
 * Keeps a media file for the owner to attach to a post or to use as avatar or header. What it
 * is comes from its bytes alone: anything but the accepted image, video and audio formats is
 * refused (%QTR_NODE_ERROR_INVALID_MEDIA), and so is a file over the size its kind allows
 * (%QTR_NODE_ERROR_TOO_LARGE).
 *
 * Returns: (transfer full): the new media, or %NULL with @error set
 */
QtrMedia *
qtr_node_add_media (QtrNode     *node,
                    GBytes      *bytes,
                    const char  *description,
                    GError     **error)
{
  g_autoptr(QtrMedia) media = g_new0 (QtrMedia, 1);
  g_autofree char *folder = g_build_filename (qtr_node_get_data_dir (node), MEDIA_FOLDER, NULL);
  g_autofree char *path = NULL;
  const char *media_type;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  if (!qtr_media_sniff (data, length, &media_type, &media->width, &media->height, error) ||
      !check_size (length, media_type, error))
    return NULL;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "Cannot create %s: %s", folder, g_strerror (saved_errno));
      return NULL;
    }

  media->media_type = g_strdup (media_type);
  media->size = (gint64) length;
  media->description = g_strdup (description ? description : "");
  media->created_at = g_get_real_time () / G_USEC_PER_SEC;
  /* Ordered by time, as Mastodon's ids are; the name on disk is the node's own. */
  media->id = ((g_get_real_time () / 1000) << 16) | (g_random_int () & 0xffff);
  path = get_media_path (node, media->id, qtr_media_get_extension (media_type));

  /* The row first: a taken id fails there, before any file is written over. */
  {
    MediaTransaction tx = { node, media, path, data, length };

    if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                             add_media_in_transaction, &tx, error))
      return NULL;
  }
  set_url (node, media);
  return g_steal_pointer (&media);
}

/**
 * qtr_node_add_media_file:
 * @path: a file to read
 * @description: (nullable): its alt text
 *
 * Like qtr_node_add_media(), reading the file at @path; its name says nothing of its type.
 *
 * Returns: (transfer full): the new media, or %NULL with @error set
 */
QtrMedia *
qtr_node_add_media_file (QtrNode     *node,
                         const char  *path,
                         const char  *description,
                         GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GStatBuf info;

  if (g_stat (path, &info) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND, "Cannot read %s: %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (info.st_mode))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA,
                   "%s is not a file (a folder or a device?)", path);
      return NULL;
    }
  /* Nothing larger than any kind allows is read. */
  if ((guint64) info.st_size > QTR_MEDIA_MAX_VIDEO_SIZE)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_TOO_LARGE,
                   "%s is larger than %d MiB, the most any media file may be", path,
                   QTR_MEDIA_MAX_VIDEO_SIZE / (1024 * 1024));
      return NULL;
    }
  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (file);
  return qtr_node_add_media (node, bytes, description, error);
}

/**
 * qtr_node_find_media:
 *
 * Returns: (transfer full): the media @id, or %NULL with @error set (%QTR_NODE_ERROR_NOT_FOUND
 *   when there is none)
 */
QtrMedia *
qtr_node_find_media (QtrNode  *node,
                     gint64    id,
                     GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  QtrMedia *media = qtr_node_store_find_media (qtr_node_get_store (node), id, &local_error);

  if (media == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                     "There is no media %" G_GINT64_FORMAT " on this node", id);
      return NULL;
    }
  set_url (node, media);
  return media;
}

/**
 * qtr_node_set_media_description:
 * @description: (nullable): the new alt text
 *
 * Changes a media's alt text. Posts it is attached to keep the text they were sent with.
 */
gboolean
qtr_node_set_media_description (QtrNode     *node,
                                gint64       id,
                                const char  *description,
                                GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (qtr_node_store_set_media_description (qtr_node_get_store (node), id, description,
                                            &local_error))
    return TRUE;
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                 "There is no media %" G_GINT64_FORMAT " on this node", id);
  return FALSE;
}

/* GET /media/ID.EXT: the bytes as stored, under the type they were sniffed as. */
void
qtr_node_handle_media (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  const char *file = g_hash_table_lookup (params, "file");
  const char *dot = strchr (file, '.');
  g_autofree char *digits = dot ? g_strndup (file, dot - file) : NULL;
  g_autoptr(QtrMedia) media = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  guint64 id = 0;

  if (digits == NULL || !g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &id, NULL) ||
      (media = qtr_node_store_find_media (qtr_node_get_store (node), (gint64) id, NULL)) == NULL ||
      g_strcmp0 (qtr_media_get_extension (media->media_type), dot + 1) != 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }

  path = get_media_path (node, media->id, dot + 1);
  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; form-action 'none'; sandbox");
  /* A media's bytes never change under its name. */
  soup_message_headers_replace (headers, "Cache-Control", "public, max-age=31536000, immutable");
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  soup_message_headers_set_content_type (headers, media->media_type, NULL);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}
