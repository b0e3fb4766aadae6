/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-media-attachment.h"

#include "qtr-entity-private.h"
#include "qtr-json.h"

/* QtrMediaAttachment: an image, video or sound attached to a post. */

struct _QtrMediaAttachment
{
  GObject parent_instance;

  char   *id;
  char   *media_type;
  char   *url;
  char   *preview_url;
  char   *remote_url;
  char   *description;
  char   *blurhash;
  gint64  width;
  gint64  height;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_MEDIA_TYPE,
  PROP_URL,
  PROP_PREVIEW_URL,
  PROP_REMOTE_URL,
  PROP_DESCRIPTION,
  PROP_BLURHASH,
  PROP_WIDTH,
  PROP_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrMediaAttachment, qtr_media_attachment, G_TYPE_OBJECT)

static void
qtr_media_attachment_finalize (GObject *object)
{
  QtrMediaAttachment *self = QTR_MEDIA_ATTACHMENT (object);

  g_free (self->id);
  g_free (self->media_type);
  g_free (self->url);
  g_free (self->preview_url);
  g_free (self->remote_url);
  g_free (self->description);
  g_free (self->blurhash);

  G_OBJECT_CLASS (qtr_media_attachment_parent_class)->finalize (object);
}

static void
qtr_media_attachment_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  QtrMediaAttachment *self = QTR_MEDIA_ATTACHMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_MEDIA_TYPE:
      g_value_set_string (value, self->media_type);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_PREVIEW_URL:
      g_value_set_string (value, self->preview_url);
      break;
    case PROP_REMOTE_URL:
      g_value_set_string (value, self->remote_url);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_BLURHASH:
      g_value_set_string (value, self->blurhash);
      break;
    case PROP_WIDTH:
      g_value_set_int64 (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_int64 (value, self->height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_media_attachment_class_init (QtrMediaAttachmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_media_attachment_finalize;
  object_class->get_property = qtr_media_attachment_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MEDIA_TYPE] =
    g_param_spec_string ("media-type", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREVIEW_URL] =
    g_param_spec_string ("preview-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_URL] =
    g_param_spec_string ("remote-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BLURHASH] =
    g_param_spec_string ("blurhash", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_int64 ("width", NULL, NULL, -1, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_int64 ("height", NULL, NULL, -1, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_media_attachment_init (QtrMediaAttachment *self)
{
}

/**
 * qtr_media_attachment_new_from_json:
 * @object: a MediaAttachment of the Mastodon API
 *
 * Returns: (transfer full): the attachment, or %NULL with %QTR_API_ERROR_BAD_RESPONSE when `id`
 *   is missing
 */
QtrMediaAttachment *
qtr_media_attachment_new_from_json (JsonObject  *object,
                                    GError     **error)
{
  g_autoptr(QtrMediaAttachment) self = g_object_new (QTR_TYPE_MEDIA_ATTACHMENT, NULL);
  JsonObject *original;

  self->id = qtr_entity_dup_id (object, "id");
  if (self->id == NULL)
    return qtr_entity_missing ("MediaAttachment", "id", error);
  self->media_type = qtr_entity_dup_string (object, "type");
  if (self->media_type == NULL)
    self->media_type = g_strdup ("unknown");
  self->url = qtr_entity_dup_string (object, "url");
  self->preview_url = qtr_entity_dup_string (object, "preview_url");
  self->remote_url = qtr_entity_dup_string (object, "remote_url");
  self->description = qtr_entity_dup_string (object, "description");
  self->blurhash = qtr_entity_dup_string (object, "blurhash");

  /* meta is free-form: Mastodon and GoToSocial give original.width and height, Akkoma often
   * nothing. */
  original = qtr_json_get_object (qtr_json_get_object (object, "meta"), "original");
  self->width = qtr_json_get_int (original, "width", -1);
  self->height = qtr_json_get_int (original, "height", -1);

  return g_steal_pointer (&self);
}


/**
 * qtr_media_attachment_get_id:
 *
 * Returns: (transfer none) (nullable): the attachment id
 */
const char *
qtr_media_attachment_get_id (QtrMediaAttachment *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_ATTACHMENT (self), NULL);

  return self->id;
}

/**
 * qtr_media_attachment_get_media_type:
 *
 * Returns: (transfer none) (nullable): its type: `image`, `gifv`, `video`, `audio` or `unknown`
 */
const char *
qtr_media_attachment_get_media_type (QtrMediaAttachment *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_ATTACHMENT (self), NULL);

  return self->media_type;
}

/**
 * qtr_media_attachment_get_url:
 *
 * Returns: (transfer none) (nullable): the media file; %NULL while the server still processes it
 */
const char *
qtr_media_attachment_get_url (QtrMediaAttachment *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_ATTACHMENT (self), NULL);

  return self->url;
}

/**
 * qtr_media_attachment_get_preview_url:
 *
 * Returns: (transfer none) (nullable): a smaller image for previews
 */
const char *
qtr_media_attachment_get_preview_url (QtrMediaAttachment *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_ATTACHMENT (self), NULL);

  return self->preview_url;
}

/**
 * qtr_media_attachment_get_remote_url:
 *
 * Returns: (transfer none) (nullable): the file on its origin server, for remote media
 */
const char *
qtr_media_attachment_get_remote_url (QtrMediaAttachment *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_ATTACHMENT (self), NULL);

  return self->remote_url;
}

/**
 * qtr_media_attachment_get_description:
 *
 * Returns: (transfer none) (nullable): the alt text
 */
const char *
qtr_media_attachment_get_description (QtrMediaAttachment *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_ATTACHMENT (self), NULL);

  return self->description;
}

/**
 * qtr_media_attachment_get_blurhash:
 *
 * Returns: (transfer none) (nullable): a BlurHash of the image, to show while it loads
 */
const char *
qtr_media_attachment_get_blurhash (QtrMediaAttachment *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_ATTACHMENT (self), NULL);

  return self->blurhash;
}

/**
 * qtr_media_attachment_get_width:
 *
 * Returns:: the width of the original in pixels, or -1 when unknown
 */
gint64
qtr_media_attachment_get_width (QtrMediaAttachment *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_ATTACHMENT (self), 0);

  return self->width;
}

/**
 * qtr_media_attachment_get_height:
 *
 * Returns:: the height of the original in pixels, or -1 when unknown
 */
gint64
qtr_media_attachment_get_height (QtrMediaAttachment *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_ATTACHMENT (self), 0);

  return self->height;
}
