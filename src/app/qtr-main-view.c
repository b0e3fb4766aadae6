/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-main-view.h"

#include <glib/gi18n.h>

#include "qtr-account-store.h"

/* QtrMainView: the window's content once an account is open.
 *
 * An AdwLeaflet: the sidebar (sections, then the accounts) beside the content; at phone width
 * it folds to one pane, with a back button from the content to the sidebar. A section shows in
 * the sidebar only once it has a page (a timeline model set with qtr_main_view_set_timeline());
 * sections without one stay hidden rather than show a page that does nothing. The accounts
 * list switches account (::account-activated); the window does the switching. */

struct _QtrMainView
{
  AdwBin      parent_instance;

  GHashTable *timelines;  /* section → QtrTimelineView (owned by the stack) */
  GPtrArray  *handles;    /* of the accounts listed */
  char       *section;    /* nullable: the one shown */

  /* Template widgets */
  AdwLeaflet     *leaflet;
  GtkListBox     *sidebar_list;
  GtkListBox     *accounts_list;
  AdwWindowTitle *content_title;
  GtkStack       *content_stack;
  AdwStatusPage  *empty_page;
  GtkRevealer    *banner_revealer;
  GtkLabel       *banner_label;
  GtkButton      *banner_button;
};

enum {
  ACCOUNT_ACTIVATED,
  STATUS_ACTIVATED,
  MENTION_ACTIVATED,
  HASHTAG_ACTIVATED,
  BANNER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrMainView, qtr_main_view, ADW_TYPE_BIN)

static GtkListBoxRow *
find_section_row (QtrMainView *self,
                  const char  *section)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && g_strcmp0 (gtk_widget_get_name (child), section) == 0)
        return GTK_LIST_BOX_ROW (child);
    }
  return NULL;
}

static void
show_section (QtrMainView *self,
              const char  *section)
{
  GtkListBoxRow *row = find_section_row (self, section);

  if (row == NULL || !g_hash_table_contains (self->timelines, section))
    return;
  g_free (self->section);
  self->section = g_strdup (section);
  gtk_list_box_select_row (self->sidebar_list, row);
  gtk_stack_set_visible_child_name (self->content_stack, section);
  adw_window_title_set_title (self->content_title,
                              qtr_main_view_get_section_label (self, section));
}

