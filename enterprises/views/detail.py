"""The enterprise page's own values as plain values (decision 012): the enterprise with
the names of what it refers to, the user's rights on it, its contacts and the
entrepreneur's answers.

Each comes from a query compiled to SQL once per process (common.compiled), as the
history's (enterprises.views.timeline), and all of them go to PostgreSQL in one round
trip (`read`): building the enterprise's query with its five relations and the « writes
for an organisation » question cost the ORM 3–4 ms a visit, the answers' about 2 ms,
more than PostgreSQL took to run them, and each query its round trip. What PostgreSQL
plans is kept small too: the names of the relations come from scalar subqueries
rather than a seven-table join (1.4 ms of planning a visit), and whether the user may
edit the enterprise and which answers they read are decided here from their
memberships and its orientations (perms.can_edit_from) rather than by subqueries
joining them. The dicts carry, under the names of the model's attributes and methods
(`get_stage_display`…), the strings the instances gave, so that detail.html reads as it
did."""

import functools
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Subquery
from django.urls import get_script_prefix, get_urlconf, reverse

from common.compiled import CompiledQuery, run_together
from common.templatetags.phone import phone_uri
from enterprises import perms
from enterprises.enums import (
    ExitReason,
    HeadcountBand,
    Need,
    QpvSource,
    Recontacted,
    Source,
    Stage,
    SurveyTrigger,
    TpeStatus,
)
from enterprises.models import Contact, Enterprise, Pair, Survey
from enterprises.views import timeline
from enterprises.views.rows import Row
from partners.perms import WRITING_ROLES
from programme.models import NafCode, Qpv

STAGES = dict(Stage.choices)
EXIT_REASONS = dict(ExitReason.choices)
HEADCOUNT_BANDS = dict(HeadcountBand.choices)
TPE_STATUSES = dict(TpeStatus.choices)
SOURCES = dict(Source.choices)
QPV_SOURCES = dict(QpvSource.choices)
TRIGGERS = dict(SurveyTrigger.choices)
RECONTACTED = dict(Recontacted.choices)
NEEDS = dict(Need.choices)

# No enterprise and no user has these ids: they mark where each query takes the
# page's (two different values, so that neither is taken for the other).
SAMPLE_ENTERPRISE = -424_242
SAMPLE_USER = -424_243


def _name(model, column, outer):
    """`column` of the `model` row whose id is the enterprise's `outer`: a subquery
    PostgreSQL plans on its own, instead of one more table in the join's search."""
    return Subquery(model.objects.filter(pk=OuterRef(outer)).order_by().values(column)[:1])


HEAD_COLUMNS = (
    "pk",
    "siret",
    "name",
    "trade_name",
    "legal_form",
    "naf_id",
    "naf_code",
    "naf_label",
    "created_on",
    "headcount",
    "headcount_band",
    "tpe_status",
    "tpe_reason",
    "address",
    "postcode",
    "commune",
    "latitude",
    "qpv_id",
    "qpv_name",
    "qpv_code",
    "successor_name",
    "qpv_source",
    "point_qpv_id",
    "point_qpv_name",
    "stage",
    "exit_reason",
    "stage_changed_at",
    "source",
    "referent_id",
    "referent__first_name",
    "referent__last_name",
    "referent__email",
    "pair_available",
)
HEAD = CompiledQuery(
    lambda enterprise_id: (
        Enterprise.objects.filter(pk=enterprise_id)
        .order_by()
        .annotate(
            naf_code=_name(NafCode, "code", "naf_id"),
            naf_label=_name(NafCode, "label", "naf_id"),
            qpv_name=_name(Qpv, "name", "qpv_id"),
            qpv_code=_name(Qpv, "code", "qpv_id"),
            successor_name=_name(Qpv, "successor__name", "qpv_id"),
            point_qpv_name=_name(Qpv, "name", "point_qpv_id"),
            # Pair.is_available: the pair's consent not withdrawn.
            pair_available=Exists(
                Pair.objects.filter(
                    enterprise_id=OuterRef("pk"), consent__withdrawn_at__isnull=True
                )
            ),
        )
        .values_list(*HEAD_COLUMNS)
    ),
    enterprise_id=SAMPLE_ENTERPRISE,
)


