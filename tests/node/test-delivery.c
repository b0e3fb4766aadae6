/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "node-test-util.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "qtr-delivery-queue.h"
#include "qtr-http-signature.h"
#include "qtr-keys.h"
#include "qtr-node-store.h"

/* The delivery queue against a real inbox on loopback whose answers each test scripts: what
 * arrives, signed how, and what is left in the deliveries table after each kind of answer. */

#define KEY_ID "http://127.0.0.1:9/users/tester#main-key"
#define DAY (24 * 60 * 60)
#define MAX_DELAY (12 * 60 * 60)

/* One key for every test: generating one takes a while. */
static QtrKey *signing_key;
static QtrKey *public_key;

/* One scripted answer: a status, and a Retry-After value to send with it. */
typedef struct {
  guint       status;
  const char *retry_after;
} Answer;

/* One request as the inbox saw it, with the job's row as it was at that moment. */
typedef struct {
  char     *host;
  char     *path;
  GBytes   *body;
  gint64    at;
  gboolean  row_found;
  gint64    row_attempts;
  gint64    row_next_attempt_at;
  char     *row_last_error;
} Received;

typedef struct {
  char             *dir;
  QtrNodeStore     *store;
  QtrFetcher       *fetcher;
  QtrDeliveryQueue *queue;

  SoupServer       *server;
  char             *base;         /* http://127.0.0.1:PORT */
  char             *other_base;   /* http://127.0.0.2:PORT, another host for the queue */

  GHashTable       *answers;      /* path -> GQueue of Answer, answered in turn, then 202 */
  gboolean          pause;        /* hold every request until released */
  guint             release_ms;   /* 0: until the test releases them; else after this long */
  GPtrArray        *paused;       /* SoupServerMessage */
  GHashTable       *open;         /* host -> requests held now */
  GHashTable       *max_open;     /* host -> most requests held at once */
  GPtrArray        *received;     /* Received */
} Fixture;

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
received_free (Received *received)
{
  g_free (received->host);
  g_free (received->path);
  g_bytes_unref (received->body);
  g_free (received->row_last_error);
  g_free (received);
}

static void
answers_free (GQueue *answers)
{
  g_queue_free_full (answers, g_free);
}

/* The job's row, by its inbox URL. */
typedef struct {
  gint64  attempts;
  gint64  next_attempt_at;
  gint64  created_at;
  char   *last_error;
} Row;

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->last_error, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Row, row_clear)

static gboolean
read_row (Fixture    *fixture,
          const char *inbox,
          Row        *row)
{
  QtrDb *db = qtr_node_store_get_db (fixture->store);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = qtr_db_prepare (db,
                                       "SELECT attempts, next_attempt_at, created_at, last_error"
                                       " FROM deliveries WHERE inbox = ?1", &error);
  int rc;

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, inbox, -1, SQLITE_TRANSIENT);
  rc = qtr_db_step (db, stmt, &error);
  g_assert_no_error (error);
  if (rc != SQLITE_ROW)
    return FALSE;
  row_clear (row);
  row->attempts = sqlite3_column_int64 (stmt, 0);
  row->next_attempt_at = sqlite3_column_int64 (stmt, 1);
  row->created_at = sqlite3_column_int64 (stmt, 2);
  row->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  sqlite3_reset (stmt);
  return TRUE;
}

static gint64
count_jobs (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  gint64 n = qtr_node_store_count_deliveries (fixture->store, &error);

  g_assert_no_error (error);
  return n;
}

static void
exec_sql (Fixture    *fixture,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  qtr_db_exec (qtr_node_store_get_db (fixture->store), sql, &error);
  g_assert_no_error (error);
}

static char *
host_of (const char *authority)
{
  const char *colon = strrchr (authority, ':');

  return colon ? g_strndup (authority, colon - authority) : g_strdup (authority);
}

static guint
get_count (GHashTable *table,
           const char *host)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, host));
}

static void
set_count (GHashTable *table,
           const char *host,
           guint       count)
{
  g_hash_table_insert (table, g_strdup (host), GUINT_TO_POINTER (count));
}

