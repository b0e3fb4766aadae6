/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-status-row.h"

#include <glib/gi18n.h>

#include "qtr-clock.h"
#include "qtr-html.h"
#include "qtr-media-viewer.h"
#include "qtr-open-uri.h"
#include "qtr-poll-view.h"
#include "qtr-preferences-window.h"
#include "qtr-status-actions.h"

/* QtrStatusRow: one post in a timeline.
 *
 * Bound to a QtrStatus (for a boost, the boosted post is shown under a "X boosted" line). The
 * content goes through the one HTML converter of src/core to label markup: web links open the
 * browser, mentions and hashtags emit ::mention-activated and ::hashtag-activated for the
 * app to navigate in-app. A content warning keeps the content and the media collapsed until
 * revealed; sensitive media stay hidden until clicked, and a click on a thumbnail opens the
 * QtrMediaViewer at it. Images come from a QtrImageLoader,
 * asynchronously; the relative time follows the one shared QtrClock while the row is mapped.
 * The row's accessible label reads it as a sentence: author, time, boost or reply, then the
 * content warning or the text. */

#define MAX_MEDIA 4

struct _QtrStatusRow
{
  AdwBin          parent_instance;

  QtrStatus      *status;
  QtrImageLoader *loader;
  GCancellable   *cancellable;   /* of this binding's image loads */
  GPtrArray      *links;         /* QtrHtmlLink of the content */
  gulong          tick_id;

  /* Template widgets */
  GtkWidget      *context_box;
  GtkImage       *context_icon;
  GtkLabel       *context_label;
  AdwAvatar      *avatar;
  GtkLabel       *name_label;
  GtkLabel       *handle_label;
  GtkLabel       *time_label;
  GtkWidget      *warning_box;
  GtkLabel       *warning_label;
  GtkToggleButton *reveal_button;
  GtkRevealer    *content_revealer;
  GtkLabel       *content_label;
  GtkGrid        *media_grid;
  QtrPollView    *poll_view;
  QtrStatusActions *actions;
};

enum {
  PROP_0,
  PROP_STATUS,
  PROP_IMAGE_LOADER,
  PROP_CONTENT_REVEALED,
  N_PROPS
};

enum {
  MENTION_ACTIVATED,
  HASHTAG_ACTIVATED,
  PROFILE_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrStatusRow, qtr_status_row, ADW_TYPE_BIN)

static QtrStatus *
get_shown (QtrStatusRow *self)
{
  return self->status != NULL ? qtr_status_get_shown (self->status) : NULL;
}

static char *
format_handle (QtrAccount *account)
{
  return g_strconcat ("@", qtr_account_get_acct (account), NULL);
}

static void
update_accessible (QtrStatusRow *self)
{
  g_autofree char *text = qtr_status_row_dup_accessible_text (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
update_time (QtrStatusRow *self)
{
  QtrStatus *shown = get_shown (self);
  g_autoptr(GDateTime) now = qtr_clock_get_now (qtr_clock_get_default ());
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  if (shown == NULL || qtr_status_get_created_at (shown) == NULL)
    {
      gtk_label_set_label (self->time_label, "");
      return;
    }
  text = qtr_format_relative_time (qtr_status_get_created_at (shown), now);
  tooltip = qtr_format_relative_time_long (qtr_status_get_created_at (shown), now);
  gtk_label_set_label (self->time_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->time_label), tooltip);
}

static void
clock_ticked_cb (QtrStatusRow *self)
{
  update_time (self);
  update_accessible (self);
}

static void
avatar_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GError) error = NULL;
  QtrStatusRow *self;

  paintable = qtr_image_loader_load_finish (QTR_IMAGE_LOADER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = QTR_STATUS_ROW (user_data);
  if (paintable == NULL)
    {
      /* The initials stay; an avatar that does not load is not worth a dialog. */
      g_debug ("%s", error->message);
      return;
    }
  adw_avatar_set_custom_image (self->avatar, paintable);
}

static void
picture_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GError) error = NULL;

  paintable = qtr_image_loader_load_finish (QTR_IMAGE_LOADER (source), result, &error);
  if (paintable == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s", error->message);
      return;
    }
  gtk_picture_set_paintable (picture, paintable);
}

