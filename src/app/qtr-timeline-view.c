/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-timeline-view.h"

#include <glib/gi18n.h>

#include "qtr-grouped-notifications.h"
#include "qtr-notification-list.h"
#include "qtr-interactions.h"
#include "qtr-status-row.h"
#include "qtr-timeline-row.h"

/* QtrTimelineView: a GtkListView of QtrTimelineRow over a QtrTimeline (posts, notifications
 * and gaps).
 *
 * Notifications (a QtrNotificationList) show grouped, through a QtrGroupedNotifications over
 * the timeline: the favourites of a post on one row. The timeline still pages; a group's
 * newest item stands for it (reading position, activation).
 *
 * Rows are recycled by the list view: the factory binds a row to an item and unbinds it (which
 * cancels the row's image loads) when it scrolls away. A gap's row loads the gap.
 *
 * Keyboard: j and k move the selection to the next and previous row and bring it into view;
 * Enter opens the selected post (::status-activated, also on a double click) or loads the
 * selected gap; r, b and f reply to, boost and favourite the focused (else the selected) post.
 *
 * Scrolling: the view tells the timeline whether its top shows ("at-top"): new items that
 * arrive while the user reads further down are held by the timeline, so nothing moves; a
 * "N new posts" button then shows, and lets them in and scrolls to the top. It also counts the
 * posts let in above while the top does not show (the newest page, loaded at start above the
 * reading position), until the user scrolls up past them. Near the end of the
 * list, the older page is loaded. The first post in view is the timeline's reading position;
 * at start the view scrolls to it once the timeline holds it, unless the user moved first or
 * it came too late (a position saved by another device never moves what the user reads). */

/* How often the way back to the reading position checks where the row is, in ms. */
#define RESTORE_INTERVAL 16

/* How long after the view got its timeline a reading position that arrives (from the cache,
 * or from the server once discovery finished) still moves the view, in µs: later, the user is
 * reading, and a position another device saved never moves what shows. */
#define RESTORE_WINDOW (10 * G_USEC_PER_SEC)
/* For how many frames after a scroll the reading position is taken again. */
#define SAVE_FRAMES 10

/* How close to the end (in screen heights) the older page is asked for. */
#define LOAD_OLDER_SCREENS 1.0

struct _QtrTimelineView
{
  AdwBin              parent_instance;

  QtrTimeline        *model;
  QtrGroupedNotifications *groups;  /* over a notification list: what the list view shows */
  GtkSingleSelection *selection;
  QtrImageLoader     *loader;
  GCancellable       *cancellable;   /* of the model's loads the view started */
  gulong              pending_id;
  gulong              items_changed_id;
  gulong              read_position_id;
  QtrInteractions    *interactions;    /* of the model's account, while deleted_id is connected */
  gulong              deleted_id;
  guint               focus_tick_id;
  guint               restore_source_id;
  guint               position_idle_id;
  guint               save_tick_id;
  guint               save_ticks;
  gboolean            loading_older;
  gboolean            position_restored;
  gboolean            restore_scrolled;
  char               *restore_id;     /* the position being gone back to */
  guint               restore_attempts;
  gint64              restore_started;   /* µs, monotonic */
  gint64              model_set_at;   /* monotonic µs */
  guint               n_above;        /* posts that came in above while the top did not show */

  /* Template widgets */
  GtkScrolledWindow  *scrolled_window;
  GtkListView        *list_view;
  GtkButton          *pending_button;
};

enum {
  PROP_0,
  PROP_MODEL,
  PROP_IMAGE_LOADER,
  PROP_N_PENDING,
  N_PROPS
};

enum {
  STATUS_ACTIVATED,
  MENTION_ACTIVATED,
  HASHTAG_ACTIVATED,
  PROFILE_ACTIVATED,
  SHOW_PENDING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrTimelineView, qtr_timeline_view, ADW_TYPE_BIN)

/* The button counts what waits (held by the model) and what came in above the position the
 * user reads (the newest page at start, above the reading position). */
