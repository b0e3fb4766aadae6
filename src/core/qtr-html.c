/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-html.h"

#include <libxml/HTMLparser.h>
#include <string.h>

/* Remote post HTML goes in; out come the same HTML cut down to Mastodon's allow-list
 * (qtr_html_sanitize), GtkLabel markup (qtr_html_to_markup) and plain text (qtr_html_to_text).
 * The other way, what a user typed becomes post HTML in Mastodon's format (qtr_html_from_text).
 *
 * libxml2's HTML parser builds a tree. One walker (walk_document) goes through it without
 * recursion, applies the allow-list and hands clean elements and text to a Sink: the Serializer
 * writes HTML, the Renderer writes markup or text, so what is shown is exactly what the sanitiser
 * keeps. qtr_html_from_text feeds the Serializer itself.
 *
 * Sanitising its own output gives the same string back, because the walker never writes what a
 * second parse would rebuild differently:
 *  - an element that libxml2 takes as closing its parent (closes_parent: a <p> inside a <b>, an
 *    <ul> inside a <p>, …) is unwrapped;
 *  - inline content at the top level goes into a <p> (libxml2 adds one around leading text);
 *  - whitespace-only text at the top level, outside such a paragraph, is dropped;
 *  - no more than MAX_DEPTH elements are open at once: deeper ones are unwrapped.
 *
 * Rendering, for markup and text alike:
 *  - paragraphs, lists, quotes and preformatted blocks are set apart by a blank line; <br> and
 *    list items start a new line; whitespace collapses as in a browser, except inside <pre>;
 *  - each line of a blockquote starts with "> ", once per level of nesting, as in e-mail: it reads
 *    the same in a label, a notification and a plain text preview;
 *  - list items start with "• " or "N. ", indented by two spaces per level of nesting;
 *  - only http and https links become <a href> (the other schemes that Mastodon lets through,
 *    gemini: or magnet: say, stay text, so the app is never asked to open them).
 */

#define MAX_DEPTH 64
#define MAX_INPUT_LENGTH (G_MAXINT / 4)
#define URL_DISPLAY_LENGTH 30
#define LINK_REL "nofollow noopener noreferrer"
#define MIDDLE_DOT 0x00B7

/* XML_PARSE_HUGE lifts libxml2's limit of 256 open elements, past which it stops parsing and
 * drops the rest of the post; the walker sets its own, lower, limit without losing text. The HTML
 * parser knows no entities but HTML's own, so it has nothing to expand. */
#define PARSE_OPTIONS (HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
                       HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE)

typedef enum {
  TAG_P,
  TAG_BR,
  TAG_SPAN,
  TAG_A,
  TAG_DEL,
  TAG_PRE,
  TAG_CODE,
  TAG_EM,
  TAG_STRONG,
  TAG_B,
  TAG_I,
  TAG_U,
  TAG_UL,
  TAG_OL,
  TAG_LI,
  TAG_BLOCKQUOTE,
  N_TAGS
} Tag;

static const char * const tag_names[N_TAGS] = {
  [TAG_P] = "p",
  [TAG_BR] = "br",
  [TAG_SPAN] = "span",
  [TAG_A] = "a",
  [TAG_DEL] = "del",
  [TAG_PRE] = "pre",
  [TAG_CODE] = "code",
  [TAG_EM] = "em",
  [TAG_STRONG] = "strong",
  [TAG_B] = "b",
  [TAG_I] = "i",
  [TAG_U] = "u",
  [TAG_UL] = "ul",
  [TAG_OL] = "ol",
  [TAG_LI] = "li",
  [TAG_BLOCKQUOTE] = "blockquote",
};

/* Elements that go with everything inside them. Not embed: it is void, but libxml2 (which knows
 * HTML 4) makes what follows it its content; like other elements, it goes and that text stays. */
static const char * const dropped_elements[] = {
  "script", "style", "iframe", "object", "noscript", "noembed", "noframes", "template",
  "svg", "math", "textarea", "select", "title", "head", "xmp", "plaintext", "img", "video",
  "audio", "canvas", "form", "input", "button", "applet", "frameset", "frame",
};

/* Schemes Mastodon lets through in links; the first two are the web's. */
static const char * const link_schemes[] = {
  "http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini",
};

static const char * const class_prefixes[] = { "h-", "p-", "u-", "dt-", "e-" };
static const char * const class_names[] = { "mention", "hashtag", "ellipsis", "invisible" };

typedef enum {
  ACTION_UNWRAP,
  ACTION_KEEP,
  ACTION_HEADING,
  ACTION_DROP,
} Action;

/* An element that passed the allow-list, with the attributes it keeps. */
typedef struct {
  Tag       tag;
  char     *href;          /* a: an allowed absolute URL */
  char     *classes;       /* a, span: the allowed class names, or NULL */
  gboolean  rel_tag;       /* a: rel had "tag" */
  gboolean  translate_no;  /* a, span */
  gboolean  reversed;      /* ol */
  gboolean  has_number;    /* ol: start, li: value */
  gint64    number;
  guint     n_items;       /* ol: li children in the source, to number a reversed list */
  gboolean  implicit;      /* a paragraph the walker added around top-level inline content */
} Element;

typedef struct _Sink Sink;

struct _Sink {
  void (*start_element) (Sink          *sink,
                         const Element *element);
  void (*end_element)   (Sink          *sink,
                         const Element *element);
  void (*text)          (Sink          *sink,
                         const char    *text,
                         gsize          length);
};

static void
element_clear (Element *element)
{
  g_clear_pointer (&element->href, g_free);
  g_clear_pointer (&element->classes, g_free);
}

static QtrHtmlLink *
link_new (QtrHtmlLinkKind  kind,
          const char      *href,
          const char      *text)
{
  QtrHtmlLink *link = g_new0 (QtrHtmlLink, 1);

  link->kind = kind;
  link->href = g_strdup (href);
  link->text = g_strdup (text);
  return link;
}

/* Text */

static gboolean
is_xml_char (gunichar c)
{
  return c == '\t' || c == '\n' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         c >= 0x10000;
}

static gboolean
is_html_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!is_html_space (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c) || c == '_';
}

/* Appends valid UTF-8 @text without the characters an HTML parse drops (controls other than tab
 * and newline, U+FFFE, U+FFFF), with CR LF and lone CR as LF. */
static void
append_clean_text (GString    *out,
                   const char *text,
                   gsize       length)
{
  const char *end = text + length;
  const char *run = text;
  const char *p = text;

  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (c != '\r' && is_xml_char (c))
        {
          p = next;
          continue;
        }
      g_string_append_len (out, run, p - run);
      if (c == '\r' && (next >= end || *next != '\n'))
        g_string_append_c (out, '\n');
      run = p = next;
    }
  g_string_append_len (out, run, end - run);
}