def _person(first_name, last_name, email):
    """User.__str__ from its columns; "" without a user (the template's `default`)."""
    if email is None:
        return ""
    return f"{first_name} {last_name}".strip() or email


def enterprise(rows):
    """The enterprise as the page prints it from HEAD's `rows`; None if there is no such
    enterprise."""
    if not rows:
        return None
    values = Row(zip(HEAD_COLUMNS, rows[0], strict=True))
    values.update(
        str=values["trade_name"] or values["name"],
        siren=values["siret"][:9],
        get_stage_display=STAGES.get(values["stage"], values["stage"]),
        get_exit_reason_display=EXIT_REASONS.get(values["exit_reason"], values["exit_reason"]),
        get_headcount_band_display=HEADCOUNT_BANDS.get(
            values["headcount_band"], values["headcount_band"]
        ),
        get_tpe_status_display=TPE_STATUSES.get(values["tpe_status"], values["tpe_status"]),
        get_source_display=SOURCES.get(values["source"], values["source"]),
        get_qpv_source_display=QPV_SOURCES.get(values["qpv_source"], values["qpv_source"]),
        referent=_person(
            values["referent__first_name"],
            values["referent__last_name"],
            values["referent__email"],
        ),
        # Enterprise.qpv_2024 and Enterprise.qpv_conflict from their columns.
        successor_name=values["successor_name"] if values["qpv_id"] else None,
        qpv_conflict=(
            values["qpv_source"] == QpvSource.MANUAL
            and values["latitude"] is not None
            and values["point_qpv_id"] != values["qpv_id"]
        ),
    )
    return values


CONTACTS = CompiledQuery(
    lambda enterprise_id: Contact.objects.filter(enterprise_id=enterprise_id).values_list(
        "pk",
        "first_name",
        "last_name",
        "role",
        "email",
        "phone",
        "pix_external_id",
        "consent_date",
        "anonymised_at",
    ),
    enterprise_id=SAMPLE_ENTERPRISE,
)


def contacts(rows, enterprise_pk, may_see):
    """The contacts in Contact's order from CONTACTS' `rows`, each as the page showed
    it: `shown` is `contact|contact:may_see` (Contact.shown), `str` Contact.__str__,
    `phone_uri` the `tel:` link's number, `edit_url` the link to its form."""
    edit_url = reverse("enterprises:contact_edit", args=[enterprise_pk, 987654321])
    head, tail = edit_url.rsplit("987654321", 1)
    found = []
    for pk, first, last, role, email, phone, pix, consent, anonymised in rows:
        if anonymised:
            text = f"contact anonymisé n° {pk}"
        else:
            text = f"{first} {last}".strip() or email or f"contact n° {pk}"
        found.append(
            {
                "pk": pk,
                "str": text,
                "shown": text if may_see else "contact",
                "role": role,
                "email": email,
                "phone": phone,
                "phone_uri": phone_uri(phone) if phone else "",
                "pix_external_id": pix,
                "consent_date": consent,
                "anonymised_at": anonymised,
                "edit_url": f"{head}{pk}{tail}",
            }
        )
    return found


ANSWER_COLUMNS = (
    "usefulness",
    "trigger",
    "organisation_id",
    "organisation__name",
    "answered_at",
    "recontacted",
    "allowed",
    "comment",
    "comment_shareable",
)


# Every answer about the enterprise; `answers` keeps those the user may read.
ANSWERS = CompiledQuery(
    lambda enterprise_id: (
        Survey.objects.filter(enterprise_id=enterprise_id, answered_at__isnull=False)
        .order_by("-answered_at")
        .values_list(*ANSWER_COLUMNS)
    ),
    enterprise_id=SAMPLE_ENTERPRISE,
)


