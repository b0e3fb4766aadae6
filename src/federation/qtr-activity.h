/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * QtrActivityError:
 * @QTR_ACTIVITY_ERROR_MISSING_FIELD: a field we require is absent or null
 * @QTR_ACTIVITY_ERROR_INVALID_FIELD: a field has the wrong JSON type, is not an absolute http(s)
 *   URL where one is expected, is not a valid date, username or count, or holds several
 *   values where one is expected (an `actor` array of two)
 * @QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE: the document (or the object a Create, Update, Undo,
 *   Accept or Reject carries) is of a type we do not handle there
 * @QTR_ACTIVITY_ERROR_ORIGIN_MISMATCH: qtr_activity_check_origin() found that the activity
 *   speaks for something its actor's server has no authority over
 * @QTR_ACTIVITY_ERROR_TOO_LARGE: a string or an array is longer than its cap (the
 *   `QTR_ACTIVITY_MAX_*` constants), or activities are nested deeper than
 *   %QTR_ACTIVITY_MAX_DEPTH
 *
 * Every error is permanent for the document as it is: an inbox answers it with 400 and does not
 * store the activity. Messages name the field (`object.tag[2].href`) and never quote more than
 * the field's name.
 */
typedef enum {
  QTR_ACTIVITY_ERROR_MISSING_FIELD,
  QTR_ACTIVITY_ERROR_INVALID_FIELD,
  QTR_ACTIVITY_ERROR_UNSUPPORTED_TYPE,
  QTR_ACTIVITY_ERROR_ORIGIN_MISMATCH,
  QTR_ACTIVITY_ERROR_TOO_LARGE,
} QtrActivityError;

#define QTR_ACTIVITY_ERROR (qtr_activity_error_quark ())
GQuark qtr_activity_error_quark (void);

/* The special collection that addresses everyone. `as:Public` and `Public` read as this. */
#define QTR_ACTIVITY_PUBLIC "https://www.w3.org/ns/activitystreams#Public"

/* Caps, in bytes of UTF-8 for strings (checked before any sanitising) and in entries for
 * arrays. Anything longer is refused with %QTR_ACTIVITY_ERROR_TOO_LARGE. */
#define QTR_ACTIVITY_MAX_CONTENT_LENGTH   (100 * 1024) /* content, each contentMap value */
#define QTR_ACTIVITY_MAX_TEXT_LENGTH      (16 * 1024)  /* summaries, alt text, field values,
                                                          a Flag's comment, a public key */
#define QTR_ACTIVITY_MAX_NAME_LENGTH      1024         /* names, usernames, media types,
                                                          blurhashes, language tags, types */
#define QTR_ACTIVITY_MAX_URL_LENGTH       4096
#define QTR_ACTIVITY_MAX_RECIPIENTS       1000         /* each of to and cc */
#define QTR_ACTIVITY_MAX_TAGS             200
#define QTR_ACTIVITY_MAX_ATTACHMENTS      20
#define QTR_ACTIVITY_MAX_POLL_OPTIONS     100
#define QTR_ACTIVITY_MAX_FLAG_OBJECTS     1000         /* the objects of one Flag */
#define QTR_ACTIVITY_MAX_LANGUAGES        100          /* entries of a contentMap */
#define QTR_ACTIVITY_MAX_ALIASES          100          /* alsoKnownAs */
#define QTR_ACTIVITY_MAX_KEYS             20           /* publicKey entries of an actor */
#define QTR_ACTIVITY_MAX_FIELDS           50           /* PropertyValue entries of an actor */
#define QTR_ACTIVITY_MAX_ATTRIBUTIONS     16           /* attributedTo entries */
/* An activity may carry an activity that carries an activity (Undo{Undo{Follow}}), no more. */
#define QTR_ACTIVITY_MAX_DEPTH            3

/**
 * QtrActivityType:
 * @QTR_ACTIVITY_TYPE_UNKNOWN: any other type; its name is kept in `type_name`
 *
 * The activity types we act on.
 */
typedef enum {
  QTR_ACTIVITY_TYPE_UNKNOWN,
  QTR_ACTIVITY_TYPE_FOLLOW,
  QTR_ACTIVITY_TYPE_ACCEPT,
  QTR_ACTIVITY_TYPE_REJECT,
  QTR_ACTIVITY_TYPE_UNDO,
  QTR_ACTIVITY_TYPE_CREATE,
  QTR_ACTIVITY_TYPE_UPDATE,
  QTR_ACTIVITY_TYPE_DELETE,
  QTR_ACTIVITY_TYPE_ANNOUNCE,
  QTR_ACTIVITY_TYPE_LIKE,
  QTR_ACTIVITY_TYPE_BLOCK,
  QTR_ACTIVITY_TYPE_MOVE,
  QTR_ACTIVITY_TYPE_FLAG,
  QTR_ACTIVITY_TYPE_ADD,
  QTR_ACTIVITY_TYPE_REMOVE,
} QtrActivityType;

