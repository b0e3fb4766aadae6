/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-image-loader.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <utime.h>
#include <libsoup/soup.h>

/* QtrImageLoader: avatars, thumbnails and other remote images for the widgets.
 *
 * A widget asks for a URL and gets a GdkPaintable back, later. The image is downloaded with
 * libsoup, decoded off the main thread (gdk_texture_new_from_bytes() in a GTask thread, which
 * GTK documents as thread-safe) and kept in a memory cache bounded in bytes: the decoded size
 * (width × height × 4) of the textures it holds never exceeds the bound, and the least recently
 * used ones go first. Requests for a URL that is already on its way wait for that one download
 * instead of starting another, so a timeline of one author's posts fetches the avatar once.
 *
 * With a disk cache (qtr_image_loader_set_disk_cache(); the app's shared loader has one in
 * $XDG_CACHE_HOME/quitter/images), what was downloaded is also kept as it came, in a file named
 * after the SHA-256 of its URL: a miss in memory looks there first (read and decoded on a
 * worker thread), so that an offline start still shows avatars. Each use touches the file's
 * modification time; when the files weigh more than the disk cache's bound, the least
 * recently used go first, on the worker thread that wrote the last one.
 *
 * Cancelling a request returns G_IO_ERROR_CANCELLED to its callback (the widget may be gone by
 * then: the callback must check the error before touching it); the download goes on for the
 * others that wait for it, and its result is cached. */

#define TIMEOUT_SECONDS 30

typedef struct {
  char       *url;
  GdkTexture *texture;
  gsize       size;
} Entry;

struct _QtrImageLoader
{
  GObject      parent_instance;

  SoupSession *session;
  gsize        max_bytes;
  gsize        cached_bytes;
  GQueue       lru;      /* Entry, most recently used first */
  GHashTable  *entries;  /* url → GList link in lru */
  GHashTable  *pending;  /* url → GPtrArray of GTask waiting for it */

  char        *disk_dir;        /* nullable: no disk cache */
  guint64      disk_max_bytes;
  GMutex       disk_lock;       /* one eviction at a time */
  guint64      disk_written;    /* since the last eviction scan; under disk_lock */
};

G_DEFINE_FINAL_TYPE (QtrImageLoader, qtr_image_loader, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_free (entry->url);
  g_clear_object (&entry->texture);
  g_free (entry);
}

static void
evict_down_to (QtrImageLoader *self,
               gsize           bytes)
{
  while (self->cached_bytes > bytes && self->lru.tail != NULL)
    {
      Entry *entry = g_queue_pop_tail (&self->lru);

      self->cached_bytes -= entry->size;
      g_hash_table_remove (self->entries, entry->url);
      entry_free (entry);
    }
}

static void
cache_texture (QtrImageLoader *self,
               const char     *url,
               GdkTexture     *texture)
{
  gsize size = (gsize) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4;
  Entry *entry;

  if (size > self->max_bytes || g_hash_table_contains (self->entries, url))
    return;
  evict_down_to (self, self->max_bytes - size);
  entry = g_new0 (Entry, 1);
  entry->url = g_strdup (url);
  entry->texture = g_object_ref (texture);
  entry->size = size;
  g_queue_push_head (&self->lru, entry);
  g_hash_table_insert (self->entries, entry->url, self->lru.head);
  self->cached_bytes += size;
}

static void
finish_waiters (QtrImageLoader *self,
                const char     *url,
                GdkTexture     *texture,
                const GError   *error)
{
  g_autoptr(GPtrArray) waiters = NULL;

  if (!g_hash_table_steal_extended (self->pending, url, NULL, (gpointer *) &waiters))
    return;
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = waiters->pdata[i];

      if (texture != NULL)
        g_task_return_pointer (task, g_object_ref (texture), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

/* The disk cache's file for @url. */
static char *
disk_path (const char *dir,
           const char *url)
{
  g_autofree char *name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);

  return g_build_filename (dir, name, NULL);
}

typedef struct {
  char *path;
  gint64 mtime;
  guint64 size;
} DiskFile;

static int
compare_mtime (gconstpointer a,
               gconstpointer b)
{
  const DiskFile *fa = a, *fb = b;

  return (fa->mtime > fb->mtime) - (fa->mtime < fb->mtime);
}

static void
disk_file_clear (DiskFile *file)
{
  g_free (file->path);
}

/* Removes the least recently used files of @dir until they weigh at most @max_bytes. */
static void
evict_disk (const char *dir,
            guint64     max_bytes)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GArray) files = g_array_new (FALSE, FALSE, sizeof (DiskFile));
  guint64 total = 0;
  const char *name;

  if (handle == NULL)
    return;
  g_array_set_clear_func (files, (GDestroyNotify) disk_file_clear);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      DiskFile file = { g_build_filename (dir, name, NULL), 0, 0 };
      GStatBuf buf;

      if (g_stat (file.path, &buf) != 0 || !S_ISREG (buf.st_mode))
        {
          g_free (file.path);
          continue;
        }
      file.mtime = (gint64) buf.st_mtim.tv_sec * G_USEC_PER_SEC + buf.st_mtim.tv_nsec / 1000;
      file.size = buf.st_size;
      total += file.size;
      g_array_append_val (files, file);
    }
  if (total <= max_bytes)
    return;
  g_array_sort (files, compare_mtime);
  for (guint i = 0; i < files->len && total > max_bytes; i++)
    {
      DiskFile *file = &g_array_index (files, DiskFile, i);

      if (g_unlink (file->path) == 0 || errno == ENOENT)
        total -= file->size;
    }
}

