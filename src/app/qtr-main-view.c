/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-main-view.h"

#include <glib/gi18n.h>

#include "qtr-account-store.h"
#include "qtr-search-page.h"

/* QtrMainView: the window's content once an account is open.
 *
 * An AdwLeaflet: the sidebar (sections, then the accounts) beside the content; at phone width
 * it folds to one pane, with a back button from the content to the sidebar. A section shows in
 * the sidebar only once it has a page (a timeline model set with qtr_main_view_set_timeline());
 * sections without one stay hidden rather than show a page that does nothing. The accounts
 * list switches account (::account-activated); the window does the switching.
 *
 * Navigation: qtr_main_view_push_page() shows a page (a thread, a profile, a hashtag) over
 * the section's content, with a back button in the content's header bar. Each section keeps
 * its own history: switching section shows that section's top page, and its timeline keeps its
 * scroll position under the pages pushed over it. Back (the button, Escape, Alt+Left, the mouse's
 * back button) goes to the previous page; with none left, at phone width, to the sidebar. A
 * pushed page's ::status-activated, ::mention-activated, ::hashtag-activated and
 * ::profile-activated signals, when it has them, are the main view's own. */

struct _QtrMainView
{
  AdwBin      parent_instance;

  GHashTable *timelines;  /* section → QtrTimelineView (owned by the stack) */
  GPtrArray  *handles;    /* of the accounts listed */
  char       *section;    /* nullable: the one shown */
  GHashTable *histories;  /* section → GPtrArray of the pages pushed over it, oldest first */
  QtrSearchPage *search_page;  /* nullable: the Search section's page, once it has a search */

  /* Template widgets */
  AdwLeaflet     *leaflet;
  GtkListBox     *sidebar_list;
  GtkListBox     *accounts_list;
  GtkWidget      *lists_heading;
  GtkListBox     *lists_list;
  GtkWidget      *tags_heading;
  GtkListBox     *tags_list;
  AdwWindowTitle *content_title;
  GtkStack       *content_stack;
  AdwStatusPage  *empty_page;
  GtkWidget      *back_button;
  GtkRevealer    *banner_revealer;
  GtkLabel       *banner_label;
  GtkButton      *banner_button;
};

enum {
  ACCOUNT_ACTIVATED,
  STATUS_ACTIVATED,
  MENTION_ACTIVATED,
  HASHTAG_ACTIVATED,
  PROFILE_ACTIVATED,
  BANNER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrMainView, qtr_main_view, ADW_TYPE_BIN)

static GtkListBoxRow *
find_section_row (QtrMainView *self,
                  const char  *section)
{
  /* The sections, then the lists and the followed hashtags (their own headings). */
  GtkListBox *lists[] = { self->sidebar_list, self->lists_list, self->tags_list };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (lists[i]));
         child != NULL; child = gtk_widget_get_next_sibling (child))
      {
        if (GTK_IS_LIST_BOX_ROW (child) && g_strcmp0 (gtk_widget_get_name (child), section) == 0)
          return GTK_LIST_BOX_ROW (child);
      }
  return NULL;
}

#define PAGE_TITLE_KEY "qtr-main-view-page-title"

/* The pages pushed over the section shown, oldest first; %NULL when there is none. */
static GPtrArray *
get_history (QtrMainView *self)
{
  GPtrArray *history;

  if (self->section == NULL)
    return NULL;
  history = g_hash_table_lookup (self->histories, self->section);
  return history != NULL && history->len > 0 ? history : NULL;
}

static void
update_back_button (QtrMainView *self)
{
  gtk_widget_set_visible (self->back_button,
                          get_history (self) != NULL || adw_leaflet_get_folded (self->leaflet));
}