static void
append_escaped (GString    *out,
                const char *text,
                gsize       length,
                gboolean    attribute)
{
  const char *end = text + length;
  const char *run = text;

  for (const char *p = text; p < end; p++)
    {
      const char *entity;

      switch (*p)
        {
        case '&': entity = "&amp;"; break;
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '"': entity = attribute ? "&quot;" : NULL; break;
        default: entity = NULL; break;
        }
      if (entity == NULL)
        continue;
      g_string_append_len (out, run, p - run);
      g_string_append (out, entity);
      run = p + 1;
    }
  g_string_append_len (out, run, end - run);
}

/* Whether the space-separated @list has @token. */
static gboolean
has_token (const char *list,
           const char *token)
{
  gsize length = strlen (token);
  const char *p = list;

  while (p != NULL && *p != '\0')
    {
      const char *end;

      while (is_html_space (*p))
        p++;
      end = p;
      while (*end != '\0' && !is_html_space (*end))
        end++;
      if ((gsize) (end - p) == length && strncmp (p, token, length) == 0)
        return TRUE;
      p = end;
    }
  return FALSE;
}

/* Attributes */

/* The scheme of @href, if it is one of link_schemes: its index there, or -1. */
static int
find_link_scheme (const char *href)
{
  const char *p = href;

  if (!g_ascii_isalpha (*p))
    return -1;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  if (*p != ':')
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (link_schemes); i++)
    if (strlen (link_schemes[i]) == (gsize) (p - href) &&
        g_ascii_strncasecmp (href, link_schemes[i], p - href) == 0)
      return i;
  return -1;
}

static gboolean
is_web_url (const char *href)
{
  int scheme = href != NULL ? find_link_scheme (href) : -1;

  return scheme == 0 || scheme == 1;
}

static gboolean
has_host (const char *href)
{
  g_autofree char *host = NULL;

  if (!g_uri_split_network (href, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED,
                            NULL, &host, NULL, NULL))
    return FALSE;
  return host != NULL && *host != '\0';
}

/* The href to keep from @href: without the spaces and controls around it and the tabs and line
 * breaks inside it (as browsers read it); NULL unless it is an absolute URL of an allowed scheme,
 * with a host for http and https. */
static char *
clean_href (const char *href)
{
  g_autoptr(GString) clean = NULL;
  const char *start = href;
  const char *end = href + strlen (href);
  int scheme;

  while (start < end && (guchar) *start <= 0x20)
    start++;
  while (end > start && (guchar) end[-1] <= 0x20)
    end--;

  clean = g_string_sized_new (end - start);
  for (const char *p = start; p < end; p++)
    {
      if (*p == '\t' || *p == '\n' || *p == '\r')
        continue;
      if ((guchar) *p <= 0x20 || *p == 0x7F)
        return NULL;
      g_string_append_c (clean, *p);
    }

  scheme = find_link_scheme (clean->str);
  if (scheme < 0 || (is_web_url (clean->str) && !has_host (clean->str)))
    return NULL;
  return g_string_free (g_steal_pointer (&clean), FALSE);
}

static gboolean
is_allowed_class (const char *name,
                  gsize       length)
{
  for (guint i = 0; i < G_N_ELEMENTS (class_prefixes); i++)
    {
      gsize prefix_length = strlen (class_prefixes[i]);

      if (length > prefix_length && strncmp (name, class_prefixes[i], prefix_length) == 0)
        return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (class_names); i++)
    if (strlen (class_names[i]) == length && strncmp (name, class_names[i], length) == 0)
      return TRUE;
  return FALSE;
}

/* The microformats and Mastodon class names of @value, or NULL when none is left. */
static char *
filter_classes (const char *value)
{
  g_autoptr(GString) kept = g_string_new (NULL);
  const char *p = value;

  while (p != NULL && *p != '\0')
    {
      const char *end;

      while (is_html_space (*p))
        p++;
      end = p;
      while (*end != '\0' && !is_html_space (*end))
        end++;
      if (end > p && is_allowed_class (p, end - p))
        {
          if (kept->len > 0)
            g_string_append_c (kept, ' ');
          g_string_append_len (kept, p, end - p);
        }
      p = end;
    }
  if (kept->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&kept), FALSE);
}

static gboolean
parse_number (const char *value,
              gint64     *number)
{
  g_autofree char *copy = NULL;

  if (value == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (value));
  return g_ascii_string_to_signed (copy, 10, G_MININT32, G_MAXINT32, number, NULL);
}

/* Parsing */

static char *
dup_attribute (xmlNode    *node,
               const char *name)
{
  xmlChar *value = xmlGetNoNsProp (node, (const xmlChar *) name);
  char *copy = g_strdup ((const char *) value);

  xmlFree (value);
  return copy;
}

static gboolean
has_attribute (xmlNode    *node,
               const char *name)
{
  return xmlHasNsProp (node, (const xmlChar *) name, NULL) != NULL;
}

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, name) == 0;
}

static guint
count_list_items (xmlNode *list)
{
  guint count = 0;

  for (xmlNode *child = list->children; child != NULL; child = child->next)
    if (is_element (child, "li"))
      count++;
  return count;
}

static void
read_link (xmlNode *node,
           Element *element)
{
  g_autofree char *href = dup_attribute (node, "href");
  g_autofree char *rel = dup_attribute (node, "rel");

  element->href = href != NULL ? clean_href (href) : NULL;
  if (element->href == NULL)
    {
      element->tag = TAG_SPAN;
      return;
    }
  if (rel != NULL)
    {
      g_autofree char *folded = g_ascii_strdown (rel, -1);

      element->rel_tag = has_token (folded, "tag");
    }
}

static void
read_span (xmlNode *node,
           Element *element)
{
  g_autofree char *classes = dup_attribute (node, "class");
  g_autofree char *translate = dup_attribute (node, "translate");

  element->classes = filter_classes (classes);
  element->translate_no = translate != NULL &&
                          g_ascii_strcasecmp (g_strstrip (translate), "no") == 0;
}

static void
read_attributes (xmlNode *node,
                 Element *element)
{
  g_autofree char *number = NULL;

  switch (element->tag)
    {
    case TAG_A:
      read_link (node, element);
      read_span (node, element);
      break;
    case TAG_SPAN:
      read_span (node, element);
      break;
    case TAG_OL:
      number = dup_attribute (node, "start");
      element->has_number = parse_number (number, &element->number);
      element->reversed = has_attribute (node, "reversed");
      element->n_items = count_list_items (node);
      break;
    case TAG_LI:
      number = dup_attribute (node, "value");
      element->has_number = parse_number (number, &element->number);
      break;
    default:
      break;
    }
}

