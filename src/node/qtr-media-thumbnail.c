/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-media-thumbnail.h"

#include "qtr-node.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>

/* Thumbnails of uploaded images, as Mastodon makes its `small` versions: the image scaled to
 * fit in 640×640 (never enlarged), turned as its Exif orientation says, as JPEG, or as PNG
 * when it has an alpha channel; and its blurhash (https://blurha.sh), computed from the
 * thumbnail's pixels with Mastodon's 4×4 components.
 *
 * Decoding goes through gdk-pixbuf, the loader chosen from the type the node sniffed (never
 * from the bytes again): only that format's decoder ever sees the file. A size announced
 * beyond QTR_MEDIA_MAX_SIDE or QTR_MEDIA_MAX_PIXELS stops the decoding at the header. This
 * is blocking work: the API runs it on a worker thread. */

/* Bytes handed to the loader at a time: between them a cancellation or a refused size stops
 * the decoding. */
#define CHUNK_SIZE (64 * 1024)
/* The blurhash is computed from a copy this small: it only keeps the lowest frequencies. */
#define BLURHASH_SOURCE_SIZE 32
#define JPEG_QUALITY "85"

void
qtr_thumbnail_free (QtrThumbnail *thumbnail)
{
  if (thumbnail == NULL)
    return;
  g_free (thumbnail->media_type);
  g_clear_pointer (&thumbnail->bytes, g_bytes_unref);
  g_free (thumbnail->blurhash);
  g_free (thumbnail);
}

/**
 * qtr_media_check_dimensions:
 *
 * Refuses an image larger than the node takes: a side over %QTR_MEDIA_MAX_SIDE pixels, or
 * over %QTR_MEDIA_MAX_PIXELS pixels in all.
 *
 * Returns: %TRUE when @width × @height is acceptable, else %FALSE with @error set to
 *   %QTR_NODE_ERROR_INVALID_MEDIA
 */
gboolean
qtr_media_check_dimensions (guint    width,
                            guint    height,
                            GError **error)
{
  if (width <= QTR_MEDIA_MAX_SIDE && height <= QTR_MEDIA_MAX_SIDE &&
      (guint64) width * height <= QTR_MEDIA_MAX_PIXELS)
    return TRUE;
  g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA,
               "The image is %u×%u pixels; images may be at most %u pixels wide and high and "
               "%u megapixels in all: scale it down before uploading it", width, height,
               QTR_MEDIA_MAX_SIDE, QTR_MEDIA_MAX_PIXELS / (1000 * 1000));
  return FALSE;
}

/* @width × @height scaled to fit in @box × @box, keeping its aspect; never enlarged. */
static void
fit_in_box (guint  width,
            guint  height,
            guint  box,
            guint *fitted_width,
            guint *fitted_height)
{
  double scale;

  if (width <= box && height <= box)
    {
      *fitted_width = width;
      *fitted_height = height;
      return;
    }
  scale = (double) box / MAX (width, height);
  *fitted_width = CLAMP ((guint) round (width * scale), 1, box);
  *fitted_height = CLAMP ((guint) round (height * scale), 1, box);
}

typedef struct {
  guint    width;
  guint    height;
  gboolean refused;
} LoadState;

static void
loader_size_prepared_cb (GdkPixbufLoader *loader,
                         int              width,
                         int              height,
                         gpointer         user_data)
{
  LoadState *state = user_data;
  guint fitted_width;
  guint fitted_height;

  state->width = (guint) MAX (width, 0);
  state->height = (guint) MAX (height, 0);
  if (width <= 0 || height <= 0 ||
      !qtr_media_check_dimensions (state->width, state->height, NULL))
    {
      /* The decoding stops after this chunk; meanwhile nothing large is kept. */
      state->refused = TRUE;
      gdk_pixbuf_loader_set_size (loader, 1, 1);
      return;
    }
  /* The JPEG loader then decodes at a reduced scale already. */
  fit_in_box (state->width, state->height, QTR_THUMBNAIL_SIZE, &fitted_width, &fitted_height);
  gdk_pixbuf_loader_set_size (loader, (int) fitted_width, (int) fitted_height);
}

