/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-store.h"
#include "qtr-node-store-private.h"
#include "qtr-node-store-statuses.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* node.db: the node's own data. Migrations only ever append: a file written by an older
 * version is upgraded in place, one numbered step at a time. */

struct _QtrNodeStore
{
  GObject  parent_instance;

  QtrDb   *db;
};

G_DEFINE_FINAL_TYPE (QtrNodeStore, qtr_node_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Tells listeners what was written: @visibility only for a deleted post (its row is gone). */
static void
emit_changed (QtrNodeStore   *self,
              QtrStoreChange  change,
              gint64          row,
              const char     *visibility)
{
  g_signal_emit (self, signals[CHANGED], 0, (guint) change, row, visibility);
}

static const char * const migrations[] = {
  /* 1: the owner, with the actor's key pair. */
  "CREATE TABLE owner ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  username TEXT NOT NULL,"
  "  display_name TEXT NOT NULL DEFAULT '',"
  "  summary TEXT NOT NULL DEFAULT '',"
  "  private_key_pem TEXT NOT NULL,"
  "  public_key_pem TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");",

  /* 2: federation. Remote actors as fetched; every incoming activity, stored before it is
   * acknowledged; followers and follows; our own activities (served at their ids) and one
   * delivery job per target inbox. */
  "CREATE TABLE remote_actors ("
  "  id INTEGER PRIMARY KEY,"
  "  uri TEXT NOT NULL UNIQUE,"
  "  host TEXT NOT NULL,"
  "  username TEXT NOT NULL DEFAULT '',"
  "  display_name TEXT NOT NULL DEFAULT '',"
  "  inbox TEXT NOT NULL,"
  "  shared_inbox TEXT,"
  "  key_id TEXT NOT NULL,"
  "  public_key_pem TEXT NOT NULL,"
  "  document TEXT NOT NULL,"
  "  fetched_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX remote_actors_key_id ON remote_actors (key_id);"
  "CREATE TABLE inbox ("
  "  id INTEGER PRIMARY KEY,"
  "  activity_uri TEXT NOT NULL UNIQUE,"
  "  actor_uri TEXT NOT NULL,"
  "  body TEXT NOT NULL,"
  "  received_at INTEGER NOT NULL,"
  "  processed_at INTEGER,"
  "  error TEXT"
  ");"
  "CREATE INDEX inbox_pending ON inbox (id) WHERE processed_at IS NULL;"
  "CREATE TABLE followers ("
  "  actor_id INTEGER PRIMARY KEY REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  follow_uri TEXT NOT NULL,"
  "  accepted INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE following ("
  "  actor_id INTEGER PRIMARY KEY REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  follow_uri TEXT NOT NULL UNIQUE,"
  "  accepted INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE activities ("
  "  id INTEGER PRIMARY KEY,"
  "  uri TEXT NOT NULL UNIQUE,"
  "  type TEXT NOT NULL,"
  "  object_uri TEXT,"
  "  body TEXT NOT NULL,"
  "  published INTEGER NOT NULL"
  ");"
  "CREATE TABLE deliveries ("
  "  id INTEGER PRIMARY KEY,"
  "  activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,"
  "  inbox TEXT NOT NULL,"
  "  host TEXT NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  last_error TEXT,"
  "  UNIQUE (activity_id, inbox)"
  ");"
  "CREATE INDEX deliveries_due ON deliveries (next_attempt_at);",

  /* 3: posts, the owner's (actor_id NULL) and those of others that reached us, and the ids of
   * the owner's deleted posts, answered with 410 Gone. */
  "ALTER TABLE remote_actors ADD COLUMN followers TEXT;"
  "CREATE TABLE statuses ("
  "  id INTEGER PRIMARY KEY,"
  "  uri TEXT NOT NULL UNIQUE,"
  "  url TEXT,"
  "  actor_id INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  in_reply_to_uri TEXT,"
  "  content TEXT NOT NULL,"
  "  summary TEXT,"
  "  sensitive INTEGER NOT NULL DEFAULT 0,"
  "  language TEXT,"
  "  visibility TEXT NOT NULL"
  "    CHECK (visibility IN ('public', 'unlisted', 'private', 'direct')),"
  "  published INTEGER NOT NULL,"
  "  updated INTEGER,"
  "  document TEXT NOT NULL"
  ");"
  "CREATE INDEX statuses_by_actor ON statuses (actor_id, published);"
  "CREATE TABLE tombstones ("
  "  uri TEXT PRIMARY KEY,"
  "  deleted_at INTEGER NOT NULL"
  ");",

  /* 4: what the owner is told: follows, mentions, likes, boosts, reports. Each comes from one
   * activity; undoing the activity removes it. */
  "CREATE TABLE notifications ("
  "  id INTEGER PRIMARY KEY,"
  "  type TEXT NOT NULL CHECK (type IN ('mention', 'favourite', 'reblog', 'follow',"
  "    'follow_request', 'report')),"
  "  actor_id INTEGER NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  status_uri TEXT,"
  "  activity_uri TEXT NOT NULL UNIQUE,"
  "  comment TEXT,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX notifications_by_time ON notifications (created_at);",

  /* 5: the earliest time a server allowed (Retry-After): hurrying leaves it alone. */
  "ALTER TABLE deliveries ADD COLUMN not_before INTEGER NOT NULL DEFAULT 0;",

  /* 6: boosts, as Mastodon keeps them: a reblog is a status row of the booster (its uri the
   * Announce's id, no content of its own) pointing at the boosted post, and goes with it. */
  "ALTER TABLE statuses ADD COLUMN reblog_of_id INTEGER"
  "  REFERENCES statuses (id) ON DELETE CASCADE;"
  "CREATE INDEX statuses_reblogs ON statuses (reblog_of_id) WHERE reblog_of_id IS NOT NULL;",

  /* 7: the owner's likes and blocks, each with the id of the activity that an Undo names;
   * and when the node last ran, to catch up after a long time offline. */
  "CREATE TABLE likes ("
  "  status_uri TEXT PRIMARY KEY,"
  "  activity_uri TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE blocks ("
  "  actor_id INTEGER PRIMARY KEY REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  activity_uri TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE heartbeat ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  last_seen INTEGER NOT NULL"
  ");",

  /* 8: media the owner uploaded (files in the data folder, named by id), attached to a post
   * (status_id) or not yet; the attachments of every stored post, ours and others', in order;
   * the owner's avatar, header, aliases (alsoKnownAs, one per line) and the account moved to. */
  "CREATE TABLE media ("
  "  id INTEGER PRIMARY KEY,"
  "  media_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  width INTEGER NOT NULL DEFAULT 0,"
  "  height INTEGER NOT NULL DEFAULT 0,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL,"
  "  status_id INTEGER"
  ");"
  "CREATE TABLE attachments ("
  "  status_id INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  type INTEGER NOT NULL,"
  "  url TEXT NOT NULL,"
  "  media_type TEXT,"
  "  description TEXT,"
  "  width INTEGER NOT NULL DEFAULT 0,"
  "  height INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (status_id, position)"
  ");"
  "ALTER TABLE owner ADD COLUMN avatar_id INTEGER;"
  "ALTER TABLE owner ADD COLUMN header_id INTEGER;"
  "ALTER TABLE owner ADD COLUMN also_known_as TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE owner ADD COLUMN moved_to TEXT;",

  /* 9: a followed account moved: its Move waits in pending_moves until checked, then the
   * owner is told (type 'move', the new account in target_actor_id). sqlite cannot alter a
   * CHECK: the notifications table is rebuilt. */
  "CREATE TABLE notifications_new ("
  "  id INTEGER PRIMARY KEY,"
  "  type TEXT NOT NULL CHECK (type IN ('mention', 'favourite', 'reblog', 'follow',"
  "    'follow_request', 'report', 'move')),"
  "  actor_id INTEGER NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  status_uri TEXT,"
  "  activity_uri TEXT NOT NULL UNIQUE,"
  "  comment TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  target_actor_id INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE"
  ");"
  "INSERT INTO notifications_new (id, type, actor_id, status_uri, activity_uri, comment,"
  "  created_at)"
  "  SELECT id, type, actor_id, status_uri, activity_uri, comment, created_at"
  "  FROM notifications;"
  "DROP TABLE notifications;"
  "ALTER TABLE notifications_new RENAME TO notifications;"
  "CREATE INDEX notifications_by_time ON notifications (created_at);"
  /* A Move of an account we follow, kept until its target is checked (fetched from its own
   * host, naming the old account among its aliases): a restart resumes the check. */
  "CREATE TABLE pending_moves ("
  "  activity_uri TEXT PRIMARY KEY,"
  "  origin_id INTEGER NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  target TEXT NOT NULL,"
  "  received_at INTEGER NOT NULL"
  ");",

  /* 10: the client API's OAuth: the owner's password (PBKDF2, its parameters kept with it),
   * registered apps, authorization codes and access tokens. Secrets, codes and tokens are
   * kept only as SHA-256 hashes. A token without an app was minted by `quitter-node token`;
   * one without a user by client_credentials. */
  "ALTER TABLE owner ADD COLUMN password_hash TEXT;"
  "CREATE TABLE oauth_apps ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  website TEXT,"
  "  redirect_uris TEXT NOT NULL,"
  "  scopes TEXT NOT NULL,"
  "  client_id TEXT NOT NULL UNIQUE,"
  "  secret_hash TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE oauth_codes ("
  "  code_hash TEXT PRIMARY KEY,"
  "  app_id INTEGER NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,"
  "  redirect_uri TEXT NOT NULL,"
  "  scopes TEXT NOT NULL,"
  "  challenge TEXT,"
  "  challenge_method TEXT,"
  "  expires_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE oauth_tokens ("
  "  id INTEGER PRIMARY KEY,"
  "  token_hash TEXT NOT NULL UNIQUE,"
  "  app_id INTEGER REFERENCES oauth_apps (id) ON DELETE CASCADE,"
  "  has_user INTEGER NOT NULL,"
  "  scopes TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");",

  /* 11: the owner deleted the account: the node then answers 410 Gone for it and sends
   * nothing more than the Delete that tells other servers. */
  "ALTER TABLE owner ADD COLUMN deleted_at INTEGER;",

  /* 12: the client API's statuses. The text the owner wrote (for delete-and-redraft and
   * source) and the app that posted it; earlier versions of edited posts with their media;
   * bookmarks, pins and the Idempotency-Keys of recent posts; dismissed notifications stay
   * (they count likes and boosts) but are no longer listed. */
  "CREATE TABLE status_sources ("
  "  status_id INTEGER PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,"
  "  text TEXT NOT NULL,"
  "  app_id INTEGER REFERENCES oauth_apps (id) ON DELETE SET NULL"
  ");"
  "CREATE TABLE status_edits ("
  "  id INTEGER PRIMARY KEY,"
  "  status_id INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,"
  "  content TEXT NOT NULL,"
  "  summary TEXT,"
  "  sensitive INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX status_edits_by_status ON status_edits (status_id, id);"
  "CREATE TABLE status_edit_attachments ("
  "  edit_id INTEGER NOT NULL REFERENCES status_edits (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  type INTEGER NOT NULL,"
  "  url TEXT NOT NULL,"
  "  media_type TEXT,"
  "  description TEXT,"
  "  width INTEGER NOT NULL DEFAULT 0,"
  "  height INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (edit_id, position)"
  ");"
  "CREATE TABLE bookmarks ("
  "  id INTEGER PRIMARY KEY,"
  "  status_id INTEGER NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE pins ("
  "  id INTEGER PRIMARY KEY,"
  "  status_id INTEGER NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE idempotency_keys ("
  "  key TEXT PRIMARY KEY,"
  "  status_id INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX statuses_replies ON statuses (in_reply_to_uri)"
  "  WHERE in_reply_to_uri IS NOT NULL;"
  "ALTER TABLE notifications ADD COLUMN dismissed INTEGER NOT NULL DEFAULT 0;",

  /* 13: what the owner's clients keep: the profile's fields (a JSON array of name and value,
   * plain text) and its bot and discoverable flags; mutes, which stay on this node; lists of
   * followed accounts; read markers with their version; filters (v2) with their keywords and
   * statuses; followed hashtags; the focal point of uploaded media ("x,y"). */
  "ALTER TABLE owner ADD COLUMN fields TEXT NOT NULL DEFAULT '[]';"
  "ALTER TABLE owner ADD COLUMN bot INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE owner ADD COLUMN discoverable INTEGER NOT NULL DEFAULT 1;"
  "CREATE TABLE mutes ("
  "  actor_id INTEGER PRIMARY KEY REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  notifications INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE lists ("
  "  id INTEGER PRIMARY KEY,"
  "  title TEXT NOT NULL,"
  "  replies_policy TEXT NOT NULL CHECK (replies_policy IN ('followed', 'list', 'none')),"
  "  exclusive INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE list_members ("
  "  list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,"
  "  actor_id INTEGER NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (list_id, actor_id)"
  ");"
  "CREATE INDEX list_members_by_actor ON list_members (actor_id);"
  "CREATE TABLE markers ("
  "  timeline TEXT PRIMARY KEY CHECK (timeline IN ('home', 'notifications')),"
  "  last_read_id TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE filters ("
  "  id INTEGER PRIMARY KEY,"
  "  title TEXT NOT NULL,"
  "  context TEXT NOT NULL,"
  "  action TEXT NOT NULL CHECK (action IN ('warn', 'hide')),"
  "  expires_at INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE filter_keywords ("
  "  id INTEGER PRIMARY KEY,"
  "  filter_id INTEGER NOT NULL REFERENCES filters (id) ON DELETE CASCADE,"
  "  keyword TEXT NOT NULL,"
  "  whole_word INTEGER NOT NULL"
  ");"
  "CREATE TABLE filter_statuses ("
  "  id INTEGER PRIMARY KEY,"
  "  filter_id INTEGER NOT NULL REFERENCES filters (id) ON DELETE CASCADE,"
  "  status_id TEXT NOT NULL,"
  "  UNIQUE (filter_id, status_id)"
  ");"
  "ALTER TABLE media ADD COLUMN focus TEXT;"
  "CREATE TABLE followed_tags ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  created_at INTEGER NOT NULL"
  ");",

  /* 14: thumbnails of uploaded images (media/ID-small.EXT, its type here, NULL when there is
   * none) and their blurhash; the blurhash of every stored post's attachments. */
  "ALTER TABLE attachments ADD COLUMN blurhash TEXT;"
  "ALTER TABLE media ADD COLUMN preview_type TEXT;"
  "ALTER TABLE media ADD COLUMN preview_width INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE media ADD COLUMN preview_height INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE media ADD COLUMN blurhash TEXT;",

  /* 15: polls, the owner's and those of posts that reached us: their options with the votes
   * each has (and whether the owner chose it), when they close, how many accounts voted
   * (NULL when a remote poll does not say). Of the owner's polls, who voted what (one row per
   * account and option, so nobody votes twice), whether counts changed since the last Update
   * went out, and whether their end was told. Notifications gain the `poll` type, whose
   * account may be the owner (actor_id NULL): the notifications table is rebuilt. */
  "CREATE TABLE polls ("
  "  status_id INTEGER PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,"
  "  multiple INTEGER NOT NULL DEFAULT 0,"
  "  hide_totals INTEGER NOT NULL DEFAULT 0,"
  "  expires_at INTEGER NOT NULL DEFAULT 0,"
  "  voters_count INTEGER,"
  "  closed INTEGER NOT NULL DEFAULT 0,"
  "  changed INTEGER NOT NULL DEFAULT 0,"
  "  ended_told INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX polls_open ON polls (expires_at) WHERE ended_told = 0;"
  "CREATE TABLE poll_options ("
  "  status_id INTEGER NOT NULL REFERENCES polls (status_id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  title TEXT NOT NULL,"
  "  votes_count INTEGER NOT NULL DEFAULT 0,"
  "  own_vote INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (status_id, position)"
  ");"
  "CREATE TABLE poll_votes ("
  "  status_id INTEGER NOT NULL REFERENCES polls (status_id) ON DELETE CASCADE,"
  "  actor_id INTEGER NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  activity_uri TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (status_id, actor_id, position)"
  ");"
  "CREATE TABLE notifications_new ("
  "  id INTEGER PRIMARY KEY,"
  "  type TEXT NOT NULL CHECK (type IN ('mention', 'favourite', 'reblog', 'follow',"
  "    'follow_request', 'report', 'move', 'poll')),"
  "  actor_id INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE"
  "    CHECK (actor_id IS NOT NULL OR type = 'poll'),"
  "  status_uri TEXT,"
  "  activity_uri TEXT NOT NULL UNIQUE,"
  "  comment TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  target_actor_id INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  dismissed INTEGER NOT NULL DEFAULT 0"
  ");"
  "INSERT INTO notifications_new (id, type, actor_id, status_uri, activity_uri, comment,"
  "  created_at, target_actor_id, dismissed)"
  "  SELECT id, type, actor_id, status_uri, activity_uri, comment, created_at,"
  "  target_actor_id, dismissed FROM notifications;"
  "DROP TABLE notifications;"
  "ALTER TABLE notifications_new RENAME TO notifications;"
  "CREATE INDEX notifications_by_time ON notifications (created_at);",

  /* 16: the owner's reports of accounts (POST /api/v1/reports), with the posts they name; the
   * Flag's id when a copy went to the account's server. */
  "CREATE TABLE reports ("
  "  id INTEGER PRIMARY KEY,"
  "  actor_id INTEGER NOT NULL REFERENCES remote_actors (id) ON DELETE CASCADE,"
  "  comment TEXT NOT NULL DEFAULT '',"
  "  category TEXT NOT NULL DEFAULT 'other'"
  "    CHECK (category IN ('spam', 'legal', 'violation', 'other')),"
  "  flag_uri TEXT,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE report_statuses ("
  "  report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
  "  status_uri TEXT NOT NULL,"
  "  PRIMARY KEY (report_id, status_uri)"
  ");",
};

