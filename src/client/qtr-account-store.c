/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-account-store.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "qtr-json.h"

/* QtrAccountStore: the accounts the user logged in to.
 *
 * Secrets (the access token, and the OAuth client id and secret it was issued to) live only in
 * the keyring, through libsecret, in one item per account under a schema named after the app
 * id; the item's attributes (server, account id, handle) find it again. They are never written
 * to a file or a log.
 *
 * The list itself (server, handle, display name, which account is active) is not secret and
 * lives in a key file, `$XDG_DATA_HOME/quitter/accounts.ini`. A key file rather than sqlite:
 * the list holds a handful of short entries, is written only when the user logs in, out or
 * switches, and is read once at start before any window shows; a key file is replaced
 * atomically by g_key_file_save_to_file(), needs no schema migrations and can be read by a
 * person. Being this small, it is read and written in place, without a worker thread.
 *
 * A keyring that is locked or missing is an error the user can act on, never a logout: the
 * account stays in the list and its secret in the keyring until they log out. */

#define LIST_GROUP "accounts"
#define ACCOUNT_GROUP_PREFIX "account "
#define LOCKED_MESSAGE \
  "The keyring is locked: unlock it (for example in Passwords and Keys) and try again"

struct _QtrAccountStore
{
  GObject    parent_instance;

  char      *path;
  GPtrArray *accounts;  /* QtrStoredAccount, in the file's order */
  char      *active;    /* nullable: a handle */
};

G_DEFINE_FINAL_TYPE (QtrAccountStore, qtr_account_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (qtr-account-store-error-quark, qtr_account_store_error)

G_DEFINE_BOXED_TYPE (QtrStoredAccount, qtr_stored_account, qtr_stored_account_copy,
                     qtr_stored_account_free)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    APP_ID, SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "handle", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

/**
 * qtr_stored_account_new:
 *
 * Returns: (transfer full): an entry of the account list
 */
QtrStoredAccount *
qtr_stored_account_new (const char *server,
                        const char *account_id,
                        const char *handle,
                        const char *display_name)
{
  QtrStoredAccount *account = g_new0 (QtrStoredAccount, 1);

  account->server = g_strdup (server);
  account->account_id = g_strdup (account_id);
  account->handle = g_strdup (handle);
  account->display_name = g_strdup (display_name);
  return account;
}

/**
 * qtr_stored_account_new_for:
 * @server: the server's base URL
 * @domain: the domain of the server's handles (its instance's domain)
 * @account: the account, as verify_credentials gave it
 *
 * Returns: (transfer full): the entry for @account, whose handle is `@acct@domain`
 */
QtrStoredAccount *
qtr_stored_account_new_for (const char *server,
                            const char *domain,
                            QtrAccount *account)
{
  const char *acct = qtr_account_get_acct (account);
  g_autofree char *handle = strchr (acct, '@') ? g_strconcat ("@", acct, NULL)
                                               : g_strconcat ("@", acct, "@", domain, NULL);

  return qtr_stored_account_new (server, qtr_account_get_id (account), handle,
                                 qtr_account_get_name (account));
}

QtrStoredAccount *
qtr_stored_account_copy (const QtrStoredAccount *account)
{
  return qtr_stored_account_new (account->server, account->account_id, account->handle,
                                 account->display_name);
}

void
qtr_stored_account_free (QtrStoredAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->server);
  g_free (account->account_id);
  g_free (account->handle);
  g_free (account->display_name);
  g_free (account);
}

/* A handle names a key file group: it may not hold what group names may not. */
static gboolean
is_valid_handle (const char *handle)
{
  if (handle == NULL || handle[0] != '@' || strchr (handle + 1, '@') == NULL ||
      !g_utf8_validate (handle, -1, NULL))
    return FALSE;
  for (const char *p = handle; *p != '\0'; p++)
    {
      if (*p == '[' || *p == ']' || g_ascii_iscntrl (*p) || *p == ' ')
        return FALSE;
    }
  return TRUE;
}

/* Says what went wrong with the keyring, so that the user can fix it; takes @error. */
static GError *
explain_keyring_error (GError *error)
{
  g_autoptr(GError) cause = error;

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&cause);
  if (g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new_literal (QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_KEYRING_LOCKED,
                                LOCKED_MESSAGE);
  return g_error_new (QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_KEYRING_UNAVAILABLE,
                      "The keyring cannot be reached (%s): start a Secret Service such as GNOME "
                      "Keyring or KeePassXC, then try again", cause->message);
}

