"""The enterprise page's own values as plain values (decision 012): the enterprise with
the names of what it refers to and the user's rights on it, its contacts and the
entrepreneur's answers.

Each comes from one query compiled to SQL once per process (common.compiled), as the
history's (enterprises.views.timeline): building the enterprise's query with its five
relations and the « writes for an organisation » question cost the ORM 3–4 ms a visit,
and the answers' about 2 ms, more than PostgreSQL takes to run them. The names of the
relations come from scalar subqueries rather than joins: planning the seven-table join
took PostgreSQL 1.4 ms a visit, longer than running it. The dicts carry, under the
names of the model's attributes and methods (`get_stage_display`…), the strings the
instances gave, so that detail.html reads as it did."""

from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

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
from partners.models import Membership, User
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
    "user_writes",
    "user_edits",
)
HEAD = CompiledQuery(
    lambda enterprise_id, user_id: (
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
            user_writes=perms.writes_expression(User(pk=user_id)),
            user_edits=perms.edits_expression(User(pk=user_id)),
        )
        .values_list(*HEAD_COLUMNS)
    ),
    enterprise_id=SAMPLE_ENTERPRISE,
    user_id=SAMPLE_USER,
)


def _person(first_name, last_name, email):
    """User.__str__ from its columns; "" without a user (the template's `default`)."""
    if email is None:
        return ""
    return f"{first_name} {last_name}".strip() or email


def enterprise(rows, user):
    """The enterprise as the page prints it from HEAD's `rows`, with whether `user`
    writes for an organisation and may edit it (perms.can_edit_enterprise); None if
    there is no such enterprise."""
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
        can_edit=(user.is_staff or values["referent_id"] == user.pk or bool(values["user_edits"])),
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


def _answered(enterprise_id):
    return (
        Survey.objects.filter(enterprise_id=enterprise_id, answered_at__isnull=False)
        .order_by("-answered_at")
        .values_list(*ANSWER_COLUMNS)
    )


# To staff, every answer; to a partner, those about their organisations' orientations
# and those about the whole parcours.
ANSWERS = CompiledQuery(_answered, enterprise_id=SAMPLE_ENTERPRISE)
PARTNER_ANSWERS = CompiledQuery(
    lambda enterprise_id, user_id: _answered(enterprise_id).filter(
        Q(organisation__isnull=True)
        | Q(
            organisation_id__in=Membership.objects.active()
            .filter(user_id=user_id)
            .values("organisation_id")
        )
    ),
    enterprise_id=SAMPLE_ENTERPRISE,
    user_id=SAMPLE_USER,
)


def answers(rows, user):
    """The answers shown on the page from ANSWERS' or PARTNER_ANSWERS' `rows`, newest
    first; the comment only when the entrepreneur allowed the partner to read it."""
    found = []
    for values in rows:
        survey = dict(zip(ANSWER_COLUMNS, values, strict=True))
        survey.update(
            get_trigger_display=TRIGGERS.get(survey["trigger"], survey["trigger"]),
            get_recontacted_display=RECONTACTED.get(survey["recontacted"], survey["recontacted"]),
            get_allowed_display=[NEEDS[code] for code in survey["allowed"] if code in NEEDS],
            show_comment=bool(survey["comment"]) and (user.is_staff or survey["comment_shareable"]),
        )
        found.append(survey)
    return found


class Page(NamedTuple):
    """What the page reads: the enterprise (None if there is none), its contacts and
    the answers as dicts, and its history's rows (enterprises.views.timeline)."""

    enterprise: Row | None
    contacts: list
    answers: list
    history: timeline.History


def read(pk, user):
    """The page's queries in one round trip (common.compiled.run_together): the
    enterprise, its contacts, the answers the user may read, the history. The contacts
    are read with the others, before the page knows whether the user may see them
    (perms.can_see_contacts); those who may not get none."""
    pk = int(pk)
    if user.is_staff:
        answered = (ANSWERS, {"enterprise_id": pk})
    else:
        answered = (PARTNER_ANSWERS, {"enterprise_id": pk, "user_id": user.pk})
    head, contact_rows, answer_rows, *history = run_together(
        [
            (HEAD, {"enterprise_id": pk, "user_id": user.pk}),
            (CONTACTS, {"enterprise_id": pk}),
            answered,
            *timeline.queries(pk),
        ]
    )
    found = enterprise(head, user)
    may_see = found is not None and perms.can_see_contacts(user, None, editable=found.can_edit)
    return Page(
        enterprise=found,
        contacts=contacts(contact_rows, pk, may_see) if may_see else [],
        answers=answers(answer_rows, user),
        history=timeline.History(*history),
    )
