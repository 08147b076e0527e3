"""More French for locale/fr/LC_MESSAGES/django.po, merged into ``FR`` by
fr_translations.py: service levels (issue 17), and the forms, sign-in,
organisation and agent pages of issue 20."""

MORE = {
    "Due": "Échéance",
    "A service-level target is due soon": "Un objectif de service arrive à échéance",
    "A service-level target was missed": "Un objectif de service a été manqué",
    "SLA state": "État du SLA",
    "Any SLA state": "Tout état de SLA",
    "Service level": "Niveau de service",
    "due %(due)s": "échéance %(due)s",
    "The %(target)s on ticket #%(number)s (%(alias)s) is due at %(due)s.": (
        "Échéance de « %(target)s » pour le ticket n° %(number)s (%(alias)s) : %(due)s."
    ),
    "Ticket #%(number)s (%(alias)s) missed its %(target)s target, due at %(due)s.": (
        "Le ticket n° %(number)s (%(alias)s) a manqué son objectif « %(target)s », dû le %(due)s."
    ),
    'We aim to reply by <time datetime="%(iso)s">%(due)s</time> your time.': (
        'Nous visons une réponse d’ici le <time datetime="%(iso)s">%(due)s</time> (votre heure).'
    ),
    "warned that a target is due soon": "a averti qu’un objectif arrive à échéance",
    "recorded a missed target": "a consigné un objectif manqué",
    "First response": "Première réponse",
    "Next response": "Réponse suivante",
    "Resolution": "Résolution",
    "%(duration)s (business hours)": "%(duration)s (heures ouvrées)",
    "Breached": "Dépassé",
    "At risk": "À risque",
    "On track": "Dans les temps",
    "No target running": "Aucun objectif en cours",
    "missed by %(amount)s": "manqué de %(amount)s",
    "met": "tenu",
    "paused while the customer has it": "en pause tant que le client a la main",
    "Breaching soon": "Échéance proche",
    "overdue %(amount)s": "en retard de %(amount)s",
    "Still to fill in:": "Encore à remplir :",
    "Done (%(action)s): %(numbers)s.": "Fait (%(action)s) : %(numbers)s.",
    "#%(number)s was skipped: %(reason)s": "Le n° %(number)s a été ignoré : %(reason)s",
    ("The ticket stays selected.", "The %(count)d tickets stay selected."): (
        "Le ticket reste sélectionné.",
        "Les %(count)d tickets restent sélectionnés.",
    ),
}