void
qtr_node_owner_free (QtrNodeOwner *owner)
{
  if (owner == NULL)
    return;
  g_free (owner->username);
  g_free (owner->display_name);
  g_free (owner->summary);
  g_strfreev (owner->also_known_as);
  g_free (owner->moved_to);
  g_strfreev (owner->fields);
  g_clear_object (&owner->key);
  g_free (owner);
}

static void
qtr_node_store_dispose (GObject *object)
{
  QtrNodeStore *self = QTR_NODE_STORE (object);

  g_clear_object (&self->db);

  G_OBJECT_CLASS (qtr_node_store_parent_class)->dispose (object);
}

static void
qtr_node_store_class_init (QtrNodeStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = qtr_node_store_dispose;

  /**
   * QtrNodeStore::changed:
   * @change: a #QtrStoreChange
   * @row: the post's or notification's row id
   * @visibility: (nullable): a deleted post's visibility
   *
   * A post or notification was written. Emitted by the writing function, maybe inside a
   * transaction: the row may yet be rolled back.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT,
                                   G_TYPE_INT64, G_TYPE_STRING);
}

static void
qtr_node_store_init (QtrNodeStore *self)
{
}

/**
 * qtr_node_store_open:
 * @path: the node.db file
 *
 * Opens (creating or upgrading) the node's database.
 */
QtrNodeStore *
qtr_node_store_open (const char  *path,
                     GError     **error)
{
  g_autoptr(QtrNodeStore) self = g_object_new (QTR_TYPE_NODE_STORE, NULL);

  self->db = qtr_db_open (path, migrations, G_N_ELEMENTS (migrations), error);
  if (self->db == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

QtrDb *
qtr_node_store_get_db (QtrNodeStore *self)
{
  g_return_val_if_fail (QTR_IS_NODE_STORE (self), NULL);
  return self->db;
}

/* The statement helpers of qtr-node-store-private.h. */

gint64
qtr_node_store_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Prepares @sql and binds ?1 to @row. */
sqlite3_stmt *
qtr_node_store_prepare_row (QtrNodeStore  *self,
                            const char    *sql,
                            gint64         row,
                            GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db, sql, error);

  if (stmt != NULL)
    sqlite3_bind_int64 (stmt, 1, row);
  return stmt;
}

/* Prepares @sql and binds ?1 to @text. */
sqlite3_stmt *
qtr_node_store_prepare_text (QtrNodeStore  *self,
                             const char    *sql,
                             const char    *text,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db, sql, error);

  if (stmt != NULL)
    qtr_db_bind_text (stmt, 1, text);
  return stmt;
}

/* Steps @stmt (bound), a statement that returns no rows. */
gboolean
qtr_node_store_run_done (QtrNodeStore  *self,
                         sqlite3_stmt  *stmt,
                         GError       **error)
{
  return stmt != NULL && qtr_db_step (self->db, stmt, error) == SQLITE_DONE;
}

/* The first column of the one row of @stmt (bound): @fallback when there is none, -1 on
 * failure with @error set. */
gint64
qtr_node_store_query_int64 (QtrNodeStore  *self,
                            sqlite3_stmt  *stmt,
                            gint64         fallback,
                            GError       **error)
{
  gint64 value;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = qtr_db_step (self->db, stmt, error);
  if (rc == SQLITE_DONE)
    return fallback;
  if (rc != SQLITE_ROW)
    return -1;
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

/* The text of the first column of the one row @stmt (bound) returns: %NULL when there is no
 * row (@error unset) or on failure (@error set). */
char *
qtr_node_store_query_text (QtrNodeStore  *self,
                           sqlite3_stmt  *stmt,
                           GError       **error)
{
  char *text;

  if (stmt == NULL || qtr_db_step (self->db, stmt, error) != SQLITE_ROW)
    return NULL;
  text = qtr_db_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);
  return text;
}

/* Gathers the first column of @stmt's rows as gint64s, or %NULL with @error set. */
GArray *
qtr_node_store_collect_ids (QtrNodeStore  *self,
                            sqlite3_stmt  *stmt,
                            GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&ids);
}

