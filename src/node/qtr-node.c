/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include "qtr-delivery-queue.h"
#include "qtr-node-api.h"
#include "qtr-node-api-client.h"
#include "qtr-node-streaming.h"
#include "qtr-source.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* A node: its data folder (node.conf, node.db, a lock), its owner, and the HTTP server that
 * answers for them. The server attaches to the thread-default main context of the thread that
 * calls qtr_node_start(): the main thread of quitter-node, or the node's own thread in the app. */

#define LISTEN_BACKLOG 1024
#define CONFIG_FILE "node.conf"
#define DATABASE_FILE "node.db"
#define LOCK_FILE "node.lock"
/* How often a running node notes that it runs, and how long it may have been away before it
 * reads the outboxes of the accounts it follows when it starts again. Posts published a
 * little before it was last seen are read too: deliveries of them may have failed. */
#define HEARTBEAT_SECONDS (5 * 60)
#define CATCH_UP_AFTER_SECONDS (60 * 60)
#define CATCH_UP_MARGIN_SECONDS (HEARTBEAT_SECONDS + 10 * 60)

struct _QtrNode
{
  GObject        parent_instance;

  char          *data_dir;
  int            lock_fd;
  QtrNodeConfig *config;
  QtrNodeStore  *store;
  QtrNodeOwner  *owner;

  char          *listen_address;
  int            listen_port;   /* -1: what node.conf says */
  SoupServer    *server;
  guint          port;
  char          *listen_url;

  QtrFetcher       *fetcher;
  QtrDeliveryQueue *queue;
  QtrRateLimiter   *inbox_limiter;
  GHashTable       *documents;   /* name -> GBytes, built once */
  QtrRateLimiter   *login_limiter;
  GHashTable       *form_tokens; /* CSRF token of a served form -> its expiry (monotonic) */
  GMainContext     *context;     /* the thread-default context it was started in */
  GSource          *process_source;
  GCancellable     *cancellable; /* fetches of the node's own, cancelled when it stops */
  GHashTable       *fetches;     /* what those fetches are for (a post's or boost's id) */
  GSource          *heartbeat_source;
  GSource          *polls_source;
  gint64            polls_due;     /* when polls_source runs (monotonic µs) */
  gint64            data_version;  /* node.db's, when the owner was last checked */
  GArray           *changes;     /* QtrChange: what the store wrote, announced when idle */
  GSource          *changes_source;
  QtrStreaming     *streaming;
};

/* A write the store reported (QtrNodeStore::changed), kept until its transaction is over. */
typedef struct {
  QtrStoreChange  change;
  gint64          row;
  char           *visibility;
} QtrChange;

