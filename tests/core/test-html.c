/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-html.h"

#include <string.h>

typedef struct {
  const char *in;
  const char *out;
} Case;

static const char *mastodon_post =
  "<p>Hello <span class=\"h-card\" translate=\"no\"><a href=\"https://mastodon.social/@Gargron\" "
  "class=\"u-url mention\">@<span>Gargron</span></a></span>, look at "
  "<a href=\"https://www.example.org/some/really/long/path/to/a/page\" target=\"_blank\" "
  "rel=\"nofollow noopener noreferrer\" translate=\"no\"><span class=\"invisible\">https://www."
  "</span><span class=\"ellipsis\">example.org/some/really/long/p</span><span class=\"invisible\">"
  "ath/to/a/page</span></a> <a href=\"https://mastodon.social/tags/cats\" "
  "class=\"mention hashtag\" rel=\"tag\">#<span>cats</span></a></p>"
  "<p>Second   paragraph &amp; more</p>";

static const char *pleroma_post =
  "<span class=\"h-card\"><a class=\"u-url mention\" data-user=\"9x\" "
  "href=\"https://pleroma.example/users/alice\" rel=\"ugc\">@<span>alice</span></a></span> "
  "hello<br/>second line <a class=\"hashtag\" data-tag=\"cats\" "
  "href=\"https://pleroma.example/tag/cats\" rel=\"tag ugc\">#cats</a>";

static const char *misskey_post =
  "<p><span>Hi <a href=\"https://misskey.io/@bob\" class=\"u-url mention\">@bob@misskey.io</a> "
  "<a href=\"https://misskey.io/tags/art\" rel=\"tag\">#art</a><br>see "
  "<a href=\"https://example.com/\">https://example.com/</a></span></p>";

/* Test messages show the input escaped: some of it is not UTF-8. */
static void
note_input (const char *what,
            const char *input)
{
  g_autofree char *escaped = g_strescape (input != NULL ? input : "(null)", NULL);

  g_test_message ("%s: %s", what, escaped);
}

