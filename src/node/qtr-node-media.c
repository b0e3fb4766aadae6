/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include "qtr-media-thumbnail.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

/* Media the owner uploads: the type read from the bytes (never from a name or a claimed type),
 * the size capped per kind, the dimensions read from the image's own header (and refused when
 * too large to decode), the file kept in the data folder under a name the node picks
 * (`media/ID.EXT`, 0600) and served at `BASE/media/ID.EXT` with headers that keep browsers
 * from reading it as anything else. An image gets a thumbnail beside it, `media/ID-small.EXT`
 * (see qtr-media-thumbnail.c), when a decoder here reads it; video and audio get none. */

/* What a thumbnail's file name adds to its media's id. */
#define PREVIEW_SUFFIX "-small"

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
  g_free (media->preview_type);
  g_free (media->blurhash);
  g_free (media->preview_url);
  g_free (media);
}

/* The file of media @id (its thumbnail's when @preview), of type @media_type. */
static char *
get_media_path (QtrNode    *node,
                gint64      id,
                gboolean    preview,
                const char *media_type)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT "%s.%s", id,
                                           preview ? PREVIEW_SUFFIX : "",
                                           qtr_media_get_extension (media_type));

  return g_build_filename (qtr_node_get_data_dir (node), MEDIA_FOLDER, name, NULL);
}

static void
set_url (QtrNode  *node,
         QtrMedia *media)
{
  g_free (media->url);
  media->url = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT ".%s", qtr_node_get_base_url (node),
                                media->id, qtr_media_get_extension (media->media_type));
  g_clear_pointer (&media->preview_url, g_free);
  if (media->preview_type != NULL)
    media->preview_url = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT PREVIEW_SUFFIX ".%s",
                                          qtr_node_get_base_url (node), media->id,
                                          qtr_media_get_extension (media->preview_type));
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
  QtrNode            *node;
  QtrMedia           *media;
  GBytes             *bytes;
  const QtrThumbnail *thumbnail;
} MediaTransaction;

static gboolean
write_media_file (const char  *path,
                  GBytes      *bytes,
                  GError     **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  return g_file_set_contents_full (path, data, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

static gboolean
add_media_in_transaction (QtrDb    *db,
                          gpointer  user_data,
                          GError  **error)
{
  MediaTransaction *tx = user_data;
  g_autofree char *path = get_media_path (tx->node, tx->media->id, FALSE,
                                          tx->media->media_type);
  g_autofree char *preview_path = NULL;

  if (!qtr_node_store_add_media (qtr_node_get_store (tx->node), tx->media, error) ||
      !write_media_file (path, tx->bytes, error))
    return FALSE;
  if (tx->thumbnail == NULL)
    return TRUE;
  preview_path = get_media_path (tx->node, tx->media->id, TRUE, tx->thumbnail->media_type);
  if (write_media_file (preview_path, tx->thumbnail->bytes, error))
    return TRUE;
  g_remove (path);
  return FALSE;
}

/* The media @bytes are, checked, before anything is kept: a type the node accepts, a size
 * within its kind's, an image no larger than the node decodes. */
static QtrMedia *
check_media (GBytes      *bytes,
             const char  *description,
             GError     **error)
{
  g_autoptr(QtrMedia) media = g_new0 (QtrMedia, 1);
  const char *media_type;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  if (!qtr_media_sniff (data, length, &media_type, &media->width, &media->height, error) ||
      !check_size (length, media_type, error) ||
      (qtr_media_is_image (media_type) &&
       !qtr_media_check_dimensions (media->width, media->height, error)))
    return NULL;
  media->media_type = g_strdup (media_type);
  media->size = (gint64) length;
  media->description = g_strdup (description ? description : "");
  return g_steal_pointer (&media);
}

/* The thumbnail of an image, in @thumbnail; none for other media, nor for an image no decoder
 * here reads (a WebP without its loader, damaged data): the media is kept without. Fails
 * only when the image is refused (too large, as its decoder found) or on cancellation. */
static gboolean
make_thumbnail (const QtrMedia  *media,
                GBytes          *bytes,
                GCancellable    *cancellable,
                QtrThumbnail   **thumbnail,
                GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  *thumbnail = NULL;
  if (!qtr_media_is_image (media->media_type))
    return TRUE;
  *thumbnail = qtr_thumbnail_make (media->media_type, bytes, cancellable, &local_error);
  if (*thumbnail != NULL)
    return TRUE;
  if (local_error->domain == QTR_NODE_ERROR ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_message ("The %s image gets no thumbnail: %s", media->media_type, local_error->message);
  return TRUE;
}

/* Keeps @media (checked) with its file and its thumbnail, under a new id. */
static gboolean
store_media (QtrNode             *node,
             QtrMedia            *media,
             GBytes              *bytes,
             const QtrThumbnail  *thumbnail,
             GError             **error)
{
  g_autofree char *folder = g_build_filename (qtr_node_get_data_dir (node), MEDIA_FOLDER, NULL);
  MediaTransaction tx = { node, media, bytes, thumbnail };

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "Cannot create %s: %s", folder, g_strerror (saved_errno));
      return FALSE;
    }
  if (thumbnail != NULL)
    {
      /* Its size as shown, as Mastodon (which turns the original) gives it. */
      if (thumbnail->transposed)
        {
          guint width = media->width;

          media->width = media->height;
          media->height = width;
        }
      media->preview_type = g_strdup (thumbnail->media_type);
      media->preview_width = thumbnail->width;
      media->preview_height = thumbnail->height;
      media->blurhash = g_strdup (thumbnail->blurhash);
    }
  media->created_at = g_get_real_time () / G_USEC_PER_SEC;
  /* Ordered by time, as Mastodon's ids are; the name on disk is the node's own. The row
   * first: a taken id fails there, before any file is written over. */
  media->id = ((g_get_real_time () / 1000) << 16) | (g_random_int () & 0xffff);
  if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                           add_media_in_transaction, &tx, error))
    return FALSE;
  set_url (node, media);
  return TRUE;
}

