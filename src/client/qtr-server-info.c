/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "config.h"

#include "qtr-server-info.h"

#include <stdio.h>
#include <string.h>

#include "qtr-api-error.h"
#include "qtr-json.h"
#include "qtr-url.h"

/* QtrServerInfo: what a server says about itself, and what the client may therefore use.
 *
 * Discovery asks `/api/v2/instance` (Mastodon 4.0+, GoToSocial), falls back to
 * `/api/v1/instance` (older Mastodon, Akkoma, snac), then reads NodeInfo for the software's
 * name and version. The instance's `version` is the Mastodon API version the server claims to
 * match, not its own: Akkoma says "2.7.2 (compatible; Akkoma 3.13.2)", GoToSocial its own
 * number. So the software is taken from NodeInfo when there is one, else from a
 * "(compatible; NAME VERSION)" part, else it is unknown; features are derived from it. */

struct _QtrServerInfo
{
  GObject            parent_instance;

  char              *domain;
  char              *account_domain;
  char              *title;
  char              *api_version;
  char              *software_name;     /* lower case; nullable */
  char              *software_version;  /* nullable */
  guint              max_characters;
  guint              characters_per_url;
  guint              max_media_attachments;
  char              *streaming_url;     /* nullable */
  GStrv              languages;
  gboolean           v2_instance;
  gboolean           translation;
  QtrServerFeatures  features;
};

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_TITLE,
  PROP_SOFTWARE_NAME,
  PROP_SOFTWARE_VERSION,
  PROP_MAX_CHARACTERS,
  PROP_STREAMING_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QtrServerInfo, qtr_server_info, G_TYPE_OBJECT)

#define NODEINFO_21 "http://nodeinfo.diaspora.software/ns/schema/2.1"
#define NODEINFO_20 "http://nodeinfo.diaspora.software/ns/schema/2.0"

/* Compares the leading "MAJOR.MINOR.PATCH" of @version with the given one: <0, 0 or >0. */
static int
compare_version (const char *version,
                 int         major,
                 int         minor,
                 int         patch)
{
  int have[3] = { 0, 0, 0 };
  int want[3] = { major, minor, patch };

  if (version == NULL || sscanf (version, "%d.%d.%d", &have[0], &have[1], &have[2]) < 1)
    return -1;
  for (guint i = 0; i < 3; i++)
    {
      if (have[i] != want[i])
        return have[i] < want[i] ? -1 : 1;
    }
  return 0;
}

/* Which optional endpoints a server has, by what it runs. An unknown software gets them when
 * it serves the v2 instance, which Mastodon introduced after both (4.0). */
static void
derive_features (QtrServerInfo *self)
{
  const char *name = self->software_name;
  const char *version = self->software_version;
  gboolean markers;
  gboolean v2_search;

  if (g_strcmp0 (name, "mastodon") == 0)
    {
      markers = compare_version (version, 3, 0, 0) >= 0;
      v2_search = compare_version (version, 2, 4, 1) >= 0;
    }
  else if (g_strcmp0 (name, "pleroma") == 0 || g_strcmp0 (name, "akkoma") == 0)
    {
      markers = TRUE;
      v2_search = TRUE;
    }
  else if (g_strcmp0 (name, "gotosocial") == 0)
    {
      markers = compare_version (version, 0, 16, 0) >= 0;
      v2_search = TRUE;
    }
  else if (g_strcmp0 (name, "snac") == 0)
    {
      markers = FALSE;
      v2_search = TRUE;
    }
  else
    {
      markers = self->v2_instance;
      v2_search = self->v2_instance;
    }

  self->features = QTR_SERVER_FEATURE_NONE;
  if (self->v2_instance)
    self->features |= QTR_SERVER_FEATURE_V2_INSTANCE;
  if (self->streaming_url != NULL)
    self->features |= QTR_SERVER_FEATURE_STREAMING;
  if (markers)
    self->features |= QTR_SERVER_FEATURE_MARKERS;
  if (v2_search)
    self->features |= QTR_SERVER_FEATURE_V2_SEARCH;
  if (self->translation)
    self->features |= QTR_SERVER_FEATURE_TRANSLATION;
}