/* Gathers the first column of @stmt's rows as text, or %NULL with @error set. */
GStrv
qtr_node_store_collect_text (QtrNodeStore  *self,
                             sqlite3_stmt  *stmt,
                             GError       **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_strv_builder_end (builder);
}

/**
 * qtr_node_store_create_owner:
 * @key: the actor's key pair, with its private part
 *
 * Records the node's owner; a node has exactly one.
 */
gboolean
qtr_node_store_create_owner (QtrNodeStore  *self,
                             const char    *username,
                             const char    *display_name,
                             QtrKey        *key,
                             GError       **error)
{
  g_autofree char *private_pem = NULL;
  g_autofree char *public_pem = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (QTR_IS_NODE_STORE (self), FALSE);
  g_return_val_if_fail (qtr_key_has_private (key), FALSE);

  private_pem = qtr_key_export_private_pem (key, error);
  if (private_pem == NULL)
    return FALSE;
  public_pem = qtr_key_export_public_pem (key, error);
  if (public_pem == NULL)
    return FALSE;

  stmt = qtr_db_prepare (self->db,
                         "INSERT INTO owner (id, username, display_name, private_key_pem,"
                         " public_key_pem, created_at, updated_at)"
                         " VALUES (1, ?1, ?2, ?3, ?4, ?5, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, display_name ? display_name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, private_pem, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, public_pem, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  return qtr_db_step (self->db, stmt, error) == SQLITE_DONE;
}

/* The profile's fields are kept as a JSON array of {"name", "value"}, plain text. */
static GStrv
fields_from_json (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *field;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          field = json_node_get_object (element);
          g_strv_builder_add (builder,
                              json_object_get_string_member_with_default (field, "name", ""));
          g_strv_builder_add (builder,
                              json_object_get_string_member_with_default (field, "value", ""));
        }
    }
  return g_strv_builder_end (builder);
}

static char *
fields_to_json (const char * const *fields)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; fields != NULL && fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, fields[i]);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, fields[i + 1]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/**
 * qtr_node_store_load_owner:
 *
 * Returns: (transfer full): the owner, or %NULL with @error set (%QTR_DB_ERROR_FAILED when the
 *   node has none: it was not set up)
 */
QtrNodeOwner *
qtr_node_store_load_owner (QtrNodeStore  *self,
                           GError       **error)
{
  g_autoptr(QtrNodeOwner) owner = NULL;
  g_autofree char *private_pem = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QTR_IS_NODE_STORE (self), NULL);

  stmt = qtr_db_prepare (self->db,
                         "SELECT username, display_name, summary, private_key_pem, created_at,"
                         " updated_at, coalesce (avatar_id, 0), coalesce (header_id, 0),"
                         " also_known_as, moved_to, coalesce (deleted_at, 0), fields, bot,"
                         " discoverable"
                         " FROM owner WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;
  rc = qtr_db_step (self->db, stmt, error);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, QTR_DB_ERROR, QTR_DB_ERROR_FAILED,
                   "%s has no owner: set the node up with “quitter-node init”",
                   qtr_db_get_path (self->db));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    return NULL;

  owner = g_new0 (QtrNodeOwner, 1);
  owner->username = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  owner->display_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  owner->summary = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  private_pem = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  owner->created_at = sqlite3_column_int64 (stmt, 4);
  owner->updated_at = sqlite3_column_int64 (stmt, 5);
  owner->avatar_id = sqlite3_column_int64 (stmt, 6);
  owner->header_id = sqlite3_column_int64 (stmt, 7);
  owner->also_known_as = g_strsplit ((const char *) sqlite3_column_text (stmt, 8), "\n", -1);
  owner->moved_to = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  owner->deleted_at = sqlite3_column_int64 (stmt, 10);
  owner->fields = fields_from_json ((const char *) sqlite3_column_text (stmt, 11));
  owner->bot = sqlite3_column_int (stmt, 12) != 0;
  owner->discoverable = sqlite3_column_int (stmt, 13) != 0;
  sqlite3_reset (stmt);

  owner->key = qtr_key_new_from_private_pem (private_pem, -1, error);
  if (owner->key == NULL)
    return NULL;
  return g_steal_pointer (&owner);
}

void
qtr_remote_actor_free (QtrRemoteActor *actor)
{
  if (actor == NULL)
    return;
  g_free (actor->uri);
  g_free (actor->host);
  g_free (actor->username);
  g_free (actor->display_name);
  g_free (actor->inbox);
  g_free (actor->shared_inbox);
  g_free (actor->key_id);
  g_free (actor->public_key_pem);
  g_free (actor->document);
  g_free (actor->followers);
  g_free (actor);
}

void
qtr_delivery_job_free (QtrDeliveryJob *job)
{
  if (job == NULL)
    return;
  g_free (job->inbox);
  g_free (job->host);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job);
}

/* The first column of the first row of @sql, or -1 with @error set. */
static gint64
query_int64 (QtrNodeStore  *self,
             const char    *sql,
             GError       **error)
{
  return qtr_node_store_query_int64 (self, qtr_db_prepare (self->db, sql, error), -1, error);
}

/**
 * qtr_node_store_save_remote_actor:
 *
 * Inserts the actor, or updates the row of the same id (uri).
 *
 * Returns: the actor's row id, or -1 with @error set
 */
gint64
qtr_node_store_save_remote_actor (QtrNodeStore          *self,
                                  const QtrRemoteActor  *actor,
                                  GError               **error)
{
  sqlite3_stmt *stmt;

  stmt = qtr_db_prepare (self->db,
                         "INSERT INTO remote_actors (uri, host, username, display_name, inbox,"
                         " shared_inbox, key_id, public_key_pem, document, fetched_at,"
                         " followers)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                         " ON CONFLICT (uri) DO UPDATE SET host = ?2, username = ?3,"
                         " display_name = ?4, inbox = ?5, shared_inbox = ?6, key_id = ?7,"
                         " public_key_pem = ?8, document = ?9, fetched_at = ?10,"
                         " followers = ?11 RETURNING id", error);
  if (stmt == NULL)
    return -1;
  qtr_db_bind_text (stmt, 1, actor->uri);
  qtr_db_bind_text (stmt, 2, actor->host);
  qtr_db_bind_text (stmt, 3, actor->username ? actor->username : "");
  qtr_db_bind_text (stmt, 4, actor->display_name ? actor->display_name : "");
  qtr_db_bind_text (stmt, 5, actor->inbox);
  qtr_db_bind_text (stmt, 6, actor->shared_inbox);
  qtr_db_bind_text (stmt, 7, actor->key_id);
  qtr_db_bind_text (stmt, 8, actor->public_key_pem);
  qtr_db_bind_text (stmt, 9, actor->document);
  sqlite3_bind_int64 (stmt, 10, actor->fetched_at ? actor->fetched_at : qtr_node_store_now ());
  qtr_db_bind_text (stmt, 11, actor->followers);
  if (qtr_db_step (self->db, stmt, error) != SQLITE_ROW)
    return -1;
  {
    gint64 row = sqlite3_column_int64 (stmt, 0);
    sqlite3_reset (stmt);
    return row;
  }
}

static QtrRemoteActor *read_remote_actor (QtrNodeStore  *self,
                                          sqlite3_stmt  *stmt,
                                          GError       **error);

/**
 * qtr_node_store_find_remote_actor:
 * @column: "uri", "key_id" or "handle" (@value is then `user@host`, the user name compared
 *   ignoring case); by row id: qtr_node_store_find_remote_actor_by_row()
 *
 * Returns: (transfer full) (nullable): the actor, or %NULL when unknown (@error unset) or on
 *   failure (@error set)
 */
QtrRemoteActor *
qtr_node_store_find_remote_actor (QtrNodeStore  *self,
                                  const char    *column,
                                  const char    *value,
                                  GError       **error)
{
  static const char *by_uri =
    "SELECT id, uri, host, username, display_name, inbox, shared_inbox, key_id,"
    " public_key_pem, document, fetched_at, followers FROM remote_actors WHERE uri = ?1";
  static const char *by_key =
    "SELECT id, uri, host, username, display_name, inbox, shared_inbox, key_id,"
    " public_key_pem, document, fetched_at, followers FROM remote_actors WHERE key_id = ?1"
    " ORDER BY fetched_at DESC LIMIT 1";
  static const char *by_handle =
    "SELECT id, uri, host, username, display_name, inbox, shared_inbox, key_id,"
    " public_key_pem, document, fetched_at, followers FROM remote_actors"
    " WHERE username = ?1 COLLATE NOCASE AND host = ?2 ORDER BY fetched_at DESC LIMIT 1";
  gboolean handle = g_str_equal (column, "handle");
  sqlite3_stmt *stmt;

  g_return_val_if_fail (g_str_equal (column, "uri") || g_str_equal (column, "key_id") ||
                        handle, NULL);

  stmt = qtr_db_prepare (self->db,
                         handle ? by_handle : g_str_equal (column, "uri") ? by_uri : by_key,
                         error);
  if (stmt == NULL)
    return NULL;
  if (handle)
    {
      const char *at = strrchr (value, '@');

      if (at == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, value, (int) (at - value), SQLITE_TRANSIENT);
      qtr_db_bind_text (stmt, 2, at + 1);
    }
  else
    qtr_db_bind_text (stmt, 1, value);
  return read_remote_actor (self, stmt, error);
}

/**
 * qtr_node_store_find_remote_actor_by_row:
 * @row: the actor's row id, as in #QtrStatus's @actor_row
 *
 * Returns: (transfer full) (nullable): the actor, or %NULL when there is none (@error unset)
 *   or on failure (@error set)
 */
QtrRemoteActor *
qtr_node_store_find_remote_actor_by_row (QtrNodeStore  *self,
                                         gint64         row,
                                         GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT id, uri, host, username, display_name, inbox,"
                                       " shared_inbox, key_id, public_key_pem, document,"
                                       " fetched_at, followers FROM remote_actors"
                                       " WHERE id = ?1", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, row);
  return read_remote_actor (self, stmt, error);
}

/* Steps @stmt, a SELECT of remote_actors' columns in their order, once. */
static QtrRemoteActor *
read_remote_actor (QtrNodeStore  *self,
                   sqlite3_stmt  *stmt,
                   GError       **error)
{
  QtrRemoteActor *actor;

  if (qtr_db_step (self->db, stmt, error) != SQLITE_ROW)
    return NULL;

  actor = g_new0 (QtrRemoteActor, 1);
  actor->row = sqlite3_column_int64 (stmt, 0);
  actor->uri = qtr_db_column_dup_text (stmt, 1);
  actor->host = qtr_db_column_dup_text (stmt, 2);
  actor->username = qtr_db_column_dup_text (stmt, 3);
  actor->display_name = qtr_db_column_dup_text (stmt, 4);
  actor->inbox = qtr_db_column_dup_text (stmt, 5);
  actor->shared_inbox = qtr_db_column_dup_text (stmt, 6);
  actor->key_id = qtr_db_column_dup_text (stmt, 7);
  actor->public_key_pem = qtr_db_column_dup_text (stmt, 8);
  actor->document = qtr_db_column_dup_text (stmt, 9);
  actor->fetched_at = sqlite3_column_int64 (stmt, 10);
  actor->followers = qtr_db_column_dup_text (stmt, 11);
  sqlite3_reset (stmt);
  return actor;
}