/* The request is signed by our key, over a Digest that matches the body. */
static void
assert_signed (SoupServerMessage *msg,
               const char        *authority,
               GBytes            *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(QtrHttpSignature) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_strconcat ("http://", authority, NULL);
  GUri *uri = soup_server_message_get_uri (msg);
  const char * const *components;

  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (headers, "Digest"),
                                   "SHA-256="));
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL),
                                   "application/activity+json"));

  signature = qtr_http_signature_parse (soup_server_message_get_method (msg),
                                        g_uri_get_path (uri), base, headers, body,
                                        now_seconds (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qtr_http_signature_get_key_id (signature), ==, KEY_ID);
  components = qtr_http_signature_get_components (signature);
  g_assert_true (g_strv_contains (components, "digest"));
  g_assert_true (g_strv_contains (components, "(request-target)"));
  g_assert_true (qtr_http_signature_verify (signature, public_key, now_seconds (), &error));
  g_assert_no_error (error);
}

static void
release (Fixture           *fixture,
         SoupServerMessage *msg)
{
  g_autofree char *host = host_of (g_object_get_data (G_OBJECT (msg), "authority"));

  if (!g_ptr_array_remove (fixture->paused, msg))
    return;
  set_count (fixture->open, host, get_count (fixture->open, host) - 1);
  soup_server_message_unpause (msg);
}

static void
release_all (Fixture *fixture)
{
  while (fixture->paused->len > 0)
    release (fixture, g_ptr_array_index (fixture->paused, 0));
}

typedef struct {
  Fixture           *fixture;
  SoupServerMessage *msg;
} Release;

static gboolean
release_cb (gpointer user_data)
{
  Release *data = user_data;

  release (data->fixture, data->msg);
  return G_SOURCE_REMOVE;
}

static void
release_free (gpointer user_data)
{
  Release *data = user_data;

  g_object_unref (data->msg);
  g_free (data);
}

static void
inbox_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authority = soup_message_headers_get_one (headers, "Host");
  Received *received = g_new0 (Received, 1);
  g_autofree char *inbox = g_strconcat ("http://", authority, path, NULL);
  g_auto(Row) row = { 0 };
  GQueue *answers = g_hash_table_lookup (fixture->answers, path);
  g_autofree Answer *answer = answers ? g_queue_pop_head (answers) : NULL;

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  received->host = host_of (authority);
  received->path = g_strdup (path);
  received->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  received->at = now_seconds ();
  received->row_found = read_row (fixture, inbox, &row);
  received->row_attempts = row.attempts;
  received->row_next_attempt_at = row.next_attempt_at;
  received->row_last_error = g_steal_pointer (&row.last_error);
  g_ptr_array_add (fixture->received, received);
  assert_signed (msg, authority, received->body);

  if (answer != NULL && answer->retry_after != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Retry-After", answer->retry_after);
  soup_server_message_set_status (msg, answer ? answer->status : SOUP_STATUS_ACCEPTED, NULL);

  if (fixture->pause)
    {
      guint open = get_count (fixture->open, received->host) + 1;

      set_count (fixture->open, received->host, open);
      set_count (fixture->max_open, received->host,
                 MAX (open, get_count (fixture->max_open, received->host)));
      g_object_set_data_full (G_OBJECT (msg), "authority", g_strdup (authority), g_free);
      g_ptr_array_add (fixture->paused, g_object_ref (msg));
      soup_server_message_pause (msg);
      if (fixture->release_ms > 0)
        {
          Release *data = g_new0 (Release, 1);

          data->fixture = fixture;
          data->msg = g_object_ref (msg);
          g_timeout_add_full (G_PRIORITY_DEFAULT, fixture->release_ms, release_cb, data,
                              release_free);
        }
    }
}

