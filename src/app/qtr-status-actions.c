/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-status-actions.h"

#include <glib/gi18n.h>

#include "qtr-open-uri.h"
#include "qtr-report-dialog.h"
#include "qtr-timeline-view.h"

/* QtrStatusActions: the bar under a post: Reply, Boost, Favourite, Bookmark (each with its
 * count, a toggle for the last three) and a menu: open in the browser, copy the link, and
 * mute, block or report the author, or, for the user's own posts, edit, delete, delete and
 * redraft.
 *
 * Boost, Favourite and Bookmark go through the account's QtrInteractions: the post (every copy
 * of it that a view shows) changes at once, and goes back with a toast in the window saying
 * why when the server refuses. The bar follows its post's notify signals, so it shows what
 * any other view did to the same post.
 *
 * Replying and editing belong to the compose window: the buttons activate
 * `win.reply-to-status`, `win.edit-status` and `win.redraft-status` with the post's id
 * (qtr_interactions_lookup_status() finds the post again); while nothing provides them they
 * are insensitive.
 *
 * The account's QtrInteractions is the one set, else the one of the API client of the
 * QtrTimelineView the bar is in. */

struct _QtrStatusActions
{
  GtkWidget        parent_instance;

  QtrStatus       *status;   /* as bound: for a boost, the boost */
  QtrStatus       *shown;    /* the post acted on */
  QtrInteractions *interactions;
  gulong           notify_id;

  /* Template widgets */
  GtkButton       *reply_button;
  GtkLabel        *replies_label;
  GtkToggleButton *boost_button;
  GtkLabel        *boosts_label;
  GtkToggleButton *favourite_button;
  GtkLabel        *favourites_label;
  GtkToggleButton *bookmark_button;
  GtkMenuButton   *more_button;
};

enum {
  PROP_0,
  PROP_STATUS,
  PROP_INTERACTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrStatusActions, qtr_status_actions, GTK_TYPE_WIDGET)

/**
 * qtr_find_interactions:
 * @widget: a widget of a view of an account
 *
 * Returns: (transfer none) (nullable): the account's interactions: those of the API client of
 *   the QtrTimelineView that @widget is in
 */
QtrInteractions *
qtr_find_interactions (GtkWidget *widget)
{
  GtkWidget *view = gtk_widget_get_ancestor (widget, QTR_TYPE_TIMELINE_VIEW);
  QtrTimeline *model;

  if (view == NULL || (model = qtr_timeline_view_get_model (QTR_TIMELINE_VIEW (view))) == NULL)
    return NULL;
  return qtr_interactions_get_for_client (qtr_timeline_get_client (model));
}

/**
 * qtr_show_toast:
 * @text: what happened, for the user
 *
 * Shows @text in a toast of the toast overlay that @widget is in, or else the first of its
 * window.
 */
static GtkWidget *
find_toast_overlay (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_toast_overlay (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
qtr_show_toast (GtkWidget  *widget,
                const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  /* A window (or a dialog's parent): its overlay is inside. */
  if (overlay == NULL && gtk_widget_get_root (widget) != NULL)
    overlay = find_toast_overlay (GTK_WIDGET (gtk_widget_get_root (widget)));

  if (overlay == NULL)
    {
      g_message ("%s", text);
      return;
    }
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static QtrInteractions *
get_interactions (QtrStatusActions *self)
{
  return self->interactions != NULL ? self->interactions
                                    : qtr_find_interactions (GTK_WIDGET (self));
}

static gboolean
is_own (QtrStatusActions *self)
{
  QtrInteractions *interactions = get_interactions (self);
  const char *own = interactions != NULL ? qtr_interactions_get_account_id (interactions) : NULL;

  return self->shown != NULL && own != NULL &&
         g_strcmp0 (qtr_account_get_id (qtr_status_get_account (self->shown)), own) == 0;
}

static void
show_count (GtkLabel *label,
            gint64    count)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (count, 0));

  gtk_label_set_label (label, text);
}

static void
describe_toggle (GtkToggleButton *button,
                 gboolean         active,
                 const char      *label,
                 const char      *tooltip_on,
                 const char      *tooltip_off,
                 const char      *count_text)
{
  g_autofree char *description = NULL;

  gtk_toggle_button_set_active (button, active);
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), active ? tooltip_on : tooltip_off);
  description = count_text != NULL ? g_strdup_printf ("%s, %s", label, count_text)
                                   : g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_PRESSED,
                               active ? GTK_ACCESSIBLE_TRISTATE_TRUE
                                      : GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
}

