"""The written definition of every figure, declared once: the PDF's « Méthode » page, the
annex's « Méthode » sheet and « Pilotage » print this list."""

METHOD = [
    (
        "Période",
        "Tous les chiffres sont arrêtés à la fin du dernier jour de la période (heure de "
        "Paris) : ce qui a été saisi ou daté après ne les change pas.",
    ),
    (
        "Arrondis",
        "Les taux, moyennes, médianes et heures sont arrondis au dixième selon la règle "
        "commerciale française (une demie est arrondie au-dessus : 2,25 donne 2,3).",
    ),
    (
        "Entreprises suivies",
        "Entreprises entrées dans le parcours (premier changement d'étape enregistré, à "
        "défaut création de la fiche) au plus tard à la fin de la période.",
    ),
    (
        "Nouvelles entreprises",
        "Entreprises suivies dont l'entrée dans le parcours tombe dans la période.",
    ),
    (
        "Étape",
        "Étape atteinte par le dernier changement d'étape enregistré avant la fin de la "
        "période ; une entreprise sans changement enregistré est comptée à son étape actuelle.",
    ),
    (
        "Sorties du parcours",
        "Entreprises à l'étape « sortie » à la fin de la période, par motif de leur sortie.",
    ),
    (
        "QPV et secteur",
        "QPV et section NAF actuels de chaque entreprise suivie (ils ne sont pas historisés).",
    ),
    (
        "Entrées dans chaque étape",
        "Nombre d'entreprises distinctes passées à cette étape pendant la période.",
    ),
    (
        "Autonomie atteinte",
        "Entreprises passées à l'étape « autonome » pendant la période.",
    ),
    (
        "Durée médiane passée dans une étape",
        "Médiane, en jours, du temps entre l'entrée dans l'étape et l'étape suivante, pour les "
        "passages terminés avant la fin de la période.",
    ),
    (
        "Activités",
        "Accompagnements individuels, ateliers collectifs et séances pair à pair datés dans "
        "la période.",
    ),
    (
        "Heures d'accompagnement",
        "Somme des durées des activités de la période, chaque activité comptée une fois quel "
        "que soit le nombre de participants.",
    ),
    (
        "Heures par entreprise",
        "Somme des durées des activités de la période où l'entreprise était présente ; une "
        "entreprise excusée ou absente n'en reçoit aucune.",
    ),
    (
        "Entreprises rencontrées",
        "Entreprises distinctes présentes à au moins une activité de la période (ni excusées, "
        "ni absentes).",
    ),
    (
        "Participants aux ateliers",
        "Présences d'entreprises aux ateliers collectifs de la période, plus les participants "
        "anonymes déclarés.",
    ),
    (
        "Activités et heures par QPV",
        "Une activité compte une fois dans chaque QPV d'une entreprise présente, avec sa "
        "durée ; une activité sans entreprise présente est comptée à part.",
    ),
    (
        "Par action du programme",
        "Activités rattachées à l'action, leurs heures, les entreprises distinctes présentes, "
        "et les dépenses imputées aux lignes budgétaires de cette action.",
    ),
    (
        "Diagnostics",
        "Diagnostics initiaux, intermédiaires et finaux datés dans la période ; les moyennes "
        "par domaine portent sur les diagnostics initiaux, puis finaux, de la période.",
    ),
    (
        "Progression moyenne",
        "Pour chaque contact ayant dans la période un diagnostic initial et un final : score "
        "global du dernier final moins celui du premier initial, en points ; moyenne sur ces "
        "contacts, dont le nombre est indiqué.",
    ),
    (
        "Progression par domaine (avant/après)",
        "Pour chaque contact ayant dans la période un diagnostic initial et un final : score du "
        "dernier final moins score du premier initial, pour la maîtrise globale et chaque "
        "domaine PIX ; moyenne de ces écarts avec son intervalle de confiance à 95 % (loi de "
        "Student sur les écarts appariés) ; non publiée sous 5 contacts.",
    ),
    (
        "Orientations",
        "Orientations vers un partenaire faites dans la période, à leur statut à la fin de la "
        "période, reconstitué d'après leurs dates de prise en charge, de clôture, de refus ou "
        "d'expiration (sans date enregistrée : leur statut actuel).",
    ),
    (
        "Taux de réponse, de prise en charge, de refus",
        "Part des orientations de la période ayant reçu une réponse (ni en attente, ni "
        "expirée), prises en charge (ni en attente, ni expirée, ni refusée), refusées.",
    ),
    (
        "Aide proposée",
        "Part des orientations clôturées à la fin de la période qui l'ont été avec une aide "
        "proposée (et non de toutes les orientations).",
    ),
    (
        "Délai médian de prise en charge",
        "Médiane, en jours, entre l'orientation et sa prise en charge, pour les orientations "
        "de la période prises en charge avant sa fin.",
    ),
    (
        "Mises en relation pair à pair commencées",
        "Mises en relation entre un pair et une entreprise du parcours dont les deux parties "
        "ont donné leur accord (date de début) dans la période.",
    ),
    (
        "Mises en relation pair à pair actives",
        "Mises en relation commencées au plus tard le dernier jour de la période et non "
        "terminées avant son premier jour.",
    ),
    (
        "Mises en relation pair à pair terminées",
        "Mises en relation commencées dont la fin tombe dans la période, quel qu'en soit le "
        "résultat.",
    ),
    (
        "Séances pair à pair",
        "Activités de type « pair à pair » datées dans la période (elles comptent aussi parmi "
        "les activités).",
    ),
    (
        "Heures de séances pair à pair",
        "Somme des durées des séances pair à pair de la période, chaque séance comptée une fois.",
    ),
    (
        "Entreprises aidées par un pair",
        "Entreprises distinctes présentes à au moins une séance pair à pair de la période.",
    ),
    (
        "Réponses au questionnaire de satisfaction",
        "Questionnaires envoyés aux entrepreneurs (après une orientation clôturée, le passage à "
        "« autonome » et six mois après) auxquels une note d'utilité a été donnée dans la "
        "période, sur tout le programme quels que soient les filtres ; chiffres agrégés, "
        "jamais de commentaire.",
    ),
    (
        "Entrepreneurs satisfaits",
        "Part des réponses de la période dont la note d'utilité est de 4 ou 5 sur 5.",
    ),
    (
        "Utilité moyenne",
        "Moyenne des notes d'utilité (de 1 à 5) des réponses de la période.",
    ),
    (
        "Entrepreneurs recontactés",
        "Part des réponses de la période disant « oui » à « Avez-vous été recontacté·e ? », "
        "parmi celles qui ont répondu à cette question.",
    ),
    (
        "Ce que l'accompagnement a permis",
        "Nombre de réponses de la période citant chaque usage proposé (plusieurs choix "
        "possibles par réponse), le plus cité d'abord.",
    ),
    (
        "Demandes en ligne",
        "Demandes « Rejoindre le parcours » reçues dans la période, dont celles acceptées ou "
        "rattachées à une entreprise existante.",
    ),
    (
        "Groupe de travail",
        "Réunions tenues dans la période ; par structure, réunions où elle était invitée et "
        "celles où elle était présente.",
    ),
    (
        "Dépenses",
        "Dépenses datées dans la période, au statut qu'elles avaient à la fin de la période "
        "d'après leur historique (saisie après la fin : leur premier statut enregistré) ; "
        "engagé = toutes, payé = statut « payée ».",
    ),
    (
        "Imputé à la subvention",
        "Part des dépenses de la période imputée à la subvention.",
    ),
    (
        "Reçu du financeur",
        "Versements du financeur datés dans la période.",
    ),
    (
        "Reste imputable, reste à recevoir",
        "Montant maximum de la subvention moins, respectivement, les parts imputées et les "
        "versements datés de la signature à la fin de la période.",
    ),
    (
        "Objectifs",
        "Objectifs chiffrés saisis pour la convention (administration, « Convention ») face au "
        "résultat du même chiffre à la fin de la période ; taux d'atteinte = résultat divisé "
        "par l'objectif, en %.",
    ),
]

_SENTENCES = dict(METHOD)


def definition(label):
    """The one-sentence definition of the figure called `label` in METHOD."""
    return _SENTENCES[label]