/**
 * qtr_parse_software_version:
 * @version: an instance's `version`, such as "4.3.0" or "2.7.2 (compatible; Akkoma 3.13.2)"
 * @name: (out): the software's name, in lower case
 * @software_version: (out): its own version
 *
 * Reads the "(compatible; NAME VERSION)" part that servers other than Mastodon add to the
 * Mastodon API version they claim.
 *
 * Returns: %TRUE when @version names its software
 */
gboolean
qtr_parse_software_version (const char  *version,
                            char       **name,
                            char       **software_version)
{
  const char *start;
  const char *end;
  g_autofree char *inside = NULL;
  g_auto(GStrv) words = NULL;

  *name = NULL;
  *software_version = NULL;
  if (version == NULL || (start = strstr (version, "(compatible;")) == NULL ||
      (end = strchr (start, ')')) == NULL)
    return FALSE;

  start += strlen ("(compatible;");
  inside = g_strstrip (g_strndup (start, end - start));
  words = g_strsplit_set (inside, " \t", 2);
  if (words[0] == NULL || *words[0] == '\0')
    return FALSE;
  *name = g_ascii_strdown (words[0], -1);
  if (words[1] != NULL && *g_strstrip (words[1]) != '\0')
    *software_version = g_strdup (words[1]);
  return TRUE;
}

static char *
dup_nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

static guint
get_count (JsonObject *object,
           const char *name,
           guint       default_value)
{
  gint64 value = qtr_json_get_int (object, name, -1);

  return value > 0 && value <= G_MAXINT ? (guint) value : default_value;
}

static char *
read_domain (JsonObject *instance,
             gboolean    v2,
             const char *base_url)
{
  const char *domain = qtr_json_get_string (instance, v2 ? "domain" : "uri");
  g_autoptr(GUri) uri = NULL;

  /* Mastodon's v1 `uri` is the domain; Akkoma's is a URL. */
  if (domain != NULL && strstr (domain, "://") != NULL)
    {
      uri = g_uri_parse (domain, G_URI_FLAGS_NONE, NULL);
      domain = uri != NULL ? g_uri_get_host (uri) : NULL;
    }
  if (domain != NULL && *domain != '\0')
    return g_ascii_strdown (domain, -1);

  g_clear_pointer (&uri, g_uri_unref);
  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return g_strdup (base_url);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

static GStrv
read_languages (JsonObject *instance)
{
  JsonArray *array = qtr_json_get_array (instance, "languages");
  g_autoptr(GPtrArray) languages = g_ptr_array_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          *json_node_get_string (node) != '\0')
        g_ptr_array_add (languages, g_strdup (json_node_get_string (node)));
    }
  g_ptr_array_add (languages, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&languages), FALSE);
}

static void
qtr_server_info_finalize (GObject *object)
{
  QtrServerInfo *self = QTR_SERVER_INFO (object);

  g_free (self->domain);
  g_free (self->account_domain);
  g_free (self->title);
  g_free (self->api_version);
  g_free (self->software_name);
  g_free (self->software_version);
  g_free (self->streaming_url);
  g_strfreev (self->languages);

  G_OBJECT_CLASS (qtr_server_info_parent_class)->finalize (object);
}

