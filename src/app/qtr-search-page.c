/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-search-page.h"

#include <glib/gi18n.h>

#include "qtr-account.h"
#include "qtr-hashtag.h"
#include "qtr-status-row.h"
#include "qtr-status.h"

/* QtrSearchPage: the Search section: a search entry over the results of a QtrSearch, grouped
 * as Accounts, Hashtags and Posts.
 *
 * The search runs once typing pauses (QTR_SEARCH_PAGE_DELAY); a handle with a server
 * (`@name@server`) or a link also asks the server to look it up elsewhere (resolve), and so
 * does Enter, whatever the text. Activating an account, a hashtag or a post emits
 * ::account-activated, ::hashtag-activated or ::status-activated: the window shows them.
 * Before a search, with no results, and when the server fails, an AdwStatusPage says so. The
 * results are one page per kind (QTR_SEARCH_LIMIT), so they are list boxes bound to the
 * models, not list views. */

struct _QtrSearchPage
{
  AdwBin          parent_instance;

  QtrSearch      *search;
  QtrImageLoader *loader;
  GCancellable   *cancellable;  /* of the avatars' loads */
  gboolean        resolved;     /* the search under way (or done) resolves */

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkStack       *stack;
  GtkSpinner     *spinner;
  AdwStatusPage  *none_page;
  AdwStatusPage  *error_page;
  GtkWidget      *accounts_heading;
  GtkListBox     *accounts_list;
  GtkWidget      *hashtags_heading;
  GtkListBox     *hashtags_list;
  GtkWidget      *statuses_heading;
  GtkListBox     *statuses_list;
};

enum {
  ACCOUNT_ACTIVATED,
  HASHTAG_ACTIVATED,
  STATUS_ACTIVATED,
  MENTION_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrSearchPage, qtr_search_page, ADW_TYPE_BIN)

static void
show_state (QtrSearchPage *self)
{
  QtrSearchState state = self->search != NULL ? qtr_search_get_state (self->search)
                                              : QTR_SEARCH_STATE_EMPTY;
  const char *page = "empty";

  switch (state)
    {
    case QTR_SEARCH_STATE_RUNNING:
      /* The last results stay while the next load, unless there were none. */
      page = qtr_search_get_n_results (self->search) > 0 ? "results" : "loading";
      break;
    case QTR_SEARCH_STATE_DONE:
      if (qtr_search_get_n_results (self->search) > 0)
        page = "results";
      else
        {
          /* Translators: %s is what the user searched for */
          g_autofree char *text = g_strdup_printf (_("Nothing was found for “%s”. To find an "
                                                     "account on another server, search for "
                                                     "its full handle, like @name@server."),
                                                   qtr_search_get_text (self->search));

          adw_status_page_set_description (self->none_page, text);
          page = "none";
        }
      break;
    case QTR_SEARCH_STATE_FAILED:
      {
        const GError *error = qtr_search_get_error (self->search);
        /* Translators: %s is the server's error */
        g_autofree char *text = g_strdup_printf (_("The server could not search: %s. Check "
                                                   "your connection and try again."),
                                                 error != NULL ? error->message : "");

        adw_status_page_set_description (self->error_page, text);
        page = "error";
      }
      break;
    case QTR_SEARCH_STATE_EMPTY:
    default:
      break;
    }
  gtk_spinner_set_spinning (self->spinner, g_str_equal (page, "loading"));
  gtk_stack_set_visible_child_name (self->stack, page);
}

/* A heading and its list show only with results of their kind. */
static void
update_sections (QtrSearchPage *self)
{
  struct {
    GtkWidget  *heading;
    GtkListBox *list;
    GListModel *model;
  } sections[] = {
    { self->accounts_heading, self->accounts_list, qtr_search_get_accounts (self->search) },
    { self->hashtags_heading, self->hashtags_list, qtr_search_get_hashtags (self->search) },
    { self->statuses_heading, self->statuses_list, qtr_search_get_statuses (self->search) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      gboolean any = g_list_model_get_n_items (sections[i].model) > 0;

      gtk_widget_set_visible (sections[i].heading, any);
      gtk_widget_set_visible (GTK_WIDGET (sections[i].list), any);
    }
}

static void
search_state_changed_cb (QtrSearchPage *self)
{
  if (self->search != NULL)
    update_sections (self);
  show_state (self);
}

static void
avatar_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AdwAvatar) avatar = user_data;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GError) error = NULL;

  paintable = qtr_image_loader_load_finish (QTR_IMAGE_LOADER (source), result, &error);
  if (paintable != NULL)
    adw_avatar_set_custom_image (avatar, paintable);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("%s", error->message);
}

static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  QtrSearchPage *self = user_data;
  QtrAccount *account = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (40, qtr_account_get_name (account), TRUE);
  g_autofree char *handle = g_strconcat ("@", qtr_account_get_acct (account), NULL);
  const char *url = qtr_account_get_avatar_static (account);

  if (url == NULL)
    url = qtr_account_get_avatar (account);
  if (url != NULL)
    qtr_image_loader_load_async (self->loader, url, self->cancellable, avatar_loaded_cb,
                                 g_object_ref (avatar));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), qtr_account_get_name (account));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), handle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "qtr-item", g_object_ref (account), g_object_unref);
  return row;
}

