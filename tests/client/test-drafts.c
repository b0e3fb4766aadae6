/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-drafts.h"
#include "qtr-test-util.h"

/* An account's drafts.db: what is saved comes back whole, in order, from a file reopened as
 * after a crash; deleted is gone. */

static QtrDraft *
make_draft (const char *text)
{
  QtrDraft *draft = qtr_draft_new ();
  QtrDraftMedia *media = qtr_draft_media_new ();

  g_free (draft->text);
  draft->text = g_strdup (text);
  draft->spoiler_text = g_strdup ("Food 🍕");
  g_free (draft->visibility);
  draft->visibility = g_strdup ("private");
  draft->language = g_strdup ("sv");
  draft->in_reply_to_id = g_strdup ("109");
  draft->sensitive = TRUE;
  media->id = g_strdup ("42");
  media->description = g_strdup ("A red square");
  media->path = g_strdup ("/home/alice/Pictures/red square.png");
  media->url = g_strdup ("https://example.org/media/42.png");
  g_ptr_array_add (draft->media, media);
  g_ptr_array_add (draft->media, qtr_draft_media_new ());
  draft->poll_options = g_strdupv ((char *[]) { "Yes", "No", "Maybe", NULL });
  draft->poll_expires_in = 3600;
  draft->poll_multiple = TRUE;
  return draft;
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("quitter-test-drafts-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "account", "drafts.db", NULL);
  g_autoptr(QtrDrafts) drafts = qtr_drafts_open (path, &error);
  g_autoptr(QtrDraft) first = make_draft ("Första utkastet");
  g_autoptr(QtrDraft) second = qtr_draft_new ();
  g_autoptr(QtrDraft) read = NULL;
  g_autoptr(GPtrArray) list = NULL;
  QtrDraftMedia *media;

  g_assert_no_error (error);
  g_assert_nonnull (drafts);
  g_assert_true (qtr_drafts_save (drafts, first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first->id, >, 0);
  g_assert_true (qtr_drafts_save (drafts, second, &error));
  g_assert_cmpint (second->id, >, first->id);
  /* Saved again: the same row, changed. */
  g_free (first->text);
  first->text = g_strdup ("Första utkastet, ändrat");
  g_assert_true (qtr_drafts_save (drafts, first, &error));
  g_clear_object (&drafts);

  /* Reopened, as at the next start. */
  drafts = qtr_drafts_open (path, &error);
  g_assert_no_error (error);
  list = qtr_drafts_list (drafts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  read = qtr_drafts_lookup (drafts, first->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->text, ==, "Första utkastet, ändrat");
  g_assert_cmpstr (read->spoiler_text, ==, "Food 🍕");
  g_assert_cmpstr (read->visibility, ==, "private");
  g_assert_cmpstr (read->language, ==, "sv");
  g_assert_cmpstr (read->in_reply_to_id, ==, "109");
  g_assert_null (read->edit_id);
  g_assert_true (read->sensitive);
  g_assert_cmpstr (read->idempotency_key, ==, first->idempotency_key);
  g_assert_true (g_uuid_string_is_valid (read->idempotency_key));
  g_assert_cmpstr (read->idempotency_key, !=, second->idempotency_key);
  g_assert_cmpuint (read->media->len, ==, 2);
  media = read->media->pdata[0];
  g_assert_cmpstr (media->id, ==, "42");
  g_assert_cmpstr (media->description, ==, "A red square");
  g_assert_cmpstr (media->path, ==, "/home/alice/Pictures/red square.png");
  g_assert_cmpstr (media->url, ==, "https://example.org/media/42.png");
  media = read->media->pdata[1];
  g_assert_null (media->id);
  g_assert_null (media->path);
  g_assert_cmpstrv (read->poll_options, ((const char *[]) { "Yes", "No", "Maybe", NULL }));
  g_assert_cmpint (read->poll_expires_in, ==, 3600);
  g_assert_true (read->poll_multiple);

  /* The empty one: no warning, no poll, public. */
  g_clear_pointer (&read, qtr_draft_free);
  read = qtr_drafts_lookup (drafts, second->id, &error);
  g_assert_cmpstr (read->text, ==, "");
  g_assert_null (read->spoiler_text);
  g_assert_null (read->poll_options);
  g_assert_cmpstr (read->visibility, ==, "public");

  g_assert_true (qtr_drafts_delete (drafts, first->id, &error));
  g_assert_no_error (error);
  g_assert_null (qtr_drafts_lookup (drafts, first->id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = qtr_drafts_list (drafts, &error);
  g_assert_cmpuint (list->len, ==, 1);

  g_clear_object (&drafts);
  qtr_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/drafts/round-trip", test_round_trip);
  return g_test_run ();
}
