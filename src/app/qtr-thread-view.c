/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-thread-view.h"

#include <glib/gi18n.h>

#include "qtr-status-row.h"

/* QtrThreadView: a post in its conversation, a page pushed over a timeline.
 *
 * A GtkListView of QtrStatusRows over a QtrThread: the ancestors, the focused post
 * (highlighted, with its full date and its counts), then the replies, each indented by its
 * depth (up to QTR_THREAD_VIEW_MAX_INDENT levels). It opens scrolled to the focused post. While
 * the first load runs a spinner shows; if it fails, a status page says why, with "Retry".
 * F5 or Ctrl+R loads the thread again (a failure then is a toast, and what shows stays).
 * Activating another post emits ::status-activated (its own thread); mentions, hashtags and
 * authors emit ::mention-activated, ::hashtag-activated and ::profile-activated. Disposing
 * of the page cancels its requests. */

#define INDENT_PX 18

struct _QtrThreadView
{
  AdwBin              parent_instance;

  QtrThread          *thread;
  GCancellable       *cancellable;
  GtkSingleSelection *selection;
  gboolean            scroll_pending;  /* to the focused post, once laid out */

  /* Template widgets */
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  GtkScrolledWindow  *scrolled_window;
  GtkListView        *list_view;
};

enum {
  STATUS_ACTIVATED,
  MENTION_ACTIVATED,
  HASHTAG_ACTIVATED,
  PROFILE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrThreadView, qtr_thread_view, ADW_TYPE_BIN)

#define ROW_KEY "qtr-thread-status-row"
#define DETAILS_KEY "qtr-thread-details"

/* "12 March 2026, 14:05 · 2 replies · 1 boost · 3 favourites" */
static char *
describe_focused (QtrStatus *status)
{
  GDateTime *created = qtr_status_get_created_at (status);
  g_autoptr(GDateTime) local = created != NULL ? g_date_time_to_local (created) : NULL;
  /* Translators: the full date of a post under it, in g_date_time_format() form */
  g_autofree char *date = local != NULL ? g_date_time_format (local, _("%-d %B %Y, %H:%M"))
                                        : g_strdup ("");
  gint64 replies = qtr_status_get_replies_count (status);
  gint64 boosts = qtr_status_get_reblogs_count (status);
  gint64 favourites = qtr_status_get_favourites_count (status);
  g_autofree char *replies_text =
    g_strdup_printf (ngettext ("%ld reply",
                                  "%ld replies", (gulong) replies), (long) replies);
  g_autofree char *boosts_text =
    g_strdup_printf (ngettext ("%ld boost",
                                  "%ld boosts", (gulong) boosts), (long) boosts);
  g_autofree char *favourites_text =
    g_strdup_printf (ngettext ("%ld favourite",
                                  "%ld favourites", (gulong) favourites),
                     (long) favourites);

  return g_strjoin (" · ", date, replies_text, boosts_text, favourites_text, NULL);
}

static void
row_mention_activated_cb (QtrThreadView *self,
                          const char    *url)
{
  g_signal_emit (self, signals[MENTION_ACTIVATED], 0, url);
}

static void
row_hashtag_activated_cb (QtrThreadView *self,
                          const char    *name)
{
  g_signal_emit (self, signals[HASHTAG_ACTIVATED], 0, name);
}

static void
row_profile_activated_cb (QtrThreadView *self,
                          QtrAccount    *account)
{
  g_signal_emit (self, signals[PROFILE_ACTIVATED], 0, account);
}