static void
qtr_server_info_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  QtrServerInfo *self = QTR_SERVER_INFO (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_string (value, self->domain);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SOFTWARE_NAME:
      g_value_set_string (value, self->software_name);
      break;
    case PROP_SOFTWARE_VERSION:
      g_value_set_string (value, self->software_version);
      break;
    case PROP_MAX_CHARACTERS:
      g_value_set_uint (value, self->max_characters);
      break;
    case PROP_STREAMING_URL:
      g_value_set_string (value, self->streaming_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qtr_server_info_class_init (QtrServerInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qtr_server_info_finalize;
  object_class->get_property = qtr_server_info_get_property;

  properties[PROP_DOMAIN] =
    g_param_spec_string ("domain", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOFTWARE_NAME] =
    g_param_spec_string ("software-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOFTWARE_VERSION] =
    g_param_spec_string ("software-version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_CHARACTERS] =
    g_param_spec_uint ("max-characters", NULL, NULL, 1, G_MAXINT,
                       QTR_SERVER_INFO_DEFAULT_MAX_CHARACTERS,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STREAMING_URL] =
    g_param_spec_string ("streaming-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qtr_server_info_init (QtrServerInfo *self)
{
  self->max_characters = QTR_SERVER_INFO_DEFAULT_MAX_CHARACTERS;
  self->characters_per_url = QTR_SERVER_INFO_DEFAULT_CHARACTERS_PER_URL;
  self->max_media_attachments = QTR_SERVER_INFO_DEFAULT_MAX_MEDIA;
}

/**
 * qtr_server_info_new_from_instance:
 * @instance: the answer of `/api/v2/instance` or `/api/v1/instance`
 * @v2: whether @instance is the v2 one
 * @base_url: the server's URL, whose host is the domain when @instance names none
 *
 * Reads an Instance entity. Limits the server leaves out take Mastodon's defaults (500
 * characters, 23 per URL, 4 media).
 *
 * Returns: (transfer full): what the server says of itself, or %NULL with
 *   %QTR_API_ERROR_BAD_RESPONSE when @instance has no `version`
 */
QtrServerInfo *
qtr_server_info_new_from_instance (JsonObject  *instance,
                                   gboolean     v2,
                                   const char  *base_url,
                                   GError     **error)
{
  g_autoptr(QtrServerInfo) self = NULL;
  JsonObject *configuration = qtr_json_get_object (instance, "configuration");
  JsonObject *statuses = qtr_json_get_object (configuration, "statuses");
  const char *version = qtr_json_get_string (instance, "version");
  const char *streaming;
  const char *paren;

  if (version == NULL)
    {
      g_set_error_literal (error, QTR_API_ERROR, QTR_API_ERROR_BAD_RESPONSE,
                           "The server's instance information has no “version”: it does not "
                           "seem to speak the Mastodon client API");
      return NULL;
    }

  self = g_object_new (QTR_TYPE_SERVER_INFO, NULL);
  self->v2_instance = v2;
  self->domain = read_domain (instance, v2, base_url);
  /* GoToSocial may give its accounts handles on another domain than its own. */
  self->account_domain = g_ascii_strdown (qtr_json_get_string (instance, "account_domain")
                                          ? qtr_json_get_string (instance, "account_domain")
                                          : self->domain, -1);
  if (*self->account_domain == '\0')
    {
      g_free (self->account_domain);
      self->account_domain = g_strdup (self->domain);
    }
  self->title = g_strdup (qtr_json_get_string (instance, "title"));
  if (self->title == NULL || *self->title == '\0')
    {
      g_free (self->title);
      self->title = g_strdup (self->domain);
    }
  paren = strchr (version, '(');
  self->api_version = g_strstrip (paren ? g_strndup (version, paren - version)
                                        : g_strdup (version));
  qtr_parse_software_version (version, &self->software_name, &self->software_version);

  /* Mastodon (v1 since 3.4, and v2) puts the limits under configuration; Pleroma and Akkoma
   * at the top of v1, as max_toot_chars and max_media_attachments. */
  self->max_characters = get_count (statuses, "max_characters",
                                    get_count (instance, "max_toot_chars",
                                               QTR_SERVER_INFO_DEFAULT_MAX_CHARACTERS));
  self->characters_per_url = get_count (statuses, "characters_reserved_per_url",
                                        QTR_SERVER_INFO_DEFAULT_CHARACTERS_PER_URL);
  self->max_media_attachments = get_count (statuses, "max_media_attachments",
                                           get_count (instance, "max_media_attachments",
                                                      QTR_SERVER_INFO_DEFAULT_MAX_MEDIA));

  if (v2)
    streaming = qtr_json_get_string (qtr_json_get_object (configuration, "urls"), "streaming");
  else
    streaming = qtr_json_get_string (qtr_json_get_object (instance, "urls"), "streaming_api");
  if (streaming != NULL && (g_str_has_prefix (streaming, "wss://") ||
                            g_str_has_prefix (streaming, "ws://")))
    self->streaming_url = g_strdup (streaming);

  self->languages = read_languages (instance);
  self->translation = qtr_json_get_bool (qtr_json_get_object (configuration, "translation"),
                                         "enabled", FALSE);
  derive_features (self);
  return g_steal_pointer (&self);
}

/**
 * qtr_server_info_set_software:
 * @name: the software's name, as NodeInfo gives it
 * @version: (nullable): its version
 *
 * Sets the software from NodeInfo, which names it better than the instance's version does.
 */
void
qtr_server_info_set_software (QtrServerInfo *self,
                              const char    *name,
                              const char    *version)
{
  g_return_if_fail (QTR_IS_SERVER_INFO (self));
  g_return_if_fail (name != NULL);

  g_free (self->software_name);
  self->software_name = g_ascii_strdown (name, -1);
  g_free (self->software_version);
  self->software_version = dup_nonempty (version);
  derive_features (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFTWARE_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFTWARE_VERSION]);
}

/**
 * qtr_server_info_get_domain:
 *
 * Returns: the server's domain, as it names itself
 */
const char *
qtr_server_info_get_domain (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), NULL);

  return self->domain;
}

/**
 * qtr_server_info_get_account_domain:
 *
 * Returns: the domain of the server's handles (`@user@DOMAIN`): its own domain, unless it
 *   says otherwise (GoToSocial's `account_domain`)
 */
const char *
qtr_server_info_get_account_domain (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), NULL);

  return self->account_domain;
}

/**
 * qtr_server_info_get_title:
 *
 * Returns: the server's name for people; its domain when it has none
 */
const char *
qtr_server_info_get_title (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), NULL);

  return self->title;
}

