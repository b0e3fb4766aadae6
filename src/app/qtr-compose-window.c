/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-compose-window.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qtr-api-error.h"
#include "qtr-image-loader.h"
#include "qtr-json.h"
#include "qtr-media-attachment.h"
#include "qtr-post-length.h"
#include "qtr-status-row.h"
#include "qtr-window.h"

/* QtrComposeWindow: a post being written, in a window of its own (several may be open).
 *
 * The text is counted as the server counts it (links 23, remote mentions by their local part)
 * against the server's limit; over it the counter turns red and Send is off. Images are
 * uploaded as soon as they are added (POST /api/v2/media; a 202 is polled until the file is
 * ready), each with its progress, thumbnail, alt text (PUT /api/v1/media/:id) and a button to
 * remove it.
 *
 * Everything is kept as a draft in the account's drafts.db half a second after each change, with
 * the UUID sent as the post's Idempotency-Key: a crash loses nothing, and sending again after an
 * answer that got lost does not post twice. The draft goes once the server took the post; a
 * refused or unsent post keeps the window open with the server's reason.
 *
 * The same window edits an own post (its source from GET /api/v1/statuses/:id/source, sent
 * with PUT) and redrafts a deleted one (DELETE answers with the text and its media). */

#define SAVE_DELAY_MS 500
#define COMPLETION_DELAY_MS 300
#define MEDIA_POLL_INTERVAL_MS 1000
#define MEDIA_POLL_MAX_TRIES 120
#define MAX_COMPLETIONS 6

typedef enum {
  MODE_NEW,
  MODE_EDIT,
} Mode;

/* Visibilities from the most public to the most private, as the dropdown lists them. */
static const struct {
  const char *id;
  const char *icon;
  const char *label;
} visibilities[] = {
  { "public", "network-workgroup-symbolic", N_("Public") },
  { "unlisted", "changes-allow-symbolic", N_("Unlisted") },
  { "private", "changes-prevent-symbolic", N_("Followers Only") },
  { "direct", "mail-unread-symbolic", N_("Mentioned Only") },
};

/* Languages offered when the server does not list its own: ISO 639-1 codes with their names
 * in the language itself, which read the same whatever the UI's language. */
static const struct {
  const char *code;
  const char *name;
} languages[] = {
  { "ar", "العربية" }, { "bg", "Български" }, { "ca", "Català" }, { "cs", "Čeština" },
  { "cy", "Cymraeg" }, { "da", "Dansk" }, { "de", "Deutsch" }, { "el", "Ελληνικά" },
  { "en", "English" }, { "eo", "Esperanto" }, { "es", "Español" }, { "et", "Eesti" },
  { "eu", "Euskara" }, { "fa", "فارسی" }, { "fi", "Suomi" }, { "fr", "Français" },
  { "ga", "Gaeilge" }, { "gl", "Galego" }, { "he", "עברית" }, { "hi", "हिन्दी" },
  { "hr", "Hrvatski" }, { "hu", "Magyar" }, { "id", "Bahasa Indonesia" }, { "is", "Íslenska" },
  { "it", "Italiano" }, { "ja", "日本語" }, { "ko", "한국어" }, { "lt", "Lietuvių" },
  { "lv", "Latviešu" }, { "nb", "Norsk bokmål" }, { "nl", "Nederlands" }, { "nn", "Nynorsk" },
  { "pl", "Polski" }, { "pt", "Português" }, { "ro", "Română" }, { "ru", "Русский" },
  { "sk", "Slovenčina" }, { "sl", "Slovenščina" }, { "sr", "Српски" }, { "sv", "Svenska" },
  { "th", "ไทย" }, { "tr", "Türkçe" }, { "uk", "Українська" }, { "vi", "Tiếng Việt" },
  { "zh", "中文" },
};

/* Poll durations of the dropdown, in seconds. */
static const gint64 poll_durations[] = {
  5 * 60, 30 * 60, 60 * 60, 6 * 60 * 60, 24 * 60 * 60, 3 * 24 * 60 * 60, 7 * 24 * 60 * 60,
};

typedef struct _Attachment Attachment;

struct _QtrComposeWindow
{
  AdwWindow        parent_instance;

  QtrApiClient    *client;
  QtrServerInfo   *server_info;    /* nullable */
  QtrDrafts       *drafts;         /* nullable: then nothing is kept */
  char            *account_id;     /* nullable: the own account's id */
  QtrDraft        *draft;
  QtrStatus       *in_reply_to;    /* nullable */
  Mode             mode;
  GPtrArray       *attachments;    /* Attachment, in order */
  GCancellable    *cancellable;
  guint            save_source;
  gboolean         sending;
  gboolean         loading;        /* an edit's source or a redraft still on its way */
  gboolean         restoring;      /* widgets being filled: no save, no completion */
  gboolean         discarded;
  GPtrArray       *language_codes; /* the language dropdown's codes, in order */
  GHashTable      *language_names; /* code → name, as the server names its languages */
  char            *error_text;
  char            *prefill;          /* what a reply or an edit starts with: not yet a draft */
  char            *prefill_spoiler;
  guint            n_prefill_media;

  GtkPopover      *completion_popover;
  GtkListBox      *completion_list;
  guint            completion_source;
  GCancellable    *completion_cancellable;
  int              completion_start;  /* offset of the `@` or `#`, or -1 */

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkButton       *send_button;
  GtkRevealer     *error_revealer;
  GtkLabel        *error_label;
  GtkBox          *reply_box;
  GtkEntry        *cw_entry;
  GtkTextView     *text_view;
  GtkFlowBox      *media_box;
  GtkCheckButton  *sensitive_check;
  GtkBox          *poll_box;
  GtkEntry        *poll_entry1;
  GtkEntry        *poll_entry2;
  GtkEntry        *poll_entry3;
  GtkEntry        *poll_entry4;
  GtkDropDown     *poll_duration;
  GtkCheckButton  *poll_multiple;
  GtkButton       *attach_button;
  GtkToggleButton *poll_button;
  GtkToggleButton *cw_button;
  GtkDropDown     *visibility_dropdown;
  GtkDropDown     *language_dropdown;
  GtkLabel        *counter_label;
};

/* One image: being read, uploaded, or on the server. Callbacks hold a reference; once removed
 * from the window its window pointer is cleared and they do nothing. */
struct _Attachment
{
  QtrComposeWindow *window;
  char             *path;         /* nullable: restored media known only by their URL */
  char             *id;           /* once uploaded */
  char             *url;
  char             *description;
  gboolean          uploading;
  gboolean          failed;
  guint             poll_source;
  guint             n_polls;
  GCancellable     *cancellable;
  GtkWidget        *tile;
  GtkPicture       *picture;
  GtkProgressBar   *progress;
  GtkWidget        *alt_button;
};

enum {
  SIGNAL_SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrComposeWindow, qtr_compose_window, ADW_TYPE_WINDOW)

static void schedule_save (QtrComposeWindow *self);
static void update_state  (QtrComposeWindow *self);
static void upload (Attachment *attachment,
                    GBytes     *bytes);

static Attachment *
attachment_ref (Attachment *attachment)
{
  return g_rc_box_acquire (attachment);
}

static void
attachment_clear (Attachment *attachment)
{
  g_clear_handle_id (&attachment->poll_source, g_source_remove);
  g_free (attachment->path);
  g_free (attachment->id);
  g_free (attachment->url);
  g_free (attachment->description);
  g_clear_object (&attachment->cancellable);
}

static void
attachment_unref (Attachment *attachment)
{
  g_rc_box_release_full (attachment, (GDestroyNotify) attachment_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attachment, attachment_unref)

static void
attachment_closure_notify (gpointer  data,
                           GClosure *closure)
{
  attachment_unref (data);
}

/* Leaves the window: what it still does is cancelled and finds it gone. */
static void
attachment_detach (Attachment *attachment)
{
  g_cancellable_cancel (attachment->cancellable);
  g_clear_handle_id (&attachment->poll_source, g_source_remove);
  attachment->window = NULL;
  attachment_unref (attachment);
}

static char *
get_text (QtrComposeWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_text (QtrComposeWindow *self,
          const char       *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter end;

  gtk_text_buffer_set_text (buffer, text ? text : "", -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
}

static const char *
get_spoiler_text (QtrComposeWindow *self)
{
  if (!gtk_toggle_button_get_active (self->cw_button))
    return NULL;
  return gtk_editable_get_text (GTK_EDITABLE (self->cw_entry));
}

static guint
get_max_characters (QtrComposeWindow *self)
{
  return self->server_info ? qtr_server_info_get_max_characters (self->server_info)
                           : QTR_SERVER_INFO_DEFAULT_MAX_CHARACTERS;
}

static guint
get_max_media (QtrComposeWindow *self)
{
  return self->server_info ? qtr_server_info_get_max_media_attachments (self->server_info)
                           : QTR_SERVER_INFO_DEFAULT_MAX_MEDIA;
}

static guint
count_length (QtrComposeWindow *self)
{
  g_autofree char *text = get_text (self);
  guint per_url = self->server_info
                    ? qtr_server_info_get_characters_per_url (self->server_info)
                    : QTR_SERVER_INFO_DEFAULT_CHARACTERS_PER_URL;

  return qtr_post_count_characters (text, get_spoiler_text (self), per_url);
}

static GtkEntry *
get_poll_entry (QtrComposeWindow *self,
                guint             index)
{
  GtkEntry *entries[] = { self->poll_entry1, self->poll_entry2, self->poll_entry3,
                          self->poll_entry4 };

  return entries[index];
}

/* The poll's non-empty choices, or %NULL without a poll. */
static GStrv
collect_poll_options (QtrComposeWindow *self)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (!gtk_toggle_button_get_active (self->poll_button))
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *option = g_strstrip (g_strdup (gtk_editable_get_text (
                                                        GTK_EDITABLE (get_poll_entry (self, i)))));

      if (*option != '\0')
        g_strv_builder_add (builder, option);
    }
  return g_strv_builder_end (builder);
}

static guint
count_uploading (QtrComposeWindow *self)
{
  guint n = 0;

  for (guint i = 0; i < self->attachments->len; i++)
    {
      Attachment *attachment = self->attachments->pdata[i];

      if (attachment->id == NULL || attachment->uploading)
        n++;
    }
  return n;
}

static gboolean
can_send (QtrComposeWindow *self)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) options = NULL;

  if (self->sending || self->loading || count_length (self) > get_max_characters (self) ||
      count_uploading (self) > 0)
    return FALSE;
  options = collect_poll_options (self);
  if (options != NULL && g_strv_length (options) < 2)
    return FALSE;
  text = g_strstrip (get_text (self));
  return *text != '\0' || self->attachments->len > 0;
}