static const char *
media_url (QtrMediaAttachment *media)
{
  const char *preview = qtr_media_attachment_get_preview_url (media);

  return preview != NULL ? preview : qtr_media_attachment_get_url (media);
}

static void
describe_thumbnail (GtkWidget          *button,
                    QtrMediaAttachment *media,
                    gboolean            hidden)
{
  const char *description = qtr_media_attachment_get_description (media);
  const char *label;

  if (hidden)
    label = _("Sensitive media, hidden: activate to show");
  else if (description != NULL && *description != '\0')
    label = description;
  else
    label = _("Media without a description");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_set_tooltip_text (button, hidden ? _("Show sensitive media") : description);
}

static void
load_thumbnail (QtrStatusRow *self,
                GtkWidget    *button)
{
  QtrMediaAttachment *media = g_object_get_data (G_OBJECT (button), "qtr-media");
  GtkWidget *overlay = gtk_button_get_child (GTK_BUTTON (button));
  GtkWidget *picture = gtk_overlay_get_child (GTK_OVERLAY (overlay));
  const char *url = media_url (media);

  if (url != NULL)
    qtr_image_loader_load_async (self->loader, url, self->cancellable, picture_loaded_cb,
                                 g_object_ref (picture));
}

static void
thumbnail_clicked_cb (GtkWidget    *button,
                      QtrStatusRow *self)
{
  QtrMediaAttachment *media = g_object_get_data (G_OBJECT (button), "qtr-media");
  GtkWidget *cover = g_object_get_data (G_OBJECT (button), "qtr-cover");
  guint index;

  if (cover != NULL)
    {
      /* The first click on sensitive media shows it. */
      gtk_overlay_remove_overlay (GTK_OVERLAY (gtk_button_get_child (GTK_BUTTON (button))),
                                  cover);
      g_object_set_data (G_OBJECT (button), "qtr-cover", NULL);
      gtk_widget_remove_css_class (button, "hidden-media");
      describe_thumbnail (button, media, FALSE);
      load_thumbnail (self, button);
      return;
    }
  /* The viewer, at this attachment among the post's. */
  if (get_shown (self) != NULL &&
      g_ptr_array_find (qtr_status_get_media_attachments (get_shown (self)), media, &index))
    qtr_media_viewer_show (GTK_WIDGET (self), qtr_status_get_media_attachments (get_shown (self)),
                           index);
}

/* Media are built here rather than in the template: their number is the post's. */
static GtkWidget *
make_thumbnail (QtrStatusRow       *self,
                QtrMediaAttachment *media,
                gboolean            sensitive)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *picture = gtk_picture_new ();

  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, -1, 120);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);
  gtk_button_set_child (GTK_BUTTON (button), overlay);
  gtk_widget_add_css_class (button, "media-thumbnail");
  gtk_widget_set_hexpand (button, TRUE);
  g_object_set_data_full (G_OBJECT (button), "qtr-media", g_object_ref (media), g_object_unref);
  g_signal_connect_object (button, "clicked", G_CALLBACK (thumbnail_clicked_cb), self, 0);

  if (sensitive)
    {
      GtkWidget *cover = gtk_label_new (_("Sensitive Media"));

      gtk_widget_add_css_class (cover, "media-cover");
      gtk_widget_set_hexpand (cover, TRUE);
      gtk_widget_set_vexpand (cover, TRUE);
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), cover);
      g_object_set_data (G_OBJECT (button), "qtr-cover", cover);
      gtk_widget_add_css_class (button, "hidden-media");
    }
  describe_thumbnail (button, media, sensitive);
  if (!sensitive)
    load_thumbnail (self, button);
  return button;
}

static void
clear_media (QtrStatusRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->media_grid))) != NULL)
    gtk_grid_remove (self->media_grid, child);
  gtk_widget_set_visible (GTK_WIDGET (self->media_grid), FALSE);
}

static void
show_media (QtrStatusRow *self,
            QtrStatus    *shown)
{
  GPtrArray *media = qtr_status_get_media_attachments (shown);
  guint n = media != NULL ? MIN (media->len, MAX_MEDIA) : 0;

  for (guint i = 0; i < n; i++)
    gtk_grid_attach (self->media_grid,
                     make_thumbnail (self, media->pdata[i],
                                     qtr_status_get_sensitive (shown) &&
                                     !qtr_preferences_get_show_sensitive_media ()),
                     i % 2, i / 2, 1, 1);
  gtk_widget_set_visible (GTK_WIDGET (self->media_grid), n > 0);
}