enum {
  STATUS_ADDED,
  STATUS_UPDATED,
  STATUS_DELETED,
  NOTIFICATION_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (QtrNode, qtr_node, G_TYPE_OBJECT)

G_DEFINE_QUARK (qtr-node-error-quark, qtr_node_error)

struct _QtrRoute
{
  const char      *method;
  const char      *pattern;
  QtrRouteHandler  handler;
};

/* Every path the node answers, in one table. `:name` matches one path segment. */
static const QtrRoute routes[] = {
  { "GET", "/.well-known/webfinger", qtr_node_handle_webfinger },
  { "GET", "/.well-known/host-meta", qtr_node_handle_host_meta },
  { "GET", "/.well-known/nodeinfo", qtr_node_handle_nodeinfo_links },
  { "GET", "/nodeinfo/:version", qtr_node_handle_nodeinfo },
  { "GET", "/users/:username", qtr_node_handle_actor },
  { "GET", "/@:username", qtr_node_handle_profile },
  { "POST", "/users/:username/inbox", qtr_node_handle_inbox },
  { "POST", "/inbox", qtr_node_handle_inbox },
  { "GET", "/users/:username/:collection", qtr_node_handle_collection },
  { "GET", "/users/:username/statuses/:id", qtr_node_handle_status },
  { "GET", "/users/:username/statuses/:id/activity", qtr_node_handle_activity },
  { "GET", "/users/:username/collections/:collection", qtr_node_handle_collection },
  { "GET", "/activities/:id", qtr_node_handle_activity },
  { "GET", "/media/:file", qtr_node_handle_media },

  /* The Mastodon client API and its OAuth. */
  { "GET", "/.well-known/oauth-authorization-server", qtr_node_handle_oauth_metadata },
  { "POST", "/api/v1/apps", qtr_node_handle_apps },
  { "GET", "/api/v1/apps/verify_credentials", qtr_node_handle_app_credentials },
  { "GET", "/oauth/authorize", qtr_node_handle_authorize_page },
  { "POST", "/oauth/authorize", qtr_node_handle_authorize },
  { "POST", "/oauth/token", qtr_node_handle_token },
  { "POST", "/oauth/revoke", qtr_node_handle_revoke },
  { "GET", "/api/v1/instance", qtr_node_handle_instance_v1 },
  { "GET", "/api/v2/instance", qtr_node_handle_instance_v2 },
  { "GET", "/api/v1/accounts/verify_credentials", qtr_node_handle_verify_credentials },
  { "PATCH", "/api/v1/accounts/update_credentials", qtr_node_handle_update_credentials },
  { "GET", "/api/v1/accounts/lookup", qtr_node_handle_account_lookup },
  { "GET", "/api/v1/accounts/relationships", qtr_node_handle_relationships },
  { "GET", "/api/v1/accounts/search", qtr_node_handle_account_search },
  { "GET", "/api/v1/accounts/familiar_followers", qtr_node_handle_familiar_followers },
  { "GET", "/api/v1/accounts/:id", qtr_node_handle_account },
  { "GET", "/api/v1/accounts/:id/followers", qtr_node_handle_account_follows },
  { "GET", "/api/v1/accounts/:id/following", qtr_node_handle_account_follows },
  { "GET", "/api/v1/accounts/:id/lists", qtr_node_handle_account_lists },
  { "POST", "/api/v1/accounts/:id/follow", qtr_node_handle_account_follow },
  { "POST", "/api/v1/accounts/:id/unfollow", qtr_node_handle_account_unfollow },
  { "POST", "/api/v1/accounts/:id/block", qtr_node_handle_account_block },
  { "POST", "/api/v1/accounts/:id/unblock", qtr_node_handle_account_unblock },
  { "POST", "/api/v1/accounts/:id/mute", qtr_node_handle_account_mute },
  { "POST", "/api/v1/accounts/:id/unmute", qtr_node_handle_account_unmute },
  { "GET", "/api/v1/blocks", qtr_node_handle_blocks },
  { "GET", "/api/v1/mutes", qtr_node_handle_mutes },
  { "GET", "/api/v1/follow_requests", qtr_node_handle_follow_requests },
  { "POST", "/api/v1/follow_requests/:id/authorize",
    qtr_node_handle_follow_request_authorize },
  { "POST", "/api/v1/follow_requests/:id/reject", qtr_node_handle_follow_request_reject },
  { "POST", "/api/v1/media", qtr_node_handle_media_upload },
  { "POST", "/api/v2/media", qtr_node_handle_media_upload },
  { "GET", "/api/v1/media/:id", qtr_node_handle_media_get },
  { "PUT", "/api/v1/media/:id", qtr_node_handle_media_update },
  { "DELETE", "/api/v1/media/:id", qtr_node_handle_media_delete },
  { "GET", "/api/v1/lists", qtr_node_handle_lists },
  { "POST", "/api/v1/lists", qtr_node_handle_list_create },
  { "GET", "/api/v1/lists/:id", qtr_node_handle_list_get },
  { "PUT", "/api/v1/lists/:id", qtr_node_handle_list_update },
  { "DELETE", "/api/v1/lists/:id", qtr_node_handle_list_delete },
  { "GET", "/api/v1/lists/:id/accounts", qtr_node_handle_list_accounts_get },
  { "POST", "/api/v1/lists/:id/accounts", qtr_node_handle_list_accounts_add },
  { "DELETE", "/api/v1/lists/:id/accounts", qtr_node_handle_list_accounts_remove },
  { "GET", "/api/v1/markers", qtr_node_handle_markers_get },
  { "POST", "/api/v1/markers", qtr_node_handle_markers_set },
  { "GET", "/api/v1/preferences", qtr_node_handle_preferences },
  { "GET", "/api/v2/filters", qtr_node_handle_filters_get },
  { "POST", "/api/v2/filters", qtr_node_handle_filter_create },
  { "GET", "/api/v2/filters/keywords/:id", qtr_node_handle_filter_keyword_get },
  { "PUT", "/api/v2/filters/keywords/:id", qtr_node_handle_filter_keyword_update },
  { "DELETE", "/api/v2/filters/keywords/:id", qtr_node_handle_filter_keyword_delete },
  { "GET", "/api/v2/filters/statuses/:id", qtr_node_handle_filter_status_get },
  { "DELETE", "/api/v2/filters/statuses/:id", qtr_node_handle_filter_status_delete },
  { "GET", "/api/v2/filters/:id", qtr_node_handle_filter_get },
  { "PUT", "/api/v2/filters/:id", qtr_node_handle_filter_update },
  { "DELETE", "/api/v2/filters/:id", qtr_node_handle_filter_delete },
  { "GET", "/api/v2/filters/:id/keywords", qtr_node_handle_filter_keywords_get },
  { "POST", "/api/v2/filters/:id/keywords", qtr_node_handle_filter_keyword_create },
  { "GET", "/api/v2/filters/:id/statuses", qtr_node_handle_filter_statuses_get },
  { "POST", "/api/v2/filters/:id/statuses", qtr_node_handle_filter_status_create },
  { "GET", "/api/v1/followed_tags", qtr_node_handle_followed_tags },
  { "GET", "/api/v1/tags/:name", qtr_node_handle_tag },
  { "POST", "/api/v1/tags/:name/follow", qtr_node_handle_tag_follow },
  { "POST", "/api/v1/tags/:name/unfollow", qtr_node_handle_tag_follow },
  { "POST", "/api/v1/reports", qtr_node_handle_report },
  { "GET", "/api/v1/custom_emojis", qtr_node_handle_empty_list },
  { "GET", "/api/v1/trends/tags", qtr_node_handle_empty_list },
  { "GET", "/api/v1/trends/statuses", qtr_node_handle_empty_list },
  { "GET", "/api/v1/trends/links", qtr_node_handle_empty_list },
  { "GET", "/api/v1/announcements", qtr_node_handle_empty_list },
  { "GET", "/api/v1/instance/activity", qtr_node_handle_empty_list },
  { "GET", "/api/v1/instance/peers", qtr_node_handle_instance_peers },
  { "GET", "/api/v1/accounts/:id/statuses", qtr_node_handle_account_statuses },
  { "POST", "/api/v1/statuses", qtr_node_handle_status_create },
  { "GET", "/api/v1/polls/:id", qtr_node_handle_poll_get },
  { "POST", "/api/v1/polls/:id/votes", qtr_node_handle_poll_vote },
  { "GET", "/api/v1/statuses/:id", qtr_node_handle_status_get },
  { "DELETE", "/api/v1/statuses/:id", qtr_node_handle_status_delete },
  { "PUT", "/api/v1/statuses/:id", qtr_node_handle_status_edit },
  { "GET", "/api/v1/statuses/:id/history", qtr_node_handle_status_history },
  { "GET", "/api/v1/statuses/:id/source", qtr_node_handle_status_source },
  { "GET", "/api/v1/statuses/:id/context", qtr_node_handle_status_context },
  { "POST", "/api/v1/statuses/:id/favourite", qtr_node_handle_status_favourite },
  { "POST", "/api/v1/statuses/:id/unfavourite", qtr_node_handle_status_unfavourite },
  { "POST", "/api/v1/statuses/:id/reblog", qtr_node_handle_status_reblog },
  { "POST", "/api/v1/statuses/:id/unreblog", qtr_node_handle_status_unreblog },
  { "POST", "/api/v1/statuses/:id/bookmark", qtr_node_handle_status_bookmark },
  { "POST", "/api/v1/statuses/:id/unbookmark", qtr_node_handle_status_unbookmark },
  { "POST", "/api/v1/statuses/:id/pin", qtr_node_handle_status_pin },
  { "POST", "/api/v1/statuses/:id/unpin", qtr_node_handle_status_unpin },
  { "GET", "/api/v1/statuses/:id/favourited_by", qtr_node_handle_status_favourited_by },
  { "GET", "/api/v1/statuses/:id/reblogged_by", qtr_node_handle_status_reblogged_by },
  { "GET", "/api/v1/timelines/home", qtr_node_handle_timeline_home },
  { "GET", "/api/v1/timelines/public", qtr_node_handle_timeline_public },
  { "GET", "/api/v1/timelines/tag/:hashtag", qtr_node_handle_timeline_tag },
  { "GET", "/api/v1/timelines/list/:id", qtr_node_handle_timeline_list },
  { "GET", "/api/v1/bookmarks", qtr_node_handle_bookmarks },
  { "GET", "/api/v1/favourites", qtr_node_handle_favourites },
  { "GET", "/api/v1/notifications", qtr_node_handle_notifications },
  { "POST", "/api/v1/notifications/clear", qtr_node_handle_notifications_clear },
  { "GET", "/api/v1/notifications/:id", qtr_node_handle_notification },
  { "POST", "/api/v1/notifications/:id/dismiss", qtr_node_handle_notification_dismiss },
  { "GET", "/api/v1/streaming", qtr_node_handle_streaming },
  { "GET", "/api/v1/streaming/health", qtr_node_handle_streaming_health },
  { "GET", "/api/v1/streaming/:stream", qtr_node_handle_streaming_events },
  { "GET", "/api/v1/streaming/:stream/:variant", qtr_node_handle_streaming_events },
  { "GET", "/api/v2/search", qtr_node_handle_search_v2 },
  { "GET", "/api/v1/search", qtr_node_handle_search_v1 },
  { "GET", "/avatars/original/missing.png", qtr_node_handle_default_image },
  { "GET", "/headers/original/missing.png", qtr_node_handle_default_image },
};

static gboolean
take_lock (QtrNode  *self,
           GError  **error)
{
  g_autofree char *path = g_build_filename (self->data_dir, LOCK_FILE, NULL);

  self->lock_fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "Cannot open %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_LOCKED,
                   "The node in %s is already running (in another quitter-node or in the "
                   "Quitter app); stop that one first", self->data_dir);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_blocked_domain_cb (const char *host,
                      gpointer    user_data)
{
  QtrNode *self = user_data;

  return qtr_node_config_is_blocked (self->config, host);
}

static const char *
find_segment_end (const char *segment)
{
  const char *slash = strchr (segment, '/');

  return slash ? slash : segment + strlen (segment);
}

/* Matches @path against a route's pattern segment by segment, without copying either; the
 * named parts go into @params. */
static gboolean
match_route (const QtrRoute *route,
             const char     *path,
             GHashTable     *params)
{
  const char *want = route->pattern;
  const char *have = path;

  while (*want == '/' && *have == '/')
    {
      const char *want_end = find_segment_end (++want);
      const char *have_end = find_segment_end (++have);
      const char *colon = memchr (want, ':', want_end - want);

      if (colon == NULL)
        {
          if (want_end - want != have_end - have || strncmp (want, have, want_end - want) != 0)
            return FALSE;
        }
      else
        {
          /* A literal prefix (as in "@:username") must match; the rest is the parameter. */
          gsize prefix = colon - want;
          char *value;

          if ((gsize) (have_end - have) <= prefix || strncmp (want, have, prefix) != 0)
            return FALSE;
          value = g_uri_unescape_segment (have + prefix, have_end, "/");
          if (value == NULL)
            return FALSE;
          g_hash_table_insert (params, g_strndup (colon + 1, want_end - colon - 1), value);
        }
      want = want_end;
      have = have_end;
    }
  /* A trailing slash is the same path, as for Rails: Mastodon.py asks for /api/v1/instance/. */
  return *want == '\0' && (*have == '\0' || (have[0] == '/' && have[1] == '\0'));
}

/* After the owner deleted the account, what was its addresses answer 410 Gone, as Mastodon's
 * do; the actor as a Tombstone. */
static gboolean
respond_if_gone (QtrNode           *self,
                 SoupServerMessage *msg,
                 const char        *path)
{
  static const char * const prefixes[] = {
    "/.well-known/webfinger", "/users/", "/@", "/inbox", "/activities/", "/api/", "/oauth/",
  };
  g_autofree char *actor = NULL;
  gboolean gone = FALSE;

  /* Before every request: a profile changed or an account deleted by the command line beside
   * the running node is served at once. */
  qtr_node_refresh_owner (self);
  if (self->owner->deleted_at == 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (prefixes) && !gone; i++)
    gone = g_str_has_prefix (path, prefixes[i]);
  if (!gone)
    return FALSE;

  actor = qtr_node_get_actor_url (self);
  if (g_str_has_prefix (path, "/users/") && qtr_node_wants_activity_json (msg) &&
      strlen (path) == strlen (actor) - strlen (self->config->base_url) &&
      g_str_has_suffix (actor, path))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *deleted = qtr_node_format_time (self->owner->deleted_at);
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "@context");
      json_builder_add_string_value (builder, "https://www.w3.org/ns/activitystreams");
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, actor);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "Tombstone");
      json_builder_set_member_name (builder, "formerType");
      json_builder_add_string_value (builder, "Person");
      json_builder_set_member_name (builder, "deleted");
      json_builder_add_string_value (builder, deleted);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      qtr_node_respond_json (msg, SOUP_STATUS_GONE, QTR_AS2_CONTENT_TYPE, root);
      return TRUE;
    }
  qtr_node_respond_error (msg, SOUP_STATUS_GONE, "This account was deleted");
  return TRUE;
}

