"""Helpers shared by the agreement tests (this module holds no tests of its own)."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from pairing.choices import AgreementStatus, DemandCategory, ResourceKind
from pairing.models import Agreement, AgreementDemandItem, AgreementProjectItem, AgreementResourceItem

YEAR = timezone.localdate().year


def pdf_upload(name="协议.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def png_upload(name="scan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def fake_pdf_upload() -> SimpleUploadedFile:
    """An HTML page renamed to .pdf, with a PDF content type: the kind of upload to refuse."""
    return SimpleUploadedFile("协议.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")


def fill_lists(agreement: Agreement) -> None:
    """One line in each of the three lists, linked the way a real project is."""
    resource = AgreementResourceItem.objects.create(
        agreement=agreement,
        kind=ResourceKind.FUNDS,
        description="帮扶资金",
        amount=Decimal("5"),
        unit_of_measure="万元",
    )
    demand = AgreementDemandItem.objects.create(
        agreement=agreement, category=DemandCategory.INFRASTRUCTURE, description="村道硬化"
    )
    project = AgreementProjectItem.objects.create(
        agreement=agreement,
        name="村道硬化工程",
        content="硬化村道 1.2 公里",
        planned_investment=Decimal("5.00"),
        unit_owner="王局长",
        village_owner="李书记",
        start_date=datetime.date(agreement.year, 3, 1),
        end_date=datetime.date(agreement.year, 10, 31),
    )
    project.demands.add(demand)
    project.resources.add(resource)


def make_agreement(pairing, status=AgreementStatus.DRAFT, year=YEAR, filled=True, **fields) -> Agreement:
    """An agreement put straight into `status` (as seed data would be), bypassing the workflow."""
    agreement = Agreement.objects.create(pairing=pairing, year=year, status=status, **fields)
    if filled:
        fill_lists(agreement)
    return agreement