static void
check_sanitize (const Case *cases,
                guint       n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *out = qtr_html_sanitize (cases[i].in);

      note_input ("sanitize", cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
check_text (const Case *cases,
            guint       n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *out = qtr_html_to_text (cases[i].in);

      note_input ("to_text", cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
check_link (GPtrArray       *links,
            guint            index,
            QtrHtmlLinkKind  kind,
            const char      *href,
            const char      *text)
{
  QtrHtmlLink *link;

  g_assert_cmpuint (index, <, links->len);
  link = g_ptr_array_index (links, index);
  g_assert_cmpint (link->kind, ==, kind);
  g_assert_cmpstr (link->href, ==, href);
  g_assert_cmpstr (link->text, ==, text);
}

/* Markup checks: parses, and has only the elements the converter writes and no attribute but
 * an `a`'s href (so no span, let alone a foreground one). */

static const char * const markup_elements[] = { "markup", "b", "i", "u", "s", "tt", "a" };

static void
markup_start_element_cb (GMarkupParseContext  *context,
                         const char           *element_name,
                         const char          **attribute_names,
                         const char          **attribute_values,
                         gpointer              user_data,
                         GError              **error)
{
  gboolean known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (markup_elements); i++)
    known |= g_str_equal (element_name, markup_elements[i]);
  g_assert_true (known);
  for (guint i = 0; attribute_names[i] != NULL; i++)
    {
      g_assert_cmpstr (element_name, ==, "a");
      g_assert_cmpstr (attribute_names[i], ==, "href");
      g_assert_true (g_str_has_prefix (attribute_values[i], "http"));
    }
}

static void
assert_valid_markup (const char *markup)
{
  static const GMarkupParser parser = { markup_start_element_cb, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *document = g_strconcat ("<markup>", markup, "</markup>", NULL);

  context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  g_markup_parse_context_parse (context, document, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
}

static void
assert_idempotent (const char *html)
{
  g_autofree char *once = qtr_html_sanitize (html);
  g_autofree char *twice = qtr_html_sanitize (once);

  g_assert_cmpstr (twice, ==, once);
}

static char *
repeat (const char *piece,
        guint       count)
{
  GString *out = g_string_sized_new (strlen (piece) * count);

  for (guint i = 0; i < count; i++)
    g_string_append (out, piece);
  return g_string_free (out, FALSE);
}

static guint
count_substrings (const char *haystack,
                  const char *needle)
{
  guint count = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    count++;
  return count;
}

/* Sanitising */

static void
test_sanitize_script (void)
{
  static const Case cases[] = {
    { "<p>Hi <script>alert(1)</script>there</p>", "<p>Hi there</p>" },
    { "<script>alert(1)</script><p>x</p>", "<p>x</p>" },
    { "<SCRIPT type=\"text/javascript\">document.cookie</SCRIPT>ok", "<p>ok</p>" },
    { "<p>a<style>p { color: red }</style>b</p>", "<p>ab</p>" },
    { "<style>*{}</style>visible", "<p>visible</p>" },
    { "<p>x<noscript><b>no</b></noscript><template><i>t</i></template></p>", "<p>x</p>" },
  };

  check_sanitize (cases, G_N_ELEMENTS (cases));
}

static void
test_sanitize_attributes (void)
{
  static const Case cases[] = {
    { "<p onclick=\"evil()\" style=\"color:red\" id=\"x\" class=\"mention\">t</p>", "<p>t</p>" },
    { "<b onmouseover=\"evil()\">b</b>", "<p><b>b</b></p>" },
    { "<span data-x=\"1\" title=\"t\" translate=\"yes\">s</span>", "<p><span>s</span></p>" },
    { "<span translate=\"NO\">s</span>", "<p><span translate=\"no\">s</span></p>" },
    { "<ol start=\"2\" type=\"a\"><li value=\"5\" onclick=\"x\">i</li></ol>",
      "<ol start=\"2\"><li value=\"5\">i</li></ol>" },
    { "<ol start=\"two\" reversed><li value=\"\">i</li></ol>", "<ol reversed><li>i</li></ol>" },
    { "<p>\"quotes\" & <ampersands> &gt;</p>", "<p>\"quotes\" &amp;  &gt;</p>" },
  };

  check_sanitize (cases, G_N_ELEMENTS (cases));
}

static void
test_sanitize_javascript (void)
{
  static const char * const hrefs[] = {
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\t\njavascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "/relative/path",
    "//evil.example/x",
    "#fragment",
    "",
    "https:///no-host",
    "https:no-slashes",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hrefs); i++)
    {
      g_autofree char *html = g_strdup_printf ("<a href=\"%s\" class=\"mention\">click</a>",
                                               hrefs[i]);
      g_autofree char *out = qtr_html_sanitize (html);

      g_test_message ("href: %s", hrefs[i]);
      g_assert_cmpstr (out, ==, "<p><span class=\"mention\">click</span></p>");
    }
}

static void
test_sanitize_links (void)
{
  static const Case cases[] = {
    { "<a href=\"https://example.org/\">x</a>",
      "<p><a href=\"https://example.org/\" target=\"_blank\" "
      "rel=\"nofollow noopener noreferrer\">x</a></p>" },
    { "<a href=\"  HTTP://Example.org/a?b=1&amp;c=&quot;x&quot;\" target=\"_self\" "
      "rel=\"opener me\">x</a>",
      "<p><a href=\"HTTP://Example.org/a?b=1&amp;c=&quot;x&quot;\" target=\"_blank\" "
      "rel=\"nofollow noopener noreferrer\">x</a></p>" },
    { "<a href=\"https://example.org/tags/x\" rel=\"Tag\" class=\"mention hashtag\">#x</a>",
      "<p><a href=\"https://example.org/tags/x\" class=\"mention hashtag\" target=\"_blank\" "
      "rel=\"nofollow noopener noreferrer tag\">#x</a></p>" },
    { "<a href=\"gemini://example.org/\">g</a> <a href=\"magnet:?xt=urn:btih:abc\">m</a>",
      "<p><a href=\"gemini://example.org/\" target=\"_blank\" rel=\"nofollow noopener noreferrer\">"
      "g</a> <a href=\"magnet:?xt=urn:btih:abc\" target=\"_blank\" "
      "rel=\"nofollow noopener noreferrer\">m</a></p>" },
    { "<a>no href</a>", "<p><span>no href</span></p>" },
    { "<a href=\"https://a.example/\"><font><a href=\"https://b.example/\">inner</a></font></a>",
      "<p><a href=\"https://a.example/\" target=\"_blank\" rel=\"nofollow noopener noreferrer\">"
      "<span>inner</span></a></p>" },
  };

  check_sanitize (cases, G_N_ELEMENTS (cases));
}

static void
test_sanitize_img (void)
{
  static const Case cases[] = {
    { "<img src=x onerror=alert(1)>after", "<p>after</p>" },
    { "<p>a<img src=\"x\" onerror=\"alert(1)\">b</p>", "<p>ab</p>" },
    { "<p>a<video src=v><source src=s>fallback</video><audio>au</audio><canvas>c</canvas>b</p>",
      "<p>ab</p>" },
    { "<p>a<iframe src=\"https://evil.example\">f</iframe><object>o</object><embed src=e>b</p>",
      "<p>ab</p>" },
    { "<p>a<svg><script>alert(1)</script><text>s</text></svg><math><mi>x</mi></math>b</p>",
      "<p>ab</p>" },
    { "<form action=x><input value=v><button>go</button><select><option>o</option></select>"
      "<textarea>t</textarea></form><p>after</p>", "<p>after</p>" },
  };

  check_sanitize (cases, G_N_ELEMENTS (cases));
}

static void
test_sanitize_unknown (void)
{
  static const Case cases[] = {
    { "<div>kept <font color=red>text</font></div>", "<p>kept text</p>" },
    { "<section><p>para</p></section><article>more</article>", "<p>para</p><p>more</p>" },
    { "<p><custom-element a=b>custom</custom-element> <marquee>m</marquee></p>",
      "<p>custom m</p>" },
    { "<table><tr><td>cell</td></tr></table>", "<p>cell</p>" },
    { "<html><body onload=\"x\"><p>a</p></body></html>", "<p>a</p>" },
  };

  check_sanitize (cases, G_N_ELEMENTS (cases));
}

static void
test_sanitize_heading (void)
{
  static const Case cases[] = {
    { "<h1>Title</h1>text", "<p><strong>Title</strong></p><p>text</p>" },
    { "<h3 id=\"x\">Sub <i>it</i></h3>", "<p><strong>Sub <i>it</i></strong></p>" },
    { "<h6>six</h6>", "<p><strong>six</strong></p>" },
    { "<h7>seven</h7>", "<p>seven</p>" },
  };

  check_sanitize (cases, G_N_ELEMENTS (cases));
}

static void
test_sanitize_classes (void)
{
  static const Case cases[] = {
    { "<span class=\"h-card foo invisible\">s</span>",
      "<p><span class=\"h-card invisible\">s</span></p>" },
    { "<span class=\"  p-name\tu-photo dt-published e-content \">s</span>",
      "<p><span class=\"p-name u-photo dt-published e-content\">s</span></p>" },
    { "<span class=\"foo bar\">s</span>", "<p><span>s</span></p>" },
    { "<span class=\"\">s</span>", "<p><span>s</span></p>" },
    { "<span class=\"Mention mentions h- ellipsis\">s</span>",
      "<p><span class=\"ellipsis\">s</span></p>" },
    { "<a href=\"https://x.example/\" class=\"u-url mention evil\">@x</a>",
      "<p><a href=\"https://x.example/\" class=\"u-url mention\" target=\"_blank\" "
      "rel=\"nofollow noopener noreferrer\">@x</a></p>" },
  };

  check_sanitize (cases, G_N_ELEMENTS (cases));
}

static void
test_sanitize_lists (void)
{
  static const Case cases[] = {
    { "<ol start=\"3\"><li>three</li><li>four</li></ol>",
      "<ol start=\"3\"><li>three</li><li>four</li></ol>" },
    { "<ol start=\" -2 \" reversed=\"\"><li value=\"10\">x</li></ol>",
      "<ol start=\"-2\" reversed><li value=\"10\">x</li></ol>" },
    { "<ul><li>a<ul><li>b</li></ul></li></ul>", "<ul><li>a<ul><li>b</li></ul></li></ul>" },
    { "<dl><dt>term</dt><dd>def</dd></dl>", "<p>termdef</p>" },
  };

  check_sanitize (cases, G_N_ELEMENTS (cases));
}

static void
test_sanitize_comments (void)
{
  static const Case cases[] = {
    { "<!-- hidden --><p>x<!-- <script>alert(1)</script> -->y</p>", "<p>xy</p>" },
    { "<?xml-stylesheet href=\"x\"?><p>pi</p>", "<p>pi</p>" },
    { "<p>a<![CDATA[<b>x</b>]]>b</p>", "<p>a&lt;![CDATA[<b>x</b>]]&gt;b</p>" },
  };

  check_sanitize (cases, G_N_ELEMENTS (cases));
}

static void
test_sanitize_entities (void)
{
  static const Case cases[] = {
    { "<p>&amp; &lt; &gt; &quot; &eacute; &#x1F600; &nbsp;|</p>",
      "<p>&amp; &lt; &gt; \" é 😀 \xc2\xa0|</p>" },
    { "<p>&undefined; &#0; &#x1; &#xD800;</p>", "<p>&amp;undefined;   </p>" },
  };
  g_autofree char *out = qtr_html_sanitize (
    "<!DOCTYPE html [<!ENTITY boom \"BOOMBOOMBOOMBOOM\"><!ENTITY lol \"&boom;&boom;\">]>"
    "<p>&boom;&lol;</p>");

  check_sanitize (cases, G_N_ELEMENTS (cases));
  g_assert_null (strstr (out, "BOOM"));
  g_assert_nonnull (strstr (out, "<p>&amp;boom;&amp;lol;</p>"));
  g_assert_cmpuint (strlen (out), <, 100);
}

static void
test_sanitize_invalid_utf8 (void)
{
  static const Case cases[] = {
    { "<p>bad\xff\xfe bytes \xc3</p>", "<p>bad\xef\xbf\xbd\xef\xbf\xbd bytes \xef\xbf\xbd</p>" },
    { "<p>caf\xe9</p>", "<p>caf\xef\xbf\xbd</p>" },
    { "<meta charset=\"iso-8859-1\"><p>\xc3\xa9</p>", "<p>\xc3\xa9</p>" },
    { "a\r\nb\rc", "<p>a\nb\nc</p>" },
  };
  g_autofree char *markup = qtr_html_to_markup ("<b>\xff\xfe</b><i>\xc0\x80</i>", NULL);

  check_sanitize (cases, G_N_ELEMENTS (cases));
  g_assert_true (g_utf8_validate (markup, -1, NULL));
  assert_valid_markup (markup);
}

static void
test_sanitize_empty (void)
{
  static const Case cases[] = {
    { NULL, "" },
    { "", "" },
    { "   \n\t ", "" },
    { "<!-- only a comment -->", "" },
    { "<script>x</script>", "" },
    { "<p></p>", "<p></p>" },
  };
  g_autofree char *markup = qtr_html_to_markup (NULL, NULL);
  g_autofree char *text = qtr_html_to_text (NULL);

  check_sanitize (cases, G_N_ELEMENTS (cases));
  g_assert_cmpstr (markup, ==, "");
  g_assert_cmpstr (text, ==, "");
}

static void
test_sanitize_deep_inline (void)
{
  g_autofree char *open = repeat ("<b>", 10000);
  g_autofree char *html = g_strconcat ("<p>before</p>", open, "deep text</p><p>after</p>", NULL);
  g_autofree char *out = qtr_html_sanitize (html);
  g_autofree char *markup = qtr_html_to_markup (html, NULL);
  g_autofree char *text = qtr_html_to_text (html);

  g_assert_true (g_str_has_prefix (out, "<p>before</p><p><b><b>"));
  g_assert_nonnull (strstr (out, "deep text"));
  g_assert_nonnull (strstr (out, "after"));
  /* The implicit paragraph and 63 levels of <b>. */
  g_assert_cmpuint (count_substrings (out, "<b>"), ==, 63);
  g_assert_cmpuint (count_substrings (out, "</b>"), ==, 63);
  assert_idempotent (html);

  assert_valid_markup (markup);
  g_assert_cmpuint (count_substrings (markup, "<b>"), ==, 63);
  g_assert_cmpstr (text, ==, "before\n\ndeep text\n\nafter");
}

static void
test_sanitize_deep_block (void)
{
  g_autofree char *divs = repeat ("<div>", 10000);
  g_autofree char *quotes = repeat ("<blockquote>", 10000);
  g_autofree char *div_html = g_strconcat (divs, "deep <i>text</i>", NULL);
  g_autofree char *quote_html = g_strconcat (quotes, "quoted", NULL);
  g_autofree char *out = qtr_html_sanitize (div_html);
  g_autofree char *quoted = qtr_html_sanitize (quote_html);
  g_autofree char *markup = qtr_html_to_markup (quote_html, NULL);

  g_assert_cmpstr (out, ==, "<p>deep <i>text</i></p>");
  g_assert_cmpuint (count_substrings (quoted, "<blockquote>"), ==, 64);
  g_assert_nonnull (strstr (quoted, "quoted"));
  assert_idempotent (quote_html);
  assert_valid_markup (markup);
  g_assert_true (g_str_has_suffix (markup, "&gt; quoted"));
}

static void
test_sanitize_large (void)
{
  g_autoptr(GString) html = g_string_new (NULL);
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *out = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *text = NULL;
  g_autofree char *last_href = NULL;
  guint n_paragraphs = 0;

  while (html->len < 5 * 1024 * 1024)
    {
      g_string_append_printf (html, "<p>Paragraph %u with <b>bold</b> &amp; "
                              "<a href=\"https://example.org/%u\">a link</a>.</p>",
                              n_paragraphs, n_paragraphs);
      n_paragraphs++;
    }

  out = qtr_html_sanitize (html->str);
  g_assert_cmpuint (strlen (out), >, html->len);
  g_assert_cmpuint (strlen (out), <, html->len * 2);
  g_assert_cmpuint (count_substrings (out, "<p>"), ==, n_paragraphs);

  markup = qtr_html_to_markup (html->str, &links);
  last_href = g_strdup_printf ("https://example.org/%u", n_paragraphs - 1);
  g_assert_cmpuint (links->len, ==, n_paragraphs);
  check_link (links, n_paragraphs - 1, QTR_HTML_LINK_URL, last_href, "a link");
  g_assert_cmpuint (count_substrings (markup, "\n\n"), ==, n_paragraphs - 1);

  text = qtr_html_to_text (html->str);
  g_assert_true (g_str_has_prefix (text, "Paragraph 0 with bold & a link.\n\nParagraph 1 "));
  g_assert_cmpuint (strlen (text), <, html->len);
}

static void
test_sanitize_idempotent (void)
{
  static const char * const samples[] = {
    "<p>plain</p>",
    "text <b>then</b> more",
    "<b>x</b> <i>y</i>",
    "<div> <b>x</b></div>",
    "<p>a<br> <b>x</b></p>",
    "<p>a</p> <p>b</p> ",
    "<ul> <li>a</li> <li>b</li> </ul>",
    "<b><p>x</p></b>",
    "<b><font><p>x</p></font></b>",
    "<p><font><blockquote>q</blockquote></font>after</p>",
    "<ul><div><ol><li>x</li></ol></div></ul>",
    "<pre><div><ul><li>x</li></ul></div></pre>",
    "<li><span><li>nested</li></span></li>",
    "<h1><p>x</p></h1>",
    "<b><h2>x</h2></b>",
    "<pre>\n\nleading newlines</pre>",
    "<p>x</p></body></html>tail",
    "<title>t</title>hello <b>y</b>",
    "a\r\nb\rc",
    "<p>&amp;lt;</p>",
    "<span class=\"invisible\"></span>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_test_message ("sample: %s", samples[i]);
      assert_idempotent (samples[i]);
    }
  assert_idempotent (mastodon_post);
  assert_idempotent (pleroma_post);
  assert_idempotent (misskey_post);
}

/* Every pair of kept elements, directly and through an unknown element that hides the nesting
 * from libxml2's rules, and random trees: sanitising once is enough. */
static const char * const vocabulary[] = {
  "p", "br", "span", "a href=\"https://x.example/\"", "del", "pre", "code", "em", "strong", "b",
  "i", "u", "ul", "ol", "li", "blockquote", "h2", "div", "font", "script", "img",
};

static const char *
get_tag_name (const char *open,
              char       *buffer,
              gsize       size)
{
  gsize length = strcspn (open, " ");

  g_strlcpy (buffer, open, MIN (length + 1, size));
  return buffer;
}

static void
append_element (GString    *html,
                const char *open,
                const char *content)
{
  char name[16];

  g_string_append_printf (html, "<%s>%s</%s>", open, content,
                          get_tag_name (open, name, sizeof name));
}

static void
test_sanitize_nesting (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);

  for (guint i = 0; i < G_N_ELEMENTS (vocabulary); i++)
    {
      for (guint j = 0; j < G_N_ELEMENTS (vocabulary); j++)
        {
          g_autoptr(GString) inner = g_string_new ("a");
          g_autoptr(GString) direct = g_string_new (NULL);
          g_autoptr(GString) hidden = g_string_new (NULL);
          g_autoptr(GString) wrapped = g_string_new (NULL);

          append_element (inner, vocabulary[j], "b");
          g_string_append (inner, "c");
          append_element (direct, vocabulary[i], inner->str);
          append_element (wrapped, "font", inner->str);
          append_element (hidden, vocabulary[i], wrapped->str);
          assert_idempotent (direct->str);
          assert_idempotent (hidden->str);
        }
    }

  for (guint n = 0; n < 300; n++)
    {
      g_autoptr(GString) html = g_string_new (NULL);
      g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree char *markup = NULL;

      for (guint step = 0; step < 40; step++)
        {
          guint choice = g_rand_int_range (rand, 0, 4);
          char name[16];

          if (choice == 0 && stack->len > 0)
            {
              guint top = g_array_index (stack, guint, stack->len - 1);

              g_string_append_printf (html, "</%s>",
                                      get_tag_name (vocabulary[top], name, sizeof name));
              g_array_set_size (stack, stack->len - 1);
            }
          else if (choice == 1)
            g_string_append (html, g_rand_boolean (rand) ? " word " : " ");
          else
            {
              guint tag = g_rand_int_range (rand, 0, G_N_ELEMENTS (vocabulary));

              g_string_append_printf (html, "<%s>", vocabulary[tag]);
              g_array_append_val (stack, tag);
            }
        }
      g_test_message ("random: %s", html->str);
      assert_idempotent (html->str);
      markup = qtr_html_to_markup (html->str, NULL);
      assert_valid_markup (markup);
    }
}

/* Markup and text */

static void
test_markup_mastodon (void)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *markup = qtr_html_to_markup (mastodon_post, &links);
  g_autofree char *text = qtr_html_to_text (mastodon_post);

  g_assert_cmpstr (markup, ==,
                   "Hello <a href=\"https://mastodon.social/@Gargron\">@Gargron</a>, look at "
                   "<a href=\"https://www.example.org/some/really/long/path/to/a/page\">"
                   "example.org/some/really/long/p…</a> "
                   "<a href=\"https://mastodon.social/tags/cats\">#cats</a>\n\n"
                   "Second paragraph &amp; more");
  g_assert_cmpuint (links->len, ==, 3);
  check_link (links, 0, QTR_HTML_LINK_MENTION, "https://mastodon.social/@Gargron", "@Gargron");
  check_link (links, 1, QTR_HTML_LINK_URL,
              "https://www.example.org/some/really/long/path/to/a/page",
              "example.org/some/really/long/p…");
  check_link (links, 2, QTR_HTML_LINK_HASHTAG, "https://mastodon.social/tags/cats", "#cats");
  assert_valid_markup (markup);

  g_assert_cmpstr (text, ==, "Hello @Gargron, look at example.org/some/really/long/p… #cats\n\n"
                             "Second paragraph & more");
}

static void
test_markup_pleroma (void)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *markup = qtr_html_to_markup (pleroma_post, &links);
  g_autofree char *text = qtr_html_to_text (pleroma_post);

  g_assert_cmpstr (markup, ==,
                   "<a href=\"https://pleroma.example/users/alice\">@alice</a> hello\n"
                   "second line <a href=\"https://pleroma.example/tag/cats\">#cats</a>");
  g_assert_cmpuint (links->len, ==, 2);
  check_link (links, 0, QTR_HTML_LINK_MENTION, "https://pleroma.example/users/alice", "@alice");
  check_link (links, 1, QTR_HTML_LINK_HASHTAG, "https://pleroma.example/tag/cats", "#cats");
  assert_valid_markup (markup);

  g_assert_cmpstr (text, ==, "@alice hello\nsecond line #cats");
}

static void
test_markup_misskey (void)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *markup = qtr_html_to_markup (misskey_post, &links);
  g_autofree char *text = qtr_html_to_text (misskey_post);

  g_assert_cmpstr (markup, ==,
                   "Hi <a href=\"https://misskey.io/@bob\">@bob@misskey.io</a> "
                   "<a href=\"https://misskey.io/tags/art\">#art</a>\n"
                   "see <a href=\"https://example.com/\">https://example.com/</a>");
  g_assert_cmpuint (links->len, ==, 3);
  check_link (links, 0, QTR_HTML_LINK_MENTION, "https://misskey.io/@bob", "@bob@misskey.io");
  check_link (links, 1, QTR_HTML_LINK_HASHTAG, "https://misskey.io/tags/art", "#art");
  check_link (links, 2, QTR_HTML_LINK_URL, "https://example.com/", "https://example.com/");
  assert_valid_markup (markup);

  g_assert_cmpstr (text, ==, "Hi @bob@misskey.io #art\nsee https://example.com/");
}