static void
server_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  QtrNode *self = QTR_NODE (user_data);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GString) allowed = g_string_new (NULL);
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (qtr_node_api_apply_cors (msg, path))
    return;
  if (respond_if_gone (self, msg, path))
    return;
  if (g_str_equal (method, "HEAD"))
    method = "GET";

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_hash_table_remove_all (params);
      if (!match_route (&routes[i], path, params))
        continue;
      if (!g_str_equal (routes[i].method, method))
        {
          g_string_append_printf (allowed, "%s%s", allowed->len ? ", " : "", routes[i].method);
          continue;
        }
      routes[i].handler (self, msg, params);
      return;
    }

  if (allowed->len > 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    allowed->str);
      qtr_node_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                              "This method is not allowed here");
      return;
    }
  qtr_node_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
}

/* Runs when a request's headers are read, before its body: refuses what is too large. */
static void
server_early_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  qtr_node_inbox_early_cb (server, msg, path, query, user_data);
  qtr_node_api_early_cb (server, msg, path, query, user_data);
}

static void
clear_change (gpointer data)
{
  QtrChange *change = data;

  g_free (change->visibility);
}

/* Whether what a change reports is still so now that its transaction is over: the row is
 * there (or, for a deletion, gone). */
static gboolean
change_holds (QtrNode         *self,
              const QtrChange *change)
{
  g_autoptr(GError) error = NULL;

  if (change->change == QTR_STORE_NOTIFICATION_ADDED)
    {
      g_autoptr(QtrNotification) notification = NULL;

      notification = qtr_node_store_find_notification (self->store, change->row, &error);
      return notification != NULL;
    }
  else
    {
      g_autoptr(QtrStatus) status = qtr_node_store_find_status_by_id (self->store, change->row,
                                                                      &error);

      if (error != NULL)
        return FALSE;
      return change->change == QTR_STORE_STATUS_DELETED ? status == NULL : status != NULL;
    }
}