/**
 * qtr_server_info_get_api_version:
 *
 * Returns: the Mastodon API version the server claims, such as "4.3.0" (for servers other than
 *   Mastodon, not their own version)
 */
const char *
qtr_server_info_get_api_version (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), NULL);

  return self->api_version;
}

/**
 * qtr_server_info_get_software_name:
 *
 * Returns: (nullable): the software the server runs, in lower case (`mastodon`, `gotosocial`,
 *   `akkoma`, `snac`…), or %NULL when it did not say
 */
const char *
qtr_server_info_get_software_name (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), NULL);

  return self->software_name;
}

/**
 * qtr_server_info_get_software_version:
 *
 * Returns: (nullable): the software's own version
 */
const char *
qtr_server_info_get_software_version (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), NULL);

  return self->software_version;
}

/**
 * qtr_server_info_get_max_characters:
 *
 * Returns: how long a post may be
 */
guint
qtr_server_info_get_max_characters (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), 0);

  return self->max_characters;
}

/**
 * qtr_server_info_get_characters_per_url:
 *
 * Returns: how many characters a link counts for, whatever its length
 */
guint
qtr_server_info_get_characters_per_url (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), 0);

  return self->characters_per_url;
}

/**
 * qtr_server_info_get_max_media_attachments:
 *
 * Returns: how many media a post may carry
 */
guint
qtr_server_info_get_max_media_attachments (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), 0);

  return self->max_media_attachments;
}

/**
 * qtr_server_info_get_streaming_url:
 *
 * Returns: (nullable): the WebSocket base URL of the streaming API, or %NULL when the server
 *   has none
 */