static void
test_markup_smuggled (void)
{
  static const char * const samples[] = {
    "<p>&lt;span foreground=\"red\"&gt;red&lt;/span&gt;</p>",
    "<span foreground=red size=\"xx-large\">big</span>",
    "<p>a <span foreground=\"red\">b</span> &lt;b&gt;c&lt;/b&gt; &amp;amp; ]]&gt;</p>",
    "<a href=\"https://x.example/&quot;&gt;&lt;span foreground=&quot;red\">l</a>",
    "<a href=\"javascript:x\"><span foreground=\"red\">j</span></a>",
    "<tt>not html</tt><markup>x</markup><big>b</big>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *markup = qtr_html_to_markup (samples[i], NULL);

      g_test_message ("smuggled: %s → %s", samples[i], markup);
      assert_valid_markup (markup);
    }

  {
    g_autofree char *markup = qtr_html_to_markup (samples[0], NULL);
    g_autofree char *text = qtr_html_to_text (samples[0]);

    g_assert_cmpstr (markup, ==, "&lt;span foreground=&quot;red&quot;&gt;red&lt;/span&gt;");
    g_assert_cmpstr (text, ==, "<span foreground=\"red\">red</span>");
  }
  {
    g_autofree char *markup = qtr_html_to_markup (samples[1], NULL);

    g_assert_cmpstr (markup, ==, "big");
  }
}