static GtkWidget *
create_hashtag_row (gpointer item,
                    gpointer user_data)
{
  QtrHashtag *hashtag = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_strconcat ("#", qtr_hashtag_get_name (hashtag), NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "qtr-item", g_object_ref (hashtag), g_object_unref);
  return row;
}

static void
status_row_mention_activated_cb (QtrSearchPage *self,
                                 const char    *url)
{
  g_signal_emit (self, signals[MENTION_ACTIVATED], 0, url);
}

static void
status_row_hashtag_activated_cb (QtrSearchPage *self,
                                 const char    *name)
{
  g_signal_emit (self, signals[HASHTAG_ACTIVATED], 0, name);
}

static GtkWidget *
create_status_row (gpointer item,
                   gpointer user_data)
{
  QtrSearchPage *self = user_data;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *status_row = qtr_status_row_new ();
  g_autofree char *label = NULL;

  qtr_status_row_set_image_loader (QTR_STATUS_ROW (status_row), self->loader);
  qtr_status_row_set_status (QTR_STATUS_ROW (status_row), item);
  g_signal_connect_object (status_row, "mention-activated",
                           G_CALLBACK (status_row_mention_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (status_row, "hashtag-activated",
                           G_CALLBACK (status_row_hashtag_activated_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), status_row);
  label = qtr_status_row_dup_accessible_text (QTR_STATUS_ROW (status_row));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (row), "qtr-item", g_object_ref (item), g_object_unref);
  return row;
}

static void
run (QtrSearchPage *self,
     gboolean       resolve)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (self->search == NULL)
    return;
  self->resolved = resolve;
  qtr_search_run (self->search, text, resolve);
}

static gboolean
is_current (QtrSearchPage *self)
{
  const char *entered = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *text = g_strstrip (g_strdup (entered));

  return self->search != NULL &&
         qtr_search_get_state (self->search) != QTR_SEARCH_STATE_FAILED &&
         g_strcmp0 (qtr_search_get_text (self->search), text) == 0;
}