static void
factory_setup_cb (GtkListItemFactory *factory,
                  GtkListItem        *list_item,
                  QtrThreadView      *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *row = qtr_status_row_new ();
  GtkWidget *details = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_wrap (GTK_LABEL (details), TRUE);
  gtk_widget_set_margin_start (details, 12);
  gtk_widget_set_margin_end (details, 12);
  gtk_widget_set_margin_bottom (details, 12);
  gtk_widget_add_css_class (details, "dim-label");
  gtk_widget_add_css_class (details, "thread-details");
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), details);
  g_object_set_data (G_OBJECT (box), ROW_KEY, row);
  g_object_set_data (G_OBJECT (box), DETAILS_KEY, details);
  g_signal_connect_object (row, "mention-activated", G_CALLBACK (row_mention_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "hashtag-activated", G_CALLBACK (row_hashtag_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "profile-activated", G_CALLBACK (row_profile_activated_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_list_item_set_child (list_item, box);
}

static void
factory_bind_cb (GtkListItemFactory *factory,
                 GtkListItem        *list_item,
                 QtrThreadView      *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  QtrStatusRow *row = g_object_get_data (G_OBJECT (box), ROW_KEY);
  GtkWidget *details = g_object_get_data (G_OBJECT (box), DETAILS_KEY);
  QtrStatus *status = gtk_list_item_get_item (list_item);
  guint position = gtk_list_item_get_position (list_item);
  guint depth = qtr_thread_get_depth (self->thread, position);
  gboolean focused = position == qtr_thread_get_focused_position (self->thread);

  qtr_status_row_set_status (row, status);
  gtk_widget_set_margin_start (box, MIN (depth, QTR_THREAD_VIEW_MAX_INDENT) * INDENT_PX);
  gtk_widget_set_name (box, focused ? "focused" : NULL);
  if (focused)
    {
      g_autofree char *text = describe_focused (status);

      gtk_widget_add_css_class (box, "focused-status");
      gtk_label_set_label (GTK_LABEL (details), text);
    }
  else
    gtk_widget_remove_css_class (box, "focused-status");
  gtk_widget_set_visible (details, focused);
}

static void
factory_unbind_cb (GtkListItemFactory *factory,
                   GtkListItem        *list_item,
                   QtrThreadView      *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);

  qtr_status_row_set_status (g_object_get_data (G_OBJECT (box), ROW_KEY), NULL);
}

static void
scroll_to_focused (QtrThreadView *self)
{
  guint focused = qtr_thread_get_focused_position (self->thread);

  if (focused == G_MAXUINT)
    return;
  gtk_single_selection_set_selected (self->selection, focused);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", focused);
  self->scroll_pending = !gtk_widget_get_mapped (GTK_WIDGET (self->list_view));
}

static void
show_toast (QtrThreadView *self,
            const char    *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
thread_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QtrThreadView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!qtr_thread_load_finish (QTR_THREAD (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_spinner_stop (self->spinner);
      if (qtr_thread_get_focused (self->thread) == NULL)
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      else
        {
          /* Translators: %s says what went wrong */
          g_autofree char *text = g_strdup_printf (_("Could not refresh the conversation: %s"),
                                                   error->message);

          show_toast (self, text);
        }
      return;
    }
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "thread");
  scroll_to_focused (self);
  /* The arrows move through the conversation, Enter opens a post's own. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
refresh_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  qtr_thread_view_refresh (QTR_THREAD_VIEW (widget));
}

static void
list_view_activate_cb (QtrThreadView *self,
                       guint          position)
{
  g_autoptr(QtrStatus) status = g_list_model_get_item (G_LIST_MODEL (self->thread), position);

  if (status != NULL && position != qtr_thread_get_focused_position (self->thread))
    g_signal_emit (self, signals[STATUS_ACTIVATED], 0, status);
}

static void
list_view_mapped_cb (QtrThreadView *self)
{
  if (self->scroll_pending)
    scroll_to_focused (self);
}

/* Gone from the window (popped, or its account closed): what it still waits for stops now,
 * and lets go of it, instead of keeping it alive until the server answers. */
static void
qtr_thread_view_unroot (GtkWidget *widget)
{
  QtrThreadView *self = QTR_THREAD_VIEW (widget);

  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();

  GTK_WIDGET_CLASS (qtr_thread_view_parent_class)->unroot (widget);
}

static void
qtr_thread_view_dispose (GObject *object)
{
  QtrThreadView *self = QTR_THREAD_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_THREAD_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->thread);

  G_OBJECT_CLASS (qtr_thread_view_parent_class)->dispose (object);
}

static void
qtr_thread_view_class_init (QtrThreadViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_thread_view_dispose;
  widget_class->unroot = qtr_thread_view_unroot;

  /**
   * QtrThreadView::status-activated:
   * @status: a post of the conversation other than the focused one
   */
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

  gtk_widget_class_install_action (widget_class, "thread.refresh", NULL, refresh_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "thread.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "thread.refresh", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-thread-view.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrThreadView, stack);
  gtk_widget_class_bind_template_child (widget_class, QtrThreadView, spinner);
  gtk_widget_class_bind_template_child (widget_class, QtrThreadView, error_page);
  gtk_widget_class_bind_template_child (widget_class, QtrThreadView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, QtrThreadView, list_view);
  gtk_widget_class_bind_template_callback (widget_class, list_view_activate_cb);
}

static void
qtr_thread_view_init (QtrThreadView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_signal_connect_object (self->list_view, "map", G_CALLBACK (list_view_mapped_cb), self,
                           G_CONNECT_SWAPPED);
  self->cancellable = g_cancellable_new ();
}

/**
 * qtr_thread_view_new:
 * @client: the account's API client
 * @status_id: the post to show in its conversation
 *
 * Returns: (transfer floating): a thread view, loading
 */
GtkWidget *
qtr_thread_view_new (QtrApiClient *client,
                     const char   *status_id)
{
  QtrThreadView *self;

  g_return_val_if_fail (QTR_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (status_id != NULL, NULL);

  self = g_object_new (QTR_TYPE_THREAD_VIEW, NULL);
  self->thread = qtr_thread_new (client, status_id);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->thread)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  qtr_thread_view_refresh (self);
  return GTK_WIDGET (self);
}

/**
 * qtr_thread_view_get_thread:
 *
 * Returns: (transfer none): the model shown
 */
QtrThread *
qtr_thread_view_get_thread (QtrThreadView *self)
{
  g_return_val_if_fail (QTR_IS_THREAD_VIEW (self), NULL);

  return self->thread;
}

/**
 * qtr_thread_view_get_state:
 *
 * Returns: what shows: `loading`, `error` or `thread`
 */
const char *
qtr_thread_view_get_state (QtrThreadView *self)
{
  g_return_val_if_fail (QTR_IS_THREAD_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GtkListView *
qtr_thread_view_get_list_view (QtrThreadView *self)
{
  g_return_val_if_fail (QTR_IS_THREAD_VIEW (self), NULL);

  return self->list_view;
}

/**
 * qtr_thread_view_refresh:
 *
 * Loads the conversation again from the server (a load under way is let finish).
 */
void
qtr_thread_view_refresh (QtrThreadView *self)
{
  g_return_if_fail (QTR_IS_THREAD_VIEW (self));

  if (qtr_thread_get_loading (self->thread))
    return;
  if (qtr_thread_get_focused (self->thread) == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
    }
  qtr_thread_load_async (self->thread, self->cancellable, thread_loaded_cb,
                         g_object_ref (self));
}