static void
script (Fixture    *fixture,
        const char *path,
        guint       status,
        const char *retry_after)
{
  GQueue *answers = g_hash_table_lookup (fixture->answers, path);
  Answer *answer = g_new0 (Answer, 1);

  if (answers == NULL)
    {
      answers = g_queue_new ();
      g_hash_table_insert (fixture->answers, g_strdup (path), answers);
    }
  answer->status = status;
  answer->retry_after = retry_after;
  g_queue_push_tail (answers, answer);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;

  fixture->dir = g_dir_make_tmp ("quitter-test-delivery-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (fixture->dir, "node.db", NULL);
  fixture->store = qtr_node_store_open (db_path, &error);
  g_assert_no_error (error);

  fixture->fetcher = qtr_fetcher_new ("http://127.0.0.1:9", signing_key, KEY_ID);
  qtr_fetcher_set_allow_private_addresses (fixture->fetcher, TRUE);
  fixture->queue = qtr_delivery_queue_new (fixture->store, fixture->fetcher);
  qtr_delivery_queue_set_poll_interval (fixture->queue, 1);
  qtr_delivery_queue_set_base_delay (fixture->queue, 1);

  fixture->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) answers_free);
  fixture->paused = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->max_open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->received = g_ptr_array_new_with_free_func ((GDestroyNotify) received_free);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, inbox_cb, fixture, NULL);
  fixture->base = qtr_test_listen (fixture->server, "127.0.0.1");
  fixture->other_base = qtr_test_listen (fixture->server, "127.0.0.2");
}

typedef gboolean (*Condition) (Fixture       *fixture,
                               gconstpointer  data);

typedef struct {
  Fixture       *fixture;
  Condition      condition;
  gconstpointer  data;
} Wait;

static gboolean
wait_done (Wait *wait)
{
  return wait->condition (wait->fixture, wait->data);
}

static void
wait_until (Fixture       *fixture,
            Condition      condition,
            gconstpointer  data,
            const char    *what)
{
  Wait wait = { fixture, condition, data };

  qtr_test_wait_until (wait_done, &wait, what);
}

static gboolean
received_at_least (Fixture       *fixture,
                   gconstpointer  data)
{
  return fixture->received->len >= GPOINTER_TO_UINT (data);
}

static gboolean
jobs_left (Fixture       *fixture,
           gconstpointer  data)
{
  return count_jobs (fixture) == GPOINTER_TO_INT (data);
}

static gboolean
attempted_once (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(Row) row = { 0 };

  return read_row (fixture, data, &row) && row.attempts == 1;
}

static gboolean
pointer_cleared (gpointer *pointer)
{
  return *pointer == NULL;
}

