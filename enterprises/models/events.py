"""Community events: « rencontres d'entrepreneurs » (a kind of partners.Meeting) open to the
enterprises of the parcours. Contacts who consented are invited by e-mail, register by a
signed link, and their attendance, once recorded, makes the event a collective activity."""

from django.db import models

from .activities import Activity
from .registry import Contact, Enterprise


class EventRegistration(models.Model):
    """An enterprise invited to a community event (through one of its contacts), whether
    it registered and whether it came."""

    meeting = models.ForeignKey(
        "partners.Meeting",
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name="rencontre",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name="entreprise",
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField("invitée le", null=True, blank=True)
    registered_at = models.DateTimeField("inscrite le", null=True, blank=True)
    attended = models.BooleanField("présente", null=True, blank=True)

    class Meta:
        verbose_name = "inscription à une rencontre"
        verbose_name_plural = "inscriptions aux rencontres"
        ordering = ["enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "enterprise"], name="registration_once")
        ]

    def __str__(self):
        return f"{self.enterprise} — {self.meeting}"


class EventActivity(models.Model):
    """The collective activity a community event became once attendance was recorded."""

    meeting = models.OneToOneField(
        "partners.Meeting", on_delete=models.CASCADE, related_name="event_activity"
    )
    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "activité d'une rencontre"
        verbose_name_plural = "activités des rencontres"

    def __str__(self):
        return str(self.activity)