/* Shows the section's last pushed page, or the section's own page, with its title. */
static void
show_top_page (QtrMainView *self)
{
  GPtrArray *history = get_history (self);

  if (history != NULL)
    {
      GtkWidget *page = g_ptr_array_index (history, history->len - 1);

      gtk_stack_set_visible_child (self->content_stack, page);
      adw_window_title_set_title (self->content_title,
                                  g_object_get_data (G_OBJECT (page), PAGE_TITLE_KEY));
    }
  else if (self->section != NULL)
    {
      gtk_stack_set_visible_child_name (self->content_stack, self->section);
      adw_window_title_set_title (self->content_title,
                                  qtr_main_view_get_section_label (self, self->section));
    }
  update_back_button (self);
}

/* Removes the pages pushed over @section from the stack (they go, and what they do stops). */
static void
clear_history (QtrMainView *self,
               const char  *section)
{
  GPtrArray *history = g_hash_table_lookup (self->histories, section);

  while (history != NULL && history->len > 0)
    {
      GtkWidget *page = g_ptr_array_steal_index (history, history->len - 1);

      gtk_stack_remove (self->content_stack, page);
      g_object_unref (page);
    }
}

/* Back: the previous page; with none, at phone width, the sidebar. */
static gboolean
go_back (QtrMainView *self)
{
  if (qtr_main_view_pop_page (self))
    return TRUE;
  return adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Escape, Alt+Left and the mouse's back button: the previous page only; the leaflet does the
 * rest (it goes back to the sidebar at phone width). */
static gboolean
pop_shortcut_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  return qtr_main_view_pop_page (QTR_MAIN_VIEW (widget));
}

static void
back_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 QtrMainView     *self)
{
  if (qtr_main_view_pop_page (self))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
leaflet_folded_cb (QtrMainView *self)
{
  update_back_button (self);
}

static gboolean
has_page (QtrMainView *self,
          const char  *section)
{
  return g_hash_table_contains (self->timelines, section) ||
         (self->search_page != NULL && g_strcmp0 (section, "search") == 0);
}

static void
show_section (QtrMainView *self,
              const char  *section)
{
  GtkListBoxRow *row = find_section_row (self, section);

  GtkListBox *lists[] = { self->sidebar_list, self->lists_list, self->tags_list };

  if (row == NULL || !has_page (self, section))
    return;
  g_free (self->section);
  self->section = g_strdup (section);
  /* One selected row in the three lists of the sidebar. */
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    if (GTK_WIDGET (lists[i]) != gtk_widget_get_parent (GTK_WIDGET (row)))
      gtk_list_box_unselect_all (lists[i]);
  gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (row))), row);
  show_top_page (self);
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
  go_back (QTR_MAIN_VIEW (widget));
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
page_profile_activated_cb (QtrMainView *self,
                           GObject     *account)
{
  g_signal_emit (self, signals[PROFILE_ACTIVATED], 0, account);
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
search_account_activated_cb (QtrMainView *self,
                             QtrAccount  *account)
{
  const char *url = qtr_account_get_url (account);

  /* The account's profile, as for a mention of it. */
  if (url != NULL)
    g_signal_emit (self, signals[MENTION_ACTIVATED], 0, url);
}

static void
search_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  QtrMainView *self = QTR_MAIN_VIEW (widget);

  if (self->search_page == NULL)
    return;
  show_section (self, "search");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  qtr_search_page_focus_entry (self->search_page);
}