static gboolean
announce_changes_cb (gpointer user_data)
{
  QtrNode *self = QTR_NODE (user_data);
  g_autoptr(GArray) changes = g_steal_pointer (&self->changes);

  g_clear_pointer (&self->changes_source, g_source_unref);
  for (guint i = 0; changes != NULL && i < changes->len; i++)
    {
      const QtrChange *change = &g_array_index (changes, QtrChange, i);

      if (!change_holds (self, change))
        continue;
      switch (change->change)
        {
        case QTR_STORE_STATUS_ADDED:
          g_signal_emit (self, signals[STATUS_ADDED], 0, change->row);
          break;
        case QTR_STORE_STATUS_UPDATED:
          g_signal_emit (self, signals[STATUS_UPDATED], 0, change->row);
          break;
        case QTR_STORE_STATUS_DELETED:
          g_signal_emit (self, signals[STATUS_DELETED], 0, change->row, change->visibility);
          break;
        case QTR_STORE_NOTIFICATION_ADDED:
          g_signal_emit (self, signals[NOTIFICATION_ADDED], 0, change->row);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return G_SOURCE_REMOVE;
}

/* Every write of a post or notification, whichever path made it (the inbox, a resolve, a
 * boost, catching up, the owner's posts, edits and deletions), passes the store: it is
 * announced from here once the running node's loop is idle again, after the transaction. */
static void
store_changed_cb (QtrNodeStore *store,
                  guint         change,
                  gint64        row,
                  const char   *visibility,
                  gpointer      user_data)
{
  QtrNode *self = QTR_NODE (user_data);
  QtrChange item = { change, row, g_strdup (visibility) };

  if (self->server == NULL)
    {
      g_free (item.visibility);
      return;
    }
  if (self->changes == NULL)
    {
      self->changes = g_array_new (FALSE, FALSE, sizeof (QtrChange));
      g_array_set_clear_func (self->changes, clear_change);
    }
  g_array_append_val (self->changes, item);
  if (self->changes_source == NULL)
    self->changes_source = qtr_source_attach (self->context, 0, announce_changes_cb, self, NULL);
}

static void
qtr_node_dispose (GObject *object)
{
  QtrNode *self = QTR_NODE (object);

  qtr_node_stop (self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->queue);
  g_clear_object (&self->fetcher);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (qtr_node_parent_class)->dispose (object);
}

static void
qtr_node_finalize (GObject *object)
{
  QtrNode *self = QTR_NODE (object);

  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_clear_pointer (&self->config, qtr_node_config_free);
  g_clear_pointer (&self->owner, qtr_node_owner_free);
  g_clear_pointer (&self->inbox_limiter, qtr_rate_limiter_free);
  g_clear_pointer (&self->documents, g_hash_table_unref);
  g_clear_pointer (&self->fetches, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->login_limiter, qtr_rate_limiter_free);
  g_clear_pointer (&self->form_tokens, g_hash_table_unref);
  g_clear_pointer (&self->changes, g_array_unref);
  g_free (self->data_dir);
  g_free (self->listen_address);
  g_free (self->listen_url);

  G_OBJECT_CLASS (qtr_node_parent_class)->finalize (object);
}

static void
qtr_node_class_init (QtrNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_node_dispose;
  object_class->finalize = qtr_node_finalize;

  /**
   * QtrNode::status-added:
   * @row: the post's row in statuses
   *
   * A post or reblog was stored, the owner's or another's; emitted on the running node's
   * context after the transaction that stored it. Who should see it is for the listener to
   * decide (the streaming API applies the timelines' rules).
   */
  signals[STATUS_ADDED] = g_signal_new ("status-added", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * QtrNode::status-updated:
   * @row: the post's row in statuses
   *
   * A stored post was edited.
   */
  signals[STATUS_UPDATED] = g_signal_new ("status-updated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * QtrNode::status-deleted:
   * @row: the row the post had
   * @visibility: the post's visibility
   *
   * A stored post or reblog was deleted.
   */
  signals[STATUS_DELETED] = g_signal_new ("status-deleted", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
  /**
   * QtrNode::notification-added:
   * @row: the notification's row
   *
   * The owner got a notification.
   */
  signals[NOTIFICATION_ADDED] = g_signal_new ("notification-added", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
qtr_node_init (QtrNode *self)
{
  self->lock_fd = -1;
  self->listen_port = -1;
  self->cancellable = g_cancellable_new ();
  self->fetches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_bytes_unref);
}

/**
 * qtr_node_default_data_dir:
 *
 * Returns: (transfer full): where a node keeps its data unless told otherwise:
 *   `$XDG_DATA_HOME/quitter/node`
 */
char *
qtr_node_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "quitter", "node", NULL);
}

static void
remove_database_files (const char *db_path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db_path, suffixes[i], NULL);
      g_remove (path);
    }
}

/**
 * qtr_node_init_data_dir:
 * @data_dir: the folder to set the node up in; created (0700) when missing
 * @base_url: the node's public address (https, or http on loopback for tests)
 * @username: the owner's user name
 * @display_name: (nullable): the owner's display name
 *
 * Sets a node up: its database with the owner's new RSA-2048 key pair, then node.conf. A folder
 * that holds a node already is left alone (%QTR_NODE_ERROR_ALREADY_SET_UP).
 */
gboolean
qtr_node_init_data_dir (const char  *data_dir,
                        const char  *base_url,
                        const char  *username,
                        const char  *display_name,
                        GError     **error)
{
  g_autoptr(QtrNode) self = g_object_new (QTR_TYPE_NODE, NULL);
  g_autoptr(QtrNodeConfig) config = qtr_node_config_new ();
  g_autofree char *config_path = g_build_filename (data_dir, CONFIG_FILE, NULL);
  g_autofree char *db_path = g_build_filename (data_dir, DATABASE_FILE, NULL);
  g_autoptr(QtrNodeStore) store = NULL;
  g_autoptr(QtrKey) key = NULL;

  config->base_url = g_strdup (base_url);
  config->username = g_strdup (username);
  if (!qtr_node_config_validate (config, error))
    return FALSE;

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "Cannot create %s: %s", data_dir, g_strerror (saved_errno));
      return FALSE;
    }

  self->data_dir = g_strdup (data_dir);
  if (!take_lock (self, error))
    return FALSE;

  if (g_file_test (config_path, G_FILE_TEST_EXISTS) || g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_ALREADY_SET_UP,
                   "%s holds a node already; it was left as it is. Use another --data-dir for "
                   "a new node", data_dir);
      return FALSE;
    }

  key = qtr_key_generate (QTR_KEY_DEFAULT_BITS, error);
  if (key == NULL)
    return FALSE;

  store = qtr_node_store_open (db_path, error);
  if (store == NULL ||
      !qtr_node_store_create_owner (store, config->username, display_name, key, error))
    {
      g_clear_object (&store);
      remove_database_files (db_path);
      return FALSE;
    }

  /* node.conf comes last: its presence says the set-up is complete. */
  if (!qtr_node_config_save (config, config_path, error))
    {
      g_clear_object (&store);
      remove_database_files (db_path);
      return FALSE;
    }
  return TRUE;
}

