"""The report's figures recounted with SQL written for this test — not the indicators
module — on the demo data plus the edge rows the demo lacks, and compared with the PDF's
text and the XLSX annex's cells, for an annual and an intermediate period."""

import datetime
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from enterprises.enums import Need
from enterprises.models import Activity, Assessment, Enterprise, Pairing, StageChange, Survey
from grant.models import Convention, Disbursement, Expense, Report, save_expense
from grant.reports import build

from ..factories import PairFactory, text

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def one_tenth(value):
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def french(value):
    """How the PDF prints a tenth: « 12,5 »."""
    return str(value).replace(".", ",")


def money(value):
    whole, cents = f"{Decimal(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return "\u202f".join(groups) + "," + cents + "\u00a0€"


def rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def end_of(day):
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day + DAY, datetime.time.min, tzinfo=tz)


def recount(convention, start, end):
    """Every checked figure, counted from the tables directly."""
    after, begin = end_of(end), end_of(start - DAY)
    p = {"start": start, "end": end, "after": after, "begin": begin, "c": convention.pk}
    stages = rows(
        """
        SELECT stage, COUNT(*) FROM (
            SELECT COALESCE(
                (SELECT s.to_stage FROM enterprises_stagechange s
                 WHERE s.enterprise_id = e.id AND s.at < %(after)s
                 ORDER BY s.at DESC, s.id DESC LIMIT 1),
                e.stage) AS stage
            FROM enterprises_enterprise e
            WHERE COALESCE(
                (SELECT MIN(s.at) FROM enterprises_stagechange s WHERE s.enterprise_id = e.id),
                e.created_at) < %(after)s
        ) t GROUP BY stage
        """,
        p,
    )
    [(activities, minutes)] = rows(
        "SELECT COUNT(*), COALESCE(SUM(duration), 0) FROM enterprises_activity "
        "WHERE date BETWEEN %(start)s AND %(end)s",
        p,
    )
    hours_per_siret = dict(
        rows(
            """
            SELECT e.siret, SUM(a.duration) FROM enterprises_participation pa
            JOIN enterprises_activity a ON a.id = pa.activity_id
            JOIN enterprises_enterprise e ON e.id = pa.enterprise_id
            WHERE pa.attendance = 'present' AND a.date BETWEEN %(start)s AND %(end)s
            GROUP BY e.siret
            """,
            p,
        )
    )
    gains = [
        last - first
        for first, last in rows(
            """
            SELECT
              (SELECT overall FROM enterprises_assessment i WHERE i.contact_id = c.id
               AND i.kind = 'initial' AND i.date BETWEEN %(start)s AND %(end)s
               ORDER BY i.date, i.id LIMIT 1),
              (SELECT overall FROM enterprises_assessment f WHERE f.contact_id = c.id
               AND f.kind = 'final' AND f.date BETWEEN %(start)s AND %(end)s
               ORDER BY f.date DESC, f.id DESC LIMIT 1)
            FROM enterprises_contact c
            """,
            p,
        )
        if first is not None and last is not None
    ]
    [(engaged, charged)] = rows(
        """
        SELECT COALESCE(SUM(x.amount), 0), COALESCE(SUM(x.grant_amount), 0)
        FROM grant_expense x JOIN grant_budgetline l ON l.id = x.line_id
        WHERE l.convention_id = %(c)s AND x.date BETWEEN %(start)s AND %(end)s
        """,
        p,
    )
    [(paid,)] = rows(
        """
        SELECT COALESCE(SUM(x.amount), 0)
        FROM grant_expense x JOIN grant_budgetline l ON l.id = x.line_id
        WHERE l.convention_id = %(c)s AND x.date BETWEEN %(start)s AND %(end)s
          AND COALESCE(
              (SELECT h.status FROM grant_historicalexpense h
               WHERE h.id = x.id AND h.history_date < %(after)s
               ORDER BY h.history_date DESC, h.history_id DESC LIMIT 1),
              (SELECT h.status FROM grant_historicalexpense h
               WHERE h.id = x.id ORDER BY h.history_date, h.history_id LIMIT 1),
              x.status) = 'payee'
        """,
        p,
    )
    [(received,)] = rows(
        "SELECT COALESCE(SUM(amount), 0) FROM grant_disbursement "
        "WHERE convention_id = %(c)s AND date BETWEEN %(start)s AND %(end)s",
        p,
    )
    [(started, active, ended)] = rows(
        """
        SELECT COUNT(*) FILTER (WHERE started_on BETWEEN %(start)s AND %(end)s),
               COUNT(*) FILTER (WHERE started_on <= %(end)s
                                AND (ended_on IS NULL OR ended_on >= %(start)s)),
               COUNT(*) FILTER (WHERE status = 'terminee'
                                AND ended_on BETWEEN %(start)s AND %(end)s)
        FROM enterprises_pairing WHERE status IN ('en_cours', 'terminee')
        """,
        p,
    )
    [(sessions, session_minutes)] = rows(
        "SELECT COUNT(*), COALESCE(SUM(duration), 0) FROM enterprises_activity "
        "WHERE kind = 'pair_a_pair' AND date BETWEEN %(start)s AND %(end)s",
        p,
    )
    [(helped,)] = rows(
        """
        SELECT COUNT(DISTINCT pa.enterprise_id) FROM enterprises_participation pa
        JOIN enterprises_activity a ON a.id = pa.activity_id
        WHERE a.kind = 'pair_a_pair' AND pa.attendance = 'present'
          AND a.date BETWEEN %(start)s AND %(end)s
        """,
        p,
    )
    answered = (
        "FROM enterprises_survey WHERE usefulness IS NOT NULL "
        "AND answered_at >= %(begin)s AND answered_at < %(after)s"
    )
    [(answers, satisfied, said_yes, said_something, usefulness)] = rows(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE usefulness >= 4), "
        "COUNT(*) FILTER (WHERE recontacted = 'yes'), COUNT(*) FILTER (WHERE recontacted <> ''), "
        f"SUM(usefulness) {answered}",
        p,
    )
    allowed = rows(
        f"SELECT code, COUNT(*) FROM (SELECT jsonb_array_elements_text(allowed) AS code "
        f"{answered}) t GROUP BY code",
        p,
    )
    by_stage = dict(stages)
    return {
        "pairs": {
            "started": started,
            "active": active,
            "ended": ended,
            "sessions": sessions,
            "hours": one_tenth(Decimal(session_minutes) / 60),
            "helped": helped,
        },
        "voice": {
            "answers": answers,
            "satisfied": one_tenth(Decimal(satisfied) * 100 / answers) if answers else None,
            "recontacted": (
                one_tenth(Decimal(said_yes) * 100 / said_something) if said_something else None
            ),
            "usefulness": one_tenth(Decimal(usefulness) / answers) if answers else None,
            "allowed": {Need(code).label: n for code, n in allowed},
        },
        "total": sum(by_stage.values()),
        "by_stage": by_stage,
        "activities": activities,
        "hours": one_tenth(Decimal(minutes) / 60),
        "met": len(hours_per_siret),
        "hours_per_siret": {s: one_tenth(Decimal(m) / 60) for s, m in hours_per_siret.items()},
        "with_both": len(gains),
        "progress": one_tenth(sum(gains) / len(gains)) if gains else None,
        "engaged": Decimal(engaged),
        "charged": Decimal(charged),
        "paid": Decimal(paid),
        "received": Decimal(received),
    }


