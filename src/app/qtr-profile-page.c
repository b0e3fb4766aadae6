/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-profile-page.h"

#include <glib/gi18n.h>

#include "qtr-account-timeline.h"
#include "qtr-html.h"
#include "qtr-image-loader.h"
#include "qtr-main-view.h"
#include "qtr-open-uri.h"
#include "qtr-relationship.h"

/* QtrProfilePage: an account's profile, a page pushed over a timeline.
 *
 * The account comes as an object (from a post's author), or is found on the user's server:
 * by its handle (`/api/v1/accounts/lookup`, then `/api/v2/search?resolve=true` for an account
 * the server does not know yet), or by its profile URL (a mention's link; the search). Then:
 * the header image, the avatar, the name and handle, the bio and the fields through the one
 * HTML converter (web links open the browser, mentions other profiles, hashtags their pages),
 * the fields whose link the server verified marked so, the counts, and "Follows you". The
 * follow button (from `/api/v1/accounts/relationships`) says Follow, Following or Requested (a
 * locked account approves followers); pressing it follows or unfollows at once on screen, and
 * if the server refuses, goes back and says why in a toast. The menu mutes, blocks, undoes
 * either, or opens the profile in the browser. Three tabs show the account's posts (without
 * replies), posts and replies, and media: QtrAccountTimelines in QtrTimelineViews, each loaded
 * the first time it shows. Disposing of the page cancels its requests. */

struct _QtrProfilePage
{
  AdwBin           parent_instance;

  QtrApiClient    *client;
  char            *own_id;    /* nullable: the user's own account id */
  char            *acct;      /* nullable: to look up */
  char            *url;       /* nullable: to search for */
  QtrAccount      *account;   /* nullable: until found */
  GCancellable    *cancellable;
  GPtrArray       *links;     /* QtrHtmlLink of the bio and the fields */

  gboolean         have_relationship;
  gboolean         following;
  gboolean         requested;
  gboolean         followed_by;
  gboolean         muting;
  gboolean         blocking;
  gboolean         busy;      /* a follow, mute or block is under way */

  /* Template widgets */
  GtkStack        *stack;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_page;
  GtkPicture      *header_picture;
  AdwAvatar       *avatar;
  GtkLabel        *name_label;
  GtkLabel        *handle_label;
  GtkLabel        *follows_you_label;
  GtkButton       *follow_button;
  GtkMenuButton   *menu_button;
  GtkLabel        *bio_label;
  GtkListBox      *fields_list;
  GtkLabel        *counts_label;
  AdwViewStack    *view_stack;
  QtrTimelineView *posts_view;
  QtrTimelineView *replies_view;
  QtrTimelineView *media_view;
};

enum {
  STATUS_ACTIVATED,
  MENTION_ACTIVATED,
  HASHTAG_ACTIVATED,
  PROFILE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrProfilePage, qtr_profile_page, ADW_TYPE_BIN)

/* One request of the page; the page is kept until it is answered. */
typedef struct {
  QtrProfilePage *page;
  char           *failure;     /* what the toast says if it fails */
  const char     *undo;        /* nullable: the action that undoes it, offered in a toast */
  gboolean        following;   /* what to go back to on failure */
  gboolean        requested;
  gboolean        muting;
  gboolean        blocking;
} Request;

static Request *
request_new (QtrProfilePage *page,
             const char     *failure)
{
  Request *request = g_new0 (Request, 1);

  request->page = g_object_ref (page);
  request->failure = g_strdup (failure);
  request->following = page->following;
  request->requested = page->requested;
  request->muting = page->muting;
  request->blocking = page->blocking;
  return request;
}

