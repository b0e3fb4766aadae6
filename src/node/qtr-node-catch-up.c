/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-private.h"

#include <string.h>

#include "qtr-json.h"
#include "qtr-url.h"

/* Catching up after a long time offline. Deliveries made to the node while it was unreachable
 * were given up on, or wait for a backoff that can last hours; so the node reads the outboxes
 * of the accounts it follows, newest first, signed, one page at a time, and keeps the posts
 * published since it was last seen, through the same code as a delivered Create (origin
 * checks included). Bounded: a few pages and a few dozen items per account. Posts stored
 * already are left as they are. */

#define CATCH_UP_MAX_PAGES 3
#define CATCH_UP_MAX_ITEMS 40

typedef struct {
  QtrNode      *node;          /* not owned: the node cancels @cancellable before it goes */
  GCancellable *cancellable;
  gint64        since;
  GStrv         actors;        /* followed accounts */
  guint         next_actor;
  QtrRemoteActor *actor;       /* the account read now */
  guint         pages;
  guint         items;
  guint         stored;
} CatchUp;

static void
catch_up_free (CatchUp *catch_up)
{
  g_object_unref (catch_up->cancellable);
  g_strfreev (catch_up->actors);
  g_clear_pointer (&catch_up->actor, qtr_remote_actor_free);
  g_free (catch_up);
}

static void read_next_actor (CatchUp *catch_up);

static void page_fetched_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data);

typedef struct {
  QtrNode     *node;
  QtrActivity *activity;
  JsonObject  *json;
} ReceiveTransaction;

static gboolean
receive_in_transaction (QtrDb    *db,
                        gpointer  user_data,
                        GError  **error)
{
  ReceiveTransaction *tx = user_data;

  return qtr_node_receive_note (tx->node, tx->activity, tx->json, FALSE, error);
}

/* Keeps the post an outbox item creates. Returns %FALSE when the item is older than what
 * the catch-up looks for: the outbox is newest first, so the rest is older too. */
static gboolean
take_item (CatchUp    *catch_up,
           JsonObject *item)
{
  g_autoptr(QtrActivity) activity = NULL;
  g_autoptr(GError) error = NULL;

  activity = qtr_activity_parse (item, &error);
  if (activity == NULL || activity->type != QTR_ACTIVITY_TYPE_CREATE)
    return TRUE;
  if (activity->object_note != NULL && activity->object_note->published > 0 &&
      activity->object_note->published < catch_up->since)
    return FALSE;

  /* The same checks as a delivery: only the account's own posts, from its own host. An
   * object embedded from another host is not trusted, and skipped. */
  if (!g_str_equal (activity->actor, catch_up->actor->uri) ||
      !qtr_activity_check_origin (activity, &error) ||
      !qtr_activity_object_is_trusted (activity) || activity->object_note == NULL)
    {
      g_debug ("Catch-up skips an item of %s: %s", catch_up->actor->uri,
               error ? error->message : "not a post of the account's own");
      return TRUE;
    }

  {
    ReceiveTransaction tx = { catch_up->node, activity, item };

    if (!qtr_db_transaction (qtr_node_store_get_db (qtr_node_get_store (catch_up->node)),
                             receive_in_transaction, &tx, &error))
      g_warning ("Cannot keep %s while catching up: %s", activity->object_id, error->message);
    else
      catch_up->stored++;
  }
  return TRUE;
}

static void
fetch_page (CatchUp    *catch_up,
            const char *url)
{
  if (!qtr_url_same_host (url, catch_up->actor->uri))
    {
      g_debug ("Catch-up skips %s: not on the host of %s", url, catch_up->actor->uri);
      read_next_actor (catch_up);
      return;
    }
  qtr_fetcher_fetch_object_async (qtr_node_get_fetcher (catch_up->node), url,
                                  catch_up->cancellable, page_fetched_cb, catch_up);
}

