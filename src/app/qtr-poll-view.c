/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-poll-view.h"

#include <glib/gi18n.h>

#include "qtr-api-error.h"
#include "qtr-clock.h"
#include "qtr-timeline-view.h"

/* QtrPollView: the poll of a post.
 *
 * Once the user voted, or the poll closed (and always on the user's own polls, which count as
 * voted), each option shows its share of the votes as a bar, its percentage and count, the
 * user's choices marked. Before, the options are check buttons (radio buttons for a
 * single-choice poll) and Vote sends them (POST /api/v1/polls/:id/votes); the answer, the poll
 * as it stands then, is shown at once, and kept in the post (a row bound to it again shows
 * the vote). A line tells how many voted and when the poll closes.
 * The API client is the one set, else the one of the timeline the view is in. */

struct _QtrPollView
{
  AdwBin        parent_instance;

  QtrPoll      *poll;
  QtrStatus    *status;        /* (nullable): the post whose poll it is */
  QtrApiClient *client;
  GCancellable *cancellable;   /* of the vote under way */
  GPtrArray    *choices;       /* GtkCheckButton, while voting is offered */
  gulong        tick_id;

  /* Template widgets */
  GtkBox       *options_box;
  GtkLabel     *footer_label;
  GtkButton    *vote_button;
  GtkLabel     *error_label;
};

enum {
  PROP_0,
  PROP_API_CLIENT,
  PROP_CAN_VOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrPollView, qtr_poll_view, ADW_TYPE_BIN)

static gboolean
has_ended (QtrPollView *self)
{
  g_autoptr(GDateTime) now = NULL;

  if (self->poll->expired)
    return TRUE;
  if (self->poll->expires_at == NULL)
    return FALSE;
  now = qtr_clock_get_now (qtr_clock_get_default ());
  return g_date_time_compare (self->poll->expires_at, now) <= 0;
}

static gboolean
is_own_vote (const QtrPoll *poll,
             guint          index)
{
  for (guint i = 0; i < poll->own_votes->len; i++)
    if (g_array_index (poll->own_votes, guint, i) == index)
      return TRUE;
  return FALSE;
}

/* "closes in 3 hours", "closed", or %NULL for a poll that never closes. */
static char *
describe_end (QtrPollView *self)
{
  g_autoptr(GDateTime) now = NULL;
  gint64 seconds;

  if (has_ended (self))
    return g_strdup (_("Closed"));
  if (self->poll->expires_at == NULL)
    return NULL;
  now = qtr_clock_get_now (qtr_clock_get_default ());
  seconds = g_date_time_difference (self->poll->expires_at, now) / G_TIME_SPAN_SECOND;
  if (seconds < 60)
    return g_strdup (_("Closes in less than a minute"));
  if (seconds < 60 * 60)
    return g_strdup_printf (ngettext ("Closes in %d minute", "Closes in %d minutes",
                                      (int) (seconds / 60)), (int) (seconds / 60));
  if (seconds < 24 * 60 * 60)
    return g_strdup_printf (ngettext ("Closes in %d hour", "Closes in %d hours",
                                      (int) (seconds / 3600)), (int) (seconds / 3600));
  return g_strdup_printf (ngettext ("Closes in %d day", "Closes in %d days",
                                    (int) (seconds / 86400)), (int) (seconds / 86400));
}

static void
update_footer (QtrPollView *self)
{
  g_autofree char *count = NULL;
  g_autofree char *end = NULL;
  g_autofree char *text = NULL;

  if (self->poll == NULL)
    return;
  if (self->poll->voters_count >= 0)
    count = g_strdup_printf (ngettext ("%d person", "%d people", (int) self->poll->voters_count),
                             (int) self->poll->voters_count);
  else if (self->poll->votes_count >= 0)
    count = g_strdup_printf (ngettext ("%d vote", "%d votes", (int) self->poll->votes_count),
                             (int) self->poll->votes_count);
  end = describe_end (self);
  if (count != NULL && end != NULL)
    /* Translators: under a poll: how many voted, and when it closes */
    text = g_strdup_printf (_("%s · %s"), count, end);
  else
    text = g_strdup (count != NULL ? count : end != NULL ? end : "");
  gtk_label_set_label (self->footer_label, text);
}

static void
update_vote_button (QtrPollView *self)
{
  gboolean any = FALSE;

  for (guint i = 0; self->choices != NULL && i < self->choices->len; i++)
    any = any || gtk_check_button_get_active (self->choices->pdata[i]);
  gtk_widget_set_sensitive (GTK_WIDGET (self->vote_button),
                            any && self->cancellable == NULL && qtr_poll_view_get_can_vote (self));
}