/* The line above a boost or a reply. */
static char *
describe_context (QtrStatus   *status,
                  const char **icon_name)
{
  QtrStatus *shown = qtr_status_get_shown (status);
  const char *reply_to = qtr_status_get_in_reply_to_account_id (shown);
  GPtrArray *mentions;

  if (qtr_status_get_reblog (status) != NULL)
    {
      *icon_name = "media-playlist-repeat-symbolic";
      /* Translators: %s is the name of who boosted the post */
      return g_strdup_printf (_("%s boosted"),
                              qtr_account_get_name (qtr_status_get_account (status)));
    }
  if (qtr_status_get_in_reply_to_id (shown) == NULL)
    return NULL;

  *icon_name = "mail-reply-sender-symbolic";
  if (reply_to != NULL &&
      g_strcmp0 (reply_to, qtr_account_get_id (qtr_status_get_account (shown))) == 0)
    return g_strdup (_("Continued a thread"));
  mentions = qtr_status_get_mentions (shown);
  for (guint i = 0; reply_to != NULL && mentions != NULL && i < mentions->len; i++)
    {
      QtrMention *mention = mentions->pdata[i];

      if (g_strcmp0 (mention->id, reply_to) == 0)
        /* Translators: %s is a handle, like @alice@example.org */
        return g_strdup_printf (_("Replying to @%s"), mention->acct);
    }
  return g_strdup (_("Replying to a post"));
}

static void
load_avatar (QtrStatusRow *self,
             QtrAccount   *account)
{
  const char *url = qtr_account_get_avatar_static (account);
  g_autoptr(GdkPaintable) cached = NULL;

  if (url == NULL)
    url = qtr_account_get_avatar (account);
  adw_avatar_set_custom_image (self->avatar, NULL);
  if (url == NULL)
    return;
  /* A cached avatar shows in the same frame as the row, without flashing the initials. */
  if ((cached = qtr_image_loader_lookup (self->loader, url)) != NULL)
    adw_avatar_set_custom_image (self->avatar, cached);
  else
    qtr_image_loader_load_async (self->loader, url, self->cancellable, avatar_loaded_cb, self);
}

static void
bind_status (QtrStatusRow *self)
{
  QtrStatus *shown = get_shown (self);
  QtrAccount *account;
  g_autofree char *handle = NULL;
  g_autofree char *context = NULL;
  g_autofree char *markup = NULL;
  const char *icon_name = NULL;
  const char *warning;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  clear_media (self);
  qtr_poll_view_set_status (self->poll_view, NULL);
  qtr_status_actions_set_status (self->actions, self->status);
  if (shown == NULL)
    {
      update_accessible (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  account = qtr_status_get_account (shown);

  context = describe_context (self->status, &icon_name);
  gtk_widget_set_visible (self->context_box, context != NULL);
  gtk_label_set_label (self->context_label, context);
  gtk_image_set_from_icon_name (self->context_icon, icon_name);

  handle = format_handle (account);
  gtk_label_set_label (self->name_label, qtr_account_get_name (account));
  gtk_label_set_label (self->handle_label, handle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->handle_label), handle);
  adw_avatar_set_text (self->avatar, qtr_account_get_name (account));
  load_avatar (self, account);
  update_time (self);

  markup = qtr_html_to_markup (qtr_status_get_content (shown), &self->links);
  gtk_label_set_markup (self->content_label, markup);
  gtk_widget_set_visible (GTK_WIDGET (self->content_label), *markup != '\0');

  warning = qtr_status_get_spoiler_text (shown);
  gtk_widget_set_visible (self->warning_box, warning != NULL && *warning != '\0');
  gtk_label_set_label (self->warning_label, warning);
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  /* A recycled row takes its new state at once, without sliding. */
  gtk_revealer_set_transition_type (self->content_revealer, GTK_REVEALER_TRANSITION_TYPE_NONE);
  gtk_revealer_set_reveal_child (self->content_revealer, warning == NULL || *warning == '\0');
  gtk_revealer_set_transition_type (self->content_revealer,
                                    GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);

  show_media (self, shown);
  qtr_poll_view_set_status (self->poll_view, shown);
  gtk_widget_set_visible (GTK_WIDGET (self->poll_view), qtr_status_get_poll (shown) != NULL);
  update_accessible (self);
}

static gboolean
content_label_activate_link_cb (QtrStatusRow *self,
                                const char   *uri)
{
  return qtr_status_row_activate_link (self, uri);
}

/* A click on the avatar or the name: the author's profile. */
static void
author_pressed_cb (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   QtrStatusRow    *self)
{
  QtrStatus *shown = get_shown (self);

  if (shown == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  g_signal_emit (self, signals[PROFILE_ACTIVATED], 0, qtr_status_get_account (shown));
}

static void
reveal_button_toggled_cb (QtrStatusRow *self)
{
  gboolean revealed = gtk_toggle_button_get_active (self->reveal_button);

  gtk_revealer_set_reveal_child (self->content_revealer, revealed);
  gtk_button_set_label (GTK_BUTTON (self->reveal_button),
                        revealed ? _("Show Less") : _("Show More"));
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT_REVEALED]);
}

