"""Before/after evaluation of the diagnostics: for each contact with an initial and a final
diagnostic, the difference « last final − first initial », per PIX domain, averaged with
its 95 % confidence interval (Student's t on paired differences)."""

from django.db.models import Q

from enterprises.enums import PIX_DOMAINS, AssessmentKind
from enterprises.models import Assessment

from .stats import MIN_PAIRS, paired_mean

DOMAINS = [("overall", "Maîtrise globale"), *PIX_DOMAINS]

DEFINITION = (
    "Progression : pour chaque personne ayant un diagnostic initial et un diagnostic final "
    "dans la période, score du dernier diagnostic final moins score du premier diagnostic "
    "initial, en points de pourcentage ; moyenne sur ces personnes avec son intervalle de "
    f"confiance à 95 % (loi de Student) ; non publiée sous {MIN_PAIRS} personnes."
)


def diagnostic_pairs(start=None, end=None, enterprises=None):
    """{contact id: (first initial, last final)} over the period, as dicts of scores.
    One query; contacts lacking either diagnostic are left out."""
    period = Q()
    if start is not None:
        period &= Q(date__gte=start)
    if end is not None:
        period &= Q(date__lte=end)
    rows = Assessment.objects.filter(
        period,
        contact__isnull=False,
        kind__in=[AssessmentKind.INITIAL, AssessmentKind.FINAL],
    )
    if enterprises is not None:
        rows = rows.filter(enterprise__in=enterprises)
    firsts, lasts = {}, {}
    for row in rows.order_by("date", "id").values("contact_id", "kind", *(k for k, _ in DOMAINS)):
        contact = row["contact_id"]
        if row["kind"] == AssessmentKind.INITIAL:
            firsts.setdefault(contact, row)
        else:
            lasts[contact] = row
    return {c: (firsts[c], lasts[c]) for c in firsts.keys() & lasts.keys()}


def progress_by_domain(start=None, end=None, enterprises=None):
    """[(domain key, label, PairedMean)] for the overall score and each PIX domain."""
    pairs = diagnostic_pairs(start, end, enterprises).values()
    results = []
    for key, label in DOMAINS:
        differences = [
            final[key] - initial[key]
            for initial, final in pairs
            if initial[key] is not None and final[key] is not None
        ]
        results.append((key, label, paired_mean(differences)))
    return results