static void
qtr_main_view_dispose (GObject *object)
{
  QtrMainView *self = QTR_MAIN_VIEW (object);

  /* AdwBin keeps its child apart from the template's: let it go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_MAIN_VIEW);
  g_clear_pointer (&self->timelines, g_hash_table_unref);
  g_clear_pointer (&self->histories, g_hash_table_unref);
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
   * QtrMainView::profile-activated:
   * @account: the #QtrAccount whose profile to open
   *
   * An avatar or a name was clicked, in a timeline or a pushed page.
   */
  signals[PROFILE_ACTIVATED] =
    g_signal_new ("profile-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_OBJECT);
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
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, pop_shortcut_cb, NULL);
  gtk_widget_class_install_action (widget_class, "main.search", NULL, search_activated_cb);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-main-view.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, lists_heading);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, lists_list);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, tags_heading);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, tags_list);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, content_title);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QtrMainView, back_button);
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
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkGesture *back_click;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Ctrl+K goes to the search from anywhere in the window, focused or not. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_k,
                                                                                  GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("main.search")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  self->timelines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->histories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);

  /* Before the leaflet, which would go to the sidebar at phone width: a pushed page first. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Left, GDK_ALT_MASK),
                        gtk_callback_action_new (pop_shortcut_cb, NULL, NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Back, 0),
                        gtk_callback_action_new (pop_shortcut_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  back_click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (back_click), 8);  /* the back button */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (back_click),
                                              GTK_PHASE_CAPTURE);
  g_signal_connect_object (back_click, "pressed", G_CALLBACK (back_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (back_click));
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (leaflet_folded_cb), self,
                           G_CONNECT_SWAPPED);
  update_back_button (self);
  self->handles = g_ptr_array_new_with_free_func (g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sidebar_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Timelines"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->accounts_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Accounts"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->lists_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Lists"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tags_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Followed Hashtags"), -1);
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

static QtrTimelineView *
add_timeline_view (QtrMainView *self,
                   const char  *section)
{
  QtrTimelineView *view = QTR_TIMELINE_VIEW (qtr_timeline_view_new ());

  g_signal_connect_object (view, "status-activated",
                           G_CALLBACK (timeline_status_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "mention-activated",
                           G_CALLBACK (timeline_mention_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "hashtag-activated",
                           G_CALLBACK (timeline_hashtag_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "profile-activated",
                           G_CALLBACK (page_profile_activated_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->content_stack, GTK_WIDGET (view), section);
  g_hash_table_insert (self->timelines, g_strdup (section), view);
  return view;
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
      clear_history (self, section);
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
          update_back_button (self);
        }
      return;
    }

  if (view == NULL)
    view = add_timeline_view (self, section);
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
 * qtr_main_view_push_page:
 * @page: (transfer floating): the page to show, such as a thread or a profile
 * @title: its title, in the content's header bar
 *
 * Shows @page over the content of the section shown, with a back button; going back removes
 * it, and what it does must then stop: cancel its requests in its #GtkWidgetClass.unroot (a
 * request that holds a reference to the page would keep it from being disposed). Each section
 * has a history of its own. Where @page has the signals ::status-activated (a
 * #QtrStatus), ::mention-activated (a profile URL), ::hashtag-activated (a tag) or
 * ::profile-activated (a #QtrAccount), they are emitted again by the main view, for the window
 * to open the next page.
 *
 * Does nothing while no section shows (no account is open).
 */
void
qtr_main_view_push_page (QtrMainView *self,
                         GtkWidget   *page,
                         const char  *title)
{
  static const struct {
    const char *name;
    GCallback   callback;
  } forwarded[] = {
    { "status-activated", G_CALLBACK (timeline_status_activated_cb) },
    { "mention-activated", G_CALLBACK (timeline_mention_activated_cb) },
    { "hashtag-activated", G_CALLBACK (timeline_hashtag_activated_cb) },
    { "profile-activated", G_CALLBACK (page_profile_activated_cb) },
  };
  GPtrArray *history;

  g_return_if_fail (QTR_IS_MAIN_VIEW (self));
  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (gtk_widget_get_parent (page) == NULL);

  g_object_ref_sink (page);
  if (self->section == NULL)
    {
      g_object_unref (page);
      return;
    }
  history = g_hash_table_lookup (self->histories, self->section);
  if (history == NULL)
    {
      history = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->histories, g_strdup (self->section), history);
    }
  g_object_set_data_full (G_OBJECT (page), PAGE_TITLE_KEY, g_strdup (title), g_free);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    if (g_signal_lookup (forwarded[i].name, G_OBJECT_TYPE (page)) != 0)
      g_signal_connect_object (page, forwarded[i].name, forwarded[i].callback, self,
                               G_CONNECT_SWAPPED);
  gtk_stack_add_child (self->content_stack, page);
  g_ptr_array_add (history, page);
  show_top_page (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  gtk_widget_grab_focus (page);
}

/**
 * qtr_main_view_pop_page:
 *
 * Removes the page pushed last over the section shown, and shows the one under it.
 *
 * Returns: %TRUE if there was a page to remove
 */
gboolean
qtr_main_view_pop_page (QtrMainView *self)
{
  GPtrArray *history;
  GtkWidget *page;

  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), FALSE);

  history = get_history (self);
  if (history == NULL)
    return FALSE;
  page = g_ptr_array_steal_index (history, history->len - 1);
  show_top_page (self);
  gtk_stack_remove (self->content_stack, page);
  g_object_unref (page);
  gtk_widget_grab_focus (gtk_stack_get_visible_child (self->content_stack));
  return TRUE;
}

/**
 * qtr_main_view_get_visible_page:
 *
 * Returns: (transfer none) (nullable): what the content pane shows: the page pushed last over
 *   the section shown, or the section's own page
 */
GtkWidget *
qtr_main_view_get_visible_page (QtrMainView *self)
{
  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), NULL);

  return gtk_stack_get_visible_child (self->content_stack);
}