@pytest.fixture
def demo(staff):
    """The demo data, with the edge rows it lacks."""
    call_command("seed_demo", verbosity=0)
    convention = Convention.objects.get(deliberation_number="M2022-397")
    convention.signatory_name, convention.signatory_quality = "Michaël Delafosse", "Le Président"
    convention.save()
    today = timezone.localdate()
    intermediate_end = convention.signed_on + 120 * DAY
    # A contact whose later final diagnostic scores lower than the first final.
    final = Assessment.objects.filter(kind="final", contact__isnull=False).first()
    Assessment.objects.create(
        enterprise=final.enterprise,
        contact=final.contact,
        kind="final",
        source="conseiller",
        date=final.date + DAY,
        overall=final.overall - 12,
    )
    # Expenses dated after each period (within the convention, not in the future).
    line = convention.lines.first()
    for day in (intermediate_end + 5 * DAY, today - DAY):
        save_expense(
            Expense(
                line=line,
                date=day,
                supplier="Après la période",
                description="Dépense hors période",
                amount=Decimal("4000.00"),
                grant_amount=Decimal("100.00"),
                status="engagee",
            ),
            staff,
        )
    workshop = Activity.objects.filter(kind="collectif").first()
    # A workshop where every enterprise was excused.
    excused = Activity.objects.create(
        kind="collectif",
        date=convention.signed_on + 20 * DAY,
        duration=90,
        place_type=workshop.place_type,
        place=workshop.place,
        title="Tout le monde excusé",
        author=workshop.author,
        organisation=workshop.organisation,
    )
    for enterprise in Enterprise.objects.order_by("siret")[:3]:
        excused.participations.create(enterprise=enterprise, attendance="excuse")
    # An anonymous-only workshop.
    Activity.objects.create(
        kind="collectif",
        date=convention.signed_on + 25 * DAY,
        duration=60,
        place_type=workshop.place_type,
        place=workshop.place,
        title="Anonymes seulement",
        anonymous_count=7,
        author=workshop.author,
        organisation=workshop.organisation,
    )
    add_pairs_and_answers(convention, workshop, today)
    # Stage changes after both periods (today; the annual period ends three days ago).
    for enterprise in Enterprise.objects.filter(stage="accompagnee")[:2]:
        enterprise.move_to("autonome", by=staff)
    return convention


