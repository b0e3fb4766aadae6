/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-notification-group-row.h"

#include <glib/gi18n.h>

#include "qtr-html.h"

/* QtrNotificationGroupRow: a notification that is not a post to read (a favourite, a boost, a
 * follow, a follow request, a poll, an edit), or a group of them (QtrNotificationGroup): an
 * icon for the kind, the avatars of who did it, one sentence ("Ann, Bob and 3 others
 * favourited your post", "4 new followers") and an excerpt of the post. The screen reader
 * reads the sentence and the excerpt as the row's label. */

struct _QtrNotificationGroupRow
{
  AdwBin                parent_instance;

  QtrNotificationGroup *group;
  QtrImageLoader       *loader;
  GCancellable         *cancellable;  /* of the avatars' loads */

  /* Template widgets */
  GtkImage             *icon;
  GtkWidget            *avatars;
  GtkLabel             *title;
  GtkLabel             *excerpt;
};

G_DEFINE_FINAL_TYPE (QtrNotificationGroupRow, qtr_notification_group_row, ADW_TYPE_BIN)

static const char *
account_name (QtrAccount *account)
{
  return account != NULL ? qtr_account_get_name (account) : "";
}

static const char *
kind_icon (QtrNotificationKind kind)
{
  switch (kind)
    {
    case QTR_NOTIFICATION_FAVOURITE:
      return "starred-symbolic";
    case QTR_NOTIFICATION_REBLOG:
      return "media-playlist-repeat-symbolic";
    case QTR_NOTIFICATION_FOLLOW:
      return "system-users-symbolic";
    case QTR_NOTIFICATION_FOLLOW_REQUEST:
      return "contact-new-symbolic";
    case QTR_NOTIFICATION_POLL:
      return "view-list-bullet-symbolic";
    case QTR_NOTIFICATION_UPDATE:
      return "document-edit-symbolic";
    case QTR_NOTIFICATION_MENTION:
    case QTR_NOTIFICATION_STATUS:
      return "mail-unread-symbolic";
    case QTR_NOTIFICATION_OTHER:
    default:
      return "dialog-information-symbolic";
    }
}

/* "Ann favourited your post", "Ann and Bob…", "Ann, Bob and N others…". */
static char *
describe_reaction (GPtrArray *accounts,
                   gboolean   boost)
{
  const char *first = accounts->len > 0 ? account_name (accounts->pdata[0]) : "";
  const char *second = accounts->len > 1 ? account_name (accounts->pdata[1]) : "";
  int others = (int) MIN (accounts->len > 2 ? accounts->len - 2 : 0, G_MAXINT);

  if (accounts->len <= 1)
    /* Translators: %s is who favourited (or boosted) the user's post */
    return g_strdup_printf (boost ? _("%s boosted your post") : _("%s favourited your post"),
                            first);
  if (accounts->len == 2)
    /* Translators: the two %s are the names of who favourited (or boosted) the post */
    return g_strdup_printf (boost ? _("%s and %s boosted your post")
                                  : _("%s and %s favourited your post"), first, second);
  /* Translators: "Ann, Bob and 3 others favourited your post" */
  return g_strdup_printf (boost ? ngettext ("%s, %s and %d other boosted your post",
                                            "%s, %s and %d others boosted your post", others)
                                : ngettext ("%s, %s and %d other favourited your post",
                                            "%s, %s and %d others favourited your post", others),
                          first, second, others);
}

/**
 * qtr_notification_group_describe:
 *
 * Returns: (transfer full): the sentence that says what the notifications of @group are, in
 *   the user's language
 */