static void
choice_toggled_cb (QtrPollView *self)
{
  update_vote_button (self);
}

/* An option as a result: title, the user's mark, count and percentage over a bar. */
static GtkWidget *
make_result (QtrPollView         *self,
             const QtrPollOption *option,
             guint                index,
             gint64               total)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (option->title);
  gboolean own = is_own_vote (self->poll, index);
  g_autofree char *description = NULL;

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_box_append (GTK_BOX (line), title);
  if (own)
    {
      GtkWidget *mark = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_widget_set_tooltip_text (mark, _("Your choice"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Your choice"), -1);
      gtk_box_append (GTK_BOX (line), mark);
      gtk_widget_add_css_class (title, "heading");
    }
  gtk_box_append (GTK_BOX (box), line);

  if (option->votes_count >= 0)
    {
      int percent = total > 0 ? (int) ((option->votes_count * 100 + total / 2) / total) : 0;
      g_autofree char *count_text = g_strdup_printf (ngettext ("%d vote", "%d votes",
                                                               (int) option->votes_count),
                                                     (int) option->votes_count);
      /* Translators: an option's share of a poll's votes */
      g_autofree char *percent_text = g_strdup_printf (_("%d%%"), percent);
      GtkWidget *count = gtk_label_new (count_text);
      GtkWidget *share = gtk_label_new (percent_text);
      GtkWidget *bar = gtk_progress_bar_new ();

      gtk_widget_add_css_class (count, "dim-label");
      gtk_widget_add_css_class (count, "caption");
      gtk_widget_add_css_class (share, "numeric");
      gtk_box_append (GTK_BOX (line), count);
      gtk_box_append (GTK_BOX (line), share);
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar),
                                     total > 0 ? (double) option->votes_count / total : 0.0);
      gtk_box_append (GTK_BOX (box), bar);
      /* Translators: read for an option of a poll: its title, votes and share */
      description = g_strdup_printf (_("%s: %s, %s"), option->title, count_text, percent_text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      description, -1);
    }
  else
    description = g_strdup (option->title);
  if (own)
    {
      /* Translators: read for the option of a poll the user chose */
      g_autofree char *chosen = g_strdup_printf (_("%s (your choice)"), description);

      g_free (description);
      description = g_steal_pointer (&chosen);
    }
  gtk_widget_set_tooltip_text (box, description);
  return box;
}

static void
clear_options (QtrPollView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->options_box))) != NULL)
    gtk_box_remove (self->options_box, child);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
}

/* Options are built here rather than in the template: their number is the poll's. */
static void
show_poll (QtrPollView *self)
{
  gboolean voting;
  gint64 total;

  clear_options (self);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  if (self->poll == NULL)
    return;
  voting = !self->poll->voted && !has_ended (self);
  /* Mastodon counts the shares of a multiple-choice poll per voter. */
  total = self->poll->voters_count >= 0 && self->poll->multiple ? self->poll->voters_count
                                                                 : self->poll->votes_count;
  if (total < 0)
    {
      total = 0;
      for (guint i = 0; i < self->poll->options->len; i++)
        total += MAX (((QtrPollOption *) self->poll->options->pdata[i])->votes_count, 0);
    }

  if (voting)
    self->choices = g_ptr_array_new ();
  for (guint i = 0; i < self->poll->options->len; i++)
    {
      QtrPollOption *option = self->poll->options->pdata[i];

      if (voting)
        {
          GtkWidget *check = gtk_check_button_new_with_label (option->title);

          if (!self->poll->multiple && self->choices->len > 0)
            gtk_check_button_set_group (GTK_CHECK_BUTTON (check), self->choices->pdata[0]);
          g_signal_connect_object (check, "toggled", G_CALLBACK (choice_toggled_cb), self,
                                   G_CONNECT_SWAPPED);
          g_ptr_array_add (self->choices, check);
          gtk_box_append (self->options_box, check);
        }
      else
        gtk_box_append (self->options_box, make_result (self, option, i, total));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->vote_button), voting);
  update_vote_button (self);
  update_footer (self);
}

static void
clock_ticked_cb (QtrPollView *self)
{
  /* A poll that closed meanwhile shows its results. */
  if (self->choices != NULL && self->poll != NULL && has_ended (self))
    show_poll (self);
  else
    update_footer (self);
}

static QtrApiClient *
find_client (QtrPollView *self)
{
  GtkWidget *view;
  QtrTimeline *model;

  if (self->client != NULL)
    return self->client;
  view = gtk_widget_get_ancestor (GTK_WIDGET (self), QTR_TYPE_TIMELINE_VIEW);
  model = view != NULL ? qtr_timeline_view_get_model (QTR_TIMELINE_VIEW (view)) : NULL;
  return model != NULL ? qtr_timeline_get_client (model) : NULL;
}