static void
test_markup_formatting (void)
{
  static const Case cases[] = {
    { "<p>a <b> b </b> c<del>d</del><u>u</u><em>e</em><code>&lt;x&gt;</code></p>",
      "a <b>b</b> c<s>d</s><u>u</u><i>e</i><tt>&lt;x&gt;</tt>" },
    { "<p>  lots \n of\t\tspace  </p>", "lots of space" },
    { "<p><strong>s</strong><i></i><b> </b>t</p>", "<b>s</b> t" },
    { "<p>x<br><br>y<br></p><p>z</p>", "x\n\ny\n\nz" },
    { "<p>a\xc2\xa0\xc2\xa0" "b</p>", "a\xc2\xa0\xc2\xa0" "b" },
    { "<p><a href=\"gemini://x.example/\">gem</a> "
      "<a href=\"https://x.example/\"><span class=\"invisible\">hidden</span></a></p>", "gem" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = qtr_html_to_markup (cases[i].in, NULL);

      g_test_message ("markup: %s", cases[i].in);
      g_assert_cmpstr (markup, ==, cases[i].out);
      assert_valid_markup (markup);
    }
}

static void
test_markup_blocks (void)
{
  static const Case cases[] = {
    { "<blockquote><p>quoted <b>bold</b></p><p>two</p></blockquote><p>after</p>",
      "&gt; quoted <b>bold</b>\n\n&gt; two\n\nafter" },
    { "<blockquote><blockquote>deep</blockquote>shallow</blockquote>",
      "&gt; &gt; deep\n\n&gt; shallow" },
    { "<ul><li>one</li><li>two<ol start=\"4\"><li>four</li><li>five</li></ol></li></ul>",
      "• one\n• two\n  4. four\n  5. five" },
    { "<ol reversed><li>a</li><li>b</li><li value=\"10\">c</li><li>d</li></ol>",
      "4. a\n3. b\n10. c\n9. d" },
    { "<p>intro</p><pre><code>int x;\n  y ();\n</code></pre><p>end</p>",
      "intro\n\n<tt>int x;\n  y ();</tt>\n\nend" },
    { "<pre>\nfirst\n\n  third</pre>", "<tt>first\n\n  third</tt>" },
    { "<h2>Title</h2><p>body</p>", "<b>Title</b>\n\nbody" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = qtr_html_to_markup (cases[i].in, NULL);

      g_test_message ("markup: %s", cases[i].in);
      g_assert_cmpstr (markup, ==, cases[i].out);
      assert_valid_markup (markup);
    }
}

static void
test_markup_links (void)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *markup = qtr_html_to_markup (
    "<p><a href=\"https://a.example/@x\" class=\"u-url\">@x</a> "
    "<a href=\"https://a.example/t\">#t</a> "
    "<a href=\"https://a.example/q?a=1&amp;b=&quot;2&quot;\">q <b>bold</b></a> "
    "<a href=\"https://a.example/h\" class=\"mention hashtag\">tag</a> "
    "<a href=\"data:x\">data</a></p>", &links);

  g_assert_cmpstr (markup, ==,
                   "<a href=\"https://a.example/@x\">@x</a> <a href=\"https://a.example/t\">#t</a> "
                   "<a href=\"https://a.example/q?a=1&amp;b=&quot;2&quot;\">q <b>bold</b></a> "
                   "<a href=\"https://a.example/h\">tag</a> data");
  g_assert_cmpuint (links->len, ==, 4);
  check_link (links, 0, QTR_HTML_LINK_MENTION, "https://a.example/@x", "@x");
  check_link (links, 1, QTR_HTML_LINK_HASHTAG, "https://a.example/t", "#t");
  check_link (links, 2, QTR_HTML_LINK_URL, "https://a.example/q?a=1&b=\"2\"", "q bold");
  check_link (links, 3, QTR_HTML_LINK_HASHTAG, "https://a.example/h", "tag");
  assert_valid_markup (markup);
}

static void
test_markup_sanitized (void)
{
  const char * const samples[] = {
    "<div>a</div><b>b</b> <ul><li>c</li></ul>",
    "<h1>x</h1><script>y</script><p>z<br>w</p>",
    "<p><font><blockquote>q</blockquote></font>after</p>",
    mastodon_post,
    pleroma_post,
    misskey_post,
  };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *clean = qtr_html_sanitize (samples[i]);
      g_autofree char *direct = qtr_html_to_markup (samples[i], NULL);
      g_autofree char *via_clean = qtr_html_to_markup (clean, NULL);
      g_autofree char *text = qtr_html_to_text (samples[i]);
      g_autofree char *text_via_clean = qtr_html_to_text (clean);

      g_assert_cmpstr (direct, ==, via_clean);
      g_assert_cmpstr (text, ==, text_via_clean);
    }
}