static void
search_entry_search_changed_cb (QtrSearchPage *self)
{
  /* Enter already searched for this (and resolved). */
  if (is_current (self))
    return;
  run (self,
       qtr_search_wants_resolve (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
}

static void
search_entry_activate_cb (QtrSearchPage *self)
{
  if (is_current (self) && self->resolved)
    return;
  run (self, TRUE);
}

static void
search_entry_stop_search_cb (QtrSearchPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  if (self->search != NULL)
    qtr_search_clear (self->search);
}

static void
retry_button_clicked_cb (QtrSearchPage *self)
{
  run (self, self->resolved);
}

static void
account_row_activated_cb (QtrSearchPage *self,
                          GtkListBoxRow *row)
{
  g_signal_emit (self, signals[ACCOUNT_ACTIVATED], 0,
                 g_object_get_data (G_OBJECT (row), "qtr-item"));
}

static void
hashtag_row_activated_cb (QtrSearchPage *self,
                          GtkListBoxRow *row)
{
  QtrHashtag *hashtag = g_object_get_data (G_OBJECT (row), "qtr-item");

  g_signal_emit (self, signals[HASHTAG_ACTIVATED], 0, qtr_hashtag_get_name (hashtag));
}

static void
status_row_activated_cb (QtrSearchPage *self,
                         GtkListBoxRow *row)
{
  g_signal_emit (self, signals[STATUS_ACTIVATED], 0,
                 g_object_get_data (G_OBJECT (row), "qtr-item"));
}

static void
bind_models (QtrSearchPage *self)
{
  gtk_list_box_bind_model (self->accounts_list,
                           self->search ? qtr_search_get_accounts (self->search) : NULL,
                           create_account_row, self, NULL);
  gtk_list_box_bind_model (self->hashtags_list,
                           self->search ? qtr_search_get_hashtags (self->search) : NULL,
                           create_hashtag_row, self, NULL);
  gtk_list_box_bind_model (self->statuses_list,
                           self->search ? qtr_search_get_statuses (self->search) : NULL,
                           create_status_row, self, NULL);
}

static void
qtr_search_page_dispose (GObject *object)
{
  QtrSearchPage *self = QTR_SEARCH_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->search != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->search, self);
      qtr_search_clear (self->search);
    }
  g_clear_object (&self->search);
  /* AdwBin keeps its child apart from the template's: let it go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_SEARCH_PAGE);
  g_clear_object (&self->loader);

  G_OBJECT_CLASS (qtr_search_page_parent_class)->dispose (object);
}

static void
qtr_search_page_class_init (QtrSearchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_search_page_dispose;

  /**
   * QtrSearchPage::account-activated:
   * @account: the QtrAccount picked
   */
  signals[ACCOUNT_ACTIVATED] =
    g_signal_new ("account-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_ACCOUNT);
  /**
   * QtrSearchPage::hashtag-activated:
   * @name: the hashtag picked (or clicked in a post), without `#`
   */
  signals[HASHTAG_ACTIVATED] =
    g_signal_new ("hashtag-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * QtrSearchPage::status-activated:
   * @status: the QtrStatus picked
   */
  signals[STATUS_ACTIVATED] =
    g_signal_new ("status-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, QTR_TYPE_STATUS);
  /**
   * QtrSearchPage::mention-activated:
   * @url: the profile URL of an account mentioned in a post of the results
   */
  signals[MENTION_ACTIVATED] =
    g_signal_new ("mention-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-search-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, none_page);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, accounts_heading);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, hashtags_heading);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, hashtags_list);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, statuses_heading);
  gtk_widget_class_bind_template_child (widget_class, QtrSearchPage, statuses_list);
  gtk_widget_class_bind_template_callback (widget_class, search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, account_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, hashtag_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, status_row_activated_cb);
}

static void
qtr_search_page_init (QtrSearchPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->loader = g_object_ref (qtr_image_loader_get_default ());
  self->cancellable = g_cancellable_new ();
  gtk_search_entry_set_search_delay (self->search_entry, QTR_SEARCH_PAGE_DELAY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->accounts_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Accounts"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->hashtags_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Hashtags"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->statuses_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Posts"), -1);
  show_state (self);
}

/**
 * qtr_search_page_new:
 *
 * Returns: (transfer floating): a search page with no search (set one with
 *   qtr_search_page_set_search())
 */
GtkWidget *
qtr_search_page_new (void)
{
  return g_object_new (QTR_TYPE_SEARCH_PAGE, NULL);
}

/**
 * qtr_search_page_get_search:
 *
 * Returns: (transfer none) (nullable): the search the page runs
 */
QtrSearch *
qtr_search_page_get_search (QtrSearchPage *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH_PAGE (self), NULL);

  return self->search;
}

/**
 * qtr_search_page_set_search:
 * @search: (nullable): the account's search; the page shows its results
 */
void
qtr_search_page_set_search (QtrSearchPage *self,
                            QtrSearch     *search)
{
  g_return_if_fail (QTR_IS_SEARCH_PAGE (self));
  g_return_if_fail (search == NULL || QTR_IS_SEARCH (search));

  if (self->search == search)
    return;
  if (self->search != NULL)
    g_signal_handlers_disconnect_by_data (self->search, self);
  g_set_object (&self->search, search);
  if (search != NULL)
    g_signal_connect_object (search, "notify::state", G_CALLBACK (search_state_changed_cb), self,
                             G_CONNECT_SWAPPED);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry),
                         search != NULL && qtr_search_get_text (search) != NULL
                         ? qtr_search_get_text (search) : "");
  bind_models (self);
  search_state_changed_cb (self);
}

/**
 * qtr_search_page_set_image_loader:
 * @loader: (nullable): where avatars and media come from; %NULL for the shared loader
 */
void
qtr_search_page_set_image_loader (QtrSearchPage  *self,
                                  QtrImageLoader *loader)
{
  g_return_if_fail (QTR_IS_SEARCH_PAGE (self));

  if (loader == NULL)
    loader = qtr_image_loader_get_default ();
  g_set_object (&self->loader, loader);
}

/**
 * qtr_search_page_get_entry:
 *
 * Returns: (transfer none): the search entry
 */
GtkSearchEntry *
qtr_search_page_get_entry (QtrSearchPage *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH_PAGE (self), NULL);

  return self->search_entry;
}

/**
 * qtr_search_page_focus_entry:
 *
 * Gives the search entry the keyboard focus, its text selected (Ctrl+K).
 */
void
qtr_search_page_focus_entry (QtrSearchPage *self)
{
  g_return_if_fail (QTR_IS_SEARCH_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/**
 * qtr_search_page_get_shown:
 *
 * Returns: what the page shows: "empty" (nothing searched), "loading", "none" (no results),
 *   "error" or "results"
 */
const char *
qtr_search_page_get_shown (QtrSearchPage *self)
{
  g_return_val_if_fail (QTR_IS_SEARCH_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * qtr_search_page_get_list:
 * @kind: "accounts", "hashtags" or "statuses"
 *
 * Returns: (transfer none) (nullable): the list of those results
 */
GtkListBox *
qtr_search_page_get_list (QtrSearchPage *self,
                          const char    *kind)
{
  g_return_val_if_fail (QTR_IS_SEARCH_PAGE (self), NULL);

  if (g_strcmp0 (kind, "accounts") == 0)
    return self->accounts_list;
  if (g_strcmp0 (kind, "hashtags") == 0)
    return self->hashtags_list;
  if (g_strcmp0 (kind, "statuses") == 0)
    return self->statuses_list;
  return NULL;
}