static void
qtr_status_row_map (GtkWidget *widget)
{
  QtrStatusRow *self = QTR_STATUS_ROW (widget);
  QtrClock *clock = qtr_clock_get_default ();

  GTK_WIDGET_CLASS (qtr_status_row_parent_class)->map (widget);

  qtr_clock_hold (clock);
  self->tick_id = g_signal_connect_swapped (clock, "tick", G_CALLBACK (clock_ticked_cb), self);
  /* Time went on while it was off screen. */
  clock_ticked_cb (self);
}

static void
qtr_status_row_unmap (GtkWidget *widget)
{
  QtrStatusRow *self = QTR_STATUS_ROW (widget);
  QtrClock *clock = qtr_clock_get_default ();

  g_clear_signal_handler (&self->tick_id, clock);
  qtr_clock_release (clock);

  GTK_WIDGET_CLASS (qtr_status_row_parent_class)->unmap (widget);
}

static void
qtr_status_row_dispose (GObject *object)
{
  QtrStatusRow *self = QTR_STATUS_ROW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* AdwBin keeps its child apart from the template's: let it go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_STATUS_ROW);
  g_clear_object (&self->status);
  g_clear_object (&self->loader);
  g_clear_pointer (&self->links, g_ptr_array_unref);

  G_OBJECT_CLASS (qtr_status_row_parent_class)->dispose (object);
}