static void
test_text_layout (void)
{
  static const Case cases[] = {
    { "<p>One &amp; <b>two</b></p><p>three<br>four</p>", "One & two\n\nthree\nfour" },
    { "<blockquote>q</blockquote><ol start=\"7\"><li>seven</li></ol>", "> q\n\n7. seven" },
    { "<p><a href=\"https://x.example/\"><span class=\"invisible\">https://</span>"
      "<span class=\"ellipsis\">x.example/lo</span><span class=\"invisible\">ng</span></a></p>",
      "x.example/lo…" },
    { "<p>&lt;b&gt;not bold&lt;/b&gt;</p>", "<b>not bold</b>" },
    { "<br><br><p>  lead  and trail  </p><br>", "lead and trail" },
    { "<img src=x alt=\"alt text\">", "" },
  };

  check_text (cases, G_N_ELEMENTS (cases));
}

/* Composing */

static char *
resolve_mention (const char *user,
                 const char *host,
                 gpointer    user_data)
{
  if (g_str_equal (user, "nobody"))
    return NULL;
  if (g_str_equal (user, "js"))
    return g_strdup ("javascript:alert(1)");
  return g_strdup_printf ("https://%s/@%s", host != NULL ? host : "local.example", user);
}

static const QtrHtmlComposeOptions compose_options = {
  "https://local.example/tags/", resolve_mention, NULL,
};