static Action
classify_element (const char *name,
                  Tag        *tag)
{
  for (guint i = 0; i < N_TAGS; i++)
    {
      if (strcmp (name, tag_names[i]) == 0)
        {
          *tag = i;
          return ACTION_KEEP;
        }
    }
  if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0')
    return ACTION_HEADING;
  for (guint i = 0; i < G_N_ELEMENTS (dropped_elements); i++)
    if (strcmp (name, dropped_elements[i]) == 0)
      return ACTION_DROP;
  return ACTION_UNWRAP;
}

static gboolean
is_inline (Tag tag)
{
  return tag != TAG_P && tag != TAG_PRE && tag != TAG_UL && tag != TAG_OL && tag != TAG_LI &&
         tag != TAG_BLOCKQUOTE;
}

/* Whether libxml2's HTML parser ends an open @parent when it meets a @child start tag (as
 * measured on libxml2 2.9.14; the test /core/html/sanitize/nesting tries every pair). */
static gboolean
closes_parent (Tag child,
               Tag parent)
{
  switch (parent)
    {
    case TAG_P:
      return !is_inline (child);
    case TAG_A:
      return child == TAG_A;
    case TAG_PRE:
      return child == TAG_UL || child == TAG_LI;
    case TAG_B:
    case TAG_I:
    case TAG_U:
      return child == TAG_P;
    case TAG_UL:
      return child == TAG_PRE || child == TAG_OL;
    case TAG_OL:
      return child == TAG_UL;
    case TAG_LI:
      return child == TAG_LI;
    default:
      return FALSE;
    }
}

static xmlDoc *
parse_html (const char *html)
{
  static gsize initialized;
  g_autofree char *valid = NULL;
  gsize length;

  if (g_once_init_enter (&initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&initialized, 1);
    }

  length = html != NULL ? strlen (html) : 0;
  valid = g_utf8_make_valid (html != NULL ? html : "", MIN (length, MAX_INPUT_LENGTH));
  if (*valid == '\0')
    return NULL;
  return htmlReadMemory (valid, strlen (valid), NULL, "UTF-8", PARSE_OPTIONS);
}

/* Walker */

typedef struct {
  Sink    *sink;
  GArray  *open;     /* Element: given to the sink as started, not yet as ended */
  GArray  *frames;   /* guint for each source element walked into: how many of @open it started */
  GString *text;     /* text not yet given to the sink */
  guint    n_links;  /* a elements in @open */
} Walker;

static void
walker_init (Walker *self,
             Sink   *sink)
{
  self->sink = sink;
  self->open = g_array_new (FALSE, TRUE, sizeof (Element));
  g_array_set_clear_func (self->open, (GDestroyNotify) element_clear);
  self->frames = g_array_new (FALSE, FALSE, sizeof (guint));
  self->text = g_string_new (NULL);
  self->n_links = 0;
}

static void
walker_clear (Walker *self)
{
  g_clear_pointer (&self->open, g_array_unref);
  g_clear_pointer (&self->frames, g_array_unref);
  g_string_free (g_steal_pointer (&self->text), TRUE);
}

static Element *
get_parent (Walker *self)
{
  if (self->open->len == 0)
    return NULL;
  return &g_array_index (self->open, Element, self->open->len - 1);
}

static void
push_element (Walker  *self,
              Element *element)
{
  self->sink->start_element (self->sink, element);
  if (element->tag == TAG_A)
    self->n_links++;
  g_array_append_val (self->open, *element);
  memset (element, 0, sizeof *element);
}

static void
pop_element (Walker *self)
{
  Element *element = get_parent (self);

  if (element->tag == TAG_A)
    self->n_links--;
  self->sink->end_element (self->sink, element);
  g_array_set_size (self->open, self->open->len - 1);
}

static void
open_implicit_paragraph (Walker *self)
{
  Element paragraph = { .tag = TAG_P, .implicit = TRUE };

  push_element (self, &paragraph);
}

static void
flush_text (Walker *self)
{
  if (self->text->len == 0)
    return;
  if (self->open->len == 0)
    {
      if (is_blank (self->text->str, self->text->len))
        {
          g_string_truncate (self->text, 0);
          return;
        }
      open_implicit_paragraph (self);
    }
  self->sink->text (self->sink, self->text->str, self->text->len);
  g_string_truncate (self->text, 0);
}

/* Whitespace at the end of a paragraph the walker added is left out. */
static void
drop_trailing_space (Walker *self)
{
  Element *parent = get_parent (self);

  if (parent != NULL && parent->implicit && is_blank (self->text->str, self->text->len))
    g_string_truncate (self->text, 0);
}

/* Gives @element (whose strings it takes) to the sink, unless it has to be unwrapped. Returns
 * whether it is now open. */
static gboolean
start_element (Walker  *self,
               Element *element)
{
  Element *parent;

  if (!is_inline (element->tag))
    drop_trailing_space (self);
  flush_text (self);
  if (element->tag == TAG_A && self->n_links > 0)
    {
      element->tag = TAG_SPAN;
      element->rel_tag = FALSE;
      g_clear_pointer (&element->href, g_free);
    }

  parent = get_parent (self);
  if (parent != NULL && parent->implicit && closes_parent (element->tag, TAG_P))
    {
      pop_element (self);
      parent = NULL;
    }
  if (parent == NULL && is_inline (element->tag))
    open_implicit_paragraph (self);
  if ((parent != NULL && closes_parent (element->tag, parent->tag)) ||
      self->open->len >= MAX_DEPTH)
    {
      element_clear (element);
      return FALSE;
    }
  if (element->tag == TAG_BR)
    {
      self->sink->start_element (self->sink, element);
      self->sink->end_element (self->sink, element);
      element_clear (element);
      return FALSE;
    }
  push_element (self, element);
  return TRUE;
}

static guint
start_heading (Walker *self)
{
  Element paragraph = { .tag = TAG_P };
  Element strong = { .tag = TAG_STRONG };
  guint started = 0;

  started += start_element (self, &paragraph);
  started += start_element (self, &strong);
  return started;
}

/* Returns whether the walk goes into @node. */
static gboolean
enter_element (Walker  *self,
               xmlNode *node)
{
  Element element = { 0 };
  guint started = 0;

  switch (classify_element ((const char *) node->name, &element.tag))
    {
    case ACTION_DROP:
      return FALSE;
    case ACTION_UNWRAP:
      break;
    case ACTION_HEADING:
      started = start_heading (self);
      break;
    case ACTION_KEEP:
      read_attributes (node, &element);
      started = start_element (self, &element);
      break;
    default:
      g_assert_not_reached ();
    }
  g_array_append_val (self->frames, started);
  return TRUE;
}