/* What the bar shows of its post: the states and the counts. */
static void
update (QtrStatusActions *self)
{
  QtrStatus *shown = self->shown;
  int replies, boosts, favourites;
  g_autofree char *replies_text = NULL;
  g_autofree char *boosts_text = NULL;
  g_autofree char *favourites_text = NULL;
  g_autofree char *reply_label = NULL;
  const char *visibility;
  gboolean can_boost;

  if (shown == NULL)
    return;
  replies = (int) CLAMP (qtr_status_get_replies_count (shown), 0, G_MAXINT);
  boosts = (int) CLAMP (qtr_status_get_reblogs_count (shown), 0, G_MAXINT);
  favourites = (int) CLAMP (qtr_status_get_favourites_count (shown), 0, G_MAXINT);
  replies_text = g_strdup_printf (ngettext ("%d reply", "%d replies", replies), replies);
  boosts_text = g_strdup_printf (ngettext ("%d boost", "%d boosts", boosts), boosts);
  favourites_text = g_strdup_printf (ngettext ("%d favourite", "%d favourites", favourites),
                                     favourites);

  show_count (self->replies_label, replies);
  show_count (self->boosts_label, boosts);
  show_count (self->favourites_label, favourites);

  reply_label = g_strdup_printf ("%s, %s", _("Reply"), replies_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reply_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, reply_label, -1);
  describe_toggle (self->boost_button, qtr_status_get_reblogged (shown), _("Boost"),
                   _("Undo Boost"), _("Boost"), boosts_text);
  describe_toggle (self->favourite_button, qtr_status_get_favourited (shown), _("Favourite"),
                   _("Undo Favourite"), _("Favourite"), favourites_text);
  describe_toggle (self->bookmark_button, qtr_status_get_bookmarked (shown), _("Bookmark"),
                   _("Remove Bookmark"), _("Bookmark"), NULL);

  /* Private posts and direct messages cannot be boosted (but your own private ones can). */
  visibility = qtr_status_get_visibility (shown);
  can_boost = g_strcmp0 (visibility, "direct") != 0 &&
              (g_strcmp0 (visibility, "private") != 0 || is_own (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->boost_button), can_boost);
}

static void
shown_notify_cb (QtrStatusActions *self,
                 GParamSpec       *pspec)
{
  update (self);
}

/* The menu, built for each post: its items name the author. */
static void
build_menu (QtrStatusActions *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) links = g_menu_new ();
  g_autoptr(GMenu) others = g_menu_new ();
  g_autofree char *mute = NULL;
  g_autofree char *block = NULL;
  const char *acct;

  if (self->shown == NULL)
    {
      gtk_menu_button_set_menu_model (self->more_button, NULL);
      return;
    }
  acct = qtr_account_get_acct (qtr_status_get_account (self->shown));
  g_menu_append (links, _("_Open in Browser"), "status.open-in-browser");
  g_menu_append (links, _("_Copy Link"), "status.copy-link");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (links));
  if (is_own (self))
    {
      const char *id = qtr_status_get_id (self->shown);
      g_autoptr(GMenuItem) edit = g_menu_item_new (_("_Edit"), NULL);
      g_autoptr(GMenuItem) redraft = g_menu_item_new (_("Delete and _Redraft"), NULL);

      g_menu_item_set_action_and_target (edit, "win.edit-status", "s", id);
      g_menu_item_set_action_and_target (redraft, "win.redraft-status", "s", id);
      g_menu_append_item (others, edit);
      g_menu_append (others, _("_Delete…"), "status.delete");
      g_menu_append_item (others, redraft);
    }
  else
    {
      /* Translators: %s is a handle, like alice@example.org */
      mute = g_strdup_printf (_("_Mute @%s"), acct);
      /* Translators: %s is a handle, like alice@example.org */
      block = g_strdup_printf (_("_Block @%s…"), acct);
      g_menu_append (others, mute, "status.mute-author");
      g_menu_append (others, block, "status.block-author");
      g_menu_append (others, _("_Report…"), "status.report");
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (others));
  gtk_menu_button_set_menu_model (self->more_button, G_MENU_MODEL (menu));
}

