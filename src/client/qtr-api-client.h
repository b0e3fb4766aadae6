/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Answers larger than this are refused: a timeline page of 40 statuses is a few hundred KiB. */
#define QTR_API_CLIENT_MAX_BODY_SIZE (16 * 1024 * 1024)
#define QTR_API_CLIENT_DEFAULT_TIMEOUT_SECONDS 30

/**
 * QtrApiPage:
 * @url: the absolute URL of the page, as the server gave it in its `Link` header
 * @params: (element-type utf8 utf8): the query parameters of @url, whatever their names
 *
 * One end of a page of results: where the next (older) or previous (newer) page starts.
 */
typedef struct {
  char       *url;
  GHashTable *params;
} QtrApiPage;

GType       qtr_api_page_get_type  (void) G_GNUC_CONST;
QtrApiPage *qtr_api_page_copy      (const QtrApiPage *page);
void        qtr_api_page_free      (QtrApiPage       *page);
const char *qtr_api_page_get_param (const QtrApiPage *page,
                                    const char       *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrApiPage, qtr_api_page_free)

gboolean    qtr_api_parse_link_header (const char  *value,
                                       const char  *base_url,
                                       QtrApiPage **next,
                                       QtrApiPage **prev);

/**
 * QtrApiResponse:
 * @status: the HTTP status, a success
 * @root: (nullable): the parsed JSON answer; %NULL when the body was empty
 * @next: (nullable): the page of older results, from the `Link` header's `rel="next"`
 * @prev: (nullable): the page of newer results, from the `Link` header's `rel="prev"`
 * @rate_limit: the `X-RateLimit-Limit` header, or -1
 * @rate_remaining: the `X-RateLimit-Remaining` header, or -1
 * @rate_reset: (nullable): the `X-RateLimit-Reset` header
 *
 * A successful answer of the client API.
 */
typedef struct {
  guint       status;
  JsonNode   *root;
  QtrApiPage *next;
  QtrApiPage *prev;
  gint64      rate_limit;
  gint64      rate_remaining;
  GDateTime  *rate_reset;
} QtrApiResponse;

GType           qtr_api_response_get_type   (void) G_GNUC_CONST;
void            qtr_api_response_free       (QtrApiResponse *response);
JsonObject     *qtr_api_response_get_object (QtrApiResponse *response,
                                             GError        **error);
JsonArray      *qtr_api_response_get_array  (QtrApiResponse *response,
                                             GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrApiResponse, qtr_api_response_free)

#define QTR_TYPE_API_CLIENT (qtr_api_client_get_type ())

G_DECLARE_FINAL_TYPE (QtrApiClient, qtr_api_client, QTR, API_CLIENT, GObject)

QtrApiClient   *qtr_api_client_new               (const char           *base_url,
                                                  const char           *token,
                                                  GError              **error);
const char     *qtr_api_client_get_base_url      (QtrApiClient         *self);
const char     *qtr_api_client_get_token         (QtrApiClient         *self);
void            qtr_api_client_set_token         (QtrApiClient         *self,
                                                  const char           *token);
guint           qtr_api_client_get_timeout       (QtrApiClient         *self);
void            qtr_api_client_set_timeout       (QtrApiClient         *self,
                                                  guint                 seconds);
gint64          qtr_api_client_get_retry_after   (QtrApiClient         *self,
                                                  const char           *path);

void            qtr_api_client_request_async     (QtrApiClient         *self,
                                                  const char           *method,
                                                  const char           *path,
                                                  const char * const   *query,
                                                  const char * const   *form,
                                                  JsonNode             *json,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
QtrApiResponse *qtr_api_client_request_finish    (QtrApiClient         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void            qtr_api_client_get_async         (QtrApiClient         *self,
                                                  const char           *path,
                                                  const char * const   *query,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void            qtr_api_client_post_form_async   (QtrApiClient         *self,
                                                  const char           *path,
                                                  const char * const   *form,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void            qtr_api_client_send_json_async   (QtrApiClient         *self,
                                                  const char           *method,
                                                  const char           *path,
                                                  JsonNode             *json,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void            qtr_api_client_delete_async      (QtrApiClient         *self,
                                                  const char           *path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void            qtr_api_client_send_multipart_async (QtrApiClient      *self,
                                                  const char           *method,
                                                  const char           *path,
                                                  SoupMultipart        *multipart,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);

/**
 * QtrApiProgressFunc:
 * @sent: the bytes of the request's body sent so far
 * @total: the body's size
 * @user_data: what the request was given
 *
 * Told as an upload's body leaves.
 */
typedef void (*QtrApiProgressFunc) (goffset  sent,
                                    goffset  total,
                                    gpointer user_data);

void            qtr_api_client_send_form_async   (QtrApiClient         *self,
                                                  const char           *method,
                                                  const char           *path,
                                                  const char * const   *form,
                                                  const char           *idempotency_key,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
void            qtr_api_client_upload_async      (QtrApiClient         *self,
                                                  const char           *path,
                                                  const char * const   *form,
                                                  const char           *file_name,
                                                  const char           *content_type,
                                                  GBytes               *file,
                                                  QtrApiProgressFunc    progress,
                                                  gpointer              progress_data,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);

G_END_DECLS