/* Decodes @image with the loader of @media_type, at thumbnail size. */
static GdkPixbuf *
decode_scaled (const char    *media_type,
               GBytes        *image,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) close_error = NULL;
  LoadState state = { 0, 0, FALSE };
  gsize length;
  const guint8 *data = g_bytes_get_data (image, &length);
  GdkPixbuf *pixbuf;

  loader = gdk_pixbuf_loader_new_with_mime_type (media_type, error);
  if (loader == NULL)
    return NULL;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (loader_size_prepared_cb), &state);
  for (gsize offset = 0; offset < length; offset += CHUNK_SIZE)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !gdk_pixbuf_loader_write (loader, data + offset, MIN (CHUNK_SIZE, length - offset),
                                    error))
        {
          gdk_pixbuf_loader_close (loader, NULL);
          return NULL;
        }
      if (state.refused)
        {
          gdk_pixbuf_loader_close (loader, NULL);
          if (!qtr_media_check_dimensions (state.width, state.height, error))
            return NULL;
          g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA,
                       "The image says it is %u×%u pixels: it is damaged", state.width,
                       state.height);
          return NULL;
        }
    }
  if (!gdk_pixbuf_loader_close (loader, &close_error))
    {
      g_propagate_error (error, g_steal_pointer (&close_error));
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE,
                   "The %s image holds no picture", media_type);
      return NULL;
    }
  return g_object_ref (pixbuf);
}

static const char blurhash_digits[] =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

static void
append_base83 (GString *hash,
               guint    value,
               guint    length)
{
  guint divisor = 1;

  for (guint i = 1; i < length; i++)
    divisor *= 83;
  for (guint i = 0; i < length; i++)
    {
      g_string_append_c (hash, blurhash_digits[(value / divisor) % 83]);
      divisor /= 83;
    }
}

static double
srgb_to_linear (guint8 value)
{
  double v = value / 255.0;

  return v <= 0.04045 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4);
}

