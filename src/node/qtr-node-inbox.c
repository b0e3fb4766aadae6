/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include <string.h>

#include "qtr-activity.h"
#include "qtr-http-signature.h"
#include "qtr-json.h"
#include "qtr-rate-limiter.h"
#include "qtr-url.h"

/* The inbox, per actor and shared. A delivery is answered 202 only once it is stored:
 *
 *   size cap → JSON within bounds → typed activity → HTTP signature parsed (digest, time) →
 *   the signer's key: from the store, else fetched from its own host (the request is paused
 *   meanwhile), fetched again once when it does not verify (key rotation) → signer not blocked
 *   by the owner (403) → signer is the activity's actor → origin checks → stored
 *   (deduplicated by id) → 202
 *
 * and processed after that, each activity in one transaction, by the handler of its type. */

#define MAX_BODY_SIZE (1024 * 1024)

typedef struct {
  QtrNode           *node;
  SoupServerMessage *msg;
  GBytes            *body;
  QtrActivity       *activity;
} InboxRequest;

static void
inbox_request_free (InboxRequest *request)
{
  g_object_unref (request->node);
  g_object_unref (request->msg);
  g_bytes_unref (request->body);
  g_clear_pointer (&request->activity, qtr_activity_unref);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InboxRequest, inbox_request_free)

/* Finding who signed a request: the inbox's deliveries, and fetches of what only some may
 * see. */
typedef struct {
  QtrNode           *node;
  SoupServerMessage *msg;
  QtrHttpSignature  *signature;
  gboolean           refetched;
  gboolean           waiting;   /* paused for a fetch */
  QtrSignerFunc      func;
  gpointer           user_data;
  GDestroyNotify     destroy;
} SignerCheck;

static void fetch_signer (SignerCheck *check);

static void
signer_check_free (SignerCheck *check)
{
  if (check->destroy != NULL)
    check->destroy (check->user_data);
  g_object_unref (check->node);
  g_object_unref (check->msg);
  g_object_unref (check->signature);
  g_free (check);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignerCheck, signer_check_free)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
strip_fragment (const char *uri)
{
  const char *hash = strchr (uri, '#');

  return hash ? g_strndup (uri, hash - uri) : g_strdup (uri);
}

static void
refuse (InboxRequest *request,
        guint         status,
        const char   *message)
{
  g_debug ("Inbox refused a delivery (%u): %s", status, message);
  qtr_node_respond_error (request->msg, status, message);
}

static void
signer_found (SignerCheck    *check,
              QtrRemoteActor *signer)
{
  check->func (check->node, check->msg, signer, NULL, check->user_data);
}

static void
signer_not_found (SignerCheck  *check,
                  GError       *error)
{
  check->func (check->node, check->msg, NULL, error, check->user_data);
}