static void
request_free (Request *request)
{
  g_object_unref (request->page);
  g_free (request->failure);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static gboolean
is_own (QtrProfilePage *self)
{
  return self->own_id != NULL && self->account != NULL &&
         g_strcmp0 (self->own_id, qtr_account_get_id (self->account)) == 0;
}

static void
show_toast (QtrProfilePage *self,
            const char     *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static char *
escape_id (QtrProfilePage *self)
{
  return g_uri_escape_string (qtr_account_get_id (self->account), NULL, FALSE);
}

/* The follow button and the menu, from the relationship. */
static void
update_relationship (QtrProfilePage *self)
{
  GtkWidget *button = GTK_WIDGET (self->follow_button);
  const char *state = qtr_profile_page_get_follow_state (self);
  gboolean known = self->have_relationship && !is_own (self);

  gtk_widget_set_visible (button, known);
  gtk_widget_set_visible (GTK_WIDGET (self->follows_you_label), known && self->followed_by);
  gtk_widget_remove_css_class (button, "suggested-action");
  if (g_str_equal (state, "following"))
    {
      gtk_button_set_label (self->follow_button, _("Following"));
      gtk_widget_set_tooltip_text (button, _("Unfollow"));
    }
  else if (g_str_equal (state, "requested"))
    {
      gtk_button_set_label (self->follow_button, _("Requested"));
      gtk_widget_set_tooltip_text (button, _("Withdraw the follow request"));
    }
  else
    {
      gtk_button_set_label (self->follow_button, _("Follow"));
      gtk_widget_set_tooltip_text (button, NULL);
      gtk_widget_add_css_class (button, "suggested-action");
    }
  gtk_widget_set_sensitive (button, !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.mute",
                                 known && !self->busy && !self->muting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.unmute",
                                 known && !self->busy && self->muting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.block",
                                 known && !self->busy && !self->blocking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.unblock",
                                 known && !self->busy && self->blocking);
}

static void
apply_relationship (QtrProfilePage *self,
                    JsonObject     *json)
{
  g_autoptr(QtrRelationship) relationship = NULL;
  g_autoptr(GError) error = NULL;

  relationship = qtr_relationship_new_from_json (json, &error);
  if (relationship == NULL)
    {
      g_debug ("The relationship is not usable: %s", error->message);
      return;
    }
  if (g_strcmp0 (qtr_relationship_get_id (relationship), qtr_account_get_id (self->account)) != 0)
    return;
  self->have_relationship = TRUE;
  self->following = qtr_relationship_get_following (relationship);
  self->requested = qtr_relationship_get_requested (relationship);
  self->followed_by = qtr_relationship_get_followed_by (relationship);
  self->muting = qtr_relationship_get_muting (relationship);
  self->blocking = qtr_relationship_get_blocking (relationship);
  update_relationship (self);
}

static void
relationships_loaded_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(QtrProfilePage) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  array = response != NULL ? qtr_api_response_get_array (response, &error) : NULL;
  if (array == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No relationship with the account: %s", error->message);
      return;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        apply_relationship (self, json_node_get_object (node));
    }
}

static void
undo_clicked_cb (AdwToast       *toast,
                 QtrProfilePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self),
                              g_object_get_data (G_OBJECT (toast), "qtr-undo"), NULL);
}

/* "Muted" or "Blocked", with a button that undoes it. */
static void
offer_undo (QtrProfilePage *self,
            const char     *undo)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    return;
  toast = adw_toast_new (g_str_equal (undo, "profile.unmute") ? _("Muted") : _("Blocked"));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data (G_OBJECT (toast), "qtr-undo", (gpointer) undo);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

/* A follow, unfollow, mute… answered: the server's relationship, or back to before. */
static void
relationship_changed_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  QtrProfilePage *self = request->page;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  object = response != NULL ? qtr_api_response_get_object (response, &error) : NULL;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (object == NULL)
    {
      g_autofree char *text = NULL;

      self->following = request->following;
      self->requested = request->requested;
      self->muting = request->muting;
      self->blocking = request->blocking;
      update_relationship (self);
      text = g_strconcat (request->failure, ": ", error->message, NULL);
      show_toast (self, text);
      return;
    }
  apply_relationship (self, object);
  update_relationship (self);
  if (request->undo != NULL)
    offer_undo (self, request->undo);
}

/* Sends POST /api/v1/accounts/:id/@verb, after the state shown changed. */
static void
change_relationship (QtrProfilePage *self,
                     const char     *verb,
                     Request        *request)
{
  g_autofree char *id = escape_id (self);
  g_autofree char *path = g_strconcat ("/api/v1/accounts/", id, "/", verb, NULL);

  self->busy = TRUE;
  update_relationship (self);
  qtr_api_client_post_form_async (self->client, path, NULL, self->cancellable,
                                  relationship_changed_cb, request);
}

