/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-account-timeline.h"

/* QtrAccountTimeline: the posts of one account (`GET /api/v1/accounts/:id/statuses`), a
 * QtrTimeline of kind QTR_TIMELINE_ACCOUNT that pages and fills gaps the same way, with the
 * filter of a profile's tab. It is not cached (a profile is looked at, not followed), so the
 * tabs of one account do not share cached items. */

struct _QtrAccountTimeline
{
  QtrTimeline              parent_instance;

  QtrAccountTimelineFilter filter;
};

enum {
  PROP_0,
  PROP_FILTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrAccountTimeline, qtr_account_timeline, QTR_TYPE_TIMELINE)

GType
qtr_account_timeline_filter_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { QTR_ACCOUNT_TIMELINE_POSTS, "QTR_ACCOUNT_TIMELINE_POSTS", "posts" },
        { QTR_ACCOUNT_TIMELINE_POSTS_AND_REPLIES, "QTR_ACCOUNT_TIMELINE_POSTS_AND_REPLIES",
          "posts-and-replies" },
        { QTR_ACCOUNT_TIMELINE_MEDIA, "QTR_ACCOUNT_TIMELINE_MEDIA", "media" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("QtrAccountTimelineFilter"),
                                           values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

static void
qtr_account_timeline_add_query (QtrTimeline  *timeline,
                                GStrvBuilder *query)
{
  QtrAccountTimeline *self = QTR_ACCOUNT_TIMELINE (timeline);

  switch (self->filter)
    {
    case QTR_ACCOUNT_TIMELINE_POSTS:
      g_strv_builder_add (query, "exclude_replies");
      g_strv_builder_add (query, "true");
      break;
    case QTR_ACCOUNT_TIMELINE_MEDIA:
      g_strv_builder_add (query, "only_media");
      g_strv_builder_add (query, "true");
      break;
    case QTR_ACCOUNT_TIMELINE_POSTS_AND_REPLIES:
    default:
      break;
    }
}

static void
qtr_account_timeline_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  QtrAccountTimeline *self = QTR_ACCOUNT_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_FILTER:
      g_value_set_enum (value, self->filter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_account_timeline_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  QtrAccountTimeline *self = QTR_ACCOUNT_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_FILTER:
      self->filter = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_account_timeline_class_init (QtrAccountTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  QtrTimelineClass *timeline_class = QTR_TIMELINE_CLASS (klass);

  object_class->get_property = qtr_account_timeline_get_property;
  object_class->set_property = qtr_account_timeline_set_property;
  timeline_class->add_query = qtr_account_timeline_add_query;

  properties[PROP_FILTER] =
    g_param_spec_enum ("filter", NULL, NULL, QTR_TYPE_ACCOUNT_TIMELINE_FILTER,
                       QTR_ACCOUNT_TIMELINE_POSTS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_account_timeline_init (QtrAccountTimeline *self)
{
}

/**
 * qtr_account_timeline_new:
 * @client: the account's API client
 * @account_id: whose posts, an account id on @client's server
 * @filter: which of them
 *
 * Returns: (transfer full): an empty timeline; load it with qtr_timeline_load_newer_async()
 */
QtrAccountTimeline *
qtr_account_timeline_new (QtrApiClient             *client,
                          const char               *account_id,
                          QtrAccountTimelineFilter  filter)
{
  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (account_id != NULL && *account_id != '\0', NULL);

  return g_object_new (QTR_TYPE_ACCOUNT_TIMELINE,
                       "client", client,
                       "kind", QTR_TIMELINE_ACCOUNT,
                       "argument", account_id,
                       "filter", filter,
                       NULL);
}

QtrAccountTimelineFilter
qtr_account_timeline_get_filter (QtrAccountTimeline *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT_TIMELINE (self), QTR_ACCOUNT_TIMELINE_POSTS);

  return self->filter;
}
