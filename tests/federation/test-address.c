/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-address.h"

#include <string.h>

static void
assert_special (const char *text,
                const char *reason_part)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);
  const char *reason;

  g_assert_nonnull (address);
  reason = qtr_address_special_reason (address);
  if (reason == NULL)
    g_error ("%s was taken for a public address", text);
  if (strstr (reason, reason_part) == NULL)
    g_error ("%s: expected a reason with “%s”, got “%s”", text, reason_part, reason);
  g_assert_false (qtr_address_is_public (address));
}

static void
assert_public (const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  g_assert_nonnull (address);
  if (!qtr_address_is_public (address))
    g_error ("%s was refused: %s", text, qtr_address_special_reason (address));
}

static void
test_ipv4 (void)
{
  assert_special ("127.0.0.1", "loopback");
  assert_special ("127.255.1.2", "loopback");
  assert_special ("0.0.0.0", "this network");
  assert_special ("10.1.2.3", "private");
  assert_special ("172.16.0.1", "private");
  assert_special ("172.31.255.255", "private");
  assert_special ("192.168.1.1", "private");
  assert_special ("100.64.0.1", "shared");
  assert_special ("169.254.169.254", "link-local");
  assert_special ("192.0.2.10", "documentation");
  assert_special ("198.18.5.5", "benchmarking");
  assert_special ("224.0.0.251", "multicast");
  assert_special ("240.0.0.1", "reserved");
  assert_special ("255.255.255.255", "broadcast");

  assert_public ("8.8.8.8");
  assert_public ("172.15.255.255");
  assert_public ("172.32.0.1");
  assert_public ("100.128.0.1");
  assert_public ("193.0.0.1");
}

static void
test_ipv6 (void)
{
  assert_special ("::", "unspecified");
  assert_special ("::1", "loopback");
  assert_special ("fe80::1", "link-local");
  assert_special ("fd12:3456::1", "unique local");
  assert_special ("fc00::1", "unique local");
  assert_special ("ff02::1", "multicast");
  assert_special ("2001:db8::1", "documentation");
  assert_special ("fec0::1", "site-local");
  assert_special ("100::1", "discard");
  assert_special ("2001::1", "IETF");

  assert_public ("2a01:4f8::1");
  assert_public ("2606:4700::1111");
}

static void
test_ipv6_embedding_ipv4 (void)
{
  assert_special ("::ffff:127.0.0.1", "loopback");
  assert_special ("::ffff:10.0.0.1", "private");
  assert_special ("::ffff:169.254.169.254", "link-local");
  assert_special ("::127.0.0.1", "loopback");
  assert_special ("64:ff9b::192.168.0.1", "private");
  assert_special ("2002:7f00:1::1", "loopback");
  assert_special ("2002:c0a8:101::1", "private");

  assert_public ("::ffff:8.8.8.8");
  assert_public ("64:ff9b::8.8.8.8");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/federation/address/ipv4", test_ipv4);
  g_test_add_func ("/federation/address/ipv6", test_ipv6);
  g_test_add_func ("/federation/address/ipv6-embedding-ipv4", test_ipv6_embedding_ipv4);

  return g_test_run ();
}