static void
sidebar_row_activated_cb (QtrMainView   *self,
                          GtkListBoxRow *row)
{
  show_section (self, gtk_widget_get_name (GTK_WIDGET (row)));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
account_row_activated_cb (QtrMainView   *self,
                          GtkListBoxRow *row)
{
  g_signal_emit (self, signals[ACCOUNT_ACTIVATED], 0, gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
back_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  adw_leaflet_navigate (QTR_MAIN_VIEW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
timeline_status_activated_cb (QtrMainView *self,
                              GObject     *status)
{
  g_signal_emit (self, signals[STATUS_ACTIVATED], 0, status);
}

static void
timeline_mention_activated_cb (QtrMainView *self,
                               const char  *url)
{
  g_signal_emit (self, signals[MENTION_ACTIVATED], 0, url);
}

static void
banner_button_clicked_cb (QtrMainView *self)
{
  g_signal_emit (self, signals[BANNER_ACTIVATED], 0);
}

static void
timeline_hashtag_activated_cb (QtrMainView *self,
                               const char  *name)
{
  g_signal_emit (self, signals[HASHTAG_ACTIVATED], 0, name);
}

static void
qtr_main_view_dispose (GObject *object)
{
  QtrMainView *self = QTR_MAIN_VIEW (object);

  /* AdwBin keeps its child apart from the template's: let it go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_MAIN_VIEW);
  g_clear_pointer (&self->timelines, g_hash_table_unref);
  g_clear_pointer (&self->handles, g_ptr_array_unref);
  g_clear_pointer (&self->section, g_free);

  G_OBJECT_CLASS (qtr_main_view_parent_class)->dispose (object);
}

static void
qtr_main_view_class_init (QtrMainViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_main_view_dispose;

  /**
   * QtrMainView::account-activated:
   * @handle: the account the user picked in the sidebar
   */
  signals[ACCOUNT_ACTIVATED] =
    g_signal_new ("account-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[STATUS_ACTIVATED] =
    g_signal_new ("status-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
  signals[MENTION_ACTIVATED] =
    g_signal_new ("mention-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[HASHTAG_ACTIVATED] =
    g_signal_new ("hashtag-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * QtrMainView::banner-activated:
   *
   * The user pressed the banner's "Retry" button.
   */
  signals[BANNER_ACTIVATED] =
    g_signal_new ("banner-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "main.back", NULL, back_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "main.back",
                                       NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-main-view.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, content_title);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, banner_label);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, banner_button);
  gtk_widget_class_bind_template_callback (widget_class, banner_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, account_row_activated_cb);
}

static void
qtr_main_view_init (QtrMainView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->timelines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->handles = g_ptr_array_new_with_free_func (g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sidebar_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Timelines"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->accounts_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Accounts"), -1);
}

/**
 * qtr_main_view_new:
 *
 * Returns: (transfer floating): a main view with no section and no account
 */
GtkWidget *
qtr_main_view_new (void)
{
  return g_object_new (QTR_TYPE_MAIN_VIEW, NULL);
}

/**
 * qtr_main_view_set_accounts:
 * @accounts: (element-type QtrStoredAccount): the accounts to list
 * @active: (nullable): the handle of the open one
 */
void
qtr_main_view_set_accounts (QtrMainView *self,
                            GPtrArray   *accounts,
                            const char  *active)
{
  GtkWidget *child;

  g_return_if_fail (QTR_IS_MAIN_VIEW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list))) != NULL)
    gtk_list_box_remove (self->accounts_list, child);
  g_ptr_array_set_size (self->handles, 0);

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      const QtrStoredAccount *account = accounts->pdata[i];
      const char *name = account->display_name != NULL && *account->display_name != '\0'
                         ? account->display_name : account->handle;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *avatar = adw_avatar_new (32, name, TRUE);
      gboolean is_active = g_strcmp0 (account->handle, active) == 0;

      /* The list holds a handful of accounts: rows made here, not a model. */
      gtk_widget_set_name (row, account->handle);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), account->handle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      if (is_active)
        {
          GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

          gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Active account"), -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
        }
      gtk_widget_set_tooltip_text (row, is_active ? _("The open account")
                                                  : _("Switch to this account"));
      gtk_list_box_append (self->accounts_list, row);
      g_ptr_array_add (self->handles, g_strdup (account->handle));
    }
}

guint
qtr_main_view_get_n_accounts (QtrMainView *self)
{
  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), 0);

  return self->handles->len;
}

/**
 * qtr_main_view_get_account_handle:
 *
 * Returns: (nullable): the handle of the account listed at @index
 */
const char *
qtr_main_view_get_account_handle (QtrMainView *self,
                                  guint        index)
{
  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), NULL);

  return index < self->handles->len ? self->handles->pdata[index] : NULL;
}

/**
 * qtr_main_view_set_timeline:
 * @section: `home`, `notifications`, `mentions`, `local`, `federated`, `bookmarks`,
 *   `favourites`, `lists` or `search`
 * @model: (nullable): its timeline; %NULL removes the page and hides the section
 *
 * Gives a section its page: a QtrTimelineView over @model. The first section with a page
 * shows.
 */
