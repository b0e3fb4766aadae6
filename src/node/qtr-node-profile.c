/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include <string.h>

#include "qtr-html.h"
#include "qtr-json.h"

/* The owner's profile: its edits, stored and announced to every follower's server with an
 * Update{Person} in one transaction; and the aliases (alsoKnownAs) that let an account move
 * here from elsewhere. */

#define AS_CONTEXT "https://www.w3.org/ns/activitystreams"

/* Mastodon's limits, so that the profile reads the same there. */
#define MAX_DISPLAY_NAME 30
#define MAX_SUMMARY 500
#define MAX_ALIASES 20

/* Looking an account up: WebFinger for a handle, then its actor from its own host. */

typedef struct {
  JsonObject  *json;
  QtrActorDoc *doc;
} FetchedActor;

static void
fetched_actor_free (FetchedActor *fetched)
{
  g_clear_pointer (&fetched->json, json_object_unref);
  g_clear_pointer (&fetched->doc, qtr_actor_doc_unref);
  g_free (fetched);
}

static void
actor_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GError) error = NULL;
  FetchedActor *fetched;
  QtrActorDoc *doc;

  json = qtr_fetcher_fetch_object_finish (QTR_FETCHER (source), result, &error);
  if (json == NULL || (doc = qtr_actor_doc_parse (json, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  fetched = g_new0 (FetchedActor, 1);
  fetched->json = g_steal_pointer (&json);
  fetched->doc = doc;
  g_task_return_pointer (task, fetched, (GDestroyNotify) fetched_actor_free);
}

static void
actor_found_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *actor_url = qtr_fetcher_webfinger_finish (QTR_FETCHER (source), result,
                                                             &error);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (actor_url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  qtr_fetcher_fetch_object_async (QTR_FETCHER (source), actor_url, cancellable,
                                  actor_fetched_cb, g_steal_pointer (&task));
}

/**
 * qtr_node_fetch_actor_async:
 * @handle: `@user@host`, or an actor's id (http or https URL)
 *
 * Looks an account up: by WebFinger for a handle, then its actor document from its own host.
 */
void
qtr_node_fetch_actor_async (QtrNode             *node,
                            const char          *handle,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (node, cancellable, callback, user_data);
  QtrFetcher *fetcher = qtr_node_get_fetcher (node);

  g_task_set_source_tag (task, qtr_node_fetch_actor_async);
  if (g_str_has_prefix (handle, "https://") || g_str_has_prefix (handle, "http://"))
    qtr_fetcher_fetch_object_async (fetcher, handle, cancellable, actor_fetched_cb,
                                    g_steal_pointer (&task));
  else
    qtr_fetcher_webfinger_async (fetcher, handle, cancellable, actor_found_cb,
                                 g_steal_pointer (&task));
}

/**
 * qtr_node_fetch_actor_finish:
 * @json: (out) (optional) (transfer full): the document as fetched
 *
 * Returns: (transfer full): the actor, parsed, or %NULL with @error set
 */
QtrActorDoc *
qtr_node_fetch_actor_finish (QtrNode       *node,
                             GAsyncResult  *result,
                             JsonObject   **json,
                             GError       **error)
{
  FetchedActor *fetched = g_task_propagate_pointer (G_TASK (result), error);
  QtrActorDoc *doc;

  if (fetched == NULL)
    return NULL;
  if (json != NULL)
    *json = g_steal_pointer (&fetched->json);
  doc = g_steal_pointer (&fetched->doc);
  fetched_actor_free (fetched);
  return doc;
}

/**
 * qtr_node_format_field_value:
 * @value: a profile field's value, plain text
 *
 * Returns: (transfer full): @value as the HTML Mastodon publishes: escaped, a web address
 *   made a link
 */
char *
qtr_node_format_field_value (const char *value)
{
  if ((g_str_has_prefix (value, "https://") || g_str_has_prefix (value, "http://")) &&
      strpbrk (value, " \t\r\n") == NULL)
    return g_markup_printf_escaped ("<a href=\"%s\" target=\"_blank\" "
                                    "rel=\"nofollow noopener noreferrer me\">%s</a>",
                                    value, value);
  return g_markup_escape_text (value, -1);
}

/* Storing a profile and announcing it. */

/**
 * qtr_node_copy_profile:
 *
 * Returns: (transfer full): the owner's profile without the key, to change and pass to
 *   qtr_node_save_profile(); its time is now
 */
QtrNodeOwner *
qtr_node_copy_profile (const QtrNodeOwner *owner)
{
  QtrNodeOwner *copy = g_new0 (QtrNodeOwner, 1);

  copy->username = g_strdup (owner->username);
  copy->display_name = g_strdup (owner->display_name);
  copy->summary = g_strdup (owner->summary);
  copy->created_at = owner->created_at;
  copy->updated_at = g_get_real_time () / G_USEC_PER_SEC;
  copy->avatar_id = owner->avatar_id;
  copy->header_id = owner->header_id;
  copy->also_known_as = g_strdupv (owner->also_known_as);
  copy->moved_to = g_strdup (owner->moved_to);
  copy->fields = g_strdupv (owner->fields);
  copy->bot = owner->bot;
  copy->discoverable = owner->discoverable;
  return copy;
}

typedef struct {
  QtrNode            *node;
  const QtrNodeOwner *profile;
  JsonObject         *extra;
} ProfileTransaction;

static gboolean
save_profile_in_transaction (QtrDb    *db,
                             gpointer  user_data,
                             GError  **error)
{
  ProfileTransaction *tx = user_data;
  g_autofree char *actor = qtr_node_get_actor_url (tx->node);
  g_autofree char *id = g_strdup_printf ("%s#updates/%" G_GINT64_FORMAT, actor,
                                         g_get_real_time ());
  g_autoptr(JsonObject) update = json_object_new ();
  g_autoptr(JsonNode) person = NULL;
  g_auto(GStrv) inboxes = NULL;
  JsonArray *context = json_array_new ();
  JsonArray *to = json_array_new ();

  json_array_add_string_element (context, AS_CONTEXT);
  json_array_add_string_element (context, "https://w3id.org/security/v1");
  json_object_set_array_member (update, "@context", context);
  json_object_set_string_member (update, "id", id);
  json_object_set_string_member (update, "type", "Update");
  json_object_set_string_member (update, "actor", actor);
  json_array_add_string_element (to, "https://www.w3.org/ns/activitystreams#Public");
  json_object_set_array_member (update, "to", to);

  /* The node's own copy of the owner follows the store, so that the person is built from
   * what was just stored. */
  if (!qtr_node_store_save_profile (qtr_node_get_store (tx->node), tx->profile, error) ||
      !qtr_node_reload_owner (tx->node, error))
    return FALSE;
  person = qtr_node_build_person (tx->node);
  if (person == NULL)
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                           "The profile cannot be built: the actor's key cannot be exported");
      return FALSE;
    }
  json_object_remove_member (json_node_get_object (person), "@context");
  json_object_set_member (update, "object", g_steal_pointer (&person));

  inboxes = qtr_node_store_follower_inboxes (qtr_node_get_store (tx->node), error);
  if (inboxes == NULL ||
      !qtr_node_queue_activity (tx->node, update, (const char * const *) inboxes, error))
    return FALSE;
  return tx->extra == NULL ||
         qtr_node_queue_activity (tx->node, tx->extra, (const char * const *) inboxes, error);
}