/* Stores the activity and answers 202; nothing else acknowledges a delivery. */
static void
accept_activity (QtrNode           *node,
                 SoupServerMessage *msg,
                 QtrRemoteActor    *signer,
                 GError            *signer_error,
                 gpointer           user_data)
{
  InboxRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  QtrActivity *activity = request->activity;

  if (signer == NULL)
    {
      refuse (request, SOUP_STATUS_UNAUTHORIZED, signer_error->message);
      return;
    }

  if (qtr_node_store_is_blocked (qtr_node_get_store (node), "uri", signer->uri, NULL))
    {
      refuse (request, SOUP_STATUS_FORBIDDEN, "Deliveries from this account are refused");
      return;
    }

  if (!g_str_equal (activity->actor, signer->uri))
    {
      g_autofree char *message = g_strdup_printf ("The request is signed by %s, not by the "
                                                  "activity's actor %s", signer->uri,
                                                  activity->actor);
      refuse (request, SOUP_STATUS_UNAUTHORIZED, message);
      return;
    }

  if (!qtr_activity_check_origin (activity, &error))
    {
      refuse (request, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  if (!qtr_node_store_add_inbox_activity (qtr_node_get_store (request->node), activity->id,
                                          activity->actor, request->body, &error))
    {
      g_warning ("Cannot store an incoming activity: %s", error->message);
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "Retry-After", "60");
      refuse (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
              "The activity cannot be stored now; try again later");
      return;
    }

  soup_server_message_set_status (request->msg, SOUP_STATUS_ACCEPTED, NULL);
  qtr_node_schedule_inbox_processing (request->node);
}

static gboolean
verify_with (SignerCheck    *check,
             QtrRemoteActor *actor,
             GError        **error)
{
  g_autoptr(QtrKey) key = qtr_key_new_from_public_pem (actor->public_key_pem, -1, error);

  if (key == NULL)
    return FALSE;
  return qtr_http_signature_verify (check->signature, key, now_seconds (), error);
}

static gboolean
save_actor_doc (SignerCheck   *check,
                JsonObject    *json,
                QtrActorDoc   *doc,
                GError       **error)
{
  const char *key_id = qtr_http_signature_get_key_id (check->signature);
  const QtrPublicKey *key = qtr_actor_doc_find_key (doc, key_id);

  if (key == NULL)
    {
      g_set_error (error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_INVALID,
                   "%s does not publish the key %s", doc->id, key_id);
      return FALSE;
    }
  return qtr_node_remember_actor (check->node, json, doc, key, error) >= 0;
}

static void actor_fetched_cb (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data);

/* Answers a paused request, or fetches again; the request is unpaused by the caller. */
static void
handle_fetched_signer (SignerCheck  *check,
                       GObject      *source,
                       GAsyncResult *result)
{
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(QtrActorDoc) doc = NULL;
  g_autoptr(QtrRemoteActor) actor = NULL;
  g_autoptr(GError) error = NULL;
  const char *key_id = qtr_http_signature_get_key_id (check->signature);

  json = qtr_fetcher_fetch_object_finish (QTR_FETCHER (source), result, &error);
  if (json == NULL)
    {
      g_autoptr(GError) fetch_error = NULL;

      g_set_error (&fetch_error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_INVALID,
                   "The signer's key %s cannot be fetched: %s", key_id, error->message);
      signer_not_found (check, fetch_error);
      return;
    }

  /* GoToSocial and others serve the key as its own document, naming its owner. */
  if (!json_object_has_member (json, "inbox") && json_object_has_member (json, "owner") &&
      !check->refetched)
    {
      const char *owner = json_object_get_string_member_with_default (json, "owner", NULL);

      if (owner != NULL && qtr_url_same_host (owner, key_id))
        {
          check->refetched = TRUE;
          check->waiting = TRUE;
          qtr_fetcher_fetch_object_async (qtr_node_get_fetcher (check->node), owner, NULL,
                                          actor_fetched_cb, check);
          return;
        }
    }

  doc = qtr_actor_doc_parse (json, &error);
  if (doc == NULL || !save_actor_doc (check, json, doc, &error))
    {
      signer_not_found (check, error);
      return;
    }

  actor = qtr_node_store_find_remote_actor (qtr_node_get_store (check->node), "uri", doc->id,
                                            &error);
  if (actor == NULL && error == NULL)
    g_set_error_literal (&error, QTR_HTTP_SIGNATURE_ERROR, QTR_HTTP_SIGNATURE_ERROR_INVALID,
                         "The signer is unknown");
  if (actor == NULL || !verify_with (check, actor, &error))
    {
      signer_not_found (check, error);
      return;
    }
  signer_found (check, actor);
}

static void
actor_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SignerCheck *check = user_data;

  check->waiting = FALSE;
  handle_fetched_signer (check, source, result);
  if (!check->waiting)
    {
      soup_server_message_unpause (check->msg);
      signer_check_free (check);
    }
}

static void
fetch_signer (SignerCheck *check)
{
  g_autofree char *url = strip_fragment (qtr_http_signature_get_key_id (check->signature));

  check->waiting = TRUE;
  soup_server_message_pause (check->msg);
  qtr_fetcher_fetch_object_async (qtr_node_get_fetcher (check->node), url, NULL,
                                  actor_fetched_cb, check);
}

/**
 * qtr_node_verify_signer:
 * @signature: the request's signature, from qtr_node_parse_signature()
 * @func: called once with the actor whose key verifies @signature, or with why there is none
 * @destroy: (nullable): frees @user_data after @func ran
 *
 * Finds who signed a request: the signer's key from the store, else fetched from its own host
 * (@msg is paused meanwhile and unpaused after @func answered it), fetched again once when it
 * does not verify (a rotated key). @func may run before this returns.
 */
void
qtr_node_verify_signer (QtrNode           *node,
                        SoupServerMessage *msg,
                        QtrHttpSignature  *signature,
                        QtrSignerFunc      func,
                        gpointer           user_data,
                        GDestroyNotify     destroy)
{
  g_autoptr(SignerCheck) check = g_new0 (SignerCheck, 1);
  g_autoptr(QtrRemoteActor) known = NULL;

  check->node = g_object_ref (node);
  check->msg = g_object_ref (msg);
  check->signature = g_object_ref (signature);
  check->func = func;
  check->user_data = user_data;
  check->destroy = destroy;

  known = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "key_id",
                                            qtr_http_signature_get_key_id (signature), NULL);
  if (known != NULL && verify_with (check, known, NULL))
    {
      signer_found (check, known);
      return;
    }

  /* Unknown, or a key that no longer verifies: fetch it once from its own host. */
  fetch_signer (g_steal_pointer (&check));
}

static gboolean
is_delete_of_unknown_actor (InboxRequest *request)
{
  g_autoptr(QtrRemoteActor) known = NULL;
  QtrActivity *activity = request->activity;

  if (activity->type != QTR_ACTIVITY_TYPE_DELETE ||
      g_strcmp0 (activity->object_id, activity->actor) != 0)
    return FALSE;
  known = qtr_node_store_find_remote_actor (qtr_node_get_store (request->node), "uri",
                                            activity->actor, NULL);
  return known == NULL;
}

static char *
get_path_and_query (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);

  return query ? g_strconcat (g_uri_get_path (uri), "?", query, NULL)
               : g_strdup (g_uri_get_path (uri));
}