/**
 * qtr_node_open:
 * @data_dir: a folder set up by qtr_node_init_data_dir()
 *
 * Reads node.conf and opens node.db, upgrading it when needed. Nothing listens until
 * qtr_node_start(), which takes the folder's lock: one process serves a node at a time, while
 * commands such as `quitter-node follow` may open it beside the running one.
 */
QtrNode *
qtr_node_open (const char  *data_dir,
               GError     **error)
{
  g_autoptr(QtrNode) self = g_object_new (QTR_TYPE_NODE, NULL);
  g_autofree char *config_path = g_build_filename (data_dir, CONFIG_FILE, NULL);
  g_autofree char *db_path = g_build_filename (data_dir, DATABASE_FILE, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR) || !g_file_test (config_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_SET_UP,
                   "No node is set up in %s: create one with “quitter-node init --base-url "
                   "https://your.domain --user NAME”", data_dir);
      return NULL;
    }

  self->data_dir = g_strdup (data_dir);
  self->config = qtr_node_config_load (config_path, error);
  if (self->config == NULL)
    return NULL;

  self->store = qtr_node_store_open (db_path, error);
  if (self->store == NULL)
    return NULL;

  self->owner = qtr_node_store_load_owner (self->store, error);
  if (self->owner == NULL)
    return NULL;
  g_signal_connect (self->store, "changed", G_CALLBACK (store_changed_cb), self);
  if (!g_str_equal (self->owner->username, self->config->username))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                   "%s names the user “%s”, but the node belongs to “%s”; set username back "
                   "to “%s”", config_path, self->config->username, self->owner->username,
                   self->owner->username);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * qtr_node_set_listen:
 * @address: (nullable): an IP address, or %NULL for node.conf's
 * @port: a port, 0 for any free one, or -1 for node.conf's
 *
 * Overrides where the node listens (quitter-node run --listen/--port). Call before starting.
 */
