/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-cli.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "qtr-html.h"
#include "qtr-node.h"
#include "qtr-node-private.h"
#include "qtr-node-store-api.h"
#include "qtr-oauth.h"

/* The command line of `quitter-node`, the headless personal node. Messages are for people:
 * translated, one line that says what was wrong and what to do, and a non-zero exit. */

#define PRGNAME "quitter-node"
#define EXIT_USAGE 2

typedef struct {
  const char *name;
  const char *summary;  /* N_() */
  int (*run) (int argc, char **argv);
} Command;

static int run_init (int argc, char **argv);
static int run_serve (int argc, char **argv);
static int run_status (int argc, char **argv);
static int run_follow (int argc, char **argv);
static int run_unfollow (int argc, char **argv);
static int run_post (int argc, char **argv);
static int run_edit (int argc, char **argv);
static int run_delete (int argc, char **argv);
static int run_boost (int argc, char **argv);
static int run_unboost (int argc, char **argv);
static int run_profile (int argc, char **argv);
static int run_alias (int argc, char **argv);
static int run_move (int argc, char **argv);
static int run_delete_account (int argc, char **argv);
static int run_like (int argc, char **argv);
static int run_unlike (int argc, char **argv);
static int run_block (int argc, char **argv);
static int run_unblock (int argc, char **argv);
static int run_password (int argc, char **argv);
static int run_token (int argc, char **argv);

static const Command commands[] = {
  { "init", N_("Set up a node: its owner, key pair and settings"), run_init },
  { "run", N_("Serve the node until stopped (Ctrl+C)"), run_serve },
  { "status", N_("Show followers, follows, posts and the delivery queue"), run_status },
  { "follow", N_("Follow an account of another server"), run_follow },
  { "unfollow", N_("Stop following an account"), run_unfollow },
  { "post", N_("Publish a post"), run_post },
  { "edit", N_("Edit one of your posts"), run_edit },
  { "delete", N_("Delete one of your posts"), run_delete },
  { "boost", N_("Boost a post to your followers"), run_boost },
  { "unboost", N_("Take a boost back"), run_unboost },
  { "like", N_("Like a post"), run_like },
  { "unlike", N_("Take a like back"), run_unlike },
  { "block", N_("Block an account"), run_block },
  { "unblock", N_("Lift a block"), run_unblock },
  { "profile", N_("Show or change your name, profile text, avatar and header"), run_profile },
  { "alias", N_("Add or remove another account of yours (to move here from it)"), run_alias },
  { "move", N_("Move your followers to your new account"), run_move },
  { "delete-account", N_("Delete your account, and tell the other servers"), run_delete_account },
  { "password", N_("Set the password apps sign in with"), run_password },
  { "token", N_("Print a new access token for the client API"), run_token },
};

static int
fail_usage (const char *message)
{
  g_printerr ("%s: %s\n", PRGNAME, message);
  /* Translators: %s is the program name, quitter-node. */
  g_printerr (_("Run “%s --help” to see what it accepts."), PRGNAME);
  g_printerr ("\n");
  return EXIT_USAGE;
}

static int
fail (const GError *error)
{
  g_printerr ("%s: %s\n", PRGNAME, error->message);
  return 1;
}

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
  g_string_append_c (text, '\n');
  /* Translators: %s is the address of the project's issue tracker. */
  g_string_append_printf (text, _("Report problems at %s."), APP_ISSUES);
  return g_string_free (text, FALSE);
}

static GOptionContext *
new_context (const char *parameter,
             const char *summary)
{
  GOptionContext *context = g_option_context_new (parameter);

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  return context;
}

static gboolean
parse_command_line (GOptionContext  *context,
                    int             *argc,
                    char          ***argv,
                    int             *status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = fail_usage (error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      /* Translators: %s is what the user typed that the program does not understand. */
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”."), (*argv)[1]);
      *status = fail_usage (message);
      return FALSE;
    }
  return TRUE;
}

static int
run_init (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *username = NULL;
  g_autofree char *display_name = NULL;
  int status = 0;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the node keeps its data (default: the XDG data folder)"), N_("DIR") },
    { "base-url", 'b', 0, G_OPTION_ARG_STRING, &base_url,
      N_("The node’s public address, e.g. https://example.org"), N_("URL") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &username,
      N_("The owner’s user name, as in @NAME@example.org"), N_("NAME") },
    { "display-name", 'n', 0, G_OPTION_ARG_STRING, &display_name,
      N_("The owner’s display name"), N_("TEXT") },
    { NULL }
  };

  context = new_context (NULL, _("Set up a node: its owner, key pair and settings."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_command_line (context, &argc, &argv, &status))
    return status;

  if (base_url == NULL)
    return fail_usage (_("--base-url is missing: give the node’s public address, e.g. "
                         "--base-url https://example.org"));
  if (username == NULL)
    return fail_usage (_("--user is missing: give the owner’s user name, e.g. --user alice"));
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  if (!qtr_node_init_data_dir (data_dir, base_url, username, display_name, &error))
    return fail (error);

  /* Translators: the first %s is a user name, the second a folder. */
  g_print (_("Node for @%s set up in %s."), username, data_dir);
  g_print ("\n");
  /* Translators: the first %s is the program name, the second a folder. */
  g_print (_("Start it with “%s run --data-dir %s”."), PRGNAME, data_dir);
  g_print ("\n");
  return 0;
}