/**
 * qtr_node_store_add_activity:
 * @uri: the activity's id
 * @body: the activity as JSON, as it is delivered and served
 *
 * Returns: the activity's row id, or -1 with @error set
 */
gint64
qtr_node_store_add_activity (QtrNodeStore  *self,
                             const char    *uri,
                             const char    *type,
                             const char    *object_uri,
                             const char    *body,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO activities (uri, type, object_uri, body,"
                                       " published) VALUES (?1, ?2, ?3, ?4, ?5)", error);

  if (stmt == NULL)
    return -1;
  qtr_db_bind_text (stmt, 1, uri);
  qtr_db_bind_text (stmt, 2, type);
  qtr_db_bind_text (stmt, 3, object_uri);
  qtr_db_bind_text (stmt, 4, body);
  sqlite3_bind_int64 (stmt, 5, qtr_node_store_now ());
  if (qtr_db_step (self->db, stmt, error) != SQLITE_DONE)
    return -1;
  return sqlite3_last_insert_rowid (qtr_db_get_handle (self->db));
}

/**
 * qtr_node_store_get_activity_body:
 *
 * Returns: (transfer full) (nullable): the JSON of our activity @uri, or %NULL when there is
 *   none (@error unset) or on failure (@error set)
 */
char *
qtr_node_store_get_activity_body (QtrNodeStore  *self,
                                  const char    *uri,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db, "SELECT body FROM activities WHERE uri = ?1",
                                       error);
  char *body;

  if (stmt == NULL)
    return NULL;
  qtr_db_bind_text (stmt, 1, uri);
  if (qtr_db_step (self->db, stmt, error) != SQLITE_ROW)
    return NULL;
  body = qtr_db_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);
  return body;
}

/**
 * qtr_node_store_queue_delivery:
 * @inbox: where to deliver; the same activity is queued once per inbox
 * @not_before: the first attempt's time (Unix seconds)
 */
gboolean
qtr_node_store_queue_delivery (QtrNodeStore  *self,
                               gint64         activity_row,
                               const char    *inbox,
                               gint64         not_before,
                               GError       **error)
{
  g_autoptr(GUri) uri = g_uri_parse (inbox, G_URI_FLAGS_ENCODED, NULL);
  sqlite3_stmt *stmt;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, QTR_DB_ERROR, QTR_DB_ERROR_CONSTRAINT,
                   "“%s” is not an inbox URL", inbox);
      return FALSE;
    }

  stmt = qtr_db_prepare (self->db,
                         "INSERT INTO deliveries (activity_id, inbox, host, next_attempt_at,"
                         " created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                         " ON CONFLICT (activity_id, inbox) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, activity_row);
  qtr_db_bind_text (stmt, 2, inbox);
  qtr_db_bind_text (stmt, 3, g_uri_get_host (uri));
  sqlite3_bind_int64 (stmt, 4, not_before);
  sqlite3_bind_int64 (stmt, 5, qtr_node_store_now ());
  return qtr_db_step (self->db, stmt, error) == SQLITE_DONE;
}

/**
 * qtr_node_store_due_deliveries:
 * @now: Unix seconds
 * @per_host: at most this many jobs of one host, so that a host with a backlog cannot fill
 *   the batch and hold up the others
 *
 * Returns: (transfer full) (element-type QtrDeliveryJob): the jobs due at @now, oldest first,
 *   or %NULL with @error set
 */
GPtrArray *
qtr_node_store_due_deliveries (QtrNodeStore  *self,
                               gint64         now,
                               guint          limit,
                               guint          per_host,
                               GError       **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_delivery_job_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = qtr_db_prepare (self->db,
                         "SELECT d.id, d.inbox, d.host, d.attempts, d.created_at, a.body"
                         " FROM (SELECT *, row_number () OVER (PARTITION BY host"
                         "         ORDER BY next_attempt_at, id) AS place"
                         "       FROM deliveries WHERE next_attempt_at <= ?1) d"
                         " JOIN activities a ON a.id = d.activity_id"
                         " WHERE d.place <= ?3 ORDER BY d.next_attempt_at, d.id"
                         " LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, per_host);

  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      QtrDeliveryJob *job = g_new0 (QtrDeliveryJob, 1);

      job->row = sqlite3_column_int64 (stmt, 0);
      job->inbox = qtr_db_column_dup_text (stmt, 1);
      job->host = qtr_db_column_dup_text (stmt, 2);
      job->attempts = (guint) sqlite3_column_int (stmt, 3);
      job->created_at = sqlite3_column_int64 (stmt, 4);
      job->body = g_bytes_new (sqlite3_column_blob (stmt, 5), sqlite3_column_bytes (stmt, 5));
      g_ptr_array_add (jobs, job);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&jobs);
}

/**
 * qtr_node_store_finish_delivery:
 *
 * Removes a job: delivered, or failed for good.
 */
gboolean
qtr_node_store_finish_delivery (QtrNodeStore  *self,
                                gint64         row,
                                GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db, "DELETE FROM deliveries WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row);
  return qtr_db_step (self->db, stmt, error) == SQLITE_DONE;
}

/**
 * qtr_node_store_postpone_delivery:
 * @not_before: the time the server asked us to wait for (Retry-After), or 0
 *
 * Counts a failed attempt and sets the next one.
 */
gboolean
qtr_node_store_postpone_delivery (QtrNodeStore  *self,
                                  gint64         row,
                                  gint64         next_attempt_at,
                                  gint64         not_before,
                                  const char    *last_error,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "UPDATE deliveries SET attempts = attempts + 1,"
                                       " next_attempt_at = ?2, last_error = ?3,"
                                       " not_before = ?4 WHERE id = ?1",
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row);
  sqlite3_bind_int64 (stmt, 2, next_attempt_at);
  qtr_db_bind_text (stmt, 3, last_error);
  sqlite3_bind_int64 (stmt, 4, not_before);
  return qtr_db_step (self->db, stmt, error) == SQLITE_DONE;
}

/**
 * qtr_node_store_next_delivery_at:
 *
 * Returns: when the next job is due (Unix seconds), 0 when the queue is empty, -1 on failure
 */
gint64
qtr_node_store_next_delivery_at (QtrNodeStore  *self,
                                 GError       **error)
{
  return query_int64 (self, "SELECT coalesce (min (next_attempt_at), 0) FROM deliveries",
                      error);
}

/**
 * qtr_node_store_hurry_deliveries:
 *
 * Makes every waiting job due at @now (the network came back, the node restarted: there is
 * no point waiting for our backoff), except that a server's Retry-After is still honoured.
 */
gboolean
qtr_node_store_hurry_deliveries (QtrNodeStore  *self,
                                 gint64         now,
                                 GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "UPDATE deliveries SET next_attempt_at = max (?1, not_before)"
                                       " WHERE next_attempt_at > max (?1, not_before)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  return qtr_db_step (self->db, stmt, error) == SQLITE_DONE;
}

/**
 * qtr_node_store_count_deliveries:
 *
 * Returns: how many jobs wait in the queue, or -1 on failure
 */
gint64
qtr_node_store_count_deliveries (QtrNodeStore  *self,
                                 GError       **error)
{
  return query_int64 (self, "SELECT count (*) FROM deliveries", error);
}

void
qtr_inbox_entry_free (QtrInboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_pointer (&entry->body, g_bytes_unref);
  g_free (entry);
}

/**
 * qtr_node_store_add_inbox_activity:
 *
 * Stores an incoming activity before it is acknowledged. One that was received before (the
 * same id) is not stored twice, and that is no error.
 */
gboolean
qtr_node_store_add_inbox_activity (QtrNodeStore  *self,
                                   const char    *activity_uri,
                                   const char    *actor_uri,
                                   GBytes        *body,
                                   GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO inbox (activity_uri, actor_uri, body,"
                                       " received_at) VALUES (?1, ?2, ?3, ?4)"
                                       " ON CONFLICT (activity_uri) DO NOTHING", error);
  gsize length;
  const char *data;

  if (stmt == NULL)
    return FALSE;
  data = g_bytes_get_data (body, &length);
  qtr_db_bind_text (stmt, 1, activity_uri);
  qtr_db_bind_text (stmt, 2, actor_uri);
  sqlite3_bind_text (stmt, 3, data, (int) length, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_pending_inbox:
 *
 * Returns: (transfer full) (element-type QtrInboxEntry): activities not processed yet, oldest
 *   first, or %NULL with @error set
 */
GPtrArray *
qtr_node_store_pending_inbox (QtrNodeStore  *self,
                              guint          limit,
                              GError       **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_inbox_entry_free);
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT id, body FROM inbox WHERE processed_at IS NULL"
                                       " ORDER BY id LIMIT ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      QtrInboxEntry *entry = g_new0 (QtrInboxEntry, 1);

      entry->row = sqlite3_column_int64 (stmt, 0);
      entry->body = g_bytes_new (sqlite3_column_text (stmt, 1), sqlite3_column_bytes (stmt, 1));
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&entries);
}

/**
 * qtr_node_store_finish_inbox:
 * @error_text: (nullable): why processing failed, kept for the owner to read
 */
gboolean
qtr_node_store_finish_inbox (QtrNodeStore  *self,
                             gint64         row,
                             const char    *error_text,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "UPDATE inbox SET processed_at = ?2, error = ?3"
                                       " WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row);
  sqlite3_bind_int64 (stmt, 2, qtr_node_store_now ());
  qtr_db_bind_text (stmt, 3, error_text);
  return qtr_node_store_run_done (self, stmt, error);
}

