/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-post-length.h"

/* The length of a post as Mastodon's StatusLengthValidator counts it: in Unicode code points,
 * a link as a fixed number of characters whatever its length, a mention of a remote account
 * (`@user@domain`) as its local part only (`@user`), and the content warning in full. */

/* A link: a scheme, a host of letters in any script (IDN), digits, dots and dashes, an optional
 * port, then a path, query or fragment. Punctuation that ends a sentence is not part of it. */
#define W "[\\p{L}\\p{M}\\p{N}_]"
#define URL_PATTERN \
  "(?<!" W "|[/@.])https?://(?:" W "|-)+(?:\\.(?:" W "|-)+)*(?::\\d{1,5})?" \
  "(?:[/?#][^\\s<>\"]*[^\\s<>\".,;:!?'\\)\\]]|/)?"
/* A mention: `@user` or `@user@domain`, not inside a word or a path. The domain is dropped. */
#define MENTION_PATTERN \
  "(?<!" W "|/)(@" W "+(?:(?:" W "|[.-])*" W ")?)@(?:" W "|-)+(?:\\.(?:" W "|-)+)*(?::\\d{1,5})?"

static GRegex *
get_regex (GRegex     **regex,
           const char  *pattern)
{
  if (g_once_init_enter (regex))
    g_once_init_leave (regex, g_regex_new (pattern, G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0,
                                           NULL));
  return *regex;
}

/**
 * qtr_post_count_characters:
 * @text: (nullable): the post's text, UTF-8
 * @spoiler_text: (nullable): its content warning
 * @characters_per_url: what a link counts for (the server's
 *   `configuration.statuses.characters_reserved_per_url`, 23 on Mastodon)
 *
 * Counts a post the way a Mastodon server does before it accepts it, so that the compose
 * window's counter and the server agree on what is too long.
 *
 * Returns: the post's length in characters
 */
guint
qtr_post_count_characters (const char *text,
                           const char *spoiler_text,
                           guint       characters_per_url)
{
  static GRegex *url_regex, *mention_regex;
  g_autofree char *placeholder = NULL;
  g_autofree char *without_urls = NULL;
  g_autofree char *counted = NULL;
  guint length = 0;

  if (spoiler_text != NULL && g_utf8_validate (spoiler_text, -1, NULL))
    length += g_utf8_strlen (spoiler_text, -1);
  if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
    return length;

  /* Any character will do for the placeholder, as long as it is not a word character: a link
   * must not turn the mention or word after it into something else. */
  placeholder = g_strnfill (characters_per_url, ' ');
  without_urls = g_regex_replace_literal (get_regex (&url_regex, URL_PATTERN), text, -1, 0,
                                          placeholder, 0, NULL);
  counted = g_regex_replace (get_regex (&mention_regex, MENTION_PATTERN),
                             without_urls ? without_urls : text, -1, 0, "\\1", 0, NULL);
  length += g_utf8_strlen (counted ? counted : text, -1);
  return length;
}
