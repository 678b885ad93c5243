import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from enterprises.enums import QpvSource, Stage, TpeStatus
from enterprises.models import Enterprise, StageChange
from partners.enums import Role

from ..factories import (
    AssignmentFactory,
    EnterpriseFactory,
    MembershipFactory,
    QpvFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class TestVisibility:
    def test_staff_see_everything(self, staff):
        EnterpriseFactory.create_batch(3)
        assert Enterprise.objects.visible_to(staff).count() == 3

    def test_members_see_what_is_assigned_to_their_organisation(
        self, alice, bob, charlie, organisation_a
    ):
        mine = EnterpriseFactory()
        AssignmentFactory(enterprise=mine, organisation=organisation_a)
        EnterpriseFactory()
        assert list(Enterprise.objects.visible_to(alice)) == [mine]
        assert list(Enterprise.objects.visible_to(bob)) == [mine]
        assert list(Enterprise.objects.visible_to(charlie)) == []

    def test_the_referent_sees_what_they_follow(self, charlie):
        followed = EnterpriseFactory(referent=charlie)
        assert list(Enterprise.objects.visible_to(charlie)) == [followed]

    def test_an_inactive_membership_or_account_sees_nothing(self, alice, organisation_a):
        AssignmentFactory(organisation=organisation_a)
        alice.memberships.update(is_active=False)
        assert not Enterprise.objects.visible_to(alice).exists()
        alice.memberships.update(is_active=True)
        alice.is_active = False
        assert not Enterprise.objects.visible_to(alice).exists()

    def test_no_duplicates_when_assigned_twice(self, alice, organisation_a):
        enterprise = EnterpriseFactory(referent=alice)
        AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
        # Once the first is answered, the structure may be oriented to again.
        AssignmentFactory(
            enterprise=enterprise, organisation=organisation_a, status="done", message="bis"
        )
        assert Enterprise.objects.visible_to(alice).count() == 1


class TestParcours:
    def test_allowed_moves_are_recorded(self, alice):
        enterprise = EnterpriseFactory()
        enterprise.move_to(Stage.DIAGNOSTIQUEE, by=alice)
        enterprise.move_to(Stage.ACCOMPAGNEE, by=alice, note="site Internet")
        enterprise.refresh_from_db()
        assert enterprise.stage == Stage.ACCOMPAGNEE
        moves = list(
            enterprise.stage_changes.values_list("from_stage", "to_stage", "by__email", "note")
        )
        assert moves == [
            ("reperee", "diagnostiquee", "alice@example.test", ""),
            ("diagnostiquee", "accompagnee", "alice@example.test", "site Internet"),
        ]

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (Stage.REPEREE, Stage.AUTONOME),
            (Stage.DIAGNOSTIQUEE, Stage.REPEREE),
            (Stage.SORTIE, Stage.ACCOMPAGNEE),
        ],
    )
    def test_forbidden_moves_change_nothing(self, alice, start, target):
        enterprise = EnterpriseFactory(
            stage=start, exit_reason="autre" if start == Stage.SORTIE else ""
        )
        with pytest.raises(ValidationError, match="Passage impossible"):
            enterprise.move_to(target, by=alice)
        assert Enterprise.objects.get(pk=enterprise.pk).stage == start
        assert not StageChange.objects.exists()

    def test_leaving_needs_a_reason(self, alice):
        enterprise = EnterpriseFactory()
        with pytest.raises(ValidationError, match="motif de sortie"):
            enterprise.move_to(Stage.SORTIE, by=alice)
        enterprise.move_to(Stage.SORTIE, by=alice, reason="cessation")
        assert (
            Enterprise.objects.get(pk=enterprise.pk).get_exit_reason_display()
            == "cessation d'activité"
        )

    def test_time_spent_in_each_stage(self, alice):
        enterprise = EnterpriseFactory()
        start = timezone.now() - datetime.timedelta(days=30)
        StageChange.objects.create(enterprise=enterprise, to_stage=Stage.REPEREE, at=start)
        StageChange.objects.create(
            enterprise=enterprise,
            from_stage=Stage.REPEREE,
            to_stage=Stage.ACCOMPAGNEE,
            at=start + datetime.timedelta(days=12),
        )
        changes = list(StageChange.objects.with_durations().filter(enterprise=enterprise))
        assert changes[0].left_at - changes[0].at == datetime.timedelta(days=12)
        assert changes[1].left_at is None