/* The counter, Send, and the attach button after any change. */
static void
update_state (QtrComposeWindow *self)
{
  int left = (int) get_max_characters (self) - (int) count_length (self);
  g_autofree char *counter = g_strdup_printf ("%d", left);
  g_autofree char *tooltip = NULL;

  gtk_label_set_label (self->counter_label, counter);
  if (left < 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->counter_label), "error");
      /* Translators: %d is how many characters too many the post has */
      tooltip = g_strdup_printf (ngettext ("%d character too many", "%d characters too many",
                                           -left), -left);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->counter_label), "error");
      /* Translators: %d is how many characters may still be written */
      tooltip = g_strdup_printf (ngettext ("%d character left", "%d characters left", left),
                                 left);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->counter_label), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->counter_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compose.send", can_send (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compose.attach",
                                 !self->loading && self->mode == MODE_NEW &&
                                 self->attachments->len < get_max_media (self));
  gtk_widget_set_visible (GTK_WIDGET (self->media_box), self->attachments->len > 0);
}

static void
show_error (QtrComposeWindow *self,
            const char       *text)
{
  g_free (self->error_text);
  self->error_text = g_strdup (text);
  gtk_label_set_label (self->error_label, text ? text : "");
  gtk_revealer_set_reveal_child (self->error_revealer, text != NULL);
}

static void
show_toast (QtrComposeWindow *self,
            const char       *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* What to tell the user when a request about the post failed. */
static char *
describe_error (QtrComposeWindow *self,
                const GError     *error)
{
  if (g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_NETWORK) ||
      g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_TIMED_OUT) ||
      g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_UNAVAILABLE))
    {
      g_autoptr(GUri) uri = g_uri_parse (qtr_api_client_get_base_url (self->client),
                                         G_URI_FLAGS_NONE, NULL);
      g_autofree char *server = NULL;

      if (uri != NULL && g_uri_get_port (uri) > 0)
        server = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
      else
        server = g_strdup (uri ? g_uri_get_host (uri) : qtr_api_client_get_base_url (self->client));
      /* Translators: %s is the server, such as mastodon.social */
      return g_strdup_printf (_("Could not reach %s: your post is kept as a draft. Send it "
                                "again once you are online."), server);
    }
  /* Translators: %s is the server's reason, such as "Validation failed: Text can't be blank" */
  return g_strdup_printf (_("The server did not take the post: %s"), error->message);
}

static const char *
get_selected_visibility (QtrComposeWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->visibility_dropdown);

  return selected < G_N_ELEMENTS (visibilities) ? visibilities[selected].id : "public";
}

static guint
find_visibility (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (visibilities); i++)
    if (g_strcmp0 (visibilities[i].id, id) == 0)
      return i;
  return 0;
}

static const char *
get_selected_language (QtrComposeWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->language_dropdown);

  return selected < self->language_codes->len ? self->language_codes->pdata[selected] : NULL;
}

static void
select_language (QtrComposeWindow *self,
                 const char       *code)
{
  for (guint i = 0; code != NULL && i < self->language_codes->len; i++)
    if (g_str_equal (self->language_codes->pdata[i], code))
      {
        gtk_drop_down_set_selected (self->language_dropdown, i);
        return;
      }
}

/* The draft, as the widgets show it now. */
static void
collect_draft (QtrComposeWindow *self)
{
  QtrDraft *draft = self->draft;
  const char *spoiler = get_spoiler_text (self);
  guint duration = gtk_drop_down_get_selected (self->poll_duration);

  g_free (draft->text);
  draft->text = get_text (self);
  g_free (draft->spoiler_text);
  draft->spoiler_text = g_strdup (spoiler);
  g_free (draft->visibility);
  draft->visibility = g_strdup (get_selected_visibility (self));
  g_free (draft->language);
  draft->language = g_strdup (get_selected_language (self));
  draft->sensitive = gtk_check_button_get_active (self->sensitive_check);
  g_ptr_array_set_size (draft->media, 0);
  for (guint i = 0; i < self->attachments->len; i++)
    {
      Attachment *attachment = self->attachments->pdata[i];
      QtrDraftMedia *media = qtr_draft_media_new ();

      media->id = g_strdup (attachment->id);
      media->description = g_strdup (attachment->description);
      media->path = g_strdup (attachment->path);
      media->url = g_strdup (attachment->url);
      g_ptr_array_add (draft->media, media);
    }
  g_strfreev (draft->poll_options);
  draft->poll_options = collect_poll_options (self);
  draft->poll_expires_in = poll_durations[MIN (duration, G_N_ELEMENTS (poll_durations) - 1)];
  draft->poll_multiple = gtk_check_button_get_active (self->poll_multiple);
}

/* Whether nothing was written yet: an empty new post, or a reply or an edit as it started. */
static gboolean
is_unchanged (QtrComposeWindow *self)
{
  g_autofree char *text = g_strstrip (get_text (self));
  g_autofree char *prefill = g_strstrip (g_strdup (self->prefill ? self->prefill : ""));
  const char *spoiler = get_spoiler_text (self);

  if (spoiler != NULL && *spoiler == '\0')
    spoiler = NULL;
  return g_str_equal (text, prefill) && g_strcmp0 (spoiler, self->prefill_spoiler) == 0 &&
         self->attachments->len == self->n_prefill_media &&
         !gtk_toggle_button_get_active (self->poll_button);
}

/* Remembers what the window shows now as its start: closed as it is, it leaves no draft. */
static void
set_prefill (QtrComposeWindow *self)
{
  const char *spoiler = get_spoiler_text (self);

  g_free (self->prefill);
  self->prefill = get_text (self);
  g_free (self->prefill_spoiler);
  self->prefill_spoiler = spoiler != NULL && *spoiler != '\0' ? g_strdup (spoiler) : NULL;
  self->n_prefill_media = self->attachments->len;
}

/* Writes the draft now (one with nothing written yet is not worth keeping, and goes). */
static void
save_now (QtrComposeWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->drafts == NULL || self->loading || self->discarded)
    return;
  collect_draft (self);
  if (is_unchanged (self))
    {
      if (self->draft->id > 0 && qtr_drafts_delete (self->drafts, self->draft->id, &error))
        self->draft->id = 0;
    }
  else
    qtr_drafts_save (self->drafts, self->draft, &error);
  if (error != NULL)
    {
      g_debug ("The draft was not saved: %s", error->message);
      show_toast (self, _("The draft could not be saved. Check that your home folder has "
                          "space."));
    }
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  QtrComposeWindow *self = user_data;

  self->save_source = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (QtrComposeWindow *self)
{
  if (self->restoring)
    return;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

static void
content_changed_cb (QtrComposeWindow *self)
{
  update_state (self);
  schedule_save (self);
}

static void
cw_button_toggled_cb (QtrComposeWindow *self)
{
  if (gtk_toggle_button_get_active (self->cw_button) && !self->restoring)
    gtk_widget_grab_focus (GTK_WIDGET (self->cw_entry));
  content_changed_cb (self);
}

/* Attachments */

static void
set_progress (Attachment *attachment,
              double      fraction)
{
  gtk_progress_bar_set_fraction (attachment->progress, fraction);
  gtk_widget_set_visible (GTK_WIDGET (attachment->progress), fraction < 1.0);
}

static void
attachment_failed (Attachment   *attachment,
                   const GError *error)
{
  QtrComposeWindow *self = attachment->window;
  g_autofree char *name = attachment->path ? g_path_get_basename (attachment->path) : NULL;
  /* Translators: the first %s is a file name, the second the reason */
  g_autofree char *text = g_strdup_printf (_("“%s” could not be uploaded: %s"),
                                           name ? name : "", error->message);

  attachment->failed = TRUE;
  attachment->uploading = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (attachment->progress), FALSE);
  gtk_widget_add_css_class (attachment->tile, "error");
  show_error (self, text);
  update_state (self);
}

static void
attachment_set_texture (Attachment   *attachment,
                        GdkPaintable *paintable)
{
  gtk_picture_set_paintable (attachment->picture, paintable);
}

