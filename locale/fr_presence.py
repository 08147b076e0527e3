"""French for collision warnings (issue 18), merged into ``FR`` by fr_translations.py."""

MORE_PRESENCE = {
    "Colleagues on this ticket": "Collègues sur ce ticket",
    "and more: show the page again to read them all.": (
        "et d’autres : affichez de nouveau la page pour tous les lire."
    ),
    "Added since you opened this ticket": "Ajouté depuis que vous avez ouvert ce ticket",
    "Show the ticket again": "Afficher de nouveau le ticket",
    "(your draft reply is kept)": "(votre brouillon de réponse est conservé)",
    "Your reply was not sent: while you were writing it, this was added.": (
        "Votre réponse n’a pas été envoyée : pendant que vous l’écriviez, ceci a été ajouté."
    ),
    "Read it, then send your reply anyway or change it first.": (
        "Lisez-le, puis envoyez quand même votre réponse ou modifiez-la d’abord."
    ),
    "Attach your files again: they were not kept.": (
        "Joignez de nouveau vos fichiers : ils n’ont pas été conservés."
    ),
    "Send anyway": "Envoyer quand même",
    "State is required: viewing, typing or gone.": (
        "L’état est obligatoire : viewing, typing ou gone."
    ),
    "State must be viewing, typing or gone.": "L’état doit être viewing, typing ou gone.",
    "Seen must be the number of a message.": "Seen doit être le numéro d’un message.",
    "Too many requests: wait a minute.": "Trop de requêtes : patientez une minute.",
    "%(name)s is typing a reply…": "%(name)s rédige une réponse…",
    "%(name)s is viewing this ticket": "%(name)s consulte ce ticket",
    "New internal note from %(name)s": "Nouvelle note interne de %(name)s",
    "New reply from %(name)s": "Nouvelle réponse de %(name)s",
    "Not sent: messages were added after message %(seen)s. Read them, then send again with "
    "seen set to the newest.": (
        "Non envoyé : des messages ont été ajoutés après le message %(seen)s. Lisez-les, puis "
        "envoyez de nouveau avec seen égal au plus récent."
    ),
}
