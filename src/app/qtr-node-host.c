/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-host.h"

#include <glib/gi18n.h>
#include <string.h>

/* QtrNodeHost: the app's own node, on a thread of its own.
 *
 * The node lives on its thread with its own GMainContext, so a burst of deliveries never
 * stutters the window: the thread opens it, starts it and runs its loop until the host stops
 * it (the delivery queue is in node.db: nothing is lost). The UI thread never touches that
 * QtrNode: work for the node goes there with qtr_node_host_run_async(), and its result comes
 * back as a GTask in the caller's context.
 *
 * When another process runs the node already (`quitter-node run`, its systemd unit: the data
 * folder's lock says so), the app does not start a second one: it uses that one, and opens the
 * node beside it on the UI thread for its preferences, as the `quitter-node` commands do. The
 * same happens while the node is stopped or could not start, so that the preferences can
 * change what stopped it (a port in use). */

struct _QtrNodeHost
{
  GObject           parent_instance;

  char             *data_dir;
  GMainContext     *context;      /* the UI thread's, where results and states arrive */
  QtrNodeHostState  state;
  GError           *error;
  char             *base_url;
  char             *listen_url;
  guint             generation;   /* of the thread: reports of an older one are ignored */

  GThread          *thread;
  struct _NodeThread *node_thread;  /* while a thread runs or starts the node */

  QtrNode          *side_node;    /* opened on the UI thread while no thread runs it */
  GQueue            waiting;      /* GTask: work that came while the node started */
};

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrNodeHost, qtr_node_host, G_TYPE_OBJECT)

/* What the node's thread shares with the host. */
typedef struct _NodeThread {
  GWeakRef      host;
  guint         generation;
  char         *data_dir;
  GMainContext *ui_context;
  GMainContext *context;
  GMainLoop    *loop;
  QtrNode      *node;          /* used on the node's thread only */
  /* How the start went, for the UI thread */
  QtrNodeHostState state;
  GError       *error;
  char         *base_url;
  char         *listen_url;
} NodeThread;

static void
node_thread_free (NodeThread *thread)
{
  g_weak_ref_clear (&thread->host);
  g_clear_error (&thread->error);
  g_free (thread->data_dir);
  g_free (thread->base_url);
  g_free (thread->listen_url);
  g_main_context_unref (thread->ui_context);
  g_main_context_unref (thread->context);
  g_main_loop_unref (thread->loop);
}

static NodeThread *
node_thread_ref (NodeThread *thread)
{
  return g_atomic_rc_box_acquire (thread);
}

static void
node_thread_unref (NodeThread *thread)
{
  g_atomic_rc_box_release_full (thread, (GDestroyNotify) node_thread_free);
}

static void dispatch (QtrNodeHost *self,
                      GTask       *task);