static void
leave_element (Walker *self)
{
  guint started = g_array_index (self->frames, guint, self->frames->len - 1);

  g_array_set_size (self->frames, self->frames->len - 1);
  if (started > 0)
    flush_text (self);
  for (guint i = 0; i < started; i++)
    pop_element (self);
}

static gboolean
visit_node (Walker  *self,
            xmlNode *node)
{
  switch (node->type)
    {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
      if (node->content != NULL)
        append_clean_text (self->text, (const char *) node->content,
                           strlen ((const char *) node->content));
      return FALSE;
    case XML_ELEMENT_NODE:
      return enter_element (self, node);
    default:
      return FALSE;
    }
}

/* Depth first, with the tree's own links instead of recursion. */
static void
walk_document (Walker *self,
               xmlDoc *doc)
{
  xmlNode *node = doc->children;

  while (node != NULL)
    {
      gboolean entered = visit_node (self, node);

      if (entered && node->children != NULL)
        {
          node = node->children;
          continue;
        }
      if (entered)
        leave_element (self);
      while (node->next == NULL)
        {
          node = node->parent;
          if (node == NULL || node->type != XML_ELEMENT_NODE)
            return;
          leave_element (self);
        }
      node = node->next;
    }
}

static void
walker_finish (Walker *self)
{
  drop_trailing_space (self);
  flush_text (self);
  while (self->open->len > 0)
    pop_element (self);
}

static void
convert_html (const char *html,
              Sink       *sink)
{
  xmlDoc *doc = parse_html (html);
  Walker walker;

  walker_init (&walker, sink);
  if (doc != NULL)
    walk_document (&walker, doc);
  walker_finish (&walker);
  walker_clear (&walker);
  if (doc != NULL)
    xmlFreeDoc (doc);
}

/* Serializer: HTML */

typedef struct {
  Sink     sink;
  GString *out;
} Serializer;

static void
append_attribute (GString    *out,
                  const char *name,
                  const char *value)
{
  g_string_append_printf (out, " %s=\"", name);
  append_escaped (out, value, strlen (value), TRUE);
  g_string_append_c (out, '"');
}

static void
append_number_attribute (GString    *out,
                         const char *name,
                         gint64      value)
{
  g_string_append_printf (out, " %s=\"%" G_GINT64_FORMAT "\"", name, value);
}

static void
serialize_start (Sink          *sink,
                 const Element *element)
{
  GString *out = ((Serializer *) sink)->out;

  g_string_append_printf (out, "<%s", tag_names[element->tag]);
  if (element->href != NULL)
    append_attribute (out, "href", element->href);
  if (element->classes != NULL)
    append_attribute (out, "class", element->classes);
  if (element->tag == TAG_A)
    {
      append_attribute (out, "target", "_blank");
      append_attribute (out, "rel", element->rel_tag ? LINK_REL " tag" : LINK_REL);
    }
  if (element->translate_no)
    append_attribute (out, "translate", "no");
  if (element->tag == TAG_OL && element->has_number)
    append_number_attribute (out, "start", element->number);
  if (element->tag == TAG_OL && element->reversed)
    g_string_append (out, " reversed");
  if (element->tag == TAG_LI && element->has_number)
    append_number_attribute (out, "value", element->number);
  g_string_append_c (out, '>');
}

static void
serialize_end (Sink          *sink,
               const Element *element)
{
  if (element->tag != TAG_BR)
    g_string_append_printf (((Serializer *) sink)->out, "</%s>", tag_names[element->tag]);
}

static void
serialize_text (Sink       *sink,
                const char *text,
                gsize       length)
{
  append_escaped (((Serializer *) sink)->out, text, length, FALSE);
}

static void
serializer_init (Serializer *self)
{
  self->sink.start_element = serialize_start;
  self->sink.end_element = serialize_end;
  self->sink.text = serialize_text;
  self->out = g_string_new (NULL);
}

/* Renderer: GtkLabel markup or plain text */

typedef struct {
  gboolean ordered;
  gint64   next;
  gint64   step;
} List;

typedef struct {
  char       *open;
  const char *close;
} MarkupTag;

enum {
  FRAME_TAG = 1 << 0,       /* pushed a MarkupTag */
  FRAME_LINK = 1 << 1,      /* began the link */
  FRAME_HIDDEN = 1 << 2,    /* hides its content */
  FRAME_ELLIPSIS = 1 << 3,  /* is followed by "…" */
};

typedef struct {
  Sink       sink;
  GString   *out;
  gboolean   markup;
  GPtrArray *links;             /* (nullable) QtrHtmlLink */

  gboolean   has_output;        /* some content has been written */
  gboolean   line_started;      /* the current line has its prefix */
  guint      pending_newlines;  /* to write before the next content */
  gboolean   pending_space;
  char      *pending_marker;    /* list item marker for the next line */

  guint      hidden;            /* open invisible spans */
  guint      pre;               /* open pre elements */
  gboolean   pre_started;       /* content since the last pre opened */
  guint      quotes;
  guint      items;             /* open li elements */
  GArray    *lists;             /* List */
  GArray    *frames;            /* guint flags for each open element */

  GArray    *tags;              /* MarkupTag: formatting of the open elements */
  guint      n_opened;          /* how many of @tags the output has opened */

  GString   *link_text;         /* visible text of the link being written, or NULL */
  guint      link_tag;          /* its index in @tags */
} Renderer;

static void
markup_tag_clear (MarkupTag *tag)
{
  g_clear_pointer (&tag->open, g_free);
}

static void
append_text (Renderer   *self,
             const char *text,
             gssize      length)
{
  g_autofree char *escaped = NULL;

  if (!self->markup)
    {
      g_string_append_len (self->out, text, length);
      return;
    }
  escaped = g_markup_escape_text (text, length);
  g_string_append (self->out, escaped);
}

static void
add_link_text (Renderer   *self,
               const char *text)
{
  if (self->link_text != NULL && self->n_opened > self->link_tag)
    g_string_append (self->link_text, text);
}

static void
request_break (Renderer *self,
               guint     newlines)
{
  self->pending_newlines = MAX (self->pending_newlines, newlines);
  self->pending_space = FALSE;
}

static guint
get_paragraph_break (Renderer *self)
{
  return self->items > 0 ? 1 : 2;
}