/**
 * QtrActivityObjectKind:
 * @QTR_ACTIVITY_OBJECT_NONE: no object; only an activity of a type we do not know may lack one
 * @QTR_ACTIVITY_OBJECT_REFERENCE: only the object's id was given (a string, or for a Flag an
 *   array of them); fetch it to know more
 * @QTR_ACTIVITY_OBJECT_ACTIVITY: an embedded activity, in `object_activity`
 * @QTR_ACTIVITY_OBJECT_NOTE: an embedded Note, Question, Article or Page, in `object_note`
 * @QTR_ACTIVITY_OBJECT_ACTOR: an embedded Person, Service, Group, Application or Organization,
 *   in `object_actor`
 * @QTR_ACTIVITY_OBJECT_TOMBSTONE: an embedded Tombstone (its id is `object_id`)
 * @QTR_ACTIVITY_OBJECT_OTHER: an embedded object of another type (a Hashtag added to the
 *   featured tags…); only its type and its id, if it has one, are kept
 *
 * What the `object` of an activity turned out to be.
 */
typedef enum {
  QTR_ACTIVITY_OBJECT_NONE,
  QTR_ACTIVITY_OBJECT_REFERENCE,
  QTR_ACTIVITY_OBJECT_ACTIVITY,
  QTR_ACTIVITY_OBJECT_NOTE,
  QTR_ACTIVITY_OBJECT_ACTOR,
  QTR_ACTIVITY_OBJECT_TOMBSTONE,
  QTR_ACTIVITY_OBJECT_OTHER,
} QtrActivityObjectKind;

/**
 * QtrNoteType:
 *
 * The object types read as notes. A Question is a poll; an Article or a Page usually has a
 * title in `name`.
 */
typedef enum {
  QTR_NOTE_TYPE_NOTE,
  QTR_NOTE_TYPE_QUESTION,
  QTR_NOTE_TYPE_ARTICLE,
  QTR_NOTE_TYPE_PAGE,
} QtrNoteType;

/**
 * QtrActorType:
 *
 * The actor types; a Service is a bot, a Group a community.
 */
typedef enum {
  QTR_ACTOR_TYPE_PERSON,
  QTR_ACTOR_TYPE_SERVICE,
  QTR_ACTOR_TYPE_GROUP,
  QTR_ACTOR_TYPE_APPLICATION,
  QTR_ACTOR_TYPE_ORGANIZATION,
} QtrActorType;

/**
 * QtrAttachmentType:
 *
 * The attachment types we keep; others (Link previews, PropertyValue…) are skipped.
 */
typedef enum {
  QTR_ATTACHMENT_TYPE_DOCUMENT,
  QTR_ATTACHMENT_TYPE_IMAGE,
  QTR_ATTACHMENT_TYPE_VIDEO,
  QTR_ATTACHMENT_TYPE_AUDIO,
} QtrAttachmentType;

/**
 * QtrVisibility:
 * @QTR_VISIBILITY_PUBLIC: everyone, on public timelines
 * @QTR_VISIBILITY_UNLISTED: everyone, kept off public timelines
 * @QTR_VISIBILITY_PRIVATE: followers only (and the accounts it mentions)
 * @QTR_VISIBILITY_DIRECT: only the accounts it mentions
 *
 * Mastodon's four visibilities of a status.
 */
typedef enum {
  QTR_VISIBILITY_PUBLIC,
  QTR_VISIBILITY_UNLISTED,
  QTR_VISIBILITY_PRIVATE,
  QTR_VISIBILITY_DIRECT,
} QtrVisibility;

/**
 * QtrMention:
 * @href: the mentioned actor's id
 * @name: (nullable): the handle as written, `@bob@example.org`
 */
typedef struct {
  char *href;
  char *name;
} QtrMention;

/**
 * QtrHashtag:
 * @name: the tag without its `#`, as written (`Cats`)
 * @href: (nullable): the tag's page on the author's server
 */
typedef struct {
  char *name;
  char *href;
} QtrHashtag;

/**
 * QtrAttachment:
 * @type: the attachment's type
 * @url: the media file
 * @media_type: (nullable): its MIME type, as the sender says
 * @description: (nullable): the alt text (`summary`, else `name`, as Mastodon reads it)
 * @blurhash: (nullable): the preview hash; an invalid one is dropped as Mastodon drops it
 * @width: width in pixels, 0 when not given
 * @height: height in pixels, 0 when not given
 */
