/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * QtrHtmlLinkKind:
 * @QTR_HTML_LINK_URL: an ordinary web link
 * @QTR_HTML_LINK_MENTION: a mention of an account (`@user` or `@user@host`)
 * @QTR_HTML_LINK_HASHTAG: a hashtag (`#tag`)
 */
typedef enum {
  QTR_HTML_LINK_URL,
  QTR_HTML_LINK_MENTION,
  QTR_HTML_LINK_HASHTAG,
} QtrHtmlLinkKind;

/**
 * QtrHtmlLink:
 * @kind: what the link points at
 * @href: the absolute http(s) URL of the link
 * @text: the text the reader sees, without markup (`@alice`, `#cats`, `example.org/page…`)
 *
 * One link of a post, in the order it appears.
 */
typedef struct {
  QtrHtmlLinkKind kind;
  char *href;
  char *text;
} QtrHtmlLink;

void qtr_html_link_free (QtrHtmlLink *link);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrHtmlLink, qtr_html_link_free)

/**
 * QtrHtmlMentionResolver:
 * @user: the local part of a mention typed as `@user` or `@user@host`
 * @host: (nullable): the host, or %NULL for `@user`
 * @user_data: closure
 *
 * Returns: (transfer full) (nullable): the profile URL of that account, or %NULL when it is
 * unknown (the mention then stays plain text).
 */
typedef char *(*QtrHtmlMentionResolver) (const char *user,
                                         const char *host,
                                         gpointer    user_data);

typedef struct {
  /* Base for hashtag links, e.g. "https://example.org/tags/"; NULL leaves hashtags unlinked. */
  const char             *tag_base_url;
  QtrHtmlMentionResolver  resolve_mention;
  gpointer                user_data;
} QtrHtmlComposeOptions;

char *qtr_html_sanitize (const char *html);
char *qtr_html_to_markup (const char  *html,
                          GPtrArray  **links);
char *qtr_html_to_text (const char *html);
char *qtr_html_from_text (const char                  *text,
                          const QtrHtmlComposeOptions *options,
                          GPtrArray                  **links);

G_END_DECLS
