/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-report-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qtr-status-actions.h"

/* QtrReportDialog: reports a post's author to the moderators of the user's server: a reason
 * (Mastodon's categories), a comment, whether the post goes with the report and, for an
 * account of another server, whether that server gets a copy. The dialog closes at once; a
 * toast in the window says how it went. */

struct _QtrReportDialog
{
  AdwMessageDialog  parent_instance;

  QtrInteractions  *interactions;
  QtrStatus        *status;
  GtkWindow        *parent;  /* weak: where the toast goes */

  /* Template widgets */
  AdwComboRow      *category_row;
  AdwEntryRow      *comment_row;
  GtkSwitch        *include_switch;
  GtkWidget        *forward_row;
  GtkSwitch        *forward_switch;
};

G_DEFINE_FINAL_TYPE (QtrReportDialog, qtr_report_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* In the order of the template's list. */
static const char * const categories[] = { "spam", "violation", "legal", "other" };

static void
reported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GWeakRef *parent_ref = user_data;
  g_autoptr(GtkWidget) parent = g_weak_ref_get (parent_ref);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (parent_ref);
  g_free (parent_ref);
  if (!qtr_interactions_report_finish (QTR_INTERACTIONS (source), result, &error))
    {
      g_autofree char *text = NULL;

      if (parent == NULL)
        return;
      /* Translators: %s is the server's reason */
      text = g_strdup_printf (_("Could not send the report: %s"), error->message);
      qtr_show_toast (parent, text);
      return;
    }
  if (parent != NULL)
    qtr_show_toast (parent, _("Report sent"));
}

static void
response_cb (QtrReportDialog *self,
             const char      *response)
{
  const char *ids[] = { qtr_status_get_id (self->status), NULL };
  guint selected = adw_combo_row_get_selected (self->category_row);
  GWeakRef *parent_ref;

  if (!g_str_equal (response, "report"))
    return;
  parent_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (parent_ref, self->parent);
  qtr_interactions_report_async (self->interactions,
                                 qtr_account_get_id (qtr_status_get_account (self->status)),
                                 gtk_switch_get_active (self->include_switch) ? ids : NULL,
                                 gtk_editable_get_text (GTK_EDITABLE (self->comment_row)),
                                 categories[MIN (selected, G_N_ELEMENTS (categories) - 1)],
                                 gtk_widget_get_visible (self->forward_row) &&
                                 gtk_switch_get_active (self->forward_switch),
                                 NULL, reported_cb, parent_ref);
}

static void
qtr_report_dialog_dispose (GObject *object)
{
  QtrReportDialog *self = QTR_REPORT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_REPORT_DIALOG);
  g_clear_object (&self->interactions);
  g_clear_object (&self->status);
  g_clear_weak_pointer (&self->parent);

  G_OBJECT_CLASS (qtr_report_dialog_parent_class)->dispose (object);
}

static void
qtr_report_dialog_class_init (QtrReportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_report_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-report-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrReportDialog, category_row);
  gtk_widget_class_bind_template_child (widget_class, QtrReportDialog, comment_row);
  gtk_widget_class_bind_template_child (widget_class, QtrReportDialog, include_switch);
  gtk_widget_class_bind_template_child (widget_class, QtrReportDialog, forward_row);
  gtk_widget_class_bind_template_child (widget_class, QtrReportDialog, forward_switch);
  gtk_widget_class_bind_template_callback (widget_class, response_cb);
}

static void
qtr_report_dialog_init (QtrReportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * qtr_report_dialog_new:
 * @parent: the window it is for (its toast overlay shows how the report went)
 * @interactions: the user's account
 * @status: the reported post
 *
 * Returns: (transfer floating): the dialog, to present
 */
GtkWidget *
qtr_report_dialog_new (GtkWindow       *parent,
                       QtrInteractions *interactions,
                       QtrStatus       *status)
{
  QtrReportDialog *self;
  const char *acct;
  const char *host;

  g_return_val_if_fail (QTR_IS_INTERACTIONS (interactions), NULL);
  g_return_val_if_fail (QTR_IS_STATUS (status), NULL);

  self = g_object_new (QTR_TYPE_REPORT_DIALOG, "transient-for", parent, NULL);
  self->interactions = g_object_ref (interactions);
  self->status = g_object_ref (qtr_status_get_shown (status));
  g_set_weak_pointer (&self->parent, parent);
  acct = qtr_account_get_acct (qtr_status_get_account (self->status));
  /* Translators: %s is a handle, like alice@example.org */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (self), _("Report @%s?"), acct);
  /* Only an account of another server has a server to send a copy to. */
  host = strchr (acct, '@');
  gtk_widget_set_visible (self->forward_row, host != NULL);
  if (host != NULL)
    {
      /* Translators: %s is a server, like example.org. Without an instance actor, the copy
       * comes from the user's account: its moderators see who reported. */
      g_autofree char *subtitle = g_strdup_printf (_("The moderators of %s see it comes from "
                                                     "your account"), host + 1);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->forward_row), subtitle);
    }
  return GTK_WIDGET (self);
}