static void
write_line_prefix (Renderer *self)
{
  for (guint i = 0; i < self->quotes; i++)
    append_text (self, "> ", -1);
  if (self->pending_marker != NULL)
    {
      append_text (self, self->pending_marker, -1);
      g_clear_pointer (&self->pending_marker, g_free);
    }
}

static void
open_pending_tags (Renderer *self)
{
  for (; self->n_opened < self->tags->len; self->n_opened++)
    {
      MarkupTag *tag = &g_array_index (self->tags, MarkupTag, self->n_opened);

      if (self->markup)
        g_string_append (self->out, tag->open);
    }
}

static void
begin_content (Renderer *self)
{
  if (self->has_output && self->pending_newlines > 0)
    {
      for (guint i = 0; i < self->pending_newlines; i++)
        g_string_append_c (self->out, '\n');
      self->line_started = FALSE;
      add_link_text (self, " ");
    }
  else if (self->has_output && self->pending_space)
    {
      g_string_append_c (self->out, ' ');
      add_link_text (self, " ");
    }
  self->pending_newlines = 0;
  self->pending_space = FALSE;
  if (!self->line_started)
    {
      write_line_prefix (self);
      self->line_started = TRUE;
    }
  open_pending_tags (self);
  self->has_output = TRUE;
}

static void
write_content (Renderer   *self,
               const char *text,
               gsize       length)
{
  begin_content (self);
  append_text (self, text, length);
  if (self->link_text != NULL)
    g_string_append_len (self->link_text, text, length);
  self->pre_started = TRUE;
}

static guint
push_tag (Renderer   *self,
          char       *open,
          const char *close)
{
  MarkupTag tag = { open, close };

  g_array_append_val (self->tags, tag);
  return FRAME_TAG;
}

static void
pop_tag (Renderer *self)
{
  MarkupTag *tag = &g_array_index (self->tags, MarkupTag, self->tags->len - 1);

  if (self->n_opened == self->tags->len)
    {
      if (self->markup)
        g_string_append (self->out, tag->close);
      self->n_opened--;
    }
  g_array_set_size (self->tags, self->tags->len - 1);
}

static void
start_list (Renderer      *self,
            const Element *element)
{
  List list = { .ordered = element->tag == TAG_OL, .next = 1, .step = 1 };

  if (element->reversed)
    {
      list.step = -1;
      list.next = element->n_items;
    }
  if (element->has_number)
    list.next = element->number;
  request_break (self, self->items > 0 ? 1 : 2);
  g_array_append_val (self->lists, list);
}

static void
start_item (Renderer      *self,
            const Element *element)
{
  List *list = NULL;
  g_autofree char *indent = NULL;

  if (self->lists->len > 0)
    list = &g_array_index (self->lists, List, self->lists->len - 1);
  indent = g_strnfill (2 * (MAX (self->lists->len, 1) - 1), ' ');

  request_break (self, 1);
  self->items++;
  g_free (self->pending_marker);
  if (list != NULL && list->ordered)
    {
      gint64 number = element->has_number ? element->number : list->next;

      list->next = number + list->step;
      self->pending_marker = g_strdup_printf ("%s%" G_GINT64_FORMAT ". ", indent, number);
    }
  else
    self->pending_marker = g_strconcat (indent, "• ", NULL);
}

static guint
start_span (Renderer      *self,
            const Element *element)
{
  guint flags = 0;

  if (has_token (element->classes, "invisible"))
    {
      self->hidden++;
      flags |= FRAME_HIDDEN;
    }
  if (has_token (element->classes, "ellipsis"))
    flags |= FRAME_ELLIPSIS;
  return flags;
}

static guint
start_link (Renderer      *self,
            const Element *element)
{
  g_autofree char *href = NULL;

  if (self->link_text != NULL || !is_web_url (element->href))
    return 0;
  href = g_markup_escape_text (element->href, -1);
  push_tag (self, g_strdup_printf ("<a href=\"%s\">", href), "</a>");
  self->link_tag = self->tags->len - 1;
  self->link_text = g_string_new (NULL);
  return FRAME_TAG | FRAME_LINK;
}

static QtrHtmlLinkKind
classify_link (const Element *element,
               const char    *text)
{
  gboolean mention = has_token (element->classes, "mention");
  gboolean hashtag = has_token (element->classes, "hashtag");

  if ((mention && !hashtag) || (text[0] == '@' && has_token (element->classes, "u-url")))
    return QTR_HTML_LINK_MENTION;
  if (hashtag || element->rel_tag || text[0] == '#')
    return QTR_HTML_LINK_HASHTAG;
  return QTR_HTML_LINK_URL;
}

static void
finish_link (Renderer      *self,
             const Element *element)
{
  g_autoptr(GString) text = g_steal_pointer (&self->link_text);
  gboolean opened = self->n_opened == self->tags->len;

  pop_tag (self);
  if (opened && self->links != NULL)
    g_ptr_array_add (self->links, link_new (classify_link (element, text->str), element->href,
                                            text->str));
}

static void
render_start (Sink          *sink,
              const Element *element)
{
  Renderer *self = (Renderer *) sink;
  guint flags = 0;

  switch (element->tag)
    {
    case TAG_P:
      request_break (self, get_paragraph_break (self));
      break;
    case TAG_BR:
      self->pending_newlines++;
      self->pending_space = FALSE;
      break;
    case TAG_PRE:
      request_break (self, 2);
      self->pre++;
      self->pre_started = FALSE;
      flags = push_tag (self, g_strdup ("<tt>"), "</tt>");
      break;
    case TAG_CODE:
      if (self->pre == 0)
        flags = push_tag (self, g_strdup ("<tt>"), "</tt>");
      break;
    case TAG_B:
    case TAG_STRONG:
      flags = push_tag (self, g_strdup ("<b>"), "</b>");
      break;
    case TAG_I:
    case TAG_EM:
      flags = push_tag (self, g_strdup ("<i>"), "</i>");
      break;
    case TAG_U:
      flags = push_tag (self, g_strdup ("<u>"), "</u>");
      break;
    case TAG_DEL:
      flags = push_tag (self, g_strdup ("<s>"), "</s>");
      break;
    case TAG_BLOCKQUOTE:
      request_break (self, 2);
      self->quotes++;
      break;
    case TAG_UL:
    case TAG_OL:
      start_list (self, element);
      break;
    case TAG_LI:
      start_item (self, element);
      break;
    case TAG_SPAN:
      flags = start_span (self, element);
      break;
    case TAG_A:
      flags = start_link (self, element);
      break;
    case N_TAGS:
    default:
      g_assert_not_reached ();
    }
  g_array_append_val (self->frames, flags);
}