static void
check_compose (const char                  *text,
               const QtrHtmlComposeOptions *options,
               const char                  *html)
{
  g_autofree char *out = qtr_html_from_text (text, options, NULL);
  g_autofree char *clean = qtr_html_sanitize (out);

  note_input ("from_text", text);
  g_assert_cmpstr (out, ==, html);
  g_assert_cmpstr (clean, ==, out);
}

#define URL_OPEN(href) \
  "<a href=\"" href "\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\">"
#define MENTION(href, user) \
  "<span class=\"h-card\" translate=\"no\"><a href=\"" href "\" class=\"u-url mention\" " \
  "target=\"_blank\" rel=\"nofollow noopener noreferrer\">@<span>" user "</span></a></span>"
#define HASHTAG(href, tag) \
  "<a href=\"" href "\" class=\"mention hashtag\" target=\"_blank\" " \
  "rel=\"nofollow noopener noreferrer tag\">#<span>" tag "</span></a>"

static void
test_compose_url (void)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *html = NULL;

  check_compose ("see https://example.org/ now", NULL,
                 "<p>see " URL_OPEN ("https://example.org/")
                 "<span class=\"invisible\">https://</span><span>example.org/</span>"
                 "<span class=\"invisible\"></span></a> now</p>");
  check_compose ("https://www.example.org/a/very/long/path/that/goes/on?x=1&y=2.", NULL,
                 "<p>"
                 URL_OPEN ("https://www.example.org/a/very/long/path/that/goes/on?x=1&amp;y=2")
                 "<span class=\"invisible\">https://www.</span>"
                 "<span class=\"ellipsis\">example.org/a/very/long/path/t</span>"
                 "<span class=\"invisible\">hat/goes/on?x=1&amp;y=2</span></a>.</p>");
  check_compose ("(see http://x.example/wiki/Foo_(bar)), ok", NULL,
                 "<p>(see " URL_OPEN ("http://x.example/wiki/Foo_(bar)")
                 "<span class=\"invisible\">http://</span><span>x.example/wiki/Foo_(bar)</span>"
                 "<span class=\"invisible\"></span></a>), ok</p>");
  check_compose ("\"https://x.example/a\"! and https:// and xhttps://x.example", NULL,
                 "<p>\"" URL_OPEN ("https://x.example/a")
                 "<span class=\"invisible\">https://</span><span>x.example/a</span>"
                 "<span class=\"invisible\"></span></a>\"! and https:// and "
                 "xhttps://x.example</p>");
  check_compose ("https://www.#tag https://@x http://.", NULL,
                 "<p>https://www.#tag https://@x http://.</p>");

  html = qtr_html_from_text ("a https://www.example.org/a/very/long/path/that/goes/on b", NULL,
                             &links);
  g_assert_cmpuint (links->len, ==, 1);
  check_link (links, 0, QTR_HTML_LINK_URL,
              "https://www.example.org/a/very/long/path/that/goes/on",
              "example.org/a/very/long/path/t…");
}