/**
 * qtr_main_view_get_n_pages:
 *
 * Returns: how many pages are pushed over the section shown
 */
guint
qtr_main_view_get_n_pages (QtrMainView *self)
{
  GPtrArray *history;

  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), 0);

  history = get_history (self);
  return history != NULL ? history->len : 0;
}

/**
 * qtr_main_view_set_page_title:
 * @page: a page pushed with qtr_main_view_push_page()
 * @title: its new title, such as a name once it is known
 */
void
qtr_main_view_set_page_title (QtrMainView *self,
                              GtkWidget   *page,
                              const char  *title)
{
  g_return_if_fail (QTR_IS_MAIN_VIEW (self));
  g_return_if_fail (GTK_IS_WIDGET (page));

  g_object_set_data_full (G_OBJECT (page), PAGE_TITLE_KEY, g_strdup (title), g_free);
  if (gtk_stack_get_visible_child (self->content_stack) == page)
    adw_window_title_set_title (self->content_title, title);
}

/**
 * qtr_main_view_set_search:
 * @search: (nullable): the account's search; %NULL hides the Search section
 *
 * Gives the Search section its page (Ctrl+K goes there). Its accounts, hashtags and posts
 * emit ::mention-activated (with the account's URL), ::hashtag-activated and
 * ::status-activated.
 */