static void
render_end (Sink          *sink,
            const Element *element)
{
  Renderer *self = (Renderer *) sink;
  guint flags = g_array_index (self->frames, guint, self->frames->len - 1);

  g_array_set_size (self->frames, self->frames->len - 1);
  if ((flags & FRAME_ELLIPSIS) != 0 && self->hidden == 0)
    write_content (self, "…", strlen ("…"));
  if ((flags & FRAME_HIDDEN) != 0)
    self->hidden--;
  if ((flags & FRAME_LINK) != 0)
    finish_link (self, element);
  else if ((flags & FRAME_TAG) != 0)
    pop_tag (self);

  switch (element->tag)
    {
    case TAG_P:
      request_break (self, get_paragraph_break (self));
      break;
    case TAG_PRE:
      self->pre--;
      request_break (self, 2);
      break;
    case TAG_BLOCKQUOTE:
      self->quotes--;
      request_break (self, 2);
      break;
    case TAG_UL:
    case TAG_OL:
      g_array_set_size (self->lists, self->lists->len - 1);
      request_break (self, self->items > 0 ? 1 : 2);
      break;
    case TAG_LI:
      self->items--;
      g_clear_pointer (&self->pending_marker, g_free);
      request_break (self, 1);
      break;
    default:
      break;
    }
}

static void
render_flowing (Renderer   *self,
                const char *text,
                gsize       length)
{
  const char *end = text + length;
  const char *p = text;

  while (p < end)
    {
      const char *word = p;

      if (is_html_space (*p))
        {
          self->pending_space = TRUE;
          p++;
          continue;
        }
      while (p < end && !is_html_space (*p))
        p++;
      write_content (self, word, p - word);
    }
}

/* Keeps spaces; line breaks become hard ones, except those that open the block. */
static void
render_preformatted (Renderer   *self,
                     const char *text,
                     gsize       length)
{
  const char *end = text + length;
  const char *p = text;

  while (p < end)
    {
      const char *line = p;

      while (p < end && *p != '\n')
        p++;
      if (p > line)
        write_content (self, line, p - line);
      if (p < end)
        {
          if (self->pre_started)
            self->pending_newlines++;
          p++;
        }
    }
}

static void
render_text (Sink       *sink,
             const char *text,
             gsize       length)
{
  Renderer *self = (Renderer *) sink;

  if (self->hidden > 0)
    return;
  if (self->pre > 0)
    render_preformatted (self, text, length);
  else
    render_flowing (self, text, length);
}

static void
renderer_init (Renderer *self,
               gboolean  markup,
               gboolean  want_links)
{
  memset (self, 0, sizeof *self);
  self->sink.start_element = render_start;
  self->sink.end_element = render_end;
  self->sink.text = render_text;
  self->out = g_string_new (NULL);
  self->markup = markup;
  if (want_links)
    self->links = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_html_link_free);
  self->lists = g_array_new (FALSE, FALSE, sizeof (List));
  self->frames = g_array_new (FALSE, FALSE, sizeof (guint));
  self->tags = g_array_new (FALSE, FALSE, sizeof (MarkupTag));
  g_array_set_clear_func (self->tags, (GDestroyNotify) markup_tag_clear);
}

/* Frees all but the output, which it returns. */
static char *
renderer_finish (Renderer *self)
{
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_pointer (&self->pending_marker, g_free);
  g_clear_pointer (&self->lists, g_array_unref);
  g_clear_pointer (&self->frames, g_array_unref);
  g_clear_pointer (&self->tags, g_array_unref);
  if (self->link_text != NULL)
    g_string_free (g_steal_pointer (&self->link_text), TRUE);
  return g_string_free (g_steal_pointer (&self->out), FALSE);
}

/* Composer: typed text to post HTML */

typedef struct {
  Sink                        *sink;
  const QtrHtmlComposeOptions *options;
  GPtrArray                   *links;  /* (nullable) */
} Composer;

static gunichar
get_previous_char (const char *start,
                   const char *p)
{
  if (p == start)
    return 0;
  return g_utf8_get_char (g_utf8_find_prev_char (start, p));
}

static gboolean
ends_url (gunichar c)
{
  return c == '\0' || g_unichar_isspace (c) || c == '<' || c == '>';
}

static gsize
get_scheme_length (const char *text)
{
  if (g_ascii_strncasecmp (text, "https://", 8) == 0)
    return 8;
  if (g_ascii_strncasecmp (text, "http://", 7) == 0)
    return 7;
  return 0;
}

static gsize
count_byte (const char *text,
            gsize       length,
            char        byte)
{
  gsize count = 0;

  for (gsize i = 0; i < length; i++)
    count += text[i] == byte;
  return count;
}

/* Drops the punctuation that ends a sentence rather than the URL; a closing parenthesis stays
 * when it closes one in the URL. */
static gsize
trim_url_punctuation (const char *url,
                      gsize       length,
                      gsize       scheme_length)
{
  while (length > scheme_length)
    {
      char last = url[length - 1];

      if (last == ')' && count_byte (url, length, '(') >= count_byte (url, length, ')'))
        break;
      if (strchr (".,;:!?)'\"", last) == NULL)
        break;
      length--;
    }
  return length;
}

/* Where Mastodon's shortened form of an http or https @url starts: after the scheme and "www.". */
static gsize
get_display_offset (const char *url)
{
  gsize offset = get_scheme_length (url);

  if (g_ascii_strncasecmp (url + offset, "www.", 4) == 0)
    offset += 4;
  return offset;
}

/* The length of the http or https URL at @p, or 0. What it shows starts with a letter or digit,
 * so that it never reads as a mention or a hashtag. */
static gsize
match_url (const char *line,
           const char *p)
{
  gsize scheme_length = get_scheme_length (p);
  g_autofree char *url = NULL;
  g_autofree char *clean = NULL;
  const char *end;
  gsize length;

  if (scheme_length == 0 || is_word_char (get_previous_char (line, p)))
    return 0;
  end = p + scheme_length;
  while (!ends_url (g_utf8_get_char (end)))
    end = g_utf8_next_char (end);
  length = trim_url_punctuation (p, end - p, scheme_length);

  url = g_strndup (p, length);
  clean = clean_href (url);
  if (clean == NULL || strcmp (clean, url) != 0)
    return 0;
  if (!g_unichar_isalnum (g_utf8_get_char (url + get_display_offset (url))))
    return 0;
  return length;
}

static gboolean
is_user_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '-';
}

static gboolean
is_host_char (gunichar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || (c > 0x7F && g_unichar_isalnum (c));
}