static void
finalize_queue (QtrDeliveryQueue **queue)
{
  GObject *weak = G_OBJECT (*queue);

  /* Attempts under way hold the queue until their cancellation comes back. */
  qtr_delivery_queue_stop (*queue);
  g_object_add_weak_pointer (weak, (gpointer *) &weak);
  g_clear_object (queue);
  qtr_test_wait_until (pointer_cleared, &weak, "the stopped queue is finalized");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  finalize_queue (&fixture->queue);
  fixture->pause = FALSE;
  release_all (fixture);
  qtr_test_spin (50);

  soup_server_disconnect (fixture->server);
  g_assert_finalize_object (g_steal_pointer (&fixture->server));
  g_assert_finalize_object (g_steal_pointer (&fixture->fetcher));
  g_assert_finalize_object (g_steal_pointer (&fixture->store));

  g_hash_table_unref (fixture->answers);
  g_ptr_array_unref (fixture->paused);
  g_hash_table_unref (fixture->open);
  g_hash_table_unref (fixture->max_open);
  g_ptr_array_unref (fixture->received);
  g_free (fixture->base);
  g_free (fixture->other_base);
  qtr_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Stores an activity (its JSON returned in @body) and queues it for each of @inboxes. */
static void
queue_activity (Fixture            *fixture,
                guint               n,
                const char * const *inboxes,
                char              **body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:9/activities/%u", n);
  g_autofree char *json = g_strdup_printf ("{\"@context\":\"https://www.w3.org/ns/activitystreams\","
                                           "\"id\":\"%s\",\"type\":\"Create\","
                                           "\"actor\":\"http://127.0.0.1:9/users/tester\","
                                           "\"object\":{\"type\":\"Note\","
                                           "\"content\":\"n\\u00b0%u: caf\xc3\xa9 \xe2\x9c\x93\"}}",
                                           uri, n);
  gint64 row = qtr_node_store_add_activity (fixture->store, uri, "Create", NULL, json, &error);

  g_assert_no_error (error);
  g_assert_cmpint (row, >, 0);
  for (guint i = 0; inboxes[i] != NULL; i++)
    {
      qtr_node_store_queue_delivery (fixture->store, row, inboxes[i], now_seconds (), &error);
      g_assert_no_error (error);
    }
  if (body != NULL)
    *body = g_steal_pointer (&json);
}

static char *
inbox_url (const char *base,
           const char *path)
{
  return g_strconcat (base, path, NULL);
}

static const char *
body_text (Received *received,
           char    **storage)
{
  g_free (*storage);
  *storage = g_strndup (g_bytes_get_data (received->body, NULL), g_bytes_get_size (received->body));
  return *storage;
}

/* Every activity reaches every inbox once, signed, with the stored JSON as its body. */
static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *personal = inbox_url (fixture->base, "/users/alice/inbox");
  g_autofree char *shared = inbox_url (fixture->other_base, "/inbox");
  const char *inboxes[] = { personal, shared, NULL };
  g_autofree char *text = NULL;
  char *bodies[3];

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    queue_activity (fixture, i, inboxes, &bodies[i]);
  g_assert_cmpint (count_jobs (fixture), ==, 6);

  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, jobs_left, GINT_TO_POINTER (0), "every job is delivered");
  g_assert_cmpuint (fixture->received->len, ==, 6);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:9/activities/%u", i);
      g_autoptr(GError) error = NULL;
      g_autofree char *stored = qtr_node_store_get_activity_body (fixture->store, uri, &error);
      guint to_personal = 0, to_shared = 0;

      g_assert_no_error (error);
      g_assert_cmpstr (stored, ==, bodies[i]);
      for (guint j = 0; j < fixture->received->len; j++)
        {
          Received *received = g_ptr_array_index (fixture->received, j);

          if (!g_str_equal (body_text (received, &text), bodies[i]))
            continue;
          if (g_str_equal (received->host, "127.0.0.1"))
            {
              g_assert_cmpstr (received->path, ==, "/users/alice/inbox");
              to_personal++;
            }
          else
            {
              g_assert_cmpstr (received->host, ==, "127.0.0.2");
              g_assert_cmpstr (received->path, ==, "/inbox");
              to_shared++;
            }
          /* The first attempt: nothing had failed. */
          g_assert_true (received->row_found);
          g_assert_cmpint (received->row_attempts, ==, 0);
          g_assert_null (received->row_last_error);
        }
      g_assert_cmpuint (to_personal, ==, 1);
      g_assert_cmpuint (to_shared, ==, 1);
      g_free (bodies[i]);
    }
}

static gboolean
held (Fixture       *fixture,
      gconstpointer  data)
{
  return get_count (fixture->open, "127.0.0.1") == 2 && get_count (fixture->open, "127.0.0.2") == 1;
}

/* No more than two requests at a time to one host, while another host is served beside it. */
static void
test_per_host_limit (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *busy = inbox_url (fixture->base, "/inbox");
  g_autofree char *other = inbox_url (fixture->other_base, "/inbox");
  const char *to_busy[] = { busy, NULL };
  const char *to_other[] = { other, NULL };

  for (guint i = 0; i < 10; i++)
    queue_activity (fixture, i, to_busy, NULL);
  queue_activity (fixture, 10, to_other, NULL);

  fixture->pause = TRUE;
  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, held, NULL, "two requests to one host and one to the other are held");
  /* Long enough for a poll of the queue: no third request to the busy host. */
  qtr_test_spin (1200);
  g_assert_cmpuint (get_count (fixture->max_open, "127.0.0.1"), ==, 2);
  g_assert_cmpuint (fixture->received->len, ==, 3);

  /* From now on each request is held a little while; the limit holds throughout. */
  fixture->release_ms = 20;
  release_all (fixture);
  wait_until (fixture, jobs_left, GINT_TO_POINTER (0), "every job is delivered");
  g_assert_cmpuint (fixture->received->len, ==, 11);
  g_assert_cmpuint (get_count (fixture->max_open, "127.0.0.1"), ==, 2);
  g_assert_cmpuint (get_count (fixture->max_open, "127.0.0.2"), ==, 1);
}

static gboolean
other_host_served (Fixture       *fixture,
                   gconstpointer  data)
{
  return get_count (fixture->max_open, "127.0.0.2") == 1;
}

