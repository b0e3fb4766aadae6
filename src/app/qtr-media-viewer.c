/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-media-viewer.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "qtr-open-uri.h"
#include "qtr-preferences-window.h"

/* QtrMediaViewer: a post's attachments, one at a time, in a window of their own over the main
 * window (opened by a click on a thumbnail).
 *
 * Images show whole, fitted to the window; zoom with Ctrl+plus and Ctrl+minus (Ctrl+0 fits
 * again), Ctrl with the scroll wheel or a pinch on a touchpad or screen: the picture is then
 * sized by the zoom inside a scrolled window. The full image comes through a QtrImageLoader of
 * its own, with a larger bound than the timelines' (the thumbnail shows while it loads).
 * Videos, gifv and audio play in a GtkVideo when GTK has a media backend that can play them;
 * otherwise the preview shows with an "Open in Browser" button: nothing pretends to play.
 * Previous and next (the buttons, Left and Right) go through the post's attachments. The alt
 * text shows under the media and is the picture's accessible description. "Save As…" copies
 * the file as the server sent it; Escape closes. */

/* What Save As downloads at most. */
#define MAX_SAVE_BYTES (512 * 1024 * 1024)

struct _QtrMediaViewer
{
  AdwWindow       parent_instance;

  GPtrArray      *media;        /* QtrMediaAttachment */
  guint           index;
  double          zoom;         /* 0: fitted to the window */
  double          pinch_base;
  QtrImageLoader *loader;
  GCancellable   *cancellable;  /* of the shown attachment's loads */
  GtkFileChooserNative *chooser;

  /* Template widgets */
  AdwWindowTitle    *window_title;
  GtkWidget         *zoom_box;
  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  GtkPicture        *picture;
  GtkVideo          *video;
  GtkPicture        *preview_picture;
  GtkLabel          *unplayable_label;
  GtkLabel          *description_label;
};

G_DEFINE_FINAL_TYPE (QtrMediaViewer, qtr_media_viewer, ADW_TYPE_WINDOW)

static QtrImageLoader *
get_viewer_loader (void)
{
  static QtrImageLoader *loader;

  if (loader == NULL)
    loader = qtr_image_loader_new (QTR_MEDIA_VIEWER_CACHE_BYTES);
  return loader;
}

static const char *
media_full_url (QtrMediaAttachment *media)
{
  const char *url = qtr_media_attachment_get_url (media);

  return url != NULL ? url : qtr_media_attachment_get_remote_url (media);
}

static const char *
media_preview_url (QtrMediaAttachment *media)
{
  const char *url = qtr_media_attachment_get_preview_url (media);

  return url != NULL ? url : qtr_media_attachment_get_url (media);
}

static gboolean
is_playable_type (QtrMediaAttachment *media)
{
  const char *type = qtr_media_attachment_get_media_type (media);

  return g_strcmp0 (type, "video") == 0 || g_strcmp0 (type, "gifv") == 0 ||
         g_strcmp0 (type, "audio") == 0;
}

/* The scale at which the image fits the window (never above its own size). */
static double
fit_scale (QtrMediaViewer *self)
{
  GdkPaintable *paintable = gtk_picture_get_paintable (self->picture);
  int width = gtk_widget_get_width (GTK_WIDGET (self->scrolled_window));
  int height = gtk_widget_get_height (GTK_WIDGET (self->scrolled_window));
  int image_width, image_height;

  if (paintable == NULL)
    return 1.0;
  image_width = gdk_paintable_get_intrinsic_width (paintable);
  image_height = gdk_paintable_get_intrinsic_height (paintable);
  if (image_width <= 0 || image_height <= 0 || width <= 0 || height <= 0)
    return 1.0;
  return MIN (1.0, MIN ((double) width / image_width, (double) height / image_height));
}

static void
apply_zoom (QtrMediaViewer *self)
{
  GdkPaintable *paintable = gtk_picture_get_paintable (self->picture);

  if (self->zoom <= 0 || paintable == NULL)
    {
      gtk_widget_set_size_request (GTK_WIDGET (self->picture), -1, -1);
      return;
    }
  gtk_widget_set_size_request (GTK_WIDGET (self->picture),
                               (int) (gdk_paintable_get_intrinsic_width (paintable) * self->zoom),
                               (int) (gdk_paintable_get_intrinsic_height (paintable) * self->zoom));
}

static void
zoom_by (QtrMediaViewer *self,
         double          factor)
{
  double base = self->zoom > 0 ? self->zoom : fit_scale (self);

  qtr_media_viewer_set_zoom (self, base * factor);
}