static void
follow_button_clicked_cb (QtrProfilePage *self)
{
  Request *request;

  if (self->account == NULL || !self->have_relationship || self->busy)
    return;
  if (self->following || self->requested)
    {
      request = request_new (self, _("Could not unfollow"));
      self->following = self->requested = FALSE;
      change_relationship (self, "unfollow", request);
    }
  else
    {
      request = request_new (self, _("Could not follow"));
      if (qtr_account_get_locked (self->account))
        self->requested = TRUE;
      else
        self->following = TRUE;
      change_relationship (self, "follow", request);
    }
}

static void
relationship_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  QtrProfilePage *self = QTR_PROFILE_PAGE (widget);
  const char *verb = strchr (action_name, '.') + 1;
  Request *request;

  if (self->account == NULL || self->busy)
    return;
  if (g_str_equal (verb, "mute"))
    {
      request = request_new (self, _("Could not mute"));
      request->undo = "profile.unmute";
    }
  else if (g_str_equal (verb, "unmute"))
    request = request_new (self, _("Could not unmute"));
  else if (g_str_equal (verb, "block"))
    {
      request = request_new (self, _("Could not block"));
      request->undo = "profile.unblock";
    }
  else
    request = request_new (self, _("Could not unblock"));
  self->muting = g_str_equal (verb, "mute") || (self->muting && !g_str_equal (verb, "unmute"));
  self->blocking = g_str_equal (verb, "block") ||
                   (self->blocking && !g_str_equal (verb, "unblock"));
  if (self->blocking)
    self->following = self->requested = FALSE;
  change_relationship (self, verb, request);
}

static void
open_in_browser_activated_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  QtrProfilePage *self = QTR_PROFILE_PAGE (widget);

  if (self->account != NULL && qtr_account_get_url (self->account) != NULL)
    qtr_open_uri (widget, qtr_account_get_url (self->account));
}

/* A link of the bio or a field: a mention opens its profile, a hashtag its page, any other
 * link the browser. */
static gboolean
bio_activate_link_cb (QtrProfilePage *self,
                      const char     *uri)
{
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
          g_signal_emit (self, signals[HASHTAG_ACTIVATED], 0,
                         link->text[0] == '#' ? link->text + 1 : link->text);
          return TRUE;
        }
      break;
    }
  qtr_open_uri (GTK_WIDGET (self), uri);
  return TRUE;
}

/* Converts @html to label markup, keeping its links for bio_activate_link_cb(). */
static char *
to_markup (QtrProfilePage *self,
           const char     *html)
{
  g_autoptr(GPtrArray) links = NULL;
  char *markup = qtr_html_to_markup (html != NULL ? html : "", &links);

  for (guint i = 0; links != NULL && i < links->len; i++)
    g_ptr_array_add (self->links, g_steal_pointer (&links->pdata[i]));
  return markup;
}

static GtkWidget *
make_field_row (QtrProfilePage  *self,
                QtrAccountField *field)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *name = gtk_label_new (field->name);
  GtkWidget *value = gtk_label_new (NULL);
  g_autofree char *markup = to_markup (self, field->value);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_widget_add_css_class (name, "caption");
  gtk_widget_add_css_class (name, "dim-label");
  gtk_label_set_markup (GTK_LABEL (value), markup);
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  g_signal_connect_object (value, "activate-link", G_CALLBACK (bio_activate_link_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), name);
  gtk_box_append (GTK_BOX (texts), value);
  gtk_box_append (GTK_BOX (box), texts);
  if (field->verified_at != NULL)
    {
      GtkWidget *check = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
      g_autoptr(GDateTime) local = g_date_time_to_local (field->verified_at);
      /* Translators: a date, in g_date_time_format() form */
      g_autofree char *date = g_date_time_format (local, _("%-d %B %Y"));
      /* Translators: %s is a date */
      g_autofree char *tooltip = g_strdup_printf (_("Verified on %s: the linked page links "
                                                    "back to this profile"), date);

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (check, "success");
      gtk_widget_set_tooltip_text (check, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Verified"), -1);
      gtk_widget_set_name (row, "verified");
      gtk_widget_add_css_class (row, "verified");
      gtk_box_append (GTK_BOX (box), check);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
header_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QtrProfilePage) self = user_data;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GError) error = NULL;

  paintable = qtr_image_loader_load_finish (QTR_IMAGE_LOADER (source), result, &error);
  if (paintable == NULL)
    return;
  gtk_picture_set_paintable (self->header_picture, paintable);
  gtk_widget_set_visible (GTK_WIDGET (self->header_picture), TRUE);
}

