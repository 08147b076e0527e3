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
}