static void
test_compose_mention (void)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *html = NULL;

  check_compose ("hi @alice and @bob@example.org!", &compose_options,
                 "<p>hi " MENTION ("https://local.example/@alice", "alice") " and "
                 MENTION ("https://example.org/@bob", "bob") "!</p>");
  check_compose ("@user.name. @a@localhost:3000", &compose_options,
                 "<p>" MENTION ("https://local.example/@user.name", "user.name") ". "
                 MENTION ("https://localhost:3000/@a", "a") "</p>");
  check_compose ("@nobody @js @a@b @_ok_", &compose_options,
                 "<p>@nobody @js @a@b " MENTION ("https://local.example/@_ok_", "_ok_") "</p>");
  check_compose ("hi @alice", NULL, "<p>hi @alice</p>");

  html = qtr_html_from_text ("@alice @bob@example.org", &compose_options, &links);
  g_assert_cmpuint (links->len, ==, 2);
  check_link (links, 0, QTR_HTML_LINK_MENTION, "https://local.example/@alice", "@alice");
  check_link (links, 1, QTR_HTML_LINK_MENTION, "https://example.org/@bob", "@bob");
}

static void
test_compose_email (void)
{
  check_compose ("mail alice@example.org or a@b.c", &compose_options,
                 "<p>mail alice@example.org or a@b.c</p>");
}

static void
test_compose_hashtag (void)
{
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *html = NULL;

  check_compose ("#Café #123 #tag·x· x#no /#no )#no (#yes)", &compose_options,
                 "<p>" HASHTAG ("https://local.example/tags/caf%C3%A9", "Café") " #123 "
                 HASHTAG ("https://local.example/tags/tag%C2%B7x", "tag·x") "· x#no /#no )#no ("
                 HASHTAG ("https://local.example/tags/yes", "yes") ")</p>");
  check_compose ("#cats", NULL, "<p>#cats</p>");

  html = qtr_html_from_text ("#Cats", &compose_options, &links);
  g_assert_cmpuint (links->len, ==, 1);
  check_link (links, 0, QTR_HTML_LINK_HASHTAG, "https://local.example/tags/cats", "#Cats");
}

