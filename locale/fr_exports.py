"""French for the CSV exports of ticket lists."""

MORE_EXPORTS = {
    "Export CSV": "Exporter en CSV",
    "Export messages": "Exporter les messages",
    "Number": "Numéro",
    "Reference": "Référence",
    "Requester email": "E-mail du demandeur",
    "Resolution due": "Résolution attendue",
    "Written": "Écrit le",
    "yes": "oui",
    "no": "non",
}