/* A host that holds its requests, with a backlog longer than what the queue reads at a time
 * (64 jobs), must not keep the jobs of other hosts waiting. */
static void
test_backlog_does_not_block_others (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *busy = inbox_url (fixture->base, "/inbox");
  g_autofree char *other = inbox_url (fixture->other_base, "/inbox");
  const char *to_busy[] = { busy, NULL };
  const char *to_other[] = { other, NULL };
  gint64 deadline;

  for (guint i = 0; i < 70; i++)
    queue_activity (fixture, i, to_busy, NULL);
  queue_activity (fixture, 70, to_other, NULL);

  fixture->pause = TRUE;
  qtr_delivery_queue_start (fixture->queue);
  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (!other_host_served (fixture, NULL) && g_get_monotonic_time () < deadline)
    qtr_test_spin (50);
  /* The held host's backlog does not keep the other host's job out of the batch. */
  g_assert_true (other_host_served (fixture, NULL));
  g_assert_cmpuint (get_count (fixture->max_open, "127.0.0.1"), ==, 2);
}

/* A 503 is tried again after the base delay, then delivered. */
static void
test_transient_then_delivered (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *inbox = inbox_url (fixture->base, "/inbox");
  const char *inboxes[] = { inbox, NULL };
  Received *first, *second;

  script (fixture, "/inbox", SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
  queue_activity (fixture, 1, inboxes, NULL);
  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, jobs_left, GINT_TO_POINTER (0), "the job is delivered");
  g_assert_cmpuint (fixture->received->len, ==, 2);

  first = g_ptr_array_index (fixture->received, 0);
  second = g_ptr_array_index (fixture->received, 1);
  g_assert_true (first->row_found);
  g_assert_cmpint (first->row_attempts, ==, 0);

  /* When the second attempt came, the row said: one failure and why; the queue had waited one
   * base delay (1 s), and while the attempt is under way the job is leased: not due. */
  g_assert_true (second->row_found);
  g_assert_cmpint (second->row_attempts, ==, 1);
  g_assert_nonnull (strstr (second->row_last_error, "503"));
  g_assert_cmpint (second->at, >=, first->at + 1);
  g_assert_cmpint (second->row_next_attempt_at, >, second->at);
  g_assert_true (g_bytes_equal (first->body, second->body));
}

/* Retry-After wins over the backoff: in seconds, or as an HTTP date. */
static void
test_retry_after (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *seconds = inbox_url (fixture->base, "/seconds");
  g_autofree char *dated = inbox_url (fixture->base, "/dated");
  const char *inboxes[] = { seconds, dated, NULL };
  g_autoptr(GDateTime) later = g_date_time_new_from_unix_utc (now_seconds () + 300);
  g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  g_auto(Row) row = { 0 };
  gint64 before = now_seconds (), after;

  script (fixture, "/seconds", 429, "120");
  script (fixture, "/dated", SOUP_STATUS_SERVICE_UNAVAILABLE, date);
  queue_activity (fixture, 1, inboxes, NULL);
  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, attempted_once, seconds, "the 429 is recorded");
  wait_until (fixture, attempted_once, dated, "the 503 is recorded");
  after = now_seconds ();

  g_assert_true (read_row (fixture, seconds, &row));
  g_assert_cmpint (row.next_attempt_at, >=, before + 120);
  g_assert_cmpint (row.next_attempt_at, <=, after + 120);
  g_assert_nonnull (strstr (row.last_error, "429"));

  g_assert_true (read_row (fixture, dated, &row));
  g_assert_cmpint (row.next_attempt_at, >=, before + 299);
  g_assert_cmpint (row.next_attempt_at, <=, after + 300);
  g_assert_nonnull (strstr (row.last_error, "503"));
  g_assert_cmpuint (fixture->received->len, ==, 2);

  /* A restart or the network coming back hurries our own backoff, not the server's wish. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (qtr_node_store_hurry_deliveries (fixture->store, now_seconds (), &error));
    g_assert_no_error (error);
    g_assert_true (read_row (fixture, seconds, &row));
    g_assert_cmpint (row.next_attempt_at, >=, before + 120);
    g_assert_true (read_row (fixture, dated, &row));
    g_assert_cmpint (row.next_attempt_at, >=, before + 299);
  }
}

/* 410 Gone and 400 Bad Request: the same request gets the same answer; dropped at once. */
static void
test_permanent (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *gone = inbox_url (fixture->base, "/gone");
  g_autofree char *bad = inbox_url (fixture->base, "/bad");
  const char *inboxes[] = { gone, bad, NULL };

  script (fixture, "/gone", SOUP_STATUS_GONE, NULL);
  script (fixture, "/bad", SOUP_STATUS_BAD_REQUEST, NULL);
  queue_activity (fixture, 1, inboxes, NULL);
  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, jobs_left, GINT_TO_POINTER (0), "both jobs are dropped");
  /* A poll later, nothing was tried again. */
  qtr_test_spin (1100);
  g_assert_cmpuint (fixture->received->len, ==, 2);
}

