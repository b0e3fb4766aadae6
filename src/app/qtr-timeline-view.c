/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-timeline-view.h"

#include <glib/gi18n.h>

#include "qtr-status-row.h"
#include "qtr-status.h"

/* QtrTimelineView: a GtkListView of QtrStatusRow over any GListModel of QtrStatus.
 *
 * Rows are recycled by the list view: the factory binds a row to an item and unbinds it (which
 * cancels the row's image loads) when it scrolls away. Keyboard: j and k move the selection to
 * the next and previous post and bring it into view; Enter opens the selected post
 * (::status-activated, also on a double click). When the model has an `n-pending` property
 * (posts that arrived but are held back so that the view does not move), a "N new posts"
 * button shows while it is above zero; it scrolls to the top and emits ::show-pending for the
 * model's owner to let the posts in. */

struct _QtrTimelineView
{
  AdwBin              parent_instance;

  GListModel         *model;
  GtkSingleSelection *selection;
  QtrImageLoader     *loader;
  gulong              pending_id;
  guint               focus_tick_id;

  /* Template widgets */
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
  SHOW_PENDING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrTimelineView, qtr_timeline_view, ADW_TYPE_BIN)

static void
update_pending (QtrTimelineView *self)
{
  guint n = qtr_timeline_view_get_n_pending (self);
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
factory_setup_cb (GtkListItemFactory *factory,
                  GtkListItem        *item,
                  QtrTimelineView    *self)
{
  GtkWidget *row = qtr_status_row_new ();

  qtr_status_row_set_image_loader (QTR_STATUS_ROW (row), self->loader);
  g_signal_connect_object (row, "mention-activated", G_CALLBACK (row_mention_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "hashtag-activated", G_CALLBACK (row_hashtag_activated_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_list_item_set_child (item, row);
}

static void
factory_bind_cb (GtkListItemFactory *factory,
                 GtkListItem        *item,
                 QtrTimelineView    *self)
{
  QtrStatusRow *row = QTR_STATUS_ROW (gtk_list_item_get_child (item));
  gpointer status = gtk_list_item_get_item (item);

  qtr_status_row_set_image_loader (row, self->loader);
  qtr_status_row_set_status (row, QTR_IS_STATUS (status) ? status : NULL);
}

static void
factory_unbind_cb (GtkListItemFactory *factory,
                   GtkListItem        *item,
                   QtrTimelineView    *self)
{
  qtr_status_row_set_status (QTR_STATUS_ROW (gtk_list_item_get_child (item)), NULL);
}

/* The row widget that shows @status now, if any. */
static GtkWidget *
find_row_widget (QtrTimelineView *self,
                 QtrStatus       *status)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (QTR_IS_STATUS_ROW (row) && qtr_status_row_get_status (QTR_STATUS_ROW (row)) == status)
        return child;
    }
  return NULL;
}

static gboolean
focus_selected_tick_cb (GtkWidget     *widget,
                        GdkFrameClock *clock,
                        gpointer       user_data)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (widget);
  g_autoptr(QtrStatus) status = NULL;
  GtkWidget *row;

  self->focus_tick_id = 0;
  status = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                  gtk_single_selection_get_selected (self->selection));
  /* Keyboard focus follows the selection, so that Tab goes on from the selected post. */
  if (status != NULL && (row = find_row_widget (self, status)) != NULL)
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
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (QTR_IS_STATUS (item))
    g_signal_emit (self, signals[STATUS_ACTIVATED], 0, item);
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

static void
show_pending_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (widget);

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
qtr_timeline_view_dispose (GObject *object)
{
  QtrTimelineView *self = QTR_TIMELINE_VIEW (object);

  if (self->focus_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->focus_tick_id);
      self->focus_tick_id = 0;
    }
  if (self->model != NULL)
    g_clear_signal_handler (&self->pending_id, self->model);
  /* AdwBin keeps its child apart from the template's: let it go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_TIMELINE_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
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

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
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
   * The user opened a post (Enter, or a double click): show its thread.
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
   * QtrTimelineView::show-pending:
   *
   * The user asked for the new posts that the model holds back: let them in.
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
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_j, 0, "timeline.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "timeline.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "timeline.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "timeline.open", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-timeline-view.ui");
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
 * Returns: (transfer none) (nullable): the posts it shows
 */
GListModel *
qtr_timeline_view_get_model (QtrTimelineView *self)
{
  g_return_val_if_fail (QTR_IS_TIMELINE_VIEW (self), NULL);

  return self->model;
}

static gboolean
has_pending_property (GListModel *model)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (model), "n-pending");

  return pspec != NULL && (pspec->flags & G_PARAM_READABLE) &&
         g_value_type_transformable (pspec->value_type, G_TYPE_UINT);
}

/**
 * qtr_timeline_view_set_model:
 * @model: (nullable): a GListModel of QtrStatus; an `n-pending` property on it drives the
 *   "N new posts" button
 */
void
qtr_timeline_view_set_model (QtrTimelineView *self,
                             GListModel      *model)
{
  g_return_if_fail (QTR_IS_TIMELINE_VIEW (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;
  if (self->model != NULL)
    g_clear_signal_handler (&self->pending_id, self->model);
  g_set_object (&self->model, model);
  gtk_single_selection_set_model (self->selection, model);
  if (model != NULL && has_pending_property (model))
    self->pending_id = g_signal_connect_object (model, "notify::n-pending",
                                                G_CALLBACK (update_pending), self,
                                                G_CONNECT_SWAPPED);
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
 * Returns: the model's `n-pending`, or 0 when it has no such property
 */
guint
qtr_timeline_view_get_n_pending (QtrTimelineView *self)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GValue) as_uint = G_VALUE_INIT;
  GParamSpec *pspec;

  g_return_val_if_fail (QTR_IS_TIMELINE_VIEW (self), 0);

  if (self->model == NULL || !has_pending_property (self->model))
    return 0;
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self->model), "n-pending");
  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (self->model), "n-pending", &value);
  g_value_init (&as_uint, G_TYPE_UINT);
  if (!g_value_transform (&value, &as_uint))
    return 0;
  return g_value_get_uint (&as_uint);
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