void
qtr_node_handle_inbox (QtrNode           *node,
                       SoupServerMessage *msg,
                       GHashTable        *params)
{
  g_autoptr(InboxRequest) request = g_new0 (InboxRequest, 1);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autofree char *actor_host = NULL;
  const char *username = g_hash_table_lookup (params, "username");
  const char *data;
  gsize length;

  request->node = g_object_ref (node);
  request->msg = g_object_ref (msg);
  request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  if (username != NULL && g_ascii_strcasecmp (username, qtr_node_get_owner (node)->username) != 0)
    {
      refuse (request, SOUP_STATUS_NOT_FOUND, "No such account here");
      return;
    }

  data = g_bytes_get_data (request->body, &length);
  if (length > MAX_BODY_SIZE)
    {
      refuse (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "The body is larger than 1 MiB");
      return;
    }

  json = qtr_json_parse_object (data, length, &error);
  if (json == NULL)
    {
      refuse (request, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  request->activity = qtr_activity_parse (json, &error);
  if (request->activity == NULL)
    {
      refuse (request, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  actor_host = qtr_url_get_authority (request->activity->actor);
  if (qtr_node_config_is_blocked (qtr_node_get_config (node), actor_host))
    {
      refuse (request, SOUP_STATUS_FORBIDDEN, "Deliveries from this domain are refused");
      return;
    }

  signature = qtr_node_parse_signature (node, msg, request->body, &error);
  if (signature == NULL)
    {
      refuse (request, SOUP_STATUS_UNAUTHORIZED, error->message);
      return;
    }

  /* Mastodon sends these for deleted accounts it never told us about: nothing to do, and the
   * key is gone with the account. */
  if (is_delete_of_unknown_actor (request))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_ACCEPTED, NULL);
      return;
    }

  qtr_node_verify_signer (node, msg, signature, accept_activity, g_steal_pointer (&request),
                          (GDestroyNotify) inbox_request_free);
}

/**
 * qtr_node_parse_signature:
 * @body: (nullable): the request's body
 *
 * Reads the HTTP signature of a request made to the node (its digest and date checked; not
 * yet verified: see qtr_node_verify_signer()).
 *
 * Returns: (transfer full): the signature, or %NULL with @error set
 */
QtrHttpSignature *
qtr_node_parse_signature (QtrNode            *node,
                          SoupServerMessage  *msg,
                          GBytes             *body,
                          GError            **error)
{
  g_autofree char *path = get_path_and_query (msg);

  return qtr_http_signature_parse (soup_server_message_get_method (msg), path,
                                   qtr_node_get_base_url (node),
                                   soup_server_message_get_request_headers (msg), body,
                                   now_seconds (), error);
}

/**
 * qtr_node_inbox_early_cb:
 *
 * Refuses oversized deliveries from their headers, before the body is read.
 */
void
qtr_node_inbox_early_cb (SoupServer        *server,
                         SoupServerMessage *msg,
                         const char        *path,
                         GHashTable        *query,
                         gpointer           user_data)
{
  QtrNode *node = QTR_NODE (user_data);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *client = NULL;
  goffset length;
  guint retry_after = 0;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST") ||
      !g_str_has_suffix (path, "/inbox"))
    return;

  client = qtr_node_get_client_address (node, msg);
  if (!qtr_rate_limiter_take (qtr_node_get_inbox_limiter (node), client,
                              g_get_monotonic_time (), &retry_after))
    {
      g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
      qtr_node_respond_error (msg, 429, "Too many deliveries from this address; try again later");
      return;
    }

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      qtr_node_respond_error (msg, SOUP_STATUS_LENGTH_REQUIRED,
                              "Deliveries need a Content-Length");
      return;
    }
  length = soup_message_headers_get_content_length (headers);
  if (length > MAX_BODY_SIZE)
    qtr_node_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                            "The body is larger than 1 MiB");
}

/**
 * qtr_node_get_client_address:
 *
 * Returns: (transfer full): the address the request comes from: the peer's, or, when the peer
 *   is a trusted reverse proxy, the last address of X-Forwarded-For that is not one
 */
char *
qtr_node_get_client_address (QtrNode           *node,
                             SoupServerMessage *msg)
{
  QtrNodeConfig *config = qtr_node_get_config (node);
  const char *peer = soup_server_message_get_remote_host (msg);
  const char *forwarded;
  g_auto(GStrv) hops = NULL;

  if (peer == NULL)
    return g_strdup ("unknown");
  if (!qtr_node_config_is_trusted_proxy (config, peer))
    return g_strdup (peer);

  forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                             "X-Forwarded-For");
  if (forwarded == NULL)
    return g_strdup (peer);

  hops = g_strsplit (forwarded, ",", -1);
  for (int i = (int) g_strv_length (hops) - 1; i >= 0; i--)
    {
      g_strstrip (hops[i]);
      if (*hops[i] != '\0' && !qtr_node_config_is_trusted_proxy (config, hops[i]))
        return g_strdup (hops[i]);
    }
  return g_strdup (peer);
}
