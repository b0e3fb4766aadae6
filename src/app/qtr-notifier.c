/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-notifier.h"

#include <glib/gi18n.h>

#include "qtr-account.h"
#include "qtr-html.h"
#include "qtr-notification.h"
#include "qtr-status.h"

/* QtrNotifier: desktop notifications (GNotification) for what needs the user while the app's
 * window is not in front: mentions, follows and follow requests that arrive on an account's
 * notifications stream.
 *
 * The window gives it each account's notifications timeline (qtr_notifier_watch()); an item
 * that arrives there on its own (::item-arrived, from the streaming client or polling) while
 * no window of the app is active becomes a notification with the sender's name and an excerpt
 * of the post (or its content warning, never the text behind one). Its default action,
 * `app.show-notifications` with the account's handle, opens that account's notifications;
 * once they are seen, qtr_notifier_withdraw() takes the account's notifications back.
 * ::shown is emitted for each one sent. */

struct _QtrNotifier
{
  GObject         parent_instance;

  GtkApplication *application;  /* weak */
  GHashTable     *sent;         /* handle → GPtrArray of notification ids */
};

enum {
  SHOWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrNotifier, qtr_notifier, G_TYPE_OBJECT)

/* Whether a window of the app is in front (then the user sees what comes). */
static gboolean
app_is_active (QtrNotifier *self)
{
  GtkWindow *window;

  if (self->application == NULL)
    return FALSE;
  window = gtk_application_get_active_window (self->application);
  return window != NULL && gtk_widget_get_visible (GTK_WIDGET (window)) &&
         gtk_window_is_active (window);
}

/* The title of a notification of @type from @name, or %NULL for types that do not notify. */
static char *
describe (const char *type,
          const char *name)
{
  if (g_strcmp0 (type, "mention") == 0)
    /* Translators: a desktop notification; %s is who wrote */
    return g_strdup_printf (_("%s mentioned you"), name);
  if (g_strcmp0 (type, "follow") == 0)
    /* Translators: a desktop notification; %s is who follows */
    return g_strdup_printf (_("%s followed you"), name);
  if (g_strcmp0 (type, "follow_request") == 0)
    /* Translators: a desktop notification; %s is who asks */
    return g_strdup_printf (_("%s asks to follow you"), name);
  return NULL;
}