/* Keeps @bytes as the file of @url; then, if enough was written since, evicts. */
static void
write_to_disk (QtrImageLoader *self,
               const char     *dir,
               const char     *url,
               GBytes         *bytes)
{
  g_autofree char *path = disk_path (dir, url);
  g_autoptr(GError) error = NULL;
  gboolean scan;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_debug ("The image at %s is not kept on disk: %s", url,
               error != NULL ? error->message : g_strerror (errno));
      return;
    }
  g_mutex_lock (&self->disk_lock);
  self->disk_written += g_bytes_get_size (bytes);
  /* A scan every sixteenth of the bound written, rather than after each file. */
  scan = self->disk_written >= self->disk_max_bytes / 16;
  if (scan)
    {
      self->disk_written = 0;
      evict_disk (dir, self->disk_max_bytes);
    }
  g_mutex_unlock (&self->disk_lock);
}

/* What a decoding thread is given: the bytes, and (for a download) where to keep them. */
typedef struct {
  GBytes *bytes;     /* nullable: read from the disk cache instead */
  char   *url;
  char   *disk_dir;  /* nullable */
} Decode;

static void
decode_free (Decode *decode)
{
  g_clear_pointer (&decode->bytes, g_bytes_unref);
  g_free (decode->url);
  g_free (decode->disk_dir);
  g_free (decode);
}

static void
decode_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Decode *decode = task_data;
  GError *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_bytes (decode->bytes, &error);

  if (texture == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (decode->disk_dir != NULL)
    write_to_disk (source_object, decode->disk_dir, decode->url, decode->bytes);
  g_task_return_pointer (task, texture, g_object_unref);
}

/* A file of the disk cache, read, touched (it was used) and decoded; %NULL without error when
 * there is none. */
static void
read_disk_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Decode *decode = task_data;
  g_autofree char *path = disk_path (decode->disk_dir, decode->url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  char *contents;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  bytes = g_bytes_new_take (contents, length);
  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL)
    {
      /* Damaged: downloaded again. */
      g_debug ("The kept copy of %s is not an image: %s", decode->url, error->message);
      g_unlink (path);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  g_utime (path, NULL);
  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
}

static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  QtrImageLoader *self = QTR_IMAGE_LOADER (source);
  Decode *decode = g_task_get_task_data (G_TASK (result));
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture != NULL)
    cache_texture (self, decode->url, texture);
  else
    g_prefix_error (&error, "Could not decode the image at %s: ", decode->url);
  finish_waiters (self, decode->url, texture, error);
}

#define READ_CHUNK (64 * 1024)

/* One download, read in chunks so that no more than %QTR_IMAGE_LOADER_MAX_DOWNLOAD is ever
 * held, whatever the server claims or sends. */
typedef struct {
  QtrImageLoader *self;
  char           *url;
  GInputStream   *stream;
  GByteArray     *body;
} Download;

static void
download_free (Download *download)
{
  g_object_unref (download->self);
  g_free (download->url);
  g_clear_object (&download->stream);
  g_clear_pointer (&download->body, g_byte_array_unref);
  g_free (download);
}

static void
fail_download (Download *download,
               GError   *error)
{
  finish_waiters (download->self, download->url, NULL, error);
  download_free (download);
}

static void
decode_download (Download *download)
{
  Decode *decode = g_new0 (Decode, 1);
  GTask *task = g_task_new (download->self, NULL, decoded_cb, NULL);

  decode->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&download->body));
  decode->url = g_strdup (download->url);
  decode->disk_dir = g_strdup (download->self->disk_dir);
  g_task_set_source_tag (task, decode_in_thread);
  g_task_set_task_data (task, decode, (GDestroyNotify) decode_free);
  g_task_run_in_thread (task, decode_in_thread);
  g_object_unref (task);
  download_free (download);
}