char *
qtr_notification_group_describe (QtrNotificationGroup *group)
{
  GPtrArray *accounts = qtr_notification_group_get_accounts (group);
  const char *name = accounts->len > 0 ? account_name (accounts->pdata[0]) : "";
  int n = (int) MIN (accounts->len, G_MAXINT);

  switch (qtr_notification_group_get_kind (group))
    {
    case QTR_NOTIFICATION_FAVOURITE:
      return describe_reaction (accounts, FALSE);
    case QTR_NOTIFICATION_REBLOG:
      return describe_reaction (accounts, TRUE);
    case QTR_NOTIFICATION_FOLLOW:
      if (n <= 1)
        return g_strdup_printf (_("%s followed you"), name);
      return g_strdup_printf (ngettext ("%d new follower", "%d new followers", n), n);
    case QTR_NOTIFICATION_FOLLOW_REQUEST:
      return g_strdup_printf (_("%s asks to follow you"), name);
    case QTR_NOTIFICATION_POLL:
      return g_strdup (_("A poll has ended"));
    case QTR_NOTIFICATION_UPDATE:
      return g_strdup_printf (_("%s edited a post"), name);
    case QTR_NOTIFICATION_MENTION:
      /* Translators: %s is who wrote the post */
      return g_strdup_printf (_("%s mentioned you"), name);
    case QTR_NOTIFICATION_STATUS:
      /* Translators: %s is someone whose posts the user asked to be notified of */
      return g_strdup_printf (_("%s posted"), name);
    case QTR_NOTIFICATION_OTHER:
    default:
      /* Translators: %s is an account; the notification is of a type Quitter does not know */
      return g_strdup_printf (_("%s sent a notification of a kind Quitter cannot show yet"),
                              name);
    }
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

static void
show_avatars (QtrNotificationGroupRow *self,
              GPtrArray               *accounts)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->avatars)) != NULL)
    gtk_box_remove (GTK_BOX (self->avatars), child);
  for (guint i = 0; accounts != NULL && i < MIN (accounts->len,
                                                 QTR_NOTIFICATION_GROUP_ROW_MAX_AVATARS); i++)
    {
      QtrAccount *account = accounts->pdata[i];
      GtkWidget *avatar = adw_avatar_new (32, account_name (account), TRUE);
      const char *url = qtr_account_get_avatar_static (account);
      g_autoptr(GdkPaintable) cached = NULL;

      if (url == NULL)
        url = qtr_account_get_avatar (account);
      gtk_widget_set_tooltip_text (avatar, account_name (account));
      if (url != NULL && (cached = qtr_image_loader_lookup (self->loader, url)) != NULL)
        adw_avatar_set_custom_image (ADW_AVATAR (avatar), cached);
      else if (url != NULL)
        qtr_image_loader_load_async (self->loader, url, self->cancellable, avatar_loaded_cb,
                                     g_object_ref (avatar));
      gtk_box_append (GTK_BOX (self->avatars), avatar);
    }
  gtk_widget_set_visible (self->avatars, accounts != NULL && accounts->len > 0);
}

static void
show_group (QtrNotificationGroupRow *self)
{
  QtrStatus *status;
  g_autofree char *sentence = NULL;
  g_autofree char *excerpt = NULL;
  g_autofree char *label = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->group == NULL)
    {
      show_avatars (self, NULL);
      return;
    }
  self->cancellable = g_cancellable_new ();
  gtk_image_set_from_icon_name (self->icon,
                                kind_icon (qtr_notification_group_get_kind (self->group)));
  sentence = qtr_notification_group_describe (self->group);
  gtk_label_set_text (self->title, sentence);
  status = qtr_notification_group_get_status (self->group);
  if (status != NULL)
    excerpt = qtr_html_to_text (qtr_status_get_content (qtr_status_get_shown (status)));
  gtk_label_set_text (self->excerpt, excerpt != NULL ? excerpt : "");
  gtk_widget_set_visible (GTK_WIDGET (self->excerpt), excerpt != NULL && *excerpt != '\0');
  show_avatars (self, qtr_notification_group_get_accounts (self->group));

  label = excerpt != NULL && *excerpt != '\0' ? g_strdup_printf ("%s. %s", sentence, excerpt)
                                              : g_strdup (sentence);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