static void
avatar_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QtrProfilePage) self = user_data;
  g_autoptr(GdkPaintable) paintable = NULL;

  paintable = qtr_image_loader_load_finish (QTR_IMAGE_LOADER (source), result, NULL);
  if (paintable != NULL)
    adw_avatar_set_custom_image (self->avatar, paintable);
}

/* Loads the tab's timeline the first time it shows. */
static void
load_tab (QtrProfilePage  *self,
          QtrTimelineView *view)
{
  QtrTimeline *timeline = view != NULL ? qtr_timeline_view_get_model (view) : NULL;

  if (timeline == NULL || qtr_timeline_get_loading (timeline) ||
      qtr_timeline_get_state (timeline) != QTR_TIMELINE_STATE_INITIAL)
    return;
  qtr_timeline_load_newer_async (timeline, self->cancellable, NULL, NULL);
}

static void
view_stack_visible_child_cb (QtrProfilePage *self)
{
  GtkWidget *child = adw_view_stack_get_visible_child (self->view_stack);

  if (QTR_IS_TIMELINE_VIEW (child))
    load_tab (self, QTR_TIMELINE_VIEW (child));
}

static char *
format_counts (QtrAccount *account)
{
  gint64 posts = qtr_account_get_statuses_count (account);
  gint64 following = qtr_account_get_following_count (account);
  gint64 followers = qtr_account_get_followers_count (account);
  g_autofree char *posts_text =
    g_strdup_printf (ngettext ("%ld post", "%ld posts",
                               (gulong) posts), (long) posts);
  /* Translators: how many accounts the profile's owner follows */
  g_autofree char *following_text =
    g_strdup_printf (ngettext ("%ld following",
                               "%ld following", (gulong) following), (long) following);
  g_autofree char *followers_text =
    g_strdup_printf (ngettext ("%ld follower",
                               "%ld followers", (gulong) followers), (long) followers);

  return g_strjoin (" · ", posts_text, following_text, followers_text, NULL);
}

static void
show_account (QtrProfilePage *self,
              QtrAccount     *account)
{
  QtrImageLoader *loader = qtr_image_loader_get_default ();
  GPtrArray *fields = qtr_account_get_fields (account);
  g_autofree char *handle = g_strconcat ("@", qtr_account_get_acct (account), NULL);
  g_autofree char *bio = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *id = NULL;
  const char *avatar = qtr_account_get_avatar_static (account);
  const char *query[3] = { "id[]", NULL, NULL };
  const struct {
    QtrTimelineView          *view;
    QtrAccountTimelineFilter  filter;
  } tabs[] = {
    { self->posts_view, QTR_ACCOUNT_TIMELINE_POSTS },
    { self->replies_view, QTR_ACCOUNT_TIMELINE_POSTS_AND_REPLIES },
    { self->media_view, QTR_ACCOUNT_TIMELINE_MEDIA },
  };
  GtkWidget *child;
  GtkWidget *main_view;

  g_set_object (&self->account, account);
  g_ptr_array_set_size (self->links, 0);

  gtk_label_set_label (self->name_label, qtr_account_get_name (account));
  gtk_label_set_label (self->handle_label, handle);
  adw_avatar_set_text (self->avatar, qtr_account_get_name (account));
  if (avatar == NULL)
    avatar = qtr_account_get_avatar (account);
  if (avatar != NULL)
    qtr_image_loader_load_async (loader, avatar, self->cancellable, avatar_loaded_cb,
                                 g_object_ref (self));
  if (qtr_account_get_header (account) != NULL)
    qtr_image_loader_load_async (loader, qtr_account_get_header (account), self->cancellable,
                                 header_loaded_cb, g_object_ref (self));

  bio = to_markup (self, qtr_account_get_note (account));
  gtk_label_set_markup (self->bio_label, bio);
  gtk_widget_set_visible (GTK_WIDGET (self->bio_label), *bio != '\0');
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields_list))) != NULL)
    gtk_list_box_remove (self->fields_list, child);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    gtk_list_box_append (self->fields_list, make_field_row (self, fields->pdata[i]));
  gtk_widget_set_visible (GTK_WIDGET (self->fields_list), fields != NULL && fields->len > 0);
  counts = format_counts (account);
  gtk_label_set_label (self->counts_label, counts);

  for (guint i = 0; i < G_N_ELEMENTS (tabs); i++)
    {
      g_autoptr(QtrAccountTimeline) timeline =
        qtr_account_timeline_new (self->client, qtr_account_get_id (account), tabs[i].filter);

      qtr_timeline_view_set_model (tabs[i].view, QTR_TIMELINE (timeline));
    }
  view_stack_visible_child_cb (self);

  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "profile");
  main_view = gtk_widget_get_ancestor (GTK_WIDGET (self), QTR_TYPE_MAIN_VIEW);
  if (main_view != NULL)
    qtr_main_view_set_page_title (QTR_MAIN_VIEW (main_view), GTK_WIDGET (self),
                                  qtr_account_get_name (account));

  update_relationship (self);
  if (is_own (self))
    return;
  query[1] = qtr_account_get_id (account);
  qtr_api_client_get_async (self->client, "/api/v1/accounts/relationships", query,
                            self->cancellable, relationships_loaded_cb, g_object_ref (self));
}