/* 401 (a key the other side has not fetched yet) and 408: kept for later. */
static void
test_transient_4xx (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *unauthorized = inbox_url (fixture->base, "/unauthorized");
  g_autofree char *timeout = inbox_url (fixture->base, "/timeout");
  const char *inboxes[] = { unauthorized, timeout, NULL };
  g_auto(Row) row = { 0 };
  gint64 before = now_seconds (), after;

  qtr_delivery_queue_set_base_delay (fixture->queue, 60);
  script (fixture, "/unauthorized", SOUP_STATUS_UNAUTHORIZED, NULL);
  script (fixture, "/timeout", SOUP_STATUS_REQUEST_TIMEOUT, NULL);
  queue_activity (fixture, 1, inboxes, NULL);
  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, attempted_once, unauthorized, "the 401 is recorded");
  wait_until (fixture, attempted_once, timeout, "the 408 is recorded");
  after = now_seconds ();

  g_assert_true (read_row (fixture, unauthorized, &row));
  g_assert_nonnull (strstr (row.last_error, "401"));
  g_assert_cmpint (row.next_attempt_at, >=, before + 60);
  g_assert_cmpint (row.next_attempt_at, <=, after + 60);
  g_assert_true (read_row (fixture, timeout, &row));
  g_assert_nonnull (strstr (row.last_error, "408"));
  g_assert_cmpint (row.next_attempt_at, >=, before + 60);
  g_assert_cmpint (count_jobs (fixture), ==, 2);
}

/* Nothing listens: kept, counted, and the error says so. */
static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *inbox = g_strdup_printf ("http://127.0.0.1:%u/inbox",
                                            qtr_test_pick_free_port ());
  const char *inboxes[] = { inbox, NULL };
  g_auto(Row) row = { 0 };
  gint64 before = now_seconds (), after;

  qtr_delivery_queue_set_base_delay (fixture->queue, 60);
  queue_activity (fixture, 1, inboxes, NULL);
  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, attempted_once, inbox, "the failure is recorded");
  after = now_seconds ();

  g_assert_true (read_row (fixture, inbox, &row));
  g_assert_nonnull (strstr (row.last_error, "Could not reach 127.0.0.1:"));
  g_assert_cmpint (row.next_attempt_at, >=, before + 60);
  g_assert_cmpint (row.next_attempt_at, <=, after + 60);
  g_assert_cmpint (count_jobs (fixture), ==, 1);
  g_assert_cmpuint (fixture->received->len, ==, 0);
}

