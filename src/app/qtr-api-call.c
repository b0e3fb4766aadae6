/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-api-call.h"

#include <glib/gi18n.h>

/* qtr_api_call(): a request of a dialog that edits what the server keeps (lists, filters): the
 * answer goes to the dialog, a refusal to a toast in its overlay, and a counter says how many
 * requests are on their way. The dialog's cancellable (cancelled when it goes) ends them
 * without a word. */

typedef struct {
  AdwToastOverlay *overlay;
  guint           *busy;
  QtrApiCallFunc   answer;
  gpointer         owner;
  char            *data;
  char            *failure;
} Call;

static void
call_free (Call *call)
{
  g_free (call->data);
  g_free (call->failure);
  g_free (call);
}

static void
called_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(QtrApiResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      call_free (call);
      return;
    }
  (*call->busy)--;
  if (response == NULL)
    {
      /* Translators: %s is what failed ("Could not create the list"), then the server's
       * reason */
      g_autofree char *text = g_strdup_printf (_("%s: %s"), call->failure, error->message);

      adw_toast_overlay_add_toast (call->overlay, adw_toast_new (text));
    }
  else if (call->answer != NULL)
    call->answer (call->owner, response->root, call->data);
  call_free (call);
}

/**
 * qtr_api_call:
 * @cancellable: the owner's: cancel it before the owner and its overlay go
 * @overlay: where a refusal shows
 * @busy: the owner's count of requests on their way
 * @query: (nullable) (array zero-terminated=1): query parameters, name, value…
 * @form: (nullable) (array zero-terminated=1): a form body, name, value…
 * @answer: (nullable): gets the answer
 * @data: (nullable): passed to @answer
 * @failure: what the toast says failed, translated ("Could not create the list")
 *
 * Sends a request with the account's API client.
 */
void
qtr_api_call (QtrInteractions    *interactions,
              GCancellable       *cancellable,
              AdwToastOverlay    *overlay,
              guint              *busy,
              const char         *method,
              const char         *path,
              const char * const *query,
              const char * const *form,
              QtrApiCallFunc      answer,
              gpointer            owner,
              const char         *data,
              const char         *failure)
{
  g_autoptr(QtrApiClient) client = qtr_interactions_dup_client (interactions);
  Call *call;

  if (client == NULL)
    return;
  call = g_new0 (Call, 1);
  call->overlay = overlay;
  call->busy = busy;
  call->answer = answer;
  call->owner = owner;
  call->data = g_strdup (data);
  call->failure = g_strdup (failure);
  (*busy)++;
  qtr_api_client_request_async (client, method, path, query, form, NULL, cancellable,
                                called_cb, call);
}