static void
show_error (QtrProfilePage *self,
            const char     *message)
{
  gtk_spinner_stop (self->spinner);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* The answer of a search: the account whose URL or handle is the one asked for, or the only
 * one. */
static void
searched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QtrProfilePage) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrAccount) found = NULL;
  JsonObject *object;
  JsonNode *accounts;
  const char *wanted = self->url != NULL ? self->url : self->acct;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  object = response != NULL ? qtr_api_response_get_object (response, &error) : NULL;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (object == NULL)
    {
      show_error (self, error->message);
      return;
    }
  accounts = json_object_get_member (object, "accounts");
  for (guint i = 0; accounts != NULL && JSON_NODE_HOLDS_ARRAY (accounts) &&
                    i < json_array_get_length (json_node_get_array (accounts)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (accounts), i);
      g_autoptr(QtrAccount) account = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      account = qtr_account_new_from_json (json_node_get_object (node), NULL);
      if (account == NULL)
        continue;
      if (g_strcmp0 (qtr_account_get_url (account), wanted) == 0 ||
          g_strcmp0 (qtr_account_get_acct (account), wanted) == 0 ||
          json_array_get_length (json_node_get_array (accounts)) == 1)
        {
          found = g_steal_pointer (&account);
          break;
        }
    }
  if (found == NULL)
    {
      show_error (self, _("The server found no such account. It may have moved or been "
                          "deleted."));
      return;
    }
  show_account (self, found);
}

static void
search (QtrProfilePage *self)
{
  const char *query[] = {
    "q", self->url != NULL ? self->url : self->acct,
    "resolve", "true",
    "type", "accounts",
    "limit", "5",
    NULL
  };

  qtr_api_client_get_async (self->client, "/api/v2/search", query, self->cancellable,
                            searched_cb, g_object_ref (self));
}

static void
account_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(QtrProfilePage) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrAccount) account = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  object = response != NULL ? qtr_api_response_get_object (response, &error) : NULL;
  if (object != NULL)
    account = qtr_account_new_from_json (object, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (account != NULL)
    show_account (self, account);
  else if (self->acct != NULL)
    search (self);  /* not known to the server by that handle yet: let it look */
  else
    show_error (self, error->message);
}

static void
retry_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  qtr_profile_page_reload (QTR_PROFILE_PAGE (widget));
}

static void
tab_status_activated_cb (QtrProfilePage *self,
                         QtrStatus      *status)
{
  g_signal_emit (self, signals[STATUS_ACTIVATED], 0, status);
}

static void
tab_mention_activated_cb (QtrProfilePage *self,
                          const char     *url)
{
  g_signal_emit (self, signals[MENTION_ACTIVATED], 0, url);
}

static void
tab_hashtag_activated_cb (QtrProfilePage *self,
                          const char     *name)
{
  g_signal_emit (self, signals[HASHTAG_ACTIVATED], 0, name);
}

static void
tab_profile_activated_cb (QtrProfilePage *self,
                          QtrAccount     *account)
{
  /* The profile shown already: nothing to open. */
  if (self->account == NULL ||
      g_strcmp0 (qtr_account_get_id (account), qtr_account_get_id (self->account)) != 0)
    g_signal_emit (self, signals[PROFILE_ACTIVATED], 0, account);
}