const char *
qtr_server_info_get_streaming_url (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), NULL);

  return self->streaming_url;
}

/**
 * qtr_server_info_get_languages:
 *
 * Returns: (transfer none): the ISO 639 codes of the languages the server's people use
 */
const char * const *
qtr_server_info_get_languages (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), NULL);

  return (const char * const *) self->languages;
}

QtrServerFeatures
qtr_server_info_get_features (QtrServerInfo *self)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), QTR_SERVER_FEATURE_NONE);

  return self->features;
}

gboolean
qtr_server_info_has_feature (QtrServerInfo     *self,
                             QtrServerFeatures  feature)
{
  g_return_val_if_fail (QTR_IS_SERVER_INFO (self), FALSE);

  return (self->features & feature) == feature;
}

/**
 * qtr_server_url_for_input:
 * @text: what the user typed to log in: a server name (`mastodon.example`), a handle
 *   (`@alice@mastodon.example`) or a URL (`https://mastodon.example/about`)
 *
 * Makes the server's base URL from it: https, except for a server on this machine (the
 * personal node), which is plain http.
 *
 * Returns: (transfer full): `SCHEME://HOST[:PORT]`, or %NULL with @error set
 */
char *
qtr_server_url_for_input (const char  *text,
                          GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *url = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *authority = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (strstr (trimmed, "://") != NULL)
    url = g_strdup (trimmed);
  else if (strchr (trimmed, '@') != NULL)
    {
      g_autoptr(QtrHandle) handle = qtr_handle_parse (trimmed, NULL);

      if (handle != NULL)
        url = g_strconcat ("https://", handle->host, NULL);
    }
  else if (*trimmed != '\0' && strchr (trimmed, '/') == NULL)
    url = g_strconcat ("https://", trimmed, NULL);

  normalized = url ? qtr_url_normalize (url, NULL) : NULL;
  authority = normalized ? qtr_url_get_authority (normalized) : NULL;
  if (authority == NULL)
    {
      g_set_error (error, QTR_API_ERROR, QTR_API_ERROR_FAILED,
                   "“%s” is not a server or an account: give one like mastodon.example or "
                   "@alice@mastodon.example", trimmed);
      return NULL;
    }

  uri = g_uri_parse (normalized, G_URI_FLAGS_NONE, NULL);
  host = g_uri_get_host (uri);
  address = g_inet_address_new_from_string (host);
  if (g_str_equal (host, "localhost") ||
      (address != NULL && g_inet_address_get_is_loopback (address)))
    return g_strconcat ("http://", authority, NULL);
  return g_strconcat (g_uri_get_scheme (uri), "://", authority, NULL);
}

/* Discovery */

typedef struct {
  QtrApiClient  *client;
  QtrServerInfo *info;
  gboolean       asking_v1;
} Discovery;

static void
discovery_free (Discovery *discovery)
{
  g_clear_object (&discovery->client);
  g_clear_object (&discovery->info);
  g_free (discovery);
}

static gboolean
is_unreachable (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_NETWORK) ||
         g_error_matches (error, QTR_API_ERROR, QTR_API_ERROR_TIMED_OUT);
}

static void
nodeinfo_document_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Discovery *discovery = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  JsonObject *software;
  const char *name;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  software = response ? qtr_json_get_object (qtr_api_response_get_object (response, NULL),
                                             "software")
                      : NULL;
  name = qtr_json_get_string (software, "name");
  if (name != NULL && *name != '\0')
    qtr_server_info_set_software (discovery->info, name,
                                  qtr_json_get_string (software, "version"));
  else
    g_debug ("No software name in NodeInfo: %s", error ? error->message : "none given");

  g_task_return_pointer (task, g_steal_pointer (&discovery->info), g_object_unref);
}