static gboolean
is_valid_mention_host (const char *host,
                       gsize       length)
{
  g_autofree char *copy = g_strndup (host, length);
  g_auto(GStrv) labels = NULL;

  if (g_ascii_strcasecmp (copy, "localhost") == 0)
    return TRUE;
  labels = g_strsplit (copy, ".", -1);
  if (g_strv_length (labels) < 2)
    return FALSE;
  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize label_length = strlen (labels[i]);

      if (label_length == 0 || labels[i][0] == '-' || labels[i][label_length - 1] == '-')
        return FALSE;
    }
  return TRUE;
}

/* The length of the host (with its port) at @host, or 0. */
static gsize
match_mention_host (const char *host)
{
  const char *end = host;

  while (is_host_char (g_utf8_get_char (end)))
    end = g_utf8_next_char (end);
  while (end > host && (end[-1] == '.' || end[-1] == '-'))
    end--;
  if (!is_valid_mention_host (host, end - host))
    return 0;
  if (end[0] == ':' && g_ascii_isdigit (end[1]))
    {
      const char *port = ++end;

      while (g_ascii_isdigit (*end) && end - port < 5)
        end++;
    }
  return end - host;
}

/* The length of the `@user` or `@user@host` at @p, or 0. */
static gsize
match_mention (const char *line,
               const char *p)
{
  const char *user = p + 1;
  const char *end = user;

  if (is_word_char (get_previous_char (line, p)))
    return 0;
  while (is_user_char (*end))
    end++;
  while (end > user && (end[-1] == '.' || end[-1] == '-'))
    end--;
  if (end == user || *user == '.' || *user == '-')
    return 0;
  if (*end == '@')
    {
      gsize host_length = match_mention_host (end + 1);

      if (host_length == 0)
        return 0;
      end += 1 + host_length;
    }
  if (*end == '@' || is_word_char (g_utf8_get_char (end)))
    return 0;
  return end - p;
}

static gboolean
is_hashtag_char (gunichar c)
{
  return is_word_char (c) || c == MIDDLE_DOT;
}

/* The length of the `#tag` at @p, or 0. */
static gsize
match_hashtag (const char *line,
               const char *p)
{
  gunichar before = get_previous_char (line, p);
  const char *tag = p + 1;
  const char *end = tag;
  gboolean has_letter = FALSE;

  if (is_word_char (before) || before == '/' || before == ')')
    return 0;
  while (*end != '\0' && is_hashtag_char (g_utf8_get_char (end)))
    {
      gunichar c = g_utf8_get_char (end);

      has_letter |= !g_unichar_isdigit (c) && c != MIDDLE_DOT;
      end = g_utf8_next_char (end);
    }
  while (end > tag && g_utf8_get_char (g_utf8_find_prev_char (tag, end)) == MIDDLE_DOT)
    end = g_utf8_find_prev_char (tag, end);
  if (end == tag || g_utf8_get_char (tag) == MIDDLE_DOT || !has_letter)
    return 0;
  return end - p;
}

static void
add_composed_link (Composer        *self,
                   QtrHtmlLinkKind  kind,
                   const char      *href,
                   const char      *text)
{
  if (self->links != NULL)
    g_ptr_array_add (self->links, link_new (kind, href, text));
}

static void
compose_text (Composer   *self,
              const char *text,
              gsize       length)
{
  if (length > 0)
    self->sink->text (self->sink, text, length);
}

static void
compose_start (Composer *self,
               Element  *element)
{
  self->sink->start_element (self->sink, element);
}

/* Ends @element and frees its strings. */
static void
compose_end (Composer *self,
             Element  *element)
{
  self->sink->end_element (self->sink, element);
  element_clear (element);
}

static void
compose_span (Composer   *self,
              const char *classes,
              const char *text,
              gsize       length)
{
  Element span = { .tag = TAG_SPAN, .classes = g_strdup (classes) };

  compose_start (self, &span);
  compose_text (self, text, length);
  compose_end (self, &span);
}

/* Mastodon's shortened form: the scheme and "www." hidden, then at most URL_DISPLAY_LENGTH
 * characters shown, the rest hidden behind an ellipsis. */
static gboolean
compose_url (Composer   *self,
             const char *text,
             gsize       length)
{
  g_autofree char *href = g_strndup (text, length);
  g_autofree char *shown = NULL;
  Element link = { .tag = TAG_A, .href = g_strdup (href), .translate_no = TRUE };
  gsize prefix_length = get_display_offset (href);
  const char *display;
  const char *rest;
  gboolean truncated;

  display = href + prefix_length;
  rest = g_utf8_offset_to_pointer (display, MIN (g_utf8_strlen (display, -1), URL_DISPLAY_LENGTH));
  truncated = *rest != '\0';

  compose_start (self, &link);
  compose_span (self, "invisible", href, prefix_length);
  compose_span (self, truncated ? "ellipsis" : NULL, display, rest - display);
  compose_span (self, "invisible", rest, strlen (rest));
  compose_end (self, &link);

  shown = g_strdup_printf ("%.*s%s", (int) (rest - display), display, truncated ? "…" : "");
  add_composed_link (self, QTR_HTML_LINK_URL, href, shown);
  return TRUE;
}

/* A URL from outside that may go into an href unchanged: http or https, nothing to clean. */
static char *
check_profile_url (char *url)
{
  g_autofree char *owned = url;
  char *clean = url != NULL ? clean_href (url) : NULL;

  if (clean != NULL && !is_web_url (clean))
    g_clear_pointer (&clean, g_free);
  return clean;
}

static gboolean
compose_mention (Composer   *self,
                 const char *text,
                 gsize       length)
{
  g_autofree char *user = g_strndup (text + 1, length - 1);
  g_autofree char *href = NULL;
  g_autofree char *shown = NULL;
  char *host = strchr (user, '@');
  Element card = { .tag = TAG_SPAN, .classes = g_strdup ("h-card"), .translate_no = TRUE };
  Element link = { .tag = TAG_A, .classes = g_strdup ("u-url mention") };

  if (host != NULL)
    *host++ = '\0';
  if (self->options != NULL && self->options->resolve_mention != NULL)
    href = check_profile_url (self->options->resolve_mention (user, host,
                                                              self->options->user_data));
  if (href == NULL)
    {
      element_clear (&card);
      element_clear (&link);
      return FALSE;
    }
  link.href = g_strdup (href);

  compose_start (self, &card);
  compose_start (self, &link);
  compose_text (self, "@", 1);
  compose_span (self, NULL, user, strlen (user));
  compose_end (self, &link);
  compose_end (self, &card);

  shown = g_strconcat ("@", user, NULL);
  add_composed_link (self, QTR_HTML_LINK_MENTION, href, shown);
  return TRUE;
}