qtr_notification_group_row_dispose (GObject *object)
{
  QtrNotificationGroupRow *self = QTR_NOTIFICATION_GROUP_ROW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* AdwBin keeps its child apart from the template's: let it go first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_NOTIFICATION_GROUP_ROW);
  g_clear_object (&self->group);
  g_clear_object (&self->loader);

  G_OBJECT_CLASS (qtr_notification_group_row_parent_class)->dispose (object);
}

static void
qtr_notification_group_row_class_init (QtrNotificationGroupRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_notification_group_row_dispose;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/quitter/Quitter/qtr-notification-group-row.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrNotificationGroupRow, icon);
  gtk_widget_class_bind_template_child (widget_class, QtrNotificationGroupRow, avatars);
  gtk_widget_class_bind_template_child (widget_class, QtrNotificationGroupRow, title);
  gtk_widget_class_bind_template_child (widget_class, QtrNotificationGroupRow, excerpt);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qtr_notification_group_row_init (QtrNotificationGroupRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->loader = g_object_ref (qtr_image_loader_get_default ());
}

/**
 * qtr_notification_group_row_new:
 *
 * Returns: (transfer floating): a row that shows nothing until it has a group
 */
GtkWidget *
qtr_notification_group_row_new (void)
{
  return g_object_new (QTR_TYPE_NOTIFICATION_GROUP_ROW, NULL);
}

/**
 * qtr_notification_group_row_get_group:
 *
 * Returns: (transfer none) (nullable): the group shown
 */
QtrNotificationGroup *
qtr_notification_group_row_get_group (QtrNotificationGroupRow *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP_ROW (self), NULL);

  return self->group;
}

/**
 * qtr_notification_group_row_set_group:
 * @group: (nullable): what to show; %NULL lets the last one go (and its avatars' loads)
 */
void
qtr_notification_group_row_set_group (QtrNotificationGroupRow *self,
                                      QtrNotificationGroup    *group)
{
  g_return_if_fail (QTR_IS_NOTIFICATION_GROUP_ROW (self));

  if (!g_set_object (&self->group, group))
    return;
  show_group (self);
}

/**
 * qtr_notification_group_row_set_image_loader:
 * @loader: (nullable): where avatars come from; %NULL for the shared loader
 */
void
qtr_notification_group_row_set_image_loader (QtrNotificationGroupRow *self,
                                             QtrImageLoader          *loader)
{
  g_return_if_fail (QTR_IS_NOTIFICATION_GROUP_ROW (self));

  if (loader == NULL)
    loader = qtr_image_loader_get_default ();
  g_set_object (&self->loader, loader);
}

/**
 * qtr_notification_group_row_get_title:
 *
 * Returns: the sentence shown
 */
const char *
qtr_notification_group_row_get_title (QtrNotificationGroupRow *self)
{
  g_return_val_if_fail (QTR_IS_NOTIFICATION_GROUP_ROW (self), NULL);

  return gtk_label_get_text (self->title);
}

/**
 * qtr_notification_group_row_can_show:
 *
 * Returns: whether @group is for this row: notifications, but not a mention or a post to read
 *   (those show as the post, under a line that says why)
 */
gboolean
qtr_notification_group_row_can_show (QtrNotificationGroup *group)
{
  QtrTimelineItem *lead = qtr_notification_group_get_lead (group);
  QtrNotificationKind kind;

  if (qtr_timeline_item_get_kind (lead) != QTR_TIMELINE_ITEM_NOTIFICATION)
    return FALSE;
  kind = qtr_notification_group_get_kind (group);
  /* A follow request has its Accept and Reject buttons in the timeline row's own line. */
  if (kind == QTR_NOTIFICATION_FOLLOW_REQUEST)
    return FALSE;
  return !((kind == QTR_NOTIFICATION_MENTION || kind == QTR_NOTIFICATION_STATUS) &&
           qtr_notification_group_get_status (group) != NULL);
}