static const char *
find_nodeinfo_href (JsonObject *links_document)
{
  JsonArray *links = qtr_json_get_array (links_document, "links");
  const char *href_20 = NULL;

  for (guint i = 0; links != NULL && i < json_array_get_length (links); i++)
    {
      JsonNode *node = json_array_get_element (links, i);
      const char *rel;
      const char *href;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      rel = qtr_json_get_string (json_node_get_object (node), "rel");
      href = qtr_json_get_string (json_node_get_object (node), "href");
      if (href == NULL || !(g_str_has_prefix (href, "https://") ||
                            g_str_has_prefix (href, "http://")))
        continue;
      if (g_strcmp0 (rel, NODEINFO_21) == 0)
        return href;
      if (g_strcmp0 (rel, NODEINFO_20) == 0 && href_20 == NULL)
        href_20 = href;
    }
  return href_20;
}

static void
nodeinfo_links_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Discovery *discovery = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  const char *href = NULL;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (response != NULL)
    href = find_nodeinfo_href (qtr_api_response_get_object (response, NULL));
  if (href == NULL)
    {
      /* NodeInfo is a bonus: without it the software is what the instance said. */
      g_debug ("No NodeInfo: %s", error ? error->message : "no 2.0 or 2.1 link");
      g_task_return_pointer (task, g_steal_pointer (&discovery->info), g_object_unref);
      return;
    }

  qtr_api_client_get_async (discovery->client, href, NULL, g_task_get_cancellable (task),
                            nodeinfo_document_cb, g_object_ref (task));
}

static void
instance_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Discovery *discovery = g_task_get_task_data (task);
  QtrApiClient *client = discovery->client;
  g_autoptr(GError) error = NULL;
  g_autoptr(QtrApiResponse) response = NULL;
  gboolean v2 = !discovery->asking_v1;
  JsonObject *instance;

  response = qtr_api_client_request_finish (QTR_API_CLIENT (source), result, &error);
  instance = response ? qtr_api_response_get_object (response, &error) : NULL;
  if (instance != NULL)
    discovery->info = qtr_server_info_new_from_instance (instance, v2,
                                                         qtr_api_client_get_base_url (client),
                                                         &error);

  if (discovery->info == NULL)
    {
      if (v2 && !is_unreachable (error))
        {
          g_debug ("No v2 instance (%s): asking v1", error->message);
          discovery->asking_v1 = TRUE;
          qtr_api_client_get_async (client, "/api/v1/instance", NULL,
                                    g_task_get_cancellable (task), instance_cb,
                                    g_object_ref (task));
          return;
        }
      if (!is_unreachable (error))
        g_prefix_error (&error, "%s does not seem to speak the Mastodon client API: ",
                        qtr_api_client_get_base_url (client));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  qtr_api_client_get_async (client, "/.well-known/nodeinfo", NULL, g_task_get_cancellable (task),
                            nodeinfo_links_cb, g_object_ref (task));
}

/**
 * qtr_server_info_discover_async:
 * @client: a client for the server (with or without a token)
 *
 * Finds out what the server is and what it can do: `/api/v2/instance`, else
 * `/api/v1/instance`, then NodeInfo.
 */
void
qtr_server_info_discover_async (QtrApiClient        *client,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Discovery *discovery;

  g_return_if_fail (QTR_IS_API_CLIENT (client));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, qtr_server_info_discover_async);
  discovery = g_new0 (Discovery, 1);
  discovery->client = g_object_ref (client);
  g_task_set_task_data (task, discovery, (GDestroyNotify) discovery_free);

  qtr_api_client_get_async (client, "/api/v2/instance", NULL, cancellable, instance_cb,
                            g_steal_pointer (&task));
}

/**
 * qtr_server_info_discover_finish:
 *
 * Returns: (transfer full): what the server is, or %NULL with @error set: a #QtrApiError
 *   (%QTR_API_ERROR_NETWORK, %QTR_API_ERROR_TIMED_OUT when it cannot be reached) or
 *   %G_IO_ERROR_CANCELLED
 */
QtrServerInfo *
qtr_server_info_discover_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        qtr_server_info_discover_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