static gboolean
compose_hashtag (Composer   *self,
                 const char *text,
                 gsize       length)
{
  g_autofree char *tag = g_strndup (text + 1, length - 1);
  g_autofree char *folded = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *href = NULL;
  g_autofree char *shown = NULL;
  Element link = { .tag = TAG_A, .classes = g_strdup ("mention hashtag"), .rel_tag = TRUE };

  if (self->options != NULL && self->options->tag_base_url != NULL)
    {
      folded = g_utf8_strdown (tag, -1);
      escaped = g_uri_escape_string (folded, NULL, FALSE);
      href = check_profile_url (g_strconcat (self->options->tag_base_url, escaped, NULL));
    }
  if (href == NULL)
    {
      element_clear (&link);
      return FALSE;
    }
  link.href = g_strdup (href);

  compose_start (self, &link);
  compose_text (self, "#", 1);
  compose_span (self, NULL, tag, strlen (tag));
  compose_end (self, &link);

  shown = g_strconcat ("#", tag, NULL);
  add_composed_link (self, QTR_HTML_LINK_HASHTAG, href, shown);
  return TRUE;
}

/* The length of the URL, mention or hashtag at @p, or 0. */
static gsize
match_entity (const char *line,
              const char *p)
{
  switch (*p)
    {
    case 'h':
    case 'H':
      return match_url (line, p);
    case '@':
      return match_mention (line, p);
    case '#':
      return match_hashtag (line, p);
    default:
      return 0;
    }
}

static gboolean
compose_entity (Composer   *self,
                const char *text,
                gsize       length)
{
  switch (*text)
    {
    case '@':
      return compose_mention (self, text, length);
    case '#':
      return compose_hashtag (self, text, length);
    default:
      return compose_url (self, text, length);
    }
}

static void
compose_line (Composer   *self,
              const char *line)
{
  const char *plain = line;
  const char *p = line;

  while (*p != '\0')
    {
      gsize length = match_entity (line, p);

      if (length == 0)
        {
          p = g_utf8_next_char (p);
          continue;
        }
      compose_text (self, plain, p - plain);
      if (!compose_entity (self, p, length))
        compose_text (self, p, length);
      p += length;
      plain = p;
    }
  compose_text (self, plain, p - plain);
}

static void
compose_paragraphs (Composer   *self,
                    const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  Element paragraph = { .tag = TAG_P };
  Element line_break = { .tag = TAG_BR };
  gboolean in_paragraph = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        {
          if (in_paragraph)
            compose_end (self, &paragraph);
          in_paragraph = FALSE;
          continue;
        }
      if (in_paragraph)
        {
          compose_start (self, &line_break);
          compose_end (self, &line_break);
        }
      else
        compose_start (self, &paragraph);
      in_paragraph = TRUE;
      compose_line (self, line);
    }
  if (in_paragraph)
    compose_end (self, &paragraph);
}

/* Public API */

/**
 * qtr_html_link_free:
 * @link: (nullable): a link
 *
 * Frees @link.
 */
void
qtr_html_link_free (QtrHtmlLink *link)
{
  if (link == NULL)
    return;
  g_free (link->href);
  g_free (link->text);
  g_free (link);
}

/**
 * qtr_html_sanitize:
 * @html: (nullable): remote post HTML; invalid UTF-8 is repaired
 *
 * Cuts @html down to Mastodon's allow-list: p br span a del pre code em strong b i u ul ol li
 * blockquote, with only the attributes Mastodon keeps. Links to other than the schemes Mastodon
 * allows become spans; kept links get `target="_blank"` and `rel="nofollow noopener noreferrer"`
 * (plus `tag` when they had it); headings become bold paragraphs; scripts, styles, media, forms
 * and the like go with their content; other elements go but keep their content. Sanitising the
 * result again gives it back unchanged.
 *
 * Returns: (transfer full): an HTML fragment, possibly empty
 */
char *
qtr_html_sanitize (const char *html)
{
  Serializer serializer;

  serializer_init (&serializer);
  convert_html (html, &serializer.sink);
  return g_string_free (serializer.out, FALSE);
}

/**
 * qtr_html_to_markup:
 * @html: (nullable): remote post HTML, sanitised or not
 * @links: (out) (optional) (transfer container) (element-type QtrHtmlLink): the links shown, in
 *   order
 *
 * Converts @html, as qtr_html_sanitize() would keep it, to markup for a GtkLabel: Pango markup
 * and `<a href>` for http and https links. Text never becomes markup.
 *
 * Returns: (transfer full): valid markup, possibly empty
 */
char *
qtr_html_to_markup (const char  *html,
                    GPtrArray  **links)
{
  Renderer renderer;

  renderer_init (&renderer, TRUE, links != NULL);
  convert_html (html, &renderer.sink);
  if (links != NULL)
    *links = g_steal_pointer (&renderer.links);
  return renderer_finish (&renderer);
}

/**
 * qtr_html_to_text:
 * @html: (nullable): remote post HTML, sanitised or not
 *
 * Converts @html to plain text laid out as qtr_html_to_markup() lays it out, for notifications and
 * previews.
 *
 * Returns: (transfer full): the text, possibly empty
 */
char *
qtr_html_to_text (const char *html)
{
  Renderer renderer;

  renderer_init (&renderer, FALSE, FALSE);
  convert_html (html, &renderer.sink);
  return renderer_finish (&renderer);
}

/**
 * qtr_html_from_text:
 * @text: (nullable): what the user typed
 * @options: (nullable): how to link mentions and hashtags; %NULL links neither
 * @links: (out) (optional) (transfer container) (element-type QtrHtmlLink): the links made, in
 *   order
 *
 * Converts typed text to post HTML in Mastodon's format: paragraphs at blank lines, `<br>` at
 * line breaks, http and https URLs linked and shortened, mentions linked when
 * @options resolves them and hashtags when it has a tag base URL. The result is what
 * qtr_html_sanitize() keeps of it.
 *
 * Returns: (transfer full): an HTML fragment, possibly empty
 */
char *
qtr_html_from_text (const char                  *text,
                    const QtrHtmlComposeOptions *options,
                    GPtrArray                  **links)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autoptr(GString) clean = g_string_new (NULL);
  Serializer serializer;
  Composer composer = { &serializer.sink, options, NULL };

  if (links != NULL)
    composer.links = g_ptr_array_new_with_free_func ((GDestroyNotify) qtr_html_link_free);
  append_clean_text (clean, valid, strlen (valid));
  serializer_init (&serializer);
  compose_paragraphs (&composer, clean->str);
  if (links != NULL)
    *links = composer.links;
  return g_string_free (serializer.out, FALSE);
}