void
qtr_main_view_set_timeline (QtrMainView *self,
                            const char  *section,
                            QtrTimeline *model)
{
  GtkListBoxRow *row;
  QtrTimelineView *view;

  g_return_if_fail (QTR_IS_MAIN_VIEW (self));
  row = find_section_row (self, section);
  g_return_if_fail (row != NULL);

  view = g_hash_table_lookup (self->timelines, section);
  if (model == NULL)
    {
      if (view != NULL)
        {
          gtk_stack_remove (self->content_stack, GTK_WIDGET (view));
          g_hash_table_remove (self->timelines, section);
        }
      gtk_widget_set_visible (GTK_WIDGET (row), FALSE);
      if (g_strcmp0 (self->section, section) == 0)
        {
          g_clear_pointer (&self->section, g_free);
          gtk_stack_set_visible_child_name (self->content_stack, "empty");
        }
      return;
    }

  if (view == NULL)
    {
      view = QTR_TIMELINE_VIEW (qtr_timeline_view_new ());
      g_signal_connect_object (view, "status-activated",
                               G_CALLBACK (timeline_status_activated_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (view, "mention-activated",
                               G_CALLBACK (timeline_mention_activated_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (view, "hashtag-activated",
                               G_CALLBACK (timeline_hashtag_activated_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_stack_add_named (self->content_stack, GTK_WIDGET (view), section);
      g_hash_table_insert (self->timelines, g_strdup (section), view);
    }
  qtr_timeline_view_set_model (view, model);
  gtk_widget_set_visible (GTK_WIDGET (row), TRUE);
  if (self->section == NULL)
    show_section (self, section);
}

/**
 * qtr_main_view_get_timeline:
 *
 * Returns: (transfer none) (nullable): the section's page
 */
QtrTimelineView *
qtr_main_view_get_timeline (QtrMainView *self,
                            const char  *section)
{
  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), NULL);

  return g_hash_table_lookup (self->timelines, section);
}

/**
 * qtr_main_view_has_section:
 *
 * Returns: whether the sidebar shows @section (it does once the section has a page)
 */
gboolean
qtr_main_view_has_section (QtrMainView *self,
                           const char  *section)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), FALSE);

  row = find_section_row (self, section);
  return row != NULL && gtk_widget_get_visible (GTK_WIDGET (row));
}

/**
 * qtr_main_view_get_section_label:
 *
 * Returns: (nullable): the sidebar's label for @section, in the user's language
 */
const char *
qtr_main_view_get_section_label (QtrMainView *self,
                                 const char  *section)
{
  GtkListBoxRow *row;
  GtkWidget *box;

  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), NULL);

  row = find_section_row (self, section);
  if (row == NULL)
    return NULL;
  box = gtk_list_box_row_get_child (row);
  return gtk_label_get_label (GTK_LABEL (gtk_widget_get_last_child (box)));
}

/**
 * qtr_main_view_select_section:
 *
 * Shows @section's page, if it has one.
 */
void
qtr_main_view_select_section (QtrMainView *self,
                              const char  *section)
{
  g_return_if_fail (QTR_IS_MAIN_VIEW (self));

  show_section (self, section);
}

/**
 * qtr_main_view_get_section:
 *
 * Returns: (nullable): the section shown
 */
const char *
qtr_main_view_get_section (QtrMainView *self)
{
  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), NULL);

  return self->section;
}

/**
 * qtr_main_view_show_status:
 * @title: what the content pane says while no section has a page (loading, or why not)
 * @description: (nullable): more about it
 */
void
qtr_main_view_show_status (QtrMainView *self,
                           const char  *title,
                           const char  *description)
{
  g_return_if_fail (QTR_IS_MAIN_VIEW (self));

  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, description);
  if (self->section == NULL)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
      adw_window_title_set_title (self->content_title, "");
    }
}

/**
 * qtr_main_view_get_leaflet:
 *
 * Returns: (transfer none): the leaflet that folds the sidebar and the content
 */
AdwLeaflet *
qtr_main_view_get_leaflet (QtrMainView *self)
{
  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), NULL);

  return self->leaflet;
}

/**
 * qtr_main_view_show_banner:
 * @text: (nullable): what the banner above the content says; %NULL hides it
 * @with_retry: whether it has a "Retry" button (::banner-activated)
 *
 * Says something about the whole account above its pages, such as being offline.
 */
void
qtr_main_view_show_banner (QtrMainView *self,
                           const char  *text,
                           gboolean     with_retry)
{
  g_return_if_fail (QTR_IS_MAIN_VIEW (self));

  if (text != NULL)
    gtk_label_set_text (self->banner_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_button), with_retry);
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

/**
 * qtr_main_view_get_banner:
 *
 * Returns: (nullable): what the banner says, or %NULL while it is hidden
 */
const char *
qtr_main_view_get_banner (QtrMainView *self)
{
  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->banner_revealer))
    return NULL;
  return gtk_label_get_text (self->banner_label);
}

/**
 * qtr_main_view_select_nth_section:
 * @n: 1 for the first section the sidebar shows, 2 for the second…
 *
 * Shows the @n-th section of the sidebar (Ctrl+1…9), counting only the sections it shows.
 *
 * Returns: whether there is one
 */
gboolean
qtr_main_view_select_nth_section (QtrMainView *self,
                                  guint        n)
{
  guint seen = 0;

  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (!GTK_IS_LIST_BOX_ROW (child) || !gtk_widget_get_visible (child) ||
          !g_hash_table_contains (self->timelines, gtk_widget_get_name (child)))
        continue;
      if (++seen == n)
        {
          show_section (self, gtk_widget_get_name (child));
          adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
          return TRUE;
        }
    }
  return FALSE;
}
