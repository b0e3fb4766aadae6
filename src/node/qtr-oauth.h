/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The parts of OAuth 2 that need no server: scopes and what they imply, tokens and their
 * hashes, owner passwords, PKCE and redirect URI matching. */

/**
 * QtrOAuthScopes:
 *
 * A set of scopes, one bit per scope the node knows (Mastodon's: read, write, follow, push,
 * profile and the granular `read:…` and `write:…` ones).
 */
typedef guint64 QtrOAuthScopes;

#define QTR_OAUTH_TOKEN_BYTES 32
#define QTR_OAUTH_PASSWORD_ITERATIONS 600000
#define QTR_OAUTH_PASSWORD_MIN_LENGTH 8

gboolean        qtr_oauth_scopes_parse         (const char      *text,
                                                QtrOAuthScopes  *scopes,
                                                char           **unknown);
char           *qtr_oauth_scopes_to_string     (QtrOAuthScopes   scopes);
gboolean        qtr_oauth_scopes_allow         (QtrOAuthScopes   granted,
                                                const char      *required);
const char * const *qtr_oauth_scopes_supported (void);

char           *qtr_oauth_new_token            (void);
char           *qtr_oauth_hash_token           (const char      *token);
gboolean        qtr_oauth_equal                (const char      *a,
                                                const char      *b);

char           *qtr_oauth_hash_password        (const char      *password,
                                                guint            iterations,
                                                GError         **error);
gboolean        qtr_oauth_verify_password      (const char      *stored,
                                                const char      *password);

gboolean        qtr_oauth_verify_pkce          (const char      *challenge,
                                                const char      *method,
                                                const char      *verifier);
gboolean        qtr_oauth_is_valid_challenge   (const char      *challenge);
gboolean        qtr_oauth_redirect_uri_matches (const char      *registered,
                                                const char      *given);
gboolean        qtr_oauth_is_valid_redirect_uri (const char     *uri);

#define QTR_OAUTH_OOB "urn:ietf:wg:oauth:2.0:oob"

G_END_DECLS