static void
picture_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GError) error = NULL;
  QtrMediaViewer *self;

  paintable = qtr_image_loader_load_finish (QTR_IMAGE_LOADER (source), result, &error);
  if (paintable == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s", error->message);
      return;
    }
  gtk_picture_set_paintable (picture, paintable);
  self = QTR_MEDIA_VIEWER (gtk_widget_get_ancestor (GTK_WIDGET (picture),
                                                    QTR_TYPE_MEDIA_VIEWER));
  if (self != NULL)
    apply_zoom (self);
}

/* The thumbnail at once, if it is at hand; the image from @loader then. */
static void
load_picture (QtrMediaViewer *self,
              GtkPicture     *picture,
              const char     *url,
              const char     *preview_url)
{
  g_autoptr(GdkPaintable) cached = NULL;
  g_autoptr(GdkPaintable) preview = NULL;

  if (url != NULL && (cached = qtr_image_loader_lookup (self->loader, url)) != NULL)
    {
      gtk_picture_set_paintable (picture, cached);
      return;
    }
  if (preview_url != NULL)
    preview = qtr_image_loader_lookup (qtr_image_loader_get_default (), preview_url);
  gtk_picture_set_paintable (picture, preview);
  if (url != NULL)
    qtr_image_loader_load_async (self->loader, url, self->cancellable, picture_loaded_cb,
                                 g_object_ref (picture));
}

static void
show_unplayable (QtrMediaViewer *self,
                 const char     *reason)
{
  QtrMediaAttachment *media = qtr_media_viewer_get_media (self);

  gtk_video_set_media_stream (self->video, NULL);
  gtk_label_set_text (self->unplayable_label, reason);
  load_picture (self, self->preview_picture, qtr_media_attachment_get_preview_url (media), NULL);
  gtk_stack_set_visible_child_name (self->stack, "unplayable");
  gtk_widget_set_visible (self->zoom_box, FALSE);
}

static void
stream_error_changed_cb (QtrMediaViewer *self,
                         GParamSpec     *pspec,
                         GtkMediaStream *stream)
{
  const GError *error = gtk_media_stream_get_error (stream);

  if (error == NULL || gtk_video_get_media_stream (self->video) != stream)
    return;
  g_debug ("The media cannot play: %s", error->message);
  show_unplayable (self, _("This media cannot be played here. Open it in the browser to play "
                           "it."));
}

static void
show_playable (QtrMediaViewer     *self,
               QtrMediaAttachment *media)
{
  const char *url = media_full_url (media);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GtkMediaStream) stream = NULL;

  if (url == NULL)
    {
      show_unplayable (self, _("The server gave no address for this media."));
      return;
    }
  file = g_file_new_for_uri (url);
  stream = gtk_media_file_new_for_file (file);
  /* Without a media backend, GTK's stream fails at once: say so rather than show a player
   * that never plays. */
  if (gtk_media_stream_get_error (stream) != NULL)
    {
      g_debug ("No media playback: %s", gtk_media_stream_get_error (stream)->message);
      show_unplayable (self, _("Quitter cannot play media on this system (GTK has no media "
                               "backend). Open it in the browser to play it."));
      return;
    }
  gtk_media_stream_set_loop (stream, g_strcmp0 (qtr_media_attachment_get_media_type (media),
                                                "gifv") == 0);
  g_signal_connect_object (stream, "notify::error", G_CALLBACK (stream_error_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_video_set_media_stream (self->video, stream);
  /* Or it waits for the play button (Preferences). */
  if (qtr_preferences_get_autoplay_media ())
    gtk_media_stream_play (stream);
  gtk_stack_set_visible_child_name (self->stack, "video");
  gtk_widget_set_visible (self->zoom_box, FALSE);
}

static void
show_current (QtrMediaViewer *self)
{
  QtrMediaAttachment *media = qtr_media_viewer_get_media (self);
  const char *description;
  g_autofree char *position = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_video_set_media_stream (self->video, NULL);
  self->zoom = 0;
  apply_zoom (self);
  if (media == NULL)
    return;

  /* Translators: the position of the attachment shown among the post's, like "1 of 3" */
  position = g_strdup_printf (_("%u of %u"), self->index + 1, self->media->len);
  adw_window_title_set_title (self->window_title, position);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.previous", self->index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.next",
                                 self->index + 1 < self->media->len);

  description = qtr_media_attachment_get_description (media);
  if (description != NULL && *description == '\0')
    description = NULL;
  gtk_label_set_text (self->description_label, description != NULL ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), description != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description
                                                      : _("Media without a description"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  position, -1);

  if (is_playable_type (media))
    {
      show_playable (self, media);
      return;
    }
  gtk_widget_set_visible (self->zoom_box, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "image");
  load_picture (self, self->picture, media_full_url (media), media_preview_url (media));
}