/**
 * qtr_node_add_media:
 * @bytes: the file's content
 * @description: (nullable): its alt text
 *
 * Keeps a media file for the owner to attach to a post or to use as avatar or header. What it
 * is comes from its bytes alone: anything but the accepted image, video and audio formats is
 * refused (%QTR_NODE_ERROR_INVALID_MEDIA), and so is an image larger than
 * qtr_media_check_dimensions() takes, or a file over the size its kind allows
 * (%QTR_NODE_ERROR_TOO_LARGE). An image gets its thumbnail, made here: blocking, for the CLI
 * and small images; the client API uses qtr_node_add_media_async().
 *
 * Returns: (transfer full): the new media, or %NULL with @error set
 */
QtrMedia *
qtr_node_add_media (QtrNode     *node,
                    GBytes      *bytes,
                    const char  *description,
                    GError     **error)
{
  g_autoptr(QtrMedia) media = check_media (bytes, description, error);
  g_autoptr(QtrThumbnail) thumbnail = NULL;

  if (media == NULL ||
      !make_thumbnail (media, bytes, NULL, &thumbnail, error) ||
      !store_media (node, media, bytes, thumbnail, error))
    return NULL;
  return g_steal_pointer (&media);
}

typedef struct {
  QtrMedia     *media;
  GBytes       *bytes;
  QtrThumbnail *thumbnail;
} AddMediaData;

static void
add_media_data_free (AddMediaData *data)
{
  qtr_media_free (data->media);
  g_bytes_unref (data->bytes);
  qtr_thumbnail_free (data->thumbnail);
  g_free (data);
}

/* On a worker thread: the decoding. */
static void
make_thumbnail_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  AddMediaData *data = task_data;
  GError *error = NULL;

  if (make_thumbnail (data->media, data->bytes, cancellable, &data->thumbnail, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Back in the node's context: the storing. */
static void
thumbnail_made_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddMediaData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      !store_media (QTR_NODE (source), data->media, data->bytes, data->thumbnail, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&data->media), (GDestroyNotify) qtr_media_free);
}

