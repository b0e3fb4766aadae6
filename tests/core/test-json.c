/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "qtr-json.h"

static void
assert_refused (const char *data,
                gsize       length,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = qtr_json_parse_object (data, length, &error);

  g_assert_null (object);
  g_assert_error (error, QTR_JSON_ERROR, code);
}

static void
test_parse (void)
{
  static const char text[] = "{\"a\": [1, {\"b\": \"x]]]}}\\\"\"}], \"c\": null}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = qtr_json_parse_object (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (object, "a"),
                                                    1), "b"), ==, "x]]]}}\"");
}

static void
test_refused (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) wide = g_string_new ("{\"a\":[");
  g_autoptr(GString) deep_in_string = g_string_new ("{\"a\":\"");

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  assert_refused (deep->str, deep->len, QTR_JSON_ERROR_TOO_DEEP);

  for (int i = 0; i < QTR_JSON_MAX_MEMBERS + 5; i++)
    g_string_append (wide, "0,");
  g_string_append (wide, "0]}");
  assert_refused (wide->str, wide->len, QTR_JSON_ERROR_TOO_LARGE);

  /* Brackets inside strings do not count. */
  for (int i = 0; i < 1000; i++)
    g_string_append_c (deep_in_string, '{');
  g_string_append (deep_in_string, "\"}");
  {
    g_autoptr(JsonObject) object = qtr_json_parse_object (deep_in_string->str,
                                                          deep_in_string->len, NULL);
    g_assert_nonnull (object);
  }

  assert_refused ("[1, 2]", 6, QTR_JSON_ERROR_NOT_OBJECT);
  assert_refused ("{\"a\": }", 7, QTR_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"\xff\"}", 10, QTR_JSON_ERROR_INVALID);
  assert_refused ("", 0, QTR_JSON_ERROR_INVALID);
}

static void
test_parse_any (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) array = qtr_json_parse ("[{\"id\": \"1\"}, {\"id\": \"2\"}]", 26, &error);
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(JsonNode) refused = NULL;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (array));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (array)), ==, 2);

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  refused = qtr_json_parse (deep->str, deep->len, &error);
  g_assert_null (refused);
  g_assert_error (error, QTR_JSON_ERROR, QTR_JSON_ERROR_TOO_DEEP);
}

static void
test_depth_limit_exact (void)
{
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GString) too_deep = NULL;

  for (int i = 0; i < QTR_JSON_MAX_DEPTH; i++)
    g_string_append (ok, "{\"a\":");
  g_string_append (ok, "1");
  for (int i = 0; i < QTR_JSON_MAX_DEPTH; i++)
    g_string_append_c (ok, '}');
  g_assert_true (qtr_json_check_bounds (ok->str, ok->len, QTR_JSON_MAX_DEPTH,
                                        QTR_JSON_MAX_MEMBERS, NULL));

  too_deep = g_string_new ("[");
  g_string_append (too_deep, ok->str);
  g_string_append_c (too_deep, ']');
  g_assert_false (qtr_json_check_bounds (too_deep->str, too_deep->len, QTR_JSON_MAX_DEPTH,
                                         QTR_JSON_MAX_MEMBERS, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/json/parse", test_parse);
  g_test_add_func ("/core/json/refused", test_refused);
  g_test_add_func ("/core/json/parse-any", test_parse_any);
  g_test_add_func ("/core/json/depth-limit", test_depth_limit_exact);

  return g_test_run ();
}