/* The answer to an upload or to polling it: the id, and the URL once the server is done. */
static gboolean
read_media (Attachment     *attachment,
            QtrApiResponse *response,
            GError        **error)
{
  JsonObject *object = qtr_api_response_get_object (response, error);
  g_autoptr(QtrMediaAttachment) media = NULL;

  if (object == NULL || (media = qtr_media_attachment_new_from_json (object, error)) == NULL)
    return FALSE;
  g_free (attachment->url);
  attachment->url = g_strdup (qtr_media_attachment_get_url (media));
  if (attachment->id == NULL)
    attachment->id = g_strdup (qtr_media_attachment_get_id (media));
  return TRUE;
}

static void poll_media (Attachment *attachment);

static void
media_processed (Attachment *attachment)
{
  QtrComposeWindow *self = attachment->window;

  attachment->uploading = FALSE;
  set_progress (attachment, 1.0);
  update_state (self);
  schedule_save (self);
}

static void
media_polled_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Attachment) attachment = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (attachment->window == NULL)
    return;
  if (response == NULL || !read_media (attachment, response, &error))
    {
      attachment_failed (attachment, error);
      return;
    }
  if (attachment->url == NULL)
    {
      poll_media (attachment);
      return;
    }
  media_processed (attachment);
}

static gboolean
poll_media_timeout_cb (gpointer user_data)
{
  Attachment *attachment = user_data;
  g_autofree char *path = g_strconcat ("/api/v1/media/", attachment->id, NULL);

  attachment->poll_source = 0;
  qtr_api_client_get_async (attachment->window->client, path, NULL, attachment->cancellable,
                            media_polled_cb, attachment_ref (attachment));
  return G_SOURCE_REMOVE;
}

/* A 202: the server is still processing the file; ask again in a second, for a while. */
static void
poll_media (Attachment *attachment)
{
  g_autoptr(GError) error = NULL;

  if (++attachment->n_polls > MEDIA_POLL_MAX_TRIES)
    {
      error = g_error_new_literal (QTR_API_ERROR, QTR_API_ERROR_TIMED_OUT,
                                   _("the server did not finish processing it"));
      attachment_failed (attachment, error);
      return;
    }
  attachment->poll_source = g_timeout_add (MEDIA_POLL_INTERVAL_MS, poll_media_timeout_cb,
                                           attachment);
}

static void
description_saved_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Attachment) attachment = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (attachment->window == NULL || response != NULL)
    return;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("The description could not be saved: %s"),
                                               error->message);

      show_error (attachment->window, text);
    }
}

/* Sends the alt text of an uploaded image; one not uploaded yet sends it with the file. */
static void
save_description (Attachment *attachment)
{
  g_autofree char *path = NULL;
  const char *form[] = { "description", attachment->description ? attachment->description : "",
                         NULL };

  /* Media of a post being edited are attached already: their alt text goes with the edit. */
  if (attachment->id == NULL || attachment->uploading ||
      attachment->window->mode == MODE_EDIT)
    return;
  path = g_strconcat ("/api/v1/media/", attachment->id, NULL);
  qtr_api_client_send_form_async (attachment->window->client, "PUT", path, form, NULL,
                                  attachment->cancellable, description_saved_cb,
                                  attachment_ref (attachment));
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Attachment) attachment = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  const char *sent_description;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (attachment->window == NULL)
    return;
  if (response == NULL || !read_media (attachment, response, &error))
    {
      attachment_failed (attachment, error);
      return;
    }
  /* Alt text written while the file was on its way goes after it. */
  sent_description = g_object_get_data (G_OBJECT (attachment->tile), "qtr-sent-description");
  if (g_strcmp0 (sent_description, attachment->description) != 0)
    {
      attachment->uploading = FALSE;
      save_description (attachment);
    }
  if (response->status == 202 || attachment->url == NULL)
    {
      /* Still processed by the server: it stays "uploading" (Send off) until it has a URL. */
      attachment->uploading = TRUE;
      set_progress (attachment, 0.95);
      poll_media (attachment);
      return;
    }
  media_processed (attachment);
}

static void
upload_progress_cb (goffset  sent,
                    goffset  total,
                    gpointer user_data)
{
  Attachment *attachment = user_data;

  if (attachment->window != NULL && total > 0)
    set_progress (attachment, 0.95 * (double) sent / (double) total);
}

static void
upload (Attachment *attachment,
        GBytes     *bytes)
{
  g_autofree char *name = g_path_get_basename (attachment->path);
  g_autofree char *content_type = g_content_type_guess (name, g_bytes_get_data (bytes, NULL),
                                                        g_bytes_get_size (bytes), NULL);
  g_autofree char *mime_type = g_content_type_get_mime_type (content_type);
  const char *form[] = { "description", attachment->description, NULL };

  attachment->uploading = TRUE;
  attachment->failed = FALSE;
  gtk_widget_remove_css_class (attachment->tile, "error");
  set_progress (attachment, 0.0);
  gtk_widget_set_visible (GTK_WIDGET (attachment->progress), TRUE);
  g_object_set_data_full (G_OBJECT (attachment->tile), "qtr-sent-description",
                          g_strdup (attachment->description), g_free);
  /* The attachment is held by the request: the progress callback may use it until the end. */
  qtr_api_client_upload_async (attachment->window->client, "/api/v2/media",
                               attachment->description ? form : NULL, name, mime_type, bytes,
                               upload_progress_cb, attachment, attachment->cancellable,
                               uploaded_cb, attachment_ref (attachment));
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_bytes (task_data, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Attachment) attachment = user_data;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);

  if (attachment->window != NULL && texture != NULL)
    attachment_set_texture (attachment, GDK_PAINTABLE (texture));
}

/* The thumbnail, decoded off the main thread. */
static void
decode_thumbnail (Attachment *attachment,
                  GBytes     *bytes)
{
  g_autoptr(GTask) task = g_task_new (NULL, attachment->cancellable, decoded_cb,
                                      attachment_ref (attachment));

  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, decode_thread);
}

static void
file_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Attachment) attachment = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  if (attachment->window == NULL)
    return;
  if (bytes == NULL)
    {
      attachment_failed (attachment, error);
      return;
    }
  decode_thumbnail (attachment, bytes);
  if (attachment->id == NULL)
    upload (attachment, bytes);
}

static void
remote_thumbnail_loaded_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(Attachment) attachment = user_data;
  g_autoptr(GdkPaintable) paintable = NULL;

  paintable = qtr_image_loader_load_finish (QTR_IMAGE_LOADER (source), result, NULL);
  if (attachment->window != NULL && paintable != NULL)
    attachment_set_texture (attachment, paintable);
}

static void
alt_dialog_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  Attachment *attachment = user_data;
  GtkTextBuffer *buffer = g_object_get_data (G_OBJECT (dialog), "qtr-buffer");
  GtkTextIter start, end;

  if (attachment->window == NULL || !g_str_equal (response, "save"))
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  g_free (attachment->description);
  attachment->description = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (*attachment->description == '\0')
    g_clear_pointer (&attachment->description, g_free);
  save_description (attachment);
  schedule_save (attachment->window);
}

/* The alt text editor: the image, and what it shows in words. */
static void
alt_button_clicked_cb (GtkButton  *button,
                       Attachment *attachment)
{
  GtkWidget *dialog;
  GtkWidget *box, *picture, *scrolled, *view;
  GtkTextBuffer *buffer;

  if (attachment->window == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (attachment->window), _("Describe the Image"),
                                   _("For people who cannot see it: what matters in it, and "
                                     "any text it shows."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  picture = gtk_picture_new_for_paintable (gtk_picture_get_paintable (attachment->picture));
  gtk_widget_set_size_request (picture, -1, 160);
  gtk_box_append (GTK_BOX (box), picture);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 96);
  view = gtk_text_view_new ();
  gtk_widget_set_name (view, "alt-text-view");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_widget_add_css_class (view, "card");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Description"), -1);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_text (buffer, attachment->description ? attachment->description : "", -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "qtr-buffer", buffer);
  g_signal_connect_data (dialog, "response", G_CALLBACK (alt_dialog_response_cb),
                         attachment_ref (attachment), attachment_closure_notify, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);
}

static void
remove_button_clicked_cb (GtkButton  *button,
                          Attachment *attachment)
{
  QtrComposeWindow *self = attachment->window;

  if (self == NULL)
    return;
  gtk_flow_box_remove (self->media_box, gtk_widget_get_parent (attachment->tile));
  g_ptr_array_remove (self->attachments, attachment);
  content_changed_cb (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* A tile for a new attachment, at the end. */
static Attachment *
add_attachment (QtrComposeWindow *self)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/quitter/Quitter/qtr-compose-attachment.ui");
  Attachment *attachment = g_rc_box_new0 (Attachment);

  attachment->window = self;
  attachment->cancellable = g_cancellable_new ();
  attachment->tile = GTK_WIDGET (gtk_builder_get_object (builder, "tile"));
  attachment->picture = GTK_PICTURE (gtk_builder_get_object (builder, "picture"));
  attachment->progress = GTK_PROGRESS_BAR (gtk_builder_get_object (builder, "progress"));
  attachment->alt_button = GTK_WIDGET (gtk_builder_get_object (builder, "alt_button"));
  g_signal_connect (attachment->alt_button, "clicked", G_CALLBACK (alt_button_clicked_cb),
                    attachment);
  g_signal_connect (gtk_builder_get_object (builder, "remove_button"), "clicked",
                    G_CALLBACK (remove_button_clicked_cb), attachment);
  gtk_flow_box_append (self->media_box, attachment->tile);
  g_ptr_array_add (self->attachments, attachment);
  return attachment;
}

static void
add_file (QtrComposeWindow *self,
          GFile            *file)
{
  Attachment *attachment;

  if (self->attachments->len >= get_max_media (self))
    {
      g_autofree char *text = NULL;
      guint max = get_max_media (self);

      /* Translators: %u is how many images a post may have, such as 4 */
      text = g_strdup_printf (ngettext ("A post may have at most %u image",
                                        "A post may have at most %u images", max), max);
      show_toast (self, text);
      return;
    }
  attachment = add_attachment (self);
  attachment->path = g_file_get_path (file);
  if (attachment->path == NULL)
    attachment->path = g_file_get_uri (file);
  gtk_widget_set_visible (GTK_WIDGET (attachment->progress), TRUE);
  g_file_load_bytes_async (file, attachment->cancellable, file_loaded_cb,
                           attachment_ref (attachment));
}

/* An attachment of a draft or of a post being edited: on the server already (or, when its
 * upload had not finished, uploaded again from its file). */
static void
restore_attachment (QtrComposeWindow *self,
                    const char       *id,
                    const char       *url,
                    const char       *path,
                    const char       *description)
{
  Attachment *attachment = add_attachment (self);

  attachment->id = g_strdup (id);
  attachment->url = g_strdup (url);
  attachment->path = g_strdup (path);
  attachment->description = g_strdup (description);
  set_progress (attachment, 1.0);
  if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);

      if (id == NULL)
        {
          attachment->uploading = TRUE;
          gtk_widget_set_visible (GTK_WIDGET (attachment->progress), TRUE);
        }
      g_file_load_bytes_async (file, attachment->cancellable, file_loaded_cb,
                               attachment_ref (attachment));
    }
  else if (url != NULL)
    qtr_image_loader_load_async (qtr_image_loader_get_default (), url,
                                 attachment->cancellable, remote_thumbnail_loaded_cb,
                                 attachment_ref (attachment));
}