/* The backoff doubles from the base delay, up to 12 hours; a longer Retry-After wins. */
static void
test_backoff (Fixture       *fixture,
              gconstpointer  data)
{
  QtrDeliveryQueue *queue = fixture->queue;
  g_autoptr(QtrDeliveryQueue) fresh = qtr_delivery_queue_new (fixture->store, fixture->fetcher);

  /* What a node uses: 30 s first. */
  g_assert_cmpint (qtr_delivery_queue_get_backoff (fresh, 1, -1), ==, 30);
  g_assert_cmpint (qtr_delivery_queue_get_backoff (fresh, 2, -1), ==, 60);

  for (guint n = 1; n <= 16; n++)
    g_assert_cmpint (qtr_delivery_queue_get_backoff (queue, n, -1), ==, (gint64) 1 << (n - 1));
  g_assert_cmpint (qtr_delivery_queue_get_backoff (queue, 17, -1), ==, MAX_DELAY);
  g_assert_cmpint (qtr_delivery_queue_get_backoff (queue, 1000, -1), ==, MAX_DELAY);
  g_assert_cmpint (qtr_delivery_queue_get_backoff (queue, G_MAXUINT, -1), ==, MAX_DELAY);

  g_assert_cmpint (qtr_delivery_queue_get_backoff (queue, 1, 120), ==, 120);
  g_assert_cmpint (qtr_delivery_queue_get_backoff (queue, 8, 120), ==, 128);
  g_assert_cmpint (qtr_delivery_queue_get_backoff (queue, 1, 0), ==, 1);
  g_assert_cmpint (qtr_delivery_queue_get_backoff (queue, 1, G_MAXINT64), ==, MAX_DELAY);
  g_assert_cmpint (qtr_delivery_queue_get_backoff (fresh, 20, 3 * DAY), ==, MAX_DELAY);
  g_assert_finalize_object (g_steal_pointer (&fresh));
}

/* A job queued more than four days ago is dropped on its next failure; a younger one is kept. */
static void
test_give_up (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *old = inbox_url (fixture->base, "/old");
  g_autofree char *young = inbox_url (fixture->base, "/young");
  const char *inboxes[] = { old, young, NULL };
  g_autofree char *age_old = NULL;
  g_autofree char *age_young = NULL;
  g_auto(Row) row = { 0 };

  qtr_delivery_queue_set_base_delay (fixture->queue, 60);
  queue_activity (fixture, 1, inboxes, NULL);
  age_old = g_strdup_printf ("UPDATE deliveries SET created_at = created_at - %d"
                             " WHERE inbox LIKE '%%/old'", 4 * DAY + 60);
  age_young = g_strdup_printf ("UPDATE deliveries SET created_at = created_at - %d"
                               " WHERE inbox LIKE '%%/young'", 4 * DAY - 3600);
  exec_sql (fixture, age_old);
  exec_sql (fixture, age_young);
  script (fixture, "/old", SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
  script (fixture, "/young", SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);

  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, attempted_once, young, "the young job's failure is recorded");
  wait_until (fixture, jobs_left, GINT_TO_POINTER (1), "the old job is dropped");
  g_assert_false (read_row (fixture, old, &row));
  g_assert_true (read_row (fixture, young, &row));
  g_assert_cmpint (row.attempts, ==, 1);
  g_assert_cmpuint (fixture->received->len, ==, 2);
}

static void
postpone_all (Fixture *fixture,
              gint64   until)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE deliveries SET next_attempt_at = %"
                                          G_GINT64_FORMAT, until);
  exec_sql (fixture, sql);
}

/* Jobs waiting for their backoff go at once when the network comes back. */
static void
test_network_back (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *inbox = inbox_url (fixture->base, "/inbox");
  const char *inboxes[] = { inbox, NULL };
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  g_autoptr(GError) error = NULL;
  g_auto(Row) row = { 0 };
  gint64 now;

  /* A queue that starts hurries what waits (a node that was off): start it first. */
  qtr_delivery_queue_start (fixture->queue);
  queue_activity (fixture, 1, inboxes, NULL);
  queue_activity (fixture, 2, inboxes, NULL);
  postpone_all (fixture, now_seconds () + 3600);
  qtr_delivery_queue_kick (fixture->queue);
  qtr_test_spin (300);
  g_assert_cmpuint (fixture->received->len, ==, 0);

  /* The store's part: every waiting job becomes due now. */
  now = now_seconds ();
  g_assert_true (qtr_node_store_hurry_deliveries (fixture->store, now, &error));
  g_assert_no_error (error);
  g_assert_true (read_row (fixture, inbox, &row));
  g_assert_cmpint (row.next_attempt_at, ==, now);
  qtr_delivery_queue_kick (fixture->queue);
  wait_until (fixture, jobs_left, GINT_TO_POINTER (0), "the hurried jobs are delivered");
  g_assert_cmpuint (fixture->received->len, ==, 2);

  /* The queue's part, through the signal the network monitor emits: jobs postponed while
   * offline go at once when the network is back, not after their backoff. */
  g_signal_emit_by_name (monitor, "network-changed", FALSE);
  queue_activity (fixture, 3, inboxes, NULL);
  queue_activity (fixture, 4, inboxes, NULL);
  postpone_all (fixture, now_seconds () + 3600);
  qtr_delivery_queue_kick (fixture->queue);
  qtr_test_spin (300);
  g_assert_cmpuint (fixture->received->len, ==, 2);
  g_assert_cmpint (count_jobs (fixture), ==, 2);

  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  wait_until (fixture, jobs_left, GINT_TO_POINTER (0), "the jobs are delivered once online");
  g_assert_cmpuint (fixture->received->len, ==, 4);
}