static void
chunk_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Download *download = user_data;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      g_prefix_error (&error, "Could not download %s: ", download->url);
      fail_download (download, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      decode_download (download);
      return;
    }
  if (download->body->len + g_bytes_get_size (chunk) > QTR_IMAGE_LOADER_MAX_DOWNLOAD)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "The image at %s is larger than %d MiB", download->url,
                   QTR_IMAGE_LOADER_MAX_DOWNLOAD / (1024 * 1024));
      fail_download (download, error);
      return;
    }
  g_byte_array_append (download->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (download->stream, READ_CHUNK, G_PRIORITY_LOW, NULL,
                                   chunk_read_cb, download);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Download *download = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  goffset length;

  download->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (download->stream == NULL)
    {
      g_prefix_error (&error, "Could not download %s: ", download->url);
      fail_download (download, error);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "The server answered %u %s for %s",
                   soup_message_get_status (message),
                   soup_message_get_reason_phrase (message), download->url);
      fail_download (download, error);
      return;
    }
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (message));
  if (length > QTR_IMAGE_LOADER_MAX_DOWNLOAD)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "The image at %s is larger than %d MiB", download->url,
                   QTR_IMAGE_LOADER_MAX_DOWNLOAD / (1024 * 1024));
      fail_download (download, error);
      return;
    }
  download->body = g_byte_array_sized_new (length > 0 ? (guint) length : READ_CHUNK);
  g_input_stream_read_bytes_async (download->stream, READ_CHUNK, G_PRIORITY_LOW, NULL,
                                   chunk_read_cb, download);
}

static void
start_download (QtrImageLoader *self,
                const char     *url)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  Download *download = g_new0 (Download, 1);

  download->self = g_object_ref (self);
  download->url = g_strdup (url);
  soup_session_send_async (self->session, message, G_PRIORITY_LOW, NULL, sent_cb, download);
}

static void
disk_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  QtrImageLoader *self = QTR_IMAGE_LOADER (source);
  Decode *decode = g_task_get_task_data (G_TASK (result));
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);

  if (texture == NULL)
    {
      start_download (self, decode->url);
      return;
    }
  cache_texture (self, decode->url, texture);
  finish_waiters (self, decode->url, texture, NULL);
}

static void
qtr_image_loader_dispose (GObject *object)
{
  QtrImageLoader *self = QTR_IMAGE_LOADER (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (qtr_image_loader_parent_class)->dispose (object);
}

static void
qtr_image_loader_finalize (GObject *object)
{
  QtrImageLoader *self = QTR_IMAGE_LOADER (object);

  g_hash_table_unref (self->entries);
  g_queue_clear_full (&self->lru, (GDestroyNotify) entry_free);
  g_hash_table_unref (self->pending);
  g_free (self->disk_dir);
  g_mutex_clear (&self->disk_lock);

  G_OBJECT_CLASS (qtr_image_loader_parent_class)->finalize (object);
}

static void
qtr_image_loader_class_init (QtrImageLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_image_loader_dispose;
  object_class->finalize = qtr_image_loader_finalize;
}

static void
qtr_image_loader_init (QtrImageLoader *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Quitter/%s (+%s)", PACKAGE_VERSION,
                                                 APP_WEBSITE);

  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", TIMEOUT_SECONDS,
                                                 NULL);
  self->entries = g_hash_table_new (g_str_hash, g_str_equal);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  g_mutex_init (&self->disk_lock);
}

/**
 * qtr_image_loader_new:
 * @max_bytes: the most the decoded images it keeps may weigh together
 *
 * Returns: (transfer full): a loader with an empty cache
 */
QtrImageLoader *
qtr_image_loader_new (gsize max_bytes)
{
  QtrImageLoader *self = g_object_new (QTR_TYPE_IMAGE_LOADER, NULL);

  self->max_bytes = max_bytes;
  return self;
}

/**
 * qtr_image_loader_get_default:
 *
 * Returns: (transfer none): the loader the app's widgets share, with a cache of
 *   %QTR_IMAGE_LOADER_DEFAULT_CACHE_BYTES
 */
QtrImageLoader *
qtr_image_loader_get_default (void)
{
  static QtrImageLoader *loader;

  if (loader == NULL)
    loader = qtr_image_loader_new (QTR_IMAGE_LOADER_DEFAULT_CACHE_BYTES);
  return loader;
}

gsize
qtr_image_loader_get_max_bytes (QtrImageLoader *self)
{
  g_return_val_if_fail (QTR_IS_IMAGE_LOADER (self), 0);

  return self->max_bytes;
}

/**
 * qtr_image_loader_get_cached_bytes:
 *
 * Returns: the decoded size of the images in the cache, never more than its bound
 */
gsize
qtr_image_loader_get_cached_bytes (QtrImageLoader *self)
{
  g_return_val_if_fail (QTR_IS_IMAGE_LOADER (self), 0);

  return self->cached_bytes;
}