gboolean
qtr_node_store_add_follower (QtrNodeStore  *self,
                             gint64         actor_row,
                             const char    *follow_uri,
                             gboolean       accepted,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO followers (actor_id, follow_uri, accepted,"
                                       " created_at) VALUES (?1, ?2, ?3, ?4)"
                                       " ON CONFLICT (actor_id) DO UPDATE SET follow_uri = ?2,"
                                       " accepted = max (accepted, ?3)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  qtr_db_bind_text (stmt, 2, follow_uri);
  sqlite3_bind_int (stmt, 3, accepted);
  sqlite3_bind_int64 (stmt, 4, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_remove_follower:
 * @follow_uri: (nullable): remove only if this is the id of the actor's Follow
 */
gboolean
qtr_node_store_remove_follower (QtrNodeStore  *self,
                                gint64         actor_row,
                                const char    *follow_uri,
                                GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "DELETE FROM followers WHERE actor_id = ?1"
                                       " AND (?2 IS NULL OR follow_uri = ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  qtr_db_bind_text (stmt, 2, follow_uri);
  return qtr_node_store_run_done (self, stmt, error);
}

gboolean
qtr_node_store_add_following (QtrNodeStore  *self,
                              gint64         actor_row,
                              const char    *follow_uri,
                              GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO following (actor_id, follow_uri, accepted,"
                                       " created_at) VALUES (?1, ?2, 0, ?3)"
                                       " ON CONFLICT (actor_id) DO UPDATE SET follow_uri = ?2,"
                                       " accepted = 0", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  qtr_db_bind_text (stmt, 2, follow_uri);
  sqlite3_bind_int64 (stmt, 3, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_update_following:
 * @accepted: %TRUE to mark the follow accepted, %FALSE to remove it (rejected, undone)
 *
 * Acts only when @follow_uri is the follow we sent to the actor of @actor_row.
 */
gboolean
qtr_node_store_update_following (QtrNodeStore  *self,
                                 gint64         actor_row,
                                 const char    *follow_uri,
                                 gboolean       accepted,
                                 GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       accepted
                                       ? "UPDATE following SET accepted = 1"
                                         " WHERE actor_id = ?1 AND follow_uri = ?2"
                                       : "DELETE FROM following"
                                         " WHERE actor_id = ?1 AND follow_uri = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  qtr_db_bind_text (stmt, 2, follow_uri);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_count_follows:
 * @table: "followers" or "following"
 *
 * Returns: the count, or -1 with @error set
 */
gint64
qtr_node_store_count_follows (QtrNodeStore  *self,
                              const char    *table,
                              gboolean       accepted_only,
                              GError       **error)
{
  gboolean followers = g_str_equal (table, "followers");
  const char *sql = followers
    ? (accepted_only ? "SELECT count (*) FROM followers WHERE accepted = 1"
                     : "SELECT count (*) FROM followers")
    : (accepted_only ? "SELECT count (*) FROM following WHERE accepted = 1"
                     : "SELECT count (*) FROM following");

  return query_int64 (self, sql, error);
}

/**
 * qtr_node_store_failing_hosts:
 *
 * Returns: (transfer full): "host (N waiting, last error: …)" for each host whose deliveries
 *   failed at least once, or %NULL with @error set
 */
GStrv
qtr_node_store_failing_hosts (QtrNodeStore  *self,
                              GError       **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT host, count (*), max (attempts),"
                                       " (SELECT last_error FROM deliveries e"
                                       "  WHERE e.host = d.host AND e.last_error IS NOT NULL"
                                       "  ORDER BY e.id DESC LIMIT 1)"
                                       " FROM deliveries d WHERE attempts > 0"
                                       " GROUP BY host ORDER BY host", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      g_autofree char *line =
                         g_strdup_printf ("%s\t%" G_GINT64_FORMAT "\t%d\t%s",
                                          sqlite3_column_text (stmt, 0),
                                          (gint64) sqlite3_column_int64 (stmt, 1),
                                          sqlite3_column_int (stmt, 2),
                                          sqlite3_column_text (stmt, 3)
                                          ? (const char *) sqlite3_column_text (stmt, 3) : "");
      g_strv_builder_add (builder, line);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_strv_builder_end (builder);
}

/**
 * qtr_node_store_delivery_hosts:
 *
 * Returns: (transfer full) (element-type QtrDeliveryHost): the hosts that deliveries wait
 *   for, those that failed most first, or %NULL with @error set
 */
GPtrArray *
qtr_node_store_delivery_hosts (QtrNodeStore  *self,
                               GError       **error)
{
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_delivery_host_free);
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT host, count (*), max (attempts),"
                                       " (SELECT last_error FROM deliveries e"
                                       "  WHERE e.host = d.host AND e.last_error IS NOT NULL"
                                       "  ORDER BY e.id DESC LIMIT 1),"
                                       " min (max (next_attempt_at, not_before))"
                                       " FROM deliveries d"
                                       " GROUP BY host ORDER BY max (attempts) DESC, host", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      QtrDeliveryHost *host = g_new0 (QtrDeliveryHost, 1);

      host->host = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      host->waiting = sqlite3_column_int64 (stmt, 1);
      host->attempts = (guint) sqlite3_column_int (stmt, 2);
      host->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      host->next_attempt_at = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (hosts, host);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&hosts);
}

/**
 * qtr_node_store_forget_actor:
 *
 * Removes an actor of another server, and with it its follows both ways (deleted accounts).
 */
gboolean
qtr_node_store_forget_actor (QtrNodeStore  *self,
                             gint64         actor_row,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db, "DELETE FROM remote_actors WHERE id = ?1",
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_get_following_uri:
 *
 * Returns: (transfer full) (nullable): the id of our Follow of that actor, %NULL when we do
 *   not follow it (@error unset) or on failure (@error set)
 */
char *
qtr_node_store_get_following_uri (QtrNodeStore  *self,
                                  gint64         actor_row,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT follow_uri FROM following WHERE actor_id = ?1",
                                       error);
  char *uri;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  if (qtr_db_step (self->db, stmt, error) != SQLITE_ROW)
    return NULL;
  uri = qtr_db_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);
  return uri;
}

/**
 * qtr_node_store_remove_following:
 *
 * Forgets that we follow that actor (unfollowed, or blocked by it).
 */
gboolean
qtr_node_store_remove_following (QtrNodeStore  *self,
                                 gint64         actor_row,
                                 GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db, "DELETE FROM following WHERE actor_id = ?1",
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_follower_inboxes:
 *
 * Returns: (transfer full): where to deliver to every accepted follower: each server's
 *   shared inbox once, or a follower's own inbox where its server has none; %NULL with @error
 *   set on failure
 */
GStrv
qtr_node_store_follower_inboxes (QtrNodeStore  *self,
                                 GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT DISTINCT coalesce (a.shared_inbox, a.inbox)"
                                       " FROM followers f JOIN remote_actors a"
                                       " ON a.id = f.actor_id WHERE f.accepted = 1"
                                       " ORDER BY 1", error);

  return qtr_node_store_collect_text (self, stmt, error);
}

/* Replaces the attachments of post @status_id with @attachments (nullable). */
static gboolean
save_attachments (QtrNodeStore  *self,
                  gint64         status_id,
                  GPtrArray     *attachments,
                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db, "DELETE FROM attachments WHERE status_id = ?1",
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, status_id);
  if (!qtr_node_store_run_done (self, stmt, error))
    return FALSE;

  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      QtrAttachment *attachment = g_ptr_array_index (attachments, i);

      stmt = qtr_db_prepare (self->db,
                             "INSERT INTO attachments (status_id, position, type, url,"
                             " media_type, description, width, height, blurhash)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, status_id);
      sqlite3_bind_int (stmt, 2, (int) i);
      sqlite3_bind_int (stmt, 3, attachment->type);
      qtr_db_bind_text (stmt, 4, attachment->url);
      qtr_db_bind_text (stmt, 5, attachment->media_type);
      qtr_db_bind_text (stmt, 6, attachment->description);
      sqlite3_bind_int64 (stmt, 7, attachment->width);
      sqlite3_bind_int64 (stmt, 8, attachment->height);
      qtr_db_bind_text (stmt, 9, attachment->blurhash);
      if (!qtr_node_store_run_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * qtr_node_store_add_status:
 * @status: the post; @status->id 0 lets the store pick one
 *
 * Stores a post once (by its uri), with its attachments; a post already stored is left as it
 * is.
 */
gboolean
qtr_node_store_add_status (QtrNodeStore     *self,
                           const QtrStatus  *status,
                           GError          **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO statuses (id, uri, url, actor_id,"
                                       " in_reply_to_uri, content, summary, sensitive,"
                                       " language, visibility, published, updated, document,"
                                       " reblog_of_id)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                                       " ?12, ?13, ?14) ON CONFLICT (uri) DO NOTHING", error);
  gint64 row;

  if (stmt == NULL)
    return FALSE;
  if (status->id > 0)
    sqlite3_bind_int64 (stmt, 1, status->id);
  else
    sqlite3_bind_null (stmt, 1);
  qtr_db_bind_text (stmt, 2, status->uri);
  qtr_db_bind_text (stmt, 3, status->url);
  if (status->actor_row > 0)
    sqlite3_bind_int64 (stmt, 4, status->actor_row);
  else
    sqlite3_bind_null (stmt, 4);
  qtr_db_bind_text (stmt, 5, status->in_reply_to);
  qtr_db_bind_text (stmt, 6, status->content);
  qtr_db_bind_text (stmt, 7, status->summary);
  sqlite3_bind_int (stmt, 8, status->sensitive);
  qtr_db_bind_text (stmt, 9, status->language);
  qtr_db_bind_text (stmt, 10, status->visibility);
  sqlite3_bind_int64 (stmt, 11, status->published);
  if (status->updated > 0)
    sqlite3_bind_int64 (stmt, 12, status->updated);
  else
    sqlite3_bind_null (stmt, 12);
  qtr_db_bind_text (stmt, 13, status->document);
  if (status->reblog_of_id > 0)
    sqlite3_bind_int64 (stmt, 14, status->reblog_of_id);
  else
    sqlite3_bind_null (stmt, 14);
  if (!qtr_node_store_run_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (qtr_db_get_handle (self->db)) == 0)
    return TRUE;
  row = sqlite3_last_insert_rowid (qtr_db_get_handle (self->db));
  if (!save_attachments (self, row, status->attachments, error))
    return FALSE;
  emit_changed (self, QTR_STORE_STATUS_ADDED, row, NULL);
  return TRUE;
}

/**
 * qtr_node_store_update_status:
 *
 * Applies an edit to a stored post of @actor_row (0: the owner), attachments included; others'
 * posts are untouched. The version it replaces is kept (see
 * qtr_node_store_keep_status_version()).
 */
gboolean
qtr_node_store_update_status (QtrNodeStore     *self,
                              const QtrStatus  *status,
                              GError          **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  int rc;

  if (!qtr_node_store_keep_status_version (self, status, error))
    return FALSE;
  stmt = qtr_db_prepare (self->db,
                         "UPDATE statuses SET content = ?3, summary = ?4,"
                         " sensitive = ?5, language = ?6, updated = ?7,"
                         " document = ?8 WHERE uri = ?1"
                         " AND actor_id IS ?2 RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, status->uri);
  if (status->actor_row > 0)
    sqlite3_bind_int64 (stmt, 2, status->actor_row);
  else
    sqlite3_bind_null (stmt, 2);
  qtr_db_bind_text (stmt, 3, status->content);
  qtr_db_bind_text (stmt, 4, status->summary);
  sqlite3_bind_int (stmt, 5, status->sensitive);
  qtr_db_bind_text (stmt, 6, status->language);
  sqlite3_bind_int64 (stmt, 7, status->updated > 0 ? status->updated : qtr_node_store_now ());
  qtr_db_bind_text (stmt, 8, status->document);
  rc = qtr_db_step (self->db, stmt, error);
  if (rc == SQLITE_DONE)
    return TRUE;  /* no such post of that author */
  if (rc != SQLITE_ROW)
    return FALSE;
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (!save_attachments (self, id, status->attachments, error))
    return FALSE;
  emit_changed (self, QTR_STORE_STATUS_UPDATED, id, NULL);
  return TRUE;
}

/**
 * qtr_node_store_delete_status:
 * @actor_row: the author (0: the owner, whose deleted post leaves a tombstone)
 *
 * Returns: %TRUE when a post was deleted, %FALSE when none matched (@error unset) or on
 *   failure (@error set)
 */
gboolean
qtr_node_store_delete_status (QtrNodeStore  *self,
                              const char    *uri,
                              gint64         actor_row,
                              GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "DELETE FROM statuses WHERE uri = ?1 AND actor_id IS ?2"
                                       " RETURNING id, visibility", error);
  g_autofree char *visibility = NULL;
  gint64 row;
  int rc;

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, uri);
  if (actor_row > 0)
    sqlite3_bind_int64 (stmt, 2, actor_row);
  else
    sqlite3_bind_null (stmt, 2);
  rc = qtr_db_step (self->db, stmt, error);
  if (rc != SQLITE_ROW)
    return FALSE;  /* none matched (@error unset), or a failure */
  row = sqlite3_column_int64 (stmt, 0);
  visibility = qtr_db_column_dup_text (stmt, 1);
  if (qtr_db_step (self->db, stmt, error) != SQLITE_DONE)
    return FALSE;
  emit_changed (self, QTR_STORE_STATUS_DELETED, row, visibility);
  if (actor_row > 0)
    return TRUE;

  stmt = qtr_db_prepare (self->db,
                         "INSERT OR REPLACE INTO tombstones (uri, deleted_at) VALUES (?1, ?2)",
                         error);
  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, uri);
  sqlite3_bind_int64 (stmt, 2, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_find_status:
 *
 * Returns: (transfer full) (nullable): the post, %NULL when there is none (@error unset) or
 *   on failure (@error set); @deleted tells whether it is one of the owner's deleted posts
 */
QtrStatus *
qtr_node_store_find_status (QtrNodeStore  *self,
                            const char    *uri,
                            gboolean      *deleted,
                            GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT id, uri, url, coalesce (actor_id, 0),"
                                       " in_reply_to_uri, content, summary, sensitive,"
                                       " language, visibility, published,"
                                       " coalesce (updated, 0), document,"
                                       " coalesce (reblog_of_id, 0)"
                                       " FROM statuses WHERE uri = ?1", error);
  QtrStatus *status;
  int rc;

  if (deleted != NULL)
    *deleted = FALSE;
  if (stmt == NULL)
    return NULL;
  qtr_db_bind_text (stmt, 1, uri);
  rc = qtr_db_step (self->db, stmt, error);
  if (rc == SQLITE_DONE && deleted != NULL)
    {
      stmt = qtr_db_prepare (self->db, "SELECT 1 FROM tombstones WHERE uri = ?1", error);
      if (stmt == NULL)
        return NULL;
      qtr_db_bind_text (stmt, 1, uri);
      rc = qtr_db_step (self->db, stmt, error);
      *deleted = rc == SQLITE_ROW;
      if (rc == SQLITE_ROW)
        sqlite3_reset (stmt);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    return NULL;

  status = g_new0 (QtrStatus, 1);
  status->id = sqlite3_column_int64 (stmt, 0);
  status->uri = qtr_db_column_dup_text (stmt, 1);
  status->url = qtr_db_column_dup_text (stmt, 2);
  status->actor_row = sqlite3_column_int64 (stmt, 3);
  status->in_reply_to = qtr_db_column_dup_text (stmt, 4);
  status->content = qtr_db_column_dup_text (stmt, 5);
  status->summary = qtr_db_column_dup_text (stmt, 6);
  status->sensitive = sqlite3_column_int (stmt, 7);
  status->language = qtr_db_column_dup_text (stmt, 8);
  status->visibility = qtr_db_column_dup_text (stmt, 9);
  status->published = sqlite3_column_int64 (stmt, 10);
  status->updated = sqlite3_column_int64 (stmt, 11);
  status->document = qtr_db_column_dup_text (stmt, 12);
  status->reblog_of_id = sqlite3_column_int64 (stmt, 13);
  sqlite3_reset (stmt);
  status->attachments = qtr_node_store_get_attachments (self, status->id, error);
  if (status->attachments == NULL)
    {
      qtr_status_free (status);
      return NULL;
    }
  return status;
}

/**
 * qtr_node_store_count_statuses:
 * @local_only: count only the owner's posts
 *
 * Returns: the count, or -1 with @error set
 */
gint64
qtr_node_store_count_statuses (QtrNodeStore  *self,
                               gboolean       local_only,
                               GError       **error)
{
  return query_int64 (self,
                      local_only ? "SELECT count (*) FROM statuses WHERE actor_id IS NULL"
                                 : "SELECT count (*) FROM statuses",
                      error);
}

void
qtr_status_free (QtrStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->uri);
  g_free (status->url);
  g_free (status->in_reply_to);
  g_free (status->content);
  g_free (status->summary);
  g_free (status->language);
  g_free (status->visibility);
  g_free (status->document);
  g_clear_pointer (&status->attachments, g_ptr_array_unref);
  g_free (status);
}

/* Adds a notification; @target_row is the account a Move went to, 0 for none. */
static gboolean
insert_notification (QtrNodeStore  *self,
                     const char    *type,
                     gint64         actor_row,
                     gint64         target_row,
                     const char    *status_uri,
                     const char    *activity_uri,
                     const char    *comment,
                     GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO notifications (type, actor_id,"
                                       " target_actor_id, status_uri, activity_uri, comment,"
                                       " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                                       " ON CONFLICT (activity_uri) DO NOTHING", error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, type);
  /* Only a poll's end may be told of as the owner's (actor_row 0). */
  if (actor_row > 0)
    sqlite3_bind_int64 (stmt, 2, actor_row);
  else
    sqlite3_bind_null (stmt, 2);
  if (target_row > 0)
    sqlite3_bind_int64 (stmt, 3, target_row);
  else
    sqlite3_bind_null (stmt, 3);
  qtr_db_bind_text (stmt, 4, status_uri);
  qtr_db_bind_text (stmt, 5, activity_uri);
  qtr_db_bind_text (stmt, 6, comment);
  sqlite3_bind_int64 (stmt, 7, qtr_node_store_now ());
  if (!qtr_node_store_run_done (self, stmt, error))
    return FALSE;
  /* Only a notification really added is announced (the same activity notifies once). */
  if (sqlite3_changes (qtr_db_get_handle (self->db)) > 0)
    emit_changed (self, QTR_STORE_NOTIFICATION_ADDED,
                  sqlite3_last_insert_rowid (qtr_db_get_handle (self->db)), NULL);
  return TRUE;
}

/**
 * qtr_node_store_add_notification:
 * @type: mention, favourite, reblog, follow, follow_request, report or poll
 * @actor_row: who caused it; 0 (the owner) only for a poll of the owner's that ended
 * @status_uri: (nullable): the post it is about
 * @activity_uri: the activity that caused it; the same activity notifies once
 * @comment: (nullable): a report's comment
 */
gboolean
qtr_node_store_add_notification (QtrNodeStore  *self,
                                 const char    *type,
                                 gint64         actor_row,
                                 const char    *status_uri,
                                 const char    *activity_uri,
                                 const char    *comment,
                                 GError       **error)
{
  return insert_notification (self, type, actor_row, 0, status_uri, activity_uri, comment,
                              error);
}

/**
 * qtr_node_store_remove_notification:
 * @activity_uri: the undone activity
 * @actor_row: who undid it: only its own activity is removed
 */
gboolean
qtr_node_store_remove_notification (QtrNodeStore  *self,
                                    const char    *activity_uri,
                                    gint64         actor_row,
                                    GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "DELETE FROM notifications WHERE activity_uri = ?1"
                                       " AND actor_id = ?2", error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, activity_uri);
  sqlite3_bind_int64 (stmt, 2, actor_row);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_lease_deliveries:
 * @jobs: (element-type QtrDeliveryJob): jobs a delivery queue takes
 * @until: when they fall due again if the queue never finishes them (a crash)
 *
 * Takes jobs out of the due ones, in one transaction, so that the next reading of the queue
 * returns others.
 */
gboolean
qtr_node_store_lease_deliveries (QtrNodeStore  *self,
                                 GPtrArray     *jobs,
                                 gint64         until,
                                 GError       **error)
{
  sqlite3_stmt *stmt;

  if (jobs->len == 0)
    return TRUE;
  if (!qtr_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < jobs->len; i++)
    {
      QtrDeliveryJob *job = g_ptr_array_index (jobs, i);

      stmt = qtr_db_prepare (self->db, "UPDATE deliveries SET next_attempt_at = ?2"
                                       " WHERE id = ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, job->row);
      sqlite3_bind_int64 (stmt, 2, until);
      if (!qtr_node_store_run_done (self, stmt, error))
        goto failed;
    }
  return qtr_db_commit (self->db, error);

failed:
  qtr_db_rollback (self->db);
  return FALSE;
}

/**
 * qtr_node_store_outbox_page:
 * @max_id: only posts older than this one (0: the newest)
 * @limit: how many at most
 * @with_private: include the followers-only posts (for a follower's signed fetch)
 *
 * Returns: (transfer full) (element-type QtrStatus): the owner's public and unlisted posts
 *   (and followers-only ones with @with_private), newest first, each with @document set to its Create activity; %NULL with @error set on
 *   failure
 */
GPtrArray *
qtr_node_store_outbox_page (QtrNodeStore  *self,
                            gint64         max_id,
                            guint          limit,
                            gboolean       with_private,
                            GError       **error)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_status_free);
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT s.id, a.body FROM statuses s"
                                       " JOIN activities a ON a.uri = CASE"
                                       " WHEN s.reblog_of_id IS NULL THEN s.uri || '/activity'"
                                       " ELSE s.uri END"
                                       " WHERE s.actor_id IS NULL"
                                       " AND (s.visibility IN ('public', 'unlisted')"
                                       "  OR (?3 AND s.visibility = 'private'))"
                                       " AND (?1 = 0 OR s.id < ?1)"
                                       " ORDER BY s.id DESC LIMIT ?2", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, max_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int (stmt, 3, with_private);
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      QtrStatus *status = g_new0 (QtrStatus, 1);

      status->id = sqlite3_column_int64 (stmt, 0);
      status->document = qtr_db_column_dup_text (stmt, 1);
      g_ptr_array_add (page, status);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&page);
}

/**
 * qtr_node_store_count_outbox:
 * @with_private: count the followers-only posts too
 *
 * Returns: how many public and unlisted posts the owner has, or -1 with @error set
 */
gint64
qtr_node_store_count_outbox (QtrNodeStore  *self,
                             gboolean       with_private,
                             GError       **error)
{
  return query_int64 (self,
                      with_private
                      ? "SELECT count (*) FROM statuses WHERE actor_id IS NULL"
                        " AND visibility IN ('public', 'unlisted', 'private')"
                      : "SELECT count (*) FROM statuses WHERE actor_id IS NULL"
                        " AND visibility IN ('public', 'unlisted')", error);
}

/**
 * qtr_node_store_get_max_status_id:
 *
 * Returns: the largest post id stored (0 when none), or -1 with @error set
 */
gint64
qtr_node_store_get_max_status_id (QtrNodeStore  *self,
                                  GError       **error)
{
  return query_int64 (self, "SELECT coalesce (max (id), 0) FROM statuses", error);
}

/**
 * qtr_node_store_get_attachments:
 * @status_id: a stored post's id
 *
 * Returns: (transfer full) (element-type QtrAttachment): the post's media in order (none for
 *   a post without), or %NULL with @error set
 */
GPtrArray *
qtr_node_store_get_attachments (QtrNodeStore  *self,
                                gint64         status_id,
                                GError       **error)
{
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func (
    (GDestroyNotify) qtr_attachment_free);
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT type, url, media_type, description, width, height,"
                                       " blurhash FROM attachments WHERE status_id = ?1"
                                       " ORDER BY position", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, status_id);
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      QtrAttachment *attachment = g_new0 (QtrAttachment, 1);

      attachment->type = sqlite3_column_int (stmt, 0);
      attachment->url = qtr_db_column_dup_text (stmt, 1);
      attachment->media_type = qtr_db_column_dup_text (stmt, 2);
      attachment->description = qtr_db_column_dup_text (stmt, 3);
      attachment->width = sqlite3_column_int64 (stmt, 4);
      attachment->height = sqlite3_column_int64 (stmt, 5);
      attachment->blurhash = qtr_db_column_dup_text (stmt, 6);
      g_ptr_array_add (attachments, attachment);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&attachments);
}

/**
 * qtr_node_store_save_profile:
 * @owner: the owner, as it is to be stored (the key and the name are not changed)
 *
 * Stores the owner's profile and marks it updated now.
 */
gboolean
qtr_node_store_save_profile (QtrNodeStore        *self,
                             const QtrNodeOwner  *owner,
                             GError             **error)
{
  g_autofree char *aliases = g_strjoinv ("\n", owner->also_known_as);
  g_autofree char *fields = fields_to_json ((const char * const *) owner->fields);
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "UPDATE owner SET display_name = ?1, summary = ?2,"
                                       " avatar_id = ?3, header_id = ?4, also_known_as = ?5,"
                                       " moved_to = ?6, updated_at = ?7, fields = ?8, bot = ?9,"
                                       " discoverable = ?10 WHERE id = 1", error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, owner->display_name);
  qtr_db_bind_text (stmt, 2, owner->summary);
  if (owner->avatar_id > 0)
    sqlite3_bind_int64 (stmt, 3, owner->avatar_id);
  else
    sqlite3_bind_null (stmt, 3);
  if (owner->header_id > 0)
    sqlite3_bind_int64 (stmt, 4, owner->header_id);
  else
    sqlite3_bind_null (stmt, 4);
  qtr_db_bind_text (stmt, 5, aliases);
  qtr_db_bind_text (stmt, 6, owner->moved_to);
  sqlite3_bind_int64 (stmt, 7, owner->updated_at);
  qtr_db_bind_text (stmt, 8, fields);
  sqlite3_bind_int (stmt, 9, owner->bot ? 1 : 0);
  sqlite3_bind_int (stmt, 10, owner->discoverable ? 1 : 0);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_add_media:
 * @media: the media's row; its url is not stored (the node derives it)
 */
gboolean
qtr_node_store_add_media (QtrNodeStore    *self,
                          const QtrMedia  *media,
                          GError         **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO media (id, media_type, size, width, height,"
                                       " description, created_at, preview_type,"
                                       " preview_width, preview_height, blurhash)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, media->id);
  qtr_db_bind_text (stmt, 2, media->media_type);
  sqlite3_bind_int64 (stmt, 3, media->size);
  sqlite3_bind_int64 (stmt, 4, media->width);
  sqlite3_bind_int64 (stmt, 5, media->height);
  qtr_db_bind_text (stmt, 6, media->description ? media->description : "");
  sqlite3_bind_int64 (stmt, 7, media->created_at);
  qtr_db_bind_text (stmt, 8, media->preview_type);
  sqlite3_bind_int64 (stmt, 9, media->preview_width);
  sqlite3_bind_int64 (stmt, 10, media->preview_height);
  qtr_db_bind_text (stmt, 11, media->blurhash);
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_find_media:
 *
 * Returns: (transfer full) (nullable): the media (its url unset), %NULL when there is none
 *   (@error unset) or on failure (@error set)
 */
QtrMedia *
qtr_node_store_find_media (QtrNodeStore  *self,
                           gint64         id,
                           GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT media_type, size, width, height, description,"
                                       " created_at, coalesce (status_id, 0), preview_type,"
                                       " preview_width, preview_height, blurhash"
                                       " FROM media WHERE id = ?1", error);
  QtrMedia *media;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (qtr_db_step (self->db, stmt, error) != SQLITE_ROW)
    return NULL;
  media = g_new0 (QtrMedia, 1);
  media->id = id;
  media->media_type = qtr_db_column_dup_text (stmt, 0);
  media->size = sqlite3_column_int64 (stmt, 1);
  media->width = (guint) sqlite3_column_int64 (stmt, 2);
  media->height = (guint) sqlite3_column_int64 (stmt, 3);
  media->description = qtr_db_column_dup_text (stmt, 4);
  media->created_at = sqlite3_column_int64 (stmt, 5);
  media->status_id = sqlite3_column_int64 (stmt, 6);
  media->preview_type = qtr_db_column_dup_text (stmt, 7);
  media->preview_width = (guint) sqlite3_column_int64 (stmt, 8);
  media->preview_height = (guint) sqlite3_column_int64 (stmt, 9);
  media->blurhash = qtr_db_column_dup_text (stmt, 10);
  sqlite3_reset (stmt);
  return media;
}

/**
 * qtr_node_store_list_post_media:
 * @status_id: one of the owner's posts
 *
 * Returns: (transfer full) (element-type gint64): the ids of the media attached to the post,
 *   oldest first, or %NULL with @error set
 */
GArray *
qtr_node_store_list_post_media (QtrNodeStore  *self,
                                gint64         status_id,
                                GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT id FROM media WHERE status_id = ?1 ORDER BY id",
                                       error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, status_id);
  return qtr_node_store_collect_ids (self, stmt, error);
}

/**
 * qtr_node_store_set_media_description:
 *
 * Returns: %TRUE when the media exists and was changed, %FALSE when there is none (@error
 *   unset) or on failure (@error set)
 */
gboolean
qtr_node_store_set_media_description (QtrNodeStore  *self,
                                      gint64         id,
                                      const char    *description,
                                      GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "UPDATE media SET description = ?2 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  qtr_db_bind_text (stmt, 2, description ? description : "");
  return qtr_node_store_run_done (self, stmt, error)
         && sqlite3_changes (qtr_db_get_handle (self->db)) == 1;
}

/**
 * qtr_node_store_attach_media:
 *
 * Marks the media as attached to post @status_id (an edit may attach it again).
 *
 * Returns: %TRUE when it is attached to @status_id now, %FALSE when it is missing or
 *   attached to another post (@error unset) or on failure (@error set)
 */
gboolean
qtr_node_store_attach_media (QtrNodeStore  *self,
                             gint64         id,
                             gint64         status_id,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "UPDATE media SET status_id = ?2 WHERE id = ?1"
                                       " AND (status_id IS NULL OR status_id = ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, status_id);
  return qtr_node_store_run_done (self, stmt, error)
         && sqlite3_changes (qtr_db_get_handle (self->db)) == 1;
}

/**
 * qtr_node_store_delete_media:
 *
 * Deletes the row of media @id if it is attached to no post.
 *
 * Returns: %TRUE when it was deleted, %FALSE when it is missing or attached (@error unset) or
 *   on failure (@error set)
 */
gboolean
qtr_node_store_delete_media (QtrNodeStore  *self,
                             gint64         id,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "DELETE FROM media WHERE id = ?1 AND status_id IS NULL",
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return qtr_node_store_run_done (self, stmt, error)
         && sqlite3_changes (qtr_db_get_handle (self->db)) == 1;
}

/**
 * qtr_node_store_add_move_notification:
 * @actor_row: the followed account that moved
 * @target_row: the account it moved to
 * @activity_uri: the Move
 */
gboolean
qtr_node_store_add_move_notification (QtrNodeStore  *self,
                                      gint64         actor_row,
                                      gint64         target_row,
                                      const char    *activity_uri,
                                      GError       **error)
{
  return insert_notification (self, "move", actor_row, target_row, NULL, activity_uri, NULL,
                              error);
}

/**
 * qtr_node_store_get_deleted_at:
 *
 * Returns: when the owner deleted the account, 0 while it lives, -1 with @error set
 */
gint64
qtr_node_store_get_deleted_at (QtrNodeStore  *self,
                               GError       **error)
{
  return query_int64 (self, "SELECT coalesce (deleted_at, 0) FROM owner WHERE id = 1", error);
}

/**
 * qtr_node_store_mark_deleted:
 *
 * Marks the owner's account deleted at @when (the profile's time with it, so that a running
 * node notices) and revokes every token of the client API.
 */
gboolean
qtr_node_store_mark_deleted (QtrNodeStore  *self,
                             gint64         when,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "UPDATE owner SET deleted_at = ?1, updated_at = ?1"
                                       " WHERE id = 1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, when);
  if (!qtr_node_store_run_done (self, stmt, error))
    return FALSE;
  stmt = qtr_db_prepare (self->db, "DELETE FROM oauth_tokens", error);
  return stmt != NULL && qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_known_inboxes:
 *
 * Returns: (transfer full): the inbox of every account the node knows, one per server where
 *   servers have a shared inbox, or %NULL with @error set
 */
GStrv
qtr_node_store_known_inboxes (QtrNodeStore  *self,
                              GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT DISTINCT coalesce (shared_inbox, inbox)"
                                       " FROM remote_actors ORDER BY 1", error);

  return qtr_node_store_collect_text (self, stmt, error);
}

/**
 * qtr_node_store_get_data_version:
 *
 * Returns: sqlite's `PRAGMA data_version`: it changes when another connection (another
 *   process, such as the command line beside a running node) commits to node.db, and only
 *   then; -1 with @error set
 */
gint64
qtr_node_store_get_data_version (QtrNodeStore  *self,
                                 GError       **error)
{
  return query_int64 (self, "PRAGMA data_version", error);
}

/**
 * qtr_node_store_get_profile_time:
 *
 * Returns: when the owner's profile last changed (Unix seconds), or -1 with @error set
 */
gint64
qtr_node_store_get_profile_time (QtrNodeStore  *self,
                                 GError       **error)
{
  return query_int64 (self, "SELECT updated_at FROM owner WHERE id = 1", error);
}

void
qtr_pending_move_free (QtrPendingMove *move)
{
  if (move == NULL)
    return;
  g_free (move->activity_uri);
  g_free (move->target);
  g_free (move->origin);
  g_free (move);
}

/**
 * qtr_node_store_add_pending_move:
 * @activity_uri: the Move
 * @origin_row: the account that moves, one we follow
 * @target: the id of the account it moves to
 *
 * Keeps a Move until its target is checked. The same Move is kept once.
 */
gboolean
qtr_node_store_add_pending_move (QtrNodeStore  *self,
                                 const char    *activity_uri,
                                 gint64         origin_row,
                                 const char    *target,
                                 GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO pending_moves (activity_uri, origin_id,"
                                       " target, received_at) VALUES (?1, ?2, ?3, ?4)"
                                       " ON CONFLICT (activity_uri) DO NOTHING", error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, activity_uri);
  sqlite3_bind_int64 (stmt, 2, origin_row);
  qtr_db_bind_text (stmt, 3, target);
  sqlite3_bind_int64 (stmt, 4, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_take_pending_move:
 *
 * Removes a Move once checked.
 *
 * Returns: %TRUE when it was still waiting, %FALSE when it was not (@error unset) or on
 *   failure (@error set)
 */
gboolean
qtr_node_store_take_pending_move (QtrNodeStore  *self,
                                  const char    *activity_uri,
                                  GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "DELETE FROM pending_moves WHERE activity_uri = ?1",
                                       error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, activity_uri);
  return qtr_node_store_run_done (self, stmt, error)
         && sqlite3_changes (qtr_db_get_handle (self->db)) == 1;
}

/**
 * qtr_node_store_pending_moves:
 *
 * Returns: (transfer full) (element-type QtrPendingMove): the Moves waiting to be checked,
 *   oldest first, or %NULL with @error set
 */
GPtrArray *
qtr_node_store_pending_moves (QtrNodeStore  *self,
                              GError       **error)
{
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func (
    (GDestroyNotify) qtr_pending_move_free);
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT m.activity_uri, m.origin_id, m.target, a.uri"
                                       " FROM pending_moves m JOIN remote_actors a"
                                       " ON a.id = m.origin_id ORDER BY m.received_at", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = qtr_db_step (self->db, stmt, error)) == SQLITE_ROW)
    {
      QtrPendingMove *move = g_new0 (QtrPendingMove, 1);

      move->activity_uri = qtr_db_column_dup_text (stmt, 0);
      move->origin_row = sqlite3_column_int64 (stmt, 1);
      move->target = qtr_db_column_dup_text (stmt, 2);
      move->origin = qtr_db_column_dup_text (stmt, 3);
      g_ptr_array_add (moves, move);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&moves);
}

/**
 * qtr_node_store_find_reblog:
 * @actor_row: the booster (0: the owner)
 * @status_row: the boosted post's row id
 *
 * Returns: (transfer full) (nullable): the uri of @actor_row's reblog of the post (its
 *   Announce's id), %NULL when there is none (@error unset) or on failure (@error set)
 */
char *
qtr_node_store_find_reblog (QtrNodeStore  *self,
                            gint64         actor_row,
                            gint64         status_row,
                            GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT uri FROM statuses WHERE reblog_of_id = ?1"
                                       " AND actor_id IS ?2", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, status_row);
  if (actor_row > 0)
    sqlite3_bind_int64 (stmt, 2, actor_row);
  else
    sqlite3_bind_null (stmt, 2);
  return qtr_node_store_query_text (self, stmt, error);
}