static void
update_pending (QtrTimelineView *self)
{
  guint n = qtr_timeline_view_get_n_pending (self) + self->n_above;
  g_autofree char *label = NULL;

  if (n > 0)
    {
      label = g_strdup_printf (ngettext ("%u new post", "%u new posts", n), n);
      gtk_button_set_label (self->pending_button, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->pending_button), n > 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

static void
row_mention_activated_cb (QtrTimelineView *self,
                          const char      *url)
{
  g_signal_emit (self, signals[MENTION_ACTIVATED], 0, url);
}

static void
row_hashtag_activated_cb (QtrTimelineView *self,
                          const char      *name)
{
  g_signal_emit (self, signals[HASHTAG_ACTIVATED], 0, name);
}

static void
row_profile_activated_cb (QtrTimelineView *self,
                          GObject         *account)
{
  g_signal_emit (self, signals[PROFILE_ACTIVATED], 0, account);
}

static void load_gap (QtrTimelineView *self,
                      QtrTimelineItem *gap);

static void
row_load_gap_cb (QtrTimelineView *self,
                 QtrTimelineRow  *row)
{
  load_gap (self, qtr_timeline_row_get_item (row));
}

static void
factory_setup_cb (GtkListItemFactory *factory,
                  GtkListItem        *item,
                  QtrTimelineView    *self)
{
  GtkWidget *row = qtr_timeline_row_new ();
  QtrStatusRow *status_row = qtr_timeline_row_get_status_row (QTR_TIMELINE_ROW (row));

  qtr_status_row_set_image_loader (status_row, self->loader);
  g_signal_connect_object (status_row, "mention-activated", G_CALLBACK (row_mention_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (status_row, "hashtag-activated", G_CALLBACK (row_hashtag_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (status_row, "profile-activated",
                           G_CALLBACK (row_profile_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "load-gap", G_CALLBACK (row_load_gap_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_list_item_set_child (item, row);
}

static void
factory_bind_cb (GtkListItemFactory *factory,
                 GtkListItem        *item,
                 QtrTimelineView    *self)
{
  QtrTimelineRow *row = QTR_TIMELINE_ROW (gtk_list_item_get_child (item));

  qtr_status_row_set_image_loader (qtr_timeline_row_get_status_row (row), self->loader);
  if (QTR_IS_NOTIFICATION_GROUP (gtk_list_item_get_item (item)))
    qtr_timeline_row_set_group (row, gtk_list_item_get_item (item));
  else
    qtr_timeline_row_set_item (row, gtk_list_item_get_item (item));
}

static void
factory_unbind_cb (GtkListItemFactory *factory,
                   GtkListItem        *item,
                   QtrTimelineView    *self)
{
  qtr_timeline_row_set_item (QTR_TIMELINE_ROW (gtk_list_item_get_child (item)), NULL);
}

/* The item that the list view's child @child shows, if any. */
static QtrTimelineItem *
get_child_item (GtkWidget *child)
{
  GtkWidget *row = gtk_widget_get_first_child (child);

  return QTR_IS_TIMELINE_ROW (row) ? qtr_timeline_row_get_item (QTR_TIMELINE_ROW (row)) : NULL;
}

/* The list view's child that shows @item now, if any. */
static GtkWidget *
find_row_widget (QtrTimelineView *self,
                 gpointer         item)
{
  if (QTR_IS_NOTIFICATION_GROUP (item))
    item = qtr_notification_group_get_lead (item);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (item != NULL && get_child_item (child) == item)
        return child;
    }
  return NULL;
}

/* The item with @id as the list view shows it (the lead of its group, in a grouped list), and
 * its position there. */
static QtrTimelineItem *
find_shown (QtrTimelineView *self,
            const char      *id,
            guint           *position)
{
  QtrTimelineItem *item = qtr_timeline_find (self->model, id, position);
  QtrNotificationGroup *group;

  if (item == NULL || self->groups == NULL)
    return item;
  group = qtr_grouped_notifications_find (self->groups, item, position);
  return group != NULL ? qtr_notification_group_get_lead (group) : NULL;
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (qtr_timeline_load_finish (QTR_TIMELINE (source), result, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("A page of %s did not load: %s", qtr_timeline_get_key (QTR_TIMELINE (source)),
             error->message);
}

static void
load_gap (QtrTimelineView *self,
          QtrTimelineItem *gap)
{
  if (self->model == NULL || qtr_timeline_item_get_kind (gap) != QTR_TIMELINE_ITEM_GAP ||
      qtr_timeline_item_get_loading (gap))
    return;
  qtr_timeline_load_gap_async (self->model, gap, self->cancellable, load_done_cb, NULL);
}

static void
older_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(QtrTimelineView) self = user_data;

  load_done_cb (source, result, NULL);
  self->loading_older = FALSE;
}

/* Near the end of the list (or with a list shorter than the view), the older page. */
static void
maybe_load_older (QtrTimelineView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  double value = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);

  if (self->model == NULL || self->loading_older || page <= 0 ||
      g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0 ||
      qtr_timeline_get_end_reached (self->model) ||
      qtr_timeline_get_state (self->model) != QTR_TIMELINE_STATE_ONLINE)
    return;
  if (value + page < upper - LOAD_OLDER_SCREENS * page)
    return;
  self->loading_older = TRUE;
  qtr_timeline_load_older_async (self->model, self->cancellable, older_loaded_cb,
                                 g_object_ref (self));
}

/* The item of the first row whose bottom is below the top of the view. */
static QtrTimelineItem *
first_visible_item (QtrTimelineView *self)
{
  QtrTimelineItem *first = NULL;
  double first_y = G_MAXDOUBLE;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      QtrTimelineItem *item = get_child_item (child);
      /* The row itself, not the list's separator under it. */
      GtkWidget *row = gtk_widget_get_first_child (child);
      graphene_point_t top;

      if (item == NULL || !gtk_widget_get_child_visible (child) ||
          !gtk_widget_compute_point (row, GTK_WIDGET (self->scrolled_window),
                                     &GRAPHENE_POINT_INIT (0, 0), &top))
        continue;
      if (top.y + gtk_widget_get_height (row) > 0 && top.y < first_y)
        {
          first_y = top.y;
          first = item;
        }
    }
  return first;
}

/* How many posts (not gaps) @model holds above @position. */
static guint
count_posts (QtrTimeline *model,
             guint        position)
{
  guint n = 0;

  for (guint i = 0; i < position; i++)
    {
      g_autoptr(QtrTimelineItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (qtr_timeline_item_get_kind (item) != QTR_TIMELINE_ITEM_GAP)
        n++;
    }
  return n;
}

static void
save_position (QtrTimelineView *self)
{
  QtrTimelineItem *item;

  /* While the view goes back to the saved position, that is the position. */
  if (self->restore_source_id != 0)
    return;
  item = self->model != NULL ? first_visible_item (self) : NULL;
  if (item != NULL && qtr_timeline_item_get_kind (item) != QTR_TIMELINE_ITEM_GAP)
    qtr_timeline_set_read_position (self->model, qtr_timeline_item_get_id (item));
  /* Scrolled up through what came in above: fewer are left to see. */
  if (item != NULL && self->n_above > 0)
    {
      guint position, above = 0;

      if (qtr_timeline_item_get_id (item) != NULL &&
          qtr_timeline_find (self->model, qtr_timeline_item_get_id (item), &position) != NULL)
        above = count_posts (self->model, position);
      if (above < self->n_above)
        {
          self->n_above = above;
          update_pending (self);
        }
    }
}

static gboolean
save_position_idle_cb (gpointer user_data)
{
  QtrTimelineView *self = user_data;

  self->position_idle_id = 0;
  save_position (self);
  return G_SOURCE_REMOVE;
}

/* Tick callbacks run before a frame's layout, and a list view may take more than one frame
 * to lay its rows out for a scroll: for a few frames after one, each tick takes the position
 * from what the last frame laid out. */
static gboolean
save_position_tick_cb (GtkWidget     *widget,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (widget);

  if (self->save_ticks++ > 0)
    save_position (self);
  if (self->save_ticks < SAVE_FRAMES)
    return G_SOURCE_CONTINUE;
  self->save_tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* What shows is known once the rows are laid out for the new scroll (at once while the view
 * is not shown: it has no frames then). */
static void
schedule_save_position (QtrTimelineView *self)
{
  if (self->model == NULL || !self->position_restored)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* A later scroll waits for its own layout. */
      self->save_ticks = 0;
      if (self->save_tick_id == 0)
        self->save_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                           save_position_tick_cb, NULL, NULL);
    }
  else if (self->position_idle_id == 0)
    self->position_idle_id = g_idle_add_full (G_PRIORITY_LOW, save_position_idle_cb, self, NULL);
}

static void
adjustment_value_changed_cb (QtrTimelineView *self,
                             GtkAdjustment   *adjustment)
{
  if (self->model == NULL)
    return;
  /* On the way back to the reading position, the view is not at the top, whatever the value
   * says before the rows are laid out. */
  if (self->restore_source_id == 0)
    qtr_timeline_set_at_top (self->model, gtk_adjustment_get_value (adjustment) <= 0);
  /* What was counted above goes as the user scrolls up past it (save_position(), by what
   * shows: a value of 0 alone may be the list before it laid out what came in above). */
  maybe_load_older (self);
  /* Scrolled away from the top (back to the saved position, or by the user before it came):
   * what shows is the position from now on. The rows are laid out after the value changes:
   * look then. */
  if (gtk_adjustment_get_value (adjustment) > 0)
    self->position_restored = TRUE;
  schedule_save_position (self);
}

static void
adjustment_changed_cb (QtrTimelineView *self,
                       GtkAdjustment   *adjustment)
{
  maybe_load_older (self);
  /* Rows measured anew (a taller row than estimated) move what shows without a scroll. */
  schedule_save_position (self);
}

static void
edge_reached_cb (QtrTimelineView *self,
                 GtkPositionType  position)
{
  if (position == GTK_POS_BOTTOM)
    maybe_load_older (self);
}

/* Scrolls to the reading position once the list is laid out (before, the list view has no
 * rows to scroll by): first the list brings the row into view, then, a frame at a time, the
 * row goes to the top of the view, where the user was. Gives up after 60 tries and 5 s. A
 * timeout rather than a tick callback: it runs whether or not the view was realized yet. */
static gboolean
restore_timeout_cb (gpointer user_data)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (user_data);
  QtrTimelineItem *item = NULL;
  GtkWidget *row;
  guint position;

  /* Not shown (another section's page): on again once it is (see map). */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->list_view)))
    {
      self->restore_source_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (gtk_widget_get_height (GTK_WIDGET (self->list_view)) == 0)
    return G_SOURCE_CONTINUE;
  if (self->model != NULL && self->restore_id != NULL)
    item = find_shown (self, self->restore_id, &position);
  /* At least 60 tries and 5 seconds: on a busy machine frames come seldom, and a try before
   * the next layout sees the rows where they were. */
  if (item == NULL ||
      (self->restore_attempts++ > 60 &&
       g_get_monotonic_time () - self->restore_started > 5 * G_USEC_PER_SEC))
    goto done;
  row = find_row_widget (self, item);
  if (!self->restore_scrolled || row == NULL)
    {
      /* Again if what came in above since moved the row out of view. */
      self->restore_scrolled = TRUE;
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                  position);
      return G_SOURCE_CONTINUE;
    }
  {
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
    double value = gtk_adjustment_get_value (adjustment);
    double last = gtk_adjustment_get_upper (adjustment) -
                  gtk_adjustment_get_page_size (adjustment);
    graphene_point_t top;

    /* Until the row is at the top (or the list can go no further), checked at each frame:
     * rows that come in above before the list is laid out again move it. */
    if (gtk_widget_compute_point (row, GTK_WIDGET (self->scrolled_window),
                                  &GRAPHENE_POINT_INIT (0, 0), &top) &&
        ABS (top.y) >= 1)
      {
        /* Where the list can go no further, its end may be only an estimate until the rows
         * below are laid out: look again (up to the limit above). */
        if (!(top.y > 0 && value >= last))
          gtk_adjustment_set_value (adjustment, value + top.y);
        return G_SOURCE_CONTINUE;
      }
  }

done:
  self->restore_source_id = 0;
  g_clear_pointer (&self->restore_id, g_free);
  return G_SOURCE_REMOVE;
}

/* Brings the reading position into view, once the timeline holds it. */
static void
restore_position (QtrTimelineView *self)
{
  const char *id;
  guint position;

  if (self->model == NULL || self->position_restored)
    return;
  if (g_get_monotonic_time () - self->model_set_at > RESTORE_WINDOW)
    {
      self->position_restored = TRUE;
      return;
    }
  id = qtr_timeline_get_read_position (self->model);
  if (id == NULL || find_shown (self, id, &position) == NULL)
    return;
  self->position_restored = TRUE;
  /* The view leaves the top now, before it is laid out again: what comes in above stays
   * above, also when the position is the first post (the newest page, loaded next, goes in
   * above it and is counted on the button; a list not laid out yet would show it instead). */
  qtr_timeline_set_at_top (self->model, FALSE);
  /* Kept apart: scrolling there moves the position until the row is at the top. */
  g_free (self->restore_id);
  self->restore_id = g_strdup (id);
  self->restore_attempts = 0;
  self->restore_started = g_get_monotonic_time ();
  if (self->restore_source_id == 0)
    self->restore_source_id = g_timeout_add (RESTORE_INTERVAL, restore_timeout_cb, self);
}

static void
model_items_changed_cb (QtrTimelineView *self,
                        guint            position,
                        guint            removed,
                        guint            added)
{
  /* Items let in at the top while the top showed: show them (held ones wait for the button). */
  if (position == 0 && added > 0 && qtr_timeline_get_at_top (self->model) &&
      self->restore_source_id == 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
  /* Let in above while the user reads further down (the newest page, above the reading
   * position at start): the button counts them. */
  else if (position == 0 && added > removed && !qtr_timeline_get_at_top (self->model))
    {
      self->n_above += count_posts (self->model, added - removed);
      update_pending (self);
    }
  restore_position (self);
}

static void
read_position_changed_cb (QtrTimelineView *self)
{
  restore_position (self);
}

/* The user deleted a post: it goes at once, whether or not the server streams. */
static void
status_deleted_cb (QtrTimelineView *self,
                   const char      *id)
{
  if (self->model != NULL)
    qtr_timeline_remove_status (self->model, id);
}

static gboolean
focus_selected_tick_cb (GtkWidget     *widget,
                        GdkFrameClock *clock,
                        gpointer       user_data)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (widget);
  g_autoptr(GObject) item = NULL;
  GtkWidget *row;

  self->focus_tick_id = 0;
  item = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                gtk_single_selection_get_selected (self->selection));
  /* Keyboard focus follows the selection, so that Tab goes on from the selected row. */
  if (item != NULL && (row = find_row_widget (self, item)) != NULL)
    gtk_widget_grab_focus (row);
  return G_SOURCE_REMOVE;
}

static void
move_selection (QtrTimelineView *self,
                int              delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint next;

  if (n == 0)
    return;
  /* The user moves: a reading position that arrives now does not move the view. */
  self->position_restored = TRUE;
  if (selected == GTK_INVALID_LIST_POSITION)
    next = 0;
  else if (delta < 0)
    next = selected > 0 ? selected - 1 : 0;
  else
    next = MIN (selected + 1, n - 1);
  qtr_timeline_view_select (self, next);
}

static void
next_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  move_selection (QTR_TIMELINE_VIEW (widget), 1);
}

static void
previous_activated_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  move_selection (QTR_TIMELINE_VIEW (widget), -1);
}