def answers(rows, user, organisations):
    """The answers shown on the page from ANSWERS' `rows`, newest first: all of them to
    staff; to a partner, those about the orientations of their organisations (the ids
    of their active memberships, `organisations`) and those about the whole parcours;
    the comment only when the entrepreneur allowed the partner to read it."""
    found = []
    for values in rows:
        survey = dict(zip(ANSWER_COLUMNS, values, strict=True))
        organisation_id = survey["organisation_id"]
        if not (user.is_staff or organisation_id is None or organisation_id in organisations):
            continue
        survey.update(
            get_trigger_display=TRIGGERS.get(survey["trigger"], survey["trigger"]),
            get_recontacted_display=RECONTACTED.get(survey["recontacted"], survey["recontacted"]),
            get_allowed_display=[NEEDS[code] for code in survey["allowed"] if code in NEEDS],
            show_comment=bool(survey["comment"]) and (user.is_staff or survey["comment_shareable"]),
        )
        found.append(survey)
    return found


# The page's links with the enterprise's id, under the names of their URLs.
LINKS = (
    "log_session",
    "assign",
    "assessment_create",
    "edit",
    "pairing_create",
    "pair_withdraw",
    "pair_create",
    "story_create",
    "close_autonomous",
    "contact_create",
    "move",
)
MARK = 987_654_321


@functools.cache
def _link_parts(prefix, urlconf):
    """Each link's text before and after the enterprise's id, reversed once per process
    (per script prefix and URLconf, what reverse() reads besides the name): a
    `{% url %}` per link cost the template about 0.3 ms."""
    parts = {}
    for name in LINKS:
        head, tail = reverse(f"enterprises:{name}", args=[MARK]).rsplit(str(MARK), 1)
        parts[name] = (head, tail)
    return parts


def links(pk):
    """{name: the URL `enterprises:<name>` of the enterprise `pk`} for LINKS."""
    parts = _link_parts(get_script_prefix(), get_urlconf())
    return {name: f"{head}{pk}{tail}" for name, (head, tail) in parts.items()}


class Page(NamedTuple):
    """What the page reads: the enterprise (None if there is none), its contacts and
    the answers as dicts, and its history's rows (enterprises.views.timeline)."""

    enterprise: Row | None
    contacts: list
    answers: list
    history: timeline.History


def read(pk, user):
    """The page's queries in one round trip (common.compiled.run_together): the
    enterprise, its contacts, the answers, the user's memberships, the history. The
    enterprise gets whether the user writes for an organisation (`user_writes`) and may
    edit it (`can_edit`, perms.can_edit_from with its orientations). Contacts and
    answers are read with the others, before the page knows which the user may read;
    the others are left out here (perms.can_see_contacts, `answers`)."""
    pk = int(pk)
    head, contact_rows, answer_rows, memberships, *history = run_together(
        [
            (HEAD, {"enterprise_id": pk}),
            (CONTACTS, {"enterprise_id": pk}),
            (ANSWERS, {"enterprise_id": pk}),
            (perms.MEMBERSHIPS, {"user_id": user.pk}),
            *timeline.queries(pk),
        ]
    )
    history = timeline.History(*history)
    writing = {organisation for organisation, role in memberships if role in WRITING_ROLES}
    found = enterprise(head)
    may_see = False
    if found is not None:
        found["user_writes"] = bool(writing)
        found["can_edit"] = perms.can_edit_from(
            user,
            found.referent_id,
            writing,
            [(row[14], row[3]) for row in history.assignments],
        )
        may_see = perms.can_see_contacts(user, None, editable=found["can_edit"])
    return Page(
        enterprise=found,
        contacts=contacts(contact_rows, pk, may_see) if may_see else [],
        answers=answers(answer_rows, user, {organisation for organisation, _ in memberships}),
        history=history,
    )