static void
qtr_status_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QtrStatusRow *self = QTR_STATUS_ROW (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_object (value, self->status);
      break;
    case PROP_IMAGE_LOADER:
      g_value_set_object (value, self->loader);
      break;
    case PROP_CONTENT_REVEALED:
      g_value_set_boolean (value, qtr_status_row_get_content_revealed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_status_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  QtrStatusRow *self = QTR_STATUS_ROW (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      qtr_status_row_set_status (self, g_value_get_object (value));
      break;
    case PROP_IMAGE_LOADER:
      qtr_status_row_set_image_loader (self, g_value_get_object (value));
      break;
    case PROP_CONTENT_REVEALED:
      qtr_status_row_set_content_revealed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_status_row_class_init (QtrStatusRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_status_row_dispose;
  object_class->get_property = qtr_status_row_get_property;
  object_class->set_property = qtr_status_row_set_property;
  widget_class->map = qtr_status_row_map;
  widget_class->unmap = qtr_status_row_unmap;

  properties[PROP_STATUS] =
    g_param_spec_object ("status", NULL, NULL, QTR_TYPE_STATUS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMAGE_LOADER] =
    g_param_spec_object ("image-loader", NULL, NULL, QTR_TYPE_IMAGE_LOADER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTENT_REVEALED] =
    g_param_spec_boolean ("content-revealed", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QtrStatusRow::mention-activated:
   * @url: the mentioned account's profile URL
   *
   * A mention in the content was clicked: open the profile in the app.
   */
  signals[MENTION_ACTIVATED] =
    g_signal_new ("mention-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * QtrStatusRow::hashtag-activated:
   * @name: the hashtag, without `#`
   *
   * A hashtag in the content was clicked: open its timeline in the app.
   */
  signals[HASHTAG_ACTIVATED] =
    g_signal_new ("hashtag-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (QTR_TYPE_POLL_VIEW);
  /**
   * QtrStatusRow::profile-activated:
   * @account: the #QtrAccount of the post's author
   *
   * The avatar or the name was clicked: open the profile in the app.
   */
  signals[PROFILE_ACTIVATED] =
    g_signal_new ("profile-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-status-row.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, context_box);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, context_icon);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, context_label);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, handle_label);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, warning_box);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, warning_label);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, content_revealer);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, content_label);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, media_grid);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, poll_view);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusRow, actions);
  gtk_widget_class_bind_template_callback (widget_class, content_label_activate_link_cb);
  gtk_widget_class_bind_template_callback (widget_class, reveal_button_toggled_cb);
  gtk_widget_class_set_css_name (widget_class, "statusrow");
}

static void
qtr_status_row_init (QtrStatusRow *self)
{
  GtkWidget *author_widgets[2];

  g_type_ensure (QTR_TYPE_STATUS_ACTIONS);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->loader = g_object_ref (qtr_image_loader_get_default ());
  author_widgets[0] = GTK_WIDGET (self->avatar);
  author_widgets[1] = GTK_WIDGET (self->name_label);
  for (guint i = 0; i < G_N_ELEMENTS (author_widgets); i++)
    {
      GtkGesture *click = gtk_gesture_click_new ();

      g_signal_connect_object (click, "released", G_CALLBACK (author_pressed_cb), self, 0);
      gtk_widget_add_controller (author_widgets[i], GTK_EVENT_CONTROLLER (click));
      gtk_widget_set_cursor_from_name (author_widgets[i], "pointer");
    }
}

/**
 * qtr_status_row_new:
 *
 * Returns: (transfer floating): a row bound to no status yet
 */
GtkWidget *
qtr_status_row_new (void)
{
  return g_object_new (QTR_TYPE_STATUS_ROW, NULL);
}

/**
 * qtr_status_row_get_status:
 *
 * Returns: (transfer none) (nullable): the status the row shows
 */
QtrStatus *
qtr_status_row_get_status (QtrStatusRow *self)
{
  g_return_val_if_fail (QTR_IS_STATUS_ROW (self), NULL);

  return self->status;
}

/**
 * qtr_status_row_set_status:
 * @status: (nullable): the status to show; %NULL unbinds the row (and cancels its image loads)
 */
void
qtr_status_row_set_status (QtrStatusRow *self,
                           QtrStatus    *status)
{
  g_return_if_fail (QTR_IS_STATUS_ROW (self));
  g_return_if_fail (status == NULL || QTR_IS_STATUS (status));

  if (!g_set_object (&self->status, status))
    return;
  bind_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/**
 * qtr_status_row_get_image_loader:
 *
 * Returns: (transfer none): where the row gets its images (the shared loader unless set)
 */
QtrImageLoader *
qtr_status_row_get_image_loader (QtrStatusRow *self)
{
  g_return_val_if_fail (QTR_IS_STATUS_ROW (self), NULL);

  return self->loader;
}

/**
 * qtr_status_row_set_image_loader:
 * @loader: (nullable): where to get avatars and media; %NULL for the shared one
 */
void
qtr_status_row_set_image_loader (QtrStatusRow   *self,
                                 QtrImageLoader *loader)
{
  g_return_if_fail (QTR_IS_STATUS_ROW (self));

  if (loader == NULL)
    loader = qtr_image_loader_get_default ();
  if (!g_set_object (&self->loader, loader))
    return;
  bind_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_LOADER]);
}

/**
 * qtr_status_row_get_content_revealed:
 *
 * Returns: whether the content shows: always without a content warning, after "Show More"
 *   with one
 */
gboolean
qtr_status_row_get_content_revealed (QtrStatusRow *self)
{
  g_return_val_if_fail (QTR_IS_STATUS_ROW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->content_revealer);
}

/**
 * qtr_status_row_set_content_revealed:
 *
 * Reveals or collapses the content behind the content warning, as its button does.
 */
void
qtr_status_row_set_content_revealed (QtrStatusRow *self,
                                     gboolean      revealed)
{
  g_return_if_fail (QTR_IS_STATUS_ROW (self));

  if (!gtk_widget_get_visible (self->warning_box))
    return;
  gtk_toggle_button_set_active (self->reveal_button, revealed);
}

/**
 * qtr_status_row_dup_accessible_text:
 *
 * Returns: (transfer full): what a screen reader reads for the row (its accessible label):
 *   the author, the time, the boost or reply, then the content warning while it hides the
 *   content, or the text
 */
char *
qtr_status_row_dup_accessible_text (QtrStatusRow *self)
{
  QtrStatus *shown;
  QtrAccount *account;
  GString *text;
  g_autofree char *handle = NULL;
  g_autofree char *context = NULL;
  const char *icon_name = NULL;
  const char *warning;
  GPtrArray *media;

  g_return_val_if_fail (QTR_IS_STATUS_ROW (self), NULL);

  shown = get_shown (self);
  if (shown == NULL)
    return g_strdup ("");

  account = qtr_status_get_account (shown);
  handle = format_handle (account);
  text = g_string_new (NULL);
  /* Translators: how a screen reader starts reading a post: name and handle of its author */
  g_string_append_printf (text, _("%s (%s)"), qtr_account_get_name (account), handle);
  if (qtr_status_get_created_at (shown) != NULL)
    {
      g_autoptr(GDateTime) now = qtr_clock_get_now (qtr_clock_get_default ());
      g_autofree char *when = qtr_format_relative_time_long (qtr_status_get_created_at (shown),
                                                             now);

      g_string_append_printf (text, ", %s", when);
    }
  g_string_append (text, ". ");
  context = describe_context (self->status, &icon_name);
  if (context != NULL)
    g_string_append_printf (text, "%s. ", context);

  warning = qtr_status_get_spoiler_text (shown);
  if (warning != NULL && *warning != '\0')
    /* Translators: read before the content warning of a post */
    g_string_append_printf (text, _("Content warning: %s. "), warning);
  if (qtr_status_row_get_content_revealed (self))
    {
      g_autofree char *plain = qtr_html_to_text (qtr_status_get_content (shown));

      g_string_append (text, plain);
      media = qtr_status_get_media_attachments (shown);
      if (media != NULL && media->len > 0)
        {
          if (*plain != '\0')
            g_string_append (text, " ");
          g_string_append_printf (text, ngettext ("%u attachment.", "%u attachments.",
                                                  media->len), media->len);
        }
    }
  return g_strstrip (g_string_free (text, FALSE));
}

/**
 * qtr_status_row_activate_link:
 * @uri: a link of the content
 *
 * Does what clicking the link does: a mention emits ::mention-activated, a hashtag
 * ::hashtag-activated, and any other link opens in the browser.
 *
 * Returns: %TRUE when the link was handled (always, for a link of the content)
 */
gboolean
qtr_status_row_activate_link (QtrStatusRow *self,
                              const char   *uri)
{
  QtrStatus *shown;

  g_return_val_if_fail (QTR_IS_STATUS_ROW (self), FALSE);

  shown = get_shown (self);
  for (guint i = 0; self->links != NULL && i < self->links->len; i++)
    {
      QtrHtmlLink *link = self->links->pdata[i];

      if (g_strcmp0 (link->href, uri) != 0)
        continue;
      if (link->kind == QTR_HTML_LINK_MENTION)
        {
          g_signal_emit (self, signals[MENTION_ACTIVATED], 0, link->href);
          return TRUE;
        }
      if (link->kind == QTR_HTML_LINK_HASHTAG)
        {
          GPtrArray *tags = qtr_status_get_tags (shown);
          const char *name = link->text[0] == '#' ? link->text + 1 : link->text;

          /* The server's own name for the tag, when it lists it. */
          for (guint j = 0; tags != NULL && j < tags->len; j++)
            {
              QtrTag *tag = tags->pdata[j];

              if (g_strcmp0 (tag->url, link->href) == 0 || g_ascii_strcasecmp (tag->name, name) == 0)
                {
                  name = tag->name;
                  break;
                }
            }
          g_signal_emit (self, signals[HASHTAG_ACTIVATED], 0, name);
          return TRUE;
        }
      break;
    }
  qtr_open_uri (GTK_WIDGET (self), uri);
  return TRUE;
}

/**
 * qtr_status_row_get_actions:
 *
 * Returns: (transfer none): the bar of the post's actions (reply, boost, favourite…)
 */
QtrStatusActions *
qtr_status_row_get_actions (QtrStatusRow *self)
{
  g_return_val_if_fail (QTR_IS_STATUS_ROW (self), NULL);

  return self->actions;
}
