"""French for followers of tickets (issue 18), merged into ``FR`` by fr_translations.py."""

MORE_FOLLOWERS = {
    "Followers": "Abonnés",
    "Followers get this ticket's notifications, as the requester does.": (
        "Les abonnés reçoivent les notifications de ce ticket, comme le demandeur."
    ),
    "support": "support",
    "Remove %(name)s from the followers": "Retirer %(name)s des abonnés",
    "Remove": "Retirer",
    "Nobody follows this ticket yet.": "Personne ne suit encore ce ticket.",
    "Unfollow": "Ne plus suivre",
    "Follow": "Suivre",
    "Add a colleague by email": "Ajouter un collègue par e-mail",
    "Add a follower": "Ajouter un abonné",
    "Choose a person": "Choisir une personne",
    "changed the followers": "a modifié les abonnés",
    "Choose a person to add as a follower.": "Choisissez une personne à ajouter comme abonné.",
    "Choose an active user of this ticket's organisation.": (
        "Choisissez un utilisateur actif de l’organisation de ce ticket."
    ),
    "Customers can add only colleagues of their own organisation.": (
        "Les clients ne peuvent ajouter que des collègues de leur propre organisation."
    ),
    "This ticket was merged into #%(number)s; follow that one instead.": (
        "Ce ticket a été fusionné dans le n° %(number)s ; suivez plutôt celui-ci."
    ),
    "%(name)s is the requester and already hears of every change.": (
        "%(name)s est le demandeur et est déjà informé de chaque changement."
    ),
    "A ticket can have at most %(max)d followers; remove one first.": (
        "Un ticket peut avoir au plus %(max)d abonnés ; retirez-en un d’abord."
    ),
    "Only the follower themself, the requester or a customer admin can remove a follower.": (
        "Seuls l’abonné lui-même, le demandeur ou un administrateur client peuvent retirer "
        "un abonné."
    ),
    "added %(name)s as a follower": "a ajouté %(name)s comme abonné",
    "removed %(name)s from the followers": "a retiré %(name)s des abonnés",
    "You follow this ticket now.": "Vous suivez maintenant ce ticket.",
    "You no longer follow this ticket.": "Vous ne suivez plus ce ticket.",
    "%(name)s no longer follows this ticket.": "%(name)s ne suit plus ce ticket.",
    "%(name)s already follows this ticket.": "%(name)s suit déjà ce ticket.",
    "%(name)s follows this ticket now.": "%(name)s suit maintenant ce ticket.",
    "%(actor_name)s of %(org)s replied to ticket #%(number)s, which you follow.": (
        "%(actor_name)s de %(org)s a répondu au ticket n°%(number)s, que vous suivez."
    ),
}