/* At most %QTR_NOTIFIER_EXCERPT_LENGTH characters of @status, on one paragraph. */
static char *
excerpt (QtrStatus *status)
{
  const char *warning = qtr_status_get_spoiler_text (status);
  g_autofree char *text = NULL;
  GString *out;

  if (warning != NULL && *warning != '\0')
    /* Translators: a desktop notification's text for a post behind a content warning */
    return g_strdup_printf (_("Content warning: %s"), warning);
  text = qtr_html_to_text (qtr_status_get_content (status));
  if (text == NULL)
    return NULL;
  g_strstrip (g_strdelimit (text, "\n\t", ' '));
  if (g_utf8_strlen (text, -1) <= QTR_NOTIFIER_EXCERPT_LENGTH)
    return g_steal_pointer (&text);
  out = g_string_new_len (text, g_utf8_offset_to_pointer (text, QTR_NOTIFIER_EXCERPT_LENGTH - 1) -
                                text);
  g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

static void
item_arrived_cb (QtrTimeline     *timeline,
                 QtrTimelineItem *item,
                 QtrNotifier     *self)
{
  QtrNotification *notification = qtr_timeline_item_get_notification (item);
  const char *handle = g_object_get_data (G_OBJECT (timeline), "qtr-notifier-handle");
  g_autoptr(GNotification) shown = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  QtrAccount *sender;
  GPtrArray *ids;

  if (notification == NULL || self->application == NULL || app_is_active (self))
    return;
  sender = qtr_notification_get_account (notification);
  title = describe (qtr_notification_get_notification_type (notification),
                    sender != NULL ? qtr_account_get_name (sender) : _("Someone"));
  if (title == NULL)
    return;
  if (qtr_notification_get_status (notification) != NULL)
    body = excerpt (qtr_notification_get_status (notification));
  else if (sender != NULL)
    body = g_strconcat ("@", qtr_account_get_acct (sender), NULL);

  shown = g_notification_new (title);
  if (body != NULL)
    g_notification_set_body (shown, body);
  g_notification_set_category (shown, "im.received");
  g_notification_set_default_action_and_target (shown, "app.show-notifications", "s", handle);
  id = g_strdup_printf ("%s/%s", handle, qtr_notification_get_id (notification));
  g_application_send_notification (G_APPLICATION (self->application), id, shown);

  ids = g_hash_table_lookup (self->sent, handle);
  if (ids == NULL)
    {
      ids = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (self->sent, g_strdup (handle), ids);
    }
  g_ptr_array_add (ids, g_strdup (id));
  g_signal_emit (self, signals[SHOWN], 0, handle, shown);
}

static void
qtr_notifier_dispose (GObject *object)
{
  QtrNotifier *self = QTR_NOTIFIER (object);

  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (qtr_notifier_parent_class)->dispose (object);
}

static void
qtr_notifier_finalize (GObject *object)
{
  QtrNotifier *self = QTR_NOTIFIER (object);

  g_hash_table_unref (self->sent);

  G_OBJECT_CLASS (qtr_notifier_parent_class)->finalize (object);
}

static void
qtr_notifier_class_init (QtrNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_notifier_dispose;
  object_class->finalize = qtr_notifier_finalize;

  /**
   * QtrNotifier::shown:
   * @handle: the account it is for
   * @notification: the GNotification sent
   *
   * A desktop notification was sent.
   */
  signals[SHOWN] =
    g_signal_new ("shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_NOTIFICATION);
}

static void
qtr_notifier_init (QtrNotifier *self)
{
  self->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_ptr_array_unref);
}

/**
 * qtr_notifier_new:
 * @application: the app that sends the notifications
 *
 * Returns: (transfer full): a notifier that watches nothing yet
 */
QtrNotifier *
qtr_notifier_new (GtkApplication *application)
{
  QtrNotifier *self = g_object_new (QTR_TYPE_NOTIFIER, NULL);

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  g_set_weak_pointer (&self->application, application);
  return self;
}

/**
 * qtr_notifier_watch:
 * @handle: the account's handle
 * @notifications: the account's notifications (all types)
 *
 * Sends a desktop notification for each mention, follow and follow request that arrives in
 * @notifications while no window of the app is active, for as long as @notifications lives.
 */
void
qtr_notifier_watch (QtrNotifier *self,
                    const char  *handle,
                    QtrTimeline *notifications)
{
  g_return_if_fail (QTR_IS_NOTIFIER (self));
  g_return_if_fail (handle != NULL);
  g_return_if_fail (QTR_IS_TIMELINE (notifications));

  g_object_set_data_full (G_OBJECT (notifications), "qtr-notifier-handle", g_strdup (handle),
                          g_free);
  g_signal_connect_object (notifications, "item-arrived", G_CALLBACK (item_arrived_cb), self, 0);
}

/**
 * qtr_notifier_withdraw:
 * @handle: the account whose notifications were seen
 *
 * Takes back the desktop notifications sent for @handle.
 */
void
qtr_notifier_withdraw (QtrNotifier *self,
                       const char  *handle)
{
  GPtrArray *ids;

  g_return_if_fail (QTR_IS_NOTIFIER (self));

  ids = g_hash_table_lookup (self->sent, handle);
  if (ids == NULL || self->application == NULL)
    return;
  for (guint i = 0; i < ids->len; i++)
    g_application_withdraw_notification (G_APPLICATION (self->application), ids->pdata[i]);
  g_hash_table_remove (self->sent, handle);
}

/**
 * qtr_notifier_get_n_shown:
 *
 * Returns: how many desktop notifications were sent and not withdrawn
 */
guint
qtr_notifier_get_n_shown (QtrNotifier *self)
{
  GHashTableIter iter;
  gpointer ids;
  guint n = 0;

  g_return_val_if_fail (QTR_IS_NOTIFIER (self), 0);

  g_hash_table_iter_init (&iter, self->sent);
  while (g_hash_table_iter_next (&iter, NULL, &ids))
    n += ((GPtrArray *) ids)->len;
  return n;
}
