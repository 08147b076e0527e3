"""French for customer satisfaction (issue 19), merged into ``FR`` by fr_translations.py."""

MORE_CSAT = {
    "ask for satisfaction ratings": "demander une évaluation de satisfaction",
    "When a ticket is solved, its requester is asked to rate it Good or Bad. Off here, or for "
    "the whole support tier (HELPDESK_SATISFACTION_OFF_TIERS), nobody of the organisation is "
    "asked.": (
        "Quand un ticket est résolu, son demandeur est invité à le noter Bien ou Mal. Désactivé "
        "ici, ou pour tout le niveau de support (HELPDESK_SATISFACTION_OFF_TIERS), personne de "
        "l’organisation n’est sollicité."
    ),
    "How did we do? One click rates the support (you can add a comment):": (
        "Comment avons-nous fait ? Un clic suffit pour noter le support (vous pouvez ajouter "
        "un commentaire) :"
    ),
    "Good": "Bien",
    "Bad": "Mal",
    "How did we do?": "Comment avons-nous fait ?",
    "Comment (optional)": "Commentaire (facultatif)",
    "Satisfaction": "Satisfaction",
    "rated by %(name)s": "noté par %(name)s",
    "You can change your rating until the ticket closes.": (
        "Vous pouvez modifier votre évaluation jusqu’à la fermeture du ticket."
    ),
    "Were you helped? Your answer goes to the support team.": (
        "Avez-vous été aidé ? Votre réponse est transmise à l’équipe de support."
    ),
    "Update rating": "Modifier l’évaluation",
    "Send rating": "Envoyer l’évaluation",
    "The ticket is closed: the rating can no longer change.": (
        "Le ticket est fermé : l’évaluation ne peut plus changer."
    ),
    "Rate the support": "Évaluer le support",
    "Ticket #%(number)s": "Ticket n° %(number)s",
    "Thank you: your rating was saved.": "Merci : votre évaluation est enregistrée.",
    "Your rating: %(score)s.": "Votre évaluation : %(score)s.",
    "This ticket is not waiting for a rating any more.": ("Ce ticket n’attend plus d’évaluation."),
    "Rating": "Évaluation",
    "Rating: choose Good or Bad.": "Évaluation : choisissez Bien ou Mal.",
    "Comment can be at most %(limit_value)d characters (it has %(show_value)d).": (
        "Le commentaire peut compter au plus %(limit_value)d caractères (il en a %(show_value)d)."
    ),
    "rated the support": "a évalué le support",
    "Choose Good or Bad.": "Choisissez Bien ou Mal.",
    "The comment can be at most %(max)d characters long (it has %(count)d).": (
        "Le commentaire peut compter au plus %(max)d caractères (il en a %(count)d)."
    ),
    "This organisation does not rate its tickets.": (
        "Cette organisation n’évalue pas ses tickets."
    ),
    "Ticket #%(number)s is closed: its rating can no longer change.": (
        "Le ticket n° %(number)s est fermé : son évaluation ne peut plus changer."
    ),
    "Ticket #%(number)s can be rated once it is solved.": (
        "Le ticket n° %(number)s pourra être évalué une fois résolu."
    ),
    "Only the person who asked can rate this ticket.": (
        "Seule la personne qui a fait la demande peut évaluer ce ticket."
    ),
    "changed the rating from %(before)s to %(after)s": (
        "a changé l’évaluation de %(before)s à %(after)s"
    ),
    "rated the support %(score)s": "a évalué le support : %(score)s",
    "This rating link has expired. You can still rate the ticket on its page.": (
        "Ce lien d’évaluation a expiré. Vous pouvez encore évaluer le ticket sur sa page."
    ),
    "This rating link is not valid.": "Ce lien d’évaluation n’est pas valide.",
}
