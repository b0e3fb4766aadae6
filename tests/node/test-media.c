/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "node-test-util.h"

#include "qtr-media-thumbnail.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/stat.h>

/* Media: the type and size read from crafted files' bytes, refusals, thumbnails of real images
 * and their blurhash, and the files as a real node serves them over loopback. */

/* Crafted files: only the bytes a reader looks at are real. */

/* SOI, an APP0 (JFIF) segment, then a baseline frame header: 5 wide, 2 high. */
static const guint8 jpeg[] = {
  0xff, 0xd8,
  0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
  0xff, 0xdb, 0x00, 0x04, 0x00, 0x00,
  0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00, 0x05, 0x03,
  0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
  0xff, 0xd9,
};

static const guint8 jpeg_without_frame[] = {
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
  0xff, 0xda, 0x00, 0x02, 0xff, 0xd9,
};

static const guint8 gif[] = {
  'G', 'I', 'F', '8', '9', 'a', 7, 0, 9, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x3b,
};

static const guint8 webp_vp8x[] = {
  'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0,
  0x10, 0, 0, 0, 0x7f, 0x02, 0x00, 0xdf, 0x01, 0x00,   /* 640 × 480 */
};

/* 14-bit sizes minus one: width 300 (299), height 200 (199) packed after the signature. */
static const guint8 webp_vp8l[] = {
  'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L', 10, 0, 0, 0,
  0x2f, (299 & 0xff), ((299 >> 8) & 0x3f) | ((199 & 0x03) << 6), (199 >> 2) & 0xff,
  (199 >> 10) & 0x0f, 0, 0, 0, 0, 0,
};

static const guint8 webp_vp8[] = {
  'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' ', 10, 0, 0, 0,
  0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x20, 0x03, 0x58, 0x02,   /* 800 × 600 */
};

static const guint8 mp4[] = {
  0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
  'i', 's', 'o', 'm', 'm', 'p', '4', '1',
};

static const guint8 webm[] = {
  0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01,
  0x42, 0x82, 0x84, 'w', 'e', 'b', 'm', 0x42, 0x87, 0x81, 0x04,
};

static const guint8 matroska[] = {
  0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01,
  0x42, 0x82, 0x88, 'm', 'a', 't', 'r', 'o', 's', 'k', 'a',
};

