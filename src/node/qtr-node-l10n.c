/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-node-l10n.h"

#include <glib/gi18n.h>
#include <string.h>

/* gettext translates for the process's locale, one language at a time, and switching it per
 * request is not safe beside the app's other threads. So the node reads the same compiled
 * catalogues (LOCALEDIR/LANG/LC_MESSAGES/quitter.mo, where bindtextdomain() points, as the
 * CLI and the app set it) itself and looks strings up per request. The strings are marked
 * with N_() and reach the .po files as any other. */

/* The languages po/LINGUAS lists, and English, which needs no catalogue. */
static const char * const languages[] = { "en", "es", "sv", NULL };

G_LOCK_DEFINE_STATIC (catalogues);
static GHashTable *catalogues;   /* language → (msgid → msgstr) */

static guint32
read_u32 (const guint8 *data,
          gsize         offset,
          gboolean      big_endian)
{
  guint32 value;

  memcpy (&value, data + offset, sizeof value);
  return big_endian ? GUINT32_FROM_BE (value) : GUINT32_FROM_LE (value);
}

/* A .mo file: a header, then a table of (length, offset) for the originals and one for the
 * translations. Every offset is checked against the file's size. */
static GHashTable *
load_catalogue (const char *language)
{
  const char *dir = bindtextdomain (GETTEXT_PACKAGE, NULL);
  g_autofree char *path = g_build_filename (dir, language, "LC_MESSAGES",
                                            GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *contents = NULL;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const guint8 *data;
  gsize size;
  gboolean big_endian;
  guint32 count, originals, translations;

  if (!g_file_get_contents (path, &contents, &size, NULL) || size < 28)
    return table;
  data = (const guint8 *) contents;
  if (read_u32 (data, 0, FALSE) == 0x950412de)
    big_endian = FALSE;
  else if (read_u32 (data, 0, TRUE) == 0x950412de)
    big_endian = TRUE;
  else
    return table;

  count = read_u32 (data, 8, big_endian);
  originals = read_u32 (data, 12, big_endian);
  translations = read_u32 (data, 16, big_endian);
  if (originals > size || translations > size || count > (size - originals) / 8 ||
      count > (size - translations) / 8)
    return table;

  for (guint32 i = 0; i < count; i++)
    {
      guint32 id_length = read_u32 (data, originals + 8 * i, big_endian);
      guint32 id_offset = read_u32 (data, originals + 8 * i + 4, big_endian);
      guint32 str_length = read_u32 (data, translations + 8 * i, big_endian);
      guint32 str_offset = read_u32 (data, translations + 8 * i + 4, big_endian);

      if (id_offset > size || id_length > size - id_offset || str_offset > size ||
          str_length > size - str_offset || id_length == 0 || str_length == 0)
        continue;
      /* For plural entries this keeps the singular: the page has none. */
      g_hash_table_insert (table, g_strndup (contents + id_offset, id_length),
                           g_strndup (contents + str_offset, str_length));
    }
  return table;
}

/**
 * qtr_node_l10n_pick_language:
 * @requested: (nullable): a language the client named (Mastodon's `lang` parameter)
 * @accept_language: (nullable): the request's Accept-Language header
 *
 * Returns: (transfer none): the language to answer in: one the node has a catalogue for, or
 *   "en"
 */
const char *
qtr_node_l10n_pick_language (const char *requested,
                             const char *accept_language)
{
  g_auto(GStrv) ranges = NULL;
  const char *best = "en";
  double best_quality = 0.0;

  for (guint i = 0; requested != NULL && languages[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (requested, languages[i], 2) == 0 &&
          (requested[2] == '\0' || requested[2] == '-' || requested[2] == '_'))
        return languages[i];
    }
  if (accept_language == NULL)
    return best;

  ranges = g_strsplit (accept_language, ",", 32);
  for (guint i = 0; ranges[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (ranges[i], ";", 2);
      const char *tag = g_strstrip (parts[0]);
      double quality = 1.0;

      if (parts[1] != NULL)
        {
          const char *q = g_strstrip (parts[1]);

          if (g_str_has_prefix (q, "q="))
            quality = g_ascii_strtod (q + 2, NULL);
        }
      for (guint j = 0; languages[j] != NULL; j++)
        {
          if (g_ascii_strncasecmp (tag, languages[j], 2) == 0 &&
              (tag[2] == '\0' || tag[2] == '-') && quality > best_quality)
            {
              best = languages[j];
              best_quality = quality;
            }
        }
    }
  return best;
}

/**
 * qtr_node_l10n_gettext:
 * @language: what qtr_node_l10n_pick_language() returned
 * @msgid: an English string marked with N_()
 *
 * Returns: (transfer none): its translation, or @msgid when there is none
 */
const char *
qtr_node_l10n_gettext (const char *language,
                       const char *msgid)
{
  GHashTable *table;
  const char *translation;

  if (g_str_equal (language, "en"))
    return msgid;

  G_LOCK (catalogues);
  if (catalogues == NULL)
    catalogues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_hash_table_unref);
  table = g_hash_table_lookup (catalogues, language);
  if (table == NULL)
    {
      table = load_catalogue (language);
      g_hash_table_insert (catalogues, g_strdup (language), table);
    }
  translation = g_hash_table_lookup (table, msgid);
  G_UNLOCK (catalogues);
  return translation ? translation : msgid;
}