static void
voted_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QtrPollView) self = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrPoll) poll = NULL;
  JsonObject *object;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  object = response != NULL ? qtr_api_response_get_object (response, &error) : NULL;
  poll = qtr_poll_new_from_json (object);
  if (poll == NULL)
    {
      g_autofree char *message = NULL;

      if (error == NULL)
        g_set_error_literal (&error, QTR_API_ERROR, QTR_API_ERROR_FAILED,
                             "The server answered no poll");
      /* Translators: under a poll; the reason comes from the server */
      message = g_strdup_printf (_("Your vote was not counted: %s"), error->message);
      gtk_label_set_label (self->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      update_vote_button (self);
      return;
    }
  if (self->status != NULL)
    qtr_status_set_poll (self->status, poll);
  g_clear_pointer (&self->poll, qtr_poll_free);
  self->poll = g_steal_pointer (&poll);
  show_poll (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_VOTE]);
}

static void
vote_button_clicked_cb (QtrPollView *self)
{
  qtr_poll_view_vote (self);
}

static void
qtr_poll_view_map (GtkWidget *widget)
{
  QtrPollView *self = QTR_POLL_VIEW (widget);
  QtrClock *clock = qtr_clock_get_default ();

  GTK_WIDGET_CLASS (qtr_poll_view_parent_class)->map (widget);

  qtr_clock_hold (clock);
  self->tick_id = g_signal_connect_swapped (clock, "tick", G_CALLBACK (clock_ticked_cb), self);
  clock_ticked_cb (self);
}

static void
qtr_poll_view_unmap (GtkWidget *widget)
{
  QtrPollView *self = QTR_POLL_VIEW (widget);
  QtrClock *clock = qtr_clock_get_default ();

  g_clear_signal_handler (&self->tick_id, clock);
  qtr_clock_release (clock);

  GTK_WIDGET_CLASS (qtr_poll_view_parent_class)->unmap (widget);
}

static void
qtr_poll_view_dispose (GObject *object)
{
  QtrPollView *self = QTR_POLL_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), QTR_TYPE_POLL_VIEW);

  G_OBJECT_CLASS (qtr_poll_view_parent_class)->dispose (object);
}

static void
qtr_poll_view_finalize (GObject *object)
{
  QtrPollView *self = QTR_POLL_VIEW (object);

  g_clear_pointer (&self->poll, qtr_poll_free);
  g_clear_object (&self->status);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (qtr_poll_view_parent_class)->finalize (object);
}