static guint
linear_to_srgb (double value)
{
  double v = CLAMP (value, 0.0, 1.0);

  if (v <= 0.0031308)
    return (guint) (v * 12.92 * 255 + 0.5);
  return (guint) ((1.055 * pow (v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

static double
sign_pow (double value,
          double exponent)
{
  return copysign (pow (fabs (value), exponent), value);
}

/**
 * qtr_blurhash_encode:
 * @pixels: RGB(A) pixels, 8 bits a channel (alpha, if any, is not used)
 * @n_channels: 3 or 4
 * @x_components: components across, 1 to 9
 * @y_components: components down, 1 to 9
 *
 * The blurhash of an image, as https://github.com/woltapp/blurhash encodes it.
 *
 * Returns: (transfer full): the hash, 4 + 2 × (@x_components × @y_components) characters
 */
char *
qtr_blurhash_encode (const guint8 *pixels,
                     guint         width,
                     guint         height,
                     gsize         rowstride,
                     guint         n_channels,
                     guint         x_components,
                     guint         y_components)
{
  g_autofree double *factors = NULL;
  g_autofree double *cos_x = NULL;
  g_autofree double *cos_y = NULL;
  GString *hash = g_string_new (NULL);
  guint n_factors = x_components * y_components;
  double maximum = 0;

  g_return_val_if_fail (x_components >= 1 && x_components <= 9, NULL);
  g_return_val_if_fail (y_components >= 1 && y_components <= 9, NULL);
  g_return_val_if_fail (width > 0 && height > 0 && n_channels >= 3, NULL);

  factors = g_new0 (double, n_factors * 3);
  cos_x = g_new (double, (gsize) x_components * width);
  cos_y = g_new (double, (gsize) y_components * height);
  for (guint i = 0; i < x_components; i++)
    for (guint x = 0; x < width; x++)
      cos_x[i * width + x] = cos (G_PI * i * x / width);
  for (guint j = 0; j < y_components; j++)
    for (guint y = 0; y < height; y++)
      cos_y[j * height + y] = cos (G_PI * j * y / height);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        const guint8 *pixel = pixels + y * rowstride + (gsize) x * n_channels;
        double r = srgb_to_linear (pixel[0]);
        double g = srgb_to_linear (pixel[1]);
        double b = srgb_to_linear (pixel[2]);

        for (guint j = 0; j < y_components; j++)
          for (guint i = 0; i < x_components; i++)
            {
              double basis = cos_x[i * width + x] * cos_y[j * height + y];
              double *factor = factors + (j * x_components + i) * 3;

              factor[0] += basis * r;
              factor[1] += basis * g;
              factor[2] += basis * b;
            }
      }
  for (guint k = 0; k < n_factors; k++)
    {
      double scale = (k == 0 ? 1.0 : 2.0) / ((double) width * height);

      for (guint c = 0; c < 3; c++)
        {
          factors[k * 3 + c] *= scale;
          if (k > 0)
            maximum = MAX (maximum, fabs (factors[k * 3 + c]));
        }
    }

  append_base83 (hash, (x_components - 1) + (y_components - 1) * 9, 1);
  if (n_factors > 1)
    {
      guint quantised = (guint) MAX (0.0, MIN (82.0, floor (maximum * 166 - 0.5)));

      maximum = (quantised + 1) / 166.0;
      append_base83 (hash, quantised, 1);
    }
  else
    {
      maximum = 1;
      append_base83 (hash, 0, 1);
    }
  append_base83 (hash, (linear_to_srgb (factors[0]) << 16) + (linear_to_srgb (factors[1]) << 8) +
                       linear_to_srgb (factors[2]), 4);
  for (guint k = 1; k < n_factors; k++)
    {
      guint quantised[3];

      for (guint c = 0; c < 3; c++)
        quantised[c] = (guint) MAX (0.0, MIN (18.0, floor (sign_pow (factors[k * 3 + c] / maximum,
                                                                     0.5) * 9 + 9.5)));
      append_base83 (hash, quantised[0] * 19 * 19 + quantised[1] * 19 + quantised[2], 2);
    }
  return g_string_free (hash, FALSE);
}

static char *
compute_blurhash (GdkPixbuf *pixbuf)
{
  g_autoptr(GdkPixbuf) small = NULL;
  guint width;
  guint height;

  fit_in_box ((guint) gdk_pixbuf_get_width (pixbuf), (guint) gdk_pixbuf_get_height (pixbuf),
              BLURHASH_SOURCE_SIZE, &width, &height);
  small = gdk_pixbuf_scale_simple (pixbuf, (int) width, (int) height, GDK_INTERP_BILINEAR);
  if (small == NULL)
    return NULL;
  return qtr_blurhash_encode (gdk_pixbuf_read_pixels (small), width, height,
                              (gsize) gdk_pixbuf_get_rowstride (small),
                              (guint) gdk_pixbuf_get_n_channels (small),
                              QTR_BLURHASH_COMPONENTS, QTR_BLURHASH_COMPONENTS);
}

/**
 * qtr_thumbnail_make:
 * @media_type: the type the node sniffed @image as
 * @image: the uploaded image
 *
 * Makes the thumbnail of an image and its blurhash. Blocking: call it on a worker thread.
 *
 * Returns: (transfer full): the thumbnail, or %NULL with @error set: %QTR_NODE_ERROR_INVALID_MEDIA
 *   when the image is larger than the node takes, a #GdkPixbufError when it cannot be decoded
 *   (no loader for its type here, or damaged data)
 */
QtrThumbnail *
qtr_thumbnail_make (const char    *media_type,
                    GBytes        *image,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(QtrThumbnail) thumbnail = g_new0 (QtrThumbnail, 1);
  g_autofree char *buffer = NULL;
  gsize buffer_size = 0;
  const char *orientation;
  gboolean has_alpha;
  guint width;
  guint height;

  decoded = decode_scaled (media_type, image, cancellable, error);
  if (decoded == NULL)
    return NULL;
  orientation = gdk_pixbuf_get_option (decoded, "orientation");
  /* Exif orientations 5 to 8 turn the image a quarter (with or without a flip). */
  thumbnail->transposed = orientation != NULL && orientation[0] >= '5' && orientation[0] <= '8' &&
                          orientation[1] == '\0';
  oriented = gdk_pixbuf_apply_embedded_orientation (decoded);
  if (oriented == NULL)
    oriented = g_object_ref (decoded);
  /* The loader scales as asked; a turned image, or a loader that ignores the size, is fitted
   * here. */
  fit_in_box ((guint) gdk_pixbuf_get_width (oriented), (guint) gdk_pixbuf_get_height (oriented),
              QTR_THUMBNAIL_SIZE, &width, &height);
  if (width == (guint) gdk_pixbuf_get_width (oriented) &&
      height == (guint) gdk_pixbuf_get_height (oriented))
    scaled = g_object_ref (oriented);
  else
    scaled = gdk_pixbuf_scale_simple (oriented, (int) width, (int) height, GDK_INTERP_BILINEAR);
  if (scaled == NULL)
    {
      g_set_error (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_INSUFFICIENT_MEMORY,
                   "Cannot scale the image to %u×%u", width, height);
      return NULL;
    }

  has_alpha = gdk_pixbuf_get_has_alpha (scaled);
  if (!(has_alpha
          ? gdk_pixbuf_save_to_buffer (scaled, &buffer, &buffer_size, "png", error, NULL)
          : gdk_pixbuf_save_to_buffer (scaled, &buffer, &buffer_size, "jpeg", error,
                                       "quality", JPEG_QUALITY, NULL)))
    return NULL;
  thumbnail->media_type = g_strdup (has_alpha ? "image/png" : "image/jpeg");
  thumbnail->bytes = g_bytes_new_take (g_steal_pointer (&buffer), buffer_size);
  thumbnail->width = width;
  thumbnail->height = height;
  thumbnail->blurhash = compute_blurhash (scaled);
  return g_steal_pointer (&thumbnail);
}