/* Gone from the window (popped, or its account closed): what it still waits for stops now,
 * and lets go of it, instead of keeping it alive until the server answers. */
static void
qtr_profile_page_unroot (GtkWidget *widget)
{
  QtrProfilePage *self = QTR_PROFILE_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();

  GTK_WIDGET_CLASS (qtr_profile_page_parent_class)->unroot (widget);
}

static void
qtr_profile_page_dispose (GObject *object)
{
  QtrProfilePage *self = QTR_PROFILE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_PROFILE_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_object (&self->client);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_pointer (&self->own_id, g_free);
  g_clear_pointer (&self->acct, g_free);
  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (qtr_profile_page_parent_class)->dispose (object);
}

static void
qtr_profile_page_class_init (QtrProfilePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_profile_page_dispose;
  widget_class->unroot = qtr_profile_page_unroot;

  signals[STATUS_ACTIVATED] =
    g_signal_new ("status-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_STATUS);
  signals[MENTION_ACTIVATED] =
    g_signal_new ("mention-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[HASHTAG_ACTIVATED] =
    g_signal_new ("hashtag-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[PROFILE_ACTIVATED] =
    g_signal_new ("profile-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_ACCOUNT);

  gtk_widget_class_install_action (widget_class, "profile.retry", NULL, retry_activated_cb);
  gtk_widget_class_install_action (widget_class, "profile.mute", NULL,
                                   relationship_activated_cb);
  gtk_widget_class_install_action (widget_class, "profile.unmute", NULL,
                                   relationship_activated_cb);
  gtk_widget_class_install_action (widget_class, "profile.block", NULL,
                                   relationship_activated_cb);
  gtk_widget_class_install_action (widget_class, "profile.unblock", NULL,
                                   relationship_activated_cb);
  gtk_widget_class_install_action (widget_class, "profile.open-in-browser", NULL,
                                   open_in_browser_activated_cb);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-profile-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, stack);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, header_picture);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, avatar);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, name_label);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, handle_label);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, follows_you_label);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, follow_button);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, menu_button);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, bio_label);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, fields_list);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, counts_label);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, posts_view);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, replies_view);
  gtk_widget_class_bind_template_child (widget_class, QtrProfilePage, media_view);
  gtk_widget_class_bind_template_callback (widget_class, follow_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, bio_activate_link_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_stack_visible_child_cb);
}