/**
 * qtr_node_store_add_like:
 * @status_uri: the liked post
 * @activity_uri: the id of the Like sent for it
 *
 * Records that the owner likes a post.
 */
gboolean
qtr_node_store_add_like (QtrNodeStore  *self,
                         const char    *status_uri,
                         const char    *activity_uri,
                         GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO likes (status_uri, activity_uri, created_at)"
                                       " VALUES (?1, ?2, ?3)", error);

  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, status_uri);
  qtr_db_bind_text (stmt, 2, activity_uri);
  sqlite3_bind_int64 (stmt, 3, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_get_like:
 *
 * Returns: (transfer full) (nullable): the id of the owner's Like of @status_uri; %NULL when
 *   the owner does not like it (@error unset) or on failure (@error set)
 */
char *
qtr_node_store_get_like (QtrNodeStore  *self,
                         const char    *status_uri,
                         GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_text (self, "SELECT activity_uri FROM likes"
                                                    " WHERE status_uri = ?1", status_uri, error);

  return qtr_node_store_query_text (self, stmt, error);
}

gboolean
qtr_node_store_remove_like (QtrNodeStore  *self,
                            const char    *status_uri,
                            GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_text (self, "DELETE FROM likes WHERE status_uri = ?1",
                                                    status_uri, error);

  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_add_block:
 * @activity_uri: the id of the Block sent
 *
 * Records that the owner blocks an actor.
 */
gboolean
qtr_node_store_add_block (QtrNodeStore  *self,
                          gint64         actor_row,
                          const char    *activity_uri,
                          GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "INSERT INTO blocks (actor_id, activity_uri, created_at)"
                                       " VALUES (?1, ?2, ?3)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor_row);
  qtr_db_bind_text (stmt, 2, activity_uri);
  sqlite3_bind_int64 (stmt, 3, qtr_node_store_now ());
  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_get_block:
 *
 * Returns: (transfer full) (nullable): the id of the owner's Block of the actor; %NULL when
 *   it is not blocked (@error unset) or on failure (@error set)
 */
char *
qtr_node_store_get_block (QtrNodeStore  *self,
                          gint64         actor_row,
                          GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "SELECT activity_uri FROM blocks"
                                                   " WHERE actor_id = ?1", actor_row, error);

  return qtr_node_store_query_text (self, stmt, error);
}

gboolean
qtr_node_store_remove_block (QtrNodeStore  *self,
                             gint64         actor_row,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "DELETE FROM blocks WHERE actor_id = ?1",
                                                   actor_row, error);

  return qtr_node_store_run_done (self, stmt, error);
}

/**
 * qtr_node_store_is_blocked:
 * @column: "uri" (an actor's id), "key_id" (a key it signs with) or "inbox" (its own inbox)
 *
 * Returns: whether the owner blocks the actor that @value names; %FALSE also on failure, with
 *   @error set
 */
gboolean
qtr_node_store_is_blocked (QtrNodeStore  *self,
                           const char    *column,
                           const char    *value,
                           GError       **error)
{
  /* CROSS JOIN keeps blocks as the outer loop: the owner blocks few accounts, while a fan-out
   * asks once per inbox of thousands of known actors (remote_actors.inbox has no index). */
  static const char *by_uri =
    "SELECT count (*) FROM blocks b CROSS JOIN remote_actors a ON a.id = b.actor_id"
    " WHERE a.uri = ?1";
  static const char *by_key =
    "SELECT count (*) FROM blocks b CROSS JOIN remote_actors a ON a.id = b.actor_id"
    " WHERE a.key_id = ?1";
  static const char *by_inbox =
    "SELECT count (*) FROM blocks b CROSS JOIN remote_actors a ON a.id = b.actor_id"
    " WHERE a.inbox = ?1";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (g_str_equal (column, "uri") || g_str_equal (column, "key_id") ||
                        g_str_equal (column, "inbox"), FALSE);

  stmt = qtr_db_prepare (self->db,
                         g_str_equal (column, "uri") ? by_uri
                         : g_str_equal (column, "key_id") ? by_key : by_inbox, error);
  if (stmt == NULL)
    return FALSE;
  qtr_db_bind_text (stmt, 1, value);
  return qtr_node_store_query_int64 (self, stmt, 0, error) > 0;
}

/**
 * qtr_node_store_list_blocks:
 *
 * Returns: (transfer full): the ids of the actors the owner blocks, newest block first, or
 *   %NULL with @error set
 */
GStrv
qtr_node_store_list_blocks (QtrNodeStore  *self,
                            GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       "SELECT a.uri FROM blocks b JOIN remote_actors a"
                                       " ON a.id = b.actor_id"
                                       " ORDER BY b.created_at DESC, b.actor_id DESC", error);

  return qtr_node_store_collect_text (self, stmt, error);
}