static GHashTable *
new_attributes (const QtrStoredAccount *account)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, "server", account->server);
  g_hash_table_insert (attributes, "account-id", account->account_id);
  g_hash_table_insert (attributes, "handle", account->handle);
  return attributes;
}

static void
clear_secret (char **secret)
{
  if (*secret == NULL)
    return;
  memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static char *
encode_secret (const QtrCredentials *credentials)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  qtr_json_builder_add_string (builder, "client_id", credentials->client_id);
  qtr_json_builder_add_string (builder, "client_secret", credentials->client_secret);
  qtr_json_builder_add_string (builder, "access_token", credentials->access_token);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
group_for (const char *handle)
{
  return g_strconcat (ACCOUNT_GROUP_PREFIX, handle, NULL);
}

static gboolean
write_list (QtrAccountStore  *self,
            GError          **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *dir = g_path_get_dirname (self->path);

  g_key_file_set_comment (key_file, NULL, NULL,
                          " Quitter's accounts. The tokens are in the keyring, not here.", NULL);
  if (self->active != NULL)
    g_key_file_set_string (key_file, LIST_GROUP, "active", self->active);
  else
    g_key_file_set_string (key_file, LIST_GROUP, "active", "");
  for (guint i = 0; i < self->accounts->len; i++)
    {
      QtrStoredAccount *account = self->accounts->pdata[i];
      g_autofree char *group = group_for (account->handle);

      g_key_file_set_string (key_file, group, "server", account->server);
      g_key_file_set_string (key_file, group, "account-id", account->account_id);
      g_key_file_set_string (key_file, group, "handle", account->handle);
      g_key_file_set_string (key_file, group, "display-name",
                             account->display_name ? account->display_name : "");
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_FAILED,
                   "Could not create the folder %s for the account list: %s", dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  if (!g_key_file_save_to_file (key_file, self->path, error))
    {
      g_prefix_error (error, "Could not save the account list: ");
      return FALSE;
    }
  return TRUE;
}

/* Writes the list of accounts and returns the task's result: %TRUE, or the error. */
static void
return_list_written (QtrAccountStore *self,
                     GTask           *task)
{
  GError *error = NULL;

  if (write_list (self, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
read_list (QtrAccountStore  *self,
           GError          **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  g_autofree char *active = NULL;

  if (!g_key_file_load_from_file (key_file, self->path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_FAILED,
                   "The account list %s cannot be read (%s): move it away and log in again",
                   self->path, local_error->message);
      return FALSE;
    }

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *server = NULL;
      g_autofree char *account_id = NULL;
      g_autofree char *handle = NULL;
      g_autofree char *display_name = NULL;

      if (!g_str_has_prefix (groups[i], ACCOUNT_GROUP_PREFIX))
        continue;
      server = g_key_file_get_string (key_file, groups[i], "server", NULL);
      account_id = g_key_file_get_string (key_file, groups[i], "account-id", NULL);
      handle = g_key_file_get_string (key_file, groups[i], "handle", NULL);
      display_name = g_key_file_get_string (key_file, groups[i], "display-name", NULL);
      if (server == NULL || account_id == NULL || !is_valid_handle (handle))
        {
          g_debug ("Skipped the incomplete entry [%s] of %s", groups[i], self->path);
          continue;
        }
      g_ptr_array_add (self->accounts,
                       qtr_stored_account_new (server, account_id, handle, display_name));
    }

  active = g_key_file_get_string (key_file, LIST_GROUP, "active", NULL);
  if (active != NULL && qtr_account_store_lookup (self, active) != NULL)
    self->active = g_steal_pointer (&active);
  return TRUE;
}

static gint
find_account (QtrAccountStore *self,
              const char      *handle)
{
  for (guint i = 0; i < self->accounts->len; i++)
    {
      QtrStoredAccount *account = self->accounts->pdata[i];

      if (g_strcmp0 (account->handle, handle) == 0)
        return (gint) i;
    }
  return -1;
}

static void
qtr_account_store_finalize (GObject *object)
{
  QtrAccountStore *self = QTR_ACCOUNT_STORE (object);

  g_free (self->path);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_free (self->active);

  G_OBJECT_CLASS (qtr_account_store_parent_class)->finalize (object);
}

static void
qtr_account_store_class_init (QtrAccountStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_account_store_finalize;
}

static void
qtr_account_store_init (QtrAccountStore *self)
{
  self->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_stored_account_free);
}

/**
 * qtr_account_store_new:
 * @path: (nullable): the account list's file; %NULL for `$XDG_DATA_HOME/quitter/accounts.ini`
 *
 * Returns: (transfer full): the store, with the list read, or %NULL with @error set when the
 *   file exists but cannot be read
 */
QtrAccountStore *
qtr_account_store_new (const char  *path,
                       GError     **error)
{
  g_autoptr(QtrAccountStore) self = g_object_new (QTR_TYPE_ACCOUNT_STORE, NULL);

  self->path = path ? g_strdup (path)
                    : g_build_filename (g_get_user_data_dir (), "quitter", "accounts.ini", NULL);
  if (!read_list (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
qtr_account_store_get_path (QtrAccountStore *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT_STORE (self), NULL);

  return self->path;
}

/**
 * qtr_account_store_list:
 *
 * Returns: (transfer full) (element-type QtrStoredAccount): a copy of the accounts, in the
 *   order they were added
 */
GPtrArray *
qtr_account_store_list (QtrAccountStore *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (QTR_IS_ACCOUNT_STORE (self), NULL);

  copy = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_stored_account_free);
  for (guint i = 0; i < self->accounts->len; i++)
    g_ptr_array_add (copy, qtr_stored_account_copy (self->accounts->pdata[i]));
  return copy;
}

/**
 * qtr_account_store_lookup:
 *
 * Returns: (transfer none) (nullable): the account named @handle
 */
const QtrStoredAccount *
qtr_account_store_lookup (QtrAccountStore *self,
                          const char      *handle)
{
  gint i;

  g_return_val_if_fail (QTR_IS_ACCOUNT_STORE (self), NULL);

  i = find_account (self, handle);
  return i >= 0 ? self->accounts->pdata[i] : NULL;
}

/**
 * qtr_account_store_get_active:
 *
 * Returns: (nullable): the handle of the account the app shows
 */
const char *
qtr_account_store_get_active (QtrAccountStore *self)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT_STORE (self), NULL);

  return self->active;
}

/**
 * qtr_account_store_set_active:
 *
 * Makes @handle the account the app shows, and saves the list.
 */
gboolean
qtr_account_store_set_active (QtrAccountStore  *self,
                              const char       *handle,
                              GError          **error)
{
  g_return_val_if_fail (QTR_IS_ACCOUNT_STORE (self), FALSE);

  if (find_account (self, handle) < 0)
    {
      g_set_error (error, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_UNKNOWN_ACCOUNT,
                   "There is no account %s: log in to it first", handle);
      return FALSE;
    }
  g_free (self->active);
  self->active = g_strdup (handle);
  return write_list (self, error);
}

/* Saving */

static void
secret_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrAccountStore *self = g_task_get_source_object (task);
  QtrStoredAccount *account = g_task_get_task_data (task);
  GError *error = NULL;
  gint i;

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, explain_keyring_error (error));
      return;
    }

  i = find_account (self, account->handle);
  if (i >= 0)
    g_ptr_array_remove_index (self->accounts, i);
  g_ptr_array_add (self->accounts, qtr_stored_account_copy (account));
  g_free (self->active);
  self->active = g_strdup (account->handle);
  return_list_written (self, task);
}