static gboolean
drop_target_dropped_cb (GtkDropTarget    *target,
                        const GValue     *value,
                        double            x,
                        double            y,
                        QtrComposeWindow *self)
{
  if (self->mode != MODE_NEW || self->loading)
    return FALSE;
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    qtr_compose_window_add_files (self, g_value_get_boxed (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    add_file (self, g_value_get_object (value));
  else
    return FALSE;
  content_changed_cb (self);
  return TRUE;
}

static void
file_chooser_response_cb (GtkNativeDialog  *chooser,
                          int               response,
                          QtrComposeWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      GListModel *files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          add_file (self, file);
        }
      g_object_unref (files);
      content_changed_cb (self);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
attach_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  QtrComposeWindow *self = QTR_COMPOSE_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Add Images"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (file_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Sending */

static void
add_pair (GPtrArray  *form,
          const char *name,
          const char *value)
{
  g_ptr_array_add (form, g_strdup (name));
  g_ptr_array_add (form, g_strdup (value));
}

/* The post as Mastodon's POST and PUT /api/v1/statuses take it, as a form. */
static GPtrArray *
build_form (QtrComposeWindow *self)
{
  QtrDraft *draft = self->draft;
  GPtrArray *form = g_ptr_array_new_with_free_func (g_free);

  add_pair (form, "status", draft->text);
  add_pair (form, "spoiler_text", draft->spoiler_text ? draft->spoiler_text : "");
  if (self->mode == MODE_NEW)
    add_pair (form, "visibility", draft->visibility);
  if (draft->language != NULL)
    add_pair (form, "language", draft->language);
  if (draft->in_reply_to_id != NULL && self->mode == MODE_NEW)
    add_pair (form, "in_reply_to_id", draft->in_reply_to_id);
  add_pair (form, "sensitive", draft->sensitive ? "true" : "false");
  for (guint i = 0; i < draft->media->len; i++)
    add_pair (form, "media_ids[]", ((QtrDraftMedia *) draft->media->pdata[i])->id);
  if (self->mode == MODE_EDIT)
    {
      /* An edit with no media left removes them all; the alt texts of those kept go along. */
      if (draft->media->len == 0)
        add_pair (form, "media_ids[]", "");
      for (guint i = 0; i < draft->media->len; i++)
        {
          QtrDraftMedia *media = draft->media->pdata[i];

          add_pair (form, "media_attributes[][id]", media->id);
          add_pair (form, "media_attributes[][description]",
                    media->description ? media->description : "");
        }
    }
  if (draft->poll_options != NULL)
    {
      g_autofree char *expires_in = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                     draft->poll_expires_in);

      for (guint i = 0; draft->poll_options[i] != NULL; i++)
        add_pair (form, "poll[options][]", draft->poll_options[i]);
      add_pair (form, "poll[expires_in]", expires_in);
      add_pair (form, "poll[multiple]", draft->poll_multiple ? "true" : "false");
    }
  g_ptr_array_add (form, NULL);
  return form;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(QtrComposeWindow) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrStatus) status = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->sending = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view), TRUE);
  if (response == NULL)
    {
      g_autofree char *text = describe_error (self, error);

      show_error (self, text);
      update_state (self);
      return;
    }
  object = qtr_api_response_get_object (response, NULL);
  if (object != NULL)
    status = qtr_status_new_from_json (object, NULL);
  /* The server took it: the draft goes. */
  if (self->drafts != NULL && self->draft->id > 0)
    {
      g_autoptr(GError) delete_error = NULL;

      if (!qtr_drafts_delete (self->drafts, self->draft->id, &delete_error))
        g_debug ("The sent draft stays: %s", delete_error->message);
    }
  self->discarded = TRUE;
  g_signal_emit (self, signals[SIGNAL_SENT], 0, status);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
send_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  QtrComposeWindow *self = QTR_COMPOSE_WINDOW (widget);
  g_autoptr(GPtrArray) form = NULL;
  g_autofree char *path = NULL;

  if (!can_send (self))
    return;
  /* Kept first: a crash while sending, and the key, survive. */
  save_now (self);
  collect_draft (self);
  form = build_form (self);
  self->sending = TRUE;
  show_error (self, NULL);
  update_state (self);
  if (self->mode == MODE_EDIT)
    {
      path = g_strconcat ("/api/v1/statuses/", self->draft->edit_id, NULL);
      qtr_api_client_send_form_async (self->client, "PUT", path,
                                      (const char * const *) form->pdata, NULL,
                                      self->cancellable, sent_cb, g_object_ref (self));
    }
  else
    qtr_api_client_send_form_async (self->client, "POST", "/api/v1/statuses",
                                    (const char * const *) form->pdata,
                                    self->draft->idempotency_key, self->cancellable, sent_cb,
                                    g_object_ref (self));
}

static void
discard_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  QtrComposeWindow *self = QTR_COMPOSE_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->drafts != NULL && self->draft->id > 0 &&
      !qtr_drafts_delete (self->drafts, self->draft->id, &error))
    g_debug ("The draft was not deleted: %s", error->message);
  self->discarded = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
show_drafts_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  save_now (QTR_COMPOSE_WINDOW (widget));
  qtr_compose_window_show_drafts (GTK_WINDOW (widget));
}

/* Completion of @handles and #hashtags */

static void
hide_completion (QtrComposeWindow *self)
{
  g_clear_handle_id (&self->completion_source, g_source_remove);
  g_cancellable_cancel (self->completion_cancellable);
  g_clear_object (&self->completion_cancellable);
  self->completion_start = -1;
  gtk_popover_popdown (self->completion_popover);
}

/* The word being typed before the cursor when it starts with `@` or `#` (a remote handle's
 * `@domain` included), and where it starts. */
static char *
find_completion_word (QtrComposeWindow *self,
                      int              *start_offset)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter cursor, start;
  g_autofree char *word = NULL;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  start = cursor;
  while (gtk_text_iter_backward_char (&start))
    {
      gunichar c = gtk_text_iter_get_char (&start);

      if (!(g_unichar_isalnum (c) || c == '_' || c == '.' || c == '-' || c == '@' || c == '#'))
        {
          gtk_text_iter_forward_char (&start);
          break;
        }
    }
  word = gtk_text_iter_get_text (&start, &cursor);
  /* An e-mail address (`alice@example.org`) starts with a letter: not a mention. */
  if ((word[0] != '@' && word[0] != '#') || g_utf8_strlen (word, -1) < 3)
    return NULL;
  *start_offset = gtk_text_iter_get_offset (&start);
  return g_steal_pointer (&word);
}

static void
accept_completion (QtrComposeWindow *self,
                   GtkListBoxRow    *row)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  const char *replacement = g_object_get_data (G_OBJECT (row), "qtr-completion");
  GtkTextIter start, cursor;
  g_autofree char *text = NULL;

  if (replacement == NULL || self->completion_start < 0)
    return;
  text = g_strconcat (replacement, " ", NULL);
  gtk_text_buffer_get_iter_at_offset (buffer, &start, self->completion_start);
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  hide_completion (self);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &start, &cursor);
  gtk_text_buffer_insert (buffer, &start, text, -1);
  gtk_text_buffer_end_user_action (buffer);
  /* The insertion itself must not ask again. */
  hide_completion (self);
}

static void
completion_row_activated_cb (GtkListBox       *list,
                             GtkListBoxRow    *row,
                             QtrComposeWindow *self)
{
  accept_completion (self, row);
}