void
qtr_main_view_set_search (QtrMainView *self,
                          QtrSearch   *search)
{
  GtkListBoxRow *row;

  g_return_if_fail (QTR_IS_MAIN_VIEW (self));

  row = find_section_row (self, "search");
  if (search == NULL)
    {
      if (self->search_page != NULL)
        gtk_stack_remove (self->content_stack, GTK_WIDGET (self->search_page));
      self->search_page = NULL;
      gtk_widget_set_visible (GTK_WIDGET (row), FALSE);
      if (g_strcmp0 (self->section, "search") == 0)
        {
          g_clear_pointer (&self->section, g_free);
          gtk_stack_set_visible_child_name (self->content_stack, "empty");
        }
      return;
    }
  if (self->search_page == NULL)
    {
      self->search_page = QTR_SEARCH_PAGE (qtr_search_page_new ());
      g_signal_connect_object (self->search_page, "account-activated",
                               G_CALLBACK (search_account_activated_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->search_page, "status-activated",
                               G_CALLBACK (timeline_status_activated_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->search_page, "mention-activated",
                               G_CALLBACK (timeline_mention_activated_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->search_page, "hashtag-activated",
                               G_CALLBACK (timeline_hashtag_activated_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_stack_add_named (self->content_stack, GTK_WIDGET (self->search_page), "search");
    }
  qtr_search_page_set_search (self->search_page, search);
  gtk_widget_set_visible (GTK_WIDGET (row), TRUE);
}

/**
 * qtr_main_view_get_search_page:
 *
 * Returns: (transfer none) (nullable): the Search section's page
 */
QtrSearchPage *
qtr_main_view_get_search_page (QtrMainView *self)
{
  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), NULL);

  return self->search_page;
}

static GtkListBox *
feed_list (QtrMainView     *self,
           QtrMainViewFeed  feed,
           GtkWidget      **heading)
{
  *heading = feed == QTR_MAIN_VIEW_FEED_LIST ? self->lists_heading : self->tags_heading;
  return feed == QTR_MAIN_VIEW_FEED_LIST ? self->lists_list : self->tags_list;
}

/**
 * qtr_main_view_add_feed:
 * @feed: a list, or a followed hashtag
 * @section: the section's name, unique (such as `list:42` or `tag:cats`)
 * @label: what the sidebar says (the list's title, `#cats`)
 * @model: its timeline
 *
 * Adds a sidebar entry under the Lists or Followed Hashtags heading, with @model's page. The
 * heading shows once it has an entry.
 */
void
qtr_main_view_add_feed (QtrMainView     *self,
                        QtrMainViewFeed  feed,
                        const char      *section,
                        const char      *label,
                        QtrTimeline     *model)
{
  GtkWidget *heading;
  GtkListBox *list = feed_list (self, feed, &heading);
  GtkWidget *row, *box, *text;
  QtrTimelineView *view;

  g_return_if_fail (QTR_IS_MAIN_VIEW (self));
  g_return_if_fail (QTR_IS_TIMELINE (model));
  g_return_if_fail (find_section_row (self, section) == NULL);

  /* As the template's section rows: an icon, then the label. */
  row = gtk_list_box_row_new ();
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  text = gtk_label_new (label);
  gtk_widget_set_name (row, section);
  gtk_box_append (GTK_BOX (box),
                  gtk_image_new_from_icon_name (feed == QTR_MAIN_VIEW_FEED_LIST
                                                ? "view-list-symbolic"
                                                : "tag-symbolic"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_first_child (box)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_append (list, row);
  gtk_widget_set_visible (heading, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (list), TRUE);

  view = add_timeline_view (self, section);
  qtr_timeline_view_set_model (view, model);
}

/**
 * qtr_main_view_clear_feeds:
 *
 * Removes the sidebar entries (and their pages) of @feed; its heading hides.
 */
void
qtr_main_view_clear_feeds (QtrMainView     *self,
                           QtrMainViewFeed  feed)
{
  GtkWidget *heading;
  GtkListBox *list = feed_list (self, feed, &heading);
  GtkWidget *child;

  g_return_if_fail (QTR_IS_MAIN_VIEW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    {
      const char *section = gtk_widget_get_name (child);
      GtkWidget *view = g_hash_table_lookup (self->timelines, section);

      if (view != NULL)
        gtk_stack_remove (self->content_stack, view);
      if (g_strcmp0 (self->section, section) == 0)
        {
          g_clear_pointer (&self->section, g_free);
          gtk_stack_set_visible_child_name (self->content_stack, "empty");
        }
      clear_history (self, section);
      g_hash_table_remove (self->timelines, section);
      gtk_list_box_remove (list, child);
    }
  gtk_widget_set_visible (heading, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (list), FALSE);
}

/**
 * qtr_main_view_get_n_feeds:
 *
 * Returns: how many entries the sidebar has under @feed's heading
 */
guint
qtr_main_view_get_n_feeds (QtrMainView     *self,
                           QtrMainViewFeed  feed)
{
  GtkWidget *heading;
  GtkListBox *list = feed_list (self, feed, &heading);
  guint n = 0;

  g_return_val_if_fail (QTR_IS_MAIN_VIEW (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}