/**
 * qtr_account_store_save_async:
 * @account: the account, as the list is to show it
 * @credentials: its secrets, for the keyring
 *
 * Keeps @credentials in the keyring and adds @account to the list (or updates it), as the
 * active account.
 */
void
qtr_account_store_save_async (QtrAccountStore        *self,
                              const QtrStoredAccount *account,
                              const QtrCredentials   *credentials,
                              GCancellable           *cancellable,
                              GAsyncReadyCallback     callback,
                              gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  char *secret;

  g_return_if_fail (QTR_IS_ACCOUNT_STORE (self));
  g_return_if_fail (account != NULL && credentials != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_account_store_save_async);
  g_task_set_task_data (task, qtr_stored_account_copy (account),
                        (GDestroyNotify) qtr_stored_account_free);

  if (!is_valid_handle (account->handle) || account->server == NULL ||
      account->account_id == NULL)
    {
      g_task_return_new_error (task, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_FAILED,
                               "“%s” is not an account handle like @user@example.org",
                               account->handle ? account->handle : "");
      return;
    }

  attributes = new_attributes (account);
  label = g_strdup_printf ("Quitter: %s", account->handle);
  secret = encode_secret (credentials);
  secret_password_storev (get_schema (), attributes, SECRET_COLLECTION_DEFAULT, label, secret,
                          cancellable, secret_stored_cb, g_steal_pointer (&task));
  clear_secret (&secret);
}