static void
set_state (QtrNodeHost      *self,
           QtrNodeHostState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* The node opened beside the process that runs it (or beside none), on the UI thread. */
static QtrNode *
get_side_node (QtrNodeHost  *self,
               GError      **error)
{
  if (self->side_node == NULL)
    self->side_node = qtr_node_open (self->data_dir, error);
  if (self->side_node != NULL && self->base_url == NULL)
    self->base_url = g_strdup (qtr_node_get_base_url (self->side_node));
  return self->side_node;
}

static void
flush_waiting (QtrNodeHost *self)
{
  while (!g_queue_is_empty (&self->waiting))
    {
      g_autoptr(GTask) task = g_queue_pop_head (&self->waiting);

      dispatch (self, task);
    }
}

/* On the UI thread: how the start went. */
static gboolean
started_cb (gpointer data)
{
  NodeThread *thread = data;
  g_autoptr(QtrNodeHost) self = g_weak_ref_get (&thread->host);

  if (self == NULL || thread->generation != self->generation)
    return G_SOURCE_REMOVE;

  g_clear_error (&self->error);
  g_free (self->listen_url);
  self->listen_url = g_strdup (thread->listen_url);
  g_clear_pointer (&self->base_url, g_free);
  self->base_url = g_strdup (thread->base_url);
  g_clear_object (&self->side_node);
  if (thread->state != QTR_NODE_HOST_RUNNING)
    {
      g_autoptr(GError) error = NULL;

      self->error = g_steal_pointer (&thread->error);
      if (get_side_node (self, &error) == NULL)
        g_debug ("Cannot open the node beside: %s", error->message);
    }
  if (thread->state == QTR_NODE_HOST_EXTERNAL)
    g_debug ("The node in %s runs in another process: the app uses that one", self->data_dir);
  set_state (self, thread->state);
  flush_waiting (self);
  return G_SOURCE_REMOVE;
}

static void
started_done (gpointer data)
{
  NodeThread *thread = data;

  node_thread_unref (thread);
}

static gpointer
run_node_thread (gpointer data)
{
  NodeThread *thread = data;
  g_autoptr(GError) error = NULL;
  gboolean running;

  g_main_context_push_thread_default (thread->context);
  thread->node = qtr_node_open (thread->data_dir, &error);
  if (thread->node != NULL && qtr_node_start (thread->node, &error))
    {
      thread->state = QTR_NODE_HOST_RUNNING;
      thread->base_url = g_strdup (qtr_node_get_base_url (thread->node));
      thread->listen_url = g_strdup (qtr_node_get_listen_url (thread->node));
    }
  else if (g_error_matches (error, QTR_NODE_ERROR, QTR_NODE_ERROR_LOCKED))
    thread->state = QTR_NODE_HOST_EXTERNAL;
  else
    thread->state = QTR_NODE_HOST_FAILED;
  thread->error = g_steal_pointer (&error);
  running = thread->state == QTR_NODE_HOST_RUNNING;

  /* From here the outcome is the UI thread's to read. */
  g_main_context_invoke_full (thread->ui_context, G_PRIORITY_DEFAULT, started_cb,
                              node_thread_ref (thread), started_done);
  if (running)
    {
      g_main_loop_run (thread->loop);
      /* Stopped: the queue's jobs stay in node.db for the next start. */
      qtr_node_stop (thread->node);
    }
  g_clear_object (&thread->node);
  /* Work that came too late finds no node, and says so. */
  while (g_main_context_iteration (thread->context, FALSE))
    ;
  g_main_context_pop_thread_default (thread->context);
  node_thread_unref (thread);
  return NULL;
}

static void
stop_thread (QtrNodeHost *self)
{
  NodeThread *thread = g_steal_pointer (&self->node_thread);

  if (thread == NULL)
    return;
  self->generation++;
  g_main_loop_quit (thread->loop);
  g_thread_join (g_steal_pointer (&self->thread));
  node_thread_unref (thread);
}

/* Work for the node */

static gboolean
run_on_node_cb (gpointer data)
{
  GTask *task = data;
  NodeThread *thread = g_object_get_data (G_OBJECT (task), "qtr-node-thread");
  QtrNodeHostFunc func = (QtrNodeHostFunc) g_object_get_data (G_OBJECT (task), "qtr-func");

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;
  if (thread->node == NULL || !g_main_loop_is_running (thread->loop))
    {
      g_task_return_new_error (task, QTR_NODE_ERROR, QTR_NODE_ERROR_FAILED,
                               "The node stopped before it could do this");
      return G_SOURCE_REMOVE;
    }
  func (thread->node, task);
  return G_SOURCE_REMOVE;
}

static void
dispatch (QtrNodeHost *self,
          GTask       *task)
{
  QtrNodeHostFunc func = (QtrNodeHostFunc) g_object_get_data (G_OBJECT (task), "qtr-func");
  g_autoptr(GError) error = NULL;
  QtrNode *node;

  switch (self->state)
    {
    case QTR_NODE_HOST_STARTING:
      g_queue_push_tail (&self->waiting, g_object_ref (task));
      return;
    case QTR_NODE_HOST_RUNNING:
      g_object_set_data_full (G_OBJECT (task), "qtr-node-thread",
                              node_thread_ref (self->node_thread),
                              (GDestroyNotify) node_thread_unref);
      g_main_context_invoke_full (self->node_thread->context, G_PRIORITY_DEFAULT,
                                  run_on_node_cb, g_object_ref (task), g_object_unref);
      return;
    case QTR_NODE_HOST_STOPPED:
    case QTR_NODE_HOST_EXTERNAL:
    case QTR_NODE_HOST_FAILED:
    default:
      if (g_task_return_error_if_cancelled (task))
        return;
      node = get_side_node (self, &error);
      if (node == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        func (node, task);
      return;
    }
}

/* GObject */

static void
qtr_node_host_dispose (GObject *object)
{
  QtrNodeHost *self = QTR_NODE_HOST (object);

  stop_thread (self);
  g_clear_object (&self->side_node);
  while (!g_queue_is_empty (&self->waiting))
    {
      g_autoptr(GTask) task = g_queue_pop_head (&self->waiting);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The app is closing");
    }

  G_OBJECT_CLASS (qtr_node_host_parent_class)->dispose (object);
}

static void
qtr_node_host_finalize (GObject *object)
{
  QtrNodeHost *self = QTR_NODE_HOST (object);

  g_free (self->data_dir);
  g_clear_error (&self->error);
  g_free (self->base_url);
  g_free (self->listen_url);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (qtr_node_host_parent_class)->finalize (object);
}

static void
qtr_node_host_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QtrNodeHost *self = QTR_NODE_HOST (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_node_host_class_init (QtrNodeHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qtr_node_host_dispose;
  object_class->finalize = qtr_node_host_finalize;
  object_class->get_property = qtr_node_host_get_property;

  /**
   * QtrNodeHost:state:
   *
   * What the node is doing: a #QtrNodeHostState.
   */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, QTR_NODE_HOST_STOPPED, QTR_NODE_HOST_FAILED,
                      QTR_NODE_HOST_STOPPED,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_node_host_init (QtrNodeHost *self)
{
  self->context = g_main_context_ref_thread_default ();
  g_queue_init (&self->waiting);
}

/* Public API */

/**
 * qtr_node_host_get_default:
 *
 * Returns: (transfer none): the host of the app's node, in `$XDG_DATA_HOME/quitter/node`
 *   (the folder `quitter-node` uses by default), made on first use
 */
QtrNodeHost *
qtr_node_host_get_default (void)
{
  static QtrNodeHost *host;

  if (host == NULL)
    {
      g_autofree char *data_dir = qtr_node_default_data_dir ();

      host = qtr_node_host_new (data_dir);
    }
  return host;
}

/**
 * qtr_node_host_new:
 * @data_dir: the node's data folder
 *
 * Returns: (transfer full): a host for the node in @data_dir; it starts nothing yet
 */
QtrNodeHost *
qtr_node_host_new (const char *data_dir)
{
  QtrNodeHost *self = g_object_new (QTR_TYPE_NODE_HOST, NULL);

  self->data_dir = g_strdup (data_dir);
  return self;
}

const char *
qtr_node_host_get_data_dir (QtrNodeHost *self)
{
  g_return_val_if_fail (QTR_IS_NODE_HOST (self), NULL);
  return self->data_dir;
}

QtrNodeHostState
qtr_node_host_get_state (QtrNodeHost *self)
{
  g_return_val_if_fail (QTR_IS_NODE_HOST (self), QTR_NODE_HOST_STOPPED);
  return self->state;
}

/**
 * qtr_node_host_get_error:
 *
 * Returns: (nullable): why the node did not start (%QTR_NODE_HOST_FAILED), or that another
 *   process runs it (%QTR_NODE_HOST_EXTERNAL)
 */
const GError *
qtr_node_host_get_error (QtrNodeHost *self)
{
  g_return_val_if_fail (QTR_IS_NODE_HOST (self), NULL);
  return self->error;
}

/**
 * qtr_node_host_get_base_url:
 *
 * Returns: (nullable): the node's public address, once it started or was found set up
 */
const char *
qtr_node_host_get_base_url (QtrNodeHost *self)
{
  g_return_val_if_fail (QTR_IS_NODE_HOST (self), NULL);
  return self->base_url;
}

/**
 * qtr_node_host_get_listen_url:
 *
 * Returns: (nullable): where the node listens, while it runs on the app's thread
 */
const char *
qtr_node_host_get_listen_url (QtrNodeHost *self)
{
  g_return_val_if_fail (QTR_IS_NODE_HOST (self), NULL);
  return self->state == QTR_NODE_HOST_RUNNING ? self->listen_url : NULL;
}

/**
 * qtr_node_host_is_set_up:
 *
 * Returns: whether the data folder holds a node
 */
gboolean
qtr_node_host_is_set_up (QtrNodeHost *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, "node.conf", NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/**
 * qtr_node_host_describe:
 *
 * Returns: (transfer full): what the node does, and what to do about it, for people
 */
char *
qtr_node_host_describe (QtrNodeHost *self)
{
  g_return_val_if_fail (QTR_IS_NODE_HOST (self), NULL);

  switch (self->state)
    {
    case QTR_NODE_HOST_STARTING:
      return g_strdup (_("Your node is starting."));
    case QTR_NODE_HOST_RUNNING:
      /* Translators: %s is the node's public address, a URL. */
      return g_strdup_printf (_("Your node runs in Quitter at %s."), self->base_url);
    case QTR_NODE_HOST_EXTERNAL:
      return g_strdup (_("Your node runs already outside Quitter (quitter-node or its "
                         "service); Quitter uses that one. Changes of the address, port, "
                         "blocked domains and follower approval apply when it restarts."));
    case QTR_NODE_HOST_FAILED:
      if (g_error_matches (self->error, QTR_NODE_ERROR, QTR_NODE_ERROR_LISTEN))
        return g_strdup (_("Your node could not start: its port is in use. Pick another port "
                           "in the node’s preferences, then restart it."));
      /* Translators: %s is the node's error message. */
      return g_strdup_printf (_("Your node could not start: %s. Check its preferences, then "
                                "restart it."), self->error ? self->error->message : "");
    case QTR_NODE_HOST_STOPPED:
    default:
      if (!qtr_node_host_is_set_up (self))
        return g_strdup (_("Quitter runs no node of yours yet: choose “Start My Own Node” in "
                           "the main menu to set one up."));
      return g_strdup (_("Your node is stopped: press Restart to start it."));
    }
}

/**
 * qtr_node_host_start:
 *
 * Starts the node on a thread of its own, unless another process runs it: #QtrNodeHost:state
 * says how it went.
 */
void
qtr_node_host_start (QtrNodeHost *self)
{
  NodeThread *thread;

  g_return_if_fail (QTR_IS_NODE_HOST (self));

  if (self->node_thread != NULL)
    return;
  thread = g_atomic_rc_box_new0 (NodeThread);
  g_weak_ref_init (&thread->host, self);
  thread->generation = ++self->generation;
  thread->data_dir = g_strdup (self->data_dir);
  thread->ui_context = g_main_context_ref (self->context);
  thread->context = g_main_context_new ();
  thread->loop = g_main_loop_new (thread->context, FALSE);
  self->node_thread = thread;
  set_state (self, QTR_NODE_HOST_STARTING);
  self->thread = g_thread_new ("quitter-node", run_node_thread, node_thread_ref (thread));
}

/**
 * qtr_node_host_stop:
 *
 * Stops the node cleanly and waits for its thread: requests under way are dropped, the
 * deliveries waiting stay in node.db for the next start.
 */
void
qtr_node_host_stop (QtrNodeHost *self)
{
  g_return_if_fail (QTR_IS_NODE_HOST (self));

  stop_thread (self);
  g_clear_object (&self->side_node);
  g_clear_error (&self->error);
  g_clear_pointer (&self->listen_url, g_free);
  set_state (self, QTR_NODE_HOST_STOPPED);
  /* Work that waited for the start runs on the node opened beside. */
  flush_waiting (self);
}

/**
 * qtr_node_host_restart:
 *
 * Stops the node and starts it again: node.conf's address and port apply.
 */
void
qtr_node_host_restart (QtrNodeHost *self)
{
  qtr_node_host_stop (self);
  qtr_node_host_start (self);
}

/**
 * qtr_node_host_autostart:
 * @settings: the app's settings
 *
 * Starts the node when the app runs one (the `node-folder` key names this host's folder):
 * at the app's start.
 */
void
qtr_node_host_autostart (QtrNodeHost *self,
                         GSettings   *settings)
{
  g_autofree char *folder = g_settings_get_string (settings, "node-folder");

  if (*folder != '\0' && g_str_equal (folder, self->data_dir))
    qtr_node_host_start (self);
}

/**
 * qtr_node_host_run_async:
 * @func: the work, run where the node lives
 * @task_data: (nullable): the task's data, for @func
 *
 * Runs @func with the node: on its thread while the app runs it, else on this thread with
 * the node opened beside. While the node starts, the work waits for it.
 */
void
qtr_node_host_run_async (QtrNodeHost         *self,
                         QtrNodeHostFunc      func,
                         gpointer             task_data,
                         GDestroyNotify       task_data_destroy,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QTR_IS_NODE_HOST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_node_host_run_async);
  g_task_set_task_data (task, task_data, task_data_destroy);
  g_object_set_data (G_OBJECT (task), "qtr-func", (gpointer) func);
  dispatch (self, task);
}

/**
 * qtr_node_host_run_finish:
 * @value: (out) (optional) (transfer full): what the work returned with
 *   g_task_return_pointer()
 *
 * Returns: whether the work succeeded
 */
gboolean
qtr_node_host_run_finish (QtrNodeHost   *self,
                          GAsyncResult  *result,
                          gpointer      *value,
                          GError       **error)
{
  GError *local_error = NULL;
  gpointer returned;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  returned = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (value != NULL)
    *value = returned;
  return TRUE;
}

/* Creating a node */

typedef struct {
  char  *username;
  char  *display_name;
  char  *password;
  char  *base_url;
  guint  port;
} Setup;

static void
setup_free (Setup *setup)
{
  g_free (setup->username);
  g_free (setup->display_name);
  if (setup->password != NULL)
    memset (setup->password, 0, strlen (setup->password));
  g_free (setup->password);
  g_free (setup->base_url);
  g_free (setup);
}

/* On a worker: the key pair, node.conf and the password's hash all take a while. */
static void
create_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  QtrNodeHost *self = source_object;
  Setup *setup = task_data;
  g_autoptr(QtrNode) node = NULL;
  GError *error = NULL;

  if (!qtr_node_init_data_dir (self->data_dir, setup->base_url, setup->username,
                               setup->display_name, &error) ||
      (node = qtr_node_open (self->data_dir, &error)) == NULL ||
      !qtr_node_set_address (node, setup->base_url, "127.0.0.1", setup->port, &error) ||
      !qtr_node_set_password (node, setup->password, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
credentials_free (QtrCredentials *credentials)
{
  qtr_credentials_free (credentials);
}

static void
mint_token_func (QtrNode *node,
                 GTask   *task)
{
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  g_autofree char *token = NULL;
  GError *error = NULL;

  token = qtr_node_mint_app_token (node, "Quitter", "read write follow push", &client_id,
                                   &client_secret, &error);
  if (token == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, qtr_credentials_new (qtr_node_get_base_url (node), client_id,
                                                      client_secret, token),
                           (GDestroyNotify) credentials_free);
}

static void
token_minted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  QtrCredentials *credentials = NULL;

  if (!qtr_node_host_run_finish (QTR_NODE_HOST (source), result, (gpointer *) &credentials,
                                 &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, credentials, (GDestroyNotify) credentials_free);
}

static void
created_state_changed_cb (QtrNodeHost *self,
                          GParamSpec  *pspec,
                          GTask       *task)
{
  if (self->state == QTR_NODE_HOST_STARTING)
    return;
  g_signal_handlers_disconnect_by_func (self, created_state_changed_cb, task);
  if (self->state == QTR_NODE_HOST_FAILED)
    {
      g_task_return_error (task, g_error_copy (self->error));
      g_object_unref (task);
      return;
    }
  qtr_node_host_run_async (self, mint_token_func, NULL, NULL, g_task_get_cancellable (task),
                           token_minted_cb, task);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  QtrNodeHost *self = QTR_NODE_HOST (source);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Started on its thread, it gives the app a token of its own. */
  g_signal_connect (self, "notify::state", G_CALLBACK (created_state_changed_cb),
                    g_steal_pointer (&task));
  qtr_node_host_restart (self);
}

/**
 * qtr_node_host_create_async:
 * @setup: what the owner chose
 *
 * Sets a node up in the host's folder, as `quitter-node init` and `quitter-node password`
 * do, with node.conf's port; starts it on its thread, and makes the app an access token.
 */
void
qtr_node_host_create_async (QtrNodeHost         *self,
                            const QtrNodeSetup  *setup,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  Setup *copy = g_new0 (Setup, 1);

  g_return_if_fail (QTR_IS_NODE_HOST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_node_host_create_async);
  copy->username = g_strdup (setup->username);
  copy->display_name = g_strdup (setup->display_name);
  copy->password = g_strdup (setup->password);
  copy->base_url = g_strdup (setup->base_url);
  copy->port = setup->port;

  worker = g_task_new (self, cancellable, created_cb, g_steal_pointer (&task));
  g_task_set_task_data (worker, copy, (GDestroyNotify) setup_free);
  g_task_run_in_thread (worker, create_in_thread);
}

/**
 * qtr_node_host_create_finish:
 *
 * Returns: (transfer full): the app's credentials on the new node (its base URL, client id
 *   and secret, token), or %NULL with @error set
 */
QtrCredentials *
qtr_node_host_create_finish (QtrNodeHost   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