static void
previous_activated_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  QtrMediaViewer *self = QTR_MEDIA_VIEWER (widget);

  if (self->index > 0)
    qtr_media_viewer_set_index (self, self->index - 1);
}

static void
next_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  QtrMediaViewer *self = QTR_MEDIA_VIEWER (widget);

  qtr_media_viewer_set_index (self, self->index + 1);
}

static void
zoom_in_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  zoom_by (QTR_MEDIA_VIEWER (widget), QTR_MEDIA_VIEWER_ZOOM_STEP);
}

static void
zoom_out_activated_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  zoom_by (QTR_MEDIA_VIEWER (widget), 1 / QTR_MEDIA_VIEWER_ZOOM_STEP);
}

static void
zoom_reset_activated_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  qtr_media_viewer_set_zoom (QTR_MEDIA_VIEWER (widget), 0);
}

static void
open_in_browser_activated_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  QtrMediaViewer *self = QTR_MEDIA_VIEWER (widget);
  QtrMediaAttachment *media = qtr_media_viewer_get_media (self);
  const char *remote = media != NULL ? qtr_media_attachment_get_remote_url (media) : NULL;

  if (media == NULL)
    return;
  /* The original on its own server, where there is one. */
  qtr_open_uri (widget, remote != NULL ? remote : media_full_url (media));
}

static void
show_save_error (QtrMediaViewer *self,
                 const GError   *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Save the Media"),
                                              NULL);

  /* Translators: %s says what went wrong */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s. Check your connection and that the folder can be "
                                    "written to, then try again."), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A Save As under way: where to, and for which viewer. The viewer is not kept alive for it (a
 * closed window must not outlive its parent): errors show while it is still there. */
typedef struct {
  GWeakRef  viewer;
  GFile    *file;
} Save;

static void
save_free (Save *save)
{
  g_weak_ref_clear (&save->viewer);
  g_object_unref (save->file);
  g_free (save);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Save, save_free)

static void
save_failed (Save         *save,
             const GError *error)
{
  g_autoptr(QtrMediaViewer) self = g_weak_ref_get (&save->viewer);

  if (self != NULL && gtk_widget_get_visible (GTK_WIDGET (self)))
    show_save_error (self, error);
  else
    g_debug ("The media was not saved: %s", error->message);
}

static void
file_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Save) save = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    save_failed (save, error);
}

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Save) save = user_data;
  GFile *file;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes != NULL && !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      g_clear_pointer (&bytes, g_bytes_unref);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The server answered %u %s"),
                   soup_message_get_status (msg), soup_message_get_reason_phrase (msg));
    }
  else if (bytes != NULL && g_bytes_get_size (bytes) > MAX_SAVE_BYTES)
    {
      g_clear_pointer (&bytes, g_bytes_unref);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The file is over %u MiB"),
                   MAX_SAVE_BYTES / (1024 * 1024));
    }
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        save_failed (save, error);
      return;
    }
  file = save->file;
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, NULL, file_written_cb,
                                       g_steal_pointer (&save));
}

/**
 * qtr_media_viewer_save_to:
 * @file: where to
 *
 * Copies the attachment shown, as the server sends it, to @file (what "Save As…" does once a
 * file is chosen). Errors show in a dialog.
 */
void
qtr_media_viewer_save_to (QtrMediaViewer *self,
                          GFile          *file)
{
  QtrMediaAttachment *media = qtr_media_viewer_get_media (self);
  const char *url = media != NULL ? media_full_url (media) : NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  Save *save;

  if (url == NULL || (msg = soup_message_new ("GET", url)) == NULL)
    return;
  session = soup_session_new ();
  save = g_new0 (Save, 1);
  g_weak_ref_init (&save->viewer, self);
  save->file = g_object_ref (file);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, downloaded_cb, save);
}

static void
chooser_response_cb (QtrMediaViewer       *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    qtr_media_viewer_save_to (self, file);
  g_clear_object (&self->chooser);
}

