/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-open-uri.h"

#include <adwaita.h>
#include <glib/gi18n.h>

typedef struct {
  GWeakRef  overlay;
  char     *uri;
} Opening;

static void
opening_free (Opening *opening)
{
  g_weak_ref_clear (&opening->overlay);
  g_free (opening->uri);
  g_free (opening);
}

static void
shown_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Opening *opening = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AdwToastOverlay) overlay = NULL;

  if (gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    {
      opening_free (opening);
      return;
    }
  overlay = g_weak_ref_get (&opening->overlay);
  if (overlay != NULL)
    {
      /* Translators: %s is a web address */
      g_autofree char *text = g_strdup_printf (_("Could not open %s: no web browser answered"),
                                               opening->uri);
      /* The toast's title is markup in libadwaita 1.2. */
      g_autofree char *escaped = g_markup_escape_text (text, -1);

      adw_toast_overlay_add_toast (overlay, adw_toast_new (escaped));
    }
  g_debug ("Could not open %s: %s", opening->uri, error->message);
  opening_free (opening);
}

/**
 * qtr_open_uri:
 * @widget: the widget the user acted on
 * @uri: a web address
 *
 * Opens @uri in the user's browser (through the portal where there is one). A failure is shown
 * as a toast in the window's toast overlay, never only logged.
 */
void
qtr_open_uri (GtkWidget  *widget,
              const char *uri)
{
  GtkRoot *root;
  Opening *opening;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  root = gtk_widget_get_root (widget);
  if (uri == NULL || !GTK_IS_WINDOW (root))
    return;
  opening = g_new0 (Opening, 1);
  g_weak_ref_init (&opening->overlay, gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY));
  opening->uri = g_strdup (uri);
  gtk_show_uri_full (GTK_WINDOW (root), uri, GDK_CURRENT_TIME, NULL, shown_cb, opening);
}