static void
bind (QtrStatusActions *self)
{
  QtrStatus *shown = self->status != NULL ? qtr_status_get_shown (self->status) : NULL;
  QtrInteractions *interactions;

  if (self->shown != NULL)
    g_clear_signal_handler (&self->notify_id, self->shown);
  g_set_object (&self->shown, shown);
  if (shown != NULL)
    {
      self->notify_id = g_signal_connect_object (shown, "notify",
                                                 G_CALLBACK (shown_notify_cb), self,
                                                 G_CONNECT_SWAPPED);
      if ((interactions = get_interactions (self)) != NULL)
        qtr_interactions_track_status (interactions, self->status);
      /* The target first: the action's parameter is a string. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->reply_button), "s",
                                        qtr_status_get_id (shown));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reply_button),
                                      "win.reply-to-status");
    }
  else
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reply_button), NULL);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reply_button), NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (self->reply_button), FALSE);
    }
  build_menu (self);
  update (self);
}

/* ---- Actions ------------------------------------------------------------------------------ */

typedef struct {
  GWeakRef  widget;  /* where to show a toast */
  char     *failure;  /* what failed, translated */
} Feedback;

static Feedback *
feedback_new (QtrStatusActions *self,
              const char       *failure)
{
  Feedback *feedback = g_new0 (Feedback, 1);

  g_weak_ref_init (&feedback->widget, self);
  feedback->failure = g_strdup (failure);
  return feedback;
}

static void
feedback_free (Feedback *feedback)
{
  g_weak_ref_clear (&feedback->widget);
  g_free (feedback->failure);
  g_free (feedback);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Feedback, feedback_free)

static void
feedback_fail (Feedback     *feedback,
               const GError *error)
{
  g_autoptr(GtkWidget) widget = g_weak_ref_get (&feedback->widget);
  g_autofree char *text = NULL;

  if (widget == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Translators: %s is what failed ("Could not boost the post"), then the server's reason */
  text = g_strdup_printf (_("%s: %s"), feedback->failure, error->message);
  qtr_show_toast (widget, text);
}

static void
status_action_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Feedback) feedback = user_data;
  g_autoptr(QtrStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = qtr_interactions_status_finish (QTR_INTERACTIONS (source), result, &error);
  if (status == NULL)
    feedback_fail (feedback, error);
}

static void
run_status_action (QtrStatusActions *self,
                   QtrStatusAction   action,
                   const char       *failure)
{
  QtrInteractions *interactions = get_interactions (self);

  if (self->shown == NULL)
    return;
  if (interactions == NULL)
    {
      update (self);
      return;
    }
  /* Not the row's to cancel: a recycled row still wants the answer for the post. */
  qtr_interactions_status_async (interactions, self->shown, action, NULL, status_action_done_cb,
                                 feedback_new (self, failure));
}

static void
toggle_boost (QtrStatusActions *self)
{
  if (self->shown == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (self->boost_button)))
    return;
  if (qtr_status_get_reblogged (self->shown))
    run_status_action (self, QTR_STATUS_ACTION_UNREBLOG, _("Could not undo the boost"));
  else
    run_status_action (self, QTR_STATUS_ACTION_REBLOG, _("Could not boost the post"));
}

static void
toggle_favourite (QtrStatusActions *self)
{
  if (self->shown == NULL)
    return;
  if (qtr_status_get_favourited (self->shown))
    run_status_action (self, QTR_STATUS_ACTION_UNFAVOURITE,
                       _("Could not undo the favourite"));
  else
    run_status_action (self, QTR_STATUS_ACTION_FAVOURITE, _("Could not favourite the post"));
}

static void
toggle_bookmark (QtrStatusActions *self)
{
  if (self->shown == NULL)
    return;
  if (qtr_status_get_bookmarked (self->shown))
    run_status_action (self, QTR_STATUS_ACTION_UNBOOKMARK,
                       _("Could not remove the bookmark"));
  else
    run_status_action (self, QTR_STATUS_ACTION_BOOKMARK, _("Could not bookmark the post"));
}

static void
boost_button_clicked_cb (QtrStatusActions *self)
{
  toggle_boost (self);
}

static void
favourite_button_clicked_cb (QtrStatusActions *self)
{
  toggle_favourite (self);
}

static void
bookmark_button_clicked_cb (QtrStatusActions *self)
{
  toggle_bookmark (self);
}

static void
boost_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  toggle_boost (QTR_STATUS_ACTIONS (widget));
}

static void
favourite_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  toggle_favourite (QTR_STATUS_ACTIONS (widget));
}

static void
bookmark_activated_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  toggle_bookmark (QTR_STATUS_ACTIONS (widget));
}

static void
reply_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (widget);

  if (self->shown != NULL)
    gtk_widget_activate_action (widget, "win.reply-to-status", "s",
                                qtr_status_get_id (self->shown));
}

static const char *
link_of (QtrStatus *status)
{
  return qtr_status_get_url (status) != NULL ? qtr_status_get_url (status)
                                             : qtr_status_get_uri (status);
}

static void
open_in_browser_activated_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (widget);

  if (self->shown != NULL && link_of (self->shown) != NULL)
    qtr_open_uri (widget, link_of (self->shown));
}