void
qtr_node_set_listen (QtrNode    *self,
                     const char *address,
                     int         port)
{
  g_return_if_fail (QTR_IS_NODE (self));
  g_return_if_fail (self->server == NULL);

  g_free (self->listen_address);
  self->listen_address = g_strdup (address);
  self->listen_port = port;
}

static GSocket *
create_listening_socket (GInetAddress  *address,
                         guint          port,
                         GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  /* GLib's default backlog of 10 drops connections under a burst of deliveries. */
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  socket_address = g_inet_socket_address_new (address, (guint16) port);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

static void
note_running (QtrNode *self)
{
  g_autoptr(GError) error = NULL;

  if (!qtr_node_store_set_last_seen (self->store, g_get_real_time () / G_USEC_PER_SEC, &error))
    g_warning ("Cannot note that the node runs: %s", error->message);
}

/* The polls' work runs when there is some: an Update due after votes, a poll's end; and
 * once a minute at least, for polls another process stored. */
#define POLLS_LONGEST_SLEEP 60

static gboolean
polls_cb (gpointer user_data)
{
  QtrNode *self = user_data;
  gint64 next_end = qtr_node_tick_polls (self);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_clear_pointer (&self->polls_source, g_source_unref);
  qtr_node_schedule_polls (self, next_end > 0 ? (guint) CLAMP (next_end - now, 1,
                                                               POLLS_LONGEST_SLEEP)
                                              : POLLS_LONGEST_SLEEP);
  return G_SOURCE_REMOVE;
}

/**
 * qtr_node_schedule_polls:
 * @seconds: at the latest
 *
 * Has qtr_node_tick_polls() run within @seconds (sooner if it was due sooner already), while
 * the node runs.
 */
void
qtr_node_schedule_polls (QtrNode *self,
                         guint    seconds)
{
  gint64 due = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  if (self->server == NULL || (self->polls_source != NULL && self->polls_due <= due))
    return;
  qtr_source_clear (&self->polls_source);
  self->polls_due = due;
  self->polls_source = qtr_source_attach (self->context, seconds, polls_cb, self, NULL);
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  note_running (user_data);
  return G_SOURCE_CONTINUE;
}

/* Notes that the node runs from now on; after a long time away, it catches up first. */
static void
start_heartbeat (QtrNode *self)
{
  g_autoptr(GError) error = NULL;
  gint64 last_seen = qtr_node_store_get_last_seen (self->store, &error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (last_seen < 0)
    g_warning ("Cannot read when the node last ran: %s", error->message);
  else if (last_seen > 0 && now - last_seen > CATCH_UP_AFTER_SECONDS)
    {
      g_debug ("The node was away since %" G_GINT64_FORMAT "; catching up", last_seen);
      qtr_node_start_catch_up (self, last_seen - CATCH_UP_MARGIN_SECONDS, self->cancellable);
    }
  note_running (self);
  self->heartbeat_source = qtr_source_attach (self->context, HEARTBEAT_SECONDS, heartbeat_cb, self,
                                              NULL);
}

/**
 * qtr_node_start:
 *
 * Starts answering HTTP on the configured address and port, in the thread-default main
 * context of the calling thread.
 */
gboolean
qtr_node_start (QtrNode  *self,
                GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  const char *listen_address;
  guint port;

  g_return_val_if_fail (QTR_IS_NODE (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (self->lock_fd < 0 && !take_lock (self, error))
    return FALSE;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();

  listen_address = self->listen_address ? self->listen_address : self->config->listen_address;
  port = self->listen_port >= 0 ? (guint) self->listen_port : self->config->port;

  address = g_inet_address_new_from_string (listen_address);
  if (address == NULL)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_LISTEN,
                   "“%s” is not an IP address to listen on", listen_address);
      return FALSE;
    }

  socket = create_listening_socket (address, port, &local_error);
  if (socket == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_LISTEN,
                     "Port %u on %s is in use: stop what uses it, or pick another port with "
                     "--port", port, listen_address);
      else
        g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_LISTEN,
                     "Cannot listen on %s port %u: %s", listen_address, port,
                     local_error->message);
      return FALSE;
    }

  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  self->server = soup_server_new ("server-header", "Quitter/" PACKAGE_VERSION " ", NULL);
  /* One early handler per path: a second one for the same path would replace the first. */
  soup_server_add_early_handler (self->server, NULL, server_early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, server_request_cb, self, NULL);
  /* The streaming API's paths: the route table answers first (tokens, event streams);
   * a WebSocket upgrade it let through is completed by libsoup. */
  soup_server_add_early_handler (self->server, QTR_STREAMING_PATH, server_early_cb, self, NULL);
  soup_server_add_handler (self->server, QTR_STREAMING_PATH, server_request_cb, self, NULL);
  self->streaming = qtr_streaming_new (self);
  soup_server_add_websocket_handler (self->server, QTR_STREAMING_PATH, NULL, NULL,
                                     qtr_streaming_websocket_cb, self->streaming, NULL);
  if (!soup_server_listen_socket (self->server, socket, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  g_free (self->listen_url);
  self->listen_url = g_strdup_printf (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
                                      ? "http://[%s]:%u" : "http://%s:%u",
                                      listen_address, self->port);
  g_debug ("Node for %s listening on %s", self->config->base_url, self->listen_url);

  g_clear_object (&self->queue);
  self->queue = qtr_delivery_queue_new (self->store, qtr_node_get_fetcher (self));
  qtr_delivery_queue_start (self->queue);
  /* Activities stored before a crash or a restart are applied now. */
  qtr_node_schedule_inbox_processing (self);
  start_heartbeat (self);
  qtr_node_schedule_polls (self, 1);
  qtr_node_resume_moves (self);
  return TRUE;
}

/**
 * qtr_node_stop:
 *
 * Stops listening; requests under way are dropped.
 */
void
qtr_node_stop (QtrNode *self)
{
  g_return_if_fail (QTR_IS_NODE (self));

  qtr_source_clear (&self->process_source);
  g_cancellable_cancel (self->cancellable);
  qtr_source_clear (&self->heartbeat_source);
  qtr_source_clear (&self->polls_source);
  if (self->queue != NULL)
    qtr_delivery_queue_stop (self->queue);
  qtr_source_clear (&self->changes_source);
  g_clear_pointer (&self->changes, g_array_unref);
  if (self->server == NULL)
    return;
  note_running (self);
  g_clear_pointer (&self->streaming, qtr_streaming_free);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

/**
 * qtr_node_get_streaming:
 *
 * Returns: (transfer none) (nullable): the streaming API's connections while the node runs
 */
QtrStreaming *
qtr_node_get_streaming (QtrNode *self)
{
  return self->streaming;
}

/**
 * qtr_node_get_fetcher:
 *
 * Returns: (transfer none): the fetcher every outgoing request of the node goes through,
 *   signed as the owner's actor and guarded as node.conf says
 */
QtrFetcher *
qtr_node_get_fetcher (QtrNode *self)
{
  if (self->fetcher == NULL)
    {
      g_autofree char *actor = qtr_node_get_actor_url (self);
      g_autofree char *key_id = g_strconcat (actor, "#main-key", NULL);

      self->fetcher = qtr_fetcher_new (self->config->base_url, self->owner->key, key_id);
      qtr_fetcher_set_allow_private_addresses (self->fetcher,
                                               self->config->allow_private_addresses);
      qtr_fetcher_set_blocked_domain_check (self->fetcher, is_blocked_domain_cb,
                                            self, NULL);
    }
  return self->fetcher;
}

/**
 * qtr_node_reload_owner:
 *
 * Reads the owner's profile again from node.db and drops the documents built from the old
 * one: after a profile change, here or by another process on the same node (the CLI beside
 * a running node).
 */
gboolean
qtr_node_reload_owner (QtrNode  *self,
                       GError  **error)
{
  QtrNodeOwner *owner = qtr_node_store_load_owner (self->store, error);

  if (owner == NULL)
    return FALSE;
  qtr_node_owner_free (self->owner);
  self->owner = owner;
  qtr_node_forget_documents (self);
  return TRUE;
}

/**
 * qtr_node_refresh_owner:
 *
 * Reloads the owner when node.db says the profile changed since it was read.
 */
void
qtr_node_refresh_owner (QtrNode *self)
{
  g_autoptr(GError) error = NULL;
  gint64 version = qtr_node_store_get_data_version (self->store, &error);
  gint64 updated_at;

  /* Changes made here reload the owner themselves; only another process's commit (the
   * command line beside the running node) needs a look, and data_version says when. */
  if (version > 0 && version == self->data_version)
    return;
  g_clear_error (&error);
  updated_at = qtr_node_store_get_profile_time (self->store, &error);
  if (updated_at >= 0 && version > 0)
    self->data_version = version;
  if (updated_at < 0)
    g_warning ("Cannot read the profile's time: %s", error->message);
  else if (updated_at != self->owner->updated_at && !qtr_node_reload_owner (self, &error))
    g_warning ("Cannot read the changed profile: %s", error->message);
}

/**
 * qtr_node_save_config:
 *
 * Writes the node's settings, as changed in qtr_node_get_config(), to node.conf.
 */
gboolean
qtr_node_save_config (QtrNode  *self,
                      GError  **error)
{
  g_autofree char *path = g_build_filename (self->data_dir, CONFIG_FILE, NULL);

  return qtr_node_config_save (self->config, path, error);
}

/**
 * qtr_node_get_data_dir:
 *
 * Returns: the node's data folder
 */
const char *
qtr_node_get_data_dir (QtrNode *self)
{
  return self->data_dir;
}

/**
 * qtr_node_get_inbox_limiter:
 *
 * Returns: (transfer none): the per-address limit on deliveries (node.conf's inbox_rate_limit)
 */
QtrRateLimiter *
qtr_node_get_inbox_limiter (QtrNode *self)
{
  if (self->inbox_limiter == NULL)
    self->inbox_limiter = qtr_rate_limiter_new (self->config->inbox_rate_limit);
  return self->inbox_limiter;
}

/**
 * qtr_node_get_login_limiter:
 *
 * Returns: (transfer none): the per-address limit on failed sign-ins to the OAuth page
 */
QtrRateLimiter *
qtr_node_get_login_limiter (QtrNode *self)
{
  if (self->login_limiter == NULL)
    self->login_limiter = qtr_rate_limiter_new (QTR_NODE_LOGIN_ATTEMPTS_PER_MINUTE);
  return self->login_limiter;
}

/**
 * qtr_node_get_form_tokens:
 *
 * Returns: (transfer none): the CSRF tokens of the forms the node served, to their expiry
 *   (monotonic time): a token is good for one submission
 */
GHashTable *
qtr_node_get_form_tokens (QtrNode *self)
{
  if (self->form_tokens == NULL)
    self->form_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self->form_tokens;
}

/**
 * qtr_node_get_document:
 * @name: which document, e.g. "actor"
 *
 * Returns: (transfer none) (nullable): the document built before, or %NULL
 */
GBytes *
qtr_node_get_document (QtrNode    *self,
                       const char *name)
{
  return g_hash_table_lookup (self->documents, name);
}

/**
 * qtr_node_set_document:
 *
 * Keeps a document that is the same for every request (the actor), until
 * qtr_node_forget_documents().
 */
void
qtr_node_set_document (QtrNode    *self,
                       const char *name,
                       GBytes     *document)
{
  g_hash_table_insert (self->documents, g_strdup (name), g_bytes_ref (document));
}

/**
 * qtr_node_forget_documents:
 *
 * Drops the kept documents: call it when what they show changes (a profile edit).
 */
void
qtr_node_forget_documents (QtrNode *self)
{
  g_hash_table_remove_all (self->documents);
}

/**
 * qtr_node_kick_deliveries:
 *
 * Tells a running node's delivery queue that jobs were queued.
 */
void
qtr_node_kick_deliveries (QtrNode *self)
{
  if (self->queue != NULL)
    qtr_delivery_queue_kick (self->queue);
}

/**
 * qtr_node_get_cancellable:
 *
 * Returns: (transfer none): what the node's own background fetches (missing parents of a
 *   reply, boosted posts) watch: it is cancelled when the node stops
 */
GCancellable *
qtr_node_get_cancellable (QtrNode *self)
{
  return self->cancellable;
}

/**
 * qtr_node_begin_fetch:
 * @key: what the fetch is for, e.g. the id of a post or of a boost
 * @limit: how many background fetches may be under way at most
 *
 * Claims @key for one background fetch, so that the same thing is not fetched twice at once
 * and the work a flood of activities can cause stays bounded.
 *
 * Returns: %TRUE when the fetch may start, %FALSE when @key is being fetched already or
 *   @limit fetches are under way
 */
gboolean
qtr_node_begin_fetch (QtrNode    *self,
                      const char *key,
                      guint       limit)
{
  if (g_hash_table_size (self->fetches) >= limit || g_hash_table_contains (self->fetches, key))
    return FALSE;
  g_hash_table_add (self->fetches, g_strdup (key));
  return TRUE;
}

/**
 * qtr_node_end_fetch:
 *
 * Releases @key, claimed by qtr_node_begin_fetch().
 *
 * Returns: %TRUE when @key was claimed: %FALSE tells a finished fetch that its result is no
 *   longer wanted (an Undo came meanwhile)
 */
gboolean
qtr_node_end_fetch (QtrNode    *self,
                    const char *key)
{
  return g_hash_table_remove (self->fetches, key);
}

/**
 * qtr_node_count_fetches:
 *
 * Returns: how many background fetches are under way
 */
guint
qtr_node_count_fetches (QtrNode *self)
{
  return g_hash_table_size (self->fetches);
}

static gboolean
process_inbox_cb (gpointer user_data)
{
  QtrNode *self = user_data;

  /* One batch per turn of the loop, so that a backlog never holds up requests. */
  if (qtr_node_process_inbox (self))
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&self->process_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/**
 * qtr_node_schedule_inbox_processing:
 *
 * Applies stored activities soon, after the deliveries that brought them are answered.
 */
void
qtr_node_schedule_inbox_processing (QtrNode *self)
{
  if (self->process_source == NULL)
    self->process_source = qtr_source_attach (self->context, 0, process_inbox_cb, self, NULL);
}

guint
qtr_node_get_port (QtrNode *self)
{
  g_return_val_if_fail (QTR_IS_NODE (self), 0);
  return self->port;
}

const char *
qtr_node_get_base_url (QtrNode *self)
{
  g_return_val_if_fail (QTR_IS_NODE (self), NULL);
  return self->config->base_url;
}

/**
 * qtr_node_get_listen_url:
 *
 * Returns: (nullable): where the running node can be reached on this machine
 */
const char *
qtr_node_get_listen_url (QtrNode *self)
{
  g_return_val_if_fail (QTR_IS_NODE (self), NULL);
  return self->listen_url;
}

QtrNodeConfig *
qtr_node_get_config (QtrNode *self)
{
  return self->config;
}

QtrNodeStore *
qtr_node_get_store (QtrNode *self)
{
  return self->store;
}

QtrNodeOwner *
qtr_node_get_owner (QtrNode *self)
{
  return self->owner;
}

/**
 * qtr_node_get_actor_url:
 *
 * Returns: (transfer full): the id of the owner's actor, `BASE/users/NAME`
 */
char *
qtr_node_get_actor_url (QtrNode *self)
{
  g_autofree char *escaped = g_uri_escape_string (self->owner->username, NULL, FALSE);

  return g_strdup_printf ("%s/users/%s", self->config->base_url, escaped);
}

/**
 * qtr_node_get_host:
 *
 * Returns: (transfer full): the host part of the owner's handle
 */
char *
qtr_node_get_host (QtrNode *self)
{
  return qtr_node_config_get_host (self->config);
}

void
qtr_node_respond_text (SoupServerMessage *msg,
                       guint              status,
                       const char        *content_type,
                       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

void
qtr_node_respond_json (SoupServerMessage *msg,
                       guint              status,
                       const char        *content_type,
                       JsonNode          *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *body = NULL;
  gsize length;

  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, &length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type ? content_type
                                                      : "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, g_steal_pointer (&body), length);
}

/**
 * qtr_node_respond_error:
 *
 * Answers `{"error": "…"}` with @status, the shape Mastodon's clients and servers expect.
 */
void
qtr_node_respond_error (SoupServerMessage *msg,
                        guint              status,
                        const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  qtr_node_respond_json (msg, status, NULL, root);
}

/**
 * qtr_node_wants_activity_json:
 *
 * Returns: %TRUE when the request asks for ActivityStreams (`application/activity+json`, or
 *   `application/ld+json` with the ActivityStreams profile) rather than a web page
 */
gboolean
qtr_node_wants_activity_json (SoupServerMessage *msg)
{
  const char *accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "Accept");
  g_autofree char *lower = NULL;

  if (accept == NULL)
    return FALSE;
  lower = g_ascii_strdown (accept, -1);
  return strstr (lower, "application/activity+json") != NULL ||
         (strstr (lower, "application/ld+json") != NULL &&
          strstr (lower, "https://www.w3.org/ns/activitystreams") != NULL) ||
         (strstr (lower, "application/ld+json") != NULL && strstr (lower, "text/html") == NULL);
}