/* A queue stopped in the middle of a delivery loses nothing: the job stays, uncounted, and
 * the next queue on the same database delivers it. */
static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *inbox = inbox_url (fixture->base, "/inbox");
  const char *inboxes[] = { inbox, NULL };
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;
  g_auto(Row) row = { 0 };

  queue_activity (fixture, 1, inboxes, &body);
  fixture->pause = TRUE;
  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, received_at_least, GUINT_TO_POINTER (1), "the delivery is under way");
  g_assert_cmpuint (fixture->paused->len, ==, 1);

  finalize_queue (&fixture->queue);
  g_assert_true (read_row (fixture, inbox, &row));
  g_assert_cmpint (row.attempts, ==, 0);
  g_assert_null (row.last_error);

  /* The old request is answered into a closed connection; it changes nothing. */
  fixture->pause = FALSE;
  release_all (fixture);
  qtr_test_spin (100);
  g_assert_cmpint (count_jobs (fixture), ==, 1);

  fixture->queue = qtr_delivery_queue_new (fixture->store, fixture->fetcher);
  qtr_delivery_queue_set_poll_interval (fixture->queue, 1);
  qtr_delivery_queue_start (fixture->queue);
  wait_until (fixture, jobs_left, GINT_TO_POINTER (0), "the job is delivered by the new queue");
  g_assert_cmpuint (fixture->received->len, ==, 2);
  g_assert_cmpstr (body_text (g_ptr_array_index (fixture->received, 1), &text), ==, body);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  signing_key = qtr_key_generate (QTR_KEY_DEFAULT_BITS, &error);
  g_assert_no_error (error);
  pem = qtr_key_export_public_pem (signing_key, &error);
  g_assert_no_error (error);
  public_key = qtr_key_new_from_public_pem (pem, -1, &error);
  g_assert_no_error (error);

  g_test_add ("/node/delivery/success", Fixture, NULL,
              fixture_set_up, test_success, fixture_tear_down);
  g_test_add ("/node/delivery/per-host-limit", Fixture, NULL,
              fixture_set_up, test_per_host_limit, fixture_tear_down);
  g_test_add ("/node/delivery/backlog-does-not-block-others", Fixture, NULL,
              fixture_set_up, test_backlog_does_not_block_others, fixture_tear_down);
  g_test_add ("/node/delivery/transient-then-delivered", Fixture, NULL,
              fixture_set_up, test_transient_then_delivered, fixture_tear_down);
  g_test_add ("/node/delivery/retry-after", Fixture, NULL,
              fixture_set_up, test_retry_after, fixture_tear_down);
  g_test_add ("/node/delivery/permanent", Fixture, NULL,
              fixture_set_up, test_permanent, fixture_tear_down);
  g_test_add ("/node/delivery/transient-4xx", Fixture, NULL,
              fixture_set_up, test_transient_4xx, fixture_tear_down);
  g_test_add ("/node/delivery/connection-refused", Fixture, NULL,
              fixture_set_up, test_connection_refused, fixture_tear_down);
  g_test_add ("/node/delivery/backoff", Fixture, NULL,
              fixture_set_up, test_backoff, fixture_tear_down);
  g_test_add ("/node/delivery/give-up", Fixture, NULL,
              fixture_set_up, test_give_up, fixture_tear_down);
  g_test_add ("/node/delivery/network-back", Fixture, NULL,
              fixture_set_up, test_network_back, fixture_tear_down);
  g_test_add ("/node/delivery/restart", Fixture, NULL,
              fixture_set_up, test_restart, fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&signing_key);
  g_clear_object (&public_key);
  return status;
}