gboolean
qtr_account_store_save_finish (QtrAccountStore  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Loading */

static void
locked_items_found_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrStoredAccount *account = g_task_get_task_data (task);
  GError *error = NULL;
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, explain_keyring_error (error));
      return;
    }
  if (items != NULL)
    {
      g_list_free_full (items, g_object_unref);
      g_task_return_error (task, g_error_new_literal (QTR_ACCOUNT_STORE_ERROR,
                                                      QTR_ACCOUNT_STORE_ERROR_KEYRING_LOCKED,
                                                      LOCKED_MESSAGE));
      return;
    }
  g_task_return_new_error (task, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_NO_SECRET,
                           "The keyring has no token for %s: log in to it again",
                           account->handle);
}

static void
secret_looked_up_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrStoredAccount *account = g_task_get_task_data (task);
  g_autoptr(JsonObject) object = NULL;
  GError *error = NULL;
  char *secret;
  const char *client_id;
  const char *client_secret;
  const char *token;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, explain_keyring_error (error));
      return;
    }
  if (secret == NULL)
    {
      g_autoptr(GHashTable) attributes = new_attributes (account);
      GCancellable *cancellable = g_task_get_cancellable (task);

      /* No secret came back: either there is none, or its item stayed locked (the user
       * dismissed the unlock prompt). A search that does not unlock tells which. */
      secret_password_searchv (get_schema (), attributes, SECRET_SEARCH_NONE, cancellable,
                               locked_items_found_cb, g_steal_pointer (&task));
      return;
    }

  object = qtr_json_parse_object (secret, strlen (secret), NULL);
  secret_password_free (secret);
  client_id = qtr_json_get_string (object, "client_id");
  client_secret = qtr_json_get_string (object, "client_secret");
  token = qtr_json_get_string (object, "access_token");
  if (client_id == NULL || client_secret == NULL || token == NULL)
    {
      g_task_return_new_error (task, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_NO_SECRET,
                               "The keyring's entry for %s is not Quitter's: log in to it again",
                               account->handle);
      return;
    }
  g_task_return_pointer (task, qtr_credentials_new (account->server, client_id, client_secret,
                                                    token),
                         (GDestroyNotify) qtr_credentials_free);
}

static GTask *
new_account_task (QtrAccountStore     *self,
                  const char          *handle,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const QtrStoredAccount *account = qtr_account_store_lookup (self, handle);

  g_task_set_source_tag (task, source_tag);
  if (account == NULL)
    {
      g_task_return_new_error (task, QTR_ACCOUNT_STORE_ERROR,
                               QTR_ACCOUNT_STORE_ERROR_UNKNOWN_ACCOUNT,
                               "There is no account %s: log in to it first", handle);
      return NULL;
    }
  g_task_set_task_data (task, qtr_stored_account_copy (account),
                        (GDestroyNotify) qtr_stored_account_free);
  return g_steal_pointer (&task);
}

/**
 * qtr_account_store_load_credentials_async:
 *
 * Reads the secrets of the account @handle from the keyring.
 */
void
qtr_account_store_load_credentials_async (QtrAccountStore     *self,
                                          const char          *handle,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (QTR_IS_ACCOUNT_STORE (self));

  task = new_account_task (self, handle, qtr_account_store_load_credentials_async, cancellable,
                           callback, user_data);
  if (task == NULL)
    return;
  attributes = new_attributes (g_task_get_task_data (task));
  secret_password_lookupv (get_schema (), attributes, cancellable, secret_looked_up_cb,
                           g_steal_pointer (&task));
}

/**
 * qtr_account_store_load_credentials_finish:
 *
 * Returns: (transfer full): the account's secrets, or %NULL with @error set: a
 *   #QtrAccountStoreError that says what the user can do
 */