guint
qtr_image_loader_get_n_cached (QtrImageLoader *self)
{
  g_return_val_if_fail (QTR_IS_IMAGE_LOADER (self), 0);

  return self->lru.length;
}

/**
 * qtr_image_loader_lookup:
 *
 * Returns: (transfer full) (nullable): the image at @url if it is in the cache, which counts as
 *   a use of it
 */
GdkPaintable *
qtr_image_loader_lookup (QtrImageLoader *self,
                         const char     *url)
{
  GList *link;
  Entry *entry;

  g_return_val_if_fail (QTR_IS_IMAGE_LOADER (self), NULL);

  link = url != NULL ? g_hash_table_lookup (self->entries, url) : NULL;
  if (link == NULL)
    return NULL;
  g_queue_unlink (&self->lru, link);
  g_queue_push_head_link (&self->lru, link);
  entry = link->data;
  return g_object_ref (GDK_PAINTABLE (entry->texture));
}

/**
 * qtr_image_loader_load_async:
 * @url: an http or https URL of an image (PNG, JPEG, TIFF or whatever GdkTexture reads)
 *
 * Gets the image at @url: from the cache at once when it is there, otherwise downloaded and
 * decoded off the main thread. Finish with qtr_image_loader_load_finish().
 */
void
qtr_image_loader_load_async (QtrImageLoader      *self,
                             const char          *url,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GdkPaintable) cached = NULL;
  g_autoptr(GUri) uri = NULL;
  GPtrArray *waiters;

  g_return_if_fail (QTR_IS_IMAGE_LOADER (self));
  g_return_if_fail (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_image_loader_load_async);

  if ((cached = qtr_image_loader_lookup (self, url)) != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&cached), g_object_unref);
      return;
    }

  waiters = g_hash_table_lookup (self->pending, url);
  if (waiters != NULL)
    {
      g_ptr_array_add (waiters, g_steal_pointer (&task));
      return;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "“%s” is not an http or https URL of an image", url);
      return;
    }

  waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (waiters, g_steal_pointer (&task));
  g_hash_table_insert (self->pending, g_strdup (url), waiters);

  if (self->disk_dir != NULL)
    {
      Decode *decode = g_new0 (Decode, 1);
      g_autoptr(GTask) read = g_task_new (self, NULL, disk_read_cb, NULL);

      decode->url = g_strdup (url);
      decode->disk_dir = g_strdup (self->disk_dir);
      g_task_set_source_tag (read, read_disk_in_thread);
      g_task_set_task_data (read, decode, (GDestroyNotify) decode_free);
      g_task_run_in_thread (read, read_disk_in_thread);
      return;
    }
  start_download (self, url);
}

/**
 * qtr_image_loader_load_finish:
 *
 * Returns: (transfer full): the image, or %NULL with @error set (G_IO_ERROR_CANCELLED when the
 *   request was cancelled)
 */
GdkPaintable *
qtr_image_loader_load_finish (QtrImageLoader  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qtr_image_loader_set_disk_cache:
 * @dir: (nullable): the folder to keep downloaded images in (made when needed); %NULL for none
 * @max_bytes: the most its files may weigh together; beyond, the least recently used go
 *
 * Keeps what the loader downloads on disk as well, and looks there before it downloads. The
 * bound is applied from the next download on.
 */
void
qtr_image_loader_set_disk_cache (QtrImageLoader *self,
                                 const char     *dir,
                                 guint64         max_bytes)
{
  g_return_if_fail (QTR_IS_IMAGE_LOADER (self));

  g_mutex_lock (&self->disk_lock);
  g_free (self->disk_dir);
  self->disk_dir = g_strdup (dir);
  self->disk_max_bytes = max_bytes;
  self->disk_written = max_bytes;  /* the next write scans */
  g_mutex_unlock (&self->disk_lock);
}

/**
 * qtr_image_loader_get_disk_cache:
 * @max_bytes: (out) (optional): the disk cache's bound
 *
 * Returns: (nullable): the disk cache's folder, or %NULL without one
 */
const char *
qtr_image_loader_get_disk_cache (QtrImageLoader *self,
                                 guint64        *max_bytes)
{
  g_return_val_if_fail (QTR_IS_IMAGE_LOADER (self), NULL);

  if (max_bytes != NULL)
    *max_bytes = self->disk_max_bytes;
  return self->disk_dir;
}

/**
 * qtr_image_loader_build_disk_cache_path:
 *
 * Returns: (transfer full): where the app keeps downloaded images: `quitter/images` in the
 *   user's cache folder
 */
char *
qtr_image_loader_build_disk_cache_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "quitter", "images", NULL);
}