static const guint8 mp3[] = { 'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64 };

static const guint8 ogg[] = {
  'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 9, 9, 9, 9, 1, 19,
  'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 2,
};

static const char html[] = "<!DOCTYPE html><html><script>alert(document.cookie)</script></html>";

static void
assert_sniffed (const guint8 *data,
                gsize         length,
                const char   *expected_type,
                guint         expected_width,
                guint         expected_height)
{
  g_autoptr(GError) error = NULL;
  const char *type = NULL;
  guint width = 1, height = 1;

  g_assert_true (qtr_media_sniff (data, length, &type, &width, &height, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, expected_type);
  g_assert_cmpuint (width, ==, expected_width);
  g_assert_cmpuint (height, ==, expected_height);
}

static void
assert_refused (const guint8 *data,
                gsize         length)
{
  g_autoptr(GError) error = NULL;
  const char *type = NULL;
  guint width, height;

  g_assert_false (qtr_media_sniff (data, length, &type, &width, &height, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA);
  g_assert_null (type);
}

static void
test_sniff (void)
{
  g_autoptr(GBytes) png = qtr_test_make_png (3, 2, 0);
  g_autoptr(GBytes) huge = qtr_test_make_png (100000, 70000, 0);
  gsize png_length;
  const guint8 *png_data = g_bytes_get_data (png, &png_length);

  assert_sniffed (png_data, png_length, "image/png", 3, 2);
  assert_sniffed (g_bytes_get_data (huge, NULL), g_bytes_get_size (huge), "image/png", 100000,
                  70000);
  assert_sniffed (jpeg, sizeof jpeg, "image/jpeg", 5, 2);
  assert_sniffed (gif, sizeof gif, "image/gif", 7, 9);
  assert_sniffed (webp_vp8x, sizeof webp_vp8x, "image/webp", 640, 480);
  assert_sniffed (webp_vp8l, sizeof webp_vp8l, "image/webp", 300, 200);
  assert_sniffed (webp_vp8, sizeof webp_vp8, "image/webp", 800, 600);
  assert_sniffed (mp4, sizeof mp4, "video/mp4", 0, 0);
  assert_sniffed (webm, sizeof webm, "video/webm", 0, 0);
  assert_sniffed (mp3, sizeof mp3, "audio/mpeg", 0, 0);
  assert_sniffed (ogg, sizeof ogg, "audio/ogg", 0, 0);

  /* Not media, or media cut short before their size. */
  assert_refused ((const guint8 *) html, strlen (html));
  assert_refused ((const guint8 *) "", 0);
  assert_refused (matroska, sizeof matroska);
  for (gsize cut = 0; cut < 24; cut++)
    assert_refused (png_data, cut);
  for (gsize cut = 0; cut < 35; cut++)
    assert_refused (jpeg, cut);
  assert_refused (jpeg_without_frame, sizeof jpeg_without_frame);
  for (gsize cut = 0; cut < 10; cut++)
    assert_refused (gif, cut);
  for (gsize cut = 0; cut < sizeof webp_vp8x; cut++)
    assert_refused (webp_vp8x, cut);
  {
    g_autoptr(GBytes) empty = qtr_test_make_png (0, 5, 0);
    assert_refused (g_bytes_get_data (empty, NULL), g_bytes_get_size (empty));
  }
}

/* A real node, on a loopback port. */

typedef struct {
  QtrTestNode alice;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  qtr_test_node_start (&fixture->alice, NULL, "alice", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  qtr_test_node_stop (&fixture->alice);
}

/* GETs @url, or the part @range of it if not %NULL. */
static void
fetch (const char    *url,
       const char    *range,
       QtrTestAnswer *answer)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  if (range != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Range", range);
  qtr_test_send (msg, answer);
}

static void
test_store_and_serve (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GBytes) png = qtr_test_make_png (3, 2, 100);
  g_autoptr(QtrMedia) media = NULL;
  g_autoptr(QtrMedia) found = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(QtrTestAnswer) served = { 0 };
  g_auto(QtrTestAnswer) part = { 0 };
  g_auto(QtrTestAnswer) wrong = { 0 };
  g_autofree char *expected_url = NULL;
  g_autofree char *wrong_url = NULL;
  g_autofree char *path = NULL;
  g_autofree char *folder = g_build_filename (fixture->alice.dir, "media", NULL);
  SoupMessageHeaders *headers;
  GStatBuf info;

  media = qtr_node_add_media (fixture->alice.node, png, "Three red pixels over three blue", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (media->media_type, ==, "image/png");
  g_assert_cmpint (media->size, ==, g_bytes_get_size (png));
  g_assert_cmpuint (media->width, ==, 3);
  g_assert_cmpuint (media->height, ==, 2);
  g_assert_cmpint (media->status_id, ==, 0);
  expected_url = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT ".png", fixture->alice.base,
                                  media->id);
  g_assert_cmpstr (media->url, ==, expected_url);

  /* Kept under a name of the node's, readable by the owner alone. */
  path = g_strdup_printf ("%s/%" G_GINT64_FORMAT ".png", folder, media->id);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  /* The alt text changes; the rest stays. */
  g_assert_true (qtr_node_set_media_description (fixture->alice.node, media->id, "Stripes",
                                                 &error));
  g_assert_no_error (error);
  found = qtr_node_find_media (fixture->alice.node, media->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->description, ==, "Stripes");
  g_assert_cmpstr (found->url, ==, expected_url);
  g_assert_null (qtr_node_find_media (fixture->alice.node, media->id + 1, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (qtr_node_set_media_description (fixture->alice.node, media->id + 1, "x", &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Served as stored, with headers that keep it an image. */
  fetch (media->url, NULL, &served);
  g_assert_cmpuint (served.status, ==, SOUP_STATUS_OK);
  g_assert_true (g_bytes_equal (served.bytes, png));
  headers = served.headers;
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, "image/png");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==,
                   "nosniff");
  g_assert_nonnull (strstr (soup_message_headers_get_one (headers, "Content-Security-Policy"),
                            "default-src 'none'"));
  g_assert_nonnull (strstr (soup_message_headers_get_one (headers, "Cache-Control"), "max-age="));

  /* A part of it, for players that seek. */
  fetch (media->url, "bytes=1-3", &part);
  g_assert_cmpuint (part.status, ==, SOUP_STATUS_PARTIAL_CONTENT);
  g_assert_cmpmem (g_bytes_get_data (part.bytes, NULL), g_bytes_get_size (part.bytes), "PNG", 3);

  /* Only under its own extension. */
  wrong_url = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT ".html", fixture->alice.base,
                               media->id);
  fetch (wrong_url, NULL, &wrong);
  g_assert_cmpuint (wrong.status, ==, SOUP_STATUS_NOT_FOUND);
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *fake = g_build_filename (fixture->alice.dir, "photo.png", NULL);
  g_autoptr(GBytes) too_big = qtr_test_make_png (10, 10, QTR_MEDIA_MAX_IMAGE_SIZE);
  g_autoptr(GBytes) just_right = qtr_test_make_png (10, 10, QTR_MEDIA_MAX_IMAGE_SIZE - 45);
  g_autoptr(QtrMedia) accepted = NULL;
  g_autoptr(GError) error = NULL;

  /* HTML named like a PNG: the name is not read, the bytes say what it is. */
  g_assert_true (g_file_set_contents (fake, html, -1, &error));
  g_assert_null (qtr_node_add_media_file (fixture->alice.node, fake, "Not a photo", &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA);
  g_assert_nonnull (strstr (error->message, "PNG"));
  g_clear_error (&error);

  g_assert_cmpuint (g_bytes_get_size (too_big), >, QTR_MEDIA_MAX_IMAGE_SIZE);
  g_assert_null (qtr_node_add_media (fixture->alice.node, too_big, NULL, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM media"), ==, 0);

  /* The limit itself is allowed. */
  g_assert_cmpuint (g_bytes_get_size (just_right), ==, QTR_MEDIA_MAX_IMAGE_SIZE);
  accepted = qtr_node_add_media (fixture->alice.node, just_right, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM media"), ==, 1);

  g_assert_null (qtr_node_add_media_file (fixture->alice.node, "/nonexistent/file", NULL, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (qtr_node_add_media_file (fixture->alice.node, fixture->alice.dir, NULL, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA);
  g_clear_error (&error);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM media"), ==, 1);
}

/* A real image: a gradient, with an alpha channel or not, encoded by gdk-pixbuf as @format
 * ("png" or "jpeg"). */
static GBytes *
make_image (int         width,
            int         height,
            gboolean    alpha,
            const char *format)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  char *buffer = NULL;
  gsize size = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *pixel = pixels + y * stride + x * channels;

        pixel[0] = (guint8) (x * 255 / width);
        pixel[1] = (guint8) (y * 255 / height);
        pixel[2] = 128;
        if (alpha)
          pixel[3] = (guint8) (x % 2 ? 255 : 100);
      }
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, format, &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

/* Decodes what the node served, whatever its format. */
static GdkPixbuf *
decode_image (GBytes *bytes)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, bytes, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

static guint
decode_base83 (const char *text,
               guint       length)
{
  static const char digits[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
  guint value = 0;

  for (guint i = 0; i < length; i++)
    {
      const char *digit = strchr (digits, text[i]);

      g_assert_nonnull (digit);
      value = value * 83 + (guint) (digit - digits);
    }
  return value;
}

static void
fill (guint8 *pixels,
      guint   width,
      guint   from,
      guint   to,
      guint   height,
      guint32 rgb)
{
  for (guint y = 0; y < height; y++)
    for (guint x = from; x < to; x++)
      {
        guint8 *pixel = pixels + (y * width + x) * 3;

        pixel[0] = rgb >> 16;
        pixel[1] = (rgb >> 8) & 0xff;
        pixel[2] = rgb & 0xff;
      }
}

/* Read back as https://github.com/woltapp/blurhash decodes: a plain colour is its DC part;
 * red on the left and blue on the right is a first horizontal component of positive red and
 * negative blue, and no difference between them down. */
static void
test_blurhash (void)
{
  guint8 pixels[32 * 16 * 3];
  g_autofree char *plain = NULL;
  g_autofree char *halves = NULL;
  guint ac;

  fill (pixels, 32, 0, 32, 16, 0xc86432);
  plain = qtr_blurhash_encode (pixels, 32, 16, 32 * 3, 3, 4, 4);
  g_assert_cmpuint (strlen (plain), ==, 4 + 2 * 16);
  g_assert_cmpuint (decode_base83 (plain, 1), ==, 3 + 3 * 9);   /* 4 × 4 components */
  g_assert_cmphex (decode_base83 (plain + 2, 4), ==, 0xc86432);

  fill (pixels, 32, 0, 16, 16, 0xff0000);
  fill (pixels, 32, 16, 32, 16, 0x0000ff);
  halves = qtr_blurhash_encode (pixels, 32, 16, 32 * 3, 3, 4, 4);
  g_assert_cmpuint (strlen (halves), ==, 36);
  ac = decode_base83 (halves + 6, 2);
  g_assert_cmpuint (ac / (19 * 19), >, 9);         /* red: more on the left */
  g_assert_cmpuint ((ac / 19) % 19, ==, 9);        /* green: none anywhere */
  g_assert_cmpuint (ac % 19, <, 9);                /* blue: more on the right */
  /* Nothing varies from top to bottom: the first vertical component has as much red as blue
   * (not quite none: the sampled cosines do not sum to zero). */
  ac = decode_base83 (halves + 6 + 2 * 3, 2);
  g_assert_cmpuint (ac / (19 * 19), ==, ac % 19);
  g_assert_cmpuint ((ac / 19) % 19, ==, 9);
}

/* Adds @image and checks its thumbnail: its type and size, and the file as served. */
static QtrMedia *
assert_thumbnail (Fixture    *fixture,
                  GBytes     *image,
                  const char *preview_type,
                  guint       width,
                  guint       height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrMedia) media = qtr_node_add_media (fixture->alice.node, image, NULL, &error);
  g_autoptr(GdkPixbuf) served_image = NULL;
  g_auto(QtrTestAnswer) served = { 0 };
  g_auto(QtrTestAnswer) part = { 0 };
  g_autofree char *expected_url = NULL;
  g_autofree char *path = NULL;
  const char *extension = g_str_equal (preview_type, "image/png") ? "png" : "jpg";
  SoupMessageHeaders *headers;
  GStatBuf info;

  g_assert_no_error (error);
  g_assert_cmpstr (media->preview_type, ==, preview_type);
  g_assert_cmpuint (media->preview_width, ==, width);
  g_assert_cmpuint (media->preview_height, ==, height);
  g_assert_cmpuint (strlen (media->blurhash), ==, 36);
  expected_url = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT "-small.%s", fixture->alice.base,
                                  media->id, extension);
  g_assert_cmpstr (media->preview_url, ==, expected_url);
  path = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT "-small.%s", fixture->alice.dir,
                          media->id, extension);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  /* Served as the originals are. */
  fetch (media->preview_url, NULL, &served);
  g_assert_cmpuint (served.status, ==, SOUP_STATUS_OK);
  headers = served.headers;
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, preview_type);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==,
                   "nosniff");
  g_assert_nonnull (strstr (soup_message_headers_get_one (headers, "Content-Security-Policy"),
                            "default-src 'none'"));
  served_image = decode_image (served.bytes);
  g_assert_cmpint (gdk_pixbuf_get_width (served_image), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (served_image), ==, height);
  g_assert_cmpint (gdk_pixbuf_get_has_alpha (served_image), ==,
                   g_str_equal (preview_type, "image/png"));
  fetch (media->preview_url, "bytes=0-1", &part);
  g_assert_cmpuint (part.status, ==, SOUP_STATUS_PARTIAL_CONTENT);
  g_assert_cmpuint (g_bytes_get_size (part.bytes), ==, 2);

  /* The node keeps its record: found again, the thumbnail is there. */
  {
    g_autoptr(QtrMedia) found = qtr_node_find_media (fixture->alice.node, media->id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (found->preview_url, ==, media->preview_url);
    g_assert_cmpstr (found->blurhash, ==, media->blurhash);
  }
  return g_steal_pointer (&media);
}

static void
test_thumbnails (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GBytes) photo = make_image (1200, 800, FALSE, "jpeg");
  g_autoptr(GBytes) tall = make_image (300, 900, TRUE, "png");
  g_autoptr(GBytes) small = make_image (10, 10, FALSE, "png");
  g_autoptr(QtrMedia) photo_media = NULL;
  g_autoptr(QtrMedia) tall_media = NULL;
  g_autoptr(QtrMedia) small_media = NULL;
  g_autoptr(QtrMedia) broken_media = NULL;
  g_autoptr(GBytes) broken = qtr_test_make_png (3, 2, 0);
  g_autoptr(GError) error = NULL;
  g_auto(QtrTestAnswer) wrong = { 0 };
  g_autofree char *wrong_url = NULL;

  /* Scaled to fit 640 × 640, keeping the aspect; JPEG, or PNG for an image with alpha. */
  photo_media = assert_thumbnail (fixture, photo, "image/jpeg", 640, 427);
  tall_media = assert_thumbnail (fixture, tall, "image/png", 213, 640);
  /* Never enlarged. */
  small_media = assert_thumbnail (fixture, small, "image/jpeg", 10, 10);

  /* Only under the thumbnail's own extension. */
  wrong_url = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT "-small.png", fixture->alice.base,
                               photo_media->id);
  fetch (wrong_url, NULL, &wrong);
  g_assert_cmpuint (wrong.status, ==, SOUP_STATUS_NOT_FOUND);

  /* Deleted, the media takes its thumbnail along: both files, both addresses. */
  {
    g_autofree char *original = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT ".png",
                                                 fixture->alice.dir, tall_media->id);
    g_autofree char *preview = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT "-small.png",
                                                fixture->alice.dir, tall_media->id);
    g_auto(QtrTestAnswer) gone = { 0 };

    g_assert_true (g_file_test (preview, G_FILE_TEST_EXISTS));
    g_assert_true (qtr_node_delete_media (fixture->alice.node, tall_media->id, &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (original, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (preview, G_FILE_TEST_EXISTS));
    fetch (tall_media->preview_url, NULL, &gone);
    g_assert_cmpuint (gone.status, ==, SOUP_STATUS_NOT_FOUND);
    g_assert_false (qtr_node_delete_media (fixture->alice.node, tall_media->id, &error));
    g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_free (preview);
    preview = g_strdup_printf ("%s/media/%" G_GINT64_FORMAT "-small.jpg", fixture->alice.dir,
                               photo_media->id);
    g_assert_true (g_file_test (preview, G_FILE_TEST_EXISTS));   /* the others stay */
  }

  /* An image no decoder reads is kept, without a thumbnail. */
  broken_media = qtr_node_add_media (fixture->alice.node, broken, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (broken_media->preview_type);
  g_assert_null (broken_media->preview_url);
  g_assert_null (broken_media->blurhash);
  /* So is a WebP, whether this gdk-pixbuf has no WebP loader (Debian 12's) or finds these
   * bytes damaged. */
  {
    g_autoptr(GBytes) webp = g_bytes_new_static (webp_vp8x, sizeof webp_vp8x);
    g_autoptr(QtrMedia) webp_media = qtr_node_add_media (fixture->alice.node, webp, NULL,
                                                         &error);

    g_assert_no_error (error);
    g_assert_cmpstr (webp_media->media_type, ==, "image/webp");
    g_assert_null (webp_media->preview_url);
  }
}

/* @photo, a JPEG, with an Exif segment (big-endian TIFF, one IFD entry) saying
 * @orientation. */
static GBytes *
add_orientation (GBytes *photo,
                 guint   orientation)
{
  const guint8 exif[] = {
    0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0, 42, 0, 0, 0, 8,                    /* TIFF header, IFD at 8 */
    0, 1,                                           /* one entry */
    0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (guint8) orientation, 0, 0,   /* Orientation, SHORT */
    0, 0, 0, 0,                                     /* no next IFD */
  };
  gsize length;
  const guint8 *data = g_bytes_get_data (photo, &length);
  GByteArray *turned = g_byte_array_new ();

  g_byte_array_append (turned, data, 2);            /* SOI */
  g_byte_array_append (turned, exif, sizeof exif);
  g_byte_array_append (turned, data + 2, length - 2);
  return g_byte_array_free_to_bytes (turned);
}

/* A photo taken sideways: the thumbnail is turned upright, and the sizes are those shown. */
static void
test_orientation (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GBytes) photo = make_image (1200, 800, FALSE, "jpeg");
  g_autoptr(GBytes) sideways = add_orientation (photo, 6);
  g_autoptr(GBytes) upright = add_orientation (photo, 1);
  g_autoptr(QtrMedia) turned = assert_thumbnail (fixture, sideways, "image/jpeg", 427, 640);
  g_autoptr(QtrMedia) kept = assert_thumbnail (fixture, upright, "image/jpeg", 640, 427);

  g_assert_cmpuint (turned->width, ==, 800);
  g_assert_cmpuint (turned->height, ==, 1200);
  g_assert_cmpuint (kept->width, ==, 1200);
  g_assert_cmpuint (kept->height, ==, 800);
}

/* Images too large to decode are refused from their header: nothing is decoded or kept. */
static void
test_huge_images (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GBytes) wide = qtr_test_make_png (20000, 20000, 0);
  g_autoptr(GBytes) many = qtr_test_make_png (7000, 7000, 0);
  g_autoptr(GBytes) long_side = qtr_test_make_png (16385, 10, 0);
  g_autoptr(GBytes) largest = make_image (16384, 2, FALSE, "png");
  g_autoptr(QtrMedia) kept = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (qtr_node_add_media (fixture->alice.node, wide, NULL, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA);
  g_assert_nonnull (strstr (error->message, "20000×20000"));
  g_clear_error (&error);
  g_assert_null (qtr_node_add_media (fixture->alice.node, many, NULL, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA);
  g_clear_error (&error);
  g_assert_null (qtr_node_add_media (fixture->alice.node, long_side, NULL, &error));
  g_assert_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA);
  g_clear_error (&error);
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM media"), ==, 0);

  /* The limits themselves are allowed; such a thin image gets a thumbnail 1 pixel high. */
  g_assert_true (qtr_media_check_dimensions (QTR_MEDIA_MAX_SIDE, 2, NULL));
  g_assert_true (qtr_media_check_dimensions (5000, 8000, NULL));
  kept = qtr_node_add_media (fixture->alice.node, largest, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->preview_width, ==, 640);
  g_assert_cmpuint (kept->preview_height, ==, 1);
}

static void
media_added_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  QtrMedia **media = user_data;
  g_autoptr(GError) error = NULL;

  *media = qtr_node_add_media_finish (QTR_NODE (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
media_is_set (gpointer user_data)
{
  return *(QtrMedia **) user_data != NULL;
}

/* The client API's way: decoded on a worker thread, kept in the node's context. */
static void
test_thumbnail_async (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GBytes) photo = make_image (2000, 1000, FALSE, "jpeg");
  g_autoptr(QtrMedia) media = NULL;

  qtr_node_add_media_async (fixture->alice.node, photo, "A gradient", NULL, media_added_cb,
                            &media);
  g_assert_null (media);
  qtr_test_wait_until (media_is_set, &media, "the media to be kept");
  g_assert_cmpstr (media->preview_type, ==, "image/jpeg");
  g_assert_cmpuint (media->preview_width, ==, 640);
  g_assert_cmpuint (media->preview_height, ==, 320);
  g_assert_cmpstr (media->description, ==, "A gradient");
  g_assert_cmpint (qtr_test_node_count (&fixture->alice, "SELECT count (*) FROM media"
                                        " WHERE preview_type = 'image/jpeg'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/node/media/sniff", test_sniff);
  g_test_add ("/node/media/store-and-serve", Fixture, NULL, fixture_set_up,
              test_store_and_serve, fixture_tear_down);
  g_test_add ("/node/media/refusals", Fixture, NULL, fixture_set_up, test_refusals,
              fixture_tear_down);
  g_test_add_func ("/node/media/blurhash", test_blurhash);
  g_test_add ("/node/media/thumbnails", Fixture, NULL, fixture_set_up, test_thumbnails,
              fixture_tear_down);
  g_test_add ("/node/media/huge-images", Fixture, NULL, fixture_set_up, test_huge_images,
              fixture_tear_down);
  g_test_add ("/node/media/orientation", Fixture, NULL, fixture_set_up, test_orientation,
              fixture_tear_down);
  g_test_add ("/node/media/thumbnail-async", Fixture, NULL, fixture_set_up,
              test_thumbnail_async, fixture_tear_down);

  return g_test_run ();
}