COMMENT = "Commentaire que seul le questionnaire connaît"


def at_noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def add_pairs_and_answers(convention, workshop, today):
    """Pairings started, ended, after the periods and never started; pair sessions in,
    between and after the periods; survey answers in and after them, one not answered."""
    signed = convention.signed_on
    mentors = list(Enterprise.objects.filter(stage="autonome").order_by("siret")[:2])
    pair = PairFactory(enterprise=mentors[0])
    mentees = list(Enterprise.objects.exclude(pk__in=[m.pk for m in mentors]).order_by("-siret"))
    for mentee, status, started, ended in (
        (mentees[4], "en_cours", signed - 20 * DAY, None),  # active, started before
        (mentees[0], "en_cours", signed + 10 * DAY, None),
        (mentees[1], "terminee", signed + 30 * DAY, signed + 100 * DAY),
        (mentees[2], "terminee", signed + 130 * DAY, today - DAY),
        (mentees[3], "proposee", None, None),
    ):
        Pairing.objects.create(
            pair=pair, mentee=mentee, status=status, started_on=started, ended_on=ended
        )
    for days, duration, mentee, attendance in (
        (15, 60, mentees[0], "present"),
        (40, 45, mentees[1], "excuse"),
        (110, 90, mentees[1], "present"),
        (140, 45, mentees[2], "present"),
        (239, 30, mentees[2], "present"),  # yesterday: after both periods
    ):
        Activity.objects.create(
            kind="pair_a_pair",
            date=signed + days * DAY,
            duration=duration,
            place_type=workshop.place_type,
            place=workshop.place,
            title="Séance pair à pair",
            author=workshop.author,
            organisation=workshop.organisation,
        ).participations.create(enterprise=mentee, attendance=attendance)
    for days, usefulness, recontacted, allowed in (
        (20, 5, "yes", ["visible", "vendre"]),
        (50, 2, "no", ["visible"]),
        (60, 4, "", []),
        (150, 4, "yes", ["securiser"]),
        (239, 1, "no", ["autre"]),  # yesterday: after both periods
        (70, None, "", []),  # sent, never answered
    ):
        Survey.objects.create(
            enterprise=mentees[0],
            trigger="autonomous",
            sent_at=at_noon(signed + (days - 1) * DAY),
            answered_at=at_noon(signed + days * DAY) if usefulness else None,
            usefulness=usefulness,
            recontacted=recontacted,
            allowed=allowed,
            comment=COMMENT,
            comment_shareable=True,
        )


def generate(convention, kind, start, end):
    version = (
        Report.objects.filter(convention=convention, kind=kind, start=start, end=end).count() + 1
    )
    report = Report.objects.create(
        convention=convention, kind=kind, start=start, end=end, version=version
    )
    build(report)
    report.refresh_from_db()
    with report.pdf.open("rb") as f:
        words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)
    with report.xlsx.open("rb") as f:
        book = openpyxl.load_workbook(io.BytesIO(f.read()))
    return report, " ".join(words.split(" ")).replace("\n", " "), book


def sheet_rows(book, name):
    return [list(r) for r in book[name].iter_rows(values_only=True)]


def metadata(book):
    return {r[0]: r[1] for r in sheet_rows(book, "Métadonnées") if r and r[0]}


def periods(convention):
    today = timezone.localdate()
    return [
        ("annuel", convention.signed_on, today - 3 * DAY),
        ("intermediaire", convention.signed_on, convention.signed_on + 120 * DAY),
    ]