typedef struct {
  QtrAttachmentType  type;
  char              *url;
  char              *media_type;
  char              *description;
  char              *blurhash;
  gint64             width;
  gint64             height;
} QtrAttachment;

void qtr_attachment_free (QtrAttachment *attachment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrAttachment, qtr_attachment_free)

/**
 * QtrPollOption:
 * @name: the option's text
 * @votes: `replies.totalItems`, 0 when not given
 */
typedef struct {
  char   *name;
  gint64  votes;
} QtrPollOption;

/**
 * QtrPublicKey:
 * @id: the key's id, as named by `keyId` in HTTP signatures
 * @owner: the actor that owns it
 * @pem: the key, PEM encoded
 */
typedef struct {
  char *id;
  char *owner;
  char *pem;
} QtrPublicKey;

/**
 * QtrProfileField:
 * @name: the field's name, plain text
 * @value: its value, sanitised HTML
 */
typedef struct {
  char *name;
  char *value;
} QtrProfileField;

/**
 * QtrNote:
 * @type: Note, Question, Article or Page
 * @type_name: the type as written
 * @id: normalised id
 * @attributed_to: the author's id (the first Person of an array)
 * @content: (nullable): sanitised HTML (from `contentMap` when `content` is absent)
 * @language: (nullable): the BCP 47 tag of the `contentMap` entry equal to the content, else
 *   of its first entry; %NULL when that key is no language tag
 * @name: (nullable): the title of an Article or Page, or the option a poll vote picks; plain
 *   text
 * @summary: (nullable): the content warning, HTML stripped; %NULL when absent or empty
 * @sensitive: whether the media are marked sensitive
 * @in_reply_to: (nullable): the id of the post this answers
 * @url: (nullable): the post's web page
 * @published: unix time, 0 when not given
 * @updated: unix time of the last edit, 0 when not given
 * @to: primary audience, never %NULL
 * @cc: secondary audience, never %NULL
 * @mentions: (element-type QtrMention): never %NULL
 * @hashtags: (element-type QtrHashtag): never %NULL
 * @attachments: (element-type QtrAttachment): never %NULL
 * @poll_options: (element-type QtrPollOption): the options of a Question, never %NULL
 * @poll_multiple: whether the options are `anyOf` (several may be chosen)
 * @poll_end_time: unix time the poll closes, 0 when not given
 * @poll_voters_count: `votersCount`, how many accounts voted; -1 when not given
 * @poll_closed: whether `closed` says the poll ended (a date, or true)
 *
 * A post, parsed and validated. Emoji tags, `source`, `_misskey_content`, quotes
 * (`quoteUrl`, `_misskey_quote`) and context fields are not read. The fields are read-only;
 * the struct lives as long as its references.
 */
typedef struct {
  QtrNoteType  type;
  char        *type_name;
  char        *id;
  char        *attributed_to;
  char        *content;
  char        *language;
  char        *name;
  char        *summary;
  gboolean     sensitive;
  char        *in_reply_to;
  char        *url;
  gint64       published;
  gint64       updated;
  GStrv        to;
  GStrv        cc;
  GPtrArray   *mentions;
  GPtrArray   *hashtags;
  GPtrArray   *attachments;
  GPtrArray   *poll_options;
  gboolean     poll_multiple;
  gint64       poll_end_time;
  gint64       poll_voters_count;
  gboolean     poll_closed;
} QtrNote;

/**
 * QtrActorDoc:
 * @type: the actor's type
 * @type_name: the type as written
 * @id: normalised id
 * @preferred_username: the username, never empty
 * @name: (nullable): the display name, plain text
 * @summary: (nullable): the biography, sanitised HTML
 * @url: (nullable): the profile's web page
 * @inbox: the actor's inbox
 * @outbox: (nullable): its outbox
 * @followers: (nullable): its followers collection
 * @following: (nullable): its following collection
 * @featured: (nullable): its pinned posts collection
 * @shared_inbox: (nullable): `endpoints.sharedInbox` (or Misskey's top-level `sharedInbox`)
 * @manually_approves_followers: whether follows wait for approval
 * @discoverable: whether the actor opts in to discovery
 * @published: unix time the account was made, 0 when not given
 * @icon: (nullable): the avatar image
 * @image: (nullable): the header image
 * @also_known_as: the actor's aliases, never %NULL
 * @moved_to: (nullable): the account it moved to
 * @public_keys: (element-type QtrPublicKey): never %NULL
 * @fields: (element-type QtrProfileField): the profile's PropertyValue fields, never %NULL
 *
 * An actor document, parsed and validated. The fields are read-only.
 */
