"""French for the signed webhooks of issue 21 (webhooks/), merged into ``FR``
by fr_translations.py."""

MORE_WEBHOOKS = {
    "Webhooks": "Webhooks",
    "Webhook": "Webhook",
    "<strong>Copy the signing secret now.</strong> It is shown only this once; rotate it "
    "to get a new one.": (
        "<strong>Copiez le secret de signature maintenant.</strong> Il n’est affiché "
        "qu’une fois ; renouvelez-le pour en obtenir un autre."
    ),
    "Enabled": "Activé",
    "Disabled": "Désactivé",
    "Hears of %(name)s's tickets.": "Reçoit les tickets de %(name)s.",
    "Hears of every organisation's tickets.": "Reçoit les tickets de toutes les organisations.",
    "Only what the organisation's customers may see is sent.": (
        "Seul ce que les clients de l’organisation peuvent voir est envoyé."
    ),
    "Internal notes are sent too, marked internal.": (
        "Les notes internes sont envoyées aussi, marquées comme internes."
    ),
    "Send test": "Envoyer un test",
    "Disable": "Désactiver",
    "Enable": "Activer",
    "Rotate secret": "Renouveler le secret",
    "Each delivery carries <code>X-Helpdesk-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;"
    "</code>: HMAC-SHA256 with the secret over the timestamp, a dot and the raw body. Refuse "
    "timestamps more than 5 minutes old, and use <code>X-Helpdesk-Delivery</code> to drop "
    "repeats.": (
        "Chaque envoi porte <code>X-Helpdesk-Signature: t=&lt;secondes unix&gt;,v1=&lt;hex&gt;"
        "</code> : HMAC-SHA256 avec le secret sur l’horodatage, un point et le corps brut. "
        "Refusez les horodatages de plus de 5 minutes, et utilisez "
        "<code>X-Helpdesk-Delivery</code> pour écarter les doublons."
    ),
    "Settings": "Réglages",
    "Deliveries": "Envois",
    ("Kept %(days)s day.", "Kept %(days)s days."): (
        "Conservé %(days)s jour.",
        "Conservés %(days)s jours.",
    ),
    "Event": "Événement",
    "State": "État",
    "Attempts": "Tentatives",
    "no answer": "pas de réponse",
    "%(ms)s ms": "%(ms)s ms",
    "not tried yet": "pas encore tenté",
    "No delivery yet.": "Aucun envoi pour l’instant.",
    "New webhook": "Nouveau webhook",
    "Create webhook": "Créer le webhook",
    "Your tools hear of your organisation's tickets as they change: each event is POSTed as "
    "signed JSON to the endpoints below. Internal notes are never sent.": (
        "Vos outils apprennent les changements des tickets de votre organisation : chaque "
        "événement est envoyé (POST) en JSON signé aux adresses ci-dessous. Les notes internes "
        "ne sont jamais envoyées."
    ),
    "Endpoints that hear of ticket events, for one organisation or every one. Customer "
    "admins' own hooks are listed too.": (
        "Adresses qui reçoivent les événements des tickets, d’une organisation ou de toutes. "
        "Les webhooks des administrateurs clients figurent aussi."
    ),
    'The body and how to verify its signature are in the <a href="%(docs_url)s">API '
    "documentation</a> (schema WebhookDelivery).": (
        'Le corps et la vérification de sa signature sont décrits dans la <a href="%(docs_url)s">'
        "documentation de l’API</a> (schéma WebhookDelivery)."
    ),
    "Any": "Toutes",
    "Every organisation (support hooks)": "Toutes les organisations (webhooks du support)",
    "Endpoint": "Adresse",
    "Events": "Événements",
    "customer's own": "du client",
    "Every organisation": "Toutes les organisations",
    "No webhook yet.": "Aucun webhook pour l’instant.",
    "Endpoint URL": "URL de destination",
    "An https:// address on the public internet. Redirects are not followed.": (
        "Une adresse https:// sur l’internet public. Les redirections ne sont pas suivies."
    ),
    "Choose at least one event.": "Choisissez au moins un événement.",
    "Whose tickets it hears of.": "Les tickets de quelle organisation il reçoit.",
    "Ticket created": "Ticket créé",
    "Message added": "Message ajouté",
    "Status changed": "Statut modifié",
    "Assignee changed": "Responsable modifié",
    "Ticket solved": "Ticket résolu",
    "Ticket closed": "Ticket fermé",
    "Service-level target missed": "Objectif de service manqué",
    "Delivered": "Livré",
    "Empty: every organisation's events (support hooks only).": (
        "Vide : les événements de toutes les organisations (webhooks du support seulement)."
    ),
    "Registered by a customer admin: hears only what its customers may see.": (
        "Créé par un administrateur client : ne reçoit que ce que ses clients peuvent voir."
    ),
    "Who registered it; told by email when it is disabled.": (
        "Qui l’a créé ; prévenu par e-mail s’il est désactivé."
    ),
    "Empty for a test delivery.": "Vide pour un envoi de test.",
    "The exact JSON sent, the same on every attempt.": (
        "Le JSON exact envoyé, identique à chaque tentative."
    ),
    "Choose at least one event, among those offered.": (
        "Choisissez au moins un événement, parmi ceux proposés."
    ),
    "Disabled by hand.": "Désactivé à la main.",
    "The webhook is disabled.": "Le webhook est désactivé.",
    "Disabled after %(count)d failed deliveries in a row.": (
        "Désactivé après %(count)d envois échoués d’affilée."
    ),
    "Your webhook to %(url)s was disabled: its last %(count)d deliveries failed, over more "
    "than %(hours)d hours.\n\nFix the receiver, send a test from the webhook's page, then "
    "enable it again: %(link)s\n": (
        "Votre webhook vers %(url)s a été désactivé : ses %(count)d derniers envois ont "
        "échoué, sur plus de %(hours)d heures.\n\nCorrigez le destinataire, envoyez un test "
        "depuis la page du webhook, puis réactivez-le : %(link)s\n"
    ),
    "Your webhook was disabled": "Votre webhook a été désactivé",
    "The host %(host)s could not be resolved.": "L’hôte %(host)s est introuvable.",
    "The URL must start with https://.": "L’URL doit commencer par https://.",
    "The URL may not contain a user name or password.": (
        "L’URL ne peut pas contenir de nom d’utilisateur ni de mot de passe."
    ),
    "The URL has no host.": "L’URL n’a pas d’hôte.",
    "The URL's port is not a number from 1 to 65535.": (
        "Le port de l’URL n’est pas un nombre de 1 à 65535."
    ),
    "%(host)s resolves to %(address)s, a private, loopback or reserved address: webhooks "
    "only call public addresses.": (
        "%(host)s correspond à %(address)s, une adresse privée, locale ou réservée : les "
        "webhooks n’appellent que des adresses publiques."
    ),
    "The webhook is saved.": "Le webhook est enregistré.",
    "The webhook is enabled.": "Le webhook est activé.",
    "The webhook is disabled: no new deliveries.": (
        "Le webhook est désactivé : plus aucun nouvel envoi."
    ),
    "A test delivery is queued; its result appears in the log below.": (
        "Un envoi de test est en file ; son résultat apparaît dans le journal ci-dessous."
    ),
    "The webhook is deleted.": "Le webhook est supprimé.",
    "No organisation has that alias.": "Aucune organisation n’a cet alias.",
    "The URL may be at most 500 characters long.": "L’URL peut compter au plus 500 caractères.",
    "Say whose events it hears: an organisation's alias, or null for every organisation's.": (
        "Dites de qui il reçoit les événements : l'alias d'une organisation, ou null pour "
        "toutes les organisations."
    ),
    "An organisation may have %(count)d webhooks; delete one first.": (
        "Une organisation peut avoir %(count)d webhooks ; supprimez-en un d'abord."
    ),
    "Gave up: no attempt finished.": "Abandon : aucune tentative n'a abouti.",
    "%(host)s is not a public address: webhooks only call hosts on the public internet.": (
        "%(host)s n'est pas une adresse publique : les webhooks n'appellent que des hôtes "
        "d'Internet."
    ),
    # The review's hardening.
    "Delete webhook": "Supprimer le webhook",
    "Delete this webhook?": "Supprimer ce webhook ?",
    "It gets no more deliveries, and its delivery log is deleted with it. This cannot be "
    "undone; to stop it for a while, disable it instead.": (
        "Il ne reçoit plus d’envois, et son journal d’envois est supprimé avec lui. C’est "
        "irréversible ; pour l’arrêter un temps, désactivez-le plutôt."
    ),
    "Delete…": "Supprimer…",
    "Too many test deliveries for this webhook; try again in %(seconds)d s.": (
        "Trop d’envois de test pour ce webhook ; réessayez dans %(seconds)d s."
    ),
    "%(host)s could not be looked up within %(seconds)d seconds; check the name, or try "
    "again later.": (
        "%(host)s n’a pas pu être résolu en %(seconds)d secondes ; vérifiez le nom, ou "
        "réessayez plus tard."
    ),
    "The URL's port must be one of %(ports)s (it is %(port)d).": (
        "Le port de l’URL doit être l’un de %(ports)s (c’est %(port)d)."
    ),
    "For %(hours)s hours after a rotation a second <code>v1</code>, made with the previous "
    "secret, follows the first: accept a delivery if any <code>v1</code> matches a secret "
    "you hold, and switch to the new one meanwhile.": (
        "Pendant %(hours)s heures après un renouvellement, un second <code>v1</code>, fait "
        "avec le secret précédent, suit le premier : acceptez un envoi si l’un des "
        "<code>v1</code> correspond à un secret que vous détenez, et passez au nouveau "
        "entre-temps."
    ),
}