@pytest.mark.parametrize("which", [0, 1], ids=["annual", "intermediate"])
def test_every_checked_figure_equals_an_independent_recount(demo, which):
    kind, start, end = periods(demo)[which]
    expected = recount(demo, start, end)
    assert expected["activities"] and expected["total"]  # the demo has data in both periods
    _, words, book = generate(demo, kind, start, end)
    flat = re.sub(r"\s+", " ", words)
    meta = metadata(book)

    assert f"Entreprises suivies {expected['total']}" in flat
    assert meta["Entreprises suivies"] == expected["total"]
    for code, label in (("reperee", "repérée"), ("accompagnee", "accompagnée")):
        assert meta[f"Étape « {label} »"] == expected["by_stage"].get(code, 0)
    assert f"Activités {expected['activities']}" in flat
    assert meta["Activités"] == expected["activities"]
    assert f"Heures d'accompagnement {french(expected['hours'])}" in flat
    assert Decimal(str(meta["Heures d'accompagnement"])) == expected["hours"]
    assert f"Entreprises rencontrées {expected['met']}" in flat
    assert meta["Entreprises rencontrées"] == expected["met"]

    # The annex's per-enterprise hours: only where present, and the same count as « met ».
    enterprises = sheet_rows(book, "Entreprises")
    header = enterprises[0]
    hours_column = header.index("Heures d'accompagnement (présent)")
    with_hours = {r[0]: Decimal(str(r[hours_column])) for r in enterprises[1:] if r[hours_column]}
    assert with_hours == expected["hours_per_siret"]
    assert len(enterprises) - 1 == expected["total"]

    assert meta["Contacts avec diagnostic initial et final"] == expected["with_both"]
    if expected["progress"] is not None:
        assert f"progression moyenne de {french(expected['progress'])} points" in flat
        assert Decimal(str(meta["Progression moyenne (points)"])) == expected["progress"]

    for label, value in (
        ("Dépenses engagées (€)", expected["engaged"]),
        ("Imputé à la subvention (€)", expected["charged"]),
        ("Reçu du financeur (€)", expected["received"]),
        ("Dépenses au statut « payée » (€)", expected["paid"]),
    ):
        assert Decimal(str(meta[label])) == value, label
    assert money(expected["engaged"]) in words and money(expected["charged"]) in words
    assert "Fait à Montpellier, le" in flat and "Michaël Delafosse" in flat
    assert "Méthode" in flat and "Heures par entreprise" in flat

    # Pair à pair and the entrepreneurs' voice: the PDF's text and the annex's cells.
    assert expected["pairs"]["sessions"] and expected["voice"]["answers"]  # not vacuous
    for label, value in pair_and_voice_figures(expected):
        assert shows(flat, PDF_LABELS.get(label, label), value), label
        assert annex_value(meta[label]) == value, label
    assert COMMENT not in flat
    assert not any(
        COMMENT in str(cell) for n in book.sheetnames for r in sheet_rows(book, n) for cell in r
    )


def pair_and_voice_figures(expected):
    """(annex label, recounted value): the PDF prints the same under PDF_LABELS's name."""
    pairs, voice = expected["pairs"], expected["voice"]
    return [
        ("Mises en relation pair à pair commencées", pairs["started"]),
        ("Mises en relation pair à pair actives", pairs["active"]),
        ("Mises en relation pair à pair terminées", pairs["ended"]),
        ("Séances pair à pair", pairs["sessions"]),
        ("Heures de séances pair à pair", pairs["hours"]),
        ("Entreprises aidées par un pair", pairs["helped"]),
        ("Réponses au questionnaire de satisfaction", voice["answers"]),
        ("Entrepreneurs satisfaits (%)", voice["satisfied"]),
        ("Entrepreneurs recontactés (%)", voice["recontacted"]),
        ("Utilité moyenne (sur 5)", voice["usefulness"]),
        *[(f"L'accompagnement a permis : « {k} »", n) for k, n in voice["allowed"].items()],
    ]


PDF_LABELS = {
    "Entrepreneurs satisfaits (%)": "Entrepreneurs satisfaits (4 ou 5 sur 5)",
    "Entrepreneurs recontactés (%)": "Entrepreneurs recontactés",
    "Utilité moyenne (sur 5)": "Utilité moyenne",
}


