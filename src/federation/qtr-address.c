/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-address.h"

#include <string.h>

/* Which addresses a fetch or a delivery may connect to. The SSRF guard refuses every address of
 * IANA's special-purpose registries (loopback, private, shared, link-local, documentation,
 * multicast, reserved…), and looks inside the IPv6 forms that carry an IPv4 address (mapped,
 * compatible, NAT64, 6to4) so that ::ffff:127.0.0.1 is refused like 127.0.0.1. */

typedef struct {
  guint8      bytes[16];
  guint       prefix_length;
  const char *reason;
} SpecialRange;

static const SpecialRange ipv4_ranges[] = {
  { { 0 }, 8, "this network (0.0.0.0/8)" },
  { { 10 }, 8, "private network (10.0.0.0/8)" },
  { { 100, 64 }, 10, "shared address space (100.64.0.0/10)" },
  { { 127 }, 8, "loopback (127.0.0.0/8)" },
  { { 169, 254 }, 16, "link-local (169.254.0.0/16)" },
  { { 172, 16 }, 12, "private network (172.16.0.0/12)" },
  { { 192, 0, 0 }, 24, "IETF protocol assignments (192.0.0.0/24)" },
  { { 192, 0, 2 }, 24, "documentation (192.0.2.0/24)" },
  { { 192, 88, 99 }, 24, "6to4 relay anycast (192.88.99.0/24)" },
  { { 192, 168 }, 16, "private network (192.168.0.0/16)" },
  { { 198, 18 }, 15, "benchmarking (198.18.0.0/15)" },
  { { 198, 51, 100 }, 24, "documentation (198.51.100.0/24)" },
  { { 203, 0, 113 }, 24, "documentation (203.0.113.0/24)" },
  { { 224 }, 4, "multicast (224.0.0.0/4)" },
  { { 240 }, 4, "reserved (240.0.0.0/4)" },
};

static const SpecialRange ipv6_ranges[] = {
  { { 0 }, 128, "unspecified (::)" },
  { { [15] = 1 }, 128, "loopback (::1)" },
  { { 0x01, 0x00 }, 64, "discard-only (100::/64)" },
  { { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 }, 48, "local-use NAT64 (64:ff9b:1::/48)" },
  { { 0x20, 0x01, 0x0d, 0xb8 }, 32, "documentation (2001:db8::/32)" },
  { { 0x20, 0x01, 0x00 }, 23, "IETF protocol assignments (2001::/23)" },
  { { 0x3f, 0xff, 0x00 }, 20, "documentation (3fff::/20)" },
  { { 0xfc }, 7, "unique local (fc00::/7)" },
  { { 0xfe, 0x80 }, 10, "link-local (fe80::/10)" },
  { { 0xfe, 0xc0 }, 10, "site-local (fec0::/10)" },
  { { 0xff }, 8, "multicast (ff00::/8)" },
};

static gboolean
has_prefix (const guint8 *bytes,
            const guint8 *prefix,
            guint         prefix_length)
{
  guint whole = prefix_length / 8;
  guint rest = prefix_length % 8;

  if (memcmp (bytes, prefix, whole) != 0)
    return FALSE;
  if (rest == 0)
    return TRUE;
  return ((bytes[whole] ^ prefix[whole]) & (guint8) (0xff << (8 - rest))) == 0;
}

static const char *
find_ipv4_reason (const guint8 *bytes)
{
  if (memcmp (bytes, (guint8[]) { 255, 255, 255, 255 }, 4) == 0)
    return "broadcast (255.255.255.255)";
  for (guint i = 0; i < G_N_ELEMENTS (ipv4_ranges); i++)
    {
      if (has_prefix (bytes, ipv4_ranges[i].bytes, ipv4_ranges[i].prefix_length))
        return ipv4_ranges[i].reason;
    }
  return NULL;
}

/* The IPv4 address an IPv6 address stands for, where it embeds one. */
static const guint8 *
find_embedded_ipv4 (const guint8 *bytes)
{
  static const guint8 mapped[12] = { [10] = 0xff, [11] = 0xff };
  static const guint8 compatible[12] = { 0 };
  static const guint8 nat64[12] = { 0x00, 0x64, 0xff, 0x9b };

  if (memcmp (bytes, mapped, 12) == 0 || memcmp (bytes, nat64, 12) == 0)
    return bytes + 12;
  /* ::a.b.c.d (deprecated "compatible" form); :: and ::1 themselves are handled as ranges. */
  if (memcmp (bytes, compatible, 12) == 0 && (bytes[12] | bytes[13]) != 0)
    return bytes + 12;
  if (bytes[0] == 0x20 && bytes[1] == 0x02)  /* 6to4: 2002:AABB:CCDD::/48 */
    return bytes + 2;
  return NULL;
}

/**
 * qtr_address_special_reason:
 *
 * Returns: (nullable): why @address must not be connected to (a short English phrase for logs
 *   and errors), or %NULL when it is an ordinary public address
 */
const char *
qtr_address_special_reason (GInetAddress *address)
{
  const guint8 *bytes;
  const guint8 *embedded;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), "not an address");

  bytes = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return find_ipv4_reason (bytes);

  for (guint i = 0; i < G_N_ELEMENTS (ipv6_ranges); i++)
    {
      if (has_prefix (bytes, ipv6_ranges[i].bytes, ipv6_ranges[i].prefix_length))
        return ipv6_ranges[i].reason;
    }

  embedded = find_embedded_ipv4 (bytes);
  if (embedded != NULL)
    return find_ipv4_reason (embedded);
  return NULL;
}

/**
 * qtr_address_is_public:
 *
 * Returns: %TRUE when @address is an ordinary public unicast address
 */
gboolean
qtr_address_is_public (GInetAddress *address)
{
  return qtr_address_special_reason (address) == NULL;
}
