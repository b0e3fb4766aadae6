/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "qtr-db.h"
#include "qtr-keys.h"

G_BEGIN_DECLS

/**
 * QtrNodeOwner:
 * @username: the local part of the owner's handle
 * @display_name: the name shown to others
 * @summary: the profile text, as post HTML
 * @key: the actor's key pair (private part included)
 * @created_at: when the node was set up (Unix seconds)
 * @updated_at: when the profile last changed (Unix seconds)
 *
 * The person the node belongs to: its one local actor.
 */
typedef struct {
  char   *username;
  char   *display_name;
  char   *summary;
  QtrKey *key;
  gint64  created_at;
  gint64  updated_at;
} QtrNodeOwner;

void qtr_node_owner_free (QtrNodeOwner *owner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrNodeOwner, qtr_node_owner_free)

#define QTR_TYPE_NODE_STORE (qtr_node_store_get_type ())
G_DECLARE_FINAL_TYPE (QtrNodeStore, qtr_node_store, QTR, NODE_STORE, GObject)

QtrNodeStore *qtr_node_store_open         (const char    *path,
                                           GError       **error);
QtrDb        *qtr_node_store_get_db       (QtrNodeStore  *self);
gboolean      qtr_node_store_create_owner (QtrNodeStore  *self,
                                           const char    *username,
                                           const char    *display_name,
                                           QtrKey        *key,
                                           GError       **error);
QtrNodeOwner *qtr_node_store_load_owner   (QtrNodeStore  *self,
                                           GError       **error);

G_END_DECLS