static void
test_compose_paragraphs (void)
{
  check_compose ("one\ntwo\n\n\n  \nthree  \n\n", NULL, "<p>one<br>two</p><p>three</p>");
  check_compose ("\n\n  lead\r\ncrlf\rcr", NULL, "<p>lead<br>crlf<br>cr</p>");
  check_compose ("", NULL, "");
  check_compose (NULL, NULL, "");
  check_compose (" \n \n", NULL, "");
}

static void
test_compose_escaping (void)
{
  check_compose ("<b>not bold</b> & \"quoted\" &amp;", NULL,
                 "<p>&lt;b&gt;not bold&lt;/b&gt; &amp; \"quoted\" &amp;amp;</p>");
  check_compose ("bad \xff bytes\x01\x0c", NULL, "<p>bad \xef\xbf\xbd bytes</p>");
}

static void
test_compose_round_trip (void)
{
  static const char * const texts[] = {
    "Hello @alice, see https://www.example.org/a/very/long/path/that/goes/on #Café\n"
    "second line @bob@example.org:8080 (https://x.example/)\n\n"
    "  indented <tags> & more #123 a@b.c\n\n\n",
    "@nobody #tag·x· http://x.example/a_(b)_c).",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GPtrArray) composed_links = NULL;
      g_autoptr(GPtrArray) shown_links = NULL;
      g_autofree char *html = qtr_html_from_text (texts[i], &compose_options, &composed_links);
      g_autofree char *clean = qtr_html_sanitize (html);
      g_autofree char *markup = qtr_html_to_markup (html, &shown_links);

      g_assert_cmpstr (clean, ==, html);
      assert_valid_markup (markup);
      g_assert_cmpuint (shown_links->len, ==, composed_links->len);
      for (guint j = 0; j < composed_links->len; j++)
        {
          QtrHtmlLink *link = g_ptr_array_index (composed_links, j);

          check_link (shown_links, j, link->kind, link->href, link->text);
        }
    }
}

static void
test_link_free (void)
{
  g_autoptr(QtrHtmlLink) link = g_new0 (QtrHtmlLink, 1);

  link->href = g_strdup ("https://x.example/");
  link->text = g_strdup ("x");
  qtr_html_link_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/html/sanitize/script", test_sanitize_script);
  g_test_add_func ("/core/html/sanitize/attributes", test_sanitize_attributes);
  g_test_add_func ("/core/html/sanitize/javascript", test_sanitize_javascript);
  g_test_add_func ("/core/html/sanitize/links", test_sanitize_links);
  g_test_add_func ("/core/html/sanitize/img", test_sanitize_img);
  g_test_add_func ("/core/html/sanitize/unknown", test_sanitize_unknown);
  g_test_add_func ("/core/html/sanitize/heading", test_sanitize_heading);
  g_test_add_func ("/core/html/sanitize/classes", test_sanitize_classes);
  g_test_add_func ("/core/html/sanitize/lists", test_sanitize_lists);
  g_test_add_func ("/core/html/sanitize/comments", test_sanitize_comments);
  g_test_add_func ("/core/html/sanitize/entities", test_sanitize_entities);
  g_test_add_func ("/core/html/sanitize/invalid-utf8", test_sanitize_invalid_utf8);
  g_test_add_func ("/core/html/sanitize/empty", test_sanitize_empty);
  g_test_add_func ("/core/html/sanitize/deep-inline", test_sanitize_deep_inline);
  g_test_add_func ("/core/html/sanitize/deep-block", test_sanitize_deep_block);
  g_test_add_func ("/core/html/sanitize/large", test_sanitize_large);
  g_test_add_func ("/core/html/sanitize/idempotent", test_sanitize_idempotent);
  g_test_add_func ("/core/html/sanitize/nesting", test_sanitize_nesting);
  g_test_add_func ("/core/html/markup/mastodon", test_markup_mastodon);
  g_test_add_func ("/core/html/markup/pleroma", test_markup_pleroma);
  g_test_add_func ("/core/html/markup/misskey", test_markup_misskey);
  g_test_add_func ("/core/html/markup/smuggled", test_markup_smuggled);
  g_test_add_func ("/core/html/markup/formatting", test_markup_formatting);
  g_test_add_func ("/core/html/markup/blocks", test_markup_blocks);
  g_test_add_func ("/core/html/markup/links", test_markup_links);
  g_test_add_func ("/core/html/markup/sanitized", test_markup_sanitized);
  g_test_add_func ("/core/html/text/layout", test_text_layout);
  g_test_add_func ("/core/html/from-text/url", test_compose_url);
  g_test_add_func ("/core/html/from-text/mention", test_compose_mention);
  g_test_add_func ("/core/html/from-text/email", test_compose_email);
  g_test_add_func ("/core/html/from-text/hashtag", test_compose_hashtag);
  g_test_add_func ("/core/html/from-text/paragraphs", test_compose_paragraphs);
  g_test_add_func ("/core/html/from-text/escaping", test_compose_escaping);
  g_test_add_func ("/core/html/from-text/round-trip", test_compose_round_trip);
  g_test_add_func ("/core/html/link/free", test_link_free);

  return g_test_run ();
}
