"""French for the dashboards (issue 19), merged into ``FR`` by fr_translations.py."""

MORE_REPORTS = {
    "%(m)d min": "%(m)d min",
    "%(h)d h %(m)d min": "%(h)d h %(m)d min",
    "%(d)d d %(h)d h": "%(d)d j %(h)d h",
    "Under a day": "Moins d’un jour",
    "1 to 3 days": "1 à 3 jours",
    "3 to 7 days": "3 à 7 jours",
    "7 to 30 days": "7 à 30 jours",
    "Over 30 days": "Plus de 30 jours",
    "Created and solved per day": "Créés et résolus par jour",
    "Backlog by status": "En cours par statut",
    "Backlog by age": "En cours par ancienneté",
    "By channel": "Par canal",
    "By category": "Par catégorie",
    "By organisation": "Par organisation",
    "By tier": "Par niveau de support",
    "Per agent": "Par agent",
    "Open now": "Ouverts maintenant",
    "Last 7 days": "7 derniers jours",
    "Last 30 days": "30 derniers jours",
    "Last 90 days": "90 derniers jours",
    "From … to …": "Du … au …",
    "Period": "Période",
    "From": "Du",
    "To": "Au",
    "Enter a date like 2026-01-31.": "Saisissez une date comme 2026-01-31.",
    "All organisations": "Toutes les organisations",
    "Tier": "Niveau de support",
    "All tiers": "Tous les niveaux",
    "Category": "Catégorie",
    "All categories": "Toutes les catégories",
    "Agent": "Agent",
    "All agents": "Tous les agents",
    "Enter the first day of the period.": "Saisissez le premier jour de la période.",
    "Enter the last day of the period.": "Saisissez le dernier jour de la période.",
    "The last day cannot come before the first.": (
        "Le dernier jour ne peut pas précéder le premier."
    ),
    "The last day cannot be in the future.": "Le dernier jour ne peut pas être dans le futur.",
    "A period can be at most %(max)d days long.": ("Une période peut durer au plus %(max)d jours."),
    "Reports": "Rapports",
    "Filters": "Filtres",
    "Show": "Afficher",
    "From %(since)s to %(until)s. Backlog figures are as of now.": (
        "Du %(since)s au %(until)s. Les chiffres des tickets en cours sont ceux de maintenant."
    ),
    "These are your own figures: the tickets assigned to you.": (
        "Ce sont vos propres chiffres : les tickets qui vous sont attribués."
    ),
    "Summary": "Synthèse",
    "Backlog now": "En cours maintenant",
    "median %(value)s": "médiane %(value)s",
    "90%% within %(value)s": "90 %% en moins de %(value)s",
    ("%(counter)s rating", "%(counter)s ratings"): (
        "%(counter)s évaluation",
        "%(counter)s évaluations",
    ),
    "No ratings yet": "Aucune évaluation pour l’instant",
    "Show the figures as a table": "Afficher les chiffres sous forme de tableau",
    "Nothing in this period.": "Rien sur cette période.",
    "Agents": "Agents",
    "First response (median)": "Première réponse (médiane)",
    "Organisations": "Organisations",
    "Your organisation's support at a glance: %(name)s's tickets only.": (
        "Le support de votre organisation en un coup d’œil : les tickets de %(name)s uniquement."
    ),
    "Service levels": "Niveaux de service",
    "Service-level targets": "Objectifs de niveau de service",
    "Targets that fell due in the period: met on time, of those answered or overdue.": (
        "Objectifs arrivés à échéance sur la période : tenus à temps, parmi ceux qui ont "
        "reçu une réponse ou sont dépassés."
    ),
    "Target": "Objectif",
    "Met": "Tenus",
    "Missed": "Manqués",
    "Total": "Total",
    "Share met": "Part tenue",
}