static void
add_completion_row (QtrComposeWindow *self,
                    const char       *replacement,
                    const char       *title,
                    const char       *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "qtr-completion", g_strdup (replacement), g_free);
  gtk_list_box_append (self->completion_list, row);
}

static void
completions_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(QtrComposeWindow) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  JsonObject *object;
  JsonArray *accounts, *tags;
  GtkTextIter iter;
  GdkRectangle location;
  guint n = 0;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response == NULL || self->completion_start < 0 ||
      (object = qtr_api_response_get_object (response, NULL)) == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->completion_list))) != NULL)
    gtk_list_box_remove (self->completion_list, child);
  accounts = qtr_json_get_array (object, "accounts");
  for (guint i = 0; accounts != NULL && i < json_array_get_length (accounts) &&
                    n < MAX_COMPLETIONS; i++)
    {
      JsonNode *node = json_array_get_element (accounts, i);
      const char *acct, *name;
      g_autofree char *handle = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          (acct = qtr_json_get_string (json_node_get_object (node), "acct")) == NULL)
        continue;
      name = qtr_json_get_string (json_node_get_object (node), "display_name");
      handle = g_strconcat ("@", acct, NULL);
      add_completion_row (self, handle, name && *name ? name : handle,
                          name && *name ? handle : NULL);
      n++;
    }
  tags = qtr_json_get_array (object, "hashtags");
  for (guint i = 0; tags != NULL && i < json_array_get_length (tags) && n < MAX_COMPLETIONS; i++)
    {
      JsonNode *node = json_array_get_element (tags, i);
      const char *name;
      g_autofree char *tag = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          (name = qtr_json_get_string (json_node_get_object (node), "name")) == NULL)
        continue;
      tag = g_strconcat ("#", name, NULL);
      add_completion_row (self, tag, tag, NULL);
      n++;
    }
  if (n == 0)
    {
      gtk_popover_popdown (self->completion_popover);
      return;
    }
  gtk_list_box_select_row (self->completion_list,
                           gtk_list_box_get_row_at_index (self->completion_list, 0));
  /* Below the cursor. */
  gtk_text_buffer_get_iter_at_mark (gtk_text_view_get_buffer (self->text_view), &iter,
                                    gtk_text_buffer_get_insert (
                                      gtk_text_view_get_buffer (self->text_view)));
  gtk_text_view_get_iter_location (self->text_view, &iter, &location);
  gtk_text_view_buffer_to_window_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET,
                                         location.x, location.y, &location.x, &location.y);
  gtk_popover_set_pointing_to (self->completion_popover, &location);
  gtk_popover_popup (self->completion_popover);
}

static gboolean
completion_timeout_cb (gpointer user_data)
{
  QtrComposeWindow *self = user_data;
  g_autofree char *word = NULL;
  const char *query[] = { "q", NULL, "type", NULL, "limit", "6", "resolve", "false", NULL };
  int start;

  self->completion_source = 0;
  word = find_completion_word (self, &start);
  if (word == NULL)
    {
      hide_completion (self);
      return G_SOURCE_REMOVE;
    }
  self->completion_start = start;
  query[1] = word + 1;
  query[3] = word[0] == '@' ? "accounts" : "hashtags";
  g_cancellable_cancel (self->completion_cancellable);
  g_clear_object (&self->completion_cancellable);
  self->completion_cancellable = g_cancellable_new ();
  qtr_api_client_get_async (self->client, "/api/v2/search", query,
                            self->completion_cancellable, completions_loaded_cb,
                            g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
buffer_changed_cb (QtrComposeWindow *self)
{
  content_changed_cb (self);
  if (self->restoring)
    return;
  g_clear_handle_id (&self->completion_source, g_source_remove);
  self->completion_source = g_timeout_add (COMPLETION_DELAY_MS, completion_timeout_cb, self);
}

static void
move_completion (QtrComposeWindow *self,
                 int               delta)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->completion_list);
  int index = row ? gtk_list_box_row_get_index (row) + delta : 0;
  GtkListBoxRow *next = gtk_list_box_get_row_at_index (self->completion_list, MAX (index, 0));

  if (next != NULL)
    gtk_list_box_select_row (self->completion_list, next);
}

static gboolean
text_view_key_pressed_cb (GtkEventControllerKey *controller,
                          guint                  keyval,
                          guint                  keycode,
                          GdkModifierType        state,
                          QtrComposeWindow      *self)
{
  gboolean completing = gtk_widget_get_visible (GTK_WIDGET (self->completion_popover));

  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) &&
      (state & GDK_CONTROL_MASK) != 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "compose.send", NULL);
      return TRUE;
    }
  if (!completing)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Tab:
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      {
        GtkListBoxRow *row = gtk_list_box_get_selected_row (self->completion_list);

        if (row == NULL)
          return FALSE;
        accept_completion (self, row);
        return TRUE;
      }
    case GDK_KEY_Down:
      move_completion (self, 1);
      return TRUE;
    case GDK_KEY_Up:
      move_completion (self, -1);
      return TRUE;
    case GDK_KEY_Escape:
      hide_completion (self);
      return TRUE;
    default:
      return FALSE;
    }
}

/* Filling the window */

/* The dropdowns' items: an icon and a label in the list; in the button, the icon alone (the
 * visibility) or the code (the language), so that the bar fits a phone's width. */
static void
item_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new (NULL));
  gtk_list_item_set_child (item, box);
}

static void
visibility_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  in_button)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkStringObject *string = gtk_list_item_get_item (item);
  guint index = find_visibility (gtk_string_object_get_string (string));
  GtkWidget *label = gtk_widget_get_last_child (box);

  gtk_image_set_from_icon_name (GTK_IMAGE (gtk_widget_get_first_child (box)),
                                visibilities[index].icon);
  gtk_label_set_label (GTK_LABEL (label), _(visibilities[index].label));
  gtk_widget_set_visible (label, in_button == NULL);
  if (in_button != NULL)
    gtk_widget_set_tooltip_text (box, _(visibilities[index].label));
}

static GtkListItemFactory *
new_factory (GCallback bind,
             gboolean  in_button)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (item_setup_cb), NULL);
  g_signal_connect (factory, "bind", bind, in_button ? GINT_TO_POINTER (1) : NULL);
  return factory;
}

static void
setup_visibility (QtrComposeWindow *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = new_factory (G_CALLBACK (visibility_bind_cb), TRUE);
  g_autoptr(GtkListItemFactory) list_factory = new_factory (G_CALLBACK (visibility_bind_cb),
                                                            FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (visibilities); i++)
    gtk_string_list_append (model, visibilities[i].id);
  gtk_drop_down_set_factory (self->visibility_dropdown, factory);
  gtk_drop_down_set_list_factory (self->visibility_dropdown, list_factory);
  gtk_drop_down_set_model (self->visibility_dropdown, G_LIST_MODEL (model));
}

static const char *
find_language_name (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (languages[i].code, code))
      return languages[i].name;
  return NULL;
}

/* "Deutsch (de)", or the code alone for a language without a name here. */
static char *
describe_language (GtkStringObject  *string,
                   QtrComposeWindow *self)
{
  const char *code = gtk_string_object_get_string (string);
  const char *name = g_hash_table_lookup (self->language_names, code);

  if (name == NULL)
    name = find_language_name (code);

  return name ? g_strdup_printf ("%s (%s)", name, code) : g_strdup (code);
}

static void
bind_language (GtkListItem      *item,
               QtrComposeWindow *self,
               gboolean          in_button)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkStringObject *string = gtk_list_item_get_item (item);
  g_autofree char *description = describe_language (string, self);
  GtkWidget *label = gtk_widget_get_last_child (box);

  gtk_widget_set_visible (gtk_widget_get_first_child (box), FALSE);
  gtk_label_set_label (GTK_LABEL (label), in_button ? gtk_string_object_get_string (string)
                                                    : description);
  if (in_button)
    gtk_widget_set_tooltip_text (box, description);
}

static void
language_bind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  QtrComposeWindow         *self)
{
  bind_language (item, self, FALSE);
}

static void
language_button_bind_cb (GtkSignalListItemFactory *factory,
                         GtkListItem              *item,
                         QtrComposeWindow         *self)
{
  bind_language (item, self, TRUE);
}

/* The UI's language as an ISO 639-1 code: `en` for `en_GB.UTF-8` (and for C). */
static char *
get_ui_language (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_ascii_isalpha (names[i][0]) && g_ascii_isalpha (names[i][1]) &&
          !g_ascii_isalpha (names[i][2]) && !g_str_equal (names[i], "C"))
        return g_ascii_strdown (names[i], 2);
    }
  return g_strdup ("en");
}

/* Puts @codes in the language dropdown, the selected language kept (added if need be). */
static void
set_language_codes (QtrComposeWindow *self,
                    GPtrArray        *codes)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *selected = g_strdup (get_selected_language (self));
  gboolean restoring = self->restoring;

  if (selected == NULL)
    selected = get_ui_language ();
  g_ptr_array_set_size (self->language_codes, 0);
  for (guint i = 0; i < codes->len; i++)
    g_ptr_array_add (self->language_codes, g_strdup (codes->pdata[i]));
  if (!g_ptr_array_find_with_equal_func (self->language_codes, selected, g_str_equal, NULL))
    g_ptr_array_add (self->language_codes, g_strdup (selected));
  for (guint i = 0; i < self->language_codes->len; i++)
    gtk_string_list_append (model, self->language_codes->pdata[i]);
  /* The language stays what it was: nothing to save. */
  self->restoring = TRUE;
  gtk_drop_down_set_model (self->language_dropdown, G_LIST_MODEL (model));
  select_language (self, selected);
  self->restoring = restoring;
}