QtrCredentials *
qtr_account_store_load_credentials_finish (QtrAccountStore  *self,
                                           GAsyncResult     *result,
                                           GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Removing */

static void
secret_cleared_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrAccountStore *self = g_task_get_source_object (task);
  QtrStoredAccount *account = g_task_get_task_data (task);
  GError *error = NULL;
  gint i;

  /* FALSE without an error: there was no secret to clear, which is fine. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, explain_keyring_error (error));
      return;
    }

  i = find_account (self, account->handle);
  if (i >= 0)
    g_ptr_array_remove_index (self->accounts, i);
  if (g_strcmp0 (self->active, account->handle) == 0)
    {
      g_free (self->active);
      self->active = self->accounts->len > 0
                     ? g_strdup (((QtrStoredAccount *) self->accounts->pdata[0])->handle)
                     : NULL;
    }
  return_list_written (self, task);
}

/**
 * qtr_account_store_remove_async:
 *
 * Removes the account @handle from the keyring and the list, without telling its server (see
 * qtr_account_store_log_out_async()).
 */
void
qtr_account_store_remove_async (QtrAccountStore     *self,
                                const char          *handle,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (QTR_IS_ACCOUNT_STORE (self));

  task = new_account_task (self, handle, qtr_account_store_remove_async, cancellable, callback,
                           user_data);
  if (task == NULL)
    return;
  attributes = new_attributes (g_task_get_task_data (task));
  secret_password_clearv (get_schema (), attributes, cancellable, secret_cleared_cb,
                          g_steal_pointer (&task));
}

gboolean
qtr_account_store_remove_finish (QtrAccountStore  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Logging out */

typedef struct {
  char         *handle;
  QtrApiClient *client;
  gboolean      revoked;
} LogOut;

static void
log_out_free (LogOut *log_out)
{
  g_free (log_out->handle);
  g_clear_object (&log_out->client);
  g_free (log_out);
}

static void
log_out_removed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!qtr_account_store_remove_finish (QTR_ACCOUNT_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
log_out_revoked_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrAccountStore *self = g_task_get_source_object (task);
  LogOut *log_out = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  log_out->revoked = qtr_login_revoke_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The user asked to log out: an unreachable server does not keep the secret here. */
  if (!log_out->revoked)
    g_debug ("The server did not revoke the token of %s: %s", log_out->handle, error->message);
  qtr_account_store_remove_async (self, log_out->handle, g_task_get_cancellable (task),
                                  log_out_removed_cb, g_object_ref (task));
}

static void
log_out_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QtrAccountStore *self = g_task_get_source_object (task);
  LogOut *log_out = g_task_get_task_data (task);
  g_autoptr(QtrCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = qtr_account_store_load_credentials_finish (self, result, &error);
  if (g_error_matches (error, QTR_ACCOUNT_STORE_ERROR, QTR_ACCOUNT_STORE_ERROR_NO_SECRET))
    {
      /* Nothing to revoke. */
      g_clear_error (&error);
      qtr_account_store_remove_async (self, log_out->handle, g_task_get_cancellable (task),
                                      log_out_removed_cb, g_object_ref (task));
      return;
    }
  if (credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  qtr_login_revoke_async (log_out->client, credentials, g_task_get_cancellable (task),
                          log_out_revoked_cb, g_object_ref (task));
}

/**
 * qtr_account_store_log_out_async:
 * @client: (nullable): a client for the account's server; %NULL to make one
 *
 * Logs out of the account @handle: revokes its token on the server, then removes its secret
 * from the keyring and the account from the list. When the server cannot be reached the token
 * is forgotten all the same (qtr_account_store_log_out_finish() says whether it was revoked);
 * when the keyring cannot be, nothing is removed.
 */
void
qtr_account_store_log_out_async (QtrAccountStore     *self,
                                 const char          *handle,
                                 QtrApiClient        *client,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const QtrStoredAccount *account;
  LogOut *log_out;
  GError *error = NULL;

  g_return_if_fail (QTR_IS_ACCOUNT_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_account_store_log_out_async);
  account = qtr_account_store_lookup (self, handle);
  if (account == NULL)
    {
      g_task_return_new_error (task, QTR_ACCOUNT_STORE_ERROR,
                               QTR_ACCOUNT_STORE_ERROR_UNKNOWN_ACCOUNT,
                               "There is no account %s to log out of", handle);
      return;
    }

  log_out = g_new0 (LogOut, 1);
  log_out->handle = g_strdup (handle);
  log_out->client = client ? g_object_ref (client)
                           : qtr_api_client_new (account->server, NULL, &error);
  g_task_set_task_data (task, log_out, (GDestroyNotify) log_out_free);
  if (log_out->client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  qtr_account_store_load_credentials_async (self, handle, cancellable, log_out_loaded_cb,
                                            g_steal_pointer (&task));
}

/**
 * qtr_account_store_log_out_finish:
 * @revoked: (out) (optional): whether the server revoked the token
 *
 * Returns: %TRUE when the account is gone from the keyring and the list
 */
gboolean
qtr_account_store_log_out_finish (QtrAccountStore  *self,
                                  GAsyncResult     *result,
                                  gboolean         *revoked,
                                  GError          **error)
{
  LogOut *log_out;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  log_out = g_task_get_task_data (G_TASK (result));
  if (revoked != NULL)
    *revoked = log_out != NULL && log_out->revoked;
  return g_task_propagate_boolean (G_TASK (result), error);
}