/**
 * qtr_node_save_profile:
 * @profile: the owner's profile as it is to be
 * @extra: (nullable): an activity for the followers' servers too, after the Update (a Move)
 *
 * Stores the profile and queues an Update{Person} (and @extra) for every follower's server,
 * in one transaction; then starts delivering.
 */
gboolean
qtr_node_save_profile (QtrNode             *node,
                       const QtrNodeOwner  *profile,
                       JsonObject          *extra,
                       GError             **error)
{
  ProfileTransaction tx = { node, profile, extra };

  if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                           save_profile_in_transaction, &tx, error))
    {
      /* Rolled back: the profile in memory goes back to what is stored. */
      qtr_node_reload_owner (node, NULL);
      return FALSE;
    }
  qtr_node_kick_deliveries (node);
  return TRUE;
}

static gboolean
check_image (QtrNode     *node,
             gint64       id,
             const char  *what,
             GError     **error)
{
  g_autoptr(QtrMedia) media = NULL;

  if (id <= 0)
    return TRUE;
  media = qtr_node_find_media (node, id, error);
  if (media == NULL)
    return FALSE;
  if (!qtr_media_is_image (media->media_type))
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID_MEDIA,
                   "The %s must be an image; media %" G_GINT64_FORMAT " is %s", what, id,
                   media->media_type);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_fields (const char * const  *fields,
              GError             **error)
{
  guint count;

  if (fields == NULL)
    return TRUE;
  count = g_strv_length ((GStrv) fields);
  if (count % 2 != 0)
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                           "Every profile field needs a name and a value");
      return FALSE;
    }
  if (count / 2 > QTR_PROFILE_MAX_FIELDS)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "A profile may have at most %d fields", QTR_PROFILE_MAX_FIELDS);
      return FALSE;
    }
  for (guint i = 0; i < count; i++)
    {
      if (!g_utf8_validate (fields[i], -1, NULL))
        {
          g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                               "A profile field is not valid UTF-8");
          return FALSE;
        }
      if (g_utf8_strlen (fields[i], -1) > QTR_PROFILE_MAX_FIELD_LENGTH)
        {
          g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                       "The names and values of profile fields may be at most %d characters "
                       "long", QTR_PROFILE_MAX_FIELD_LENGTH);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * qtr_node_check_profile_edit:
 * @edit: a change of the owner's profile
 *
 * Checks @edit as qtr_node_update_profile() does, without changing anything: callers that
 * store files for it (profile images) check first.
 *
 * Returns: %TRUE when qtr_node_update_profile() would take @edit; else %FALSE with @error set
 *   (%QTR_NODE_ERROR_INVALID, or an error of the media store for the images)
 */