/* The languages the server lists (Mastodon 4.2 and later), with its names for them. */
static void
languages_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(QtrComposeWindow) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response == NULL || (array = qtr_api_response_get_array (response, &error)) == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The server lists no languages (%s): the built-in list stays", error->message);
      return;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *code, *name;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          (code = qtr_json_get_string (json_node_get_object (node), "code")) == NULL ||
          *code == '\0')
        continue;
      name = qtr_json_get_string (json_node_get_object (node), "name");
      if (name != NULL && *name != '\0')
        g_hash_table_replace (self->language_names, g_strdup (code), g_strdup (name));
      g_ptr_array_add (codes, (gpointer) code);
    }
  if (codes->len > 0)
    set_language_codes (self, codes);
}

/* The languages: those the server takes, else the built-in list; the UI's selected. */
static void
setup_languages (QtrComposeWindow *self)
{
  const char * const *server = self->server_info
                                 ? qtr_server_info_get_languages (self->server_info) : NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autoptr(GtkExpression) expression = NULL;
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkListItemFactory *list_factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (item_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (language_button_bind_cb), self);
  g_signal_connect (list_factory, "setup", G_CALLBACK (item_setup_cb), NULL);
  g_signal_connect (list_factory, "bind", G_CALLBACK (language_bind_cb), self);
  gtk_drop_down_set_factory (self->language_dropdown, factory);
  gtk_drop_down_set_list_factory (self->language_dropdown, list_factory);
  g_object_unref (factory);
  g_object_unref (list_factory);
  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (describe_language), self, NULL);
  gtk_drop_down_set_expression (self->language_dropdown, expression);

  if (server != NULL && server[0] != NULL)
    for (guint i = 0; server[i] != NULL; i++)
      g_ptr_array_add (codes, (gpointer) server[i]);
  else
    for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
      g_ptr_array_add (codes, (gpointer) languages[i].code);
  set_language_codes (self, codes);
  qtr_api_client_get_async (self->client, "/api/v1/instance/languages", NULL, self->cancellable,
                            languages_loaded_cb, g_object_ref (self));
}

/* The default visibility: the preference, where the app's schema has one; else public. */
static const char *
get_default_visibility (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "default-visibility"))
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_autofree char *setting = g_settings_get_string (settings, "default-visibility");

      return visibilities[find_visibility (setting)].id;
    }
  return "public";
}

/* Fills the widgets from self->draft. */
static void
apply_draft (QtrComposeWindow *self)
{
  QtrDraft *draft = self->draft;

  self->restoring = TRUE;
  set_text (self, draft->text);
  gtk_toggle_button_set_active (self->cw_button, draft->spoiler_text != NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->cw_entry),
                         draft->spoiler_text ? draft->spoiler_text : "");
  gtk_drop_down_set_selected (self->visibility_dropdown, find_visibility (draft->visibility));
  select_language (self, draft->language);
  gtk_check_button_set_active (self->sensitive_check, draft->sensitive);
  for (guint i = 0; i < draft->media->len; i++)
    {
      QtrDraftMedia *media = draft->media->pdata[i];

      restore_attachment (self, media->id, media->url, media->path, media->description);
    }
  gtk_toggle_button_set_active (self->poll_button, draft->poll_options != NULL);
  for (guint i = 0; draft->poll_options != NULL && draft->poll_options[i] != NULL && i < 4; i++)
    gtk_editable_set_text (GTK_EDITABLE (get_poll_entry (self, i)), draft->poll_options[i]);
  for (guint i = 0; i < G_N_ELEMENTS (poll_durations); i++)
    if (poll_durations[i] == draft->poll_expires_in)
      gtk_drop_down_set_selected (self->poll_duration, i);
  gtk_check_button_set_active (self->poll_multiple, draft->poll_multiple);
  self->restoring = FALSE;
  update_state (self);
}

static gboolean
qtr_compose_window_close_request (GtkWindow *window)
{
  QtrComposeWindow *self = QTR_COMPOSE_WINDOW (window);

  /* Closed unsent: what was written stays a draft. */
  if (!self->discarded)
    save_now (self);
  return GTK_WINDOW_CLASS (qtr_compose_window_parent_class)->close_request (window);
}

static void
qtr_compose_window_dispose (GObject *object)
{
  QtrComposeWindow *self = QTR_COMPOSE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->completion_source, g_source_remove);
  g_cancellable_cancel (self->completion_cancellable);
  g_clear_object (&self->completion_cancellable);
  if (self->attachments != NULL)
    g_ptr_array_set_size (self->attachments, 0);
  if (self->completion_popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->completion_popover));
      self->completion_popover = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_COMPOSE_WINDOW);

  G_OBJECT_CLASS (qtr_compose_window_parent_class)->dispose (object);
}

static void
qtr_compose_window_finalize (GObject *object)
{
  QtrComposeWindow *self = QTR_COMPOSE_WINDOW (object);

  g_clear_object (&self->client);
  g_clear_object (&self->server_info);
  g_clear_object (&self->drafts);
  g_free (self->account_id);
  g_clear_pointer (&self->draft, qtr_draft_free);
  g_clear_object (&self->in_reply_to);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->language_codes, g_ptr_array_unref);
  g_clear_pointer (&self->language_names, g_hash_table_unref);
  g_free (self->error_text);
  g_free (self->prefill);
  g_free (self->prefill_spoiler);

  G_OBJECT_CLASS (qtr_compose_window_parent_class)->finalize (object);
}

static void
qtr_compose_window_class_init (QtrComposeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = qtr_compose_window_dispose;
  object_class->finalize = qtr_compose_window_finalize;
  window_class->close_request = qtr_compose_window_close_request;

  /**
   * QtrComposeWindow::sent:
   * @status: (nullable): the post as the server answered with it
   *
   * The server took the post; the window closes.
   */
  signals[SIGNAL_SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_STATUS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-compose-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, reply_box);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, cw_entry);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, text_view);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, media_box);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, sensitive_check);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, poll_box);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, poll_entry1);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, poll_entry2);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, poll_entry3);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, poll_entry4);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, poll_duration);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, poll_multiple);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, attach_button);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, poll_button);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, cw_button);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, visibility_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QtrComposeWindow, counter_label);
  gtk_widget_class_bind_template_callback (widget_class, content_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cw_button_toggled_cb);

  gtk_widget_class_install_action (widget_class, "compose.send", NULL, send_activated_cb);
  gtk_widget_class_install_action (widget_class, "compose.attach", NULL, attach_activated_cb);
  gtk_widget_class_install_action (widget_class, "compose.discard", NULL, discard_activated_cb);
  gtk_widget_class_install_action (widget_class, "compose.show-drafts", NULL,
                                   show_drafts_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qtr_compose_window_init (QtrComposeWindow *self)
{
  GtkEventController *keys;
  GtkDropTarget *drop;
  GtkWidget *scrolled;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_detach);
  self->language_codes = g_ptr_array_new_with_free_func (g_free);
  self->language_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->draft = qtr_draft_new ();
  self->completion_start = -1;

  setup_visibility (self);
  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (buffer_changed_cb), self, G_CONNECT_SWAPPED);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (text_view_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect (drop, "drop", G_CALLBACK (drop_target_dropped_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  /* The completion popover, under the cursor. */
  self->completion_popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_autohide (self->completion_popover, FALSE);
  gtk_popover_set_has_arrow (self->completion_popover, FALSE);
  gtk_popover_set_position (self->completion_popover, GTK_POS_BOTTOM);
  gtk_widget_set_halign (GTK_WIDGET (self->completion_popover), GTK_ALIGN_START);
  gtk_widget_set_name (GTK_WIDGET (self->completion_popover), "completion");
  self->completion_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->completion_list), "boxed-list");
  g_signal_connect (self->completion_list, "row-activated",
                    G_CALLBACK (completion_row_activated_cb), self);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled),
                                 GTK_WIDGET (self->completion_list));
  gtk_popover_set_child (self->completion_popover, scrolled);
  gtk_widget_set_parent (GTK_WIDGET (self->completion_popover), GTK_WIDGET (self->text_view));
}

/* The main window @window belongs to: itself, or the one a compose window or dialog is for. */
static QtrWindow *
find_main_window (GtkWindow *window)
{
  while (window != NULL && !QTR_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  return window ? QTR_WINDOW (window) : NULL;
}

/* A compose window for the account open in @parent's main window, or %NULL without one. */
static QtrComposeWindow *
create (GtkWindow *parent)
{
  QtrWindow *window;
  QtrComposeWindow *self;
  QtrApiClient *client;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);

  window = find_main_window (parent);
  client = window ? qtr_window_get_api_client (window) : NULL;
  if (client == NULL)
    {
      g_debug ("No account is open: nothing to post with");
      return NULL;
    }
  self = g_object_new (QTR_TYPE_COMPOSE_WINDOW,
                       "transient-for", window,
                       "application", gtk_window_get_application (GTK_WINDOW (window)),
                       NULL);
  self->client = g_object_ref (client);
  g_set_object (&self->server_info, qtr_window_get_server_info (window));
  g_set_object (&self->drafts, qtr_window_get_drafts (window));
  self->account_id = g_strdup (qtr_window_get_account_id (window));
  setup_languages (self);
  gtk_drop_down_set_selected (self->visibility_dropdown,
                              find_visibility (get_default_visibility ()));
  update_state (self);
  return self;
}

