"""French for saved views (issue 18), merged into ``FR`` by fr_translations.py."""

MORE_VIEWS = {
    "Rename": "Renommer",
    "Save this view": "Enregistrer cette vue",
    "Save view": "Enregistrer la vue",
    "Saved views": "Vues enregistrées",
    "(shared)": "(partagée)",
    "Manage views": "Gérer les vues",
    "Edit view": "Modifier la vue",
    "To save a view, filter or sort the queue, then choose “Save this view”.": (
        "Pour enregistrer une vue, filtrez ou triez la file, puis choisissez "
        "« Enregistrer cette vue »."
    ),
    "My views": "Mes vues",
    "Shared views": "Vues partagées",
    "Support admins manage shared views.": (
        "Les administrateurs du support gèrent les vues partagées."
    ),
    "No such view.": "Vue introuvable.",
    "The filter “%(name)s” is not valid: %(error)s": (
        "Le filtre « %(name)s » n’est pas valide : %(error)s"
    ),
    "Name can be at most %(max)d characters.": ("Le nom peut compter au plus %(max)d caractères."),
    "Choose one of the queue's views: %(views)s.": (
        "Choisissez l’une des vues de la file : %(views)s."
    ),
    "Position is a whole number from 0 to 1000.": ("La position est un nombre entier de 0 à 1000."),
    "These filters are too long to save.": "Ces filtres sont trop longs pour être enregistrés.",
    "You already have a view with this name.": "Vous avez déjà une vue portant ce nom.",
    "Only support admins can share a view.": (
        "Seuls les administrateurs du support peuvent partager une vue."
    ),
    "You can keep at most %(max)d views; delete one first.": (
        "Vous pouvez garder au plus %(max)d vues ; supprimez-en une d’abord."
    ),
    "Position": "Position",
    "Lower numbers come first in the queue's list of views.": (
        "Les plus petits nombres viennent en premier dans la liste des vues de la file."
    ),
    "Queue view": "Vue de la file",
    "Filters": "Filtres",
    "View “%(name)s” saved.": "Vue « %(name)s » enregistrée.",
    "View saved.": "Vue enregistrée.",
    "View deleted.": "Vue supprimée.",
}

# Fair assignment (issue 18).
MORE_VIEWS.update(
    {
        "Support staff only: new tickets may be assigned to them automatically.": (
            "Support uniquement : les nouveaux tickets peuvent lui être attribués automatiquement."
        ),
        "Available for new tickets: on": "Disponible pour les nouveaux tickets : oui",
        "Available for new tickets: off": "Disponible pour les nouveaux tickets : non",
        "You are available for new tickets.": "Vous êtes disponible pour les nouveaux tickets.",
        "You no longer receive new tickets automatically.": (
            "Vous ne recevez plus de nouveaux tickets automatiquement."
        ),
    }
)