/**
 * qtr_node_add_media_async:
 * @bytes: the file's content
 * @description: (nullable): its alt text
 *
 * Like qtr_node_add_media(), with the image's thumbnail made on a worker thread; the media
 * is kept in the node's context once it is made.
 */
void
qtr_node_add_media_async (QtrNode             *node,
                          GBytes              *bytes,
                          const char          *description,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (node, cancellable, callback, user_data);
  g_autoptr(GTask) thread_task = NULL;
  GError *error = NULL;
  AddMediaData *data;
  QtrMedia *media;

  g_task_set_source_tag (task, qtr_node_add_media_async);
  media = check_media (bytes, description, &error);
  if (media == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data = g_new0 (AddMediaData, 1);
  data->media = media;
  data->bytes = g_bytes_ref (bytes);
  thread_task = g_task_new (node, cancellable, thumbnail_made_cb, g_steal_pointer (&task));
  g_task_set_source_tag (thread_task, qtr_node_add_media_async);
  g_task_set_task_data (thread_task, data, (GDestroyNotify) add_media_data_free);
  g_task_run_in_thread (thread_task, make_thumbnail_thread);
}

/**
 * qtr_node_add_media_finish:
 *
 * Returns: (transfer full): the new media, or %NULL with @error set
 */
QtrMedia *
qtr_node_add_media_finish (QtrNode       *node,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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

/**
 * qtr_node_delete_media:
 *
 * Deletes media the owner uploaded and no longer wants, with its file and its thumbnail's.
 * Media attached to a post, or shown as the profile's avatar or header, stay
 * (%QTR_NODE_ERROR_INVALID); there may be no media @id (%QTR_NODE_ERROR_NOT_FOUND).
 */
gboolean
qtr_node_delete_media (QtrNode  *node,
                       gint64    id,
                       GError  **error)
{
  const QtrNodeOwner *owner = qtr_node_get_owner (node);
  g_autoptr(QtrMedia) media = qtr_node_find_media (node, id, error);
  g_autofree char *path = NULL;
  g_autofree char *preview_path = NULL;
  g_autoptr(GError) local_error = NULL;

  if (media == NULL)
    return FALSE;
  if (media->status_id != 0 || owner->avatar_id == id || owner->header_id == id)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "Media attachment is currently used by a status or the profile: it "
                   "stays while it is");
      return FALSE;
    }
  if (!qtr_node_store_delete_media (qtr_node_get_store (node), id, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                     "Media attachment is currently used by a status");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  path = get_media_path (node, id, FALSE, media->media_type);
  if (g_remove (path) != 0 && errno != ENOENT)
    g_warning ("Cannot remove %s: %s", path, g_strerror (errno));
  if (media->preview_type != NULL)
    {
      preview_path = get_media_path (node, id, TRUE, media->preview_type);
      if (g_remove (preview_path) != 0 && errno != ENOENT)
        g_warning ("Cannot remove %s: %s", preview_path, g_strerror (errno));
    }
  return TRUE;
}

/* GET /media/ID.EXT, and its thumbnail's /media/ID-small.EXT: the bytes as stored, under the
 * type they were sniffed (or made) as. */
void
qtr_node_handle_media (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  const char *file = g_hash_table_lookup (params, "file");
  const char *dot = strchr (file, '.');
  g_autofree char *name = dot ? g_strndup (file, dot - file) : NULL;
  g_autoptr(QtrMedia) media = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gboolean preview = name != NULL && g_str_has_suffix (name, PREVIEW_SUFFIX);
  const char *media_type = NULL;
  guint64 id = 0;

  if (preview)
    name[strlen (name) - strlen (PREVIEW_SUFFIX)] = '\0';
  if (name != NULL && g_ascii_string_to_unsigned (name, 10, 1, G_MAXINT64, &id, NULL))
    media = qtr_node_store_find_media (qtr_node_get_store (node), (gint64) id, NULL);
  if (media != NULL)
    media_type = preview ? media->preview_type : media->media_type;
  if (media_type == NULL || g_strcmp0 (qtr_media_get_extension (media_type), dot + 1) != 0)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }

  path = get_media_path (node, media->id, preview, media_type);
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
  soup_message_headers_set_content_type (headers, media_type, NULL);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}
