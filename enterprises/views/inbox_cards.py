"""The partner inbox's cards, written in Python (decision 012).

A page holds 25 cards, each with up to three forms; through the template language they
cost 6 ms (about a thousand nodes to render, a reverse() and a __str__ per link and
name), written here 1 ms. The markup is the template's, word for word:
`tests/enterprises/test_inbox_speed.py` compares every tab with the old template's
rendering. A change of a card's markup is made here."""

from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from enterprises.enums import AssignmentStatus, DeclineReason
from enterprises.views.plain import Urls, day, since

# The statuses whose card offers « Confier à un collègue ».
HANDED_OVER = {AssignmentStatus.QUO, AssignmentStatus.TAKING_CARE}
STATUS_LABELS = dict(AssignmentStatus.choices)
REASON_LABELS = dict(DeclineReason.choices)
METROPOLE = "l'équipe de la Métropole"  # who oriented it, when no one is named

# The forms, as the template wrote them. Filled with str.format from values escaped
# once (`escape`) or safe by construction (ids, reversed URLs, options built with
# format_html_join): format_html on each of them cost as much as the template did.
TAKE = (
    '<div class="actions">\n'
    '<form method="post" action="{take}">{csrf}<button type="submit" class="button primary">'
    'Prendre en charge<span class="visually-hidden"> {name}</span></button></form>\n'
    "</div>\n"
    '<details><summary class="button">Décliner…<span class="visually-hidden"> {name}</span>'
    "</summary>\n"
    '<form method="post" action="{decline}">{csrf}\n'
    '<div class="field"><label for="reason-{pk}">Motif</label><select name="reason" '
    'id="reason-{pk}" required><option value="">—</option>{reasons}</select></div>\n'
    '<div class="field"><label for="note-{pk}">Précision</label><input type="text" '
    'name="note" id="note-{pk}" maxlength="255"></div>\n'
    '<button type="submit" class="button">Décliner<span class="visually-hidden"> {name}'
    "</span></button>\n"
    "</form>\n"
    "</details>\n"
)
CLOSE = (
    '<details><summary class="button">Clôturer…<span class="visually-hidden"> {name}</span>'
    "</summary>\n"
    '<form method="post" action="{close}">{csrf}\n'
    '<fieldset class="outcome"><legend>Issue de l\'accompagnement</legend>\n'
    "{outcomes}\n"
    "</fieldset>\n"
    '<div class="field"><label for="closing-{pk}">Précision (facultatif)</label>'
    '<textarea name="note" id="closing-{pk}" maxlength="255" rows="2"></textarea></div>\n'
    '<button type="submit" class="button primary">Continuer<span class="visually-hidden">'
    " la clôture de {name}</span></button>\n"
    "</form>\n"
    "</details>\n"
)
HAND_OVER = (
    '<form method="post" action="{hand_over}" class="inline-form">{csrf}\n'
    '<label for="colleague-{pk}">Confier à</label>\n'
    '<select name="colleague" id="colleague-{pk}">{colleagues}</select>\n'
    '<button type="submit" class="button">Confier</button>\n'
    "</form>\n"
)


def _meta(row, names, now):
    """The line under the title. The template's literals (`|default:"…"`) were not
    escaped, the data was."""
    meta = (
        f"{escape(row['enterprise__qpv__name'] or '') or 'hors QPV'} — orientée par "
        f"{escape(names.get(row['assigned_by_id']) or '') or METROPOLE}"
        f" le {day(row['created_at'])} ({since(row['created_at'], now)})"
    )
    if row["action__name"] is not None:
        meta += f" — {escape(row['action__name'])}"
    handled_by = names.get(row["handled_by_id"])
    if handled_by:
        meta += f" — suivie par {escape(handled_by)}"
    return meta


def _decisions(row, names):
    """« Déclinée … » and « Clôturée … », as the card says them."""
    html = ""
    decided_by = names.get(row["decided_by_id"])
    by = f" par {escape(decided_by)}" if decided_by else ""
    if row["decline_reason"]:
        reason = row["decline_reason"]
        html += (
            f'<p class="decision">Déclinée{by}'
            + (f" le {day(row['declined_at'])}" if row["declined_at"] else "")
            + f" — motif : {escape(REASON_LABELS.get(reason, reason))}"
            + (f" — {escape(row['decline_note'])}" if row["decline_note"] else "")
            + "</p>\n"
        )
    if row["closed_at"]:
        status = row["status"]
        html += (
            f'<p class="decision">Clôturée{by} le {day(row["closed_at"])} — issue : '
            f"<strong>{escape(STATUS_LABELS.get(status, status))}</strong>"
            + (f"<br>Précision : {escape(row['closing_note'])}" if row["closing_note"] else "")
            + "</p>\n"
        )
    return html


def cards_html(rows, *, names, visible_ids, csrf_input, can_act, is_admin, options):
    """The `<li>` of every card, as one safe string. `rows` are the assignments' values,
    `names` str(user) by id, `visible_ids` the enterprises I may open, `csrf_input` the
    request's hidden CSRF field, `options` the decline reasons, outcomes and colleagues
    written once for the page (safe strings)."""
    urls = Urls(
        "enterprises:detail",
        "enterprises:assignment_take",
        "enterprises:assignment_decline",
        "enterprises:assignment_close",
        "enterprises:assignment_hand_over",
    )
    now = timezone.now()
    out = []
    for row in rows:
        pk, status = row["id"], row["status"]
        name = escape(row["enterprise__trade_name"] or row["enterprise__name"])
        if row["enterprise_id"] in visible_ids:
            url = urls("enterprises:detail", row["enterprise_id"])
            title = f'<a href="{url}">{name}</a>'
        else:
            title = f'{name} <span class="muted">(fiche plus accessible)</span>'
        out.append(
            f'<li class="card">\n<h2 class="h3">{title}</h2>\n'
            f'<p class="muted">{_meta(row, names, now)}</p>\n'
        )
        if row["message"]:
            out.append(f"<blockquote>{linebreaksbr(row['message'])}</blockquote>\n")
        out.append(_decisions(row, names))
        if can_act:
            if status == AssignmentStatus.QUO:
                out.append(
                    TAKE.format(
                        take=urls("enterprises:assignment_take", pk),
                        decline=urls("enterprises:assignment_decline", pk),
                        csrf=csrf_input,
                        name=name,
                        pk=pk,
                        reasons=options["decline"],
                    )
                )
            elif status == AssignmentStatus.TAKING_CARE:
                out.append(
                    CLOSE.format(
                        close=urls("enterprises:assignment_close", pk),
                        csrf=csrf_input,
                        name=name,
                        pk=pk,
                        outcomes=options["outcome"],
                    )
                )
            if is_admin and status in HANDED_OVER:
                out.append(
                    HAND_OVER.format(
                        hand_over=urls("enterprises:assignment_hand_over", pk),
                        csrf=csrf_input,
                        pk=pk,
                        colleagues=options["colleagues"],
                    )
                )
        out.append("</li>\n")
    return mark_safe("".join(out))