static void
present (QtrComposeWindow *self)
{
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/**
 * qtr_compose_window_new:
 * @parent: the app's #QtrWindow, or a window of it (a compose window, a dialog): its open
 *   account posts
 *
 * Opens a window to write a new post. Several may be open at once, each with its own draft.
 *
 * Returns: (transfer none) (nullable): the window, shown; %NULL when no account is open
 */
QtrComposeWindow *
qtr_compose_window_new (GtkWindow *parent)
{
  QtrComposeWindow *self = create (parent);

  if (self != NULL)
    present (self);
  return self;
}

static gboolean
is_self (QtrComposeWindow *self,
         const char       *account_id)
{
  return self->account_id != NULL && g_strcmp0 (self->account_id, account_id) == 0;
}

/* The post being answered, above the text, and the title that says whom. */
static void
show_in_reply_to (QtrComposeWindow *self,
                  QtrStatus        *status)
{
  QtrAccount *author = qtr_status_get_account (status);
  GtkWidget *row = qtr_status_row_new ();

  g_set_object (&self->in_reply_to, status);
  qtr_status_row_set_status (QTR_STATUS_ROW (row), status);
  gtk_box_append (self->reply_box, row);
  gtk_widget_set_visible (GTK_WIDGET (self->reply_box), TRUE);
  gtk_window_set_title (GTK_WINDOW (self), _("Reply"));
  adw_window_title_set_title (self->window_title, _("Reply"));
  if (author != NULL)
    {
      /* Translators: %s is the name of whom the reply answers */
      g_autofree char *subtitle = g_strdup_printf (_("To %s"), qtr_account_get_name (author));

      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
}

static void
in_reply_to_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(QtrComposeWindow) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (response == NULL || (object = qtr_api_response_get_object (response, &error)) == NULL ||
      (status = qtr_status_new_from_json (object, &error)) == NULL)
    {
      /* The reply can still be sent: the server says whether its post is still there. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The post a draft answers did not load: %s", error->message);
      return;
    }
  show_in_reply_to (self, status);
}

/**
 * qtr_compose_window_new_reply:
 * @parent: the app's #QtrWindow, or a window of it (a compose window, a dialog): its open
 *   account posts
 * @in_reply_to: the post to answer (a boost answers the boosted post)
 *
 * Opens a window to answer @in_reply_to, shown above the text. The text starts with the
 * mentions of its author and of the accounts it mentions (not the own account); its content
 * warning is copied, and its visibility unless the default one is less public.
 *
 * Returns: (transfer none) (nullable): the window, shown; %NULL when no account is open
 */
QtrComposeWindow *
qtr_compose_window_new_reply (GtkWindow *parent,
                              QtrStatus *in_reply_to)
{
  QtrComposeWindow *self;
  QtrStatus *shown;
  QtrAccount *author;
  GPtrArray *mentions;
  g_autoptr(GString) text = g_string_new (NULL);
  guint visibility;

  g_return_val_if_fail (QTR_IS_STATUS (in_reply_to), NULL);

  self = create (parent);
  if (self == NULL)
    return NULL;
  shown = qtr_status_get_shown (in_reply_to);
  author = qtr_status_get_account (shown);
  if (author != NULL && !is_self (self, qtr_account_get_id (author)))
    g_string_append_printf (text, "@%s ", qtr_account_get_acct (author));
  mentions = qtr_status_get_mentions (shown);
  for (guint i = 0; mentions != NULL && i < mentions->len; i++)
    {
      QtrMention *mention = mentions->pdata[i];
      g_autofree char *handle = g_strdup_printf ("@%s ", mention->acct);

      if (is_self (self, mention->id) || strstr (text->str, handle) != NULL)
        continue;
      g_string_append (text, handle);
    }

  g_free (self->draft->in_reply_to_id);
  self->draft->in_reply_to_id = g_strdup (qtr_status_get_id (shown));
  g_free (self->draft->text);
  self->draft->text = g_strdup (text->str);
  if (qtr_status_get_spoiler_text (shown) != NULL && *qtr_status_get_spoiler_text (shown))
    self->draft->spoiler_text = g_strdup (qtr_status_get_spoiler_text (shown));
  /* Not more public than the post it answers. */
  visibility = MAX (find_visibility (qtr_status_get_visibility (shown)),
                    find_visibility (get_default_visibility ()));
  g_free (self->draft->visibility);
  self->draft->visibility = g_strdup (visibilities[visibility].id);
  if (qtr_status_get_language (shown) != NULL)
    {
      g_free (self->draft->language);
      self->draft->language = g_strdup (qtr_status_get_language (shown));
    }
  else
    self->draft->language = g_strdup (get_selected_language (self));
  apply_draft (self);
  set_prefill (self);
  show_in_reply_to (self, shown);
  present (self);
  return self;
}

/* Fills the window from a status's source and media (an edit, or a redraft). */
static void
fill_from_status (QtrComposeWindow *self,
                  QtrStatus        *status,
                  const char       *text,
                  const char       *spoiler_text)
{
  GPtrArray *media = qtr_status_get_media_attachments (status);

  g_free (self->draft->text);
  self->draft->text = g_strdup (text ? text : "");
  g_free (self->draft->spoiler_text);
  self->draft->spoiler_text = spoiler_text && *spoiler_text ? g_strdup (spoiler_text) : NULL;
  g_free (self->draft->visibility);
  self->draft->visibility = g_strdup (qtr_status_get_visibility (status));
  g_free (self->draft->language);
  self->draft->language = g_strdup (qtr_status_get_language (status));
  self->draft->sensitive = qtr_status_get_sensitive (status);
  g_free (self->draft->in_reply_to_id);
  self->draft->in_reply_to_id = g_strdup (qtr_status_get_in_reply_to_id (status));
  for (guint i = 0; media != NULL && i < media->len; i++)
    {
      QtrMediaAttachment *attachment = media->pdata[i];
      QtrDraftMedia *item = qtr_draft_media_new ();

      item->id = g_strdup (qtr_media_attachment_get_id (attachment));
      item->url = g_strdup (qtr_media_attachment_get_preview_url (attachment)
                              ? qtr_media_attachment_get_preview_url (attachment)
                              : qtr_media_attachment_get_url (attachment));
      item->description = g_strdup (qtr_media_attachment_get_description (attachment));
      g_ptr_array_add (self->draft->media, item);
    }
  apply_draft (self);
}

static void
source_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QtrComposeWindow) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  QtrStatus *status = g_object_get_data (G_OBJECT (self), "qtr-status");
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (response == NULL || (object = qtr_api_response_get_object (response, &error)) == NULL)
    {
      /* Translators: %s is the server's reason */
      g_autofree char *text = g_strdup_printf (_("The post could not be loaded: %s"),
                                               error->message);

      show_error (self, text);
      update_state (self);
      return;
    }
  fill_from_status (self, status, qtr_json_get_string (object, "text"),
                    qtr_json_get_string (object, "spoiler_text"));
  set_prefill (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/**
 * qtr_compose_window_new_edit:
 * @parent: the app's #QtrWindow, or a window of it: its open account wrote @status
 * @status: an own post
 *
 * Opens a window to edit @status: its text as written (GET /api/v1/statuses/:id/source), its
 * content warning, media and language; Send saves the edit (PUT /api/v1/statuses/:id). The
 * visibility of a post cannot change, and media can be removed but not added.
 *
 * Returns: (transfer none) (nullable): the window, shown; %NULL when no account is open
 */
QtrComposeWindow *
qtr_compose_window_new_edit (GtkWindow *parent,
                             QtrStatus *status)
{
  QtrComposeWindow *self;
  g_autofree char *path = NULL;

  g_return_val_if_fail (QTR_IS_STATUS (status), NULL);

  self = create (parent);
  if (self == NULL)
    return NULL;
  self->mode = MODE_EDIT;
  self->loading = TRUE;
  self->draft->edit_id = g_strdup (qtr_status_get_id (status));
  g_object_set_data_full (G_OBJECT (self), "qtr-status", g_object_ref (status), g_object_unref);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit Post"));
  adw_window_title_set_title (self->window_title, _("Edit Post"));
  gtk_button_set_label (self->send_button, _("_Save"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->visibility_dropdown), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->poll_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view), FALSE);
  update_state (self);
  path = g_strdup_printf ("/api/v1/statuses/%s/source", qtr_status_get_id (status));
  qtr_api_client_get_async (self->client, path, NULL, self->cancellable, source_loaded_cb,
                            g_object_ref (self));
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

static void
deleted_for_redraft_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(QtrComposeWindow) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrStatus) deleted = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view), TRUE);
  if (response == NULL || (object = qtr_api_response_get_object (response, &error)) == NULL ||
      (deleted = qtr_status_new_from_json (object, &error)) == NULL)
    {
      /* Translators: %s is the server's reason */
      g_autofree char *text = g_strdup_printf (_("The post could not be deleted: %s"),
                                               error->message);

      show_error (self, text);
      update_state (self);
      return;
    }
  fill_from_status (self, deleted, qtr_json_get_string (object, "text"),
                    qtr_json_get_string (object, "spoiler_text"));
  /* From now on it is a draft like any other. */
  save_now (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/**
 * qtr_compose_window_new_redraft:
 * @parent: the app's #QtrWindow, or a window of it: its open account wrote @status
 * @status: an own post
 *
 * Deletes @status (DELETE /api/v1/statuses/:id) and opens a window with what it was: its text
 * as written, content warning, visibility, language, the post it answered and its media. The
 * caller asks the user first: the post, its boosts and favourites are gone.
 *
 * Returns: (transfer none) (nullable): the window, shown; %NULL when no account is open
 */
QtrComposeWindow *
qtr_compose_window_new_redraft (GtkWindow *parent,
                                QtrStatus *status)
{
  QtrComposeWindow *self;
  g_autofree char *path = NULL;

  g_return_val_if_fail (QTR_IS_STATUS (status), NULL);

  self = create (parent);
  if (self == NULL)
    return NULL;
  self->loading = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view), FALSE);
  update_state (self);
  path = g_strdup_printf ("/api/v1/statuses/%s", qtr_status_get_id (status));
  qtr_api_client_delete_async (self->client, path, self->cancellable, deleted_for_redraft_cb,
                               g_object_ref (self));
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/**
 * qtr_compose_window_new_from_draft:
 * @parent: the app's #QtrWindow, or a window of it: the draft is of its open account
 * @draft_id: the draft's id in the account's drafts
 *
 * Opens a window with a saved draft (one left by a crash, or closed unsent), its media and
 * idempotency key as they were: sending it again cannot post it twice.
 *
 * Returns: (transfer none) (nullable): the window, shown; %NULL when no account is open or the
 *   draft is gone
 */