static void
copy_link_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (widget);

  if (self->shown == NULL || link_of (self->shown) == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), link_of (self->shown));
  qtr_show_toast (widget, _("Link copied"));
}

typedef struct {
  Feedback *feedback;
  char     *done;  /* what the toast says once it went through */
} AccountRequest;

static void
account_request_free (AccountRequest *request)
{
  feedback_free (request->feedback);
  g_free (request->done);
  g_free (request);
}

static void
account_action_done_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  AccountRequest *request = user_data;
  g_autoptr(QtrRelationship) relationship = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkWidget) widget = NULL;

  relationship = qtr_interactions_account_finish (QTR_INTERACTIONS (source), result, &error);
  if (relationship == NULL)
    feedback_fail (request->feedback, error);
  else if ((widget = g_weak_ref_get (&request->feedback->widget)) != NULL)
    qtr_show_toast (widget, request->done);
  account_request_free (request);
}

static void
run_account_action (QtrStatusActions *self,
                    QtrAccountAction  action,
                    const char       *failure,
                    const char       *done)
{
  QtrInteractions *interactions = get_interactions (self);
  AccountRequest *request;

  if (self->shown == NULL || interactions == NULL)
    return;
  request = g_new0 (AccountRequest, 1);
  request->feedback = feedback_new (self, failure);
  request->done = g_strdup (done);
  qtr_interactions_account_async (interactions,
                                  qtr_account_get_id (qtr_status_get_account (self->shown)),
                                  action, NULL, account_action_done_cb, request);
}

static void
mute_author_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (widget);
  g_autofree char *done = NULL;

  if (self->shown == NULL)
    return;
  /* Translators: %s is a handle, like alice@example.org */
  done = g_strdup_printf (_("Muted @%s"), qtr_account_get_acct (qtr_status_get_account (self->shown)));
  run_account_action (self, QTR_ACCOUNT_ACTION_MUTE, _("Could not mute the account"), done);
}

static void
block_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   QtrStatusActions *self)
{
  g_autofree char *done = NULL;

  if (!g_str_equal (response, "block") || self->shown == NULL)
    return;
  /* Translators: %s is a handle, like alice@example.org */
  done = g_strdup_printf (_("Blocked @%s"),
                          qtr_account_get_acct (qtr_status_get_account (self->shown)));
  run_account_action (self, QTR_ACCOUNT_ACTION_BLOCK, _("Could not block the account"),
                      done);
}

static void
block_author_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (widget);
  GtkWidget *dialog;

  if (self->shown == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), NULL, NULL);
  /* Translators: %s is a handle, like alice@example.org */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Block @%s?"),
                                     qtr_account_get_acct (qtr_status_get_account (self->shown)));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("You will no longer see their posts, they can no longer "
                                 "follow you or see your posts, and follows between you end."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "block", _("_Block"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "block",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (block_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
report_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (widget);
  QtrInteractions *interactions = get_interactions (self);
  GtkWidget *dialog;

  if (self->shown == NULL || interactions == NULL)
    return;
  dialog = qtr_report_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), interactions,
                                  self->shown);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Feedback) feedback = user_data;
  g_autoptr(JsonObject) deleted = NULL;
  g_autoptr(GError) error = NULL;

  deleted = qtr_interactions_delete_status_finish (QTR_INTERACTIONS (source), result, &error);
  if (deleted == NULL)
    feedback_fail (feedback, error);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    QtrStatusActions *self)
{
  QtrInteractions *interactions = get_interactions (self);

  if (!g_str_equal (response, "delete") || self->shown == NULL || interactions == NULL)
    return;
  qtr_interactions_delete_status_async (interactions, qtr_status_get_id (self->shown), NULL,
                                        deleted_cb,
                                        feedback_new (self, _("Could not delete the post")));
}

static void
delete_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (widget);
  GtkWidget *dialog;

  if (self->shown == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Delete Post?"),
                                   _("It is deleted here and on the servers it went to. Its "
                                     "boosts, favourites and replies go with it."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
qtr_status_actions_root (GtkWidget *widget)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (widget);
  QtrInteractions *interactions;

  GTK_WIDGET_CLASS (qtr_status_actions_parent_class)->root (widget);
  /* Bound before it was in its view: the view's account is known now. */
  if (self->status != NULL && (interactions = get_interactions (self)) != NULL)
    {
      qtr_interactions_track_status (interactions, self->status);
      build_menu (self);
      update (self);
    }
}

static void
qtr_status_actions_dispose (GObject *object)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (object);

  if (self->shown != NULL)
    g_clear_signal_handler (&self->notify_id, self->shown);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_STATUS_ACTIONS);
  g_clear_object (&self->status);
  g_clear_object (&self->shown);
  g_clear_object (&self->interactions);

  G_OBJECT_CLASS (qtr_status_actions_parent_class)->dispose (object);
}