static void
qtr_poll_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QtrPollView *self = QTR_POLL_VIEW (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_CAN_VOTE:
      g_value_set_boolean (value, qtr_poll_view_get_can_vote (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_poll_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  QtrPollView *self = QTR_POLL_VIEW (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      qtr_poll_view_set_api_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_poll_view_class_init (QtrPollViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qtr_poll_view_dispose;
  object_class->finalize = qtr_poll_view_finalize;
  object_class->get_property = qtr_poll_view_get_property;
  object_class->set_property = qtr_poll_view_set_property;
  widget_class->map = qtr_poll_view_map;
  widget_class->unmap = qtr_poll_view_unmap;

  /**
   * QtrPollView:api-client: (nullable)
   *
   * Where votes go; %NULL for the client of the timeline the view is in.
   */
  properties[PROP_API_CLIENT] =
    g_param_spec_object ("api-client", NULL, NULL, QTR_TYPE_API_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * QtrPollView:can-vote:
   *
   * Whether the poll takes the user's vote: open, and not voted yet.
   */
  properties[PROP_CAN_VOTE] =
    g_param_spec_boolean ("can-vote", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quitter/Quitter/qtr-poll-view.ui");
  gtk_widget_class_bind_template_child (widget_class, QtrPollView, options_box);
  gtk_widget_class_bind_template_child (widget_class, QtrPollView, footer_label);
  gtk_widget_class_bind_template_child (widget_class, QtrPollView, vote_button);
  gtk_widget_class_bind_template_child (widget_class, QtrPollView, error_label);
  gtk_widget_class_bind_template_callback (widget_class, vote_button_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "pollview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qtr_poll_view_init (QtrPollView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Poll"), -1);
}

/**
 * qtr_poll_view_new:
 *
 * Returns: (transfer floating): a view showing no poll yet
 */
GtkWidget *
qtr_poll_view_new (void)
{
  return g_object_new (QTR_TYPE_POLL_VIEW, NULL);
}

/**
 * qtr_poll_view_get_status:
 *
 * Returns: (transfer none) (nullable): the post whose poll shows, if set with
 *   qtr_poll_view_set_status()
 */
QtrStatus *
qtr_poll_view_get_status (QtrPollView *self)
{
  g_return_val_if_fail (QTR_IS_POLL_VIEW (self), NULL);

  return self->status;
}

/**
 * qtr_poll_view_set_status:
 * @status: (nullable): the post (not a boost of it) whose poll to show; a vote updates its
 *   poll. %NULL shows nothing.
 */
void
qtr_poll_view_set_status (QtrPollView *self,
                          QtrStatus   *status)
{
  g_return_if_fail (QTR_IS_POLL_VIEW (self));
  g_return_if_fail (status == NULL || QTR_IS_STATUS (status));

  g_set_object (&self->status, status);
  qtr_poll_view_set_poll (self, status != NULL ? qtr_status_get_poll (status) : NULL);
}

/**
 * qtr_poll_view_get_poll:
 *
 * Returns: (transfer none) (nullable): the poll as shown: after a vote, as the server answered
 */
const QtrPoll *
qtr_poll_view_get_poll (QtrPollView *self)
{
  g_return_val_if_fail (QTR_IS_POLL_VIEW (self), NULL);

  return self->poll;
}

/**
 * qtr_poll_view_set_poll:
 * @poll: (nullable): the poll to show (copied); %NULL shows nothing and drops a vote under way
 *
 * Shows a poll alone; qtr_poll_view_set_status() shows a post's, and keeps a vote in it.
 */
void
qtr_poll_view_set_poll (QtrPollView   *self,
                        const QtrPoll *poll)
{
  g_return_if_fail (QTR_IS_POLL_VIEW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->poll, qtr_poll_free);
  self->poll = poll != NULL ? qtr_poll_copy (poll) : NULL;
  show_poll (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_VOTE]);
}

/**
 * qtr_poll_view_get_api_client:
 *
 * Returns: (transfer none) (nullable): the client set for votes
 */
QtrApiClient *
qtr_poll_view_get_api_client (QtrPollView *self)
{
  g_return_val_if_fail (QTR_IS_POLL_VIEW (self), NULL);

  return self->client;
}

/**
 * qtr_poll_view_set_api_client:
 * @client: (nullable): where votes go; %NULL for the client of the timeline the view is in
 */
void
qtr_poll_view_set_api_client (QtrPollView  *self,
                              QtrApiClient *client)
{
  g_return_if_fail (QTR_IS_POLL_VIEW (self));

  if (g_set_object (&self->client, client))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_CLIENT]);
}

/**
 * qtr_poll_view_get_can_vote:
 *
 * Returns: whether the poll shows check buttons and takes a vote: open, not voted yet
 */
gboolean
qtr_poll_view_get_can_vote (QtrPollView *self)
{
  g_return_val_if_fail (QTR_IS_POLL_VIEW (self), FALSE);

  return self->poll != NULL && self->choices != NULL;
}

/**
 * qtr_poll_view_set_choice:
 * @index: an option
 *
 * Checks or unchecks option @index, as clicking its button does; a single-choice poll then
 * unchecks the others.
 */
void
qtr_poll_view_set_choice (QtrPollView *self,
                          guint        index,
                          gboolean     chosen)
{
  g_return_if_fail (QTR_IS_POLL_VIEW (self));

  if (self->choices == NULL || index >= self->choices->len)
    return;
  gtk_check_button_set_active (self->choices->pdata[index], chosen);
}

/**
 * qtr_poll_view_vote:
 *
 * Sends the options checked, as the Vote button does; the view shows the answer.
 */
void
qtr_poll_view_vote (QtrPollView *self)
{
  g_autoptr(GPtrArray) form = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = NULL;
  QtrApiClient *client;

  g_return_if_fail (QTR_IS_POLL_VIEW (self));

  client = find_client (self);
  if (!qtr_poll_view_get_can_vote (self) || self->cancellable != NULL || client == NULL ||
      self->poll->id == NULL)
    return;
  for (guint i = 0; i < self->choices->len; i++)
    {
      if (!gtk_check_button_get_active (self->choices->pdata[i]))
        continue;
      g_ptr_array_add (form, g_strdup ("choices[]"));
      g_ptr_array_add (form, g_strdup_printf ("%u", i));
    }
  if (form->len == 0)
    return;
  g_ptr_array_add (form, NULL);
  path = g_strdup_printf ("/api/v1/polls/%s/votes", self->poll->id);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  update_vote_button (self);
  qtr_api_client_post_form_async (client, path, (const char * const *) form->pdata,
                                  self->cancellable, voted_cb, g_object_ref (self));
}