static void
emit_status_activated (QtrTimelineView *self,
                       guint            position)
{
  g_autoptr(GObject) shown = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  QtrTimelineItem *item = QTR_IS_NOTIFICATION_GROUP (shown)
                          ? qtr_notification_group_get_lead (QTR_NOTIFICATION_GROUP (shown))
                          : QTR_TIMELINE_ITEM (shown);
  QtrStatus *status = NULL;

  if (item == NULL)
    return;
  switch (qtr_timeline_item_get_kind (item))
    {
    case QTR_TIMELINE_ITEM_STATUS:
      status = qtr_timeline_item_get_status (item);
      break;
    case QTR_TIMELINE_ITEM_NOTIFICATION:
      status = qtr_notification_get_status (qtr_timeline_item_get_notification (item));
      break;
    case QTR_TIMELINE_ITEM_GAP:
    default:
      load_gap (self, item);
      break;
    }
  if (status != NULL)
    g_signal_emit (self, signals[STATUS_ACTIVATED], 0, status);
}

static void
open_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (widget);
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected != GTK_INVALID_LIST_POSITION)
    emit_status_activated (self, selected);
}

/* The actions bar of the post whose row has the focus, else of the selected one. */
static GtkWidget *
find_current_actions (QtrTimelineView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *child = NULL;
  QtrStatusRow *status_row;

  while (focus != NULL && focus != GTK_WIDGET (self->list_view))
    {
      child = focus;
      focus = gtk_widget_get_parent (focus);
    }
  if (focus == NULL)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                       gtk_single_selection_get_selected (self->selection));

      child = item != NULL ? find_row_widget (self, item) : NULL;
    }
  if (child == NULL || !QTR_IS_TIMELINE_ROW (gtk_widget_get_first_child (child)))
    return NULL;
  status_row = qtr_timeline_row_get_status_row (QTR_TIMELINE_ROW (gtk_widget_get_first_child (child)));
  if (!gtk_widget_get_visible (GTK_WIDGET (status_row)))
    return NULL;
  return GTK_WIDGET (qtr_status_row_get_actions (status_row));
}