static void
save_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  QtrMediaViewer *self = QTR_MEDIA_VIEWER (widget);
  QtrMediaAttachment *media = qtr_media_viewer_get_media (self);
  const char *url = media != NULL ? media_full_url (media) : NULL;
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autofree char *name = NULL;

  if (url == NULL)
    return;
  if (uri != NULL)
    name = g_path_get_basename (g_uri_get_path (uri));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Save Media"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  if (name != NULL && *name != '\0' && !g_str_equal (name, "/"))
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
scrolled_cb (QtrMediaViewer           *self,
             double                    dx,
             double                    dy,
             GtkEventControllerScroll *controller)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (!(state & GDK_CONTROL_MASK) || dy == 0 ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "image") != 0)
    return FALSE;
  zoom_by (self, dy < 0 ? QTR_MEDIA_VIEWER_ZOOM_STEP : 1 / QTR_MEDIA_VIEWER_ZOOM_STEP);
  return TRUE;
}

static void
pinch_began_cb (QtrMediaViewer *self)
{
  self->pinch_base = self->zoom > 0 ? self->zoom : fit_scale (self);
}

static void
pinch_scale_changed_cb (QtrMediaViewer *self,
                        double          scale)
{
  qtr_media_viewer_set_zoom (self, self->pinch_base * scale);
}

static void
add_shortcut (GtkShortcutController *controller,
              const char            *trigger,
              const char            *action)
{
  GtkShortcutTrigger *parsed = gtk_shortcut_trigger_parse_string (trigger);

  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (parsed, gtk_named_action_new (action)));
}

static void
qtr_media_viewer_dispose (GObject *object)
{
  QtrMediaViewer *self = QTR_MEDIA_VIEWER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->video != NULL)
    gtk_video_set_media_stream (self->video, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_MEDIA_VIEWER);
  g_clear_pointer (&self->media, g_ptr_array_unref);
  g_clear_object (&self->loader);

  G_OBJECT_CLASS (qtr_media_viewer_parent_class)->dispose (object);
}

static void
qtr_media_viewer_class_init (QtrMediaViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_media_viewer_dispose;

  gtk_widget_class_install_action (widget_class, "viewer.previous", NULL, previous_activated_cb);
  gtk_widget_class_install_action (widget_class, "viewer.next", NULL, next_activated_cb);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-in", NULL, zoom_in_activated_cb);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-out", NULL, zoom_out_activated_cb);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-reset", NULL,
                                   zoom_reset_activated_cb);
  gtk_widget_class_install_action (widget_class, "viewer.open-in-browser", NULL,
                                   open_in_browser_activated_cb);
  gtk_widget_class_install_action (widget_class, "viewer.save", NULL, save_activated_cb);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-media-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrMediaViewer, window_title);
  gtk_widget_class_bind_template_child (widget_class, QtrMediaViewer, zoom_box);
  gtk_widget_class_bind_template_child (widget_class, QtrMediaViewer, stack);
  gtk_widget_class_bind_template_child (widget_class, QtrMediaViewer, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, QtrMediaViewer, picture);
  gtk_widget_class_bind_template_child (widget_class, QtrMediaViewer, video);
  gtk_widget_class_bind_template_child (widget_class, QtrMediaViewer, preview_picture);
  gtk_widget_class_bind_template_child (widget_class, QtrMediaViewer, unplayable_label);
  gtk_widget_class_bind_template_child (widget_class, QtrMediaViewer, description_label);
}

static void
qtr_media_viewer_init (QtrMediaViewer *self)
{
  GtkEventController *scroll;
  GtkGesture *zoom;
  GtkShortcutController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->loader = g_object_ref (get_viewer_loader ());
  self->media = g_ptr_array_new_with_free_func (g_object_unref);

  /* Before the focused button or the window's own arrow keys (which move the focus). */
  keys = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_event_controller_set_name (GTK_EVENT_CONTROLLER (keys), "qtr-viewer-keys");
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (keys), GTK_PHASE_CAPTURE);
  add_shortcut (keys, "Left", "viewer.previous");
  add_shortcut (keys, "Right", "viewer.next");
  add_shortcut (keys, "Escape", "window.close");
  add_shortcut (keys, "<Control>plus|<Control>equal|<Control>KP_Add", "viewer.zoom-in");
  add_shortcut (keys, "<Control>minus|<Control>KP_Subtract", "viewer.zoom-out");
  add_shortcut (keys, "<Control>0|<Control>KP_0", "viewer.zoom-reset");
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (keys));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->scrolled_window), scroll);

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect_object (zoom, "begin", G_CALLBACK (pinch_began_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (zoom, "scale-changed", G_CALLBACK (pinch_scale_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->scrolled_window), GTK_EVENT_CONTROLLER (zoom));
}

/**
 * qtr_media_viewer_new:
 * @parent: (nullable): the window it opens over (modal to it)
 * @media: (element-type QtrMediaAttachment): the post's attachments
 * @index: the one to show first
 *
 * Returns: (transfer floating): a viewer, not shown yet
 */
QtrMediaViewer *
qtr_media_viewer_new (GtkWindow *parent,
                      GPtrArray *media,
                      guint      index)
{
  QtrMediaViewer *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (media != NULL && media->len > 0, NULL);

  self = g_object_new (QTR_TYPE_MEDIA_VIEWER, NULL);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_modal (GTK_WINDOW (self), TRUE);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
    }
  for (guint i = 0; i < media->len; i++)
    g_ptr_array_add (self->media, g_object_ref (media->pdata[i]));
  self->index = MIN (index, media->len - 1);
  show_current (self);
  return self;
}