static gboolean
quit_on_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  /* Both handlers are removed once the loop has ended. */
  return G_SOURCE_CONTINUE;
}

static int
run_serve (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  int port = -1;
  int status = 0;
  guint sigint, sigterm;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the node keeps its data (default: the XDG data folder)"), N_("DIR") },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      N_("The IP address to listen on, instead of node.conf’s"), N_("ADDRESS") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("The port to listen on, instead of node.conf’s (0: any free port)"), N_("PORT") },
    { NULL }
  };

  context = new_context (NULL, _("Serve the node until stopped (Ctrl+C)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_command_line (context, &argc, &argv, &status))
    return status;
  if (port < -1 || port > 65535)
    return fail_usage (_("--port takes a number from 0 to 65535."));
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  node = qtr_node_open (data_dir, &error);
  if (node == NULL)
    return fail (error);
  qtr_node_set_listen (node, listen, port);
  if (!qtr_node_start (node, &error))
    return fail (error);

  /* Translators: the first %s is the node's public address, the second where it listens. */
  g_print (_("Serving %s on %s"), qtr_node_get_base_url (node), qtr_node_get_listen_url (node));
  g_print ("\n");
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, quit_on_signal_cb, loop);
  sigterm = g_unix_signal_add (SIGTERM, quit_on_signal_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  qtr_node_stop (node);
  return 0;
}

static const GOptionEntry *
data_dir_entries (char **data_dir)
{
  static GOptionEntry entries[2];

  entries[0] = (GOptionEntry) { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, data_dir,
                                N_("Where the node keeps its data (default: the XDG data folder)"),
                                N_("DIR") };
  entries[1] = (GOptionEntry) { NULL };
  return entries;
}

static int
run_status (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_autofree char *data_dir = NULL;
  g_auto(GStrv) failing = NULL;
  QtrNodeStore *store;
  gint64 followers, requests, following, queued, written, received;
  int status = 0;

  context = new_context (NULL, _("Show followers, follows, posts and the delivery queue."));
  g_option_context_add_main_entries (context, data_dir_entries (&data_dir), GETTEXT_PACKAGE);
  if (!parse_command_line (context, &argc, &argv, &status))
    return status;
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  node = qtr_node_open (data_dir, &error);
  if (node == NULL)
    return fail (error);
  store = qtr_node_get_store (node);

  followers = qtr_node_store_count_follows (store, "followers", TRUE, &error);
  requests = followers < 0 ? -1 : qtr_node_store_count_follows (store, "followers", FALSE,
                                                                 &error);
  following = requests < 0 ? -1 : qtr_node_store_count_follows (store, "following", TRUE,
                                                                 &error);
  queued = following < 0 ? -1 : qtr_node_store_count_deliveries (store, &error);
  written = queued < 0 ? -1 : qtr_node_store_count_statuses (store, TRUE, &error);
  received = written < 0 ? -1 : qtr_node_store_count_statuses (store, FALSE, &error);
  failing = received < 0 ? NULL : qtr_node_store_failing_hosts (store, &error);
  if (failing == NULL)
    return fail (error);

  {
    g_autofree char *n_followers = g_strdup_printf ("%" G_GINT64_FORMAT, followers);
    g_autofree char *n_requests = g_strdup_printf ("%" G_GINT64_FORMAT, requests - followers);
    g_autofree char *n_following = g_strdup_printf ("%" G_GINT64_FORMAT, following);
    g_autofree char *n_queued = g_strdup_printf ("%" G_GINT64_FORMAT, queued);
    g_autofree char *n_written = g_strdup_printf ("%" G_GINT64_FORMAT, written);
    g_autofree char *n_received = g_strdup_printf ("%" G_GINT64_FORMAT, received - written);

    g_print (_("Node: %s"), qtr_node_get_base_url (node));
    g_print ("\n");
    /* Translators: both %s are numbers. */
    g_print (_("Followers: %s (%s waiting for approval)"), n_followers, n_requests);
    g_print ("\n");
    /* Translators: %s is a number. */
    g_print (_("Following: %s"), n_following);
    g_print ("\n");
    /* Translators: both %s are numbers. */
    g_print (_("Posts: %s written here, %s received"), n_written, n_received);
    g_print ("\n");
    /* Translators: %s is a number. */
    g_print (_("Deliveries waiting: %s"), n_queued);
    g_print ("\n");
  }
  if (failing[0] == NULL)
    g_print ("%s\n", _("Failing hosts: none"));
  else
    g_print ("%s\n", _("Failing hosts (host, deliveries waiting, attempts, last error):"));
  for (guint i = 0; failing[i] != NULL; i++)
    g_print ("  %s\n", failing[i]);
  return 0;
}

/* The shape of the commands that take --data-dir and one argument: parses the command line,
 * then opens the node. Returns %NULL with *status set when the command must stop. */
static QtrNode *
open_node_with_argument (int          *argc,
                         char       ***argv,
                         const char   *parameter,
                         const char   *summary,
                         const char   *missing_argument,
                         int          *status)
{
  g_autoptr(GOptionContext) context = new_context (parameter, summary);
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  QtrNode *node;

  g_option_context_add_main_entries (context, data_dir_entries (&data_dir), GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = fail_usage (error->message);
      return NULL;
    }
  if (*argc != 2)
    {
      *status = fail_usage (missing_argument);
      return NULL;
    }
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  node = qtr_node_open (data_dir, &error);
  if (node == NULL)
    *status = fail (error);
  return node;
}

/* Waiting for an _async call of the node: the command runs the loop until it is done. */
typedef struct {
  GMainLoop *loop;
  char      *result;
  GError    *error;
  char    *(*finish) (QtrNode *, GAsyncResult *, GError **);
} NodeWait;

static void
node_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  NodeWait *wait = user_data;

  wait->result = wait->finish (QTR_NODE (source), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

/* Runs the loop until @wait is done. Returns the exit status of a failure, 0 on success. */
static int
wait_for_node (NodeWait *wait)
{
  int status;

  g_main_loop_run (wait->loop);
  g_main_loop_unref (wait->loop);
  if (wait->error == NULL)
    return 0;
  status = fail (wait->error);
  g_error_free (wait->error);
  return status;
}

/* A command that takes --data-dir and one argument, and makes one call of the node on it:
 * @act (or @act_uri, which returns the account's address) at once, or @start and @finish
 * while the loop runs. The strings are untranslated (N_()). With @tell_argument, the
 * command tells of its argument rather than of what @act_uri or @finish returned. */
typedef struct {
  const char *parameter;
  const char *summary;
  const char *missing_argument;
  gboolean  (*act) (QtrNode *, const char *, GError **);
  char     *(*act_uri) (QtrNode *, const char *, GError **);
  void      (*start) (QtrNode *, const char *, GCancellable *, GAsyncReadyCallback, gpointer);
  char     *(*finish) (QtrNode *, GAsyncResult *, GError **);
  gboolean    tell_argument;
} NodeCommand;

/* Prints a line of @format, which run_node_command()'s callers give as a literal, where the
 * compiler checks it. */
static void
print_line (const char *format,
            ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("%s\n", line);
}

static int run_node_command (const NodeCommand  *command,
                             int                 argc,
                             char              **argv,
                             const char         *told) G_GNUC_PRINTF (4, 0);

/* Runs @command on the command line's argument and, when it worked, prints @told (translated,
 * its %s the address the node returned, or the argument). Returns the exit status. */
static int
run_node_command (const NodeCommand  *command,
                  int                 argc,
                  char              **argv,
                  const char         *told)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_autofree char *done = NULL;
  NodeWait wait = { .finish = command->finish };
  int status = 0;

  node = open_node_with_argument (&argc, &argv, _(command->parameter), _(command->summary),
                                  _(command->missing_argument), &status);
  if (node == NULL)
    return status;
  if (command->start != NULL)
    {
      wait.loop = g_main_loop_new (NULL, FALSE);
      command->start (node, argv[1], NULL, node_done_cb, &wait);
      status = wait_for_node (&wait);
      if (status != 0)
        return status;
      done = g_steal_pointer (&wait.result);
    }
  else if (command->act_uri != NULL)
    {
      done = command->act_uri (node, argv[1], &error);
      if (done == NULL)
        return fail (error);
    }
  else if (!command->act (node, argv[1], &error))
    return fail (error);
  print_line (told, done == NULL || command->tell_argument ? argv[1] : done);
  return 0;
}

static int
run_follow (int    argc,
            char **argv)
{
  static const NodeCommand command = {
    N_("@USER@HOST"), N_("Follow an account of another server."),
    N_("Name one account to follow, e.g. @alice@example.org."),
    .start = qtr_node_follow_async, .finish = qtr_node_follow_finish,
  };
  int status;

  /* Translators: %s is the followed account's address (a URL). */
  status = run_node_command (&command, argc, argv, _("Follow request for %s queued."));
  if (status == 0)
    g_print ("%s\n", _("The running node delivers it; if the node is not running, it goes "
                        "out when it next runs."));
  return status;
}

static int
run_unfollow (int    argc,
              char **argv)
{
  static const NodeCommand command = {
    N_("@USER@HOST"), N_("Stop following an account."),
    N_("Name one account to stop following, e.g. @alice@example.org."),
    .act_uri = qtr_node_unfollow,
  };

  /* Translators: %s is the account's address (a URL). */
  return run_node_command (&command, argc, argv, _("No longer following %s; the Undo is queued."));
}

static int
fail_attach (const char   *path,
             const GError *error)
{
  g_autofree char *name = g_filename_display_name (path);

  /* Translators: the first %s is the program name, the second a file name, the third why
   * that file cannot be used. */
  g_printerr (_("%s: cannot use %s: %s"), PRGNAME, name, error->message);
  g_printerr ("\n");
  return 1;
}

/* What post and edit both take: the text's options and the media to attach. */
typedef struct {
  char     *data_dir;
  char     *summary;
  char     *language;
  GStrv     files;
  GStrv     alts;
  gboolean  sensitive;
  GArray   *media_ids;  /* gint64, filled by attach_files() */
} ComposeOptions;

static void
compose_options_clear (ComposeOptions *options)
{
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->summary, g_free);
  g_clear_pointer (&options->language, g_free);
  g_clear_pointer (&options->files, g_strfreev);
  g_clear_pointer (&options->alts, g_strfreev);
  g_clear_pointer (&options->media_ids, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ComposeOptions, compose_options_clear)

/* Parses the command line with @entries (the command's own) and the compose options; on
 * failure returns FALSE with the exit status in @status. */
static gboolean
parse_compose_options (GOptionContext  *context,
                       const GOptionEntry *entries,
                       ComposeOptions  *options,
                       int             *argc,
                       char          ***argv,
                       int             *status)
{
  g_autoptr(GError) error = NULL;
  const GOptionEntry shared[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &options->data_dir,
      N_("Where the node keeps its data (default: the XDG data folder)"), N_("DIR") },
    { "content-warning", 'w', 0, G_OPTION_ARG_STRING, &options->summary,
      N_("A content warning shown before the post"), N_("TEXT") },
    { "language", 'l', 0, G_OPTION_ARG_STRING, &options->language,
      N_("The post's language, e.g. en, es or sv"), N_("CODE") },
    { "attach", 'a', 0, G_OPTION_ARG_FILENAME_ARRAY, &options->files,
      N_("Attach an image, video or audio file (up to 4; repeat the option)"), N_("FILE") },
    { "alt", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->alts,
      N_("The description of an attached file, for people who cannot see it (the first "
         "--alt goes with the first --attach, and so on)"), N_("TEXT") },
    { "sensitive", 0, 0, G_OPTION_ARG_NONE, &options->sensitive,
      N_("Mark the attached media as sensitive (hidden until clicked)"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, shared, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = fail_usage (error->message);
      return FALSE;
    }
  if (options->files != NULL && g_strv_length (options->files) > QTR_POST_MAX_MEDIA)
    {
      *status = fail_usage (_("A post can have at most 4 attachments."));
      return FALSE;
    }
  if (options->alts != NULL &&
      (options->files == NULL || g_strv_length (options->alts) > g_strv_length (options->files)))
    {
      *status = fail_usage (_("Each --alt describes one --attach file: give no more --alt "
                              "than --attach."));
      return FALSE;
    }
  if (options->data_dir == NULL)
    options->data_dir = qtr_node_default_data_dir ();
  options->media_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  return TRUE;
}

/* Adds the files to attach to the node's media; returns 0 or the exit status of a failure. */
static int
attach_files (QtrNode        *node,
              ComposeOptions *options)
{
  for (guint i = 0; options->files != NULL && options->files[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      const char *alt = options->alts != NULL && i < g_strv_length (options->alts)
                        ? options->alts[i] : NULL;
      g_autoptr(QtrMedia) media = qtr_node_add_media_file (node, options->files[i], alt,
                                                           &error);

      if (media == NULL)
        return fail_attach (options->files[i], error);
      g_array_append_val (options->media_ids, media->id);
    }
  return 0;
}

static int
run_post (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_auto(ComposeOptions) options = { 0 };
  g_autofree char *visibility_name = NULL;
  g_autofree char *in_reply_to = NULL;
  NodeWait wait = { .finish = qtr_node_post_finish };
  QtrVisibility visibility = QTR_VISIBILITY_PUBLIC;
  int status = 0;
  const GOptionEntry entries[] = {
    { "visibility", 'v', 0, G_OPTION_ARG_STRING, &visibility_name,
      N_("Who may see it: public, unlisted, private (followers) or direct (mentioned only)"),
      N_("WHO") },
    { "in-reply-to", 'r', 0, G_OPTION_ARG_STRING, &in_reply_to,
      N_("The address of the post this answers (fetched from its server when not known)"),
      N_("URL") },
    { NULL }
  };

  context = new_context (_("TEXT"), _("Publish a post to your followers (and to those it mentions)."));
  if (!parse_compose_options (context, entries, &options, &argc, &argv, &status))
    return status;
  if (argc > 2 || (argc != 2 && options.files == NULL))
    return fail_usage (_("Give the text of the post as one argument, in quotes."));
  if (visibility_name != NULL && !qtr_visibility_from_string (visibility_name, &visibility))
    return fail_usage (_("--visibility takes public, unlisted, private or direct."));

  node = qtr_node_open (options.data_dir, &error);
  if (node == NULL)
    return fail (error);
  status = attach_files (node, &options);
  if (status != 0)
    return status;
  {
    QtrPostRequest request = { .text = argc == 2 ? argv[1] : "", .visibility = visibility,
                               .summary = options.summary, .language = options.language,
                               .in_reply_to = in_reply_to,
                               .media_ids = (const gint64 *) (gpointer) options.media_ids->data,
                               .n_media = options.media_ids->len,
                               .sensitive = options.sensitive };

    wait.loop = g_main_loop_new (NULL, FALSE);
    qtr_node_post_async (node, &request, NULL, node_done_cb, &wait);
  }
  status = wait_for_node (&wait);
  if (status != 0)
    return status;

  /* Translators: %s is the new post's address (a URL). */
  g_print (_("Posted %s; it is delivered while the node runs."), wait.result);
  g_print ("\n");
  g_free (wait.result);
  return 0;
}

static int
run_edit (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_auto(ComposeOptions) options = { 0 };
  int status = 0;

  context = new_context (_("URL TEXT"),
                         _("Edit one of your posts: it reads as given from now on, and the "
                           "servers it went to get the new version. Give the content warning "
                           "and language again to keep them; the attached media stay unless "
                           "--attach gives new ones."));
  if (!parse_compose_options (context, NULL, &options, &argc, &argv, &status))
    return status;
  if (argc != 3)
    return fail_usage (_("Give the address of the post, then its new text in quotes."));

  node = qtr_node_open (options.data_dir, &error);
  if (node == NULL)
    return fail (error);
  status = attach_files (node, &options);
  if (status != 0)
    return status;
  {
    QtrPostRequest request = { .text = argv[2], .summary = options.summary,
                               .language = options.language,
                               .media_ids = (const gint64 *) (gpointer) options.media_ids->data,
                               .n_media = options.media_ids->len,
                               .sensitive = options.sensitive,
                               .keep_media = options.files == NULL };

    if (!qtr_node_edit_post (node, argv[1], &request, &error))
      return fail (error);
  }

  /* Translators: %s is the edited post's address (a URL). */
  g_print (_("Edited %s; the new version is delivered while the node runs."), argv[1]);
  g_print ("\n");
  return 0;
}

static int
run_delete (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  int status = 0;

  node = open_node_with_argument (&argc, &argv, _("URL"),
                                  _("Delete one of your posts, here and on the servers it "
                                    "reached."),
                                  _("Give the address of the post to delete."), &status);
  if (node == NULL)
    return status;
  if (!qtr_node_delete_post (node, argv[1], &error))
    return fail (error);

  /* Translators: %s is the deleted post's address (a URL). */
  g_print (_("Deleted %s."), argv[1]);
  g_print ("\n");
  return 0;
}

#define MAX_PASSWORD_LENGTH 1024

/* One line from standard input, without its line break; when it is a terminal, after
 * @prompt and without echo. */
static char *
read_secret_line (const char *prompt)
{
  char buffer[MAX_PASSWORD_LENGTH + 2];
  gboolean terminal = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  char *line;

  if (terminal)
    {
      g_printerr ("%s", prompt);
      if (tcgetattr (STDIN_FILENO, &saved) != 0)
        terminal = FALSE;
      else
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          quiet.c_lflag |= ECHONL;
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
        }
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (terminal)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  if (line == NULL)
    return NULL;
  buffer[strcspn (buffer, "\r\n")] = '\0';
  line = g_strdup (buffer);
  memset (buffer, 0, sizeof buffer);
  return line;
}

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;
  memset (secret, 0, strlen (secret));
  g_free (secret);
}

static int
run_password (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_autofree char *data_dir = NULL;
  char *password = NULL;
  int status = 0;

  context = new_context (NULL, _("Set the password you sign in to apps with (Mastodon apps, "
                                 "Quitter on another computer). It is read from the terminal "
                                 "without echo, or as one line from standard input."));
  g_option_context_add_main_entries (context, data_dir_entries (&data_dir), GETTEXT_PACKAGE);
  if (!parse_command_line (context, &argc, &argv, &status))
    return status;
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  node = qtr_node_open (data_dir, &error);
  if (node == NULL)
    return fail (error);

  password = read_secret_line (_("New password: "));
  if (password == NULL || *password == '\0')
    {
      free_secret (password);
      g_printerr ("%s: %s\n", PRGNAME, _("No password was given; nothing was changed."));
      return 1;
    }
  if (!g_utf8_validate (password, -1, NULL) ||
      g_utf8_strlen (password, -1) < QTR_NODE_PASSWORD_MIN_LENGTH)
    {
      g_autofree char *message = NULL;

      free_secret (password);
      /* Translators: %d is a number of characters. */
      message = g_strdup_printf (_("The password needs at least %d characters; nothing was "
                                   "changed."), QTR_NODE_PASSWORD_MIN_LENGTH);
      g_printerr ("%s: %s\n", PRGNAME, message);
      return 1;
    }
  if (isatty (STDIN_FILENO))
    {
      char *again = read_secret_line (_("Type it again: "));
      gboolean same = again != NULL && g_str_equal (again, password);

      free_secret (again);
      if (!same)
        {
          free_secret (password);
          g_printerr ("%s: %s\n", PRGNAME, _("The two passwords differ; nothing was changed."));
          return 1;
        }
    }

  if (!qtr_node_set_password (node, password, &error))
    {
      free_secret (password);
      return fail (error);
    }
  free_secret (password);

  g_print ("%s\n", _("Password set. Apps ask for it when you sign in to them."));
  return 0;
}

static int
run_token (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *scopes_text = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *token = NULL;
  QtrOAuthScopes scope_set;
  int status = 0;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the node keeps its data (default: the XDG data folder)"), N_("DIR") },
    { "scopes", 's', 0, G_OPTION_ARG_STRING, &scopes_text,
      N_("What the token may do, e.g. \"read write follow\" (default: read)"), N_("SCOPES") },
    { NULL }
  };

  context = new_context (NULL, _("Print a new access token for the node’s Mastodon client API, "
                                 "acting for you: for the desktop app and for scripts. Keep it "
                                 "secret."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_command_line (context, &argc, &argv, &status))
    return status;
  if (!qtr_oauth_scopes_parse (scopes_text ? scopes_text : "read", &scope_set, &unknown))
    {
      /* Translators: %s is what the user typed as a scope. */
      g_autofree char *message = g_strdup_printf (_("Unknown scope “%s”: use read, write, "
                                                    "follow, push, profile or granular ones "
                                                    "such as read:accounts."), unknown);
      return fail_usage (message);
    }
  if (scope_set == 0)
    return fail_usage (_("--scopes is empty: name at least one, e.g. --scopes read."));
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  node = qtr_node_open (data_dir, &error);
  if (node == NULL)
    return fail (error);

  scopes = qtr_oauth_scopes_to_string (scope_set);
  token = qtr_node_mint_token (node, scopes, &error);
  if (token == NULL)
    return fail (error);
  g_print ("%s\n", token);
  return 0;
}

static int
run_boost (int    argc,
           char **argv)
{
  static const NodeCommand command = {
    N_("URL"), N_("Boost a post to your followers (fetched from its server when not known)."),
    N_("Give the address of the post to boost."),
    .start = qtr_node_boost_async, .finish = qtr_node_boost_finish, .tell_argument = TRUE,
  };

  return run_node_command (&command, argc, argv,
                           /* Translators: %s is the boosted post's address (a URL). */
                           _("Boosted %s; it is delivered while the node runs."));
}

static int
run_unboost (int    argc,
             char **argv)
{
  static const NodeCommand command = {
    N_("URL"), N_("Take back your boost of a post."),
    N_("Give the address of the boosted post."), .act = qtr_node_unboost,
  };

  /* Translators: %s is the post's address (a URL). */
  return run_node_command (&command, argc, argv, _("No longer boosting %s; the Undo is queued."));
}

static int
run_like (int    argc,
          char **argv)
{
  static const NodeCommand command = {
    N_("URL"), N_("Like a post: yours, or one that reached you."),
    N_("Give the address of the post to like."), .act = qtr_node_like,
  };

  /* Translators: %s is the liked post's address (a URL). */
  return run_node_command (&command, argc, argv, _("Liked %s."));
}

static int
run_unlike (int    argc,
            char **argv)
{
  static const NodeCommand command = {
    N_("URL"), N_("Take a like back."),
    N_("Give the address of the post you liked."), .act = qtr_node_unlike,
  };

  /* Translators: %s is the post's address (a URL). */
  return run_node_command (&command, argc, argv, _("No longer liking %s; the Undo is queued."));
}

static int
run_block (int    argc,
           char **argv)
{
  static const NodeCommand command = {
    N_("@USER@HOST|URL"),
    N_("Block an account: follows between you end, and nothing goes either way any more."),
    N_("Name one account to block, e.g. @alice@example.org."),
    .start = qtr_node_block_async, .finish = qtr_node_block_finish,
  };

  /* Translators: %s is the blocked account's address (a URL). */
  return run_node_command (&command, argc, argv, _("Blocked %s."));
}

static int
run_unblock (int    argc,
             char **argv)
{
  static const NodeCommand command = {
    N_("@USER@HOST|URL"), N_("Lift a block."),
    N_("Name one blocked account, e.g. @alice@example.org."), .act_uri = qtr_node_unblock,
  };

  /* Translators: %s is the account's address (a URL). */
  return run_node_command (&command, argc, argv, _("No longer blocking %s; the Undo is queued."));
}

static void
print_profile (QtrNode *node)
{
  QtrNodeOwner *owner = qtr_node_get_owner (node);
  g_autofree char *actor = qtr_node_get_actor_url (node);
  g_autofree char *summary = qtr_html_to_text (owner->summary);

  /* Translators: %s is the owner's actor address (a URL). */
  g_print (_("Account: %s"), actor);
  g_print ("\n");
  /* Translators: %s is the owner's display name. */
  g_print (_("Display name: %s"), owner->display_name);
  g_print ("\n");
  /* Translators: %s is the owner's profile text. */
  g_print (_("Profile text: %s"), summary);
  g_print ("\n");
  for (guint i = 0; i < 2; i++)
    {
      gint64 id = i == 0 ? owner->avatar_id : owner->header_id;
      g_autoptr(QtrMedia) media = id > 0 ? qtr_node_find_media (node, id, NULL) : NULL;
      const char *url = media != NULL ? media->url : _("none");

      /* Translators: %s is an image's address (a URL), or “none”. */
      g_print (i == 0 ? _("Avatar: %s") : _("Header: %s"), url);
      g_print ("\n");
    }
  for (guint i = 0; owner->also_known_as[i] != NULL; i++)
    {
      /* Translators: %s is another account of the owner (a URL). */
      g_print (_("Also known as: %s"), owner->also_known_as[i]);
      g_print ("\n");
    }
  if (owner->moved_to != NULL)
    {
      /* Translators: %s is the account the owner moved to (a URL). */
      g_print (_("Moved to: %s"), owner->moved_to);
      g_print ("\n");
    }
}

static int
run_profile (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_autoptr(QtrMedia) avatar = NULL;
  g_autoptr(QtrMedia) header = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *avatar_path = NULL;
  g_autofree char *header_path = NULL;
  QtrProfileEdit edit = { 0 };
  int status = 0;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the node keeps its data (default: the XDG data folder)"), N_("DIR") },
    { "display-name", 'n', 0, G_OPTION_ARG_STRING, &display_name,
      N_("The name shown to others (at most 30 characters)"), N_("TEXT") },
    { "summary", 's', 0, G_OPTION_ARG_STRING, &summary,
      N_("The profile text, plain text; links, hashtags and mentions are linked"), N_("TEXT") },
    { "avatar", 0, 0, G_OPTION_ARG_FILENAME, &avatar_path,
      N_("An image to show as the avatar (PNG, JPEG, GIF or WebP)"), N_("FILE") },
    { "header", 0, 0, G_OPTION_ARG_FILENAME, &header_path,
      N_("An image to show as the profile's header"), N_("FILE") },
    { NULL }
  };

  context = new_context (NULL, _("Show your profile, or change it and send the change to your "
                                 "followers' servers."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_command_line (context, &argc, &argv, &status))
    return status;
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  node = qtr_node_open (data_dir, &error);
  if (node == NULL)
    return fail (error);
  if (display_name == NULL && summary == NULL && avatar_path == NULL && header_path == NULL)
    {
      print_profile (node);
      return 0;
    }

  if (avatar_path != NULL &&
      (avatar = qtr_node_add_media_file (node, avatar_path, NULL, &error)) == NULL)
    return fail_attach (avatar_path, error);
  if (header_path != NULL &&
      (header = qtr_node_add_media_file (node, header_path, NULL, &error)) == NULL)
    return fail_attach (header_path, error);
  edit.display_name = display_name;
  edit.summary = summary;
  edit.avatar_id = avatar != NULL ? avatar->id : 0;
  edit.header_id = header != NULL ? header->id : 0;
  if (!qtr_node_update_profile (node, &edit, &error))
    return fail (error);

  g_print ("%s\n", _("Profile changed; the running node sends the change to your followers' "
                      "servers."));
  return 0;
}

static int
run_alias (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *actor = NULL;
  gboolean add;

  context = new_context (_("add|remove @USER@HOST|URL"),
                         _("Add or remove another account of yours. An account can move here "
                           "only from an account listed as an alias."));
  g_option_context_add_main_entries (context, data_dir_entries (&data_dir), GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail_usage (error->message);
  if (argc != 3 || !(g_str_equal (argv[1], "add") || g_str_equal (argv[1], "remove")))
    return fail_usage (_("Say add or remove, then the account, e.g. “alias add "
                         "@alice@old.example”."));
  add = g_str_equal (argv[1], "add");
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  node = qtr_node_open (data_dir, &error);
  if (node == NULL)
    return fail (error);

  if (add)
    {
      NodeWait wait = { .finish = qtr_node_add_alias_finish };
      int status;

      wait.loop = g_main_loop_new (NULL, FALSE);
      qtr_node_add_alias_async (node, argv[2], NULL, node_done_cb, &wait);
      status = wait_for_node (&wait);
      if (status != 0)
        return status;
      actor = wait.result;
      /* Translators: %s is an account's address (a URL). */
      g_print (_("%s is now an alias of your account."), actor);
    }
  else
    {
      actor = qtr_node_remove_alias (node, argv[2], &error);
      if (actor == NULL)
        return fail (error);
      /* Translators: %s is an account's address (a URL). */
      g_print (_("%s is no longer an alias of your account."), actor);
    }
  g_print ("\n");
  return 0;
}

static int
run_move (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *target = NULL;
  NodeWait wait = { .finish = qtr_node_move_finish };
  int status = 0;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the node keeps its data (default: the XDG data folder)"), N_("DIR") },
    { "to", 't', 0, G_OPTION_ARG_STRING, &target,
      N_("Your new account, which lists this one as an alias"), N_("@USER@HOST") },
    { NULL }
  };

  context = new_context (NULL, _("Move your followers to your new account. Add this account "
                                 "as an alias on the new one first."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_command_line (context, &argc, &argv, &status))
    return status;
  if (target == NULL)
    return fail_usage (_("--to is missing: name your new account, e.g. --to @alice@new.example."));
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  node = qtr_node_open (data_dir, &error);
  if (node == NULL)
    return fail (error);

  wait.loop = g_main_loop_new (NULL, FALSE);
  qtr_node_move_async (node, target, NULL, node_done_cb, &wait);
  status = wait_for_node (&wait);
  if (status != 0)
    return status;

  /* Translators: %s is the new account's address (a URL). */
  g_print (_("Moved to %s; the running node tells your followers' servers."), wait.result);
  g_print ("\n");
  g_free (wait.result);
  return 0;
}

static int
run_delete_account (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrNode) node = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *confirm = NULL;
  int status = 0;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the node keeps its data (default: the XDG data folder)"), N_("DIR") },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm,
      N_("Your user name, to confirm that the account is to be deleted"), N_("NAME") },
    { NULL }
  };

  context = new_context (NULL, _("Delete your account for good: every server the node knows "
                                 "is told, and the account's addresses answer “gone” from "
                                 "then on. This cannot be undone."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_command_line (context, &argc, &argv, &status))
    return status;
  if (data_dir == NULL)
    data_dir = qtr_node_default_data_dir ();

  node = qtr_node_open (data_dir, &error);
  if (node == NULL)
    return fail (error);
  if (confirm == NULL || g_ascii_strcasecmp (confirm, qtr_node_get_owner (node)->username) != 0)
    {
      /* Translators: %s is the owner's user name. */
      g_autofree char *message = g_strdup_printf (_("To delete the account, confirm with "
                                                    "--confirm %s."),
                                                  qtr_node_get_owner (node)->username);
      return fail_usage (message);
    }
  if (!qtr_node_delete_account (node, &error))
    return fail (error);

  g_print ("%s\n", _("The account is deleted. Keep the node running until “quitter-node "
                      "status” shows no deliveries waiting: that is how the other servers "
                      "hear of it."));
  return 0;
}

/**
 * qtr_node_cli_run:
 *
 * Parses @argv and runs what it asks for.
 *
 * Returns: the process exit status: 0 on success, 1 on failure, 2 for a usage error
 */
int
qtr_node_cli_run (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  gboolean show_version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &show_version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_set_prgname (PRGNAME);

  /* A command first: its own options follow it. */
  if (argc > 1 && argv[1][0] != '-')
    {
      for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        {
          if (g_str_equal (argv[1], commands[i].name))
            {
              g_autofree char *prgname = g_strdup_printf ("%s %s", PRGNAME, commands[i].name);
              g_set_prgname (prgname);
              return commands[i].run (argc - 1, argv + 1);
            }
        }
      {
        /* Translators: %s is what the user typed after the program name. */
        g_autofree char *message = g_strdup_printf (_("Unknown command “%s”."), argv[1]);
        return fail_usage (message);
      }
    }

  context = new_context (_("COMMAND"), _("Quitter’s personal fediverse node, without the desktop app."));
  description = describe_commands ();
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail_usage (error->message);
  if (argc > 1)
    {
      /* Translators: %s is what the user typed after the program name. */
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”."), argv[1]);
      return fail_usage (message);
    }

  if (show_version)
    {
      g_print ("%s %s\n", PRGNAME, PACKAGE_VERSION);
      return 0;
    }

  {
    g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
    g_print ("%s", help);
  }
  return 0;
}
