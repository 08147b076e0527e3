"""French for the privacy app (erasure and the audit log)."""

MORE_PRIVACY = {
    "Personal data": "Données personnelles",
    "Erase": "Effacer",
    "Erased": "Effacé",
    "Erase this user's personal data…": "Effacer les données personnelles de cet utilisateur…",
    "This user was erased already.": "Cet utilisateur a déjà été effacé.",
    "Type their email address to confirm": "Saisissez son adresse e-mail pour confirmer",
    "Also delete the files they uploaded": "Supprimer aussi les fichiers qu'il a envoyés",
    "Otherwise their files stay on the tickets, as their messages do.": (
        "Sinon, ses fichiers restent sur les tickets, comme ses messages."
    ),
    "This is not the user's email address.": "Ce n'est pas l'adresse e-mail de l'utilisateur.",
    "User erased": "Utilisateur effacé",
    "Who did it; empty for the system (a scheduled task).": (
        "Qui l'a fait ; vide pour le système (une tâche planifiée)."
    ),
    "The organisation whose data it touched; empty for the provider's staff.": (
        "L'organisation dont les données sont concernées ; vide pour le personnel du prestataire."
    ),
    "The user's personal data was erased.": "Les données personnelles de l'utilisateur ont été effacées.",
    'Erase<span class="sr-only"> %(name)s</span>…': 'Effacer<span class="sr-only"> %(name)s</span>…',
    "Erase a user": "Effacer un utilisateur",
    "Erase %(name)s": "Effacer %(name)s",
    "This removes %(email)s's name and email everywhere: their account, the tickets and messages "
    "that name them, and stored emails. It cannot be undone.": (
        "Cela supprime partout le nom et l'adresse e-mail de %(email)s : son compte, les tickets et "
        "messages qui le nomment, et les e-mails conservés. C'est irréversible."
    ),
    "Their tickets and messages stay, written by “Former user”, so your organisation's history "
    "and figures are kept.": (
        "Ses tickets et messages restent, signés « Former user », afin de conserver l'historique "
        "et les chiffres de votre organisation."
    ),
    "They are signed out everywhere; their API tokens, support PIN and two-factor devices are "
    "deleted.": (
        "Il est déconnecté partout ; ses jetons d'API, son code PIN de support et ses appareils "
        "de double authentification sont supprimés."
    ),
    "The erasure is recorded in the audit log.": "L'effacement est consigné dans le journal d'audit.",
    "Erase this user": "Effacer cet utilisateur",
    "Due now (dry run)": "À traiter maintenant (simulation)",
    "Retention applied": "Conservation appliquée",
    "Delete the tickets": "Supprimer les tickets",
    "Anonymise the tickets (keep their figures)": "Anonymiser les tickets (garder leurs chiffres)",
    "The organisation it covers; or choose a tier instead.": (
        "L'organisation concernée ; ou choisissez plutôt un niveau."
    ),
    "The support tier it covers (organisations without a policy of their own).": (
        "Le niveau de support concerné (organisations sans règle propre)."
    ),
    "Closed tickets older than this many months are removed.": (
        "Les tickets fermés depuis plus de ce nombre de mois sont retirés."
    ),
    "Data export": "Export des données",
    "Export this organisation's data…": "Exporter les données de cette organisation…",
    "This download link is not valid or has expired.": (
        "Ce lien de téléchargement n'est pas valide ou a expiré."
    ),
    "This export has expired; ask for a new one.": "Cet export a expiré ; demandez-en un nouveau.",
    "%(organization)s's data": "des données de %(organization)s",
    "your personal data": "de vos données personnelles",
    "The export of %(what)s you asked for is ready. Download it here (sign-in needed):": (
        "L'export %(what)s que vous avez demandé est prêt. Téléchargez-le ici (connexion requise) :"
    ),
    "The link works for you only and expires in %(days)s days.": (
        "Le lien ne fonctionne que pour vous et expire dans %(days)s jours."
    ),
    "Your data export is ready": "Votre export de données est prêt",
    "Data exported": "Données exportées",
    "Organisation's data": "Données de l'organisation",
    "Waiting": "En attente",
    "Being prepared": "En préparation",
    "Ready": "Prêt",
    "Expired": "Expiré",
    "Your export is being prepared. We will email you a link when it is ready.": (
        "Votre export est en préparation. Nous vous enverrons un lien par e-mail quand il sera prêt."
    ),
    "Export your organisation's data": "Exporter les données de votre organisation",
    "Export your data": "Exporter vos données",
    "Export not available": "Export indisponible",
    "Your exports": "Vos exports",
    "Data exports": "Exports de données",
    "An export is a zip of JSON files and the attached files. It is prepared in the background; "
    "we email you a link that works for you only, for a few days.": (
        "Un export est une archive zip de fichiers JSON et des pièces jointes. Il est préparé en "
        "arrière-plan ; nous vous envoyons par e-mail un lien qui ne fonctionne que pour vous, "
        "pendant quelques jours."
    ),
    "Export %(name)s's data": "Exporter les données de %(name)s",
    "Export our organisation's data": "Exporter les données de notre organisation",
    "Export my personal data": "Exporter mes données personnelles",
    "Asked": "Demandé",
    "What": "Quoi",
    "Size": "Taille",
    "until %(when)s": "jusqu'au %(when)s",
    "No export yet.": "Pas encore d'export.",
    "The organisation's integrations act as this user through its tokens.": (
        "Les intégrations de l'organisation agissent sous cet utilisateur au moyen de ses jetons."
    ),
    "Integration tokens": "Jetons d'intégration",
    'Your tools (a CRM, a status page, a chat alert) can use the <a href="%(api_url)s">REST '
    "API</a> as %(name)s rather than as one of you: their changes show in tickets' history as "
    "“%(name)s (integration)”, and they keep working when people leave.": (
        "Vos outils (un CRM, une page de statut, une alerte de messagerie) peuvent utiliser "
        "l'<a href=\"%(api_url)s\">API REST</a> au nom de %(name)s plutôt qu'au nom de l'un "
        "d'entre vous : leurs modifications apparaissent dans l'historique des tickets comme "
        "« %(name)s (integration) », et ils continuent de fonctionner quand des personnes partent."
    ),
    "No integration token yet.": "Pas encore de jeton d'intégration.",
    "Create integration token": "Créer un jeton d'intégration",
    "They still hold %(count)d active tickets: assign them to someone else first.": (
        "Cette personne détient encore %(count)d tickets actifs : attribuez-les d'abord à "
        "quelqu'un d'autre."
    ),
    "Export downloaded": "Export téléchargé",
}