/**
 * qtr_media_viewer_show:
 * @from: the widget clicked (its window is the viewer's parent)
 * @media: (element-type QtrMediaAttachment): the post's attachments
 * @index: the one to show first
 *
 * Opens a viewer over @from's window.
 *
 * Returns: (transfer none): the viewer (the window list keeps it until it closes)
 */
QtrMediaViewer *
qtr_media_viewer_show (GtkWidget *from,
                       GPtrArray *media,
                       guint      index)
{
  GtkRoot *root = gtk_widget_get_root (from);
  QtrMediaViewer *self = qtr_media_viewer_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               media, index);

  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/**
 * qtr_media_viewer_set_image_loader:
 * @loader: (nullable): where the full images come from; %NULL for the viewer's own
 */
void
qtr_media_viewer_set_image_loader (QtrMediaViewer *self,
                                   QtrImageLoader *loader)
{
  g_return_if_fail (QTR_IS_MEDIA_VIEWER (self));

  if (loader == NULL)
    loader = get_viewer_loader ();
  g_set_object (&self->loader, loader);
  show_current (self);
}

guint
qtr_media_viewer_get_index (QtrMediaViewer *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_VIEWER (self), 0);

  return self->index;
}

guint
qtr_media_viewer_get_n_media (QtrMediaViewer *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_VIEWER (self), 0);

  return self->media->len;
}

/**
 * qtr_media_viewer_set_index:
 *
 * Shows the attachment at @index (nothing happens past the last one).
 */
void
qtr_media_viewer_set_index (QtrMediaViewer *self,
                            guint           index)
{
  g_return_if_fail (QTR_IS_MEDIA_VIEWER (self));

  if (index >= self->media->len || index == self->index)
    return;
  self->index = index;
  show_current (self);
}

/**
 * qtr_media_viewer_get_media:
 *
 * Returns: (transfer none) (nullable): the attachment shown
 */
QtrMediaAttachment *
qtr_media_viewer_get_media (QtrMediaViewer *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_VIEWER (self), NULL);

  return self->index < self->media->len ? self->media->pdata[self->index] : NULL;
}

/**
 * qtr_media_viewer_get_zoom:
 *
 * Returns: the image's scale, or 0 while it is fitted to the window
 */
double
qtr_media_viewer_get_zoom (QtrMediaViewer *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_VIEWER (self), 0);

  return self->zoom;
}

/**
 * qtr_media_viewer_set_zoom:
 * @zoom: the scale of the image (kept between QTR_MEDIA_VIEWER_MIN_ZOOM and
 *   QTR_MEDIA_VIEWER_MAX_ZOOM), or 0 to fit it to the window
 */
void
qtr_media_viewer_set_zoom (QtrMediaViewer *self,
                           double          zoom)
{
  g_return_if_fail (QTR_IS_MEDIA_VIEWER (self));

  self->zoom = zoom <= 0 ? 0 : CLAMP (zoom, QTR_MEDIA_VIEWER_MIN_ZOOM, QTR_MEDIA_VIEWER_MAX_ZOOM);
  apply_zoom (self);
}

/**
 * qtr_media_viewer_get_shown:
 *
 * Returns: what shows: "image", "video" (playing in GTK), or "unplayable" (the preview and
 *   an "Open in Browser" button)
 */
const char *
qtr_media_viewer_get_shown (QtrMediaViewer *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_VIEWER (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * qtr_media_viewer_get_picture:
 *
 * Returns: (transfer none): the picture of an image
 */
GtkPicture *
qtr_media_viewer_get_picture (QtrMediaViewer *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_VIEWER (self), NULL);

  return self->picture;
}

/**
 * qtr_media_viewer_get_description:
 *
 * Returns: the alt text shown under the media ("" without one)
 */
const char *
qtr_media_viewer_get_description (QtrMediaViewer *self)
{
  g_return_val_if_fail (QTR_IS_MEDIA_VIEWER (self), NULL);

  return gtk_label_get_text (self->description_label);
}
