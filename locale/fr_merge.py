"""French for merging tickets (issue 18), merged into ``FR`` by fr_translations.py."""

MORE_MERGE = {
    "Merge #%(number)s": "Fusionner le n° %(number)s",
    "Merge #%(source)s into #%(target)s?": "Fusionner le n° %(source)s dans le n° %(target)s ?",
    "Merged and closed": "Fusionné et fermé",
    "requested by %(name)s (%(email)s)": "demandé par %(name)s (%(email)s)",
    "Continues in": "Se poursuit dans",
    "The request, messages and files of #%(source)s move to #%(target)s with their authors "
    "and times. #%(source)s is closed for good with a link to #%(target)s, and replies to its "
    "emails land in #%(target)s. Customers of the organisation see the link on both tickets. "
    "This can't be undone.": (
        "La demande, les messages et les fichiers du n° %(source)s passent au n° %(target)s "
        "avec leurs auteurs et leurs dates. Le n° %(source)s est fermé définitivement avec un "
        "lien vers le n° %(target)s, et les réponses à ses e-mails arrivent dans le "
        "n° %(target)s. Les clients de l’organisation voient le lien sur les deux tickets. "
        "C’est irréversible."
    ),
    "Choose another ticket": "Choisir un autre ticket",
    "Merge into #%(target)s": "Fusionner dans le n° %(target)s",
    "Merge #%(number)s into another ticket": "Fusionner le n° %(number)s dans un autre ticket",
    "Only a ticket of the same organisation that is not closed can take it.": (
        "Seul un ticket non fermé de la même organisation peut l’accueillir."
    ),
    "Continue": "Continuer",
    "Merge into…": "Fusionner dans…",
    "merged from #%(number)s": "fusionné depuis le n° %(number)s",
    'This ticket was merged into <a href="%(url)s">#%(number)s %(subject)s</a>; the '
    "conversation goes on there.": (
        'Ce ticket a été fusionné dans <a href="%(url)s">n° %(number)s %(subject)s</a> ; '
        "la conversation se poursuit là-bas."
    ),
    '<a href="%(url)s">#%(number)s %(subject)s</a> was merged into this ticket.': (
        '<a href="%(url)s">N° %(number)s %(subject)s</a> a été fusionné dans ce ticket.'
    ),
    "merged tickets": "a fusionné des tickets",
    "A ticket can't be merged into itself.": "Un ticket ne peut pas être fusionné dans lui-même.",
    "There is no ticket #%(number)s.": "Il n’existe pas de ticket n° %(number)s.",
    "Ticket #%(number)s belongs to another organisation; tickets merge only within one "
    "organisation.": (
        "Le ticket n° %(number)s appartient à une autre organisation ; les tickets ne "
        "fusionnent qu’au sein d’une même organisation."
    ),
    "Ticket #%(number)s was itself merged into #%(final)s; merge into #%(final)s instead.": (
        "Le ticket n° %(number)s a lui-même été fusionné dans le n° %(final)s ; fusionnez "
        "plutôt dans le n° %(final)s."
    ),
    "Ticket #%(number)s is closed; reopen it first or merge into an active ticket.": (
        "Le ticket n° %(number)s est fermé ; rouvrez-le d’abord ou fusionnez dans un ticket actif."
    ),
    "This ticket was already merged into #%(number)s.": (
        "Ce ticket a déjà été fusionné dans le n° %(number)s."
    ),
    "A closed ticket can't be merged; reopen it first.": (
        "Un ticket fermé ne peut pas être fusionné ; rouvrez-le d’abord."
    ),
    "A comment can be at most %(max)d characters.": (
        "Un commentaire ne peut pas dépasser %(max)d caractères."
    ),
    "Merged #%(number)s “%(subject)s” into this ticket.": (
        "Le n° %(number)s « %(subject)s » a été fusionné dans ce ticket."
    ),
    "Its requester was %(name)s <%(email)s>.": "Son demandeur était %(name)s <%(email)s>.",
    "merged this ticket into #%(number)s": "a fusionné ce ticket dans le n° %(number)s",
    "merged #%(number)s into this ticket": "a fusionné le n° %(number)s dans ce ticket",
    "Merge into ticket number": "Fusionner dans le ticket n°",
    "Enter the number of the ticket to merge into.": (
        "Saisissez le numéro du ticket dans lequel fusionner."
    ),
    "Comment (internal note on the target)": "Commentaire (note interne sur le ticket cible)",
    "Ticket #%(source)s was merged into this ticket and closed.": (
        "Le ticket n° %(source)s a été fusionné dans ce ticket et fermé."
    ),
    "This ticket was merged into #%(number)s; continue the conversation there.": (
        "Ce ticket a été fusionné dans le n° %(number)s ; poursuivez la conversation là-bas."
    ),
    "%(actor_name)s merged ticket #%(number)s into ticket #%(target)s. The conversation goes "
    "on there: replies to this email land in #%(target)s.": (
        "%(actor_name)s a fusionné le ticket n° %(number)s dans le ticket n° %(target)s. La "
        "conversation se poursuit là-bas : les réponses à cet e-mail arrivent dans le "
        "n° %(target)s."
    ),
}