def shows(flat, label, value):
    """Whether the text prints `label` followed by `value` (« 66,7 % », « 3,5 sur 5 »)."""
    if label.startswith("L'accompagnement a permis"):
        label = label.split("« ")[1].rstrip(" »")
        label = label[0].upper() + label[1:]  # as |capfirst prints it
    figure = "—" if value is None else re.escape(french(value))
    return re.search(re.escape(label) + rf" {figure}(?![\d,])", flat) is not None


def annex_value(cell):
    return cell if cell is None or isinstance(cell, int) else Decimal(str(cell))


def test_a_closed_period_gives_the_same_figures_whenever_generated(demo, staff):
    kind, start, end = periods(demo)[1]
    _, first_words, first_book = generate(demo, kind, start, end)
    # Data added after the period: activity, stage change, money, a status change, a new
    # enterprise, a diagnostic.
    later = timezone.localdate() - DAY
    workshop = Activity.objects.filter(kind="collectif").first()
    Activity.objects.create(
        kind="collectif",
        date=later,
        duration=120,
        place_type=workshop.place_type,
        place=workshop.place,
        title="Après la période",
        author=workshop.author,
        organisation=workshop.organisation,
    ).participations.create(enterprise=Enterprise.objects.first())
    enterprise = Enterprise.objects.filter(stage="diagnostiquee").first()
    enterprise.move_to("accompagnee", by=staff)
    expense = Expense.objects.filter(date__lte=end).exclude(status="payee").first()
    expense.status = "payee"
    save_expense(expense, staff)
    Disbursement.objects.create(
        convention=demo, kind="acompte", date=later, amount=Decimal("1000.00")
    )
    newcomer = Enterprise.objects.create(siret="73282932000074", name="NOUVELLE", source="terrain")
    StageChange.objects.create(enterprise=newcomer, to_stage="reperee")
    Assessment.objects.create(
        enterprise=enterprise, kind="final", source="conseiller", date=later, overall=90
    )
    _, second_words, second_book = generate(demo, kind, start, end)
    assert re.sub(r"Version \d+", "", second_words) == re.sub(r"Version \d+", "", first_words)
    for name in first_book.sheetnames:
        first, second = sheet_rows(first_book, name), sheet_rows(second_book, name)
        if name == "Métadonnées":
            first, second = (
                [r for r in rows if r[0] not in ("Généré le", "Rapport")]
                for rows in (first, second)
            )
        assert first == second, name


PILOTAGE_LABELS = {
    "Mises en relation pair à pair commencées": "Mises en relation commencées",
    "Mises en relation pair à pair actives": "Mises en relation actives",
    "Mises en relation pair à pair terminées": "Mises en relation terminées",
    "Réponses au questionnaire de satisfaction": "Réponses au questionnaire",
    "Entrepreneurs satisfaits (%)": "Satisfaits (4 ou 5 sur 5)",
    "Entrepreneurs recontactés (%)": "Recontactés",
    "Utilité moyenne (sur 5)": "Utilité moyenne",
}


def pilotage_value(page, label):
    """The value « Pilotage » prints beside `label` (a figure or a row of a table)."""
    found = re.search(
        rf"<dt>{re.escape(label)}</dt><dd>(.*?)</dd>|<td>{re.escape(label)}</td><td>(.*?)</td>",
        page,
    )
    assert found, label
    shown = (found.group(1) or found.group(2)).replace(" %", "").replace(" sur 5", "")
    if shown == "—":
        return None
    return Decimal(shown.replace(",", ".")) if "," in shown else int(shown)


def test_pilotage_the_pdf_and_the_annex_agree_on_pairs_and_voice(demo, client, staff):
    kind, start, end = periods(demo)[1]
    _, words, book = generate(demo, kind, start, end)
    flat, meta = re.sub(r"\s+", " ", words), metadata(book)
    client.force_login(staff)
    page = text(client.get("/pilotage/", {"start": start, "end": end}))
    page = re.sub(r"\s+", " ", page)
    labels = [label for label, _ in pair_and_voice_figures(recount(demo, start, end))]
    assert len(labels) > 10  # the voice's « what it allowed » rows are there too
    for label in labels:
        shown = PILOTAGE_LABELS.get(label, label)
        if shown.startswith("L'accompagnement a permis"):
            shown = shown.split("« ")[1].rstrip(" »")
            shown = shown[0].upper() + shown[1:]
        value = pilotage_value(page, shown)
        assert annex_value(meta[label]) == value, label
        assert shows(flat, PDF_LABELS.get(label, label), value), label
    assert COMMENT not in page