gboolean
qtr_node_check_profile_edit (QtrNode               *node,
                             const QtrProfileEdit  *edit,
                             GError               **error)
{
  if (edit->display_name != NULL && g_utf8_strlen (edit->display_name, -1) > MAX_DISPLAY_NAME)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "The display name may be at most %d characters long", MAX_DISPLAY_NAME);
      return FALSE;
    }
  if (edit->summary != NULL && g_utf8_strlen (edit->summary, -1) > MAX_SUMMARY)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                   "The profile text may be at most %d characters long", MAX_SUMMARY);
      return FALSE;
    }
  if ((edit->display_name != NULL && !g_utf8_validate (edit->display_name, -1, NULL)) ||
      (edit->summary != NULL && !g_utf8_validate (edit->summary, -1, NULL)))
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                           "The profile text is not valid UTF-8");
      return FALSE;
    }
  if (!check_image (node, edit->avatar_id, "avatar", error) ||
      !check_image (node, edit->header_id, "header", error) ||
      !check_fields (edit->fields, error))
    return FALSE;
  return TRUE;
}

/**
 * qtr_node_update_profile:
 * @edit: what changes
 *
 * Changes the owner's profile: display name, profile text (plain text, linked as posts are),
 * avatar and header (images of the media store), whether follows wait for approval, the
 * profile's fields (PropertyValue attachments of the actor), and the bot and discoverable
 * flags. The
 * profile is stored and an Update{Person} goes to every follower's server (one per server).
 */