typedef struct {
  QtrActorType  type;
  char         *type_name;
  char         *id;
  char         *preferred_username;
  char         *name;
  char         *summary;
  char         *url;
  char         *inbox;
  char         *outbox;
  char         *followers;
  char         *following;
  char         *featured;
  char         *shared_inbox;
  gboolean      manually_approves_followers;
  gboolean      discoverable;
  gint64        published;
  char         *icon;
  char         *image;
  GStrv         also_known_as;
  char         *moved_to;
  GPtrArray    *public_keys;
  GPtrArray    *fields;
} QtrActorDoc;

typedef struct _QtrActivity QtrActivity;

/**
 * QtrActivity:
 * @type: the activity's type
 * @type_name: the type as written
 * @id: normalised id
 * @actor: the actor's id
 * @object_kind: what the object is
 * @object_id: (nullable): the object's id; %NULL only without an object, or for an embedded
 *   object of another type that has none
 * @object_type: (nullable): the type of an embedded object, %NULL for a reference
 * @object_activity: (nullable): set for %QTR_ACTIVITY_OBJECT_ACTIVITY
 * @object_note: (nullable): set for %QTR_ACTIVITY_OBJECT_NOTE
 * @object_actor: (nullable): set for %QTR_ACTIVITY_OBJECT_ACTOR
 * @object_ids: every object id: the array of a Flag, else @object_id alone; never %NULL
 * @target: (nullable): the target of a Move, Add or Remove
 * @content: (nullable): the comment of a Flag, plain text as sent (escape it to show it)
 * @to: never %NULL
 * @cc: never %NULL
 * @published: unix time, 0 when not given
 *
 * An incoming activity, parsed and validated. Parsing checks shapes, not authority: call
 * qtr_activity_check_origin() before acting on it. The fields are read-only.
 */
struct _QtrActivity {
  QtrActivityType        type;
  char                  *type_name;
  char                  *id;
  char                  *actor;
  QtrActivityObjectKind  object_kind;
  char                  *object_id;
  char                  *object_type;
  QtrActivity           *object_activity;
  QtrNote               *object_note;
  QtrActorDoc           *object_actor;
  GStrv                  object_ids;
  char                  *target;
  char                  *content;
  GStrv                  to;
  GStrv                  cc;
  gint64                 published;
};

#define QTR_TYPE_ACTIVITY (qtr_activity_get_type ())
#define QTR_TYPE_NOTE (qtr_note_get_type ())
#define QTR_TYPE_ACTOR_DOC (qtr_actor_doc_get_type ())

GType               qtr_activity_get_type          (void) G_GNUC_CONST;
QtrActivity        *qtr_activity_parse             (JsonObject          *json,
                                                    GError             **error);
QtrActivity        *qtr_activity_ref               (QtrActivity         *self);
void                qtr_activity_unref             (QtrActivity         *self);
gboolean            qtr_activity_check_origin      (QtrActivity         *self,
                                                    GError             **error);
gboolean            qtr_activity_object_is_trusted (QtrActivity         *self);
QtrActivityType     qtr_activity_type_from_string  (const char          *type_name);
gboolean            qtr_activity_is_public_collection (const char       *uri);

GType               qtr_note_get_type              (void) G_GNUC_CONST;
QtrNote            *qtr_note_parse                 (JsonObject          *json,
                                                    GError             **error);
QtrNote            *qtr_note_ref                   (QtrNote             *self);
void                qtr_note_unref                 (QtrNote             *self);

GType               qtr_actor_doc_get_type         (void) G_GNUC_CONST;
QtrActorDoc        *qtr_actor_doc_parse            (JsonObject          *json,
                                                    GError             **error);
QtrActorDoc        *qtr_actor_doc_ref              (QtrActorDoc         *self);
void                qtr_actor_doc_unref            (QtrActorDoc         *self);
const QtrPublicKey *qtr_actor_doc_find_key         (QtrActorDoc         *self,
                                                    const char          *key_id);

void                qtr_addressing_build           (QtrVisibility        visibility,
                                                    const char          *followers_url,
                                                    const char * const  *mention_actor_urls,
                                                    GStrv               *to,
                                                    GStrv               *cc);
QtrVisibility       qtr_addressing_visibility      (const char * const  *to,
                                                    const char * const  *cc,
                                                    const char          *followers_url);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrActivity, qtr_activity_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrNote, qtr_note_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QtrActorDoc, qtr_actor_doc_unref)

G_END_DECLS
