/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include "qtr-node-api.h"
#include "qtr-node-store-client.h"

G_BEGIN_DECLS

/* The client API's accounts, relationships, media, lists, markers, filters, tags and the
 * small endpoints around them; and what the statuses' handlers use of them. */

/* Mastodon's page sizes for lists of accounts. */
#define QTR_API_DEFAULT_ACCOUNTS_LIMIT 40
#define QTR_API_MAX_ACCOUNTS_LIMIT 80

void     qtr_node_api_respond_account_page (QtrNode        *node,
                                        SoupServerMessage  *msg,
                                        GHashTable         *query,
                                        GArray             *items);
GHashTable *qtr_node_api_read_params_or_refuse (SoupServerMessage *msg);
void     qtr_node_api_respond_node_error (SoupServerMessage *msg,
                                        const GError       *error);
void     qtr_node_api_add_filter_results (JsonBuilder      *builder,
                                        GPtrArray          *matches);
void     qtr_node_api_add_filter       (JsonBuilder        *builder,
                                        const QtrFilter    *filter);
void     qtr_node_api_add_dimensions   (JsonBuilder        *builder,
                                        const char         *name,
                                        gint64              width,
                                        gint64              height);
const char *qtr_node_api_get_media_preview_url (const QtrMedia *media);

/* Handlers, one per route (see the table in qtr-node.c). */
void qtr_node_handle_update_credentials (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_follows    (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_relationships      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_follow     (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_unfollow   (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_block      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_unblock    (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_mute       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_unmute     (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_account_search     (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_familiar_followers (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_blocks             (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_mutes              (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_follow_requests    (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_follow_request_authorize (QtrNode *node, SoupServerMessage *msg,
                                               GHashTable *params);
void qtr_node_handle_follow_request_reject (QtrNode *node, SoupServerMessage *msg,
                                            GHashTable *params);

void qtr_node_handle_media_upload       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_media_get          (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_media_update       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_media_delete       (QtrNode *node, SoupServerMessage *msg, GHashTable *params);

void qtr_node_handle_lists              (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_list_create        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_list_get           (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_list_update        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_list_delete        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_list_accounts_get  (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_list_accounts_add  (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_list_accounts_remove (QtrNode *node, SoupServerMessage *msg,
                                           GHashTable *params);
void qtr_node_handle_account_lists      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);

void qtr_node_handle_markers_get        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_markers_set        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_preferences        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_filters_get        (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_filter_create      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_filter_get         (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_filter_update      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_filter_delete      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_filter_keywords_get (QtrNode *node, SoupServerMessage *msg,
                                          GHashTable *params);
void qtr_node_handle_filter_keyword_create (QtrNode *node, SoupServerMessage *msg,
                                            GHashTable *params);
void qtr_node_handle_filter_keyword_get (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_filter_keyword_update (QtrNode *node, SoupServerMessage *msg,
                                            GHashTable *params);
void qtr_node_handle_filter_keyword_delete (QtrNode *node, SoupServerMessage *msg,
                                            GHashTable *params);
void qtr_node_handle_filter_statuses_get (QtrNode *node, SoupServerMessage *msg,
                                          GHashTable *params);
void qtr_node_handle_filter_status_create (QtrNode *node, SoupServerMessage *msg,
                                           GHashTable *params);
void qtr_node_handle_filter_status_get  (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_filter_status_delete (QtrNode *node, SoupServerMessage *msg,
                                           GHashTable *params);
void qtr_node_handle_followed_tags      (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_tag                (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_report             (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_tag_follow         (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_empty_list         (QtrNode *node, SoupServerMessage *msg, GHashTable *params);
void qtr_node_handle_instance_peers     (QtrNode *node, SoupServerMessage *msg, GHashTable *params);

G_END_DECLS
