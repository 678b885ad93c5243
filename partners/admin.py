from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from common.admin import ReadOnlyAdmin
from common.queue import enqueue_on_commit
from common.resources import ImportExportAdminMixin

from . import invitations
from .enums import EmailStatus
from .forms import StaffInvitationForm
from .models import (
    AuthEvent,
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingInvitation,
    Membership,
    Organisation,
    OutboundEmail,
    User,
)
from .resources import OrganisationResource
from .tasks import send_email


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", "organisation", "role", "is_active"]


@admin.register(Organisation)
class OrganisationAdmin(ImportExportAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "is_active", "member_count"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "description"]
    readonly_fields = ["reference_name", "created_at", "updated_at"]
    inlines = [MembershipInline]
    resource_classes = [OrganisationResource]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_members=Count("memberships", filter=Q(memberships__is_active=True)))
        )

    @admin.display(description="membres actifs", ordering="_members")
    def member_count(self, obj):
        return obj._members


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "memberships__organisation", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name", "email_frequency"]}),
        (
            "Droits",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organisation__kind", "organisation"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made with « Inviter une personne », which sends the e-mail."""

    list_display = [
        "email",
        "organisation",
        "role",
        "invited_by",
        "sent_at",
        "expires_at",
        "accepted_at",
    ]
    list_filter = ["role", "organisation", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]
    readonly_fields = [
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "sent_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    ]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False  # replaced by the invite view below, which sends the e-mail

    def get_urls(self):
        urls = super().get_urls()
        custom = [
            path(
                "inviter/",
                self.admin_site.admin_view(self.invite_view),
                name="partners_invitation_invite",
            ),
        ]
        return custom + urls

    def invite_view(self, request):
        if not request.user.is_staff:
            raise PermissionDenied
        form = StaffInvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                invitation = invitations.invite(
                    form.cleaned_data["email"],
                    form.cleaned_data["organisation"],
                    form.cleaned_data["role"],
                    request.user,
                )
            if invitation is None:
                self.message_user(
                    request,
                    "Un compte existait déjà pour cette adresse : la personne a été ajoutée "
                    "à la structure et prévenue par e-mail.",
                    messages.SUCCESS,
                )
                return redirect("admin:partners_membership_changelist")
            self.message_user(
                request,
                f"Invitation envoyée à {invitation.email} (valable 7 jours).",
                messages.SUCCESS,
            )
            return redirect("admin:partners_invitation_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Inviter une personne",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/partners/invitation/invite.html", context)

    @admin.action(description="Renvoyer l'invitation (nouveau lien valable 7 jours)")
    def resend(self, request, queryset):
        sent = 0
        for invitation in queryset.filter(accepted_at=None).select_related("organisation"):
            with transaction.atomic():
                invitations.invite(
                    invitation.email, invitation.organisation, invitation.role, request.user
                )
            sent += 1
        self.message_user(request, f"{sent} invitation(s) renvoyée(s).", messages.SUCCESS)


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "user",
        "email",
        "ip_address",
        "organisation",
        "actor",
        "detail",
    ]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter), "organisation"]
    search_fields = ["email", "user__email", "ip_address", "detail"]
    list_select_related = ["user", "actor", "organisation"]
    date_hierarchy = "created_at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    exclude = ["body_text", "body_html"]
    actions = ["send_again"]

    @admin.action(description="Renvoyer les e-mails en échec ou en attente")
    def send_again(self, request, queryset):
        # « En attente » too: an e-mail queued while the broker was unreachable.
        pending = list(
            queryset.filter(status__in=[EmailStatus.FAILED, EmailStatus.QUEUED]).values_list(
                "pk", flat=True
            )
        )
        for pk in pending:
            enqueue_on_commit(send_email, pk)
        self.message_user(request, f"{len(pending)} e-mail(s) remis dans la file d'envoi.")


class MeetingInvitationInline(admin.TabularInline):
    model = MeetingInvitation
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "present", "attendees"]


def keep_original_name(document):
    """A file just uploaded (not yet stored under its random name): remember the name it
    had on the uploader's computer, which downloads offer again."""
    if document.file and not document.file._committed:
        document.original_name = document.file.name.replace("\\", "/").rsplit("/", 1)[-1][:255]


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    fields = ["title", "file"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Staff create and edit the working group's meetings; members see them in « Mon espace »."""

    list_display = ["title", "kind", "starts_at", "place", "invited", "present"]
    list_filter = ["kind"]
    search_fields = ["title", "agenda", "minutes", "place"]
    date_hierarchy = "starts_at"
    inlines = [MeetingInvitationInline, MeetingDocumentInline]
    exclude = ["created_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _invited=Count("invitations", distinct=True),
                _present=Count("invitations", filter=Q(invitations__present=True), distinct=True),
            )
        )

    @admin.display(description="structures invitées", ordering="_invited")
    def invited(self, obj):
        return obj._invited

    @admin.display(description="structures présentes", ordering="_present")
    def present(self, obj):
        return obj._present

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, MeetingDocument):
                keep_original_name(instance)
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(MeetingInvitation)
class MeetingInvitationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "organisation", "present", "attendees"]
    list_filter = ["present", "organisation"]
    search_fields = ["meeting__title", "organisation__name"]
    list_select_related = ["meeting", "organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "original_name"]
    search_fields = ["title", "meeting__title"]
    list_select_related = ["meeting"]
    readonly_fields = ["original_name"]

    def save_model(self, request, obj, form, change):
        keep_original_name(obj)
        super().save_model(request, obj, form, change)