/**
 * qtr_node_store_is_follower:
 *
 * Returns: whether the actor follows the owner, accepted; %FALSE also on failure, with
 *   @error set
 */
gboolean
qtr_node_store_is_follower (QtrNodeStore  *self,
                            gint64         actor_row,
                            GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "SELECT count (*) FROM followers"
                                                   " WHERE actor_id = ?1 AND accepted = 1",
                                                   actor_row, error);

  return qtr_node_store_query_int64 (self, stmt, 0, error) > 0;
}

/**
 * qtr_node_store_list_follows:
 * @table: "followers" or "following"
 * @offset: how many to skip
 * @limit: how many at most
 *
 * Returns: (transfer full): the ids of the actors of accepted follows, newest follow first, or
 *   %NULL with @error set
 */
GStrv
qtr_node_store_list_follows (QtrNodeStore  *self,
                             const char    *table,
                             gint64         offset,
                             guint          limit,
                             GError       **error)
{
  sqlite3_stmt *stmt = qtr_db_prepare (self->db,
                                       g_str_equal (table, "followers")
                                       ? "SELECT a.uri FROM followers f JOIN remote_actors a"
                                         " ON a.id = f.actor_id WHERE f.accepted = 1"
                                         " ORDER BY f.created_at DESC, f.actor_id DESC"
                                         " LIMIT ?2 OFFSET ?1"
                                       : "SELECT a.uri FROM following f JOIN remote_actors a"
                                         " ON a.id = f.actor_id WHERE f.accepted = 1"
                                         " ORDER BY f.created_at DESC, f.actor_id DESC"
                                         " LIMIT ?2 OFFSET ?1", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, offset);
  sqlite3_bind_int64 (stmt, 2, limit);
  return qtr_node_store_collect_text (self, stmt, error);
}

/**
 * qtr_node_store_get_last_seen:
 *
 * Returns: when the node last told the store it was running (Unix seconds), 0 when never, or
 *   -1 with @error set
 */
gint64
qtr_node_store_get_last_seen (QtrNodeStore  *self,
                              GError       **error)
{
  return query_int64 (self, "SELECT coalesce ((SELECT last_seen FROM heartbeat), 0)", error);
}

/**
 * qtr_node_store_set_last_seen:
 * @when: Unix seconds
 *
 * Records that the node was running at @when.
 */
gboolean
qtr_node_store_set_last_seen (QtrNodeStore  *self,
                              gint64         when,
                              GError       **error)
{
  sqlite3_stmt *stmt = qtr_node_store_prepare_row (self, "INSERT INTO heartbeat (id, last_seen)"
                                                   " VALUES (1, ?1) ON CONFLICT (id)"
                                                   " DO UPDATE SET last_seen = ?1", when, error);

  return qtr_node_store_run_done (self, stmt, error);
}