gboolean
qtr_node_update_profile (QtrNode               *node,
                         const QtrProfileEdit  *edit,
                         GError               **error)
{
  g_autoptr(QtrNodeOwner) profile = qtr_node_copy_profile (qtr_node_get_owner (node));
  QtrNodeConfig *config = qtr_node_get_config (node);
  gboolean changed_approval = FALSE;

  if (!qtr_node_check_profile_edit (node, edit, error))
    return FALSE;
  if (edit->display_name != NULL)
    {
      g_free (profile->display_name);
      profile->display_name = g_strstrip (g_strdup (edit->display_name));
    }
  if (edit->summary != NULL)
    {
      g_autofree char *tag_base = g_strconcat (qtr_node_get_base_url (node), "/tags/", NULL);
      QtrHtmlComposeOptions options = { tag_base, NULL, NULL };

      g_free (profile->summary);
      profile->summary = strspn (edit->summary, " \t\r\n") == strlen (edit->summary)
                         ? g_strdup ("") : qtr_html_from_text (edit->summary, &options, NULL);
    }
  if (edit->avatar_id != 0)
    profile->avatar_id = MAX (edit->avatar_id, 0);
  if (edit->header_id != 0)
    profile->header_id = MAX (edit->header_id, 0);
  if (edit->fields != NULL)
    {
      g_autoptr(GStrvBuilder) fields = g_strv_builder_new ();

      /* A field without a name is no field: Mastodon drops those too. */
      for (guint i = 0; edit->fields[i] != NULL && edit->fields[i + 1] != NULL; i += 2)
        {
          g_autofree char *name = g_strstrip (g_strdup (edit->fields[i]));
          g_autofree char *value = g_strstrip (g_strdup (edit->fields[i + 1]));

          if (*name == '\0')
            continue;
          g_strv_builder_add (fields, name);
          g_strv_builder_add (fields, value);
        }
      g_strfreev (profile->fields);
      profile->fields = g_strv_builder_end (fields);
    }
  if (edit->set_bot)
    profile->bot = edit->bot;
  if (edit->set_discoverable)
    profile->discoverable = edit->discoverable;

  if (edit->set_manual_approval && config->manual_approval != edit->manual_approval)
    {
      config->manual_approval = edit->manual_approval;
      if (!qtr_node_save_config (node, error))
        {
          config->manual_approval = !edit->manual_approval;
          return FALSE;
        }
      changed_approval = TRUE;
    }
  if (qtr_node_save_profile (node, profile, NULL, error))
    return TRUE;
  /* node.conf goes back to what the stored profile says. */
  if (changed_approval)
    {
      config->manual_approval = !edit->manual_approval;
      qtr_node_save_config (node, NULL);
    }
  return FALSE;
}

/* Aliases. */

static void
alias_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrNode *node = QTR_NODE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(QtrActorDoc) doc = qtr_node_fetch_actor_finish (node, result, &json, &error);
  g_autofree char *our_actor = qtr_node_get_actor_url (node);
  g_autoptr(QtrNodeOwner) profile = NULL;
  g_autoptr(GStrvBuilder) aliases = NULL;

  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_str_equal (doc->id, our_actor))
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                               "%s is this account itself, not another name of it", doc->id);
      return;
    }

  /* Known by its handle from then on, for `alias remove`. */
  if (doc->public_keys->len > 0 &&
      qtr_node_remember_actor (node, json, doc, g_ptr_array_index (doc->public_keys, 0),
                               &error) < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  profile = qtr_node_copy_profile (qtr_node_get_owner (node));
  if (g_strv_contains ((const char * const *) profile->also_known_as, doc->id))
    {
      g_task_return_pointer (task, g_strdup (doc->id), g_free);
      return;
    }
  if (g_strv_length (profile->also_known_as) >= MAX_ALIASES)
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_INVALID,
                               "An account may have at most %d aliases: remove one first",
                               MAX_ALIASES);
      return;
    }
  aliases = g_strv_builder_new ();
  g_strv_builder_addv (aliases, (const char **) profile->also_known_as);
  g_strv_builder_add (aliases, doc->id);
  g_strfreev (profile->also_known_as);
  profile->also_known_as = g_strv_builder_end (aliases);
  if (!qtr_node_save_profile (node, profile, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_strdup (doc->id), g_free);
}

/**
 * qtr_node_add_alias_async:
 * @handle: `@user@host` or the actor's id of another account of the owner
 *
 * Adds the account (looked up by WebFinger, its actor fetched from its own host) to the
 * owner's aliases (alsoKnownAs), so that it may move here; followers' servers get an Update.
 */
void
qtr_node_add_alias_async (QtrNode             *node,
                          const char          *handle,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (node, cancellable, callback, user_data);

  g_task_set_source_tag (task, qtr_node_add_alias_async);
  qtr_node_fetch_actor_async (node, handle, cancellable, alias_fetched_cb, task);
}

/**
 * qtr_node_add_alias_finish:
 *
 * Returns: (transfer full): the alias's actor id, or %NULL with @error set
 */