/* r, b, f: the post's own actions. */
static void
post_action_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GtkWidget *actions = find_current_actions (QTR_TIMELINE_VIEW (widget));

  if (actions == NULL)
    return;
  if (g_str_equal (action_name, "timeline.reply"))
    gtk_widget_activate_action (actions, "status.reply", NULL);
  else if (g_str_equal (action_name, "timeline.boost"))
    gtk_widget_activate_action (actions, "status.boost", NULL);
  else
    gtk_widget_activate_action (actions, "status.favourite", NULL);
}

static void
show_pending_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (widget);

  if (self->model == NULL)
    return;
  qtr_timeline_reveal_pending (self->model);
  self->n_above = 0;
  update_pending (self);
  g_signal_emit (self, signals[SHOW_PENDING], 0);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
}

static void
list_view_activate_cb (QtrTimelineView *self,
                       guint            position)
{
  emit_status_activated (self, position);
}

static void
qtr_timeline_view_map (GtkWidget *widget)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (widget);

  GTK_WIDGET_CLASS (qtr_timeline_view_parent_class)->map (widget);
  if (self->restore_id != NULL && self->restore_source_id == 0)
    self->restore_source_id = g_timeout_add (RESTORE_INTERVAL, restore_timeout_cb, self);
}

static void
qtr_timeline_view_dispose (GObject *object)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (object);

  if (self->focus_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->focus_tick_id);
      self->focus_tick_id = 0;
    }
  qtr_timeline_view_set_model (self, NULL);
  g_clear_handle_id (&self->position_idle_id, g_source_remove);
  if (self->save_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->save_tick_id);
      self->save_tick_id = 0;
    }
  /* AdwBin keeps its child apart from the template's: let it go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_TIMELINE_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->loader);

  G_OBJECT_CLASS (qtr_timeline_view_parent_class)->dispose (object);
}

static void
qtr_timeline_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_IMAGE_LOADER:
      g_value_set_object (value, self->loader);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, qtr_timeline_view_get_n_pending (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_timeline_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      qtr_timeline_view_set_model (self, g_value_get_object (value));
      break;
    case PROP_IMAGE_LOADER:
      qtr_timeline_view_set_image_loader (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_timeline_view_class_init (QtrTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_timeline_view_dispose;
  object_class->get_property = qtr_timeline_view_get_property;
  object_class->set_property = qtr_timeline_view_set_property;
  widget_class->map = qtr_timeline_view_map;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, QTR_TYPE_TIMELINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMAGE_LOADER] =
    g_param_spec_object ("image-loader", NULL, NULL, QTR_TYPE_IMAGE_LOADER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QtrTimelineView::status-activated:
   * @status: the QtrStatus
   *
   * The user opened a post (Enter, or a double click), or the post of a notification: show
   * its thread.
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
  /**
   * QtrTimelineView::profile-activated:
   * @account: the #QtrAccount whose avatar or name was clicked
   */
  signals[PROFILE_ACTIVATED] =
    g_signal_new ("profile-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_ACCOUNT);
  /**
   * QtrTimelineView::show-pending:
   *
   * The user asked for the new posts that the model held back: they were let in, and the
   * view scrolls to the top.
   */
  signals[SHOW_PENDING] =
    g_signal_new ("show-pending", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "timeline.next", NULL, next_activated_cb);
  gtk_widget_class_install_action (widget_class, "timeline.previous", NULL,
                                   previous_activated_cb);
  gtk_widget_class_install_action (widget_class, "timeline.open", NULL, open_activated_cb);
  gtk_widget_class_install_action (widget_class, "timeline.show-pending", NULL,
                                   show_pending_activated_cb);
  gtk_widget_class_install_action (widget_class, "timeline.reply", NULL, post_action_activated_cb);
  gtk_widget_class_install_action (widget_class, "timeline.boost", NULL, post_action_activated_cb);
  gtk_widget_class_install_action (widget_class, "timeline.favourite", NULL,
                                   post_action_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, 0, "timeline.reply", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, 0, "timeline.boost", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "timeline.favourite", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_j, 0, "timeline.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "timeline.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "timeline.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "timeline.open", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-timeline-view.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineView, list_view);
  gtk_widget_class_bind_template_child (widget_class, QtrTimelineView, pending_button);
  gtk_widget_class_bind_template_callback (widget_class, list_view_activate_cb);
}

static void
qtr_timeline_view_init (QtrTimelineView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->loader = g_object_ref (qtr_image_loader_get_default ());
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);

  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window),
                           "value-changed", G_CALLBACK (adjustment_value_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window),
                           "changed", G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scrolled_window, "edge-reached", G_CALLBACK (edge_reached_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Posts"), -1);
}

