import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo.pix import write_demo_pix_export
from enterprises.models import Assessment, PixProposal

from ..factories import ContactFactory, text

pytestmark = pytest.mark.django_db


def test_staff_import_pix_results_through_a_preview(client, staff, tmp_path):
    contacts = ContactFactory.create_batch(2)
    path = write_demo_pix_export(tmp_path / "pix.csv", contacts)
    client.force_login(staff)
    url = reverse("admin:enterprises_pix_import")
    upload = SimpleUploadedFile("pix.csv", path.read_bytes(), content_type="text/csv")
    preview = client.post(url, {"file": upload})
    assert "Rapprochées : 2" in text(preview) and not Assessment.objects.exists()
    done = client.post(url, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert "Import PIX terminé : 2 diagnostic(s) créé(s)" in text(done)
    assert Assessment.objects.count() == 2


def test_staff_confirm_a_proposal_by_name(client, staff, tmp_path):
    contact = ContactFactory(first_name="Hélène", last_name="Dupré", pix_external_id="TPE-CONNU")
    stranger = ContactFactory.build(
        first_name="helene", last_name="DUPRE", pix_external_id="MAUVAIS-ID"
    )
    path = write_demo_pix_export(tmp_path / "pix.csv", [stranger])
    from django.core.management import call_command

    call_command("import_pix", str(path), stdout=__import__("io").StringIO())
    proposal = PixProposal.objects.get()
    assert proposal.contact == contact and not Assessment.objects.exists()
    client.force_login(staff)
    changelist = reverse("admin:enterprises_pixproposal_changelist")
    response = client.post(
        changelist, {"action": "accept", "_selected_action": [proposal.pk]}, follow=True
    )
    assert "1 rapprochement(s) confirmé(s)" in text(response)
    assert Assessment.objects.get().contact == contact


def test_the_campaigns_label_is_given_once_and_kept_for_its_next_files(client, staff):
    from enterprises.models import PixCampaign

    from .test_pix_layouts import pix_export

    contact = ContactFactory(pix_external_id="TPE-AB")
    content = pix_export(["Classe", "Numéro Étudiant"], ["4B", "2024-1"], "TPE-AB", "Code TPE")
    client.force_login(staff)
    url = reverse("admin:enterprises_pix_import")
    upload = SimpleUploadedFile("pix.csv", content, content_type="text/csv")
    preview = client.post(url, {"file": upload, "external_id_label": "Code TPE"})
    assert "Rapprochées : 1" in text(preview) and "juste avant" not in text(preview)
    client.post(url, {"confirm": "1", "token": preview.context["token"]})
    assert Assessment.objects.get().contact == contact
    campaign = PixCampaign.objects.get()
    assert (campaign.code, campaign.external_id_label) == ("TPEMTP123", "Code TPE")
    # The next file of the campaign: no label typed, the kept one is used.
    again = client.post(url, {"file": SimpleUploadedFile("pix2.csv", content)})
    assert "Déjà importées : 1" in text(again) and "juste avant" not in text(again)
    page = client.get(reverse("admin:enterprises_pixcampaign_change", args=[campaign.pk]))
    assert page.status_code == 200 and "Code TPE" in text(page)