/* An outbox, or a page of it: keeps its items, then goes on to the next page or account. */
static void
read_collection (CatchUp    *catch_up,
                 JsonObject *json)
{
  JsonNode *first = json_object_get_member (json, "first");
  JsonNode *items = json_object_get_member (json, "orderedItems");
  const char *next = json_object_get_string_member_with_default (json, "next", NULL);
  gboolean more = TRUE;

  if (items == NULL && first != NULL && catch_up->pages == 0)
    {
      if (JSON_NODE_HOLDS_OBJECT (first))
        {
          read_collection (catch_up, json_node_get_object (first));
          return;
        }
      if (JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING)
        {
          fetch_page (catch_up, json_node_get_string (first));
          return;
        }
    }

  catch_up->pages++;
  if (items != NULL && JSON_NODE_HOLDS_ARRAY (items))
    {
      JsonArray *array = json_node_get_array (items);

      for (guint i = 0; more && i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (++catch_up->items > CATCH_UP_MAX_ITEMS)
            more = FALSE;
          else if (JSON_NODE_HOLDS_OBJECT (element))
            more = take_item (catch_up, json_node_get_object (element));
        }
    }

  if (more && next != NULL && catch_up->pages < CATCH_UP_MAX_PAGES &&
      catch_up->items < CATCH_UP_MAX_ITEMS)
    fetch_page (catch_up, next);
  else
    read_next_actor (catch_up);
}

static void
page_fetched_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CatchUp *catch_up = user_data;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GError) error = NULL;

  json = qtr_fetcher_fetch_object_finish (QTR_FETCHER (source), result, &error);
  if (g_cancellable_is_cancelled (catch_up->cancellable))
    {
      catch_up_free (catch_up);
      return;
    }
  if (json == NULL)
    {
      g_debug ("Catch-up cannot read the outbox of %s: %s", catch_up->actor->uri,
               error->message);
      read_next_actor (catch_up);
      return;
    }
  read_collection (catch_up, json);
}

static char *
find_outbox (QtrRemoteActor *actor)
{
  g_autoptr(JsonObject) json = qtr_json_parse_object (actor->document, strlen (actor->document),
                                                      NULL);
  g_autoptr(QtrActorDoc) doc = json ? qtr_actor_doc_parse (json, NULL) : NULL;

  return doc != NULL ? g_strdup (doc->outbox) : NULL;
}

/* Each followed account in turn; the task ends after the last. */
static void
read_next_actor (CatchUp *catch_up)
{
  QtrNodeStore *store = qtr_node_get_store (catch_up->node);

  g_clear_pointer (&catch_up->actor, qtr_remote_actor_free);
  while (catch_up->actors[catch_up->next_actor] != NULL)
    {
      const char *uri = catch_up->actors[catch_up->next_actor++];
      g_autofree char *outbox = NULL;

      catch_up->actor = qtr_node_store_find_remote_actor (store, "uri", uri, NULL);
      if (catch_up->actor != NULL)
        outbox = find_outbox (catch_up->actor);
      if (outbox == NULL)
        {
          g_clear_pointer (&catch_up->actor, qtr_remote_actor_free);
          continue;
        }
      catch_up->pages = 0;
      catch_up->items = 0;
      fetch_page (catch_up, outbox);
      return;
    }

  g_debug ("Caught up: %u posts kept from %u followed accounts", catch_up->stored,
           g_strv_length (catch_up->actors));
  catch_up_free (catch_up);
}

/**
 * qtr_node_start_catch_up:
 * @since: keep posts published from then on (Unix seconds)
 * @cancellable: cancel it to stop reading (the node does when it stops)
 *
 * Starts reading the outboxes of the accounts the owner follows, in the background.
 */
void
qtr_node_start_catch_up (QtrNode      *node,
                         gint64        since,
                         GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  CatchUp *catch_up;
  GStrv actors;

  actors = qtr_node_store_list_follows (qtr_node_get_store (node), "following", 0, G_MAXINT,
                                        &error);
  if (actors == NULL)
    {
      g_warning ("Cannot catch up: %s", error->message);
      return;
    }
  catch_up = g_new0 (CatchUp, 1);
  catch_up->node = node;
  catch_up->cancellable = g_object_ref (cancellable);
  catch_up->since = since;
  catch_up->actors = actors;
  read_next_actor (catch_up);
}