char *
qtr_node_add_alias_finish (QtrNode       *node,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qtr_node_remove_alias:
 * @handle_or_url: the alias's actor id, or `@user@host` of an account this node knows
 *
 * Removes an alias; followers' servers get an Update.
 *
 * Returns: (transfer full): the removed alias's actor id, or %NULL with @error set
 */
char *
qtr_node_remove_alias (QtrNode     *node,
                       const char  *handle_or_url,
                       GError     **error)
{
  g_autoptr(QtrNodeOwner) profile = qtr_node_copy_profile (qtr_node_get_owner (node));
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_autoptr(QtrRemoteActor) known = NULL;
  g_autofree char *removed = NULL;
  const char *uri = handle_or_url;

  if (!g_str_has_prefix (handle_or_url, "https://") &&
      !g_str_has_prefix (handle_or_url, "http://"))
    {
      const char *key = handle_or_url + (*handle_or_url == '@');

      known = qtr_node_store_find_remote_actor (qtr_node_get_store (node), "handle", key, NULL);
      uri = known != NULL ? known->uri : NULL;
    }
  for (guint i = 0; profile->also_known_as[i] != NULL; i++)
    {
      if (removed == NULL && g_strcmp0 (profile->also_known_as[i], uri) == 0)
        removed = g_strdup (uri);
      else
        g_strv_builder_add (kept, profile->also_known_as[i]);
    }
  if (removed == NULL)
    {
      g_set_error (error, QTR_NODE_ERROR, QTR_NODE_ERROR_NOT_FOUND,
                   "%s is not an alias of this account; give it as it is listed (its URL)",
                   handle_or_url);
      return NULL;
    }
  g_strfreev (profile->also_known_as);
  profile->also_known_as = g_strv_builder_end (kept);
  if (!qtr_node_save_profile (node, profile, NULL, error))
    return NULL;
  return g_steal_pointer (&removed);
}

/* Deleting the account. */

typedef struct {
  QtrNode    *node;
  JsonObject *delete;
  GStrv       inboxes;
  gint64      when;
} DeleteAccountTransaction;

static gboolean
delete_account_in_transaction (QtrDb    *db,
                               gpointer  user_data,
                               GError  **error)
{
  DeleteAccountTransaction *tx = user_data;

  /* The Delete is queued first: once the account is marked deleted, nothing else is. */
  return qtr_node_queue_activity (tx->node, tx->delete, (const char * const *) tx->inboxes,
                                  error) &&
         qtr_node_store_mark_deleted (qtr_node_get_store (tx->node), tx->when, error);
}

/**
 * qtr_node_delete_account:
 *
 * Deletes the owner's account, as Mastodon does: a Delete of the actor goes to every server
 * the node knows, the tokens of the client API are revoked, and from then on the account's
 * addresses (actor, WebFinger, inbox, posts) answer 410 Gone and the node sends nothing else.
 * The node keeps running to deliver the Delete; its folder can be removed once `status` shows
 * no deliveries waiting.
 */
gboolean
qtr_node_delete_account (QtrNode  *node,
                         GError  **error)
{
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *delete_id = g_strconcat (actor, "#delete", NULL);
  g_autoptr(JsonObject) delete = json_object_new ();
  g_auto(GStrv) inboxes = NULL;
  JsonArray *to;
  gint64 deleted_at = qtr_node_store_get_deleted_at (qtr_node_get_store (node), error);

  if (deleted_at < 0)
    return FALSE;
  if (deleted_at > 0)
    {
      g_set_error_literal (error, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                           "This account was deleted already");
      return FALSE;
    }
  inboxes = qtr_node_store_known_inboxes (qtr_node_get_store (node), error);
  if (inboxes == NULL)
    return FALSE;

  to = json_array_new ();
  json_array_add_string_element (to, "https://www.w3.org/ns/activitystreams#Public");
  json_object_set_string_member (delete, "@context", "https://www.w3.org/ns/activitystreams");
  json_object_set_string_member (delete, "id", delete_id);
  json_object_set_string_member (delete, "type", "Delete");
  json_object_set_string_member (delete, "actor", actor);
  json_object_set_array_member (delete, "to", to);
  json_object_set_string_member (delete, "object", actor);

  {
    DeleteAccountTransaction tx = { node, delete, inboxes, g_get_real_time () / G_USEC_PER_SEC };

    if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (node)),
                             delete_account_in_transaction, &tx, error))
      return FALSE;
  }
  qtr_node_reload_owner (node, NULL);
  qtr_node_kick_deliveries (node);
  return TRUE;
}