static void
qtr_profile_page_init (QtrProfilePage *self)
{
  QtrTimelineView *views[3];

  g_type_ensure (QTR_TYPE_TIMELINE_VIEW);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->links = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_html_link_free);
  views[0] = self->posts_view;
  views[1] = self->replies_view;
  views[2] = self->media_view;
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_signal_connect_object (views[i], "status-activated",
                               G_CALLBACK (tab_status_activated_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (views[i], "mention-activated",
                               G_CALLBACK (tab_mention_activated_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (views[i], "hashtag-activated",
                               G_CALLBACK (tab_hashtag_activated_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (views[i], "profile-activated",
                               G_CALLBACK (tab_profile_activated_cb), self, G_CONNECT_SWAPPED);
    }
  update_relationship (self);
}

static QtrProfilePage *
profile_page_new (QtrApiClient *client,
                  const char   *own_id)
{
  QtrProfilePage *self = g_object_new (QTR_TYPE_PROFILE_PAGE, NULL);

  self->client = g_object_ref (client);
  self->own_id = g_strdup (own_id);
  return self;
}

/**
 * qtr_profile_page_new_for_account:
 * @client: the account's API client
 * @account: whose profile (an account as @client's server gave it)
 * @own_id: (nullable): the user's own account id: their own profile has no follow button
 *
 * Returns: (transfer floating): the profile of @account
 */
GtkWidget *
qtr_profile_page_new_for_account (QtrApiClient *client,
                                  QtrAccount   *account,
                                  const char   *own_id)
{
  QtrProfilePage *self;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (QTR_IS_ACCOUNT (account), NULL);

  self = profile_page_new (client, own_id);
  show_account (self, account);
  return GTK_WIDGET (self);
}

/**
 * qtr_profile_page_new_for_acct:
 * @acct: a handle, `user@host` (with or without the leading `@`), or `user` on the server
 * @own_id: (nullable): the user's own account id
 *
 * Returns: (transfer floating): a profile page that looks the account up
 */
GtkWidget *
qtr_profile_page_new_for_acct (QtrApiClient *client,
                               const char   *acct,
                               const char   *own_id)
{
  QtrProfilePage *self;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (acct != NULL, NULL);

  self = profile_page_new (client, own_id);
  self->acct = g_strdup (acct[0] == '@' ? acct + 1 : acct);
  qtr_profile_page_reload (self);
  return GTK_WIDGET (self);
}

/**
 * qtr_profile_page_new_for_url:
 * @url: a profile's address, such as a mention's link
 * @own_id: (nullable): the user's own account id
 *
 * Returns: (transfer floating): a profile page that has the server find the account
 */
GtkWidget *
qtr_profile_page_new_for_url (QtrApiClient *client,
                              const char   *url,
                              const char   *own_id)
{
  QtrProfilePage *self;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  self = profile_page_new (client, own_id);
  self->url = g_strdup (url);
  qtr_profile_page_reload (self);
  return GTK_WIDGET (self);
}

/**
 * qtr_profile_page_get_account:
 *
 * Returns: (transfer none) (nullable): the account shown, once found
 */
QtrAccount *
qtr_profile_page_get_account (QtrProfilePage *self)
{
  g_return_val_if_fail (QTR_IS_PROFILE_PAGE (self), NULL);

  return self->account;
}

/**
 * qtr_profile_page_get_state:
 *
 * Returns: what shows: `loading`, `error` or `profile`
 */
const char *
qtr_profile_page_get_state (QtrProfilePage *self)
{
  g_return_val_if_fail (QTR_IS_PROFILE_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * qtr_profile_page_get_follow_state:
 *
 * Returns: what the follow button says: `unknown` (no relationship yet), `following`,
 *   `requested` or `not-following`
 */
const char *
qtr_profile_page_get_follow_state (QtrProfilePage *self)
{
  g_return_val_if_fail (QTR_IS_PROFILE_PAGE (self), NULL);

  if (!self->have_relationship)
    return "unknown";
  if (self->following)
    return "following";
  if (self->requested)
    return "requested";
  return "not-following";
}

/**
 * qtr_profile_page_get_busy:
 *
 * Returns: whether a follow, unfollow, mute or block waits for the server
 */
gboolean
qtr_profile_page_get_busy (QtrProfilePage *self)
{
  g_return_val_if_fail (QTR_IS_PROFILE_PAGE (self), FALSE);

  return self->busy;
}

/**
 * qtr_profile_page_get_tab:
 * @name: `posts`, `replies` or `media`
 *
 * Returns: (transfer none) (nullable): the tab's timeline view
 */
QtrTimelineView *
qtr_profile_page_get_tab (QtrProfilePage *self,
                          const char     *name)
{
  g_return_val_if_fail (QTR_IS_PROFILE_PAGE (self), NULL);

  return QTR_TIMELINE_VIEW (adw_view_stack_get_child_by_name (self->view_stack, name));
}

/**
 * qtr_profile_page_select_tab:
 * @name: `posts`, `replies` or `media`
 */
void
qtr_profile_page_select_tab (QtrProfilePage *self,
                             const char     *name)
{
  g_return_if_fail (QTR_IS_PROFILE_PAGE (self));

  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/**
 * qtr_profile_page_reload:
 *
 * Finds the account again (after a failure: what "Retry" does).
 */
void
qtr_profile_page_reload (QtrProfilePage *self)
{
  g_return_if_fail (QTR_IS_PROFILE_PAGE (self));

  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_start (self->spinner);
  if (self->account != NULL)
    {
      g_autofree char *id = escape_id (self);
      g_autofree char *path = g_strconcat ("/api/v1/accounts/", id, NULL);

      qtr_api_client_get_async (self->client, path, NULL, self->cancellable,
                                account_loaded_cb, g_object_ref (self));
    }
  else if (self->acct != NULL)
    {
      const char *query[] = { "acct", self->acct, NULL };

      qtr_api_client_get_async (self->client, "/api/v1/accounts/lookup", query,
                                self->cancellable, account_loaded_cb, g_object_ref (self));
    }
  else
    search (self);
}
