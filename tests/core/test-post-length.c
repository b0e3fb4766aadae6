/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-post-length.h"

/* The compose window's counter: posts counted as a Mastodon server counts them. */

typedef struct {
  const char *text;
  guint       expected;
} Case;

static void
check_cases (const Case *cases,
             gsize       n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      guint length = qtr_post_count_characters (cases[i].text, NULL, 23);

      if (length != cases[i].expected)
        g_error ("“%s” counted %u, expected %u", cases[i].text, length, cases[i].expected);
    }
}

static void
test_plain (void)
{
  static const Case cases[] = {
    { "", 0 },
    { "Hello", 5 },
    { "Hello, world!\n", 14 },
    /* Code points, not bytes. */
    { "Smörgåsbord", 11 },
    { "日本語のテキスト", 8 },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
  g_assert_cmpuint (qtr_post_count_characters (NULL, NULL, 23), ==, 0);
}

static void
test_emoji (void)
{
  static const Case cases[] = {
    { "👍", 1 },
    { "ok 👍🏽", 5 },               /* a thumb and its skin tone: two code points */
    { "👩‍👩‍👧", 5 },             /* three people joined by two ZWJ */
    { "🇸🇪", 2 },                 /* a flag: two regional indicators */
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_urls (void)
{
  static const Case cases[] = {
    { "https://example.org", 23 },
    { "http://a.b", 23 },
    { "see https://example.org/a/very/long/path/that/goes/on/and/on/and/on?x=1&y=2#top", 27 },
    { "https://example.org/path?query=a%20b&c=d.", 24 },   /* the full stop ends the sentence */
    { "(https://example.org/page)", 25 },
    { "https://example.org:8443/x/", 23 },
    { "two: https://a.example/1 https://b.example/2", 52 },
    /* A host in another script (IDN), with a path in it too. */
    { "https://bücher.example/straße?ä=ö", 23 },
    { "https://日本語.jp/ページ", 23 },
    { "not a link: example.org", 23 },
    { "ftp://example.org", 17 },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
  /* The server's figure is used, not 23 always. */
  g_assert_cmpuint (qtr_post_count_characters ("https://example.org/long/long/long", NULL, 10),
                    ==, 10);
}

static void
test_mentions (void)
{
  static const Case cases[] = {
    { "@alice", 6 },
    { "@alice hello", 12 },
    { "@alice@example.org", 6 },
    { "@alice@example.org hi", 9 },
    { "@alice@127.0.0.1:8080", 6 },
    { "@bob.smith@mastodon.example.", 11 },   /* the full stop is not the domain's */
    { "@élodie@bücher.example", 7 },
    { "hi @a@b.example and @c@d.example", 12 },
    /* Not mentions: an address inside a word, in a path. */
    { "mail alice@example.org", 22 },
    { "https://example.org/@alice@example.org", 23 },
    /* A link and a remote mention together. */
    { "@bob@remote.example look: https://example.org/some/path?q=1", 34 },
  };

  check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_spoiler (void)
{
  g_assert_cmpuint (qtr_post_count_characters ("text", "CW: food", 23), ==, 12);
  g_assert_cmpuint (qtr_post_count_characters ("", "🍕", 23), ==, 1);
  /* A link in the warning is not shortened: Mastodon counts the warning as it is. */
  g_assert_cmpuint (qtr_post_count_characters (NULL, "https://example.org", 23), ==, 19);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/post-length/plain", test_plain);
  g_test_add_func ("/core/post-length/emoji", test_emoji);
  g_test_add_func ("/core/post-length/urls", test_urls);
  g_test_add_func ("/core/post-length/mentions", test_mentions);
  g_test_add_func ("/core/post-length/spoiler", test_spoiler);
  return g_test_run ();
}