static void
qtr_status_actions_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_object (value, self->status);
      break;
    case PROP_INTERACTIONS:
      g_value_set_object (value, self->interactions);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_status_actions_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  QtrStatusActions *self = QTR_STATUS_ACTIONS (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      qtr_status_actions_set_status (self, g_value_get_object (value));
      break;
    case PROP_INTERACTIONS:
      qtr_status_actions_set_interactions (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_status_actions_class_init (QtrStatusActionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_status_actions_dispose;
  object_class->get_property = qtr_status_actions_get_property;
  object_class->set_property = qtr_status_actions_set_property;
  widget_class->root = qtr_status_actions_root;

  properties[PROP_STATUS] =
    g_param_spec_object ("status", NULL, NULL, QTR_TYPE_STATUS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERACTIONS] =
    g_param_spec_object ("interactions", NULL, NULL, QTR_TYPE_INTERACTIONS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "status.reply", NULL, reply_activated_cb);
  gtk_widget_class_install_action (widget_class, "status.boost", NULL, boost_activated_cb);
  gtk_widget_class_install_action (widget_class, "status.favourite", NULL,
                                   favourite_activated_cb);
  gtk_widget_class_install_action (widget_class, "status.bookmark", NULL,
                                   bookmark_activated_cb);
  gtk_widget_class_install_action (widget_class, "status.open-in-browser", NULL,
                                   open_in_browser_activated_cb);
  gtk_widget_class_install_action (widget_class, "status.copy-link", NULL,
                                   copy_link_activated_cb);
  gtk_widget_class_install_action (widget_class, "status.mute-author", NULL,
                                   mute_author_activated_cb);
  gtk_widget_class_install_action (widget_class, "status.block-author", NULL,
                                   block_author_activated_cb);
  gtk_widget_class_install_action (widget_class, "status.report", NULL, report_activated_cb);
  gtk_widget_class_install_action (widget_class, "status.delete", NULL, delete_activated_cb);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-status-actions.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrStatusActions, reply_button);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusActions, replies_label);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusActions, boost_button);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusActions, boosts_label);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusActions, favourite_button);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusActions, favourites_label);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusActions, bookmark_button);
  gtk_widget_class_bind_template_child (widget_class, QtrStatusActions, more_button);
  gtk_widget_class_bind_template_callback (widget_class, boost_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, favourite_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, bookmark_button_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statusactions");
}

static void
qtr_status_actions_init (QtrStatusActions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * qtr_status_actions_new:
 *
 * Returns: (transfer floating): a bar for no post yet
 */
GtkWidget *
qtr_status_actions_new (void)
{
  return g_object_new (QTR_TYPE_STATUS_ACTIONS, NULL);
}

/**
 * qtr_status_actions_get_status:
 *
 * Returns: (transfer none) (nullable): the post, as bound (a boost, for a boost)
 */
QtrStatus *
qtr_status_actions_get_status (QtrStatusActions *self)
{
  g_return_val_if_fail (QTR_IS_STATUS_ACTIONS (self), NULL);

  return self->status;
}

/**
 * qtr_status_actions_set_status:
 * @status: (nullable): the post; for a boost, the actions are the boosted post's
 */
void
qtr_status_actions_set_status (QtrStatusActions *self,
                               QtrStatus        *status)
{
  g_return_if_fail (QTR_IS_STATUS_ACTIONS (self));
  g_return_if_fail (status == NULL || QTR_IS_STATUS (status));

  if (!g_set_object (&self->status, status))
    return;
  bind (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/**
 * qtr_status_actions_get_interactions:
 *
 * Returns: (transfer none) (nullable): the account's interactions, when set
 */
QtrInteractions *
qtr_status_actions_get_interactions (QtrStatusActions *self)
{
  g_return_val_if_fail (QTR_IS_STATUS_ACTIONS (self), NULL);

  return self->interactions;
}

/**
 * qtr_status_actions_set_interactions:
 * @interactions: (nullable): the account's interactions; %NULL to take those of the
 *   QtrTimelineView the bar is in
 */
void
qtr_status_actions_set_interactions (QtrStatusActions *self,
                                     QtrInteractions  *interactions)
{
  g_return_if_fail (QTR_IS_STATUS_ACTIONS (self));

  if (!g_set_object (&self->interactions, interactions))
    return;
  bind (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERACTIONS]);
}