/**
 * qtr_timeline_view_new:
 *
 * Returns: (transfer floating): an empty timeline view
 */
GtkWidget *
qtr_timeline_view_new (void)
{
  return g_object_new (QTR_TYPE_TIMELINE_VIEW, NULL);
}

/**
 * qtr_timeline_view_get_model:
 *
 * Returns: (transfer none) (nullable): the timeline it shows
 */
QtrTimeline *
qtr_timeline_view_get_model (QtrTimelineView *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_VIEW (self), NULL);

  return self->model;
}

/**
 * qtr_timeline_view_set_model:
 * @model: (nullable): the timeline to show
 *
 * Shows @model, from its top (or from its reading position, once it holds it). The view
 * tells the timeline whether its top shows, pages older items in at the end, and keeps the
 * reading position.
 */
void
qtr_timeline_view_set_model (QtrTimelineView *self,
                             QtrTimeline     *model)
{
  g_return_if_fail (QTR_IS_TIMELINE_VIEW (self));
  g_return_if_fail (model == NULL || QTR_IS_TIMELINE (model));

  if (self->model == model)
    return;
  if (self->model != NULL)
    {
      g_clear_signal_handler (&self->pending_id, self->model);
      g_clear_signal_handler (&self->items_changed_id, self->model);
      g_clear_signal_handler (&self->read_position_id, self->model);
    }
  if (self->interactions != NULL)
    g_clear_signal_handler (&self->deleted_id, self->interactions);
  g_clear_object (&self->interactions);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->restore_source_id, g_source_remove);
  g_clear_pointer (&self->restore_id, g_free);
  self->loading_older = FALSE;
  self->position_restored = FALSE;
  self->model_set_at = g_get_monotonic_time ();
  self->n_above = 0;
  self->restore_scrolled = FALSE;
  g_set_object (&self->model, model);
  /* Notifications show grouped: the favourites of a post on one row. */
  g_clear_object (&self->groups);
  if (QTR_IS_NOTIFICATION_LIST (model))
    self->groups = qtr_grouped_notifications_new (G_LIST_MODEL (model));
  gtk_single_selection_set_model (self->selection, self->groups != NULL
                                                   ? G_LIST_MODEL (self->groups)
                                                   : G_LIST_MODEL (model));
  if (model != NULL)
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

      self->cancellable = g_cancellable_new ();
      self->pending_id = g_signal_connect_object (model, "notify::n-pending",
                                                  G_CALLBACK (update_pending), self,
                                                  G_CONNECT_SWAPPED);
      self->items_changed_id = g_signal_connect_object (model, "items-changed",
                                                        G_CALLBACK (model_items_changed_cb),
                                                        self, G_CONNECT_SWAPPED);
      self->read_position_id = g_signal_connect_object (model, "notify::read-position",
                                                        G_CALLBACK (read_position_changed_cb),
                                                        self, G_CONNECT_SWAPPED);
      self->interactions =
        g_object_ref (qtr_interactions_get_for_client (qtr_timeline_get_client (model)));
      self->deleted_id = g_signal_connect_object (self->interactions, "status-deleted",
                                                  G_CALLBACK (status_deleted_cb), self,
                                                  G_CONNECT_SWAPPED);
      qtr_timeline_set_at_top (model, gtk_adjustment_get_value (adjustment) <= 0);
      restore_position (self);
    }
  update_pending (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

QtrImageLoader *
qtr_timeline_view_get_image_loader (QtrTimelineView *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_VIEW (self), NULL);

  return self->loader;
}

