"""Who was present at activities: enterprises met (in all, per QPV, per action), the
named participants of workshops, and activities per QPV of the enterprises present. One
query for all of them (definitions.py says what each one counts).

Why one query, and this one. At national scale (120 000 activities in the dashboard's
default period, as many present participations) these figures were four queries, each
joining the activities to their participations again, two of them hashing a row per
activity or per participation and spilling to disk (« Pilotage » recomputed: about
0.7 s of its second). Here the present participations are read once and reduced, per
enterprise and action, to a few tens of thousands of rows; every figure is read from
those. An activity where several enterprises were present keeps its own rows (it counts
once per QPV, `shared_id`); telling it apart needs the number of enterprises present per
activity, counted while reading the partial index on present participations in activity
order (no sort, no hash)."""

from django.db import connection
from django.db.models import F

from enterprises.enums import ActivityKind, Attendance
from enterprises.models import Enterprise, Participation
from programme.models import Qpv

PARTICIPATION = Participation._meta.db_table
ENTERPRISE = Enterprise._meta.db_table
QPV = Qpv._meta.db_table

# The present participations, with the number of enterprises present at their activity
# (`shared`: for the activities per QPV), or without it: 1 lets PostgreSQL read only the
# participations of the activities asked for (a conseiller's few hundred), by index.
PRESENT = {
    True: f"""SELECT activity_id, enterprise_id,
                     COUNT(*) OVER (PARTITION BY activity_id) AS n
              FROM {PARTICIPATION} WHERE attendance = %s""",
    False: f"SELECT activity_id, enterprise_id, 1 AS n FROM {PARTICIPATION} WHERE attendance = %s",
}

SQL = """
    WITH per_enterprise AS (
        SELECT pr.enterprise_id, a.a_action AS action_id,
               CASE WHEN pr.n > 1 THEN a.a_id END AS shared_id,
               CASE WHEN pr.n > 1 THEN a.a_duration END AS shared_minutes,
               COUNT(*) AS activities, SUM(a.a_duration) AS minutes,
               SUM(CASE WHEN a.a_kind = %s THEN 1 ELSE 0 END) AS named
        FROM ({activities}) a
        JOIN ({present}) pr ON pr.activity_id = a.a_id
        GROUP BY pr.enterprise_id, a.a_action,
                 CASE WHEN pr.n > 1 THEN a.a_id END, CASE WHEN pr.n > 1 THEN a.a_duration END
    ), g AS (
        SELECT pe.*, e.qpv_id, q.name AS qpv
        FROM per_enterprise pe
        JOIN {enterprise} e ON e.id = pe.enterprise_id
        LEFT JOIN {qpv} q ON q.id = e.qpv_id
    )
    SELECT 1, action_id, NULL, COUNT(DISTINCT enterprise_id), 0 FROM g GROUP BY action_id
    UNION ALL
    SELECT 2, NULL, qpv, COUNT(DISTINCT enterprise_id), 0 FROM g GROUP BY qpv
    UNION ALL
    SELECT 3, NULL, NULL, COALESCE(SUM(named), 0), 0 FROM g
    UNION ALL
    SELECT 4, NULL, qpv, SUM(activities), SUM(minutes) FROM (
        SELECT qpv, activities, minutes FROM g WHERE shared_id IS NULL
        UNION ALL
        SELECT qpv, 1, shared_minutes FROM (
            SELECT DISTINCT shared_id, shared_minutes, qpv_id, qpv FROM g
            WHERE shared_id IS NOT NULL
        ) d
    ) x GROUP BY qpv
    UNION ALL
    SELECT 5, NULL, NULL, COALESCE(SUM(activities), 0), COALESCE(SUM(minutes), 0) FROM (
        SELECT activities, minutes FROM g WHERE shared_id IS NULL
        UNION ALL
        SELECT 1, shared_minutes FROM (
            SELECT DISTINCT shared_id, shared_minutes FROM g WHERE shared_id IS NOT NULL
        ) d
    ) y
    ORDER BY 1, 4 DESC, 3
"""


def presence_figures(activities, shared=True):
    """{"by_action": {action_id: enterprises present}, "qpvs": [(QPV name or None,
    enterprises present)], "named": present participations at collective activities,
    and with `shared`: "by_qpv": [(QPV name or None, activities, minutes)] counting an
    activity once in each QPV where one of its present enterprises is, "met": (activities
    with an enterprise present, their minutes)}. Lists by count, then name (NULL last, as
    ORDER BY puts it); enterprises are counted once each."""
    inner, params = (
        activities.order_by()
        .values(a_id=F("pk"), a_action=F("action_id"), a_kind=F("kind"), a_duration=F("duration"))
        .query.sql_with_params()
    )
    # The activities are a derived table, which PostgreSQL merges into the join: `id IN
    # (…)` read and hashed them a second time.
    sql = SQL.format(activities=inner, present=PRESENT[shared], enterprise=ENTERPRISE, qpv=QPV)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ActivityKind.COLLECTIF, *params, Attendance.PRESENT])
        rows = cursor.fetchall()
    # int(): the union's columns are numeric on PostgreSQL (SUMs beside COUNTs).
    parts = {part: [] for part in range(1, 6)}
    for part, action_id, name, n, minutes in rows:
        parts[part].append((action_id, name, int(n), int(minutes)))
    figures = {
        "by_action": {action_id: n for action_id, _, n, _ in parts[1]},
        "qpvs": [(name, n) for _, name, n, _ in parts[2]],
        "named": parts[3][0][2],
    }
    if shared:
        figures["by_qpv"] = [(name, n, minutes) for _, name, n, minutes in parts[4]]
        figures["met"] = parts[5][0][2:]
    return figures