class TestTpeStatus:
    @pytest.mark.parametrize(
        ("fields", "status", "reason"),
        [
            ({"headcount": 3}, TpeStatus.TPE, ""),
            ({"headcount": 12}, TpeStatus.NON_TPE, "effectif de 12 personnes (10 ou plus)"),
            (
                {"headcount_band": "11"},
                TpeStatus.NON_TPE,
                "tranche d'effectif « 10 à 19 salariés »",
            ),
            (
                {
                    "headcount": 2,
                    "turnover": Decimal("2500000"),
                    "balance_sheet": Decimal("2100000"),
                },
                TpeStatus.NON_TPE,
                "chiffre d'affaires et bilan au-delà de 2 M€",
            ),
            (
                {
                    "headcount": 2,
                    "turnover": Decimal("2500000"),
                    "balance_sheet": Decimal("900000"),
                },
                TpeStatus.TPE,
                "",
            ),
            ({}, TpeStatus.UNKNOWN, "effectif inconnu"),
        ],
    )
    def test_decree_2008_1354(self, fields, status, reason):
        enterprise = EnterpriseFactory(**fields)
        assert (enterprise.tpe_status, enterprise.tpe_reason) == (status, reason)

    def test_the_band_follows_the_headcount(self):
        assert EnterpriseFactory(headcount=0).headcount_band == "00"
        assert EnterpriseFactory(headcount=7).headcount_band == "03"


class TestQpv:
    def test_the_point_sets_the_qpv(self, reference_data):
        enterprise = EnterpriseFactory.build(latitude=43.6321, longitude=3.82)
        enterprise.locate()
        assert enterprise.qpv.code == "QP034005" and enterprise.qpv_source == QpvSource.POINT
        assert enterprise.qpv_2024.name == "Mosson" and enterprise.qpv_2024.generation == 2024

    def test_outside_every_qpv_is_hors_qpv_not_refused(self, reference_data):
        enterprise = EnterpriseFactory.build(latitude=43.6086, longitude=3.8797)
        enterprise.locate()
        enterprise.save()
        assert enterprise.qpv is None and enterprise.qpv_source == QpvSource.NONE

    def test_a_hand_choice_that_contradicts_the_point_is_flagged(self, reference_data):
        from programme.models import Qpv

        celleneuve = Qpv.objects.get(code="QP034004")
        enterprise = EnterpriseFactory.build(
            latitude=43.6321, longitude=3.82, qpv=celleneuve, qpv_source=QpvSource.MANUAL
        )
        enterprise.locate()
        assert enterprise.qpv == celleneuve and enterprise.point_qpv.code == "QP034005"
        assert enterprise.qpv_conflict
        without_point = EnterpriseFactory.build(qpv=celleneuve, qpv_source=QpvSource.MANUAL)
        without_point.locate()
        assert without_point.qpv == celleneuve and not without_point.qpv_conflict


def test_history_records_who_changed_what(alice):
    enterprise = EnterpriseFactory(name="AVANT")
    enterprise.name = "APRÈS"
    enterprise._history_user = alice
    enterprise.save()
    last = enterprise.history.first()
    assert last.history_user == alice and last.name == "APRÈS"
    delta = last.diff_against(last.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "AVANT", "APRÈS")]


def test_membership_role_does_not_matter_for_reading(organisation_a):
    lecteur = UserFactory()
    MembershipFactory(user=lecteur, organisation=organisation_a, role=Role.LECTEUR)
    AssignmentFactory(organisation=organisation_a)
    assert Enterprise.objects.visible_to(lecteur).count() == 1


def test_factory_qpv_square_is_usable():
    assert QpvFactory().polygon["type"] == "Polygon"