QtrComposeWindow *
qtr_compose_window_new_from_draft (GtkWindow *parent,
                                   gint64     draft_id)
{
  QtrComposeWindow *self;
  g_autoptr(QtrDraft) draft = NULL;
  g_autoptr(GError) error = NULL;
  QtrWindow *window = GTK_IS_WINDOW (parent) ? find_main_window (parent) : NULL;
  QtrDrafts *drafts = window ? qtr_window_get_drafts (window) : NULL;

  if (drafts == NULL || (draft = qtr_drafts_lookup (drafts, draft_id, &error)) == NULL)
    {
      if (error != NULL)
        g_debug ("The draft could not be read: %s", error->message);
      return NULL;
    }
  self = create (parent);
  if (self == NULL)
    return NULL;
  qtr_draft_free (self->draft);
  self->draft = g_steal_pointer (&draft);
  if (self->draft->edit_id != NULL)
    {
      self->mode = MODE_EDIT;
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Post"));
      adw_window_title_set_title (self->window_title, _("Edit Post"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->visibility_dropdown), FALSE);
    }
  apply_draft (self);
  if (self->draft->in_reply_to_id != NULL && self->mode == MODE_NEW)
    {
      g_autofree char *path = g_strconcat ("/api/v1/statuses/", self->draft->in_reply_to_id,
                                           NULL);

      qtr_api_client_get_async (self->client, path, NULL, self->cancellable,
                                in_reply_to_loaded_cb, g_object_ref (self));
    }
  present (self);
  return self;
}

/* The drafts list */

static void
draft_row_activated_cb (GtkListBox    *list,
                        GtkListBoxRow *row,
                        GtkWindow     *dialog)
{
  GtkWindow *parent = gtk_window_get_transient_for (dialog);
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "qtr-draft-id"));

  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    {
      /* A draft already open is brought forward rather than opened twice. */
      if (QTR_IS_COMPOSE_WINDOW (l->data) && QTR_COMPOSE_WINDOW (l->data)->draft->id == id)
        {
          gtk_window_present (l->data);
          g_list_free (l);
          gtk_window_destroy (dialog);
          return;
        }
    }
  gtk_window_destroy (dialog);
  qtr_compose_window_new_from_draft (parent, id);
}

static void
delete_draft_clicked_cb (GtkButton *button,
                         GtkWidget *row)
{
  QtrDrafts *drafts = g_object_get_data (G_OBJECT (row), "qtr-drafts");
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "qtr-draft-id"));
  g_autoptr(GError) error = NULL;

  if (!qtr_drafts_delete (drafts, id, &error))
    {
      g_debug ("The draft was not deleted: %s", error->message);
      return;
    }
  gtk_list_box_remove (GTK_LIST_BOX (gtk_widget_get_parent (row)), row);
}

/**
 * qtr_compose_window_show_drafts:
 * @parent: the app's #QtrWindow, or a window of it
 *
 * Shows the account's unsent drafts, the newest first; choosing one opens it in a compose
 * window, and each can be deleted. Says so when there are none.
 */
void
qtr_compose_window_show_drafts (GtkWindow *parent)
{
  QtrWindow *window;
  QtrDrafts *drafts;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog, *box, *scrolled;

  g_return_if_fail (GTK_IS_WINDOW (parent));

  window = find_main_window (parent);
  drafts = window ? qtr_window_get_drafts (window) : NULL;
  if (drafts != NULL)
    list = qtr_drafts_list (drafts, &error);
  dialog = adw_message_dialog_new (window ? GTK_WINDOW (window) : parent, _("Drafts"), NULL);
  gtk_widget_set_name (dialog, "drafts-dialog");
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  if (list == NULL || list->len == 0)
    {
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                                   list == NULL ? _("The drafts could not be read.")
                                                : _("No unsent posts."));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Posts written but not sent. Choose one to go on with it."));
  box = gtk_list_box_new ();
  gtk_widget_set_name (box, "drafts-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (box, "boxed-list");
  for (guint i = 0; i < list->len; i++)
    {
      QtrDraft *draft = list->pdata[i];
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (draft->updated_at);
      g_autofree char *when = g_date_time_format (time, "%x %X");
      g_autofree char *title = g_strndup (draft->text, 200);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *delete_button = gtk_button_new_from_icon_name ("user-trash-symbolic");

      g_strdelimit (title, "\n", ' ');
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     *title ? title : _("(no text)"));
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "qtr-draft-id", GSIZE_TO_POINTER (draft->id));
      g_object_set_data_full (G_OBJECT (row), "qtr-drafts", g_object_ref (drafts),
                              g_object_unref);
      gtk_widget_set_valign (delete_button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (delete_button, "flat");
      gtk_widget_set_tooltip_text (delete_button, _("Delete the draft"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (delete_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Delete the draft"), -1);
      g_signal_connect (delete_button, "clicked", G_CALLBACK (delete_draft_clicked_cb), row);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete_button);
      gtk_list_box_append (GTK_LIST_BOX (box), row);
    }
  g_signal_connect (box, "row-activated", G_CALLBACK (draft_row_activated_cb), dialog);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 400);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * qtr_compose_window_get_draft:
 *
 * Returns: (transfer none): the draft as last saved or sent
 */
const QtrDraft *
qtr_compose_window_get_draft (QtrComposeWindow *self)
{
  g_return_val_if_fail (QTR_IS_COMPOSE_WINDOW (self), NULL);

  return self->draft;
}

/**
 * qtr_compose_window_dup_text:
 *
 * Returns: (transfer full): the text as written now
 */
char *
qtr_compose_window_dup_text (QtrComposeWindow *self)
{
  g_return_val_if_fail (QTR_IS_COMPOSE_WINDOW (self), NULL);

  return get_text (self);
}

/**
 * qtr_compose_window_get_length:
 *
 * Returns: the post's length as the server counts it, content warning included
 */
guint
qtr_compose_window_get_length (QtrComposeWindow *self)
{
  g_return_val_if_fail (QTR_IS_COMPOSE_WINDOW (self), 0);

  return count_length (self);
}

/**
 * qtr_compose_window_can_send:
 *
 * Returns: whether Send is on: something to send, within the limit, every image uploaded
 */
gboolean
qtr_compose_window_can_send (QtrComposeWindow *self)
{
  g_return_val_if_fail (QTR_IS_COMPOSE_WINDOW (self), FALSE);

  return can_send (self);
}

/**
 * qtr_compose_window_get_error:
 *
 * Returns: (nullable): the error shown above the text, if any
 */
const char *
qtr_compose_window_get_error (QtrComposeWindow *self)
{
  g_return_val_if_fail (QTR_IS_COMPOSE_WINDOW (self), NULL);

  return self->error_text;
}

/**
 * qtr_compose_window_add_files:
 * @files: (element-type GFile): images, as dropped or chosen
 *
 * Attaches and uploads @files, as many as the server takes.
 */
void
qtr_compose_window_add_files (QtrComposeWindow *self,
                              GSList           *files)
{
  g_return_if_fail (QTR_IS_COMPOSE_WINDOW (self));

  for (GSList *l = files; l != NULL; l = l->next)
    add_file (self, l->data);
  content_changed_cb (self);
}

/**
 * qtr_compose_window_get_n_uploading:
 *
 * Returns: how many attachments are not on the server yet
 */
guint
qtr_compose_window_get_n_uploading (QtrComposeWindow *self)
{
  g_return_val_if_fail (QTR_IS_COMPOSE_WINDOW (self), 0);

  return count_uploading (self);
}

/**
 * qtr_compose_window_get_completion:
 *
 * Returns: (transfer none): the popover of @handle and #hashtag suggestions
 */
GtkWidget *
qtr_compose_window_get_completion (QtrComposeWindow *self)
{
  g_return_val_if_fail (QTR_IS_COMPOSE_WINDOW (self), NULL);

  return GTK_WIDGET (self->completion_popover);
}