/**
 * qtr_timeline_view_set_image_loader:
 * @loader: (nullable): where the rows get their images; %NULL for the shared loader
 */
void
qtr_timeline_view_set_image_loader (QtrTimelineView *self,
                                    QtrImageLoader  *loader)
{
  g_return_if_fail (QTR_IS_TIMELINE_VIEW (self));

  if (loader == NULL)
    loader = qtr_image_loader_get_default ();
  if (g_set_object (&self->loader, loader))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_LOADER]);
}

/**
 * qtr_timeline_view_get_selected:
 *
 * Returns: the position of the selected post, or %GTK_INVALID_LIST_POSITION
 */
guint
qtr_timeline_view_get_selected (QtrTimelineView *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_VIEW (self), GTK_INVALID_LIST_POSITION);

  return gtk_single_selection_get_selected (self->selection);
}

/**
 * qtr_timeline_view_select:
 *
 * Selects the post at @position, brings it into view and gives it the keyboard focus.
 */
void
qtr_timeline_view_select (QtrTimelineView *self,
                          guint            position)
{
  g_return_if_fail (QTR_IS_TIMELINE_VIEW (self));

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  if (self->focus_tick_id == 0)
    self->focus_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                        focus_selected_tick_cb, NULL, NULL);
}

/**
 * qtr_timeline_view_get_n_pending:
 *
 * Returns: how many new items the timeline holds back (the button says so)
 */
guint
qtr_timeline_view_get_n_pending (QtrTimelineView *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_VIEW (self), 0);

  return self->model != NULL ? qtr_timeline_get_n_pending (self->model) : 0;
}

/**
 * qtr_timeline_view_get_scrolled_window:
 *
 * Returns: (transfer none): the scrolled window around the list, for tests
 */
GtkScrolledWindow *
qtr_timeline_view_get_scrolled_window (QtrTimelineView *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_VIEW (self), NULL);

  return self->scrolled_window;
}

/**
 * qtr_timeline_view_get_list_view:
 *
 * Returns: (transfer none): the list view inside, for tests and focus handling
 */
GtkListView *
qtr_timeline_view_get_list_view (QtrTimelineView *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_VIEW (self), NULL);

  return self->list_view;
}

